//! `--format human`: rustc-style messages for people, rendered by annotate-snippets.
//!
//! Each finding shows its rule id, the message, the file with line and column, the source
//! line(s) with a caret under the span and the label, then `= help:` with the fix. The first
//! finding of each rule adds a `= note:` pointing at `sop lint --explain`; repeating it under
//! every finding would only be noise. A finding without a span (a binary file, say) shows just
//! `--> path`. Past the first few findings of one rule in one file, the rest are counted in
//! one indented line under the last one shown (`--verbose` shows each). A table per file and a
//! summary line end the output.
//!
//! Only the lines a span covers reach annotate-snippets, with `line_start` set to match: the
//! renderer then costs the same for a finding in a ten-line file and in a ten-megabyte one.
//! This module knows findings and source files, nothing of rules or SOPs.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufWriter, Write};
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Padding, Renderer, Snippet};

use super::finding::{Finding, Severity};
use super::report::Report;
use crate::repo::source::LONG_LINE;
use crate::repo::{SourceFile, Span};
use crate::terminal::{self, escape_line};

/// How much of a report people see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HumanOptions {
    /// ANSI styles.
    pub color: bool,
    /// Every finding in full (`--verbose`); otherwise findings of one rule in one file
    /// collapse after [`SHOWN_PER_RULE`] into one indented line under the last one shown.
    pub every: bool,
    /// Errors only (`--quiet`); warnings are still counted in the summary line.
    pub errors_only: bool,
}

/// How many findings of one rule in one file are shown in full before the rest collapse.
pub const SHOWN_PER_RULE: usize = 3;

/// How many files the closing table lists at most (those with the most errors).
const TABLE_ROWS: usize = 20;

/// Write the report for people.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(report: &Report<'_>, options: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    // `-q` with no error: one line, which says the warnings are there; nothing at all when
    // there is nothing to report.
    if options.errors_only && report.summary().errors == 0 {
        if report.summary().warnings > 0 {
            write_summary(report, options, &mut out)?;
        }
        return out.flush();
    }
    let mut explained: HashSet<&'static str> = HashSet::new();
    // Findings are sorted by file. The findings of a rule in a file past the first few are
    // summed up in one line under the last one shown.
    for findings in report.findings.chunk_by(|a, b| a.file == b.file) {
        let source = findings
            .first()
            .and_then(|f| report.sources.get(f.file.as_str()).copied());
        let wanted = |f: &&Finding| !options.errors_only || f.severity == Severity::Error;
        let mut hidden: Vec<Hidden<'_>> = Vec::new();
        if !options.every {
            let mut seen: HashMap<&'static str, usize> = HashMap::new();
            for finding in findings.iter().filter(wanted) {
                let n = seen.entry(finding.rule.id).or_default();
                *n += 1;
                if *n > SHOWN_PER_RULE {
                    hide(&mut hidden, finding, source);
                }
            }
        }
        let mut shown: HashMap<&'static str, usize> = HashMap::new();
        for finding in findings.iter().filter(wanted) {
            let seen = shown.entry(finding.rule.id).or_default();
            *seen += 1;
            if !options.every && *seen > SHOWN_PER_RULE {
                continue;
            }
            let note = explained
                .insert(finding.rule.id)
                .then(|| explain_note(finding.rule.id));
            let (group, fix_column) = group(report.root, finding, source, note.as_deref());
            let rendered = renderer.render(&[group]);
            match fix_column {
                Some((wrong, right)) => {
                    writeln!(out, "{}", rendered.replacen(&wrong, &right, 1))?;
                }
                None => writeln!(out, "{rendered}")?,
            }
            if *seen == SHOWN_PER_RULE
                && let Some(rest) = hidden.iter().find(|h| h.rule == finding.rule.id)
            {
                writeln!(out, "{}", rest.line())?;
            }
            writeln!(out)?;
        }
    }
    write_table(report, options.errors_only, &mut out)?;
    write_summary(report, options, &mut out)?;
    out.flush()
}

/// The findings of one rule in one file past the first few: counted, with their lines.
struct Hidden<'a> {
    rule: &'a str,
    count: usize,
    first_line: Option<usize>,
    last_line: Option<usize>,
}

fn hide<'a>(hidden: &mut Vec<Hidden<'a>>, finding: &'a Finding, source: Option<&SourceFile>) {
    let line = finding
        .span
        .zip(source)
        .map(|(span, source)| source.line_col(source.floor_char_boundary(span.start)).line);
    match hidden.iter_mut().find(|h| h.rule == finding.rule.id) {
        Some(h) => {
            h.count += 1;
            h.first_line = h.first_line.min(line).or(h.first_line).or(line);
            h.last_line = h.last_line.max(line);
        }
        None => hidden.push(Hidden {
            rule: finding.rule.id,
            count: 1,
            first_line: line,
            last_line: line,
        }),
    }
}

