//! Front matter: split the YAML block off an SOP file and parse it into fields that keep the
//! byte span of every key and value.
//!
//! YAML is read only here (saphyr-parser), so the parser can be swapped without touching the rest.
//! A broken block is data, not an error: [`FrontMatter::problems`] carries each problem with its
//! span, and lint reports it. Which keys there are is [`super::keys`]'s business. This module
//! depends on [`super::source`] alone.

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, SpannedEventReceiver};
use serde::Serialize;

use super::source::Span;

/// Where the front matter and the body of a file are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The YAML text between the `---` lines, if the file has front matter.
    pub yaml: Option<Span>,
    /// The Markdown body after the closing line (or the whole file without front matter).
    pub body: Span,
    /// Set when the file opens a block with `---` but never closes it.
    pub unclosed: Option<Span>,
}

/// Find the front matter of `text`: a first line `---`, then YAML, then a line `---` or `...`.
///
/// Never fails: a file without front matter has `yaml: None`; one whose block is never closed has
/// `unclosed` set to the opening line and its whole text as body. `yaml` and `body` never overlap
/// and both lie inside `text` on character boundaries.
pub fn split(text: &str) -> Split {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let whole = Split {
        yaml: None,
        body: Span::new(start, text.len()),
        unclosed: None,
    };
    let rest = &text[start..];
    let first_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_len].trim_end() != "---" {
        return whole;
    }
    let yaml_start = start + first_len;
    let mut at = yaml_start;
    while at < text.len() {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..line_end].trim_end();
        if line == "---" || line == "..." {
            return Split {
                yaml: Some(Span::new(yaml_start, at)),
                body: Span::new(line_end, text.len()),
                unclosed: None,
            };
        }
        at = line_end;
    }
    Split {
        unclosed: Some(Span::new(start, start + rest[..first_len].trim_end().len())),
        ..whole
    }
}

/// The parsed front matter of one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FrontMatter {
    /// The YAML text's span in the file.
    pub span: Span,
    /// Every top-level key, in the order written.
    pub fields: Vec<Field>,
    /// What is wrong with the YAML itself (syntax, duplicate keys, not a mapping).
    pub problems: Vec<YamlProblem>,
}

/// One top-level `key: value` of the front matter.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The key as written.
    pub key: String,
    /// Where the key is.
    pub key_span: Span,
    /// The value.
    pub value: Value,
    /// Where the value is (empty, just after the key, when there is none).
    pub value_span: Span,
}

impl Field {
    /// The texts the value holds, trimmed, each with its place: the value itself, or each
    /// item of a list; empty ones and items that are not text left out.
    pub fn texts(&self) -> Vec<(String, Span)> {
        match &self.value {
            Value::Text(t) => vec![(t.trim().to_string(), self.value_span)],
            Value::List(items) => items
                .iter()
                .filter_map(|i| Some((i.text.as_deref()?.trim().to_string(), i.span)))
                .collect(),
            Value::Null | Value::Mapping => Vec::new(),
        }
        .into_iter()
        .filter(|(t, _)| !t.is_empty())
        .collect()
    }
}

/// A front-matter value, reduced to what SOP metadata needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// No value (`key:`, `~`, `null`).
    Null,
    /// A scalar, as text: `1.0` stays `1.0`, `2026-11-24` stays a string.
    Text(String),
    /// A sequence; items that are not scalars have `text: None`.
    List(Vec<Item>),
    /// A mapping, such as an unquoted `{placeholder}`.
    Mapping,
}

/// One item of a list value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The item's text when it is a scalar.
    pub text: Option<String>,
    /// Where the item is.
    pub span: Span,
}

/// Something wrong with the YAML block as a whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YamlProblem {
    /// What kind of problem.
    pub kind: YamlProblemKind,
    /// Where it is.
    pub span: Span,
    /// The parser's own words, lowercased and without position (for `help` or `-v`).
    pub detail: String,
}

