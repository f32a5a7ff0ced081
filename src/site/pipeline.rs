//! One build pipeline for `sop publish` and `sop serve`: read what the site is made of (the
//! SOPs, their git history, the lint findings), then render it.
//!
//! [`Inputs::read`] reads everything once; [`Inputs::build_into`] renders what was read,
//! handing each file to a sink (`sop publish` writes them to disk), and [`Inputs::build`] keeps
//! them in memory. `sop serve` keeps its [`Inputs`] between rebuilds
//! ([`super::preview::Preview`]): after an edit in the SOP folder only the edited files are
//! read again ([`Inputs::reread`]), while the history and the committed text stay as read for
//! as long as `HEAD` does.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::{Options, Site, SiteError, pages, paths, select};
use crate::diag::Finding;
use crate::git::history::{HeadBlobs, Histories, Release, TextSource};
use crate::lint::LintError;
use crate::repo::{Corpus, Repo, Sop, dates};

/// The git side of a build: the repository and the history of every SOP; `git` is `None`
/// outside git (and the history empty).
pub struct History {
    /// The git repository.
    pub git: Option<crate::git::Repo>,
    /// The history of every SOP.
    pub histories: Histories,
    /// Whether the clone is shallow (its history stops early).
    pub shallow: bool,
    /// When the clone is partial (`--filter`): the remote it fetches file contents from on
    /// demand ([`crate::git::Repo::partial_clone`]); the texts of older versions are missing.
    pub partial: Option<String>,
}

/// Read the git history of every SOP of `repo`.
///
/// # Errors
/// [`SiteError::GitOpen`] when the repository cannot be opened, [`SiteError::History`] when its
/// history cannot be read.
pub fn history(repo: &Repo) -> Result<History, SiteError> {
    let Some(git) =
        crate::git::Repo::open(&repo.root).map_err(|source| SiteError::GitOpen { source })?
    else {
        return Ok(History {
            git: None,
            histories: Histories::new(),
            shallow: false,
            partial: None,
        });
    };
    let histories = git
        .histories(&repo.settings)
        .map_err(|source| SiteError::History { source })?;
    Ok(History {
        shallow: git.is_shallow(),
        partial: git.partial_clone(),
        git: Some(git),
        histories,
    })
}

/// Everything a site is built from.
pub struct Inputs {
    /// The repository and its settings.
    pub repo: Repo,
    /// The git repository, its SOP histories and whether it is shallow.
    pub history: History,
    /// The SOPs as they are on disk.
    pub corpus: Corpus,
    /// The lint findings (for the dashboard, and the problems `sop serve` shows); empty when
    /// [`Inputs::read_for_publish`] left lint to the build.
    pub findings: Vec<Finding>,
    /// Why lint could not run (a `sop.toml` naming a rule that does not exist).
    pub lint_error: Option<LintError>,
    /// Whether `findings` were read ([`Inputs::read_for_publish`] may leave lint to the build).
    linted: bool,
    /// The blob of every committed SOP file.
    head: Option<HeadBlobs>,
    /// Committed text, with what was read kept when [`Inputs::keep_texts`] asked for it.
    texts: Option<Texts>,
    /// What the search index read of each document, kept between builds by `sop serve`.
    search: Option<Arc<super::search::SearchCache>>,
    /// The names wiki links find, kept between builds by `sop serve` while no file comes or
    /// goes and no SOP's path, id or title changes.
    wiki: Option<Arc<crate::repo::wiki::KeptIndex>>,
    /// When git's index was written as `wiki` last saw it ([`crate::git::Repo::index_stamp`]).
    git_index: Option<(std::time::SystemTime, u64)>,
    /// The prompts of the types' templates, found for the first edit and kept for the next
    /// (finding them is most of what linting one file again costs).
    templates: Option<crate::lint::TemplatePrompts>,
    /// SOPs committed at `HEAD` whose file is gone from the work tree, read from `HEAD`: one
    /// note each for the person publishing.
    pub restored: Vec<String>,
}

