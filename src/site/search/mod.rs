//! The full-text search index: plain scripts under `assets/search/`, loaded on demand by
//! `templates/site/search.js` as `<script>` elements that register themselves (so search works
//! from `file://`, where pages cannot `fetch`, and on any static host).
//!
//! - `assets/search/index.js`: the manifest: every document's id (current SOPs and their
//!   translations, those in force first), the first term of each term chunk, and the
//!   languages the index stems.
//! - `assets/search/t/<n>.js`: a chunk of the sorted terms, each with its postings: the
//!   documents that hold it and how strongly (title or id, heading, other details, body).
//!   Chunks are cut by size, so a query loads one small chunk per word.
//! - `assets/search/d/<n>.js`: one document's text by section (heading, anchor, text), loaded
//!   only for the results shown, for their snippets and section links.
//!
//! Terms are the words of [`tokens`] (compounds whole and split), plus `~stem` for a word
//! whose light stem ([`stem`]) differs from it, by the document's `language`.

mod stem;
mod text;
mod tokens;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::select::Selection;
use crate::repo::anchors::AnchorRule;
use crate::repo::{Sop, Status};

/// How strongly a document holds a term, by where: the higher, the earlier it ranks.
mod weight {
    /// The title or the id.
    pub(super) const TITLE: u8 = 6;
    /// A heading.
    pub(super) const HEADING: u8 = 4;
    /// The owner, department or a tag.
    pub(super) const DETAILS: u8 = 3;
    /// The body, three times or more.
    pub(super) const BODY_OFTEN: u8 = 2;
    /// The body.
    pub(super) const BODY: u8 = 1;
}

/// How many times a word must be in the body to weigh [`weight::BODY_OFTEN`].
const OFTEN: u16 = 3;

/// A chunk of terms is closed once its postings pass this many bytes.
const CHUNK_BYTES: usize = 16 * 1024;

/// What the search reads of one document (a current SOP or a translation).
struct Doc<'a> {
    id: &'a str,
    /// The translation's language tag; `None` for the SOP itself.
    translation: Option<&'a str>,
    sop: &'a Sop,
    url: &'a str,
    retired: bool,
}

/// One document's text, as `assets/search/d/<n>.js` holds it.
#[derive(Serialize)]
struct Fragment<'a> {
    /// Id.
    i: &'a str,
    /// The translation's language tag, empty for the SOP itself.
    l: &'a str,
    /// The language its words were stemmed by (`en`, `es`), empty for none.
    g: &'a str,
    /// Title.
    t: &'a str,
    /// Page.
    u: &'a str,
    /// Sections: anchor, heading, text.
    s: Vec<(String, String, String)>,
}

/// The manifest, `assets/search/index.js`.
#[derive(Serialize)]
struct Manifest<'a> {
    /// Format version.
    v: u8,
    /// Document ids, in document order: `SOP-0001`, or `SOP-0001 es` for a translation.
    docs: Vec<String>,
    /// How many documents (the first ones) are in force; the rest are retired.
    current: usize,
    /// The first term of each chunk, in order.
    chunks: Vec<&'a str>,
    /// The languages whose words were stemmed.
    stems: Vec<&'static str>,
}

/// Every file of the search index: site path and contents.
pub(super) fn search_files(selection: &Selection<'_>, rule: AnchorRule) -> Vec<(String, String)> {
    let mut docs: Vec<Doc<'_>> = Vec::new();
    for e in &selection.entries {
        let retired = e.sop.status() == Some(Status::Retired);
        docs.push(Doc {
            id: &e.id,
            translation: None,
            sop: &e.sop,
            url: &e.url,
            retired,
        });
        for t in &e.translations {
            docs.push(Doc {
                id: &e.id,
                translation: Some(&t.language),
                sop: &t.sop,
                url: &t.url,
                retired,
            });
        }
    }
    // Those in force first: ranks break ties by document order.
    docs.sort_by_key(|d| d.retired);
    let read: Vec<(Vec<(String, u8)>, String)> = docs
        .par_iter()
        .enumerate()
        .map(|(n, d)| read_doc(d, n, rule))
        .collect();
    let mut files = Vec::with_capacity(docs.len() + 64);
    let mut postings: HashMap<String, Vec<(u32, u8)>> = HashMap::new();
    for (n, (terms, fragment)) in read.into_iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        for (term, w) in terms {
            postings.entry(term).or_default().push((n, w));
        }
        files.push((format!("assets/search/d/{n}.js"), fragment));
    }
    let mut terms: Vec<(String, Vec<(u32, u8)>)> = postings.into_iter().collect();
    // The browser compares strings by UTF-16 code units: sort the same way, so it finds the
    // chunk of a term by binary search over the chunks' first terms.
    terms.par_sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    let mut firsts: Vec<&str> = Vec::new();
    let mut chunk: Vec<(&str, String)> = Vec::new();
    let mut size = 0;
    let flush = |chunk: &mut Vec<(&str, String)>, files: &mut Vec<(String, String)>| {
        if chunk.is_empty() {
            return;
        }
        let map: serde_json::Map<String, serde_json::Value> = chunk
            .drain(..)
            .map(|(t, p)| (t.to_string(), serde_json::Value::String(p)))
            .collect();
        let name = format!("t/{}", files.len());
        let js = register_script(&name, &map);
        files.push((name, js));
    };
    let mut chunks: Vec<(String, String)> = Vec::new();
    for (term, list) in &terms {
        if chunk.is_empty() {
            firsts.push(term);
        }
        let encoded = encode_postings(list);
        size += term.len() + encoded.len() + 6;
        chunk.push((term, encoded));
        if size >= CHUNK_BYTES {
            flush(&mut chunk, &mut chunks);
            size = 0;
        }
    }
    flush(&mut chunk, &mut chunks);
    let mut stems: Vec<&'static str> = stem::LANGUAGES
        .into_iter()
        .filter(|l| docs.iter().any(|d| language(d.sop) == *l))
        .collect();
    stems.dedup();
    let manifest = Manifest {
        v: 1,
        docs: docs
            .iter()
            .map(|d| match d.translation {
                Some(l) => format!("{} {l}", d.id),
                None => d.id.to_string(),
            })
            .collect(),
        current: docs.iter().filter(|d| !d.retired).count(),
        chunks: firsts,
        stems,
    };
    files.push((
        "assets/search/index.js".to_string(),
        register_script("index", &manifest),
    ));
    files.extend(
        chunks
            .into_iter()
            .map(|(name, js)| (format!("assets/search/{name}.js"), js)),
    );
    files
}

