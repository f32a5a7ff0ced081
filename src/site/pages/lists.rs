//! The pages that list SOPs: the index, one page per department, tag and type, and the 404 page.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::repo::Status;
use crate::site::SiteError;
use crate::site::context::{Facet, IndexPage, ListPage, NotFoundPage, SopCard};
use crate::site::select::{Entry, Shown};

use super::{Build, department_of, status_text, tags_of, text, type_of};

impl Build<'_> {
    pub(super) fn card(&self, entry: &Entry<'_>) -> SopCard {
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

    pub(super) fn index(&self, cards: &[SopCard]) -> Result<String, SiteError> {
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
    pub(super) fn groups(
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

    pub(super) fn not_found(&self) -> Result<String, SiteError> {
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
