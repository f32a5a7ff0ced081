//! The outline of an SOP's Markdown body: headings, sections, links and images, each with its
//! byte span in the file.
//!
//! pulldown-cmark is read here once per file; lint rules and the site work from this outline.
//! Heading anchors come from [`super::anchors`], by the rule `sop.toml` chooses, so lint and
//! the site agree on them.

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use super::anchors::{AnchorRule, Anchors};
use super::source::Span;

/// The Markdown extensions `sop` understands, the same for lint and the site.
///
/// Wiki links (`[[Page]]`, [`super::wiki`]) are read in every body: whether `[links] wiki` is
/// on is the readers' question (a wiki link in the outline is marked as one). A body without
/// `[[` gives exactly the events it gave without the option, and costs nothing more to parse:
/// pulldown-cmark only looks for wiki links where two `[` follow each other. A `memmem` scan
/// for `[[` before turning the option on was measured first and cost more than the option
/// itself (1.7 million instructions for a 1,000-SOP lint, against none).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS
}

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, and so on.
    pub level: u8,
    /// The heading's text, without markup (an attribute list at its end left out).
    pub text: String,
    /// The id its attribute list gives (`## Step two {#step2}`), which some anchor rules
    /// honour ([`AnchorRule::honours_explicit_ids`]).
    pub id: Option<String>,
    /// The whole heading line(s).
    pub span: Span,
}

/// A level-2 section: its heading and the content up to the next heading of level 1 or 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Index of the section's heading in [`Outline::headings`].
    pub heading: usize,
    /// The content after the heading line, up to the next H1/H2 or the end.
    pub content: Span,
    /// Whether the content holds anything but blank lines and comments.
    pub has_content: bool,
}

/// Whether a link is a link or an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// `[text](dest)`.
    Link,
    /// `![alt](src)`.
    Image,
}

/// A link or image in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// Link or image.
    pub kind: LinkKind,
    /// The destination as written.
    pub dest: String,
    /// The whole `[text](dest)`.
    pub span: Span,
    /// A wiki link (`[[Page]]`, `![[x.png]]`): its text at `span` says where it leads
    /// ([`super::wiki::WikiLink::parse`]), not `dest`.
    pub wiki: bool,
    /// Written in raw HTML (`<a href>`, `<img src>`), not in Markdown.
    pub html: bool,
}

/// A list (bulleted or numbered), nested ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct List {
    /// Whether it is numbered (`1.`) rather than bulleted (`-`).
    pub ordered: bool,
    /// How deep it is nested: 0 for a list that is not inside another list.
    pub depth: usize,
    /// The whole list.
    pub span: Span,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The cell's text without markup, trimmed.
    pub text: String,
    /// Where the cell's content is (between the `|`).
    pub span: Span,
}

/// A table: its header row and body rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The header cells.
    pub header: Vec<Cell>,
    /// The body rows, each with its span and cells.
    pub rows: Vec<Row>,
    /// The whole table.
    pub span: Span,
}

/// A body row of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The row's cells.
    pub cells: Vec<Cell>,
    /// The whole row.
    pub span: Span,
}

/// What the body holds, in document order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outline {
    /// Every heading.
    pub headings: Vec<Heading>,
    /// The level-2 sections.
    pub sections: Vec<Section>,
    /// Every link and image.
    pub links: Vec<Link>,
    /// Every list, in the order they start.
    pub lists: Vec<List>,
    /// Every table.
    pub tables: Vec<Table>,
    /// Code blocks and inline code spans, in document order (text in them is not prose).
    pub code: Vec<Span>,
    /// HTML comments `<!-- ... -->` outside code, in document order.
    pub comments: Vec<Span>,
    /// The tags of raw HTML, in document order.
    pub html: Vec<HtmlTag>,
    /// The ids the body's attribute lists give (a heading's explicit id among them).
    pub explicit_ids: Vec<String>,
    /// What is not content, as an MDX page holds it (ESM lines, `{/* … */}` comments, the tags
    /// of components `sop` cannot show), in document order: not shown, not read as text.
    pub hidden: Vec<Span>,
    /// The components whose tags are hidden (`<Admonition>`): their content is shown plain.
    pub components: Vec<Component>,
    /// The headings' anchors by the rule last asked for (links from many SOPs ask again).
    #[serde(skip)]
    anchors: std::sync::OnceLock<(AnchorRule, Vec<String>)>,
}

