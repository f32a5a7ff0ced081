//! Per-SOP history from the commit graph and the release tags, in one pass.
//!
//! One revwalk from `HEAD` (first parents only, newest first) diffs every commit against its
//! parent, inside the SOP folder only, with a hand-rolled tree diff that skips every subtree
//! whose id did not change and never reads a blob. The commits are split over the cores, one
//! `Repository` per thread. Each changed file goes to its SOP: an SOP is its id, so a file that
//! keeps its id under a new name or folder is the same SOP. Only a commit that removes and adds
//! SOP files under different ids runs git's rename detection (`find_similar`), to follow a
//! renamed file whose name has no id, or an id that changed. Tags are read once into a map.
//! Cost grows with commits, not with commits × SOPs.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Sort};
use rayon::prelude::*;
use serde::Serialize;

use super::{Git, GitError, format_date, is_sop_name};
use crate::repo::Settings;
use crate::repo::sop::FileName;

/// The commit trailer `sop review` writes; history marks those commits as reviews.
pub const REVIEW_TRAILER: &str = "Sop-Review";

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

/// Compute the history of every SOP at `HEAD` in one pass over the commit graph.
///
/// The map holds one entry per id of an SOP file (not a translation) in `HEAD`'s tree; an SOP
/// that is not committed yet has none. A folder outside git, or a repository without commits,
/// gives an empty map.
///
/// # Errors
/// When the repository cannot be read.
pub fn load_all(root: &Path, settings: &Settings) -> Result<Histories, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(Histories::new());
    };
    // Reading thousands of trees: skip re-hashing every object read (as `git log` does).
    git2::opts::strict_hash_verification(false);
    let repo = &git.repo;
    let head = match repo.head() {
        Ok(h) => h,
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            return Ok(Histories::new());
        }
        Err(e) => return Err(GitError::read("HEAD")(e)),
    };
    let head_commit = head
        .peel_to_commit()
        .map_err(GitError::read("the commit at HEAD"))?;
    let sops_dir: Vec<String> = git
        .git_path(settings.sops_dir())
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(str::to_string)
        .collect();
    let prefix = &settings.config.sops.id_prefix;

    let commits = walk(repo)?;
    let git_dir = repo.path().to_path_buf();
    let (changed, tags) = rayon::join(
        || diff_commits(&git_dir, &commits, &sops_dir, &git.prefix),
        || read_tags(&git_dir, settings, "*"),
    );
    let changed = changed?;
    let mut releases = tags?;

    // Newest to oldest: follow renames with "identity then → identity at HEAD".
    let mut alias: HashMap<Key, Key> = HashMap::new();
    let mut entries: HashMap<Key, Vec<Revision>> = HashMap::new();
    for info in changed.into_iter().flatten() {
        let keyed: Vec<(Key, &Change)> = info
            .changes
            .iter()
            .filter_map(|c| Key::of(&c.path, prefix).map(|k| (k, c)))
            .collect();
        let added: HashSet<&Key> = keyed
            .iter()
            .filter(|(_, c)| c.status == Status::Added)
            .map(|(k, _)| k)
            .collect();
        let needs_renames = keyed
            .iter()
            .any(|(k, c)| c.status == Status::Deleted && !added.contains(k))
            && !added.is_empty();
        if needs_renames {
            for (old, new) in renames(&git, info.oid, &sops_dir)? {
                let (Some(old), Some(new)) = (Key::of(&old, prefix), Key::of(&new, prefix)) else {
                    continue;
                };
                // Two different ids are two SOPs, however alike their text (one template):
                // follow only renames where a side has no id in its file name.
                let both_ids = matches!((&old, &new), (Key::Id(_), Key::Id(_)));
                if old != new && !both_ids {
                    let target = resolve(&alias, new);
                    alias.insert(old, target);
                }
            }
        }
        let mut seen: HashMap<Key, usize> = HashMap::new();
        for (key, change) in keyed {
            let key = resolve(&alias, key);
            let list = entries.entry(key.clone()).or_default();
            match seen.get(&key) {
                Some(&i) => {
                    // The same SOP twice in one commit (a rename): keep the new path.
                    if change.status != Status::Deleted
                        && let Some(r) = list.get_mut(i)
                    {
                        r.path.clone_from(&change.path);
                    }
                }
                None => {
                    seen.insert(key, list.len());
                    list.push(Revision {
                        commit: info.oid.to_string(),
                        date: info.date.clone(),
                        author: info.author.clone(),
                        summary: info.summary.clone(),
                        path: change.path.clone(),
                        kind: RevisionKind::Commit,
                    });
                }
            }
        }
        for id in &info.reviews {
            let key = resolve(&alias, Key::Id(id.clone()));
            let list = entries.entry(key).or_default();
            let oid = info.oid.to_string();
            match list.last_mut() {
                Some(r) if r.commit == oid => r.kind = RevisionKind::Review,
                // A review that changed no byte (reviewed twice in a day): still a review.
                _ => list.push(Revision {
                    commit: oid,
                    date: info.date.clone(),
                    author: info.author.clone(),
                    summary: info.summary.clone(),
                    path: String::new(),
                    kind: RevisionKind::Review,
                }),
            }
        }
    }

    let mut out = Histories::new();
    let tree = head_commit
        .tree()
        .map_err(GitError::read("the tree at HEAD"))?;
    for path in head_files(repo, &tree, &sops_dir)? {
        let rel = git.sop_path(&path).to_string();
        let Some(key) = Key::of(&rel, prefix) else {
            continue;
        };
        let id = match &key {
            Key::Id(id) => id.clone(),
            Key::Path(_) => match id_in_blob(repo, &tree, &path) {
                Some(id) => id,
                None => continue,
            },
        };
        if out.contains_key(&id) {
            continue;
        }
        let mut commits = entries.remove(&key).unwrap_or_default();
        // Reviews without a change have no path of their own: take the one before them.
        let mut last_path = rel.clone();
        for c in commits.iter_mut().rev() {
            if c.path.is_empty() {
                c.path.clone_from(&last_path);
            } else {
                last_path.clone_from(&c.path);
            }
        }
        let rel_releases = releases.remove(&id).unwrap_or_default();
        let released: HashSet<&str> = rel_releases.iter().map(|r| r.commit.as_str()).collect();
        for c in &mut commits {
            if c.kind == RevisionKind::Commit && released.contains(c.commit.as_str()) {
                c.kind = RevisionKind::Release;
            }
        }
        out.insert(
            id.clone(),
            SopHistory {
                id,
                path: rel,
                commits,
                releases: rel_releases,
            },
        );
    }
    Ok(out)
}

