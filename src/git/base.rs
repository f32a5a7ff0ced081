//! What changed in the SOP folder since a base revision: the data of `sop lint --base <REV>`.
//!
//! One tree diff, restricted to the SOP folder, between the merge base of `HEAD` and `REV`
//! and the work tree (with the index, untracked files included) or `HEAD`, with git's rename
//! detection. For each changed SOP file it gives the path now and at the base, the base's
//! `id`, `version` and `status` (read from the old blob's front matter), whether the content
//! changed (line endings and encoding aside: [`encoding::same_bytes`]), and whether the file
//! was deleted.

use std::path::Path;

use git2::{Delta, DiffFindOptions, DiffOptions};
use serde::Serialize;

use super::history::front_matter_text;
use super::{GitError, Repo};
use crate::repo::{Settings, encoding};

/// What the base is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The files on disk (staged or not, untracked included): what a writer is about to push.
    WorkTree,
    /// The commit at `HEAD`: what CI checks out.
    Head,
}

/// One SOP file that differs from the base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseChange {
    /// The path now, relative to the SOP root; `None` when the file was deleted.
    pub path: Option<String>,
    /// The path at the base; `None` when the file is new.
    pub base_path: Option<String>,
    /// `id` in the base's front matter.
    pub base_id: Option<String>,
    /// `version` in the base's front matter, as written.
    pub base_version: Option<String>,
    /// `status` in the base's front matter, as written.
    pub base_status: Option<String>,
    /// For a translation, `approvers` in the base's front matter (empty when none).
    pub base_approvers: Vec<String>,
    /// Whether the text differs (false for a pure rename or move, and for a file whose line
    /// endings or encoding alone changed).
    pub content_changed: bool,
    /// Whether the text changed only in its review dates (`last_reviewed`, `next_review`, under
    /// the team's names): what `sop review` records, which needs no new version.
    pub review_only: bool,
    /// Whether the file is gone.
    pub deleted: bool,
    /// For a deleted file that git paired with a renamed one whose `id` differs: that file's
    /// path now. Either two SOPs from one template, or one SOP whose id was changed; lint
    /// tells them apart by whether the old id still exists.
    pub renamed_to: Option<String>,
    /// Whether the file is a translation (`.es.md`): it follows its source's versions and
    /// releases, so only its approval is checked.
    pub translation: bool,
}

impl Repo {
    /// The names of the repository's remotes (`origin`, ...), for advice that names one.
    pub fn remote_names(&self) -> Vec<String> {
        self.repo.remotes().map_or_else(
            |_| Vec::new(),
            |names| {
                names
                    .iter()
                    .flatten()
                    .flatten()
                    .map(str::to_string)
                    .collect()
            },
        )
    }

    /// The commit `rev` and `HEAD` have in common, as a full id: where a pull request started.
    ///
    /// # Errors
    /// [`GitError::UnknownRevision`] when `rev` names nothing; a read error otherwise.
    pub fn merge_base(&self, rev: &str) -> Result<String, GitError> {
        Ok(base_commit(self, rev)?.to_string())
    }