/// A component of an MDX page (`<Admonition type="tip">`, `<DocCardList />`) that the site
/// cannot show: its tag is left out, its content shown as plain content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Its name as written.
    pub name: String,
    /// Whether it has no content (`<X />`), so nothing of it reaches the page.
    pub self_closing: bool,
    /// Its opening tag.
    pub span: Span,
}

/// A tag of raw HTML in the body (`<details open>`, `<font>`, also `<Enter>`, which is text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HtmlTag {
    /// Its name as written.
    pub name: String,
    /// `</name>`.
    pub closing: bool,
    /// Its attributes: each name, lowercase, and where it is written (the tag's span when that
    /// is not exact).
    pub attributes: Vec<(String, Span)>,
    /// Whether it is text, not HTML (`<Enter>`, `<first name>`, `<Say why.>`): the site shows
    /// it as written.
    pub text: bool,
    /// The tag (the whole HTML block or line when it sits inside a quote or list).
    pub span: Span,
}

impl Outline {
    /// The heading of `section`.
    pub fn section_heading(&self, section: &Section) -> Option<&Heading> {
        self.headings.get(section.heading)
    }

    /// The anchors of the headings by `rule`, in order (the ids the site gives them).
    pub fn anchors(&self, rule: AnchorRule) -> std::borrow::Cow<'_, [String]> {
        let make = || {
            let mut anchors =
                Anchors::with_explicit(rule, self.explicit_ids.iter().map(String::as_str));
            self.headings
                .iter()
                .map(|h| anchors.next_heading(&h.text, h.id.as_deref()))
                .collect::<Vec<_>>()
        };
        // One rule is used throughout a repository: those anchors are made once.
        match self.anchors.get_or_init(|| (rule, make())) {
            (kept, anchors) if *kept == rule => std::borrow::Cow::Borrowed(anchors),
            _ => std::borrow::Cow::Owned(make()),
        }
    }

    /// Whether some heading has the anchor `anchor` by `rule`, compared exactly as a browser
    /// compares a URL's fragment with an id (`anchor` already percent-decoded).
    pub fn has_anchor(&self, rule: AnchorRule, anchor: &str) -> bool {
        self.anchors(rule).iter().any(|a| a == anchor)
    }

    /// Whether byte `at` lies inside a code block or code span.
    pub fn in_code(&self, at: usize) -> bool {
        in_spans(&self.code, at)
    }

    /// Whether byte `at` lies inside an HTML comment, or in what an MDX page holds that is
    /// not content ([`Outline::hidden`]).
    pub fn in_comment(&self, at: usize) -> bool {
        in_spans(&self.comments, at) || in_spans(&self.hidden, at)
    }
}

/// Whether `at` lies in one of `spans` (sorted by start, not overlapping).
fn in_spans(spans: &[Span], at: usize) -> bool {
    let i = spans.partition_point(|s| s.start <= at);
    i > 0 && spans.get(i - 1).is_some_and(|s| at < s.end)
}

/// Read the outline of the Markdown in `text[body]`; spans are into `text`.
pub fn outline(text: &str, body: Span) -> Outline {
    let md = &text[body.start..body.end];
    // MkDocs admonitions and attribute lists are read as MkDocs reads them: a body is text.
    let prepared = super::mkdocs::prepare(md);
    let mut reader = OutlineReader::new(text, body);
    for (event, range) in Parser::new_ext(&prepared.text, options()).into_offset_iter() {
        reader.read(&event, &prepared, range);
    }
    reader.finish()
}

/// Reads an outline from the parser's events, one at a time: [`outline`] parses the body for
/// it, and the site's renderer, which parses the same prepared text with the same options,
/// hands it the events it reads, so a published body is parsed once.
pub struct OutlineReader<'t> {
    text: &'t str,
    body: Span,
    out: Outline,
    heading: Option<(u8, usize, String, Option<String>)>,
    link: Option<(LinkKind, String, usize, bool)>,
    /// Whether the prepared body's explicit ids are in the outline yet.
    ids_read: bool,
    open_lists: Vec<usize>,
    table: Option<Table>,
    row: Option<Row>,
    cell: Option<Cell>,
    raw_html: super::html::RawState,
    /// The HTML block being read: its lines and where it starts.
    block: Option<(String, usize)>,
}

