//! `sop lint`: every rule against its fixtures, the options, the bad-input guarantees and the
//! acceptance checks on the demo SOPs and the benchmark corpus.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

/// Rules whose failing input cannot be a committed file; each has its own test below.
const NO_FIXTURE: &[(&str, &str)] = &[
    (
        "approved-sop-deleted",
        "needs --base and a git history: lint_base::deleted_approved_sop_must_be_retired_first",
    ),
    (
        "id-changed",
        "needs --base and a git history: lint_base::a_changed_id_is_an_error_naming_both",
    ),
    (
        "version-not-bumped",
        "needs --base and a git history: lint_base::unbumped_approved_change_fails",
    ),
    (
        "approval-not-recorded",
        "needs --base and release tags: lint_base::approved_by_hand_after_a_release_is_an_error_until_released_with_approval",
    ),
    (
        "file-too-large",
        "needs a file over 10 MiB: bad_input_gives_one_finding_per_file",
    ),
    (
        "file-outside-repository",
        "needs a symbolic link: load::symlink_leaving_the_repository_is_a_finding_and_never_read",
    ),
    (
        "file-unreadable",
        "needs a symbolic-link loop: bad_input_gives_one_finding_per_file",
    ),
];

/// Where a single-file fixture is placed in the temporary repository.
const FIXTURE_PATH: &str = "sops/fixtures/SOP-0001-fixture.md";

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A repository holding the fixture `<rule>/<kind>.md` or `<rule>/<kind>/`, if there is one.
fn fixture_repo(rule: &str, kind: &str) -> Option<SopRepo> {
    let dir = fixtures().join(rule);
    let file = dir.join(format!("{kind}.md"));
    let folder = dir.join(kind);
    let repo = SopRepo::new();
    if file.is_file() {
        repo.write_bytes(FIXTURE_PATH, &std::fs::read(&file).unwrap());
    } else if folder.is_dir() {
        copy_dir(&folder, repo.root());
        // A fixture keeps its `.gitignore` as `gitignore`, so the project's own git does not
        // read it.
        let ignore = repo.path("gitignore");
        if ignore.is_file() {
            std::fs::rename(&ignore, repo.path(".gitignore")).unwrap();
        }
    } else {
        return None;
    }
    // Staged, as a writer's files are by the time they are reviewed: the site publishes only
    // files git tracks (rule `link-untracked`).
    repo.git(&["add", "-A"]);
    Some(repo)
}

/// Run `sop lint --format json` with `args`; the findings and the exit code.
fn lint_json(repo: &SopRepo, args: &[&str]) -> (Vec<Value>, i32) {
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (findings.as_array().cloned().unwrap_or_default(), code)
}

fn rules_of(findings: &[Value]) -> Vec<&str> {
    findings.iter().filter_map(|f| f["rule"].as_str()).collect()
}

fn rule_ids() -> Vec<&'static str> {
    sop::lint::RULES.iter().map(|r| r.id).collect()
}

#[test]
fn rule_ids_never_change_silently() {
    insta::assert_snapshot!(rule_ids().join("\n"));
}

/// Rules whose fixtures need git: only git's index says which files are tracked. The CLI smoke
/// test runs them through the `sop` binary on a git repository.
const NEEDS_GIT: &[&str] = &["link-untracked"];

/// The fixture `<rule>/<kind>.md` or `<rule>/<kind>/` copied into a temporary folder that is not
/// a git repository, if there is one.
fn fixture_dir(rule: &str, kind: &str) -> Option<tempfile::TempDir> {
    let dir = fixtures().join(rule);
    let file = dir.join(format!("{kind}.md"));
    let folder = dir.join(kind);
    let tmp = tempfile::tempdir().unwrap();
    if file.is_file() {
        let target = tmp.path().join(FIXTURE_PATH);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
        std::fs::write(tmp.path().join("sop.toml"), "").unwrap();
    } else if folder.is_dir() {
        copy_dir(&folder, tmp.path());
    } else {
        return None;
    }
    Some(tmp)
}

/// Lint the repository at `root` in-process, as `sop lint` does on the tests' day: the
/// findings, and the human report of those for which `keep` holds (no colour, the CLI's
/// default options).
fn lint_in_process(
    root: &Path,
    keep: impl Fn(&sop::diag::Finding) -> bool,
) -> (Vec<sop::diag::Finding>, String) {
    let root = std::fs::canonicalize(root).unwrap();
    let repo = sop::repo::Repo::at(root, None).unwrap();
    let corpus = repo.load();
    let today = sop::repo::dates::parse_date(crate::support::TODAY).unwrap();
    let findings = sop::lint::check_on(&repo, &corpus, today).unwrap();
    let extra = sop::lint::broken_sources(&repo, &corpus);
    let sources: sop::diag::Sources<'_> = corpus
        .sops
        .iter()
        .map(|s| (s.path.as_str(), &s.source))
        .chain(extra.iter().map(|(p, s)| (p.as_str(), s)))
        .collect();
    let rules: Vec<&'static sop::diag::RuleMeta> = sop::lint::RULES.iter().collect();
    let kept: Vec<sop::diag::Finding> = findings.iter().filter(|f| keep(f)).cloned().collect();
    let report = sop::diag::Report {
        findings: &kept,
        sources: &sources,
        rules: &rules,
        checked: corpus.sops.len() + corpus.broken.len(),
        root: "",
    };
    let mut out = Vec::new();
    sop::diag::write(
        sop::diag::Format::Human,
        &report,
        sop::diag::HumanOptions::default(),
        &mut out,
    )
    .unwrap();
    (findings, String::from_utf8(out).unwrap())
}

