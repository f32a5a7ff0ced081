//! `sop import`: a document written elsewhere, as Markdown, becomes the body and front matter of
//! a new SOP.
//!
//! HTML (a page saved from Confluence or Google Docs) goes through `htmd`, with the page's
//! chrome (breadcrumbs, page metadata, scripts, styles, navigation) left out; Word goes through
//! `pandoc` (run by the command). Then, on the Markdown: the document's own metadata table (two
//! columns, near the top: Owner, Department, Effective date, Version, Document ID, …) becomes
//! front-matter keys and leaves the body; the title comes from that table, the first `# `
//! heading or the page's `<title>`; headings that name one of the type's sections (or an alias,
//! ignoring case and numbering) become its `## ` section; the sections still missing get the
//! prompts of the type's template; images in `data:` URIs become files.

use std::collections::HashMap;

use crate::lint::normalize_heading;
use crate::repo::markdown;
use crate::repo::{SopType, Span};

/// A document converted to Markdown, before it is shaped into an SOP.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// The Markdown.
    pub markdown: String,
    /// The page's `<title>`, when it had one.
    pub page_title: Option<String>,
}

/// Element ids and classes of page chrome: Confluence's breadcrumbs, page metadata, labels,
/// likes, comments and footer, and the usual navigation parts of a saved page.
const CHROME: &[&str] = &[
    "breadcrumb",
    "breadcrumbs",
    "breadcrumb-section",
    "page-metadata",
    "page-metadata-banner",
    "footer",
    "header",
    "navigation",
    "sidebar",
    "labels-section",
    "likes-and-labels-container",
    "comments-section",
    "page-restrictions",
    "attachments",
    "pageSection",
    "aui-header",
];

/// `html` as Markdown, without the page's chrome.
///
/// # Errors
/// When the HTML cannot be read (htmd's reader failed).
pub fn html_to_markdown(html: &str) -> std::io::Result<Converted> {
    let converter = htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Default::default()
        })
        .skip_tags(vec![
            "script", "style", "noscript", "nav", "header", "footer", "head", "form", "button",
            "iframe",
        ])
        .add_handler(
            vec!["div", "ol", "ul", "section", "span", "p", "table"],
            move |h: &dyn htmd::element_handler::Handlers, e: htmd::Element| {
                if is_chrome(&e) {
                    Some("".into())
                } else {
                    h.fallback(e)
                }
            },
        )
        .build();
    let markdown = converter.convert(&label_rows_as_data(html))?;
    Ok(Converted {
        markdown,
        page_title: page_title(html),
    })
}

/// `html` with label (`th`) and value (`td`) rows made plain two-column rows, so that a
/// metadata table reads as a Markdown table: its first row becomes the header (all `th`,
/// as Markdown tables need one), the other rows all `td`.
fn label_rows_as_data(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(start) = lower.get(at..).and_then(|t| t.find("<tr")).map(|i| at + i) {
        let Some(end) = lower
            .get(start..)
            .and_then(|t| t.find("</tr"))
            .map(|i| start + i)
        else {
            break;
        };
        out.push_str(html.get(at..start).unwrap_or_default());
        let row = html.get(start..end).unwrap_or_default();
        let lrow = lower.get(start..end).unwrap_or_default();
        if lrow.contains("<th") && lrow.contains("<td") {
            let before = lower.get(..start).unwrap_or_default();
            let first_row = before.rfind("<table").unwrap_or(0) >= before.rfind("<tr").unwrap_or(0);
            let (from, to) = if first_row {
                ("td", "th")
            } else {
                ("th", "td")
            };
            out.push_str(&retag(row, lrow, from, to));
        } else {
            out.push_str(row);
        }
        at = end;
    }
    out.push_str(html.get(at..).unwrap_or_default());
    out
}

/// `row` with its `<from>`/`</from>` cell tags written as `to`; `lrow` is `row` lowercased.
fn retag(row: &str, lrow: &str, from: &str, to: &str) -> String {
    let mut fixed = String::with_capacity(row.len());
    let mut i = 0;
    while let Some(ch) = row.get(i..).and_then(|r| r.chars().next()) {
        let rest = lrow.get(i..).unwrap_or_default();
        let tag_end = |n: usize| {
            rest.as_bytes()
                .get(n)
                .is_some_and(|b| *b == b'>' || b.is_ascii_whitespace())
        };
        if rest.starts_with(&format!("<{from}")) && tag_end(from.len() + 1) {
            fixed.push_str(&format!("<{to}"));
            i += from.len() + 1;
        } else if rest.starts_with(&format!("</{from}")) && tag_end(from.len() + 2) {
            fixed.push_str(&format!("</{to}"));
            i += from.len() + 2;
        } else {
            fixed.push(ch);
            i += ch.len_utf8();
        }
    }
    fixed
}

