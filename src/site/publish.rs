//! Write a built [`Site`] to its output folder, safely.
//!
//! The files go to a temporary folder beside the target, which is then swapped in with renames,
//! so a reader never sees half a site and a failed build leaves the old one in place. Files are
//! written by the threads that render them.
//!
//! `sop` never deletes a folder it did not create (DESIGN.md, Guarantees): an output folder is
//! refused when it is, holds or lies inside what the repository is made of ([`Owner`]), and a
//! non-empty one is replaced only when it carries a marker file ([`MARKER`]) that `sop` wrote
//! for this repository: a random token, also kept in the repository's git folder (which no
//! commit can write, and which moves with the repository), and the repository root, which
//! must match outside git. A marker merely present, committed by someone else or made for
//! another clone, is refused.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::pages::{Content, Sink};
use super::{Site, SiteError};
use crate::leftovers::{self, SITE_NEW, SITE_OLD};

/// The marker file in every folder `sop publish` writes.
pub const MARKER: &str = ".sop-site";

/// The file in the git folder that keeps this repository's site token.
const TOKEN_FILE: &str = "sop-site-token";

const MARKER_TEXT: &str = "This folder is written by `sop publish` and replaced as a whole on every publish.\nDo not keep your own files here.\n";

/// What an output folder must not touch, and how to recognise the folders `sop` made for this
/// repository.
#[derive(Debug, Clone)]
pub struct Owner {
    /// The repository root, canonical.
    root: PathBuf,
    /// Folders and files an output folder may not be, hold or lie inside (the SOP folder,
    /// `templates/`, `.git`, `sop.toml`), canonical, each with a name for messages.
    protected: Vec<(PathBuf, &'static str)>,
    /// Where the site token is kept; `None` without git.
    token_file: Option<PathBuf>,
    /// In git: the git work tree, canonical, and the repository root's path inside it (`.`,
    /// `ops`), which the marker records: no local path goes into a published folder.
    place: Option<(PathBuf, String)>,
}

impl Owner {
    /// The owner of sites published from the repository at `root`, with its SOP folder,
    /// configuration file and git folder (when it has one).
    pub fn new(root: &Path, sops_dir: &Path, config: &Path, git_dir: Option<&Path>) -> Owner {
        let root = canonical(root);
        let mut protected = vec![
            (canonical(sops_dir), "the SOP folder"),
            (root.join("templates"), "the `templates/` folder"),
            (root.join(".git"), "the git folder `.git`"),
            (canonical(config), "the configuration file"),
        ];
        if let Some(git) = git_dir {
            protected.push((canonical(git), "the git folder"));
        }
        let place = git_dir
            .and_then(|_| crate::git::work_tree_root(&root))
            .map(|work| canonical(&work))
            .and_then(|work| {
                let inside = root.strip_prefix(&work).ok()?;
                let parts: Vec<String> = inside
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let place = if parts.is_empty() {
                    ".".to_string()
                } else {
                    parts.join("/")
                };
                Some((work, place))
            });
        Owner {
            token_file: git_dir.map(|g| canonical(g).join(TOKEN_FILE)),
            root,
            protected,
            place,
        }
    }

    /// The token kept for this repository, if one was made.
    fn stored_token(&self) -> Option<String> {
        let file = self.token_file.as_ref()?;
        let text = std::fs::read_to_string(file).ok()?;
        let token = text.trim();
        is_token(token).then(|| token.to_string())
    }

    /// The token kept for this repository, made now when there is none (or no git).
    fn token(&self) -> Result<String, SiteError> {
        if let Some(token) = self.stored_token() {
            return Ok(token);
        }
        let token = leftovers::random_token();
        if let Some(file) = &self.token_file {
            std::fs::write(file, format!("{token}\n")).map_err(werr(file))?;
        }
        Ok(token)
    }

    /// The marker text for a site made now with `token`.
    fn marker(&self, token: &str) -> String {
        format!(
            "{MARKER_TEXT}sop-site-token: {token}\nrepository: {}\n",
            self.recorded_root()
        )
    }

    /// How the marker names the repository: in git, its root's path inside the work tree;
    /// outside git, a hash of its root (the folder is meant to be put on a web host: the
    /// publisher's local path does not go with it).
    fn recorded_root(&self) -> String {
        match (&self.place, &self.token_file) {
            (Some((_, place)), Some(_)) => place.clone(),
            _ => root_hash(&self.root),
        }
    }