/// The text of `path` in the commit that `tag` points to.
///
/// `path` is relative to the SOP root. When the file had another name at that tag (it was
/// renamed or moved since), the file of the same id (and language) in the SOP folder is
/// returned instead. `None` when the tag does not exist, the file is not in it, or it is not
/// UTF-8 text.
///
/// # Errors
/// When the repository cannot be read.
pub fn file_at_tag(root: &Path, tag: &str, path: &str) -> Result<Option<String>, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(None);
    };
    let Ok(obj) = git.repo.revparse_single(&format!("refs/tags/{tag}")) else {
        return Ok(None);
    };
    let commit = obj
        .peel_to_commit()
        .map_err(GitError::read(format!("the commit of tag `{tag}`")))?;
    let tree = commit
        .tree()
        .map_err(GitError::read(format!("the files of tag `{tag}`")))?;
    Ok(git.file_in_tree(&tree, path))
}

impl Git {
    /// The text of `path` (relative to the SOP root) in `tree`, else of the file with the same
    /// id and language in the same top folder, when `path` is not there.
    pub(crate) fn file_in_tree(&self, tree: &git2::Tree<'_>, path: &str) -> Option<String> {
        let read = |git_path: &str| -> Option<String> {
            let entry = tree.get_path(Path::new(git_path)).ok()?;
            let blob = self.repo.find_blob(entry.id()).ok()?;
            String::from_utf8(blob.content().to_vec()).ok()
        };
        let full = self.git_path(path);
        if let Some(text) = read(&full) {
            return Some(text);
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let wanted = file_identity(name)?;
        let top = path.split('/').next().unwrap_or_default();
        let top_dir: Vec<String> = self
            .git_path(top)
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let files = head_files(&self.repo, tree, &top_dir).ok()?;
        files
            .iter()
            .find(|p| {
                let n = p.rsplit('/').next().unwrap_or(p);
                file_identity(n).as_ref() == Some(&wanted)
            })
            .and_then(|p| read(p))
    }
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

/// Which SOP a path belongs to: the id in its file name, else the path itself (resolved to an
/// id at the end from the file's front matter).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Id(String),
    Path(String),
}

impl Key {
    /// `None` for translations, which belong to their source's page, not its history.
    fn of(path: &str, id_prefix: &str) -> Option<Key> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let f = FileName::parse(name, id_prefix);
        if f.language.is_some() {
            return None;
        }
        Some(match f.id {
            Some(id) => Key::Id(id),
            None => Key::Path(path.to_string()),
        })
    }
}

