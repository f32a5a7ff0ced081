//! Markdown written for Docusaurus, which reads `.md` files as MDX, read the way a reader sees
//! the page: ESM lines (`import Tabs from '@theme/Tabs';`, `export const …`), MDX comments
//! (`{/* … */}`) and the tags of components `sop` cannot show (`<Admonition type="tip">`,
//! `<Details>`) are not content. [`blank`] replaces them by spaces in the text prepared for
//! parsing (same length: no offset moves) and says where they were, so the site shows none of
//! it and lint reads none of it as text. The tabs (`<Tabs>`, `<TabItem label="…">`) become
//! panels in [`super::mkdocs`]' builder, with [`tab_item`] and [`tabs_open`].
//!
//! Only whole lines are ESM, outside code, after a blank line, in the shapes JavaScript allows
//! (`import X from '…'`, `import {A, B} from "…"`, `import '…'`, `export const …`): a paragraph
//! that starts "Import the file…" stays. A component's tags are hidden only when the file
//! imports it or it is one of the Docusaurus theme's own, so `<Owner>` in prose stays text.
//! Depends on nothing but pulldown-cmark (to know code from text).

use std::ops::Range;

/// A component's opening tag that `sop` cannot show (its content, if any, is shown as plain
/// content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Its name as written (`Admonition`).
    pub name: String,
    /// Whether it has no content (`<DocCardList />`): nothing of it is shown.
    pub self_closing: bool,
    /// Where the tag is.
    pub range: Range<usize>,
}

/// What [`blank`] hid.
#[derive(Debug, Default)]
pub(super) struct Hidden {
    /// ESM blocks, MDX comments and component tags.
    pub(super) ranges: Vec<Range<usize>>,
    /// The component tags among them (opening ones).
    pub(super) components: Vec<Component>,
    /// The id each heading's closing comment gives (`## Step two {/* #step2 */}`, Docusaurus's
    /// form of `{#step2}` for MDX), by the start of the heading's line.
    pub(super) ids: Vec<(usize, String)>,
}

/// The components of Docusaurus's theme, hidden even when the file does not import them (a
/// site may make them global).
const THEME: [&str; 8] = [
    "Admonition",
    "BrowserWindow",
    "CodeBlock",
    "Details",
    "DocCardList",
    "TOCInline",
    "TabItem",
    "Tabs",
];

