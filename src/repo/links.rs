//! Where a link written in a document points in the repository, by the team's link style
//! (`[links]` in `sop.toml`). One resolver serves lint (`link-broken`, `anchor-broken`) and
//! the site (which rewrites the link to the page it found), so lint accepts exactly the links
//! the site keeps.
//!
//! - `files` (the default): a path relative to the document's folder, as GitHub and GitLab
//!   show them; `/a/b.md` starts at `site_root`.
//! - `mkdocs`: as `files`, and also page URLs relative to the page's own URL with MkDocs'
//!   `use_directory_urls` (page `a/b.md` is served at `a/b/`, `a/index.md` at `a/`).
//! - `site`: as `files`, and site URLs: `x.html` is the page made from `x.md` (or
//!   `x.markdown`, `x.html.md.erb`), `x/` the page made from `x.md` or `x/index.md`, and
//!   `/a/b.html` starts at `site_root`.
//!
//! In every style a link to a folder means its `index.md`, else `README.md`, else
//! `_index.md`. The resolver only finds a path inside the repository; whether that file may be
//! published (tracked, not a symbolic link that leaves the repository, not active content) is
//! asked afterwards by the caller, through [`crate::publishable`]. Depends on nothing else in
//! the crate but the anchor rule.

use serde::{Deserialize, Serialize};

use super::anchors::AnchorRule;

/// `[links]`: how the team writes links between its documents.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    /// How links are written: `"files"` (paths to files, as GitHub and GitLab show them),
    /// `"mkdocs"` (also MkDocs page URLs such as `../page/`) or `"site"` (also site URLs such
    /// as `page.html`, `page/` and `/manual/page.html`).
    pub style: LinkStyle,
    /// The repository folder served as the site's `/`, for links that start with `/`
    /// (`/manual/x.html`); empty for the repository root.
    pub site_root: String,
    /// The address `site_root` is served under when it is not the site's `/` (Docusaurus's
    /// `routeBasePath`, such as `"handbook"`): a link starting with `/handbook/` is read from
    /// `site_root`. Empty when `site_root` is the site's `/`.
    pub site_path: String,
    /// The rule that makes heading ids for `#anchor` links: `"github"`, `"gitlab"`,
    /// `"mkdocs"`, `"kramdown"` or `"docusaurus"`. The published site gives headings the same
    /// ids.
    pub anchors: AnchorRule,
    /// Whether wiki links (`[[Escalation policy]]`, `![[diagram.png]]`) are read as links:
    /// checked by lint and made into links on the site. Off by default: outside wikis `[[`
    /// is prose (a shell test `[[ -f x ]]`, a matrix `[[1, 2], [3, 4]]`) and stays as written;
    /// `sop adopt` turns it on for documents that use wiki links.
    pub wiki: bool,
    /// Which side of `|` in `[[a|b]]` names the page: `"page-first"` (`[[Page|text]]`:
    /// Obsidian, Foam, MkDocs roamlinks and ezlinks, MediaWiki) or `"text-first"`
    /// (`[[text|Page]]`: GitHub wikis).
    pub wiki_pipe: super::wiki::WikiPipe,
}

/// How links between documents are written.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum LinkStyle {
    /// Paths to files, relative to the document's folder.
    #[default]
    Files,
    /// MkDocs: file paths and page URLs (`../page/`) relative to the page's URL.
    Mkdocs,
    /// A static site: file paths and site URLs (`page.html`, `page/`, `/manual/page.html`).
    Site,
}

impl LinkStyle {
    /// The style's name as written in `sop.toml`.
    pub fn name(self) -> &'static str {
        match self {
            LinkStyle::Files => "files",
            LinkStyle::Mkdocs => "mkdocs",
            LinkStyle::Site => "site",
        }
    }
}

