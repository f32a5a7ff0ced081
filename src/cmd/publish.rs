//! `sop publish`: build the site and write it to the output folder, atomically.
//!
//! Prints the output folder on stdout; notes (SOPs left out and why, SOPs whose newest text is
//! not the published one, no web address set) and the summary go to stderr.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::Context as _;

use super::Context;
use crate::cli::PublishArgs;
use crate::git::history::Histories;
use crate::repo::Repo;
use crate::site::{self, SiteError};
use crate::words::{count, count_with, plural};
use crate::{Exit, Stop};

/// Run `sop publish`.
///
/// # Errors
/// A refusal (exit 1) when the output folder is not `sop`'s; otherwise what failed.
pub(super) fn run(ctx: &Context, args: &PublishArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    let repo = ctx.repo()?;
    let out = match &args.out {
        Some(dir) => ctx.cwd.join(dir),
        None => repo.root.join(&repo.settings.config.site.out),
    };
    let config = ctx
        .config
        .clone()
        .unwrap_or_else(|| repo.root.join(crate::repo::config::FILE_NAME));
    let git_dir = crate::git::git_dir(&repo.root);
    let owner =
        site::publish::Owner::new(&repo.root, &repo.sops_dir(), &config, git_dir.as_deref());
    // Refuse before doing any work, so nothing is touched.
    site::publish::check_target(&out, &owner).map_err(|e| refusal(ctx, e))?;
    let base_url = base_url(&repo, args.base_url.as_deref())?;
    let inputs =
        site::Inputs::read_for_publish(repo, git_dir.is_some()).map_err(|e| build_stop(ctx, e))?;
    // A shallow clone lacks the releases before its last commits: a page could show a text
    // edited after its approval as the approved one. Drafts are marked as not approved.
    if inputs.history.shallow {
        if !args.drafts {
            return Err(Stop::usage(
                "this clone is shallow: git has only its latest commits, so the approved releases may be missing and nothing was published",
                Some(crate::git::SHALLOW_HELP.to_string()),
            )
            .into());
        }
        warn_shallow(ctx)?;
    }
    // A partial clone lacks the texts of older commits: the releases could not be read, and
    // every released SOP would be left out.
    if let Some(remote) = &inputs.history.partial {
        if !args.drafts {
            return Err(Stop::usage(
                format!(
                    "{}, so the approved releases cannot be read and nothing was published",
                    crate::git::partial_clone_words(remote)
                ),
                Some(crate::git::partial_clone_help(remote)),
            )
            .into());
        }
        warn_partial(ctx, remote)?;
    }
    if !args.drafts {
        refuse_without_tags(&inputs.history.histories)?;
    }
    for note in &inputs.restored {
        ctx.warn(note)?;
    }
    let options = inputs.options(args.drafts, base_url, false);
    let built = site::publish::publish(&out, &owner, |sink| inputs.build_into(&options, sink))
        .map_err(|e| refusal(ctx, e))
        .with_context(|| format!("cannot publish the site to `{}`", ctx.display_path(&out)))?;
    for b in &inputs.corpus.broken {
        // Its last approved release is shown: the note says so, and what to fix.
        if let Some(note) = built.unreadable.get(&b.path) {
            ctx.warn(note)?;
            continue;
        }
        ctx.warn(&format!(
            "`{}` is not published: {}; {}",
            b.path,
            b.problem,
            b.problem.help()
        ))?;
    }
    for note in &built.notes {
        ctx.warn(note)?;
    }
    list_notes(ctx, "not published", &built.left_out)?;
    list_notes(ctx, "not published yet", &built.unpublished_changes)?;
    for note in gone_notes(&inputs)? {
        ctx.warn(&note)?;
    }
    // After the SOPs left out: these links lead to them.
    for lost in &built.lost_links {
        ctx.warn(lost)?;
    }
    let shown = if ctx.verbose > 0 { usize::MAX } else { LISTED };
    for note in not_released_notes(&built.not_released, shown) {
        ctx.note(&format!("note: {note}"))?;
    }
    if !options.drafts && !built.left_out.is_empty() {
        ctx.note("note: `sop publish --drafts` previews the working copies of every SOP")?;
    }
    if options.base_url.is_none() {
        ctx.note(
            "note: no web address set yet: set `[site] base_url` in sop.toml once you know where the site will live (or pass `--base-url`); until then sitemap.xml and the feeds use relative links",
        )?;
    }
    let shown = ctx.display_path(&out);
    ctx.note(&format!(
        "published {} ({}, {}) in {:.2} s into `{shown}`: open `{}` in a browser, or put the folder on any static web host",
        count(built.published, "SOP"),
        count_with(
            built.archived,
            "page of a released version",
            "pages of released versions"
        ),
        count(built.written, "file"),
        started.elapsed().as_secs_f64(),
        ctx.display_path(&out.join("index.html")),
    ))?;
    // The folder alone on standard output, for scripts: `open "$(sop publish)/index.html"`.
    // On a terminal the note above already says where the site is.
    let mut stdout = std::io::stdout().lock();
    if !stdout.is_terminal() {
        writeln!(stdout, "{}", ctx.display_path(&out))?;
    }
    // The process ends next, which frees everything at once: taking a large corpus apart piece
    // by piece would only delay the exit.
    std::mem::forget(inputs);
    Ok(Exit::Success)
}

