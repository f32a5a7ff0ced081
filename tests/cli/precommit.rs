//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit` (from PyPI) on
//! a temp repository: `git commit` runs the hook on the staged SOPs, a broken SOP blocks the
//! commit and the fixed one passes, warnings are shown on a commit that passes, and an SOP with
//! another Markdown extension of `sop.toml` (`.markdown`) is checked too; a commit that moves
//! or deletes an SOP another one links to is blocked until the link is fixed. The `sop-lint-system` hook is used, as written in the
//! manifest, under `repo: local` with the test-built `sop` on PATH (`sop-lint` is the same hook
//! with `language: rust`, which would first compile `sop` in release mode).

#![cfg(unix)]

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::support::{SopRepo, TODAY, sop_text};

const NEEDS: &str =
    "needs pre-commit (pip install pre-commit), then: cargo test -- --include-ignored";

/// The `- id: ID` entry of the project's `.pre-commit-hooks.yaml`, as its lines.
fn hook(id: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let mut lines = Vec::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with("- ") {
            inside = line == format!("- id: {id}");
        }
        if inside && !line.trim_start().starts_with('#') && !line.trim().is_empty() {
            lines.push(line.to_string());
        }
    }
    assert!(!lines.is_empty(), "no hook {id} in .pre-commit-hooks.yaml");
    lines
}

