//! The boxes of notes and warnings on a page: MkDocs admonitions (`!!! note "Title"`, `???`
//! collapsible) and GitHub alerts (`> [!NOTE]` … `> [!CAUTION]`), written as the same markup
//! so the theme styles both alike, on screen, in dark mode and in print.
//!
//! A title is text: it is escaped here, never read as HTML.

use pulldown_cmark::BlockQuoteKind;

use super::markdown::BodyWords;
use crate::repo::mkdocs::Admonition;

/// The kinds of box whose titles are in the message catalogue (`[box]`): MkDocs Material's
/// and GitHub's.
pub(super) const KINDS: [&str; 27] = [
    "note",
    "abstract",
    "summary",
    "tldr",
    "info",
    "todo",
    "tip",
    "hint",
    "important",
    "success",
    "check",
    "done",
    "question",
    "help",
    "faq",
    "warning",
    "caution",
    "attention",
    "failure",
    "fail",
    "missing",
    "danger",
    "error",
    "bug",
    "example",
    "quote",
    "cite",
];

/// The opening markup of an admonition, and the closing tag that ends it.
pub(super) fn admonition(a: &Admonition, words: &BodyWords) -> (String, &'static str) {
    let tone = tone(&a.kind);
    let label = words.box_title(&a.kind);
    match a.collapsible {
        Some(open) => {
            let title = match a.title.as_deref() {
                Some(t) if !t.trim().is_empty() => t.to_string(),
                _ => label,
            };
            (
                format!(
                    "<details class=\"callout callout-{tone}\"{}>\n<summary class=\"callout-title\">{}</summary>\n",
                    if open { " open" } else { "" },
                    super::escape_html(&title)
                ),
                "</details>\n",
            )
        }
        None => {
            let head = match a.title.as_deref() {
                // `""`: no title bar, as in MkDocs; the kind is still named for screen readers.
                Some(t) if t.trim().is_empty() => {
                    return (
                        format!(
                            "<div class=\"callout callout-{tone}\" role=\"note\" aria-label=\"{}\">\n",
                            super::escape_html(&label)
                        ),
                        "</div>\n",
                    );
                }
                Some(t) => t.to_string(),
                None => label,
            };
            (
                format!(
                    "<div class=\"callout callout-{tone}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
                    super::escape_html(&head)
                ),
                "</div>\n",
            )
        }
    }
}

/// The opening markup of a GitHub alert; it ends with `</div>`.
pub(super) fn alert(kind: BlockQuoteKind, words: &BodyWords) -> String {
    let tone = match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    };
    format!(
        "<div class=\"callout callout-{tone}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
        super::escape_html(&words.box_title(tone))
    )
}

/// The closing markup of a GitHub alert.
pub(super) const ALERT_END: &str = "</div>\n";

/// The opening markup of a set of content tabs (MkDocs Material's `=== "Label"`, Docusaurus's
/// `<Tabs>`): the tabs are panels one after the other, all shown, so a printed page or a phone
/// shows every one without a script.
pub(super) const TABS: &str = "<div class=\"tabs\">\n";

/// The closing markup of a set of content tabs.
pub(super) const TABS_END: &str = "</div>\n";

/// The opening markup of one tab's panel, titled by its label (text, escaped).
pub(super) fn tab(label: &str) -> String {
    if label.trim().is_empty() {
        return "<div class=\"tab\">\n".to_string();
    }
    format!(
        "<div class=\"tab\">\n<p class=\"tab-title\">{}</p>\n",
        super::escape_html(label.trim())
    )
}

/// The closing markup of one tab's panel.
pub(super) const TAB_END: &str = "</div>\n";

