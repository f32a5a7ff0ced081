//! Commit one SOP file and tag a release, leaving every other change in the index and the
//! work tree exactly as it was.
//!
//! The commit's tree is `HEAD`'s tree plus the one file's blob (`TreeUpdateBuilder`); only that
//! file's index entry is updated, after the commit succeeded. git2 runs no hooks and signs
//! nothing. [`check_ready`] says, before anything is written, why a commit cannot be made now.

use std::path::Path;

use git2::{ErrorCode, FileMode, Repository, RepositoryState};

use super::{Git, GitError};

/// Why `sop` will not commit now, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The SOP repository is not in a git repository.
    NoRepository,
    /// The branch has no commit yet.
    Unborn {
        /// The branch's name.
        branch: String,
    },
    /// `HEAD` is not on a branch.
    Detached,
    /// A merge, rebase, cherry-pick, revert or bisect is under way.
    InProgress {
        /// What, in words (`a merge`).
        what: &'static str,
    },
    /// The file has unresolved conflicts in the index.
    Conflicted {
        /// The file, relative to the SOP root.
        path: String,
    },
    /// git does not know who is committing.
    NoIdentity,
}

impl NotReady {
    /// What is wrong, in one line.
    pub fn message(&self) -> String {
        match self {
            NotReady::NoRepository => "this SOP repository is not in a git repository".into(),
            NotReady::Unborn { branch } => {
                format!("the branch `{branch}` has no commit yet")
            }
            NotReady::Detached => {
                "HEAD is detached: you are not on a branch, so the commit would be lost".into()
            }
            NotReady::InProgress { what } => format!("{what} is in progress"),
            NotReady::Conflicted { path } => {
                format!("`{path}` has merge conflicts that are not resolved")
            }
            NotReady::NoIdentity => "git does not know who you are".into(),
        }
    }

    /// How to fix it.
    pub fn help(&self) -> String {
        match self {
            NotReady::NoRepository => {
                "run `git init` in the repository folder (or `sop init`), then commit the SOPs".into()
            }
            NotReady::Unborn { .. } => {
                "commit the SOPs first: `git add -A && git commit -m \"Add SOPs\"`".into()
            }
            NotReady::Detached => {
                "switch to a branch first, for example `git switch main` (or `git switch -c <new-branch>`)".into()
            }
            NotReady::InProgress { what } => format!(
                "finish or abort {what} first (`git status` says how), then run this again"
            ),
            NotReady::Conflicted { .. } => {
                "resolve the conflicts (remove the `<<<<<<<`, `=======` and `>>>>>>>` lines), `git add` the file, then run this again".into()
            }
            NotReady::NoIdentity => "tell git your name and e-mail: `git config user.name \"Your Name\"` and `git config user.email you@example.com`".into(),
        }
    }
}

/// Whether a commit of `path` (relative to the SOP root) can be made now, and if not, why.
///
/// # Errors
/// When the repository cannot be read.
pub fn check_ready(root: &Path, path: &str) -> Result<Option<NotReady>, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(Some(NotReady::NoRepository));
    };
    let repo = &git.repo;
    let what = match repo.state() {
        RepositoryState::Clean => None,
        RepositoryState::Merge => Some("a merge"),
        RepositoryState::Revert | RepositoryState::RevertSequence => Some("a revert"),
        RepositoryState::CherryPick | RepositoryState::CherryPickSequence => Some("a cherry-pick"),
        RepositoryState::Bisect => Some("a bisect"),
        RepositoryState::Rebase
        | RepositoryState::RebaseInteractive
        | RepositoryState::RebaseMerge => Some("a rebase"),
        RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => Some("a `git am`"),
    };
    if let Some(what) = what {
        return Ok(Some(NotReady::InProgress { what }));
    }
    if repo.head_detached().map_err(GitError::read("HEAD"))? {
        return Ok(Some(NotReady::Detached));
    }
    match repo.head() {
        Ok(_) => {}
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            let branch = unborn_branch(repo);
            return Ok(Some(NotReady::Unborn { branch }));
        }
        Err(e) => return Err(GitError::read("HEAD")(e)),
    }
    let index = repo.index().map_err(GitError::read("the index"))?;
    let git_path = git.git_path(path);
    let conflicted = index.has_conflicts()
        && (1..=3).any(|stage| index.get_path(Path::new(&git_path), stage).is_some());
    if conflicted {
        return Ok(Some(NotReady::Conflicted {
            path: path.to_string(),
        }));
    }
    if repo.signature().is_err() {
        return Ok(Some(NotReady::NoIdentity));
    }
    Ok(None)
}

fn unborn_branch(repo: &Repository) -> String {
    repo.find_reference("HEAD")
        .ok()
        .and_then(|r| {
            r.symbolic_target_bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
        })
        .map(|t| t.trim_start_matches("refs/heads/").to_string())
        .unwrap_or_else(|| "main".to_string())
}

