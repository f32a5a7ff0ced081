//! Tags that are no release (made or moved by hand, or on a branch that never landed) and
//! clones without the release tags never put a text that was not approved on the site.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use crate::support::{SopRepo, sop_text};

const PATH: &str = "sops/pay/SOP-0001-refunds.md";
const TAG: &str = "SOP-0001/v1.0.0";
const APPROVED: &str = "First approved refunds\n\nApproved-by: Lena Fischer <lena@example.com>\nApproved-on: 2026-11-30\nApproval-meaning: approved for use\n";
/// A line only the edit made after the approval has.
const EDIT: &str = "A step nobody approved.";

/// SOP-0001 v1.0.0, approved and released as `sop release --approve` leaves it.
fn released() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        PATH,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("SOP-0001 v1.0.0: First approved refunds");
    repo.git(&["tag", "-a", TAG, "-m", APPROVED]);
    repo
}

/// SOP-0001 v1.0.0 released as `sop release --approve` leaves it, then an edit committed that
/// keeps `status: approved` and `version: 1.0.0`.
fn edited_after_approval() -> SopRepo {
    let repo = released();
    let edited = repo.read(PATH) + &format!("\n{EDIT}\n");
    repo.write(PATH, &edited);
    repo.commit("edit after approval");
    repo
}

/// `sop` with `args` in `repo`, which must exit with `code`: its stdout and stderr.
fn run(repo: &SopRepo, args: &[&str], code: i32) -> (String, String) {
    let out = repo.sop().args(args).assert().code(code);
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    (
        text(&out.get_output().stdout),
        text(&out.get_output().stderr),
    )
}

/// `sop publish` into `site`: the SOP's page (if any) and stderr.
fn publish(repo: &SopRepo) -> (Option<String>, String) {
    let _ = std::fs::remove_dir_all(repo.path("site"));
    let (_, stderr) = run(repo, &["publish", "--out", "site"], 0);
    let page = std::fs::read_to_string(repo.path("site/sops/SOP-0001.html")).ok();
    (page, stderr)
}

