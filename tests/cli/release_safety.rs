//! `sop release` and `sop review` are all or nothing: a busy index, a second release, a kill
//! at any moment, a staged rename, a symlink, signing settings and odd names never leave a
//! half-done release or a staged change that undoes one.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";
const SOP2: &str = "sops/payments/SOP-0002-chargebacks.md";

fn repo_with_sops() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .write(
        SOP2,
        &sop_text("SOP-0002", "Chargebacks", "procedure", "approved"),
    )
    .commit("Add SOPs");
    repo
}

fn head(repo: &SopRepo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

fn tracked_status(repo: &SopRepo) -> String {
    repo.git(&["status", "--porcelain", "--untracked-files=no"])
}

const RELEASE: &[&str] = &[
    "release",
    "SOP-0001",
    "--patch",
    "-m",
    "Fix wording",
    "--approve",
    "--approver",
    "Lena Fischer <lena@example.com>",
];

#[test]
fn a_held_index_lock_refuses_the_release_and_changes_nothing() {
    let repo = repo_with_sops();
    let before = (head(&repo), repo.read(SOP));
    std::fs::write(repo.path(".git/index.lock"), "").unwrap();
    let out = repo
        .sop()
        .args(RELEASE)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("index is in use by another program"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was released"), "{stderr}");
    assert!(stderr.contains("delete `"), "{stderr}");
    assert!(
        repo.path(".git/index.lock").exists(),
        "another program's lock stays"
    );
    std::fs::remove_file(repo.path(".git/index.lock")).unwrap();
    assert_eq!((head(&repo), repo.read(SOP)), before);
    assert_eq!(repo.git(&["tag", "-l"]), "");
    assert_eq!(tracked_status(&repo), "");
    // A retry is a real release, not an empty commit.
    repo.sop().args(RELEASE).assert().success();
    assert_eq!(
        repo.git(&["show", "--format=", "--name-only", "HEAD"])
            .trim(),
        SOP
    );
    assert_eq!(tracked_status(&repo), "");
}

#[test]
fn a_stale_branch_lock_is_named_in_plain_words() {
    let repo = repo_with_sops();
    std::fs::write(repo.path(".git/refs/heads/main.lock"), "").unwrap();
    let before = (head(&repo), repo.read(SOP));
    let out = repo
        .sop()
        .args(RELEASE)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is locked by another program"), "{stderr}");
    assert!(stderr.contains("main.lock"), "{stderr}");
    assert!(!stderr.contains("class="), "no raw libgit2 words: {stderr}");
    std::fs::remove_file(repo.path(".git/refs/heads/main.lock")).unwrap();
    assert_eq!((head(&repo), repo.read(SOP)), before);
    assert_eq!(tracked_status(&repo), "");
    assert!(!repo.path(".git/index.lock").exists());
}

#[test]
fn two_releases_at_once_both_complete_or_one_is_refused_cleanly() {
    let sop = assert_cmd::cargo::cargo_bin("sop");
    for round in 0..20 {
        let repo = repo_with_sops();
        let spawn = |id: &str| {
            Command::new(&sop)
                .args(["release", id, "--patch", "-m", "Fix"])
                .current_dir(repo.root())
                .env("SOP_TODAY", crate::support::TODAY)
                .env("HOME", repo.root())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("SOP-0001"), spawn("SOP-0002"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for (out, id, tag) in [
            (&a, "SOP-0001", "SOP-0001/v1.0.1"),
            (&b, "SOP-0002", "SOP-0002/v1.0.1"),
        ] {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                assert!(
                    repo.git(&["tag", "-l", tag]).contains(tag),
                    "round {round}: {id} released without its tag"
                );
            } else {
                assert_eq!(out.status.code(), Some(1), "round {round}: {stderr}");
                assert!(
                    stderr.contains("another release is running"),
                    "round {round}: {stderr}"
                );
            }
        }
        assert_eq!(tracked_status(&repo), "", "round {round}");
        for path in [SOP, SOP2] {
            let committed = repo.git(&["show", &format!("HEAD:{path}")]);
            assert_eq!(committed, repo.read(path), "round {round}: {path}");
        }
    }
}

/// A small, repeatable stream of numbers for the kill moments.
fn moments(n: usize) -> Vec<u64> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % 41
        })
        .collect()
}

