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
//! - `assets/search/d/<n>.js`: the text of [`DOCS_PER_FILE`] documents (`n * DOCS_PER_FILE`
//!   and the next ones) by section (heading, anchor, text), loaded only for the results
//!   shown, for their snippets and section links. A few documents to a file: every file of a
//!   site is one more inode to create, and a large site has thousands of documents.
//!
//! Terms are the words of [`tokens`] (compounds whole and split), plus `~stem` for a word
//! whose light stem ([`stem`]) differs from it, by the document's `language`.

mod postings;
mod stem;
mod text;
mod tokens;

pub(crate) use text::{Collector, Section};

use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use self::postings::{Posting, Postings};
use super::SiteError;
use super::select::Selection;
use crate::repo::anchors::AnchorRule;
use crate::repo::{Sop, Status};

/// How strongly a document holds a term, by where: the higher, the earlier it ranks.
pub(super) mod weight {
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

/// How many documents' texts one file under `assets/search/d/` holds: few enough that the
/// texts of ten results stay small to load (about 20 KB a file), enough to write a quarter of
/// the files.
const DOCS_PER_FILE: usize = 4;

/// A chunk of terms is closed once its postings pass this many bytes.
const CHUNK_BYTES: usize = 16 * 1024;

/// What the search reads of one document (a current SOP or a translation).
struct Doc<'a> {
    id: &'a str,
    /// The translation's language tag; `None` for the SOP itself.
    translation: Option<&'a str>,
    /// The base language its words are in (`es` for `es-MX`): the SOP's `language`, else the
    /// site's.
    language: &'a str,
    sop: &'a Sop,
    url: &'a str,
    retired: bool,
}

impl Doc<'_> {
    /// The document's name in the manifest: `SOP-0001`, or `SOP-0001 es` for a translation.
    fn key(&self) -> String {
        match self.translation {
            Some(l) => format!("{} {l}", self.id),
            None => self.id.to_string(),
        }
    }
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
    /// How many documents' texts each file under `d/` holds.
    per: usize,
}

/// What the search index read of each document in earlier builds. `sop serve` keeps one, so
/// that a rebuild after an edit reads again only the documents whose text changed.
#[derive(Default)]
pub struct SearchCache {
    /// By document key (`SOP-0001`, `SOP-0001 es`).
    docs: Mutex<FxHashMap<String, Arc<ReadDoc>>>,
    /// The index the last build made.
    last: Mutex<Option<LastIndex>>,
}

/// The index as a build made it: after an edit of a few documents, the next build takes their
/// old postings out and puts their new ones in, instead of gathering every document's again.
struct LastIndex {
    /// The documents' keys, in document order.
    keys: Vec<String>,
    /// What each document's reading depended on ([`fingerprint`]), in document order.
    fingerprints: Vec<u64>,
    /// Every term in the browser's order ([`utf16_order`]), with the documents that hold it
    /// (in increasing order) and those postings as text.
    terms: Vec<IndexedTerm>,
}

struct IndexedTerm {
    text: Box<str>,
    postings: Vec<Posting>,
    encoded: String,
}

impl std::fmt::Debug for SearchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchCache { .. }")
    }
}

/// One document as the index read it.
struct ReadDoc {
    /// A hash of everything the reading depends on: the file's text, the page, the language.
    fingerprint: u64,
    /// Its text by section, as JSON.
    text: String,
    /// Its terms with their weights.
    terms: Vec<(Box<str>, u8)>,
}

