//! A property test over random sequences of edits, commits, releases with and without
//! approval, reviews and publishes: after every publish, the current page of the SOP shows
//! the text of its last approved release (or nothing, before the first), and every release's
//! recorded approvers are exactly those given to it.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::Value;

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";
const PEOPLE: &[&str] = &["Lena Fischer", "Omar Haddad", "Kim Park <kim@example.com>"];

#[derive(Debug, Clone)]
enum Step {
    /// Put a new marker word in the Purpose section (not committed).
    Edit,
    /// `git commit -am`.
    Commit,
    /// `sop release --patch`, approved by these people (none: not approved).
    Release(Vec<usize>),
    /// `sop review`.
    Review,
    /// `sop publish`, then check the page.
    Publish,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Edit),
        2 => Just(Step::Commit),
        2 => Just(Step::Release(Vec::new())),
        3 => proptest::collection::vec(0..PEOPLE.len(), 1..3).prop_map(Step::Release),
        1 => Just(Step::Review),
        3 => Just(Step::Publish),
    ]
}

/// The marker word in `text`.
fn marker(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .find(|w| w.starts_with("marker-"))
        .map(str::to_string)
}

fn run(steps: &[Step]) -> Result<(), TestCaseError> {
    let repo = SopRepo::new();
    let base = sop_text("SOP-0001", "Refunds", "procedure", "draft")
        .replace("The purpose of this SOP.", "Purpose marker-0 here.");
    repo.write(SOP, &base).commit("Draft");
    let mut next_marker = 1;
    // The marker of the last approved release, and the approvers given to each version.
    let mut approved: Option<String> = None;
    let mut given: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Edit => {
                let text = repo.read(SOP);
                let old = marker(&text).unwrap_or_default();
                repo.write(SOP, &text.replace(&old, &format!("marker-{next_marker}")));
                next_marker += 1;
            }
            Step::Commit => {
                repo.git(&["add", "-A"]);
                repo.git(&["commit", "-q", "--allow-empty", "-m", "Edit"]);
            }
            Step::Release(who) => {
                let mut args: Vec<String> = ["release", "SOP-0001", "--patch", "-m", "Step"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                if !who.is_empty() {
                    args.push("--approve".into());
                    for &p in who {
                        args.push("--approver".into());
                        args.push(PEOPLE[p].into());
                    }
                }
                let out = repo.sop().args(&args).output().unwrap();
                prop_assert!(
                    out.status.success(),
                    "step {i} {step:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let text = repo.read(SOP);
                let version = text
                    .lines()
                    .find_map(|l| l.strip_prefix("version: "))
                    .unwrap_or_default()
                    .to_string();
                let names: Vec<String> = who
                    .iter()
                    .map(|&p| PEOPLE[p].split(" <").next().unwrap_or_default().to_string())
                    .collect();
                if !who.is_empty() {
                    approved = marker(&text);
                }
                given.insert(version, names);
            }
            Step::Review => {
                let out = repo.sop().args(["review", "SOP-0001"]).output().unwrap();
                // A review is done or refused with a reason; never a crash.
                prop_assert!(
                    matches!(out.status.code(), Some(0 | 1)),
                    "step {i}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Step::Publish => {
                let out = repo
                    .sop()
                    .args(["publish", "--out", "site"])
                    .output()
                    .unwrap();
                prop_assert!(
                    out.status.success(),
                    "step {i}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let page = std::fs::read_to_string(repo.path("site/sops/SOP-0001.html")).ok();
                match (&approved, page) {
                    (None, page) => prop_assert!(
                        page.is_none(),
                        "step {i}: an SOP never approved was published"
                    ),
                    (Some(want), Some(page)) => {
                        let shown = marker(&page);
                        prop_assert_eq!(
                            shown.as_deref(),
                            Some(want.as_str()),
                            "step {} shows other text than the last approved release",
                            i
                        );
                    }
                    (Some(_), None) => {
                        prop_assert!(false, "step {i}: the approved SOP is not published");
                    }
                }
            }
        }
    }
    // Every release's recorded approvers are those given to it.
    let out = repo
        .sop()
        .args(["history", "SOP-0001", "--format", "json"])
        .output()
        .unwrap();
    if given.is_empty() {
        return Ok(());
    }
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in h["releases"].as_array().unwrap() {
        let version = r["version"].as_str().unwrap();
        let names: Vec<String> = r["approvals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        prop_assert_eq!(Some(&names), given.get(version), "release {}", version);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 20, ..ProptestConfig::default() })]

    #[test]
    fn published_text_is_always_the_last_approved_release(
        steps in proptest::collection::vec(step(), 4..12)
    ) {
        run(&steps)?;
    }
}
