//! `sop list`: the inventory of SOPs, as a table or JSON.
//!
//! The JSON is an array of objects with the keys `id`, `title`, `type`, `status`, `version`,
//! `owner`, `department`, `next_review`, `path`, `language` and `translation_of`; a value
//! that is missing is `null`. A retired SOP has no `next_review` (it is reviewed no more: the
//! table shows `-`). A translation's `next_review` is its source's: its periodic
//! review is the source's (`sop review <ID>`), as the site shows it. An SOP file that cannot
//! be read whose last approved release the site shows instead (as `sop due` and `sop stats`
//! count it) is listed as that release, with `shown_release` (its tag), and a warning saying
//! what is wrong with the file.
//!
//! An SOP whose file is approved (or retired) to take effect on a later date is not in force
//! yet: its row says what readers see today, as the site does. The table's STATUS is that of
//! the version in force and its VERSION cell reads `1.0.0 (2.0.0 from 2027-01-31)`; the JSON
//! keeps `status` and `version` as the file says them and adds `in_force_version` (the version
//! in force, `null` when none is yet) and `upcoming` (`[{"version", "status", "effective"}]`,
//! soonest first); `next_review` is the version in force's. Both keys are absent otherwise. A
//! translation follows its source: the review date of the source's version in force, and a
//! translation of a version not in force yet takes effect with it (no version in force).
//!
//! A file with no front matter is listed with the id and title its file name gives, STATUS
//! `no front matter` and a note (on stderr) that says what to run; its other JSON values are
//! `null`.
//!
//! The table fits the terminal (or `COLUMNS`; 100 columns when output is not a terminal): the
//! PATH column is left out when it does not fit (`-v` always shows it), then the title column
//! is cut.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use super::Context;
use crate::Exit;
use crate::cli::{ListArgs, ListFormat};
use crate::repo::dates::Date;
use crate::repo::{NoReviewDate, Repo, Sop, Status};
use crate::site::select::takes_effect_later;
use crate::terminal::{columns, escape_line, pad, truncate, width};

/// One row of the inventory.
#[derive(Debug, Serialize)]
struct Row {
    id: Option<String>,
    title: String,
    #[serde(rename = "type")]
    sop_type: Option<String>,
    status: Option<String>,
    version: Option<String>,
    owner: Option<String>,
    department: Option<String>,
    next_review: Option<String>,
    /// Set when the next review date cannot be told although there should be one (a date or
    /// period that cannot be read); the table shows `unknown` instead of `-`. Not in the JSON,
    /// whose `next_review` stays `null`.
    #[serde(skip)]
    review_unknown: bool,
    path: String,
    language: Option<String>,
    translation_of: Option<String>,
    /// Set for a file with no front matter, or an empty one (one whose front matter cannot be
    /// read has its own warning): the table's STATUS says so, where a row of dashes would say nothing. Not in
    /// the JSON, whose values are `null`.
    #[serde(skip)]
    no_front_matter: bool,
    /// For a file that cannot be read whose last approved release the site shows instead: the
    /// tag of that release, whose text the row gives (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    shown_release: Option<String>,
    /// For a file approved (or retired) to take effect on a later date: the version readers
    /// see today, `null` when none is in force yet (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    in_force_version: Option<Option<String>>,
    /// The status of the version in force, for the table's STATUS (not in the JSON, whose
    /// `status` is the file's).
    #[serde(skip)]
    in_force_status: Option<String>,
    /// Versions approved to take effect on a later date, soonest first (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    upcoming: Vec<Upcoming>,
}

/// A version approved to take effect on a later date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Upcoming {
    version: Option<String>,
    status: Option<String>,
    /// The date it takes effect, `YYYY-MM-DD`.
    effective: String,
}

impl Upcoming {
    /// `sop`'s version, when it takes effect after `today`.
    fn of(sop: &Sop, today: Date) -> Option<Upcoming> {
        Some(Upcoming {
            version: sop
                .meta
                .version
                .as_ref()
                .map(|v| v.value.trim().to_string()),
            status: sop.status().map(|s| s.as_str().to_string()),
            effective: takes_effect_later(sop, Some(today))?,
        })
    }
}