#[test]
fn a_release_killed_at_any_moment_is_old_or_complete_after_the_next_run() {
    let sop = assert_cmd::cargo::cargo_bin("sop");
    let mut outcomes = [0usize; 3];
    for (i, ms) in moments(40).into_iter().enumerate() {
        let repo = repo_with_sops();
        let old = (head(&repo), repo.read(SOP));
        let mut child = Command::new(&sop)
            .args(RELEASE)
            .current_dir(repo.root())
            .env("SOP_TODAY", crate::support::TODAY)
            .env("HOME", repo.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let released = repo
            .git(&["tag", "-l", "SOP-0001/v1.0.1"])
            .trim()
            .to_string();
        let complete = !released.is_empty()
            && repo.git(&["rev-parse", "SOP-0001/v1.0.1^{commit}"]).trim() == head(&repo)
            && tracked_status(&repo).is_empty();
        let untouched = head(&repo) == old.0
            && repo.read(SOP) == old.1
            && released.is_empty()
            && tracked_status(&repo).is_empty()
            && !repo.path(".git/index.lock").exists();
        if complete {
            outcomes[0] += 1;
        } else if untouched {
            outcomes[1] += 1;
        } else {
            // Killed in the middle: the journal says so, and the next run finishes or undoes it.
            outcomes[2] += 1;
            assert!(
                repo.path(".git/sop-release.journal").exists(),
                "kill {i} at {ms} ms left a half-done release without a journal: {}",
                tracked_status(&repo)
            );
        }
        // Never a staged change that undoes a release.
        assert!(
            repo.git(&["diff", "--cached", "--name-only", "HEAD"])
                .trim()
                .is_empty()
                || repo.path(".git/sop-release.journal").exists(),
            "kill {i} at {ms} ms left a staged change"
        );
        // The next release works and leaves everything clean.
        repo.sop()
            .args(["release", "SOP-0001", "--patch", "-m", "Again"])
            .assert()
            .success();
        assert_eq!(tracked_status(&repo), "", "after kill {i} at {ms} ms");
        assert!(!repo.path(".git/index.lock").exists());
        assert!(!repo.path(".git/sop-release.journal").exists());
        let committed = repo.git(&["show", &format!("HEAD:{SOP}")]);
        assert_eq!(committed, repo.read(SOP));
    }
    eprintln!("complete, untouched, finished by the next run: {outcomes:?}");
}

#[test]
fn a_staged_rename_of_the_sop_is_refused() {
    let repo = repo_with_sops();
    let renamed = "sops/payments/SOP-0001-refund-requests.md";
    repo.git(&["mv", SOP, renamed]);
    let out = repo
        .sop()
        .args([
            "release",
            "SOP-0001",
            "--patch",
            "-m",
            "Fix",
            "--approve",
            "--approver",
            "Lena",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("commit the rename first"), "{stderr}");
    assert_eq!(repo.git(&["tag", "-l"]), "");
    // The tree of HEAD never holds the SOP twice.
    let files = repo.git(&["ls-tree", "-r", "--name-only", "HEAD", "sops/payments"]);
    assert_eq!(files.matches("SOP-0001-").count(), 1, "{files}");
}

#[test]
fn a_symlinked_sop_is_never_released() {
    let repo = repo_with_sops();
    let real = "shared/SOP-0003-real.md";
    repo.write(
        real,
        &sop_text("SOP-0003", "Linked", "procedure", "approved"),
    );
    std::os::unix::fs::symlink(
        repo.path(real),
        repo.path("sops/payments/SOP-0003-linked.md"),
    )
    .unwrap();
    repo.commit("Link");
    let before = head(&repo);
    let out = repo
        .sop()
        .args(["release", "SOP-0003", "--patch", "-m", "x"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(head(&repo), before);
    let mode = repo.git(&["ls-tree", "HEAD", "sops/payments/SOP-0003-linked.md"]);
    assert!(mode.starts_with("120000"), "the link stays a link: {mode}");
}

#[test]
fn angle_brackets_in_the_git_name_are_cleaned_as_git_does() {
    let repo = repo_with_sops();
    repo.git(&["config", "user.name", "Ann <Ops> Lee"]);
    repo.sop().args(RELEASE).assert().success();
    let author = repo.git(&["log", "-1", "--format=%an|%ae"]);
    assert_eq!(author.trim(), "Ann Ops Lee|writer@example.com");
    let tagger = repo.git(&[
        "for-each-ref",
        "--format=%(taggername)",
        "refs/tags/SOP-0001/v1.0.1",
    ]);
    assert_eq!(tagger.trim(), "Ann Ops Lee");
}

#[test]
fn releases_run_no_hooks_and_say_so_in_help() {
    let repo = repo_with_sops();
    let hook = repo.path(".git/hooks/pre-commit");
    std::fs::write(&hook, "#!/bin/sh\necho ran > hook-ran\nexit 1\n").unwrap();
    let mut perms = std::fs::metadata(&hook).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&hook, perms).unwrap();
    repo.sop().args(RELEASE).assert().success();
    assert!(!repo.path("hook-ran").exists());
    let help = repo.sop().args(["release", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("hooks"), "{help}");
}

#[test]
fn signing_without_a_key_is_refused_with_the_reason() {
    let repo = repo_with_sops();
    repo.git(&["config", "commit.gpgsign", "true"]);
    repo.git(&["config", "user.signingkey", "0000DEADBEEF0000"]);
    let gnupg = repo.path(".gnupg-empty");
    std::fs::create_dir_all(&gnupg).unwrap();
    let before = (head(&repo), repo.read(SOP));
    let out = repo
        .sop()
        .env("GNUPGHOME", &gnupg)
        .args(RELEASE)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("commit.gpgsign"), "{stderr}");
    assert!(stderr.contains("--no-sign"), "{stderr}");
    assert_eq!((head(&repo), repo.read(SOP)), before);
    assert_eq!(tracked_status(&repo), "");
    assert!(!repo.path(".git/index.lock").exists());
    // `--no-sign` releases without a signature.
    repo.sop()
        .env("GNUPGHOME", &gnupg)
        .args(RELEASE)
        .arg("--no-sign")
        .assert()
        .success();
    assert_eq!(repo.git(&["tag", "-l"]).trim(), "SOP-0001/v1.0.1");
}

/// Whether no `.git/sop-tag-*` scratch folder is left behind.
fn no_scratch_left(repo: &SopRepo) -> bool {
    std::fs::read_dir(repo.path(".git"))
        .unwrap()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().starts_with("sop-tag-"))
}

#[test]
fn a_tag_signature_that_fails_leaves_the_repository_as_it_was() {
    for setting in ["tag.gpgSign", "tag.forceSignAnnotated"] {
        let repo = repo_with_sops();
        repo.git(&["config", setting, "true"]);
        repo.git(&["config", "user.signingkey", "0000DEADBEEF0000"]);
        let gnupg = repo.path(".gnupg-empty");
        std::fs::create_dir_all(&gnupg).unwrap();
        let before = (head(&repo), repo.read(SOP));
        let out = repo
            .sop()
            .env("GNUPGHOME", &gnupg)
            .args(RELEASE)
            .assert()
            .code(1)
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("`{}`", setting.to_lowercase())),
            "{setting}: {stderr}"
        );
        assert!(stderr.contains("nothing was released"), "{stderr}");
        assert!(stderr.contains("--no-sign"), "{stderr}");
        assert!(!stderr.contains("TAG_EDITMSG"), "{stderr}");
        assert!(!stderr.contains("git tag -s"), "{stderr}");
        // No commit on the branch, no tag, the file and the index as they were.
        assert_eq!((head(&repo), repo.read(SOP)), before, "{setting}");
        assert_eq!(repo.git(&["tag", "-l"]), "", "{setting}");
        assert_eq!(tracked_status(&repo), "", "{setting}");
        assert!(!repo.path(".git/index.lock").exists());
        assert!(!repo.path(".git/sop-release.journal").exists());
        assert!(no_scratch_left(&repo), "{setting}");
        // Released again without a signature: one commit with the SOP in it, and its tag.
        repo.sop()
            .env("GNUPGHOME", &gnupg)
            .args(RELEASE)
            .arg("--no-sign")
            .assert()
            .success();
        assert_eq!(
            repo.git(&["rev-list", "--count", &format!("{}..HEAD", before.0)])
                .trim(),
            "1"
        );
        assert_eq!(
            repo.git(&["show", "--format=", "--name-only", "HEAD"])
                .trim(),
            SOP
        );
        assert_eq!(
            repo.git(&["rev-parse", "SOP-0001/v1.0.1^{commit}"]),
            repo.git(&["rev-parse", "HEAD"])
        );
    }
}

