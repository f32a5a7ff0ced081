//! Every exit-code path of the table in the README and in `sop man` (EXIT STATUS): 0 success;
//! 1 a check found errors or the command was refused for a stated reason; 2 usage,
//! configuration or environment. See #16.

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";

/// A repository with one approved, committed SOP that lint passes.
fn repo() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add refunds");
    repo
}

/// Run `sop args` in `repo`; check the exit code and that the output (stdout for findings,
/// stderr for errors) holds each of `words`; return both.
fn run(repo: &SopRepo, args: &[&str], code: i32, words: &[&str]) -> String {
    let out = repo.sop().args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(code), "sop {args:?}:\n{text}");
    for w in words {
        assert!(text.contains(w), "sop {args:?}: no {w:?} in:\n{text}");
    }
    text
}

// 0: success.

#[test]
fn success_exits_0() {
    let repo = repo();
    run(&repo, &["lint"], 0, &[]);
    run(&repo, &["list"], 0, &[]);
    run(&repo, &["--help"], 0, &[]);
    run(&repo, &["--version"], 0, &[]);
}

#[test]
fn a_started_editor_exits_0() {
    let repo = repo();
    let out = repo
        .sop()
        .env("EDITOR", "true")
        .args(["new", "Chargebacks", "-d", "Payments", "-e"])
        .assert()
        .code(0);
    let path = String::from_utf8_lossy(&out.get_output().stdout)
        .trim()
        .to_string();
    assert!(repo.path(&path).is_file(), "{path}");
}

// 1: a check found errors.

#[test]
fn lint_errors_exit_1() {
    let repo = repo();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved")
            .replace("status: approved", "status: aproved"),
    );
    run(&repo, &["lint"], 1, &["aproved"]);
}

#[test]
fn warnings_exit_1_only_with_deny_warnings() {
    let repo = repo();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved")
            .replace("review_every: 12 months", "next_review: 2026-12-01"),
    );
    run(&repo, &["lint"], 0, &["warning"]);
    run(&repo, &["lint", "--deny-warnings"], 1, &["warning"]);
}

#[test]
fn an_overdue_review_exits_1_with_fail_on() {
    let repo = repo();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved")
            .replace("review_every: 12 months", "next_review: 2026-01-01"),
    )
    .commit("Overdue");
    run(&repo, &["due"], 0, &[]);
    run(&repo, &["due", "--fail-on", "overdue"], 1, &[]);
}

// 1: refused for a stated reason.

#[test]
fn a_version_that_does_not_increase_is_refused_with_1() {
    let repo = repo();
    run(
        &repo,
        &["release", "SOP-0001", "--version", "0.9.0", "-m", "x"],
        1,
        &["lower than the version in the file", "help:"],
    );
}

#[test]
fn releasing_during_a_merge_is_refused_with_1() {
    let repo = repo();
    std::fs::write(
        repo.path(".git/MERGE_HEAD"),
        repo.git(&["rev-parse", "HEAD"]),
    )
    .unwrap();
    run(
        &repo,
        &["release", "SOP-0001", "--patch", "-m", "x"],
        1,
        &["a merge is in progress", "help:"],
    );
}

#[test]
fn publishing_into_a_folder_sop_did_not_make_is_refused_with_1() {
    let repo = repo();
    repo.write("elsewhere/notes.txt", "mine");
    run(
        &repo,
        &["publish", "--out", "elsewhere"],
        1,
        &["left untouched"],
    );
    assert_eq!(repo.read("elsewhere/notes.txt"), "mine");
}

// 2: usage.

#[test]
fn an_unknown_option_or_command_exits_2() {
    let repo = repo();
    run(
        &repo,
        &["lint", "--no-such-option"],
        2,
        &["--no-such-option"],
    );
    run(&repo, &["frobnicate"], 2, &["frobnicate"]);
    run(&repo, &["list", "--format", "yaml"], 2, &["yaml"]);
}

