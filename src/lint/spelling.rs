//! `name-case-differs`: one department or tag written in two spellings that differ only in
//! case (`Payments` and `payments`), which the site shows as two departments or two tags.

use std::collections::BTreeMap;

use crate::diag::Finding;
use crate::repo::{Sop, Span};

use super::registry::NAME_CASE_DIFFERS;

/// The findings for the SOPs of `sops` (only for `only` when given) whose department or tags
/// are spelt otherwise than most SOPs spell the same name.
pub(super) fn check<'a>(
    sops: impl IntoIterator<Item = &'a Sop>,
    only: Option<&str>,
    names: &crate::repo::keys::KeyNames,
) -> Vec<Finding> {
    let mut departments = Names::default();
    let mut tags = Names::default();
    for sop in sops {
        if let Some(d) = &sop.meta.department {
            departments.add(sop, &d.value, d.span);
        }
        for t in sop.meta.tags.iter().flat_map(|list| &list.value) {
            tags.add(sop, &t.value, t.span);
        }
    }
    let mut out = Vec::new();
    departments.report(only, "department", names.written("department"), &mut out);
    tags.report(only, "tag", names.written("tags"), &mut out);
    out
}

/// The places a spelling is written: each SOP's path and the value's span in it.
type Places<'a> = Vec<(&'a str, Span)>;

/// Each name, by its lowercase form: each spelling with the places it is written.
#[derive(Default)]
struct Names<'a> {
    by_lower: BTreeMap<String, BTreeMap<&'a str, Places<'a>>>,
}

impl<'a> Names<'a> {
    fn add(&mut self, sop: &'a Sop, value: &'a str, span: Span) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        self.by_lower
            .entry(value.to_lowercase())
            .or_default()
            .entry(value)
            .or_default()
            .push((sop.path.as_str(), span));
    }

    /// A finding at every place a name is spelt otherwise than where it is written most (of
    /// two spellings as common, the first in sort order: `Payments` before `payments`).
    fn report(&self, only: Option<&str>, what: &str, key: &str, out: &mut Vec<Finding>) {
        for spellings in self.by_lower.values().filter(|s| s.len() > 1) {
            let Some((&usual, places)) = spellings
                .iter()
                .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(a.0)))
            else {
                continue;
            };
            // The SOPs that write it so (one SOP may list a tag twice).
            let mut sops: Vec<&str> = places.iter().map(|(path, _)| *path).collect();
            sops.dedup();
            let others = sops.len();
            for (&spelt, at) in spellings.iter().filter(|(s, _)| **s != usual) {
                for &(path, span) in at.iter().filter(|(p, _)| only.is_none_or(|o| o == *p)) {
                    out.push(
                        Finding::new(
                            &NAME_CASE_DIFFERS,
                            path.to_string(),
                            Some(span),
                            format!(
                                "the {what} `{spelt}` is written `{usual}` in {}: the site shows them as two {what}s",
                                crate::words::count(others, "SOP")
                            ),
                        )
                        .label(format!("`{usual}` elsewhere"))
                        .help(format!(
                            "write `{usual}`, as most SOPs do, so they are one {what} on the site (`{key}:` in the front matter)"
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sop_counts_once() {
        let sop = |path: &str, tags: &str| {
            let text = format!("---\nid: SOP-0001\ndepartment: Payments\ntags: [{tags}]\n---\n");
            Sop::parse(path.into(), text, "SOP")
        };
        let sops = [
            sop("sops/a/SOP-0001-a.md", "refunds, refunds, Refunds"),
            sop("sops/a/SOP-0002-b.md", "refunds"),
        ];
        let names = crate::repo::Settings::load(None).unwrap().keys;
        let found: Vec<String> = check(&sops, None, &names)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            found,
            ["the tag `Refunds` is written `refunds` in 2 SOPs: the site shows them as two tags"]
        );
    }
}
