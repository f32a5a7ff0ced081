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

// See r16: a period that is accepted but counted from a date near the calendar's end does not
// panic either, and its review is reported as unknown rather than left out.
#[test]
fn a_review_past_the_calendars_end_is_unknown_not_a_panic() {
    let repo = SopRepo::new();
    repo.write(
        A,
        &approved("SOP-0001", "A", "review_every: 2000 years")
            .replace("effective: 2026-03-01", "effective: 9026-03-01"),
    )
    .commit("add");
    for args in [
        &["lint"][..],
        &["list"],
        &["stats"],
        &["publish", "--out", "site"],
    ] {
        no_panic(&repo.sop().args(args).assert());
    }
    let out = repo
        .sop()
        .args(["due", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["reviews"][0]["state"], "unknown", "{v}");
    let problem = v["reviews"][0]["problem"].as_str().unwrap();
    assert!(problem.contains("after the year 9999"), "{problem}");
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
    repo.write("sop.toml", "[lint]\ndue_soon = \"30 dayz\"\n");
    let err = stderr(&repo.sop().arg("lint").assert().code(2));
    assert!(
        err.contains("`due_soon` is not a period of time: `dayz` is not a unit sop knows (days, weeks, months or years); did you mean `30 days`?"),
        "{err}"
    );
}

/// Two approved, committed SOPs whose review date cannot be read (r10).
fn unreadable_dates() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        A,
        &approved("SOP-0001", "Refunds", "review_every: 6 monthss")
            .replace("effective: 2026-03-01", "effective: 2020-01-06"),
    )
    .write(B, &approved("SOP-0002", "Bans", "next_review: 2025-02-29"))
    .commit("add");
    repo
}

