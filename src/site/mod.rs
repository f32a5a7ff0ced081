//! The published site: every page, feed and asset, built in memory from the loaded corpus and
//! the git history ([`pipeline`]), then written to disk by [`publish`] or served by [`serve`]
//! ([`preview`] keeps it up to date).
//!
//! Flow: [`select`] picks what is shown, [`markdown`] renders bodies safely, [`pages`] fills
//! the typed [`context`] structs, [`theme`] renders them with Tera, [`feeds`] and [`charts`]
//! write XML and SVG. The result is a sorted map of site path → bytes: the same input always
//! gives the same bytes (no clock is read except "today" for review states, which
//! `SOP_TODAY` pins).

mod autolinks;
mod boxes;
pub mod charts;
pub mod context;
pub mod feeds;
pub mod i18n;
mod links;
mod literal;
pub mod markdown;
pub mod pages;
mod paths;
pub mod pipeline;
pub mod preview;
pub mod publish;
mod search;
pub use search::SearchCache;
pub mod select;
pub mod serve;
pub mod theme;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::git::history::{HeadBlobs, Histories};
use crate::repo::dates::Date;
use crate::repo::{Corpus, Repo};
pub use pipeline::{History, Inputs, history};

/// Why the site could not be built or written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A template of the theme failed to parse or render.
    #[error("the site template `{name}` failed: {message}")]
    Template {
        /// The template's name (`sop.html`).
        name: String,
        /// What went wrong.
        message: String,
    },
    /// A template of the theme does not parse.
    #[error("a site template does not parse: {message}")]
    Theme {
        /// What is wrong, with the template's name and line.
        message: String,
    },
    /// A file or folder could not be read.
    #[error("cannot read `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file or folder could not be written.
    #[error("cannot write `{}`", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The output folder is, holds or lies inside what the repository is made of.
    #[error("`{}` cannot be the output folder: {reason}", path.display())]
    ProtectedOutput {
        /// The folder.
        path: PathBuf,
        /// What it is or holds.
        reason: String,
    },
    /// The output folder's marker was not written by `sop` for this repository.
    #[error(
        "`{}` was not made by `sop publish` for this repository, so it is left untouched: {reason}",
        path.display()
    )]
    MarkerInvalid {
        /// The folder.
        path: PathBuf,
        /// What is wrong with the marker.
        reason: String,
    },
    /// Two sources would be published at the same path.
    #[error("{first} and {second} would both be published as `{path}`")]
    PathCollision {
        /// The site path.
        path: String,
        /// The first source, described for the writer.
        first: String,
        /// The second source.
        second: String,
    },
    /// The output folder holds files `sop` did not write.
    #[error(
        "`{}` is not empty and was not made by `sop publish`, so it is left untouched",
        path.display()
    )]
    ForeignOutput {
        /// The folder.
        path: PathBuf,
    },
    /// The committed SOP files could not be read from git.
    #[error("cannot read the committed SOPs from git")]
    Git {
        /// Why.
        #[source]
        source: crate::git::GitError,
    },
    /// The git repository could not be opened.
    #[error(transparent)]
    GitOpen {
        /// Why.
        source: crate::git::GitError,
    },
    /// The git history could not be read.
    #[error("the git history could not be read: {source}")]
    History {
        /// Why.
        source: crate::git::GitError,
    },
    /// `sop.toml` is not valid.
    #[error(transparent)]
    Config {
        /// What is wrong, where.
        source: crate::repo::ConfigError,
    },
    /// The repository could not be opened.
    #[error("{message}")]
    Open {
        /// Why.
        message: String,
    },
    /// The output path is a file.
    #[error("`{}` is a file, not a folder", path.display())]
    OutputIsFile {
        /// The path.
        path: PathBuf,
    },
}

