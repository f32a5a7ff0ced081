//! The four output formats of `sop lint` (`human`, `json`, `github`, `sarif`), tested at the
//! library level through `sop::diag::write`: hand-made rules, real SOP sources, real findings.
//! The `sop lint` command itself is tested in `lint.rs`.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use sop::diag::{Family, Finding, Format, Report, RuleMeta, Severity, Sources};
use sop::repo::{SourceFile, Span};

static REVIEW_DATE_INVALID: RuleMeta = RuleMeta {
    id: "review-date-invalid",
    family: Family::Lifecycle,
    severity: Severity::Error,
    summary: "a review date is not a real calendar date",
    explanation: "## What it checks\n\n`next_review`, `last_reviewed` and `effective` must be real dates.\n\n\
                  ## Why it matters\n\nA review that is due on a day that does not exist is never due.\n\n\
                  ## How to fix\n\nWrite the date as `YYYY-MM-DD`.",
    fixable: false,
};

static STEPS_NOT_ORDERED: RuleMeta = RuleMeta {
    id: "steps-not-ordered",
    family: Family::Procedure,
    severity: Severity::Warning,
    summary: "procedure steps are not a numbered list",
    explanation: "## What it checks\n\nThe steps under `## Procedure` are a numbered list.\n\n\
                  ## Why it matters\n\nAgents refer to steps by number on calls and in tickets.",
    fixable: true,
};

static PLACEHOLDER_LEFT: RuleMeta = RuleMeta {
    id: "placeholder-left",
    family: Family::Content,
    severity: Severity::Error,
    summary: "a template placeholder was left in the text",
    explanation: "## What it checks\n\n`TODO`, `TBD` and unfilled `<...>` prompts.",
    fixable: false,
};

static LINK_BROKEN: RuleMeta = RuleMeta {
    id: "link-broken",
    family: Family::Content,
    severity: Severity::Error,
    summary: "a link points at a file that does not exist",
    explanation: "## What it checks\n\nRelative links lead to existing files.",
    fixable: false,
};

static REVIEW_OVERDUE: RuleMeta = RuleMeta {
    id: "review-overdue",
    family: Family::Lifecycle,
    severity: Severity::Error,
    summary: "the periodic review is overdue",
    explanation: "## What it checks\n\nThe next review date is not in the past.",
    fixable: false,
};

static FILE_NOT_TEXT: RuleMeta = RuleMeta {
    id: "file-not-text",
    family: Family::File,
    severity: Severity::Error,
    summary: "a file in the SOP folder is not UTF-8 text",
    explanation: "## What it checks\n\nEvery `.md` file under `sops/` is UTF-8 text.",
    fixable: false,
};

/// The registry of this test, in registry order (not the order findings use them).
static RULES: [&RuleMeta; 6] = [
    &FILE_NOT_TEXT,
    &REVIEW_DATE_INVALID,
    &REVIEW_OVERDUE,
    &STEPS_NOT_ORDERED,
    &PLACEHOLDER_LEFT,
    &LINK_BROKEN,
];

const PAYOUT_PATH: &str = "sops/payouts/PAY-0012-creator-payout-dispute.md";
const PAYOUT: &str = "---
id: PAY-0012
title: Creator Payout Disputes
type: procedure
status: approved
version: 1.2.0
owner: Ana Souza
department: Creator Payments
next_review: 2026-02-30
approvers: [Mei Lin]
effective: 2026-03-01
---

## Purpose

Settle a creator's payout dispute within 5 business days, in the creator's language.

## Procedure

- Open the dispute in the payouts console.
- Compare the amount with the ledger: 100% of it, or the part in dispute.
- TODO: describe how to reverse a payout
- Reply with the template in [Vorlagen für Auszahlungen](../vorlagen/ÜBERSICHT.md) « Votre paiement a été envoyé ».
";

const INCIDENT_PATH: &str = "sops/live-ops/SOP-0005-stream-incident.md";
const INCIDENT: &str = "---
id: SOP-0005
title: Live Stream Incident Escalation
type: runbook
status: approved
version: 2.0.1
owner: ops-lead@example.com
department: Live Operations
next_review: 2026-10-01
---

## Summary

Escalate a broken live stream to the on-call engineer within 10 minutes.
";

const CHART_PATH: &str = "sops/live-ops/SOP-0006-escalation-chart.md";

