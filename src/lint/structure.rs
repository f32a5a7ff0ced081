//! Structure rules: the type's required sections (present, spelt right, in order, not empty),
//! duplicate sections, heading levels, H1 count and the final newline.
//!
//! Sections are the headings of the type's level (`[types.X] level`, 2 unless set), matched by
//! name or alias with a leading number and a trailing `:` or `?` ignored.

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::diag::{Edit, Finding, Fix};
use crate::repo::config::{SectionLevel, SopType};
use crate::repo::markdown::{Heading, Section};
use crate::repo::{Sop, Span};
use crate::words;

use super::registry::*;
use super::{Cx, finding, normalize_heading};

/// How close (Jaro-Winkler) a heading must be to a missing section to count as its misspelling.
const MISSPELLING_SCORE: f64 = 0.88;

pub(super) fn check(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    let level = sop
        .sop_type(cx.settings)
        .map_or(SectionLevel::default(), |ty| level_of(cx, ty));
    headings(sop, level, out);
    final_newline(sop, out);
    if let Some(ty) = sop.sop_type(cx.settings)
        && let Some(lookup) = cx.lookups.get(ty.name.as_str())
    {
        sections(cx, ty, lookup, sop, out);
    }
}

/// The heading level of `ty`'s sections.
fn level_of(cx: &Cx<'_>, ty: &SopType) -> SectionLevel {
    cx.settings
        .config
        .types
        .get(&ty.name)
        .and_then(|t| t.level)
        .unwrap_or_default()
}

/// The sections of `sop`: the headings of its type's level (level 2 without a type).
pub(super) fn sections_of<'s>(cx: &Cx<'_>, sop: &'s Sop) -> Cow<'s, [Section]> {
    let level = sop
        .sop_type(cx.settings)
        .map_or(SectionLevel::default(), |ty| level_of(cx, ty));
    if level == SectionLevel::default() {
        return Cow::Borrowed(&sop.outline().sections);
    }
    Cow::Owned(crate::repo::markdown::sections(
        sop.source.text(),
        sop.split.body,
        &sop.outline().headings,
        |l| level.admits(l),
    ))
}

/// The headings (`## Escalation`) of the required sections of `sop`'s type that it lacks, in
/// the type's order, at the type's heading level: what an editor offers to complete.
pub(crate) fn missing_sections(settings: &crate::repo::Settings, sop: &Sop) -> Vec<String> {
    let Some(ty) = sop.sop_type(settings) else {
        return Vec::new();
    };
    let level = settings
        .config
        .types
        .get(&ty.name)
        .and_then(|t| t.level)
        .unwrap_or_default();
    let hashes = match level {
        SectionLevel::Level(l) => "#".repeat(usize::from(l)),
        SectionLevel::Any => "##".to_string(),
    };
    let lookup = section_lookup(ty);
    let present: Vec<usize> = sop
        .outline()
        .headings
        .iter()
        .filter(|h| level.admits(h.level))
        .filter_map(|h| lookup.get(&normalize_heading(&h.text)).copied())
        .collect();
    ty.sections
        .iter()
        .enumerate()
        .filter(|(i, _)| !present.contains(i))
        .map(|(_, name)| format!("{hashes} {name}"))
        .collect()
}

/// Which required section (index into `ty.sections`) a normalized heading names, if any.
pub(super) fn section_lookup(ty: &SopType) -> FxHashMap<String, usize> {
    let mut map = FxHashMap::default();
    for (i, name) in ty.sections.iter().enumerate() {
        map.insert(normalize_heading(name), i);
        for alias in ty.aliases.get(name).into_iter().flatten() {
            map.entry(normalize_heading(alias)).or_insert(i);
        }
    }
    map
}