/// Hand every file of the search index (site path, contents) to `emit`: the documents' text
/// as it is read, in parallel, then the term chunks and the manifest. An SOP that names no
/// `language` is in `site_language`.
///
/// # Errors
/// Whatever `emit` fails with.
pub(super) fn search_files(
    selection: &Selection<'_>,
    rule: AnchorRule,
    site_language: &str,
    cache: Option<&SearchCache>,
    partial: bool,
    reading: Option<Reading<'_>>,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
) -> Result<(), SiteError> {
    if let Some(reading) = reading {
        let (docs, postings) = reading.finish(emit)?;
        return index_files(&docs, postings, None, Vec::new(), emit);
    }
    let docs = docs_of(selection, site_language);
    let fingerprints: Vec<u64> = match cache {
        Some(_) => docs.par_iter().map(|d| fingerprint(d, rule)).collect(),
        None => Vec::new(),
    };
    // A partial build (`sop serve` after an edit) keeps the files it does not write again.
    if let Some(cache) = cache.filter(|_| partial)
        && update(&docs, &fingerprints, rule, cache, emit)?
    {
        return Ok(());
    }
    // Each thread gathers the postings of the documents it reads into its own map; the maps
    // are merged at the end. A document's text goes out as soon as it is read.
    let postings = docs
        .par_chunks(DOCS_PER_FILE)
        .enumerate()
        .with_min_len(8)
        .try_fold(Postings::default, |mut postings, (f, group)| {
            let texts: Vec<String> = group
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let n = f * DOCS_PER_FILE + i;
                    let known = cache.zip(fingerprints.get(n).copied());
                    read_or_reuse(d, n, rule, &mut postings, known)
                })
                .collect();
            emit_texts(f, texts.iter().map(String::as_str), emit)?;
            Ok(postings)
        })
        .try_reduce(Postings::default, |a, b| Ok(Postings::merge(a, b)))?;
    // Documents gone since the last build are forgotten.
    if let Some(cache) = cache {
        let keys: std::collections::HashSet<String> = docs.iter().map(Doc::key).collect();
        cache
            .docs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|key, _| keys.contains(key));
    }
    index_files(&docs, postings, cache, fingerprints, emit)
}

/// Hand `assets/search/d/<f>.js` to `emit`: the texts (each a JSON value) of documents
/// `f * DOCS_PER_FILE` and the next ones, as one array.
fn emit_texts<'t>(
    f: usize,
    texts: impl Iterator<Item = &'t str>,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
) -> Result<(), SiteError> {
    let mut json = String::from("[");
    for (i, text) in texts.enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(text);
    }
    json.push(']');
    emit(
        format!("assets/search/d/{f}.js"),
        register_json(&format!("d/{f}"), &json).into_bytes(),
    )
}

/// The search index read while the SOP pages render (`sop publish`): each current page and
/// translation hands over the text its renderer gathered ([`Reading::read`]), so no body is
/// parsed twice; the documents' texts go out as soon as the four of a file are read.
pub(super) struct Reading<'s> {
    docs: Vec<Doc<'s>>,
    /// Each document's number, by key ([`Doc::key`]).
    numbers: FxHashMap<String, usize>,
    rule: AnchorRule,
    /// The postings gathered by each thread (by its index in the thread pool; the last for a
    /// thread outside it).
    postings: Vec<Mutex<Postings>>,
    /// The texts of the files under `d/` that are not complete yet, by file number.
    pending: Mutex<FxHashMap<usize, Vec<Option<String>>>>,
    /// Whether each document was read.
    read: Vec<std::sync::atomic::AtomicBool>,
}

