//! The `sop.toml` settings that documents adopted as the team wrote them need, so that `sop
//! lint` does not report what adoption could have foreseen: file names that do not start with
//! the id (`[sops] file_names = "any"`), the documents' own front-matter keys
//! (`[front_matter] allow`), project files that are never SOPs in a team's own
//! `[sops] exclude` list, and on a Docusaurus site another name for `sop`'s id, since `id:` is
//! the site's page id (`[front_matter] aliases = { id = "sop_id" }`), and wiki links read as
//! links (`[links] wiki = true`) for documents that link each other as a wiki does, and the
//! link style and heading ids of the site generator the documents are written for (`[links]
//! style = "site"`, `anchors = "docusaurus"` or `"mkdocs"`).
//!
//! [`edit`] adds them to the file as the team wrote it: each setting is one line with a
//! comment, under its table (after the commented-out line of the same key that `sop init`
//! writes, when there is one), or an item appended to a list already written; every other
//! byte stays. The result is read back with [`Settings::parse`], and an edit that does not
//! give exactly the settings asked for is not made.

use std::path::Path;

use crate::repo::anchors::AnchorRule;
use crate::repo::config::FileNames;
use crate::repo::links::LinkStyle;
use crate::repo::{Settings, Sop};

/// The settings adoption needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// `[sops] file_names = "any"`: some adopted file's name does not start with its id.
    pub file_names_any: bool,
    /// Keys for `[front_matter] allow`: the documents' own keys, in the order first met.
    pub allow: Vec<String>,
    /// Patterns for `[sops] exclude`: project files that are never SOPs (`CHANGELOG.md`).
    pub exclude: Vec<String>,
    /// `[front_matter] aliases = { id = "<name>" }`: the documents' `id:` is a site generator's
    /// page id (Docusaurus), so `sop`'s id takes this name (and `id` goes under `allow`).
    pub id_key: Option<String>,
    /// `[links] wiki = true`: some adopted document links another as a wiki does
    /// (`[[Escalation policy]]`), and wiki links are off.
    pub wiki_links: bool,
    /// `[links] style` and `site_root`: the documents link each other by the page URLs of
    /// the site generator they are written for (`../cache-flush/`).
    pub site_links: Option<SiteLinks>,
    /// `[links] anchors`: the documents are pages of a site generator that makes heading ids
    /// by another rule than the default (Docusaurus honours `{#id}`).
    pub anchors: Option<AnchorRule>,
}

/// The link settings of a site generator whose pages the documents are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLinks {
    /// The generator, as its users name it: `MkDocs`, `Hugo`.
    pub generator: &'static str,
    /// How its pages link each other.
    pub style: LinkStyle,
    /// The folder its site-absolute links (`/docs/intro`) start from, relative to the
    /// repository (`docs`, `content`); `None` when the repository's top folder, or when it
    /// cannot be told.
    pub site_root: Option<String>,
    /// The address `site_root` is served under when its links do not start with its folder
    /// names (Docusaurus's `routeBasePath: 'handbook'` for the `docs` folder).
    pub site_path: Option<String>,
}

impl SiteLinks {
    /// What its page addresses look like, for the summary.
    fn example(&self) -> &'static str {
        match self.style {
            LinkStyle::Site => "`../page`, `/docs/page`",
            _ => "`../page/`",
        }
    }
}

impl Needs {
    /// Whether nothing is needed.
    pub fn is_empty(&self) -> bool {
        !self.file_names_any
            && self.allow.is_empty()
            && self.exclude.is_empty()
            && self.id_key.is_none()
            && !self.wiki_links
            && self.site_links.is_none()
            && self.anchors.is_none()
    }

    /// What each setting does, one line each, for the summary.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(key) = &self.id_key {
            out.push(format!(
                "`[front_matter] aliases = {{ id = \"{key}\" }}`: `id:` is the Docusaurus page id its sidebars and links use, which stays as it is; sop's id is written as `{key}:`"
            ));
        }
        if self.file_names_any {
            out.push(
                "`[sops] file_names = \"any\"`: file names need not start with the id, so no file is renamed and no link breaks".to_string(),
            );
        }
        if self.wiki_links {
            out.push(
                "`[links] wiki = true`: the documents' wiki links (`[[Page]]`, `![[picture.png]]`) stay links, checked by `sop lint` and followed on the site".to_string(),
            );
        }
        if let Some(l) = &self.site_links {
            let joint = if l.site_path.is_some() { "," } else { " and" };
            let root = l
                .site_root
                .as_ref()
                .map(|r| format!("{joint} `site_root = \"{r}\"`"))
                .unwrap_or_default();
            let path = l
                .site_path
                .as_ref()
                .map(|p| format!(" and `site_path = \"{p}\"`"))
                .unwrap_or_default();
            let example = match &l.site_path {
                Some(p) => format!("`../page`, `/{p}/page`"),
                None => l.example().to_string(),
            };
            out.push(format!(
                "`[links] style = \"{}\"`{root}{path}: the documents link each other by their {} page addresses ({example}), which `sop lint` checks and the site follows",
                l.style.name(),
                l.generator,
            ));
        }
        if let Some(rule) = self.anchors {
            out.push(format!(
                "`[links] anchors = \"{}\"`: `#anchor` links are checked against the heading ids the site makes, a heading's `{{#custom-id}}` among them",
                rule.name()
            ));
        }
        if !self.allow.is_empty() {
            out.push(format!(
                "`[front_matter] allow` {}: the documents' own keys, which sop leaves alone",
                quoted(&self.allow)
            ));
        }
        if !self.exclude.is_empty() {
            out.push(format!(
                "`[sops] exclude` {}: files that are never SOPs, which `sop lint` leaves out too",
                quoted(&self.exclude)
            ));
        }
        out
    }
}

