//! Pull-request rules (`sop lint --base REV`): compare each changed SOP with the merge base.
//!
//! The changes come from one tree diff in [`crate::git::base`]; this module only judges them:
//! a changed SOP needs a higher version, ids never change, approved SOPs are retired rather than
//! deleted.

use std::collections::{HashMap, HashSet};

use super::registry::{
    APPROVAL_NOT_RECORDED, APPROVED_SOP_DELETED, ID_CHANGED, VERSION_NOT_BUMPED,
};
use crate::diag::{Finding, Severity};
use crate::git::base::{BaseChange, ChangedAtBase};
use crate::repo::{Corpus, Sop, Status};

/// The SOPs (by path) whose text changed and says `status: approved` with no approval recorded
/// for it.
pub type Unrecorded = HashMap<String, NotRecorded>;

/// Why no approval is recorded for a changed text that says approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRecorded {
    /// Whether the SOP was released before: for a team that releases with `sop release` that
    /// is an error; for one that approves by hand, a warning.
    pub released_before: bool,
    /// Why, in words.
    pub why: String,
    /// What records the approval.
    pub fix: RecordWith,
}

/// What records the approval of a changed text that says approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordWith {
    /// A release made with `sop release --approve`.
    Release,
    /// The tag of a release whose commit is here (made, then not pushed).
    PushTag(String),
    /// Nothing in git: a translation has no releases of its own, so the reviewers it names
    /// are all there is.
    Reviewers,
}

/// The versions a changed SOP must go above besides the one it started from.
#[derive(Debug, Clone, Default)]
pub struct Versions {
    /// By id: the SOPs the base revision itself changed since this branch started from it
    /// (another pull request merged there since), as it has them.
    pub at_base: HashMap<String, ChangedAtBase>,
    /// By id: the highest version released (any release tag, merged or not): `sop release`
    /// refuses any version up to it.
    pub released: HashMap<String, semver::Version>,
}

/// The findings for `changes` since `base` (the revision as the user named it).
pub(super) fn check(
    corpus: &Corpus,
    changes: &[BaseChange],
    base: &str,
    unrecorded: &Unrecorded,
    versions: &Versions,
) -> Vec<Finding> {
    let by_path: HashMap<&str, &Sop> = corpus.sops.iter().map(|s| (s.path.as_str(), s)).collect();
    let ids_now: HashSet<&str> = corpus.sops.iter().filter_map(Sop::id).collect();
    let mut out = Vec::new();
    for change in changes {
        let base_approved = change.base_status.as_deref() == Some(Status::Approved.as_str());
        // A file gone whose id still exists elsewhere was moved, not deleted.
        let id_gone = change
            .base_id
            .as_deref()
            .is_none_or(|id| !ids_now.contains(id));
        // A translation follows its source's versions, id and life: only its approval counts.
        if change.deleted && id_gone && !change.translation {
            // git paired it with a file whose id differs, and the old id is gone: the id changed.
            if let (Some(old), Some(sop)) = (
                change.base_id.as_deref(),
                change.renamed_to.as_deref().and_then(|p| by_path.get(p)),
            ) && let Some(new) = sop.meta.id.as_ref()
            {
                out.push(id_changed(sop, old, &new.value, new.span, base));
                continue;
            }
            if base_approved && let Some(path) = &change.base_path {
                let id = change.base_id.as_deref().unwrap_or("this SOP");
                out.push(
                    Finding::new(
                        &APPROVED_SOP_DELETED,
                        path.clone(),
                        None,
                        format!("the approved SOP `{id}` was deleted; on `{base}` it was approved"),
                    )
                    .help(format!(
                        "restore the file and retire it instead: `status: retired` with `superseded_by` (or `retired_reason`), then `sop release {id} --patch -m \"Retired\"`; the published site then shows it as retired"
                    )),
                );
            }
            continue;
        }
        if change.deleted {
            continue;
        }
        let Some(sop) = change.path.as_deref().and_then(|p| by_path.get(p)) else {
            continue;
        };
        if let (Some(old), Some(new)) = (change.base_id.as_deref(), sop.meta.id.as_ref())
            && old != new.value
            && !change.translation
        {
            out.push(id_changed(sop, old, &new.value, new.span, base));
        }
        if let (Some(not), Some(status)) = (unrecorded.get(&sop.path), sop.meta.status.as_ref()) {
            let released = sop.id().and_then(|id| versions.released.get(id));
            out.push(approval_not_recorded(sop, status.span, not, released));
        }
        if change.translation {
            continue;
        }
        // A recorded review (`sop review`) changes only the review dates: no new version.
        if !change.content_changed || change.review_only || change.base_path.is_none() {
            continue;
        }
        let Some(old) = change
            .base_version
            .as_deref()
            .and_then(|v| semver::Version::parse(v).ok())
        else {
            continue;
        };
        let (Some(new), Some(span)) = (sop.version(), sop.meta.version.as_ref().map(|v| v.span))
        else {
            continue;
        };
        let id = sop.id().unwrap_or("ID");
        // Changed on the base too since this branch started (another pull request merged
        // there): the version must also go above the one the base has now.
        let there = sop.id().and_then(|id| versions.at_base.get(id));
        let there_version = there
            .and_then(|t| t.version.as_deref())
            .and_then(|v| semver::Version::parse(v.trim()).ok())
            .filter(|v| *v > old);
        let floor = there_version.clone().unwrap_or_else(|| old.clone());
        if new > floor {
            continue;
        }
        let approved = base_approved
            || sop.status() == Some(Status::Approved)
            || there.and_then(|t| t.status.as_deref()) == Some(Status::Approved.as_str());
        let above = [Some(&floor), versions.released.get(id)]
            .into_iter()
            .flatten()
            .max();
        let release = release_options(id, &new, above);
        let mut f = match (&there_version, there) {
            (Some(now), Some(there)) => {
                let on_base = there.tag.as_deref().filter(|_| there.tag_on_base);
                // This branch's own release of the same version: its tag cannot be shared.
                let own = there
                    .tag
                    .as_deref()
                    .filter(|_| !there.tag_on_base && new == *now)
                    .map(|tag| format!(" (first delete this branch's tag of {new}, which `{base}` has another release of: `git tag -d {tag}`)"))
                    .unwrap_or_default();
                Finding::new(
                    &VERSION_NOT_BUMPED,
                    sop.path.clone(),
                    Some(span),
                    format!(
                        "the SOP changed here and on `{base}` since this branch started from it, and `{base}` already has version {now}{}: this text's version {new} must be higher",
                        on_base
                            .map(|tag| format!(" (released there as `{tag}`)"))
                            .unwrap_or_default()
                    ),
                )
                .label(format!("must be higher than {now}, the version on `{base}`"))
                .help(format!(
                    "bring `{base}` into this branch first (`git merge {base}`, or `git rebase {base}`) and keep both changes in the text, then release the next version{own}: {release}; merged as it is, version {new} would be a text nobody approved"
                ))
            }
            _ => Finding::new(
                &VERSION_NOT_BUMPED,
                sop.path.clone(),
                Some(span),
                if new == old {
                    format!("the SOP changed but its version is still {new}, as on `{base}`")
                } else {
                    format!("the SOP changed but its version went down from {old} to {new}")
                },
            )
            .label(format!("must be higher than {old}"))
            .help(format!("release it: {release}")),
        };
        if !approved {
            f.severity = Severity::Warning;
        }
        out.push(f);
    }
    out
}

