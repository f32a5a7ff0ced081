//! Per-SOP history from the commit graph and the release tags, in one pass.
//!
//! Each SOP's commits are the ones `git log --follow -- <file>` shows (DESIGN.md, Versioning
//! in git): every commit reachable from `HEAD` through all parents that changed the file (no
//! merge commit: the changes it brought in are the entries, each with its pull request), with
//! renames, moves and copies followed as git finds them. The work:
//!
//! 1. The commit graph from `HEAD` ([`super::graph`]) and the release tags
//!    ([`super::tags`]), at the same time.
//! 2. One tree diff per commit against its first parent, inside the SOP folder, over the
//!    cores ([`super::changes`]); each pair of trees once.
//! 3. Every SOP file followed from `HEAD` ([`super::follow`]), over the cores. A walk that
//!    reaches a file outside the SOP folder (an SOP moved in from elsewhere) is done again
//!    once that file's changes are known.
//! 4. Each entry gets its commit's author, date and subject, and the pull request that brought
//!    it to the main line ([`super::graph::Graph::pull_request`]).
//!
//! Cost grows with commits and changes, not with commits × SOPs.

use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};

use git2::{Oid, Repository};
use rayon::prelude::*;
use serde::Serialize;

pub use super::approval::Approval;
use super::changes::{FileChange, Region, Trees};
use super::follow::{Followed, Follower, Touches};
use super::graph::Graph;
use super::object::CommitHead;
use super::object::is_blob_mode;
use super::reader::Reader;
use super::tags::{list_tags, read_tags};
use super::{GitError, Repo, format_date};
use crate::repo::Settings;
use crate::repo::sop::FileName;

/// The commit trailer `sop review` writes; history marks those commits as reviews.
pub const REVIEW_TRAILER: &str = super::trailers::REVIEW;

/// What a commit did to an SOP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RevisionKind {
    /// An ordinary change.
    Commit,
    /// A periodic review recorded by `sop review` (trailer `Sop-Review: <id>`).
    Review,
    /// The commit a release tag of this SOP points to.
    Release,
    /// The commit only tags that do not count as releases point to (made or moved by hand; set
    /// by `sop history`).
    Tag,
}

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
    /// Whether it was a plain commit, a review or a release (an addition to the documented
    /// JSON: `commit`, `review` or `release`).
    pub kind: RevisionKind,
    /// The pull request that brought the change to the main line, when known (`#123` in
    /// "Merge pull request #123 …", or a squash subject "… (#123)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<u64>,
    /// The merge commit that brought it to `HEAD`'s first-parent chain; absent for commits of
    /// that chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge: Option<String>,
    /// The file's blob after the commit, when the commit changed it (not in the JSON).
    #[serde(skip)]
    pub blob: Option<Oid>,
    /// Where the change reached `HEAD`'s first-parent chain (its merge, else itself), as a
    /// place in the commit graph, newest first (not in the JSON).
    #[serde(skip)]
    pub arrival: Option<u32>,
    /// The commit's own place in the commit graph, newest first: a commit always comes before
    /// its parents, even when their dates are equal (not in the JSON, whose order is `git log
    /// --follow`'s).
    #[serde(skip)]
    pub place: Option<u32>,
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
    /// Their email, with which a `.mailmap` names them (not in the JSON).
    #[serde(skip)]
    pub tagger_email: String,
    /// The tag message's first line.
    pub summary: String,
    /// The commit tagged.
    pub commit: String,
    /// Who approved this version, when, and what it means (from the tag message's trailers);
    /// empty for a release that was not approved.
    pub approvals: Vec<Approval>,
    /// The released file's blob, when the history knows it without reading the tag's commit:
    /// the release commit changed the file, or it is a merge whose whole tree is that of the
    /// change it brought in (not in the JSON).
    #[serde(skip)]
    pub blob: Option<Oid>,
    /// The commit of `HEAD`'s history where the released text landed when `HEAD` does not
    /// reach the tagged commit (the release was made on a branch that was then squash-merged
    /// or rebased): the oldest commit after which the file has exactly the released text.
    /// Absent when the tag is on `HEAD`'s history or the text never landed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landed: Option<String>,
    /// Why this tag does not count as a release, in the words `sop publish` warns with (the
    /// text it tags says another version, is not the text of its release commit, or records
    /// no approver after releases that did); absent when it counts, or was not checked. Set by
    /// `sop history`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_counted: Option<String>,
    /// Where the release is in the commit graph, newest first (not in the JSON): the tagged
    /// commit's place when `HEAD` reaches it (a merge, or a commit that did not change the file,
    /// included), else that of the commit it [`landed`](Self::landed) on.
    #[serde(skip)]
    pub place: Option<u32>,
}

/// Everything git knows about one SOP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SopHistory {
    /// The SOP's id; `None` (JSON `null`) for a file without one yet.
    pub id: Option<String>,
    /// Its path now.
    pub path: String,
    /// Commits that touched it, newest first.
    pub commits: Vec<Revision>,
    /// Its releases, newest first.
    pub releases: Vec<Release>,
    /// For a translation's file: its language and the `translation_of` it names (set by `sop
    /// history`; absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<Translation>,
    /// The translations of this SOP in the work tree (set by `sop history <ID>`; absent from
    /// the JSON when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<TranslationFile>,
    /// When the SOP's file is no longer in `HEAD`: where it was deleted, and how to get its
    /// last release back (absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Deleted>,
}

/// What a translation's file says it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Translation {
    /// Its language (`ar`), from its file name, else its front matter.
    pub language: Option<String>,
    /// What its `translation_of` names (`SOP-0001@0.2.0`), if anything.
    pub translation_of: Option<String>,
}

/// A translation of an SOP, in the work tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranslationFile {
    /// Its language.
    pub language: String,
    /// Its path, relative to the SOP root.
    pub path: String,
}

