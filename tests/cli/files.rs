//! Which files are SOPs (`[sops] include`, `exclude`, `extensions`), how ids look
//! (`[sops] id_pattern`) and how files are named (`[sops] file_names`), through the real binary
//! on real git repositories.

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

/// `sop lint --format json` with `args`: the findings and the exit code.
fn lint(r: &SopRepo, args: &[&str]) -> (Vec<Value>, i32) {
    let out = r
        .sop()
        .args(["lint", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        findings.as_array().cloned().unwrap_or_default(),
        out.status.code().unwrap_or(-1),
    )
}

/// The files `sop list --format json` shows.
fn listed(r: &SopRepo) -> Vec<String> {
    let out = r
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: Value = serde_json::from_slice(&out).unwrap();
    let mut paths: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths
}

/// Stderr and stdout of `sop lint PATH` (human format).
fn lint_human(r: &SopRepo, path: &str) -> (String, String) {
    let out = r.sop().args(["lint", path]).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A repository with one SOP, a README, an index page and notes in its SOP folder.
fn mixed() -> SopRepo {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "draft"),
    );
    r.write("sops/a/README.md", "# About this folder\n");
    r.write("sops/index.md", "# Home\n");
    r.write("sops/b/_index.md", "# Section\n");
    r.write("sops/a/notes.txt", "notes\n");
    r
}

#[test]
fn readme_and_index_pages_are_left_out_by_default() {
    let r = mixed();
    assert_eq!(listed(&r), ["sops/a/SOP-0001-a.md"]);
    let (findings, code) = lint(&r, &[]);
    assert_eq!((findings.len(), code), (0, 0), "{findings:#?}");
}

#[test]
fn include_brings_a_readme_back_and_an_empty_exclude_brings_all_back() {
    let r = mixed();
    r.write("sop.toml", "[sops]\ninclude = [\"README.md\"]\n");
    assert_eq!(listed(&r), ["sops/a/README.md", "sops/a/SOP-0001-a.md"]);
    // Linted for real: a README without front matter is reported.
    let (findings, _) = lint(&r, &["sops/a/README.md"]);
    assert!(
        findings.iter().all(|f| f["file"] == "sops/a/README.md") && !findings.is_empty(),
        "{findings:#?}"
    );
    r.write("sop.toml", "[sops]\nexclude = []\n");
    assert_eq!(
        listed(&r),
        [
            "sops/a/README.md",
            "sops/a/SOP-0001-a.md",
            "sops/b/_index.md",
            "sops/index.md"
        ]
    );
}

#[test]
fn exclude_uses_gitignore_patterns_and_include_wins() {
    let r = SopRepo::new();
    for path in [
        "sops/drafts/SOP-0001-a.md",
        "sops/drafts/SOP-0002-keep.md",
        "sops/live/SOP-0003-c.md",
        "sops/live/old/SOP-0004-d.md",
    ] {
        let id = &path[path.rfind("SOP-").unwrap()..][..8];
        r.write(path, &sop_text(id, "X", "procedure", "draft"));
    }
    // `*` stops at a folder: only the file directly in `live/` is left out.
    r.write(
        "sop.toml",
        "[sops]\nexclude = [\"drafts/\", \"live/*.md\"]\ninclude = [\"drafts/SOP-0002-keep.md\"]\n",
    );
    assert_eq!(
        listed(&r),
        [
            "sops/drafts/SOP-0002-keep.md",
            "sops/live/old/SOP-0004-d.md"
        ]
    );
    // `**` crosses folders, `!` takes a file back.
    r.write(
        "sop.toml",
        "[sops]\nexclude = [\"live/**/*.md\", \"!SOP-0004-d.md\"]\n",
    );
    assert_eq!(
        listed(&r),
        [
            "sops/drafts/SOP-0001-a.md",
            "sops/drafts/SOP-0002-keep.md",
            "sops/live/old/SOP-0004-d.md"
        ]
    );
}

#[test]
fn a_bad_pattern_is_a_config_error_with_its_line() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[sops]\ndir = \"sops\"\nexclude = [\"drafts/{a\"]\n",
    );
    let out = r.sop().arg("lint").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("sop.toml:3:"), "{stderr}");
    assert!(
        stderr.contains("`drafts/{a` is not a valid file pattern"),
        "{stderr}"
    );
    r.write(
        "sop.toml",
        "[types.alert]\nsections = [\"A\"]\npaths = [\"sops/[z-a]/**\"]\n",
    );
    let out = r.sop().arg("lint").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("sop.toml:3:"), "{stderr}");
    assert!(stderr.contains("is not a valid path pattern"), "{stderr}");
}