#[test]
fn tags_signed_with_an_ssh_key_carry_the_approval_and_verify() {
    let repo = repo_with_sops();
    let key = repo.path(".key");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "writer", "-f"])
        .arg(&key)
        .output();
    let Ok(made) = made else {
        // No ssh-keygen here: nothing to sign with.
        return;
    };
    assert!(made.status.success(), "{made:?}");
    std::fs::write(repo.path(".gitignore"), ".key*\nallowed\n").unwrap();
    repo.commit("Ignore the key");
    // Set in the repository's own settings, which git reads when it signs.
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&[
        "config",
        "user.signingkey",
        &format!("{}.pub", key.display()),
    ]);
    repo.git(&["config", "tag.gpgSign", "true"]);
    let public = std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
    std::fs::write(repo.path("allowed"), format!("writer@example.com {public}")).unwrap();
    repo.git(&["config", "gpg.ssh.allowedSignersFile", "allowed"]);
    repo.sop().args(RELEASE).assert().success();
    repo.git(&["verify-tag", "SOP-0001/v1.0.1"]);
    let tag = repo.git(&["cat-file", "-p", "SOP-0001/v1.0.1"]);
    assert!(tag.contains("\ntag SOP-0001/v1.0.1\n"), "{tag}");
    assert!(
        tag.contains("Approved-by: Lena Fischer <lena@example.com>"),
        "{tag}"
    );
    assert!(tag.contains("BEGIN SSH SIGNATURE"), "{tag}");
    assert_eq!(
        repo.git(&["rev-parse", "SOP-0001/v1.0.1^{commit}"]),
        repo.git(&["rev-parse", "HEAD"])
    );
    assert_eq!(tracked_status(&repo), "");
    assert!(no_scratch_left(&repo));
    // The history reads the approval from the signed tag.
    let out = repo.sop().args(["history", "SOP-0001"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Lena Fischer"),
        "{out:?}"
    );
}

