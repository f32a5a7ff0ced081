//! How a file's text is stored: its encoding (UTF-8, with or without the byte-order mark some
//! Windows editors write, or UTF-16, which Windows Notepad calls "Unicode") and its line
//! endings (LF, or CRLF as Windows editors write them).
//!
//! Two versions of an SOP that differ only in how they are stored hold the same text. Every
//! place that compares an SOP across versions (`sop lint --base`, `sop diff`, `sop review`, the
//! site's "revision in progress" note) asks [`same_text`] or [`same_bytes`], so that rule
//! lives here alone. This module depends on nothing else in the crate.

use std::borrow::Cow;

/// The UTF-8 byte-order mark, an invisible character some Windows editors put first.
pub const UTF8_BOM: &str = "\u{feff}";

/// How many leading bytes are looked at to recognise UTF-16 without a byte-order mark.
const SNIFF_BYTES: usize = 8192;

/// A kind of line ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ending {
    /// `\n` alone: Mac, Linux, git's own files, and what `sop` writes.
    Lf,
    /// `\r\n`: what Windows editors write.
    CrLf,
}

impl Ending {
    /// The bytes of the ending.
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Lf => "\n",
            Ending::CrLf => "\r\n",
        }
    }

    /// Its short name, as editors show it: `LF` or `CRLF`.
    pub fn name(self) -> &'static str {
        match self {
            Ending::Lf => "LF",
            Ending::CrLf => "CRLF",
        }
    }

    /// Its name for people who never heard of either: `LF (as on Mac and Linux)`.
    pub fn described(self) -> &'static str {
        match self {
            Ending::Lf => "LF (as on Mac and Linux)",
            Ending::CrLf => "CRLF (as on Windows)",
        }
    }

    /// The other kind.
    pub fn other(self) -> Ending {
        match self {
            Ending::Lf => Ending::CrLf,
            Ending::CrLf => Ending::Lf,
        }
    }
}

/// One line ending in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineEnd {
    /// Which kind it is.
    pub ending: Ending,
    /// The byte offset of its first byte (the `\r` of a CRLF).
    pub at: usize,
}

/// Every line ending of `text`, in order. A `\r` that is not followed by `\n` ends no line.
pub fn line_ends(text: &str) -> impl Iterator<Item = LineEnd> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\n', bytes).map(move |i| {
        if i > 0 && bytes.get(i - 1) == Some(&b'\r') {
            LineEnd {
                ending: Ending::CrLf,
                at: i - 1,
            }
        } else {
            LineEnd {
                ending: Ending::Lf,
                at: i,
            }
        }
    })
}

/// How many lines of a text end each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndingCounts {
    /// Lines ending with LF alone.
    pub lf: usize,
    /// Lines ending with CRLF.
    pub crlf: usize,
}

impl EndingCounts {
    /// Count the line endings of `text`.
    pub fn of(text: &str) -> EndingCounts {
        let total = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let crlf = memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count();
        EndingCounts {
            lf: total - crlf,
            crlf,
        }
    }

    /// How many lines end with `ending`.
    pub fn of_kind(self, ending: Ending) -> usize {
        match ending {
            Ending::Lf => self.lf,
            Ending::CrLf => self.crlf,
        }
    }

    /// The ending most lines use; LF when as many lines end each way, or none ends at all.
    pub fn majority(self) -> Ending {
        if self.crlf > self.lf {
            Ending::CrLf
        } else {
            Ending::Lf
        }
    }

    /// Whether some lines end with LF and others with CRLF.
    pub fn is_mixed(self) -> bool {
        self.lf > 0 && self.crlf > 0
    }

    /// The one ending every line uses; `None` for mixed endings or a text without line breaks.
    pub fn uniform(self) -> Option<Ending> {
        match (self.lf, self.crlf) {
            (0, 0) => None,
            (_, 0) => Some(Ending::Lf),
            (0, _) => Some(Ending::CrLf),
            _ => None,
        }
    }
}

/// The line ending to use for a line added to `text` (by `--fix`, `sop release`): the one
/// most of its lines end with, so an edit never mixes them.
pub fn dominant(text: &str) -> Ending {
    EndingCounts::of(text).majority()
}

