//! `--summary-out`: a Markdown job summary of a lint run, for `$GITHUB_STEP_SUMMARY`.
//!
//! GitHub shows at most 10 annotations of each level per step, so on a pull request with 250
//! warnings the annotations alone hide 240. The summary keeps the whole picture on the run's
//! page: the totals, the count of findings by rule, the first [`MAX_ROWS`] findings as a table
//! (errors first, then warnings, as the annotations) and a line saying how many more there are.
//!
//! Text from SOPs and messages is escaped for a GitHub-flavoured Markdown table cell: `|` and
//! line breaks would end the cell or the row, and outside code spans `<`, `>`, `&` would be read
//! as HTML (template prompts such as `<describe the trigger>` are common in drafts). Knows
//! nothing of rules or SOPs beyond [`Finding`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::finding::{Finding, Severity};
use super::report::Report;

/// How many findings the table lists; the rest are counted in one line.
pub const MAX_ROWS: usize = 50;

/// Write the Markdown summary of `report`.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(to_markdown(report).as_bytes())
}

/// The Markdown summary of `report`, ending with a line break.
pub fn to_markdown(report: &Report<'_>) -> String {
    let summary = report.summary();
    let mut md = String::with_capacity(8 * 1024);
    // Writing to a String cannot fail.
    let _ = writeln!(md, "## sop lint\n");
    let _ = writeln!(md, "**{summary}**");
    if report.findings.is_empty() {
        return md;
    }

    // Counts by rule, most frequent first; a rule whose severity `sop.toml` changed for some
    // files only would have both, so severity is part of the key.
    let mut by_rule: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for f in report.findings {
        *by_rule.entry((f.rule.id, f.severity)).or_default() += 1;
    }
    let mut counts: Vec<((&str, Severity), usize)> = by_rule.into_iter().collect();
    counts.sort_by(|((rule_a, sev_a), n_a), ((rule_b, sev_b), n_b)| {
        sev_a.cmp(sev_b).then(n_b.cmp(n_a)).then(rule_a.cmp(rule_b))
    });
    let _ = writeln!(md, "\n| rule | severity | findings |\n| --- | --- | ---: |");
    for ((rule, severity), n) in &counts {
        let _ = writeln!(md, "| `{rule}` | {} | {n} |", severity.as_str());
    }

    let shown: Vec<&Finding> = [Severity::Error, Severity::Warning]
        .into_iter()
        .flat_map(|s| report.findings.iter().filter(move |f| f.severity == s))
        .take(MAX_ROWS)
        .collect();
    let _ = writeln!(
        md,
        "\n| severity | file | line | rule | message |\n| --- | --- | ---: | --- | --- |"
    );
    for f in &shown {
        let loc = f.locate(report.sources.get(f.file.as_str()).copied());
        let _ = write!(md, "| {} | ", f.severity.as_str());
        cell(&format!("{}{}", report.root, f.file), &mut md);
        let _ = write!(md, " | {} | `{}` | ", loc.line, f.rule.id);
        cell(&f.message, &mut md);
        if let Some(help) = &f.help {
            md.push_str("<br>help: ");
            cell(help, &mut md);
        }
        md.push_str(" |\n");
    }
    let more = report.findings.len() - shown.len();
    if more > 0 {
        let _ = writeln!(
            md,
            "\n…and {}: run `sop lint` locally, or `sop lint --format json`, to see \
             every finding.",
            crate::words::count_with(more, "more finding", "more findings")
        );
    }
    md
}

/// Append `text` escaped for a Markdown table cell. Inside a code span (`` `...` ``) `<`, `>`
/// and `&` are shown as typed, so they are kept; outside one they are written as entities. A
/// text with an odd number of backticks has no code spans, so everything is escaped.
fn cell(text: &str, out: &mut String) {
    let spans = text.matches('`').count().is_multiple_of(2);
    let mut code = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' if spans => {
                code = !code;
                out.push(c);
            }
            // GitHub splits table cells at `|` even inside code spans; `\|` is a literal one.
            '|' => out.push_str("\\|"),
            '<' if !code => out.push_str("&lt;"),
            '>' if !code => out.push_str("&gt;"),
            '&' if !code => out.push_str("&amp;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::finding::{Family, RuleMeta, Sources};
    use crate::repo::{SourceFile, Span};

    static DATE: RuleMeta = RuleMeta {
        id: "review-date-invalid",
        family: Family::Lifecycle,
        severity: Severity::Error,
        summary: "a review date is not a real date",
        explanation: "",
        fixable: false,
    };
    static PROMPT: RuleMeta = RuleMeta {
        id: "placeholder-left",
        family: Family::Content,
        severity: Severity::Warning,
        summary: "a template prompt is left",
        explanation: "",
        fixable: false,
    };

    fn markdown(findings: &[Finding], source: &SourceFile) -> String {
        let mut sources = Sources::new();
        sources.insert("sops/a.md", source);
        let report = Report {
            findings,
            sources: &sources,
            rules: &[],
            checked: 3,
            root: "",
        };
        to_markdown(&report)
    }

    #[test]
    fn summary_counts_by_rule_and_lists_errors_before_warnings() {
        let text = "---\nnext_review: 2026-02-30\n---\n\n## Trigger\n\n<describe | the trigger>\n";
        let source = SourceFile::new(text.to_string());
        let at = text.find("2026").unwrap_or(0);
        let prompt = text.find('<').unwrap_or(0);
        let findings = vec![
            Finding::new(
                &PROMPT,
                "sops/a.md",
                Some(Span::new(prompt, prompt + 24)),
                "the template prompt `<describe | the trigger>` is still here",
            )
            .help("replace it with the text it asks for\nthen run `sop lint` again"),
            Finding::new(
                &DATE,
                "sops/a.md",
                Some(Span::new(at, at + 10)),
                "`next_review` is not a real date",
            )
            .help("write the date as YYYY-MM-DD & check it"),
            Finding::new(&PROMPT, "sops/b.md", None, "a prompt is left"),
        ];
        insta::assert_snapshot!(markdown(&findings, &source));
    }

    #[test]
    fn summary_lists_fifty_findings_and_counts_the_rest() {
        let source = SourceFile::new("x\n".to_string());
        let findings: Vec<Finding> = (0..MAX_ROWS + 7)
            .map(|i| Finding::new(&PROMPT, format!("sops/{i:03}.md"), None, "a prompt is left"))
            .collect();
        let md = markdown(&findings, &source);
        assert_eq!(md.matches("| warning | sops/").count(), MAX_ROWS);
        assert!(md.contains("| `placeholder-left` | warning | 57 |"), "{md}");
        assert!(md.contains("…and 7 more findings:"), "{md}");
        assert!(!md.contains("sops/050.md"), "{md}");
    }

    #[test]
    fn summary_without_findings_is_one_line() {
        let source = SourceFile::new("x\n".to_string());
        assert_eq!(
            markdown(&[], &source),
            "## sop lint\n\n**no problems in 3 SOPs**\n"
        );
    }

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        cell(text, &mut out);
        out
    }

    #[test]
    fn cell_escapes_table_and_html_characters() {
        assert_eq!(
            escaped("a|b <c> & d\r\ne\nf"),
            "a\\|b &lt;c&gt; &amp; d e f"
        );
    }

    #[test]
    fn cell_keeps_html_characters_in_code_spans() {
        assert_eq!(
            escaped("prompt `<a|b>` & <c>"),
            "prompt `<a\\|b>` &amp; &lt;c&gt;"
        );
        // An unclosed backtick starts no code span.
        assert_eq!(escaped("a ` <b>"), "a ` &lt;b&gt;");
    }
}
