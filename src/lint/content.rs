//! Content rules: leftover placeholders, broken links and anchors, links to retired SOPs,
//! missing images and raw HTML the site removes.
//!
//! Placeholders are found in the raw text, not in pulldown-cmark's events: a prompt such as
//! `<Write the purpose here.>` is parsed as inline HTML and would vanish from the text events.
//! Code spans, code blocks and HTML comments are skipped.

use crate::diag::Finding;
use crate::repo::config::closest;
use crate::repo::elements::{self, Kind, prompt_len};
use crate::repo::files::{self, LeftOut};
use crate::repo::front_matter::Value;
use crate::repo::links::{Dest, Entry, LinkStyle, Resolution, Resolver, Verdict, has_scheme};
use crate::repo::markdown::{HtmlTag, LinkKind};
use crate::repo::sop::FileName;
use crate::repo::wiki::{self, WikiLink, WikiPipe, WikiResolution};
use crate::repo::{Sop, Span, Status};

use super::registry::*;
use super::{Cx, finding};

pub(super) fn check(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    front_matter_placeholders(cx, sop, out);
    placeholders(cx, sop, out);
    links(cx, sop, out);
    links_with_spaces(cx, sop, out);
    html_removed(sop, out);
    unclosed_comment(sop, out);
    shortcodes(cx, sop, out);
    components(sop, out);
    disable_comments(sop, out);
}

/// `shortcode-as-text`: a Hugo shortcode or Liquid tag, which the site shows as written. One
/// finding per tag, with what to write instead: for a link to a file of the site, its path
/// relative to this SOP; for the rest, plain Markdown.
fn shortcodes(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    use crate::repo::shortcodes::{self, Syntax};
    let text = sop.source.text();
    for tag in shortcodes::find(sop) {
        let written = text.get(tag.span.start..tag.span.end).unwrap_or_default();
        let shown: String = if written.chars().count() > 60 {
            written.chars().take(57).collect::<String>() + "…"
        } else {
            written.to_string()
        };
        let shown = shown.replace('\n', " ");
        let name = tag.name.as_str();
        let help = if tag.address {
            match tag.target.as_deref() {
                Some(url) => match address_target(cx, sop, url) {
                    Some(path) => format!(
                        "write the file's path relative to this SOP instead: replace `{shown}` with `{path}`, as in `[text]({path})`"
                    ),
                    None => format!(
                        "write a relative Markdown link to the file the Jekyll site shows at `{url}` instead, `[text](path/to/file.md)`, with the path from this SOP's folder, or the page's full web address (`https://…`)"
                    ),
                },
                None => "write a relative Markdown link to the file instead, `[text](path/to/file.md)`, with the path from this SOP's folder, or the page's full web address (`https://…`)".to_string(),
            }
        } else if let Some(target) = &tag.target {
            match shortcode_target(cx, sop, target) {
                Some(path) => format!(
                    "write the file's path relative to this SOP instead: replace `{shown}` with `{path}`, as in `[text]({path})`"
                ),
                None => format!(
                    "write a relative Markdown link to the file instead, `[text](path/to/{})`, with the path from this SOP's folder",
                    target.rsplit('/').next().unwrap_or(target)
                ),
            }
        } else if tag.closing {
            "remove this closing tag together with its opening one, and write what they did in plain Markdown".to_string()
        } else {
            let instead = match (tag.syntax, name) {
                (
                    _,
                    "alert" | "notice" | "note" | "tip" | "hint" | "warning" | "caution"
                    | "callout" | "admonition" | "info" | "danger" | "important",
                ) => "a note box, `> [!WARNING]` on its own line followed by `> ` and the text",
                (_, "highlight" | "code" | "endhighlight") => {
                    "a code block: ``` on the lines before and after the code"
                }
                (Syntax::Liquid, "include" | "include_relative")
                | (Syntax::Hugo, "readfile" | "include")
                | (Syntax::MdBook, "include" | "rustdoc_include" | "playground")
                | (Syntax::Snippet, _) => {
                    "the text of the included file, copied into the page, or a link to it"
                }
                (Syntax::Liquid, "comment" | "endcomment") => "an HTML comment, `<!-- … -->`",
                (Syntax::Liquid, "raw" | "endraw") => {
                    "nothing: remove the tag, the site shows the text around it as written"
                }
                (_, "figure" | "img" | "image") => "an image, `![description](picture.png)`",
                (_, "youtube" | "vimeo" | "video") => {
                    "a link to the video, `[what it shows](https://...)`"
                }
                _ => {
                    "plain Markdown (a note box `> [!NOTE]`, a list, a link), or nothing: remove the tag"
                }
            };
            format!("write it with {instead}")
        };
        // An address Markdown reads as a link's (no spaces in it): the site keeps the
        // link's text and drops the link it cannot follow.
        let dropped_link = tag.address
            && sop
                .outline()
                .links
                .iter()
                .any(|l| l.span.start <= tag.span.start && tag.span.end <= l.span.end);
        if dropped_link {
            out.push(
                finding(
                    &SHORTCODE_AS_TEXT,
                    sop,
                    tag.span,
                    format!(
                        "the link's address `{shown}` is a Liquid tag, which the site does not fill in: the page shows the link's text without the link"
                    ),
                )
                .label("not a link on the site")
                .help(help),
            );
            continue;
        }
        out.push(
            finding(
                &SHORTCODE_AS_TEXT,
                sop,
                tag.span,
                format!(
                    "the page shows the {} `{shown}` as text: {}",
                    tag.syntax.name(),
                    match tag.syntax {
                        Syntax::Hugo | Syntax::Liquid => "the site runs no template tags",
                        Syntax::MdBook if name == "title" => {
                            "the page's title comes from `title:` in the front matter"
                        }
                        Syntax::MdBook | Syntax::Snippet => {
                            "the site does not paste other files into a page"
                        }
                    }
                ),
            )
            .label("shown as written")
            .help(help),
        );
    }
}

/// The path, relative to `sop`, of the file a `ref`/`link` tag names (`target`), with the
/// `#section` it names: beside the SOP, or from the repository's root or its SOP folder (as
/// Jekyll and Hugo read it).
fn shortcode_target(cx: &Cx<'_>, sop: &Sop, target: &str) -> Option<String> {
    // The section the link was written for (`#trigger`) stays in the link written instead.
    let (target, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, format!("#{anchor}")),
        None => (target, String::new()),
    };
    let target = target.trim_start_matches('/');
    let folder = sop.path.rsplit_once('/').map_or("", |(d, _)| d);
    let sops_dir = cx.settings.sops_dir();
    let candidates = [
        crate::repo::links::join(folder, target),
        Some(target.to_string()),
        crate::repo::links::join(sops_dir, target),
    ];
    candidates.into_iter().flatten().find_map(|path| {
        (cx.by_path.contains_key(path.as_str()) || cx.repo.root.join(&path).is_file())
            .then(|| format!("{}{anchor}", relative(&sop.path, &path)))
    })
}

/// The path, relative to `sop`, of the file Jekyll shows at the site address `url` (written
/// with Liquid output, `{{ "/forms/refund/" | relative_url }}`), with the `#section` it names:
/// the page whose `permalink:` is that address, else `forms/refund.md` (`.markdown`, or the
/// folder's `index.md`) from the site's folder or the repository's root, or the same in a
/// collection's folder (`/docs/a/` is `_docs/a.md`).
fn address_target(cx: &Cx<'_>, sop: &Sop, url: &str) -> Option<String> {
    let (url, anchor) = match url.split_once('#') {
        Some((page, anchor)) => (page, format!("#{anchor}")),
        None => (url, String::new()),
    };
    let url = url.split('?').next().unwrap_or(url);
    let page = |address: &str| {
        let address = address.trim().trim_matches('/');
        address.strip_suffix(".html").unwrap_or(address).to_string()
    };
    let wanted = page(url);
    let found = |path: &str| format!("{}{anchor}", relative(&sop.path, path));
    let by_permalink = cx
        .by_path
        .values()
        .filter(|other| {
            other
                .front_matter
                .as_ref()
                .and_then(|fm| fm.get("permalink"))
                .is_some_and(|f| matches!(&f.value, Value::Text(t) if page(t) == wanted))
        })
        .map(|other| other.path.as_str())
        .min();
    if let Some(path) = by_permalink {
        return Some(found(path));
    }
    let mut names = Vec::new();
    for stem in [wanted.clone()].into_iter().chain(
        wanted
            .split_once('/')
            .map(|(collection, rest)| format!("_{collection}/{rest}")),
    ) {
        if stem.ends_with(".md") || stem.ends_with(".markdown") {
            names.push(stem.clone());
        }
        let folder = if stem.is_empty() {
            String::new()
        } else {
            format!("{stem}/")
        };
        names.extend([
            format!("{stem}.md"),
            format!("{stem}.markdown"),
            format!("{folder}index.md"),
            format!("{folder}README.md"),
        ]);
    }
    let site_root = cx.settings.config.links.site_root.trim().trim_matches('/');
    let roots = if site_root.is_empty() {
        vec![""]
    } else {
        vec![site_root, ""]
    };
    roots
        .into_iter()
        .flat_map(|root| {
            names
                .iter()
                .filter_map(move |name| crate::repo::links::join(root, name))
        })
        .find(|path| {
            !path.is_empty()
                && (cx.by_path.contains_key(path.as_str()) || cx.repo.root.join(path).is_file())
        })
        .map(|path| found(&path))
}

