//! Which commits `git log --follow -- <path>` shows, for every file at once.
//!
//! With `--follow`, git prunes nothing ("can't prune commits with rename following"): every
//! commit reachable from `HEAD` is looked at, through every parent, and a commit is shown when
//! its diff against its parent changes the followed path. A merge has no such diff, so no merge
//! is ever an entry; the commits it brought in are. When a commit creates the path, git looks
//! for the file it came from among all files of the parent (a rename, or a copy: `--follow`
//! finds copies "harder") and follows that path from there on.
//!
//! So the history of a path is its changes ([`Touches`], from one tree diff per commit against
//! its first parent) among the commits reachable from a start, minus those below a creation
//! whose source was found: there the source path takes over, as a new start at the parent.
//! Where git would switch paths for the rest of its date-ordered walk, here the switch holds
//! for the ancestors of the creation only (a change made on another branch under the old name,
//! and merged into the renamed file, stays in the history whatever the commit dates). A
//! creation by a merge (the path is in the merge but not in a parent) looks for the source in
//! that parent. Cost grows with the changes to a file, not with the commits, except for a walk
//! of the ancestors below each rename.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use git2::Oid;

use super::GitError;
use super::changes::{FileChange, FileId, Region, Trees};
use super::graph::Graph;
use super::similarity::{self, Spans};

/// One commit's change to one path, against the commit's first parent (or nothing, for a
/// first commit).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Touch {
    /// The commit, as an index into the graph.
    pub(crate) commit: u32,
    /// The file before; `None` when the commit created it.
    pub(crate) old: Option<FileId>,
    /// The file after; `None` when the commit deleted it.
    pub(crate) new: Option<FileId>,
}

/// For each path, the commits that changed it against their first parent, newest first.
#[derive(Debug, Default)]
pub(crate) struct Touches {
    by_path: HashMap<String, Vec<Touch>>,
    /// The paths whose changes are known.
    pub(crate) region: Region,
}

impl Touches {
    /// Touches from each commit's changes (`changes[i]` belongs to commit `i`).
    pub(crate) fn new(region: Region, changes: Vec<(u32, Vec<FileChange>)>) -> Touches {
        let mut t = Touches {
            by_path: HashMap::new(),
            region,
        };
        t.add(changes);
        t
    }

    /// Add changes for more paths (after the region grew).
    pub(crate) fn add(&mut self, changes: Vec<(u32, Vec<FileChange>)>) {
        for (commit, list) in changes {
            for c in list {
                self.by_path.entry(c.path).or_default().push(Touch {
                    commit,
                    old: c.old,
                    new: c.new,
                });
            }
        }
        for list in self.by_path.values_mut() {
            list.sort_by_key(|t| t.commit);
            list.dedup_by_key(|t| t.commit);
        }
    }
}

/// A set of commits, as bits by index.
#[derive(Debug, Clone)]
struct Commits(Vec<u64>);

impl Commits {
    fn contains(&self, i: u32) -> bool {
        self.0
            .get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn insert(&mut self, i: u32) -> bool {
        let Some(w) = self.0.get_mut(i as usize / 64) else {
            return false;
        };
        let bit = 1 << (i % 64);
        let new = *w & bit == 0;
        *w |= bit;
        new
    }
}

/// One entry of a file's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The commit.
    pub(crate) commit: u32,
    /// The file's path in it.
    pub(crate) path: String,
    /// The file after it (`None`: deleted).
    pub(crate) blob: Option<Oid>,
}

/// The result of following one file.
#[derive(Debug, Default)]
pub(crate) struct Followed {
    /// Entries in `git log` order.
    pub(crate) entries: Vec<Entry>,
    /// Paths outside the region the walk reached: follow again once their changes are known.
    pub(crate) outside: Vec<String>,
}

/// One thread's follower.
pub(crate) struct Follower<'a, 'r> {
    graph: &'a Graph,
    touches: &'a Touches,
    trees: Trees<'r>,
    min_score: u32,
    /// Chunk counts of blobs, by id.
    spans: HashMap<Oid, Rc<Spans>>,
}

