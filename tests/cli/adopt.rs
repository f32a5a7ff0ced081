//! `sop adopt`: front matter written into a team's existing Markdown, on a real git repository
//! with several authors and a CODEOWNERS file.

use crate::support::SopRepo;

/// File names are the team's, not `<id>-<slug>.md`.
const CONFIG: &str = "[sops]\nfile_names = \"any\"\n";

const REFUNDS_BODY: &str = "\n## Purpose\n\nHow we refund a virtual gift.\n\n## Procedure\n\n1. Check the order.\n2. Refund it.\n";
const PAYOUTS: &str = "---\r\ntitle: Creator payouts  # our wording\r\nweight: 3\r\n---\r\n\r\n## Purpose\r\n\r\nPaying creators on time.\r\n";
const CHARGEBACKS: &str = "Chargebacks are answered within five days.\n";

/// A team's repository: three documents without `sop` front matter, written by three people.
fn team_repo() -> SopRepo {
    let r = SopRepo::new();
    r.write("sop.toml", CONFIG);
    r.write(
        ".github/CODEOWNERS",
        "# Owners\n* @acme/docs\nsops/customer-support/\nsops/payments/ @acme/payments lena@example.com\n",
    );
    r.write(
        "sops/customer-support/refunds.md",
        &format!("# Refund requests\n{REFUNDS_BODY}"),
    );
    r.write("sops/payments/payouts.md", PAYOUTS);
    r.write("sops/payments/SOP-0040-chargebacks.md", CHARGEBACKS);
    r.commit("Add the team's documents");
    let by = |name: &str, file: &str, text: &str| {
        r.write(file, text);
        r.git(&["add", "-A"]);
        r.git(&[
            "-c",
            &format!("user.name={name}"),
            "-c",
            "user.email=x@example.com",
            "commit",
            "-q",
            "-m",
            "Edit",
        ]);
    };
    let refunds = format!("# Refund requests\n{REFUNDS_BODY}");
    by(
        "Ann Lee",
        "sops/customer-support/refunds.md",
        &format!("{refunds}3. Tell the buyer.\n"),
    );
    by(
        "Ann Lee",
        "sops/customer-support/refunds.md",
        &format!("{refunds}3. Tell the buyer by e-mail.\n"),
    );
    by(
        "Bo Chen",
        "sops/customer-support/refunds.md",
        &format!("{refunds}3. Tell the buyer by e-mail today.\n"),
    );
    r
}

fn adopt(r: &SopRepo, args: &[&str]) -> String {
    let out = r.sop().arg("adopt").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn adopt_writes_exact_front_matter_and_keeps_every_body_byte() {
    let r = team_repo();
    let summary = adopt(&r, &[]);
    let refunds = r.read("sops/customer-support/refunds.md");
    assert_eq!(
        refunds,
        format!(
            "---\nid: SOP-0041\ntitle: Refund requests\ntype: procedure\nstatus: draft\nversion: 0.1.0\nowner: Ann Lee\ndepartment: Customer Support\nlast_reviewed: 2026-01-01\n---\n{REFUNDS_BODY}3. Tell the buyer by e-mail today.\n"
        )
    );
    let payouts = r.read("sops/payments/payouts.md");
    assert_eq!(
        payouts,
        "---\r\nid: SOP-0042\r\ntitle: Creator payouts  # our wording\r\ntype: procedure\r\nstatus: draft\r\nversion: 0.1.0\r\nowner: acme/payments\r\ndepartment: Payments\r\nlast_reviewed: 2026-01-01\r\nweight: 3\r\n---\r\n\r\n## Purpose\r\n\r\nPaying creators on time.\r\n"
    );
    let chargebacks = r.read("sops/payments/SOP-0040-chargebacks.md");
    assert!(
        chargebacks.starts_with("---\nid: SOP-0040\ntitle: Chargebacks\n"),
        "{chargebacks}"
    );
    assert!(chargebacks.ends_with(&format!("---\n{CHARGEBACKS}")));
    // Byte for byte: each body is the old text (less the title heading), after the block.
    assert!(payouts.ends_with(&PAYOUTS[PAYOUTS.find("---\r\n\r\n").unwrap() + 5..]));
    assert!(
        summary.contains("wrote owner: Ann Lee (the author of most of its commits)"),
        "{summary}"
    );
    assert!(
        summary.contains("removed the heading `# Refund requests` (line 1)"),
        "{summary}"
    );
    assert!(summary.contains("wrote owner: acme/payments (from .github/CODEOWNERS (it names @acme/payments, lena@example.com; the first is taken))"), "{summary}");
    assert!(summary.contains("adopted 3 files"), "{summary}");
}

#[test]
fn adopting_twice_changes_nothing() {
    let r = team_repo();
    adopt(&r, &[]);
    let first: Vec<String> = [
        "sops/customer-support/refunds.md",
        "sops/payments/payouts.md",
    ]
    .iter()
    .map(|p| r.read(p))
    .collect();
    r.commit("Adopt sop");
    let again = adopt(&r, &[]);
    assert!(
        again.starts_with("nothing to adopt: 3 SOP files already have their front matter"),
        "{again}"
    );
    let second: Vec<String> = [
        "sops/customer-support/refunds.md",
        "sops/payments/payouts.md",
    ]
    .iter()
    .map(|p| r.read(p))
    .collect();
    assert_eq!(first, second);
    assert_eq!(r.git(&["status", "--porcelain"]), "");
}

#[test]
fn dry_run_shows_the_diff_and_writes_nothing() {
    let r = team_repo();
    let out = adopt(&r, &["--dry-run", "sops/customer-support"]);
    assert_eq!(r.git(&["status", "--porcelain"]), "");
    insta::assert_snapshot!("adopt_dry_run", out);
}

#[test]
fn what_cannot_be_decided_is_listed() {
    let r = SopRepo::new();
    r.write("sop.toml", CONFIG);
    r.write("sops/loose.md", "Some text.\n");
    let out = adopt(&r, &["--owner-from", "git"]);
    assert!(
        out.contains("to do: set `owner:` in sops/loose.md (git has no commit of it)"),
        "{out}"
    );
    assert!(
        out.contains("to do: set `department:` in sops/loose.md"),
        "{out}"
    );
    // The two keys, and the seven sections of a procedure that `sop lint` will ask for.
    assert!(
        out.contains("to do: the required section `Purpose` is missing in sops/loose.md, and 6 more errors like it (`section-missing`: `sop lint sops/loose.md` says how to fix each)"),
        "{out}"
    );
    assert!(out.contains("9 things to decide by hand"), "{out}");
}

#[test]
fn broken_front_matter_is_refused_and_nothing_is_written() {
    let r = team_repo();
    r.write(
        "sops/payments/broken.md",
        "---\ntitle: [unclosed\n---\nText\n",
    );
    r.sop()
        .arg("adopt")
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "cannot adopt sops/payments/broken.md",
        ))
        .stderr(predicates::str::contains("nothing was changed"));
    assert_eq!(
        r.git(&["status", "--porcelain"]),
        "?? sops/payments/broken.md\n"
    );
}

#[cfg(unix)]
#[test]
fn links_are_never_written_through() {
    let r = team_repo();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), r.path("sops/secret.md")).unwrap();
    std::os::unix::fs::symlink("refunds.md", r.path("sops/customer-support/alias.md")).unwrap();
    // The link out of the repository is skipped with a note; the rest is adopted.
    let out = adopt(&r, &[]);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.md")).unwrap(),
        "# Secret\n"
    );
    assert!(
        out.contains("sops/secret.md\n  to do: a symbolic link to the file `"),
        "{out}"
    );
    assert!(
        r.read("sops/customer-support/refunds.md")
            .starts_with("---\n")
    );
    assert!(
        out.contains("not adopted: sops/customer-support/alias.md: a symbolic link"),
        "{out}"
    );
    assert!(
        r.path("sops/customer-support/alias.md")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn adopted_approved_documents_lint_clean_and_publish() {
    let r = team_repo();
    // The team's own `weight` key stays, and `sop.toml` says so.
    r.write(
        "sop.toml",
        &format!("{CONFIG}\n[front_matter]\nallow = [\"weight\"]\n"),
    );
    let summary = adopt(&r, &["--status", "approved"]);
    assert!(
        summary.contains("to do: set `approvers:` in sops/payments/payouts.md"),
        "{summary}"
    );
    // The writer names the approvers, as the summary asks.
    for p in [
        "sops/customer-support/refunds.md",
        "sops/payments/payouts.md",
        "sops/payments/SOP-0040-chargebacks.md",
    ] {
        let text = r.read(p);
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let status = format!("status: approved{nl}");
        r.write(
            p,
            &text.replacen(
                &status,
                &format!("{status}approvers: [Lena Fischer]{nl}"),
                1,
            ),
        );
    }
    r.commit("Adopt sop");
    let lint = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let front_matter_rules = sop::lint::RULES
        .iter()
        .filter(|m| m.family == sop::diag::Family::FrontMatter)
        .map(|m| m.id)
        .collect::<Vec<_>>();
    for f in findings.as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        assert!(!front_matter_rules.contains(&rule), "{f}");
    }
    let out = r
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("published 3 SOPs"), "{stderr}");
    assert!(!stderr.contains("is not published"), "{stderr}");
}

/// A repository with `draft` allowed and the given files, committed.
fn repo_with(files: &[(&str, &str)]) -> SopRepo {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        &format!("{CONFIG}\n[front_matter]\nallow = [\"draft\"]\n"),
    );
    for (path, text) in files {
        r.write(path, text);
    }
    r.commit("Add the team's documents");
    r
}