fn resolve(alias: &HashMap<Key, Key>, key: Key) -> Key {
    match alias.get(&key) {
        Some(k) => k.clone(),
        None => key,
    }
}

/// Every commit from `HEAD`, newest first, following first parents.
fn walk(repo: &Repository) -> Result<Vec<Oid>, GitError> {
    let what = "the list of commits";
    let mut walk = repo.revwalk().map_err(GitError::read(what))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .map_err(GitError::read(what))?;
    walk.push_head().map_err(GitError::read(what))?;
    walk.simplify_first_parent().map_err(GitError::read(what))?;
    walk.map(|r| r.map_err(GitError::read(what))).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Added,
    Deleted,
    Modified,
}

/// One SOP file a commit changed; `path` is relative to the SOP root.
#[derive(Debug)]
struct Change {
    status: Status,
    path: String,
}

/// A commit that changed SOP files, with what people see of it.
#[derive(Debug)]
struct CommitInfo {
    oid: Oid,
    date: String,
    author: String,
    summary: String,
    /// Ids named in `Sop-Review:` trailers.
    reviews: Vec<String>,
    changes: Vec<Change>,
}

/// Diff every commit against its first parent inside the SOP folder, in parallel; the result
/// keeps the order of `commits`, `None` for commits that changed no SOP file.
fn diff_commits(
    git_dir: &Path,
    commits: &[Oid],
    sops_dir: &[String],
    prefix: &str,
) -> Result<Vec<Option<CommitInfo>>, GitError> {
    let threads = rayon::current_num_threads().max(1);
    let chunk = commits.len().div_ceil(threads * 4).max(64);
    let parts: Vec<Result<Vec<Option<CommitInfo>>, GitError>> = commits
        .par_chunks(chunk)
        .map(|part| {
            let repo = Repository::open(git_dir).map_err(|source| GitError::Open {
                path: git_dir.to_path_buf(),
                source,
            })?;
            let mut differ = Differ {
                repo: &repo,
                sops_dir,
                prefix,
                cache: None,
            };
            part.iter().map(|oid| differ.commit(*oid)).collect()
        })
        .collect();
    let mut out = Vec::with_capacity(commits.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

struct Differ<'r> {
    repo: &'r Repository,
    sops_dir: &'r [String],
    prefix: &'r str,
    /// The last (root tree → SOP folder tree) lookup: a commit's parent is usually the next
    /// commit of the walk.
    cache: Option<(Oid, Option<Oid>)>,
}

impl Differ<'_> {
    fn commit(&mut self, oid: Oid) -> Result<Option<CommitInfo>, GitError> {
        let commit = self
            .repo
            .find_commit(oid)
            .map_err(GitError::read(format!("commit {oid}")))?;
        let new = self.sops_tree(commit.tree_id())?;
        let old = match commit.parent_ids().next() {
            Some(p) => {
                let parent = self
                    .repo
                    .find_commit(p)
                    .map_err(GitError::read(format!("commit {p}")))?;
                self.sops_tree(parent.tree_id())?
            }
            None => None,
        };
        let mut changes = Vec::new();
        let base = self.sops_dir.join("/");
        let base = if base.is_empty() {
            String::new()
        } else {
            format!("{base}/")
        };
        let base = base.strip_prefix(self.prefix).unwrap_or(&base).to_string();
        if old != new {
            diff_trees(self.repo, old, new, &base, &mut changes)?;
        }
        let message = String::from_utf8_lossy(commit.message_bytes());
        let summary = message
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let reviews = message
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim().eq_ignore_ascii_case(REVIEW_TRAILER)).then(|| v.trim().to_string())
            })
            .collect::<Vec<_>>();
        if changes.is_empty() && reviews.is_empty() {
            return Ok(None);
        }
        let author = commit.author();
        Ok(Some(CommitInfo {
            oid,
            date: format_date(author.when()),
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            summary,
            reviews,
            changes,
        }))
    }

    /// The id of the SOP folder's tree inside the root tree `tree`.
    fn sops_tree(&mut self, tree: Oid) -> Result<Option<Oid>, GitError> {
        if let Some((t, sub)) = self.cache
            && t == tree
        {
            return Ok(sub);
        }
        let sub = subtree(self.repo, tree, self.sops_dir)?;
        self.cache = Some((tree, sub));
        Ok(sub)
    }
}

