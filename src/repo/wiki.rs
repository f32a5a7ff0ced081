//! Wiki links (`[[Escalation policy]]`, `[[Escalation policy#Contacts|the contacts]]`,
//! `![[diagram.png]]`), as GitHub and GitLab wikis, Obsidian, Foam and MkDocs' roamlinks and
//! ezlinks plugins write them: how one reads, and which document or file of the repository it
//! names.
//!
//! pulldown-cmark finds them (`Options::ENABLE_WIKILINKS`, in [`super::markdown::options`]),
//! so code spans, code blocks, HTML comments and `\[[` are never read as links. This module reads the text of one,
//! and resolves its page the way wikis do:
//!
//! - by an SOP's id (`[[SOP-0003]]`);
//! - by file name without extension, upper and lower case alike, and spaces, `-` and `_`
//!   alike (GitHub wikis store `[[Escalation policy]]` as `Escalation-policy.md`);
//! - by an SOP's title (`title:` in its front matter);
//! - by a path (`[[support/refund]]`), relative to the document's folder, the repository root,
//!   or any folder (as Obsidian finds the shortest path that is unique).
//!
//! The first of these ways that finds anything decides; two documents found the same way is
//! ambiguous, and an error that names both. An embed (`![[x.png]]`) names a file anywhere in
//! the repository by its name, or by a path.
//!
//! Which side of `|` is the page differs: Obsidian, Foam, MkDocs' plugins, MediaWiki and
//! pulldown-cmark read `[[Page|text]]`; GitHub wikis (Gollum) read `[[text|Page]]`. The first
//! is the default; `[links] wiki_pipe = "text-first"` picks GitHub's ([`WikiPipe`]).
//!
//! Depends on nothing else in the crate but `files` (which extensions are Markdown).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Which side of `|` in `[[a|b]]` names the page.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum WikiPipe {
    /// `[[Page|text]]`: Obsidian, Foam, MkDocs roamlinks/ezlinks, MediaWiki.
    #[default]
    PageFirst,
    /// `[[text|Page]]`: GitHub wikis (Gollum).
    TextFirst,
}

impl WikiPipe {
    /// The value as written in `sop.toml`.
    pub fn name(self) -> &'static str {
        match self {
            WikiPipe::PageFirst => "page-first",
            WikiPipe::TextFirst => "text-first",
        }
    }
}

/// One wiki link, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WikiLink<'a> {
    /// `![[...]]`: an embed (a picture is shown, another file linked).
    pub embed: bool,
    /// The page (or file) part, trimmed; empty for `[[#Heading]]`.
    pub page: &'a str,
    /// The part after `#`, trimmed: a heading's text (or its anchor).
    pub heading: Option<&'a str>,
    /// The text to show, when the link gives one (`|text`).
    pub text: Option<&'a str>,
}

impl<'a> WikiLink<'a> {
    /// Read the wiki link `raw` starts with (`[[...]]` or `![[...]]`, anything may follow);
    /// `None` when it is none or names nothing (`[[ ]]`).
    pub fn parse(raw: &'a str, pipe: WikiPipe) -> Option<WikiLink<'a>> {
        let (embed, rest) = match raw.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let rest = rest.strip_prefix("[[")?;
        let inner = &rest[..memchr::memmem::find(rest.as_bytes(), b"]]")?];
        let (target, text) = match inner.split_once('|') {
            // `\|` inside a table cell keeps the table's column.
            Some((a, b)) => {
                let a = a.strip_suffix('\\').unwrap_or(a);
                // A picture embed (`![[flow.png|300]]`) names the picture first in either
                // order: what follows it is its size or description, never the page.
                let picture = embed && is_image_name(a.split('#').next().unwrap_or(a).trim());
                match pipe {
                    WikiPipe::TextFirst if !picture => (b, Some(a)),
                    _ => (a, Some(b)),
                }
            }
            None => (inner, None),
        };
        let (page, heading) = match target.split_once('#') {
            Some((p, h)) => (p.trim(), Some(h.trim()).filter(|h| !h.is_empty())),
            None => (target.trim(), None),
        };
        if page.is_empty() && heading.is_none() {
            return None;
        }
        Some(WikiLink {
            embed,
            page,
            heading,
            text: text.map(str::trim).filter(|t| !t.is_empty()),
        })
    }

    /// The text a reader sees: the `|text`, else the page as written, else the heading.
    pub fn shown(&self) -> &'a str {
        match (self.text, self.page, self.heading) {
            (Some(t), _, _) => t,
            (None, "", Some(h)) => h,
            (_, p, _) => p,
        }
    }

