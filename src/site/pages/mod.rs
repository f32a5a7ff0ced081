//! Fill the page contexts and render every page of the site.
//!
//! Pages are rendered in parallel (rayon) into memory; writing them is [`super::publish`]'s job
//! (one thread: creating files from several threads was slower on the target file systems).

mod dashboard;
mod lists;
mod sop;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use super::context::{GroupKind, Layout, Link, SiteInfo, SopCard};
use super::links::SinceRelease;
use super::search::{self, search_files};
use super::select::{Entry, Selection, name_slug, release_files};
use super::theme::Theme;
use super::{Options, Site, SiteError, feeds, root_of};
use crate::git::history::{Histories, Release};
use crate::repo::{Corpus, Repo, Settings, Sop, Status};
use crate::report::{self, ReviewState};

/// The pages of one SOP (site path, HTML), the repository files they link to, and, when
/// asked, the searchable text of its current page and translations (by translation language).
type SopPages = (
    Vec<(String, String)>,
    Linked,
    Vec<(Option<String>, Vec<crate::site::search::Section>)>,
);

/// The repository files pages link to.
#[derive(Debug, Default)]
struct Linked {
    /// Copied under `files/`: as committed at `HEAD` (the working copy's in a preview of
    /// drafts, or outside git).
    current: BTreeSet<String>,
    /// As a release committed them, where they changed since: site path → (repository path,
    /// blob).
    released: BTreeMap<String, (String, git2::Oid)>,
}

impl Linked {
    fn extend(&mut self, other: Linked) {
        self.current.extend(other.current);
        self.released.extend(other.released);
    }
}

/// The git repository's files, for pages made from releases and for copying linked files.
struct GitFiles {
    /// Makes readers of committed files.
    texts: crate::git::history::TextSource,
    /// `HEAD`'s commit; `None` before the first commit.
    head: Option<git2::Oid>,
    /// Readers between pages: each keeps the trees and files it read, which the next
    /// release's pages mostly share.
    readers: std::sync::Mutex<Vec<crate::git::history::TextReader>>,
}

impl GitFiles {
    fn reader(&self) -> crate::git::history::TextReader {
        self.readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
            .unwrap_or_else(|| self.texts.reader())
    }

    fn give_back(&self, reader: crate::git::history::TextReader) {
        self.readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(reader);
    }
}

/// Shared, read-only state of one build.
struct Build<'a> {
    repo: &'a Repo,
    /// The repository root, canonical: linked files are checked against it.
    root: std::path::PathBuf,
    selection: &'a Selection<'a>,
    /// Every published SOP by id.
    by_id: HashMap<&'a str, &'a Entry<'a>>,
    theme: &'a Theme,
    options: &'a Options,
    departments: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    feed: bool,
    /// The repository files that may be copied into the site.
    tracked: std::sync::Arc<crate::publishable::Tracked>,
    /// Links to Markdown files the site has no page for: (from, to).
    lost_links: std::sync::Mutex<BTreeSet<(String, String)>>,
    /// The words rendered bodies add, by page language, made once per language.
    body_words: std::sync::Mutex<HashMap<String, std::sync::Arc<super::markdown::BodyWords>>>,
    /// The git repository, when `tracked` is its index.
    git: Option<GitFiles>,
    /// Files the text in force of an SOP links that are not now as its release committed
    /// them: (id, version, path, how).
    since_release: std::sync::Mutex<BTreeSet<(String, String, String, SinceRelease)>>,
    /// The names wiki links find documents and files by, made when the first one is met.
    wiki: crate::repo::wiki::LazyIndex<'a>,
    /// The names of the files of releases' commits, for the wiki embeds of their pages.
    release_wiki: super::links::ReleaseWiki,
}

