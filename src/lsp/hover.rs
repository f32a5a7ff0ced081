//! Hover and go to definition: what a link or an SOP id under the cursor leads to, resolved the
//! way lint resolves it (the repository's link style and anchor rule), and, on a finding, its
//! rule's `sop lint --explain` text.

use lsp_types::{
    GotoDefinitionResponse, Hover, HoverContents, Location, MarkupContent, MarkupKind, Position,
    Range,
};

use super::View;
use super::convert::LineIndex;
use super::diagnostics::finding_span;
use crate::repo::links::{Dest, Entry, Resolution, Resolver};
use crate::repo::markdown::{LinkKind, percent_decode};
use crate::repo::wiki::{self, WikiLink, WikiResolution};
use crate::repo::{Sop, Span};

/// What the cursor is on.
enum Target<'a> {
    /// A link to a repository file (`None`: it leads nowhere), with the anchor it names.
    Link {
        /// The file, relative to the root.
        file: Option<String>,
        /// The part after `#`, decoded.
        anchor: Option<String>,
        /// The whole link.
        span: Span,
    },
    /// The id of an SOP of the repository.
    Id(&'a Sop, Span),
}

/// The link or SOP id at byte `at`.
fn target_at<'v>(view: &View<'v>, at: usize) -> Option<Target<'v>> {
    let sop = view.sop;
    let link =
        sop.outline().links.iter().find(|l| {
            (l.kind == LinkKind::Link || l.wiki) && l.span.start <= at && at < l.span.end
        });
    if let Some(link) = link.filter(|l| l.wiki) {
        return wiki_target(view, link.span);
    }
    if let Some(link) = link {
        let (file, anchor) = match Dest::parse(&link.dest) {
            Dest::SamePage(anchor) => (Some(sop.path.clone()), Some(anchor)),
            Dest::Path { path, fragment } => (resolve(view, &path), fragment),
            Dest::External | Dest::Empty => return None,
        };
        return Some(Target::Link {
            file,
            anchor: anchor.map(percent_decode).filter(|a| !a.is_empty()),
            span: link.span,
        });
    }
    let span = word_at(view.text(), at)?;
    let word = view.text().get(span.start..span.end)?;
    view.ws.by_id(word).map(|target| Target::Id(target, span))
}

/// Where the wiki link at `span` (`[[Escalation policy#Contacts]]`) leads, found as lint finds
/// it; its heading (named by its text) as that heading's anchor.
fn wiki_target<'v>(view: &View<'v>, span: Span) -> Option<Target<'v>> {
    let config = &view.ws.repo.settings.config.links;
    if !config.wiki {
        return None;
    }
    let raw = view.text().get(span.start..span.end)?;
    let link = WikiLink::parse(raw, config.wiki_pipe)?;
    let file = if link.page.is_empty() {
        Some(view.sop.path.clone())
    } else {
        // The names the checks keep, made again once a file comes or goes.
        match view.ws.wiki_index().resolve(&view.sop.path, &link) {
            WikiResolution::Found(file) => Some(file),
            WikiResolution::Missing { .. } | WikiResolution::Ambiguous(_) => None,
        }
    };
    let anchor = match (&file, link.heading) {
        (Some(file), Some(heading)) => {
            let target = if *file == view.sop.path {
                Some(view.sop)
            } else {
                view.ws.sop(file)
            };
            let found = target.and_then(|t| {
                let outline = t.outline();
                let anchors = outline.anchors(config.anchors);
                let texts: Vec<&str> = outline.headings.iter().map(|h| h.text.as_str()).collect();
                wiki::heading_anchor(heading, &texts, &anchors).map(str::to_string)
            });
            Some(found.unwrap_or_else(|| heading.to_string()))
        }
        _ => None,
    };
    Some(Target::Link { file, anchor, span })
}

/// The repository file the link path `path` leads to from the document.
pub(crate) fn resolve(view: &View<'_>, path: &str) -> Option<String> {
    let ws = view.ws;
    let root = &ws.repo.root;
    let exists = |p: &str| {
        if ws.sop(p).is_some() {
            return Some(Entry::File);
        }
        let full = root.join(p);
        if full.is_file() {
            Some(Entry::File)
        } else if full.is_dir() {
            Some(Entry::Folder)
        } else {
            None
        }
    };
    match Resolver::new(&ws.repo.settings.config.links).resolve(&view.sop.path, path, exists) {
        Resolution::Found(file) => Some(file),
        Resolution::Missing { .. } | Resolution::Outside => None,
    }
}

