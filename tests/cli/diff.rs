//! `sop diff`: front matter, then section by section, words marked.

use crate::support::SopRepo;

const PATH: &str = "sops/payments/SOP-0001-refunds.md";

const V1: &str = "---
id: SOP-0001
title: Refunds
type: procedure
status: approved
version: 1.0.0
owner: Amara Okafor
department: Payments
approvers: [Lena Fischer]
effective: 2026-03-01
review_every: 12 months
---

## Purpose

Refund virtual gifts bought by mistake within 48 hours.

## Scope

Covers gifts bought in the app.

## Procedure

1. **Check the case.** Open it in the case tool.
2. **Reply.** Use the refund macro.
3. **Close.** Tag the case `refund-done`.

## Escalation

Call the payments lead.
Then the duty manager.

## Metrics

Refunds per week.
";

fn v2(v1: &str) -> String {
    v1.replace("owner: Amara Okafor", "owner: Omar Haddad")
        .replace(
            "review_every: 12 months\n",
            "review_every: 6 months\ntags: [refunds]\n",
        )
        .replace("within 48 hours", "within 72 hours")
        .replace(
            "2. **Reply.** Use the refund macro.",
            "2. **Reply.** Use the new refund macro and link the policy.",
        )
        .replace("## Escalation\n", "## Escalation path\n")
        .replace(
            "## Metrics\n\nRefunds per week.\n",
            "## References\n\nThe refund policy.\n",
        )
        .replace("## Scope\n\nCovers gifts bought in the app.\n\n", "")
        + "\n## Scope\n\nCovers gifts bought in the app.\n"
}

fn two_versions() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(PATH, V1).commit("Add refunds");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First version"]);
    repo.write(PATH, &v2(V1));
    repo
}

fn stdout(repo: &SopRepo, args: &[&str]) -> String {
    let out = repo
        .sop()
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn diff_from_last_release_to_work_tree_reads_section_by_section() {
    let repo = two_versions();
    insta::assert_snapshot!(stdout(&repo, &["diff", "SOP-0001"]));
}

#[test]
fn diff_json_names_every_change() {
    let repo = two_versions();
    let text = stdout(&repo, &["diff", "SOP-0001", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["from"]["version"], "1.0.0");
    assert_eq!(v["to"]["label"], "work tree");
    let changes: Vec<(String, String)> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["heading"].as_str().unwrap().to_string(),
                s["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("Purpose", "changed"),
        ("Procedure", "changed"),
        ("Escalation path", "renamed"),
        ("References", "added"),
        ("Scope", "moved"),
        ("Metrics", "removed"),
    ];
    assert_eq!(
        changes,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let keys: Vec<&str> = v["front_matter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["owner", "review_every", "tags"]);
    assert_eq!(v["front_matter"][2]["old"], serde_json::Value::Null);
    // The word runs of a changed section join back to both texts.
    let words = v["sections"][0]["words"].as_array().unwrap();
    let side = |skip: &str| -> String {
        words
            .iter()
            .filter(|w| w["op"] != skip)
            .map(|w| w["text"].as_str().unwrap())
            .collect()
    };
    assert_eq!(
        side("insert"),
        "\nRefund virtual gifts bought by mistake within 48 hours.\n\n"
    );
    assert_eq!(
        side("delete"),
        "\nRefund virtual gifts bought by mistake within 72 hours.\n\n"
    );
}

#[test]
fn diff_between_two_released_versions() {
    let repo = two_versions();
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Longer refund window",
            // The hand-made versions restructure sections on purpose.
            "--allow-lint-errors",
        ])
        .assert()
        .success();
    let text = stdout(&repo, &["diff", "SOP-0001", "1.0.0", "1.1.0"]);
    assert!(text.contains("from  1.0.0 (tag SOP-0001/v1.0.0)"), "{text}");
    assert!(text.contains("to    1.1.0 (tag SOP-0001/v1.1.0)"), "{text}");
    assert!(text.contains("version:        1.0.0 → 1.1.0"), "{text}");
    let same = stdout(&repo, &["diff", "SOP-0001"]);
    assert!(same.ends_with("no changes\n"), "{same}");
}

#[test]
fn diff_of_a_version_never_released_is_a_usage_error() {
    let repo = two_versions();
    repo.sop()
        .args(["diff", "SOP-0001", "0.9.0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "version 0.9.0 of SOP-0001 was never released",
        ))
        .stderr(predicates::str::contains(
            "the released versions of SOP-0001 are 1.0.0",
        ));
}

/// A release made on a branch that was never merged (its tag kept) is not the last release of
/// the branch checked out: with no FROM, `sop diff` compares from the newest release this
/// branch has, as `sop history` and `sop publish` count them, and says why; on the other
/// branch, from its own release.
#[test]
fn default_from_is_the_newest_release_this_branch_has() {
    let repo = SopRepo::new();
    repo.write(PATH, V1).commit("Add refunds");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First version"]);
    repo.git(&["checkout", "-q", "-b", "experiment"]);
    let tried = V1
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("Use the refund macro.", "Skip the macro.");
    repo.write(PATH, &tried)
        .commit("SOP-0001 v1.1.0: Skip the macro");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "Skip the macro"]);
    repo.git(&["checkout", "-q", "main"]);

    let out = repo.sop().args(["diff", "SOP-0001"]).assert().success();
    let out = out.get_output();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains("from  1.0.0 (tag SOP-0001/v1.0.0)"),
        "{stdout}"
    );
    assert!(stdout.contains("no changes"), "{stdout}");
    assert!(
        stderr.contains(
            "release `SOP-0001/v1.1.0` of SOP-0001 was made on a commit this branch does not have"
        ) && stderr.contains("`sop diff SOP-0001 1.1.0`"),
        "{stderr}"
    );

    repo.git(&["checkout", "-q", "experiment"]);
    let out = repo.sop().args(["diff", "SOP-0001"]).assert().success();
    let out = out.get_output();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("from  1.1.0 (tag SOP-0001/v1.1.0)"),
        "{out:?}"
    );
    assert!(out.stderr.is_empty(), "{out:?}");
}