impl Build<'_> {
    /// One line per file the text in force of an SOP links that is not now as its release
    /// committed it (the first few): what the page links, and how to publish the file as it is.
    fn since_release_notes(&self) -> Vec<String> {
        const SHOWN: usize = 5;
        let files = self
            .since_release
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut notes: Vec<String> = files
            .iter()
            .take(SHOWN)
            .map(|(id, version, rel, how)| match how {
                SinceRelease::Added => format!(
                    "`{rel}` is not on the page of {id} v{version}: it was not committed when that version was released, so the page shows the link as plain text; release {id} again to publish it with the SOP"
                ),
                SinceRelease::Changed => format!(
                    "`{rel}` changed after {id} v{version} was released: the page links the copy released with it; release {id} again to publish the new one"
                ),
                SinceRelease::Deleted => format!(
                    "`{rel}` was deleted after {id} v{version} was released, so it is off the site and the page shows its link as plain text; release {id} again without the link"
                ),
            })
            .collect();
        if files.len() > SHOWN {
            notes.push(format!(
                "and {} more linked files that are not as their SOP's release committed them",
                files.len() - SHOWN
            ));
        }
        notes
    }

    /// Where the files linked by the text of `release` (of the SOP with slug `slug`) come
    /// from; `None` without git.
    fn at_release(&self, slug: &str, release: &Release) -> Option<super::links::AtRelease> {
        let git = self.git.as_ref()?;
        Some(super::links::AtRelease {
            commit: git2::Oid::from_str(&release.commit).ok()?,
            head: git.head.filter(|_| !self.options.drafts),
            folder: release_files(slug, &release.version),
            reader: std::cell::RefCell::new(git.reader()),
            kept: std::cell::RefCell::default(),
            since: std::cell::RefCell::default(),
        })
    }
}

/// When the version a page shows is next reviewed, and where it stands on the build's day.
#[derive(Debug, Clone)]
struct Review {
    /// The next review date, `YYYY-MM-DD`.
    next: Option<String>,
    /// From which day the review is due soon, for an approved version (the page's script
    /// tells the state on the reader's day from the two dates).
    due_soon_from: Option<String>,
    /// The state on the build's day.
    state: ReviewState,
    /// Why the next review date of an approved version cannot be told, in the page's
    /// language.
    problem: Option<String>,
}

