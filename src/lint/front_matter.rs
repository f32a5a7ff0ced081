//! Front-matter rules: syntax, required and unknown keys, value shapes and values (id, type,
//! status, version, dates, e-mail, review period), id and file name.
//!
//! Which keys there are, their shapes and which are required come from [`KEYS`]; a key the
//! repository writes under another name (`[front_matter] aliases`) is checked under that name
//! and messages name it as the file writes it.

use crate::diag::{Edit, Finding, Fix};
use crate::repo::config::FileNames;
use crate::repo::config::closest;
use crate::repo::dates::{self, DateError};
use crate::repo::front_matter::{Field, FrontMatter, Value, YamlProblemKind};
use crate::repo::keys::{KEYS, KeyNames};
use crate::repo::sop::id_number;
use crate::repo::{NoReviewDate, Sop, Span, Status};

use super::registry::*;
use super::{Cx, finding};

/// Hugo and Zola write front matter in TOML between `+++` lines.
fn toml_front_matter(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().next().is_some_and(|l| l.trim_end() == "+++")
}

pub(super) fn check(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    let Some(fm) = &sop.front_matter else {
        let first = sop.source.line_span(1);
        if let Some(open) = sop.split.unclosed {
            out.push(
                finding(
                    &FRONT_MATTER_SYNTAX,
                    sop,
                    open,
                    "the front matter is never closed",
                )
                .label("this `---` opens the front matter")
                .help("add a line with only `---` after the last `key: value` line"),
            );
        } else if toml_front_matter(sop.source.text()) {
            out.push(
                finding(
                    &FRONT_MATTER_MISSING,
                    sop,
                    first,
                    "this file's front matter is TOML (between `+++` lines); `sop` reads YAML front matter",
                )
                .label("TOML front matter starts here")
                .help("rewrite it as YAML between `---` lines: `key = \"value\"` becomes `key: value`; `sop adopt` adds the keys `sop` needs to documents that have none"),
            );
        } else if let Some(f) = misplaced_front_matter(sop) {
            out.push(f);
        } else if let Some(f) = super::translation::without_front_matter(cx, sop) {
            out.push(f);
        } else {
            let typed = sop
                .sop_type(cx.settings)
                .map(|t| format!(" (its folder gives it the type `{}`)", t.name))
                .unwrap_or_default();
            out.push(
                finding(
                    &FRONT_MATTER_MISSING,
                    sop,
                    first,
                    format!("this file has no front matter{typed}"),
                )
                .label("front matter belongs above this line")
                .help("start the file with a `---` line, the keys `id`, `title`, `type`, `status`, `version`, `owner` and `department`, and another `---` line (`sop new` writes a complete example; `sop adopt` adds them to existing documents)"),
            );
        }
        return;
    };
    if yaml_problems(sop, fm, out) {
        return;
    }
    let names = &cx.settings.keys;
    for field in &fm.fields {
        key_known(names, fm, field, sop, out);
        shape(names, field, sop, out);
    }
    key_and_alias(names, fm, sop, out);
    // Most front matter has no `#` at all: nothing can be cut short there.
    if memchr::memchr(b'#', sop.slice(fm.span).as_bytes()).is_some() {
        for field in &fm.fields {
            cut_by_comment(names, field, sop, out);
        }
    }
    required(cx, fm, sop, out);
    let m = &sop.meta;
    if let Some(id) = &m.id {
        id_form(cx, sop, &id.value, id.span, out);
    }
    if let Some(t) = &m.sop_type
        && !cx.settings.types.contains_key(&t.value)
    {
        let names = cx.settings.type_names();
        let mut f = finding(
            &TYPE_UNKNOWN,
            sop,
            t.span,
            format!("`{}` is not a type of SOP this repository knows", t.value),
        )
        .label("unknown type");
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        f = match closest(&t.value, &names) {
            Some(best) => f.help(format!("did you mean `{best}`? The types are {list}")),
            None => f.help(format!(
                "use one of {list}, or add the type under `[types.{}]` in `sop.toml`",
                t.value
            )),
        };
        out.push(f);
    }
    if let Some(status) = &m.status {
        status_value(sop, &status.value, status.span, out);
    }
    if let Some(v) = &m.version
        && semver::Version::parse(&v.value).is_err()
    {
        out.push(
            finding(
                &VERSION_INVALID,
                sop,
                v.span,
                format!(
                    "`version: {}` is not a version number of the form 1.2.3",
                    v.value
                ),
            )
            .label("not MAJOR.MINOR.PATCH")
            .help(format!(
                "write three numbers separated by dots, for example `version: {}`",
                version_example(&v.value)
            )),
        );
    }
    for (key, rule) in [
        ("effective", &EFFECTIVE_DATE_INVALID),
        ("next_review", &REVIEW_DATE_INVALID),
        ("last_reviewed", &REVIEW_DATE_INVALID),
    ] {
        let value = match key {
            "effective" => &m.effective,
            "next_review" => &m.next_review,
            _ => &m.last_reviewed,
        };
        if let Some(v) = value {
            date_value(sop, rule, names.written(key), &v.value, v.span, out);
        }
    }
    if let Some(every) = &m.review_every
        && let Err(e) = every.value.parse::<dates::Cadence>()
    {
        out.push(review_every_invalid(
            sop,
            names.written("review_every"),
            every,
            &e,
        ));
    }
    review_past_calendar_end(cx, sop, out);
    // A translation's review is its source's: neither key is used, so neither wins.
    // Said only of two values that are right: a wrong one has its own finding, and quoting it
    // here as a date or period would contradict it.
    if let (Some(every), Some(next), false) =
        (&m.review_every, &m.next_review, sop.is_translation())
        && every.value.parse::<dates::Cadence>().is_ok()
        && dates::parse_date(next.value.trim()).is_ok()
    {
        let (every_key, next_key) = (names.written("review_every"), names.written("next_review"));
        out.push(
            finding(
                &REVIEW_SCHEDULE_TWICE,
                sop,
                every.span,
                format!(
                    "`{every_key}` and `{next_key}` are both set: the next review is on {}, and `{every_key}: {}` is ignored",
                    next.value.trim(),
                    every.value.trim()
                ),
            )
            .label("ignored while the date is set")
            .help(format!(
                "keep one: delete `{next_key}` to review every {} (counted from the last review), or delete `{every_key}` to review on the date",
                every.value.trim()
            )),
        );
    }
    if let Some(owner) = &m.owner {
        email(sop, names.written("owner"), &owner.value, owner.span, out);
    }
    if let Some(d) = &m.department {
        name_length(
            sop,
            "department",
            names.written("department"),
            &d.value,
            d.span,
            out,
        );
    }
    if let Some(list) = &m.tags {
        for t in &list.value {
            name_length(sop, "tags", names.written("tags"), &t.value, t.span, out);
        }
    }
    if let Some(list) = &m.approvers {
        for a in &list.value {
            email(sop, "approvers", &a.value, a.span, out);
        }
    }
}

