//! Adopting `sop` on documentation a team already has: the five repositories in
//! `tests/fixtures/adopt/` (GitHub-rendered runbooks, an MkDocs site, a Hugo site, a tech-docs
//! site, a formal SOP set) are committed by several authors, then, each with its own short
//! `sop.toml`:
//! - `sop lint` finds no broken link, broken anchor or unknown key, and every finding left is
//!   listed in a snapshot (each one true of the fixture's text); a broken link and anchor
//!   added in the team's own style are still found;
//! - `sop adopt` then `sop publish` leaves no error, gives a page for every document, keeps
//!   every link and breaks none; a second `sop adopt` changes nothing;
//! - `sop due` reads the team's own review dates (tech-docs);
//! - `sop lint --fix --dry-run` writes nothing and `sop lint --fix` changes no front-matter key,
//!   heading or word.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::publish::{broken_links, tree};
use crate::support::{SopRepo, sop_text};

/// "Today" for every run here: some tech-docs pages are overdue by their own review dates.
const TODAY: &str = "2026-11-30";

/// Who committed the fixture, and when: each document is committed by one of them.
const COMMITS: &[(&str, &str, &str)] = &[
    (
        "Amara Okafor",
        "amara@example.com",
        "2025-03-10T09:15:00+00:00",
    ),
    (
        "Jonas Berg",
        "jonas@example.com",
        "2025-08-22T14:40:00+02:00",
    ),
    ("Mei Chen", "mei@example.com", "2026-02-14T11:05:00+08:00"),
];

/// Findings that must never come from a fixture: every link, anchor and key in them is right.
const NEVER: &[&str] = &["link-broken", "anchor-broken", "key-unknown"];

/// The fixture's folder in the source tree.
fn fixture_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/adopt")
        .join(name)
}

/// Every file of the fixture (relative path, `/`-separated → bytes).
fn fixture_files(name: &str) -> BTreeMap<String, Vec<u8>> {
    tree(&fixture_dir(name))
}

/// Whether `rel` is one of the team's documents rather than its configuration.
fn is_document(rel: &str) -> bool {
    rel.ends_with(".md") || rel.ends_with(".md.erb")
}

/// Run git in `repo` as `author` at `date`.
fn git_as(repo: &SopRepo, (name, email, date): (&str, &str, &str), args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(repo.root())
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.root())
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fixture as a git repository: the team's configuration and every third document by the
/// first author, the other documents by the second and third, in three commits.
fn fixture_repo(name: &str) -> SopRepo {
    let repo = SopRepo::new();
    let files = fixture_files(name);
    let documents: Vec<&String> = files.keys().filter(|p| is_document(p)).collect();
    for (round, who) in COMMITS.iter().enumerate() {
        for (rel, bytes) in &files {
            let index = documents.iter().position(|d| *d == rel);
            let mine = match index {
                Some(i) => i % COMMITS.len() == round,
                None => round == 0,
            };
            if mine {
                repo.write_bytes(rel, bytes);
            }
        }
        git_as(&repo, *who, &["add", "-A"]);
        git_as(
            &repo,
            *who,
            &[
                "commit",
                "-q",
                "-m",
                &format!("docs: import part {}", round + 1),
            ],
        );
    }
    repo
}

/// `sop` in `repo` with this file's fixed today.
fn sop(repo: &SopRepo) -> assert_cmd::Command {
    let mut cmd = repo.sop();
    cmd.env("SOP_TODAY", TODAY);
    cmd
}

/// Run `sop lint --format json` and return its findings (whatever the exit code).
fn lint(repo: &SopRepo) -> Vec<Value> {
    let out = sop(repo)
        .args(["lint", "--format", "json"])
        .output()
        .expect("run sop lint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "sop lint failed to run (exit {:?}):\n{stderr}",
        out.status.code()
    );
    match serde_json::from_str::<Value>(&stdout) {
        Ok(Value::Array(findings)) => findings,
        other => panic!("sop lint did not print a JSON array ({other:?}):\n{stdout}\n{stderr}"),
    }
}

