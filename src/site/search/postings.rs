//! The postings of the search index: for every term, the documents that hold it and how
//! strongly.
//!
//! Each thread of the build reads its documents into its own [`Postings`]; they are merged at
//! the end. A term is hashed once per time it is read and the text of each distinct term is
//! stored (and stemmed) once per thread, not once per document: the words of SOPs repeat.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::tokens;
use super::weight;

/// How many times a word must be in the body to weigh [`weight::BODY_OFTEN`].
const OFTEN: u16 = 3;

/// A stemmer: the light stem of a lowercase word.
pub(super) type Stemmer = fn(&str) -> String;

/// One document holding a term: its number and weight in one `u32` (`n * 8 + weight`), so
/// the millions of postings of a large site take four bytes each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Posting(u32);

impl Posting {
    /// Document `n` (below 2²⁹) with weight `w` (below 8).
    pub(super) fn new(n: u32, w: u8) -> Posting {
        Posting(n.min(u32::MAX >> 3) << 3 | u32::from(w & 7))
    }

    /// The document's number.
    pub(super) fn doc(self) -> u32 {
        self.0 >> 3
    }

    /// How strongly the document holds the term.
    pub(super) fn weight(self) -> u8 {
        (self.0 & 7) as u8
    }
}

/// Terms and their postings, as gathered by one thread (or merged from several).
#[derive(Default)]
pub(super) struct Postings {
    /// Each term's number in `terms`.
    ids: FxHashMap<Box<str>, u32>,
    terms: Vec<Term>,
    /// The terms the document being read holds so far.
    touched: Vec<u32>,
}

struct Term {
    text: Box<str>,
    /// The documents that hold the term: (document number, weight), in reading order.
    docs: Vec<Posting>,
    /// The term of the word's stem (`~stem`) by the stemmer that worked it out (a word of
    /// two languages has two stems): `None` when not yet, `Some((_, None))` when the word is
    /// its own stem.
    stem: Option<(Stemmer, Option<u32>)>,
    /// What the document being read gives the term so far.
    doc: u32,
    best: u8,
    count: u16,
}

impl Postings {
    /// Start reading document `n` (documents are read in increasing order).
    pub(super) fn document(&mut self, n: u32) -> Document<'_> {
        Document {
            postings: self,
            n,
            stemmer: None,
        }
    }

    /// The number of `text`, adding it when new.
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).unwrap_or(u32::MAX);
        self.ids.insert(text.into(), id);
        self.terms.push(Term {
            text: text.into(),
            docs: Vec::new(),
            stem: None,
            doc: u32::MAX,
            best: 0,
            count: 0,
        });
        id
    }

    /// Note that document `n` holds term `id` with weight `w`.
    fn see(&mut self, id: u32, n: u32, w: u8) {
        let Some(term) = self.terms.get_mut(id as usize) else {
            return;
        };
        if term.doc != n {
            term.doc = n;
            term.best = 0;
            term.count = 0;
            self.touched.push(id);
        }
        term.best = term.best.max(w);
        if w == weight::BODY {
            term.count = term.count.saturating_add(1);
        }
    }

    /// Note that document `n` holds each of `terms` with its weight, as read in an earlier
    /// build (see [`Document::finish`]).
    pub(super) fn add_read(&mut self, n: u32, terms: &[(Box<str>, u8)]) {
        for (text, w) in terms {
            let id = self.id(text);
            if let Some(term) = self.terms.get_mut(id as usize) {
                term.docs.push(Posting::new(n, *w));
            }
        }
    }

    /// Both threads' postings as one (the smaller poured into the larger). Postings merged
    /// this way read no more documents.
    pub(super) fn merge(a: Postings, b: Postings) -> Postings {
        let (mut into, from) = if a.terms.len() >= b.terms.len() {
            (a, b)
        } else {
            (b, a)
        };
        for mut term in from.terms {
            match into.ids.get(&term.text) {
                Some(&id) => {
                    if let Some(have) = into.terms.get_mut(id as usize) {
                        have.docs.append(&mut term.docs);
                    }
                }
                None => {
                    let id = u32::try_from(into.terms.len()).unwrap_or(u32::MAX);
                    into.ids.insert(term.text.clone(), id);
                    term.stem = None;
                    into.terms.push(term);
                }
            }
        }
        into
    }

    /// Every term with its documents in increasing order.
    pub(super) fn into_terms(self) -> Vec<(Box<str>, Vec<Posting>)> {
        self.terms
            .into_par_iter()
            .map(|mut t| {
                t.docs.sort_unstable();
                (t.text, t.docs)
            })
            .collect()
    }
}

/// One document being read into [`Postings`].
pub(super) struct Document<'p> {
    postings: &'p mut Postings,
    n: u32,
    stemmer: Option<Stemmer>,
}

