//! Fill the page contexts and render every page of the site.
//!
//! Pages are rendered in parallel (rayon) into memory; writing them is [`super::publish`]'s job
//! (one thread: creating files from several threads was slower on the target file systems).

mod dashboard;
mod lists;
mod sop;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::context::{Layout, Link, SiteInfo, SopCard};
use super::search::search_index;
use super::select::{Selection, name_slug};
use super::theme::Theme;
use super::{Options, Site, SiteError, feeds, root_of};
use crate::git::history::Histories;
use crate::repo::{Corpus, Repo, Sop, Status};
use crate::report::{self, ReviewState};

/// The pages of one SOP (site path, HTML) and the repository files they link to.
type SopPages = (Vec<(String, String)>, BTreeSet<String>);

/// Shared, read-only state of one build.
struct Build<'a> {
    repo: &'a Repo,
    /// The repository root, canonical: linked files are checked against it.
    root: std::path::PathBuf,
    selection: &'a Selection<'a>,
    theme: &'a Theme,
    options: &'a Options,
    departments: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    feed: bool,
    /// The repository files that may be copied into the site.
    tracked: crate::publishable::Tracked,
}

/// Receives each finished file: site path and contents. Called from several threads.
pub type Sink<'s> = dyn Fn(String, Content) -> Result<(), SiteError> + Sync + 's;

/// What a file of the site holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// Rendered bytes.
    Bytes(Vec<u8>),
    /// A repository file copied as it is (an attachment): streamed, never read whole.
    File(std::path::PathBuf),
}

/// Render every page, feed and asset, handing each file to `sink` as soon as it is ready (so a
/// large site is never held in memory whole).
pub(super) fn render_all(
    repo: &Repo,
    corpus: &Corpus,
    histories: &Histories,
    selection: &Selection<'_>,
    theme: &Theme,
    options: &Options,
    sink: &Sink<'_>,
) -> Result<Site, SiteError> {
    let departments = unique_slugs(
        selection
            .entries
            .iter()
            .filter_map(|e| department_of(&e.sop)),
    );
    let tags = unique_slugs(selection.entries.iter().flat_map(|e| tags_of(&e.sop)));
    let build = Build {
        repo,
        root: std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone()),
        selection,
        theme,
        options,
        departments,
        tags,
        feed: !selection.entries.is_empty(),
        tracked: crate::publishable::Tracked::load(&repo.root),
    };
    let pages = std::sync::Mutex::new(Vec::new());
    let count = std::sync::atomic::AtomicUsize::new(0);
    let emit = |path: String, bytes: Vec<u8>| -> Result<(), SiteError> {
        if path.ends_with(".html") && path != "404.html" {
            pages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(path.clone());
        }
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink(path, Content::Bytes(bytes))
    };
    let linked_files = selection
        .entries
        .par_iter()
        .map(|entry| {
            // `sop serve` keeps the pages of SOPs that did not change: listed, not rendered.
            if options
                .only
                .as_ref()
                .is_some_and(|only| !only.contains(&entry.id))
            {
                let mut kept = pages
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                kept.push(entry.url.clone());
                kept.extend(entry.translations.iter().map(|t| t.url.clone()));
                kept.extend(entry.archived.iter().map(|a| a.url.clone()));
                return Ok(BTreeSet::new());
            }
            let (pages, linked) = build.sop_pages(entry)?;
            for (path, html) in pages {
                emit(path, html.into_bytes())?;
            }
            Ok(linked)
        })
        .try_reduce(BTreeSet::new, |mut a, b| {
            a.extend(b);
            Ok(a)
        })?;
    let mut cards: Vec<SopCard> = selection.entries.iter().map(|e| build.card(e)).collect();
    // Retired SOPs stay findable, after those in force.
    cards.sort_by_key(|c| c.status == "retired");
    let dashboard = || -> Result<(), SiteError> {
        let stats = report::stats(
            corpus,
            &selection.current(),
            &repo.settings,
            histories,
            options.lint_counts.clone(),
            options.today,
        );
        let (dashboard, svgs) = build.dashboard(corpus, &stats)?;
        emit("dashboard.html".into(), dashboard.into_bytes())?;
        for (path, svg) in svgs {
            emit(path, svg.into_bytes())?;
        }
        emit("404.html".into(), build.not_found()?.into_bytes())?;
        emit(
            "assets/search-index.js".into(),
            search_index(selection).into_bytes(),
        )
    };
    // One after the other: the index, the group pages and the search index of a large corpus
    // each hold every card (in Tera's context or as text), so rendered side by side they
    // would all be in memory at once. The group pages render in parallel among themselves.
    emit("index.html".into(), build.index(&cards)?.into_bytes())?;
    build.groups(&cards, &emit)?;
    dashboard()?;
    drop(cards);
    let base = options.base_url.as_deref();
    let releases = feeds::releases(selection);
    emit(
        "feed.xml".into(),
        feeds::atom(
            &repo.settings.config.site.title,
            "feed.xml",
            base,
            &releases,
        )
        .into_bytes(),
    )?;
    for (name, slug) in &build.departments {
        let path = format!("departments/{slug}.xml");
        let own: Vec<&feeds::FeedEntry> = releases
            .iter()
            .filter(|r| r.department.as_deref() == Some(name.as_str()))
            .collect();
        let title = format!("{} — {name}", repo.settings.config.site.title);
        emit(
            path.clone(),
            feeds::atom_of(&title, &path, base, &own).into_bytes(),
        )?;
    }
    for (path, bytes) in &theme.assets {
        emit(path.clone(), bytes.clone())?;
    }
    let mut notes = Vec::new();
    if let crate::publishable::Tracked::Unreadable(why) = &build.tracked {
        notes.push(format!(
            "no linked file is published: git's list of tracked files cannot be read ({why})"
        ));
    }
    let warn_size = repo.settings.config.site.attachment_warn_size.bytes();
    for rel in linked_files {
        let src = repo.root.join(&rel);
        let size = std::fs::metadata(&src)
            .map_err(|source| SiteError::Read {
                path: src.clone(),
                source,
            })?
            .len();
        if size > warn_size {
            notes.push(format!(
                "`{rel}` is {}, more than the {} set by `[site] attachment_warn_size`: readers on a phone wait for it; link to a smaller file, or raise the limit in `sop.toml`",
                crate::repo::config::ByteSize(size),
                repo.settings.config.site.attachment_warn_size,
            ));
        }
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink(format!("files/{rel}"), Content::File(src))?;
    }
    let mut pages = std::mem::take(
        &mut *pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    pages.sort();
    let page_refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    emit(
        "sitemap.xml".into(),
        feeds::sitemap(&page_refs, base).into_bytes(),
    )?;
    let archived = selection.entries.iter().map(|e| e.archived.len()).sum();
    Ok(Site {
        files: BTreeMap::new(),
        attachments: BTreeMap::new(),
        notes,
        published: selection.entries.len(),
        archived,
        unpublished_changes: Vec::new(),
        left_out: Vec::new(),
        not_released: 0,
        written: count.into_inner(),
    })
}
impl Build<'_> {
    fn site(&self, path: &str) -> SiteInfo {
        SiteInfo {
            title: self.repo.settings.config.site.title.clone(),
            root: root_of(path),
            drafts: self.options.drafts,
            live_reload: self.options.live_reload,
            today: self.options.today.to_string(),
            feed: self.feed,
        }
    }

    fn layout(
        &self,
        path: &str,
        title: String,
        section: &'static str,
        description: String,
    ) -> Layout {
        Layout {
            site: self.site(path),
            title,
            section,
            description,
        }
    }

    fn review_state(&self, sop: &Sop) -> (Option<String>, ReviewState) {
        // Only a version in force is reviewed: a retired SOP has no next review.
        if sop.status() == Some(Status::Retired) {
            return (None, ReviewState::Unknown);
        }
        let next = sop.next_review(&self.repo.settings);
        let state = if sop.status() == Some(Status::Approved) {
            ReviewState::of(next, self.options.today, self.repo.settings.due_soon)
        } else {
            ReviewState::Unknown
        };
        (next.map(|d| d.to_string()), state)
    }

    fn tag_links(&self, sop: &Sop, root: &str) -> Vec<Link> {
        tags_of(sop)
            .into_iter()
            .filter_map(|t| {
                let slug = self.tags.get(&t)?;
                Some(Link {
                    url: format!("{root}tags/{slug}.html"),
                    text: t,
                })
            })
            .collect()
    }
}