/// The byte span of the `nth` (0-based) occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str, nth: usize) -> Span {
    let (start, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1));
    Span::new(start, start + needle.len())
}

/// The findings of the two SOPs and the binary file, sorted by file, line, column, rule as
/// lint sorts them.
fn findings(payout: &str, incident: &str) -> Vec<Finding> {
    let steps_start = span_of(payout, "- Open", 0).start;
    let steps_end = span_of(payout, "envoyé ».", 0).end;
    vec![
        Finding::new(
            &REVIEW_OVERDUE,
            INCIDENT_PATH,
            Some(span_of(incident, "2026-10-01", 0)),
            "the review of this SOP is overdue",
        )
        .label("due on 2026-10-01, 55 days ago")
        .help("review the SOP with its owner, then run `sop review SOP-0005`"),
        Finding::new(
            &FILE_NOT_TEXT,
            CHART_PATH,
            None,
            "`SOP-0006-escalation-chart.md` is not text: it looks like an image or a binary file",
        )
        .help("save diagrams as `.png` or `.svg` next to the SOP and link them from the text"),
        Finding::new(
            &REVIEW_DATE_INVALID,
            PAYOUT_PATH,
            Some(span_of(payout, "2026-02-30", 0)),
            "`next_review` is not a real date",
        )
        .label("February 2026 has 28 days")
        .help("write the date as YYYY-MM-DD, for example `next_review: 2026-02-28`"),
        Finding::new(
            &STEPS_NOT_ORDERED,
            PAYOUT_PATH,
            Some(Span::new(steps_start, steps_end)),
            "the steps of `## Procedure` are a bullet list",
        )
        .label("these 4 steps have no numbers")
        .help("number the steps: `1.`, `2.`, `3.`, ..."),
        Finding::new(
            &PLACEHOLDER_LEFT,
            PAYOUT_PATH,
            Some(span_of(payout, "TODO", 0)),
            "placeholder `TODO` left in step 3: 100%, not 99%, of a step must be written",
        )
        .label("unfinished step")
        .help("write the step, or delete it,\nthen ask the owner to review: key=value, a%0Ab"),
        Finding::new(
            &LINK_BROKEN,
            PAYOUT_PATH,
            Some(span_of(payout, "../vorlagen/ÜBERSICHT.md", 0)),
            "the link to `../vorlagen/ÜBERSICHT.md` leads nowhere",
        )
        .label("no such file")
        .help("check the path; links are relative to this SOP's folder"),
    ]
}

/// Render `findings` over the two sources in `format`.
fn render_with(
    format: Format,
    color: bool,
    findings: &[Finding],
    payout: &str,
    incident: &str,
    rules: &[&'static RuleMeta],
) -> String {
    let payout = SourceFile::new(payout.to_string());
    let incident = SourceFile::new(incident.to_string());
    let sources: Sources<'_> = HashMap::from([(PAYOUT_PATH, &payout), (INCIDENT_PATH, &incident)]);
    let report = Report {
        findings,
        sources: &sources,
        rules,
        checked: 12,
        root: "",
    };
    let mut out = Vec::new();
    sop::diag::write(
        format,
        &report,
        sop::diag::HumanOptions {
            color,
            ..Default::default()
        },
        &mut out,
    )
    .expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("writers write UTF-8")
}

fn render(format: Format) -> String {
    render_with(
        format,
        false,
        &findings(PAYOUT, INCIDENT),
        PAYOUT,
        INCIDENT,
        &RULES,
    )
}

/// Snapshot settings: the crate version in SARIF changes with every release.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        &format!(
            r#""(semanticVersion|version)": "{}""#,
            regex_escape(env!("CARGO_PKG_VERSION"))
        ),
        r#""$1": "[VERSION]""#,
    );
    settings
}

fn regex_escape(text: &str) -> String {
    text.replace('.', r"\.")
}

#[test]
fn human_shows_source_lines_carets_help_and_a_summary() {
    let out = render(Format::Human);
    settings().bind(|| insta::assert_snapshot!("human", out));
}

#[test]
fn human_explains_each_rule_once_per_run() {
    let mut many = findings(PAYOUT, INCIDENT);
    many.extend(findings(PAYOUT, INCIDENT));
    let out = render_with(Format::Human, false, &many, PAYOUT, INCIDENT, &RULES);
    assert_eq!(
        out.matches("sop lint --explain placeholder-left").count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.matches("sop lint --explain").count(),
        RULES.len(),
        "{out}"
    );
    assert_eq!(out.matches("= help:").count(), many.len(), "{out}");
}

