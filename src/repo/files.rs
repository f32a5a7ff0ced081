//! Which files are SOPs, by name: `[sops] extensions`, `include` and `exclude`, and the
//! `[types.*] paths` patterns.
//!
//! Patterns are read as lines of a `.gitignore` file, by the `ignore` crate's own matcher: `*`
//! stops at `/`, `**` crosses folders, `!` negates, a pattern without a `/` matches at any
//! depth, a leading `/` anchors it, a trailing `/` matches folders only. As in git, nothing
//! inside an excluded folder comes back through a `!` line of the same list; `include` does
//! bring it back.

use std::path::Path;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The extensions a file may have to be an SOP: each is Markdown. `md.erb` also covers
/// `.html.md.erb` (the tech-docs convention), `markdown.erb` also `.html.markdown.erb`.
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "md.erb", "markdown.erb"];

/// The files left out unless `[sops] exclude` is written: they describe a folder or are a
/// site generator's landing page.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    "README.md",
    "index.md",
    "_index.md",
    "CHANGELOG.*",
    "CONTRIBUTING.*",
    "LICENSE.*",
    "CODE_OF_CONDUCT.*",
    "SECURITY.*",
    "AUTHORS.*",
    "NOTICE.*",
    "SUMMARY.*",
];

/// The names (without extension, written in capitals as the convention has them) of files
/// that describe a project and are never an SOP: a changelog, a contributing guide, a licence, a
/// code of conduct, a security policy, a list of authors, a notice, and the table of contents of
/// an mdBook or GitBook book (`SUMMARY.md`, which the book's build reads as its chapter list). The same words in small
/// letters (`security.md`, `notice.md`) may well be an SOP's file name, and stay SOPs.
pub const NEVER_SOPS: &[&str] = &[
    "CHANGELOG",
    "CONTRIBUTING",
    "LICENSE",
    "CODE_OF_CONDUCT",
    "SECURITY",
    "AUTHORS",
    "NOTICE",
    "SUMMARY",
];

/// The conventional name (`CHANGELOG`) of the file named `name` (no folders) when that says
/// it is never an SOP: `CHANGELOG.md`, `LICENSE.markdown` (not `security.md`).
pub fn never_sop(name: &str) -> Option<&'static str> {
    let stem = strip_markdown_extension(name);
    if stem.len() == name.len() {
        return None;
    }
    NEVER_SOPS.iter().copied().find(|n| *n == stem)
}

/// Whether `pattern` is one of the default exclusions of project files (`CHANGELOG.*`), which
/// leave out only names written in capitals: `never_sop` decides.
fn is_project_pattern(pattern: &str) -> bool {
    pattern
        .strip_suffix(".*")
        .is_some_and(|stem| NEVER_SOPS.contains(&stem))
}

/// A pattern that is not a valid glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern {
    /// The pattern as written.
    pub pattern: String,
    /// What is wrong with it, in words.
    pub reason: String,
}

/// A list of gitignore-style patterns, in the order written.
#[derive(Debug, Clone)]
pub struct Patterns {
    matcher: Gitignore,
}

impl Patterns {
    /// Compile `patterns`; `case_insensitive` for names that differ only in case
    /// (`readme.md` for `README.md`).
    ///
    /// # Errors
    /// The first pattern that is not a valid glob.
    pub fn new(patterns: &[String], case_insensitive: bool) -> Result<Patterns, BadPattern> {
        let mut builder = GitignoreBuilder::new(".");
        builder.allow_unclosed_class(false);
        // Never fails: the result is only kept for compatibility.
        let _ = builder.case_insensitive(case_insensitive);
        for pattern in patterns {
            let bad = |reason: String| BadPattern {
                pattern: pattern.clone(),
                reason,
            };
            if pattern.trim().is_empty() || pattern.trim() == "!" {
                return Err(bad("the pattern is empty".into()));
            }
            if pattern.starts_with('#') {
                return Err(bad(
                    "a pattern cannot start with `#` (write `\\#` for a name that does)".into(),
                ));
            }
            if pattern.contains('\\') && pattern.ends_with('\\') {
                return Err(bad("the pattern ends with a lone `\\`".into()));
            }
            builder.add_line(None, pattern).map_err(|e| match e {
                ignore::Error::Glob { err, .. } => bad(err),
                other => bad(other.to_string()),
            })?;
        }
        let matcher = builder.build().map_err(|e| BadPattern {
            pattern: patterns.join(", "),
            reason: e.to_string(),
        })?;
        Ok(Patterns { matcher })
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.matcher.is_empty()
    }

