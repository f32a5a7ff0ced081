//! GitHub's `CODEOWNERS`: who owns a path. The file is looked for where GitHub looks
//! (`.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`, first found wins); patterns follow
//! GitHub's rules: gitignore-like, `*` stops at `/`, `**` crosses it, a pattern without a `/`
//! (other than a trailing one) matches at any depth, a folder pattern covers everything under
//! it, `dir/*` only the folder's own files, and the last matching line wins (a line with no
//! owners leaves the path without one).

use std::path::{Path, PathBuf};

use globset::GlobMatcher;

/// Where GitHub looks for the file, in its order, relative to the work tree's root.
pub const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// One line of the file.
#[derive(Debug, Clone)]
struct Rule {
    matcher: GlobMatcher,
    /// Whether a match on a folder above the path counts (not for `dir/*`).
    covers_folders: bool,
    owners: Vec<String>,
}

/// A parsed `CODEOWNERS` file.
#[derive(Debug, Clone)]
pub struct CodeOwners {
    /// The file read, for messages.
    pub path: PathBuf,
    rules: Vec<Rule>,
}

impl CodeOwners {
    /// Read the first `CODEOWNERS` found under `work_tree`; `None` when there is none or it
    /// cannot be read as text.
    pub fn find(work_tree: &Path) -> Option<CodeOwners> {
        LOCATIONS.iter().find_map(|rel| {
            let path = work_tree.join(rel);
            let text = std::fs::read_to_string(&path).ok()?;
            Some(CodeOwners::parse(path, &text))
        })
    }

    /// Parse the text of a `CODEOWNERS` file; lines whose pattern is not a valid glob are
    /// skipped, as GitHub skips them.
    pub fn parse(path: PathBuf, text: &str) -> CodeOwners {
        let rules = text
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    return None;
                }
                let line = line.split(" #").next().unwrap_or(line);
                let mut words = line.split_whitespace();
                let pattern = words.next()?;
                let owners = words.map(str::to_string).collect();
                rule(pattern, owners)
            })
            .collect();
        CodeOwners { path, rules }
    }

    /// The owners of `rel` (relative to the work tree, `/`-separated): those of the last line
    /// that matches it; empty when none does or that line names no owner.
    pub fn owners(&self, rel: &str) -> &[String] {
        let rel = rel.trim_start_matches('/');
        self.rules
            .iter()
            .rev()
            .find(|r| {
                r.matcher.is_match(rel)
                    || (r.covers_folders && folders(rel).any(|f| r.matcher.is_match(f)))
            })
            .map_or(&[], |r| r.owners.as_slice())
    }
}

fn rule(pattern: &str, owners: Vec<String>) -> Option<Rule> {
    let folder_only = pattern.ends_with('/');
    let trimmed = pattern.trim_end_matches('/');
    let anchored = trimmed.starts_with('/') || trimmed.trim_start_matches('/').contains('/');
    let body = trimmed.trim_start_matches('/');
    if body.is_empty() {
        return None;
    }
    let glob = if anchored || body.starts_with("**") {
        body.to_string()
    } else {
        format!("**/{body}")
    };
    // A folder pattern owns what is below it, never a file of that name.
    let glob = if folder_only {
        format!("{glob}/**")
    } else {
        glob
    };
    let matcher = globset::GlobBuilder::new(&glob)
        .literal_separator(true)
        .build()
        .ok()?
        .compile_matcher();
    // `docs/*` owns the folder's own files only; `docs` owns everything below it too.
    let covers_folders = !folder_only && (!body.ends_with("/*") || body.ends_with("/**/*"));
    Some(Rule {
        matcher,
        covers_folders,
        owners,
    })
}

/// The folders above `rel`, nearest last: `a`, `a/b` for `a/b/c.md`.
fn folders(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/').map(move |(i, _)| &rel[..i])
}

/// An owner as `sop` writes it: a GitHub handle without its `@` (`@acme/payments` →
/// `acme/payments`), an e-mail address as it is.
pub fn owner_name(owner: &str) -> String {
    owner.strip_prefix('@').unwrap_or(owner).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(text: &str, path: &str) -> Vec<String> {
        CodeOwners::parse(PathBuf::from("CODEOWNERS"), text)
            .owners(path)
            .to_vec()
    }

    #[test]
    fn the_last_matching_line_wins() {
        let text = "* @everyone\n*.md @docs-team\nsops/payments/ @pay\n";
        assert_eq!(owners(text, "src/main.rs"), ["@everyone"]);
        assert_eq!(owners(text, "README.md"), ["@docs-team"]);
        assert_eq!(owners(text, "sops/payments/a/refunds.md"), ["@pay"]);
        let unset = "*.md @docs\nsops/drafts/x.md\n";
        assert!(owners(unset, "sops/drafts/x.md").is_empty());
    }

    #[test]
    fn patterns_follow_githubs_examples() {
        // From GitHub's documentation of the file.
        let docs_star = "docs/* docs@example.com\n";
        assert_eq!(
            owners(docs_star, "docs/getting-started.md"),
            ["docs@example.com"]
        );
        assert!(owners(docs_star, "docs/build-app/troubleshooting.md").is_empty());
        let apps = "apps/ @octocat\n";
        assert_eq!(owners(apps, "web/apps/x/y.js"), ["@octocat"]);
        assert!(owners(apps, "apps").is_empty());
        let rooted = "/docs/ @doctocat\n";
        assert_eq!(owners(rooted, "docs/a/b.md"), ["@doctocat"]);
        assert!(owners(rooted, "x/docs/b.md").is_empty());
        let deep = "**/logs @octocat\n";
        assert_eq!(owners(deep, "build/logs/a.log"), ["@octocat"]);
        let anywhere = "runbooks @ops\n";
        assert_eq!(owners(anywhere, "team/runbooks/db.md"), ["@ops"]);
        let star = "*.js @js\n";
        assert!(owners(star, "a/b.md").is_empty());
        assert_eq!(owners(star, "a/b.js"), ["@js"]);
    }

    #[test]
    fn comments_and_handles() {
        let text = "# owners\nsops/ @acme/ops # the ops team\n";
        assert_eq!(owners(text, "sops/a.md"), ["@acme/ops"]);
        assert_eq!(owner_name("@acme/ops"), "acme/ops");
        assert_eq!(owner_name("lena@example.com"), "lena@example.com");
    }
}
