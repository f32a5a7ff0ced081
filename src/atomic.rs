//! Atomic file writes: the text goes to a temporary file in the target's folder, which is then
//! renamed over (or linked to) the target, so a reader never sees half a file and a crash never
//! leaves one.

use std::io::{self, Write};
use std::path::Path;

/// What [`create_new`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// The file was written.
    Written,
    /// A file was already there; it was left untouched.
    Exists,
}

/// Write `bytes` to `path` only if nothing is there yet, atomically. Creates missing folders.
///
/// # Errors
/// When the folder cannot be created or the file cannot be written.
pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<Created> {
    if path.symlink_metadata().is_ok() {
        return Ok(Created::Exists);
    }
    let tmp = temp_beside(path, bytes)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(Created::Written),
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Ok(Created::Exists),
        Err(e) => Err(e.error),
    }
}

/// Replace `path` with `bytes`, atomically; keeps the old file's permissions.
///
/// # Errors
/// When the file cannot be written or renamed.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // Write through a symbolic link to the file it points to, not over the link.
    let resolved = std::fs::canonicalize(path).ok();
    let path = resolved.as_deref().unwrap_or(path);
    let tmp = temp_beside(path, bytes)?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

fn temp_beside(path: &Path, bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // A run killed between writing and renaming leaves its temporary here: remove those first.
    crate::leftovers::remove_stale_files(dir);
    let prefix = crate::leftovers::prefix(crate::leftovers::SOP_TMP);
    let mut tmp = tempfile::Builder::new().prefix(&prefix).tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.md");
        assert_eq!(create_new(&p, b"one").unwrap(), Created::Written);
        assert_eq!(create_new(&p, b"two").unwrap(), Created::Exists);
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        replace(&p, b"three").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        let leftovers = std::fs::read_dir(dir.path().join("a")).unwrap().count();
        assert_eq!(leftovers, 1);
    }
}
