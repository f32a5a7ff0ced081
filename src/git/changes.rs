//! What each commit changed in the SOP folder: the first-parent walk from `HEAD` and a tree
//! diff per commit, split over the cores.
//!
//! The walk reads commits from the packs ([`super::pack`]) when it can, else through libgit2.
//! The diff reads raw tree objects, recurses only into subtrees whose ids differ, skips the
//! run of byte-identical entries of a changed tree with one compare, and never reads a blob.
//! Trees are read oldest commit first, so each version is one delta on the version before,
//! which the pack reader keeps.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository};
use rayon::prelude::*;

use super::history::REVIEW_TRAILER;
use super::pack::{PackReader, Packs};
use super::tags::parse_signature;
use super::{GitError, format_date, is_sop_name};

/// A commit of the first-parent chain from `HEAD`, as the walk read it.
pub(super) struct Walked {
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
pub(super) fn walk(
    repo: &Repository,
    head: Oid,
    packs: Option<Arc<Packs>>,
) -> Result<Vec<Walked>, GitError> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Added,
    Deleted,
    Modified,
}

/// One SOP file a commit changed; `path` is relative to the SOP root.
#[derive(Debug)]
pub(super) struct Change {
    pub(super) status: Status,
    pub(super) path: String,
    /// The file's blob after the commit (`None` when it was deleted).
    pub(super) blob: Option<Oid>,
}

/// A commit that changed SOP files, with what people see of it.
#[derive(Debug)]
pub(super) struct CommitInfo {
    pub(super) oid: Oid,
    pub(super) date: String,
    pub(super) author: String,
    pub(super) summary: String,
    /// Ids named in `Sop-Review:` trailers.
    pub(super) reviews: Vec<String>,
    pub(super) changes: Vec<Change>,
}

/// Diff every commit against its first parent inside the SOP folder, in parallel; the result
/// keeps the order of `commits`, `None` for commits that changed no SOP file.
pub(super) fn diff_commits(
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
                                blob: Oid::from_bytes(q.id).ok(),
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
                    blob: match status {
                        Status::Deleted => None,
                        _ => Oid::from_bytes(e.id).ok(),
                    },
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
pub(super) struct RawEntry<'a> {
    pub(super) mode: u32,
    pub(super) name: &'a [u8],
    pub(super) id: &'a [u8],
}

/// The entries of a raw tree object, in their stored (git) order; stops at the first
/// malformed byte.
pub(super) struct RawTree<'a>(pub(super) &'a [u8]);

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
pub(super) fn subtree(
    repo: &Repository,
    tree: Oid,
    path: &[String],
) -> Result<Option<Oid>, GitError> {
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

pub(super) const MODE_TREE: u32 = 0o040_000;

pub(super) fn is_blob_mode(mode: u32) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_order_puts_folders_after_same_named_prefixes() {
        assert_eq!(git_order(b"a", true, b"a-b", false), Ordering::Greater);
        assert_eq!(git_order(b"a", false, b"a-b", false), Ordering::Less);
        assert_eq!(git_order(b"a.md", false, b"a.md", false), Ordering::Equal);
    }
}
