//! The template tags of other site generators in an SOP's body: Hugo's shortcodes
//! (`{{< alert >}}`, `{{% note %}}`, `{{< ref "a.md" >}}`) and Jekyll's Liquid tags
//! (`{% include note.html %}`, `{% link a.md %}`), and the lines that paste in another file:
//! mdBook's `{{#include file.md}}` and MkDocs' snippets (`--8<-- "file.md"`). `sop`'s site runs
//! no template language, so a page shows them as written; lint (`shortcode-as-text`) reads them
//! from here.
//!
//! Code spans, code blocks and HTML comments are skipped: there they are shown or hidden as
//! the writer meant. Liquid output (`{{ name }}`) is read only as a link's address in Jekyll's
//! forms (`{{ "/forms/refund/" | relative_url }}`, `{{ site.baseurl }}/forms/refund/`):
//! elsewhere support macros write their own `{{customer_name}}` fields in that form, which
//! readers are meant to see.

use super::{Sop, Span};

/// Which generator's syntax a tag is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// A Hugo shortcode, `{{< … >}}` or `{{% … %}}`.
    Hugo,
    /// A Jekyll (Liquid) tag, `{% … %}`.
    Liquid,
    /// An mdBook link to another file, `{{#include file.md}}` (also `rustdoc_include`,
    /// `playground` and `title`).
    MdBook,
    /// A line that pastes in another file with MkDocs' snippets extension, `--8<-- "file.md"`,
    /// or opens or closes a block of file names (`--8<--` alone).
    Snippet,
}

impl Syntax {
    /// The name readers of the finding know it by.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Hugo => "Hugo shortcode",
            Syntax::Liquid => "Liquid tag",
            Syntax::MdBook => "mdBook tag",
            Syntax::Snippet => "MkDocs snippet",
        }
    }
}

/// One template tag found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcode {
    /// Its syntax.
    pub syntax: Syntax,
    /// Where it is in the file, from its `{` to after its closing `}`.
    pub span: Span,
    /// Its name, lowercase (`alert`, `ref`, `include`); empty when it has none.
    pub name: String,
    /// Whether it closes another (`{{< /alert >}}`; Liquid's `{% endhighlight %}` is a tag of
    /// its own name).
    pub closing: bool,
    /// For a link to a file of the site (`ref`, `relref`, `link`): the file as written; for a
    /// link's address written with Liquid output, the page's address on the site it gives
    /// (`/forms/refund/`), when it is one of the simple forms.
    pub target: Option<String>,
    /// Whether it is a link's address written with Liquid output (`target` is then an
    /// address on the site, not a file).
    pub address: bool,
}

/// How far a tag may reach before its end, in bytes: a tag that is not closed by then is
/// braces in prose.
const LONGEST: usize = 1000;

/// The template tags of `sop`'s body, in order.
pub fn find(sop: &Sop) -> Vec<Shortcode> {
    let text = sop.source.text();
    let body = sop.split.body;
    let Some(md) = text.get(body.start..body.end) else {
        return Vec::new();
    };
    let mut out = snippets(sop, md, body.start);
    // One fast pass for the common body without any: a `{` followed by `{` or `%`.
    let bytes = md.as_bytes();
    if !memchr::memchr_iter(b'{', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'{' | b'%'))) {
        return out;
    }
    let outline = sop.outline();
    let snippet_lines = out.len();
    let mut from = 0;
    while let Some(found) = md.get(from..).and_then(|rest| rest.find('{')) {
        let at = from + found;
        from = at + 1;
        let rest = md.get(at..).unwrap_or_default();
        let (syntax, open, close) = if rest.starts_with("{{<") {
            (Syntax::Hugo, 3, ">}}")
        } else if rest.starts_with("{{%") {
            (Syntax::Hugo, 3, "%}}")
        } else if rest.starts_with("{{#") && is_mdbook_name(&rest[3..]) {
            (Syntax::MdBook, 3, "}}")
        } else if rest.starts_with("{%") {
            (Syntax::Liquid, 2, "%}")
        } else if rest.starts_with("{{") {
            let abs = body.start + at;
            if let Some((len, target)) = liquid_address(md, at)
                && !outline.in_code(abs)
                && !outline.in_comment(abs)
            {
                out.push(Shortcode {
                    syntax: Syntax::Liquid,
                    span: Span::new(abs, abs + len),
                    name: String::new(),
                    closing: false,
                    target,
                    address: true,
                });
                from = at + len;
            }
            continue;
        } else {
            continue;
        };
        // At most LONGEST bytes, cut where a character starts.
        let mut cut = LONGEST.min(rest.len());
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let window = rest.get(..cut).unwrap_or_default();
        let Some(end) = window.find(close) else {
            continue;
        };
        // A tag goes on over lines, but not over a blank one (a new paragraph).
        let inner = window.get(open..end).unwrap_or_default();
        if inner.contains("\n\n") || inner.contains("\n\r\n") {
            continue;
        }
        let abs = body.start + at;
        if outline.in_code(abs) || outline.in_comment(abs) {
            continue;
        }
        let len = end + close.len();
        out.push(read(syntax, inner, Span::new(abs, abs + len)));
        from = at + len;
    }
    if snippet_lines > 0 {
        out.sort_by_key(|tag| tag.span.start);
    }
    out
}