#[test]
fn human_is_coloured_only_when_asked() {
    let plain = render(Format::Human);
    let styled = render_with(
        Format::Human,
        true,
        &findings(PAYOUT, INCIDENT),
        PAYOUT,
        INCIDENT,
        &RULES,
    );
    assert!(!plain.contains('\u{1b}'), "{plain}");
    assert!(styled.contains("\u{1b}["), "{styled}");
    assert_eq!(strip_ansi(&styled), plain);
}

/// `text` without ANSI SGR sequences (`ESC [ ... m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn human_without_findings_says_no_problems() {
    let out = render_with(Format::Human, false, &[], PAYOUT, INCIDENT, &RULES);
    assert_eq!(out, "no problems in 12 SOPs\n");
}

#[test]
fn human_points_at_the_right_line_in_a_large_file() {
    // 20,000 lines before the problem: the snippet still shows line 20,001 and nothing else.
    let mut big = String::new();
    for i in 0..20_000 {
        big.push_str(&format!("Line {i} of filler text.\n"));
    }
    big.push_str("next_review: 2026-02-30\n");
    let finding = Finding::new(
        &REVIEW_DATE_INVALID,
        PAYOUT_PATH,
        Some(span_of(&big, "2026-02-30", 0)),
        "`next_review` is not a real date",
    )
    .label("February 2026 has 28 days");
    let out = render_with(Format::Human, false, &[finding], &big, INCIDENT, &RULES);
    assert!(
        out.contains(&format!("--> {PAYOUT_PATH}:20001:14\n")),
        "{out}"
    );
    assert!(out.contains("20001 | next_review: 2026-02-30\n"), "{out}");
    assert!(!out.contains("filler"), "{out}");
}

#[test]
fn json_is_one_array_with_the_documented_fields() {
    let out = render(Format::Json);
    settings().bind(|| insta::assert_snapshot!("json", out));
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let items = value.as_array().expect("an array");
    assert_eq!(items.len(), 6);
}

#[test]
fn github_writes_one_command_per_finding_errors_first() {
    let out = render(Format::Github);
    settings().bind(|| insta::assert_snapshot!("github", out));
}

/// One parsed workflow command.
#[derive(Debug)]
struct Command_ {
    level: String,
    properties: HashMap<String, String>,
    message: String,
}

/// Parse a workflow command the way the GitHub Actions runner does: `::name props::data`,
/// properties split at `,` then at the first `=`, escapes undone with `%25` last.
fn parse_command(line: &str) -> Option<Command_> {
    let rest = line.strip_prefix("::")?;
    let (head, data) = rest.split_once("::")?;
    let (level, props) = head.split_once(' ').unwrap_or((head, ""));
    let properties = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("property with `=`");
            let v = v
                .replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%");
            (k.to_string(), v)
        })
        .collect();
    let message = data
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%");
    Some(Command_ {
        level: level.to_string(),
        properties,
        message,
    })
}

#[test]
fn github_lines_parse_back_to_the_findings() {
    let out = render(Format::Github);
    let lines: Vec<&str> = out.lines().collect();
    let commands: Vec<Command_> = lines.iter().filter_map(|l| parse_command(l)).collect();
    let mut expected = findings(PAYOUT, INCIDENT);
    // Errors first, each level in the order given.
    expected.sort_by_key(|f| f.severity);
    assert_eq!(commands.len(), expected.len(), "{out}");
    let payout = SourceFile::new(PAYOUT.to_string());
    let incident = SourceFile::new(INCIDENT.to_string());
    for (cmd, f) in commands.iter().zip(&expected) {
        assert_eq!(cmd.level, f.severity.as_str());
        assert_eq!(cmd.properties["file"], f.file);
        assert_eq!(
            cmd.properties["title"],
            format!("{}: {}", f.rule.id, f.rule.summary)
        );
        let mut message = f.message.clone();
        if let Some(label) = &f.label {
            message.push('\n');
            message.push_str(label);
        }
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        assert_eq!(cmd.message, message);
        let source = match f.file.as_str() {
            PAYOUT_PATH => Some(&payout),
            INCIDENT_PATH => Some(&incident),
            _ => None,
        };
        match (f.span, source) {
            (Some(_), Some(source)) => {
                let loc = f.locate(Some(source));
                assert_eq!(cmd.properties["line"], loc.line.to_string());
                assert_eq!(cmd.properties["endLine"], loc.end_line.to_string());
                if loc.line == loc.end_line {
                    assert_eq!(cmd.properties["col"], loc.column.to_string());
                    assert_eq!(cmd.properties["endColumn"], loc.end_column.to_string());
                } else {
                    assert!(!cmd.properties.contains_key("col"), "{cmd:?}");
                    assert!(!cmd.properties.contains_key("endColumn"), "{cmd:?}");
                }
            }
            _ => assert_eq!(cmd.properties["line"], "1"),
        }
    }
    // The data with `%`, `,`, `:` and a line break survived, and no raw line break split a command.
    assert!(
        commands
            .iter()
            .any(|c| c.message.contains("100%, not 99%") && c.message.contains("a%0Ab"))
    );
    assert_eq!(lines.len(), expected.len() + 1, "{out}");
    assert_eq!(
        lines.last(),
        Some(&"sop lint: 5 errors, 1 warning in 3 of 12 SOPs")
    );
}