impl Row {
    /// The row of `sop`, whose periodic review is `reviewed`'s: its own, or its source's for a
    /// translation (`sop review <ID>` records it there, and the site shows that date).
    fn new(repo: &Repo, sop: &Sop, reviewed: &Sop, today: Date) -> Row {
        let m = &sop.meta;
        let (next_review, review_unknown) = match sop.status() {
            Some(Status::Retired) => (None, false),
            _ => next_review(repo, reviewed),
        };
        // A file approved to take effect later: until git says otherwise, no version is in
        // force yet (outside git the site shows the file, saying so). A translation follows
        // its source (see [`follow_sources`]), whatever date its own file says.
        let upcoming: Vec<Upcoming> = (claims_force(sop) && !sop.is_translation())
            .then(|| Upcoming::of(sop, today))
            .flatten()
            .into_iter()
            .collect();
        let text =
            |v: &Option<crate::repo::sop::Spanned<String>>| v.as_ref().map(|s| s.value.clone());
        Row {
            id: sop.id().map(str::to_string),
            title: sop.title().to_string(),
            sop_type: text(&m.sop_type)
                .or_else(|| sop.sop_type(&repo.settings).map(|t| t.name.clone())),
            status: text(&m.status),
            version: text(&m.version),
            owner: text(&m.owner),
            department: text(&m.department),
            next_review,
            review_unknown,
            path: sop.path.clone(),
            language: sop.language().map(str::to_string),
            translation_of: text(&m.translation_of),
            no_front_matter: sop
                .front_matter
                .as_ref()
                .is_none_or(|fm| fm.fields.is_empty())
                && sop.unreadable_front_matter().is_none(),
            shown_release: None,
            in_force_version: (!upcoming.is_empty()).then_some(None),
            in_force_status: None,
            upcoming,
        }
    }

    /// Say that `shown`, the version the site shows today, is in force (unless it takes
    /// effect later itself), with `upcoming`, the releases approved to take effect later: the
    /// review date is the version in force's.
    fn in_force(&mut self, repo: &Repo, shown: &Sop, upcoming: Vec<Upcoming>, today: Date) {
        let mut all = upcoming;
        if let Some(own) = Upcoming::of(shown, today) {
            all.push(own);
        } else {
            self.in_force_version =
                Some(Some(shown.meta.version.as_ref().map_or_else(
                    || "-".to_string(),
                    |v| v.value.trim().to_string(),
                )));
            self.in_force_status = shown.status().map(|s| s.as_str().to_string());
            (self.next_review, self.review_unknown) = next_review(repo, shown);
        }
        // What the file itself says is not counted: an edit with a later date that was never
        // released as approved is no version to come (the site calls it a revision in
        // progress), and one that was is among the releases.
        all.sort_by(|a, b| (&a.effective, &a.version).cmp(&(&b.effective, &b.version)));
        if all.is_empty() {
            self.in_force_version = None;
            self.in_force_status = None;
        }
        self.upcoming = all;
    }

    /// The VERSION cell: the version in force, and the next one with the date it takes
    /// effect (`1.0.0 (2.0.0 from 2027-01-31)`, `1.0.0 (retired from 2027-01-31)`,
    /// `- (1.0.0 from 2027-01-31)` when none is in force yet).
    fn version_cell(&self) -> Option<String> {
        let Some(next) = self.upcoming.first() else {
            return self.version.clone();
        };
        let now = match &self.in_force_version {
            Some(Some(v)) => v.as_str(),
            _ => "-",
        };
        let what = match (next.status.as_deref(), next.version.as_deref()) {
            (Some("retired"), _) => "retired".to_string(),
            (_, Some(v)) => v.to_string(),
            (_, None) => "next version".to_string(),
        };
        Some(format!("{now} ({what} from {})", next.effective))
    }
}

