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