/// `text` as versions are compared: without a leading byte-order mark, each CRLF made LF.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
    if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` with every line ending `ending` (a `\r` that ends no line is left as it is), for a
/// file written in the line endings of the one it came from.
pub fn with_ending(text: &str, ending: Ending) -> String {
    let lf = text.replace("\r\n", "\n");
    match ending {
        Ending::Lf => lf,
        Ending::CrLf => lf.replace('\n', "\r\n"),
    }
}

/// Whether `a` and `b` are the same text, whatever their line endings and byte-order marks.
pub fn same_text(a: &str, b: &str) -> bool {
    a == b || canonical(a.as_bytes()).eq(canonical(b.as_bytes()))
}

/// Whether the file contents `a` and `b` hold the same text: each is read as UTF-8 or UTF-16
/// first, then compared as [`same_text`] does. Contents that are not text are compared
/// byte for byte, CRLF and LF still alike.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    match (read_text(a), read_text(b)) {
        (Some(x), Some(y)) => same_text(&x, &y),
        _ => canonical(a).eq(canonical(b)),
    }
}

/// The bytes of `bytes` as compared: a leading UTF-8 byte-order mark dropped, and the `\r` of
/// each CRLF.
fn canonical(bytes: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let bytes = bytes.strip_prefix(UTF8_BOM.as_bytes()).unwrap_or(bytes);
    bytes
        .iter()
        .enumerate()
        .filter(move |&(i, &b)| !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
        .map(|(_, &b)| b)
}

/// The byte order of a UTF-16 file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Utf16 {
    /// Little-endian: Notepad's "Unicode" or "UTF-16 LE", the common one.
    Le,
    /// Big-endian: Notepad's "Unicode big endian" or "UTF-16 BE".
    Be,
}

impl Utf16 {
    /// Its name with the name Notepad gives it: `UTF-16 LE (Notepad's "Unicode")`.
    pub fn described(self) -> &'static str {
        match self {
            Utf16::Le => "UTF-16 LE (what Notepad calls \"Unicode\")",
            Utf16::Be => "UTF-16 BE (what Notepad calls \"Unicode big endian\")",
        }
    }

    /// The two bytes of a code unit as a number.
    fn unit(self, pair: &[u8]) -> u16 {
        let (a, b) = (
            pair.first().copied().unwrap_or(0),
            pair.get(1).copied().unwrap_or(0),
        );
        match self {
            Utf16::Le => u16::from_le_bytes([a, b]),
            Utf16::Be => u16::from_be_bytes([a, b]),
        }
    }
}

/// Whether `bytes` are UTF-16 text: they start with a UTF-16 byte-order mark (not UTF-32's),
/// or, without one, every other byte of the start is NUL as in mostly-Latin text (front
/// matter, Markdown marks) and the whole decodes to text without control characters.
pub fn detect_utf16(bytes: &[u8]) -> Option<Utf16> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return None,
        [0xFF, 0xFE, ..] => return Some(Utf16::Le),
        [0xFE, 0xFF, ..] => return Some(Utf16::Be),
        _ => {}
    }
    let sample = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut le, mut be) = (0, 0);
    for pair in sample.chunks_exact(2) {
        match pair {
            [0, 0] => return None,
            [_, 0] => le += 1,
            [0, _] => be += 1,
            _ => {}
        }
    }
    let order = match (le, be) {
        (le, 0) if le * 2 >= pairs => Utf16::Le,
        (0, be) if be * 2 >= pairs => Utf16::Be,
        _ => return None,
    };
    let text = decode_utf16(bytes, order)?;
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .then_some(order)
}