/// Whether `sop`'s status says it is in force (approved or retired: a retirement takes effect
/// too); a draft says nothing of the kind.
fn claims_force(sop: &Sop) -> bool {
    matches!(sop.status(), Some(Status::Approved | Status::Retired))
}

/// The next review date of `sop` as the table shows it, and whether it cannot be told although
/// it should be. A retired SOP is in force no more, so it is reviewed no more (as on the site,
/// and as `sop due` and `sop stats` leave it out): it has none.
fn next_review(repo: &Repo, sop: &Sop) -> (Option<String>, bool) {
    if sop.status() == Some(Status::Retired) {
        return (None, false);
    }
    let review = sop.review_date(&repo.settings);
    (
        review.as_ref().ok().map(ToString::to_string),
        review_unknown(sop, review.as_ref().err()),
    )
}

/// Whether `sop`'s next review date cannot be told (`why`) although it should be: a
/// `next_review` or `review_every` that cannot be read, a period past the calendar's end, or
/// an approved SOP with no date to count from. A draft that has not taken effect simply has no
/// date yet.
fn review_unknown(sop: &Sop, why: Option<&NoReviewDate>) -> bool {
    match why {
        None => false,
        Some(NoReviewDate::NoStartDate | NoReviewDate::StartDateInvalid { .. }) => {
            sop.status() == Some(Status::Approved)
        }
        Some(_) => true,
    }
}

