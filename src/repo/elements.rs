//! Which angle-bracket text in an SOP is HTML, and what of it the site keeps.
//!
//! Markdown reads `<Enter>`, `<first name>` and `<Say why.>` as raw HTML tags. Browsers know
//! none of them, so the site shows them as the text they are; lint and the site both ask
//! [`kind`]. Of the real elements the site's sanitiser keeps those in [`policy`] (the site builds
//! its sanitiser from it, lint warns about the rest), and template prompts such as
//! `<Say who does this.>` are found by [`prompt_len`].

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

/// HTML element names, lowercase: `<details open>` is markup, `<insert team name>` is text.
pub(crate) const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "meta",
    "meter",
    "nav",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Elements whose text the browser reads as text, not tags, and the text that ends them.
const RAW_TEXT: [(&str, &str); 3] = [
    ("script", "</script"),
    ("style", "</style"),
    ("textarea", "</textarea"),
];

/// Whether `name`, as written, is an HTML element: one of [`ELEMENTS`], all in lowercase or all
/// in uppercase (`<br>`, `<BR>`). A capitalised word (`<Title>`, `<Time of call>`) is prose.
pub(crate) fn is_element(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let one_case = name == lower || name == name.to_ascii_uppercase();
    one_case && ELEMENTS.binary_search(&lower.as_str()).is_ok()
}

/// What the site does with a tag written in an SOP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An element the site keeps (with its allowed attributes).
    Kept,
    /// An element the site removes: its tags, or with [`Policy::content_removed`] all of it.
    Removed,
    /// Not HTML (`<Enter>`, `<first name>`, a template prompt): shown as written.
    Text,
}

/// What the site does with `tag`, read from `raw` (the fragment it is in): a template prompt
/// (`<Say why.>`, even `<Link to the SOP.>`) is text whatever its first word.
pub(crate) fn tag_kind(raw: &str, tag: &Tag) -> Kind {
    let prompt = !tag.closing
        && raw
            .get(tag.range.start..)
            .and_then(prompt_len)
            .is_some_and(|len| len >= tag.range.len());
    if prompt { Kind::Text } else { kind(&tag.name) }
}

/// What the site does with the tag named `name` (as written).
pub(crate) fn kind(name: &str) -> Kind {
    if !is_element(name) {
        Kind::Text
    } else if policy().tags.contains(name.to_ascii_lowercase().as_str()) {
        Kind::Kept
    } else {
        Kind::Removed
    }
}

/// The site's sanitiser's rules: the elements and attributes it keeps.
#[derive(Debug)]
pub(crate) struct Policy {
    /// Elements kept.
    pub(crate) tags: HashSet<&'static str>,
    /// Elements removed with everything inside them.
    pub(crate) content_removed: HashSet<&'static str>,
    /// Attributes kept on every kept element.
    pub(crate) generic_attributes: HashSet<&'static str>,
    /// Attributes kept on one element.
    pub(crate) tag_attributes: HashMap<&'static str, HashSet<&'static str>>,
}

impl Policy {
    /// Whether the attribute `name` (lowercase) survives on the kept element `tag` (lowercase).
    pub(crate) fn keeps_attribute(&self, tag: &str, name: &str) -> bool {
        self.generic_attributes.contains(name)
            || self
                .tag_attributes
                .get(tag)
                .is_some_and(|a| a.contains(name))
    }
}

/// The sanitiser's base: ammonia's safe defaults, plus the markup the Markdown renderer and the
/// site write themselves (heading ids, classes, ticking boxes of checklists with their labels,
/// scrolling table frames, open boxes, table cell alignment).
pub(crate) fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class"])
        .add_tags(["input", "label"])
        .add_tag_attributes("a", ["aria-hidden", "tabindex"])
        .add_tag_attributes("div", ["tabindex", "role", "aria-label"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("input", ["type", "checked"])
        .add_tag_attributes("td", ["align", "style"])
        .add_tag_attributes("th", ["align", "style"]);
    b
}

/// The rules of [`sanitizer`].
pub(crate) fn policy() -> &'static Policy {
    static POLICY: LazyLock<Policy> = LazyLock::new(|| {
        let b = sanitizer();
        Policy {
            tags: b.clone_tags(),
            content_removed: b.clone_clean_content_tags(),
            generic_attributes: b.clone_generic_attributes(),
            tag_attributes: b.clone_tag_attributes(),
        }
    });
    &POLICY
}

/// A tag in raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    /// Its name as written (`Enter`, `details`).
    pub(crate) name: String,
    /// `</name>`.
    pub(crate) closing: bool,
    /// From its `<` to after its `>` (or to the end of the fragment when it has none).
    pub(crate) range: Range<usize>,
    /// Its attributes' names, lowercase, with where each starts.
    pub(crate) attributes: Vec<(String, usize)>,
}

