//! Loading survives bad files: each becomes a located problem, the rest still load.

use crate::support::{SopRepo, sop_text};

#[test]
fn bad_files_are_reported_and_the_rest_load() {
    let r = SopRepo::new();
    r.write(
        "sops/ok/SOP-0001-good.md",
        &sop_text("SOP-0001", "Good", "procedure", "draft"),
    );
    r.write(
        "sops/ok/SOP-0002-with spaces (copy).md",
        &sop_text("SOP-0002", "Spaces", "procedure", "draft"),
    );
    r.write(
        "sops/ok/SOP-0003-ünïcode-naïve.md",
        &sop_text("SOP-0003", "Naïve", "procedure", "draft"),
    );
    r.write_bytes(
        "sops/bad/SOP-0010-binary.md",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    );
    r.write_bytes(
        "sops/bad/SOP-0011-latin1.md",
        b"---\nid: SOP-0011\ntitle: Caf\xe9\n---\n",
    );
    r.write(
        "sops/bad/SOP-0012-broken-yaml.md",
        "---\nid: SOP-0012\ntitle: a: b: c\n---\n## Purpose\n",
    );
    r.write(
        "sops/bad/SOP-0013-dup.md",
        "---\nid: SOP-0013\nstatus: draft\nstatus: approved\ntitle: Dup\n---\n",
    );
    r.write("sops/bad/SOP-0014-empty.md", "");
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", r.path("sops/bad/loop")).unwrap();

    let assert = r
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    let out = assert.get_output();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    // Broken YAML and duplicate keys still load (lint reports them); unreadable files do not.
    assert_eq!(
        ids,
        ["SOP-0001", "SOP-0002", "SOP-0003", "SOP-0012", "SOP-0013"]
    );
    let dup = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "SOP-0013")
        .unwrap();
    assert_eq!(
        dup["title"], "Dup",
        "the rest of a file with a duplicate key is read"
    );
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(
        err.contains("`sops/bad/SOP-0010-binary.md` is not listed: the file is not text"),
        "{err}"
    );
    assert!(err.contains("`sops/bad/SOP-0011-latin1.md` is not listed: the file is not UTF-8 text (first bad character at line 3, column 11)"), "{err}");
    assert!(
        err.contains("`sops/bad/SOP-0014-empty.md` is not listed: the file is empty"),
        "{err}"
    );
    #[cfg(unix)]
    assert!(
        err.contains("`sops/bad/loop` is not listed: a symbolic link here leads in a circle"),
        "{err}"
    );
}

#[test]
fn huge_file_is_reported_not_read() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-good.md",
        &sop_text("SOP-0001", "Good", "procedure", "draft"),
    );
    let big = "x".repeat(11 * 1024 * 1024);
    r.write("sops/a/SOP-0002-huge.md", &big);
    let assert = r
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("SOP-0002-huge.md` is not listed: the file is too large"),
        "{err}"
    );
}