/// The colour of an admonition kind: MkDocs Material's kinds grouped into GitHub's five.
fn tone(kind: &str) -> &'static str {
    match kind {
        "tip" | "hint" | "success" | "check" | "done" | "example" => "tip",
        "important" | "question" | "help" | "faq" | "abstract" | "summary" | "tldr" => "important",
        "warning" | "attention" | "todo" => "warning",
        "caution" | "danger" | "error" | "failure" | "fail" | "missing" | "bug" => "caution",
        _ => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::super::markdown::{BodyWords, Links, Target, is_safe_url, render};
    use crate::repo::Sop;

    struct Keep;
    impl Links for Keep {
        fn resolve(&self, dest: &str, _image: bool) -> Target {
            if is_safe_url(dest) {
                Target::Keep
            } else {
                Target::Drop
            }
        }
    }

    fn html(md: &str) -> String {
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            format!("---\nid: SOP-0001\n---\n{md}"),
            "SOP",
        );
        render(&sop, &Keep, &BodyWords::english()).html
    }

    #[test]
    fn admonition_with_a_title() {
        insta::assert_snapshot!(html(
            "!!! note \"Before you start\"\n    Check the **ticket**.\n\n    - one\n    - [two](https://example.com)\n\nAfter.\n"
        ));
    }

    #[test]
    fn admonition_without_a_title_and_with_an_empty_one() {
        insta::assert_snapshot!(html(
            "!!! warning\n    Do not skip.\n\n!!! danger \"\"\n    No title bar.\n"
        ));
    }

    #[test]
    fn collapsible_admonitions_are_details() {
        insta::assert_snapshot!(html(
            "??? tip \"More\"\n    Hidden at first.\n\n???+ question\n    Open at first.\n\n    !!! info \"Nested\"\n        Inner text.\n"
        ));
    }

    #[test]
    fn github_alerts() {
        insta::assert_snapshot!(html(
            "> [!NOTE]\n> Useful.\n\n> [!TIP]\n> Faster.\n\n> [!IMPORTANT]\n> Needed.\n\n> [!WARNING]\n> Risky.\n\n> [!CAUTION]\n> Harmful.\n\n> A plain quote.\n"
        ));
    }

    #[test]
    fn attribute_lists_are_dropped() {
        insta::assert_snapshot!(html(
            "## Purpose {#purpose .lead}\n\nWhy we do it.\n{: .note }\n\nText {: #x}\n\n`{: .code}` and\n\n```\n{: .kept}\n```\n"
        ));
    }

    #[test]
    fn titles_are_text_and_raw_html_inside_a_box_is_cleaned() {
        let out = html(
            "!!! note \"<img src=x onerror=alert(1)> & \\\"q\\\"\"\n    <script>alert(2)</script> <b>bold</b>\n\n??? warning \"<b>x</b>\"\n    y\n",
        );
        assert!(!out.contains("<img") && !out.contains("<script"), "{out}");
        assert!(
            out.contains("&lt;img src=x onerror=alert(1)&gt; &amp;"),
            "{out}"
        );
        assert!(
            out.contains("<summary class=\"callout-title\">&lt;b&gt;x&lt;/b&gt;</summary>"),
            "{out}"
        );
        assert!(
            out.contains("<div class=\"callout callout-note\" role=\"note\">"),
            "{out}"
        );
        assert!(out.contains("<b>bold</b>"), "{out}");
    }

    #[test]
    fn content_tabs_are_labelled_panels_all_shown() {
        let out = html(
            "=== \"Android <b>&</b>\"\n\n    Tap **Settings**.\n\n=== \"iOS\"\n\n    ```\n    code\n    ```\n\nAfter.\n",
        );
        assert_eq!(
            out,
            "<div class=\"tabs\">\n<div class=\"tab\">\n<p class=\"tab-title\">Android &lt;b&gt;&amp;&lt;/b&gt;</p>\n<p>Tap <strong>Settings</strong>.</p>\n</div>\n<div class=\"tab\">\n<p class=\"tab-title\">iOS</p>\n<pre><code>code\n</code></pre>\n</div>\n</div>\n<p>After.</p>\n"
        );
        let out = html(
            "import Tabs from '@theme/Tabs';\n\n<Tabs>\n<TabItem value=\"a\" label=\"A & B\">\n\nOne.\n\n</TabItem>\n</Tabs>\n{/* note */}\n",
        );
        assert_eq!(
            out,
            "<div class=\"tabs\">\n<div class=\"tab\">\n<p class=\"tab-title\">A &amp; B</p>\n<p>One.</p>\n</div>\n</div>\n"
        );
    }

    #[test]
    fn a_marker_written_in_the_text_opens_no_box() {
        let out = html("<!-- sop:box -->\n\ntext\n\n<!-- /sop:box -->\n");
        assert!(!out.contains("callout"), "{out}");
    }
}
