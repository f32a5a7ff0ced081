//! `sop lint --fix`: apply the safe machine edits of a file's findings to its text.
//!
//! Only fixes that lint marked [`Applicability::Safe`] are applied: those cannot change what the
//! SOP says. Suggestions (renamed keys and headings, changed values) are never applied here. Two
//! fixes whose edits overlap are never both applied (the later one waits for the next run).
//! Writing the file is the command's job.

use crate::diag::{Applicability, Edit, Finding};

/// The result of [`apply_fixes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    /// The new text.
    pub text: String,
    /// What was changed: the byte offset in the old text and the fix's description.
    pub applied: Vec<(usize, String)>,
}

/// Apply the safe fixes of `findings` (those for one file) to `text`; suggestions are left out.
pub fn apply_fixes<'f>(text: &str, findings: impl IntoIterator<Item = &'f Finding>) -> FixOutcome {
    let mut fixes: Vec<(&str, Vec<&Edit>)> = findings
        .into_iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|fix| fix.applicability == Applicability::Safe && !fix.edits.is_empty())
        .map(|fix| (fix.description.as_str(), fix.edits.iter().collect()))
        .collect();
    fixes.sort_by_key(|(_, edits)| edits.iter().map(|e| e.span.start).min().unwrap_or(0));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    for (description, edits) in fixes {
        let valid = edits.iter().all(|e| {
            e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
                && !taken.iter().any(|t| overlaps(t, e))
        });
        if !valid {
            continue;
        }
        let at = edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        taken.extend(edits);
        applied.push((at, description.to_string()));
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for e in taken {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    FixOutcome { text: out, applied }
}

/// Whether two edits touch the same bytes (two insertions at the same point count too).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    if a.span.is_empty() || b.span.is_empty() {
        return a.span.start <= b.span.end && b.span.start <= a.span.end;
    }
    a.span.start < b.span.end && b.span.start < a.span.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Fix;
    use crate::lint::registry;
    use crate::repo::Span;

    fn with_fix(start: usize, end: usize, with: &str) -> Finding {
        Finding::new(
            &registry::STATUS_INVALID,
            "a.md",
            Some(Span::new(start, end)),
            "m",
        )
        .fix(Fix::safe(
            format!("put `{with}`"),
            vec![Edit {
                span: Span::new(start, end),
                replacement: with.into(),
            }],
        ))
    }

    #[test]
    fn applies_edits_in_order_and_skips_overlaps() {
        let text = "status: Draft\nkey: x";
        let fs = [
            with_fix(14, 17, "id"),
            with_fix(8, 13, "draft"),
            with_fix(9, 12, "zzz"),
            with_fix(20, 20, "\n"),
        ];
        let out = apply_fixes(text, &fs);
        assert_eq!(out.text, "status: draft\nid: x\n");
        assert_eq!(out.applied.len(), 3);
    }

    #[test]
    fn suggestions_are_never_applied() {
        let mut f = with_fix(8, 13, "draft");
        if let Some(fix) = f.fix.as_mut() {
            fix.applicability = Applicability::Suggestion;
        }
        let out = apply_fixes("status: Draft\n", [&f]);
        assert_eq!(out.text, "status: Draft\n");
        assert!(out.applied.is_empty());
    }
}