/// A link's address written with Jekyll's Liquid output at `at` in `md` (just after the `](`
/// of a link, or the `]:` of a link's definition): its length in bytes, from the first `{{`
/// to the end of the address (`{{ site.baseurl }}/forms/refund/` as a whole), and the address
/// on the site it gives when it is one of the simple forms: `{{ "/path/" | relative_url }}`
/// (or `absolute_url`, or `prepend: site.baseurl`), or `{{ site.baseurl }}` (`site.url`)
/// followed by the path. `None` when it is not in a link's address or not Jekyll's (a support
/// macro's `{{ticket_url}}`).
fn liquid_address(md: &str, at: usize) -> Option<(usize, Option<String>)> {
    let before = md.get(..at)?;
    let line_before = before.get(before.rfind('\n').map_or(0, |i| i + 1)..)?;
    let angle = line_before.ends_with("](<");
    let definition = {
        let t = line_before.trim();
        t.starts_with('[') && t.ends_with("]:")
    };
    if !(angle || line_before.ends_with("](") || definition) {
        return None;
    }
    let line = md.get(at..)?.split('\n').next()?;
    let mut len = 0;
    let mut path = String::new();
    let (mut jekyll, mut simple) = (false, true);
    while let Some(tag) = line.get(len..).filter(|t| t.starts_with("{{")) {
        let end = tag.find("}}")?;
        let inner = tag.get(2..end)?;
        len += end + 2;
        match liquid_output(inner) {
            Output::Base => jekyll = true,
            Output::Path(p) => {
                jekyll = true;
                path.push_str(p);
            }
            Output::Other { jekyll: j } => {
                jekyll |= j;
                simple = false;
            }
        }
    }
    if !jekyll {
        return None;
    }
    // The rest of the address: up to the link's end, its title, or the line's end.
    let tail = line.get(len..)?;
    let stop = tail
        .find(|c: char| c.is_whitespace() || c == ')' || (angle && c == '>'))
        .unwrap_or(tail.len());
    path.push_str(tail.get(..stop)?);
    len += stop;
    Some((len, Some(path).filter(|p| simple && !p.is_empty())))
}

/// What one Liquid output (`inner`, between `{{` and `}}`) of a link's address gives.
enum Output<'a> {
    /// The site's address (`site.baseurl`, `site.url`): the path follows it.
    Base,
    /// A path made into the site's address (`"/forms/refund/" | relative_url`).
    Path(&'a str),
    /// Anything else; `jekyll` when it uses Jekyll's filters or `site` variables.
    Other { jekyll: bool },
}

fn liquid_output(inner: &str) -> Output<'_> {
    // `{{- x -}}`: Liquid's whitespace control.
    let inner = inner.trim_matches(|c: char| c.is_whitespace() || c == '-');
    let mut parts = inner.split('|').map(str::trim);
    let value = parts.next().unwrap_or_default();
    let filters: Vec<&str> = parts.collect();
    let site = |v: &str| matches!(v, "site.baseurl" | "site.url" | "site.github.url");
    let quoted = ['"', '\''].iter().find_map(|&q| {
        value
            .strip_prefix(q)?
            .strip_suffix(q)
            .filter(|p| !p.contains(q))
    });
    let makes_address = |f: &&str| {
        matches!(*f, "relative_url" | "absolute_url")
            || f.strip_prefix("prepend:").is_some_and(|v| site(v.trim()))
    };
    match quoted {
        Some(path) if !filters.is_empty() && filters.iter().all(makes_address) => {
            Output::Path(path)
        }
        None if filters.is_empty() && site(value) => Output::Base,
        _ => Output::Other {
            jekyll: ["relative_url", "absolute_url", "site.", "page."]
                .iter()
                .any(|word| inner.contains(word)),
        },
    }
}

