//! The commit graph reachable from `HEAD`: every commit (all parents), in the order `git log`
//! shows them, and for each commit the merge that brought it to the main line.
//!
//! Order: newest commit date first, a commit entering the queue when one of its children is
//! shown (git's default revision walk), so a child always comes before the parent it was found
//! through.

use std::collections::{BinaryHeap, HashMap};

use git2::Oid;

use super::GitError;
use super::object::{CommitData, pull_request_of};
use super::reader::Reader;

/// One commit of the graph.
#[derive(Debug)]
pub(crate) struct Node {
    /// Its id.
    pub(crate) oid: Oid,
    /// What it holds.
    pub(crate) data: CommitData,
    /// Its parents, as indexes into [`Graph::nodes`], in order.
    pub(crate) parents: Vec<u32>,
}

/// Every commit reachable from `HEAD`.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    /// In `git log` order: `HEAD` first.
    pub(crate) nodes: Vec<Node>,
    /// The merge on `HEAD`'s first-parent chain that brought each commit in; `None` for the
    /// commits of that chain.
    pub(crate) merged_by: Vec<Option<u32>>,
    /// Each commit's place in the commit graph, newest first (0 is `HEAD`): no commit comes
    /// after one of its parents, and otherwise the newer commit date comes first (`git log
    /// --date-order`). The walk's own order can list a parent before its child when their
    /// dates are equal or a clock was wrong; this one never does.
    pub(crate) rank: Vec<u32>,
}

impl Graph {
    /// Read every commit reachable from `head`.
    ///
    /// # Errors
    /// When a commit cannot be read (a parent missing from a damaged repository; shallow
    /// clones are refused before history is read).
    pub(crate) fn walk(reader: &mut Reader, head: Oid, shallow: &[Oid]) -> Result<Graph, GitError> {
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        struct Queued(i64, std::cmp::Reverse<u64>, Oid);
        let mut loaded: HashMap<Oid, CommitData> = HashMap::new();
        let mut order: Vec<Oid> = Vec::new();
        let mut queue = BinaryHeap::new();
        let mut seq = 0u64;
        let first = reader.commit(head)?;
        queue.push(Queued(first.commit_time, std::cmp::Reverse(seq), head));
        loaded.insert(head, first);
        while let Some(Queued(_, _, oid)) = queue.pop() {
            order.push(oid);
            if shallow.contains(&oid) {
                continue;
            }
            let parents = loaded
                .get(&oid)
                .map(|c| c.parents.clone())
                .unwrap_or_default();
            for p in parents {
                if loaded.contains_key(&p) {
                    continue;
                }
                let data = reader.commit(p)?;
                seq += 1;
                queue.push(Queued(data.commit_time, std::cmp::Reverse(seq), p));
                loaded.insert(p, data);
            }
        }
        let index: HashMap<Oid, u32> = order
            .iter()
            .enumerate()
            .map(|(i, oid)| (*oid, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let nodes: Vec<Node> = order
            .into_iter()
            .map(|oid| {
                let data = loaded.remove(&oid).unwrap_or_else(|| CommitData {
                    tree: Oid::ZERO_SHA1,
                    parents: Vec::new(),
                    author: String::new(),
                    author_email: String::new(),
                    author_time: git2::Time::new(0, 0),
                    commit_time: 0,
                    message: String::new(),
                });
                let parents = if shallow.contains(&oid) {
                    Vec::new()
                } else {
                    data.parents
                        .iter()
                        .filter_map(|p| index.get(p).copied())
                        .collect()
                };
                Node { oid, data, parents }
            })
            .collect();
        let mut graph = Graph {
            nodes,
            ..Graph::default()
        };
        graph.find_merges();
        graph.rank_commits();
        Ok(graph)
    }

    /// The place of commit `i` in the commit graph, newest first (see [`Graph::rank`]).
    pub(crate) fn rank_of(&self, i: u32) -> Option<u32> {
        self.rank.get(i as usize).copied()
    }

    /// Ranks the commits as `git log --date-order` lists them: a commit is taken once all its
    /// children are, the one with the newest commit date first, ties in the walk's order.
    fn rank_commits(&mut self) {
        let n = self.nodes.len();
        let mut children = vec![0u32; n];
        for node in &self.nodes {
            for &p in &node.parents {
                if let Some(c) = children.get_mut(p as usize) {
                    *c += 1;
                }
            }
        }
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        struct Ready(i64, std::cmp::Reverse<u32>);
        let time = |i: u32| self.nodes.get(i as usize).map_or(0, |n| n.data.commit_time);
        let mut ready: BinaryHeap<Ready> = children
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == 0)
            .map(|(i, _)| {
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                Ready(time(i), std::cmp::Reverse(i))
            })
            .collect();
        let mut rank = vec![u32::MAX; n];
        let mut next = 0u32;
        while let Some(Ready(_, std::cmp::Reverse(i))) = ready.pop() {
            if let Some(r) = rank.get_mut(i as usize) {
                *r = next;
            }
            next += 1;
            let parents = self
                .nodes
                .get(i as usize)
                .map(|node| node.parents.as_slice())
                .unwrap_or_default();
            for &p in parents {
                if let Some(c) = children.get_mut(p as usize) {
                    *c = c.saturating_sub(1);
                    if *c == 0 {
                        ready.push(Ready(time(p), std::cmp::Reverse(p)));
                    }
                }
            }
        }
        self.rank = rank;
    }

    /// The first parent of commit `i`.
    pub(crate) fn first_parent(&self, i: u32) -> Option<u32> {
        self.nodes.get(i as usize)?.parents.first().copied()
    }

    /// For each commit, the merge of `HEAD`'s first-parent chain that brought it in: merges
    /// are taken oldest first, and each claims the commits its other parents reach that no
    /// older merge claimed and that are not on the chain.
    fn find_merges(&mut self) {
        let n = self.nodes.len();
        let mut main = vec![false; n];
        let mut chain = Vec::new();
        let mut at = (n > 0).then_some(0u32);
        while let Some(i) = at {
            if let Some(m) = main.get_mut(i as usize) {
                *m = true;
            }
            chain.push(i);
            at = self.first_parent(i);
        }
        let mut merged_by: Vec<Option<u32>> = vec![None; n];
        for &m in chain.iter().rev() {
            let others: Vec<u32> = self
                .nodes
                .get(m as usize)
                .map(|node| node.parents.iter().skip(1).copied().collect())
                .unwrap_or_default();
            let mut stack = others;
            while let Some(c) = stack.pop() {
                let c_us = c as usize;
                if main.get(c_us).copied().unwrap_or(true)
                    || merged_by.get(c_us).copied().flatten().is_some()
                {
                    continue;
                }
                if let Some(slot) = merged_by.get_mut(c_us) {
                    *slot = Some(m);
                }
                if let Some(node) = self.nodes.get(c_us) {
                    stack.extend(node.parents.iter().copied());
                }
            }
        }
        self.merged_by = merged_by;
    }

    /// The pull request and the merge that brought commit `i` to the main line: the merge's
    /// number when it names one, else the commit's own subject (`… (#123)`).
    pub(crate) fn pull_request(&self, i: u32) -> (Option<u64>, Option<Oid>) {
        let merge = self.merged_by.get(i as usize).copied().flatten();
        let own = self
            .nodes
            .get(i as usize)
            .and_then(|n| pull_request_of(&n.data.message));
        match merge.and_then(|m| self.nodes.get(m as usize)) {
            Some(m) => (pull_request_of(&m.data.message).or(own), Some(m.oid)),
            None => (own, None),
        }
    }
}
