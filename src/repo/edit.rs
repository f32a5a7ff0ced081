//! Rewrite chosen front-matter keys of an SOP and leave every other byte of the file as it was.
//!
//! A key that is there has its line (or, for a block list, its lines) replaced; a missing key
//! is inserted after the closest key that comes before it in the contract's order
//! ([`keys::KEYS`]), else at the top of the block. With [`set_keys_named`], a key the repository
//! writes under another name (`[front_matter] aliases`) is set under that name. Comments, the order of the
//! other keys, the body and the line endings are untouched. Used by `sop release` and
//! `sop review`; depends on [`super::front_matter`] and [`super::encoding`] alone.

use super::front_matter::{self, FrontMatter, Value};
use super::keys::{self, KeyNames};

/// A new value for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewValue {
    /// A scalar, quoted only when YAML needs it.
    Text(String),
    /// A list of scalars; written in the style the key already uses (`[a, b]` or `- a` lines).
    List(Vec<String>),
}

/// Why the front matter cannot be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The file has no front matter block.
    #[error("the file has no front matter (a block between `---` lines at the top)")]
    NoFrontMatter,
    /// The YAML does not parse, so its lines cannot be found safely.
    #[error("the front matter is not valid YAML ({detail})")]
    Broken {
        /// The parser's words.
        detail: String,
    },
}

/// `text` with each `(key, value)` of `edits` set, in order.
///
/// # Errors
/// [`EditError`] when the file has no front matter or it does not parse.
pub fn set_keys(text: &str, edits: &[(&str, NewValue)]) -> Result<String, EditError> {
    set_keys_named(text, edits, &KeyNames::default())
}

/// `text` with each `(key, value)` of `edits` set, in order, each key under the name `names`
/// gives it (a key the file already has under its own name stays there).
///
/// # Errors
/// [`EditError`] when the file has no front matter or it does not parse.
pub fn set_keys_named(
    text: &str,
    edits: &[(&str, NewValue)],
    names: &KeyNames,
) -> Result<String, EditError> {
    let mut out = text.to_string();
    for (key, value) in edits {
        out = set_key(&out, key, value, names)?;
    }
    Ok(out)
}

/// `text` with each key it writes under `sop`'s name renamed to the name `names` gives it
/// (`owner:` → `owner_slack:` with `[front_matter] aliases`), so that a new SOP uses the team's
/// names. A key the file also has under its alias is left as it is.
///
/// # Errors
/// [`EditError`] when the file has no front matter or it does not parse.
pub fn use_names(text: &str, names: &KeyNames) -> Result<String, EditError> {
    let fm = parse(text)?;
    let mut out = text.to_string();
    let mut renames: Vec<(&front_matter::Field, &str)> = fm
        .fields
        .iter()
        .filter_map(|f| Some((f, names.alias(&f.key)?)))
        .filter(|(_, alias)| fm.get(alias).is_none())
        .collect();
    // From the end, so that earlier spans stay valid.
    renames.sort_by_key(|(f, _)| std::cmp::Reverse(f.key_span.start));
    for (field, alias) in renames {
        out.replace_range(field.key_span.start..field.key_span.end, alias);
    }
    Ok(out)
}

/// `text` without the key written `key` (its line, or the lines of its block list); `text` as
/// it is when the front matter has no such key.
///
/// # Errors
/// [`EditError`] when the file has no front matter or it does not parse.
pub fn remove_key(text: &str, key: &str) -> Result<String, EditError> {
    let fm = parse(text)?;
    let Some(field) = fm.get(key) else {
        return Ok(text.to_string());
    };
    let start = line_start(text, field.key_span.start);
    let end = line_end(text, field.value_span.end.max(field.key_span.end));
    Ok(format!(
        "{}{}",
        text.get(..start).unwrap_or_default(),
        text.get(end..).unwrap_or_default()
    ))
}

fn parse(text: &str) -> Result<FrontMatter, EditError> {
    let split = front_matter::split(text);
    let yaml = split.yaml.ok_or(EditError::NoFrontMatter)?;
    let fm = front_matter::parse(text, yaml);
    if let Some(p) = fm.problems.first() {
        return Err(EditError::Broken {
            detail: p.detail.clone(),
        });
    }
    Ok(fm)
}

