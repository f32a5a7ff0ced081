//! Which files are SOPs: git's index plus the untracked files git does not ignore (without git:
//! every file whose name is not hidden), under the SOP folder, that `[sops]` names as SOPs
//! (`files.rs`). Ignore files never hide a
//! tracked SOP. A symbolic link whose real location leaves the repository root or enters a
//! `.git` folder is never read or entered: it becomes a [`BrokenFile`] with
//! [`FileProblem::OutsideRepository`]; links inside the repository are followed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{BrokenFile, FileProblem, Repo, io_reason, is_link_loop, relative};

/// The SOP files under `dir` (a folder of `repo`), sorted, and the entries that could not be
/// walked or lead out of the repository.
pub(super) fn walk_dir(repo: &Repo, dir: &Path) -> (Vec<PathBuf>, Vec<BrokenFile>) {
    let root = std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone());
    // The folder itself may be a link that leaves the repository: then nothing in it is read.
    if let Some(problem) = escape(&root, dir) {
        return (
            Vec::new(),
            vec![BrokenFile {
                path: repo.relative(dir),
                problem,
            }],
        );
    }
    let mut files = Vec::new();
    let mut broken = Vec::new();
    // Links that leave the repository are cut from the walk before it reads or enters them;
    // the filter runs inside the walker, so it hands them over through this list.
    let outside: Arc<Mutex<Vec<(PathBuf, FileProblem)>>> = Arc::default();
    let seen_outside = Arc::clone(&outside);
    let filter_root = root.clone();
    let repo_root = repo.root.clone();
    let rules = repo.settings.files.clone();
    let walker = ignore::WalkBuilder::new(dir)
        .follow_links(true)
        .hidden(true)
        // Only git's own ignore rules (`.gitignore`, `.git/info/exclude`, the global
        // excludes file) hide untracked files; tracked SOPs are added back below.
        .ignore(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            if !e.path_is_symlink() {
                return true;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let leads_out = escape(&filter_root, e.path());
            if left_out(&repo_root, &rules, e.path(), is_dir, leads_out.is_some()) {
                // Not an SOP (an image, say, or a file `exclude` leaves out): never read
                // here, and attachments are checked where they are linked.
                return false;
            }
            match leads_out {
                None => true,
                Some(problem) => {
                    lock(&seen_outside).push((e.path().to_path_buf(), problem));
                    false
                }
            }
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| !t.is_dir());
                if is_file && is_sop_file(repo, e.path()) {
                    files.push(e.into_path());
                }
            }
            Err(err) => {
                let b = walk_error(repo, &err);
                // A link to nowhere (or a loop) that `exclude` leaves out is left out, as a
                // file would be.
                if !excluded(&repo.settings.files, &b.path) {
                    broken.push(b);
                }
            }
        }
    }
    broken.extend(
        std::mem::take(&mut *lock(&outside))
            .into_iter()
            .map(|(path, problem)| BrokenFile {
                path: repo.relative(&path),
                problem,
            }),
    );
    if let Some(tracked) = &repo.tracked {
        add_tracked(repo, &root, dir, tracked, &mut files, &mut broken);
    }
    files.sort();
    files.dedup();
    (files, broken)
}

/// Add the SOP files git tracks under `dir` that the walk did not see (an ignore file hid them,
/// or their name is hidden): ignore files never hide a tracked SOP.
fn add_tracked(
    repo: &Repo,
    root: &Path,
    dir: &Path,
    tracked: &[PathBuf],
    files: &mut Vec<PathBuf>,
    broken: &mut Vec<BrokenFile>,
) {
    let Ok(under) = dir.strip_prefix(&repo.root) else {
        return;
    };
    let seen: std::collections::HashSet<PathBuf> = files.iter().cloned().collect();
    let reported: std::collections::HashSet<String> =
        broken.iter().map(|b| b.path.clone()).collect();
    for rel in tracked {
        if !rel.starts_with(under) || !is_sop_file(repo, &repo.root.join(rel)) {
            continue;
        }
        let path = repo.root.join(rel);
        if seen.contains(&path) || reported.contains(&repo.relative(&path)) {
            continue;
        }
        // Deleted in the work tree: nothing to check.
        let Ok(meta) = path.symlink_metadata() else {
            continue;
        };
        if let Some(problem) = escape(root, &path) {
            broken.push(BrokenFile {
                path: repo.relative(&path),
                problem,
            });
        } else if meta.file_type().is_symlink() && std::fs::metadata(&path).is_err() {
            broken.push(BrokenFile {
                path: repo.relative(&path),
                problem: FileProblem::DanglingLink,
            });
        } else {
            files.push(path);
        }
    }
}