/// Whether `rest` (after `{{#`) starts with the name of one of mdBook's links to a file; other
/// `{{#…}}` (a Mustache section in a support macro) is left alone.
fn is_mdbook_name(rest: &str) -> bool {
    let name = rest
        .split(|c: char| c.is_whitespace() || c == '}')
        .next()
        .unwrap_or_default();
    matches!(name, "include" | "rustdoc_include" | "playground" | "title")
}

/// The lines of `md` (the body, at `base` in the file) that MkDocs' snippets extension replaces
/// with another file: `--8<-- "file.md"`, or `--8<--` alone around a block of file names. A
/// line written `;--8<--` is the extension's escape, shown as written by MkDocs too.
fn snippets(sop: &Sop, md: &str, base: usize) -> Vec<Shortcode> {
    const MARK: &str = "--8<--";
    let mut out = Vec::new();
    if memchr::memmem::find(md.as_bytes(), MARK.as_bytes()).is_none() {
        return out;
    }
    let outline = sop.outline();
    let mut start = 0;
    for line in md.split_inclusive('\n') {
        let at = start;
        start += line.len();
        let content = line.trim_end();
        let trimmed = content.trim_start();
        let Some(rest) = trimmed.strip_prefix(MARK) else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            continue;
        }
        let abs = base + at + (content.len() - trimmed.len());
        if outline.in_code(abs) || outline.in_comment(abs) {
            continue;
        }
        out.push(Shortcode {
            syntax: Syntax::Snippet,
            span: Span::new(abs, abs + trimmed.len()),
            name: "include".to_string(),
            closing: false,
            target: None,
            address: false,
        });
    }
    out
}