impl<'s> Reading<'s> {
    /// Ready to read the documents of `selection` (see [`docs_of`]).
    pub(super) fn new(
        selection: &'s Selection<'_>,
        rule: AnchorRule,
        site_language: &'s str,
    ) -> Reading<'s> {
        let docs = docs_of(selection, site_language);
        Reading {
            numbers: docs.iter().enumerate().map(|(n, d)| (d.key(), n)).collect(),
            read: docs
                .iter()
                .map(|_| std::sync::atomic::AtomicBool::new(false))
                .collect(),
            docs,
            rule,
            postings: (0..=rayon::current_num_threads())
                .map(|_| Mutex::default())
                .collect(),
            pending: Mutex::default(),
        }
    }

    /// Read the page of SOP `id` (or of its translation into `language`), whose body has
    /// `sections`, handing its text file to `emit` once complete.
    ///
    /// # Errors
    /// Whatever `emit` fails with.
    pub(super) fn read(
        &self,
        id: &str,
        language: Option<&str>,
        sections: Vec<Section>,
        emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
    ) -> Result<(), SiteError> {
        let key = match language {
            Some(l) => format!("{id} {l}"),
            None => id.to_string(),
        };
        let (Some(&n), Some(last)) = (self.numbers.get(&key), self.postings.len().checked_sub(1))
        else {
            return Ok(());
        };
        let (Some(doc), Some(read)) = (self.docs.get(n), self.read.get(n)) else {
            return Ok(());
        };
        if read.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return Ok(());
        }
        let slot = rayon::current_thread_index().map_or(last, |i| i.min(last));
        let json = {
            let mut postings = self.postings[slot]
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            read_sections(doc, n, sections, &mut postings, false).0
        };
        self.text_read(n, json, emit)
    }

    /// Keep document `n`'s text until the others of its file are read, then emit the file.
    fn text_read(
        &self,
        n: usize,
        json: String,
        emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
    ) -> Result<(), SiteError> {
        let f = n / DOCS_PER_FILE;
        let first = f * DOCS_PER_FILE;
        let complete = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            let texts = pending.entry(f).or_insert_with(|| {
                vec![None; (first + DOCS_PER_FILE).min(self.docs.len()) - first]
            });
            if let Some(slot) = texts.get_mut(n - first) {
                *slot = Some(json);
            }
            if texts.iter().all(Option::is_some) {
                pending.remove(&f)
            } else {
                None
            }
        };
        let Some(texts) = complete else {
            return Ok(());
        };
        emit_texts(f, texts.iter().flatten().map(String::as_str), emit)
    }

    /// Read the documents no page handed over (their bodies parsed here), emit the last text
    /// files; the documents and every thread's postings merged.
    fn finish(
        self,
        emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
    ) -> Result<(Vec<Doc<'s>>, Postings), SiteError> {
        let unread: Vec<usize> = (0..self.docs.len())
            .filter(|&n| {
                !self
                    .read
                    .get(n)
                    .is_some_and(|r| r.load(std::sync::atomic::Ordering::Relaxed))
            })
            .collect();
        let mut postings = Postings::default();
        for n in unread {
            if let Some(doc) = self.docs.get(n) {
                let (json, _) = read_doc(doc, n, self.rule, &mut postings, false);
                self.text_read(n, json, emit)?;
            }
        }
        let merged = self
            .postings
            .into_iter()
            .map(|p| p.into_inner().unwrap_or_else(PoisonError::into_inner))
            .fold(postings, Postings::merge);
        Ok((self.docs, merged))
    }
}

/// The documents of the index: every current SOP and its translations, those in force first
/// (ranks break ties by document order). An SOP that names no `language` is in
/// `site_language`.
fn docs_of<'s>(selection: &'s Selection<'_>, site_language: &'s str) -> Vec<Doc<'s>> {
    let mut docs: Vec<Doc<'s>> = Vec::new();
    for e in &selection.entries {
        let retired = e.sop.status() == Some(Status::Retired);
        docs.push(Doc {
            id: &e.id,
            translation: None,
            language: base_language(e.sop.language().unwrap_or(site_language)),
            sop: &e.sop,
            url: &e.url,
            retired,
        });
        for t in &e.translations {
            docs.push(Doc {
                id: &e.id,
                translation: Some(&t.language),
                language: base_language(t.sop.language().unwrap_or(&t.language)),
                sop: &t.sop,
                url: &t.url,
                retired,
            });
        }
    }
    docs.sort_by_key(|d| d.retired);
    docs
}

