//! Front matter the team already has: `[front_matter] aliases` and `allow`, review dates under
//! the team's keys, and `--fix` that applies only what cannot change what an SOP says.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::SopRepo;

/// The `sop.toml` of a team that writes its own keys (tech-docs style).
const TEAM_TOML: &str = r#"[front_matter]
aliases = { owner = "owner_slack", last_reviewed = "last_reviewed_on", review_every = "review_in" }
allow = ["weight", "layout"]

[types.alert]
sections = ["Summary", "Possible checks", "Resolution"]
paths = ["sops/alerts/**"]
"#;

/// An adopted runbook: the team's keys, its own `weight` and `layout`, a body with `extra`
/// appended after the sections.
fn runbook(id: &str, front: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: Restart the payments queue\nstatus: approved\nversion: 1.0.0\nowner_slack: \"#payments-oncall\"\ndepartment: Payments\napprovers: [Lena Ortiz]\neffective: 2025-01-10\nlast_reviewed_on: 2025-06-01\nreview_in: 6 months\nweight: 20\nlayout: runbook\n{front}---\n\n{body}"
    )
}

const GOOD_BODY: &str = "## Summary\n\nThe queue stops taking payments.\n\n## Possible checks\n\nLook at the dashboard.\n\n## Resolution\n\nRestart the worker.\n";

fn team_repo() -> SopRepo {
    let repo = SopRepo::new();
    repo.write("sop.toml", TEAM_TOML);
    repo
}

/// `sop lint --format json` findings as (rule, message, help).
fn findings(repo: &SopRepo, extra: &[&str]) -> Vec<Value> {
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn rules(found: &[Value]) -> Vec<&str> {
    found.iter().map(|f| f["rule"].as_str().unwrap()).collect()
}

#[test]
fn a_team_repository_lints_clean_with_its_own_keys() {
    let repo = team_repo();
    repo.write(
        "sops/alerts/SOP-0001-payments-queue.md",
        &runbook("SOP-0001", "", GOOD_BODY),
    );
    let found = findings(&repo, &[]);
    // The review is overdue by the team's own dates: 2025-06-01 + 6 months is long past.
    assert_eq!(rules(&found), ["review-overdue"], "{found:#?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("due on 2025-12-01"),
        "{found:#?}"
    );
    // Without the aliases and the allowed keys, the same file has four unknown keys.
    repo.write("sop.toml", "[types.alert]\nsections = [\"Summary\", \"Possible checks\", \"Resolution\"]\npaths = [\"sops/alerts/**\"]\n");
    let plain = findings(&repo, &[]);
    let unknown = rules(&plain)
        .iter()
        .filter(|r| **r == "key-unknown")
        .count();
    assert_eq!(unknown, 5, "{plain:#?}");
    assert!(rules(&plain).contains(&"key-missing"));
}

#[test]
fn messages_name_the_key_as_the_file_writes_it() {
    let repo = team_repo();
    let text = runbook("SOP-0001", "", GOOD_BODY)
        .replace(
            "owner_slack: \"#payments-oncall\"",
            "owner_slack: \"oncall@payments\"",
        )
        .replace("review_in: 6 months", "review_in: sometimes")
        .replace("last_reviewed_on: 2025-06-01", "last_reviewed_on: 2025-6-1");
    repo.write("sops/alerts/SOP-0001-payments-queue.md", &text);
    repo.write(
        "sops/alerts/SOP-0002-no-owner.md",
        &runbook("SOP-0002", "", GOOD_BODY).replace("owner_slack: \"#payments-oncall\"\n", ""),
    );
    let found = findings(&repo, &[]);
    let said = |rule: &str| -> String {
        found
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| format!("{} | {}", f["message"], f["help"]))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        said("email-invalid").contains("in `owner_slack`"),
        "{found:#?}"
    );
    assert!(
        said("review-every-invalid").contains("`review_in: sometimes` is not a period"),
        "{found:#?}"
    );
    assert!(
        said("review-date-invalid").contains("`last_reviewed_on: 2025-06-01`"),
        "{found:#?}"
    );
    let missing = said("key-missing");
    assert!(
        missing.contains("has no `owner_slack`") && missing.contains("`owner_slack: Sofia"),
        "{missing}"
    );
    assert!(!missing.contains("`owner`"), "{missing}");
}