/// Run `sop list`.
///
/// # Errors
/// When the repository cannot be opened or stdout cannot be written.
pub(super) fn run(ctx: &Context, args: &ListArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let corpus = repo.load();
    let today = crate::repo::dates::today();
    let sources: HashMap<&str, &Sop> = corpus
        .sops
        .iter()
        .filter(|s| !s.is_translation())
        .filter_map(|s| Some((s.id()?, s)))
        .collect();
    let mut rows: Vec<Row> = corpus
        .sops
        .iter()
        .map(|s| {
            let source = s.is_translation().then(|| sources.get(s.id()?).copied());
            Row::new(&repo, s, source.flatten().unwrap_or(s), today)
        })
        .collect();
    // A file that cannot be read whose last approved release is in force is listed as that
    // release, as `sop publish`, `sop due` and `sop stats` count it; a file approved to take
    // effect later is listed with the version in force today, as the site shows it. Git is
    // read only then.
    let mut shown_instead: std::collections::BTreeMap<String, String> = Default::default();
    let unreadable = corpus.broken.iter().any(|b| b.problem.is_unreadable_text());
    let later = rows.iter().any(|r| !r.upcoming.is_empty());
    if unreadable || later {
        let (git, histories) = super::publish::histories(ctx, &repo)?;
        let selection =
            crate::site::current(&repo, git.as_ref(), &corpus, &histories, Some(today))?;
        let by_path: HashMap<&str, &crate::site::select::Entry<'_>> = selection
            .entries
            .iter()
            .filter(|e| !selection.unreadable.contains_key(&e.working.path))
            .map(|e| (e.working.path.as_str(), e))
            .collect();
        // The originals first: their translations are reviewed with them.
        for row in rows.iter_mut().filter(|r| !r.upcoming.is_empty()) {
            if row.translation_of.is_none()
                && let Some(e) = by_path.get(row.path.as_str())
            {
                row.in_force(&repo, &e.sop, upcoming_of(e), today);
            }
        }
        follow_sources(&mut rows);
        for e in &selection.entries {
            let Some(note) = selection.unreadable.get(&e.working.path) else {
                continue;
            };
            let mut row = Row::new(&repo, &e.sop, &e.sop, today);
            row.path.clone_from(&e.working.path);
            row.shown_release = e.release.map(|r| r.tag.clone());
            if !e.upcoming.is_empty() {
                row.in_force(&repo, &e.sop, upcoming_of(e), today);
            }
            rows.push(row);
            shown_instead.insert(e.working.path.clone(), note.clone());
        }
    }
    rows.sort_by(|a, b| {
        (a.id.is_none(), &a.id, &a.language, &a.path).cmp(&(
            b.id.is_none(),
            &b.id,
            &b.language,
            &b.path,
        ))
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Table => write_table(&mut out, &rows, columns(), ctx.verbose > 0)?,
    }
    out.flush()?;
    for b in &corpus.broken {
        if let Some(note) = shown_instead.get(&b.path) {
            ctx.warn(&format!("{note}; `sop list` lists that release"))?;
            continue;
        }
        ctx.warn(&format!(
            "`{}` is not listed: {}; {}",
            b.path,
            b.problem,
            b.problem.help()
        ))?;
    }
    super::warn_unreadable_front_matter(
        ctx,
        &corpus,
        &super::Unread {
            one: "is listed without its details",
            many: "are listed without their details",
        },
    )?;
    let bare: Vec<&str> = rows
        .iter()
        .filter(|r| r.no_front_matter)
        .map(|r| r.path.as_str())
        .collect();
    if !bare.is_empty() && args.format == ListFormat::Table {
        ctx.note(&bare_note(&bare))?;
    }
    let unknown = rows.iter().filter(|r| r.review_unknown).count();
    if unknown > 0 && args.format == ListFormat::Table {
        ctx.note(&format!(
            "note: {} shown as `unknown` cannot be read: `sop lint` shows what to fix",
            crate::words::count(unknown, "next review date")
        ))?;
    }
    if rows.is_empty() && corpus.broken.is_empty() && args.format == ListFormat::Table {
        ctx.note(&format!(
            "no SOPs in `{}/` yet: create one with `sop new \"Title\"`",
            repo.settings.sops_dir()
        ))?;
    }
    Ok(Exit::Success)
}

/// The note under a table with files that have no front matter (`bare`): what they are and
/// what to run.
fn bare_note(bare: &[&str]) -> String {
    let files: Vec<String> = bare
        .iter()
        .map(|p| format!("`{}`", escape_line(p)))
        .collect();
    let (which, their) = match files.as_slice() {
        [one] => (format!("{one} has"), "its"),
        few if few.len() <= 5 => (format!("{} have", crate::words::list(few, "and")), "their"),
        many => (format!("{} files have", many.len()), "their"),
    };
    format!(
        "note: {which} no front matter (STATUS `no front matter`), so `sop` cannot tell {their} owner, status or version: `sop adopt` adds front matter to existing documents, and `sop lint` says what each file needs"
    )
}

/// Translations of an SOP with a version approved to take effect later follow their source, as
/// the site shows them: the review date is the source's version in force, and a translation of
/// a version not in force yet takes effect with it (whatever date the translation's file says).
fn follow_sources(rows: &mut [Row]) {
    let version = |v: &str| semver::Version::parse(v.trim()).ok();
    let sources: HashMap<String, (Option<String>, bool, Vec<Upcoming>)> = rows
        .iter()
        .filter(|r| r.translation_of.is_none() && !r.upcoming.is_empty())
        .filter_map(|r| {
            let later = (r.next_review.clone(), r.review_unknown, r.upcoming.clone());
            Some((r.id.clone()?, later))
        })
        .collect();
    for row in rows.iter_mut().filter(|r| r.translation_of.is_some()) {
        let Some((next, unknown, upcoming)) = row.id.as_ref().and_then(|id| sources.get(id)) else {
            continue;
        };
        // A retired translation is reviewed no more (`Sop::status` reads it so).
        let status = row.status.as_deref().and_then(|s| s.parse::<Status>().ok());
        if status != Some(Status::Retired) {
            row.next_review.clone_from(next);
            row.review_unknown = *unknown;
        }
        let of = row
            .translation_of
            .as_deref()
            .and_then(crate::site::select::version_of_translation);
        row.upcoming = upcoming
            .iter()
            .filter(|u| of.is_some() && u.version.as_deref().and_then(version) == of)
            .cloned()
            .collect();
        row.in_force_version = (!row.upcoming.is_empty()).then_some(None);
    }
}

/// The releases of `e` approved to take effect on a later date, with their status.
fn upcoming_of(e: &crate::site::select::Entry<'_>) -> Vec<Upcoming> {
    e.upcoming
        .iter()
        .map(|u| Upcoming {
            version: Some(u.version.clone()),
            status: e
                .archived
                .iter()
                .find(|a| a.release.tag == u.tag)
                .and_then(|a| a.sop.status())
                .map(|s| s.as_str().to_string()),
            effective: u.effective.clone(),
        })
        .collect()
}

/// The title column is never cut narrower than this; the other columns are kept whole.
const MIN_TITLE: usize = 20;

/// Write `rows` as a table that fits in `fit` terminal columns where it can. The PATH column
/// comes last and is left out when the table with it and whole titles would be wider than
/// `fit`, unless `with_path` asks for it; then the title column takes the room the other
/// columns leave (at least [`MIN_TITLE`]) and is cut with `…`. Every column is measured in
/// terminal columns, so CJK titles stay aligned.
fn write_table(
    out: &mut impl Write,
    rows: &[Row],
    fit: usize,
    with_path: bool,
) -> std::io::Result<()> {
    const HEADERS: [&str; 9] = [
        "ID",
        "TITLE",
        "TYPE",
        "STATUS",
        "VERSION",
        "OWNER",
        "DEPARTMENT",
        "NEXT REVIEW",
        "PATH",
    ];
    let dash = || "-".to_string();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            // A line break in a title or a name is a space: one line per row. A file name is
            // shown escaped, as it is (`\u{a}`), so it can be found.
            let cell = |s: &str| crate::terminal::cell(s).into_owned();
            let title = match r.language.as_deref() {
                Some(lang) if r.translation_of.is_some() => format!("{} [{lang}]", r.title),
                _ => r.title.clone(),
            };
            vec![
                r.id.as_deref().map_or_else(dash, cell),
                cell(&title),
                r.sop_type.as_deref().map_or_else(dash, cell),
                match r.in_force_status.as_deref().or(r.status.as_deref()) {
                    Some(status) => cell(status),
                    None if r.no_front_matter => "no front matter".to_string(),
                    None => dash(),
                },
                r.version_cell().as_deref().map_or_else(dash, cell),
                truncate(&cell(r.owner.as_deref().unwrap_or("-")), 24),
                truncate(&cell(r.department.as_deref().unwrap_or("-")), 20),
                match (&r.next_review, r.review_unknown) {
                    (Some(next), _) => cell(next),
                    (None, true) => "unknown".to_string(),
                    (None, false) => dash(),
                },
                escape_line(&r.path).into_owned(),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| width(h)).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    // Columns are separated by two spaces; the last one is not padded.
    let total = |widths: &[usize]| {
        widths
            .iter()
            .map(|w| w + 2)
            .sum::<usize>()
            .saturating_sub(2)
    };
    let mut headers: Vec<String> = HEADERS.map(String::from).to_vec();
    let mut cells = cells;
    if !with_path && total(&widths) > fit {
        widths.pop();
        headers.pop();
        for row in &mut cells {
            row.pop();
        }
    }
    const TITLE: usize = 1;
    let others = total(&widths) - widths.get(TITLE).copied().unwrap_or(0);
    let room = fit.saturating_sub(others).max(MIN_TITLE);
    if let Some(w) = widths.get_mut(TITLE)
        && *w > room
    {
        *w = room;
        for row in &mut cells {
            if let Some(t) = row.get_mut(TITLE) {
                *t = truncate(t, room);
            }
        }
    }
    let line = |out: &mut dyn Write, items: &[String]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, (item, w)) in items.iter().zip(&widths).enumerate() {
            if i + 1 == items.len() {
                s.push_str(item);
            } else {
                s.push_str(&pad(item, w + 2));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &headers)?;
    for row in &cells {
        line(out, row)?;
    }
    Ok(())
}
