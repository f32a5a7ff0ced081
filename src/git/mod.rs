//! git, through git2 and a reader of git's own formats. No other module sees git2 types: they
//! get paths, names and our own structs. `sop` runs the `git` program only to sign.
//!
//! [`Repo`] is the one handle: a command opens it once and passes it down; history, releases,
//! commits, tags and "file at revision" are its methods. Threads get their own object
//! [`reader::Reader`] from it ([`Objects::reader`]); nothing is kept in process-wide state.
//!
//! Layers, each using only the ones before it: [`object`] (raw formats), `pack` (pack files),
//! [`reader`] (one thread's objects), `changes` (tree diffs), `graph` (the commit graph),
//! `similarity` (git's rename score), [`trailers`] (message trailers), then [`history`], [`tags`], [`commit`],
//! [`transaction`], [`base`] and [`diff`].

pub mod approval;
pub mod base;
mod changes;
pub mod commit;
pub mod diff;
mod follow;
mod graph;
pub mod history;
pub mod identity;
pub(crate) mod object;
pub(crate) mod pack;
pub(crate) mod reader;
mod similarity;
pub mod tags;
pub mod trailers;
pub mod transaction;

use std::path::{Path, PathBuf};

/// Why a git operation failed, with what we were doing.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git init` failed.
    #[error("cannot create a git repository in `{}`", path.display())]
    Init {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: git2::Error,
    },
    /// The repository belongs to another user, and git refuses it ("dubious ownership").
    #[error("git refuses the repository at `{}`: it belongs to another user", path.display())]
    NotOwned {
        /// The folder.
        path: PathBuf,
    },
    /// The repository uses a format this `sop` cannot read (`--object-format=sha256`).
    #[error("the git repository at `{}` uses a format `sop` cannot read: {detail}", path.display())]
    Unsupported {
        /// The folder.
        path: PathBuf,
        /// What git2 said.
        detail: String,
    },
    /// The repository could not be opened.
    #[error("cannot open the git repository at `{}`: {}", path.display(), source.message())]
    Open {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: git2::Error,
    },
    /// Something could not be read from the repository.
    #[error("cannot read {what} from git")]
    Read {
        /// What we were reading, in words.
        what: String,
        /// Why.
        #[source]
        source: git2::Error,
    },
    /// A revision name that names no commit.
    #[error("`{rev}` is not a commit, branch or tag in this repository")]
    UnknownRevision {
        /// The name given.
        rev: String,
    },
    /// A revision that shares no commit with `HEAD` (an orphan branch such as `gh-pages`, or a
    /// history rewritten since): nothing to compare from.
    #[error("`{rev}` shares no commit with this branch: their histories are unrelated")]
    UnrelatedHistory {
        /// The name given.
        rev: String,
    },
    /// git's index (its list of tracked files) is written with a feature libgit2 cannot read:
    /// the split index (`core.splitIndex`), the sparse index (`index.sparse`).
    #[error(
        "git's index (its list of tracked files) uses {}, which `sop` cannot read",
        index_feature(extension)
    )]
    IndexFormat {
        /// The index extension's signature (`link`, `sdir`).
        extension: String,
    },
    /// Something could not be written to the repository.
    #[error("cannot {what}")]
    Write {
        /// What we were doing, in words.
        what: String,
        /// Why.
        #[source]
        source: git2::Error,
    },
}

impl GitError {
    /// How to fix it, when we know.
    pub fn help(&self) -> Option<String> {
        match self {
            GitError::NotOwned { path } => Some(format!(
                "if you trust this repository, tell git so: `git config --global --add safe.directory {}`",
                crate::words::shell_word(&path.display().to_string())
            )),
            GitError::Unsupported { .. } => Some(
                "use a repository with git's default SHA-1 object format (`git init` without `--object-format`)"
                    .into(),
            ),
            GitError::IndexFormat { extension } => Some(index_fix(extension)),
            GitError::Read { source, .. } if source.code() == git2::ErrorCode::NotFound => Some(
                "objects are missing from the repository: `git fsck` names them; fetch them again (`git fetch --unshallow --tags` for a shallow clone, `git fetch --refetch --no-filter origin` for a partial one)".into(),
            ),
            _ => None,
        }
    }

    /// Classify why `path` could not be opened.
    fn opening(path: &Path, source: git2::Error) -> GitError {
        let path = path.to_path_buf();
        let text = source.message().to_ascii_lowercase();
        if source.code() == git2::ErrorCode::Owner || text.contains("not owned by current user") {
            GitError::NotOwned { path }
        } else if text.contains("object format")
            || text.contains("objectformat")
            || text.contains("unsupported extension")
        {
            GitError::Unsupported {
                path,
                detail: source.message().to_string(),
            }
        } else {
            GitError::Open { path, source }
        }
    }

