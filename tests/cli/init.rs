//! `sop init`.

use crate::support::SopRepo;

#[test]
fn init_in_an_empty_folder_creates_everything() {
    let r = SopRepo::empty();
    r.sop().args(["init", "team-sops"]).assert().success();
    let dir = r.path("team-sops");
    assert!(dir.join("sop.toml").is_file());
    assert!(dir.join("sops").is_dir());
    assert!(dir.join(".git").is_dir(), "git repository created");
    let gitignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(gitignore.contains("/site/"));
    let head = std::fs::read_to_string(dir.join(".git/HEAD")).unwrap();
    assert_eq!(head.trim(), "ref: refs/heads/main");
    // The written sop.toml is valid: `sop list` reads it.
    r.sop().args(["-C", "team-sops", "list"]).assert().success();
}

#[test]
fn init_in_an_existing_git_repository_keeps_it() {
    let r = SopRepo::new();
    std::fs::remove_file(r.path("sop.toml")).unwrap();
    r.write("README.md", "hello\n").commit("first");
    let out = r
        .sop()
        .arg("init")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("found    the existing git repository at `"),
        "{out}"
    );
    assert_eq!(r.git(&["rev-list", "--count", "HEAD"]).trim(), "1");
    assert!(r.path("sop.toml").is_file());
}

#[test]
fn init_where_sops_already_are_asks_to_check_them_not_to_write_a_first_one() {
    let r = SopRepo::empty();
    let out = r
        .sop()
        .arg("init")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("write your first SOP"), "{out}");
    r.write("sops/payments/refunds.md", "# Refunds\n\nHow we refund.\n");
    r.write(
        "sops/payments/chargebacks.md",
        "# Chargebacks\n\nHow we answer.\n",
    );
    let out = r
        .sop()
        .arg("init")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains("first SOP"), "{out}");
    assert!(
        out.contains("2 Markdown files are already in sops/: check them with `sop lint`"),
        "{out}"
    );
    assert!(out.contains("`sop adopt`"), "{out}");
}

#[test]
fn a_git_repository_without_sop_toml_or_sops_asks_for_sop_init() {
    let r = SopRepo::new();
    std::fs::remove_file(r.path("sop.toml")).unwrap();
    r.write("README.md", "hello\n").commit("first");
    let out = r.sop().args(["lint"]).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("is a git repository but not an SOP repository yet: it has no `sop.toml` and no `sops/` folder"),
        "{err}"
    );
    assert!(err.contains("run `sop init`"), "{err}");
    r.sop().args(["publish"]).assert().code(2);
    assert!(
        !r.path("site").exists(),
        "no site written into the repository"
    );
    // A `sops/` folder is enough to be one, as before `sop init` was asked for.
    r.write(
        "sops/payments/SOP-0001.md",
        &crate::support::sop_text("SOP-0001", "Refunds", "procedure", "draft"),
    );
    r.sop().args(["list"]).assert().success();
}

