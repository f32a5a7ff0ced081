//! Byte offsets to LSP positions and back, and `file:` URIs to repository paths.
//!
//! `sop` keeps every span as a byte range into the file; an editor counts columns in UTF-16
//! code units unless it offers UTF-8 at `initialize` (then bytes). [`LineIndex`] converts in
//! both directions for one text, clamping whatever the client sends into the text and onto
//! character boundaries, so no request can make the server slice a string out of bounds.
//! Depends on nothing else in the crate.

use std::path::{Path, PathBuf};

use lsp_types::{Position, PositionEncodingKind, Range, Url};

use crate::repo::Span;

/// How the client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: the protocol's default.
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no counting at all), else the default UTF-16.
    pub(crate) fn choose(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The name the server answers with.
    pub(crate) fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    /// The width of `c` in this encoding.
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// Where each line of one text starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index the lines of `text` (`\n` ends a line; a `\r` before it belongs to the ending).
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 0-based line that holds byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The byte at which 0-based `line` starts (the end of the text past the last line).
    pub(crate) fn line_start(&self, line: usize, text: &str) -> usize {
        self.starts.get(line).copied().unwrap_or(text.len())
    }

    /// The byte at which 0-based `line` ends, before its `\n` or `\r\n`.
    pub(crate) fn line_end(&self, line: usize, text: &str) -> usize {
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next.saturating_sub(1));
        let start = self.line_start(line, text).min(end);
        match text.get(start..end) {
            Some(content) if content.ends_with('\r') => end - 1,
            _ => end,
        }
    }

    /// The text of 0-based `line`, without its line ending.
    pub(crate) fn line<'t>(&self, line: usize, text: &'t str) -> &'t str {
        text.get(self.line_start(line, text)..self.line_end(line, text))
            .unwrap_or_default()
    }

    /// The position of byte `offset` (clamped into the text and back to a character boundary).
    pub(crate) fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line, text).min(offset);
        let before = text.get(start..offset).unwrap_or_default();
        let character = match enc {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of `pos`: a column past the end of its line means the end of the line,
    /// a line past the end of the text the end of the text, and a column inside a character
    /// (half of a UTF-16 surrogate pair) the start of that character.
    pub(crate) fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.line_start(line, text);
        let end = self.line_end(line, text);
        let wanted = pos.character as usize;
        let mut units = 0;
        for (i, c) in text.get(start..end).unwrap_or_default().char_indices() {
            let width = enc.width(c);
            if units + width > wanted {
                return start + i;
            }
            units += width;
        }
        end
    }

    /// The range of `span`.
    pub(crate) fn range(&self, text: &str, span: Span, enc: Encoding) -> Range {
        Range::new(
            self.position(text, span.start, enc),
            self.position(text, span.end, enc),
        )
    }

    /// The byte span of `range` (start and end in order).
    pub(crate) fn span(&self, text: &str, range: Range, enc: Encoding) -> Span {
        let a = self.offset(text, range.start, enc);
        let b = self.offset(text, range.end, enc);
        Span::new(a.min(b), a.max(b))
    }
}

/// `n` as a protocol number (files over 4 GiB are not SOPs: they are never read).
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The local path of a `file:` URI; `None` for any other scheme (an unsaved buffer).
pub(crate) fn to_path(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    uri.to_file_path().ok()
}

/// The `file:` URI of `path` (absolute).
pub(crate) fn to_uri(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// `path` relative to `root`, `/`-separated; also when the client names the file through a
/// symbolic link to the repository (`/tmp` for `/private/tmp`). `None` outside `root`.
pub(crate) fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = match path.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            // The file may not exist yet (a new buffer): resolve its folder instead.
            let (dir, name) = (path.parent()?, path.file_name()?);
            let real = std::fs::canonicalize(dir).ok()?.join(name);
            real.strip_prefix(root).ok()?.to_path_buf()
        }
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        // `é` is 2 bytes and 1 unit; `😀` is 4 bytes and 2 units.
        let text = "ab\né😀x\r\nlast";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x, Encoding::Utf16), Position::new(1, 3));
        assert_eq!(idx.position(text, x, Encoding::Utf8), Position::new(1, 6));
        assert_eq!(idx.offset(text, Position::new(1, 3), Encoding::Utf16), x);
        assert_eq!(idx.offset(text, Position::new(1, 6), Encoding::Utf8), x);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(
            idx.offset(text, Position::new(1, 2), Encoding::Utf16),
            text.find('😀').unwrap()
        );
        // Past the end of the line: before `\r\n`.
        assert_eq!(
            idx.offset(text, Position::new(1, 99), Encoding::Utf16),
            x + 1
        );
        assert_eq!(idx.line(1, text), "é😀x");
        // Past the last line: the end of the text.
        assert_eq!(
            idx.offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
        // Inside a character: back to its start.
        let inside = text.find('é').unwrap() + 1;
        assert_eq!(
            idx.position(text, inside, Encoding::Utf8),
            Position::new(1, 0)
        );
        assert_eq!(
            idx.position(text, text.len() + 5, Encoding::Utf16),
            Position::new(2, 4)
        );
    }

    #[test]
    fn ranges_round_trip() {
        let text = "---\ntitle: Café ☕ rules\n---\n";
        let idx = LineIndex::new(text);
        let start = text.find("Café").unwrap();
        let span = Span::new(start, start + "Café ☕".len());
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let range = idx.range(text, span, enc);
            assert_eq!(idx.span(text, range, enc), span);
        }
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        assert_eq!(Encoding::choose(None), Encoding::Utf16);
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::choose(Some(&both)), Encoding::Utf8);
    }

    #[test]
    fn paths_are_relative_to_the_root() {
        let root = Path::new("/repo");
        assert_eq!(
            relative(root, Path::new("/repo/sops/a/x.md")).as_deref(),
            Some("sops/a/x.md")
        );
        assert_eq!(relative(root, Path::new("/elsewhere/x.md")), None);
    }
}