    /// A [`GitError::Read`] closure for `map_err` ([`GitError::IndexFormat`] for an index
    /// libgit2 cannot read).
    pub(crate) fn read(what: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
        let what = what.into();
        move |source| match unreadable_index_extension(&source) {
            Some(extension) => GitError::IndexFormat { extension },
            None => GitError::Read { what, source },
        }
    }

    /// A [`GitError::Write`] closure for `map_err`.
    pub(crate) fn write(what: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
        let what = what.into();
        move |source| GitError::Write { what, source }
    }
}

/// A git repository seen from an SOP repository root, which may be a folder inside the work
/// tree: `prefix` is that folder's path in the work tree (`""` or `"docs/"`).
pub struct Repo {
    /// The repository.
    pub(crate) repo: git2::Repository,
    /// The SOP root's path inside the work tree, empty or ending in `/`.
    pub(crate) prefix: String,
    /// The packs, opened on first use.
    objects: std::sync::OnceLock<Objects>,
}

/// What threads need to read objects: the git folder and the packs, shared.
#[derive(Clone)]
pub(crate) struct Objects {
    git_dir: PathBuf,
    packs: Option<std::sync::Arc<pack::Packs>>,
}

impl Objects {
    /// A reader for one thread.
    pub(crate) fn reader(&self) -> reader::Reader {
        reader::Reader::new(self.packs.clone(), &self.git_dir)
    }
}

impl Repo {
    /// Open the repository whose work tree holds `root`; `None` when there is none (or it is
    /// bare).
    ///
    /// # Errors
    /// [`GitError::Open`] when a repository is there but cannot be opened.
    pub fn open(root: &Path) -> Result<Option<Repo>, GitError> {
        let repo = match git2::Repository::discover(root) {
            Ok(r) => r,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(source) => return Err(GitError::opening(root, source)),
        };
        let Some(workdir) = repo.workdir() else {
            return Ok(None);
        };
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let (root, workdir) = (canon(root), canon(workdir));
        let rel = root.strip_prefix(&workdir).unwrap_or(Path::new(""));
        let mut prefix: String = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if !prefix.is_empty() {
            prefix.push('/');
        }
        Ok(Some(Repo {
            repo,
            prefix,
            objects: std::sync::OnceLock::new(),
        }))
    }

    /// The objects, for per-thread readers (the packs are opened on the first call).
    pub(crate) fn objects(&self) -> &Objects {
        self.objects.get_or_init(|| {
            // The pack reader knows SHA-1 ids only: any other object format is libgit2's.
            let sha1 = self.repo.config().ok().is_none_or(|c| {
                c.get_string("extensions.objectformat")
                    .map_or(true, |f| f.eq_ignore_ascii_case("sha1"))
            });
            Objects {
                git_dir: self.repo.path().to_path_buf(),
                packs: sha1
                    .then(|| pack::Packs::open(self.repo.commondir()))
                    .flatten(),
            }
        })
    }

    /// A reader for the calling thread.
    pub(crate) fn reader(&self) -> reader::Reader {
        self.objects().reader()
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// When the repository is a partial clone (`git clone --filter=blob:none`): the remote git
    /// fetches missing file contents from on demand, which `sop` cannot do (`origin`, or an
    /// empty text when the clone names none). Old texts (the releases') are then missing.
    pub fn partial_clone(&self) -> Option<String> {
        let config = self.repo.config().ok()?;
        if let Ok(remote) = config.get_string("extensions.partialclone") {
            return Some(remote);
        }
        let mut found = None;
        if let Ok(mut entries) = config.entries(Some(r"remote\..*\.promisor")) {
            while let Some(Ok(entry)) = entries.next() {
                let on = entry.value().is_ok_and(|v| {
                    matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "1")
                });
                if on && let Ok(name) = entry.name() {
                    let remote = name
                        .strip_prefix("remote.")
                        .and_then(|n| n.strip_suffix(".promisor"))
                        .unwrap_or_default();
                    found = Some(remote.to_string());
                    break;
                }
            }
        }
        found
    }