/// How many lines of one kind are listed before "and N more" (all of them with `-v`).
const LISTED: usize = 20;

/// Print `lines` as notes, the first [`LISTED`] unless `-v`.
fn list_notes(ctx: &Context, what: &str, lines: &[String]) -> anyhow::Result<()> {
    let shown = if ctx.verbose > 0 { lines.len() } else { LISTED };
    for line in lines.iter().take(shown) {
        ctx.note(&format!("note: {line}"))?;
    }
    if lines.len() > shown {
        ctx.note(&format!(
            "note: and {} {what} (`sop publish -v` lists them all)",
            count_with(lines.len() - shown, "more SOP", "more SOPs")
        ))?;
    }
    Ok(())
}

/// The notes on SOPs published from their last commit, never released: one for the approved
/// ones (naming the first `shown` of them, with the command that records the approval) and one
/// for the retired ones (with the command that records the retirement).
/// Translations are never among them: they follow their original's releases.
fn not_released_notes(list: &[site::select::NotReleased], shown: usize) -> Vec<String> {
    let named = |sops: &[&site::select::NotReleased]| {
        let mut names: Vec<String> = sops
            .iter()
            .take(shown)
            .map(|s| format!("`{}` (`{}`)", s.id, s.path))
            .collect();
        if sops.len() > names.len() {
            names.push(format!(
                "{} (`sop publish -v` lists them all)",
                count_with(sops.len() - names.len(), "more", "more")
            ));
        }
        crate::words::list(&names, "and")
    };
    let mut notes = Vec::new();
    let (retired, approved): (Vec<_>, Vec<_>) = list.iter().partition(|s| s.retired);
    if let Some(first) = approved.first() {
        let version = first
            .version
            .as_deref()
            .filter(|v| semver::Version::parse(v).is_ok())
            .unwrap_or("1.0.0");
        let command = crate::git::approval::approve_command(
            &crate::words::shell_word(&first.id),
            &format!("--version {version}"),
            "First approved version",
        );
        let (is, who, run) = if approved.len() == 1 {
            ("is", "it", "run")
        } else {
            ("are", "them", "for each, run (here for the first)")
        };
        notes.push(format!(
            "{} {is} published from the last commit, not from a release, so no approval record says who approved {who}: to record it, {run} {command}",
            named(&approved),
        ));
    }
    if let Some(first) = retired.first() {
        let command = format!(
            "`sop release {} --patch -m \"Retired\"`",
            crate::words::shell_word(&first.id)
        );
        let run = if retired.len() == 1 {
            "run"
        } else {
            "for each, run (here for the first)"
        };
        notes.push(format!(
            "{} {} published as retired from the last commit: never released, so git records no retirement; to record it (it stays retired), {run} {command}",
            named(&retired),
            plural(retired.len(), "is", "are"),
        ));
    }
    notes
}

