//! The SOP repository: find its root, read `sop.toml`, and load every SOP under `sops/`.
//!
//! Loading reads each file once, in parallel. A file that cannot be an SOP (binary, UTF-16 or
//! otherwise not UTF-8, too large, empty, a symlink loop, a link that leaves the repository)
//! becomes a [`BrokenFile`] naming the file and the problem; the others still load. Which files
//! are SOPs is decided in `files.rs` (by name) and `walk.rs` (what git sees); how text is stored
//! (encodings, line endings) in `encoding.rs`. This module depends on no other part of the
//! crate: lint, git and the site build on it.

pub mod anchors;
pub mod config;
pub mod dates;
pub mod edit;
pub mod elements;
pub mod encoding;
pub mod files;
pub mod front_matter;
pub mod html;
pub mod ids;
pub mod keys;
pub mod links;
pub mod markdown;
pub mod mdx;
pub mod mkdocs;
pub mod shortcodes;
pub mod sop;
pub mod source;
pub mod toml_check;
mod walk;
pub mod wiki;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use config::{ConfigError, Settings, SopType};
pub use sop::{Glance, NoReviewDate, Sop, Status};
pub use source::{SourceFile, Span};
pub use walk::escape;
use walk::walk_dir;

/// Files larger than this are not read as SOPs.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Why the repository could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// Neither `sop.toml` nor a git work tree above the start folder.
    #[error(
        "no SOP repository at `{}`: neither it nor a parent folder has a `sop.toml` or is in a git repository with a `sops/` folder",
        start.display()
    )]
    NotFound {
        /// Where the search started.
        start: PathBuf,
        /// The git repository found on the way, which has neither `sop.toml` nor `sops/`.
        git: Option<PathBuf>,
    },
    /// The start folder does not exist.
    #[error("cannot open folder `{}`", path.display())]
    Start {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `sop.toml` is not valid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// An SOP repository: its root folder and its settings.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The root folder (absolute).
    pub root: PathBuf,
    /// `sop.toml` with defaults and types resolved.
    pub settings: Settings,
    /// The files git tracks (paths relative to `root`), when the repository is in git: the
    /// walk adds the tracked SOPs that ignore files would hide. `None`: no git, or not asked.
    pub tracked: Option<Arc<Vec<PathBuf>>>,
}

impl Repo {
    /// Find the repository from `start`: the nearest folder with `sop.toml`, else the git
    /// work tree's root. `config` overrides which configuration file is read.
    ///
    /// # Errors
    /// [`RepoError::NotFound`] when there is no repository, [`RepoError::Config`] when the
    /// configuration is invalid.
    pub fn open(start: &Path, config: Option<&Path>) -> Result<Repo, RepoError> {
        let start = std::fs::canonicalize(start).map_err(|source| RepoError::Start {
            path: start.to_path_buf(),
            source,
        })?;
        let git = ancestor_with(&start, ".git");
        // A git repository is taken for an SOP repository without `sop.toml` only when it has
        // a `sops/` folder (or a configuration is given): any other would get a `site/` folder
        // it does not ignore.
        let git_root = git
            .clone()
            .filter(|dir| config.is_some() || dir.join("sops").is_dir());
        let root = ancestor_with(&start, config::FILE_NAME)
            .or(git_root)
            .or_else(|| {
                config
                    .and_then(|c| std::fs::canonicalize(c).ok())
                    .and_then(|c| c.parent().map(Path::to_path_buf))
            });
        let Some(root) = root else {
            return Err(RepoError::NotFound { start, git });
        };
        Repo::at(root, config)
    }

    /// Open the repository whose root is `root`.
    ///
    /// # Errors
    /// [`RepoError::Config`] when the configuration is invalid.
    pub fn at(root: PathBuf, config: Option<&Path>) -> Result<Repo, RepoError> {
        let default_config = root.join(config::FILE_NAME);
        let config_path = match config {
            Some(c) => Some(c.to_path_buf()),
            None => default_config.is_file().then_some(default_config),
        };
        let settings = Settings::load(config_path.as_deref())?;
        Ok(Repo {
            root,
            settings,
            tracked: None,
        })
    }

