//! Completion: front-matter keys the SOP lacks and their values (statuses, types, the
//! departments and owners the repository already uses, dates, ids), links to the other SOPs
//! relative to the document's folder and the anchors of their headings, the type's missing
//! section headings, and SOP ids in the text.
//!
//! Every item replaces exactly what was typed (a text edit), so editors that split words
//! differently (`/`, `#`, `-`, spaces in names) all insert the same text.

use std::collections::BTreeMap;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Documentation,
    Position, TextEdit,
};

use super::View;
use super::hover::resolve;
use crate::repo::dates;
use crate::repo::keys::KEYS;
use crate::repo::markdown::percent_decode;
use crate::repo::{Sop, Span, Status};

/// The items at `pos`; `None` when there is nothing to offer there.
pub(crate) fn complete(view: &View<'_>, pos: Position) -> Option<CompletionResponse> {
    let text = view.text();
    let at = view.offset(pos);
    let line = view.lines.line_of(at);
    let line_start = view.lines.line_start(line, text);
    let prefix = text.get(line_start..at)?;
    let items = if in_front_matter(view.sop, line_start) {
        front_matter(view, at, line_start, prefix)
    } else {
        body(view, at, line_start, prefix)
    };
    (!items.is_empty()).then_some(CompletionResponse::Array(items))
}

/// Whether the line starting at `line_start` is a line of the front matter (also while its
/// closing `---` is not written yet).
fn in_front_matter(sop: &Sop, line_start: usize) -> bool {
    match (sop.split.yaml, sop.split.unclosed) {
        (Some(yaml), _) => yaml.start <= line_start && line_start < yaml.end,
        (None, Some(opening)) => line_start > opening.end,
        (None, None) => false,
    }
}

/// An item that replaces `text[from..to]` with `insert`.
fn item(
    view: &View<'_>,
    label: impl Into<String>,
    kind: CompletionItemKind,
    span: Span,
    insert: impl Into<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.into(),
        kind: Some(kind),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            view.range(span),
            insert.into(),
        ))),
        ..CompletionItem::default()
    }
}

fn with_detail(mut item: CompletionItem, detail: impl Into<String>) -> CompletionItem {
    item.detail = Some(detail.into());
    item
}

// ---- front matter -----------------------------------------------------------------------

fn front_matter(
    view: &View<'_>,
    at: usize,
    line_start: usize,
    prefix: &str,
) -> Vec<CompletionItem> {
    let trimmed = prefix.trim_start();
    // `  - value` under a list key.
    if let Some(typed) = trimmed.strip_prefix('-') {
        let typed = typed.trim_start();
        return match key_above(view, line_start) {
            Some(key) => values(view, &key, typed, Span::new(at - typed.len(), at)),
            None => Vec::new(),
        };
    }
    if let Some((key, after)) = prefix.split_once(':') {
        if key.starts_with([' ', '\t']) {
            return Vec::new();
        }
        // In a flow list (`[a, b`), only the item being written.
        let typed = after
            .rsplit(['[', ','])
            .next()
            .unwrap_or(after)
            .trim_start();
        let typed = typed.trim_start_matches(['"', '\'']);
        return values(view, key.trim(), typed, Span::new(at - typed.len(), at));
    }
    if prefix
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return keys(view, Span::new(line_start, at));
    }
    Vec::new()
}

/// The key of the block list the line starting at `line_start` belongs to.
fn key_above(view: &View<'_>, line_start: usize) -> Option<String> {
    let text = view.text();
    let mut line = view.lines.line_of(line_start);
    while line > 0 {
        line -= 1;
        let above = view.lines.line(line, text);
        if above.starts_with([' ', '\t', '-']) || above.trim().is_empty() {
            continue;
        }
        return above.split_once(':').map(|(k, _)| k.trim().to_string());
    }
    None
}

/// The keys the SOP does not have yet, as this repository writes them.
fn keys(view: &View<'_>, span: Span) -> Vec<CompletionItem> {
    let names = &view.ws.repo.settings.keys;
    let present: Vec<&str> = view
        .sop
        .front_matter
        .as_ref()
        .map(|fm| fm.fields.iter().map(|f| f.key.as_str()).collect())
        .unwrap_or_default();
    KEYS.iter()
        .enumerate()
        .filter_map(|(i, key)| {
            let written = names.written(key.name);
            if present.contains(&written) {
                return None;
            }
            let mut it = item(
                view,
                written,
                CompletionItemKind::PROPERTY,
                span,
                format!("{written}: "),
            );
            it.detail = Some(if key.required {
                format!("required · {}", key.shape.words())
            } else {
                key.shape.words().to_string()
            });
            it.documentation = Some(Documentation::String(key.meaning.to_string()));
            // Required keys first, each group in the order `sop new` writes them.
            it.sort_text = Some(format!("{}{i:02}", u8::from(!key.required)));
            Some(it)
        })
        .collect()
}

