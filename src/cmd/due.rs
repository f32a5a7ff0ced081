//! `sop due`: reviews overdue or falling due within a period, most late first.
//!
//! The dates are those of the published version of each SOP (what readers see: the last
//! approved release in force today, or the approved committed copy; see `sop publish`), not of
//! a draft in progress nor of a release approved to take effect on a later date; an SOP that
//! is not published is not due.
//!
//! JSON: `{"today", "within", "reviews": [{"id", "title", "owner", "department",
//! "next_review", "days_late", "state", "path"}]}`; `days_late` is negative for reviews still
//! ahead; `state` is `overdue`, `due-soon` (within `[lint] due_soon`), `ok` (further away) or
//! `unknown`. An `unknown` review is one whose date cannot be told (a `next_review` or
//! `review_every` that cannot be read, or no date to count from): it is listed first, whatever
//! `--within` says, with `next_review` and `days_late` `null` and one more field, `problem`,
//! saying what is wrong and how to fix it (only `unknown` reviews have `problem`).
//!
//! An SOP with a release approved to take effect on a later date is reviewed as the version in
//! force until then: its row says when the next version takes effect (the table's WHEN reads
//! `14 days late; 2.0.0 from 2027-01-31`, the JSON adds `upcoming: {"version", "effective"}`,
//! the soonest), since that is when the review of the version in force stops being due.
//!
//! `--fail-on overdue|due-soon` exits with 1 when a review in that state exists, so a scheduled
//! job can fail on it; a review whose date is unknown counts as overdue (it may well be).

use std::io::Write;

use serde::Serialize;

use super::Context;
use crate::cli::{DueArgs, FailOn, ReportFormat};
use crate::repo::dates::{self, Cadence, CadenceError};
use crate::report::{self, DueReview, ReviewState, UnknownReview};
use crate::{Exit, Stop};

#[derive(Serialize)]
struct DueReport<'a> {
    today: String,
    within: String,
    reviews: Vec<Entry<'a>>,
}

/// One review in the JSON: the fields of [`DueReview`] in its order, `null` dates for a review
/// whose date is unknown, and then `problem` for those only.
#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    owner: Option<&'a str>,
    department: Option<&'a str>,
    next_review: Option<&'a str>,
    days_late: Option<i64>,
    state: ReviewState,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upcoming: Option<Next<'a>>,
}

/// The soonest release of an SOP approved to take effect on a later date.
#[derive(Serialize, Clone, Copy)]
struct Next<'a> {
    version: &'a str,
    effective: &'a str,
}

/// The soonest version to come of each SOP that has one, by id.
fn next_versions<'a>(
    selection: &'a crate::site::select::Selection<'_>,
) -> std::collections::HashMap<&'a str, Next<'a>> {
    selection
        .entries
        .iter()
        .filter_map(|e| {
            let u = e.upcoming.iter().min_by_key(|u| &u.effective)?;
            Some((
                e.id.as_str(),
                Next {
                    version: &u.version,
                    effective: &u.effective,
                },
            ))
        })
        .collect()
}

