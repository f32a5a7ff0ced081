//! The searchable text of an SOP body: its sections (the heading, its anchor on the page, and
//! the plain text under it), read with the same parser and heading-id rule as the page.
//!
//! Raw HTML tags are not text, but angle brackets that are not an HTML element are:
//! "Press `<Enter>`" keeps `<Enter>`, as the page shows it.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::repo::anchors::{AnchorRule, Anchors};
use crate::repo::elements;
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
            if let Marker::Tab(label) = marker {
                out.label(label);
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
    /// The text of the heading being read, as readers see it.
    heading: Option<String>,
    raw: RawText,
}

impl Collector {
    /// Read one event (an `End(Heading)` goes to [`Collector::end_heading`] instead).
    pub(crate) fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.push(t),
            Event::Html(t) | Event::InlineHtml(t) => self.raw(t),
            Event::Start(Tag::Heading { .. }) => self.heading = Some(String::new()),
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
            _ => {}
        }
    }

    /// Raw HTML, as written: its text (tags and comments left out, angle brackets that are not
    /// an element kept).
    pub(crate) fn raw(&mut self, html: &str) {
        let text = self.raw.text(html);
        self.push(&text);
    }

    /// A tab's label (`=== "Android"`, a `<TabItem>`'s `label`): words of the section it is
    /// in, as a reader sees them above the tab's text.
    pub(crate) fn label(&mut self, label: &str) {
        self.space();
        self.push(label);
        self.space();
    }

    /// The heading being read ends; `anchor` is its id on the page.
    pub(crate) fn end_heading(&mut self, anchor: String) {
        let shown = self.heading.take().unwrap_or_default();
        self.out.push(Section {
            anchor,
            heading: collapse(&shown),
            text: String::new(),
        });
    }

    fn push(&mut self, text: &str) {
        if let Some(heading) = self.heading.as_mut() {
            heading.push_str(text);
        } else {
            self.section().text.push_str(text);
        }
    }

    fn space(&mut self) {
        if self.heading.is_none() {
            self.section().text.push(' ');
        }
    }

    /// The section being read (the text before the first heading has one with no heading).
    fn section(&mut self) -> &mut Section {
        if self.out.is_empty() {
            self.out.push(Section::default());
        }
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// The sections read, whitespace collapsed, empty ones left out.
    pub(crate) fn finish(mut self) -> Vec<Section> {
        self.out.retain_mut(|s| {
            s.text = collapse(&s.text);
            !(s.text.is_empty() && s.heading.is_empty())
        });
        self.out
    }
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
}