/// Turn the output-folder errors into refusals with advice; pass the others through.
fn refusal(ctx: &Context, err: SiteError) -> anyhow::Error {
    match &err {
        SiteError::ForeignOutput { path } => Stop::refused(
            format!(
                "`{}` is not empty and was not made by `sop publish`, so it is left untouched",
                ctx.display_path(path)
            ),
            Some(format!(
                "choose another folder with `--out`, or empty `{}` yourself if nothing in it is needed",
                ctx.display_path(path)
            )),
        )
        .into(),
        SiteError::ProtectedOutput { path, reason } => Stop::refused(
            format!(
                "`{}` cannot be the output folder, so nothing was written or deleted: {reason}",
                ctx.display_path(path)
            ),
            Some(
                "publish into a folder of its own, such as `site` (`--out site`, or `[site] out = \"site\"` in `sop.toml`)"
                    .to_string(),
            ),
        )
        .into(),
        SiteError::MarkerInvalid { path, reason } => Stop::refused(
            format!(
                "`{}` was not made by `sop publish` in this repository, so it is left untouched: {reason}",
                ctx.display_path(path)
            ),
            Some(format!(
                "choose another folder with `--out`, or delete `{}` yourself if nothing in it is needed",
                ctx.display_path(path)
            )),
        )
        .into(),
        SiteError::PathCollision { .. } => Stop::refused(
            format!("{err}, so nothing was published"),
            Some("give one of them another id (or language); every SOP needs a page of its own".to_string()),
        )
        .into(),
        SiteError::Theme { .. } | SiteError::Template { .. } => Stop::usage(
            err.to_string(),
            Some(
                "fix the template in `templates/site/`, or delete it to use the built-in one"
                    .to_string(),
            ),
        )
        .into(),
        SiteError::OutputIsFile { .. } => Stop::refused(
            err.to_string(),
            Some("give `--out` a folder name".to_string()),
        )
        .into(),
        _ => anyhow::Error::new(err),
    }
}

/// `--base-url`, else `[site] base_url`; it must be an absolute http(s) URL.
pub(super) fn base_url(repo: &Repo, arg: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(url) = arg.or(repo.settings.config.site.base_url.as_deref()) else {
        return Ok(None);
    };
    match site::pipeline::absolute_url(url) {
        Some(url) => Ok(Some(url.to_string())),
        None => Err(Stop::usage(
            format!("`{}` is not an absolute web address", url.trim()),
            Some("write it in full, for example `--base-url https://sops.example.com/`".into()),
        )
        .into()),
    }
}

/// The git history of every SOP (for `sop due` and `sop stats`); silently empty outside a git
/// repository. A repository that cannot be read stops the command; a shallow clone is read with
/// a warning.
pub(super) fn histories(
    ctx: &Context,
    repo: &Repo,
) -> anyhow::Result<(Option<crate::git::Repo>, Histories)> {
    let history = site::history(repo).map_err(|e| build_stop(ctx, e))?;
    if history.shallow {
        warn_shallow(ctx)?;
    }
    if let Some(remote) = &history.partial {
        warn_partial(ctx, remote)?;
    }
    Ok((history.git, history.histories))
}

/// A clone whose history has the commits `sop release` made but none of the release tags
/// (tags not fetched): every released SOP would be left out, and a deploy would replace the
/// site with an empty one.
///
/// # Errors
/// The usage error (exit 2) that says so.
fn refuse_without_tags(histories: &Histories) -> anyhow::Result<()> {
    let Some(subject) = crate::git::history::untagged_release(histories) else {
        return Ok(());
    };
    Err(super::without_release_tags(
        subject,
        "every released SOP would be left out, so nothing was published",
    )
    .into())
}

fn warn_shallow(ctx: &Context) -> anyhow::Result<()> {
    ctx.warn(&format!(
        "this clone is shallow, so revision histories stop early and older releases may be missing: {}",
        crate::git::SHALLOW_HELP
    ))
}

