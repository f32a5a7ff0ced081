//! The text of one file and the map from byte offsets to lines and columns.
//!
//! Every span in `sop` is a byte range into the original file, front matter included. This
//! module turns such a range into the 1-based line and column (counted in Unicode scalar values)
//! that people and every output format see. It depends on nothing else in the crate.

use serde::Serialize;

/// A byte range `start..end` into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// An empty span at `at`.
    pub fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }

    /// This span moved `by` bytes to the right.
    pub fn shift(self, by: usize) -> Self {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number, starting at 1, in characters.
    pub column: usize,
}

/// The text of one file with the byte offset at which each line starts.
///
/// Turning an offset into a column costs at most [`CHAR_BLOCK`] bytes of counting, however long
/// the line: a file that is one 9 MB line with thousands of findings is still read once.
#[derive(Debug, Clone)]
pub struct SourceFile {
    text: String,
    line_starts: Vec<usize>,
    /// For text that is not all ASCII: the number of characters before each multiple of
    /// [`CHAR_BLOCK`] bytes. Empty for ASCII text, where characters are bytes.
    char_marks: Vec<usize>,
}

/// Lines longer than this many bytes are shown as a window of about this size around the
/// point of interest (human excerpts, SARIF fingerprints), so that the cost of showing a finding
/// does not grow with the length of its line.
pub const LONG_LINE: usize = 400;

/// Bytes of a long line kept before the point of interest.
const WINDOW_BEFORE: usize = 120;

/// How many bytes apart [`SourceFile`] keeps its character counts.
const CHAR_BLOCK: usize = 1024;

/// The number of characters that start in `bytes` (the bytes that are not UTF-8 continuation
/// bytes).
fn count_char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl SourceFile {
    /// Index the lines of `text`.
    pub fn new(text: String) -> Self {
        // Counted first: 10,000 SOPs keep their indexes for the whole run, and a guessed
        // capacity wastes more than the count costs.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut line_starts = Vec::with_capacity(lines + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let char_marks = if text.is_ascii() {
            Vec::new()
        } else {
            let mut marks = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
            let mut count = 0;
            for block in text.as_bytes().chunks(CHAR_BLOCK) {
                marks.push(count);
                count += count_char_starts(block);
            }
            marks
        };
        SourceFile {
            text,
            line_starts,
            char_marks,
        }
    }

    /// The number of characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        if self.char_marks.is_empty() {
            return offset;
        }
        let block = offset / CHAR_BLOCK;
        let from = block * CHAR_BLOCK;
        let before = self.char_marks.get(block).copied().unwrap_or(0);
        before + count_char_starts(self.text.as_bytes().get(from..offset).unwrap_or_default())
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of lines (a final newline does not start a new line).
    pub fn line_count(&self) -> usize {
        match self.line_starts.last() {
            Some(&last) if last == self.text.len() && self.line_starts.len() > 1 => {
                self.line_starts.len() - 1
            }
            _ => self.line_starts.len(),
        }
    }

    /// The byte offset at which 1-based `line` starts, clamped to the text.
    pub fn line_start(&self, line: usize) -> usize {
        let idx = line.saturating_sub(1).min(self.line_starts.len() - 1);
        self.line_starts.get(idx).copied().unwrap_or(0)
    }

    /// The span of 1-based `line`, without its line ending.
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.line_start(line);
        let idx = line.saturating_sub(1);
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        let slice = &self.text[start..end];
        let trimmed = slice.trim_end_matches(['\n', '\r']);
        Span::new(start, start + trimmed.len())
    }

    /// The part of 1-based `line` (without its ending) to show around byte `at`: the whole
    /// line when it has at most [`LONG_LINE`] bytes, else a window of about that size that
    /// starts a little before `at`; always on character boundaries.
    pub fn line_window(&self, line: usize, at: usize) -> Span {
        let whole = self.line_span(line);
        if whole.len() <= LONG_LINE {
            return whole;
        }
        let at = at.clamp(whole.start, whole.end);
        let start = self.floor_char_boundary(at.saturating_sub(WINDOW_BEFORE).max(whole.start));
        let end = self.floor_char_boundary((start + LONG_LINE).min(whole.end));
        Span::new(start, end)
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let span = self.line_span(line);
        &self.text[span.start..span.end]
    }

    /// The 1-based line and character column of byte `offset` (clamped to the text and moved
    /// back to a character boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset);
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        LineCol {
            line: line_idx + 1,
            column,
        }
    }

    /// The byte offset of 1-based `line` and character `column`, clamped to that line.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let span = self.line_span(line);
        let line_text = &self.text[span.start..span.end];
        let within = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        span.start + within
    }

    /// The largest character boundary at or below `offset`.
    pub fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut at = offset.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = SourceFile::new("a: 1\ntitle: Größe x\n".to_string());
        let x = src.text().find('x').unwrap_or(0);
        assert_eq!(
            src.line_col(x),
            LineCol {
                line: 2,
                column: 14
            }
        );
        assert_eq!(src.offset(2, 14), x);
        assert_eq!(src.line_text(2), "title: Größe x");
        assert_eq!(src.line_count(), 2);
    }

    #[test]
    fn columns_count_characters_across_count_blocks() {
        let line = "é".repeat(3000) + "x" + &"a".repeat(2000) + "y";
        let src = SourceFile::new(format!("ü\n{line}\n"));
        for target in ['x', 'y'] {
            let at = src.text().rfind(target).unwrap_or(0);
            let expected = line.chars().position(|c| c == target).unwrap_or(0) + 1;
            assert_eq!(
                src.line_col(at),
                LineCol {
                    line: 2,
                    column: expected
                }
            );
        }
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_point() {
        let line = "é".repeat(5000);
        let src = SourceFile::new(format!("short\n{line}\n"));
        assert_eq!(src.line_window(1, 2), src.line_span(1));
        let at = 6 + 2 * 3000;
        let w = src.line_window(2, at);
        assert!(w.start <= at && at < w.end && w.len() <= LONG_LINE, "{w:?}");
        assert!(src.text().is_char_boundary(w.start) && src.text().is_char_boundary(w.end));
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let src = SourceFile::new("é".to_string());
        assert_eq!(src.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(src.line_col(99), LineCol { line: 1, column: 2 });
    }
}
