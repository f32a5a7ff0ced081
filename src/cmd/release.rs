//! `sop release <ID>`: bump an SOP's version, set its dates (and approval), commit that file
//! alone with the summary as message, and create the annotated tag `<id>/v<version>`.
//!
//! An SOP whose file says `status: retired` is released as retired: a retirement is a release
//! of its own, which the published site shows as retired. With `--approve` its approvers are
//! recorded like any approval; it stays `retired`.
//!
//! Everything that can refuse is checked before the file is touched; if the commit then fails,
//! the file is put back as it was.

use std::io::Write;

use semver::Version;

use super::{Context, find_sop};
use crate::cli::ReleaseArgs;
use crate::git::{approval, transaction};
use crate::repo::edit::{self, NewValue};
use crate::repo::{Corpus, Repo, Sop, Status, dates};
use crate::words::shell_word;
use crate::{Exit, Stop};

/// Run `sop release`.
///
/// # Errors
/// Refusals (exit 1) with the reason and the fix; usage errors for bad dates or versions;
/// git or file errors.
pub(super) fn run(ctx: &Context, args: &ReleaseArgs) -> anyhow::Result<Exit> {
    check_written_text(&args.message, "the summary (`-m`)")?;
    for approver in &args.approver {
        check_one_line(approver, "--approver", APPROVER_HELP)?;
    }
    if let Some(meaning) = &args.meaning {
        check_one_line(meaning, "--meaning", MEANING_HELP)?;
    }
    let repo = ctx.repo()?;
    let git = ctx.require_full_history(&repo, "`sop release` (it commits and tags the SOP)")?;
    let session = begin(ctx, git)?;
    let git = session.git();
    let corpus = repo.load();
    let sop = find_sop(&corpus, &args.id)?;
    let id = sop.id().unwrap_or(&args.id).to_string();
    check_front_matter_readable(sop, "released")?;
    check_can_commit(git, sop)?;
    // A retirement keeps `retired`: it takes the SOP out of force on the site.
    let retiring = sop.status() == Some(Status::Retired);
    if retiring {
        check_retirement(sop, &id)?;
    }

    let released = git.releases_of(&repo.settings, &id)?;
    let last = released
        .iter()
        .filter_map(|r| Version::parse(&r.version).ok())
        .max();
    let current = sop.version();
    let new = new_version(args, sop, current.as_ref())?;
    let tag = repo.settings.tag_name(&id, &new.to_string());
    if git.tag_exists(&tag)? {
        return Err(Stop::refused(
            format!("the tag `{tag}` exists already: version {new} of {id} was released before"),
            Some(format!(
                "release a higher version, for example `--version {}`",
                bump(&new, Bump::Patch)
            )),
        )
        .into());
    }

    if let Some(last) = &last
        && new <= *last
    {
        return Err(Stop::refused(
            format!("version {new} does not come after the last release of {id}, {last}"),
            Some(format!(
                "release a higher version, for example `--version {}`",
                bump(last, Bump::Minor)
            )),
        )
        .into());
    }
    if let Some(cur) = &current
        && new < *cur
    {
        return Err(Stop::refused(
            format!("version {new} is lower than the version in the file, {cur}"),
            Some(format!(
                "release {cur} as it is with `--version {cur}`, or a higher version"
            )),
        )
        .into());
    }
    let today = dates::today();
    // The previous release's effective date: a new version never takes effect before it, or
    // a release made west of the last one (its "today" a day behind) would go back in time.
    let previous = match &last {
        Some(v) => previous_effective(git, &repo, sop, &id, v)?,
        None => None,
    };
    let effective = match &args.effective {
        Some(text) => {
            let date = dates::parse_date(text).map_err(|_| {
                Stop::usage(
                    format!("`--effective {text}` is not a date"),
                    Some("write it as YYYY-MM-DD, for example `--effective 2026-12-01`".into()),
                )
            })?;
            if let Some((v, before)) = previous.as_ref().filter(|(_, d)| date < *d) {
                return Err(Stop::refused(
                    format!(
                        "`--effective {text}` is earlier than the effective date of the previous release of {id}, {v} ({before})"
                    ),
                    Some(format!(
                        "a new version takes effect on or after the one it replaces: give `--effective {before}` or a later date"
                    )),
                )
                .into());
            }
            date
        }
        None => previous
            .as_ref()
            .map_or(today, |(_, before)| today.max(*before)),
    };
    // A date after today: the site keeps showing the version in force until then.
    let later = effective > today;
    let raised = args.effective.is_none() && later;
    let effective = effective.to_string();
    let approvals = if args.approve {
        approvals(git, &repo, &id, args, &today.to_string(), retiring)?
    } else {
        Vec::new()
    };
    let mut edits: Vec<(&str, NewValue)> = vec![
        ("version", NewValue::Text(new.to_string())),
        ("effective", NewValue::Text(effective.clone())),
        ("last_reviewed", NewValue::Text(today.to_string())),
    ];
    if retiring {
        // Approved or not, a retirement stays retired; `approvers` names who approved this
        // retirement, and no one without `--approve`: an earlier approval never carries over.
        edits.push(("status", NewValue::Text("retired".into())));
        edits.push((
            "approvers",
            NewValue::List(approvals.iter().map(|a| a.name.clone()).collect()),
        ));
    } else if args.approve {
        edits.push(("status", NewValue::Text("approved".into())));
        edits.push((
            "approvers",
            NewValue::List(approvals.iter().map(|a| a.name.clone()).collect()),
        ));
    } else {
        // New text is not approved by anyone yet: an earlier approval never carries over.
        edits.push(("status", NewValue::Text("review".into())));
        edits.push(("approvers", NewValue::List(Vec::new())));
    }
    let old_text = sop.source.text();
    let new_text = edit::set_keys_named(old_text, &edits, &repo.settings.keys).map_err(|e| {
        Stop::refused(
            format!("cannot update the front matter of `{}`: {e}", sop.path),
            Some("fix the front matter first (`sop lint` shows where)".to_string()),
        )
    })?;
    let released_sop = Sop::parse_in(sop.path.clone(), new_text.clone(), &repo.settings);
    check_lint(&repo, &corpus, &released_sop, old_text, args, retiring)?;

    let had_staged = git.has_staged_change(&sop.path)?;
    let summary = args.message.trim();
    let (first, rest) = summary.split_once('\n').unwrap_or((summary, ""));
    let trailers = approval::trailers(&approvals);
    let mut message = format!("{id} v{new}: {}\n", first.trim());
    let mut tag_message = format!("{}\n", first.trim());
    for body in [rest.trim(), trailers.trim_end()] {
        if !body.is_empty() {
            message.push_str(&format!("\n{body}\n"));
            tag_message.push_str(&format!("\n{body}\n"));
        }
    }
    let language = sop.language();
    let change = transaction::Change {
        path: &sop.path,
        identity: (&id, language),
        old_text,
        new_text: &new_text,
        message: &message,
        tag: Some((&tag, &tag_message)),
        no_sign: args.no_sign,
    };
    let committed = session
        .commit(&change)
        .map_err(|e| commit_refusal(e, &sop.path))?;
    // `-q` prints errors only: the commit and the tag say what was done.
    if ctx.quiet {
        return Ok(Exit::Success);
    }

    let mut out = anstream::stdout().lock();
    let bold = anstyle::Style::new().bold();
    // From the last release, not from the file's version, which a writer may have raised by
    // hand before releasing it.
    let from = last.map_or_else(
        || format!("{new}, its first release"),
        |v| format!("{v} → {new}"),
    );
    let status = if retiring && args.approve {
        " (retired: the retirement is approved)"
    } else if retiring {
        " (retired)"
    } else if args.approve {
        " (approved)"
    } else {
        " (in review: not approved)"
    };
    writeln!(out, "{bold}Released {id} {from}{status}{bold:#}")?;
    writeln!(out, "  effective  {effective}")?;
    if raised && let Some((v, _)) = &previous {
        ctx.note(&format!(
            "note: the effective date is that of the previous release, {v}: today's date here ({today}) is earlier, and a new version never takes effect before the one it replaces"
        ))?;
    }
    for a in &approvals {
        writeln!(
            out,
            "  approved   {} on {}: {}",
            crate::terminal::escape_controls(&a.person()),
            a.date,
            crate::terminal::escape_controls(&a.meaning)
        )?;
    }
    writeln!(
        out,
        "  commit     {}  {}{}",
        committed.short,
        crate::terminal::escape_controls(message.lines().next().unwrap_or_default()),
        if committed.signed { " (signed)" } else { "" }
    )?;
    writeln!(out, "  tag        {tag}")?;
    if had_staged {
        ctx.note(&format!(
            "note: `{}` had staged changes; the release committed the file as it was on disk",
            sop.path
        ))?;
    }
    if retiring {
        let instead = match released_sop.meta.superseded_by.as_ref() {
            Some(next) => {
                let next = crate::terminal::escape_controls(next.value.trim());
                // The page links to the successor once the site shows it.
                let in_force = corpus.originals().into_iter().any(|s| {
                    s.id() == Some(&*next)
                        && matches!(s.status(), Some(Status::Approved | Status::Retired))
                });
                if in_force {
                    format!(", pointing readers to {next}")
                } else {
                    format!(
                        "; it points readers to {next} once {next} is approved and released (it is not yet)"
                    )
                }
            }
            None => String::new(),
        };
        if later {
            ctx.note(&format!(
                "note: from {effective} the published site shows {id} as retired, no longer in force{instead}; until then readers see the version in force today"
            ))?;
        } else {
            ctx.note(&format!(
                "note: the published site shows {id} as retired, no longer in force{instead}"
            ))?;
        }
    } else if args.approve && later {
        // An earlier approval on record: that version is in force until then.
        let until_then = if released.iter().any(|r| !r.approvals.is_empty()) {
            "the version in force today, with a notice of when this one takes effect"
        } else {
            "the version in force today, with a notice of when this one takes effect (with no version in force, they see this one, marked as not in force yet)"
        };
        ctx.note(&format!(
            "note: {id} {new} takes effect on {effective}: until then readers of the published site see {until_then}"
        ))?;
    } else if !args.approve {
        // Whether an earlier release was approved is known for sure only from its approval
        // record: with one, say so; otherwise say what holds either way.
        let shown = if released.iter().any(|r| !r.approvals.is_empty()) {
            format!("the site keeps showing the last approved release of {id}")
        } else {
            format!("the site shows {id} only from a release that was approved")
        };
        ctx.note(&format!(
            "note: {shown}; once this one is reviewed, approve it with {}",
            approval::approve_command(&id, "--patch", "Approved after review")
        ))?;
    }
    if let Some(hint) = session.git().push_hint(&tag) {
        ctx.note(&hint)?;
    }
    Ok(Exit::Success)
}

