//! `sop review`: a one-file commit that records a review and moves the due date.

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";

fn next_review(repo: &SopRepo) -> String {
    let out = repo
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v[0]["next_review"].as_str().unwrap_or_default().to_string()
}

#[test]
fn review_commits_one_file_and_moves_the_due_date() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(SOP, &text)
        .write("notes.md", "n\n")
        .commit("Add");
    repo.write("notes.md", "edited, not staged\n");
    assert_eq!(next_review(&repo), "2027-03-01");
    let head = repo.git(&["rev-parse", "HEAD"]);

    repo.sop()
        .args([
            "review",
            "SOP-0001",
            "-m",
            "checked against the new refund tool",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("next review    2027-11-25"));

    assert_eq!(next_review(&repo), "2027-11-25");
    assert_eq!(
        repo.read(SOP),
        text.replace(
            "review_every: 12 months\n",
            "review_every: 12 months\nlast_reviewed: 2026-11-25\n"
        )
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD^"]), head);
    assert_eq!(
        repo.git(&["show", "--name-only", "--format=%B", "HEAD"]),
        format!(
            "Review SOP-0001: checked against the new refund tool\n\nSop-Review: SOP-0001\n\n\n{SOP}\n"
        )
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), " M notes.md\n");
    assert_eq!(repo.git(&["tag", "-l"]), "");
}

#[test]
fn review_sets_an_explicit_next_review_date() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        .replace("review_every: 12 months", "next_review: 2026-12-01");
    repo.write(SOP, &text).commit("Add");
    repo.sop()
        .args(["review", "SOP-0001", "--next", "2027-06-01"])
        .assert()
        .success();
    let now = repo.read(SOP);
    assert!(now.contains("next_review: 2027-06-01\n"), "{now}");
    assert!(now.contains("last_reviewed: 2026-11-25\n"), "{now}");
    assert_eq!(next_review(&repo), "2027-06-01");
    // Without --next, the default cadence (12 months) counts from today.
    repo.sop().args(["review", "SOP-0001"]).assert().success();
    assert!(repo.read(SOP).contains("next_review: 2027-11-25\n"));
}

#[test]
fn review_refuses_uncommitted_changes_and_next_on_a_cadence() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(SOP, &text).commit("Add");
    repo.sop()
        .args(["review", "SOP-0001", "--next", "2027-06-01"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("has no `next_review` date"));
    repo.write(SOP, &text.replace("The purpose", "What"));
    repo.sop()
        .args(["review", "SOP-0001"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "has changes that are not committed",
        ))
        .stderr(predicates::str::contains("sop release SOP-0001"));
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[test]
fn review_refuses_committed_text_changed_after_its_approved_release() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "draft");
    repo.write(SOP, &text).commit("Add");
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--version",
            "1.0.0",
            "-m",
            "First",
            "--approve",
            "--approver",
            "Ann Lee",
        ])
        .assert()
        .success();
    // Reviews of the approved text, one after the other, are recorded: a review changes only
    // the review dates.
    repo.sop().args(["review", "SOP-0001"]).assert().success();
    repo.sop()
        .args(["review", "SOP-0001", "-m", "again"])
        .assert()
        .success();
    let reviews = repo.git(&["rev-list", "--count", "HEAD"]);

    // An edit committed without a release is text nobody approved: no review of it.
    repo.write(SOP, &repo.read(SOP).replace("The purpose", "What"))
        .commit("Edit");
    repo.sop()
        .args(["review", "SOP-0001", "-m", "looked"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "SOP-0001 changed after version 1.0.0 was approved",
        ))
        .stderr(predicates::str::contains("sop diff SOP-0001 1.0.0"))
        .stderr(predicates::str::contains(
            "sop release SOP-0001 --patch -m \"...\" --approve",
        ));
    assert_eq!(
        repo.git(&["rev-list", "--count", "HEAD"]).trim(),
        (reviews.trim().parse::<u32>().unwrap_or(0) + 1).to_string()
    );
    assert_eq!(repo.git(&["log", "-1", "--format=%s"]).trim(), "Edit");
    // The same with the working copy saved again with CRLF line endings (Windows,
    // `core.autocrlf`): line endings are no change, and the committed text is still unapproved.
    repo.write(SOP, &repo.read(SOP).replace('\n', "\r\n"));
    repo.sop()
        .args(["review", "SOP-0001", "-m", "looked"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "SOP-0001 changed after version 1.0.0 was approved",
        ));
    assert_eq!(repo.git(&["log", "-1", "--format=%s"]).trim(), "Edit");
}