/// `value-cut-by-comment`: a plain value followed on its line by ` #` and a word (`title: Refund
/// #2 procedure`): YAML reads the rest as a comment, so the value is cut short without a word.
/// A comment that starts `# ` with a space is taken as meant.
fn cut_by_comment(names: &KeyNames, field: &Field, sop: &Sop, out: &mut Vec<Finding>) {
    // Values of a fixed form, which quotes would not mend: the `#…` is a note on them.
    let fixed = names.key(&field.key).is_some_and(|k| {
        matches!(
            k.name,
            "id" | "type"
                | "status"
                | "version"
                | "effective"
                | "next_review"
                | "last_reviewed"
                | "review_every"
        )
    });
    let text = sop.source.text();
    for (value, span) in field.texts() {
        let written = sop.slice(span);
        if value.is_empty() || written.starts_with(['"', '\'', '|', '>', '[', '{']) {
            continue;
        }
        let line_end = text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i);
        let rest = text[span.end..line_end].trim_end_matches('\r');
        let after = rest.trim_start();
        if after.len() == rest.len() || !after.starts_with('#') {
            continue;
        }
        let comment = &after[1..];
        if comment.is_empty() || comment.starts_with(char::is_whitespace) {
            continue;
        }
        let whole = format!("{} {after}", written.trim_end());
        out.push(
            finding(
                &VALUE_CUT_BY_COMMENT,
                sop,
                Span::new(span.start, line_end - (rest.len() - rest.trim_end().len())),
                format!(
                    "{} reads as \"{value}\": YAML takes ` {after}` for a comment and leaves it out",
                    match field.value {
                        Value::List(_) => format!("an item of `{}`", field.key),
                        _ => format!("`{}`", field.key),
                    }
                ),
            )
            .label("cut short at the `#`")
            .help(if fixed {
                format!(
                    "if `{after}` is a note, write a space after the `#` (`# {}`), or remove it",
                    &after[1..]
                )
            } else {
                format!(
                    "put the whole value in quotes: `\"{}\"`",
                    whole.replace('"', "\\\"")
                )
            }),
        );
    }
}

/// Front matter that is there but not where it is read: a `---` block after empty lines, or
/// `key: value` lines of `sop`'s keys at the top without the `---` lines around them.
fn misplaced_front_matter(sop: &Sop) -> Option<Finding> {
    let text = sop.source.text();
    let lines: Vec<&str> = text.lines().take(200).collect();
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    // A `---` block of `key: value` lines closed by another `---`, not a horizontal rule.
    let block = || {
        let close = lines[first + 1..]
            .iter()
            .position(|l| l.trim_end() == "---")?;
        lines[first + 1..first + 1 + close]
            .iter()
            .any(|l| {
                l.split_once(':').is_some_and(|(k, _)| {
                    !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                })
            })
            .then_some(())
    };
    if first > 0 && lines[first].trim_end() == "---" && block().is_some() {
        let n = first + 1;
        return Some(
            finding(
                &FRONT_MATTER_MISSING,
                sop,
                sop.source.line_span(n),
                format!(
                    "the front matter starts on line {n}, after {}: it is read only at the very top of the file",
                    crate::words::count(first, "empty line")
                ),
            )
            .label("front matter starts here")
            .help(if first == 1 {
                "delete the empty line above this `---`, so that it is the file's first line"
                    .to_string()
            } else {
                format!("delete the {first} empty lines above this `---`, so that it is the file's first line")
            }),
        );
    }
    let is_key_line = |l: &str| {
        let Some((key, _)) = l.split_once(':') else {
            return false;
        };
        KEYS.iter().any(|k| k.name == key.trim_end()) && !key.starts_with(char::is_whitespace)
    };
    if first != 0 || !is_key_line(lines[0]) {
        return None;
    }
    // The key lines run to the first empty line or heading.
    let last = lines
        .iter()
        .position(|l| l.trim().is_empty() || l.starts_with('#'))
        .unwrap_or(lines.len())
        .max(1);
    Some(
        finding(
            &FRONT_MATTER_MISSING,
            sop,
            sop.source.line_span(1),
            "the keys at the top of the file are not read as front matter: they need a `---` line above and below them",
        )
        .label("no `---` line above this")
        .help(format!(
            "add a line with only `---` above line 1 and another after line {last}, the last key"
        )),
    )
}