impl<'a, 'r> Follower<'a, 'r> {
    /// A follower over `trees`; `similarity` is the rename threshold in percent.
    pub(crate) fn new(
        graph: &'a Graph,
        touches: &'a Touches,
        trees: Trees<'r>,
        similarity: u8,
    ) -> Follower<'a, 'r> {
        Follower {
            graph,
            touches,
            trees,
            min_score: similarity::MAX_SCORE * u32::from(similarity.min(100)) / 100,
            spans: HashMap::new(),
        }
    }

    /// The history of `path` (a work-tree path in `HEAD`'s tree).
    ///
    /// # Errors
    /// When a tree or blob cannot be read.
    pub(crate) fn follow(&mut self, path: &str) -> Result<Followed, GitError> {
        let mut out = Followed::default();
        if self.graph.nodes.is_empty() {
            return Ok(out);
        }
        let mut starts: Vec<(u32, String)> = vec![(0, path.to_string())];
        let mut started: HashSet<(u32, String)> = HashSet::new();
        let mut entries: Vec<Entry> = Vec::new();
        while let Some((x, p)) = starts.pop() {
            if !started.insert((x, p.clone())) {
                continue;
            }
            if !self.touches.region.contains(&p) {
                out.outside.push(p);
                continue;
            }
            let Some(list) = self.touches.by_path.get(&p) else {
                continue;
            };
            // `HEAD` reaches every commit of the graph.
            let reach = (x != 0).then(|| self.ancestors(x));
            let list: Vec<Touch> = list
                .iter()
                .filter(|t| reach.as_ref().is_none_or(|r| r.contains(t.commit)))
                .copied()
                .collect();
            // First the places where the file came from another path: below each, that path
            // takes over. (Found before any entry is kept, so that commit dates that disagree
            // with the graph cannot let an entry from below through.)
            let mut below: Vec<Commits> = Vec::new();
            for t in &list {
                if below.iter().any(|b| b.contains(t.commit)) {
                    continue;
                }
                for (q, src) in self.sources_at(t, &p)? {
                    below.push(self.ancestors(q));
                    starts.push((q, src));
                }
            }
            for t in &list {
                let merge = self
                    .graph
                    .nodes
                    .get(t.commit as usize)
                    .is_none_or(|n| n.parents.len() > 1);
                if merge || below.iter().any(|b| b.contains(t.commit)) {
                    continue;
                }
                entries.push(Entry {
                    commit: t.commit,
                    path: p.clone(),
                    blob: t.new.map(|(_, id)| id),
                });
            }
        }
        entries.sort_by_key(|e| e.commit);
        entries.dedup_by_key(|e| e.commit);
        out.entries = entries;
        Ok(out)
    }

    /// The (parent, path) pairs that the file at `p` after touch `t` came from.
    ///
    /// An ordinary commit that creates `p`: the source git's `--follow` finds in its parent
    /// (a rename, or a copy of any file). A merge: for each parent without `p`, when the
    /// merge's `p` is not simply some other parent's (so that parent's text was merged in),
    /// a file of that parent renamed to `p` (gone from the merge: a copy never counts here, or
    /// any similar file on the other side would join the history).
    fn sources_at(&mut self, t: &Touch, p: &str) -> Result<Vec<(u32, String)>, GitError> {
        let Some((_, blob)) = t.new else {
            return Ok(Vec::new());
        };
        let parents = match self.graph.nodes.get(t.commit as usize) {
            Some(n) => n.parents.clone(),
            None => return Ok(Vec::new()),
        };
        let mut out = Vec::new();
        if parents.len() <= 1 {
            if let (None, Some(&q)) = (t.old, parents.first())
                && let Some(src) = self.source(t.commit, q, p, blob, false)?
            {
                out.push((q, src));
            }
            return Ok(out);
        }
        // A parent with the merge's whole tree has its file too (a merge of a branch main
        // had not moved past): nothing came from elsewhere.
        let mine = self.tree_of(t.commit);
        if parents.iter().any(|&q| self.tree_of(q) == mine) {
            return Ok(out);
        }
        let mut theirs: Vec<(u32, Option<Oid>)> = Vec::with_capacity(parents.len());
        for (k, &q) in parents.iter().enumerate() {
            let file = if k == 0 {
                t.old.map(|(_, id)| id)
            } else {
                let tree = self.tree_of(q);
                self.trees.lookup(tree, p)?.map(|(_, id)| id)
            };
            theirs.push((q, file));
        }
        if theirs.iter().any(|(_, f)| *f == Some(blob)) {
            return Ok(out);
        }
        for (q, file) in theirs {
            if file.is_none()
                && let Some(src) = self.source(t.commit, q, p, blob, true)?
            {
                out.push((q, src));
            }
        }
        Ok(out)
    }

