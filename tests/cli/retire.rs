//! Retiring an SOP as the help says: `status: retired` with `superseded_by` (or
//! `retired_reason`), then `sop release`. The release keeps `retired`, with or without
//! `--approve`; the site shows the SOP as retired; `sop history` lists the retirement; and an SOP
//! that names a successor but is not retired is flagged.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{SopRepo, sop_text};

const OLD: &str = "sops/payments/SOP-0001-refunds.md";
const NEW: &str = "sops/payments/SOP-0002-refund-policy.md";
const LENA: &str = "Lena Fischer <lena@example.com>";

/// SOP-0001 and SOP-0002, both released 1.0.0 as approved by Lena Fischer.
fn two_released() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        OLD,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .write(
        NEW,
        &sop_text("SOP-0002", "Refund policy", "policy", "approved")
            .replace("review_every:", "supersedes: [SOP-0001]\nreview_every:"),
    )
    .commit("Add SOPs");
    for id in ["SOP-0001", "SOP-0002"] {
        repo.sop()
            .args(["release", id, "--version", "1.0.0", "-m", "First approved"])
            .args(["--approve", "--approver", LENA])
            .assert()
            .success();
    }
    repo
}

/// Set SOP-0001 to `status: retired` with `extra` (a `superseded_by` or `retired_reason` line)
/// and commit it.
fn retire(repo: &SopRepo, extra: &str) {
    let text = repo
        .read(OLD)
        .replace("status: approved", "status: retired")
        .replace("review_every:", &format!("{extra}review_every:"));
    repo.write(OLD, &text).commit("Retire SOP-0001");
}

/// The published page of SOP-0001.
fn published_page(repo: &SopRepo) -> String {
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    std::fs::read_to_string(repo.path("site/sops/SOP-0001.html")).unwrap()
}

/// The page says the SOP is retired, not in force, and shows the retirement release.
fn assert_page_retired(page: &str) {
    assert!(
        page.contains("Retired: this SOP is no longer in force."),
        "{page}"
    );
    assert!(page.contains("status-retired"), "{page}");
    assert!(!page.contains("A revision"), "{page}");
    assert!(!page.contains("stays in force"), "{page}");
    assert!(page.contains("1.0.1"), "{page}");
}

/// The release of SOP-0001 `version` in `sop history --format json`.
fn history_release(repo: &SopRepo, version: &str) -> Value {
    let out = repo
        .sop()
        .args(["history", "SOP-0001", "--format", "json"])
        .assert()
        .success();
    let h: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    h["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == version)
        .unwrap_or_else(|| panic!("no release {version}: {h:#}"))
        .clone()
}

#[test]
fn release_of_a_retired_sop_keeps_it_retired_and_the_site_shows_it_retired() {
    let repo = two_released();
    retire(&repo, "superseded_by: SOP-0002\n");
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "Retired, superseded by SOP-0002",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Released SOP-0001 1.0.0 → 1.0.1 (retired)",
        ))
        .stderr(predicate::str::contains("shows SOP-0001 as retired"))
        .stderr(predicate::str::contains("keeps showing").not());
    let text = repo.read(OLD);
    assert!(text.contains("status: retired\n"), "{text}");
    assert!(text.contains("superseded_by: SOP-0002\n"), "{text}");
    // No one approved this retirement: the approval of 1.0.0 does not carry over.
    assert!(text.contains("approvers: []\n"), "{text}");
    assert!(text.contains("version: 1.0.1\n"), "{text}");
    assert_eq!(repo.git(&["show", &format!("SOP-0001/v1.0.1:{OLD}")]), text);
    repo.sop().arg("lint").assert().success();

    let page = published_page(&repo);
    assert_page_retired(&page);
    assert!(page.contains("href=\"../sops/SOP-0002.html\""), "{page}");

    let release = history_release(&repo, "1.0.1");
    assert_eq!(release["summary"], "Retired, superseded by SOP-0002");
    assert_eq!(release["approvals"], serde_json::json!([]));
    repo.sop()
        .args(["history", "SOP-0001"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(r"release\s+1\.0\.1\s.*Retired, superseded by SOP-0002")
                .unwrap(),
        );
}

