//! Findings as the editor's diagnostics: the rule id as the code, the message with its advice,
//! the span as a range in the editor's column units.

use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Range};

use super::View;
use crate::diag::{Finding, Severity};
use crate::repo::Span;

/// The diagnostic of `f` in the document of `view`.
pub(crate) fn to_diagnostic(view: &View<'_>, f: &Finding) -> Diagnostic {
    let mut message = f.message.clone();
    if let Some(label) = f.label.as_deref().filter(|l| !l.is_empty()) {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range: finding_range(view, f),
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(f.rule.id.to_string())),
        source: Some("sop".into()),
        message,
        ..Diagnostic::default()
    }
}

/// Where `f` is; a finding about the whole file points at its first line.
pub(crate) fn finding_range(view: &View<'_>, f: &Finding) -> Range {
    view.range(finding_span(view, f))
}

/// The bytes `f` is about; the first line for a finding about the whole file.
pub(crate) fn finding_span(view: &View<'_>, f: &Finding) -> Span {
    match f.span {
        Some(span) => span,
        None => Span::new(0, view.lines.line_end(0, view.text())),
    }
}
