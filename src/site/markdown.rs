//! An SOP body as safe HTML: heading anchors from the outline (the ids lint checks links
//! against), links between SOPs rewritten to their pages, and nothing executable left.
//!
//! Safety: pulldown-cmark escapes text and attribute values itself, so a body without raw HTML
//! only needs its link and image URLs checked (done here: `javascript:` and other schemes are
//! dropped). A body with raw HTML goes through ammonia as a whole, which removes scripts, event
//! handlers, `style` and unsafe URLs. Words in angle brackets that Markdown reads as tags
//! (`<Enter>`, a template prompt) are made text first ([`super::literal`]), so none vanishes;
//! checklist items get boxes a reader can tick.

use std::collections::{BTreeSet, VecDeque};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};

use super::literal::{self, Block, Piece, Prompts};
use crate::repo::anchors::{AnchorRule, Anchors};
use crate::repo::html::{RawState, url_attributes};
use crate::repo::markdown::{OutlineReader, level_number, options};
use crate::repo::mkdocs::Marker;
use crate::repo::mkdocs::Prepared;
use crate::repo::wiki::{WikiLink, WikiPipe};
use crate::repo::{Sop, Status};
use crate::site::autolinks;

/// What a link in an SOP points at, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Keep the URL as written (web address, e-mail, same-page anchor).
    Keep,
    /// Use this URL instead (relative to the page).
    Rewrite(String),
    /// A file of the repository, copied into the site: the repository path and the URL.
    File {
        /// Path relative to the repository root.
        path: String,
        /// URL relative to the page.
        url: String,
    },
    /// Remove the link (keep its text): unsafe scheme, or nothing to point at.
    Drop,
}

/// Whether two texts are the same words, whatever their case and spacing.
fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    !b.trim().is_empty() && words(a) == words(b)
}

/// Resolves link destinations for one page.
pub trait Links {
    /// Where `dest`, written in the SOP, should point on the site.
    fn resolve(&self, dest: &str, image: bool) -> Target;

    /// The rule that makes the page's heading ids (`[links] anchors`).
    fn anchor_rule(&self) -> AnchorRule {
        AnchorRule::default()
    }

    /// How wiki links (`[[Page]]`) are read, or `None` when they are not (`[links] wiki =
    /// false`): they are shown as written.
    fn wiki(&self) -> Option<WikiPipe> {
        None
    }

    /// The destination, as a Markdown link from this page would write it (a path relative to
    /// the page's file, with the target heading's anchor), of the wiki link `link` that names
    /// another document or a file; `None` when it names nothing, or more than one.
    fn wiki_dest(&self, link: &WikiLink<'_>) -> Option<String> {
        let _ = link;
        None
    }
}

/// The body of `sop` as HTML, and the files of the repository it links to (to copy).
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Safe HTML.
    pub html: String,
    /// Repository paths of files (images, attachments) the HTML refers to.
    pub files: BTreeSet<String>,
    /// The headings, in order, with the anchors the HTML gives them.
    pub headings: Vec<BodyHeading>,
}

/// A heading of a rendered body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyHeading {
    /// 1 for `#`, 2 for `##`, and so on.
    pub level: u8,
    /// Its text, without markup.
    pub text: String,
    /// Its anchor.
    pub anchor: String,
}

/// The words a rendered body adds of its own, in the page's language.
#[derive(Debug, Clone)]
pub struct BodyWords {
    /// The label of a template prompt left in a draft ("To write:").
    pub to_write: String,
    /// The title of a box of each kind the catalogue names (`note` → "Note"); a box of
    /// another kind is titled by its kind.
    pub boxes: Vec<(&'static str, String)>,
    /// The name of a table's scrolling region, `{n}` its number ("Table {n}").
    pub table: String,
    /// The same, under a heading: `{n}` and `{heading}` ("Table {n}: {heading}").
    pub table_under: String,
}

impl BodyWords {
    /// The English words, as the built-in catalogue has them.
    pub fn english() -> BodyWords {
        BodyWords {
            to_write: "To write:".into(),
            boxes: super::boxes::KINDS
                .iter()
                .map(|&k| (k, crate::repo::mkdocs::title_of_kind(k)))
                .collect(),
            table: "Table {n}".into(),
            table_under: "Table {n}: {heading}".into(),
        }
    }

    /// The title of a box of `kind` (as written, lowercase).
    pub(super) fn box_title(&self, kind: &str) -> String {
        self.boxes.iter().find(|(k, _)| *k == kind).map_or_else(
            || crate::repo::mkdocs::title_of_kind(kind),
            |(_, t)| t.clone(),
        )
    }

