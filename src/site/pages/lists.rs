//! The pages that list SOPs: the index, one page per department, tag and type, and the 404 page.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::repo::Status;
use crate::site::SiteError;
use serde::Serialize;

use crate::site::context::{Facet, GroupKind, IndexPage, Layout, ListPage, NotFoundPage, SopCard};
use crate::site::select::{Entry, Shown};

use super::{Build, department_of, status_text, tags_of, text, type_of};

/// More than the HTML of one card takes, to size the buffer of a page that lists many.
const CARD_BYTES: usize = 2048;

impl Build<'_> {
    /// The card of `entry` for the pages that list it (its HTML is made by
    /// [`Build::card_html`]).
    pub(super) fn card(&self, entry: &Entry<'_>) -> SopCard {
        let sop = &entry.sop;
        let review = self.review(sop);
        let department = department_of(sop, &self.repo.settings).unwrap_or_default();
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
                        "card.revision_in_progress"
                    }
                    _ => "card.unreleased_changes",
                })
            }
            Shown::Draft if sop.status() != Some(Status::Approved) => {
                Some("card.preview_not_approved")
            }
            Shown::Draft => Some("card.preview"),
            _ => None,
        }
        .map(|key| self.say(key, &[]));
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
            next_review: review.next,
            due_soon_from: review.due_soon_from,
            review_state: review.state.as_str().to_string(),
            note,
            html: String::new(),
        }
    }

    /// `card` as HTML for the department and tag pages (`_card.html`), rendered once for all
    /// of them; the template sees the card as `c`, `prefix` (`../`) and the `layout` of a page
    /// one folder down (`layout`).
    ///
    /// # Errors
    /// [`SiteError::Template`] when `_card.html` fails.
    pub(super) fn card_html(&self, card: &SopCard, layout: &Layout) -> Result<String, SiteError> {
        #[derive(Serialize)]
        struct CardPage<'a> {
            c: &'a SopCard,
            prefix: &'static str,
            layout: &'a Layout,
        }
        let page = CardPage {
            c: card,
            prefix: "../",
            layout,
        };
        self.theme.render("_card.html", &page)
    }

    pub(super) fn index(&self, cards: &[SopCard]) -> Result<String, SiteError> {
        let mut statuses = facet(cards.iter().map(|c| c.status.clone()), None, "");
        statuses.sort_by_key(|f| f.name.parse::<Status>().map_or(usize::MAX, |s| s as usize));
        let groups = |kind: GroupKind| {
            let values = cards.iter().flat_map(|c| kind.values_of(c));
            facet(values, self.slugs(kind), kind.dir())
        };
        let page = IndexPage {
            layout: self.layout(
                "index.html",
                self.say("nav.all_sops", &[]),
                "index",
                self.say(
                    "index.description",
                    &[("count", &in_force(cards.iter()).to_string())],
                ),
            ),
            sops: cards,
            prefix: "",
            departments: groups(GroupKind::Department),
            statuses,
            types: groups(GroupKind::Type),
            tags: groups(GroupKind::Tag),
        };
        self.theme
            .render_sized("index.html", &page, CARD_BYTES * (cards.len() + 32))
    }

    /// Department and tag pages, and their overviews.
    pub(super) fn groups(
        &self,
        cards: &[SopCard],
        emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SiteError> + Sync),
    ) -> Result<(), SiteError> {
        for kind in [GroupKind::Department, GroupKind::Tag] {
            let Some(slugs) = self.slugs(kind) else {
                continue;
            };
            let mut members: BTreeMap<&str, Vec<&SopCard>> = BTreeMap::new();
            for c in cards {
                for name in kind.values_of(c) {
                    members.entry(name).or_default().push(c);
                }
            }
            let dir = kind.dir();
            // Group pages render in parallel: a large corpus has hundreds of tags.
            let overview = slugs
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
                    // `sop serve` after an edit: only the groups of the SOPs rendered again.
                    if let Some(only) = &self.options.only
                        && !sops.iter().any(|c| only.contains(&c.id))
                    {
                        return Ok(facet);
                    }
                    let page = ListPage {
                        layout: self.layout(
                            &path,
                            name.to_string(),
                            dir,
                            self.say(kind.description_key(), &[("name", name)]),
                        ),
                        kind,
                        name: name.clone(),
                        in_force: in_force(sops.iter().copied()),
                        sops,
                        prefix: "../",
                        groups: Vec::new(),
                        feed_url: (kind == GroupKind::Department).then(|| format!("{slug}.xml")),
                        review_feed_url: (kind == GroupKind::Department)
                            .then(|| format!("{slug}.reviews.xml")),
                    };
                    let size = CARD_BYTES * (page.sops.len() + 32);
                    let html = self.theme.render_sized("list.html", &page, size)?;
                    emit(path, html.into_bytes())?;
                    Ok(facet)
                })
                .collect::<Result<Vec<Facet>, SiteError>>()?;
            let path = format!("{dir}/index.html");
            let page = ListPage {
                layout: self.layout(
                    &path,
                    self.say(kind.plural_key(), &[]),
                    dir,
                    self.say(kind.overview_description_key(), &[]),
                ),
                kind,
                name: String::new(),
                sops: Vec::new(),
                in_force: 0,
                prefix: "../",
                groups: overview,
                feed_url: None,
                review_feed_url: None,
            };
            emit(path, self.theme.render("list.html", &page)?.into_bytes())?;
        }
        Ok(())
    }

    pub(super) fn not_found(&self) -> Result<String, SiteError> {
        let mut layout = self.layout(
            "404.html",
            self.say("not_found.title", &[]),
            "",
            self.say("not_found.description", &[]),
        );
        // A host serves this page at any missing address, where relative links would point
        // nowhere. `sop serve` serves the site at `/`; a host serves it at the path of the base
        // URL. Without a base URL the links stay relative and a script in the page finds the
        // site's root.
        if self.options.live_reload {
            layout.site.root = "/".into();
        } else if let Some(base) = &self.options.base_url {
            layout.site.root = base_path(base);
        }
        let page = NotFoundPage { layout };
        self.theme.render("404.html", &page)
    }
}