/// Whether the element is page chrome, by its id or class.
fn is_chrome(e: &htmd::Element) -> bool {
    e.attrs.iter().any(|a| {
        let name: &str = &a.name.local;
        (name == "id" || name == "class")
            && a.value
                .split_whitespace()
                .any(|v| CHROME.iter().any(|c| c.eq_ignore_ascii_case(v)))
    })
}

/// The text of `<title>`, without a Confluence space prefix (`Space : Title`) or a site suffix
/// (`Title - Confluence`).
fn page_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower.get(start..)?.find('>')? + 1;
    let close = open_end + lower.get(open_end..)?.find("</title")?;
    let raw = html.get(open_end..close)?;
    let text = decode_entities(raw.trim());
    let text = text
        .split(" - Confluence")
        .next()
        .unwrap_or(&text)
        .to_string();
    let text = match text.split_once(" : ") {
        Some((_, t)) => t.trim().to_string(),
        None => text.trim().to_string(),
    };
    (!text.is_empty()).then_some(text)
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

/// Front-matter values read from the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Keys found, as `(key, value)`, in the order of the table.
    pub keys: Vec<(&'static str, String)>,
    /// Rows whose label is no key, kept in the body.
    pub others: Vec<(String, String)>,
    /// Values that could not be used, each as a sentence for the summary.
    pub notes: Vec<String>,
}

impl Metadata {
    /// The value of `key`, when the table gave one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The key a metadata table's label stands for.
fn key_of(label: &str) -> Option<&'static str> {
    let l = label
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_ascii_lowercase()
        .replace(['*', '_'], "");
    Some(match l.as_str() {
        "owner" | "document owner" | "process owner" | "sop owner" | "author" | "owned by" => {
            "owner"
        }
        "department" | "team" | "business unit" | "division" => "department",
        "effective date" | "effective" | "effective from" | "date effective" => "effective",
        "version" | "revision" | "document version" | "version number" => "version",
        "document id" | "doc id" | "sop id" | "id" | "document number" | "sop number"
        | "reference" => "id",
        "title" | "document title" | "sop title" => "title",
        "last reviewed" | "last review" | "last review date" | "reviewed on" => "last_reviewed",
        "next review" | "next review date" | "review date" => "next_review",
        "approved by" | "approver" | "approvers" => "approvers",
        "status" | "document status" => "status",
        _ => return None,
    })
}

/// Find the document's metadata table near the top of `md` (before the second heading): two
/// columns, at least two rows naming keys. Returns the Markdown without it, and what it said.
pub fn take_metadata(md: &str) -> (String, Metadata) {
    let lines: Vec<&str> = md.split_inclusive('\n').collect();
    let mut headings = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines.get(i).copied().unwrap_or_default().trim();
        if line.starts_with('#') {
            headings += 1;
            if headings > 1 {
                break;
            }
        }
        if line.starts_with('|') {
            let end = (i..lines.len())
                .find(|&j| {
                    !lines
                        .get(j)
                        .is_some_and(|l| l.trim_start().starts_with('|'))
                })
                .unwrap_or(lines.len());
            let mut rows: Vec<Vec<String>> = lines
                .get(i..end)
                .unwrap_or_default()
                .iter()
                .map(|l| cells(l))
                .filter(|c| !is_separator(c) && c.iter().any(|x| !x.is_empty()))
                .collect();
            // A header row of column names (`| Field | Value |`, which Word and pandoc write
            // above a two-column table) says nothing about the document.
            if rows.first().is_some_and(|r| is_column_names(r)) {
                rows.remove(0);
            }
            let known = rows
                .iter()
                .filter(|r| r.len() == 2 && r.first().is_some_and(|l| key_of(l).is_some()))
                .count();
            if known >= 2 && rows.iter().all(|r| r.len() == 2) {
                let meta = read_rows(&rows);
                let mut out: String = lines.get(..i).unwrap_or_default().concat();
                if !meta.others.is_empty() {
                    out.push_str("| Detail | Value |\n| --- | --- |\n");
                    for (l, v) in &meta.others {
                        out.push_str(&format!("| {l} | {v} |\n"));
                    }
                }
                out.push_str(&lines.get(end..).unwrap_or_default().concat());
                return (out, meta);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    (md.to_string(), Metadata::default())
}

fn read_rows(rows: &[Vec<String>]) -> Metadata {
    let mut meta = Metadata::default();
    for row in rows {
        let (Some(label), Some(value)) = (row.first(), row.get(1)) else {
            continue;
        };
        let value = strip_inline(value);
        match key_of(label) {
            Some(key) if !value.is_empty() && meta.get(key).is_none() => {
                meta.keys.push((key, value));
            }
            Some(_) => {}
            None => meta
                .others
                .push((label.clone(), row.get(1).cloned().unwrap_or_default())),
        }
    }
    meta
}

/// A table cell's text without emphasis and escapes, as a front-matter value: the converters
/// write `Maria Lopez \\<maria@example.com>` for `Maria Lopez <maria@example.com>`.
fn strip_inline(s: &str) -> String {
    unescape(&s.replace("**", "").replace("<br>", ", "))
        .trim()
        .trim_matches('*')
        .trim()
        .to_string()
}

/// `text` without Markdown's backslash escapes: `\\<` is `<`, `\\_` is `_` (CommonMark escapes
/// any ASCII punctuation character so; a backslash before anything else stays).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether `row` names the columns of a two-column table of details rather than giving one:
/// `| Field | Value |`, `| Property | Details |`, `| Item | |`.
fn is_column_names(row: &[String]) -> bool {
    const LABELS: &[&str] = &[
        "field",
        "fields",
        "property",
        "item",
        "key",
        "attribute",
        "name",
        "detail",
        "details",
        "metadata",
        "information",
        "document information",
        "document control",
        "document details",
    ];
    const VALUES: &[&str] = &[
        "value",
        "values",
        "detail",
        "details",
        "information",
        "info",
        "description",
        "entry",
        "",
    ];
    let [label, value] = row else {
        return false;
    };
    let (label, value) = (
        strip_inline(label).to_lowercase(),
        strip_inline(value).to_lowercase(),
    );
    key_of(&label).is_none()
        && VALUES.contains(&value.as_str())
        && (label.is_empty() || LABELS.contains(&label.as_str()))
}

fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_string()).collect()
}

fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// A date as `YYYY-MM-DD`, from the ways documents write it (`2026-03-01`, `1 March 2026`,
/// `March 1, 2026`, `2026/03/01`); `None` for anything else (`01/03/2026` is ambiguous).
pub fn iso_date(text: &str) -> Option<String> {
    let t = text.trim();
    for format in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%d %B %Y",
        "%B %d, %Y",
        "%d %b %Y",
        "%b %d, %Y",
    ] {
        if let Ok(tm) = jiff::fmt::strtime::parse(format, t)
            && let Ok(d) = tm.to_date()
        {
            return Some(d.to_string());
        }
    }
    None
}

/// Why `text`, which [`iso_date`] does not read, is not taken as a date: two numbers that
/// could each be the day or the month (`03/04/2025`: 3 April or 4 March), or a form sop does
/// not read.
pub fn why_not_a_date(text: &str) -> String {
    let parts: Vec<&str> = text.trim().split(['/', '.', '-']).collect();
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = |n: u32| {
        MONTHS
            .get(usize::try_from(n).ok()?.checked_sub(1)?)
            .copied()
    };
    if let Some([a, b, _year]) = numbers.as_deref()
        && let (Some(ma), Some(mb)) = (month(*a), month(*b))
        && (1..=31).contains(a)
        && (1..=31).contains(b)
        && a != b
    {
        return format!("which could be {a} {mb} or {b} {ma}, so sop does not guess");
    }
    "which sop does not read as a date (it reads `2025-04-03`, `3 April 2025` and `April 3, 2025`)"
        .to_string()
}

/// A version as `MAJOR.MINOR.PATCH`: `1.2` → `1.2.0`, `v3` → `3.0.0`.
pub fn semver(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches(['v', 'V']).trim();
    let parts: Vec<&str> = t.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Some(format!("{}.{}.{}", n(0), n(1), n(2)))
}