/// The term chunks and the manifest of the index of `docs` from their `postings`; with
/// `cache`, the index is kept there for the next build (`fingerprints`: the documents').
fn index_files(
    docs: &[Doc<'_>],
    postings: Postings,
    cache: Option<&SearchCache>,
    fingerprints: Vec<u64>,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
) -> Result<(), SiteError> {
    let mut terms = postings.into_terms();
    // The browser compares strings by UTF-16 code units: sort the same way, so it finds the
    // chunk of a term by binary search over the chunks' first terms.
    terms.par_sort_unstable_by(|a, b| utf16_order(&a.0, &b.0));
    let Some(cache) = cache else {
        // Each term's postings as text (the lists are freed as they are encoded).
        let terms: Vec<(Box<str>, String)> = terms
            .into_par_iter()
            .map(|(term, list)| (term, encode_postings(&list)))
            .collect();
        return emit_terms(docs, terms.iter().map(|(t, e)| (&**t, e.as_str())), emit);
    };
    let terms: Vec<IndexedTerm> = terms
        .into_par_iter()
        .map(|(text, postings)| IndexedTerm {
            encoded: encode_postings(&postings),
            text,
            postings,
        })
        .collect();
    emit_terms(docs, terms.iter().map(IndexedTerm::pair), emit)?;
    *cache.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(LastIndex {
        keys: docs.iter().map(Doc::key).collect(),
        fingerprints,
        terms,
    });
    Ok(())
}

impl IndexedTerm {
    fn pair(&self) -> (&str, &str) {
        (&self.text, &self.encoded)
    }
}

/// Hand the term chunks and the manifest to `emit`: `terms` are every term in the browser's
/// order with its postings as text.
fn emit_terms<'t>(
    docs: &[Doc<'_>],
    terms: impl Iterator<Item = (&'t str, &'t str)>,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
) -> Result<(), SiteError> {
    let terms: Vec<(&str, &str)> = terms.collect();
    // Cut the sorted terms into chunks of about CHUNK_BYTES each.
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let (mut first, mut size) = (0, 0);
    for (i, (term, postings)) in terms.iter().enumerate() {
        size += term.len() + postings.len() + 6;
        if size >= CHUNK_BYTES {
            bounds.push((first, i + 1));
            (first, size) = (i + 1, 0);
        }
    }
    if first < terms.len() {
        bounds.push((first, terms.len()));
    }
    bounds
        .par_iter()
        .enumerate()
        .try_for_each(|(c, &(from, to))| {
            let mut json = String::with_capacity(CHUNK_BYTES + 1024);
            json.push('{');
            for (i, (term, postings)) in terms[from..to].iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                push_json_string(&mut json, term);
                json.push(':');
                // Postings are base-36 digits and commas: nothing to escape.
                json.push('"');
                json.push_str(postings);
                json.push('"');
            }
            json.push('}');
            emit(
                format!("assets/search/t/{c}.js"),
                register_json(&format!("t/{c}"), &json).into_bytes(),
            )
        })?;
    let mut stems: Vec<&'static str> = stem::LANGUAGES
        .into_iter()
        .filter(|l| docs.iter().any(|d| d.language == *l))
        .collect();
    stems.dedup();
    let manifest = Manifest {
        v: 2,
        docs: docs.iter().map(Doc::key).collect(),
        current: docs.iter().filter(|d| !d.retired).count(),
        chunks: bounds.iter().map(|&(from, _)| terms[from].0).collect(),
        stems,
        per: DOCS_PER_FILE,
    };
    emit(
        "assets/search/index.js".to_string(),
        register_script("index", &manifest).into_bytes(),
    )
}

/// At most this share of the documents changed for [`update`] to be worth it.
const UPDATE_AT_MOST: usize = 8;