impl Hidden<'_> {
    /// The line under the last finding shown of the rule:
    /// `  … and 26 more findings like this in this file (lines 20–57): `sop lint --verbose` lists each`.
    fn line(&self) -> String {
        let lines = match (self.first_line, self.last_line) {
            (Some(a), Some(b)) if a == b => format!(" (line {a})"),
            (Some(a), Some(b)) => format!(" (lines {a}–{b})"),
            _ => String::new(),
        };
        let what = crate::words::count_with(self.count, "more finding", "more findings");
        format!(
            "  … and {what} like this in this file{lines}: `sop lint --verbose` lists {}",
            crate::words::plural(self.count, "it", "each")
        )
    }
}

/// The closing table when more than one file has findings: FILE, ERRORS, WARNINGS, by path;
/// with more than [`TABLE_ROWS`] files, those with the most errors. With `errors_only`, only
/// the files with errors.
fn write_table(report: &Report<'_>, errors_only: bool, out: &mut impl Write) -> io::Result<()> {
    let mut rows: Vec<(&str, usize, usize)> = Vec::new();
    for findings in report.findings.chunk_by(|a, b| a.file == b.file) {
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        if errors_only && errors == 0 {
            continue;
        }
        if let Some(first) = findings.first() {
            rows.push((first.file.as_str(), errors, findings.len() - errors));
        }
    }
    if rows.len() < 2 {
        return Ok(());
    }
    // The files with the most errors, then warnings, make the cut; they are listed by path.
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let mut shown = rows[..rows.len().min(TABLE_ROWS)].to_vec();
    shown.sort_by(|a, b| a.0.cmp(b.0));
    let shown = shown.as_slice();
    let names: Vec<String> = shown
        .iter()
        .map(|r| format!("{}{}", escape_line(report.root), escape_line(r.0)))
        .collect();
    let width = names
        .iter()
        .map(|n| terminal::width(n))
        .max()
        .unwrap_or(0)
        .max("FILE".len());
    let pad = |name: &str| terminal::pad(name, width);
    writeln!(out, "{}  ERRORS  WARNINGS", pad("FILE"))?;
    for (name, (_, errors, warnings)) in names.iter().zip(shown) {
        writeln!(out, "{}  {errors:>6}  {warnings:>8}", pad(name))?;
    }
    if rows.len() > shown.len() {
        let more = rows.len() - shown.len();
        writeln!(
            out,
            "… and {}",
            crate::words::count_with(more, "more file", "more files")
        )?;
    }
    writeln!(out)
}

/// The note that sends the reader to the rule's documentation.
fn explain_note(rule: &str) -> String {
    format!("run `sop lint --explain {rule}` for why this matters")
}

/// One finding as an annotate-snippets group, and, when the excerpt is a window of a long
/// line, the `path:line:column` annotate-snippets will print (counted from the window's start)
/// with the real one to put in its place.
fn group<'a>(
    root: &str,
    finding: &'a Finding,
    source: Option<&'a SourceFile>,
    note: Option<&'a str>,
) -> (Group<'a>, Option<(String, String)>) {
    let mut fix_column = None;
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // annotate-snippets prints titles and paths as they are: a message quoting the SOP, or a
    // file name, must not bring its control characters to the terminal.
    let title = level
        .primary_title(escape_line(&finding.message))
        .id(finding.rule.id);
    let file: std::borrow::Cow<'a, str> = if root.is_empty() {
        escape_line(&finding.file)
    } else {
        format!("{}{}", escape_line(root), escape_line(&finding.file)).into()
    };
    let mut group = match (finding.span, source) {
        (Some(span), Some(source)) => {
            let excerpt = Excerpt::new(source, span);
            let mut annotation = AnnotationKind::Primary.span(excerpt.span.clone());
            if let Some(label) = &finding.label {
                // annotate-snippets 0.12.18 prints labels unfiltered, whatever its docs say.
                annotation = annotation.label(annotate_snippets::normalize_untrusted_str(label));
            }
            if let Some(column) = excerpt.column {
                // A window of a long line: annotate-snippets counts the column from the
                // window's start, so the `-->` line gets the real one after rendering.
                let shown = excerpt
                    .text
                    .get(..excerpt.span.start)
                    .map_or(0, |t| t.chars().count())
                    + 1;
                let at = format!("{file}:{}:", excerpt.line_start);
                fix_column = Some((format!("{at}{shown}"), format!("{at}{column}")));
            }
            title.element(
                Snippet::source(excerpt.text)
                    .path(file)
                    .line_start(excerpt.line_start)
                    .annotation(annotation),
            )
        }
        // The padding draws the `|` line that separates the path from the advice, as under a
        // snippet.
        _ => title.element(Origin::path(file)).element(Padding),
    };
    if let Some(help) = &finding.help {
        // Messages are "trusted" (unfiltered) in annotate-snippets, but advice can quote the
        // SOP: control characters must not reach the terminal.
        group =
            group.element(Level::HELP.message(annotate_snippets::normalize_untrusted_str(help)));
    }
    if let Some(note) = note {
        group = group.element(Level::NOTE.message(note));
    }
    (group, fix_column)
}