/// Every rule against its fixtures, in-process and without git: the failing fixture triggers
/// the rule (one snapshot per rule, `snapshots/rules/<rule>.snap`, of what `sop lint` prints
/// for it), and the passing one has no finding at all.
#[test]
fn every_rule_has_fixtures_that_fail_and_pass() {
    let exempt: HashSet<&str> = NO_FIXTURE.iter().map(|(id, _)| *id).collect();
    for id in rule_ids() {
        if exempt.contains(id) {
            assert!(
                fixture_dir(id, "fail").is_none(),
                "{id} has a fixture: remove it from NO_FIXTURE"
            );
            continue;
        }
        if NEEDS_GIT.contains(&id) {
            continue;
        }
        let fail = fixture_dir(id, "fail")
            .unwrap_or_else(|| panic!("tests/fixtures/rules/{id}/fail.md (or fail/) is missing"));
        let (findings, human) = lint_in_process(fail.path(), |f| f.rule.id == id);
        let rules: Vec<&str> = findings.iter().map(|f| f.rule.id).collect();
        assert!(
            rules.contains(&id),
            "{id}/fail does not trigger {id}: {rules:?}"
        );
        let severity = sop::lint::registry::find(id).unwrap().severity;
        assert_eq!(
            sop::lint::fails(&findings, false),
            severity == sop::diag::Severity::Error,
            "{id}/fail: an error rule must fail the run, a warning rule must not ({rules:?})"
        );
        insta::with_settings!({
            snapshot_path => "snapshots/rules",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(id, human);
        });
        let pass = fixture_dir(id, "pass")
            .unwrap_or_else(|| panic!("tests/fixtures/rules/{id}/pass.md (or pass/) is missing"));
        let (findings, human) = lint_in_process(pass.path(), |_| true);
        assert!(findings.is_empty(), "{id}/pass has findings:\n{human}");
    }
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            rule_ids().contains(&name.as_str()),
            "tests/fixtures/rules/{name} is not a rule"
        );
    }
}

/// The one CLI smoke test of the rule fixtures: the `sop` binary on a git repository, for the
/// rules that need git's index, in JSON and for people, with the exit codes.
#[test]
fn rules_that_need_git_through_the_cli() {
    for &id in NEEDS_GIT {
        let fail = fixture_repo(id, "fail").unwrap();
        let (findings, code) = lint_json(&fail, &[]);
        assert!(
            rules_of(&findings).contains(&id),
            "{id}/fail does not trigger {id}: {findings:#?}"
        );
        assert_eq!(code, 1, "{id}/fail exit code");
        let out = fail
            .sop()
            .args(["lint", "--color", "never"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("[{id}]")), "{text}");
        assert_eq!(out.status.code(), Some(1), "{text}");
        let pass = fixture_repo(id, "pass").unwrap();
        let (findings, code) = lint_json(&pass, &[]);
        assert!(findings.is_empty(), "{id}/pass has findings: {findings:#?}");
        assert_eq!(code, 0, "{id}/pass exit code");
    }
}

#[test]
fn findings_point_at_the_exact_value() {
    let r = fixture_repo("review-date-invalid", "fail").unwrap();
    let (findings, _) = lint_json(&r, &[]);
    let f = &findings[0];
    assert_eq!(f["rule"], "review-date-invalid");
    assert_eq!(f["message"], "`next_review` is not a real date");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(11), Some(14))
    );
    assert_eq!(f["end_column"].as_u64(), Some(24));
    assert_eq!(
        f["help"],
        "write the date as YYYY-MM-DD, for example `next_review: 2027-02-28`"
    );
}

