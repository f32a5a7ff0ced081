//! `sop history`: commits, releases and reviews per SOP, renames followed, in one pass.

use serde_json::Value;

use crate::support::{SopRepo, TODAY, sop_text};

fn json(repo: &SopRepo, args: &[&str]) -> Value {
    let out = repo
        .sop()
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    serde_json::from_slice(&out.stdout).expect("history prints JSON")
}

/// On a new branch `topic`, a paragraph added under `heading` of `path`, committed by Priya
/// Raman; back on `main` after.
fn change_on_branch(repo: &SopRepo, path: &str, (heading, paragraph): (&str, &str), msg: &str) {
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let text = repo
        .read(path)
        .replace(heading, &format!("{heading}\n\n{paragraph}"));
    repo.write(path, &text);
    repo.git(&["add", "-A"]);
    repo.git(&[
        "-c",
        "user.name=Priya Raman",
        "-c",
        "user.email=priya@example.com",
        "commit",
        "-q",
        "-m",
        msg,
    ]);
    repo.git(&["checkout", "-q", "main"]);
}

fn commit_ids(h: &Value) -> Vec<String> {
    h["commits"]
        .as_array()
        .expect("commits is an array")
        .iter()
        .map(|c| c["commit"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn git_follow(repo: &SopRepo, path: &str) -> Vec<String> {
    repo.git(&["log", "--follow", "--format=%H", "--", path])
        .lines()
        .map(str::to_string)
        .collect()
}

/// SOP-0001 is edited, moved to another category, renamed, edited again; another SOP and a
/// file outside `sops/` change in between.
fn renamed_repo() -> SopRepo {
    let repo = SopRepo::new();
    let a = "sops/payments/SOP-0001-refunds.md";
    let text = sop_text("SOP-0001", "Refunds", "procedure", "draft");
    repo.write(a, &text)
        .write(
            "sops/payments/SOP-0002-chargebacks.md",
            &sop_text("SOP-0002", "Chargebacks", "procedure", "draft"),
        )
        .commit("Add SOPs");
    repo.write(a, &text.replace("The purpose", "What"))
        .commit("Edit refunds");
    repo.write("README.md", "hello\n").commit("Readme");
    repo.git(&["mv", "sops/payments", "sops/billing"]);
    repo.commit("Move payments to billing");
    repo.write(
        "sops/billing/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "review"),
    )
    .commit("Review chargebacks");
    repo.git(&[
        "mv",
        "sops/billing/SOP-0001-refunds.md",
        "sops/billing/SOP-0001-refund-requests.md",
    ]);
    repo.commit("Rename refunds");
    let b = "sops/billing/SOP-0001-refund-requests.md";
    let now = repo.read(b);
    repo.write(b, &now.replace("The scope", "Where"))
        .commit("Edit again");
    repo
}

#[test]
fn history_follows_renames_and_moves_like_git_log_follow() {
    let repo = renamed_repo();
    let b = "sops/billing/SOP-0001-refund-requests.md";
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(h["id"], "SOP-0001");
    assert_eq!(h["path"], b);
    let ours = commit_ids(&h);
    assert_eq!(ours.len(), 5, "{h:#}");
    assert_eq!(ours, git_follow(&repo, b));
    let paths: Vec<&str> = h["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            b,
            b,
            "sops/billing/SOP-0001-refunds.md",
            "sops/payments/SOP-0001-refunds.md",
            "sops/payments/SOP-0001-refunds.md"
        ]
    );
    let other = json(&repo, &["history", "SOP-0002", "--format", "json"]);
    assert_eq!(
        commit_ids(&other),
        git_follow(&repo, "sops/billing/SOP-0002-chargebacks.md")
    );
}

#[test]
fn history_follows_a_file_whose_name_has_no_id() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0007", "Payout holds", "procedure", "draft");
    repo.write("sops/ops/payout-holds.md", &text).commit("Add");
    repo.write(
        "sops/ops/payout-holds.md",
        &text.replace("The purpose", "Why"),
    )
    .commit("Edit");
    repo.write("sops/finance/README.md", "Finance SOPs\n");
    repo.git(&["mv", "sops/ops/payout-holds.md", "sops/finance/holds.md"]);
    repo.commit("Move");
    let h = json(&repo, &["history", "SOP-0007", "--format", "json"]);
    assert_eq!(h["path"], "sops/finance/holds.md");
    assert_eq!(commit_ids(&h), git_follow(&repo, "sops/finance/holds.md"));
    assert_eq!(commit_ids(&h).len(), 3);
}

#[test]
fn history_lists_releases_and_marks_reviews() {
    let repo = SopRepo::new();
    let path = "sops/payments/SOP-0001-refunds.md";
    repo.write(
        path,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add");
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Clarify windows",
            "--approve",
            "--approver",
            "Lena Fischer",
        ])
        .assert()
        .success();
    repo.sop()
        .args(["review", "SOP-0001", "-m", "still right"])
        .assert()
        .success();
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    let kinds: Vec<&str> = h["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["review", "release", "commit"]);
    let releases = h["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 1);
    assert_eq!(releases[0]["version"], "1.1.0");
    assert_eq!(releases[0]["tag"], "SOP-0001/v1.1.0");
    assert_eq!(releases[0]["summary"], "Clarify windows");
    assert_eq!(releases[0]["tagger"], "Test Writer");
    assert_eq!(releases[0]["commit"], h["commits"][1]["commit"]);
    let keys: Vec<&String> = releases[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "approvals",
            "commit",
            "date",
            "summary",
            "tag",
            "tagger",
            "version"
        ]
    );
    // Released with `--approve`: the approval of this version, from its tag.
    assert_eq!(
        releases[0]["approvals"],
        serde_json::json!([{"name": "Lena Fischer", "date": "2026-11-25", "meaning": "approved for use"}])
    );

    let table = repo.sop().args(["history", "SOP-0001"]).assert().success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    let text = regex_replace(&text);
    insta::assert_snapshot!(text);
}

/// Replace commit ids and today's real date (release and review commits use the clock).
fn regex_replace(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|w| {
                    let hex = w.len() == 7 && w.bytes().all(|b| b.is_ascii_hexdigit());
                    let date = w.len() == 10
                        && w.bytes().enumerate().all(|(i, b)| {
                            if i == 4 || i == 7 {
                                b == b'-'
                            } else {
                                b.is_ascii_digit()
                            }
                        });
                    if hex {
                        "[OID]".to_string()
                    } else if date && !w.starts_with("2026-01-01") {
                        "[DATE]".to_string()
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn history_all_gives_every_sop_in_one_array() {
    let repo = renamed_repo();
    repo.write(
        "sops/new/SOP-0003-draft.md",
        &sop_text("SOP-0003", "Draft", "procedure", "draft"),
    );
    let all = json(&repo, &["history", "--all", "--format", "json"]);
    let list = all.as_array().expect("an array");
    let ids: Vec<&str> = list.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["SOP-0001", "SOP-0002", "SOP-0003"]);
    for h in list.iter().take(2) {
        let one = json(
            &repo,
            &["history", h["id"].as_str().unwrap(), "--format", "json"],
        );
        assert_eq!(&one, h);
    }
    assert_eq!(list[2]["commits"], Value::Array(vec![]));
    assert_eq!(list[2]["path"], "sops/new/SOP-0003-draft.md");
}

/// See #16: `--all` names each SOP with its title; a review row shows the version it
/// confirmed; BY is who made the change (the author), not who committed or tagged it.
#[test]
fn history_table_shows_titles_reviewed_versions_and_authors() {
    let repo = SopRepo::new();
    let path = "sops/payments/SOP-0001-refunds.md";
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(path, &text).commit("Add");
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Clarify windows",
            "--approve",
            "--approver",
            "Lena Fischer",
        ])
        .assert()
        .success();
    repo.git(&["config", "user.name", "Rita Reviewer"]);
    repo.sop()
        .args(["review", "SOP-0001", "-m", "still right"])
        .assert()
        .success();
    repo.git(&["config", "user.name", "Test Writer"]);
    // A change written by Priya, committed by Test Writer, tagged by Tom.
    let now = repo.read(path).replace("version: 1.1.0", "version: 1.2.0");
    repo.write(path, &now.replace("The scope", "Where"));
    repo.git(&["add", "-A"]);
    repo.git(&[
        "commit",
        "-q",
        "--author",
        "Priya Raman <priya@example.com>",
        "-m",
        "Narrow the scope",
    ]);
    repo.git(&[
        "-c",
        "user.name=Tom Tagger",
        "-c",
        "user.email=tom@example.com",
        "tag",
        "-a",
        "SOP-0001/v1.2.0",
        "-m",
        // Approved as the release before it was: a tag that records no approver would not count.
        "Narrow the scope\n\nApproved-by: Lena Fischer\n",
    ]);
    let table = |args: &[&str]| {
        let out = repo.sop().args(args).assert().success();
        regex_replace(&String::from_utf8_lossy(&out.get_output().stdout))
    };
    let one = table(&["history", "SOP-0001"]);
    let all = table(&["history", "--all"]);
    assert_eq!(one, all, "--all shows the same table, title included");
    let rows: Vec<Vec<&str>> = one
        .lines()
        .skip_while(|l| !l.starts_with("DATE"))
        .skip(1)
        .filter(|l| !l.trim_start().starts_with("approved by"))
        // Without the date: `sop` dates its commits by the real clock, git's are pinned.
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .skip(1)
                .collect()
        })
        .collect();
    assert!(one.starts_with("SOP-0001  Refunds\n"), "{one}");
    let mut rows = rows;
    rows.sort();
    assert_eq!(
        rows,
        [
            vec!["commit", "[OID]", "Test Writer", "Add"],
            vec![
                "release",
                "1.1.0",
                "[OID]",
                "Test Writer",
                "Clarify windows"
            ],
            vec![
                "release",
                "1.2.0",
                "[OID]",
                "Priya Raman",
                "Narrow the scope"
            ],
            vec![
                "review",
                "1.1.0",
                "[OID]",
                "Rita Reviewer",
                "Review SOP-0001: still right"
            ],
        ],
        "{one}"
    );
}

