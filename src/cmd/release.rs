//! `sop release <ID>`: bump an SOP's version, set its dates (and approval), commit that file
//! alone with the summary as message, and create the annotated tag `<id>/v<version>`.
//!
//! Everything that can refuse is checked before the file is touched; if the commit then fails,
//! the file is put back as it was.

use std::io::Write;

use anyhow::Context as _;
use semver::Version;

use super::Context;
use crate::cli::ReleaseArgs;
use crate::git::{commit, history};
use crate::repo::config::closest;
use crate::repo::edit::{self, NewValue};
use crate::repo::{Corpus, Repo, Sop, dates};
use crate::{Exit, Stop, atomic};

/// Run `sop release`.
///
/// # Errors
/// Refusals (exit 1) with the reason and the fix; usage errors for bad dates or versions;
/// git or file errors.
pub(super) fn run(ctx: &Context, args: &ReleaseArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    ctx.require_git(&repo, "`sop release` (it commits and tags the SOP)")?;
    let corpus = repo.load();
    let sop = find_sop(&corpus, &args.id)?;
    let id = sop.id().unwrap_or(&args.id).to_string();
    check_can_commit(&repo, sop)?;
    if !args.allow_lint_errors {
        let errors = lint_errors(&repo, &corpus, sop)?;
        if !errors.is_empty() {
            return Err(Stop::refused(
                format!(
                    "`{}` has errors, so it is not released:\n{}",
                    sop.path,
                    errors
                        .iter()
                        .map(|e| format!("  - {e}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
                Some(format!(
                    "fix them (`sop lint {}` shows them all), or release anyway with `--allow-lint-errors`",
                    sop.path
                )),
            )
            .into());
        }
    }

    let released = history::releases_of(&repo.root, &repo.settings, &id)?;
    let last = released
        .iter()
        .filter_map(|r| Version::parse(&r.version).ok())
        .max();
    let current = sop.version();
    let new = new_version(args, sop, current.as_ref())?;
    let tag = repo.settings.tag_name(&id, &new.to_string());
    if commit::tag_exists(&repo.root, &tag)? {
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
    let effective = match &args.effective {
        Some(text) => dates::parse_date(text)
            .map_err(|_| {
                Stop::usage(
                    format!("`--effective {text}` is not a date"),
                    Some("write it as YYYY-MM-DD, for example `--effective 2026-12-01`".into()),
                )
            })?
            .to_string(),
        None => today.to_string(),
    };
    let mut edits: Vec<(&str, NewValue)> = vec![
        ("version", NewValue::Text(new.to_string())),
        ("effective", NewValue::Text(effective.clone())),
        ("last_reviewed", NewValue::Text(today.to_string())),
    ];
    if args.approve {
        let existing: Vec<String> = sop
            .meta
            .approvers
            .as_ref()
            .map(|l| l.value.iter().map(|s| s.value.clone()).collect())
            .unwrap_or_default();
        let given: Vec<String> = args
            .approver
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        if given.is_empty() && existing.is_empty() {
            return Err(Stop::refused(
                format!("{id} cannot be approved without approvers: its `approvers` list is empty"),
                Some(format!(
                    "name who approved this version: `sop release {id} ... --approve --approver \"Lena Fischer\"` (repeat `--approver` for several)"
                )),
            )
            .into());
        }
        edits.push(("status", NewValue::Text("approved".into())));
        if !given.is_empty() {
            edits.push(("approvers", NewValue::List(given)));
        }
    }
    let old_text = sop.source.text();
    let new_text = edit::set_keys(old_text, &edits).map_err(|e| {
        Stop::refused(
            format!("cannot update the front matter of `{}`: {e}", sop.path),
            Some("fix the front matter first (`sop lint` shows where)".to_string()),
        )
    })?;

    if commit::has_staged_change(&repo.root, &sop.path)? {
        ctx.note(&format!(
            "note: `{}` had staged changes; the release commits the file as it is on disk",
            sop.path
        ))?;
    }
    let path = repo.root.join(&sop.path);
    atomic::replace(&path, new_text.as_bytes())
        .with_context(|| format!("cannot write `{}`", sop.path))?;
    let committed = match commit::commit_file(&repo.root, &sop.path, &args.message) {
        Ok(c) => c,
        Err(e) => {
            // Put the file back, so a failed release changes nothing.
            atomic::replace(&path, old_text.as_bytes())
                .with_context(|| format!("cannot restore `{}`", sop.path))?;
            return Err(e.into());
        }
    };
    commit::create_tag(&repo.root, &tag, &committed.id, &args.message).with_context(|| {
        format!(
            "the release commit {} was made, but not its tag: create it with `git tag -a {tag} {} -m \"{}\"`",
            committed.short, committed.short, args.message
        )
    })?;

    let mut out = anstream::stdout().lock();
    let bold = anstyle::Style::new().bold();
    let from = current.map_or_else(|| "-".to_string(), |v| v.to_string());
    let status = if args.approve { " (approved)" } else { "" };
    writeln!(out, "{bold}Released {id} {from} → {new}{status}{bold:#}")?;
    writeln!(out, "  effective  {effective}")?;
    writeln!(
        out,
        "  commit     {}  {}",
        committed.short,
        first_line(&args.message)
    )?;
    writeln!(out, "  tag        {tag}")?;
    ctx.note(&format!(
        "publish it with `git push` and `git push origin {tag}`"
    ))?;
    Ok(Exit::Success)
}

/// The SOP (not a translation) whose id is `id`; a refusal naming close ids otherwise.
///
/// # Errors
/// [`Stop::refused`] when no SOP has that id.
pub(super) fn find_sop<'c>(corpus: &'c Corpus, id: &str) -> anyhow::Result<&'c Sop> {
    let originals = corpus.originals();
    let found = originals.iter().find(|s| s.id() == Some(id)).or_else(|| {
        originals
            .iter()
            .find(|s| s.id().is_some_and(|i| i.eq_ignore_ascii_case(id)))
    });
    if let Some(sop) = found {
        return Ok(sop);
    }
    let ids: Vec<&str> = originals.iter().filter_map(|s| s.id()).collect();
    let mut close: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|known| strsim::jaro_winkler(&id.to_lowercase(), &known.to_lowercase()) >= 0.85)
        .collect();
    close.sort_by(|a, b| {
        let score = |k: &str| strsim::jaro_winkler(&id.to_lowercase(), &k.to_lowercase());
        score(b).total_cmp(&score(a))
    });
    close.truncate(3);
    if close.is_empty()
        && let Some(best) = closest(id, &ids)
    {
        close.push(best);
    }
    let help = if close.is_empty() {
        "`sop list` shows every SOP and its id".to_string()
    } else {
        format!(
            "did you mean {}? (`sop list` shows every id)",
            close
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    };
    Err(Stop::refused(format!("no SOP has the id `{id}`"), Some(help)).into())
}

/// Refuse when git is not ready for a commit of `sop`, or the file has conflict markers.
///
/// # Errors
/// [`Stop::refused`] with the reason and the fix.
pub(super) fn check_can_commit(repo: &Repo, sop: &Sop) -> anyhow::Result<()> {
    if let Some(why) = commit::check_ready(&repo.root, &sop.path)? {
        return Err(Stop::refused(why.message(), Some(why.help())).into());
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

/// The errors that keep `sop` from being released, one line each: every lint error of this
/// SOP except the lifecycle ones (review dates, effective date, approvers), which the release
/// itself sets.
fn lint_errors(repo: &Repo, corpus: &Corpus, sop: &Sop) -> anyhow::Result<Vec<String>> {
    let findings = crate::lint::check_sop(repo, corpus, &sop.path)?;
    Ok(findings
        .iter()
        .filter(|f| f.severity == crate::diag::Severity::Error)
        .filter(|f| f.rule.family != crate::diag::Family::Lifecycle)
        .map(|f| {
            let line = f.span.map_or(1, |s| sop.source.line_col(s.start).line);
            format!("line {line}: {} [{}]", f.message, f.rule.id)
        })
        .collect())
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

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
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