/// `html-removed`, for the components of an MDX page the site cannot show (`<Admonition>`,
/// `<Details>`): their tags are left out and their content shown as plain content, so what
/// the component did on the old site (a coloured box, a fold) is lost. Said once per
/// component, where it opens.
fn components(sop: &Sop, out: &mut Vec<Finding>) {
    for c in &sop.outline().components {
        let name = &c.name;
        let (message, help) = if c.self_closing {
            (
                format!(
                    "readers will not see `<{name} />`: the site cannot show this component and leaves it out"
                ),
                format!(
                    "write what `<{name} />` showed in Markdown (for a list of pages, a list of links), or remove the line"
                ),
            )
        } else {
            let instead = match name.as_str() {
                "Admonition" => "a note box the site shows: `:::tip` … `:::` or `> [!TIP]`",
                "Details" => {
                    "`<details><summary>Title</summary>` … `</details>`, which the site shows"
                }
                "CodeBlock" => "a code block: ``` on the lines before and after the code",
                _ => "plain Markdown (a note box `:::note` … `:::`, a list, a table)",
            };
            (
                format!(
                    "readers will not see the `<{name}>` component: the site shows only the content inside it, as plain text"
                ),
                format!(
                    "if how it looked matters, write it with {instead}; else remove the `<{name}>` tags"
                ),
            )
        };
        out.push(
            finding(&HTML_REMOVED, sop, c.span, message)
                .label("not shown on the site")
                .help(help),
        );
    }
}

/// `comment-unclosed`: an HTML comment that starts a block (at the start of a line, or after a
/// block quote's `>` or a list item's marker) and is never closed with `-->` hides everything
/// after it from the site (and from lint's other checks), while the raw text a reviewer
/// approves still shows it.
fn unclosed_comment(sop: &Sop, out: &mut Vec<Finding>) {
    let text = sop.source.text();
    for c in &sop.outline().comments {
        let raw = sop.slice(*c);
        if raw.len() < 4 || raw[4..].contains("-->") {
            continue;
        }
        // Only a comment that starts a line opens an HTML block, which runs to the end; in the
        // middle of a paragraph an unclosed `<!--` is shown as written.
        let line_start = text[..c.start].rfind('\n').map_or(0, |i| i + 1);
        if !starts_block(&text[line_start..c.start]) {
            continue;
        }
        let first_line_end = raw.find('\n').map_or(raw.len(), |i| i + 1);
        let hidden = raw[first_line_end..]
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count();
        if hidden == 0 {
            continue;
        }
        out.push(
            finding(
                &COMMENT_UNCLOSED,
                sop,
                Span::new(c.start, c.start + 4),
                format!(
                    "readers will not see the {} after this `<!--`: the comment is never closed, so the site hides everything to the end of the SOP",
                    crate::words::count(hidden, "line")
                ),
            )
            .label("comment opened here and never closed")
            .help("close the comment with `-->` where the note ends, or remove the `<!--`"),
        );
    }
}

/// Whether `before`, the text of a line before a `<!--`, leaves it at the start of a block:
/// spaces, block quote markers (`>`) and list item markers (`-`, `*`, `+`, `1.`, `1)`) only.
fn starts_block(before: &str) -> bool {
    let mut rest = before.trim_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('>') {
            rest = after.trim_start();
            continue;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let marker = if digits > 0 {
            rest[digits..].starts_with(['.', ')']).then_some(digits + 1)
        } else {
            rest.starts_with(['-', '*', '+']).then_some(1)
        };
        match marker {
            Some(n) if rest[n..].starts_with([' ', '\t']) => rest = rest[n..].trim_start(),
            _ => return false,
        }
    }
    true
}

/// `html-removed`: raw HTML the site's sanitiser removes (an element, or an attribute of a
/// kept one), so what it was written for never reaches readers. `<Enter>` and other words in
/// angle brackets are not HTML: the site shows them as written.
fn html_removed(sop: &Sop, out: &mut Vec<Finding>) {
    let policy = elements::policy();
    for tag in sop.outline().html.iter().filter(|t| !t.closing && !t.text) {
        let name = tag.name.to_ascii_lowercase();
        match elements::kind(&tag.name) {
            Kind::Text => {}
            Kind::Removed => out.push(removed_element(sop, tag, &name, policy)),
            Kind::Kept => {
                for (attribute, span) in tag
                    .attributes
                    .iter()
                    .filter(|(a, _)| !policy.keeps_attribute(&name, a))
                {
                    out.push(removed_attribute(sop, tag, &name, attribute, *span));
                }
            }
        }
    }
}

/// The finding for an element the site removes.
fn removed_element(sop: &Sop, tag: &HtmlTag, name: &str, policy: &elements::Policy) -> Finding {
    let written = &tag.name;
    let (message, help) = if policy.content_removed.contains(name) {
        (
            format!("readers will not see this `<{written}>` or anything inside it: the site removes it"),
            "scripts and styles never run on the site: describe the step in words, and use Markdown for emphasis (`**important**`) or a note box (`> [!WARNING]`)".to_string(),
        )
    } else {
        let instead = match name {
            "iframe" | "object" | "embed" | "video" | "audio" | "applet" | "frame" | "frameset"
            | "canvas" | "svg" | "math" | "picture" | "source" | "track" => {
                "link to it instead, `[what it shows](https://...)`, or show a picture with `![description](image.png)`"
            }
            "form" | "input" | "button" | "select" | "option" | "optgroup" | "textarea"
            | "fieldset" | "legend" | "label" | "output" | "meter" | "progress" | "dialog" => {
                "describe what to fill in as numbered steps, or link to the form with `[the form](https://...)`"
            }
            "font" | "center" | "big" | "blink" | "marquee" | "tt" => {
                "write it in plain Markdown: `**bold**` or `*italic*` for emphasis, a note box (`> [!WARNING]`) to make it stand out; the site's theme sets fonts and colours"
            }
            _ => {
                "write it in plain Markdown (headings, lists, tables, `**bold**`), or remove the tag"
            }
        };
        (
            format!(
                "readers will not see the `<{written}>` tag: the site removes it and shows only the text inside it"
            ),
            instead.to_string(),
        )
    };
    finding(&HTML_REMOVED, sop, tag.span, message)
        .label("removed on the site")
        .help(help)
}

