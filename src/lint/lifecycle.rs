//! Lifecycle rules: reviews overdue or due soon, approved SOPs without approvers or effective
//! date or taking effect in the future, retired SOPs without successor, SOPs that name a
//! successor but are not retired, successor ids that do not exist.

use crate::diag::Finding;
use crate::repo::dates::{self, Cadence};
use crate::repo::{Sop, Span, Status};
use crate::words::count_signed;

use super::registry::*;
use super::{Cx, finding};

pub(super) fn check(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    let m = &sop.meta;
    let status_span = m.status.as_ref().map(|s| s.span);
    match (sop.status(), status_span) {
        (Some(Status::Approved), Some(status_span)) => {
            approved(cx, sop, status_span, out);
        }
        (Some(Status::Retired), Some(status_span))
            if m.superseded_by.is_none() && m.retired_reason.is_none() =>
        {
            out.push(
                    finding(
                        &RETIRED_WITHOUT_SUCCESSOR,
                        sop,
                        status_span,
                        "this SOP is retired but says neither what replaces it nor why",
                    )
                    .label("retired")
                    .help("add `superseded_by: <id of the new SOP>`, or `retired_reason:` with one sentence on why it was retired"),
                );
        }
        _ => {}
    }
    if let Some(next) = &m.superseded_by {
        if let Some(status) = sop.status().filter(|s| *s != Status::Retired) {
            superseded_not_retired(sop, status, next, out);
        }
        unknown_id(cx, sop, "superseded_by", &next.value, next.span, out);
    }
    if let Some(list) = &m.supersedes {
        for item in &list.value {
            unknown_id(cx, sop, "supersedes", &item.value, item.span, out);
        }
    }
}

/// `superseded_by` on an SOP that is not retired: the file says it is replaced, while its
/// status (and the site, for an approved one) says it is in force or on its way there.
fn superseded_not_retired(
    sop: &Sop,
    status: Status,
    next: &crate::repo::sop::Spanned<String>,
    out: &mut Vec<Finding>,
) {
    let successor = next.value.trim();
    let id = sop.id().unwrap_or("<ID>");
    out.push(
        finding(
            &SUPERSEDED_NOT_RETIRED,
            sop,
            next.span,
            format!(
                "this SOP says `{successor}` replaces it, but its status is `{}`, not `retired`",
                status.as_str()
            ),
        )
        .label("replaced, but not retired")
        .help(format!(
            "if `{successor}` replaces it, set `status: retired` and release it: `sop release {id} --patch -m \"Retired, superseded by {successor}\"`; if this SOP stays in use, delete the `superseded_by` line"
        )),
    );
}

fn approved(cx: &Cx<'_>, sop: &Sop, status_span: Span, out: &mut Vec<Finding>) {
    let m = &sop.meta;
    if m.approvers.as_ref().is_none_or(|a| a.value.is_empty()) {
        let span = sop
            .front_matter
            .as_ref()
            .and_then(|fm| fm.get("approvers"))
            .map_or(status_span, |f| f.key_span);
        out.push(
            finding(
                &APPROVED_WITHOUT_APPROVERS,
                sop,
                span,
                "this SOP is approved but names no approvers",
            )
            .label("approved by whom?")
            .help("add `approvers: [Name, Name]` with the people who approved this version, or set `status: review`"),
        );
    }
    match &m.effective {
        None => out.push(
            finding(
                &APPROVED_WITHOUT_EFFECTIVE_DATE,
                sop,
                status_span,
                "this SOP is approved but has no effective date",
            )
            .label("effective since when?")
            .help(format!(
                "add `{}: YYYY-MM-DD`, the day this version takes effect",
                cx.settings.keys.written("effective")
            )),
        ),
        Some(eff) => {
            if let Ok(date) = dates::parse_date(&eff.value)
                && date > cx.latest_today
            {
                // Approved in advance (`sop release --effective`): readers keep seeing the
                // version in force until then, and the site says when this one takes effect.
                let help = match in_force_before(cx, sop) {
                    Some(InForce { version: v, own_released: true }) => format!(
                        "readers see version {v}, the version in force, until {date} (the site says this version takes effect then): check that the date (and the year) is the one meant"
                    ),
                    Some(InForce { version: v, own_released: false }) => format!(
                        "this version is not released yet: readers see version {v}, the version in force, until it is released as approved, and then until {date}; check that the date (and the year) is the one meant"
                    ),
                    None => "check the date (and the year); keep the SOP in `review` until it takes effect".to_string(),
                };
                out.push(
                    finding(
                        &EFFECTIVE_IN_FUTURE,
                        sop,
                        eff.span,
                        format!("this approved SOP only takes effect on {date}"),
                    )
                    .label("after today")
                    .help(help),
                );
            }
        }
    }
    review_dates(cx, sop, out);
}