/// Report the YAML block's own problems; `true` when nothing else can be checked.
fn yaml_problems(sop: &Sop, fm: &FrontMatter, out: &mut Vec<Finding>) -> bool {
    let mut fatal = false;
    for p in &fm.problems {
        match &p.kind {
            YamlProblemKind::DuplicateKey { key } => out.push(
                finding(
                    &KEY_DUPLICATE,
                    sop,
                    p.span,
                    format!("the key `{key}` appears more than once"),
                )
                .label("written again here")
                .help(format!("keep one `{key}:` line and delete the other")),
            ),
            YamlProblemKind::Syntax if let Some(f) = slip_near(sop, p.span) => {
                fatal = true;
                out.push(f);
            }
            YamlProblemKind::Syntax => {
                fatal = true;
                out.push(match tab_near(sop, p.span) {
                    Some((tab, Some(key))) => finding(
                        &FRONT_MATTER_SYNTAX,
                        sop,
                        tab,
                        format!("the front matter cannot be read: a tab after `{key}:`"),
                    )
                    .label("a tab, where YAML needs a space")
                    .help(format!("replace the tab after `{key}:` by a space")),
                    Some((tab, None)) => finding(
                        &FRONT_MATTER_SYNTAX,
                        sop,
                        tab,
                        "the front matter cannot be read: a tab indents this line",
                    )
                    .label("a tab, where YAML needs spaces")
                    .help("indent with spaces, as the lines around it are"),
                    None => finding(
                        &FRONT_MATTER_SYNTAX,
                        sop,
                        p.span,
                        "the front matter cannot be read",
                    )
                    .label(yaml_words(&p.detail))
                    .help(unclosed_help(sop, p.span, &p.detail).unwrap_or_else(|| {
                        "put text that contains `: `, `#`, `[`, `{` or quotes in double quotes, and indent list items the same way".to_string()
                    })),
                });
            }
            YamlProblemKind::NotAMapping => {
                fatal = true;
                out.push(
                    finding(
                        &FRONT_MATTER_SYNTAX,
                        sop,
                        p.span,
                        "the front matter is not a list of `key: value` lines",
                    )
                    .help("write one `key: value` per line, such as `title: Account Recovery`"),
                );
            }
            YamlProblemKind::Alias { text } => out.push(
                finding(
                    &FRONT_MATTER_SYNTAX,
                    sop,
                    p.span,
                    format!("`{text}` repeats another value (a YAML alias), which sop does not read"),
                )
                .label("alias")
                .help(format!(
                    "write the value itself instead of `{text}` (copy it from where `&{}` marks it), for example `tags: [refunds, payments]`",
                    text.trim_start_matches('*')
                )),
            ),
            YamlProblemKind::ComplexKey => out.push(
                finding(
                    &FRONT_MATTER_SYNTAX,
                    sop,
                    p.span,
                    "a front-matter key is not plain text",
                )
                .help("write keys as plain words, such as `owner:`"),
            ),
        }
    }
    fatal
}

/// The two slips that make most front matter unreadable, on the line the YAML parser stopped
/// at or the line before it (where the parser notices only on the next line): no space after a
/// key's colon (`status:draft`, which YAML reads as one word), and a list opened with `[` and
/// never closed on its line (`tags: [refunds, gifts`).
fn slip_near(sop: &Sop, at: Span) -> Option<Finding> {
    let source = &sop.source;
    let line = source.line_col(at.start).line;
    [line, line.saturating_sub(1)]
        .into_iter()
        .filter(|&l| l > 0)
        .find_map(|l| {
            let start = source.line_start(l);
            let text = source.line_text(l).trim_end();
            let colon = text.find(':')?;
            let key = text[..colon].trim_start();
            let plain_key = !key.is_empty()
                && !text.starts_with(char::is_whitespace)
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
            if !plain_key {
                return None;
            }
            let after = &text[colon + 1..];
            let value = after.trim_start();
            if !after.is_empty() && !after.starts_with([' ', '\t']) && !after.starts_with("//") {
                let fixed = format!("{key}: {after}");
                return Some(
                    finding(
                        &FRONT_MATTER_SYNTAX,
                        sop,
                        Span::new(start + colon, start + colon + 1),
                        format!("the front matter cannot be read: no space after `{key}:`"),
                    )
                    .label("a space is needed after this colon")
                    .help(format!("write `{fixed}`, with a space after the colon")),
                );
            }
            if value.starts_with('[') && !value.contains(']') && !value.contains('#') {
                let open = start + text.len() - value.len();
                return Some(
                    finding(
                        &FRONT_MATTER_SYNTAX,
                        sop,
                        Span::new(open, open + 1),
                        format!("the front matter cannot be read: the list after `{key}:` is never closed"),
                    )
                    .label("this `[` has no `]`")
                    .help(format!(
                        "add `]` at the end of the list, so that the line reads `{text}]`"
                    )),
                );
            }
            None
        })
}

/// A tab the YAML parser stopped at, on the line of `at` (or the line before, where the parser
/// notices only on the next line): its span, and the key it follows when it separates a key
/// from its value (`owner:<TAB>Ann`); `None` as the key when it indents the line. YAML allows
/// tabs inside values and after a value, so only these two places are taken for the cause.
fn tab_near(sop: &Sop, at: Span) -> Option<(Span, Option<String>)> {
    let source = &sop.source;
    let line = source.line_col(at.start).line;
    [line, line.saturating_sub(1)]
        .into_iter()
        .filter(|&l| l > 0)
        .find_map(|l| {
            let start = source.line_start(l);
            let text = source.line_text(l);
            let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
            if let Some(i) = text[..indent].find('\t') {
                return Some((Span::new(start + i, start + i + 1), None));
            }
            let colon = text.find(':')?;
            let key = text[..colon].trim();
            let after = &text[colon + 1..];
            let tab = after.len() - after.trim_start_matches(' ').len();
            (after[tab..].starts_with('\t') && !key.is_empty() && !key.contains(['"', '\'', '#']))
                .then(|| {
                    let at = start + colon + 1 + tab;
                    (
                        Span::new(at, at + 1),
                        Some(key.trim_start_matches("- ").to_string()),
                    )
                })
        })
}