/// The settings `planned` (the adopted files, with their new text) need beyond `settings`;
/// `never_sops` are the file names to leave out through `[sops] exclude`.
pub fn needs(settings: &Settings, planned: &[Sop], never_sops: &[String]) -> Needs {
    let mut out = Needs {
        exclude: never_sops.to_vec(),
        ..Needs::default()
    };
    for sop in planned {
        if settings.config.sops.file_names == FileNames::IdSlug
            && let Some(id) = sop.id()
            && sop.file_name.id.as_deref() != Some(id)
        {
            out.file_names_any = true;
        }
        let Some(fm) = &sop.front_matter else {
            continue;
        };
        for field in &fm.fields {
            let key = field.key.as_str();
            if settings.keys.key(key).is_none()
                && !settings.keys.is_allowed(key)
                && !out.allow.iter().any(|k| k == key)
            {
                out.allow.push(key.to_string());
            }
        }
    }
    out
}

/// Whether wiki links are off in `settings` and one of `planned` (the adopted files, with
/// their new text) has a wiki link outside code that names a document of the repository, as
/// wikis find it: its documents and `files()` (every repository file, asked for only when a
/// document has `[[`).
pub fn uses_wiki_links(
    settings: &Settings,
    planned: &[Sop],
    files: impl FnOnce() -> Vec<String>,
) -> bool {
    use crate::repo::wiki::{WikiLink, WikiPipe, WikiResolution};
    if settings.config.links.wiki
        || !planned
            .iter()
            .any(|sop| memchr::memmem::find(sop.source.text().as_bytes(), b"[[").is_some())
    {
        return false;
    }
    let index = crate::repo::wiki::index_of(planned, &files(), settings.files.extensions());
    planned.iter().any(|sop| {
        let text = sop.source.text();
        sop.outline()
            .links
            .iter()
            .filter(|l| l.wiki)
            .filter_map(|l| text.get(l.span.start..l.span.end))
            .any(|raw| {
                // Either side of `|` may be the page: GitHub wikis write it second.
                [WikiPipe::PageFirst, WikiPipe::TextFirst]
                    .into_iter()
                    .filter_map(|pipe| WikiLink::parse(raw, pipe))
                    .filter(|link| !link.page.is_empty())
                    .any(|link| {
                        matches!(index.resolve(&sop.path, &link), WikiResolution::Found(p)
                            if crate::repo::files::strip_markdown_extension(&p).len() < p.len())
                    })
            })
    })
}

/// The link settings of the site generator the SOP folder `sops` belongs to, when `[links]` in
/// `settings` is left as it comes and one of `planned` (the adopted files) has a link that
/// only those settings find: MkDocs (`mkdocs.yml` in the folder or one above it, up to the
/// repository `root`; the site is built from its `docs_dir`) or Hugo (`hugo.toml`, or a
/// `config.toml` with a `baseURL`; the site is built from `content/`). Both serve a page at its
/// own folder (`a/b.md` at `a/b/`), so links between pages read as `style = "mkdocs"` reads
/// them.
pub fn site_links(
    settings: &Settings,
    root: &Path,
    sops: &Path,
    planned: &[Sop],
) -> Option<SiteLinks> {
    use crate::repo::links::{Dest, Entry, LinksConfig, Resolution, Resolver};
    let links = &settings.config.links;
    if links.style != LinkStyle::Files
        || !links.site_root.trim().is_empty()
        || !links.site_path.trim().is_empty()
    {
        return None;
    }
    let SiteGenerator {
        name: generator,
        style,
        site_root,
        site_path,
        ..
    } = site_generator(root, sops)?;
    let exists = |path: &str| {
        let meta = std::fs::symlink_metadata(root.join(path)).ok()?;
        if meta.is_file() {
            Some(Entry::File)
        } else if meta.is_dir() {
            Some(Entry::Folder)
        } else {
            None
        }
    };
    let now = Resolver::new(links);
    let theirs = Resolver::new(&LinksConfig {
        style,
        site_root: site_root.clone().unwrap_or_default(),
        site_path: site_path.clone().unwrap_or_default(),
        ..links.clone()
    });
    let found_only_theirs = planned.iter().any(|sop| {
        sop.outline().links.iter().filter(|l| !l.wiki).any(|l| {
            let Dest::Path { path, .. } = Dest::parse(&l.dest) else {
                return false;
            };
            !matches!(now.resolve(&sop.path, &path, exists), Resolution::Found(_))
                && matches!(
                    theirs.resolve(&sop.path, &path, exists),
                    Resolution::Found(_)
                )
        })
    });
    found_only_theirs.then_some(SiteLinks {
        generator,
        style,
        site_root: site_root.filter(|r| !r.is_empty()),
        site_path,
    })
}