/// The word of id characters (letters, digits, `-`, `_`) around byte `at`.
fn word_at(text: &str, at: usize) -> Option<Span> {
    let is_id = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let at = at.min(text.len());
    let before = text.get(..at)?;
    let after = text.get(at..)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_id(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = at
        + after
            .char_indices()
            .find(|(_, c)| !is_id(*c))
            .map_or(after.len(), |(i, _)| i);
    (start < end).then(|| Span::new(start, end))
}

/// The hover at `pos`: the SOP a link or id leads to, and the rules of the findings there.
pub(crate) fn hover(view: &View<'_>, pos: Position) -> Option<Hover> {
    let at = view.offset(pos);
    let mut parts: Vec<String> = Vec::new();
    let mut range: Option<Range> = None;
    match target_at(view, at) {
        Some(Target::Link { file, anchor, span }) => {
            range = Some(view.range(span));
            parts.push(link_card(view, file.as_deref(), anchor.as_deref()));
        }
        Some(Target::Id(target, span)) => {
            range = Some(view.range(span));
            parts.push(card(view, target));
        }
        None => {}
    }
    let mut explained: Vec<&str> = Vec::new();
    for f in view.findings {
        let span = finding_span(view, f);
        if span.start <= at && at <= span.end && !explained.contains(&f.rule.id) {
            explained.push(f.rule.id);
            parts.push(format!(
                "**`{}`** ({}): {}\n\n{}",
                f.rule.id,
                f.severity.as_str(),
                f.rule.summary,
                f.rule.explanation.trim_end()
            ));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range,
    })
}

/// What a link leads to, in words.
fn link_card(view: &View<'_>, file: Option<&str>, anchor: Option<&str>) -> String {
    let Some(file) = file else {
        return "This link leads to no file of the repository.".into();
    };
    let mut out = match view.ws.sop(file) {
        Some(target) => card(view, target),
        None => format!("`{file}`"),
    };
    if let Some(anchor) = anchor {
        match heading_span(view, file, anchor) {
            Some((heading, _)) => out.push_str(&format!("\n\nSection: **{heading}**")),
            None => out.push_str(&format!(
                "\n\nThere is no heading with the anchor `#{anchor}` there."
            )),
        }
    }
    out
}

/// The SOP's id, title, status, version, owner and file.
fn card(view: &View<'_>, sop: &Sop) -> String {
    let mut facts: Vec<String> = Vec::new();
    facts.push(match sop.meta.status.as_ref() {
        Some(s) => format!("status: {}", s.value),
        None => "no status".into(),
    });
    if let Some(v) = &sop.meta.version {
        facts.push(format!("version {}", v.value));
    }
    if let Some(owner) = &sop.meta.owner {
        facts.push(format!("owner: {}", owner.value));
    }
    if let Some(department) = sop.department(&view.ws.repo.settings) {
        facts.push(department.to_string());
    }
    format!(
        "**{}** · {}\n\n{}\n\n`{}`",
        sop.id().unwrap_or("(no id)"),
        sop.title(),
        facts.join(" · "),
        sop.path
    )
}

/// The heading of the SOP at `file` whose anchor is `anchor`, and its span.
fn heading_span(view: &View<'_>, file: &str, anchor: &str) -> Option<(String, Span)> {
    let target = if file == view.sop.path {
        view.sop
    } else {
        view.ws.sop(file)?
    };
    let outline = target.outline();
    let anchors = outline.anchors(view.ws.repo.settings.config.links.anchors);
    let i = anchors.iter().position(|a| a == anchor)?;
    let heading = outline.headings.get(i)?;
    Some((heading.text.clone(), heading.span))
}

/// Where the link or id at `pos` leads: the SOP file, at the heading its anchor names.
pub(crate) fn definition(view: &View<'_>, pos: Position) -> Option<GotoDefinitionResponse> {
    let at = view.offset(pos);
    let (file, span) = match target_at(view, at)? {
        Target::Link { file, anchor, .. } => {
            let file = file?;
            let span = anchor
                .and_then(|a| heading_span(view, &file, &a))
                .map(|(_, span)| span);
            (file, span)
        }
        Target::Id(target, _) => (target.path.clone(), target.meta.id.as_ref().map(|i| i.span)),
    };
    let range = match (span, view.ws.sop(&file)) {
        (Some(span), Some(target)) if file != view.sop.path => {
            let text = target.source.text();
            LineIndex::new(text).range(text, Span::empty(span.start), view.enc)
        }
        (Some(span), _) => view.range(Span::empty(span.start)),
        (None, _) => Range::default(),
    };
    Some(GotoDefinitionResponse::Scalar(Location::new(
        view.uri_of(&file)?,
        range,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_ids_with_dashes() {
        let text = "see SOP-0012, then";
        let at = text.find("0012").unwrap();
        let span = word_at(text, at).unwrap();
        assert_eq!(&text[span.start..span.end], "SOP-0012");
        assert_eq!(word_at(text, 3), word_at(text, 0));
        assert!(word_at(", ", 1).is_none());
    }
}