/// The version and effective date of the release `version` of `sop` (the last one), read from
/// its tag; `None` when the tag or its date cannot be read.
///
/// # Errors
/// When the repository cannot be read.
fn previous_effective(
    git: &crate::git::Repo,
    repo: &Repo,
    sop: &Sop,
    id: &str,
    version: &Version,
) -> anyhow::Result<Option<(Version, dates::Date)>> {
    let tag = repo.settings.tag_name(id, &version.to_string());
    let Some(text) = git.file_at_tag(&tag, &sop.path)? else {
        return Ok(None);
    };
    let released = Sop::parse_in(sop.path.clone(), text, &repo.settings);
    Ok(released
        .date(released.meta.effective.as_ref())
        .map(|d| (version.clone(), d)))
}

/// How to give approvers, for a refused `--approver`.
pub(super) const APPROVER_HELP: &str = "give each person with an `--approver` of their own, on one line: `--approver \"Name <name@example.com>\"` (repeat `--approver` for several people)";

/// How to give a meaning, for a refused `--meaning`.
const MEANING_HELP: &str =
    "write the meaning on one line, for example `--meaning \"approved for use in EU markets\"`";

/// Refuse `value` of `flag` when it holds a line break or another control character: it is
/// written as one trailer line, and a line break in it would start a line of its own that
/// git, and `sop`, read as a record (`Approved-by: ...`). Refused rather than cleaned, so that
/// what is recorded is what the writer typed.
///
/// # Errors
/// A refusal (exit 1) naming the flag and the value, with `help`.
pub(super) fn check_one_line(value: &str, flag: &str, help: &str) -> anyhow::Result<()> {
    if !value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Ok(());
    }
    Err(Stop::refused(
        format!(
            "the text given with `{flag}` has a line break or control character in it: `{}`; nothing was changed",
            crate::terminal::escape_line(value)
        ),
        Some(help.to_string()),
    )
    .into())
}