#[test]
fn a_page_marked_draft_is_never_approved_nor_published() {
    let r = repo_with(&[
        (
            "sops/ops/secret.md",
            "---\ntitle: Secret plan\ndraft: true\n---\n\nText.\n",
        ),
        ("sops/ops/open.md", "# Open plan\n\nText.\n"),
    ]);
    let out = adopt(&r, &["--status", "approved", "--approver", "Boss"]);
    assert!(
        out.contains("wrote status: draft (kept as a draft: it says `draft: true`)"),
        "{out}"
    );
    let secret = r.read("sops/ops/secret.md");
    assert!(secret.contains("status: draft\n"), "{secret}");
    assert!(!secret.contains("approvers"), "{secret}");
    let id = secret
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .to_string();
    assert!(r.read("sops/ops/open.md").contains("status: approved\n"));
    r.commit("Adopt sop");
    let published = r
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let stderr = String::from_utf8(published.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("published 1 SOP"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "`{id}` (`sops/ops/secret.md`) is not published: no version of it is approved yet"
        )),
        "{stderr}"
    );
    assert!(!r.path(&format!("site/sops/{id}.html")).exists());
}

#[test]
fn toml_front_matter_is_refused_and_nothing_is_written() {
    let r = repo_with(&[
        (
            "sops/hugo/page.md",
            "+++\ntitle = \"Hugo page\"\n+++\n\nText.\n",
        ),
        ("sops/hugo/plain.md", "# Plain\n\nText.\n"),
    ]);
    r.sop()
        .arg("adopt")
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "cannot adopt sops/hugo/page.md: its front matter is TOML (between `+++` lines), and sop reads YAML front matter between `---` lines: convert it to YAML (for example with `hugo convert toYAML`",
        ))
        .stderr(predicates::str::contains("nothing was changed"));
    assert_eq!(r.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_byte_order_mark_stays_first_and_lint_reads_the_front_matter() {
    let r = repo_with(&[]);
    r.write_bytes("sops/ops/bom.md", b"\xef\xbb\xbf# Bom doc\r\n\r\nText.\r\n");
    r.commit("Add");
    adopt(&r, &[]);
    let text = r.read("sops/ops/bom.md");
    assert!(
        text.starts_with("\u{feff}---\r\nid: SOP-0001\r\ntitle: Bom doc\r\n"),
        "{text:?}"
    );
    assert_eq!(text.matches('\u{feff}').count(), 1, "{text:?}");
    assert!(text.ends_with("---\r\n\r\nText.\r\n"), "{text:?}");
    let lint = r
        .sop()
        .args(["lint", "--format", "json", "sops/ops/bom.md"])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let front_matter_rules = sop::lint::RULES
        .iter()
        .filter(|m| m.family == sop::diag::Family::FrontMatter)
        .map(|m| m.id)
        .collect::<Vec<_>>();
    let findings = findings.as_array().unwrap();
    assert!(
        !findings.is_empty(),
        "lint found nothing at all: {findings:?}"
    );
    for f in findings {
        assert!(
            !front_matter_rules.contains(&f["rule"].as_str().unwrap()),
            "{f}"
        );
    }
}

#[test]
fn a_heading_with_a_link_keeps_its_link() {
    let r = repo_with(&[(
        "sops/ops/link.md",
        "# [Runbook](https://example.com) for *payments*\n\nText.\n",
    )]);
    let out = adopt(&r, &[]);
    let text = r.read("sops/ops/link.md");
    assert!(text.contains("title: Runbook for payments\n"), "{text}");
    assert!(
        text.ends_with("---\n# [Runbook](https://example.com) for *payments*\n\nText.\n"),
        "{text}"
    );
    assert!(out.contains("kept the heading `# [Runbook](https://example.com) for *payments*` (line 1): it holds more than the title"), "{out}");
}

#[test]
fn an_id_of_another_form_is_kept_and_listed_to_do() {
    let r = repo_with(&[(
        "sops/ops/gs.md",
        "---\nid: getting-started\ntitle: Getting started\n---\n\nText.\n",
    )]);
    let out = adopt(&r, &[]);
    assert!(
        out.contains("to do: `id: getting-started` in sops/ops/gs.md is not an id of this repository's form `SOP-<number>`, so the page is never published: remove the `id:` line so `sop adopt` gives it the next free id, or set `[sops] id_pattern` in sop.toml"),
        "{out}"
    );
    // The id, and the seven sections of a procedure that `sop lint` will ask for.
    assert!(out.contains("8 things to decide by hand"), "{out}");
    assert!(
        r.read("sops/ops/gs.md")
            .starts_with("---\nid: getting-started\n")
    );
}

#[test]
fn a_path_left_out_by_sops_exclude_is_explained() {
    let r = repo_with(&[("sops/ops/README.md", "# About ops\n")]);
    let out = r
        .sop()
        .args(["adopt", "sops/ops/README.md"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("`sops/ops/README.md` was not adopted: `README.md` files are left out by default (`[sops] exclude`); add \"README.md\" to `[sops] include` in `sop.toml` to adopt it"),
        "{stderr}"
    );
    assert_eq!(stdout, "nothing to adopt: no SOP file was looked at\n");
    assert_eq!(r.git(&["status", "--porcelain"]), "");
}

#[cfg(unix)]
#[test]
fn a_folder_linked_out_of_the_repository_is_skipped_and_the_rest_adopted() {
    let r = repo_with(&[("sops/ops/a.md", "# A\n\nText.\n")]);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("e.md"), "# Ext\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), r.path("sops/ext")).unwrap();
    let out = adopt(&r, &[]);
    assert!(
        out.contains("sops/ext\n  to do: a symbolic link to the folder `"),
        "{out}"
    );
    assert!(
        out.contains("copy the folder into the repository in place of the link, or add \"/ext/\" to `exclude`"),
        "{out}"
    );
    assert!(out.contains("adopted 1 file"), "{out}");
    assert!(r.read("sops/ops/a.md").starts_with("---\nid: SOP-0001\n"));
    assert_eq!(
        std::fs::read_to_string(outside.path().join("e.md")).unwrap(),
        "# Ext\n"
    );
    // Named on the command line, it is the same note.
    let named = adopt(&r, &["sops/ext"]);
    assert!(
        named.contains("sops/ext\n  to do: a symbolic link to the folder `"),
        "{named}"
    );
}

/// A Hugo site's `docs/` as a team has it: front matter with Hugo's keys (`date`, `draft`,
/// `author`, `authors`) or none, a changelog, links between pages, a rename and a merge in
/// its history; then `sop init` and `[sops] dir = "docs"`, as the README says.
fn hugo_docs_repo() -> SopRepo {
    let r = SopRepo::empty();
    r.git(&["init", "-q", "-b", "main"]);
    r.git(&["config", "user.name", "Maria Lopez"]);
    r.git(&["config", "user.email", "maria@example.com"]);
    r.git(&["config", "commit.gpgsign", "false"]);
    r.write(
        "docs/refunds.md",
        "---\ntitle: \"Refund requests\"\ndate: 2024-03-01\ndraft: false\nauthor: Maria Lopez\n---\n\n# Refund requests\n\nHow we refund. See [payouts](payouts.md).\n",
    );
    r.write(
        "docs/payouts.md",
        "---\ntitle: Creator payouts\ndate: 2024-03-02\nauthor: [Sam Ode]\n---\n\nPaying creators. See [refunds](refunds.md).\n",
    );
    r.write(
        "docs/escalation.md",
        "---\ntitle: Escalation\ndate: 2024-03-04\ndraft: true\nauthors:\n  - Priya Nair\n  - Sam Ode\n---\n\nWho to call.\n",
    );
    r.write(
        "docs/chargebacks.md",
        "# Chargebacks\n\nAnswered within five days. See [escalation](escalation.md).\n",
    );
    r.write(
        "docs/old-gifts.md",
        "---\ntitle: Gifts\ndate: 2024-03-06\n---\n\nGift handling.\n",
    );
    r.write(
        "docs/CHANGELOG.md",
        "# Changelog\n\n## 2024-03\n\n- Added refunds.\n",
    );
    r.commit("Add docs");
    r.git(&["mv", "docs/old-gifts.md", "docs/gifts.md"]);
    r.commit("Rename gifts");
    r.git(&["checkout", "-q", "-b", "topic"]);
    r.write("docs/moderation.md", "# Moderation\n\nReview reports.\n");
    r.git(&["add", "-A"]);
    r.git(&[
        "-c",
        "user.name=Bo Chen",
        "-c",
        "user.email=bo@example.com",
        "commit",
        "-q",
        "-m",
        "Add moderation",
    ]);
    r.git(&["checkout", "-q", "main"]);
    r.write(
        "docs/gifts.md",
        &format!("{}More.\n", r.read("docs/gifts.md")),
    );
    r.commit("More on gifts");
    r.git(&["merge", "-q", "--no-ff", "topic", "-m", "Merge topic"]);
    r.sop().arg("init").assert().success();
    let config = r.read("sop.toml");
    r.write(
        "sop.toml",
        &config.replacen("# dir = \"sops\"", "dir = \"docs\"", 1),
    );
    r
}

#[test]
fn adopting_a_hugo_docs_folder_leaves_sop_lint_only_what_the_team_must_decide() {
    let r = hugo_docs_repo();
    let before = r.read("sop.toml");
    let dry = adopt(&r, &["--dry-run"]);
    assert_eq!(r.read("sop.toml"), before, "--dry-run wrote sop.toml");
    assert!(
        dry.contains("--- a/sop.toml\n+++ b/sop.toml\n"),
        "the dry run shows the sop.toml change: {dry}"
    );
    let summary = adopt(&r, &[]);
    // sop.toml: two lines added under the commented-out lines of their keys, nothing else.
    let after = r.read("sop.toml");
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(
        added,
        [
            "file_names = \"any\"                # written by sop adopt: the documents keep their names",
            "allow = [\"date\", \"draft\", \"authors\"]   # written by sop adopt: the documents' own keys",
        ]
    );
    assert_eq!(after.lines().count(), before.lines().count() + 2);
    assert!(
        summary.contains(
            "sop.toml\n  wrote `[sops] file_names = \"any\"`: file names need not start with the id"
        ),
        "{summary}"
    );
    // The changelog is left out, and said so.
    assert!(
        summary.contains(
            "left out: docs/CHANGELOG.md: a CHANGELOG file is never an SOP (`[sops] exclude` leaves it out)"
        ),
        "{summary}"
    );
    assert_eq!(
        r.read("docs/CHANGELOG.md"),
        "# Changelog\n\n## 2024-03\n\n- Added refunds.\n"
    );
    // The owner the document names; its `author:` gives way to `owner:`; one blank line after
    // the block; no `effective` on a draft.
    assert_eq!(
        r.read("docs/refunds.md"),
        "---\nid: SOP-0006\ntitle: \"Refund requests\"\ntype: procedure\nstatus: draft\nversion: 0.1.0\nowner: Maria Lopez\nlast_reviewed: 2026-01-01\ndate: 2024-03-01\ndraft: false\n---\n\nHow we refund. See [payouts](payouts.md).\n"
    );
    assert!(
        summary.contains("wrote owner: Maria Lopez (from its `author:`)"),
        "{summary}"
    );
    assert!(r.read("docs/payouts.md").contains("owner: Sam Ode\n"));
    let escalation = r.read("docs/escalation.md");
    assert!(escalation.contains("owner: Priya Nair\n"), "{escalation}");
    assert!(
        escalation.contains("authors:\n  - Priya Nair\n  - Sam Ode\n"),
        "{escalation}"
    );
    assert!(
        summary.contains("to do: set `department:` in docs/refunds.md (it is directly in the SOP folder `docs/`, not in a department's folder; or pass `--department`)"),
        "{summary}"
    );

    // What `sop lint` still reports is what the summary lists to do, and nothing adopt caused.
    let lint = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let mut found: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for f in findings.as_array().unwrap() {
        assert_eq!(f["severity"], "error", "{f}");
        if f["rule"] == "key-missing" {
            assert_eq!(f["message"], "the front matter has no `department`", "{f}");
        }
        *found
            .entry((
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            ))
            .or_default() += 1;
    }
    let mut expected: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for file in [
        "chargebacks",
        "escalation",
        "gifts",
        "moderation",
        "payouts",
        "refunds",
    ] {
        expected.insert((format!("docs/{file}.md"), "key-missing".into()), 1);
        // The seven sections of a procedure: the documents have none of them.
        expected.insert((format!("docs/{file}.md"), "section-missing".into()), 7);
    }
    assert_eq!(found, expected);
    let errors: usize = found.values().sum();
    assert!(
        summary.contains(&format!(
            "adopted 6 files and added 2 settings to sop.toml; 0 files left as they were (already adopted); {errors} things to decide by hand"
        )),
        "{summary}"
    );
    // Again: nothing changes, and the same things are left to decide.
    r.commit("Adopt sop");
    let again = adopt(&r, &[]);
    assert_eq!(r.git(&["status", "--porcelain"]), "");
    assert!(
        again.contains(&format!(
            "adopted 0 files; 6 files left as they were (already adopted); {errors} things to decide by hand"
        )),
        "{again}"
    );
}

/// A link out of the repository is a thing to decide: `sop lint` reports it until it is
/// replaced by the file or left out, and the summary says how to leave it out. Once
/// `[sops] exclude` leaves it out, adopt and lint say nothing of it.
#[test]
fn a_link_out_of_the_repository_is_a_thing_to_decide() {
    // A type without sections, so that the link is the one thing to decide.
    let page = "\n[types.page]\nsections = []\npaths = [\"sops/**\"]\n";
    let r = SopRepo::new();
    r.write("sop.toml", &format!("{CONFIG}{page}"));
    r.write("sops/backups.md", "# Backups\n\nText.\n");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("shared.md"), "# Shared\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("shared.md"), r.path("sops/shared.md")).unwrap();
    r.commit("Add the documents");
    let args = [
        "--dry-run",
        "--status",
        "approved",
        "--approver",
        "Dana W",
        "--department",
        "Ops",
    ];
    let out = adopt(&r, &args);
    assert!(out.contains("sops/shared.md\n  to do: "), "{out}");
    assert!(
        out.contains("add \"/shared.md\" to `exclude` under `[sops]` in sop.toml"),
        "{out}"
    );
    assert!(out.contains("1 thing to decide by hand"), "{out}");
    r.write(
        "sop.toml",
        &format!("{CONFIG}exclude = [\"/shared.md\"]\n{page}"),
    );
    let out = adopt(&r, &args);
    assert!(!out.contains("shared.md"), "{out}");
    assert!(out.contains("0 things to decide by hand"), "{out}");
    let out = adopt(&r, &args[1..]);
    assert!(out.contains("0 things to decide by hand"), "{out}");
    r.sop().arg("lint").assert().success();
}

#[test]
fn mdx_pages_are_named_as_not_read_and_never_published() {
    let page = "\n[types.page]\nsections = []\npaths = [\"sops/**\"]\n";
    let r = SopRepo::new();
    r.write("sop.toml", &format!("{CONFIG}{page}"));
    r.write(
        "sops/backups.md",
        "# Backups\n\nSee [the restore page](restore.mdx).\n",
    );
    r.write(
        "sops/restore.mdx",
        "import Tabs from '@theme/Tabs';\n\n# Restore\n\n<Tabs>x</Tabs>\n",
    );
    r.commit("Add the documents");
    let args = [
        "--status",
        "approved",
        "--approver",
        "Dana W",
        "--department",
        "Ops",
    ];
    let out = adopt(&r, &args);
    assert!(
        out.contains("not read: sops/restore.mdx: an MDX page mixes Markdown with components"),
        "{out}"
    );
    r.commit("Adopt");
    r.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    assert!(!r.path("site/files/sops/restore.mdx").exists());
    let site = crate::publish::tree(&r.path("site"));
    let html = site
        .iter()
        .filter(|(p, _)| p.starts_with("sops/") && p.ends_with(".html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .find(|html| html.contains("the restore page"))
        .expect("the page of backups.md");
    assert!(!html.contains("restore.mdx"), "{html}");
}

/// A Docusaurus site: `id:` is the page id its sidebars and links use, so it must stay.
fn docusaurus_repo(front_matter: &str, site_config: Option<&str>) -> SopRepo {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        &format!("[sops]\ndir = \"docs\"\nfile_names = \"any\"\n\n[front_matter]\n{front_matter}"),
    );
    if let Some(name) = site_config {
        r.write(name, "module.exports = {};\n");
    }
    r.write(
        "sidebars.js",
        "module.exports = { docs: ['support/refund-procedure'] };\n",
    );
    let body = "\n## Purpose\n\nRefund payouts sent in error.\n\n## Scope\n\nAll creator payouts.\n\n## Roles and Responsibilities\n\n- **Agent:** does the refund.\n\n## Procedure\n\n1. Open the payouts console.\n2. Refund the payout.\n\n## Escalation\n\nAsk the payments lead.\n\n## Metrics\n\n- Refunds per week.\n\n## References\n\n- Payments handbook.\n";
    r.write(
        "docs/support/refund.md",
        &format!(
            "---\nid: refund-procedure\ntitle: Refund a payout\nsidebar_position: 2\n---\n{body}"
        ),
    );
    r.commit("Add the team's documents");
    r
}

#[test]
fn a_docusaurus_page_id_is_kept_and_sop_writes_its_own_under_the_alias() {
    // Where no site generator is seen, the page id is a thing to decide, and the way to keep
    // it is named.
    let r = docusaurus_repo("allow = [\"sidebar_position\"]\n", None);
    let out = adopt(&r, &["--dry-run"]);
    assert!(
        out.contains("if it is your site generator's own page id (Docusaurus reads `id:`), keep it and give sop's id another key: under `[front_matter]` in sop.toml, write `aliases = { id = \"sop_id\" }` (or add `id = \"sop_id\"` to the `aliases` you have) and add `\"id\"` to `allow`"),
        "{out}"
    );
    // Written by hand, the alias is used.
    let r = docusaurus_repo(
        "aliases = { id = \"sop_id\" }\nallow = [\"id\", \"sidebar_position\"]\n",
        None,
    );
    let out = adopt(&r, &[]);
    assert!(
        out.contains("wrote sop_id: SOP-0001 (the next free number)"),
        "{out}"
    );
    assert!(!out.contains("to do: `id:"), "{out}");

    // On a Docusaurus site (its config in the root's `website/` folder here), adopt writes the
    // alias itself.
    let r = docusaurus_repo(
        "allow = [\"sidebar_position\"]\n",
        Some("website/docusaurus.config.ts"),
    );
    let out = adopt(&r, &[]);
    assert!(
        out.contains("wrote `[front_matter] aliases = { id = \"sop_id\" }`: `id:` is the Docusaurus page id its sidebars and links use, which stays as it is; sop's id is written as `sop_id:`"),
        "{out}"
    );
    assert!(
        out.contains("wrote sop_id: SOP-0001 (the next free number)"),
        "{out}"
    );
    assert!(!out.contains("key-duplicate"), "{out}");
    assert!(!out.contains("to do: `id:"), "{out}");
    let config = r.read("sop.toml");
    assert!(
        config.contains("\naliases = { id = \"sop_id\" }")
            && config.contains("allow = [\"sidebar_position\", \"id\"]"),
        "{config}"
    );
    assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
    let text = r.read("docs/support/refund.md");
    assert!(
        text.starts_with("---\nsop_id: SOP-0001\nid: refund-procedure\ntitle: Refund a payout\n"),
        "{text}"
    );
    r.git(&["add", "-A"]);
    r.commit("Adopt sop");
    r.sop().args(["lint"]).assert().success();

    // Released, listed in the history and published under sop's id; Docusaurus's id stays.
    r.sop()
        .args([
            "release",
            "SOP-0001",
            "--version",
            "1.0.0",
            "-m",
            "First",
            "--approve",
            "--approver",
            "Lead",
        ])
        .assert()
        .success();
    assert_eq!(r.git(&["tag", "--list"]).trim(), "SOP-0001/v1.0.0");
    let text = r.read("docs/support/refund.md");
    assert!(text.contains("\nid: refund-procedure\n"), "{text}");
    assert!(text.contains("\nstatus: approved\n"), "{text}");
    let out = r.sop().args(["history", "SOP-0001"]).assert().success();
    let history = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(history.contains("release  1.0.0"), "{history}");
    let site = r.path("site-out");
    r.sop()
        .args(["publish", "--out"])
        .arg(&site)
        .assert()
        .success();
    let page = std::fs::read_to_string(site.join("sops/SOP-0001.html")).unwrap();
    assert!(page.contains("Refund a payout"), "{page}");

    // A pull request that edits the text is checked under sop's id, not the page id.
    r.git(&["checkout", "-q", "-b", "edit"]);
    let edited = r
        .read("docs/support/refund.md")
        .replace("Refund the payout.", "Refund it twice.");
    r.write("docs/support/refund.md", &edited);
    r.commit("Edit");
    let out = r.sop().args(["lint", "--base", "main"]).assert().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(err.contains("error[version-not-bumped]"), "{err}");
    assert!(!err.contains("id-changed"), "{err}");
    assert!(!err.contains("refund-procedure"), "{err}");

    // `sop new` writes the id under the alias too.
    r.sop()
        .args(["new", "Escalate a report", "--department", "Support"])
        .assert()
        .success();
    let new = std::fs::read_dir(r.path("docs/support"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("SOP-0002"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert!(new.starts_with("---\nsop_id: SOP-0002\n"), "{new}");
}

#[test]
fn a_key_of_sop_allowed_without_an_alias_stays_sops_as_before() {
    // `allow` listing `id` changed nothing before `id` could have an alias, and still does: the
    // page id is read as sop's id, and lint says so.
    let r = docusaurus_repo("allow = [\"id\", \"sidebar_position\"]\n", None);
    let out = r.sop().arg("lint").assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("error[id-invalid]"), "{text}");
    assert!(text.contains("refund-procedure"), "{text}");
}

#[test]
fn on_a_docusaurus_site_an_id_of_sops_form_is_carried_over_and_others_numbered_after_it() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write("docusaurus.config.js", "module.exports = {};\n");
    r.write(
        "docs/alpha.md",
        "---\nid: SOP-0001\ntitle: Alpha\n---\n\nA.\n",
    );
    r.write(
        "docs/refund.md",
        "---\nid: refund\ntitle: Refund\n---\n\nSee [Alpha](alpha.md).\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(
        out.contains("wrote sop_id: SOP-0001 (from its `id:`, which stays as the page id)"),
        "{out}"
    );
    assert!(
        out.contains("wrote sop_id: SOP-0002 (the next free number)"),
        "{out}"
    );
    assert!(
        r.read("docs/alpha.md")
            .starts_with("---\nsop_id: SOP-0001\nid: SOP-0001\n")
    );
    assert!(
        r.read("docs/refund.md")
            .starts_with("---\nsop_id: SOP-0002\nid: refund\n")
    );
}

/// Docusaurus reads `id:` as the page id on every page, one that writes none yet too: it makes
/// the page's address and its name in `sidebars.js`, so sop's id never goes there.
#[test]
fn on_a_docusaurus_site_a_page_without_a_page_id_gets_none() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write("docusaurus.config.js", "module.exports = {};\n");
    r.write(
        "sidebars.js",
        "module.exports = { docs: ['payments/refunds'] };\n",
    );
    r.write(
        "docs/payments/refunds.md",
        "---\ntitle: Refunds\nsidebar_position: 2\n---\n\n## Steps\n\n1. Check.\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(
        out.contains("wrote sop_id: SOP-0001 (the next free number)"),
        "{out}"
    );
    assert!(
        out.contains("wrote `[front_matter] aliases = { id = \"sop_id\" }`"),
        "{out}"
    );
    let text = r.read("docs/payments/refunds.md");
    assert!(text.starts_with("---\nsop_id: SOP-0001\n"), "{text}");
    assert!(!text.contains("\nid:"), "{text}");
    assert!(
        r.read("sop.toml")
            .contains("\naliases = { id = \"sop_id\" }")
    );
    assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);

    // SOPs that already carry sop's id as `id:` keep it: a new page is adopted the same way,
    // and no SOP already there is rewritten.
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write("docusaurus.config.js", "module.exports = {};\n");
    let adopted = "---\nid: SOP-0001\ntitle: Refunds\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: Payments\n---\n\n## Purpose\n\nWhy.\n\n## Checklist\n\n- [ ] x\n";
    r.write("docs/payments/refunds.md", adopted);
    r.write(
        "docs/payments/chargebacks.md",
        "# Chargebacks\n\n## Purpose\n\nHandle them.\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(out.contains("wrote id: SOP-0002"), "{out}");
    assert_eq!(r.read("docs/payments/refunds.md"), adopted);
    assert!(!r.read("sop.toml").contains("aliases"), "{out}");

    // When sop.toml cannot take the alias, such a page is left as it is, and named.
    let r = SopRepo::new();
    let config = "[sops]\ndir = \"docs\"\nfile_names = \"id-slug\"\n";
    r.write("sop.toml", config);
    r.write("docusaurus.config.js", "module.exports = {};\n");
    let page = "---\ntitle: Refunds\n---\n\nx\n";
    r.write("docs/refunds.md", page);
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(
        out.contains("not adopted: docs/refunds.md: on a Docusaurus site `id:` is the page id"),
        "{out}"
    );
    assert_eq!(r.read("docs/refunds.md"), page);
    assert_eq!(r.read("sop.toml"), config);
}

/// Pages of a Docusaurus site link headings by their `{#custom-id}`: adopt writes the rule
/// that makes those ids, so lint finds the links as the site does.
#[test]
fn on_a_docusaurus_site_adopt_writes_its_heading_ids() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write("docusaurus.config.js", "module.exports = {};\n");
    r.write(
        "docs/alpha.md",
        "---\ntitle: Alpha\n---\n\n## Long heading {#short}\n\nA.\n\nSee [below](#short).\n",
    );
    r.write(
        "docs/refund.md",
        "---\ntitle: Refund\n---\n\nSee [Alpha](alpha.md#short).\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(
        out.contains("wrote `[links] anchors = \"docusaurus\"`"),
        "{out}"
    );
    assert!(!out.contains("anchor-broken"), "{out}");
    let config = r.read("sop.toml");
    assert!(
        config.contains("\n[links]\nanchors = \"docusaurus\""),
        "{config}"
    );
    r.git(&["add", "-A"]);
    r.commit("Adopt sop");
    let lint = r.sop().arg("lint").output().unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    assert!(!text.contains("anchor-broken"), "{text}");
    // Running it again changes nothing; a rule the team wrote is kept.
    assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
    r.write(
        "sop.toml",
        &config.replace("anchors = \"docusaurus\"", "anchors = \"github\""),
    );
    r.write("docs/gamma.md", "---\ntitle: Gamma\n---\n\nG.\n");
    r.commit("Another document");
    let again = adopt(&r, &["--dry-run"]);
    assert!(again.contains("docs/gamma.md"), "{again}");
    assert!(!again.contains("anchors"), "{again}");
}

#[test]
fn when_sop_toml_cannot_take_the_alias_the_documents_are_adopted_as_it_reads_them() {
    let r = SopRepo::new();
    // `file_names = "id-slug"` written on purpose: adopt does not change that choice, so it
    // cannot write its settings, the alias among them.
    r.write(
        "sop.toml",
        "[sops]\ndir = \"docs\"\nfile_names = \"id-slug\"\n",
    );
    r.write("docusaurus.config.js", "module.exports = {};\n");
    r.write(
        "docs/refund.md",
        "---\nid: refund\ntitle: Refund\n---\n\nx\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(out.contains("not changed:"), "{out}");
    assert_eq!(
        r.read("sop.toml"),
        "[sops]\ndir = \"docs\"\nfile_names = \"id-slug\"\n"
    );
    let text = r.read("docs/refund.md");
    assert!(!text.contains("sop_id"), "{text}");
    assert!(text.starts_with("---\nid: refund\n"), "{text}");
    assert!(
        out.contains(
            "to do: `id: refund` in docs/refund.md is not an id of this repository's form"
        ),
        "{out}"
    );
    // Running it again changes nothing.
    let again = adopt(&r, &[]);
    assert!(!again.contains("wrote"), "{again}");
    assert_eq!(r.read("docs/refund.md"), text);
}

#[test]
fn an_mdbook_table_of_contents_is_left_out_and_kept_as_written() {
    let r = SopRepo::new();
    r.write("book.toml", "[book]\ntitle = \"Ops\"\nsrc = \"src\"\n");
    let toc = "# Summary\n\n- [Restart](runbooks/restart.md)\n";
    r.write("src/SUMMARY.md", toc);
    r.write(
        "src/runbooks/restart.md",
        "# Restart\n\n1. Stop.\n2. Start.\n",
    );
    r.write("sop.toml", "[sops]\ndir = \"src\"\n");
    r.commit("Add the book");
    let summary = adopt(&r, &["--status", "approved", "--approver", "Dana W"]);
    assert!(
        summary.contains("left out: src/SUMMARY.md: a SUMMARY file (a book's table of contents, read by mdBook or GitBook) is never an SOP"),
        "{summary}"
    );
    assert_eq!(
        r.read("src/SUMMARY.md"),
        toc,
        "mdBook's chapter list changed"
    );
    assert!(
        r.read("src/runbooks/restart.md")
            .starts_with("---\nid: SOP-0001\n")
    );
    // Nor is it checked or published.
    let list = r.sop().args(["list", "--format", "json"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(!list.contains("SUMMARY"), "{list}");
}

/// A Hugo site links its pages by their addresses (`../cache-flush/`, `/runbooks/cache-flush/`):
/// `sop adopt` writes the link settings that read them, and `sop lint` then finds no broken
/// link; a link the site really lacks is still reported.
#[test]
fn adopting_a_hugo_site_reads_its_page_addresses() {
    let r = SopRepo::new();
    r.write("hugo.toml", "baseURL = \"https://example.org/\"\n");
    r.write(
        "content/runbooks/db-failover.md",
        "---\ntitle: \"Database failover\"\n---\n\n## Steps\n\n1. Promote the replica. Then flush [the cache](../cache-flush/).\n2. Tell [support](/runbooks/support/).\n",
    );
    r.write(
        "content/runbooks/cache-flush.md",
        "---\ntitle: Cache flush\n---\n\n## Steps\n\n1. Flush. Back to [failover](../db-failover/).\n",
    );
    r.write("sop.toml", "[sops]\ndir = \"content\"\n");
    r.commit("Hugo docs");
    let summary = adopt(&r, &[]);
    assert!(
        summary.contains("`[links] style = \"mkdocs\"` and `site_root = \"content\"`: the documents link each other by their Hugo page addresses"),
        "{summary}"
    );
    let config = r.read("sop.toml");
    assert!(config.contains("\nstyle = \"mkdocs\""), "{config}");
    assert!(config.contains("\nsite_root = \"content\""), "{config}");
    let lint = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let broken: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "link-broken")
        .collect();
    // Only the page that does not exist.
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(
        broken[0]["message"]
            .as_str()
            .unwrap()
            .contains("/runbooks/support/"),
        "{broken:?}"
    );
}

/// A link style the team wrote is its choice, even the default one: adopt leaves it.
#[test]
fn adopt_keeps_a_link_style_written_in_sop_toml() {
    let r = SopRepo::new();
    r.write("hugo.toml", "baseURL = \"https://example.org/\"\n");
    r.write("content/a.md", "---\ntitle: A\n---\n\nSee [b](../b/).\n");
    r.write("content/b.md", "---\ntitle: B\n---\n\nText.\n");
    r.commit("Hugo docs");
    r.write(
        "sop.toml",
        "[sops]\ndir = \"content\"\nfile_names = \"any\"\n\n[links]\nstyle = \"files\"\n",
    );
    r.commit("config");
    let summary = adopt(&r, &[]);
    assert!(!summary.contains("site_root"), "{summary}");
    assert!(r.read("sop.toml").contains("[links]\nstyle = \"files\"\n"));
}

// Hugo shortcodes and Jekyll (Liquid) tags were published as text with no word from lint or
// adopt. Lint warns at each one, adopt lists the pages that hold them.
#[test]
fn shortcodes_and_liquid_tags_are_reported_by_lint_and_listed_by_adopt() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[sops]\ndir = \"content\"\nfile_names = \"any\"\n",
    );
    r.write(
        "content/runbooks/db-failover.md",
        concat!(
            "---\ntitle: \"Database failover\"\n---\n\n",
            "{{< alert color=\"warning\" >}}Only on-call DBAs may run this.{{< /alert >}}\n\n",
            "## Steps\n\n1. Promote the replica. Then flush [the cache]({{< ref \"cache-flush.md\" >}}).\n",
            "2. Tell the team: {% include note.html %} and [the list]({% link content/runbooks/cache-flush.md %}).\n",
            "3. Keep `{{< ref \"x.md\" >}}` as it is.\n",
        ),
    );
    r.write(
        "content/runbooks/cache-flush.md",
        "---\ntitle: Cache flush\n---\n\n## Steps\n\n1. Flush.\n",
    );
    r.commit("docs");
    let out = adopt(&r, &["--status", "approved", "--approver", "Dana W"]);
    let todo: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("shortcode-as-text"))
        .collect();
    assert_eq!(todo.len(), 1, "{out}");
    assert!(
        todo[0].contains(
            "to do: the page shows the Hugo shortcode `{{< alert color=\"warning\" >}}` as text"
        ) && todo[0].contains("and 4 more warnings like it")
            && todo[0].contains("content/runbooks/db-failover.md"),
        "{out}"
    );
    assert!(!out.contains("cache-flush.md\n  to do"), "{out}");
    r.commit("adopt");
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(u64, String)> = findings
        .iter()
        .filter(|f| f["rule"] == "shortcode-as-text")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let text = r.read("content/runbooks/db-failover.md");
    let line = |s: &str| text.lines().position(|l| l.contains(s)).unwrap() as u64 + 1;
    let alert = line("{{< alert");
    let note =
        "write it with a note box, `> [!WARNING]` on its own line followed by `> ` and the text";
    let closing = "remove this closing tag together with its opening one, and write what they did in plain Markdown";
    assert_eq!(
        got,
        [
            (alert, note.to_string()),
            (alert, closing.to_string()),
            (
                line("Promote"),
                "write the file's path relative to this SOP instead: replace `{{< ref \"cache-flush.md\" >}}` with `cache-flush.md`, as in `[text](cache-flush.md)`".to_string()
            ),
            (
                line("Tell the team"),
                "write it with the text of the included file, copied into the page, or a link to it".to_string()
            ),
            (
                line("Tell the team"),
                "write the file's path relative to this SOP instead: replace `{% link content/runbooks/cache-flush.md %}` with `cache-flush.md`, as in `[text](cache-flush.md)`".to_string()
            ),
        ],
        "{findings:#?}"
    );
}

/// The same for an MkDocs site whose pages are in its own `docs_dir`: the links between pages
/// by address (`../escalation/`) are read from `site_root = "handbook"`.
#[test]
fn adopting_an_mkdocs_site_reads_its_page_addresses_from_its_docs_dir() {
    let r = SopRepo::new();
    r.write(
        "mkdocs.yml",
        "site_name: Ops\ndocs_dir: 'handbook/'\nnav:\n  - refunds.md\n",
    );
    r.write(
        "handbook/refunds.md",
        "# Refunds\n\n1. Refund. If it fails, see [escalation](../escalation/).\n",
    );
    r.write("handbook/escalation.md", "# Escalation\n\nCall the lead.\n");
    r.write("sop.toml", "[sops]\ndir = \"handbook\"\n");
    r.commit("MkDocs docs");
    let summary = adopt(&r, &[]);
    assert!(
        summary.contains("`[links] style = \"mkdocs\"` and `site_root = \"handbook\"`: the documents link each other by their MkDocs page addresses"),
        "{summary}"
    );
    let lint = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    assert!(
        !findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "link-broken"),
        "{findings}"
    );
}