    /// Every SOP file that differs between the merge base of `HEAD` and `rev` and `against`, sorted
    /// by path (now, else at the base), translations marked. Files outside the SOP folder are
    /// never read; READMEs are left out like everywhere else.
    ///
    /// # Errors
    /// [`GitError::UnknownRevision`] when `rev` names nothing (in CI: fetch it first, e.g.
    /// `git fetch origin main`); [`GitError::UnrelatedHistory`] when it shares no commit with
    /// `HEAD`; a read error when the repository cannot be read.
    pub fn changes_since(
        &self,
        settings: &Settings,
        rev: &str,
        against: Against,
    ) -> Result<Vec<BaseChange>, GitError> {
        let git = self;
        let repo = &git.repo;
        let base = base_commit(git, rev)?;
        let what = format!("the changes since `{rev}`");
        let base_tree = repo
            .find_commit(base)
            .and_then(|c| c.tree())
            .map_err(GitError::read(&what))?;
        let sops = git.git_path(settings.sops_dir());
        let mut opts = DiffOptions::new();
        opts.pathspec(&sops);
        let mut diff = match against {
            Against::WorkTree => {
                opts.include_untracked(true).recurse_untracked_dirs(true);
                repo.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))
            }
            Against::Head => {
                let head = repo
                    .head()
                    .and_then(|h| h.peel_to_tree())
                    .map_err(GitError::read("the tree at HEAD"))?;
                repo.diff_tree_to_tree(Some(&base_tree), Some(&head), Some(&mut opts))
            }
        }
        .map_err(GitError::read(&what))?;
        let mut find = DiffFindOptions::new();
        find.renames(true).for_untracked(true);
        diff.find_similar(Some(&mut find))
            .map_err(GitError::read(&what))?;

        let head_tree = repo.head().and_then(|h| h.peel_to_tree()).ok();
        let root = git.sop_root();
        let real_root = std::fs::canonicalize(&root).unwrap_or(root);
        let new_bytes = |git_path: &str| -> Option<Vec<u8>> {
            match against {
                Against::WorkTree => {
                    let workdir = repo.workdir()?;
                    let path = workdir.join(git_path);
                    // A link that leaves the repository is never read (lint reports it).
                    if crate::repo::escape(&real_root, &path).is_some() {
                        return None;
                    }
                    std::fs::read(path).ok()
                }
                Against::Head => {
                    let entry = head_tree.as_ref()?.get_path(Path::new(git_path)).ok()?;
                    Some(repo.find_blob(entry.id()).ok()?.content().to_vec())
                }
            }
        };
        let path_of = |f: git2::DiffFile<'_>| -> Option<String> {
            f.path_bytes()
                .map(|p| String::from_utf8_lossy(p).into_owned())
        };
        let mut out = Vec::new();
        for delta in diff.deltas() {
            let status = delta.status();
            let (old, new) = match status {
                Delta::Added | Delta::Untracked => (None, path_of(delta.new_file())),
                Delta::Deleted => (path_of(delta.old_file()), None),
                Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange => {
                    (path_of(delta.old_file()), path_of(delta.new_file()))
                }
                _ => continue,
            };
            let is_sop = |p: &Option<String>| {
                p.as_deref()
                    .is_some_and(|p| settings.files.is_sop(git.sop_path(p)))
            };
            if !is_sop(&old) && !is_sop(&new) {
                continue;
            }
            let translation = new.as_deref().or(old.as_deref()).is_some_and(|p| {
                let name = p.rsplit('/').next().unwrap_or(p);
                crate::repo::sop::FileName::parse(name, &settings.ids)
                    .language
                    .is_some()
            });
            let old_bytes = old.as_ref().and_then(|_| {
                let id = delta.old_file().id();
                repo.find_blob(id).ok().map(|b| b.content().to_vec())
            });
            let old_text = old_bytes.as_deref().and_then(encoding::read_text);
            let field = |key: &str| {
                old_text
                    .as_deref()
                    .and_then(|t| front_matter_text(t, key, &settings.keys))
            };
            let now = new.as_deref().and_then(new_bytes);
            let now_text = now.as_deref().and_then(encoding::read_text);
            // New line endings or a new encoding alone are no change of content.
            let content_changed = match (&old_bytes, &now) {
                (Some(old), Some(now)) => !encoding::same_bytes(old, now),
                _ => true,
            };
            let review_only = content_changed
                && match (&old_text, &now_text) {
                    (Some(old), Some(now)) => {
                        crate::repo::front_matter::same_but_review_dates(old, now, &settings.keys)
                    }
                    _ => false,
                };
            let base = BaseChange {
                path: new.as_deref().map(|p| git.sop_path(p).to_string()),
                base_path: old.as_deref().map(|p| git.sop_path(p).to_string()),
                base_id: field("id"),
                base_version: field("version"),
                base_status: field("status"),
                base_approvers: match (&old_text, &old) {
                    (Some(text), Some(path)) if translation => {
                        crate::repo::Sop::parse_in(path.clone(), text.to_string(), settings)
                            .meta
                            .approvers
                            .map(|a| a.value.into_iter().map(|n| n.value).collect())
                            .unwrap_or_default()
                    }
                    _ => Vec::new(),
                },
                content_changed,
                review_only,
                deleted: new.is_none(),
                renamed_to: None,
                translation,
            };
            // An SOP is its id: git pairs similar files (two SOPs from one template) as a rename,
            // but a different id on each side is one SOP removed and another added.
            let new_id = now_text
                .as_deref()
                .and_then(|t| front_matter_text(t, "id", &settings.keys));
            if status == Delta::Renamed
                && let (Some(a), Some(b)) = (&base.base_id, &new_id)
                && a != b
            {
                out.push(BaseChange {
                    path: None,
                    content_changed: true,
                    review_only: false,
                    deleted: true,
                    renamed_to: base.path.clone(),
                    ..base.clone()
                });
                out.push(BaseChange {
                    path: base.path,
                    base_path: None,
                    base_id: None,
                    base_version: None,
                    base_status: None,
                    base_approvers: Vec::new(),
                    content_changed: true,
                    review_only: false,
                    deleted: false,
                    renamed_to: None,
                    translation,
                });
                continue;
            }
            if !base.content_changed && old == new {
                continue;
            }
            out.push(base);
        }
        out.sort_by(|a, b| {
            let key = |c: &BaseChange| c.path.clone().or_else(|| c.base_path.clone());
            key(a).cmp(&key(b))
        });
        Ok(out)
    }
}

