//! All-or-nothing commits of one SOP file, with an optional annotated tag: what `sop release`
//! and `sop review` write.
//!
//! Order of work:
//!
//! 1. `.git/sop-release.lock` is locked (an OS file lock, gone with the process), so two
//!    releases in one repository never run at once: the second waits up to ten seconds,
//!    then is refused. A journal left by a release that was
//!    killed is finished or undone first ([`Session::begin`]).
//! 2. git's own `.git/index.lock` is created, so no git program changes the index meanwhile;
//!    when another program holds it, nothing is touched.
//! 3. The blob (through git's clean filters, as `git add` stores it: `core.autocrlf`,
//!    `.gitattributes`), the tree (`HEAD`'s tree plus that blob) and the commit are written as
//!    objects (`git commit-tree -S` when git is set to sign), then the tag object (signed by `git tag
//!    -s` in a scratch git folder that shares the objects, so no tag appears before step 5).
//!    Nothing else is touched yet: when signing fails, the repository is as it was.
//! 4. The work-tree file is replaced atomically, and the index with its one updated entry is
//!    prepared in `index.lock`.
//! 5. The branch and the tag move together in one reference transaction, after checking that
//!    the branch still points where it did.
//! 6. `index.lock` becomes the index.
//!
//! A failure in 2–5 undoes what was done: the file gets its old text back and `index.lock`
//! goes. A journal (`.git/sop-release.journal`) describes the release while it runs; when a
//! process dies between steps, the next [`Session::begin`] reads it and completes the release
//! when the branch already points to its commit, or undoes it when not. The objects a failed
//! release wrote are unreachable and harmless (`git gc` removes them).
//!
//! git2 runs no hooks: `sop release` and `sop review` never run `pre-commit` or `commit-msg`.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::{FileMode, Oid, Signature};
use serde::{Deserialize, Serialize};

use super::identity::{Identity, IdentityError, git_date_text, identity};
use super::{GitError, Repo};

/// Why a commit was not made (or not completely).
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Another `sop release` or `sop review` holds the lock.
    #[error("another release is running in this repository")]
    Busy,
    /// Another git program holds `index.lock`.
    #[error("git's index is in use by another program: `{}` exists", path.display())]
    IndexLocked {
        /// The lock file.
        path: PathBuf,
    },
    /// A reference lock file is in the way (`refs/heads/main.lock`).
    #[error("git's reference `{name}` is locked by another program")]
    RefLocked {
        /// The reference.
        name: String,
        /// The lock file.
        path: PathBuf,
    },
    /// The branch moved while the commit was prepared.
    #[error("the branch `{branch}` changed while the release was prepared")]
    HeadMoved {
        /// The branch.
        branch: String,
    },
    /// The tag exists already.
    #[error("the tag `{name}` exists already")]
    TagExists {
        /// The tag.
        name: String,
    },
    /// The SOP file is a symbolic link.
    #[error("`{path}` is a symbolic link")]
    Symlink {
        /// The file.
        path: String,
    },
    /// The SOP was renamed and the rename is not committed.
    #[error("`{from}` was renamed to `{to}`, and the rename is not committed yet")]
    UncommittedRename {
        /// The path at `HEAD`.
        from: String,
        /// The path now.
        to: String,
    },
    /// git is set to sign, and signing failed.
    #[error("git is set to sign {what} (`{setting}`), but signing failed: {detail}")]
    Sign {
        /// `commits` or `tags`.
        what: &'static str,
        /// The setting (`commit.gpgsign`).
        setting: &'static str,
        /// What git said.
        detail: String,
    },
    /// The commit and tag are on the branch, but the index or the file could not be updated.
    #[error("the release commit {commit} was made, but not finished: {detail}")]
    Unfinished {
        /// The short commit id.
        commit: String,
        /// What failed.
        detail: String,
    },
    /// git does not know who is committing.
    #[error("git does not know who you are")]
    NoIdentity,
    /// `GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE` holds no date.
    #[error("the environment variable `{variable}` is `{value}`, which is not a date")]
    BadDate {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// A file could not be read or written.
    #[error("cannot {what}")]
    Io {
        /// What we were doing.
        what: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The repository could not be read or written.
    #[error(transparent)]
    Git(#[from] GitError),
}

impl From<IdentityError> for CommitError {
    fn from(e: IdentityError) -> CommitError {
        match e {
            IdentityError::Unknown => CommitError::NoIdentity,
            IdentityError::BadDate { variable, value } => CommitError::BadDate { variable, value },
            IdentityError::Git(e) => CommitError::Git(e),
        }
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> CommitError {
    let what = what.into();
    move |source| CommitError::Io { what, source }
}

/// One file to commit, with an optional tag.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// The file, relative to the SOP root.
    pub path: &'a str,
    /// Its id and language, to notice an uncommitted rename of the same SOP.
    pub identity: (&'a str, Option<&'a str>),
    /// The work-tree text now (restored if the commit fails).
    pub old_text: &'a str,
    /// The text to commit.
    pub new_text: &'a str,
    /// The commit message.
    pub message: &'a str,
    /// The annotated tag to create on the commit: `(name, message)`.
    pub tag: Option<(&'a str, &'a str)>,
    /// Do not sign, even when git is set to.
    pub no_sign: bool,
}

/// A commit `sop` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The full commit id.
    pub id: String,
    /// Its abbreviated id (7 characters).
    pub short: String,
    /// Whether the commit is signed.
    pub signed: bool,
}

/// How long a release waits for another one in the same repository to finish.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A release or review session: holds the repository's release lock until dropped.
pub struct Session {
    git: Repo,
    git_dir: PathBuf,
    _lock: File,
    /// What was found and done about an interrupted release, in words.
    pub recovered: Option<String>,
}

/// What the journal records about a release in progress.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    pid: u32,
    path: String,
    git_path: String,
    old_text: String,
    new_text: String,
    branch: String,
    old_head: String,
    new_commit: Option<String>,
    tag: Option<JournalTag>,
    /// `index.lock` is (about to be) this release's.
    index_locked: bool,
    /// The lock's inode, once it exists (its content is rewritten in place, so it keeps it).
    #[serde(default)]
    index_lock_id: Option<u64>,
    /// The work-tree file holds (or is about to hold) the new text.
    file_written: bool,
    /// When locking the branch and tag began (seconds, nanoseconds since 1970).
    #[serde(default)]
    refs_locking: Option<(i64, i64)>,
    /// The branch and the tag have moved.
    #[serde(default)]
    refs_moved: bool,
    /// When the release began (seconds, nanoseconds since 1970).
    #[serde(default)]
    started: (i64, i64),
}

/// Now, as seconds and nanoseconds since 1970.
fn now() -> (i64, i64) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (
        i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        i64::from(d.subsec_nanos()),
    )
}

