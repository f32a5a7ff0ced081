//! Write a built [`Site`] to its output folder, safely.
//!
//! The files go to a temporary folder beside the target, which is then swapped in with renames,
//! so a reader never sees half a site and a failed build leaves the old one in place. The
//! output folder carries a marker file ([`MARKER`]); `sop` refuses to replace a non-empty folder
//! without it, so it never deletes a folder it did not create. Files are written from one thread.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use std::sync::mpsc;

use super::pages::Sink;
use super::{Site, SiteError};

/// The marker file in every folder `sop publish` writes.
pub const MARKER: &str = ".sop-site";

const MARKER_TEXT: &str = "This folder is written by `sop publish` and replaced as a whole on every publish.\nDo not keep your own files here.\n";

/// Check that `out` may be written: missing, empty, or marked as `sop`'s.
///
/// # Errors
/// [`SiteError::ForeignOutput`] for a non-empty folder without the marker (or a symbolic link),
/// [`SiteError::OutputIsFile`] for a file.
pub fn check_target(out: &Path) -> Result<(), SiteError> {
    let Ok(meta) = out.symlink_metadata() else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(SiteError::ForeignOutput {
            path: out.to_path_buf(),
        });
    }
    if !meta.is_dir() {
        return Err(SiteError::OutputIsFile {
            path: out.to_path_buf(),
        });
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(out).map_err(|source| SiteError::Read {
        path: out.to_path_buf(),
        source,
    })?;
    if entries.next().is_some() {
        return Err(SiteError::ForeignOutput {
            path: out.to_path_buf(),
        });
    }
    Ok(())
}

/// Write `site` (already in memory) into `out`, replacing what `sop` wrote there before.
///
/// # Errors
/// Those of [`publish`].
pub fn write(site: &Site, out: &Path) -> Result<(), SiteError> {
    publish(out, |sink| {
        for (path, bytes) in &site.files {
            sink(path.clone(), bytes.clone())?;
        }
        Ok(())
    })
}

