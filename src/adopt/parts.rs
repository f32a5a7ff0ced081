//! Markdown files that are parts of other pages, never pages of their own, so never SOPs: a
//! GitHub or GitLab wiki's sidebar, header and footer (`_Sidebar.md`, shown around every
//! page), a Docusaurus partial (a file or folder whose name starts with `_`, which Docusaurus
//! imports into pages and never makes a page of), and a file another document includes
//! (MkDocs snippets `--8<-- "contacts.md"`, mdBook `{{#include contacts.md}}`, Jekyll
//! `{% include_relative contacts.md %}`, an MDX `import Contacts from './contacts.md'`).
//! Front matter written into one would show in every page around or including it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::repo::Sop;

/// The files of `sops` that are parts of other pages, by path, each with why, in words
/// ("a wiki's sidebar, shown beside every page"). `root` is the repository's folder.
pub fn parts(root: &Path, sops: &[Sop]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let known: HashMap<&str, &Sop> = sops.iter().map(|s| (s.path.as_str(), s)).collect();
    let mut sites = Sites::default();
    for sop in sops {
        let name = sop.path.rsplit('/').next().unwrap_or(&sop.path);
        let stem = crate::repo::files::strip_markdown_extension(name).to_ascii_lowercase();
        let chrome = match stem.as_str() {
            "_sidebar" => Some("sidebar, shown beside every page"),
            "_footer" => Some("footer, shown under every page"),
            "_header" => Some("header, shown above every page"),
            _ => None,
        };
        if let Some(what) = chrome {
            out.insert(sop.path.clone(), format!("a wiki's {what}"));
            continue;
        }
        if let Some(site) = sites.docusaurus(root, &sop.path) {
            let inside = sop
                .path
                .strip_prefix(site.as_str())
                .unwrap_or(&sop.path)
                .trim_start_matches('/');
            if inside
                .split('/')
                .any(|part| part.starts_with('_') && !part.eq_ignore_ascii_case("_index.md"))
            {
                out.insert(
                    sop.path.clone(),
                    "a Docusaurus partial (its name, or a folder's, starts with `_`): Docusaurus imports it into other pages and never makes a page of it".to_string(),
                );
            }
        }
    }
    for sop in sops {
        for (target, how) in includes(root, &mut sites, sop) {
            if target != sop.path && known.contains_key(target.as_str()) {
                out.entry(target).or_insert_with(|| {
                    format!(
                        "{} includes it ({how}), so it is part of that page, never a page of its own",
                        sop.path
                    )
                });
            }
        }
    }
    out
}

/// The site configurations found above files, by folder.
#[derive(Default)]
struct Sites {
    /// Folder (repository-relative) → the folder of the Docusaurus site it is in.
    docusaurus: HashMap<String, Option<String>>,
    /// Folder → the folder of `mkdocs.yml` and its snippet base paths (repository-relative).
    mkdocs: HashMap<String, Option<Vec<String>>>,
}

impl Sites {
    /// The folder of the Docusaurus site (a `docusaurus.config.*` in it) that `rel` is in.
    fn docusaurus(&mut self, root: &Path, rel: &str) -> Option<String> {
        let dir = parent(rel).to_string();
        if let Some(found) = self.docusaurus.get(&dir) {
            return found.clone();
        }
        let has_config = |d: &Path| {
            ["js", "ts", "mjs", "cjs", "mts"]
                .iter()
                .any(|ext| d.join(format!("docusaurus.config.{ext}")).is_file())
        };
        // A folder above the file, or the repository's `website/` (the site beside a top-level
        // `docs/`), as `sop adopt` finds a Docusaurus site for its settings.
        let found = ancestors(&dir)
            .find(|d| has_config(&root.join(d)))
            .or_else(|| has_config(&root.join("website")).then(String::new));
        self.docusaurus.insert(dir, found.clone());
        found
    }

    /// The folders MkDocs snippets are looked for in, for a page at `rel`: the folder of the
    /// `mkdocs.yml` above it and each `base_path` it names (relative to that folder).
    fn snippet_bases(&mut self, root: &Path, rel: &str) -> Vec<String> {
        let dir = parent(rel).to_string();
        if let Some(found) = self.mkdocs.get(&dir) {
            return found.clone().unwrap_or_default();
        }
        let found = ancestors(&dir).find_map(|d| {
            let text = ["mkdocs.yml", "mkdocs.yaml"].iter().find_map(|n| {
                let path = root.join(&d).join(n);
                let meta = std::fs::metadata(&path).ok()?;
                (meta.is_file() && meta.len() < 1 << 20)
                    .then(|| std::fs::read_to_string(&path).ok())
                    .flatten()
            })?;
            let mut bases = vec![d.clone()];
            bases.extend(
                base_paths(&text)
                    .into_iter()
                    .filter_map(|b| crate::repo::links::join(&d, &b)),
            );
            Some(bases)
        });
        self.mkdocs.insert(dir, found.clone());
        found.unwrap_or_default()
    }
}

