//! Thin entry points for the cargo-fuzz targets in `fuzz/`, over crate-private readers (the
//! raw-HTML attribute scanner, the pack reader). Not an API: hidden from the docs, may change
//! at any time, and nothing in `sop` itself calls it. It only forwards; the behaviour is the
//! modules' own.

use std::ops::Range;

use crate::git::pack::{PackReader, Packs};
use crate::repo::html::{self, RawState};

/// One quoted attribute found by the raw-HTML scanner, with what its byte ranges select.
#[derive(Debug)]
pub struct ScannedAttribute {
    /// The element, lowercase.
    pub tag: String,
    /// The attribute name, lowercase.
    pub name: String,
    /// Where the value is in its fragment, between the quotes.
    pub value: Range<usize>,
    /// The fragment's text at `value`; `None` when the range is out of bounds or not on
    /// character boundaries (a scanner bug: the callers slice with it).
    pub text: Option<String>,
    /// Whether the attribute's name starts before its value and its quote is `"` or `'`.
    pub consistent: bool,
    /// The value with character references decoded, when `text` is `Some`.
    pub decoded: Option<String>,
}

/// Scan `fragments` one after the other, as pulldown-cmark hands raw HTML over line by line,
/// carrying the scanner's state from one to the next; one list of attributes per fragment.
pub fn scan_html<'a>(fragments: impl IntoIterator<Item = &'a str>) -> Vec<Vec<ScannedAttribute>> {
    let mut state = RawState::default();
    fragments
        .into_iter()
        .map(|raw| {
            html::url_attributes(raw, &mut state)
                .into_iter()
                .map(|a| {
                    let text = raw.get(a.value.clone()).map(str::to_owned);
                    let decoded = text.is_some().then(|| a.decoded(raw).into_owned());
                    ScannedAttribute {
                        consistent: a.start < a.value.start
                            && a.quote.is_none_or(|q| matches!(q, '"' | '\'')),
                        tag: a.tag,
                        name: a.name,
                        value: a.value,
                        text,
                        decoded,
                    }
                })
                .collect()
        })
        .collect()
}

/// Read the objects `ids` from a repository whose only pack is `pack` with index `idx`, with
/// the reader history uses; for each, its type and size, `None` where the reader gives up.
///
/// The files are written to a new temporary git folder each call (the reader opens packs from
/// disk and shares them by folder and name).
///
/// # Errors
/// The temporary files could not be written.
pub fn read_pack(
    idx: &[u8],
    pack: &[u8],
    ids: &[[u8; 20]],
) -> std::io::Result<Vec<Option<(u8, usize)>>> {
    let git_dir = tempfile::Builder::new().prefix("sop-fuzz-").tempdir()?;
    let pack_dir = git_dir.path().join("objects").join("pack");
    std::fs::create_dir_all(&pack_dir)?;
    std::fs::write(pack_dir.join("pack-fuzz.idx"), idx)?;
    std::fs::write(pack_dir.join("pack-fuzz.pack"), pack)?;
    let Some(packs) = Packs::open(git_dir.path()) else {
        return Ok(vec![None; ids.len()]);
    };
    let mut reader = PackReader::new(packs);
    Ok(ids
        .iter()
        .map(|id| {
            let oid = git2::Oid::from_bytes(id).ok()?;
            let (kind, data) = reader.object(oid)?;
            Some((kind, data.len()))
        })
        .collect())
}