/// The whole lines a span covers, and the span relative to them; on a long line, a window of
/// a few hundred characters around the span's start instead.
#[derive(Debug, PartialEq, Eq)]
struct Excerpt<'s> {
    /// The lines, without the last line's ending.
    text: &'s str,
    /// The 1-based number of the first line.
    line_start: usize,
    /// The span, in bytes from the start of `text`, within `text`.
    span: Range<usize>,
    /// When `text` is a window of a long line: the 1-based character column of the span's
    /// start in the whole line, for the `-->` line.
    column: Option<usize>,
}

impl<'s> Excerpt<'s> {
    fn new(source: &'s SourceFile, span: Span) -> Excerpt<'s> {
        let start = source.floor_char_boundary(span.start);
        let end = source.floor_char_boundary(span.end).max(start);
        let first = source.line_col(start);
        // A span that takes a line break with it ends on that line, not on the next one.
        let last = if end > start {
            source.line_col(end - 1).line
        } else {
            first.line
        };
        let from = source.line_start(first.line);
        let to = source.line_span(last).end.max(from);
        let long_line = (first.line..=last).any(|l| source.line_span(l).len() > LONG_LINE);
        if long_line {
            // A window of the first line: what annotate-snippets is given stays small however
            // long the line, so a finding costs the same on a 9 MB line as on a short one.
            let window = source.line_window(first.line, start);
            let text = source
                .text()
                .get(window.start..window.end)
                .unwrap_or_default();
            let rel_start = start.clamp(window.start, window.end) - window.start;
            let rel_end = end.clamp(window.start, window.end) - window.start;
            return Excerpt {
                text,
                line_start: first.line,
                span: rel_start..rel_end.max(rel_start),
                column: Some(first.column),
            };
        }
        let text = source.text().get(from..to).unwrap_or_default();
        let rel_start = start.clamp(from, to) - from;
        let rel_end = end.clamp(from, to) - from;
        Excerpt {
            text,
            line_start: first.line,
            span: rel_start..rel_end.max(rel_start),
            column: None,
        }
    }
}

/// The last line: counts in the words of STYLE.md, coloured like the levels they count. Under
/// `-q` it says that the warnings were left out, and how to see them.
fn write_summary(
    report: &Report<'_>,
    options: HumanOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    let summary = report.summary();
    let w = summary.warnings;
    let see = crate::words::plural(w, "it", "them");
    let line = match (options.errors_only && w > 0, summary.errors) {
        (false, _) => summary.to_string(),
        (true, 0) => format!(
            "no errors in {} ({} not shown: run `sop lint` without -q to see {see})",
            crate::words::count_with(summary.checked, "SOP", "SOPs"),
            crate::words::count(w, "warning"),
        ),
        (true, _) => format!(
            "{summary} (the {} not shown: run `sop lint` without -q to see {see})",
            crate::words::plural(w, "warning is", "warnings are"),
        ),
    };
    let style = if !options.color {
        anstyle::Style::new()
    } else if summary.errors > 0 {
        annotate_snippets::renderer::DEFAULT_ERROR_STYLE
    } else if summary.warnings > 0 {
        annotate_snippets::renderer::DEFAULT_WARNING_STYLE
    } else {
        annotate_snippets::renderer::DEFAULT_NOTE_STYLE
    };
    writeln!(out, "{style}{line}{style:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, start: usize, end: usize) -> (String, usize, Range<usize>) {
        let source = SourceFile::new(text.to_string());
        let e = Excerpt::new(&source, Span::new(start, end));
        (e.text.to_string(), e.line_start, e.span)
    }

    #[test]
    fn excerpt_holds_only_the_spanned_line() {
        let text = "a: 1\nnext_review: 2026-02-30\nz: 2\n";
        let at = text.find("2026").unwrap();
        assert_eq!(
            excerpt(text, at, at + 10),
            ("next_review: 2026-02-30".to_string(), 2, 13..23)
        );
    }

    #[test]
    fn excerpt_of_multi_line_span_holds_every_line() {
        let text = "one\ntwo\nthree\nfour\n";
        let at = text.find("wo").unwrap();
        let end = text.find("ee").unwrap();
        assert_eq!(excerpt(text, at, end), ("two\nthree".to_string(), 2, 1..7));
    }

    #[test]
    fn excerpt_stops_at_the_line_break_a_span_ends_with() {
        let text = "one\ntwo\nthree\n";
        assert_eq!(excerpt(text, 4, 8), ("two".to_string(), 2, 0..3));
    }

    #[test]
    fn excerpt_clamps_spans_past_the_end_and_inside_characters() {
        let text = "título: Größe\n";
        // 2 is inside `í`, 99 is past the end.
        assert_eq!(
            excerpt(text, 2, 99),
            ("título: Größe".to_string(), 1, 1..16)
        );
        let (_, line, span) = excerpt(text, text.len(), text.len());
        assert_eq!((line, span), (2, 0..0));
    }

    static RULE: crate::diag::RuleMeta = crate::diag::RuleMeta {
        id: "test-rule",
        family: crate::diag::Family::Content,
        severity: Severity::Warning,
        summary: "a test rule",
        explanation: "",
        fixable: false,
    };

    fn render(text: &str, span: Option<Span>) -> String {
        let source = SourceFile::new(text.to_string());
        let sources = crate::diag::Sources::from([("a.md", &source)]);
        let findings = [Finding::new(&RULE, "a.md", span, "problem").label("here")];
        let report = Report {
            findings: &findings,
            sources: &sources,
            rules: &[],
            checked: 1,
            root: "",
        };
        let mut out = Vec::new();
        write(&report, HumanOptions::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn crlf_line_endings_do_not_reach_the_output() {
        let text = "a: 1\r\nb: two\r\nc: 3\r\n";
        let at = text.find("two").unwrap();
        let out = render(text, Some(Span::new(at, text.find("c:").unwrap())));
        assert!(!out.contains('\r'), "{out:?}");
        assert!(out.contains(" --> a.md:2:4\n"), "{out}");
        assert!(out.contains("2 | b: two\n  |    ^^^ here\n"), "{out}");
    }

    #[test]
    fn a_span_at_the_end_of_the_file_points_after_the_last_line() {
        let text = "a: 1\nb: 2";
        let out = render(text, Some(Span::empty(text.len())));
        assert!(out.contains(" --> a.md:2:5\n"), "{out}");
        assert!(out.contains("2 | b: 2\n  |     ^ here\n"), "{out}");
    }

    #[test]
    fn a_finding_without_span_shows_only_the_path() {
        let out = render("a: 1\n", None);
        assert!(
            out.starts_with("warning[test-rule]: problem\n--> a.md\n"),
            "{out}"
        );
        assert!(!out.contains("a: 1"), "{out}");
        assert!(out.ends_with("\n1 warning in 1 of 1 SOP\n"), "{out}");
    }

    #[test]
    fn a_long_multi_line_span_shows_its_ends_only() {
        let mut text = String::from("## Procedure\n");
        for i in 0..2000 {
            text.push_str(&format!("- step {i}\n"));
        }
        let start = text.find("- step 0").unwrap();
        let out = render(&text, Some(Span::new(start, text.len())));
        assert!(out.contains("    --> a.md:2:1\n"), "{out}");
        assert!(out.contains("   2 | / - step 0\n"), "{out}");
        assert!(out.contains("2001 | | - step 1999\n"), "{out}");
        assert!(!out.contains("- step 1000\n"), "{out}");
        assert!(out.lines().count() < 20, "{out}");
    }

    #[test]
    fn control_characters_from_the_sop_never_reach_the_terminal() {
        let source = SourceFile::new("title: a\u{1b}[31mred\n".to_string());
        let sources = crate::diag::Sources::from([("a.md", &source)]);
        let findings = [
            Finding::new(&RULE, "a.md", Some(Span::new(7, 16)), "bad \u{1b}[2J title")
                .label("label \u{1b}[2J")
                .help("use `\u{1b}[2J`\nthen retry"),
        ];
        let report = Report {
            findings: &findings,
            sources: &sources,
            rules: &[],
            checked: 1,
            root: "",
        };
        let mut out = Vec::new();
        write(&report, HumanOptions::default(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains('\u{1b}'), "{out:?}");
        assert!(out.contains("= help: use `␛[2J`\n"), "{out}");
    }

    proptest::proptest! {
        #[test]
        fn any_span_in_any_text_renders_without_panic(
            text in "(\\PC|[\r\n\t\u{1b}é語 ]){0,60}",
            a in 0usize..80,
            b in 0usize..80,
        ) {
            let source = SourceFile::new(text.clone());
            let e = Excerpt::new(&source, Span::new(a.min(b), a.max(b)));
            proptest::prop_assert!(e.span.start <= e.span.end && e.span.end <= e.text.len());
            proptest::prop_assert!(e.text.is_char_boundary(e.span.start));
            proptest::prop_assert!(e.text.is_char_boundary(e.span.end));
            let out = render(&text, Some(Span::new(a.min(b), a.max(b))));
            proptest::prop_assert!(out.ends_with("1 warning in 1 of 1 SOP\n"));
        }
    }
}