/// A clone without the Git LFS content holds a three-line pointer in place of the document:
/// front matter written into it would replace the manual once committed.
#[test]
fn a_git_lfs_pointer_is_never_adopted_and_lint_says_to_pull_it() {
    let r = SopRepo::new();
    r.write("sop.toml", CONFIG);
    let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 812345\n";
    r.write("sops/ops/big-manual.md", pointer);
    r.write("sops/ops/restart.md", "# Restart\n\n## Purpose\n\nx\n");
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(
        out.contains("not adopted: sops/ops/big-manual.md: the file is a Git LFS pointer"),
        "{out}"
    );
    assert!(out.contains("`git lfs pull`"), "{out}");
    assert_eq!(r.read("sops/ops/big-manual.md"), pointer);
    assert!(
        r.read("sops/ops/restart.md")
            .starts_with("---\nid: SOP-0001\n")
    );

    let lint = r.sop().arg("lint").output().unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    assert!(
        text.contains("error[file-unreadable]: the file is a Git LFS pointer"),
        "{text}"
    );
    assert!(text.contains("`git lfs pull`"), "{text}");
    assert!(!text.contains("front-matter-missing"), "{text}");
}

/// Parts of other pages are never pages: a wiki's sidebar and footer, a Docusaurus partial, a
/// file another document includes. Front matter written into one would show in every page.
#[test]
fn parts_of_other_pages_are_left_out_and_named() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \".\"\nfile_names = \"any\"\n");
    let chrome = [
        ("_Sidebar.md", "* [[Home]]\n* [[Refund process]]\n"),
        ("_Footer.md", "Questions? #ops\n"),
        ("site/docs/support/_contacts.md", "Call +1 555 0100.\n"),
        ("site/docs/snippets/oncall.md", "On call: +1 555 0101.\n"),
        ("site/docs/snippets/lead.md", "Escalate to the lead.\n"),
        ("book/shared/warning.md", "Never restart both.\n"),
    ];
    for (path, text) in chrome {
        r.write(path, text);
    }
    r.write("Refund-process.md", "## Steps\n\n1. Check.\n");
    r.write("site/docusaurus.config.js", "module.exports = {};\n");
    r.write(
        "site/docs/support/escalation.md",
        "---\ntitle: Escalation\n---\n\nimport Contacts from './_contacts.md';\n\n## Who\n\n<Contacts />\n",
    );
    r.write(
        "site/mkdocs.yml",
        "site_name: Ops\nmarkdown_extensions:\n  - pymdownx.snippets:\n      base_path: docs/snippets\n",
    );
    r.write(
        "site/docs/failover.md",
        "# Failover\n\n## Checklist\n\n--8<-- \"oncall.md\"\n\n--8<--\nlead.md\n--8<--\n",
    );
    r.write(
        "book/restart.md",
        "# Restart\n\n{{#include shared/warning.md}}\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &["--department", "Ops"]);
    for (path, _) in chrome {
        assert!(
            out.contains(&format!("left out: {path}: ")),
            "{path}: {out}"
        );
    }
    assert!(
        out.contains("left out: _Sidebar.md: a wiki's sidebar"),
        "{out}"
    );
    assert!(
        out.contains("left out: site/docs/support/_contacts.md: a Docusaurus partial"),
        "{out}"
    );
    assert!(
        out.contains("left out: site/docs/snippets/oncall.md: site/docs/failover.md includes it (an MkDocs snippet, `--8<--`)"),
        "{out}"
    );
    assert!(
        out.contains("left out: book/shared/warning.md: book/restart.md includes it (mdBook's `{{#include}}`)"),
        "{out}"
    );
    for (path, text) in chrome {
        assert_eq!(r.read(path), text, "{path}");
    }
    assert!(r.read("Refund-process.md").starts_with("---\n"));
    assert!(r.read("book/restart.md").starts_with("---\n"));
    // sop lint leaves them out too, and a second run changes nothing.
    r.git(&["add", "-A"]);
    r.commit("Adopt sop");
    let lint = r.sop().arg("lint").output().unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    for (path, _) in chrome {
        assert!(!text.contains(path), "{path}: {text}");
    }
    assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
}

