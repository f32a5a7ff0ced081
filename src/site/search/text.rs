//! The searchable text of an SOP body: its sections (the heading, its anchor on the page, and
//! the plain text under it), read with the same parser and heading-id rule as the page.
//!
//! Raw HTML tags are not text, but angle brackets that are not an HTML element are:
//! "Press `<Enter>`" keeps `<Enter>`, as the page shows it. A body with raw HTML is read after
//! the page's own sanitiser ran over it, so the text of a `<script>`, a comment or an attribute
//! the page removes never reaches the index (or the snippets search results show).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::repo::anchors::{AnchorRule, Anchors};
use crate::repo::elements::{self, Kind};
use crate::repo::html::decode_entities;
use crate::repo::markdown::options;
use crate::repo::mkdocs::Marker;

/// A part of the body under one heading (the first has no heading when text comes first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Section {
    /// The heading's id on the page; empty before the first heading.
    pub(crate) anchor: String,
    /// The heading's text; empty before the first heading.
    pub(crate) heading: String,
    /// The text under the heading, whitespace collapsed.
    pub(crate) text: String,
}

/// The sections of the Markdown body `md`, headings numbered by `rule` (what the page
/// renderer gathers with a [`Collector`] as it renders, for a body it does not render).
pub(crate) fn sections(md: &str, rule: AnchorRule) -> Vec<Section> {
    let prepared = crate::repo::mkdocs::prepare(md);
    let mut anchors = Anchors::with_explicit(rule, prepared.ids());
    let mut out = Collector::default();
    // The heading being read: its text for the anchor (text and code, as the page counts it)
    // and its explicit id (`{#id}`).
    let mut heading: Option<(String, Option<&str>)> = None;
    for (event, range) in Parser::new_ext(&prepared.text, options()).into_offset_iter() {
        if matches!(event, Event::Html(_))
            && let Some(marker) = prepared.marker_at(range.start)
        {
            match marker {
                Marker::Tab(label) => out.label(label),
                Marker::Open(admonition) => {
                    if let Some(title) = admonition.written_title() {
                        out.label(title);
                    }
                }
                Marker::Tabs | Marker::Close => {}
            }
            continue;
        }
        match &event {
            Event::Text(t) | Event::Code(t) => {
                if let Some((for_anchor, _)) = heading.as_mut() {
                    for_anchor.push_str(t);
                }
            }
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((String::new(), prepared.id_at(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                let (for_anchor, explicit) = heading.take().unwrap_or_default();
                out.end_heading(anchors.next_heading(&for_anchor, explicit));
                continue;
            }
            _ => {}
        }
        out.event(&event);
    }
    out.finish()
}

/// Gathers the sections of a body from its Markdown events, in order. The heading's anchor
/// is the caller's (the page renderer makes it; [`sections`] makes it by the same rule).
#[derive(Default)]
pub(crate) struct Collector {
    out: Vec<Section>,
    /// Whether the first of `out` is the text before the first heading.
    preamble: bool,
    /// How many headings were started.
    headings: usize,
    /// The text of the heading being read, as readers see it.
    heading: Option<String>,
    raw: RawText,
    /// Once the body has raw HTML that is markup: the body so far as HTML (text escaped,
    /// the raw HTML as written, headings marked), for the sanitiser to clean at the end.
    html: Option<String>,
}

/// Marks, in the HTML a [`Collector`] hands to the sanitiser, where a heading starts (then its
/// number and [`HEADING_TEXT`]) and where its text ends: characters of the private use area,
/// which the sanitiser keeps as text (and which are taken out of what the writer wrote).
const HEADING_START: char = '\u{E000}';
const HEADING_TEXT: char = '\u{E001}';
const HEADING_END: char = '\u{E002}';

impl Collector {
    /// Read one event (an `End(Heading)` goes to [`Collector::end_heading`] instead).
    pub(crate) fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.push(t),
            Event::Html(t) | Event::InlineHtml(t) => self.raw(t),
            Event::Start(Tag::Heading { .. }) => {
                if let Some(html) = self.html.as_mut() {
                    push_heading_start(html, self.headings);
                }
                self.headings += 1;
                self.heading = Some(String::new());
            }
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Heading(_),
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => self.space(),
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript,
            ) => {}
            // A block that starts inside another (a sub-list under a step's words) starts a
            // new word, as on the page.
            Event::Start(_) => self.space(),
            _ => {}
        }
    }

    /// Raw HTML, as written: its text (tags and comments left out, angle brackets that are not
    /// an element kept).
    pub(crate) fn raw(&mut self, html: &str) {
        if self.html.is_none() && is_markup(html) {
            self.start_html();
        }
        match self.html.as_mut() {
            Some(out) => push_markup(out, html),
            None => {
                let text = self.raw.text(html);
                self.push(&text);
            }
        }
    }

    /// From now on, gather the body as HTML too, starting with what was read so far (text
    /// only: no markup came before).
    fn start_html(&mut self) {
        let mut html = String::new();
        let mut n = 0;
        for (i, s) in self.out.iter().enumerate() {
            if !(i == 0 && self.preamble) {
                push_heading_start(&mut html, n);
                n += 1;
                push_escaped(&mut html, &s.heading);
                html.push(HEADING_END);
            }
            push_escaped(&mut html, &s.text);
        }
        if let Some(heading) = &self.heading {
            push_heading_start(&mut html, n);
            push_escaped(&mut html, heading);
        }
        self.html = Some(html);
    }

    /// A tab's label (`=== "Android"`, a `<TabItem>`'s `label`) or a box's title
    /// (`!!! warning "Do not refund twice"`, `:::tip[Check first]`): words of the section it
    /// is in, as a reader sees them above the tab's or the box's text. Text, never markup.
    pub(crate) fn label(&mut self, label: &str) {
        self.space();
        self.push(label);
        self.space();
    }

    /// The heading being read ends; `anchor` is its id on the page.
    pub(crate) fn end_heading(&mut self, anchor: String) {
        let shown = self.heading.take().unwrap_or_default();
        if let Some(html) = self.html.as_mut() {
            html.push(HEADING_END);
        }
        self.out.push(Section {
            anchor,
            heading: collapse(&shown),
            text: String::new(),
        });
    }

    fn push(&mut self, text: &str) {
        if let Some(html) = self.html.as_mut() {
            push_escaped(html, text);
        }
        if let Some(heading) = self.heading.as_mut() {
            heading.push_str(text);
        } else {
            self.section().text.push_str(text);
        }
    }

    fn space(&mut self) {
        if let Some(html) = self.html.as_mut() {
            html.push(' ');
        }
        if self.heading.is_none() {
            self.section().text.push(' ');
        }
    }

    /// The section being read (the text before the first heading has one with no heading).
    fn section(&mut self) -> &mut Section {
        if self.out.is_empty() {
            self.preamble = true;
            self.out.push(Section::default());
        }
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// The sections read, whitespace collapsed, empty ones left out.
    pub(crate) fn finish(mut self) -> Vec<Section> {
        if let Some(html) = self.html.take() {
            let skip = usize::from(self.preamble);
            let anchors: Vec<String> = self.out.into_iter().skip(skip).map(|s| s.anchor).collect();
            self.out = sections_of_html(&crate::site::markdown::sanitize(&html), &anchors);
        }
        self.out.retain_mut(|s| {
            s.text = collapse(&s.text);
            !(s.text.is_empty() && s.heading.is_empty())
        });
        self.out
    }
}

