//! `sop serve`: build the site in memory, serve it on 127.0.0.1, rebuild and reload open pages
//! when an SOP, a template or `sop.toml` changes.
//!
//! The first line on stdout is the URL (tests and scripts read it, also with `--port 0`).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use super::Context;
use crate::cli::ServeArgs;
use crate::site::preview::{Preview, Rebuilt};
use crate::site::serve::{ServeEvent, Server, Update};
use crate::{Exit, Stop};

/// Run `sop serve`; returns only on error (stop it with Ctrl-C).
///
/// # Errors
/// When the first build fails or the port cannot be opened.
pub(super) fn run(ctx: &Context, args: &ServeArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let (mut preview, first) =
        Preview::start(repo.root.clone(), ctx.config.clone(), args.approved_only)
            .map_err(|e| super::publish::build_stop(ctx, e))?;
    for note in &first.notes {
        ctx.warn(note)?;
    }
    report_problems(ctx, &first)?;
    let pages = first.published;
    let server = Server::bind(args.port, update(first)).map_err(|e| {
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
    let mut sops_dir = repo.sops_dir();
    let mut watched = watch.clone();
    server.run(
        &watch,
        |changed| {
            let started = Instant::now();
            let rebuilt = preview.rebuild(changed);
            // An edited `sop.toml` may name another SOP folder: watch that one from now on.
            let moved = preview.sops_dir().filter(|dir| *dir != sops_dir);
            let took = started.elapsed();
            for n in &rebuilt.notes {
                let _ = ctx.warn(n);
            }
            let _ = report_problems(ctx, &rebuilt);
            let _ = ctx.note(&format!(
                "rebuilt: {} rendered ({}) in {:.3} s; pages reload",
                crate::words::count(rebuilt.rendered, "file"),
                if rebuilt.full {
                    "every page"
                } else {
                    "the changed SOPs and the lists"
                },
                took.as_secs_f64()
            ));
            let mut update = update(rebuilt);
            if let Some(dir) = moved {
                watched.retain(|p| *p != sops_dir);
                watched.push(dir.clone());
                sops_dir = dir;
                update.watch = Some(watched.clone());
            }
            update
        },
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
                ServeEvent::NotWatched(message) => ctx.warn(&format!(
                    "{message}; restart `sop serve` to see its changes"
                )),
            };
        },
    )?;
    Ok(Exit::Success)
}

fn update(rebuilt: Rebuilt) -> Update {
    Update {
        files: rebuilt.files,
        problems: rebuilt.problems,
        watch: None,
    }
}

/// Say on stderr what the overlay says on every page.
fn report_problems(ctx: &Context, rebuilt: &Rebuilt) -> anyhow::Result<()> {
    let Some(first) = rebuilt.problems.first() else {
        return Ok(());
    };
    let place = match first.line {
        Some(line) => format!("{}:{line}", first.file),
        None => first.file.clone(),
    };
    let n = rebuilt.problems.len();
    ctx.warn(&format!(
        "{} shown over every page, the first at `{place}`: {}",
        crate::words::count(n, "problem"),
        first.message
    ))
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
        "serving {} at {url} (press Ctrl-C to stop); watching for changes",
        crate::words::count(pages, "SOP")
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
