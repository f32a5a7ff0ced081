//! `sop lint --base REV`: the pull-request checks against a real git history.

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";

/// A repository whose `main` has one approved and one draft SOP, now on branch `change`.
fn on_a_branch() -> SopRepo {
    let r = SopRepo::new();
    r.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    r.write(
        "sops/payments/SOP-0002-drafty.md",
        &sop_text("SOP-0002", "Drafty", "procedure", "draft"),
    );
    r.commit("Add SOPs");
    r.git(&["checkout", "-q", "-b", "change"]);
    r
}

fn lint_json(r: &SopRepo, base: &str) -> (Vec<serde_json::Value>, i32) {
    let out = r
        .sop()
        .args(["lint", "--base", base, "--format", "json"])
        .output()
        .unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (findings, out.status.code().unwrap_or(-1))
}

#[test]
fn unbumped_approved_change_fails() {
    let r = on_a_branch();
    let text = r
        .read(SOP)
        .replace("Use the macro.", "Use the refund macro.");
    r.write(SOP, &text).commit("Reword step 2");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1, "{findings:#?}");
    assert_eq!(findings.len(), 2, "{findings:#?}");
    // The SOP was approved by hand, never released: that its new text says approved with no
    // approval recorded is a warning.
    assert_eq!(findings[0]["rule"], "approval-not-recorded");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(findings[0]["line"], 5, "points at `status:`");
    let f = &findings[1];
    assert_eq!(f["rule"], "version-not-bumped");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], SOP);
    assert_eq!(f["line"], 6, "points at `version:`");
    assert!(
        f["message"].as_str().unwrap().contains("still 1.0.0"),
        "{f}"
    );
    // Releasing the change bumps the version and the check passes.
    r.sop()
        .args(["release", "SOP-0001", "--patch", "-m", "Reword step 2"])
        .assert()
        .success();
    let (findings, code) = lint_json(&r, "main");
    assert_eq!((findings.len(), code), (0, 0), "{findings:#?}");
}

#[test]
fn uncommitted_changes_count_too() {
    let r = on_a_branch();
    let text = r
        .read(SOP)
        .replace("Open it in the case tool.", "Open it in Refund Desk.");
    r.write(SOP, &text);
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1);
    assert!(
        findings.iter().any(|f| f["rule"] == "version-not-bumped"),
        "{findings:#?}"
    );
}

/// An SOP released with `--approve`, then edited on a branch and set to approved by hand: no
/// approval is recorded for that text, and the team releases with `sop release`, so it is an
/// error until the change is released with `--approve`. Reviews change only the review dates.
#[test]
fn approved_by_hand_after_a_release_is_an_error_until_released_with_approval() {
    let r = SopRepo::new();
    r.write(SOP, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Add");
    let approve = |version: &str| {
        r.sop()
            .args([
                "release",
                "SOP-0001",
                "--version",
                version,
                "-m",
                "Approved",
            ])
            .args(["--approve", "--approver", "Dana Whitfield"])
            .assert()
            .success();
    };
    approve("1.0.0");
    r.git(&["checkout", "-q", "-b", "change"]);
    // A review on a later day changes the review dates only: no new version, no new approval.
    r.sop()
        .env("SOP_TODAY", "2027-01-10")
        .args(["review", "SOP-0001"])
        .assert()
        .success();
    assert!(r.read(SOP).contains("last_reviewed: 2027-01-10"));
    let (findings, code) = lint_json(&r, "main");
    assert_eq!((findings.len(), code), (0, 0), "a review: {findings:#?}");

    let text = r
        .read(SOP)
        .replace("Use the macro.", "Use the refund macro.")
        .replace("version: 1.0.0", "version: 1.1.0");
    r.write(SOP, &text).commit("Edit");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1, "{findings:#?}");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f["rule"], "approval-not-recorded");
    assert_eq!(f["severity"], "error");
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("sop release SOP-0001 --patch -m \"...\" --approve --approver"),
        "{f}"
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("there is no release tag `SOP-0001/v1.1.0` for this version"),
        "{f}"
    );
    // A tag made by hand records no approver.
    r.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "ok"]);
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1, "{findings:#?}");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("release `SOP-0001/v1.1.0` records no approver (it was not made with `sop release --approve`)"),
        "{findings:#?}"
    );
    r.git(&["tag", "-d", "SOP-0001/v1.1.0"]);

    // Released with approval: recorded.
    r.write(SOP, &text.replace("status: approved", "status: review"))
        .commit("Back to review");
    approve("1.2.0");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!((findings.len(), code), (0, 0), "{findings:#?}");

    // Renamed and edited in the same change: the release's text is found under the old
    // path, and it differs.
    r.git(&["mv", SOP, "sops/payments/SOP-0001-refund-handling.md"]);
    let moved = "sops/payments/SOP-0001-refund-handling.md";
    r.write(
        moved,
        &r.read(moved)
            .replace("Use the refund macro.", "Use macro 9."),
    )
    .commit("Rename and edit");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1, "{findings:#?}");
    let f = findings
        .iter()
        .find(|f| f["rule"] == "approval-not-recorded")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("it differs from the text of release `SOP-0001/v1.2.0`"),
        "{f}"
    );
}

