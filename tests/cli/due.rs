//! `sop due`: reviews overdue or due soon, most late first, as text and JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

use crate::support::SopRepo;

fn sop(id: &str, status: &str, next_review: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: Title of {id}\ntype: checklist\nstatus: {status}\nversion: 1.0.0\nowner: Ana Ruiz\ndepartment: Payments\napprovers: [Lena]\neffective: 2026-01-01\nnext_review: {next_review}\n---\n\n## Purpose\n\nx\n\n## Checklist\n\n- [ ] y\n"
    )
}

fn repo() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        "sops/p/SOP-0001-a.md",
        &sop("SOP-0001", "approved", "2026-11-20"),
    );
    repo.write(
        "sops/p/SOP-0002-b.md",
        &sop("SOP-0002", "approved", "2026-06-01"),
    );
    repo.write(
        "sops/p/SOP-0003-c.md",
        &sop("SOP-0003", "approved", "2026-12-10"),
    );
    repo.write(
        "sops/p/SOP-0004-d.md",
        &sop("SOP-0004", "approved", "2027-03-01"),
    );
    repo.write(
        "sops/p/SOP-0005-e.md",
        &sop("SOP-0005", "draft", "2026-01-01"),
    );
    // Review dates are those of the published (committed, approved) versions.
    repo.commit("add SOPs");
    repo
}

#[test]
fn json_lists_due_reviews_most_late_first() {
    let repo = repo();
    let out = repo
        .sop()
        .args(["due", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["today"], "2026-11-25");
    assert_eq!(v["within"], "30 days");
    let reviews = v["reviews"].as_array().unwrap();
    let ids: Vec<&str> = reviews.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["SOP-0002", "SOP-0001", "SOP-0003"]);
    let first = &reviews[0];
    for key in [
        "id",
        "title",
        "owner",
        "department",
        "next_review",
        "days_late",
        "state",
        "path",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["days_late"], 177);
    assert_eq!(first["state"], "overdue");
    assert_eq!(first["path"], "sops/p/SOP-0002-b.md");
    assert_eq!(reviews[2]["days_late"], -15);
    assert_eq!(reviews[2]["state"], "due-soon");
}

#[test]
fn within_widens_the_window() {
    let repo = repo();
    let out = repo
        .sop()
        .args(["due", "--within", "6 months", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let reviews = v["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 4);
    assert_eq!(reviews[3]["id"], "SOP-0004");
    assert_eq!(reviews[3]["state"], "ok");
    repo.sop()
        .args(["due", "--within", "soon"])
        .assert()
        .code(2);
}

#[test]
fn text_output_is_a_table() {
    let repo = repo();
    let out = repo.sop().arg("due").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID"), "{text}");
    assert!(
        lines[1].starts_with("SOP-0002") && lines[1].ends_with("177 days late"),
        "{text}"
    );
    assert!(lines[3].ends_with("in 15 days"), "{text}");
    let empty = SopRepo::new();
    let out = empty.sop().arg("due").assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("No review is overdue"));
}

#[test]
fn fail_on_exits_1_while_such_a_review_exists() {
    // SOP-0002 is overdue on 2026-11-25; SOP-0001 too; SOP-0003 is due soon.
    let repo = repo();
    for flag in ["overdue", "due-soon"] {
        let out = repo.sop().args(["due", "--fail-on", flag]).assert().code(1);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("SOP-0002"), "the list is printed: {text}");
    }
    // Without the flag the list is only information.
    repo.sop().arg("due").assert().success();
    // Only due soon: `overdue` passes, `due-soon` fails, even when `--within` leaves it out.
    let repo = SopRepo::new();
    repo.write(
        "sops/p/SOP-0003-c.md",
        &sop("SOP-0003", "approved", "2026-12-10"),
    );
    repo.write(
        "sops/p/SOP-0004-d.md",
        &sop("SOP-0004", "approved", "2027-03-01"),
    );
    repo.commit("add SOPs");
    repo.sop()
        .args(["due", "--fail-on", "overdue"])
        .assert()
        .success();
    repo.sop()
        .args(["due", "--fail-on", "due-soon", "--within", "1 day"])
        .assert()
        .code(1);
    // Nothing due: both pass.
    let repo = SopRepo::new();
    repo.write(
        "sops/p/SOP-0004-d.md",
        &sop("SOP-0004", "approved", "2027-03-01"),
    );
    repo.commit("add SOPs");
    for flag in ["overdue", "due-soon"] {
        repo.sop()
            .args(["due", "--fail-on", flag])
            .assert()
            .success();
    }
    repo.sop()
        .args(["due", "--fail-on", "late"])
        .assert()
        .code(2);
}

#[test]
fn one_day_late_is_one_day() {
    let repo = SopRepo::new();
    repo.write(
        "sops/p/SOP-0001-a.md",
        &sop("SOP-0001", "approved", "2026-11-24"),
    );
    repo.write(
        "sops/p/SOP-0002-b.md",
        &sop("SOP-0002", "approved", "2026-11-26"),
    );
    repo.commit("add SOPs");
    let out = repo.sop().arg("due").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("1 day late"), "{text}");
    assert!(text.contains("in 1 day"), "{text}");
    assert!(!text.contains("1 days"), "{text}");
}

#[test]
fn help_documents_fail_on() {
    let out = SopRepo::new()
        .sop()
        .args(["due", "--help"])
        .assert()
        .success();
    let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(help.contains("--fail-on <STATE>"), "{help}");
    assert!(help.contains("due-soon"), "{help}");
}

#[test]
fn an_sop_whose_front_matter_cannot_be_read_is_named_on_stderr() {
    let r = crate::list::repo_with_unreadable_front_matter();
    for format in ["human", "json"] {
        let out = r.sop().args(["due", "--format", format]).assert().success();
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert_eq!(
            stderr,
            "warning: 2 SOPs are left out: their front matter cannot be read (`sops/p/SOP-0002-b.md`, `sops/p/SOP-0003-c.md`); run `sop lint sops/p/SOP-0002-b.md sops/p/SOP-0003-c.md` to see why\n"
        );
    }
}

/// A version approved to take effect on a later date is not in force yet: `sop due` and `sop
/// stats` count the review of the version in force, as the site's dashboard does.
#[test]
fn the_review_due_is_that_of_the_version_in_force() {
    let repo = crate::support::approved_in_advance();
    let out = repo
        .sop()
        .args(["due", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let reviews = v["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1, "{v}");
    assert_eq!(reviews[0]["next_review"], "2026-12-05", "{v}");
    assert_eq!(reviews[0]["state"], "due-soon", "{v}");
    // The row says when that review stops being due: when the next version takes effect.
    assert_eq!(
        reviews[0]["upcoming"],
        serde_json::json!({"version": "2.0.0", "effective": "2027-01-31"}),
        "{v}"
    );
    let out = repo.sop().arg("due").assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        table.contains("2026-12-05  in 10 days; 2.0.0 from 2027-01-31"),
        "{table}"
    );
    let out = repo
        .sop()
        .args(["stats", "--format", "json"])
        .assert()
        .success();
    let stats: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(stats["due_soon"], 1, "{stats}");
    assert_eq!(stats["reviews_due_per_month"]["2026-12"], 1, "{stats}");
    // On the day it takes effect, the new version's review counts.
    let out = repo
        .sop()
        .env("SOP_TODAY", "2027-01-31")
        .args(["due", "--format", "json", "--within", "2y"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["reviews"][0]["next_review"], "2028-01-31", "{v}");
    assert!(v["reviews"][0].get("upcoming").is_none(), "{v}");
}
