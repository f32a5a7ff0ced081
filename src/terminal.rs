//! Text from a repository made safe for a terminal: every human output (lists, tables, lint
//! messages, warnings, errors, history, diff) passes SOP text through here before printing.
//!
//! A title, file name or commit subject may hold control characters: `ESC ] 0 ; ... BEL` sets
//! the window title, `ESC [ 2 J` clears the screen, a carriage return overwrites what was
//! printed. They are shown as escapes (`\u{1b}`) instead, so the reader sees that they are
//! there and the terminal does nothing. This module depends on nothing else in the crate.

use std::borrow::Cow;

/// Whether `c` is a control character a terminal may act on: C0 (but see `keep`), DEL and C1,
/// plus the bidirectional overrides that reorder what the reader sees.
fn is_dangerous(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_with(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_dangerous(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) && !keep(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every control character escaped except line breaks (`\n`) and tabs, for
/// messages of several lines.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_with(text, |c| c == '\n' || c == '\t')
}

/// `text` with every control character escaped, line breaks and tabs too: for one table cell
/// or one line (a title, a file name, a commit subject).
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_with(text, |_| false)
}

/// `text` for one table cell of SOP text (a title, an owner, a department): each run of line
/// breaks and tabs (a YAML `"Refunds\nline two"` holds one) is one space, so the row stays one
/// line and reads as the words it holds; every other control character is escaped as
/// [`escape_line`] does, so the reader sees that it is there.
pub fn cell(text: &str) -> Cow<'_, str> {
    let spaced = |c: char| matches!(c, '\n' | '\r' | '\t' | '\u{b}' | '\u{c}' | '\u{85}');
    if !text.chars().any(spaced) {
        return escape_line(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut run = false;
    for c in text.chars() {
        if spaced(c) {
            if !run {
                out.push(' ');
            }
            run = true;
        } else {
            out.push(c);
            run = false;
        }
    }
    Cow::Owned(escape_line(&out).into_owned())
}

/// How many terminal columns `text` takes: two for each wide (CJK) character, none for
/// combining marks.
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// The width tables are fitted to when the terminal's is not known.
pub const DEFAULT_COLUMNS: usize = 100;

/// How many columns a table may take: `COLUMNS` when it is set to a number (a script may set
/// it), else the width of the terminal standard output goes to, else [`DEFAULT_COLUMNS`]
/// (output to a file or a pipe).
pub fn columns() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(terminal_size::Width(w), _)| usize::from(w))
                .filter(|&w| w > 0)
        })
        .unwrap_or(DEFAULT_COLUMNS)
}

/// `text` followed by spaces up to `columns` terminal columns.
pub fn pad(text: &str, columns: usize) -> String {
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(
        ' ',
        columns.saturating_sub(width(text)),
    ));
    out
}

/// The length in bytes of the escape `\u{…}` that `text` starts with (as [`escape_line`]
/// writes it), or of its first character.
fn first_unit(text: &str) -> usize {
    if let Some(rest) = text.strip_prefix("\\u{")
        && let Some(close) = rest.find('}')
        && close > 0
        && close <= 6
        && rest[..close].bytes().all(|b| b.is_ascii_hexdigit())
    {
        return 3 + close + 1;
    }
    text.chars().next().map_or(0, char::len_utf8)
}

/// `text` cut to at most `columns` terminal columns, ending in `…` when cut. An escape such as
/// `\u{1b}` is kept whole or left out, never cut in the middle.
pub fn truncate(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let unit = &rest[..first_unit(rest)];
        let w = width(unit);
        if used + w + 1 > columns {
            break;
        }
        out.push_str(unit);
        used += w;
        rest = &rest[unit.len()..];
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_esc_osc_bel_and_c1_but_keeps_plain_text() {
        assert_eq!(
            escape_line("T\u{1b}]0;OWNED\u{7}\u{1b}[2J"),
            "T\\u{1b}]0;OWNED\\u{7}\\u{1b}[2J"
        );
        assert_eq!(escape_line("a\u{9b}b\u{7f}"), "a\\u{9b}b\\u{7f}");
        assert_eq!(escape_line("a\r\nb\tc"), "a\\u{d}\\u{a}b\\u{9}c");
        assert_eq!(escape_controls("a\nb\tc\r"), "a\nb\tc\\u{d}");
        assert!(matches!(escape_line("Größe – ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_cell_shows_line_breaks_and_tabs_as_one_space_and_escapes_the_rest() {
        assert_eq!(cell("Refunds\nline two"), "Refunds line two");
        assert_eq!(cell("Pay\r\nments\t\u{b}\u{c}\u{85}x"), "Pay ments x");
        assert_eq!(cell("a\n\u{1b}[2J"), "a \\u{1b}[2J");
        assert_eq!(cell("T\u{1b}]0;x\u{7}"), escape_line("T\u{1b}]0;x\u{7}"));
        assert!(matches!(cell("Größe – ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn widths_count_terminal_columns() {
        assert_eq!(width("退款流程"), 8);
        assert_eq!(width("Größe"), 5);
        assert_eq!(pad("退款", 6), "退款  ");
        assert_eq!(truncate("虚拟礼物退款流程", 7), "虚拟礼…");
        assert_eq!(width(&truncate("虚拟礼物退款流程", 7)), 7);
        assert_eq!(truncate("short", 7), "short");
        // An escape is never cut in half.
        let title = escape_line("T\u{1b}]0;OWNED\u{7}\u{1b}[2J");
        assert_eq!(truncate(&title, 25), "T\\u{1b}]0;OWNED\\u{7}…");
        assert_eq!(truncate(&title, 20), "T\\u{1b}]0;OWNED…");
        assert_eq!(truncate("a\\u{zz} and more", 6), "a\\u{z…");
    }
}