/// A script that registers `value` under `name` in `window.SOP_SEARCH_DATA`.
fn register_script(name: &str, value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    format!(
        "(window.SOP_SEARCH_DATA = window.SOP_SEARCH_DATA || {{}})[{}] = {json};\n",
        serde_json::Value::String(name.to_string())
    )
}

/// The base language of an SOP (`es` for `es-MX`); English when it names none.
fn language(sop: &Sop) -> &str {
    let tag = sop.language().unwrap_or("en");
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// The terms of one document with their weights, and its fragment script.
fn read_doc(doc: &Doc<'_>, n: usize, rule: AnchorRule) -> (Vec<(String, u8)>, String) {
    let sop = doc.sop;
    let body = sop
        .source
        .text()
        .get(sop.split.body.start..sop.split.body.end)
        .unwrap_or_default();
    let sections = text::sections(body, rule);
    let lang = language(sop);
    let stemmer = stem::for_language(lang);
    let mut terms = Terms {
        found: HashMap::new(),
        stemmer,
    };
    terms.add(sop.title(), weight::TITLE);
    terms.add(doc.id, weight::TITLE);
    let details = [sop.meta.owner.as_ref(), sop.meta.department.as_ref()];
    for d in details.into_iter().flatten() {
        terms.add(&d.value, weight::DETAILS);
    }
    if let Some(tags) = &sop.meta.tags {
        for t in &tags.value {
            terms.add(&t.value, weight::DETAILS);
        }
    }
    for s in &sections {
        terms.add(&s.heading, weight::HEADING);
        terms.add(&s.text, weight::BODY);
    }
    let fragment = Fragment {
        i: doc.id,
        l: doc.translation.unwrap_or(""),
        g: if stemmer.is_some() { lang } else { "" },
        t: sop.title(),
        u: doc.url,
        s: sections
            .into_iter()
            .map(|s| (s.anchor, s.heading, s.text))
            .collect(),
    };
    let list = terms
        .found
        .into_iter()
        .map(|(t, (w, count))| {
            let w = if w == weight::BODY && count >= OFTEN {
                weight::BODY_OFTEN
            } else {
                w
            };
            (t, w)
        })
        .collect();
    (list, register_script(&format!("d/{n}"), &fragment))
}

/// The terms of one document: the best weight of each and how often it is in the body.
struct Terms {
    found: HashMap<String, (u8, u16)>,
    stemmer: Option<fn(&str) -> String>,
}

impl Terms {
    fn add(&mut self, text: &str, w: u8) {
        tokens::tokens(text, |token| {
            let stemmed = match self.stemmer {
                Some(stem) if token.stemmable() => {
                    Some(stem(token.text())).filter(|s| s != token.text())
                }
                _ => None,
            };
            self.put(token.text().to_string(), w);
            if let Some(s) = stemmed {
                self.put(format!("~{s}"), w);
            }
        });
    }

    fn put(&mut self, term: String, w: u8) {
        let entry = self.found.entry(term).or_insert((0, 0));
        entry.0 = entry.0.max(w);
        if w == weight::BODY {
            entry.1 = entry.1.saturating_add(1);
        }
    }
}

/// Postings as text: for each document (in order), `(n - previous n) * 8 + weight` in base 36,
/// separated by commas.
fn encode_postings(list: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(list.len() * 3);
    let mut previous = 0u64;
    for (i, (n, w)) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let delta = u64::from(*n) - previous;
        previous = u64::from(*n);
        push_base36(&mut out, delta * 8 + u64::from(*w & 7));
    }
    out
}

fn push_base36(out: &mut String, mut value: u64) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 13];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(value % 36) as usize];
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_are_delta_coded_in_base_36() {
        assert_eq!(encode_postings(&[(0, 1), (1, 6), (40, 2)]), "1,e,8q");
        // 0*8+1 = 1; 1*8+6 = 14 = "e"; 39*8+2 = 314 = 8*36+26 = "8q".
    }
}