impl Default for Review {
    fn default() -> Self {
        Review {
            next: None,
            due_soon_from: None,
            state: ReviewState::Unknown,
            problem: None,
        }
    }
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
    let tracked = std::sync::Arc::new(crate::publishable::Tracked::load(&repo.root));
    let wiki_files = std::sync::Arc::clone(&tracked);
    let departments = unique_slugs(
        selection
            .entries
            .iter()
            .filter_map(|e| department_of(&e.sop, &repo.settings)),
    );
    let tags = unique_slugs(selection.entries.iter().flat_map(|e| tags_of(&e.sop)));
    let build = Build {
        repo,
        root: std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone()),
        selection,
        by_id: selection
            .entries
            .iter()
            .map(|e| (e.id.as_str(), e))
            .collect(),
        theme,
        options,
        departments,
        tags,
        feed: !selection.entries.is_empty(),
        git: match &*tracked {
            crate::publishable::Tracked::Index(_) => crate::git::Repo::open(&repo.root)
                .map_err(|source| SiteError::Git { source })?
                .map(|git| -> Result<GitFiles, SiteError> {
                    Ok(GitFiles {
                        texts: git.texts(),
                        head: git
                            .head_commit()
                            .map_err(|source| SiteError::Git { source })?,
                        readers: std::sync::Mutex::default(),
                    })
                })
                .transpose()?,
            _ => None,
        },
        tracked,
        lost_links: std::sync::Mutex::default(),
        body_words: std::sync::Mutex::default(),
        since_release: std::sync::Mutex::default(),
        // The files git tracks, read once above, give the names wiki links find (unless the
        // names kept from the last build are still right).
        wiki: crate::repo::wiki::LazyIndex::shared(move || {
            let files = || wiki_files.files(&repo.root);
            let extensions = repo.settings.files.extensions();
            match &options.wiki {
                Some(kept) => kept.get(&corpus.sops, files, extensions),
                None => std::sync::Arc::new(crate::repo::wiki::index_of(
                    &corpus.sops,
                    &files(),
                    extensions,
                )),
            }
        }),
        release_wiki: super::links::ReleaseWiki::default(),
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
    // `sop publish` reads the search index's text as the pages render it; `sop serve` keeps
    // what the index read between builds, and renders only some pages after an edit.
    let reading = (options.search.is_none() && options.only.is_none()).then(|| {
        search::Reading::new(
            selection,
            repo.settings.config.links.anchors,
            build.site_language(),
        )
    });
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
                return Ok(Linked::default());
            }
            let (pages, linked, texts) = build.sop_pages(entry, reading.is_some())?;
            for (path, html) in pages {
                emit(path, html.into_bytes())?;
            }
            if let Some(reading) = &reading {
                for (language, sections) in texts {
                    reading.read(&entry.id, language.as_deref(), sections, &emit)?;
                }
            }
            Ok(linked)
        })
        .try_reduce(Linked::default, |mut a, b| {
            a.extend(b);
            Ok(a)
        })?;
    // The search index first, while the pages' texts are still at hand (with lint beside it,
    // when lint was left to this point: the pages read every outline it needs), then the index
    // page, then the group pages: the search index and the index page of a large corpus each
    // hold every text or every card, so they are not made at the same time.
    let (searched, lint_counts) = rayon::join(
        || {
            search_files(
                selection,
                repo.settings.config.links.anchors,
                build.site_language(),
                options.search.as_deref(),
                options.only.is_some(),
                reading,
                &emit,
            )
        },
        || match &options.lint_counts {
            Some(counts) => counts.clone(),
            None => crate::report::lint_hook::count_by_rule(
                &crate::lint::check(repo, corpus).unwrap_or_default(),
            ),
        },
    );
    searched?;
    let mut cards: Vec<SopCard> = selection
        .entries
        .par_iter()
        .map(|e| build.card(e))
        .collect();
    // Retired SOPs stay findable, after those in force.
    cards.sort_by_key(|c| c.status == "retired");
    let dashboard = || -> Result<(), SiteError> {
        // Counted from the text the pages come from: uncommitted edits never reach the site.
        let corpus = &*selection.committed_corpus(corpus);
        let stats = report::stats(
            corpus,
            &selection.current(),
            &repo.settings,
            histories,
            lint_counts.clone(),
            options.today,
        );
        let (dashboard, svgs) = build.dashboard(corpus, &stats)?;
        emit("dashboard.html".into(), dashboard.into_bytes())?;
        for (path, svg) in svgs {
            emit(path, svg.into_bytes())?;
        }
        emit("404.html".into(), build.not_found()?.into_bytes())
    };
    // The index page (it holds every card, so it is made before the cards' HTML below) beside
    // the dashboard and feeds (one page each).
    let (index, single) = rayon::join(
        || emit("index.html".into(), build.index(&cards)?.into_bytes()),
        || -> Result<(), SiteError> {
            dashboard()?;
            build.feeds(&emit)
        },
    );
    index?;
    single?;
    // Each card is rendered once, in parallel, and placed as it is on its department's page
    // and on a page for each of its tags (`sop serve`, rendering a few of those pages again
    // after an edit, leaves it to them).
    if options.only.is_none() {
        let layout = build.layout(
            &format!("{}/index.html", GroupKind::Department.dir()),
            String::new(),
            GroupKind::Department.dir(),
            String::new(),
        );
        cards
            .par_iter_mut()
            .try_for_each(|c| -> Result<(), SiteError> {
                c.html = build.card_html(c, &layout)?;
                Ok(())
            })?;
    }
    build.groups(&cards, &emit)?;
    drop(cards);
    for (path, bytes) in &theme.assets {
        emit(path.clone(), bytes.clone())?;
    }
    let mut notes = Vec::new();
    let lost_links = lost_links_notes(&build.lost_links, corpus);
    if let crate::publishable::Tracked::Unreadable(why) = &*build.tracked {
        notes.push(format!(
            "no linked file is published: git's list of tracked files cannot be read ({why})"
        ));
    }
    notes.extend(build.since_release_notes());
    let warn_size = repo.settings.config.site.attachment_warn_size.bytes();
    let mut reader = build.git.as_ref().map(GitFiles::reader);
    // In git, a linked file is published as committed: an uncommitted edit of a form or a
    // picture never reaches an approved page (a preview of drafts shows the working copy's).
    let head = build
        .git
        .as_ref()
        .filter(|_| !options.drafts)
        .map(|git| git.head);
    let mut files: Vec<(String, String, Source)> = linked_files
        .current
        .into_iter()
        .map(|rel| {
            let source = match (head, reader.as_mut()) {
                (Some(head), Some(reader)) => head
                    .and_then(|head| reader.file_blob(head, &rel))
                    .map_or(Source::NotCommitted, Source::Blob),
                _ => Source::Working,
            };
            (format!("files/{rel}"), rel, source)
        })
        .collect();
    // A repository file at `@releases/…` would take a release's copy's place: the
    // repository's file wins, and the release's copy is named.
    let taken: BTreeSet<String> = files.iter().map(|(site, _, _)| site.clone()).collect();
    for (site, (rel, blob)) in linked_files.released {
        if taken.contains(&site) {
            notes.push(format!(
                "the copy of `{rel}` a release links is not published: the repository's own `{}` takes its place on the site; rename that folder to publish both",
                site.trim_start_matches("files/")
            ));
            continue;
        }
        files.push((site, rel, Source::Blob(blob)));
    }
    let mut warned = BTreeSet::new();
    for (site, rel, source) in files {
        let content = match source {
            Source::Working => Content::File(repo.root.join(&rel)),
            Source::Blob(blob) => match reader.as_mut().and_then(|r| r.bytes(blob)) {
                Some(bytes) => Content::Bytes(bytes.to_vec()),
                None => {
                    notes.push(format!(
                        "`{rel}` is not published: git cannot read its committed copy (`git fsck` says what is wrong with the repository)"
                    ));
                    continue;
                }
            },
            Source::NotCommitted => {
                notes.push(format!(
                    "`{rel}` is not published: it is not committed yet (commit it, then publish)"
                ));
                continue;
            }
        };
        let size = match &content {
            Content::Bytes(bytes) => bytes.len() as u64,
            Content::File(src) => std::fs::metadata(src)
                .map_err(|source| SiteError::Read {
                    path: src.clone(),
                    source,
                })?
                .len(),
        };
        // Once per file: a copy kept for a release cannot be changed, so one warning says it.
        if size > warn_size && warned.insert(rel.clone()) {
            notes.push(format!(
                "`{rel}` is {}, more than the {} set by `[site] attachment_warn_size`: readers on a phone wait for it; link to a smaller file, or raise the limit in `sop.toml`",
                crate::repo::config::ByteSize(size),
                repo.settings.config.site.attachment_warn_size,
            ));
        }
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink(site, content)?;
    }
    let mut pages = std::mem::take(
        &mut *pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    pages.sort();
    emit(
        "sitemap.xml".into(),
        feeds::sitemap(theme, &pages, options.base_url.as_deref())?.into_bytes(),
    )?;
    let archived = selection.entries.iter().map(|e| e.archived.len()).sum();
    Ok(Site {
        files: BTreeMap::new(),
        attachments: BTreeMap::new(),
        notes,
        lost_links,
        published: selection.entries.len(),
        archived,
        unpublished_changes: Vec::new(),
        left_out: Vec::new(),
        not_released: Vec::new(),
        unreadable: BTreeMap::new(),
        written: count.into_inner(),
    })
}
/// Where the bytes of a linked file come from.
enum Source {
    /// The working copy (outside git, or a preview of drafts).
    Working,
    /// A committed file.
    Blob(git2::Oid),
    /// Nothing: the file is not committed at `HEAD`.
    NotCommitted,
}