#[test]
fn init_twice_keeps_every_file() {
    let r = SopRepo::empty();
    r.sop().args(["init", "--ci", "github"]).assert().success();
    r.write("sop.toml", "[site]\ntitle = \"Mine\"\n");
    r.write(".gitignore", "/site/\n/tmp/\n");
    let workflow = r.read(".github/workflows/sop.yml");
    let out = r
        .sop()
        .args(["init", "--ci", "github"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("kept     sop.toml"), "{out}");
    assert!(out.contains("kept     .gitignore"), "{out}");
    assert_eq!(r.read("sop.toml"), "[site]\ntitle = \"Mine\"\n");
    assert_eq!(r.read(".gitignore"), "/site/\n/tmp/\n");
    assert_eq!(r.read(".github/workflows/sop.yml"), workflow);
}

/// The repository of `sop` itself, from Cargo.toml, whose action the workflow uses.
fn action() -> String {
    format!(
        "uses: {}@v1",
        env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/")
    )
}

#[test]
fn init_ci_github_writes_a_workflow_that_uses_the_action() {
    let r = SopRepo::empty();
    let done = r.sop().args(["init", "--ci", "github"]).assert().success();
    let out = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8(done.get_output().stderr.clone()).unwrap();
    // This test's `sop` is built from the source, whose Cargo.toml holds the placeholder
    // repository until the project's own is written there: replacing it is the first thing
    // left to do.
    assert_eq!(err, "");
    if action() == "uses: example/sop@v1" {
        assert!(
            out.contains("Still to do for CI:\n  1. replace `example/sop` in `.github/workflows/sop.yml` with the GitHub repository that publishes sop's releases"),
            "{out}"
        );
    } else {
        assert!(!out.contains("example/sop"), "{out}");
    }
    let wf = r.read(".github/workflows/sop.yml");
    assert!(wf.contains("pull_request"), "{wf}");
    assert!(wf.contains(&action()), "{wf}");
    assert!(wf.contains("fetch-depth: 0"), "{wf}");
    assert!(
        wf.contains("permissions:\n  contents: read\n\njobs:"),
        "{wf}"
    );
    // No code scanning unless asked: its upload fails where code scanning is off.
    assert!(!wf.contains("upload-sarif"), "{wf}");
    assert!(!wf.contains("security-events"), "{wf}");
    assert!(
        !wf.contains("code-scanning"),
        "no template marks left: {wf}"
    );
    assert!(!wf.contains("cargo install"), "no compiling in CI: {wf}");
    assert!(
        out.contains(". commit `.github/workflows/sop.yml` and push it: every pull request, and every push to `main`, is then checked"),
        "{out}"
    );
    assert!(wf.contains("    branches: [main]\n"), "{wf}");
}

#[test]
fn init_ci_github_in_a_folder_of_a_git_repository_writes_the_workflow_at_its_root() {
    let r = SopRepo::empty();
    r.git(&["init", "-q", "-b", "trunk"]);
    r.write("docs/README.md", "# Docs\n");
    let done = r
        .sop()
        .args(["init", "ops", "--ci", "github"])
        .assert()
        .success();
    let out = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    assert!(r.path("ops/sop.toml").is_file());
    assert!(
        !r.path("ops/.github").exists(),
        "GitHub reads no workflow there"
    );
    let wf = r.read(".github/workflows/sop.yml");
    assert!(
        wf.contains(
            "        with:\n          working-directory: ops   # the folder with sop.toml\n"
        ),
        "{wf}"
    );
    assert!(wf.contains("    branches: [trunk]\n"), "{wf}");
    assert!(
        out.contains("created  .github/workflows/sop.yml at the git repository's root"),
        "{out}"
    );
    assert!(
        out.contains("every push to `trunk`, is then checked by the")
            && out.contains("(it lints the SOP repository in `ops/`)"),
        "{out}"
    );

    // Asked again, with code scanning: the workflow there is kept, and the writer is told so,
    // with how to get the new one, instead of being promised an upload step it lacks.
    let out = r
        .sop()
        .args(["init", "ops", "--ci", "github", "--code-scanning"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(r.read(".github/workflows/sop.yml"), wf);
    assert!(
        out.contains("Still to do for CI:\n  1. `.github/workflows/sop.yml` was already there and is left as it was, so it may not use the sop action nor upload to code scanning: to get the new workflow, move the old file away and run `sop init --ci github --code-scanning` again\n"),
        "{out}"
    );
    assert!(!out.contains("turn on code scanning"), "{out}");
}

#[test]
fn init_in_a_repository_of_documents_points_to_adopt() {
    let r = SopRepo::empty();
    r.write("docs/refunds.md", "# Refunds\n")
        .write("docs/payouts/disputes.md", "# Disputes\n")
        .write("guides/a.md", "# A\n");
    let out = r
        .sop()
        .args(["init"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Next: 3 Markdown files are already here (docs/ 2, guides/ 1). To make them SOPs,\n      set `dir = \"docs\"` under `[sops]` in sop.toml, then `sop adopt --dry-run` shows"),
        "{out}"
    );
}

#[test]
fn init_ci_github_code_scanning_uploads_the_sarif_of_the_same_run() {
    let r = SopRepo::empty();
    let out = r
        .sop()
        .args(["init", "--ci", "github", "--code-scanning"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let wf = r.read(".github/workflows/sop.yml");
    assert!(wf.contains(&action()), "{wf}");
    assert!(
        wf.contains("permissions:\n  contents: read\n  security-events: write"),
        "{wf}"
    );
    assert!(wf.contains("  actions: read"), "{wf}");
    assert!(wf.contains("sarif: sop.sarif"), "{wf}");
    assert!(
        wf.contains("uses: github/codeql-action/upload-sarif@v4"),
        "{wf}"
    );
    assert!(
        wf.contains("sarif_file: ${{ steps.sop.outputs.sarif }}"),
        "{wf}"
    );
    assert!(
        !wf.contains("code-scanning"),
        "no template marks left: {wf}"
    );
    assert!(out.contains("turn on code scanning"), "{out}");
}

#[test]
fn init_code_scanning_needs_ci() {
    let r = SopRepo::empty();
    r.sop()
        .args(["init", "--code-scanning"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--ci"));
}

/// Run `sop ARGS` in `dir` under `umask 027`.
fn sop_with_umask(r: &SopRepo, args: &str) {
    let bin = assert_cmd::cargo::cargo_bin("sop");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask 027 && exec \"$0\" {args}"))
        .arg(bin)
        .current_dir(r.root())
        .env("SOP_TODAY", crate::support::TODAY)
        .env("HOME", r.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(status.success(), "sop {args}");
}

/// See #11 (R9): new files get 0666 less the umask, as an editor would make them, and `--fix`
/// keeps a file's own permissions.
#[test]
fn init_and_new_create_files_with_the_umask_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let r = SopRepo::empty();
    sop_with_umask(&r, "init .");
    sop_with_umask(&r, "new Refunds --department Ops --owner Ann");
    let mode = |rel: &str| std::fs::metadata(r.path(rel)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("sop.toml"), 0o640);
    assert_eq!(mode(".gitignore"), 0o640);
    let new = std::fs::read_dir(r.path("sops"))
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let rel = new
        .strip_prefix(r.root())
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(mode(&rel), 0o640, "{rel}");
    // `--fix` (a missing final newline) keeps the file's own mode.
    let text = r.read(&rel);
    r.write(&rel, text.trim_end());
    std::fs::set_permissions(r.path(&rel), std::fs::Permissions::from_mode(0o604)).unwrap();
    r.sop().args(["lint", "--fix"]).output().unwrap();
    assert!(r.read(&rel).ends_with('\n'), "fixed");
    assert_eq!(mode(&rel), 0o604);
}

/// The `sop.toml` the README shows under "Adopting existing documents" is valid, and with it
/// a tech-docs page is read as the team writes it.
#[test]
fn the_readmes_adopting_sop_toml_is_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## Adopting existing documents").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let toml = &section[start..start + section[start..].find("```").unwrap()];
    let r = SopRepo::new();
    r.write("sop.toml", toml).write(
        "source/runbooks/PAY-0001-card-declines.html.md.erb",
        "---\nid: PAY-0001\ntitle: Card declines\ntype: alert\nstatus: draft\nversion: 0.1.0\nowner_slack: \"#payments\"\ndepartment: Payments\nweight: 10\n---\n\n### 1. Possible Causes\n\nA bank outage.\n\n### 2. Investigation:\n\nCheck the dashboard.\n\n### 3. Resolution\n\nRetry.\n",
    );
    let out = r
        .sop()
        .args(["lint", "--format", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json, serde_json::json!([]));
    let out = r
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    let list = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        list.contains("\"PAY-0001\"") && list.contains("#payments"),
        "{list}"
    );
}

#[test]
fn init_ci_github_on_a_feature_branch_checks_pushes_to_the_main_branch() {
    let r = SopRepo::new();
    r.write("notes.md", "n\n").commit("First");
    r.git(&["checkout", "-q", "-b", "add-sop-ci"]);
    r.sop().args(["init", "--ci", "github"]).assert().success();
    let wf = r.read(".github/workflows/sop.yml");
    assert!(wf.contains("    branches: [main]\n"), "{wf}");
    // The remote's default branch wins.
    r.git(&["update-ref", "refs/remotes/origin/trunk", "HEAD"]);
    r.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/trunk",
    ]);
    std::fs::remove_file(r.path(".github/workflows/sop.yml")).unwrap();
    r.sop().args(["init", "--ci", "github"]).assert().success();
    let wf = r.read(".github/workflows/sop.yml");
    assert!(wf.contains("    branches: [trunk]\n"), "{wf}");
}
