//! `sop init [DIR] [--ci github [--code-scanning]]`: start an SOP repository without touching
//! existing files; the GitHub workflow uses the `sop` action of this project's repository.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

use super::Context;
use crate::atomic::{self, Created};
use crate::cli::{CiProvider, InitArgs};
use crate::repo::config;
use crate::{Exit, assets, git};

/// Where `sop init --ci github` writes the workflow.
const WORKFLOW: &str = ".github/workflows/sop.yml";

/// The GitHub repository of `sop` itself (`owner/name`): its action is what the generated
/// workflow `uses:`, and its releases hold the binaries that action downloads. Taken from
/// `repository` in `Cargo.toml`, the one place it is written (the action reads it there too).
pub(crate) const SOP_GITHUB_REPOSITORY: &str =
    github_slug(env!("CARGO_PKG_REPOSITORY"), "https://github.com/");

/// The address Cargo.toml holds until the project's real GitHub repository is written there; the
/// release workflow refuses to build binaries with it.
const PLACEHOLDER_REPOSITORY: &str = "example/sop";

/// `owner/name` of a `https://github.com/owner/name` URL, checked when `sop` is compiled.
const fn github_slug(url: &'static str, prefix: &'static str) -> &'static str {
    let (head, tail) = url.as_bytes().split_at(prefix.len());
    let prefix = prefix.as_bytes();
    let mut i = 0;
    while i < prefix.len() {
        if head[i] != prefix[i] {
            panic!("`repository` in Cargo.toml must be https://github.com/<owner>/<name>");
        }
        i += 1;
    }
    match std::str::from_utf8(tail) {
        Ok(slug) => slug,
        Err(_) => panic!("`repository` in Cargo.toml must be https://github.com/<owner>/<name>"),
    }
}

/// The workflow for `--ci github`: the template's `#code-scanning-on ` lines are kept (without
/// that mark) when `code_scanning`, its `#code-scanning-off ` lines otherwise; `{action}` is
/// [`SOP_GITHUB_REPOSITORY`], `{branch}` the branch pushes to are checked on, and `{with}` the
/// action's inputs: `working-directory` when the SOP repository is a folder of the git
/// repository (`working_dir`), `sarif` with code scanning.
fn github_workflow(
    template: &str,
    code_scanning: bool,
    branch: &str,
    working_dir: Option<&str>,
) -> String {
    let mut with = Vec::new();
    if let Some(dir) = working_dir {
        with.push(format!(
            "working-directory: {}   # the folder with sop.toml",
            yaml_plain(dir)
        ));
    }
    if code_scanning {
        with.push("sarif: sop.sarif     # the same lint run also writes SARIF".to_string());
    } else {
        with.push("# paths: sops/         # what to check (default: every SOP)".to_string());
        with.push("# fail-on: error       # or `warning`, or `never`".to_string());
    }
    let commented = with.iter().all(|l| l.starts_with('#'));
    let mut block = if commented {
        "        # with:\n".to_string()
    } else {
        "        with:\n".to_string()
    };
    for line in &with {
        match line.strip_prefix("# ") {
            Some(rest) if commented => block.push_str(&format!("        #   {rest}\n")),
            _ => block.push_str(&format!("          {line}\n")),
        }
    }
    let (keep, drop) = if code_scanning {
        ("#code-scanning-on ", "#code-scanning-off ")
    } else {
        ("#code-scanning-off ", "#code-scanning-on ")
    };
    let mut out = String::with_capacity(template.len());
    for line in template.lines() {
        if line.starts_with(drop) {
            continue;
        }
        out.push_str(line.strip_prefix(keep).unwrap_or(line));
        out.push('\n');
    }
    out.replace("{action}", SOP_GITHUB_REPOSITORY)
        .replace("{branch}", &yaml_plain(branch))
        .replace("{with}\n", &block)
}

/// `text` as a YAML value: as it is when plain, else in double quotes.
fn yaml_plain(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./".contains(c);
    if !text.is_empty() && text.chars().all(plain) && !text.starts_with(['-', '.']) {
        text.to_string()
    } else {
        format!("{text:?}")
    }
}

