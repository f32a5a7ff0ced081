//! What readers see (issue #10): published pages hold only text that was approved and
//! committed, a revision in progress is announced but never shown, previews are marked, and
//! each version says who approved it, when, and what the approval means.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::Value;

use crate::publish::{broken_links, tree};
use crate::support::{SopRepo, sop_text};

const PATH: &str = "sops/pay/SOP-0001-refunds.md";
const TAG: &str = "SOP-0001/v1.0.0";
const APPROVED: &str = "First approved refunds\n\nApproved-by: Lena Fischer <lena@example.com>\nApproved-on: 2026-11-30\nApproval-meaning: approved for use\n";

/// SOP-0001 v1.0.0 committed and released as approved, with an approval record.
fn released() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        PATH,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("SOP-0001 v1.0.0: first version");
    repo.git(&["tag", "-a", TAG, "-m", APPROVED]);
    repo
}

/// Publish into `site`: the files and stderr.
fn publish(repo: &SopRepo, args: &[&str]) -> (BTreeMap<String, Vec<u8>>, String) {
    let _ = std::fs::remove_dir_all(repo.path("site"));
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .args(args)
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    (tree(&repo.path("site")), stderr)
}

fn page(site: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        site.get(path)
            .unwrap_or_else(|| panic!("no page {path}"))
            .clone(),
    )
    .unwrap()
}

/// The rendered body of an SOP page.
fn body(html: &str) -> &str {
    let start = html.find("<div class=\"sop-body prose\">").expect("a body");
    let end = html[start..]
        .find("<section class=\"history\"")
        .expect("a history")
        + start;
    &html[start..end]
}

/// `text` rendered by `sop publish` on its own, outside git (where the file itself is shown).
fn rendered(text: &str) -> String {
    let alone = SopRepo::empty();
    alone.write("sop.toml", "");
    alone.write(PATH, text);
    let (site, _) = publish(&alone, &[]);
    body(&page(&site, "sops/SOP-0001.html")).to_string()
}

#[test]
fn a_committed_revision_is_announced_but_the_tagged_text_is_shown() {
    let repo = released();
    let revised = repo
        .read(PATH)
        .replace("status: approved", "status: review")
        .replace("version: 1.0.0", "version: 1.1.0")
        + "\nA step still under discussion.\n";
    repo.write(PATH, &revised);
    repo.commit("draft a new step");
    let (site, stderr) = publish(&repo, &[]);
    let current = page(&site, "sops/SOP-0001.html");
    let tagged = repo.git(&["show", &format!("{TAG}:{PATH}")]);
    assert_eq!(body(&current), rendered(&tagged));
    assert!(!current.contains("still under discussion"));
    assert!(
        current.contains("A revision (v1.1.0, in review) is in progress"),
        "{current}"
    );
    assert!(current.contains("<span class=\"badge version\">v1.0.0</span>"));
    // Nothing links to the unapproved text, and the publisher is told, once.
    assert!(!site.keys().any(|p| p.contains("v1.1.0")));
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("SOP-0001")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("committed changes (v1.1.0, in review) are not released"),
        "{stderr}"
    );
    assert!(broken_links(&site).is_empty());
}

#[test]
fn uncommitted_edits_to_an_approved_sop_never_reach_the_page() {
    let repo = released();
    // Still says approved, same version: the defect of issue #10, item 1.
    let edited = repo.read(PATH) + "\nAn uncommitted shortcut.\n";
    repo.write(PATH, &edited);
    let (site, stderr) = publish(&repo, &[]);
    let current = page(&site, "sops/SOP-0001.html");
    let tagged = repo.git(&["show", &format!("{TAG}:{PATH}")]);
    assert_eq!(body(&current), rendered(&tagged));
    assert!(!current.contains("uncommitted shortcut"));
    // Not even as unreleased changes: the site is the one published without the edit.
    assert!(!current.contains("unreleased changes"), "{current}");
    assert!(
        stderr.contains("`SOP-0001`: changes not committed yet (same version) are not published"),
        "{stderr}"
    );
    // Published unchanged in the search index too.
    let index: Vec<&String> = site
        .keys()
        .filter(|p| p.starts_with("assets/search/"))
        .collect();
    assert!(!index.is_empty(), "no search index");
    for path in index {
        assert!(!page(&site, path).contains("shortcut"), "{path}");
    }
}

