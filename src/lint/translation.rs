//! Translation rules: `translation_of: <id>@<version>` well formed, its source present, and not
//! older than the source's current version.

use crate::diag::Finding;
use crate::repo::sop::is_language_tag;
use crate::repo::{Sop, Status};

use super::registry::*;
use super::{Cx, finding};

/// `front-matter-missing` for a file without front matter whose name reads as a translation
/// (`refunds.pt.md`): how to make it the translation of the file beside it (`refunds.md`), or,
/// when there is none (`node.js.md`), how to rename it to make it an SOP of its own.
pub(super) fn without_front_matter(cx: &Cx<'_>, sop: &Sop) -> Option<Finding> {
    let crate::repo::sop::TranslationName {
        lang,
        source_path,
        base,
        ext,
    } = sop.translation_name()?;
    let ending = format!("`.{lang}{ext}`");
    let rename = format!(
        "if it is not a translation but an SOP of its own, rename it without that dot (such as `{base}-{lang}{ext}`) and run `sop adopt`"
    );
    let first = sop.source.line_span(1);
    let Some(source) = cx.sop_at(&source_path) else {
        return Some(
            finding(
                &FRONT_MATTER_MISSING,
                sop,
                first,
                format!(
                    "this file has no front matter, and its name ends in {ending}, which sop reads as a translation into the language `{lang}`, but there is no `{source_path}` it translates"
                ),
            )
            .label("front matter belongs above this line")
            .help(format!(
                "{rename}; if it is a translation, name it after the file it translates, with `.{lang}` before `{ext}`"
            )),
        );
    };
    let language = crate::site::i18n::english_name(lang);
    let message = format!(
        "this file has no front matter: its name ends in {ending}, so it reads as the {language} translation of `{source_path}`"
    );
    let help = match (source.front_matter.as_ref(), source.id()) {
        (Some(_), Some(id)) => {
            let version = source
                .version()
                .map_or_else(|| "<version>".to_string(), |v| v.to_string());
            format!(
                "a translation keeps its source's front matter: copy the front matter of `{source_path}` to the top of this file (the same `id: {id}`), translate the title, and add `language: {lang}` and `translation_of: {id}@{version}` (the version of `{source_path}` it translates, if not {version}); {rename}"
            )
        }
        _ => format!(
            "a translation keeps its source's front matter: run `sop adopt` to give `{source_path}` its front matter, then copy it to the top of this file (the same `id`), translate the title, and add `language: {lang}` and `translation_of: <its id>@<its version>` with the version of `{source_path}` it translates; {rename}"
        ),
    };
    Some(
        finding(&FRONT_MATTER_MISSING, sop, first, message)
            .label("front matter belongs above this line")
            .help(help),
    )
}

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
    match source_version(cx, id, source, &version) {
        Of::Approved | Of::Unchecked => {}
        Of::Unknown(known) => {
            out.push(
                finding(
                    &TRANSLATION_VERSION_UNKNOWN,
                    sop,
                    of.span,
                    format!("`{id}` has no version {version}: {known}"),
                )
                .label("no such version")
                .help(format!(
                    "set `translation_of` to the version of `{id}` you translated, for example `translation_of: {id}@{}`",
                    source.version().map_or_else(|| "1.0.0".to_string(), |v| v.to_string())
                )),
            );
            return;
        }
        Of::Unapproved(why) => {
            if sop.status() == Some(Status::Approved) {
                out.push(
                    finding(
                        &TRANSLATION_OF_UNAPPROVED,
                        sop,
                        of.span,
                        format!(
                            "this approved translation translates `{id}` version {version}, which {why}: the site leaves it out"
                        ),
                    )
                    .label("a version nobody approved")
                    .help(format!(
                        "translate a version of `{id}` that was approved and set `translation_of` to it, or get its text approved (`sop release {} --patch -m \"...\" --approve`) and translate the version that release makes",
                        crate::words::shell_word(id)
                    )),
                );
            }
        }
    }
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

/// What the source says about the version a translation declares.
enum Of {
    /// A version whose text was approved (or retired).
    Approved,
    /// A version whose text was never approved: why, as "was released without approval".
    Unapproved(String),
    /// No version of the source: the versions it has, as a clause ("its only version is 0.2.0").
    Unknown(String),
    /// An older version of a source without releases: nothing records whether it was approved.
    /// (With releases, a version older than the first is [`Of::Unknown`].)
    Unchecked,
}

