//! Shell completions: `sop completions <SHELL>` prints a script that asks `sop` for candidates
//! on every Tab (`COMPLETE=<shell> sop -- <words>`), so SOP ids, types and departments come from
//! the repository. See #16.

use crate::support::{SopRepo, sop_text};

/// A repository with two SOPs of two departments, a custom type, and a release of SOP-0001.
fn repo() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        "sop.toml",
        "[defaults]\ndepartment = \"User Service\"\n\n[types.alert-runbook]\ndescription = \"what an alert means and what to do\"\nsections = [\"Meaning\", \"Mitigation\"]\n",
    );
    repo.write(
        "sops/payments/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refund requests", "procedure", "approved"),
    );
    repo.write(
        "sops/ops/SOP-0002-outage.md",
        &sop_text("SOP-0002", "Payout outage", "runbook", "draft")
            .replace("department: Payments", "department: Operations"),
    );
    repo.commit("Add SOPs");
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "-m",
        "SOP-0001 v1.0.0: First version",
    ]);
    repo
}

/// The candidates `sop` gives fish for `words` (the last one is the word being completed):
/// `value` or `value<TAB>help` per line.
fn candidates(repo: &SopRepo, words: &[&str]) -> Vec<String> {
    let out = repo
        .sop()
        .env("COMPLETE", "fish")
        .arg("--")
        .arg("sop")
        .args(words)
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty(), "{:?}", out.get_output());
    String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Only the values, without the options clap adds when the word is empty.
fn values(repo: &SopRepo, words: &[&str]) -> Vec<String> {
    candidates(repo, words)
        .into_iter()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .filter(|v| !v.starts_with('-'))
        .collect()
}

#[test]
fn every_shell_gets_a_script_that_calls_sop_back() {
    let repo = SopRepo::empty();
    for (shell, marker) in [
        ("bash", "complete -o nospace"),
        ("zsh", "#compdef sop"),
        ("fish", "complete --keep-order"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "set edit:completion:arg-completer[sop]"),
    ] {
        let out = repo.sop().args(["completions", shell]).assert().success();
        let script = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(script.contains(marker), "{shell}:\n{script}");
        assert!(script.contains("COMPLETE"), "{shell}:\n{script}");
    }
}

#[test]
fn ids_come_with_their_titles_for_every_command_that_takes_one() {
    let repo = repo();
    for cmd in ["release", "review", "history", "diff"] {
        let all = candidates(&repo, &[cmd, "SOP-"]);
        assert_eq!(
            all,
            ["SOP-0001\tRefund requests", "SOP-0002\tPayout outage"],
            "{cmd}"
        );
    }
    // Whatever the case, and only those that match.
    assert_eq!(values(&repo, &["release", "sop-0002"]), ["SOP-0002"]);
    assert!(values(&repo, &["release", "SOP-9"]).is_empty());
}

#[test]
fn history_completes_files_once_the_word_is_a_path() {
    let repo = repo();
    assert_eq!(values(&repo, &["history", "sops/pay"]), ["sops/payments/"]);
}

#[test]
fn diff_offers_the_released_versions_of_its_sop() {
    let repo = repo();
    let from = candidates(&repo, &["diff", "SOP-0001", ""]);
    assert!(
        from.iter().any(|c| c.starts_with("1.0.0\treleased ")),
        "{from:?}"
    );
    assert!(from.iter().any(|c| c.starts_with("worktree\t")), "{from:?}");
    assert_eq!(
        values(&repo, &["diff", "SOP-0001", "1.0.0", "w"]),
        ["worktree"]
    );
    assert_eq!(
        values(&repo, &["diff", "SOP-0002", "1"]),
        Vec::<String>::new()
    );
}

#[test]
fn types_come_from_sop_toml() {
    let repo = repo();
    let types = candidates(&repo, &["new", "Title", "--type", ""]);
    assert!(
        types.contains(&"alert-runbook\twhat an alert means and what to do".to_string()),
        "{types:?}"
    );
    assert!(
        types.iter().any(|t| t.starts_with("procedure\t")),
        "{types:?}"
    );
    assert_eq!(
        values(&repo, &["import", "a.md", "-t", "alert"]),
        ["alert-runbook"]
    );
    // Outside a repository: the built-in types.
    let outside = SopRepo::empty();
    assert!(values(&outside, &["new", "T", "-t", "pol"]).contains(&"policy".to_string()));
}

#[test]
fn departments_come_from_the_sops_and_the_defaults() {
    let repo = repo();
    assert_eq!(
        candidates(&repo, &["new", "Title", "--department", ""]),
        [
            "Operations\t1 SOP",
            "Payments\t1 SOP",
            "User Service\t0 SOPs"
        ]
    );
    assert_eq!(
        values(&repo, &["adopt", "--department", "Op"]),
        ["Operations"]
    );
}

#[test]
fn rules_and_manual_pages_are_offered() {
    let repo = SopRepo::empty();
    let rules = values(&repo, &["lint", "--explain", "review-o"]);
    assert_eq!(rules, ["review-overdue"]);
    assert_eq!(values(&repo, &["man", "rel"]), ["release"]);
}

#[test]
fn completion_follows_dash_c() {
    let repo = repo();
    let elsewhere = SopRepo::empty();
    let dir = repo.root().to_string_lossy().into_owned();
    assert!(values(&elsewhere, &["release", "SOP"]).is_empty());
    assert_eq!(
        values(&elsewhere, &["-C", &dir, "release", "SOP"]),
        ["SOP-0001", "SOP-0002"]
    );
}

/// A broken `sop.toml` or no repository gives no candidate and no error: the shell must not
/// print errors in the middle of a command line.
#[test]
fn a_broken_repository_gives_no_candidates_and_no_error() {
    let repo = repo();
    repo.write("sop.toml", "[sops\n");
    assert!(values(&repo, &["release", ""]).is_empty());
    assert!(values(&repo, &["new", "T", "--department", ""]).is_empty());
    assert!(values(&SopRepo::empty(), &["history", "SOP"]).is_empty());
}

/// The bash script, sourced in a real bash, completes an id (when bash is installed).
#[test]
fn bash_completes_ids_end_to_end() {
    let repo = repo();
    let script = repo
        .sop()
        .args(["completions", "bash"])
        .output()
        .expect("run sop completions bash");
    repo.write_bytes("sop-completion.bash", &script.stdout);
    let probe = "source ./sop-completion.bash; COMP_WORDS=(sop review SOP-000); COMP_CWORD=2; \
                 COMP_TYPE=9; _clap_complete_sop sop SOP-000 review; printf '%s\\n' \"${COMPREPLY[@]}\"";
    // bash is needed like git (the action's tests run bash too): a missing bash fails the test
    // rather than letting it pass without checking anything.
    let out = std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-c", probe])
        .current_dir(repo.root())
        .env("PATH", path_with_sop())
        .output()
        .expect("this test runs the completion script in bash: install bash");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "SOP-0001\nSOP-0002\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `PATH` with the folder of the `sop` under test first.
fn path_with_sop() -> std::ffi::OsString {
    let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_sop"));
    let mut dirs = vec![bin.parent().unwrap().to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}