/// One line per link to a Markdown file the site has no page for (the first few): which SOP
/// links where, why there is no page, and that the link shows as plain text until there is.
fn lost_links_notes(
    lost: &std::sync::Mutex<BTreeSet<(String, String)>>,
    corpus: &Corpus,
) -> Vec<String> {
    let lost = lost
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    const SHOWN: usize = 5;
    let by_path: HashMap<&str, &Sop> = corpus.sops.iter().map(|s| (s.path.as_str(), s)).collect();
    let name = |path: &str| match by_path.get(path).and_then(|s| s.id()) {
        Some(id) => id.to_string(),
        None => format!("`{path}`"),
    };
    let mut notes: Vec<String> = lost
        .iter()
        .take(SHOWN)
        .map(|(from, to)| {
            let from = name(from);
            let Some(target) = by_path.get(to.as_str()) else {
                return format!(
                    "{from} links to `{to}`, which is not an SOP, so the site has no page for it and the link shows as plain text; link to a published SOP or to a web address instead"
                );
            };
            let to = name(to);
            let (why, until) = match target.status() {
                Some(Status::Draft) => ("it is still a draft", "is approved and released"),
                Some(Status::Review) => ("it is still in review", "is approved and released"),
                Some(Status::Approved) => (
                    "its approved text is not committed yet",
                    "is committed and released",
                ),
                Some(Status::Retired) => ("it is retired", "is released again"),
                None => ("it has no valid status", "is approved and released"),
            };
            format!(
                "{from} links to {to} \"{}\", which has no page yet ({why}), so the link shows as plain text until {to} {until}",
                target.title()
            )
        })
        .collect();
    if lost.len() > SHOWN {
        notes.push(format!(
            "and {} to Markdown files the site has no page for, shown as plain text too",
            crate::words::count_with(lost.len() - SHOWN, "more link", "more links")
        ));
    }
    notes
}

