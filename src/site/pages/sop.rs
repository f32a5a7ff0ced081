//! The pages of one SOP: its current page, its archived versions and their notices.

use std::collections::{BTreeMap, HashMap};

use crate::git::history::{Release, RevisionKind};
use crate::repo::{Sop, Status};
use crate::site::context::{
    ApprovalRow, Link, Notice, NoticeKind, ReleaseRow, RevisionGroup, RevisionRow, SopMeta,
    SopPage, TocItem,
};
use crate::site::links::PageLinks;
use crate::site::markdown;
use crate::site::select::{Archived, Entry, Pending, Shown, takes_effect_later};
use crate::site::{SiteError, root_of};

use super::{Build, Linked, SopPages, department_of, language_name, status_text, text, type_of};
use crate::site::search::Section;

impl Build<'_> {
    /// The current page, its translations and its archived versions.
    pub(super) fn sop_pages(&self, entry: &Entry<'_>, search: bool) -> Result<SopPages, SiteError> {
        let mut out = Vec::new();
        let mut linked = Linked::default();
        // The searchable text of the current page and of each translation, with `search`.
        let mut texts: Vec<(Option<String>, Vec<Section>)> = Vec::new();
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
            let slot = search.then(|| {
                texts.push((None, Vec::new()));
                texts.len() - 1
            });
            let (page, sections) = self.sop_page(
                entry,
                &entry.sop,
                entry.release,
                path,
                notices,
                languages,
                None,
                false,
                &mut linked,
                slot.is_some(),
            )?;
            if let (Some(i), Some(sections)) = (slot, sections) {
                texts[i].1 = sections;
            }
            out.push((path.to_string(), page));
        }
        // Translations.
        let source_version = entry
            .sop
            .version()
            .map_or_else(|| "?".to_string(), |v| v.to_string());
        for t in &entry.translations {
            let path = t.url.as_str();
            let root = root_of(path);
            let lang = t.sop.language().unwrap_or(&t.language);
            let mut notices = vec![Notice {
                kind: NoticeKind::Info,
                text: self.tr(
                    lang,
                    "notice.translation",
                    &[
                        (
                            "language",
                            &self.theme.i18n.language_name(lang, &t.language),
                        ),
                        (
                            "source",
                            &self
                                .theme
                                .i18n
                                .language_name(lang, self.language_of(&entry.working)),
                        ),
                    ],
                ),
                link: Some(Link {
                    text: self.tr(lang, "notice.read_original", &[]),
                    url: format!("{root}{}", entry.url),
                }),
            }];
            if t.stale {
                notices.push(Notice {
                    kind: NoticeKind::Warning,
                    text: self.tr(
                        lang,
                        "notice.stale_translation",
                        &[
                            (
                                "translated",
                                &crate::site::select::translated_version(&t.sop)
                                    .map_or_else(|| "?".to_string(), |v| v.to_string()),
                            ),
                            ("current", &source_version),
                        ],
                    ),
                    link: None,
                });
            }
            // It translates a version approved to take effect later: the original's page shows
            // the version in force today, and this page says so first.
            if let Some(u) = &t.upcoming {
                notices.insert(
                    0,
                    Notice {
                        kind: NoticeKind::Warning,
                        text: self.tr(
                            lang,
                            "notice.upcoming_translation",
                            &[
                                ("version", &u.version),
                                ("date", &u.effective),
                                ("current", &source_version),
                            ],
                        ),
                        link: Some(Link {
                            text: self.tr(lang, "notice.read_in_force", &[]),
                            url: format!("{root}{}", entry.url),
                        }),
                    },
                );
            }
            if self.options.drafts {
                notices.push(self.preview_notice(&t.sop));
            }
            let mut languages = vec![Link {
                text: language_name(self.language_of(&entry.working)),
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
            let slot = search.then(|| {
                texts.push((Some(t.language.clone()), Vec::new()));
                texts.len() - 1
            });
            let (page, sections) = self.sop_page(
                entry,
                &t.sop,
                None,
                path,
                notices,
                languages,
                current,
                false,
                &mut linked,
                slot.is_some(),
            )?;
            if let (Some(i), Some(sections)) = (slot, sections) {
                texts[i].1 = sections;
            }
            out.push((path.to_string(), page));
        }
        // Archived versions.
        for a in &entry.archived {
            let path = a.url.as_str();
            let root = root_of(path);
            let current_version = text(entry.sop.meta.version.as_ref()).unwrap_or_default();
            let lang = self.language_of(&a.sop);
            let approved_by = self.approval_words(lang, &approvals_of(Some(a.release), &a.sop).0);
            let upcoming = entry.upcoming.iter().find(|u| u.tag == a.release.tag);
            let notice = if let Some(u) = upcoming {
                Notice {
                    kind: NoticeKind::Warning,
                    text: self.tr(
                        lang,
                        "notice.upcoming_archived",
                        &[
                            ("version", &a.release.version),
                            ("date", &a.release.date),
                            ("approved_by", &approved_by),
                            ("effective", &u.effective),
                            ("current", &current_version),
                        ],
                    ),
                    link: Some(Link {
                        text: self.tr(lang, "notice.read_current", &[]),
                        url: format!("{root}{}", entry.url),
                    }),
                }
            } else if entry.release.is_some_and(|r| r.tag == a.release.tag) {
                Notice {
                    kind: NoticeKind::Info,
                    text: self.tr(
                        lang,
                        "notice.archived_current",
                        &[
                            ("version", &a.release.version),
                            ("date", &a.release.date),
                            ("approved_by", &approved_by),
                        ],
                    ),
                    link: Some(Link {
                        text: self.tr(lang, "notice.go_current", &[]),
                        url: format!("{root}{}", entry.url),
                    }),
                }
            } else {
                Notice {
                    kind: NoticeKind::Warning,
                    text: self.tr(
                        lang,
                        "notice.superseded",
                        &[
                            ("version", &a.release.version),
                            ("date", &a.release.date),
                            ("approved_by", &approved_by),
                            ("current", &current_version),
                        ],
                    ),
                    link: Some(Link {
                        text: self.tr(lang, "notice.read_current", &[]),
                        url: format!("{root}{}", entry.url),
                    }),
                }
            };
            let current = Some(format!("{root}{}", entry.url));
            let (page, _) = self.sop_page(
                entry,
                &a.sop,
                Some(a.release),
                path,
                vec![notice],
                Vec::new(),
                current,
                true,
                &mut linked,
                false,
            )?;
            out.push((path.to_string(), page));
        }
        Ok((out, linked, texts))
    }

    /// The notices of a current page: why this text is shown, and what is in progress.
    pub(super) fn current_notices(&self, entry: &Entry<'_>) -> Vec<Notice> {
        let shown = text(entry.sop.meta.version.as_ref()).unwrap_or_default();
        let lang = self.language_of(&entry.sop);
        let mut notices = Vec::new();
        // A version approved to take effect later: the page shows the one in force today.
        let root = root_of(&entry.url);
        for u in entry.upcoming.iter().rev() {
            notices.push(Notice {
                kind: NoticeKind::Warning,
                text: self.tr(
                    lang,
                    "notice.takes_effect",
                    &[
                        ("version", &u.version),
                        ("date", &u.effective),
                        ("current", &shown),
                    ],
                ),
                link: Some(Link {
                    text: self.tr(lang, "notice.read_upcoming", &[("version", &u.version)]),
                    url: format!("{root}{}", u.url),
                }),
            });
        }
        // Shown although not in force yet (no earlier version is): said first.
        if !matches!(entry.shown, Shown::Draft)
            && let Some(date) = takes_effect_later(&entry.sop, Some(self.options.today))
        {
            notices.push(Notice {
                kind: NoticeKind::Warning,
                text: self.tr(lang, "notice.not_in_force_yet", &[("date", &date)]),
                link: None,
            });
        }
        match &entry.shown {
            Shown::Released { pending } => {
                if let Some(p) = pending {
                    let date = entry
                        .release
                        .map(|r| self.tr(lang, "notice.released_on", &[("date", &r.date)]))
                        .unwrap_or_default();
                    notices.push(Notice {
                        kind: NoticeKind::Info,
                        text: self.tr(
                            lang,
                            "notice.pending_released",
                            &[
                                ("pending", &self.describe(lang, p, &shown)),
                                ("version", &shown),
                                ("released_on", &date),
                            ],
                        ),
                        link: None,
                    });
                }
            }
            Shown::Committed { pending } => {
                notices.push(Notice {
                    kind: NoticeKind::Info,
                    text: self.tr(
                        lang,
                        "notice.committed",
                        &[
                            ("version", &shown),
                            ("status", &self.tr(lang, &status_key(&entry.sop), &[])),
                        ],
                    ),
                    link: None,
                });
                if let Some(p) = pending {
                    notices.push(Notice {
                        kind: NoticeKind::Info,
                        text: self.tr(
                            lang,
                            "notice.pending_committed",
                            &[
                                ("pending", &self.describe(lang, p, &shown)),
                                ("version", &shown),
                            ],
                        ),
                        link: None,
                    });
                }
            }
            Shown::Draft => notices.push(self.preview_notice(&entry.sop)),
            Shown::Working => {}
        }
        notices
    }

    pub(super) fn retired_notice(&self, sop: &Sop, root: &str) -> Notice {
        let successor = text(sop.meta.superseded_by.as_ref()).and_then(|id| {
            let e = self.entry(&id)?;
            Some(Link {
                text: format!("{id}: {}", e.sop.title()),
                url: format!("{root}{}", e.url),
            })
        });
        let reason = text(sop.meta.retired_reason.as_ref());
        let lang = self.language_of(sop);
        Notice {
            kind: NoticeKind::Danger,
            text: match (&successor, reason) {
                (Some(_), _) => self.tr(lang, "notice.retired_successor", &[]),
                (None, Some(r)) => format!("{} {r}", self.tr(lang, "notice.retired", &[])),
                (None, None) => self.tr(lang, "notice.retired", &[]),
            },
            link: successor,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn sop_page(
        &self,
        entry: &Entry<'_>,
        sop: &Sop,
        release: Option<&Release>,
        path: &str,
        notices: Vec<Notice>,
        languages: Vec<Link>,
        current_url: Option<String>,
        archived: bool,
        linked: &mut Linked,
        search: bool,
    ) -> Result<(String, Option<Vec<Section>>), SiteError> {
        let root = root_of(path);
        // The text of a release links the files committed with it.
        let made_from = release.filter(|_| {
            archived
                || matches!(entry.shown, Shown::Released { .. }) && std::ptr::eq(sop, &*entry.sop)
        });
        let at_release = made_from.and_then(|r| self.at_release(&entry.slug, r));
        let links = PageLinks {
            selection: self.selection,
            repo_root: &self.root,
            from: &sop.path,
            root: &root,
            tracked: &self.tracked,
            config: &self.repo.settings.config.links,
            lost: &self.lost_links,
            release: at_release.as_ref(),
            wiki: &self.wiki,
            release_wiki: &self.release_wiki,
        };
        let words = self.body_words(self.language_of(sop));
        let (body, sections) = if search {
            // When lint comes after the pages (`sop publish` outside git), the working copy's
            // outline is read from the events rendered here.
            let read_outline =
                self.options.lint_counts.is_none() && std::ptr::eq(sop, &*entry.working);
            let (body, sections) = markdown::render_with_text(sop, &links, &words, read_outline);
            (body, Some(sections))
        } else {
            (markdown::render(sop, &links, &words), None)
        };
        linked.current.extend(body.files);
        if let (Some(at), Some(r), Some(git)) = (at_release, made_from, &self.git) {
            git.give_back(at.reader.into_inner());
            linked.released.extend(at.kept.into_inner());
            // An archived version links what it was released with, as expected: only the
            // version in force is worth a note.
            let since = at.since.into_inner();
            if !archived && !since.is_empty() {
                let mut all = self
                    .since_release
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                all.extend(
                    since
                        .into_iter()
                        .map(|(rel, how)| (entry.id.clone(), r.version.clone(), rel, how)),
                );
            }
        }
        // An archived version is a record: its review dates are those of its time. A
        // translation's periodic review is its source's (`sop review <ID>` records it there).
        let reviewed: &Sop = if sop.is_translation() {
            &entry.sop
        } else {
            sop
        };
        let review = if archived {
            super::Review::default()
        } else {
            self.review(reviewed)
        };
        let shows_the_release_in_force =
            release.is_some_and(|r| entry.release.is_some_and(|shown| shown.tag == r.tag));
        let upcoming = release.is_some_and(|r| entry.upcoming.iter().any(|u| u.tag == r.tag));
        let superseded = archived && !shows_the_release_in_force && !upcoming;
        let department = department_of(sop, &self.repo.settings).map(|d| Link {
            url: self
                .departments
                .get(&d)
                .map(|s| format!("{root}departments/{s}.html"))
                .unwrap_or_default(),
            text: d,
        });
        let link_to_id = |id: &str| {
            let e = self.entry(id);
            Link {
                text: match e {
                    Some(e) => format!("{id}: {}", e.sop.title()),
                    None => id.to_string(),
                },
                url: e.map(|e| format!("{root}{}", e.url)).unwrap_or_default(),
            }
        };
        let (approvals, approvals_recorded) = approvals_of(release, sop);
        let archived_by_tag: HashMap<&str, &Archived<'_>> = entry
            .archived
            .iter()
            .map(|a| (a.release.tag.as_str(), a))
            .collect();
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
            last_reviewed: text(reviewed.meta.last_reviewed.as_ref()),
            next_review: review.next,
            review_problem: review.problem,
            due_soon_from: review.due_soon_from,
            review_state: review.state.as_str().to_string(),
            tags: self.tag_links(sop, &root),
            superseded_by: text(sop.meta.superseded_by.as_ref()).map(|id| link_to_id(&id)),
            retired_reason: text(sop.meta.retired_reason.as_ref()),
            supersedes: sop
                .meta
                .supersedes
                .as_ref()
                .map(|s| s.value.iter().map(|x| link_to_id(&x.value)).collect())
                .unwrap_or_default(),
            language: self.language_of(sop).to_string(),
            // A text that says no language is read in the direction its title is written.
            dir: match sop.language() {
                None if crate::site::i18n::starts_right_to_left(sop.title()) => "rtl",
                _ => crate::site::i18n::direction(self.language_of(sop)),
            },
            path: sop.path.clone(),
        };
        // The history is the original's: its releases and approvals are not the translation's,
        // so a translation's page shows none (its notice links to the original).
        let history = entry.history.filter(|_| !sop.is_translation());
        let releases: Vec<ReleaseRow> = history
            .map(|h| {
                h.releases
                    .iter()
                    // A release on a commit this branch does not have, not counted (made on a
                    // branch not merged here): publish names it, the page does not list it.
                    .filter(|r| r.place.is_some() || entry.release_status.contains_key(&r.tag))
                    // A tag made or moved by hand: publish says why it does not count.
                    .filter(|r| !entry.not_counted.contains_key(&r.tag))
                    .map(|r| {
                        let page = archived_by_tag.get(r.tag.as_str());
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
                            status: self.tr(
                                &meta.language,
                                if entry.release_status.contains_key(&r.tag) {
                                    status_words_key(status)
                                } else {
                                    "status_words.unknown"
                                },
                                &[],
                            ),
                            approved,
                            approvals,
                            approvals_recorded,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let pr_url = self.repo.settings.config.site.pull_request_url.as_deref();
        let (revision_groups, revision_count) = history.map_or((Vec::new(), 0), |h| {
            let groups = revision_groups(h, &entry.not_counted, pr_url, |tag| {
                archived_by_tag.get(tag).map(|a| format!("{root}{}", a.url))
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
        let lang = meta.language.clone();
        let params = [
            ("id", entry.id.as_str()),
            ("title", sop.title()),
            ("version", meta.version.as_str()),
            ("owner", meta.owner.as_str()),
        ];
        let title = if archived {
            self.tr(&lang, "sop.title_archived", &params)
        } else {
            format!("{}: {}", entry.id, sop.title())
        };
        let description = self.tr(&lang, "sop.description", &params);
        let mut layout = self.layout(path, title, "sop", description);
        layout.lang = self.theme.i18n.language(&lang);
        layout.dir = crate::site::i18n::direction(&layout.lang);
        let print_url = self.options.base_url.as_deref().map(|base| {
            let current = if archived { entry.url.as_str() } else { path };
            format!("{}/{current}", base.trim_end_matches('/'))
        });
        let page = SopPage {
            layout,
            sop: meta,
            notices,
            toc,
            body: body.html,
            releases,
            revision_groups,
            revision_count,
            translation: sop.is_translation(),
            languages,
            suggest_url,
            current_url,
            archived,
            print_url,
            superseded,
        };
        Ok((self.theme.render("sop.html", &page)?, sections))
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

impl Build<'_> {
    /// ", approved by Lena Fischer on 2026-11-30 (approved for use)" for a notice; empty when
    /// nobody is named.
    fn approval_words(&self, lang: &str, rows: &[ApprovalRow]) -> String {
        if rows.is_empty() {
            return String::new();
        }
        let people: Vec<String> = rows
            .iter()
            .map(|a| {
                let mut s = match &a.date {
                    Some(d) => self.tr(
                        lang,
                        "notice.approver_on",
                        &[("name", &a.name), ("date", d)],
                    ),
                    None => a.name.clone(),
                };
                if let Some(m) = &a.meaning {
                    s.push_str(&format!(" ({m})"));
                }
                s
            })
            .collect();
        let list = match people.split_last() {
            Some((last, rest)) if !rest.is_empty() => self.tr(
                lang,
                "notice.list_and",
                &[("list", &rest.join(", ")), ("last", last)],
            ),
            _ => people.join(""),
        };
        self.tr(lang, "notice.approved_by", &[("names", &list)])
    }

    /// The notice on every page of a preview (`--drafts`, `sop serve`).
    fn preview_notice(&self, sop: &Sop) -> Notice {
        let lang = self.language_of(sop);
        if sop.status() == Some(Status::Approved) {
            Notice {
                kind: NoticeKind::Warning,
                text: self.tr(lang, "notice.preview_approved", &[]),
                link: None,
            }
        } else {
            Notice {
                kind: NoticeKind::Danger,
                text: self.tr(
                    lang,
                    "notice.preview_draft",
                    &[("status", &self.tr(lang, &status_key(sop), &[]))],
                ),
                link: None,
            }
        }
    }

    /// "A revision (v1.3.0, in review) is in progress" when the version moved on, else
    /// "This SOP has unreleased changes" (`shown` is the version shown).
    fn describe(&self, lang: &str, pending: &Pending, shown: &str) -> String {
        match &pending.version {
            Some(v) if v != shown => self.tr(
                lang,
                "notice.revision_in_progress",
                &[
                    ("version", v),
                    (
                        "status",
                        &self.tr(lang, status_words_key(pending.status), &[]),
                    ),
                ],
            ),
            _ => self.tr(lang, "notice.unreleased_changes", &[]),
        }
    }
}

/// The catalogue key of a status as a reader says it (`in review`).
fn status_words_key(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Draft) => "status_words.draft",
        Some(Status::Review) => "status_words.review",
        Some(Status::Approved) => "status_words.approved",
        Some(Status::Retired) => "status_words.retired",
        None => "status_words.none",
    }
}

/// The catalogue key of an SOP's status badge (`status.approved`).
fn status_key(sop: &Sop) -> String {
    format!("status.{}", status_text(sop))
}

/// The commits of `h`, newest first, grouped under the release each led to: the oldest
/// release whose commit came after the change reached the main line (its merge, for a change
/// made on a branch), so a pull request opened before a release and merged after it belongs
/// to the next one. Changes no release has taken yet come first, in a group without a version.
fn revision_groups(
    h: &crate::git::history::SopHistory,
    not_counted: &BTreeMap<String, crate::site::select::NotCounted>,
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
    // Places in the commit graph: smaller is newer. Releases `HEAD` does not reach, and tags
    // that do not count, have no group.
    let mut releases: Vec<(u32, &Release)> = h
        .releases
        .iter()
        .filter(|r| !not_counted.contains_key(&r.tag))
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
            reviews: false,
        })
        .collect();
    let mut pending = Vec::new();
    // Periodic reviews (`sop review`) since the last release: they change no approved text,
    // so they are not changes waiting for a release.
    let mut reviews = Vec::new();
    // In the commit graph's order: the JSON's (`git log --follow`'s) can list a parent before
    // its child when their dates are equal.
    let mut commits: Vec<&crate::git::history::Revision> = h.commits.iter().collect();
    commits.sort_by_key(|c| c.place.unwrap_or(u32::MAX));
    for c in commits {
        let arrival = c.arrival.unwrap_or(u32::MAX);
        // A change made on a branch that was released there (`sop release` in a pull request
        // merged with a merge commit) belongs to the oldest release of that branch at or
        // after it; else to the oldest release at or after the arrival: the last of those
        // with a smaller place.
        let on_branch = c.merge.as_ref().and_then(|merge| {
            let own = c.place?;
            releases.iter().rposition(|(place, r)| {
                *place <= own
                    && h.commits
                        .iter()
                        .any(|x| x.commit == r.commit && x.merge.as_ref() == Some(merge))
            })
        });
        let led_to =
            on_branch.or_else(|| releases.iter().rposition(|(place, _)| *place <= arrival));
        match led_to.and_then(|i| groups.get_mut(i)) {
            Some(g) => g.revisions.push(row(c)),
            None if c.kind == RevisionKind::Review && !releases.is_empty() => {
                reviews.push(row(c));
            }
            None => pending.push(row(c)),
        }
    }
    if !reviews.is_empty() {
        groups.insert(
            0,
            RevisionGroup {
                version: releases.first().map(|(_, r)| r.version.clone()),
                date: None,
                url: None,
                revisions: reviews,
                reviews: true,
            },
        );
    }
    if !pending.is_empty() {
        groups.insert(
            0,
            RevisionGroup {
                version: None,
                date: None,
                url: None,
                revisions: pending,
                reviews: false,
            },
        );
    }
    groups
}
