//! Code actions: each finding's machine edit (the same edits `sop lint --fix` applies or
//! suggests), "disable this rule" through the `sop-disable` comments lint honours, and every
//! safe fix of the file at once.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, TextEdit,
    WorkspaceEdit,
};

use super::View;
use super::diagnostics::{finding_span, to_diagnostic};
use crate::diag::{Edit, Finding};
use crate::lint;
use crate::repo::Span;

/// The actions for the findings that touch the range asked about, and the file's fix-all.
pub(crate) fn actions(view: &View<'_>, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let wanted = view.lines.span(view.text(), p.range, view.enc);
    let mut out: Vec<CodeAction> = Vec::new();
    for f in view.findings {
        let span = finding_span(view, f);
        let diagnostic = to_diagnostic(view, f);
        // The findings under the cursor or selection, and those the editor names (Neovim names
        // every problem on the cursor's line).
        let named = p
            .context
            .diagnostics
            .iter()
            .any(|d| d.range == diagnostic.range && d.code == diagnostic.code);
        if !named && (span.start > wanted.end || wanted.start > span.end) {
            continue;
        }
        if let Some(fix) = f.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
            let title = if fix.is_safe() {
                format!("Fix: {}", fix.description)
            } else {
                crate::words::capitalize(&fix.description)
            };
            out.push(action(
                view,
                title,
                CodeActionKind::QUICKFIX,
                &fix.edits,
                Some(diagnostic.clone()),
                fix.is_safe(),
            ));
        }
        if let Some(disable) = disable(view, f, diagnostic) {
            out.push(disable);
        }
    }
    if let Some(all) = fix_all(view) {
        out.push(all);
    }
    if let Some(only) = &p.context.only {
        out.retain(|a| {
            a.kind.as_ref().is_some_and(|kind| {
                only.iter().any(|o| {
                    kind.as_str() == o.as_str()
                        || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                })
            })
        });
    }
    out.into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// A code action that makes `edits` in the document.
fn action(
    view: &View<'_>,
    title: String,
    kind: CodeActionKind,
    edits: &[Edit],
    diagnostic: Option<Diagnostic>,
    preferred: bool,
) -> CodeAction {
    let edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit::new(view.range(e.span), e.replacement.clone()))
        .collect();
    CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(view.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }
}

/// "Disable this rule": a `sop-disable-next-line` comment above the finding's line (or the
/// rule added to the one already there); for the front matter, where a Markdown comment
/// cannot go, and for a table row, which a comment would cut in two, a `sop-disable` comment
/// for the whole file at the top of the body.
fn disable(view: &View<'_>, f: &Finding, diagnostic: Diagnostic) -> Option<CodeAction> {
    let sop = view.sop;
    let text = view.text();
    let rule = f.rule.id;
    let span = finding_span(view, f);
    let line = view.lines.line_of(span.start);
    let line_text = view.lines.line(line, text);
    let in_front_matter = f.span.is_none() || span.start < sop.split.body.start;
    let directives = lint::directives(sop);
    let (title, edit) = if !in_front_matter && !line_text.trim_start().starts_with('|') {
        let above = directives.iter().find(|d| {
            d.next_line && !d.ids.is_empty() && view.lines.line_of(d.comment.end) + 1 == line
        });
        let edit = match above {
            Some(d) => add_rule(d, rule)?,
            None => {
                let indent: String = line_text
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                Edit {
                    span: Span::empty(view.lines.line_start(line, text)),
                    replacement: format!("{indent}<!-- sop-disable-next-line {rule} -->\n"),
                }
            }
        };
        (format!("Disable `{rule}` for this line"), edit)
    } else {
        let file_wide = directives
            .iter()
            .find(|d| !d.next_line && !d.ids.is_empty());
        let edit = match file_wide {
            Some(d) => add_rule(d, rule)?,
            None => {
                let at = sop.split.body.start.min(text.len());
                let newline = if at > 0 && !text[..at].ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                Edit {
                    span: Span::empty(at),
                    replacement: format!("{newline}<!-- sop-disable {rule} -->\n"),
                }
            }
        };
        (format!("Disable `{rule}` for this whole file"), edit)
    };
    Some(action(
        view,
        title,
        CodeActionKind::QUICKFIX,
        &[edit],
        Some(diagnostic),
        false,
    ))
}

/// The edit that adds `rule` to the ids of a disable comment; `None` when it is there already.
fn add_rule(d: &lint::Directive, rule: &str) -> Option<Edit> {
    if d.ids.iter().any(|(id, _)| id == rule) {
        return None;
    }
    let (_, last) = d.ids.last()?;
    Some(Edit {
        span: Span::empty(last.end),
        replacement: format!(" {rule}"),
    })
}

/// Every safe fix of the file at once, as `sop lint --fix` applies them.
fn fix_all(view: &View<'_>) -> Option<CodeAction> {
    let safe = view
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.is_safe()))
        .count();
    if safe == 0 {
        return None;
    }
    let text = view.text();
    let fixed = lint::apply_fixes(text, view.findings);
    if fixed.applied.is_empty() {
        return None;
    }
    let edit = Edit {
        span: Span::new(0, text.len()),
        replacement: fixed.text,
    };
    Some(action(
        view,
        "Apply every safe fix in this file (as `sop lint --fix` does)".into(),
        CodeActionKind::SOURCE_FIX_ALL,
        &[edit],
        None,
        false,
    ))
}