    /// The SOP folder (absolute).
    pub fn sops_dir(&self) -> PathBuf {
        self.root.join(self.settings.sops_dir())
    }

    /// A path relative to the root, with `/` separators (the path itself when outside).
    pub fn relative(&self, path: &Path) -> String {
        relative(&self.root, path)
    }

    /// Load every SOP under the SOP folder, in parallel, sorted by path.
    pub fn load(&self) -> Corpus {
        let (files, mut broken) = self.walk();
        self.load_files(files, &mut broken)
    }

    /// The paths of every SOP file under the SOP folder (`[sops] extensions`, `include`,
    /// `exclude`), and the entries that could not be walked.
    pub fn walk(&self) -> (Vec<PathBuf>, Vec<BrokenFile>) {
        let dir = self.sops_dir();
        if !dir.is_dir() {
            return (Vec::new(), Vec::new());
        }
        walk_dir(self, &dir)
    }

    /// The id, title, version and translation of each SOP of `files` (found by [`Repo::walk`])
    /// that [`Repo::load_files`] would load, read over the cores, in the order of `files`.
    pub fn glance_files(&self, files: &[PathBuf]) -> Vec<Glance> {
        let settings = &self.settings;
        let read: Vec<Option<Glance>> = files
            .par_iter()
            .map(|path| glance_file(path, self.relative(path), settings))
            .collect();
        read.into_iter().flatten().collect()
    }

    /// The SOPs of `files` (found by [`Repo::walk`], with the entries it could not walk in
    /// `broken`), read over the cores.
    fn load_files(&self, files: Vec<PathBuf>, broken: &mut Vec<BrokenFile>) -> Corpus {
        let settings = &self.settings;
        let loaded: Vec<Result<Sop, BrokenFile>> = files
            .par_iter()
            .map(|path| load_file(path, self.relative(path), settings))
            .collect();
        let mut sops = Vec::with_capacity(loaded.len());
        for item in loaded {
            match item {
                Ok(sop) => sops.push(sop),
                Err(b) => broken.push(b),
            }
        }
        broken.sort_by(|a, b| a.path.cmp(&b.path));
        Corpus {
            sops,
            broken: std::mem::take(broken),
        }
    }
}

/// `path` relative to `root`, with `/` separators (the path itself when outside).
fn relative(root: &Path, path: &Path) -> String {
    let text = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The nearest folder at or above `start` with `sop.toml`, else the nearest with `.git`.
/// The nearest of `start` and its parent folders that holds `marker`.
fn ancestor_with(start: &Path, marker: &str) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(marker).exists())
        .map(Path::to_path_buf)
}

/// Read and parse one file.
///
/// # Errors
/// A [`BrokenFile`] when the file cannot be an SOP.
pub fn load_file(path: &Path, rel: String, settings: &Settings) -> Result<Sop, BrokenFile> {
    match read_text(path) {
        Ok(text) => Ok(Sop::parse_in(rel, text, settings)),
        Err(problem) => Err(BrokenFile { path: rel, problem }),
    }
}

/// [`load_file`], reading only what a [`Glance`] needs; `None` for a file [`load_file`] would
/// find broken.
fn glance_file(path: &Path, rel: String, settings: &Settings) -> Option<Glance> {
    let text = read_text(path).ok()?;
    Some(Glance::read(rel, &text, settings))
}

/// The text of the file at `path`, or why it cannot be an SOP (a symlink loop, not a file,
/// too large, unreadable, or not text: [`decode`]).
fn read_text(path: &Path) -> Result<String, FileProblem> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if is_link_loop(&e) {
            FileProblem::SymlinkLoop
        } else {
            FileProblem::Unreadable(io_reason(&e))
        }
    })?;
    if !meta.is_file() {
        return Err(FileProblem::NotAFile);
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge { bytes: meta.len() });
    }
    let bytes = std::fs::read(path).map_err(|e| FileProblem::Unreadable(io_reason(&e)))?;
    let text = decode(bytes)?;
    if files::is_lfs_pointer(&text) {
        return Err(FileProblem::LfsPointer);
    }
    Ok(text)
}

