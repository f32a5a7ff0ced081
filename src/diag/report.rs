//! A lint report and the choice of output format: one entry point for every writer.

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};

use super::finding::{Finding, RuleMeta, Severity, Sources};
use crate::words::plural;

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
    /// The SOP repository's folder in the git repository (`ops/`), put before each path in
    /// annotations, SARIF and the job summary, which GitHub reads from the git repository's
    /// root; empty when they are the same folder (or outside git).
    pub root: &'a str,
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

/// Write `report` in `format`; `human` only affects `--format human` (the machine formats
/// always hold every finding).
///
/// # Errors
/// When `out` cannot be written.
pub fn write(
    format: Format,
    report: &Report<'_>,
    human: super::human::HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => super::human::write(report, human, out),
        Format::Json => super::json::write(report, out),
        Format::Github => super::github::write(report, out),
        Format::Sarif => super::sarif::write(report, out),
    }
}

impl Report<'_> {
    /// The counts behind the summary line that ends `human` and `github` output.
    pub fn summary(&self) -> Summary {
        let mut errors = 0;
        let mut warnings = 0;
        let mut files = HashSet::new();
        for finding in self.findings {
            match finding.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            files.insert(finding.file.as_str());
        }
        Summary {
            errors,
            warnings,
            files: files.len(),
            checked: self.checked,
        }
    }
}

/// How many findings of each severity a report holds, in how many files.
///
/// Its `Display` is the summary line: `2 errors, 5 warnings in 3 of 120 SOPs`, or
/// `no problems in 120 SOPs` when there is nothing to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Findings with severity error.
    pub errors: usize,
    /// Findings with severity warning.
    pub warnings: usize,
    /// Distinct files with at least one finding.
    pub files: usize,
    /// SOP files checked.
    pub checked: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sops = plural(self.checked, "SOP", "SOPs");
        if self.errors == 0 && self.warnings == 0 {
            return write!(f, "no problems in {} {sops}", self.checked);
        }
        match (self.errors, self.warnings) {
            (e, 0) => write!(f, "{e} {}", plural(e, "error", "errors"))?,
            (0, w) => write!(f, "{w} {}", plural(w, "warning", "warnings"))?,
            (e, w) => write!(
                f,
                "{e} {}, {w} {}",
                plural(e, "error", "errors"),
                plural(w, "warning", "warnings")
            )?,
        }
        // Findings can point at files that are not SOPs (`sop.toml`): then "3 of 2 SOPs" would
        // read as a bug, so name the files alone.
        if self.files <= self.checked {
            write!(f, " in {} of {} {sops}", self.files, self.checked)
        } else {
            write!(
                f,
                " in {} {}",
                self.files,
                plural(self.files, "file", "files")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(errors: usize, warnings: usize, files: usize, checked: usize) -> String {
        Summary {
            errors,
            warnings,
            files,
            checked,
        }
        .to_string()
    }

    #[test]
    fn summary_counts_both_severities_with_plurals() {
        assert_eq!(
            summary(2, 5, 3, 120),
            "2 errors, 5 warnings in 3 of 120 SOPs"
        );
        assert_eq!(summary(1, 1, 1, 1), "1 error, 1 warning in 1 of 1 SOP");
        assert_eq!(summary(1, 0, 1, 7), "1 error in 1 of 7 SOPs");
        assert_eq!(summary(0, 3, 2, 7), "3 warnings in 2 of 7 SOPs");
    }

    #[test]
    fn summary_without_findings_says_no_problems() {
        assert_eq!(summary(0, 0, 0, 120), "no problems in 120 SOPs");
        assert_eq!(summary(0, 0, 0, 1), "no problems in 1 SOP");
        assert_eq!(summary(0, 0, 0, 0), "no problems in 0 SOPs");
    }

    #[test]
    fn summary_names_files_when_more_files_than_sops() {
        assert_eq!(summary(1, 0, 2, 1), "1 error in 2 files");
    }
}
