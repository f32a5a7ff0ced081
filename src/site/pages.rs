//! Fill the page contexts and render every page of the site.
//!
//! Pages are rendered in parallel (rayon) into memory; writing them is [`super::publish`]'s job
//! (one thread: creating files from several threads was slower on the target file systems).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::context::{
    ApprovalRow, Chart, ChartRow, DASHBOARD_ROWS, DashboardPage, DraftRow, DueRow, Facet,
    IndexPage, Layout, Link, ListPage, MoreRows, NotFoundPage, Notice, ReleaseRow, RevisionGroup,
    RevisionRow, RuleCount, SiteInfo, SopCard, SopMeta, SopPage, StaleRow, Tile, TocItem,
};
use super::links::PageLinks;
use super::markdown;
use super::search::search_index;
use super::select::{Entry, Selection, Shown, name_slug, status_words};
use super::theme::Theme;
use super::{Options, Site, SiteError, charts, feeds, root_of};
use crate::git::history::{Histories, Release};
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
            banner: self.options.banner.clone(),
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

    fn card(&self, entry: &Entry<'_>) -> SopCard {
        let sop = &entry.sop;
        let (next_review, state) = self.review_state(sop);
        let department = department_of(sop).unwrap_or_default();
        let tags = self.tag_links(sop, "");
        let tag_slugs = tags_of(sop)
            .iter()
            .filter_map(|t| self.tags.get(t).cloned())
            .collect::<Vec<_>>()
            .join(" ");
        let note = match &entry.shown {
            Shown::Released { pending: Some(p) } | Shown::Committed { pending: Some(p) } => {
                Some(match &p.version {
                    Some(v) if Some(v) != sop.meta.version.as_ref().map(|x| &x.value) => {
                        "revision in progress".to_string()
                    }
                    _ => "unreleased changes".to_string(),
                })
            }
            Shown::Draft if sop.status() != Some(Status::Approved) => {
                Some("preview, not approved".to_string())
            }
            Shown::Draft => Some("preview".to_string()),
            _ => None,
        };
        SopCard {
            id: entry.id.clone(),
            title: sop.title().to_string(),
            url: entry.url.clone(),
            status: status_text(sop),
            version: text(sop.meta.version.as_ref()).unwrap_or_default(),
            owner: text(sop.meta.owner.as_ref()).unwrap_or_default(),
            department_slug: self
                .departments
                .get(&department)
                .cloned()
                .unwrap_or_default(),
            department,
            sop_type: type_of(sop, self.repo),
            tags,
            tag_slugs,
            next_review,
            review_state: state.as_str().to_string(),
            note,
        }
    }

    /// The current page, its translations and its archived versions.
    fn sop_pages(&self, entry: &Entry<'_>) -> Result<SopPages, SiteError> {
        let mut out = Vec::new();
        let mut linked = BTreeSet::new();
        // Current page.
        {
            let path = entry.url.as_str();
            let root = root_of(path);
            let mut notices = Vec::new();
            notices.extend(self.current_notices(entry));
            if entry.sop.status() == Some(Status::Retired) {
                notices.push(self.retired_notice(&entry.sop, &root));
            }
            let mut languages: Vec<Link> = entry
                .translations
                .iter()
                .map(|t| Link {
                    text: language_name(&t.language),
                    url: format!("{root}{}", t.url),
                })
                .collect();
            languages.sort_by(|a, b| a.text.cmp(&b.text));
            let page = self.sop_page(
                entry,
                &entry.sop,
                entry.release,
                path,
                notices,
                languages,
                None,
                false,
                &mut linked,
            )?;
            out.push((path.to_string(), page));
        }
        // Translations.
        for t in &entry.translations {
            let path = t.url.as_str();
            let root = root_of(path);
            let mut notices = vec![Notice {
                kind: "info",
                text: format!(
                    "Translation ({}). The {} version is the reference.",
                    language_name(&t.language),
                    language_name(entry.working.language().unwrap_or("en"))
                ),
                link: Some(Link {
                    text: "Read the original".into(),
                    url: format!("{root}{}", entry.url),
                }),
            }];
            if t.stale {
                notices.push(Notice {
                    kind: "warning",
                    text: format!(
                        "This translation is out of date: it translates version {} but the original is now version {}.",
                        super::select::translated_version(&t.sop)
                            .map_or_else(|| "?".to_string(), |v| v.to_string()),
                        entry
                            .sop
                            .version()
                            .map_or_else(|| "?".to_string(), |v| v.to_string())
                    ),
                    link: None,
                });
            }
            if self.options.drafts {
                notices.push(preview_notice(&t.sop));
            }
            let mut languages = vec![Link {
                text: language_name(entry.working.language().unwrap_or("en")),
                url: format!("{root}{}", entry.url),
            }];
            languages.extend(
                entry
                    .translations
                    .iter()
                    .filter(|o| o.language != t.language)
                    .map(|o| Link {
                        text: language_name(&o.language),
                        url: format!("{root}{}", o.url),
                    }),
            );
            let current = Some(format!("{root}{}", entry.url));
            let page = self.sop_page(
                entry,
                &t.sop,
                None,
                path,
                notices,
                languages,
                current,
                false,
                &mut linked,
            )?;
            out.push((path.to_string(), page));
        }
        // Archived versions.
        for a in &entry.archived {
            let path = a.url.as_str();
            let root = root_of(path);
            let current_version = text(entry.sop.meta.version.as_ref()).unwrap_or_default();
            let approved_by = approval_words(&approvals_of(Some(a.release), &a.sop).0);
            let notice = if entry.release.is_some_and(|r| r.tag == a.release.tag) {
                Notice {
                    kind: "info",
                    text: format!(
                        "Version {} as released on {}{approved_by}. This is the version currently published.",
                        a.release.version, a.release.date
                    ),
                    link: Some(Link {
                        text: "Go to the current page".into(),
                        url: format!("{root}{}", entry.url),
                    }),
                }
            } else {
                Notice {
                    kind: "warning",
                    text: format!(
                        "Superseded: this is version {} from {}{approved_by}, kept for the record. Version {current_version} is current.",
                        a.release.version, a.release.date
                    ),
                    link: Some(Link {
                        text: "Read the current version".into(),
                        url: format!("{root}{}", entry.url),
                    }),
                }
            };
            let current = Some(format!("{root}{}", entry.url));
            let page = self.sop_page(
                entry,
                &a.sop,
                Some(a.release),
                path,
                vec![notice],
                Vec::new(),
                current,
                true,
                &mut linked,
            )?;
            out.push((path.to_string(), page));
        }
        Ok((out, linked))
    }

    /// The notices of a current page: why this text is shown, and what is in progress.
    fn current_notices(&self, entry: &Entry<'_>) -> Vec<Notice> {
        let shown = text(entry.sop.meta.version.as_ref()).unwrap_or_default();
        let mut notices = Vec::new();
        match &entry.shown {
            Shown::Released { pending } => {
                if let Some(p) = pending {
                    let date = entry
                        .release
                        .map(|r| format!(", released on {}", r.date))
                        .unwrap_or_default();
                    notices.push(Notice {
                        kind: "info",
                        text: format!(
                            "{}. This page shows version {shown}, the last approved release{date}, which stays in force until a new version is approved and released.",
                            p.describe(&shown)
                        ),
                        link: None,
                    });
                }
            }
            Shown::Committed { pending } => {
                notices.push(Notice {
                    kind: "info",
                    text: format!(
                        "Not released with “sop release”: version {shown} is shown as committed in git, where it says {}. No approval record says who approved this text and when; the approvers named come from the document itself.",
                        status_text(&entry.sop)
                    ),
                    link: None,
                });
                if let Some(p) = pending {
                    notices.push(Notice {
                        kind: "info",
                        text: format!(
                            "{}. This page shows the committed version {shown}.",
                            p.describe(&shown)
                        ),
                        link: None,
                    });
                }
            }
            Shown::Draft => notices.push(preview_notice(&entry.sop)),
            Shown::Working => {}
        }
        notices
    }

    fn retired_notice(&self, sop: &Sop, root: &str) -> Notice {
        let successor = text(sop.meta.superseded_by.as_ref()).and_then(|id| {
            let e = self.selection.entries.iter().find(|e| e.id == id)?;
            Some(Link {
                text: format!("{id}: {}", e.sop.title()),
                url: format!("{root}{}", e.url),
            })
        });
        let reason = text(sop.meta.retired_reason.as_ref());
        Notice {
            kind: "danger",
            text: match (&successor, reason) {
                (Some(_), _) => {
                    "Retired: this SOP is no longer in force. Follow its successor:".to_string()
                }
                (None, Some(r)) => format!("Retired: this SOP is no longer in force. {r}"),
                (None, None) => "Retired: this SOP is no longer in force.".to_string(),
            },
            link: successor,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn sop_page(
        &self,
        entry: &Entry<'_>,
        sop: &Sop,
        release: Option<&Release>,
        path: &str,
        notices: Vec<Notice>,
        languages: Vec<Link>,
        current_url: Option<String>,
        archived: bool,
        linked: &mut BTreeSet<String>,
    ) -> Result<String, SiteError> {
        let root = root_of(path);
        let links = PageLinks {
            selection: self.selection,
            repo_root: &self.root,
            from: &sop.path,
            root: &root,
            tracked: &self.tracked,
            config: &self.repo.settings.config.links,
        };
        let body = markdown::render(sop, &links);
        linked.extend(body.files);
        let (next_review, state) = self.review_state(sop);
        let department = department_of(sop).map(|d| Link {
            url: self
                .departments
                .get(&d)
                .map(|s| format!("{root}departments/{s}.html"))
                .unwrap_or_default(),
            text: d,
        });
        let link_to_id = |id: &str| {
            let e = self.selection.entries.iter().find(|e| e.id == id);
            Link {
                text: match e {
                    Some(e) => format!("{id}: {}", e.sop.title()),
                    None => id.to_string(),
                },
                url: e.map(|e| format!("{root}{}", e.url)).unwrap_or_default(),
            }
        };
        let (approvals, approvals_recorded) = approvals_of(release, sop);
        let meta = SopMeta {
            id: entry.id.clone(),
            title: sop.title().to_string(),
            version: text(sop.meta.version.as_ref()).unwrap_or_default(),
            status: status_text(sop),
            sop_type: type_of(sop, self.repo),
            owner: text(sop.meta.owner.as_ref()).unwrap_or_default(),
            department,
            approvers: sop
                .meta
                .approvers
                .as_ref()
                .map(|a| a.value.iter().map(|x| x.value.clone()).collect())
                .unwrap_or_default(),
            approvals,
            approvals_recorded,
            effective: text(sop.meta.effective.as_ref()),
            last_reviewed: text(sop.meta.last_reviewed.as_ref()),
            next_review,
            review_state: state.as_str().to_string(),
            tags: self.tag_links(sop, &root),
            superseded_by: text(sop.meta.superseded_by.as_ref()).map(|id| link_to_id(&id)),
            retired_reason: text(sop.meta.retired_reason.as_ref()),
            supersedes: sop
                .meta
                .supersedes
                .as_ref()
                .map(|s| s.value.iter().map(|x| link_to_id(&x.value)).collect())
                .unwrap_or_default(),
            language: sop.language().unwrap_or("en").to_string(),
            path: sop.path.clone(),
        };
        let releases: Vec<ReleaseRow> = entry
            .history
            .map(|h| {
                h.releases
                    .iter()
                    .map(|r| {
                        let page = entry.archived.iter().find(|a| a.release.tag == r.tag);
                        let status = entry.release_status.get(&r.tag).copied().flatten();
                        let approved = page.is_some();
                        let (approvals, approvals_recorded) = match page {
                            Some(a) => approvals_of(Some(r), &a.sop),
                            None => (Vec::new(), false),
                        };
                        ReleaseRow {
                            version: r.version.clone(),
                            date: r.date.clone(),
                            tagger: r.tagger.clone(),
                            summary: r.summary.clone(),
                            url: page.map(|a| format!("{root}{}", a.url)),
                            shown: release.is_some_and(|s| s.tag == r.tag),
                            status: if entry.release_status.contains_key(&r.tag) {
                                status_words(status).to_string()
                            } else {
                                "unknown".to_string()
                            },
                            approved,
                            approvals,
                            approvals_recorded,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let pr_url = self.repo.settings.config.site.pull_request_url.as_deref();
        let (revision_groups, revision_count) = entry.history.map_or((Vec::new(), 0), |h| {
            let groups = revision_groups(h, pr_url, |tag| {
                entry
                    .archived
                    .iter()
                    .find(|a| a.release.tag == tag)
                    .map(|a| format!("{root}{}", a.url))
            });
            (groups, h.commits.len())
        });
        let suggest_url = self
            .repo
            .settings
            .config
            .site
            .suggest_url
            .as_ref()
            .map(|u| u.replace("{path}", &sop.path).replace("{id}", &entry.id))
            .filter(|u| markdown::is_safe_url(u));
        let toc = body
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level) && !h.anchor.is_empty())
            .map(|h| TocItem {
                level: h.level,
                text: h.text.clone(),
                anchor: h.anchor.clone(),
            })
            .collect();
        let title = if archived {
            format!("{}: {} (version {})", entry.id, sop.title(), meta.version)
        } else {
            format!("{}: {}", entry.id, sop.title())
        };
        let description = format!(
            "{} {} version {}, owned by {}",
            entry.id,
            sop.title(),
            meta.version,
            meta.owner
        );
        let page = SopPage {
            layout: self.layout(path, title, "sop", description),
            sop: meta,
            notices,
            toc,
            body: body.html,
            releases,
            revision_groups,
            revision_count,
            languages,
            suggest_url,
            current_url,
            archived,
        };
        self.theme.render("sop.html", &page)
    }

    fn index(&self, cards: &[SopCard]) -> Result<String, SiteError> {
        let facet = |values: Vec<String>, pages: Option<(&BTreeMap<String, String>, &str)>| {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for v in values {
                *counts.entry(v).or_insert(0) += 1;
            }
            counts
                .into_iter()
                .filter(|(name, _)| !name.is_empty())
                .map(|(name, count)| {
                    let slug = match pages {
                        Some((map, _)) => map.get(&name).cloned().unwrap_or_default(),
                        None => name.clone(),
                    };
                    Facet {
                        url: pages.map(|(_, dir)| format!("{dir}/{slug}.html")),
                        slug,
                        name,
                        count,
                    }
                })
                .collect::<Vec<_>>()
        };
        let mut statuses = facet(cards.iter().map(|c| c.status.clone()).collect(), None);
        statuses.sort_by_key(|f| f.name.parse::<Status>().map_or(usize::MAX, |s| s as usize));
        let page = IndexPage {
            layout: self.layout(
                "index.html",
                "All SOPs".into(),
                "index",
                format!("{} current standard operating procedures", cards.len()),
            ),
            sops: cards,
            prefix: "",
            departments: facet(
                cards.iter().map(|c| c.department.clone()).collect(),
                Some((&self.departments, "departments")),
            ),
            statuses,
            types: facet(cards.iter().map(|c| c.sop_type.clone()).collect(), None),
            tags: facet(
                cards
                    .iter()
                    .flat_map(|c| c.tags.iter().map(|t| t.text.clone()))
                    .collect(),
                Some((&self.tags, "tags")),
            ),
        };
        self.theme.render("index.html", &page)
    }

    /// Department and tag pages, and their overviews.
    fn groups(
        &self,
        cards: &[SopCard],
        emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
    ) -> Result<(), SiteError> {
        let mut by_department: BTreeMap<&str, Vec<&SopCard>> = BTreeMap::new();
        let mut by_tag: BTreeMap<&str, Vec<&SopCard>> = BTreeMap::new();
        for c in cards {
            by_department.entry(&c.department).or_default().push(c);
            for t in &c.tags {
                by_tag.entry(&t.text).or_default().push(c);
            }
        }
        for (kind, dir, map, members) in [
            (
                "Department",
                "departments",
                &self.departments,
                &by_department,
            ),
            ("Tag", "tags", &self.tags, &by_tag),
        ] {
            // Group pages render in parallel: a large corpus has hundreds of tags.
            let overview = map
                .par_iter()
                .map(|(name, slug)| {
                    let path = format!("{dir}/{slug}.html");
                    let sops: Vec<&SopCard> =
                        members.get(name.as_str()).cloned().unwrap_or_default();
                    let facet = Facet {
                        name: name.clone(),
                        slug: slug.clone(),
                        url: Some(format!("{slug}.html")),
                        count: sops.len(),
                    };
                    let page = ListPage {
                        layout: self.layout(
                            &path,
                            name.to_string(),
                            if kind == "Department" {
                                "departments"
                            } else {
                                "tags"
                            },
                            format!("SOPs of {} {name}", kind.to_lowercase()),
                        ),
                        kind,
                        name: name.clone(),
                        sops,
                        prefix: "../",
                        groups: Vec::new(),
                        feed_url: (kind == "Department").then(|| format!("{slug}.xml")),
                    };
                    emit(path, self.theme.render("list.html", &page)?.into_bytes())?;
                    Ok(facet)
                })
                .collect::<Result<Vec<Facet>, SiteError>>()?;
            let path = format!("{dir}/index.html");
            let page = ListPage {
                layout: self.layout(
                    &path,
                    if kind == "Department" {
                        "Departments".into()
                    } else {
                        "Tags".into()
                    },
                    if kind == "Department" {
                        "departments"
                    } else {
                        "tags"
                    },
                    format!("SOPs by {}", kind.to_lowercase()),
                ),
                kind,
                name: String::new(),
                sops: Vec::new(),
                prefix: "../",
                groups: overview,
                feed_url: None,
            };
            emit(path, self.theme.render("list.html", &page)?.into_bytes())?;
        }
        Ok(())
    }

    fn dashboard(
        &self,
        corpus: &Corpus,
        stats: &report::Stats,
    ) -> Result<(String, Vec<(String, String)>), SiteError> {
        let settings = &self.repo.settings;
        let today = self.options.today;
        let url_of = |id: &str| {
            self.selection
                .entries
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.url.clone())
        };
        let due = report::due(
            &self.selection.current(),
            settings,
            today,
            settings.due_soon,
        );
        let row = |d: &report::DueReview| DueRow {
            id: d.id.clone(),
            title: d.title.clone(),
            url: url_of(&d.id),
            owner: d.owner.clone().unwrap_or_default(),
            department: d.department.clone().unwrap_or_default(),
            next_review: d.next_review.clone(),
            when: match d.days_late {
                1 => "1 day late".into(),
                n if n > 1 => format!("{n} days late"),
                0 => "due today".into(),
                -1 => "in 1 day".into(),
                n => format!("in {} days", -n),
            },
        };
        let overdue: Vec<DueRow> = due
            .iter()
            .filter(|d| d.state == ReviewState::Overdue)
            .map(row)
            .collect();
        let due_soon: Vec<DueRow> = due
            .iter()
            .filter(|d| d.state == ReviewState::DueSoon)
            .map(row)
            .collect();
        let mut drafts: Vec<DraftRow> = corpus
            .originals()
            .into_iter()
            .filter(|s| matches!(s.status(), Some(Status::Draft | Status::Review)))
            .map(|s| DraftRow {
                id: s.id().unwrap_or_default().to_string(),
                title: s.title().to_string(),
                status: status_text(s),
                version: text(s.meta.version.as_ref()).unwrap_or_default(),
                owner: text(s.meta.owner.as_ref()).unwrap_or_default(),
                department: department_of(s).unwrap_or_default(),
                url: s.id().and_then(url_of),
            })
            .collect();
        drafts.sort_by(|a, b| (&a.status, &a.id).cmp(&(&b.status, &b.id)));
        let stale: Vec<StaleRow> = report::stale_translations(corpus)
            .into_iter()
            .map(|s| StaleRow {
                url: self
                    .selection
                    .entries
                    .iter()
                    .find(|e| e.id == s.id)
                    .and_then(|e| e.translations.iter().find(|t| t.language == s.language))
                    .map(|t| t.url.clone()),
                id: s.id,
                title: s.title,
                language: s.language,
                translated_version: s.translated_version,
                source_version: s.source_version,
            })
            .collect();
        let tone = |n: usize, bad: &'static str| if n == 0 { "ok" } else { bad };
        let tiles = vec![
            Tile {
                label: "SOPs".into(),
                value: stats.sops.to_string(),
                tone: "neutral",
            },
            Tile {
                label: "Reviews overdue".into(),
                value: stats.overdue.to_string(),
                tone: tone(stats.overdue, "danger"),
            },
            Tile {
                label: "Reviews due soon".into(),
                value: stats.due_soon.to_string(),
                tone: tone(stats.due_soon, "warning"),
            },
            Tile {
                label: "Drafts waiting".into(),
                value: drafts.len().to_string(),
                tone: "neutral",
            },
            Tile {
                label: "Stale translations".into(),
                value: stats.stale_translations.to_string(),
                tone: tone(stats.stale_translations, "warning"),
            },
            Tile {
                label: "Median days since review".into(),
                value: stats
                    .median_days_since_review
                    .map_or_else(|| "–".to_string(), |m| format!("{}", m.round() as i64)),
                tone: "neutral",
            },
        ];
        let mut charts_out = Vec::new();
        let mut svgs = Vec::new();
        let mut add =
            |file: &str, title: &str, alt: String, rows: Vec<(String, usize)>, horizontal: bool| {
                if rows.is_empty() {
                    return;
                }
                let svg = if horizontal {
                    charts::horizontal_bars(title, &rows)
                } else {
                    charts::vertical_bars(title, &rows)
                };
                let url = format!("charts/{file}.svg");
                svgs.push((url.clone(), svg));
                charts_out.push(Chart {
                    title: title.to_string(),
                    url,
                    alt,
                    rows: rows
                        .into_iter()
                        .map(|(label, value)| ChartRow { label, value })
                        .collect(),
                });
            };
        let due_rows = charts::months_ahead(&stats.reviews_due_per_month, today, 12);
        add(
            "reviews-due",
            "Reviews due per month",
            "Bar chart of approved SOPs whose review falls due in each of the next twelve months; the first bar counts reviews already overdue.".into(),
            due_rows,
            false,
        );
        let release_rows = charts::month_range(&stats.releases_per_month, 24);
        add(
            "releases",
            "Releases per month",
            "Bar chart of SOP versions released in each month, from the git tags.".into(),
            release_rows,
            false,
        );
        let status_rows: Vec<(String, usize)> = Status::ALL
            .iter()
            .map(|s| s.as_str())
            .chain(["unknown"])
            .filter_map(|s| stats.by_status.get(s).map(|n| (s.to_string(), *n)))
            .collect();
        add(
            "by-status",
            "SOPs by status",
            "Bar chart of SOPs by status.".into(),
            status_rows,
            true,
        );
        let mut dept_rows: Vec<(String, usize)> = stats
            .by_department
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        dept_rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        dept_rows.truncate(15);
        add(
            "by-department",
            "SOPs by department",
            "Bar chart of SOPs by department.".into(),
            dept_rows,
            true,
        );
        let cut = |n: usize| n.saturating_sub(DASHBOARD_ROWS);
        let more = MoreRows {
            overdue: cut(overdue.len()),
            due_soon: cut(due_soon.len()),
            drafts: cut(drafts.len()),
            stale: cut(stale.len()),
        };
        let (mut overdue, mut due_soon, mut drafts, mut stale) = (overdue, due_soon, drafts, stale);
        overdue.truncate(DASHBOARD_ROWS);
        due_soon.truncate(DASHBOARD_ROWS);
        drafts.truncate(DASHBOARD_ROWS);
        stale.truncate(DASHBOARD_ROWS);
        let page = DashboardPage {
            layout: self.layout(
                "dashboard.html",
                "Review dashboard".into(),
                "dashboard",
                "Overdue reviews, reviews due soon, drafts waiting and stale translations".into(),
            ),
            tiles,
            overdue,
            due_soon,
            drafts,
            stale,
            more,
            charts: charts_out,
            lint: stats
                .lint_findings_by_rule
                .iter()
                .map(|(rule, count)| RuleCount {
                    rule: rule.clone(),
                    count: *count,
                })
                .collect(),
        };
        Ok((self.theme.render("dashboard.html", &page)?, svgs))
    }

    fn not_found(&self) -> Result<String, SiteError> {
        let mut layout = self.layout(
            "404.html",
            "Page not found".into(),
            "",
            "This page does not exist".into(),
        );
        // A host serves this page at any missing address, where relative links would point
        // nowhere; with a base URL its links can be absolute.
        if let Some(base) = &self.options.base_url {
            layout.site.root = format!("{}/", base.trim_end_matches('/'));
        }
        let page = NotFoundPage { layout };
        self.theme.render("404.html", &page)
    }
}

/// Who approved `sop` (shown from `release`, when it is one): the release's approval record,
/// else the names in its front matter; and whether they come from the record.
fn approvals_of(release: Option<&Release>, sop: &Sop) -> (Vec<ApprovalRow>, bool) {
    if let Some(r) = release.filter(|r| !r.approvals.is_empty()) {
        let rows = r
            .approvals
            .iter()
            .map(|a| ApprovalRow {
                name: a.name.clone(),
                email: a.email.clone(),
                date: (!a.date.is_empty()).then(|| a.date.clone()),
                meaning: (!a.meaning.is_empty()).then(|| a.meaning.clone()),
            })
            .collect();
        return (rows, true);
    }
    let rows = sop
        .meta
        .approvers
        .as_ref()
        .map(|list| {
            list.value
                .iter()
                .map(|n| ApprovalRow {
                    name: n.value.clone(),
                    email: None,
                    date: None,
                    meaning: None,
                })
                .collect()
        })
        .unwrap_or_default();
    (rows, false)
}

/// ", approved by Lena Fischer on 2026-11-30 (approved for use)" for a notice; empty when
/// nobody is named.
fn approval_words(rows: &[ApprovalRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let people: Vec<String> = rows
        .iter()
        .map(|a| {
            let mut s = a.name.clone();
            if let Some(d) = &a.date {
                s.push_str(&format!(" on {d}"));
            }
            if let Some(m) = &a.meaning {
                s.push_str(&format!(" ({m})"));
            }
            s
        })
        .collect();
    let list = match people.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => people.join(""),
    };
    format!(", approved by {list}")
}

/// The notice on every page of a preview (`--drafts`, `sop serve`).
fn preview_notice(sop: &Sop) -> Notice {
    if sop.status() == Some(Status::Approved) {
        Notice {
            kind: "warning",
            text: "Preview of the working copy: it may hold changes that are not committed or not released. The published site shows only approved, released text.".to_string(),
            link: None,
        }
    } else {
        Notice {
            kind: "danger",
            text: format!(
                "Draft preview: this is the working copy ({}), not an approved version. Do not follow it in operations.",
                status_text(sop)
            ),
            link: None,
        }
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

/// The commits of `h`, newest first, grouped under the release each led to: the oldest
/// release whose commit came after the change reached the main line (its merge, for a change
/// made on a branch), so a pull request opened before a release and merged after it belongs
/// to the next one. Changes no release has taken yet come first, in a group without a version.
fn revision_groups(
    h: &crate::git::history::SopHistory,
    pull_request_url: Option<&str>,
    archived_url: impl Fn(&str) -> Option<String>,
) -> Vec<RevisionGroup> {
    let row = |c: &crate::git::history::Revision| RevisionRow {
        date: c.date.clone(),
        author: c.author.clone(),
        summary: c.summary.clone(),
        commit: c.commit.chars().take(8).collect(),
        pull_request: c.pull_request,
        pull_request_url: c.pull_request.and_then(|n| {
            let url = pull_request_url?.replace("{number}", &n.to_string());
            markdown::is_safe_url(&url).then_some(url)
        }),
    };
    // Places in the walk: smaller is newer. Releases `HEAD` does not reach have no group.
    let mut releases: Vec<(u32, &Release)> = h
        .releases
        .iter()
        .filter_map(|r| Some((r.place?, r)))
        .collect();
    releases.sort_by_key(|(place, _)| *place);
    let mut groups: Vec<RevisionGroup> = releases
        .iter()
        .map(|(_, r)| RevisionGroup {
            version: Some(r.version.clone()),
            date: Some(r.date.clone()),
            url: archived_url(&r.tag),
            revisions: Vec::new(),
        })
        .collect();
    let mut pending = Vec::new();
    for c in &h.commits {
        let arrival = c.arrival.unwrap_or(u32::MAX);
        // The oldest release at or after the arrival: the last of those with a smaller place.
        let led_to = releases.iter().rposition(|(place, _)| *place <= arrival);
        match led_to.and_then(|i| groups.get_mut(i)) {
            Some(g) => g.revisions.push(row(c)),
            None => pending.push(row(c)),
        }
    }
    if !pending.is_empty() {
        groups.insert(
            0,
            RevisionGroup {
                version: None,
                date: None,
                url: None,
                revisions: pending,
            },
        );
    }
    groups
}