/// A signing key set for this repository only, by an `includeIf "gitdir:..."` of the global
/// settings (as many set a work key), signs the tag too, with the caller's `GIT_NAMESPACE` and
/// `GIT_INDEX_FILE` left out of the scratch folder it is signed in.
#[test]
fn a_signing_key_set_by_an_include_for_this_repository_signs_the_tag() {
    let repo = repo_with_sops();
    let key = repo.path(".key");
    let Ok(made) = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "writer", "-f"])
        .arg(&key)
        .output()
    else {
        // No ssh-keygen here: nothing to sign with.
        return;
    };
    assert!(made.status.success(), "{made:?}");
    std::fs::write(
        repo.path(".gitignore"),
        ".key*\nallowed\n.gitconfig\nsigning.inc\n",
    )
    .unwrap();
    repo.commit("Ignore the key");
    let public = std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
    std::fs::write(repo.path("allowed"), format!("writer@example.com {public}")).unwrap();
    // The tests' HOME is the repository: its `.gitconfig` is the global settings.
    repo.git(&["config", "--unset", "tag.gpgsign"]);
    std::fs::write(
        repo.path("signing.inc"),
        format!(
            "[gpg]\n\tformat = ssh\n[gpg \"ssh\"]\n\tallowedSignersFile = {}\n[user]\n\tsigningkey = {}.pub\n[tag]\n\tgpgSign = true\n",
            repo.path("allowed").display(),
            key.display()
        ),
    )
    .unwrap();
    std::fs::write(
        repo.path(".gitconfig"),
        format!(
            "[includeIf \"gitdir:{}\"]\n\tpath = {}\n",
            repo.path(".git").display(),
            repo.path("signing.inc").display()
        ),
    )
    .unwrap();
    repo.sop()
        .env("GIT_NAMESPACE", "team")
        .env("GIT_INDEX_FILE", repo.path(".git/index"))
        .args(RELEASE)
        .assert()
        .success();
    repo.git(&["verify-tag", "SOP-0001/v1.0.1"]);
    let tag = repo.git(&["cat-file", "-p", "SOP-0001/v1.0.1"]);
    assert!(tag.contains("BEGIN SSH SIGNATURE"), "{tag}");
    assert_eq!(tracked_status(&repo), "");
    assert!(no_scratch_left(&repo));
}