    /// The pattern that selects `rel` (a `/`-separated relative path of a file), as git
    /// decides for a `.gitignore`: the folders from the top down, a selected folder selects
    /// everything in it; then the file. `None` when nothing selects it (or a `!` line
    /// takes it back).
    pub fn selecting(&self, rel: &str) -> Option<&str> {
        if self.matcher.is_empty() {
            return None;
        }
        let rel = rel.trim_start_matches('/');
        let mut end = 0;
        while let Some(slash) = rel[end..].find('/') {
            end += slash;
            if let Match::Ignore(glob) = self.matcher.matched(Path::new(&rel[..end]), true) {
                return Some(glob.original());
            }
            end += 1;
        }
        match self.matcher.matched(Path::new(rel), false) {
            Match::Ignore(glob) => Some(glob.original()),
            _ => None,
        }
    }

    /// Whether a pattern selects `rel`.
    pub fn is_match(&self, rel: &str) -> bool {
        self.selecting(rel).is_some()
    }

    /// Whether a pattern selects the folder `rel` (a `/`-separated relative path) or one of
    /// the folders it is in, as git decides for a `.gitignore`.
    pub fn selects_folder(&self, rel: &str) -> bool {
        if self.matcher.is_empty() {
            return false;
        }
        let rel = rel.trim_matches('/');
        rel.match_indices('/')
            .map(|(i, _)| &rel[..i])
            .chain(std::iter::once(rel))
            .any(|folder| {
                matches!(
                    self.matcher.matched(Path::new(folder), true),
                    Match::Ignore(_)
                )
            })
    }
}

/// Why a file is not an SOP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftOut {
    /// It is outside the SOP folder.
    OutsideFolder,
    /// Its name does not end in one of the extensions.
    Extension,
    /// A pattern of `[sops] exclude` selects it.
    Excluded {
        /// The pattern.
        pattern: String,
        /// Whether the pattern is one of the defaults (the key is not written).
        default: bool,
    },
}

/// Which files under the SOP folder are SOPs.
#[derive(Debug, Clone)]
pub struct FileRules {
    /// The SOP folder relative to the repository root, without a trailing `/`; `""` for the
    /// root itself.
    dir: String,
    extensions: Vec<String>,
    include: Patterns,
    exclude: Patterns,
    /// `exclude` as written, for messages.
    excluded: Vec<String>,
    default_exclude: bool,
}

impl FileRules {
    /// The rules of `[sops]`: `dir`, `extensions`, `include`, `exclude`.
    ///
    /// # Errors
    /// The first pattern that is not a valid glob.
    pub fn new(
        dir: &str,
        extensions: &[String],
        include: &[String],
        exclude: &[String],
    ) -> Result<FileRules, BadPattern> {
        let dir = dir.trim().trim_matches('/');
        let dir = if dir == "." { "" } else { dir };
        Ok(FileRules {
            dir: dir.trim_start_matches("./").to_string(),
            extensions: extensions
                .iter()
                .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
                .collect(),
            include: Patterns::new(include, true)?,
            exclude: Patterns::new(exclude, true)?,
            excluded: exclude.to_vec(),
            default_exclude: exclude
                .iter()
                .map(String::as_str)
                .eq(DEFAULT_EXCLUDE.iter().copied()),
        })
    }

    /// Whether the file name `name` (no folders) ends in one of the extensions.
    pub fn has_extension(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        self.extensions.iter().any(|ext| {
            lower.len() > ext.len() + 1
                && lower.ends_with(ext.as_str())
                && lower.as_bytes().get(lower.len() - ext.len() - 1) == Some(&b'.')
        })
    }