/// Whether the raw HTML `raw` holds markup the sanitiser acts on (an element, a comment, a
/// declaration), not only words in angle brackets.
fn is_markup(raw: &str) -> bool {
    raw.contains("<!")
        || raw.contains("<?")
        || elements::tags(raw)
            .iter()
            .any(|tag| elements::tag_kind(raw, tag) != Kind::Text)
}

/// Append `text` to `html` as HTML text.
fn push_escaped(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            HEADING_START | HEADING_TEXT | HEADING_END => html.push('\u{FFFD}'),
            c => html.push(c),
        }
    }
}

/// Append the raw HTML `raw` to `html` as the page has it: words in angle brackets that are not
/// HTML (`<Enter>`, a template prompt) as text.
fn push_markup(html: &mut String, raw: &str) {
    let mut copied = 0;
    for tag in elements::tags(raw) {
        if elements::tag_kind(raw, &tag) != Kind::Text {
            continue;
        }
        let (Some(before), Some(written)) =
            (raw.get(copied..tag.range.start), raw.get(tag.range.clone()))
        else {
            continue;
        };
        push_unmarked(html, before);
        push_escaped(html, written);
        copied = tag.range.end;
    }
    push_unmarked(html, raw.get(copied..).unwrap_or_default());
}

/// Append `raw` to `html`, with the heading marks the writer may have written made harmless:
/// the characters themselves, and the character references the sanitiser would turn into them
/// (`&#xE000;`, `&#57344`).
fn push_unmarked(html: &mut String, raw: &str) {
    let raw = without_mark_references(raw);
    if raw.contains([HEADING_START, HEADING_TEXT, HEADING_END]) {
        html.push_str(&raw.replace([HEADING_START, HEADING_TEXT, HEADING_END], "\u{FFFD}"));
    } else {
        html.push_str(&raw);
    }
}

