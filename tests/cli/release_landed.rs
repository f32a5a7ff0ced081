//! A release made on a branch that was then squash-merged or rebased: its tag is on a commit
//! `HEAD` does not reach, and the commit of `main` that brought the same text is where it
//! landed, on the site's change list and in `sop history`.

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

const PATH: &str = "sops/pay/SOP-0001-refunds.md";
const SQUASH: &str = "Refunds v1.1.0 (#12)";
const EDIT: &str = "Edit after the merge";

/// `sop release SOP-0001 --version <version> --approve` on the current branch.
fn release(repo: &SopRepo, version: &str, summary: &str) {
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--version",
            version,
            "-m",
            summary,
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ])
        .assert()
        .success();
}

/// SOP-0001 v1.0.0 released on `main`, then v1.1.0 released on the branch `feature` (an edit
/// and its release commit); back on `main`.
fn released_on_a_branch() -> SopRepo {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "draft")
        .replace("version: 1.0.0", "version: 0.1.0");
    repo.write(PATH, &text).commit("Add refunds");
    release(&repo, "1.0.0", "First approved refunds");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let wider = repo.read(PATH).replace(
        "The scope of this SOP.",
        "The scope of this SOP, now wider.",
    );
    repo.write(PATH, &wider).commit("Widen the scope");
    release(&repo, "1.1.0", "Wider scope");
    repo.git(&["checkout", "-q", "main"]);
    repo
}

/// The branch squash-merged into `main` as one commit, [`SQUASH`].
fn squashed() -> SopRepo {
    let repo = released_on_a_branch();
    repo.git(&["merge", "-q", "--squash", "feature"]);
    repo.git(&["commit", "-q", "-m", SQUASH]);
    repo
}

/// `main` moved on, the branch rebased onto it and fast-forwarded: the tag stays on the commit
/// before the rebase.
fn rebased() -> SopRepo {
    let repo = released_on_a_branch();
    repo.write("README.md", "readme\n").commit("Readme");
    repo.git(&["checkout", "-q", "feature"]);
    repo.git(&["rebase", "-q", "main"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--ff-only", "feature"]);
    repo
}

/// The change list of the SOP's published page, from its title on.
fn changes(repo: &SopRepo) -> String {
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let page = repo.read("site/sops/SOP-0001.html");
    let (_, all) = page.split_once("All changes (").expect("a change list");
    all.to_string()
}

fn history_json(repo: &SopRepo) -> Value {
    let out = repo
        .sop()
        .args(["history", "SOP-0001", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    serde_json::from_slice(&out.stdout).expect("history prints JSON")
}

/// The table's rows as "what version" (`release 1.1.0`, `commit`), newest first.
fn table_rows(repo: &SopRepo) -> Vec<String> {
    let out = repo
        .sop()
        .args(["history", "SOP-0001"])
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .filter(|l| l.starts_with("20"))
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            match words.get(1) {
                Some(&"release") => format!("release {}", words.get(2).unwrap_or(&"")),
                Some(w) => (*w).to_string(),
                None => String::new(),
            }
        })
        .collect()
}

fn head(repo: &SopRepo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

/// The kind of `commit` in the JSON history, and the release that says it landed there.
fn kind_and_landed(h: &Value, commit: &str) -> (String, Option<String>) {
    let kind = h["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .find(|c| c["commit"] == commit)
        .map(|c| c["kind"].as_str().unwrap_or_default().to_string())
        .expect("the commit is in the history");
    let landed = h["releases"]
        .as_array()
        .expect("releases")
        .iter()
        .find(|r| r["landed"] == commit)
        .map(|r| r["version"].as_str().unwrap_or_default().to_string());
    (kind, landed)
}

#[test]
fn a_squash_merged_release_groups_the_squash_commit_under_it_on_the_page() {
    let repo = squashed();
    let all = changes(&repo);
    assert!(!all.contains("Not released yet"), "{all}");
    let v11 = all.find("Version 1.1.0").expect("a group for 1.1.0");
    let squash = all.find(SQUASH).expect("the squash commit is listed");
    let v10 = all.find("Version 1.0.0").expect("a group for 1.0.0");
    assert!(v11 < squash && squash < v10, "{all}");
}

#[test]
fn a_rebased_release_groups_its_rebased_commits_under_it_on_the_page() {
    let repo = rebased();
    let all = changes(&repo);
    assert!(!all.contains("Not released yet"), "{all}");
    let v11 = all.find("Version 1.1.0").expect("a group for 1.1.0");
    let edit = all.find("Widen the scope").expect("the edit is listed");
    let v10 = all.find("Version 1.0.0").expect("a group for 1.0.0");
    assert!(v11 < edit && edit < v10, "{all}");
}

#[test]
fn history_places_a_squash_merged_release_at_the_squash_commit() {
    let repo = squashed();
    assert_eq!(
        table_rows(&repo),
        ["release 1.1.0", "release 1.0.0", "commit"],
        "the squash commit shows as the release, newest first"
    );
    let h = history_json(&repo);
    assert_eq!(
        kind_and_landed(&h, &head(&repo)),
        ("release".to_string(), Some("1.1.0".to_string()))
    );
    let tag = repo.git(&["rev-parse", "SOP-0001/v1.1.0^{commit}"]);
    assert_eq!(h["releases"][0]["commit"], tag.trim(), "the tag is kept");
}

#[test]
fn history_places_a_rebased_release_at_the_rebased_release_commit() {
    let repo = rebased();
    assert_eq!(
        table_rows(&repo),
        // The rebased edit is newer than release 1.0.0 in the commit graph, whatever its
        // (pinned) date says.
        ["release 1.1.0", "commit", "release 1.0.0", "commit"],
        "the rebased release commit shows as the release, newest first"
    );
    let h = history_json(&repo);
    assert_eq!(
        kind_and_landed(&h, &head(&repo)),
        ("release".to_string(), Some("1.1.0".to_string()))
    );
}

#[test]
fn an_edit_after_the_squash_stays_unreleased() {
    let repo = squashed();
    let edited = repo.read(PATH).replace(
        "The metrics of this SOP.",
        "The metrics of this SOP, counted.",
    );
    repo.write(PATH, &edited).commit(EDIT);
    let all = changes(&repo);
    let pending = all.find("Not released yet").expect("a group for the edit");
    let edit = all.find(EDIT).expect("the edit is listed");
    let v11 = all.find("Version 1.1.0").expect("a group for 1.1.0");
    let squash = all.find(SQUASH).expect("the squash commit is listed");
    assert!(pending < edit && edit < v11 && v11 < squash, "{all}");
    let h = history_json(&repo);
    assert_eq!(
        kind_and_landed(&h, &head(&repo)),
        ("commit".to_string(), None)
    );
    let squash_commit = repo.git(&["rev-parse", "HEAD~1"]);
    assert_eq!(
        kind_and_landed(&h, squash_commit.trim()),
        ("release".to_string(), Some("1.1.0".to_string()))
    );
}