/// One line per finding, `rule file:line message`, in file and line order.
fn listing(findings: &[Value]) -> String {
    let mut lines: Vec<(String, u64, String)> = findings
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or_default().to_string();
            let line = f["line"].as_u64().unwrap_or_default();
            let text = format!(
                "{} {file}:{line} {}",
                f["rule"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            );
            (file, line, text)
        })
        .collect();
    lines.sort();
    let mut out = String::new();
    for (_, _, text) in lines {
        out.push_str(&text);
        out.push('\n');
    }
    out
}

/// (a) lint with the team's `sop.toml`: no false link, anchor or key finding; the rest in a
/// snapshot.
fn lint_finds_only_true_problems(name: &str) {
    let repo = fixture_repo(name);
    let findings = lint(&repo);
    let false_ones: Vec<&Value> = findings
        .iter()
        .filter(|f| NEVER.contains(&f["rule"].as_str().unwrap_or_default()))
        .collect();
    assert!(
        false_ones.is_empty(),
        "{name}: findings that are not true of the fixture:\n{}",
        listing(&false_ones.into_iter().cloned().collect::<Vec<_>>())
    );
    insta::assert_snapshot!(format!("lint_{name}"), listing(&findings));
}

/// Each SOP page of `site` by the title it shows (`<h1 id="Sop-title">`).
fn pages_by_title(site: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes).into_owned();
        if !html.contains("<body class=\"page-sop\"") {
            continue;
        }
        let marker = "<h1 id=\"Sop-title\">";
        let start = html
            .find(marker)
            .unwrap_or_else(|| panic!("{path}: an SOP page without its title"));
        let rest = &html[start + marker.len()..];
        let end = rest.find('<').unwrap_or(rest.len());
        let title = rest[..end].trim().replace("&amp;", "&");
        assert!(
            pages.insert(title.clone(), html).is_none(),
            "two SOP pages are titled `{title}`"
        );
    }
    pages
}

/// A document's title as the team wrote it: its front matter's `title`, else its first H1.
fn source_title(text: &str) -> String {
    let mut lines = text.lines();
    if text.starts_with("---\n") {
        lines.next();
        for line in lines.by_ref() {
            if line == "---" {
                break;
            }
            if let Some(title) = line.strip_prefix("title:") {
                return title.trim().trim_matches('"').to_string();
            }
        }
    }
    lines
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or_else(|| panic!("no title in:\n{text}"))
        .trim()
        .to_string()
}

fn is_external(target: &str) -> bool {
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|scheme| target.starts_with(scheme))
}

/// How many links to pages of the site or anchors a document's Markdown has: every inline
/// `[text](target)` that is not a web or e-mail address.
fn source_links(text: &str) -> usize {
    text.match_indices("](")
        .filter(|(i, _)| {
            let target = &text[i + 2..];
            !is_external(target)
        })
        .count()
}

/// How many links to pages of the site or anchors the body of an SOP page has (heading
/// permalinks left out).
fn page_links(html: &str) -> usize {
    let start = html
        .find("<div class=\"sop-body")
        .expect("an SOP page has a body");
    let body = &html[start..];
    let body = &body[..body
        .find("<section class=\"history\"")
        .unwrap_or(body.len())];
    body.match_indices("<a ")
        .filter(|(i, _)| {
            let tag = &body[*i..body[*i..].find('>').map_or(body.len(), |e| i + e)];
            let href = tag.split("href=\"").nth(1).unwrap_or_default();
            !tag.contains("class=\"anchor\"") && !href.is_empty() && !is_external(href)
        })
        .count()
}

