//! Where a link written in an SOP points on the site: another SOP's page (with its anchor
//! when that page has it), a repository file copied under `files/`, an SVG image inlined as a
//! `data:` URL, a web address kept as written, or nothing (unsafe scheme, or a target that is
//! not published: see [`crate::publishable`] for which files never are).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use super::markdown::{self, Links, Target};
use super::select::Selection;
use crate::git::history::{TextReader, TreeEntry};
use crate::publishable::{self, Tracked};
use crate::repo::Sop;
use crate::repo::anchors::AnchorRule;
use crate::repo::links::{Dest, Entry, LinksConfig, Resolution, Resolver};
use crate::repo::wiki::{LazyIndex, WikiIndex, WikiLink, WikiPipe, WikiResolution};
use git2::Oid;

/// Link resolution for one page.
pub(super) struct PageLinks<'b, 'a> {
    /// What is published.
    pub(super) selection: &'b Selection<'a>,
    /// The repository root, canonical (files linked from SOPs are read from here).
    pub(super) repo_root: &'b Path,
    /// Repository path of the SOP file the page shows.
    pub(super) from: &'b str,
    /// The page's way back to the site root.
    pub(super) root: &'b str,
    /// The files that may be published.
    pub(super) tracked: &'b Tracked,
    /// `[links]`: the link style and the heading-id rule.
    pub(super) config: &'b LinksConfig,
    /// Links to Markdown files the site has no page for (an SOP not published, a document
    /// that is no SOP): (from, to), for the note that says they show as plain text.
    pub(super) lost: &'b Mutex<BTreeSet<(String, String)>>,
    /// For a page made from a release: where its linked files come from.
    pub(super) release: Option<&'b AtRelease>,
    /// The names wiki links (`[[Page]]`) find documents and files by, made on first use.
    pub(super) wiki: &'b LazyIndex<'a>,
    /// The names of the files of each release's commit, for the wiki embeds of pages made
    /// from releases: made when the first such embed is met.
    pub(super) release_wiki: &'b ReleaseWiki,
}

/// The [`WikiIndex`] of the files of a release's commit, by commit, made when a page made from
/// that release first has a wiki embed (`![[flow.png]]`): such a page shows the file its embed
/// named when the release was approved, never one found among today's files.
#[derive(Debug, Default)]
pub(super) struct ReleaseWiki {
    by_commit: Mutex<HashMap<Oid, Arc<WikiIndex>>>,
}

impl ReleaseWiki {
    /// The index of the files of `at`'s commit; `None` when the commit cannot be read.
    fn of(&self, at: &AtRelease) -> Option<Arc<WikiIndex>> {
        let known = |by: &HashMap<Oid, Arc<WikiIndex>>| by.get(&at.commit).cloned();
        if let Some(index) = known(
            &self
                .by_commit
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        ) {
            return Some(index);
        }
        // Made outside the lock: pages of other releases go on meanwhile.
        let files = at.reader.borrow_mut().files_at(at.commit)?;
        let index = Arc::new(WikiIndex::new(
            files.iter().map(String::as_str),
            Vec::new(),
            &[],
        ));
        Some(Arc::clone(
            self.by_commit
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(at.commit)
                .or_insert(index),
        ))
    }
}

/// A page made from a release links the files (forms, pictures) as they were committed with
/// that release, never a later edit nobody approved: the copy under `files/` when it is the
/// same, else one kept in the release's own folder.
pub(super) struct AtRelease {
    /// The release's commit.
    pub(super) commit: Oid,
    /// `HEAD`'s commit, when `files/` holds the files as committed there (not in a preview of
    /// drafts, where it holds the working copy's).
    pub(super) head: Option<Oid>,
    /// The site folder for the release's copies (`files/@releases/SOP-0001/v1.0.0/`).
    pub(super) folder: String,
    /// Reads the commit's trees and files.
    pub(super) reader: RefCell<TextReader>,
    /// Linked files that changed since the release: site path → (repository path, blob).
    pub(super) kept: RefCell<BTreeMap<String, (String, Oid)>>,
    /// Linked files that are not now as the release committed them.
    pub(super) since: RefCell<BTreeMap<String, SinceRelease>>,
}

