//! `sitemap.xml` and the Atom feeds: releases (`feed.xml`, one per department) and reminders of
//! reviews due (`reviews.xml`, one per department). This module chooses the entries; the
//! theme's `feed.xml` and `sitemap.xml` templates write the XML (autoescaped, overridable like
//! every theme file).
//!
//! With a base URL every link is absolute; without one they are relative to the file, which
//! feed readers resolve against the feed's own address.

use super::context::{FeedItem, FeedPage, SitemapPage};
use super::i18n::Texts;
use super::select::{Selection, Shown};
use super::theme::Theme;
use super::{SiteError, root_of};
use crate::repo::Settings;
use crate::report::{DueReview, ReviewState};

/// A release as a feed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// The SOP's id.
    pub id: String,
    /// The SOP's title.
    pub title: String,
    /// The version released.
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Who released it.
    pub author: String,
    /// The release summary.
    pub summary: String,
    /// The department.
    pub department: Option<String>,
    /// Site path of the page of that version.
    pub path: String,
}

/// How many entries a feed holds at most (the newest).
const FEED_ENTRIES: usize = 50;

/// Every approved release of a published SOP (those with a page), newest first; a release
/// that was not approved is not announced. An SOP without approved releases in git gets one
/// entry for the version shown, dated by its `effective` date, so a site without history
/// still has a useful feed (its summary "In effect" in `texts`' language).
pub fn releases(
    selection: &Selection<'_>,
    settings: &Settings,
    texts: Texts<'_>,
) -> Vec<FeedEntry> {
    let mut out = Vec::new();
    for e in &selection.entries {
        let department = e.sop.department(settings).map(str::to_string);
        if e.archived.is_empty() {
            if matches!(e.shown, Shown::Draft) {
                continue;
            }
            let Some(date) = e.sop.meta.effective.as_ref().map(|d| d.value.clone()) else {
                continue;
            };
            if crate::repo::dates::parse_date(&date).is_err() {
                continue;
            }
            out.push(FeedEntry {
                id: e.id.clone(),
                title: e.sop.title().to_string(),
                version: e
                    .sop
                    .meta
                    .version
                    .as_ref()
                    .map(|v| v.value.clone())
                    .unwrap_or_default(),
                date,
                author: e
                    .sop
                    .meta
                    .owner
                    .as_ref()
                    .map(|o| o.value.clone())
                    .unwrap_or_default(),
                summary: texts.get("feed.in_effect", &[]),
                department,
                path: e.url.clone(),
            });
            continue;
        }
        for a in &e.archived {
            let r = a.release;
            out.push(FeedEntry {
                id: e.id.clone(),
                title: a.sop.title().to_string(),
                version: r.version.clone(),
                date: r.date.clone(),
                author: r.tagger.clone(),
                summary: r.summary.clone(),
                department: department.clone(),
                path: a.url.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| b.version.cmp(&a.version))
    });
    out
}

/// Where a feed is written and how its links are made.
#[derive(Debug, Clone, Copy)]
pub struct FeedPlace<'a> {
    /// The feed's site path (`departments/payments.xml`).
    pub path: &'a str,
    /// `--base-url`, when set.
    pub base: Option<&'a str>,
}

impl FeedPlace<'_> {
    /// The URL of `site_path` as the feed links it.
    fn url(&self, site_path: &str) -> String {
        match self.base {
            Some(b) => format!("{}/{site_path}", b.trim_end_matches('/')),
            None => format!("{}{site_path}", root_of(self.path)),
        }
    }

    /// An entry's id: its URL with `fragment` when the site has an address, else a URN.
    fn entry_id(&self, site_path: &str, fragment: &str, urn: &str) -> String {
        match self.base {
            Some(_) => format!("{}#{fragment}", self.url(site_path)),
            None => format!("urn:sop:{urn}"),
        }
    }

    /// The feed titled `title` of `items` (the first [`FEED_ENTRIES`]).
    fn feed(&self, title: &str, items: impl Iterator<Item = FeedItem>) -> FeedPage {
        let entries: Vec<FeedItem> = items.take(FEED_ENTRIES).collect();
        let updated = entries
            .iter()
            .map(|e| e.updated.as_str())
            .max()
            .unwrap_or("1970-01-01T00:00:00Z")
            .to_string();
        FeedPage {
            title: xml_text(title),
            id: match self.base {
                Some(_) => self.url(self.path),
                None => format!("urn:sop:feed:{}", self.path),
            },
            updated,
            self_url: self.url(self.path),
            site_url: self.url("index.html"),
            entries,
        }
    }
}