#[test]
fn type_paths_follow_gitignore_rules_from_the_repository_root() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[types.alert]\nsections = [\"Meaning\"]\npaths = [\"sops/alerts/*.md\", \"!sops/alerts/SOP-0002-b.md\"]\n",
    );
    let body = "---\nid: {id}\ntitle: T\nstatus: draft\nversion: 0.1.0\nowner: O\ndepartment: D\nreview_every: 12 months\n---\n\n## Meaning\n\nText.\n";
    for (path, id) in [
        ("sops/alerts/SOP-0001-a.md", "SOP-0001"),
        ("sops/alerts/SOP-0002-b.md", "SOP-0002"),
        ("sops/alerts/deep/SOP-0003-c.md", "SOP-0003"),
    ] {
        r.write(path, &body.replace("{id}", id));
    }
    let (findings, _) = lint(&r, &[]);
    let missing_type: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "key-missing" && f["message"].as_str().unwrap().contains("type"))
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    // The first takes the type from `paths`; `!` takes the second back, and `*` does not
    // reach into `deep/`.
    assert_eq!(
        missing_type,
        [
            "sops/alerts/SOP-0002-b.md",
            "sops/alerts/deep/SOP-0003-c.md"
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_named_path_that_is_left_out_says_why_on_one_line() {
    let r = mixed();
    r.write("sops/drafts/SOP-0009-x.md", "# Draft\n");
    r.write("sops/a/old.markdown", "# Old\n");
    r.write(
        "sop.toml",
        "[sops]\nexclude = [\"drafts/\", \"README.md\"]\n",
    );
    let cases = [
        (
            "sops/a/README.md",
            "the pattern `README.md` in `[sops] exclude` leaves it out",
            "",
        ),
        (
            "sops/drafts/SOP-0009-x.md",
            "the pattern `drafts/` in `[sops] exclude` leaves it out; add \"drafts/SOP-0009-x.md\" to `[sops] include`",
            "",
        ),
        (
            "sops/a/notes.txt",
            "only Markdown files (`.md`) are SOPs",
            "",
        ),
        (
            "sops/a/old.markdown",
            "only Markdown files (`.md`) are SOPs; add \"markdown\" to `[sops] extensions`",
            "",
        ),
        ("README.md", "it is not in the SOP folder `sops/`", ""),
    ];
    r.write("README.md", "# Repository\n");
    for (path, why, _) in cases {
        let (stdout, stderr) = lint_human(&r, path);
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!("`{path}` was not checked: ")))
            .unwrap_or_else(|| panic!("{path}: {stderr}"));
        assert!(line.contains(why), "{path}: {line}");
        assert!(line.contains("; "), "{path}: says how to change it: {line}");
        assert!(!stdout.contains("0 SOPs"), "{path}: {stdout}");
    }
    // With the default list, the README is left out "by default", and the line says how to
    // lint it.
    r.write("sop.toml", "");
    let (_, stderr) = lint_human(&r, "sops/a/README.md");
    assert!(
        stderr.contains(
            "`sops/a/README.md` was not checked: `README.md` files are left out by default; add \"README.md\" to `[sops] include` in `sop.toml` to lint it"
        ),
        "{stderr}"
    );
}

#[test]
fn a_repository_with_no_sop_says_why() {
    let r = SopRepo::new();
    r.write("sops/README.md", "# About\n");
    let (_, dot) = lint_human(&r, ".");
    let out = r.sop().arg("lint").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(dot, stderr);
    assert!(
        stderr.contains("no SOP was checked: sop reads the files ending in `.md` in `sops/`, except those `[sops] exclude` leaves out (`README.md`, `index.md`, `_index.md`, `CHANGELOG.*`, `CONTRIBUTING.*`, `LICENSE.*`, `CODE_OF_CONDUCT.*`, `SECURITY.*`, `AUTHORS.*`, `NOTICE.*`, `SUMMARY.*`)"),
        "{stderr}"
    );
}

