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
    assert!(out.contains("kept     git repository"), "{out}");
    assert_eq!(r.git(&["rev-list", "--count", "HEAD"]).trim(), "1");
    assert!(r.path("sop.toml").is_file());
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

#[test]
fn init_ci_github_writes_a_lint_workflow() {
    let r = SopRepo::empty();
    r.sop().args(["init", "--ci", "github"]).assert().success();
    let wf = r.read(".github/workflows/sop.yml");
    assert!(wf.contains("pull_request"));
    assert!(wf.contains("sop lint --base"));
    assert!(wf.contains("--format github"));
    assert!(wf.contains("upload-sarif"));
}