#[test]
fn bad_input_gives_one_finding_per_file() {
    let r = SopRepo::new();
    r.write(
        "sops/ok/SOP-0001-good.md",
        &sop_text("SOP-0001", "Good", "procedure", "draft"),
    );
    r.write_bytes(
        "sops/bad/SOP-0010-binary.md",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    );
    r.write_bytes(
        "sops/bad/SOP-0011-latin1.md",
        b"---\nid: SOP-0011\ntitle: Caf\xe9\n---\n",
    );
    r.write(
        "sops/bad/SOP-0012-broken-yaml.md",
        "---\nid: SOP-0012\ntitle: a: b: c\n---\n## Purpose\n",
    );
    r.write(
        "sops/bad/SOP-0013-dup.md",
        &sop_text("SOP-0013", "Dup", "procedure", "draft").replacen(
            "status: draft\n",
            "status: draft\nstatus: review\n",
            1,
        ),
    );
    r.write("sops/bad/SOP-0014-empty.md", "");
    let huge = format!("---\nid: SOP-0015\n---\n{}", "x".repeat(11 * 1024 * 1024));
    r.write("sops/bad/SOP-0015-huge.md", &huge);
    std::os::unix::fs::symlink("..", r.path("sops/bad/loop")).unwrap();
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1);
    let by_file: BTreeMap<&str, Vec<&str>> = findings.iter().fold(BTreeMap::new(), |mut m, f| {
        m.entry(f["file"].as_str().unwrap())
            .or_insert_with(Vec::new)
            .push(f["rule"].as_str().unwrap());
        m
    });
    let expected: BTreeMap<&str, Vec<&str>> = [
        ("sops/bad/SOP-0010-binary.md", vec!["file-binary"]),
        ("sops/bad/SOP-0011-latin1.md", vec!["file-not-utf8"]),
        (
            "sops/bad/SOP-0012-broken-yaml.md",
            vec!["front-matter-syntax"],
        ),
        ("sops/bad/SOP-0013-dup.md", vec!["key-duplicate"]),
        ("sops/bad/SOP-0014-empty.md", vec!["file-empty"]),
        ("sops/bad/SOP-0015-huge.md", vec!["file-too-large"]),
        ("sops/bad/loop", vec!["file-unreadable"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(by_file, expected, "{findings:#?}");
    let yaml = findings
        .iter()
        .find(|f| f["rule"] == "front-matter-syntax")
        .unwrap();
    assert_eq!(yaml["line"].as_u64(), Some(3), "the YAML error's own line");
    let latin = findings
        .iter()
        .find(|f| f["rule"] == "file-not-utf8")
        .unwrap();
    assert!(latin["message"].as_str().unwrap().contains("line 3"));
    assert_eq!(
        (latin["line"].as_u64(), latin["column"].as_u64()),
        (Some(3), Some(11))
    );
}

#[test]
#[allow(clippy::print_stderr)]
fn unreadable_file_is_a_finding_not_a_crash() {
    use std::os::unix::fs::PermissionsExt;
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "draft"),
    );
    let p = r.path("sops/a/SOP-0001-a.md");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        // Running as root, where permissions do not apply: a link to a missing file is
        // unreadable for everyone.
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink("SOP-0404-gone.md", &p).unwrap();
    }
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&findings), ["file-unreadable"]);
}

#[test]
fn severity_can_be_changed_or_turned_off() {
    let r = fixture_repo("placeholder-left", "fail").unwrap();
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!((rules_of(&findings), code), (vec!["placeholder-left"], 0));
    let (_, code) = lint_json(&r, &["--deny-warnings"]);
    assert_eq!(code, 1);
    r.write(
        "sop.toml",
        "[lint.severity]\nplaceholder-left = \"error\"\n",
    );
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!((findings[0]["severity"].as_str(), code), (Some("error"), 1));
    r.write("sop.toml", "[lint.severity]\nplaceholder-left = \"off\"\n");
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!((findings.len(), code), (0, 0));
}

#[test]
fn unknown_rule_in_config_is_a_usage_error() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[lint]\n[lint.severity]\nplaceholder-lefts = \"off\"\n",
    );
    r.sop()
        .args(["lint"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("sop.toml:3"))
        .stderr(predicates::str::contains("placeholder-lefts"))
        .stderr(predicates::str::contains(
            "did you mean `placeholder-left`?",
        ));
}

#[test]
fn disable_comments_silence_a_file_or_a_line() {
    let r = fixture_repo("placeholder-left", "fail").unwrap();
    let text = r.read(FIXTURE_PATH);
    r.write(
        FIXTURE_PATH,
        &text.replace(
            "Ask <name",
            "<!-- sop-disable-next-line placeholder-left -->\nAsk <name",
        ),
    );
    assert_eq!(lint_json(&r, &[]).0.len(), 0);
    r.write(
        FIXTURE_PATH,
        &text.replace(
            "Ask <name",
            "<!-- sop-disable-next-line section-empty -->\nAsk <name",
        ),
    );
    assert_eq!(rules_of(&lint_json(&r, &[]).0), ["placeholder-left"]);
    r.write(
        FIXTURE_PATH,
        &format!("{text}\n<!-- sop-disable placeholder-left, section-empty -->\n"),
    );
    assert_eq!(lint_json(&r, &[]).0.len(), 0);
}

#[test]
fn fix_applies_only_safe_fixes_and_leaves_renames_as_suggestions() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "draft")
        .replace(
            "## Roles and Responsibilities",
            "## Roles & Responsibilites",
        )
        .replace("status: draft", "status: Draft")
        .replace("owner: Amara Okafor", "ownr: Amara Okafor")
        .replace(
            "department: Payments\n",
            "department: Payments\nversion: 2\n",
        );
    r.write("sops/a/SOP-0001-refunds.md", text.trim_end());
    let out = r
        .sop()
        .args(["lint", "--fix", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("added a line break at the end of the file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("3 suggested changes are left for you"),
        "{stderr}"
    );
    // Only the line break was added: the key, the heading and the status are the writer's.
    assert_eq!(
        r.read("sops/a/SOP-0001-refunds.md"),
        format!("{}\n", text.trim_end())
    );
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    let suggested: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["fix"]["applicability"] == "suggestion")
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["fix"]["edits"][0]["replacement"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        suggested,
        [
            ("status-invalid", "draft"),
            ("key-unknown", "owner"),
            ("section-heading-misspelled", "Roles and Responsibilities"),
        ]
    );
    assert!(rules_of(findings).contains(&"key-duplicate"));
    assert_eq!(out.status.code(), Some(1));
}