/// The kinds of [`YamlProblem`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YamlProblemKind {
    /// The YAML does not parse.
    Syntax,
    /// A key appears twice; `first` is where it first appeared, when known.
    DuplicateKey {
        /// The repeated key.
        key: String,
    },
    /// The block is not a `key: value` mapping (a list or a lone value).
    NotAMapping,
    /// A key that is not plain text (a list or mapping used as key).
    ComplexKey,
    /// A YAML alias (`*name`) that repeats an anchored value: sop reads no aliases, so the
    /// value counts as empty (not as the text `*`).
    Alias {
        /// The alias as written (`*name`).
        text: String,
    },
}

impl FrontMatter {
    /// The first field named `key`.
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// [`parse`] without the YAML parser, for a block of plain lines only: top-level `key: value`
/// lines whose values are one-line plain text, text in quotes without quotes or escapes
/// inside, or `[a, b]` lists of plain text (no comments, anchors, aliases, tags, block
/// scalars, continuation lines), `key:` lines with nothing or with `- item`
/// lines of such text under them, and empty lines. `None` for anything else (a tab, a carriage
/// return, a repeated key…): then [`parse`] reads it. When it gives fields, they are the ones
/// [`parse`] gives (keys, values, list items); the spans are those of the key and value as
/// written, and a `key:` with nothing has an empty value span just after its colon.
pub fn parse_plain(text: &str, yaml: Span) -> Option<FrontMatter> {
    let slice = text.get(yaml.start..yaml.end)?;
    let mut front = FrontMatter {
        span: yaml,
        ..FrontMatter::default()
    };
    let mut open: Option<OpenKey> = None;
    let mut at = yaml.start;
    for line in slice.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return None;
        }
        if body.is_empty() {
            continue;
        }
        let indent = body.len() - body.trim_start_matches(' ').len();
        let rest = &body[indent..];
        if let Some(item) = rest.strip_prefix("- ") {
            let OpenKey {
                items,
                indent: item_indent,
                ..
            } = open.as_mut()?;
            if *item_indent.get_or_insert(indent) != indent {
                return None;
            }
            let value = item.trim_start_matches(' ');
            let value_at = start + (body.len() - value.len());
            let value = value.trim_end_matches(' ');
            if !is_plain_text(value) {
                return None;
            }
            items.push(Item {
                text: Some(value.to_string()),
                span: Span::new(value_at, value_at + value.len()),
            });
            continue;
        }
        if indent > 0 {
            return None;
        }
        let (key, after) = body.split_once(':')?;
        if key.is_empty()
            || key.len() > 64
            || key.starts_with('-')
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return None;
        }
        if let Some(done) = open.take() {
            close_plain(&mut front, done)?;
        }
        if front.fields.iter().any(|f| f.key == key) {
            return None;
        }
        let key_span = Span::new(start, start + key.len());
        let colon = start + key.len() + 1;
        if !(after.is_empty() || after.starts_with(' ')) {
            return None;
        }
        let value = after.trim_start_matches(' ');
        let value_at = colon + (after.len() - value.len());
        let value = value.trim_end_matches(' ');
        if value.is_empty() {
            open = Some(OpenKey {
                key: key.to_string(),
                key_span,
                colon,
                items: Vec::new(),
                indent: None,
            });
            continue;
        }
        let value_span = Span::new(value_at, value_at + value.len());
        let value = if is_null(value, ScalarStyle::Plain) {
            Value::Null
        } else {
            plain_value(value, value_at)?
        };
        front.fields.push(Field {
            key: key.to_string(),
            key_span,
            value,
            value_span,
        });
    }
    if let Some(done) = open.take() {
        close_plain(&mut front, done)?;
    }
    Some(front)
}

