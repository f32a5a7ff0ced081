//! Markdown written for MkDocs (Python-Markdown's extensions) read the way MkDocs reads it:
//! admonitions (`!!! note "Title"`, collapsible `???` and `???+`; and the containers Docusaurus
//! and VuePress write, `:::tip Title` … `:::`, as the same boxes) and attribute lists
//! (`{: .class}`, `{#id}`), at the end of a line or right after an inline element
//! (`![x](a.svg){ width="300" }`, `**Save**{: .highlight }`). Content tabs, MkDocs Material's
//! (`=== "Android"`, `===+`, `===!` for a new set, each tab's body indented) and Docusaurus's
//! (`<Tabs>` `<TabItem value="…" label="…">` … `</TabItem>` `</Tabs>`), become labelled panels
//! the same way, and the MDX a Docusaurus page holds is hidden by [`super::mdx`]. A box (an
//! admonition or a container) or a set of tabs (of either kind) may also be indented into a
//! list item's text (a numbered step whose content is tabs), where it stays, in that item, or
//! written in a block quote (`> :::tip` … `> :::`), where it stays, in the quote.
//!
//! To CommonMark an admonition's indented body is a code block and an attribute list is text, so
//! the lint outline and the site both parse [`prepare`]'s copy of the body instead: attribute
//! lists blanked out (same length; the `#id` of one that ends a line is kept, for a heading's
//! explicit id), and each admonition's body un-indented between two marker
//! lines (HTML comments) the site turns into its box. [`Prepared::original`] maps an offset of
//! the copy back to the file, so findings keep pointing at the writer's text. A marker is known
//! by its offset, never by its text: a comment written in an SOP cannot open a box.

use std::borrow::Cow;

use super::html::decode_entities;

/// An admonition: its kind (the first word after `!!!`) and how its title is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admonition {
    /// The kind as written, lower case: `note`, `warning`, `tip`, …
    pub kind: String,
    /// The title as written between quotes (`Some("")` for `""`: no title bar); `None` when
    /// none is written (the kind, capitalised, is shown).
    pub title: Option<String>,
    /// `None` for `!!!`; for `???` whether it starts open (`???+`).
    pub collapsible: Option<bool>,
}

impl Admonition {
    /// The label of the box's kind: `Note` for `note`, `Read first` for `read-first`.
    pub fn label(&self) -> String {
        title_of_kind(&self.kind)
    }

    /// The title the writer gave the box (`!!! warning "Do not refund twice"`,
    /// `:::tip[Check first]`), when it has words: text a reader sees above the box's body.
    pub fn written_title(&self) -> Option<&str> {
        self.title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }
}

/// The title MkDocs gives a box of `kind` that has none: the kind, capitalised (`bug` → "Bug").
pub fn title_of_kind(kind: &str) -> String {
    let words = kind.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where a box starts or ends in the prepared text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// An admonition starts.
    Open(Admonition),
    /// A set of content tabs starts (its tabs follow, each a [`Marker::Tab`]).
    Tabs,
    /// A tab starts: its label as written (text, not Markdown).
    Tab(String),
    /// The last open admonition, set of tabs or tab ends.
    Close,
}

/// The body as the outline and the site parse it.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The text to parse.
    pub text: Cow<'a, str>,
    /// For each line of `text` when lines moved (empty when offsets are the file's): where it
    /// starts in `text`, where in the original, and how many bytes it keeps from there.
    lines: Vec<(usize, usize, usize)>,
    /// The marker lines, by their start in `text`.
    markers: Vec<(usize, Marker)>,
    /// The `#id` of each attribute list that ends a line, and of each MDX comment that ends a
    /// heading (`{/* #id */}`), by the line's start in `text`.
    ids: Vec<(usize, String)>,
    /// What is not content (MDX: ESM, comments, component tags), in the original's offsets.
    hidden: Vec<std::ops::Range<usize>>,
    /// The components whose tags are hidden, in the original's offsets.
    components: Vec<super::mdx::Component>,
    /// The original.
    md: &'a str,
}

impl Prepared<'_> {
    /// The offset in the original text of offset `at` of [`Prepared::text`].
    pub fn original(&self, at: usize) -> usize {
        let i = self.lines.partition_point(|l| l.0 <= at);
        let mut o = match i.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(&(start, orig, kept)) => orig + (at - start).min(kept),
            None => at,
        };
        if self.hidden.is_empty() {
            return o;
        }
        // Inside what MDX hides, a character became as many spaces as it has bytes: an offset
        // between them is the character's start.
        while o > 0 && !self.md.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// The id an attribute list at the end of the line holding offset `at` of
    /// [`Prepared::text`] gives (`## Step two {#step2}`): a heading's explicit id.
    pub fn id_at(&self, at: usize) -> Option<&str> {
        let before = self.text.get(..at)?;
        let line = before.rfind('\n').map_or(0, |i| i + 1);
        let i = self.ids.binary_search_by_key(&line, |l| l.0).ok()?;
        self.ids.get(i).map(|l| l.1.as_str())
    }

    /// Every id the attribute lists that end a line give, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(|l| l.1.as_str())
    }

    /// What the file holds that is not content (ESM lines, MDX comments, the tags of
    /// components `sop` cannot show), by offsets of the original, in order.
    pub fn hidden(&self) -> &[std::ops::Range<usize>] {
        &self.hidden
    }

    /// The components whose tags are hidden (their content is shown as plain content).
    pub fn components(&self) -> &[super::mdx::Component] {
        &self.components
    }

    /// The marker that starts at `at` of [`Prepared::text`] (its line's start, or where a list
    /// item's text starts on it), if any.
    pub fn marker_at(&self, at: usize) -> Option<&Marker> {
        let i = self.markers.binary_search_by_key(&at, |m| m.0).ok()?;
        self.markers.get(i).map(|m| &m.1)
    }
}

/// The marker lines' text (the site replaces them; to the outline they are comments).
const OPEN: &str = "<!-- sop:box -->\n";
const CLOSE: &str = "<!-- /sop:box -->\n";

/// `md` prepared for parsing: attribute lists blanked, admonition bodies and tabs un-indented,
/// MDX that is not content blanked.
pub fn prepare(md: &str) -> Prepared<'_> {
    let (boxes, mdx) = syntax(md);
    let mut p = prepare_markdown(md, boxes);
    if !mdx {
        return p;
    }
    if let Some((text, hidden)) = super::mdx::blank(&p.text) {
        let original = |r: std::ops::Range<usize>| p.original(r.start)..p.original(r.end);
        let ranges = hidden.ranges.into_iter().map(original).collect();
        let components = hidden
            .components
            .into_iter()
            .map(|c| super::mdx::Component {
                range: original(c.range),
                ..c
            })
            .collect();
        p.hidden = ranges;
        p.components = components;
        p.text = Cow::Owned(text);
        if !hidden.ids.is_empty() {
            p.ids.extend(hidden.ids);
            p.ids.sort_by_key(|l| l.0);
            p.ids.dedup_by_key(|l| l.0);
        }
    }
    p
}

/// `md` prepared for parsing as MkDocs reads it (and Docusaurus's boxes and tabs).
fn prepare_markdown(md: &str, has_boxes: bool) -> Prepared<'_> {
    if !has_boxes {
        // The text is copied only from the first attribute list on (most bodies have none).
        let mut out: Option<String> = None;
        let mut ids = Vec::new();
        if md.contains('}') {
            let mut fence = None;
            let mut at = 0;
            for line in md.split_inclusive('\n') {
                let (kept, id) = blank_attribute_list(line, &mut fence);
                if let Some(id) = id {
                    ids.push((at, id.to_string()));
                }
                match (kept, out.as_mut()) {
                    (Cow::Borrowed(l), Some(out)) => out.push_str(l),
                    (Cow::Borrowed(_), None) => {}
                    (Cow::Owned(l), Some(out)) => out.push_str(&l),
                    (Cow::Owned(l), None) => {
                        let mut copy = String::with_capacity(md.len());
                        copy.push_str(&md[..at]);
                        copy.push_str(&l);
                        out = Some(copy);
                    }
                }
                at += line.len();
            }
        }
        let mut text = out.map_or(Cow::Borrowed(md), Cow::Owned);
        blank_inline_attribute_lists(&mut text);
        return Prepared {
            text,
            lines: Vec::new(),
            markers: Vec::new(),
            ids,
            hidden: Vec::new(),
            components: Vec::new(),
            md,
        };
    }
    let mut lines = Vec::new();
    let mut at = 0;
    for line in md.split_inclusive('\n') {
        lines.push((at, line));
        at += line.len();
    }
    let mut b = Builder::default();
    b.block(&lines);
    let mut text = Cow::Owned(b.text);
    blank_inline_attribute_lists(&mut text);
    Prepared {
        text,
        lines: b.lines,
        markers: b.markers,
        ids: b.ids,
        hidden: Vec::new(),
        components: Vec::new(),
        md,
    }
}

