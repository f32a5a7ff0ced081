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

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository};
use rayon::prelude::*;
use serde::Serialize;

use super::pack::{PackReader, Packs};
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

/// A commit of the first-parent chain from `HEAD`, as the walk read it.
struct Walked {
    oid: Oid,
    tree: Oid,
    /// The first parent's tree; `None` for a first commit (or the edge of a shallow clone).
    parent_tree: Option<Oid>,
    author: String,
    time: git2::Time,
    message: String,
}

/// Every commit from `head`, newest first, following first parents (merged branches count
/// as their merge commit). Commits are read from the packs when they can be, else by libgit2;
/// a parent that is not there (a shallow clone) ends the walk.
fn walk(repo: &Repository, head: Oid, packs: Option<Arc<Packs>>) -> Result<Vec<Walked>, GitError> {
    let mut reader = packs.map(PackReader::new);
    let mut out: Vec<Walked> = Vec::new();
    let mut next = Some(head);
    while let Some(oid) = next {
        let raw = reader
            .as_mut()
            .and_then(|r| r.object(oid))
            .and_then(|(kind, data)| (kind == 1).then(|| parse_commit(oid, &data)))
            .flatten();
        let (walked, parent) = match raw {
            Some(found) => found,
            None => match repo.find_commit(oid) {
                Ok(c) => {
                    let author = c.author();
                    (
                        Walked {
                            oid,
                            tree: c.tree_id(),
                            parent_tree: None,
                            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                            time: author.when(),
                            message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
                        },
                        c.parent_ids().next(),
                    )
                }
                Err(_) if !out.is_empty() => break,
                Err(e) => return Err(GitError::read(format!("commit {oid}"))(e)),
            },
        };
        out.push(walked);
        next = parent;
    }
    let trees: Vec<Oid> = out.iter().map(|w| w.tree).collect();
    for (w, parent) in out.iter_mut().zip(trees.iter().skip(1)) {
        w.parent_tree = Some(*parent);
    }
    Ok(out)
}

/// A raw commit object, and its first parent.
fn parse_commit(oid: Oid, data: &[u8]) -> Option<(Walked, Option<Oid>)> {
    let text = String::from_utf8_lossy(data);
    let (head, message) = text.split_once("\n\n").unwrap_or((&text, ""));
    let field = |key: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(' ')))
    };
    let tree = Oid::from_str(field("tree")?).ok()?;
    let parent = match field("parent") {
        Some(hex) => Some(Oid::from_str(hex).ok()?),
        None => None,
    };
    let (author, time) = parse_signature(field("author")?)?;
    Some((
        Walked {
            oid,
            tree,
            parent_tree: None,
            author,
            time,
            message: message.to_string(),
        },
        parent,
    ))
}

/// `Name <email> 1767225600 +0100` → the name and the time.
fn parse_signature(who: &str) -> Option<(String, git2::Time)> {
    let (name, when) = who.rsplit_once("> ")?;
    let name = name.split_once(" <").map_or(name, |(n, _)| n).to_string();
    let (secs, zone) = when.trim().split_once(' ')?;
    let secs: i64 = secs.parse().ok()?;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits = zone.trim_start_matches(['+', '-']);
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits.get(2..4)?.parse().ok()?;
    Some((name, git2::Time::new(secs, sign * (hours * 60 + minutes))))
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
    packs: Option<Arc<Packs>>,
    commits: &[Walked],
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
            let mut differ = Differ::new(&repo, packs.clone(), sops_dir, prefix)?;
            // Oldest first: a tree is usually stored as a delta on its previous version, so
            // reading versions in the order they were written keeps the delta chains short.
            let mut infos = part
                .iter()
                .rev()
                .map(|w| differ.commit(w))
                .collect::<Result<Vec<_>, GitError>>()?;
            infos.reverse();
            Ok(infos)
        })
        .collect();
    let mut out = Vec::with_capacity(commits.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

struct Differ<'r> {
    odb: git2::Odb<'r>,
    /// Reads trees from packs with a full delta cache; `None`: libgit2 reads them.
    pack: Option<PackReader>,
    sops_dir: &'r [String],
    prefix: &'r str,
    /// The last (root tree → SOP folder tree) lookup: a commit's parent is usually the next
    /// commit of the walk.
    cache: Option<(Oid, Option<Oid>)>,
    /// Raw trees read for this commit and the one before: a commit's old trees are the next
    /// commit's new ones.
    trees: [HashMap<Oid, Rc<[u8]>>; 2],
}

