//! Section-aware differences between two versions of an SOP, and reading a version from git.
//!
//! [`compare`] is pure: front-matter keys that changed (`key: old → new`), then the level-2
//! sections that were added, removed, moved or changed, each changed one with a word-level
//! diff (crate `similar`). Sections are matched by heading text (case-insensitive); a heading
//! that appears twice matches in order. [`read_revision`] finds the text of an SOP at a version
//! number, a tag or any revision.

use serde::Serialize;
use similar::{Algorithm, DiffOp, DiffTag};

use super::{GitError, Repo};
use crate::repo::Sop;
use crate::repo::front_matter::Value;

/// What changed between two versions of an SOP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SopDiff {
    /// Front-matter keys whose value changed, in the new file's order, removed keys last.
    pub front_matter: Vec<FieldChange>,
    /// Sections that changed, in the new file's order; removed ones where they used to be.
    pub sections: Vec<SectionDiff>,
    /// Headings of the sections that did not change, in the new file's order.
    pub unchanged: Vec<String>,
}

impl SopDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.front_matter.is_empty() && self.sections.is_empty()
    }
}

/// One front-matter key that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The key.
    pub key: String,
    /// The old value as text (`null` when the key was not there).
    pub old: Option<String>,
    /// The new value as text (`null` when the key is gone).
    pub new: Option<String>,
}

/// What happened to a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, in another place among the other sections (its text may also have changed).
    Moved,
    /// In both, in the same place, with other text.
    Changed,
    /// Under a new heading, with the same or similar text (and maybe in another place).
    Renamed,
}

/// One section that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionDiff {
    /// The heading's text (the new one when both exist); empty for the text before the first
    /// section.
    pub heading: String,
    /// The old heading of a renamed section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_heading: Option<String>,
    /// What happened.
    pub change: Change,
    /// 1-based position among the old version's sections.
    pub old_position: Option<usize>,
    /// 1-based position among the new version's sections.
    pub new_position: Option<usize>,
    /// Whether the section's text changed (always for added and removed ones).
    pub text_changed: bool,
    /// The old text, when the section was removed or changed.
    #[serde(skip)]
    pub old_text: String,
    /// The new text, when the section was added or changed.
    #[serde(skip)]
    pub new_text: String,
    /// The word-level diff of the section's text: equal, deleted and inserted runs that join
    /// back to the old text (equal + delete) and the new text (equal + insert).
    pub words: Vec<Piece>,
}

/// A run of text in a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// `equal`, `delete` or `insert`.
    pub op: Op,
    /// The text.
    pub text: String,
}

/// What a [`Piece`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// In both versions.
    Equal,
    /// Only in the old version.
    Delete,
    /// Only in the new version.
    Insert,
}

/// A section of one version: heading, match key, text.
struct Part {
    heading: String,
    key: (String, usize),
    text: String,
}

fn parts(sop: &Sop) -> Vec<Part> {
    let text = sop.source.text();
    let o = &sop.outline();
    let mut out = Vec::new();
    let first = o
        .sections
        .first()
        .and_then(|s| o.headings.get(s.heading))
        .map_or(sop.split.body.end, |h| h.span.start);
    let pre = text.get(sop.split.body.start..first).unwrap_or_default();
    if !pre.trim().is_empty() {
        out.push(Part {
            heading: String::new(),
            key: (String::new(), 0),
            text: pre.to_string(),
        });
    }
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for s in &o.sections {
        let heading = o
            .section_heading(s)
            .map(|h| h.text.trim().to_string())
            .unwrap_or_default();
        let norm = heading.to_lowercase();
        let n = seen.entry(norm.clone()).or_insert(0);
        *n += 1;
        out.push(Part {
            heading,
            key: (norm, *n),
            text: sop.slice(s.content).to_string(),
        });
    }
    out
}