    /// Whether the link names a picture to show (`![[flow.png]]`).
    pub fn is_image(&self) -> bool {
        self.embed && is_image_name(self.page)
    }

    /// The size a picture is shown at, as Obsidian writes it after the last `|`:
    /// `![[flow.png|300]]` (its width), `![[flow.png|300x200]]` (width and height), also after
    /// a description (`![[flow.png|The flow|300]]`). `None` for a link that is no picture.
    pub fn image_size(&self) -> Option<ImageSize> {
        if !self.is_image() {
            return None;
        }
        let text = self.text?;
        let last = text.rsplit_once('|').map_or(text, |(_, s)| s);
        ImageSize::parse(last)
    }

    /// A picture's description: the `|text` without the size ([`WikiLink::image_size`]);
    /// `None` when the link gives none (`![[flow.png|300]]`).
    pub fn image_text(&self) -> Option<&'a str> {
        let text = self.text?;
        if self.image_size().is_none() {
            return Some(text);
        }
        text.rsplit_once('|')
            .map(|(t, _)| t.trim().trim_end_matches('\\').trim())
            .filter(|t| !t.is_empty())
    }
}

/// The size of a picture a wiki embed gives, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    /// Its width.
    pub width: u32,
    /// Its height, when given (else the picture keeps its proportions).
    pub height: Option<u32>,
}

impl ImageSize {
    /// `300` or `300x200`; `None` for anything else (a description such as `The flow`, `0`).
    pub fn parse(text: &str) -> Option<ImageSize> {
        let number = |s: &str| -> Option<u32> {
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok().filter(|n| *n > 0)
        };
        match text.trim().split_once(['x', 'X']) {
            Some((w, h)) => Some(ImageSize {
                width: number(w)?,
                height: Some(number(h)?),
            }),
            None => Some(ImageSize {
                width: number(text)?,
                height: None,
            }),
        }
    }
}

/// Whether the file name `name` is a picture a page can show.
pub fn is_image_name(name: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    [
        "png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "avif", "ico",
    ]
    .iter()
    .any(|e| ext.eq_ignore_ascii_case(e))
}