/// How a linked file now differs from the one a release committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SinceRelease {
    /// The release's commit had no such file (it was committed later): the link shows as
    /// plain text.
    Added,
    /// Changed since: the page links the release's copy.
    Changed,
    /// Deleted since: off the site, the link shows as plain text.
    Deleted,
}

impl AtRelease {
    /// Note a link the release's commit has no file for when `HEAD` has it (committed since,
    /// so releasing the SOP again publishes it); anything else (never committed, a link, a
    /// submodule) is lint's to explain.
    fn committed_later(&self, resolver: &Resolver, from: &str, path: &str, image: bool) {
        let Some(head) = self.head else {
            return;
        };
        let at_head = |p: &str| match self.reader.borrow_mut().entry_at(head, p)? {
            TreeEntry::Folder => Some(Entry::Folder),
            TreeEntry::File(_) | TreeEntry::Other => Some(Entry::File),
        };
        let found = if image {
            resolver.resolve_image(from, path, at_head)
        } else {
            resolver.resolve(from, path, at_head)
        };
        if let Resolution::Found(target) = found
            && self.reader.borrow_mut().file_blob(head, &target).is_some()
            && !never_published(&target, image)
        {
            self.since.borrow_mut().insert(target, SinceRelease::Added);
        }
    }

    /// Where the release's copy of `target` (a file of the repository) is on the site.
    fn file(&self, target: &str, image: bool, fragment: Option<&str>, root: &str) -> Target {
        if never_published(target, image) {
            return Target::Drop;
        }
        let mut reader = self.reader.borrow_mut();
        let Some(blob) = reader.file_blob(self.commit, target) else {
            // A link or a submodule in the release: never published.
            return Target::Drop;
        };
        // A file deleted since is off the site, whatever its releases linked: a team deletes a
        // file to take it off (a form withdrawn, personal data).
        let now = self.head.map(|head| reader.file_blob(head, target));
        if now == Some(None) {
            self.since
                .borrow_mut()
                .insert(target.to_string(), SinceRelease::Deleted);
            return Target::Drop;
        }
        if publishable::extension(target) == "svg" {
            let size = reader.size(blob).map(|n| n as u64);
            return inline_svg(size, || reader.bytes(blob));
        }
        let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        if let Some(Some(now)) = now {
            if now == blob {
                return Target::File {
                    url: format!("{root}files/{}{frag}", encode_path(target)),
                    path: target.to_string(),
                };
            }
            self.since
                .borrow_mut()
                .insert(target.to_string(), SinceRelease::Changed);
        }
        let site = format!("{}{target}", self.folder);
        let url = format!("{root}{}{frag}", encode_path(&site));
        self.kept
            .borrow_mut()
            .insert(site, (target.to_string(), blob));
        Target::Rewrite(url)
    }
}

impl Links for PageLinks<'_, '_> {
    fn anchor_rule(&self) -> AnchorRule {
        self.config.anchors
    }

    fn wiki(&self) -> Option<WikiPipe> {
        self.config.wiki.then_some(self.config.wiki_pipe)
    }