/// `raw` with each numeric character reference to a heading mark (decimal or hexadecimal, any
/// leading zeros, the `;` optional, as HTML reads them) written as U+FFFD instead.
fn without_mark_references(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains("&#") {
        return std::borrow::Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = raw.get(at..).and_then(|r| r.find("&#")) {
        let start = at + found;
        let mut i = start + 2;
        let hex = matches!(bytes.get(i), Some(b'x' | b'X'));
        if hex {
            i += 1;
        }
        let digits_start = i;
        while bytes.get(i).is_some_and(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        }) {
            i += 1;
        }
        let value = raw
            .get(digits_start..i)
            .map(|d| d.trim_start_matches('0'))
            .filter(|d| !d.is_empty() && d.len() <= 8)
            .and_then(|d| u32::from_str_radix(d, if hex { 16 } else { 10 }).ok());
        if value.is_some_and(|v| (0xE000..=0xE002).contains(&v)) {
            if bytes.get(i) == Some(&b';') {
                i += 1;
            }
            out.push_str(raw.get(copied..start).unwrap_or_default());
            out.push('\u{FFFD}');
            copied = i;
        }
        at = i.max(start + 2);
    }
    out.push_str(raw.get(copied..).unwrap_or_default());
    std::borrow::Cow::Owned(out)
}

/// Append the mark of heading number `n` to `html`.
fn push_heading_start(html: &mut String, n: usize) {
    html.push(HEADING_START);
    html.push_str(&n.to_string());
    html.push(HEADING_TEXT);
}

/// The sections of `clean`, the sanitiser's HTML of a body gathered by a [`Collector`]: its
/// text, tags left out, split at the heading marks; heading number `n` has the anchor
/// `anchors[n]`. A heading the sanitiser removed (inside a `<script>` left open) is not there.
fn sections_of_html(clean: &str, anchors: &[String]) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut in_heading = false;
    let mut rest = clean;
    while let Some(at) = rest.find(['<', HEADING_START, HEADING_END]) {
        let (text, from) = rest.split_at(at);
        push_shown(&mut out, in_heading, text);
        let mut chars = from.chars();
        match chars.next() {
            Some('<') => {
                let tag = chars.as_str();
                let end = tag_end(tag);
                if let Some((name, _)) = tag_name(tag)
                    && !is_inline(&name.to_ascii_lowercase())
                {
                    push_shown(&mut out, in_heading, " ");
                }
                rest = tag.get(end..).unwrap_or_default();
            }
            Some(HEADING_START) => {
                let marked = chars.as_str();
                let (number, after) = marked.split_once(HEADING_TEXT).unwrap_or((marked, ""));
                let anchor = number
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| anchors.get(n))
                    .cloned()
                    .unwrap_or_default();
                out.push(Section {
                    anchor,
                    ..Section::default()
                });
                in_heading = true;
                rest = after;
            }
            _ => {
                in_heading = false;
                rest = chars.as_str();
            }
        }
    }
    push_shown(&mut out, in_heading, rest);
    for s in &mut out {
        s.heading = collapse(&decode_entities(&s.heading));
        s.text = decode_entities(&s.text).into_owned();
    }
    out
}

/// Append `text` (still HTML-escaped) to the last section's heading or text.
fn push_shown(out: &mut [Section], in_heading: bool, text: &str) {
    if let Some(last) = out.last_mut() {
        if in_heading {
            last.heading.push_str(text);
        } else {
            last.text.push_str(text);
        }
    }
}

