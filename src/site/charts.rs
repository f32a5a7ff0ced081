//! Small SVG bar charts drawn at build time for the dashboard: no script, no library, readable
//! in light and dark mode (the SVG carries its own `prefers-color-scheme` style).
//!
//! Every chart is a column of horizontal bars [`WIDTH`] units wide with [`FONT_PX`] text, so on
//! a 360 px phone, where the dashboard shows it about 300 px wide, its labels stay at 12 px or
//! more; a longer series makes the chart taller, never smaller.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::feeds::xml_escape;
use crate::repo::dates::Date;

/// The chart's width in SVG units (and its natural width in CSS pixels).
pub const WIDTH: usize = 320;
/// The size of every label, in SVG units.
pub const FONT_PX: usize = 13;
// Shown 300 px wide, the labels are still 12 px or more.
const _: () = assert!(FONT_PX * 300 / WIDTH >= 12);
/// Where the labels end and the bars start.
const LABEL_W: usize = 132;
/// Room right of the longest bar for its value.
const VALUE_W: usize = 34;
const ROW_H: usize = 24;

const STYLE: &str = "<style>text{font:13px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#3b4252}.bar{fill:#2f6feb}.bar.alt{fill:#c2410c}.value{font-weight:600}@media (prefers-color-scheme:dark){text{fill:#d8dee9}.bar{fill:#6ea8fe}.bar.alt{fill:#fb923c}}</style>";

/// The words of a chart of months, in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthWords {
    /// The twelve months' short names, January first.
    months: Vec<String>,
    /// The label of the row of reviews already overdue.
    pub overdue: String,
}

impl MonthWords {
    /// The words from `months` (twelve short names separated by spaces, January first; the
    /// English ones when there are not twelve) and `overdue`.
    pub fn new(months: &str, overdue: String) -> MonthWords {
        let mut names: Vec<String> = months.split_whitespace().map(String::from).collect();
        if names.len() != 12 {
            names = ENGLISH_MONTHS.iter().map(|m| (*m).to_string()).collect();
        }
        MonthWords {
            months: names,
            overdue,
        }
    }
}

/// The months' short names when a catalogue has no twelve.
const ENGLISH_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One bar per month (`2026-11` reads `Nov 2026` in English), oldest at the top. A first row
/// labelled `overdue` reads `words.overdue`, drawn in the alternate colour.
pub fn month_bars(title: &str, rows: &[(String, usize)], words: &MonthWords) -> String {
    let bars: Vec<(String, usize, bool)> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let overdue = i == 0 && label == "overdue";
            let shown = if overdue {
                words.overdue.clone()
            } else {
                month_label(label, words)
            };
            (shown, *value, overdue)
        })
        .collect();
    draw(title, &bars)
}

/// One bar per category (status, department), in the order given.
pub fn horizontal_bars(title: &str, rows: &[(String, usize)]) -> String {
    let bars: Vec<(String, usize, bool)> = rows
        .iter()
        .map(|(label, value)| (label.clone(), *value, false))
        .collect();
    draw(title, &bars)
}

/// Bars of `(label, value, alternate colour)`, labels right-aligned left of the bars and each
/// value just past its bar's end.
fn draw(title: &str, bars: &[(String, usize, bool)]) -> String {
    let plot_w = WIDTH - LABEL_W - VALUE_W;
    let height = bars.len().max(1) * ROW_H + 8;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        xml_escape(title)
    );
    s.push_str(STYLE);
    for (i, (label, value, alt)) in bars.iter().enumerate() {
        let y = 4 + i * ROW_H;
        let baseline = y + ROW_H / 2 + FONT_PX * 3 / 8;
        let w = (value * plot_w / max).max(2);
        let shown = fit_label(label, LABEL_W - 8 - 4);
        // A label cut short says the whole name when pointed at.
        let whole = if shown == *label {
            String::new()
        } else {
            format!("<title>{}</title>", xml_escape(label))
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{baseline}\" text-anchor=\"end\">{}{whole}</text>",
            LABEL_W - 8,
            xml_escape(&shown)
        );
        let class = if *alt { "bar alt" } else { "bar" };
        let _ = write!(
            s,
            "<rect class=\"{class}\" x=\"{LABEL_W}\" y=\"{}\" width=\"{w}\" height=\"{}\" rx=\"3\"/>",
            y + 4,
            ROW_H - 8
        );
        let _ = write!(
            s,
            "<text class=\"value\" x=\"{}\" y=\"{baseline}\">{value}</text>",
            LABEL_W + w + 5
        );
    }
    s.push_str("</svg>\n");
    s
}

/// About how wide `c` is in the charts' font, in hundredths of its size (on the wide side, as
/// DejaVu Sans, the fallback of many Linux systems, draws them: a label is cut a little early
/// rather than clipped at the chart's edge).
fn char_width(c: char) -> usize {
    match c {
        'i' | 'l' | 'j' | '.' | ',' | '\'' | '|' | '!' | ':' | ';' => 34,
        'f' | 't' | 'r' | ' ' | 'I' | '(' | ')' | '-' => 44,
        'm' | 'w' => 100,
        'M' | 'W' => 110,
        'A'..='Z' => 80,
        '0'..='9' => 68,
        c if c.is_ascii() => 66,
        // Other scripts: CJK and other wide letters take the whole size.
        c if c as u32 >= 0x1100 => 110,
        _ => 76,
    }
}