fn sections(
    cx: &Cx<'_>,
    ty: &SopType,
    lookup: &FxHashMap<String, usize>,
    sop: &Sop,
    out: &mut Vec<Finding>,
) {
    let list = sections_of(cx, sop);
    let hashes = match level_of(cx, ty) {
        SectionLevel::Level(l) => "#".repeat(usize::from(l)),
        SectionLevel::Any => "##".to_string(),
    };
    let heading_of = |si: usize| heading_of(sop, &list, si);
    // (required index, section index) in document order
    let mut found: Vec<Option<usize>> = vec![None; ty.sections.len()];
    let mut in_order: Vec<(usize, usize)> = Vec::new();
    let mut unmatched: Vec<usize> = Vec::new();
    // A required section is known by its index (whatever alias names it), another by its
    // normalized heading.
    let mut seen: HashMap<(Option<usize>, String), &Heading> = HashMap::new();
    for (si, section) in list.iter().enumerate() {
        let Some(h) = sop.outline().section_heading(section) else {
            continue;
        };
        let norm = normalize_heading(&h.text);
        let req = lookup.get(&norm).copied();
        let key = match req {
            Some(r) => (Some(r), String::new()),
            None => (None, norm),
        };
        if let Some(first) = seen.get(&key) {
            let first_line = sop.source.line_col(first.span.start).line;
            out.push(
                finding(
                    &SECTION_DUPLICATE,
                    sop,
                    h.span,
                    format!("the section `{}` appears a second time", h.text),
                )
                .label(format!("already started on line {first_line}"))
                .help("merge the two sections into one, or rename one of them"),
            );
            continue;
        }
        seen.insert(key, h);
        match req {
            Some(r) => {
                if let Some(slot) = found.get_mut(r) {
                    *slot = Some(si);
                }
                in_order.push((r, si));
            }
            None => unmatched.push(si),
        }
    }
    // Order: a required section that comes after one that should follow it.
    let mut latest: Option<(usize, usize)> = None;
    for &(r, si) in &in_order {
        match latest {
            Some((lr, lsi)) if r < lr => {
                if let (Some(h), Some(other)) = (heading_of(si), heading_of(lsi)) {
                    let name = ty.sections.get(r).map_or("", String::as_str);
                    let after = ty.sections.get(lr).map_or("", String::as_str);
                    out.push(
                        finding(
                            &SECTION_ORDER,
                            sop,
                            h.span,
                            format!("the section `{name}` should come before `{after}`"),
                        )
                        .label(format!(
                            "after `{}` on line {}",
                            other.text,
                            sop.source.line_col(other.span.start).line
                        ))
                        .help(format!(
                            "the type `{}` has its sections in this order: {}",
                            ty.name,
                            words::list(&ty.sections, "and")
                        )),
                    );
                }
            }
            _ => latest = Some((r, si)),
        }
    }
    // Empty sections.
    for &(_, si) in &in_order {
        if let (Some(section), Some(h)) = (list.get(si), heading_of(si))
            && !section.has_content
        {
            out.push(
                finding(
                    &SECTION_EMPTY,
                    sop,
                    h.span,
                    format!("the section `{}` is empty", h.text),
                )
                .label("nothing under this heading")
                .help("write the section; if it does not apply, say why in one sentence"),
            );
        }
    }
    // Missing sections, or misspelt headings of them.
    let missing: Vec<usize> = (0..ty.sections.len())
        .filter(|r| found.get(*r) == Some(&None))
        .collect();
    // A heading close to a section's name is a misspelling only of the spellings the file
    // writes its sections in: in another language a close heading is a word of that language
    // (`Excepciones` for `Exceptions`), no misspelling, and an alias makes it count.
    let written = spellings_in_use(cx, ty, sop, &list, lookup, &unmatched);
    let spelled = misspellings(ty, written, &heading_of, &missing, &unmatched);
    // Where each required section is in the file (or will be once its heading is corrected),
    // with the heading as the writer reads it: missing sections are placed next to these.
    let mut anchors: Vec<Option<(&Heading, String)>> = found
        .iter()
        .map(|f| f.and_then(heading_of).map(|h| (h, heading_line(sop, h))))
        .collect();
    let mut absent: Vec<usize> = Vec::new();
    for r in missing {
        let name = ty.sections.get(r).map_or("", String::as_str);
        if let Some((si, name)) = spelled.get(&r) {
            let (si, name) = (*si, name.as_str());
            if let Some(h) = heading_of(si) {
                let mut f = finding(
                    &SECTION_HEADING_MISSPELLED,
                    sop,
                    h.span,
                    format!(
                        "the heading `{}` looks like a misspelling of `{name}`",
                        h.text
                    ),
                )
                .label(format!("should be `{name}`"))
                .help(format!("rename the heading to `{hashes} {name}`"));
                if let Some(edit) = rename_heading(sop, h, name) {
                    f = f.fix(Fix::suggestion(
                        format!("rename the heading to \"{name}\""),
                        vec![edit],
                    ));
                }
                out.push(f);
                if let Some(slot) = anchors.get_mut(r) {
                    *slot = Some((h, format!("{hashes} {name}")));
                }
            }
            continue;
        }
        // A heading with the section's name at another level than the type's.
        let elsewhere = sop
            .outline()
            .headings
            .iter()
            .find(|h| h.level > 1 && lookup.get(&normalize_heading(&h.text)) == Some(&r));
        if let (Some(h), SectionLevel::Level(l)) = (elsewhere, level_of(cx, ty)) {
            let found = format!("{} {}", "#".repeat(usize::from(h.level)), h.text.trim());
            out.push(
                finding(
                    &SECTION_MISSING,
                    sop,
                    h.span,
                    format!(
                        "the required section `{name}` is missing: `{found}` is a level {} heading",
                        h.level
                    ),
                )
                .label(format!("level {}, not {l}", h.level))
                .help(format!(
                    "found `{found}` (level {}); this type's sections are level {l} (`{hashes} {name}`): change the heading, or set `[types.{}] level`",
                    h.level, ty.name
                )),
            );
            if let Some(slot) = anchors.get_mut(r) {
                *slot = Some((h, format!("{hashes} {name}")));
            }
            continue;
        }
        absent.push(r);
    }
    let order = words::list(&ty.sections, "and");
    // Headings in another script that name no section (`## 目的`) where missing ones belong,
    // or any such heading in a file in another language (`## Alcance`): the section in the
    // writer's language, which an alias makes count.
    let mut foreign: Vec<&Heading> = unmatched
        .iter()
        .filter(|si| !spelled.values().any(|(s, _)| s == *si))
        .filter_map(|&si| heading_of(si))
        .filter(|h| !written.names || h.text.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
        .collect();
    for &r in &absent {
        let name = ty.sections.get(r).map_or("", String::as_str);
        let present = |q: &usize| anchors.get(*q).is_some_and(Option::is_some);
        let anchor = |q: Option<usize>| q.and_then(|q| anchors.get(q)).and_then(Option::as_ref);
        // The sections that exist (or will) nearest before and after it in the type's order.
        let before_at = (0..r).rev().find(present);
        let before = anchor(before_at);
        let after = anchor(((r + 1)..ty.sections.len()).find(present));
        // A missing section that goes between `before` and this one: this one goes after it.
        let chained = absent
            .iter()
            .copied()
            .filter(|&m| m < r && before_at.is_none_or(|b| b < m))
            .max()
            .and_then(|m| ty.sections.get(m));
        let add = format!("add `{hashes} {name}`");
        let (span, label) = match (before, after) {
            (Some((h, _)), next) => (
                h.span,
                match (chained, next) {
                    (Some(m), _) => format!("{add} after `{hashes} {m}`, which is missing too"),
                    (None, Some((_, n))) => format!("{add} after this section, before `{n}`"),
                    (None, None) => format!("{add} after this section"),
                },
            ),
            (None, Some((h, _))) => (
                h.span,
                match chained {
                    Some(m) => format!("{add} after `{hashes} {m}`, which is missing too"),
                    None => format!("{add} before this heading"),
                },
            ),
            (None, None) => match list.first().and_then(|s| sop.outline().section_heading(s)) {
                // Sections of other names only: the required ones go first.
                Some(h) => (
                    h.span,
                    match chained {
                        Some(m) => format!("{add} after `{hashes} {m}`, which is missing too"),
                        None => format!("{add} before this heading"),
                    },
                ),
                None => (
                    sop.source.line_span(1),
                    "this file has no sections yet".to_string(),
                ),
            },
        };
        // The heading is there, but inside an HTML comment (often one left open above it).
        if let Some(f) = commented_out(sop, name, &hashes) {
            out.push(f.order(u32::try_from(r).unwrap_or(u32::MAX)));
            continue;
        }
        let no_sections = before.is_none() && after.is_none() && list.is_empty();
        // The first such heading between the sections before and after this one.
        let translated = foreign
            .iter()
            .position(|h| {
                before.is_none_or(|(b, _)| b.span.start < h.span.start)
                    && after.is_none_or(|(a, _)| h.span.start < a.span.start)
            })
            .map(|i| foreign.remove(i));
        let help = if let Some(h) = translated {
            format!(
                "if `{} {}` (line {}) is `{name}` in another language, name it in `sop.toml` and it counts: `[types.{}.aliases]` with the line `\"{name}\" = [\"{}\"]`; otherwise add the section",
                "#".repeat(usize::from(h.level)),
                h.text.trim(),
                sop.source.line_col(h.span.start).line,
                ty.name,
                h.text.trim().replace('"', "\\\""),
            )
        } else if no_sections {
            format!(
                "write the sections of the type `{}` after the front matter, in this order: {order}; each a `{hashes} ` heading with its content below it",
                ty.name
            )
        } else {
            format!(
                "the type `{}` has the sections {order}, in this order; write each as a `{hashes} ` heading with its content below it",
                ty.name
            )
        };
        out.push(
            finding(
                &SECTION_MISSING,
                sop,
                span,
                format!("the required section `{name}` is missing"),
            )
            .label(label)
            .help(help)
            .order(u32::try_from(r).unwrap_or(u32::MAX)),
        );
    }
}

/// Which spellings of its type's sections a file writes its headings in: a heading close to
/// one of these (and to no other section) is its misspelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spellings {
    /// The sections' names.
    names: bool,
    /// Their aliases (a team's names for them in another language, `Alcance` for `Scope`).
    aliases: bool,
}

