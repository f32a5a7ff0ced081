//! The repository as the language server sees it: every SOP loaded once, with the text of each
//! open editor buffer in place of its file, so that every check and lookup (ids, links,
//! anchors) sees what the writer sees, saved or not.
//!
//! Replacing one SOP is a parse of that one text; the corpus and the templates' prompts are
//! never read again unless `sop.toml` or a template changes. Uses `repo` and `lint`; knows nothing of the protocol.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::diag::Finding;
use crate::lint::{self, LintError, TemplatePrompts};
use crate::repo::wiki::WikiIndex;
use crate::repo::{self, BrokenFile, Corpus, Repo, Sop};

/// The loaded repository and where each SOP is in it.
pub(crate) struct Workspace {
    /// The repository and its settings.
    pub(crate) repo: Repo,
    /// Every SOP, open buffers in place of their files.
    pub(crate) corpus: Corpus,
    /// Path → index in `corpus.sops`.
    index: HashMap<String, usize>,
    /// The prompts of the types' templates, found once for every check.
    templates: TemplatePrompts,
    /// The names wiki links find, kept while no file changes on disk and no SOP's path, id or
    /// title changes: made again on every check, they cost a third of one.
    wiki: crate::repo::wiki::KeptIndex,
}

impl Workspace {
    /// Load every SOP of `repo`.
    pub(crate) fn load(repo: Repo) -> Workspace {
        let corpus = repo.load();
        let templates = TemplatePrompts::of(&repo);
        let mut ws = Workspace {
            repo,
            corpus,
            index: HashMap::new(),
            templates,
            wiki: crate::repo::wiki::KeptIndex::default(),
        };
        ws.reindex();
        ws
    }

    fn reindex(&mut self) {
        self.index = self
            .corpus
            .sops
            .iter()
            .enumerate()
            .map(|(i, s)| (s.path.clone(), i))
            .collect();
    }

    /// Whether the file at `rel` (relative to the root) is an SOP by `[sops]` in `sop.toml`.
    pub(crate) fn is_sop(&self, rel: &str) -> bool {
        self.repo.settings.files.is_sop(rel)
    }

    /// The SOP at `rel`.
    pub(crate) fn sop(&self, rel: &str) -> Option<&Sop> {
        self.index.get(rel).and_then(|&i| self.corpus.sops.get(i))
    }

    /// The SOP (not a translation) whose id is `id`.
    pub(crate) fn by_id(&self, id: &str) -> Option<&Sop> {
        let mut found = self.corpus.sops.iter().filter(|s| s.id() == Some(id));
        let first = found.next()?;
        if !first.is_translation() {
            return Some(first);
        }
        found.find(|s| !s.is_translation()).or(Some(first))
    }

    /// Put `text` in place of the file at `rel` (an SOP path), as a parsed SOP or, when it
    /// cannot be one (blank, binary), as a broken file.
    pub(crate) fn put(&mut self, rel: &str, text: &str) {
        match repo::decode(text.as_bytes().to_vec()) {
            Ok(text) => {
                let sop = Sop::parse_in(rel.to_string(), text, &self.repo.settings);
                self.insert(sop);
            }
            Err(problem) => self.insert_broken(BrokenFile {
                path: rel.to_string(),
                problem,
            }),
        }
    }

    /// Read the file at `rel` from disk again: after a change by another program, or when its
    /// buffer is closed. A file that is gone (or no longer an SOP) leaves the corpus.
    pub(crate) fn reload(&mut self, rel: &str) {
        let path = self.repo.root.join(rel);
        if !self.is_sop(rel) || !path.exists() {
            self.remove(rel);
            return;
        }
        match repo::load_file(&path, rel.to_string(), &self.repo.settings) {
            Ok(sop) => self.insert(sop),
            Err(broken) => self.insert_broken(broken),
        }
    }

    fn insert(&mut self, sop: Sop) {
        self.corpus.broken.retain(|b| b.path != sop.path);
        match self.index.get(&sop.path) {
            Some(&i) => {
                if let Some(slot) = self.corpus.sops.get_mut(i) {
                    *slot = sop;
                }
            }
            None => {
                let at = self.corpus.sops.partition_point(|s| s.path < sop.path);
                self.corpus.sops.insert(at, sop);
                self.reindex();
            }
        }
    }

    fn insert_broken(&mut self, broken: BrokenFile) {
        self.remove(&broken.path);
        let at = self.corpus.broken.partition_point(|b| b.path < broken.path);
        self.corpus.broken.insert(at, broken);
    }