#[test]
fn unbumped_draft_change_is_a_warning() {
    let r = on_a_branch();
    let p = "sops/payments/SOP-0002-drafty.md";
    let text = r.read(p).replace("Use the macro.", "Use macro 7.");
    r.write(p, &text).commit("Draft edit");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 0, "warnings do not fail: {findings:#?}");
    assert_eq!(findings[0]["rule"], "version-not-bumped");
    assert_eq!(findings[0]["severity"], "warning");
    r.sop()
        .args(["lint", "--base", "main", "--deny-warnings"])
        .assert()
        .code(1);
}

#[test]
fn a_changed_id_is_an_error_naming_both() {
    let r = on_a_branch();
    r.git(&["mv", SOP, "sops/payments/SOP-0031-refunds.md"]);
    let text = r
        .read("sops/payments/SOP-0031-refunds.md")
        .replace("id: SOP-0001", "id: SOP-0031");
    r.write("sops/payments/SOP-0031-refunds.md", &text)
        .commit("Renumber");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "id-changed")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("`SOP-0001`") && msg.contains("`SOP-0031`"),
        "{msg}"
    );
    assert_eq!(f["line"], 2);
}

#[test]
fn moving_an_sop_to_another_folder_is_fine() {
    let r = on_a_branch();
    std::fs::create_dir_all(r.path("sops/user-service")).unwrap();
    r.git(&["mv", SOP, "sops/user-service/SOP-0001-refunds.md"]);
    r.commit("Move to user service");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!((findings.len(), code), (0, 0), "{findings:#?}");
}

#[test]
fn deleted_approved_sop_must_be_retired_first() {
    let r = on_a_branch();
    r.git(&["rm", "-q", SOP]);
    r.commit("Remove refunds");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1);
    assert_eq!(findings[0]["rule"], "approved-sop-deleted");
    assert_eq!(findings[0]["file"], SOP);
    // Deleting a draft is fine.
    let r = on_a_branch();
    r.git(&["rm", "-q", "sops/payments/SOP-0002-drafty.md"]);
    r.commit("Remove draft");
    let (findings, code) = lint_json(&r, "main");
    assert_eq!((findings.len(), code), (0, 0), "{findings:#?}");
}