    fn wiki_dest(&self, link: &WikiLink<'_>) -> Option<String> {
        let mut found = self.wiki.get().resolve(self.from, link);
        // A page made from a release embeds the file its embed named in the release's commit
        // (missing or ambiguous there: none), never one found among today's files. An embedded
        // document is a page of the site as it is now, as a Markdown link to one is.
        if link.embed
            && let Some(at) = self.release
            && !matches!(&found, WikiResolution::Found(t) if is_markdown(t))
        {
            found = self.release_wiki.of(at)?.resolve(self.from, link);
        }
        let WikiResolution::Found(target) = found else {
            return None;
        };
        // Written as a Markdown link would be: `%`, `#` and `?` in a file name escaped.
        let mut dest = crate::lint::content::relative(self.from, &target)
            .replace('%', "%25")
            .replace('#', "%23")
            .replace('?', "%3F");
        // The heading is named by its text: the link goes to its anchor on that page.
        let sop = self
            .selection
            .pages_by_path
            .get(&target)
            .and_then(|&i| self.selection.entries.get(i))
            .map(|entry| {
                entry
                    .translations
                    .iter()
                    .find(|t| t.sop.path == target)
                    .map_or(&*entry.sop, |t| &*t.sop)
            });
        if let (Some(heading), Some(sop)) = (link.heading, sop) {
            let outline = sop.outline();
            let anchors = outline.anchors(self.config.anchors);
            let texts: Vec<&str> = outline.headings.iter().map(|h| h.text.as_str()).collect();
            if let Some(anchor) = crate::repo::wiki::heading_anchor(heading, &texts, &anchors) {
                dest.push('#');
                dest.push_str(anchor);
            }
        }
        Some(dest)
    }

    fn resolve(&self, dest: &str, image: bool) -> Target {
        let dest = dest.trim();
        if !markdown::is_safe_url(dest) {
            return Target::Drop;
        }
        let (path, fragment) = match Dest::parse(dest) {
            Dest::Empty | Dest::SamePage(_) | Dest::External => return Target::Keep,
            Dest::Path { path, fragment } => (path, fragment),
        };
        let selection = self.selection;
        let exists = |p: &str| {
            if selection.pages_by_path.contains_key(p) {
                return Some(Entry::File);
            }
            // A release's page finds the files it links in the release's commit alone; a
            // Markdown file is a page of the site as it is now, or no page.
            if let Some(at) = self.release
                && !is_markdown(p)
            {
                return match at.reader.borrow_mut().entry_at(at.commit, p)? {
                    TreeEntry::Folder => Some(Entry::Folder),
                    TreeEntry::File(_) | TreeEntry::Other => Some(Entry::File),
                };
            }
            let meta = std::fs::metadata(self.repo_root.join(p)).ok()?;
            Some(if meta.is_dir() {
                Entry::Folder
            } else {
                Entry::File
            })
        };
        let resolver = Resolver::new(self.config);
        let resolution = if image {
            resolver.resolve_image(self.from, &path, exists)
        } else {
            resolver.resolve(self.from, &path, exists)
        };
        let target = match resolution {
            Resolution::Found(target) => target,
            Resolution::Missing { .. } => {
                if let Some(at) = self.release {
                    at.committed_later(&resolver, self.from, &path, image);
                }
                return Target::Drop;
            }
            Resolution::Outside => return Target::Drop,
        };
        if let Some(&i) = selection.pages_by_path.get(&target) {
            let Some(entry) = selection.entries.get(i) else {
                return Target::Drop;
            };
            let (url, sop): (&str, &Sop) =
                match entry.translations.iter().find(|t| t.sop.path == target) {
                    Some(t) => (&t.url, &t.sop),
                    None => (&entry.url, &entry.sop),
                };
            let frag = fragment
                .filter(|f| {
                    sop.outline()
                        .has_anchor(self.config.anchors, &percent_decode(f))
                })
                .map(|f| format!("#{f}"))
                .unwrap_or_default();
            return Target::Rewrite(format!("{}{url}{frag}", self.root));
        }
        if is_markdown(&target) {
            // A release's link to a document moved or deleted since is no news to the writer.
            let still_there = self.release.is_none() || self.repo_root.join(&target).exists();
            if !image && still_there {
                self.lost
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert((self.from.to_string(), target));
            }
            return Target::Drop;
        }
        if image && target.is_empty() {
            return Target::Drop;
        }
        if let Some(at) = self.release {
            return at.file(&target, image, fragment, self.root);
        }
        let on_disk = self.repo_root.join(&target);
        if never_published(&target, image)
            || !is_inside(self.repo_root, &on_disk)
            || !on_disk.is_file()
            || self.tracked.check(&target).is_err()
            || !real_file_tracked(self.repo_root, &on_disk, self.tracked)
        {
            return Target::Drop;
        }
        if publishable::extension(&target) == "svg" {
            let size = on_disk.metadata().ok().map(|m| m.len());
            return inline_svg(size, || std::fs::read(&on_disk).ok());
        }
        let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        Target::File {
            url: format!("{}files/{}{frag}", self.root, encode_path(&target)),
            path: target,
        }
    }
}