/// When `--fix` has nothing it can repair, it says so first, in one line, with the count of
/// what is left; what it does repair is named even under `-q`.
#[test]
fn fix_says_first_when_nothing_could_be_fixed_and_names_fixes_even_when_quiet() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "draft")
        .replace("owner: Amara Okafor", "owner: \"<Who owns this SOP?>\"");
    r.write("sops/a/SOP-0001-refunds.md", &text);
    let out = r.sop().args(["lint", "--fix"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("nothing to fix automatically: the warning below needs you\n"),
        "{stderr}"
    );
    assert_eq!(r.read("sops/a/SOP-0001-refunds.md"), text);
    r.write("sops/a/SOP-0001-refunds.md", text.trim_end());
    let out = r.sop().args(["lint", "--fix", "-q"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("fixed sops/a/SOP-0001-refunds.md:"),
        "{stderr}"
    );
    assert!(!stderr.contains("nothing to fix"), "{stderr}");
    assert_eq!(r.read("sops/a/SOP-0001-refunds.md"), text);
}

#[test]
fn explain_and_list_rules_document_the_registry() {
    let r = SopRepo::new();
    r.sop()
        .args(["lint", "--explain", "section-missing"])
        .assert()
        .success()
        .stdout(predicates::str::contains("# section-missing"))
        .stdout(predicates::str::contains("## How to fix"));
    r.sop()
        .args(["lint", "--explain", "section-mising"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `section-missing`?"));
    let out = r.sop().args(["lint", "--list-rules"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("RULE"));
    assert_eq!(table.lines().count(), rule_ids().len() + 1);
    let out = r
        .sop()
        .args(["lint", "--list-rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let placeholder = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "placeholder-left")
        .unwrap();
    assert_eq!(placeholder["severity"], "warning");
    assert_eq!(placeholder["family"], "content");
    // Inside a repository the table shows the severities its sop.toml sets.
    r.write(
        "sop.toml",
        "[lint.severity]\nplaceholder-left = \"off\"\nlink-to-retired = \"error\"\n",
    );
    let out = r
        .sop()
        .args(["lint", "--list-rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sev = |id: &str| {
        let rule = rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap();
        (rule["severity"].clone(), rule["default_severity"].clone())
    };
    assert_eq!(sev("placeholder-left"), ("off".into(), "warning".into()));
    assert_eq!(sev("link-to-retired"), ("error".into(), "warning".into()));
}

#[test]
fn files_without_front_matter_take_their_type_from_paths() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[types.alert-runbook]\nsections = [\"Meaning\", \"Impact\", \"Mitigation\"]\npaths = [\"sops/alerts/**\"]\n",
    );
    r.write(
        "sops/alerts/disk-full.md",
        "## Meaning\n\nThe disk is full.\n\n## Mitigation\n\nDelete old logs.\n",
    );
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&findings),
        ["front-matter-missing", "section-missing"]
    );
    assert!(
        findings[1]["message"]
            .as_str()
            .unwrap()
            .contains("`Impact`")
    );
}

#[test]
fn toml_front_matter_is_named_as_toml() {
    let r = SopRepo::new();
    r.write(
        "sops/hugo-page.md",
        "+++\ntitle = \"Restart\"\n+++\n\n## Steps\n\nRestart it.\n",
    );
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&findings), ["front-matter-missing"]);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains("TOML"), "{message}");
}

#[test]
fn paths_limit_what_is_reported_but_links_see_everything() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-a.md",
        &format!(
            "{}\nSee [B](../b/SOP-0002-b.md#purpose).\n",
            sop_text("SOP-0001", "A", "procedure", "draft")
        ),
    );
    r.write(
        "sops/b/SOP-0002-b.md",
        &sop_text("SOP-0002", "B", "procedure", "draft").replace("title: B\n", ""),
    );
    let (all, _) = lint_json(&r, &[]);
    assert_eq!(rules_of(&all), ["key-missing"]);
    let (only_a, code) = lint_json(&r, &["sops/a"]);
    assert_eq!((only_a.len(), code), (0, 0));
    let (only_b, _) = lint_json(&r, &["sops/b/SOP-0002-b.md"]);
    assert_eq!(rules_of(&only_b), ["key-missing"]);
    r.sop()
        .args(["lint", "sops/nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`sops/nope` does not exist"));
}

#[test]
fn new_sops_lint_clean_apart_from_placeholders() {
    let r = SopRepo::new();
    for t in ["procedure", "policy", "runbook", "checklist"] {
        r.sop()
            .args([
                "new",
                &format!("A {t}"),
                "--type",
                t,
                "--owner",
                "Ann Lee",
                "--department",
                "Ops",
            ])
            .assert()
            .success();
    }
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 0, "{findings:#?}");
    let other: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] != "placeholder-left")
        .collect();
    assert!(other.is_empty(), "{other:#?}");
    assert!(!findings.is_empty());
}