/// The heading-id rule of the site generator the SOP folder `sops` belongs to, when it is
/// not GitHub's: MkDocs (unless its `mkdocs.yml` names its own `slugify`, whose ids sop
/// cannot tell).
pub fn site_anchors(root: &Path, sops: &Path) -> Option<AnchorRule> {
    let site = site_generator(root, sops)?;
    (site.name == "MkDocs" && !site.custom_slugify).then_some(AnchorRule::Mkdocs)
}

/// A site generator whose pages the documents are.
struct SiteGenerator {
    /// Its name, as its users write it.
    name: &'static str,
    /// How its pages link each other.
    style: LinkStyle,
    /// Where its links starting with `/` start, relative to the repository; `None` when that
    /// cannot be told.
    site_root: Option<String>,
    /// The address `site_root` is served under, when its links do not start with its folder
    /// names (`None` when they do).
    site_path: Option<String>,
    /// Whether it makes heading ids by a `slugify` function of the team's choice.
    custom_slugify: bool,
}

/// The site generator whose configuration is in `sops` or a folder above it up to `root`
/// (for Docusaurus, also in the root's `website/` folder): MkDocs and Hugo serve a page at its
/// own folder (`a/b.md` at `a/b/`), so links between pages read as `style = "mkdocs"` reads
/// them, from the folder the site is built from (MkDocs' `docs_dir`, Hugo's `content/`);
/// Docusaurus serves `a/b.md` at `a/b`, so links read as `style = "site"` reads them, and
/// `/docs/a/b` starts from the folder above its docs (by its `routeBasePath`), or, when the
/// `routeBasePath` is not the docs folder's name (`'handbook'`), from the docs folder after
/// that address.
fn site_generator(root: &Path, sops: &Path) -> Option<SiteGenerator> {
    // A configuration file is small; a larger one is not read.
    let read = |path: &Path| {
        let meta = std::fs::metadata(path).ok()?;
        (meta.is_file() && meta.len() < 1 << 20)
            .then(|| std::fs::read_to_string(path).ok())
            .flatten()
    };
    let relative = |folder: &Path| {
        let rel = folder.strip_prefix(root).ok()?;
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()?
            .join("/");
        // Written into sop.toml between quotes: a name that needs escaping is not offered.
        let plain =
            !rel.contains("..") && !rel.contains(['"', '\\']) && !rel.chars().any(char::is_control);
        (folder.is_dir() && plain).then_some(rel)
    };
    let docusaurus = |dir: &Path| {
        let text = ["js", "ts", "mjs", "cjs", "mts"]
            .iter()
            .find_map(|ext| read(&dir.join(format!("docusaurus.config.{ext}"))))?;
        let docs = dir.join("docs");
        let docs = if sops.starts_with(&docs) {
            docs
        } else {
            sops.to_path_buf()
        };
        let route = route_base_path(&text).unwrap_or_else(|| "docs".to_string());
        let route = route.trim_matches('/');
        let (site_root, site_path) = if route.is_empty() {
            (Some(docs), None)
        } else {
            let mut above = docs.clone();
            let tail: Vec<&str> = route.split('/').collect();
            let ends = tail.iter().rev().all(|part| {
                let same = above.file_name().and_then(|n| n.to_str()) == Some(*part);
                above.pop();
                same
            });
            // Written into sop.toml between quotes: an address that needs escaping is not
            // offered.
            let plain = !route.contains(['"', '\\']) && !route.chars().any(char::is_control);
            match (ends, plain) {
                (true, _) => (Some(above), None),
                (false, true) => (Some(docs), Some(route.to_string())),
                (false, false) => (None, None),
            }
        };
        let site_root = site_root.and_then(|f| relative(&f));
        Some(SiteGenerator {
            name: "Docusaurus",
            style: LinkStyle::Site,
            site_path: site_path.filter(|_| site_root.is_some()),
            site_root,
            custom_slugify: false,
        })
    };
    for dir in sops.ancestors().take_while(|d| d.starts_with(root)) {
        if let Some(text) = ["mkdocs.yml", "mkdocs.yaml"]
            .iter()
            .find_map(|n| read(&dir.join(n)))
        {
            let docs = text
                .lines()
                .find_map(|l| l.strip_prefix("docs_dir:"))
                .map(|v| v.trim().trim_matches(['"', '\'']).trim_end_matches('/'))
                .filter(|v| !v.is_empty())
                .unwrap_or("docs")
                .to_string();
            return Some(SiteGenerator {
                name: "MkDocs",
                style: LinkStyle::Mkdocs,
                site_root: Some(relative(&dir.join(docs))?),
                site_path: None,
                custom_slugify: text.lines().any(|l| l.trim_start().starts_with("slugify:")),
            });
        }
        if ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"]
            .iter()
            .any(|n| dir.join(n).is_file())
            || ["config.toml", "config.yaml", "config.yml"]
                .iter()
                .filter_map(|n| read(&dir.join(n)))
                .any(|t| t.to_ascii_lowercase().contains("baseurl"))
        {
            return Some(SiteGenerator {
                name: "Hugo",
                style: LinkStyle::Mkdocs,
                site_root: Some(relative(&dir.join("content"))?),
                site_path: None,
                custom_slugify: false,
            });
        }
        if let Some(site) = docusaurus(dir) {
            return Some(site);
        }
    }
    docusaurus(&root.join("website"))
}