/// Refuse a summary or note (`what`, such as "the summary (`-m`)") with a line that git and
/// `sop` would read as one of `sop`'s records (`Approved-by:`, `Approved-on:`,
/// `Approval-meaning:`, `Sop-Review:`), or as the start of a signature. Trailers are read only
/// from the end of a message, which `sop` writes itself, but a summary's last paragraph is the
/// end of the message when nothing follows it: refusing keeps every record one that `sop`
/// wrote, and keeps the summary exactly as typed (rewriting it would change what readers and
/// approvers see without telling them).
///
/// # Errors
/// A refusal (exit 1) naming the line, with how to write it instead.
pub(super) fn check_written_text(text: &str, what: &str) -> anyhow::Result<()> {
    for (i, line) in text.lines().enumerate() {
        let shown = crate::terminal::escape_line(line.trim());
        let (why, help) = if let Some(key) = crate::git::trailers::sop_key_of(line) {
            let record = if key == crate::git::trailers::REVIEW {
                "that a review was done"
            } else {
                "who approved a release"
            };
            // Where the record really comes from: `sop release --approve --approver` for an
            // approval, `sop review` for a review.
            let how = if key == crate::git::trailers::REVIEW {
                "a review is recorded by `sop review ID` itself"
            } else if what.contains("note") {
                "approvers are named in `sop release ID --approve --approver \"Name <name@example.com>\"`, which records them itself"
            } else {
                "approvers are named with `--approver \"Name <name@example.com>\"` and recorded by sop itself"
            };
            (
                format!("starts with `{key}:`, which sop uses to record {record}"),
                format!(
                    "write that line another way, without the colon after `{key}` (for example `{} ...`); {how}",
                    key.replace('-', " ")
                ),
            )
        } else if crate::git::trailers::starts_signature(line.trim_start()) {
            (
                "starts like a signature, which git cuts from the message".to_string(),
                "write that line another way, without the dashes".to_string(),
            )
        } else {
            continue;
        };
        return Err(Stop::refused(
            format!(
                "line {} of {what}, `{shown}`, {why}; nothing was changed",
                i + 1
            ),
            Some(help),
        )
        .into());
    }
    Ok(())
}