    /// Why the marker at `path` does not show a folder `sop` made for this repository; `None`
    /// when it does.
    fn marker_problem(&self, path: &Path) -> Option<String> {
        if !path.symlink_metadata().is_ok_and(|m| m.is_file()) {
            return Some(format!("its `{MARKER}` is not a plain file"));
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            return Some(format!("its `{MARKER}` cannot be read"));
        };
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::trim)
                .map(str::to_string)
        };
        let (Some(token), Some(root)) = (field("sop-site-token:"), field("repository:")) else {
            return Some(format!(
                "its `{MARKER}` was not written by this version of `sop publish`"
            ));
        };
        // In git, the token kept in the git folder (which no commit can write, and which moves
        // with the repository) proves the site was published from this git repository. The
        // root recorded then must be this one, or gone: a repository moved or renamed keeps
        // its site, while another SOP repository in the same git repository (`ops/`, `hr/`),
        // which shares the git folder, still exists and so keeps its own.
        if self.token_file.is_some()
            && is_token(&token)
            && self.stored_token().as_deref() == Some(token.as_str())
            && (Path::new(&root) == self.root
                // A folder published before records the root itself.
                || Path::new(&root).is_absolute() && !Path::new(&root).exists()
                || self.place.as_ref().is_some_and(|(work, place)| {
                    root == *place
                        || !Path::new(&root).is_absolute()
                            && !root.split('/').any(|p| p == "..")
                            && !work.join(&root).exists()
                }))
        {
            return None;
        }
        // Outside git, the root's hash (a folder published before holds the root itself).
        if self.token_file.is_none() && root == root_hash(&self.root) && is_token(&token) {
            return None;
        }
        if self.token_file.is_none() && root.starts_with("sha1:") {
            return Some(format!(
                "its `{MARKER}` says it was published from another folder, not from this repository"
            ));
        }
        if self.token_file.is_some() && !Path::new(&root).is_absolute() {
            return Some(format!(
                "its `{MARKER}` says it was published from the SOP repository at `{root}` in this git repository, not from this one (`{}`)",
                self.recorded_root()
            ));
        }
        if Path::new(&root) != self.root {
            return Some(format!(
                "its `{MARKER}` says it was published from `{root}`, not from this repository"
            ));
        }
        // Without git there is nowhere to keep a token: the root must do.
        if self.token_file.is_some() || !is_token(&token) {
            return Some(format!(
                "its `{MARKER}` does not match the token `sop publish` keeps in this repository's git folder"
            ));
        }
        None
    }
}

/// A hash of `root`, for the marker of a site published outside git.
fn root_hash(root: &Path) -> String {
    let text = root.to_string_lossy();
    let hash = git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes())
        .map_or_else(|_| String::new(), |o| o.to_string());
    format!("sha1:{hash}")
}

fn is_token(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `path` made absolute, with symbolic links and `..` resolved as far as the path exists.
fn canonical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest: Vec<Component<'_>> = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        let (Some(parent), Some(last)) = (existing.parent(), existing.components().next_back())
        else {
            return absolute;
        };
        rest.push(last);
        existing = parent;
    }
}

