//! `sop init [DIR] [--ci github]`: start an SOP repository without touching existing files.

use std::io::Write;

use anyhow::Context as _;

use super::Context;
use crate::atomic::{self, Created};
use crate::cli::{CiProvider, InitArgs};
use crate::repo::config;
use crate::{Exit, assets, git};

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
        let workflow = assets::builtin("init/github-workflow.yml").unwrap_or_default();
        files.push((".github/workflows/sop.yml", workflow.to_string()));
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
            "kept",
            format!(
                "git repository at `{}`",
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
        writeln!(
            out,
            "Next: write your first SOP with `sop new \"Title of the SOP\" --type procedure`"
        )?;
        writeln!(
            out,
            "      (types: procedure, policy, runbook, checklist), then check it with `sop lint`."
        )?;
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