/// The `sop release` commands that make the next version of `id`, whose file says `current`,
/// for a help line: `--patch`, `--minor`, `--major` when they go from `current` above `above`
/// (the highest version it must pass: released, or on the base), else the versions after
/// `above` themselves, which `sop release` takes (it refuses any version up to its highest
/// release).
fn release_options(id: &str, current: &semver::Version, above: Option<&semver::Version>) -> String {
    let [patch, minor, major] = next_versions(current, above);
    format!(
        "`sop release {id} {patch} -m \"...\"` for wording, `{minor}` for changed steps, `{major}` for a new way of working"
    )
}

/// The options that give the next patch, minor and major version of an SOP whose file says
/// `current`, past `above` (see [`release_options`]).
fn next_versions(current: &semver::Version, above: Option<&semver::Version>) -> [String; 3] {
    match above {
        Some(above) if current < above => {
            let (ma, mi, pa) = (above.major, above.minor, above.patch);
            [
                format!("--version {ma}.{mi}.{}", pa.saturating_add(1)),
                format!("--version {ma}.{}.0", mi.saturating_add(1)),
                format!("--version {}.0.0", ma.saturating_add(1)),
            ]
        }
        _ => ["--patch", "--minor", "--major"].map(str::to_string),
    }
}

fn approval_not_recorded(
    sop: &Sop,
    span: crate::repo::Span,
    not: &NotRecorded,
    released: Option<&semver::Version>,
) -> Finding {
    let id = sop.id().unwrap_or("ID");
    let [patch, ..] = match sop.version() {
        Some(current) => next_versions(&current, released),
        None => ["--patch"; 3].map(str::to_string),
    };
    let bump = if not.released_before {
        patch.as_str()
    } else {
        "--version 1.0.0"
    };
    let help = match &not.fix {
        RecordWith::PushTag(tag) => format!(
            "push the release's tag from the computer that made it: `git push origin {tag}` (`sop release` makes the tag there, and `git push` alone leaves it behind)"
        ),
        RecordWith::Release => format!(
            "once it is approved, record who approved it: {}, and push its tag (`git push --tags`); until then write `status: review`",
            crate::git::approval::approve_command(id, bump, "...")
        ),
        RecordWith::Reviewers => "have someone who reads the language compare it with the original before it is merged, and name them in `approvers` (the same names on a changed text are no new approval); until then write `status: review` (a translation is published as committed: no release records its approval)".to_string(),
    };
    let mut f = Finding::new(
        &APPROVAL_NOT_RECORDED,
        sop.path.clone(),
        Some(span),
        format!(
            "this text says `status: approved`, but no approval is recorded for it: {}",
            not.why
        ),
    )
    .label("no approver recorded for this text")
    .help(help);
    if !not.released_before {
        f.severity = Severity::Warning;
    }
    f
}

fn id_changed(sop: &Sop, old: &str, new: &str, span: crate::repo::Span, base: &str) -> Finding {
    Finding::new(
        &ID_CHANGED,
        sop.path.clone(),
        Some(span),
        format!("the id changed from `{old}` to `{new}`"),
    )
    .label(format!("was `{old}` on `{base}`"))
    .help(format!(
        "ids are permanent: give this SOP its id `{old}` again; for a new SOP use `sop new`, and retire the old one with `superseded_by`"
    ))
}