/// (b) `sop adopt --status approved --approver ...`, commit, lint: the only errors left are the
/// true leftovers each fixture has on purpose (a `TODO` in an approved SOP); publish: a page per
/// document with its title, no broken link; a second `sop adopt` changes nothing.
fn adopt_then_publish_gives_every_page(name: &str, titles: &[&str]) {
    let repo = fixture_repo(name);
    sop(&repo)
        .args([
            "adopt",
            "--status",
            "approved",
            "--owner-from",
            "git",
            "--approver",
            "Dana Whitfield",
        ])
        .assert()
        .success();
    git_as(&repo, COMMITS[0], &["add", "-A"]);
    git_as(
        &repo,
        COMMITS[0],
        &["commit", "-q", "-m", "docs: adopt sop"],
    );

    sop(&repo).args(["adopt"]).assert().success();
    let status = repo.git(&["status", "--porcelain"]);
    assert!(
        status.is_empty(),
        "{name}: a second `sop adopt` changed files:\n{status}"
    );

    let errors: Vec<Value> = lint(&repo)
        .into_iter()
        .filter(|f| f["severity"] == "error" && f["rule"] != "placeholder-left")
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: errors after `sop adopt`:\n{}",
        listing(&errors)
    );

    sop(&repo)
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let site = tree(&repo.path("public"));
    let pages = pages_by_title(&site);
    let mut expected: Vec<String> = titles.iter().map(|t| (*t).to_string()).collect();
    expected.sort();
    let published: Vec<String> = pages.keys().cloned().collect();
    assert_eq!(published, expected, "{name}: the published SOP pages");
    // No link that resolves is turned into plain text.
    for (rel, bytes) in fixture_files(name).iter().filter(|(p, _)| is_document(p)) {
        let text = String::from_utf8_lossy(bytes);
        let Some(html) = pages.get(&source_title(&text)) else {
            continue;
        };
        assert_eq!(
            page_links(html),
            source_links(&text),
            "{name}: `{rel}`'s page does not have a link for every link of the document"
        );
    }
    let problems = broken_links(&site);
    assert!(
        problems.is_empty(),
        "{name}: broken links on the site:\n{}",
        problems.join("\n")
    );
}

/// What `--fix` must leave alone in a document: its front-matter keys, its headings and its
/// words, in order (numbers, spaces and punctuation may change).
#[derive(Debug, PartialEq, Eq)]
struct Meaning {
    keys: Vec<String>,
    headings: Vec<String>,
    words: Vec<String>,
}

fn meaning(text: &str) -> Meaning {
    let mut keys = Vec::new();
    let mut headings = Vec::new();
    let mut lines = text.lines().peekable();
    if lines.peek() == Some(&"---") {
        lines.next();
        for line in lines.by_ref() {
            if line == "---" {
                break;
            }
            if let Some((key, _)) = line.split_once(':')
                && !key.starts_with([' ', '-', '#'])
            {
                keys.push(key.to_string());
            }
        }
    }
    let mut in_code = false;
    for line in lines {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            headings.push(line.trim_end().to_string());
        }
    }
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    Meaning {
        keys,
        headings,
        words,
    }
}

/// (d) `sop lint --fix --dry-run` writes nothing, and `sop lint --fix` over the team's
/// documents changes no key, heading or word.
fn fix_changes_no_key_heading_or_word(name: &str) {
    let repo = fixture_repo(name);
    let before = fixture_files(name);
    let out = sop(&repo)
        .args(["lint", "--fix", "--dry-run"])
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "sop lint --fix --dry-run failed to run:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (rel, bytes) in &before {
        assert!(
            repo.read(rel).as_bytes() == bytes.as_slice(),
            "{name}: `sop lint --fix --dry-run` wrote to `{rel}`"
        );
    }
    let out = sop(&repo).args(["lint", "--fix"]).output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "sop lint --fix failed to run:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut changed = Vec::new();
    for (rel, bytes) in before.iter().filter(|(p, _)| is_document(p)) {
        let old = meaning(&String::from_utf8_lossy(bytes));
        let new = meaning(&repo.read(rel));
        if old != new {
            changed.push(format!("{rel}:\n  before {old:?}\n  after  {new:?}"));
        }
    }
    assert!(
        changed.is_empty(),
        "{name}: `sop lint --fix` changed keys, headings or words:\n{}",
        changed.join("\n")
    );
}

const GITHUB_TITLES: &[&str] = &[
    "Account lockout spike",
    "Creator payouts delayed",
    "Emergency takedown of a live stream",
    "On-call",
    "Paging policy",
    "Payments runbooks",
    "Shift handover",
    "Slow sign-in",
    "Trust and Safety runbooks",
    "User Service runbooks",
];

