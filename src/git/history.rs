//! Per-SOP history from the commit graph and the release tags, in one pass.
//!
//! One walk of the first-parent chain from `HEAD` (newest first; a merged branch counts as its
//! merge commit) diffs every commit against its parent, inside the SOP folder only, with a
//! hand-rolled tree diff that skips every subtree whose id did not change, skips the run of
//! byte-identical entries in a changed tree, and never reads a blob. The commits are split
//! over the cores. Each changed file goes to its SOP: an SOP is its id, so a file that keeps
//! its id under a new name or folder is the same SOP. Only a commit that removes and adds SOP
//! files under different names runs git's rename detection (`find_similar`), to follow a
//! renamed file whose name has no id. Tags are read once into a map, also over the cores.
//! Objects come from the packs through [`super::pack`] (which keeps every delta version it
//! decodes), else from libgit2. Cost grows with commits, not with commits × SOPs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use git2::{Oid, Repository};
use serde::Serialize;

pub use super::approval::Approval;
use super::changes::{
    Change, MODE_TREE, RawTree, Status, diff_commits, is_blob_mode, subtree, walk,
};
use super::pack::{PackReader, Packs};
use super::tags::read_tags;
pub use super::tags::releases_of;
use super::{Git, GitError, is_sop_name};
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
    /// The file's blob after the commit, when the commit changed it (not in the JSON).
    #[serde(skip)]
    pub blob: Option<Oid>,
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
    /// Who approved this version, when, and what it means (from the tag message's trailers);
    /// empty for a release that was not approved.
    pub approvals: Vec<Approval>,
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
    let Some(head) = head_of(repo)? else {
        return Ok(Histories::new());
    };
    let head_commit = head
        .peel_to_commit()
        .map_err(GitError::read("the commit at HEAD"))?;
    let sops_dir = sops_dir_parts(&git, settings);
    let prefix = &settings.config.sops.id_prefix;

    let git_dir = repo.path().to_path_buf();
    let common_dir = repo.commondir().to_path_buf();
    let packs = Packs::open(&common_dir);
    let commits = walk(repo, head_commit.id(), packs.clone())?;
    let (changed, tags) = rayon::join(
        || diff_commits(&git_dir, packs, &commits, &sops_dir, &git.prefix),
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
                        r.blob = change.blob;
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
                        blob: change.blob,
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
                    blob: None,
                }),
            }
        }
    }

    let mut out = Histories::new();
    let tree = head_commit
        .tree()
        .map_err(GitError::read("the tree at HEAD"))?;
    for (path, _) in head_files(repo, &tree, &sops_dir)? {
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

/// The SOP folder's path in the work tree, as its components.
fn sops_dir_parts(git: &Git, settings: &Settings) -> Vec<String> {
    git.git_path(settings.sops_dir())
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(str::to_string)
        .collect()
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
    with_open(root, |open| {
        let Ok(obj) = open.git.repo.revparse_single(&format!("refs/tags/{tag}")) else {
            return Ok(None);
        };
        let commit = obj
            .peel_to_commit()
            .map_err(GitError::read(format!("the commit of tag `{tag}`")))?
            .id();
        drop(obj);
        read_at_commit(open, commit, path)
    })
}

/// The text of `path` in the commit `commit` (full hex id, as in [`Release::commit`]), with the
/// same fallback as [`file_at_tag`] for a file that had another name then.
///
/// Publishing reads every release this way: the commit, its trees and the file come from the
/// packs through the thread's [`PackReader`], which keeps the trees it decoded, so thousands of
/// releases cost one pass over the objects they share.
///
/// # Errors
/// When the repository cannot be read.
pub fn file_at_commit(root: &Path, commit: &str, path: &str) -> Result<Option<String>, GitError> {
    let Ok(id) = Oid::from_str(commit) else {
        return Ok(None);
    };
    with_open(root, |open| read_at_commit(open, id, path))
}

/// The text of blob `blob` (from [`Revision::blob`]); `None` when it is not a blob or not
/// UTF-8 text. Publishing reads most releases this way: the history pass already knows
/// which blob each release commit wrote, so no commit or tree is read again.
///
/// # Errors
/// When the repository cannot be read.
pub fn file_at_blob(root: &Path, blob: Oid) -> Result<Option<String>, GitError> {
    with_open(root, |open| {
        if let Some((3, data)) = open.reader.as_mut().and_then(|r| r.object(blob)) {
            return Ok(String::from_utf8(data.to_vec()).ok());
        }
        Ok(match open.git.repo.find_blob(blob) {
            Ok(b) => String::from_utf8(b.content().to_vec()).ok(),
            Err(_) => None,
        })
    })
}

/// The blob of every SOP file (translations included) in `HEAD`'s tree, by path relative to
/// the SOP root: what is committed, read in one walk of the SOP folder's trees, no blob read.
/// `None` outside git; empty before the first commit.
///
/// # Errors
/// When the repository cannot be read.
pub fn head_blobs(root: &Path, settings: &Settings) -> Result<Option<HeadBlobs>, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(None);
    };
    let repo = &git.repo;
    let Some(head) = head_of(repo)? else {
        return Ok(Some(HeadBlobs::default()));
    };
    let tree = head
        .peel_to_tree()
        .map_err(GitError::read("the tree at HEAD"))?;
    let sops_dir = sops_dir_parts(&git, settings);
    let blobs = head_files(repo, &tree, &sops_dir)?
        .into_iter()
        .map(|(path, blob)| (git.sop_path(&path).to_string(), blob))
        .collect();
    Ok(Some(HeadBlobs { blobs }))
}

