//! `--format json`: one JSON array of findings, sorted by file, line, column, rule.
//!
//! Each object has exactly the fields `rule`, `severity` (`error` or `warning`), `file` (relative
//! to the repository root, `/`-separated), `line`, `column`, `end_line`, `end_column` (1-based;
//! columns count characters; the end column is just after the span), `message` and `help`
//! (`null` when there is no advice).

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::report::Report;

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
}

/// Write the findings as a JSON array.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<JsonFinding<'_>> = report
        .findings
        .iter()
        .map(|f| {
            let loc = f.locate(report.sources.get(f.file.as_str()).copied());
            JsonFinding {
                rule: f.rule.id,
                severity: f.severity.as_str(),
                file: &f.file,
                line: loc.line,
                column: loc.column,
                end_line: loc.end_line,
                end_column: loc.end_column,
                message: &f.message,
                help: f.help.as_deref(),
            }
        })
        .collect();
    // Pretty JSON is one small write per line: buffer them, stdout is line-buffered.
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, &items)?;
    writeln!(out)?;
    out.flush()
}
