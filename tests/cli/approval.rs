//! Approval belongs to one version: who approved that exact text, when and what it means,
//! recorded in the release commit and tag; never carried over to new text; refused for text
//! with errors or template prompts.

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";

fn approved_repo() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add");
    repo
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn approvals_are_recorded_per_version_with_name_email_date_and_meaning() {
    let repo = approved_repo();
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "New refund window",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
            "--approver",
            "Omar Haddad",
            "--meaning",
            "approved for use in EU markets",
        ])
        .assert()
        .success();
    let text = repo.read(SOP);
    assert!(text.contains("status: approved\n"), "{text}");
    assert!(
        text.contains("approvers: [Lena Fischer, Omar Haddad]\n"),
        "{text}"
    );
    let commit = repo.git(&["log", "-1", "--format=%B"]);
    assert!(
        commit.starts_with("SOP-0001 v1.1.0: New refund window\n"),
        "{commit}"
    );
    for trailer in [
        "Approved-by: Lena Fischer <lena@example.com>",
        "Approved-by: Omar Haddad",
        "Approved-on: 2026-11-25",
        "Approval-meaning: approved for use in EU markets",
    ] {
        assert!(commit.contains(trailer), "{trailer} in {commit}");
    }
    let trailers = repo.git(&[
        "log",
        "-1",
        "--format=%(trailers:key=Approved-by,valueonly)",
    ]);
    assert_eq!(
        trailers.trim(),
        "Lena Fischer <lena@example.com>\nOmar Haddad"
    );
    let tag = repo.git(&["tag", "-l", "--format=%(contents)", "SOP-0001/v1.1.0"]);
    assert!(tag.starts_with("New refund window\n"), "{tag}");
    assert!(
        tag.contains("Approved-by: Lena Fischer <lena@example.com>"),
        "{tag}"
    );

    let out = repo
        .sop()
        .args(["history", "SOP-0001", "--format", "json"])
        .output()
        .unwrap();
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    let approvals = &h["releases"][0]["approvals"];
    assert_eq!(
        approvals,
        &serde_json::json!([
            {"name": "Lena Fischer", "email": "lena@example.com", "date": "2026-11-25",
             "meaning": "approved for use in EU markets"},
            {"name": "Omar Haddad", "date": "2026-11-25",
             "meaning": "approved for use in EU markets"}
        ])
    );
}

#[test]
fn a_release_without_approve_never_carries_the_old_approval_over() {
    let repo = approved_repo();
    let out = repo
        .sop()
        .args(["release", "SOP-0001", "--minor", "-m", "Reword"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = repo.read(SOP);
    assert!(text.contains("status: review\n"), "{text}");
    assert!(text.contains("approvers: []\n"), "{text}");
    assert!(!text.contains("Lena Fischer"), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("not approved"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let tag = repo.git(&["tag", "-l", "--format=%(contents)", "SOP-0001/v1.1.0"]);
    assert!(!tag.contains("Approved-by"), "{tag}");
}

#[test]
fn a_blank_template_cannot_be_approved() {
    let repo = SopRepo::new();
    repo.sop()
        .args([
            "new",
            "Gift refunds",
            "--department",
            "Payments",
            "--owner",
            "Amara Okafor",
        ])
        .assert()
        .success();
    repo.commit("New SOP");
    let before = repo.git(&["rev-parse", "HEAD"]);
    let out = repo
        .sop()
        .args([
            "release",
            "SOP-0001",
            "--major",
            "-m",
            "First version",
            "--approve",
            "--approver",
            "Lena Fischer",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("so it cannot be approved"), "{stderr}");
    assert!(stderr.contains("[placeholder-left]"), "{stderr}");
    // The lines named are those of the file as the writer sees it (and as `sop lint` names
    // them), not of the text with the keys the release adds.
    let lint = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let lint: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let first_prompt = lint
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "placeholder-left")
        .filter_map(|f| f["line"].as_u64())
        .min()
        .unwrap();
    assert!(
        stderr.contains(&format!(
            "  - line {first_prompt}: a template prompt is still in the text [placeholder-left]"
        )),
        "{stderr}"
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), before);
    assert_eq!(repo.git(&["tag", "-l"]), "");
    // `--allow-lint-errors` is no way around it.
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--major",
            "-m",
            "First version",
            "--approve",
            "--approver",
            "Lena Fischer",
            "--allow-lint-errors",
        ])
        .assert()
        .code(1);
    assert_eq!(repo.git(&["tag", "-l"]), "");
}

#[test]
fn template_prompts_are_errors_in_approved_sops_and_warnings_in_drafts() {
    let repo = SopRepo::new();
    let with_prompt = |status: &str| {
        sop_text("SOP-0001", "Refunds", "procedure", status)
            .replace("The purpose of this SOP.", "<Say why this SOP exists.>")
    };
    repo.write(SOP, &with_prompt("draft"));
    let lint = |repo: &SopRepo| {
        let out = repo
            .sop()
            .args(["lint", "--format", "json"])
            .output()
            .unwrap();
        let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
        let severity = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "placeholder-left")
            .map(|f| f["severity"].as_str().unwrap().to_string());
        (severity, out.status.code())
    };
    assert_eq!(lint(&repo), (Some("warning".to_string()), Some(0)));
    repo.write(SOP, &with_prompt("approved"));
    assert_eq!(lint(&repo), (Some("error".to_string()), Some(1)));
}