/// The help for a quote (or bracket) that is never closed, when the parser stopped at it: add
/// the closing one at the end of the value, naming the character, with the line as it would
/// read (`owner: "Carlos Ruiz"`) when the line is simple enough to show; `None` for any other
/// problem.
fn unclosed_help(sop: &Sop, at: Span, detail: &str) -> Option<String> {
    let d = detail.to_lowercase();
    if !(d.contains("quoted scalar") || d.contains("unexpected end of")) {
        return None;
    }
    let text = sop.source.text();
    let open = text.get(at.start..)?.chars().next()?;
    let (close, what) = match open {
        '"' => ('"', "quote"),
        '\'' => ('\'', "quote"),
        '[' => (']', "bracket"),
        '{' => ('}', "brace"),
        _ => return None,
    };
    let line = sop.source.line_text(sop.source.line_col(at.start).line);
    let fixed = line.trim_end();
    let example = if fixed.contains('#') || fixed.matches(open).count() != 1 {
        String::new()
    } else {
        format!(", so that the line reads `{fixed}{close}`")
    };
    Some(format!(
        "add the closing {what} `{close}` at the end of the value{example} (or remove the opening `{open}`)"
    ))
}

/// The YAML parser's message in words for writers.
fn yaml_words(detail: &str) -> String {
    let d = detail.to_lowercase();
    if d.contains("mapping values are not allowed") {
        "a second `: ` on this line: put the value in double quotes".into()
    } else if d.contains("did not find expected key") || d.contains("expected key") {
        "this line is indented differently from the lines above it".into()
    } else if d.contains("cannot start any token") {
        "a value cannot start with this character: put it in double quotes".into()
    } else if d.contains("could not find expected ':'") {
        "this line is not a `key: value` line".into()
    } else if d.contains("quoted scalar") || d.contains("unexpected end of") {
        "a quote or bracket opened here is never closed".into()
    } else if d.contains("tab") {
        "tabs cannot indent YAML: use spaces".into()
    } else {
        format!("YAML stops reading here ({detail})")
    }
}

fn key_known(names: &KeyNames, fm: &FrontMatter, field: &Field, sop: &Sop, out: &mut Vec<Finding>) {
    if names.key(&field.key).is_some() || names.is_allowed(&field.key) {
        return;
    }
    let mut f = finding(
        &KEY_UNKNOWN,
        sop,
        field.key_span,
        format!("`{}` is not a front-matter key sop knows", field.key),
    )
    .label("unknown key");
    let allow = format!(
        "if `{}` is your team's own key, list it under `[front_matter] allow` in `sop.toml`",
        field.key
    );
    match closest(&field.key, &names.all_names()) {
        Some(best) => {
            f = if best.eq_ignore_ascii_case(&field.key) {
                f.help(format!(
                    "write the key in lower case, `{best}:` (keys are read exactly as written)"
                ))
            } else {
                f.help(format!(
                    "did you mean `{best}`? {}",
                    crate::words::capitalize(&allow)
                ))
            };
            let plain = sop.slice(field.key_span) == field.key;
            let taken = names
                .key(best)
                .is_some_and(|k| names.field(fm, k.name).is_some())
                || fm.get(best).is_some();
            if plain && !taken {
                f = f.fix(Fix::suggestion(
                    format!("rename the key `{}` to `{best}`", field.key),
                    vec![Edit {
                        span: field.key_span,
                        replacement: best.to_string(),
                    }],
                ));
            }
        }
        None => {
            f = f.help(format!(
                "remove it or correct it (`sop lint --explain key-unknown` lists the keys); {allow}"
            ));
        }
    }
    out.push(f);
}

fn shape(names: &KeyNames, field: &Field, sop: &Sop, out: &mut Vec<Finding>) {
    let Some(spec) = names.key(&field.key) else {
        return;
    };
    let key = field.key.as_str();
    let list = spec.shape.is_list();
    let (message, help) = match &field.value {
        Value::Mapping if sop.slice(field.value_span).trim_start().starts_with('{') => (
            format!(
                "`{key}` holds `{}`, a template placeholder that was never filled in",
                sop.slice(field.value_span).trim()
            ),
            "replace it with the real value; text with `{` or `}` must be in double quotes"
                .to_string(),
        ),
        Value::Mapping => (
            format!("`{key}` holds `key: value` pairs where one value belongs"),
            format!("write one value after `{key}:`; put text with `: ` in double quotes"),
        ),
        Value::List(_) if !list => (
            format!("`{key}` holds a list, but takes one value"),
            if spec.name == "owner" {
                "name one accountable owner; list the others under `approvers`".to_string()
            } else {
                format!("write a single value, such as `{key}: ...`")
            },
        ),
        Value::List(items) if items.iter().any(|i| i.text.is_none()) => (
            format!("an item of `{key}` is not plain text"),
            format!("write `{key}` as a list of names or ids, such as `{key}: [A, B]`"),
        ),
        _ => return,
    };
    out.push(
        finding(&VALUE_WRONG_SHAPE, sop, field.value_span, message)
            .label("wrong kind of value")
            .help(help),
    );
}

/// A key written both under its own name and under the repository's alias for it.
fn key_and_alias(names: &KeyNames, fm: &FrontMatter, sop: &Sop, out: &mut Vec<Finding>) {
    // A name the team keeps for another tool (`allow`) is its own key, not a second copy.
    for (name, alias) in names
        .aliases()
        .filter(|(name, _)| !names.kept_for_another_tool(name))
    {
        let (Some(own), Some(_)) = (fm.get(name), fm.get(alias)) else {
            continue;
        };
        out.push(
            finding(
                &KEY_DUPLICATE,
                sop,
                own.key_span,
                format!("`{name}` and `{alias}` are the same key here, and this file has both"),
            )
            .label(format!("sop reads `{alias}` and leaves this one out"))
            .help(format!(
                "`sop.toml` makes `{alias}` this repository's name for `{name}` (`[front_matter] aliases`): keep the `{alias}:` line and delete this one"
            )),
        );
    }
}

