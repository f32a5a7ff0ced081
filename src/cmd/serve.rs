//! `sop serve`: build the site in memory, serve it on 127.0.0.1, rebuild and reload open pages
//! when an SOP, a template or `sop.toml` changes.
//!
//! The first line on stdout is the URL (tests and scripts read it, also with `--port 0`).

use std::io::Write;
use std::path::PathBuf;

use super::Context;
use super::publish::{base_url, histories, options};
use crate::cli::ServeArgs;
use crate::repo::Repo;
use crate::site::serve::{ServeEvent, Server};
use crate::site::{self, Site};
use crate::{Exit, Stop};

/// Run `sop serve`; returns only on error (stop it with Ctrl-C).
///
/// # Errors
/// When the first build fails or the port cannot be opened.
pub(super) fn run(ctx: &Context, args: &ServeArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let root = repo.root.clone();
    let config = ctx.config.clone();
    // A preview of the working copies unless `--published` asks for the published site.
    let drafts = !args.published;
    let build = |ctx: &Context| -> anyhow::Result<Site> {
        let mut repo = Repo::at(root.clone(), config.as_deref())?;
        super::attach_tracked(&mut repo);
        let corpus = repo.load();
        let (git, histories) = histories(ctx, &repo)?;
        let base = base_url(&repo, None).unwrap_or(None);
        let all = crate::lint::check(&repo, &corpus).unwrap_or_default();
        let mut opts = options(&all, drafts, base, true);
        let findings = all.len();
        let errors: Vec<_> = all
            .iter()
            .filter(|f| f.severity == crate::diag::Severity::Error)
            .collect();
        if let Some(first) = errors.first() {
            opts.banner = Some(format!(
                "{} error{} in the SOPs, the first in `{}`: {}. Run `sop lint` for all of them; this page updates when you save.",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                first.file,
                first.message
            ));
        }
        let mut built = site::build(&repo, git.as_ref(), &corpus, &histories, &opts)?;
        if findings > 0 {
            built.notes.push(format!(
                "lint: {findings} finding{} (run `sop lint` for details)",
                if findings == 1 { "" } else { "s" }
            ));
        }
        Ok(built)
    };
    let first = build(ctx)?;
    for note in &first.notes {
        ctx.warn(note)?;
    }
    let pages = first.published;
    let server = Server::bind(args.port, first).map_err(|e| {
        Stop::usage(
            e.to_string(),
            Some("pick another port with `--port`, or `--port 0` for any free one".to_string()),
        )
    })?;
    let url = server.url();
    let mut watch: Vec<PathBuf> = vec![
        repo.sops_dir(),
        repo.root.join("templates"),
        ctx.config
            .clone()
            .unwrap_or_else(|| repo.root.join(crate::repo::config::FILE_NAME)),
    ];
    // A commit or a release changes what is published and the revision history: rebuild.
    if let Some(git) = ctx.git(&repo)? {
        watch.extend(git.ref_paths());
    }
    server.run(
        &watch,
        || build(ctx).map_err(|e| format!("{e:#}")),
        |event| {
            let _ = match event {
                // The address is announced once the folders are watched, so that an edit made
                // right after it (by a person or a test) is never missed.
                ServeEvent::Ready => announce(ctx, &url, pages, args.open),
                ServeEvent::Changed(paths) => {
                    let mut shown: Vec<String> =
                        paths.iter().take(3).map(|p| repo.relative(p)).collect();
                    if paths.len() > 3 {
                        shown.push(format!("and {} more", paths.len() - 3));
                    }
                    ctx.note(&format!("changed: {}", shown.join(", ")))
                }
                ServeEvent::Rebuilt { files, took, notes } => {
                    for n in notes {
                        let _ = ctx.warn(&n);
                    }
                    ctx.note(&format!(
                        "rebuilt {files} files in {:.2} s; pages reload",
                        took.as_secs_f64()
                    ))
                }
                ServeEvent::Failed(message) => ctx.warn(&format!(
                    "rebuild failed, still serving the last good site: {message}"
                )),
                ServeEvent::NotWatched(message) => ctx.warn(&format!(
                    "{message}; restart `sop serve` to see its changes"
                )),
            };
        },
    )?;
    Ok(Exit::Success)
}

/// Print the address on stdout (tests and scripts read it), a note for people, and open the
/// browser when asked.
fn announce(ctx: &Context, url: &str, pages: usize, open: bool) -> anyhow::Result<()> {
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{url}")?;
        stdout.flush()?;
    }
    ctx.note(&format!(
        "serving {pages} SOP{} at {url} (press Ctrl-C to stop); watching for changes",
        if pages == 1 { "" } else { "s" }
    ))?;
    if open {
        open_browser(ctx, url)?;
    }
    Ok(())
}

fn open_browser(ctx: &Context, url: &str) -> anyhow::Result<()> {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        ctx.warn(&format!(
            "could not open a browser (`{program}`: {e}); open {url} yourself"
        ))?;
    }
    Ok(())
}
