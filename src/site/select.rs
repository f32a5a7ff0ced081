//! Which version of each SOP the site shows, and where each page lives.
//!
//! "Current" (DESIGN.md, Publishing): the working copy when its status is `approved` or
//! `retired`; otherwise the last version released as approved, read from its tag, with a note
//! that a revision is in progress; an SOP never approved is left out. With `--drafts` the working
//! copies are published instead. Every release also gets an archived page.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::git::history::{Histories, Release, Revision, SopHistory};
use crate::repo::{Corpus, Settings, Sop, Status};

/// Why the site shows this text of an SOP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// The working copy, approved or retired.
    Working,
    /// The working copy is a draft or in review; the last approved release is shown.
    LastApproved {
        /// The version being revised (the working copy's).
        revising: Option<String>,
        /// The working copy's status.
        working_status: Option<Status>,
    },
    /// `--drafts`: the working copy, whatever its status.
    Draft,
}

/// One SOP's published current page.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The id.
    pub id: String,
    /// File-safe form of the id, used in URLs.
    pub slug: String,
    /// The text shown.
    pub sop: Cow<'a, Sop>,
    /// The working copy.
    pub working: &'a Sop,
    /// Why this text.
    pub shown: Shown,
    /// Site path of the page (`sops/SOP-0001.html`).
    pub url: String,
    /// Git history, when there is one.
    pub history: Option<&'a SopHistory>,
    /// Archived versions (newest first).
    pub archived: Vec<Archived<'a>>,
    /// Published translations.
    pub translations: Vec<Translation<'a>>,
}

/// A released version with its own page.
#[derive(Debug, Clone)]
pub struct Archived<'a> {
    /// The release.
    pub release: &'a Release,
    /// The text at the tag.
    pub sop: Sop,
    /// Site path of the page (`sops/SOP-0001/v1.0.0.html`).
    pub url: String,
}

/// A translation published beside its source.
#[derive(Debug, Clone)]
pub struct Translation<'a> {
    /// The translation's file.
    pub sop: &'a Sop,
    /// Its language tag.
    pub language: String,
    /// Site path (`sops/SOP-0001.es.html`).
    pub url: String,
    /// Whether it translates an older version than the source's.
    pub stale: bool,
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
    /// SOPs left out because no version of them was ever approved.
    pub never_approved: usize,
}

/// Reads a file as it was released: `(release, its blob when the history knows it, path) →
/// text`.
pub type ReadAtTag<'f> = dyn Fn(&Release, Option<git2::Oid>, &str) -> Option<String> + Sync + 'f;