/// Check that `bytes` are the text of an SOP: not empty, not binary, UTF-8 (a leading
/// byte-order mark is kept: the parsers skip it).
///
/// # Errors
/// The [`FileProblem`] that keeps them from being one; UTF-16 is named as such, before the
/// NUL bytes of its Latin letters make it look binary.
pub fn decode(bytes: Vec<u8>) -> Result<String, FileProblem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileProblem::Empty);
    }
    // Only a file with NUL bytes or a UTF-16 byte-order mark can be UTF-16: the others (almost
    // all) skip the closer look.
    let nul = memchr::memchr(0, bytes.get(..8192).unwrap_or(&bytes)).is_some();
    if nul || matches!(bytes.get(..2), Some([0xFF, 0xFE] | [0xFE, 0xFF])) {
        if let Some(order) = encoding::detect_utf16(&bytes) {
            return Err(FileProblem::Utf16(order));
        }
        if nul {
            return Err(stray_nul(&bytes).unwrap_or(FileProblem::Binary));
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        FileProblem::NotUtf8 { line, column }
    })
}

/// A text file with a few stray NUL bytes (pasted from a PDF or a word processor), told
/// apart from a binary file: UTF-8 apart from them, and at most one byte in a hundred a NUL.
/// The file is still not read (git, editors and browsers all take it for binary data), but
/// the writer is told where the first NUL is. `None` for a binary file.
fn stray_nul(bytes: &[u8]) -> Option<FileProblem> {
    let count = memchr::memchr_iter(0, bytes).count();
    if count == 0 || count.saturating_mul(100) > bytes.len() {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let first = memchr::memchr(0, bytes)?;
    let before = text.get(..first)?;
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..)?.chars().count() + 1;
    Some(FileProblem::NulCharacter {
        line,
        column,
        count,
    })
}

/// Whether the system said "too many levels of symbolic links" (`ELOOP`).
/// The walker wraps the system's error in its own, so the chain of causes is searched too.
fn is_link_loop(e: &std::io::Error) -> bool {
    const ELOOP: i32 = if cfg!(target_os = "linux") { 40 } else { 62 };
    if cfg!(unix) && e.raw_os_error() == Some(ELOOP) {
        return true;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|i| i as _);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && cfg!(unix)
            && io.raw_os_error() == Some(ELOOP)
        {
            return true;
        }
        cause = c.source();
    }
    false
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "the file does not exist".into(),
        _ => e.to_string(),
    }
}

/// Every SOP of a repository, and the files that could not be read as SOPs.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The SOPs, sorted by path.
    pub sops: Vec<Sop>,
    /// Files under the SOP folder that are not readable SOPs, sorted by path.
    pub broken: Vec<BrokenFile>,
}

impl Corpus {
    /// The SOPs that are not translations, sorted by id (then path).
    pub fn originals(&self) -> Vec<&Sop> {
        let mut v: Vec<&Sop> = self.sops.iter().filter(|s| !s.is_translation()).collect();
        v.sort_by(|a, b| a.id().cmp(&b.id()).then(a.path.cmp(&b.path)));
        v
    }
}

/// A file under the SOP folder that cannot be read as an SOP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenFile {
    /// Path relative to the repository root.
    pub path: String,
    /// What is wrong.
    pub problem: FileProblem,
}

