//! Browser tests: `tests/e2e/site.test.mjs` (node + playwright-core + Debian's chromium) on the
//! published demo site from `file://` and from `sop serve`.
//!
//! Needs `node`, `chromium` (or `$CHROMIUM`) and `npm ci` in `tests/e2e`. Under `CI=true` a
//! missing piece fails the test; elsewhere the test is skipped with a loud message.
//! Screenshots land in `tests/e2e/screenshots/` (not committed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::publish::demo_repo;
use crate::serve::serve;

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