/// `html-removed` for a link (Markdown or `<a href>`) whose scheme the site does not keep
/// ([`crate::repo::links::KEPT_SCHEMES`]): the page shows its text and links nowhere.
fn link_removed(sop: &Sop, dest: &str, scheme: &str, span: Span) -> Finding {
    let kept = crate::repo::links::KEPT_SCHEMES
        .iter()
        .map(|s| format!("`{s}:`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match scheme {
        "javascript" | "vbscript" => {
            "scripts never run on the site: remove the link and say in words what to do".to_string()
        }
        "data" | "file" => "add the file to the repository and link to it with a relative path, or link to where it is hosted with its `https://` address".to_string(),
        _ => format!(
            "link to a web address (`https://…`) that opens the same thing, or write the address as code, `` `{}` ``, so readers can copy it; the site keeps links to {kept} addresses",
            dest.trim()
        ),
    };
    finding(
        &HTML_REMOVED,
        sop,
        span,
        format!(
            "readers will not have this link: the site removes links to `{scheme}:` addresses and shows only the link's text"
        ),
    )
    .label("link removed on the site")
    .help(help)
}

/// `html-removed` for a link (Markdown or `<a href>`) with a kept scheme that is no valid
/// address (`why`), which the site's sanitiser removes: the page shows its text and links
/// nowhere.
fn link_invalid(sop: &Sop, dest: &str, why: &str, span: Span) -> Finding {
    let shown: String = if dest.chars().count() > 60 {
        dest.chars().take(57).collect::<String>() + "…"
    } else {
        dest.to_string()
    };
    finding(
        &HTML_REMOVED,
        sop,
        span,
        format!(
            "readers will not have this link: `{shown}` is not a valid address, so the site removes the link and shows only its text"
        ),
    )
    .label("link removed on the site")
    .help(format!(
        "{why}: copy the address again from the browser's address bar, and write a space in it as `%20` and a quote as `%22`"
    ))
}

/// The finding for an attribute the site removes from a kept element.
fn removed_attribute(sop: &Sop, tag: &HtmlTag, name: &str, attribute: &str, span: Span) -> Finding {
    let written = &tag.name;
    let help = if attribute.starts_with("on") {
        "scripts never run on the site: remove the attribute and say in words what to do"
            .to_string()
    } else if attribute == "style" {
        "colours, sizes and fonts come from the site's theme: use Markdown for emphasis (`**important**`) or a note box (`> [!WARNING]`) instead".to_string()
    } else {
        let kept: Vec<String> = {
            let policy = elements::policy();
            let mut kept: Vec<&str> = policy
                .tag_attributes
                .get(name)
                .into_iter()
                .flatten()
                .chain(policy.generic_attributes.iter())
                .copied()
                .collect();
            kept.sort_unstable();
            kept.into_iter().map(|a| format!("`{a}`")).collect()
        };
        format!(
            "remove the attribute: on `<{name}>` the site keeps only {}",
            kept.join(", ")
        )
    };
    finding(
        &HTML_REMOVED,
        sop,
        span,
        format!("readers will not see the effect of `{attribute}` on this `<{written}>`: the site removes the attribute"),
    )
    .label("removed on the site")
    .help(help)
}

/// `disable-rule-unknown`: a `sop-disable` comment naming a rule that does not exist.
fn disable_comments(sop: &Sop, out: &mut Vec<Finding>) {
    for directive in super::directives(sop) {
        for (id, span) in &directive.ids {
            if super::registry::find(id).is_some() {
                continue;
            }
            let ids = super::registry::ids();
            let help = match closest(id, &ids) {
                Some(best) => {
                    format!("did you mean `{best}`? `sop lint --list-rules` lists every rule")
                }
                None => "use a rule id from `sop lint --list-rules`".to_string(),
            };
            out.push(
                finding(
                    &DISABLE_RULE_UNKNOWN,
                    sop,
                    *span,
                    format!("`{id}` is not a rule, so this comment silences nothing"),
                )
                .label("unknown rule id")
                .help(help),
            );
        }
    }
}

/// `owner: TBD` or `department: <Your department>` in the front matter.
fn front_matter_placeholders(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    let Some(fm) = &sop.front_matter else {
        return;
    };
    let words = &cx.settings.config.lint.placeholder_words;
    for field in &fm.fields {
        let values: Vec<(&str, Span)> = match &field.value {
            Value::Text(t) => vec![(t.as_str(), field.value_span)],
            Value::List(items) => items
                .iter()
                .filter_map(|i| Some((i.text.as_deref()?, i.span)))
                .collect(),
            _ => Vec::new(),
        };
        for (text, span) in values {
            let t = text.trim();
            let word = words.iter().find(|w| {
                !w.is_empty()
                    && t.match_indices(w.as_str())
                        .any(|(i, _)| whole_word(t.as_bytes(), i, w.len()))
            });
            let prompt = t.starts_with('<') && prompt_len(t) == Some(t.len());
            if word.is_none() && !prompt {
                continue;
            }
            out.push(
                finding(
                    &PLACEHOLDER_LEFT,
                    sop,
                    span,
                    format!("`{}` still holds a placeholder", field.key),
                )
                .label("not filled in")
                .help(format!("write the real value after `{}:`", field.key)),
            );
        }
    }
}

/// Prompts (`<Say who does this.>`, and the type's template's own prompts left unchanged) and
/// placeholder words (`[lint] placeholder_words`, also as `_TBD_` or `**TODO**`) in the body.
fn placeholders(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    let text = sop.source.text();
    let body = sop.split.body;
    let Some(md) = text.get(body.start..body.end) else {
        return;
    };
    let skip = |at: usize| sop.outline().in_code(at) || sop.outline().in_comment(at);
    let mut definitions: Option<Vec<std::ops::Range<usize>>> = None;
    let mut prompts: Vec<Span> = Vec::new();
    for (i, _) in md.match_indices('<') {
        if prompts.last().is_some_and(|p| body.start + i < p.end) {
            continue;
        }
        if let Some(len) = prompt_len(&md[i..])
            && !skip(body.start + i)
            && !is_destination(sop, md, body.start, i, &mut definitions)
        {
            prompts.push(Span::new(body.start + i, body.start + i + len));
        }
    }
    let angle = prompts.len();
    let template = sop
        .sop_type(cx.settings)
        .and_then(|ty| cx.prompts.get(ty.name.as_str()));
    for found in template.into_iter().flat_map(|finder| finder.find_iter(md)) {
        let span = Span::new(body.start + found.start(), body.start + found.end());
        let known = prompts
            .iter()
            .take(angle)
            .any(|p| p.start < span.end && span.start < p.end);
        if !known && !skip(span.start) {
            prompts.push(span);
        }
    }
    for (n, &span) in prompts.iter().enumerate() {
        out.push(
            finding(
                &PLACEHOLDER_LEFT,
                sop,
                span,
                "a template prompt is still in the text",
            )
            .label("replace this prompt with the real text")
            .help(if n < angle {
                "write what the prompt asks for and remove the angle brackets, or delete the line"
            } else {
                "this is the template's text, unchanged: write what it asks for in its place, or delete the line"
            }),
        );
    }
    for word in &cx.settings.config.lint.placeholder_words {
        if word.is_empty() {
            continue;
        }
        for i in memchr::memmem::find_iter(md.as_bytes(), word.as_bytes()) {
            let at = body.start + i;
            let in_prompt = prompts.iter().any(|p| p.start <= at && at < p.end);
            if in_prompt || !whole_word(md.as_bytes(), i, word.len()) || skip(at) {
                continue;
            }
            out.push(
                finding(
                    &PLACEHOLDER_LEFT,
                    sop,
                    Span::new(at, at + word.len()),
                    format!("`{word}` is still in the text"),
                )
                .label("unfinished")
                .help(format!("finish this part and remove `{word}`, or move the open point to the SOP's review (if `{word}` is a real word here, leave it out of `[lint] placeholder_words` in `sop.toml`)")),
            );
        }
    }
}

/// Whether the `<` at `md[i]` opens the destination of a link or image written in angle
/// brackets, as CommonMark allows for a path with spaces: `![Shot](<images/Shot 1.png>)`,
/// `[Guide](<docs/My guide.md>)`, or a reference definition `[shot]: <images/Shot 1.png>`.
/// Such a path is not a template prompt. `md` is the body, which starts at byte `body_start`
/// of the file; `definitions` holds the reference definitions' ranges once they are read.
fn is_destination(
    sop: &Sop,
    md: &str,
    body_start: usize,
    i: usize,
    definitions: &mut Option<Vec<std::ops::Range<usize>>>,
) -> bool {
    let before = md.get(..i).unwrap_or_default().trim_end();
    if before.ends_with("](") {
        // An inline link or image: the `](` must belong to one the outline found.
        let at = body_start + i;
        return sop
            .outline()
            .links
            .iter()
            .any(|link| link.span.start <= at && at < link.span.end);
    }
    if before.ends_with("]:") {
        // Reference definitions are not in the outline (they are not shown), so the body is
        // parsed for them, once, and only when a prompt-like `<` follows a `]:`.
        let ranges = definitions.get_or_insert_with(|| {
            pulldown_cmark::Parser::new_ext(md, crate::repo::markdown::options())
                .reference_definitions()
                .iter()
                .map(|(_, def)| def.span.clone())
                .collect()
        });
        return ranges.iter().any(|r| r.start <= i && i < r.end);
    }
    false
}

/// Whether `bytes[at..at + len]` is a whole word: no letter, digit or `_` right before or after,
/// past the `_` of emphasis (`_TBD_`, `__TODO__`), which a word inside a name (`SOME_TBD`) lacks.
fn whole_word(bytes: &[u8], at: usize, len: usize) -> bool {
    let mut before = at;
    while before > 0 && bytes.get(before - 1) == Some(&b'_') {
        before -= 1;
    }
    let mut after = at + len;
    while bytes.get(after) == Some(&b'_') {
        after += 1;
    }
    !is_word_byte(before.checked_sub(1).and_then(|j| bytes.get(j)))
        && !is_word_byte(bytes.get(after))
}

fn is_word_byte(b: Option<&u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// `link-broken` for what was meant as a link to a file but is none: `[the policy](Politica
/// de verificacion.md)` has a space in its path, which Markdown does not allow, so the page shows
/// the brackets as plain text and no link is checked. Only paths that end in a file extension
/// are taken for links (`[note](see below)` is prose); a path in angle brackets or with a title
/// is a real link and parsed as one.
fn links_with_spaces(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    let text = sop.source.text();
    let body = sop.split.body;
    let Some(md) = text.get(body.start..body.end) else {
        return;
    };
    /// A path longer than this is no file name a writer typed.
    const LONGEST: usize = 512;
    let outline = sop.outline();
    // Where the line of the current `](` starts, found by reading forward only: a line of
    // thousands of links is read once, not once per link.
    let (mut line_start, mut seen) = (0, 0);
    let liquid_addresses = std::cell::OnceCell::new();
    for i in memchr::memmem::find_iter(md.as_bytes(), b"](") {
        let at = body.start + i;
        let rest = &md[i + 2..];
        let end = rest.len().min(LONGEST);
        // `)` and a newline are ASCII: a byte search finds them at character boundaries.
        let Some(close) = memchr::memchr2(b')', b'\n', &rest.as_bytes()[..end])
            .filter(|&c| rest.as_bytes()[c] == b')')
        else {
            continue;
        };
        let dest = &rest[..close];
        if !dest.trim().contains(char::is_whitespace) {
            continue;
        }
        if let Some(n) = md[seen..i].rfind('\n') {
            line_start = seen + n + 1;
        }
        seen = i;
        let Some(open) = md[line_start..i].rfind('[').map(|o| line_start + o) else {
            continue;
        };
        let file = dest.trim().split(['#', '?']).next().unwrap_or_default();
        let extension = file.rsplit_once('.').map_or("", |(_, e)| e);
        if dest.trim_start().starts_with('<')
            || dest.contains(['"', '\'', '('])
            || has_scheme(dest.trim())
            || extension.len() > 8
            || !extension.bytes().all(|b| b.is_ascii_alphanumeric())
            // `(section 4.2)` is prose: an extension has a letter.
            || !extension.bytes().any(|b| b.is_ascii_alphabetic())
            || outline.in_code(at)
            || outline.in_comment(at)
            || outline
                .links
                .iter()
                .any(|l| l.span.start <= at && at < l.span.end)
        {
            continue;
        }
        // An address written with Liquid output (`{{ site.baseurl }}/a.html`) is
        // `shortcode-as-text`'s: one finding for it, as in [`links`].
        let (from, to) = (at + 2, at + 2 + close);
        if dest.contains("{{")
            && liquid_addresses
                .get_or_init(|| crate::repo::shortcodes::find(sop))
                .iter()
                .any(|tag| tag.address && from <= tag.span.start && tag.span.end <= to)
        {
            continue;
        }
        // An image (`![chart](my chart.png)`) keeps its `!`.
        let open = if open > 0 && md.as_bytes()[open - 1] == b'!' {
            open - 1
        } else {
            open
        };
        let span = Span::new(body.start + open, body.start + i + 2 + close + 1);
        let (rule, what) = if md.as_bytes()[open] == b'!' {
            (&IMAGE_MISSING, "an image")
        } else {
            (&LINK_BROKEN, "a link")
        };
        out.push(
            finding(
                rule,
                sop,
                span,
                format!(
                    "this is not {what}: the path `{}` has spaces, so the page shows it as plain text",
                    dest.trim()
                ),
            )
            .label("shows as plain text")
            .help(match named_sop(cx, sop, dest.trim()) {
                // Written with the SOP's title (`SOP-0002 account ban appeals.md`): its file.
                Some(path) => format!(
                    "there is no file by that name: did you mean `{}({path})`, the file of that SOP? Paths are relative to this SOP's folder",
                    &md[open..i + 1]
                ),
                None => format!(
                    "put the path in angle brackets, `{}(<{}>)`, or write each space as `%20`",
                    &md[open..i + 1],
                    dest.trim()
                ),
            }),
        );
    }
}

/// The path, relative to `sop`, of the SOP whose id starts the file name of `dest` when no file
/// `dest` exists: a link written with the SOP's id and title (`SOP-0002 account ban
/// appeals.md`, `SOP-0002-ban.md`) instead of its file name.
fn named_sop(cx: &Cx<'_>, sop: &Sop, dest: &str) -> Option<String> {
    let file = dest.split(['#', '?']).next().unwrap_or(dest);
    let folder = sop.path.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = crate::repo::links::join(folder, file)?;
    if cx.by_path.contains_key(joined.as_str()) || cx.repo.root.join(&joined).exists() {
        return None;
    }
    let other = sop_by_file_name(cx, file.rsplit('/').next().unwrap_or(file))?;
    Some(relative(&sop.path, &other.path))
}

/// The SOP whose id starts the file name `name` (`SOP-0002-ban.md`, `SOP-0002 ban.md`).
fn sop_by_file_name<'a>(cx: &Cx<'a>, name: &str) -> Option<&'a Sop> {
    let id = FileName::parse(name, &cx.settings.ids)
        .id
        .or_else(|| name.split_whitespace().next().map(str::to_string))?;
    cx.originals.get(id.as_str())?.first().copied()
}