/// Update the index the last build made (kept in `cache`) when the documents are the same, in
/// the same order, and only a few of them changed: their old postings are taken out, their new
/// ones put in, and only their text files, the term chunks and the manifest are emitted.
/// Whether it did; when not, nothing was emitted.
fn update(
    docs: &[Doc<'_>],
    fingerprints: &[u64],
    rule: AnchorRule,
    cache: &SearchCache,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
) -> Result<bool, SiteError> {
    let mut last = cache.last.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(index) = last.as_mut() else {
        return Ok(false);
    };
    let same_docs =
        index.keys.len() == docs.len() && index.keys.iter().zip(docs).all(|(k, d)| *k == d.key());
    if !same_docs {
        return Ok(false);
    }
    let changed: Vec<usize> = (0..docs.len())
        .filter(|&n| index.fingerprints.get(n) != fingerprints.get(n))
        .collect();
    if changed.len() > docs.len() / UPDATE_AT_MOST + 1 {
        return Ok(false);
    }
    let mut read = cache.docs.lock().unwrap_or_else(PoisonError::into_inner);
    let mut touched: std::collections::BTreeSet<Box<str>> = std::collections::BTreeSet::new();
    for &n in &changed {
        let (Some(doc), Some(&fingerprint)) = (docs.get(n), fingerprints.get(n)) else {
            continue;
        };
        let doc_n = u32::try_from(n).unwrap_or(u32::MAX);
        let key = doc.key();
        // The documents of the last build were all read (or reused) then, so each is known.
        let Some(old) = read.get(&key).cloned() else {
            // Not known after all: start again from nothing.
            *last = None;
            return Ok(false);
        };
        let mut scratch = Postings::default();
        let (text, terms) = read_doc(doc, n, rule, &mut scratch, true);
        for (term, _) in &old.terms {
            if let Ok(i) = index.terms.binary_search_by(|t| utf16_order(&t.text, term)) {
                index.terms[i].postings.retain(|p| p.doc() != doc_n);
                touched.insert(term.clone());
            }
        }
        for (term, w) in &terms {
            let posting = Posting::new(doc_n, *w);
            match index.terms.binary_search_by(|t| utf16_order(&t.text, term)) {
                Ok(i) => {
                    let list = &mut index.terms[i].postings;
                    let at = list.partition_point(|p| p.doc() < doc_n);
                    list.insert(at, posting);
                }
                Err(i) => index.terms.insert(
                    i,
                    IndexedTerm {
                        text: term.clone(),
                        postings: vec![posting],
                        encoded: String::new(),
                    },
                ),
            }
            touched.insert(term.clone());
        }
        read.insert(
            key,
            Arc::new(ReadDoc {
                fingerprint,
                text,
                terms,
            }),
        );
        if let Some(f) = index.fingerprints.get_mut(n) {
            *f = fingerprint;
        }
    }
    index.terms.retain(|t| !t.postings.is_empty());
    for term in &touched {
        if let Ok(i) = index.terms.binary_search_by(|t| utf16_order(&t.text, term)) {
            index.terms[i].encoded = encode_postings(&index.terms[i].postings);
        }
    }
    // The text files that hold a changed document.
    let mut files: Vec<usize> = changed.iter().map(|n| n / DOCS_PER_FILE).collect();
    files.dedup();
    for f in files {
        let texts = (f * DOCS_PER_FILE..((f + 1) * DOCS_PER_FILE).min(docs.len())).map(|n| {
            docs.get(n)
                .and_then(|d| read.get(&d.key()))
                .map_or("null", |r| r.text.as_str())
        });
        emit_texts(f, texts, emit)?;
    }
    emit_terms(docs, index.terms.iter().map(IndexedTerm::pair), emit)?;
    Ok(true)
}

/// Compare two strings as JavaScript does: by UTF-16 code units. This is the order of their
/// bytes but where the first characters that differ are one above U+FFFF (two code units, the
/// first of them D800–DBFF) and one from U+E000 to U+FFFF.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    let Some(i) = a.bytes().zip(b.bytes()).position(|(x, y)| x != y) else {
        return a.len().cmp(&b.len());
    };
    // The strings agree up to `i`, so they agree on where the character holding it starts.
    let start = (0..=i).rev().find(|&j| a.is_char_boundary(j)).unwrap_or(0);
    a[start..].encode_utf16().cmp(b[start..].encode_utf16())
}

/// `text` as a JSON string, quoted and escaped.
fn push_json_string(out: &mut String, text: &str) {
    match serde_json::to_string(text) {
        Ok(quoted) => out.push_str(&quoted),
        Err(_) => out.push_str("\"\""),
    }
}

/// A script that registers `value` under `name` in `window.SOP_SEARCH_DATA`.
fn register_script(name: &str, value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    register_json(name, &json)
}

/// A script that registers the JSON text `json` under `name` in `window.SOP_SEARCH_DATA`.
fn register_json(name: &str, json: &str) -> String {
    format!(
        "(window.SOP_SEARCH_DATA = window.SOP_SEARCH_DATA || {{}})[{}] = {json};\n",
        serde_json::Value::String(name.to_string())
    )
}