    /// The commits where a shallow clone's history is cut (`.git/shallow`).
    pub(crate) fn shallow_edges(&self) -> Vec<git2::Oid> {
        std::fs::read_to_string(self.repo.commondir().join("shallow"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| git2::Oid::from_str(l.trim()).ok())
            .collect()
    }

    /// The SOP root: the work tree's folder `prefix`.
    pub fn sop_root(&self) -> PathBuf {
        let workdir = self.repo.workdir().unwrap_or_else(|| self.repo.path());
        workdir.join(self.prefix.trim_end_matches('/'))
    }

    /// The path in the work tree of `rel`, a path relative to the SOP root.
    pub(crate) fn git_path(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// The path relative to the SOP root of `git_path`, a path in the work tree.
    pub(crate) fn sop_path<'a>(&self, git_path: &'a str) -> &'a str {
        git_path.strip_prefix(&self.prefix).unwrap_or(git_path)
    }
}

/// The signature of the index extension libgit2 refused (`link` for the split index), when
/// that is why `source` failed.
fn unreadable_index_extension(source: &git2::Error) -> Option<String> {
    if source.class() != git2::ErrorClass::Index {
        return None;
    }
    let rest = source
        .message()
        .strip_prefix("unsupported mandatory extension: ")?;
    Some(rest.trim().trim_matches('\'').to_string())
}

/// The git feature behind index extension `extension`, in words.
fn index_feature(extension: &str) -> String {
    match extension {
        "link" => "git's split index (the setting `core.splitIndex`)".to_string(),
        "sdir" => "git's sparse index (the setting `index.sparse`)".to_string(),
        other => format!("a git feature (index extension `{other}`)"),
    }
}

/// How to write git's index without `extension` again: the files and history stay as they are.
fn index_fix(extension: &str) -> String {
    match extension {
        "link" => "turn the split index off with `git config core.splitIndex false` and `git update-index --no-split-index` (this only rewrites git's list of tracked files; nothing else changes), then run the command again".to_string(),
        "sdir" => "turn the sparse index off with `git sparse-checkout set --no-sparse-index` (the sparse checkout itself stays), then run the command again".to_string(),
        _ => "turn off the git setting that turned it on (`git config --list --show-origin` lists them), have git write its index again, then run the command again".to_string(),
    }
}

/// `YYYY-MM-DD` of a git time, in the offset it was recorded in (as `git log` shows it).
pub(crate) fn format_date(time: git2::Time) -> String {
    let local = time
        .seconds()
        .saturating_add(i64::from(time.offset_minutes()).saturating_mul(60));
    let days = local.div_euclid(86_400);
    // A commit can carry any time (a forged or broken one, far past the year 9999): that is
    // "unknown", never a panic in the span.
    jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| {
            jiff::civil::Date::constant(1970, 1, 1)
                .checked_add(span)
                .ok()
        })
        .map_or_else(|| "unknown".to_string(), |d| d.to_string())
}

/// The root of the git work tree that holds `dir`, if any.
pub fn work_tree_root(dir: &Path) -> Option<PathBuf> {
    let repo = git2::Repository::discover(dir).ok()?;
    repo.workdir().map(Path::to_path_buf)
}

/// The repository's main branch as far as it can be told in the git repository that holds
/// `dir`: the remote's default (`origin/HEAD`), else `main` or `master` when such a branch
/// exists, else the branch `HEAD` names (also before the first commit). `None` on a detached
/// `HEAD` with none of these.
pub fn main_branch(dir: &Path) -> Option<String> {
    let repo = git2::Repository::discover(dir).ok()?;
    let symbolic = |name: &str| {
        let reference = repo.find_reference(name).ok()?;
        reference
            .symbolic_target()
            .ok()
            .flatten()
            .map(str::to_string)
    };
    if let Some(remote) = symbolic("refs/remotes/origin/HEAD")
        && let Some(branch) = remote.strip_prefix("refs/remotes/origin/")
    {
        return Some(branch.to_string());
    }
    for name in ["main", "master"] {
        if repo.find_branch(name, git2::BranchType::Local).is_ok() {
            return Some(name.to_string());
        }
    }
    symbolic("HEAD")?
        .strip_prefix("refs/heads/")
        .map(str::to_string)
}