#[test]
fn four_eyes_refuses_a_release_approved_only_by_its_releaser() {
    let repo = approved_repo();
    repo.write("sop.toml", "[release]\nfour_eyes = true\n")
        .commit("Config");
    let out = repo
        .sop()
        .args([
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "x",
            "--approve",
            "--approver",
            "Someone <writer@example.com>",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("four_eyes"), "{stderr}");
    assert_eq!(repo.git(&["tag", "-l"]), "");
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "x",
            "--approve",
            "--approver",
            "Test Writer",
            "--approver",
            "Lena Fischer",
        ])
        .assert()
        .success();
}

#[test]
fn a_never_approved_sop_cannot_be_reviewed() {
    let repo = SopRepo::new();
    repo.write(SOP, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Draft");
    let out = repo.sop().args(["review", "SOP-0001"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("is not approved"), "{stderr}");
    assert!(stderr.contains("--approve"), "{stderr}");
    assert_eq!(repo.git(&["log", "--oneline"]).lines().count(), 1);
}

/// `--approve` without `--approver`: the usage error names it with the missing arguments and
/// shows a whole command; the refusal gives back the writer's own command with `--approver`.
#[test]
fn approve_without_approver_says_so_with_a_whole_command_to_paste() {
    let repo = approved_repo();
    let out = repo
        .sop()
        .args(["release", "SOP-0001", "--approve"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("--message <SUMMARY>"), "{err}");
    assert!(
        err.contains("tip: `--approve` needs `--approver \"Name <email>\"` too"),
        "{err}"
    );
    assert!(
        err.contains(
            "tip: a whole release looks like this: sop release SOP-0001 --version 1.0.0 -m \"First approved version\" --approve --approver \"Name <name@example.com>\""
        ),
        "{err}"
    );
    let out = repo
        .sop()
        .args([
            "release",
            "SOP-0001",
            "--version",
            "1.0.0",
            "-m",
            "First approved version",
            "--approve",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.contains(
            "in place of `Name <name@example.com>`: `sop release SOP-0001 --version 1.0.0 -m \"First approved version\" --approve --approver \"Name <name@example.com>\"`"
        ),
        "{err}"
    );
    let help = repo.sop().args(["release", "-h"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("`--approve` needs at least one `--approver`"),
        "{help}"
    );
}

/// The file's text with `version: 1.0.0` tagged as released by hand, with `message` as the tag
/// message, the way an older `sop` or a person with `git tag -a` writes it.
fn tagged_by_hand(message: &str) -> SopRepo {
    let repo = approved_repo();
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", message]);
    repo
}

fn approvals_in_history(repo: &SopRepo) -> Value {
    let out = repo
        .sop()
        .args(["history", "SOP-0001", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    h["releases"][0]["approvals"].clone()
}

#[test]
fn approvals_are_read_only_from_the_trailer_block_at_the_end_of_the_tag_message() {
    // A trailer-like line in the text above the last paragraph is text, as git reads it.
    let repo = tagged_by_hand(
        "Wording fix\n\nApproved-by: Chief Executive <ceo@example.com>\n\nApproved-by: Lena Fischer <lena@example.com>\nApproved-on: 2026-11-30\nApproval-meaning: approved for use\n",
    );
    assert_eq!(
        repo.git(&[
            "tag",
            "-l",
            "--format=%(trailers:key=Approved-by,valueonly)",
            "SOP-0001/v1.0.0"
        ])
        .trim(),
        "Lena Fischer <lena@example.com>"
    );
    assert_eq!(
        approvals_in_history(&repo),
        serde_json::json!([{"name": "Lena Fischer", "email": "lena@example.com", "date": "2026-11-30", "meaning": "approved for use"}])
    );
    repo.sop().arg("publish").assert().success();
    let page = std::fs::read_to_string(repo.path("site/sops/SOP-0001.html")).unwrap();
    assert!(page.contains("Lena Fischer"), "{page}");
    assert!(!page.contains("Chief Executive"), "{page}");

    // A last paragraph with a line of text in it is no trailer block either, and the title
    // never is.
    for message in [
        "Wording fix\n\nApproved-by: Chief Executive <ceo@example.com>\nas agreed on the phone\n",
        "Approved-by: Chief Executive <ceo@example.com>\n",
    ] {
        let repo = tagged_by_hand(message);
        assert_eq!(
            approvals_in_history(&repo),
            serde_json::json!([]),
            "{message}"
        );
    }
}

#[test]
fn a_review_trailer_above_the_last_paragraph_marks_no_review() {
    let repo = approved_repo();
    let text = repo
        .read(SOP)
        .replace("## Purpose", "## Purpose\n\nReworded.");
    repo.write(SOP, &text)
        .commit("Reword\n\nSop-Review: SOP-0001\n\nas asked by the auditors");
    let out = repo
        .sop()
        .args(["history", "SOP-0001", "--format", "json"])
        .output()
        .unwrap();
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(h["commits"][0]["kind"], "commit", "{h:#}");
}

#[test]
fn a_summary_with_an_approval_line_is_refused_and_nothing_is_written() {
    let repo = approved_repo();
    let before = repo.git(&["rev-parse", "HEAD"]);
    let file = repo.read(SOP);
    for summary in [
        "Wording fix\n\nApproved-by: Chief Executive <ceo@example.com>",
        "Approved-by: Chief Executive <ceo@example.com>",
        "Wording fix\n\napproval-MEANING : approved for everything",
        "Wording fix\n\nSop-Review: SOP-0001",
    ] {
        let out = repo
            .sop()
            .args([
                "release",
                "SOP-0001",
                "--minor",
                "-m",
                summary,
                "--approve",
                "--approver",
                "Lena Fischer <lena@example.com>",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{summary}");
        let stderr = stderr_of(&out);
        assert!(stderr.contains("the summary (`-m`)"), "{stderr}");
        assert!(stderr.contains("help:"), "{stderr}");
        assert_eq!(repo.git(&["rev-parse", "HEAD"]), before);
        assert_eq!(repo.git(&["tag", "-l"]), "");
        assert_eq!(repo.read(SOP), file);
    }
    // The same words inside a sentence are text, and the release goes ahead.
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Wording fix\n\nThe line Approved-by: was unclear",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ])
        .assert()
        .success();
}

#[test]
fn an_approver_or_meaning_with_a_line_break_or_control_character_is_refused() {
    let repo = approved_repo();
    let before = repo.git(&["rev-parse", "HEAD"]);
    for (flag, value) in [
        (
            "--approver",
            "Lena Fischer\nApproved-by: Board <board@example.com>",
        ),
        ("--approver", "Lena Fischer\r"),
        ("--approver", "Lena\u{7}Fischer"),
        ("--meaning", "approved for use\nApproved-by: Board"),
    ] {
        let mut args = vec![
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Wording fix",
            "--approve",
            flag,
            value,
        ];
        if flag == "--meaning" {
            args.extend(["--approver", "Lena Fischer"]);
        }
        let out = repo.sop().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{value:?}");
        let stderr = stderr_of(&out);
        assert!(stderr.contains(&format!("`{flag}`")), "{stderr}");
        assert!(
            stderr.contains("line break or control character"),
            "{stderr}"
        );
        assert_eq!(repo.git(&["rev-parse", "HEAD"]), before);
        assert_eq!(repo.git(&["tag", "-l"]), "");
    }
}

#[test]
fn a_review_note_with_a_trailer_line_is_refused() {
    let repo = approved_repo();
    let before = repo.git(&["rev-parse", "HEAD"]);
    let out = repo
        .sop()
        .args([
            "review",
            "SOP-0001",
            "-m",
            "Checked\n\nApproved-by: Chief Executive <ceo@example.com>",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("the note (`-m`)"),
        "{}",
        stderr_of(&out)
    );
    // The advice names only what `sop review` has, or the command that has it.
    let err = stderr_of(&out);
    assert!(!err.contains("with `--approver"), "{err}");
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), before);
}

#[test]
fn a_refused_approval_counts_each_finding_once() {
    let repo = SopRepo::new();
    repo.sop()
        .args([
            "new",
            "Gift refunds",
            "--department",
            "Payments",
            "--owner",
            "Amara Okafor",
        ])
        .assert()
        .success();
    repo.commit("New SOP");
    let lint = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let lint: Value = serde_json::from_slice(&lint.stdout).unwrap();
    let prompts = lint
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "placeholder-left")
        .count();
    let out = repo
        .sop()
        .args([
            "release",
            "SOP-0001",
            "--major",
            "-m",
            "First version",
            "--approve",
            "--approver",
            "Lena Fischer",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    let number_after = |text: &str, before: &str| -> usize {
        let at = text
            .find(before)
            .unwrap_or_else(|| panic!("no `{before}` in {text}"));
        text[at + before.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let total = number_after(&stderr, " has ");
    // Every finding in the list once: a line with several is named with how many.
    let listed: usize = stderr
        .lines()
        .filter(|l| l.starts_with("  - line "))
        .map(|l| {
            if l.contains(" times)") {
                number_after(l, "(")
            } else {
                1
            }
        })
        .sum();
    let more = number_after(&stderr, "… and ");
    assert!(total > prompts.min(8), "{stderr}");
    assert_eq!(total, listed + more, "{stderr}");
    assert!(total >= prompts, "{prompts} prompts: {stderr}");
}
