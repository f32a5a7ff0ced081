//! `sop stats`: corpus health as text and JSON, the numbers the dashboard shows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

#[test]
fn json_counts_by_status_type_and_department() {
    let repo = SopRepo::new();
    repo.write(
        "sops/p/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "approved"),
    );
    repo.write(
        "sops/p/SOP-0002-b.md",
        &sop_text("SOP-0002", "B", "checklist", "draft"),
    );
    repo.write(
        "sops/p/SOP-0003-c.md",
        &sop_text("SOP-0003", "C", "checklist", "approved"),
    );
    let mut es = sop_text("SOP-0001", "A es", "procedure", "approved");
    es = es.replace(
        "review_every",
        "language: es\ntranslation_of: SOP-0001@0.9.0\nreview_every",
    );
    repo.write("sops/p/SOP-0001-a.es.md", &es);
    // Review figures are those of the published (committed, approved) versions.
    repo.commit("add SOPs");
    let out = repo
        .sop()
        .args(["stats", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = [
        "today",
        "sops",
        "translations",
        "unreadable",
        "unreadable_shown_as_release",
        "by_status",
        "by_type",
        "by_department",
        "overdue",
        "due_soon",
        "review_date_unknown",
        "stale_translations",
        "median_days_since_review",
        "releases_per_month",
        "reviews_due_per_month",
        "lint_findings_by_rule",
    ];
    want.sort_unstable();
    assert_eq!(keys, want);
    assert_eq!(v["sops"], 3);
    assert_eq!(v["translations"], 1);
    assert_eq!(v["by_status"]["approved"], 2);
    assert_eq!(v["by_status"]["draft"], 1);
    assert_eq!(v["by_type"]["checklist"], 2);
    assert_eq!(v["by_department"]["Payments"], 3);
    assert_eq!(v["stale_translations"], 1);
    // effective 2026-03-01, today 2026-11-25: 269 days; reviews due 2027-03.
    assert_eq!(v["median_days_since_review"], 269.0);
    assert_eq!(v["reviews_due_per_month"]["2027-03"], 2);
    assert!(v["lint_findings_by_rule"].is_object());
}

#[test]
fn text_output_names_every_group() {
    let repo = SopRepo::new();
    repo.write(
        "sops/p/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "approved"),
    );
    let out = repo.sop().arg("stats").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("1 SOP, 0 translations (as of 2026-11-25)"),
        "{text}"
    );
    for want in [
        "by status:",
        "  approved  ",
        "by type:",
        "by department:",
        "Payments",
    ] {
        assert!(text.contains(want), "missing {want}: {text}");
    }
}

/// See #16: the department placeholder that `sop new` writes without `--department` is no
/// department: `sop stats` counts the SOP as `unknown`, and the site has no page for it.
#[test]
fn the_department_placeholder_is_no_department() {
    let repo = SopRepo::new();
    let placeholder = "\"<Which department owns this SOP?>\"";
    repo.write(
        "sops/p/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "approved"),
    );
    repo.write(
        "sops/p/SOP-0002-b.md",
        &sop_text("SOP-0002", "B", "procedure", "approved").replace(
            "department: Payments",
            &format!("department: {placeholder}"),
        ),
    );
    repo.write(
        "sops/p/SOP-0003-c.md",
        &sop_text("SOP-0003", "C", "checklist", "approved")
            .replace("department: Payments", "department: TBD"),
    );
    repo.commit("add SOPs");
    // The placeholder is what `sop new` writes.
    repo.sop()
        .args(["new", "--type", "checklist", "D"])
        .assert()
        .success();
    assert!(
        repo.read("sops/general/SOP-0004-d.md")
            .contains(placeholder)
    );

    let out = repo
        .sop()
        .args(["stats", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        v["by_department"],
        serde_json::json!({"Payments": 1, "unknown": 3}),
        "{v:#}"
    );

    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let mut pages: Vec<String> = std::fs::read_dir(repo.path("site/departments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "index.html",
            "payments.html",
            "payments.reviews.xml",
            "payments.xml"
        ]
    );
    let index = std::fs::read_to_string(repo.path("site/index.html")).unwrap();
    assert!(!index.contains("Which department"), "{index}");
}

#[test]
fn an_sop_whose_front_matter_cannot_be_read_is_named_on_stderr() {
    let r = crate::list::repo_with_unreadable_front_matter();
    for format in ["human", "json"] {
        let out = r
            .sop()
            .args(["stats", "--format", format])
            .assert()
            .success();
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert_eq!(
            stderr,
            "warning: 2 SOPs are counted as `unknown` by status, type and department: their front matter cannot be read (`sops/p/SOP-0002-b.md`, `sops/p/SOP-0003-c.md`); run `sop lint sops/p/SOP-0002-b.md sops/p/SOP-0003-c.md` to see why\n"
        );
    }
}