fn required(cx: &Cx<'_>, fm: &FrontMatter, sop: &Sop, out: &mut Vec<Finding>) {
    let opening = sop.source.line_span(
        sop.source
            .line_col(fm.span.start)
            .line
            .saturating_sub(1)
            .max(1),
    );
    let names = &cx.settings.keys;
    // The unknown key's finding stands in for the missing one only while it is an error too:
    // a team that made `key-unknown` a warning still has a required key missing.
    let unknown_fails = cx
        .settings
        .config
        .lint
        .severity
        .get(KEY_UNKNOWN.id)
        .is_none_or(|l| *l == crate::repo::config::SeverityLevel::Error);
    for spec in KEYS.iter().filter(|k| k.required) {
        let canonical = spec.name;
        if canonical == "type" && cx.settings.type_for_path(&sop.path).is_some() {
            continue;
        }
        let key = names.written(canonical);
        match names.field(fm, canonical) {
            // `Title:` for `title:`, or a slip of a letter or two (`departmnet:`): the unknown
            // key's finding says to write it in lower case, or which key it is most like; a
            // second finding for the same slip would only repeat it. A key of its own
            // (`owner_slack:`) leaves the key missing.
            None if unknown_fails
                && fm.fields.iter().any(|f| {
                    f.key != key
                        && names.key(&f.key).is_none()
                        && !names.is_allowed(&f.key)
                        && closest(&f.key, &names.all_names()) == Some(key)
                        && strsim::damerau_levenshtein(&f.key.to_lowercase(), key) <= 2
                }) => {}
            None => out.push(
                finding(
                    &KEY_MISSING,
                    sop,
                    opening,
                    format!("the front matter has no `{key}`"),
                )
                .label(format!("add `{key}:` to this block"))
                .help(required_help(key, canonical)),
            ),
            Some(field) => {
                let empty = match &field.value {
                    Value::Null => true,
                    Value::Text(t) => t.trim().is_empty(),
                    _ => false,
                };
                if empty {
                    out.push(
                        finding(
                            &KEY_MISSING,
                            sop,
                            field.key_span,
                            format!("`{key}` is empty"),
                        )
                        .label("no value")
                        .help(required_help(key, canonical)),
                    );
                }
            }
        }
    }
}

/// How to write the required key `canonical`, named `key` in the files: the value's form, or
/// what it says with an example for free text (so nobody copies the example as it is).
fn required_help(key: &str, canonical: &str) -> String {
    let (what, example) = match canonical {
        "id" => {
            return format!(
                "write `{key}: ` and an id no other SOP has, in the form `SOP-0001`; `sop adopt` on this file writes the next free one"
            );
        }
        "type" => return format!("write it as `{key}: procedure` (or another type of `sop.toml`)"),
        "status" => return format!("write it as `{key}: draft` until the SOP is approved"),
        "version" => return format!("write it as `{key}: 0.1.0`; `sop release` raises it"),
        "title" => ("what the SOP is about, in a few words", "Account Recovery"),
        "owner" => ("the person who keeps it up to date", "Sofia Marquez"),
        _ => ("the team it belongs to", "User Service"),
    };
    format!("write `{key}: ` and then {what} (for example `{key}: {example}`)")
}

fn id_form(cx: &Cx<'_>, sop: &Sop, id: &str, span: Span, out: &mut Vec<Finding>) {
    let ids = &cx.settings.ids;
    if id_number(id, ids).is_none() {
        let (message, help) = if let Some(part) = crate::repo::ids::unsafe_part(id) {
            (
                format!(
                    "`{}` is not a valid id: it has {part}, and an id names files and pages",
                    id.escape_debug()
                ),
                format!(
                    "write an id of letters, digits and `-`, for example `{}`",
                    ids.example()
                ),
            )
        } else if ids.is_written() {
            (
                format!(
                    "`{id}` is not an id of the form `{}` (`[sops] id_pattern` in `sop.toml`)",
                    ids.source()
                ),
                format!(
                    "write an id that matches the pattern, for example `{}`, or change `id_pattern`",
                    ids.example()
                ),
            )
        } else {
            let prefix = &cx.settings.config.sops.id_prefix;
            let digits = cx.settings.config.sops.id_digits;
            (
                format!(
                    "`{id}` is not an id of the form `{prefix}-{}`",
                    "N".repeat(digits)
                ),
                format!(
                    "ids are `{prefix}`, a dash and a number, for example `{prefix}-{:0digits$}`; ids of another form need `[sops] id_pattern` in `sop.toml`",
                    1
                ),
            )
        };
        out.push(
            finding(&ID_INVALID, sop, span, message)
                .label("not a valid id")
                .help(help),
        );
        return;
    }
    if cx.settings.config.sops.file_names == FileNames::Any {
        return;
    }
    if sop.file_name.id.as_deref() == Some(id) {
        return;
    }
    let name = sop.path.rsplit('/').next().unwrap_or(&sop.path);
    let id_key = cx.settings.keys.written("id");
    let (label, help) = if let Some(free) = cx.free_file_name_id(sop) {
        (
            "another SOP has this id",
            format!(
                "change the front matter to `{id_key}: {free}`, as the file name says (keep the file name): another SOP already has `{id}`, and no SOP uses `{free}`"
            ),
        )
    } else {
        let lang = sop
            .file_name
            .language
            .as_ref()
            .map(|l| format!(".{l}"))
            .unwrap_or_default();
        let ext = name
            .get(crate::repo::files::strip_markdown_extension(name).len() + 1..)
            .filter(|e| !e.is_empty())
            .unwrap_or("md");
        let slug = match name_words(&sop.file_name.slug, id) {
            words if words.is_empty() => String::new(),
            words => format!("-{words}"),
        };
        // A copy of another SOP whose file name carries the id: renaming this file to the id
        // would keep the id twice. (When no file name carries it, the general advice stands:
        // id-duplicate says to give one of them a new id.)
        let taken = !sop.is_translation()
            && cx.originals.get(id).is_some_and(|v| {
                v.iter()
                    .any(|o| o.path != sop.path && o.file_name.id.as_deref() == Some(id))
            });
        match taken.then(|| cx.next_free_id()).flatten() {
            Some(free) => (
                "another SOP has this id",
                format!(
                    "another SOP already has `{id}`: give this one a new id, `{id_key}: {free}` (no SOP uses it), and {}",
                    rename_advice(cx, &sop.path, &format!("{free}{slug}{lang}.{ext}"))
                ),
            ),
            None => (
                "the file name should start with this id",
                format!(
                    "{}, or correct the id; to keep file names as they are, set `file_names = \"any\"` under `[sops]` in `sop.toml`",
                    rename_advice(cx, &sop.path, &format!("{id}{slug}{lang}.{ext}"))
                ),
            ),
        }
    };
    out.push(
        finding(
            &ID_FILE_NAME_MISMATCH,
            sop,
            span,
            format!("the id `{id}` does not match the file name `{name}`"),
        )
        .label(label)
        .help(help),
    );
}

