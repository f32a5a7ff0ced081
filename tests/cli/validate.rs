//! The published site against outside validators: the Nu Html Checker (`vnu-jar`, run with
//! Java) on every page, and axe-core (WCAG 2.1 AA) in headless Chromium, light and dark, 360
//! and 1280 px wide, on every kind of page: the index and its search results, an SOP, an
//! archived version, a translation, a right-to-left page, a department, a tag, the dashboard
//! and the 404 page.
//!
//! Needs `java`, `node`, `chromium` and `npm ci` in `tests/e2e`. Under `CI=true` a missing
//! piece fails the test; elsewhere the test is skipped with a loud message.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::publish::demo_repo;
use crate::support::SopRepo;

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

fn have(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok()
}

/// Check that the tools are there; a missing one fails the test with what to install (the
/// tests are `#[ignore]`d, so a plain `cargo test` says "ignored" instead).
fn ready(needs: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = needs
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| *n)
        .collect();
    if missing.is_empty() {
        return true;
    }
    panic!("site validation needs: {}", missing.join(", "));
}

/// The demo SOPs with one release, published into `site/`.
fn published() -> SopRepo {
    let repo = demo_repo();
    let p = "sops/payments/SOP-0003-virtual-gift-refund-requests.md";
    let text = repo
        .read(p)
        .replace("Most requests are decided", "Most requests are now decided");
    repo.write(p, &text).commit("Reword the purpose");
    // A right-to-left page: an Arabic SOP (the Spanish one is among the demo SOPs).
    repo.write(
        "sops/payments/SOP-0090.md",
        &crate::support::sop_text(
            "SOP-0090",
            "استرداد الهدايا الفردية",
            "procedure",
            "approved",
        )
        .replace("department: Payments", "department: Payments\nlanguage: ar"),
    )
    .commit("An Arabic SOP");
    repo.sop()
        .args([
            "release",
            "SOP-0003",
            "--patch",
            "-m",
            "Reword the purpose",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ])
        .assert()
        .success();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    repo
}

#[test]
#[ignore = "needs java and tests/e2e/node_modules (npm ci)"]
fn every_page_passes_the_nu_html_checker() {
    let vnu = e2e_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !ready(&[
        (
            "java (apt-get install default-jre-headless)",
            have("java", "-version"),
        ),
        ("vnu-jar (cd tests/e2e && npm ci)", vnu.is_file()),
    ]) {
        return;
    }
    let repo = published();
    let out = Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .args(["--errors-only", "--skip-non-html"])
        .arg(repo.path("site"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "the Nu Html Checker found errors:\n{report}"
    );
    // The checked pages include an archived version, a translation and a right-to-left page.
    assert!(repo.path("site/sops/SOP-0003/v1.2.1.html").is_file());
    assert!(repo.path("site/sops/SOP-0001.es.html").is_file());
    let arabic = std::fs::read_to_string(repo.path("site/sops/SOP-0090.html")).unwrap();
    assert!(arabic.contains("dir=\"rtl\""));
}

#[test]
#[ignore = "needs node, chromium and tests/e2e/node_modules (npm ci)"]
fn every_kind_of_page_has_no_axe_core_violations_light_and_dark_at_360_and_1280() {
    let chromium = Path::new("/usr/bin/chromium").is_file()
        || std::env::var_os("CHROMIUM").is_some()
        || Command::new("sh")
            .args(["-c", "command -v chromium"])
            .output()
            .is_ok_and(|o| o.status.success());
    if !ready(&[
        ("node (apt-get install nodejs)", have("node", "--version")),
        ("chromium (apt-get install chromium)", chromium),
        (
            "axe-core and playwright-core (cd tests/e2e && npm ci)",
            e2e_dir().join("node_modules/axe-core").is_dir()
                && e2e_dir().join("node_modules/playwright-core").is_dir(),
        ),
    ]) {
        return;
    }
    let repo = published();
    let archived = std::fs::read_dir(repo.path("site/sops/SOP-0003"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| format!("sops/SOP-0003/{}", e.file_name().to_string_lossy()))
        .find(|p| p.ends_with(".html"))
        .expect("an archived version page of SOP-0003");
    let first_page = |dir: &str| {
        std::fs::read_dir(repo.path(&format!("site/{dir}")))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
            .filter(|p| p.ends_with(".html"))
            .min()
            .unwrap_or_else(|| panic!("a page under site/{dir}"))
    };
    let department = first_page("departments");
    let tag = first_page("tags");
    // Every kind of page: the index (and its search results), an SOP, an archived version,
    // a translation, a right-to-left page, a department, a tag, the dashboard and the 404 page.
    let out = Command::new("node")
        .arg("a11y.mjs")
        .arg(repo.path("site"))
        .args([
            "index.html",
            "index.html?q=refund",
            "sops/SOP-0001.html",
            &archived,
            "dashboard.html",
            "sops/SOP-0001.es.html",
            "sops/SOP-0090.html",
            &department,
            &tag,
            "404.html",
        ])
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "axe-core found violations:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The pages of [`crate::publish::angle_brackets_repo`]: words in angle brackets, a marked
/// prompt, kept HTML and checklist boxes.
const ANGLE_BRACKET_PAGES: [&str; 2] = ["site/sops/SOP-0001.html", "preview/sops/SOP-0002.html"];

#[test]
#[ignore = "needs java, node, chromium and tests/e2e/node_modules (npm ci)"]
fn pages_with_words_in_angle_brackets_prompts_and_checklists_validate() {
    let vnu = e2e_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !ready(&[
        (
            "java (apt-get install default-jre-headless)",
            have("java", "-version"),
        ),
        ("node (apt-get install nodejs)", have("node", "--version")),
        ("vnu-jar (cd tests/e2e && npm ci)", vnu.is_file()),
        (
            "axe-core (cd tests/e2e && npm ci)",
            e2e_dir().join("node_modules/axe-core").is_dir(),
        ),
    ]) {
        return;
    }
    let repo = crate::publish::angle_brackets_repo();
    let out = Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .arg("--errors-only")
        .args(ANGLE_BRACKET_PAGES.map(|p| repo.path(p)))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "the Nu Html Checker found errors:\n{report}"
    );
    let out = Command::new("node")
        .arg("a11y.mjs")
        .arg(repo.root())
        .args(ANGLE_BRACKET_PAGES)
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "axe-core found violations:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