/// Compare two versions of an SOP.
pub fn compare(old: &Sop, new: &Sop) -> SopDiff {
    let front_matter = compare_front_matter(old, new);
    let (a, b) = (parts(old), parts(new));
    let old_keys: Vec<&(String, usize)> = a.iter().map(|p| &p.key).collect();
    let new_keys: Vec<&(String, usize)> = b.iter().map(|p| &p.key).collect();
    let common_new: Vec<&(String, usize)> = new_keys
        .iter()
        .copied()
        .filter(|k| old_keys.contains(k))
        .collect();
    // Until the common sections are in the same order, the one that travelled farthest (among
    // those out of order) moved: moving Scope from 2nd to last reads better than "Procedure,
    // Escalation and Metrics moved up".
    let pos = |keys: &[&(String, usize)], k: &(String, usize)| {
        keys.iter().position(|x| *x == k).unwrap_or(0)
    };
    let mut in_place: Vec<&(String, usize)> = common_new.clone();
    loop {
        let olds: Vec<usize> = in_place.iter().map(|k| pos(&old_keys, k)).collect();
        let out_of_order: Vec<usize> = (0..in_place.len())
            .filter(|&i| {
                let o = olds.get(i).copied().unwrap_or(0);
                olds.iter().take(i).any(|&p| p > o) || olds.iter().skip(i + 1).any(|&p| p < o)
            })
            .collect();
        let farthest = out_of_order.iter().copied().max_by_key(|&i| {
            let k = in_place.get(i).copied();
            k.map_or(0, |k| pos(&old_keys, k).abs_diff(pos(&new_keys, k)))
        });
        match farthest {
            Some(i) => {
                in_place.remove(i);
            }
            None => break,
        }
    }
    let mut sections = Vec::new();
    let mut unchanged = Vec::new();
    let mut removed_done = vec![false; a.len()];
    let emit_removed_before = |limit: usize, done: &mut Vec<bool>, out: &mut Vec<SectionDiff>| {
        for (i, p) in a.iter().enumerate().take(limit) {
            if !new_keys.contains(&&p.key) && !done.get(i).copied().unwrap_or(true) {
                if let Some(d) = done.get_mut(i) {
                    *d = true;
                }
                out.push(SectionDiff {
                    heading: p.heading.clone(),
                    old_heading: None,
                    change: Change::Removed,
                    old_position: Some(i + 1),
                    new_position: None,
                    text_changed: true,
                    old_text: p.text.clone(),
                    new_text: String::new(),
                    words: vec![Piece {
                        op: Op::Delete,
                        text: p.text.clone(),
                    }],
                });
            }
        }
    };
    for (j, p) in b.iter().enumerate() {
        let old_index = a.iter().position(|q| q.key == p.key);
        if let Some(i) = old_index {
            emit_removed_before(i, &mut removed_done, &mut sections);
        }
        let Some(i) = old_index else {
            // Removed sections that stood before the next common one go first, so a section
            // replaced by another reads "removed, added".
            let next_common = b
                .iter()
                .skip(j + 1)
                .find_map(|p| a.iter().position(|q| q.key == p.key))
                .unwrap_or(a.len());
            emit_removed_before(next_common, &mut removed_done, &mut sections);
            sections.push(SectionDiff {
                heading: p.heading.clone(),
                old_heading: None,
                change: Change::Added,
                old_position: None,
                new_position: Some(j + 1),
                text_changed: true,
                old_text: String::new(),
                new_text: p.text.clone(),
                words: vec![Piece {
                    op: Op::Insert,
                    text: p.text.clone(),
                }],
            });
            continue;
        };
        let Some(q) = a.get(i) else { continue };
        let moved = !in_place.contains(&&p.key);
        let text_changed = q.text.trim_end() != p.text.trim_end();
        if !moved && !text_changed {
            unchanged.push(p.heading.clone());
            continue;
        }
        sections.push(SectionDiff {
            heading: p.heading.clone(),
            old_heading: None,
            change: if moved {
                Change::Moved
            } else {
                Change::Changed
            },
            old_position: Some(i + 1),
            new_position: Some(j + 1),
            text_changed,
            old_text: q.text.clone(),
            new_text: p.text.clone(),
            words: if text_changed {
                word_diff(&q.text, &p.text)
            } else {
                Vec::new()
            },
        });
    }
    emit_removed_before(a.len(), &mut removed_done, &mut sections);
    pair_renames(&mut sections);
    SopDiff {
        front_matter,
        sections,
        unchanged,
    }
}