/// Where an SOP's file was deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deleted {
    /// The commit that deleted it (full id); empty when none of `HEAD`'s history did (its
    /// releases were made on another branch).
    pub commit: String,
    /// Its path before.
    pub path: String,
    /// The tag of its last release, whose commit still holds the file.
    pub tag: String,
    /// The command that prints that text: `git show <tag>:<path from the repository's root>`.
    pub restore: String,
    /// When the file was not deleted but renamed (git's rename detection, at `[history]
    /// rename_similarity`): where it went (absent otherwise). `commit` is then the commit
    /// that removed that file, when it is no longer in `HEAD` either.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<RenamedTo>,
    /// The file is committed at `HEAD` but missing from the work tree: its deletion is not
    /// committed (absent when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uncommitted: bool,
    /// The date and subject of `commit` (not in the JSON).
    #[serde(skip)]
    pub commit_date: String,
    /// The subject of `commit` (not in the JSON).
    #[serde(skip)]
    pub commit_summary: String,
}

/// Where the file of an SOP went when a commit renamed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenamedTo {
    /// The commit that renamed it (full id).
    pub commit: String,
    /// Its new path, relative to the SOP root (its path in `HEAD` when it is still there).
    pub path: String,
    /// The id of the SOP at that path, when it has one.
    pub id: Option<String>,
    /// Whether that path is in `HEAD`.
    pub in_head: bool,
}

impl SopHistory {
    /// The subject of a commit `sop release` made for `id` (`SOP-0001 v1.2.0: …`) among its
    /// commits, if any.
    pub fn release_commit(&self, id: &str) -> Option<&str> {
        self.commits
            .iter()
            .map(|c| c.summary.as_str())
            .find(|s| is_release_subject(s, id))
    }
}

impl SopHistory {
    /// The commits `sop release` made for `id` (`SOP-0001 v1.2.0: …`) whose version has no
    /// release tag here (the tag was not pushed, or not fetched), newest first, each with the
    /// version it names.
    pub fn untagged_release_commits(&self, id: &str) -> Vec<(&Revision, &str)> {
        let version = |v: &str| semver::Version::parse(v.trim()).ok();
        let tagged: Vec<semver::Version> = self
            .releases
            .iter()
            .filter_map(|r| version(&r.version))
            .collect();
        let mut seen: Vec<semver::Version> = Vec::new();
        self.commits
            .iter()
            .filter_map(|c| Some((c, release_subject_version(&c.summary, id)?)))
            .filter(|(_, v)| {
                version(v).is_some_and(|v| {
                    let new = !tagged.contains(&v) && !seen.contains(&v);
                    if new {
                        seen.push(v);
                    }
                    new
                })
            })
            .collect()
    }
}

/// The words for release commit `subject` of `tag`, a tag that is not here, and how to get
/// it: for `sop publish` and `sop history`.
pub fn missing_tag_words(subject: &str, tag: &str) -> String {
    format!(
        "its release commit \"{subject}\" is here, but its tag `{tag}` is not (it was not pushed, or not fetched): push it from the clone that made the release (`git push origin {tag}`, or `git push --tags`), or fetch it here (`git fetch --tags`)"
    )
}

/// History of every SOP, by id (by path for a file without an id).
pub type Histories = BTreeMap<String, SopHistory>;

/// The subject of a commit `sop release` made, when `histories` have such commits but no
/// release at all: a clone made without the release tags.
pub fn untagged_release(histories: &Histories) -> Option<&str> {
    if histories.values().any(|h| !h.releases.is_empty()) {
        return None;
    }
    histories.iter().find_map(|(id, h)| h.release_commit(id))
}