    /// The path of `rel` (relative to the repository root) inside the SOP folder.
    pub fn in_folder<'a>(&self, rel: &'a str) -> Option<&'a str> {
        if self.dir.is_empty() {
            return Some(rel);
        }
        rel.strip_prefix(self.dir.as_str())?.strip_prefix('/')
    }

    /// Whether the file at `rel` (relative to the repository root, `/`-separated) is an SOP.
    pub fn is_sop(&self, rel: &str) -> bool {
        self.left_out(rel).is_none()
    }

    /// Why the file at `rel` (relative to the repository root) is not an SOP; `None` when it
    /// is one.
    pub fn left_out(&self, rel: &str) -> Option<LeftOut> {
        let Some(inside) = self.in_folder(rel) else {
            return Some(LeftOut::OutsideFolder);
        };
        let name = inside.rsplit('/').next().unwrap_or(inside);
        if !self.has_extension(name) {
            return Some(LeftOut::Extension);
        }
        if self.include.is_match(inside) {
            return None;
        }
        self.exclude
            .selecting(inside)
            .filter(|pattern| !is_project_pattern(pattern) || never_sop(name).is_some())
            .map(|pattern| LeftOut::Excluded {
                pattern: pattern.to_string(),
                default: self.default_exclude,
            })
    }

    /// Whether `[sops] exclude` leaves out the folder at `rel` (relative to the repository
    /// root) and everything in it: a pattern selects it, and `include` (which could bring a
    /// file inside back) is empty.
    pub fn excludes_folder(&self, rel: &str) -> bool {
        self.include.is_empty() && self.exclude_selects_folder(rel)
    }

    /// Whether an `exclude` pattern selects the folder at `rel` (relative to the repository
    /// root), whatever `include` says: enough for a link to a folder, which `sop` never reads
    /// through.
    pub fn exclude_selects_folder(&self, rel: &str) -> bool {
        self.in_folder(rel)
            .is_some_and(|inside| self.exclude.selects_folder(inside))
    }

    /// Whether `[sops] include` brings the file at `rel` (relative to the repository root)
    /// back.
    pub fn is_included(&self, rel: &str) -> bool {
        self.in_folder(rel)
            .is_some_and(|inside| self.include.is_match(inside))
    }

    /// The `exclude` patterns as written.
    pub fn excluded(&self) -> &[String] {
        &self.excluded
    }

    /// The extensions, as written in `sop.toml` (`md`, `md.erb`).
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }
}

/// Whether `text` is a Git LFS pointer (the spec's `version https://git-lfs.github.com/spec/v1`,
/// `oid sha256:<hash>` and `size <bytes>` lines, under 1 KiB), which a clone holds in place of a
/// file kept in Git LFS until the content is downloaded (`git lfs pull`).
pub fn is_lfs_pointer(text: &str) -> bool {
    if text.len() >= 1024 {
        return false;
    }
    let mut lines = text.lines();
    let version = lines.next().is_some_and(|l| {
        l.strip_prefix("version ").is_some_and(|v| {
            v.starts_with("https://git-lfs.github.com/spec/")
                || v.starts_with("https://hawser.github.com/spec/")
        })
    });
    let (mut oid, mut size) = (false, false);
    for line in lines {
        if let Some(hash) = line.strip_prefix("oid sha256:") {
            oid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        } else if let Some(n) = line.strip_prefix("size ") {
            size = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        } else if line.split_once(' ').is_none_or(|(key, _)| {
            key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b))
        }) {
            // Every line of a pointer is `key value`, the key in small letters.
            return false;
        }
    }
    version && oid && size
}

