//! `sop new`.

use std::process::Stdio;

use crate::support::{SopRepo, sop_text};

fn new_sop(r: &SopRepo, args: &[&str]) -> String {
    let out = r
        .sop()
        .arg("new")
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap().trim_end().to_string()
}

#[test]
fn new_writes_each_type_with_its_sections_and_front_matter() {
    let r = SopRepo::new();
    let cases = [
        (
            "procedure",
            vec![
                "Purpose",
                "Scope",
                "Roles and Responsibilities",
                "Procedure",
                "Escalation",
                "Metrics",
                "References",
            ],
        ),
        (
            "policy",
            vec![
                "Purpose",
                "Scope",
                "Policy",
                "Roles and Responsibilities",
                "Exceptions",
                "References",
            ],
        ),
        (
            "runbook",
            vec![
                "Summary",
                "Trigger",
                "Severity",
                "Immediate Actions",
                "Escalation",
                "Communication",
                "Resolution",
                "Follow-up",
            ],
        ),
        ("checklist", vec!["Purpose", "Checklist"]),
    ];
    for (i, (t, sections)) in cases.iter().enumerate() {
        let path = new_sop(
            &r,
            &[
                "Gift refund: ÜBER case",
                "--type",
                t,
                "--owner",
                "Amara Okafor",
                "--department",
                "Payments",
            ],
        );
        let id = format!("SOP-{:04}", i + 1);
        assert_eq!(path, format!("sops/payments/{id}-gift-refund-uber-case.md"));
        let text = r.read(&path);
        assert!(text.starts_with(&format!("---\nid: {id}\ntitle: \"Gift refund: ÜBER case\"\ntype: {t}\nstatus: draft\nversion: 0.1.0\nowner: Amara Okafor\ndepartment: Payments\n")), "{text}");
        let headings: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("## ")).collect();
        assert_eq!(&headings, sections, "{t}");
    }
    // `sop list` reads them back with the values filled in.
    let out = r
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(list[2]["type"], "runbook");
    assert_eq!(list[2]["title"], "Gift refund: ÜBER case");
}

#[test]
fn new_defaults_owner_from_git_and_department_from_config() {
    let r = SopRepo::new();
    r.write("sop.toml", "[defaults]\ndepartment = \"Creator Support\"\n");
    let path = new_sop(&r, &["Creator appeals"]);
    assert_eq!(path, "sops/creator-support/SOP-0001-creator-appeals.md");
    let text = r.read(&path);
    assert!(text.contains("owner: Test Writer\n"), "{text}");
    assert!(text.contains("department: Creator Support\n"), "{text}");
    assert!(text.contains("review_every: 12 months\n"), "{text}");
}

#[test]
fn second_new_with_same_title_gets_next_id_and_leaves_first_intact() {
    let r = SopRepo::new();
    let first = new_sop(&r, &["Account recovery", "--category", "user-service"]);
    let before = std::fs::read(r.path(&first)).unwrap();
    let second = new_sop(&r, &["Account recovery", "--category", "user-service"]);
    assert_eq!(first, "sops/user-service/SOP-0001-account-recovery.md");
    assert_eq!(second, "sops/user-service/SOP-0002-account-recovery.md");
    assert_eq!(std::fs::read(r.path(&first)).unwrap(), before);
}