/// The path of an absolute URL, ending in `/`: `https://h.example/docs` → `/docs/`.
fn base_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |i| &after_scheme[i..])
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    format!("{}/", path.trim_end_matches('/'))
}

impl GroupKind {
    /// The folder of its pages, also the navigation section they belong to.
    pub(super) fn dir(self) -> &'static str {
        match self {
            GroupKind::Department => "departments",
            GroupKind::Tag => "tags",
            GroupKind::Type => "types",
        }
    }

    /// The catalogue key of the title of the overview of every group of this kind (types
    /// have no pages: theirs is never used).
    fn plural_key(self) -> &'static str {
        match self {
            GroupKind::Department => "nav.departments",
            GroupKind::Tag | GroupKind::Type => "nav.tags",
        }
    }

    /// The catalogue key of the description of a group's page ("SOPs of the department
    /// {name}").
    fn description_key(self) -> &'static str {
        match self {
            GroupKind::Department => "list.description_department",
            GroupKind::Tag | GroupKind::Type => "list.description_tag",
        }
    }

    /// The catalogue key of the description of the overview ("SOPs by department").
    fn overview_description_key(self) -> &'static str {
        match self {
            GroupKind::Department => "list.description_departments",
            GroupKind::Tag | GroupKind::Type => "list.description_tags",
        }
    }

    /// The groups of this kind a card belongs to.
    fn values_of(self, card: &SopCard) -> Vec<&str> {
        match self {
            GroupKind::Department => vec![card.department.as_str()],
            GroupKind::Tag => card.tags.iter().map(|t| t.text.as_str()).collect(),
            GroupKind::Type => vec![card.sop_type.as_str()],
        }
    }
}

/// How many of `cards` are in force: a retired SOP is listed but is no longer current.
fn in_force<'c>(cards: impl Iterator<Item = &'c SopCard>) -> usize {
    cards.filter(|c| c.status != "retired").count()
}

/// A filter's values with how many of the listed SOPs have each, with their pages under `dir`
/// when `slugs` gives them.
fn facet<'v>(
    values: impl Iterator<Item = impl Into<Cow<'v, str>>>,
    slugs: Option<&BTreeMap<String, String>>,
    dir: &str,
) -> Vec<Facet> {
    let mut counts: BTreeMap<Cow<'v, str>, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v.into()).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, count)| {
            let slug = match slugs {
                Some(map) => map.get(name.as_ref()).cloned().unwrap_or_default(),
                None => name.to_string(),
            };
            Facet {
                url: slugs.map(|_| format!("{dir}/{slug}.html")),
                slug,
                name: name.into_owned(),
                count,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn the_base_path_is_the_urls_path_with_a_slash() {
        assert_eq!(base_path("https://sops.example.com"), "/");
        assert_eq!(base_path("https://sops.example.com/"), "/");
        assert_eq!(base_path("https://example.github.io/sops"), "/sops/");
        assert_eq!(base_path("https://h.example/a/b/?x=1#y"), "/a/b/");
    }
}
