//! The review dashboard.

use std::collections::BTreeMap;

use crate::repo::{Corpus, NoReviewDate, Status};
use crate::report::{self, ReviewState};
use crate::site::context::{
    Chart, ChartRow, DASHBOARD_ROWS, DashboardPage, DraftRow, DueRow, MoreRows, RuleCount,
    StaleRow, Tile, UnknownRow,
};
use crate::site::{SiteError, charts};

use super::{Build, department_of, status_text, text};

impl Build<'_> {
    pub(super) fn dashboard(
        &self,
        corpus: &Corpus,
        stats: &report::Stats,
    ) -> Result<(String, Vec<(String, String)>), SiteError> {
        let settings = &self.repo.settings;
        let today = self.options.today;
        let url_of = |id: &str| self.entry(id).map(|e| e.url.clone());
        // Every review with a date, most late first. The page shows those overdue or due
        // soon on the build's day; `review.js` moves rows between the lists for the reader's
        // day, so the rows that will fall due next come along, hidden.
        let reviews = report::reviews(&self.selection.current(), settings, today);
        let row = |d: &report::DueReview| DueRow {
            id: d.id.clone(),
            title: d.title.clone(),
            url: url_of(&d.id),
            owner: d.owner.clone().unwrap_or_default(),
            department: d.department.clone().unwrap_or_default(),
            next_review: d.next_review.clone(),
            due_soon_from: d.due_soon_from.clone(),
            when: self.when_words(d.days_late),
        };
        let overdue: Vec<DueRow> = reviews
            .iter()
            .filter(|d| d.state == ReviewState::Overdue)
            .map(row)
            .collect();
        let ahead: Vec<&report::DueReview> = reviews
            .iter()
            .filter(|d| d.state != ReviewState::Overdue)
            .take(2 * DASHBOARD_ROWS)
            .collect();
        let due_soon: Vec<DueRow> = ahead
            .iter()
            .filter(|d| d.state == ReviewState::DueSoon)
            .map(|d| row(d))
            .collect();
        let due_soon_total = reviews
            .iter()
            .filter(|d| d.state == ReviewState::DueSoon)
            .count();
        let mut dates: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for d in &reviews {
            *dates
                .entry((d.next_review.as_str(), d.due_soon_from.as_str()))
                .or_insert(0) += 1;
        }
        let review_dates = serde_json::to_string(
            &dates
                .into_iter()
                .map(|((next, from), n)| (next, from, n))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into());
        // A review date that cannot be read may hide an overdue review: listed, not left out.
        let unknown: Vec<UnknownRow> = report::unknown_reviews(&self.selection.current(), settings)
            .into_iter()
            .map(|u| UnknownRow {
                url: url_of(&u.id),
                id: u.id,
                title: u.title,
                problem: self.unknown_problem(&u.why),
                owner: u.owner.unwrap_or_default(),
                department: u.department.unwrap_or_default(),
            })
            .collect();
        let mut drafts: Vec<DraftRow> = corpus
            .originals()
            .into_iter()
            .filter(|s| matches!(s.status(), Some(Status::Draft | Status::Review)))
            .map(|s| DraftRow {
                id: s.id().unwrap_or_default().to_string(),
                title: s.title().to_string(),
                status: status_text(s),
                version: text(s.meta.version.as_ref()).unwrap_or_default(),
                owner: text(s.meta.owner.as_ref()).unwrap_or_default(),
                department: department_of(s, &self.repo.settings).unwrap_or_default(),
                url: s.id().and_then(url_of),
            })
            .collect();
        drafts.sort_by(|a, b| (&a.status, &a.id).cmp(&(&b.status, &b.id)));
        let stale: Vec<StaleRow> = report::stale_translations(corpus)
            .into_iter()
            .map(|s| StaleRow {
                url: self
                    .entry(&s.id)
                    .and_then(|e| e.translations.iter().find(|t| t.language == s.language))
                    .map(|t| t.url.clone()),
                id: s.id,
                title: s.title,
                language: s.language,
                translated_version: s.translated_version,
                source_version: s.source_version,
            })
            .collect();
        // Published SOPs whose shown version is in force: not retired, not a draft preview.
        let in_force = self
            .selection
            .entries
            .iter()
            .filter(|e| e.sop.status() == Some(Status::Approved))
            .count();
        let tone = |n: usize, bad: &'static str| if n == 0 { "ok" } else { bad };
        let tiles = vec![
            Tile {
                id: "in-force",
                label: self.say("dashboard.tile_in_force", &[]),
                value: in_force.to_string(),
                tone: "neutral",
            },
            Tile {
                id: "overdue",
                label: self.say("dashboard.tile_overdue", &[]),
                value: stats.overdue.to_string(),
                tone: tone(stats.overdue, "danger"),
            },
            Tile {
                id: "due-soon",
                label: self.say("dashboard.tile_due_soon", &[]),
                value: stats.due_soon.to_string(),
                tone: tone(stats.due_soon, "warning"),
            },
            Tile {
                id: "drafts",
                label: self.say("dashboard.tile_drafts", &[]),
                value: drafts.len().to_string(),
                tone: "neutral",
            },
            Tile {
                id: "stale",
                label: self.say("dashboard.tile_stale", &[]),
                value: stats.stale_translations.to_string(),
                tone: tone(stats.stale_translations, "warning"),
            },
            Tile {
                id: "since-review",
                label: self.say("dashboard.tile_since_review", &[]),
                value: stats
                    .median_days_since_review
                    .map_or_else(|| "–".to_string(), |m| format!("{}", m.round() as i64)),
                tone: "neutral",
            },
        ];
        let (charts_out, svgs) = self.charts(stats);
        let cut = |n: usize| n.saturating_sub(DASHBOARD_ROWS);
        let more = MoreRows {
            overdue: cut(overdue.len()),
            due_soon: cut(due_soon_total),
            drafts: cut(drafts.len()),
            stale: cut(stale.len()),
        };
        let (mut overdue, mut due_soon, mut drafts, mut stale) = (overdue, due_soon, drafts, stale);
        overdue.truncate(DASHBOARD_ROWS);
        let later: Vec<DueRow> = due_soon
            .split_off(due_soon.len().min(DASHBOARD_ROWS))
            .into_iter()
            .chain(
                ahead
                    .iter()
                    .filter(|d| d.state != ReviewState::DueSoon)
                    .map(|d| row(d)),
            )
            .collect();
        drafts.truncate(DASHBOARD_ROWS);
        stale.truncate(DASHBOARD_ROWS);
        let page = DashboardPage {
            layout: self.layout(
                "dashboard.html",
                self.say("dashboard.title", &[]),
                "dashboard",
                self.say("dashboard.description", &[]),
            ),
            tiles,
            overdue,
            due_soon,
            later,
            review_dates,
            rows_shown: DASHBOARD_ROWS,
            unknown,
            drafts,
            stale,
            more,
            charts: charts_out,
            lint: stats
                .lint_findings_by_rule
                .iter()
                .map(|(rule, count)| RuleCount {
                    rule: rule.clone(),
                    count: *count,
                })
                .collect(),
        };
        Ok((self.theme.render("dashboard.html", &page)?, svgs))
    }

    /// The dashboard's charts, and their SVG files (site path, SVG), titled in the site's
    /// language.
    fn charts(&self, stats: &report::Stats) -> (Vec<Chart>, Vec<(String, String)>) {
        let today = self.options.today;
        let mut charts_out = Vec::new();
        let mut svgs = Vec::new();
        let words = charts::MonthWords::new(
            &self.say("dashboard.months", &[]),
            self.say("dashboard.chart_overdue", &[]),
        );
        // The chart's file, the catalogue keys of its title and of its text alternative.
        let mut add =
            |(file, name, alt): (&str, &str, &str), rows: Vec<(String, usize)>, months: bool| {
                if rows.is_empty() {
                    return;
                }
                let title = self.say(name, &[]);
                let svg = if months {
                    charts::month_bars(&title, &rows, &words)
                } else {
                    charts::horizontal_bars(&title, &rows)
                };
                let url = format!("charts/{file}.svg");
                svgs.push((url.clone(), svg));
                charts_out.push(Chart {
                    alt: self.say(alt, &[]),
                    title,
                    url,
                    rows: rows
                        .into_iter()
                        .enumerate()
                        .map(|(i, (label, value))| ChartRow {
                            label: if months && i == 0 && label == "overdue" {
                                words.overdue.clone()
                            } else {
                                label
                            },
                            value,
                        })
                        .collect(),
                });
            };
        let due_rows = charts::months_ahead(&stats.reviews_due_per_month, today, 12);
        add(
            (
                "reviews-due",
                "dashboard.chart_reviews_due",
                "dashboard.chart_reviews_due_alt",
            ),
            due_rows,
            true,
        );
        let release_rows = charts::month_range(&stats.releases_per_month, 24);
        add(
            (
                "releases",
                "dashboard.chart_releases",
                "dashboard.chart_releases_alt",
            ),
            release_rows,
            true,
        );
        let status_rows: Vec<(String, usize)> = Status::ALL
            .iter()
            .map(|s| s.as_str())
            .chain(["unknown"])
            .filter_map(|s| {
                let n = stats.by_status.get(s)?;
                Some((self.say(&format!("status.{s}"), &[]), *n))
            })
            .collect();
        add(
            (
                "by-status",
                "dashboard.chart_by_status",
                "dashboard.chart_by_status_alt",
            ),
            status_rows,
            false,
        );
        let mut dept_rows: Vec<(String, usize)> = stats
            .by_department
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        dept_rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        dept_rows.truncate(15);
        add(
            (
                "by-department",
                "dashboard.chart_by_department",
                "dashboard.chart_by_department_alt",
            ),
            dept_rows,
            false,
        );
        (charts_out, svgs)
    }

    /// What keeps a review date from being known (`why`), and how to fix it, in the site's
    /// language (`sop due` says it in English with [`NoReviewDate::describe`]).
    fn unknown_problem(&self, why: &NoReviewDate) -> String {
        let keys = &self.repo.settings.keys;
        match (why, why.written(keys)) {
            (NoReviewDate::ReviewEveryInvalid { .. }, Some((key, written))) => self.say(
                "dashboard.unknown_not_a_period",
                &[("written", &written), ("key", key)],
            ),
            (_, Some((key, written))) => self.say(
                "dashboard.unknown_not_a_date",
                &[("written", &written), ("key", key)],
            ),
            (NoReviewDate::PastCalendarEnd { .. }, None) => self.say(
                "dashboard.unknown_past_end",
                &[("key", keys.written("review_every"))],
            ),
            (_, None) => self.say(
                "dashboard.unknown_no_start",
                &[
                    ("last_reviewed", keys.written("last_reviewed")),
                    ("effective", keys.written("effective")),
                ],
            ),
        }
    }

    /// When a review `days_late` is due, in the site's language: "3 days late", "due today",
    /// "in 5 days" (`sop due` says it in English with [`report::when_words`]).
    fn when_words(&self, days_late: i64) -> String {
        let days = days_late.unsigned_abs().to_string();
        match days_late {
            0 => self.say("dashboard.due_today", &[]),
            n if n > 0 => self.say("dashboard.late", &[("count", &days)]),
            _ => self.say("dashboard.ahead", &[("count", &days)]),
        }
    }
}