impl<'r> Differ<'r> {
    fn new(
        repo: &'r Repository,
        packs: Option<Arc<Packs>>,
        sops_dir: &'r [String],
        prefix: &'r str,
    ) -> Result<Self, GitError> {
        Ok(Differ {
            odb: repo.odb().map_err(GitError::read("the object database"))?,
            pack: packs.map(PackReader::new),
            sops_dir,
            prefix,
            cache: None,
            trees: [HashMap::new(), HashMap::new()],
        })
    }

    fn commit(&mut self, w: &Walked) -> Result<Option<CommitInfo>, GitError> {
        let new = self.sops_tree(w.tree)?;
        let old = match w.parent_tree {
            Some(t) => self.sops_tree(t)?,
            None => None,
        };
        let mut changes = Vec::new();
        if old != new {
            let base = self.sops_dir.join("/");
            let base = if base.is_empty() {
                String::new()
            } else {
                format!("{base}/")
            };
            let base = base.strip_prefix(self.prefix).unwrap_or(&base).to_string();
            self.diff(old, new, &base, &mut changes)?;
        }
        // Keep only the trees of this commit for the next one.
        let [older, newer] = &mut self.trees;
        *older = std::mem::take(newer);
        let message = &w.message;
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
        Ok(Some(CommitInfo {
            oid: w.oid,
            date: format_date(w.time),
            author: w.author.clone(),
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
        let mut at = tree;
        for name in self.sops_dir {
            let raw = self.tree(at)?;
            let found = RawTree(&raw)
                .find(|e| e.mode == MODE_TREE && e.name == name.as_bytes())
                .and_then(|e| Oid::from_bytes(e.id).ok());
            match found {
                Some(id) => at = id,
                None => {
                    self.cache = Some((tree, None));
                    return Ok(None);
                }
            }
        }
        self.cache = Some((tree, Some(at)));
        Ok(Some(at))
    }

    /// The raw bytes of tree `id`, from the cache or the object database.
    fn tree(&mut self, id: Oid) -> Result<Rc<[u8]>, GitError> {
        let [older, newer] = &mut self.trees;
        if let Some(t) = newer.get(&id).or_else(|| older.get(&id)) {
            let t = Rc::clone(t);
            newer.insert(id, Rc::clone(&t));
            return Ok(t);
        }
        if let Some(data) = self.pack.as_mut().and_then(|p| p.tree(id)) {
            let [_, newer] = &mut self.trees;
            newer.insert(id, Rc::clone(&data));
            return Ok(data);
        }
        let [_, newer] = &mut self.trees;
        let obj = self
            .odb
            .read(id)
            .map_err(GitError::read(format!("tree {id}")))?;
        let data: Rc<[u8]> = if obj.kind() == ObjectType::Tree {
            Rc::from(obj.data())
        } else {
            Rc::from(&[][..])
        };
        newer.insert(id, Rc::clone(&data));
        Ok(data)
    }

    /// Append to `out` the SOP files that differ between trees `old` and `new` (`None`:
    /// absent), recursing only into subtrees whose ids differ. `base` is the path of both
    /// trees, relative to the SOP root, empty or ending in `/`. No blob is read.
    fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        base: &str,
        out: &mut Vec<Change>,
    ) -> Result<(), GitError> {
        let empty: Rc<[u8]> = Rc::from(&[][..]);
        let a = match old {
            Some(id) => self.tree(id)?,
            None => Rc::clone(&empty),
        };
        let b = match new {
            Some(id) => self.tree(id)?,
            None => empty,
        };
        let (mut pa, mut pb) = (0usize, 0usize);
        loop {
            let (ra, rb) = (
                a.get(pa..).unwrap_or_default(),
                b.get(pb..).unwrap_or_default(),
            );
            // Most entries are the same byte for byte: skip them without parsing.
            let same = common_prefix(ra, rb);
            let mut skip = 0;
            while let Some(len) = ra.get(skip..).and_then(entry_len) {
                if skip + len > same {
                    break;
                }
                skip += len;
            }
            pa += skip;
            pb += skip;
            let (ra, rb) = (
                a.get(pa..).unwrap_or_default(),
                b.get(pb..).unwrap_or_default(),
            );
            let (mut ia, mut ib) = (RawTree(ra), RawTree(rb));
            let (x, y) = (ia.next(), ib.next());
            let (la, lb) = (ra.len() - ia.0.len(), rb.len() - ib.0.len());
            let ord = match (&x, &y) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => {
                    git_order(x.name, x.mode == MODE_TREE, y.name, y.mode == MODE_TREE)
                }
            };
            match ord {
                Ordering::Less => {
                    if let Some(e) = &x {
                        self.side(e, Status::Deleted, base, out)?;
                    }
                    pa += la;
                }
                Ordering::Greater => {
                    if let Some(e) = &y {
                        self.side(e, Status::Added, base, out)?;
                    }
                    pb += lb;
                }
                Ordering::Equal => {
                    if let (Some(p), Some(q)) = (&x, &y)
                        && p.id != q.id
                    {
                        if p.mode == MODE_TREE {
                            let path = format!("{base}{}/", String::from_utf8_lossy(p.name));
                            let (po, qo) = (Oid::from_bytes(p.id).ok(), Oid::from_bytes(q.id).ok());
                            self.diff(po, qo, &path, out)?;
                        } else if is_blob_mode(p.mode)
                            && is_blob_mode(q.mode)
                            && is_sop_name(p.name)
                        {
                            out.push(Change {
                                status: Status::Modified,
                                path: format!("{base}{}", String::from_utf8_lossy(p.name)),
                            });
                        }
                    }
                    pa += la;
                    pb += lb;
                }
            }
        }
        Ok(())
    }

    /// An entry only on one side: a file, or a whole folder added or removed.
    fn side(
        &mut self,
        e: &RawEntry<'_>,
        status: Status,
        base: &str,
        out: &mut Vec<Change>,
    ) -> Result<(), GitError> {
        if e.mode == MODE_TREE {
            let path = format!("{base}{}/", String::from_utf8_lossy(e.name));
            let id = Oid::from_bytes(e.id).ok();
            match status {
                Status::Deleted => self.diff(id, None, &path, out),
                _ => self.diff(None, id, &path, out),
            }
        } else {
            if is_blob_mode(e.mode) && is_sop_name(e.name) {
                out.push(Change {
                    status,
                    path: format!("{base}{}", String::from_utf8_lossy(e.name)),
                });
            }
            Ok(())
        }
    }
}

/// How many leading bytes `x` and `y` share.
fn common_prefix(x: &[u8], y: &[u8]) -> usize {
    const STEP: usize = 64;
    let n = x.len().min(y.len());
    let mut i = 0;
    while i + STEP <= n && x.get(i..i + STEP) == y.get(i..i + STEP) {
        i += STEP;
    }
    while i < n && x.get(i) == y.get(i) {
        i += 1;
    }
    i
}

/// The length of the raw tree entry at the start of `buf`: up to its name's NUL, then the id.
fn entry_len(buf: &[u8]) -> Option<usize> {
    let len = memchr::memchr(0, buf)? + 1 + 20;
    (len <= buf.len()).then_some(len)
}

/// One entry of a raw tree object: `<octal mode> <name>\0<20-byte id>`.
struct RawEntry<'a> {
    mode: u32,
    name: &'a [u8],
    id: &'a [u8],
}