/// A page name as wikis compare them: lowercase, with spaces, `-` and `_` alike (runs of them
/// count as one), without a Markdown extension.
pub fn normalize(name: &str) -> String {
    let name = name.trim();
    let name = super::files::strip_markdown_extension(name);
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars() {
        if matches!(c, ' ' | '-' | '_') || c.is_whitespace() {
            gap = !out.is_empty() && !out.ends_with('/');
        } else {
            if gap && c != '/' {
                out.push('-');
            }
            gap = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Where a wiki link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WikiResolution {
    /// The repository path of the document or file.
    Found(String),
    /// Nothing has that name; the closest name there is and its file, when one is close.
    Missing {
        /// `(name, path)`: a name that is close, and the file it names.
        closest: Option<(String, String)>,
    },
    /// More than one document has that name: their paths, sorted.
    Ambiguous(Vec<String>),
}

/// A document the index knows: its path, and for an SOP its id and title.
#[derive(Debug, Clone, Default)]
pub struct WikiDoc {
    /// Repository path, `/`-separated.
    pub path: String,
    /// The SOP's id (not for a translation: it shares its source's).
    pub id: Option<String>,
    /// The SOP's title.
    pub title: Option<String>,
    /// For a translation, the id of the SOP it translates.
    pub translation_of: Option<String>,
}

/// The names of a repository's documents and files, for wiki links: made once per run, when
/// the first wiki link is met.
#[derive(Debug, Default)]
pub struct WikiIndex {
    /// Paths of the Markdown documents.
    docs: Vec<String>,
    /// The same, [`normalize`]d (without extension), for links written as paths.
    stems: Vec<String>,
    /// Documents by id, uppercase.
    by_id: HashMap<String, Vec<usize>>,
    /// Documents by file name without extension, normalized.
    by_name: HashMap<String, Vec<usize>>,
    /// Documents by title, normalized.
    by_title: HashMap<String, Vec<usize>>,
    /// Every file by its name, lowercase.
    files_by_name: HashMap<String, Vec<String>>,
    /// Every file by its path.
    files: std::collections::HashSet<String>,
    /// The names a writer may mean (file names with spaces, titles, ids), with their document.
    names: Vec<(String, usize)>,
    /// For each document, the id (uppercase) of the SOP it is or translates, and whether it
    /// is a translation.
    sops: Vec<Option<(String, bool)>>,
}

impl WikiIndex {
    /// The index of `files` (every repository file, `/`-separated paths) and `docs` (the SOPs,
    /// with ids and titles); a file that is no SOP is a document too when its name ends in one
    /// of `extensions` (`[sops] extensions`: `md`, `markdown`), as sop reads no other.
    pub fn new<'f>(
        files: impl IntoIterator<Item = &'f str>,
        docs: Vec<WikiDoc>,
        extensions: &[String],
    ) -> WikiIndex {
        let mut index = WikiIndex::default();
        // A document is known once: `files` holds only documents until they are all added.
        let add = |index: &mut WikiIndex, doc: WikiDoc| {
            if index.files.contains(&doc.path) {
                return;
            }
            let i = index.docs.len();
            let name = doc.path.rsplit('/').next().unwrap_or(&doc.path);
            index.by_name.entry(normalize(name)).or_default().push(i);
            let stem = super::files::strip_markdown_extension(name);
            index.names.push((stem.replace(['-', '_'], " "), i));
            if let Some(id) = &doc.id {
                index.by_id.entry(id.to_uppercase()).or_default().push(i);
                index.names.push((id.clone(), i));
            }
            if let Some(title) = doc.title.as_deref().filter(|t| !t.trim().is_empty()) {
                index.by_title.entry(normalize(title)).or_default().push(i);
                index.names.push((title.trim().to_string(), i));
            }
            index.sops.push(match (&doc.id, &doc.translation_of) {
                (Some(id), _) => Some((id.to_uppercase(), false)),
                (None, Some(source)) => Some((source.to_uppercase(), true)),
                (None, None) => None,
            });
            index.files.insert(doc.path.clone());
            index.stems.push(normalize(&doc.path));
            index.docs.push(doc.path);
        };
        for doc in docs {
            add(&mut index, doc);
        }
        for file in files {
            let name = file.rsplit('/').next().unwrap_or(file);
            index
                .files_by_name
                .entry(name.to_lowercase())
                .or_default()
                .push(file.to_string());
            if is_document(name, extensions) {
                add(
                    &mut index,
                    WikiDoc {
                        path: file.to_string(),
                        ..WikiDoc::default()
                    },
                );
            }
            index.files.insert(file.to_string());
        }
        for paths in index.files_by_name.values_mut() {
            paths.sort();
            paths.dedup();
        }
        index
    }

    /// Where `link` (not a same-page one), written in the document at `from`, leads.
    pub fn resolve(&self, from: &str, link: &WikiLink<'_>) -> WikiResolution {
        let page = link.page;
        let markdown = super::files::strip_markdown_extension(page).len() < page.len();
        let has_extension = page
            .rsplit('/')
            .next()
            .is_some_and(|n| n.contains('.') && !n.ends_with('.'));
        if link.embed && has_extension && !markdown {
            return self.resolve_file(from, page);
        }
        let found = |hits: Vec<usize>| -> Option<WikiResolution> {
            // An SOP and its translations of the same title (not translated yet, or a name
            // every language keeps): the SOP, as a Markdown link to its file leads to it.
            if let Some(sop) = self.source_among(&hits) {
                return Some(WikiResolution::Found(sop));
            }
            let mut paths: Vec<String> = hits
                .into_iter()
                .filter_map(|i| self.docs.get(i).cloned())
                .collect();
            paths.sort();
            paths.dedup();
            match paths.len() {
                0 => None,
                1 => paths.pop().map(WikiResolution::Found),
                _ => Some(WikiResolution::Ambiguous(paths)),
            }
        };
        if page.contains('/') {
            let folder = from.rsplit_once('/').map_or("", |(d, _)| d);
            let wanted = normalize(page.trim_start_matches('/'));
            // Relative to the document's folder, then the root, then under any folder.
            let matching = |keep: &dyn Fn(&str) -> bool| {
                self.stems
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| keep(s))
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>()
            };
            let exact = |base: String| matching(&|s: &str| s == base);
            let relative = super::links::join(folder, page)
                .map(|p| exact(normalize(&p)))
                .unwrap_or_default();
            if let Some(r) = found(relative) {
                return r;
            }
            if let Some(r) = found(exact(wanted.clone())) {
                return r;
            }
            let suffix = format!("/{wanted}");
            let anywhere = matching(&|s: &str| s.ends_with(&suffix));
            if let Some(r) = found(anywhere) {
                return r;
            }
            if link.embed
                && let WikiResolution::Found(f) = self.resolve_file(from, page)
            {
                return WikiResolution::Found(f);
            }
            return self.missing(page);
        }
        let key = normalize(page);
        for hits in [
            self.by_id.get(&page.to_uppercase()),
            self.by_name.get(&key),
            self.by_title.get(&key),
        ] {
            if let Some(r) = hits.and_then(|h| found(h.clone())) {
                return r;
            }
        }
        if link.embed {
            return self.resolve_file(from, page);
        }
        self.missing(page)
    }

    /// A file named by an embed: a path relative to the document's folder or the root, else
    /// a file of that name anywhere (the same case first).
    fn resolve_file(&self, from: &str, page: &str) -> WikiResolution {
        let folder = from.rsplit_once('/').map_or("", |(d, _)| d);
        for base in [folder, ""] {
            if let Some(p) = super::links::join(base, page)
                && self.files.contains(&p)
            {
                return WikiResolution::Found(p);
            }
        }
        let name = page.rsplit('/').next().unwrap_or(page);
        let Some(all) = self.files_by_name.get(&name.to_lowercase()) else {
            return self.missing_file(name);
        };
        let same_case: Vec<&String> = all
            .iter()
            .filter(|p| p.rsplit('/').next() == Some(name) && p.ends_with(page))
            .collect();
        let any_case: Vec<&String> = all
            .iter()
            .filter(|p| p.to_lowercase().ends_with(&page.to_lowercase()))
            .collect();
        for hits in [same_case, any_case] {
            match hits.as_slice() {
                [] => {}
                [one] => return WikiResolution::Found((*one).clone()),
                many => {
                    return WikiResolution::Ambiguous(many.iter().map(|p| (*p).clone()).collect());
                }
            }
        }
        self.missing(page)
    }

    /// The path of the SOP among `hits` (documents), when there are more than one and the
    /// others are all its translations.
    fn source_among(&self, hits: &[usize]) -> Option<String> {
        if hits.len() < 2 {
            return None;
        }
        let sop = |i: &usize| self.sops.get(*i).and_then(Option::as_ref);
        let mut sources = hits.iter().filter(|i| sop(i).is_some_and(|(_, t)| !t));
        let source = *sources.next()?;
        if sources.next().is_some() {
            return None;
        }
        let (id, _) = sop(&source)?;
        hits.iter()
            .all(|i| *i == source || sop(i).is_some_and(|(other, t)| *t && other == id))
            .then(|| self.docs.get(source).cloned())
            .flatten()
    }

    /// The files that are no document but have the name of the page `page` (a link that
    /// finds no document): `docs/install.mdx` or `docs/install.html` for `[[install]]`, the
    /// name without its extension compared as page names are; a page written as a path
    /// (`[[docs/install]]`) matches the end of theirs. Sorted.
    pub fn files_named(&self, page: &str) -> Vec<&str> {
        let wanted = normalize(page.trim_start_matches('/'));
        if wanted.is_empty() {
            return Vec::new();
        }
        let name = wanted.rsplit('/').next().unwrap_or(&wanted);
        let suffix = format!("/{wanted}");
        let mut out: Vec<&str> = self
            .files_by_name
            .iter()
            .filter(|(file, _)| {
                let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
                file.contains('.') && normalize(stem) == name
            })
            .flat_map(|(_, paths)| paths.iter().map(String::as_str))
            .filter(|path| !self.docs.iter().any(|d| d == path))
            .filter(|path| {
                !wanted.contains('/') || {
                    let stem = path.rsplit_once('.').map_or(*path, |(s, _)| s);
                    let stem = normalize(stem);
                    stem == wanted || stem.ends_with(&suffix)
                }
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// No file is named `name`: the closest file name and its path.
    fn missing_file(&self, name: &str) -> WikiResolution {
        let wanted = name.to_lowercase();
        let best = self
            .files_by_name
            .iter()
            .filter_map(|(n, paths)| Some((strsim::jaro_winkler(&wanted, n), paths.first()?)))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
        WikiResolution::Missing {
            closest: best
                .map(|(_, p)| (p.rsplit('/').next().unwrap_or(p).to_string(), p.to_string())),
        }
    }

    /// Nothing is named `page`: the closest name (an id, a file name, a title) and its file.
    fn missing(&self, page: &str) -> WikiResolution {
        let wanted = normalize(page);
        let best = self
            .names
            .iter()
            .filter_map(|(name, i)| Some((name, self.docs.get(*i)?)))
            .map(|(name, path)| (strsim::jaro_winkler(&wanted, &normalize(name)), name, path))
            .filter(|(score, _, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.2.cmp(a.2)));
        WikiResolution::Missing {
            closest: best.map(|(_, n, p)| (n.clone(), p.clone())),
        }
    }
}

/// A [`WikiIndex`] kept between runs (`sop serve`'s rebuilds, the language server's checks):
/// made again only when a file came or went ([`KeptIndex::files_changed`],
/// [`KeptIndex::file_changed`]) or an SOP's path, id or title changed. Made again on every
/// run, it costs about a third of checking one SOP.
#[derive(Debug, Default)]
pub struct KeptIndex {
    /// Bumped when a file comes or goes.
    generation: std::sync::atomic::AtomicU64,
    /// The index, with the key it was made for.
    kept: std::sync::Mutex<Option<(u64, std::sync::Arc<WikiIndex>)>>,
}

impl KeptIndex {
    /// The index kept, if one was made.
    pub fn kept(&self) -> Option<std::sync::Arc<WikiIndex>> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|(_, index)| std::sync::Arc::clone(index))
    }

    /// A file was created, changed or deleted: the index is made again when next asked for.
    pub fn files_changed(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The file at `path` (repository path) changed on disk, and `exists` now or not: the
    /// index is made again when next asked for if it came or went (an edit of a file it
    /// already holds, or of one it never held that is still gone, changes no name).
    pub fn file_changed(&self, path: &str, exists: bool) {
        let known = self.kept().map(|index| index.files.contains(path));
        if known.is_some_and(|known| known != exists) {
            self.files_changed();
        }
    }

    /// The index of `sops` and the files `files` gives (asked for only when it is made), with
    /// `extensions` as in [`index_of`]: the one kept while no file came or went and every
    /// SOP's path, id and title are as when it was made.
    pub fn get(
        &self,
        sops: &[super::Sop],
        files: impl FnOnce() -> Vec<String>,
        extensions: &[String],
    ) -> std::sync::Arc<WikiIndex> {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        self.generation
            .load(std::sync::atomic::Ordering::Relaxed)
            .hash(&mut h);
        extensions.hash(&mut h);
        for sop in sops {
            sop.path.hash(&mut h);
            sop.id().hash(&mut h);
            sop.is_translation().hash(&mut h);
            sop.meta
                .title
                .as_ref()
                .map(|t| t.value.as_str())
                .hash(&mut h);
        }
        let key = h.finish();
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, index)) = kept.as_ref()
            && *k == key
        {
            return std::sync::Arc::clone(index);
        }
        let index = std::sync::Arc::new(index_of(sops, &files(), extensions));
        *kept = Some((key, std::sync::Arc::clone(&index)));
        index
    }
}

/// A [`WikiIndex`] made when first asked for (a repository without wiki links never makes
/// one), shared by the threads that lint or render pages.
pub struct LazyIndex<'a> {
    index: std::sync::OnceLock<std::sync::Arc<WikiIndex>>,
    make: Box<dyn Fn() -> std::sync::Arc<WikiIndex> + Send + Sync + 'a>,
}