#[test]
fn history_of_an_unknown_id_is_a_usage_error() {
    let repo = renamed_repo();
    repo.sop()
        .args(["history", "SOP-0004"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no SOP has the id `SOP-0004`"));
}

/// `sop lint --base` data: one tree diff from the merge base to HEAD or the work tree.
#[test]
fn changes_since_base_report_an_unbumped_approved_change() {
    use sop::git::base::{Against, BaseChange};
    let changes_since = |root: &std::path::Path, settings, rev, against| {
        let git = sop::git::Repo::open(root).unwrap().unwrap();
        git.changes_since(settings, rev, against)
    };

    let repo = SopRepo::new();
    let one = "sops/payments/SOP-0001-refunds.md";
    let two = "sops/payments/SOP-0002-chargebacks.md";
    let three = "sops/payments/SOP-0003-payouts.md";
    let text1 = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(one, &text1)
        .write(
            two,
            &sop_text("SOP-0002", "Chargebacks", "procedure", "draft"),
        )
        .write(
            three,
            &sop_text("SOP-0003", "Payouts", "procedure", "review"),
        )
        .write("big/blob.bin", "outside the SOP folder\n")
        .commit("Add SOPs");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Unbumped change to an approved SOP, a pure move, a deletion, a new SOP.
    repo.write(one, &text1.replace("The purpose", "What"));
    repo.write("sops/billing/README.md", "Billing\n");
    repo.git(&["mv", two, "sops/billing/SOP-0002-chargebacks.md"]);
    repo.git(&["rm", "-q", three]);
    repo.write(
        "sops/billing/SOP-0004-credits.md",
        &sop_text("SOP-0004", "Credits", "procedure", "draft"),
    );
    repo.write("big/blob.bin", "changed, and never read\n");
    repo.commit("Feature work");
    // main moves on: its own change must not show up (the base is the merge base).
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        three,
        &sop_text("SOP-0003", "Payouts", "procedure", "approved"),
    )
    .commit("Main work");
    repo.git(&["checkout", "-q", "feature"]);

    let root = std::fs::canonicalize(repo.root()).unwrap();
    let settings = sop::repo::Settings::load(None).unwrap();
    let got = changes_since(&root, &settings, "main", Against::Head).unwrap();
    let expected = vec![
        BaseChange {
            path: Some("sops/billing/SOP-0002-chargebacks.md".into()),
            base_path: Some(two.into()),
            base_id: Some("SOP-0002".into()),
            base_version: Some("1.0.0".into()),
            base_status: Some("draft".into()),
            base_approvers: Vec::new(),
            content_changed: false,
            review_only: false,
            deleted: false,
            renamed_to: None,
            translation: false,
        },
        BaseChange {
            path: Some("sops/billing/SOP-0004-credits.md".into()),
            base_path: None,
            base_id: None,
            base_version: None,
            base_status: None,
            base_approvers: Vec::new(),
            content_changed: true,
            review_only: false,
            deleted: false,
            renamed_to: None,
            translation: false,
        },
        BaseChange {
            path: Some(one.into()),
            base_path: Some(one.into()),
            base_id: Some("SOP-0001".into()),
            base_version: Some("1.0.0".into()),
            base_status: Some("approved".into()),
            base_approvers: Vec::new(),
            content_changed: true,
            review_only: false,
            deleted: false,
            renamed_to: None,
            translation: false,
        },
        BaseChange {
            path: None,
            base_path: Some(three.into()),
            base_id: Some("SOP-0003".into()),
            base_version: Some("1.0.0".into()),
            base_status: Some("review".into()),
            base_approvers: Vec::new(),
            content_changed: true,
            review_only: false,
            deleted: true,
            // git pairs the two similar files; the ids differ, so they stay apart.
            renamed_to: Some("sops/billing/SOP-0004-credits.md".into()),
            translation: false,
        },
    ];
    assert_eq!(got, expected);

    // The work tree adds what is not committed yet.
    repo.write(
        "sops/billing/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "review"),
    );
    let work = changes_since(&root, &settings, "main", Against::WorkTree).unwrap();
    let moved = work
        .iter()
        .find(|c| c.base_id.as_deref() == Some("SOP-0002"))
        .unwrap();
    assert!(moved.content_changed);
    assert_eq!(moved.base_path.as_deref(), Some(two));

    let err = changes_since(&root, &settings, "origin/main", Against::Head).unwrap_err();
    assert!(
        err.to_string().contains("`origin/main` is not a commit"),
        "{err}"
    );
}

#[test]
fn history_follows_a_replaced_sop_as_git_log_follow_does() {
    let repo = SopRepo::new();
    let old = "sops/payments/SOP-0003-payouts.md";
    repo.write(old, &sop_text("SOP-0003", "Payouts", "procedure", "draft"))
        .commit("Add payouts");
    repo.git(&["rm", "-q", old]);
    repo.write(
        "sops/payments/SOP-0004-credits.md",
        &sop_text("SOP-0004", "Credits", "procedure", "draft"),
    )
    .commit("Replace payouts with credits");
    let h = json(&repo, &["history", "SOP-0004", "--format", "json"]);
    // Written from one template, the new file is more than 50 % like the deleted one: git
    // calls it a rename, and `git log --follow` (the contract) shows both commits.
    let git: Vec<String> = repo
        .git(&[
            "log",
            "--follow",
            "--format=%H",
            "--",
            "sops/payments/SOP-0004-credits.md",
        ])
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(git.len(), 2);
    assert_eq!(commit_ids(&h), git, "{h:#}");
}

#[test]
fn file_at_tag_reads_a_release_after_the_file_moved() {
    let file_at_tag = |root: &std::path::Path, tag: &str, path: &str| {
        let git = sop::git::Repo::open(root).unwrap().unwrap();
        git.file_at_tag(tag, path)
    };
    let repo = SopRepo::new();
    let old = "sops/payments/SOP-0001-refunds.md";
    let v1 = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(old, &v1).commit("Add");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    repo.write("sops/billing/README.md", "Billing\n");
    repo.git(&["mv", old, "sops/billing/SOP-0001-refunds.md"]);
    repo.commit("Move");
    let root = std::fs::canonicalize(repo.root()).unwrap();
    let now = "sops/billing/SOP-0001-refunds.md";
    assert_eq!(
        file_at_tag(&root, "SOP-0001/v1.0.0", now)
            .unwrap()
            .as_deref(),
        Some(v1.as_str())
    );
    assert_eq!(file_at_tag(&root, "SOP-0001/v9.0.0", now).unwrap(), None);
}

#[test]
fn file_at_commit_reads_every_release_from_loose_and_packed_objects() {
    // One reader per thread, made from the repository handle, as a site build does.
    let file_at_commit = |root: &std::path::Path, commit: &str, path: &str| {
        let git = sop::git::Repo::open(root).unwrap().unwrap();
        git.texts().reader().at_commit(commit, path)
    };
    let repo = SopRepo::new();
    repo.write("app/main.c", "int main;\n");
    let path = "sops/payments/SOP-0001-refunds.md";
    let mut released = Vec::new();
    for n in 0..6 {
        // Each version differs a little from the last, so `git gc` stores most as deltas.
        let mut text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
        for k in 0..=n {
            text.push_str(&format!(
                "\nStep {k}: check the refund request of case {k}.\n"
            ));
        }
        repo.write(path, &text).commit(&format!("Version {n}"));
        let tag = format!("SOP-0001/v1.{n}.0");
        repo.git(&["tag", "-a", &tag, "-m", "Release"]);
        let commit = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
        released.push((commit, text));
    }
    let root = std::fs::canonicalize(repo.root()).unwrap();
    let read_all = || -> Vec<Option<String>> {
        released
            .iter()
            .map(|(commit, _)| file_at_commit(&root, commit, path))
            .collect()
    };
    let expected: Vec<Option<String>> = released.iter().map(|(_, t)| Some(t.clone())).collect();
    assert_eq!(read_all(), expected, "loose objects");
    repo.git(&["gc", "-q", "--aggressive"]);
    assert!(
        std::fs::read_dir(root.join(".git/objects/pack"))
            .unwrap()
            .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "pack")),
        "`git gc` made a pack"
    );
    let packed = std::thread::scope(|s| s.spawn(read_all).join().unwrap());
    assert_eq!(packed, expected, "packed objects");
    for (commit, text) in &released {
        assert_eq!(&repo.git(&["show", &format!("{commit}:{path}")]), text);
    }
    let (first, _) = &released[0];
    assert_eq!(
        file_at_commit(&root, first, "sops/payments/SOP-0009-x.md"),
        None
    );
    assert_eq!(file_at_commit(&root, "not-a-commit", path), None);
}