/// The entries of a raw tree object, in their stored (git) order; stops at the first
/// malformed byte.
struct RawTree<'a>(&'a [u8]);

impl<'a> Iterator for RawTree<'a> {
    type Item = RawEntry<'a>;

    fn next(&mut self) -> Option<RawEntry<'a>> {
        const ID_LEN: usize = 20;
        let data = self.0;
        let space = memchr::memchr(b' ', data)?;
        let nul = space + 1 + memchr::memchr(0, data.get(space + 1..)?)?;
        let mode = data.get(..space)?.iter().try_fold(0u32, |m, &b| {
            (b'0'..=b'7')
                .contains(&b)
                .then(|| m * 8 + u32::from(b - b'0'))
        })?;
        let name = data.get(space + 1..nul)?;
        let id = data.get(nul + 1..nul + 1 + ID_LEN)?;
        self.0 = data.get(nul + 1 + ID_LEN..)?;
        Some(RawEntry { mode, name, id })
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

const MODE_TREE: u32 = 0o040_000;

fn is_blob_mode(mode: u32) -> bool {
    mode & 0o170_000 == 0o100_000
}

/// Git's order of tree entries: names compare as bytes, a folder as if it ended in `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.get(..n).unwrap_or(a), b.get(..n).unwrap_or(b));
    match pa.cmp(pb) {
        Ordering::Equal => {}
        other => return other,
    }
    // The byte after the common part: the name's next byte, else `/` for a folder, else end.
    let next = |s: &[u8], tree: bool| s.get(n).copied().or(tree.then_some(b'/'));
    next(a, a_tree).cmp(&next(b, b_tree))
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
            let mode = u32::try_from(e.filemode()).unwrap_or(0);
            if mode == MODE_TREE {
                stack.push((e.id(), full));
            } else if is_blob_mode(mode) && is_sop_name(e.name_bytes()) {
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

/// A release with its SOP id and parsed version, before grouping.
type VersionedRelease = (String, semver::Version, Release);

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
    let refs = match (glob == "*").then(|| list_tags(repo.commondir())).flatten() {
        Some(refs) => refs,
        None => {
            let mut refs = Vec::new();
            for r in repo
                .references_glob(&format!("refs/tags/{glob}"))
                .map_err(GitError::read(what))?
            {
                let r = r.map_err(GitError::read(what))?;
                if let (Some(name), Some(target)) = (r.name().ok(), r.target()) {
                    refs.push((name.to_string(), target));
                }
            }
            refs
        }
    };
    let packs = Packs::open(repo.commondir());
    drop(repo);
    // Reading thousands of tag objects is split over the cores like the commits.
    let chunk = refs
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(256);
    let parts: Vec<Result<Vec<VersionedRelease>, GitError>> = refs
        .par_chunks(chunk)
        .map(|part| {
            let mut reader = packs.clone().map(PackReader::new);
            let mut repo: Option<Repository> = None;
            let mut found = Vec::new();
            for (full, target) in part {
                let target = *target;
                let Some(name) = full.strip_prefix("refs/tags/") else {
                    continue;
                };
                let Some((id, version)) = format.parse(name) else {
                    continue;
                };
                let Ok(parsed) = semver::Version::parse(&version) else {
                    continue;
                };
                let fast = reader
                    .as_mut()
                    .and_then(|r| r.object(target))
                    .and_then(|(kind, data)| release_from_raw(kind, &data, target));
                let release = match fast {
                    Some(r) => r,
                    None => {
                        let repo = match &mut repo {
                            Some(r) => r,
                            None => repo.insert(Repository::open(git_dir).map_err(|source| {
                                GitError::Open {
                                    path: git_dir.to_path_buf(),
                                    source,
                                }
                            })?),
                        };
                        match release_from_git(repo, name, target)? {
                            Some(r) => r,
                            None => continue,
                        }
                    }
                };
                let release = Release {
                    version,
                    tag: name.to_string(),
                    ..release
                };
                found.push((id, parsed, release));
            }
            Ok(found)
        })
        .collect();
    let mut out: HashMap<String, Vec<(semver::Version, Release)>> = HashMap::new();
    for part in parts {
        for (id, parsed, release) in part? {
            out.entry(id).or_default().push((parsed, release));
        }
    }
    Ok(out
        .into_iter()
        .map(|(id, mut list)| {
            list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.date.cmp(&a.1.date)));
            (id, list.into_iter().map(|(_, r)| r).collect())
        })
        .collect())
}