/// A Docusaurus site in the repository's `website/` folder, beside the top-level `docs/`: a
/// partial there is left out as well.
#[test]
fn a_partial_beside_a_website_folder_is_left_out() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write("website/docusaurus.config.js", "module.exports = {};\n");
    r.write("docs/support/_contacts.md", "Call +1 555 0100.\n");
    r.write("docs/support/escalation.md", "## Who\n\nThe lead.\n");
    r.commit("Add the team's documents");
    let out = adopt(&r, &["--department", "Ops"]);
    assert!(
        out.contains("left out: docs/support/_contacts.md: a Docusaurus partial"),
        "{out}"
    );
    assert_eq!(r.read("docs/support/_contacts.md"), "Call +1 555 0100.\n");
}

/// Docusaurus pages link each other without `.md` (`payments/refunds`, `../support/escalation`)
/// and by route (`/docs/support/escalation`, under its `routeBasePath`): adopt writes the link
/// style that reads them, so lint finds them as the site does.
#[test]
fn on_a_docusaurus_site_adopt_writes_its_link_style() {
    for (config, site_root) in [
        ("module.exports = {};\n", "website"),
        (
            "module.exports = { presets: [['classic', { docs: { routeBasePath: '/' } }]] };\n",
            "website/docs",
        ),
    ] {
        let r = SopRepo::new();
        r.write(
            "sop.toml",
            "[sops]\ndir = \"website/docs\"\nfile_names = \"any\"\n",
        );
        r.write("website/docusaurus.config.js", config);
        let route = if site_root == "website" { "/docs" } else { "" };
        r.write(
            "website/docs/intro.md",
            &format!("---\ntitle: Intro\n---\n\n## Start\n\nSee [refunds](payments/refunds) and [escalation]({route}/support/escalation#who-to-call).\n"),
        );
        r.write(
            "website/docs/payments/refunds.md",
            "---\ntitle: Refunds\n---\n\n## Steps\n\n1. Go to [escalation](../support/escalation).\n",
        );
        r.write(
            "website/docs/support/escalation.md",
            "---\ntitle: Escalation\n---\n\n## Who to call {#who-to-call}\n\nTier 2.\n",
        );
        r.commit("Add the team's documents");
        let out = adopt(&r, &[]);
        assert!(
            out.contains(&format!("wrote `[links] style = \"site\"` and `site_root = \"{site_root}\"`: the documents link each other by their Docusaurus page addresses")),
            "{out}"
        );
        assert!(!out.contains("link-broken"), "{out}");
        let toml = r.read("sop.toml");
        assert!(toml.contains("\nstyle = \"site\""), "{toml}");
        assert!(
            toml.contains(&format!("\nsite_root = \"{site_root}\"")),
            "{toml}"
        );
        r.git(&["add", "-A"]);
        r.commit("Adopt sop");
        let lint = r.sop().arg("lint").output().unwrap();
        let text = String::from_utf8_lossy(&lint.stdout).into_owned();
        assert!(!text.contains("link-broken"), "{text}");
        assert!(!text.contains("anchor-broken"), "{text}");
        assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
    }
}

