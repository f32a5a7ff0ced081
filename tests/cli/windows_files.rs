//! Files saved on Windows: CRLF line endings compare equal to LF across versions (`lint
//! --base`, `diff`, the published page), mixed line endings are found and fixed, UTF-16 files
//! are named as such (and converted by `--fix`) while the other SOPs are still checked, and a
//! UTF-8 byte-order mark changes nothing.

use serde_json::Value;

use crate::support::{SopRepo, sop_text};

const SOP: &str = "sops/payments/SOP-0001-refunds.md";

/// `text` with every line ending CRLF.
fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// `text` as Notepad's "Unicode" saves it: UTF-16 LE with a byte-order mark.
fn utf16_le(text: &str) -> Vec<u8> {
    std::iter::once(0xFEFF_u16)
        .chain(text.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// `text` as UTF-16 BE without a byte-order mark.
fn utf16_be_no_bom(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// Run `sop` with `args`; standard output, standard error and the exit code.
fn run(r: &SopRepo, args: &[&str]) -> (String, String, i32) {
    let out = r.sop().args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `sop lint --format json` with `args`: the findings and the exit code.
fn lint_json(r: &SopRepo, args: &[&str]) -> (Vec<Value>, i32) {
    let (stdout, stderr, code) = run(r, &[&["lint", "--format", "json"][..], args].concat());
    let findings: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (findings.as_array().cloned().unwrap_or_default(), code)
}

fn rules(findings: &[Value]) -> Vec<&str> {
    findings.iter().filter_map(|f| f["rule"].as_str()).collect()
}

/// The lines of a human `sop diff` that show a changed line (`-`, `+` or `~`).
fn changed_lines(diff: &str) -> Vec<&str> {
    diff.lines()
        .filter(|l| l.starts_with("  - ") || l.starts_with("  + ") || l.starts_with("  ~ "))
        .collect()
}

/// An approved SOP committed with LF line endings; the first commit's id.
fn committed_with_lf() -> (SopRepo, String) {
    let r = SopRepo::new();
    r.write(
        SOP,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    r.commit("Add refunds");
    let first = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    (r, first)
}

#[test]
fn a_file_saved_again_with_crlf_has_not_changed() {
    let (r, first) = committed_with_lf();
    let lf = r.read(SOP);
    r.write(SOP, &crlf(&lf)).commit("Saved on Windows");

    let (findings, code) = lint_json(&r, &["--base", &first]);
    assert_eq!((rules(&findings), code), (vec![], 0), "{findings:#?}");

    let (diff, stderr, code) = run(&r, &["diff", "SOP-0001", &first, "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        diff.contains("no changes to the text: only the line endings changed, from LF to CRLF"),
        "{diff}"
    );
    assert!(changed_lines(&diff).is_empty(), "{diff}");

    let (json, _, _) = run(
        &r,
        &["diff", "SOP-0001", &first, "HEAD", "--format", "json"],
    );
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["sections"], serde_json::json!([]));
    assert_eq!(json["front_matter"], serde_json::json!([]));
    assert_eq!(
        json["line_endings"],
        serde_json::json!({"from": "LF", "to": "CRLF"})
    );
}

#[test]
fn a_real_edit_saved_with_crlf_is_still_a_change() {
    let (r, first) = committed_with_lf();
    let edited = crlf(&r.read(SOP)).replace("Use the macro.", "Use the refund macro.");
    r.write(SOP, &edited).commit("Reword step 2 on Windows");

    let (findings, code) = lint_json(&r, &["--base", &first]);
    // The SOP was approved by hand (never released): its new text has no approval recorded.
    assert_eq!(
        rules(&findings),
        ["approval-not-recorded", "version-not-bumped"],
        "{findings:#?}"
    );
    assert_eq!(code, 1);
    assert_eq!(findings[1]["line"], 6, "points at `version:`");

    let (diff, stderr, code) = run(&r, &["diff", "SOP-0001", &first, "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        changed_lines(&diff),
        ["  ~ 2. **Reply.** Use the {+refund +}macro."],
        "{diff}"
    );
    assert!(
        diff.contains("also the line endings changed, from LF to CRLF"),
        "{diff}"
    );
}

#[test]
fn a_copy_saved_again_with_crlf_is_no_revision_in_progress_on_the_site() {
    let (r, _) = committed_with_lf();
    r.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "-m",
        "First approved refunds",
    ]);
    let lf = r.read(SOP);
    r.write(SOP, &crlf(&lf)).commit("Saved on Windows");
    let (_, stderr, code) = run(&r, &["publish", "--out", "site"]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(r.path("site/sops/SOP-0001.html")).unwrap();
    assert!(page.contains("First approved refunds"), "{page}");
    assert!(!page.contains("unreleased changes"), "{page}");
    assert!(!page.contains("is in progress"), "{page}");
    // A real edit still is one.
    r.write(SOP, &crlf(&lf).replace("Use the macro.", "Use macro 7."));
    r.commit("Reword step 2");
    run(&r, &["publish", "--out", "site"]);
    let page = std::fs::read_to_string(r.path("site/sops/SOP-0001.html")).unwrap();
    assert!(page.contains("This SOP has unreleased changes"), "{page}");
}

#[test]
fn mixed_line_endings_are_found_at_the_first_odd_line_and_fixed() {
    let r = SopRepo::new();
    let lf = sop_text("SOP-0001", "Refunds", "procedure", "draft");
    let odd = "The purpose of this SOP.\n";
    let line = lf.lines().position(|l| l == odd.trim_end()).unwrap() + 1;
    let mixed = lf.replacen(odd, &crlf(odd), 1).replacen(
        "2. **Reply.** Use the macro.\n",
        "2. **Reply.** Use the macro.\r\n",
        1,
    );
    r.write(SOP, &mixed);

    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(rules(&findings), ["line-endings-mixed"], "{findings:#?}");
    assert_eq!(code, 0, "a warning");
    let f = &findings[0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], SOP);
    assert_eq!(f["line"], line);
    assert_eq!(f["column"], 1);
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("but 2 end with CRLF"), "{message}");
    assert!(f["help"].as_str().unwrap().contains("sop lint --fix"));

    let (human, _, _) = run(&r, &["lint"]);
    assert!(human.contains("warning[line-endings-mixed]"), "{human}");
    assert!(human.contains(&format!("{SOP}:{line}:1")), "{human}");

    let (_, stderr, code) = run(&r, &["lint", "--fix"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("fixed {SOP}:{line}: made every line end with LF")),
        "{stderr}"
    );
    assert_eq!(std::fs::read(r.path(SOP)).unwrap(), lf.as_bytes());
    let (findings, code) = lint_json(&r, &[]);
    assert_eq!((rules(&findings), code), (vec![], 0), "{findings:#?}");

    // Mostly CRLF: the LF lines get their CR.
    let windows = crlf(&lf);
    r.write(SOP, &windows.replacen("\r\n", "\n", 1));
    let (findings, _) = lint_json(&r, &[]);
    assert_eq!(rules(&findings), ["line-endings-mixed"]);
    assert_eq!(findings[0]["line"], 1);
    run(&r, &["lint", "--fix"]);
    assert_eq!(std::fs::read(r.path(SOP)).unwrap(), windows.as_bytes());
    let (findings, _) = lint_json(&r, &[]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_utf16_file_is_named_and_the_other_sops_are_still_checked() {
    let r = SopRepo::new();
    let good = sop_text("SOP-0001", "Refunds", "procedure", "draft");
    r.write(SOP, &good);
    let notepad = crlf(&sop_text("SOP-0002", "Payouts", "procedure", "draft"));
    let utf16 = "sops/payments/SOP-0002-payouts.md";
    r.write_bytes(utf16, &utf16_le(&notepad));
    let broken = "sops/payments/SOP-0003-chargebacks.md";
    r.write(
        broken,
        &sop_text("SOP-0003", "Chargebacks", "procedure", "draft")
            .replace("## Escalation\n", "## Escalaton\n"),
    );

    let (findings, code) = lint_json(&r, &[]);
    assert_eq!(code, 1, "an error: sop cannot read the file at all");
    let of = |path: &str| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f["file"] == path)
            .filter_map(|f| f["rule"].as_str())
            .collect()
    };
    assert_eq!(of(utf16), ["file-utf16"], "{findings:#?}");
    assert!(!of(broken).is_empty(), "the other SOPs are still checked");
    assert!(of(SOP).is_empty());
    let f = findings.iter().find(|f| f["rule"] == "file-utf16").unwrap();
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("saved as UTF-16 LE"), "{message}");
    assert!(!message.contains("binary"), "{message}");
    let help = f["help"].as_str().unwrap();
    assert!(
        help.contains("save it as UTF-8: in Notepad, File › Save as › Encoding: UTF-8"),
        "{help}"
    );
    assert!(!help.contains("assets/"), "{help}");

    // `--fix` saves it as UTF-8 with the same characters and line endings.
    let (_, stderr, _) = run(&r, &["lint", "--fix"]);
    assert!(
        stderr.contains(&format!(
            "fixed {utf16}:1: saved the file as UTF-8 instead of UTF-16"
        )),
        "{stderr}"
    );
    assert_eq!(std::fs::read(r.path(utf16)).unwrap(), notepad.as_bytes());
    let (findings, _) = lint_json(&r, &[]);
    assert!(findings.iter().all(|f| f["file"] != utf16), "{findings:#?}");

    // Without a byte-order mark, and big-endian, it is still recognised.
    r.write_bytes(utf16, &utf16_be_no_bom(&notepad));
    let (findings, _) = lint_json(&r, &[]);
    let f = findings.iter().find(|f| f["file"] == utf16).unwrap();
    assert_eq!(f["rule"], "file-utf16");
    assert!(f["message"].as_str().unwrap().contains("UTF-16 BE"));
}

#[test]
fn a_utf8_byte_order_mark_lints_publishes_and_diffs_like_any_other_file() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    r.write(SOP, &format!("\u{feff}{text}"));
    r.commit("Add refunds");

    let (findings, code) = lint_json(&r, &[]);
    assert_eq!((rules(&findings), code), (vec![], 0), "{findings:#?}");

    let (_, stderr, code) = run(&r, &["publish", "--out", "site"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("not published"), "{stderr}");
    let page = std::fs::read_to_string(r.path("site/sops/SOP-0001.html")).unwrap();
    assert!(page.contains(">Refunds<"), "{page}");
    assert!(
        !page.contains('\u{feff}'),
        "the mark never reaches the page"
    );

    // Saved again without the mark: the text did not change.
    r.write(SOP, &text);
    let (diff, _, code) = run(&r, &["diff", "SOP-0001"]);
    assert_eq!(code, 0);
    assert!(diff.contains("no changes to the text: only"), "{diff}");
    assert!(diff.contains("byte-order mark"), "{diff}");
    assert!(changed_lines(&diff).is_empty(), "{diff}");
}