#[test]
fn github_escapes_colons_and_commas_in_file_names() {
    let name = "sops/a,b/x:y%z.md";
    let finding = Finding::new(&FILE_NOT_TEXT, name, None, "not text");
    let out = render_with(Format::Github, false, &[finding], PAYOUT, INCIDENT, &RULES);
    let first = out.lines().next().expect("one line");
    assert!(
        first.starts_with("::error file=sops/a%2Cb/x%3Ay%25z.md,line=1,title="),
        "{first}"
    );
    let cmd = parse_command(first).expect("a command");
    assert_eq!(cmd.properties["file"], name);
}

#[test]
fn github_summary_says_when_github_hides_annotations() {
    let one = findings(PAYOUT, INCIDENT);
    let many: Vec<Finding> = (0..11).flat_map(|_| one.clone()).collect();
    let out = render_with(Format::Github, false, &many, PAYOUT, INCIDENT, &RULES);
    let last = out.lines().last().expect("a summary line");
    assert!(!last.starts_with("::"), "{last}");
    assert!(
        last.starts_with("sop lint: 55 errors, 11 warnings in 3 of 12 SOPs;"),
        "{last}"
    );
    assert!(last.contains("run `sop lint` locally"), "{last}");
}

#[test]
fn sarif_matches_snapshot() {
    let out = render(Format::Sarif);
    settings().bind(|| insta::assert_snapshot!("sarif", out));
}

#[test]
#[ignore = "needs python3 with jsonschema (pip install jsonschema)"]
fn sarif_validates_against_the_official_schema() {
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let logs = [
        ("full", render(Format::Sarif)),
        (
            "empty",
            render_with(Format::Sarif, false, &[], PAYOUT, INCIDENT, &RULES),
        ),
        // Rules missing from the registry are added to the table.
        (
            "no registry",
            render_with(
                Format::Sarif,
                false,
                &findings(PAYOUT, INCIDENT),
                PAYOUT,
                INCIDENT,
                &[],
            ),
        ),
    ];
    for (name, out) in logs {
        let log = dir.path().join(format!("{name}.sarif"));
        std::fs::write(&log, &out).expect("write the log");
        let result = run_validator(&schema, &log);
        assert!(
            result.status.success(),
            "the {name} SARIF log does not match the schema:\n{}{}\n{out}",
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
    }
}

#[test]
fn sarif_result_points_at_its_rule_by_index() {
    for rules in [&RULES[..], &[]] {
        let out = render_with(
            Format::Sarif,
            false,
            &findings(PAYOUT, INCIDENT),
            PAYOUT,
            INCIDENT,
            rules,
        );
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        let run = &v["runs"][0];
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 6);
        for r in results {
            let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(
                run["tool"]["driver"]["rules"][index]["id"], r["ruleId"],
                "{out}"
            );
        }
    }
}

#[test]
#[ignore = "needs python3 with jsonschema (pip install jsonschema)"]
fn schema_check_rejects_a_log_that_breaks_the_schema() {
    // Keeps the validation test honest: the same check must fail on a bad log.
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("bad.sarif");
    std::fs::write(
        &log,
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "columnKind": "bytes"}]}"#,
    )
    .expect("write the log");
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let result = run_validator(&schema, &log);
    assert!(!result.status.success());
    let report = String::from_utf8_lossy(&result.stdout);
    assert!(report.contains("'name' is a required property"), "{report}");
    assert!(report.contains("columnKind"), "{report}");
}