/// `at` less one second: file times are kept coarser than the clock, so a file made just after
/// `at` may carry a time a little before it.
fn slack(at: (i64, i64)) -> (i64, i64) {
    (at.0.saturating_sub(1), at.1)
}

/// A file's modification time as seconds and nanoseconds since 1970.
fn mtime(path: &Path) -> Option<(i64, i64)> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(path).ok()?;
    Some((m.mtime(), m.mtime_nsec()))
}

/// A lock file's inode, to know it again.
fn lock_id(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path).ok().map(|m| m.ino())
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalTag {
    name: String,
    message: String,
    object: Option<String>,
    sign: bool,
}

impl Session {
    /// Take the release lock of the repository `git`, and finish or undo a release that was
    /// interrupted.
    ///
    /// # Errors
    /// [`CommitError::Busy`] when another release runs; git or file errors.
    pub fn begin(git: Repo) -> Result<Session, CommitError> {
        let git_dir = git.repo.path().to_path_buf();
        let lock_path = git_dir.join("sop-release.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(format!("open `{}`", lock_path.display())))?;
        // Another release of a different SOP takes a moment: wait for it a little, then
        // give up with a clear refusal.
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(CommitError::Busy),
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(io(format!("lock `{}`", lock_path.display()))(e));
                }
            }
        }
        let mut session = Session {
            git,
            git_dir,
            _lock: file,
            recovered: None,
        };
        session.recovered = session.recover()?;
        Ok(session)
    }

    /// The repository.
    pub fn git(&self) -> &Repo {
        &self.git
    }

    fn journal_path(&self) -> PathBuf {
        self.git_dir.join("sop-release.journal")
    }

    fn write_journal(&self, journal: &Journal) -> Result<(), CommitError> {
        let path = self.journal_path();
        let bytes = serde_json::to_vec(journal).map_err(|e| CommitError::Io {
            what: "write the release journal".into(),
            source: std::io::Error::other(e),
        })?;
        crate::atomic::replace(&path, &bytes).map_err(io(format!("write `{}`", path.display())))
    }

    fn clear_journal(&self) {
        let _ = std::fs::remove_file(self.journal_path());
    }

    /// Commit `change` (and tag it), all or nothing.
    ///
    /// # Errors
    /// [`CommitError`] saying what was refused or failed; the repository and the file are as
    /// they were, except for [`CommitError::Unfinished`], which says what exists.
    pub fn commit(&self, change: &Change<'_>) -> Result<Committed, CommitError> {
        let repo = &self.git.repo;
        let git_path = self.git.git_path(change.path);
        let file = self
            .git
            .repo
            .workdir()
            .map(|w| w.join(&git_path))
            .unwrap_or_else(|| PathBuf::from(&git_path));
        if file
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return Err(CommitError::Symlink {
                path: change.path.to_string(),
            });
        }
        let head_ref = repo.head().map_err(GitError::read("HEAD"))?;
        let branch = head_ref
            .name()
            .ok()
            .filter(|n| n.starts_with("refs/heads/"))
            .ok_or_else(|| {
                GitError::read("the current branch")(git2::Error::from_str(
                    "HEAD is not on a branch",
                ))
            })?
            .to_string();
        let head = head_ref
            .peel_to_commit()
            .map_err(GitError::read("the commit at HEAD"))?;
        drop(head_ref);
        let head_tree = head.tree().map_err(GitError::read("the tree at HEAD"))?;
        if head_tree.get_path(Path::new(&git_path)).is_err()
            && let Some(from) = self.same_sop_elsewhere(&head_tree, &git_path, change.identity)
        {
            return Err(CommitError::UncommittedRename {
                from: self.git.sop_path(&from).to_string(),
                to: change.path.to_string(),
            });
        }
        if let Some((tag, _)) = change.tag
            && repo.find_reference(&format!("refs/tags/{tag}")).is_ok()
        {
            return Err(CommitError::TagExists {
                name: tag.to_string(),
            });
        }
        let who = identity(repo)?;
        let config = repo.config().map_err(GitError::read("git's settings"))?;
        let setting = |key: &str| config.get_bool(key).unwrap_or(false);
        let sign_commit = !change.no_sign && setting("commit.gpgsign");
        let sign_tag = (!change.no_sign && change.tag.is_some())
            .then(|| {
                ["tag.gpgsign", "tag.forcesignannotated"]
                    .into_iter()
                    .find(|key| setting(key))
            })
            .flatten();

        // 2. git's index lock.
        let index_lock = self.git_dir.join("index.lock");
        let mut journal = Journal {
            pid: std::process::id(),
            path: change.path.to_string(),
            git_path: git_path.clone(),
            old_text: change.old_text.to_string(),
            new_text: change.new_text.to_string(),
            branch: branch.clone(),
            old_head: head.id().to_string(),
            new_commit: None,
            tag: change.tag.map(|(name, message)| JournalTag {
                name: name.to_string(),
                message: message.to_string(),
                object: None,
                sign: sign_tag.is_some(),
            }),
            // Noted before the lock is taken, so a kill in between is still recognised.
            index_locked: true,
            index_lock_id: None,
            file_written: false,
            refs_locking: None,
            refs_moved: false,
            started: now(),
        };
        self.write_journal(&journal)?;
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&index_lock)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                self.clear_journal();
                return Err(CommitError::IndexLocked { path: index_lock });
            }
            Err(e) => {
                self.clear_journal();
                return Err(io(format!("create `{}`", index_lock.display()))(e));
            }
        }
        journal.index_lock_id = lock_id(&index_lock);
        let result = self.write_journal(&journal).and_then(|()| {
            self.commit_locked(
                change,
                &mut journal,
                &file,
                &head,
                &head_tree,
                &who,
                (sign_commit, sign_tag),
            )
        });
        match result {
            Ok(committed) => {
                self.clear_journal();
                Ok(committed)
            }
            // The release is on the branch: never undo it. The journal stays, so the next
            // release or review completes the index and the file.
            Err(e) if journal.refs_moved => Err(CommitError::Unfinished {
                commit: journal
                    .new_commit
                    .as_deref()
                    .unwrap_or_default()
                    .chars()
                    .take(7)
                    .collect(),
                detail: e.to_string(),
            }),
            Err(e) => {
                self.undo(&journal, &file);
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn commit_locked(
        &self,
        change: &Change<'_>,
        journal: &mut Journal,
        file: &Path,
        head: &git2::Commit<'_>,
        head_tree: &git2::Tree<'_>,
        who: &Identity,
        (sign_commit, sign_tag): (bool, Option<&'static str>),
    ) -> Result<Committed, CommitError> {
        let repo = &self.git.repo;
        let git_path = journal.git_path.clone();
        let what = format!("commit `{}`", change.path);
        // 3. Objects: blob, tree, commit, tag.
        let blob = clean_blob(repo, &git_path, change.new_text.as_bytes())
            .map_err(GitError::write(&what))?;
        let mode = match head_tree.get_path(Path::new(&git_path)) {
            Ok(e) if e.filemode() == i32::from(FileMode::BlobExecutable) => {
                FileMode::BlobExecutable
            }
            _ => FileMode::Blob,
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        update.upsert(&git_path, blob, mode);
        let tree_id = update
            .create_updated(repo, head_tree)
            .map_err(GitError::write(&what))?;
        let commit_id = if sign_commit {
            self.signed_commit(tree_id, head.id(), change.message, who)?
        } else {
            let tree = repo.find_tree(tree_id).map_err(GitError::write(&what))?;
            let buf = repo
                .commit_create_buffer(&who.author, &who.committer, change.message, &tree, &[head])
                .map_err(GitError::write(&what))?;
            let text = std::str::from_utf8(&buf).map_err(|_| {
                GitError::write(&what)(git2::Error::from_str("the commit is not UTF-8"))
            })?;
            repo.odb()
                .and_then(|odb| odb.write(git2::ObjectType::Commit, text.as_bytes()))
                .map_err(GitError::write(&what))?
        };
        journal.new_commit = Some(commit_id.to_string());
        // The tag object, signed or not, before anything else changes: a signature that
        // fails leaves the repository as it was.
        if let Some(tag) = journal.tag.as_mut() {
            let object = match sign_tag {
                Some(setting) => self
                    .signed_tag(&tag.name, &tag.message, commit_id, &journal.branch, who)
                    .map_err(|detail| CommitError::Sign {
                        what: "tags",
                        setting,
                        detail,
                    })?,
                None => {
                    let target = repo
                        .find_object(commit_id, Some(git2::ObjectType::Commit))
                        .map_err(GitError::write(&what))?;
                    repo.tag_annotation_create(&tag.name, &target, &who.committer, &tag.message)
                        .map_err(GitError::write(format!("create the tag `{}`", tag.name)))?
                }
            };
            tag.object = Some(object.to_string());
        }
        self.write_journal(journal)?;

        // 4. The work-tree file, then the index in `index.lock`.
        journal.file_written = true;
        self.write_journal(journal)?;
        write_file(file, change.new_text.as_bytes())
            .map_err(io(format!("write `{}`", change.path)))?;
        self.prepare_index(&git_path, blob, mode, file, head_tree)?;

        // 5. The branch and the tag, together.
        journal.refs_locking = Some(now());
        self.write_journal(journal)?;
        self.move_refs(
            journal,
            commit_id,
            head.id(),
            &who.committer,
            change.message,
        )?;
        journal.refs_moved = true;
        self.write_journal(journal)?;

        // 6. The index.
        let index_lock = self.git_dir.join("index.lock");
        std::fs::rename(&index_lock, self.git_dir.join("index")).map_err(io("save git's index"))?;
        // Done with the index and the file: recovery must not touch them from here on.
        journal.index_locked = false;
        journal.file_written = false;
        self.write_journal(journal)?;

        let short: String = commit_id.to_string().chars().take(7).collect();
        Ok(Committed {
            id: commit_id.to_string(),
            short,
            signed: sign_commit,
        })
    }

    /// A file of the same SOP at another path in `tree` (an uncommitted rename).
    fn same_sop_elsewhere(
        &self,
        tree: &git2::Tree<'_>,
        git_path: &str,
        (id, language): (&str, Option<&str>),
    ) -> Option<String> {
        let mut found = None;
        let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() != Some(git2::ObjectType::Blob) {
                return git2::TreeWalkResult::Ok;
            }
            let Ok(name) = entry.name() else {
                return git2::TreeWalkResult::Ok;
            };
            let full = format!("{dir}{name}");
            if full == git_path || !names_sop(name, id, language) {
                return git2::TreeWalkResult::Ok;
            }
            found = Some(full);
            git2::TreeWalkResult::Abort
        });
        let found = found?;
        // Still there in the work tree and the index: two files of one SOP, not a rename.
        let workdir = self.git.repo.workdir()?;
        let in_index = self
            .git
            .repo
            .index()
            .ok()
            .and_then(|i| i.get_path(Path::new(&found), 0))
            .is_some();
        (!(workdir.join(&found).exists() && in_index)).then_some(found)
    }

    /// The index with `git_path` at `blob`, written into `index.lock` (which this session
    /// created).
    fn prepare_index(
        &self,
        git_path: &str,
        blob: Oid,
        mode: FileMode,
        file: &Path,
        head_tree: &git2::Tree<'_>,
    ) -> Result<(), CommitError> {
        let index_path = self.git_dir.join("index");
        let had_index = index_path.exists();
        let tmp = self
            .git_dir
            .join(format!("sop-index-{}.tmp", std::process::id()));
        if index_path.exists() {
            std::fs::copy(&index_path, &tmp).map_err(io("copy git's index"))?;
        }
        let result = (|| {
            let mut index = git2::Index::open(&tmp).map_err(GitError::read("git's index"))?;
            if !had_index {
                // No index yet (`git clone --no-checkout`): start from `HEAD`, or every other
                // file would look deleted.
                index
                    .read_tree(head_tree)
                    .map_err(GitError::read("the files at HEAD"))?;
            }
            let meta = std::fs::metadata(file).map_err(io(format!("read `{git_path}`")))?;
            let entry = index_entry(git_path, blob, mode, &meta);
            index
                .add(&entry)
                .map_err(GitError::write(format!("add `{git_path}` to git's index")))?;
            index
                .write()
                .map_err(GitError::write("write git's index"))?;
            // Into the lock file this release holds, in place: it keeps its inode.
            let bytes = std::fs::read(&tmp).map_err(io("write git's index"))?;
            let mut lock = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(self.git_dir.join("index.lock"))
                .map_err(io("write git's index"))?;
            lock.write_all(&bytes)
                .and_then(|()| lock.sync_all())
                .map_err(io("write git's index"))?;
            let _ = std::fs::remove_file(&tmp);
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn move_refs(
        &self,
        journal: &Journal,
        commit: Oid,
        old_head: Oid,
        sig: &Signature<'_>,
        message: &str,
    ) -> Result<(), CommitError> {
        let repo = &self.git.repo;
        let mut tx = repo
            .transaction()
            .map_err(GitError::write("update the branch"))?;
        let lock = |tx: &mut git2::Transaction<'_>, name: &str| {
            tx.lock_ref(name).map_err(|e| {
                if e.code() == git2::ErrorCode::Locked {
                    CommitError::RefLocked {
                        name: name.to_string(),
                        path: self.git.repo.commondir().join(format!("{name}.lock")),
                    }
                } else {
                    GitError::write(format!("lock `{name}`"))(e).into()
                }
            })
        };
        lock(&mut tx, &journal.branch)?;
        let tag_ref = journal
            .tag
            .as_ref()
            .and_then(|t| Some((format!("refs/tags/{}", t.name), t.object.as_ref()?)));
        if let Some((name, _)) = &tag_ref {
            lock(&mut tx, name)?;
            if repo.find_reference(name).is_ok() {
                return Err(CommitError::TagExists {
                    name: name.trim_start_matches("refs/tags/").to_string(),
                });
            }
        }
        // Locked: nobody moves the branch now. It must still be where the commit started.
        let now = repo
            .refname_to_id(&journal.branch)
            .map_err(GitError::read(format!("`{}`", journal.branch)))?;
        if now != old_head {
            return Err(CommitError::HeadMoved {
                branch: journal.branch.trim_start_matches("refs/heads/").to_string(),
            });
        }
        let summary = message.lines().next().unwrap_or_default();
        tx.set_target(
            &journal.branch,
            commit,
            Some(sig),
            &format!("commit: {summary}"),
        )
        .map_err(GitError::write("update the branch"))?;
        if let Some((name, object)) = &tag_ref {
            let oid = Oid::from_str(object).map_err(GitError::write("create the tag"))?;
            tx.set_target(name, oid, Some(sig), "tag: sop release")
                .map_err(GitError::write("create the tag"))?;
        }
        tx.commit()
            .map_err(GitError::write("update the branch and the tag"))?;
        Ok(())
    }

    /// Put things back after a failure before the branch moved.
    fn undo(&self, journal: &Journal, file: &Path) {
        // Only the text this release wrote is taken back: later edits stay.
        if journal.file_written
            && std::fs::read(file).is_ok_and(|t| t == journal.new_text.as_bytes())
        {
            let _ = write_file(file, journal.old_text.as_bytes());
        }
        if journal.index_locked {
            self.remove_own_index_lock(journal);
        }
        let _ = std::fs::remove_file(
            self.git_dir
                .join(format!("sop-index-{}.tmp", std::process::id())),
        );
        self.clear_journal();
    }

    /// Remove `index.lock` when it is the one this release made: the one noted in the journal,
    /// or, when the process died before noting it, one made since the release began.
    fn remove_own_index_lock(&self, journal: &Journal) {
        let lock = self.git_dir.join("index.lock");
        let ours = match journal.index_lock_id {
            Some(id) => lock_id(&lock) == Some(id),
            None => mtime(&lock).is_some_and(|made| made >= slack(journal.started)),
        };
        if ours {
            let _ = std::fs::remove_file(&lock);
        }
    }

    /// Finish or undo a release whose process died; a sentence saying which, or `None` when
    /// there was none.
    fn recover(&self) -> Result<Option<String>, CommitError> {
        let path = self.journal_path();
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(None);
        };
        let Ok(journal) = serde_json::from_slice::<Journal>(&bytes) else {
            self.clear_journal();
            return Ok(None);
        };
        // Killed inside the reference transaction: lock files made since it began are its own.
        if let Some(began) = journal.refs_locking {
            let mut refs = vec![journal.branch.clone()];
            refs.extend(
                journal
                    .tag
                    .as_ref()
                    .map(|t| format!("refs/tags/{}", t.name)),
            );
            for name in refs {
                let lock = self.git.repo.commondir().join(format!("{name}.lock"));
                if mtime(&lock).is_some_and(|made| made >= slack(began)) {
                    let _ = std::fs::remove_file(&lock);
                }
            }
        }
        let repo = &self.git.repo;
        let file = repo
            .workdir()
            .map(|w| w.join(&journal.git_path))
            .unwrap_or_else(|| PathBuf::from(&journal.git_path));
        if let Ok(tmp) = std::fs::read_dir(&self.git_dir) {
            for e in tmp.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("sop-index-") && name.ends_with(".tmp") {
                    let _ = std::fs::remove_file(e.path());
                } else if name.starts_with(SCRATCH_PREFIX) && e.path().is_dir() {
                    // Where a killed release signed its tag.
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        // On the branch, even when commits came after it.
        let landed = journal
            .new_commit
            .as_deref()
            .and_then(|c| Oid::from_str(c).ok())
            .is_some_and(|c| {
                repo.refname_to_id(&journal.branch)
                    .is_ok_and(|tip| tip == c || repo.graph_descendant_of(tip, c).unwrap_or(false))
            });
        if !landed {
            self.undo(&journal, &file);
            return Ok(Some(format!(
                "an earlier release of `{}` was interrupted before it was committed; it was undone",
                journal.path
            )));
        }
        // The branch has the commit: complete the index, the file and the tag.
        let Some(commit) = journal
            .new_commit
            .as_deref()
            .and_then(|c| Oid::from_str(c).ok())
        else {
            self.clear_journal();
            return Ok(None);
        };
        if journal.index_locked {
            self.remove_own_index_lock(&journal);
        }
        if journal.file_written
            && std::fs::read(&file).is_ok_and(|t| t == journal.old_text.as_bytes())
        {
            write_file(&file, journal.new_text.as_bytes())
                .map_err(io(format!("write `{}`", journal.path)))?;
        }
        let mut index = repo.index().map_err(GitError::read("git's index"))?;
        index.read(true).map_err(GitError::read("git's index"))?;
        let blob = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .and_then(|t| {
                t.get_path(Path::new(&journal.git_path))
                    .map(|e| (e.id(), e.filemode()))
            })
            .map_err(GitError::read("the release commit"))?;
        if let Ok(meta) = std::fs::metadata(&file) {
            let mode = if blob.1 == i32::from(FileMode::BlobExecutable) {
                FileMode::BlobExecutable
            } else {
                FileMode::Blob
            };
            index
                .add(&index_entry(&journal.git_path, blob.0, mode, &meta))
                .map_err(GitError::write("update git's index"))?;
            index.write().map_err(GitError::write("save git's index"))?;
        }
        let mut tag_note = String::new();
        if let Some(tag) = &journal.tag {
            let name = format!("refs/tags/{}", tag.name);
            if repo.find_reference(&name).is_err() {
                let who = identity(repo)?;
                let made = match tag.object.as_deref().and_then(|o| Oid::from_str(o).ok()) {
                    Some(object) => repo
                        .reference(&name, object, false, "tag: sop release")
                        .map(|_| ())
                        .map_err(|e| e.message().to_string()),
                    // Only a journal of an older `sop`, which signed the tag last.
                    None => self
                        .signed_tag(&tag.name, &tag.message, commit, &journal.branch, &who)
                        .and_then(|object| {
                            repo.reference(&name, object, false, "tag: sop release")
                                .map(|_| ())
                                .map_err(|e| e.message().to_string())
                        }),
                };
                if let Err(detail) = made {
                    tag_note = format!(
                        "; its tag could not be made ({detail}): create it with `git tag -a {} {} -m \"...\"`",
                        tag.name,
                        commit.to_string().chars().take(7).collect::<String>()
                    );
                }
            }
        }
        self.clear_journal();
        Ok(Some(format!(
            "an earlier release of `{}` was interrupted after its commit; it was completed{tag_note}",
            journal.path
        )))
    }

    /// Run `git` with `args` on the git folder `git_dir` (and the object folder `objects`, when
    /// not its own), `input` on its standard input, as `who`; its output, or what it said went
    /// wrong. `settings`, when given, are all of git's settings it runs with, in order (a
    /// scratch git folder's: see [`Self::settings`]), instead of those of its files.
    fn git_cli(
        &self,
        (git_dir, objects): (&Path, Option<&Path>),
        args: &[&str],
        input: &str,
        who: &Identity,
        settings: Option<&[(String, String)]>,
    ) -> Result<String, String> {
        let workdir = self
            .git
            .repo
            .workdir()
            .unwrap_or(&self.git_dir)
            .to_path_buf();
        let person = |sig: &Signature<'_>| {
            (
                sig.name().unwrap_or_default().to_string(),
                sig.email().unwrap_or_default().to_string(),
                git_date_text(sig.when()),
            )
        };
        let (author, author_email, author_date) = person(&who.author);
        let (committer, committer_email, committer_date) = person(&who.committer);
        let mut git = Command::new("git");
        git.env_remove("GIT_OBJECT_DIRECTORY");
        if let Some(objects) = objects {
            git.env("GIT_OBJECT_DIRECTORY", objects);
        }
        if let Some(settings) = settings {
            // These settings, in place of the files' and the caller's (`git -c`), which they
            // hold already; nothing of the caller's repository is the scratch folder's.
            git.env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env_remove("GIT_CONFIG_PARAMETERS")
                .env_remove("GIT_CONFIG")
                .env_remove("GIT_NAMESPACE")
                .env_remove("GIT_INDEX_FILE")
                .env("GIT_CONFIG_COUNT", settings.len().to_string());
            for (i, (key, value)) in settings.iter().enumerate() {
                git.env(format!("GIT_CONFIG_KEY_{i}"), key)
                    .env(format!("GIT_CONFIG_VALUE_{i}"), value);
            }
        }
        let mut child = git
            .args(args)
            .current_dir(&workdir)
            .env("GIT_DIR", git_dir)
            .env_remove("GIT_COMMON_DIR")
            .env_remove("GIT_WORK_TREE")
            .env("GIT_AUTHOR_NAME", author)
            .env("GIT_AUTHOR_EMAIL", author_email)
            .env("GIT_AUTHOR_DATE", author_date)
            .env("GIT_COMMITTER_NAME", committer)
            .env("GIT_COMMITTER_EMAIL", committer_email)
            .env("GIT_COMMITTER_DATE", committer_date)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("the `git` program could not be run ({e})"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input.as_bytes())
                .map_err(|e| format!("cannot talk to `git` ({e})"))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| format!("`git` failed ({e})"))?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err
            .lines()
            .map(str::trim)
            // gpg's status lines, and where git kept a message sop keeps itself.
            .filter(|l| {
                !l.is_empty()
                    && !l.starts_with("[GNUPG:]")
                    && !l.starts_with("The tag message has been left in")
            })
            .map(|l| {
                l.trim_start_matches("error: ")
                    .trim_start_matches("fatal: ")
                    .trim_end_matches(':')
            })
            .collect::<Vec<_>>()
            .join("; ");
        Err(if line.is_empty() {
            "git gave no reason".into()
        } else {
            line
        })
    }

    fn signed_commit(
        &self,
        tree: Oid,
        parent: Oid,
        message: &str,
        who: &Identity,
    ) -> Result<Oid, CommitError> {
        let out = self
            .git_cli(
                (&self.git_dir, None),
                &[
                    "commit-tree",
                    &tree.to_string(),
                    "-p",
                    &parent.to_string(),
                    "-S",
                    "-F",
                    "-",
                ],
                message,
                who,
                None,
            )
            .map_err(|detail| CommitError::Sign {
                what: "commits",
                setting: "commit.gpgsign",
                detail,
            })?;
        Oid::from_str(out.trim()).map_err(|_| CommitError::Sign {
            what: "commits",
            setting: "commit.gpgsign",
            detail: format!("git printed `{out}` instead of a commit id"),
        })
    }

    /// The signed annotated tag `name` on `commit`, written as an object only: no tag exists
    /// in the repository yet.
    ///
    /// git alone signs as its settings say (`gpg.format`, `gpg.program`, `user.signingkey`),
    /// but `git tag -s` always creates the tag too. So it runs in a scratch git folder inside
    /// this one (`.git/sop-tag-*`): its settings are this repository's as git resolves them
    /// for this repository's own folder (conditions such as `includeIf "gitdir:..."` included;
    /// none of the caller's `GIT_NAMESPACE` or `GIT_INDEX_FILE`), its objects are this
    /// repository's (`GIT_OBJECT_DIRECTORY`), its `HEAD` names the same branch, and the tag it
    /// creates is its own and goes with it.
    fn signed_tag(
        &self,
        name: &str,
        message: &str,
        commit: Oid,
        branch: &str,
        who: &Identity,
    ) -> Result<Oid, String> {
        let common = self.git.repo.commondir().to_path_buf();
        let scratch = tempfile::Builder::new()
            .prefix(SCRATCH_PREFIX)
            .tempdir_in(&self.git_dir)
            .map_err(|e| {
                format!(
                    "cannot make a scratch folder in `{}` ({e})",
                    self.git_dir.display()
                )
            })?;
        let dir = scratch.path();
        let quoted = |p: &Path| -> Result<String, String> {
            let text = p
                .to_str()
                .filter(|t| !t.contains(['\n', '\r']))
                .ok_or_else(|| format!("the path `{}` cannot be given to git", p.display()))?;
            Ok(format!(
                "\"{}\"",
                text.replace('\\', "\\\\").replace('"', "\\\"")
            ))
        };
        let config = format!(
            "[include]\n\tpath = {}\n\tpath = {}\n[core]\n\thooksPath = {}\n",
            quoted(&common.join("config"))?,
            quoted(&self.git_dir.join("config.worktree"))?,
            quoted(&dir.join("hooks"))?,
        );
        let made = std::fs::create_dir_all(dir.join("refs/tags"))
            .and_then(|()| std::fs::create_dir_all(dir.join("objects")))
            .and_then(|()| std::fs::write(dir.join("HEAD"), format!("ref: {branch}\n")))
            .and_then(|()| std::fs::write(dir.join("config"), config));
        made.map_err(|e| {
            format!(
                "cannot make a scratch folder in `{}` ({e})",
                self.git_dir.display()
            )
        })?;
        // git's settings for this repository, as they are here: a condition such as `includeIf
        // "gitdir:..."` (where a signing key is often set) is not met by the scratch folder.
        let mut settings = self.settings()?;
        settings.push((
            "core.hooksPath".to_string(),
            dir.join("hooks").to_string_lossy().into_owned(),
        ));
        self.git_cli(
            (dir, Some(&common.join("objects"))),
            &["tag", "-s", "-F", "-", name, &commit.to_string()],
            message,
            who,
            Some(&settings),
        )?;
        let made = std::fs::read_to_string(dir.join("refs/tags").join(name))
            .map_err(|_| "git made no tag".to_string())?;
        Oid::from_str(made.trim())
            .map_err(|_| format!("git made a tag that cannot be read: `{}`", made.trim()))
    }
}

impl Session {
    /// git's settings for this repository, every file, condition and `git -c` of the caller
    /// resolved as `git config --list` resolves them here: (key, value) in git's order, a key
    /// without a value being true.
    fn settings(&self) -> Result<Vec<(String, String)>, String> {
        let workdir = self.git.repo.workdir().unwrap_or(&self.git_dir);
        let out = Command::new("git")
            .args(["config", "--list", "-z"])
            .current_dir(workdir)
            .env("GIT_DIR", &self.git_dir)
            .env_remove("GIT_COMMON_DIR")
            .env_remove("GIT_WORK_TREE")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("the `git` program could not be run ({e})"))?;
        if !out.status.success() {
            return Err(format!(
                "git could not read its settings: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .split('\0')
            .filter(|entry| !entry.is_empty())
            .map(|entry| match entry.split_once('\n') {
                Some((key, value)) => (key.to_string(), value.to_string()),
                None => (entry.to_string(), "true".to_string()),
            })
            .collect())
    }
}

/// The start of the name of a scratch git folder in which a tag is signed.
const SCRATCH_PREFIX: &str = "sop-tag-";

fn index_entry(
    git_path: &str,
    blob: Oid,
    mode: FileMode,
    meta: &std::fs::Metadata,
) -> git2::IndexEntry {
    use std::os::unix::fs::MetadataExt as _;
    let time = |secs: i64, nanos: i64| {
        git2::IndexTime::new(
            i32::try_from(secs).unwrap_or(0),
            u32::try_from(nanos).unwrap_or(0),
        )
    };
    let path = git_path.as_bytes().to_vec();
    git2::IndexEntry {
        ctime: time(meta.ctime(), meta.ctime_nsec()),
        mtime: time(meta.mtime(), meta.mtime_nsec()),
        // Truncated to 32 bits, as git stores them.
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        mode: u32::from(mode),
        uid: meta.uid(),
        gid: meta.gid(),
        file_size: u32::try_from(meta.len()).unwrap_or(u32::MAX),
        id: blob,
        flags: u16::try_from(path.len()).unwrap_or(0xfff).min(0xfff),
        flags_extended: 0,
        path,
    }
}

/// The blob of the work-tree text `bytes` of `git_path`, as `git add` would store it: through
/// the filters git's settings and `.gitattributes` give that path (`core.autocrlf`, `eol`,
/// `text`: CRLF becomes LF, except in a file whose indexed version already has CR in it; the
/// `ident` keyword).
fn clean_blob(repo: &git2::Repository, git_path: &str, bytes: &[u8]) -> Result<Oid, git2::Error> {
    let mut writer = repo.blob_writer(Some(Path::new(git_path)))?;
    writer
        .write_all(bytes)
        .map_err(|e| git2::Error::from_str(&e.to_string()))?;
    writer.commit()
}

/// Replace `path` with `bytes` atomically, keeping its permissions; never through a link.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".sop-tmp-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(std::io::Error::other("the file is a symbolic link"));
        }
        Ok(meta) => std::fs::set_permissions(tmp.path(), meta.permissions())?,
        Err(_) => {}
    }
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// Whether the file name `name` is that of the SOP `id` (in `language`): a Markdown file whose
/// name is the id, or starts with it and a `-`.
fn names_sop(name: &str, id: &str, language: Option<&str>) -> bool {
    let stem = crate::repo::files::strip_markdown_extension(name);
    if stem.len() == name.len() {
        return false;
    }
    let (stem, lang) = match stem.rsplit_once('.') {
        Some((rest, lang)) if crate::repo::sop::is_language_tag(lang) => (rest, Some(lang)),
        _ => (stem, None),
    };
    lang == language && (stem == id || stem.strip_prefix(id).is_some_and(|r| r.starts_with('-')))
}