/// What a link destination is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest<'a> {
    /// Nothing written.
    Empty,
    /// `#fragment`: a heading of the same page (the fragment as written, without `#`).
    SamePage(&'a str),
    /// A URL with a scheme (`https:`, `mailto:`, ...) or starting with `//`: not a file.
    External,
    /// A path in the repository: percent-decoded, without query; and the fragment as written.
    Path {
        /// The path part, decoded.
        path: String,
        /// The part after `#`, as written.
        fragment: Option<&'a str>,
    },
}

impl<'a> Dest<'a> {
    /// Read a link destination as written in a document.
    pub fn parse(dest: &'a str) -> Dest<'a> {
        let dest = dest.trim();
        if dest.is_empty() {
            return Dest::Empty;
        }
        if has_scheme(dest) || dest.starts_with("//") {
            return Dest::External;
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or_default();
        match (path.is_empty(), fragment) {
            (true, Some(f)) => Dest::SamePage(f),
            (true, None) => Dest::Empty,
            (false, _) => Dest::Path {
                path: super::markdown::percent_decode(path),
                fragment,
            },
        }
    }
}

/// The schemes a published link may use, the one list the site (its renderer and its
/// sanitiser) and lint (`html-removed`, `image-not-published`) read: web addresses, and the
/// addresses operations staff link to that open another program (mail, a phone call or text,
/// a file server, a Slack channel, a Teams meeting) and can run nothing in the page. Never
/// `javascript:`, `vbscript:` or `data:` (which run or show content as part of the site), nor
/// `file:` (a path on the writer's own computer).
pub const KEPT_SCHEMES: [&str; 9] = [
    "http", "https", "mailto", "tel", "sms", "ftp", "sftp", "slack", "msteams",
];

/// The scheme of `url` (`https`) as a browser reads it, lowercase, if it has one: ASCII tabs,
/// newlines and other controls are ignored (`java\tscript:` is `javascript`), and a colon
/// after the first `/`, `?` or `#` is part of a path.
pub fn url_scheme(url: &str) -> Option<String> {
    // One pass, no copy of the URL: most links have no scheme and end here at their first
    // character (`../a.md`, `#step-2`).
    let mut scheme = String::new();
    for c in url.chars() {
        if c.is_ascii_whitespace() || c.is_ascii_control() {
            continue;
        }
        match c {
            ':' => return (!scheme.is_empty()).then_some(scheme),
            c if scheme.is_empty() && !c.is_ascii_alphabetic() => return None,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    None
}

/// What the site does with a link or image address written in an SOP (character references
/// decoded, as [`crate::repo::html::UrlAttribute::decoded`] and Markdown give it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Kept: relative, or a valid address with one of [`KEPT_SCHEMES`].
    Kept,
    /// Removed: its scheme (lowercase, as [`url_scheme`] reads it) is not kept.
    Scheme(String),
    /// Removed: its scheme is kept, but it is not a valid address; what is wrong, in words.
    Invalid(&'static str),
}

/// What the site does with `url`. The site's sanitiser (ammonia) reads an address with the
/// `url` crate, as browsers read it, and keeps it only when that finds no scheme (a relative
/// link) or a valid address with a kept scheme: `slack://a" onclick="x` goes, because a
/// quote or space cannot be part of a host name. The site drops what this does not keep
/// before the sanitiser sees it (so a page without raw HTML, which skips the sanitiser, drops
/// the same links), and lint reports it: one decision for both.
pub fn verdict(url: &str) -> Verdict {
    // Most links have no scheme and end here at their first character.
    let Some(scheme) = url_scheme(url) else {
        return Verdict::Kept;
    };
    if !KEPT_SCHEMES.contains(&scheme.as_str()) {
        return Verdict::Scheme(scheme);
    }
    use ammonia::url::{ParseError, Url};
    match Url::parse(url) {
        // No scheme for the URL parser (`ht tps://x`): a relative link, as browsers read it.
        Ok(_) | Err(ParseError::RelativeUrlWithoutBase) => Verdict::Kept,
        Err(ParseError::InvalidDomainCharacter) => Verdict::Invalid(
            "its host name (after `//`, up to the next `/`) holds a space or another character no host name can have",
        ),
        Err(ParseError::EmptyHost) => Verdict::Invalid("it names no host after `//`"),
        Err(ParseError::InvalidPort) => Verdict::Invalid(
            "its port (the number after the host name's `:`) is not a number from 0 to 65535",
        ),
        Err(ParseError::InvalidIpv4Address) => Verdict::Invalid("its IP address is not valid"),
        Err(ParseError::InvalidIpv6Address) => {
            Verdict::Invalid("its IPv6 address (between `[` and `]`) is not valid")
        }
        Err(ParseError::IdnaError) => Verdict::Invalid(
            "its host name (after `//`, up to the next `/`) holds a space or another character no host name can have, or is not a valid international domain name",
        ),
        Err(_) => Verdict::Invalid("it is not a valid address"),
    }
}

/// Whether the site keeps a link to `url` ([`verdict`]).
pub fn scheme_kept(url: &str) -> bool {
    verdict(url) == Verdict::Kept
}

/// Whether `url` names a file on another site (`https://…`, `//host/…`), which a page must not
/// load: the site leaves out a picture written in raw HTML at such an address, and lint says so.
pub fn is_remote(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("//")
        || url.starts_with("\\\\")
        || matches!(url_scheme(url).as_deref(), Some("http" | "https"))
}

/// Whether `dest` starts with a URL scheme (`https:`, `mailto:`, `tel:`).
pub fn has_scheme(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// What is at a repository path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A file (or a document known to be there).
    File,
    /// A folder.
    Folder,
}

/// Where a path written in a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The repository file (relative to the root, `/`-separated).
    Found(String),
    /// No file there: the repository paths looked at, in order.
    Missing {
        /// Every path tried.
        tried: Vec<String>,
    },
    /// The path climbs above the repository root.
    Outside,
}

/// Resolves link paths by the team's link style.
#[derive(Debug, Clone)]
pub struct Resolver {
    style: LinkStyle,
    /// `site_root`, normalised: no leading or trailing `/`, empty for the repository root.
    site_root: String,
    /// `site_path`, normalised as `site_root`; empty when `site_root` is served as `/`.
    site_path: String,
}

/// Extensions of Markdown sources, longest first.
const SOURCE_EXTENSIONS: &[&str] = &[".html.md.erb", ".md.erb", ".markdown", ".md"];

/// The files that stand for a folder, in the order they are looked for.
const FOLDER_INDEXES: &[&str] = &["index.md", "README.md", "_index.md"];

impl Resolver {
    /// The resolver for `[links]`.
    pub fn new(config: &LinksConfig) -> Resolver {
        Resolver {
            style: config.style,
            site_root: join("", &config.site_root).unwrap_or_default(),
            site_path: join("", &config.site_path).unwrap_or_default(),
        }
    }

    /// The repository path a site-absolute link (`rest`, after its first `/`) leads to: from
    /// `site_root`, after `site_path` when the link starts with it.
    fn under_site_root(&self, rest: &str) -> Option<String> {
        let rest = rest.trim_start_matches('/');
        let under = (!self.site_path.is_empty())
            .then(|| rest.strip_prefix(self.site_path.as_str()))
            .flatten()
            .filter(|tail| tail.is_empty() || tail.starts_with('/'));
        join(
            &self.site_root,
            under.unwrap_or(rest).trim_start_matches('/'),
        )
    }

    /// The link style in use.
    pub fn style(&self) -> LinkStyle {
        self.style
    }

    /// Where `path` (decoded, as [`Dest::parse`] gives it), written in the document at `from`
    /// (a repository path), leads. `exists` says what is at a repository path.
    pub fn resolve(
        &self,
        from: &str,
        path: &str,
        exists: impl Fn(&str) -> Option<Entry>,
    ) -> Resolution {
        let dir_url = path.ends_with('/')
            || matches!(path, "." | "..")
            || path.ends_with("/.")
            || path.ends_with("/..");
        let mut bases: Vec<Option<String>> = Vec::new();
        if path.starts_with('/') {
            bases.push(self.under_site_root(path));
        } else {
            // MkDocs reads a page URL from the page's own URL; a link to a `.md` file, and
            // any link MkDocs does not recognise, from the source file's folder.
            if self.style == LinkStyle::Mkdocs && !is_source(path) {
                bases.push(join(&page_url_folder(from), path));
            }
            bases.push(join(parent(from), path));
        }
        let mut tried: Vec<String> = Vec::new();
        let mut inside = false;
        for base in bases.into_iter().flatten() {
            inside = true;
            for candidate in self.candidates(&base, dir_url, &exists) {
                if exists(&candidate) == Some(Entry::File) {
                    return Resolution::Found(candidate);
                }
                if !tried.contains(&candidate) {
                    tried.push(candidate);
                }
            }
        }
        if inside {
            Resolution::Missing { tried }
        } else {
            Resolution::Outside
        }
    }

    /// Where the image `path` (decoded), shown in the document at `from`, is: the path itself,
    /// relative to the document's folder (or to `site_root` when it starts with `/`), in every
    /// style; a folder is found as it is, for the caller to refuse.
    pub fn resolve_image(
        &self,
        from: &str,
        path: &str,
        exists: impl Fn(&str) -> Option<Entry>,
    ) -> Resolution {
        let joined = match path.strip_prefix('/') {
            Some(rest) => self.under_site_root(rest),
            None => join(parent(from), path),
        };
        match joined {
            None => Resolution::Outside,
            Some(target) if exists(&target).is_some() => Resolution::Found(target),
            Some(target) => Resolution::Missing {
                tried: vec![target],
            },
        }
    }

    /// The repository paths `target` may stand for, in the order they are tried.
    fn candidates(
        &self,
        target: &str,
        dir_url: bool,
        exists: &impl Fn(&str) -> Option<Entry>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let in_folder = |name: &str| {
            if target.is_empty() {
                name.to_string()
            } else {
                format!("{target}/{name}")
            }
        };
        let folder = exists(target) == Some(Entry::Folder) || target.is_empty();
        if self.style == LinkStyle::Files {
            if !dir_url && !target.is_empty() {
                out.push(target.to_string());
            }
            if dir_url || folder {
                out.extend(FOLDER_INDEXES.iter().map(|n| in_folder(n)));
            }
            return out;
        }
        let lower = target.to_ascii_lowercase();
        if let Some(stem) = [".html", ".htm"].iter().find_map(|ext| {
            lower
                .ends_with(ext)
                .then(|| &target[..target.len() - ext.len()])
        }) {
            out.extend(source_files(stem));
            out.push(target.to_string());
            if let Some(folder) = stem
                .strip_suffix("index")
                .filter(|f| f.is_empty() || f.ends_with('/'))
            {
                let folder = folder.trim_end_matches('/');
                out.extend(
                    FOLDER_INDEXES
                        .iter()
                        .skip(1)
                        .map(|n| join(folder, n).unwrap_or_default()),
                );
            }
            return out;
        }
        let name = target.rsplit('/').next().unwrap_or(target);
        let no_extension = !name.contains('.');
        if !dir_url && !target.is_empty() {
            out.push(target.to_string());
        }
        if dir_url || folder || no_extension {
            if !target.is_empty() {
                out.extend(source_files(target));
            }
            out.extend(source_files(&in_folder("index")));
            out.extend(["_index.md", "README.md"].map(in_folder));
        }
        out
    }
}

/// The Markdown sources a site page `stem` (a path without extension) may be made from.
fn source_files(stem: &str) -> impl Iterator<Item = String> {
    let stem = stem.to_string();
    [".md", ".markdown", ".html.md.erb", ".html.md"]
        .into_iter()
        .map(move |ext| format!("{stem}{ext}"))
}

/// Whether `path` names a Markdown source file.
fn is_source(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    SOURCE_EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// The folder of the repository path `file` (`""` at the root).
fn parent(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The folder MkDocs serves the page made from `file` as (`a/b.md` → `a/b`, `a/index.md` and
/// `a/README.md` → `a`), against which the page's relative URLs resolve.
fn page_url_folder(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let lower = name.to_ascii_lowercase();
    let stem_len = SOURCE_EXTENSIONS
        .iter()
        .find(|e| lower.ends_with(*e))
        .map_or(name.len(), |e| name.len() - e.len());
    let stem = &name[..stem_len];
    let folder = parent(file);
    if stem.eq_ignore_ascii_case("index") || stem.eq_ignore_ascii_case("readme") {
        folder.to_string()
    } else if folder.is_empty() {
        stem.to_string()
    } else {
        format!("{folder}/{stem}")
    }
}

/// `dest` joined to the repository folder `folder` (or to the root when `dest` starts with
/// `/`), normalised: `/`-separated, no `.` or `..`, no leading or trailing `/` (`""` is the
/// root). `None` when it climbs above the root.
pub fn join(folder: &str, dest: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dest.starts_with('/') {
        Vec::new()
    } else {
        folder.split('/').filter(|p| !p.is_empty()).collect()
    };
    for seg in dest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(style: LinkStyle, site_root: &str) -> Resolver {
        Resolver::new(&LinksConfig {
            style,
            site_root: site_root.into(),
            anchors: AnchorRule::Github,
            ..LinksConfig::default()
        })
    }

    /// A repository holding `files`; every folder on their paths exists too.
    fn repo<'f>(files: &'f [&'f str]) -> impl Fn(&str) -> Option<Entry> + 'f {
        move |p: &str| {
            if files.contains(&p) {
                Some(Entry::File)
            } else if p.is_empty() || files.iter().any(|f| f.starts_with(&format!("{p}/"))) {
                Some(Entry::Folder)
            } else {
                None
            }
        }
    }

    fn found(r: &Resolver, files: &[&str], from: &str, path: &str) -> Option<String> {
        match r.resolve(from, path, repo(files)) {
            Resolution::Found(f) => Some(f),
            _ => None,
        }
    }

    #[test]
    fn site_absolute_links_start_after_the_site_path() {
        let files = ["docs/payments/refunds.md", "docs/handbook/x.md"];
        let r = Resolver::new(&LinksConfig {
            style: LinkStyle::Site,
            site_root: "docs".into(),
            site_path: "/handbook/".into(),
            ..LinksConfig::default()
        });
        let f = |path| found(&r, &files, "docs/a.md", path);
        assert_eq!(
            f("/handbook/payments/refunds").as_deref(),
            Some("docs/payments/refunds.md")
        );
        // Only a whole first segment is the site path.
        assert_eq!(f("/handbookx/payments/refunds"), None);
        // A link that does not start with it is read from `site_root` as before.
        assert_eq!(
            f("/payments/refunds").as_deref(),
            Some("docs/payments/refunds.md")
        );
        assert_eq!(
            r.resolve_image("docs/a.md", "/handbook/payments/refunds.md", repo(&files)),
            Resolution::Found("docs/payments/refunds.md".into())
        );
    }

    #[test]
    fn destinations_are_told_apart() {
        assert_eq!(Dest::parse("  "), Dest::Empty);
        assert_eq!(Dest::parse("#a%20b"), Dest::SamePage("a%20b"));
        assert_eq!(Dest::parse("mailto:a@b.c"), Dest::External);
        assert_eq!(Dest::parse("https://x/y.md"), Dest::External);
        assert_eq!(Dest::parse("//cdn/x.png"), Dest::External);
        assert_eq!(
            Dest::parse("a%20b.md?x=1#Top"),
            Dest::Path {
                path: "a b.md".into(),
                fragment: Some("Top")
            }
        );
        assert!(has_scheme("tel:+1") && !has_scheme("a.md") && !has_scheme("1:2"));
    }

    #[test]
    fn files_style_resolves_paths_and_folders() {
        let files = [
            "sops/a/x.md",
            "sops/b/y.md",
            "sops/b/README.md",
            "docs/index.md",
            "docs/index.html",
            "sops/c/_index.md",
            "img/i.png",
        ];
        let r = resolver(LinkStyle::Files, "");
        let f = |path| found(&r, &files, "sops/a/x.md", path);
        assert_eq!(f("../b/y.md").as_deref(), Some("sops/b/y.md"));
        assert_eq!(f("/img/i.png").as_deref(), Some("img/i.png"));
        assert_eq!(f("../b/").as_deref(), Some("sops/b/README.md"));
        assert_eq!(f("../b").as_deref(), Some("sops/b/README.md"));
        assert_eq!(f("../../docs").as_deref(), Some("docs/index.md"));
        assert_eq!(f("../c").as_deref(), Some("sops/c/_index.md"));
        // No page URLs in this style.
        assert_eq!(f("../b/y.html"), None);
        assert_eq!(
            r.resolve_image("sops/a/x.md", "../b", repo(&files)),
            Resolution::Found("sops/b".into())
        );
        assert_eq!(
            r.resolve_image("sops/a/x.md", "/img/i.png", repo(&files)),
            Resolution::Found("img/i.png".into())
        );
        assert_eq!(f("../b/y/"), None);
        assert_eq!(
            r.resolve("sops/a/x.md", "../../../etc/passwd", repo(&files)),
            Resolution::Outside
        );
        assert_eq!(
            r.resolve("sops/a/x.md", "z.md", repo(&files)),
            Resolution::Missing {
                tried: vec!["sops/a/z.md".into()]
            }
        );
        assert_eq!(
            r.resolve("sops/a/x.md", "../", repo(&files)),
            Resolution::Missing {
                tried: vec![
                    "sops/index.md".into(),
                    "sops/README.md".into(),
                    "sops/_index.md".into()
                ]
            }
        );
    }

    #[test]
    fn mkdocs_style_reads_page_urls_from_the_page_url() {
        let files = [
            "docs/a/b.md",
            "docs/a/c.md",
            "docs/a/d/index.md",
            "docs/a/index.md",
            "docs/e.md",
        ];
        let r = resolver(LinkStyle::Mkdocs, "docs");
        let f = |from, path| found(&r, &files, from, path);
        // `docs/a/b.md` is served at `a/b/`: `../c/` is `a/c/`.
        assert_eq!(f("docs/a/b.md", "../c/").as_deref(), Some("docs/a/c.md"));
        assert_eq!(
            f("docs/a/b.md", "../d/").as_deref(),
            Some("docs/a/d/index.md")
        );
        assert_eq!(f("docs/a/b.md", "../../e/").as_deref(), Some("docs/e.md"));
        // `docs/a/index.md` is served at `a/`: `c/` is `a/c/`.
        assert_eq!(f("docs/a/index.md", "c/").as_deref(), Some("docs/a/c.md"));
        // Plain Markdown links are relative to the source file.
        assert_eq!(f("docs/a/b.md", "c.md").as_deref(), Some("docs/a/c.md"));
        assert_eq!(f("docs/a/b.md", "../e.md").as_deref(), Some("docs/e.md"));
        assert_eq!(f("docs/a/b.md", "../../e.md"), None);
        assert_eq!(f("docs/a/b.md", "c.html").as_deref(), Some("docs/a/c.md"));
        assert_eq!(f("docs/a/b.md", "/e/").as_deref(), Some("docs/e.md"));
        assert_eq!(f("docs/a/b.md", "/a/").as_deref(), Some("docs/a/index.md"));
        assert_eq!(f("docs/a/b.md", "../x/"), None);
    }

    #[test]
    fn site_style_reads_html_and_site_absolute_links() {
        let files = [
            "source/manual/x.html.md.erb",
            "source/manual/index.html.md.erb",
            "source/guide/y.md",
            "source/guide/z/_index.md",
            "source/guide/w.markdown",
            "source/index.md",
        ];
        let r = resolver(LinkStyle::Site, "source/");
        let f = |from, path| found(&r, &files, from, path);
        let from = "source/guide/y.md";
        assert_eq!(
            f(from, "/manual/x.html").as_deref(),
            Some("source/manual/x.html.md.erb")
        );
        assert_eq!(
            f(from, "/manual/").as_deref(),
            Some("source/manual/index.html.md.erb")
        );
        assert_eq!(f(from, "z/").as_deref(), Some("source/guide/z/_index.md"));
        assert_eq!(
            f(from, "w.html").as_deref(),
            Some("source/guide/w.markdown")
        );
        assert_eq!(f(from, "/").as_deref(), Some("source/index.md"));
        assert_eq!(f(from, "/index.html").as_deref(), Some("source/index.md"));
        assert_eq!(f(from, "/guide/y").as_deref(), Some("source/guide/y.md"));
        assert_eq!(f(from, "/manual/missing.html"), None);
        match r.resolve(from, "/manual/missing.html", repo(&files)) {
            Resolution::Missing { tried } => {
                assert_eq!(
                    tried.first().map(String::as_str),
                    Some("source/manual/missing.md")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn joins_stay_inside_the_repository() {
        assert_eq!(join("sops/a", "../b/y.md").as_deref(), Some("sops/b/y.md"));
        assert_eq!(join("sops/a", "../../../x"), None);
        assert_eq!(
            join("sops/a", "/assets/a.png").as_deref(),
            Some("assets/a.png")
        );
        assert_eq!(join("", "./").as_deref(), Some(""));
        assert_eq!(page_url_folder("docs/a/b.md"), "docs/a/b");
        assert_eq!(page_url_folder("docs/a/index.md"), "docs/a");
        assert_eq!(page_url_folder("x.md"), "x");
    }

    #[test]
    fn kept_schemes_are_read_as_a_browser_reads_them_and_documented() {
        for kept in [
            "slack://channel?team=T01&id=C02",
            "msteams://teams.microsoft.com/l/x",
            "SMS:+4930123456",
            "tel:+49",
            "sftp://files.example.com/a",
            "../a.md#x:y",
            "a/b:c",
        ] {
            assert!(scheme_kept(kept), "{kept}");
        }
        for dropped in [
            "javascript:alert(1)",
            " java\tscript:x",
            "vbscript:x",
            "data:text/html,x",
            "file:///etc/passwd",
            "zoommtg://zoom.us/join",
        ] {
            assert!(!scheme_kept(dropped), "{dropped}");
        }
        assert_eq!(url_scheme("Java\nScript:x").as_deref(), Some("javascript"));
        // A kept scheme is not enough: the address must be valid, as the sanitiser reads it.
        for invalid in [
            "slack://a\" onclick=\"alert(1)",
            "https://exa mple.com/",
            "https://x:99999/",
            "https://",
            "http://[::1/",
        ] {
            assert!(
                matches!(verdict(invalid), Verdict::Invalid(_)),
                "{invalid}: {:?}",
                verdict(invalid)
            );
        }
        assert_eq!(verdict("ht tps://x"), Verdict::Kept);
        assert_eq!(verdict("ZOOMMTG:x"), Verdict::Scheme("zoommtg".into()));
        let doc = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/rules/html-removed.md"
        ));
        for scheme in KEPT_SCHEMES {
            assert!(
                doc.contains(&format!("`{scheme}:`")),
                "docs/rules/html-removed.md lacks `{scheme}:`"
            );
        }
    }
}
