//! File rules for files that could be read: how the text is stored (`line-endings-mixed`), and
//! what git left in it (`merge-conflict-left`).
//!
//! Files that cannot be read as an SOP at all (binary, UTF-16, not UTF-8, ...) get their one
//! finding in `mod.rs`. Line endings are counted by [`crate::repo::encoding`], the module that
//! also decides that CRLF and LF compare equal across versions.

use crate::diag::{Edit, Finding, Fix};
use crate::repo::encoding::{Ending, EndingCounts, line_ends};
use crate::repo::{Sop, Span};

use super::finding;
use super::registry::{LINE_ENDINGS_MIXED, MERGE_CONFLICT_LEFT};

/// Every file rule for one readable SOP.
pub(super) fn check(sop: &Sop, out: &mut Vec<Finding>) {
    mixed_line_endings(sop, out);
    merge_conflicts(sop, out);
}

/// `merge-conflict-left`: each `<<<<<<<` … `>>>>>>>` block git left when two changes to the
/// same lines met.
fn merge_conflicts(sop: &Sop, out: &mut Vec<Finding>) {
    for block in conflict_blocks(sop) {
        let (first, last) = (
            sop.source.line_col(block.start).line,
            sop.source.line_col(block.end).line,
        );
        out.push(
            finding(
                &MERGE_CONFLICT_LEFT,
                sop,
                block,
                format!(
                    "git left a merge conflict here (lines {first} to {last}): two changes to the same lines, both kept between its markers"
                ),
            )
            .label("unresolved merge conflict")
            .help("keep the text that is right (one side, or both combined), then delete the `<<<<<<<`, `=======` and `>>>>>>>` lines"),
        );
    }
}

/// The `<<<<<<<` … `=======` … `>>>>>>>` blocks of `sop`, from the first marker to the end of
/// the last; blocks that start in a code block (an SOP about git may show one) are not.
pub(crate) fn conflict_blocks(sop: &Sop) -> Vec<Span> {
    let text = sop.source.text();
    // Most files have no marker at all: one byte search says so.
    if memchr::memmem::find(text.as_bytes(), b"<<<<<<<").is_none() {
        return Vec::new();
    }
    let marker = |line: &str, mark: &str| {
        line.strip_prefix(mark)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    };
    let mut blocks = Vec::new();
    // Where the open block starts, and whether its `=======` came.
    let mut open: Option<(usize, bool)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if marker(bare, "<<<<<<<") && !sop.outline().in_code(at) {
            open = Some((at, false));
        } else if let Some((from, _)) = open
            && marker(bare, "=======")
        {
            open = Some((from, true));
        } else if let Some((from, true)) = open
            && marker(bare, ">>>>>>>")
        {
            blocks.push(Span::new(from, at + bare.len()));
            open = None;
        }
        at += line.len();
    }
    blocks
}

/// `line-endings-mixed`: one finding at the first line that ends differently from most, with a
/// safe fix that ends every line the way most already do.
fn mixed_line_endings(sop: &Sop, out: &mut Vec<Finding>) {
    let text = sop.source.text();
    let counts = EndingCounts::of(text);
    if !counts.is_mixed() {
        return;
    }
    let majority = counts.majority();
    let minority = majority.other();
    let edits: Vec<Edit> = line_ends(text)
        .filter(|end| end.ending == minority)
        .map(|end| match end.ending {
            // Drop the `\r` of CRLF.
            Ending::CrLf => Edit {
                span: Span::new(end.at, end.at + 1),
                replacement: String::new(),
            },
            // Put a `\r` before the `\n`.
            Ending::Lf => Edit {
                span: Span::empty(end.at),
                replacement: "\r".into(),
            },
        })
        .collect();
    let Some(first) = edits.first().map(|e| e.span.start) else {
        return;
    };
    let line_start = text
        .get(..first)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let others = counts.of_kind(minority);
    let label = if others == 1 {
        format!("this line ends with {}", minority.name())
    } else {
        format!(
            "the first of {others} lines that end with {}",
            minority.name()
        )
    };
    let message = format!(
        "the file mixes line endings: {} of its {} lines end with {}, but {} with {}",
        counts.of_kind(majority),
        counts.lf + counts.crlf,
        majority.described(),
        crate::words::count_with(others, "ends", "end"),
        minority.described(),
    );
    out.push(
        finding(
            &LINE_ENDINGS_MIXED,
            sop,
            Span::new(line_start, first),
            message,
        )
        .label(label)
        .help(format!(
            "run `sop lint --fix` to end every line with {}, or set your editor to one kind of line ending and save the file again (VS Code: the `LF`/`CRLF` button in the status bar; Notepad++: Edit › EOL Conversion)",
            majority.name()
        ))
        .fix(Fix::safe(
            format!("made every line end with {}", majority.name()),
            edits,
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::{apply_fixes, check};
    use crate::repo::{Corpus, Repo, Settings, Sop};

    const SOP: &str = "---\nid: SOP-0001\ntitle: T\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n---\n\n## Purpose\n\nWhy.\n\n## Checklist\n\n- [ ] x\n";

    /// The `line-endings-mixed` findings of `text` and the text `--fix` makes of it.
    fn lint(text: &str) -> (Vec<crate::diag::Finding>, String) {
        let repo = Repo {
            root: std::env::temp_dir(),
            settings: Settings::load(None).unwrap(),
            tracked: None,
        };
        let corpus = Corpus {
            sops: vec![Sop::parse(
                "sops/a/SOP-0001-a.md".into(),
                text.to_string(),
                "SOP",
            )],
            broken: Vec::new(),
        };
        let findings = check(&repo, &corpus).unwrap();
        let fixed = apply_fixes(text, &findings).text;
        let mixed = findings
            .into_iter()
            .filter(|f| f.rule.id == "line-endings-mixed")
            .collect();
        (mixed, fixed)
    }

    #[test]
    fn uniform_endings_are_clean_either_way() {
        assert!(lint(SOP).0.is_empty());
        assert!(lint(&SOP.replace('\n', "\r\n")).0.is_empty());
    }

    #[test]
    fn the_first_line_against_the_majority_is_named_and_fixed() {
        let text = SOP
            .replacen("Why.\n", "Why.\r\n", 1)
            .replacen("- [ ] x\n", "- [ ] x\r\n", 1);
        let (found, fixed) = lint(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        let sop = Sop::parse("a.md".into(), text.clone(), "SOP");
        let span = f.span.unwrap();
        assert_eq!(sop.source.line_col(span.start).line, 13);
        assert_eq!(sop.slice(span), "Why.");
        assert!(f.message.contains("but 2 end with CRLF"), "{}", f.message);
        assert!(
            f.message.contains("LF (as on Mac and Linux)"),
            "{}",
            f.message
        );
        assert_eq!(fixed, SOP);
        // Mostly CRLF: the LF lines get a CR.
        let text = SOP.replace('\n', "\r\n").replacen("\r\n", "\n", 1);
        let (found, fixed) = lint(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span.map(|s| s.start), Some(0));
        assert_eq!(fixed, SOP.replace('\n', "\r\n"));
    }

    #[test]
    fn a_missing_final_line_break_is_added_the_way_most_lines_end() {
        let text = format!("{}\r\n- [ ] y", SOP.trim_end());
        let (found, fixed) = lint(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(fixed, format!("{SOP}- [ ] y\n"));
    }
}
