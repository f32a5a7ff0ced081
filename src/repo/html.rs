//! Raw HTML inside an SOP, read the way a browser tokenises it, for the URLs of its links and
//! images: lint checks them like Markdown links, and the site resolves them to pages and
//! copied files.

/// What the raw HTML read so far leaves open, carried from one raw fragment to the next
/// (pulldown-cmark hands an HTML block over line by line).
#[derive(Debug, Default)]
pub(crate) struct RawState {
    /// Inside a comment or the text of `script`, `style` or `textarea`: the text that ends it.
    pub(crate) skip_until: Option<&'static str>,
    /// The name of the tag whose `>` has not come yet, lowercase.
    pub(crate) open_tag: Option<String>,
}

/// Elements whose text the browser reads as text, not tags, and the text that ends them.
const RAW_TEXT: [(&str, &str); 3] = [
    ("script", "</script"),
    ("style", "</style"),
    ("textarea", "</textarea"),
];

/// A quoted attribute found in raw HTML.
#[derive(Debug)]
pub(crate) struct UrlAttribute {
    /// The element it belongs to, lowercase (`a`, `img`, …).
    pub(crate) tag: String,
    /// Its name, lowercase.
    pub(crate) name: String,
    /// Where the attribute starts (its name).
    pub(crate) start: usize,
    /// Its quote character; `None` for an unquoted value (`src=a.png`).
    pub(crate) quote: Option<char>,
    /// Where its value is, between the quotes.
    pub(crate) value: std::ops::Range<usize>,
}

/// The quoted attributes of the tags in `raw`, read the way a browser tokenises them (so a
/// `href=` inside another attribute's value or in text is not one), skipping comments and the
/// text of `script`, `style` and `textarea`. `state` carries a tag or comment that goes on into
/// the next fragment.
pub(crate) fn url_attributes(raw: &str, state: &mut RawState) -> Vec<UrlAttribute> {
    let bytes = raw.as_bytes();
    let mut found = Vec::new();
    let mut pos = 0;
    if let Some(tag) = state.open_tag.take() {
        pos = attributes(raw, pos, &tag, state, &mut found);
    }
    while pos < bytes.len() {
        if let Some(end) = state.skip_until {
            match find_ascii_ci(raw, pos, end) {
                Some(i) => {
                    pos = i + end.len();
                    state.skip_until = None;
                }
                None => break,
            }
            continue;
        }
        let Some(lt) = raw[pos..].find('<').map(|i| pos + i) else {
            break;
        };
        if raw[lt..].starts_with("<!--") {
            state.skip_until = Some("-->");
            pos = lt + 4;
            continue;
        }
        let name: String = raw[lt + 1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !raw[lt + 1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            pos = lt + 1;
            continue;
        }
        pos = attributes(raw, lt + 1 + name.len(), &name, state, &mut found);
    }
    found
}

/// Read the attributes of tag `tag` from byte `pos` up to its `>`, pushing those with values to
/// `found`; returns where reading stopped. A tag not closed in `raw` stays open in `state`.
fn attributes(
    raw: &str,
    mut pos: usize,
    tag: &str,
    state: &mut RawState,
    found: &mut Vec<UrlAttribute>,
) -> usize {
    let bytes = raw.as_bytes();
    loop {
        while pos < bytes.len() && (bytes[pos].is_ascii_whitespace() || bytes[pos] == b'/') {
            pos += 1;
        }
        let Some(&b) = bytes.get(pos) else {
            state.open_tag = Some(tag.to_string());
            return pos;
        };
        if b == b'>' {
            if let Some((_, close)) = RAW_TEXT.iter().find(|(t, _)| *t == tag) {
                state.skip_until = Some(close);
            }
            return pos + 1;
        }
        let start = pos;
        while pos < bytes.len()
            && !bytes[pos].is_ascii_whitespace()
            && !matches!(bytes[pos], b'=' | b'>' | b'/')
        {
            pos += 1;
        }
        // Names are ASCII in practice; anything else is skipped over whole characters.
        while !raw.is_char_boundary(pos) {
            pos += 1;
        }
        let name = raw[start..pos].to_ascii_lowercase();
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if bytes.get(pos) != Some(&b'=') {
            if pos == start {
                // A stray `/` or other byte: step over it.
                pos += 1;
                while !raw.is_char_boundary(pos) {
                    pos += 1;
                }
            }
            continue;
        }
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(&q @ (b'"' | b'\'')) => {
                let value_start = pos + 1;
                let Some(len) = raw[value_start..].find(char::from(q)) else {
                    // The value goes on past this fragment: leave the rest alone.
                    return bytes.len();
                };
                found.push(UrlAttribute {
                    tag: tag.to_string(),
                    name,
                    start,
                    quote: Some(char::from(q)),
                    value: value_start..value_start + len,
                });
                pos = value_start + len + 1;
            }
            _ => {
                let value_start = pos;
                while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() && bytes[pos] != b'>' {
                    pos += 1;
                }
                while !raw.is_char_boundary(pos) {
                    pos += 1;
                }
                if pos > value_start && pos < bytes.len() {
                    // An unquoted value, as browsers read it (`<img src=a.png>`).
                    found.push(UrlAttribute {
                        tag: tag.to_string(),
                        name,
                        start,
                        quote: None,
                        value: value_start..pos,
                    });
                }
            }
        }
    }
}