/// The `base_path` values of `pymdownx.snippets` in an `mkdocs.yml`: one value, an inline
/// list, or a list of `- item` lines below it.
fn base_paths(text: &str) -> Vec<String> {
    let clean = |v: &str| v.trim().trim_matches(['"', '\'']).trim().to_string();
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(value) = line.trim_start().strip_prefix("base_path:") else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or_default().trim();
        if let Some(list) = value.strip_prefix('[') {
            out.extend(
                list.trim_end_matches(']')
                    .split(',')
                    .map(clean)
                    .filter(|v| !v.is_empty()),
            );
        } else if !value.is_empty() {
            out.push(clean(value));
        } else {
            while let Some(item) = lines.peek().and_then(|l| l.trim_start().strip_prefix("- ")) {
                out.push(clean(item));
                lines.next();
            }
        }
    }
    out
}

/// The repository paths `sop` includes, each with the directive, in words.
fn includes(root: &Path, sites: &mut Sites, sop: &Sop) -> Vec<(String, &'static str)> {
    let text = sop.source.text();
    if !["--8<--", "{{#include", "{% include_relative", "import "]
        .iter()
        .any(|d| text.contains(d))
    {
        return Vec::new();
    }
    let folder = parent(&sop.path).to_string();
    let mut out = Vec::new();
    let relative = |path: &str, how: &'static str, out: &mut Vec<(String, &'static str)>| {
        if let Some(p) = crate::repo::links::join(&folder, path) {
            out.push((p, how));
        }
    };
    // Inside a block of snippets (`--8<--` alone, a file name a line, `--8<--`).
    let mut in_block = false;
    // The fence of the code block the line is in (its character and length). MkDocs
    // snippets, mdBook's and Jekyll's includes are read there too (they fill code blocks),
    // but an `import` there is an example shown, not MDX's.
    let mut fence: Option<(char, usize)> = None;
    for line in text.lines() {
        let line = line.trim();
        let marker = line
            .chars()
            .next()
            .filter(|c| matches!(c, '`' | '~'))
            .map(|c| (c, line.chars().take_while(|&d| d == c).count()))
            .filter(|(_, n)| *n >= 3);
        if let Some((c, n)) = marker {
            fence = match fence {
                None => Some((c, n)),
                Some((open, len)) if open == c && n >= len => None,
                open => open,
            };
        }
        let snippet = if line == "--8<--" {
            in_block = !in_block;
            None
        } else if in_block {
            (!line.is_empty() && !line.starts_with(';')).then_some(line)
        } else {
            line.strip_prefix("--8<--")
        };
        if let Some(rest) = snippet {
            let name = rest.trim().trim_matches(['"', '\'']).trim();
            // `file.md:3:5` or `file.md:section`: lines or a section of the file.
            let name = name.split(':').next().unwrap_or(name);
            if name.is_empty() {
                continue;
            }
            let mut bases = sites.snippet_bases(root, &sop.path);
            bases.push(folder.clone());
            for base in bases {
                if let Some(p) = crate::repo::links::join(&base, name) {
                    out.push((p, "an MkDocs snippet, `--8<--`"));
                }
            }
        } else if let Some(rest) = line
            .strip_prefix("{{#include")
            .or_else(|| line.strip_prefix("{{ #include"))
        {
            let path = rest.split("}}").next().unwrap_or_default().trim();
            let path = path.split(':').next().unwrap_or(path);
            relative(path, "mdBook's `{{#include}}`", &mut out);
        } else if let Some(rest) = line.strip_prefix("{% include_relative") {
            let path = rest.split("%}").next().unwrap_or_default().trim();
            let path = path.split_whitespace().next().unwrap_or_default();
            relative(path, "Jekyll's `{% include_relative %}`", &mut out);
        } else if line.starts_with("import ")
            && fence.is_none()
            && let Some((_, from)) = line.rsplit_once(" from ")
        {
            let path = from.trim().trim_end_matches(';').trim_matches(['"', '\'']);
            if path.starts_with('.') && crate::repo::files::strip_markdown_extension(path) != path {
                relative(path, "an MDX `import`", &mut out);
            }
        }
    }
    out
}

/// The folder of the repository path `rel` (`""` at the root).
fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `dir` and each folder above it, up to the root (`""`).
fn ancestors(dir: &str) -> impl Iterator<Item = String> + '_ {
    let mut next = Some(dir.to_string());
    std::iter::from_fn(move || {
        let current = next.take()?;
        next = (!current.is_empty()).then(|| parent(&current).to_string());
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_base_paths_are_read_in_each_form() {
        assert_eq!(
            base_paths(
                "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: docs/snippets\n"
            ),
            ["docs/snippets"]
        );
        assert_eq!(base_paths("      base_path: [\"a\", 'b']\n"), ["a", "b"]);
        assert_eq!(
            base_paths("      base_path:\n        - a\n        - \"b\"\nother: 1\n"),
            ["a", "b"]
        );
    }

    #[test]
    fn ancestors_climb_to_the_root() {
        assert_eq!(ancestors("a/b").collect::<Vec<_>>(), ["a/b", "a", ""]);
        assert_eq!(ancestors("").collect::<Vec<_>>(), [""]);
    }
}