fn links(cx: &Cx<'_>, sop: &Sop, out: &mut Vec<Finding>) {
    let resolver = Resolver::new(&cx.settings.config.links);
    let liquid_addresses = std::cell::OnceCell::new();
    for link in &sop.outline().links {
        if link.wiki {
            wiki_link(cx, sop, link.span, out);
            continue;
        }
        let dest = link.dest.trim();
        // An address written with Liquid output is `shortcode-as-text`'s: one finding for it.
        if dest.contains("{{")
            && liquid_addresses
                .get_or_init(|| crate::repo::shortcodes::find(sop))
                .iter()
                .any(|tag| {
                    tag.address
                        && link.span.start <= tag.span.start
                        && tag.span.end <= link.span.end
                })
        {
            continue;
        }
        let image = link.kind == LinkKind::Image;
        match crate::repo::links::verdict(dest) {
            Verdict::Kept if image && link.html && crate::repo::links::is_remote(dest) => {
                // A picture in Markdown from another site becomes a link to it; one written
                // in HTML loses its address.
                out.push(
                    finding(
                        &HTML_REMOVED,
                        sop,
                        link.span,
                        "readers will not see this picture: the site loads no picture from another site, and removes the address of one written as `<img>`",
                    )
                    .label("picture removed on the site")
                    .help("save the picture in the repository and show it with `![description](path/to/picture.png)`, or write `![description](https://…)`, which the page shows as a link to the picture"),
                );
                continue;
            }
            Verdict::Kept => {}
            Verdict::Scheme(_) if image => {
                not_published(
                    sop,
                    dest,
                    link.span,
                    "its address is not a web address the site can show",
                    out,
                );
                continue;
            }
            Verdict::Invalid(why) if image => {
                not_published(
                    sop,
                    dest,
                    link.span,
                    &format!("its address is not valid: {why}"),
                    out,
                );
                continue;
            }
            Verdict::Scheme(scheme) => {
                out.push(link_removed(sop, dest, &scheme, link.span));
                continue;
            }
            Verdict::Invalid(why) => {
                out.push(link_invalid(sop, dest, why, link.span));
                continue;
            }
        }
        let (path, fragment) = match Dest::parse(dest) {
            Dest::Empty | Dest::External => continue,
            Dest::SamePage(anchor) => {
                anchor_check(cx, sop, sop, anchor, link.span, out);
                continue;
            }
            Dest::Path { path, fragment } => (path, fragment),
        };
        let exists = |p: &str| entry_at(cx.repo, cx.sop_at(p).is_some(), p);
        let resolution = if image {
            resolver.resolve_image(&sop.path, &path, exists)
        } else {
            resolver.resolve(&sop.path, &path, exists)
        };
        let target = match resolution {
            Resolution::Found(target) => target,
            Resolution::Missing { tried } => {
                broken(cx, &resolver, sop, link.kind, dest, link.span, &tried, out);
                continue;
            }
            Resolution::Outside => {
                broken(cx, &resolver, sop, link.kind, dest, link.span, &[], out);
                continue;
            }
        };
        if let Some(other) = cx.sop_at(&target) {
            if let Some(anchor) = fragment {
                anchor_check(cx, sop, other, anchor, link.span, out);
            }
            retired(sop, other, link.span, out);
            continue;
        }
        found_file(cx, sop, link.kind, dest, &target, link.span, out);
    }
}