/// The words of a file name after its id, for the name it should have: a name that starts with
/// the id in another shape (`SOP-0001 Refunds`, `SOP-0002_refunds`, `-SOP-0008-dash`, which the
/// file-name reader does not take as an id) loses it and reads as a slug (`refunds`), so the
/// advice never repeats the id; any other name keeps its words as written.
fn name_words(slug: &str, id: &str) -> String {
    let trimmed = slug.trim_start_matches(['-', '_', ' ']);
    match trimmed.get(..id.len()) {
        Some(head) if head.eq_ignore_ascii_case(id) => {
            crate::scaffold::title_slug(&trimmed[id.len()..])
        }
        _ => trimmed.to_string(),
    }
}

/// How to rename the SOP file at `path` to `new_name` (in the same folder): with a `git mv`
/// command to paste when git tracks the file (quoted when the path needs it), else in words
/// (`git mv` refuses a file git does not track).
fn rename_advice(cx: &Cx, path: &str, new_name: &str) -> String {
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let to = if folder.is_empty() {
        new_name.to_string()
    } else {
        format!("{folder}/{new_name}")
    };
    if matches!(cx.tracked(), crate::publishable::Tracked::Index(files) if files.contains(path)) {
        format!(
            "rename the file to `{new_name}`: `git mv {} {}`",
            crate::words::shell_word(path),
            crate::words::shell_word(&to)
        )
    } else {
        format!("rename the file to `{new_name}`")
    }
}

/// Dates and period that read well but put the next review past the calendar's last year
/// (`effective: 9999-06-01`, 12 months): `sop list` shows the review date as `unknown` and
/// `sop due` as one it cannot tell, so lint says why, at the date the period is counted from.
fn review_past_calendar_end(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    // A translation's review is its source's: its own dates are not counted from.
    if sop.is_translation() {
        return;
    }
    let Err(NoReviewDate::PastCalendarEnd { from, cadence }) = sop.review_date(cx.settings) else {
        return;
    };
    let m = &sop.meta;
    let (key, date) = match (&m.last_reviewed, &m.effective) {
        (Some(last), _) if sop.date(Some(last)).is_some() => ("last_reviewed", last),
        (_, Some(effective)) => ("effective", effective),
        _ => return,
    };
    let keys = &cx.settings.keys;
    out.push(
        finding(
            &REVIEW_DATE_INVALID,
            sop,
            date.span,
            format!(
                "the next review date cannot be worked out: it would fall after the year 9999 ({cadence} after `{}: {from}`)",
                keys.written(key)
            ),
        )
        .label(format!("{cadence} after this is past 9999"))
        .help(format!(
            "check the year of this date, or write a shorter `{}`",
            keys.written("review_every")
        )),
    );
}

/// `review_every` that is not a period: not a number and a unit, zero, or longer than sop
/// counts (see r16: such a period must be a finding, never a panic).
fn review_every_invalid(
    sop: &Sop,
    key: &str,
    every: &crate::repo::sop::Spanned<String>,
    e: &dates::CadenceError,
) -> Finding {
    let value = every.value.trim();
    let f = |message: String| finding(&REVIEW_EVERY_INVALID, sop, every.span, message);
    match e {
        dates::CadenceError::Form(_) => f(format!("`{key}: {}` is not a period of time", every.value))
            .label(dates::form_problem(value).label())
            .help(format!("write a number and a unit, for example `{key}: 12 months`, `6 months`, `1 year` or `2 weeks`")),
        dates::CadenceError::Zero(_) => f(format!("`{key}: {value}` is zero: a review period is at least 1 day"))
            .label("zero")
            .help(format!("write how often the SOP is reviewed, at least `{key}: 1 day`; most SOPs use `{key}: 12 months`")),
        dates::CadenceError::TooLong { longest, .. } => f(format!("`{key}: {value}` is too long a review period: the longest sop accepts is {longest}"))
            .label(format!("longer than {longest}"))
            .help(format!("write a shorter period, at most `{key}: {longest}`; most SOPs use `{key}: 12 months` or `2 years`")),
    }
}

fn status_value(sop: &Sop, value: &str, span: Span, out: &mut Vec<Finding>) {
    if value.parse::<Status>().is_ok() {
        return;
    }
    let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let lower = value.to_lowercase();
    let mut f = finding(
        &STATUS_INVALID,
        sop,
        span,
        format!("`status: {value}` is not a status sop knows"),
    )
    .label("not draft, review, approved or retired");
    if let Ok(st) = lower.parse::<Status>() {
        f = f.help(format!("write it in lower case: `status: {st}`"));
        if sop.slice(span) == value {
            f = f.fix(Fix::suggestion(
                format!("change the status `{value}` to `{st}`"),
                vec![Edit {
                    span,
                    replacement: st.to_string(),
                }],
            ));
        }
    } else {
        let hint = match lower.as_str() {
            "published" | "active" | "final" | "live" | "released" => Some("approved"),
            "obsolete" | "deprecated" | "archived" | "withdrawn" => Some("retired"),
            "in-review" | "in review" | "pending" | "reviewed" => Some("review"),
            "new" | "wip" | "in progress" => Some("draft"),
            _ => closest(&lower, &names),
        };
        f = f.help(match hint {
            Some(h) => format!(
                "use one of `draft`, `review`, `approved` or `retired`; perhaps `status: {h}`"
            ),
            None => "use one of `draft`, `review`, `approved` or `retired`".to_string(),
        });
        if let Some(h) = hint
            && sop.slice(span) == value
        {
            f = f.fix(Fix::suggestion(
                format!("change the status `{value}` to `{h}`"),
                vec![Edit {
                    span,
                    replacement: h.to_string(),
                }],
            ));
        }
    }
    out.push(f);
}