/// Pick the pages of `corpus`.
pub fn select<'a>(
    corpus: &'a Corpus,
    settings: &Settings,
    histories: &'a Histories,
    drafts: bool,
    read_at_tag: &ReadAtTag<'_>,
) -> Selection<'a> {
    let prefix = settings.config.sops.id_prefix.as_str();
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
    let candidates: Vec<(&str, &Sop)> = by_id.into_iter().collect();
    let picked: Vec<Option<Entry<'a>>> = candidates
        .par_iter()
        .map(|&(id, working)| pick(id, working, histories, drafts, prefix, read_at_tag))
        .collect();
    let never_approved = picked.iter().filter(|p| p.is_none()).count();
    let mut entries: Vec<Entry<'a>> = Vec::with_capacity(picked.len() - never_approved);
    entries.extend(picked.into_iter().flatten());
    let mut translations: BTreeMap<&str, Vec<&Sop>> = BTreeMap::new();
    for t in corpus.sops.iter().filter(|s| s.is_translation()) {
        if let Some(id) = t.id() {
            translations.entry(id).or_default().push(t);
        }
    }
    for entry in &mut entries {
        let Some(list) = translations.get(entry.id.as_str()) else {
            continue;
        };
        let source_version = entry.working.version();
        let mut seen = std::collections::BTreeSet::new();
        for t in list {
            let Some(language) = t.language() else {
                continue;
            };
            let approved = t.status() == Some(Status::Approved);
            if !(approved || drafts) || !crate::repo::sop::is_language_tag(language) {
                continue;
            }
            if !seen.insert(language.to_string()) {
                notes.push(format!(
                    "`{}` is not published: another `{language}` translation of `{}` comes first",
                    t.path, entry.id
                ));
                continue;
            }
            let stale = translated_version(t)
                .zip(source_version.clone())
                .is_some_and(|(of, src)| src > of);
            entry.translations.push(Translation {
                sop: t,
                language: language.to_string(),
                url: format!("sops/{}.{language}.html", entry.slug),
                stale,
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
    Selection {
        entries,
        pages_by_path,
        notes,
        never_approved,
    }
}

/// The source version a translation declares (`translation_of: SOP-0001@2.1.0`).
pub fn translated_version(t: &Sop) -> Option<semver::Version> {
    let of = &t.meta.translation_of.as_ref()?.value;
    let (_, v) = of.split_once('@')?;
    semver::Version::parse(v.trim()).ok()
}

fn pick<'a>(
    id: &str,
    working: &'a Sop,
    histories: &'a Histories,
    drafts: bool,
    prefix: &str,
    read_at_tag: &ReadAtTag<'_>,
) -> Option<Entry<'a>> {
    let history = histories.get(id);
    let slug = file_slug(id);
    let releases: &[Release] = history.map_or(&[], |h| h.releases.as_slice());
    // Every release's text, newest first; a tag whose file cannot be read has no page.
    let archived: Vec<Archived<'a>> = releases
        .iter()
        .filter_map(|release| {
            let revision = history.and_then(|h| revision_at(h, release));
            let path = match (revision, history) {
                (Some(r), _) if !r.path.is_empty() => r.path.as_str(),
                (_, Some(h)) => h.path.as_str(),
                (_, None) => working.path.as_str(),
            };
            let text = read_at_tag(release, revision.and_then(|r| r.blob), path)?;
            let sop = Sop::parse(path.to_string(), text, prefix);
            Some(Archived {
                release,
                url: format!("sops/{slug}/v{}.html", file_slug(&release.version)),
                sop,
            })
        })
        .collect();
    let status = working.status();
    let (sop, shown) = if drafts {
        (Cow::Borrowed(working), Shown::Draft)
    } else if matches!(status, Some(Status::Approved | Status::Retired)) {
        (Cow::Borrowed(working), Shown::Working)
    } else {
        let last = archived
            .iter()
            .find(|a| a.sop.status() == Some(Status::Approved))?;
        (
            Cow::Owned(last.sop.clone()),
            Shown::LastApproved {
                revising: working.meta.version.as_ref().map(|v| v.value.clone()),
                working_status: status,
            },
        )
    };
    Some(Entry {
        id: id.to_string(),
        url: format!("sops/{slug}.html"),
        slug,
        sop,
        working,
        shown,
        history,
        archived,
        translations: Vec::new(),
    })
}

/// The SOP's revision at the commit a release tags (with its path then, renames followed),
/// when that commit changed it.
fn revision_at<'h>(history: &'h SopHistory, release: &Release) -> Option<&'h Revision> {
    history.commits.iter().find(|c| c.commit == release.commit)
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
    // FNV-1a: stable across Rust versions and platforms, so page names never change.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let cut = slug
        .get(..SLUG_MAX - 9)
        .unwrap_or(&slug)
        .trim_end_matches(['-', '_', '.']);
    format!("{cut}-{:08x}", hash as u32)
}

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
pub fn name_slug(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_ascii_lowercase();
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
        "x".to_string()
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
            summary: "s".into(),
            commit: commit.into(),
            approvals: Vec::new(),
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
                id: "SOP-0001".into(),
                path: "sops/a/SOP-0001-t.md".into(),
                commits: vec![Revision {
                    commit: "c1".into(),
                    date: "2026-01-01".into(),
                    author: "A".into(),
                    summary: "old name".into(),
                    path: "sops/old/SOP-0001-t.md".into(),
                    kind: crate::git::history::RevisionKind::Commit,
                    blob: None,
                }],
                releases: vec![release("1.1.0", "c2"), release("1.0.0", "c1")],
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

    #[test]
    fn a_revision_in_progress_shows_the_last_approved_release() {
        let settings = Settings::load(None).unwrap();
        let (c, h) = (corpus("review", "1.2.0"), histories());
        let sel = select(&c, &settings, &h, false, &at_tag);
        let e = &sel.entries[0];
        assert_eq!(e.sop.meta.version.as_ref().unwrap().value, "1.0.0");
        assert_eq!(
            e.shown,
            Shown::LastApproved {
                revising: Some("1.2.0".into()),
                working_status: Some(Status::Review)
            }
        );
        let urls: Vec<&str> = e.archived.iter().map(|a| a.url.as_str()).collect();
        assert_eq!(
            urls,
            ["sops/SOP-0001/v1.1.0.html", "sops/SOP-0001/v1.0.0.html"]
        );
    }

    #[test]
    fn approved_working_copies_are_shown_and_never_approved_ones_left_out() {
        let settings = Settings::load(None).unwrap();
        let h = histories();
        let approved = corpus("approved", "1.2.0");
        let sel = select(&approved, &settings, &h, false, &at_tag);
        assert_eq!(sel.entries[0].shown, Shown::Working);
        let draft = corpus("draft", "0.1.0");
        let none = Histories::new();
        assert!(
            select(&draft, &settings, &none, false, &at_tag)
                .entries
                .is_empty()
        );
        let drafts = select(&draft, &settings, &none, true, &at_tag);
        assert_eq!(drafts.entries[0].shown, Shown::Draft);
    }

    #[test]
    fn slugs_are_file_safe() {
        assert_eq!(file_slug("SOP-0001"), "SOP-0001");
        assert_eq!(file_slug("../x y"), "_.._x_y");
        assert_eq!(name_slug("Trust & Safety"), "trust-safety");
        assert_eq!(name_slug("Über Ops"), "uber-ops");
        assert_eq!(name_slug("&&"), "x");
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