#[test]
fn demo_sops_lint_clean() {
    let mut cmd = assert_cmd::Command::cargo_bin("sop").unwrap();
    let out = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOP_TODAY", crate::support::TODAY)
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{findings:#?}");
    let errors: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Generate a corpus with the project's generator; python3 is needed, and its absence fails the
/// test with what to install.
fn gen_corpus(args: &[&str], out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/gen_corpus.py");
    let status = std::process::Command::new("python3")
        .arg(&script)
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--force")
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("gen_corpus.py failed: {s}"),
        Err(e) => panic!("the corpus acceptance test needs python3 (apt-get install python3): {e}"),
    }
}

fn lint_dir(dir: &Path) -> (Vec<Value>, i32) {
    let out = assert_cmd::Command::cargo_bin("sop")
        .unwrap()
        .current_dir(dir)
        .env("SOP_TODAY", crate::support::TODAY)
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v.as_array().cloned().unwrap_or_default(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn benchmark_corpus_lints_clean_and_every_defect_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    gen_corpus(&["--count", "1000"], &clean);
    let (findings, code) = lint_dir(&clean);
    assert_eq!(
        (findings.len(), code),
        (0, 0),
        "{:#?}",
        &findings[..findings.len().min(5)]
    );

    let dirty = tmp.path().join("dirty");
    gen_corpus(&["--count", "1000", "--defects", "0.1"], &dirty);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dirty.join("defects.json")).unwrap())
            .unwrap();
    let defects = manifest["defects"].as_array().unwrap();
    assert!(defects.len() > 20);
    let (findings, code) = lint_dir(&dirty);
    assert_eq!(code, 1);
    let mut defect_files = HashSet::new();
    for d in defects {
        let file = d["file"].as_str().unwrap();
        defect_files.insert(file);
        let hit = findings
            .iter()
            .any(|f| f["file"] == file && (d["line"].is_null() || f["line"] == d["line"]));
        assert!(hit, "defect not found: {d}");
    }
    let stray: Vec<&Value> = findings
        .iter()
        .filter(|f| !defect_files.contains(f["file"].as_str().unwrap_or_default()))
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        stray.is_empty(),
        "errors in files without defects: {stray:#?}"
    );
}

/// See #11 (R8): a finding on a very long line shows a window of it, not the whole line, with
/// the real column, in every format; the cost of a finding does not grow with its line.
#[test]
fn findings_on_a_long_line_show_a_window_with_the_real_column() {
    let r = SopRepo::new();
    let head = sop_text("SOP-0001", "Long", "checklist", "draft");
    let words = "wörd ".repeat(40_000);
    r.write(
        "sops/a/SOP-0001-long.md",
        &format!("{head}\n{words}TODO [x](missing.md) {words}TODO\n"),
    );
    let line = head.lines().count() + 2;
    let todo_column = 40_000 * 5 + 1;
    let (findings, _) = lint_json(&r, &[]);
    let todo: Vec<(u64, u64)> = findings
        .iter()
        .filter(|f| f["rule"] == "placeholder-left")
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(todo[0], (line as u64, todo_column as u64), "{findings:#?}");
    let human = r
        .sop()
        .args(["lint", "--format", "human"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "--> sops/a/SOP-0001-long.md:{line}:{todo_column}\n"
        )),
        "{}",
        &text[..text.len().min(3000)]
    );
    assert!(
        text.len() < 8_000,
        "the whole line was shown: {} bytes",
        text.len()
    );
    for format in ["github", "sarif"] {
        let out = r.sop().args(["lint", "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        // The rules' documentation alone is about 200 KB of SARIF; the line is 480 KB.
        assert!(
            out.stdout.len() < 300_000,
            "{format}: {} bytes",
            out.stdout.len()
        );
    }
}

/// See #11 (R14): a YAML alias is a finding, and its value is not read as the text `*`.
#[test]
fn yaml_alias_is_a_finding_not_the_text_star() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0001", "Alias", "procedure", "draft").replace(
        "department: Payments",
        "department: &dept Payments\ntags: [base, *dept]",
    );
    r.write("sops/a/SOP-0001-alias.md", &text);
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1);
    let alias: Vec<&Value> = findings
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("`*dept`"))
        .collect();
    assert_eq!(alias.len(), 1, "{findings:#?}");
    assert_eq!(alias[0]["rule"], "front-matter-syntax");
}

/// See #11 (R14): an image that `sop publish` would silently drop is a lint error, like one
/// that is missing.
#[test]
fn images_the_site_would_drop_are_findings() {
    let r = SopRepo::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("flow.png"), b"\x89PNG").unwrap();
    std::fs::create_dir_all(r.path("sops/a/img")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("flow.png"),
        r.path("sops/a/img/out.png"),
    )
    .unwrap();
    r.write_bytes("sops/a/img/ok.png", b"\x89PNG");
    r.write("sops/a/README.md", "# About\n");
    let text = sop_text("SOP-0001", "Images", "procedure", "draft").replace(
        "The purpose of this SOP.",
        "![a](img/ok.png) ![b](javascript:alert(1)) ![c](img) ![d](README.md) ![e](img/out.png) ![f](https://example.com/f.png)",
    );
    r.write("sops/a/SOP-0001-images.md", &text);
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1);
    let dropped: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "image-not-published")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(dropped.len(), 4, "{findings:#?}");
    for dest in ["javascript:alert(1)", "`img`", "README.md", "img/out.png"] {
        assert!(
            dropped.iter().any(|m| m.contains(dest)),
            "{dest}: {dropped:#?}"
        );
    }
}