/// An SOP as the base revision itself has it, where the base changed it since this branch
/// started from it: another pull request merged there in the meantime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedAtBase {
    /// Its `id`.
    pub id: String,
    /// Its `version` there, as written.
    pub version: Option<String>,
    /// Its `status` there, as written.
    pub status: Option<String>,
    /// The release tag of that version, when it exists here.
    pub tag: Option<String>,
    /// Whether the base has the commit of that tag (else it is another release of the same
    /// version, made on this branch).
    pub tag_on_base: bool,
}

impl Repo {
    /// The SOPs (by id) that `rev` itself changed or added since its merge base with `HEAD`, as
    /// `rev` has them; empty when `rev` is where this branch started (or is in its history),
    /// the usual case. A pull request that changes one of them must go above the version there,
    /// not only above the one it started from.
    ///
    /// # Errors
    /// As [`Repo::changes_since`].
    pub fn changed_at_base(
        &self,
        settings: &Settings,
        rev: &str,
    ) -> Result<Vec<ChangedAtBase>, GitError> {
        let git = self;
        let repo = &git.repo;
        let base = base_commit(git, rev)?;
        let target = rev_commit(git, rev)?;
        if base == target {
            return Ok(Vec::new());
        }
        let what = format!("the changes on `{rev}`");
        let tree_of = |oid| {
            repo.find_commit(oid)
                .and_then(|c| c.tree())
                .map_err(GitError::read(&what))
        };
        let (base_tree, rev_tree) = (tree_of(base)?, tree_of(target)?);
        let mut opts = DiffOptions::new();
        opts.pathspec(git.git_path(settings.sops_dir()));
        let diff = repo
            .diff_tree_to_tree(Some(&base_tree), Some(&rev_tree), Some(&mut opts))
            .map_err(GitError::read(&what))?;
        let mut out = Vec::new();
        for delta in diff.deltas() {
            if !matches!(
                delta.status(),
                Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
            ) {
                continue;
            }
            let file = delta.new_file();
            let Some(path) = file.path_bytes().map(String::from_utf8_lossy) else {
                continue;
            };
            if !settings.files.is_sop(git.sop_path(&path)) {
                continue;
            }
            let Some(text) = repo
                .find_blob(file.id())
                .ok()
                .and_then(|b| encoding::read_text(b.content()).map(|t| t.to_string()))
            else {
                continue;
            };
            let field = |key: &str| front_matter_text(&text, key, &settings.keys);
            let Some(id) = field("id") else {
                continue;
            };
            let version = field("version");
            // The release tag of that version, named in the finding.
            let tagged = version.as_deref().and_then(|v| {
                let tag = settings.tag_name(&id, v.trim());
                let commit = repo
                    .find_reference(&format!("refs/tags/{tag}"))
                    .and_then(|r| r.peel_to_commit())
                    .ok()?;
                Some((tag, git.reaches(target, commit.id())))
            });
            out.push(ChangedAtBase {
                version,
                status: field("status"),
                tag_on_base: tagged.as_ref().is_some_and(|(_, on)| *on),
                tag: tagged.map(|(tag, _)| tag),
                id,
            });
        }
        Ok(out)
    }
}

