//! Temporary files and folders `sop` makes while it writes, and how a later run recognises and
//! removes the ones a killed run left behind.
//!
//! Every temporary name is `<prefix><pid>-<random>`: the prefix says what it is (see
//! [`SOP_TMP`], [`SITE_NEW`], [`SITE_OLD`]) and the process id who made it, so a later run can
//! tell a leftover (its process is gone) from the work of a run still going. Only names with
//! these prefixes are ever removed. This module depends on nothing else in `sop`.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// Prefix of the temporary file an atomic write renames over its target (`sops/…/.sop-tmp-…`).
pub const SOP_TMP: &str = ".sop-tmp-";
/// Prefix of the folder a new site is built in, beside the output folder.
pub const SITE_NEW: &str = ".sop-site-new-";
/// Prefix of the folder the old site is moved to while the new one takes its place.
pub const SITE_OLD: &str = ".sop-site-old-";

/// How old a leftover of a process that may still be running must be before it is removed,
/// when the system cannot say whether that process is alive.
const UNKNOWN_PROCESS_AGE: Duration = Duration::from_secs(60 * 60);

/// How old a leftover must be before it is removed although a process with its id runs (the
/// id was reused by an unrelated process after a crash).
const REUSED_ID_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The prefix for a temporary name made by this process: `<kind><pid>-`.
pub fn prefix(kind: &str) -> String {
    format!("{kind}{}-", std::process::id())
}

/// Whether `name` (a file or folder name) is a temporary of kind `kind` that a run no longer
/// going left behind; `path` is read for its age.
pub fn is_stale(kind: &str, name: &str, path: &Path) -> bool {
    let Some(rest) = name.strip_prefix(kind) else {
        return false;
    };
    let Ok(meta) = path.symlink_metadata() else {
        return false;
    };
    let age = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .unwrap_or_default();
    let pid = rest
        .split_once('-')
        .and_then(|(pid, _)| pid.parse::<u32>().ok());
    match pid.map(alive) {
        // Our own temporaries are never stale.
        _ if pid == Some(std::process::id()) => false,
        Some(Some(false)) => true,
        Some(Some(true)) => age > REUSED_ID_AGE,
        // A name from an older `sop` (no process id), or a system that cannot tell.
        Some(None) | None => age > UNKNOWN_PROCESS_AGE,
    }
}

/// Whether the process `pid` runs; `None` when the system cannot tell.
fn alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if cfg!(target_os = "linux") && proc.join("self").exists() {
        Some(proc.join(pid.to_string()).exists())
    } else {
        None
    }
}

/// Remove the stale temporary files of kind [`SOP_TMP`] in `dir` (not its subfolders). Errors
/// are ignored: a leftover that cannot be removed now is tried again next time.
pub fn remove_stale_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let path = entry.path();
        let is_file = path.symlink_metadata().is_ok_and(|m| m.is_file());
        if is_file && is_stale(SOP_TMP, name, &path) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// 32 hexadecimal digits from the system's random source (falling back to a keyed hash of
/// the time and process id, which is unpredictable to anyone else too).
pub fn random_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !from_os {
        use std::hash::{BuildHasher, Hasher};
        for half in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos(),
            );
            h.write_u32(std::process::id());
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_of_gone_processes_are_stale() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join(format!("{}abc", prefix(SOP_TMP)));
        // Process ids are below 2^22 on Linux: this one runs nowhere.
        let gone = dir.path().join(".sop-tmp-4294967-abc");
        let foreign = dir.path().join("notes.md");
        for p in [&mine, &gone, &foreign] {
            std::fs::write(p, "x").unwrap();
        }
        remove_stale_files(dir.path());
        assert!(mine.exists(), "a running process keeps its temporary");
        assert!(foreign.exists(), "other files are never touched");
        if alive(1).is_some() {
            assert!(!gone.exists(), "a dead process's temporary goes");
        }
        assert_eq!(random_token().len(), 32);
        assert_ne!(random_token(), random_token());
    }
}