/// Take the repository's release lock, saying what happened to an interrupted release.
///
/// # Errors
/// A refusal when another release runs; git errors.
pub(super) fn begin(ctx: &Context, git: crate::git::Repo) -> anyhow::Result<transaction::Session> {
    let session = transaction::Session::begin(git).map_err(|e| match e {
        transaction::CommitError::Busy => Stop::refused(
            "another release is running in this repository (`sop release` or `sop review`)",
            Some("wait until it has finished, then run this again".to_string()),
        )
        .into(),
        other => anyhow::Error::new(other),
    })?;
    if let Some(note) = &session.recovered {
        ctx.note(&format!("note: {}", crate::terminal::escape_controls(note)))?;
    }
    Ok(session)
}

/// The approvals given with `--approver`, checked against `[release] four_eyes`.
fn approvals(
    git: &crate::git::Repo,
    repo: &Repo,
    id: &str,
    args: &ReleaseArgs,
    today: &str,
    retiring: bool,
) -> anyhow::Result<Vec<approval::Approval>> {
    // A retirement's approvers approve taking the SOP out of force, not its use.
    let meaning = args.meaning.as_deref().unwrap_or(if retiring {
        approval::RETIREMENT_MEANING
    } else {
        approval::DEFAULT_MEANING
    });
    let given: Vec<approval::Approval> = args
        .approver
        .iter()
        .filter_map(|a| approval::Approval::parse_person(a, today, meaning))
        .collect();
    if given.is_empty() {
        return Err(Stop::refused(
            format!("{id} cannot be approved without naming who approved it"),
            Some(format!(
                "name who approved this exact text in place of `Name <name@example.com>`: `{}` (repeat `--approver` for several)",
                crate::terminal::escape_line(&again_with_approver(id, args))
            )),
        )
        .into());
    }
    if repo.settings.config.release.four_eyes {
        let me = git.user_names();
        let is_me = |a: &approval::Approval| {
            me.iter().any(|m| {
                m.eq_ignore_ascii_case(&a.name)
                    || a.email.as_ref().is_some_and(|e| m.eq_ignore_ascii_case(e))
            })
        };
        if given.iter().all(is_me) {
            return Err(Stop::refused(
                format!(
                    "{id} cannot be approved by the person who releases it alone: `[release] four_eyes` is on in `sop.toml`"
                ),
                Some("add a second approver with `--approver \"Name <email>\"`, or let the approver run the release".to_string()),
            )
            .into());
        }
    }
    Ok(given)
}