/// With every SOP deleted, no SOP is left to check: the person at the terminal still sees the
/// error (it once showed only in JSON, with exit 1 and no finding printed).
#[test]
fn deleting_the_last_approved_sop_is_shown_at_the_terminal() {
    let r = on_a_branch();
    r.git(&["rm", "-q", "-r", "sops"]);
    r.commit("Remove every SOP");
    let out = r.sop().args(["lint", "--base", "main"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[approved-sop-deleted]"), "{stdout}");
    assert!(stdout.contains(SOP), "{stdout}");
    assert!(stdout.contains("1 error"), "{stdout}");
}

#[test]
fn unknown_base_is_a_usage_error_with_advice() {
    let r = on_a_branch();
    let refused = |base: &str| {
        let out = r
            .sop()
            .args(["lint", "--base", base])
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        String::from_utf8(out).unwrap()
    };
    let err = refused("origin/main");
    assert!(err.contains("`origin/main`"), "{err}");
    assert!(err.contains("in CI: `git fetch origin main`"), "{err}");
    // The branch named is the one of the base given, not always `main`.
    let err = refused("origin/nope");
    assert!(err.contains("in CI: `git fetch origin nope`"), "{err}");
    assert!(!err.contains("git fetch origin main"), "{err}");
}

#[test]
fn github_format_annotates_the_version_line() {
    let r = on_a_branch();
    let text = r
        .read(SOP)
        .replace("Use the macro.", "Use the refund macro.");
    r.write(SOP, &text).commit("Reword");
    let out = r
        .sop()
        .args(["lint", "--base", "main", "--format", "github"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with(&format!("::error file={SOP},line=6,")),
        "{out}"
    );
    assert!(out.contains("title=version-not-bumped"), "{out}");
}

#[test]
fn git_commands_outside_git_exit_2_and_say_how_to_start() {
    let r = SopRepo::empty();
    r.write("sop.toml", "");
    r.write(
        "sops/a/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "draft"),
    );
    for args in [
        &["release", "SOP-0001", "--patch", "-m", "x"][..],
        &["review", "SOP-0001"],
        &["diff", "SOP-0001"],
        &["history", "SOP-0001"],
        &["lint", "--base", "main"],
    ] {
        let out = r
            .sop()
            .args(args)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert!(err.contains("needs git"), "{args:?}: {err}");
        assert!(err.contains("git init"), "{args:?}: {err}");
    }
}

#[test]
fn a_changed_translation_that_says_approved_is_named() {
    let r = on_a_branch();
    let es = "sops/payments/SOP-0001-refunds.es.md";
    let text = r.read(SOP).replace(
        "title: Refunds",
        "title: Reembolsos\nlanguage: es\ntranslation_of: SOP-0001@1.0.0",
    );
    r.write(es, &text).commit("Spanish translation");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "change"]);
    r.git(&["checkout", "-q", "-b", "edit-es"]);
    let edited = r
        .read(es)
        .replace("Use the macro.", "Reembolsar siempre sin verificar.");
    r.write(es, &edited).commit("Edit the Spanish steps");
    let (findings, code) = lint_json(&r, "main");
    let named: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule"] == "approval-not-recorded" && f["file"] == es)
        .collect();
    assert_eq!(named.len(), 1, "{findings:#?}");
    assert_eq!(named[0]["severity"], "warning");
    assert!(
        named[0]["help"]
            .as_str()
            .unwrap()
            .contains("have someone who reads the language compare it with the original"),
        "{findings:#?}"
    );
    assert_eq!(code, 0);
    // Reviewed again, by someone who reads Spanish: named in `approvers`, nothing to say.
    let reviewed = r
        .read(es)
        .replace("approvers: [Lena Fischer]", "approvers: [Lucía Gómez]");
    r.write(es, &reviewed);
    let (findings, _) = lint_json(&r, "main");
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "approval-not-recorded" && f["file"] == es),
        "{findings:#?}"
    );
}

/// `sop release` of SOP-0001 in `r`, approved, with `how` (`--minor`, `--version 1.0.0`...).
fn release_approved(r: &SopRepo, how: &[&str], message: &str) {
    r.sop()
        .args(["release", "SOP-0001"])
        .args(how)
        .args(["-m", message, "--approve", "--approver", "Dana Whitfield"])
        .assert()
        .success();
}

