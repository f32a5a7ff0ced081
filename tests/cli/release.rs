//! `sop release`: one-file commits, annotated tags, and every refusal.

use predicates::prelude::*;

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";

/// A repository with one approved SOP (1.0.0) and a README, committed.
fn repo_with_sop() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .write("README.md", "readme\n")
    .write("notes/b.md", "b\n")
    .write("notes/c.md", "c\n")
    .commit("Add SOPs");
    repo
}

/// What `git` says about the index and work tree, outside the SOP folder.
fn git_state(repo: &SopRepo) -> (String, String, String) {
    let status = repo
        .git(&["status", "--porcelain", "--untracked-files=all"])
        .lines()
        .filter(|l| !l.contains(SOP))
        .collect::<Vec<_>>()
        .join("\n");
    (
        status,
        repo.git(&["diff", "--", ".", ":!sops"]),
        repo.git(&["diff", "--cached", "--", ".", ":!sops"]),
    )
}

fn head(repo: &SopRepo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

#[test]
fn release_commits_only_the_sop_and_leaves_other_changes_alone() {
    let repo = repo_with_sop();
    // Staged, unstaged, staged-then-edited, new staged and untracked changes elsewhere.
    repo.write("notes/b.md", "b staged\n");
    repo.git(&["add", "notes/b.md"]);
    repo.write("notes/b.md", "b staged then edited\n");
    repo.write("notes/c.md", "c unstaged\n");
    repo.write("notes/e.md", "e new\n");
    repo.git(&["add", "notes/e.md"]);
    repo.write("untracked.md", "u\n");
    let before = git_state(&repo);
    assert!(before.0.contains("MM notes/b.md"), "{}", before.0);
    let old_text = repo.read(SOP);
    let old_head = head(&repo);

    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Clarify refund windows",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Released SOP-0001 1.1.0, its first release (in review: not approved)",
        ))
        .stdout(predicate::str::contains("tag        SOP-0001/v1.1.0"));

    assert_eq!(git_state(&repo), before);
    assert_eq!(
        repo.git(&["cat-file", "-t", "SOP-0001/v1.1.0"]).trim(),
        "tag"
    );
    assert_eq!(
        repo.git(&["rev-parse", "SOP-0001/v1.1.0^{commit}"]).trim(),
        head(&repo)
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD^"]).trim(), old_head);
    assert_eq!(
        repo.git(&["show", "--name-status", "--format=%s", "HEAD"]),
        format!("SOP-0001 v1.1.0: Clarify refund windows\n\nM\t{SOP}\n")
    );
    assert_eq!(
        repo.git(&[
            "tag",
            "-l",
            "--format=%(contents:subject)",
            "SOP-0001/v1.1.0"
        ])
        .trim(),
        "Clarify refund windows"
    );
    // Only the front-matter lines changed; missing `last_reviewed` went after the review
    // cadence. Not approved: the status goes back to review and the old approval is gone.
    let expected = old_text
        .replace("status: approved", "status: review")
        .replace("approvers: [Lena Fischer]", "approvers: []")
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("effective: 2026-03-01", "effective: 2026-11-25")
        .replace(
            "review_every: 12 months\n",
            "review_every: 12 months\nlast_reviewed: 2026-11-25\n",
        );
    assert_eq!(repo.read(SOP), expected);
    // The committed file is the file on disk, and the SOP is clean in the index.
    assert_eq!(repo.git(&["show", &format!("HEAD:{SOP}")]), expected);
    assert_eq!(repo.git(&["status", "--porcelain", "--", SOP]), "");
}

#[test]
fn release_can_approve_with_named_approvers_and_a_date() {
    let repo = SopRepo::new();
    repo.write(SOP, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Draft");
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--version",
            "1.0.0",
            "-m",
            "First version",
            "--approve",
            "--approver",
            "Lena Fischer",
            "--approver",
            "Omar Haddad",
            "--effective",
            "2026-12-01",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1.0.0, its first release (approved)",
        ));
    let text = repo.read(SOP);
    assert!(text.contains("status: approved\n"), "{text}");
    assert!(
        text.contains("approvers: [Lena Fischer, Omar Haddad]\n"),
        "{text}"
    );
    assert!(text.contains("effective: 2026-12-01\n"), "{text}");
    assert!(text.contains("last_reviewed: 2026-11-25\n"), "{text}");
    assert_eq!(repo.git(&["tag", "-l"]).trim(), "SOP-0001/v1.0.0");
}

/// Run a release that must be refused: exit 1, the words in stderr, nothing changed.
fn assert_refused(repo: &SopRepo, args: &[&str], words: &[&str]) {
    assert_stopped(repo, 1, args, words);
}