/// The writer's own `sop release` command with `--approver` added, whole, to paste:
/// `sop release SOP-0001 --minor -m "First approved version" --approve --approver "Name <name@example.com>"`.
fn again_with_approver(id: &str, args: &ReleaseArgs) -> String {
    let mut words = vec!["sop".to_string(), "release".to_string(), shell_word(id)];
    let bump = if args.major {
        "--major".to_string()
    } else if args.minor {
        "--minor".to_string()
    } else if let Some(v) = &args.version {
        format!("--version {}", shell_word(v))
    } else {
        "--patch".to_string()
    };
    words.push(bump);
    words.push(format!("-m {}", shell_word(&args.message)));
    if let Some(date) = &args.effective {
        words.push(format!("--effective {}", shell_word(date)));
    }
    if let Some(meaning) = &args.meaning {
        words.push(format!("--meaning {}", shell_word(meaning)));
    }
    if args.no_sign {
        words.push("--no-sign".to_string());
    }
    if args.allow_lint_errors {
        words.push("--allow-lint-errors".to_string());
    }
    words.push("--approve --approver \"Name <name@example.com>\"".to_string());
    words.join(" ")
}

/// Refuse to retire an SOP that tells its readers neither what replaces it nor why it was
/// retired: the published page would leave them with nothing to follow. Not overridden by
/// `--allow-lint-errors`.
fn check_retirement(sop: &Sop, id: &str) -> anyhow::Result<()> {
    let named = |v: &Option<crate::repo::sop::Spanned<String>>| {
        v.as_ref().is_some_and(|v| !v.value.trim().is_empty())
    };
    if named(&sop.meta.superseded_by) || named(&sop.meta.retired_reason) {
        return Ok(());
    }
    Err(Stop::refused(
        format!(
            "`{}` says `status: retired` but names neither the SOP that replaces it nor why it was retired, so {id} is not released",
            sop.path
        ),
        Some(format!(
            "add `superseded_by: <id of the SOP that replaces it>` or `retired_reason: <one sentence on why>` to the front matter, then run this again (or, if {id} stays in use, set its status back)"
        )),
    )
    .into())
}