fn set_key(text: &str, key: &str, value: &NewValue, names: &KeyNames) -> Result<String, EditError> {
    let fm = parse(text)?;
    // The ending most lines use: an edit never mixes line endings.
    let newline = super::encoding::dominant(text).as_str();
    if let Some(field) = names.field(&fm, key) {
        let key = field.key.as_str();
        let start = line_start(text, field.key_span.start);
        let end = line_end(text, field.value_span.end.max(field.key_span.end));
        let old = text.get(start..end).unwrap_or_default();
        let indent = list_indent(old);
        let flow = matches!(&field.value, Value::List(_))
            && text
                .get(field.value_span.start..)
                .is_some_and(|v| v.starts_with('['));
        let block = !flow && (matches!(&field.value, Value::List(_)) || indent.is_some());
        let lines = render(
            key,
            value,
            block,
            indent.as_deref().unwrap_or("  "),
            newline,
        );
        return Ok(format!(
            "{}{lines}{}",
            text.get(..start).unwrap_or_default(),
            text.get(end..).unwrap_or_default()
        ));
    }
    let order = keys::KEYS;
    let pos = order.iter().position(|k| k.name == key);
    let after = pos.and_then(|p| {
        order
            .get(..p)
            .unwrap_or_default()
            .iter()
            .rev()
            .find_map(|k| names.field(&fm, k.name))
    });
    let at = match after {
        Some(f) => line_end(text, f.value_span.end.max(f.key_span.end)),
        None => fm
            .fields
            .first()
            .map_or(fm.span.start, |f| line_start(text, f.key_span.start)),
    };
    // A last line without a newline gets one, so the new key starts on its own line.
    let (lead, at) = if at > 0 && !text[..at].ends_with('\n') {
        (newline, at)
    } else {
        ("", at)
    };
    let lines = render(names.written(key), value, false, "  ", newline);
    Ok(format!(
        "{}{lead}{lines}{}",
        text.get(..at).unwrap_or_default(),
        text.get(at..).unwrap_or_default()
    ))
}

fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The offset just after the newline of the line holding `at`.
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    // A span that ends right after a newline already ends its line.
    if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\n') {
        return at;
    }
    text.get(at..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| at + i + 1)
}

/// The indentation before `- ` of a block list's first item, if `lines` hold one.
fn list_indent(lines: &str) -> Option<String> {
    lines.lines().skip(1).find_map(|l| {
        let trimmed = l.trim_start();
        trimmed
            .starts_with('-')
            .then(|| l[..l.len() - trimmed.len()].to_string())
    })
}

fn render(key: &str, value: &NewValue, block: bool, indent: &str, nl: &str) -> String {
    match value {
        NewValue::Text(t) => format!("{key}: {}{nl}", scalar(t, false)),
        NewValue::List(items) if block && !items.is_empty() => {
            let mut s = format!("{key}:{nl}");
            for i in items {
                s.push_str(&format!("{indent}- {}{nl}", scalar(i, false)));
            }
            s
        }
        NewValue::List(items) => {
            let inner: Vec<String> = items.iter().map(|i| scalar(i, true)).collect();
            format!("{key}: [{}]{nl}", inner.join(", "))
        }
    }
}