/// What is wrong with a link or image (written `dest`) found at `target`, a repository file
/// that is no SOP: a Markdown file the site has no page for, an image that is no picture, a
/// file that is not published.
fn found_file(
    cx: &Cx<'_>,
    sop: &Sop,
    kind: LinkKind,
    dest: &str,
    target: &str,
    span: Span,
    out: &mut Vec<Finding>,
) {
    let image = kind == LinkKind::Image;
    let on_disk = cx.repo.root.join(target);
    if !image && files::strip_markdown_extension(target).len() < target.len() {
        non_sop(cx, sop, target, span, out);
        return;
    }
    if image {
        let lower = target.to_ascii_lowercase();
        let why = if lower.ends_with(".md") || lower.ends_with(".markdown") {
            Some("it is a Markdown file, not a picture")
        } else if !on_disk.is_file() {
            Some("it is a folder, not a picture")
        } else if cx.outside(&on_disk) {
            Some("it leads outside the repository (or into `.git`) through a symbolic link")
        } else {
            None
        };
        if let Some(why) = why {
            not_published(sop, dest, span, why, out);
            return;
        }
    }
    unpublishable(cx, sop, kind, target, span, out);
}

/// `wiki-links-off`: with `[links] wiki` off, `raw` (at `span`) is text on the page, but it
/// names a document or file of the repository as a wiki link does: the writer meant a link.
/// Text that names nothing (a shell test `[[ -f x ]]`) is left alone.
fn wiki_links_off(cx: &Cx<'_>, sop: &Sop, raw: &str, span: Span, out: &mut Vec<Finding>) {
    let Some(link) = WikiLink::parse(raw, cx.settings.config.links.wiki_pipe) else {
        return;
    };
    if link.page.is_empty() {
        return;
    }
    let WikiResolution::Found(target) = cx.wiki().resolve(&sop.path, &link) else {
        return;
    };
    let what = if link.embed { "file" } else { "document" };
    out.push(
        finding(
            &WIKI_LINKS_OFF,
            sop,
            span,
            format!("`{raw}` names the {what} `{target}`, but this repository does not read wiki links, so the page shows the brackets as text"),
        )
        .label("shown as text")
        .help(format!(
            "to make it a link, turn wiki links on: write `wiki = true` under `[links]` in sop.toml (then `sop lint` checks every wiki link and the site links them); or write a Markdown link to `{target}` instead"
        )),
    );
}