#[test]
fn an_uncommitted_edit_changes_no_published_file() {
    // Released, and released with an untagged approved commit after it.
    let tagged = released();
    let untagged = SopRepo::new();
    untagged.write(
        PATH,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    untagged.commit("adopt sop");
    for repo in [tagged, untagged] {
        let (clean, _) = publish(&repo, &[]);
        let committed = repo.read(PATH);
        let edits = [
            committed.replace("version: 1.0.0", "version: 9.9.9"),
            committed
                .replace("status: approved", "status: review")
                .replace("version: 1.0.0", "version: 1.1.0")
                + "\nAn uncommitted step.\n",
        ];
        for edit in edits {
            repo.write(PATH, &edit);
            let (dirty, stderr) = publish(&repo, &[]);
            assert!(
                stderr.contains("`SOP-0001`: changes not committed yet"),
                "{stderr}"
            );
            let changed: Vec<&String> = clean
                .iter()
                .filter(|(path, bytes)| dirty.get(*path) != Some(*bytes))
                // The dashboard counts the SOPs by the status of their working copies.
                .filter(|(path, _)| {
                    !matches!(path.as_str(), "dashboard.html" | "charts/by-status.svg")
                })
                .map(|(path, _)| path)
                .collect();
            assert!(
                changed.is_empty(),
                "changed by an uncommitted edit: {changed:?}"
            );
            assert_eq!(clean.len(), dirty.len());
        }
    }
}

#[test]
fn an_untagged_approved_commit_is_shown_marked_and_edits_after_it_are_not() {
    let repo = SopRepo::new();
    repo.write(
        PATH,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("adopt sop");
    let committed = repo.read(PATH);
    repo.write(PATH, &(committed.clone() + "\nAn uncommitted step.\n"));
    let (site, stderr) = publish(&repo, &[]);
    let current = page(&site, "sops/SOP-0001.html");
    assert_eq!(body(&current), rendered(&committed));
    assert!(
        current.contains("Not released with “sop release”"),
        "{current}"
    );
    assert!(!current.contains("uncommitted step"));
    assert!(
        stderr.contains("published from the last commit"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`SOP-0001`: changes not committed yet"),
        "{stderr}"
    );
}

#[test]
fn never_approved_sops_are_left_out_with_the_reason() {
    let repo = released();
    repo.write(
        "sops/pay/SOP-0002-draft.md",
        &sop_text("SOP-0002", "Draft", "procedure", "draft"),
    );
    repo.commit("a draft");
    // Approved on disk only: not committed, so not published.
    repo.write(
        "sops/pay/SOP-0003-new.md",
        &sop_text("SOP-0003", "New", "procedure", "approved"),
    );
    let (site, stderr) = publish(&repo, &[]);
    assert!(site.contains_key("sops/SOP-0001.html"));
    assert!(!site.contains_key("sops/SOP-0002.html"));
    assert!(!site.contains_key("sops/SOP-0003.html"));
    assert!(
        stderr.contains("`SOP-0002` (`sops/pay/SOP-0002-draft.md`) is not published: no version of it is approved yet (it is a draft)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`SOP-0003` (`sops/pay/SOP-0003-new.md`) is not published: its approved text is not committed yet"),
        "{stderr}"
    );
    // A release that was never approved publishes nothing either.
    let review = sop_text("SOP-0004", "Pending", "procedure", "review");
    repo.write("sops/pay/SOP-0004-pending.md", &review);
    repo.commit("pending");
    repo.git(&["tag", "-a", "SOP-0004/v1.0.0", "-m", "for review"]);
    let (site, stderr) = publish(&repo, &[]);
    assert!(!site.keys().any(|p| p.contains("SOP-0004")));
    assert!(
        stderr.contains("`SOP-0004` (`sops/pay/SOP-0004-pending.md`) is not published: its release was not approved"),
        "{stderr}"
    );
    // The command it suggests is one that runs as written, apart from the names to fill in.
    assert!(
        stderr.contains("approve it with `sop release SOP-0004 --patch -m \"Approved after review\" --approve --approver \"Name <name@example.com>\"`"),
        "{stderr}"
    );
}

#[test]
fn drafts_are_marked_as_previews_on_every_page() {
    let repo = released();
    repo.write(PATH, &(repo.read(PATH) + "\nA working-copy step.\n"));
    repo.write(
        "sops/pay/SOP-0002-draft.md",
        &sop_text("SOP-0002", "Draft", "procedure", "draft"),
    );
    let (site, _) = publish(&repo, &["--drafts"]);
    assert!(page(&site, "sops/SOP-0001.html").contains("A working-copy step"));
    for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(
            html.contains("<strong>Draft preview.</strong>"),
            "{path} is not marked as a preview"
        );
    }
    assert!(page(&site, "sops/SOP-0001.html").contains("Preview of the working copy"));
    assert!(page(&site, "sops/SOP-0002.html").contains("not an approved version"));
    // The published site carries no preview mark.
    let (site, _) = publish(&repo, &[]);
    assert!(!page(&site, "index.html").contains("Draft preview"));
}

#[test]
fn approvals_are_shown_on_the_page_the_archive_and_in_history() {
    let repo = released();
    // v1.1.0, approved, tagged by hand without an approval record after a release that
    // records one: that tag approves nothing (as `approval-not-recorded` says in CI).
    let next = repo
        .read(PATH)
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("approvers: [Lena Fischer]", "approvers: [Kim Osei]")
        + "\nA clearer step.\n";
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: clearer");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "Clearer"]);
    // SOP-0002 was never approved with a record: its front matter's approvers stand in.
    repo.write(
        "sops/pay/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "approved")
            .replace("approvers: [Lena Fischer]", "approvers: [Kim Osei]"),
    );
    repo.commit("SOP-0002 v1.0.0: chargebacks");
    repo.git(&["tag", "-a", "SOP-0002/v1.0.0", "-m", "Chargebacks"]);
    let (site, stderr) = publish(&repo, &[]);
    let current = page(&site, "sops/SOP-0001.html");
    assert!(!current.contains("A clearer step."), "{current}");
    assert!(
        stderr.contains("tag `SOP-0001/v1.1.0` is not counted as an approved release of `SOP-0001`: it records no approver, though its earlier releases do"),
        "{stderr}"
    );
    let other = page(&site, "sops/SOP-0002.html");
    assert!(other.contains("Kim Osei"), "{other}");
    assert!(other.contains("as named in the document"), "{other}");
    // The history table: who approved 1.0.0, when, and the meaning.
    assert!(
        current.contains("<span class=\"approval\">Lena Fischer, <time datetime=\"2026-11-30\">2026-11-30</time> <span class=\"muted\">(approved for use)</span></span>"),
        "{current}"
    );
    let old = page(&site, "sops/SOP-0001/v1.0.0.html");
    assert!(
        old.contains("approved by Lena Fischer on 2026-11-30 (approved for use)"),
        "{old}"
    );
    assert!(
        old.contains("<span class=\"approver\">Lena Fischer</span>"),
        "{old}"
    );

    let out = repo
        .sop()
        .args(["history", "SOP-0001", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let releases = v["releases"].as_array().unwrap();
    assert_eq!(releases[0]["version"], "1.1.0");
    assert_eq!(releases[0]["approvals"], serde_json::json!([]));
    assert_eq!(
        releases[1]["approvals"],
        serde_json::json!([{
            "name": "Lena Fischer",
            "email": "lena@example.com",
            "date": "2026-11-30",
            "meaning": "approved for use"
        }])
    );
    let out = repo.sop().args(["history", "SOP-0001"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains(
            "approved by Lena Fischer <lena@example.com> on 2026-11-30 (approved for use)"
        ),
        "{text}"
    );
    let help = repo.sop().args(["history", "--help"]).assert().success();
    let help = String::from_utf8(help.get_output().stdout.clone()).unwrap();
    assert!(help.contains("\"approvals\""), "{help}");
}

#[test]
fn due_reads_the_review_dates_of_the_published_version() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        .replace("review_every: 12 months", "next_review: 2026-06-01");
    repo.write(PATH, &text);
    repo.commit("SOP-0001 v1.0.0");
    repo.git(&["tag", "-a", TAG, "-m", APPROVED]);
    // A revision with a later review date, committed but not released: still overdue.
    let revised = text
        .replace("next_review: 2026-06-01", "next_review: 2027-06-01")
        .replace("status: approved", "status: review")
        + "\nNew step.\n";
    repo.write(PATH, &revised);
    repo.commit("revise");
    let due = |repo: &SopRepo| -> Value {
        let out = repo
            .sop()
            .args(["due", "--format", "json"])
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let v = due(&repo);
    assert_eq!(v["reviews"][0]["next_review"], "2026-06-01", "{v}");
    assert_eq!(v["reviews"][0]["path"], PATH);
    let out = repo
        .sop()
        .args(["stats", "--format", "json"])
        .assert()
        .success();
    let stats: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(stats["overdue"], 1, "{stats}");
    // A review of the released text (only the dates change) moves the date on.
    repo.write(
        PATH,
        &text.replace("next_review: 2026-06-01", "next_review: 2027-06-01"),
    );
    repo.commit("SOP-0001: reviewed");
    let v = due(&repo);
    assert_eq!(v["reviews"], serde_json::json!([]), "{v}");
}

#[test]
fn serve_previews_working_copies_marked_as_previews() {
    use std::io::{Read, Write};
    let repo = released();
    repo.write(PATH, &(repo.read(PATH) + "\nA working-copy step.\n"));
    let served = crate::serve::serve(&repo);
    let address = served
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = std::net::TcpStream::connect(&address).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        s,
        "GET /sops/SOP-0001.html HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    assert!(page.contains("A working-copy step"), "{page}");
    assert!(page.contains("<strong>Draft preview.</strong>"), "{page}");
    assert!(page.contains("Preview of the working copy"), "{page}");
}

/// `GET path` from a running `sop serve`: the whole response.
fn get(url: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    page
}

#[test]
fn serve_published_shows_a_release_once_it_is_committed_and_tagged() {
    use std::io::BufRead;
    let repo = released();
    /// Stops the server however the test ends.
    struct Guard(std::process::Child);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sop"))
        .args(["serve", "--published", "--port", "0"])
        .current_dir(repo.root())
        .env("SOP_TODAY", crate::support::TODAY)
        .env("NO_COLOR", "1")
        .env("HOME", repo.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _guard = Guard(child);
    let mut url = String::new();
    std::io::BufReader::new(stdout).read_line(&mut url).unwrap();
    let url = url.trim().to_string();
    let wait_for = |want: &str| {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(30) {
            let page = get(&url, "/sops/SOP-0001.html");
            if page.contains(want) {
                return page;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the page never showed {want:?}");
    };
    let first = wait_for("v1.0.0");
    assert!(!first.contains("Draft preview"), "{first}");
    let next = repo.read(PATH).replace("version: 1.0.0", "version: 1.1.0") + "\nA clearer step.\n";
    repo.write(PATH, &next);
    repo.commit("SOP-0001 v1.1.0: clearer");
    let edited = wait_for("A revision (v1.1.0, approved) is in progress");
    assert!(!edited.contains("A clearer step"), "{edited}");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", APPROVED]);
    let released = wait_for("A clearer step");
    assert!(released.contains("<span class=\"badge version\">v1.1.0</span>"));
}

/// One SOP as the model sees it: status, version, last review and the marker lines it holds.
#[derive(Clone, PartialEq, Debug)]
struct Model {
    status: &'static str,
    version: (u32, u32, u32),
    reviewed: u32,
    markers: Vec<u32>,
}

impl Model {
    fn text(&self) -> String {
        let (a, b, c) = self.version;
        let mut t = sop_text("SOP-0001", "Refunds", "procedure", self.status)
            .replace("version: 1.0.0", &format!("version: {a}.{b}.{c}"))
            .replace(
                "review_every: 12 months",
                &format!(
                    "last_reviewed: 2026-10-{:02}\nreview_every: 12 months",
                    self.reviewed
                ),
            );
        for m in &self.markers {
            t.push_str(&format!("\nStep marker m{m}x.\n"));
        }
        t
    }

    /// The same text apart from the review date.
    fn same_but_review(&self, other: &Model) -> bool {
        Model {
            reviewed: 0,
            ..self.clone()
        } == Model {
            reviewed: 0,
            ..other.clone()
        }
    }
}

/// The markers (`m12x`) in a page's body, sorted.
fn markers(html: &str) -> Vec<u32> {
    let mut out: Vec<u32> = body(html)
        .split("marker m")
        .skip(1)
        .filter_map(|rest| rest.split('x').next()?.parse().ok())
        .collect();
    out.sort_unstable();
    out
}

/// See #10: over random sequences of edit, commit, release with and without approval, review
/// and publish, the current page always holds exactly the text of the last approved release
/// (or, with no release, of an approved committed copy), and nothing else.
#[test]
fn published_text_is_always_approved_and_committed_text() {
    // How often each interesting state was checked: left out, shown from a release, shown
    // from an untagged commit, and shown while newer text exists.
    let mut seen = [0usize; 4];
    for seed in [7u64, 42, 1234, 5] {
        let mut rng = seed;
        let mut next = |n: u64| {
            rng = rng
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (rng >> 33) % n
        };
        let repo = SopRepo::new();
        repo.write(".gitignore", "site/\n");
        // Odd seeds start as a team adopting sop does: approved SOPs, no release yet.
        let mut working = Model {
            status: if seed % 2 == 1 { "approved" } else { "draft" },
            version: (0, 1, 0),
            reviewed: 1,
            markers: vec![0],
        };
        let mut head: Option<Model> = None;
        let mut tags: Vec<Model> = Vec::new();
        let mut marker = 0;
        let mut log = Vec::new();
        repo.write(PATH, &working.text());
        for step in 0..14 {
            match next(6) {
                0 | 1 => {
                    marker += 1;
                    working.markers.push(marker);
                    working.status = ["draft", "review", "approved"][next(3) as usize];
                    log.push(format!("edit {marker} {}", working.status));
                }
                2 if head.as_ref() != Some(&working) => {
                    repo.commit(&format!("step {step}"));
                    head = Some(working.clone());
                    log.push("commit".into());
                }
                3 => {
                    let approve = next(2) == 0;
                    let (a, b, _) = working.version;
                    working.version = (a, b + 1, 0);
                    working.status = if approve { "approved" } else { "review" };
                    repo.write(PATH, &working.text());
                    repo.commit(&format!("release {step}"));
                    let (a, b, c) = working.version;
                    let tag = format!("SOP-0001/v{a}.{b}.{c}");
                    let message = if approve { APPROVED } else { "for review\n" };
                    repo.git(&["tag", "-a", &tag, "-m", message]);
                    head = Some(working.clone());
                    tags.push(working.clone());
                    log.push(format!("release {tag} approve={approve}"));
                }
                4 if head.as_ref() == Some(&working) => {
                    working.reviewed += 1;
                    repo.write(PATH, &working.text());
                    repo.commit(&format!("review {step}"));
                    head = Some(working.clone());
                    log.push("review".into());
                }
                _ => {}
            }
            repo.write(PATH, &working.text());
            let expected: Option<&Model> = if tags.is_empty() {
                head.as_ref().filter(|h| h.status == "approved")
            } else {
                tags.iter().rev().find(|t| t.status == "approved")
            };
            let (site, _) = publish(&repo, &[]);
            let context = format!("seed {seed}, steps: {}", log.join("; "));
            match expected {
                None => seen[0] += 1,
                Some(_) if tags.is_empty() => seen[2] += 1,
                Some(_) => seen[1] += 1,
            }
            match expected {
                None => assert!(
                    !site.contains_key("sops/SOP-0001.html"),
                    "published without an approved version ({context})"
                ),
                Some(e) => {
                    let html = page(&site, "sops/SOP-0001.html");
                    let mut want = e.markers.clone();
                    want.sort_unstable();
                    assert_eq!(markers(&html), want, "{context}");
                    let (a, b, c) = e.version;
                    assert!(
                        html.contains(&format!(
                            "<span class=\"badge version\">v{a}.{b}.{c}</span>"
                        )),
                        "{context}"
                    );
                    // Only committed text is announced: uncommitted edits reach no page.
                    let newer = head.as_ref().is_some_and(|m| !m.same_but_review(e));
                    assert_eq!(
                        newer,
                        html.contains("is in progress") || html.contains("unreleased changes"),
                        "{context}"
                    );
                    seen[3] += usize::from(newer);
                }
            }
        }
    }
    assert!(seen.iter().all(|&n| n > 0), "states checked: {seen:?}");
}

#[test]
fn an_sop_retired_without_ever_being_approved_is_left_out() {
    let repo = SopRepo::new();
    let draft = sop_text("SOP-0009", "Gift refunds", "procedure", "retired")
        .replace("approvers: [Lena Fischer]\neffective: 2026-03-01\n", "");
    assert!(!draft.contains("effective:"), "{draft}");
    repo.write("sops/pay/SOP-0009-gift-refunds.md", &draft);
    // Retired after it was in force: it keeps its page, marked retired.
    repo.write(
        PATH,
        &sop_text("SOP-0001", "Refunds", "procedure", "retired"),
    );
    repo.commit("retire");
    let (site, stderr) = publish(&repo, &[]);
    assert!(!site.contains_key("sops/SOP-0009.html"), "{stderr}");
    assert!(
        stderr.contains("it was retired without ever being approved"),
        "{stderr}"
    );
    assert!(site.contains_key("sops/SOP-0001.html"), "{stderr}");
}

#[test]
fn a_committed_merge_conflict_is_never_published() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved").replace(
        "## Scope\n",
        "<<<<<<< HEAD\nAnswer within 2 days.\n=======\nAnswer within 24 hours.\n>>>>>>> faster\n\n## Scope\n",
    );
    repo.write(PATH, &text);
    repo.commit("merge");
    let (site, stderr) = publish(&repo, &[]);
    assert!(!site.contains_key("sops/SOP-0001.html"), "{stderr}");
    assert!(
        stderr.contains("its committed text has an unresolved merge conflict"),
        "{stderr}"
    );
    let out = repo.sop().arg("lint").assert().code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("error[merge-conflict-left]"), "{stdout}");
}

/// Review 10, d7: a committed edit after which the file cannot be read as text (a stray NUL, a
/// binary file, text that is not UTF-8, a file too large) took the SOP off the site, while an
/// edit that breaks the front matter kept its last approved release on it. The release stays
/// shown, marked as not what the file now holds; publish says the file cannot be read and which
/// release is shown instead; lint still reports the file.
#[test]
fn an_sop_whose_file_cannot_be_read_keeps_its_last_approved_release() {
    let repo = released();
    let tagged = repo.git(&["show", &format!("{TAG}:{PATH}")]);
    let text = repo.read(PATH);
    let mut latin1 = text.clone().into_bytes();
    latin1.extend_from_slice(b"\nCaf\xe9 rules apply.\n");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 64));
    let large = text.clone() + &"A long appendix line.\n".repeat(600_000);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "stray NUL",
            (text.clone() + "\nA pasted\0 step.\n").into_bytes(),
            "holds a NUL character",
        ),
        ("binary", png, "the file is not text"),
        ("not UTF-8", latin1, "the file is not UTF-8 text"),
        ("too large", large.into_bytes(), "the file is too large"),
    ];
    for (what, bytes, problem) in cases {
        repo.write_bytes(PATH, &bytes);
        repo.commit(what);
        let (site, stderr) = publish(&repo, &[]);
        let current = page(&site, "sops/SOP-0001.html");
        assert_eq!(body(&current), rendered(&tagged), "{what}");
        assert!(
            current.contains("This SOP has unreleased changes"),
            "{what}: {current}"
        );
        assert!(
            stderr.contains(&format!("`{PATH}` cannot be read: ")) && stderr.contains(problem),
            "{what}: {stderr}"
        );
        assert!(
            stderr.contains(
                "the site shows the last approved release of `SOP-0001`, v1.0.0 (tag `SOP-0001/v1.0.0`), instead of this file"
            ),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("is not published"), "{what}: {stderr}");
        assert!(stderr.contains("published 1 SOP"), "{what}: {stderr}");
        assert!(site.contains_key("sops/SOP-0001/v1.0.0.html"), "{what}");
        // Lint still names the file and what is wrong with it.
        let out = repo.sop().arg("lint").assert().code(1);
        let shown = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            shown.contains(PATH) && shown.contains(problem),
            "{what}: {shown}"
        );
    }
    // Review s11: an emptied file is more likely a withdrawal than a draft; deleting it would
    // take the SOP off the site without a record, so the help says how to retire it instead.
    repo.write_bytes(PATH, b"");
    repo.commit("emptied");
    let (site, stderr) = publish(&repo, &[]);
    assert_eq!(body(&page(&site, "sops/SOP-0001.html")), rendered(&tagged));
    assert!(
        stderr.contains(&format!(
            "`{PATH}` cannot be read: the file is empty; the site shows the last approved release of `SOP-0001`, v1.0.0 (tag `SOP-0001/v1.0.0`), instead of this file: to bring the text back, run `git show {TAG}:{PATH} > {PATH}`; to withdraw the SOP, bring it back and retire it (`status: retired`, then `sop release SOP-0001`)"
        )),
        "{stderr}"
    );
    // A preview shows working copies: there is none to show, and nothing stands in for it.
    let (site, stderr) = publish(&repo, &["--drafts"]);
    assert!(!site.contains_key("sops/SOP-0001.html"), "{stderr}");
    assert!(stderr.contains("is not published"), "{stderr}");
}