// See r10: `sop due` gave an all-clear, `sop stats` "0 overdue" and `sop list` a blank when an
// approved SOP's review date could not be read.
#[test]
fn unreadable_review_dates_are_listed_as_unknown() {
    let repo = unreadable_dates();
    let out = repo.sop().arg("due").assert().success();
    let text = stdout(&out);
    assert!(!text.contains("No review is overdue"), "{text}");
    assert!(text.contains("review date unknown"), "{text}");
    assert!(
        text.contains(
            "SOP-0001 (sops/a/SOP-0001-a.md): `review_every: 6 monthss` is not a period: `monthss` is not a unit sop knows (days, weeks, months or years); write a period such as `review_every: 6 months`"
        ),
        "{text}"
    );
    assert!(
        text.contains("`next_review: 2025-02-29` is not a real date (February 2025 has 28 days)"),
        "{text}"
    );

    let out = repo
        .sop()
        .args(["due", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let reviews = v["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2, "{v}");
    for r in reviews {
        assert_eq!(r["state"], "unknown");
        assert_eq!(r["next_review"], Value::Null);
        assert_eq!(r["days_late"], Value::Null);
        assert!(r["problem"].as_str().is_some_and(|p| !p.is_empty()), "{r}");
    }
    assert_eq!(reviews[0]["path"], A);
    // A scheduled job that fails on overdue reviews fails on these too: they may well be.
    repo.sop()
        .args(["due", "--fail-on", "overdue"])
        .assert()
        .code(1);

    let out = repo.sop().arg("stats").assert().success();
    let text = stdout(&out);
    assert!(text.contains("2 review dates unknown"), "{text}");
    let out = repo
        .sop()
        .args(["stats", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["review_date_unknown"], 2);

    let out = repo.sop().arg("list").assert().success();
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("SOP-")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows.iter().all(|r| r.contains("unknown")), "{text}");
    assert!(stderr(&out).contains("cannot be read"));
}

/// `sop` in `repo` at the real clock in the time zone `tz` (no pinned today).
fn at(repo: &SopRepo, tz: &str) -> assert_cmd::Command {
    let mut cmd = repo.sop();
    cmd.env_remove("SOP_TODAY").env("TZ", tz);
    cmd
}

fn effective_at(repo: &SopRepo, tag: &str) -> String {
    repo.git(&["show", &format!("{tag}:{A}")])
        .lines()
        .find_map(|l| l.strip_prefix("effective: ").map(str::to_string))
        .unwrap()
}

// See r9: a release made at UTC+14 was flagged `effective-in-future` by a colleague at UTC-12,
// and their next release went back a day. UTC+14 and UTC-12 are 26 hours apart: their dates
// differ at every moment, so this test does not depend on when it runs.
#[test]
fn release_dates_are_fair_across_time_zones() {
    let repo = SopRepo::new();
    repo.write(A, &sop_text("SOP-0001", "A", "checklist", "draft"))
        .commit("add");
    let release = |tz: &str, bump: &str| {
        at(&repo, tz)
            .args([
                "release",
                "SOP-0001",
                bump,
                "-m",
                "v",
                "--approve",
                "--approver",
                "Lena Fischer",
            ])
            .assert()
            .success();
    };
    release("Etc/GMT-14", "--version=1.0.0");
    let out = at(&repo, "Etc/GMT+12").arg("lint").assert().success();
    let text = stdout(&out);
    assert!(!text.contains("effective-in-future"), "{text}");
    release("Etc/GMT+12", "--patch");
    let first = effective_at(&repo, "SOP-0001/v1.0.0");
    let second = effective_at(&repo, "SOP-0001/v1.0.1");
    assert!(second >= first, "1.0.0: {first}, 1.0.1: {second}");
}

// See r9: with the day pinned, a release after one that takes effect later keeps that date,
// and an explicit earlier `--effective` is refused.
#[test]
fn a_release_never_takes_effect_before_the_previous_one() {
    let repo = SopRepo::new();
    repo.write(A, &sop_text("SOP-0001", "A", "checklist", "draft"))
        .commit("add");
    let release = |extra: &[&str]| {
        let mut cmd = repo.sop();
        cmd.args(["release", "SOP-0001", "-m", "v"]).args(extra);
        cmd.assert()
    };
    release(&["--version", "1.0.0", "--effective", "2026-12-10"]).success();
    let out = release(&["--version", "1.0.1", "--effective", "2026-12-01"]).code(1);
    let err = stderr(&out);
    assert!(
        err.contains("`--effective 2026-12-01` is earlier than the effective date of the previous release of SOP-0001, 1.0.0 (2026-12-10)"),
        "{err}"
    );
    let out = release(&["--version", "1.0.1"]).success();
    assert!(stdout(&out).contains("effective  2026-12-10"));
    assert!(stderr(&out).contains("the effective date is that of the previous release"));
    assert_eq!(effective_at(&repo, "SOP-0001/v1.0.1"), "2026-12-10");
}

// See r3: one stray NUL in a text SOP was called a binary file, with advice about images.
#[test]
fn a_stray_nul_is_named_with_its_line_and_column() {
    let repo = SopRepo::new();
    let mut text = sop_text("SOP-0001", "A", "checklist", "draft");
    text.push_str("3. Send the reply template\0 to the user.\n");
    let line = text.lines().count();
    repo.write(A, &text);
    let out = repo.sop().arg("lint").assert().code(1);
    let shown = stdout(&out);
    assert!(
        shown.contains(&format!(
            "error[file-binary]: line {line}, column 27 holds a NUL character"
        )),
        "{shown}"
    );
    assert!(shown.contains(&format!("--> {A}:{line}:27")), "{shown}");
    assert!(!shown.contains("assets/"), "{shown}");
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .assert()
        .code(1);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["rule"], "file-binary");
    assert_eq!(v[0]["line"], line);
    assert_eq!(v[0]["column"], 27);

    // A real binary keeps its message.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 64));
    repo.write_bytes(A, &png);
    let shown = stdout(&repo.sop().arg("lint").assert().code(1));
    assert!(shown.contains("it looks like a binary file"), "{shown}");
}

// Field test s11 (dL): with `effective: 9999-06-01`, `sop list` showed `unknown` and sent the
// writer to `sop lint`, which only warned that the SOP takes effect later. Every review date
// `sop list` shows as `unknown` has a lint finding that says why, on the date or period to fix.
#[test]
fn lint_explains_every_review_date_list_shows_as_unknown() {
    let past_9999 = |key: &str| {
        format!(
            "error[review-date-invalid]: the next review date cannot be worked out: it would fall after the year 9999 (12 months after `{key}: 9999-06-01`)"
        )
    };
    let cases: [(&str, String, String); 7] = [
        (
            "late effective date",
            approved("SOP-0001", "A", "review_every: 12 months")
                .replace("effective: 2026-03-01", "effective: 9999-06-01"),
            past_9999("effective"),
        ),
        (
            "late last review",
            approved(
                "SOP-0001",
                "A",
                "review_every: 12 months\nlast_reviewed: 9999-06-01",
            ),
            past_9999("last_reviewed"),
        ),
        (
            "draft taking effect late",
            sop_text("SOP-0001", "A", "checklist", "draft")
                .replace("review_every: 12 months", "effective: 9999-06-01"),
            past_9999("effective"),
        ),
        (
            "next review not a date",
            approved("SOP-0001", "A", "next_review: 2027-02-30"),
            "error[review-date-invalid]: `next_review` is not a real date".to_string(),
        ),
        (
            "period not a period",
            approved("SOP-0001", "A", "review_every: 6 monthss"),
            "error[review-every-invalid]: `review_every: 6 monthss` is not a period of time"
                .to_string(),
        ),
        (
            "effective not a date",
            approved("SOP-0001", "A", "review_every: 12 months")
                .replace("effective: 2026-03-01", "effective: 2026-13-01"),
            "error[effective-date-invalid]: `effective` is not a real date".to_string(),
        ),
        (
            "no effective date",
            approved("SOP-0001", "A", "review_every: 12 months")
                .replace("effective: 2026-03-01\n", ""),
            "error[approved-without-effective-date]".to_string(),
        ),
    ];
    for (case, text, finding) in cases {
        let repo = SopRepo::new();
        repo.write(A, &text).commit("add");
        let list = stdout(&repo.sop().arg("list").assert().success());
        assert!(list.contains("unknown"), "{case}: {list}");
        let out = repo.sop().arg("lint").assert().code(1);
        let lint = stdout(&out);
        assert!(lint.contains(&finding), "{case}: {lint}");
        if finding.contains("9999") {
            assert!(
                lint.contains("check the year of this date, or write a shorter `review_every`"),
                "{case}: {lint}"
            );
        }
    }
}

// Field test s11: `review_every: 6 monthss` was labelled "not a number and a unit" though the
// number was there; each mistake in a period is named as it is, and the help stays the same.
#[test]
fn lint_labels_say_what_is_wrong_with_a_period() {
    let repo = SopRepo::new();
    for (every, label) in [
        (
            "6 monthss",
            "`monthss` is not a unit sop knows (days, weeks, months or years); did you mean `6 months`?",
        ),
        ("6", "`6` has no unit (days, weeks, months or years)"),
        (
            "months",
            "no number: write how many months, in the digits 0 to 9",
        ),
        (
            "-6 months",
            "a negative period: a review period counts forward from the last review; did you mean `6 months`?",
        ),
        (
            "yearly",
            "`yearly` is a word, not a number and a unit; did you mean `1 year`?",
        ),
    ] {
        repo.write(
            A,
            &approved("SOP-0001", "A", &format!("review_every: {every}")),
        );
        let text = stdout(&repo.sop().arg("lint").assert().code(1));
        assert!(
            text.contains(&format!(
                "error[review-every-invalid]: `review_every: {every}` is not a period of time"
            )),
            "{every}: {text}"
        );
        assert!(text.contains(label), "{every}: {text}");
        assert!(
            !text.contains("not a number and a unit\n"),
            "{every}: {text}"
        );
        assert!(
            text.contains("help: write a number and a unit, for example `review_every: 12 months`"),
            "{every}: {text}"
        );
    }
    repo.write(A, &approved("SOP-0001", "A", "review_every: 0 months"));
    let text = stdout(&repo.sop().arg("lint").assert().code(1));
    assert!(
        text.contains("is zero: a review period is at least 1 day"),
        "{text}"
    );
}

// Field test s11: an approved SOP with `effective: 2026-13-01` was listed by `sop due` as having
// "no `last_reviewed` or `effective` date" and told to add one, though the date was there,
// written wrong.
#[test]
fn due_names_an_effective_date_that_cannot_be_read() {
    let repo = SopRepo::new();
    repo.write(
        A,
        &approved("SOP-0001", "A", "review_every: 12 months")
            .replace("effective: 2026-03-01", "effective: 2026-13-01"),
    )
    .commit("add");
    let text = stdout(&repo.sop().arg("due").assert().success());
    assert!(
        text.contains(
            "`effective: 2026-13-01` is not a real date (there is no month 13): write the date as YYYY-MM-DD, for example `effective: 2027-01-31`"
        ),
        "{text}"
    );
    assert!(!text.contains("there is no `last_reviewed`"), "{text}");
    let list = stdout(&repo.sop().arg("list").assert().success());
    assert!(list.contains("unknown"), "{list}");
}

// Review s11 (d6): a translation's periodic review is its source's, so its own dates are not
// counted from: a late `effective` on it is no `review-date-invalid` error, and `sop list`
// shows the source's next review on the translation's row, as the site does.
#[test]
fn a_translation_is_reviewed_on_its_sources_dates() {
    let es = "sops/a/SOP-0001-a.es.md";
    let translation = |effective: &str| {
        approved(
            "SOP-0001",
            "A (es)",
            "language: es\ntranslation_of: SOP-0001@1.0.0",
        )
        .replace("effective: 2026-03-01", &format!("effective: {effective}"))
    };
    let repo = SopRepo::new();
    repo.write(A, &approved("SOP-0001", "A", "review_every: 12 months"))
        .write(es, &translation("9999-06-01"))
        .commit("add");
    let out = repo.sop().arg("lint").assert();
    let lint = stdout(&out);
    assert!(!lint.contains("review-date-invalid"), "{lint}");
    assert!(!lint.contains("next review date"), "{lint}");

    repo.write(es, &translation("2025-01-10")).commit("earlier");
    let list = repo
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    let rows: Value = serde_json::from_str(&stdout(&list)).unwrap_or(Value::Null);
    let reviews: Vec<(&str, &str)> = rows
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or_default(),
                r["next_review"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(reviews, [(A, "2027-03-01"), (es, "2027-03-01")], "{rows}");
}
