//! Which version of each SOP the site shows, and where each page lives.
//!
//! "Current" (DESIGN.md, Publishing): **published text is always text that was approved, and
//! committed.**
//! - An SOP with release tags shows the last release whose text says `approved` (or
//!   `retired`), read from its tag. When `HEAD` or the working copy holds other text, the page
//!   says a revision is in progress (or that there are unreleased changes) and the publisher
//!   gets one note. A later commit that changed only the review dates (`sop review`) is the same
//!   approved text: its dates are shown. Line endings and a byte-order mark are not text: an
//!   SOP saved again with CRLF on Windows is no revision in progress.
//! - An SOP with no release tag shows its committed (`HEAD`) copy when that says `approved` (or
//!   `retired`), marked as not released with `sop release`.
//! - Uncommitted edits never reach a published page. Without git, the working copy is used.
//! - An SOP never approved is left out, with the reason for the publisher.
//! - `--drafts` (and `sop serve`) shows every working copy instead, marked as a preview.
//!
//! Every release whose text was approved (or retired) also gets an archived page; a release
//! that was not approved has none, so nothing links to text that was never approved.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::git::history::{self, HeadBlobs, Histories, Release, Revision, SopHistory};
use crate::repo::{BrokenFile, Corpus, Settings, Sop, Status, encoding};

/// Why the site shows this text of an SOP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// The last release whose text was approved (or retired), read from its tag.
    Released {
        /// Newer committed text that is not shown.
        pending: Option<Pending>,
    },
    /// No release tag: the copy committed at `HEAD`, which says approved (or retired). Not
    /// released with `sop release`, so no approval record exists in git.
    Committed {
        /// Always `None`: edits in the working copy are in [`Entry::uncommitted`].
        pending: Option<Pending>,
    },
    /// Outside git: the working copy, approved or retired.
    Working,
    /// `--drafts` and `sop serve`: the working copy, whatever its status, as a preview.
    Draft,
}

impl Shown {
    /// The newer text that is not shown, if any.
    pub fn pending(&self) -> Option<&Pending> {
        match self {
            Shown::Released { pending } | Shown::Committed { pending } => pending.as_ref(),
            Shown::Working | Shown::Draft => None,
        }
    }
}

/// Text of an SOP, newer than the one shown, that is not published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Its version.
    pub version: Option<String>,
    /// Its status.
    pub status: Option<Status>,
    /// Whether it is committed (else it is only in the working copy).
    pub committed: bool,
}

impl Pending {
    /// "A revision (v1.3.0, in review) is in progress" when the version moved on, else
    /// "Unreleased changes" (for the page; `shown` is the version shown).
    pub fn describe(&self, shown: &str) -> String {
        match &self.version {
            Some(v) if v != shown => format!(
                "A revision (v{v}, {}) is in progress",
                status_words(self.status)
            ),
            _ => "This SOP has unreleased changes".to_string(),
        }
    }
}

/// What an SOP is, said of it: "it is a draft", "it is in review", "it has no valid status".
pub fn it_is(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Draft) => "it is a draft",
        Some(Status::Review) => "it is in review",
        Some(Status::Approved) => "it is approved",
        Some(Status::Retired) => "it is retired",
        None => "it has no valid status",
    }
}

/// A status as a reader says it: `draft`, `in review`, `approved`, `retired`.
pub fn status_words(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Draft) => "draft",
        Some(Status::Review) => "in review",
        Some(Status::Approved) => "approved",
        Some(Status::Retired) => "retired",
        None => "no valid status",
    }
}

/// An SOP's text as a page shows it: the working copy, or one read from git (shared, so that
/// the texts `sop serve` keeps between builds are not copied for each build).
#[derive(Debug, Clone)]
pub enum SopRef<'a> {
    /// A text of the corpus.
    Borrowed(&'a Sop),
    /// A text read from git.
    Shared(std::sync::Arc<Sop>),
}

impl SopRef<'_> {
    fn owned(sop: Sop) -> Self {
        SopRef::Shared(std::sync::Arc::new(sop))
    }
}

impl std::ops::Deref for SopRef<'_> {
    type Target = Sop;

    fn deref(&self) -> &Sop {
        match self {
            SopRef::Borrowed(sop) => sop,
            SopRef::Shared(sop) => sop,
        }
    }
}

/// One SOP's published current page.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The id.
    pub id: String,
    /// File-safe form of the id, used in URLs.
    pub slug: String,
    /// The text shown.
    pub sop: SopRef<'a>,
    /// The working copy (for a file that cannot be read, an empty stand-in named by its path
    /// and id: see [`Selection::unreadable`]).
    pub working: SopRef<'a>,
    /// Why this text.
    pub shown: Shown,
    /// Edits in the working copy that are not committed: the publisher is told, no page shows
    /// them (uncommitted edits never reach a published page, not even as a revision in
    /// progress).
    pub uncommitted: Option<Pending>,
    /// The release shown ([`Shown::Released`]).
    pub release: Option<&'a Release>,
    /// Site path of the page (`sops/SOP-0001.html`).
    pub url: String,
    /// Git history, when there is one.
    pub history: Option<&'a SopHistory>,
    /// Archived versions: releases whose text was approved or retired, newest first.
    pub archived: Vec<Archived<'a>>,
    /// The status each release read had at its tag, by tag (a release missing here could not
    /// be read, or was not needed).
    pub release_status: BTreeMap<String, Option<Status>>,
    /// Tags that are no release of it (made or moved by hand), with why: publish names them,
    /// the page lists none of them.
    pub not_counted: BTreeMap<String, NotCounted>,
    /// Published translations.
    pub translations: Vec<Translation<'a>>,
    /// Approved releases newer than the one shown that take effect on a later date (the
    /// release shown is the one in force today), newest first.
    pub upcoming: Vec<Upcoming>,
    /// Whether the working copy is byte for byte the copy committed at `HEAD`.
    pub working_is_head: bool,
}

/// An approved release that takes effect on a later date: the page shows the version in
/// force today, and says when this one takes effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// Its tag.
    pub tag: String,
    /// Its version.
    pub version: String,
    /// The date it takes effect (`effective`).
    pub effective: String,
    /// Site path of its page (`sops/SOP-0001/v2.0.0.html`).
    pub url: String,
}

/// A released version with its own page.
#[derive(Debug, Clone)]
pub struct Archived<'a> {
    /// The release.
    pub release: &'a Release,
    /// The text at the tag (shared with what `sop serve` keeps between builds).
    pub sop: std::sync::Arc<Sop>,
    /// Its blob, when the history knows it.
    pub blob: Option<git2::Oid>,
    /// Site path of the page (`sops/SOP-0001/v1.0.0.html`).
    pub url: String,
}

/// A translation published beside its source.
#[derive(Debug, Clone)]
pub struct Translation<'a> {
    /// The translation's text shown (committed, unless drafts are previewed).
    pub sop: SopRef<'a>,
    /// Its language tag.
    pub language: String,
    /// Site path (`sops/SOP-0001.es.html`).
    pub url: String,
    /// Whether it translates an older version than the source's shown version.
    pub stale: bool,
    /// The source's release it translates when that release takes effect on a later date
    /// (the source's page shows the version in force; this page says so).
    pub upcoming: Option<Upcoming>,
}

/// Everything the site publishes.
#[derive(Debug, Default)]
pub struct Selection<'a> {
    /// Current pages, sorted by id.
    pub entries: Vec<Entry<'a>>,
    /// Site path of each SOP file (repository-relative path → page), for link rewriting.
    pub pages_by_path: BTreeMap<String, usize>,
    /// Notes for the person publishing (skipped files and why).
    pub notes: Vec<String>,
    /// One line per SOP whose newest text differs from what is published, and why.
    pub unpublished_changes: Vec<String>,
    /// One line per SOP left out because no version of it was approved and committed, with
    /// the reason.
    pub left_out: Vec<String>,
    /// The SOPs shown from a commit, not from a release (translations are not counted: they
    /// follow their original's releases), sorted by id.
    pub not_released: Vec<NotReleased>,
    /// SOP files that cannot be read (a stray NUL, binary, not UTF-8, too large) whose last
    /// approved release is shown instead: path → the note for the publisher, which replaces
    /// the file's "is not published".
    pub unreadable: BTreeMap<String, String>,
    /// In git, unless drafts are previewed: the SOP files whose working copy is not their
    /// committed copy, path → the copy committed at `HEAD` (`None`: not committed, or not
    /// readable from git). `None` outside git and with drafts: the working copies are used.
    pub committed: Option<BTreeMap<String, Option<std::sync::Arc<Sop>>>>,
}

/// An SOP published from its committed copy because it was never released with `sop release`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReleased {
    /// Its id.
    pub id: String,
    /// Its path in the repository.
    pub path: String,
    /// The version its committed copy says, if any.
    pub version: Option<String>,
    /// Whether the committed copy says `retired` (a release records the retirement).
    pub retired: bool,
}

impl Selection<'_> {
    /// The SOPs of `corpus` as the site shows them: their committed copies (uncommitted
    /// edits never reach the site, not even as counts on the dashboard), unless drafts are
    /// previewed or there is no git.
    pub fn committed_corpus<'c>(&self, corpus: &'c Corpus) -> std::borrow::Cow<'c, Corpus> {
        let Some(committed) = self.committed.as_ref().filter(|c| !c.is_empty()) else {
            return std::borrow::Cow::Borrowed(corpus);
        };
        let sops = corpus
            .sops
            .iter()
            .filter_map(|s| match committed.get(&s.path) {
                None => Some(s.clone()),
                Some(c) => c.as_deref().cloned(),
            })
            .collect();
        std::borrow::Cow::Owned(Corpus {
            sops,
            broken: corpus.broken.clone(),
        })
    }

    /// The published version of every SOP with a current page, for the review figures.
    pub fn current(&self) -> Vec<crate::report::Current<'_>> {
        self.entries
            .iter()
            .map(|e| crate::report::Current {
                sop: &e.sop,
                path: &e.working.path,
            })
            .collect()
    }
}

/// Reads committed text, for one thread.
pub trait TextReader {
    /// A file as it was released: the release, its blob when the history knows it, and its
    /// path then.
    fn at_tag(&mut self, release: &Release, blob: Option<git2::Oid>, path: &str) -> Option<String>;
    /// The SOP as it was released, parsed (a reader may keep what it parsed for the next
    /// build: `sop serve`).
    fn sop_at_tag(
        &mut self,
        release: &Release,
        blob: Option<git2::Oid>,
        path: &str,
        settings: &Settings,
    ) -> Option<std::sync::Arc<Sop>> {
        let text = self.at_tag(release, blob, path)?;
        Some(std::sync::Arc::new(Sop::parse_in(
            path.to_string(),
            text,
            settings,
        )))
    }
    /// The text of a blob.
    fn blob(&mut self, blob: git2::Oid) -> Option<String>;
    /// The whole message of a commit (full hex id).
    fn message(&mut self, commit: &str) -> Option<String>;
}

/// What the checks of a release tag read from git besides the text it tags.
pub trait Reads {
    /// The text of a blob.
    fn blob(&mut self, blob: git2::Oid) -> Option<String>;
    /// The whole message of a commit (full hex id).
    fn message(&mut self, commit: &str) -> Option<String>;
}

impl Reads for history::TextReader {
    fn blob(&mut self, blob: git2::Oid) -> Option<String> {
        history::TextReader::blob(self, blob)
    }
    fn message(&mut self, commit: &str) -> Option<String> {
        history::TextReader::message(self, commit)
    }
}

/// A [`TextReader`] as [`Reads`].
struct Via<'r, 'f>(&'r mut (dyn TextReader + 'f));

impl Reads for Via<'_, '_> {
    fn blob(&mut self, blob: git2::Oid) -> Option<String> {
        self.0.blob(blob)
    }
    fn message(&mut self, commit: &str) -> Option<String> {
        self.0.message(commit)
    }
}

/// Makes a [`TextReader`].
pub type NewReader<'f> = dyn Fn() -> Box<dyn TextReader + Send + 'f> + Sync + 'f;

