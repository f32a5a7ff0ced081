//! `sop stats`: the health of the corpus, the same numbers as the site's review dashboard.
//!
//! JSON: the fields of [`crate::report::Stats`]: `today`, `sops`, `translations`, `unreadable`,
//! `unreadable_shown_as_release`, `by_status`, `by_type`, `by_department`, `overdue`,
//! `due_soon`, `review_date_unknown`, `stale_translations`, `median_days_since_review`,
//! `releases_per_month`, `reviews_due_per_month`, `lint_findings_by_rule`. Counts by status, type and department are
//! of the working copies; review figures (`overdue`, `due_soon`, `review_date_unknown`,
//! `median_days_since_review`, `reviews_due_per_month`) are of the published versions, as the
//! site shows them. `review_date_unknown` counts those whose review date cannot be told (a
//! date or period that cannot be read): `sop due` lists them with the reason.

use std::collections::BTreeMap;
use std::io::Write;

use super::Context;
use super::publish::histories;
use crate::Exit;
use crate::cli::{ReportFormat, StatsArgs};
use crate::repo::dates;
use crate::report;
use crate::terminal::{cell, pad, width};
use crate::words::{count, count_signed};

/// Run `sop stats`.
///
/// # Errors
/// When the repository cannot be opened or stdout cannot be written.
pub(super) fn run(ctx: &Context, args: &StatsArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let corpus = repo.load();
    let (git, mut histories) = histories(ctx, &repo)?;
    // A tag made or moved by hand is no release: not counted among the releases per month, as
    // `sop history` marks it (the tags that look so are read).
    if let Some(git) = &git {
        crate::site::select::mark_not_counted(
            histories.values_mut().collect(),
            &git.texts(),
            &repo.settings,
            crate::site::select::Check::Suspect(&super::history::current_versions(&corpus)),
        );
    }
    let lint = report::lint_hook::findings_by_rule(&repo, &corpus);
    let today = dates::today();
    // Review figures are of the version in force today, as on the site's dashboard.
    let selection = crate::site::current(&repo, git.as_ref(), &corpus, &histories, Some(today))?;
    let stats = report::stats(
        &corpus,
        &selection.current(),
        &repo.settings,
        &histories,
        lint,
        today,
    );
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &stats)?;
            writeln!(out)?;
        }
        ReportFormat::Human => write_human(&mut out, &stats)?,
    }
    out.flush()?;
    super::warn_unreadable_front_matter(
        ctx,
        &corpus,
        &super::Unread {
            one: "is counted as `unknown` by status, type and department",
            many: "are counted as `unknown` by status, type and department",
        },
    )?;
    Ok(Exit::Success)
}

fn write_human(out: &mut impl Write, s: &report::Stats) -> std::io::Result<()> {
    writeln!(
        out,
        "{}, {}{} (as of {})",
        count(s.sops, "SOP"),
        count(s.translations, "translation"),
        if s.unreadable > 0 {
            format!(", {}", count(s.unreadable, "unreadable file"))
        } else {
            String::new()
        },
        s.today
    )?;
    let median = s.median_days_since_review.map_or_else(
        || "no approved SOP has a review or effective date yet".to_string(),
        |m| {
            format!(
                "median {} since the last review",
                count_signed(m.round() as i64, "day")
            )
        },
    );
    let unknown = if s.review_date_unknown > 0 {
        format!(
            ", {} unknown (`sop due` says why)",
            count(s.review_date_unknown, "review date")
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "reviews: {} overdue, {} due soon{unknown}; {median}",
        s.overdue, s.due_soon
    )?;
    writeln!(out, "stale translations: {}", s.stale_translations)?;
    section(out, "by status", &s.by_status)?;
    section(out, "by type", &s.by_type)?;
    section(out, "by department", &s.by_department)?;
    section(out, "releases per month", &s.releases_per_month)?;
    section(out, "lint findings by rule", &s.lint_findings_by_rule)?;
    Ok(())
}

fn section(
    out: &mut impl Write,
    title: &str,
    counts: &BTreeMap<String, usize>,
) -> std::io::Result<()> {
    writeln!(out, "\n{title}:")?;
    if counts.is_empty() {
        return writeln!(out, "  (none)");
    }
    let keys: Vec<_> = counts.keys().map(|k| cell(k)).collect();
    let columns = keys.iter().map(|k| width(k)).max().unwrap_or(0);
    for (k, v) in keys.iter().zip(counts.values()) {
        writeln!(out, "  {}  {v:>5}", pad(k, columns))?;
    }
    Ok(())
}

/// Write `rows` under `headers` in aligned columns (the last column is not padded).
pub(super) fn write_columns<const N: usize>(
    out: &mut impl Write,
    headers: &[&str; N],
    rows: &[[String; N]],
) -> std::io::Result<()> {
    // SOP text (titles, owners, names) must not reach the terminal with its control characters,
    // and a line break in it must not break the row.
    let rows: Vec<[String; N]> = rows
        .iter()
        .map(|row| row.clone().map(|c| cell(&c).into_owned()))
        .collect();
    let rows = rows.as_slice();
    let mut widths = headers.map(width);
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    let line = |out: &mut dyn Write, items: &[String]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, (item, w)) in items.iter().zip(widths).enumerate() {
            if i + 1 < items.len() {
                s.push_str(&pad(item, w + 2));
            } else {
                s.push_str(item);
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &headers.map(String::from))?;
    for row in rows {
        line(out, row)?;
    }
    Ok(())
}