/// Replace by spaces, in `text` (Markdown ready to parse), the ESM blocks, MDX comments and
/// component tags a reader does not see; `None` when there is none.
pub(super) fn blank(text: &str) -> Option<(String, Hidden)> {
    let mut hidden = Hidden::default();
    let mut imported: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, line));
        at += line.len();
    }
    let mut fence: Option<(u8, usize)> = None;
    let mut after_blank = true;
    let mut i = 0;
    while let Some(&(at, line)) = lines.get(i) {
        i += 1;
        let t = line.trim();
        let run = |c: u8| t.bytes().take_while(|&b| b == c).count();
        if let Some((c, n)) = fence {
            if run(c) >= n && t.bytes().all(|b| b == c) {
                fence = None;
            }
            after_blank = false;
            continue;
        }
        if let Some(c) = [b'`', b'~'].into_iter().find(|&c| run(c) >= 3) {
            fence = Some((c, run(c)));
            after_blank = false;
            continue;
        }
        if after_blank && (line.starts_with("import") || line.starts_with("export")) {
            // An ESM block runs to the next blank line, as MDX reads it.
            let end = lines
                .iter()
                .skip(i)
                .position(|l| l.1.trim().is_empty())
                .map_or(lines.len(), |k| i + k);
            let block: String = lines
                .get(i - 1..end)
                .unwrap_or_default()
                .iter()
                .map(|l| l.1)
                .collect();
            if let Some(names) = esm(&block) {
                imported.extend(names);
                let last = lines
                    .get(end - 1)
                    .map_or(at, |l| l.0 + l.1.trim_end().len());
                hidden.ranges.push(at..last);
                i = end;
                after_blank = false;
                continue;
            }
        }
        after_blank = t.is_empty();
        if !t.starts_with('<') {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        // An opening tag over several lines (`<Admonition` then its attributes), as Prettier
        // writes long ones: hidden whole when it ends a line.
        if !t.contains('>')
            && let Some(last) = (i..lines.len().min(i + 11))
                .find(|&j| lines.get(j).is_some_and(|l| l.1.contains('>')))
        {
            let joined: String = lines
                .get(i - 1..=last)
                .unwrap_or_default()
                .iter()
                .map(|l| l.1)
                .collect();
            let joined = joined.trim();
            if let Some((name, false, self_closing, _, len)) = jsx_tag(joined)
                && len == joined.len()
                && known(name, &imported)
            {
                hidden.ranges.push(at + lead..at + lead + len);
                hidden.components.push(Component {
                    name: name.to_string(),
                    self_closing,
                    range: at + lead..at + lead + len,
                });
                i = last + 1;
                continue;
            }
        }
        component_tags(t, at + lead, &imported, &mut hidden);
    }
    // Known components' tags inside a line (`Press <Highlight color="red">Save</Highlight>`),
    // and comments, outside code: one parse, only when there is one, says where code is.
    let inline = inline_tags(text, &imported, &hidden.ranges);
    let has_comment = memchr::memmem::find(text.as_bytes(), b"{/*").is_some();
    if !inline.is_empty() || has_comment {
        let code = code(text);
        let in_code = |at: usize| code.iter().any(|c| c.contains(&at));
        for (range, component) in inline {
            if !in_code(range.start) {
                hidden.ranges.push(range);
                hidden.components.extend(component);
            }
        }
        if has_comment {
            comments(text, &in_code, &mut hidden);
        }
    }
    if hidden.ranges.is_empty() {
        return None;
    }
    hidden.ranges.sort_by_key(|r| r.start);
    let mut bytes = text.as_bytes().to_vec();
    for r in &hidden.ranges {
        for b in bytes.get_mut(r.clone()).into_iter().flatten() {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Whole characters became spaces (every range starts and ends at a character boundary):
    // still UTF-8.
    Some((String::from_utf8_lossy(&bytes).into_owned(), hidden))
}

/// The MDX comments `{/* … */}` of `text` outside code, added to `out`, with the heading ids
/// they give.
fn comments(text: &str, in_code: &dyn Fn(usize) -> bool, out: &mut Hidden) {
    let mut from = 0;
    while let Some(start) = text
        .get(from..)
        .and_then(|r| r.find("{/*"))
        .map(|i| from + i)
    {
        let Some(end) = text
            .get(start + 3..)
            .and_then(|r| r.find("*/}"))
            .map(|i| start + 3 + i + 3)
        else {
            return;
        };
        // A comment never runs into code: one that starts in prose and ends inside or past a
        // code block is text (an unclosed `{/*` must not hide a fence and the steps after it).
        let crosses_code = in_code(end - 1)
            || text
                .get(start..end)
                .is_some_and(|c| c.contains("```") || c.contains("~~~"));
        if in_code(start) || crosses_code {
            from = start + 3;
        } else {
            if let Some(id) = heading_id(text, start..end) {
                let line = text
                    .get(..start)
                    .and_then(|b| b.rfind('\n'))
                    .map_or(0, |i| i + 1);
                out.ids.push((line, id.to_string()));
            }
            out.ranges.push(start..end);
            from = end;
        }
    }
}

/// The id the comment at `range` gives its heading, as Docusaurus reads it: the comment is the
/// last piece of an ATX heading (`## Step two {/* #step2 */}`, also before closing `#`s, in a
/// block quote or a list item), it is one comment, and its first word (up to a space) is `#`
/// and the id. Any other comment (`{/* step two */}`, one in a paragraph, one followed by
/// text) gives none.
fn heading_id(text: &str, range: Range<usize>) -> Option<&str> {
    let line_start = text.get(..range.start)?.rfind('\n').map_or(0, |i| i + 1);
    let mut heading = text.get(line_start..range.start)?;
    // Block quotes' `>` and list items' markers before the heading.
    loop {
        let t = heading.trim_start_matches(' ');
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let marker = t
            .strip_prefix('>')
            .or_else(|| {
                t.strip_prefix(['-', '*', '+'])
                    .filter(|r| r.starts_with(' '))
            })
            .or_else(|| {
                t.get(digits..)
                    .filter(|_| (1..=9).contains(&digits))?
                    .strip_prefix(['.', ')'])
                    .filter(|r| r.starts_with(' '))
            });
        match marker {
            Some(rest) => heading = rest,
            None => {
                heading = t;
                break;
            }
        }
    }
    let level = heading.bytes().take_while(|&b| b == b'#').count();
    let words = heading.get(level..)?;
    let is_heading =
        (1..=6).contains(&level) && words.starts_with([' ', '\t']) && !words.trim().is_empty();
    // After it: nothing, or the heading's closing `#`s.
    let rest = text.get(range.end..)?;
    let after = rest
        .split('\n')
        .next()
        .unwrap_or_default()
        .trim_end_matches(['\r', ' ', '\t']);
    let closing = after.is_empty()
        || (after.starts_with([' ', '\t']) && after.trim_start().bytes().all(|b| b == b'#'));
    if !is_heading || !closing {
        return None;
    }
    let inner = text.get(range.start + 3..range.end - 3)?;
    if inner.contains("*/") {
        return None;
    }
    let first = inner.trim().split(' ').next()?;
    first.strip_prefix('#').filter(|id| !id.is_empty())
}

/// Where `text` has code blocks and code spans.
fn code(text: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new_ext(text, super::markdown::options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect()
}

/// The tags of known components inside lines of `text`, outside what is `hidden` already
/// (code is not looked at here), each with the component an opening tag starts.
fn inline_tags(
    text: &str,
    imported: &[String],
    hidden: &[Range<usize>],
) -> Vec<(Range<usize>, Option<Component>)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for p in memchr::memchr_iter(b'<', b) {
        let name = match b.get(p + 1..) {
            Some([b'/', c, ..]) | Some([c, ..]) => *c,
            _ => continue,
        };
        if !name.is_ascii_uppercase() || hidden.iter().any(|h| h.contains(&p)) {
            continue;
        }
        let line = text.get(p..).and_then(|r| r.split('\n').next());
        let Some((name, closing, self_closing, _, len)) = line.and_then(jsx_tag) else {
            continue;
        };
        if known(name, imported) {
            let component = (!closing).then(|| Component {
                name: name.to_string(),
                self_closing,
                range: p..p + len,
            });
            out.push((p..p + len, component));
        }
    }
    out
}

/// The names an ESM block imports, when `block` is one (one or more `import` statements, or
/// an `export` one); `None` when it is text.
fn esm(block: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = block.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("export") {
            // What follows `export` is JavaScript sop does not read: the statement's start
            // must be one.
            let r = r.trim_start();
            let word = r
                .split(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap_or_default();
            let ok = r.len() < rest.len() - "export".len()
                && ([
                    "const",
                    "let",
                    "var",
                    "function",
                    "async",
                    "class",
                    "default",
                    "type",
                    "interface",
                ]
                .contains(&word)
                    && r.get(word.len()..)
                        .is_some_and(|a| a.starts_with(char::is_whitespace)))
                || r.starts_with(['{', '*']);
            // And the statement must read as code, not as a sentence that starts with the
            // word ("export default settings to the shared drive"): an assignment, a call, a
            // body or a `;`, or `export default Name` alone.
            let after = r.get(word.len()..).unwrap_or_default().trim();
            let ok = ok
                && (r.contains(['=', '(', '{', ';', '*'])
                    || (word == "default" && ident_len(after) == Some(after.len())));
            // A component the page makes itself (`export const Highlight = …`) is known too.
            let declared = r
                .split_whitespace()
                .find(|w| !matches!(*w, "const" | "let" | "var" | "function" | "async" | "class"))
                .filter(|_| word != "default");
            if let Some(name) = declared.and_then(|d| d.get(..ident_len(d)?)) {
                names.push(name.to_string());
            }
            return ok.then_some(names);
        }
        let r = rest.strip_prefix("import")?;
        if !r.starts_with([' ', '\t', '\n', '\r', '{', '"', '\'', '*']) {
            return None;
        }
        let r = r.trim_start();
        let r = if r.starts_with(['"', '\'']) {
            r
        } else {
            let from = keyword_from(r)?;
            names.extend(clause_names(r.get(..from)?)?);
            r.get(from + 4..)?.trim_start()
        };
        let r = module_name(r)?.trim_start();
        let r = r.strip_prefix(';').unwrap_or(r).trim_start();
        rest = r;
    }
    Some(names)
}

/// Where the keyword `from` of an import statement starts in `r`.
fn keyword_from(r: &str) -> Option<usize> {
    r.match_indices("from").map(|(i, _)| i).find(|&i| {
        let before = r.get(..i).and_then(|b| b.chars().next_back());
        let after = r.get(i + 4..).and_then(|a| a.chars().next());
        before.is_some_and(|c| c.is_whitespace() || c == '}')
            && after.is_some_and(|c| c.is_whitespace() || c == '"' || c == '\'')
    })
}

/// The rest of `r` after the quoted module name it starts with.
fn module_name(r: &str) -> Option<&str> {
    let q = r.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let inner = r.get(1..)?;
    let close = inner.find([q, '\n'])?;
    (inner.as_bytes().get(close) == Some(&(q as u8)) && close > 0).then(|| &inner[close + 1..])
}

/// The local names an import clause binds (`Tabs`, `{A, B as C}`, `X, * as Y`), when it is one.
fn clause_names(clause: &str) -> Option<Vec<String>> {
    let c = clause.trim();
    let mut rest = c.strip_prefix("type ").map_or(c, str::trim_start);
    let mut names = Vec::new();
    if let Some(n) = ident_len(rest) {
        names.push(rest.get(..n)?.to_string());
        rest = rest.get(n..)?.trim_start();
        if rest.is_empty() {
            return Some(names);
        }
        rest = rest.strip_prefix(',')?.trim_start();
    }
    if let Some(r) = rest.strip_prefix('*') {
        let r = r.trim_start().strip_prefix("as")?;
        if !r.starts_with(char::is_whitespace) {
            return None;
        }
        let r = r.trim_start();
        let n = ident_len(r)?;
        names.push(r.get(..n)?.to_string());
        return r.get(n..)?.trim().is_empty().then_some(names);
    }
    let inner = rest.strip_prefix('{')?.strip_suffix('}')?;
    for item in inner.split(',') {
        let words: Vec<&str> = item.split_whitespace().collect();
        let words = match words.as_slice() {
            ["type", rest @ ..] if !rest.is_empty() => rest,
            w => w,
        };
        let local = match words {
            [] => continue,
            [name] => name,
            [_, "as", local] => local,
            _ => return None,
        };
        if words
            .iter()
            .any(|w| *w != "as" && ident_len(w) != Some(w.len()))
        {
            return None;
        }
        names.push((*local).to_string());
    }
    Some(names)
}

/// The length of the JavaScript identifier `s` starts with.
fn ident_len(s: &str) -> Option<usize> {
    let ok = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let first = s.chars().next()?;
    if !ok(first) || first.is_ascii_digit() {
        return None;
    }
    Some(s.find(|c: char| !ok(c)).unwrap_or(s.len()))
}

/// A JSX tag at the start of `s` (it may run over lines: callers give one line, or the few
/// lines of one tag): its name, whether it closes (`</X>`) or has no content
/// (`<X />`), its attributes' text and its length.
fn jsx_tag(s: &str) -> Option<(&str, bool, bool, &str, usize)> {
    let r = s.strip_prefix('<')?;
    let (closing, r) = match r.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, r),
    };
    let name_len = r
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(r.len());
    let name = r.get(..name_len)?;
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let after = r.get(name_len..)?;
    if !after.starts_with(|c: char| c == '>' || c == '/' || c.is_whitespace()) {
        return None;
    }
    // The attributes run to the `>` outside quotes and braces.
    let mut quote: Option<char> = None;
    let mut braces = 0usize;
    for (i, c) in after.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '{') => braces += 1,
            (None, '}') => braces = braces.checked_sub(1)?,
            (None, '>') if braces == 0 => {
                let attrs = after.get(..i)?;
                let self_closing = attrs.trim_end().ends_with('/');
                let attrs = attrs.trim_end().trim_end_matches('/');
                let len = s.len() - after.len() + i + 1;
                return Some((name, closing, self_closing, attrs, len));
            }
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a JSX tag's attributes: `name="v"`, `name='v'`,
/// `name={"v"}`, with character references decoded.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(i) = rest.find(name) {
        let before_ok = rest
            .get(..i)
            .and_then(|b| b.chars().next_back())
            .is_none_or(char::is_whitespace);
        let after = rest.get(i + name.len()..)?;
        if before_ok && let Some(v) = after.trim_start().strip_prefix('=') {
            let v = v.trim_start();
            let v = v
                .strip_prefix('{')
                .map_or(v, |v| v.trim_start().strip_suffix('}').unwrap_or(v));
            let q = v.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
            let inner = v.get(1..)?;
            let close = inner.find(q)?;
            return Some(super::html::decode_entities(inner.get(..close)?).into_owned());
        }
        rest = after;
    }
    None
}