/// The files in git's index, as paths relative to the SOP root `root` (files outside it are
/// left out); `Ok(None)` outside git.
///
/// # Errors
/// Why the index cannot be read, in words.
pub fn tracked_files(root: &Path) -> Result<Option<std::collections::BTreeSet<String>>, String> {
    match Repo::open(root) {
        Ok(Some(git)) => git.tracked_files().map(Some),
        Ok(None) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

impl Repo {
    /// The files in git's index under the SOP root, relative to it.
    ///
    /// # Errors
    /// Why the index cannot be read, in words (with the fix, when there is one).
    pub fn tracked_files(&self) -> Result<std::collections::BTreeSet<String>, String> {
        let index = self
            .repo
            .index()
            .map_err(|e| match unreadable_index_extension(&e) {
                Some(extension) => format!(
                    "it uses {}, which `sop` cannot read: {}",
                    index_feature(&extension),
                    index_fix(&extension)
                ),
                None => e.message().to_string(),
            })?;
        Ok(index
            .iter()
            .filter_map(|entry| {
                let path = String::from_utf8(entry.path).ok()?;
                path.strip_prefix(&self.prefix).map(str::to_string)
            })
            .collect())
    }

    /// When git's index (the list of files it tracks) was last written, and its size: a
    /// different answer means `git add`, `git rm` or a commit may have changed the list.
    /// `None` when there is no index.
    pub fn index_stamp(&self) -> Option<(std::time::SystemTime, u64)> {
        let meta = std::fs::metadata(self.repo.path().join("index")).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    /// Every way git names the user here (`GIT_AUTHOR_NAME`, `user.name`, `user.email`, ...:
    /// [`identity::own_names`]), for telling whether an approver is the person running `sop`.
    pub fn user_names(&self) -> Vec<String> {
        identity::own_names(&self.repo)
    }
}

/// The help for a shallow clone.
pub const SHALLOW_HELP: &str = "fetch the whole history: `git fetch --unshallow --tags` (in CI: `fetch-depth: 0` for actions/checkout)";

/// What is wrong with a partial clone of `remote` ([`Repo::partial_clone`]), for a message.
pub fn partial_clone_words(remote: &str) -> String {
    let from = if remote.is_empty() {
        String::new()
    } else {
        format!(" of `{remote}`")
    };
    format!(
        "this clone is a partial clone{from} (made with `--filter`): it lacks the contents of older files, which git fetches only on demand and sop cannot read"
    )
}

/// The help for a partial clone of `remote`.
pub fn partial_clone_help(remote: &str) -> String {
    let remote = if remote.is_empty() { "origin" } else { remote };
    format!(
        "fetch every file's contents, then make it a full clone: `git fetch --refetch --no-filter {remote} && git config --unset remote.{remote}.promisor` (or clone again without `--filter`; in CI: no `filter:` for actions/checkout)"
    )
}

/// The git folder (`.git`) of the repository that holds `dir`, if any.
pub fn git_dir(dir: &Path) -> Option<PathBuf> {
    git2::Repository::discover(dir)
        .ok()
        .map(|r| r.path().to_path_buf())
}

/// Create a git repository in `dir` with `main` as its first branch.
///
/// # Errors
/// [`GitError::Init`] when git2 cannot create it.
pub fn init(dir: &Path) -> Result<(), GitError> {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    git2::Repository::init_opts(dir, &opts)
        .map(|_| ())
        .map_err(|source| GitError::Init {
            path: dir.to_path_buf(),
            source,
        })
}

/// The user's name from git's configuration (`user.name`, else `user.email`), as seen from
/// `dir` (so a repository's own setting wins over the global one).
pub fn user_identity(dir: &Path) -> Option<String> {
    let config = match git2::Repository::discover(dir) {
        Ok(repo) => repo.config().ok()?,
        Err(_) => git2::Config::open_default().ok()?,
    };
    let get = |key: &str| {
        config
            .get_string(key)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    get("user.name").or_else(|| get("user.email"))
}

/// A repository in a temporary folder with one commit of `a.md`, for a unit test; and a
/// runner of the `git` command line in it.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn test_repo() -> (tempfile::TempDir, impl Fn(&[&str]) -> String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let git = move |args: &[&str]| test_git(&root, args);
    git(&["init", "-q"]);
    std::fs::write(dir.path().join("a.md"), "text\n").unwrap();
    git(&["add", "a.md"]);
    git(&["commit", "-q", "-m", "c"]);
    (dir, git)
}

/// Run the `git` command line in `dir` for a unit test (with a fixed identity), return its
/// stdout; panics when git fails, which fails the test.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn test_git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[cfg(test)]
mod date_tests {
    use super::format_date;

    /// A commit's time is whatever its author wrote: far past the calendar it is unknown, and
    /// never a panic (see r16: no date may panic anything).
    #[test]
    fn commit_times_past_the_calendar_are_unknown() {
        assert_eq!(format_date(git2::Time::new(0, 0)), "1970-01-01");
        assert_eq!(
            format_date(git2::Time::new(1_764_633_600, 60)),
            "2025-12-02"
        );
        for seconds in [i64::MAX, i64::MIN, 99_999_999_999_999] {
            assert_eq!(format_date(git2::Time::new(seconds, 840)), "unknown");
        }
    }
}