    /// The name of table number `n`, under the heading `heading` (empty: none).
    fn table_name(&self, n: usize, heading: &str) -> String {
        let n = n.to_string();
        if heading.is_empty() {
            self.table.replace("{n}", &n)
        } else {
            // The heading last: braces in it stay as written.
            self.table_under
                .replace("{n}", &n)
                .replace("{heading}", heading)
        }
    }
}

/// Render the body of `sop`; `links` resolves every link and image. In a draft, a template
/// prompt is marked as still to write; `words` are the page's own words (that label, box
/// titles, table names) in its language.
pub fn render(sop: &Sop, links: &dyn Links, words: &BodyWords) -> Body {
    render_into(sop, links, words, None, false)
}

/// Render the body of `sop` as [`render`] does, and gather its searchable text by section as
/// the page shows it (the search index reads no body a second time). With `read_outline`, the
/// outline lint reads is read from the same events and kept in `sop` (when none was read yet):
/// for a build that lints after rendering, so each body is parsed once.
pub(crate) fn render_with_text(
    sop: &Sop,
    links: &dyn Links,
    words: &BodyWords,
    read_outline: bool,
) -> (Body, Vec<crate::site::search::Section>) {
    let mut collect = crate::site::search::Collector::default();
    let body = render_into(sop, links, words, Some(&mut collect), read_outline);
    (body, collect.finish())
}

fn render_into(
    sop: &Sop,
    links: &dyn Links,
    words: &BodyWords,
    mut collect: Option<&mut crate::site::search::Collector>,
    read_outline: bool,
) -> Body {
    let text = sop.source.text();
    let md = text
        .get(sop.split.body.start..sop.split.body.end)
        .unwrap_or_default();
    // Only text readers act on carries no "to write" marks: lint keeps prompts out of it.
    let prompt_open = literal::prompt_open(&words.to_write);
    let prompts = match sop.status() {
        Some(Status::Approved | Status::Retired) => Prompts::Plain,
        _ => Prompts::Marked(&prompt_open),
    };
    // Anchors are made here, from the same events and rule as the outline's, so an archived
    // version's page needs no outline of its own.
    let mut headings: Vec<BodyHeading> = Vec::new();
    let mut raw_html = false;
    let mut raw_state = RawState::default();
    let mut files = BTreeSet::new();
    // For each open link or image: whether it was dropped (so its end is dropped too).
    let mut open: Vec<bool> = Vec::new();
    // Depths in `open` of remote images written as links.
    let mut remote_images: Vec<usize> = Vec::new();
    // The heading being read: where its start event is, its level, the text its anchor is made
    // from (as the outline reads it), the text readers see and its explicit id (`{#id}`).
    let mut heading: Option<(usize, u8, String, String, Option<&str>)> = None;
    // Whether the label of a checklist item's box is open.
    let mut task_label = false;
    // Sized once for the events a body of this length gives (about one per 10 bytes of
    // prose), instead of grown and copied a dozen times.
    let mut events: Vec<Event<'_>> = Vec::with_capacity(md.len() / 8);
    // Tables so far, for their names.
    let mut tables = 0;
    // Admonitions and attribute lists are read as MkDocs reads them ([`crate::repo::mkdocs`]);
    // the closing tags of the boxes open so far.
    let prepared = crate::repo::mkdocs::prepare(md);
    let mut anchors = Anchors::with_explicit(links.anchor_rule(), prepared.ids());
    let mut boxes: Vec<&'static str> = Vec::new();
    let mut source = Source {
        parser: Parser::new_ext(&prepared.text, options())
            .into_offset_iter()
            .peekable(),
        queued: VecDeque::new(),
        outline: (read_outline && sop.outline_unread())
            .then(|| (OutlineReader::new(text, sop.split.body), &prepared)),
    };
    // Same-page wiki links (`[[#Heading]]`): where each starts in `events`, and its heading.
    let mut same_page: Vec<(usize, String)> = Vec::new();
    // Inside a code block or an image's description, text is shown as it is.
    let mut in_code = false;
    let mut in_image = 0usize;
    let mut in_raw_link = false;
    while let Some((event, at)) = source.next() {
        // Raw HTML blocks and headings' ends are read into the search text where they are
        // handled.
        if let Some(collect) = collect.as_deref_mut()
            && !matches!(
                event,
                Event::Html(_) | Event::End(TagEnd::Heading(_)) | Event::Start(Tag::HtmlBlock)
            )
        {
            collect.event(&event);
        }
        if task_label && !is_inline(&event) {
            task_label = false;
            events.push(Event::InlineHtml(CowStr::from("</label>")));
        }
        if let (Some((_, _, anchor_text, shown, _)), Event::Text(t) | Event::Code(t)) =
            (heading.as_mut(), &event)
        {
            anchor_text.push_str(t);
            shown.push_str(t);
        }
        // An `<a>` written as inline HTML: its text is a link already.
        if let Event::InlineHtml(h) = &event {
            let tag = h.trim_start().to_ascii_lowercase();
            if tag.starts_with("<a ") || tag.starts_with("<a>") {
                in_raw_link = true;
            } else if tag.starts_with("</a") {
                in_raw_link = false;
            }
        }
        // A bare web address (`https://…`, `www.…`) is a link, as GitHub shows it (GFM's
        // autolink literals), resolved and checked as every other link; never inside code, a
        // link or an image.
        let addresses = match &event {
            Event::Text(text)
                if !in_code
                    && in_image == 0
                    && !in_raw_link
                    && open.is_empty()
                    && (prompts == Prompts::Plain || literal::prompts_in_text(text).is_none()) =>
            {
                autolinks::find(text)
            }
            _ => Vec::new(),
        };
        match event {
            Event::Text(text) if !addresses.is_empty() => {
                let mut from = 0;
                for (range, href) in addresses {
                    if range.start > from {
                        events.push(Event::Text(CowStr::from(
                            text[from..range.start].to_string(),
                        )));
                    }
                    let shown = text[range.clone()].to_string();
                    match links.resolve(&href, false) {
                        Target::Drop => events.push(Event::Text(CowStr::from(shown))),
                        target => {
                            let dest_url = resolved(target, CowStr::from(href), &mut files);
                            events.push(Event::Start(Tag::Link {
                                link_type: LinkType::Autolink,
                                dest_url,
                                title: CowStr::from(""),
                                id: CowStr::from(""),
                            }));
                            events.push(Event::Text(CowStr::from(shown)));
                            events.push(Event::End(TagEnd::Link));
                        }
                    }
                    from = range.end;
                }
                if from < text.len() {
                    events.push(Event::Text(CowStr::from(text[from..].to_string())));
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(event);
            }
            // A prompt Markdown does not read as a tag (`<Task.>`), marked in drafts.
            Event::Text(text) if prompts != Prompts::Plain && !in_code && in_image == 0 => {
                match literal::prompts_in_text(&text) {
                    Some(pieces) => {
                        let close = literal::PROMPT_CLOSE;
                        for piece in pieces {
                            match piece {
                                Piece::Text(t) => {
                                    events.push(Event::Text(CowStr::from(t.to_string())))
                                }
                                Piece::Prompt(p) => {
                                    events.push(Event::InlineHtml(CowStr::from(
                                        prompt_open.as_str(),
                                    )));
                                    events.push(Event::Text(CowStr::from(p.to_string())));
                                    events.push(Event::InlineHtml(CowStr::from(close)));
                                }
                            }
                        }
                    }
                    None => events.push(Event::Text(text)),
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                // The block's lines, read whole: a tag may go on over several.
                let mut raw = String::new();
                let mut first_at = None;
                while let Some((line, line_at)) = source.next() {
                    match line {
                        Event::Html(l) => {
                            first_at = first_at.or(Some(line_at));
                            raw.push_str(&l);
                        }
                        _ => break,
                    }
                }
                if let Some(marker) = first_at.flatten().and_then(|a| prepared.marker_at(a)) {
                    let html = match marker {
                        Marker::Open(admonition) => {
                            if let Some(collect) = collect.as_deref_mut()
                                && let Some(title) = admonition.written_title()
                            {
                                collect.label(title);
                            }
                            let (open, close) = super::boxes::admonition(admonition, words);
                            boxes.push(close);
                            open
                        }
                        Marker::Tabs => {
                            boxes.push(super::boxes::TABS_END);
                            super::boxes::TABS.to_string()
                        }
                        Marker::Tab(label) => {
                            if let Some(collect) = collect.as_deref_mut() {
                                collect.label(label);
                            }
                            boxes.push(super::boxes::TAB_END);
                            super::boxes::tab(label)
                        }
                        Marker::Close => boxes.pop().unwrap_or_default().to_string(),
                    };
                    events.push(Event::Html(CowStr::from(html)));
                    continue;
                }
                let block = literal::block(&raw, prompts, at.is_some());
                // A block read as Markdown again is read into the search text then.
                if let Some(collect) = collect.as_deref_mut()
                    && !matches!(block, Some(Block::Markdown(_)))
                {
                    collect.raw(&raw);
                    collect.event(&Event::End(TagEnd::HtmlBlock));
                }
                // Read again as Markdown only from the file itself, so this never repeats.
                let raw = match block {
                    Some(Block::Markdown(md)) => {
                        source.read_again(
                            &md,
                            matches!(events.last(), Some(Event::Start(Tag::Item))),
                        );
                        continue;
                    }
                    Some(Block::Html(html)) => html,
                    None => raw,
                };
                raw_html = true;
                events.push(Event::Html(CowStr::from(
                    raw_links(CowStr::from(raw), links, &mut files, &mut raw_state).into_string(),
                )));
            }
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                heading = Some((
                    events.len(),
                    level_number(level),
                    String::new(),
                    String::new(),
                    at.and_then(|a| prepared.id_at(a)),
                ));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((at, level, text, shown, explicit)) = heading.take() {
                    let anchor = anchors.next_heading(&text, explicit);
                    if let Some(collect) = collect.as_deref_mut() {
                        collect.end_heading(anchor.clone());
                    }
                    // A body that opens with the title as its H1 (`# Refunds`, as documents
                    // written for GitHub do) would show the title twice: the page's header
                    // shows it. Its anchor stays, for the links to it.
                    if level == 1
                        && at == 0
                        && same_page.iter().all(|(i, _)| *i < at)
                        && same_words(&shown, sop.title())
                    {
                        events.clear();
                        if !anchor.is_empty()
                            && anchor
                                .chars()
                                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                        {
                            events.push(Event::Html(CowStr::from(format!(
                                "<span id=\"{anchor}\"></span>\n"
                            ))));
                        }
                        headings.push(BodyHeading {
                            level,
                            text: shown.trim().to_string(),
                            anchor,
                        });
                        continue;
                    }
                    // An empty id is not valid HTML: a heading without text gets none.
                    if let Some(Event::Start(Tag::Heading { id, .. })) = events.get_mut(at)
                        && !anchor.is_empty()
                    {
                        *id = Some(CowStr::from(anchor.clone()));
                    }
                    // A slug holds letters, digits, `-` and `_` only, so it is safe in an
                    // attribute as it is; anything else gets no mark.
                    if !anchor.is_empty()
                        && anchor
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                    {
                        events.push(Event::InlineHtml(CowStr::from(format!(
                            "<a class=\"anchor\" href=\"#{anchor}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
                        ))));
                    }
                    headings.push(BodyHeading {
                        level,
                        text: shown.trim().to_string(),
                        anchor,
                    });
                }
                events.push(event);
            }
            Event::Start(
                Tag::Link {
                    link_type: LinkType::WikiLink { .. },
                    ref dest_url,
                    ..
                }
                | Tag::Image {
                    link_type: LinkType::WikiLink { .. },
                    ref dest_url,
                    ..
                },
            ) => {
                // The link's own text (what the parser read inside it), for the heading's
                // anchor, which the outline makes from the same.
                let mut inner = String::new();
                let mut depth = 1usize;
                while let Some((e, _)) = source.next() {
                    match e {
                        Event::Start(Tag::Link { .. } | Tag::Image { .. }) => depth += 1,
                        Event::End(TagEnd::Link | TagEnd::Image) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Event::Text(t) | Event::Code(t) => inner.push_str(&t),
                        _ => {}
                    }
                }
                // As written: `at` is where it starts in the prepared body; a block read
                // again has no place there, and its target is the parser's.
                let written = at
                    .and_then(|a| prepared.text.get(a..))
                    .and_then(|rest| {
                        let end = memchr::memmem::find(rest.as_bytes(), b"]]")? + 2;
                        rest.get(..end)
                    })
                    .map_or_else(|| format!("[[{dest_url}]]"), str::to_string);
                let wiki = wiki_events(&written, links, &mut files);
                if let Some(heading) = wiki.heading {
                    same_page.push((events.len(), heading));
                }
                let shown = wiki.shown.clone();
                if let Some((_, _, anchor_text, shown_text, _)) = heading.as_mut() {
                    anchor_text.push_str(&inner);
                    shown_text.push_str(&shown);
                }
                if let Some(collect) = collect.as_deref_mut() {
                    collect.event(&Event::Text(CowStr::from(shown)));
                }
                events.extend(wiki.events);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match if link_type == LinkType::Email {
                // `<a@b.c>`: the HTML writer adds `mailto:`.
                Target::Keep
            } else {
                links.resolve(&dest_url, false)
            } {
                Target::Drop => open.push(true),
                target => {
                    open.push(false);
                    let dest_url = resolved(target, dest_url, &mut files);
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if crate::repo::links::is_remote(&dest_url) => {
                // The page loads nothing from other sites: a picture hosted elsewhere becomes
                // a link to it, which the reader may follow; an address a link could not have
                // (`https://x:99999/`) leaves its words alone, as for a link.
                if !is_safe_url(&dest_url) {
                    open.push(true);
                    continue;
                }
                open.push(false);
                remote_images.push(open.len());
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => match links.resolve(&dest_url, true) {
                Target::Drop => open.push(true),
                target => {
                    open.push(false);
                    in_image += 1;
                    let dest_url = resolved(target, dest_url, &mut files);
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            },
            Event::End(TagEnd::Link | TagEnd::Image) => {
                let as_link = remote_images.last() == Some(&open.len());
                if as_link {
                    remote_images.pop();
                }
                if !open.pop().unwrap_or(false) {
                    if matches!(event, Event::End(TagEnd::Image)) && !as_link {
                        in_image = in_image.saturating_sub(1);
                    }
                    events.push(if as_link {
                        Event::End(TagEnd::Link)
                    } else {
                        event
                    });
                }
            }
            Event::InlineHtml(raw) => match literal::inline(&raw, prompts) {
                // `<Enter>`, `<first name>`: the words the writer wrote.
                Some(html) => {
                    if let Some((_, _, _, shown, _)) = heading.as_mut() {
                        shown.push_str(&raw);
                    }
                    events.push(Event::InlineHtml(CowStr::from(html)));
                }
                None => {
                    raw_html = true;
                    events.push(Event::InlineHtml(raw_links(
                        raw,
                        links,
                        &mut files,
                        &mut raw_state,
                    )));
                }
            },
            Event::Html(raw) => {
                if let Some(collect) = collect.as_deref_mut() {
                    collect.raw(&raw);
                }
                raw_html = true;
                events.push(Event::Html(raw_links(
                    raw,
                    links,
                    &mut files,
                    &mut raw_state,
                )));
            }
            // A checklist item's box, which the reader can tick on screen (nothing is saved),
            // labelled by the item's text.
            Event::TaskListMarker(checked) => {
                if let Some(item) = events
                    .iter_mut()
                    .rev()
                    .find(|e| matches!(e, Event::Start(Tag::Item)))
                {
                    *item = Event::Html(CowStr::from("<li class=\"task-list-item\">"));
                }
                task_label = true;
                events.push(Event::InlineHtml(CowStr::from(if checked {
                    "<label class=\"task\"><input type=\"checkbox\" checked> "
                } else {
                    "<label class=\"task\"><input type=\"checkbox\"> "
                })));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                events.push(Event::Html(CowStr::from(super::boxes::alert(kind, words))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html(CowStr::from(super::boxes::ALERT_END)));
            }
            // A wide table scrolls sideways on a phone; the scrolling box must be reachable
            // with the keyboard (WCAG 2.1.1), so it takes focus and has a name, numbered so
            // no two regions of a page share it ("Table 2: RACI").
            Event::Start(Tag::Table(_)) => {
                tables += 1;
                let label = words.table_name(tables, headings.last().map_or("", |h| &h.text));
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
                    escape_attribute(&label, '"').replace('<', "&lt;")
                ))));
                events.push(event);
            }
            Event::End(TagEnd::Table) => {
                events.push(event);
                events.push(Event::Html(CowStr::from("</div>")));
            }
            other => events.push(other),
        }
    }
    same_page_links(&mut events, same_page, &headings);
    if let Some((reader, _)) = source.outline.take() {
        sop.keep_outline(reader.finish());
    }
    if task_label {
        events.push(Event::InlineHtml(CowStr::from("</label>")));
    }
    // A box left open by markup that never reached its end marker.
    for close in boxes.into_iter().rev() {
        events.push(Event::Html(CowStr::from(close)));
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if raw_html {
        html = clean(&html);
    }
    Body {
        html,
        files,
        headings,
    }
}

/// A wiki link rendered: its events, and the text a reader sees.
struct WikiEvents {
    events: Vec<Event<'static>>,
    shown: String,
    /// For `[[#Heading]]`: the heading, whose anchor the first event's link still needs.
    heading: Option<String>,
}

/// The events for the wiki link `written` (`[[Page#Heading|text]]`, `![[flow.png]]`, as
/// written): an ordinary link to the page (or file) it names, resolved by `links` as
/// a Markdown link to it is, so an unpublished page or file behaves the same; a picture it
/// embeds as an image; as plain text (without `[[ ]]`) when it names nothing; as written when
/// wiki links are off.
fn wiki_events(written: &str, links: &dyn Links, files: &mut BTreeSet<String>) -> WikiEvents {
    let text = |t: &str| WikiEvents {
        events: vec![Event::Text(CowStr::from(t.to_string()))],
        shown: t.to_string(),
        heading: None,
    };
    let Some(pipe) = links.wiki() else {
        return text(written);
    };
    let Some(link) = WikiLink::parse(written, pipe) else {
        return text(written);
    };
    // A picture's text is its description, never its size (`![[flow.png|300]]`).
    let shown = if link.is_image() {
        link.image_text().unwrap_or(link.page)
    } else {
        link.shown()
    };
    if link.page.is_empty() {
        // `[[#Heading]]`: a heading of this page, which may come later: its anchor is set
        // when every heading is known ([`same_page_links`]), so the body is parsed once.
        return WikiEvents {
            events: vec![
                Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: CowStr::from(""),
                    title: CowStr::from(""),
                    id: CowStr::from(""),
                }),
                Event::Text(CowStr::from(shown.to_string())),
                Event::End(TagEnd::Link),
            ],
            shown: shown.to_string(),
            heading: link.heading.map(str::to_string),
        };
    }
    let Some(dest) = links.wiki_dest(&link) else {
        return text(shown);
    };
    let image = link.is_image();
    let target = links.resolve(&dest, image);
    if target == Target::Drop {
        return text(shown);
    }
    let dest_url = resolved(target, CowStr::from(dest), files).into_static();
    if let Some(size) = link.image_size() {
        // `![[flow.png|300x200]]`: the size Obsidian shows it at. The HTML writer's `<img>`
        // has no width, so the tag is written here, escaped as the writer escapes its own.
        let height = size
            .height
            .map(|h| format!(" height=\"{h}\""))
            .unwrap_or_default();
        let html = format!(
            "<img src=\"{}\" alt=\"{}\" width=\"{}\"{height} />",
            escape_attribute(&dest_url, '"').replace('<', "%3C"),
            escape_attribute(shown, '"')
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
            size.width,
        );
        return WikiEvents {
            events: vec![Event::InlineHtml(CowStr::from(html))],
            shown: shown.to_string(),
            heading: None,
        };
    }
    let (start, end) = if image {
        (
            Tag::Image {
                link_type: LinkType::Inline,
                dest_url,
                title: CowStr::from(""),
                id: CowStr::from(""),
            },
            TagEnd::Image,
        )
    } else {
        (
            Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title: CowStr::from(""),
                id: CowStr::from(""),
            },
            TagEnd::Link,
        )
    };
    WikiEvents {
        events: vec![
            Event::Start(start),
            Event::Text(CowStr::from(shown.to_string())),
            Event::End(end),
        ],
        shown: shown.to_string(),
        heading: None,
    }
}

/// Point each same-page wiki link (`[[#Heading]]`; `pending` holds where its link starts in
/// `events`, and the heading as written) at that heading's anchor among `headings`; one whose
/// heading is not there becomes its text.
fn same_page_links(
    events: &mut [Event<'_>],
    pending: Vec<(usize, String)>,
    headings: &[BodyHeading],
) {
    let texts: Vec<&str> = headings.iter().map(|h| h.text.as_str()).collect();
    let anchors: Vec<String> = headings.iter().map(|h| h.anchor.clone()).collect();
    for (at, heading) in pending {
        let anchor = crate::repo::wiki::heading_anchor(&heading, &texts, &anchors);
        match (anchor, events.get_mut(at)) {
            (Some(anchor), Some(Event::Start(Tag::Link { dest_url, .. }))) => {
                *dest_url = CowStr::from(format!("#{anchor}"));
            }
            _ => {
                // The link's start and end (two events on) say nothing: its text stays.
                for i in [at, at + 2] {
                    if let Some(e) = events.get_mut(i) {
                        *e = Event::Text(CowStr::from(""));
                    }
                }
            }
        }
    }
}

/// The events of a body: the parser's, with where each starts in the text it reads, and, before
/// them, the events of a block read again ([`Source::read_again`]), which start nowhere there.
/// Text that follows text comes joined, so a prompt is found whole.
struct Source<'a> {
    parser: std::iter::Peekable<
        pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>,
    >,
    queued: VecDeque<Event<'static>>,
    /// Reads the outline from every event the parser gives, with the text they were parsed
    /// from (not from the blocks read again, which are not the body's own events).
    outline: Option<(OutlineReader<'a>, &'a Prepared<'a>)>,
}

impl<'a> Source<'a> {
    fn next(&mut self) -> Option<(Event<'a>, Option<usize>)> {
        let (event, at) = self.next_one()?;
        let Event::Text(first) = event else {
            return Some((event, at));
        };
        let mut joined: Option<String> = None;
        loop {
            let more = match self.queued.front() {
                Some(Event::Text(_)) => self.queued.pop_front(),
                Some(_) => None,
                None if matches!(self.parser.peek(), Some((Event::Text(_), _))) => {
                    self.parsed().map(|(e, _)| e)
                }
                None => None,
            };
            let Some(Event::Text(t)) = more else { break };
            joined.get_or_insert_with(|| first.to_string()).push_str(&t);
        }
        Some((Event::Text(joined.map_or(first, CowStr::from)), at))
    }

    fn next_one(&mut self) -> Option<(Event<'a>, Option<usize>)> {
        if let Some(event) = self.queued.pop_front() {
            return Some((event, None));
        }
        self.parsed().map(|(e, range)| (e, Some(range.start)))
    }

    /// The parser's next event, read into the outline too.
    fn parsed(&mut self) -> Option<(Event<'a>, std::ops::Range<usize>)> {
        let (event, range) = self.parser.next()?;
        if let Some((reader, prepared)) = self.outline.as_mut() {
            reader.read(&event, prepared, range.clone());
        }
        Some((event, range))
    }

    /// Read `md` (a block of the body) as Markdown; its events come next. `in_item`: it is the
    /// first thing in a list item, where a lone paragraph is written without `<p>`, as
    /// in a tight list.
    fn read_again(&mut self, md: &str, in_item: bool) {
        let mut read: Vec<Event<'static>> = Parser::new_ext(md, options())
            .map(Event::into_static)
            .collect();
        let paragraphs = read
            .iter()
            .filter(|e| matches!(e, Event::Start(Tag::Paragraph)))
            .count();
        if in_item
            && paragraphs == 1
            && matches!(read.first(), Some(Event::Start(Tag::Paragraph)))
            && matches!(read.last(), Some(Event::End(TagEnd::Paragraph)))
        {
            read.pop();
            read.remove(0);
        }
        for event in read.into_iter().rev() {
            self.queued.push_front(event);
        }
    }
}

/// Whether `event` sits inside a paragraph's text (so inside a checklist item's label).
fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// The URL a kept link or image gets; a repository file is remembered for copying.
fn resolved<'e>(target: Target, written: CowStr<'e>, files: &mut BTreeSet<String>) -> CowStr<'e> {
    match target {
        Target::Rewrite(url) => CowStr::from(url),
        Target::File { path, url } => {
            files.insert(path);
            CowStr::from(url)
        }
        Target::Keep | Target::Drop => written,
    }
}

/// `raw` HTML with the URL of every quoted `href` of an `<a>` and `src` of an `<img>` resolved
/// like a Markdown link's, so `<a href="SOP-0002-x.md">` reaches the page of SOP-0002 and an
/// image in the repository is copied. Only those two are read: the sanitiser keeps them and
/// removes the others (and comments, scripts and styles, whose text is skipped here), so no
/// file is published for a reference that never reaches the page. A URL with nothing to point
/// at loses its attribute (an `<a>` without `href` is plain text).
fn raw_links<'e>(
    raw: CowStr<'e>,
    links: &dyn Links,
    files: &mut BTreeSet<String>,
    state: &mut RawState,
) -> CowStr<'e> {
    let found = url_attributes(&raw, state);
    let mut out = String::new();
    let mut copied = 0;
    for attr in found {
        let wanted = matches!(
            (attr.tag.as_str(), attr.name.as_str()),
            ("a", "href") | ("img", "src")
        );
        if !wanted {
            continue;
        }
        let decoded = attr.decoded(&raw);
        let target = if attr.tag == "img" && crate::repo::links::is_remote(&decoded) {
            // The page loads nothing from other sites.
            Target::Drop
        } else {
            links.resolve(&decoded, attr.tag == "img")
        };
        let quoted = |url: &str| match attr.quote {
            Some(q) => escape_attribute(url, q),
            None => format!("\"{}\"", escape_attribute(url, '"')),
        };
        let url = match target {
            Target::Keep => continue,
            Target::Rewrite(url) => quoted(&url),
            Target::File { path, url } => {
                files.insert(path);
                quoted(&url)
            }
            Target::Drop => {
                // The whole attribute goes, with its closing quote.
                out.push_str(&raw[copied..attr.start]);
                copied = attr.value.end + usize::from(attr.quote.is_some());
                continue;
            }
        };
        out.push_str(&raw[copied..attr.value.start]);
        out.push_str(&url);
        copied = attr.value.end;
    }
    if copied == 0 {
        return raw;
    }
    out.push_str(raw.get(copied..).unwrap_or_default());
    CowStr::from(out)
}

