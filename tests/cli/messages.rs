//! The wording of refusals: every message names what is wrong, once, and where.

use crate::support::{SopRepo, sop_text};

/// See #11 (R15): two files with the same id are one suggestion, not "`X` or `X`".
#[test]
fn unknown_id_suggests_each_close_id_once() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0015", "Twin", "procedure", "draft");
    r.write("sops/a/SOP-0015-one.md", &text);
    r.write("sops/a/SOP-0015-two.md", &text);
    r.commit("twins");
    for cmd in ["history", "diff", "review"] {
        let out = r.sop().args([cmd, "SOP-0016"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {stderr}");
        assert!(
            stderr.contains("no SOP has the id `SOP-0016`"),
            "{cmd}: {stderr}"
        );
        assert_eq!(stderr.matches("`SOP-0015`").count(), 1, "{cmd}: {stderr}");
    }
}

/// See #11 (R15): `publish --out .` names the folder, not "`` is not empty".
#[test]
fn refusing_the_current_folder_names_it() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "approved"),
    );
    r.commit("one");
    let out = r.sop().args(["publish", "--out", "."]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("``"), "{stderr}");
    // The folder is named (the site side may word the refusal its own way).
    assert!(stderr.contains("error: `"), "{stderr}");
}