/// The values offered for the key written `written`, replacing `span` (what was typed).
fn values(view: &View<'_>, written: &str, typed: &str, span: Span) -> Vec<CompletionItem> {
    let settings = &view.ws.repo.settings;
    let Some(key) = settings.keys.key(written) else {
        return Vec::new();
    };
    let corpus = &view.ws.corpus;
    let value = |label: &str, detail: Option<String>| {
        let it = item(view, label, CompletionItemKind::VALUE, span, label);
        match detail {
            Some(d) => with_detail(it, d),
            None => it,
        }
    };
    let today = dates::today();
    match key.name {
        "status" => Status::ALL
            .iter()
            .map(|s| value(s.as_str(), Some(status_meaning(*s).into())))
            .collect(),
        "type" => settings
            .types
            .values()
            .map(|t| value(&t.name, Some(t.description.clone())))
            .collect(),
        "department" => {
            let mut used = by_use(corpus.sops.iter().filter_map(|s| s.department(settings)));
            if let Some(d) = settings.config.defaults.department.as_deref() {
                used.entry(d.to_string()).or_insert(0);
            }
            ranked(used)
                .into_iter()
                .map(|(d, n)| value(&d, Some(used_by(n))))
                .collect()
        }
        "owner" | "approvers" => {
            let owners = corpus
                .sops
                .iter()
                .filter_map(|s| s.meta.owner.as_ref().map(|o| o.value.as_str()));
            let approvers = corpus.sops.iter().flat_map(|s| {
                s.meta
                    .approvers
                    .iter()
                    .flat_map(|a| a.value.iter().map(|v| v.value.as_str()))
            });
            let mut used = by_use(owners.chain(approvers));
            if let Some(o) = settings.config.defaults.owner.as_deref() {
                used.entry(o.to_string()).or_insert(0);
            }
            ranked(used)
                .into_iter()
                .filter(|(name, _)| !name.starts_with('<'))
                .map(|(name, n)| value(&name, Some(used_by(n))))
                .collect()
        }
        "tags" => ranked(by_use(corpus.sops.iter().flat_map(|s| {
            s.meta
                .tags
                .iter()
                .flat_map(|t| t.value.iter().map(|v| v.value.as_str()))
        })))
        .into_iter()
        .map(|(tag, n)| value(&tag, Some(used_by(n))))
        .collect(),
        "effective" | "last_reviewed" => vec![value(&today.to_string(), Some("today".into()))],
        "next_review" => {
            let mut out = Vec::new();
            if let Some(next) = view
                .sop
                .review_cadence(settings)
                .and_then(|c| c.after(today))
            {
                out.push(value(
                    &next.to_string(),
                    Some("one review period from today".into()),
                ));
            }
            out.push(value(&today.to_string(), Some("today".into())));
            out
        }
        "review_every" => ["3 months", "6 months", "12 months", "24 months"]
            .iter()
            .map(|p| value(p, None))
            .collect(),
        "supersedes" | "superseded_by" => ids(view, span, typed, false),
        "translation_of" => corpus
            .originals()
            .into_iter()
            .filter(|s| s.path != view.sop.path)
            .filter_map(|s| {
                let id = s.id()?;
                let version = s.meta.version.as_ref()?;
                Some(value(
                    &format!("{id}@{}", version.value),
                    Some(s.title().to_string()),
                ))
            })
            .collect(),
        "id" => view
            .sop
            .file_name
            .id
            .iter()
            .map(|id| value(id, Some("the id in the file name".into())))
            .collect(),
        "version" => ["0.1.0", "1.0.0"].iter().map(|v| value(v, None)).collect(),
        _ => Vec::new(),
    }
}

/// What each status means, for the item's detail.
fn status_meaning(s: Status) -> &'static str {
    match s {
        Status::Draft => "being written; not published",
        Status::Review => "waiting for approval",
        Status::Approved => "in force (needs approvers and an effective date)",
        Status::Retired => "no longer in force (needs superseded_by or retired_reason)",
    }
}

/// How often each value is used.
fn by_use<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for v in values {
        let v = v.trim();
        if !v.is_empty() {
            *out.entry(v.to_string()).or_insert(0) += 1;
        }
    }
    out
}

/// The values, most used first (then by name).
fn ranked(used: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut list: Vec<(String, usize)> = used.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list
}

fn used_by(n: usize) -> String {
    match n {
        0 => "the repository's default".into(),
        1 => "used by 1 SOP".into(),
        n => format!("used by {n} SOPs"),
    }
}