#[test]
fn an_approved_retirement_stays_retired_and_records_who_approved_it() {
    let repo = two_released();
    retire(&repo, "retired_reason: Refunds moved to the app\n");
    repo.sop()
        .args(["release", "SOP-0001", "--patch", "-m", "Retired"])
        .args(["--approve", "--approver", LENA])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1.0.0 → 1.0.1 (retired: the retirement is approved)",
        ))
        .stdout(predicate::str::contains("approved   Lena Fischer"));
    let text = repo.read(OLD);
    assert!(text.contains("status: retired\n"), "{text}");
    assert!(text.contains("approvers: [Lena Fischer]\n"), "{text}");
    let tag = repo.git(&["tag", "-l", "--format=%(contents)", "SOP-0001/v1.0.1"]);
    assert!(
        tag.contains("Approved-by: Lena Fischer <lena@example.com>"),
        "{tag}"
    );
    // What Lena approved is the retirement, not the SOP's use.
    assert!(
        tag.contains("Approval-meaning: approved for retirement"),
        "{tag}"
    );
    repo.sop().arg("lint").assert().success();

    let page = published_page(&repo);
    assert_page_retired(&page);
    assert!(page.contains("Refunds moved to the app"), "{page}");
    assert!(page.contains("· approved for retirement"), "{page}");

    let release = history_release(&repo, "1.0.1");
    assert_eq!(release["summary"], "Retired");
    assert_eq!(release["approvals"][0]["name"], "Lena Fischer");
    assert_eq!(
        release["approvals"][0]["meaning"],
        "approved for retirement"
    );
    // The release before it was approved for use.
    assert_eq!(
        history_release(&repo, "1.0.0")["approvals"][0]["meaning"],
        "approved for use"
    );
}

#[test]
fn a_retirement_that_names_no_successor_nor_reason_is_refused() {
    let repo = two_released();
    retire(&repo, "");
    let before = repo.git(&["rev-parse", "HEAD"]);
    for extra in [&[][..], &["--allow-lint-errors"][..]] {
        repo.sop()
            .args(["release", "SOP-0001", "--patch", "-m", "Retired"])
            .args(extra)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "says `status: retired` but names neither the SOP that replaces it nor why it was retired",
            ))
            .stderr(predicate::str::contains("superseded_by: <id of the SOP that replaces it>"));
    }
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), before);
    assert_eq!(repo.git(&["tag", "-l", "SOP-0001/v1.0.1"]), "");
    assert!(repo.read(OLD).contains("status: retired\n"));
}

#[test]
fn superseded_by_on_an_approved_sop_is_flagged_and_blocks_its_approval() {
    let repo = two_released();
    let text = repo
        .read(OLD)
        .replace("review_every:", "superseded_by: SOP-0002\nreview_every:");
    repo.write(OLD, &text).commit("Name the successor");
    repo.sop()
        .args(["lint"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[superseded-not-retired]: this SOP says `SOP-0002` replaces it, but its status is `approved`, not `retired`",
        ))
        .stdout(predicate::str::contains(
            "set `status: retired` and release it: `sop release SOP-0001 --patch -m \"Retired, superseded by SOP-0002\"`",
        ));
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "Approved after review",
        ])
        .args(["--approve", "--approver", LENA])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("[superseded-not-retired]"));
}

#[test]
fn a_retirement_says_when_its_successor_is_not_on_the_site_yet() {
    let repo = two_released();
    repo.write(
        "sops/payments/SOP-0003-refund-rules.md",
        &sop_text("SOP-0003", "Refund rules", "procedure", "draft"),
    )
    .commit("Draft SOP-0003");
    retire(&repo, "superseded_by: SOP-0003\n");
    repo.sop()
        .args(["release", "SOP-0001", "--patch", "-m", "Retired"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "it points readers to SOP-0003 once SOP-0003 is approved and released (it is not yet)",
        ));
}

/// A retirement approved to take effect later: `sop release` says the site shows the SOP as
/// retired from that date, and the version in force until then, not that it is retired now;
/// an approved version taking effect later says the same of itself.
#[test]
fn a_retirement_approved_in_advance_says_when_the_site_shows_it() {
    let repo = two_released();
    retire(&repo, "retired_reason: Replaced by the refund policy\n");
    repo.sop()
        .args(["release", "SOP-0001", "--minor", "-m", "Retired"])
        .args(["--approve", "--approver", LENA, "--effective", "2027-01-31"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: from 2027-01-31 the published site shows SOP-0001 as retired, no longer in force; until then readers see the version in force today",
        ));
    let text = repo
        .read(NEW)
        .replace("## Purpose", "## Purpose\n\nNew words.");
    repo.write(NEW, &text).commit("Edit SOP-0002");
    repo.sop()
        .args(["release", "SOP-0002", "--major", "-m", "Second"])
        .args(["--approve", "--approver", LENA, "--effective", "2027-01-31"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: SOP-0002 2.0.0 takes effect on 2027-01-31: until then readers of the published site see the version in force today, with a notice of when this one takes effect\n",
        ));
}