fn unique_slugs(names: impl Iterator<Item = String>) -> BTreeMap<String, String> {
    let names: BTreeSet<String> = names.filter(|n| !n.is_empty()).collect();
    let mut used = BTreeSet::new();
    let mut out = BTreeMap::new();
    for name in names {
        let base = name_slug(&name);
        let mut slug = base.clone();
        let mut n = 2;
        while used.contains(&slug) || slug == "index" {
            slug = format!("{base}-{n}");
            n += 1;
        }
        used.insert(slug.clone());
        out.insert(name, slug);
    }
    out
}

fn text(v: Option<&crate::repo::sop::Spanned<String>>) -> Option<String> {
    v.map(|s| s.value.clone())
}

fn status_text(sop: &Sop) -> String {
    sop.status().map_or("unknown", Status::as_str).to_string()
}

fn department_of(sop: &Sop) -> Option<String> {
    text(sop.meta.department.as_ref())
}

fn tags_of(sop: &Sop) -> Vec<String> {
    let mut tags: Vec<String> = sop
        .meta
        .tags
        .as_ref()
        .map(|t| t.value.iter().map(|x| x.value.clone()).collect())
        .unwrap_or_default();
    tags.dedup();
    tags
}

fn type_of(sop: &Sop, repo: &Repo) -> String {
    sop.sop_type(&repo.settings)
        .map(|t| t.name.clone())
        .or_else(|| text(sop.meta.sop_type.as_ref()))
        .unwrap_or_else(|| "unknown".into())
}

/// The name of a language in English, for the common tags; the tag itself otherwise.
fn language_name(tag: &str) -> String {
    let base = tag.split('-').next().unwrap_or(tag);
    let name = match base {
        "ar" => "Arabic",
        "de" => "German",
        "en" => "English",
        "es" => "Spanish",
        "fr" => "French",
        "hi" => "Hindi",
        "id" => "Indonesian",
        "it" => "Italian",
        "ja" => "Japanese",
        "ko" => "Korean",
        "nl" => "Dutch",
        "pl" => "Polish",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "th" => "Thai",
        "tr" => "Turkish",
        "uk" => "Ukrainian",
        "vi" => "Vietnamese",
        "zh" => "Chinese",
        _ => return tag.to_string(),
    };
    if base == tag {
        name.to_string()
    } else {
        format!("{name} ({tag})")
    }
}
