//! `sitemap.xml` and the Atom feeds of releases (the whole site, and one per department).
//!
//! With a base URL every link is absolute; without one they are relative to the file, which
//! feed readers resolve against the feed's own address.

use std::fmt::Write as _;

use super::select::{Selection, Shown};

/// A release as a feed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// The SOP's id.
    pub id: String,
    /// The SOP's title.
    pub title: String,
    /// The version released.
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Who released it.
    pub author: String,
    /// The release summary.
    pub summary: String,
    /// The department.
    pub department: Option<String>,
    /// Site path of the page of that version.
    pub path: String,
}

/// Every approved release of a published SOP (those with a page), newest first; a release
/// that was not approved is not announced. An SOP without approved releases in git gets one
/// entry for the version shown, dated by its `effective` date, so a site without history
/// still has a useful feed.
pub fn releases(selection: &Selection<'_>) -> Vec<FeedEntry> {
    let mut out = Vec::new();
    for e in &selection.entries {
        let department = e.sop.meta.department.as_ref().map(|d| d.value.clone());
        if e.archived.is_empty() {
            if matches!(e.shown, Shown::Draft) {
                continue;
            }
            let Some(date) = e.sop.meta.effective.as_ref().map(|d| d.value.clone()) else {
                continue;
            };
            if crate::repo::dates::parse_date(&date).is_err() {
                continue;
            }
            out.push(FeedEntry {
                id: e.id.clone(),
                title: e.sop.title().to_string(),
                version: e
                    .sop
                    .meta
                    .version
                    .as_ref()
                    .map(|v| v.value.clone())
                    .unwrap_or_default(),
                date,
                author: e
                    .sop
                    .meta
                    .owner
                    .as_ref()
                    .map(|o| o.value.clone())
                    .unwrap_or_default(),
                summary: "In effect".into(),
                department,
                path: e.url.clone(),
            });
            continue;
        }
        for a in &e.archived {
            let r = a.release;
            out.push(FeedEntry {
                id: e.id.clone(),
                title: a.sop.title().to_string(),
                version: r.version.clone(),
                date: r.date.clone(),
                author: r.tagger.clone(),
                summary: r.summary.clone(),
                department: department.clone(),
                path: a.url.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| b.version.cmp(&a.version))
    });
    out
}

/// An Atom feed of `entries` (the newest 50), written at site path `path`.
pub fn atom(title: &str, path: &str, base: Option<&str>, entries: &[FeedEntry]) -> String {
    let refs: Vec<&FeedEntry> = entries.iter().collect();
    atom_of(title, path, base, &refs)
}

/// [`atom`] over borrowed entries.
pub fn atom_of(title: &str, path: &str, base: Option<&str>, entries: &[&FeedEntry]) -> String {
    let root = super::root_of(path);
    let url = |site_path: &str| match base {
        Some(b) => format!("{}/{site_path}", b.trim_end_matches('/')),
        None => format!("{root}{site_path}"),
    };
    let feed_id = match base {
        Some(_) => url(path),
        None => format!("urn:sop:feed:{}", xml_escape(path)),
    };
    let updated = entries
        .first()
        .map_or("1970-01-01".to_string(), |e| e.date.clone());
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(title));
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&feed_id));
    let _ = writeln!(x, "  <updated>{updated}T00:00:00Z</updated>");
    let _ = writeln!(
        x,
        "  <link rel=\"self\" href=\"{}\"/>",
        xml_escape(&url(path))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&url("index.html"))
    );
    x.push_str("  <generator>sop</generator>\n");
    for e in entries.iter().take(50) {
        let entry_id = match base {
            Some(_) => url(&format!("{}#v{}", e.path, e.version)),
            None => format!(
                "urn:sop:release:{}:{}",
                xml_escape(&e.id),
                xml_escape(&e.version)
            ),
        };
        x.push_str("  <entry>\n");
        let _ = writeln!(
            x,
            "    <title>{} {} v{}</title>",
            xml_escape(&e.id),
            xml_escape(&e.title),
            xml_escape(&e.version)
        );
        let _ = writeln!(x, "    <id>{}</id>", xml_escape(&entry_id));
        let _ = writeln!(x, "    <updated>{}T00:00:00Z</updated>", e.date);
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&url(&e.path))
        );
        let author = if e.author.is_empty() {
            "unknown"
        } else {
            e.author.as_str()
        };
        let _ = writeln!(
            x,
            "    <author><name>{}</name></author>",
            xml_escape(author)
        );
        if let Some(d) = &e.department {
            let _ = writeln!(x, "    <category term=\"{}\"/>", xml_escape(d));
        }
        let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&e.summary));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// `sitemap.xml` listing `pages` (site paths).
pub fn sitemap(pages: &[&str], base: Option<&str>) -> String {
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in pages {
        let loc = match base {
            Some(b) => format!("{}/{p}", b.trim_end_matches('/')),
            None => (*p).to_string(),
        };
        let _ = writeln!(x, "  <url><loc>{}</loc></url>", xml_escape(&loc));
    }
    x.push_str("</urlset>\n");
    x
}

/// Escape text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_is_escaped_and_relative_without_base() {
        let e = FeedEntry {
            id: "SOP-1".into(),
            title: "Refunds & <gifts>".into(),
            version: "1.0.0".into(),
            date: "2026-01-02".into(),
            author: "A".into(),
            summary: "first".into(),
            department: Some("Pay".into()),
            path: "sops/SOP-1.html".into(),
        };
        let x = atom("T", "departments/pay.xml", None, &[e]);
        assert!(x.contains("Refunds &amp; &lt;gifts&gt;"));
        assert!(x.contains("href=\"../sops/SOP-1.html\""));
        assert!(x.contains("<updated>2026-01-02T00:00:00Z</updated>"));
        let s = sitemap(&["index.html"], Some("https://x.example/sops/"));
        assert!(s.contains("<loc>https://x.example/sops/index.html</loc>"));
    }
}
