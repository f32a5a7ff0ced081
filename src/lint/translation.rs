//! Translation rules: `translation_of: <id>@<version>` well formed, its source present, and not
//! older than the source's current version.

use crate::diag::Finding;
use crate::repo::Sop;
use crate::repo::sop::is_language_tag;

use super::registry::*;
use super::{Cx, finding};

pub(super) fn check(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    if !sop.is_translation() || sop.front_matter.is_none() {
        return;
    }
    let m = &sop.meta;
    if let Some(lang) = &m.language
        && !is_language_tag(&lang.value)
    {
        out.push(
            finding(
                &TRANSLATION_OF_INVALID,
                sop,
                lang.span,
                format!("`language: {}` is not a language tag", lang.value),
            )
            .label("not a language tag")
            .help("write a language tag such as `es`, `de` or `pt-BR`"),
        );
    }
    let Some(of) = &m.translation_of else {
        let span =
            m.id.as_ref()
                .map_or_else(|| sop.source.line_span(1), |s| s.span);
        out.push(
            finding(
                &TRANSLATION_OF_INVALID,
                sop,
                span,
                "this file is a translation but has no `translation_of`",
            )
            .label("translation of which version?")
            .help(format!(
                "add `translation_of: {}@<version>` with the source version you translated",
                sop.id().unwrap_or("SOP-0001")
            )),
        );
        return;
    };
    let parsed = of.value.split_once('@').and_then(|(id, v)| {
        semver::Version::parse(v.trim())
            .ok()
            .map(|v| (id.trim(), v))
    });
    let Some((id, version)) = parsed else {
        out.push(
            finding(
                &TRANSLATION_OF_INVALID,
                sop,
                of.span,
                format!("`translation_of: {}` is not of the form ID@VERSION", of.value),
            )
            .label("not ID@VERSION")
            .help(format!(
                "write the source's id and the version you translated, for example `translation_of: {}@1.0.0`",
                sop.id().unwrap_or("SOP-0001")
            )),
        );
        return;
    };
    if let Some(own) = m.id.as_ref()
        && own.value != id
    {
        out.push(
            finding(
                &TRANSLATION_OF_INVALID,
                sop,
                of.span,
                format!(
                    "`translation_of` names `{id}`, but this translation's id is `{}`",
                    own.value
                ),
            )
            .label("a different id")
            .help("a translation keeps its source's id: make both the same"),
        );
        return;
    }
    let Some(source) = cx.originals.get(id).and_then(|v| v.first()) else {
        out.push(
            finding(
                &TRANSLATION_SOURCE_MISSING,
                sop,
                of.span,
                format!("this is a translation of `{id}`, but there is no SOP `{id}`"),
            )
            .label("source not found")
            .help("add or restore the source SOP, or correct the id"),
        );
        return;
    };
    if let Some(current) = source.version()
        && current > version
    {
        out.push(
            finding(
                &TRANSLATION_STALE,
                sop,
                of.span,
                format!(
                    "this translation is of {id} version {version}, but the source is now at {current}"
                ),
            )
            .label("an older version")
            .help(format!(
                "translate the changes since {version}{}, then set `translation_of: {id}@{current}`",
                changes_since(cx, id, &version, &current)
            )),
        );
    }
}

/// Where the translator sees what changed in `id` since `version` (the version translated) up
/// to `current`, as a command that works: `sop diff` from the release of `version` (to the
/// release of `current` when there is one, else to the file on disk); when `version` was never
/// released, `sop history`, which lists the commits to compare with. Empty outside git.
fn changes_since(
    cx: &Cx<'_>,
    id: &str,
    version: &semver::Version,
    current: &semver::Version,
) -> String {
    let Ok(Some(git)) = crate::git::Repo::open(&cx.repo.root) else {
        return String::new();
    };
    let released = git.releases_of(cx.settings, id).unwrap_or_default();
    let has = |v: &semver::Version| {
        released.iter().any(|r| {
            semver::Version::parse(r.version.trim_start_matches('v')).is_ok_and(|r| &r == v)
        })
    };
    let word = crate::words::shell_word(id);
    if has(version) && has(current) {
        format!(" (`sop diff {word} {version} {current}` shows them)")
    } else if has(version) {
        format!(" (`sop diff {word} {version}` shows them)")
    } else {
        format!(
            " ({version} was never released: find the commit you translated with `sop history {word}`, then `sop diff {word} <commit>` shows what changed since)"
        )
    }
}
