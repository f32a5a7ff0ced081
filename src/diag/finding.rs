//! The finding: one problem in one file, with its rule, severity, span, message and advice.
//!
//! Findings are data, not errors: lint collects them all and a writer formats them. Spans are
//! byte ranges into the file; [`Finding::locate`] turns them into 1-based lines and columns
//! (counted in characters) through the file's [`SourceFile`].

use std::collections::HashMap;

use serde::Serialize;

use crate::repo::{SourceFile, Span};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the check (exit 1).
    Error,
    /// Reported; fails only with `--deny-warnings`.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The family a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// The file itself (binary, not UTF-8, unreadable, ...).
    File,
    /// Front matter keys and values.
    FrontMatter,
    /// Sections and headings.
    Structure,
    /// Text, links and images.
    Content,
    /// Steps and roles.
    Procedure,
    /// Review dates, approval, retirement.
    Lifecycle,
    /// Translations.
    Translation,
    /// Checks against a base revision (`--base`).
    PullRequest,
}

impl Family {
    /// The family's kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::File => "file",
            Family::FrontMatter => "front-matter",
            Family::Structure => "structure",
            Family::Content => "content",
            Family::Procedure => "procedure",
            Family::Lifecycle => "lifecycle",
            Family::Translation => "translation",
            Family::PullRequest => "pull-request",
        }
    }
}

/// What a rule is: its stable id and its documentation.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    /// Stable kebab-case id naming the problem (`review-overdue`). Never renamed or reused.
    pub id: &'static str,
    /// Family.
    pub family: Family,
    /// Severity unless `sop.toml` changes it.
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown: *What it checks*, *Why it matters*, *Example*, *How to fix*.
    pub explanation: &'static str,
    /// Whether `sop lint --fix` can repair some of its findings (with a safe fix; rules that
    /// only suggest edits are not fixable).
    pub fixable: bool,
}

/// A machine edit: replace the bytes of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// What to replace (byte range into the file).
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// Whether `sop lint --fix` may apply a [`Fix`] (after rustc's `MachineApplicable` and
/// `MaybeIncorrect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change what the SOP says (a line break at the end of the file, whitespace):
    /// `--fix` applies it.
    Safe,
    /// Changes a key, a heading, a value or words: the writer decides. Shown with the finding,
    /// never applied by `--fix`.
    Suggestion,
}

/// A machine edit for one finding: applied by `--fix` when [`Applicability::Safe`], else only
/// suggested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, for the report: past tense for a safe fix (`added a line break at
    /// the end of the file`), an instruction for a suggestion (`rename the key to `owner``).
    pub description: String,
    /// The edits, non-overlapping.
    pub edits: Vec<Edit>,
    /// Whether `--fix` applies it.
    pub applicability: Applicability,
}

impl Fix {
    /// A fix that cannot change what the SOP says: `--fix` applies it.
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    /// A change for the writer to make: shown, never applied by `--fix`.
    pub fn suggestion(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            edits,
            applicability: Applicability::Suggestion,
        }
    }

    /// Whether `--fix` applies it.
    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// One problem in one file.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that found it.
    pub rule: &'static RuleMeta,
    /// The severity in effect (after `sop.toml`).
    pub severity: Severity,
    /// File path relative to the repository root, `/`-separated.
    pub file: String,
    /// Where in the file; `None` for the file as a whole.
    pub span: Option<Span>,
    /// What is wrong, in plain words.
    pub message: String,
    /// A short text shown under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The machine edit: applied by `--fix` when safe, else a suggestion.
    pub fix: Option<Fix>,
    /// Where it comes among the findings of its rule at the same place: the missing sections
    /// of a type, in the type's order, point at the same heading. 0 unless a rule sets it.
    pub order: u32,
}

/// A finding's position as lines and columns: 1-based, columns in characters, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column just after the span on the last line.
    pub end_column: usize,
}

impl Location {
    /// The lines and columns of `span` in `source`.
    pub fn of(span: Span, source: &SourceFile) -> Location {
        let start = source.line_col(span.start);
        let end = source.line_col(span.end);
        Location {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column.max(if end.line == start.line {
                start.column
            } else {
                1
            }),
        }
    }
}

/// The files findings point into, by relative path.
pub type Sources<'a> = HashMap<&'a str, &'a SourceFile>;

impl Finding {
    /// A finding of `rule` at its default severity.
    pub fn new(
        rule: &'static RuleMeta,
        file: impl Into<String>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            file: file.into(),
            span,
            message: message.into(),
            label: None,
            help: None,
            fix: None,
            order: 0,
        }
    }

    /// With a label under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Finding {
        self.label = Some(label.into());
        self
    }

    /// With advice.
    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// With its place among the findings of its rule at the same place.
    pub fn order(mut self, order: u32) -> Finding {
        self.order = order;
        self
    }

    /// With a machine edit (safe or suggested).
    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    /// Lines and columns of the span in `source` (line 1, column 1 when there is no span or
    /// no source).
    pub fn locate(&self, source: Option<&SourceFile>) -> Location {
        match (self.span, source) {
            (Some(span), Some(src)) => Location::of(span, src),
            _ => Location {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
        }
    }
}