/// `s` as a YAML scalar: plain when that reads back as the same string, else double-quoted.
fn scalar(s: &str, in_flow: bool) -> String {
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off"
    );
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '(');
    let bad = s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.contains(['\n', '\r', '\t', '"', '\\'])
        || s != s.trim()
        || (in_flow && s.contains([',', '[', ']', '{', '}']));
    if !reserved && first_ok && !bad {
        return s.to_string();
    }
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t");
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\nid: SOP-0001\ntitle: Refunds # keep me\nstatus: draft\nversion: 1.0.0\nowner: Ann\napprovers:\n    - Bo\n    - Cy\nreview_every: 12 months\n---\n\n## Purpose\n\nstatus: draft is not front matter\n";

    #[test]
    fn keys_are_renamed_to_the_names_the_team_writes() {
        let aliases = [
            ("owner".to_string(), "owner_slack".to_string()),
            ("review_every".to_string(), "cadence".to_string()),
        ]
        .into_iter()
        .collect();
        let names = KeyNames::new(&aliases, &[]).unwrap();
        let out = use_names(DOC, &names).unwrap();
        assert_eq!(
            out,
            DOC.replace("owner: Ann", "owner_slack: Ann")
                .replace("review_every: 12", "cadence: 12")
        );
        // A key the file already writes under its alias is left alone.
        let both = "---\nowner: A\nowner_slack: B\n---\n";
        assert_eq!(use_names(both, &names).unwrap(), both);
        assert_eq!(use_names(DOC, &KeyNames::default()).unwrap(), DOC);
    }

    #[test]
    fn a_key_is_removed_with_all_its_lines() {
        let out = remove_key(DOC, "approvers").unwrap();
        assert_eq!(out, DOC.replace("approvers:\n    - Bo\n    - Cy\n", ""));
        let out = remove_key(DOC, "owner").unwrap();
        assert_eq!(out, DOC.replace("owner: Ann\n", ""));
        assert_eq!(remove_key(DOC, "author").unwrap(), DOC);
        let crlf = "---\r\ntitle: T\r\nauthor: Maria\r\n---\r\nBody\r\n";
        assert_eq!(
            remove_key(crlf, "author").unwrap(),
            "---\r\ntitle: T\r\n---\r\nBody\r\n"
        );
    }

    #[test]
    fn replaces_only_the_lines_of_the_keys() {
        let out = set_keys(
            DOC,
            &[
                ("version", NewValue::Text("1.1.0".into())),
                ("status", NewValue::Text("approved".into())),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            DOC.replace("version: 1.0.0", "version: 1.1.0").replacen(
                "status: draft",
                "status: approved",
                1
            )
        );
    }

    #[test]
    fn rewrites_a_block_list_in_its_own_style() {
        let out = set_keys(
            DOC,
            &[(
                "approvers",
                NewValue::List(vec!["Dee".into(), "a: b".into()]),
            )],
        )
        .unwrap();
        assert!(out.contains("approvers:\n    - Dee\n    - \"a: b\"\nreview_every"));
        let flow = set_keys(
            "---\napprovers: [A]\n---\n",
            &[("approvers", NewValue::List(vec!["B".into(), "C, D".into()]))],
        )
        .unwrap();
        assert_eq!(flow, "---\napprovers: [B, \"C, D\"]\n---\n");
    }

    #[test]
    fn inserts_missing_keys_after_related_ones() {
        let out = set_keys(
            DOC,
            &[
                ("effective", NewValue::Text("2026-11-25".into())),
                ("last_reviewed", NewValue::Text("2026-11-25".into())),
            ],
        )
        .unwrap();
        assert!(out.contains(
            "    - Cy\neffective: 2026-11-25\nreview_every: 12 months\nlast_reviewed: 2026-11-25\n---\n"
        ));
        assert!(out.ends_with("\n## Purpose\n\nstatus: draft is not front matter\n"));
    }

    #[test]
    fn keys_are_set_under_the_repository_names() {
        let aliases = [
            ("last_reviewed".to_string(), "last_reviewed_on".to_string()),
            ("next_review".to_string(), "review_by".to_string()),
        ]
        .into_iter()
        .collect();
        let names = KeyNames::new(&aliases, &[]).unwrap();
        let out = set_keys_named(
            "---\nid: SOP-0001\neffective: 2025-01-01\nlast_reviewed_on: 2025-06-01\n---\n",
            &[
                ("last_reviewed", NewValue::Text("2026-11-25".into())),
                ("next_review", NewValue::Text("2027-05-25".into())),
            ],
            &names,
        )
        .unwrap();
        assert_eq!(
            out,
            "---\nid: SOP-0001\neffective: 2025-01-01\nreview_by: 2027-05-25\nlast_reviewed_on: 2026-11-25\n---\n"
        );
    }

    #[test]
    fn keeps_crlf_line_endings() {
        let doc = "---\r\nid: SOP-1\r\nversion: 1.0.0\r\n---\r\nbody\r\n";
        let out = set_keys(
            doc,
            &[
                ("version", NewValue::Text("2.0.0".into())),
                ("status", NewValue::Text("approved".into())),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "---\r\nid: SOP-1\r\nstatus: approved\r\nversion: 2.0.0\r\n---\r\nbody\r\n"
        );
    }

    #[test]
    fn refuses_broken_or_missing_front_matter() {
        let e = set_keys("# no front matter\n", &[("a", NewValue::Text("b".into()))]);
        assert_eq!(e, Err(EditError::NoFrontMatter));
        let e = set_keys("---\nid: [\n---\n", &[("a", NewValue::Text("b".into()))]);
        assert!(matches!(e, Err(EditError::Broken { .. })));
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(scalar("Lena Fischer", false), "Lena Fischer");
        assert_eq!(scalar("yes", false), "\"yes\"");
        assert_eq!(scalar("ops@example.com", false), "ops@example.com");
        assert_eq!(scalar("- x", false), "\"- x\"");
    }
}