/// Turn a removed and an added section with similar text into one renamed section.
fn pair_renames(sections: &mut Vec<SectionDiff>) {
    let mut i = 0;
    while i < sections.len() {
        let is_added = sections.get(i).is_some_and(|s| s.change == Change::Added);
        if !is_added {
            i += 1;
            continue;
        }
        let added_text = sections
            .get(i)
            .map(|s| s.new_text.clone())
            .unwrap_or_default();
        let best = sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.change == Change::Removed && !s.heading.is_empty())
            .map(|(k, s)| (k, similarity(&s.old_text, &added_text)))
            .filter(|(_, r)| *r >= 0.6)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        let Some((k, _)) = best else {
            i += 1;
            continue;
        };
        let removed = sections.remove(k);
        let at = if k < i { i - 1 } else { i };
        if let Some(s) = sections.get_mut(at) {
            s.change = Change::Renamed;
            s.old_heading = Some(removed.heading);
            s.old_position = removed.old_position;
            s.text_changed = removed.old_text.trim_end() != s.new_text.trim_end();
            s.words = if s.text_changed {
                word_diff(&removed.old_text, &s.new_text)
            } else {
                Vec::new()
            };
            s.old_text = removed.old_text;
        }
        i = at + 1;
    }
}

/// How alike two texts are, from 0 to 1, by their words (whitespace ignored).
fn similarity(a: &str, b: &str) -> f32 {
    let (x, y): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let same: usize = diff_tokens(Algorithm::Myers, &x, &y)
        .iter()
        .filter(|op| op.tag() == DiffTag::Equal)
        .map(|op| op.old_range().len())
        .sum();
    (2 * same) as f32 / (x.len() + y.len()) as f32
}

fn compare_front_matter(old: &Sop, new: &Sop) -> Vec<FieldChange> {
    let fields = |s: &Sop| -> Vec<(String, String)> {
        s.front_matter.as_ref().map_or_else(Vec::new, |fm| {
            fm.fields
                .iter()
                .map(|f| (f.key.clone(), value_text(&f.value)))
                .collect()
        })
    };
    let (a, b) = (fields(old), fields(new));
    let get = |list: &[(String, String)], k: &str| {
        list.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for (k, v) in &b {
        let was = get(&a, k);
        if was.as_ref() != Some(v) {
            out.push(FieldChange {
                key: k.clone(),
                old: was,
                new: Some(v.clone()),
            });
        }
    }
    for (k, v) in &a {
        if get(&b, k).is_none() {
            out.push(FieldChange {
                key: k.clone(),
                old: Some(v.clone()),
                new: None,
            });
        }
    }
    out
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Text(t) => t.clone(),
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| i.text.clone().unwrap_or_else(|| "…".into()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Mapping => "{…}".into(),
    }
}

/// A word-level diff of `old` → `new`, as runs. Whitespace between two changed words joins
/// their runs, so a rewritten phrase reads as one deletion and one insertion.
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    enum Seg {
        Equal(String),
        Change(String, String),
    }
    let (old_words, new_words) = (words(old), words(new));
    let mut segs: Vec<Seg> = Vec::new();
    for op in diff_tokens(Algorithm::Patience, &old_words, &new_words) {
        // The side an op does not touch has an empty range.
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let (d, i) = (old_words[old_range].concat(), new_words[new_range].concat());
        match (tag, segs.last_mut()) {
            (DiffTag::Equal, Some(Seg::Equal(t))) => t.push_str(&d),
            (DiffTag::Equal, _) => segs.push(Seg::Equal(d)),
            (_, Some(Seg::Change(sd, si))) => {
                sd.push_str(&d);
                si.push_str(&i);
            }
            (_, _) => segs.push(Seg::Change(d, i)),
        }
    }
    // Whitespace or one short word between two changes is part of one rewritten phrase.
    let bridge = |t: &str| {
        !t.contains('\n')
            && (t.trim().is_empty()
                || (t.split_whitespace().count() == 1 && t.trim().chars().count() <= 3))
    };
    let mut merged: Vec<Seg> = Vec::new();
    let mut iter = segs.into_iter().peekable();
    while let Some(seg) = iter.next() {
        let joins = match (&seg, merged.last(), iter.peek()) {
            (Seg::Equal(t), Some(Seg::Change(..)), Some(Seg::Change(..))) => bridge(t),
            _ => false,
        };
        if let (true, Seg::Equal(t)) = (joins, &seg)
            && let Some(Seg::Change(d, i)) = merged.last_mut()
            && let Some(Seg::Change(nd, ni)) = iter.next()
        {
            d.push_str(t);
            d.push_str(&nd);
            i.push_str(t);
            i.push_str(&ni);
            continue;
        }
        merged.push(seg);
    }
    let mut out = Vec::new();
    for seg in merged {
        match seg {
            Seg::Equal(text) => out.push(Piece {
                op: Op::Equal,
                text,
            }),
            Seg::Change(d, i) => {
                for (op, text) in [(Op::Delete, d), (Op::Insert, i)] {
                    if !text.is_empty() {
                        out.push(Piece { op, text });
                    }
                }
            }
        }
    }
    out
}