/// Run a release that must stop with `code`: the words in stderr, advice, nothing changed.
fn assert_stopped(repo: &SopRepo, code: i32, args: &[&str], words: &[&str]) {
    let before_text = std::fs::read(repo.path(SOP)).ok();
    let before_head = repo
        .git(&["rev-parse", "-q", "--verify", "HEAD"])
        .trim()
        .to_string();
    let before_tags = repo.git(&["tag", "-l"]);
    let out = repo
        .sop()
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for w in words {
        assert!(stderr.contains(w), "missing {w:?} in:\n{stderr}");
    }
    assert!(stderr.contains("help:"), "no advice in:\n{stderr}");
    assert_eq!(std::fs::read(repo.path(SOP)).ok(), before_text);
    assert_eq!(
        repo.git(&["rev-parse", "-q", "--verify", "HEAD"]).trim(),
        before_head
    );
    assert_eq!(repo.git(&["tag", "-l"]), before_tags);
}

fn rev_parse_quiet(repo: &SopRepo) -> bool {
    std::process::Command::new("git")
        .args(["rev-parse", "-q", "--verify", "HEAD"])
        .current_dir(repo.root())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn release_of_an_unknown_id_is_a_usage_error_that_suggests_close_ones() {
    let repo = repo_with_sop();
    assert_stopped(
        &repo,
        2,
        &["release", "SOP-0010", "--patch", "-m", "x"],
        &["no SOP has the id `SOP-0010`", "`SOP-0001`"],
    );
}

#[test]
fn release_refuses_a_version_that_does_not_increase() {
    let repo = repo_with_sop();
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--version", "0.9.0", "-m", "x"],
        &["lower than the version in the file, 1.0.0"],
    );
    repo.sop()
        .args(["release", "SOP-0001", "--version", "1.2.0", "-m", "x"])
        .assert()
        .success();
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--version", "1.1.0", "-m", "y"],
        &["does not come after the last release of SOP-0001, 1.2.0"],
    );
}

#[test]
fn release_refuses_an_existing_tag() {
    let repo = repo_with_sop();
    repo.git(&["tag", "-a", "SOP-0001/v1.0.1", "-m", "made by hand"]);
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--patch", "-m", "x"],
        &["the tag `SOP-0001/v1.0.1` exists already"],
    );
}

#[test]
fn release_refuses_a_detached_head() {
    let repo = repo_with_sop();
    repo.git(&["checkout", "-q", "--detach"]);
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--patch", "-m", "x"],
        &["HEAD is detached", "git switch"],
    );
}

#[test]
fn release_refuses_an_unborn_branch() {
    let repo = SopRepo::new();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    assert!(!rev_parse_quiet(&repo));
    let out = repo
        .sop()
        .args(["release", "SOP-0001", "--patch", "-m", "x"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has no commit yet"), "{stderr}");
    assert!(stderr.contains("commit the SOPs first"), "{stderr}");
    assert!(repo.read(SOP).contains("version: 1.0.0"));
}

#[test]
fn release_refuses_during_a_merge() {
    let repo = repo_with_sop();
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write("README.md", "theirs\n").commit("Theirs");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "ours\n").commit("Ours");
    let merge = std::process::Command::new("git")
        .args(["merge", "-q", "other"])
        .current_dir(repo.root())
        .env("HOME", repo.root())
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge should conflict");
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--patch", "-m", "x"],
        &["a merge is in progress"],
    );
}

#[test]
fn release_refuses_a_file_with_conflict_markers() {
    let repo = repo_with_sop();
    let text = repo.read(SOP).replace(
        "## Scope\n",
        "## Scope\n\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> other\n",
    );
    repo.write(SOP, &text);
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--patch", "-m", "x"],
        &["merge conflict marker at line"],
    );
}

#[test]
fn release_refuses_lint_errors_unless_allowed() {
    let repo = repo_with_sop();
    let text = repo.read(SOP).replace("owner: Amara Okafor\n", "");
    repo.write(SOP, &text).commit("Lose the owner");
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--patch", "-m", "x"],
        &["so it is not released", "`owner`", "--allow-lint-errors"],
    );
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "x",
            "--allow-lint-errors",
        ])
        .assert()
        .success();
    assert!(repo.read(SOP).contains("version: 1.0.1\n"));
}

#[test]
fn release_without_a_git_identity_is_an_environment_error() {
    let repo = repo_with_sop();
    repo.git(&["config", "--unset", "user.name"]);
    repo.git(&["config", "--unset", "user.email"]);
    assert_stopped(
        &repo,
        2,
        &["release", "SOP-0001", "--patch", "-m", "x"],
        &[
            "git does not know who you are, so nothing was committed",
            "git config --global user.name",
        ],
    );
}