/// Readers of committed text, handed to one task at a time: each keeps what it decoded (the
/// bases of the next versions), so they are made once per thread, not once per task.
struct Readers<'f> {
    make: Option<&'f NewReader<'f>>,
    idle: std::sync::Mutex<Vec<Box<dyn TextReader + Send + 'f>>>,
}

impl<'f> Readers<'f> {
    fn new(how: &How<'f>) -> Readers<'f> {
        Readers {
            make: how.git.map(|g| g.reader),
            idle: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Run `f` with a reader (`None` outside git).
    fn with<T>(&self, f: impl FnOnce(Option<&mut (dyn TextReader + Send + 'f)>) -> T) -> T {
        let Some(make) = self.make else {
            return f(None);
        };
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let mut reader = taken.unwrap_or_else(|| make());
        let out = f(Some(&mut *reader));
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(reader);
        out
    }
}

/// Where committed text comes from, in a git repository.
#[derive(Clone, Copy)]
pub struct Committed<'f> {
    /// The blob of every SOP file at `HEAD`.
    pub head: &'f HeadBlobs,
    /// Makes readers of committed text.
    pub reader: &'f NewReader<'f>,
}

/// What to select.
#[derive(Clone, Copy)]
pub struct How<'f> {
    /// Working copies of every SOP, drafts included (`--drafts`, `sop serve`).
    pub drafts: bool,
    /// Read every approved release for its archived page (else only the one shown).
    pub archived: bool,
    /// The committed text; `None` outside git.
    pub git: Option<Committed<'f>>,
    /// The date the version in force is chosen for: a release approved with a later
    /// `effective` date is not shown until then. `None`: the last approved release is shown,
    /// whatever its date.
    pub today: Option<crate::repo::dates::Date>,
}

/// The date `sop` takes effect when it is after `today`: it is not in force yet.
pub fn takes_effect_later(sop: &Sop, today: Option<crate::repo::dates::Date>) -> Option<String> {
    let today = today?;
    let effective = sop.date(sop.meta.effective.as_ref())?;
    (effective > today).then(|| effective.to_string())
}

/// Pick the pages of `corpus`.
pub fn select<'a>(
    corpus: &'a Corpus,
    settings: &Settings,
    histories: &'a Histories,
    how: &How<'_>,
) -> Selection<'a> {
    let mut notes = Vec::new();
    let mut by_id: BTreeMap<&str, &Sop> = BTreeMap::new();
    for sop in corpus.sops.iter().filter(|s| !s.is_translation()) {
        let Some(id) = sop.id() else {
            notes.push(format!(
                "`{}` is not published: it has no `id` and its file name does not start with one",
                sop.path
            ));
            continue;
        };
        if let Some(first) = by_id.get(id) {
            notes.push(format!(
                "`{}` is not published: its id `{id}` is already used by `{}`",
                sop.path, first.path
            ));
            continue;
        }
        by_id.insert(id, sop);
    }
    // Files that cannot be read, of SOPs with releases: their last approved release is shown.
    let stand_ins = if how.drafts || how.git.is_none() {
        Vec::new()
    } else {
        stand_ins(corpus, settings, histories, &by_id)
    };
    let mut candidates: Vec<(&str, SopRef<'a>, Option<&'a BrokenFile>)> = by_id
        .into_iter()
        .map(|(id, sop)| (id, SopRef::Borrowed(sop), None))
        .collect();
    if !stand_ins.is_empty() {
        for s in &stand_ins {
            let sop = SopRef::Shared(std::sync::Arc::clone(&s.sop));
            candidates.push((s.id.as_str(), sop, Some(s.file)));
        }
        candidates.sort_by(|a, b| a.0.cmp(b.0));
    }
    let readers = Readers::new(how);
    type Picked<'p> = (
        Result<Entry<'p>, String>,
        Vec<String>,
        Option<&'p BrokenFile>,
    );
    let picked: Vec<Picked<'a>> = candidates
        .par_iter()
        .map(|(id, working, file)| {
            readers.with(|reader| {
                let reader = reader.map(|r| r as &mut dyn TextReader);
                let mut found = Vec::new();
                // A file whose id is not committed yet (adopted, not yet committed) has its
                // history under its path.
                let history = histories.get(*id).or_else(|| {
                    histories
                        .get(working.path.as_str())
                        .filter(|h| h.id.is_none())
                });
                let picked = pick(id, working, history, how, reader, settings, &mut found);
                (picked, found, *file)
            })
        })
        .collect();
    let mut entries: Vec<Entry<'a>> = Vec::with_capacity(picked.len());
    let mut left_out = Vec::new();
    let mut unreadable = BTreeMap::new();
    for (p, found, file) in picked {
        notes.extend(found);
        match (p, file) {
            // A file that cannot be read stays as it is reported, unless its approved release
            // is shown.
            (Ok(e), Some(file)) => {
                let release = e
                    .release
                    .filter(|_| matches!(e.shown, Shown::Released { .. }));
                if let Some(release) = release {
                    unreadable.insert(file.path.clone(), shown_instead(file, &e.id, release));
                    entries.push(e);
                }
            }
            (Err(_), Some(_)) => {}
            (Ok(e), None) => match renumbered(&e, histories, settings) {
                Some(reason) => left_out.push(reason),
                None => entries.push(e),
            },
            (Err(reason), None) => left_out.push(reason),
        }
    }
    // The publisher is told once, by `unreadable`, why a file that cannot be read is not shown.
    let unpublished_changes: Vec<String> = entries
        .iter()
        .filter(|e| !unreadable.contains_key(&e.working.path))
        .flat_map(|e| change_notes(e, settings))
        .collect();
    let not_released: Vec<NotReleased> = entries
        .iter()
        .filter(|e| matches!(e.shown, Shown::Committed { .. }))
        .map(|e| NotReleased {
            id: e.id.clone(),
            path: e.working.path.clone(),
            version: e.sop.meta.version.as_ref().map(|v| v.value.clone()),
            retired: e.sop.status() == Some(Status::Retired),
        })
        .collect();
    let mut translations: BTreeMap<&str, Vec<&Sop>> = BTreeMap::new();
    for t in corpus.sops.iter().filter(|s| s.is_translation()) {
        if let Some(id) = t.id() {
            translations.entry(id).or_default().push(t);
        }
    }
    let mut reader = how.git.map(|g| (g.reader)());
    for entry in &mut entries {
        let Some(list) = translations.get(entry.id.as_str()) else {
            continue;
        };
        let source_version = entry.sop.version();
        let mut seen = std::collections::BTreeSet::new();
        for t in list {
            let Some(language) = t.language() else {
                continue;
            };
            if !crate::repo::sop::is_language_tag(language) {
                continue;
            }
            let r = reader.as_deref_mut().map(|r| r as &mut dyn TextReader);
            let Some(shown) = translation_text(t, how, r, settings, &mut notes) else {
                if !how.drafts && t.status() != Some(Status::Approved) {
                    left_out.push(translation_left_out(
                        t,
                        language,
                        &entry.id,
                        &format!("it is not approved yet ({})", it_is(t.status())),
                    ));
                }
                continue;
            };
            // Published text is always text that was approved: a translation of a version of
            // its source that was never approved (or never existed) is left out.
            if !how.drafts
                && let Some(why) = unapproved_source(entry, &shown, how.archived)
            {
                left_out.push(translation_left_out(t, language, &entry.id, &why));
                continue;
            }
            if !seen.insert(language.to_string()) {
                notes.push(format!(
                    "`{}` is not published: another `{language}` translation of `{}` comes first",
                    t.path, entry.id
                ));
                continue;
            }
            let of = translated_version(&shown);
            let stale = of
                .as_ref()
                .zip(source_version.as_ref())
                .is_some_and(|(of, src)| src > of);
            let upcoming = of.and_then(|of| {
                entry
                    .upcoming
                    .iter()
                    .find(|u| semver::Version::parse(u.version.trim()).ok().as_ref() == Some(&of))
                    .cloned()
            });
            entry.translations.push(Translation {
                sop: shown,
                language: language.to_string(),
                url: format!("sops/{}.{language}.html", entry.slug),
                stale,
                upcoming,
            });
        }
    }
    let mut pages_by_path = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        pages_by_path.insert(e.working.path.clone(), i);
        for t in &e.translations {
            pages_by_path.insert(t.sop.path.clone(), i);
        }
    }
    let committed = match how.git {
        Some(git) if !how.drafts => {
            let known: BTreeSet<&str> = entries
                .iter()
                .filter(|e| e.working_is_head)
                .map(|e| e.working.path.as_str())
                .collect();
            Some(committed_copies(corpus, &known, git, settings))
        }
        _ => None,
    };
    Selection {
        entries,
        pages_by_path,
        notes,
        unpublished_changes,
        left_out,
        not_released,
        unreadable,
        committed,
    }
}

/// The SOP files of `corpus` whose working copy is not the copy committed at `HEAD` (those in
/// `known` are), path → the committed copy (`None`: not committed, or not readable).
fn committed_copies(
    corpus: &Corpus,
    known: &BTreeSet<&str>,
    git: Committed<'_>,
    settings: &Settings,
) -> BTreeMap<String, Option<std::sync::Arc<Sop>>> {
    let differ: Vec<(&Sop, Option<git2::Oid>)> = corpus
        .sops
        .par_iter()
        .filter(|s| !known.contains(s.path.as_str()))
        .filter_map(|s| match git.head.get(&s.path) {
            Some(b) if history::is_text_of(b, s.source.text()) => None,
            blob => Some((s, blob)),
        })
        .collect();
    if differ.is_empty() {
        return BTreeMap::new();
    }
    let mut reader = (git.reader)();
    differ
        .into_iter()
        .map(|(s, blob)| {
            let copy = blob
                .and_then(|b| reader.blob(b))
                .map(|text| std::sync::Arc::new(Sop::parse_in(s.path.clone(), text, settings)));
            (s.path.clone(), copy)
        })
        .collect()
}

/// An SOP file that cannot be read, standing for its SOP so that the last approved release
/// is shown: an empty text at its path, with the SOP's id.
struct StandIn<'a> {
    id: String,
    sop: std::sync::Arc<Sop>,
    file: &'a BrokenFile,
}

/// A stand-in for each file of `corpus` whose text cannot be read ([`FileProblem::
/// is_unreadable_text`]) and that git knows as an SOP with releases: the working copy is
/// then something sop cannot read, but the last approved release is still in force (as when
/// an edit breaks the front matter). Its id is the file name's, else the id its history has
/// at that path; an id another readable SOP uses, or a translation's file, gets none.
fn stand_ins<'a>(
    corpus: &'a Corpus,
    settings: &Settings,
    histories: &Histories,
    readable: &BTreeMap<&str, &Sop>,
) -> Vec<StandIn<'a>> {
    let mut out: Vec<StandIn<'a>> = Vec::new();
    for file in corpus
        .broken
        .iter()
        .filter(|b| b.problem.is_unreadable_text())
    {
        let name = file.path.rsplit('/').next().unwrap_or(&file.path);
        let named = crate::repo::sop::FileName::parse(name, &settings.ids);
        if named.language.is_some() {
            continue;
        }
        let id = match named.id {
            Some(id) => id,
            None => match histories
                .iter()
                .find(|(_, h)| h.path == file.path && h.id.is_some())
            {
                Some((id, _)) => id.clone(),
                None => continue,
            },
        };
        let released = histories
            .get(&id)
            .is_some_and(|h| h.path == file.path && !h.releases.is_empty());
        if !released || readable.contains_key(id.as_str()) || out.iter().any(|s| s.id == id) {
            continue;
        }
        let mut sop = Sop::parse_in(file.path.clone(), String::new(), settings);
        sop.file_name.id = Some(id.clone());
        out.push(StandIn {
            id,
            sop: std::sync::Arc::new(sop),
            file,
        });
    }
    out
}