/// The commit `rev` names.
fn rev_commit(git: &Repo, rev: &str) -> Result<git2::Oid, GitError> {
    git.repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|_| GitError::UnknownRevision {
            rev: rev.to_string(),
        })
}

/// The merge base of `HEAD` and `rev` (`rev` itself when `HEAD` has no commit).
fn base_commit(git: &Repo, rev: &str) -> Result<git2::Oid, GitError> {
    let repo = &git.repo;
    let target = rev_commit(git, rev)?;
    let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(target);
    };
    repo.merge_base(head.id(), target).map_err(|e| {
        // Both commits are here (read above) and git found no common one (a missing object
        // would be an object-database error): unrelated histories.
        if e.code() == git2::ErrorCode::NotFound && e.class() == git2::ErrorClass::Merge {
            GitError::UnrelatedHistory {
                rev: rev.to_string(),
            }
        } else {
            GitError::read(format!("the common ancestor of HEAD and `{rev}`"))(e)
        }
    })
}

/// The command that fetches the base revision `rev` when it is missing, for advice: for a
/// remote-tracking branch (`origin/main`, `refs/remotes/upstream/release/2`) the remote and its
/// branch (`git fetch origin main`). `remotes` are the repository's remote names; `origin`,
/// the one `actions/checkout` sets up, counts as a remote even when none is configured.
/// `None` when `rev` names no remote's branch (a local branch, a tag, a commit).
pub fn fetch_command(rev: &str, remotes: &[String]) -> Option<String> {
    let short = rev.strip_prefix("refs/remotes/").unwrap_or(rev);
    // The longest remote name that prefixes `rev`: remote names may hold `/` themselves.
    let remote = remotes
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("origin"))
        .filter(|r| {
            short
                .strip_prefix(r)
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
        })
        .max_by_key(|r| r.len())?;
    let branch = &short[remote.len() + 1..];
    Some(format!("git fetch {remote} {branch}"))
}

#[cfg(test)]
mod tests {
    use super::fetch_command;

    #[test]
    fn fetch_command_names_the_remote_and_branch_of_the_base() {
        let remotes = ["origin".to_string(), "team/upstream".to_string()];
        let fetch = |rev| fetch_command(rev, &remotes);
        assert_eq!(
            fetch("origin/nope").as_deref(),
            Some("git fetch origin nope")
        );
        assert_eq!(
            fetch("origin/release/2.x").as_deref(),
            Some("git fetch origin release/2.x")
        );
        assert_eq!(
            fetch("refs/remotes/origin/main").as_deref(),
            Some("git fetch origin main")
        );
        assert_eq!(
            fetch("team/upstream/main").as_deref(),
            Some("git fetch team/upstream main")
        );
        // Without any remote configured, `origin` is still the one CI checks out from.
        assert_eq!(
            fetch_command("origin/dev", &[]).as_deref(),
            Some("git fetch origin dev")
        );
        // A local branch, a tag or a commit names no remote.
        assert_eq!(fetch("main"), None);
        assert_eq!(fetch("feature/x"), None);
        assert_eq!(fetch("origin/"), None);
        assert_eq!(fetch("v1.2.0"), None);
    }
}