/// Line groups of a changed section for people: each line is context, removed, added, or a
/// line rewritten word by word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// An unchanged line around a change.
    Context(String),
    /// A line only in the old text.
    Removed(String),
    /// A line only in the new text.
    Added(String),
    /// Lines rewritten: runs of one line of the merged word diff.
    Rewritten(Vec<Piece>),
    /// Unchanged lines left out.
    Gap,
}

/// The lines to show for a changed section: changes with one line of context, rewritten lines
/// as word diffs.
pub fn display_lines(old: &str, new: &str) -> Vec<Line> {
    let (old_lines, new_lines) = (lines(old), lines(new));
    let ops = diff_tokens(Algorithm::Myers, &old_lines, &new_lines);
    let mut out = Vec::new();
    let strip = |s: &str| s.trim_end_matches(['\n', '\r']).to_string();
    for (g, group) in similar::group_diff_ops(ops, 1).iter().enumerate() {
        if g > 0 {
            out.push(Line::Gap);
        }
        for op in group {
            let old_part = old_lines.get(op.old_range()).unwrap_or_default();
            let new_part = new_lines.get(op.new_range()).unwrap_or_default();
            match op.tag() {
                DiffTag::Equal => out.extend(old_part.iter().map(|l| Line::Context(strip(l)))),
                DiffTag::Delete => out.extend(old_part.iter().map(|l| Line::Removed(strip(l)))),
                DiffTag::Insert => out.extend(new_part.iter().map(|l| Line::Added(strip(l)))),
                DiffTag::Replace => {
                    let (o, n) = (old_part.concat(), new_part.concat());
                    if similarity(&o, &n) < 0.4 {
                        // Rewritten beyond recognition: old lines out, new lines in.
                        out.extend(old_part.iter().map(|l| Line::Removed(strip(l))));
                        out.extend(new_part.iter().map(|l| Line::Added(strip(l))));
                    } else {
                        let pieces = word_diff(&o, &n);
                        out.extend(split_lines(pieces).into_iter().map(Line::Rewritten));
                    }
                }
            }
        }
    }
    // Blank context at the edges says nothing.
    while matches!(out.first(), Some(Line::Context(t)) if t.trim().is_empty()) {
        out.remove(0);
    }
    while matches!(out.last(), Some(Line::Context(t)) if t.trim().is_empty()) {
        out.pop();
    }
    out
}