/// The publisher's note on a file that cannot be read, whose SOP `id` is shown at its last
/// approved `release` instead.
fn shown_instead(file: &BrokenFile, id: &str, release: &Release) -> String {
    // An emptied file is more likely an SOP being withdrawn than one being written: deleting
    // it would take an approved SOP off the site without a record.
    let help = match file.problem {
        crate::repo::FileProblem::Empty => format!(
            "to bring the text back, run `git show {tag}:{path} > {path}`; to withdraw the SOP, bring it back and retire it (`status: retired`, then `sop release {id}`)",
            tag = release.tag,
            path = file.path,
        ),
        _ => file.problem.help().to_string(),
    };
    format!(
        "`{}` cannot be read: {}; the site shows the last approved release of `{id}`, v{} (tag `{}`), instead of this file: {help}",
        file.path,
        file.problem,
        release.version.trim(),
        release.tag,
    )
}

/// The text of translation `t` to publish: the working copy with drafts, else its approved
/// committed copy (the working copy outside git); `None` when there is none.
fn translation_text<'a>(
    t: &'a Sop,
    how: &How<'_>,
    reader: Option<&mut (dyn TextReader + '_)>,
    settings: &Settings,
    notes: &mut Vec<String>,
) -> Option<SopRef<'a>> {
    if how.drafts {
        return Some(SopRef::Borrowed(t));
    }
    let approved = |s: &Sop| s.status() == Some(Status::Approved);
    let (Some(git), Some(reader)) = (how.git, reader) else {
        return approved(t).then_some(SopRef::Borrowed(t));
    };
    let committed = match git.head.get(&t.path) {
        Some(blob) if history::is_text_of(blob, t.source.text()) => Some(SopRef::Borrowed(t)),
        Some(blob) => reader
            .blob(blob)
            .map(|text| SopRef::owned(Sop::parse_in(t.path.clone(), text, settings))),
        None => None,
    };
    match committed {
        Some(c) if approved(&c) => {
            if !matches!(c, SopRef::Borrowed(_)) {
                notes.push(format!(
                    "`{}` has changes that are not committed: the site shows its committed text",
                    t.path
                ));
            }
            Some(c)
        }
        _ => {
            if approved(t) {
                notes.push(format!(
                    "`{}` is not published: its approved text is not committed yet (commit it, then publish)",
                    t.path
                ));
            }
            None
        }
    }
}

/// "the `es` translation of `SOP-0001` (`sops/x.es.md`) is not published: <why>".
fn translation_left_out(t: &Sop, language: &str, id: &str, why: &str) -> String {
    format!(
        "the `{language}` translation of `{id}` (`{}`) is not published: {why}",
        t.path
    )
}

/// Why translation `t` must not be published beside `entry`: the source version it declares
/// was released without approval, is newer than the version shown and was never released as
/// approved, or is no version of the source at all. `None` when it translates an approved
/// version, or, for a source with no release at all, a version older than the one shown (nothing
/// records whether it was approved; it is shown as stale). With releases, a version below the
/// first one is no version of the source: its versions are the released ones.
/// `all_read`: every release of the source was read (else a release not read counts as
/// approved when its tag records approvers).
fn unapproved_source(entry: &Entry<'_>, t: &Sop, all_read: bool) -> Option<String> {
    let id = entry.id.as_str();
    // With no version it translates, nobody can tell whether its text was approved.
    let Some(of) = translated_version(t) else {
        return Some(format!(
            "its `translation_of` does not name the version of `{id}` it translates: write `translation_of: {id}@<version>` with a version of `{id}` that was approved (`sop lint` shows where)"
        ));
    };
    let shown = entry.sop.version();
    if shown.as_ref() == Some(&of) {
        return None;
    }
    let version = |r: &Release| semver::Version::parse(r.version.trim()).ok();
    if entry
        .archived
        .iter()
        .any(|a| version(a.release).as_ref() == Some(&of))
    {
        return None;
    }
    let releases: &[Release] = entry.history.map_or(&[], |h| h.releases.as_slice());
    let shown_words = shown.as_ref().map_or_else(String::new, |v| {
        format!(" (the site shows its approved version {v})")
    });
    if let Some(r) = releases.iter().find(|r| version(r).as_ref() == Some(&of)) {
        if let Some(why) = entry.not_counted.get(&r.tag) {
            // A rewritten release commit that a later release replaced has no warning of its
            // own (see [`warn_rewritten`]): why it does not count is said here.
            let later = matches!(why, NotCounted::Rewritten(_))
                .then(|| later_release(r, releases, |l| entry.release_status.contains_key(&l.tag)))
                .flatten();
            let said = match later {
                Some(later) => format!(": {}", why.replaced(&r.version, &later.version)),
                None => ", as the warning above says".to_string(),
            };
            return Some(format!(
                "it translates version {of} of `{id}`, whose tag `{}` does not count as a release{said}{shown_words}: translate an approved version",
                r.tag
            ));
        }
        let read = entry.release_status.contains_key(&r.tag);
        if !all_read && !read && !r.approvals.is_empty() {
            return None;
        }
        return Some(format!(
            "it translates version {of} of `{id}`, which was released without approval{shown_words}: translate an approved version, or get `{id}` approved with `sop release --approve` and translate that version"
        ));
    }
    // A version never released, older than the one shown. With no release at all, nothing
    // records whether it was approved: it is shown as stale. With releases, the versions
    // known are the released ones (their tags): one below the first release is none of them.
    let first = releases.iter().filter_map(version).min();
    if first.is_none() && shown.as_ref().is_some_and(|s| &of < s) {
        return None;
    }
    let before_first = first.is_some_and(|f| of < f);
    let working = entry.working.version();
    if working.as_ref() == Some(&of) {
        return Some(format!(
            "it translates version {of} of `{id}`, which is not released as approved yet{shown_words}: translate an approved version, or publish the translation once {of} is released with `sop release --approve`"
        ));
    }
    if !before_first && working.as_ref().is_some_and(|w| &of < w) {
        return Some(format!(
            "it translates version {of} of `{id}`, which was never released as approved{shown_words}: translate an approved version"
        ));
    }
    let mut known: Vec<semver::Version> = releases.iter().filter_map(version).collect();
    known.extend(shown);
    known.extend(working);
    known.sort();
    known.dedup();
    let known: Vec<String> = known.iter().map(ToString::to_string).collect();
    Some(format!(
        "it translates version {of} of `{id}`, but `{id}` has no version {of} (its versions: {}): set `translation_of` to the version you translated",
        if known.is_empty() {
            "none yet".to_string()
        } else {
            known.join(", ")
        }
    ))
}

/// The source version a translation declares (`translation_of: SOP-0001@2.1.0`).
pub fn translated_version(t: &Sop) -> Option<semver::Version> {
    version_of_translation(&t.meta.translation_of.as_ref()?.value)
}

/// The version a `translation_of` value names (`SOP-0001@2.1.0` → 2.1.0).
pub fn version_of_translation(translation_of: &str) -> Option<semver::Version> {
    let (_, v) = translation_of.split_once('@')?;
    semver::Version::parse(v.trim()).ok()
}

