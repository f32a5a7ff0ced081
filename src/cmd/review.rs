//! `sop review <ID>`: record a periodic review in which nothing changed. Sets `last_reviewed`
//! to today (and `next_review`, when the SOP keeps an explicit date), commits that file alone
//! like `sop release`, with the trailer `Sop-Review: <id>` so history shows it as a review.
//! No version bump, no tag.

use std::io::Write;

use super::Context;
use super::find_sop;
use super::release::{begin, check_can_commit, check_front_matter_readable, commit_refusal};
use crate::cli::ReviewArgs;
use crate::git::approval::approve_command;
use crate::git::history::REVIEW_TRAILER;
use crate::git::transaction;
use crate::repo::edit::{self, NewValue};
use crate::repo::{Sop, Status, dates};
use crate::site::select::Shown;
use crate::terminal::escape_line;
use crate::{Exit, Stop};

/// Run `sop review`.
///
/// # Errors
/// Refusals (exit 1) with the reason and the fix; git or file errors.
pub(super) fn run(ctx: &Context, args: &ReviewArgs) -> anyhow::Result<Exit> {
    if let Some(note) = &args.message {
        super::release::check_written_text(note, "the note (`-m`)")?;
    }
    let repo = ctx.repo()?;
    let git = ctx.require_full_history(&repo, "`sop review` (it commits the review)")?;
    let session = begin(ctx, git)?;
    let git = session.git();
    let corpus = repo.load();
    let sop = find_sop(&corpus, &args.id)?;
    let id = sop.id().unwrap_or(&args.id).to_string();
    check_front_matter_readable(sop, "reviewed")?;
    check_can_commit(git, sop)?;
    // A periodic review confirms text in force; a retired SOP is in force no more (unless its
    // retirement takes effect later: the version in force until then is said first).
    if sop.status() == Some(Status::Retired) {
        check_text_is_approved(&repo, git, &corpus, &id)?;
        return Err(Stop::refused(
            format!(
                "{id} is retired: a periodic review confirms text that is in force, and a retired SOP is not (`sop due` leaves it out), so there is nothing to review"
            ),
            Some(format!(
                "to put it back in force, set `status: approved` in its front matter and release it with {}",
                approve_command(&id, "--minor", "Back in force")
            )),
        )
        .into());
    }
    if sop.status() != Some(Status::Approved) {
        let status = sop
            .meta
            .status
            .as_ref()
            .map_or_else(|| "not set".to_string(), |s| format!("`{}`", s.value));
        return Err(Stop::refused(
            format!(
                "{id} is not approved (its status is {status}): a periodic review confirms text that was approved"
            ),
            Some(format!(
                "approve it first with {}",
                approve_command(&id, "--patch", "Approved after review")
            )),
        )
        .into());
    }
    let text = sop.source.text();
    match git.file_at_head(&sop.path)? {
        None => {
            return Err(Stop::refused(
                format!(
                    "`{}` is not committed yet, so there is nothing to review",
                    sop.path
                ),
                Some(format!(
                    "release it first: `sop release {id} --version 1.0.0 -m \"First version\"`"
                )),
            )
            .into());
        }
        // Line endings alone (a Windows editor, git's `core.autocrlf`) are no change.
        Some(committed) if !crate::repo::encoding::same_text(&committed, text) => {
            return Err(Stop::refused(
                format!(
                    "`{}` has changes that are not committed: a review records that nothing changed",
                    sop.path
                ),
                Some(format!(
                    "release the changes with `sop release {id} --patch -m \"...\"` (or commit or undo them), then review"
                )),
            )
            .into());
        }
        Some(_) => {}
    }
    check_text_is_approved(&repo, git, &corpus, &id)?;
    // A review says the SOP is still right; errors in it deserve a second look, not a refusal.
    let errors = crate::lint::check_sop(&repo, &corpus, &sop.path)
        .map(|f| {
            f.iter()
                .filter(|f| f.severity == crate::diag::Severity::Error)
                .filter(|f| f.rule.family != crate::diag::Family::Lifecycle)
                .count()
        })
        .unwrap_or(0);
    if errors > 0 {
        ctx.warn(&format!(
            "`{}` has {}: the review is recorded, but run `sop lint {}` and fix {}",
            sop.path,
            crate::words::count(errors, "lint error"),
            crate::words::shell_word(&sop.path),
            crate::words::plural(errors, "it", "them")
        ))?;
    }

    let today = dates::today();
    let mut edits = vec![("last_reviewed", NewValue::Text(today.to_string()))];
    let next = next_review(&repo.settings, sop, args.next.as_deref(), today)?;
    if let Some(next) = &next
        && sop.meta.next_review.is_some()
    {
        edits.push(("next_review", NewValue::Text(next.to_string())));
    }
    let new_text = edit::set_keys_named(text, &edits, &repo.settings.keys).map_err(|e| {
        Stop::refused(
            format!("cannot update the front matter of `{}`: {e}", sop.path),
            Some("fix the front matter first (`sop lint` shows where)".to_string()),
        )
    })?;
    let note = args
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let message = match note {
        Some(n) => format!("Review {id}: {n}\n\n{REVIEW_TRAILER}: {id}\n"),
        None => format!("Review {id}: no changes needed\n\n{REVIEW_TRAILER}: {id}\n"),
    };
    let change = transaction::Change {
        path: &sop.path,
        identity: (&id, sop.language()),
        old_text: text,
        new_text: &new_text,
        message: &message,
        tag: None,
        no_sign: false,
    };
    let committed = session
        .commit(&change)
        .map_err(|e| commit_refusal(e, &sop.path))?;
    // `-q` prints errors only: the commit says what was done.
    if ctx.quiet {
        return Ok(Exit::Success);
    }
    let mut out = anstream::stdout().lock();
    let bold = anstyle::Style::new().bold();
    let version = sop
        .meta
        .version
        .as_ref()
        .map_or_else(|| "-".to_string(), |v| v.value.clone());
    let (id, version) = (escape_line(&id), escape_line(&version));
    writeln!(out, "{bold}Reviewed {id} {version}{bold:#}")?;
    writeln!(out, "  last reviewed  {today}")?;
    if let Some(next) = next {
        writeln!(out, "  next review    {next}")?;
    }
    writeln!(
        out,
        "  commit         {}  {}",
        committed.short,
        escape_line(message.lines().next().unwrap_or_default())
    )?;
    Ok(Exit::Success)
}