impl<'a> LazyIndex<'a> {
    /// An index that `make` makes, on first use.
    pub fn new(make: impl Fn() -> WikiIndex + Send + Sync + 'a) -> LazyIndex<'a> {
        LazyIndex::shared(move || std::sync::Arc::new(make()))
    }

    /// An index that `get` gives, on first use: one kept between runs (the language server
    /// keeps it while no file comes or goes and no SOP's id or title changes).
    pub fn shared(get: impl Fn() -> std::sync::Arc<WikiIndex> + Send + Sync + 'a) -> LazyIndex<'a> {
        LazyIndex {
            index: std::sync::OnceLock::new(),
            make: Box::new(get),
        }
    }

    /// The index.
    pub fn get(&self) -> &WikiIndex {
        self.index.get_or_init(|| (self.make)())
    }
}

impl std::fmt::Debug for LazyIndex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyIndex").finish_non_exhaustive()
    }
}

/// Whether the file name `name` ends in one of `extensions` (`md`, `md.erb`) after a stem.
fn is_document(name: &str, extensions: &[String]) -> bool {
    let lower = name.to_ascii_lowercase();
    extensions.iter().any(|ext| {
        let ext = ext.trim_start_matches('.').to_ascii_lowercase();
        lower
            .strip_suffix(ext.as_str())
            .and_then(|s| s.strip_suffix('.'))
            .is_some_and(|s| !s.is_empty())
    })
}