/// A unified diff of the file `path` from `old` to `new`, as `git diff` prints it (`--- a/path`,
/// `+++ b/path`, three lines of context); empty when the texts are equal.
pub fn unified(old: &str, new: &str, path: &str) -> String {
    use std::fmt::Write as _;
    // Lines as git and patch count them: ended by `\n` only (a lone `\r` is part of a line).
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = diff_tokens(Algorithm::Myers, &old_lines, &new_lines);
    let mut out = String::new();
    for group in similar::group_diff_ops(ops, 3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        if out.is_empty() {
            let _ = writeln!(out, "--- a/{path}\n+++ b/{path}");
        }
        let range = |start: usize, end: usize| match end - start {
            1 => format!("{}", start + 1),
            0 => format!("{start},0"),
            len => format!("{},{len}", start + 1),
        };
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            range(first.old_range().start, last.old_range().end),
            range(first.new_range().start, last.new_range().end)
        );
        let mut put = |sign: char, line: &str| {
            out.push(sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        };
        for op in &group {
            // The side an op does not touch has an empty range.
            let (tag, old_range, new_range) = op.as_tag_tuple();
            if tag == DiffTag::Equal {
                old_lines[old_range].iter().for_each(|l| put(' ', l));
            } else {
                old_lines[old_range].iter().for_each(|l| put('-', l));
                new_lines[new_range].iter().for_each(|l| put('+', l));
            }
        }
    }
    out
}

/// For each line of `new` (1-based: index 0 is line 1), its number in `old` when the line is
/// unchanged between them, else `None`: so a place found in an edited text (the front matter a
/// release writes) can be shown where the writer sees it, in the file as it is.
pub fn old_line_numbers(old: &str, new: &str) -> Vec<Option<usize>> {
    let (old_lines, new_lines) = (lines(old), lines(new));
    let mut out = vec![None; new_lines.len()];
    for op in diff_tokens(Algorithm::Myers, &old_lines, &new_lines) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            for (o, n) in old_range.zip(new_range) {
                out[n] = Some(o + 1);
            }
        }
    }
    out
}

/// The one way `sop` runs a diff: over slices of text tokens (words, lines), so the diff
/// algorithms are compiled for one token type only.
fn diff_tokens(algorithm: Algorithm, old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    similar::capture_diff_slices(algorithm, old, new)
}

/// `text` as runs of words and of the whitespace between them (together, `text` again).
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (at, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..at]);
            start = at;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// `text` as lines, each with its line end (`\n`, `\r\n` or a lone `\r`).
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        let end = match bytes[at] {
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => at + 2,
            b'\r' | b'\n' => at + 1,
            _ => {
                at += 1;
                continue;
            }
        };
        out.push(&text[start..end]);
        start = end;
        at = end;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Split runs at line ends into one list of runs per line (trailing newline dropped).
fn split_lines(pieces: Vec<Piece>) -> Vec<Vec<Piece>> {
    let mut lines: Vec<Vec<Piece>> = vec![Vec::new()];
    for p in pieces {
        let mut first = true;
        for seg in p.text.split('\n') {
            if !first {
                lines.push(Vec::new());
            }
            first = false;
            let seg = seg.trim_end_matches('\r');
            if !seg.is_empty()
                && let Some(line) = lines.last_mut()
            {
                line.push(Piece {
                    op: p.op,
                    text: seg.to_string(),
                });
            }
        }
    }
    while lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    lines
}

/// The text of an SOP read from git, and how to name where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revisioned {
    /// For people: `1.2.0 (tag SOP-0001/v1.2.0)`, `main (3f2a1bc)`.
    pub label: String,
    /// The full commit id.
    pub commit: String,
    /// The file's text.
    pub text: String,
}

