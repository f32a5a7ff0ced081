//! Where a link written in an SOP points on the site: another SOP's page (with its anchor
//! when that page has it), a repository file copied under `files/`, a web address kept as
//! written, or nothing (unsafe scheme, or a target that is not published).

use std::path::Path;

use super::markdown::{self, Links, Target};
use super::select::Selection;
use crate::repo::Sop;

/// Link resolution for one page.
pub(super) struct PageLinks<'b, 'a> {
    /// What is published.
    pub(super) selection: &'b Selection<'a>,
    /// The repository root, canonical (files linked from SOPs are read from here).
    pub(super) repo_root: &'b Path,
    /// Repository path of the SOP file the page shows.
    pub(super) from: &'b str,
    /// The page's way back to the site root.
    pub(super) root: &'b str,
}

impl Links for PageLinks<'_, '_> {
    fn resolve(&self, dest: &str, image: bool) -> Target {
        let dest = dest.trim();
        if dest.is_empty() || dest.starts_with('#') {
            return Target::Keep;
        }
        if !markdown::is_safe_url(dest) {
            return Target::Drop;
        }
        if markdown::scheme(dest).is_some() || dest.starts_with("//") {
            return Target::Keep;
        }
        let (path_part, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let path_part = path_part.split('?').next().unwrap_or_default();
        let decoded = percent_decode(path_part);
        let Some(target) = join(self.from, &decoded) else {
            return Target::Drop;
        };
        let selection = self.selection;
        if let Some(&i) = selection.pages_by_path.get(&target) {
            let Some(entry) = selection.entries.get(i) else {
                return Target::Drop;
            };
            let (url, sop): (&str, &Sop) =
                match entry.translations.iter().find(|t| t.sop.path == target) {
                    Some(t) => (&t.url, &t.sop),
                    None => (&entry.url, &entry.sop),
                };
            let frag = fragment
                .filter(|f| sop.outline().has_anchor(f))
                .map(|f| format!("#{f}"))
                .unwrap_or_default();
            return Target::Rewrite(format!("{}{url}{frag}", self.root));
        }
        let lower = target.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") || image && target.is_empty() {
            return Target::Drop;
        }
        let on_disk = self.repo_root.join(&target);
        if is_inside(self.repo_root, &on_disk) && on_disk.is_file() {
            let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
            return Target::File {
                url: format!("{}files/{}{frag}", self.root, encode_path(&target)),
                path: target,
            };
        }
        Target::Drop
    }
}

/// Whether `path` stays inside `root` (canonical) with no symlink leading out.
fn is_inside(root: &Path, path: &Path) -> bool {
    match std::fs::canonicalize(path) {
        Ok(p) => p.starts_with(root) && !p.starts_with(root.join(".git")),
        Err(_) => false,
    }
}

/// Resolve `dest` (relative to the file `from`, or to the root when it starts with `/`) to a
/// normalised repository path; `None` when it leads outside the repository.
fn join(from: &str, dest: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dest.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    };
    for seg in dest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

pub(super) use crate::repo::markdown::percent_decode;

/// Percent-encode what a URL path cannot hold as is.
pub(super) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_join_relative_to_the_file() {
        assert_eq!(
            join("sops/a/SOP-1.md", "../b/SOP-2.md").as_deref(),
            Some("sops/b/SOP-2.md")
        );
        assert_eq!(join("sops/a/SOP-1.md", "../../../x"), None);
        assert_eq!(
            join("sops/a/SOP-1.md", "/assets/a.png").as_deref(),
            Some("assets/a.png")
        );
    }

    #[test]
    fn paths_are_encoded_and_decoded() {
        assert_eq!(encode_path("a b/ü.png"), "a%20b/%C3%BC.png");
        assert_eq!(percent_decode("a%20b/%C3%BC.png"), "a b/ü.png");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