/// `html` through the sanitiser, keeping the `data:` URLs of inline SVG images (which only
/// [`super::links`] writes: a `data:` URL written in an SOP is dropped as an unsafe scheme).
/// The sanitiser removes every `data:` URL, so each goes out as a random placeholder and back.
fn clean(html: &str) -> String {
    let marker = super::links::SVG_DATA_URL;
    if !html.contains(marker) {
        return SANITIZER.clean(html).to_string();
    }
    let nonce = crate::leftovers::random_token();
    let mut kept: Vec<&str> = Vec::new();
    let mut masked = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(marker) {
        let (before, from) = rest.split_at(at);
        let tail = from.get(marker.len()..).unwrap_or_default();
        let len = marker.len()
            + tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
                .unwrap_or(tail.len());
        let (url, after) = from.split_at(len);
        masked.push_str(before);
        masked.push_str(&format!("sop-inline-{nonce}-{}", kept.len()));
        kept.push(url);
        rest = after;
    }
    masked.push_str(rest);
    let mut out = SANITIZER.clean(&masked).to_string();
    // Highest index first, so `-1` does not match the start of `-10`.
    for (i, url) in kept.iter().enumerate().rev() {
        out = out.replace(&format!("sop-inline-{nonce}-{i}"), url);
    }
    out
}

