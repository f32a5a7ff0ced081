//! Procedure rules: the Procedure section's steps are a numbered list; the RACI matrix in Roles
//! and Responsibilities has exactly one `A` per activity and only R, A, C, I in its cells.

use crate::diag::Finding;
use crate::repo::markdown::{Row, Section, Table};
use crate::repo::{Sop, Span};

use super::registry::*;
use super::{Cx, finding, normalize_heading};

pub(super) fn check(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    // The required sections' indexes in the type, found through the type's lookup (aliases
    // included); without a type, the plain names.
    let lookup = sop
        .sop_type(cx.settings)
        .and_then(|ty| Some((ty, cx.lookups.get(ty.name.as_str())?)));
    let is = |norm: &str, canonical: &str, normalized: &str| match lookup {
        Some((ty, map)) => {
            map.get(norm)
                .and_then(|&i| ty.sections.get(i))
                .is_some_and(|s| s == canonical)
                || norm == normalized
        }
        None => norm == normalized,
    };
    let procedure = normalize_heading("Procedure");
    let roles = normalize_heading("Roles and Responsibilities");
    for section in super::structure::sections_of(cx, sop).iter() {
        let Some(h) = sop.outline().section_heading(section) else {
            continue;
        };
        let norm = normalize_heading(&h.text);
        if is(&norm, "Procedure", &procedure) {
            steps(sop, section, h.span, out);
        } else if is(&norm, "Roles and Responsibilities", &roles) {
            for table in sop
                .outline()
                .tables
                .iter()
                .filter(|t| within(t.span, section.content))
            {
                raci(sop, table, out);
            }
        }
    }
}

fn within(inner: Span, outer: Span) -> bool {
    inner.start >= outer.start && inner.end <= outer.end
}

fn steps(sop: &Sop, section: &Section, heading: Span, out: &mut Vec<Finding>) {
    if !section.has_content {
        return;
    }
    let lists: Vec<_> = sop
        .outline()
        .lists
        .iter()
        .filter(|l| within(l.span, section.content))
        .collect();
    if lists.iter().any(|l| l.ordered) {
        return;
    }
    let (span, label) = match lists.iter().find(|l| l.depth == 0) {
        Some(l) => (
            sop.source.line_span(sop.source.line_col(l.span.start).line),
            "bullet points, not numbered steps",
        ),
        None => (heading, "no numbered list in this section"),
    };
    out.push(
        finding(
            &PROCEDURE_STEPS_UNORDERED,
            sop,
            span,
            "the steps of the procedure are not a numbered list",
        )
        .label(label)
        .help("number the steps: start each with `1. `, `2. `, ... so people can say which step they are at"),
    );
}

/// A RACI matrix: the first header cell is `Activity` (or `Task`).
fn raci(sop: &Sop, table: &Table, out: &mut Vec<Finding>) {
    let first = table
        .header
        .first()
        .map(|c| normalize_heading(sop.slice(c.span)))
        .unwrap_or_default();
    if !matches!(first.as_str(), "activity" | "activities" | "task" | "tasks") {
        return;
    }
    let roles: Vec<String> = table
        .header
        .iter()
        .skip(1)
        .map(|c| sop.slice(c.span).trim().to_string())
        .collect();
    for row in &table.rows {
        row_check(sop, row, &roles, out);
    }
}

fn row_check(sop: &Sop, row: &Row, roles: &[String], out: &mut Vec<Finding>) {
    let activity = row
        .cells
        .first()
        .map(|c| sop.slice(c.span).trim().to_string())
        .unwrap_or_default();
    let mut accountable = Vec::new();
    for (i, cell) in row.cells.iter().enumerate().skip(1) {
        let raw = sop.slice(cell.span).trim();
        let text = raw.trim_matches(['*', '_', '`']);
        if text.is_empty() || matches!(text, "-" | "–" | "—") {
            continue;
        }
        let letters: Vec<&str> = text
            .split(['/', ',', '+', '&', ' '])
            .filter(|t| !t.is_empty())
            .collect();
        if letters
            .iter()
            .any(|t| !matches!(t.to_ascii_uppercase().as_str(), "R" | "A" | "C" | "I"))
        {
            out.push(
                finding(
                    &RACI_CELL_INVALID,
                    sop,
                    cell.span,
                    format!("`{raw}` is not one of R, A, C or I"),
                )
                .label("not a RACI letter")
                .help("write R (does the work), A (accountable), C (consulted) or I (informed), or leave the cell empty"),
            );
            continue;
        }
        if letters.iter().any(|t| t.eq_ignore_ascii_case("A")) {
            let role = roles
                .get(i - 1)
                .cloned()
                .unwrap_or_else(|| format!("column {}", i + 1));
            accountable.push(role);
        }
    }
    if accountable.len() == 1 {
        return;
    }
    let message = if accountable.is_empty() {
        format!("nobody is accountable for `{activity}`: the row has no `A`")
    } else {
        format!(
            "`{activity}` has {} roles marked `A` ({}); exactly one must be accountable",
            accountable.len(),
            accountable.join(", ")
        )
    };
    let span = sop
        .source
        .line_span(sop.source.line_col(row.span.start).line);
    out.push(
        finding(&RACI_ACCOUNTABLE_COUNT, sop, span, message)
            .label(if accountable.is_empty() { "no A in this row" } else { "more than one A" })
            .help("mark exactly one role with `A`: the one who answers for the result; others do (R), are asked (C) or told (I)"),
    );
}