/// The name of an SOP file without its Markdown extension: `SOP-0001-a` for
/// `SOP-0001-a.md`, `.markdown`, `.md.erb` and `.html.md.erb`. Other names are returned whole.
pub fn strip_markdown_extension(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    for ext in [
        ".html.markdown.erb",
        ".html.md.erb",
        ".markdown.erb",
        ".md.erb",
        ".markdown",
        ".md",
    ] {
        if lower.len() > ext.len() && lower.ends_with(ext) {
            return name.get(..name.len() - ext.len()).unwrap_or(name);
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> Patterns {
        let list: Vec<String> = list.iter().map(|s| (*s).to_string()).collect();
        Patterns::new(&list, false).unwrap()
    }

    fn rules(ext: &[&str], include: &[&str], exclude: &[&str]) -> FileRules {
        let v = |l: &[&str]| l.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        FileRules::new("sops", &v(ext), &v(include), &v(exclude)).unwrap()
    }

    #[test]
    fn a_star_stops_at_a_slash_and_two_cross() {
        let p = patterns(&["alerts/*.md"]);
        assert!(p.is_match("alerts/disk.md"));
        assert!(!p.is_match("alerts/old/disk.md"));
        let p = patterns(&["alerts/**/*.md"]);
        assert!(p.is_match("alerts/disk.md"));
        assert!(p.is_match("alerts/old/disk.md"));
        assert!(!p.is_match("other/disk.md"));
    }

    #[test]
    fn a_name_without_slash_matches_at_any_depth_and_a_leading_slash_anchors() {
        let p = patterns(&["index.md"]);
        assert!(p.is_match("index.md"));
        assert!(p.is_match("a/b/index.md"));
        assert!(!p.is_match("a/b/index.md.bak"));
        let p = patterns(&["/index.md"]);
        assert!(p.is_match("index.md"));
        assert!(!p.is_match("a/index.md"));
    }

    #[test]
    fn a_trailing_slash_matches_folders_and_what_they_hold() {
        let p = patterns(&["drafts/"]);
        assert!(p.is_match("drafts/a.md"));
        assert!(p.is_match("x/drafts/y/a.md"));
        // A file named like the folder is not a folder.
        assert!(!p.is_match("x/drafts"));
    }

    #[test]
    fn a_bang_negates_a_file_but_not_inside_an_excluded_folder() {
        let p = patterns(&["*.md", "!keep.md"]);
        assert!(p.is_match("a.md"));
        assert!(!p.is_match("keep.md"));
        assert!(!p.is_match("x/keep.md"));
        assert_eq!(p.selecting("a.md"), Some("*.md"));
        // As in git: a folder left out is left out whole.
        let p = patterns(&["drafts/", "!drafts/keep.md"]);
        assert!(p.is_match("drafts/keep.md"));
        // Re-including a folder works.
        let p = patterns(&["/*", "!/runbooks/"]);
        assert!(p.is_match("a.md"));
        assert!(p.is_match("docs/a.md"));
        assert!(!p.is_match("runbooks/a.md"));
    }

    #[test]
    fn a_folder_is_excluded_by_its_own_pattern_or_a_parent_one() {
        let r = rules(&["md"], &[], &["share/", "/vendor", "old"]);
        assert!(r.excludes_folder("sops/share"));
        assert!(r.excludes_folder("sops/x/share"));
        assert!(r.excludes_folder("sops/vendor/lib"));
        assert!(!r.excludes_folder("sops/x/vendor"));
        assert!(r.excludes_folder("sops/x/old"));
        assert!(!r.excludes_folder("sops/runbooks"));
        assert!(!r.excludes_folder("elsewhere/share"));
        // `include` could bring a file inside back: the folder is not left out whole.
        let r = rules(&["md"], &["share/keep.md"], &["share/"]);
        assert!(!r.excludes_folder("sops/share"));
    }

    #[test]
    fn project_files_are_never_sops_by_their_names() {
        assert_eq!(never_sop("CHANGELOG.md"), Some("CHANGELOG"));
        assert_eq!(never_sop("CHANGELOG.markdown"), Some("CHANGELOG"));
        assert_eq!(never_sop("CODE_OF_CONDUCT.md"), Some("CODE_OF_CONDUCT"));
        // In small letters the same words may be an SOP's name.
        assert_eq!(never_sop("security.md"), None);
        assert_eq!(never_sop("Notice.md"), None);
        assert_eq!(never_sop("LICENSE"), None);
        assert_eq!(never_sop("changelog-policy.md"), None);
        assert_eq!(never_sop("SOP-0001-security.md"), None);
    }

    #[test]
    fn bad_patterns_are_errors_naming_the_pattern() {
        let list = vec!["ok/**".to_string(), "a{b".to_string()];
        let err = Patterns::new(&list, false).unwrap_err();
        assert_eq!(err.pattern, "a{b");
        assert!(!err.reason.is_empty());
        assert!(Patterns::new(&["[abc".to_string()], false).is_err());
        assert!(Patterns::new(&[String::new()], false).is_err());
    }

    #[test]
    fn readme_and_index_files_are_left_out_by_default_and_can_come_back() {
        let exclude: Vec<&str> = DEFAULT_EXCLUDE.to_vec();
        let r = rules(&["md", "markdown"], &[], &exclude);
        assert!(r.is_sop("sops/a/SOP-0001-a.md"));
        for name in [
            "sops/README.md",
            "sops/a/readme.md",
            "sops/a/index.md",
            "sops/_index.md",
            "sops/CHANGELOG.md",
            "sops/a/CHANGELOG.markdown",
            "sops/CONTRIBUTING.md",
            "sops/LICENSE.md",
            "sops/a/CODE_OF_CONDUCT.md",
            "sops/SECURITY.md",
            "sops/AUTHORS.md",
            "sops/NOTICE.md",
        ] {
            assert!(
                matches!(
                    r.left_out(name),
                    Some(LeftOut::Excluded { default: true, .. })
                ),
                "{name}"
            );
        }
        // Project files' names in small letters are SOPs: `sops/it/security.md` is one.
        for name in ["sops/it/security.md", "sops/notice.md", "sops/a/Authors.md"] {
            assert!(r.is_sop(name), "{name}");
        }
        let r = rules(&["md"], &["README.md"], &exclude);
        assert!(r.is_sop("sops/a/README.md"));
        assert!(!r.is_sop("sops/a/index.md"));
        let r = rules(&["md"], &[], &[]);
        assert!(r.is_sop("sops/a/README.md"));
        let r = rules(&["md"], &["drafts/keep.md"], &["drafts/"]);
        assert!(r.is_sop("sops/drafts/keep.md"));
        assert_eq!(
            r.left_out("sops/drafts/x.md"),
            Some(LeftOut::Excluded {
                pattern: "drafts/".into(),
                default: false
            })
        );
    }

    #[test]
    fn extensions_and_the_folder_decide_first() {
        let r = rules(&["md", "md.erb"], &[], &[]);
        assert!(r.is_sop("sops/manual/x.html.md.erb"));
        assert!(r.is_sop("sops/x.MD"));
        assert_eq!(r.left_out("sops/x.txt"), Some(LeftOut::Extension));
        assert_eq!(r.left_out("sops/.md"), Some(LeftOut::Extension));
        assert_eq!(r.left_out("sops/x.erb"), Some(LeftOut::Extension));
        assert_eq!(r.left_out("docs/x.md"), Some(LeftOut::OutsideFolder));
        assert_eq!(r.left_out("sopsx/x.md"), Some(LeftOut::OutsideFolder));
        let root = FileRules::new(".", &["md".into()], &[], &[]).unwrap();
        assert!(root.is_sop("docs/x.md"));
        assert!(!rules(&["md"], &[], &[]).is_sop("sops/x.markdown"));
    }

    #[test]
    fn compound_extensions_are_stripped_whole() {
        assert_eq!(strip_markdown_extension("SOP-0001-a.md"), "SOP-0001-a");
        assert_eq!(strip_markdown_extension("x.html.md.erb"), "x");
        assert_eq!(strip_markdown_extension("x.md.erb"), "x");
        assert_eq!(strip_markdown_extension("x.es.markdown"), "x.es");
        assert_eq!(strip_markdown_extension("X.MD"), "X");
        assert_eq!(strip_markdown_extension("notes.txt"), "notes.txt");
        assert_eq!(strip_markdown_extension(".md"), ".md");
    }

    #[test]
    fn a_git_lfs_pointer_is_told_from_a_document() {
        let oid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
        let pointer =
            format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 812345\n");
        assert!(is_lfs_pointer(&pointer));
        assert!(is_lfs_pointer(&pointer.replace('\n', "\r\n")));
        assert!(is_lfs_pointer(&format!(
            "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:{oid}\noid sha256:{oid}\nsize 12\n"
        )));
        // A document about LFS pointers is a document.
        assert!(!is_lfs_pointer(&format!("# Pointers\n\n{pointer}")));
        assert!(!is_lfs_pointer(&format!("{pointer}\nThe manual.\n")));
        assert!(!is_lfs_pointer(&format!("{pointer}The manual.\n")));
        assert!(!is_lfs_pointer(
            &pointer.replace("size 812345", "size many")
        ));
        assert!(!is_lfs_pointer(&pointer.replace(oid, "abc")));
    }
}
