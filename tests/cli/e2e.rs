//! Browser tests: `tests/e2e/site.test.mjs` (node + playwright-core + Debian's chromium) on the
//! published demo site from `file://` and from `sop serve`; `tests/e2e/boxes.test.mjs` on an SOP
//! with every kind of note and warning box, at phone width, in dark mode and in print;
//! `tests/e2e/layout.test.mjs` on the phone layout (the procedure on the first screen, tables
//! that scroll in their frame, folded panels and filters, charts), the 404 page at any depth on
//! a static host and under `sop serve`, and the printed SOP (the controlled-copy line on every
//! page, no page ending in a heading);
//! `tests/e2e/review.test.mjs` on a site read weeks after it was built (a faked clock);
//! `tests/e2e/language.test.mjs` on the texts the scripts write on a Spanish site.
//!
//! Needs `node`, `chromium` (or `$CHROMIUM`) and `npm ci` in `tests/e2e` (and `pdftotext` for
//! the boxes). Under `CI=true` a
//! missing piece fails the test; elsewhere the test is skipped with a loud message.
//! Screenshots land in `tests/e2e/screenshots/` (not committed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::publish::demo_repo;
use crate::serve::serve;
use crate::support::{SopRepo, sop_text};

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

/// Check that the browser test can run; a missing tool fails the test with what to install
/// (the tests are `#[ignore]`d, so a plain `cargo test` says "ignored" instead).
fn ready() -> bool {
    let mut missing = Vec::new();
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (apt-get install nodejs)");
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let on_path = Command::new("sh")
        .args(["-c", "command -v chromium"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !chromium.is_file() && !on_path {
        missing.push("chromium (apt-get install chromium)");
    }
    if !e2e_dir().join("node_modules/playwright-core").is_dir() {
        missing.push("playwright-core (cd tests/e2e && npm ci)");
    }
    if missing.is_empty() {
        return true;
    }
    panic!("browser test needs: {}", missing.join(", "));
}

fn node(args: &[&str], expect_history: bool) {
    let out = Command::new("node")
        .arg("site.test.mjs")
        .args(args)
        .current_dir(e2e_dir())
        .env(
            "SOP_E2E_EXPECT_HISTORY",
            if expect_history { "1" } else { "0" },
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn published_site_works_in_a_browser_from_file_urls() {
    if !ready() {
        return;
    }
    let repo = demo_repo();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let shots = e2e_dir().join("screenshots/file");
    node(
        &[
            "file",
            repo.path("site").to_str().unwrap(),
            shots.to_str().unwrap(),
        ],
        // The demo repository has a commit, so every SOP page shows its history.
        true,
    );
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn served_site_works_in_a_browser_and_reloads_after_an_edit() {
    if !ready() {
        return;
    }
    let repo = demo_repo();
    let served = serve(&repo);
    let shots = e2e_dir().join("screenshots/serve");
    let file = repo.path("sops/user-service/SOP-0001-account-recovery.md");
    node(
        &[
            "serve",
            &served.url,
            shots.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        false,
    );
}

/// An SOP with every kind of box the site draws: MkDocs admonitions of each colour, with a
/// title, without one and with an empty one, collapsed (`???`), open (`???+`) and nested; the
/// five GitHub alerts; attribute lists to drop. The first box holds a list, inline code, a
/// link and a long link that must wrap on a phone.
const BOXES_SOP: &str = r#"---
id: SOP-0001
title: Every kind of box
type: procedure
owner: Ops Team
status: approved
version: 1.0.0
approvers: [Priya Nair]
effective: 2026-03-01
review_every: 12 months
---

## Purpose
{: .lead }

Why we keep boxes readable on every screen.

!!! note "Before you start"
    Check the ticket queue first.

    - Open the [case tool](https://example.com/cases) and find the ticket.
    - Confirm the customer's identity with `sop due --format json`.
    - The long form: <https://git.example.com/operations/standard-operating-procedures/blob/main/sops/ops/identity-verification-checklist.md>

!!! tip
    Press the shortcut to save time.

!!! warning "Do not skip the backup"
    Restoring without a backup loses the day's orders.

!!! danger "Stop the line"
    Never edit the live database by hand.

!!! important "Sign-off needed"
    The shift lead signs every change.

??? note "Collapsed details (hidden at first)"
    COLLAPSED-CONTENT: the full list of exceptions.

???+ tip "Open details"
    OPEN-CONTENT: shown from the start.

    !!! warning "Nested warning"
        NESTED-CONTENT: a box inside a box.

!!! danger ""
    NO-TITLE-CONTENT: a box without a title bar.

## Scope

> [!NOTE]
> ALERT-NOTE: useful to know.

> [!TIP]
> ALERT-TIP: a faster way.

> [!IMPORTANT]
> ALERT-IMPORTANT: needed to succeed.

> [!WARNING]
> ALERT-WARNING: urgent attention.

> [!CAUTION]
> ALERT-CAUTION: risky consequences.

Everyone on shift.
{: .note }

## Roles and Responsibilities

| Activity | Agent |
| --- | --- |
| Restore | R |

## Procedure

1. **Check.** Do it.

## Escalation

The shift lead.

## Metrics

None.

## References

None.
"#;

/// The boxes `BOXES_SOP` draws: nine admonitions and five alerts.
const BOXES: usize = 14;

#[test]
#[ignore = "needs node, chromium, pdftotext and tests/e2e/node_modules (npm ci)"]
fn note_and_warning_boxes_read_well_on_a_phone_in_dark_mode_and_in_print() {
    if !ready() {
        return;
    }
    assert!(
        Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success()),
        "browser test needs: pdftotext (apt-get install poppler-utils)"
    );
    let repo = SopRepo::new();
    repo.write("sops/ops/SOP-0001-boxes.md", BOXES_SOP);
    repo.commit("an SOP with every kind of box");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let shots = e2e_dir().join("screenshots/boxes");
    let out = Command::new("node")
        .arg("boxes.test.mjs")
        .arg(repo.path("site/sops/SOP-0001.html"))
        .arg(&shots)
        .arg(BOXES.to_string())
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser test of the boxes failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn words_in_angle_brackets_prompts_and_checklists_in_a_browser() {
    if !ready() {
        return;
    }
    let repo = crate::publish::angle_brackets_repo();
    let out = Command::new("node")
        .arg("text.test.mjs")
        .arg(repo.path("site/sops/SOP-0001.html"))
        .arg(repo.path("preview/sops/SOP-0002.html"))
        .arg(e2e_dir().join("screenshots/text"))
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser test of text in angle brackets failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run `tests/e2e/layout.test.mjs` with `args`.
fn layout(args: &[&str]) {
    let out = Command::new("node")
        .arg("layout.test.mjs")
        .args(args)
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser test of the layout failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn has_poppler() {
    for tool in ["pdftotext", "pdfinfo"] {
        assert!(
            Command::new(tool)
                .arg("-v")
                .output()
                .is_ok_and(|o| o.status.success()),
            "browser test needs: {tool} (apt-get install poppler-utils)"
        );
    }
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn on_a_phone_the_procedure_starts_on_the_first_screen_and_wide_tables_scroll_in_their_frame() {
    if !ready() {
        return;
    }
    let repo = demo_repo();
    // An approved, released SOP whose review is long overdue: the dashboard lists it and its
    // page has a revision history.
    let overdue = sop_text(
        "SOP-0999",
        "Creator payout disputes",
        "procedure",
        "approved",
    )
    .replace("review_every: 12 months", "next_review: 2026-01-15");
    repo.write(
        "sops/payments/SOP-0999-creator-payout-disputes.md",
        &overdue,
    );
    repo.commit("an SOP whose review is overdue");
    repo.sop()
        .args(["release", "SOP-0999", "--minor", "-m", "Payout holds"])
        .args(["--approve", "--approver", "Lena Fischer"])
        .assert()
        .success();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let shots = e2e_dir().join("screenshots/layout");
    layout(&[
        "phone",
        repo.path("site").to_str().unwrap(),
        shots.to_str().unwrap(),
    ]);
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn the_404_page_is_styled_two_folders_down_on_a_static_host_and_under_serve_with_a_base_url() {
    if !ready() {
        return;
    }
    let repo = demo_repo();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    repo.sop()
        .args([
            "publish",
            "--out",
            "site-based",
            "--base-url",
            "https://sops.example.com/handbook/",
        ])
        .assert()
        .success();
    // `sop serve` with a base URL must still serve everything itself.
    let config = std::fs::read_to_string(repo.path("sop.toml")).unwrap();
    repo.write(
        "sop.toml",
        &config.replace(
            "[site]\n",
            "[site]\nbase_url = \"https://sops.example.com/handbook/\"\n",
        ),
    );
    repo.commit("publish under a base URL");
    let served = serve(&repo);
    let shots = e2e_dir().join("screenshots/not-found");
    layout(&[
        "notfound",
        repo.path("site").to_str().unwrap(),
        repo.path("site-based").to_str().unwrap(),
        "/handbook/",
        &served.url,
        shots.to_str().unwrap(),
    ]);
}

#[test]
#[ignore = "needs node, chromium, pdftotext and tests/e2e/node_modules (npm ci)"]
fn a_printed_sop_says_uncontrolled_on_every_page_and_no_page_ends_in_a_heading() {
    if !ready() {
        return;
    }
    has_poppler();
    let repo = demo_repo();
    // Without a base URL the line has no address to give.
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let page = std::fs::read_to_string(repo.path("site/sops/SOP-0001.html")).unwrap();
    assert!(page.contains("uncontrolled when printed\""), "{page}");
    assert!(!page.contains("current version:"));
    repo.sop()
        .args([
            "publish",
            "--out",
            "site-based",
            "--base-url",
            "https://sops.example.com/handbook/",
        ])
        .assert()
        .success();
    let shots = e2e_dir().join("screenshots/print");
    layout(&[
        "print",
        repo.path("site-based").to_str().unwrap(),
        shots.to_str().unwrap(),
        "https://sops.example.com/handbook/sops/SOP-0001.html",
    ]);
}

/// Four SOPs published on `TODAY` (2026-11-25): two reviews ahead, one overdue, one retired
/// (see `tests/e2e/review.test.mjs`).
fn review_dates_repo() -> SopRepo {
    let repo = SopRepo::new();
    for (id, next) in [
        ("SOP-0001", "2027-01-20"),
        ("SOP-0002", "2027-03-01"),
        ("SOP-0003", "2026-11-01"),
    ] {
        let text =
            crate::support::sop_text(id, &format!("Review of {id}"), "procedure", "approved")
                .replace("review_every: 12 months", &format!("next_review: {next}"));
        repo.write(&format!("sops/p/{id}-review.md"), &text);
    }
    let retired = crate::support::sop_text("SOP-0004", "Old refunds", "procedure", "retired")
        .replace(
            "review_every: 12 months",
            "next_review: 2026-12-01\nretired_reason: merged into SOP-0001",
        );
    repo.write("sops/p/SOP-0004-old.md", &retired);
    repo.commit("four SOPs with review dates");
    repo
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn review_states_follow_the_readers_day_not_the_build_day() {
    if !ready() {
        return;
    }
    let repo = review_dates_repo();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let shots = e2e_dir().join("screenshots/review");
    let out = Command::new("node")
        .arg("review.test.mjs")
        .arg(repo.path("site"))
        .arg(&shots)
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser test of review states failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An SOP for the search test: front matter with `extra` keys, then `body`.
fn search_sop(id: &str, title: &str, status: &str, extra: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\ntype: procedure\nowner: Ops Team\ndepartment: Payments\nstatus: {status}\nversion: 1.0.0\napprovers: [Priya Nair]\neffective: 2026-03-01\nreview_every: 12 months\n{extra}---\n\n{body}"
    )
}

/// The repository of the search test: a long SOP whose last section holds a unique word, an SOP
/// with macro names, numbers and `<Enter>` and its Spanish translation, a retired and a current
/// SOP that both say "chargeback", and an SOP about PINs and escalation.
fn search_repo() -> SopRepo {
    let repo = SopRepo::new();
    let mut long = String::new();
    for n in 1..=40 {
        long.push_str(&format!(
            "## Step {n}\n\nThe agent reviews the ticket and records the outcome in the case tool. \
             Each reply is checked by a second agent before it is sent to the customer.\n\n"
        ));
    }
    long.push_str("## Appendix\n\nThe zephyrine form is archived with the case.\n");
    repo.write(
        "sops/ops/SOP-0001-long-handbook.md",
        &search_sop("SOP-0001", "Long handbook", "approved", "", &long),
    );
    repo.write(
        "sops/payments/SOP-0002-gift-card-refunds.md",
        &search_sop(
            "SOP-0002",
            "Gift card refunds",
            "approved",
            "tags: [refunds]\n",
            "## Procedure\n\n1. Run the `RF-Store` macro, then the fraud-check macro.\n\
             2. Refunds over 5,000 EUR need a second approver.\n\
             3. Press <Enter> to send, keeping a copy for the file.\n",
        ),
    );
    repo.write(
        "sops/payments/SOP-0002-gift-card-refunds.es.md",
        &search_sop(
            "SOP-0002",
            "Tarjetas regalo",
            "approved",
            "language: es\ntranslation_of: SOP-0002@1.0.0\n",
            "## Procedimiento\n\n1. Registre los reembolsos en la herramienta de casos.\n",
        ),
    );
    repo.write(
        "sops/payments/SOP-0003-legacy-chargebacks.md",
        &search_sop(
            "SOP-0003",
            "Legacy chargeback handling",
            "retired",
            "superseded_by: SOP-0004\n",
            "## Procedure\n\nEach chargeback was answered by letter.\n",
        ),
    );
    repo.write(
        "sops/payments/SOP-0004-disputed-payments.md",
        &search_sop(
            "SOP-0004",
            "Disputed payments",
            "approved",
            "",
            "## Procedure\n\nAnswer a chargeback in the bank's portal within seven days.\n",
        ),
    );
    repo.write(
        "sops/payments/SOP-0005-card-pin-resets.md",
        &search_sop(
            "SOP-0005",
            "Card resets",
            "approved",
            "",
            "## Procedure\n\nAsk for the card PIN only on the phone line.\n\n## When it goes wrong\n\nFollow the escalation path of the team.\n",
        ),
    );
    repo.commit("SOPs for the search test");
    repo
}

fn node_search(target: &str, shots: &Path) {
    let out = Command::new("node")
        .arg("search.test.mjs")
        .arg(target)
        .arg(shots)
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser test of search failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn full_text_search_finds_every_word_from_file_urls_and_from_sop_serve() {
    if !ready() {
        return;
    }
    let repo = search_repo();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    node_search(
        repo.path("site").to_str().unwrap(),
        &e2e_dir().join("screenshots/search-file"),
    );
    let served = serve(&repo);
    node_search(&served.url, &e2e_dir().join("screenshots/search-serve"));
}

/// The texts `search.js` and `review.js` write follow `[site] language`.
#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn search_and_review_texts_are_in_the_site_language_in_a_browser() {
    if !ready() {
        return;
    }
    let repo = search_repo();
    repo.write("sop.toml", "[site]\nlanguage = \"es\"\n");
    repo.commit("a Spanish site");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let out = Command::new("node")
        .arg("language.test.mjs")
        .arg(repo.path("site"))
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser test of the site's language failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