/// `label` as it fits `width` pixels, cut with `…` when it does not.
fn fit_label(label: &str, width: usize) -> String {
    let px = |w: usize| w * FONT_PX / 100;
    let total: usize = label.chars().map(|c| px(char_width(c))).sum();
    if total <= width {
        return label.to_string();
    }
    let room = width.saturating_sub(px(char_width('…').max(100)));
    let mut used = 0;
    let mut out = String::new();
    for c in label.chars() {
        used += px(char_width(c));
        if used > room {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// `2026-11` → `Nov 2026`; anything else stays as it is.
fn month_label(label: &str, words: &MonthWords) -> String {
    if let Some((y, m)) = label.split_once('-')
        && let Ok(m) = m.parse::<usize>()
        && let Some(name) = m.checked_sub(1).and_then(|i| words.months.get(i))
    {
        return format!("{name} {y}");
    }
    label.to_string()
}

/// Counts for the `months` months starting with `today`'s, preceded by an `overdue` row for
/// earlier months.
pub fn months_ahead(
    per_month: &BTreeMap<String, usize>,
    today: Date,
    months: i32,
) -> Vec<(String, usize)> {
    let first = super::super::report::month_of(today);
    let mut rows = vec![(
        "overdue".to_string(),
        per_month
            .iter()
            .filter(|(m, _)| m.as_str() < first.as_str())
            .map(|(_, n)| n)
            .sum(),
    )];
    let (mut y, mut m) = (i32::from(today.year()), i32::from(today.month()));
    for _ in 0..months {
        let key = format!("{y:04}-{m:02}");
        rows.push((key.clone(), per_month.get(&key).copied().unwrap_or(0)));
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    if rows.iter().all(|r| r.1 == 0) {
        return Vec::new();
    }
    rows
}

/// Every month from the first to the last key (gaps filled with 0), the last `max` of them.
pub fn month_range(per_month: &BTreeMap<String, usize>, max: usize) -> Vec<(String, usize)> {
    let parse = |k: &str| -> Option<(i32, i32)> {
        let (y, m) = k.split_once('-')?;
        Some((y.parse().ok()?, m.parse().ok()?))
    };
    let (Some(first), Some(last)) = (
        per_month.keys().next().and_then(|k| parse(k)),
        per_month.keys().next_back().and_then(|k| parse(k)),
    ) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last && rows.len() < 1200 {
        let key = format!("{y:04}-{m:02}");
        rows.push((key.clone(), per_month.get(&key).copied().unwrap_or(0)));
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    let skip = rows.len().saturating_sub(max);
    rows.split_off(skip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ranges_fill_gaps() {
        let mut m = BTreeMap::new();
        m.insert("2025-11".to_string(), 2);
        m.insert("2026-02".to_string(), 1);
        let rows = month_range(&m, 24);
        let labels: Vec<_> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(labels, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(month_range(&m, 2).len(), 2);
    }

    fn english() -> MonthWords {
        MonthWords::new("", "overdue".into())
    }

    #[test]
    fn charts_are_svg_with_labels() {
        let rows = [
            ("overdue".into(), 1),
            ("2026-11".into(), 3),
            ("2026-12".into(), 0),
        ];
        let svg = month_bars("T & x", &rows, &english());
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("aria-label=\"T &amp; x\""));
        assert!(svg.contains(">Nov 2026</text>"));
        assert!(svg.contains(">overdue</text>"));
        assert_eq!(svg.matches("class=\"bar alt\"").count(), 1);
        let spanish = MonthWords::new(
            "ene feb mar abr may jun jul ago sep oct nov dic",
            "vencidas".into(),
        );
        let svg = month_bars("T", &rows, &spanish);
        assert!(svg.contains(">dic 2026</text>"), "{svg}");
        assert!(svg.contains(">vencidas</text>"), "{svg}");
        assert_eq!(svg.matches("class=\"bar alt\"").count(), 1);
        let h = horizontal_bars("S", &[("approved".into(), 9)]);
        assert!(h.contains(">approved</text>"));
    }

    /// A phone shows the chart about 300 px wide: the text must not shrink below 12 px there,
    /// however many rows it has.
    #[test]
    fn charts_keep_their_width_and_text_size_for_long_series() {
        let rows: Vec<(String, usize)> = (1..=24)
            .map(|m| {
                (
                    format!("{}-{:02}", 2024 + (m - 1) / 12, (m - 1) % 12 + 1),
                    m,
                )
            })
            .collect();
        let svg = month_bars("Releases", &rows, &english());
        assert!(svg.contains(&format!("viewBox=\"0 0 {WIDTH} ")));
        assert!(svg.contains(&format!("font:{FONT_PX}px")));
        assert_eq!(svg.matches("<rect").count(), 24);
        let long = horizontal_bars("D", &[("Customer Support and Success".into(), 1)]);
        assert!(
            long.contains(">Customer Supp…<title>Customer Support and Success</title></text>"),
            "{long}"
        );
    }

    #[test]
    fn long_labels_are_cut_to_fit_and_said_whole_on_pointing() {
        let svg = horizontal_bars(
            "By department",
            &[
                ("Payments Operations".to_string(), 2),
                ("Ops".to_string(), 1),
            ],
        );
        assert!(svg.contains(">Ops</text>"), "{svg}");
        assert!(
            svg.contains("…<title>Payments Operations</title></text>"),
            "{svg}"
        );
        // Whatever the letters, a label cut short fits where the labels go.
        for label in [
            "Payments Operations",
            "MMMMMMMMMMMMMMMMMMMMMMMM",
            "Kundendienst Österreich",
            "客户服务客户服务客户服务",
        ] {
            let shown = fit_label(label, LABEL_W - 12);
            let px: usize = shown
                .chars()
                .map(|c| char_width(c).max(if c == '…' { 100 } else { 0 }) * FONT_PX / 100)
                .sum();
            assert!(px <= LABEL_W - 12, "{label}: {shown} is {px} px");
            assert!(shown.ends_with('…'), "{shown}");
        }
    }
}