/// The spellings `sop`'s section headings (`list`; `unmatched` the indexes of those that name
/// no section) are written in. The names are the file's when it is in their language (the
/// built-in names are English; a team's own, in the site's language) and its headings are not
/// the built-in English names the team replaced; in any file, the names or the aliases that
/// most of its headings are written with exactly, as an English translation that keeps
/// `## Scope` on a Spanish site.
fn spellings_in_use(
    cx: &Cx<'_>,
    ty: &SopType,
    sop: &Sop,
    list: &[Section],
    lookup: &FxHashMap<String, usize>,
    unmatched: &[usize],
) -> Spellings {
    let base = |tag: &str| {
        let tag = tag.trim();
        tag.split(['-', '_'])
            .next()
            .unwrap_or(tag)
            .to_ascii_lowercase()
    };
    let builtin = crate::repo::config::BUILTIN_TYPES
        .iter()
        .find(|(name, ..)| ty.builtin && *name == ty.name)
        .map(|(_, _, sections)| *sections);
    let renamed = builtin.filter(|b| !b.iter().eq(ty.sections.iter()));
    let site = &cx.settings.config.site.language;
    let names_language = if builtin.is_some() && renamed.is_none() {
        "en"
    } else {
        site.as_str()
    };
    let language = sop
        .language()
        .filter(|l| !l.trim().is_empty())
        .unwrap_or(site);
    let normalized = |si: usize| {
        list.get(si)
            .and_then(|s| sop.outline().section_heading(s))
            .map(|h| normalize_heading(&h.text))
    };
    let (mut by_name, mut by_alias) = (0, 0);
    for si in 0..list.len() {
        let Some(norm) = normalized(si) else { continue };
        match lookup.get(&norm) {
            Some(&r) if ty.sections.get(r).map(|n| normalize_heading(n)) == Some(norm) => {
                by_name += 1;
            }
            Some(_) => by_alias += 1,
            None => {}
        }
    }
    let english = renamed.map_or(0, |names| {
        unmatched
            .iter()
            .filter_map(|&si| normalized(si))
            .filter(|norm| names.iter().any(|n| normalize_heading(n) == *norm))
            .count()
    });
    let most = |n: usize| n > 0 && n >= unmatched.len();
    Spellings {
        names: (base(language) == base(names_language) && english <= by_name) || most(by_name),
        aliases: most(by_alias) || (by_alias > 0 && base(language) == base(names_language)),
    }
}