/// Write the files `produce` hands to its sink into `out`, replacing what `sop` wrote there
/// before. One thread writes every file while `produce` renders (possibly in parallel); the
/// result is moved into place only when everything succeeded.
///
/// # Errors
/// Those of [`check_target`], whatever `produce` fails with, and [`SiteError::Write`] when a
/// file or folder cannot be written.
pub fn publish<T>(
    out: &Path,
    produce: impl FnOnce(&Sink<'_>) -> Result<T, SiteError>,
) -> Result<T, SiteError> {
    check_target(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(werr(&parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".sop-site-new-")
        .tempdir_in(&parent)
        .map_err(werr(&parent))?;
    let (tx, rx) = mpsc::sync_channel::<(String, Vec<u8>)>(128);
    let previous = out.join(MARKER).is_file().then_some(out);
    let result = std::thread::scope(|scope| {
        let dir = tmp.path();
        let writer = scope.spawn(move || write_all(dir, previous, rx));
        let sink = move |path: String, bytes: Vec<u8>| {
            tx.send((path, bytes)).map_err(|_| SiteError::Write {
                path: dir.to_path_buf(),
                source: std::io::Error::other("the file writer stopped"),
            })
        };
        let produced = produce(&sink);
        drop(sink);
        let written = writer.join().unwrap_or_else(|_| {
            Err(SiteError::Write {
                path: dir.to_path_buf(),
                source: std::io::Error::other("the file writer failed"),
            })
        });
        // A writer error explains a failed send better than the send error itself.
        written.and(produced)
    })?;
    let marker = tmp.path().join(MARKER);
    std::fs::write(&marker, MARKER_TEXT).map_err(werr(&marker))?;
    swap_in(tmp, out, &parent)?;
    Ok(result)
}

fn werr(path: &Path) -> impl FnOnce(std::io::Error) -> SiteError + use<> {
    let path = path.to_path_buf();
    move |source| SiteError::Write { path, source }
}

/// Write every file received into `dir`, creating folders as needed. Files that did not change
/// since the last publish (`previous`) are hard-linked from it instead of written again:
/// creating many inodes right after deleting as many is the slowest part of a publish on ext4,
/// and the output is deterministic, so most files are unchanged.
fn write_all(
    dir: &Path,
    previous: Option<&Path>,
    rx: mpsc::Receiver<(String, Vec<u8>)>,
) -> Result<(), SiteError> {
    let mut made: BTreeSet<PathBuf> = BTreeSet::new();
    for (rel, bytes) in rx {
        if rel.split('/').any(|part| part.is_empty() || part == "..") {
            return Err(SiteError::Write {
                path: PathBuf::from(&rel),
                source: std::io::Error::other("not a relative path inside the site"),
            });
        }
        let path = dir.join(&rel);
        if let Some(folder) = path.parent()
            && !made.contains(folder)
        {
            std::fs::create_dir_all(folder).map_err(werr(folder))?;
            made.insert(folder.to_path_buf());
        }
        if let Some(prev) = previous
            && unchanged(&prev.join(&rel), &bytes)
            && std::fs::hard_link(prev.join(&rel), &path).is_ok()
        {
            continue;
        }
        std::fs::write(&path, &bytes).map_err(werr(&path))?;
    }
    Ok(())
}

/// Whether the regular file at `path` holds exactly `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    match path.symlink_metadata() {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Move the finished folder `new` to `out`; the old `out` is removed only after the new one is
/// in place. Where the system can, the two are exchanged in one step, so `out` never goes
/// missing, even for a moment.
fn swap_in(new: tempfile::TempDir, out: &Path, parent: &Path) -> Result<(), SiteError> {
    if out.symlink_metadata().is_err() {
        let new = new.keep();
        return std::fs::rename(&new, out).map_err(|e| {
            let _ = std::fs::remove_dir_all(&new);
            werr(out)(e)
        });
    }
    let new = new.keep();
    // `out` was checked before building; if it has since become anything but a folder, it is
    // not `sop`'s to move aside.
    if !out.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        let _ = std::fs::remove_dir_all(&new);
        return Err(SiteError::ForeignOutput {
            path: out.to_path_buf(),
        });
    }
    if exchange(&new, out) {
        // `new` now holds the old site.
        return std::fs::remove_dir_all(&new).map_err(werr(&new));
    }
    // Without an atomic exchange: the old site moves aside, then the new one in.
    // An empty folder to rename the old site onto (rename replaces an empty folder).
    let old = match tempfile::Builder::new()
        .prefix(".sop-site-old-")
        .tempdir_in(parent)
    {
        Ok(dir) => dir.keep(),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&new);
            return Err(werr(parent)(e));
        }
    };
    if let Err(e) = std::fs::rename(out, &old) {
        let _ = std::fs::remove_dir(&old);
        let _ = std::fs::remove_dir_all(&new);
        return Err(werr(out)(e));
    }
    if let Err(e) = std::fs::rename(&new, out) {
        // Put the old site back, so a failure changes nothing.
        let _ = std::fs::rename(&old, out);
        let _ = std::fs::remove_dir_all(&new);
        return Err(werr(out)(e));
    }
    std::fs::remove_dir_all(&old).map_err(werr(&old))
}

/// Swap the folders `a` and `b` in one step; `false` when the system or file system cannot
/// (then nothing changed).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Site {
        Site {
            files: files
                .iter()
                .map(|(p, t)| ((*p).to_string(), t.as_bytes().to_vec()))
                .collect(),
            ..Site::default()
        }
    }

    #[test]
    fn writes_marks_and_replaces_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write(&site(&[("index.html", "one"), ("a/b/c.html", "c")]), &out).unwrap();
        assert!(out.join(MARKER).is_file());
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/c.html")).unwrap(),
            "c"
        );
        write(&site(&[("index.html", "two"), ("a/b/c.html", "c")]), &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/c.html")).unwrap(),
            "c"
        );
        write(&site(&[("index.html", "two")]), &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("a").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary folders left behind");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn folders_are_exchanged_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("f"), "in a").unwrap();
        std::fs::write(b.join("f"), "in b").unwrap();
        assert!(exchange(&a, &b));
        assert_eq!(std::fs::read_to_string(a.join("f")).unwrap(), "in b");
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "in a");
        assert!(!exchange(&a, &dir.path().join("missing")));
    }

    #[test]
    fn refuses_a_foreign_folder_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "keep").unwrap();
        let err = write(&site(&[("index.html", "x")]), &out).unwrap_err();
        assert!(matches!(err, SiteError::ForeignOutput { .. }));
        assert_eq!(
            std::fs::read_to_string(out.join("mine.txt")).unwrap(),
            "keep"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