/// The files git changes when a commit or tag is made in the repository around `root`: its
/// `HEAD`, its `refs/` folder and `packed-refs` (a worktree's `HEAD`, the shared refs). Empty
/// outside git. `sop serve` watches them to rebuild after a commit or a release.
pub fn ref_paths(root: &Path) -> Vec<std::path::PathBuf> {
    let Ok(Some(git)) = Git::open(root) else {
        return Vec::new();
    };
    let common = git.repo.commondir();
    vec![
        git.repo.path().join("HEAD"),
        common.join("refs"),
        common.join("packed-refs"),
    ]
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

/// How many read passes have begun: a thread reopens its repository when a new pass begins,
/// so a long `sop serve` sees new packs and lets go of old ones.
static READ_PASS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Begin a pass of [`file_at_commit`] and [`file_at_blob`] reads (one site build): each thread
/// then opens the repository afresh on its first read.
pub fn begin_read_pass() {
    READ_PASS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Run `f` with this thread's open repository at `root`; `Ok(None)` when `root` is not in git.
fn with_open<T>(
    root: &Path,
    f: impl FnOnce(&mut Open) -> Result<Option<T>, GitError>,
) -> Result<Option<T>, GitError> {
    // Publishing reads thousands of releases from a few threads: each thread keeps its
    // repository open (git2's `Repository` may not be shared between threads) instead of
    // opening it per release.
    type Cached = Option<(std::path::PathBuf, u64, Option<Open>)>;
    thread_local! {
        static OPEN: std::cell::RefCell<Cached> = const { std::cell::RefCell::new(None) };
    }
    let pass = READ_PASS.load(std::sync::atomic::Ordering::Relaxed);
    OPEN.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached
            .as_ref()
            .is_none_or(|(p, n, _)| p != root || *n != pass)
        {
            // Drop the old one first, so two copies of the packs are never held at once.
            *cached = None;
            let open = Git::open(root)?.map(|git| {
                // Every decoded version stays cached, so reading the releases of one SOP one
                // after another applies each delta once instead of walking its whole chain.
                let reader = Packs::open(git.repo.commondir()).map(PackReader::new);
                Open { git, reader }
            });
            *cached = Some((root.to_path_buf(), pass, open));
        }
        match cached.as_mut() {
            Some((_, _, Some(open))) => f(open),
            _ => Ok(None),
        }
    })
}

/// A repository kept open by one thread, with its pack reader.
struct Open {
    git: Git,
    reader: Option<PackReader>,
}

