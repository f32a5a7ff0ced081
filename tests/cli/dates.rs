//! Dates and periods a file or a user writes: none may panic anything, none may be silently
//! dropped from an all-clear, and a date written in one time zone is read fairly in another.
//! Regression tests for the field test's r16, r17, r10, r9 and r3.

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

const A: &str = "sops/a/SOP-0001-a.md";
const B: &str = "sops/a/SOP-0002-b.md";

/// An approved checklist whose `review_every` line is replaced by `schedule`.
fn approved(id: &str, title: &str, schedule: &str) -> String {
    sop_text(id, title, "checklist", "approved").replace("review_every: 12 months", schedule)
}

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

fn no_panic(out: &assert_cmd::assert::Assert) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.get_output().status.code(), Some(101), "{err}");
}

// See r16: one SOP with `review_every: 100000 years` made lint, list, due, stats and publish
// panic for the whole repository.
#[test]
fn a_huge_review_period_is_a_finding_and_panics_nothing() {
    let repo = SopRepo::new();
    repo.write(A, &approved("SOP-0001", "A", "review_every: 100000 years"))
        .write(B, &approved("SOP-0002", "B", "review_every: 12 months"))
        .commit("add");
    let out = repo.sop().arg("lint").assert().code(1);
    no_panic(&out);
    let text = stdout(&out);
    assert!(
        text.contains(
            "error[review-every-invalid]: `review_every: 100000 years` is too long a review period: the longest sop accepts is 2000 years"
        ),
        "{text}"
    );
    assert!(
        text.contains("at most `review_every: 2000 years`"),
        "{text}"
    );
    for args in [
        &["list"][..],
        &["due"],
        &["due", "--format", "json"],
        &["stats"],
        &["publish", "--out", "site"],
    ] {
        let out = repo.sop().args(args).assert().success();
        no_panic(&out);
    }
    let out = repo
        .sop()
        .args(["due", "--within", "100000y"])
        .assert()
        .code(2);
    no_panic(&out);
    let err = stderr(&out);
    assert!(
        err.contains("`--within 100000y` is too long: the longest period is 2000 years"),
        "{err}"
    );
    assert!(err.contains("at most `--within 2000 years`"), "{err}");
}

// See r17: a period that is zero or too long was called "not a period", asking for a number
// and a unit the user had given.
#[test]
fn period_messages_say_zero_or_too_long() {
    let repo = SopRepo::new();
    repo.write(A, &approved("SOP-0001", "A", "review_every: 7304484 days"))
        .commit("add");
    let out = repo.sop().args(["due", "--within", "0d"]).assert().code(2);
    let err = stderr(&out);
    assert!(err.contains("error: `--within 0d` is zero"), "{err}");
    assert!(err.contains("`--within 1d`"), "{err}");
    assert!(!err.contains("not a period"), "{err}");

    let out = repo.sop().arg("lint").assert().code(1);
    let text = stdout(&out);
    assert!(
        text.contains("`review_every: 7304484 days` is too long a review period: the longest sop accepts is 100000 days"),
        "{text}"
    );
    assert!(text.contains("longer than 100000 days"), "{text}");
    assert!(!text.contains("not a number and a unit"), "{text}");

    repo.write(A, &approved("SOP-0001", "A", "review_every: 0 months"));
    let text = stdout(&repo.sop().arg("lint").assert().code(1));
    assert!(
        text.contains("`review_every: 0 months` is zero: a review period is at least 1 day"),
        "{text}"
    );

    // sop.toml says it the same way.
    repo.write("sop.toml", "[lint]\ndue_soon = \"0 days\"\n");
    let err = stderr(&repo.sop().arg("lint").assert().code(2));
    assert!(err.contains("`due_soon` is zero"), "{err}");
}