/// Where `needle` (lowercase ASCII) starts in `raw` from byte `from`, ignoring ASCII case.
fn find_ascii_ci(raw: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = raw.as_bytes().get(from..)?;
    let n = needle.as_bytes();
    hay.windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
        .map(|i| from + i)
}

impl UrlAttribute {
    /// The attribute's value in `raw` (the fragment it was read from) as the browser and the
    /// site's sanitiser read it: every character reference decoded by the HTML tokenizer
    /// ammonia parses with, named ones included (`javascript&colon;`, `java&Tab;script:`,
    /// `&#58` without its `;`), and in an attribute's own way (`a&copy=1` stays as written).
    /// Lint and the site both read a link's address here, so they cannot disagree about it.
    pub(crate) fn decoded<'r>(&self, raw: &'r str) -> std::borrow::Cow<'r, str> {
        let written = raw.get(self.value.clone()).unwrap_or_default();
        if !written.contains('&') && !written.contains('\0') {
            return std::borrow::Cow::Borrowed(written);
        }
        std::borrow::Cow::Owned(tokenize_value(written, self.quote))
    }
}

/// `written`, the value of an attribute quoted with `quote` (`None`: unquoted), as html5ever's
/// tokenizer reads it in a tag of its own.
fn tokenize_value(written: &str, quote: Option<char>) -> String {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{
        BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    };

    /// Keeps the value of the first attribute of the first tag.
    #[derive(Default)]
    struct FirstValue(std::cell::RefCell<Option<String>>);

    impl TokenSink for FirstValue {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(tag) = token
                && let Some(attr) = tag.attrs.first()
            {
                self.0
                    .borrow_mut()
                    .get_or_insert_with(|| attr.value.to_string());
            }
            TokenSinkResult::Continue
        }
    }

    let q = quote.map(String::from).unwrap_or_default();
    let tag = format!("<a v={q}{written}{q}>");
    let tokenizer = Tokenizer::new(FirstValue::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&tag));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer
        .sink
        .0
        .take()
        .unwrap_or_else(|| decode_entities(written).into_owned())
}

/// `value` of an HTML attribute with its character references decoded (`&amp;` → `&`).
pub(crate) fn decode_entities(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains('&') {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                _ => {
                    let code =
                        if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                            u32::from_str_radix(hex, 16).ok()
                        } else {
                            name.strip_prefix('#').and_then(|d| d.parse().ok())
                        };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_as_a_browser_reads_them() {
        let raw = r#"href="text" <a data-src="x" href=y title='href="z"' SRC = 'w'>"#;
        let mut state = RawState::default();
        let found = url_attributes(raw, &mut state);
        let seen: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|a| (a.tag.as_str(), a.name.as_str(), &raw[a.value.clone()]))
            .collect();
        assert_eq!(
            seen,
            [
                ("a", "data-src", "x"),
                ("a", "href", "y"),
                ("a", "title", r#"href="z""#),
                ("a", "src", "w")
            ]
        );
        // Unquoted values are read as browsers read them.
        let quotes: Vec<Option<char>> = found.iter().map(|a| a.quote).collect();
        assert_eq!(quotes, [Some('"'), None, Some('\''), Some('\'')]);
        // A tag that goes on over the next line.
        let mut state = RawState::default();
        assert!(url_attributes("<img alt=\"é\"", &mut state).len() == 1);
        assert_eq!(state.open_tag.as_deref(), Some("img"));
        let found = url_attributes(r#"  src="a.png">after"#, &mut state);
        assert_eq!(found.first().map(|a| a.name.as_str()), Some("src"));
        assert_eq!(state.open_tag, None);
    }

    #[test]
    fn values_are_decoded_as_the_browser_decodes_them() {
        let decoded = |raw: &str| {
            let mut state = RawState::default();
            url_attributes(raw, &mut state)
                .first()
                .map(|a| a.decoded(raw).into_owned())
        };
        for (raw, value) in [
            (
                "<a href=\"javascript&colon;alert(1)\">",
                "javascript:alert(1)",
            ),
            ("<a href='java&Tab;script:x'>", "java\tscript:x"),
            ("<a href=javascript&#58x>", "javascript:x"),
            ("<a href=\"javascript&#x0003A;x\">", "javascript:x"),
            ("<a href=\"a&amp;b.md\">", "a&b.md"),
            ("<a href=\"a&b.md\">", "a&b.md"),
            // In an attribute a named reference without `;` before `=` or a letter stays.
            ("<a href=\"?a=1&copy=2\">", "?a=1&copy=2"),
            ("<a href=\"a&copy.md\">", "a\u{a9}.md"),
            ("<img src=\"plain.png\">", "plain.png"),
        ] {
            assert_eq!(decoded(raw).as_deref(), Some(value), "{raw}");
        }
    }

    #[test]
    fn character_references_in_attributes_are_decoded() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x41;&bogus;&"),
            "a&b'cA&bogus;&"
        );
        assert_eq!(decode_entities("plain"), "plain");
    }
}
