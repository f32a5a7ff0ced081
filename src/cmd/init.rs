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
/// [`SOP_GITHUB_REPOSITORY`].
fn github_workflow(template: &str, code_scanning: bool) -> String {
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
    let mut files: Vec<(&str, String)> = vec![
        (config::FILE_NAME, sop_toml.to_string()),
        (
            ".gitignore",
            "# The site built by `sop publish`\n/site/\n\
             # Temporary files `sop` writes while it works; its next run removes any a crash left\n\
             .sop-tmp-*\n.sop-site-new-*\n.sop-site-old-*\n"
                .to_string(),
        ),
    ];
    if args.ci == Some(CiProvider::Github) {
        let template = assets::builtin("init/github-workflow.yml").unwrap_or_default();
        files.push((WORKFLOW, github_workflow(template, args.code_scanning)));
    }
    for (rel, text) in &files {
        let path = dir.join(rel);
        let created = atomic::create_new(&path, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        done.push(match created {
            Created::Written => ("created", (*rel).to_string()),
            Created::Exists => ("kept", format!("{rel} (already there, left as it was)")),
        });
    }
    let sops = dir.join("sops");
    if sops.is_dir() {
        done.push(("kept", "sops/ (already there)".into()));
    } else {
        std::fs::create_dir_all(&sops)
            .with_context(|| format!("cannot create the folder `{}`", sops.display()))?;
        done.push(("created", "sops/".into()));
    }
    match git::work_tree_root(&dir) {
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
        match markdown_files(&sops) {
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
                writeln!(
                    out,
                    "Next: {n} Markdown {files} already in sops/: check them with `sop lint`;"
                )?;
                writeln!(
                    out,
                    "      `sop adopt` writes the front matter `sop` needs into documents that have none."
                )?;
            }
        }
    }
    if args.ci == Some(CiProvider::Github) && SOP_GITHUB_REPOSITORY == PLACEHOLDER_REPOSITORY {
        // Only a `sop` built from an unreleased copy of the source: release binaries never
        // carry the placeholder.
        ctx.warn(&format!(
            "`{WORKFLOW}` uses the action `{PLACEHOLDER_REPOSITORY}@v1`, a placeholder: this `sop` \
             was built from a copy whose Cargo.toml does not name sop's GitHub repository yet. \
             Before you push the workflow, replace `{PLACEHOLDER_REPOSITORY}` in it with the \
             repository that publishes sop's releases, or install a released `sop` and run \
             `sop init --ci github` again"
        ))?;
    }
    if args.ci == Some(CiProvider::Github) && !ctx.quiet {
        writeln!(out)?;
        if args.code_scanning {
            writeln!(
                out,
                "Still to do for CI: turn on code scanning for the repository on GitHub (Settings →\n\
                 Advanced Security → Code scanning; a private repository needs GitHub Advanced\n\
                 Security), or the upload step of `{WORKFLOW}` fails; then commit and push it."
            )?;
        } else {
            writeln!(
                out,
                "Still to do for CI: commit `{WORKFLOW}` and push it.\n\
                 Every pull request is then checked by the `{SOP_GITHUB_REPOSITORY}@v1` action,\n\
                 with findings as annotations and all of them in the run's summary."
            )?;
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