/// See #11 (R14): a path named on the command line that is not linted says why, instead of
/// "no problems in 0 SOPs".
#[test]
fn a_named_path_that_is_not_linted_says_why() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "draft"),
    );
    r.write("sops/a/README.md", "# About\n");
    r.write("sops/a/notes.txt", "notes\n");
    r.write("docs/guide.md", "# Guide\n");
    std::fs::create_dir_all(r.path("sops/empty")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(r.path("sops/a/SOP-0002-fifo.md"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let cases = [
        (
            "sops/a/README.md",
            "`README.md` files are left out by default",
        ),
        ("sops/a/notes.txt", "only Markdown files (`.md`) are SOPs"),
        ("docs/guide.md", "it is not in the SOP folder `sops/`"),
        ("sops/empty", "the folder holds no SOP files"),
    ];
    for (path, why) in cases {
        let out = r.sop().args(["lint", path]).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(
            stderr.contains(&format!("`{path}` was not checked: {why}")),
            "{path}: {stderr}"
        );
        assert!(!stdout.contains("0 SOPs"), "{path}: {stdout}");
    }
    let (findings, code) = lint_json(&r, &["sops/a/SOP-0002-fifo.md"]);
    assert_eq!((rules_of(&findings), code), (vec!["file-unreadable"], 1));
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
}

/// See #11 (R6): a department or tag of more than 100 characters is a warning in lint, before
/// it becomes a page name on the site.
#[test]
fn department_or_tag_over_100_characters_is_a_warning() {
    let r = SopRepo::new();
    let long = "Very long department name ".repeat(11);
    let text = sop_text("SOP-0001", "Long", "procedure", "draft")
        .replace(
            "department: Payments",
            &format!("department: \"{}\"", long.trim()),
        )
        .replace(
            "review_every:",
            &format!(
                "tags: [ok, \"{}\", \"{}\"]\nreview_every:",
                "t".repeat(100),
                "t".repeat(101)
            ),
        );
    r.write("sops/a/SOP-0001-long.md", &text);
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 0, "warnings only");
    let long: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "name-too-long")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(long.len(), 2, "{findings:#?}");
    assert!(
        long[0].contains("department name is 285 characters"),
        "{long:?}"
    );
    assert!(long[1].contains("tag name is 101 characters"), "{long:?}");
}

/// Two files with findings: one with five prompts left (and a missing key), one with a
/// single warning.
fn busy_repo() -> SopRepo {
    let r = SopRepo::new();
    let mut busy =
        sop_text("SOP-0001", "Refunds", "procedure", "draft").replace("owner: Amara Okafor\n", "");
    for n in 1..=5 {
        busy.push_str(&format!("\n<Write step {n} here.>\n"));
    }
    r.write("sops/pay/SOP-0001-refunds.md", &busy);
    let mut quiet = sop_text("SOP-0002", "Payouts", "procedure", "draft");
    quiet.push_str("\nTODO: name the payout tool.\n");
    r.write("sops/pay/SOP-0002-payouts.md", &quiet);
    r
}

