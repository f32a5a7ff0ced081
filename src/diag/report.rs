//! A lint report and the choice of output format: one entry point for every writer.

use std::io::{self, Write};

use super::finding::{Finding, RuleMeta, Sources};

/// Everything a writer needs.
pub struct Report<'a> {
    /// The findings, sorted by file, line, column, rule.
    pub findings: &'a [Finding],
    /// The text of every file a finding may point into.
    pub sources: &'a Sources<'a>,
    /// Every rule in the registry (SARIF lists them).
    pub rules: &'a [&'static RuleMeta],
    /// How many SOP files were checked (for the summary line).
    pub checked: usize,
}

/// The output formats of `sop lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style messages for people, with the source line and a caret
    Human,
    /// One JSON array of findings
    Json,
    /// GitHub Actions workflow commands (annotations on pull requests)
    Github,
    /// SARIF 2.1.0 for code scanning
    Sarif,
}

/// Write `report` in `format`; `color` only affects `human`.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(
    format: Format,
    report: &Report<'_>,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => super::human::write(report, color, out),
        Format::Json => super::json::write(report, out),
        Format::Github => super::github::write(report, out),
        Format::Sarif => super::sarif::write(report, out),
    }
}