/// Whether `md` may hold boxes or tabs (a line that starts with `:::`, `!!!`, `???`, `===` or
/// `<Tab`, after white space or not, as in a list item's text, or after a block quote's `>`),
/// and whether it may hold MDX
/// that [`super::mdx::blank`] hides (a line that starts with `import` or `export`, a tag with a
/// capitalised name at the start of a line, a `{/*`). Three passes of memchr over bytes that
/// are rare in prose, as many as the check for boxes alone took before: text without any of
/// them, most SOPs, costs no more.
fn syntax(md: &str) -> (bool, bool) {
    let b = md.as_bytes();
    let line_start = |i: usize| i == 0 || b.get(i - 1) == Some(&b'\n');
    // Only white space before `i` on its line.
    let indented = |i: usize| {
        b.get(..i)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&c| c != b'\n')
            .all(|&c| c == b' ' || c == b'\t')
    };
    // Only white space and block quotes' `>` before `i` on its line.
    let quoted = |i: usize| {
        b.get(..i)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&c| c != b'\n')
            .all(|&c| c == b' ' || c == b'\t' || c == b'>')
    };
    let (mut boxes, mut mdx) = (false, false);
    for i in memchr::memchr3_iter(b'!', b'?', b':', b) {
        if b.get(i..i + 3)
            .is_some_and(|m| m[1] == m[0] && m[2] == m[0])
            && quoted(i)
        {
            boxes = true;
            break;
        }
    }
    for i in memchr::memchr3_iter(b'=', b'<', b'{', b) {
        match b.get(i) {
            Some(b'=') => boxes |= b.get(i..i + 3) == Some(b"===") && quoted(i),
            Some(b'{') => mdx |= b.get(i + 1..i + 3) == Some(b"/*"),
            _ => {
                let tag = b.get(i..).unwrap_or_default();
                let name = match tag {
                    [b'<', b'/', c, ..] | [b'<', c, ..] => *c,
                    _ => continue,
                };
                if !name.is_ascii_uppercase() {
                    continue;
                }
                // Tabs in a block quote are tabs in the quote, as a box there is a box.
                let tabs = tag.starts_with(b"<Tab") || tag.starts_with(b"</Tab");
                if indented(i) {
                    mdx = true;
                    boxes |= tabs;
                } else if tabs && quoted(i) {
                    boxes = true;
                }
            }
        }
    }
    // `import` and `export` share `port`, found in one pass.
    mdx = mdx
        || memchr::memmem::find_iter(b, b"port")
            .any(|i| i >= 2 && matches!(b.get(i - 2..i), Some(b"im" | b"ex")) && line_start(i - 2));
    (boxes, mdx)
}

#[derive(Default)]
struct Builder {
    text: String,
    lines: Vec<(usize, usize, usize)>,
    markers: Vec<(usize, Marker)>,
    ids: Vec<(usize, String)>,
    /// What every line that is not blank starts with: the spaces that keep a box or a tab
    /// written in a list item's text (and its body) in that item, and the `> ` that keep one
    /// written in a block quote in the quote (a blank line there starts with its `>`).
    pad: String,
}

impl Builder {
    /// A line of the original (un-indented), starting at `orig` there.
    fn copy(&mut self, orig: usize, line: &str) {
        self.indent(orig, line);
        self.lines.push((self.text.len(), orig, line.len()));
        self.text.push_str(line);
    }

    /// The padding a line gets (only a block quote's `>` when it is blank), placed at `orig`.
    fn indent(&mut self, orig: usize, line: &str) {
        let n = self.pad_of(line);
        if n > 0 {
            self.lines.push((self.text.len(), orig, 0));
            self.text.push_str(&self.pad[..n]);
        }
    }

    /// How many bytes of the padding `line` gets: all of it, or up to the last `>` when the
    /// line is blank (none outside a block quote), so that a blank line does not end a quote.
    fn pad_of(&self, line: &str) -> usize {
        if self.pad.is_empty() {
            // Most lines: none, without looking at the line.
            0
        } else if line.trim().is_empty() {
            self.pad.trim_end().len()
        } else {
            self.pad.len()
        }
    }

    /// A line that is not in the original, placed at `orig`.
    fn insert(&mut self, orig: usize, line: &str, marker: Option<Marker>) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.lines.push((self.text.len(), orig, 0));
        let n = self.pad_of(line);
        self.text.push_str(&self.pad[..n]);
        if let Some(m) = marker {
            self.markers.push((self.text.len(), m));
        }
        self.text.push_str(line);
    }

    /// The marker lines that open a box, a set of tabs or a tab, placed at `orig`.
    fn open(&mut self, orig: usize, marker: Marker) {
        self.insert(orig, "\n", None);
        self.insert(orig, OPEN, Some(marker));
        self.insert(orig, "\n", None);
    }

    /// The marker lines that close the last open one, placed at `orig`.
    fn close(&mut self, orig: usize) {
        self.insert(orig, "\n", None);
        self.insert(orig, CLOSE, Some(Marker::Close));
        self.insert(orig, "\n", None);
    }

    /// Run `f` with `extra` more spaces of padding: for a box or a tab `extra` columns into
    /// a list item's text.
    fn padded(&mut self, extra: usize, f: impl FnOnce(&mut Self)) {
        let outer = self.pad.len();
        self.pad.extend(std::iter::repeat_n(' ', extra));
        f(self);
        self.pad.truncate(outer);
    }

    /// Run `f` in a block quote written `extra` columns into a list item's text (0 in none).
    fn quoted(&mut self, extra: usize, f: impl FnOnce(&mut Self)) {
        let outer = self.pad.len();
        self.pad.extend(std::iter::repeat_n(' ', extra));
        self.pad.push_str("> ");
        f(self);
        self.pad.truncate(outer);
    }

    /// The lines of one block of text (the file, or an admonition's or a tab's body).
    fn block(&mut self, lines: &[(usize, &str)]) {
        let mut fence: Option<(u8, usize)> = None;
        let mut i = 0;
        // The list items open at the line read, for boxes and tabs in an item's text.
        let mut items = Items::default();
        // The MkDocs set of tabs open in this block: the index of the line after its last
        // tab's body (a tab right after it, blank lines between, joins the set), and where it
        // is (see `lead` below).
        let mut tab_set: Option<(usize, Lead)> = None;
        // The Docusaurus `<Tabs>` open in this block, each with the labels its `values` gives
        // and the column of the list item's text it is written in (0 when in none).
        let mut jsx_sets: Vec<(Vec<(String, String)>, usize)> = Vec::new();
        // The end of the block quote last found to hold no box or tabs: its lines are text.
        let mut plain_quote = 0;
        while let Some(&(orig, line)) = lines.get(i) {
            i += 1;
            // Boxes and tabs start a line, or are indented into a list item's text.
            let mut lead = None;
            if fence.is_none() && !items.read(line) {
                let column = indent(line);
                lead = match column {
                    0 => Some(Lead::default()),
                    _ => items.in_text(column).map(|text| Lead { column, text }),
                };
            }
            if fence.is_none() {
                let t = line.trim();
                if let Some(lead) = lead
                    && let Some((label, new_set)) = tab(t)
                {
                    let joins = tab_set.is_some_and(|(after, set_lead)| {
                        !new_set
                            && set_lead.column == lead.column
                            && lines.get(after..i - 1).is_some_and(|between| {
                                between.iter().all(|l| l.1.trim().is_empty())
                            })
                    });
                    if !joins && let Some((_, set_lead)) = tab_set.take() {
                        self.padded(set_lead.text, |b| b.close(orig));
                    }
                    let (end, body) = indented_body(lines, i, lead.column);
                    self.padded(lead.text, |b| {
                        if !joins {
                            b.open(orig, Marker::Tabs);
                        }
                        b.open(orig, Marker::Tab(label));
                        b.block(&body);
                        b.close(end_of(lines, end, orig));
                    });
                    tab_set = Some((end, lead));
                    i = end;
                    continue;
                }
                if !t.is_empty()
                    && let Some((_, set_lead)) = tab_set.take()
                {
                    self.padded(set_lead.text, |b| b.close(orig));
                }
                // A block quote that holds a box or tabs (`> :::tip` … `> :::`, a box in the
                // quote to Docusaurus; `> !!! note` to MkDocs): its lines without their `>`
                // are a block of their own, read as the file is, and put back in the quote.
                if i > plain_quote
                    && let Some(lead) = lead
                    && t.starts_with('>')
                {
                    match quote_with_boxes(lines, i - 1, lead.column) {
                        Ok(end) => {
                            let body: Vec<(usize, &str)> = lines
                                .get(i - 1..end)
                                .unwrap_or_default()
                                .iter()
                                .map(|&(o, l)| {
                                    let cut = quote_prefix(l, lead.column).unwrap_or(0);
                                    (o + cut, l.get(cut..).unwrap_or_default())
                                })
                                .collect();
                            self.quoted(lead.text, |b| b.block(&body));
                            i = end;
                            continue;
                        }
                        Err(end) => plain_quote = end,
                    }
                }
                if t == "</Tabs>"
                    && let Some((_, pad)) = jsx_sets.pop()
                {
                    self.padded(pad, |b| b.close(orig));
                    continue;
                }
                // MDX reads no indented code: a set of tabs indented into a list item's text
                // is in that item, its tabs and its end too.
                let item_text = lead.map_or(0, |l| l.text);
                match jsx_open(lines, i - 1) {
                    Some((JsxOpen::Tabs(labels), last, _)) => {
                        self.padded(item_text, |b| b.open(orig, Marker::Tabs));
                        jsx_sets.push((labels, item_text));
                        i = last + 1;
                        continue;
                    }
                    Some((JsxOpen::Tab(label, value), last, cut)) => {
                        // Its `label`, else the one its set's `values` gives, else its `value`.
                        let label = label
                            .or_else(|| {
                                let value = value.as_deref()?;
                                let (set, _) = jsx_sets.last()?;
                                set.iter().find(|(v, _)| v == value).map(|(_, l)| l.clone())
                            })
                            .or(value)
                            .unwrap_or_default();
                        let (tail_at, tail) = lines.get(last).copied().unwrap_or((orig, line));
                        let (next, body) = tab_item_body(lines, last + 1, tail_at + cut, tail, cut);
                        let close_at = if next > last + 1 {
                            end_of(lines, next, orig)
                        } else {
                            tail_at + tail.len()
                        };
                        let pad = jsx_sets.last().map_or(item_text, |s| s.1);
                        self.padded(pad, |b| {
                            b.open(orig, Marker::Tab(label));
                            b.block(&body);
                            b.close(close_at);
                        });
                        i = next;
                        continue;
                    }
                    None => {}
                }
            }
            let admonition = match lead {
                Some(_) if fence.is_none() => admonition(line.trim()),
                _ => None,
            };
            // A container (`:::tip Title` … `:::`, as Docusaurus and VuePress write boxes):
            // its body is not indented further than its opening line, and it ends at its
            // closing line. In a list item's text, it and its body are in that item.
            if admonition.is_none()
                && fence.is_none()
                && let Some(lead) = lead
                && let Some((admonition, colons)) = container(line.trim())
                && let Some(close) = container_end(lines, i, colons)
            {
                let body: Vec<(usize, &str)> = lines
                    .get(i..close)
                    .unwrap_or_default()
                    .iter()
                    .map(|&(o, l)| {
                        let cut = dedent(l, lead.column);
                        (o + cut, l.get(cut..).unwrap_or_default())
                    })
                    .collect();
                let close_at = lines.get(close).map_or(orig, |&(o, _)| o);
                self.padded(lead.text, |b| {
                    b.open(orig, Marker::Open(admonition));
                    b.block(&body);
                    b.close(close_at);
                });
                i = close + 1;
                continue;
            }
            let Some(admonition) = admonition else {
                let (kept, id) = blank_attribute_list(line, &mut fence);
                if let Some(id) = id {
                    self.ids.push((self.text.len(), id.to_string()));
                }
                self.copy(orig, &kept);
                continue;
            };
            // The body: the indented lines that follow, blank lines between them included.
            let lead = lead.unwrap_or_default();
            let (end, body) = indented_body(lines, i, lead.column);
            self.padded(lead.text, |b| {
                b.open(orig, Marker::Open(admonition));
                b.block(&body);
                b.close(end_of(lines, end, orig));
            });
            i = end;
        }
        let at = lines.last().map_or(0, |&(o, l)| o + l.len());
        if let Some((c, n)) = fence {
            // A fence left open ends with the admonition, as in MkDocs.
            let close: String = std::iter::repeat_n(char::from(c), n).collect();
            self.insert(at, &format!("{close}\n"), None);
        }
        // Tabs left open (a `<Tabs>` never closed) end with the block: nothing is lost.
        if let Some((_, set_lead)) = tab_set {
            self.padded(set_lead.text, |b| b.close(at));
        }
        while let Some((_, pad)) = jsx_sets.pop() {
            self.padded(pad, |b| b.close(at));
        }
    }
}