/// A clone of `origin` made with `git clone` and `extra` options (`--no-tags`).
fn clone_of(origin: &SopRepo, extra: &[&str]) -> SopRepo {
    let clone = SopRepo::empty();
    let url = format!("file://{}", origin.root().display());
    let status = Command::new("git")
        .args(["clone", "-q"])
        .args(extra)
        .args([url.as_str(), "."])
        .current_dir(clone.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", clone.root())
        .status()
        .unwrap();
    assert!(status.success());
    clone.git(&["config", "user.name", "T"]);
    clone.git(&["config", "user.email", "t@example.com"]);
    clone
}

/// SOP-0001 released, then, on branch `pr`, its text edited with the version raised by hand
/// and `status: approved` kept: what a pull request must not get through.
fn approved_by_hand_on_a_branch() -> SopRepo {
    let repo = released();
    repo.git(&["checkout", "-q", "-b", "pr"]);
    let edited =
        repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + &format!("\n{EDIT}\n");
    repo.write(PATH, &edited);
    repo.commit("edit, approved by hand");
    repo
}

#[test]
fn the_pull_request_check_refuses_a_clone_without_the_release_tags() {
    let origin = approved_by_hand_on_a_branch();
    let ci = clone_of(&origin, &["--no-tags", "--branch", "pr"]);
    ci.git(&[
        "fetch",
        "-q",
        "--no-tags",
        "origin",
        "main:refs/remotes/origin/main",
    ]);
    let (_, stderr) = run(&ci, &["lint", "--base", "origin/main"], 2);
    assert!(
        stderr.contains("this clone has none of the release tags, though its history has the commits that made them (\"SOP-0001 v1.0.0: First approved refunds\"): the approval check cannot tell an approved text from one nobody approved, so nothing was checked"),
        "{stderr}"
    );
    assert!(stderr.contains("git fetch --tags"), "{stderr}");
    // With the tags, the same check finds the approval nobody recorded.
    ci.git(&["fetch", "-q", "--tags", "origin"]);
    let (stdout, _) = run(&ci, &["lint", "--base", "origin/main"], 1);
    assert!(stdout.contains("error[approval-not-recorded]"), "{stdout}");
}

#[test]
fn history_in_a_clone_without_the_release_tags_says_what_is_missing() {
    let origin = released();
    let clone = clone_of(&origin, &["--no-tags"]);
    let (_, stderr) = run(&clone, &["history", "SOP-0001"], 0);
    assert!(
        stderr.contains("this clone has none of the release tags, though its history has the commits that made them (\"SOP-0001 v1.0.0: First approved refunds\"): the releases and their approvals are missing below"),
        "{stderr}"
    );
}

#[test]
fn a_release_whose_tag_was_not_pushed_is_told_to_push_it() {
    let origin = released();
    // Another release on a branch; the branch is pushed, its tag is not.
    origin.git(&["checkout", "-q", "-b", "pr"]);
    let next = origin
        .read(PATH)
        .replace("version: 1.0.0", "version: 1.1.0")
        + "\nA clearer step.\n";
    origin.write(PATH, &next);
    origin.commit("SOP-0001 v1.1.0: Clearer");
    let ci = clone_of(&origin, &["--branch", "pr"]);
    origin.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    let (stdout, _) = run(&ci, &["lint", "--base", "origin/main"], 1);
    assert!(
        stdout.contains(
            "its release commit is here, but its tag `SOP-0001/v1.1.0` is not (it was not pushed)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("git push origin SOP-0001/v1.1.0"),
        "{stdout}"
    );
    assert!(!stdout.contains("--patch"), "{stdout}");
}

#[test]
fn a_first_release_whose_tag_was_not_pushed_is_told_to_push_it() {
    let origin = SopRepo::new();
    origin.write(PATH, &sop_text("SOP-0001", "Refunds", "procedure", "draft"));
    origin.commit("draft refunds");
    origin.git(&["checkout", "-q", "-b", "first-release"]);
    let approved = origin
        .read(PATH)
        .replace("status: draft", "status: approved");
    origin.write(PATH, &approved);
    origin.commit("SOP-0001 v1.0.0: First approved refunds");
    let ci = clone_of(&origin, &["--branch", "first-release"]);
    origin.git(&["tag", "-a", TAG, "-m", APPROVED]);
    let (stdout, _) = run(&ci, &["lint", "--base", "origin/main"], 1);
    assert!(
        stdout.contains(&format!("git push origin {TAG}")),
        "{stdout}"
    );
}

#[test]
fn the_approved_release_is_shown_when_nothing_was_done_by_hand() {
    let repo = edited_after_approval();
    let (page, stderr) = publish(&repo);
    let page = page.expect("a page");
    assert!(!page.contains(EDIT), "the edit is not shown");
    assert!(!stderr.contains("not counted"), "{stderr}");
    assert!(!stderr.contains("no SOP file has this id"), "{stderr}");
}

/// An approved SOP deleted (`git rm`) instead of retired: its page is gone, and publish says
/// so, naming its last release tag and the way back. It once left it out without a word.
#[test]
fn an_approved_sop_deleted_instead_of_retired_is_named_by_publish() {
    let repo = released();
    repo.write(
        "sops/pay/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "approved"),
    );
    repo.git(&["rm", "-q", PATH]);
    repo.commit("remove refunds");
    let (page, stderr) = publish(&repo);
    assert!(page.is_none());
    assert!(
        stderr.contains(&format!(
            "`SOP-0001` is not published: no SOP file has this id any more, though its releases are tagged (the last is `{TAG}`)"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("retire it instead"), "{stderr}");
    // Tags read by name from `packed-refs` and from loose ref files alike.
    repo.git(&["pack-refs", "--all"]);
    repo.git(&["tag", "SOP-0009/v2.1.0"]);
    assert!(repo.path(".git/refs/tags/SOP-0009/v2.1.0").is_file());
    let (_, stderr) = publish(&repo);
    for (id, tag) in [("SOP-0001", TAG), ("SOP-0009", "SOP-0009/v2.1.0")] {
        assert!(
            stderr.contains(&format!(
                "`{id}` is not published: no SOP file has this id any more, though its releases are tagged (the last is `{tag}`)"
            )),
            "{stderr}"
        );
    }
    assert!(!stderr.contains("`SOP-0002` is not published"), "{stderr}");
}

#[test]
fn a_tag_moved_by_hand_onto_an_edit_approves_nothing() {
    let moves: [&[&str]; 2] = [
        &["tag", "-f", TAG, "HEAD"],
        &["tag", "-f", "-a", TAG, "-m", "moved", "HEAD"],
    ];
    for args in moves {
        let repo = edited_after_approval();
        repo.git(args);
        let (page, stderr) = publish(&repo);
        if let Some(page) = page {
            assert!(
                !page.contains(EDIT),
                "{args:?}: the edit is shown as approved"
            );
        }
        assert!(
            stderr.contains(&format!("tag `{TAG}` is not counted")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_tag_of_another_version_than_its_text_says_is_no_release() {
    let repo = edited_after_approval();
    repo.git(&["tag", "-a", "SOP-0001/v2.0.0", "-m", APPROVED, "HEAD"]);
    let (page, stderr) = publish(&repo);
    let page = page.expect("the approved release is shown");
    assert!(!page.contains(EDIT), "the edit is not shown");
    assert!(
        stderr.contains(
            "tag `SOP-0001/v2.0.0` is not counted as a release of `SOP-0001`: the text it tags says version 1.0.0, not version 2.0.0"
        ),
        "{stderr}"
    );
    let feed = std::fs::read_to_string(repo.path("site/feed.xml")).unwrap();
    assert!(!feed.contains("2.0.0"), "no feed entry for it: {feed}");
    // Nor a row in the page's revision history ("2.0.0 … not approved", "Version 2.0.0
    // released"): only the release that counts is listed.
    assert!(!page.contains("2.0.0"), "the page lists the tag: {page}");
    assert!(page.contains(">1.0.0<"), "{page}");
}

#[test]
fn a_release_on_a_branch_that_never_landed_is_not_the_current_page() {
    let repo = released();
    repo.git(&["checkout", "-q", "-b", "proposal"]);
    let proposal =
        repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + &format!("\n{EDIT}\n");
    repo.write(PATH, &proposal);
    repo.commit("SOP-0001 v1.1.0: Proposal");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "proposal"]);
    let (page, stderr) = publish(&repo);
    let page = page.expect("v1.0.0 is shown");
    assert!(!page.contains(EDIT), "the branch's text is not shown");
    assert!(
        stderr.contains("release `SOP-0001/v1.1.0` is not shown for `SOP-0001`: it was made on a commit this branch does not have, and the committed `SOP-0001` still says version 1.0.0"),
        "{stderr}"
    );
    // Nor listed among the page's releases (as a release of unknown status).
    assert!(!page.contains("1.1.0"), "{page}");
    // `sop history` says where it is, first among the rows of its day.
    let (stdout, _) = run(&repo, &["history", "SOP-0001"], 0);
    let (Some(proposal), Some(approved)) = (stdout.find("1.1.0"), stdout.find("1.0.0")) else {
        panic!("{stdout}");
    };
    assert!(proposal < approved, "{stdout}");
    assert!(
        stdout.contains("(on a commit this branch does not have)"),
        "{stdout}"
    );
}

#[test]
fn a_clone_without_the_release_tags_publishes_no_committed_edit() {
    let origin = edited_after_approval();
    let clone = clone_of(&origin, &["--no-tags"]);
    let (_, warned) = run(&clone, &["diff", "SOP-0001"], 0);
    assert!(
        warned.contains("SOP-0001 has no release tag here, although its history has the release commit \"SOP-0001 v1.0.0: First approved refunds\": the tags were not fetched (`git fetch --tags`)"),
        "{warned}"
    );
    // No release tag at all: nothing is published (a deploy would empty the site).
    let (_, stderr) = run(&clone, &["publish", "--out", "site"], 2);
    assert!(
        stderr.contains("this clone has none of the release tags, though its history has the commits that made them (\"SOP-0001 v1.0.0: First approved refunds\")"),
        "{stderr}"
    );
    assert!(stderr.contains("git fetch --tags"), "{stderr}");
    assert!(!clone.path("site").exists());
    // Some tags, not this SOP's: it alone is left out.
    clone.write(
        "sops/pay/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "approved"),
    );
    clone.commit("SOP-0002 v1.0.0: Chargebacks");
    clone.git(&["tag", "-a", "SOP-0002/v1.0.0", "-m", APPROVED]);
    let (page, stderr) = publish(&clone);
    assert!(page.is_none(), "the SOP is left out");
    assert!(
        stderr.contains("its history has the release commit \"SOP-0001 v1.0.0: First approved refunds\" but no release tag of it is here: fetch the tags (`git fetch --tags`"),
        "{stderr}"
    );
}

#[test]
fn a_tag_moved_onto_a_later_commit_of_another_file_approves_nothing() {
    let repo = edited_after_approval();
    repo.write("sops/pay/notes.txt", "unrelated\n");
    repo.commit("unrelated change");
    repo.git(&["tag", "-f", "-a", TAG, "-m", APPROVED, "HEAD"]);
    let (page, stderr) = publish(&repo);
    if let Some(page) = page {
        assert!(!page.contains(EDIT), "the edit is shown as approved");
    }
    assert!(
        stderr.contains(&format!(
            "tag `{TAG}` is not counted as a release of `SOP-0001`: the text it tags is not the text of its release commit"
        )),
        "{stderr}"
    );
}

#[test]
fn a_version_raised_and_tagged_by_hand_after_a_recorded_approval_approves_nothing() {
    let repo = edited_after_approval();
    let raised = repo.read(PATH).replace("version: 1.0.0", "version: 1.0.1");
    repo.write(PATH, &raised);
    repo.commit("tweak wording");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.1", "-m", "x"]);
    let (page, stderr) = publish(&repo);
    let page = page.expect("v1.0.0 is shown");
    assert!(!page.contains(EDIT));
    // The revision in progress is noted; the tag is no release in the revision history.
    assert!(!page.contains(">1.0.1<"), "the page lists the tag: {page}");
    assert!(
        !page.contains("Version 1.0.1"),
        "the page lists the tag: {page}"
    );
    assert!(
        stderr.contains("tag `SOP-0001/v1.0.1` is not counted as an approved release of `SOP-0001`: it records no approver, though its earlier releases do"),
        "{stderr}"
    );
}

#[test]
fn hand_approved_releases_keep_counting_beside_releases_made_by_sop() {
    // v1.0.0 approved by hand: an annotated tag with no approval record, on a plain commit.
    let repo = SopRepo::new();
    repo.write(
        PATH,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("Refunds");
    repo.git(&["tag", "-a", TAG, "-m", "Approved in the meeting"]);
    // A lightweight tag such as a forge's release page makes, on the same commit.
    repo.git(&["tag", "release-2026", "HEAD"]);
    // v1.1.0 released for review with `sop release` (no approval yet).
    let next = repo
        .read(PATH)
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("status: approved", "status: review");
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: For review");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "For review"]);
    let (page, stderr) = publish(&repo);
    let page = page.expect("v1.0.0 stays on the site");
    assert!(page.contains("v1.0.0"), "{page}");
    assert!(!stderr.contains("not counted"), "{stderr}");
}

#[test]
fn an_approved_sop_deleted_but_not_committed_stays_on_the_site() {
    let repo = edited_after_approval();
    std::fs::remove_file(repo.path(PATH)).unwrap();
    let (page, stderr) = publish(&repo);
    let page = page.expect("the SOP keeps its page");
    assert!(!page.contains(EDIT), "the approved release is shown");
    assert!(
        stderr.contains(&format!(
            "`SOP-0001` (`{PATH}`) is deleted in the working copy but not in the last commit"
        )),
        "{stderr}"
    );
    // Committed, the deletion takes it off.
    repo.commit("retire the file");
    let (page, _) = publish(&repo);
    assert!(page.is_none());
}

#[test]
fn a_linked_file_is_published_as_committed() {
    let repo = released_with_form(Some("APPROVED FORM\n"));
    repo.write("sops/pay/forms/refund.txt", "UNCOMMITTED FORM\n");
    let (page, stderr) = publish(&repo);
    assert!(
        page.expect("a page")
            .contains("files/sops/pay/forms/refund.txt")
    );
    assert_eq!(
        std::fs::read_to_string(repo.path("site/files/sops/pay/forms/refund.txt")).unwrap(),
        "APPROVED FORM\n",
        "{stderr}"
    );
}

/// SOP-0001 v1.0.0, linking `forms/refund.txt`, released with that form (when given) as
/// `sop release --approve` leaves it.
fn released_with_form(form: Option<&str>) -> SopRepo {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        + "\nFill in [the refund form](forms/refund.txt).\n";
    repo.write(PATH, &text);
    if let Some(form) = form {
        repo.write("sops/pay/forms/refund.txt", form);
    }
    repo.commit("SOP-0001 v1.0.0: First approved refunds");
    repo.git(&["tag", "-a", TAG, "-m", APPROVED]);
    repo
}

/// SOP-0001 v1.0.0 released with its form, then the form alone edited and committed.
fn form_edited_after_release() -> SopRepo {
    let repo = released_with_form(Some("APPROVED FORM\n"));
    repo.write("sops/pay/forms/refund.txt", "LATER FORM\n");
    repo.commit("a new form, not approved yet");
    repo
}

const KEPT_FORM: &str = "site/files/@releases/SOP-0001/v1.0.0/sops/pay/forms/refund.txt";

#[test]
fn a_form_changed_after_the_release_is_published_as_released() {
    let repo = form_edited_after_release();
    let (page, stderr) = publish(&repo);
    let page = page.expect("a page");
    assert!(
        page.contains(r#"href="../files/@releases/SOP-0001/v1.0.0/sops/pay/forms/refund.txt""#),
        "{page}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path(KEPT_FORM)).unwrap(),
        "APPROVED FORM\n",
        "{stderr}"
    );
    // The later form is on no page, so it is not published at all.
    assert!(!repo.path("site/files/sops/pay/forms/refund.txt").exists());
    assert!(
        stderr.contains("`sops/pay/forms/refund.txt` changed after SOP-0001 v1.0.0 was released: the page links the copy released with it; release SOP-0001 again to publish the new one"),
        "{stderr}"
    );
    let archived = std::fs::read_to_string(repo.path("site/sops/SOP-0001/v1.0.0.html")).unwrap();
    assert!(
        archived
            .contains(r#"href="../../files/@releases/SOP-0001/v1.0.0/sops/pay/forms/refund.txt""#),
        "{archived}"
    );
}

#[test]
fn each_release_links_its_own_form() {
    let repo = form_edited_after_release();
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0");
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: New form");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    let (page, stderr) = publish(&repo);
    // The version in force links the form as committed now, under `files/`.
    assert!(
        page.expect("a page")
            .contains(r#"href="../files/sops/pay/forms/refund.txt""#),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path("site/files/sops/pay/forms/refund.txt")).unwrap(),
        "LATER FORM\n"
    );
    // The archived v1.0.0 keeps the form it was approved with, as expected: no note.
    assert_eq!(
        std::fs::read_to_string(repo.path(KEPT_FORM)).unwrap(),
        "APPROVED FORM\n"
    );
    assert!(!stderr.contains("changed after"), "{stderr}");
}

#[test]
fn a_file_deleted_after_the_release_is_taken_off_the_site() {
    let repo = form_edited_after_release();
    // A later release, then the file deleted (it held personal data).
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0");
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: Newer");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    repo.git(&["rm", "-q", "sops/pay/forms/refund.txt"]);
    repo.commit("the form held personal data");
    let (page, stderr) = publish(&repo);
    assert!(!page.expect("a page").contains("refund.txt"), "{stderr}");
    let archived = std::fs::read_to_string(repo.path("site/sops/SOP-0001/v1.0.0.html")).unwrap();
    assert!(!archived.contains("refund.txt"), "{archived}");
    assert!(!repo.path(KEPT_FORM).exists());
    assert!(!repo.path("site/files/@releases").exists());
    assert!(!repo.path("site/files/sops/pay/forms/refund.txt").exists());
    assert!(
        stderr.contains("`sops/pay/forms/refund.txt` was deleted after SOP-0001 v1.1.0 was released, so it is off the site and the page shows its link as plain text; release SOP-0001 again without the link"),
        "{stderr}"
    );
}

#[test]
fn a_form_released_with_a_later_version_gives_no_note_for_the_earlier_one() {
    let repo = released_with_form(None);
    repo.write("sops/pay/forms/refund.txt", "FORM\n");
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0");
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: With its form");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    let (page, stderr) = publish(&repo);
    assert!(
        page.expect("a page")
            .contains(r#"href="../files/sops/pay/forms/refund.txt""#)
    );
    assert!(!stderr.contains("refund.txt"), "{stderr}");
}

#[test]
fn a_file_never_committed_is_left_to_lint_not_to_a_release() {
    let repo = released_with_form(None);
    repo.write("sops/pay/forms/refund.txt", "NOT COMMITTED\n");
    let (page, stderr) = publish(&repo);
    assert!(!page.expect("a page").contains("refund.txt"));
    // Releasing again would not commit the form: no such advice.
    assert!(!stderr.contains("release SOP-0001 again"), "{stderr}");
}

#[test]
fn a_release_page_resolves_its_links_in_the_release_alone() {
    let repo = released_with_form(Some("APPROVED FORM\n"));
    // MkDocs resolves a link from the page's own folder first.
    repo.write("sop.toml", "[links]\nstyle = \"mkdocs\"\n");
    // A stray file of the working copy where the page's folder would be.
    repo.write("sops/pay/SOP-0001-refunds/forms/refund.txt", "STRAY\n");
    let (page, stderr) = publish(&repo);
    assert!(
        page.expect("a page")
            .contains(r#"href="../files/sops/pay/forms/refund.txt""#),
        "{stderr}"
    );
}

#[test]
fn a_large_drawing_in_a_release_is_left_out() {
    let repo = SopRepo::new();
    let text =
        sop_text("SOP-0001", "Refunds", "procedure", "approved") + "\n![The flow](flow.svg)\n";
    repo.write(PATH, &text);
    let big = format!("<svg>{}</svg>", " ".repeat(5_100_000));
    repo.write("sops/pay/flow.svg", &big);
    repo.commit("SOP-0001 v1.0.0: First approved refunds");
    repo.git(&["tag", "-a", TAG, "-m", APPROVED]);
    repo.write("sops/pay/flow.svg", "<svg></svg>");
    repo.commit("a smaller drawing, not released");
    let (page, stderr) = publish(&repo);
    let page = page.expect("a page");
    assert!(!page.contains("data:image/svg+xml"), "{stderr}");
    assert!(!page.contains("flow.svg"), "{stderr}");
}

#[test]
fn a_large_file_changed_in_each_release_is_named_once() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[site]\nattachment_warn_size = \"1 KB\"\n");
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        + "\nFill in [the refund form](forms/big.pdf).\n";
    for minor in 0..3 {
        repo.write(
            PATH,
            &text.replace("version: 1.0.0", &format!("version: 1.{minor}.0")),
        );
        repo.write("sops/pay/forms/big.pdf", &format!("{minor}").repeat(5000));
        repo.commit(&format!("SOP-0001 v1.{minor}.0: Form {minor}"));
        repo.git(&[
            "tag",
            "-a",
            &format!("SOP-0001/v1.{minor}.0"),
            "-m",
            APPROVED,
        ]);
    }
    let (_, stderr) = publish(&repo);
    assert_eq!(
        stderr.matches("`sops/pay/forms/big.pdf` is 5.0 KB").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_repository_folder_named_like_the_releases_copies_keeps_its_own_file() {
    let repo = form_edited_after_release();
    let theirs = "@releases/SOP-0001/v1.0.0/sops/pay/forms/refund.txt";
    repo.write(theirs, "THEIR FILE\n");
    let text = sop_text("SOP-0002", "Chargebacks", "procedure", "approved")
        + &format!("\nSee [their file](../../{theirs}).\n");
    repo.write("sops/pay/SOP-0002-chargebacks.md", &text);
    repo.commit("another SOP and a strange folder");
    let (_, stderr) = publish(&repo);
    assert_eq!(
        std::fs::read_to_string(repo.path(KEPT_FORM)).unwrap(),
        "THEIR FILE\n",
        "{stderr}"
    );
    assert!(
        stderr.contains("the copy of `sops/pay/forms/refund.txt` a release links is not published: the repository's own `@releases/SOP-0001/v1.0.0/sops/pay/forms/refund.txt` takes its place on the site"),
        "{stderr}"
    );
}

#[test]
fn a_form_committed_after_the_release_waits_for_the_next_one() {
    let repo = released_with_form(None);
    repo.write("sops/pay/forms/refund.txt", "LATER FORM\n");
    repo.commit("the form, forgotten at the release");
    let (page, stderr) = publish(&repo);
    let page = page.expect("a page");
    assert!(!page.contains("refund.txt"), "{page}");
    assert!(
        stderr.contains("`sops/pay/forms/refund.txt` is not on the page of SOP-0001 v1.0.0: it was not committed when that version was released"),
        "{stderr}"
    );
    assert!(!repo.path("site/files/sops/pay/forms/refund.txt").exists());
}

#[test]
fn an_sop_whose_id_changed_after_its_release_is_not_published_as_approved() {
    let repo = released();
    // The id changed by hand, with an edit nobody approved, in one commit.
    let text = repo.read(PATH).replace("SOP-0001", "SOP-0009") + &format!("\n{EDIT}\n");
    repo.git(&["rm", "-q", PATH]);
    repo.write("sops/pay/SOP-0009-refunds.md", &text);
    repo.commit("renumber refunds");
    let (_, stderr) = publish(&repo);
    let page = std::fs::read_to_string(repo.path("site/sops/SOP-0009.html")).ok();
    assert!(page.is_none(), "{stderr}");
    assert!(
        stderr.contains("`SOP-0009` (`sops/pay/SOP-0009-refunds.md`) is not published: its file was released as another SOP (\"SOP-0001 v1.0.0: First approved refunds\") and its id changed since, so no release approves this text"),
        "{stderr}"
    );
}

#[test]
fn an_sop_added_as_another_is_deleted_is_an_sop_of_its_own() {
    let repo = released();
    // One commit deletes SOP-0001 and adds SOP-0002 from the same template: git pairs them.
    repo.git(&["rm", "-q", PATH]);
    repo.write(
        "sops/pay/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "approved"),
    );
    repo.commit("replace refunds by chargebacks");
    let (_, stderr) = publish(&repo);
    assert!(repo.path("site/sops/SOP-0002.html").is_file(), "{stderr}");
    assert!(!stderr.contains("released as another SOP"), "{stderr}");
}

#[test]
fn a_copy_of_a_released_sop_under_a_new_id_is_an_sop_of_its_own() {
    let repo = released();
    // git follows copies too: the copy's history holds SOP-0001's release commit.
    let text = repo.read(PATH).replace("SOP-0001", "SOP-0002");
    repo.write("sops/pay/SOP-0002-refunds-for-gifts.md", &text);
    repo.commit("SOP-0002 from SOP-0001");
    let (_, stderr) = publish(&repo);
    assert!(repo.path("site/sops/SOP-0002.html").is_file(), "{stderr}");
    assert!(!stderr.contains("released as another SOP"), "{stderr}");
}

#[test]
fn a_release_rebased_over_a_recorded_review_keeps_counting() {
    let repo = released();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + "\nA clearer step.\n";
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: Clearer");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    // Meanwhile on main, a review recorded (only the review date changes).
    repo.git(&["checkout", "-q", "main"]);
    let reviewed = repo
        .read(PATH)
        .replacen("\n---\n", "\nlast_reviewed: 2026-12-03\n---\n", 1);
    repo.write(PATH, &reviewed);
    repo.commit("Review SOP-0001: annual check");
    repo.git(&["checkout", "-q", "feature"]);
    repo.git(&["rebase", "-q", "main"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--ff-only", "feature"]);
    let (page, stderr) = publish(&repo);
    assert!(
        page.expect("a page").contains("A clearer step."),
        "{stderr}"
    );
    assert!(!stderr.contains("not counted"), "{stderr}");
}

#[test]
fn a_release_tag_signed_again_keeps_its_approvals() {
    let repo = released();
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + "\nA clearer step.\n";
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: Clearer");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    // Annotated again, wrapping the tag (as `git tag -f -s X X` does).
    repo.git(&[
        "tag",
        "-f",
        "-a",
        "SOP-0001/v1.1.0",
        "-m",
        "signed again",
        "SOP-0001/v1.1.0",
    ]);
    let (page, stderr) = publish(&repo);
    assert!(
        page.expect("a page").contains("A clearer step."),
        "{stderr}"
    );
    assert!(!stderr.contains("not counted"), "{stderr}");
}

/// The row of `sop history SOP-0001` for `version`, and that of every other release.
fn history_rows(repo: &SopRepo, version: &str) -> (String, Vec<String>) {
    let (stdout, _) = run(repo, &["history", "SOP-0001"], 0);
    let rows: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains("  release  ") || l.contains("  tag  "))
        .map(str::to_string)
        .collect();
    let (mine, others): (Vec<String>, Vec<String>) = rows
        .into_iter()
        .partition(|l| l.contains(&format!("  {version}  ")));
    assert_eq!(mine.len(), 1, "{stdout}");
    (mine.concat(), others)
}

/// The releases of SOP-0001 in `sop history SOP-0001 --format json`, checked to be those of
/// `sop history --all --format json`.
fn history_json(repo: &SopRepo) -> Vec<serde_json::Value> {
    let (one, _) = run(repo, &["history", "SOP-0001", "--format", "json"], 0);
    let one: serde_json::Value = serde_json::from_str(&one).unwrap();
    let (all, _) = run(repo, &["history", "--all", "--format", "json"], 0);
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all[0]["releases"], one["releases"], "{all:#}");
    one["releases"].as_array().unwrap().clone()
}

/// The release tag of `version` among `releases`.
fn json_release<'r>(releases: &'r [serde_json::Value], version: &str) -> &'r serde_json::Value {
    releases
        .iter()
        .find(|r| r["version"] == version)
        .unwrap_or_else(|| panic!("{releases:#?}"))
}

/// The release SOP-0001 v1.0.0, which counts, shows as every release does: `release`, its
/// summary alone, and no `not_counted` in the JSON.
fn assert_counts(repo: &SopRepo, releases: &[serde_json::Value]) {
    let (row, _) = history_rows(repo, "1.0.0");
    assert!(
        row.contains("  release  1.0.0  ") && row.trim_end().ends_with("  First approved refunds"),
        "{row}"
    );
    let r = json_release(releases, "1.0.0");
    assert!(r.get("not_counted").is_none(), "{r:#}");
    let mut keys: Vec<&str> = r
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "approvals",
            "commit",
            "date",
            "summary",
            "tag",
            "tagger",
            "version"
        ],
        "{r:#}"
    );
}

#[test]
fn history_says_a_tag_of_another_version_than_its_text_does_not_count() {
    let repo = edited_after_approval();
    // Made by hand on a commit whose text says 1.0.0.
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v2.0.0",
        "-m",
        "Bumped by hand",
        "HEAD",
    ]);
    let reason = "the text it tags says version 1.0.0, not version 2.0.0";
    let (row, _) = history_rows(&repo, "2.0.0");
    assert!(
        row.contains("  tag      2.0.0  ")
            && row.ends_with(&format!("  Bumped by hand (not counted: {reason})")),
        "{row}"
    );
    let releases = history_json(&repo);
    assert_eq!(json_release(&releases, "2.0.0")["not_counted"], reason);
    assert_counts(&repo, &releases);
    // The words `sop publish` warns with.
    let (_, stderr) = publish(&repo);
    assert!(stderr.contains(reason), "{stderr}");
}

#[test]
fn history_says_a_moved_tag_does_not_count() {
    // Moved onto the edit, and onto a later commit that left the file as it was.
    let moves: [&[&str]; 2] = [&[], &["sops/pay/notes.txt"]];
    for more in moves {
        let repo = edited_after_approval();
        for file in more {
            repo.write(file, "unrelated\n");
            repo.commit("unrelated change");
        }
        repo.git(&["tag", "-f", "-a", TAG, "-m", "Moved", "HEAD"]);
        let reason = "the text it tags is not the text of its release commit \"SOP-0001 v1.0.0: First approved refunds\"";
        let (row, others) = history_rows(&repo, "1.0.0");
        assert!(
            row.contains("  tag      1.0.0  ")
                && row.ends_with(&format!("  Moved (not counted: {reason})")),
            "{more:?}: {row}"
        );
        assert!(others.is_empty(), "{others:?}");
        let releases = history_json(&repo);
        assert_eq!(
            json_release(&releases, "1.0.0")["not_counted"],
            reason,
            "{more:?}"
        );
        let (_, stderr) = publish(&repo);
        assert!(stderr.contains(reason), "{more:?}: {stderr}");
    }
}

#[test]
fn history_says_an_approved_tag_without_approver_does_not_count() {
    let repo = edited_after_approval();
    let raised = repo.read(PATH).replace("version: 1.0.0", "version: 1.0.1");
    repo.write(PATH, &raised);
    repo.commit("SOP-0001 v1.0.1: Tweak wording");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.1", "-m", "Tweak wording"]);
    let reason = "it records no approver, though its earlier releases do";
    let (row, _) = history_rows(&repo, "1.0.1");
    assert!(
        row.contains("  tag      1.0.1  ")
            && row.ends_with(&format!("  Tweak wording (not counted: {reason})")),
        "{row}"
    );
    let releases = history_json(&repo);
    assert_eq!(json_release(&releases, "1.0.1")["not_counted"], reason);
    assert_counts(&repo, &releases);
    let (_, stderr) = publish(&repo);
    assert!(stderr.contains(reason), "{stderr}");
}

/// The months of `sop stats`' releases per month, added up.
fn releases_counted(repo: &SopRepo) -> u64 {
    let (stdout, _) = run(repo, &["stats", "--format", "json"], 0);
    let stats: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    stats["releases_per_month"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(serde_json::Value::as_u64)
        .sum()
}

#[test]
fn a_tag_made_by_hand_beside_a_release_is_no_release_in_history_stats_or_diff() {
    // Made by hand on the release commit, whose text says 1.0.0: a lightweight tag, and an
    // annotated one with the approved release's message copied.
    let tags: [&[&str]; 2] = [
        &["tag", "SOP-0001/v9.9.9"],
        &["tag", "-a", "SOP-0001/v9.9.9", "-m", APPROVED],
    ];
    for args in tags {
        let repo = released();
        repo.git(args);
        let reason = "the text it tags says version 1.0.0, not version 9.9.9";
        let (stdout, _) = run(&repo, &["history", "SOP-0001"], 0);
        let row = stdout
            .lines()
            .find(|l| l.contains("  9.9.9  "))
            .unwrap_or_else(|| panic!("{stdout}"));
        assert!(
            row.contains("  tag      9.9.9  ")
                && row.ends_with(&format!("(not counted: {reason})")),
            "{args:?}: {stdout}"
        );
        // Only the release that counts shows its approval.
        assert_eq!(
            stdout.matches("approved by").count(),
            1,
            "{args:?}: {stdout}"
        );
        assert!(stdout.contains("1 release)"), "{args:?}: {stdout}");
        // `--all` marks it too, without the approval its message copies.
        let releases = history_json(&repo);
        let tag = json_release(&releases, "9.9.9");
        assert_eq!(tag["not_counted"], reason, "{args:?}");
        assert_eq!(tag["approvals"], serde_json::json!([]), "{args:?}");
        assert_counts(&repo, &releases);
        // `sop stats` counts one release; `sop diff` says the tag is none.
        assert_eq!(releases_counted(&repo), 1, "{args:?}");
        let (stdout, stderr) = run(&repo, &["diff", "SOP-0001", "9.9.9"], 0);
        assert!(
            stderr.contains(&format!(
                "tag `SOP-0001/v9.9.9` is not counted as a release of `SOP-0001`: {reason}"
            )),
            "{args:?}: {stderr}"
        );
        assert!(
            stdout.contains("9.9.9 (tag SOP-0001/v9.9.9), not counted as a release"),
            "{args:?}: {stdout}"
        );
        // The release that counts is compared without a word.
        let (_, stderr) = run(&repo, &["diff", "SOP-0001", "1.0.0"], 0);
        assert!(!stderr.contains("not counted"), "{stderr}");
        let (_, stderr) = publish(&repo);
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
}

#[test]
fn a_tag_made_by_hand_on_a_later_release_with_an_approved_message_is_no_release() {
    // 1.0.0 approved; 1.1.0 released for review; a tag 2.0.0 made by hand on 1.1.0's commit
    // with 1.0.0's approved message.
    let repo = released();
    let next = repo
        .read(PATH)
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("status: approved", "status: review")
        + &format!("\n{EDIT}\n");
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: For review");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "For review"]);
    repo.git(&["tag", "-a", "SOP-0001/v2.0.0", "-m", APPROVED]);
    let reason = "the text it tags says version 1.1.0, not version 2.0.0";
    let (stdout, _) = run(&repo, &["history", "SOP-0001"], 0);
    assert!(
        stdout.contains(&format!("(not counted: {reason})")),
        "{stdout}"
    );
    assert_eq!(stdout.matches("approved by").count(), 1, "{stdout}");
    let releases = history_json(&repo);
    assert_eq!(json_release(&releases, "2.0.0")["not_counted"], reason);
    assert_eq!(releases_counted(&repo), 2);
    let (_, stderr) = publish(&repo);
    assert!(stderr.contains(reason), "{stderr}");
}

#[test]
fn history_of_every_sop_marks_a_tag_above_the_working_copys_version() {
    // Nothing approved anywhere; a tag 1.1.0 made by hand, alone, on an edit whose text (and
    // the working copy) still says 1.0.0.
    let repo = SopRepo::new();
    repo.write(
        PATH,
        &sop_text("SOP-0001", "Refunds", "procedure", "review"),
    );
    repo.commit("SOP-0001 v1.0.0: First refunds");
    repo.git(&["tag", "-a", TAG, "-m", "First refunds"]);
    let edited = repo.read(PATH) + &format!("\n{EDIT}\n");
    repo.write(PATH, &edited);
    repo.commit("edit");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "Bumped by hand"]);
    let reason = "the text it tags says version 1.0.0, not version 1.1.0";
    // `--all` reads it, as `sop history SOP-0001` does.
    let releases = history_json(&repo);
    assert_eq!(json_release(&releases, "1.1.0")["not_counted"], reason);
    assert!(
        json_release(&releases, "1.0.0")
            .get("not_counted")
            .is_none()
    );
    assert_eq!(releases_counted(&repo), 1);
}

/// SOP-0001 released by `sop release --approve` (Lena Fischer, today): 1.0.0, then 1.1.0
/// when `twice`, each approved by the same person on the same day.
fn released_by_sop(twice: bool) -> SopRepo {
    let repo = SopRepo::new();
    repo.write(PATH, &sop_text("SOP-0001", "Refunds", "procedure", "draft"));
    repo.commit("Add");
    let release = |version: &str, message: &str| {
        run(
            &repo,
            &[
                "release",
                "SOP-0001",
                "--version",
                version,
                "-m",
                message,
                "--approve",
                "--approver",
                "Lena Fischer",
            ],
            0,
        );
    };
    release("1.0.0", "First");
    if twice {
        let edited = repo.read(PATH) + "\nA clearer step.\n";
        repo.write(PATH, &edited);
        repo.commit("clearer");
        release("1.1.0", "Clearer");
    }
    repo
}

/// An edit nobody approved, given version 1.1.0 by hand, tagged by hand with the message
/// (and so the approval) of the tag of 1.0.0.
fn approval_copied() -> SopRepo {
    let repo = released_by_sop(false);
    let edited =
        repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + &format!("\n{EDIT}\n");
    repo.write(PATH, &edited);
    repo.commit("risky change");
    let message = repo.git(&["tag", "-l", "--format=%(contents)", TAG]);
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", message.trim_end()]);
    repo
}

#[test]
fn a_tag_with_the_approval_of_another_release_copied_does_not_count() {
    let repo = approval_copied();
    let why = "it records the approval of release 1.0.0 (the same approvers, dates and meaning), but no release commit of version 1.1.0 records that approval";
    let (stdout, _) = run(&repo, &["history", "SOP-0001"], 0);
    assert!(
        stdout.contains(&format!("(not counted: {why})")),
        "{stdout}"
    );
    let (stdout, _) = run(&repo, &["history", "--all", "--format", "json"], 0);
    assert!(stdout.contains(why), "{stdout}");
    let (page, stderr) = publish(&repo);
    assert!(
        stderr.contains(&format!("tag `SOP-0001/v1.1.0` is not counted as an approved release of `SOP-0001`: {why} (a tag message copied by hand?); delete the tag (`git tag -d SOP-0001/v1.1.0`)")),
        "{stderr}"
    );
    let page = page.unwrap();
    assert!(!page.contains(EDIT), "{page}");
    // `sop diff` starts from the newest release that counts.
    let (stdout, stderr) = run(&repo, &["diff", "SOP-0001"], 0);
    assert!(
        stdout.contains("from  1.0.0 (tag SOP-0001/v1.0.0)"),
        "{stdout}"
    );
    assert!(stdout.contains(EDIT), "{stdout}");
    assert!(
        stderr.contains("this compares from 1.0.0, the newest release that counts"),
        "{stderr}"
    );
}

#[test]
fn two_releases_approved_by_the_same_person_on_the_same_day_both_count() {
    let repo = released_by_sop(true);
    let (stdout, _) = run(&repo, &["history", "SOP-0001", "--format", "json"], 0);
    assert!(!stdout.contains("not_counted"), "{stdout}");
    let (stdout, _) = run(&repo, &["history", "--all", "--format", "json"], 0);
    assert!(!stdout.contains("not_counted"), "{stdout}");
    let (page, stderr) = publish(&repo);
    assert!(!stderr.contains("not counted"), "{stderr}");
    assert!(page.unwrap().contains("A clearer step."));
}

#[test]
fn diff_says_a_moved_tag_does_not_count() {
    let repo = released_by_sop(false);
    let edited = repo.read(PATH) + &format!("\n{EDIT}\n");
    repo.write(PATH, &edited);
    repo.commit("risky change");
    let message = repo.git(&["tag", "-l", "--format=%(contents)", TAG]);
    repo.git(&["tag", "-f", "-a", TAG, "-m", message.trim_end()]);
    let why = "tag `SOP-0001/v1.0.0` is not counted as a release of `SOP-0001`: the text it tags is not the text of its release commit \"SOP-0001 v1.0.0: First\"";
    for args in [
        &["diff", "SOP-0001"][..],
        &["diff", "SOP-0001", "1.0.0", "HEAD~1"],
    ] {
        let (stdout, stderr) = run(&repo, args, 0);
        assert!(stderr.contains(why), "{args:?}: {stderr}");
        assert!(
            stdout.contains("from  1.0.0 (tag SOP-0001/v1.0.0), not counted as a release"),
            "{args:?}: {stdout}"
        );
    }
}

/// As [`diff_says_a_moved_tag_does_not_count`], for an SOP whose file was renamed and moved to
/// another folder since its release: the release commit's text is read where the file was then.
#[test]
fn diff_says_a_moved_tag_does_not_count_after_a_rename() {
    const RENAMED: &str = "sops/billing/SOP-0001-refund-requests.md";
    let repo = released_by_sop(false);
    std::fs::create_dir_all(repo.path("sops/billing")).unwrap();
    repo.git(&["mv", PATH, RENAMED]);
    repo.commit("Move refunds to billing");
    let edited = repo.read(RENAMED) + &format!("\n{EDIT}\n");
    repo.write(RENAMED, &edited);
    repo.commit("risky change");
    let message = repo.git(&["tag", "-l", "--format=%(contents)", TAG]);
    repo.git(&["tag", "-f", "-a", TAG, "-m", message.trim_end()]);
    let why = "tag `SOP-0001/v1.0.0` is not counted as a release of `SOP-0001`: the text it tags is not the text of its release commit \"SOP-0001 v1.0.0: First\"";
    // `sop history` and `sop publish` follow the file to the release commit.
    let (history, _) = run(&repo, &["history", "SOP-0001", "--format", "json"], 0);
    assert!(
        history.contains("the text it tags is not the text of its release commit"),
        "{history}"
    );
    for args in [
        &["diff", "SOP-0001"][..],
        &["diff", "SOP-0001", "1.0.0", "HEAD~1"],
        &["diff", "SOP-0001", "SOP-0001/v1.0.0", "worktree"],
    ] {
        let (stdout, stderr) = run(&repo, args, 0);
        assert!(stderr.contains(why), "{args:?}: {stderr}");
        assert!(
            stdout.contains("not counted as a release"),
            "{args:?}: {stdout}"
        );
    }
    let (stdout, _) = run(&repo, &["diff", "SOP-0001"], 0);
    assert!(
        stdout.contains("from  1.0.0 (tag SOP-0001/v1.0.0), not counted as a release"),
        "{stdout}"
    );
}

/// An SOP named as `toml` (a `sop.toml`) lets: `id` at `path`, released as 1.0.0 by `sop
/// release --approve`, then another file committed, then its file renamed to `renamed` (a name
/// `sop` cannot tell its id from alone, or a new slug).
fn released_then_renamed(toml: &str, id: &str, path: &str, renamed: &str) -> SopRepo {
    let repo = SopRepo::new();
    repo.write("sop.toml", toml);
    repo.write(path, &sop_text(id, "Refunds", "procedure", "draft"));
    repo.commit("Add");
    run(
        &repo,
        &[
            "release",
            id,
            "--version",
            "1.0.0",
            "-m",
            "First",
            "--approve",
            "--approver",
            "Lena Fischer",
        ],
        0,
    );
    repo.write("notes.txt", "Unrelated.\n");
    repo.commit("Notes");
    repo.git(&["mv", path, renamed]);
    repo.commit("Rename");
    repo
}

/// SOPs whose file names need not start with their id, or whose ids are of the repository's own
/// form: (sop.toml, id, path at the release, path after a rename).
const NAMED_OTHERWISE: [(&str, &str, &str, &str); 2] = [
    (
        "[sops]\nfile_names = \"any\"\n",
        "SOP-0001",
        "sops/pay/refunds.md",
        "sops/pay/refund-requests.md",
    ),
    (
        "[sops]\nid_pattern = \"GDI-SOP(\\\\d{4})\"\n",
        "GDI-SOP0001",
        "sops/pay/GDI-SOP0001-refunds.md",
        "sops/pay/GDI-SOP0001-refund-requests.md",
    ),
];

/// As [`diff_says_a_moved_tag_does_not_count_after_a_rename`], for a file renamed to a name
/// that does not start with the SOP's id, or an id of the repository's own form: the release
/// commit's file is found as `sop history` finds it, following the rename.
#[test]
fn diff_says_a_moved_tag_does_not_count_after_any_rename() {
    for (toml, id, path, renamed) in NAMED_OTHERWISE {
        let repo = released_then_renamed(toml, id, path, renamed);
        let edited = repo.read(renamed) + &format!("\n{EDIT}\n");
        repo.write(renamed, &edited);
        repo.commit("risky change");
        let tag = format!("{id}/v1.0.0");
        let message = repo.git(&["tag", "-l", "--format=%(contents)", &tag]);
        repo.git(&["tag", "-f", "-a", &tag, "-m", message.trim_end()]);
        let why = format!(
            "tag `{tag}` is not counted as a release of `{id}`: the text it tags is not the text of its release commit \"{id} v1.0.0: First\""
        );
        let (history, _) = run(&repo, &["history", id, "--format", "json"], 0);
        assert!(
            history.contains("the text it tags is not the text of its release commit"),
            "{history}"
        );
        for args in [
            &["diff", id][..],
            &["diff", id, "1.0.0", "HEAD~3"],
            &["diff", id, &tag, "worktree"],
        ] {
            let (stdout, stderr) = run(&repo, args, 0);
            assert!(stderr.contains(&why), "{args:?}: {stderr}");
            assert!(
                stdout.contains("not counted as a release\nto "),
                "{args:?}: {stdout}"
            );
        }
        let (stdout, _) = run(&repo, &["diff", id], 0);
        assert!(
            stdout.contains(&format!(
                "from  1.0.0 (tag {tag}), not counted as a release"
            )),
            "{stdout}"
        );
        // The release commit's own text, read where the file was then: the edit is the change.
        for before in ["HEAD~2", "HEAD~3"] {
            let (stdout, _) = run(&repo, &["diff", id, "1.0.0", before], 0);
            assert!(stdout.contains(&format!("- {EDIT}")), "{before}: {stdout}");
        }
    }
}

/// A file renamed after its release, to a name that does not start with its id (or an id of
/// the repository's own form): `sop diff` compares from that release, whose file it finds
/// where `sop history` does.
#[test]
fn diff_finds_a_release_renamed_since_to_any_name() {
    for (toml, id, path, renamed) in NAMED_OTHERWISE {
        let repo = released_then_renamed(toml, id, path, renamed);
        let tag = format!("{id}/v1.0.0");
        for args in [
            &["diff", id][..],
            &["diff", id, "1.0.0", "HEAD"],
            &["diff", id, "HEAD~1", "HEAD"],
        ] {
            let (stdout, stderr) = run(&repo, args, 0);
            assert_eq!(stderr, "", "{args:?}");
            assert!(stdout.ends_with("\nno changes\n"), "{args:?}: {stdout}");
        }
        let (stdout, _) = run(&repo, &["diff", id], 0);
        assert!(
            stdout.contains(&format!("from  1.0.0 (tag {tag})\nto    work tree")),
            "{stdout}"
        );
        // Its first commit, before the release.
        let (stdout, _) = run(&repo, &["diff", id, "HEAD~3", "HEAD"], 0);
        assert!(stdout.contains("draft → approved"), "{stdout}");
    }
}

/// An empty commit whose subject reads like the release commit's, on top of a tag moved by hand
/// onto an edit: it changes nothing of the SOP's file, so it is no release commit (as in `sop
/// history`), and the tag is judged against the real one.
#[test]
fn diff_takes_no_empty_commit_for_the_release_commit() {
    let repo = released_by_sop(false);
    let edited = repo.read(PATH) + &format!("\n{EDIT}\n");
    repo.write(PATH, &edited);
    repo.commit("risky change");
    let message = repo.git(&["tag", "-l", "--format=%(contents)", TAG]);
    repo.git(&["tag", "-f", "-a", TAG, "-m", message.trim_end()]);
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "SOP-0001 v1.0.0: First",
    ]);
    let why = "tag `SOP-0001/v1.0.0` is not counted as a release of `SOP-0001`: the text it tags is not the text of its release commit \"SOP-0001 v1.0.0: First\"";
    let (history, _) = run(&repo, &["history", "SOP-0001", "--format", "json"], 0);
    assert!(
        history.contains("the text it tags is not the text of its release commit"),
        "{history}"
    );
    for args in [
        &["diff", "SOP-0001"][..],
        &["diff", "SOP-0001", "1.0.0", "HEAD~3"],
    ] {
        let (stdout, stderr) = run(&repo, args, 0);
        assert!(stderr.contains(why), "{args:?}: {stderr}");
        assert!(
            stdout.contains("from  1.0.0 (tag SOP-0001/v1.0.0), not counted as a release"),
            "{args:?}: {stdout}"
        );
    }
}

#[test]
fn a_lower_version_tagged_on_a_later_commit_does_not_count_anywhere() {
    let repo = released_by_sop(false);
    let edited = repo.read(PATH) + &format!("\n{EDIT}\n");
    repo.write(PATH, &edited);
    repo.commit("risky change");
    repo.git(&["tag", "-a", "SOP-0000/v0.9.0", "-m", "unrelated"]);
    repo.git(&["tag", "-a", "SOP-0001/v0.9.0", "-m", "quick fix"]);
    let why = "the text it tags says version 1.0.0, not version 0.9.0";
    let (one, _) = run(&repo, &["history", "SOP-0001", "--format", "json"], 0);
    let (all, _) = run(&repo, &["history", "--all", "--format", "json"], 0);
    for out in [&one, &all] {
        assert!(out.contains(why), "{out}");
        let json: serde_json::Value = serde_json::from_str(out).unwrap();
        let h = if json.is_array() { &json[0] } else { &json };
        let kinds: Vec<&str> = h["commits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["tag", "release", "commit"], "{out}");
    }
    let (stdout, _) = run(&repo, &["stats", "--format", "json"], 0);
    let stats: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let counted: u64 = stats["releases_per_month"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counted, 1, "{stdout}");
}

/// The warning on a release commit rewritten after its approval: says so and asks for a new
/// release, never to move the tag onto the rewritten commit.
fn assert_rewritten(repo: &SopRepo, subject: &str, unapproved: &str) {
    let (page, stderr) = publish(repo);
    assert!(
        stderr.contains(&format!("tag `SOP-0001/v1.1.0` is not counted as a release of `SOP-0001`: its release commit \"{subject}\" here is not the commit the tag was made on, and its text is not the approved text the tag holds: that commit was rewritten after the approval (a rebase, an amend or a cherry-pick); the tag was not moved: leave it where it is")),
        "{stderr}"
    );
    assert!(
        stderr.contains("release it again with `sop release SOP-0001 --patch"),
        "{stderr}"
    );
    assert!(!stderr.contains("move it back"), "{stderr}");
    assert!(!page.expect("a page").contains(unapproved));
    let (row, _) = history_rows(repo, "1.1.0");
    assert!(
        row.contains("that commit was rewritten after the approval"),
        "{row}"
    );
}

/// SOP-0001 v1.1.0 released on branch `pr` as `sop release --approve` leaves it.
fn released_on_a_branch() -> SopRepo {
    let repo = released();
    repo.git(&["checkout", "-q", "-b", "pr"]);
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + "\nA clearer step.\n";
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: Clearer");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    repo
}

#[test]
fn a_release_rebased_over_another_change_is_not_called_a_moved_tag() {
    let repo = released_on_a_branch();
    // Meanwhile on main, another change to the same SOP; then "Rebase and merge".
    repo.git(&["checkout", "-q", "main"]);
    let other = repo
        .read(PATH)
        .replace("The scope of this SOP.", "A note nobody approved.");
    repo.write(PATH, &other);
    repo.commit("Another note");
    repo.git(&["checkout", "-q", "pr"]);
    repo.git(&["rebase", "-q", "main"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--ff-only", "pr"]);
    assert_rewritten(&repo, "SOP-0001 v1.1.0: Clearer", "A note nobody approved.");
}

#[test]
fn a_release_commit_amended_after_the_approval_is_not_called_a_moved_tag() {
    let repo = released_on_a_branch();
    let amended = repo.read(PATH) + "\nOne more word.\n";
    repo.write(PATH, &amended);
    repo.git(&["commit", "-q", "-a", "--amend", "--no-edit"]);
    assert_rewritten(&repo, "SOP-0001 v1.1.0: Clearer", "One more word.");
}

/// A translation of a version whose rewritten release commit was released again says why that
/// version's tag does not count: publish gives no warning of its own for the tag any more.
#[test]
fn a_translation_of_a_rewritten_release_released_again_says_why_it_is_left_out() {
    let repo = released_on_a_branch();
    let amended = repo.read(PATH) + "\nOne more word.\n";
    repo.write(PATH, &amended);
    repo.git(&["commit", "-q", "-a", "--amend", "--no-edit"]);
    run(
        &repo,
        &[
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "Approved again",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ],
        0,
    );
    let es = sop_text("SOP-0001", "Reembolsos", "procedure", "approved").replace(
        "version: 1.0.0\n",
        "version: 1.0.0\nlanguage: es\ntranslation_of: SOP-0001@1.1.0\n",
    );
    repo.write(&PATH.replace(".md", ".es.md"), &es);
    repo.commit("Spanish translation");
    let (_, stderr) = publish(&repo);
    assert!(!stderr.contains("as the warning above says"), "{stderr}");
    assert!(
        stderr.contains("it translates version 1.1.0 of `SOP-0001`, whose tag `SOP-0001/v1.1.0` does not count as a release: the tag is not on its release commit \"SOP-0001 v1.1.0: Clearer\" here, which was rewritten after the approval; version 1.1.1, released since, replaces it (the site shows its approved version 1.1.1): translate an approved version"),
        "{stderr}"
    );
}

#[test]
fn a_rewritten_release_released_again_is_no_longer_a_warning() {
    let repo = released_on_a_branch();
    let amended = repo.read(PATH) + "\nOne more word.\n";
    repo.write(PATH, &amended);
    repo.git(&["commit", "-q", "-a", "--amend", "--no-edit"]);
    // What the warning asks: the amended text, reviewed, released again.
    run(
        &repo,
        &[
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "Approved again",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ],
        0,
    );
    let (page, stderr) = publish(&repo);
    assert!(!stderr.contains("SOP-0001/v1.1.0"), "{stderr}");
    assert!(!stderr.contains("release it again"), "{stderr}");
    let page = page.expect("a page");
    assert!(
        page.contains("One more word."),
        "the re-released text is shown"
    );
    // History still says, once, that the old tag does not count, and what replaced it.
    let (row, _) = history_rows(&repo, "1.1.0");
    assert!(row.contains("  tag  "), "{row}");
    assert!(
        row.contains("not counted: the tag is not on its release commit \"SOP-0001 v1.1.0: Clearer\" here, which was rewritten after the approval; version 1.1.1, released since, replaces it"),
        "{row}"
    );
    assert!(!row.contains("release it again"), "{row}");
    let releases = history_json(&repo);
    let old = json_release(&releases, "1.1.0");
    assert!(
        old["not_counted"]
            .as_str()
            .unwrap()
            .contains("version 1.1.1, released since, replaces it"),
        "{old}"
    );
    // Lint has nothing to say about it either.
    run(&repo, &["lint"], 0);
}

#[test]
fn a_partial_clone_is_refused_not_published_empty() {
    let origin = released();
    origin.git(&["config", "uploadpack.allowFilter", "true"]);
    origin.git(&["config", "uploadpack.allowAnySHA1InWant", "true"]);
    // Work on the next version started: the released text is only in an older commit.
    let next = origin
        .read(PATH)
        .replace("status: approved", "status: draft")
        + "\nNext.\n";
    origin.write(PATH, &next);
    origin.commit("Start the next revision");
    let clone = clone_of(&origin, &["--filter=blob:none"]);
    let partial = "this clone is a partial clone of `origin` (made with `--filter`): it lacks the contents of older files, which git fetches only on demand and sop cannot read";
    let help =
        "`git fetch --refetch --no-filter origin && git config --unset remote.origin.promisor`";
    let (_, stderr) = run(&clone, &["publish", "--out", "site"], 2);
    assert!(
        stderr.contains(&format!(
            "{partial}, so the approved releases cannot be read and nothing was published"
        )) && stderr.contains(help),
        "{stderr}"
    );
    assert!(!clone.path("site").exists());
    for args in [
        &["history", "SOP-0001"][..],
        &["diff", "SOP-0001", "1.0.0", "HEAD"],
    ] {
        let (_, stderr) = run(&clone, args, 2);
        assert!(
            stderr.contains(partial) && stderr.contains(help),
            "{args:?}: {stderr}"
        );
    }
    // What the help says makes it a full clone.
    clone.git(&["fetch", "-q", "--refetch", "--no-filter", "origin"]);
    clone.git(&["config", "--unset", "remote.origin.promisor"]);
    let (page, stderr) = publish(&clone);
    assert!(page.is_some(), "{stderr}");
}

#[test]
fn publish_and_history_name_the_release_tag_that_is_not_here() {
    let repo = released();
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + "\nA clearer step.\n";
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: Clearer");
    // Pushed with a plain `git push`: the commit is here, its tag is not.
    let missing = "its release commit \"SOP-0001 v1.1.0: Clearer\" is here, but its tag `SOP-0001/v1.1.0` is not (it was not pushed, or not fetched): push it from the clone that made the release (`git push origin SOP-0001/v1.1.0`, or `git push --tags`), or fetch it here (`git fetch --tags`)";
    let (page, stderr) = publish(&repo);
    assert!(!page.expect("a page").contains("A clearer step."));
    assert!(
        stderr.contains(&format!(
            "`SOP-0001`: version 1.1.0 is not published: {missing}"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("not released as approved"), "{stderr}");
    let (_, stderr) = run(&repo, &["history", "SOP-0001"], 0);
    assert!(
        stderr.contains(&format!(
            "version 1.1.0 of `SOP-0001` is missing below: {missing}"
        )),
        "{stderr}"
    );
    // Once the tag is here, nothing is missing.
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    let (_, stderr) = run(&repo, &["history", "SOP-0001"], 0);
    assert!(!stderr.contains("missing"), "{stderr}");
}