fn read_at_commit(open: &mut Open, commit: Oid, path: &str) -> Result<Option<String>, GitError> {
    let git_path = open.git.git_path(path);
    if let Some(reader) = open.reader.as_mut()
        && let Some(data) = blob_in_commit(reader, commit, &git_path)
    {
        return Ok(String::from_utf8(data.to_vec()).ok());
    }
    let commit = open
        .git
        .repo
        .find_commit(commit)
        .map_err(GitError::read(format!("commit {commit}")))?;
    let tree = commit.tree().map_err(GitError::read(format!(
        "the files of commit {}",
        commit.id()
    )))?;
    Ok(open.git.file_in_tree(&tree, path))
}

/// The blob at `git_path` in `commit`, read from the packs alone; `None` when it is not there
/// or any object on the way is not in a pack (the caller then asks libgit2).
fn blob_in_commit(
    reader: &mut PackReader,
    commit: Oid,
    git_path: &str,
) -> Option<std::rc::Rc<[u8]>> {
    let (kind, raw) = reader.object(commit)?;
    if kind != 1 {
        return None;
    }
    let header = raw.split(|&b| b == b'\n').next()?;
    let hex = std::str::from_utf8(header.strip_prefix(b"tree ")?).ok()?;
    let mut at = Oid::from_str(hex).ok()?;
    let mut parts = git_path.split('/').filter(|p| !p.is_empty()).peekable();
    while let Some(name) = parts.next() {
        let last = parts.peek().is_none();
        let tree = reader.tree(at)?;
        let entry =
            RawTree(&tree).find(|e| e.name == name.as_bytes() && (e.mode == MODE_TREE) != last)?;
        at = Oid::from_bytes(entry.id).ok()?;
        if last {
            if !is_blob_mode(entry.mode) {
                return None;
            }
            let (kind, data) = reader.object(at)?;
            return (kind == 3).then_some(data);
        }
    }
    None
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
            .find(|(p, _)| {
                let n = p.rsplit('/').next().unwrap_or(p);
                file_identity(n).as_ref() == Some(&wanted)
            })
            .and_then(|(p, _)| read(p))
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

/// Every SOP file under the folder `dir` (components) of `tree`, as work-tree paths with their
/// blobs, sorted by path.
fn head_files(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    dir: &[String],
) -> Result<Vec<(String, Oid)>, GitError> {
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
            let mode = u32::try_from(e.filemode()).unwrap_or(0);
            if mode == MODE_TREE {
                stack.push((e.id(), full));
            } else if is_blob_mode(mode) && is_sop_name(e.name_bytes()) {
                out.push((full, e.id()));
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::git::test_git as git;

    #[test]
    fn releases_are_read_from_the_packs_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        let mut versions = Vec::new();
        for n in 0..5 {
            let text: String = (0..=n)
                .map(|k| format!("Step {k} of the procedure.\n"))
                .collect();
            std::fs::create_dir_all(root.join("sops/a")).unwrap();
            std::fs::write(root.join("sops/a/SOP-0001-x.md"), &text).unwrap();
            git(root, &["add", "-A"]);
            git(root, &["commit", "-q", "-m", "v"]);
            let commit = Oid::from_str(git(root, &["rev-parse", "HEAD"]).trim()).unwrap();
            versions.push((commit, text));
        }
        git(root, &["gc", "-q"]);
        let packs = Packs::open(&root.join(".git")).unwrap();
        let mut reader = PackReader::new(packs);
        for (commit, text) in &versions {
            let blob = blob_in_commit(&mut reader, *commit, "sops/a/SOP-0001-x.md");
            assert_eq!(blob.as_deref(), Some(text.as_bytes()));
            // A folder, or a path that is not there, is no blob.
            assert_eq!(blob_in_commit(&mut reader, *commit, "sops/a"), None);
            assert_eq!(
                blob_in_commit(&mut reader, *commit, "sops/a/SOP-0002-y.md"),
                None
            );
            assert_eq!(
                blob_in_commit(&mut reader, *commit, "sops/a/SOP-0001-x.md/z"),
                None
            );
        }
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