/// Where the tag `tag` (the text after its `<`, as the sanitiser writes it) ends, after its
/// `>`; a `>` inside an attribute value (which the sanitiser quotes with `"`) does not end it.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    tag.len()
}

/// `text` with runs of whitespace made one space, trimmed.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The text of raw HTML fragments, read in order: tags and comments removed, the contents of
/// `script` and `style` dropped, angle brackets that are not an HTML element kept.
#[derive(Default)]
struct RawText {
    /// Inside a comment or a `script`/`style` element: what ends it.
    skip_until: Option<&'static str>,
}

impl RawText {
    fn text(&mut self, raw: &str) -> String {
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        loop {
            if let Some(end) = self.skip_until {
                match find_ci(rest, end) {
                    Some(i) => {
                        rest = &rest[i + end.len()..];
                        self.skip_until = None;
                    }
                    None => break,
                }
            }
            let Some(lt) = rest.find('<') else {
                out.push_str(rest);
                break;
            };
            out.push_str(&rest[..lt]);
            let after = &rest[lt + 1..];
            if let Some(comment) = after.strip_prefix("!--") {
                self.skip_until = Some("-->");
                rest = comment;
                continue;
            }
            match tag_name(after) {
                Some((name, closing)) if elements::is_element(&name) => {
                    let name = name.to_ascii_lowercase();
                    let end = after.find('>').map_or(after.len(), |i| i + 1);
                    if !closing && (name == "script" || name == "style") {
                        self.skip_until = Some(if name == "script" {
                            "</script>"
                        } else {
                            "</style>"
                        });
                    }
                    if !is_inline(&name) {
                        out.push(' ');
                    }
                    rest = &after[end..];
                }
                _ => {
                    out.push('<');
                    rest = after;
                }
            }
        }
        decode_entities(&out).into_owned()
    }
}

/// The name of the tag `after` starts with (the text after `<`), as written, and whether it
/// closes an element (`</b>`).
fn tag_name(after: &str) -> Option<(String, bool)> {
    let (closing, rest) = match after.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let next = rest[end..].chars().next();
    let ends_well = matches!(next, None | Some('>' | '/' | ' ' | '\t' | '\n' | '\r'));
    (!name.is_empty() && ends_well).then(|| (name.to_string(), closing))
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.to_ascii_lowercase().find(needle)
}