/// The version in force before the one a file says.
struct InForce {
    /// Its version.
    version: String,
    /// Whether the file's own version is released (tagged): else it is an edit the site does
    /// not show yet, whatever date it says.
    own_released: bool,
}

/// The version of `sop` in force today, released before its own: the newest earlier release
/// whose text at its tag is approved (or retired) and took effect by today, as the site shows
/// it. `None` outside git, for a translation, and when no earlier version is in force.
fn in_force_before(cx: &Cx<'_>, sop: &Sop) -> Option<InForce> {
    if sop.is_translation() {
        return None;
    }
    let (id, own) = (sop.id()?, sop.version()?);
    let git = cx.git()?;
    let releases: Vec<(semver::Version, String)> = git
        .releases_of(cx.settings, id)
        .ok()?
        .into_iter()
        .filter_map(|r| Some((semver::Version::parse(r.version.trim()).ok()?, r.tag)))
        .collect();
    let own_released = releases.iter().any(|(v, _)| *v == own);
    let mut earlier: Vec<(semver::Version, String)> =
        releases.into_iter().filter(|(v, _)| *v < own).collect();
    earlier.sort();
    earlier.into_iter().rev().find_map(|(v, tag)| {
        let text = git.file_at_tag(&tag, &sop.path).ok()??;
        let released = Sop::parse_in(sop.path.clone(), text, cx.settings);
        let in_force = matches!(released.status(), Some(Status::Approved | Status::Retired))
            && released
                .date(released.meta.effective.as_ref())
                .is_some_and(|d| d <= cx.today);
        in_force.then(|| InForce {
            version: v.to_string(),
            own_released,
        })
    })
}

fn review_dates(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    // A translation's periodic review is its source's (as its releases and approvals are):
    // `sop review <ID>`, `sop due` and `sop stats` know the source alone, and a translation
    // whose source changed since is `translation-stale`.
    if sop.is_translation() {
        return;
    }
    let Some(next) = sop.next_review(cx.settings) else {
        return;
    };
    let m = &sop.meta;
    let span = [
        &m.next_review,
        &m.last_reviewed,
        &m.review_every,
        &m.effective,
    ]
    .into_iter()
    .flatten()
    .map(|s| s.span)
    .next();
    let Some(span) = span else {
        return;
    };
    let days = dates::days_between(cx.today, next);
    if days < 0 {
        out.push(
            finding(
                &REVIEW_OVERDUE,
                sop,
                span,
                format!(
                    "the review of this SOP was due on {next}, {} ago",
                    count_signed(-days, "day")
                ),
            )
            .label("review date has passed")
            .help("review the SOP and record it with `sop review <ID>`, or release a new version"),
        );
    } else if due_soon(cx.settings.due_soon, cx.today, next) {
        out.push(
            finding(
                &REVIEW_DUE_SOON,
                sop,
                span,
                if days == 0 {
                    format!("the review of this SOP is due today, {next}")
                } else {
                    format!(
                        "the review of this SOP is due on {next}, in {}",
                        count_signed(days, "day")
                    )
                },
            )
            .label("review due soon")
            .help("plan the review; record it with `sop review <ID>` when done"),
        );
    }
}

fn due_soon(window: Cadence, today: dates::Date, next: dates::Date) -> bool {
    window.after(today).is_some_and(|limit| next <= limit)
}

fn unknown_id(cx: &Cx<'_>, sop: &Sop, key: &str, id: &str, span: Span, out: &mut Vec<Finding>) {
    if cx.ids.contains(id) {
        return;
    }
    out.push(
        finding(
            &SUPERSEDE_ID_UNKNOWN,
            sop,
            span,
            format!("`{key}` names `{id}`, but no SOP has that id"),
        )
        .label("unknown id")
        .help("correct the id; `sop list` shows every SOP's id"),
    );
}