#[test]
fn an_sop_root_inside_a_bigger_repository_works() {
    let repo = SopRepo::new();
    repo.write("app/main.c", "int main;\n");
    repo.write("docs/sop.toml", "");
    let path = "docs/sops/payments/SOP-0001-refunds.md";
    repo.write(
        path,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add");
    // A new SOP, never committed, released from a sub-folder.
    repo.write(
        "docs/sops/payments/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "draft"),
    );
    repo.sop()
        .args([
            "-C",
            "docs",
            "release",
            "SOP-0002",
            "--version",
            "1.0.0",
            "-m",
            "First",
        ])
        .assert()
        .success();
    assert_eq!(
        repo.git(&["show", "--name-only", "--format=", "HEAD"]),
        "docs/sops/payments/SOP-0002-chargebacks.md\n"
    );
    let out = repo
        .sop()
        .args(["-C", "docs", "history", "--all", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all[0]["path"], "sops/payments/SOP-0001-refunds.md");
    assert_eq!(all[0]["commits"].as_array().unwrap().len(), 1);
    assert_eq!(all[1]["releases"][0]["tag"], "SOP-0002/v1.0.0");
    assert_eq!(all[1]["commits"][0]["kind"], "release");
}

/// The pack reader and the direct tag listing give what libgit2 gives on loose objects.
#[test]
fn history_is_the_same_from_loose_objects_and_from_packs() {
    let repo = renamed_repo();
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "HEAD~3",
        "-m",
        "First release",
    ]);
    repo.git(&["tag", "SOP-0002/v1.0.0", "HEAD~2"]);
    for n in 0..12 {
        let b = "sops/billing/SOP-0001-refund-requests.md";
        let text = repo.read(b);
        repo.write(b, &format!("{text}\nEdit {n}.\n"))
            .commit(&format!("Edit {n}"));
    }
    let loose = json(&repo, &["history", "--all", "--format", "json"]);
    assert_eq!(loose[1]["releases"][0]["tagger"], "Test Writer");
    assert_eq!(loose[1]["releases"][0]["summary"], "Review chargebacks");
    repo.git(&["gc", "-q", "--aggressive"]);
    assert!(repo.path(".git/packed-refs").exists());
    let packed = json(&repo, &["history", "--all", "--format", "json"]);
    assert_eq!(packed, loose);
    assert_eq!(packed[0]["commits"].as_array().unwrap().len(), 17);
}