/// Whether `version` of the source `id` (its working copy `source`) was approved: read from
/// its release tags in git, else from the working copy.
fn source_version(cx: &Cx<'_>, id: &str, source: &Sop, version: &semver::Version) -> Of {
    let in_force = |s: Option<Status>| matches!(s, Some(Status::Approved | Status::Retired));
    let current = source.version();
    let git = cx
        .git
        .get_or_init(|| {
            crate::git::Repo::open(&cx.repo.root)
                .ok()
                .flatten()
                .map(std::sync::Mutex::new)
        })
        .as_ref()
        .map(|g| g.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    // The release of that version, found by its tag's name: no walk over every tag.
    let tag = cx.settings.tag_name(id, &version.to_string());
    if let Some(r) = git
        .as_ref()
        .and_then(|g| g.tag_release(&tag).ok().flatten())
    {
        // The text at its tag, as `sop publish` reads it: approved (or retired) and saying
        // the tag's version. A tag made by hand with a copied message records approvers too,
        // so they count only when the text cannot be read (renamed since).
        let tagged = git
            .as_ref()
            .and_then(|g| g.file_at_tag(&tag, &source.path).ok().flatten())
            .map(|text| Sop::parse_in(source.path.clone(), text, cx.settings));
        return match tagged {
            Some(t) if t.version().as_ref() != Some(version) => Of::Unapproved(format!(
                "is no release: its tag `{tag}` holds text that says {} (a tag made by hand?)",
                t.version()
                    .map_or_else(|| "no version".to_string(), |v| format!("version {v}"))
            )),
            Some(t) if in_force(t.status()) => Of::Approved,
            None if !r.approvals.is_empty() => Of::Approved,
            _ => Of::Unapproved("was released without approval".to_string()),
        };
    }
    let releases = git
        .as_ref()
        .and_then(|g| g.releases_of(cx.settings, id).ok())
        .unwrap_or_default();
    let parse = |v: &str| semver::Version::parse(v.trim().trim_start_matches('v')).ok();
    if current.as_ref() == Some(version) {
        return if !releases.is_empty() {
            Of::Unapproved("is not released as approved yet".to_string())
        } else if in_force(source.status()) {
            Of::Approved
        } else {
            Of::Unapproved(format!(
                "is not approved yet ({})",
                crate::site::select::it_is(source.status())
            ))
        };
    }
    // Older than the current version and never released. Without releases, nothing records
    // whether it was approved. With releases, the versions known are the released ones (their
    // tags), as `sop publish` reads them: one below the first release is unknown (below), one
    // after it was never released as approved.
    if current.as_ref().is_some_and(|c| version < c)
        && let Some(of) =
            older_unreleased(releases.iter().filter_map(|r| parse(&r.version)), version)
    {
        return of;
    }
    let mut known: Vec<semver::Version> =
        releases.iter().filter_map(|r| parse(&r.version)).collect();
    known.extend(current);
    known.sort();
    known.dedup();
    let words: Vec<String> = known.iter().map(ToString::to_string).collect();
    Of::Unknown(match words.as_slice() {
        [] => "it has none yet".to_string(),
        [one] => format!("its only version is {one}"),
        _ => format!("its versions are {}", words.join(", ")),
    })
}

/// What a version older than the source's current one, and not released itself, is, given the
/// `released` versions: without any, nothing records whether it was approved ([`Of::Unchecked`]);
/// at or after the first, it was never released as approved; before the first, it is no known
/// version (`None`: the caller lists those there are).
fn older_unreleased(
    released: impl Iterator<Item = semver::Version>,
    version: &semver::Version,
) -> Option<Of> {
    match released.min() {
        None => Some(Of::Unchecked),
        Some(first) if *version >= first => {
            Some(Of::Unapproved("was never released as approved".to_string()))
        }
        Some(_) => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> semver::Version {
        semver::Version::parse(text).unwrap()
    }

    /// Review 10, d9: a version older than the first release is no known version; it was
    /// taken for an old version nobody could check, and its translation shown as stale.
    #[test]
    fn an_older_version_never_released_is_known_only_after_the_first_release() {
        let released = || [v("1.2.0"), v("1.4.0")].into_iter();
        assert!(older_unreleased(released(), &v("0.9.0")).is_none());
        assert!(older_unreleased(released(), &v("1.1.9")).is_none());
        assert!(matches!(
            older_unreleased(released(), &v("1.3.0")),
            Some(Of::Unapproved(why)) if why == "was never released as approved"
        ));
        // No release at all: nothing records which versions there were.
        assert!(matches!(
            older_unreleased(std::iter::empty(), &v("0.9.0")),
            Some(Of::Unchecked)
        ));
    }
}
