//! What a commit changed: a diff of two root trees, limited to a [`Region`] of paths, that
//! recurses only into subtrees whose ids differ, skips the run of byte-identical entries of a
//! changed tree with one compare, and never reads a blob.
//!
//! [`Trees`] is one thread's tree reader on top of [`Reader`]: it keeps the trees of the last
//! two diffs (a commit's old trees are the next commit's new ones), looks paths up, and lists
//! every file of a tree (with the listing of each subtree kept by its id).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use git2::Oid;

use super::GitError;
use super::object::{RawEntry, RawTree, common_prefix, entry_len, git_order, is_blob_mode};
use super::reader::Reader;

/// Which paths a diff looks at: everything under a folder, and/or a set of files.
#[derive(Debug, Clone, Default)]
pub(crate) struct Region {
    /// A folder (`"sops/"`; `""` for the whole tree).
    under: Option<String>,
    /// Single files.
    files: HashSet<String>,
    /// The folders that hold them, each ending in `/`.
    dirs: HashSet<String>,
}

impl Region {
    /// Everything under `folder` (`""` or ending in `/`).
    pub(crate) fn under(folder: &str) -> Region {
        Region {
            under: Some(folder.to_string()),
            ..Region::default()
        }
    }

    /// Just these files.
    pub(crate) fn files<I: IntoIterator<Item = String>>(files: I) -> Region {
        let mut r = Region::default();
        for f in files {
            r.add(f);
        }
        r
    }

    /// Add one file.
    pub(crate) fn add(&mut self, file: String) {
        let mut at = 0;
        while let Some(slash) = file.get(at..).and_then(|s| s.find('/')) {
            self.dirs
                .insert(file.get(..at + slash + 1).unwrap_or_default().to_string());
            at += slash + 1;
        }
        self.files.insert(file);
    }

    /// Whether `path` is in the region.
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.under.as_deref().is_some_and(|u| path.starts_with(u)) || self.files.contains(path)
    }

    /// Whether a folder (`dir` ends in `/`) can hold paths of the region.
    fn descend(&self, dir: &str) -> bool {
        self.under
            .as_deref()
            .is_some_and(|u| dir.starts_with(u) || u.starts_with(dir))
            || self.dirs.contains(dir)
    }
}

/// A file entry: its mode and blob.
pub(crate) type FileId = (u32, Oid);

/// One file that differs between two trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileChange {
    /// Its path in the work tree.
    pub(crate) path: String,
    /// Before; `None` when it was added.
    pub(crate) old: Option<FileId>,
    /// After; `None` when it was deleted.
    pub(crate) new: Option<FileId>,
}

/// A mode as git compares it: very old trees wrote group-writable files as `100664`.
fn canonical(mode: u32) -> u32 {
    if is_blob_mode(mode) {
        if mode & 0o100 != 0 {
            0o100_755
        } else {
            0o100_644
        }
    } else {
        mode
    }
}

/// Whether a tree entry is a file git diffs (a plain or executable file, or a link).
fn is_file(mode: u32) -> bool {
    is_blob_mode(mode) || mode == 0o120_000
}

/// One thread's tree reader.
pub(crate) struct Trees<'r> {
    reader: &'r mut Reader,
    /// Trees read for this diff and the one before.
    recent: [HashMap<Oid, Arc<[u8]>>; 2],
    /// Every file of a subtree, by the subtree's id: paths relative to it.
    listings: HashMap<Oid, Arc<Vec<(String, FileId)>>>,
    listed: usize,
}

/// Trees one generation of [`Trees`]' recent trees holds (a diff reads a few dozen).
const RECENT_TREES: usize = 64;

/// Listings of more files than this are dropped and made again when needed.
const LISTING_BUDGET: usize = 300_000;