#[test]
fn real_typos_are_still_found_with_aliases_and_allowed_keys_as_suggestions() {
    let repo = team_repo();
    repo.write(
        "sops/alerts/SOP-0001-payments-queue.md",
        &runbook(
            "SOP-0001",
            "wieght: 3\nlast_reviewd_on: 2025-07-01\ncover: true\ntgas: [queue]\n",
            GOOD_BODY,
        ),
    );
    let found = findings(&repo, &[]);
    let unknown: Vec<(&str, &str)> = found
        .iter()
        .filter(|f| f["rule"] == "key-unknown")
        .map(|f| (f["message"].as_str().unwrap(), f["help"].as_str().unwrap()))
        .collect();
    assert_eq!(unknown.len(), 4, "{found:#?}");
    assert!(unknown[0].0.contains("`wieght`") && unknown[0].1.contains("did you mean `weight`?"));
    assert!(
        unknown[1].0.contains("`last_reviewd_on`")
            && unknown[1].1.contains("did you mean `last_reviewed_on`?")
    );
    assert!(unknown[2].0.contains("`cover`") && unknown[2].1.contains("[front_matter] allow"));
    assert!(unknown[3].1.contains("did you mean `tags`?"));
    // A rename is a suggestion in JSON, marked as never applied by `--fix`; none is offered
    // where the file already has the key it would rename to.
    let fixes: Vec<&Value> = found
        .iter()
        .filter(|f| f["rule"] == "key-unknown" && f.get("fix").is_some())
        .map(|f| &f["fix"])
        .collect();
    assert_eq!(fixes.len(), 1, "{found:#?}");
    let fix = fixes[0];
    assert_eq!(fix["applicability"], "suggestion", "{fix:#?}");
    assert_eq!(fix["edits"][0]["replacement"], "tags");
    assert_eq!(fix["edits"][0]["line"], fix["edits"][0]["end_line"]);
    // In SARIF, the same rename is a proposed fix marked as a suggestion.
    let out = repo
        .sop()
        .args(["lint", "--format", "sarif"])
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sarif_fixes: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("fixes"))
        .collect();
    assert_eq!(sarif_fixes.len(), 1, "{log:#}");
    let f = &sarif_fixes[0][0];
    assert_eq!(f["properties"]["applicability"], "suggestion");
    assert_eq!(
        f["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "tags"
    );
}

/// A required key misspelt (`departmnet:`) is one slip: one finding, the unknown key's, with
/// the key it is most like; not also "no `department`" at the top of the block.
#[test]
fn a_misspelt_required_key_is_reported_once() {
    let repo = SopRepo::new();
    let text = crate::support::sop_text("SOP-0001", "Refunds", "checklist", "draft").replacen(
        "department:",
        "departmnet:",
        1,
    );
    assert!(text.contains("departmnet:"), "{text}");
    repo.write("sops/payments/SOP-0001-refunds.md", &text);
    let found = findings(&repo, &[]);
    assert_eq!(rules(&found), ["key-unknown"], "{found:#?}");
    assert!(
        found[0]["help"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `department`?"),
        "{found:#?}"
    );
    // Where the team made `key-unknown` a warning, the missing key is still an error: the SOP
    // cannot be released without its department.
    repo.write("sop.toml", "[lint.severity]\nkey-unknown = \"warning\"\n");
    let found = findings(&repo, &[]);
    assert_eq!(rules(&found), ["key-missing", "key-unknown"], "{found:#?}");
}

#[test]
fn a_key_written_twice_under_its_name_and_its_alias_is_a_finding() {
    let repo = team_repo();
    repo.write(
        "sops/alerts/SOP-0001-payments-queue.md",
        &runbook("SOP-0001", "owner: Sofia Marquez\n", GOOD_BODY),
    );
    let found = findings(&repo, &[]);
    let dup: Vec<&Value> = found
        .iter()
        .filter(|f| f["rule"] == "key-duplicate")
        .collect();
    assert_eq!(dup.len(), 1, "{found:#?}");
    assert!(
        dup[0]["message"]
            .as_str()
            .unwrap()
            .contains("`owner` and `owner_slack` are the same key here")
    );
    assert!(
        dup[0]["help"]
            .as_str()
            .unwrap()
            .contains("keep the `owner_slack:` line")
    );
}

#[test]
fn bad_aliases_are_configuration_errors_with_their_line() {
    let repo = SopRepo::new();
    repo.write(
        "sop.toml",
        "[sops]\ndir = \"sops\"\n\n[front_matter]\naliases = { ownr = \"owner_slack\" }\n",
    );
    let out = repo.sop().arg("lint").assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("sop.toml:5:"), "{err}");
    assert!(
        err.contains("`ownr`, which is not a front-matter key"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `owner = \"owner_slack\"`?"),
        "{err}"
    );
    repo.write(
        "sop.toml",
        "[front_matter]\naliases = { status = \"state\" }\n",
    );
    let out = repo.sop().arg("lint").assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("sop.toml:2:"), "{err}");
    assert!(
        err.contains("the key `status` cannot have another name"),
        "{err}"
    );
}

