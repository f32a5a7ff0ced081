//! Bare web addresses in text (`https://admin.example.com/refunds`, `www.example.com`), found
//! as GitHub finds them (GFM's "autolink literals"): at the start of the text or after a
//! space or `*`, `_`, `~`, `(`; up to a space or `<`; without the punctuation that ends a
//! sentence after it (`.`, `,`, `:`, `;`, `!`, `?`, `*`, `_`, `~`, `'`, `"`), a `)` it did not
//! open, or an entity-like `&name;` at its end. The domain has a dot, and its last two parts
//! no `_`.

use std::ops::Range;

/// Each web address in `text`: where it is, and the link it makes (`www.` gets `http://`).
pub(super) fn find(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // Most text has no address: two quick searches say so without looking at every word.
    let www = || {
        memchr::memchr_iter(b'.', bytes)
            .any(|dot| dot >= 3 && bytes[dot - 3..dot].eq_ignore_ascii_case(b"www"))
    };
    if memchr::memmem::find(bytes, b"://").is_none() && !www() {
        return out;
    }
    let mut i = 0;
    while i < bytes.len() {
        // An address starts the text or follows one of these ASCII bytes, so `i` is always on
        // a character's boundary where one can start.
        let boundary = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'*' | b'_' | b'~' | b'('
            );
        if !boundary {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let scheme = ["https://", "http://", "www."].into_iter().find(|p| {
            rest.get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
        });
        if let Some(prefix) = scheme
            && let Some(len) = extent(rest, prefix.len())
        {
            let shown = &rest[..len];
            let href = if prefix.eq_ignore_ascii_case("www.") {
                format!("http://{shown}")
            } else {
                shown.to_string()
            };
            out.push((i..i + len, href));
            i += len;
            continue;
        }
        i += 1;
    }
    out
}

/// How long the address starting `rest` is (its domain starts at `domain_at`), if it is one.
fn extent(rest: &str, domain_at: usize) -> Option<usize> {
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '<')
        .unwrap_or(rest.len());
    let mut len = end;
    while len > domain_at {
        let text = &rest[..len];
        let Some(last) = text.chars().next_back() else {
            break;
        };
        // An entity-like `&name;` at the end is left out whole.
        if last == ';'
            && let Some(amp) = text.rfind('&')
            && amp + 1 < len - 1
            && text[amp + 1..len - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric())
        {
            len = amp;
            continue;
        }
        let unbalanced = last == ')' && text.matches('(').count() < text.matches(')').count();
        if unbalanced
            || matches!(
                last,
                '.' | ',' | ':' | ';' | '!' | '?' | '*' | '_' | '~' | '\'' | '"'
            )
        {
            len -= last.len_utf8();
            continue;
        }
        break;
    }
    let domain_end = rest[domain_at..len]
        .find(['/', '?', '#'])
        .map_or(len, |e| domain_at + e);
    let domain = &rest[domain_at..domain_end];
    let parts: Vec<&str> = domain.split('.').collect();
    let valid = !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty())
        && parts.iter().rev().take(2).all(|p| !p.contains('_'));
    valid.then_some(len)
}

#[cfg(test)]
mod tests {
    use super::find;

    fn links(text: &str) -> Vec<(String, String)> {
        find(text)
            .into_iter()
            .map(|(r, href)| (text[r].to_string(), href))
            .collect()
    }

    #[test]
    fn bare_addresses_are_found_as_github_finds_them() {
        let one = |t: &str, shown: &str, href: &str| {
            assert_eq!(
                links(t),
                vec![(shown.to_string(), href.to_string())],
                "{t:?}"
            );
        };
        one(
            "Open https://admin.example.com/refunds and find it.",
            "https://admin.example.com/refunds",
            "https://admin.example.com/refunds",
        );
        one(
            "Read www.example.com/refund-policy.",
            "www.example.com/refund-policy",
            "http://www.example.com/refund-policy",
        );
        one(
            "(see https://example.com/a_(b))",
            "https://example.com/a_(b)",
            "https://example.com/a_(b)",
        );
        one(
            "(see https://example.com/x)",
            "https://example.com/x",
            "https://example.com/x",
        );
        one(
            "go to https://example.com/?q=1&amp; now",
            "https://example.com/?q=1",
            "https://example.com/?q=1",
        );
        one(
            "HTTPS://Example.com!",
            "HTTPS://Example.com",
            "HTTPS://Example.com",
        );
        one("€€ www.ä.de €", "www.ä.de", "http://www.ä.de");
        one(
            "Öffne https://beispiel.de/straße, dann",
            "https://beispiel.de/straße",
            "https://beispiel.de/straße",
        );
        for none in [
            "no address here",
            "xhttps://example.com",
            "https://localhost/x",
            "www.",
            "https://",
            "https://a_b.c_d/x",
            "mail help@example.com",
        ] {
            assert!(links(none).is_empty(), "{none:?}");
        }
        assert_eq!(
            links("https://a.example.com and www.b.org").len(),
            2,
            "two addresses"
        );
    }
}
