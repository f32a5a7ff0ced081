//! Per-SOP history from the commit graph and the release tags.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::GitError;
use crate::repo::Settings;

/// A commit that touched an SOP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// Full commit id.
    pub commit: String,
    /// Commit date, `YYYY-MM-DD`.
    pub date: String,
    /// Author name.
    pub author: String,
    /// First line of the message.
    pub summary: String,
    /// The SOP's path in that commit.
    pub path: String,
}

/// A release: an annotated tag `<id>/v<version>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Release {
    /// The version released.
    pub version: String,
    /// The tag's name.
    pub tag: String,
    /// Tag date, `YYYY-MM-DD`.
    pub date: String,
    /// Who tagged.
    pub tagger: String,
    /// The tag message's first line.
    pub summary: String,
    /// The commit tagged.
    pub commit: String,
}

/// Everything git knows about one SOP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SopHistory {
    /// The SOP's id.
    pub id: String,
    /// Its path now.
    pub path: String,
    /// Commits that touched it, newest first.
    pub commits: Vec<Revision>,
    /// Its releases, newest first.
    pub releases: Vec<Release>,
}

/// History of every SOP, by id.
pub type Histories = BTreeMap<String, SopHistory>;

/// Compute the history of every SOP in one pass over the commit graph.
///
/// # Errors
/// When the repository cannot be read.
pub fn load_all(_root: &Path, _settings: &Settings) -> Result<Histories, GitError> {
    Ok(Histories::new())
}

/// The text of `path` in the commit that `tag` points to.
///
/// # Errors
/// When the repository cannot be read.
pub fn file_at_tag(_root: &Path, _tag: &str, _path: &str) -> Result<Option<String>, GitError> {
    Ok(None)
}