/// Add to `corpus` each SOP committed at `HEAD` whose file is deleted (or moved out of the SOP
/// folder) in the work tree and not committed so: an uncommitted deletion never takes an SOP
/// off the site. A move inside the folder keeps the SOP's id, and is found by it. Returns a
/// note for each.
fn restore_deleted(
    repo: &Repo,
    git: &crate::git::Repo,
    head: &HeadBlobs,
    corpus: &mut Corpus,
) -> Vec<String> {
    let on_disk: std::collections::HashSet<&str> =
        corpus.sops.iter().map(|s| s.path.as_str()).collect();
    let mut gone: Vec<(&String, git2::Oid)> = head
        .blobs
        .iter()
        .filter(|(path, _)| !on_disk.contains(path.as_str()))
        .filter(|(path, _)| repo.root.join(path).symlink_metadata().is_err())
        .map(|(path, blob)| (path, *blob))
        .collect();
    if gone.is_empty() {
        return Vec::new();
    }
    gone.sort();
    let ids: std::collections::HashSet<String> = corpus
        .sops
        .iter()
        .filter_map(|s| s.id().map(str::to_string))
        .collect();
    let mut reader = git.texts().reader();
    let mut notes = Vec::new();
    for (path, blob) in gone {
        let Some(text) = reader.blob(blob) else {
            continue;
        };
        let sop = Sop::parse_in(path.clone(), text, &repo.settings);
        if sop.id().is_none_or(|id| ids.contains(id)) {
            continue;
        }
        notes.push(format!(
            "`{}` (`{path}`) is deleted in the working copy but not in the last commit: it is published as committed (commit the deletion to take it off the site, or `git restore {}`)",
            sop.id().unwrap_or_default(),
            crate::words::shell_word(path)
        ));
        corpus.sops.push(sop);
    }
    corpus.sops.sort_by(|a, b| a.path.cmp(&b.path));
    notes
}

impl Inputs {
    /// Read the SOPs of `repo`, their history and the lint findings (the last two at once).
    ///
    /// # Errors
    /// When git cannot be read: see [`history`].
    pub fn read(repo: Repo) -> Result<Inputs, SiteError> {
        Inputs::read_with(repo, true)
    }

    /// Read as [`Inputs::read`] does for a build that is written once (`sop publish`): outside
    /// git (`in_git` false), where no history is read beside it, lint waits until the SOP pages
    /// are rendered ([`Options::lint_counts`] is `None`): rendering a body also reads the
    /// outline lint needs, so each body is parsed once.
    ///
    /// # Errors
    /// As [`Inputs::read`].
    pub fn read_for_publish(repo: Repo, in_git: bool) -> Result<Inputs, SiteError> {
        Inputs::read_with(repo, in_git)
    }

    fn read_with(repo: Repo, lint_now: bool) -> Result<Inputs, SiteError> {
        let mut corpus = repo.load();
        let (history, lint) = rayon::join(
            || history(&repo),
            || lint_now.then(|| crate::lint::check(&repo, &corpus)),
        );
        let history = history?;
        let head = head_blobs(&repo, history.git.as_ref())?;
        let restored = match (&history.git, &head) {
            (Some(git), Some(head)) => restore_deleted(&repo, git, head, &mut corpus),
            _ => Vec::new(),
        };
        let texts = history.git.as_ref().map(|g| Texts::new(g.texts()));
        let (findings, lint_error) = match lint {
            Some(Ok(findings)) => (findings, None),
            Some(Err(e)) => (Vec::new(), Some(e)),
            None => (Vec::new(), None),
        };
        Ok(Inputs {
            repo,
            history,
            corpus,
            findings,
            lint_error,
            linted: lint_now,
            head,
            texts,
            search: None,
            wiki: None,
            git_index: None,
            templates: None,
            restored,
        })
    }

    /// Open the repository at `root` (with `config`, else its `sop.toml`) and read it, as
    /// [`Inputs::read`] does.
    ///
    /// # Errors
    /// [`SiteError::Config`] when `sop.toml` is not valid; otherwise as [`Inputs::read`].
    pub fn open(root: &Path, config: Option<&Path>) -> Result<Inputs, SiteError> {
        let mut repo = Repo::at(root.to_path_buf(), config).map_err(|e| match e {
            crate::repo::RepoError::Config(source) => SiteError::Config { source },
            other => SiteError::Open {
                message: other.to_string(),
            },
        })?;
        if let Ok(Some(files)) = crate::git::tracked_files(&repo.root) {
            repo.tracked = Some(Arc::new(files.into_iter().map(PathBuf::from).collect()));
        }
        Inputs::read(repo)
    }

    /// Keep the committed text read by each build for the next ones (`sop serve`: the same
    /// releases are read after every edit; `sop publish` reads them once and keeps nothing).
    pub fn keep_texts(&mut self) {
        if let Some(texts) = &mut self.texts {
            texts.kept.get_or_insert_with(Arc::default);
        }
        // The search index too: only the documents whose text changed are read again.
        self.search.get_or_insert_with(Arc::default);
        // And the names wiki links find, made again only when a name changes.
        if self.wiki.is_none() {
            self.wiki = Some(Arc::default());
            self.git_index = self
                .history
                .git
                .as_ref()
                .and_then(crate::git::Repo::index_stamp);
        }
    }