/// What keeps a file from being an SOP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// It could not be read.
    Unreadable(String),
    /// It is not text.
    Binary,
    /// It is UTF-8 text with a few NUL characters (zero bytes), which make every tool take it
    /// for binary data; it is not read until they are removed.
    NulCharacter {
        /// 1-based line of the first NUL.
        line: usize,
        /// 1-based column of the first NUL.
        column: usize,
        /// How many NULs the file holds.
        count: usize,
    },
    /// It is text saved as UTF-16 (Windows Notepad's "Unicode"), not UTF-8.
    Utf16(encoding::Utf16),
    /// It is text, but not UTF-8, from this line and column on.
    NotUtf8 {
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based column of the first bad byte.
        column: usize,
    },
    /// It is larger than [`MAX_FILE_BYTES`].
    TooLarge {
        /// Its size.
        bytes: u64,
    },
    /// It is empty or blank.
    Empty,
    /// A symbolic link that leads back to a folder above it.
    SymlinkLoop,
    /// A symbolic link whose target does not exist.
    DanglingLink,
    /// Not a regular file.
    NotAFile,
    /// A Git LFS pointer: the three lines that stand for a file kept in Git LFS, whose
    /// content was not downloaded into this clone. Never read, never written.
    LfsPointer,
    /// A symbolic link (or a file in a linked folder) whose real location is outside the
    /// repository or inside a `.git` folder; it is never read.
    OutsideRepository {
        /// Where the link points, as written in the link.
        target: String,
        /// Whether it leads into a `.git` folder (inside the repository or not).
        into_git: bool,
    },
}