/// Run `program args` in `repo` with the folder of the test-built `sop` first on PATH.
fn run(repo: &SopRepo, program: &str, args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("sop");
    let bin_dir = bin.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(program)
        .args(args)
        .current_dir(repo.root())
        .env("PATH", path)
        .env("SOP_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // pre-commit keeps its environments under its cache folder: one per test repository.
        .env("PRE_COMMIT_HOME", repo.path(".pre-commit-cache"))
        .env("GIT_AUTHOR_DATE", "@1767225600 +0000")
        .env("GIT_COMMITTER_DATE", "@1767225600 +0000")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{program}` ({e}): {NEEDS}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A repository with the `sop-lint-system` hook in its `.pre-commit-config.yaml` (not yet
/// committed or installed).
fn with_hook() -> SopRepo {
    let version = Command::new("pre-commit").arg("--version").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "pre-commit is not installed: {NEEDS}"
    );
    let repo = SopRepo::new();
    let mut config = String::from("repos:\n  - repo: local\n    hooks:\n");
    for line in hook("sop-lint-system") {
        config.push_str("      ");
        config.push_str(&line);
        config.push('\n');
    }
    repo.write(".pre-commit-config.yaml", &config);
    repo.write(".gitignore", ".pre-commit-cache/\n");
    repo
}

#[test]
#[ignore = "needs pre-commit: pip install pre-commit; cargo test -- --include-ignored"]
fn pre_commit_hook_blocks_a_broken_sop_and_passes_the_fixed_one() {
    let repo = with_hook();
    repo.write("sop.toml", "[sops]\nextensions = [\"md\", \"markdown\"]\n");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.md",
        &sop_text("SOP-0001", "Gift Refunds", "procedure", "approved"),
    );
    repo.commit("set up");
    let installed = run(&repo, "pre-commit", &["install"]);
    assert!(installed.status.success(), "{}", text(&installed));

    // A broken SOP: the version is not semver, an error.
    let path = "sops/payments/SOP-0002-payout-disputes.md";
    let good = sop_text("SOP-0002", "Payout Disputes", "procedure", "draft");
    repo.write(path, &good.replace("version: 1.0.0", "version: 1.0"));
    repo.write("README.md", "# Our SOPs\n");
    repo.git(&["add", "-A"]);
    let blocked = run(&repo, "git", &["commit", "-m", "add payout disputes"]);
    let said = text(&blocked);
    assert!(!blocked.status.success(), "the commit went through: {said}");
    assert!(said.contains("sop lint"), "{said}");
    assert!(said.contains("Failed"), "{said}");
    assert!(said.contains("version-invalid"), "{said}");
    assert!(said.contains(path), "{said}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "1");

    // Fixed: the commit passes, and only the staged files were given to sop.
    repo.write(path, &good);
    repo.git(&["add", "-A"]);
    let passed = run(&repo, "git", &["commit", "-m", "add payout disputes"]);
    let said = text(&passed);
    assert!(passed.status.success(), "{said}");
    assert!(said.contains("Passed"), "{said}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");

    // Warnings let the commit through, and pre-commit shows them (it hides the output of a
    // passing hook unless the hook is `verbose`).
    let path = "sops/payments/SOP-0003-chargebacks.md";
    let warned = sop_text("SOP-0003", "Chargebacks", "procedure", "draft")
        .replace("The purpose of this SOP.", "<Describe the purpose.>");
    repo.write(path, &warned);
    repo.git(&["add", "-A"]);
    let passed = run(&repo, "git", &["commit", "-m", "add chargebacks"]);
    let said = text(&passed);
    assert!(passed.status.success(), "{said}");
    assert!(said.contains("Passed"), "{said}");
    assert!(said.contains("placeholder-left"), "{said}");
    assert!(said.contains(path), "{said}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "3");

    // A `.markdown` SOP (`extensions` in sop.toml) is checked like a `.md` one.
    let path = "sops/payments/SOP-0004-card-disputes.markdown";
    let good = sop_text("SOP-0004", "Card Disputes", "procedure", "draft");
    repo.write(path, &good.replace("version: 1.0.0", "version: 1.0"));
    repo.git(&["add", "-A"]);
    let blocked = run(&repo, "git", &["commit", "-m", "add card disputes"]);
    let said = text(&blocked);
    assert!(!blocked.status.success(), "the commit went through: {said}");
    assert!(said.contains("version-invalid"), "{said}");
    assert!(said.contains(path), "{said}");
    repo.write(path, &good);
    repo.git(&["add", "-A"]);
    let passed = run(&repo, "git", &["commit", "-m", "add card disputes"]);
    assert!(passed.status.success(), "{}", text(&passed));
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "4");

    // A commit without Markdown files runs the hook too (it could delete an SOP), which
    // checks nothing and passes.
    repo.write("notes.txt", "hello\n");
    repo.git(&["add", "-A"]);
    let passed = run(&repo, "git", &["commit", "-m", "notes"]);
    let said = text(&passed);
    assert!(passed.status.success(), "{said}");
    assert!(said.contains("Passed"), "{said}");
    assert!(!said.contains("error"), "{said}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "5");
}

#[test]
#[ignore = "needs pre-commit: pip install pre-commit; cargo test -- --include-ignored"]
fn pre_commit_hook_blocks_a_commit_that_moves_or_deletes_a_linked_sop() {
    let repo = with_hook();
    let gateway = "sops/infra/SOP-0001-restart-the-gateway.md";
    let deploy = "sops/infra/SOP-0002-deploy.md";
    repo.write(
        gateway,
        &sop_text("SOP-0001", "Restart the Gateway", "procedure", "draft"),
    );
    let linking = format!(
        "{}\n## See also\n\n[Restart the gateway](SOP-0001-restart-the-gateway.md) first.\n",
        sop_text("SOP-0002", "Deploy", "procedure", "draft")
    );
    repo.write(deploy, &linking);
    repo.commit("set up");
    let installed = run(&repo, "pre-commit", &["install"]);
    assert!(installed.status.success(), "{}", text(&installed));

    // Moving SOP-0001 leaves SOP-0002's link broken: pre-commit passes only the moved file,
    // and sop reports the link in SOP-0002 with the file's new place.
    std::fs::create_dir_all(repo.path("sops/ops")).unwrap();
    repo.git(&["mv", gateway, "sops/ops/"]);
    let blocked = run(&repo, "git", &["commit", "-m", "move the gateway SOP"]);
    let said = text(&blocked);
    assert!(!blocked.status.success(), "the commit went through: {said}");
    assert!(said.contains("Failed"), "{said}");
    assert!(said.contains("link-broken"), "{said}");
    assert!(said.contains(deploy), "{said}");
    assert!(
        said.contains("../ops/SOP-0001-restart-the-gateway.md"),
        "{said}"
    );
    assert!(said.contains(&format!("links to `{gateway}`")), "{said}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "1");

    // The same commit with the link fixed passes.
    repo.write(deploy, &linking.replace("(SOP-0001-", "(../ops/SOP-0001-"));
    repo.git(&["add", deploy]);
    let passed = run(&repo, "git", &["commit", "-m", "move the gateway SOP"]);
    let said = text(&passed);
    assert!(passed.status.success(), "{said}");
    assert!(said.contains("Passed"), "{said}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");

    // A commit that only deletes the SOP (no file staged for pre-commit to pass) is blocked
    // too, and passes once the link is removed.
    repo.git(&["rm", "-q", "sops/ops/SOP-0001-restart-the-gateway.md"]);
    let blocked = run(&repo, "git", &["commit", "-m", "retire the gateway SOP"]);
    let said = text(&blocked);
    assert!(!blocked.status.success(), "the commit went through: {said}");
    assert!(said.contains("link-broken"), "{said}");
    assert!(said.contains(deploy), "{said}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");
    repo.write(
        deploy,
        &sop_text("SOP-0002", "Deploy", "procedure", "draft"),
    );
    repo.git(&["add", deploy]);
    let passed = run(&repo, "git", &["commit", "-m", "retire the gateway SOP"]);
    assert!(passed.status.success(), "{}", text(&passed));
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "3");
}