impl Repo {
    /// The history of every SOP at `HEAD`, in one pass over the commit graph.
    ///
    /// The map holds one entry per SOP file (not a translation) in `HEAD`'s tree, keyed by its
    /// id (from its file name, else its front matter), else by its path; an SOP that is not
    /// committed yet has none. A repository without commits gives an empty map.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn histories(&self, settings: &Settings) -> Result<Histories, GitError> {
        self.histories_with(settings, &[])
    }

    /// [`Repo::histories`], with the files of `also` followed too (each keyed by its id, else
    /// by its path): a translation's file (given without id: it has no releases of its own), or
    /// the last path of an SOP whose file was deleted (with its id: its releases are its
    /// tags'). Their paths are relative to the SOP root.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn histories_with(
        &self,
        settings: &Settings,
        also: &[(String, Option<String>)],
    ) -> Result<Histories, GitError> {
        let Some(head) = head_of(&self.repo)? else {
            return Ok(Histories::new());
        };
        let head_commit = head
            .peel_to_commit()
            .map_err(GitError::read("the commit at HEAD"))?;
        let head_id = head_commit.id();
        let head_tree = head_commit.tree_id();
        drop(head_commit);
        drop(head);
        let folder = sops_folder(self, settings);
        let objects = self.objects().clone();
        let shallow = self.shallow_edges();
        // The tag refs are listed beside the walk too: thousands of loose ref files take a
        // while to open. libgit2 lists them after it when they cannot be read that way.
        let common = self.repo.commondir().to_path_buf();
        let (graph, tags) = rayon::join(
            || Graph::walk(&mut objects.reader(), head_id, &shallow),
            || list_tags(&common).map(|refs| read_tags(&objects, settings, &refs)),
        );
        let graph = graph?;
        let mut releases = match tags {
            Some(tags) => tags?,
            None => read_tags(&objects, settings, &self.tag_refs("*")?)?,
        };

        let region = Region::under(&folder);
        let changes = diff_all(&objects, &graph, &region)?;
        let mut touches = Touches::new(region, changes);

        // The SOP files at HEAD, each with its id.
        let mut reader = self.reader();
        let mut trees = Trees::new(&mut reader);
        let files = trees.files_under(head_tree, &folder)?;
        let mut sops: Vec<(String, Option<String>)> = Vec::new();
        for (path, (mode, blob)) in &files {
            let rel = self.sop_path(path);
            if !is_blob_mode(*mode) || !settings.files.is_sop(rel) {
                continue;
            }
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let f = FileName::parse(name, &settings.ids);
            if f.language.is_some() {
                continue;
            }
            let id = match f.id {
                Some(id) => Some(id),
                None => {
                    let data = trees.reader().blob(*blob)?;
                    std::str::from_utf8(&data)
                        .ok()
                        .and_then(|t| front_matter_text(t, "id", &settings.keys))
                }
            };
            sops.push((path.clone(), id));
        }
        // Asked for by name: a translation, or a file deleted since.
        for (path, id) in also {
            let full = format!("{}{path}", self.prefix);
            if !sops.iter().any(|(p, i)| *p == full && i == id) {
                sops.push((full, id.clone()));
            }
        }
        drop(trees);
        drop(reader);

        // Follow every file; a walk that leaves the region (a file moved in from another
        // folder) is done again once the changes of the paths it reached are known.
        let similarity = settings.config.history.rename_similarity;
        let mut followed: Vec<Option<Followed>> = (0..sops.len()).map(|_| None).collect();
        let threads = rayon::current_num_threads().max(1);
        loop {
            let todo: Vec<usize> = (0..sops.len())
                .filter(|&i| followed.get(i).is_some_and(Option::is_none))
                .collect();
            if todo.is_empty() {
                break;
            }
            // One follower per thread: its caches (tree listings, chunk counts of files) serve
            // every file it follows.
            let done: Vec<Result<Vec<(usize, Followed)>, GitError>> = todo
                .par_chunks(todo.len().div_ceil(threads).max(1))
                .map(|part| {
                    let mut reader = objects.reader();
                    let mut f =
                        Follower::new(&graph, &touches, Trees::new(&mut reader), similarity);
                    part.iter()
                        .map(|&i| {
                            let path = sops.get(i).map(|(p, _)| p.as_str()).unwrap_or_default();
                            f.follow(path).map(|r| (i, r))
                        })
                        .collect()
                })
                .collect();
            let mut outside: Vec<String> = Vec::new();
            for part in done {
                for (i, f) in part? {
                    if f.outside.is_empty() {
                        if let Some(slot) = followed.get_mut(i) {
                            *slot = Some(f);
                        }
                    } else {
                        outside.extend(f.outside);
                    }
                }
            }
            outside.sort();
            outside.dedup();
            outside.retain(|p| !touches.region.contains(p));
            if outside.is_empty() {
                // Every path reached is known now: what is still open cannot finish.
                if followed.iter().any(Option::is_none) {
                    return Err(GitError::Read {
                        what: "the history of the SOP files".into(),
                        source: git2::Error::from_str("a file's history leads to itself"),
                    });
                }
                break;
            }
            let more = Region::files(outside.iter().cloned());
            let changes = diff_all(&objects, &graph, &more)?;
            for p in outside {
                touches.region.add(p);
            }
            touches.add(changes);
        }

        // Entries become revisions, their authors and taggers named as `git log` names them.
        let names = Names::of(&self.repo);
        let mut reviews: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, node) in graph.nodes.iter().enumerate() {
            // Only the trailer block: a `Sop-Review:` line in the text above it is text.
            for t in super::trailers::parse(&node.data.message) {
                if t.is(REVIEW_TRAILER) {
                    reviews
                        .entry(t.value)
                        .or_default()
                        .push(u32::try_from(i).unwrap_or(u32::MAX));
                }
            }
        }
        let revision = |commit: u32, path: &str, blob: Option<Oid>, kind: RevisionKind| {
            let node = graph.nodes.get(commit as usize)?;
            let (pull_request, merge) = graph.pull_request(commit);
            Some(Revision {
                commit: node.oid.to_string(),
                date: format_date(node.data.author_time),
                author: names.name(&node.data.author, &node.data.author_email),
                summary: node.data.summary().to_string(),
                path: self.sop_path(path).to_string(),
                kind,
                pull_request,
                merge: merge.map(|m| m.to_string()),
                blob,
                arrival: graph.rank_of(
                    graph
                        .merged_by
                        .get(commit as usize)
                        .copied()
                        .flatten()
                        .unwrap_or(commit),
                ),
                place: graph.rank_of(commit),
            })
        };
        let by_oid: HashMap<Oid, u32> = graph
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.oid, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        // Reads the text at a release tag `HEAD` does not reach (rare: only those releases).
        let mut texts = self.texts().reader();
        let mut out = Histories::new();
        for ((path, id), f) in sops.iter().zip(followed) {
            let key = id
                .clone()
                .unwrap_or_else(|| self.sop_path(path).to_string());
            if out.contains_key(&key) {
                continue;
            }
            let mut entries: Vec<(u32, Revision)> = f
                .unwrap_or_default()
                .entries
                .into_iter()
                .filter_map(|e| {
                    Some((
                        e.commit,
                        revision(e.commit, &e.path, e.blob, RevisionKind::Commit)?,
                    ))
                })
                .collect();
            if let Some(id) = id
                && let Some(list) = reviews.get(id.as_str())
            {
                for &c in list {
                    match entries.iter_mut().find(|(k, _)| *k == c) {
                        Some((_, r)) => r.kind = RevisionKind::Review,
                        None => {
                            // A review that changed no byte: its path is the one before it.
                            if let Some(r) = revision(c, "", None, RevisionKind::Review) {
                                entries.push((c, r));
                            }
                        }
                    }
                }
            }
            entries.sort_by_key(|(k, _)| *k);
            let mut commits: Vec<Revision> = entries.into_iter().map(|(_, r)| r).collect();
            let mut last_path = self.sop_path(path).to_string();
            for c in commits.iter_mut().rev() {
                if c.path.is_empty() {
                    c.path.clone_from(&last_path);
                } else {
                    last_path.clone_from(&c.path);
                }
            }
            let mut rel_releases = id
                .as_ref()
                .and_then(|id| releases.remove(id))
                .unwrap_or_default();
            for r in &mut rel_releases {
                r.tagger = names.name(&r.tagger, &r.tagger_email);
                r.blob = released_blob(&graph, &by_oid, &commits, &r.commit);
                r.place = Oid::from_str(&r.commit)
                    .ok()
                    .and_then(|id| by_oid.get(&id).copied())
                    .and_then(|i| graph.rank_of(i));
                if r.place.is_none()
                    && let Some(c) = landing(&mut texts, r, &commits)
                {
                    r.place = c.place;
                    r.landed = Some(c.commit.clone());
                }
            }
            let released: HashSet<&str> = rel_releases
                .iter()
                .flat_map(|r| [Some(r.commit.as_str()), r.landed.as_deref()])
                .flatten()
                .collect();
            for c in &mut commits {
                if c.kind == RevisionKind::Commit && released.contains(c.commit.as_str()) {
                    c.kind = RevisionKind::Release;
                }
            }
            out.insert(
                key,
                SopHistory {
                    id: id.clone(),
                    path: self.sop_path(path).to_string(),
                    commits,
                    releases: rel_releases,
                    translation: None,
                    translations: Vec::new(),
                    deleted: None,
                },
            );
        }
        Ok(out)
    }
}

