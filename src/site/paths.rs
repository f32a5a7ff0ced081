//! Every page an SOP gets, decided before anything is rendered: SOPs whose id cannot name a
//! page are left out (with a note), and two sources that would write the same file are
//! refused, naming both. Without this, `id: "SOP-0001.es"` overwrote the Spanish translation
//! of SOP-0001, `SOP 0002` and `SOP_0002` wrote one file, and which one won changed from run
//! to run.
//!
//! Paths are compared without regard to case: on the file systems of macOS and Windows
//! `SOP-0001.pt-BR.html` and `SOP-0001.pt-br.html` are one file.

use std::collections::BTreeMap;

use super::SiteError;
use super::select::Selection;
use crate::repo::ids::IdPattern;
use crate::repo::sop::id_number;

/// Leave out the SOPs of `selection` whose id is not of the repository's form (noting each), then
/// check that no two pages share a path.
///
/// # Errors
/// [`SiteError::PathCollision`] naming the two sources and the path.
pub(super) fn check(selection: &mut Selection<'_>, ids: &IdPattern) -> Result<(), SiteError> {
    let before = selection.entries.len();
    let mut notes = Vec::new();
    selection.entries.retain(|e| {
        let valid = id_number(&e.id, ids).is_some();
        if !valid {
            notes.push(format!(
                "`{}` is not published: its id `{}` is not of the form {}, so it cannot name a page; correct the id (`sop lint` shows where)",
                e.working.path,
                e.id.escape_debug(),
                ids.shape()
            ));
        }
        valid
    });
    selection.notes.extend(notes);
    if selection.entries.len() != before {
        selection.pages_by_path.clear();
        for (i, e) in selection.entries.iter().enumerate() {
            selection.pages_by_path.insert(e.working.path.clone(), i);
            for t in &e.translations {
                selection.pages_by_path.insert(t.sop.path.clone(), i);
            }
        }
    }
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    for e in &selection.entries {
        let mut pages: Vec<(&str, String)> = vec![(
            e.url.as_str(),
            format!("`{}` (id `{}`)", e.working.path, e.id),
        )];
        for t in &e.translations {
            pages.push((
                t.url.as_str(),
                format!(
                    "`{}` (the `{}` translation of `{}`)",
                    t.sop.path, t.language, e.id
                ),
            ));
        }
        for a in &e.archived {
            pages.push((
                a.url.as_str(),
                format!("release `{}` of `{}`", a.release.tag, e.id),
            ));
        }
        for (path, source) in pages {
            if let Some(first) = claimed.insert(path.to_lowercase(), source.clone()) {
                return Err(SiteError::PathCollision {
                    path: path.to_string(),
                    first,
                    second: source,
                });
            }
        }
    }
    Ok(())
}