/// The tag with the text `inner` between its delimiters.
fn read(syntax: Syntax, inner: &str, span: Span) -> Shortcode {
    // `{{</* x */>}}` and `{%- x -%}`: Hugo's escape and Liquid's whitespace control.
    let inner = inner.trim_matches(|c: char| c.is_whitespace() || c == '-' || c == '*');
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, inner),
    };
    let mut words = inner.split_whitespace();
    let name = words.next().unwrap_or_default().to_ascii_lowercase();
    let target = match (syntax, name.as_str()) {
        (Syntax::Hugo, "ref" | "relref") | (Syntax::Liquid, "link") => words
            .next()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
            .filter(|w| !w.is_empty()),
        _ => None,
    };
    Shortcode {
        syntax,
        span,
        name,
        closing,
        target,
        address: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<(Syntax, String, bool, Option<String>, String)> {
        let text = format!("---\nid: SOP-0001\n---\n{body}");
        let sop = Sop::parse("sops/a/SOP-0001-a.md".into(), text.clone(), "SOP");
        find(&sop)
            .into_iter()
            .map(|s| {
                (
                    s.syntax,
                    s.name,
                    s.closing,
                    s.target,
                    text[s.span.start..s.span.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_tag_longer_than_the_window_is_not_looked_for_to_the_end() {
        // The window's end falls inside a three-byte character: it is cut before it, never
        // widened to the rest of the file (which made long files slow, each `{%` searching on).
        let body = format!("{{% {} %}}\n", "\u{65e5}".repeat(500));
        assert!(found(&body).is_empty());
        let body = format!("{{% {} %}}\n", "\u{65e5}".repeat(100));
        assert_eq!(found(&body).len(), 1);
    }

    #[test]
    fn lines_that_paste_in_another_file_are_found() {
        let got: Vec<(Syntax, String, String)> = found(concat!(
            "{{#include ../contacts.md}}\n\nHi {{#each names}}x{{/each}}.\n\n",
            "--8<-- \"contacts.md\"\n\n  --8<--\n  a.md\n  --8<--\n\n",
            ";--8<-- \"escaped.md\"\n\n--8<--not\n\n```\n--8<-- \"code.md\"\n```\n",
        ))
        .into_iter()
        .map(|(syntax, name, _, target, written)| {
            assert_eq!(target, None);
            (syntax, name, written)
        })
        .collect();
        let s = |syntax, written: &str| (syntax, "include".to_string(), written.to_string());
        assert_eq!(
            got,
            [
                s(Syntax::MdBook, "{{#include ../contacts.md}}"),
                s(Syntax::Snippet, "--8<-- \"contacts.md\""),
                s(Syntax::Snippet, "--8<--"),
                s(Syntax::Snippet, "--8<--"),
            ]
        );
    }

    #[test]
    fn jekyll_link_addresses_in_liquid_are_found() {
        let got: Vec<(Option<String>, String)> = found(concat!(
            "See [a]({{ \"/forms/refund/\" | relative_url }}) and [b]({{site.baseurl}}/docs/b.html#who).\n",
            "And [c](<{{ site.url }}{{ site.baseurl }}/c/> \"title\") and [d]({{- '/d' | prepend: site.baseurl -}}).\n",
            "And [e]({{ page.form | relative_url }}) and [f]({{ site.data.links.f }}).\n\n",
            "And [p]({{ page.form_url }}).\n\n",
            "[g]: {{ \"/g/\" | absolute_url }}\n\n",
            "Hi {{customer_name}}, see [ticket]({{ticket_url}}) and {{ \"/x/\" | relative_url }}.\n\n",
            "`[h]({{ site.baseurl }}/h/)`\n",
        ))
        .into_iter()
        .map(|(syntax, _, closing, target, written)| {
            assert_eq!((syntax, closing), (Syntax::Liquid, false));
            (target, written)
        })
        .collect();
        let s =
            |target: Option<&str>, written: &str| (target.map(str::to_string), written.to_string());
        assert_eq!(
            got,
            [
                s(
                    Some("/forms/refund/"),
                    "{{ \"/forms/refund/\" | relative_url }}"
                ),
                s(Some("/docs/b.html#who"), "{{site.baseurl}}/docs/b.html#who"),
                s(Some("/c/"), "{{ site.url }}{{ site.baseurl }}/c/"),
                s(Some("/d"), "{{- '/d' | prepend: site.baseurl -}}"),
                s(None, "{{ page.form | relative_url }}"),
                s(None, "{{ site.data.links.f }}"),
                s(None, "{{ page.form_url }}"),
                s(Some("/g/"), "{{ \"/g/\" | absolute_url }}"),
            ]
        );
    }

    #[test]
    fn shortcodes_and_liquid_tags_are_found_outside_code() {
        let got = found(concat!(
            "{{< alert color=\"warning\" >}}Only DBAs.{{< /alert >}}\n\n",
            "1. Flush [the cache]({{< ref \"cache-flush.md\" >}}) and {{% note %}}x{{% /note %}}.\n\n",
            "{% include note.html %} then [x]({% link docs/a.md %}).\n\n",
            "`{{< ref \"code.md\" >}}` and\n\n```\n{% include code.html %}\n```\n\n",
            "<!-- {{< hidden >}} -->\n\nHi {{customer_name}}, {{< unclosed\n\nnext >}}\n",
        ));
        let s = |syntax, name: &str, closing, target: Option<&str>, written: &str| {
            (
                syntax,
                name.to_string(),
                closing,
                target.map(str::to_string),
                written.to_string(),
            )
        };
        assert_eq!(
            got,
            [
                s(
                    Syntax::Hugo,
                    "alert",
                    false,
                    None,
                    "{{< alert color=\"warning\" >}}"
                ),
                s(Syntax::Hugo, "alert", true, None, "{{< /alert >}}"),
                s(
                    Syntax::Hugo,
                    "ref",
                    false,
                    Some("cache-flush.md"),
                    "{{< ref \"cache-flush.md\" >}}"
                ),
                s(Syntax::Hugo, "note", false, None, "{{% note %}}"),
                s(Syntax::Hugo, "note", true, None, "{{% /note %}}"),
                s(
                    Syntax::Liquid,
                    "include",
                    false,
                    None,
                    "{% include note.html %}"
                ),
                s(
                    Syntax::Liquid,
                    "link",
                    false,
                    Some("docs/a.md"),
                    "{% link docs/a.md %}"
                ),
            ]
        );
    }
}