/// The blob a release published, when the history knows it: the release commit's own change,
/// else the newest change its merge brought in when the merge's whole tree is that change's.
fn released_blob(
    graph: &Graph,
    by_oid: &HashMap<Oid, u32>,
    commits: &[Revision],
    release: &str,
) -> Option<Oid> {
    if let Some(c) = commits.iter().find(|c| c.commit == release) {
        return c.blob;
    }
    let c = commits
        .iter()
        .find(|c| c.merge.as_deref() == Some(release))?;
    let tree = |hex: &str| {
        let id = Oid::from_str(hex).ok()?;
        let i = *by_oid.get(&id)?;
        graph.nodes.get(i as usize).map(|n| n.data.tree)
    };
    (tree(release)? == tree(&c.commit)?)
        .then_some(c.blob)
        .flatten()
}

/// Where `release`, tagged on a commit `HEAD` does not reach, landed among `commits` (newest
/// first): the oldest commit after which the file is exactly the released text. A release made
/// on a branch that was squash-merged or rebased has its text on `HEAD`'s history in another
/// commit. The released blob is the history's when it knows it, else the file's at the tag,
/// under any path the SOP had.
fn landing<'c>(
    texts: &mut TextReader,
    release: &Release,
    commits: &'c [Revision],
) -> Option<&'c Revision> {
    let blob = match release.blob {
        Some(blob) => blob,
        None => {
            let tagged = Oid::from_str(&release.commit).ok()?;
            let mut paths: Vec<&str> = commits.iter().map(|c| c.path.as_str()).collect();
            paths.dedup();
            paths.into_iter().find_map(|p| texts.file_blob(tagged, p))?
        }
    };
    commits.iter().rev().find(|c| c.blob == Some(blob))
}

/// Each commit's changes in `region` against its first parent (all of a first commit's
/// files), over the cores; each pair of trees is diffed once.
fn diff_all(
    objects: &super::Objects,
    graph: &Graph,
    region: &Region,
) -> Result<Vec<(u32, Vec<FileChange>)>, GitError> {
    let mut pairs: Vec<(Option<Oid>, Oid)> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let old = graph
                .first_parent(u32::try_from(i).unwrap_or(u32::MAX))
                .and_then(|p| graph.nodes.get(p as usize))
                .map(|p| p.data.tree);
            (old, n.data.tree)
        })
        .collect();
    let by_commit = pairs.clone();
    // Oldest first: a tree is usually stored as a delta on its previous version.
    pairs.reverse();
    let mut seen = HashSet::new();
    pairs.retain(|p| seen.insert(*p));
    let threads = rayon::current_num_threads().max(1);
    let chunk = pairs.len().div_ceil(threads * 4).max(64);
    type Diffed = Vec<((Option<Oid>, Oid), Vec<FileChange>)>;
    let parts: Vec<Result<Diffed, GitError>> = pairs
        .par_chunks(chunk)
        .map(|part| {
            let mut reader = objects.reader();
            let mut trees = Trees::new(&mut reader);
            part.iter()
                .map(|&(old, new)| Ok(((old, new), trees.diff(old, Some(new), region)?)))
                .collect()
        })
        .collect();
    let mut diffs: HashMap<(Option<Oid>, Oid), Vec<FileChange>> = HashMap::new();
    for p in parts {
        for (k, v) in p? {
            if !v.is_empty() {
                diffs.insert(k, v);
            }
        }
    }
    Ok(by_commit
        .into_iter()
        .enumerate()
        .filter_map(|(i, k)| {
            let v = diffs.get(&k)?;
            Some((u32::try_from(i).unwrap_or(u32::MAX), v.clone()))
        })
        .collect())
}

/// `HEAD`, or `None` on a branch with no commit yet.
fn head_of(repo: &Repository) -> Result<Option<git2::Reference<'_>>, GitError> {
    match repo.head() {
        Ok(h) => Ok(Some(h)),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(GitError::read("HEAD")(e)),
    }
}

/// The SOP folder's path in the work tree: `""`, or ending in `/`.
fn sops_folder(git: &Repo, settings: &Settings) -> String {
    git.git_path(settings.sops_dir())
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .flat_map(|c| [c, "/"])
        .collect()
}