/// A wiki link (`[[Escalation policy#Contacts|text]]`, `![[flow.png]]`) at `span`: the page
/// or file it names must exist, once, and its heading too. Found the way
/// [`crate::repo::wiki`] says; reported by the rules for ordinary links.
fn wiki_link(cx: &Cx<'_>, sop: &Sop, span: Span, out: &mut Vec<Finding>) {
    let config = &cx.settings.config.links;
    let Some(raw) = sop.source.text().get(span.start..span.end) else {
        return;
    };
    if !config.wiki {
        wiki_links_off(cx, sop, raw, span, out);
        return;
    }
    let Some(link) = WikiLink::parse(raw, config.wiki_pipe) else {
        return;
    };
    let kind = if link.is_image() {
        LinkKind::Image
    } else {
        LinkKind::Link
    };
    if link.page.is_empty() {
        if let Some(heading) = link.heading {
            wiki_heading(cx, sop, sop, raw, heading, span, out);
        }
        return;
    }
    let what = if link.embed { "file" } else { "document" };
    let rule = if kind == LinkKind::Image {
        &IMAGE_MISSING
    } else {
        &LINK_BROKEN
    };
    let target = match cx.wiki().resolve(&sop.path, &link) {
        WikiResolution::Found(target) => target,
        WikiResolution::Missing { .. } if let Some(f) = not_a_document(cx, sop, &link, span) => {
            out.push(f);
            return;
        }
        WikiResolution::Missing { closest } => {
            let mut f = finding(
                rule,
                sop,
                span,
                format!("no {what} is named `{}`", link.page),
            )
            .label(format!("no such {what}"));
            let other_pipe = match config.wiki_pipe {
                WikiPipe::PageFirst => WikiPipe::TextFirst,
                WikiPipe::TextFirst => WikiPipe::PageFirst,
            };
            // `[[a|b]]` read the other way round names a page: the sides are swapped.
            let other = WikiLink::parse(raw, other_pipe)
                .filter(|l| link.text.is_some() && !l.page.is_empty())
                .filter(|l| matches!(cx.wiki().resolve(&sop.path, l), WikiResolution::Found(_)))
                .map(|l| l.page);
            f = match (other, closest) {
                (Some(text), _) => f.help(format!(
                    "`{text}` is a {what}: this repository reads `[[...|...]]` with the {} (`[links] wiki_pipe = \"{}\"` in sop.toml); swap the two sides, or set `wiki_pipe = \"{}\"` if the whole repository writes them the other way",
                    match config.wiki_pipe {
                        WikiPipe::PageFirst => "page first, as Obsidian does",
                        WikiPipe::TextFirst => "text first, as GitHub wikis do",
                    },
                    config.wiki_pipe.name(),
                    other_pipe.name(),
                )),
                (None, Some((name, path))) => {
                    f.help(format!("did you mean `{name}` ({path})?"))
                }
                (None, None) if link.embed => f.help(
                    "check the file's name: an embed finds a file anywhere in the repository by its name (`![[flow.png]]`), or by its path from the repository's top folder; git must track it",
                ),
                (None, None) => f.help(
                    "check the name: a wiki link names a document by its file name without `.md` (upper and lower case, spaces, `-` and `_` alike), its title, its id (`[[SOP-0003]]`) or its path (`[[support/refund]]`); if the brackets are text (a shell test `[[ -f x ]]`), write `\\[[` to keep them as written, or set `[links] wiki = false` in sop.toml if the repository has no wiki links",
                ),
            };
            out.push(f);
            return;
        }
        WikiResolution::Ambiguous(paths) => {
            let names: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
            // A page by its path without `.md`, as wikis write it; a file by its whole path.
            let first = paths.first().map_or("", |p| {
                if link.embed && !link.page.is_empty() && !is_markdown_name(p) {
                    p
                } else {
                    files::strip_markdown_extension(p)
                }
            });
            out.push(
                finding(
                    rule,
                    sop,
                    span,
                    format!(
                        "more than one {what} is named `{}`: {}",
                        link.page,
                        names.join(" and ")
                    ),
                )
                .label("which one?")
                .help(match ids_of(cx, &paths) {
                    // SOPs of the same title: each has an id, shorter than its path.
                    Some(ids) => format!(
                        "write the id of the one you mean: {}",
                        ids.iter()
                            .map(|id| format!("`{}[[{id}]]`", if link.embed { "!" } else { "" }))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                    None => format!(
                        "write the path of the one you mean, such as `{}[[{first}]]`",
                        if link.embed { "!" } else { "" }
                    ),
                }),
            );
            return;
        }
    };
    if let Some(other) = cx.sop_at(&target) {
        if let Some(heading) = link.heading {
            wiki_heading(cx, sop, other, raw, heading, span, out);
        }
        retired(sop, other, span, out);
        return;
    }
    found_file(cx, sop, kind, raw, &target, span, out);
}

/// `link-broken` for the wiki link `link` (at `span`) that finds no document when the
/// repository has a file of that name which is no document sop reads (`docs/install.mdx`,
/// `install.html`, `install.pdf` for `[[install]]`): the message names the file, says why it is
/// no page, and how to make the link lead to it. `None` when no file has the name.
fn not_a_document(cx: &Cx<'_>, sop: &Sop, link: &WikiLink<'_>, span: Span) -> Option<Finding> {
    // `![[flow.png]]` names a file by its whole name: that file is missing, no page.
    if link.embed
        && link
            .page
            .rsplit('/')
            .next()
            .is_some_and(|n| n.contains('.'))
    {
        return None;
    }
    let wiki = cx.wiki();
    let found = wiki.files_named(link.page);
    let path = *found.first()?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = crate::publishable::extension(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let stem = files::strip_markdown_extension(stem);
    let rules = &cx.settings.files;
    let read = rules
        .extensions()
        .iter()
        .map(|e| format!("`.{e}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let md = rules.extensions().first().map_or("md", String::as_str);
    let renamed = format!("{stem}.{md}");
    let (why, help) = if is_markdown_name(path) {
        let bare = name
            .get(files::strip_markdown_extension(name).len() + 1..)
            .unwrap_or(&ext)
            .to_ascii_lowercase();
        // `.html.md.erb` is read by writing `md.erb`.
        let bare = bare.trim_start_matches("html.");
        (
            format!("sop reads only {read} files as documents (`[sops] extensions` in sop.toml)"),
            format!(
                "add `\"{bare}\"` to `extensions` under `[sops]` in sop.toml (sop then reads `.{bare}` files as it reads `.{md}` ones), or rename the file to `{renamed}`"
            ),
        )
    } else if ext == "mdx" {
        (
            "it is an MDX page, which sop does not read (MDX mixes Markdown with components only a Docusaurus build can show)".to_string(),
            format!(
                "rename it to `{renamed}` to make it a page this link finds (sop reads a Markdown page's imports, tabs and comments, and shows the content of other components), or link to its address on the web"
            ),
        )
    } else if crate::publishable::is_active_content(path, false) {
        (
            format!("a `.{ext}` file is never a page of the site: a browser would run it, so sop neither reads nor publishes it"),
            "write its content as an SOP (`sop import` reads a saved web page), or link to its address on the web".to_string(),
        )
    } else {
        let shown = link.shown();
        let rel = relative(&sop.path, path);
        // A path with spaces is a Markdown link's only inside `<...>`.
        let rel = if rel.contains(' ') {
            format!("<{rel}>")
        } else {
            rel
        };
        let embed = if wiki::is_image_name(path) {
            format!("show the picture with `![[{name}]]`")
        } else {
            format!("link the file with `![[{name}]]`")
        };
        (
            "it is a file, not a document: a wiki link without `!` names a page".to_string(),
            format!("{embed} or `[{shown}]({rel})`"),
        )
    };
    let more = match found.len() {
        1 => String::new(),
        2 => " (and one more file)".to_string(),
        n => format!(" (and {} more files)", n - 1),
    };
    Some(
        finding(
            &LINK_BROKEN,
            sop,
            span,
            format!(
                "no document is named `{}`: `{path}`{more} has this name, but {why}",
                link.page
            ),
        )
        .label("not a document")
        .help(help),
    )
}

/// The ids of the SOPs at `paths`, when each is an SOP with an id of its own (no translation,
/// no id two SOPs share).
fn ids_of<'a>(cx: &Cx<'a>, paths: &[String]) -> Option<Vec<&'a str>> {
    let ids: Vec<&str> = paths
        .iter()
        .map(|p| {
            let sop = cx.sop_at(p).filter(|s| !s.is_translation())?;
            let id = sop.id()?;
            (cx.originals.get(id).map(Vec::len) == Some(1)).then_some(id)
        })
        .collect::<Option<_>>()?;
    Some(ids)
}

/// Whether `path` names a Markdown file.
fn is_markdown_name(path: &str) -> bool {
    files::strip_markdown_extension(path).len() < path.len()
}

/// How an `anchor-broken` message names the SOP a link goes to: "this SOP", or its path.
fn place(sop: &Sop, target: &Sop) -> String {
    if std::ptr::eq(sop, target) {
        "this SOP".to_string()
    } else {
        format!("`{}`", target.path)
    }
}

/// `anchor-broken` for the `#heading` of a wiki link (`raw`) to `target`: a heading's text
/// (upper and lower case, spaces, `-` and `_` alike) or its anchor.
fn wiki_heading(
    cx: &Cx<'_>,
    sop: &Sop,
    target: &Sop,
    raw: &str,
    heading: &str,
    span: Span,
    out: &mut Vec<Finding>,
) {
    let outline = target.outline();
    let anchors = outline.anchors(cx.settings.config.links.anchors);
    let texts: Vec<&str> = outline.headings.iter().map(|h| h.text.as_str()).collect();
    if wiki::heading_anchor(heading, &texts, &anchors).is_some() {
        return;
    }
    let place = place(sop, target);
    let mut f = finding(
        &ANCHOR_BROKEN,
        sop,
        span,
        format!("{place} has no heading `{heading}`"),
    )
    .label("no such heading");
    let wanted = heading.replace(['-', '_'], " ");
    f = match closest(&wanted, &texts) {
        Some(best) => f.help(format!(
            "did you mean `{}`?",
            raw.replacen(&format!("#{heading}"), &format!("#{best}"), 1)
                .replacen(&format!("# {heading}"), &format!("#{best}"), 1)
        )),
        None if !texts.is_empty() && texts.len() <= 12 => f.help(format!(
            "the headings {} are {}",
            if std::ptr::eq(sop, target) {
                "of this SOP"
            } else {
                "there"
            },
            texts
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => f.help(
            "write the heading's text as it is after `#`, such as `[[Escalation policy#Contacts]]`",
        ),
    };
    out.push(f);
}

/// A link to a Markdown file that is not an SOP (a landing page left out by `[sops] exclude`,
/// a file outside the SOP folder): the site has no page for it, so the link becomes text.
fn non_sop(cx: &Cx<'_>, sop: &Sop, target: &str, span: Span, out: &mut Vec<Finding>) {
    let rules = &cx.settings.files;
    let name = target.rsplit('/').next().unwrap_or(target);
    let help = match rules.left_out(target) {
        None | Some(LeftOut::Extension) => return,
        Some(LeftOut::Excluded {
            default: true,
            pattern,
        }) => format!(
            "`{pattern}` files are left out by default: add \"{name}\" to `[sops] include` in sop.toml to publish it as a page, or link to the SOP that holds its content"
        ),
        Some(LeftOut::Excluded { pattern, .. }) => format!(
            "`[sops] exclude` leaves it out with `{pattern}`: add \"{name}\" to `[sops] include` to publish it as a page, or link to the SOP that holds its content"
        ),
        Some(LeftOut::OutsideFolder) => format!(
            "it is outside the SOP folder `{}/`: move it there (it then needs front matter: `sop adopt`), or link to its address on the web",
            cx.settings.sops_dir()
        ),
    };
    out.push(
        finding(
            &LINK_TO_NON_SOP,
            sop,
            span,
            format!("`{target}` is not an SOP, so the site shows this link as plain text"),
        )
        .label("no page on the site")
        .help(help),
    );
}

/// A link to an existing file that `sop publish` will not copy: active content (a page or
/// script) or a file git does not track. Same questions as the site asks
/// ([`crate::publishable`]).
fn unpublishable(
    cx: &Cx<'_>,
    sop: &Sop,
    kind: LinkKind,
    target: &str,
    span: Span,
    out: &mut Vec<Finding>,
) {
    if !cx.repo.root.join(target).is_file() {
        return;
    }
    let image = kind == LinkKind::Image;
    // The site never follows a symbolic link out of the repository: the link is dropped.
    if !image && cx.outside(&cx.repo.root.join(target)) {
        out.push(
            finding(
                &LINK_UNTRACKED,
                sop,
                span,
                format!(
                    "`{target}` is not published: it is a symbolic link that leads outside the repository (or into `.git`), which the site never follows, so the page shows the link as plain text"
                ),
            )
            .label("not published")
            .help(format!(
                "if the file belongs with the SOP, put the file itself in place of the link (copy it to `{target}`), then `git add` it and commit; otherwise remove the link"
            )),
        );
        return;
    }
    // A tracked link to a file git does not track publishes nothing either.
    let real = std::fs::canonicalize(cx.repo.root.join(target))
        .ok()
        .zip(std::fs::canonicalize(&cx.repo.root).ok())
        .and_then(|(real, root)| {
            real.strip_prefix(&root).ok().map(|rel| {
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
        });
    let checked = cx.tracked().check(target).and_then(|()| match &real {
        Some(real) if real != target => cx.tracked().check(real),
        _ => Ok(()),
    });
    if let Err(refusal) = checked {
        out.push(
            finding(
                &LINK_UNTRACKED,
                sop,
                span,
                format!("`{target}` is not published: {}", refusal.reason()),
            )
            .label("not published")
            .help(match refusal {
                crate::publishable::Refusal::Untracked => format!(
                    "if the file belongs with the SOP, run `git add {}` and commit it; if it is private (passwords, keys, settings), remove the link",
                    crate::words::shell_word(target)
                ),
                _ => "remove the link: this file must not be on a web site".to_string(),
            }),
        );
        return;
    }
    if crate::publishable::is_active_content(target, image) {
        let svg = crate::publishable::extension(target) == "svg";
        out.push(
            finding(
                &LINK_ACTIVE_CONTENT,
                sop,
                span,
                if svg {
                    format!("`{target}` is an SVG drawing opened as a link, which would run as a page of the site, so it is not published")
                } else {
                    format!("`{target}` is a web page or script, which would run as part of the site, so it is not published")
                },
            )
            .label("not published")
            .help(if svg {
                "show it as an image instead: `![description](...)` with the same path".to_string()
            } else {
                "save it as a PDF and link to that, or link to where it is hosted with its full `https://` address".to_string()
            }),
        );
    }
}

/// An image `sop publish` would leave out, and why.
fn not_published(sop: &Sop, dest: &str, span: Span, why: &str, out: &mut Vec<Finding>) {
    out.push(
        finding(
            &IMAGE_NOT_PUBLISHED,
            sop,
            span,
            format!("the image `{dest}` would be left out of the site: {why}"),
        )
        .label("not published")
        .help("point the image at a picture file inside the repository, such as `../../assets/img/flow.png` (a picture on another site is shown as a link to it)"),
    );
}

/// What is at the repository path `p` for a link: an SOP of the corpus (`is_sop`), or a file
/// or folder on disk; `None` when nothing is there.
pub(super) fn entry_at(repo: &crate::repo::Repo, is_sop: bool, p: &str) -> Option<Entry> {
    if is_sop {
        return Some(Entry::File);
    }
    let meta = std::fs::metadata(repo.root.join(p)).ok()?;
    Some(if meta.is_dir() {
        Entry::Folder
    } else {
        Entry::File
    })
}

/// `to` (repository-relative) written relative to the folder of `from`.
pub(crate) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    // Folders only: `to`'s file name is never one of them.
    let common = from_dir
        .iter()
        .zip(&to_parts[..to_parts.len().saturating_sub(1)])
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(to_parts.iter().skip(common));
    out.join("/")
}

#[allow(clippy::too_many_arguments)]
fn broken(
    cx: &Cx<'_>,
    resolver: &Resolver,
    sop: &Sop,
    kind: LinkKind,
    dest: &str,
    span: Span,
    tried: &[String],
    out: &mut Vec<Finding>,
) {
    let (rule, what) = match kind {
        LinkKind::Image => (&IMAGE_MISSING, "image"),
        LinkKind::Link => (&LINK_BROKEN, "file"),
    };
    // The file part alone: `x.md#steps` names the file `x.md`.
    let file = dest.split(['#', '?']).next().unwrap_or(dest);
    let mut f = finding(
        rule,
        sop,
        span,
        format!("the {what} `{file}` does not exist"),
    )
    .label(format!("no such {what}"));
    // A link to an SOP by a wrong name: suggest the SOP with the same id.
    let suggestion = tried.first().and_then(|t| {
        let other = sop_by_file_name(cx, t.rsplit('/').next().unwrap_or(t))?;
        Some(relative(&sop.path, &other.path))
    });
    let folder = sop.path.rsplit_once('/').map_or("", |(d, _)| d);
    let style = resolver.style();
    f = match suggestion {
        Some(s) => f.help(format!("did you mean `{s}`? Paths are relative to this SOP's folder")),
        None if style == LinkStyle::Files && tried.len() <= 1 => f.help(format!(
            "check the path: it is relative to this SOP's folder (`{folder}`), and upper and lower case matter"
        )),
        None if tried.is_empty() => f.help(format!(
            "check the path: it leads above the repository's top folder (links are read with `[links] style = \"{}\"`)",
            style.name()
        )),
        None => f.help(format!(
            "with `[links] style = \"{}\"` in `sop.toml` this looked for {}; check the path (upper and lower case matter), or set the style the team's site uses",
            style.name(),
            looked_for(tried)
        )),
    };
    out.push(f);
}

/// The first few paths of `tried`, in backticks; of the Markdown sources, only `.md` files
/// are named (`x.markdown`, `x.html.md.erb` are tried too, but would make the line long).
fn looked_for(tried: &[String]) -> String {
    const SHOWN: usize = 4;
    let named: Vec<&String> = tried
        .iter()
        .filter(|t| {
            !t.ends_with(".markdown") && !t.ends_with(".md.erb") && !t.ends_with(".html.md")
        })
        .collect();
    let mut list: Vec<String> = named.iter().take(SHOWN).map(|t| format!("`{t}`")).collect();
    if named.len() > SHOWN {
        list.push(format!("and {} more", named.len() - SHOWN));
    }
    list.join(", ")
}

fn anchor_check(
    cx: &Cx<'_>,
    sop: &Sop,
    target: &Sop,
    anchor: &str,
    span: Span,
    out: &mut Vec<Finding>,
) {
    // A browser compares the fragment, percent-decoded, with the ids exactly: case counts.
    let anchor = crate::repo::markdown::percent_decode(anchor);
    let rule = cx.settings.config.links.anchors;
    let anchors = target.outline().anchors(rule);
    if anchor.is_empty() || anchors.contains(&anchor) {
        return;
    }
    let anchors: Vec<&str> = anchors.iter().map(String::as_str).collect();
    let place = place(sop, target);
    let mut f = finding(
        &ANCHOR_BROKEN,
        sop,
        span,
        format!("{place} has no heading with the anchor `#{anchor}`"),
    )
    .label("no such heading");
    // A heading's own `{#id}` that the rule does not honour (GitHub and GitLab show it as
    // text and make the id from the words): the writer gave that id, so say why it is not one.
    let ignored = target
        .outline()
        .headings
        .iter()
        .position(|h| h.id.as_deref() == Some(anchor.as_str()))
        .filter(|_| !rule.honours_explicit_ids())
        .and_then(|i| Some((target.outline().headings.get(i)?, anchors.get(i)?)));
    if let Some((heading, id)) = ignored {
        let renderer = match rule {
            crate::repo::anchors::AnchorRule::Gitlab => "GitLab",
            _ => "GitHub",
        };
        let written = written_id(target.slice(heading.span), &anchor);
        out.push(f.help(format!(
            "`{written}` on the heading \"{}\" is not its id with `[links] anchors = \"{}\"`: {renderer} makes the id from the heading's words, so link to `#{id}`; if your site honours `{{#id}}` (MkDocs, Jekyll's kramdown, Docusaurus), set `anchors = \"mkdocs\"`, `\"kramdown\"` or `\"docusaurus\"` under `[links]` in `sop.toml`",
            heading.text.trim(),
            rule.name()
        )));
        return;
    }
    let other_case = anchors
        .iter()
        .find(|a| a.to_lowercase() == anchor.to_lowercase());
    f = match (other_case, closest(&anchor, &anchors)) {
        (Some(same), _) => f.help(format!(
            "did you mean `#{same}`? A browser matches the anchor with the heading's id exactly, upper and lower case included"
        )),
        (None, Some(best)) => f.help(format!("did you mean `#{best}`?")),
        (None, None) if !anchors.is_empty() && anchors.len() <= 12 => f.help(format!(
            "the headings there have the anchors {}",
            anchors
                .iter()
                .map(|a| format!("`#{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (None, None) => f.help(format!(
            "anchors are made from a heading's text by the `{}` rule (`[links] anchors` in `sop.toml`), such as `#roles-and-responsibilities`",
            rule.name()
        )),
    };
    out.push(f);
}

/// A heading's explicit id as the writer wrote it at the end of its first line (`{#step2}`,
/// `{: #step2 }`, Docusaurus's `{/* #step2 */}`), for quoting in a message; `{#id}` when the
/// line does not end with one.
fn written_id(heading: &str, id: &str) -> String {
    let line = heading.lines().next().unwrap_or_default();
    let line = line.trim_end().trim_end_matches('#').trim_end();
    line.rfind('{')
        .map(|at| &line[at..])
        .filter(|piece| piece.ends_with('}') && piece.contains(id))
        .map_or_else(|| format!("{{#{id}}}"), str::to_string)
}

fn retired(sop: &Sop, target: &Sop, span: Span, out: &mut Vec<Finding>) {
    if target.status() != Some(Status::Retired) || std::ptr::eq(sop, target) {
        return;
    }
    let my_id = sop.id();
    let target_id = target.id();
    let successor_of = target
        .meta
        .superseded_by
        .as_ref()
        .is_some_and(|s| Some(s.value.as_str()) == my_id);
    let supersedes = sop
        .meta
        .supersedes
        .as_ref()
        .is_some_and(|l| l.value.iter().any(|i| Some(i.value.as_str()) == target_id));
    if successor_of || supersedes || sop.status() == Some(Status::Retired) {
        return;
    }
    let help = match &target.meta.superseded_by {
        Some(next) => format!("link to its successor `{}` instead", next.value),
        None => "remove the link, or link to the SOP that now covers this".to_string(),
    };
    out.push(
        finding(
            &LINK_TO_RETIRED,
            sop,
            span,
            format!(
                "this links to `{}`, which is retired",
                target_id.unwrap_or(&target.path)
            ),
        )
        .label("retired SOP")
        .help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_suggested_relative_to_the_folder() {
        assert_eq!(relative("sops/a/x.md", "sops/b/y.md"), "../b/y.md");
        assert_eq!(relative("sops/a/x.md", "sops/a/y.md"), "y.md");
        assert_eq!(
            looked_for(&["a".into(), "b".into(), "c".into(), "d".into(), "e".into()]),
            "`a`, `b`, `c`, `d`, and 1 more"
        );
    }
}

#[cfg(test)]
mod front_matter_tests {
    use crate::lint::check;
    use crate::repo::{Corpus, Repo, Settings, Sop};

    #[test]
    fn placeholders_in_front_matter_values_are_found() {
        let repo = Repo {
            root: std::env::temp_dir(),
            settings: Settings::load(None).unwrap(),
            tracked: None,
        };
        let text = "---\nid: SOP-0001\ntitle: T\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: TBD\ndepartment: <Your department>\ntags: [TODO-list]\n---\n\n## Purpose\n\nWhy.\n\n## Checklist\n\n- [ ] x\n";
        let corpus = Corpus {
            sops: vec![Sop::parse(
                "sops/a/SOP-0001-a.md".into(),
                text.into(),
                "SOP",
            )],
            broken: Vec::new(),
        };
        let found: Vec<String> = check(&repo, &corpus)
            .unwrap()
            .into_iter()
            .map(|f| format!("{}: {}", f.rule.id, f.message))
            .collect();
        assert_eq!(
            found,
            [
                "placeholder-left: `owner` still holds a placeholder",
                "placeholder-left: `department` still holds a placeholder",
                "placeholder-left: `tags` still holds a placeholder",
            ]
        );
    }
}

#[cfg(test)]
mod link_tests {
    use crate::lint::check;
    use crate::repo::{Corpus, Repo, Settings, Sop};

    fn sop(path: &str, id: &str, status: &str, body: &str) -> Sop {
        let text = format!(
            "---\nid: {id}\ntitle: T\ntype: checklist\nstatus: {status}\nversion: 0.1.0\nowner: A\ndepartment: D\nretired_reason: old\n---\n\n## Purpose\n\nWhy. {body}\n\n## Checklist\n\n- [ ] x\n"
        );
        Sop::parse(path.into(), text, "SOP")
    }

    #[test]
    fn paths_in_angle_brackets_are_not_prompts() {
        let repo = Repo {
            root: std::env::temp_dir().join("sop-no-such-folder"),
            settings: Settings::load(None).unwrap(),
            tracked: None,
        };
        let body = "![Shot](<images/Shot 1.png>) [Guide](<docs/My guide.md> \"T\") \
            [![Logo](<images/Our logo.png>)](https://example.com) [<Name the guide.>](x.md) \
            <Say who does this.>\n[note]: <Say what to note.>\n\n[shot]: <images/Shot 2.png>\n[g]:\n  <docs/Other guide.md>\n\n![Two][shot] [Other][g]";
        let corpus = Corpus {
            sops: vec![sop("sops/a/SOP-0001-a.md", "SOP-0001", "draft", body)],
            broken: Vec::new(),
        };
        let text = corpus.sops[0].source.text().to_string();
        let prompts: Vec<&str> = check(&repo, &corpus)
            .unwrap()
            .into_iter()
            .filter(|f| f.rule.id == "placeholder-left")
            .filter_map(|f| f.span)
            .map(|span| &text[span.start..span.end])
            .collect();
        assert_eq!(
            prompts,
            [
                "<Name the guide.>",
                "<Say who does this.>",
                "<Say what to note.>"
            ]
        );
    }

    #[test]
    fn a_comment_left_open_at_the_start_of_a_line_is_reported() {
        let repo = Repo {
            root: std::env::temp_dir().join("sop-no-such-folder"),
            settings: Settings::load(None).unwrap(),
            tracked: None,
        };
        let bodies = [
            // Opens a block and hides the lines below it: the two steps, then the helper's
            // `## Checklist` and its item.
            (
                "\n\n<!-- ask legal\n\n1. Freeze.\n2. Refund.\n",
                Some("4 lines"),
            ),
            // Closed, over two lines.
            ("\n\n<!-- a note\n  for writers -->\n\nShown.\n", None),
            // In the middle of a paragraph an open `<!--` is shown as written.
            ("Use 3 <!-- not a comment\n", None),
            // After a list item's marker or in a block quote it opens a block too.
            ("\n\n- <!-- ask legal\n- Freeze.\n", Some("3 lines")),
            ("\n\n> 1. <!-- ask legal\n\nText.\n", Some("3 lines")),
        ];
        for (body, hidden) in bodies {
            let corpus = Corpus {
                sops: vec![sop("sops/a/SOP-0001-a.md", "SOP-0001", "draft", body)],
                broken: Vec::new(),
            };
            let text = corpus.sops[0].source.text().to_string();
            let found: Vec<(String, &str)> = check(&repo, &corpus)
                .unwrap()
                .into_iter()
                .filter(|f| f.rule.id == "comment-unclosed")
                .map(|f| {
                    let span = f.span.unwrap();
                    (f.message, &text[span.start..span.end])
                })
                .collect();
            match hidden {
                Some(lines) => {
                    assert_eq!(found.len(), 1, "{body:?}: {found:?}");
                    assert_eq!(found[0].1, "<!--");
                    assert!(
                        found[0].0.starts_with(&format!(
                            "readers will not see the {lines} after this `<!--`"
                        )),
                        "{found:?}"
                    );
                }
                None => assert_eq!(found, [], "{body:?}"),
            }
        }
    }

    #[test]
    fn broken_links_suggest_the_sop_with_the_same_id() {
        let repo = Repo {
            root: std::env::temp_dir().join("sop-no-such-folder"),
            settings: Settings::load(None).unwrap(),
            tracked: None,
        };
        let corpus = Corpus {
            sops: vec![
                sop(
                    "sops/a/SOP-0001-a.md",
                    "SOP-0001",
                    "draft",
                    "[b](../b/SOP-0002-bee.md) [c](../b/SOP-0003-c.md#checklist) [d](../b/SOP-0003-c.md#nope)",
                ),
                sop("sops/b/SOP-0002-b.md", "SOP-0002", "draft", ""),
                sop("sops/b/SOP-0003-c.md", "SOP-0003", "retired", ""),
            ],
            broken: Vec::new(),
        };
        let found: Vec<(&str, Option<String>)> = check(&repo, &corpus)
            .unwrap()
            .into_iter()
            .map(|f| (f.rule.id, f.help))
            .collect();
        let rules: Vec<&str> = found.iter().map(|f| f.0).collect();
        assert_eq!(
            rules,
            [
                "link-broken",
                "link-to-retired",
                "anchor-broken",
                "link-to-retired"
            ]
        );
        assert_eq!(
            found[0].1.as_deref(),
            Some("did you mean `../b/SOP-0002-b.md`? Paths are relative to this SOP's folder")
        );
        assert_eq!(
            found[2].1.as_deref(),
            Some("the headings there have the anchors `#purpose`, `#checklist`")
        );
    }

    #[test]
    fn a_broken_link_names_the_file_without_its_anchor() {
        let repo = Repo {
            root: std::env::temp_dir().join("sop-no-such-folder"),
            settings: Settings::load(None).unwrap(),
            tracked: None,
        };
        let corpus = Corpus {
            sops: vec![sop(
                "sops/a/SOP-0001-a.md",
                "SOP-0001",
                "draft",
                "[x](gone.md#steps)",
            )],
            broken: Vec::new(),
        };
        let messages: Vec<String> = check(&repo, &corpus)
            .unwrap()
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(messages, ["the file `gone.md` does not exist"]);
    }
}