/// Every tag ref (`refs/tags/...`, target) from `packed-refs` and the loose ref files, read
/// directly: libgit2 stats each loose ref several times, which dominates with thousands of
/// tags. `None` (let libgit2 do it) for anything unusual: a reftable, a symbolic tag ref, an
/// unreadable or malformed file.
fn list_tags(common_dir: &Path) -> Option<Vec<(String, Oid)>> {
    if common_dir.join("reftable").exists() {
        return None;
    }
    let mut refs: BTreeMap<String, Oid> = BTreeMap::new();
    match std::fs::read_to_string(common_dir.join("packed-refs")) {
        Ok(text) => {
            for line in text.lines() {
                if line.starts_with('#') || line.starts_with('^') || line.trim().is_empty() {
                    continue;
                }
                let (hex, name) = line.split_once(' ')?;
                if name.starts_with("refs/tags/") {
                    refs.insert(name.to_string(), Oid::from_str(hex).ok()?);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => return None,
    }
    // Loose refs: one file each, often one folder per SOP; read the folders in parallel.
    let top = common_dir.join("refs").join("tags");
    let entries: Vec<(std::path::PathBuf, String, bool)> = match std::fs::read_dir(&top) {
        Ok(list) => {
            let mut v = Vec::new();
            for entry in list {
                let entry = entry.ok()?;
                let file = entry.file_name().into_string().ok()?;
                v.push((
                    entry.path(),
                    format!("refs/tags/{file}"),
                    entry.file_type().ok()?.is_dir(),
                ));
            }
            v
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(_) => return None,
    };
    let loose: Option<Vec<Vec<(String, Oid)>>> = entries
        .par_iter()
        .map(|(path, name, is_dir)| loose_refs(path, name, *is_dir))
        .collect();
    for (name, oid) in loose?.into_iter().flatten() {
        refs.insert(name, oid);
    }
    Some(refs.into_iter().collect())
}

/// The loose refs at `path` (a ref file, or a folder of them) named from `name`.
fn loose_refs(path: &Path, name: &str, is_dir: bool) -> Option<Vec<(String, Oid)>> {
    let mut out = Vec::new();
    let mut stack = vec![(path.to_path_buf(), name.to_string(), is_dir)];
    while let Some((path, name, is_dir)) = stack.pop() {
        if is_dir {
            for entry in std::fs::read_dir(&path).ok()? {
                let entry = entry.ok()?;
                let file = entry.file_name().into_string().ok()?;
                let dir = entry.file_type().ok()?.is_dir();
                stack.push((entry.path(), format!("{name}/{file}"), dir));
            }
        } else if !name.ends_with(".lock") {
            // A loose ref is one line; read it without asking its size first.
            let mut buf = [0u8; 128];
            let mut f = std::fs::File::open(&path).ok()?;
            let n = std::io::Read::read(&mut f, &mut buf).ok()?;
            let text = std::str::from_utf8(buf.get(..n)?).ok()?;
            out.push((name, Oid::from_str(text.trim()).ok()?));
        }
    }
    Some(out)
}

/// A release (without its version and tag name) from the raw tag or commit object `id`.
fn release_from_raw(kind: u8, data: &[u8], id: Oid) -> Option<Release> {
    let text = std::str::from_utf8(data).ok()?;
    let (head, message) = text.split_once("\n\n").unwrap_or((text, ""));
    let summary = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let field = |key: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(' ')))
    };
    let (who, commit) = match kind {
        // An annotated tag that points at a commit.
        4 if field("type") == Some("commit") => (field("tagger")?, field("object")?.to_string()),
        4 => return None,
        // A lightweight tag: the commit itself.
        1 => (field("author")?, id.to_string()),
        _ => return None,
    };
    let (name, time) = parse_signature(who)?;
    Some(Release {
        version: String::new(),
        tag: String::new(),
        date: format_date(time),
        tagger: name,
        summary,
        commit,
    })
}

/// A release (without its version and tag name) read through libgit2; `None` when the tag
/// leads to no commit.
fn release_from_git(
    repo: &Repository,
    name: &str,
    target: Oid,
) -> Result<Option<Release>, GitError> {
    let obj = repo
        .find_object(target, None)
        .map_err(GitError::read(format!("tag `{name}`")))?;
    let first_line = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    if let Some(tag) = obj.as_tag() {
        let (date, tagger) = tag.tagger().map_or_else(
            || (String::new(), String::new()),
            |s| {
                (
                    format_date(s.when()),
                    String::from_utf8_lossy(s.name_bytes()).into_owned(),
                )
            },
        );
        // The usual tag points at a commit: take its id without reading the commit.
        let commit = if tag.target_type() == Some(ObjectType::Commit) {
            tag.target_id().to_string()
        } else {
            match obj.peel_to_commit() {
                Ok(c) => c.id().to_string(),
                Err(_) => return Ok(None),
            }
        };
        return Ok(Some(Release {
            version: String::new(),
            tag: String::new(),
            date,
            tagger,
            summary: first_line(tag.message_bytes().unwrap_or_default()),
            commit,
        }));
    }
    let Ok(c) = obj.peel_to_commit() else {
        return Ok(None);
    };
    let author = c.author();
    Ok(Some(Release {
        version: String::new(),
        tag: String::new(),
        date: format_date(author.when()),
        tagger: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        summary: first_line(c.message_bytes()),
        commit: c.id().to_string(),
    }))
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
