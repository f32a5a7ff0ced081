//! Lint findings counted per rule, for `sop stats`, the review dashboard and the `sop serve`
//! banner.

use std::collections::BTreeMap;

use crate::repo::{Corpus, Repo};

/// Lint findings per rule id for `corpus`; empty when `sop.toml` names an unknown rule (lint
/// itself reports that as a configuration error).
pub fn findings_by_rule(repo: &Repo, corpus: &Corpus) -> BTreeMap<String, usize> {
    count_by_rule(&crate::lint::check(repo, corpus).unwrap_or_default())
}

/// `findings` counted per rule id.
pub fn count_by_rule(findings: &[crate::diag::Finding]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts.entry(f.rule.id.to_string()).or_insert(0) += 1;
    }
    counts
}