impl Repo {
    /// The text of `path` in the commit that `tag` points to.
    ///
    /// `path` is relative to the SOP root. When the file had another name at that tag (it was
    /// renamed or moved since), the file of the same id (and language) in the same top folder
    /// is returned instead. `None` when the tag does not exist, the file is not in it, or it
    /// is not UTF-8 text.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn file_at_tag(&self, tag: &str, path: &str) -> Result<Option<String>, GitError> {
        let Ok(obj) = self.repo.revparse_single(&format!("refs/tags/{tag}")) else {
            return Ok(None);
        };
        let commit = obj
            .peel_to_commit()
            .map_err(GitError::read(format!("the commit of tag `{tag}`")))?
            .id();
        Ok(self.texts().reader().at_commit(&commit.to_string(), path))
    }

    /// Every commit `HEAD` reaches whose subject is one `sop release` wrote
    /// (`SOP-0001 v1.0.0: …`), newest first, in one walk of the history; empty before the first
    /// commit.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn release_commits(&self) -> Result<ReleaseCommits, GitError> {
        let mut found = Vec::new();
        if head_of(&self.repo)?.is_none() {
            return Ok(ReleaseCommits(found));
        }
        let mut walk = self.repo.revwalk().map_err(GitError::read("the commits"))?;
        walk.push_head().map_err(GitError::read("the commits"))?;
        for oid in walk {
            let oid = oid.map_err(GitError::read("the commits"))?;
            let commit = self
                .repo
                .find_commit(oid)
                .map_err(GitError::read(format!("commit {oid}")))?;
            let subject = commit.summary().ok().flatten().unwrap_or_default();
            if release_subject_id(subject).is_some() {
                found.push((oid, subject.to_string()));
            }
        }
        Ok(ReleaseCommits(found))
    }

    /// A walk of the history `HEAD` reaches that finds the commits `sop release` made for `id`,
    /// only as far back as asked ([`ReleaseWalk::find`]).
    ///
    /// # Errors
    /// When `HEAD` cannot be read.
    pub fn release_walk(&self, id: &str) -> Result<ReleaseWalk, GitError> {
        let mut walk = ReleaseWalk {
            id: id.to_string(),
            reader: self.reader(),
            queue: BinaryHeap::new(),
            loaded: HashMap::new(),
            seen: HashSet::new(),
            seq: 0,
            shallow: self.shallow_edges(),
            found: Vec::new(),
            first_parents: HashMap::new(),
        };
        if let Some(head) = self.head_commit()? {
            let data = walk.reader.commit_head(head)?;
            walk.queue
                .push(Queued(data.commit_time, std::cmp::Reverse(0), head));
            walk.loaded.insert(head, data);
            walk.seen.insert(head);
        }
        Ok(walk)
    }

    /// Whether `commit` is `from` or one of its ancestors.
    pub fn reaches(&self, from: Oid, commit: Oid) -> bool {
        from == commit || self.repo.graph_descendant_of(from, commit).unwrap_or(false)
    }

    /// The commit `HEAD` points to; `None` before the first commit.
    ///
    /// # Errors
    /// When `HEAD` cannot be read.
    pub fn head_commit(&self) -> Result<Option<Oid>, GitError> {
        let Some(head) = head_of(&self.repo)? else {
            return Ok(None);
        };
        let commit = head
            .peel_to_commit()
            .map_err(GitError::read("the commit at HEAD"))?;
        Ok(Some(commit.id()))
    }

    /// A maker of per-thread readers of committed SOP text (it can be shared with threads).
    pub fn texts(&self) -> TextSource {
        TextSource {
            objects: self.objects().clone(),
            prefix: self.prefix.clone(),
        }
    }

    /// The blob of every SOP file (translations included) in `HEAD`'s tree, by path relative
    /// to the SOP root: what is committed, read in one walk of the SOP folder's trees, no blob
    /// read. Empty before the first commit.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn head_blobs(&self, settings: &Settings) -> Result<HeadBlobs, GitError> {
        let Some(head) = head_of(&self.repo)? else {
            return Ok(HeadBlobs::default());
        };
        let tree = head
            .peel_to_tree()
            .map_err(GitError::read("the tree at HEAD"))?
            .id();
        let mut reader = self.reader();
        let blobs = Trees::new(&mut reader)
            .files_under(tree, &sops_folder(self, settings))?
            .into_iter()
            .filter(|(path, (mode, _))| {
                is_blob_mode(*mode) && settings.files.is_sop(self.sop_path(path))
            })
            .map(|(path, (_, blob))| (self.sop_path(&path).to_string(), blob))
            .collect();
        Ok(HeadBlobs { blobs })
    }

    /// Every file in `HEAD`'s tree under the SOP root (SOPs, pictures, attachments), by path
    /// relative to the SOP root, in one walk of the trees and no blob read. Empty before the
    /// first commit. Compared with the work tree, it names the files a change moves or
    /// deletes.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn head_files(&self) -> Result<Vec<String>, GitError> {
        let Some(head) = head_of(&self.repo)? else {
            return Ok(Vec::new());
        };
        let tree = head
            .peel_to_tree()
            .map_err(GitError::read("the tree at HEAD"))?
            .id();
        let mut reader = self.reader();
        Ok(Trees::new(&mut reader)
            .files_under(tree, &self.prefix)?
            .into_iter()
            .filter(|(_, (mode, _))| is_blob_mode(*mode))
            .map(|(path, _)| self.sop_path(&path).to_string())
            .collect())
    }

    /// The SOP files (paths relative to the SOP root) that `commit` added, compared with its
    /// first parent, without rename detection: the places a file it removed may have gone.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn added_in(&self, settings: &Settings, commit: &str) -> Result<Vec<String>, GitError> {
        let what = "the files a commit added";
        let Ok(oid) = Oid::from_str(commit) else {
            return Ok(Vec::new());
        };
        let commit = self.repo.find_commit(oid).map_err(GitError::read(what))?;
        let tree = commit.tree().map_err(GitError::read(what))?;
        let parent = match commit.parent(0) {
            Ok(p) => Some(p.tree().map_err(GitError::read(what))?),
            Err(_) => None,
        };
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(self.git_path(settings.sops_dir()));
        let diff = self
            .repo
            .diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut opts))
            .map_err(GitError::read(what))?;
        Ok(diff
            .deltas()
            .filter(|d| d.status() == git2::Delta::Added)
            .filter_map(|d| {
                d.new_file()
                    .path_bytes()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
            })
            .map(|p| self.sop_path(&p).to_string())
            .filter(|p| settings.files.is_sop(p))
            .collect())
    }

    /// The newest commit of `HEAD`'s history that removed an SOP file named with `id` (not a
    /// translation's), compared with its first parent: the commit and the file's path then
    /// (relative to the SOP root), with that commit's first parent. For an SOP that was never released, whose file is gone:
    /// only asked for when no SOP, tag or file of `HEAD` has the id.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn removed_sop_file(
        &self,
        settings: &Settings,
        id: &str,
    ) -> Result<Option<(String, String, String)>, GitError> {
        let what = "the commits that deleted a file";
        let Some(head) = self.head_commit()? else {
            return Ok(None);
        };
        let mut walk = self.repo.revwalk().map_err(GitError::read(what))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL)
            .map_err(GitError::read(what))?;
        walk.push(head).map_err(GitError::read(what))?;
        let folder = self.git_path(settings.sops_dir());
        for oid in walk {
            let oid = oid.map_err(GitError::read(what))?;
            let commit = self.repo.find_commit(oid).map_err(GitError::read(what))?;
            let Ok(parent) = commit.parent(0) else {
                continue;
            };
            let (Ok(old), Ok(new)) = (parent.tree(), commit.tree()) else {
                continue;
            };
            let mut opts = git2::DiffOptions::new();
            opts.pathspec(&folder);
            let diff = self
                .repo
                .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))
                .map_err(GitError::read(what))?;
            let found = diff
                .deltas()
                .filter(|d| d.status() == git2::Delta::Deleted)
                .filter_map(|d| {
                    d.old_file()
                        .path_bytes()
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                })
                .map(|p| self.sop_path(&p).to_string())
                .find(|p| {
                    let name = p.rsplit('/').next().unwrap_or(p);
                    let f = FileName::parse(name, &settings.ids);
                    f.id.as_deref() == Some(id) && f.language.is_none() && settings.files.is_sop(p)
                });
            if let Some(path) = found {
                return Ok(Some((oid.to_string(), parent.id().to_string(), path)));
            }
        }
        Ok(None)
    }

    /// The files git changes when a commit or tag is made: its `HEAD`, its `refs/` folder and
    /// `packed-refs` (a worktree's `HEAD`, the shared refs). `sop serve` watches them to
    /// rebuild after a commit or a release.
    pub fn ref_paths(&self) -> Vec<std::path::PathBuf> {
        let common = self.repo.commondir();
        vec![
            self.repo.path().join("HEAD"),
            common.join("refs"),
            common.join("packed-refs"),
        ]
    }
}

