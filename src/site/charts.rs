//! Small SVG bar charts drawn at build time for the dashboard: no script, no library, readable
//! in light and dark mode (the SVG carries its own `prefers-color-scheme` style).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::feeds::xml_escape;
use crate::repo::dates::Date;

const STYLE: &str = "<style>text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#3b4252}.bar{fill:#2f6feb}.bar.alt{fill:#c2410c}.axis{stroke:#c9ced6}.value{font-weight:600}@media (prefers-color-scheme:dark){text{fill:#d8dee9}.bar{fill:#6ea8fe}.bar.alt{fill:#fb923c}.axis{stroke:#4c566a}}</style>";

/// Vertical bars (months along the bottom). The first row is drawn in the alternate colour
/// when its label is `overdue`.
pub fn vertical_bars(title: &str, rows: &[(String, usize)]) -> String {
    let n = rows.len().max(1);
    let bar_w = 34;
    let gap = 10;
    let left = 8;
    let top = 20;
    let plot_h = 140;
    let width = left * 2 + n * (bar_w + gap);
    let height = top + plot_h + 40;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        xml_escape(title)
    );
    s.push_str(STYLE);
    let base = top + plot_h;
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/>",
        width - left
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let x = left + gap / 2 + i * (bar_w + gap);
        let h = value * plot_h / max;
        let y = base - h;
        let class = if i == 0 && label == "overdue" {
            "bar alt"
        } else {
            "bar"
        };
        let _ = write!(
            s,
            "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{bar_w}\" height=\"{h}\" rx=\"3\"/>"
        );
        let cx = x + bar_w / 2;
        let _ = write!(
            s,
            "<text class=\"value\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{value}</text>",
            y.saturating_sub(5).max(12)
        );
        let (line1, line2) = split_month(label);
        let _ = write!(
            s,
            "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            base + 16,
            xml_escape(&line1)
        );
        if !line2.is_empty() {
            let _ = write!(
                s,
                "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                base + 31,
                xml_escape(&line2)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Horizontal bars (categories down the side).
pub fn horizontal_bars(title: &str, rows: &[(String, usize)]) -> String {
    let label_w = 170;
    let plot_w = 260;
    let row_h = 26;
    let width = label_w + plot_w + 50;
    let height = rows.len().max(1) * row_h + 10;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        xml_escape(title)
    );
    s.push_str(STYLE);
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 5 + i * row_h;
        let w = (value * plot_w / max).max(2);
        let shown: String = if label.chars().count() > 24 {
            let mut t: String = label.chars().take(23).collect();
            t.push('…');
            t
        } else {
            label.clone()
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8,
            y + 16,
            xml_escape(&shown)
        );
        let _ = write!(
            s,
            "<rect class=\"bar\" x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"{}\" rx=\"3\"/>",
            y + 3,
            row_h - 8
        );
        let _ = write!(
            s,
            "<text class=\"value\" x=\"{}\" y=\"{}\">{value}</text>",
            label_w + w + 6,
            y + 16
        );
    }
    s.push_str("</svg>\n");
    s
}

/// `2026-11` → (`Nov`, `2026`); anything else stays on one line.
fn split_month(label: &str) -> (String, String) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if let Some((y, m)) = label.split_once('-')
        && let Ok(m) = m.parse::<usize>()
        && let Some(name) = m.checked_sub(1).and_then(|i| MONTHS.get(i))
    {
        return ((*name).to_string(), y.to_string());
    }
    (label.to_string(), String::new())
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

    #[test]
    fn charts_are_svg_with_labels() {
        let svg = vertical_bars("T & x", &[("2026-11".into(), 3), ("2026-12".into(), 0)]);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("aria-label=\"T &amp; x\""));
        assert!(svg.contains(">Nov</text>"));
        let h = horizontal_bars("S", &[("approved".into(), 9)]);
        assert!(h.contains(">approved</text>"));
    }
}