impl<'t> OutlineReader<'t> {
    /// A reader of the body `text[body]`.
    pub fn new(text: &'t str, body: Span) -> OutlineReader<'t> {
        OutlineReader {
            text,
            body,
            out: Outline::default(),
            heading: None,
            link: None,
            ids_read: false,
            open_lists: Vec::new(),
            table: None,
            row: None,
            cell: None,
            raw_html: super::html::RawState::default(),
            block: None,
        }
    }

    /// Read `event`, parsed from `prepared` (the body as [`super::mkdocs::prepare`] made it
    /// ready) at `range`.
    pub fn read(
        &mut self,
        event: &Event<'_>,
        prepared: &super::mkdocs::Prepared<'_>,
        range: std::ops::Range<usize>,
    ) {
        let (body, text) = (self.body, self.text);
        let md = &text[body.start..body.end];
        if !self.ids_read {
            self.ids_read = true;
            self.out.explicit_ids = prepared.ids().map(str::to_string).collect();
            let span = |r: &std::ops::Range<usize>| Span::new(r.start, r.end).shift(body.start);
            self.out.hidden = prepared.hidden().iter().map(span).collect();
            self.out.components = prepared
                .components()
                .iter()
                .map(|c| Component {
                    name: c.name.clone(),
                    self_closing: c.self_closing,
                    span: span(&c.range),
                })
                .collect();
        }
        let prepared_at = range.start;
        let range = prepared.original(range.start)..prepared.original(range.end);
        let span = Span::new(range.start, range.end).shift(body.start);
        let out = &mut self.out;
        match event {
            Event::Start(Tag::HtmlBlock) => self.block = Some((String::new(), range.start)),
            Event::Html(raw) => {
                if let Some((text, _)) = self.block.as_mut() {
                    text.push_str(raw);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((text, start)) = self.block.take() {
                    html_tags(&text, md, start..range.end, body.start, &mut out.html);
                }
            }
            Event::InlineHtml(raw) => {
                html_tags(raw, md, range.clone(), body.start, &mut out.html);
            }
            _ => {}
        }
        match event {
            // Links and images written as raw HTML count like Markdown ones.
            Event::Html(raw) | Event::InlineHtml(raw) => {
                // The value's own place when the event is the source text as it stands (not
                // inside a quote or list, whose markers pulldown-cmark strips), else the event.
                let verbatim = md.get(range.clone()) == Some(&**raw);
                for attr in super::html::url_attributes(raw, &mut self.raw_html) {
                    let kind = match (attr.tag.as_str(), attr.name.as_str()) {
                        ("a", "href") => LinkKind::Link,
                        ("img", "src") => LinkKind::Image,
                        _ => continue,
                    };
                    let at = if verbatim {
                        Span::new(attr.value.start, attr.value.end).shift(span.start)
                    } else {
                        span
                    };
                    out.links.push(Link {
                        kind,
                        dest: attr.decoded(raw).into_owned(),
                        span: at,
                        wiki: false,
                        html: true,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if matches!(event, Event::Code(_)) {
                    out.code.push(span);
                }
                if let Some(c) = self.cell.as_mut() {
                    c.text.push_str(t);
                }
            }
            Event::Start(Tag::List(first)) => {
                self.open_lists.push(out.lists.len());
                out.lists.push(List {
                    ordered: first.is_some(),
                    depth: self.open_lists.len() - 1,
                    span,
                });
            }
            Event::End(TagEnd::List(_)) => {
                self.open_lists.pop();
            }
            Event::Start(Tag::CodeBlock(_)) => out.code.push(span),
            Event::Start(Tag::Table(_)) => {
                self.table = Some(Table {
                    header: Vec::new(),
                    rows: Vec::new(),
                    span,
                });
            }
            Event::End(TagEnd::Table) => out.tables.extend(self.table.take()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                self.row = Some(Row {
                    cells: Vec::new(),
                    span,
                });
            }
            Event::End(TagEnd::TableHead) => {
                if let (Some(t), Some(r)) = (self.table.as_mut(), self.row.take()) {
                    t.header = r.cells;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some(t), Some(r)) = (self.table.as_mut(), self.row.take()) {
                    t.rows.push(r);
                }
            }
            Event::Start(Tag::TableCell) => {
                self.cell = Some(Cell {
                    text: String::new(),
                    span,
                });
            }
            Event::End(TagEnd::TableCell) => {
                if let (Some(r), Some(mut c)) = (self.row.as_mut(), self.cell.take()) {
                    c.text = c.text.trim().to_string();
                    r.cells.push(c);
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let id = prepared.id_at(prepared_at).map(str::to_string);
                self.heading = Some((level_number(*level), span.start, String::new(), id));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text, id)) = self.heading.take() {
                    let text = text.trim().to_string();
                    out.headings.push(Heading {
                        level,
                        text,
                        id,
                        span: Span::new(
                            start,
                            body.start + md.get(..range.end).unwrap_or(md).trim_end().len(),
                        ),
                    });
                }
            }
            // An e-mail autolink `<a@b.c>` is a `mailto:` link, never a file.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                dest_url,
                ..
            }) if !dest_url.to_ascii_lowercase().starts_with("mailto:") => {
                self.link = Some((
                    LinkKind::Link,
                    format!("mailto:{dest_url}"),
                    span.start,
                    false,
                ));
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                self.link = Some((LinkKind::Link, dest_url.to_string(), span.start, wiki));
            }
            Event::Start(Tag::Image {
                dest_url,
                link_type,
                ..
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                self.link = Some((LinkKind::Image, dest_url.to_string(), span.start, wiki));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((kind, dest, start, wiki)) = self.link.take() {
                    out.links.push(Link {
                        kind,
                        dest,
                        span: Span::new(start, span.end),
                        wiki,
                        html: false,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, buf, _)) = self.heading.as_mut() {
                    buf.push_str(t);
                }
            }
            _ => {}
        }
    }

    /// The outline read.
    pub fn finish(self) -> Outline {
        let (text, body) = (self.text, self.body);
        let md = &text[body.start..body.end];
        let mut out = self.out;
        out.sections = sections(text, body, &out.headings, |level| level == 2);
        out.code.sort_by_key(|s| s.start);
        out.comments = comments(md, body.start, &out.code);
        out
    }
}

/// The tags of the raw HTML `raw`, read from `md[range]`, with spans shifted by `base`: each
/// tag's own span when `raw` is that text as it stands, else the whole range.
fn html_tags(
    raw: &str,
    md: &str,
    range: std::ops::Range<usize>,
    base: usize,
    out: &mut Vec<HtmlTag>,
) {
    let verbatim = md.get(range.clone()) == Some(raw);
    let at = |r: std::ops::Range<usize>| {
        if verbatim {
            Span::new(range.start + r.start, range.start + r.end).shift(base)
        } else {
            Span::new(range.start, range.end).shift(base)
        }
    };
    for tag in super::elements::tags(raw) {
        let span = at(tag.range.clone());
        let text = super::elements::tag_kind(raw, &tag) == super::elements::Kind::Text;
        out.push(HtmlTag {
            text,
            name: tag.name,
            closing: tag.closing,
            attributes: tag
                .attributes
                .into_iter()
                .map(|(name, start)| {
                    let span = at(start..start + name.len());
                    (name, span)
                })
                .collect(),
            span,
        });
    }
}

/// The HTML comments of `md` (spans shifted by `base`) that do not start inside code.
fn comments(md: &str, base: usize, code: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut from = 0;
    let bytes = md.as_bytes();
    while let Some(i) = bytes
        .get(from..)
        .and_then(|rest| memchr::memmem::find(rest, b"<!--"))
    {
        let start = from + i;
        let end = memchr::memmem::find(&bytes[start + 4..], b"-->")
            .map_or(md.len(), |j| start + 4 + j + 3);
        if in_spans(code, base + start) {
            from = start + 4;
        } else {
            out.push(Span::new(base + start, base + end));
            from = end;
        }
    }
    out
}

/// The sections of the headings whose level `admits`, each up to the next heading of its level
/// or above; `text[body]` is the body the `headings` were read from.
pub fn sections(
    text: &str,
    body: Span,
    headings: &[Heading],
    admits: impl Fn(u8) -> bool,
) -> Vec<Section> {
    let mut out = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        if !admits(h.level) {
            continue;
        }
        let start = line_end(text, h.span.end.min(text.len()));
        let end = headings[i + 1..]
            .iter()
            .find(|next| next.level <= h.level)
            .map_or(body.end, |next| next.span.start);
        let content = Span::new(start.min(end), end);
        let has_content = has_content(&text[content.start..content.end]);
        out.push(Section {
            heading: i,
            content,
            has_content,
        });
    }
    out
}

/// Content counts when it holds more than blank lines and HTML comments; a subheading alone
/// with nothing under it does count (the writer structured it on purpose).
fn has_content(slice: &str) -> bool {
    let mut rest = slice;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<!--") {
            match after.find("-->") {
                Some(end) => rest = &after[end + 3..],
                None => return false,
            }
        } else {
            return !rest.is_empty();
        }
    }
}

fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\n') {
        return at;
    }
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The number of a heading level: 1 for `#`.
pub fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Decode `%XX` escapes in a link destination (`a%20b.md` → `a b.md`), the same way for lint
/// and the site; text that does not decode to UTF-8 is returned as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline_of(text: &str) -> Outline {
        outline(text, Span::new(0, text.len()))
    }

    #[test]
    fn links_written_as_raw_html_are_in_the_outline() {
        let text = "See <a href=\"b.md#x\">B</a> and\n\n<img alt=\"i\"\n  src=\"i&amp;j.png\">\n\n\
                    <!-- <a href=\"gone.md\">no</a> -->\n\n> <a href=\"q.md\">quoted</a>\n";
        let o = outline_of(text);
        let got: Vec<(LinkKind, &str)> =
            o.links.iter().map(|l| (l.kind, l.dest.as_str())).collect();
        assert_eq!(
            got,
            [
                (LinkKind::Link, "b.md#x"),
                (LinkKind::Image, "i&j.png"),
                (LinkKind::Link, "q.md")
            ]
        );
        assert_eq!(&text[o.links[0].span.start..o.links[0].span.end], "b.md#x");
        assert!(o.links.iter().all(|l| l.span.end <= text.len()));
    }

    #[test]
    fn raw_html_tags_are_in_the_outline_with_their_places() {
        let text = "Press <Enter> or <kbd onclick=\"x\">Esc</kbd>.\n\n<font\n  color=red>Red</font>\n\n> <Say why.>\n\n`<code>`\n";
        let o = outline_of(text);
        let got: Vec<(&str, bool, bool, &str)> = o
            .html
            .iter()
            .map(|t| {
                (
                    t.name.as_str(),
                    t.closing,
                    t.text,
                    &text[t.span.start..t.span.end],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Enter", false, true, "<Enter>"),
                ("kbd", false, false, "<kbd onclick=\"x\">"),
                ("kbd", true, false, "</kbd>"),
                ("font", false, false, "<font\n  color=red>"),
                ("font", true, false, "</font>"),
                ("Say", false, true, "<Say why.>"),
            ]
        );
        let (name, span) = &o.html[1].attributes[0];
        assert_eq!(
            (name.as_str(), &text[span.start..span.end]),
            ("onclick", "onclick")
        );
    }

    #[test]
    fn wiki_links_are_in_the_outline_outside_code_comments_and_escapes() {
        let text = "See [[Escalation policy]], [[Escalation policy#Contacts|who]] and [[#Scope]].\r\n\
                    \r\n![[diagram.png]] `[[in code]]` \\[[escaped]] <!-- [[commented]] -->\r\n\
                    \r\n```\r\n[[in block]]\r\n```\r\n\r\n    [[indented code]]\r\n\r\n\
                    a[[0]] and [plain](x.md)\r\n";
        let o = outline_of(text);
        let got: Vec<(LinkKind, bool, &str)> = o
            .links
            .iter()
            .map(|l| (l.kind, l.wiki, &text[l.span.start..l.span.end]))
            .collect();
        assert_eq!(
            got,
            [
                (LinkKind::Link, true, "[[Escalation policy]]"),
                (LinkKind::Link, true, "[[Escalation policy#Contacts|who]]"),
                (LinkKind::Link, true, "[[#Scope]]"),
                (LinkKind::Image, true, "![[diagram.png]]"),
                (LinkKind::Link, true, "[[0]]"),
                (LinkKind::Link, false, "[plain](x.md)"),
            ]
        );
        // Without `[[`, the body is parsed as it always was.
        let plain = "- [ ] [a](b) [c] [d][] ![e](f.png) `[[x]]` [ [y] ]\n\n[c]: g.md\n";
        let without = options() - Options::ENABLE_WIKILINKS;
        assert_eq!(
            Parser::new_ext(plain, options()).collect::<Vec<_>>(),
            Parser::new_ext(plain, without).collect::<Vec<_>>()
        );
    }

    #[test]
    fn email_autolinks_are_mailto_links() {
        let o = outline_of("Write to <help@example.com> or [us](mailto:us@example.com).\n");
        let dests: Vec<&str> = o.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["mailto:help@example.com", "mailto:us@example.com"]);
    }

    #[test]
    fn sections_span_to_the_next_h2() {
        let text = "## Purpose\n\nWhy.\n\n### Detail\n\nMore.\n\n## Scope\n\n## Next\nx\n";
        let o = outline_of(text);
        assert_eq!(o.headings.len(), 4);
        assert_eq!(o.sections.len(), 3);
        let purpose = &o.sections[0];
        assert!(text[purpose.content.start..purpose.content.end].contains("More."));
        assert!(purpose.has_content);
        assert!(!o.sections[1].has_content);
        assert!(o.sections[2].has_content);
        assert_eq!(
            &text[o.headings[0].span.start..o.headings[0].span.end],
            "## Purpose"
        );
    }

    #[test]
    fn duplicate_headings_get_numbered_anchors() {
        let o = outline_of("## Notes\n\n## Notes\n");
        assert_eq!(*o.anchors(AnchorRule::Github), ["notes", "notes-1"]);
        assert_eq!(*o.anchors(AnchorRule::Mkdocs), ["notes", "notes_1"]);
        assert!(o.has_anchor(AnchorRule::Github, "notes-1"));
        assert!(!o.has_anchor(AnchorRule::Github, "Notes"));
    }

    #[test]
    fn explicit_heading_ids_are_read_and_left_out_of_the_text() {
        let o = outline_of(
            "## Step two {#step2}\n\n## Step three {: #s3 .x }\n\n## Pay {amount}\n\n\
             ## Plain\n\nSee [two](#step2).\n",
        );
        let got: Vec<(&str, Option<&str>)> = o
            .headings
            .iter()
            .map(|h| (h.text.as_str(), h.id.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("Step two", Some("step2")),
                ("Step three", Some("s3")),
                ("Pay {amount}", None),
                ("Plain", None),
            ]
        );
        assert_eq!(
            *o.anchors(AnchorRule::Kramdown),
            ["step2", "s3", "pay-amount", "plain"]
        );
        assert!(o.has_anchor(AnchorRule::Mkdocs, "step2"));
        assert!(!o.has_anchor(AnchorRule::Github, "step2"));
        assert!(o.has_anchor(AnchorRule::Github, "step-two"));
    }

    #[test]
    fn links_and_images_have_spans() {
        let text = "See [the refund SOP](../pay/SOP-0003-x.md#scope) and ![flow](img/a.png).\n";
        let o = outline_of(text);
        assert_eq!(o.links.len(), 2);
        assert_eq!(o.links[0].dest, "../pay/SOP-0003-x.md#scope");
        assert_eq!(
            &text[o.links[0].span.start..o.links[0].span.end],
            "[the refund SOP](../pay/SOP-0003-x.md#scope)"
        );
        assert_eq!(o.links[1].kind, LinkKind::Image);
    }

    #[test]
    fn lists_tables_code_and_comments_have_spans() {
        let text = "1. one\n   - sub\n2. two\n\n| Activity | Agent |\n|---|---|\n| Reply | `R` |\n\n`<!-- not -->` <!-- yes -->\n\n```\nTODO\n```\n";
        let o = outline_of(text);
        assert_eq!(o.lists.len(), 2);
        assert!(o.lists[0].ordered && o.lists[0].depth == 0);
        assert!(!o.lists[1].ordered && o.lists[1].depth == 1);
        assert_eq!(o.tables.len(), 1);
        let t = &o.tables[0];
        assert_eq!(t.header[0].text, "Activity");
        assert_eq!(t.rows[0].cells[1].text, "R");
        assert!(text[t.rows[0].cells[0].span.start..t.rows[0].cells[0].span.end].contains("Reply"));
        assert_eq!(o.comments.len(), 1);
        assert_eq!(
            &text[o.comments[0].start..o.comments[0].end],
            "<!-- yes -->"
        );
        let todo = text.find("TODO").unwrap();
        assert!(o.in_code(todo));
        assert!(!o.in_code(0));
        assert!(o.in_comment(o.comments[0].start + 3));
    }

    #[test]
    fn comment_only_section_is_empty() {
        let o = outline_of("## Purpose\n<!-- fill me -->\n\n## Scope\nx\n");
        assert!(!o.sections[0].has_content);
    }
}