/// The tags of the raw HTML fragment `raw` (a whole HTML block, or one inline tag), read the
/// way a browser tokenises them: comments and the text of `script`, `style` and `textarea` hold
/// none.
pub(crate) fn tags(raw: &str) -> Vec<Tag> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(lt) = raw.get(pos..).and_then(|r| r.find('<')).map(|i| pos + i) {
        let rest = &raw[lt..];
        if rest.starts_with("<!--") {
            pos = rest
                .get(4..)
                .and_then(|r| r.find("-->"))
                .map_or(raw.len(), |i| lt + 4 + i + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = lt + 1 + usize::from(closing);
        if !raw[name_start..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            pos = lt + 1;
            continue;
        }
        let name_end = raw[name_start..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(raw.len(), |i| name_start + i);
        let name = raw[name_start..name_end].to_string();
        let mut attributes = Vec::new();
        let mut p = name_end;
        let end = loop {
            while p < bytes.len() && (bytes[p].is_ascii_whitespace() || bytes[p] == b'/') {
                p += 1;
            }
            match bytes.get(p) {
                None => break raw.len(),
                Some(b'>') => break p + 1,
                Some(_) => {}
            }
            let start = p;
            while p < bytes.len()
                && !bytes[p].is_ascii_whitespace()
                && !matches!(bytes[p], b'=' | b'>' | b'/')
            {
                p += 1;
            }
            while !raw.is_char_boundary(p) {
                p += 1;
            }
            if p == start {
                // A stray `=`: step over it.
                p += 1;
                continue;
            }
            attributes.push((raw[start..p].to_ascii_lowercase(), start));
            while p < bytes.len() && bytes[p].is_ascii_whitespace() {
                p += 1;
            }
            if bytes.get(p) != Some(&b'=') {
                continue;
            }
            p += 1;
            while p < bytes.len() && bytes[p].is_ascii_whitespace() {
                p += 1;
            }
            match bytes.get(p) {
                Some(&q @ (b'"' | b'\'')) => {
                    p = raw[p + 1..]
                        .find(char::from(q))
                        .map_or(raw.len(), |i| p + 1 + i + 1);
                }
                _ => {
                    while p < bytes.len() && !bytes[p].is_ascii_whitespace() && bytes[p] != b'>' {
                        p += 1;
                    }
                }
            }
        };
        pos = end;
        let lower = name.to_ascii_lowercase();
        let raw_text = RAW_TEXT.iter().find(|(t, _)| *t == lower);
        out.push(Tag {
            name,
            closing,
            range: lt..end,
            attributes,
        });
        if let (false, Some((_, close))) = (closing, raw_text) {
            pos = find_ascii_ci(raw, pos, close).unwrap_or(raw.len());
        }
    }
    out
}

/// Where `needle` (lowercase ASCII) starts in `raw` from byte `from`, ignoring ASCII case.
fn find_ascii_ci(raw: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = raw.as_bytes().get(from..)?;
    let n = needle.as_bytes();
    hay.windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
        .map(|i| from + i)
}

/// How far (bytes) an angle-bracket prompt may run before its `>`.
const PROMPT_MAX: usize = 600;

/// The length of an unfilled prompt such as `<Say who does this.>` at the start of `s`.
pub(crate) fn prompt_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix('<')?;
    let first = rest.chars().next()?;
    if !first.is_alphabetic() {
        return None;
    }
    let limit = rest.len().min(PROMPT_MAX);
    let window = rest.get(..limit).unwrap_or(rest);
    let close = window.find('>')?;
    let inner = &window[..close];
    if inner.contains("\n\n") || inner.contains(['<', '=', '"', '\'']) {
        return None;
    }
    // Autolinks: <https://example.com>, <name@example.com>.
    if !inner.contains(char::is_whitespace) && (inner.contains(':') || inner.contains('@')) {
        return None;
    }
    let prompt_like = inner.contains(char::is_whitespace) || inner.ends_with(['.', '…']);
    if !prompt_like {
        return None;
    }
    let word = inner
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or_default();
    if !first.is_uppercase() && ELEMENTS.binary_search(&word).is_ok() {
        return None;
    }
    Some(1 + close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_sorted_for_lookup() {
        assert!(ELEMENTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn html_is_told_apart_from_words_in_angle_brackets() {
        assert_eq!(kind("kbd"), Kind::Kept);
        assert_eq!(kind("BR"), Kind::Kept);
        assert_eq!(kind("details"), Kind::Kept);
        assert_eq!(kind("script"), Kind::Removed);
        assert_eq!(kind("font"), Kind::Removed);
        assert_eq!(kind("Enter"), Kind::Text);
        assert_eq!(kind("first"), Kind::Text);
        assert_eq!(kind("Title"), Kind::Text);
        assert_eq!(kind("my-widget"), Kind::Text);
    }

    #[test]
    fn tags_are_read_as_a_browser_reads_them() {
        let raw = "<p class=x onclick='a>b'>Press <Enter> <!-- <font> --></p><script>if (a<b) x()</script><first name>";
        let seen: Vec<(String, bool, Vec<String>)> = tags(raw)
            .into_iter()
            .map(|t| {
                (
                    t.name,
                    t.closing,
                    t.attributes.into_iter().map(|a| a.0).collect(),
                )
            })
            .collect();
        let expect = |n: &str, c: bool, a: &[&str]| {
            (
                n.to_string(),
                c,
                a.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            seen,
            [
                expect("p", false, &["class", "onclick"]),
                expect("Enter", false, &[]),
                expect("p", true, &[]),
                expect("script", false, &[]),
                expect("script", true, &[]),
                expect("first", false, &["name"]),
            ]
        );
        assert_eq!(tags("<Enter").first().map(|t| t.range.clone()), Some(0..6));
    }

    #[test]
    fn prompts_are_told_apart_from_html_and_autolinks() {
        assert_eq!(prompt_len("<Say why.> more"), Some(10));
        assert_eq!(prompt_len("<insert team name> x"), Some(18));
        assert_eq!(prompt_len("<Task.>"), Some(7));
        assert!(prompt_len("<details open>").is_none());
        assert!(prompt_len("<span class=\"x\">").is_none());
        assert!(prompt_len("<https://example.com>").is_none());
        assert!(prompt_len("<br>").is_none());
        assert!(prompt_len("< 100 and > 5").is_none());
        assert_eq!(prompt_len("<Name every role.\nIn the table.>"), Some(32));
    }
}