#[test]
fn a_second_sop_with_a_title_already_taken_is_written_with_a_warning() {
    let r = SopRepo::new();
    new_sop(&r, &["Account recovery", "--department", "User Service"]);
    let out = r
        .sop()
        .args(["new", "account Recovery", "--department", "User Service"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("SOP-0001 (`sops/user-service/SOP-0001-account-recovery.md`) already has the title \"Account recovery\""),
        "{err}"
    );
    assert!(err.contains("`supersedes: [SOP-0001]`"), "{err}");
    assert!(
        r.path("sops/user-service/SOP-0002-account-recovery.md")
            .is_file()
    );
    // The advice is a key `sop` knows: following it gives no `key-unknown`.
    let second = "sops/user-service/SOP-0002-account-recovery.md";
    let text = r
        .read(second)
        .replacen("\n---\n", "\nsupersedes: [SOP-0001]\n---\n", 1);
    r.write(second, &text);
    let out = r
        .sop()
        .args(["lint", "--format", "json", second])
        .output()
        .unwrap();
    let findings = String::from_utf8_lossy(&out.stdout);
    assert!(!findings.contains("key-unknown"), "{findings}");
    // A title no other SOP has gets no such warning.
    let out = r
        .sop()
        .args(["new", "Payout delays", "--department", "Payments"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("already has the title"), "{err}");
}

#[test]
fn a_type_is_found_whatever_its_case_and_a_misspelt_one_gets_a_suggestion() {
    let r = SopRepo::new();
    let path = new_sop(
        &r,
        &["Refunds", "--type", "Procedure", "--department", "Payments"],
    );
    assert!(r.read(&path).contains("type: procedure\n"));
    let out = r
        .sop()
        .args(["new", "Outage", "--type", "runbok"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("unknown SOP type `runbok`"), "{err}");
    assert!(err.contains("did you mean `runbook`?"), "{err}");
}

#[test]
fn without_an_owner_or_a_git_name_the_placeholder_is_written_and_said() {
    let r = SopRepo::new();
    r.git(&["config", "--unset", "user.name"]);
    r.git(&["config", "--unset", "user.email"]);
    let out = r
        .sop()
        .args(["new", "Refunds", "--department", "Payments"])
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL")
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("no owner given and git does not know your name"),
        "{err}"
    );
    assert!(err.contains("--owner NAME"), "{err}");
    let path = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let text = r.read(path.trim());
    assert!(text.contains("Who is accountable for this SOP"), "{text}");
    // With `--owner`, nothing to say.
    let out = r
        .sop()
        .args([
            "new",
            "Payouts",
            "--department",
            "Payments",
            "--owner",
            "Ana Ruiz",
        ])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("no owner given"), "{err}");
}

#[test]
fn new_continues_after_the_highest_id_in_front_matter_and_names() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0041-old.md",
        &crate::support::sop_text("SOP-0041", "Old", "procedure", "draft"),
    );
    r.write(
        "sops/a/renamed.md",
        &crate::support::sop_text("SOP-0057", "Renamed", "procedure", "draft"),
    );
    let path = new_sop(&r, &["Next one", "--category", "a"]);
    assert_eq!(path, "sops/a/SOP-0058-next-one.md");
}

/// Review s11: after `git rm` of a released SOP, `sop new` gave its id to the next SOP, which
/// then inherited the old one's releases, approvals and history (and on the site, its last
/// approved text). An id with release tags stays taken.
#[test]
fn new_never_reuses_the_id_of_a_deleted_released_sop() {
    let r = SopRepo::new();
    let old = "sops/a/SOP-0002-bans.md";
    r.write(
        "sops/a/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "draft"),
    )
    .write(old, &sop_text("SOP-0002", "Bans", "procedure", "draft"))
    .commit("add");
    r.sop()
        .args(["release", "SOP-0002", "--minor", "-m", "first"])
        .assert()
        .success();
    r.git(&["rm", "-q", old]);
    r.commit("remove bans");
    let path = new_sop(&r, &["Account recovery", "--category", "a"]);
    assert_eq!(path, "sops/a/SOP-0003-account-recovery.md");
}

#[test]
fn eight_concurrent_new_get_eight_distinct_ids() {
    let r = SopRepo::new();
    let bin = assert_cmd::cargo::cargo_bin("sop");
    let children: Vec<_> = (0..8)
        .map(|i| {
            std::process::Command::new(&bin)
                .args(["new", &format!("Parallel SOP {i}"), "--category", "p"])
                .current_dir(r.root())
                .env("HOME", r.root())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut paths = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        paths.push(String::from_utf8(out.stdout).unwrap().trim().to_string());
    }
    let id_of = |p: &str| p.trim_start_matches("sops/p/")[..8].to_string();
    let mut ids: Vec<String> = paths.iter().map(|p| id_of(p)).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8, "{paths:?}");
    for p in &paths {
        let text = r.read(p);
        let id = id_of(p);
        assert!(text.starts_with(&format!("---\nid: {id}\n")), "{p}: {text}");
        assert!(text.ends_with('\n'));
    }
}

#[test]
fn unknown_type_exits_2_and_lists_known_types() {
    let r = SopRepo::new();
    let out = r
        .sop()
        .args(["new", "X", "--type", "memo"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("unknown SOP type `memo`"), "{err}");
    for t in ["procedure", "policy", "runbook", "checklist"] {
        assert!(err.contains(&format!("`{t}`")), "{err}");
    }
    assert!(!r.path("sops").exists() || std::fs::read_dir(r.path("sops")).unwrap().count() == 0);
}

#[test]
fn type_added_in_config_uses_repository_template_or_its_sections() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[types.alert-runbook]\nsections = [\"Meaning\", \"Impact\", \"Mitigation\"]\n[types.memo]\nsections = [\"Context\", \"Decision\"]\n",
    );
    r.write(
        "templates/sop/memo.md",
        "---\nid: {{ id }}\ntitle: {{ title | yaml }}\ntype: {{ type }}\nstatus: draft\nversion: 0.1.0\nowner: {{ owner | yaml }}\ndepartment: Ops\n---\n\n## Context\n\nOur memo.\n\n## Decision\n\nDecided.\n",
    );
    let memo = new_sop(&r, &["Memo one", "--type", "memo", "--category", "m"]);
    assert!(r.read(&memo).contains("Our memo."));
    let alert = new_sop(
        &r,
        &["Disk full", "--type", "alert-runbook", "--category", "m"],
    );
    let text = r.read(&alert);
    assert!(text.contains("type: alert-runbook\n"));
    assert!(
        text.contains("## Meaning\n") && text.contains("## Mitigation\n"),
        "{text}"
    );
}