/// `(name, e-mail)` of the author, committer and tagger of the release `SOP-0001/v1.0.1`, and
/// the commit's dates.
fn release_people(repo: &SopRepo) -> Vec<String> {
    vec![
        repo.git(&["log", "-1", "--format=%an <%ae>", "HEAD"]),
        repo.git(&["log", "-1", "--format=%cn <%ce>", "HEAD"]),
        repo.git(&[
            "for-each-ref",
            "--format=%(taggername) %(taggeremail)",
            "refs/tags/SOP-0001/v1.0.1",
        ]),
        repo.git(&["log", "-1", "--format=%ad|%cd", "--date=raw", "HEAD"]),
    ]
    .into_iter()
    .map(|s| s.trim().to_string())
    .collect()
}

#[test]
fn the_identity_in_the_environment_comes_before_git_settings() {
    let repo = repo_with_sops();
    repo.sop()
        .env("GIT_AUTHOR_NAME", "Release Bot")
        .env("GIT_AUTHOR_EMAIL", "bot@example.com")
        .env("GIT_AUTHOR_DATE", "1767225600 +0100")
        .env("GIT_COMMITTER_NAME", "CI Runner")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .env("GIT_COMMITTER_DATE", "2026-01-01T12:00:00+02:00")
        .args(RELEASE)
        .assert()
        .success();
    assert_eq!(
        release_people(&repo),
        [
            "Release Bot <bot@example.com>",
            "CI Runner <ci@example.com>",
            // git's tagger is the committer.
            "CI Runner <ci@example.com>",
            "1767225600 +0100|1767261600 +0200",
        ]
    );
}