/// The titles MkDocs' `nav:` gives pages (`- "Who's On-Call?": oncall/whos_oncall.md`), by
/// repository path, from the `mkdocs.yml` in the SOP folder `sops` or a folder above it up to
/// `root`; empty when there is none.
pub fn mkdocs_nav_titles(root: &Path, sops: &Path) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let Some((dir, text)) = sops
        .ancestors()
        .take_while(|d| d.starts_with(root))
        .find_map(|dir| {
            ["mkdocs.yml", "mkdocs.yaml"].iter().find_map(|n| {
                let path = dir.join(n);
                let meta = std::fs::metadata(&path).ok()?;
                (meta.is_file() && meta.len() < 1 << 20)
                    .then(|| std::fs::read_to_string(&path).ok())
                    .flatten()
                    .map(|t| (dir.to_path_buf(), t))
            })
        })
    else {
        return out;
    };
    let docs = text
        .lines()
        .find_map(|l| l.strip_prefix("docs_dir:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).trim_end_matches('/'))
        .filter(|v| !v.is_empty())
        .unwrap_or("docs")
        .to_string();
    let Some(base) = dir
        .join(&docs)
        .strip_prefix(root)
        .ok()
        .and_then(|p| p.to_str())
        .map(|p| p.replace('\\', "/"))
    else {
        return out;
    };
    let unquote = |v: &str| {
        let v = v.trim();
        if let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            inner.replace("\\\"", "\"")
        } else if let Some(inner) = v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            inner.replace("''", "'")
        } else {
            v.to_string()
        }
    };
    let mut in_nav = false;
    for line in text.lines() {
        if !line.starts_with([' ', '\t', '-']) && !line.trim().is_empty() {
            in_nav = line.trim_end() == "nav:";
            continue;
        }
        let Some(item) = line.trim_start().strip_prefix("- ").filter(|_| in_nav) else {
            continue;
        };
        let item = item.split(" #").next().unwrap_or(item);
        let Some((title, page)) = item.rsplit_once(": ") else {
            continue;
        };
        let page = unquote(page);
        let title = unquote(title);
        let lower = page.to_ascii_lowercase();
        if page.contains("://")
            || !(lower.ends_with(".md") || lower.ends_with(".markdown"))
            || title.is_empty()
            || title.chars().any(char::is_control)
        {
            continue;
        }
        if let Some(path) = crate::repo::links::join(&base, &page) {
            out.entry(path).or_insert(title);
        }
    }
    out
}

/// The docs' `routeBasePath` a Docusaurus configuration writes (`routeBasePath: '/'`), the
/// first one written.
fn route_base_path(config: &str) -> Option<String> {
    let at = config.find("routeBasePath")?;
    let rest = config.get(at + "routeBasePath".len()..)?;
    let rest = rest
        .trim_start()
        .trim_start_matches(['"', '\''])
        .trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| ['"', '\'', '`'].contains(c))?;
    let value = rest.get(1..)?;
    Some(value.get(..value.find(quote)?)?.to_string())
}

/// Why `sop.toml` could not be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditRefused(String);