fn pick<'a>(
    id: &str,
    working_ref: &SopRef<'a>,
    history: Option<&'a SopHistory>,
    how: &How<'_>,
    mut reader: Option<&mut (dyn TextReader + '_)>,
    settings: &Settings,
    notes: &mut Vec<String>,
) -> Result<Entry<'a>, String> {
    let working: &Sop = working_ref;
    let slug = file_slug(id);
    let releases: &'a [Release] = history.map_or(&[], |h| h.releases.as_slice());
    // Release texts, newest first: every approved one gets an archived page; a release whose
    // text was not approved gets none. Without archived pages, reading stops at the one shown.
    let mut archived: Vec<Archived<'a>> = Vec::new();
    let mut release_status = BTreeMap::new();
    let mut unreadable = 0;
    // Tags that are no release of it (made or moved by hand).
    let mut not_counted = BTreeMap::new();
    // The warnings on rewritten release commits, where they go among `notes`: given once it is
    // known whether a later release replaced them ([`warn_rewritten`]).
    let mut rewritten = Vec::new();
    if let Some(reader) = reader.as_deref_mut() {
        for release in releases {
            // The one shown is the newest approved release in force today.
            if !how.archived
                && archived
                    .last()
                    .is_some_and(|a| takes_effect_later(&a.sop, how.today).is_none())
            {
                break;
            }
            let revision = history.and_then(|h| revision_at(h, release));
            let path = match (revision, history) {
                (Some(r), _) if !r.path.is_empty() => r.path.as_str(),
                (_, Some(h)) => h.path.as_str(),
                (_, None) => working.path.as_str(),
            };
            // The history knows the released blob when the release's own commit wrote it, or
            // when it tags a merge that holds just the change it brought in; otherwise the
            // file is read from the tagged commit.
            let blob = release.blob;
            let Some(sop) = reader.sop_at_tag(release, blob, path, settings) else {
                unreadable += 1;
                continue;
            };
            // A tag made or moved by hand is not a release: said so, and left out.
            if let Some(history) = history
                && let Some(why) = why_not_counted(
                    id,
                    release,
                    history,
                    (&Tagged::of(&sop), sop.source.text()),
                    settings,
                    &mut Via(&mut *reader),
                )
            {
                let note = why.note(&release.tag, id, &release.version);
                if matches!(why, NotCounted::Rewritten(_)) {
                    rewritten.push((notes.len(), release, note));
                } else {
                    notes.push(note);
                }
                not_counted.insert(release.tag.clone(), why);
                continue;
            }
            let status = sop.status();
            release_status.insert(release.tag.clone(), status);
            if matches!(status, Some(Status::Approved | Status::Retired)) {
                archived.push(Archived {
                    release,
                    blob,
                    url: format!("{}.html", release_path(&slug, &release.version)),
                    sop,
                });
            }
        }
    }
    let in_force = |s: &Sop| matches!(s.status(), Some(Status::Approved | Status::Retired));
    let entry =
        |sop: SopRef<'a>, shown: Shown, release: Option<&'a Release>, archived, release_status| {
            Entry {
                id: id.to_string(),
                url: format!("sops/{slug}.html"),
                slug: slug.clone(),
                sop,
                working: working_ref.clone(),
                shown,
                uncommitted: None,
                working_is_head: false,
                release,
                history,
                archived,
                release_status,
                not_counted: not_counted.clone(),
                translations: Vec::new(),
                upcoming: Vec::new(),
            }
        };
    if how.drafts || how.git.is_none() {
        warn_rewritten(
            notes,
            std::mem::take(&mut rewritten),
            releases,
            &release_status,
        );
    }
    if how.drafts {
        return Ok(entry(
            working_ref.clone(),
            Shown::Draft,
            None,
            archived,
            release_status,
        ));
    }
    let Some(git) = how.git else {
        return if in_force(working) {
            Ok(entry(
                working_ref.clone(),
                Shown::Working,
                None,
                archived,
                release_status,
            ))
        } else {
            Err(left_out(working, &never_approved(working.status())))
        };
    };
    // The committed copy: the working copy itself when it is byte for byte what is committed.
    let head_blob = git
        .head
        .get(&working.path)
        .or_else(|| history.and_then(|h| git.head.get(&h.path)));
    // Usually the working copy is the last release, committed: same blob, same text, and no
    // hashing needed.
    let shown_release = archived.first();
    let working_is_head = head_blob.is_some_and(|b| {
        shown_release
            .is_some_and(|a| a.blob == Some(b) && a.sop.source.text() == working.source.text())
            || history::is_text_of(b, working.source.text())
    });
    let head: Option<SopRef<'a>> = match head_blob {
        _ if working_is_head => Some(working_ref.clone()),
        Some(blob) => {
            let path = history.map_or(working.path.as_str(), |h| h.path.as_str());
            reader
                .and_then(|r| r.blob(blob))
                .map(|text| SopRef::owned(Sop::parse_in(path.to_string(), text, settings)))
        }
        None => None,
    };
    // A release on a commit `HEAD` does not reach, of a version above the committed one, did
    // not land here (a branch never merged): the committed text is not that release.
    let committed_version = head.as_deref().and_then(Sop::version);
    if let Some(committed) = &committed_version {
        let landed = |r: &Release| {
            r.place.is_some()
                || semver::Version::parse(&r.version).map_or(true, |v| v <= *committed)
        };
        // Its releases of any status: the page lists none of them.
        for r in releases.iter().filter(|r| !landed(r)) {
            release_status.remove(&r.tag);
        }
        archived.retain(|a| {
            let landed = landed(a.release);
            if !landed {
                notes.push(format!(
                    "release `{}` is not shown for `{id}`: it was made on a commit this branch does not have, and the committed `{id}` still says version {committed}; it is shown once its branch is merged (if that branch was abandoned, `git tag -d {}` removes the release)",
                    a.release.tag, a.release.tag
                ));
                release_status.remove(&a.release.tag);
            }
            landed
        });
    }
    warn_rewritten(notes, rewritten, releases, &release_status);
    let pending_of = |s: &Sop, committed: bool| Pending {
        version: s.meta.version.as_ref().map(|v| v.value.clone()),
        status: s.status(),
        committed,
    };
    if !releases.is_empty() {
        let Some(last) = archived.first() else {
            let what = match (releases.len(), unreadable) {
                _ if !not_counted.is_empty() => format!(
                    "{} (the warnings above say why, and what to do for each)",
                    if not_counted.len() == releases.len() {
                        "none of its release tags counts"
                    } else {
                        "of its release tags, some do not count and the others were not approved"
                    }
                ),
                // A text git cannot give is no reason to approve it again: it is missing.
                (_, n) if n > 0 => {
                    return Err(left_out(
                        working,
                        &format!(
                            "the text of {n} of its release tags could not be read from git, and no other release was approved: objects are missing from this clone (`git fsck` names them; fetch them again), or the released file is not UTF-8 text"
                        ),
                    ));
                }
                (1, _) => "its release was not approved".to_string(),
                (n, _) => format!("none of its {n} releases was approved"),
            };
            return Err(left_out(
                working,
                &format!(
                    "{what}: once it is reviewed, approve it with {}",
                    crate::git::approval::approve_command(id, "--patch", "Approved after review")
                ),
            ));
        };
        let release_text = last.sop.source.text();
        // Line endings and a byte-order mark are not text: a file saved again on Windows is
        // no revision in progress.
        let differs = |a: &str, b: &str| !encoding::same_text(a, b);
        // A commit that only recorded a review (`sop review`) keeps the approved text: show
        // its review dates.
        let reviewed = head
            .as_deref()
            .filter(|h| differs(h.source.text(), release_text))
            .filter(|h| {
                crate::repo::front_matter::same_but_review_dates(
                    release_text,
                    h.source.text(),
                    &settings.keys,
                )
            });
        let shown_text = reviewed.map_or(release_text, |h| h.source.text());
        // The page says a revision is in progress only for committed text; uncommitted edits
        // are for the publisher's note alone.
        let pending = match (&head, head_blob) {
            (Some(h), _) => Some(h)
                .filter(|h| differs(h.source.text(), shown_text))
                .map(|h| pending_of(h, true)),
            // A committed text that cannot be read (not UTF-8, binary) that is not the
            // release's: committed changes all the same.
            (None, Some(b)) if last.blob != Some(b) => Some(Pending {
                version: None,
                status: None,
                committed: true,
            }),
            (None, _) => None,
        };
        let uncommitted = (!working_is_head
            && differs(working.source.text(), shown_text)
            && head
                .as_deref()
                .is_none_or(|h| differs(working.source.text(), h.source.text())))
        .then(|| pending_of(working, false));
        let release = last.release;
        let sop = match (reviewed, &head) {
            (Some(_), Some(h)) => h.clone(),
            _ => SopRef::Shared(std::sync::Arc::clone(&last.sop)),
        };
        // A release approved to take effect on a later date is not in force yet: the page
        // shows the newest approved release in force today, and says when the next one takes
        // effect. With none in force yet, the newest is shown, and says so.
        let in_force_now = archived
            .iter()
            .position(|a| takes_effect_later(&a.sop, how.today).is_none());
        let (sop, release, upcoming) = match in_force_now {
            Some(i) if i > 0 => {
                let upcoming: Vec<Upcoming> = archived[..i]
                    .iter()
                    .filter_map(|a| {
                        Some(Upcoming {
                            tag: a.release.tag.clone(),
                            version: a.release.version.trim().to_string(),
                            effective: takes_effect_later(&a.sop, how.today)?,
                            url: a.url.clone(),
                        })
                    })
                    .collect();
                let shown = &archived[i];
                if let Some(next) = upcoming.last() {
                    notes.push(format!(
                        "`{id}`: version {} takes effect on {}, so the site shows v{}, the version in force today: publish again on {} to show it",
                        next.version,
                        next.effective,
                        shown.release.version.trim(),
                        next.effective,
                    ));
                }
                (
                    SopRef::Shared(std::sync::Arc::clone(&shown.sop)),
                    shown.release,
                    upcoming,
                )
            }
            _ => (sop, release, Vec::new()),
        };
        return Ok(Entry {
            uncommitted,
            upcoming,
            working_is_head,
            ..entry(
                sop,
                Shown::Released { pending },
                Some(release),
                archived,
                release_status,
            )
        });
    }
    // Release commits without their tags: the tags were not fetched, and the committed text
    // may be an edit made after the release.
    if let Some(commit) = history.and_then(|h| h.release_commit(id)) {
        return Err(left_out(
            working,
            &format!(
                "its history has the release commit \"{commit}\" but no release tag of it is here: fetch the tags (`git fetch --tags`; in CI `fetch-depth: 0` for actions/checkout), then publish"
            ),
        ));
    }
    match head {
        None if head_blob.is_some() => Err(left_out(
            working,
            "its committed text could not be read from git (it is not UTF-8 text, or objects are missing: `git fsck` tells which)",
        )),
        Some(h) if !crate::lint::file::conflict_blocks(&h).is_empty() => Err(left_out(
            working,
            "its committed text has an unresolved merge conflict (`<<<<<<<` … `>>>>>>>`): keep the right text, delete the marker lines, commit, then publish (`sop lint` shows where)",
        )),
        // Retired with no approver and no effective date: it was never in force.
        Some(h) if h.status() == Some(Status::Retired) && never_in_force(&h) => Err(left_out(
            working,
            "it was retired without ever being approved (it names no approver and no effective date), so there is no approved text to show",
        )),
        Some(h) if in_force(&h) => {
            let uncommitted = (!working_is_head).then(|| pending_of(working, false));
            Ok(Entry {
                uncommitted,
                working_is_head,
                ..entry(
                    h,
                    Shown::Committed { pending: None },
                    None,
                    archived,
                    release_status,
                )
            })
        }
        Some(h) => Err(left_out(working, &never_approved(h.status()))),
        None if in_force(working) => Err(left_out(
            working,
            "its approved text is not committed yet (commit it, then publish)",
        )),
        None => Err(left_out(
            working,
            &format!(
                "no version of it is approved yet ({}, and not committed yet)",
                it_is(working.status())
            ),
        )),
    }
}

/// Why `e`, shown from its last commit, is left out when its file was released as another
/// SOP that is gone (its id changed since): no release approves the text under the new id,
/// and the change of id may have come with an edit. A copy of an SOP that is still there (git
/// follows copies too) is an SOP of its own.
fn renumbered(e: &Entry<'_>, histories: &Histories, settings: &Settings) -> Option<String> {
    if !matches!(e.shown, Shown::Committed { .. }) {
        return None;
    }
    // The file's name after its id: the same one for a renumbered SOP; another SOP that git
    // paired with a deleted one (made from the same template) has its own.
    let name = |path: &str| {
        let file = path.rsplit('/').next().unwrap_or(path);
        crate::repo::sop::FileName::parse(file, &settings.ids).slug
    };
    let now = name(&e.working.path);
    let commit = e
        .history?
        .commits
        .iter()
        .filter_map(|c| Some((c, history::release_subject_id(&c.summary)?)))
        .find(|(c, other)| {
            *other != e.id && !histories.contains_key(*other) && name(&c.path) == now
        })
        .map(|(c, _)| c.summary.as_str())?;
    Some(left_out(
        &e.working,
        &format!(
            "its file was released as another SOP (\"{commit}\") and its id changed since, so no release approves this text: once it is reviewed, release it under its new id with {}, or give it back its old id",
            crate::git::approval::approve_command(&e.id, "--minor", "Released under its new id")
        ),
    ))
}

/// Puts the warnings on release commits rewritten after their approval (`rewritten`: where
/// each goes among `notes`, the release, the warning) among `notes`, but for those a later
/// version that counts here replaced (a tag in `counted`): the SOP was released again, as the
/// warning asks, and `sop history` still says the old tag does not count.
fn warn_rewritten(
    notes: &mut Vec<String>,
    rewritten: Vec<(usize, &Release, String)>,
    releases: &[Release],
    counted: &BTreeMap<String, Option<Status>>,
) {
    for (at, release, note) in rewritten.into_iter().rev() {
        if later_release(release, releases, |r| counted.contains_key(&r.tag)).is_none() {
            notes.insert(at.min(notes.len()), note);
        }
    }
}

/// The newest release among `releases` of a later version than `release`'s that `counts`.
pub fn later_release<'r>(
    release: &Release,
    releases: &'r [Release],
    counts: impl Fn(&Release) -> bool,
) -> Option<&'r Release> {
    let version = |r: &Release| semver::Version::parse(r.version.trim()).ok();
    let of = version(release)?;
    releases
        .iter()
        .filter_map(|r| Some((version(r)?, r)))
        .filter(|(v, r)| *v > of && counts(r))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, r)| r)
}

/// Whether `sop` names no approver and no effective date: nothing says it was ever in force.
fn never_in_force(sop: &Sop) -> bool {
    let approvers = sop
        .meta
        .approvers
        .as_ref()
        .is_some_and(|a| a.value.iter().any(|p| !p.value.trim().is_empty()));
    let effective = sop
        .meta
        .effective
        .as_ref()
        .is_some_and(|e| !e.value.trim().is_empty());
    !approvers && !effective
}

/// Why a release tag does not count as a release of its SOP (a tag made or moved by hand):
/// `sop publish` leaves it out with a warning, `sop history` says so on its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCounted {
    /// The text it tags says another version: the one it says, if any.
    OtherVersion(Option<String>),
    /// The text it tags is not that of the commit `sop release` made for its version (that
    /// commit's subject), and the commit it tags is no release commit of its version: a tag
    /// moved by hand.
    NotItsCommit(String),
    /// The commit it tags is a release commit of its version, but not the one this branch has
    /// (that commit's subject), whose text differs: the release commit was rewritten after the
    /// approval (a rebase, an amend, a cherry-pick) and the tag was left where it was made.
    /// Moving the tag would mark text nobody approved as approved: the text is released again.
    Rewritten(String),
    /// Its text says approved, but it records no approver, though earlier releases do.
    NoApprover,
    /// It records exactly the approvals of another release (this version), which its release
    /// commit records, while no release commit of its own version records them: a tag message
    /// copied by hand.
    CopiedApproval(String),
}

impl NotCounted {
    /// Why, in `sop publish`'s words, for the tag of `version`: "the text it tags says version
    /// 1.0.0, not version 2.0.0".
    pub fn reason(&self, version: &str) -> String {
        match self {
            NotCounted::OtherVersion(said) => format!(
                "the text it tags says {}, not version {version}",
                said.as_ref()
                    .map_or_else(|| "no version".to_string(), |v| format!("version {v}"))
            ),
            NotCounted::NotItsCommit(subject) => {
                format!("the text it tags is not the text of its release commit \"{subject}\"")
            }
            NotCounted::Rewritten(subject) => format!(
                "its release commit \"{subject}\" here is not the commit the tag was made on, and its text is not the approved text the tag holds: that commit was rewritten after the approval (a rebase, an amend or a cherry-pick)"
            ),
            NotCounted::NoApprover => {
                "it records no approver, though its earlier releases do".to_string()
            }
            NotCounted::CopiedApproval(of) => format!(
                "it records the approval of release {of} (the same approvers, dates and meaning), but no release commit of version {version} records that approval"
            ),
        }
    }