impl<'r> Trees<'r> {
    /// A tree reader over `reader`.
    pub(crate) fn new(reader: &'r mut Reader) -> Trees<'r> {
        Trees {
            reader,
            recent: [HashMap::new(), HashMap::new()],
            listings: HashMap::new(),
            listed: 0,
        }
    }

    /// The object reader under this one.
    pub(crate) fn reader(&mut self) -> &mut Reader {
        self.reader
    }

    /// The raw bytes of tree `id`.
    ///
    /// # Errors
    /// When it cannot be read.
    pub(crate) fn tree(&mut self, id: Oid) -> Result<Arc<[u8]>, GitError> {
        let [older, newer] = &mut self.recent;
        if let Some(t) = newer.get(&id).or_else(|| older.get(&id)) {
            let t = Arc::clone(t);
            newer.insert(id, Arc::clone(&t));
            return Ok(t);
        }
        let data = self.reader.tree(id)?;
        let [older, newer] = &mut self.recent;
        // Lookups do not come in diffs' pairs: keep the generations small all the same.
        if newer.len() >= RECENT_TREES {
            *older = std::mem::take(newer);
        }
        newer.insert(id, Arc::clone(&data));
        Ok(data)
    }

    /// The file at `path` (a work-tree path) in root tree `root`.
    ///
    /// # Errors
    /// When a tree cannot be read.
    pub(crate) fn lookup(&mut self, root: Oid, path: &str) -> Result<Option<FileId>, GitError> {
        Ok(self.entry(root, path)?.filter(|(mode, _)| is_file(*mode)))
    }

    /// Whatever is at `path` (a work-tree path) in root tree `root`: a file, a link, a folder
    /// or a submodule, with its mode.
    ///
    /// # Errors
    /// When a tree cannot be read.
    pub(crate) fn entry(&mut self, root: Oid, path: &str) -> Result<Option<FileId>, GitError> {
        let mut at = root;
        let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
        while let Some(name) = parts.next() {
            let last = parts.peek().is_none();
            let raw = self.tree(at)?;
            let Some((mode, id)) = RawTree(&raw)
                .find(|e| e.name == name.as_bytes() && (last || e.is_tree()))
                .and_then(|e| Some((e.mode, e.oid()?)))
            else {
                return Ok(None);
            };
            if last {
                return Ok(Some((mode, id)));
            }
            at = id;
        }
        Ok(None)
    }

    /// Every file under `folder` (`""` or ending in `/`) of root tree `root`, as work-tree
    /// paths with their files; empty when the folder is not there.
    ///
    /// # Errors
    /// When a tree cannot be read.
    pub(crate) fn files_under(
        &mut self,
        root: Oid,
        folder: &str,
    ) -> Result<Vec<(String, FileId)>, GitError> {
        let mut at = root;
        for name in folder.split('/').filter(|p| !p.is_empty()) {
            let raw = self.tree(at)?;
            match RawTree(&raw)
                .find(|e| e.is_tree() && e.name == name.as_bytes())
                .and_then(|e| e.oid())
            {
                Some(id) => at = id,
                None => return Ok(Vec::new()),
            }
        }
        Ok(self
            .files(at)?
            .iter()
            .map(|(p, f)| (format!("{folder}{p}"), *f))
            .collect())
    }

    /// Every file of tree `root`, as (work-tree path, file), in git's order.
    ///
    /// # Errors
    /// When a tree cannot be read.
    pub(crate) fn files(&mut self, root: Oid) -> Result<Arc<Vec<(String, FileId)>>, GitError> {
        if let Some(l) = self.listings.get(&root) {
            return Ok(Arc::clone(l));
        }
        let raw = self.tree(root)?;
        let mut out = Vec::new();
        for e in RawTree(&raw) {
            let Some(id) = e.oid() else { continue };
            let name = String::from_utf8_lossy(e.name);
            if e.is_tree() {
                for (p, f) in self.files(id)?.iter() {
                    out.push((format!("{name}/{p}"), *f));
                }
            } else if is_file(e.mode) {
                out.push((name.into_owned(), (e.mode, id)));
            }
        }
        if self.listed + out.len() > LISTING_BUDGET {
            self.listings.clear();
            self.listed = 0;
        }
        self.listed += out.len();
        let out = Arc::new(out);
        self.listings.insert(root, Arc::clone(&out));
        Ok(out)
    }

    /// The files of `region` that differ between root trees `old` and `new` (`None`: empty).
    ///
    /// # Errors
    /// When a tree cannot be read.
    pub(crate) fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        region: &Region,
    ) -> Result<Vec<FileChange>, GitError> {
        let mut out = Vec::new();
        if old != new {
            self.diff_in(old, new, "", region, &mut out)?;
        }
        let [older, newer] = &mut self.recent;
        *older = std::mem::take(newer);
        Ok(out)
    }

