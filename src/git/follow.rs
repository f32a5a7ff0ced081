//! Which commits `git log --follow -- <path>` shows, for every file at once.
//!
//! git walks from `HEAD` through every parent, with its default history simplification: a
//! merge whose file equals one parent's file is no entry, and only that parent is walked for
//! the file (the first such parent). With `--follow`, when a commit creates the file, git looks
//! for the file it came from (a rename or, since `--follow` finds copies "harder", a copy of
//! any file of the parent) and follows that path from then on.
//!
//! Most commits leave a file alone, so the walk is not done commit by commit. For each path the
//! commits that changed it against their first parent ([`Touches`], from one tree diff per
//! commit) are the only places something happens: between them the walk just goes down the
//! first-parent chain. From a start `(commit, path)` the walk takes the touching commits on
//! that commit's first-parent chain, nearest first ([`Graph::on_chain`]): an ordinary commit is
//! an entry; a merge either is the same as another parent (the walk goes on there, and this
//! chain ends) or differs from all (an entry, and every other parent becomes a start); a
//! creation whose source is found ends the chain with a start at the parent with the old path.
//! Cost grows with the changes to a file, not with the commits.

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

/// For each path, the commits that changed it, nearest to `HEAD`'s end of their chain first.
#[derive(Debug, Default)]
pub(crate) struct Touches {
    by_path: HashMap<String, Vec<Touch>>,
    /// The paths whose changes are known.
    pub(crate) region: Region,
}

impl Touches {
    /// Touches from each commit's changes (`changes[i]` belongs to commit `i`).
    pub(crate) fn new(
        graph: &Graph,
        region: Region,
        changes: Vec<(u32, Vec<FileChange>)>,
    ) -> Touches {
        let mut t = Touches {
            by_path: HashMap::new(),
            region,
        };
        t.add(graph, changes);
        t
    }

    /// Add changes for more paths (after the region grew).
    pub(crate) fn add(&mut self, graph: &Graph, changes: Vec<(u32, Vec<FileChange>)>) {
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
            list.sort_by_key(|t| {
                (
                    std::cmp::Reverse(graph.depth.get(t.commit as usize).copied().unwrap_or(0)),
                    t.commit,
                )
            });
            list.dedup_by_key(|t| t.commit);
        }
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
        let mut visited: HashSet<(u32, String)> = HashSet::new();
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
            for t in list {
                if !self.graph.on_chain(t.commit, x) {
                    continue;
                }
                if !visited.insert((t.commit, p.clone())) {
                    break;
                }
                let Some(node) = self.graph.nodes.get(t.commit as usize) else {
                    break;
                };
                let parents = node.parents.clone();
                let mine = t.new.map(|(_, id)| id);
                let entry = Entry {
                    commit: t.commit,
                    path: p.clone(),
                    blob: mine,
                };
                if parents.len() <= 1 {
                    entries.push(entry);
                    let Some(&parent) = parents.first() else {
                        break;
                    };
                    if t.old.is_none()
                        && let Some((_, blob)) = t.new
                        && let Some(src) = self.source(t.commit, parent, &p, blob)?
                    {
                        starts.push((parent, src));
                        break;
                    }
                    continue;
                }
                // A merge that changed the file against its first parent.
                let mut same = None;
                let mut others: Vec<(u32, Option<FileId>)> = Vec::new();
                for &q in parents.iter().skip(1) {
                    let tree = self.tree_of(q);
                    let theirs = self.trees.lookup(tree, &p)?;
                    if theirs.map(|(_, id)| id) == mine {
                        same = Some(q);
                        break;
                    }
                    others.push((q, theirs));
                }
                if let Some(q) = same {
                    starts.push((q, p.clone()));
                    break;
                }
                entries.push(entry);
                for (q, theirs) in others {
                    if theirs.is_none()
                        && let Some(blob) = mine
                        && let Some(src) = self.source(t.commit, q, &p, blob)?
                    {
                        starts.push((q, src));
                    } else {
                        starts.push((q, p.clone()));
                    }
                }
                if t.old.is_none()
                    && let Some(blob) = mine
                    && let Some(&first) = parents.first()
                    && let Some(src) = self.source(t.commit, first, &p, blob)?
                {
                    starts.push((first, src));
                    break;
                }
            }
        }
        entries.sort_by_key(|e| e.commit);
        entries.dedup_by_key(|e| e.commit);
        out.entries = entries;
        Ok(out)
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
    ) -> Result<Option<String>, GitError> {
        let (new_tree, old_tree) = (self.tree_of(commit), self.tree_of(parent));
        let Some((mode, _)) = self.trees.lookup(new_tree, path)? else {
            return Ok(None);
        };
        let files = self.trees.files(old_tree)?;
        let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let my_base = base(path);
        let regular = |m: u32| m & 0o170_000 == 0o100_000;

        // Exact: the same blob.
        let mut best: Option<(u8, &str)> = None;
        for (p, (m, id)) in files.iter() {
            if *id != blob || (!(regular(*m) && regular(mode)) && *m != mode) {
                continue;
            }
            let deleted = self.trees.lookup(new_tree, p)?.is_none();
            let score = u8::from(deleted) + u8::from(base(p) == my_base);
            if best.is_none_or(|(s, _)| score >= s) {
                best = Some((score, p));
            }
        }
        if let Some((_, p)) = best {
            return Ok(Some(p.to_string()));
        }
        if !regular(mode) {
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