#[test]
fn html_md_erb_files_are_linted_and_published() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\nextensions = [\"md\", \"md.erb\"]\n");
    r.write(
        "sops/manual/SOP-0001-backup.html.md.erb",
        &sop_text("SOP-0001", "Backup", "procedure", "approved"),
    );
    r.write(
        "sops/manual/SOP-0002-restore.html.md.erb",
        &sop_text("SOP-0003", "Restore", "procedure", "draft"),
    );
    assert_eq!(
        listed(&r),
        [
            "sops/manual/SOP-0001-backup.html.md.erb",
            "sops/manual/SOP-0002-restore.html.md.erb"
        ]
    );
    let (findings, _) = lint(&r, &[]);
    let rules: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        [(
            "id-file-name-mismatch",
            "sops/manual/SOP-0002-restore.html.md.erb"
        )],
        "{findings:#?}"
    );
    let help = findings[0]["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("`SOP-0003-restore.html.md.erb`"),
        "{findings:#?}"
    );
    r.commit("manual");
    r.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let page = std::fs::read_to_string(r.path("site/sops/SOP-0001.html")).unwrap();
    assert!(page.contains("Backup"), "{page}");
    // Without the extension, the files are not SOPs.
    r.write("sop.toml", "");
    assert!(listed(&r).is_empty());
}

#[test]
fn id_pattern_reads_the_teams_ids_and_new_allocates_the_next() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\nid_pattern = \"GDI-SOP(\\\\d{4})\"\n");
    r.write(
        "sops/ops/GDI-SOP0001-backup.md",
        &sop_text("GDI-SOP0001", "Backup", "procedure", "draft"),
    );
    r.write(
        "sops/ops/GDI-SOP0003-restore.md",
        &sop_text("GDI-SOP0003", "Restore", "procedure", "draft"),
    );
    r.write(
        "sops/ops/SOP-0009-other.md",
        &sop_text("SOP-0009", "Other", "procedure", "draft"),
    );
    let (findings, _) = lint(&r, &[]);
    let invalid: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "id-invalid")
        .collect();
    assert_eq!(invalid.len(), 1, "{findings:#?}");
    assert_eq!(invalid[0]["file"], "sops/ops/SOP-0009-other.md");
    let message = invalid[0]["message"].as_str().unwrap();
    assert!(message.contains("GDI-SOP(\\d{4})"), "{message}");
    let out = r
        .sop()
        .args(["new", "Failover", "--category", "ops"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let path = String::from_utf8(out).unwrap().trim().to_string();
    assert_eq!(path, "sops/ops/GDI-SOP0004-failover.md");
    assert!(r.read(&path).contains("id: GDI-SOP0004"));
}

#[test]
fn id_pattern_without_any_id_yet_starts_at_one_or_says_how() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\nid_pattern = \"GDI-SOP(\\\\d{4})\"\n");
    let out = r
        .sop()
        .args(["new", "First", "--category", "ops"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap().trim(),
        "sops/ops/GDI-SOP0001-first.md"
    );
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\nid_pattern = \"(?:A|B)-(\\\\d+)\"\n");
    let out = r.sop().args(["new", "First"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("id_prefix"), "{stderr}");
    r.write("sop.toml", "[sops]\nid_pattern = \"GDI-SOP\\\\d{4}\"\n");
    let out = r.sop().arg("lint").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("sop.toml:2:") && stderr.contains("exactly one"),
        "{stderr}"
    );
}

#[test]
fn any_file_names_turn_the_name_check_off_and_pages_come_from_the_id() {
    let r = SopRepo::new();
    r.write(
        "sops/ops/backup-procedure.md",
        &sop_text("SOP-0001", "Backup", "procedure", "approved"),
    );
    let (findings, _) = lint(&r, &[]);
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "id-file-name-mismatch"),
        "{findings:#?}"
    );
    r.write("sop.toml", "[sops]\nfile_names = \"any\"\n");
    let (findings, code) = lint(&r, &[]);
    assert_eq!((findings.len(), code), (0, 0), "{findings:#?}");
    r.commit("backup");
    r.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    assert!(r.path("site/sops/SOP-0001.html").is_file());
    r.write("sop.toml", "[sops]\nfile_names = \"some\"\n");
    let out = r.sop().arg("lint").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