/// The value of a `key: value` line of [`parse_plain`] (`value` trimmed, at `at` in the file):
/// plain text, text in quotes with no quote or backslash inside, or a list of plain texts in
/// brackets (`[a, b]`). `None` for any other.
fn plain_value(value: &str, at: usize) -> Option<Value> {
    let quoted = |quote: char| {
        let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
        let simple = !inner.contains(['"', '\'', '\\'])
            && inner.chars().all(|c| c == ' ' || is_printable(c));
        simple.then(|| Value::Text(inner.to_string()))
    };
    match value.chars().next()? {
        '"' => quoted('"'),
        '\'' => quoted('\''),
        '[' => {
            let inner = value.strip_prefix('[')?.strip_suffix(']')?;
            let mut items = Vec::new();
            if inner.trim_matches(' ').is_empty() {
                return Some(Value::List(items));
            }
            let mut from = at + 1;
            for part in inner.split(',') {
                let text = part.trim_matches(' ');
                let start = from + (part.len() - part.trim_start_matches(' ').len());
                from += part.len() + 1;
                // `[a -]`: YAML reads a `-` before `,` or `]` as an item of its own that
                // cannot start a plain scalar, and rejects the list.
                if !is_plain_text(text)
                    || text.contains([':', '[', ']', '{', '}', '#'])
                    || text.ends_with('-')
                {
                    return None;
                }
                items.push(Item {
                    text: Some(text.to_string()),
                    span: Span::new(start, start + text.len()),
                });
            }
            Some(Value::List(items))
        }
        _ => is_plain_text(value).then(|| Value::Text(value.to_string())),
    }
}

/// A `key:` line of [`parse_plain`] with nothing after it: a list may follow.
struct OpenKey {
    key: String,
    key_span: Span,
    /// Just after the colon.
    colon: usize,
    /// The `- item` lines read so far.
    items: Vec<Item>,
    /// Their indent, once one is read.
    indent: Option<usize>,
}

/// The field of a `key:` line of [`parse_plain`]: its list, or no value.
fn close_plain(
    front: &mut FrontMatter,
    OpenKey {
        key,
        key_span,
        colon,
        items,
        ..
    }: OpenKey,
) -> Option<()> {
    if front.fields.iter().any(|f| f.key == key) {
        return None;
    }
    let (value, value_span) = match (items.first(), items.last()) {
        (Some(first), Some(last)) => {
            let span = Span::new(first.span.start, last.span.end);
            (Value::List(items), span)
        }
        _ => (Value::Null, Span::empty(colon)),
    };
    front.fields.push(Field {
        key,
        key_span,
        value,
        value_span,
    });
    Some(())
}

/// Whether `value` (trimmed, on one line) is text YAML reads as written, as a plain scalar:
/// it starts with a letter, a digit or one of `<(./_+$`, and has no `: `, ` #`, final `:`,
/// nor a character that is not printable.
fn is_plain_text(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    let first_ok = first.is_ascii_alphanumeric()
        || matches!(first, '<' | '(' | '.' | '/' | '_' | '+' | '$')
        || !first.is_ascii();
    if !first_ok || value.ends_with(':') || is_null(value, ScalarStyle::Plain) {
        return false;
    }
    // One pass over the bytes: `: ` and ` #` end or break a plain scalar.
    let bytes = value.as_bytes();
    let mut ascii = true;
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        match b {
            b':' if next == Some(b' ') => return false,
            b' ' if next == Some(b'#') => return false,
            b' ' => {}
            _ if b.is_ascii() => {
                if !b.is_ascii_graphic() {
                    return false;
                }
            }
            _ => ascii = false,
        }
    }
    ascii || value.chars().all(|c| c == ' ' || is_printable(c))
}

/// Whether `c` is a printable character other than a space: ASCII, or beyond it a character
/// that is no space, control, byte-order mark, private-use or non-character.
fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_graphic()
    } else {
        !(c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
            || ('\u{e000}'..='\u{f8ff}').contains(&c))
    }
}