/// `text`, the `sop.toml` at `path` as the team wrote it (empty when there is none), with the
/// settings of `needs` added.
///
/// # Errors
/// [`EditRefused`] when the file writes a setting in a form this edit does not change safely
/// (a list over several lines, `file_names = "id-slug"` written on purpose), or the edited
/// file would not read back as exactly these settings.
pub fn edit(text: &str, path: &Path, needs: &Needs) -> Result<String, EditRefused> {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if let Some(key) = &needs.id_key {
        set_line(
            &mut lines,
            "front_matter",
            "aliases",
            &format!(
                "aliases = {{ id = \"{key}\" }}        # written by sop adopt: Docusaurus owns `id:`, its page id"
            ),
        )?;
    }
    if needs.file_names_any {
        set_line(
            &mut lines,
            "sops",
            "file_names",
            "file_names = \"any\"                # written by sop adopt: the documents keep their names",
        )?;
    }
    if needs.wiki_links {
        set_line(
            &mut lines,
            "links",
            "wiki",
            "wiki = true                       # written by sop adopt: the documents link each other as a wiki does",
        )?;
    }
    if let Some(l) = &needs.site_links {
        set_line(
            &mut lines,
            "links",
            "style",
            &format!(
                "style = \"{}\"                  # written by sop adopt: links are {} page addresses",
                l.style.name(),
                l.generator
            ),
        )?;
        if let Some(root) = &l.site_root {
            set_line(
                &mut lines,
                "links",
                "site_root",
                &format!(
                    "site_root = \"{root}\"             # written by sop adopt: where {}'s links starting with `/` start",
                    l.generator
                ),
            )?;
        }
        if let Some(path) = &l.site_path {
            set_line(
                &mut lines,
                "links",
                "site_path",
                &format!(
                    "site_path = \"{path}\"             # written by sop adopt: the address {} serves site_root under",
                    l.generator
                ),
            )?;
        }
    }
    if let Some(rule) = needs.anchors {
        set_line(
            &mut lines,
            "links",
            "anchors",
            &format!(
                "anchors = \"{}\"            # written by sop adopt: heading ids as the site makes them",
                rule.name()
            ),
        )?;
    }
    if !needs.allow.is_empty() {
        add_to_list(
            &mut lines,
            "front_matter",
            "allow",
            &needs.allow,
            "# written by sop adopt: the documents' own keys",
        )?;
    }
    if !needs.exclude.is_empty() {
        add_to_list(
            &mut lines,
            "sops",
            "exclude",
            &needs.exclude,
            "# written by sop adopt: never SOPs",
        )?;
    }
    let mut out = lines.join(nl);
    out.push_str(nl);
    check(&out, path, needs)?;
    Ok(out)
}

/// Read `text` back and check that it gives every setting of `needs`.
fn check(text: &str, path: &Path, needs: &Needs) -> Result<(), EditRefused> {
    let settings = Settings::parse(text, path).map_err(|e| {
        EditRefused(format!(
            "the edited file would not be valid ({e}); nothing was changed in it"
        ))
    })?;
    let sops = &settings.config.sops;
    let allow = &settings.config.front_matter.allow;
    let ok = (!needs.file_names_any || sops.file_names == FileNames::Any)
        && (!needs.wiki_links || settings.config.links.wiki)
        && needs.site_links.as_ref().is_none_or(|l| {
            settings.config.links.style == l.style
                && settings.config.links.site_root == l.site_root.as_deref().unwrap_or_default()
                && settings.config.links.site_path == l.site_path.as_deref().unwrap_or_default()
        })
        && needs
            .anchors
            .is_none_or(|rule| settings.config.links.anchors == rule)
        && needs.allow.iter().all(|k| allow.contains(k))
        && needs
            .id_key
            .as_deref()
            .is_none_or(|k| settings.keys.written("id") == k)
        && needs.exclude.iter().all(|p| sops.exclude.contains(p));
    if ok {
        Ok(())
    } else {
        Err(EditRefused(
            "the edited file would not read back as these settings".to_string(),
        ))
    }
}

/// The tables of `lines`: each header's name and line index.
fn headers(lines: &[String]) -> Vec<(String, usize)> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let t = l.trim();
            let t = t.split_once('#').map_or(t, |(h, _)| h.trim_end());
            let name = t.strip_prefix('[')?.strip_suffix(']')?;
            (!name.starts_with('[')).then(|| (name.trim().to_string(), i))
        })
        .collect()
}

/// The line range of table `table` after its header (`None`: no such table).
fn table_range(lines: &[String], table: &str) -> Option<(usize, usize)> {
    let hs = headers(lines);
    let pos = hs.iter().position(|(n, _)| n == table)?;
    let start = hs.get(pos)?.1;
    let end = hs.get(pos + 1).map_or(lines.len(), |(_, i)| *i);
    Some((start, end))
}

/// Whether `line` sets `key` (`key = ...`), and whether it is commented out (`# key = ...`).
fn sets(line: &str, key: &str) -> Option<bool> {
    let t = line.trim_start();
    let (commented, t) = match t.strip_prefix('#') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let rest = t.strip_prefix(key)?;
    rest.trim_start().starts_with('=').then_some(commented)
}