/// Run `sop init`.
///
/// # Errors
/// When a folder or file cannot be created.
pub(super) fn run(ctx: &Context, args: &InitArgs) -> anyhow::Result<Exit> {
    let dir = ctx.cwd.join(&args.path);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the folder `{}`", dir.display()))?;
    let dir = std::fs::canonicalize(&dir)
        .with_context(|| format!("cannot open the folder `{}`", dir.display()))?;

    let mut done: Vec<(&str, String)> = Vec::new();
    let sop_toml = assets::builtin("init/sop.toml").unwrap_or_default();
    let files: Vec<(&str, String)> = vec![
        (config::FILE_NAME, sop_toml.to_string()),
        (
            ".gitignore",
            "# The site built by `sop publish`\n/site/\n\
             # Temporary files `sop` writes while it works; its next run removes any a crash left\n\
             .sop-tmp-*\n.sop-site-new-*\n.sop-site-old-*\n"
                .to_string(),
        ),
    ];
    for (rel, text) in &files {
        let path = dir.join(rel);
        let created = atomic::create_new(&path, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        done.push(match created {
            Created::Written => ("created", (*rel).to_string()),
            Created::Exists => ("kept", format!("{rel} (already there, left as it was)")),
        });
    }
    // GitHub reads workflows only at the git repository's root: an SOP repository in a folder
    // of it gets the workflow there, with the action told where `sop.toml` is.
    let git_root = git::work_tree_root(&dir).and_then(|r| std::fs::canonicalize(r).ok());
    let workflow = if args.ci == Some(CiProvider::Github) {
        let (base, working_dir) = match &git_root {
            Some(root) if *root != dir => (
                root.clone(),
                dir.strip_prefix(root)
                    .ok()
                    .map(|p| p.to_string_lossy().replace('\\', "/")),
            ),
            _ => (dir.clone(), None),
        };
        let branch = git::main_branch(&dir).unwrap_or_else(|| "main".to_string());
        let template = assets::builtin("init/github-workflow.yml").unwrap_or_default();
        let text = github_workflow(
            template,
            args.code_scanning,
            &branch,
            working_dir.as_deref(),
        );
        let path = base.join(WORKFLOW);
        let created = atomic::create_new(&path, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        let at_root = working_dir.as_ref().map_or_else(String::new, |_| {
            format!(
                " at the git repository's root `{}`, where GitHub reads workflows",
                base.display()
            )
        });
        done.push(match created {
            Created::Written => ("created", format!("{WORKFLOW}{at_root}")),
            Created::Exists => (
                "kept",
                format!("{WORKFLOW}{at_root} (already there, left as it was)"),
            ),
        });
        Some((created, branch, working_dir))
    } else {
        None
    };
    let sops = dir.join("sops");
    if sops.is_dir() {
        done.push(("kept", "sops/ (already there)".into()));
    } else {
        std::fs::create_dir_all(&sops)
            .with_context(|| format!("cannot create the folder `{}`", sops.display()))?;
        done.push(("created", "sops/".into()));
    }
    match git_root {
        Some(root) => done.push((
            "found",
            format!(
                "the existing git repository at `{}`",
                root.display().to_string().trim_end_matches('/')
            ),
        )),
        None => {
            git::init(&dir)?;
            done.push(("created", "git repository (branch `main`)".into()));
        }
    }

    let gitignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap_or_default();
    let mut out = anstream::stdout().lock();
    if !ctx.quiet {
        writeln!(out, "SOP repository in `{}`:", dir.display())?;
        for (what, item) in &done {
            writeln!(out, "  {what:<8} {item}")?;
        }
        writeln!(out)?;
        let elsewhere = markdown_elsewhere(&dir);
        match markdown_files(&sops) {
            0 if !elsewhere.is_empty() => {
                let total: usize = elsewhere.iter().map(|(_, n)| n).sum();
                let files = crate::words::plural(total, "file is", "files are");
                let folders = elsewhere
                    .iter()
                    .map(|(f, n)| format!("{f}/ {n}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let first = &elsewhere[0].0;
                writeln!(
                    out,
                    "Next: {total} Markdown {files} already here ({folders}). To make them SOPs,"
                )?;
                writeln!(
                    out,
                    "      set `dir = \"{first}\"` under `[sops]` in sop.toml, then `sop adopt --dry-run` shows"
                )?;
                writeln!(
                    out,
                    "      the front matter it would write. Or write a new SOP with `sop new \"Title\"`."
                )?;
            }
            0 => {
                writeln!(
                    out,
                    "Next: write your first SOP with `sop new \"Title of the SOP\" --type procedure`"
                )?;
                writeln!(
                    out,
                    "      (types: procedure, policy, runbook, checklist), then check it with `sop lint`."
                )?;
            }
            n => {
                let files = crate::words::plural(n, "file is", "files are");
                let them = crate::words::plural(n, "it", "them");
                writeln!(
                    out,
                    "Next: {n} Markdown {files} already in sops/: check {them} with `sop lint`;"
                )?;
                writeln!(
                    out,
                    "      `sop adopt` writes the front matter `sop` needs into documents that have none."
                )?;
            }
        }
    }
    if let Some((created, branch, working_dir)) = &workflow {
        let todo = ci_todo(*created, args.code_scanning, branch, working_dir.as_deref());
        if ctx.quiet {
            if SOP_GITHUB_REPOSITORY == PLACEHOLDER_REPOSITORY {
                ctx.warn(&todo.join(" "))?;
            }
        } else {
            writeln!(out)?;
            writeln!(out, "Still to do for CI:")?;
            for (n, step) in todo.iter().enumerate() {
                writeln!(out, "  {}. {step}", n + 1)?;
            }
        }
    }
    if !gitignore
        .lines()
        .any(|l| l.trim().trim_matches('/') == "site")
    {
        ctx.warn(
            "`.gitignore` does not list `/site/`: add it so the published site is not committed",
        )?;
    }
    Ok(Exit::Success)
}

/// What the writer must still do for the GitHub workflow to run, one step per item.
fn ci_todo(
    created: Created,
    code_scanning: bool,
    branch: &str,
    working_dir: Option<&str>,
) -> Vec<String> {
    let again = if code_scanning {
        "sop init --ci github --code-scanning"
    } else {
        "sop init --ci github"
    };
    let mut todo = Vec::new();
    if created == Created::Exists {
        todo.push(format!(
            "`{WORKFLOW}` was already there and is left as it was, so it may not use the sop \
             action{}: to get the new workflow, move the old file away and run `{again}` again",
            if code_scanning {
                " nor upload to code scanning"
            } else {
                ""
            }
        ));
        return todo;
    }
    if SOP_GITHUB_REPOSITORY == PLACEHOLDER_REPOSITORY {
        // Only a `sop` built from an unreleased copy of the source: release binaries never
        // carry the placeholder.
        todo.push(format!(
            "replace `{PLACEHOLDER_REPOSITORY}` in `{WORKFLOW}` with the GitHub repository that \
             publishes sop's releases (`owner/name`): this `sop` was built from a copy whose \
             Cargo.toml does not name it yet (or install a released `sop` and run `{again}` again)"
        ));
    }
    if code_scanning {
        todo.push(
            "turn on code scanning for the repository on GitHub (Settings → Advanced Security → \
             Code scanning; a private repository needs GitHub Advanced Security), or the upload \
             step fails"
                .to_string(),
        );
    }
    let folder = working_dir.map_or_else(String::new, |d| {
        format!(" (it lints the SOP repository in `{d}/`)")
    });
    todo.push(format!(
        "commit `{WORKFLOW}` and push it: every pull request, and every push to `{branch}`, is \
         then checked by the `{SOP_GITHUB_REPOSITORY}@v1` action{folder}, with findings as \
         annotations and all of them in the run's summary"
    ));
    todo
}

/// The folders of `dir` (but `sops/` and the folders of tools: hidden ones, `site/`,
/// `node_modules/`, `target/`) that hold Markdown files, with how many, most first.
fn markdown_elsewhere(dir: &Path) -> Vec<(String, usize)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, usize)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let skip = name.starts_with('.')
                || matches!(name.as_str(), "sops" | "site" | "node_modules" | "target");
            let n = if skip { 0 } else { markdown_files(&e.path()) };
            (n > 0).then_some((name, n))
        })
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found
}

/// How many Markdown files are in `dir` and its folders (symbolic links not followed).
fn markdown_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => markdown_files(&entry.path()),
            Ok(t) if t.is_file() => {
                let name = entry.file_name();
                let name = name.to_string_lossy().to_ascii_lowercase();
                usize::from(name.ends_with(".md") || name.ends_with(".markdown"))
            }
            _ => 0,
        })
        .sum()
}