#[test]
fn published_history_groups_changes_by_release_with_their_authors_and_pull_requests() {
    let repo = SopRepo::new();
    repo.write(
        "sop.toml",
        "[site]\npull_request_url = \"https://git.example/org/sops/pull/{number}\"\n",
    );
    let path = "sops/payments/SOP-0001-refunds.md";
    repo.write(
        path,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add refunds");
    // A pull request: the change on a branch by its author, merged by someone else.
    change_on_branch(
        &repo,
        path,
        ("## Scope", "Also card refunds."),
        "Cover card refunds",
    );
    repo.git(&[
        "-c",
        "user.name=Merge Bot",
        "-c",
        "user.email=bot@example.com",
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #17 from org/card-refunds",
        "topic",
    ]);
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Card refunds",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ])
        .assert()
        .success();

    let h = json(&repo, &["history", path, "--format", "json"]);
    let authors: Vec<&str> = h["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"].as_str().unwrap())
        .collect();
    assert!(authors.contains(&"Priya Raman"), "{h:#}");
    assert!(!authors.contains(&"Merge Bot"), "{h:#}");
    let change = h["commits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["author"] == "Priya Raman")
        .unwrap();
    assert_eq!(change["pull_request"], 17, "{h:#}");
    assert!(change["merge"].is_string(), "{h:#}");

    repo.sop().args(["publish"]).assert().success();
    let page = repo.read("site/sops/SOP-0001.html");
    let (_, all) = page
        .split_once("All changes (")
        .expect("the page lists all changes");
    // Newest release first, each with the changes that led to it.
    let v11 = all
        .find("Version 1.1.0")
        .unwrap_or_else(|| panic!("no group for 1.1.0: {all}"));
    let priya = all.find("Priya Raman").expect("the change's author");
    let v10 = all.find("Version 1.0.0").unwrap_or(usize::MAX);
    assert!(v11 < priya && priya < v10, "{all}");
    assert!(
        all.contains(r##"<a href="https://git.example/org/sops/pull/17">#17</a>"##),
        "{all}"
    );
    assert!(!all.contains("Merge Bot"), "{all}");
}

#[test]
fn history_of_a_path_that_is_no_sop_is_a_usage_error_with_what_to_give() {
    let repo = SopRepo::new();
    repo.write(
        "sops/payments/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "draft"),
    )
    .commit("Add refunds");
    for path in ["sops/payments/SOP-0009-missing.md", "sop.toml"] {
        let out = repo
            .sop()
            .args(["history", path])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("`{path}` is not an SOP file of this repository")),
            "{err}"
        );
        assert!(err.contains("`sop list` shows every SOP"), "{err}");
    }
    // The same file by its path, from inside its folder, is its history.
    let out = repo
        .sop()
        .current_dir(repo.path("sops/payments"))
        .args(["history", "SOP-0001-refunds.md", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(h["id"], "SOP-0001");
    assert_eq!(commit_ids(&h).len(), 1);
}

#[test]
fn a_change_written_before_a_release_but_merged_after_it_is_not_listed_under_it() {
    let repo = SopRepo::new();
    let path = "sops/payments/SOP-0001-refunds.md";
    repo.write(
        path,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add refunds");
    // A pull request is opened and its change written ...
    change_on_branch(
        &repo,
        path,
        ("## Metrics", "Track reopens."),
        "Track reopens",
    );
    // ... then main releases 1.1.0 without it ...
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Before the pull request",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ])
        .assert()
        .success();
    // ... and the pull request is merged afterwards.
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #21 from org/reopens",
        "topic",
    ]);
    repo.sop().args(["publish"]).assert().success();
    let page = repo.read("site/sops/SOP-0001.html");
    let (_, all) = page.split_once("All changes (").expect("all changes");
    let pending = all
        .find("Not released yet")
        .expect("a group for unreleased changes");
    let priya = all.find("Priya Raman").expect("the change is listed");
    let v11 = all.find("Version 1.1.0").expect("a group for 1.1.0");
    // Newest first: the merged change is not in 1.1.0, which did not contain it.
    assert!(pending < priya && priya < v11, "{all}");
}

#[test]
fn a_release_tag_that_points_at_another_tag_is_read_through_to_its_commit() {
    let repo = SopRepo::new();
    repo.write(
        "sops/payments/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add refunds");
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.git(&["tag", "-a", "inner", "-m", "Inner tag"]);
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "inner",
        "-m",
        "First release",
    ]);
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    let releases = h["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 1, "{h:#}");
    assert_eq!(releases[0]["version"], "1.0.0");
    assert_eq!(releases[0]["summary"], "First release");
    assert_eq!(releases[0]["commit"], head.as_str());
}

/// `git args` in `repo` with author and committer date `@secs +0000`: commits made in the same
/// second, as a forge's merge button and a quick author make them.
fn git_at(repo: &SopRepo, secs: u64, args: &[&str]) {
    let date = format!("@{secs} +0000");
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(repo.root())
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.root())
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// The lines of the `sop history` table of `id`, below its header.
fn table_rows(repo: &SopRepo, id: &str) -> Vec<String> {
    let out = repo.sop().args(["history", id]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    text.lines()
        .skip_while(|l| !l.starts_with("DATE"))
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// The full id of `rev`.
fn rev(repo: &SopRepo, rev: &str) -> String {
    repo.git(&["rev-parse", rev]).trim().to_string()
}

// A release tagged on a pull request's merge commit is on this branch: `git merge-base
// --is-ancestor` says so, and so must `sop history` and the site.
#[test]
fn a_release_tagged_on_a_merge_commit_is_shown_at_that_merge_in_graph_order() {
    let repo = SopRepo::new();
    let path = "sops/ops/SOP-0001-refunds.md";
    let draft = sop_text("SOP-0001", "Refunds", "checklist", "draft")
        .replace("version: 1.0.0", "version: 0.1.0");
    repo.write(path, &draft);
    let t = 1_767_225_600;
    git_at(&repo, t, &["add", "-A"]);
    git_at(&repo, t, &["commit", "-q", "-m", "draft"]);
    // The pull request's commit has the same date as its parent: `git log` lists the parent
    // first, which is no order of the commit graph.
    git_at(&repo, t, &["checkout", "-q", "-b", "pr-7"]);
    let approved = sop_text("SOP-0001", "Refunds", "checklist", "approved")
        .replace("## Purpose", "## Purpose\n\nRefunds up to 80 EUR.");
    repo.write(path, &approved);
    git_at(&repo, t, &["commit", "-q", "-am", "Raise limit"]);
    git_at(&repo, t, &["checkout", "-q", "main"]);
    let merge_msg = "Merge pull request #7 from ana/pr-7";
    git_at(
        &repo,
        t + 1,
        &["merge", "-q", "--no-ff", "-m", merge_msg, "pr-7"],
    );
    git_at(
        &repo,
        t + 2,
        &["tag", "-a", "SOP-0001/v1.0.0", "-m", "First approved"],
    );
    let merge = rev(&repo, "HEAD");
    repo.git(&["merge-base", "--is-ancestor", "SOP-0001/v1.0.0", "HEAD"]);

    let rows = table_rows(&repo, "SOP-0001");
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let what: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            let cols: Vec<&str> = r.split_whitespace().collect();
            let summary = r.rsplit("  ").next().unwrap_or_default();
            (cols.get(1).copied().unwrap_or_default(), summary)
        })
        .collect();
    assert_eq!(
        what,
        [
            ("release", "First approved"),
            ("commit", "Raise limit (#7)"),
            ("commit", "draft"),
        ],
        "{rows:#?}"
    );
    assert!(rows[0].contains(&merge[..7]), "{rows:#?}");
    let out = repo.sop().args(["history", "SOP-0001"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("3 commits (1 release)"), "{text}");

    // The JSON keeps `git log --follow`'s commits; the release names the merge, and did not
    // have to land anywhere.
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(commit_ids(&h), git_follow(&repo, path), "{h:#}");
    assert_eq!(h["releases"][0]["commit"], merge.as_str(), "{h:#}");
    assert!(h["releases"][0].get("landed").is_none(), "{h:#}");

    // The site lists the release with its changes, newest first.
    repo.sop().args(["publish"]).assert().success();
    let page = repo.read("site/sops/SOP-0001.html");
    let (_, all) = page
        .split_once("All changes (")
        .expect("the page lists all changes");
    let v10 = all.find("Version 1.0.0").unwrap_or(usize::MAX);
    let raise = all.find("Raise limit").unwrap_or(usize::MAX);
    let first = all.find(">draft<").unwrap_or(usize::MAX);
    assert!(v10 < raise && raise < first && first < usize::MAX, "{all}");
}

// `sop release --approve` of a text that already says it is approved makes a commit that
// changes nothing in the file; it is a commit of this branch all the same.
#[test]
fn a_release_that_changed_nothing_is_shown_at_its_commit_below_later_releases() {
    let repo = SopRepo::new();
    let path = "sops/ops/SOP-0001-refunds.md";
    // Approved today, as `sop release --approve` would write it.
    let adopted = sop_text("SOP-0001", "Refunds", "checklist", "approved").replace(
        "effective: 2026-03-01\n",
        &format!("effective: {TODAY}\nlast_reviewed: {TODAY}\n"),
    );
    repo.write(path, &adopted).commit("Adopt approved SOP");
    let release = |args: &[&str], summary: &str| {
        repo.sop()
            .args(["release", "SOP-0001"])
            .args(args)
            .args(["-m", summary, "--approve", "--approver", "Lena Fischer"])
            .assert()
            .success();
    };
    release(&["--version", "1.0.0"], "Record approval");
    let recorded = rev(&repo, "HEAD");
    assert_eq!(
        repo.git(&["show", "--format=", "--name-only", "HEAD"])
            .trim(),
        "",
        "the release commit changes nothing"
    );
    let text = repo
        .read(path)
        .replace("## Purpose", "## Purpose\n\nUp to 80 EUR.");
    repo.write(path, &text).commit("Raise limit");
    release(&["--minor"], "Raise limit");

    let rows = table_rows(&repo, "SOP-0001");
    let versions: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| !r.trim_start().starts_with("approved by"))
        .map(|r| {
            let cols: Vec<&str> = r.split_whitespace().collect();
            (
                cols.get(1).copied().unwrap_or_default(),
                cols.get(2).copied().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        versions.iter().map(|(w, _)| *w).collect::<Vec<_>>(),
        ["release", "commit", "release", "commit"],
        "{rows:#?}"
    );
    assert_eq!(versions[0].1, "1.1.0", "{rows:#?}");
    assert_eq!(versions[2].1, "1.0.0", "{rows:#?}");
    assert!(
        rows.iter()
            .all(|r| !r.contains("(on a commit this branch does not have)")),
        "{rows:#?}"
    );
    let v100 = rows.iter().find(|r| r.contains("1.0.0")).unwrap();
    assert!(v100.contains(&recorded[..7]), "{rows:#?}");

    // The site's revision history has both releases, newest first.
    repo.sop().args(["publish"]).assert().success();
    let page = repo.read("site/sops/SOP-0001.html");
    let (_, all) = page
        .split_once("All changes (")
        .expect("the page lists all changes");
    let v11 = all.find("Version 1.1.0").unwrap_or(usize::MAX);
    let v10 = all.find("Version 1.0.0").unwrap_or(usize::MAX);
    assert!(v11 < v10 && v10 < usize::MAX, "{all}");
}

#[test]
fn a_translations_file_has_its_own_history() {
    let repo = SopRepo::new();
    let source = "sops/a/SOP-0001-recovery.md";
    let arabic = "sops/a/SOP-0001-recovery.ar.md";
    repo.write(
        source,
        &sop_text("SOP-0001", "Account recovery", "procedure", "approved"),
    );
    repo.commit("SOP-0001 v1.0.0: First");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    let translated = sop_text("SOP-0001", "استعادة الحساب", "procedure", "approved").replace(
        "review_every",
        "language: ar\ntranslation_of: SOP-0001@1.0.0\nreview_every",
    );
    repo.write(arabic, &translated);
    repo.commit("Arabic translation");
    repo.write(arabic, &translated.replace("Open it", "افتحها"));
    repo.commit("Fix Arabic step 1");
    // Listed by `sop list`, so `sop history` takes its file.
    let out = repo.sop().args(["history", arabic]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains(
            "the Arabic translation of SOP-0001@1.0.0 (its `translation_of`); a translation has no releases of its own: `sop history SOP-0001` shows the releases of the SOP it translates"
        ),
        "{stdout}"
    );
    // Its commits, as `git log --follow` gives them (the copy it was made from included).
    let follow = git_follow(&repo, arabic);
    assert!(
        stdout.contains(&format!("{} commits\n", follow.len())),
        "{stdout}"
    );
    assert!(stdout.contains("Fix Arabic step 1"), "{stdout}");
    assert!(!stdout.contains("  release  "), "{stdout}");
    let h = json(&repo, &["history", arabic, "--format", "json"]);
    assert_eq!(h["path"], arabic);
    assert_eq!(commit_ids(&h), git_follow(&repo, arabic));
    assert_eq!(h["releases"], serde_json::json!([]));
    assert_eq!(h["translation"]["language"], "ar");
    assert_eq!(h["translation"]["translation_of"], "SOP-0001@1.0.0");
    // The source's history stays its own, and names its translations.
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(h["path"], source);
    assert_eq!(commit_ids(&h), git_follow(&repo, source));
    assert_eq!(
        h["translations"],
        serde_json::json!([{"language": "ar", "path": arabic}])
    );
    let out = repo.sop().args(["history", "SOP-0001"]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains(&format!(
            "translations: {arabic} (ar); `sop history <file>` shows the history of one"
        )),
        "{stdout}"
    );
}

#[test]
fn a_deleted_released_sop_keeps_its_history_and_its_diffs() {
    let repo = SopRepo::new();
    let path = "sops/a/SOP-0001-refunds.md";
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(path, &text);
    repo.write(
        "sops/a/SOP-0002-bans.md",
        &sop_text("SOP-0002", "Bans", "procedure", "approved"),
    );
    repo.commit("SOP-0001 v1.0.0: First");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    let next = text
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("Open it", "Open it at once");
    repo.write(path, &next);
    repo.commit("SOP-0001 v1.1.0: Faster");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "Faster"]);
    repo.git(&["rm", "-q", path]);
    repo.commit("remove old SOP");
    let deleted = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let out = repo.sop().args(["history", "SOP-0001"]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.starts_with("SOP-0001  Refunds\n"), "{stdout}");
    let day = repo.git(&["log", "-1", "--format=%ad", "--date=short"]);
    assert!(
        stdout.contains(&format!(
            "its file `{path}` was deleted in commit {} ({}, \"remove old SOP\"); its last release is still in git: `git show SOP-0001/v1.1.0:{path}` prints it",
            &deleted[..7],
            day.trim()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("3 commits (2 releases)"), "{stdout}");
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(commit_ids(&h), git_follow(&repo, path));
    assert_eq!(h["commits"][0]["commit"], deleted.as_str());
    assert_eq!(h["deleted"]["commit"], deleted.as_str());
    assert_eq!(h["deleted"]["tag"], "SOP-0001/v1.1.0");
    assert_eq!(
        h["deleted"]["restore"],
        format!("git show SOP-0001/v1.1.0:{path}")
    );
    assert_eq!(h["releases"].as_array().map(Vec::len), Some(2));
    // The command it names prints the last release.
    assert_eq!(
        repo.git(&["show", &format!("SOP-0001/v1.1.0:{path}")]),
        next
    );
    // Two released versions compare from their tags.
    let out = repo
        .sop()
        .args(["diff", "SOP-0001", "1.0.0", "1.1.0"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("1.0.0 → 1.1.0"), "{stdout}");
    // The work tree has no such file: said so, with what to give instead.
    let out = repo.sop().args(["diff", "SOP-0001"]).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("the file of SOP-0001 (`sops/a/SOP-0001-refunds.md`) was deleted")
            && stderr.contains("`sop diff SOP-0001 1.0.0 1.1.0`"),
        "{stderr}"
    );
    // An id no tag or commit ever had is still unknown.
    let out = repo.sop().args(["history", "SOP-0003"]).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("no SOP has the id `SOP-0003`"), "{stderr}");
}

/// A repository with SOP-0001 at `path`, released as 1.0.0 (tag `SOP-0001/v1.0.0`).
fn released_one(path: &str) -> (SopRepo, String) {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(path, &text);
    repo.commit("SOP-0001 v1.0.0: First");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    (repo, text)
}

fn run(repo: &SopRepo, args: &[&str], code: i32) -> (String, String) {
    let out = repo.sop().args(args).assert().code(code);
    let o = out.get_output();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn an_sop_file_that_cannot_be_read_is_named_so_not_deleted() {
    let path = "sops/a/SOP-0001-refunds.md";
    let (repo, text) = released_one(path);
    repo.write(path, &text.replace("Open it", "Open\0 it"));
    repo.commit("edit with a stray NUL");
    // Its history is there: the file's commits, and what is wrong with it, as lint says it.
    for wanted in ["SOP-0001", path] {
        let (stdout, _) = run(&repo, &["history", wanted], 0);
        assert!(stdout.starts_with("SOP-0001  Refunds\n"), "{stdout}");
        assert!(
            stdout.contains(&format!("its file `{path}` cannot be read: line "))
                && stdout.contains("holds a NUL character")
                && stdout.contains("delete the invisible character"),
            "{stdout}"
        );
        assert!(!stdout.contains("not in this branch"), "{stdout}");
        assert!(stdout.contains("2 commits (1 release)"), "{stdout}");
    }
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(commit_ids(&h), git_follow(&repo, path));
    assert!(
        h["unreadable"]
            .as_str()
            .is_some_and(|u| u.contains("holds a NUL character")),
        "{h}"
    );
    assert!(h.get("deleted").is_none(), "{h}");
    // Committed versions compare; the work tree cannot, and says why.
    let (stdout, _) = run(&repo, &["diff", "SOP-0001", "1.0.0", "HEAD"], 0);
    assert!(
        stdout.contains("from  1.0.0 (tag SOP-0001/v1.0.0)"),
        "{stdout}"
    );
    let (_, stderr) = run(&repo, &["diff", "SOP-0001"], 2);
    assert!(
        stderr.contains(&format!(
            "the file of SOP-0001 (`{path}`) cannot be read: line "
        )) && stderr.contains("delete the invisible character")
            && !stderr.contains("deleted"),
        "{stderr}"
    );
}

#[test]
fn a_deletion_not_committed_says_so() {
    let path = "sops/a/SOP-0001-refunds.md";
    let (repo, _) = released_one(path);
    let never = "sops/a/SOP-0002-bans.md";
    repo.write(never, &sop_text("SOP-0002", "Bans", "procedure", "draft"));
    repo.commit("add bans");
    std::fs::remove_file(repo.path(path)).unwrap();
    std::fs::remove_file(repo.path(never)).unwrap();
    let (stdout, _) = run(&repo, &["history", "SOP-0001"], 0);
    assert!(
        stdout.contains(&format!(
            "its file `{path}` was deleted from the work tree, and the deletion is not committed: `git restore {path}` brings it back, or commit the deletion"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("not in this branch"), "{stdout}");
    assert_eq!(
        json(&repo, &["history", "SOP-0001", "--format", "json"])["deleted"]["uncommitted"],
        true
    );
    // Never released, but committed: found all the same.
    let (stdout, _) = run(&repo, &["history", "SOP-0002"], 0);
    assert!(
        stdout.starts_with("SOP-0002  Bans\n")
            && stdout.contains("and the deletion is not committed"),
        "{stdout}"
    );
}

#[test]
fn a_renumbered_sop_is_called_renamed_not_deleted() {
    let path = "sops/a/SOP-0001-refunds.md";
    let (repo, text) = released_one(path);
    let new = "sops/a/SOP-0002-refunds.md";
    repo.git(&["mv", path, new]);
    repo.write(new, &text.replace("id: SOP-0001", "id: SOP-0002"));
    repo.commit("renumber to SOP-0002");
    let renamed = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let (stdout, _) = run(&repo, &["history", "SOP-0001"], 0);
    assert!(
        stdout.contains(&format!(
            "its file `{path}` was renamed to `{new}` (now SOP-0002) in commit {} (",
            &renamed[..7]
        )) && stdout.contains("`sop history SOP-0002` shows its history from then on"),
        "{stdout}"
    );
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(h["deleted"]["renamed_to"]["path"], new);
    assert_eq!(h["deleted"]["renamed_to"]["id"], "SOP-0002");
    let (_, stderr) = run(&repo, &["diff", "SOP-0001"], 2);
    assert!(
        stderr.contains(&format!("was renamed to `{new}`")),
        "{stderr}"
    );

    // Renamed in one commit, deleted in a later one: the later one removed it.
    let (repo, _) = released_one(path);
    let old = "sops/a/refunds-old.md";
    repo.git(&["mv", path, old]);
    repo.commit("rename");
    let renamed = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.git(&["rm", "-q", old]);
    repo.commit("delete");
    let deleted = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let (stdout, _) = run(&repo, &["history", "SOP-0001"], 0);
    assert!(
        stdout.contains(&format!(
            "its file `{path}` was renamed to `{old}` in commit {}, which was deleted in commit {} (",
            &renamed[..7],
            &deleted[..7]
        )),
        "{stdout}"
    );
}

#[test]
fn a_deleted_sop_at_head_and_by_its_path() {
    let path = "sops/a/SOP-0001-refunds.md";
    let (repo, _) = released_one(path);
    repo.git(&["rm", "-q", path]);
    repo.commit("retire refunds");
    let deleted = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    // Not "not committed yet": deleted, and where.
    let (_, stderr) = run(&repo, &["diff", "SOP-0001", "1.0.0", "HEAD"], 1);
    assert!(
        stderr.contains(&format!(
            "SOP-0001 is not in HEAD: its file `{path}` was deleted in commit {} (",
            &deleted[..7]
        )) && stderr.contains("compare two of its released versions (1.0.0)"),
        "{stderr}"
    );
    // By its path as by its id.
    let (by_id, _) = run(&repo, &["history", "SOP-0001"], 0);
    let (by_path, _) = run(&repo, &["history", path], 0);
    assert_eq!(by_path, by_id);
    assert!(by_path.contains("was deleted in commit"), "{by_path}");
}

#[test]
fn a_deleted_sop_never_released_is_found_in_the_commits() {
    let repo = SopRepo::new();
    repo.write(
        "sops/a/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("add refunds");
    let path = "sops/b/SOP-0002-bans.md";
    repo.write(
        path,
        "---\nid: SOP-0002\ntitle: Bans\n---\n\n## Scope\n\nWho may be banned.\n",
    );
    repo.commit("add bans");
    repo.git(&["rm", "-q", path]);
    repo.commit("drop bans");
    let deleted = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let (stdout, _) = run(&repo, &["history", "SOP-0002"], 0);
    assert!(
        stdout.starts_with("SOP-0002  Bans\n")
            && stdout.contains(&format!(
                "its file `{path}` was deleted in commit {} (",
                &deleted[..7]
            ))
            && stdout.contains(&format!(
                "its last version is still in git: `git show {}^:{path}` prints it",
                &deleted[..7]
            ))
            && stdout.contains("2 commits"),
        "{stdout}"
    );
    let (_, stderr) = run(&repo, &["diff", "SOP-0002"], 2);
    assert!(
        stderr.contains("was deleted in commit") && stderr.contains("it was never released"),
        "{stderr}"
    );
    // An id no file ever had is still unknown.
    let (_, stderr) = run(&repo, &["history", "SOP-0003"], 2);
    assert!(stderr.contains("no SOP has the id `SOP-0003`"), "{stderr}");
}

/// `--all` reads only the id, title and version of each working copy, and a front matter of
/// plain lines without the YAML parser: each title is still the one `sop history <ID>` (which
/// reads the whole file) gives, for quoted titles, a team's own name for `title`, CRLF line
/// ends, a byte-order mark, a repeated key, block scalars, comments and continuation lines.
#[test]
fn history_all_titles_are_those_of_the_whole_file() {
    let repo = SopRepo::new();
    repo.write(
        "sop.toml",
        "[front_matter]\naliases = { title = \"name\" }\n",
    );
    let body = "\n## Purpose\n\nWhy.\n";
    let files: Vec<(&str, String)> = vec![
        (
            "SOP-0001",
            "---\nid: SOP-0001\ntitle: \"Refunds: the 30-day window\"\nversion: 1.0.0\n---\n"
                .into(),
        ),
        (
            "SOP-0002",
            "---\nid: SOP-0002\nname: Chargebacks\ntitle: Not this one\n---\n".into(),
        ),
        (
            "SOP-0003",
            "---\r\nid: SOP-0003\r\nname: Windows line ends\r\nversion: 1.0.0\r\n---\r\n".into(),
        ),
        (
            "SOP-0004",
            "\u{feff}---\nid: SOP-0004\nname: With a BOM\n---\n".into(),
        ),
        (
            "SOP-0005",
            "---\nid: SOP-0005\nname: First\nname: Second\n---\n".into(),
        ),
        (
            "SOP-0006",
            "---\nid: SOP-0006\nname: >\n  Folded\n  title\n---\n".into(),
        ),
        (
            "SOP-0007",
            "---\nid: SOP-0007\nname: |\n  Literal\n---\n".into(),
        ),
        (
            "SOP-0008",
            "---\nid: SOP-0008\nname: Kept # a comment\n---\n".into(),
        ),
        (
            "SOP-0009",
            "---\nid: SOP-0009\nname: Two\n  lines\n---\n".into(),
        ),
        (
            "SOP-0010",
            "---\nid: SOP-0010\nname: 'It''s quoted'\ntags: [a, b]\n---\n".into(),
        ),
        (
            "SOP-0011",
            "---\nid: SOP-0011\nname: \"Tab\\tescaped\"\n---\n".into(),
        ),
        ("SOP-0012", "---\nid: SOP-0012\nname:\n---\n".into()),
        ("SOP-0013", "---\nid: SOP-0013\nname: [a, b]\n---\n".into()),
        ("SOP-0014", "---\nid: SOP-0014\nname:\ttabbed\n---\n".into()),
    ];
    for (id, head) in &files {
        repo.write(&format!("sops/{id}-x.md"), &format!("{head}{body}"));
    }
    // A translation has no line of its own.
    repo.write(
        "sops/SOP-0001-x.de.md",
        "---\nid: SOP-0001\nname: Erstattungen\ntranslation_of: SOP-0001\n---\n\n## Zweck\n",
    );
    repo.commit("Add");
    // One file uncommitted.
    repo.write(
        "sops/SOP-0015-x.md",
        "---\nid: SOP-0015\nname: \"Not yet: committed\"\n---\n",
    );
    let table = |args: &[&str]| {
        let out = repo.sop().args(args).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let all = table(&["history", "--all", "--color", "never"]);
    let heads: Vec<&str> = all.lines().filter(|l| l.starts_with("SOP-")).collect();
    let ids: Vec<String> = (1..=15).map(|n| format!("SOP-{n:04}")).collect();
    assert_eq!(heads.len(), ids.len(), "{all}");
    for (id, head) in ids.iter().zip(&heads) {
        let one = table(&["history", id, "--color", "never"]);
        assert_eq!(one.lines().next(), Some(*head), "{id}");
    }
    assert!(
        heads.contains(&"SOP-0001  Refunds: the 30-day window"),
        "{all}"
    );
    assert!(heads.contains(&"SOP-0005  Second"), "{all}");
    assert!(heads.contains(&"SOP-0006  Folded title"), "{all}");
    assert!(heads.contains(&"SOP-0010  It's quoted"), "{all}");
    assert!(heads.contains(&"SOP-0015  Not yet: committed"), "{all}");
}

#[test]
fn a_release_made_in_a_pull_request_lists_its_changes_under_it_once_merged() {
    let repo = SopRepo::new();
    let path = "sops/payments/SOP-0001-refunds.md";
    repo.write(
        path,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    )
    .commit("Add refunds");
    // The pull request writes its change, and releases it there ...
    change_on_branch(
        &repo,
        path,
        ("## Metrics", "Track reopens."),
        "Track reopens",
    );
    repo.git(&["checkout", "-q", "topic"]);
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--minor",
            "-m",
            "Reopens tracked",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
        ])
        .assert()
        .success();
    // ... and is merged with a merge commit.
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #21 from org/reopens",
        "topic",
    ]);
    repo.sop().args(["publish"]).assert().success();
    let page = repo.read("site/sops/SOP-0001.html");
    let (_, all) = page.split_once("All changes (").expect("all changes");
    assert!(!all.contains("Not released yet"), "{all}");
    let v11 = all.find("Version 1.1.0").expect("a group for 1.1.0");
    let release = all
        .find("SOP-0001 v1.1.0: Reopens tracked")
        .expect("the release");
    let priya = all.find("Priya Raman").expect("the change is listed");
    assert!(v11 < release && release < priya, "{all}");
}

/// A `.mailmap` names one person who committed and tagged under several identities, as `git
/// log` shows them; `log.mailmap = false` turns it off, as for `git log`.
#[test]
fn history_names_people_as_the_mailmap_does() {
    let repo = SopRepo::new();
    let path = "sops/payments/SOP-0001-refunds.md";
    repo.write(path, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Add");
    let edited = repo.read(path) + "\nCheck twice.\n";
    repo.write(path, &edited);
    repo.git(&["add", "-A"]);
    repo.git(&[
        "-c",
        "user.name=rfischer",
        "-c",
        "user.email=rf@laptop.local",
        "commit",
        "-q",
        "-m",
        "Check twice",
    ]);
    repo.git(&[
        "-c",
        "user.name=rfischer",
        "-c",
        "user.email=rf@laptop.local",
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "-m",
        "First",
    ]);
    repo.write(
        ".mailmap",
        "Rita Fischer <rita@example.com> <rf@laptop.local>\n",
    )
    .commit("mailmap");
    let authors = |h: &Value| -> Vec<String> {
        h["commits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["author"].as_str().unwrap().to_string())
            .collect()
    };
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(authors(&h), ["Rita Fischer", "Test Writer"], "{h:#}");
    assert_eq!(h["releases"][0]["tagger"], "Rita Fischer", "{h:#}");
    let all = json(&repo, &["history", "--all", "--format", "json"]);
    assert_eq!(all[0]["commits"], h["commits"]);
    let table = repo
        .sop()
        .args(["history", "SOP-0001"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    assert!(table.contains("Rita Fischer"), "{table}");
    assert!(!table.contains("rfischer"), "{table}");
    repo.git(&["config", "log.mailmap", "false"]);
    let h = json(&repo, &["history", "SOP-0001", "--format", "json"]);
    assert_eq!(authors(&h), ["rfischer", "Test Writer"], "{h:#}");
}
