//! `--format github`.

use std::io::{self, Write};

use super::report::Report;

/// Write the report.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in report.findings {
        writeln!(out, "{}: {}: {}", f.severity.as_str(), f.file, f.message)?;
    }
    Ok(())
}