#[test]
fn repository_template_overrides_builtin() {
    let r = SopRepo::new();
    r.write(
        "templates/sop/checklist.md",
        "---\nid: {{ id }}\ntitle: {{ title | yaml }}\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: x\ndepartment: y\n---\n\n## Purpose\n\nHouse style.\n\n## Checklist\n\n- [ ] one\n",
    );
    let p = new_sop(&r, &["Handover", "--type", "checklist", "--category", "c"]);
    assert!(r.read(&p).contains("House style."));
}

#[test]
fn slug_stays_readable_for_non_ascii_titles() {
    let r = SopRepo::new();
    let p = new_sop(&r, &["虚拟礼物退款", "--category", "zh"]);
    assert_eq!(p, "sops/zh/SOP-0001-xu-ni-li-wu-tui-kuan.md");
    assert!(r.read(&p).contains("title: 虚拟礼物退款\n"));
}

#[test]
fn new_outside_a_repository_says_how_to_start() {
    let r = SopRepo::empty();
    let out = r
        .sop()
        .args(["new", "X"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("no SOP repository here"), "{err}");
    assert!(err.contains("sop init"), "{err}");
}

#[test]
fn new_edit_opens_the_editor_on_the_file() {
    let r = SopRepo::new();
    let script = r.path("fake-editor.sh");
    std::fs::write(&script, "#!/bin/sh\necho edited-by-editor >> \"$1\"\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = r
        .sop()
        .env("EDITOR", script.to_str().unwrap())
        .args(["new", "Edited", "--category", "e", "--edit"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let path = String::from_utf8(out).unwrap().trim().to_string();
    assert!(r.read(&path).ends_with("edited-by-editor\n"));
}

/// The rules `sop lint --format json` reports.
fn lint_rules(r: &SopRepo) -> Vec<String> {
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

// A review found that an id with `../` was the model for the next id, and `sop new` wrote
// above the repository.
#[test]
fn an_id_that_climbs_out_is_never_the_model_and_nothing_is_written_outside() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[sops]\ndir = \"sops\"\nfile_names = \"any\"\nid_pattern = \"\\\\S+-(\\\\d+)\"\n",
    );
    r.write(
        "sops/ops/a.md",
        &crate::support::sop_text("OPS-1", "A", "procedure", "draft")
            .replace("id: OPS-1", "id: ../../../pwn-1"),
    );
    r.commit("a");
    let above = r.root().parent().unwrap();
    let path = new_sop(&r, &["Gamma", "--category", "fresh"]);
    assert_eq!(path, "sops/fresh/SOP-0001-gamma.md");
    assert!(!above.join("pwn-2-gamma.md").exists());
    assert!(!r.path("pwn-2-gamma.md").exists());
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let invalid = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "id-invalid")
        .expect("id-invalid reported");
    assert_eq!(invalid["file"], "sops/ops/a.md");
    assert_eq!(
        invalid["message"],
        "`../../../pwn-1` is not a valid id: it has a `/`, and an id names files and pages"
    );
}

#[cfg(unix)]
#[test]
fn a_category_folder_that_is_a_link_out_is_refused_naming_the_link() {
    let r = SopRepo::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(r.path("sops")).unwrap();
    std::os::unix::fs::symlink(outside.path(), r.path("sops/ops")).unwrap();
    let out = r
        .sop()
        .args(["new", "Refunds", "--category", "ops"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot create the SOP in `sops/ops`: the folder is a symbolic link to"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

// A review found that `[sops] exclude` hid the folder `sop new` wrote to: the SOP was never
// linted and the next one got the same id.
#[test]
fn an_excluded_folder_is_refused_and_its_ids_still_count() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\nexclude = [\"general/\"]\n");
    r.write(
        "sops/general/SOP-0005-old.md",
        &crate::support::sop_text("SOP-0005", "Old", "procedure", "draft"),
    );
    r.write(
        "sops/general/notes.md",
        "---\nid: SOP-0007\ntitle: Notes\n---\n\nText.\n",
    );
    let out = r.sop().args(["new", "Refunds"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "cannot create `sops/general/SOP-0008-refunds.md`: the pattern `general/` of `[sops] exclude`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("choose another folder with `--category`"),
        "{stderr}"
    );
    assert!(!r.path("sops/general/SOP-0008-refunds.md").exists());
    let path = new_sop(&r, &["Refunds", "--category", "payments"]);
    assert_eq!(path, "sops/payments/SOP-0008-refunds.md");
}

// A review found that a type with `level = 3` failed lint right after `sop new`.
#[test]
fn new_writes_the_sections_at_the_types_level() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[defaults]\ndepartment = \"Ops\"\n[types.policy]\nlevel = 3\n",
    );
    let path = new_sop(&r, &["Data retention", "--type", "policy"]);
    let text = r.read(&path);
    assert!(text.contains("\n### Purpose\n"), "{text}");
    assert!(text.contains("\n#### Definitions\n"), "{text}");
    assert!(!text.contains("\n## "), "{text}");
    r.commit("new");
    let rules = lint_rules(&r);
    assert!(
        !rules
            .iter()
            .any(|rule| rule.starts_with("section-") || rule.starts_with("heading-")),
        "{rules:?}"
    );
    // `"any"` keeps the built-in level 2.
    let r = SopRepo::new();
    r.write("sop.toml", "[types.policy]\nlevel = \"any\"\n");
    let path = new_sop(&r, &["Data retention", "--type", "policy"]);
    assert!(r.read(&path).contains("\n## Purpose\n"));
}

#[test]
fn a_section_at_the_wrong_level_is_named_with_its_level() {
    let r = SopRepo::new();
    r.write("sop.toml", "[types.procedure]\nlevel = 3\n");
    r.write(
        "sops/ops/SOP-0001-a.md",
        &crate::support::sop_text("SOP-0001", "A", "procedure", "draft"),
    );
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let purpose = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "section-missing" && f["message"].as_str().unwrap().contains("`Purpose`")
        })
        .expect("Purpose reported");
    let help = purpose["help"].as_str().unwrap();
    assert_eq!(
        help,
        "found `## Purpose` (level 2); this type's sections are level 3 (`### Purpose`): change the heading, or set `[types.procedure] level`"
    );
}

// A review found that `sop new` wrote `owner:` in a repository whose files say `owner_slack:`.
#[test]
fn new_writes_the_teams_names_for_the_keys() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[front_matter]\naliases = { owner = \"owner_slack\", review_every = \"review_in\" }\n",
    );
    let path = new_sop(&r, &["Refunds", "--department", "Payments"]);
    let text = r.read(&path);
    assert!(text.contains("\nowner_slack: Test Writer\n"), "{text}");
    assert!(text.contains("\nreview_in: 12 months\n"), "{text}");
    assert!(!text.contains("\nowner:"), "{text}");
    r.commit("new");
    let rules = lint_rules(&r);
    assert!(
        !rules.iter().any(|rule| rule.starts_with("key-")),
        "{rules:?}"
    );
}