/// The tree at `path` (components) under `tree`, `None` when it is not there.
fn subtree(repo: &Repository, tree: Oid, path: &[String]) -> Result<Option<Oid>, GitError> {
    let mut at = tree;
    for name in path {
        let t = repo
            .find_tree(at)
            .map_err(GitError::read(format!("tree {at}")))?;
        match t.get_name(name) {
            Some(e) if e.kind() == Some(ObjectType::Tree) => at = e.id(),
            _ => return Ok(None),
        }
    }
    Ok(Some(at))
}

const MODE_TREE: i32 = 0o040_000;

fn is_blob_mode(mode: i32) -> bool {
    mode & 0o170_000 == 0o100_000
}

/// Git's order of tree entries: names compare as bytes, a folder as if it ended in `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let slash = |t: bool| if t { Some(&b'/') } else { None };
    a.iter()
        .chain(slash(a_tree))
        .cmp(b.iter().chain(slash(b_tree)))
}

/// Append to `out` the SOP files that differ between trees `old` and `new` (`None`: absent),
/// recursing only into subtrees whose ids differ. `base` is the path of both trees, relative to
/// the SOP root, empty or ending in `/`. No blob is read.
fn diff_trees(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    base: &str,
    out: &mut Vec<Change>,
) -> Result<(), GitError> {
    let load = |id: Option<Oid>| -> Result<Option<git2::Tree<'_>>, GitError> {
        id.map(|id| {
            repo.find_tree(id)
                .map_err(GitError::read(format!("tree {id}")))
        })
        .transpose()
    };
    let (old_t, new_t) = (load(old)?, load(new)?);
    // Entries are read in place (no copy of names): trees of a large folder hold thousands.
    let (a_len, b_len) = (
        old_t.as_ref().map_or(0, git2::Tree::len),
        new_t.as_ref().map_or(0, git2::Tree::len),
    );
    fn entry<'t>(t: &'t Option<git2::Tree<'_>>, k: usize) -> Option<git2::TreeEntry<'t>> {
        t.as_ref().and_then(|t| t.get(k))
    }
    let side =
        |out: &mut Vec<Change>, e: &git2::TreeEntry<'_>, status: Status| -> Result<(), GitError> {
            let (name, id, mode) = (e.name_bytes(), e.id(), e.filemode());
            if mode == MODE_TREE {
                let path = format!("{base}{}/", String::from_utf8_lossy(name));
                let (o, n) = match status {
                    Status::Deleted => (Some(id), None),
                    _ => (None, Some(id)),
                };
                diff_trees(repo, o, n, &path, out)
            } else {
                if is_blob_mode(mode) && is_sop_name(name) {
                    out.push(Change {
                        status,
                        path: format!("{base}{}", String::from_utf8_lossy(name)),
                    });
                }
                Ok(())
            }
        };
    let (mut i, mut j) = (0, 0);
    while i < a_len || j < b_len {
        let (x, y) = (entry(&old_t, i), entry(&new_t, j));
        let ord = match (&x, &y) {
            (Some(x), Some(y)) => git_order(
                x.name_bytes(),
                x.filemode() == MODE_TREE,
                y.name_bytes(),
                y.filemode() == MODE_TREE,
            ),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            // Both ended early (an entry the index promised is missing): stop.
            (None, None) => break,
        };
        match (ord, x, y) {
            (Ordering::Less, Some(x), _) => {
                side(out, &x, Status::Deleted)?;
                i += 1;
            }
            (Ordering::Greater, _, Some(y)) => {
                side(out, &y, Status::Added)?;
                j += 1;
            }
            (Ordering::Equal, Some(x), Some(y)) => {
                if x.id() != y.id() {
                    let name = x.name_bytes();
                    if x.filemode() == MODE_TREE {
                        let path = format!("{base}{}/", String::from_utf8_lossy(name));
                        diff_trees(repo, Some(x.id()), Some(y.id()), &path, out)?;
                    } else if is_blob_mode(x.filemode())
                        && is_blob_mode(y.filemode())
                        && is_sop_name(name)
                    {
                        out.push(Change {
                            status: Status::Modified,
                            path: format!("{base}{}", String::from_utf8_lossy(name)),
                        });
                    }
                }
                i += 1;
                j += 1;
            }
            _ => break,
        }
    }
    Ok(())
}