/// The next review date after a review today: `--next`, else the cadence from today. `--next`
/// is refused for SOPs that count reviews with a cadence.
fn next_review(
    settings: &crate::repo::Settings,
    sop: &Sop,
    next: Option<&str>,
    today: dates::Date,
) -> anyhow::Result<Option<dates::Date>> {
    let explicit = sop.meta.next_review.is_some();
    if let Some(text) = next {
        if !explicit {
            let cadence = sop
                .review_cadence(settings)
                .map_or_else(|| "its review cadence".to_string(), |c| format!("`{c}`"));
            return Err(Stop::refused(
                format!(
                    "`{}` has no `next_review` date: its next review comes {cadence} after the last one",
                    sop.path
                ),
                Some("leave out `--next`, or change the SOP to use `next_review: YYYY-MM-DD` instead of `review_every`".to_string()),
            )
            .into());
        }
        let date = dates::parse_date(text).map_err(|_| {
            Stop::usage(
                format!("`--next {text}` is not a date"),
                Some("write it as YYYY-MM-DD, for example `--next 2027-06-01`".to_string()),
            )
        })?;
        if date <= today {
            return Err(Stop::usage(
                format!("`--next {text}` is not after today ({today})"),
                Some("give a date in the future".to_string()),
            )
            .into());
        }
        return Ok(Some(date));
    }
    Ok(sop.review_cadence(settings).and_then(|c| c.after(today)))
}

/// Refuse a review of an SOP whose committed text is a version approved to take effect on a
/// later date: the version in force is an earlier one, whose review dates the site and `sop
/// due` show, and the review would change the dates of the version to come.
fn check_in_force(entry: &crate::site::select::Entry<'_>, id: &str) -> anyhow::Result<()> {
    // Newest first: the one committed, whose dates a review would change.
    let Some(next) = entry.upcoming.first() else {
        return Ok(());
    };
    let id = escape_line(id);
    let now = entry.sop.meta.version.as_ref().map_or_else(
        || "-".to_string(),
        |v| escape_line(v.value.trim()).into_owned(),
    );
    let (version, date) = (escape_line(&next.version), &next.effective);
    Err(Stop::refused(
        format!(
            "{id} version {version} takes effect on {date}: version {now} is in force today, and a review recorded now would change the review dates of version {version}, not those of version {now} that readers see"
        ),
        Some(format!(
            "until {date} readers see version {now}, and `sop due` shows its review dates; on {date} version {version} takes effect with its own, and the review of version {now} is no longer due. To make version {version} take effect sooner, release it again with an earlier date: {}",
            approve_command(&id, "--patch --effective YYYY-MM-DD", "Takes effect sooner")
        )),
    )
    .into())
}

/// Refuse a review of committed text that was never approved: the SOP was released and
/// approved, then changed and committed without a new release. Readers still see the approved
/// release (`sop publish`), so recording a review would say that text nobody approved is right.
/// Nor is the review of a version approved to take effect later recorded ([`check_in_force`]).
fn check_text_is_approved(
    repo: &crate::repo::Repo,
    git: &crate::git::Repo,
    corpus: &crate::repo::Corpus,
    id: &str,
) -> anyhow::Result<()> {
    let histories = git.histories(&repo.settings)?;
    // The version in force today, as the site shows it; the committed text is checked against
    // the newest approved release, which may take effect later.
    let today = dates::today();
    let selection = crate::site::current(repo, Some(git), corpus, &histories, Some(today))?;
    let Some(entry) = selection.entries.iter().find(|e| e.id == id) else {
        return Ok(());
    };
    let newest = entry.archived.first().map(|a| a.release).or(entry.release);
    // Uncommitted changes were refused before (line endings alone are none), so text newer
    // than the approved release is committed text, whatever the working copy's line endings.
    let (Shown::Released { pending: Some(p) }, Some(release)) = (&entry.shown, newest) else {
        return check_in_force(entry, id);
    };
    let (id, approved) = (escape_line(id), escape_line(&release.version));
    let now = match p.version.as_deref() {
        Some(v) if v != release.version => format!(" (it now says version {})", escape_line(v)),
        _ => String::new(),
    };
    Err(Stop::refused(
        format!(
            "{id} changed after version {approved} was approved{now}: a review records that the approved text is still right, and the committed text is not the approved one"
        ),
        Some(format!(
            "see what changed with `sop diff {id} {approved}`; to approve the new text, release it with {}, or undo the change and commit that",
            approve_command(&id, "--patch", "...")
        )),
    )
    .into())
}