/// Why a revision could not give the SOP's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No tag for that version.
    NoSuchVersion {
        /// The tag looked for.
        tag: String,
    },
    /// The name is no tag, branch or commit.
    NoSuchRevision,
    /// The revision exists but the SOP is not in it.
    NotInRevision {
        /// The commit id.
        commit: String,
        /// For people, as [`Revisioned::label`].
        label: String,
    },
}

impl Repo {
    /// The text of the SOP at `path` (relative to the SOP root) with id `id` at `spec`: a version
    /// number (`1.2.0` or `v1.2.0`, read from its release tag), a tag name, or any revision git
    /// understands (`HEAD~2`, a branch, a commit id).
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn read_revision(
        &self,
        settings: &crate::repo::Settings,
        id: &str,
        path: &str,
        spec: &str,
    ) -> Result<Result<Revisioned, Missing>, GitError> {
        let git = self;
        let repo = &git.repo;
        let bare = spec.strip_prefix('v').unwrap_or(spec);
        let (refname, label) = if semver::Version::parse(bare).is_ok() {
            let tag = settings.tag_name(id, bare);
            if repo.find_reference(&format!("refs/tags/{tag}")).is_err() {
                return Ok(Err(Missing::NoSuchVersion { tag }));
            }
            (format!("refs/tags/{tag}"), format!("{bare} (tag {tag})"))
        } else if repo.find_reference(&format!("refs/tags/{spec}")).is_ok() {
            (format!("refs/tags/{spec}"), format!("tag {spec}"))
        } else {
            (spec.to_string(), spec.to_string())
        };
        let Ok(commit) = repo
            .revparse_single(&refname)
            .and_then(|o| o.peel_to_commit())
        else {
            return Ok(Err(Missing::NoSuchRevision));
        };
        let id_str = commit.id().to_string();
        drop(commit);
        let short: String = id_str.chars().take(7).collect();
        let label = if label.starts_with(bare) && label.contains("(tag") {
            label
        } else {
            format!("{label} ({short})")
        };
        match git.texts().reader().at_commit(&id_str, path) {
            Some(text) => Ok(Ok(Revisioned {
                label,
                commit: id_str,
                text,
            })),
            None => Ok(Err(Missing::NotInRevision {
                commit: id_str,
                label,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_line_numbers_follow_unchanged_lines_past_added_keys() {
        let old = "---\nid: A\nstatus: draft\n---\n\nBody\r\nEnd\n";
        let new = "---\nid: A\nstatus: approved\napprovers: [B]\n---\n\nBody\r\nEnd\n";
        assert_eq!(
            old_line_numbers(old, new),
            vec![
                Some(1),
                Some(2),
                None,
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7)
            ]
        );
        assert_eq!(old_line_numbers("", "a\n"), vec![None]);
    }

    fn join(pieces: &[Piece], keep: Op) -> String {
        pieces
            .iter()
            .filter(|p| p.op == Op::Equal || p.op == keep)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn word_diff_joins_back_to_both_texts() {
        let (a, b) = (
            "Reply with the macro.\nClose it.\n",
            "Reply with the new macro today.\nClose it.\n",
        );
        let w = word_diff(a, b);
        assert_eq!(join(&w, Op::Delete), a);
        assert_eq!(join(&w, Op::Insert), b);
        assert!(
            w.iter()
                .any(|p| p.op == Op::Insert && p.text.contains("new"))
        );
    }

    #[test]
    fn rewritten_phrases_read_as_one_run() {
        let w = word_diff("one two three four", "one six seven four");
        let ops: Vec<(Op, &str)> = w.iter().map(|p| (p.op, p.text.as_str())).collect();
        assert_eq!(
            ops,
            [
                (Op::Equal, "one "),
                (Op::Delete, "two three"),
                (Op::Insert, "six seven"),
                (Op::Equal, " four")
            ]
        );
    }

    fn sop(body: &str) -> Sop {
        Sop::parse(
            "sops/a/SOP-1-a.md".into(),
            format!("---\nid: SOP-1\nversion: 1.0.0\n---\n{body}"),
            "SOP",
        )
    }

    #[test]
    fn a_section_under_a_new_heading_is_renamed() {
        let old = sop("## Escalation\n\nCall the lead.\nThen the manager.\n\n## B\n\nb\n");
        let new = sop("## Escalation path\n\nCall the lead.\nThen the manager.\n\n## B\n\nb\n");
        let d = compare(&old, &new);
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].change, Change::Renamed);
        assert_eq!(d.sections[0].old_heading.as_deref(), Some("Escalation"));
        assert!(!d.sections[0].text_changed);
    }

    #[test]
    fn sections_are_added_removed_moved_and_changed() {
        let old = sop("## A\n\na\n\n## B\n\nb\n\n## C\n\nc\n\n## D\n\nd\n");
        let new = sop("## A\n\na\n\n## C\n\nc changed\n\n## B\n\nb\n\n## E\n\ne\n");
        let d = compare(&old, &new);
        let got: Vec<(&str, Change)> = d
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.change))
            .collect();
        assert_eq!(
            got,
            [
                ("C", Change::Changed),
                ("B", Change::Moved),
                ("D", Change::Removed),
                ("E", Change::Added)
            ]
        );
        assert!(d.sections[0].text_changed);
        assert!(!d.sections[1].text_changed);
        assert_eq!(d.unchanged, ["A"]);
        assert!(d.front_matter.is_empty());
    }

    #[test]
    fn display_lines_show_rewrites_with_context() {
        let lines = display_lines(
            "a\nb\nReply with the macro.\nd\ne\n",
            "a\nb\nReply with the new macro.\nd\ne\n",
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], Line::Context("b".into()));
        assert!(matches!(&lines[1], Line::Rewritten(p) if p.len() == 3));
    }