    /// Why, for the tag of `version` that a later release (of version `later`) replaced: a
    /// rewritten release commit, released again since as its warning asks, is told quietly.
    pub fn replaced(&self, version: &str, later: &str) -> String {
        match self {
            NotCounted::Rewritten(subject) => format!(
                "the tag is not on its release commit \"{subject}\" here, which was rewritten after the approval; version {later}, released since, replaces it"
            ),
            other => other.reason(version),
        }
    }

    /// The warning `sop publish` gives for tag `tag` of version `version` of `id`: what does
    /// not count, why, and what to do.
    pub fn note(&self, tag: &str, id: &str, version: &str) -> String {
        let (what, hint) = match self {
            NotCounted::OtherVersion(_) => {
                ("a release", " (a tag made or moved by hand?)".to_string())
            }
            NotCounted::NotItsCommit(_) => (
                "a release",
                " (a tag moved by hand?); move it back onto that commit, as an annotated tag with its message"
                    .to_string(),
            ),
            NotCounted::Rewritten(_) => (
                "a release",
                format!(
                    "; the tag was not moved: leave it where it is (moving it onto this commit would show text nobody approved as approved), and once this text is reviewed, release it again with {}",
                    crate::git::approval::approve_command(id, "--patch", "Approved again")
                ),
            ),
            NotCounted::NoApprover => (
                "an approved release",
                " (`sop release --approve` records them; a tag made by hand?)".to_string(),
            ),
            NotCounted::CopiedApproval(_) => (
                "an approved release",
                format!(
                    " (a tag message copied by hand?); delete the tag (`git tag -d {tag}`) and, once this text is approved, release it with {}",
                    crate::git::approval::approve_command(
                        id,
                        &format!("--version {version}"),
                        "Approved after review"
                    )
                ),
            ),
        };
        format!(
            "tag `{tag}` is not counted as {what} of `{id}`: {}{hint}",
            self.reason(version)
        )
    }
}

/// What the checks of a release tag need of the text it tags: its front matter's `version`
/// and `status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tagged {
    /// The version it says (trimmed), if any.
    pub version: Option<String>,
    /// Its status, when it is one of the four.
    pub status: Option<Status>,
}

impl Tagged {
    /// Of a parsed SOP.
    pub fn of(sop: &Sop) -> Tagged {
        Tagged {
            version: sop.meta.version.as_ref().map(|v| v.value.clone()),
            status: sop.status(),
        }
    }

    /// Of `text`, reading only its front matter, as [`Sop::parse_in`] reads it. Front matter
    /// of plain `key: value` lines (as `sop new` and `sop release` write it) is read line by
    /// line; anything else goes through the YAML parser.
    pub fn read(text: &str, settings: &Settings) -> Tagged {
        use crate::repo::front_matter::{self, Value};
        let split = front_matter::split(text);
        let Some(yaml) = split.yaml else {
            return Tagged::default();
        };
        let slice = text.get(yaml.start..yaml.end).unwrap_or_default();
        let own_names = ["version", "status"]
            .iter()
            .all(|k| settings.keys.alias(k).is_none() && !settings.keys.kept_for_another_tool(k));
        if own_names && let Some(plain) = plain_front_matter(slice) {
            return plain;
        }
        let fm = front_matter::parse(text, yaml);
        let field = |key: &str| match &settings.keys.field(&fm, key)?.value {
            Value::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        };
        Tagged {
            version: field("version").map(str::to_string),
            status: field("status").and_then(|s| s.parse().ok()),
        }
    }
}

/// The `version` and `status` of `yaml`, a front matter of plain lines only, read without the
/// YAML parser: `key: value` lines whose value is a plain word or words (`1.2.0`, `approved`,
/// `Refunds and returns`, `Zoë Dubois`, `2026-11-30`), a list of such words in brackets, or
/// (for keys other than these two) a double-quoted text without `"` or `\` in it
/// (`"Grace O'Neill"`), and `- item` lines of either under a key without value. `None` for
/// anything else (single quotes, escapes, comments, colons, tabs, control characters, spaces
/// other than ` `, a key given twice): the YAML parser reads it, and decides.
fn plain_front_matter(yaml: &str) -> Option<Tagged> {
    // A character YAML reads as itself in a scalar: printable, no tab nor other space than
    // ` `, no byte order mark or line separator.
    let printable = |c: char| {
        (' '..='~').contains(&c)
            || (!c.is_ascii()
                && !c.is_control()
                && !c.is_whitespace()
                && !matches!(
                    c,
                    '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' | '\u{2028}' | '\u{2029}'
                ))
    };
    // A word YAML reads as itself: it starts with an ASCII letter, a digit or `_`, and has no
    // `:` or `#` (nor, in brackets, `,[]{}`).
    let plain = |v: &str, in_list: bool| {
        v.as_bytes()
            .first()
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            && v.chars().all(|c| {
                printable(c)
                    && !matches!(c, ':' | '#')
                    && !(in_list && matches!(c, ',' | '[' | ']' | '{' | '}'))
            })
    };
    // A double-quoted text YAML reads as what is between the quotes: no escape in it.
    let quoted = |v: &str| {
        v.len() >= 2
            && v.starts_with('"')
            && v.ends_with('"')
            && v.get(1..v.len() - 1).is_some_and(|inner| {
                inner
                    .chars()
                    .all(|c| printable(c) && !matches!(c, '"' | '\\'))
            })
    };
    let (mut version, mut status): (Option<Option<&str>>, Option<Option<&str>>) = (None, None);
    // After a key without value: the indentation of its `- item` lines, once one is seen.
    let mut list: Option<Option<usize>> = None;
    for line in yaml.split('\n') {
        let line = line.trim_end_matches([' ', '\r']);
        if line.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line.get(indent..)?;
        if let Some(item) = rest.strip_prefix("- ") {
            let want = list.as_mut()?;
            let item = item.trim_start_matches(' ');
            if *want.get_or_insert(indent) != indent || !(plain(item, false) || quoted(item)) {
                return None;
            }
            continue;
        }
        if indent > 0 {
            return None;
        }
        let (key, value) = match line.split_once(':') {
            Some((key, "")) => (key, ""),
            Some((key, value)) => (key, value.strip_prefix(' ')?.trim_start_matches(' ')),
            None => return None,
        };
        let kb = key.as_bytes();
        if !kb.first().is_some_and(u8::is_ascii_alphabetic)
            || !kb
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
        {
            return None;
        }
        list = value.is_empty().then_some(None);
        let valid = value.is_empty()
            || plain(value, false)
            || quoted(value)
            || value
                .strip_prefix('[')
                .and_then(|v| v.strip_suffix(']'))
                .is_some_and(|items| {
                    items.trim().is_empty()
                        || items.split(',').all(|i| plain(i.trim_matches(' '), true))
                });
        if !valid {
            return None;
        }
        let field = match key {
            "version" => &mut version,
            "status" => &mut status,
            _ => continue,
        };
        // A key given twice, a list, a quoted text, or a value YAML reads as no value: left to
        // the parser.
        if field.is_some()
            || value.starts_with(['[', '"'])
            || matches!(value, "null" | "Null" | "NULL")
        {
            return None;
        }
        *field = Some((!value.is_empty()).then_some(value));
    }
    Some(Tagged {
        version: version.flatten().map(str::to_string),
        status: status.flatten().and_then(|s| s.parse().ok()),
    })
}

/// Whether `made`, the text of a release commit, is `tagged`, the text a tag of its version
/// holds: the same text, or the same but for a review recorded since (`sop review`), which
/// changes only the review dates.
pub fn same_release_text(made: &str, tagged: &str, settings: &Settings) -> bool {
    encoding::same_text(made, tagged)
        || crate::repo::front_matter::same_but_review_dates(made, tagged, &settings.keys)
}

/// Whether `subject` is that of a commit `sop release` made for version `version` of `id`
/// (`SOP-0001 v1.2.0: …`): the commit [`why_not_counted`] compares a tag of that version with,
/// the newest such commit of the SOP's history.
pub fn made_for(subject: &str, id: &str, version: &str) -> bool {
    history::release_subject_version(subject, id).is_some_and(|v| same_version(Some(v), version))
}

/// Why the tag of `release` does not count as a release of `id`, whose history is `history`
/// (`None` when it counts). `tagged` is what the text it tags says, and that text; `reads`
/// reads the text of the commit `sop release` made for its version (only when the tag is not
/// on that commit) and the messages of release commits (only for a tag whose approvals are
/// another's). `sop publish`, `sop history` and `sop diff` all judge a tag with it.
///
/// A tag does not count when the text it tags says another version; or when it is not the
/// text of the commit `sop release` made for its version (a tag of this version elsewhere
/// holds that commit's text: a rebased or re-tagged release, else it was moved by hand onto
/// another text); or when that text says approved with no approver recorded, though releases
/// of earlier versions recorded theirs (`sop release --approve`); or when it records exactly
/// the approvals (approvers, dates, meanings) of another release whose own release commit
/// records them, while its tagged commit is not a release commit of its version recording them
/// (`sop release --approve` writes them in both the commit and the tag): a tag message copied
/// from another release. Two releases approved by the same person on the same day, each made
/// by `sop release`, both count; so do tags made by hand whose approvals no release commit
/// records at all, as nothing tells which copied which.
pub fn why_not_counted<R: Reads + ?Sized>(
    id: &str,
    release: &Release,
    history: &SopHistory,
    (tagged, text): (&Tagged, &str),
    settings: &Settings,
    reads: &mut R,
) -> Option<NotCounted> {
    if !same_version(tagged.version.as_deref(), &release.version) {
        return Some(NotCounted::OtherVersion(
            tagged.version.as_ref().map(|v| v.trim().to_string()),
        ));
    }
    let made = history
        .commits
        .iter()
        .find(|c| made_for(&c.summary, id, &release.version));
    if let Some(made) = made
        && let Some(made_blob) = made.blob
        && release.blob != Some(made_blob)
        && !reads
            .blob(made_blob)
            .is_some_and(|t| same_release_text(&t, text, settings))
    {
        // The tag is on a release commit of its version that is not the one here: the release
        // commit was rewritten (rebased, amended, cherry-picked) since the approval, not the
        // tag moved.
        let rewritten = made.commit != release.commit
            && reads.message(&release.commit).is_some_and(|m| {
                made_for(
                    m.lines().next().unwrap_or_default().trim(),
                    id,
                    &release.version,
                )
            });
        return Some(if rewritten {
            NotCounted::Rewritten(made.summary.clone())
        } else {
            NotCounted::NotItsCommit(made.summary.clone())
        });
    }
    if tagged.status == Some(Status::Approved)
        && release.approvals.is_empty()
        && approvals_recorded_before(&history.releases, release)
    {
        return Some(NotCounted::NoApprover);
    }
    copied_approval(id, release, &history.releases, reads).map(NotCounted::CopiedApproval)
}

/// The version of the release among `releases` whose approvals `release` records exactly,
/// when that release's commit records them and `release`'s does not (see [`why_not_counted`]).
fn copied_approval<R: Reads + ?Sized>(
    id: &str,
    release: &Release,
    releases: &[Release],
    reads: &mut R,
) -> Option<String> {
    let mut same = releases
        .iter()
        .filter(|r| r.tag != release.tag && copies(r, release))
        .peekable();
    same.peek()?;
    let mut recorded = |r: &Release| {
        reads.message(&r.commit).is_some_and(|m| {
            let subject = m.lines().next().unwrap_or_default().trim();
            history::release_subject_version(subject, id)
                .is_some_and(|v| same_version(Some(v), &r.version))
                && crate::git::approval::from_message(&m) == r.approvals
        })
    };
    if recorded(release) {
        return None;
    }
    same.find(|r| recorded(r)).map(|r| r.version.clone())
}

/// Whether `a` and `b` record the same approvals (some).
fn copies(a: &Release, b: &Release) -> bool {
    !a.approvals.is_empty() && a.approvals == b.approvals
}