    fn diff_in(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        base: &str,
        region: &Region,
        out: &mut Vec<FileChange>,
    ) -> Result<(), GitError> {
        let empty: Arc<[u8]> = Arc::from(&[][..]);
        let a = match old {
            Some(id) => self.tree(id)?,
            None => Arc::clone(&empty),
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
            // An entry that cannot be read is an error, not the end of the tree: a diff that
            // stopped there would drop changes from the history without a word.
            if (x.is_none() && !ra.is_empty()) || (y.is_none() && !rb.is_empty()) {
                let bad = if x.is_none() && !ra.is_empty() {
                    old
                } else {
                    new
                };
                return Err(GitError::Read {
                    what: format!(
                        "the folder `{base}` in tree {}",
                        bad.unwrap_or(Oid::ZERO_SHA1)
                    ),
                    source: git2::Error::from_str("a damaged tree entry"),
                });
            }
            let (la, lb) = (ra.len() - ia.0.len(), rb.len() - ib.0.len());
            let ord = match (&x, &y) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => git_order(x.name, x.is_tree(), y.name, y.is_tree()),
            };
            match ord {
                Ordering::Less => {
                    if let Some(e) = &x {
                        self.one_side(e, true, base, region, out)?;
                    }
                    pa += la;
                }
                Ordering::Greater => {
                    if let Some(e) = &y {
                        self.one_side(e, false, base, region, out)?;
                    }
                    pb += lb;
                }
                Ordering::Equal => {
                    if let (Some(p), Some(q)) = (&x, &y)
                        && (p.id != q.id || canonical(p.mode) != canonical(q.mode))
                    {
                        let name = String::from_utf8_lossy(p.name);
                        if p.is_tree() {
                            let dir = format!("{base}{name}/");
                            if region.descend(&dir) {
                                self.diff_in(p.oid(), q.oid(), &dir, region, out)?;
                            }
                        } else {
                            let path = format!("{base}{name}");
                            if region.contains(&path) {
                                let side = |e: &RawEntry<'_>| {
                                    is_file(e.mode)
                                        .then(|| e.oid().map(|id| (e.mode, id)))
                                        .flatten()
                                };
                                let (old, new) = (side(p), side(q));
                                if old.is_some() || new.is_some() {
                                    out.push(FileChange { path, old, new });
                                }
                            }
                        }
                    }
                    pa += la;
                    pb += lb;
                }
            }
        }
        Ok(())
    }

    /// An entry on one side only: a file, or a whole folder added or removed.
    fn one_side(
        &mut self,
        e: &RawEntry<'_>,
        removed: bool,
        base: &str,
        region: &Region,
        out: &mut Vec<FileChange>,
    ) -> Result<(), GitError> {
        let name = String::from_utf8_lossy(e.name);
        if e.is_tree() {
            let dir = format!("{base}{name}/");
            if !region.descend(&dir) {
                return Ok(());
            }
            let id = e.oid();
            return if removed {
                self.diff_in(id, None, &dir, region, out)
            } else {
                self.diff_in(None, id, &dir, region, out)
            };
        }
        let path = format!("{base}{name}");
        if is_file(e.mode)
            && region.contains(&path)
            && let Some(id) = e.oid()
        {
            let f = Some((e.mode, id));
            out.push(if removed {
                FileChange {
                    path,
                    old: f,
                    new: None,
                }
            } else {
                FileChange {
                    path,
                    old: None,
                    new: f,
                }
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_hold_folders_and_files() {
        let r = Region::under("sops/");
        assert!(r.contains("sops/a/x.md"));
        assert!(!r.contains("docs/x.md"));
        assert!(r.descend("sops/"));
        assert!(r.descend("sops/a/"));
        assert!(!r.descend("docs/"));
        let nested = Region::under("site/sops/");
        assert!(nested.descend("site/"));
        let files = Region::files(["docs/old/x.md".to_string()]);
        assert!(files.descend("docs/"));
        assert!(files.descend("docs/old/"));
        assert!(!files.descend("docs/new/"));
        assert!(files.contains("docs/old/x.md"));
        assert!(Region::under("").contains("anything"));
    }

    #[test]
    fn a_damaged_tree_entry_is_an_error_not_the_end_of_the_tree() {
        let (dir, git) = crate::git::test_repo();
        let good = Oid::from_str(git(&["rev-parse", "HEAD^{tree}"]).trim()).unwrap();
        // One sound entry, then bytes that are no entry.
        let raw = std::process::Command::new("git")
            .args(["cat-file", "tree", &good.to_string()])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .stdout;
        let mut bad = raw.clone();
        bad.extend_from_slice(b"100644 b.md");
        std::fs::write(dir.path().join("bad-tree"), &bad).unwrap();
        let bad = Oid::from_str(
            git(&["hash-object", "-t", "tree", "-w", "--literally", "bad-tree"]).trim(),
        )
        .unwrap();
        let repo = crate::git::Repo::open(dir.path()).unwrap().unwrap();
        let mut reader = repo.reader();
        let mut trees = Trees::new(&mut reader);
        let all = Region::under("");
        assert!(trees.diff(None, Some(good), &all).is_ok());
        let err = trees.diff(Some(good), Some(bad), &all).unwrap_err();
        assert!(err.to_string().contains("cannot read"), "{err}");
    }
}