/// `section-missing` for a section whose heading (`## Escalation`) is written inside an HTML
/// comment: the writer sees it in the file, the site and lint do not.
fn commented_out(sop: &Sop, name: &str, hashes: &str) -> Option<Finding> {
    let wanted = normalize_heading(name);
    sop.outline().comments.iter().find_map(|c| {
        let raw = sop.slice(*c);
        let mut at = c.start;
        for line in raw.split_inclusive('\n') {
            let start = at;
            at += line.len();
            let text = line.trim();
            let Some(title) = text.strip_prefix(hashes).filter(|t| t.starts_with(' ')) else {
                continue;
            };
            if normalize_heading(title) != wanted {
                continue;
            }
            let opened = sop.source.line_col(c.start).line;
            let open = !raw.ends_with("-->");
            let help = if open {
                format!(
                    "the comment `<!--` on line {opened} is never closed: close it with `-->` before this heading, where the note ends"
                )
            } else {
                format!(
                    "move `{hashes} {name}` and its content out of the comment that starts on line {opened}, or remove the comment's `<!--` and `-->`"
                )
            };
            return Some(
                finding(
                    &SECTION_MISSING,
                    sop,
                    Span::new(start, start + line.trim_end().len()),
                    format!(
                        "the required section `{name}` is inside an HTML comment, so it is not part of the SOP"
                    ),
                )
                .label(format!("inside the comment opened on line {opened}"))
                .help(help),
            );
        }
        None
    })
}

/// The heading line as written (`## Roles & Responsibilities`), else its level and text.
fn heading_line(sop: &Sop, h: &Heading) -> String {
    let line = sop.slice(h.span).trim();
    if line.starts_with('#') && !line.contains('\n') {
        let body = line.trim_end_matches('#').trim_end();
        return if body.is_empty() {
            line.to_string()
        } else {
            body.to_string()
        };
    }
    format!("{} {}", "#".repeat(usize::from(h.level)), h.text.trim())
}

fn heading_of<'s>(sop: &'s Sop, list: &[Section], section: usize) -> Option<&'s Heading> {
    list.get(section)
        .and_then(|s| sop.outline().section_heading(s))
}