/// Which release tags [`mark_not_counted`] reads the text of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check<'a> {
    /// Every tag (but one on the commit `sop release` made for its version): the history of
    /// one SOP, whose few tags cost little to read.
    Every,
    /// Only the tags that look made or moved by hand ([`looks_hand_made`]), given the version
    /// each SOP's working copy says (by id): the history of every SOP, where reading each
    /// released text would cost more than the history itself.
    Suspect(&'a HashMap<String, semver::Version>),
}

/// Marks the release tags of `histories` that do not count as releases with the reason `sop
/// publish` gives ([`Release::not_counted`]), over the cores (one reader per thread, each over
/// its share of the SOPs). `check` says which tags' texts are read; a tag not read, or whose
/// text cannot be read, is not marked.
pub fn mark_not_counted(
    mut histories: Vec<&mut SopHistory>,
    texts: &history::TextSource,
    settings: &Settings,
    check: Check,
) {
    let threads = rayon::current_num_threads().max(1);
    let share = histories.len().div_ceil(threads).max(1);
    histories.par_chunks_mut(share).for_each(|part| {
        let mut reader = texts.reader();
        for h in part {
            mark(h, &mut reader, settings, check);
        }
    });
}

/// Marks the release tags of `h` that do not count, checking them as `sop publish` does: the
/// text a tag holds is the blob the history knows when the tag is on a commit that wrote it,
/// else the file in the tagged commit.
fn mark(h: &mut SopHistory, reader: &mut history::TextReader, settings: &Settings, check: Check) {
    let Some(id) = h.id.as_deref() else {
        return;
    };
    let suspect = match check {
        Check::Every => None,
        Check::Suspect(current) => Some(looks_hand_made(h, current.get(id))),
    };
    let why: Vec<Option<NotCounted>> = (0..h.releases.len())
        .map(|i| {
            let release = h.releases.get(i)?;
            let skipped = suspect
                .as_ref()
                .is_some_and(|s| !s.get(i).copied().unwrap_or(true));
            if skipped || made_by_release(h, id, release) {
                return None;
            }
            let text = release_text(h, release, reader)?;
            let tagged = Tagged::read(&text, settings);
            why_not_counted(id, release, h, (&tagged, &text), settings, reader)
        })
        .collect();
    let counts = |r: &Release| {
        h.releases
            .iter()
            .position(|o| o.tag == r.tag)
            .is_some_and(|i| why.get(i).is_some_and(Option::is_none))
    };
    let reasons: Vec<Option<String>> = h
        .releases
        .iter()
        .zip(&why)
        .map(|(release, why)| {
            let why = why.as_ref()?;
            let later = matches!(why, NotCounted::Rewritten(_))
                .then(|| later_release(release, &h.releases, counts))
                .flatten();
            Some(match later {
                Some(later) => why.replaced(&release.version, &later.version),
                None => why.reason(&release.version),
            })
        })
        .collect();
    for (release, why) in h.releases.iter_mut().zip(reasons) {
        release.not_counted = why;
    }
}

/// Whether the tag of `release` is that of a release `sop release` made, which counts without
/// reading its text: it is on the commit whose subject names this id and version (`SOP-0001
/// v1.2.0: …`) and that wrote the file, and it records approvers or no earlier release did.
fn made_by_release(h: &SopHistory, id: &str, release: &Release) -> bool {
    let on_its_commit = release.blob.is_some()
        && h.commits.iter().any(|c| {
            c.commit == release.commit
                && history::release_subject_version(&c.summary, id)
                    .is_some_and(|v| same_version(Some(v), &release.version))
        });
    on_its_commit
        && (!release.approvals.is_empty() || !approvals_recorded_before(&h.releases, release))
        && !h
            .releases
            .iter()
            .any(|r| r.tag != release.tag && copies(r, release))
}

/// Whether a release among `releases` of an earlier version than `release`'s recorded
/// approvers.
fn approvals_recorded_before(releases: &[Release], release: &Release) -> bool {
    let version = |r: &Release| semver::Version::parse(r.version.trim()).ok();
    releases.iter().any(|r| {
        !r.approvals.is_empty()
            && matches!((version(r), version(release)), (Some(a), Some(b)) if a < b)
    })
}

/// For each release tag of `h`, whether it looks made or moved by hand, from what the history
/// knows without reading any text: the history does not know the blob it tags (a tag on a
/// commit that did not change the file, or that `HEAD` does not reach); another tag of the SOP
/// is on the same commit or the same text; the commit it tags is the one `sop release` made
/// for another version, or that commit of its own version is another; it records no approver
/// though an earlier release did; it has the approvals of another tag; its version is higher
/// than that of a tag on a later commit, or lower than that of a tag on an earlier commit (the
/// two are out of order: either may be the one made by hand), or higher than `current`, the
/// version the working copy says. A tag `sop release` made in the usual way is none of these.
pub fn looks_hand_made(h: &SopHistory, current: Option<&semver::Version>) -> Vec<bool> {
    let versions: Vec<Option<semver::Version>> = h
        .releases
        .iter()
        .map(|r| semver::Version::parse(r.version.trim()).ok())
        .collect();
    let approved_from = versions
        .iter()
        .zip(&h.releases)
        .filter(|(_, r)| !r.approvals.is_empty())
        .filter_map(|(v, _)| v.as_ref())
        .min();
    h.releases
        .iter()
        .enumerate()
        .map(|(i, release)| {
            let own = versions.get(i).and_then(Option::as_ref);
            if release.blob.is_none()
                || matches!((own, current), (Some(a), Some(b)) if a > b)
                || (release.approvals.is_empty()
                    && matches!((approved_from, own), (Some(a), Some(b)) if a < b))
            {
                return true;
            }
            let clash = h.releases.iter().enumerate().any(|(j, r)| {
                if j == i {
                    return false;
                }
                // Places are newest first: a higher version on an older commit, or a lower one
                // on a newer commit.
                let out_of_order = matches!(
                    (own, versions.get(j).and_then(Option::as_ref), release.place, r.place),
                    (Some(a), Some(b), Some(pa), Some(pb)) if a != b && a.cmp(b) == pa.cmp(&pb)
                );
                r.commit == release.commit
                    || r.blob == release.blob
                    || copies(r, release)
                    || out_of_order
            });
            // The commit `sop release` made for another version, or that of this version
            // elsewhere.
            clash
                || h.id.as_deref().is_some_and(|id| {
                    h.commits.iter().any(|c| {
                        history::release_subject_version(&c.summary, id).is_some_and(|v| {
                            (c.commit == release.commit) != same_version(Some(v), &release.version)
                        })
                    })
                })
        })
        .collect()
}

/// Whether a version field's text is `version` (semantic versions compared as versions).
fn same_version(field: Option<&str>, version: &str) -> bool {
    let Some(field) = field.map(str::trim) else {
        return false;
    };
    match (
        semver::Version::parse(field),
        semver::Version::parse(version.trim()),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => field == version.trim(),
    }
}

/// "`SOP-0002` (`sops/x.md`) is not published: <why>".
fn left_out(working: &Sop, why: &str) -> String {
    format!(
        "`{}` (`{}`) is not published: {why}",
        working.id().unwrap_or_default(),
        working.path
    )
}

fn never_approved(status: Option<Status>) -> String {
    format!("no version of it is approved yet ({})", it_is(status))
}

/// The note for the publisher about an SOP whose newest text is not the one published.
fn change_notes(e: &Entry<'_>, settings: &Settings) -> Vec<String> {
    [e.shown.pending(), e.uncommitted.as_ref()]
        .into_iter()
        .flatten()
        .map(|p| change_note(e, p, settings))
        .collect()
}

/// The note for the publisher on `pending`, newer text of `e` that is not published.
fn change_note(e: &Entry<'_>, pending: &Pending, settings: &Settings) -> String {
    let shown = e
        .sop
        .meta
        .version
        .as_ref()
        .map_or("?", |v| v.value.as_str());
    let newer = match &pending.version {
        Some(v) if v != shown => format!("v{v}, {}", status_words(pending.status)),
        _ => "same version".to_string(),
    };
    let what = match &e.shown {
        Shown::Released { .. } if !e.upcoming.is_empty() => {
            format!("v{shown}, the approved release in force today")
        }
        Shown::Released { .. } => format!("the last approved release, v{shown}"),
        _ => format!("the committed v{shown}"),
    };
    // Committed as `sop release` commits it, the tag not here: that tag is what is missing.
    let untagged = e.history.and_then(|h| {
        let want = semver::Version::parse(pending.version.as_deref()?.trim()).ok()?;
        h.untagged_release_commits(&e.id)
            .into_iter()
            .find(|(_, v)| semver::Version::parse(v).ok().as_ref() == Some(&want))
    });
    if pending.committed
        && let Some((commit, version)) = untagged
    {
        return format!(
            "`{}`: version {version} is not published: {}; the site shows {what} until then",
            e.id,
            history::missing_tag_words(&commit.summary, &settings.tag_name(&e.id, version))
        );
    }
    if pending.committed {
        format!(
            "`{}`: committed changes ({newer}) are not released as approved, so the site shows {what}",
            e.id
        )
    } else {
        format!(
            "`{}`: changes not committed yet ({newer}) are not published; the site shows {what}",
            e.id
        )
    }
}

/// The text the tag of `release` holds: its blob, else the SOP's file in the commit it tags
/// ([`release_file`]); `None` when git has neither.
pub fn release_text(
    history: &SopHistory,
    release: &Release,
    reader: &mut history::TextReader,
) -> Option<String> {
    match release.blob {
        Some(blob) => reader.blob(blob),
        None => reader.at_commit(&release.commit, release_file(history, release)),
    }
}

/// The path of an SOP's file in the commit `release` tags (renames followed), else its path
/// now: where the text a release tag holds is read.
pub fn release_file<'h>(history: &'h SopHistory, release: &Release) -> &'h str {
    match revision_at(history, release) {
        Some(r) if !r.path.is_empty() => r.path.as_str(),
        _ => history.path.as_str(),
    }
}

/// The SOP's revision at the commit a release tags (with its path then, renames followed):
/// its own commit, else the newest change the merge it tags brought in (a release tagged on a
/// pull request's merge; only its path is used then).
fn revision_at<'h>(history: &'h SopHistory, release: &Release) -> Option<&'h Revision> {
    history
        .commits
        .iter()
        .find(|c| c.commit == release.commit)
        .or_else(|| {
            history
                .commits
                .iter()
                .find(|c| c.merge.as_deref() == Some(release.commit.as_str()))
        })
}

/// The longest slug used as is; longer ones are cut and given a hash of the whole text, so
/// that a file name stays far below the 255 bytes file systems allow, with room for a
/// language and an extension, and two long names that start alike stay apart.
const SLUG_MAX: usize = 80;

/// `slug` cut to [`SLUG_MAX`] bytes (it is ASCII) with a short hash of `text` when longer.
fn capped(slug: String, text: &str) -> String {
    if slug.len() <= SLUG_MAX {
        return slug;
    }
    let hash = fnv1a(text);
    let cut = slug
        .get(..SLUG_MAX - 9)
        .unwrap_or(&slug)
        .trim_end_matches(['-', '_', '.']);
    format!("{cut}-{:08x}", hash as u32)
}

/// FNV-1a: stable across Rust versions and platforms, so page names never change.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The site path of one release of an SOP without its extension (`sops/SOP-0001/v1.0.0`):
/// its archived page is this with `.html`.
pub fn release_path(slug: &str, version: &str) -> String {
    format!("sops/{slug}/v{}", file_slug(version))
}

/// The site folder that keeps the files one release's text linked, when they changed since
/// (`files/@releases/SOP-0001/v1.0.0/`): under `files/`, where the host sends what keeps an
/// attachment from running. A repository file under a folder `@releases/` would be copied to
/// the same place: it wins, and the site's pages name the release's copy they leave out.
pub fn release_files(slug: &str, version: &str) -> String {
    format!("files/{RELEASED_FILES}/{slug}/v{}/", file_slug(version))
}

/// The folder under `files/` that holds releases' copies of linked files.
pub const RELEASED_FILES: &str = "@releases";