/// Makes [`TextReader`]s; shared by the threads of a site build.
#[derive(Clone)]
pub struct TextSource {
    objects: super::Objects,
    prefix: String,
}

impl TextSource {
    /// A reader for the calling thread.
    pub fn reader(&self) -> TextReader {
        TextReader {
            reader: self.objects.reader(),
            prefix: self.prefix.clone(),
            roots: HashMap::new(),
        }
    }
}

/// What a commit has at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeEntry {
    /// A plain (or executable) file, with its blob.
    File(Oid),
    /// A folder.
    Folder,
    /// A symbolic link or a submodule.
    Other,
}

/// Reads committed SOP text for one thread. Publishing reads thousands of releases this way:
/// the pack reader keeps the trees it decoded, so they cost one pass over the objects they
/// share.
pub struct TextReader {
    reader: Reader,
    prefix: String,
    /// The root tree of each commit asked about.
    roots: HashMap<Oid, Oid>,
}

impl TextReader {
    /// The text of blob `blob` (from [`Revision::blob`]); `None` when it is missing, not a
    /// file or not UTF-8 text.
    pub fn blob(&mut self, blob: Oid) -> Option<String> {
        let data = self.reader.blob(blob).ok()?;
        String::from_utf8(data.to_vec()).ok()
    }

    /// What commit `commit` has at `path` (relative to the SOP root); `None` when nothing, or
    /// the commit cannot be read. A page made from a release links the files of its commit.
    pub fn entry_at(&mut self, commit: Oid, path: &str) -> Option<TreeEntry> {
        let tree = match self.roots.get(&commit) {
            Some(tree) => *tree,
            None => {
                let tree = self.reader.commit(commit).ok()?.tree;
                self.roots.insert(commit, tree);
                tree
            }
        };
        let full = format!("{}{path}", self.prefix);
        let (mode, id) = Trees::new(&mut self.reader).entry(tree, &full).ok()??;
        Some(if is_blob_mode(mode) {
            TreeEntry::File(id)
        } else if mode == super::object::MODE_TREE {
            TreeEntry::Folder
        } else {
            TreeEntry::Other
        })
    }

    /// The blob of the plain file at `path` (relative to the SOP root) in commit `commit`;
    /// `None` when there is none there (missing, or a link, a folder or a submodule), or the
    /// commit cannot be read.
    pub fn file_blob(&mut self, commit: Oid, path: &str) -> Option<Oid> {
        match self.entry_at(commit, path)? {
            TreeEntry::File(blob) => Some(blob),
            TreeEntry::Folder | TreeEntry::Other => None,
        }
    }

    /// The plain files of commit `commit` (paths relative to the SOP root), in one walk of its
    /// trees and no blob read; `None` when the commit cannot be read. A page made from a
    /// release finds the files its wiki embeds (`![[flow.png]]`) name among them.
    pub fn files_at(&mut self, commit: Oid) -> Option<Vec<String>> {
        let tree = self.reader.commit(commit).ok()?.tree;
        let prefix = self.prefix.clone();
        let files = Trees::new(&mut self.reader)
            .files_under(tree, &prefix)
            .ok()?;
        Some(
            files
                .into_iter()
                .filter(|(_, (mode, _))| is_blob_mode(*mode))
                .map(|(path, _)| path.strip_prefix(&prefix).unwrap_or(&path).to_string())
                .collect(),
        )
    }