/// The base language of a language tag (`es` for `es-MX`).
fn base_language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// Read the words of document `n` into `postings`, or take them from the cache when the
/// document is as it was then (`known`: the cache, and the document's [`fingerprint`]); its
/// text as JSON.
fn read_or_reuse(
    doc: &Doc<'_>,
    n: usize,
    rule: AnchorRule,
    postings: &mut Postings,
    known: Option<(&SearchCache, u64)>,
) -> String {
    let Some((cache, fingerprint)) = known else {
        return read_doc(doc, n, rule, postings, false).0;
    };
    let key = doc.key();
    let lock = || cache.docs.lock().unwrap_or_else(PoisonError::into_inner);
    let hit = lock()
        .get(&key)
        .filter(|read| read.fingerprint == fingerprint)
        .cloned();
    if let Some(read) = hit {
        postings.add_read(u32::try_from(n).unwrap_or(u32::MAX), &read.terms);
        return read.text.clone();
    }
    let (text, terms) = read_doc(doc, n, rule, postings, true);
    let read = ReadDoc {
        fingerprint,
        text: text.clone(),
        terms,
    };
    lock().insert(key, Arc::new(read));
    text
}

/// A hash of what reading `doc` depends on.
fn fingerprint(doc: &Doc<'_>, rule: AnchorRule) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (doc.url, doc.retired, doc.language, rule).hash(&mut h);
    doc.sop.source.text().hash(&mut h);
    h.finish()
}

/// Read the words of document `n` into `postings`; its text as JSON, and with `keep` its
/// terms and their weights.
fn read_doc(
    doc: &Doc<'_>,
    n: usize,
    rule: AnchorRule,
    postings: &mut Postings,
    keep: bool,
) -> (String, Vec<(Box<str>, u8)>) {
    let sop = doc.sop;
    let body = sop
        .source
        .text()
        .get(sop.split.body.start..sop.split.body.end)
        .unwrap_or_default();
    read_sections(doc, n, text::sections(body, rule), postings, keep)
}

/// Read the words of document `n`, whose body has `sections`, into `postings`; its text as
/// JSON, and with `keep` its terms and their weights.
fn read_sections(
    doc: &Doc<'_>,
    n: usize,
    sections: Vec<Section>,
    postings: &mut Postings,
    keep: bool,
) -> (String, Vec<(Box<str>, u8)>) {
    let sop = doc.sop;
    let lang = doc.language;
    let stemmer = stem::for_language(lang);
    let mut terms = postings
        .document(u32::try_from(n).unwrap_or(u32::MAX))
        .stemmed_by(stemmer);
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
    let kept = terms.finish(keep);
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
    let text = serde_json::to_string(&fragment).unwrap_or_else(|_| "null".into());
    (text, kept)
}

/// Postings as text: for each document (in order), `(n - previous n) * 8 + weight` in base 36,
/// separated by commas.
fn encode_postings(list: &[Posting]) -> String {
    let mut out = String::with_capacity(list.len() * 3);
    let mut previous = 0u64;
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let n = u64::from(p.doc());
        let delta = n.saturating_sub(previous);
        previous = n;
        push_base36(&mut out, delta * 8 + u64::from(p.weight()));
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
    fn terms_sort_by_utf16_code_units_as_the_browser_compares_them() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        assert_eq!(utf16_order("refund", "refunds"), Less);
        assert_eq!(utf16_order("réfund", "refund"), Greater);
        // U+FF21 (one code unit, FF21) sorts after U+1F600 (D83D DE00) in UTF-16, though
        // before it by code point.
        assert_eq!(utf16_order("a\u{ff21}", "a\u{1f600}"), Greater);
        assert_eq!(utf16_order("same", "same"), Equal);
    }

    #[test]
    fn postings_are_delta_coded_in_base_36() {
        let list = [Posting::new(0, 1), Posting::new(1, 6), Posting::new(40, 2)];
        assert_eq!(encode_postings(&list), "1,e,8q");
        // 0*8+1 = 1; 1*8+6 = 14 = "e"; 39*8+2 = 314 = 8*36+26 = "8q".
    }
}