/// A Docusaurus site that serves its `docs` folder under another address (`routeBasePath:
/// 'handbook'`) links `/handbook/payments/refunds`: adopt writes `site_path`, so lint finds the
/// page the site serves instead of reporting a broken link.
#[test]
fn a_docusaurus_route_base_path_is_written_as_the_site_path() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write(
        "docusaurus.config.js",
        "module.exports = { presets: [['classic', { docs: { routeBasePath: 'handbook' } }]] };\n",
    );
    r.write(
        "docs/payments/refunds.md",
        "# Refunds\n\n## Steps\n\n1. Check. See [escalation](../support/escalation).\n",
    );
    r.write(
        "docs/support/escalation.md",
        "# Escalation\n\n## Steps\n\n1. Call. Back to [refunds](/handbook/payments/refunds).\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &["--department", "Ops"]);
    assert!(
        out.contains("wrote `[links] style = \"site\"`, `site_root = \"docs\"` and `site_path = \"handbook\"`: the documents link each other by their Docusaurus page addresses (`../page`, `/handbook/page`)"),
        "{out}"
    );
    assert!(!out.contains("link-broken"), "{out}");
    let toml = r.read("sop.toml");
    assert!(toml.contains("\nsite_path = \"handbook\""), "{toml}");
    r.git(&["add", "-A"]);
    r.commit("Adopt sop");
    let lint = r.sop().arg("lint").output().unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    assert!(!text.contains("link-broken"), "{text}");
    assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
}