impl FileProblem {
    /// What a writer can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            FileProblem::Unreadable(_) => {
                "check the file's permissions, or move it out of the SOP folder"
            }
            FileProblem::Binary => {
                "only Markdown text belongs in the SOP folder: move images and documents to an `assets/` folder"
            }
            FileProblem::NulCharacter { .. } => {
                "delete the invisible character at that place (shown as `␀` by `sop lint`; editors show it as `NUL`, `^@` or a small box, if at all: it often comes with text pasted from a PDF or a word processor), then run `sop lint` again"
            }
            FileProblem::Utf16(_) => {
                "save it as UTF-8: in Notepad, File › Save as › Encoding: UTF-8 (in other editors: \"Save with encoding\" › UTF-8); `sop lint --fix` converts it for you"
            }
            FileProblem::NotUtf8 { .. } => {
                "save the file as UTF-8 (in most editors: \"Save with encoding\" > UTF-8)"
            }
            FileProblem::TooLarge { .. } => {
                "split the SOP into smaller ones, or move attachments out of the Markdown file"
            }
            FileProblem::Empty => {
                "write the SOP's front matter and sections (`sop new` creates a filled-in file), or delete the file"
            }
            FileProblem::SymlinkLoop => {
                "remove the symbolic link, or point it at a folder outside the SOP folder"
            }
            FileProblem::DanglingLink => {
                "remove the symbolic link, or restore the file it points to"
            }
            FileProblem::NotAFile => "move it out of the SOP folder",
            FileProblem::LfsPointer => {
                "download the document with `git lfs pull` (install Git LFS first: https://git-lfs.com), then run sop again"
            }
            FileProblem::OutsideRepository { .. } => {
                "replace the link by the SOP file itself (copy the file into the repository), remove the link, or add its name to `exclude` under `[sops]` in sop.toml to leave it out"
            }
        }
    }

    /// Whether the file is there but its contents cannot be read as an SOP (binary, a stray
    /// NUL, not UTF-8, too large, empty, or not readable): an edit of an SOP's file, after
    /// which the site still shows its last approved release. A symbolic link that leads
    /// nowhere, outside the repository or in a circle, or something that is not a file, is
    /// no edit of a file, and shows nothing.
    pub fn is_unreadable_text(&self) -> bool {
        match self {
            FileProblem::Unreadable(_)
            | FileProblem::Binary
            | FileProblem::NulCharacter { .. }
            | FileProblem::Utf16(_)
            | FileProblem::NotUtf8 { .. }
            | FileProblem::TooLarge { .. }
            | FileProblem::Empty
            | FileProblem::LfsPointer => true,
            FileProblem::SymlinkLoop
            | FileProblem::DanglingLink
            | FileProblem::NotAFile
            | FileProblem::OutsideRepository { .. } => false,
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::Unreadable(why) => write!(f, "cannot read the file: {why}"),
            FileProblem::Binary => {
                f.write_str("the file is not text (it looks like a binary file)")
            }
            FileProblem::NulCharacter {
                line,
                column,
                count,
            } => {
                let more = match count.saturating_sub(1) {
                    0 => String::new(),
                    1 => " (and 1 more further on)".to_string(),
                    n => format!(" (and {n} more further on)"),
                };
                write!(
                    f,
                    "line {line}, column {column} holds a NUL character, an invisible zero byte{more}: git and editors take the file for binary data, so sop skipped it"
                )
            }
            FileProblem::Utf16(order) => write!(
                f,
                "the file is saved as {}, not as UTF-8, so sop cannot read it",
                order.described()
            ),
            FileProblem::NotUtf8 { line, column } => write!(
                f,
                "the file is not UTF-8 text (first bad character at line {line}, column {column})"
            ),
            FileProblem::TooLarge { bytes } => write!(
                f,
                "the file is too large to be an SOP ({:.1} MiB; the limit is {} MiB)",
                *bytes as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
            FileProblem::Empty => f.write_str("the file is empty"),
            FileProblem::SymlinkLoop => f.write_str(
                "a symbolic link here leads in a circle (to itself or a folder above it), so there is nothing to read",
            ),
            FileProblem::DanglingLink => {
                f.write_str("a symbolic link here points to a file that does not exist")
            }
            FileProblem::NotAFile => f.write_str("this is not a regular file"),
            FileProblem::LfsPointer => f.write_str(
                "the file is a Git LFS pointer (three lines that stand for a document kept in Git LFS), not the document: its content was not downloaded into this clone",
            ),
            FileProblem::OutsideRepository {
                target,
                into_git: false,
            } => write!(
                f,
                "this is a symbolic link to `{target}`, outside the repository, so it was not read"
            ),
            FileProblem::OutsideRepository {
                target,
                into_git: true,
            } => write!(
                f,
                "this is a symbolic link to `{target}`, inside git's own `.git` folder, so it was not read"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_problems_of_a_files_text_are_unreadable_text() {
        for p in [
            FileProblem::Binary,
            FileProblem::NulCharacter {
                line: 1,
                column: 1,
                count: 1,
            },
            FileProblem::NotUtf8 { line: 1, column: 1 },
            FileProblem::TooLarge { bytes: 1 << 30 },
            FileProblem::Empty,
            FileProblem::Unreadable("permission denied".into()),
            FileProblem::LfsPointer,
        ] {
            assert!(p.is_unreadable_text(), "{p:?}");
        }
        for p in [
            FileProblem::SymlinkLoop,
            FileProblem::DanglingLink,
            FileProblem::NotAFile,
            FileProblem::OutsideRepository {
                target: "/etc/passwd".into(),
                into_git: false,
            },
        ] {
            assert!(!p.is_unreadable_text(), "{p:?}");
        }
    }

    #[test]
    fn decode_tells_problems_apart() {
        assert_eq!(decode(b"  \n".to_vec()), Err(FileProblem::Empty));
        assert_eq!(decode(b"ab\0cd".to_vec()), Err(FileProblem::Binary));
        // See r3: a stray NUL in text is named with its place, not called binary.
        let mut text = "---\nid: SOP-0001\n---\n\n## Purpose\n\nCafé text.\n".repeat(4);
        text.push_str("3. Send the réply\0 now.\n");
        assert_eq!(
            decode(text.into_bytes()),
            Err(FileProblem::NulCharacter {
                line: 29,
                column: 18,
                count: 1
            })
        );
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec()),
            Err(FileProblem::Binary)
        );
        assert_eq!(
            decode(b"a\ncaf\xe9\n".to_vec()),
            Err(FileProblem::NotUtf8 { line: 2, column: 4 })
        );
        assert_eq!(decode(b"ok".to_vec()).as_deref(), Ok("ok"));
        assert_eq!(
            decode(b"\xFF\xFE-\0-\0-\0\n\0".to_vec()),
            Err(FileProblem::Utf16(encoding::Utf16::Le))
        );
        assert_eq!(
            decode(b"\0-\0-\0-\0\n".to_vec()),
            Err(FileProblem::Utf16(encoding::Utf16::Be))
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBF---\n".to_vec()).as_deref(),
            Ok("\u{feff}---\n")
        );
    }
}