/// The first `# ` heading's text, if the document has one.
pub fn first_h1(md: &str) -> Option<String> {
    let o = markdown::outline(md, Span::new(0, md.len()));
    o.headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.text.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The body of the SOP: `md` without its `# ` heading whose text is `title_heading`, its headings matched to the
/// type's sections (those become `## <Section>`, the rest move level with them), and each
/// missing section added, in the type's order, from `template` (the type's rendered template).
/// Also returns the names of the sections added.
pub fn shape_body(
    md: &str,
    title_heading: Option<&str>,
    ty: &SopType,
    template: &str,
) -> (String, Vec<String>) {
    let lookup = crate::scaffold::section_names(ty);
    let outline = markdown::outline(md, Span::new(0, md.len()));
    let title_heading = outline
        .headings
        .iter()
        .position(|h| h.level == 1 && Some(h.text.trim()) == title_heading);
    let matched = |text: &str| lookup.get(&normalize_heading(text)).copied();
    let top = outline
        .headings
        .iter()
        .enumerate()
        .filter(|(i, h)| Some(*i) != title_heading && matched(&h.text).is_some())
        .map(|(_, h)| h.level)
        .min()
        .unwrap_or(2);
    // Rewrite headings from the end, so earlier spans stay valid.
    let mut text = md.to_string();
    for (i, h) in outline.headings.iter().enumerate().rev() {
        let end = line_end(md, h.span.end);
        let replacement = if Some(i) == title_heading {
            String::new()
        } else if let Some(r) = matched(&h.text) {
            format!("## {}\n", ty.sections.get(r).cloned().unwrap_or_default())
        } else {
            let level = (i32::from(h.level) - i32::from(top) + 2).clamp(2, 6);
            format!("{} {}\n", "#".repeat(level as usize), h.text.trim())
        };
        text.replace_range(h.span.start..end, &replacement);
    }
    let (preamble, mut sections) = split_sections(&text);
    let prompts: HashMap<String, String> = {
        let (_, t) = split_sections(template);
        t.into_iter()
            .map(|(name, content)| (normalize_heading(&name), content))
            .collect()
    };
    let mut added = Vec::new();
    for (r, name) in ty.sections.iter().enumerate() {
        let present = sections
            .iter()
            .any(|(h, _)| lookup.get(&normalize_heading(h)) == Some(&r));
        if present {
            continue;
        }
        // After the last section that belongs before this one.
        let at = sections
            .iter()
            .rposition(|(h, _)| lookup.get(&normalize_heading(h)).is_some_and(|&x| x < r))
            .map_or(0, |p| p + 1);
        let content = prompts
            .get(&normalize_heading(name))
            .cloned()
            .unwrap_or_else(|| format!("\n{}\n", crate::scaffold::section_prompt(name)));
        sections.insert(at, (name.clone(), content));
        added.push(name.clone());
    }
    let mut out = preamble.trim().to_string();
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    for (name, content) in &sections {
        out.push_str(&format!("## {name}\n\n{}\n\n", content.trim()));
    }
    (format!("{}\n", out.trim_end()), added)
}

/// `md` cut at its `## ` headings: the text before the first, and each section's heading text
/// and content.
fn split_sections(md: &str) -> (String, Vec<(String, String)>) {
    let body_start = crate::repo::front_matter::split(md).body.start;
    let outline = markdown::outline(md, Span::new(body_start, md.len()));
    let h2: Vec<&markdown::Heading> = outline.headings.iter().filter(|h| h.level == 2).collect();
    let Some(first) = h2.first() else {
        return (
            md.get(body_start..).unwrap_or_default().to_string(),
            Vec::new(),
        );
    };
    let preamble = md
        .get(body_start..first.span.start)
        .unwrap_or_default()
        .to_string();
    let mut sections = Vec::new();
    for (i, h) in h2.iter().enumerate() {
        let start = line_end(md, h.span.end);
        let end = h2.get(i + 1).map_or(md.len(), |n| n.span.start);
        sections.push((
            h.text.trim().to_string(),
            md.get(start..end).unwrap_or_default().to_string(),
        ));
    }
    (preamble, sections)
}

fn line_end(text: &str, at: usize) -> usize {
    if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\n') {
        return at;
    }
    text.get(at..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| at + i + 1)
}

/// An image found in a `data:` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The file name to write it as (`image-1.png`).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// `md` with every `data:image/...;base64,` URI in a link replaced by `folder/image-N.ext`,
/// and the images to write.
pub fn extract_data_images(md: &str, folder: &str) -> (String, Vec<Image>) {
    let mut out = String::with_capacity(md.len());
    let mut images = Vec::new();
    let mut rest = md;
    while let Some(at) = rest.find("(data:image/") {
        let (before, from) = rest.split_at(at + 1);
        out.push_str(before);
        let end = from.find([')', ' ', '\n']).unwrap_or(from.len());
        let uri = from.get(..end).unwrap_or_default();
        let decoded = uri
            .strip_prefix("data:image/")
            .and_then(|r| r.split_once(";base64,"))
            .and_then(|(kind, data)| Some((extension(kind)?, base64(data)?)));
        match decoded {
            Some((ext, bytes)) => {
                let name = format!("image-{}.{ext}", images.len() + 1);
                out.push_str(&format!("{folder}/{name}"));
                images.push(Image { name, bytes });
            }
            None => out.push_str(uri),
        }
        rest = from.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    (out, images)
}

fn extension(kind: &str) -> Option<&'static str> {
    Some(match kind.to_ascii_lowercase().as_str() {
        "png" => "png",
        "jpeg" | "jpg" => "jpg",
        "gif" => "gif",
        "webp" => "webp",
        _ => return None,
    })
}

