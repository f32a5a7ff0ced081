//! `sop due`: reviews overdue or falling due within a period, most late first.
//!
//! The dates are those of the published version of each SOP (what readers see: the last
//! approved release, or the approved committed copy; see `sop publish`), not of a draft in
//! progress; an SOP that is not published is not due.
//!
//! JSON: `{"today", "within", "reviews": [{"id", "title", "owner", "department",
//! "next_review", "days_late", "state", "path"}]}`; `days_late` is negative for reviews still
//! ahead; `state` is `overdue`, `due-soon` (within `[lint] due_soon`) or `ok` (further away).
//!
//! `--fail-on overdue|due-soon` exits with 1 when a review in that state exists, so a scheduled
//! job can fail on it.

use std::io::Write;

use serde::Serialize;

use super::Context;
use crate::cli::{DueArgs, FailOn, ReportFormat};
use crate::repo::dates::{self, Cadence, CadenceError};
use crate::report::{self, DueReview, ReviewState};
use crate::{Exit, Stop};

#[derive(Serialize)]
struct DueReport<'a> {
    today: String,
    within: String,
    reviews: &'a [DueReview],
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
    let selection = crate::site::current(&repo, git.as_ref(), &corpus, &histories)?;
    let today = dates::today();
    let reviews = report::due(&selection.current(), &repo.settings, today, within);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ReportFormat::Json => {
            let r = DueReport {
                today: today.to_string(),
                within: within.to_string(),
                reviews: &reviews,
            };
            serde_json::to_writer_pretty(&mut out, &r)?;
            writeln!(out)?;
        }
        ReportFormat::Human => {
            if reviews.is_empty() {
                writeln!(
                    out,
                    "No review is overdue or due within {within} of {today}."
                )?;
            } else {
                write_table(&mut out, &reviews)?;
            }
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
        report::reviews(&selection.current(), &repo.settings, today)
            .iter()
            .any(|r| match on {
                FailOn::Overdue => r.state == ReviewState::Overdue,
                FailOn::DueSoon => matches!(r.state, ReviewState::Overdue | ReviewState::DueSoon),
            })
    });
    Ok(if failing {
        Exit::Failure
    } else {
        Exit::Success
    })
}

fn write_table(out: &mut impl Write, reviews: &[DueReview]) -> std::io::Result<()> {
    let rows: Vec<[String; 6]> = reviews
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                r.title.clone(),
                r.owner.clone().unwrap_or_else(|| "-".into()),
                r.department.clone().unwrap_or_else(|| "-".into()),
                r.next_review.clone(),
                report::when_words(r.days_late),
            ]
        })
        .collect();
    super::stats::write_columns(
        out,
        &["ID", "TITLE", "OWNER", "DEPARTMENT", "DUE", "WHEN"],
        &rows,
    )
}

/// The period of `--within`, given as one word (`30d`, `"6 weeks"`) or two (`6 weeks`).
///
/// # Errors
/// [`Stop::usage`] (exit 2) naming what was given and the forms that work.
fn period(words: &[String]) -> anyhow::Result<Cadence> {
    let text = words.join(" ");
    text.parse().map_err(|e| {
        let (message, help) = match e {
            CadenceError::Form(_) => (
                format!("`--within {text}` is not a period"),
                "give a number and a unit: days, weeks, months or years, for example `--within 30d` or `--within 6 weeks`".to_string(),
            ),
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