/// Whether the index holds a staged version of `path` that differs from `HEAD` (that staged
/// version is replaced by the work-tree file when it is committed).
///
/// # Errors
/// When the repository cannot be read.
pub fn has_staged_change(root: &Path, path: &str) -> Result<bool, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(false);
    };
    let git_path = git.git_path(path);
    let index = git.repo.index().map_err(GitError::read("the index"))?;
    let staged = index.get_path(Path::new(&git_path), 0).map(|e| e.id);
    let head = git
        .repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .ok()
        .and_then(|t| t.get_path(Path::new(&git_path)).ok().map(|e| e.id()));
    Ok(staged.is_some() && staged != head)
}

/// The text of `path` (relative to the SOP root) at `HEAD`, `None` when it is not there.
///
/// # Errors
/// When the repository cannot be read.
pub fn file_at_head(root: &Path, path: &str) -> Result<Option<String>, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(None);
    };
    let Ok(tree) = git.repo.head().and_then(|h| h.peel_to_tree()) else {
        return Ok(None);
    };
    Ok(git.file_in_tree(&tree, path))
}

/// A commit `sop` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The full commit id.
    pub id: String,
    /// Its abbreviated id (7 characters).
    pub short: String,
}

/// Commit the work-tree file `path` (relative to the SOP root) alone on the current branch,
/// with `message`. Everything else staged or not stays as it was; the file's own index entry
/// now matches the commit.
///
/// # Errors
/// When the file cannot be hashed, the commit cannot be written (for example `HEAD` moved
/// meanwhile) or the index cannot be saved (`index.lock` is held by another git program).
pub fn commit_file(root: &Path, path: &str, message: &str) -> Result<Committed, GitError> {
    let git = Git::open(root)?.ok_or_else(|| GitError::Write {
        what: "commit: no git repository".into(),
        source: git2::Error::from_str("no repository"),
    })?;
    let repo = &git.repo;
    let git_path = git.git_path(path);
    let rel = Path::new(&git_path);
    let mut index = repo.index().map_err(GitError::read("the index"))?;
    // Re-read: pick up what other programs staged since the repository was opened.
    index.read(true).map_err(GitError::read("the index"))?;
    index
        .add_path(rel)
        .map_err(GitError::write(format!("add `{path}` to git")))?;
    let entry = index.get_path(rel, 0).ok_or_else(|| GitError::Write {
        what: format!("add `{path}` to git"),
        source: git2::Error::from_str("the file is not in the index after adding it"),
    })?;
    let mode = if entry.mode == 0o100_755 {
        FileMode::BlobExecutable
    } else {
        FileMode::Blob
    };
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(GitError::read("the commit at HEAD"))?;
    let head_tree = head.tree().map_err(GitError::read("the tree at HEAD"))?;
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert(&git_path, entry.id, mode);
    let what = format!("commit `{path}`");
    let tree_id = update
        .create_updated(repo, &head_tree)
        .map_err(GitError::write(&what))?;
    let tree = repo.find_tree(tree_id).map_err(GitError::write(&what))?;
    let sig = repo.signature().map_err(GitError::write(&what))?;
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &[&head])
        .map_err(GitError::write(&what))?;
    // Persist the one updated entry only once the commit exists.
    index.write().map_err(GitError::write(
        "save git's index (is another git program running?)",
    ))?;
    let id = oid.to_string();
    Ok(Committed {
        short: id.chars().take(7).collect(),
        id,
    })
}

/// Whether the tag `name` exists.
///
/// # Errors
/// When the repository cannot be read.
pub fn tag_exists(root: &Path, name: &str) -> Result<bool, GitError> {
    let Some(git) = Git::open(root)? else {
        return Ok(false);
    };
    Ok(git
        .repo
        .find_reference(&format!("refs/tags/{name}"))
        .is_ok())
}

/// Create the annotated tag `name` on `commit` with `message`, tagged by the configured user.
///
/// # Errors
/// When the tag exists already or cannot be written.
pub fn create_tag(root: &Path, name: &str, commit: &str, message: &str) -> Result<(), GitError> {
    let what = format!("create the tag `{name}`");
    let git = Git::open(root)?.ok_or_else(|| GitError::Write {
        what: what.clone(),
        source: git2::Error::from_str("no repository"),
    })?;
    let repo = &git.repo;
    let oid = git2::Oid::from_str(commit).map_err(GitError::write(&what))?;
    let obj = repo
        .find_object(oid, Some(git2::ObjectType::Commit))
        .map_err(GitError::write(&what))?;
    let tagger = repo.signature().map_err(GitError::write(&what))?;
    repo.tag(name, &obj, &tagger, message, false)
        .map_err(GitError::write(&what))?;
    Ok(())
}