/// Missing required section → the one unmatched heading that clearly misspells it.
/// The headings (index into the sections) that misspell a missing section (index into
/// `ty.sections`), each with the spelling it is closest to: the section's name or an alias,
/// as `written` says the file spells its sections.
fn misspellings<'s>(
    ty: &SopType,
    written: Spellings,
    heading_of: &dyn Fn(usize) -> Option<&'s Heading>,
    missing: &[usize],
    unmatched: &[usize],
) -> HashMap<usize, (usize, String)> {
    let comparable = |s: &str| normalize_heading(s).replace('&', "and").replace("  ", " ");
    // Each missing section's spellings the file may have meant.
    let spellings: Vec<(usize, &str)> = missing
        .iter()
        .flat_map(|&r| {
            let name = ty.sections.get(r).map_or("", String::as_str);
            let aliases = ty.aliases.get(name).into_iter().flatten();
            written
                .names
                .then_some(name)
                .into_iter()
                .chain(aliases.filter(|_| written.aliases).map(String::as_str))
                .map(move |s| (r, s))
        })
        .collect();
    let mut best_for_heading: Vec<(usize, usize, f64, &str)> = Vec::new();
    for &si in unmatched {
        let Some(h) = heading_of(si) else {
            continue;
        };
        let text = comparable(&h.text);
        // The best score of each section, by its closest spelling.
        let mut scores: Vec<(usize, f64, &str)> = Vec::new();
        for &(r, spelling) in &spellings {
            let score = strsim::jaro_winkler(&text, &comparable(spelling));
            match scores.iter_mut().find(|s| s.0 == r) {
                Some(s) if score > s.1 => *s = (r, score, spelling),
                Some(_) => {}
                None => scores.push((r, score, spelling)),
            }
        }
        scores.sort_by(|a, b| b.1.total_cmp(&a.1));
        if let Some(&(r, score, spelling)) = scores.first() {
            let runner_up = scores.get(1).map_or(0.0, |s| s.1);
            if score >= MISSPELLING_SCORE && score - runner_up > 0.03 {
                best_for_heading.push((r, si, score, spelling));
            }
        }
    }
    let mut out: HashMap<usize, (usize, f64, &str, bool)> = HashMap::new();
    for (r, si, score, spelling) in best_for_heading {
        out.entry(r)
            .and_modify(|e| {
                // Two headings claim the same section: not one clear match.
                e.3 = false;
                if score > e.1 {
                    *e = (si, score, spelling, false);
                }
            })
            .or_insert((si, score, spelling, true));
    }
    out.into_iter()
        .filter(|(_, (.., clear))| *clear)
        .map(|(r, (si, _, spelling, _))| (r, (si, spelling.to_string())))
        .collect()
}

/// The edit that renames an ATX heading's text, keeping its `#`s.
fn rename_heading(sop: &Sop, h: &Heading, name: &str) -> Option<Edit> {
    let line = sop.slice(h.span);
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    if hashes == 0 || line.contains('\n') {
        return None;
    }
    let rest = &line[hashes..];
    let lead = rest.len() - rest.trim_start().len();
    let start = h.span.start + hashes + lead;
    let body = rest.trim();
    // Keep closing `#`s of `## Title ##`.
    let text_len = body.trim_end_matches('#').trim_end().len();
    Some(Edit {
        span: Span::new(start, start + text_len),
        replacement: name.to_string(),
    })
}

/// `sections`: the level of the type's sections, which may follow the title directly (a formal
/// SOP's `### 4. Purpose` under its `#` title is not a skipped level).
fn headings(sop: &Sop, sections: SectionLevel, out: &mut Vec<Finding>) {
    let mut previous = 1u8;
    let mut h1s = 0;
    for h in &sop.outline().headings {
        if h.level == 1 {
            h1s += 1;
            if h1s > 1 {
                out.push(
                    finding(
                        &H1_MULTIPLE,
                        sop,
                        h.span,
                        "the SOP has more than one level-1 heading",
                    )
                    .label("another `# ` heading")
                    .help("the title comes from the front matter: make this a section with `## `"),
                );
            }
        }
        let section_under_title = previous == 1 && h.level > 2 && sections.admits(h.level);
        if h.level > previous + 1 && !section_under_title {
            let hashes = "#".repeat(usize::from(previous) + 1);
            out.push(
                finding(
                    &HEADING_LEVEL_SKIPPED,
                    sop,
                    h.span,
                    format!(
                        "this heading jumps from level {previous} to level {}",
                        h.level
                    ),
                )
                .label(format!("level {} under level {previous}", h.level))
                .help(format!("use `{hashes} ` for this heading")),
            );
        }
        previous = h.level;
    }
}