/// The index of the SOPs `sops` (with their ids and titles) and the repository files `files`,
/// whose documents are the files whose names end in one of `extensions` (`[sops]
/// extensions`).
pub fn index_of<'s>(
    sops: impl IntoIterator<Item = &'s super::Sop>,
    files: &[String],
    extensions: &[String],
) -> WikiIndex {
    let docs = sops
        .into_iter()
        .map(|sop| WikiDoc {
            path: sop.path.clone(),
            id: (!sop.is_translation())
                .then(|| sop.id().map(str::to_string))
                .flatten(),
            title: sop.meta.title.as_ref().map(|t| t.value.clone()),
            translation_of: sop
                .is_translation()
                .then(|| sop.id().map(str::to_string))
                .flatten(),
        })
        .collect();
    WikiIndex::new(files.iter().map(String::as_str), docs, extensions)
}

/// The anchor of the heading `heading` (a wiki link's `#Heading`, as written) among `texts`
/// (the headings' texts) and `anchors` (their anchors, in the same order): the heading whose
/// text is the same (upper and lower case, spaces, `-` and `_` alike), else an anchor written
/// as it is.
pub fn heading_anchor<'h>(heading: &str, texts: &[&str], anchors: &'h [String]) -> Option<&'h str> {
    // Most links write the heading as it is: found without making a name of each heading.
    if let Some(i) = texts.iter().position(|t| t.eq_ignore_ascii_case(heading)) {
        return anchors.get(i).map(String::as_str);
    }
    let wanted = normalize(heading);
    texts
        .iter()
        .position(|t| normalize(t) == wanted)
        .and_then(|i| anchors.get(i))
        .or_else(|| anchors.iter().find(|a| *a == heading))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(raw: &str) -> Option<WikiLink<'_>> {
        WikiLink::parse(raw, WikiPipe::PageFirst)
    }

    #[test]
    fn every_form_is_read() {
        let l = link("[[Escalation policy]] and more").unwrap();
        assert_eq!(
            (l.embed, l.page, l.heading, l.text),
            (false, "Escalation policy", None, None)
        );
        assert_eq!(l.shown(), "Escalation policy");
        let l = link("[[Escalation policy|the escalation rules]]").unwrap();
        assert_eq!(
            (l.page, l.text),
            ("Escalation policy", Some("the escalation rules"))
        );
        assert_eq!(l.shown(), "the escalation rules");
        let l = link("[[Escalation policy#Contacts]]").unwrap();
        assert_eq!((l.page, l.heading), ("Escalation policy", Some("Contacts")));
        assert_eq!(l.shown(), "Escalation policy");
        let l = link("[[ Escalation policy # Contacts | who to call ]]").unwrap();
        assert_eq!(
            (l.page, l.heading, l.text),
            ("Escalation policy", Some("Contacts"), Some("who to call"))
        );
        let l = link("[[#Contacts]]").unwrap();
        assert_eq!(
            (l.page, l.heading, l.shown()),
            ("", Some("Contacts"), "Contacts")
        );
        let l = link("![[diagram.png]]").unwrap();
        assert!(l.embed && l.is_image());
        assert!(!link("![[form.pdf]]").unwrap().is_image());
        assert_eq!(link("[[ ]]"), None);
        assert_eq!(link("[[#]]"), None);
        assert_eq!(link("[[open"), None);
        // GitHub wikis put the text first.
        let l = WikiLink::parse(
            "[[the escalation rules|Escalation policy]]",
            WikiPipe::TextFirst,
        )
        .unwrap();
        assert_eq!(
            (l.page, l.text),
            ("Escalation policy", Some("the escalation rules"))
        );
        // A picture embed names the picture first in either order.
        let l = WikiLink::parse("![[flow.png|300]]", WikiPipe::TextFirst).unwrap();
        assert_eq!((l.page, l.text), ("flow.png", Some("300")));
        assert_eq!(l.image_size().map(|s| s.width), Some(300));
        let l = WikiLink::parse("![[the form|form.pdf]]", WikiPipe::TextFirst).unwrap();
        assert_eq!((l.page, l.text), ("form.pdf", Some("the form")));
        // `\|` in a table cell.
        let l = link("[[Escalation policy\\|rules]]").unwrap();
        assert_eq!((l.page, l.text), ("Escalation policy", Some("rules")));
    }

    #[test]
    fn a_number_after_the_bar_of_a_picture_is_its_size_not_its_description() {
        let size = |raw: &str| link(raw).unwrap().image_size();
        fn text(raw: &str) -> Option<&str> {
            link(raw).unwrap().image_text()
        }
        assert_eq!(
            size("![[x.png|300]]"),
            Some(ImageSize {
                width: 300,
                height: None
            })
        );
        assert_eq!(text("![[x.png|300]]"), None);
        assert_eq!(
            size("![[x.png| 300x200 ]]"),
            Some(ImageSize {
                width: 300,
                height: Some(200)
            })
        );
        assert_eq!(text("![[x.png|300x200]]"), None);
        assert_eq!(size("![[x.png|The flow|300]]").map(|s| s.width), Some(300));
        assert_eq!(text("![[x.png|The flow|300]]"), Some("The flow"));
        // A description stays one, even with digits in it.
        for raw in [
            "![[x.png|a caption]]",
            "![[x.png|300 people]]",
            "![[x.png|0]]",
            "![[x.png|300x]]",
            "![[x.png|-3]]",
        ] {
            assert_eq!(size(raw), None, "{raw}");
            assert_eq!(text(raw), link(raw).unwrap().text, "{raw}");
        }
        // Only a picture has a size.
        assert_eq!(size("[[Escalation policy|300]]"), None);
        assert_eq!(size("![[form.pdf|300]]"), None);
    }

    #[test]
    fn names_compare_as_wikis_compare_them() {
        assert_eq!(normalize("Escalation-policy.md"), "escalation-policy");
        assert_eq!(normalize("escalation_policy"), "escalation-policy");
        assert_eq!(normalize(" Escalation  Policy "), "escalation-policy");
        assert_eq!(normalize("Support / Refund"), "support/refund");
    }

    fn index() -> WikiIndex {
        WikiIndex::new(
            [
                "docs/Escalation-policy.md",
                "docs/support/refund.md",
                "docs/billing/refund.md",
                "docs/Home.md",
                "assets/diagram.png",
                "docs/img/Diagram.png",
                "docs/img/flow.png",
                "sops/x/SOP-0003-payouts.md",
            ],
            vec![WikiDoc {
                path: "sops/x/SOP-0003-payouts.md".into(),
                id: Some("SOP-0003".into()),
                title: Some("Creator payouts".into()),
                translation_of: None,
            }],
            &["md".to_string()],
        )
    }

    #[test]
    fn a_title_an_sop_shares_with_its_translations_names_the_sop() {
        let doc = |path: &str, id: Option<&str>, of: Option<&str>, title: &str| WikiDoc {
            path: path.into(),
            id: id.map(Into::into),
            title: Some(title.into()),
            translation_of: of.map(Into::into),
        };
        let index = WikiIndex::new(
            [],
            vec![
                doc(
                    "sops/a/SOP-0001-gift.md",
                    Some("SOP-0001"),
                    None,
                    "Gift refunds",
                ),
                doc(
                    "sops/a/SOP-0001-gift.es.md",
                    None,
                    Some("SOP-0001"),
                    "Gift refunds",
                ),
                doc(
                    "sops/a/SOP-0001-gift.fr.md",
                    None,
                    Some("SOP-0001"),
                    "Gift refunds",
                ),
                doc("sops/a/SOP-0002-other.md", Some("SOP-0002"), None, "Other"),
                doc(
                    "sops/a/SOP-0003-other.es.md",
                    None,
                    Some("SOP-0003"),
                    "Other",
                ),
            ],
            &["md".to_string()],
        );
        let resolve = |raw: &str| index.resolve("sops/a/SOP-0002-other.md", &link(raw).unwrap());
        assert_eq!(
            resolve("[[Gift refunds]]"),
            found("sops/a/SOP-0001-gift.md")
        );
        // Another SOP's translation of that title: two SOPs, as before.
        assert!(matches!(resolve("[[Other]]"), WikiResolution::Ambiguous(v) if v.len() == 2));
    }

    #[test]
    fn a_file_of_the_name_that_sop_does_not_read_is_no_page_but_is_named() {
        let index = WikiIndex::new(
            [
                "docs/Home.md",
                "docs/install.mdx",
                "docs/Install-guide.markdown",
                "web/install.html",
                "forms/refund.pdf",
            ],
            Vec::new(),
            &["md".to_string()],
        );
        let resolve = |raw: &str| index.resolve("docs/Home.md", &link(raw).unwrap());
        // `.markdown` is no document while `[sops] extensions` says only `md`.
        assert!(matches!(
            resolve("[[Install guide]]"),
            WikiResolution::Missing { .. }
        ));
        assert_eq!(
            index.files_named("Install guide"),
            ["docs/Install-guide.markdown"]
        );
        assert_eq!(
            index.files_named("install"),
            ["docs/install.mdx", "web/install.html"]
        );
        assert_eq!(index.files_named("docs/install"), ["docs/install.mdx"]);
        assert_eq!(index.files_named("Refund"), ["forms/refund.pdf"]);
        // A document is never among them; nor a name that is only close.
        assert_eq!(index.files_named("Home"), Vec::<&str>::new());
        assert_eq!(index.files_named("instal"), Vec::<&str>::new());
        // Read as a document when `[sops] extensions` says so.
        let both = WikiIndex::new(
            ["docs/Install-guide.markdown"],
            Vec::new(),
            &["md".to_string(), "markdown".to_string()],
        );
        assert_eq!(
            both.resolve("docs/Home.md", &link("[[Install guide]]").unwrap()),
            WikiResolution::Found("docs/Install-guide.markdown".into())
        );
    }

    fn resolve(from: &str, raw: &str) -> WikiResolution {
        index().resolve(from, &link(raw).unwrap())
    }

    fn found(p: &str) -> WikiResolution {
        WikiResolution::Found(p.into())
    }

    #[test]
    fn pages_are_found_by_name_id_title_and_path() {
        let from = "docs/Home.md";
        for raw in [
            "[[Escalation policy]]",
            "[[escalation-policy]]",
            "[[ESCALATION_POLICY]]",
            "[[Escalation-policy.md]]",
        ] {
            assert_eq!(
                resolve(from, raw),
                found("docs/Escalation-policy.md"),
                "{raw}"
            );
        }
        assert_eq!(
            resolve(from, "[[sop-0003]]"),
            found("sops/x/SOP-0003-payouts.md")
        );
        assert_eq!(
            resolve(from, "[[Creator Payouts]]"),
            found("sops/x/SOP-0003-payouts.md")
        );
        assert_eq!(
            resolve(from, "[[support/refund]]"),
            found("docs/support/refund.md")
        );
        assert_eq!(
            resolve(from, "[[docs/billing/refund]]"),
            found("docs/billing/refund.md")
        );
        assert_eq!(
            resolve(from, "[[refund]]"),
            WikiResolution::Ambiguous(vec![
                "docs/billing/refund.md".into(),
                "docs/support/refund.md".into()
            ])
        );
        match resolve(from, "[[Escalation polcy]]") {
            WikiResolution::Missing { closest } => assert_eq!(
                closest,
                Some((
                    "Escalation policy".into(),
                    "docs/Escalation-policy.md".into()
                ))
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            resolve(from, "[[Nothing like it]]"),
            WikiResolution::Missing { closest: None }
        );
    }

    #[test]
    fn embeds_find_files_by_name_anywhere_or_by_path() {
        let from = "docs/Home.md";
        assert_eq!(resolve(from, "![[flow.png]]"), found("docs/img/flow.png"));
        assert_eq!(
            resolve(from, "![[img/flow.png]]"),
            found("docs/img/flow.png")
        );
        assert_eq!(resolve(from, "![[FLOW.PNG]]"), found("docs/img/flow.png"));
        // The same case first: `diagram.png` and `Diagram.png` are two files.
        assert_eq!(
            resolve(from, "![[diagram.png]]"),
            found("assets/diagram.png")
        );
        assert_eq!(
            resolve(from, "![[Diagram.png]]"),
            found("docs/img/Diagram.png")
        );
        assert!(matches!(
            resolve(from, "![[DIAGRAM.png]]"),
            WikiResolution::Ambiguous(v) if v.len() == 2
        ));
        // Embedding a page links to it.
        assert_eq!(resolve(from, "![[Home]]"), found("docs/Home.md"));
        assert_eq!(
            resolve(from, "![[flwo.png]]"),
            WikiResolution::Missing {
                closest: Some(("flow.png".into(), "docs/img/flow.png".into()))
            }
        );
    }

    #[test]
    fn headings_are_found_by_their_text_or_anchor() {
        let anchors = vec!["contacts".to_string(), "on-call-rota".to_string()];
        let texts = ["Contacts", "On-call rota"];
        assert_eq!(
            heading_anchor("contacts", &texts, &anchors),
            Some("contacts")
        );
        assert_eq!(
            heading_anchor("On call rota", &texts, &anchors),
            Some("on-call-rota")
        );
        assert_eq!(
            heading_anchor("on-call-rota", &texts, &anchors),
            Some("on-call-rota")
        );
        assert_eq!(heading_anchor("Contcts", &texts, &anchors), None);
    }
}