/// `html` through the sanitiser the pages go through (for the search text, which must hold
/// only what a page shows).
pub(super) fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// `url` safe inside an attribute value quoted with `quote`.
fn escape_attribute(url: &str, quote: char) -> String {
    let mut out = url.replace('&', "&amp;");
    if quote == '"' {
        out = out.replace('"', "&quot;");
    } else {
        out = out.replace('\'', "&#39;");
    }
    out
}

/// The sanitiser for bodies with raw HTML: the rules lint knows ([`crate::repo::elements`]),
/// with table cells aligned, links that cannot reach back into the page, and safe URLs only.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = crate::repo::elements::sanitizer();
    b.filter_style_properties(["text-align"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(crate::repo::links::KEPT_SCHEMES.into_iter().collect())
        .attribute_filter(|element, attribute, value| {
            // An image loads only what the site holds: a copied file or an inline drawing.
            // One the link rewriting did not reach (markup that parses differently from how
            // it reads) loses its source rather than point anywhere else.
            if element == "img" && attribute == "src" && !site_image(value) {
                return None;
            }
            Some(value.into())
        });
    b
});

/// Whether `src` is an image the site itself provides: a file under `files/` (reached by
/// `../` steps) or an inline SVG `data:` URL.
fn site_image(src: &str) -> bool {
    let mut rest = src.trim();
    while let Some(r) = rest.strip_prefix("../") {
        rest = r;
    }
    // Inline drawings pass the sanitiser as `sop-inline-<nonce>-<n>` placeholders ([`clean`]).
    rest.starts_with("files/")
        || src.starts_with(super::links::SVG_DATA_URL)
        || src.starts_with("sop-inline-")
}