impl<'a> Entry<'a> {
    fn known(r: &'a DueReview) -> Entry<'a> {
        Entry {
            id: &r.id,
            title: &r.title,
            owner: r.owner.as_deref(),
            department: r.department.as_deref(),
            next_review: Some(&r.next_review),
            days_late: Some(r.days_late),
            state: r.state,
            path: &r.path,
            problem: None,
            upcoming: None,
        }
    }

    fn unknown(r: &'a UnknownReview) -> Entry<'a> {
        Entry {
            id: &r.id,
            title: &r.title,
            owner: r.owner.as_deref(),
            department: r.department.as_deref(),
            next_review: None,
            days_late: None,
            state: ReviewState::Unknown,
            path: &r.path,
            problem: Some(&r.problem),
            upcoming: None,
        }
    }
}

/// Run `sop due`.
///
/// # Errors
/// When the repository cannot be opened or stdout cannot be written.
pub(super) fn run(ctx: &Context, args: &DueArgs) -> anyhow::Result<Exit> {
    let within = period(&args.within)?;
    let repo = ctx.repo()?;
    let corpus = repo.load();
    let (git, histories) = super::publish::histories(ctx, &repo)?;
    let today = dates::today();
    // The version in force today, as the site shows it: a release approved to take effect
    // later is reviewed once it is in force.
    let selection = crate::site::current(&repo, git.as_ref(), &corpus, &histories, Some(today))?;
    let reviews = report::due(&selection.current(), &repo.settings, today, within);
    let unknown = report::unknown_reviews(&selection.current(), &repo.settings);
    let next = next_versions(&selection);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ReportFormat::Json => {
            let r = DueReport {
                today: today.to_string(),
                within: within.to_string(),
                reviews: unknown
                    .iter()
                    .map(Entry::unknown)
                    .chain(reviews.iter().map(Entry::known))
                    .map(|mut e| {
                        e.upcoming = next.get(e.id).copied();
                        e
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut out, &r)?;
            writeln!(out)?;
        }
        ReportFormat::Human => {
            if reviews.is_empty() && unknown.is_empty() {
                writeln!(
                    out,
                    "No review is overdue or due within {within} of {today}."
                )?;
            } else {
                write_table(&mut out, &unknown, &reviews, &next)?;
            }
            write_unknown(&mut out, &unknown)?;
        }
    }
    out.flush()?;
    super::warn_unreadable_front_matter(
        ctx,
        &corpus,
        &super::Unread {
            one: "is left out",
            many: "are left out",
        },
    )?;
    // `--within` may be narrower than the due-soon window: the exit status looks at every
    // review, not only those listed.
    let failing = args.fail_on.is_some_and(|on| {
        !unknown.is_empty()
            || report::reviews(&selection.current(), &repo.settings, today)
                .iter()
                .any(|r| match on {
                    FailOn::Overdue => r.state == ReviewState::Overdue,
                    FailOn::DueSoon => {
                        matches!(r.state, ReviewState::Overdue | ReviewState::DueSoon)
                    }
                })
    });
    Ok(if failing {
        Exit::Failure
    } else {
        Exit::Success
    })
}

fn write_table(
    out: &mut impl Write,
    unknown: &[UnknownReview],
    reviews: &[DueReview],
    next: &std::collections::HashMap<&str, Next<'_>>,
) -> std::io::Result<()> {
    let dash = || "-".to_string();
    // When a version to come takes effect, the review of the one in force stops being due.
    let when = |id: &str, words: String| match next.get(id) {
        Some(n) => format!("{words}; {} from {}", n.version, n.effective),
        None => words,
    };
    let rows: Vec<[String; 6]> = unknown
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                r.title.clone(),
                r.owner.clone().unwrap_or_else(dash),
                r.department.clone().unwrap_or_else(dash),
                "?".into(),
                when(&r.id, "review date unknown".into()),
            ]
        })
        .chain(reviews.iter().map(|r| {
            [
                r.id.clone(),
                r.title.clone(),
                r.owner.clone().unwrap_or_else(dash),
                r.department.clone().unwrap_or_else(dash),
                r.next_review.clone(),
                when(&r.id, report::when_words(r.days_late)),
            ]
        }))
        .collect();
    super::stats::write_columns(
        out,
        &["ID", "TITLE", "OWNER", "DEPARTMENT", "DUE", "WHEN"],
        &rows,
    )
}

/// Under the table, for each review whose date is unknown: the file, what is wrong and how
/// to fix it.
fn write_unknown(out: &mut impl Write, unknown: &[UnknownReview]) -> std::io::Result<()> {
    if unknown.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}",
        if unknown.len() == 1 {
            "1 review date cannot be told (the review may be overdue):".to_string()
        } else {
            format!(
                "{} review dates cannot be told (the reviews may be overdue):",
                unknown.len()
            )
        }
    )?;
    for r in unknown {
        writeln!(
            out,
            "  {} ({}): {}",
            crate::terminal::escape_line(&r.id),
            crate::terminal::escape_line(&r.path),
            crate::terminal::escape_line(&r.problem)
        )?;
    }
    Ok(())
}

/// The period of `--within`, given as one word (`30d`, `"6 weeks"`) or two (`6 weeks`).
///
/// # Errors
/// [`Stop::usage`] (exit 2) naming what was given and the forms that work.
fn period(words: &[String]) -> anyhow::Result<Cadence> {
    let text = words.join(" ");
    text.parse().map_err(|e| {
        let (message, help) = match e {
            CadenceError::Form(_) => {
                let problem = dates::form_problem(&text);
                let (meant, give) = match problem.meant {
                    Some(m) => (format!("did you mean `--within {m}`? "), "Give"),
                    None => (String::new(), "give"),
                };
                (
                    format!("`--within {text}` is not a period: {}", problem.what),
                    format!("{meant}{give} a number and a unit: days, weeks, months or years, for example `--within 30d` or `--within 6 weeks`"),
                )
            }
            CadenceError::Zero(_) => (
                format!("`--within {text}` is zero"),
                "give at least one day: `--within 1d` lists the reviews due by tomorrow (overdue reviews are always listed)".to_string(),
            ),
            CadenceError::TooLong { longest, .. } => (
                format!("`--within {text}` is too long: the longest period is {longest}"),
                format!("give a shorter period, at most `--within {longest}`"),
            ),
        };
        Stop::usage(message, Some(help)).into()
    })
}