/// Parse the YAML of `text` at `yaml` into fields with byte spans into `text`.
///
/// The YAML is read as a stream of parser events, straight into fields: no node tree is built,
/// which halves the cost of loading a large repository.
pub fn parse(text: &str, yaml: Span) -> FrontMatter {
    let slice = &text[yaml.start..yaml.end];
    let locate = Locator::new(slice, yaml.start);
    let mut front = FrontMatter {
        span: yaml,
        ..FrontMatter::default()
    };
    if slice.trim().is_empty() {
        return front;
    }
    let mut collector = Collector::new(&locate);
    let mut parser = Parser::new_from_str(slice);
    match parser.load(&mut collector, false) {
        Ok(()) => {
            front.fields = collector.fields;
            front.problems = collector.problems;
        }
        Err(err) => {
            let at = locate.byte(*err.marker());
            front.problems.push(YamlProblem {
                kind: YamlProblemKind::Syntax,
                span: Span::new(at, locate.char_end(at)),
                detail: err.info().to_string(),
            });
        }
    }
    front
}

/// What the collector expects next inside the top-level mapping.
enum Expect {
    /// A key.
    Key,
    /// The value of this key (`None`: a complex key whose value is dropped).
    Value(Option<(String, Span)>),
}

/// A list or mapping value being read.
struct Building {
    key: Option<(String, Span)>,
    start: usize,
    items: Option<Vec<Item>>,
    nested_start: Option<usize>,
}

/// Receives parser events and keeps the top-level `key: value` pairs.
struct Collector<'a> {
    locate: &'a Locator<'a>,
    depth: usize,
    seen_document: bool,
    expect: Expect,
    building: Option<Building>,
    last_end: usize,
    fields: Vec<Field>,
    problems: Vec<YamlProblem>,
}