/// Two pull requests start from release 1.0.0 and both make 1.1.0 of the SOP; the first is
/// merged. Linted against `main`, the second must go above the 1.1.0 `main` has now, not only
/// above the 1.0.0 it started from: merged as it is, its 1.1.0 would be a text nobody approved.
#[test]
fn a_version_the_base_reached_since_the_branch_started_must_be_passed() {
    let r = SopRepo::new();
    r.write(SOP, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Add");
    release_approved(&r, &["--version", "1.0.0"], "First");
    r.git(&["checkout", "-q", "-b", "second"]);
    r.git(&["checkout", "-q", "-b", "first", "main"]);
    let text = r
        .read(SOP)
        .replace("Use the macro.", "Use the refund macro.");
    r.write(SOP, &text).commit("Macro");
    release_approved(&r, &["--minor"], "Macro");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--no-ff", "first", "-m", "Merge first"]);
    // The second pull request, started before the first was merged: its own 1.1.0, by hand as
    // its tag could not be made here (a clone in CI has the first's tag).
    r.git(&["checkout", "-q", "second"]);
    let text = r
        .read(SOP)
        .replace("The escalation of this SOP.", "Call the lead.")
        .replace("version: 1.0.0", "version: 1.1.0");
    r.write(SOP, &text).commit("Escalation");

    let (findings, code) = lint_json(&r, "main");
    assert_eq!(code, 1, "{findings:#?}");
    let f = findings
        .iter()
        .find(|f| f["rule"] == "version-not-bumped")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], 6, "points at `version:`");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("`main` already has version 1.1.0")
            && message.contains("`SOP-0001/v1.1.0`"),
        "{f}"
    );
    let help = f["help"].as_str().unwrap();
    assert!(
        help.contains("`git merge main`") && help.contains("sop release SOP-0001 --patch"),
        "{f}"
    );

    // Doing what it says: main merged in, the next version released.
    r.git(&["merge", "-q", "main", "-m", "Merge main"]);
    release_approved(&r, &["--patch"], "Escalation");
    assert!(r.read(SOP).contains("version: 1.1.1"));
    let (findings, code) = lint_json(&r, "main");
    assert_eq!((findings.len(), code), (0, 0), "{findings:#?}");
}

/// After `git revert` of a release the file says the version before it again: the help
/// proposes a version after the highest released one, which `sop release` takes (`--patch`
/// from the file's version would repeat one below it, and be refused).
#[test]
fn after_a_reverted_release_the_help_names_a_version_release_takes() {
    let r = SopRepo::new();
    r.write(SOP, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Add");
    release_approved(&r, &["--version", "1.0.0"], "First");
    let text = r
        .read(SOP)
        .replace("Use the macro.", "Use the refund macro.");
    r.write(SOP, &text).commit("Macro");
    release_approved(&r, &["--minor"], "Macro");
    r.git(&["revert", "--no-edit", "HEAD"]);
    assert!(r.read(SOP).contains("version: 1.0.0"));

    let (findings, code) = lint_json(&r, "HEAD~1");
    assert_eq!(code, 1, "{findings:#?}");
    for f in &findings {
        let help = f["help"].as_str().unwrap();
        assert!(
            help.contains("sop release SOP-0001 --version 1.1.1 -m") && !help.contains("--patch"),
            "{f}"
        );
    }
    let f = findings
        .iter()
        .find(|f| f["rule"] == "version-not-bumped")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("`--version 1.2.0` for changed steps"),
        "{f}"
    );
    release_approved(&r, &["--version", "1.1.1"], "Macro again");
}

/// A base that shares no commit with the branch (an orphan branch such as `gh-pages`): said so
/// in words, with what to pass instead; no missing objects to fetch, no git internals.
#[test]
fn a_base_with_an_unrelated_history_is_named_so() {
    let r = on_a_branch();
    r.git(&["checkout", "-q", "--orphan", "gh-pages"]);
    r.git(&["rm", "-rqf", "."]);
    r.write("index.html", "<html></html>").commit("Site");
    r.git(&["checkout", "-q", "change"]);
    let out = r
        .sop()
        .args(["lint", "--base", "gh-pages"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("`gh-pages` shares no commit with this branch: their histories are unrelated"),
        "{err}"
    );
    assert!(err.contains("for example `origin/main`"), "{err}");
    for jargon in ["class=", "code=", "fsck", "unshallow"] {
        assert!(!err.contains(jargon), "{jargon}: {err}");
    }
}
