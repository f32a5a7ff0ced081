//! Atomic file writes: the text goes to a temporary file in the target's folder, which is then
//! renamed over (or linked to) the target, so a reader never sees half a file and a crash never
//! leaves one. New files get the usual permissions (`0666` less the umask); a replaced file keeps
//! its own. Nothing is ever written through a symbolic link: [`refuse_symlink`] says why.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// Why `sop` will not write a file: it is a symbolic link, and writing through it would change
/// the file it points to (perhaps outside the repository) and turn the link into a file.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{}` is a symbolic link to `{}`, and sop never writes through a link, so nothing was changed",
    path.display(),
    target.display()
)]
pub struct LinkRefused {
    /// The link.
    pub path: PathBuf,
    /// Where it points, as written in the link.
    pub target: PathBuf,
}

impl LinkRefused {
    /// How to fix it, for the `help:` line.
    pub fn help(&self) -> String {
        format!(
            "replace the link by the file itself (`cp --remove-destination \"$(readlink -f {0})\" {0}`), then run the command again",
            self.path.display()
        )
    }
}

/// Refuse to write `path` when it is a symbolic link. Every writer of an existing SOP (`lint
/// --fix`, `release`, `review`) calls this, through [`replace`] or before it.
///
/// # Errors
/// [`LinkRefused`] naming the link and where it points.
pub fn refuse_symlink(path: &Path) -> Result<(), LinkRefused> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(LinkRefused {
            path: path.to_path_buf(),
            target: std::fs::read_link(path).unwrap_or_default(),
        }),
        _ => Ok(()),
    }
}

/// Replace `path` with `bytes`, atomically; keeps the old file's permissions. A symbolic link
/// is refused, never written through ([`refuse_symlink`]).
///
/// # Errors
/// When `path` is a symbolic link (the [`LinkRefused`] is the error's inner error), or the file
/// cannot be written or renamed.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    refuse_symlink(path).map_err(io::Error::other)?;
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
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // tempfile makes files only their owner can read (0600); a new SOP or `sop.toml` gets the
    // permissions any editor would give it: 0666 less the umask, which the system applies.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
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