fn final_newline(sop: &Sop, out: &mut Vec<Finding>) {
    let text = sop.source.text();
    if text.is_empty() || text.ends_with('\n') {
        return;
    }
    let last = text.chars().next_back().map_or(0, char::len_utf8);
    let end = text.len();
    out.push(
        finding(
            &FINAL_NEWLINE_MISSING,
            sop,
            Span::new(end - last, end),
            "the file does not end with a line break",
        )
        .label("last character of the file")
        .help("add a line break at the end of the file")
        .fix(Fix::safe(
            "added a line break at the end of the file",
            vec![Edit {
                span: Span::empty(end),
                // The ending most lines of the file use, so the fix never mixes them.
                replacement: crate::repo::encoding::dominant(text).as_str().into(),
            }],
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::diag::Finding;
    use crate::lint::check;
    use crate::repo::source::SourceFile;
    use crate::repo::{Corpus, Repo, Settings, Sop};

    fn rules(body: &str) -> Vec<(&'static str, String)> {
        rules_with("", body)
    }

    fn rules_with(config: &str, body: &str) -> Vec<(&'static str, String)> {
        findings(config, "checklist", body)
            .0
            .into_iter()
            .map(|f| (f.rule.id, f.message))
            .collect()
    }

    /// The findings of one SOP of type `sop_type` whose body is `body`, in the order lint
    /// found them, and the SOP's text.
    fn findings(config: &str, sop_type: &str, body: &str) -> (Vec<Finding>, SourceFile) {
        let text = format!(
            "---\nid: SOP-0001\ntitle: T\ntype: {sop_type}\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n---\n{body}"
        );
        findings_of(config, text)
    }

    /// The findings of the SOP `text`, in the order lint found them, and its text.
    fn findings_of(config: &str, text: String) -> (Vec<Finding>, SourceFile) {
        let repo = Repo {
            root: std::env::temp_dir(),
            settings: Settings::parse(config, std::path::Path::new("sop.toml")).unwrap(),
            tracked: None,
        };
        let sop = Sop::parse("sops/a/SOP-0001-a.md".into(), text, "SOP");
        let source = sop.source.clone();
        let corpus = Corpus {
            sops: vec![sop],
            broken: Vec::new(),
        };
        (check(&repo, &corpus).unwrap(), source)
    }

    #[test]
    fn a_section_inside_a_comment_is_named_so() {
        let open = rules("## Purpose\n\nWhy.\n\n<!-- a note\n\n## Checklist\n\n- [ ] x\n");
        let missing: Vec<&String> = open
            .iter()
            .filter(|f| f.0 == "section-missing")
            .map(|f| &f.1)
            .collect();
        assert_eq!(
            missing,
            [
                "the required section `Checklist` is inside an HTML comment, so it is not part of the SOP"
            ]
        );
        let (found, _) = findings(
            "",
            "checklist",
            "## Purpose\n\nWhy.\n\n<!--\n## Checklist\n\n- [ ] x\n-->\n",
        );
        let help = found
            .iter()
            .find(|f| f.rule.id == "section-missing")
            .and_then(|f| f.help.clone())
            .unwrap();
        assert!(
            help.starts_with(
                "move `## Checklist` and its content out of the comment that starts on line"
            ),
            "{help}"
        );
    }

    #[test]
    fn numbered_and_cased_headings_match() {
        assert!(rules("## 1. PURPOSE:\n\nWhy.\n\n## 2) Checklist\n\n- [ ] x\n").is_empty());
    }

    #[test]
    fn sections_at_level_three_with_numbers_letters_and_numerals_match() {
        let config = "[types.checklist]\nlevel = 3\n";
        let body = "# Checklist for refunds\n\n## 1 General\n\n### IV. Purpose?\n\nWhy.\n\n### A) Checklist:\n\n- [ ] x\n";
        assert!(
            rules_with(config, body).is_empty(),
            "{:?}",
            rules_with(config, body)
        );
        // At the default level the same headings are not sections.
        let found = rules(body);
        assert!(found.iter().all(|f| f.0 == "section-missing"), "{found:?}");
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn a_missing_section_is_named_at_the_types_level() {
        let found = rules_with(
            "[types.checklist]\nlevel = 3\n",
            "# Title\n\n### 4. Purpose\n\nWhy.\n\n## Checklist\n\n- [ ] x\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "section-missing");
        let found = rules_with(
            "[types.checklist]\nlevel = 3\n",
            "## Part one\n\n### Purpose\n\n### Checklist\n\n- [ ] x\n",
        );
        assert_eq!(
            found,
            [(
                "section-empty",
                "the section `Purpose` is empty".to_string()
            )]
        );
    }

    #[test]
    fn any_level_takes_sections_wherever_they_are() {
        let config = "[types.checklist]\nlevel = \"any\"\n";
        assert!(
            rules_with(
                config,
                "# 1. Purpose\n\nWhy.\n\n## Part one\n\n### Checklist\n\n- [ ] x\n"
            )
            .is_empty()
        );
        let err = Settings::parse(
            "[types.checklist]\nlevel = 7\n",
            std::path::Path::new("sop.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`level` must be a whole number from 1 to 6"),
            "{err}"
        );
    }

    #[test]
    fn a_close_heading_is_a_misspelling_not_a_missing_section() {
        let found = rules("## Purpose\n\nWhy.\n\n## Checklst\n\n- [ ] x\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "section-heading-misspelled");
    }

    #[test]
    fn headings_in_another_language_than_the_sites_are_no_misspellings() {
        let text = |language: &str| {
            format!(
                "---\nid: SOP-0001\ntitle: T\ntype: policy\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n{language}---\n\n## Propósito\n\nx\n\n## Alcance\n\nx\n\n## Política\n\nx\n\n## Roles y responsabilidades\n\nx\n\n## Excepciones\n\nx\n\n## Referencias\n\nx\n"
            )
        };
        let helps = |config: &str, language: &str| -> Vec<(&'static str, String)> {
            findings_of(config, text(language))
                .0
                .into_iter()
                .map(|f| (f.rule.id, f.help.unwrap_or_default()))
                .collect()
        };
        let es = helps("", "language: es\n");
        assert!(
            es.iter().all(|(rule, _)| *rule == "section-missing"),
            "{es:#?}"
        );
        // Each section is offered the heading in its place, as an alias.
        for (name, heading) in [
            ("Purpose", "Propósito"),
            ("Scope", "Alcance"),
            ("Policy", "Política"),
            ("Roles and Responsibilities", "Roles y responsabilidades"),
            ("Exceptions", "Excepciones"),
            ("References", "Referencias"),
        ] {
            let line = format!("`\"{name}\" = [\"{heading}\"]`");
            assert!(es.iter().any(|(_, h)| h.contains(&line)), "{line}: {es:#?}");
        }
        // On a Spanish site too: the built-in names are English, whatever the site's language.
        for language in ["language: es\n", ""] {
            let site_es = helps("[site]\nlanguage = \"es\"\n", language);
            assert!(
                site_es.iter().all(|(rule, _)| *rule == "section-missing"),
                "{site_es:#?}"
            );
        }
        // In the names' own language, a close heading is a misspelling.
        let en = helps("", "");
        assert!(
            en.iter()
                .any(|(rule, _)| *rule == "section-heading-misspelled"),
            "{en:#?}"
        );
    }

    /// Each language's exact names count (the type's names, or aliases naming them in another
    /// language), and a heading is a misspelling only of the names the file is written in.
    #[test]
    fn only_near_misses_of_the_names_a_file_is_written_in_are_misspellings() {
        const EN: &[&str] = &[
            "Purpose",
            "Scope",
            "Policy",
            "Roles and Responsibilities",
            "Exceptions",
            "References",
        ];
        const ES: &[&str] = &[
            "Propósito",
            "Alcance",
            "Política",
            "Roles y responsabilidades",
            "Excepciones",
            "Referencias",
        ];
        let site_es = "[site]\nlanguage = \"es\"\n";
        let quoted = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let aliases = |from: &[&str], to: &[&str]| {
            from.iter()
                .zip(to)
                .map(|(a, b)| format!("\"{a}\" = [\"{b}\"]\n"))
                .collect::<String>()
        };
        let es_aliases = format!("[types.policy.aliases]\n{}", aliases(EN, ES));
        let spanish_types = format!("[types.policy]\nsections = [{}]\n", quoted(ES));
        let spanish_with_en = format!("{spanish_types}[types.policy.aliases]\n{}", aliases(ES, EN));
        // (sop.toml, the file's `language:`, its headings) → what lint says of the sections.
        let said = |config: &str, language: &str, headings: &[&str]| -> Vec<String> {
            let body: String = headings
                .iter()
                .map(|h| format!("## {h}\n\nx\n\n"))
                .collect();
            let text = format!(
                "---\nid: SOP-0001\ntitle: T\ntype: policy\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n{language}---\n\n{body}"
            );
            findings_of(config, text)
                .0
                .into_iter()
                .filter(|f| f.rule.id.starts_with("section"))
                .map(|f| format!("{}: {}", f.rule.id, f.message))
                .collect()
        };
        let mut misspelt_es = ES.to_vec();
        misspelt_es[5] = "Referencas";
        let mut misspelt_en = EN.to_vec();
        misspelt_en[5] = "Referenses";
        let of = |heading: &str, name: &str| {
            vec![format!(
                "section-heading-misspelled: the heading `{heading}` looks like a misspelling of `{name}`"
            )]
        };
        let none: Vec<String> = Vec::new();
        let es_site_aliases = format!("{site_es}{es_aliases}");
        let es_site_types = format!("{site_es}{spanish_with_en}");
        for (config, language, headings, expected) in [
            // Either language's exact names count.
            (es_site_aliases.as_str(), "", EN, none.clone()),
            (es_site_aliases.as_str(), "", ES, none.clone()),
            (es_site_types.as_str(), "", EN, none.clone()),
            (es_site_types.as_str(), "", ES, none.clone()),
            (es_aliases.as_str(), "language: es\n", EN, none.clone()),
            // A near miss is one of the names the file is written in, in either language.
            (
                es_site_aliases.as_str(),
                "",
                &misspelt_es[..],
                of("Referencas", "Referencias"),
            ),
            (
                es_site_types.as_str(),
                "",
                &misspelt_en[..],
                of("Referenses", "References"),
            ),
            (
                es_aliases.as_str(),
                "language: es\n",
                &misspelt_es[..],
                of("Referencas", "Referencias"),
            ),
            (
                "",
                "language: es\n",
                &misspelt_en[..],
                of("Referenses", "References"),
            ),
        ] {
            assert_eq!(
                said(config, language, headings),
                expected,
                "{config}{language}{headings:?}"
            );
        }
        // English headings on a site whose names are Spanish, without aliases: no misspellings
        // of the Spanish names; each missing section is offered the heading as an alias.
        let found = said(&format!("{site_es}{spanish_types}"), "", EN);
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(
            found.iter().all(|f| f.starts_with("section-missing")),
            "{found:#?}"
        );
        // A translation that keeps one English heading is still written in its own language.
        let mut mixed = ES.to_vec();
        mixed[0] = "Purpose";
        let found = said("", "language: es\n", &mixed);
        assert!(
            found.iter().all(|f| f.starts_with("section-missing")),
            "{found:#?}"
        );
    }

    #[test]
    fn an_unrelated_heading_is_not_taken_for_a_misspelling() {
        let found = rules("## Purpose\n\nWhy.\n\n## Glossary\n\nWords.\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "section-missing");
    }

    /// (rule, line, label) of each finding, in report order.
    fn placed(config: &str, body: &str) -> Vec<(&'static str, usize, String)> {
        let (mut found, source) = findings(config, "alert-runbook", body);
        crate::lint::sort(&mut found);
        found
            .into_iter()
            .map(|f| {
                let line = f.span.map_or(0, |s| source.line_col(s.start).line);
                (f.rule.id, line, f.label.unwrap_or_default())
            })
            .collect()
    }

    const ALERT: &str = "[types.alert-runbook]\nsections = [\"Meaning\", \"Trigger\", \"Impact\", \"Diagnosis\", \"Mitigation\"]\n";

    // See #16: missing sections in the type's order, each placed next to a section that
    // exists; following the advice gives no `section-order`.
    #[test]
    fn missing_sections_are_placed_in_the_types_order_next_to_existing_ones() {
        let found = placed(ALERT, "\n## Impact\n\nx\n\n## Mitigation\n\nx\n");
        assert_eq!(
            found,
            [
                (
                    "section-missing",
                    11,
                    "add `## Meaning` before this heading".to_string()
                ),
                (
                    "section-missing",
                    11,
                    "add `## Trigger` after `## Meaning`, which is missing too".to_string()
                ),
                (
                    "section-missing",
                    11,
                    "add `## Diagnosis` after this section, before `## Mitigation`".to_string()
                ),
            ]
        );
        let found = placed(ALERT, "\n## Meaning\n\nx\n\n## Trigger\n\nx\n");
        let labels: Vec<(usize, &str)> = found.iter().map(|f| (f.1, f.2.as_str())).collect();
        assert_eq!(
            labels,
            [
                (15, "add `## Impact` after this section"),
                (
                    15,
                    "add `## Diagnosis` after `## Impact`, which is missing too"
                ),
                (
                    15,
                    "add `## Mitigation` after `## Diagnosis`, which is missing too"
                ),
            ]
        );
    }

    // See #16: with no section at all the caret is on line 1, not on a code fence.
    #[test]
    fn a_file_without_sections_gets_the_caret_on_line_one() {
        let found = placed(ALERT, "\nSome text.\n\n```sh\ndf -h\n```\n");
        assert_eq!(found.len(), 5, "{found:?}");
        for f in &found {
            assert_eq!(
                (f.0, f.1, f.2.as_str()),
                ("section-missing", 1, "this file has no sections yet")
            );
        }
    }

    #[test]
    fn order_empty_and_duplicates_are_each_reported() {
        let found = rules("## Checklist\n\n- [ ] x\n\n## Purpose\n\n## Purpose\n\nWhy.\n");
        let ids: Vec<&str> = found.iter().map(|f| f.0).collect();
        // Same heading: sorted by rule id.
        assert_eq!(ids, ["section-empty", "section-order", "section-duplicate"]);
    }
}