const MKDOCS_TITLES: &[&str] = &[
    "Escalation",
    "Handover",
    "On-call",
    "Password reset backlog",
    "Payments",
    "Refund failures",
    "Streamline Operations Handbook",
    "User Service",
];

const HUGO_TITLES: &[&str] = &[
    "Fail over stream ingest to the other region",
    "Incident severity",
    "Live chat is down",
    "Postmortems",
    "Purge the CDN",
];

const TECH_DOCS_TITLES: &[&str] = &[
    "Card payments declined",
    "Fraud score service down",
    "Handling card data",
    "Payment webhooks backing up",
    "Payout file rejected by the bank",
    "Reviewing this manual",
];

const FORMAL_TITLES: &[&str] = &[
    "Document Control",
    "Equipment Loans",
    "Live Event Go/No-Go",
    "Stream Key Rotation",
    "Studio Access",
];

macro_rules! fixture_tests {
    ($module:ident, $name:literal, $titles:expr) => {
        mod $module {
            #[test]
            fn lint_finds_only_true_problems() {
                super::lint_finds_only_true_problems($name);
            }

            #[test]
            fn adopt_then_publish_gives_every_page_and_link() {
                super::adopt_then_publish_gives_every_page($name, $titles);
            }

            #[test]
            fn fix_changes_no_key_heading_or_word() {
                super::fix_changes_no_key_heading_or_word($name);
            }
        }
    };
}

fixture_tests!(github_runbooks, "github-runbooks", super::GITHUB_TITLES);
fixture_tests!(mkdocs_site, "mkdocs-site", super::MKDOCS_TITLES);
fixture_tests!(hugo_site, "hugo-site", super::HUGO_TITLES);
fixture_tests!(tech_docs, "tech-docs", super::TECH_DOCS_TITLES);
fixture_tests!(formal_sops, "formal-sops", super::FORMAL_TITLES);