/// Where to write `key` in `table`: after its commented-out line, else after the header; a
/// new table at the end when there is none. Returns the index to insert at, or the index of
/// the line that already sets the key.
/// Whether `text` (a `sop.toml`) sets `key` under `[table]`.
pub fn writes(text: &str, table: &str, key: &str) -> bool {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    matches!(place(&lines, table, key), Place::Written(_))
}

enum Place {
    Insert(usize),
    Written(usize),
    NewTable,
}

fn place(lines: &[String], table: &str, key: &str) -> Place {
    let Some((header, end)) = table_range(lines, table) else {
        return Place::NewTable;
    };
    let body = header + 1..end;
    if let Some(i) = body.clone().find(|&i| sets(&lines[i], key) == Some(false)) {
        return Place::Written(i);
    }
    // A commented-out line over several lines (`# exclude = [...,` then `#   ...]`): after
    // its last line.
    if let Some(i) = body.clone().find(|&i| sets(&lines[i], key) == Some(true)) {
        let mut last = i;
        if !lines[i].contains(']') && lines[i].contains('[') {
            while last + 1 < end && !lines[last].contains(']') {
                last += 1;
            }
        }
        return Place::Insert(last + 1);
    }
    Place::Insert(header + 1)
}

fn insert(
    lines: &mut Vec<String>,
    table: &str,
    key: &str,
    line: String,
) -> Result<(), EditRefused> {
    match place(lines, table, key) {
        Place::Insert(i) => lines.insert(i, line),
        Place::NewTable => {
            if lines.last().is_some_and(|l| !l.trim().is_empty()) {
                lines.push(String::new());
            }
            lines.push(format!("[{table}]"));
            lines.push(line);
        }
        Place::Written(i) => {
            return Err(EditRefused(format!(
                "line {} already sets `{key}` under `[{table}]`",
                i + 1
            )));
        }
    }
    Ok(())
}

fn set_line(
    lines: &mut Vec<String>,
    table: &str,
    key: &str,
    line: &str,
) -> Result<(), EditRefused> {
    insert(lines, table, key, line.to_string()).map_err(|_| {
        EditRefused(format!(
            "`sop.toml` already sets `{key}` under `[{table}]`, and sop adopt does not change a choice written there"
        ))
    })
}

/// Add `items` to the list `key` of `table`: appended inside its `[...]` when the list is
/// written on one line, else a new line `key = [...]  comment`.
fn add_to_list(
    lines: &mut Vec<String>,
    table: &str,
    key: &str,
    items: &[String],
    comment: &str,
) -> Result<(), EditRefused> {
    let Place::Written(i) = place(lines, table, key) else {
        let line = format!("{key} = [{}]   {comment}", quoted_toml(items));
        return insert(lines, table, key, line);
    };
    let line = &lines[i];
    let Some(close) = closing_bracket(line) else {
        return add_to_long_list(lines, i, items, comment).ok_or_else(|| {
            EditRefused(format!(
                "`{key}` under `[{table}]` (line {}) is written in a form this edit does not change safely: add {} to it by hand",
                i + 1,
                quoted(items)
            ))
        });
    };
    let open = line.find('[').unwrap_or(close);
    let inside = line.get(open + 1..close).unwrap_or_default().trim_end();
    let sep = if inside.trim().is_empty() {
        ""
    } else if inside.ends_with(',') {
        " "
    } else {
        ", "
    };
    let new = format!(
        "{}{sep}{}{}",
        line.get(..open + 1 + inside.len()).unwrap_or_default(),
        quoted_toml(items),
        line.get(close..).unwrap_or_default()
    );
    lines[i] = new;
    Ok(())
}

/// Add `items` to the list that starts on line `at` of `lines` and goes on over more lines
/// (`allow = [` ... `]`): a line of their own before the closing `]` (with the indent of the
/// line above, and `comment`), or before the `]` on the line of the last item; a `,` after the
/// last item when it has none. `None` (and nothing changed) when the list cannot be followed:
/// a string over several lines, or no closing `]`.
fn add_to_long_list(
    lines: &mut Vec<String>,
    at: usize,
    items: &[String],
    comment: &str,
) -> Option<()> {
    // Where the list closes, and the end of the last thing written in it (line, byte after).
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut depth = 0usize;
    let mut last: Option<(usize, usize, char)> = None;
    let mut close: Option<(usize, usize)> = None;
    'lines: for (n, line) in lines.iter().enumerate().skip(at) {
        let start = if n == at { line.find('[')? } else { 0 };
        if line.contains("\"\"\"") || line.contains("'''") {
            return None;
        }
        for (i, c) in line.char_indices().skip_while(|(i, _)| *i < start) {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '[' => depth += 1,
                    ']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            close = Some((n, i));
                            break 'lines;
                        }
                    }
                    '#' => break,
                    _ => {}
                },
            }
            if !c.is_whitespace() {
                last = Some((n, i + c.len_utf8(), c));
            }
        }
        // A string does not go on over a line break.
        if quote.is_some() {
            return None;
        }
    }
    let (close_line, close_at) = close?;
    let (last_line, last_end, last_char) = last?;
    let comma = !matches!(last_char, ',' | '[');
    let alone = lines[close_line]
        .get(..close_at)
        .is_some_and(|before| before.trim().is_empty());
    if alone && close_line > at {
        if comma {
            lines[last_line].insert(last_end, ',');
        }
        let above = &lines[close_line - 1];
        let indent: String = above.chars().take_while(|c| c.is_whitespace()).collect();
        let indent = if close_line - 1 == at {
            "  ".to_string()
        } else {
            indent
        };
        let line = format!("{indent}{},   {comment}", quoted_toml(items));
        lines.insert(close_line, line);
    } else {
        let sep = if comma { ", " } else { " " };
        lines[close_line].insert_str(close_at, &format!("{sep}{}", quoted_toml(items)));
    }
    Some(())
}