/// Whether `url` is safe to link to: relative, or a valid address (host and port as the URL
/// standard reads them) with a scheme of [`crate::repo::links::KEPT_SCHEMES`]: the one verdict
/// lint reads too ([`crate::repo::links::verdict`]).
///
/// Browsers ignore ASCII tabs and newlines inside a URL (`java\tscript:`), so they are removed
/// before the scheme is read.
pub fn is_safe_url(url: &str) -> bool {
    crate::repo::links::scheme_kept(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct KeepAll;
    impl Links for KeepAll {
        fn resolve(&self, dest: &str, _image: bool) -> Target {
            if is_safe_url(dest) {
                Target::Keep
            } else {
                Target::Drop
            }
        }
    }

    #[test]
    fn pictures_on_other_sites_become_links_and_load_nothing() {
        let html = body(
            "![flow](https://cdn.example.com/flow.png)\n\n<img src=\"https://evil.example/p.gif\" alt=\"t\">\n\n<img src=//evil.example/q.gif>\n",
        );
        assert!(
            html.contains(
                r#"<a href="https://cdn.example.com/flow.png" rel="noopener noreferrer">flow</a>"#
            ),
            "{html}"
        );
        assert!(!html.contains("<img src=\"https:"), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
        // An address a link could not have leaves the words alone, whatever else the page
        // holds (raw HTML sends the page through the sanitiser).
        for md in [
            "![chart](https://x:99999/a.png)\n",
            "![chart](https://x:99999/a.png)\n\n<b>Bold</b>\n",
        ] {
            let html = body(md);
            assert!(html.contains("chart"), "{html}");
            assert!(!html.contains("<a"), "{md}: {html}");
        }
    }

    /// Every Markdown file under `dir`, recursively.
    fn markdown_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                markdown_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_outline_read_while_rendering_is_the_outline_lint_reads() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        markdown_files(&root.join("sops"), &mut files);
        markdown_files(&root.join("tests/fixtures"), &mut files);
        let mut texts: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect();
        assert!(texts.len() > 20, "too few files read: {}", texts.len());
        texts.push(
            "---\nid: SOP-0001\n---\n## Steps\n\n!!! warning \"Careful\"\n    Press <Enter>.\n\n| a | b |\n|---|---|\n| <payments@example.com> | [x](other.md#part) |\n\n<details open>\n<summary>More</summary>\n\n<a href=\"x.md\">x</a>\n</details>\n\n- [ ] <Write the first step here.>\n  1. nested `code`\n\n<!-- note -->\n## Steps {#steps-2}\n".into(),
        );
        for text in texts {
            let rendered = Sop::parse("sops/a/SOP-0001-a.md".into(), text.clone(), "SOP");
            let read = Sop::parse("sops/a/SOP-0001-a.md".into(), text.clone(), "SOP");
            render_with_text(&rendered, &KeepAll, &BodyWords::english(), true);
            assert!(!rendered.outline_unread(), "render read no outline");
            let expected = serde_json::to_value(read.outline()).unwrap();
            let got = serde_json::to_value(rendered.outline()).unwrap();
            assert_eq!(got, expected, "in:\n{text}");
        }
    }

    fn body(md: &str) -> String {
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            format!("---\nid: SOP-0001\n---\n{md}"),
            "SOP",
        );
        render(&sop, &KeepAll, &BodyWords::english()).html
    }

    #[test]
    fn headings_get_the_outline_anchors() {
        let html = body("## Roles & Responsibilities\n\n## Notes\n\n## Notes\n");
        assert!(
            html.contains(r#"<h2 id="roles--responsibilities">"#),
            "{html}"
        );
        assert!(html.contains(r#"<h2 id="notes-1">"#), "{html}");
        assert!(
            html.contains(r##"<a class="anchor" href="#notes-1""##),
            "{html}"
        );
    }

    struct Rule(AnchorRule);
    impl Links for Rule {
        fn resolve(&self, dest: &str, image: bool) -> Target {
            KeepAll.resolve(dest, image)
        }
        fn anchor_rule(&self) -> AnchorRule {
            self.0
        }
    }

    #[test]
    fn explicit_heading_ids_are_the_ids_where_the_rule_honours_them() {
        let md = "## Step two {#step2}\n\nGo to [step two](#step2).\n\n## Step three { #s3 }\n";
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            format!("---\nid: SOP-0001\n---\n{md}"),
            "SOP",
        );
        for (rule, ids) in [
            (AnchorRule::Kramdown, ["step2", "s3"]),
            (AnchorRule::Mkdocs, ["step2", "s3"]),
            (AnchorRule::Github, ["step-two", "step-three"]),
        ] {
            let (body, search) = render_with_text(&sop, &Rule(rule), &BodyWords::english(), false);
            let got: Vec<(&str, &str)> = body
                .headings
                .iter()
                .map(|h| (h.text.as_str(), h.anchor.as_str()))
                .collect();
            assert_eq!(got, [("Step two", ids[0]), ("Step three", ids[1])]);
            assert!(
                body.html.contains(&format!("<h2 id=\"{}\">", ids[0])),
                "{}",
                body.html
            );
            assert!(!body.html.contains('{'), "{}", body.html);
            assert!(
                search.iter().all(|s| !s.heading.contains('{')),
                "{search:?}"
            );
            let searched: Vec<&str> = search.iter().map(|s| s.anchor.as_str()).collect();
            assert_eq!(searched, ids);
            assert_eq!(*sop.outline().anchors(rule), ids);
        }
    }

    #[test]
    fn inline_attribute_lists_are_not_shown_and_prose_braces_are() {
        let html = body(
            "![Flow](a.svg){: width=\"200\" }\n\n![Flow](a.svg){ width=\"300\" }\n\n\
             Click **Save**{: .highlight } when done, [here](x.md){: #go } and `a`{: .c }.\n\n\
             Dear {customer_name}, your {: order } is {#1}. Use `**x**{: .y}` as is.\n\n\
             ```\n**Save**{: .highlight }\n```\n",
        );
        assert!(!html.contains("width="), "{html}");
        // Once, in the code block.
        assert_eq!(html.matches(".highlight").count(), 1, "{html}");
        assert!(!html.contains("#go"), "{html}");
        assert!(!html.contains(".c }"), "{html}");
        assert!(html.contains("<strong>Save</strong>"), "{html}");
        assert!(
            html.contains("Dear {customer_name}, your {: order } is {#1}."),
            "{html}"
        );
        assert!(html.contains("<code>**x**{: .y}</code>"), "{html}");
        assert!(html.contains("**Save**{: .highlight }\n</code>"), "{html}");
    }

    #[test]
    fn rendered_anchors_are_the_outline_anchors() {
        let md = "# Title\n\n## Notes\n\n## Notes\n\n## Notes-1\n\n### `code` and *emphasis*\n\n\
                  ## Überprüfung & Eskalation\n\n##\n\nSetext\n------\n\n## [Link](x.md) heading\n\n\
                  > ## In a quote\n\n- ## In a list\n";
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            format!("---\nid: SOP-0001\n---\n{md}"),
            "SOP",
        );
        let rendered: Vec<(u8, String, String)> = render(&sop, &KeepAll, &BodyWords::english())
            .headings
            .into_iter()
            .map(|h| (h.level, h.text, h.anchor))
            .collect();
        let outline = sop.outline();
        let outlined: Vec<(u8, String, String)> = outline
            .headings
            .iter()
            .zip(outline.anchors(AnchorRule::Github).iter())
            .map(|(h, a)| (h.level, h.text.clone(), a.clone()))
            .collect();
        assert_eq!(rendered.len(), 11, "{rendered:?}");
        assert_eq!(rendered, outlined);
        let html = render(&sop, &KeepAll, &BodyWords::english()).html;
        assert!(!html.contains("id=\"\""), "{html}");
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        let html = body(
            "## A\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3)) [y](java\tscript:alert(4)) <a href=\"javascript:alert(5)\">z</a>\n",
        );
        for bad in ["<script", "onerror", "javascript:", "alert(1)"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains(r#"<h2 id="a">"#), "{html}");
    }

    #[test]
    fn plain_markdown_links_are_checked_without_raw_html() {
        let html = body("[ok](https://example.com) [bad](JavaScript:alert(1)) ![i](data:x)\n");
        assert!(html.contains(r#"<a href="https://example.com">ok</a>"#));
        assert!(!html.to_lowercase().contains("javascript"));
        assert!(!html.contains("data:x"));
        assert!(html.contains("bad"));
    }

    struct ToPages;
    impl Links for ToPages {
        fn resolve(&self, dest: &str, image: bool) -> Target {
            match dest {
                "SOP-0002-b.md#steps" => Target::Rewrite("SOP-0002.html#steps".into()),
                "img/a.png" if image => Target::File {
                    path: "sops/a/img/a.png".into(),
                    url: "../files/sops/a/img/a.png".into(),
                },
                "SOP-0009-gone.md" => Target::Drop,
                _ => Target::Keep,
            }
        }
    }

    #[test]
    fn links_in_raw_html_are_resolved_like_markdown_links() {
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            "---\nid: SOP-0001\n---\n<p>See <a href=\"SOP-0002-b.md#steps\">B</a>, \
             <a data-href=\"SOP-0002-b.md#steps\" href='https://example.com'>web</a> and \
             <a HREF = \"SOP-0009-gone.md\">gone</a>.</p>\n\n<img src=\"img/a.png\" alt=\"A\">\n"
                .into(),
            "SOP",
        );
        let body = render(&sop, &ToPages, &BodyWords::english());
        let html = body.html;
        assert!(html.contains(r#"<a href="SOP-0002.html#steps""#), "{html}");
        assert!(html.contains(r#"href="https://example.com""#), "{html}");
        assert!(!html.contains("SOP-0009-gone"), "{html}");
        assert!(
            html.contains(r#"<a rel="noopener noreferrer">gone</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"src="../files/sops/a/img/a.png""#),
            "{html}"
        );
        assert!(body.files.contains("sops/a/img/a.png"));
    }

    #[test]
    fn comments_scripts_and_other_tags_publish_no_file() {
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            "---\nid: SOP-0001\n---\n<!-- <img src=\"img/a.png\">\n<a href=\"SOP-0002-b.md#steps\">x</a> -->\n\n\
             <script src=\"img/a.png\"></script>\n\n<iframe src=\"img/a.png\"></iframe>\n\n\
             <img alt=\"split\"\n  src=\"img/a.png\">\n\n<a href=\"SOP-0002-b.md#steps&amp;x\">amp</a>\n"
                .into(),
            "SOP",
        );
        let body = render(&sop, &ToPages, &BodyWords::english());
        // Only the image whose tag goes on over two lines is copied.
        assert_eq!(body.files.len(), 1, "{:?}", body.files);
        assert!(
            body.html.contains(r#"src="../files/sops/a/img/a.png""#),
            "{}",
            body.html
        );
        assert!(!body.html.contains("iframe") && !body.html.contains("script"));
    }

    /// `md` as the body of an SOP with `status`.
    fn body_of(status: &str, md: &str) -> String {
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            format!("---\nid: SOP-0001\nstatus: {status}\n---\n{md}"),
            "SOP",
        );
        render(&sop, &KeepAll, &BodyWords::english()).html
    }

    #[test]
    fn words_in_angle_brackets_show_as_written() {
        for md in [
            "Press <Enter> to send.\n",
            "Press <Enter> to send. <b>Bold</b> stays.\n",
        ] {
            let html = body(md);
            assert!(html.contains("Press &lt;Enter&gt; to send."), "{html}");
        }
        let html = body_of(
            "approved",
            "Hi <first name>,\n\n| Key | Does |\n|---|---|\n| <Ctrl> | copies |\n",
        );
        assert!(html.contains("Hi &lt;first name&gt;,"), "{html}");
        assert!(html.contains("<td>&lt;Ctrl&gt;</td>"), "{html}");
        // Inside an HTML block, too, and a word alone on its line is a paragraph.
        let html = body(
            "<details>\n<summary>Keys</summary>\nPress <Enter>.\n</details>\n\n<Enter>\nthen *wait*.\n",
        );
        assert!(html.contains("<details>"), "{html}");
        assert!(html.contains("Press &lt;Enter&gt;."), "{html}");
        assert!(
            html.contains("<p>&lt;Enter&gt;\nthen <em>wait</em>.</p>"),
            "{html}"
        );
    }

    #[test]
    fn allowed_html_is_kept_and_the_rest_removed() {
        let html = body(
            "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.<br>Next <sup>1</sup>\n\n<details open>\n<summary>More</summary>\n\nText.\n\n</details>\n\n<font color=red>Red</font> <span style=\"color:red\" onclick=\"x()\">s</span>\n",
        );
        for kept in [
            "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
            "<br>",
            "<sup>1</sup>",
            "<details open=\"\">",
            "<summary>More</summary>",
            "Red",
            "<span>s</span>",
        ] {
            assert!(html.contains(kept), "{kept} in {html}");
        }
        for gone in ["<font", "style=", "onclick", "&lt;font", "&lt;kbd"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
    }

    #[test]
    fn prompts_are_marked_in_drafts_and_plain_in_approved_text() {
        let md = "## Purpose\n\n<Say in one sentence why this exists.>\n\n### <First group of tasks>\n\n- [ ] <Task.>\n- <Name the tool.>\n";
        let draft = body_of("draft", md);
        let marked = "<mark class=\"prompt\"><span class=\"prompt-label\">To write:</span> &lt;Say in one sentence why this exists.&gt;</mark>";
        assert!(draft.contains(&format!("<p>{marked}</p>")), "{draft}");
        assert!(
            draft.contains("<h3><mark class=\"prompt\">"),
            "a prompt heading keeps no anchor, as lint reads it: {draft}"
        );
        assert!(draft.contains("<li><mark class=\"prompt\"><span class=\"prompt-label\">To write:</span> &lt;Name the tool.&gt;</mark></li>"), "{draft}");
        assert!(
            draft.contains("<input type=\"checkbox\"> <mark class=\"prompt\"><span class=\"prompt-label\">To write:</span> &lt;Task.&gt;</mark></label>"),
            "{draft}"
        );
        let approved = body_of("approved", md);
        assert!(!approved.contains("prompt"), "{approved}");
        assert!(
            approved.contains("<p>&lt;Say in one sentence why this exists.&gt;</p>"),
            "{approved}"
        );
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            format!("---\nid: SOP-0001\n---\n{md}"),
            "SOP",
        );
        let headings = render(&sop, &KeepAll, &BodyWords::english()).headings;
        assert_eq!(headings[1].text, "<First group of tasks>");
        assert_eq!(headings[1].anchor, "");
    }

    #[test]
    fn email_autolinks_are_mailto_links() {
        for md in [
            "Write to <payments@example.com>.\n",
            "Write to <payments@example.com>. <b>x</b>\n",
        ] {
            let html = body(md);
            assert!(
                html.contains("<a href=\"mailto:payments@example.com\""),
                "{html}"
            );
            assert!(html.contains(">payments@example.com</a>"), "{html}");
        }
    }

    #[test]
    fn checklist_boxes_can_be_ticked_and_are_labelled() {
        for md in [
            "- [ ] Check the **ID**\n- [x] Done\n  - [ ] Nested\n",
            "- [ ] Check the **ID**\n- [x] Done\n  - [ ] Nested\n\n<b>raw</b>\n",
        ] {
            let html = body(md);
            assert!(!html.contains("disabled"), "{html}");
            assert!(
                html.contains("<li class=\"task-list-item\"><label class=\"task\"><input type=\"checkbox\"> Check the <strong>ID</strong></label></li>"),
                "{html}"
            );
            assert!(
                html.contains(
                    "<label class=\"task\"><input type=\"checkbox\" checked=\"\"> Done</label>"
                ) || html.contains(
                    "<label class=\"task\"><input type=\"checkbox\" checked> Done</label>"
                ),
                "{html}"
            );
            assert!(html.contains("Nested</label></li>"), "{html}");
        }
    }

    /// A link written in raw HTML is on the page exactly when lint (the outline's address and
    /// [`crate::repo::links::verdict`]) calls it kept; and the sanitiser, which parses the HTML
    /// itself, never removes one lint keeps.
    #[test]
    fn the_page_keeps_exactly_the_links_lint_calls_kept() {
        for written in [
            "\"javascript&colon;alert(1)\"",
            "'java&Tab;script:x'",
            "JAVASCRIPT&#58x",
            "\"&#x6A;avascript:x\"",
            "\"javascript&#0000058;x\"",
            "\"vbscript&#x3A;x\"",
            "\"data&colon;text/html,x\"",
            "'slack://a\" onclick=\"alert(1)'",
            "\"https://exa mple.com/\"",
            "\"https://x:99999/\"",
            "\"https://\"",
            "\"http://[::1/\"",
            "\"java script:x\"",
            "\"mailto:a@b.c\"",
            "\"tel:+49 30 1\"",
            "\"slack://channel?team=T01&amp;id=C02\"",
            "\"https&colon;//example.com/\"",
            "\"msteams:&#x2F;l/x\"",
            "\"../a&amp;b.md\"",
            "\"a&copy=1\"",
        ] {
            let sop = Sop::parse(
                "sops/a/SOP-0001-a.md".into(),
                format!("---\nid: SOP-0001\n---\nGo <a href={written}>there</a>.\n"),
                "SOP",
            );
            let dest = sop.outline().links.first().map(|l| l.dest.clone());
            let lint_keeps = dest.as_deref().is_some_and(crate::repo::links::scheme_kept);
            let html = render(&sop, &KeepAll, &BodyWords::english()).html;
            assert_eq!(
                html.contains("href="),
                lint_keeps,
                "{written}: lint read {dest:?}; the page is {html}"
            );
            let alone = SANITIZER
                .clean(&format!("<a href={written}>x</a>"))
                .to_string();
            assert!(!lint_keeps || alone.contains("href="), "{written}: {alone}");
        }
    }

    #[test]
    fn schemes_are_read_strictly() {
        let scheme = crate::repo::links::url_scheme;
        assert_eq!(scheme("https://x").as_deref(), Some("https"));
        assert_eq!(scheme("../a.md#x:y"), None);
        assert_eq!(scheme("a/b:c"), None);
        assert!(!is_safe_url(" javascript:x"));
        assert!(is_safe_url("mailto:a@b.c"));
    }
}