    /// Every commit reachable from `x` (itself included), through all parents.
    fn ancestors(&self, x: u32) -> Commits {
        let n = self.graph.nodes.len();
        let mut seen = Commits(vec![0; n.div_ceil(64)]);
        let mut stack = vec![x];
        while let Some(c) = stack.pop() {
            if !seen.insert(c) {
                continue;
            }
            if let Some(node) = self.graph.nodes.get(c as usize) {
                stack.extend(node.parents.iter().copied());
            }
        }
        seen
    }

    fn tree_of(&self, commit: u32) -> Oid {
        self.graph
            .nodes
            .get(commit as usize)
            .map_or(Oid::ZERO_SHA1, |n| n.data.tree)
    }

    /// The file of `parent` that `path` (created by `commit` with content `blob`) came from, as
    /// `git log --follow` finds it: an identical file first (one the commit deleted before
    /// one it kept, then one with the same name), else the most similar file at or above the
    /// threshold among the four best (a deleted one first: a rename before a copy).
    fn source(
        &mut self,
        commit: u32,
        parent: u32,
        path: &str,
        blob: Oid,
        renames_only: bool,
    ) -> Result<Option<String>, GitError> {
        let (new_tree, old_tree) = (self.tree_of(commit), self.tree_of(parent));
        let Some((mode, _)) = self.trees.lookup(new_tree, path)? else {
            return Ok(None);
        };
        let files = self.trees.files(old_tree)?;
        let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let my_base = base(path);
        let regular = |m: u32| m & 0o170_000 == 0o100_000;

        // Exact: the same blob; the first of the best in path order.
        let mut best: Option<(u8, &str)> = None;
        for (p, (m, id)) in files.iter() {
            if *id != blob || (!(regular(*m) && regular(mode)) && *m != mode) {
                continue;
            }
            let deleted = self.trees.lookup(new_tree, p)?.is_none();
            if renames_only && !deleted {
                continue;
            }
            let score = u8::from(deleted) + u8::from(base(p) == my_base);
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, p));
            }
        }
        if let Some((_, p)) = best {
            return Ok(Some(p.to_string()));
        }
        // At 100 % git pairs identical files only.
        if !regular(mode) || self.min_score >= similarity::MAX_SCORE {
            return Ok(None);
        }

        // Similar: git's chunk score against every file of the parent.
        let dst = self.spans(blob)?;
        let mut scored: Vec<(u32, bool, usize)> = Vec::new();
        for (i, (p, (m, id))) in files.iter().enumerate() {
            if !regular(*m) || p == path {
                continue;
            }
            let src = self.spans(*id)?;
            if !similarity::sizes_allow(src.size(), dst.size(), self.min_score) {
                continue;
            }
            let s = similarity::score(&src, &dst, self.min_score);
            if s >= self.min_score {
                scored.push((s, base(p) == my_base, i));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        scored.truncate(4);
        let mut copy = None;
        for (_, _, i) in &scored {
            let Some((p, _)) = files.get(*i) else {
                continue;
            };
            if self.trees.lookup(new_tree, p)?.is_none() {
                return Ok(Some(p.clone()));
            }
            copy = copy.or(Some(p.clone()));
        }
        Ok(copy)
    }

    fn spans(&mut self, blob: Oid) -> Result<Rc<Spans>, GitError> {
        if let Some(s) = self.spans.get(&blob) {
            return Ok(Rc::clone(s));
        }
        let data = self.trees.reader().blob(blob)?;
        let s = Rc::new(Spans::of(&data));
        self.spans.insert(blob, Rc::clone(&s));
        Ok(s)
    }
}