/// Writer review #13: with `--category` and no department, the warning does not say the SOP
/// goes in the `general` folder (it goes in the category's); without either, it names the
/// folder really used.
#[test]
fn the_no_department_warning_names_the_folder_really_used() {
    let r = SopRepo::new();
    let out = r
        .sop()
        .args([
            "new",
            "Live stream outage",
            "--type",
            "runbook",
            "--category",
            "incidents",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        r.path("sops/incidents/SOP-0001-live-stream-outage.md")
            .is_file()
    );
    assert!(stderr.contains("no department given"), "{stderr}");
    assert!(!stderr.contains("`general`"), "{stderr}");

    let out = r.sop().args(["new", "Refunds"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(r.path("sops/general/SOP-0002-refunds.md").is_file());
    assert!(
        stderr.contains("no department given, so the new SOP goes in the `general` folder"),
        "{stderr}"
    );
}

/// An SOP that `sop` cannot read as it is (saved by Notepad as UTF-16, or in Latin-1) still
/// holds its id: by its file name, and by its front matter when the name has none.
#[test]
fn new_never_takes_the_id_of_an_sop_saved_in_another_encoding() {
    let r = SopRepo::new();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            sop_text("SOP-0002", "Second", "checklist", "draft")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    r.write_bytes("sops/ops/SOP-0002-second.md", &utf16);
    // Latin-1, and a name without the id: only the front matter says SOP-0003.
    let latin1: Vec<u8> = sop_text("SOP-0003", "Caf\u{e9}", "checklist", "draft")
        .chars()
        .map(|c| c as u8)
        .collect();
    r.write_bytes("sops/ops/cafe.md", &latin1);
    let out = new_sop(&r, &["Third", "--type", "checklist", "--department", "Ops"]);
    assert!(out.contains("SOP-0004"), "{out}");
    assert!(r.path("sops/ops/SOP-0004-third.md").is_file());
}