/// A `<TabItem …>` tag at the start of `line` (its leading white space trimmed): its `label`
/// and `value`, and where the tag ends.
pub(super) fn tab_item(line: &str) -> Option<(Option<String>, Option<String>, usize)> {
    let (name, closing, self_closing, attrs, len) = jsx_tag(line)?;
    if name != "TabItem" || closing || self_closing {
        return None;
    }
    Some((attribute(attrs, "label"), attribute(attrs, "value"), len))
}

/// When `line` (trimmed) is a `<Tabs …>` tag, alone: the labels its `values` prop gives, by
/// value (`values={[{label: 'Apple', value: 'apple'}]}`, as older pages write them).
pub(super) fn tabs_open(line: &str) -> Option<Vec<(String, String)>> {
    let (name, closing, self_closing, attrs, len) = jsx_tag(line)?;
    if name != "Tabs" || closing || self_closing || len != line.len() {
        return None;
    }
    let mut labels = Vec::new();
    let Some(values) = attrs.find("values").and_then(|i| attrs.get(i..)) else {
        return Some(labels);
    };
    // Each `{…}` of the list: its `label` and `value` strings, keys quoted or not.
    let field = |object: &str, key: &str| {
        object.match_indices(key).find_map(|(i, _)| {
            let rest = object.get(i + key.len()..)?.trim_start_matches(['"', '\'']);
            let rest = rest.trim_start().strip_prefix(':')?.trim_start();
            let q = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))?;
            let inner = rest.get(1..)?;
            Some(inner.get(..inner.find(q)?)?.to_string())
        })
    };
    for object in values.split('}') {
        let object = object.rsplit('{').next().unwrap_or(object);
        if let (Some(label), Some(value)) = (field(object, "label"), field(object, "value")) {
            labels.push((value, label));
        }
    }
    Some(labels)
}