#[test]
fn release_refuses_to_approve_without_approvers() {
    let repo = SopRepo::new();
    repo.write(SOP, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Draft");
    assert_refused(
        &repo,
        &["release", "SOP-0001", "--minor", "-m", "x", "--approve"],
        &[
            "cannot be approved without naming who approved it",
            "--approver",
        ],
    );
}

#[test]
fn release_refuses_during_a_rebase() {
    let repo = repo_with_sop();
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write("README.md", "theirs\n").commit("Theirs");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "ours\n").commit("Ours");
    let rebase = std::process::Command::new("git")
        .args(["rebase", "-q", "other"])
        .current_dir(repo.root())
        .env("HOME", repo.root())
        .output()
        .unwrap();
    assert!(
        !rebase.status.success(),
        "the rebase should stop on a conflict"
    );
    let out = repo
        .sop()
        .args(["release", "SOP-0001", "--patch", "-m", "x"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a rebase is in progress"), "{stderr}");
    assert!(repo.read(SOP).contains("version: 1.0.0\n"));
}

#[test]
fn release_says_which_release_it_follows_when_the_file_was_bumped_by_hand() {
    let repo = SopRepo::new();
    repo.write(SOP, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Draft");
    repo.sop()
        .args(["release", "SOP-0001", "--version", "1.0.0", "-m", "First"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Released SOP-0001 1.0.0, its first release (in review: not approved)",
        ));
    let bumped = repo.read(SOP).replace("version: 1.0.0", "version: 1.2.0");
    repo.write(SOP, &bumped).commit("Bump by hand");
    repo.sop()
        .args(["release", "SOP-0001", "--version", "1.2.0", "-m", "Second"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Released SOP-0001 1.0.0 → 1.2.0 (in review: not approved)",
        ));
    assert_eq!(
        repo.git(&["tag", "-l"]),
        "SOP-0001/v1.0.0\nSOP-0001/v1.2.0\n"
    );
}

/// How many lines of `SOP` the last commit adds and removes (`git diff --numstat`), and
/// whether the committed text has a carriage return in it.
fn committed_change(repo: &SopRepo) -> (String, bool) {
    let numstat = repo.git(&["diff", "--numstat", "HEAD~1", "HEAD", "--", SOP]);
    let counts = numstat
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let text = repo.git(&["show", &format!("HEAD:{SOP}")]);
    (counts, text.contains('\r'))
}

/// The working copy as git checks it out with the settings now.
fn check_out_again(repo: &SopRepo) {
    std::fs::remove_file(repo.path(SOP)).unwrap();
    repo.git(&["checkout", "--", SOP]);
}

const APPROVE: &[&str] = &[
    "release",
    "SOP-0001",
    "--minor",
    "-m",
    "Clearer",
    "--approve",
    "--approver",
    "Lena Fischer <lena@example.com>",
];

#[test]
fn release_and_review_store_text_as_git_add_would_with_autocrlf() {
    let repo = repo_with_sop();
    // A Windows writer's checkout: CRLF in the file, LF in the repository.
    repo.git(&["config", "core.autocrlf", "true"]);
    check_out_again(&repo);
    assert!(repo.read(SOP).contains("\r\n"));
    repo.sop().args(APPROVE).assert().success();
    // The lines the release changed, with LF, as `git commit` would store them.
    assert_eq!(committed_change(&repo), ("3 2".to_string(), false));
    assert!(
        repo.read(SOP).contains("\r\n"),
        "the working copy keeps CRLF"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    // A review stores LF too.
    repo.sop()
        .env("SOP_TODAY", "2027-01-10")
        .args(["review", "SOP-0001"])
        .assert()
        .success();
    assert_eq!(committed_change(&repo), ("1 1".to_string(), false));
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn release_stores_text_as_gitattributes_say() {
    let repo = repo_with_sop();
    repo.write(".gitattributes", "*.md text eol=lf\n");
    repo.commit("Attributes");
    repo.write(SOP, &repo.read(SOP).replace('\n', "\r\n"));
    repo.sop().args(APPROVE).assert().success();
    assert_eq!(committed_change(&repo), ("3 2".to_string(), false));
}

#[test]
fn release_keeps_crlf_that_the_repository_already_holds() {
    // Committed with CRLF before `core.autocrlf` was set: git leaves such a file alone, or
    // every line would change.
    let repo = SopRepo::new();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved").replace('\n', "\r\n"),
    )
    .commit("Add SOPs");
    repo.git(&["config", "core.autocrlf", "true"]);
    repo.sop().args(APPROVE).assert().success();
    assert_eq!(committed_change(&repo), ("3 2".to_string(), true));
}

#[test]
fn quiet_release_and_review_print_nothing_but_commit() {
    let repo = repo_with_sop();
    let before = head(&repo);
    repo.sop()
        .arg("-q")
        .args(APPROVE)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_ne!(head(&repo), before);
    assert_eq!(repo.git(&["tag", "-l"]).trim(), "SOP-0001/v1.1.0");
    let released = head(&repo);
    repo.sop()
        .env("SOP_TODAY", "2027-01-10")
        .args(["review", "SOP-0001", "--quiet"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_ne!(head(&repo), released);
}