#[test]
fn an_identity_only_in_the_environment_is_enough_to_release() {
    let repo = repo_with_sops();
    repo.git(&["config", "--unset", "user.name"]);
    repo.git(&["config", "--unset", "user.email"]);
    let released = |extra: &[&str]| {
        repo.sop()
            .env("GIT_AUTHOR_NAME", "Release Bot")
            .env("GIT_AUTHOR_EMAIL", "bot@example.com")
            .env("GIT_COMMITTER_NAME", "Release Bot")
            .env("GIT_COMMITTER_EMAIL", "bot@example.com")
            .args(RELEASE)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = released(&[]);
    assert!(out.status.success(), "{out:?}");
    let people = release_people(&repo);
    assert_eq!(people[..3], ["Release Bot <bot@example.com>"; 3]);
    // Without it, git does not know who releases.
    let out = repo
        .sop()
        .args(["release", "SOP-0002", "--patch", "-m", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not know who you are"));
}

#[test]
fn a_commit_date_git_cannot_read_is_named() {
    let repo = repo_with_sops();
    let before = head(&repo);
    let out = repo
        .sop()
        .env("GIT_COMMITTER_DATE", "next tuesday-ish")
        .args(RELEASE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`GIT_COMMITTER_DATE`"), "{stderr}");
    assert!(stderr.contains("nothing was committed"), "{stderr}");
    assert_eq!(head(&repo), before);
    assert_eq!(tracked_status(&repo), "");
}

#[test]
#[ignore = "needs gpg"]
fn signed_releases_verify_with_git() {
    let repo = repo_with_sops();
    let gnupg = repo.path(".gnupg");
    std::fs::create_dir_all(&gnupg).unwrap();
    let mut perms = std::fs::metadata(&gnupg).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o700);
    std::fs::set_permissions(&gnupg, perms).unwrap();
    let made = Command::new("gpg")
        .args([
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Test Writer <writer@example.com>",
            "ed25519",
            "sign",
            "never",
        ])
        .env("GNUPGHOME", &gnupg)
        .output()
        .expect("gpg is installed");
    assert!(made.status.success(), "{made:?}");
    repo.git(&["config", "commit.gpgsign", "true"]);
    repo.git(&["config", "tag.gpgsign", "true"]);
    repo.git(&["config", "user.signingkey", "writer@example.com"]);
    let out = repo
        .sop()
        .env("GNUPGHOME", &gnupg)
        .args(RELEASE)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stdout).contains("(signed)"));
    let verify = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(repo.root())
            .env("GNUPGHOME", &gnupg)
            .env("HOME", repo.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    };
    let commit = verify(&["verify-commit", "HEAD"]);
    assert!(commit.status.success(), "{commit:?}");
    let tag = verify(&["verify-tag", "SOP-0001/v1.0.1"]);
    assert!(tag.status.success(), "{tag:?}");
    // The tag still carries the approval.
    let message = repo.git(&["tag", "-l", "--format=%(contents)", "SOP-0001/v1.0.1"]);
    assert!(
        message.contains("Approved-by: Lena Fischer <lena@example.com>"),
        "{message}"
    );
    assert_eq!(tracked_status(&repo), "");
}

#[test]
#[ignore = "needs root, to give the repository to another user"]
fn a_repository_of_another_user_is_named_with_the_safe_directory_fix() {
    let repo = repo_with_sops();
    let chown = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(repo.root())
        .status()
        .unwrap();
    assert!(chown.success(), "run as root");
    for args in [&["history", "SOP-0001"][..], &["publish"][..], RELEASE] {
        let out = repo.sop().args(args).assert().code(2).get_output().clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("belongs to another user"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("safe.directory"), "{args:?}: {stderr}");
        assert!(!stderr.contains("git init"), "{args:?}: {stderr}");
    }
    let _ = Command::new("chown")
        .args(["-R", "0:0"])
        .arg(repo.root())
        .status();
}

#[test]
fn a_shallow_clone_is_named_and_nothing_is_published_or_released_from_it() {
    let origin = repo_with_sops();
    origin.sop().args(RELEASE).assert().success();
    origin.write(
        SOP,
        &origin
            .read(SOP)
            .replace("Use the macro.", "Use the new macro."),
    );
    origin.commit("Edit");
    let clone = SopRepo::empty();
    let url = format!("file://{}", origin.root().display());
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "."])
        .current_dir(clone.root())
        .status()
        .unwrap();
    assert!(status.success());
    // The clone holds the edited commit but not the release before it: a site built from it
    // would show the edited text as the approved one.
    for args in [
        &["history", "SOP-0001"][..],
        &["diff", "SOP-0001"][..],
        &["lint", "--base", "HEAD"][..],
        &["publish"][..],
        // A release would not know the releases before: "its first release", approvals lost.
        RELEASE,
        &["review", "SOP-0001"][..],
    ] {
        let out = clone.sop().args(args).assert().code(2).get_output().clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("this clone is shallow"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("git fetch --unshallow --tags"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!clone.root().join("site").exists(), "nothing is written");
    let log = Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(clone.root())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
    let tags = Command::new("git")
        .arg("tag")
        .current_dir(clone.root())
        .output()
        .unwrap();
    assert!(tags.stdout.is_empty(), "no tag is made");
}

#[test]
fn the_push_hint_names_the_remote_only_when_there_is_one() {
    let repo = repo_with_sops();
    let out = repo.sop().args(RELEASE).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("git push"), "{stderr}");
    assert!(!stderr.contains("publish"), "{stderr}");
    repo.git(&["remote", "add", "upstream", "https://example.com/sops.git"]);
    let out = repo
        .sop()
        .args(["release", "SOP-0002", "--patch", "-m", "Fix"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("git push upstream main SOP-0002/v1.0.1"),
        "{stderr}"
    );
    assert!(!stderr.contains("publish it"), "{stderr}");
}

#[test]
fn recovery_never_undoes_a_release_that_landed_even_after_later_commits() {
    let repo = repo_with_sops();
    repo.sop().args(RELEASE).assert().success();
    let released = head(&repo);
    let released_text = repo.read(SOP);
    // As if the release had been killed while signing its tag, after the branch moved, and
    // the writer then committed something else and went on editing.
    repo.write("README.md", "later\n").commit("Later work");
    let edited = released_text.replace("Use the macro.", "Use the macro, then wait.");
    repo.write(SOP, &edited);
    let journal = serde_json::json!({
        "pid": 1, "path": SOP, "git_path": SOP,
        "old_text": "old text", "new_text": released_text,
        "branch": "refs/heads/main", "old_head": released, "new_commit": released,
        "tag": null, "index_locked": false, "file_written": false,
        "refs_locking": null, "refs_moved": true, "started": [0, 0]
    });
    std::fs::write(
        repo.path(".git/sop-release.journal"),
        serde_json::to_vec(&journal).unwrap(),
    )
    .unwrap();
    let out = repo
        .sop()
        .args(["release", "SOP-0002", "--patch", "-m", "Other"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("was completed"), "{stderr}");
    assert!(!stderr.contains("undone"), "{stderr}");
    // The writer's edit is still there, and nothing reverts the release.
    assert_eq!(repo.read(SOP), edited);
    assert!(!repo.path(".git/sop-release.journal").exists());
}