/// The Atom feed of `releases` (newest first), written at `place`.
pub fn release_feed(
    title: &str,
    place: FeedPlace<'_>,
    releases: &[&FeedEntry],
    texts: Texts<'_>,
) -> FeedPage {
    let unknown = texts.get("feed.unknown_author", &[]);
    let items = releases.iter().map(|e| FeedItem {
        title: xml_text(&format!("{} {} v{}", e.id, e.title, e.version)),
        id: place.entry_id(
            &e.path,
            &format!("v{}", e.version),
            &format!("release:{}:{}", e.id, e.version),
        ),
        updated: format!("{}T00:00:00Z", e.date),
        url: place.url(&e.path),
        author: xml_text(if e.author.is_empty() {
            &unknown
        } else {
            &e.author
        }),
        category: e.department.as_deref().map(xml_text),
        summary: xml_text(&e.summary),
    });
    place.feed(title, items)
}

/// A review of a published SOP, with the page it links to.
#[derive(Debug, Clone, Copy)]
pub struct ReviewEntry<'a> {
    /// The review.
    pub review: &'a DueReview,
    /// The SOP's page (site path).
    pub path: &'a str,
}

/// The Atom feed of the reviews due soon or overdue, written at `place`: one reminder when a
/// review falls due soon (dated the first day it is due soon) and one more when it is overdue
/// (dated the day after its review date), newest first; their words in `texts`' language.
pub fn review_feed(
    title: &str,
    place: FeedPlace<'_>,
    reviews: &[ReviewEntry<'_>],
    texts: Texts<'_>,
) -> FeedPage {
    let unknown = texts.get("feed.unknown_author", &[]);
    let mut items: Vec<FeedItem> = Vec::new();
    for &ReviewEntry { review: r, path } in reviews {
        if !matches!(r.state, ReviewState::Overdue | ReviewState::DueSoon) {
            continue;
        }
        let who = r
            .owner
            .as_deref()
            .map(|o| format!(" {}", texts.get("feed.owner", &[("owner", o)])))
            .unwrap_or_default();
        let words = |key: &str| {
            texts.get(
                key,
                &[
                    ("id", &r.id),
                    ("title", &r.title),
                    ("date", &r.next_review),
                    ("owner", &who),
                ],
            )
        };
        let item = |kind: &str, updated: &str, heading: String, summary: String| FeedItem {
            title: xml_text(&heading),
            id: place.entry_id(
                path,
                &format!("review-{kind}-{}", r.next_review),
                &format!("review:{}:{}:{kind}", r.id, r.next_review),
            ),
            updated: format!("{updated}T00:00:00Z"),
            url: place.url(path),
            author: xml_text(r.owner.as_deref().unwrap_or(&unknown)),
            category: r.department.as_deref().map(xml_text),
            summary: xml_text(&summary),
        };
        if r.state == ReviewState::Overdue {
            let first_late = crate::repo::dates::parse_date(&r.next_review)
                .ok()
                .and_then(|d| d.tomorrow().ok())
                .map_or_else(|| r.next_review.clone(), |d| d.to_string());
            items.push(item(
                "overdue",
                &first_late,
                words("feed.overdue_title"),
                words("feed.overdue_summary"),
            ));
        }
        items.push(item(
            "due",
            &r.due_soon_from,
            words("feed.due_title"),
            words("feed.due_summary"),
        ));
    }
    items.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    place.feed(title, items.into_iter())
}

/// Render `feed` with the theme's `feed.xml`.
///
/// # Errors
/// [`SiteError::Template`] when the template fails.
pub fn render_feed(theme: &Theme, feed: &FeedPage) -> Result<String, SiteError> {
    theme.render("feed.xml", feed)
}

/// `sitemap.xml` listing `pages` (site paths), with the theme's `sitemap.xml`.
///
/// # Errors
/// [`SiteError::Template`] when the template fails.
pub fn sitemap(theme: &Theme, pages: &[String], base: Option<&str>) -> Result<String, SiteError> {
    let urls = pages
        .iter()
        .map(|p| match base {
            Some(b) => format!("{}/{p}", b.trim_end_matches('/')),
            None => p.clone(),
        })
        .map(|u| xml_text(&u))
        .collect();
    theme.render("sitemap.xml", &SitemapPage { urls })
}

/// `text` without the characters XML 1.0 does not allow (control characters other than tab,
/// newline and carriage return): a feed with one would not parse. Escaping is the template's.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .filter(|&c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// Escape text for XML content and attribute values (for the charts' SVG, written by hand).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme() -> Theme {
        Theme::load(std::path::Path::new("/nonexistent")).unwrap()
    }

    #[test]
    fn atom_is_escaped_valid_and_relative_without_base() {
        let e = FeedEntry {
            id: "SOP-1".into(),
            title: "Refunds & <gifts> \"now\"\u{1}".into(),
            version: "1.0.0".into(),
            date: "2026-01-02".into(),
            author: "A & B".into(),
            summary: "first <b>".into(),
            department: Some("Pay & Co".into()),
            path: "sops/SOP-1.html".into(),
        };
        let place = FeedPlace {
            path: "departments/pay.xml",
            base: None,
        };
        let theme = theme();
        let texts = theme.i18n.texts("en");
        let x = render_feed(&theme, &release_feed("T & <Co>", place, &[&e], texts)).unwrap();
        assert!(
            x.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed"),
            "{x}"
        );
        assert!(
            x.contains("<title>SOP-1 Refunds &amp; &lt;gifts&gt; &quot;now&quot; v1.0.0</title>"),
            "{x}"
        );
        assert!(x.contains("<title>T &amp; &lt;Co&gt;</title>"), "{x}");
        assert!(x.contains("<category term=\"Pay &amp; Co\"/>"), "{x}");
        assert!(x.contains("href=\"../sops/SOP-1.html\""), "{x}");
        assert!(x.contains("<id>urn:sop:release:SOP-1:1.0.0</id>"), "{x}");
        assert!(x.contains("<updated>2026-01-02T00:00:00Z</updated>"), "{x}");
        assert!(!x.contains('\u{1}'));
        assert_well_formed(&x);
        let s = sitemap(
            &theme,
            &["index.html".into(), "a&b.html".into()],
            Some("https://x.example/sops/"),
        )
        .unwrap();
        assert!(
            s.contains("<loc>https://x.example/sops/index.html</loc>"),
            "{s}"
        );
        assert!(
            s.contains("<loc>https://x.example/sops/a&amp;b.html</loc>"),
            "{s}"
        );
        assert_well_formed(&s);
    }

    #[test]
    fn review_feed_reminds_when_due_soon_and_again_when_overdue() {
        let review = |id: &str, next: &str, from: &str, state| DueReview {
            id: id.into(),
            title: format!("Title of {id}"),
            owner: Some("Ana".into()),
            department: Some("Payments".into()),
            next_review: next.into(),
            due_soon_from: from.into(),
            days_late: 0,
            state,
            path: String::new(),
        };
        let late = review("SOP-1", "2026-11-01", "2026-10-02", ReviewState::Overdue);
        let soon = review("SOP-2", "2026-12-10", "2026-11-10", ReviewState::DueSoon);
        let ok = review("SOP-3", "2027-06-01", "2027-05-02", ReviewState::Ok);
        let entries: Vec<ReviewEntry<'_>> = [&late, &soon, &ok]
            .into_iter()
            .map(|review| ReviewEntry {
                review,
                path: "sops/x.html",
            })
            .collect();
        let place = FeedPlace {
            path: "reviews.xml",
            base: Some("https://sops.example.com"),
        };
        let theme = theme();
        let feed = review_feed("Reviews", place, &entries, theme.i18n.texts("en"));
        let got: Vec<(&str, &str)> = feed
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.updated.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "SOP-2 Title of SOP-2: review due on 2026-12-10",
                    "2026-11-10T00:00:00Z"
                ),
                (
                    "SOP-1 Title of SOP-1: review overdue since 2026-11-01",
                    "2026-11-02T00:00:00Z"
                ),
                (
                    "SOP-1 Title of SOP-1: review due on 2026-11-01",
                    "2026-10-02T00:00:00Z"
                ),
            ]
        );
        assert_eq!(feed.updated, "2026-11-10T00:00:00Z");
        assert_eq!(
            feed.entries[1].id,
            "https://sops.example.com/sops/x.html#review-overdue-2026-11-01"
        );
        assert_eq!(
            feed.entries[1].summary,
            "The review of SOP-1 Title of SOP-1 was due on 2026-11-01 and is not recorded. Owner: Ana. Once it is done, record it with `sop review SOP-1`."
        );
        assert_well_formed(&render_feed(&theme, &feed).unwrap());
        // In Spanish.
        let feed = review_feed("Revisiones", place, &entries, theme.i18n.texts("es"));
        assert_eq!(
            feed.entries[1].title,
            "SOP-1 Title of SOP-1: revisión vencida desde el 2026-11-01"
        );
        assert_eq!(
            feed.entries[0].summary,
            "La revisión de SOP-2 Title of SOP-2 vence el 2026-12-10. Responsable: Ana."
        );
    }

    /// Every tag closed in order, every `&` an entity: enough to catch broken templates or
    /// escaping (the CLI tests parse the published feeds as Atom).
    fn assert_well_formed(xml: &str) {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = xml;
        while let Some(i) = rest.find('<') {
            let text = &rest[..i];
            for (j, _) in text.match_indices('&') {
                let entity = &text[j..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#39;"]
                        .iter()
                        .any(|e| entity.starts_with(e)),
                    "bare & in {text:?}"
                );
            }
            let end = rest[i..].find('>').unwrap() + i;
            let tag = &rest[i + 1..end];
            rest = &rest[end + 1..];
            if tag.starts_with('?') || tag.ends_with('/') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "in {xml}");
            } else {
                open.push(tag.split_whitespace().next().unwrap());
            }
        }
        assert!(open.is_empty(), "unclosed {open:?}");
    }
}
