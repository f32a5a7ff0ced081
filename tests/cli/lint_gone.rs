//! `sop lint PATHS` (what a pre-commit hook runs on the staged files) also reports the links
//! of other SOPs that the change breaks: links to a file committed at `HEAD` that the change
//! moves (`git mv`) or deletes (`git rm`). A change that breaks nothing stays clean, and a link
//! that was already broken before the change is not pinned on it.

use crate::support::{SopRepo, sop_text};

const GATEWAY: &str = "sops/infra/SOP-0001-restart-the-gateway.md";
const DEPLOY: &str = "sops/infra/SOP-0002-deploy.md";

/// SOP-0001, and SOP-0002 that links to it (and to a section of it), committed.
fn linked() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        GATEWAY,
        &sop_text("SOP-0001", "Restart the Gateway", "procedure", "draft"),
    );
    repo.write(
        DEPLOY,
        &format!(
            "{}\n## See also\n\n[Restart the gateway](SOP-0001-restart-the-gateway.md) first.\n",
            sop_text("SOP-0002", "Deploy", "procedure", "draft")
        ),
    );
    repo.commit("add SOPs");
    let clean = repo.sop().arg("lint").output().unwrap();
    assert!(clean.status.success(), "{}", text(&clean));
    repo
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn moving_a_linked_sop_reports_the_link_it_breaks() {
    let repo = linked();
    std::fs::create_dir_all(repo.path("sops/ops")).unwrap();
    repo.git(&["mv", GATEWAY, "sops/ops/"]);
    let moved = "sops/ops/SOP-0001-restart-the-gateway.md";
    assert!(repo.path(moved).exists() && !repo.path(GATEWAY).exists());

    let out = repo.sop().args(["lint", moved]).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("error[link-broken]"), "{said}");
    assert!(said.contains(DEPLOY), "{said}");
    assert!(
        said.contains("did you mean `../ops/SOP-0001-restart-the-gateway.md`?"),
        "{said}"
    );
    assert!(
        said.contains(&format!("links to `{GATEWAY}`")),
        "the note says why an SOP that was not named is reported: {said}"
    );

    // The same in JSON: the finding is in SOP-0002.
    let out = repo
        .sop()
        .args(["lint", "--format", "json", moved])
        .output()
        .unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default(),
                f["file"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(rules, [("link-broken", DEPLOY)], "{findings:?}");

    // Fixing the link fixes the check.
    let fixed = repo.read(DEPLOY).replace("(SOP-0001-", "(../ops/SOP-0001-");
    repo.write(DEPLOY, &fixed);
    let out = repo.sop().args(["lint", moved, DEPLOY]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn deleting_a_linked_sop_reports_the_link_it_breaks() {
    let repo = linked();
    repo.write("sops/infra/README.md", "# Infra\n");
    repo.git(&["rm", "-q", GATEWAY]);
    // Any path of the change will do, even one that is no SOP.
    let out = repo
        .sop()
        .args(["lint", "sops/infra/README.md"])
        .output()
        .unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("error[link-broken]"), "{said}");
    assert!(said.contains(DEPLOY), "{said}");
    assert!(said.contains(&format!("links to `{GATEWAY}`")), "{said}");

    // `--staged` with no path (what the pre-commit hook runs for a commit that only deletes).
    let out = repo.sop().args(["lint", "--staged"]).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("error[link-broken]"), "{said}");
    assert!(said.contains(DEPLOY), "{said}");
}

#[test]
fn a_change_that_breaks_no_link_stays_clean() {
    let repo = linked();
    // SOP-0002 is not linked to: moving it breaks nothing (its own link is fixed on the way).
    let moved = "sops/ops/SOP-0002-deploy.md";
    repo.write(
        moved,
        &repo
            .read(DEPLOY)
            .replace("(SOP-0001-", "(../infra/SOP-0001-"),
    );
    repo.git(&["rm", "-q", DEPLOY]);
    repo.git(&["add", moved]);
    let out = repo.sop().args(["lint", moved]).output().unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("also checked"), "{said}");

    // `--staged` with no path and nothing gone checks nothing, quietly.
    repo.commit("move deploy");
    repo.write("notes.txt", "hello\n");
    let out = repo.sop().args(["lint", "--staged"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_link_broken_before_the_change_is_not_reported_for_it() {
    let repo = linked();
    let other = "sops/infra/SOP-0003-rollback.md";
    repo.write(
        other,
        &format!(
            "{}\n## See also\n\n[Old](SOP-0009-never-there.md)\n",
            sop_text("SOP-0003", "Rollback", "procedure", "draft")
        ),
    );
    repo.commit("add rollback with a broken link");
    repo.write(
        GATEWAY,
        &sop_text("SOP-0001", "Restart the Gateway", "procedure", "draft")
            .replace("The purpose of this SOP.", "Restart the gateway safely."),
    );
    let out = repo.sop().args(["lint", GATEWAY]).output().unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains(other), "{said}");
}

#[test]
fn staged_without_a_path_finds_the_sop_repository_in_a_subfolder() {
    // The hook runs at the git root; the SOPs are in `ops/`, with their `sop.toml`.
    let repo = SopRepo::new();
    std::fs::remove_file(repo.path("sop.toml")).unwrap();
    repo.write("ops/sop.toml", "");
    repo.write(
        &format!("ops/{GATEWAY}"),
        &sop_text("SOP-0001", "Restart the Gateway", "procedure", "draft"),
    );
    repo.write(
        &format!("ops/{DEPLOY}"),
        &format!(
            "{}\n## See also\n\n[Restart the gateway](SOP-0001-restart-the-gateway.md) first.\n",
            sop_text("SOP-0002", "Deploy", "procedure", "draft")
        ),
    );
    repo.write("notes.txt", "hello\n");
    repo.commit("add SOPs");

    // Nothing moved or deleted: nothing to check, outside the SOP repository too, also when
    // the commit's only file is in no SOP repository.
    let out = repo.sop().args(["lint", "--staged"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    repo.write("README.md", "# Operations\n");
    let out = repo
        .sop()
        .args(["lint", "--staged", "README.md"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));

    // Deleting an SOP with the README staged too: the link it breaks is found.
    repo.git(&["rm", "-q", &format!("ops/{GATEWAY}")]);
    let out = repo
        .sop()
        .args(["lint", "--staged", "README.md"])
        .output()
        .unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains(DEPLOY), "{said}");
    repo.git(&["checkout", "HEAD", "--", "."]);

    repo.git(&["rm", "-q", &format!("ops/{GATEWAY}")]);
    let out = repo.sop().args(["lint", "--staged"]).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("error[link-broken]"), "{said}");
    assert!(said.contains(DEPLOY), "{said}");

    // A deleted file outside the SOP repository leads to none: nothing to check.
    repo.git(&["checkout", "HEAD", "--", "."]);
    repo.git(&["rm", "-q", "notes.txt"]);
    let out = repo.sop().args(["lint", "--staged"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
}