/// The ids of the repository's SOPs (not this one) with their titles; with `starting`, only
/// those that start with `typed` (ignoring case).
fn ids(view: &View<'_>, span: Span, typed: &str, starting: bool) -> Vec<CompletionItem> {
    let lower = typed.to_lowercase();
    view.ws
        .corpus
        .originals()
        .into_iter()
        .filter(|s| s.path != view.sop.path)
        .filter_map(|s| {
            let id = s.id()?;
            if starting && !id.to_lowercase().starts_with(&lower) {
                return None;
            }
            let mut it = item(view, id, CompletionItemKind::REFERENCE, span, id);
            it.detail = Some(s.title().to_string());
            // Typing words of the title finds the id too.
            it.filter_text = Some(format!("{id} {}", s.title()));
            Some(it)
        })
        .collect()
}

// ---- body -------------------------------------------------------------------------------

fn body(view: &View<'_>, at: usize, line_start: usize, prefix: &str) -> Vec<CompletionItem> {
    if let Some(i) = prefix.rfind("](") {
        let dest = &prefix[i + 2..];
        if !dest.contains([')', ' ', '\t']) {
            return link(view, at, dest);
        }
    }
    let hashes = prefix.len() - prefix.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && !prefix[hashes..].contains('#') {
        return sections(view, Span::new(line_start, at));
    }
    let word_len = prefix
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .map(char::len_utf8)
        .sum::<usize>();
    let word = &prefix[prefix.len() - word_len..];
    if word.chars().filter(|c| c.is_alphanumeric()).count() >= 2 {
        return ids(view, Span::new(at - word_len, at), word, true);
    }
    Vec::new()
}

/// Link destinations: the anchors of the target after `#`, else every other SOP file, relative
/// to the document's folder.
fn link(view: &View<'_>, at: usize, dest: &str) -> Vec<CompletionItem> {
    if let Some((path, fragment)) = dest.split_once('#') {
        let target = if path.is_empty() {
            Some(view.sop)
        } else {
            resolve(view, &percent_decode(path)).and_then(|file| view.ws.sop(&file))
        };
        let Some(target) = target else {
            return Vec::new();
        };
        let outline = target.outline();
        let anchors = outline.anchors(view.ws.repo.settings.config.links.anchors);
        let span = Span::new(at - fragment.len(), at);
        return anchors
            .iter()
            .zip(&outline.headings)
            .map(|(anchor, heading)| {
                with_detail(
                    item(view, anchor, CompletionItemKind::REFERENCE, span, anchor),
                    format!(
                        "{} {}",
                        "#".repeat(usize::from(heading.level)),
                        heading.text
                    ),
                )
            })
            .collect();
    }
    let span = Span::new(at - dest.len(), at);
    view.ws
        .corpus
        .sops
        .iter()
        .filter(|s| s.path != view.sop.path)
        .map(|s| {
            let rel = relative_link(&view.sop.path, &s.path);
            let mut it = item(view, &rel, CompletionItemKind::FILE, span, &rel);
            it.detail = Some(format!("{} · {}", s.id().unwrap_or("(no id)"), s.title()));
            it.filter_text = Some(format!("{rel} {}", s.title()));
            it
        })
        .collect()
}

/// The required sections the SOP lacks, as headings replacing what was typed on the line.
fn sections(view: &View<'_>, span: Span) -> Vec<CompletionItem> {
    let settings = &view.ws.repo.settings;
    let type_name = view
        .sop
        .sop_type(settings)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    crate::lint::missing_sections(settings, view.sop)
        .into_iter()
        .enumerate()
        .map(|(i, heading)| {
            let mut it = item(view, &heading, CompletionItemKind::KEYWORD, span, &heading);
            it.detail = Some(format!("a required section of a {type_name}, missing here"));
            it.sort_text = Some(format!("{i:02}"));
            it
        })
        .collect()
}

/// The repository file `to` as a link from the file `from`: relative to its folder, spaces
/// written `%20` so that the link stays one Markdown destination.
fn relative_link(from: &str, to: &str) -> String {
    crate::lint::content::relative(from, to).replace(' ', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_folder() {
        assert_eq!(
            relative_link("sops/a/SOP-1-x.md", "sops/a/SOP-2-y.md"),
            "SOP-2-y.md"
        );
        assert_eq!(
            relative_link("sops/a/SOP-1-x.md", "sops/b/c/SOP-2 y.md"),
            "../b/c/SOP-2%20y.md"
        );
        assert_eq!(relative_link("x.md", "sops/a.md"), "sops/a.md");
        assert_eq!(relative_link("sops/a/x.md", "sops/a.md"), "../a.md");
    }
}