/// Validate `log` against `schema` with python's `jsonschema` (Draft 4, with format checks), as
/// `../shared/validators/README.md` does. Without python3 or jsonschema the test fails, saying
/// what to install (the tests that call this are ignored unless `--include-ignored`).
fn run_validator(schema: &Path, log: &Path) -> std::process::Output {
    const SCRIPT: &str = "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); \
        V=jsonschema.validators.validator_for(s); \
        e=list(V(s, format_checker=V.FORMAT_CHECKER).iter_errors(json.load(open(sys.argv[2])))); \
        [print('/'.join(map(str,x.absolute_path)), x.message) for x in e]; sys.exit(1 if e else 0)";
    let available = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        available,
        "python3 with `jsonschema` is missing: install it (`pip install jsonschema`) to validate SARIF"
    );
    Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(schema)
        .arg(log)
        .output()
        .expect("python3 ran a moment ago")
}

#[test]
fn sarif_is_deterministic_and_its_fingerprints_survive_moved_lines() {
    let before = render(Format::Sarif);
    assert_eq!(before, render(Format::Sarif));
    // Two lines added at the top of the body move every finding down, and must not change who
    // they are.
    let shifted_payout = PAYOUT.replacen("---\n\n", "---\n\nA new line.\n\n", 1);
    let shifted_incident = INCIDENT.replacen("---\n\n", "---\n\nA new line.\n\n", 1);
    let after = render_with(
        Format::Sarif,
        false,
        &findings(&shifted_payout, &shifted_incident),
        &shifted_payout,
        &shifted_incident,
        &RULES,
    );
    let lines = |log: &str| -> Vec<(u64, String)> {
        let v: serde_json::Value = serde_json::from_str(log).expect("valid JSON");
        v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap_or(0),
                    r["partialFingerprints"]["sopFingerprint/v1"]
                        .as_str()
                        .expect("fingerprint")
                        .to_string(),
                )
            })
            .collect()
    };
    let (before, after) = (lines(&before), lines(&after));
    assert_eq!(before.len(), 6);
    for ((line_before, fp_before), (line_after, fp_after)) in before.iter().zip(&after) {
        assert_eq!(fp_before, fp_after);
        if *line_before > 12 {
            assert_eq!(line_before + 2, *line_after);
        }
    }
    let unique: std::collections::HashSet<&String> = before.iter().map(|(_, fp)| fp).collect();
    assert_eq!(
        unique.len(),
        before.len(),
        "fingerprints must differ: {before:?}"
    );
}

#[test]
fn sarif_counts_repeated_findings_on_the_same_line() {
    let one = Finding::new(
        &PLACEHOLDER_LEFT,
        PAYOUT_PATH,
        Some(span_of(PAYOUT, "TODO", 0)),
        "placeholder",
    );
    let out = render_with(
        Format::Sarif,
        false,
        &[one.clone(), one],
        PAYOUT,
        INCIDENT,
        &RULES,
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let fps: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["sopFingerprint/v1"]
                .as_str()
                .expect("fingerprint")
        })
        .collect();
    assert_eq!(fps.len(), 2);
    assert!(fps[0].ends_with(":0") && fps[1].ends_with(":1"), "{fps:?}");
    assert_eq!(fps[0].split(':').next(), fps[1].split(':').next());
}

#[test]
fn every_writer_renders_ten_thousand_findings_whole() {
    // Speed is measured in BENCHMARKS.md, not asserted here: this checks that every writer
    // keeps every one of a large number of findings.
    let base = findings(PAYOUT, INCIDENT);
    let many: Vec<Finding> = base.iter().cycle().take(10_000).cloned().collect();
    for format in [Format::Json, Format::Github, Format::Sarif, Format::Human] {
        let out = render_with(format, false, &many, PAYOUT, INCIDENT, &RULES);
        let count = match format {
            Format::Json => serde_json::from_str::<serde_json::Value>(&out)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            Format::Sarif => {
                serde_json::from_str::<serde_json::Value>(&out).unwrap()["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .len()
            }
            Format::Github => out
                .lines()
                .filter(|l| l.starts_with("::error") || l.starts_with("::warning"))
                .count(),
            Format::Human => out
                .lines()
                .filter(|l| l.trim_start().starts_with("--> "))
                .count(),
        };
        assert_eq!(count, 10_000, "{format:?}");
    }
}