impl Document<'_> {
    /// Stem the document's words with `stemmer` (by its language).
    pub(super) fn stemmed_by(mut self, stemmer: Option<Stemmer>) -> Self {
        self.stemmer = stemmer;
        self
    }

    /// Read the words of `text` with weight `w`.
    pub(super) fn add(&mut self, text: &str, w: u8) {
        let (postings, n, stemmer) = (&mut *self.postings, self.n, self.stemmer);
        tokens::tokens(text, |token| {
            let id = postings.id(token.text());
            postings.see(id, n, w);
            let Some(stem) = stemmer else {
                return;
            };
            // What the stemmer makes of a term is worked out once per thread (whether it may be
            // stemmed depends on its text alone: letters only).
            let known = postings
                .terms
                .get(id as usize)
                .and_then(|t| t.stem)
                .filter(|(by, _)| std::ptr::fn_addr_eq(*by, stem));
            let stem_id = match known {
                Some((_, stem_id)) => stem_id,
                None => {
                    let word = token.text();
                    let stem_id = if token.stemmable() {
                        let stemmed = stem(word);
                        (stemmed != word).then(|| postings.id(&format!("~{stemmed}")))
                    } else {
                        None
                    };
                    if let Some(term) = postings.terms.get_mut(id as usize) {
                        term.stem = Some((stem, stem_id));
                    }
                    stem_id
                }
            };
            if let Some(stem_id) = stem_id {
                postings.see(stem_id, n, w);
            }
        });
    }

    /// The document is read: each term it holds gets its posting. With `keep`, the terms and
    /// their weights are also returned, for [`Postings::add_read`] in a later build.
    pub(super) fn finish(self, keep: bool) -> Vec<(Box<str>, u8)> {
        let mut kept = Vec::new();
        let postings = self.postings;
        for id in postings.touched.drain(..) {
            if let Some(term) = postings.terms.get_mut(id as usize) {
                let w = if term.best == weight::BODY && term.count >= OFTEN {
                    weight::BODY_OFTEN
                } else {
                    term.best
                };
                term.docs.push(Posting::new(self.n, w));
                if keep {
                    kept.push((term.text.clone(), w));
                }
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(postings: &mut Postings, n: u32, parts: &[(&str, u8)]) {
        let mut doc = postings
            .document(n)
            .stemmed_by(Some(super::super::stem::english));
        for (text, w) in parts {
            doc.add(text, *w);
        }
        doc.finish(false);
    }

    fn docs_of(terms: &[(Box<str>, Vec<Posting>)], term: &str) -> Vec<(u32, u8)> {
        terms
            .iter()
            .find(|(t, _)| &**t == term)
            .map(|(_, d)| d.iter().map(|p| (p.doc(), p.weight())).collect())
            .unwrap_or_default()
    }

    #[test]
    fn each_document_gives_a_term_its_best_weight_once() {
        let mut p = Postings::default();
        read(
            &mut p,
            0,
            &[
                ("Refunds", weight::TITLE),
                ("refunds refunds", weight::BODY),
            ],
        );
        read(&mut p, 1, &[("a refund here", weight::BODY)]);
        let terms = p.into_terms();
        assert_eq!(docs_of(&terms, "refunds"), [(0, weight::TITLE)]);
        assert_eq!(docs_of(&terms, "refund"), [(1, weight::BODY)]);
        // A stem is indexed only for words it differs from: "refund" is its own stem.
        assert_eq!(docs_of(&terms, "~refund"), [(0, weight::TITLE)]);
    }

    #[test]
    fn a_word_of_two_languages_gets_the_stem_of_each_documents_language() {
        use super::super::stem::{english, spanish};
        let mut p = Postings::default();
        // Read in either order, by the same thread: each document stems by its own language.
        for (n, stemmer) in [(0, spanish as Stemmer), (1, english), (2, spanish)] {
            let mut doc = p.document(n).stemmed_by(Some(stemmer));
            doc.add("macros", weight::BODY);
            doc.finish(false);
        }
        let terms = p.into_terms();
        assert_eq!(docs_of(&terms, "macros"), [(0, 1), (1, 1), (2, 1)]);
        assert_eq!(
            docs_of(&terms, &format!("~{}", english("macros"))),
            [(1, weight::BODY)]
        );
        assert_eq!(
            docs_of(&terms, &format!("~{}", spanish("macros"))),
            [(0, weight::BODY), (2, weight::BODY)]
        );
    }

    #[test]
    fn a_body_word_said_often_weighs_more() {
        let mut p = Postings::default();
        read(&mut p, 0, &[("escalate escalate escalate", weight::BODY)]);
        read(&mut p, 1, &[("escalate escalate", weight::BODY)]);
        let terms = p.into_terms();
        assert_eq!(
            docs_of(&terms, "escalate"),
            [(0, weight::BODY_OFTEN), (1, weight::BODY)]
        );
    }

    #[test]
    fn terms_kept_from_one_build_give_the_same_postings_in_the_next() {
        let mut first = Postings::default();
        let mut doc = first
            .document(0)
            .stemmed_by(Some(super::super::stem::english));
        doc.add("Escalations", weight::TITLE);
        doc.add("escalate escalate escalate", weight::BODY);
        let kept = doc.finish(true);
        let mut second = Postings::default();
        second.add_read(0, &kept);
        let (a, b) = (first.into_terms(), second.into_terms());
        for term in ["escalations", "escalate", "~escal"] {
            assert_eq!(docs_of(&a, term), docs_of(&b, term), "{term}");
            assert!(!docs_of(&b, term).is_empty(), "{term}");
        }
    }

    #[test]
    fn merged_postings_keep_every_document_in_order() {
        let mut a = Postings::default();
        read(&mut a, 2, &[("chargeback", weight::BODY)]);
        let mut b = Postings::default();
        read(&mut b, 0, &[("chargeback dispute", weight::BODY)]);
        read(&mut b, 1, &[("dispute", weight::HEADING)]);
        let terms = Postings::merge(a, b).into_terms();
        assert_eq!(
            docs_of(&terms, "chargeback"),
            [(0, weight::BODY), (2, weight::BODY)]
        );
        assert_eq!(
            docs_of(&terms, "dispute"),
            [(0, weight::BODY), (1, weight::HEADING)]
        );
    }
}