/// A repository with one good SOP and three links that leave it: to a secret file outside, to
/// `.git/config`, and to a folder outside holding Markdown files. See #11 (S1).
fn repo_with_links_out() -> (SopRepo, tempfile::TempDir) {
    let r = SopRepo::new();
    r.write(
        "sops/ops/SOP-0001-good.md",
        &sop_text("SOP-0001", "Good", "procedure", "draft"),
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "root:x:0:0:SECRET-TOKEN\n",
    )
    .unwrap();
    std::fs::create_dir(outside.path().join("share")).unwrap();
    std::fs::write(
        outside.path().join("share/SOP-0009-foreign.md"),
        "SECRET-TOKEN foreign\n",
    )
    .unwrap();
    r.git(&[
        "config",
        "http.extraheader",
        "AUTHORIZATION: basic SECRET-TOKEN",
    ]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        r.path("sops/ops/SOP-0003-passwd.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../../.git/config", r.path("sops/ops/SOP-0007-git.md")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("share"), r.path("sops/share")).unwrap();
    r.commit("links");
    (r, outside)
}

#[test]
fn symlink_leaving_the_repository_is_a_finding_and_never_read() {
    let (r, _outside) = repo_with_links_out();
    for format in ["human", "json", "github", "sarif"] {
        let out = r.sop().args(["lint", "--format", format]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{format}: {stdout}");
        assert!(
            !stdout.contains("SECRET-TOKEN"),
            "{format} read it: {stdout}"
        );
        for link in [
            "sops/ops/SOP-0003-passwd.md",
            "sops/ops/SOP-0007-git.md",
            "sops/share",
        ] {
            assert!(
                stdout.contains(link),
                "{format} does not name {link}: {stdout}"
            );
        }
        assert!(
            stdout.contains("file-outside-repository"),
            "{format}: {stdout}"
        );
    }
    let json = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let messages: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "file-outside-repository")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{findings:#}");
    assert!(messages.iter().any(|m| m.contains("../../.git/config")));
    let list = r.sop().args(["list", "--format", "json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed:#}");
    let site = r.path("site");
    r.sop()
        .args(["publish", "--drafts", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    let mut stack = vec![site];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                assert!(!text.contains("SECRET-TOKEN"), "{} leaks", path.display());
            }
        }
    }
}

#[test]
fn symlink_inside_the_repository_is_followed_for_reading() {
    let r = SopRepo::new();
    r.write(
        "shared/SOP-0002-shared.md",
        &sop_text("SOP-0002", "Shared", "procedure", "draft"),
    );
    std::fs::create_dir_all(r.path("sops/ops")).unwrap();
    std::os::unix::fs::symlink(
        "../../shared/SOP-0002-shared.md",
        r.path("sops/ops/SOP-0002-shared.md"),
    )
    .unwrap();
    r.commit("inside link");
    let out = r.sop().args(["list", "--format", "json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[0]["id"], "SOP-0002", "{listed:#}");
}

#[test]
fn lint_fix_never_writes_through_a_symlink() {
    let r = SopRepo::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("victim.md");
    let text = sop_text("SOP-0004", "Victim", "procedure", "draft");
    let unfixed = text.trim_end().to_string();
    std::fs::write(&target, &unfixed).unwrap();
    std::fs::create_dir_all(r.path("sops/ops")).unwrap();
    std::os::unix::fs::symlink(&target, r.path("sops/ops/SOP-0004-victim.md")).unwrap();
    // The same file, linked from inside the repository: read, but not written either.
    r.write(
        "shared/SOP-0005-inside.md",
        &sop_text("SOP-0005", "Inside", "procedure", "draft")
            .trim_end()
            .replace("SOP-0004", "SOP-0005"),
    );
    std::os::unix::fs::symlink(
        "../../shared/SOP-0005-inside.md",
        r.path("sops/ops/SOP-0005-inside.md"),
    )
    .unwrap();
    let out = r.sop().args(["lint", "--fix"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), unfixed);
    assert!(!r.read("shared/SOP-0005-inside.md").ends_with('\n'));
    assert!(
        stderr.contains("`sops/ops/SOP-0005-inside.md` was not fixed: it is a symbolic link"),
        "{stderr}"
    );
    assert!(
        std::fs::symlink_metadata(r.path("sops/ops/SOP-0005-inside.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// See #11 (S5): a committed ignore file must not take a tracked SOP out of the check.
#[test]
fn ignore_files_never_hide_a_tracked_sop() {
    let r = SopRepo::new();
    r.write(
        "sops/ops/SOP-0001-good.md",
        &sop_text("SOP-0001", "Good", "procedure", "draft"),
    );
    r.write(
        "sops/ops/SOP-0002-broken.md",
        "---\nid: SOP-0002\ntitle: Broken\nstatus: nonsense\n---\nTODO\n",
    );
    r.write(
        "sops/ops/.gitignore",
        "SOP-0002-broken.md\nSOP-0003-local.md\n",
    );
    r.write("sops/ops/.ignore", "SOP-0001-good.md\n");
    r.git(&["add", "-f", "-A"]);
    r.git(&["commit", "-q", "-m", "broken SOP and ignore files"]);
    // Untracked and ignored: a writer's local scratch file stays out.
    r.write("sops/ops/SOP-0003-local.md", "not an SOP yet\n");
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: std::collections::BTreeSet<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["sops/ops/SOP-0002-broken.md"]
    );
    let list = r.sop().args(["list", "--format", "json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["SOP-0001", "SOP-0002"]);
}

/// See #11 (S1): `sop new` never creates an SOP through a folder link that leaves the
/// repository.
#[test]
fn new_never_writes_through_a_folder_link_out_of_the_repository() {
    let r = SopRepo::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(r.path("sops")).unwrap();
    std::os::unix::fs::symlink(outside.path(), r.path("sops/evil")).unwrap();
    let out = r
        .sop()
        .args([
            "new",
            "Evil",
            "--category",
            "evil",
            "--department",
            "Ops",
            "--owner",
            "Ann",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// Links `[sops] exclude` leaves out are left out as files are: no finding, not counted, not
/// listed, not published, whether git tracks them or not, whether they lead out of the
/// repository or nowhere.
#[test]
fn excluded_links_are_left_out_like_files() {
    let (r, outside) = repo_with_links_out();
    // Written the ways a team writes them: a bare name, a path from the SOP folder, a folder.
    r.write(
        "sop.toml",
        "[sops]\nexclude = [\"SOP-0003-passwd.md\", \"/ops/SOP-0007-git.md\", \"share/\", \"*shared*\", \"gone.md\"]\n",
    );
    // Untracked: seen by the walk, not through git's index.
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        r.path("sops/ops/shared.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("nowhere.md", r.path("sops/ops/gone.md")).unwrap();
    let out = r.sop().arg("lint").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("file-outside-repository"), "{stdout}");
    assert!(!stdout.contains("gone.md"), "{stdout}");
    let list = r.sop().args(["list", "--format", "json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed:#}");
    assert!(
        list.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let site = r.path("site");
    let publish = r
        .sop()
        .args(["publish", "--drafts", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        publish.status.success(),
        "{}",
        String::from_utf8_lossy(&publish.stderr)
    );
    // A link the list does not leave out is still reported.
    r.write(
        "sop.toml",
        "[sops]\nexclude = [\"/ops/SOP-0007-git.md\", \"share/\", \"*shared*\", \"gone.md\"]\n",
    );
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "file-outside-repository")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["sops/ops/SOP-0003-passwd.md"], "{findings:#}");
}

#[test]
fn a_link_to_a_folder_out_of_the_repository_is_excluded_whatever_include_says() {
    let (r, _outside) = repo_with_links_out();
    r.write(
        "sop.toml",
        "[sops]\ninclude = [\"README.md\"]\nexclude = [\"SOP-0003-passwd.md\", \"/ops/SOP-0007-git.md\", \"share/\"]\n",
    );
    let out = r.sop().arg("lint").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("file-outside-repository"), "{stdout}");
    assert!(!stdout.contains("SECRET-TOKEN"), "{stdout}");
}

/// A link (not an image) to a symbolic link that leaves the repository: the site drops it, so
/// lint says so, at the link, as it does for an image; the file it points to is never read.
#[test]
fn a_link_through_a_symlink_out_of_the_repository_is_a_finding() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0001", "Links", "procedure", "draft").replacen(
        "\n## ",
        "\nFill in [the form](form.pdf).\n\n## ",
        1,
    );
    r.write("sops/ops/SOP-0001-links.md", &text);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("form.pdf"), "SECRET-TOKEN\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("form.pdf"), r.path("sops/ops/form.pdf"))
        .unwrap();
    r.commit("links");
    let json = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let found: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "link-untracked")
        .collect();
    assert_eq!(found.len(), 1, "{findings:#}");
    let line = text.lines().position(|l| l.contains("the form")).unwrap() + 1;
    assert_eq!(found[0]["line"].as_u64(), Some(line as u64), "{findings:#}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("it is a symbolic link that leads outside the repository"),
        "{findings:#}"
    );
    assert!(!String::from_utf8_lossy(&json.stdout).contains("SECRET-TOKEN"));
}