/// A form of `text` safe in a file name and a URL: ASCII letters, digits, `-`, `_` and `.`
/// kept, anything else becomes `_`; cut with a short hash beyond [`SLUG_MAX`] bytes.
pub fn file_slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    };
    capped(s, text)
}

/// A readable slug for a department or tag name: ASCII, lowercase, words joined by `-`; cut
/// with a short hash beyond [`SLUG_MAX`] bytes.
///
/// Scripts whose transliteration does not read well (Arabic, Hebrew; see
/// [`crate::site::i18n::readable_ascii`]) are left out; a name with nothing readable left is
/// named by a short hash of it (`n-1a2b3c4d`), stable from one build to the next.
pub fn name_slug(name: &str) -> String {
    let ascii = crate::site::i18n::readable_ascii(name).to_ascii_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        format!("n-{:08x}", fnv1a(name) as u32)
    } else {
        capped(out, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(status: &str, version: &str) -> String {
        format!(
            "---\nid: SOP-0001\ntitle: T {version}\nstatus: {status}\nversion: {version}\n---\n\n## Purpose\n\nx\n"
        )
    }

    fn release(version: &str, commit: &str) -> Release {
        Release {
            version: version.into(),
            tag: format!("SOP-0001/v{version}"),
            date: "2026-01-02".into(),
            tagger: "A".into(),
            tagger_email: String::new(),
            summary: "s".into(),
            commit: commit.into(),
            approvals: Vec::new(),
            blob: None,
            landed: None,
            not_counted: None,
            place: None,
        }
    }

    fn corpus(status: &str, version: &str) -> Corpus {
        Corpus {
            sops: vec![Sop::parse(
                "sops/a/SOP-0001-t.md".into(),
                text(status, version),
                "SOP",
            )],
            broken: vec![],
        }
    }

    fn histories() -> Histories {
        let mut h = Histories::new();
        h.insert(
            "SOP-0001".into(),
            SopHistory {
                id: Some("SOP-0001".into()),
                path: "sops/a/SOP-0001-t.md".into(),
                commits: vec![Revision {
                    commit: "c1".into(),
                    date: "2026-01-01".into(),
                    author: "A".into(),
                    summary: "old name".into(),
                    path: "sops/old/SOP-0001-t.md".into(),
                    kind: crate::git::history::RevisionKind::Commit,
                    pull_request: None,
                    merge: None,
                    blob: None,
                    arrival: None,
                    place: None,
                }],
                releases: vec![release("1.1.0", "c2"), release("1.0.0", "c1")],
                translation: None,
                translations: Vec::new(),
                deleted: None,
            },
        );
        h
    }

    /// Tag contents: 1.1.0 was released in review, 1.0.0 approved under its old path.
    fn at_tag(release: &Release, _blob: Option<git2::Oid>, path: &str) -> Option<String> {
        match (release.tag.as_str(), path) {
            ("SOP-0001/v1.1.0", "sops/a/SOP-0001-t.md") => Some(text("review", "1.1.0")),
            ("SOP-0001/v1.0.0", "sops/old/SOP-0001-t.md") => Some(text("approved", "1.0.0")),
            _ => None,
        }
    }

    fn no_blob(_: git2::Oid) -> Option<String> {
        None
    }

    /// Committed text from two functions.
    struct Fns<'f>(&'f (dyn Fn(git2::Oid) -> Option<String> + Sync));

    impl TextReader for Fns<'_> {
        fn at_tag(&mut self, r: &Release, b: Option<git2::Oid>, p: &str) -> Option<String> {
            at_tag(r, b, p)
        }
        fn blob(&mut self, blob: git2::Oid) -> Option<String> {
            (self.0)(blob)
        }
        fn message(&mut self, _commit: &str) -> Option<String> {
            None
        }
    }

    fn select_with<'a>(
        c: &'a Corpus,
        h: &'a Histories,
        head: &HeadBlobs,
        blob: &(dyn Fn(git2::Oid) -> Option<String> + Sync),
        drafts: bool,
    ) -> Selection<'a> {
        let settings = Settings::load(None).unwrap();
        let reader = || Box::new(Fns(blob)) as Box<dyn TextReader + Send + '_>;
        let how = How {
            drafts,
            archived: true,
            git: Some(Committed {
                head,
                reader: &reader,
            }),
            today: None,
        };
        select(c, &settings, h, &how)
    }

    /// `HEAD` holding `text` at the SOP's path, and a reader for its blob.
    fn head_with(text: String) -> (HeadBlobs, impl Fn(git2::Oid) -> Option<String> + Sync) {
        let oid = git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes()).unwrap();
        let mut head = HeadBlobs::default();
        head.blobs.insert("sops/a/SOP-0001-t.md".into(), oid);
        (head, move |o: git2::Oid| (o == oid).then(|| text.clone()))
    }

    #[test]
    fn a_revision_in_progress_shows_the_last_approved_release() {
        let (c, h) = (corpus("review", "1.2.0"), histories());
        let (head, blob) = head_with(text("review", "1.2.0"));
        let sel = select_with(&c, &h, &head, &blob, false);
        let e = &sel.entries[0];
        assert_eq!(e.sop.meta.version.as_ref().unwrap().value, "1.0.0");
        assert_eq!(
            e.shown,
            Shown::Released {
                pending: Some(Pending {
                    version: Some("1.2.0".into()),
                    status: Some(Status::Review),
                    committed: true,
                })
            }
        );
        assert_eq!(e.release.map(|r| r.version.as_str()), Some("1.0.0"));
        // The release in review has no page: only approved text is published.
        let urls: Vec<&str> = e.archived.iter().map(|a| a.url.as_str()).collect();
        assert_eq!(urls, ["sops/SOP-0001/v1.0.0.html"]);
        assert_eq!(e.release_status["SOP-0001/v1.1.0"], Some(Status::Review));
        assert_eq!(
            sel.unpublished_changes.len(),
            1,
            "{:?}",
            sel.unpublished_changes
        );
        assert!(sel.unpublished_changes[0].contains("v1.2.0, in review"));
    }

    #[test]
    fn an_approved_working_copy_never_replaces_the_approved_release() {
        let h = histories();
        let approved = corpus("approved", "1.2.0");
        // Committed or not, the approved working copy is not released: v1.0.0 is shown.
        for committed in [true, false] {
            let (head, blob) = head_with(if committed {
                text("approved", "1.2.0")
            } else {
                text("review", "1.1.0")
            });
            let sel = select_with(&approved, &h, &head, &blob, false);
            let e = &sel.entries[0];
            assert_eq!(e.sop.meta.version.as_ref().unwrap().value, "1.0.0");
            // `HEAD` differs from the release either way; an uncommitted working copy is for
            // the publisher's note only, never for the page.
            assert_eq!(
                e.shown.pending().map(|p| p.committed),
                Some(true),
                "{:?}",
                e.shown
            );
            assert_eq!(
                e.uncommitted.as_ref().map(|p| p.committed),
                (!committed).then_some(false)
            );
        }
        // Without git the working copy is all there is.
        let settings = Settings::load(None).unwrap();
        let how = How {
            drafts: false,
            archived: true,
            git: None,
            today: None,
        };
        let none = Histories::new();
        let sel = select(&approved, &settings, &none, &how);
        assert_eq!(sel.entries[0].shown, Shown::Working);
    }

    #[test]
    fn an_untagged_sop_shows_its_committed_copy_when_that_is_approved() {
        let none = Histories::new();
        let working = corpus("approved", "1.1.0");
        let (head, blob) = head_with(text("approved", "1.0.0"));
        let sel = select_with(&working, &none, &head, &blob, false);
        let e = &sel.entries[0];
        assert_eq!(e.sop.meta.version.as_ref().unwrap().value, "1.0.0");
        assert!(matches!(e.shown, Shown::Committed { pending: None }));
        assert!(e.uncommitted.is_some());
        assert_eq!(sel.not_released.len(), 1);
        assert_eq!(sel.not_released[0].version.as_deref(), Some("1.0.0"));
        assert!(!sel.not_released[0].retired);
        // Approved only in the working copy: left out, with the reason.
        let (head, blob) = head_with(text("draft", "0.1.0"));
        let sel = select_with(&working, &none, &head, &blob, false);
        assert!(sel.entries.is_empty());
        assert!(
            sel.left_out[0].contains("it is a draft"),
            "{:?}",
            sel.left_out
        );
        // Committed, but its text cannot be read: said so, not "not committed".
        let (head, _) = head_with(text("approved", "1.0.0"));
        let sel = select_with(&working, &none, &head, &no_blob, false);
        assert!(
            sel.left_out[0].contains("could not be read from git"),
            "{:?}",
            sel.left_out
        );
        let empty = HeadBlobs::default();
        let sel = select_with(&working, &none, &empty, &no_blob, false);
        assert!(
            sel.left_out[0].contains("not committed yet"),
            "{:?}",
            sel.left_out
        );
    }

    #[test]
    fn never_approved_sops_are_left_out_and_drafts_previewed() {
        let none = Histories::new();
        let draft = corpus("draft", "0.1.0");
        let (head, blob) = head_with(text("draft", "0.1.0"));
        let sel = select_with(&draft, &none, &head, &blob, false);
        assert!(sel.entries.is_empty());
        assert_eq!(sel.left_out.len(), 1);
        let drafts = select_with(&draft, &none, &head, &blob, true);
        assert_eq!(drafts.entries[0].shown, Shown::Draft);
        // Releases that were never approved: left out too.
        let mut h = histories();
        if let Some(s) = h.get_mut("SOP-0001") {
            s.releases.remove(1);
        }
        let sel = select_with(&draft, &h, &head, &blob, false);
        assert!(
            sel.left_out[0].contains("release was not approved"),
            "{:?}",
            sel.left_out
        );
    }

    #[test]
    fn a_review_commit_keeps_the_release_and_shows_its_dates() {
        let released = text("approved", "1.0.0");
        let reviewed = released.replace(
            "version: 1.0.0\n",
            "version: 1.0.0\nlast_reviewed: 2026-11-20\n",
        );
        let keys = crate::repo::keys::KeyNames::default();
        assert!(crate::repo::front_matter::same_but_review_dates(
            &released, &reviewed, &keys
        ));
        assert!(!crate::repo::front_matter::same_but_review_dates(
            &released,
            &reviewed.replace("x\n", "y\n"),
            &keys
        ));
        // Under the team's own name for the key.
        let aliases = BTreeMap::from([("last_reviewed".to_string(), "reviewed_on".to_string())]);
        let theirs = crate::repo::keys::KeyNames::new(&aliases, &[]).unwrap();
        let reviewed_on = reviewed.replace("last_reviewed:", "reviewed_on:");
        assert!(crate::repo::front_matter::same_but_review_dates(
            &released,
            &reviewed_on,
            &theirs
        ));
        assert!(!crate::repo::front_matter::same_but_review_dates(
            &released,
            &reviewed_on,
            &keys
        ));
        let mut h = histories();
        if let Some(s) = h.get_mut("SOP-0001") {
            s.releases.remove(0);
        }
        let c = Corpus {
            sops: vec![Sop::parse(
                "sops/a/SOP-0001-t.md".into(),
                reviewed.clone(),
                "SOP",
            )],
            broken: vec![],
        };
        let (head, blob) = head_with(reviewed);
        let sel = select_with(&c, &h, &head, &blob, false);
        let e = &sel.entries[0];
        assert_eq!(e.shown, Shown::Released { pending: None });
        assert_eq!(
            e.sop.meta.last_reviewed.as_ref().map(|d| d.value.as_str()),
            Some("2026-11-20")
        );
        assert!(sel.unpublished_changes.is_empty());
    }

    /// `HEAD` holding each text at its path, and a reader for their blobs.
    fn head_of(
        files: &[(&str, String)],
    ) -> (
        HeadBlobs,
        impl Fn(git2::Oid) -> Option<String> + Sync + use<>,
    ) {
        let mut head = HeadBlobs::default();
        let mut texts = BTreeMap::new();
        for (path, text) in files {
            let oid = git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes()).unwrap();
            head.blobs.insert((*path).to_string(), oid);
            texts.insert(oid, text.clone());
        }
        (head, move |o: git2::Oid| texts.get(&o).cloned())
    }

    /// Review 10, d7: a file that cannot be read as text leaves no `Sop`; its last approved
    /// release is still shown (as after an edit that breaks the front matter), with a note.
    #[test]
    fn a_file_that_cannot_be_read_shows_its_last_approved_release() {
        let path = "sops/a/SOP-0001-t.md";
        let broken = |problem| Corpus {
            sops: vec![],
            broken: vec![BrokenFile {
                path: path.into(),
                problem,
            }],
        };
        let nul = broken(crate::repo::FileProblem::NulCharacter {
            line: 3,
            column: 4,
            count: 1,
        });
        let h = histories();
        let (head, blob) = head_with(text("approved", "1.1.0").replace('x', "x\0"));
        let sel = select_with(&nul, &h, &head, &blob, false);
        assert_eq!(sel.entries.len(), 1, "{:?}", sel.left_out);
        let e = &sel.entries[0];
        assert_eq!(e.id, "SOP-0001");
        assert_eq!(e.sop.meta.version.as_ref().unwrap().value, "1.0.0");
        assert_eq!(e.release.map(|r| r.tag.as_str()), Some("SOP-0001/v1.0.0"));
        assert!(
            matches!(&e.shown, Shown::Released { pending: Some(p) } if p.committed),
            "{:?}",
            e.shown
        );
        assert_eq!(sel.pages_by_path.get(path), Some(&0));
        let note = &sel.unreadable[path];
        assert!(
            note.starts_with(&format!(
                "`{path}` cannot be read: line 3, column 4 holds a NUL"
            )),
            "{note}"
        );
        assert!(
            note.contains("the last approved release of `SOP-0001`, v1.0.0 (tag `SOP-0001/v1.0.0`), instead of this file"),
            "{note}"
        );
        // Said once: not again as a change that is not published, nor as left out.
        assert!(
            sel.unpublished_changes.is_empty(),
            "{:?}",
            sel.unpublished_changes
        );
        assert!(sel.left_out.is_empty(), "{:?}", sel.left_out);

        // Every kind of unreadable text, and a file whose name has no id (its history has).
        let mut renamed = histories();
        if let Some(s) = renamed.get_mut("SOP-0001") {
            s.path = "sops/a/refunds.md".into();
        }
        for problem in [
            crate::repo::FileProblem::Binary,
            crate::repo::FileProblem::NotUtf8 { line: 1, column: 2 },
            crate::repo::FileProblem::TooLarge { bytes: 1 << 30 },
            crate::repo::FileProblem::Unreadable("permission denied".into()),
        ] {
            let c = broken(problem.clone());
            assert_eq!(
                select_with(&c, &h, &head, &blob, false).entries.len(),
                1,
                "{problem:?}"
            );
            let mut c = c;
            c.broken[0].path = "sops/a/refunds.md".into();
            let sel = select_with(&c, &renamed, &head, &blob, false);
            assert_eq!(sel.entries.len(), 1, "{problem:?}");
            assert_eq!(sel.entries[0].id, "SOP-0001");
        }

        // Nothing stands in: a preview (no working copy to show), a link that leads nowhere,
        // an SOP never released, a translation's file, an id a readable SOP has.
        assert!(select_with(&nul, &h, &head, &blob, true).entries.is_empty());
        let dangling = broken(crate::repo::FileProblem::DanglingLink);
        assert!(
            select_with(&dangling, &h, &head, &blob, false)
                .entries
                .is_empty()
        );
        let none = Histories::new();
        let sel = select_with(&nul, &none, &head, &blob, false);
        assert!(sel.entries.is_empty() && sel.unreadable.is_empty());
        let mut es = nul.clone();
        es.broken[0].path = "sops/a/SOP-0001-t.es.md".into();
        assert!(select_with(&es, &h, &head, &blob, false).entries.is_empty());
        let mut both = corpus("review", "1.2.0");
        both.broken = nul.broken.clone();
        both.broken[0].path = "sops/a/SOP-0001-copy.md".into();
        let sel = select_with(&both, &h, &head, &blob, false);
        assert_eq!(sel.entries.len(), 1);
        assert_eq!(sel.entries[0].working.path, "sops/a/SOP-0001-t.md");
        assert!(sel.unreadable.is_empty());
    }

    /// Review 10, d9: with releases, the versions of a source are the released ones: a
    /// translation of a version below the first release is of no version (it was published as
    /// stale); without any release, nothing says, and it is still shown as stale.
    #[test]
    fn a_translation_of_a_version_before_the_first_release_is_left_out() {
        let es_path = "sops/a/SOP-0001-t.es.md";
        let es = |of: &str| {
            format!(
                "---\nid: SOP-0001\ntitle: T es\nstatus: approved\nversion: {of}\nlanguage: es\ntranslation_of: SOP-0001@{of}\n---\n\n## Purpose\n\nx\n"
            )
        };
        let with = |of: &str, status: &str, version: &str| Corpus {
            sops: vec![
                Sop::parse("sops/a/SOP-0001-t.md".into(), text(status, version), "SOP"),
                Sop::parse(es_path.into(), es(of), "SOP"),
            ],
            broken: vec![],
        };
        // Releases 1.0.0 (approved, shown) and 1.1.0 (in review); working copy 1.2.0.
        let h = histories();
        for (of, published, why) in [
            ("1.0.0", true, ""),
            (
                "0.9.0",
                false,
                "has no version 0.9.0 (its versions: 1.0.0, 1.1.0, 1.2.0)",
            ),
            ("1.1.0", false, "which was released without approval"),
            ("1.1.5", false, "which was never released as approved"),
            ("1.2.0", false, "which is not released as approved yet"),
            ("3.0.0", false, "has no version 3.0.0"),
        ] {
            let c = with(of, "review", "1.2.0");
            let (head, blob) = head_of(&[
                ("sops/a/SOP-0001-t.md", text("review", "1.2.0")),
                (es_path, es(of)),
            ]);
            let sel = select_with(&c, &h, &head, &blob, false);
            let e = &sel.entries[0];
            assert_eq!(
                e.translations.len(),
                usize::from(published),
                "{of}: {:?}",
                sel.left_out
            );
            if !published {
                assert!(
                    sel.left_out.iter().any(|l| l.contains(why)),
                    "{of}: {:?}",
                    sel.left_out
                );
            }
        }
        // No release: the committed 1.0.0 is shown, and a translation of 0.9.0 is stale.
        let none = Histories::new();
        let c = with("0.9.0", "approved", "1.0.0");
        let (head, blob) = head_of(&[
            ("sops/a/SOP-0001-t.md", text("approved", "1.0.0")),
            (es_path, es("0.9.0")),
        ]);
        let sel = select_with(&c, &none, &head, &blob, false);
        let t = &sel.entries[0].translations;
        assert!(t.len() == 1 && t[0].stale, "{:?}", sel.left_out);
    }

    #[test]
    fn plain_front_matter_reads_as_the_yaml_parser_does() {
        let settings = Settings::load(None).unwrap();
        let parsed = |fm: &str| {
            let sop = Sop::parse_in("a.md".into(), format!("---\n{fm}---\n\nx\n"), &settings);
            Tagged::of(&sop)
        };
        let plain = [
            "id: SOP-0001\ntitle: Refunds and returns\nstatus: approved\nversion: 1.2.0\n",
            "version: 1.0.0-rc.1+b5 \r\nstatus: review\r\napprovers:\n  - Lena Fischer\n  - Tom\ntags: [a, b c]\n",
            "approvers:\n- A\n\nversion: 2.0\nstatus: Approved\n",
            "title: T\nstatus:\n",
            "tags: []\nversion: 1.0.0\n",
            "",
            // Names as people spell them, and e-mail addresses in quotes.
            "owner: Zo\u{eb} Dubois\napprovers:\n  - Nguy\u{1ec5}n Th\u{1ecb} Lan\n  - \"Grace O'Neill\"\nversion: 1.1.0\nstatus: retired\n",
            "owner: \"kwame.mensah@example.com\"\ntitle: \"Refunds: #2\"\nversion: 3.0.0\nstatus: approved\n",
            "title: \"\"\nversion: 1.0.0\n",
        ];
        for fm in plain {
            let fast = plain_front_matter(fm);
            assert_eq!(fast.as_ref(), Some(&parsed(fm)), "{fm:?}");
        }
        // Left to the parser: what a line-by-line reading could read otherwise.
        let other = [
            "version: \"1.0.0\"\n",
            "version: 1.0.0 # was 0.9\n",
            "version: 1.0.0\nversion: 2.0.0\n",
            "version: null\n",
            "version: [1.0.0]\n",
            "title: a: b\nversion: 1.0.0\n",
            "title: x\n  - a\nversion: 1.0.0\n",
            "- a\nversion: 1.0.0\n",
            "approvers:\n  - a\n    - b\nversion: 1.0.0\n",
            "title: |\n  x\nversion: 1.0.0\n",
            "title: &a x\nversion: 1.0.0\n",
            "version:\t1.0.0\n",
            "title: a\rversion: 1.0.0\n",
            "tags: [a, , b]\nversion: 1.0.0\n",
            "  version: 1.0.0\n",
            "status: \"approved\"\nversion: 1.0.0\n",
            "title: \"a \\\" b\"\nversion: 1.0.0\n",
            "title: \"a\" b\"\nversion: 1.0.0\n",
            "title: \"a\nversion: 1.0.0\n",
            "title: 'a'\nversion: 1.0.0\n",
            "title: \u{c9}tape\nversion: 1.0.0\n",
            "title: a\u{a0}b\nversion: 1.0.0\n",
            "title: a\u{2028}b\nversion: 1.0.0\n",
            "title: a\u{85}b\nversion: 1.0.0\n",
            "tags: [\"a\", b]\nversion: 1.0.0\n",
        ];
        for fm in other {
            assert_eq!(plain_front_matter(fm), None, "{fm:?}");
        }
        // Either way, the same answer.
        for fm in plain.iter().chain(&other) {
            let text = format!("---\n{fm}---\n\nx\n");
            assert_eq!(Tagged::read(&text, &settings), parsed(fm), "{fm:?}");
        }
    }

    #[test]
    fn slugs_are_file_safe() {
        assert_eq!(file_slug("SOP-0001"), "SOP-0001");
        assert_eq!(file_slug("../x y"), "_.._x_y");
        assert_eq!(name_slug("Trust & Safety"), "trust-safety");
        assert_eq!(name_slug("Über Ops"), "uber-ops");
        assert_eq!(name_slug("&&"), format!("n-{:08x}", fnv1a("&&") as u32));
    }

    #[test]
    fn slugs_of_other_scripts_read_well_or_fall_back() {
        assert_eq!(
            name_slug("Kundendienst Österreich"),
            "kundendienst-osterreich"
        );
        assert_eq!(name_slug("Служба поддержки"), "sluzhba-podderzhki");
        assert_eq!(name_slug("客户服务"), "ke-hu-fu-wu");
        // Arabic and Hebrew transliterate to rows of consonants: a stable hash instead.
        let arabic = name_slug("الشؤون المالية");
        assert!(arabic.starts_with("n-") && arabic.len() == 10, "{arabic}");
        assert_eq!(arabic, name_slug("الشؤون المالية"), "stable");
        assert_ne!(arabic, name_slug("الموارد البشرية"));
        assert_eq!(name_slug("Finance المالية"), "finance");
    }

    #[test]
    fn long_slugs_are_cut_with_a_hash() {
        let long = "Very long department name ".repeat(11);
        let a = name_slug(&long);
        assert!(a.len() <= SLUG_MAX, "{a}");
        assert!(a.starts_with("very-long-department-name-very"), "{a}");
        assert_ne!(
            a,
            name_slug(&format!("{long}!")),
            "different names stay apart"
        );
        assert_eq!(a, name_slug(&long), "stable");
        assert!(file_slug(&"x".repeat(300)).len() <= SLUG_MAX);
    }
}