#[test]
fn review_refuses_a_retired_sop() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "retired").replace(
        "status: retired\n",
        "status: retired\nretired_reason: Refunds moved to the payment provider\n",
    );
    repo.write(SOP, &text).commit("Retire refunds");
    let head = repo.git(&["rev-parse", "HEAD"]);
    repo.sop()
        .args(["review", "SOP-0001", "-m", "checked"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "SOP-0001 is retired: a periodic review confirms text that is in force, and a retired SOP is not",
        ))
        .stderr(predicates::str::contains("set `status: approved`"));
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(repo.read(SOP), text);
}

/// The committed text is a version approved to take effect later: the version in force is an
/// earlier one, whose review dates the site and `sop due` show, so a review would change the
/// dates of the version to come and not the review that is due. Refused, saying so; after an
/// edit committed without a release, the version named is the newest approved one.
#[test]
fn review_refuses_a_version_not_in_force_yet() {
    let repo = crate::support::approved_in_advance();
    let path = crate::support::IN_ADVANCE;
    let before = repo.read(path);
    repo.sop()
        .args(["review", "SOP-0001"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "SOP-0001 version 2.0.0 takes effect on 2027-01-31: version 1.0.0 is in force today, and a review recorded now would change the review dates of version 2.0.0",
        ))
        .stderr(predicates::str::contains(
            "on 2027-01-31 version 2.0.0 takes effect with its own, and the review of version 1.0.0 is no longer due. To make version 2.0.0 take effect sooner, release it again with an earlier date: `sop release SOP-0001 --patch --effective YYYY-MM-DD",
        ));
    assert_eq!(repo.read(path), before);
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]).trim(),
        "second version"
    );
    repo.write(
        path,
        &before.replace("NEW refund tool", "NEWER refund tool"),
    )
    .commit("Edit");
    repo.sop()
        .args(["review", "SOP-0001"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "SOP-0001 changed after version 2.0.0 was approved",
        ));
    // Once it is in force, its review is recorded.
    repo.write(path, &before).commit("Undo");
    repo.sop()
        .env("SOP_TODAY", "2027-02-01")
        .args(["review", "SOP-0001"])
        .assert()
        .success();
}

/// A retirement approved to take effect later: until then the earlier version is in force and
/// its review is due (`sop due` lists it), so `sop review` says that, not that the SOP is
/// retired and should be put back in force.
#[test]
fn review_of_a_retirement_approved_in_advance_names_the_version_in_force() {
    let repo = crate::support::approved_in_advance();
    let path = crate::support::IN_ADVANCE;
    let retired = repo
        .read(path)
        .replace(
            "status: approved",
            "status: retired\nretired_reason: Replaced",
        )
        .replace("version: 2.0.0", "version: 2.1.0");
    repo.write(path, &retired).commit("retire");
    repo.git(&["tag", "-a", "SOP-0001/v2.1.0", "-m", "Retire"]);
    repo.sop()
        .args(["review", "SOP-0001"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "version 1.0.0 is in force today, and a review recorded now would change the review dates of version 2.1.0",
        ))
        .stderr(predicates::prelude::PredicateBooleanExt::not(predicates::str::contains(
            "is retired",
        )));
}
