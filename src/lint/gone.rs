//! The links a change breaks. `sop lint PATHS` checks the files a change touches (what a
//! pre-commit hook passes); a link elsewhere to a file the change moves or deletes breaks too,
//! in an SOP nobody named. Those links are found here: the files committed at `HEAD` that are
//! gone from the work tree, and the links of every SOP that lead to one of them.

use std::collections::{HashMap, HashSet};

use crate::diag::Finding;
use crate::repo::links::{Dest, Resolution, Resolver};
use crate::repo::markdown::LinkKind;
use crate::repo::{Corpus, Repo, Span};

use super::content::entry_at;
use super::registry::{IMAGE_MISSING, LINK_BROKEN};

/// The links that lead to a file the change moves or deletes.
#[derive(Debug, Default)]
pub struct BrokenByChange {
    /// SOP path → each link's place, with the gone file (repository-relative) it leads to.
    links: HashMap<String, Vec<(Span, String)>>,
}

impl BrokenByChange {
    /// The gone file that `finding` (a `link-broken` or `image-missing` finding) was reported
    /// for; `None` for any other finding.
    pub fn target_of(&self, finding: &Finding) -> Option<&str> {
        if finding.rule.id != LINK_BROKEN.id && finding.rule.id != IMAGE_MISSING.id {
            return None;
        }
        let span = finding.span?;
        self.links
            .get(&finding.file)?
            .iter()
            .find(|(s, _)| *s == span)
            .map(|(_, target)| target.as_str())
    }
}

/// The files of `committed` (paths relative to the repository root, as git has them at
/// `HEAD`) that are not in the work tree any more: moved or deleted since the last commit.
pub fn gone_files(repo: &Repo, committed: Vec<String>) -> HashSet<String> {
    committed
        .into_iter()
        .filter(|p| repo.root.join(p).symlink_metadata().is_err())
        .collect()
}

/// Every link and image of `corpus` that leads to one of the `gone` files, found as the link
/// rules find them (`[links] style` included), so each matches its `link-broken` or
/// `image-missing` finding.
pub fn links_to(repo: &Repo, corpus: &Corpus, gone: &HashSet<String>) -> BrokenByChange {
    let mut found = BrokenByChange::default();
    if gone.is_empty() {
        return found;
    }
    let resolver = Resolver::new(&repo.settings.config.links);
    let sops: HashSet<&str> = corpus.sops.iter().map(|s| s.path.as_str()).collect();
    let exists = |p: &str| entry_at(repo, sops.contains(p), p);
    for sop in &corpus.sops {
        // A wiki link names a page, not a path: a moved page is still found by its name.
        for link in sop.outline().links.iter().filter(|l| !l.wiki) {
            let Dest::Path { path, .. } = Dest::parse(link.dest.trim()) else {
                continue;
            };
            let resolution = match link.kind {
                LinkKind::Image => resolver.resolve_image(&sop.path, &path, exists),
                LinkKind::Link => resolver.resolve(&sop.path, &path, exists),
            };
            let Resolution::Missing { tried } = resolution else {
                continue;
            };
            if let Some(target) = tried.into_iter().find(|t| gone.contains(t)) {
                found
                    .links
                    .entry(sop.path.clone())
                    .or_default()
                    .push((link.span, target));
            }
        }
    }
    found
}