/// Check that `out` may be written: missing, empty, or marked as `sop`'s for this repository,
/// and never the repository, its SOP folder, `templates/`, `.git`, `sop.toml` or a folder
/// holding Markdown files.
///
/// # Errors
/// [`SiteError::ProtectedOutput`] for a folder that is, holds or lies inside what the
/// repository is made of; [`SiteError::MarkerInvalid`] for a marker `sop` did not write for
/// this repository; [`SiteError::ForeignOutput`] for a non-empty folder without the marker (or
/// a symbolic link); [`SiteError::OutputIsFile`] for a file.
pub fn check_target(out: &Path, owner: &Owner) -> Result<(), SiteError> {
    let real = canonical(out);
    let protected = |reason: String| SiteError::ProtectedOutput {
        path: out.to_path_buf(),
        reason,
    };
    if real == owner.root || owner.root.starts_with(&real) {
        return Err(protected("it holds the whole repository".into()));
    }
    for (path, what) in &owner.protected {
        if &real == path {
            return Err(protected(format!("it is {what}")));
        }
        if path.starts_with(&real) {
            return Err(protected(format!("it holds {what}")));
        }
        // (A SOP folder that is the repository root itself still lets `site/` be inside it.)
        if real.starts_with(path) && path != &owner.root {
            return Err(protected(format!("it is inside {what}")));
        }
    }
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
    let marker = out.join(MARKER);
    let problem = marker
        .symlink_metadata()
        .is_ok()
        .then(|| owner.marker_problem(&marker));
    if problem == Some(None) {
        // A folder `sop publish` made for this repository.
        return Ok(());
    }
    if let Some(found) = source_inside(out)? {
        return Err(protected(format!(
            "it holds `{}`, which `sop publish` never writes",
            found.strip_prefix(out).unwrap_or(&found).display()
        )));
    }
    if let Some(Some(reason)) = problem {
        return Err(SiteError::MarkerInvalid {
            path: out.to_path_buf(),
            reason,
        });
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

/// The first Markdown file, `sop.toml` or `.git` found under `dir` (symbolic links are not
/// followed): a site never holds one, so a folder that does is somebody's work.
fn source_inside(dir: &Path) -> Result<Option<PathBuf>, SiteError> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| SiteError::Read {
            path: folder.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| SiteError::Read {
                path: folder.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
            let path = entry.path();
            if name == ".git"
                || name == crate::repo::config::FILE_NAME
                || crate::repo::files::strip_markdown_extension(&name).len() != name.len()
            {
                return Ok(Some(path));
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            }
        }
    }
    Ok(None)
}

/// Remove the build folders a killed `sop publish` left beside `out` (in `parent`): only
/// folders named like sop's own, whose process is gone, and that are empty or carry this
/// repository's marker.
fn remove_stale_builds(parent: &Path, owner: &Owner) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let path = entry.path();
        let stale = [SITE_NEW, SITE_OLD]
            .iter()
            .any(|kind| leftovers::is_stale(kind, name, &path));
        if !stale || !path.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            continue;
        }
        if owner.marker_problem(&path.join(MARKER)).is_none() {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            // Killed before its marker was written: only an empty folder goes.
            let _ = std::fs::remove_dir(&path);
        }
    }
}

/// Write `site` (already in memory) into `out`, replacing what `sop` wrote there before.
///
/// # Errors
/// Those of [`publish`].
pub fn write(site: &Site, out: &Path, owner: &Owner) -> Result<(), SiteError> {
    publish(out, owner, |sink| {
        for (path, bytes) in &site.files {
            sink(path.clone(), Content::Bytes(bytes.clone()))?;
        }
        for (path, source) in &site.attachments {
            sink(path.clone(), Content::File(source.clone()))?;
        }
        Ok(())
    })
}

/// Write the files `produce` hands to its sink into `out`, replacing what `sop` wrote there
/// before. Each file is written by the thread that hands it over (the rendering threads, in
/// parallel), so no single writer holds the build back; the result is moved into place only
/// when everything succeeded.
///
/// # Errors
/// Those of [`check_target`], whatever `produce` fails with, and [`SiteError::Write`] when a
/// file or folder cannot be written.
pub fn publish<T>(
    out: &Path,
    owner: &Owner,
    produce: impl FnOnce(&Sink<'_>) -> Result<T, SiteError>,
) -> Result<T, SiteError> {
    check_target(out, owner)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(werr(&parent))?;
    remove_stale_builds(&parent, owner);
    let tmp = tempfile::Builder::new()
        .prefix(&leftovers::prefix(SITE_NEW))
        .tempdir_in(&parent)
        .map_err(werr(&parent))?;
    // The marker comes first, so a build folder left by a killed run is recognised as ours.
    let marker = tmp.path().join(MARKER);
    std::fs::write(&marker, owner.marker(&owner.token()?)).map_err(werr(&marker))?;
    let previous = out.join(MARKER).is_file().then_some(out);
    let writer = Writer {
        dir: tmp.path(),
        previous,
        made: Mutex::new(Made {
            folders: HashSet::from([tmp.path().to_path_buf()]),
            files: HashSet::new(),
        }),
    };
    let result = produce(&|rel, content| writer.write(&rel, content))?;
    swap_in(tmp, out, &parent)?;
    Ok(result)
}

fn werr(path: &Path) -> impl FnOnce(std::io::Error) -> SiteError + use<> {
    let path = path.to_path_buf();
    move |source| SiteError::Write { path, source }
}

/// Writes the files of a site into `dir`, creating folders as needed. Files that did not
/// change since the last publish (`previous`) are hard-linked from it instead of written again:
/// creating many inodes right after deleting as many is the slowest part of a publish on ext4,
/// and the output is deterministic, so most files are unchanged.
struct Writer<'a> {
    dir: &'a Path,
    previous: Option<&'a Path>,
    /// The folders and files made so far.
    made: Mutex<Made>,
}