    fn remove(&mut self, rel: &str) {
        self.corpus.broken.retain(|b| b.path != rel);
        if self.index.contains_key(rel) {
            self.corpus.sops.retain(|s| s.path != rel);
            self.reindex();
        }
    }

    /// Every rule for the file at `rel`, with the rest of the repository as context.
    ///
    /// # Errors
    /// [`LintError`] when `sop.toml` names a rule that does not exist.
    pub(crate) fn check(&self, rel: &str) -> Result<Vec<Finding>, LintError> {
        let wiki = || self.wiki_index();
        lint::check_sops_kept(
            &self.repo,
            &self.corpus,
            &[rel],
            &self.templates,
            Some(&wiki),
        )
    }

    /// A file was created, changed or deleted on disk: names kept for wiki links are made
    /// again when next needed.
    pub(crate) fn files_changed(&mut self) {
        self.wiki.files_changed();
    }

    /// The names wiki links find documents and files by: the one kept, while the files on
    /// disk and every SOP's path, id and title are as when it was made.
    pub(crate) fn wiki_index(&self) -> Arc<WikiIndex> {
        self.wiki.get(
            &self.corpus.sops,
            || crate::publishable::Tracked::load(&self.repo.root).files(&self.repo.root),
            self.repo.settings.files.extensions(),
        )
    }

    /// `path` relative to the root, when it is inside the repository.
    pub(crate) fn relative(&self, path: &Path) -> Option<String> {
        super::convert::relative(&self.repo.root, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sop.toml"), "").unwrap();
        std::fs::create_dir_all(dir.path().join("sops/a")).unwrap();
        std::fs::write(
            dir.path().join("sops/a/SOP-0001-a.md"),
            "---\nid: SOP-0001\ntitle: A\n---\n",
        )
        .unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let repo = Repo::at(root, None).unwrap();
        (dir, Workspace::load(repo))
    }

    #[test]
    fn wiki_names_are_kept_until_a_file_or_a_title_changes() {
        let (dir, mut ws) = workspace();
        let link = crate::repo::wiki::WikiLink::parse("[[A]]", Default::default()).unwrap();
        let first = ws.wiki_index();
        assert_eq!(
            first.resolve("sops/a/x.md", &link),
            crate::repo::wiki::WikiResolution::Found("sops/a/SOP-0001-a.md".into())
        );
        // Typing in a body: the same names, not made again.
        ws.put(
            "sops/a/SOP-0001-a.md",
            "---\nid: SOP-0001\ntitle: A\n---\n\nText.\n",
        );
        assert!(Arc::ptr_eq(&first, &ws.wiki_index()));
        // A new title is a new name.
        ws.put("sops/a/SOP-0001-a.md", "---\nid: SOP-0001\ntitle: B\n---\n");
        let retitled = ws.wiki_index();
        assert!(!Arc::ptr_eq(&first, &retitled));
        // A picture added on disk is found once the watcher says a file changed.
        std::fs::write(dir.path().join("sops/a/flow.png"), "png").unwrap();
        let embed =
            crate::repo::wiki::WikiLink::parse("![[flow.png]]", Default::default()).unwrap();
        assert!(Arc::ptr_eq(&retitled, &ws.wiki_index()));
        ws.files_changed();
        assert_eq!(
            ws.wiki_index().resolve("sops/a/SOP-0001-a.md", &embed),
            crate::repo::wiki::WikiResolution::Found("sops/a/flow.png".into())
        );
    }

    #[test]
    fn buffers_replace_files_and_closing_reads_the_file_again() {
        let (_dir, mut ws) = workspace();
        assert_eq!(ws.by_id("SOP-0001").map(Sop::title), Some("A"));
        ws.put("sops/a/SOP-0001-a.md", "---\nid: SOP-0001\ntitle: B\n---\n");
        assert_eq!(ws.by_id("SOP-0001").map(Sop::title), Some("B"));
        ws.put(
            "sops/a/SOP-0002-new.md",
            "---\nid: SOP-0002\ntitle: New\n---\n",
        );
        assert_eq!(ws.corpus.sops.len(), 2);
        assert_eq!(
            ws.sop("sops/a/SOP-0002-new.md").map(Sop::title),
            Some("New")
        );
        ws.put("sops/a/SOP-0002-new.md", "  \n");
        assert!(ws.sop("sops/a/SOP-0002-new.md").is_none());
        assert_eq!(ws.corpus.broken.len(), 1);
        ws.reload("sops/a/SOP-0002-new.md");
        assert!(ws.corpus.broken.is_empty());
        ws.reload("sops/a/SOP-0001-a.md");
        assert_eq!(ws.by_id("SOP-0001").map(Sop::title), Some("A"));
    }
}