/// How to build the site.
#[derive(Debug, Clone)]
pub struct Options {
    /// Publish the working copies of every SOP (`--drafts`), marked as not approved.
    pub drafts: bool,
    /// Absolute URL of the site, for the sitemap and feeds only.
    pub base_url: Option<String>,
    /// Add the `sop serve` reload script to every page.
    pub live_reload: bool,
    /// The date review states are computed for.
    pub today: Date,
    /// Lint findings by rule, for the dashboard; `None`: lint the SOPs after their pages are
    /// rendered (which reads the outlines lint needs) and count the findings then.
    pub lint_counts: Option<BTreeMap<String, usize>>,
    /// Render the pages of these SOPs only (by id), and every list, feed and asset: `sop
    /// serve`'s rebuild after an edit keeps the other SOPs' pages it has. `None`: every page.
    pub only: Option<std::collections::BTreeSet<String>>,
    /// What the search index read in earlier builds (`sop serve`), reused for the documents
    /// whose text did not change; `None`: every document is read.
    pub search: Option<std::sync::Arc<search::SearchCache>>,
    /// The names wiki links find, kept between builds (`sop serve`); `None`: made for this
    /// build when the first wiki link is met.
    pub wiki: Option<std::sync::Arc<crate::repo::wiki::KeptIndex>>,
}

/// A built site.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Every file: site path (`/`-separated, relative) → contents, sorted. Empty when the files
    /// went to a sink ([`Inputs::build_into`]).
    pub files: BTreeMap<String, Vec<u8>>,
    /// Files copied from the repository as they are (site path → repository file), kept on
    /// disk rather than in memory: empty when the files went to a sink.
    pub attachments: BTreeMap<String, PathBuf>,
    /// How many files were produced.
    pub written: usize,
    /// Notes for the person publishing: SOPs left out and why.
    pub notes: Vec<String>,
    /// One line per link to a Markdown file the site has no page for (an SOP not published,
    /// a document that is not an SOP): it shows as plain text.
    pub lost_links: Vec<String>,
    /// How many SOPs have a current page.
    pub published: usize,
    /// How many archived version pages were written.
    pub archived: usize,
    /// One line per SOP whose newest text is not the published one (see
    /// [`select::Selection::unpublished_changes`]).
    pub unpublished_changes: Vec<String>,
    /// One line per SOP left out, with the reason.
    pub left_out: Vec<String>,
    /// The SOPs published from a commit, not from a release.
    pub not_released: Vec<select::NotReleased>,
    /// SOP files that cannot be read whose last approved release is shown instead: path →
    /// the note for the publisher (see [`select::Selection::unreadable`]).
    pub unreadable: BTreeMap<String, String>,
}

/// What readers see of each SOP: the published version (see [`select`]) without archived
/// pages, for `sop due`, `sop stats` and `sop list`. With `today`, the version shown is the one
/// in force on that day, as on the site (a release approved to take effect later is among the
/// entry's `upcoming`); without, the last approved release, whatever its date.
///
/// # Errors
/// [`SiteError::Git`] when the committed files cannot be read.
pub fn current<'a>(
    repo: &Repo,
    git: Option<&crate::git::Repo>,
    corpus: &'a Corpus,
    histories: &'a Histories,
    today: Option<Date>,
) -> Result<select::Selection<'a>, SiteError> {
    let head = pipeline::head_blobs(repo, git)?;
    let texts = git.map(|g| pipeline::Texts::new(g.texts()));
    Ok(with_selection(
        repo,
        corpus,
        histories,
        false,
        false,
        today,
        head.as_ref().zip(texts.as_ref()),
    ))
}

fn with_selection<'a>(
    repo: &Repo,
    corpus: &'a Corpus,
    histories: &'a Histories,
    drafts: bool,
    archived: bool,
    today: Option<Date>,
    git: Option<(&HeadBlobs, &pipeline::Texts)>,
) -> select::Selection<'a> {
    let reader = |texts: &pipeline::Texts| {
        let texts = texts.clone();
        move || Box::new(texts.reader()) as Box<dyn select::TextReader + Send>
    };
    let make = git.map(|(_, texts)| reader(texts));
    let how = select::How {
        drafts,
        archived,
        git: git
            .zip(make.as_ref())
            .map(|((head, _), make)| select::Committed { head, reader: make }),
        today,
    };
    select::select(corpus, &repo.settings, histories, &how)
}

/// The relative path from the page at `path` back to the site root (`""`, `"../"`, …).
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// `text` safe as HTML text and inside a quoted attribute.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