/// MkDocs makes heading ids its own way (`## Café break` is `#cafe-break`): adopt writes that
/// rule, unless `mkdocs.yml` names its own `slugify`.
#[test]
fn on_an_mkdocs_site_adopt_writes_its_heading_ids() {
    for (extra, written) in [
        ("", true),
        (
            "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
            false,
        ),
    ] {
        let r = SopRepo::new();
        r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
        r.write(
            "mkdocs.yml",
            &format!("site_name: IR docs\nnav:\n  - IC: training/ic.md\n{extra}"),
        );
        r.write(
            "docs/training/ic.md",
            "# Incident Commander\n\n### Executive Swoop - Wants Information\n\nSay no.\n\n### Café break\n\nRest.\n",
        );
        r.write(
            "docs/training/course.md",
            "# Course\n\nSee [swoop](ic.md#executive-swoop-wants-information) and [break](ic.md#cafe-break).\n",
        );
        r.commit("Add the team's documents");
        let out = adopt(&r, &[]);
        assert_eq!(
            out.contains("wrote `[links] anchors = \"mkdocs\"`"),
            written,
            "{out}"
        );
        if written {
            assert!(!out.contains("anchor-broken"), "{out}");
            r.git(&["add", "-A"]);
            r.commit("Adopt sop");
            let lint = r.sop().arg("lint").output().unwrap();
            let text = String::from_utf8_lossy(&lint.stdout).into_owned();
            assert!(!text.contains("anchor-broken"), "{text}");
            assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
        }
    }
}

/// One file that cannot be read (binary, a link that leads nowhere) does not keep the others
/// from being adopted: it is named, with how to leave it out.
#[test]
fn a_file_that_cannot_be_read_is_named_and_the_others_are_adopted() {
    let r = repo_with(&[
        ("sops/support/page-1.md", "# Page 1\n\n## Purpose\n\nx\n"),
        ("sops/support/page-2.md", "# Page 2\n\n## Purpose\n\nx\n"),
    ]);
    let mut binary = vec![0u8, 159, 146, 150, 0, 1, 2, 3];
    binary.extend(std::iter::repeat_n(0u8, 4000));
    r.write_bytes("sops/support/export.md", &binary);
    r.commit("Add");
    let out = adopt(&r, &["--dry-run"]);
    assert!(
        out.contains("sops/support/export.md\n  to do: not adopted: the file is not text"),
        "{out}"
    );
    assert!(
        out.contains("add \"support/export.md\" to `exclude` under `[sops]` in sop.toml so that sop leaves it out"),
        "{out}"
    );
    assert!(out.contains("+++ b/sops/support/page-1.md"), "{out}");
    adopt(&r, &[]);
    assert!(r.read("sops/support/page-2.md").starts_with("---\n"));
    assert_eq!(
        std::fs::read(r.path("sops/support/export.md")).unwrap(),
        binary
    );
}