/// Whether the component `name` (`Tabs`, `Details.Summary`) is the theme's or the page's own.
fn known(name: &str, imported: &[String]) -> bool {
    let base = name.split('.').next().unwrap_or(name);
    THEME.contains(&base) || imported.iter().any(|i| i == base)
}

/// The component tags at the start and the end of the line `t` (trimmed; it starts at `at`),
/// added to `hidden` when the file imports them or the theme has them; text between stays.
fn component_tags(t: &str, at: usize, imported: &[String], hidden: &mut Hidden) {
    let known = |name: &str| known(name, imported);
    let mut from = 0;
    while let Some((name, closing, self_closing, _, len)) = t.get(from..).and_then(jsx_tag) {
        if !known(name) {
            return;
        }
        hidden.ranges.push(at + from..at + from + len);
        if !closing {
            hidden.components.push(Component {
                name: name.to_string(),
                self_closing,
                range: at + from..at + from + len,
            });
        }
        from += len;
        from += t.get(from..).map_or(0, |r| r.len() - r.trim_start().len());
    }
    // Closing tags at the end of the line: `Short text.</Admonition>`.
    let mut end = t.len();
    while end > from {
        let Some(open) = t
            .get(from..end)
            .and_then(|r| r.rfind("</"))
            .map(|i| from + i)
        else {
            break;
        };
        match t.get(open..end).and_then(jsx_tag) {
            Some((name, true, _, _, len)) if open + len == end && known(name) => {
                hidden.ranges.push(at + open..at + end);
                end = t.get(..open).map_or(open, |r| r.trim_end().len());
            }
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(md: &str) -> String {
        blank(md).map_or_else(|| md.to_string(), |(t, _)| t)
    }

    #[test]
    fn esm_is_read_in_the_shapes_javascript_allows() {
        for block in [
            "import Tabs from '@theme/Tabs';",
            "import {A, B} from \"./x\"",
            "import '@site/x.css';",
            "import X, {Y as Z} from 'y';\nimport * as W from 'w';",
            "import {\n  A,\n  B,\n} from 'ab';",
            "export const toc = [];",
            "export default function Page() {}",
            "export default Page",
            "export {A, B};",
            "export * from './parts';",
            "export type Props = {title: string};",
            "import A from 'a';\nexport const b = 1;",
        ] {
            assert!(esm(block).is_some(), "{block}");
        }
        assert_eq!(
            esm("export const Highlight = ({children}) => (<span>{children}</span>);"),
            Some(vec!["Highlight".into()])
        );
        assert_eq!(
            esm("import X, {Y as Z, type T} from 'y';\nimport * as W from 'w';"),
            Some(vec!["X".into(), "Z".into(), "T".into(), "W".into()])
        );
        for text in [
            "import the file from the shared drive.",
            "import the file from 'Drive' and upload it.",
            "importing is slow",
            "import it",
            "export the report to CSV.",
            "export default settings to the shared drive\nbefore you reset the terminal.",
            "export const values to the finance sheet",
            "export type and date of each case",
            "import X from",
            "import X from ''",
        ] {
            assert_eq!(esm(text), None, "{text}");
        }
    }

    #[test]
    fn a_sentence_that_starts_with_export_stays_on_the_page() {
        let md = "Before month end:\n\nexport default settings to the shared drive\nbefore you reset the terminal.\n\nDone.\n";
        assert!(shown(md).contains(
            "export default settings to the shared drive\nbefore you reset the terminal."
        ));
        let md = "Steps:\n\nexport const values to the finance sheet.\n";
        assert!(shown(md).contains("export const values to the finance sheet."));
    }

    #[test]
    fn esm_lines_are_hidden_and_english_paragraphs_stay() {
        let md = "import Tabs from '@theme/Tabs';\r\nimport TabItem from '@theme/TabItem';\r\n\r\n# Refund\r\n\r\nImport the file from the drive.\r\n\r\nimport the file from the shared drive.\r\n\r\n```js\r\nimport X from 'x';\r\n```\r\n\r\nText\r\nimport Y from 'y';\r\n";
        let (text, hidden) = blank(md).expect("hidden");
        assert_eq!(text.len(), md.len());
        assert!(!text.contains("@theme"), "{text}");
        assert!(text.starts_with(&" ".repeat(31)), "{text:?}");
        assert!(text.contains("\r\n\r\n# Refund\r\n"), "{text:?}");
        assert!(text.contains("Import the file from the drive."));
        assert!(text.contains("import the file from the shared drive."));
        assert!(
            text.contains("```js\r\nimport X from 'x';\r\n```"),
            "in code"
        );
        assert!(
            text.contains("Text\r\nimport Y from 'y';"),
            "in a paragraph"
        );
        assert_eq!(hidden.ranges, vec![std::ops::Range { start: 0, end: 70 }]);
    }

    #[test]
    fn mdx_comments_are_hidden_outside_code() {
        let md = "Step.\n{/* a note\nfor writers */}\n\nKeep `{/* code */}` and {/* x */} go.\n\n```\n{/* kept */}\n```\n";
        let text = shown(md);
        assert!(
            !text.contains("a note") && !text.contains("for writers"),
            "{text}"
        );
        assert!(text.contains("`{/* code */}`"), "{text}");
        assert!(text.contains("and           go."), "{text}");
        assert!(text.contains("```\n{/* kept */}\n```"), "{text}");
        // Never closed in prose: the `*/}` inside a later code block does not close it.
        let md = "Step {/* unclosed.\n\n```\nrun */}\n```\n\nLast step.\n";
        assert_eq!(shown(md), md);
    }

    #[test]
    fn a_comment_that_ends_a_heading_gives_its_id_as_docusaurus_reads_it() {
        let ids = |md: &str| blank(md).map(|(_, h)| h.ids).unwrap_or_default();
        let md = "# Title\n\n## Step two {/* #step2 */}\n\n### Three {/*#s3 extra words*/}  \r\n";
        assert_eq!(ids(md), [(9, "step2".to_string()), (37, "s3".to_string())]);
        // As Docusaurus reads the heading: closing `#`s, a block quote, a list item, and the
        // id up to the first space (a tab is part of it).
        let md = "## Closed {/* #closed */} ##\n\n> ## Quoted {/* #qid */}\n\n- ## Listed {/* #lid */}\n\n## Tab {/* #a\tb c */}\n";
        let got: Vec<String> = ids(md).into_iter().map(|(_, id)| id).collect();
        assert_eq!(got, ["closed", "qid", "lid", "a\tb"]);
        for md in [
            "## Step two {/* step2 */}\n",
            "## Step two {/* # */}\n",
            "## Step two {/* #step2 */} and more\n",
            "## Step two {/* #a */ /* #b */}\n",
            "## Step two {/* #step2 */}##\n",
            "Paragraph {/* #step2 */}\n",
            "##Step {/* #step2 */}\n",
            "## {/* #step2 */}\n",
            "    ## Code {/* #step2 */}\n",
            "```\n## Step {/* #step2 */}\n```\n",
        ] {
            assert_eq!(ids(md), [], "{md:?}");
        }
    }

    #[test]
    fn components_are_hidden_when_imported_or_the_theme_s() {
        let md = "import Note from '@site/Note';\n\n<Note type=\"tip\" title={'a > b'}>\n\nRead **this**.\n\n</Note>\n\n<Details>Short.</Details>\n\n<Owner>\n\n<DocCardList />\n";
        let (text, hidden) = blank(md).expect("hidden");
        assert!(
            !text.contains("<Note") && !text.contains("</Note>"),
            "{text}"
        );
        assert!(text.contains("Read **this**."));
        assert!(text.contains("         Short.          \n"), "{text:?}");
        assert!(
            text.contains("<Owner>"),
            "not imported, not the theme's: text"
        );
        assert!(!text.contains("DocCardList"));
        let names: Vec<(&str, bool)> = hidden
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.self_closing))
            .collect();
        assert_eq!(
            names,
            [("Note", false), ("Details", false), ("DocCardList", true)]
        );
        // Tags inside a line, not in code.
        let md = "import Highlight from './h';\n\nPress <Highlight color=\"red\">Save</Highlight> now, not `<Highlight>`.\n";
        let (text, hidden) = blank(md).expect("hidden");
        let shown = format!("Press {}Save{} now", " ".repeat(23), " ".repeat(12));
        assert!(text.contains(&shown), "{text:?}");
        assert!(text.contains("`<Highlight>`"), "{text:?}");
        assert_eq!(hidden.components.len(), 1);
        // An opening tag over several lines.
        let md = "<Admonition\n  type=\"tip\"\n  title=\"Read\">\n\nBody.\n\n</Admonition>\n";
        let (text, hidden) = blank(md).expect("hidden");
        assert_eq!(text.trim(), "Body.", "{text:?}");
        assert_eq!(hidden.components.len(), 1);
        let first = &hidden.components[0].range;
        assert_eq!(first.end, md.find("\n\nBody").unwrap());
        let md = "import Note from '@site/Note';\n\n<Note type=\"tip\" title={'a > b'}>\n\nRead **this**.\n\n</Note>\n\n<Details>Short.</Details>\n\n<Owner>\n\n<DocCardList />\n";
        let (_, hidden) = blank(md).expect("hidden");
        let first = &hidden.components[0].range;
        assert_eq!(&md[first.clone()], "<Note type=\"tip\" title={'a > b'}>");
    }

    #[test]
    fn tab_items_are_labelled() {
        assert_eq!(
            tab_item("<TabItem value=\"web\" label=\"Web &amp; app\" default>\n"),
            Some((Some("Web & app".into()), Some("web".into()), 51))
        );
        assert_eq!(
            tab_item("<TabItem value={'cli'}>rest").map(|t| (t.0, t.1)),
            Some((None, Some("cli".into())))
        );
        assert_eq!(tab_item("<TabItem/>"), None);
        assert_eq!(tab_item("<TabItems>"), None);
        assert_eq!(tabs_open("<Tabs groupId=\"os\">"), Some(vec![]));
        assert_eq!(tabs_open("<Tabs> text"), None);
        assert_eq!(tabs_open("</Tabs>"), None);
        assert_eq!(
            tabs_open(
                "<Tabs defaultValue=\"a\" values={[\n  {label: 'Apple', value: 'a'},\n  {\"value\": \"o\", \"label\": \"Orange > all\"},\n]}>"
            ),
            Some(vec![
                ("a".into(), "Apple".into()),
                ("o".into(), "Orange > all".into())
            ])
        );
    }

    #[test]
    fn text_without_mdx_is_left_as_it_is() {
        assert!(blank("## Purpose\n\n<Say who.>\n").is_none());
    }
}
