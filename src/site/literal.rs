//! Angle-bracket text in an SOP that is not HTML: `Press <Enter>`, `Hi <first name>,`, a
//! template prompt `<Say why.>`. Markdown hands it over as raw HTML, which the sanitiser would
//! drop; here it becomes the text it is ([`crate::repo::elements`] says which tags are HTML).
//! In a draft, a template prompt is marked as still to write, with a label in the page's
//! language ("To write:").

use crate::repo::elements::{self, Kind, Tag};

/// How template prompts show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Prompts<'m> {
    /// Marked as still to write (drafts and SOPs in review): what goes before a prompt's text,
    /// made by [`prompt_open`].
    Marked(&'m str),
    /// As plain text (approved and retired SOPs, which lint keeps free of prompts).
    Plain,
}

/// What goes before a marked prompt's text: the mark and its `label` ("To write:"), escaped.
pub(super) fn prompt_open(label: &str) -> String {
    let mut out = String::from("<mark class=\"prompt\"><span class=\"prompt-label\">");
    for c in label.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out.push_str("</span> ");
    out
}

/// What goes after a marked prompt's text.
pub(super) const PROMPT_CLOSE: &str = "</mark>";

/// The HTML for `raw`, one inline tag as written, when it is text rather than HTML.
pub(super) fn inline(raw: &str, prompts: Prompts<'_>) -> Option<String> {
    let tags = elements::tags(raw);
    let tag = tags.first()?;
    if tag.range.start != 0 || elements::tag_kind(raw, tag) != Kind::Text {
        return None;
    }
    let mut out = String::with_capacity(raw.len() + 8);
    push_text(&mut out, raw, raw, tag, prompts, escape_html);
    Some(out)
}

/// An HTML block with its words in angle brackets made text.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Block {
    /// Still HTML: it starts with a real element (`<details>`), so Markdown inside it is not
    /// read, as in any HTML block.
    Html(String),
    /// Markdown to read again: the block was one only because it started with a word in angle
    /// brackets (`<Say why.>` on its own line), so it is the paragraph the writer wrote.
    Markdown(String),
}

/// `raw`, a whole HTML block, with its words in angle brackets made text; `None` when it has
/// none. With `reparse`, a block that starts with one becomes [`Block::Markdown`].
pub(super) fn block(raw: &str, prompts: Prompts<'_>, reparse: bool) -> Option<Block> {
    let tags = elements::tags(raw);
    let texts: Vec<&Tag> = tags
        .iter()
        .filter(|t| elements::tag_kind(raw, t) == Kind::Text)
        .collect();
    let first = texts.first()?;
    let markdown = reparse && first.range.start == raw.len() - raw.trim_start().len();
    // Read again, a prompt is text, which [`prompts_in_text`] finds.
    let (escape, prompts): (fn(&str, &mut String), _) = if markdown {
        (escape_markdown, Prompts::Plain)
    } else {
        (escape_html, prompts)
    };
    let mut out = String::with_capacity(raw.len() + 16);
    let mut copied = 0;
    for tag in texts {
        out.push_str(&raw[copied..tag.range.start]);
        push_text(&mut out, raw, &raw[tag.range.clone()], tag, prompts, escape);
        copied = tag.range.end;
    }
    out.push_str(&raw[copied..]);
    Some(if markdown {
        Block::Markdown(out)
    } else {
        Block::Html(out)
    })
}

/// A piece of text, or a template prompt in it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Piece<'t> {
    /// Text.
    Text(&'t str),
    /// A prompt (`<Task.>`, which Markdown does not read as a tag), angle brackets included.
    Prompt(&'t str),
}

/// `text` (Markdown text, not HTML) cut around the template prompts in it, or `None` when it
/// holds none.
pub(super) fn prompts_in_text(text: &str) -> Option<Vec<Piece<'_>>> {
    let mut pieces = Vec::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|r| r.find('<')).map(|i| from + i) {
        match elements::prompt_len(&text[i..]) {
            Some(len) => {
                if i > copied {
                    pieces.push(Piece::Text(&text[copied..i]));
                }
                pieces.push(Piece::Prompt(&text[i..i + len]));
                copied = i + len;
                from = copied;
            }
            None => from = i + 1,
        }
    }
    if pieces.is_empty() {
        return None;
    }
    if copied < text.len() {
        pieces.push(Piece::Text(&text[copied..]));
    }
    Some(pieces)
}