impl<'a> Collector<'a> {
    fn new(locate: &'a Locator<'a>) -> Self {
        Collector {
            locate,
            depth: 0,
            seen_document: false,
            expect: Expect::Key,
            building: None,
            last_end: locate.base,
            fields: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn push_field(&mut self, key: Option<(String, Span)>, value: Value, value_span: Span) {
        let Some((key, key_span)) = key else {
            return;
        };
        if let Some(pos) = self.fields.iter().position(|f| f.key == key) {
            self.problems.push(YamlProblem {
                kind: YamlProblemKind::DuplicateKey { key: key.clone() },
                span: key_span,
                detail: format!("duplicated key `{key}` in mapping"),
            });
            // The last value wins, as in most YAML readers; the problem is reported.
            self.fields.remove(pos);
        }
        self.fields.push(Field {
            key,
            key_span,
            value,
            value_span,
        });
    }

    fn start_collection(&mut self, span: Span, mapping: bool) {
        self.depth += 1;
        match self.depth {
            1 => {
                if mapping {
                    self.seen_document = true;
                } else {
                    self.not_a_mapping(span);
                }
            }
            2 => match std::mem::replace(&mut self.expect, Expect::Key) {
                Expect::Key => {
                    self.problems.push(YamlProblem {
                        kind: YamlProblemKind::ComplexKey,
                        span,
                        detail: "a key must be plain text".into(),
                    });
                    self.building = Some(Building {
                        key: None,
                        start: span.start,
                        items: None,
                        nested_start: None,
                    });
                    // After this key ends, its value is read and dropped.
                    self.expect = Expect::Value(None);
                }
                Expect::Value(key) => {
                    self.building = Some(Building {
                        key,
                        start: span.start,
                        items: (!mapping).then(Vec::new),
                        nested_start: None,
                    });
                }
            },
            3 => {
                if let Some(b) = self.building.as_mut() {
                    b.nested_start = Some(span.start);
                }
            }
            _ => {}
        }
    }

    fn end_collection(&mut self, span: Span) {
        let end = if span.is_empty() {
            self.last_end
        } else {
            span.end
        };
        match self.depth {
            2 => {
                if let Some(b) = self.building.take() {
                    let value_span = Span::new(b.start, end.max(b.start));
                    match b.items {
                        _ if b.key.is_none() => {
                            // A complex key ended: keep expecting its (dropped) value, unless
                            // it was itself a dropped value.
                        }
                        Some(items) => self.push_field(b.key, Value::List(items), value_span),
                        None => self.push_field(b.key, Value::Mapping, value_span),
                    }
                }
            }
            3 => {
                if let Some(b) = self.building.as_mut()
                    && let Some(start) = b.nested_start.take()
                    && let Some(items) = b.items.as_mut()
                {
                    items.push(Item {
                        text: None,
                        span: Span::new(start, end.max(start)),
                    });
                }
            }
            _ => {}
        }
        self.last_end = end;
        self.depth = self.depth.saturating_sub(1);
    }

    fn scalar(&mut self, text: &str, style: ScalarStyle, span: Span) {
        self.last_end = span.end;
        match self.depth {
            0 if !is_null(text, style) => self.not_a_mapping(span),
            1 => match std::mem::replace(&mut self.expect, Expect::Key) {
                Expect::Key => self.expect = Expect::Value(Some((text.to_string(), span))),
                Expect::Value(key) => {
                    let value = if is_null(text, style) {
                        Value::Null
                    } else {
                        Value::Text(text.to_string())
                    };
                    self.push_field(key, value, span);
                }
            },
            2 => {
                if let Some(items) = self.building.as_mut().and_then(|b| b.items.as_mut()) {
                    items.push(Item {
                        text: Some(text.to_string()),
                        span,
                    });
                }
            }
            _ => {}
        }
    }

    /// An alias (`*name`): a problem, and an empty value or list item in its place.
    fn alias(&mut self, span: Span) {
        let text = self
            .locate
            .slice
            .get(
                span.start.saturating_sub(self.locate.base)
                    ..span.end.saturating_sub(self.locate.base),
            )
            .unwrap_or("*")
            .to_string();
        self.problems.push(YamlProblem {
            kind: YamlProblemKind::Alias { text },
            span,
            detail: "an alias repeats an anchored value".into(),
        });
        match self.depth {
            2 => {
                self.last_end = span.end;
                if let Some(items) = self.building.as_mut().and_then(|b| b.items.as_mut()) {
                    items.push(Item { text: None, span });
                }
            }
            _ => self.scalar("", ScalarStyle::Plain, span),
        }
    }

    fn not_a_mapping(&mut self, span: Span) {
        if !self.seen_document {
            self.seen_document = true;
            self.problems.push(YamlProblem {
                kind: YamlProblemKind::NotAMapping,
                span,
                detail: "front matter is not a list of `key: value` lines".into(),
            });
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for Collector<'_> {
    fn on_event(&mut self, ev: Event<'input>, span: saphyr_parser::Span) {
        let span = self.locate.span(span.start, span.end);
        match ev {
            Event::MappingStart(..) => self.start_collection(span, true),
            Event::SequenceStart(..) => self.start_collection(span, false),
            Event::MappingEnd | Event::SequenceEnd => self.end_collection(span),
            Event::Scalar(text, style, _, _) => self.scalar(&text, style, span),
            Event::Alias(_) => self.alias(span),
            _ => {}
        }
    }
}

fn is_null(text: &str, style: ScalarStyle) -> bool {
    style == ScalarStyle::Plain && matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Turns saphyr markers (1-based line, 0-based character column, relative to the YAML slice)
/// into byte offsets into the whole file.
struct Locator<'a> {
    slice: &'a str,
    base: usize,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    fn new(slice: &'a str, base: usize) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            slice
                .bytes()
                .enumerate()
                .filter_map(|(i, b)| (b == b'\n').then_some(i + 1)),
        );
        Locator {
            slice,
            base,
            line_starts,
        }
    }

    fn byte(&self, m: Marker) -> usize {
        let line_idx = m.line().saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        let line = &self.slice[start..];
        let within = line
            .char_indices()
            .nth(m.col())
            .map_or(line.len(), |(i, _)| i);
        self.base + start + within
    }

    fn span(&self, start: Marker, end: Marker) -> Span {
        Span::new(self.byte(start), self.byte(end))
    }

    /// The end of the character at `at` (for one-character error spans).
    fn char_end(&self, at: usize) -> usize {
        let local = at.saturating_sub(self.base);
        match self.slice.get(local..).and_then(|s| s.chars().next()) {
            Some(c) if c != '\n' && c != '\r' => at + c.len_utf8(),
            _ => at,
        }
    }
}

/// Whether `a` and `b` differ only in the `last_reviewed` and `next_review` lines of their
/// front matter (what `sop review` changes; under the team's own names for those keys, from
/// `keys`), line endings aside.
pub fn same_but_review_dates(a: &str, b: &str, keys: &crate::repo::keys::KeyNames) -> bool {
    /// The front matter's text and the body of `text`.
    fn parts(text: &str) -> Option<(&str, &str)> {
        let split = split(text);
        let yaml = split.yaml?;
        Some((
            text.get(yaml.start..yaml.end)?,
            text.get(split.body.start..split.body.end)?,
        ))
    }
    let (a, b) = (super::encoding::normalize(a), super::encoding::normalize(b));
    let dates = [keys.written("last_reviewed"), keys.written("next_review")];
    let kept = |line: &&str| {
        !dates.iter().any(|d| {
            line.strip_prefix(d)
                .is_some_and(|rest| rest.starts_with(':'))
        })
    };
    match (parts(&a), parts(&b)) {
        (Some((yaml_a, body_a)), Some((yaml_b, body_b))) => {
            body_a == body_b && yaml_a.lines().filter(kept).eq(yaml_b.lines().filter(kept))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> FrontMatter {
        let split = split(text);
        parse(text, split.yaml.unwrap_or_default())
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn split_finds_yaml_and_body() {
        let text = "---\nid: SOP-0001\n---\n## Purpose\n";
        let s = split(text);
        assert_eq!(at(text, s.yaml.unwrap_or_default()), "id: SOP-0001\n");
        assert_eq!(at(text, s.body), "## Purpose\n");
        assert!(s.unclosed.is_none());
    }

    #[test]
    fn split_without_front_matter_keeps_whole_body() {
        let s = split("# Title\n");
        assert_eq!(s.yaml, None);
        assert_eq!(s.body, Span::new(0, 8));
    }

    #[test]
    fn split_reports_unclosed_block() {
        let s = split("---\nid: x\n## Purpose\n");
        assert_eq!(s.unclosed, Some(Span::new(0, 3)));
        assert_eq!(s.yaml, None);
    }

    #[test]
    fn fields_keep_byte_spans_after_non_ascii() {
        let text = "---\ntitle: Größe – Ünïcode\nstatus: aproved\n---\n";
        let fm = parse_str(text);
        let status = fm.get("status").unwrap();
        assert_eq!(at(text, status.key_span), "status");
        assert_eq!(at(text, status.value_span), "aproved");
        assert_eq!(status.value, Value::Text("aproved".into()));
    }

    #[test]
    fn scalars_stay_as_written() {
        let text = "---\nversion: 1.0\neffective: 2026-11-24\nowner: \"a: b\"\n---\n";
        let fm = parse_str(text);
        assert_eq!(fm.get("version").unwrap().value, Value::Text("1.0".into()));
        assert_eq!(
            fm.get("effective").unwrap().value,
            Value::Text("2026-11-24".into())
        );
        assert_eq!(fm.get("owner").unwrap().value, Value::Text("a: b".into()));
    }

    #[test]
    fn lists_and_empty_values() {
        let text = "---\napprovers:\n  - Ann\n  - Bo\ntags: []\nowner:\n---\n";
        let fm = parse_str(text);
        let Value::List(items) = &fm.get("approvers").unwrap().value else {
            panic!("not a list")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(at(text, items[1].span), "Bo");
        assert_eq!(fm.get("tags").unwrap().value, Value::List(vec![]));
        assert_eq!(fm.get("owner").unwrap().value, Value::Null);
    }

    #[test]
    fn syntax_error_has_position() {
        let text = "---\nid: SOP-0001\ntitle: a: b\n---\n";
        let fm = parse_str(text);
        assert_eq!(fm.problems.len(), 1);
        assert_eq!(fm.problems[0].kind, YamlProblemKind::Syntax);
        assert!(fm.problems[0].span.start > 4);
    }

    #[test]
    fn duplicate_key_is_a_problem_and_the_rest_parses() {
        let text = "---\nid: SOP-0001\nstatus: draft\nstatus: approved\ntitle: T\n---\n";
        let fm = parse_str(text);
        assert_eq!(
            fm.problems[0].kind,
            YamlProblemKind::DuplicateKey {
                key: "status".into()
            }
        );
        assert_eq!(at(text, fm.problems[0].span), "status");
        assert!(fm.get("title").is_some());
    }

    #[test]
    fn unquoted_placeholder_is_a_mapping() {
        let fm = parse_str("---\nreview_every: {period}\n---\n");
        assert_eq!(fm.get("review_every").unwrap().value, Value::Mapping);
    }

    #[test]
    fn a_list_is_not_a_mapping() {
        let fm = parse_str("---\n- a\n- b\n---\n");
        assert_eq!(fm.problems[0].kind, YamlProblemKind::NotAMapping);
    }

    /// The fields of `text`'s front matter as `parse_plain` gives them, when it reads it.
    fn plain_fields(text: &str) -> Option<Vec<(String, Value)>> {
        let fm = parse_plain(text, split(text).yaml?)?;
        Some(fm.fields.into_iter().map(|f| (f.key, f.value)).collect())
    }

    #[test]
    fn plain_lines_read_as_the_yaml_parser_reads_them() {
        let text = "---\nid: SOP-0001\ntitle:  Größe – Ünïcode (v2), don't  \nversion: 1.0\nowner:\n\ntags:\n  - a b\n  - c\napprovers:\n- x\nnext_review: ~\ntype: \"  spaced # not a comment \"\nstatus: 'null'\nsupersedes: [ SOP-0002,SOP-0003 , x y ]\nlanguage: []\ndepartment: \"\"\n---\n# Body\n";
        let fm = parse_plain(text, split(text).yaml.unwrap_or_default()).unwrap();
        let full = parse_str(text);
        assert!(full.problems.is_empty());
        let key_value = |fm: &FrontMatter| {
            fm.fields
                .iter()
                .map(|f| {
                    (
                        f.key.clone(),
                        f.value.clone(),
                        at(text, f.key_span).to_string(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(key_value(&fm), key_value(&full));
        let title = fm.get("title").unwrap();
        assert_eq!(at(text, title.value_span), "Größe – Ünïcode (v2), don't");
        assert_eq!(title.value_span, full.get("title").unwrap().value_span);
    }

    #[test]
    fn anything_but_plain_lines_is_left_to_the_yaml_parser() {
        for text in [
            "---\ntitle: A # comment\n---\n",
            "---\ntitle: A\ntags: [urgent -, b]\n---\n",
            "---\ntitle: A\ntags: [a -]\n---\n",
            "---\ntitle: |\n  Block\n---\n",
            "---\ntitle: >\n  Folded\n---\n",
            "---\ntitle: Two\n  lines\n---\n",
            "---\ntitle: A\ntitle: B\n---\n",
            "---\ntitle: A\r\nid: SOP-0001\r\n---\r\n",
            "---\ntitle:\tA\n---\n",
            "---\ntitle: &a A\nid: *a\n---\n",
            "---\ntitle: !!str A\n---\n",
            "---\ntitle: {x}\n---\n",
            "---\ntitle: [a, [b]]\n---\n",
            "---\ntitle: [a: b]\n---\n",
            "---\ntitle: \"A \\\" B\"\n---\n",
            "---\ntitle: 'It''s'\n---\n",
            "---\ntitle: \"A\" B\n---\n",
            "---\ntags: [a, ~]\n---\n",
            "---\ntitle: a: b\n---\n",
            "---\n  title: Indented\n---\n",
            "---\n- a\n---\n",
            "---\ntitle:A\n---\n",
            "---\ntags:\n  - a\n    - b\n---\n",
            "---\ntags:\n  - \"a\"\n---\n",
            "---\n\"title\": A\n---\n",
            "---\ntitle: -A\n---\n",
            "---\ntitle: A\u{a0}B\n---\n",
        ] {
            assert_eq!(plain_fields(text), None, "{text:?}");
        }
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::repo::{Sop, decode};

    fn in_bounds(text: &str, span: Span) -> bool {
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
    }

    fn check(text: &str) {
        let s = split(text);
        assert!(in_bounds(text, s.body));
        if let Some(yaml) = s.yaml {
            assert!(in_bounds(text, yaml));
            assert!(yaml.end <= s.body.start, "yaml and body do not overlap");
            let fm = parse(text, yaml);
            for f in &fm.fields {
                assert!(in_bounds(text, f.key_span), "{:?}", f);
                assert!(in_bounds(text, f.value_span), "{:?}", f);
                if let Value::List(items) = &f.value {
                    assert!(items.iter().all(|i| in_bounds(text, i.span)));
                }
            }
            assert!(fm.problems.iter().all(|p| in_bounds(text, p.span)));
        }
        let sop = Sop::parse("sops/x/SOP-0001-x.md".into(), text.to_string(), "SOP");
        assert!(
            sop.outline()
                .headings
                .iter()
                .all(|h| in_bounds(text, h.span))
        );
        assert!(sop.outline().links.iter().all(|l| in_bounds(text, l.span)));
        assert!(
            sop.outline()
                .sections
                .iter()
                .all(|s| in_bounds(text, s.content))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*") {
            check(&text);
        }

        #[test]
        fn front_matter_like_text_never_panics(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("---".to_string()),
                    Just("...".to_string()),
                    "[a-z_]{1,12}: [ -~äöü–]{0,20}",
                    "  - [ -~é]{0,10}",
                    "[a-z]{1,8}: \\{[a-z]{0,5}\\}",
                    "## [A-Za-zé ]{0,20}",
                    "\\[[a-z]{0,5}\\]\\([a-z./#]{0,12}\\)",
                    "[ -~\t]{0,30}",
                ],
                0..30,
            )
        ) {
            let mut text = String::from("---\n");
            text.push_str(&lines.join("\n"));
            check(&text);
        }

        #[test]
        fn plain_lines_read_as_the_yaml_parser_reads_them(
            lines in proptest::collection::vec(
                prop_oneof![
                    "[a-z_]{1,8}: [ -~äö–]{0,16}",
                    "[a-z_]{1,8}:",
                    "[a-z_]{1,8}:[ -~]{0,6}",
                    "[a-z_]{1,8}: \"[ -~é]{0,10}\"[ -~]{0,2}",
                    "[a-z_]{1,8}: '[ -~é]{0,10}'[ -~]{0,2}",
                    "[a-z_]{1,8}: \\[[ -~é]{0,14}\\][ -~]{0,2}",
                    " {0,3}- [ -~é]{0,10}",
                    " {0,3}-",
                    "[ -~]{0,12}",
                    Just(String::new()),
                ],
                0..12,
            )
        ) {
            let text = format!("---\n{}\n---\nbody\n", lines.join("\n"));
            let yaml = split(&text).yaml.unwrap_or_default();
            if let Some(plain) = parse_plain(&text, yaml) {
                let full = parse(&text, yaml);
                prop_assert!(full.problems.is_empty(), "{:?}: {:?}", text, full.problems);
                let fields = |fm: &FrontMatter| {
                    fm.fields.iter().map(|f| (f.key.clone(), f.value.clone(), f.key_span)).collect::<Vec<_>>()
                };
                prop_assert_eq!(fields(&plain), fields(&full), "{:?}", text);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(text) = decode(bytes) {
                check(&text);
            }
        }
    }
}