    #[test]
    fn words_and_lines_split_text_into_pieces_that_join_back() {
        for text in [
            "",
            " ",
            "a",
            "  two  words\t\n",
            "één\u{a0}twee drie",
            "x\r\ny\rz\n\nw",
        ] {
            assert_eq!(words(text).concat(), text);
            assert_eq!(lines(text).concat(), text);
            let w = words(text);
            assert!(w.windows(2).all(|p| {
                let space = |t: &str| t.chars().all(char::is_whitespace);
                space(p[0]) != space(p[1])
            }));
        }
        assert_eq!(lines("x\r\ny\rz\n\nw"), ["x\r\n", "y\r", "z\n", "\n", "w"]);
        assert_eq!(words("a  b\n"), ["a", "  ", "b", "\n"]);
    }

    /// `git apply` takes each unified diff and turns the old text into the new one: the hunk
    /// headers, context and the "No newline at end of file" marks are what git reads.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn git_applies_the_unified_diff() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("", "one\ntwo\n"),
            ("one\ntwo\n", ""),
            ("no end", "no end\n"),
            ("end\n", "end\nmore"),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
                "1\n2x\n3\n4\n5\n6\n7\n8\n9\n10\n11x\n12\n",
            ),
            ("crlf\r\nline\r\n", "crlf\r\nchanged\r\n"),
            ("x\ry\nz\n", "x\ry\nZ\n"),
            ("a\nb\r", "a\nc\r"),
            ("same\n", "same\n"),
        ];
        let (dir, git) = crate::git::test_repo();
        for (i, (old, new)) in cases.into_iter().enumerate() {
            let name = format!("f{i}.md");
            let diff = unified(old, new, &name);
            assert_eq!(diff.is_empty(), old == new, "{diff}");
            if diff.is_empty() {
                continue;
            }
            std::fs::write(dir.path().join(&name), old).unwrap();
            std::fs::write(dir.path().join("p.diff"), &diff).unwrap();
            git(&["apply", "p.diff"]);
            let got = std::fs::read_to_string(dir.path().join(&name)).unwrap();
            assert_eq!(got, new, "{diff}");
        }
    }
}