/// `written` (the text of `tag` in `raw`) escaped by `escape`, marked when it is a prompt.
fn push_text(
    out: &mut String,
    raw: &str,
    written: &str,
    tag: &Tag,
    prompts: Prompts<'_>,
    escape: fn(&str, &mut String),
) {
    let open = match prompts {
        Prompts::Marked(open)
            if raw
                .get(tag.range.start..)
                .and_then(elements::prompt_len)
                .is_some() =>
        {
            Some(open)
        }
        _ => None,
    };
    if let Some(open) = open {
        out.push_str(open);
    }
    escape(written, out);
    if open.is_some() {
        out.push_str(PROMPT_CLOSE);
    }
}

/// `text` as HTML text: its angle brackets escaped (character references in it stay, as the
/// browser would read them in the block).
fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// `text` as Markdown text: its angle brackets backslash-escaped.
fn escape_markdown(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_angle_brackets_are_text_and_html_is_not() {
        let open = prompt_open("To write:");
        let marked = Prompts::Marked(&open);
        assert_eq!(inline("<Enter>", marked).as_deref(), Some("&lt;Enter&gt;"));
        assert_eq!(inline("<kbd>", marked), None);
        assert_eq!(inline("</kbd>", marked), None);
        assert_eq!(inline("<script>", marked), None);
        assert_eq!(inline("<!-- x -->", marked), None);
        assert_eq!(
            inline("<Say why.>", marked).as_deref(),
            Some(
                "<mark class=\"prompt\"><span class=\"prompt-label\">To write:</span> &lt;Say why.&gt;</mark>"
            )
        );
        let open = prompt_open("Por <escribir> & \"ya\":");
        assert_eq!(
            inline("<Say why.>", Prompts::Marked(&open)).as_deref(),
            Some(
                "<mark class=\"prompt\"><span class=\"prompt-label\">Por &lt;escribir&gt; &amp; &quot;ya&quot;:</span> &lt;Say why.&gt;</mark>"
            ),
            "the label is text"
        );
        assert_eq!(
            inline("<Say why.>", Prompts::Plain).as_deref(),
            Some("&lt;Say why.&gt;")
        );
    }

    #[test]
    fn prompts_are_found_in_text() {
        assert_eq!(prompts_in_text("a < b and c > d"), None);
        assert_eq!(
            prompts_in_text("Do <Task.> now <x"),
            Some(vec![
                Piece::Text("Do "),
                Piece::Prompt("<Task.>"),
                Piece::Text(" now <x")
            ])
        );
    }

    #[test]
    fn blocks_keep_their_html_and_lose_no_words() {
        assert_eq!(
            block("<details>\n<summary>x</summary>\n", Prompts::Plain, true),
            None
        );
        assert_eq!(
            block(
                "<details>\nPress <Enter>.\n</details>\n",
                Prompts::Plain,
                true
            ),
            Some(Block::Html(
                "<details>\nPress &lt;Enter&gt;.\n</details>\n".into()
            ))
        );
        assert_eq!(
            block("<Say why.>\nAnd *more*.\n", Prompts::Plain, true),
            Some(Block::Markdown("\\<Say why.\\>\nAnd *more*.\n".into()))
        );
        assert_eq!(
            block("<Say why.>\n", Prompts::Marked("<mark>"), true),
            Some(Block::Markdown("\\<Say why.\\>\n".into()))
        );
        assert_eq!(
            block("<Say why.>\n", Prompts::Plain, false),
            Some(Block::Html("&lt;Say why.&gt;\n".into()))
        );
    }
}