/// The byte offset of the `]` that closes the first `[` of `line`, outside strings; `None`
/// when the list goes on over more lines.
fn closing_bracket(line: &str) -> Option<usize> {
    let open = line.find('[')?;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut depth = 0usize;
    for (i, c) in line.char_indices().skip_while(|(i, _)| *i < open) {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' => depth += 1,
                ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i);
                    }
                }
                '#' => return None,
                _ => {}
            },
        }
    }
    None
}

/// `"a", "b"` as TOML strings.
fn quoted_toml(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `"a", "b"` for messages.
fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("sop.toml")
    }

    fn all() -> Needs {
        Needs {
            file_names_any: true,
            allow: vec!["date".into(), "draft".into()],
            exclude: Vec::new(),
            id_key: None,
            wiki_links: false,
            site_links: None,
            anchors: None,
        }
    }

    #[test]
    fn docusaurus_anchors_are_written_under_the_commented_line() {
        let template = crate::assets::builtin("init/sop.toml").unwrap();
        let needs = Needs {
            anchors: Some(AnchorRule::Docusaurus),
            ..Needs::default()
        };
        let out = edit(template, path(), &needs).unwrap();
        let settings = Settings::parse(&out, path()).unwrap();
        assert_eq!(settings.config.links.anchors, AnchorRule::Docusaurus);
        let at = out
            .lines()
            .position(|l| l.starts_with("anchors ="))
            .unwrap();
        assert!(out.lines().nth(at - 1).unwrap().starts_with("# anchors ="));
        assert_eq!(out.lines().count(), template.lines().count() + 1);
        assert!(needs.lines()[0].starts_with("`[links] anchors = \"docusaurus\"`"));
        // A rule the team wrote is its choice.
        assert!(edit("[links]\nanchors = \"github\"\n", path(), &needs).is_err());
    }

    #[test]
    fn wiki_links_are_turned_on_under_the_commented_line_never_over_a_choice() {
        let template = crate::assets::builtin("init/sop.toml").unwrap();
        let needs = Needs {
            wiki_links: true,
            ..Needs::default()
        };
        let out = edit(template, path(), &needs).unwrap();
        assert!(Settings::parse(&out, path()).unwrap().config.links.wiki);
        let wiki = out.lines().position(|l| l.starts_with("wiki =")).unwrap();
        assert!(out.lines().nth(wiki - 1).unwrap().starts_with("# wiki ="));
        assert!(
            out.lines()
                .nth(wiki)
                .unwrap()
                .contains("# written by sop adopt:")
        );
        assert_eq!(out.lines().count(), template.lines().count() + 1);
        assert!(needs.lines()[0].starts_with("`[links] wiki = true`"));
        assert_eq!(
            edit("", path(), &needs).unwrap(),
            "[links]\nwiki = true                       # written by sop adopt: the documents link each other as a wiki does\n"
        );
        // `wiki = false` written by the team is its choice.
        assert!(edit("[links]\nwiki = false\n", path(), &needs).is_err());
    }

    #[test]
    fn a_docusaurus_page_id_gives_sops_id_another_name_under_the_commented_lines() {
        let template = crate::assets::builtin("init/sop.toml").unwrap();
        let needs = Needs {
            allow: vec!["id".into(), "sidebar_position".into()],
            id_key: Some("sop_id".into()),
            ..Needs::default()
        };
        let out = edit(template, path(), &needs).unwrap();
        let settings = Settings::parse(&out, path()).unwrap();
        assert_eq!(settings.keys.written("id"), "sop_id");
        assert!(settings.keys.is_allowed("id"));
        let aliases = out
            .lines()
            .position(|l| l.starts_with("aliases ="))
            .unwrap();
        assert!(
            out.lines()
                .nth(aliases - 1)
                .unwrap()
                .starts_with("# aliases = { owner")
        );
        assert!(needs.lines()[0].starts_with("`[front_matter] aliases = { id = \"sop_id\" }`"));
        // A team's own aliases are its choice: the line is not changed.
        let refused = edit(
            "[front_matter]\naliases = { owner = \"owner_slack\" }\n",
            path(),
            &needs,
        );
        assert!(refused.is_err());
    }

    #[test]
    fn the_init_template_gets_one_line_under_each_commented_key() {
        let template = crate::assets::builtin("init/sop.toml").unwrap();
        let out = edit(template, path(), &all()).unwrap();
        let added: Vec<&str> = out
            .lines()
            .filter(|l| !template.lines().any(|t| t == *l))
            .collect();
        assert_eq!(
            added,
            [
                "file_names = \"any\"                # written by sop adopt: the documents keep their names",
                "allow = [\"date\", \"draft\"]   # written by sop adopt: the documents' own keys",
            ]
        );
        // Each right after the commented-out line of its key; nothing else moves.
        let fnames = out
            .lines()
            .position(|l| l.starts_with("file_names ="))
            .unwrap();
        assert!(
            out.lines()
                .nth(fnames - 1)
                .unwrap()
                .starts_with("# file_names =")
        );
        let allow = out.lines().position(|l| l.starts_with("allow =")).unwrap();
        assert!(out.lines().nth(allow - 1).unwrap().starts_with("# allow ="));
        assert_eq!(out.lines().count(), template.lines().count() + 2);
    }

    #[test]
    fn a_list_written_on_one_line_gets_the_items_and_keeps_its_comment() {
        let text = "[sops]\ndir = \"docs\"\nexclude = [\"drafts/\"]  # ours\n\n[front_matter]\nallow = [\"weight\"] # Hugo\n";
        let needs = Needs {
            exclude: vec!["CHANGELOG.md".into()],
            ..all()
        };
        let out = edit(text, path(), &needs).unwrap();
        assert_eq!(
            out,
            "[sops]\nfile_names = \"any\"                # written by sop adopt: the documents keep their names\ndir = \"docs\"\nexclude = [\"drafts/\", \"CHANGELOG.md\"]  # ours\n\n[front_matter]\nallow = [\"weight\", \"date\", \"draft\"] # Hugo\n"
        );
        let empty = edit("[front_matter]\nallow = []\n", path(), &all()).unwrap();
        assert!(empty.contains("allow = [\"date\", \"draft\"]\n"), "{empty}");
    }

    #[test]
    fn missing_tables_are_added_at_the_end_and_crlf_is_kept() {
        let out = edit("[site]\r\ntitle = \"Ops\"\r\n", path(), &all()).unwrap();
        assert_eq!(
            out,
            "[site]\r\ntitle = \"Ops\"\r\n\r\n[sops]\r\nfile_names = \"any\"                # written by sop adopt: the documents keep their names\r\n\r\n[front_matter]\r\nallow = [\"date\", \"draft\"]   # written by sop adopt: the documents' own keys\r\n"
        );
        let new = edit("", path(), &all()).unwrap();
        assert!(new.starts_with("[sops]\nfile_names = \"any\""), "{new}");
    }

    #[test]
    fn a_choice_written_on_purpose_is_not_changed() {
        let err = edit("[sops]\nfile_names = \"id-slug\"\n", path(), &all()).unwrap_err();
        assert!(
            err.to_string().contains("already sets `file_names`"),
            "{err}"
        );
    }

    #[test]
    fn a_list_over_several_lines_gets_the_items_before_its_closing_bracket() {
        let c = "# written by sop adopt: the documents' own keys";
        for (before, after) in [
            (
                "allow = [\n  \"weight\",\n]\n",
                format!("allow = [\n  \"weight\",\n  \"date\", \"draft\",   {c}\n]\n"),
            ),
            (
                "allow = [\n  \"layout\"    # Jekyll\n]\n",
                format!("allow = [\n  \"layout\",    # Jekyll\n  \"date\", \"draft\",   {c}\n]\n"),
            ),
            (
                "allow = [\n    \"a\", \"b\"]\n",
                "allow = [\n    \"a\", \"b\", \"date\", \"draft\"]\n".to_string(),
            ),
            (
                "allow = [  # ours\n]\n",
                format!("allow = [  # ours\n  \"date\", \"draft\",   {c}\n]\n"),
            ),
        ] {
            let out = edit(&format!("[front_matter]\n{before}"), path(), &all()).unwrap();
            assert!(out.contains(&after), "{before}\n---\n{out}");
            assert!(out.contains("\nfile_names = \"any\""), "{out}");
        }
        // A string over several lines is not followed.
        let err = edit(
            "[front_matter]\nallow = [\n  \"\"\"a\n\"\"\",\n]\n",
            path(),
            &all(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("add \"date\", \"draft\" to it by hand"),
            "{err}"
        );
    }
}