/// A file whose name reads as a translation (`refunds.pt.md`) is not adopted as an SOP, but it
/// is named with what to write; one that only looks like it (`node.js.md`, with no `node.md`
/// beside it) is named with how to rename it.
#[test]
fn files_named_as_translations_are_named_with_what_to_do() {
    let r = repo_with(&[
        ("sops/support/refunds.md", "# Refunds\n\n## Purpose\n\nx\n"),
        (
            "sops/support/refunds.pt.md",
            "# Reembolsos\n\n## Purpose\n\nx\n",
        ),
        (
            "sops/support/node.js.md",
            "# Node.js restarts\n\n## Purpose\n\nx\n",
        ),
    ]);
    let out = adopt(&r, &["--dry-run"]);
    assert!(
        out.contains("sops/support/refunds.pt.md\n  to do: not adopted: its name ends in `.pt.md`, so it is the translation into `pt` of sops/support/refunds.md"),
        "{out}"
    );
    assert!(
        out.contains("add `language: pt` and `translation_of: <the source's id>@<version>`"),
        "{out}"
    );
    assert!(
        out.contains("sops/support/node.js.md\n  to do: not adopted: sop reads a name ending in `.js.md` as a translation into the language `js`, but there is no sops/support/node.md it translates; if it is an SOP of its own, rename it without that dot (such as `node-js.md`)"),
        "{out}"
    );
    let out = adopt(&r, &["sops/support/refunds.pt.md"]);
    assert!(
        out.contains("sops/support/refunds.pt.md\n  to do:"),
        "{out}"
    );
    assert!(
        out.ends_with("\nnothing adopted; 1 thing to decide by hand (\"to do\" above)\n"),
        "{out}"
    );
    assert_eq!(
        r.read("sops/support/refunds.pt.md"),
        "# Reembolsos\n\n## Purpose\n\nx\n"
    );
}

/// A date the document's own table of details writes in a form that could be read two ways
/// (`03/04/2025`) is not guessed, nor replaced by the date of a commit: it is a "to do", and
/// the table stays as written.
#[test]
fn an_ambiguous_date_in_the_table_of_details_is_left_to_the_writer() {
    let body = "# Chargebacks\n\n| Field | Value |\n|---|---|\n| Owner | Jane Doe |\n| Approved by | Bob Stone |\n| Effective date | 03/04/2025 |\n| Last reviewed | 05/06/2025 |\n\n## Purpose\n\nx\n";
    let r = repo_with(&[("sops/support/chargebacks.md", body)]);
    let out = adopt(&r, &["--status", "approved"]);
    assert!(
        out.contains("  to do: the document's own table of details gives its effective date as `03/04/2025`, which could be 3 April or 4 March, so sop does not guess: write `effective: YYYY-MM-DD` into the front matter of sops/support/chargebacks.md by hand"),
        "{out}"
    );
    assert!(
        out.contains("gives its last review date as `05/06/2025`, which could be 5 June or 6 May"),
        "{out}"
    );
    let text = r.read("sops/support/chargebacks.md");
    assert!(!text.contains("\neffective:"), "{text}");
    assert!(!text.contains("\nlast_reviewed:"), "{text}");
    assert!(text.contains("| Effective date | 03/04/2025 |"), "{text}");
}

/// `--approver` and `--department` are written into every document: one with a line break is
/// refused, as `sop release` refuses it, and nothing is changed.
#[test]
fn an_approver_or_department_with_a_line_break_is_refused() {
    let r = repo_with(&[("sops/ops/refunds.md", "# Refunds\n\n## Purpose\n\nx\n")]);
    for args in [
        [
            "--approver",
            "Dana\nApproved-on: 2020-01-01",
            "--department",
            "Ops",
        ],
        ["--approver", "Dana", "--department", "Ops\nLegal"],
    ] {
        let out = r
            .sop()
            .args(["adopt", "--status", "approved"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("has a line break or control character in it")
                && err.contains("nothing was changed"),
            "{err}"
        );
        assert_eq!(
            r.read("sops/ops/refunds.md"),
            "# Refunds\n\n## Purpose\n\nx\n"
        );
    }
}

/// `[front_matter] allow` written over several lines (as TOML formatters write it) gets the
/// documents' keys before its `]`, and the other settings are written too: lint is clean of
/// what adoption foresaw.
#[test]
fn a_list_over_several_lines_in_sop_toml_gets_the_new_items() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[sops]\ndir = \"docs\"\n\n[front_matter]\nallow = [\n  \"layout\",    # Jekyll\n]\n",
    );
    r.write(
        "docs/ops/password-reset.md",
        "---\ntitle: Password reset\nweight: 3\nlayout: page\n---\n\n## Purpose\n\nx\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(!out.contains("not changed"), "{out}");
    let toml = r.read("sop.toml");
    assert!(
        toml.contains("allow = [\n  \"layout\",    # Jekyll\n  \"weight\",   # written by sop adopt: the documents' own keys\n]\n"),
        "{toml}"
    );
    assert!(toml.contains("\nfile_names = \"any\""), "{toml}");
    r.git(&["add", "-A"]);
    r.commit("Adopt sop");
    let lint = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    assert!(!text.contains("id-file-name-mismatch"), "{text}");
    assert!(!text.contains("key-unknown"), "{text}");
}

/// Documents that already have all their front matter (written by hand, or adopted on a branch
/// whose `sop.toml` was not kept) still get the settings they need to read as they are; a
/// second run changes nothing.
#[test]
fn documents_already_adopted_get_the_settings_they_need() {
    let r = SopRepo::new();
    r.write(
        "sops/support/refunds.md",
        "---\nid: SOP-0001\ntitle: Refunds\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: Amara O\ndepartment: Support\nsidebar_position: 2\n---\n\n## Purpose\n\nx\n\n## Checklist\n\n- [ ] y\n",
    );
    r.commit("Add the team's documents");
    let out = adopt(&r, &[]);
    assert!(
        out.contains("wrote `[sops] file_names = \"any\"`")
            && out.contains("wrote `[front_matter] allow` \"sidebar_position\""),
        "{out}"
    );
    r.git(&["add", "-A"]);
    r.commit("Adopt sop");
    let lint = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    assert!(!text.contains("id-file-name-mismatch"), "{text}");
    assert!(!text.contains("key-unknown"), "{text}");
    assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
}

/// Right after adoption, before it is committed, the preview (`publish --drafts`) shows the
/// document's history from git, kept under its path until its id is committed.
#[test]
fn the_preview_of_an_uncommitted_adoption_shows_the_history() {
    let r = repo_with(&[("sops/support/refunds.md", "# Refunds\n\n## Purpose\n\nv1\n")]);
    r.write(
        "sops/support/refunds.md",
        "# Refunds\n\n## Purpose\n\nv1\n\nMore.\n",
    );
    r.commit("Refunds: more");
    adopt(&r, &[]);
    let site = r.path("site");
    r.sop()
        .args(["publish", "--drafts", "--out"])
        .arg(&site)
        .assert()
        .success();
    let page = std::fs::read_to_string(site.join("sops/SOP-0001.html")).unwrap();
    assert!(!page.contains("No revision history yet"), "{page}");
    assert!(page.contains("Refunds: more"), "{page}");
}

/// The help for a Hugo `relref` to a section keeps the section: the link written instead
/// leads where the old one did.
#[test]
fn the_help_for_a_ref_to_a_section_keeps_the_section() {
    let r = SopRepo::new();
    r.write(
        "sops/runbooks/SOP-0001-cdn.md",
        "---\nid: SOP-0001\ntitle: CDN\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: Ops\n---\n\n## Purpose\n\nSee [DNS]({{< relref \"SOP-0002-dns-outage.md#trigger\" >}}).\n\n## Checklist\n\n- [ ] x\n",
    );
    r.write(
        "sops/runbooks/SOP-0002-dns-outage.md",
        "---\nid: SOP-0002\ntitle: DNS\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: Ops\n---\n\n## Purpose\n\nx\n\n## Trigger\n\ny\n\n## Checklist\n\n- [ ] x\n",
    );
    r.commit("docs");
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let help: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "shortcode-as-text")
        .filter_map(|f| f["help"].as_str())
        .collect();
    assert_eq!(
        help,
        [
            "write the file's path relative to this SOP instead: replace `{{< relref \"SOP-0002-dns-outage.md#trigger\" >}}` with `SOP-0002-dns-outage.md#trigger`, as in `[text](SOP-0002-dns-outage.md#trigger)`"
        ],
        "{findings:#?}"
    );
}

/// A file left out by a `[sops] exclude` entry that adopt writes is left out by lint too,
/// whatever glob characters (`[`, `*`, `?`) its name holds: the entry matches that name only.
#[test]
fn exclude_entries_match_names_with_glob_characters() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write("website/docusaurus.config.js", "module.exports = {};\n");
    r.write("docs/support/_contacts[old].md", "Call +1 555 0100.\n");
    r.write("docs/support/_contactso.md", "Call +1 555 0199.\n");
    r.write("docs/support/_who*.md", "The lead.\n");
    r.write("docs/support/escalation.md", "## Who\n\nThe lead.\n");
    r.commit("Add the team's documents");
    let out = adopt(&r, &["--department", "Ops"]);
    assert!(
        out.contains("left out: docs/support/_contacts[old].md: a Docusaurus partial"),
        "{out}"
    );
    r.git(&["add", "-A"]);
    r.commit("Adopt sop");
    let lint = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    assert!(!text.contains("_contacts[old].md"), "{text}");
    assert!(!text.contains("_who*.md"), "{text}");
    assert_eq!(adopt(&r, &[]).matches("wrote").count(), 0);
}