#[test]
fn due_reads_the_teams_own_review_dates() {
    let repo = team_repo();
    repo.write(
        "sops/alerts/SOP-0001-payments-queue.md",
        &runbook("SOP-0001", "", GOOD_BODY),
    );
    repo.write(
        "sops/alerts/SOP-0002-card-refunds.md",
        &runbook("SOP-0002", "", GOOD_BODY)
            .replace(
                "last_reviewed_on: 2025-06-01",
                "last_reviewed_on: 2026-10-01",
            )
            .replace("review_in: 6 months", "review_in: 1 year"),
    );
    repo.commit("adopt");
    let out = repo
        .sop()
        .args(["due", "--format", "json"])
        .env("SOP_TODAY", "2026-11-25")
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let reviews = v["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1, "{v:#}");
    assert_eq!(reviews[0]["id"], "SOP-0001");
    assert_eq!(reviews[0]["next_review"], "2025-12-01");
    assert_eq!(reviews[0]["days_late"], 359);
    assert_eq!(reviews[0]["owner"], "#payments-oncall");
    // A year after 2026-10-01 is far ahead; with a wide window it is listed as ok.
    let out = repo
        .sop()
        .args(["due", "--within", "2 years", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let second = &v["reviews"][1];
    assert_eq!(second["id"], "SOP-0002");
    assert_eq!(second["next_review"], "2027-10-01");
}

/// Adopted-style documents that invite every rename `--fix` used to make: a typo-like key, a
/// team's own key close to a known one, a status in capitals, a heading close to a required
/// section; and the safe fix (a missing final line break).
fn adopted_files() -> Vec<(&'static str, String)> {
    vec![
        (
            "sops/alerts/SOP-0001-payments-queue.md",
            runbook(
                "SOP-0001",
                "ownr: Ops\nreview_cycle: yearly\n",
                "## Summary\n\nThe queue stops.  \n\n## Possible Causes\n\nA full disk.\n\n## Resolution\n\nRestart it.",
            )
            .replace("status: approved", "status: Approved"),
        ),
        (
            "sops/alerts/SOP-0002-card-refunds.md",
            runbook(
                "SOP-0002",
                "tittle: Card refunds\ntgas: [refunds]\n",
                "## Sumary\n\nRefunds fail.\n\n## Possible checks\n\nThe bank's status page.\n\n## Resolution\n\nRetry the batch.",
            ),
        ),
    ]
}

/// The keys, headings and words of a file.
fn shape_of(text: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut lines = text.lines();
    let mut keys = Vec::new();
    if lines.next() == Some("---") {
        for l in lines.by_ref() {
            if l == "---" {
                break;
            }
            if let Some((k, _)) = l.split_once(':') {
                keys.push(k.to_string());
            }
        }
    }
    let headings = text
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let words = text.split_whitespace().map(str::to_string).collect();
    (keys, headings, words)
}

#[test]
fn fix_on_adopted_documents_changes_no_key_heading_or_word() {
    let repo = team_repo();
    for (path, text) in adopted_files() {
        repo.write(path, &text);
    }
    let before = findings(&repo, &[]);
    let suggested: BTreeSet<&str> = before
        .iter()
        .filter(|f| f["fix"]["applicability"] == "suggestion")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // Every kind of rename `--fix` once made is here, as a suggestion.
    assert_eq!(
        suggested,
        BTreeSet::from([
            "key-unknown",
            "section-heading-misspelled",
            "status-invalid"
        ]),
        "{before:#?}"
    );
    let out = repo.sop().args(["lint", "--fix"]).assert().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("added a line break at the end of the file"),
        "{err}"
    );
    assert!(err.contains("suggested changes are left for you"), "{err}");
    for (path, text) in adopted_files() {
        let after = repo.read(path);
        assert_eq!(shape_of(&after), shape_of(&text), "{path}");
        // The safe fix happened, and nothing else changed.
        assert_eq!(after, format!("{text}\n"), "{path}");
    }
    let remaining = findings(&repo, &[]);
    assert!(!rules(&remaining).contains(&"final-newline-missing"));
    assert_eq!(
        rules(&remaining)
            .iter()
            .filter(|r| **r == "key-unknown")
            .count(),
        4,
        "{remaining:#?}"
    );
}

#[test]
fn fix_dry_run_prints_the_diff_and_writes_nothing() {
    let repo = team_repo();
    for (path, text) in adopted_files() {
        repo.write(path, &text);
    }
    let out = repo
        .sop()
        .args(["lint", "--fix", "--dry-run"])
        .assert()
        .success();
    let diff = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("`--fix` would change 2 files"), "{err}");
    insta::assert_snapshot!(diff);
    for (path, text) in adopted_files() {
        assert_eq!(repo.read(path), text, "{path} was written");
    }
    repo.sop().args(["lint", "--dry-run"]).assert().code(2);
}

#[test]
fn a_key_written_with_capitals_is_one_finding_that_says_to_write_it_in_lower_case() {
    let repo = SopRepo::new();
    let path = "sops/general/SOP-0001-refunds.md";
    repo.write(
        path,
        &crate::support::sop_text("SOP-0001", "Refunds", "procedure", "draft")
            .replace("title: Refunds", "Title: Refunds"),
    );
    let out = repo
        .sop()
        .args(["lint", "--format", "json", path])
        .assert()
        .code(1);
    let found: Vec<Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let about_title: Vec<&Value> = found
        .iter()
        .filter(|f| f["message"].as_str().unwrap_or_default().contains("itle"))
        .collect();
    assert_eq!(about_title.len(), 1, "{found:#?}");
    assert_eq!(about_title[0]["rule"], "key-unknown");
    assert!(
        about_title[0]["help"]
            .as_str()
            .unwrap()
            .contains("write the key in lower case, `title:`"),
        "{about_title:?}"
    );
}