/// The text of UTF-16 `bytes` in byte order `order`, without the byte-order mark; `None` when
/// they are not valid UTF-16 (an odd number of bytes, a lone surrogate).
pub fn decode_utf16(bytes: &[u8], order: Utf16) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|pair| order.unit(pair));
    let text: String = char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()?;
    Some(match text.strip_prefix(UTF8_BOM) {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The text of a file's contents: UTF-8 as it is (a byte-order mark kept), UTF-16 decoded;
/// `None` for anything else.
pub fn read_text(bytes: &[u8]) -> Option<Cow<'_, str>> {
    if let Some(order) = detect_utf16(bytes) {
        return decode_utf16(bytes, order).map(Cow::Owned);
    }
    std::str::from_utf8(bytes).ok().map(Cow::Borrowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, order: Utf16, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for u in units {
            out.extend(match order {
                Utf16::Le => u.to_le_bytes(),
                Utf16::Be => u.to_be_bytes(),
            });
        }
        out
    }

    #[test]
    fn line_endings_are_counted_and_the_majority_wins() {
        let text = "a\r\nb\nc\r\nd\r\n\re";
        let c = EndingCounts::of(text);
        assert_eq!(c, EndingCounts { lf: 1, crlf: 3 });
        assert!(c.is_mixed());
        assert_eq!(c.majority(), Ending::CrLf);
        assert_eq!(c.uniform(), None);
        let ends: Vec<(Ending, usize)> = line_ends(text).map(|e| (e.ending, e.at)).collect();
        assert_eq!(
            ends,
            [
                (Ending::CrLf, 1),
                (Ending::Lf, 4),
                (Ending::CrLf, 6),
                (Ending::CrLf, 9)
            ]
        );
        assert_eq!(dominant("a\nb\r\n"), Ending::Lf, "a tie goes to LF");
        assert_eq!(dominant("no line break"), Ending::Lf);
        assert_eq!(EndingCounts::of("a\r\nb\r\n").uniform(), Some(Ending::CrLf));
    }

    #[test]
    fn with_ending_gives_every_line_one_ending() {
        let mixed = "a\r\nb\nc\rd\r\n";
        assert_eq!(with_ending(mixed, Ending::CrLf), "a\r\nb\r\nc\rd\r\n");
        assert_eq!(with_ending(mixed, Ending::Lf), "a\nb\nc\rd\n");
    }

    #[test]
    fn texts_that_differ_only_in_how_they_are_stored_are_the_same() {
        let lf = "---\nid: SOP-1\n---\n\n## Purpose\n\nWhy.\n";
        let crlf = lf.replace('\n', "\r\n");
        assert!(same_text(lf, &crlf));
        assert!(same_text(lf, &format!("{UTF8_BOM}{crlf}")));
        assert!(!same_text(lf, &crlf.replace("Why.", "Why not.")));
        assert!(
            !same_text(lf, lf.trim_end()),
            "a missing last line break is a change"
        );
        assert!(!same_text("a\rb", "a\nb"), "a lone CR is not a line ending");
        assert_eq!(normalize(&crlf), lf);
        assert!(matches!(normalize(lf), Cow::Borrowed(_)));
        assert!(same_bytes(lf.as_bytes(), crlf.as_bytes()));
        assert!(same_bytes(lf.as_bytes(), &utf16(&crlf, Utf16::Le, true),));
        assert!(!same_bytes(b"a\xff\r\n", b"a\xfe\n"));
        assert!(same_bytes(b"a\xff\r\n", b"a\xff\n"));
    }

    #[test]
    fn utf16_is_recognised_with_and_without_a_byte_order_mark() {
        let text = "---\r\nid: SOP-0001\r\ntitle: Réfunds\r\n---\r\n";
        for order in [Utf16::Le, Utf16::Be] {
            let with = utf16(text, order, true);
            assert_eq!(detect_utf16(&with), Some(order));
            assert_eq!(decode_utf16(&with, order).as_deref(), Some(text));
            assert_eq!(read_text(&with).as_deref(), Some(text));
            let without = utf16(text, order, false);
            assert_eq!(detect_utf16(&without), Some(order));
            assert_eq!(decode_utf16(&without, order).as_deref(), Some(text));
        }
        // UTF-32's mark, binary files, UTF-8 and tiny files are not UTF-16.
        assert_eq!(detect_utf16(b"\xFF\xFE\0\0-\0\0\0"), None);
        assert_eq!(detect_utf16(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
        assert_eq!(detect_utf16(b"a\0\0\0b\0\0\0"), None);
        assert_eq!(
            detect_utf16(b"a\0\x01\0b\0c\0"),
            None,
            "a control character"
        );
        assert_eq!(detect_utf16("---\nid: x\n".as_bytes()), None);
        assert_eq!(detect_utf16(b"a\0"), None);
        // A damaged file keeps its name but does not decode.
        assert_eq!(detect_utf16(b"\xFF\xFEa\0b"), Some(Utf16::Le));
        assert_eq!(decode_utf16(b"\xFF\xFEa\0b", Utf16::Le), None);
        assert_eq!(decode_utf16(b"\xFF\xFE\x00\xD8", Utf16::Le), None);
    }
}