/// A release summary of only spaces would make a commit subject `SOP-0001 v1.0.1:` and an empty
/// line in the revision history: refused before anything is written.
#[test]
fn an_empty_release_summary_exits_2() {
    let repo = repo();
    let head = repo.git(&["rev-parse", "HEAD"]);
    run(
        &repo,
        &["release", "SOP-0001", "--patch", "-m", "   "],
        2,
        &["the summary is empty: say what changed"],
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(repo.git(&["tag", "--list"]), "");
}

/// An id that names no SOP and a `--version` that is no version are the same kind of mistake:
/// what the command was given names nothing it can act on.
#[test]
fn an_unknown_id_exits_2_like_an_invalid_version() {
    let repo = repo();
    for args in [
        &["release", "SOP-0009", "--patch", "-m", "x"][..],
        &["review", "SOP-0009"],
        &["history", "SOP-0009"],
        &["diff", "SOP-0009"],
    ] {
        run(&repo, args, 2, &["no SOP has the id `SOP-0009`", "help:"]);
    }
    run(
        &repo,
        &["release", "SOP-0001", "--version", "1.x", "-m", "x"],
        2,
        &["`--version 1.x` is not a version", "help:"],
    );
    run(
        &repo,
        &["diff", "SOP-0001", "no-such-branch"],
        2,
        &["`no-such-branch` is not a version, tag, branch or commit"],
    );
}

#[test]
fn an_unknown_type_rule_period_or_path_exits_2() {
    let repo = repo();
    run(
        &repo,
        &["new", "X", "--type", "recipe"],
        2,
        &["unknown SOP type `recipe`"],
    );
    run(
        &repo,
        &["lint", "--explain", "no-such-rule"],
        2,
        &["no-such-rule"],
    );
    run(&repo, &["due", "--within", "soon"], 2, &["soon"]);
    run(&repo, &["lint", "sops/missing.md"], 2, &["does not exist"]);
}

// 2: configuration.

#[test]
fn a_broken_sop_toml_exits_2_and_names_it() {
    let repo = repo();
    repo.write("sop.toml", "[sops\nid_prefix = \"SOP\"\n");
    let stderr = run(&repo, &["lint"], 2, &["sop.toml"]);
    assert!(
        stderr.contains("line 1") || stderr.contains(":1:"),
        "{stderr}"
    );
    run(&repo, &["list"], 2, &["sop.toml"]);
}

#[test]
fn a_missing_config_file_exits_2() {
    let repo = repo();
    run(
        &repo,
        &["--config", "other.toml", "lint"],
        2,
        &["other.toml", "--config"],
    );
}

// 2: environment.

#[test]
fn no_sop_repository_exits_2() {
    let dir = SopRepo::empty();
    run(&dir, &["list"], 2, &["no SOP repository here", "sop init"]);
}

#[test]
fn no_git_identity_exits_2_and_commits_nothing() {
    let repo = repo();
    repo.git(&["config", "--unset", "user.name"]);
    repo.git(&["config", "--unset", "user.email"]);
    let head = repo.git(&["rev-parse", "HEAD"]);
    let before = repo.read(SOP);
    for args in [
        &["release", "SOP-0001", "--patch", "-m", "x"][..],
        &["review", "SOP-0001"],
    ] {
        run(
            &repo,
            args,
            2,
            &[
                "git does not know who you are, so nothing was committed",
                "git config --global user.name",
            ],
        );
    }
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(repo.read(SOP), before);
    assert_eq!(repo.git(&["tag", "-l"]), "");
}

#[test]
fn a_missing_editor_exits_2_and_says_the_sop_was_created() {
    let repo = repo();
    let out = repo
        .sop()
        .env("EDITOR", "sop-test-no-such-editor --wait")
        .args(["new", "Chargebacks", "-d", "Payments", "-e"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let path = "sops/payments/SOP-0002-chargebacks.md";
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), path);
    assert!(repo.path(path).is_file());
    for w in [
        &format!(
            "created `{path}`, but could not start the editor `sop-test-no-such-editor --wait`"
        )[..],
        "not installed",
        "open the file yourself",
        "EDITOR",
    ] {
        assert!(stderr.contains(w), "no {w:?} in:\n{stderr}");
    }
}

#[test]
fn a_command_that_needs_git_outside_git_exits_2() {
    let dir = SopRepo::empty();
    dir.write("sop.toml", "");
    dir.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    run(
        &dir,
        &["history", "SOP-0001"],
        2,
        &["needs git", "git init"],
    );
}