fn version_example(value: &str) -> String {
    let v = value.trim().trim_start_matches(['v', 'V']);
    let parts: Vec<&str> = v.split('.').collect();
    if !parts.is_empty()
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let num = |i: usize| {
            parts
                .get(i)
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(0)
        };
        return format!("{}.{}.{}", num(0), num(1), num(2));
    }
    "1.0.0".to_string()
}

fn date_value(
    sop: &Sop,
    rule: &'static crate::diag::RuleMeta,
    key: &str,
    value: &str,
    span: Span,
    out: &mut Vec<Finding>,
) {
    let err = match dates::parse_date(value) {
        Ok(_) => return,
        Err(e) => e,
    };
    let f = match err {
        DateError::NoSuchDay { why } => {
            let example = last_valid_day(value).unwrap_or_else(|| "2026-03-01".to_string());
            finding(rule, sop, span, format!("`{key}` is not a real date"))
                .label(why)
                .help(format!(
                    "write the date as YYYY-MM-DD, for example `{key}: {example}`"
                ))
        }
        DateError::Format => {
            let example = repair_date(value).unwrap_or_else(|| "2026-03-01".to_string());
            finding(
                rule,
                sop,
                span,
                format!("`{key}` is not a date in the form YYYY-MM-DD"),
            )
            .label("not YYYY-MM-DD")
            .help(format!(
                "write the date as YYYY-MM-DD, for example `{key}: {example}`"
            ))
        }
    };
    out.push(f);
}

/// For `2026-02-30`, the last day of that month; `None` when the month is not real.
fn last_valid_day(value: &str) -> Option<String> {
    let y: i16 = value.get(0..4)?.parse().ok()?;
    let m: i8 = value.get(5..7)?.parse().ok()?;
    let first = dates::Date::new(y, m, 1).ok()?;
    Some(format!("{y:04}-{m:02}-{:02}", first.days_in_month()))
}

/// Obvious repairs: `2026-6-1` and `20260601` give `2026-06-01`.
fn repair_date(value: &str) -> Option<String> {
    let v = value.trim();
    let candidate = if v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &v[0..4], &v[4..6], &v[6..8])
    } else {
        let parts: Vec<&str> = v.split(['-', '/', '.']).collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        if y.len() != 4 {
            return None;
        }
        let m: u8 = m.parse().ok()?;
        let d: u8 = d.parse().ok()?;
        format!("{y}-{m:02}-{d:02}")
    };
    dates::parse_date(&candidate).ok().map(|_| candidate)
}

fn email(sop: &Sop, key: &str, value: &str, span: Span, out: &mut Vec<Finding>) {
    if !value.contains('@') || valid_email(value) {
        return;
    }
    out.push(
        finding(
            &EMAIL_INVALID,
            sop,
            span,
            format!("`{value}` in `{key}` is not a complete e-mail address"),
        )
        .label("not name@example.com")
        .help("write a whole address such as `sofia.marquez@example.com`, or the person's name without `@`"),
    );
}

/// `name@example.com` or `Name <name@example.com>`.
/// Department and tag names longer than this many characters give a warning: each becomes a
/// page (and a file name) on the site, and a filter button.
pub(crate) const MAX_NAME_CHARS: usize = 100;

/// A department or tag name (`canonical`, written as `key`) that is too long.
fn name_length(
    sop: &Sop,
    canonical: &str,
    key: &str,
    value: &str,
    span: Span,
    out: &mut Vec<Finding>,
) {
    let chars = value.chars().count();
    if chars <= MAX_NAME_CHARS {
        return;
    }
    let what = if canonical == "tags" {
        "tag"
    } else {
        "department"
    };
    out.push(
        finding(
            &NAME_TOO_LONG,
            sop,
            span,
            format!("this {what} name is {chars} characters long; the limit is {MAX_NAME_CHARS}"),
        )
        .label("too long")
        .help(format!(
            "use a short name that people can scan, such as `{}`, and put the details in the SOP's text",
            if canonical == "tags" { format!("{key}: [refunds]") } else { format!("{key}: Payments") }
        )),
    );
}

