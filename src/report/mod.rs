//! Corpus health: which reviews are due, and the counts `sop stats` and the site's review
//! dashboard show. One computation feeds both, so the numbers always agree.
//!
//! Works on the loaded [`Corpus`] and the git [`Histories`]; knows nothing of HTML or of the
//! command line. "Today" is passed in (see [`crate::repo::dates::today`]) so results are
//! reproducible.

pub mod lint_hook;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::git::history::Histories;
use crate::repo::dates::{self, Cadence, Date};
use crate::repo::{Corpus, NoReviewDate, Settings, Sop, Status};

/// Where an SOP stands against its review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    /// The review date has passed.
    Overdue,
    /// The review date is within the due-soon window.
    DueSoon,
    /// The review date is further away.
    Ok,
    /// There is no review date to check.
    Unknown,
}

impl ReviewState {
    /// The state of a review due on `next`, seen on `today` with the `window` for "due soon".
    pub fn of(next: Option<Date>, today: Date, window: Cadence) -> ReviewState {
        let Some(next) = next else {
            return ReviewState::Unknown;
        };
        if next < today {
            ReviewState::Overdue
        } else if window.after(today).is_some_and(|limit| next <= limit) {
            ReviewState::DueSoon
        } else {
            ReviewState::Ok
        }
    }

    /// The first day on which a review due on `next` is due soon with the `window` (so a page
    /// can tell the state on any later day: overdue after `next`, due soon from this day).
    /// Months are not all as long, so "`next` minus the window" is only the first guess.
    pub fn due_soon_from(next: Date, window: Cadence) -> Date {
        let due_soon = |day: Date| window.after(day).is_none_or(|limit| next <= limit);
        let mut day = window.before(next).unwrap_or(next);
        // A month back from the 31st can land on the 28th: at most a few days either way.
        for _ in 0..8 {
            match day.yesterday() {
                Ok(earlier) if due_soon(earlier) => day = earlier,
                _ => break,
            }
        }
        for _ in 0..8 {
            if due_soon(day) {
                break;
            }
            match day.tomorrow() {
                Ok(later) => day = later,
                Err(_) => break,
            }
        }
        day
    }

    /// The state as kebab-case text (`due-soon`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Overdue => "overdue",
            ReviewState::DueSoon => "due-soon",
            ReviewState::Ok => "ok",
            ReviewState::Unknown => "unknown",
        }
    }
}

/// "3 days late", "1 day late", "due today", "in 1 day", "in 12 days": when a review is due,
/// from its `days_late`.
pub fn when_words(days_late: i64) -> String {
    match days_late {
        0 => "due today".into(),
        n if n > 0 => format!("{} late", crate::words::count_signed(n, "day")),
        n => format!("in {}", crate::words::count_signed(-n, "day")),
    }
}

/// Whether an SOP takes part in periodic reviews: an approved original (drafts are not in
/// force, retired ones no longer are, translations follow their source).
pub fn is_reviewed(sop: &Sop) -> bool {
    sop.status() == Some(Status::Approved) && !sop.is_translation()
}

/// An SOP as readers see it: the version that is published (DESIGN.md, Publishing), and the
/// file it lives in now. Review dates are always read from the published version.
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    /// The published version.
    pub sop: &'a Sop,
    /// Its file now, relative to the repository root.
    pub path: &'a str,
}

/// One review that is due or overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueReview {
    /// The SOP's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its owner, if set.
    pub owner: Option<String>,
    /// Its department, if set.
    pub department: Option<String>,
    /// When the review is due, `YYYY-MM-DD`.
    pub next_review: String,
    /// From which day the review is due soon (within `[lint] due_soon`), `YYYY-MM-DD`.
    #[serde(skip)]
    pub due_soon_from: String,
    /// Days since the review date: positive when late, 0 on the day, negative when still ahead.
    pub days_late: i64,
    /// `overdue`, `due-soon` (within `[lint] due_soon`), or `ok` (further away, listed because
    /// of a wider `--within`).
    pub state: ReviewState,
    /// The file, relative to the repository root.
    pub path: String,
}