/// What a [`Writer`] made so far.
struct Made {
    folders: HashSet<PathBuf>,
    /// Site paths: a second file for one of them is refused, since writing it would go through
    /// the hard link to the published site's file.
    files: HashSet<String>,
}

impl Writer<'_> {
    /// Write `content` to `rel` inside the site folder.
    fn write(&self, rel: &str, content: Content) -> Result<(), SiteError> {
        if rel
            .split('/')
            .any(|part| part.is_empty() || part == ".." || part == ".")
            || rel == MARKER
        {
            return Err(SiteError::Write {
                path: PathBuf::from(rel),
                source: std::io::Error::other("not a relative path inside the site"),
            });
        }
        let path = self.dir.join(rel);
        {
            let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
            if !made.files.insert(rel.to_string()) {
                // Theme files are copied to `assets/`: the second one is the repository's.
                let why = match rel.strip_prefix("assets/") {
                    Some(name) => format!(
                        "two files of the site have this path: one the site makes, and `templates/site/{name}` copied there from the repository; rename or remove `templates/site/{name}`"
                    ),
                    None => "two files of the site have this path".to_string(),
                };
                return Err(SiteError::Write {
                    path: PathBuf::from(rel),
                    source: std::io::Error::other(why),
                });
            }
            if let Some(folder) = path.parent()
                && !made.folders.contains(folder)
            {
                std::fs::create_dir_all(folder).map_err(werr(folder))?;
                made.folders.insert(folder.to_path_buf());
            }
        }
        let bytes = match content {
            Content::Bytes(bytes) => bytes,
            Content::File(source) => {
                // Streamed: an attachment of any size never sits in memory whole.
                std::fs::copy(&source, &path).map_err(|source_err| SiteError::Read {
                    path: source,
                    source: source_err,
                })?;
                return Ok(());
            }
        };
        if let Some(prev) = self.previous
            && unchanged(&prev.join(rel), &bytes)
            && std::fs::hard_link(prev.join(rel), &path).is_ok()
        {
            return Ok(());
        }
        std::fs::write(&path, &bytes).map_err(werr(&path))
    }
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
        return remove_tree(&new).map_err(werr(&new));
    }
    // Without an atomic exchange: the old site moves aside, then the new one in.
    // An empty folder to rename the old site onto (rename replaces an empty folder).
    let old = match tempfile::Builder::new()
        .prefix(&leftovers::prefix(SITE_OLD))
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
    remove_tree(&old).map_err(werr(&old))
}

/// Remove the folder `dir` (a site `sop` wrote) and everything in it, the files in parallel:
/// a large site is thousands of files, and removing them one after the other is a good part
/// of a publish. Symbolic links are removed, never followed.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut folders = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    let mut i = 0;
    while let Some(folder) = folders.get(i) {
        for entry in std::fs::read_dir(folder)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                folders.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
        i += 1;
    }
    files
        .par_iter()
        .with_min_len(64)
        .try_for_each(|f| match std::fs::remove_file(f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })?;
    // Deepest first: each folder after those inside it.
    for folder in folders.iter().rev() {
        std::fs::remove_dir(folder)?;
    }
    Ok(())
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

    fn owner(dir: &Path) -> Owner {
        let root = dir.join("repo");
        std::fs::create_dir_all(root.join("sops")).unwrap();
        Owner::new(&root, &root.join("sops"), &root.join("sop.toml"), None)
    }

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
        let owner = owner(dir.path());
        write(
            &site(&[("index.html", "one"), ("a/b/c.html", "c")]),
            &out,
            &owner,
        )
        .unwrap();
        assert!(out.join(MARKER).is_file());
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/c.html")).unwrap(),
            "c"
        );
        write(
            &site(&[("index.html", "two"), ("a/b/c.html", "c")]),
            &out,
            &owner,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/c.html")).unwrap(),
            "c"
        );
        write(&site(&[("index.html", "two")]), &out, &owner).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("a").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(
            names.len(),
            2,
            "no temporary folders left behind (site and repo)"
        );
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
        let owner = owner(dir.path());
        let err = write(&site(&[("index.html", "x")]), &out, &owner).unwrap_err();
        assert!(matches!(err, SiteError::ForeignOutput { .. }));
        assert_eq!(
            std::fs::read_to_string(out.join("mine.txt")).unwrap(),
            "keep"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
