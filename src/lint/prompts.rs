//! The prompts of each type's SOP template (the repository's `templates/sop/<type>.md`, else the
//! built-in one), so that a prompt left unchanged in an SOP is found even when it does not look
//! like `<Say what this is.>`: `<purpose>`, `[Describe the scope]` or a whole line in italics.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::repo::Repo;
use crate::repo::elements::ELEMENTS;
use crate::repo::front_matter;

/// Shorter text is too common to be told apart from a writer's own.
const MIN_LEN: usize = 6;

/// Per type name, the prompts of its template, as one automaton that finds them all in one pass
/// over a file (the longest prompt where two start at the same place).
pub(super) fn of_types(repo: &Repo) -> HashMap<&str, AhoCorasick> {
    repo.settings
        .types
        .keys()
        .filter_map(|name| {
            let rel = format!("sop/{name}.md");
            let (template, _) = crate::assets::lookup(&repo.root, &rel).ok().flatten()?;
            let prompts = prompts(&template);
            if prompts.is_empty() {
                return None;
            }
            // A contiguous NFA: building the DFA took longer than searching every SOP with it.
            let finder = AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::LeftmostLongest)
                .build(&prompts)
                .ok()?;
            Some((name.as_str(), finder))
        })
        .collect()
}

/// The prompts written in a template's body: `<…>` that is not an HTML tag, `[…]` that is not a
/// link, and a line that is all italics (`_Describe the scope._`); Tera's `{{ … }}` is not text.
fn prompts(template: &str) -> Vec<String> {
    let split = front_matter::split(template);
    let body = template
        .get(split.body.start..split.body.end)
        .unwrap_or(template);
    let mut out: Vec<String> = Vec::new();
    for line in body.lines() {
        if line.contains("{{") || line.contains("{%") {
            continue;
        }
        for (open, close) in [('<', '>'), ('[', ']')] {
            let mut rest = line;
            while let Some(i) = rest.find(open) {
                let after = &rest[i + 1..];
                let Some(j) = after.find(close) else { break };
                let inner = &after[..j];
                let next = after[j + 1..].chars().next();
                let prompt = match open {
                    '<' => angle_prompt(inner),
                    _ => !matches!(next, Some('(' | '[' | ':')) && inner.contains(' '),
                };
                if prompt {
                    out.push(format!("{open}{inner}{close}"));
                }
                rest = &after[j + 1..];
            }
        }
        let text = without_list_marker(line.trim());
        for mark in ["_", "*"] {
            if let Some(inner) = text.strip_prefix(mark).and_then(|t| t.strip_suffix(mark))
                && inner.contains(' ')
                && !inner.contains(mark)
            {
                out.push(text.to_string());
            }
        }
    }
    out.retain(|p| p.len() >= MIN_LEN);
    out.sort();
    out.dedup();
    out
}

/// `line` without a leading `- `, `* `, `+ ` or `1. ` list marker.
fn without_list_marker(line: &str) -> &str {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    match line
        .get(digits..)
        .and_then(|r| r.strip_prefix(". ").or(r.strip_prefix(") ")))
    {
        Some(rest) if digits > 0 => rest.trim_start(),
        _ => line,
    }
}

/// Whether `<inner>` in a template is a prompt: it starts with a letter and is not an HTML tag.
fn angle_prompt(inner: &str) -> bool {
    if !inner.starts_with(|c: char| c.is_alphabetic()) || inner.contains(['=', '"', '\'']) {
        return false;
    }
    let name = inner
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or_default();
    ELEMENTS
        .binary_search(&name.to_ascii_lowercase().as_str())
        .is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_are_read_from_the_templates_own_text() {
        let template = "---\nid: {{ id }}\ntitle: {{ title | yaml }}\n---\n\n## Purpose\n\n<purpose>\n\n\
                        ## Scope\n\n[Describe the scope] and a [link](x.md) and [ref][1] and [x].\n\n\
                        _Who does this, and when._\n\n- *List the tools.*\n\n<details open>\n\n\
                        | Metric | Target |\n|---|---|\n| <metric> | <b>x</b> |\n\nFixed text stays.\n";
        assert_eq!(
            prompts(template),
            [
                "*List the tools.*",
                "<metric>",
                "<purpose>",
                "[Describe the scope]",
                "_Who does this, and when._",
            ]
        );
    }

    fn placeholders(config: &str, template: Option<&str>, body: &str) -> Vec<String> {
        use crate::repo::{Corpus, Settings, Sop};
        let dir = tempfile::tempdir().unwrap();
        if let Some(t) = template {
            std::fs::create_dir_all(dir.path().join("templates/sop")).unwrap();
            std::fs::write(dir.path().join("templates/sop/checklist.md"), t).unwrap();
        }
        let repo = Repo {
            root: dir.path().to_path_buf(),
            settings: Settings::parse(config, std::path::Path::new("sop.toml")).unwrap(),
            tracked: None,
        };
        let text = format!(
            "---\nid: SOP-0001\ntitle: T\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n---\n\n## Purpose\n\n{body}\n\n## Checklist\n\n- [ ] x\n"
        );
        let sop = Sop::parse("sops/a/SOP-0001-a.md".into(), text, "SOP");
        let corpus = Corpus {
            sops: vec![sop],
            broken: Vec::new(),
        };
        let text = corpus.sops[0].source.text().to_string();
        crate::lint::check(&repo, &corpus)
            .unwrap()
            .into_iter()
            .filter(|f| f.rule.id == "placeholder-left")
            .map(|f| {
                let s = f.span.unwrap();
                text[s.start..s.end].to_string()
            })
            .collect()
    }

    #[test]
    fn words_in_emphasis_are_found_and_names_are_not() {
        let found = placeholders(
            "",
            None,
            "_TBD_, *TBD*, **TODO**, __FIXME__ but not SOME_TBD or TBD_x or TODOS.",
        );
        assert_eq!(found, ["TBD", "TBD", "TODO", "FIXME"]);
    }

    #[test]
    fn placeholder_words_come_from_sop_toml() {
        let body = "Meet at TBD station. XXX fill in. TODO later.";
        assert_eq!(
            placeholders(
                "[lint]\nplaceholder_words = [\"XXX\", \"TODO\"]\n",
                None,
                body
            ),
            ["XXX", "TODO"]
        );
        assert!(placeholders("[lint]\nplaceholder_words = []\n", None, body).is_empty());
        // Prompts are still found with no words.
        assert_eq!(
            placeholders("[lint]\nplaceholder_words = []\n", None, "<Say why.>"),
            ["<Say why.>"]
        );
    }

    #[test]
    fn the_repositorys_template_prompts_are_found_unchanged() {
        let template = "---\nid: {{ id }}\n---\n\n## Purpose\n\n<purpose>\n\n_Say who does this._\n\n## Checklist\n\n- [ ] [First item to check]\n";
        let body =
            "<purpose>\n\n_Say who does this._\n\n[First item to check] and `<purpose>` in code.";
        assert_eq!(
            placeholders("", Some(template), body),
            ["<purpose>", "_Say who does this._", "[First item to check]"]
        );
        assert!(placeholders("", None, "<purpose>").is_empty());
    }
}
