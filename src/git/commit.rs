//! Commit one SOP file and tag a release, leaving every other change in the index and the
//! work tree exactly as it was.
//!
//! [`check_ready`] says, before anything is written, why a commit cannot be made now; the
//! commit itself is [`super::transaction`]'s.

use std::path::Path;

use git2::{ErrorCode, Repository, RepositoryState};

use super::{GitError, Repo};

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

impl Repo {
    /// Whether a commit of `path` (relative to the SOP root) can be made now, and if not, why.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn check_ready(&self, path: &str) -> Result<Option<NotReady>, GitError> {
        let git = self;
        let repo = &git.repo;
        let what = match repo.state() {
            RepositoryState::Clean => None,
            RepositoryState::Merge => Some("a merge"),
            RepositoryState::Revert | RepositoryState::RevertSequence => Some("a revert"),
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                Some("a cherry-pick")
            }
            RepositoryState::Bisect => Some("a bisect"),
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge => Some("a rebase"),
            RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => {
                Some("a `git am`")
            }
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
        // A date git would refuse is said by the commit itself, with the variable's name.
        if let Err(super::identity::IdentityError::Unknown) = super::identity::identity(repo) {
            return Ok(Some(NotReady::NoIdentity));
        }
        Ok(None)
    }
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

impl Repo {
    /// Whether the index holds a staged version of `path` that differs from `HEAD` (that staged
    /// version is replaced by the work-tree file when it is committed).
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn has_staged_change(&self, path: &str) -> Result<bool, GitError> {
        let git = self;
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
    pub fn file_at_head(&self, path: &str) -> Result<Option<String>, GitError> {
        let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(None);
        };
        let id = head.id().to_string();
        drop(head);
        Ok(self.texts().reader().at_commit(&id, path))
    }

    /// Whether the tag `name` exists.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn tag_exists(&self, name: &str) -> Result<bool, GitError> {
        let git = self;
        Ok(git
            .repo
            .find_reference(&format!("refs/tags/{name}"))
            .is_ok())
    }

    /// What to type to share a release: `git push <remote> <branch> <tag>` with the branch's
    /// remote (or the only remote); `None` when the repository has no remote.
    pub fn push_hint(&self, tag: &str) -> Option<String> {
        let git = self;
        let repo = &git.repo;
        let head = repo.head().ok()?;
        let branch = head.shorthand().ok()?.to_string();
        let remotes = repo.remotes().ok()?;
        let names: Vec<&str> = remotes.iter().flatten().flatten().collect();
        let remote = repo
            .branch_upstream_remote(head.name().ok()?)
            .ok()
            .and_then(|b| b.as_str().ok().map(str::to_string))
            .or_else(|| (names.len() == 1).then(|| names[0].to_string()))
            .or_else(|| names.contains(&"origin").then(|| "origin".to_string()))?;
        Some(format!(
            "share the release with `git push {remote} {branch} {tag}`"
        ))
    }
}
