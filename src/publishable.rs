//! Which repository files may be copied into a published site (DESIGN.md, Guarantees).
//!
//! - Only files git tracks, or, without git, files with no hidden path component; never
//!   anything inside a `.git` folder ([`Tracked`]). A link to `../../.env` (ignored by git, full
//!   of secrets) or to `vendor/.git/config` must not put that file on a web site.
//! - Never a file a browser would run as a page of the site ([`is_active_content`]): an HTML,
//!   XML or JavaScript file opened from the site runs its scripts in the site's origin. SVG
//!   images are not copied either: the site shows them inline as `data:` images in `<img>`,
//!   where browsers run no script and load nothing, and a `data:` document has no origin of
//!   the site's even when opened on its own (see `site::links`).
//!
//! `sop lint` (rules `link-untracked`, `link-active-content`) and `sop publish` ask the same
//! questions here, so lint says exactly what publish will leave out.

use std::collections::BTreeSet;
use std::path::Path;

/// The files of a repository that may be published.
#[derive(Debug, Clone)]
pub enum Tracked {
    /// Not a git repository: any file without a hidden path component.
    NoGit,
    /// The paths (relative to the SOP repository root, `/`-separated) in git's index.
    Index(BTreeSet<String>),
    /// A git repository whose index cannot be read: nothing is published, for this reason.
    Unreadable(String),
}

/// Why a file may not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The path goes through a `.git` folder.
    GitFolder,
    /// Without git: a file or folder on the path starts with `.`.
    Hidden,
    /// git does not track the file.
    Untracked,
    /// git's index cannot be read.
    GitUnreadable(String),
}

impl Refusal {
    /// Why, in words for the writer (after "… is not published:").
    pub fn reason(&self) -> String {
        match self {
            Refusal::GitFolder => {
                "it is inside a `.git` folder, which holds git's own data and settings".into()
            }
            Refusal::Hidden => {
                "its name or a folder on its path starts with `.`, so it is treated as hidden"
                    .into()
            }
            Refusal::Untracked => {
                "git does not track it, and only files git tracks are published".into()
            }
            Refusal::GitUnreadable(why) => {
                format!("git's list of tracked files cannot be read ({why})")
            }
        }
    }
}

impl Tracked {
    /// Read the index of the git repository holding `root` (the SOP repository root).
    pub fn load(root: &Path) -> Tracked {
        match crate::git::tracked_files(root) {
            Ok(Some(files)) => Tracked::Index(files),
            Ok(None) => Tracked::NoGit,
            Err(why) => Tracked::Unreadable(why),
        }
    }

    /// Whether the file at `rel` (relative to the SOP repository root, `/`-separated) may be
    /// published.
    ///
    /// # Errors
    /// The [`Refusal`] saying why not.
    pub fn check(&self, rel: &str) -> Result<(), Refusal> {
        let parts = || rel.split('/').filter(|p| !p.is_empty());
        if in_git_folder(rel) {
            return Err(Refusal::GitFolder);
        }
        match self {
            Tracked::NoGit if parts().any(|p| p.starts_with('.')) => Err(Refusal::Hidden),
            Tracked::NoGit => Ok(()),
            Tracked::Index(files) if files.contains(rel) => Ok(()),
            Tracked::Index(_) => Err(Refusal::Untracked),
            Tracked::Unreadable(why) => Err(Refusal::GitUnreadable(why.clone())),
        }
    }
}

impl Tracked {
    /// The files that may be published, `/`-separated and relative to `root` (the SOP
    /// repository root): git's index, or without git every file with no hidden path
    /// component (symbolic links not followed; at most [`MAX_WALKED`] files).
    pub fn files(&self, root: &Path) -> Vec<String> {
        match self {
            Tracked::Index(files) => files.iter().cloned().collect(),
            Tracked::Unreadable(_) => Vec::new(),
            Tracked::NoGit => {
                let mut out = Vec::new();
                let mut folders = vec![(root.to_path_buf(), String::new())];
                while let Some((dir, rel)) = folders.pop() {
                    let Ok(entries) = std::fs::read_dir(&dir) else {
                        continue;
                    };
                    for entry in entries.flatten() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if name.starts_with('.') || out.len() >= MAX_WALKED {
                            continue;
                        }
                        let path = if rel.is_empty() {
                            name
                        } else {
                            format!("{rel}/{name}")
                        };
                        match entry.file_type() {
                            Ok(t) if t.is_dir() => folders.push((entry.path(), path)),
                            Ok(t) if t.is_file() => out.push(path),
                            _ => {}
                        }
                    }
                }
                out.sort();
                out
            }
        }
    }
}

/// The most files [`Tracked::files`] lists outside git.
pub const MAX_WALKED: usize = 200_000;

/// Whether `rel` goes through a `.git` folder (any case): git's own data and settings.
pub fn in_git_folder(rel: &str) -> bool {
    rel.split('/').any(|p| p.eq_ignore_ascii_case(".git"))
}

/// Extensions (lower case) of files a browser runs or renders as a document with scripts.
pub const ACTIVE_EXTENSIONS: &[&str] = &[
    "html", "htm", "shtml", "xhtml", "xht", "xml", "xsl", "xslt", "js", "mjs", "cjs", "svgz",
];

/// The extension of `path`, in lower case (`""` without one).
pub fn extension(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether a browser would run the file at `path` (by its extension) when it is opened from
/// the site; `image` says whether it is shown as an image (`![..](..)`, `<img>`), where an SVG
/// is harmless but a navigable link to one is not.
pub fn is_active_content(path: &str, image: bool) -> bool {
    let ext = extension(path);
    ACTIVE_EXTENSIONS.contains(&ext.as_str()) || ext == "svg" && !image
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tracked_files_outside_git_folders_are_published() {
        let index = Tracked::Index(["sops/a.png".to_string()].into_iter().collect());
        assert_eq!(index.check("sops/a.png"), Ok(()));
        assert_eq!(index.check(".env"), Err(Refusal::Untracked));
        assert_eq!(index.check("vendor/.git/config"), Err(Refusal::GitFolder));
        assert_eq!(Tracked::NoGit.check("sops/a.png"), Ok(()));
        assert_eq!(
            Tracked::NoGit.check("sops/.secret/a.png"),
            Err(Refusal::Hidden)
        );
        assert_eq!(
            Tracked::NoGit.check("x/.GIT/config"),
            Err(Refusal::GitFolder)
        );
    }

    #[test]
    fn pages_and_scripts_are_active_content_and_svg_only_as_a_link() {
        assert!(is_active_content("a/form.HTML", false));
        assert!(is_active_content("a/x.mjs", true));
        assert!(is_active_content("a/d.svg", false));
        assert!(!is_active_content("a/d.svg", true));
        assert!(!is_active_content("a/report.pdf", false));
        assert!(!is_active_content("a/.html", false));
    }
}