fn base64(data: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in data.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes() {
        assert_eq!(base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64("aGk").unwrap(), b"hi");
        assert!(base64("a*b").is_none());
    }

    #[test]
    fn a_date_that_could_be_read_two_ways_is_named_with_both() {
        assert_eq!(
            why_not_a_date("03/04/2025"),
            "which could be 3 April or 4 March, so sop does not guess"
        );
        assert!(why_not_a_date("13/04/2025").starts_with("which sop does not read"));
        assert!(why_not_a_date("soon").starts_with("which sop does not read"));
    }

    #[test]
    fn dates_and_versions() {
        assert_eq!(iso_date("1 March 2026").as_deref(), Some("2026-03-01"));
        assert_eq!(iso_date("March 1, 2026").as_deref(), Some("2026-03-01"));
        assert_eq!(iso_date("2026-03-01").as_deref(), Some("2026-03-01"));
        assert_eq!(iso_date("01/03/2026"), None);
        assert_eq!(semver("1.2").as_deref(), Some("1.2.0"));
        assert_eq!(semver("v3").as_deref(), Some("3.0.0"));
        assert_eq!(semver("draft"), None);
    }

    #[test]
    fn a_header_row_of_column_names_is_not_a_detail() {
        let md = "# Chargebacks\n\n| Field | Value |\n|---|---|\n| Owner | Tom Baker |\n| Department | Risk |\n\n## Purpose\n\nText.\n";
        let (body, meta) = take_metadata(md);
        assert_eq!(meta.get("owner"), Some("Tom Baker"));
        assert_eq!(body, "# Chargebacks\n\n\n## Purpose\n\nText.\n");
        // A first row that is a detail stays one.
        let md = "| Owner | Lena |\n| --- | --- |\n| Department | Payments |\n| Region | EU |\n";
        let (body, meta) = take_metadata(md);
        assert_eq!(meta.get("owner"), Some("Lena"));
        assert!(body.contains("| Region | EU |"), "{body}");
    }

    #[test]
    fn escapes_leave_the_values() {
        assert_eq!(
            strip_inline("Maria Lopez \\<maria@example.com\\>"),
            "Maria Lopez <maria@example.com>"
        );
        assert_eq!(strip_inline("**on\\_call\\-team**"), "on_call-team");
        assert_eq!(strip_inline("C:\\Users"), "C:\\Users");
    }

    #[test]
    fn the_metadata_table_leaves_the_body() {
        let md = "# Refunds\n\n| Owner | Lena Fischer |\n| --- | --- |\n| Department | Payments |\n| Classification | Internal |\n\n## Purpose\n\nText.\n";
        let (body, meta) = take_metadata(md);
        assert_eq!(meta.get("owner"), Some("Lena Fischer"));
        assert_eq!(meta.get("department"), Some("Payments"));
        assert_eq!(
            body,
            "# Refunds\n\n| Detail | Value |\n| --- | --- |\n| Classification | Internal |\n\n## Purpose\n\nText.\n"
        );
        let plain = "# A\n\n| Step | Who |\n| --- | --- |\n| Call | Agent |\n";
        assert_eq!(take_metadata(plain).0, plain);
    }

    #[test]
    fn data_images_become_files() {
        let (md, images) = extract_data_images("![a](data:image/png;base64,aGk=) x", "m");
        assert_eq!(md, "![a](m/image-1.png) x");
        assert_eq!(
            images,
            vec![Image {
                name: "image-1.png".into(),
                bytes: b"hi".to_vec()
            }]
        );
    }

    #[test]
    fn confluence_chrome_is_left_out() {
        let html = "<html><head><title>Ops : Refunds</title><style>p{}</style></head><body><ol id=\"breadcrumbs\"><li>Home</li></ol><div class=\"page-metadata\">Created by Ann</div><h1>Refunds</h1><p>Keep.</p><script>x()</script></body></html>";
        let c = html_to_markdown(html).unwrap();
        assert_eq!(c.page_title.as_deref(), Some("Refunds"));
        assert_eq!(c.markdown, "# Refunds\n\nKeep.");
        let table =
            "<table><tr><th>Owner</th><td>Ann</td></tr><tr><th>Version</th><td>2</td></tr></table>";
        let md = html_to_markdown(table).unwrap().markdown;
        assert!(md.contains("| Owner") && md.contains("| Ann"), "{md}");
    }
}