    /// The files at `paths` (absolute) changed on disk: the wiki names kept are made again
    /// when one of them came or went, or git's list of files may have changed (`git add`).
    pub fn files_changed(&mut self, paths: &[PathBuf]) {
        let Some(wiki) = &self.wiki else {
            return;
        };
        for path in paths {
            let exists = path.symlink_metadata().is_ok();
            wiki.file_changed(&self.repo.relative(path), exists);
        }
        let stamp = self
            .history
            .git
            .as_ref()
            .and_then(crate::git::Repo::index_stamp);
        if stamp != self.git_index {
            self.git_index = stamp;
            wiki.files_changed();
        }
    }

    /// The names wiki links find kept between builds, when one was made.
    #[cfg(test)]
    pub(super) fn kept_wiki(&self) -> Option<Arc<crate::repo::wiki::WikiIndex>> {
        self.wiki.as_ref()?.kept()
    }

    /// The build options for this repository: `drafts` previews the working copies,
    /// `live_reload` adds `sop serve`'s reload script.
    pub fn options(&self, drafts: bool, base_url: Option<String>, live_reload: bool) -> Options {
        Options {
            drafts,
            base_url,
            live_reload,
            today: dates::today(),
            lint_counts: self
                .linted
                .then(|| crate::report::lint_hook::count_by_rule(&self.findings)),
            only: None,
            search: self.search.clone(),
            wiki: self.wiki.clone(),
        }
    }

    /// Forget the templates' prompts (a template changed): the next edit finds them again.
    pub fn templates_changed(&mut self) {
        self.templates = None;
    }

    /// Read the SOP files at `paths` (absolute) again, and lint again. Returns the ids of the
    /// SOPs whose pages may have changed, or `None` when more than those pages may have (a
    /// file added, removed or broken, an id, department, tag or language changed): then the
    /// whole corpus was read and linted again and every page is to be rendered.
    pub fn reread(&mut self, paths: &[PathBuf]) -> Option<BTreeSet<String>> {
        let Some(changed) = self.reread_files(paths) else {
            let (repo, corpus) = (&self.repo, &self.corpus);
            let kept = self.wiki.as_deref().map(|k| kept_wiki(repo, corpus, k));
            let found = crate::lint::check_kept(repo, corpus, kept.as_ref().map(as_dyn));
            (self.findings, self.lint_error) = match found {
                Ok(findings) => (findings, None),
                Err(e) => (Vec::new(), Some(e)),
            };
            return None;
        };
        let ids = pages_to_render(&self.corpus, &changed);
        // Lint again the files whose findings may have changed: the edited ones and those that
        // name them (a link to a heading that is gone).
        let files: BTreeSet<&str> = self
            .corpus
            .sops
            .iter()
            .filter(|s| s.id().is_some_and(|id| ids.contains(id)))
            .map(|s| s.path.as_str())
            .collect();
        self.findings.retain(|f| !files.contains(f.file.as_str()));
        let files: Vec<&str> = files.into_iter().collect();
        let templates = self
            .templates
            .get_or_insert_with(|| crate::lint::TemplatePrompts::of(&self.repo));
        let (repo, corpus) = (&self.repo, &self.corpus);
        let kept = self.wiki.as_deref().map(|k| kept_wiki(repo, corpus, k));
        let found = crate::lint::check_sops_kept(
            repo,
            corpus,
            &files,
            templates,
            kept.as_ref().map(as_dyn),
        );
        match found {
            Ok(found) => self.findings.extend(found),
            Err(e) => self.lint_error = Some(e),
        }
        crate::lint::sort(&mut self.findings);
        Some(ids)
    }

    /// Replace the SOPs read from `paths`; the indexes into `corpus.sops` of those replaced,
    /// or `None` when the corpus had to be read whole again.
    fn reread_files(&mut self, paths: &[PathBuf]) -> Option<Vec<usize>> {
        let mut replaced = Vec::new();
        let mut whole = false;
        for path in paths {
            let rel = self.repo.relative(path);
            let Some(i) = self.corpus.sops.iter().position(|s| s.path == rel) else {
                whole = true;
                break;
            };
            match crate::repo::load_file(path, rel, &self.repo.settings) {
                Ok(sop) if same_place(&self.corpus.sops[i], &sop) => {
                    self.corpus.sops[i] = sop;
                    replaced.push(i);
                }
                _ => {
                    whole = true;
                    break;
                }
            }
        }
        if whole {
            self.corpus = self.repo.load();
            return None;
        }
        Some(replaced)
    }

