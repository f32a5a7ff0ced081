//! `--format json`: one JSON array of findings, sorted by file, line, column, rule.
//!
//! Each object has exactly the fields `rule`, `severity` (`error` or `warning`), `file` (relative
//! to the repository root, `/`-separated), `line`, `column`, `end_line`, `end_column` (1-based;
//! columns count characters; the end column is just after the span), `message` and `help`
//! (`null` when there is no advice). A finding with a machine edit also has `fix`:
//! `description`, `applicability` (`safe`: `sop lint --fix` applies it; `suggestion`: never
//! applied, the writer decides) and `edits`, each with its `line`, `column`, `end_line`,
//! `end_column` and `replacement`.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::finding::{Applicability, Fix, Location};
use super::report::Report;
use crate::repo::SourceFile;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    at: Location,
    replacement: &'a str,
}

fn json_fix<'a>(fix: &'a Fix, source: Option<&SourceFile>) -> Option<JsonFix<'a>> {
    let source = source?;
    Some(JsonFix {
        description: &fix.description,
        applicability: fix.applicability,
        edits: fix
            .edits
            .iter()
            .map(|e| JsonEdit {
                at: Location::of(e.span, source),
                replacement: &e.replacement,
            })
            .collect(),
    })
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
            let source = report.sources.get(f.file.as_str()).copied();
            let loc = f.locate(source);
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
                fix: f.fix.as_ref().and_then(|fix| json_fix(fix, source)),
            }
        })
        .collect();
    // Pretty JSON is one small write per line: buffer them, stdout is line-buffered.
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, &items)?;
    writeln!(out)?;
    out.flush()
}