    /// The whole message of commit `commit` (full hex id); `None` when it cannot be read. A
    /// release tag's approvals are checked against those its release commit records.
    pub fn message(&mut self, commit: &str) -> Option<String> {
        let id = Oid::from_str(commit).ok()?;
        Some(self.reader.commit(id).ok()?.message)
    }

    /// The bytes of blob `blob`; `None` when it is missing or not a file.
    pub fn bytes(&mut self, blob: Oid) -> Option<std::sync::Arc<[u8]>> {
        self.reader.blob(blob).ok()
    }

    /// The size of blob `blob` in bytes, read from its header (the blob is not read).
    pub fn size(&mut self, blob: Oid) -> Option<usize> {
        self.reader.size(blob).ok()
    }

    /// The text of `path` (relative to the SOP root) in commit `commit` (full hex id), else of
    /// the file with the same id and language in the same top folder, when `path` is not
    /// there; `None` when neither is, or it is not text.
    pub fn at_commit(&mut self, commit: &str, path: &str) -> Option<String> {
        let (_, blob) = self.sop_entry(Oid::from_str(commit).ok()?, path)?;
        self.blob(blob)
    }

    /// The file [`TextReader::at_commit`] reads, with its path (relative to the SOP root):
    /// `path` in commit `commit`, else the file with the same id and language in the same top
    /// folder (the SOP's file before it was renamed or moved); `None` when neither is there.
    pub fn sop_entry(&mut self, commit: Oid, path: &str) -> Option<(String, Oid)> {
        let tree = self.reader.commit(commit).ok()?.tree;
        let full = format!("{}{path}", self.prefix);
        let mut trees = Trees::new(&mut self.reader);
        match trees.lookup(tree, &full).ok()? {
            Some((_, blob)) => Some((path.to_string(), blob)),
            None => {
                let name = path.rsplit('/').next().unwrap_or(path);
                let wanted = file_identity(name)?;
                let top = format!(
                    "{}{}/",
                    self.prefix,
                    path.split('/').next().unwrap_or_default()
                );
                let files = trees.files(tree).ok()?;
                files
                    .iter()
                    .filter(|(p, _)| p.starts_with(&top))
                    .find(|(p, _)| {
                        let n = p.rsplit('/').next().unwrap_or(p);
                        file_identity(n).as_ref() == Some(&wanted)
                    })
                    .map(|(p, (_, blob))| {
                        let rel = p.strip_prefix(&self.prefix).unwrap_or(p);
                        (rel.to_string(), *blob)
                    })
            }
        }
    }
}

/// Whether `subject` is that of a commit `sop release` made for `id`: `SOP-0001 v1.2.0: …`.
pub fn is_release_subject(subject: &str, id: &str) -> bool {
    release_subject_version(subject, id).is_some()
}

/// The version of the commit `sop release` made for `id` with `subject` (`1.2.0` in
/// `SOP-0001 v1.2.0: …`); `None` for any other commit.
pub fn release_subject_version<'s>(subject: &'s str, id: &str) -> Option<&'s str> {
    subject
        .strip_prefix(id)
        .and_then(|rest| rest.strip_prefix(" v"))
        .and_then(|rest| rest.split_once(": "))
        .map(|(v, _)| v)
        .filter(|v| semver::Version::parse(v).is_ok())
}

/// The id a subject `sop release` wrote names (`SOP-0001` in `SOP-0001 v1.2.0: …`).
pub fn release_subject_id(subject: &str) -> Option<&str> {
    let (id, _) = subject.split_once(" v")?;
    (!id.is_empty()
        && !id.contains(char::is_whitespace)
        && release_subject_version(subject, id).is_some())
    .then_some(id)
}

/// A commit waiting in [`ReleaseWalk`]'s queue: newest commit date first, then in the order
/// found (as [`Graph::walk`] orders them).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Queued(i64, std::cmp::Reverse<u64>, Oid);

/// The commits `sop release` made for one SOP that `HEAD` reaches, newest first, found by a
/// walk of the history in the order of [`Graph::walk`] (newest commit date first) that goes on
/// only until it has the one asked for. Each commit is read with `sop`'s own object reader and
/// only its subject is looked at: judging the tag a comparison starts from needs the release
/// commit of one version, not the whole history.
pub struct ReleaseWalk {
    id: String,
    reader: Reader,
    queue: BinaryHeap<Queued>,
    /// The commits queued, not yet walked.
    loaded: HashMap<Oid, CommitHead>,
    /// Every commit queued so far.
    seen: HashSet<Oid>,
    seq: u64,
    /// Where a shallow clone's history is cut.
    shallow: Vec<Oid>,
    /// The release commits of the SOP walked so far, newest first: (commit, subject).
    found: Vec<(Oid, String)>,
    /// The first parent of each release commit found that has one.
    first_parents: HashMap<Oid, Oid>,
}

impl ReleaseWalk {
    /// The release commits of the SOP walked so far, newest first: every one among the commits
    /// walked, so the first of them that [`ReleaseWalk::find`] is asked for is the newest of
    /// the whole history.
    pub fn found(&self) -> &[(Oid, String)] {
        &self.found
    }

    /// The first parent of `commit`, a release commit found ([`ReleaseWalk::found`]); `None`
    /// for a first commit, or a commit not found.
    pub fn first_parent(&self, commit: Oid) -> Option<Oid> {
        self.first_parents.get(&commit).copied()
    }