    /// Build the whole site in memory.
    ///
    /// # Errors
    /// [`SiteError`] when the theme fails or a linked file cannot be read.
    pub fn build(&self, options: &Options) -> Result<Site, SiteError> {
        let files = Mutex::new(std::collections::BTreeMap::new());
        let attachments = Mutex::new(std::collections::BTreeMap::new());
        let sink = |path: String, content: pages::Content| {
            match content {
                pages::Content::Bytes(bytes) => files
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(path, bytes),
                pages::Content::File(source) => {
                    attachments
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(path, source);
                    None
                }
            };
            Ok(())
        };
        let mut site = self.build_into(options, &sink)?;
        site.files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
        site.attachments = attachments
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(site)
    }

    /// Build the site, handing every file to `sink` as soon as it is rendered (pages are
    /// rendered in parallel, so `sink` is called from several threads).
    ///
    /// # Errors
    /// [`SiteError`] when the theme fails, a linked file cannot be read, or `sink` fails.
    pub fn build_into(&self, options: &Options, sink: &pages::Sink<'_>) -> Result<Site, SiteError> {
        let repo = &self.repo;
        let theme = super::theme::Theme::load(&repo.root)?;
        let mut selection = super::with_selection(
            repo,
            &self.corpus,
            &self.history.histories,
            options.drafts,
            true,
            Some(options.today),
            self.head.as_ref().zip(self.texts.as_ref()),
        );
        paths::check(&mut selection, &repo.settings.ids)?;
        let mut site = pages::render_all(
            repo,
            &self.corpus,
            &self.history.histories,
            &selection,
            &theme,
            options,
            sink,
        )?;
        site.notes.extend(selection.notes.iter().cloned());
        site.unpublished_changes = selection.unpublished_changes.clone();
        site.left_out = selection.left_out.clone();
        site.not_released = selection.not_released.clone();
        site.unreadable = selection.unreadable.clone();
        Ok(site)
    }
}

/// The names wiki links find in `corpus`, `kept` between builds and made again only when a
/// name changes or a file comes or goes. Without a kept index, lint makes its own from the
/// tracked files it reads anyway.
fn kept_wiki<'a>(
    repo: &'a Repo,
    corpus: &'a Corpus,
    kept: &'a crate::repo::wiki::KeptIndex,
) -> impl Fn() -> Arc<crate::repo::wiki::WikiIndex> + Sync + 'a {
    move || {
        let files = || crate::publishable::Tracked::load(&repo.root).files(&repo.root);
        kept.get(&corpus.sops, files, repo.settings.files.extensions())
    }
}

/// `get` as the function lint takes.
fn as_dyn(
    get: &(impl Fn() -> Arc<crate::repo::wiki::WikiIndex> + Sync),
) -> &(dyn Fn() -> Arc<crate::repo::wiki::WikiIndex> + Sync) {
    get
}

/// The ids of the SOPs at `changed` (indexes into `corpus.sops`) and of every SOP whose text
/// names one of them by file name or id: their pages link to it (with its title, or to its
/// headings), so they are rendered again too.
fn pages_to_render(corpus: &Corpus, changed: &[usize]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut needles = Vec::new();
    for sop in changed.iter().filter_map(|&i| corpus.sops.get(i)) {
        if let Some(id) = sop.id() {
            ids.insert(id.to_string());
            needles.push(memchr::memmem::Finder::new(id.as_bytes()).into_owned());
        }
        let name = sop.path.rsplit('/').next().unwrap_or(&sop.path);
        needles.push(memchr::memmem::Finder::new(name.as_bytes()).into_owned());
    }
    for sop in &corpus.sops {
        let Some(id) = sop.id() else {
            continue;
        };
        if ids.contains(id) {
            continue;
        }
        let text = sop.source.text().as_bytes();
        if needles.iter().any(|n| n.find(text).is_some()) {
            ids.insert(id.to_string());
        }
    }
    ids
}