/// The offset in the original where the lines before `lines[end]` end (`orig` when none).
fn end_of(lines: &[(usize, &str)], end: usize, orig: usize) -> usize {
    lines
        .get(end.saturating_sub(1))
        .map_or(orig, |&(o, l)| o + l.len())
}

/// The indented body of an admonition or a tab indented `lead` columns whose first line is
/// `lines[from]`: the index of the line after it, and its lines un-indented to the level of
/// the admonition or tab (blank lines between kept).
fn indented_body<'l>(
    lines: &[(usize, &'l str)],
    from: usize,
    lead: usize,
) -> (usize, Vec<(usize, &'l str)>) {
    let mut end = from;
    let mut j = from;
    while let Some(&(_, next)) = lines.get(j) {
        if next.trim().is_empty() {
            j += 1;
        } else if indent(next) >= lead + 4 {
            j += 1;
            end = j;
        } else {
            break;
        }
    }
    let body = lines
        .get(from..end)
        .unwrap_or_default()
        .iter()
        .map(|&(o, l)| {
            let cut = dedent(l, lead + 4);
            (o + cut, l.get(cut..).unwrap_or_default())
        })
        .collect();
    (end, body)
}

/// The body of a `<TabItem>` whose tag ends at byte `cut` of `line` (at `at` in the
/// original), `lines[from]` being the line after it: the index of the line after the body
/// (and its `</TabItem>`), and its lines, un-indented by what they all share (MDX has no
/// indented code). Without `</TabItem>`, the body ends at the next tab or `</Tabs>`.
fn tab_item_body<'l>(
    lines: &[(usize, &'l str)],
    from: usize,
    at: usize,
    line: &'l str,
    cut: usize,
) -> (usize, Vec<(usize, &'l str)>) {
    const END: &str = "</TabItem>";
    let rest = line.get(cut..).unwrap_or_default();
    if let Some(before) = rest.trim_end().strip_suffix(END) {
        return (from, vec![(at, before)]);
    }
    let mut body: Vec<(usize, &str)> = Vec::new();
    if !rest.trim().is_empty() {
        body.push((at, rest));
    }
    let mut fence: Option<(u8, usize)> = None;
    let mut nested = 0usize;
    let mut next = lines.len();
    for (k, &(o, l)) in lines.iter().enumerate().skip(from) {
        let t = l.trim();
        let run = |c: u8| t.bytes().take_while(|&b| b == c).count();
        if let Some((c, n)) = fence {
            if run(c) >= n && t.bytes().all(|b| b == c) {
                fence = None;
            }
        } else if let Some(c) = [b'`', b'~'].into_iter().find(|&c| run(c) >= 3) {
            fence = Some((c, run(c)));
        } else if t == "</Tabs>" {
            if nested == 0 {
                next = k;
                break;
            }
            nested -= 1;
        } else if let Some((open, _, _)) = jsx_open(lines, k) {
            if matches!(open, JsxOpen::Tabs(_)) {
                nested += 1;
            } else if nested == 0 {
                next = k;
                break;
            }
        } else if nested == 0
            && let Some(before) = l.trim_end().strip_suffix(END)
        {
            if !before.trim().is_empty() {
                body.push((o, before));
            }
            next = k + 1;
            break;
        }
        body.push((o, l));
    }
    // The indentation all lines share (the first's when it follows the tag is not counted).
    let shared = body
        .iter()
        .filter(|&&(o, l)| o != at && !l.trim().is_empty())
        .map(|&(_, l)| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let body = body
        .into_iter()
        .map(|(o, l)| {
            if o == at {
                let cut = l.len() - l.trim_start().len();
                return (o + cut, l.get(cut..).unwrap_or_default());
            }
            let cut = (l.len() - l.trim_start_matches([' ', '\t']).len()).min(shared);
            (o + cut, l.get(cut..).unwrap_or_default())
        })
        .collect();
    (next, body)
}

/// What a Docusaurus tag opens: a set of tabs (with the labels its `values` gives, by value),
/// or a tab (with its `label` and `value`).
enum JsxOpen {
    Tabs(Vec<(String, String)>),
    Tab(Option<String>, Option<String>),
}

/// The `<Tabs …>` or `<TabItem …>` tag that starts `lines[k]` (after white space), also when it
/// runs over several lines, as Prettier writes long ones: what it opens, the index of the line
/// it ends on, and where it ends in that line.
fn jsx_open(lines: &[(usize, &str)], k: usize) -> Option<(JsxOpen, usize, usize)> {
    let &(_, line) = lines.get(k)?;
    let lead = line.len() - line.trim_start().len();
    let head = line.get(lead..)?;
    if !head.starts_with("<Tab") {
        return None;
    }
    if let Some((label, value, len)) = super::mdx::tab_item(head) {
        return Some((JsxOpen::Tab(label, value), k, lead + len));
    }
    if let Some(labels) = super::mdx::tabs_open(head.trim_end()) {
        return Some((JsxOpen::Tabs(labels), k, line.len()));
    }
    if head.contains('>') {
        return None;
    }
    let last = (k + 1..lines.len().min(k + 12))
        .find(|&j| lines.get(j).is_some_and(|l| l.1.contains('>')))?;
    let more = lines.get(k + 1..=last)?;
    let joined: String = std::iter::once(head)
        .chain(more.iter().map(|l| l.1))
        .collect();
    let tail = more.last()?.1;
    let tail_start = joined.len() - tail.len();
    if let Some((label, value, len)) = super::mdx::tab_item(&joined)
        && len > tail_start
    {
        return Some((JsxOpen::Tab(label, value), last, len - tail_start));
    }
    super::mdx::tabs_open(joined.trim_end()).map(|l| (JsxOpen::Tabs(l), last, tail.len()))
}

/// The tab a content tab line opens (`=== "Android"`, `===+ "iOS"` selected, `===! "Web"`
/// starting a new set): its label, and whether it starts a new set.
fn tab(line: &str) -> Option<(String, bool)> {
    let rest = line.strip_prefix("===")?;
    let flags = rest.find(|c| c != '+' && c != '!').unwrap_or(rest.len());
    let (flags, rest) = rest.split_at(flags);
    if flags.len() > 2 || !rest.starts_with([' ', '\t']) {
        return None;
    }
    let label = rest.trim().strip_prefix('"')?.strip_suffix('"')?;
    // Character references read as MkDocs reads them (`&quot;` is how a label holds a quote).
    Some((decode_entities(label).into_owned(), flags.contains('!')))
}

/// The admonition a line opens: `!!! kind "Title"`, `??? kind`, `???+ kind ""`.
fn admonition(line: &str) -> Option<Admonition> {
    let (rest, collapsible) = if let Some(r) = line.strip_prefix("!!!") {
        (r, None)
    } else if let Some(r) = line.strip_prefix("???+") {
        (r, Some(true))
    } else {
        (line.strip_prefix("???")?, Some(false))
    };
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let (words, title) = match rest.find('"') {
        Some(q) => {
            let quoted = rest.get(q..)?.trim_end();
            if quoted.len() < 2 || !quoted.ends_with('"') {
                return None;
            }
            (
                rest.get(..q)?,
                Some(decode_entities(quoted.get(1..quoted.len() - 1)?).into_owned()),
            )
        }
        None => (rest, None),
    };
    let mut kinds = words.split(' ').filter(|w| !w.is_empty());
    let kind = kinds.next()?;
    let word = |w: &str| {
        w.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    if !word(kind) || !kinds.all(word) || (title.is_some() && !words.ends_with(' ')) {
        return None;
    }
    Some(Admonition {
        kind: kind.to_lowercase(),
        title,
        collapsible,
    })
}

/// The box a container line opens (`:::tip`, `:::note Read first`, `:::warning[Read first]`),
/// and its run of colons (3 or more: an outer box uses more than the boxes inside it).
fn container(line: &str) -> Option<(Admonition, usize)> {
    let colons = line.bytes().take_while(|&b| b == b':').count();
    if colons < 3 {
        return None;
    }
    let rest = line.get(colons..)?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let (kind, after) = rest.split_at(end);
    if kind.is_empty() {
        return None;
    }
    let title = match after.strip_prefix('[') {
        Some(t) => Some(decode_entities(t.strip_suffix(']')?.trim()).into_owned()),
        None if after.trim().is_empty() => None,
        None if after.starts_with(' ') => Some(decode_entities(after.trim()).into_owned()),
        None => return None,
    };
    Some((
        Admonition {
            kind: kind.to_lowercase(),
            title,
            collapsible: None,
        },
        colons,
    ))
}

/// The index of the line that closes a container of `colons` colons opened before `lines[from]`:
/// a line of exactly that many colons, outside code blocks and the boxes inside it; `None` when
/// there is none (the opening line is then text).
fn container_end(lines: &[(usize, &str)], from: usize, colons: usize) -> Option<usize> {
    let mut fence: Option<(u8, usize)> = None;
    let mut inner: Vec<usize> = Vec::new();
    for (k, &(_, line)) in lines.iter().enumerate().skip(from) {
        let t = line.trim();
        let run = |c: u8| t.bytes().take_while(|&b| b == c).count();
        if let Some((c, n)) = fence {
            if run(c) >= n && t.bytes().all(|b| b == c) {
                fence = None;
            }
            continue;
        }
        if let Some(c) = [b'`', b'~'].into_iter().find(|&c| run(c) >= 3) {
            fence = Some((c, run(c)));
            continue;
        }
        let only_colons = !t.is_empty() && t.bytes().all(|b| b == b':');
        if only_colons && inner.last() == Some(&t.len()) {
            inner.pop();
        } else if only_colons && t.len() == colons {
            return Some(k);
        } else if let Some((_, n)) = container(t) {
            inner.push(n);
        }
    }
    None
}

/// The bytes of `line`'s block-quote marker (`> `: the indentation, `>` and one space or
/// tab), when the line is in a block quote whose `>` is less than 4 columns past `column`. A
/// tab after `>` leaves CommonMark at most 3 columns of indentation, never enough for code, so
/// it is taken whole with the marker (review s11: `>\t:::tip` was read as an indented line).
fn quote_prefix(line: &str, column: usize) -> Option<usize> {
    let at = dedent(line, column + 3);
    let rest = line.get(at..)?.strip_prefix('>')?;
    Some(at + 1 + usize::from(rest.starts_with([' ', '\t'])))
}

/// The block quote whose first line is `lines[from]`, `column` columns in: `Ok` with the index
/// of the line after it when it holds a box or tabs, else `Err` with that index. A line that
/// continues a quote's paragraph without its `>` ends it here (the quote after it is another).
fn quote_with_boxes(lines: &[(usize, &str)], from: usize, column: usize) -> Result<usize, usize> {
    let mut end = from;
    let mut boxes = false;
    while let Some(&(_, line)) = lines.get(end) {
        let Some(cut) = quote_prefix(line, column) else {
            break;
        };
        // In this quote or one inside it.
        let t = line
            .get(cut..)
            .unwrap_or_default()
            .trim_start_matches([' ', '\t', '>']);
        boxes |= [":::", "!!!", "???", "===", "<Tab", "</Tab"]
            .iter()
            .any(|m| t.starts_with(m));
        end += 1;
    }
    if boxes { Ok(end) } else { Err(end) }
}

/// The columns of leading white space of `line` (a tab counts 4).
fn indent(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

/// How many bytes of `line`'s indentation `columns` columns take (a tab reaching the next
/// multiple of 4 is taken whole): four spaces, or a tab, for one level of an admonition body.
fn dedent(line: &str, columns: usize) -> usize {
    let mut n = 0;
    for (i, c) in line.char_indices() {
        if n >= columns {
            return i;
        }
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => return i,
        }
    }
    line.len()
}

/// Where a box or a tab starts in its block: at the start of a line (both 0), or indented
/// `column` columns into the text of a list item that starts at column `text` (where its
/// markers and its body go, so that they stay in the item and are not indented code).
#[derive(Debug, Clone, Copy, Default)]
struct Lead {
    column: usize,
    text: usize,
}

/// The list items open around the lines of a block, read as CommonMark reads them, so that a
/// box or a tab indented into an item's text is told from indented code.
#[derive(Default)]
struct Items {
    /// The column each open item's text starts at, the innermost last.
    columns: Vec<usize>,
    /// Whether the line before was blank.
    blank_before: bool,
    /// A fenced code block open in an item's text, indented too far for the block's own
    /// fences (four columns or more): its character and length.
    fence: Option<(u8, usize)>,
}

impl Items {
    /// Read the next line outside the block's code; whether it is code in an item's text.
    fn read(&mut self, line: &str) -> bool {
        let t = line.trim();
        let run = |c: u8| t.bytes().take_while(|&b| b == c).count();
        if let Some((c, n)) = self.fence {
            if run(c) >= n && t.bytes().all(|b| b == c) {
                self.fence = None;
            }
            return true;
        }
        if t.is_empty() {
            self.blank_before = true;
            return false;
        }
        let column = indent(line);
        let item = list_item(line);
        // Text less indented than an item's ends it after a blank line or as a new item
        // (without one it is a lazy continuation of the item's paragraph).
        while self
            .columns
            .last()
            .is_some_and(|&c| column < c && (self.blank_before || item.is_some()))
        {
            self.columns.pop();
        }
        self.blank_before = false;
        let base = self.columns.last().copied().unwrap_or(0);
        match item {
            Some(text) if column < base + 4 => self.columns.push(text),
            _ if column >= 4 && self.in_text(column).is_some() => {
                if let Some(c) = [b'`', b'~'].into_iter().find(|&c| run(c) >= 3) {
                    self.fence = Some((c, run(c)));
                    return true;
                }
            }
            _ => {}
        }
        false
    }

    /// When a line indented `column` columns is in the text of the innermost open item (not
    /// indented code there): the column that text starts at.
    fn in_text(&self, column: usize) -> Option<usize> {
        self.columns
            .last()
            .copied()
            .filter(|&c| c <= column && column < c + 4)
    }
}

/// The column where the text of the list item `line` opens starts (`- `, `* `, `+ `, `1. `,
/// `1) `), if it opens one.
fn list_item(line: &str) -> Option<usize> {
    let column = indent(line);
    let rest = line.trim_start_matches([' ', '\t']);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match rest.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return None,
    };
    let after = rest.get(marker..)?;
    let text = after.trim_start_matches([' ', '\t']);
    if text.len() == after.len() && !after.trim().is_empty() {
        return None;
    }
    let spaces = indent(after);
    // An empty item, or one whose text is indented code, starts its text one space in.
    let gap = if text.trim().is_empty() || spaces > 4 {
        1
    } else {
        spaces
    };
    Some(column + marker + gap)
}

/// `line` with an attribute list (`{: .class}`, `{#id}`, `{: key="v"}`) at its end replaced by
/// spaces, unless the line is in (or opens or closes) a fenced code block or is indented code;
/// and the list's `#id`, if it has one.
fn blank_attribute_list<'l>(
    line: &'l str,
    fence: &mut Option<(u8, usize)>,
) -> (Cow<'l, str>, Option<&'l str>) {
    let content = line.trim_end();
    let lead = indent(content);
    let trimmed = content.trim_start();
    let run = |c: u8| trimmed.bytes().take_while(|b| *b == c).count();
    if let Some((c, n)) = *fence {
        if lead < 4 && run(c) >= n && trimmed.bytes().all(|b| b == c) {
            *fence = None;
        }
        return (Cow::Borrowed(line), None);
    }
    for c in [b'`', b'~'] {
        if lead < 4 && run(c) >= 3 {
            *fence = Some((c, run(c)));
            return (Cow::Borrowed(line), None);
        }
    }
    if lead >= 4 || !content.ends_with('}') {
        return (Cow::Borrowed(line), None);
    }
    let Some(open) = content.rfind('{') else {
        return (Cow::Borrowed(line), None);
    };
    let before = content.get(..open).unwrap_or_default();
    let starts_block = before.trim_start_matches([' ', '>']).is_empty();
    if !(starts_block || before.ends_with([' ', '\t'])) {
        return (Cow::Borrowed(line), None);
    }
    let inner = content.get(open + 1..content.len() - 1).unwrap_or_default();
    // ASCII only, so the blanks take the place of whole characters.
    let Some(id) = inner.is_ascii().then(|| attribute_list(inner)).flatten() else {
        return (Cow::Borrowed(line), None);
    };
    let mut out = String::with_capacity(line.len());
    out.push_str(before);
    out.extend(std::iter::repeat_n(' ', content.len() - open));
    out.push_str(line.get(content.len()..).unwrap_or_default());
    (Cow::Owned(out), id)
}

/// `text` with each attribute list written right after an inline element (a link, an image,
/// emphasis, a code span: `![x](a.svg){: width="200" }`, `**Save**{: .highlight }`) replaced
/// by spaces, as attribute lists at the end of a line are. Only what pulldown-cmark reads as
/// text right after such an element's end can be one, so code and prose braces
/// (`{customer_name}`) stay.
fn blank_inline_attribute_lists(text: &mut Cow<'_, str>) {
    // Most bodies have no `{` right after the end of an inline element: no second parse.
    let bytes = text.as_bytes();
    let maybe = memchr::memchr_iter(b'{', bytes).any(|i| {
        i > 0
            && matches!(
                bytes.get(i - 1),
                Some(b')' | b']' | b'*' | b'_' | b'`' | b'~')
            )
    });
    if !maybe {
        return;
    }
    let mut ranges = Vec::new();
    let mut element_end = None;
    for (event, range) in
        pulldown_cmark::Parser::new_ext(text, super::markdown::options()).into_offset_iter()
    {
        use pulldown_cmark::{Event, TagEnd};
        match event {
            Event::Text(_) if element_end == Some(range.start) => {
                if let Some(len) = text.get(range.start..).and_then(inline_attribute_list) {
                    ranges.push(range.start..range.start + len);
                }
            }
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            )
            | Event::Code(_) => {
                element_end = Some(range.end);
                continue;
            }
            _ => {}
        }
        element_end = None;
    }
    if ranges.is_empty() {
        return;
    }
    let mut blanked = std::mem::take(text).into_owned().into_bytes();
    for range in ranges {
        if let Some(b) = blanked.get_mut(range) {
            b.fill(b' ');
        }
    }
    // Only ASCII bytes (the list's) became spaces: the text is still UTF-8.
    *text = Cow::Owned(String::from_utf8_lossy(&blanked).into_owned());
}

/// The length of the attribute list `rest` starts with (`{: .x }`), if it starts with one on
/// its line.
fn inline_attribute_list(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('{')?;
    let close = inner.find(['}', '\n', '\r', '`', '<'])?;
    if inner.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let inner = inner.get(..close)?;
    (inner.is_ascii() && attribute_list(inner).is_some()).then_some(close + 2)
}

/// When `inner` (between the braces) is an attribute list (an optional `:`, then one or more
/// `#id`, `.class` or `key=value` items): its id (the last `#id`, as MkDocs and kramdown take
/// it), if any.
fn attribute_list(inner: &str) -> Option<Option<&str>> {
    let inner = inner.strip_prefix(':').unwrap_or(inner).trim();
    if inner.is_empty() || inner.contains(['{', '}']) {
        return None;
    }
    let name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':'))
    };
    let mut id = None;
    let mut rest = inner;
    while !rest.is_empty() {
        let item_end = if let Some((key, value)) = rest.split_once('=') {
            if !key.contains(' ') && name(key) {
                let value_len = match value.chars().next() {
                    Some(q @ ('"' | '\'')) => match value.get(1..).and_then(|v| v.find(q)) {
                        Some(close) => close + 2,
                        None => return None,
                    },
                    _ => value.find(' ').unwrap_or(value.len()),
                };
                key.len() + 1 + value_len
            } else {
                rest.find(' ').unwrap_or(rest.len())
            }
        } else {
            rest.find(' ').unwrap_or(rest.len())
        };
        let item = rest.get(..item_end).unwrap_or(rest);
        let ok = match item.as_bytes().first() {
            Some(b'#') => {
                let value = item.get(1..).unwrap_or_default();
                id = Some(value);
                name(value)
            }
            Some(b'.') => name(item.get(1..).unwrap_or_default()),
            _ => item.contains('='),
        };
        if !ok {
            return None;
        }
        rest = rest.get(item_end..).unwrap_or_default().trim_start();
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admonition_lines_are_read_as_mkdocs_does() {
        let a = |l: &str| admonition(l).map(|a| (a.kind, a.title, a.collapsible));
        assert_eq!(
            a("!!! note \"Read first\""),
            Some(("note".into(), Some("Read first".into()), None))
        );
        assert_eq!(a("!!! warning"), Some(("warning".into(), None, None)));
        assert_eq!(
            a("!!! tip \"\""),
            Some(("tip".into(), Some(String::new()), None))
        );
        assert_eq!(a("??? info"), Some(("info".into(), None, Some(false))));
        assert_eq!(
            a("???+ danger highlight \"Stop\""),
            Some(("danger".into(), Some("Stop".into()), Some(true)))
        );
        assert_eq!(
            a("!!! warning \"Don&#39;t refund &lt;twice&gt;\""),
            Some(("warning".into(), Some("Don't refund <twice>".into()), None))
        );
        assert_eq!(a("!!! Danger!"), None);
        assert_eq!(a("!!!"), None);
        assert_eq!(a("!!! note\"x\""), None);
        assert_eq!(a("???"), None);
    }

    #[test]
    fn containers_are_read_as_docusaurus_writes_them() {
        let c = |l: &str| container(l).map(|(a, n)| (a.kind, a.title, n));
        assert_eq!(c(":::tip"), Some(("tip".into(), None, 3)));
        assert_eq!(
            c(":::note Read first"),
            Some(("note".into(), Some("Read first".into()), 3))
        );
        assert_eq!(
            c("::::warning[Stop here]"),
            Some(("warning".into(), Some("Stop here".into()), 4))
        );
        assert_eq!(
            c(":::tip[Fish &amp; chips]"),
            Some(("tip".into(), Some("Fish & chips".into()), 3))
        );
        assert_eq!(c(":::"), None);
        assert_eq!(c("::tip"), None);
        assert_eq!(c(":::tip!"), None);
        let p = prepare(":::tip Quick\nOne *step*.\n:::\n\nAfter.\n");
        let open = p.text.find(OPEN).expect("opened");
        assert!(matches!(p.marker_at(open), Some(Marker::Open(a)) if a.kind == "tip"));
        assert!(p.text.contains(CLOSE), "{}", p.text);
        assert!(p.text.contains("One *step*."), "{}", p.text);
        assert!(!p.text.contains(":::"), "{}", p.text);
        // Unclosed, or closed only inside a code block: text, as Docusaurus leaves it.
        for md in [":::tip\nNo end.\n", ":::tip\n```\n:::\n```\n"] {
            assert!(!prepare(md).text.contains(OPEN), "{md}");
        }
        // A box inside a box of more colons.
        let p = prepare("::::note\n:::tip\nIn.\n:::\n::::\n");
        assert_eq!(p.text.matches(OPEN).count(), 2, "{}", p.text);
        assert_eq!(p.text.matches(CLOSE).count(), 2, "{}", p.text);
    }

    /// The markers of `p`, in order, as short words: `tabs`, `tab:Label`, `box`, `end`.
    fn markers(p: &Prepared<'_>) -> Vec<String> {
        p.markers
            .iter()
            .map(|(_, m)| match m {
                Marker::Open(_) => "box".to_string(),
                Marker::Tabs => "tabs".to_string(),
                Marker::Tab(label) => format!("tab:{label}"),
                Marker::Close => "end".to_string(),
            })
            .collect()
    }

    #[test]
    fn mkdocs_tabs_are_sets_of_labelled_panels() {
        assert_eq!(tab("=== \"Android\""), Some(("Android".into(), false)));
        // Character references are read: `&quot;` is how a label holds a quote.
        assert_eq!(
            tab("=== \"Say &quot;hi&quot; &amp; go\""),
            Some(("Say \"hi\" & go".into(), false))
        );
        assert_eq!(tab("===+ \"iOS\""), Some(("iOS".into(), false)));
        assert_eq!(tab("===! \"Web\""), Some(("Web".into(), true)));
        assert_eq!(tab("==="), None, "a heading's underline");
        assert_eq!(tab("===\"x\""), None);
        assert_eq!(tab("=== Android"), None);
        let md = "=== \"Android\"\n\n    Tap **Settings**.\n\n===+ \"iOS\"\n    - [Profile](a.md)\n\n===! \"Web\"\n    Use it.\n\nAfter.\n";
        let p = prepare(md);
        assert_eq!(
            markers(&p),
            [
                "tabs",
                "tab:Android",
                "end",
                "tab:iOS",
                "end",
                "end",
                "tabs",
                "tab:Web",
                "end",
                "end"
            ]
        );
        assert!(p.text.contains("\nTap **Settings**.\n"), "{}", p.text);
        assert!(p.text.contains("\n- [Profile](a.md)\n"), "{}", p.text);
        assert!(!p.text.contains("==="), "{}", p.text);
        let at = p.text.find("[Profile]").unwrap();
        assert_eq!(&md[p.original(at)..p.original(at) + 9], "[Profile]");
        assert!(
            p.text.ends_with("<!-- /sop:box -->\n\nAfter.\n"),
            "{}",
            p.text
        );
        // Nested in a tab: an admonition, and another set of tabs.
        let p = prepare("=== \"A\"\n    !!! note\n        In.\n\n    === \"B\"\n        Deep.\n");
        assert_eq!(
            markers(&p),
            [
                "tabs", "tab:A", "box", "end", "tabs", "tab:B", "end", "end", "end", "end"
            ]
        );
    }

    #[test]
    fn tabs_and_boxes_in_a_list_item_stay_in_it() {
        // Four spaces (Python-Markdown's list indent) and three (CommonMark's, after `1. `).
        for pad in ["    ", "   "] {
            let md = format!(
                "1. Open the app.\n\n{pad}=== \"Android\"\n\n{pad}    Tap **Settings**.\n\n{pad}===+ \"iOS\"\n\n{pad}    Tap [Profile](a.md).\n\n{pad}!!! warning\n{pad}    Stop.\n\n2. Next step.\n"
            );
            let p = prepare(&md);
            assert_eq!(
                markers(&p),
                [
                    "tabs",
                    "tab:Android",
                    "end",
                    "tab:iOS",
                    "end",
                    "end",
                    "box",
                    "end"
                ],
                "{}",
                p.text
            );
            // The bodies and the markers start where the item's text does (after `1. `): in
            // the item, and no deeper (a space more would be text before a marker).
            let text = "   ";
            assert!(
                p.text.contains(&format!("\n{text}Tap **Settings**.\n")),
                "{}",
                p.text
            );
            assert!(p.text.contains(&format!("\n{text}Stop.\n")), "{}", p.text);
            for &(at, _) in &p.markers {
                let line = p.text[..at].rfind('\n').map_or(0, |i| i + 1);
                assert_eq!(&p.text[line..at], text, "{}", p.text);
            }
            // Each marker is an HTML block of the item, found by where the parser starts it,
            // with no text before it.
            let parser =
                pulldown_cmark::Parser::new_ext(&p.text, super::super::markdown::options());
            let mut html = 0;
            for (event, range) in parser.into_offset_iter() {
                match event {
                    pulldown_cmark::Event::Html(_) => {
                        assert!(p.marker_at(range.start).is_some(), "{}", p.text);
                        html += 1;
                    }
                    pulldown_cmark::Event::Text(t) => assert!(!t.trim().is_empty(), "{}", p.text),
                    pulldown_cmark::Event::End(pulldown_cmark::TagEnd::List(_)) => {
                        // One list, holding every marker: step 2 stays in it.
                        assert_eq!(html, p.markers.len(), "{}", p.text);
                    }
                    _ => {}
                }
            }
            assert_eq!(html, p.markers.len());
            assert!(!p.text.contains("==="), "{}", p.text);
            assert!(p.text.ends_with("\n\n2. Next step.\n"), "{}", p.text);
            let at = p.text.find("[Profile]").unwrap();
            assert_eq!(&md[p.original(at)..p.original(at) + 9], "[Profile]");
            let at = p.text.find("Stop.").unwrap();
            assert_eq!(p.original(at), md.find("Stop.").unwrap());
        }
        // A bullet, a set in a nested item, and a set right after the item's text.
        let p = prepare("- One.\n    - Two.\n\n        === \"A\"\n            a\n\n- Three.\n");
        assert_eq!(markers(&p), ["tabs", "tab:A", "end", "end"], "{}", p.text);
        assert!(p.text.contains("\n      a\n"), "{}", p.text);
        // Indented code is code: outside a list, after one, in a fence in an item, or indented
        // past the item's text.
        for md in [
            "Text.\n\n    === \"A\"\n        a\n",
            "- Item.\n\nText.\n\n    === \"A\"\n        a\n",
            "1. Step.\n\n    ```\n    === \"A\"\n        a\n    !!! note\n    ```\n",
            "- Step.\n\n      === \"A\"\n          a\n",
            "  === \"A\"\n      a\n",
        ] {
            let p = prepare(md);
            assert!(markers(&p).is_empty(), "{md}");
            assert_eq!(p.text, md);
        }
    }

    /// Whether every marker of `p` is an HTML block with no text before it on its line, and all
    /// are inside one list that holds the whole text (numbering kept).
    fn all_in_one_list(p: &Prepared<'_>) -> bool {
        let parser = pulldown_cmark::Parser::new_ext(&p.text, super::super::markdown::options());
        let (mut html, mut depth, mut lists, mut outside) = (0, 0usize, 0, false);
        for (event, range) in parser.into_offset_iter() {
            use pulldown_cmark::{Event, Tag, TagEnd};
            match event {
                Event::Html(_) if p.marker_at(range.start).is_some() => {
                    html += 1;
                    outside |= depth == 0;
                }
                Event::Start(Tag::List(_)) => {
                    lists += usize::from(depth == 0);
                    depth += 1;
                }
                Event::End(TagEnd::List(_)) => depth -= 1,
                _ => {}
            }
        }
        html == p.markers.len() && lists == 1 && !outside
    }

    /// Field test s11: `> :::tip` … `> :::` showed its colons as quoted text, though
    /// Docusaurus shows a box in the quote (and MkDocs one for `> !!! note`).
    #[test]
    fn boxes_in_a_block_quote_stay_in_the_quote() {
        let md =
            "> :::tip Check first\n> Look at [the ledger](a.md).\n>\n> - One.\n> :::\n\nAfter.\n";
        let p = prepare(md);
        assert_eq!(markers(&p), ["box", "end"], "{}", p.text);
        assert!(!p.text.contains(":::"), "{}", p.text);
        assert!(
            p.text.starts_with(
                ">\n> <!-- sop:box -->\n>\n> Look at [the ledger](a.md).\n>\n> - One.\n"
            ),
            "{}",
            p.text
        );
        let at = p.text.find("[the ledger]").unwrap();
        assert_eq!(p.original(at), md.find("[the ledger]").unwrap());
        // After quoted text, in a quote in a quote, in a step, and MkDocs's own.
        let md = "> Text.\n>\n> :::note\n> In.\n> :::\n\n> > :::danger[Deep]\n> > Down [x](b.md).\n> > :::\n\n1. Step.\n\n   > :::info\n   > Item.\n   > :::\n\n2. Next.\n\n> !!! warning \"Stop\"\n>     Body.\n";
        let p = prepare(md);
        assert_eq!(
            markers(&p),
            ["box", "end", "box", "end", "box", "end", "box", "end"],
            "{}",
            p.text
        );
        assert!(
            !p.text.contains(":::") && !p.text.contains("!!!"),
            "{}",
            p.text
        );
        let at = p.text.find("[x]").unwrap();
        assert_eq!(p.original(at), md.find("[x]").unwrap());
        assert!(p.text.contains("\n   > Item.\n"), "{}", p.text);
        // Without its closing line in the quote, the line is text, as Docusaurus shows it.
        let md = "> :::tip\n> Never closed.\n\n:::\n";
        assert!(
            prepare(md).text.contains("> :::tip"),
            "{}",
            prepare(md).text
        );
        // A tab after `>` is the marker's space: the box is still a box.
        let md = ">\t:::tip Tabbed\n>\tBody [y](c.md).\n>\t:::\n";
        let p = prepare(md);
        assert_eq!(markers(&p), ["box", "end"], "{}", p.text);
        let at = p.text.find("[y]").unwrap();
        assert_eq!(p.original(at), md.find("[y]").unwrap());
        // A quote without boxes is left as written.
        let md = "> Quoted.\n> More.\n\n:::tip\nBox.\n:::\n";
        assert!(prepare(md).text.starts_with("> Quoted.\n> More.\n"));
    }

    /// `<Tabs>` in a block quote were tabs only when the file had another box: alone, they
    /// are tabs in the quote too.
    #[test]
    fn tabs_alone_in_a_block_quote_are_tabs_in_the_quote() {
        let tabs = "> <Tabs>\n> <TabItem value=\"a\" label=\"A\">\n>\n> Press [x](a.md).\n>\n> </TabItem>\n> </Tabs>\n";
        let alone = prepare(tabs);
        let both = format!("{tabs}\n:::tip\nBox.\n:::\n");
        let with_box = prepare(&both);
        assert_eq!(
            markers(&alone),
            ["tabs", "tab:A", "end", "end"],
            "{}",
            alone.text
        );
        assert_eq!(
            markers(&with_box),
            ["tabs", "tab:A", "end", "end", "box", "end"]
        );
        assert!(
            with_box.text.starts_with(alone.text.as_ref()),
            "{}\n---\n{}",
            alone.text,
            with_box.text
        );
        assert!(!alone.text.contains("<Tab"), "{}", alone.text);
        let at = alone.text.find("[x]").unwrap();
        assert_eq!(alone.original(at), tabs.find("[x]").unwrap());
    }

    #[test]
    fn docusaurus_boxes_and_tabs_in_a_list_item_stay_in_it() {
        // A box in a numbered step and in a bullet, titled both ways, as Docusaurus's own
        // test page writes them.
        let md = "1. Open the case.\n\n   :::info Important Considerations\n\n   Check [the form](a.md).\n\n   :::\n\n2. Refund.\n\n   :::warning[Stop]\n   - Never twice.\n   - Never *late*.\n   :::\n\n3. Close it.\n";
        let p = prepare(md);
        assert_eq!(markers(&p), ["box", "end", "box", "end"], "{}", p.text);
        assert!(all_in_one_list(&p), "{}", p.text);
        assert!(!p.text.contains(":::"), "{}", p.text);
        assert!(
            p.text.contains("\n   Check [the form](a.md).\n"),
            "{}",
            p.text
        );
        assert!(p.text.contains("\n   - Never twice.\n"), "{}", p.text);
        let at = p.text.find("[the form]").unwrap();
        assert_eq!(p.original(at), md.find("[the form]").unwrap());
        let titles: Vec<_> = p
            .markers
            .iter()
            .filter_map(|(_, m)| match m {
                Marker::Open(a) => a.title.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(titles, ["Important Considerations", "Stop"]);
        // Tabs in a step, a box inside a tab, a box in a step of a nested list.
        let md = "1. Install it.\n\n   <Tabs>\n     <TabItem value=\"npm\" label=\"npm\">\n\n     :::tip[Fast]\n     Run [it](b.md).\n     :::\n\n     </TabItem>\n     <TabItem value=\"yarn\">\n\n     Yarn.\n\n     </TabItem>\n   </Tabs>\n\n2. Check:\n   - The log.\n\n     :::note\n     Empty.\n     :::\n\n3. Done.\n";
        let p = prepare(md);
        assert_eq!(
            markers(&p),
            [
                "tabs", "tab:npm", "box", "end", "end", "tab:yarn", "end", "end", "box", "end"
            ],
            "{}",
            p.text
        );
        assert!(all_in_one_list(&p), "{}", p.text);
        assert!(
            !p.text.contains(":::") && !p.text.contains("<Tab"),
            "{}",
            p.text
        );
        let at = p.text.find("[it]").unwrap();
        assert_eq!(p.original(at), md.find("[it]").unwrap());
        assert!(p.text.contains("\n     Empty.\n"), "{}", p.text);
        // Past the item's text it is indented code, as before.
        let md = "1. Step.\n\n       :::tip\n       Code.\n       :::\n";
        assert_eq!(prepare(md).text, md);
    }

    #[test]
    fn docusaurus_tabs_are_sets_of_labelled_panels() {
        let md = "<Tabs>\r\n  <TabItem value=\"web\" label=\"Web console\" default>\r\n\r\n    1. Open [it](a.md).\r\n\r\n  </TabItem>\r\n  <TabItem value=\"cli\">\r\n\r\n```bash\r\n  </TabItem>\r\n```\r\n\r\n  </TabItem>\r\n  <TabItem value=\"x\">One line.</TabItem>\r\n</Tabs>\r\nAfter.\r\n";
        let p = prepare(md);
        assert_eq!(
            markers(&p),
            [
                "tabs",
                "tab:Web console",
                "end",
                "tab:cli",
                "end",
                "tab:x",
                "end",
                "end"
            ]
        );
        // The shared indentation goes (MDX has no indented code); a closing tag in a code
        // block closes nothing.
        assert!(p.text.contains("\n1. Open [it](a.md).\r\n"), "{:?}", p.text);
        assert!(
            p.text.contains("```bash\r\n  </TabItem>\r\n```"),
            "{:?}",
            p.text
        );
        assert!(p.text.contains("\nOne line."), "{:?}", p.text);
        assert!(!p.text.contains("<Tab"), "{:?}", p.text);
        assert!(p.text.ends_with("\nAfter.\r\n"), "{:?}", p.text);
        let at = p.text.find("[it]").unwrap();
        assert_eq!(&md[p.original(at)..p.original(at) + 4], "[it]");
        // Tags over several lines, as Prettier writes long ones.
        let md = "<Tabs\n  groupId=\"os\"\n  queryString>\n  <TabItem\n    value=\"win\"\n    label=\"Windows\">\n\n    Press [Start](a.md).\n\n  </TabItem>\n</Tabs>\n";
        let p = prepare(md);
        assert_eq!(markers(&p), ["tabs", "tab:Windows", "end", "end"]);
        assert!(
            !p.text.contains("groupId") && !p.text.contains("value="),
            "{}",
            p.text
        );
        assert!(p.text.contains("\nPress [Start](a.md).\n"), "{}", p.text);
        let at = p.text.find("[Start]").unwrap();
        assert_eq!(&md[p.original(at)..p.original(at) + 7], "[Start]");
        // Labels from the set's `values`, as older pages give them.
        let p = prepare(
            "<Tabs values={[\n  {label: 'Apple', value: 'a'},\n]}>\n<TabItem value=\"a\">\n\nA.\n\n</TabItem>\n<TabItem value=\"b\">B.</TabItem>\n</Tabs>\n",
        );
        assert_eq!(
            markers(&p),
            ["tabs", "tab:Apple", "end", "tab:b", "end", "end"]
        );
        // Tabs inside a tab.
        let p = prepare(
            "<Tabs>\n<TabItem value=\"a\">\n<Tabs>\n<TabItem value=\"b\">\n\nB.\n\n</TabItem>\n</Tabs>\n</TabItem>\n</Tabs>\n",
        );
        assert_eq!(
            markers(&p),
            ["tabs", "tab:a", "tabs", "tab:b", "end", "end", "end", "end"]
        );
        // Unclosed: the tab ends at the next one, the set with the text; nothing is lost.
        let p = prepare("<Tabs>\n<TabItem value=\"a\">\n\nA.\n\n<TabItem value=\"b\">\n\nB.\n");
        assert_eq!(markers(&p), ["tabs", "tab:a", "end", "tab:b", "end", "end"]);
        assert!(p.text.contains("A.") && p.text.contains("B."), "{}", p.text);
        // In a code block, tabs are code.
        for md in [
            "```\n<Tabs>\n<TabItem value=\"a\">\n</TabItem>\n</Tabs>\n```\n",
            "~~~\n=== \"A\"\n    a\n~~~\n",
        ] {
            let p = prepare(md);
            assert!(markers(&p).is_empty(), "{md}");
            assert_eq!(p.text, md);
        }
    }

    #[test]
    fn mdx_that_is_not_content_is_blanked_and_mapped_back() {
        let md = "!!! note\n    Box.\n\nimport X from 'x';\n\n{/* TODO later */}\nText.\n";
        let p = prepare(md);
        assert!(
            !p.text.contains("import") && !p.text.contains("TODO"),
            "{}",
            p.text
        );
        let hidden: Vec<&str> = p.hidden().iter().map(|r| &md[r.clone()]).collect();
        assert_eq!(hidden, ["import X from 'x';", "{/* TODO later */}"]);
        let plain = prepare("Import the file from the drive.\n");
        assert!(matches!(plain.text, Cow::Borrowed(_)) && plain.hidden().is_empty());
    }

    #[test]
    fn attribute_lists_are_blanked_and_nothing_else() {
        let mut fence = None;
        let mut b = |l: &str| blank_attribute_list(l, &mut fence).0.into_owned();
        let blanked = |line: &str, kept: &str| {
            let rest = line.len() - kept.len() - usize::from(line.ends_with('\n'));
            format!(
                "{kept}{}{}",
                " ".repeat(rest),
                if line.ends_with('\n') { "\n" } else { "" }
            )
        };
        let l = "## Purpose {#purpose}\n";
        assert_eq!(b(l), blanked(l, "## Purpose "));
        let l = "{: .note }\n";
        assert_eq!(b(l), blanked(l, ""));
        let l = "Text. {: #x .y data-z=\"a b\"}";
        assert_eq!(b(l), blanked(l, "Text. "));
        let l = "> {: .quoted}\n";
        assert_eq!(b(l), blanked(l, "> "));
        assert_eq!(b("Pay {amount} now {x}\n"), "Pay {amount} now {x}\n");
        assert_eq!(b("a{: .x}\n"), "a{: .x}\n");
        assert_eq!(b("```\n"), "```\n");
        assert_eq!(b("{: .kept-in-code}\n"), "{: .kept-in-code}\n");
        assert_eq!(b("```\n"), "```\n");
        assert_eq!(b("    code {: .x}\n"), "    code {: .x}\n");
    }

    #[test]
    fn explicit_ids_are_kept_by_line() {
        let md = "## Step two {#step2}\n\nText {: #para .x }\n\n## Pay {amount}\n\n!!! note\n    ## In a box {: #boxed }\n";
        let p = prepare(md);
        let ids: Vec<&str> = p.ids().collect();
        assert_eq!(ids, ["step2", "para", "boxed"]);
        assert_eq!(p.id_at(0), Some("step2"));
        assert_eq!(p.id_at(3), Some("step2"));
        assert_eq!(p.id_at(p.text.find("Pay").unwrap()), None);
        assert_eq!(p.id_at(p.text.find("In a box").unwrap()), Some("boxed"));
    }

    #[test]
    fn inline_attribute_lists_are_blanked_and_nothing_else() {
        let blank = |md: &str| prepare(md).text.into_owned();
        for (md, kept) in [
            ("![x](a.svg){: width=\"200\" }\n", "![x](a.svg)"),
            ("![x](a.svg){ width=\"300\" }\n", "![x](a.svg)"),
            ("Click **Save**{: .hl } now\n", "Click **Save**"),
            ("A [link][ref]{#l} b\n\n[ref]: x.md\n", "A [link][ref]"),
            ("`code`{: .c} and _em_{.e}\n", "`code`"),
        ] {
            let got = blank(md);
            assert_eq!(got.len(), md.len());
            assert!(got.starts_with(kept), "{got:?}");
            assert!(!got.contains('{'), "{got:?}");
        }
        for md in [
            "Dear {customer_name}, pay {amount}.\n",
            "Use `**x**{: .y}` as written.\n",
            "```\n**x**{: .y}\n```\n",
            "    **x**{: .y}\n",
            "**x**{not a list} and **y**{: .z\n}\n",
            "*a*{: .ü}\n",
        ] {
            assert_eq!(blank(md), md);
        }
    }

    #[test]
    fn bodies_are_unindented_and_offsets_map_back() {
        let md = "Intro.\n\n!!! warning \"Careful\"\n    Do **not** skip.\n\n    - [link](a.md)\n\nAfter.\n";
        let p = prepare(md);
        assert_eq!(
            p.text,
            "Intro.\n\n\n<!-- sop:box -->\n\nDo **not** skip.\n\n- [link](a.md)\n\n<!-- /sop:box -->\n\n\nAfter.\n"
        );
        let at = p.text.find("[link]").unwrap();
        assert_eq!(&md[p.original(at)..p.original(at) + 6], "[link]");
        let after = p.text.find("After").unwrap();
        assert_eq!(p.original(after), md.find("After").unwrap());
        let open = p.text.find("<!-- sop").unwrap();
        assert!(matches!(p.marker_at(open), Some(Marker::Open(a)) if a.kind == "warning"));
        assert_eq!(
            p.marker_at(p.text.find("<!-- /sop").unwrap()),
            Some(&Marker::Close)
        );
        assert_eq!(p.marker_at(0), None);
    }

    #[test]
    fn nested_admonitions_and_open_fences_close_inside_their_box() {
        let md =
            "!!! note\n    Outer.\n\n    ??? tip\n        Inner.\n\n    ```\n    code\nNext.\n";
        let p = prepare(md);
        let opens = p.text.matches("<!-- sop:box -->").count();
        let closes = p.text.matches("<!-- /sop:box -->").count();
        assert_eq!((opens, closes), (2, 2), "{}", p.text);
        let close = p.text.find("<!-- /sop:box -->").unwrap();
        assert!(p.text[..close].contains("Inner.\n"));
        assert!(p.text[..close].ends_with("```\n\n") || p.text.contains("code\n```\n"));
        assert!(p.text.ends_with("Next.\n"));
    }

    #[test]
    fn every_offset_maps_to_a_character_boundary_of_the_original() {
        for md in [
            "!!! note\r\n    Body é.\r\n\r\n    {: .x}\r\nAfter\r\n",
            "!!! note \"é\"\n\tTabbed {: #é}\n\t\tcode\n",
            "???+ a\n!!! b\n    x",
            "!!! note\n    ~~~\n    open fence",
            "=== \"é\"\r\n\tTabbé {: #é}\r\n===! \"ü\"\n    ```\n    open",
            "<Tabs>\n  <TabItem value=\"é\">é</TabItem>\n  <TabItem label=\"ü\">\n    ü\n</Tabs",
            "import É from 'é';\n\n{/* é */}\n<Details>é</Details>\n<TabItem>",
        ] {
            let p = prepare(md);
            for at in (0..=p.text.len()).filter(|&at| p.text.is_char_boundary(at)) {
                let o = p.original(at);
                assert!(
                    o <= md.len() && md.is_char_boundary(o),
                    "{md:?} {at} -> {o}"
                );
            }
            let outline = crate::repo::markdown::outline(md, crate::repo::Span::new(0, md.len()));
            assert!(outline.headings.iter().all(|h| h.span.end <= md.len()));
        }
    }

    #[test]
    fn syntax_is_found_at_line_starts_and_plain_text_is_not_looked_at() {
        for (md, expected) in [
            (
                "## Purpose\n\nPress <Enter>. Imports are checked. a {b}\n",
                (false, false),
            ),
            ("x\n!!! note\n", (true, false)),
            ("x\n=== \"A\"\n", (true, false)),
            ("1. x\n\n    !!! note\n", (true, false)),
            ("1. x\n\n   === \"A\"\n", (true, false)),
            ("Stop!!! Now??? a === b::: c\n", (false, false)),
            (":::tip\n", (true, false)),
            ("> :::tip\n", (true, false)),
            ("> > !!! note\n", (true, false)),
            ("> <Tabs>\n", (true, false)),
            ("> > === \"A\"\n", (true, false)),
            ("a > <Tabs>\n", (false, false)),
            ("a > :::tip\n", (false, false)),
            ("1. x\n\n   :::tip[Read]\n", (true, false)),
            ("x\n  <TabItem value=\"a\">\n", (true, true)),
            ("x\n</Tabs>\n", (true, true)),
            ("x\n  <Details>\n", (false, true)),
            ("import X from 'x'\n", (false, true)),
            ("a\r\nexport const x = 1;\r\n", (false, true)),
            ("Text {/* note */}.\n", (false, true)),
            ("<Say who.>\n", (false, true)),
            ("<details>\n", (false, false)),
        ] {
            assert_eq!(syntax(md), expected, "{md}");
        }
    }

    #[test]
    fn text_without_mkdocs_syntax_is_borrowed() {
        let p = prepare("## Purpose\n\nWhy.\n");
        assert!(matches!(p.text, Cow::Borrowed(_)));
        assert_eq!(p.original(5), 5);
    }
}