fn valid_email(value: &str) -> bool {
    let v = value.trim();
    let addr = match (v.rfind('<'), v.strip_suffix('>')) {
        (Some(open), Some(inner)) => inner.get(open + 1..).unwrap_or_default(),
        _ => v,
    };
    let Some((local, domain)) = addr.split_once('@') else {
        return false;
    };
    let ok_chars = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && !s.ends_with('.')
            && !s.contains("..")
            && s.chars()
                .all(|c| !c.is_whitespace() && !matches!(c, '@' | '<' | '>' | ',' | ';'))
    };
    let tld = domain.rsplit('.').next().unwrap_or_default();
    ok_chars(local)
        && ok_chars(domain)
        && domain.contains('.')
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with the default settings, for checks that read no file.
    fn repo() -> crate::repo::Repo {
        crate::repo::Repo {
            root: std::env::temp_dir().join("sop-no-such-folder"),
            settings: crate::repo::Settings::load(None).unwrap(),
            tracked: None,
        }
    }

    #[test]
    fn emails_are_checked_only_for_form() {
        assert!(valid_email("sofia.marquez@example.com"));
        assert!(valid_email("Sofia Marquez <sofia@example.co.uk>"));
        assert!(!valid_email("sofia@example"));
        assert!(!valid_email("sofia @example.com"));
        assert!(!valid_email("@example.com"));
        assert!(!valid_email("a@@b.com"));
    }

    #[test]
    fn front_matter_in_the_wrong_place_is_told_where_it_is() {
        let keys = "id: SOP-0001\ntitle: T\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n";
        let found = |text: String| {
            let sop = Sop::parse("sops/a/SOP-0001-a.md".into(), text, "SOP");
            misplaced_front_matter(&sop).map(|f| (f.message, f.help.unwrap_or_default()))
        };
        let (message, help) = found(format!("\n\n---\n{keys}---\n\n## Purpose\n")).unwrap();
        assert!(
            message.starts_with("the front matter starts on line 3, after 2 empty lines"),
            "{message}"
        );
        assert!(
            help.starts_with("delete the 2 empty lines above this `---`"),
            "{help}"
        );
        let (message, help) = found(format!("{keys}\n## Purpose\n")).unwrap();
        assert!(
            message.starts_with("the keys at the top of the file are not read as front matter")
        );
        assert_eq!(
            help,
            "add a line with only `---` above line 1 and another after line 7, the last key"
        );
        // A horizontal rule after an empty line is not front matter.
        assert_eq!(found("\n---\n\nSome text.\n\n---\n".into()), None);
        // A document that only has no front matter is left to the general message.
        assert_eq!(found("# Refunds\n\nid: is a word here.\n".into()), None);
        assert_eq!(found("Refunds: how to.\n".into()), None);
    }

    #[test]
    fn a_schedule_set_twice_is_said_only_of_right_values() {
        use crate::repo::Corpus;
        let repo = repo();
        let rules = |every: &str, next: &str| {
            let text = format!(
                "---\nid: SOP-0001\ntitle: T\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\nreview_every: {every}\nnext_review: {next}\n---\n\n## Purpose\n\nWhy.\n\n## Checklist\n\n- [ ] x\n"
            );
            let corpus = Corpus {
                sops: vec![Sop::parse("sops/a/SOP-0001-a.md".into(), text, "SOP")],
                broken: Vec::new(),
            };
            let mut ids: Vec<&str> = crate::lint::check(&repo, &corpus)
                .unwrap()
                .into_iter()
                .map(|f| f.rule.id)
                .filter(|id| id.starts_with("review-"))
                .collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(rules("12 months", "2099-03-01"), ["review-schedule-twice"]);
        assert_eq!(rules("yearly", "2099-03-01"), ["review-every-invalid"]);
        assert_eq!(rules("12 months", "2099-3-1"), ["review-date-invalid"]);
    }

    #[test]
    fn a_missing_space_or_an_open_list_is_named() {
        use crate::repo::Corpus;
        let repo = repo();
        let syntax = |front: &str| {
            let text = format!(
                "---\nid: SOP-0001\ntitle: T\n{front}\nversion: 0.1.0\nowner: A\ndepartment: D\n---\n\n## Purpose\n\nWhy.\n"
            );
            let corpus = Corpus {
                sops: vec![Sop::parse("sops/a/SOP-0001-a.md".into(), text, "SOP")],
                broken: Vec::new(),
            };
            crate::lint::check(&repo, &corpus)
                .unwrap()
                .into_iter()
                .find(|f| f.rule.id == "front-matter-syntax")
                .map(|f| (f.message, f.help.unwrap_or_default()))
        };
        let (message, help) = syntax("status:draft").unwrap();
        assert!(message.ends_with("no space after `status:`"), "{message}");
        assert_eq!(help, "write `status: draft`, with a space after the colon");
        let (message, help) = syntax("tags: [refunds, gifts").unwrap();
        assert!(
            message.ends_with("the list after `tags:` is never closed"),
            "{message}"
        );
        assert_eq!(
            help,
            "add `]` at the end of the list, so that the line reads `tags: [refunds, gifts]`"
        );
        // A note after a value of a fixed form is not mended with quotes.
        let text = "---\nid: SOP-0001\ntitle: T\ntype: checklist\nstatus: draft #todo\nversion: 0.1.0\nowner: A\ndepartment: D\n---\n\n## Purpose\n\nWhy.\n";
        let corpus = Corpus {
            sops: vec![Sop::parse(
                "sops/a/SOP-0001-a.md".into(),
                text.into(),
                "SOP",
            )],
            broken: Vec::new(),
        };
        let help = crate::lint::check(&repo, &corpus)
            .unwrap()
            .into_iter()
            .find(|f| f.rule.id == "value-cut-by-comment")
            .and_then(|f| f.help);
        assert_eq!(
            help.as_deref(),
            Some("if `#todo` is a note, write a space after the `#` (`# todo`), or remove it")
        );
        // A web address is not a key without its space.
        assert_eq!(syntax("status: draft\nsource: https://example.com/a"), None);
    }

    #[test]
    fn a_copy_whose_file_name_has_no_id_is_told_a_free_id() {
        use crate::repo::Corpus;
        let repo = repo();
        let text = "---\nid: SOP-0001\ntitle: T\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n---\n\n## Purpose\n\nWhy.\n\n## Checklist\n\n- [ ] x\n";
        let corpus = Corpus {
            sops: vec![
                Sop::parse("sops/a/SOP-0001-refunds.md".into(), text.into(), "SOP"),
                Sop::parse("sops/a/chargebacks.md".into(), text.into(), "SOP"),
            ],
            broken: Vec::new(),
        };
        let helps: Vec<String> = crate::lint::check(&repo, &corpus)
            .unwrap()
            .into_iter()
            .filter(|f| f.rule.id == "id-file-name-mismatch")
            .filter_map(|f| f.help)
            .collect();
        assert_eq!(
            helps,
            [
                "another SOP already has `SOP-0001`: give this one a new id, `id: SOP-0002` (no SOP uses it), and rename the file to `SOP-0002-chargebacks.md`"
            ]
        );
    }

    #[test]
    fn dates_get_repaired_in_help() {
        assert_eq!(repair_date("2025-6-1").as_deref(), Some("2025-06-01"));
        assert_eq!(repair_date("20250712").as_deref(), Some("2025-07-12"));
        assert_eq!(repair_date("14/03/2025"), None);
        assert_eq!(last_valid_day("2026-02-30").as_deref(), Some("2026-02-28"));
        assert_eq!(version_example("1.2"), "1.2.0");
        assert_eq!(version_example("v2"), "2.0.0");
    }
}