fn warn_partial(ctx: &Context, remote: &str) -> anyhow::Result<()> {
    ctx.warn(&format!(
        "{}, so older releases may be missing: {}",
        crate::git::partial_clone_words(remote),
        crate::git::partial_clone_help(remote)
    ))
}

/// Why the site could not be built, with the fix: git that cannot be read, then as
/// [`refusal`].
pub(super) fn build_stop(ctx: &Context, err: SiteError) -> anyhow::Error {
    match err {
        SiteError::GitOpen { source } => super::git_stop(source),
        SiteError::History { source } => {
            let help = source.help().unwrap_or_else(|| {
                "check the repository with `git fsck`; `sop` publishes only with its history".into()
            });
            Stop::usage(
                format!("the git history could not be read, so nothing was published: {source}"),
                Some(help),
            )
            .into()
        }
        SiteError::Config { source } => anyhow::Error::from(crate::repo::RepoError::Config(source)),
        other => refusal(ctx, other),
    }
}

/// SOPs that have release tags but no file at `HEAD` any more: deleted rather than retired, or
/// given another id. Their pages are gone from the site; say so, with the way back. Only the
/// names of the tags are read.
fn gone_notes(inputs: &site::Inputs) -> anyhow::Result<Vec<String>> {
    let Some(git) = &inputs.history.git else {
        return Ok(Vec::new());
    };
    let histories = &inputs.history.histories;
    let known = |id: &str| {
        histories.contains_key(id) || inputs.corpus.sops.iter().any(|s| s.id() == Some(id))
    };
    let gone = git.released_ids(&inputs.repo.settings)?;
    Ok(gone
        .iter()
        .filter(|(id, _)| !known(id))
        .map(|(id, tag)| {
            format!(
                "`{id}` is not published: no SOP file has this id any more, though its releases are tagged (the last is `{tag}`); if it was deleted, its page and the links to it are gone: restore it (`git show {tag}:<its path>`) and retire it instead (`status: retired`, then `sop release {id}`); if its id was changed, nothing is lost"
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::select::NotReleased;

    fn sop(n: usize, retired: bool) -> NotReleased {
        NotReleased {
            id: format!("SOP-{n:04}"),
            path: format!("sops/a/SOP-{n:04}-a.md"),
            version: Some("1.2.0".into()),
            retired,
        }
    }

    #[test]
    fn unreleased_sops_are_named_with_advice_that_fits() {
        let notes = not_released_notes(&[sop(1, false)], 3);
        assert_eq!(
            notes,
            [
                "`SOP-0001` (`sops/a/SOP-0001-a.md`) is published from the last commit, not from a release, so no approval record says who approved it: to record it, run `sop release SOP-0001 --version 1.2.0 -m \"First approved version\" --approve --approver \"Name <name@example.com>\"` (the real name of who approved it in place of `Name <name@example.com>`)"
            ]
        );
        let notes = not_released_notes(&[sop(9, true)], 3);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].starts_with("`SOP-0009` (`sops/a/SOP-0009-a.md`) is published as retired")
        );
        assert!(
            notes[0].contains("`sop release SOP-0009 --patch -m \"Retired\"`"),
            "{}",
            notes[0]
        );
        assert!(!notes[0].contains("--approve"), "{}", notes[0]);
        let many: Vec<NotReleased> = (1..=5).map(|n| sop(n, false)).collect();
        let notes = not_released_notes(&many, 3);
        assert!(
            notes[0].starts_with("`SOP-0001` (`sops/a/SOP-0001-a.md`), `SOP-0002` (`sops/a/SOP-0002-a.md`), `SOP-0003` (`sops/a/SOP-0003-a.md`) and 2 more (`sop publish -v` lists them all) are published"),
            "{}",
            notes[0]
        );
        assert!(
            notes[0].contains("`sop release SOP-0001 --version 1.2.0"),
            "{}",
            notes[0]
        );
        assert!(not_released_notes(&[], 3).is_empty());
    }
}
