//! Regression tests for issue 11 on the publishing side: what a repository can make `sop
//! publish` and `sop serve` write, copy, delete or run. Each test names the behaviour it pins.
//! See #11.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use crate::support::{SopRepo, sop_text};

/// A repository with one approved SOP `SOP-0001` whose owner is `owner`, committed.
fn repo_with_owner(owner: &str) -> SopRepo {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        .replace("owner: Amara Okafor", &format!("owner: {owner}"));
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    repo.commit("add");
    repo
}

/// The `<style media="print">` block of a published page.
fn print_style(page: &str) -> String {
    let start = page.find("<style media=\"print\">").expect("print style");
    let end = start + page[start..].find("</style>").expect("end of style");
    page[start..end].to_string()
}

// See #11 (S7).
#[test]
fn owner_names_are_css_escaped_in_the_printed_page_header() {
    let repo = repo_with_owner("\"Ann\\n}} .sop-body{display:none !important} x{\"");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let page = repo.read("site/sops/SOP-0001.html");
    let css = print_style(&page);
    // One `@page` rule with three margin boxes: nothing the owner wrote opens or closes a rule.
    assert_eq!(css.matches('{').count(), 4, "{css}");
    assert_eq!(css.matches('}').count(), 4, "{css}");
    assert!(
        css.contains("Owner: Ann\\a \\7d \\7d  .sop-body\\7b display:none"),
        "{css}"
    );
    let repo = repo_with_owner("\"Siobhán O'Brien & Co\"");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let css = print_style(&repo.read("site/sops/SOP-0001.html"));
    assert!(
        css.contains("content: \"Owner: Siobhán O\\27 Brien \\26  Co · Effective: 2026-03-01\""),
        "{css}"
    );
    assert!(!css.contains("&amp;") && !css.contains("&#39;"), "{css}");
}

/// `program <flag>` runs.
fn have(program: &str, flag: &str) -> bool {
    Command::new(program)
        .arg(flag)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The text of the page at `html`, printed to PDF by Chromium.
fn printed_text(html: &Path) -> String {
    let pdf = html.with_extension("pdf");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

// See #11 (S7): the printed page keeps its text and shows the owner as written.
#[test]
#[ignore = "needs chromium and pdftotext"]
fn printed_pages_keep_their_text_and_show_owner_names_as_written() {
    assert!(
        have("chromium", "--version") && have("pdftotext", "-v"),
        "install chromium and poppler-utils"
    );
    let hostile = repo_with_owner("\"Ann\\n}} .sop-body{display:none !important} x{\"");
    hostile
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let text = printed_text(&hostile.path("site/sops/SOP-0001.html"));
    assert!(
        text.contains("Open it in the case tool"),
        "procedure text lost:\n{text}"
    );
    let ordinary = repo_with_owner("\"Siobhán O'Brien & Co\"");
    ordinary
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let text = printed_text(&ordinary.path("site/sops/SOP-0001.html"));
    assert!(text.contains("Owner: Siobhán O'Brien & Co"), "{text}");
    assert!(!text.contains("&amp;") && !text.contains("&#39;"), "{text}");
}