    /// The newest release commit of the SOP (commit, subject) that `wanted` accepts (given the
    /// commit and its subject): among those found so far, else walking on until one is found or
    /// the history ends.
    ///
    /// # Errors
    /// When a commit cannot be read.
    pub fn find(
        &mut self,
        wanted: impl Fn(Oid, &str) -> bool,
    ) -> Result<Option<&(Oid, String)>, GitError> {
        let id = self.id.clone();
        let accepts = |oid: Oid, subject: &str| {
            release_subject_version(subject, &id).is_some() && wanted(oid, subject)
        };
        if let Some(at) = self.found.iter().position(|(c, s)| accepts(*c, s)) {
            return Ok(self.found.get(at));
        }
        while let Some(Queued(_, _, oid)) = self.queue.pop() {
            let Some(data) = self.loaded.remove(&oid) else {
                continue;
            };
            if !self.shallow.contains(&oid) {
                for &parent in &data.parents {
                    if !self.seen.insert(parent) {
                        continue;
                    }
                    let p = self.reader.commit_head(parent)?;
                    self.seq += 1;
                    self.queue
                        .push(Queued(p.commit_time, std::cmp::Reverse(self.seq), parent));
                    self.loaded.insert(parent, p);
                }
            }
            let subject = data.subject;
            if release_subject_version(&subject, &id).is_some() {
                let wanted = accepts(oid, &subject);
                if let Some(&first) = data.parents.first() {
                    self.first_parents.insert(oid, first);
                }
                self.found.push((oid, subject));
                if wanted {
                    return Ok(self.found.last());
                }
            }
        }
        Ok(None)
    }
}

/// The commits `sop release` made that `HEAD` reaches, newest first: (commit, subject).
#[derive(Debug, Clone, Default)]
pub struct ReleaseCommits(Vec<(Oid, String)>);

impl ReleaseCommits {
    /// Every release commit of `id`, newest first.
    pub fn all_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a (Oid, String)> + 'a {
        self.0
            .iter()
            .filter(move |(_, subject)| release_subject_version(subject, id).is_some())
    }

    /// The newest release commit of `id`, of `version` when given.
    pub fn of(&self, id: &str, version: Option<&str>) -> Option<&(Oid, String)> {
        self.0.iter().find(|(_, subject)| {
            release_subject_version(subject, id).is_some_and(|v| version.is_none_or(|w| w == v))
        })
    }
}

/// The SOP files committed at `HEAD`: path relative to the SOP root → blob.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadBlobs {
    /// Path → blob.
    pub blobs: HashMap<String, Oid>,
}

impl HeadBlobs {
    /// The blob committed at `path`, if any.
    pub fn get(&self, path: &str) -> Option<Oid> {
        self.blobs.get(path).copied()
    }
}

/// Whether `text` is exactly the content of `blob` (hashed as git hashes a file, nothing
/// read from the repository).
pub fn is_text_of(blob: Oid, text: &str) -> bool {
    Oid::hash_object(git2::ObjectType::Blob, text.as_bytes()).is_ok_and(|id| id == blob)
}

/// The id-like start of a file name (`SOP-0001` in `SOP-0001-x.es.md`) and its language.
fn file_identity(name: &str) -> Option<(String, Option<String>)> {
    let stem = name.split('.').next().unwrap_or(name);
    let mut parts = stem.splitn(3, '-');
    let (a, b) = (parts.next()?, parts.next()?);
    if a.is_empty() || b.is_empty() || !b.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let f = FileName::parse(name, a);
    Some((f.id?, f.language))
}

/// The text value of the key `key` in the front matter of `text`, under the name `names` gives
/// it, if any.
pub(crate) fn front_matter_text(
    text: &str,
    key: &str,
    names: &crate::repo::keys::KeyNames,
) -> Option<String> {
    use crate::repo::front_matter::{self, Value};
    let split = front_matter::split(text);
    let fm = front_matter::parse(text, split.yaml?);
    match &names.field(&fm, key)?.value {
        Value::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    }
}

/// The names the repository's `.mailmap` (or the files `mailmap.file` and `mailmap.blob`
/// name) gives to the people of its commits and tags, as `git log` shows them (`%aN`), unless
/// `log.mailmap` is off. Each identity is looked up once.
struct Names {
    map: Option<git2::Mailmap>,
    known: std::cell::RefCell<HashMap<(String, String), String>>,
}

impl Names {
    /// The mailmap of `repo`; none when there is none (no `.mailmap`, no `mailmap.file` or
    /// `mailmap.blob`), when `log.mailmap` is off, or when it cannot be read (the names are
    /// then shown as written).
    fn of(repo: &Repository) -> Names {
        let config = repo.config().ok();
        let set = |key: &str| config.as_ref().is_some_and(|c| c.get_entry(key).is_ok());
        let on = config
            .as_ref()
            .and_then(|c| c.get_bool("log.mailmap").ok())
            .unwrap_or(true);
        let some = repo.is_bare()
            || repo.workdir().is_some_and(|w| w.join(".mailmap").exists())
            || set("mailmap.file")
            || set("mailmap.blob");
        Names {
            map: (on && some).then(|| repo.mailmap().ok()).flatten(),
            known: std::cell::RefCell::new(HashMap::new()),
        }
    }

    /// The name of `name <email>`: the mailmap's, else `name` as written.
    fn name(&self, name: &str, email: &str) -> String {
        let Some(map) = &self.map else {
            return name.to_string();
        };
        let key = (name.to_string(), email.to_string());
        if let Some(known) = self.known.borrow().get(&key) {
            return known.clone();
        }
        let mapped = git2::Signature::new(name, email, &git2::Time::new(0, 0))
            .ok()
            .and_then(|sig| {
                let resolved = map.resolve_signature(&sig).ok()?;
                let mapped = resolved.name_bytes();
                (mapped != sig.name_bytes()).then(|| String::from_utf8_lossy(mapped).into_owned())
            })
            .unwrap_or_else(|| name.to_string());
        self.known.borrow_mut().insert(key, mapped.clone());
        mapped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_subject_names_its_id() {
        assert_eq!(
            release_subject_id("SOP-0001 v1.2.0: Clearer steps"),
            Some("SOP-0001")
        );
        assert_eq!(release_subject_id("OPS-7 v0.1.0-rc.1: Try"), Some("OPS-7"));
        for not in [
            "Fix SOP-0001 v1.2.0: typo",
            "SOP-0001 v1.2: short version",
            "SOP-0001 v1.2.0 no colon",
            " v1.0.0: no id",
            "renumber refunds",
        ] {
            assert_eq!(release_subject_id(not), None, "{not}");
        }
    }
}