/// The renames (old → new path, relative to the SOP root) git detects in `commit` against its
/// first parent, inside the SOP folder.
fn renames(git: &Git, commit: Oid, sops_dir: &[String]) -> Result<Vec<(String, String)>, GitError> {
    let what = format!("the renames in commit {commit}");
    let repo = &git.repo;
    let c = repo.find_commit(commit).map_err(GitError::read(&what))?;
    let tree = c.tree().map_err(GitError::read(&what))?;
    let parent = match c.parents().next() {
        Some(p) => Some(p.tree().map_err(GitError::read(&what))?),
        None => None,
    };
    let mut opts = git2::DiffOptions::new();
    opts.pathspec(sops_dir.join("/"));
    let mut diff = repo
        .diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut opts))
        .map_err(GitError::read(&what))?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .map_err(GitError::read(&what))?;
    let path = |f: git2::DiffFile<'_>| {
        f.path_bytes()
            .map(|p| git.sop_path(&String::from_utf8_lossy(p)).to_string())
    };
    Ok(diff
        .deltas()
        .filter(|d| d.status() == git2::Delta::Renamed)
        .filter_map(|d| Some((path(d.old_file())?, path(d.new_file())?)))
        .collect())
}

/// Every SOP file under the folder `dir` (components) of `tree`, as work-tree paths, in tree
/// order.
fn head_files(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    dir: &[String],
) -> Result<Vec<String>, GitError> {
    let mut out = Vec::new();
    let Some(sub) = subtree(repo, tree.id(), dir)? else {
        return Ok(out);
    };
    let mut stack = vec![(sub, dir.join("/"))];
    while let Some((id, path)) = stack.pop() {
        let t = repo
            .find_tree(id)
            .map_err(GitError::read(format!("tree {id}")))?;
        for e in t.iter() {
            let name = String::from_utf8_lossy(e.name_bytes());
            let full = if path.is_empty() {
                name.into_owned()
            } else {
                format!("{path}/{name}")
            };
            if e.filemode() == MODE_TREE {
                stack.push((e.id(), full));
            } else if is_blob_mode(e.filemode()) && is_sop_name(e.name_bytes()) {
                out.push(full);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `id` in the front matter of the blob at `path` in `tree`.
fn id_in_blob(repo: &Repository, tree: &git2::Tree<'_>, path: &str) -> Option<String> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    let text = std::str::from_utf8(blob.content()).ok()?;
    front_matter_text(text, "id")
}

/// The text value of `key` in the front matter of `text`, if any.
pub(crate) fn front_matter_text(text: &str, key: &str) -> Option<String> {
    use crate::repo::front_matter::{self, Value};
    let split = front_matter::split(text);
    let fm = front_matter::parse(text, split.yaml?);
    match &fm.get(key)?.value {
        Value::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    }
}

/// The releases of one SOP, newest version first, from its tags alone (no walk).
///
/// # Errors
/// When the repository cannot be read.
pub fn releases_of(root: &Path, settings: &Settings, id: &str) -> Result<Vec<Release>, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(Vec::new());
    };
    let format = &settings.config.release.tag_format;
    let escaped: String = id
        .chars()
        .map(|c| match c {
            '*' | '?' | '[' | ']' | '\\' => '?',
            c => c,
        })
        .collect();
    let glob = format.replace("{id}", &escaped).replace("{version}", "*");
    let mut all = read_tags(git.repo.path(), settings, &glob)?;
    Ok(all.remove(id).unwrap_or_default())
}

/// Every release tag whose name matches `glob`, by SOP id, newest version first.
fn read_tags(
    git_dir: &Path,
    settings: &Settings,
    glob: &str,
) -> Result<HashMap<String, Vec<Release>>, GitError> {
    let repo = Repository::open(git_dir).map_err(|source| GitError::Open {
        path: git_dir.to_path_buf(),
        source,
    })?;
    let format = TagFormat::new(&settings.config.release.tag_format);
    let what = "the release tags";
    let mut out: HashMap<String, Vec<(semver::Version, Release)>> = HashMap::new();
    let refs = repo
        .references_glob(&format!("refs/tags/{glob}"))
        .map_err(GitError::read(what))?;
    for r in refs {
        let r = r.map_err(GitError::read(what))?;
        let Some(name) = r.name().ok().and_then(|n| n.strip_prefix("refs/tags/")) else {
            continue;
        };
        let Some((id, version)) = format.parse(name) else {
            continue;
        };
        let Ok(parsed) = semver::Version::parse(&version) else {
            continue;
        };
        let Some(target) = r.target() else {
            continue;
        };
        let obj = repo
            .find_object(target, None)
            .map_err(GitError::read(format!("tag `{name}`")))?;
        let release = match obj.as_tag() {
            Some(tag) => {
                let (date, tagger) = tag.tagger().map_or_else(
                    || (String::new(), String::new()),
                    |s| {
                        (
                            format_date(s.when()),
                            String::from_utf8_lossy(s.name_bytes()).into_owned(),
                        )
                    },
                );
                let message = String::from_utf8_lossy(tag.message_bytes().unwrap_or_default());
                // The usual tag points at a commit: take its id without reading the commit.
                let commit = if tag.target_type() == Some(ObjectType::Commit) {
                    tag.target_id().to_string()
                } else {
                    obj.peel_to_commit()
                        .map_or_else(|_| tag.target_id().to_string(), |c| c.id().to_string())
                };
                Release {
                    version,
                    tag: name.to_string(),
                    date,
                    tagger,
                    summary: message
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                    commit,
                }
            }
            None => {
                let Ok(c) = obj.peel_to_commit() else {
                    continue;
                };
                let author = c.author();
                Release {
                    version,
                    tag: name.to_string(),
                    date: format_date(author.when()),
                    tagger: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                    summary: String::from_utf8_lossy(c.message_bytes())
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                    commit: c.id().to_string(),
                }
            }
        };
        out.entry(id).or_default().push((parsed, release));
    }
    Ok(out
        .into_iter()
        .map(|(id, mut list)| {
            list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.date.cmp(&a.1.date)));
            (id, list.into_iter().map(|(_, r)| r).collect())
        })
        .collect())
}

