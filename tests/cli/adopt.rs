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
            "---\nid: SOP-0041\ntitle: Refund requests\ntype: procedure\nstatus: draft\nversion: 0.1.0\nowner: Ann Lee\ndepartment: Customer Support\neffective: 2026-01-01\nlast_reviewed: 2026-01-01\n---\n{REFUNDS_BODY}3. Tell the buyer by e-mail today.\n"
        )
    );
    let payouts = r.read("sops/payments/payouts.md");
    assert_eq!(
        payouts,
        "---\r\nid: SOP-0042\r\ntitle: Creator payouts  # our wording\r\ntype: procedure\r\nstatus: draft\r\nversion: 0.1.0\r\nowner: acme/payments\r\ndepartment: Payments\r\neffective: 2026-01-01\r\nlast_reviewed: 2026-01-01\r\nweight: 3\r\n---\r\n\r\n## Purpose\r\n\r\nPaying creators on time.\r\n"
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
    assert!(out.contains("2 things to decide by hand"), "{out}");
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
    // The link out of the repository is refused; nothing is written anywhere.
    r.sop().arg("adopt").assert().code(1);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.md")).unwrap(),
        "# Secret\n"
    );
    std::fs::remove_file(r.path("sops/secret.md")).unwrap();
    let out = adopt(&r, &[]);
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