/// Whether `new` is the SOP `old` was as far as other pages know it: the same id, department,
/// tags and language (which name pages and group them); else every page is rendered.
fn same_place(old: &crate::repo::Sop, new: &crate::repo::Sop) -> bool {
    let text = |v: Option<&crate::repo::sop::Spanned<String>>| v.map(|s| s.value.clone());
    let tags = |s: &crate::repo::Sop| {
        s.meta
            .tags
            .as_ref()
            .map(|t| t.value.iter().map(|x| x.value.clone()).collect::<Vec<_>>())
    };
    old.id() == new.id()
        && old.language() == new.language()
        && old.is_translation() == new.is_translation()
        && text(old.meta.department.as_ref()) == text(new.meta.department.as_ref())
        && text(old.meta.translation_of.as_ref()) == text(new.meta.translation_of.as_ref())
        && tags(old) == tags(new)
}

/// The blob of every committed SOP file; `None` outside git.
pub(super) fn head_blobs(
    repo: &Repo,
    git: Option<&crate::git::Repo>,
) -> Result<Option<HeadBlobs>, SiteError> {
    git.map(|g| g.head_blobs(&repo.settings))
        .transpose()
        .map_err(|source| SiteError::Git { source })
}

/// Where a build reads committed text: git, and what earlier builds read when kept.
#[derive(Clone)]
pub(super) struct Texts {
    source: TextSource,
    kept: Option<Arc<Kept>>,
}

/// Committed text already read: by blob, and by commit and path; released SOPs parsed, by
/// where they were read and their path.
#[derive(Default)]
struct Kept {
    blobs: Mutex<HashMap<git2::Oid, Option<String>>>,
    at: Mutex<HashMap<(String, String), Option<String>>>,
    released: Mutex<HashMap<ReleasedAt, Option<Arc<Sop>>>>,
}

/// Where a released SOP was read: its blob (else its commit) and its path then.
type ReleasedAt = (Option<git2::Oid>, String, String);

impl Texts {
    /// Text read from `source`, nothing kept.
    pub(super) fn new(source: TextSource) -> Texts {
        Texts { source, kept: None }
    }

    /// A reader for one thread.
    pub(super) fn reader(&self) -> GitText {
        GitText {
            reader: self.source.reader(),
            kept: self.kept.clone(),
        }
    }
}

/// Committed text from git, for one thread.
pub(super) struct GitText {
    reader: crate::git::history::TextReader,
    kept: Option<Arc<Kept>>,
}

impl GitText {
    fn kept_or_read<K: std::hash::Hash + Eq, V: Clone>(
        map: Option<&Mutex<HashMap<K, Option<V>>>>,
        key: K,
        read: impl FnOnce() -> Option<V>,
    ) -> Option<V> {
        let Some(map) = map else {
            return read();
        };
        if let Some(text) = map.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return text.clone();
        }
        let text = read();
        map.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, text.clone());
        text
    }
}

impl select::TextReader for GitText {
    fn sop_at_tag(
        &mut self,
        release: &Release,
        blob: Option<git2::Oid>,
        path: &str,
        settings: &crate::repo::Settings,
    ) -> Option<Arc<Sop>> {
        let kept = self.kept.clone();
        let key = (
            blob,
            if blob.is_some() {
                String::new()
            } else {
                release.commit.clone()
            },
            path.to_string(),
        );
        let reader = &mut self.reader;
        Self::kept_or_read(kept.as_deref().map(|k| &k.released), key, || {
            let text = match blob {
                Some(blob) => reader.blob(blob),
                None => reader.at_commit(&release.commit, path),
            }?;
            Some(Arc::new(Sop::parse_in(path.to_string(), text, settings)))
        })
    }

    fn at_tag(&mut self, release: &Release, blob: Option<git2::Oid>, path: &str) -> Option<String> {
        match blob {
            Some(blob) => self.blob(blob),
            None => {
                let reader = &mut self.reader;
                Self::kept_or_read(
                    self.kept.as_deref().map(|k| &k.at),
                    (release.commit.clone(), path.to_string()),
                    || reader.at_commit(&release.commit, path),
                )
            }
        }
    }

    fn blob(&mut self, blob: git2::Oid) -> Option<String> {
        let reader = &mut self.reader;
        Self::kept_or_read(self.kept.as_deref().map(|k| &k.blobs), blob, || {
            reader.blob(blob)
        })
    }

    fn message(&mut self, commit: &str) -> Option<String> {
        self.reader.message(commit)
    }
}

/// `url` when it is an absolute web address (`http://` or `https://` and a host).
pub fn absolute_url(url: &str) -> Option<&str> {
    let url = url.trim();
    ((url.starts_with("https://") || url.starts_with("http://")) && url.len() >= 10).then_some(url)
}