impl Build<'_> {
    /// The feeds of releases and of reviews due: the site's and one of each per department.
    fn feeds(
        &self,
        emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
    ) -> Result<(), SiteError> {
        let base = self.options.base_url.as_deref();
        let title = &self.repo.settings.config.site.title;
        let texts = self.theme.i18n.texts(self.site_language());
        let releases = feeds::releases(self.selection, &self.repo.settings, texts);
        let reviews = report::reviews(
            &self.selection.current(),
            &self.repo.settings,
            self.options.today,
        );
        let reviews: Vec<feeds::ReviewEntry<'_>> = reviews
            .iter()
            .filter_map(|review| {
                Some(feeds::ReviewEntry {
                    review,
                    path: self.entry(&review.id)?.url.as_str(),
                })
            })
            .collect();
        let write = |path: String, feed: &crate::site::context::FeedPage| {
            emit(path, feeds::render_feed(self.theme, feed)?.into_bytes())
        };
        let all: Vec<&feeds::FeedEntry> = releases.iter().collect();
        write(
            "feed.xml".into(),
            &feeds::release_feed(
                title,
                feeds::FeedPlace {
                    path: "feed.xml",
                    base,
                },
                &all,
                texts,
            ),
        )?;
        write(
            "reviews.xml".into(),
            &feeds::review_feed(
                &texts.get("feed.reviews_title", &[("title", title)]),
                feeds::FeedPlace {
                    path: "reviews.xml",
                    base,
                },
                &reviews,
                texts,
            ),
        )?;
        for (name, slug) in &self.departments {
            let path = format!("departments/{slug}.xml");
            let own: Vec<&feeds::FeedEntry> = releases
                .iter()
                .filter(|r| r.department.as_deref() == Some(name.as_str()))
                .collect();
            let feed = feeds::release_feed(
                &format!("{title} — {name}"),
                feeds::FeedPlace { path: &path, base },
                &own,
                texts,
            );
            write(path.clone(), &feed)?;
            let path = format!("departments/{slug}.reviews.xml");
            let own: Vec<feeds::ReviewEntry<'_>> = reviews
                .iter()
                .filter(|r| r.review.department.as_deref() == Some(name.as_str()))
                .copied()
                .collect();
            let feed = feeds::review_feed(
                &texts.get(
                    "feed.department_reviews_title",
                    &[("title", title), ("department", name)],
                ),
                feeds::FeedPlace { path: &path, base },
                &own,
                texts,
            );
            write(path.clone(), &feed)?;
        }
        Ok(())
    }

    /// The published SOP `id`.
    fn entry(&self, id: &str) -> Option<&Entry<'_>> {
        self.by_id.get(id).copied()
    }

    /// The slugs of the pages of a kind of group (`None` for types, which have no pages).
    fn slugs(&self, kind: GroupKind) -> Option<&BTreeMap<String, String>> {
        match kind {
            GroupKind::Department => Some(&self.departments),
            GroupKind::Tag => Some(&self.tags),
            GroupKind::Type => None,
        }
    }

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

    /// The site's language (`[site] language`): the language of every page that is not an
    /// SOP's, and of the SOPs that name none.
    fn site_language(&self) -> &str {
        &self.repo.settings.config.site.language
    }

    /// The language `sop` is written in: its own `language`, else the site's.
    fn language_of<'s>(&'s self, sop: &'s Sop) -> &'s str {
        sop.language().unwrap_or_else(|| self.site_language())
    }

    /// The layout of a page in the site's language (an SOP's page sets its own after).
    fn layout(
        &self,
        path: &str,
        title: String,
        section: &'static str,
        description: String,
    ) -> Layout {
        let lang = self.theme.i18n.language(self.site_language());
        Layout {
            site: self.site(path),
            title,
            section,
            description,
            dir: super::i18n::direction(&lang),
            lang,
        }
    }

    /// The interface text `key` in `lang` (the page's language), from the theme's catalogues.
    fn tr(&self, lang: &str, key: &str, params: &[(&str, &str)]) -> String {
        self.theme.i18n.text(lang, key, params)
    }

    /// The words a rendered body in `lang` adds: the prompt label, box titles, table names.
    fn body_words(&self, lang: &str) -> std::sync::Arc<super::markdown::BodyWords> {
        let mut made = self
            .body_words
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let words = made.entry(lang.to_string()).or_insert_with(|| {
            // The placeholders stay, to be filled for each table.
            let holes = [("n", "{n}"), ("heading", "{heading}")];
            std::sync::Arc::new(super::markdown::BodyWords {
                to_write: self.tr(lang, "draft.to_write", &[]),
                boxes: super::boxes::KINDS
                    .iter()
                    .map(|&k| (k, self.tr(lang, &format!("box.{k}"), &[])))
                    .collect(),
                table: self.tr(lang, "table.region", &holes),
                table_under: self.tr(lang, "table.region_under", &holes),
            })
        });
        std::sync::Arc::clone(words)
    }

    /// The interface text `key` in the site's language, for the pages that are not an SOP's.
    fn say(&self, key: &str, params: &[(&str, &str)]) -> String {
        self.tr(self.site_language(), key, params)
    }

    /// The review dates and state of the version `sop` shows.
    fn review(&self, sop: &Sop) -> Review {
        // Only a version in force is reviewed: a retired SOP has no next review.
        if sop.status() == Some(Status::Retired) {
            return Review::default();
        }
        let next = sop.next_review(&self.repo.settings);
        let window = self.repo.settings.due_soon;
        let reviewed = sop.status() == Some(Status::Approved);
        // A date that cannot be read is no date: the review may be overdue, and the page says so.
        let lang = self.language_of(sop);
        let keys = &self.repo.settings.keys;
        let problem = match sop.review_date(&self.repo.settings) {
            Err(why) if reviewed => Some(match why.written(keys) {
                Some((_, written)) => {
                    self.tr(lang, "sop.review_unknown_written", &[("written", &written)])
                }
                None => self.tr(lang, "sop.review_unknown", &[]),
            }),
            _ => None,
        };
        Review {
            problem,
            next: next.map(|d| d.to_string()),
            due_soon_from: next
                .filter(|_| reviewed)
                .map(|d| ReviewState::due_soon_from(d, window).to_string()),
            state: if reviewed {
                ReviewState::of(next, self.options.today, window)
            } else {
                ReviewState::Unknown
            },
        }
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

fn department_of(sop: &Sop, settings: &Settings) -> Option<String> {
    sop.department(settings).map(str::to_string)
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

/// The name of a language in that language ("Español"), for the links between translations.
fn language_name(tag: &str) -> String {
    super::i18n::endonym(tag)
}