/// Whether `path` names a Markdown file: an SOP or another document (an MDX page too), never a
/// file copied into the site.
fn is_markdown(path: &str) -> bool {
    crate::repo::files::strip_markdown_extension(path).len() < path.len()
        || publishable::extension(path) == "mdx"
}

/// Whether the file at `target` is never copied into the site, wherever it comes from: inside
/// a `.git` folder, or a file a browser would run.
fn never_published(target: &str, image: bool) -> bool {
    publishable::in_git_folder(target) || publishable::is_active_content(target, image)
}

/// An SVG drawing of `size` bytes, read by `read`, as a `data:` image. Never a file of the
/// site: opened on its own, an SVG runs its scripts in the site's origin; as a `data:` image
/// it runs nothing and has no such origin. A drawing too large to sit inside a page (or of
/// unknown size) is left out rather than read whole.
fn inline_svg<B: AsRef<[u8]>>(size: Option<u64>, read: impl FnOnce() -> Option<B>) -> Target {
    if size.is_none_or(|n| n > SVG_INLINE_MAX) {
        return Target::Drop;
    }
    match read() {
        Some(bytes) => Target::Rewrite(svg_data_url(bytes.as_ref())),
        None => Target::Drop,
    }
}

/// The largest SVG image shown inline in a page (bytes).
const SVG_INLINE_MAX: u64 = 5_000_000;

/// The prefix of the only `data:` URLs the site writes (inline SVG images).
pub(super) const SVG_DATA_URL: &str = "data:image/svg+xml;base64,";

/// `bytes` (an SVG file) as a `data:` URL for an `<img>`.
fn svg_data_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(SVG_DATA_URL.len() + bytes.len() * 4 / 3 + 4);
    out.push_str(SVG_DATA_URL);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether `path` stays inside `root` (canonical) with no symlink leading out.
/// Whether the file `path` really is (after following links) is one git tracks: a tracked
/// link to an ignored file must not publish that file.
fn real_file_tracked(root: &Path, path: &Path, tracked: &Tracked) -> bool {
    let Ok(real) = std::fs::canonicalize(path) else {
        return false;
    };
    let Ok(rel) = real.strip_prefix(root) else {
        return false;
    };
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    tracked.check(&rel.join("/")).is_ok()
}

fn is_inside(root: &Path, path: &Path) -> bool {
    match std::fs::canonicalize(path) {
        Ok(p) => p.starts_with(root) && !p.starts_with(root.join(".git")),
        Err(_) => false,
    }
}

pub(super) use crate::repo::markdown::percent_decode;

/// Percent-encode what a URL path cannot hold as is.
pub(super) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~' | '@') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_becomes_a_base64_data_url() {
        assert_eq!(
            svg_data_url(b"<svg/>"),
            "data:image/svg+xml;base64,PHN2Zy8+"
        );
        assert_eq!(svg_data_url(b"ab"), "data:image/svg+xml;base64,YWI=");
        assert_eq!(svg_data_url(b"a"), "data:image/svg+xml;base64,YQ==");
    }

    #[test]
    fn paths_are_encoded_and_decoded() {
        assert_eq!(encode_path("a b/ü.png"), "a%20b/%C3%BC.png");
        assert_eq!(percent_decode("a%20b/%C3%BC.png"), "a b/ü.png");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