/// (c) `sop due` reads the tech-docs team's `last_reviewed_on` + `review_in` once adopted.
#[test]
fn due_reads_the_teams_own_review_dates() {
    let repo = fixture_repo("tech-docs");
    sop(&repo)
        .args(["adopt", "--status", "approved"])
        .assert()
        .success();
    git_as(&repo, COMMITS[0], &["add", "-A"]);
    git_as(
        &repo,
        COMMITS[0],
        &["commit", "-q", "-m", "docs: adopt sop"],
    );
    let out = sop(&repo)
        .args(["due", "--format", "json", "--within", "30 days"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["today"], TODAY);
    let reviews: Vec<(String, String, String)> = v["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or_default().to_string(),
                r["next_review"].as_str().unwrap_or_default().to_string(),
                r["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = [
        // last_reviewed_on 2025-06-01, review_in 6 months
        (
            "source/runbooks/card-declines.html.md.erb",
            "2025-12-01",
            "overdue",
        ),
        // 2025-01-10, 12 months
        (
            "source/runbooks/fraud-score-down.html.md.erb",
            "2026-01-10",
            "overdue",
        ),
        // 2025-10-01, 6 months
        (
            "source/standards/manual-reviews.html.md.erb",
            "2026-04-01",
            "overdue",
        ),
        // 2026-06-20, 6 months: due in 20 days
        (
            "source/runbooks/payout-file-rejected.html.md.erb",
            "2026-12-20",
            "due-soon",
        ),
    ]
    .map(|(p, d, s)| (p.to_string(), d.to_string(), s.to_string()));
    assert_eq!(reviews, expected);
}

#[test]
fn meaning_sees_keys_headings_and_words_but_not_numbering() {
    let a = meaning("---\nowner_slack: \"#x\"\nweight: 1\n---\n# T\n\n1. one\n1. two\n");
    let b = meaning("---\nowner_slack: \"#x\"\nweight: 1\n---\n# T\n\n1. one\n2. two\n");
    assert_eq!(a, b);
    let renamed = meaning("---\nowner: \"#x\"\nweight: 1\n---\n# T\n\n1. one\n1. two\n");
    assert_ne!(a, renamed);
    let heading = meaning("---\nowner_slack: \"#x\"\nweight: 1\n---\n# U\n\n1. one\n1. two\n");
    assert_ne!(a, heading);
    assert_eq!(a.keys, ["owner_slack", "weight"]);
    assert_eq!(a.headings, ["# T"]);
}

#[test]
fn every_fixture_is_committed_document_by_document_by_three_authors() {
    let repo = fixture_repo("formal-sops");
    let authors = repo.git(&["log", "--format=%an %ad", "--date=short"]);
    assert_eq!(
        authors,
        "Mei Chen 2026-02-14\nJonas Berg 2025-08-22\nAmara Okafor 2025-03-10\n"
    );
    for (rel, bytes) in fixture_files("formal-sops") {
        assert_eq!(repo.read(&rel).as_bytes(), bytes.as_slice(), "{rel}");
    }
}

/// A link to a page that does not exist and an anchor that does not exist, written in each
/// team's own link style, are still reported: the fixtures' links pass because they resolve,
/// not because their style switches the check off.
#[test]
fn broken_links_in_each_teams_style_are_still_found() {
    let cases = [
        (
            "github-runbooks",
            "runbooks/user-service/login-latency.md",
            "[refunds](../payments/refunds.md), [ladder](../on-call/paging-policy.md#escalation-matrix)",
        ),
        (
            "mkdocs-site",
            "docs/payments/refund-failures.md",
            "[chargebacks](../chargebacks/), [steps](../../on-call/escalation/#Steps)",
        ),
        (
            "hugo-site",
            "content/runbooks/chat-outage.md",
            "[encoder](/runbooks/encoder-restart/), [SEV-4](/policies/incident-severity/#sev-4)",
        ),
        (
            "tech-docs",
            "source/runbooks/webhook-backlog.html.md.erb",
            "[refunds](/runbooks/refund-backlog.html), [causes](card-declines.html#possible-cause)",
        ),
        (
            "formal-sops",
            "sops/STR-SOP0004-stream-key-rotation.md",
            "[vehicles](STR-SOP0009-vehicle-use.md), [records](STR-SOP0001-document-control.md#6-records)",
        ),
    ];
    for (name, rel, links) in cases {
        let repo = fixture_repo(name);
        let text = repo.read(rel);
        let line = text.lines().count() + 2;
        repo.write(rel, &format!("{text}\nSee {links}.\n"));
        let mut found: Vec<(String, u64)> = lint(&repo)
            .iter()
            .filter(|f| f["file"] == rel && NEVER.contains(&f["rule"].as_str().unwrap_or_default()))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    f["line"].as_u64().unwrap_or_default(),
                )
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("anchor-broken".to_string(), line as u64),
                ("link-broken".to_string(), line as u64)
            ],
            "{name}: {links}"
        );
    }
}

#[test]
fn page_links_and_titles_are_read_from_a_real_site() {
    let repo = SopRepo::new();
    let mut first = sop_text("SOP-0001", "Refund Requests", "checklist", "approved");
    first.push_str(
        "\nSee [payouts](SOP-0002-b.md#scope), [the purpose](#purpose), [the bank](https://bank.example.com) and <help@example.com>.\n\nThe [old form](SOP-0099-gone.md) is gone.\n",
    );
    repo.write("sops/p/SOP-0001-a.md", &first);
    repo.write(
        "sops/p/SOP-0002-b.md",
        &sop_text("SOP-0002", "Creator Payouts", "procedure", "approved"),
    );
    repo.commit("two SOPs");
    sop(&repo)
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let pages = pages_by_title(&tree(&repo.path("public")));
    let titles: Vec<&String> = pages.keys().collect();
    assert_eq!(titles, ["Creator Payouts", "Refund Requests"]);
    // The link to a missing SOP becomes plain text on the site: the count tells.
    assert_eq!(source_links(&first), 3);
    assert_eq!(page_links(&pages["Refund Requests"]), 2);
    assert_eq!(source_title(&first), "Refund Requests");
    assert_eq!(source_title("# Studio Access\n\ntext\n"), "Studio Access");
}
