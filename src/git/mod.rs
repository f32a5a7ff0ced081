//! git, through git2. No other module sees git2 types: they get paths, names and our own
//! structs. `sop` never runs the `git` program.

pub mod history;

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
}

/// The root of the git work tree that holds `dir`, if any.
pub fn work_tree_root(dir: &Path) -> Option<PathBuf> {
    let repo = git2::Repository::discover(dir).ok()?;
    repo.workdir().map(Path::to_path_buf)
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