fn lint_human(repo: &SopRepo, args: &[&str]) -> (String, i32) {
    let out = repo
        .sop()
        .args(["lint", "--format", "human", "--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_busy_report_collapses_repeats_and_ends_with_a_table_per_file() {
    let r = busy_repo();
    let (out, code) = lint_human(&r, &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
    // The first three prompts of the file in full, the other two summed up in one block.
    assert_eq!(
        out.matches("a template prompt is still in the text")
            .count(),
        3
    );
    // One indented line right under the third, without arrow or gutter, and the pointer to
    // `--explain` once per rule in the whole run.
    assert!(
        out.contains(
            "delete the line\n  … and 2 more findings like this in this file (lines 48–50): `sop lint --verbose` lists each\n\n"
        ),
        "{out}"
    );
    assert_eq!(
        out.matches("sop lint --explain placeholder-left").count(),
        1,
        "{out}"
    );
}

/// The table at the end has the headers of `sop list` and lists the files by path, not by how
/// many errors they have.
#[test]
fn the_table_per_file_is_sorted_by_path_with_upper_case_headers() {
    let r = SopRepo::new();
    let mut todo = sop_text("SOP-0002", "Payouts", "procedure", "draft");
    todo.push_str("\nTODO: name the payout tool.\n");
    r.write("sops/a/SOP-0002-payouts.md", &todo);
    r.write(
        "sops/b/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "draft").replace("owner: Amara Okafor\n", ""),
    );
    let (out, _) = lint_human(&r, &[]);
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("FILE "))
        .take(3)
        .collect();
    assert_eq!(
        table,
        [
            "FILE                        ERRORS  WARNINGS",
            "sops/a/SOP-0002-payouts.md       0         1",
            "sops/b/SOP-0001-refunds.md       1         0",
        ],
        "{out}"
    );
}

#[test]
fn verbose_shows_every_finding_and_quiet_only_errors() {
    let r = busy_repo();
    let (every, _) = lint_human(&r, &["--verbose"]);
    assert_eq!(
        every
            .matches("a template prompt is still in the text")
            .count(),
        5
    );
    assert!(!every.contains("more findings like this"), "{every}");
    let (errors, code) = lint_human(&r, &["-q"]);
    assert_eq!(code, 1, "-q changes what is shown, never the outcome");
    assert!(errors.contains("error[key-missing]"), "{errors}");
    assert!(!errors.contains("warning["), "{errors}");
    // The counts still tell of the warnings not shown, and how to see them.
    assert!(
        errors.ends_with(
            "\n1 error, 6 warnings in 2 of 2 SOPs (the warnings are not shown: run `sop lint` without -q to see them)\n"
        ),
        "{errors}"
    );
    // The table at the end names only the files with errors: here one, so none is printed.
    assert!(!errors.contains("SOP-0002-payouts.md"), "{errors}");
    // The machine formats hold every finding whatever the verbosity.
    let (json, _) = lint_json(&r, &["-q"]);
    assert_eq!(json.len(), 7);
    // Without errors, `-q` prints one line.
    r.write(
        "sops/pay/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "draft"),
    );
    let (none, code) = lint_human(&r, &["-q"]);
    assert_eq!(code, 0);
    assert_eq!(
        none,
        "no errors in 2 SOPs (1 warning not shown: run `sop lint` without -q to see it)\n"
    );
    // With nothing to report, `-q` prints nothing.
    let clean = SopRepo::new();
    clean
        .write(
            "sops/pay/SOP-0001-refunds.md",
            &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
        )
        .commit("Add");
    let (nothing, code) = lint_human(&clean, &["-q"]);
    assert_eq!((nothing.as_str(), code), ("", 0));
}

#[test]
fn a_tab_in_the_front_matter_is_named_and_release_and_review_say_so() {
    let r = SopRepo::new();
    let path = "sops/ops/SOP-0001-tabs.md";
    let good = sop_text("SOP-0001", "Tabs", "procedure", "approved");
    let after_key = good.replacen("owner: ", "owner:\t", 1);
    r.write(path, &after_key).commit("Add");
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1);
    let f = &findings[0];
    assert_eq!(f["rule"], "front-matter-syntax");
    assert_eq!(
        f["message"],
        "the front matter cannot be read: a tab after `owner:`"
    );
    assert_eq!(f["help"], "replace the tab after `owner:` by a space");
    let owner_line = good.lines().position(|l| l.starts_with("owner:")).unwrap() + 1;
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(owner_line as u64), Some(7)),
        "the tab itself"
    );

    // Release and review name the unreadable front matter, not a missing version or status.
    for (command, what) in [("release", "released"), ("review", "reviewed")] {
        let mut args = vec![command, "SOP-0001"];
        if command == "release" {
            args.extend(["--patch", "-m", "Fix"]);
        }
        r.sop()
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicates::str::contains(format!(
                "the front matter of `{path}` cannot be read (line {owner_line}), so it cannot be {what}"
            )))
            .stderr(predicates::str::contains(format!("`sop lint {path}`")));
    }

    let indented = good.replacen("review_every:", "tags:\n\t- a\nreview_every:", 1);
    r.write(path, &indented);
    let (findings, _) = lint_json(&r, &[]);
    let f = &findings[0];
    assert_eq!(
        f["message"],
        "the front matter cannot be read: a tab indents this line"
    );
    assert_eq!(f["column"].as_u64(), Some(1));
}

/// An SOP repository in a folder (`ops/`) of a git repository: GitHub reads annotations, SARIF
/// and the job summary from the git repository's root, and a pre-commit hook runs `sop lint`
/// there with the staged files.
#[test]
fn an_sop_repository_in_a_folder_of_git_is_linted_from_either_place() {
    let r = SopRepo::empty();
    r.git(&["init", "-q", "-b", "main"]);
    let broken = sop_text("SOP-0001", "Refunds", "procedure", "Approved");
    r.write("ops/sop.toml", "")
        .write("ops/sops/pay/SOP-0001-refunds.md", &broken)
        .write("README.md", "# The team\n");

    let github = r
        .sop()
        .current_dir(r.path("ops"))
        .args(["lint", "--format", "github", "--sarif-out", "../lint.sarif"])
        .args(["--summary-out", "../summary.md"])
        .output()
        .unwrap();
    assert_eq!(github.status.code(), Some(1));
    let annotations = String::from_utf8(github.stdout).unwrap();
    assert!(
        annotations.starts_with("::error file=ops/sops/pay/SOP-0001-refunds.md,line=5,"),
        "{annotations}"
    );
    let sarif: Value = serde_json::from_str(&r.read("lint.sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "ops/sops/pay/SOP-0001-refunds.md"
    );
    assert!(
        r.read("summary.md")
            .contains("| error | ops/sops/pay/SOP-0001-refunds.md | 5 |"),
        "{}",
        r.read("summary.md")
    );

    // From the git repository's root, as pre-commit runs it: the SOP repository is the one
    // that holds the files; a file in none is named and left out.
    let out = r
        .sop()
        .args(["lint", "ops/sops/pay/SOP-0001-refunds.md", "README.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "`README.md` was not checked: it is in no SOP repository (no `sop.toml` in its folder or above it)"
        ),
        "{stderr}"
    );
    // The paths are shown from where the hook runs.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("error[status-invalid]")
            && stdout.contains("--> ops/sops/pay/SOP-0001-refunds.md:5:"),
        "{stdout}"
    );
    r.write(
        "ops/sops/pay/SOP-0001-refunds.md",
        &broken.replace("Approved", "draft"),
    );
    r.sop()
        .args(["lint", "ops/sops/pay/SOP-0001-refunds.md"])
        .assert()
        .success();
    // A file in no SOP repository alone is still no SOP repository.
    r.sop().args(["lint", "README.md"]).assert().code(2);
    // An invalid `sop.toml` above the files is said, never taken for no SOP repository (a
    // pre-commit hook would let the commit through).
    r.write("ops/sop.toml", "[[[\n");
    for staged in [false, true] {
        let mut args = vec!["lint"];
        if staged {
            args.push("--staged");
        }
        args.push("ops/sops/pay/SOP-0001-refunds.md");
        let out = r.sop().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--staged {staged}: {stderr}");
        assert!(stderr.contains("sop.toml"), "{stderr}");
        assert!(!stderr.contains("in no SOP repository"), "{stderr}");
    }
}