/// Whether the element `name` sits inside a line of text (its tags leave no space).
fn is_inline(name: &str) -> bool {
    const INLINE: [&str; 31] = [
        "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
        "i", "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong",
        "sub", "sup", "time", "tt", "u", "var",
    ];
    INLINE.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_to_the_heading_marks_are_made_harmless() {
        assert_eq!(
            without_mark_references("a&#xE000;0&#XE001;Fake&#57346 b &#xe003; &#x0e000; &amp;"),
            "a\u{FFFD}0\u{FFFD}Fake\u{FFFD} b &#xe003; \u{FFFD} &amp;"
        );
        assert_eq!(without_mark_references("&#"), "&#");
        assert_eq!(without_mark_references("&#x"), "&#x");
    }

    #[test]
    fn a_sub_list_starts_a_new_word() {
        let s = sections(
            "## Checklist\n\n- [ ] Check the account\n  - Verified users first\n  > Quoted\n- [ ] Close **it**\n",
            AnchorRule::Github,
        );
        assert_eq!(
            s[0].text,
            "Check the account Verified users first Quoted Close it"
        );
    }

    #[test]
    fn sections_carry_the_page_anchors() {
        let s = sections(
            "Intro text.\n\n## Purpose\n\nWhy.\n\n## Steps\n\n1. Do *this*.\n2. Then `that`.\n\n## Steps\n\nAgain.\n",
            AnchorRule::Github,
        );
        let got: Vec<(&str, &str, &str)> = s
            .iter()
            .map(|s| (s.anchor.as_str(), s.heading.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "", "Intro text."),
                ("purpose", "Purpose", "Why."),
                ("steps", "Steps", "Do this. Then that."),
                ("steps-1", "Steps", "Again."),
            ]
        );
    }

    #[test]
    fn explicit_ids_and_attribute_lists_are_read_as_the_page_reads_them() {
        let md = "## Step two {#step2}\n\nClick **Save**{: .hl } now.\n\n## step2\n";
        let got = |rule| {
            sections(md, rule)
                .into_iter()
                .map(|s| (s.anchor, s.heading, s.text))
                .collect::<Vec<_>>()
        };
        let s = |a: &str, h: &str, t: &str| (a.to_string(), h.to_string(), t.to_string());
        assert_eq!(
            got(AnchorRule::Mkdocs),
            [
                s("step2", "Step two", "Click Save now."),
                s("step2_1", "step2", "")
            ]
        );
        assert_eq!(got(AnchorRule::Github)[0].0, "step-two");
    }

    #[test]
    fn tab_labels_are_text_of_their_section() {
        let s = sections(
            "## Steps\n\n1. Open the app.\n\n    === \"Android\"\n\n        Tap **Settings**.\n\n    === \"iOS\"\n\n        Tap Profile.\n\n<Tabs>\n<TabItem value=\"w\" label=\"Windows\">\n\nPress Start.\n\n</TabItem>\n</Tabs>\n\n## Next\n\n=== \"Web\"\n    Sign in.\n",
            AnchorRule::Github,
        );
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Open the app. Android Tap Settings. iOS Tap Profile. Windows Press Start.",
                "Web Sign in."
            ]
        );
    }

    #[test]
    fn box_titles_are_text_of_their_section() {
        let md = "## Steps\n\n1. Check.\n\n    !!! warning \"Do not refund twice\"\n        Look first.\n\n2. Refund.\n\n   :::tip[Ask the lead]\n   Call.\n   :::\n\n??? note \"Older cases\"\n    Archive.\n\n:::info Kept \"quoted\"\nx\n:::\n\n!!! note\n    No title: the kind is not words of the text.\n\n!!! note \"\"\n    Nor an empty one.\n";
        let texts: Vec<String> = sections(md, AnchorRule::Github)
            .into_iter()
            .map(|s| s.text)
            .collect();
        assert_eq!(
            texts,
            [
                "Check. Do not refund twice Look first. Refund. Ask the lead Call. Older cases Archive. Kept \"quoted\" x No title: the kind is not words of the text. Nor an empty one."
            ]
        );
        // With raw HTML on the page (read through the sanitiser): a title is text, and one
        // that holds a heading's marks starts no section.
        let md = "## Steps\n\n<b>Bold</b>\n\n:::danger[<img src=x onerror=alert(1)> \u{E000}0\u{E001}Fake\u{E002} &#xE000;]\nStop.\n:::\n";
        let s = sections(md, AnchorRule::Github);
        assert_eq!(s.len(), 1, "{s:?}");
        assert!(
            s[0].text.contains("<img src=x onerror=alert(1)>") && s[0].text.contains("Stop."),
            "{s:?}"
        );
        assert!(!s[0].text.contains('\u{E000}'), "{s:?}");
    }

    #[test]
    fn angle_brackets_that_are_not_elements_are_text() {
        let s = sections(
            "## Send\n\nPress <Enter> to send, then <b>wait</b>.\n\nHi <first name>,<!-- hidden -->\n\n<script>alert(1)</script>\n",
            AnchorRule::Github,
        );
        assert_eq!(
            s[0].text,
            "Press <Enter> to send, then wait. Hi <first name>,"
        );
    }

    #[test]
    fn text_the_page_removes_is_not_searchable() {
        let s = sections(
            concat!(
                "Ask <script>var apiKey=\"sk-live-123\"</script> the lead, <span onclick=\"x('on-secret')\">now</span>.\n\n",
                "## Steps\n\n<style>h2{content:'style-secret'}</style>\n\n",
                "<div title=\"title-secret\">\n<!--\ncomment-secret\n-->\nKept.\n<iframe src=\"https://e.example/frame-secret\"></iframe>\n</div>\n\n",
                "Press <Enter> & wait <!-- inline-comment-secret -->.\n\n",
                "## Last \u{E000}9\u{E001}\n\n<script>\nunclosed_secret()\n",
            ),
            AnchorRule::Github,
        );
        let got: Vec<(&str, &str, &str)> = s
            .iter()
            .map(|s| (s.anchor.as_str(), s.heading.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "", "Ask the lead, now."),
                ("steps", "Steps", "Kept. Press <Enter> & wait ."),
                ("last-9", "Last \u{FFFD}9\u{FFFD}", ""),
            ]
        );
    }
}
