//! The client-side search index: one script, `assets/search-index.js`, that sets
//! `window.SOP_INDEX` (a script loads from `file://`, where fetching a JSON file does not).
//! Each entry holds the id, title, owner, department, page and the distinct words of the body.

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;

use super::select::Selection;

/// One entry of the search index.
#[derive(Serialize)]
struct IndexItem<'a> {
    /// Id.
    i: &'a str,
    /// Title.
    t: &'a str,
    /// Owner.
    o: &'a str,
    /// Department.
    d: &'a str,
    /// Page.
    u: &'a str,
    /// Distinct words of the body, lowercase.
    w: String,
}

/// The search index as a script (`window.SOP_INDEX = [...]`): a script loads from `file://`
/// where `fetch` of a JSON file does not.
pub(super) fn search_index(selection: &Selection<'_>) -> String {
    let items: Vec<String> = selection
        .entries
        .par_iter()
        .map(|e| {
            let sop = &e.sop;
            let body = sop
                .source
                .text()
                .get(sop.split.body.start..sop.split.body.end)
                .unwrap_or_default();
            let item = IndexItem {
                i: &e.id,
                t: sop.title(),
                o: sop.meta.owner.as_ref().map_or("", |o| o.value.as_str()),
                d: sop
                    .meta
                    .department
                    .as_ref()
                    .map_or("", |d| d.value.as_str()),
                u: &e.url,
                w: words(body, 200),
            };
            serde_json::to_string(&item).unwrap_or_default()
        })
        .collect();
    // One exact allocation, each item freed once copied: at 10,000 SOPs the index is
    // larger than any page, and growing it would hold two or three copies at once.
    const HEAD: &str = "window.SOP_INDEX = [\n";
    const TAIL: &str = "\n];\n";
    let len = items.iter().map(|i| i.len() + 2).sum::<usize>() + HEAD.len() + TAIL.len();
    let mut out = String::with_capacity(len);
    out.push_str(HEAD);
    for (n, item) in items.into_iter().enumerate() {
        if n > 0 {
            out.push_str(",\n");
        }
        out.push_str(&item);
    }
    out.push_str(TAIL);
    out
}

/// The distinct words of `text` (lowercase, 3 letters or more), in order, at most `max`.
fn words(text: &str, max: usize) -> String {
    let text = strip_tags(text).to_lowercase();
    let mut seen: HashSet<&str> = HashSet::with_capacity(max);
    let mut out = String::with_capacity(max * 8);
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.len() < 3 || (w.chars().count() < 3) {
            continue;
        }
        if seen.insert(w) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
            if seen.len() >= max {
                break;
            }
        }
    }
    out
}

/// `text` without HTML tags and comments (raw HTML in an SOP is not searchable text).
fn strip_tags(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('<') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (is_tag, after.find('>')) {
            (true, Some(end)) => {
                out.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_and_lowercase() {
        assert_eq!(
            words("Refund the refund, REFUND now! a b", 10),
            "refund the now"
        );
        assert_eq!(words("<img src=x onerror=y> safe a<b", 10), "safe");
    }
}