/// The list behind a mutex, even when another thread panicked while holding it (the list of
/// paths is still whole).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why `path` must not be read: its real location (after every symbolic link) is outside the
/// repository root `root` (which must be canonical) or inside a `.git` folder. `None` when it
/// stays inside, or when it cannot be resolved (the reader then reports why).
pub fn escape(root: &Path, path: &Path) -> Option<FileProblem> {
    let real = std::fs::canonicalize(path).ok()?;
    let target = || {
        std::fs::read_link(path)
            .unwrap_or_else(|_| real.clone())
            .to_string_lossy()
            .into_owned()
    };
    match real.strip_prefix(root) {
        Err(_) => Some(FileProblem::OutsideRepository {
            target: target(),
            into_git: false,
        }),
        Ok(rel) if rel.components().any(|c| c.as_os_str() == ".git") => {
            Some(FileProblem::OutsideRepository {
                target: target(),
                into_git: true,
            })
        }
        Ok(_) => None,
    }
}

/// Whether `path` (under the repository root) is an SOP file by `[sops]`'s rules. A name that
/// is not UTF-8 is one when its extension is, so that it is reported, not skipped.
fn is_sop_file(repo: &Repo, path: &Path) -> bool {
    is_sop_path(&repo.root, &repo.settings.files, path)
}

/// [`is_sop_file`] for the repository at `root` with the rules `rules`.
fn is_sop_path(root: &Path, rules: &super::files::FileRules, path: &Path) -> bool {
    if path.to_str().is_none() {
        return has_sop_extension(rules, path);
    }
    rules.is_sop(&relative(root, path))
}

/// Whether `[sops]` leaves out the entry at `path` (under the repository root `root`), a
/// folder when `is_dir`: a file that is not an SOP, or a folder `exclude` leaves out whole.
/// Links are judged by their own path, exactly as files: that is how `exclude` can leave out
/// a link that leads out of the repository. Such a link to a folder is never read through, so
/// `include` cannot bring anything in it back: `exclude` alone decides.
fn left_out(
    root: &Path,
    rules: &super::files::FileRules,
    path: &Path,
    is_dir: bool,
    leads_out: bool,
) -> bool {
    if is_dir {
        let rel = relative(root, path);
        path.to_str().is_some()
            && (rules.excludes_folder(&rel) || leads_out && rules.exclude_selects_folder(&rel))
    } else {
        !is_sop_path(root, rules, path)
    }
}

/// Whether `[sops] exclude` leaves out the entry at `rel` (relative to the repository root),
/// file or folder: for an entry the walk could not look into, whose kind is unknown.
fn excluded(rules: &super::files::FileRules, rel: &str) -> bool {
    matches!(
        rules.left_out(rel),
        Some(super::files::LeftOut::Excluded { .. })
    ) || rules.exclude_selects_folder(rel)
}

/// Whether the name of `path` ends in one of the SOP extensions.
fn has_sop_extension(rules: &super::files::FileRules, path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| rules.has_extension(&n.to_string_lossy()))
}

fn walk_error(repo: &Repo, err: &ignore::Error) -> BrokenFile {
    fn path_of(err: &ignore::Error) -> Option<PathBuf> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path.clone()),
            ignore::Error::Loop { child, .. } => Some(child.clone()),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Partial(errs) => errs.iter().find_map(path_of),
            _ => None,
        }
    }
    fn is_loop(err: &ignore::Error) -> bool {
        match err {
            ignore::Error::Loop { .. } => true,
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
            _ => false,
        }
    }
    let path = path_of(err).unwrap_or_else(|| repo.sops_dir());
    let problem = if is_loop(err) || err.io_error().is_some_and(is_link_loop) {
        FileProblem::SymlinkLoop
    } else if err
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
    {
        FileProblem::DanglingLink
    } else {
        FileProblem::Unreadable(err.io_error().map_or_else(|| err.to_string(), io_reason))
    };
    BrokenFile {
        path: repo.relative(&path),
        problem,
    }
}
