//! `--format github`: GitHub Actions workflow commands that become annotations on a pull request.
//!
//! One line per finding, errors first, then warnings:
//!
//! ```text
//! ::error file=sops/a.md,line=9,col=14,endLine=9,endColumn=24,title=review-date-invalid%3A …::`next_review` is not a real date%0Ahelp: …
//! ```
//!
//! The runner splits a command at `::`, its properties at `,` and each property at its first
//! `=`, then undoes the escapes of actions/toolkit's `command.ts`: in the message (data) `%`,
//! CR and LF are escaped; in property values also `:` and `,`. `%` goes first so the other
//! escapes are not escaped twice. `col` and `endColumn` are given only for one-line spans:
//! GitHub ignores or misplaces them otherwise.
//!
//! GitHub shows at most 10 annotations of each level per step, so a plain summary line (not a
//! workflow command, so it stays in the log) ends the output with the totals.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use super::finding::{Finding, Severity};
use super::report::Report;

/// How many annotations of one level GitHub shows for a step.
const SHOWN_PER_LEVEL: usize = 10;

/// Write the report as workflow commands.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let mut line = String::with_capacity(256);
    for severity in [Severity::Error, Severity::Warning] {
        for finding in report.findings.iter().filter(|f| f.severity == severity) {
            line.clear();
            command(report, finding, &mut line);
            out.write_all(line.as_bytes())?;
        }
    }
    let summary = report.summary();
    write!(out, "sop lint: {summary}")?;
    if summary.errors > SHOWN_PER_LEVEL || summary.warnings > SHOWN_PER_LEVEL {
        write!(
            out,
            "; GitHub shows only the first {SHOWN_PER_LEVEL} errors and {SHOWN_PER_LEVEL} warnings \
             as annotations, run `sop lint` locally to see all of them"
        )?;
    }
    writeln!(out)?;
    out.flush()
}

/// Append the workflow command for `finding` to `line`, with its line ending.
fn command(report: &Report<'_>, finding: &Finding, line: &mut String) {
    let source = report.sources.get(finding.file.as_str()).copied();
    line.push_str("::");
    line.push_str(finding.severity.as_str());
    line.push_str(" file=");
    escape_property(report.root, line);
    escape_property(&finding.file, line);
    match (finding.span, source) {
        (Some(_), Some(_)) => {
            let loc = finding.locate(source);
            // Writing to a String cannot fail.
            let _ = write!(line, ",line={}", loc.line);
            if loc.line == loc.end_line {
                let _ = write!(line, ",col={}", loc.column);
            }
            let _ = write!(line, ",endLine={}", loc.end_line);
            if loc.line == loc.end_line {
                let _ = write!(line, ",endColumn={}", loc.end_column);
            }
        }
        // The file as a whole: line 1 keeps the annotation on the file in the diff view.
        _ => line.push_str(",line=1"),
    }
    line.push_str(",title=");
    escape_property(finding.rule.id, line);
    escape_property(": ", line);
    escape_property(finding.rule.summary, line);
    line.push_str("::");
    escape_data(&finding.message, line);
    if let Some(label) = &finding.label {
        escape_data("\n", line);
        escape_data(label, line);
    }
    if let Some(help) = &finding.help {
        escape_data("\nhelp: ", line);
        escape_data(help, line);
    }
    line.push('\n');
}

/// Append `text` escaped as a workflow command's message.
fn escape_data(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
}

/// Append `text` escaped as a workflow command's property value.
fn escape_property(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> String {
        let mut out = String::new();
        escape_data(text, &mut out);
        out
    }

    fn property(text: &str) -> String {
        let mut out = String::new();
        escape_property(text, &mut out);
        out
    }

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        // An already escaped-looking text must come back as typed, not as a line break.
        assert_eq!(data("%0A"), "%250A");
        assert_eq!(data("a: b, c"), "a: b, c");
    }

    #[test]
    fn property_also_escapes_colon_and_comma() {
        assert_eq!(property("sops/a,b: c%.md\n"), "sops/a%2Cb%3A c%25.md%0A");
        assert_eq!(property("Größe = ok"), "Größe = ok");
    }

    /// What the runner does: `%25` last, so `%250A` comes back as `%0A`.
    fn unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    proptest::proptest! {
        #[test]
        fn escapes_round_trip_through_the_runner(text in "([%:,\r\nA0aé=]|%0A|%25|%3A){0,40}") {
            let p = property(&text);
            proptest::prop_assert!(!p.contains([',', ':', '\r', '\n']));
            proptest::prop_assert_eq!(unescape(&p), text.clone());
            let d = data(&text);
            proptest::prop_assert!(!d.contains(['\r', '\n']));
            proptest::prop_assert_eq!(unescape(&d), text);
        }
    }
}