/// A tag format such as `{id}/v{version}`, to read tag names back.
#[derive(Debug, Clone)]
pub(crate) struct TagFormat {
    /// Text before, between and after the two placeholders, and whether `{id}` comes first.
    parts: [String; 3],
    id_first: bool,
    valid: bool,
}

impl TagFormat {
    /// Read `format`; one that lacks `{id}` or `{version}` matches nothing.
    pub(crate) fn new(format: &str) -> TagFormat {
        let (i, v) = (format.find("{id}"), format.find("{version}"));
        let (Some(i), Some(v)) = (i, v) else {
            return TagFormat {
                parts: Default::default(),
                id_first: true,
                valid: false,
            };
        };
        let (first, first_len, second, second_len) =
            if i < v { (i, 4, v, 9) } else { (v, 9, i, 4) };
        let get = |r: std::ops::Range<usize>| format.get(r).unwrap_or_default().to_string();
        TagFormat {
            parts: [
                get(0..first),
                get(first + first_len..second),
                get(second + second_len..format.len()),
            ],
            id_first: i < v,
            valid: first + first_len <= second,
        }
    }

    /// The id and version in `tag`, when it has this format.
    pub(crate) fn parse(&self, tag: &str) -> Option<(String, String)> {
        if !self.valid {
            return None;
        }
        let [pre, mid, post] = &self.parts;
        let rest = tag
            .strip_prefix(pre.as_str())?
            .strip_suffix(post.as_str())?;
        if mid.is_empty() {
            return None;
        }
        // Try every split at `mid`; take the first whose version part is a semantic version.
        rest.match_indices(mid.as_str()).find_map(|(at, _)| {
            let (a, b) = (rest.get(..at)?, rest.get(at + mid.len()..)?);
            let (id, version) = if self.id_first { (a, b) } else { (b, a) };
            (!id.is_empty() && semver::Version::parse(version).is_ok())
                .then(|| (id.to_string(), version.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_format_reads_names_back() {
        let f = TagFormat::new("{id}/v{version}");
        assert_eq!(
            f.parse("SOP-0001/v1.2.0"),
            Some(("SOP-0001".into(), "1.2.0".into()))
        );
        assert_eq!(f.parse("v1.0"), None);
        let g = TagFormat::new("release-{version}_{id}");
        assert_eq!(
            g.parse("release-1.0.0-rc.1_SOP-2"),
            Some(("SOP-2".into(), "1.0.0-rc.1".into()))
        );
        assert_eq!(TagFormat::new("{id}").parse("SOP-1"), None);
    }

    #[test]
    fn git_order_puts_folders_after_same_named_prefixes() {
        assert_eq!(git_order(b"a", true, b"a-b", false), Ordering::Greater);
        assert_eq!(git_order(b"a", false, b"a-b", false), Ordering::Less);
        assert_eq!(git_order(b"a.md", false, b"a.md", false), Ordering::Equal);
    }

    #[test]
    fn keys_come_from_file_names() {
        assert_eq!(
            Key::of("sops/x/SOP-0001-a.md", "SOP"),
            Some(Key::Id("SOP-0001".into()))
        );
        assert_eq!(Key::of("sops/x/SOP-0001-a.es.md", "SOP"), None);
        assert_eq!(
            Key::of("sops/x/notes.md", "SOP"),
            Some(Key::Path("sops/x/notes.md".into()))
        );
    }
}
