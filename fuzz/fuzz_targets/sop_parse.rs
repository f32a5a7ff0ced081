//! Load one SOP file from arbitrary bytes, the way `sop` reads a file from disk: decode it, parse
//! front matter and body, read the outline and the typed metadata. It must never panic, and
//! every span it reports must select text of the file (in bounds, on character boundaries).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sop::repo::sop::Sop;
use sop::repo::source::Span;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = sop::repo::decode(data.to_vec()) else {
        return;
    };
    let sop = Sop::parse("sops/ops/SOP-0001-fuzz.md".to_owned(), text, "SOP");
    let len = sop.source.text().len();
    let check = |what: &str, span: Span| {
        assert!(
            span.start <= span.end && sop.source.text().get(span.start..span.end).is_some(),
            "{what} span {span:?} does not select text of a {len}-byte file"
        );
        // Every writer turns span starts into line:column.
        let _ = sop.source.line_col(span.start);
        let _ = sop.source.line_col(span.end);
    };
    check("body", sop.split.body);
    if let Some(yaml) = sop.split.yaml {
        check("yaml", yaml);
    }
    if let Some(unclosed) = sop.split.unclosed {
        check("unclosed", unclosed);
    }
    if let Some(fm) = &sop.front_matter {
        check("front matter", fm.span);
        for field in &fm.fields {
            check("key", field.key_span);
            check("value", field.value_span);
            if let sop::repo::front_matter::Value::List(items) = &field.value {
                for item in items {
                    check("item", item.span);
                }
            }
        }
        for problem in &fm.problems {
            check("yaml problem", problem.span);
        }
    }
    let outline = sop.outline();
    for h in &outline.headings {
        check("heading", h.span);
    }
    for s in &outline.sections {
        check("section", s.content);
        assert!(s.heading < outline.headings.len());
    }
    for l in &outline.links {
        check("link", l.span);
    }
    for l in &outline.lists {
        check("list", l.span);
    }
    for t in &outline.tables {
        check("table", t.span);
        for c in t
            .header
            .iter()
            .chain(t.rows.iter().flat_map(|r| r.cells.iter()))
        {
            check("cell", c.span);
        }
        for r in &t.rows {
            check("row", r.span);
        }
    }
    for &c in outline.code.iter().chain(&outline.comments) {
        check("code or comment", c);
    }
    let _ = (
        sop.id(),
        sop.title(),
        sop.status(),
        sop.version(),
        sop.language(),
    );
    let _ = sop.is_translation();
});