/// Refuse the release while the text to release has errors: with `--approve` every error
/// (template prompts are errors in approved text), otherwise every error but the lifecycle
/// ones (a retirement keeps them: they say whether readers learn what to follow instead),
/// unless `--allow-lint-errors`.
/// `sop` is the text as released; `file_text` the file as it is, whose line numbers the writer
/// sees.
fn check_lint(
    repo: &Repo,
    corpus: &Corpus,
    sop: &Sop,
    file_text: &str,
    args: &ReleaseArgs,
    retiring: bool,
) -> anyhow::Result<()> {
    if args.allow_lint_errors && !args.approve {
        return Ok(());
    }
    let findings = crate::lint::check_new_text(repo, corpus, sop)?;
    let in_file = crate::git::diff::old_line_numbers(file_text, sop.source.text());
    // Each finding counts once. Findings alike on one line (three prompts on it) are one
    // entry that says how many; a long list ends with how many findings it leaves out.
    let mut entries: Vec<(String, usize)> = Vec::new();
    for f in findings
        .iter()
        .filter(|f| f.severity == crate::diag::Severity::Error)
        .filter(|f| args.approve || retiring || f.rule.family != crate::diag::Family::Lifecycle)
    {
        let line = f.span.map_or(1, |s| sop.source.line_col(s.start).line);
        let place = match in_file.get(line.saturating_sub(1)).copied().flatten() {
            Some(line) => format!("line {line}"),
            None => "in the front matter this release writes".to_string(),
        };
        let text = format!(
            "{place}: {} [{}]",
            crate::terminal::escape_controls(&f.message),
            f.rule.id
        );
        match entries.last_mut() {
            Some((last, n)) if *last == text => *n += 1,
            _ => entries.push((text, 1)),
        }
    }
    let count: usize = entries.iter().map(|(_, n)| n).sum();
    if count == 0 {
        return Ok(());
    }
    const SHOWN: usize = 8;
    let mut errors: Vec<String> = entries
        .iter()
        .take(SHOWN)
        .map(|(text, n)| match (*n, text.split_once(": ")) {
            (1, _) | (_, None) => text.clone(),
            (n, Some((place, rest))) => format!("{place} ({n} times): {rest}"),
        })
        .collect();
    let shown: usize = entries.iter().take(SHOWN).map(|(_, n)| n).sum();
    if count > shown {
        errors.push(format!("… and {} more", count - shown));
    }
    let (what, help) = if args.approve {
        (
            "so it cannot be approved",
            format!(
                "fix them (`sop lint {}` shows them all), then approve; an approved SOP must not hold errors or template prompts",
                shell_word(&sop.path)
            ),
        )
    } else {
        (
            "so it is not released",
            format!(
                "fix them (`sop lint {}` shows them all), or release anyway with `--allow-lint-errors`",
                shell_word(&sop.path)
            ),
        )
    };
    Err(Stop::refused(
        format!(
            "`{}` has {}, {what}:\n{}",
            sop.path,
            crate::words::count(count, "error"),
            errors
                .iter()
                .map(|e| format!("  - {e}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Some(help),
    )
    .into())
}

/// A refusal with plain words and the command to run for what the commit transaction
/// refused; other errors pass through.
pub(super) fn commit_refusal(err: transaction::CommitError, path: &str) -> anyhow::Error {
    use transaction::CommitError as E;
    let help = match &err {
        E::Busy => "wait until the other release has finished, then run this again".to_string(),
        E::IndexLocked { path } => format!(
            "another git program (an editor, `git commit`, a GUI) is working in this repository: wait for it and run this again; if none is running, a crashed one left the lock behind: delete `{}` and run this again",
            path.display()
        ),
        E::RefLocked { path, .. } => format!(
            "another git program is updating it: wait and run this again; if none is running, delete `{}` and run this again",
            path.display()
        ),
        E::HeadMoved { .. } => {
            "another commit landed meanwhile: run this again (nothing was changed)".to_string()
        }
        E::TagExists { .. } => "release a higher version".to_string(),
        E::Symlink { .. } => format!(
            "`sop` never writes through a symbolic link: replace `{path}` with the real file (copy the text in place of the link), then run this again"
        ),
        E::UncommittedRename { from, to } => format!(
            "commit the rename first: `git add -A -- {} {} && git commit -m {}`, then run this again",
            shell_word(from),
            shell_word(to),
            shell_word(&format!("Rename {to}"))
        ),
        E::Sign { .. } => "set up signing (`git config user.signingkey <key>`, see `git help config`), or release without a signature with `--no-sign`".to_string(),
        E::Unfinished { .. } => "the release is in git; the next `sop release` or `sop review` first finishes updating git's index and the file (until then `git status` shows what is left)".to_string(),
        E::BadDate { variable, .. } => {
            return Stop::environment(
                format!("{err}, so nothing was committed"),
                Some(format!(
                    "write it as git does, for example `{variable}=\"2026-12-01T10:00:00+01:00\"`, or unset it (`unset {variable}`) to use the time now"
                )),
            )
            .into();
        }
        E::NoIdentity => {
            return Stop::environment(
                format!("{err}, so nothing was committed"),
                Some(IDENTITY_HELP.to_string()),
            )
            .into();
        }
        E::Io { .. } | E::Git(_) => return anyhow::Error::new(err),
    };
    let what = match &err {
        E::Sign { .. } | E::IndexLocked { .. } | E::RefLocked { .. } => {
            format!("{err}; nothing was released")
        }
        _ => err.to_string(),
    };
    Stop::refused(crate::terminal::escape_controls(&what), Some(help)).into()
}

/// What to do when git does not know who commits.
const IDENTITY_HELP: &str = "tell git your name and e-mail: `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com` (leave out `--global` for this repository only), then run this again";

/// Refuse to work on an SOP whose front matter cannot be read (broken YAML): its version,
/// status and dates are unknown, so any other message would name the wrong cause. `what` is the
/// command's action, such as "released".
pub(super) fn check_front_matter_readable(sop: &Sop, what: &str) -> anyhow::Result<()> {
    let Some(span) = sop.unreadable_front_matter() else {
        return Ok(());
    };
    let line = sop.source.line_col(span.start).line;
    Err(Stop::refused(
        format!(
            "the front matter of `{}` cannot be read (line {line}), so it cannot be {what}",
            sop.path
        ),
        Some(format!(
            "fix it first: `sop lint {}` shows where and how",
            shell_word(&sop.path)
        )),
    )
    .into())
}

/// Refuse when git is not ready for a commit of `sop`, or the file has conflict markers.
///
/// # Errors
/// [`Stop::refused`] (exit 1) with the reason and the fix when the repository's state is in the
/// way (a merge, a detached HEAD); [`Stop::environment`] (exit 2) when git itself is not set up
/// (no repository, no user name).
pub(super) fn check_can_commit(git: &crate::git::Repo, sop: &Sop) -> anyhow::Result<()> {
    use crate::git::commit::NotReady;
    if let Some(why) = git.check_ready(&sop.path)? {
        return Err(match why {
            NotReady::NoIdentity => Stop::environment(
                format!("{}, so nothing was committed", why.message()),
                Some(IDENTITY_HELP.to_string()),
            ),
            NotReady::NoRepository => Stop::environment(why.message(), Some(why.help())),
            _ => Stop::refused(why.message(), Some(why.help())),
        }
        .into());
    }
    if let Some(line) = conflict_marker_line(sop.source.text()) {
        return Err(Stop::refused(
            format!(
                "`{}` has a merge conflict marker at line {line}",
                sop.path
            ),
            Some(
                "keep the text you want, remove the `<<<<<<<`, `=======` and `>>>>>>>` lines, then run this again"
                    .to_string(),
            ),
        )
        .into());
    }
    Ok(())
}

/// The 1-based line of the first git conflict marker in `text`.
pub(super) fn conflict_marker_line(text: &str) -> Option<usize> {
    let is_marker =
        |l: &str, m: &str| l == m || l.strip_prefix(m).is_some_and(|r| r.starts_with(' '));
    let opened = text.lines().any(|l| is_marker(l.trim_end(), "<<<<<<<"));
    text.lines().enumerate().find_map(|(i, l)| {
        let l = l.trim_end();
        let hit = is_marker(l, "<<<<<<<")
            || is_marker(l, ">>>>>>>")
            || (opened && (l == "=======" || is_marker(l, "|||||||")));
        hit.then_some(i + 1)
    })
}

#[derive(Debug, Clone, Copy)]
enum Bump {
    Major,
    Minor,
    Patch,
}

fn bump(v: &Version, how: Bump) -> Version {
    match how {
        // Saturating: a version at the numbers' limit cannot grow, and the "version does not
        // increase" refusal says so.
        Bump::Major => Version::new(v.major.saturating_add(1), 0, 0),
        Bump::Minor => Version::new(v.major, v.minor.saturating_add(1), 0),
        Bump::Patch if !v.pre.is_empty() => Version::new(v.major, v.minor, v.patch),
        Bump::Patch => Version::new(v.major, v.minor, v.patch.saturating_add(1)),
    }
}

fn new_version(
    args: &ReleaseArgs,
    sop: &Sop,
    current: Option<&Version>,
) -> anyhow::Result<Version> {
    if let Some(text) = &args.version {
        let text = text.trim().trim_start_matches('v');
        return Version::parse(text).map_err(|_| {
            Stop::usage(
                format!("`--version {text}` is not a version"),
                Some("write three numbers, for example `--version 1.2.0`".to_string()),
            )
            .into()
        });
    }
    let how = if args.major {
        Bump::Major
    } else if args.minor {
        Bump::Minor
    } else {
        Bump::Patch
    };
    let Some(cur) = current else {
        let written = sop
            .meta
            .version
            .as_ref()
            .map_or_else(|| "missing".to_string(), |v| format!("`{}`", v.value));
        return Err(Stop::refused(
            format!(
                "the version in `{}` is {written}, so it cannot be bumped",
                sop.path
            ),
            Some("give the version to release, for example `--version 1.0.0`".to_string()),
        )
        .into());
    };
    Ok(bump(cur, how))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_semver() {
        let v = Version::parse("1.4.2").unwrap();
        assert_eq!(bump(&v, Bump::Major).to_string(), "2.0.0");
        assert_eq!(bump(&v, Bump::Minor).to_string(), "1.5.0");
        assert_eq!(bump(&v, Bump::Patch).to_string(), "1.4.3");
        let pre = Version::parse("2.0.0-rc.1").unwrap();
        assert_eq!(bump(&pre, Bump::Patch).to_string(), "2.0.0");
    }

    #[test]
    fn finds_conflict_markers() {
        let text = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n";
        assert_eq!(conflict_marker_line(text), Some(2));
        assert_eq!(conflict_marker_line("a\n=======\nb\n"), None);
    }
}