/// Reviews of the published SOPs `current` due on or before `today` + `within`, most late
/// first (then by id).
pub fn due(
    current: &[Current<'_>],
    settings: &Settings,
    today: Date,
    within: Cadence,
) -> Vec<DueReview> {
    let limit = within.after(today).unwrap_or(today);
    let mut out = reviews(current, settings, today);
    out.retain(|r| r.days_late >= -dates::days_between(today, limit));
    out
}

/// Every review of the published SOPs `current` that has a date, most late first (then by id).
pub fn reviews(current: &[Current<'_>], settings: &Settings, today: Date) -> Vec<DueReview> {
    let mut out: Vec<DueReview> = current
        .iter()
        .filter(|c| is_reviewed(c.sop))
        .filter_map(|&Current { sop, path }| {
            let next = sop.next_review(settings)?;
            Some(DueReview {
                id: sop.id().unwrap_or_default().to_string(),
                title: sop.title().to_string(),
                owner: sop.meta.owner.as_ref().map(|o| o.value.clone()),
                department: sop.department(settings).map(str::to_string),
                next_review: next.to_string(),
                due_soon_from: ReviewState::due_soon_from(next, settings.due_soon).to_string(),
                days_late: dates::days_between(next, today),
                state: ReviewState::of(Some(next), today, settings.due_soon),
                path: path.to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.path.cmp(&b.path))
    });
    out
}

/// A published SOP under periodic review whose next review date cannot be told (a date or
/// period that cannot be read, or no date to count from): it may be overdue, so it is listed
/// rather than left out of an all-clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReview {
    /// The SOP's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its owner, if set.
    pub owner: Option<String>,
    /// Its department, if set.
    pub department: Option<String>,
    /// What keeps the date from being known, and how to fix it.
    pub problem: String,
    /// The same, as data (for words in another language).
    pub why: NoReviewDate,
    /// The file, relative to the repository root.
    pub path: String,
}

/// The published SOPs `current` under periodic review whose review date cannot be told,
/// sorted by id (then path).
pub fn unknown_reviews(current: &[Current<'_>], settings: &Settings) -> Vec<UnknownReview> {
    let mut out: Vec<UnknownReview> = current
        .iter()
        .filter(|c| is_reviewed(c.sop))
        .filter_map(|&Current { sop, path }| {
            let problem = sop.review_date(settings).err()?;
            Some(UnknownReview {
                id: sop.id().unwrap_or_default().to_string(),
                title: sop.title().to_string(),
                owner: sop.meta.owner.as_ref().map(|o| o.value.clone()),
                department: sop.department(settings).map(str::to_string),
                problem: problem.describe(&settings.keys),
                why: problem,
                path: path.to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.path.cmp(&b.path)));
    out
}

/// A translation whose source has moved on to a newer version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleTranslation {
    /// The shared id.
    pub id: String,
    /// The translation's title.
    pub title: String,
    /// Its language.
    pub language: String,
    /// The source version it translates.
    pub translated_version: String,
    /// The source's version now.
    pub source_version: String,
    /// The translation's file.
    pub path: String,
}

/// Translations of an older version than their source's, sorted by id and language.
pub fn stale_translations(corpus: &Corpus) -> Vec<StaleTranslation> {
    let sources: BTreeMap<&str, &Sop> = corpus
        .sops
        .iter()
        .filter(|s| !s.is_translation())
        .filter_map(|s| Some((s.id()?, s)))
        .collect();
    let mut out: Vec<StaleTranslation> = corpus
        .sops
        .iter()
        .filter(|s| s.is_translation())
        .filter_map(|t| {
            let of = &t.meta.translation_of.as_ref()?.value;
            let (id, version) = of.split_once('@')?;
            let source = sources.get(id.trim())?;
            let translated = semver::Version::parse(version.trim()).ok()?;
            let current = source.version()?;
            (current > translated).then(|| StaleTranslation {
                id: id.trim().to_string(),
                title: t.title().to_string(),
                language: t.language().unwrap_or("?").to_string(),
                translated_version: translated.to_string(),
                source_version: current.to_string(),
                path: t.path.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.id, &a.language, &a.path).cmp(&(&b.id, &b.language, &b.path)));
    out
}

/// The numbers of `sop stats` and of the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The date the numbers were computed for.
    pub today: String,
    /// SOPs that are not translations.
    pub sops: usize,
    /// Translation files.
    pub translations: usize,
    /// Files under the SOP folder that could not be read.
    pub unreadable: usize,
    /// Of those, the SOP files whose last approved release the site shows instead (as `sop
    /// due` and `sop list` do): counted among `sops`, by status, type and department as that
    /// release.
    pub unreadable_shown_as_release: usize,
    /// SOPs by status (`draft`, `review`, `approved`, `retired`, and `unknown` for a missing
    /// or invalid one).
    pub by_status: BTreeMap<String, usize>,
    /// SOPs by type (`unknown` when none applies).
    pub by_type: BTreeMap<String, usize>,
    /// SOPs by department (`unknown` when unset).
    pub by_department: BTreeMap<String, usize>,
    /// Published approved SOPs whose review is overdue (by the published version's dates).
    pub overdue: usize,
    /// Published approved SOPs whose review is due within the due-soon window.
    pub due_soon: usize,
    /// Published approved SOPs whose review date cannot be told (a date or period that cannot
    /// be read, or no date to count from); `sop due` lists them with the reason.
    pub review_date_unknown: usize,
    /// Translations of an older source version.
    pub stale_translations: usize,
    /// Median days since the last review (`last_reviewed`, else `effective`) of published
    /// approved SOPs; `null` when none has a date.
    pub median_days_since_review: Option<f64>,
    /// Releases per month (`YYYY-MM`), from the git tags.
    pub releases_per_month: BTreeMap<String, usize>,
    /// Reviews falling due per month (`YYYY-MM`) for published approved SOPs.
    pub reviews_due_per_month: BTreeMap<String, usize>,
    /// Lint findings by rule id (see [`lint_hook`]).
    pub lint_findings_by_rule: BTreeMap<String, usize>,
}

/// Compute the [`Stats`] of `corpus`: counts from the working copies, review figures from the
/// published versions `current`.
pub fn stats(
    corpus: &Corpus,
    current: &[Current<'_>],
    settings: &Settings,
    histories: &Histories,
    lint_counts: BTreeMap<String, usize>,
    today: Date,
) -> Stats {
    let mut originals: Vec<&Sop> = corpus.sops.iter().filter(|s| !s.is_translation()).collect();
    // A file that cannot be read whose last approved release is published counts as that
    // release, as the site, `sop due` and `sop list` show it.
    let stand_ins: Vec<&Sop> = current
        .iter()
        .filter(|c| corpus.broken.iter().any(|b| b.path == c.path))
        .map(|c| c.sop)
        .collect();
    let shown_as_release = stand_ins.len();
    let translations = corpus.sops.len() - originals.len();
    originals.extend(stand_ins);
    let mut by_status = BTreeMap::new();
    let mut by_type = BTreeMap::new();
    let mut by_department = BTreeMap::new();
    let mut overdue = 0;
    let mut due_soon = 0;
    let mut review_date_unknown = 0;
    let mut since_review = Vec::new();
    let mut reviews_due_per_month = BTreeMap::new();
    for sop in &originals {
        let status = sop.status().map_or("unknown", Status::as_str);
        *by_status.entry(status.to_string()).or_insert(0) += 1;
        let ty = sop
            .sop_type(settings)
            .map_or_else(|| "unknown".to_string(), |t| t.name.clone());
        *by_type.entry(ty).or_insert(0) += 1;
        let dept = sop
            .department(settings)
            .map_or_else(|| "unknown".to_string(), str::to_string);
        *by_department.entry(dept).or_insert(0) += 1;
    }
    for &Current { sop, .. } in current {
        if !is_reviewed(sop) {
            continue;
        }
        let next = sop.next_review(settings);
        match ReviewState::of(next, today, settings.due_soon) {
            ReviewState::Overdue => overdue += 1,
            ReviewState::DueSoon => due_soon += 1,
            ReviewState::Unknown => review_date_unknown += 1,
            ReviewState::Ok => {}
        }
        if let Some(next) = next {
            *reviews_due_per_month.entry(month_of(next)).or_insert(0) += 1;
        }
        let last = sop
            .date(sop.meta.last_reviewed.as_ref())
            .or_else(|| sop.date(sop.meta.effective.as_ref()));
        // A date in the future (a typo, or an effective date still to come) is no review yet.
        if let Some(last) = last.filter(|d| *d <= today) {
            since_review.push(dates::days_between(last, today));
        }
    }
    let mut releases_per_month = BTreeMap::new();
    for history in histories.values() {
        // A tag that does not count (made or moved by hand) is no release.
        for release in history.releases.iter().filter(|r| r.not_counted.is_none()) {
            if let Some(month) = release.date.get(..7) {
                *releases_per_month.entry(month.to_string()).or_insert(0) += 1;
            }
        }
    }
    Stats {
        today: today.to_string(),
        sops: originals.len(),
        translations,
        unreadable: corpus.broken.len(),
        unreadable_shown_as_release: shown_as_release,
        by_status,
        by_type,
        by_department,
        overdue,
        due_soon,
        review_date_unknown,
        stale_translations: stale_translations(corpus).len(),
        median_days_since_review: median(&mut since_review),
        releases_per_month,
        reviews_due_per_month,
        lint_findings_by_rule: lint_counts,
    }
}

/// `YYYY-MM` of `date`.
pub fn month_of(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values.get(mid).map(|&v| v as f64)
    } else {
        let a = values.get(mid - 1)?;
        let b = values.get(mid)?;
        Some((*a + *b) as f64 / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sop(path: &str, front: &str) -> Sop {
        Sop::parse(
            path.into(),
            format!("---\n{front}---\n\n## Purpose\n\nx\n"),
            "SOP",
        )
    }

    fn day(s: &str) -> Date {
        dates::parse_date(s).unwrap()
    }

    #[test]
    fn review_state_uses_the_window() {
        let w: Cadence = "30 days".parse().unwrap();
        let today = day("2026-11-25");
        assert_eq!(
            ReviewState::of(Some(day("2026-11-24")), today, w),
            ReviewState::Overdue
        );
        assert_eq!(
            ReviewState::of(Some(day("2026-11-25")), today, w),
            ReviewState::DueSoon
        );
        assert_eq!(
            ReviewState::of(Some(day("2026-12-25")), today, w),
            ReviewState::DueSoon
        );
        assert_eq!(
            ReviewState::of(Some(day("2026-12-26")), today, w),
            ReviewState::Ok
        );
        assert_eq!(ReviewState::of(None, today, w), ReviewState::Unknown);
    }

    #[test]
    fn due_soon_from_is_the_first_day_the_window_reaches_the_review() {
        for (window, next) in [
            ("30 days", "2026-12-25"),
            ("2 weeks", "2026-03-01"),
            ("1 month", "2026-03-31"),
            ("1 month", "2026-03-28"),
            ("1 month", "2026-03-01"),
            ("2 months", "2024-04-30"),
            ("1 year", "2028-02-29"),
        ] {
            let w: Cadence = window.parse().unwrap();
            let next = day(next);
            let from = ReviewState::due_soon_from(next, w);
            assert_eq!(
                ReviewState::of(Some(next), from, w),
                ReviewState::DueSoon,
                "{window} before {next}: {from}"
            );
            let before = from.yesterday().unwrap();
            assert_eq!(
                ReviewState::of(Some(next), before, w),
                ReviewState::Ok,
                "{window} before {next}: {before}"
            );
        }
        assert_eq!(
            ReviewState::due_soon_from(day("2026-12-25"), "30 days".parse().unwrap()),
            day("2026-11-25")
        );
    }

    #[test]
    fn when_words_count_one_day_as_one() {
        assert_eq!(when_words(1), "1 day late");
        assert_eq!(when_words(12), "12 days late");
        assert_eq!(when_words(0), "due today");
        assert_eq!(when_words(-1), "in 1 day");
        assert_eq!(when_words(-5), "in 5 days");
    }

    #[test]
    fn due_sorts_most_late_first_and_skips_drafts() {
        let settings = Settings::load(None).unwrap();
        let corpus = Corpus {
            sops: vec![
                sop(
                    "sops/a/SOP-0001-a.md",
                    "id: SOP-0001\nstatus: approved\nnext_review: 2026-11-01\n",
                ),
                sop(
                    "sops/a/SOP-0002-b.md",
                    "id: SOP-0002\nstatus: approved\nnext_review: 2026-06-01\n",
                ),
                sop(
                    "sops/a/SOP-0003-c.md",
                    "id: SOP-0003\nstatus: draft\nnext_review: 2026-01-01\n",
                ),
                sop(
                    "sops/a/SOP-0004-d.md",
                    "id: SOP-0004\nstatus: approved\nnext_review: 2026-12-10\n",
                ),
                sop(
                    "sops/a/SOP-0005-e.md",
                    "id: SOP-0005\nstatus: approved\nnext_review: 2027-12-10\n",
                ),
            ],
            broken: vec![],
        };
        let current: Vec<Current<'_>> = corpus
            .sops
            .iter()
            .map(|sop| Current {
                sop,
                path: &sop.path,
            })
            .collect();
        let list = due(
            &current,
            &settings,
            day("2026-11-25"),
            "30 days".parse().unwrap(),
        );
        let ids: Vec<_> = list.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["SOP-0002", "SOP-0001", "SOP-0004"]);
        assert_eq!(list[0].days_late, 177);
        assert_eq!(list[2].days_late, -15);
        assert_eq!(list[2].state, ReviewState::DueSoon);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
    }
}