#[test]
fn a_misspelt_status_comes_with_the_change_to_make() {
    let r = SopRepo::new();
    r.write(
        "sops/ops/SOP-0001-typo.md",
        &sop_text("SOP-0001", "Typo", "procedure", "aproved"),
    );
    let (findings, _) = lint_json(&r, &[]);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "status-invalid")
        .unwrap();
    // A suggestion, for the editor's quick fix and `--fix --dry-run`: never applied by `--fix`.
    assert_eq!(f["fix"]["applicability"], "suggestion");
    assert_eq!(
        f["fix"]["description"],
        "change the status `aproved` to `approved`"
    );
    assert_eq!(f["fix"]["edits"][0]["replacement"], "approved");
    r.sop().args(["lint", "--fix"]).assert().code(1);
    assert!(
        r.read("sops/ops/SOP-0001-typo.md")
            .contains("status: aproved\n")
    );
}

#[test]
fn a_link_whose_path_has_spaces_is_named_as_no_link() {
    let r = SopRepo::new();
    let body = "\n\nSee [the policy](Politica de verificacion.md) first.\n\
                And [the same](<Politica de verificacion.md>), [a note](see below), \
                `[code](a b.md)`, [titled](checklist.md \"The list\"), [the form](section 4.2).\n\
                <!-- [hidden](a b.md) -->\n\
                ![the chart](my chart.png)\n";
    let mut text = sop_text("SOP-0001", "Spaces", "procedure", "draft");
    text.push_str(body);
    r.write("sops/ops/SOP-0001-spaces.md", &text)
        .write("sops/ops/Politica de verificacion.md", "# Policy\n")
        .write("sops/ops/checklist.md", "# List\n");
    let (findings, _) = lint_json(&r, &[]);
    let spaced: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("this is not a"))
        })
        .collect();
    assert_eq!(spaced.len(), 2, "{findings:#?}");
    // An image keeps its `!` in the advice.
    assert_eq!(
        spaced[1]["help"],
        "put the path in angle brackets, `![the chart](<my chart.png>)`, or write each space as `%20`"
    );
    assert_eq!(spaced[1]["column"].as_u64(), Some(1));
    assert_eq!(spaced[1]["rule"], "image-missing");
    assert_eq!(
        spaced[1]["message"],
        "this is not an image: the path `my chart.png` has spaces, so the page shows it as plain text"
    );
    let f = spaced[0];
    assert_eq!(f["rule"], "link-broken");
    let line = text
        .lines()
        .position(|l| l.starts_with("See [the policy]"))
        .unwrap()
        + 1;
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(line as u64), Some(5))
    );
    assert_eq!(
        f["help"],
        "put the path in angle brackets, `[the policy](<Politica de verificacion.md>)`, or write each space as `%20`"
    );
    // The same link in angle brackets is a link, and it is not broken.
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "link-broken" && f["line"].as_u64() == Some(line as u64 + 1)),
        "{findings:#?}"
    );
}

#[test]
fn an_image_path_in_angle_brackets_is_neither_missing_nor_a_prompt() {
    // Following image-missing's own advice must give a clean lint, also on an approved SOP,
    // where a leftover prompt is an error that blocks approval.
    let r = SopRepo::new();
    let mut spaced = sop_text("SOP-0001", "Shots", "procedure", "approved");
    let mut bracketed = spaced.clone();
    spaced.push_str("\n![Screenshot](images/Screenshot 1.png)\n");
    r.write("sops/ops/SOP-0001-shots.md", &spaced)
        .write("sops/ops/images/Screenshot 1.png", "x");
    let (findings, _) = lint_json(&r, &[]);
    assert_eq!(rules_of(&findings), ["image-missing"], "{findings:#?}");

    bracketed.push_str(
        "\n![Screenshot](<images/Screenshot 1.png>)\n\
         See [the guide](<docs/Shot guide.pdf>) and ![the other shot][shot].\n\n\
         [shot]: <images/Screenshot 1.png>\n",
    );
    r.write("sops/ops/SOP-0001-shots.md", &bracketed)
        .write("sops/ops/docs/Shot guide.pdf", "%PDF")
        .commit("Screenshots");
    let (findings, code) = lint_json(&r, &[]);
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(code, 0);
}

/// A version approved in advance (`sop release --effective`) while an earlier one is in
/// force: the warning stays, and its help says readers see the version in force until the
/// date, not to keep the SOP in review.
#[test]
fn effective_in_future_with_a_version_in_force_says_readers_see_it() {
    let repo = crate::support::approved_in_advance();
    let out = repo.sop().arg("lint").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains(
            "warning[effective-in-future]: this approved SOP only takes effect on 2027-01-31"
        ),
        "{text}"
    );
    assert!(
        text.contains("help: readers see version 1.0.0, the version in force, until 2027-01-31"),
        "{text}"
    );
    assert!(!text.contains("keep the SOP in `review`"), "{text}");
}