/// An MDX `import` shown as an example in a code block imports nothing: the file it names is
/// adopted as a page of its own. An mdBook include in a code block fills it, so its file is
/// still a part.
#[test]
fn an_import_in_a_code_block_makes_no_part() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write(
        "docs/guide.md",
        "# Writing pages\n\n## Steps\n\n```js\nimport Restart from './restart.md';\n```\n\n```text\n{{#include shared/banner.md}}\n```\n",
    );
    r.write("docs/restart.md", "# Restart\n\n## Steps\n\n1. Restart.\n");
    r.write("docs/shared/banner.md", "Read this first.\n");
    r.commit("Add the team's documents");
    let out = adopt(&r, &["--department", "Ops"]);
    assert!(!out.contains("left out: docs/restart.md"), "{out}");
    assert!(r.read("docs/restart.md").starts_with("---\n"), "{out}");
    assert!(
        out.contains("left out: docs/shared/banner.md: docs/guide.md includes it"),
        "{out}"
    );
}

/// An MkDocs page without a `# ` heading takes its title from the site's `nav:`, as MkDocs
/// shows it, rather than one made from its file name.
#[test]
fn an_mkdocs_page_takes_its_title_from_the_nav() {
    let r = SopRepo::new();
    r.write("sop.toml", "[sops]\ndir = \"docs\"\nfile_names = \"any\"\n");
    r.write(
        "mkdocs.yml",
        "site_name: IR docs\nnav:\n  - On-Call:\n    - \"Who's On-Call?\": 'oncall/whos_oncall.md'\n  - Crisis Response:\n    - Crisis Response Introduction: crisis/crisis_intro.md  # the start\n",
    );
    r.write(
        "docs/oncall/whos_oncall.md",
        "Every department has a point of contact.\n\n## Engineering\n\nx\n",
    );
    r.write(
        "docs/crisis/crisis_intro.md",
        "A crisis is bigger than an incident.\n\n## Phases\n\nx\n",
    );
    r.write("docs/crisis/other_page.md", "Other.\n\n## Phases\n\nx\n");
    r.commit("Add the team's documents");
    let out = adopt(&r, &["--department", "Ops", "--dry-run"]);
    assert!(
        out.contains(
            "would write title: Who's On-Call? (from the site's navigation, `nav:` in mkdocs.yml)"
        ),
        "{out}"
    );
    assert!(
        out.contains("would write title: Crisis Response Introduction (from the site's navigation"),
        "{out}"
    );
    assert!(
        out.contains("would write title: Other Page (from the file name: check the wording)"),
        "{out}"
    );
}

/// Jekyll's `author:` written as a map (jekyll-seo-tag's `name:` and `email:`) names the owner;
/// the map stays, for the email it also holds.
#[test]
fn a_jekyll_author_map_names_the_owner() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[sops]\ndir = \"_docs\"\nfile_names = \"any\"\n",
    );
    let front = "---\nlayout: doc\ntitle: Refunds\nauthor:\n  name: Lena Fischer\n  email: lena@example.com\n---\n";
    r.write(
        "_docs/ops/refunds.md",
        &format!("{front}\n## Purpose\n\nRefund users.\n"),
    );
    r.commit("docs");
    let out = adopt(&r, &[]);
    assert!(
        out.contains("wrote owner: Lena Fischer (from the `name:` in its `author:`)"),
        "{out}"
    );
    let text = r.read("_docs/ops/refunds.md");
    assert!(text.contains("owner: Lena Fischer\n"), "{text}");
    assert!(
        text.contains("author:\n  name: Lena Fischer\n  email: lena@example.com\n"),
        "{text}"
    );
}

/// A Jekyll link whose address is Liquid output (`{{ "/forms/refund/" | relative_url }}`,
/// `{{ site.baseurl }}/…`) is reported: with the adopted file to link to when the address is
/// one of its pages (by `permalink:`, or by its path in a collection), else with what to write.
#[test]
fn jekyll_addresses_in_liquid_are_reported_with_the_file_to_link() {
    let r = SopRepo::new();
    r.write(
        "_config.yml",
        "title: Ops\ncollections:\n  docs:\n    output: true\n",
    );
    r.write(
        "sop.toml",
        "[sops]\ndir = \"_docs\"\nfile_names = \"any\"\n",
    );
    r.write(
        "_docs/ops/refunds.md",
        concat!(
            "---\ntitle: Refunds\n---\n\n## Purpose\n\n",
            "See [the form]({{ \"/forms/refund/\" | relative_url }}) and [escalation]({{site.baseurl}}/docs/ops/escalation.html#who).\n",
            "Spaced: [who]({{ site.baseurl }}/docs/ops/escalation.html).\n",
            "Old: [gone]({{ \"/old/page/\" | relative_url }}). Hi {{customer_name}}.\n",
        ),
    );
    r.write(
        "_docs/forms/refund.md",
        "---\ntitle: Refund form\npermalink: /forms/refund/\n---\n\n## Purpose\n\nx\n",
    );
    r.write(
        "_docs/ops/escalation.md",
        "---\ntitle: Escalation\n---\n\n## Who\n\nx\n",
    );
    r.commit("docs");
    let out = adopt(&r, &[]);
    assert!(
        out.contains(
            "to do: the page shows the Liquid tag `{{ \"/forms/refund/\" | relative_url }}` as text"
        ),
        "{out}"
    );
    r.commit("adopt");
    let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !findings.iter().any(|f| f["rule"] == "link-broken"),
        "{findings:#?}"
    );
    let got: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["rule"] == "shortcode-as-text")
        .map(|f| (f["message"].as_str().unwrap(), f["help"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "the page shows the Liquid tag `{{ \"/forms/refund/\" | relative_url }}` as text: the site runs no template tags",
                "write the file's path relative to this SOP instead: replace `{{ \"/forms/refund/\" | relative_url }}` with `../forms/refund.md`, as in `[text](../forms/refund.md)`",
            ),
            (
                "the link's address `{{site.baseurl}}/docs/ops/escalation.html#who` is a Liquid tag, which the site does not fill in: the page shows the link's text without the link",
                "write the file's path relative to this SOP instead: replace `{{site.baseurl}}/docs/ops/escalation.html#who` with `escalation.md#who`, as in `[text](escalation.md#who)`",
            ),
            (
                "the page shows the Liquid tag `{{ site.baseurl }}/docs/ops/escalation.html` as text: the site runs no template tags",
                "write the file's path relative to this SOP instead: replace `{{ site.baseurl }}/docs/ops/escalation.html` with `escalation.md`, as in `[text](escalation.md)`",
            ),
            (
                "the page shows the Liquid tag `{{ \"/old/page/\" | relative_url }}` as text: the site runs no template tags",
                "write a relative Markdown link to the file the Jekyll site shows at `/old/page/` instead, `[text](path/to/file.md)`, with the path from this SOP's folder, or the page's full web address (`https://…`)",
            ),
        ],
        "{findings:#?}"
    );
}

/// After adoption, `sop lint` says of a file named as a translation (`refunds.pt.md`) with no
/// front matter that it reads as the translation of the file beside it, and what to write to
/// make it one (the source's id and version); before the source is adopted, to adopt it
/// first; without a source (`node.js.md`), how to rename it.
#[test]
fn lint_says_how_to_make_an_unadopted_translation_one() {
    let r = repo_with(&[
        ("sops/support/refunds.md", "# Refunds\n\n## Purpose\n\nx\n"),
        (
            "sops/support/refunds.pt.md",
            "# Reembolsos\n\n## Purpose\n\nx\n",
        ),
        (
            "sops/support/node.js.md",
            "# Node.js restarts\n\n## Purpose\n\nx\n",
        ),
    ]);
    let missing = |r: &SopRepo| -> Vec<(String, String, String)> {
        let out = r.sop().args(["lint", "--format", "json"]).output().unwrap();
        let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        findings
            .iter()
            .filter(|f| f["rule"] == "front-matter-missing")
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                    f["help"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = missing(&r);
    let pt = before
        .iter()
        .find(|(file, ..)| file == "sops/support/refunds.pt.md")
        .unwrap();
    assert!(
        pt.2.starts_with("a translation keeps its source's front matter: run `sop adopt` to give `sops/support/refunds.md` its front matter, then copy it"),
        "{pt:?}"
    );
    adopt(&r, &[]);
    r.commit("adopt");
    let after = missing(&r);
    assert_eq!(
        after,
        [
            (
                "sops/support/node.js.md".to_string(),
                "this file has no front matter, and its name ends in `.js.md`, which sop reads as a translation into the language `js`, but there is no `sops/support/node.md` it translates".to_string(),
                "if it is not a translation but an SOP of its own, rename it without that dot (such as `node-js.md`) and run `sop adopt`; if it is a translation, name it after the file it translates, with `.js` before `.md`".to_string(),
            ),
            (
                "sops/support/refunds.pt.md".to_string(),
                "this file has no front matter: its name ends in `.pt.md`, so it reads as the Portuguese translation of `sops/support/refunds.md`".to_string(),
                "a translation keeps its source's front matter: copy the front matter of `sops/support/refunds.md` to the top of this file (the same `id: SOP-0001`), translate the title, and add `language: pt` and `translation_of: SOP-0001@0.1.0` (the version of `sops/support/refunds.md` it translates, if not 0.1.0); if it is not a translation but an SOP of its own, rename it without that dot (such as `refunds-pt.md`) and run `sop adopt`".to_string(),
            ),
        ]
    );
}
