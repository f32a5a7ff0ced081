//! The rule registry: every lint rule's stable id, family, default severity, summary and
//! explanation, in one table. Each explanation is a Markdown file, `docs/rules/<id>.md`, whose
//! heading is the rule id; it is built into the binary.
//!
//! `--explain`, `--list-rules`, SARIF's rule list and the docs all read [`RULES`]. Ids are
//! forever: never rename or reuse one; a retired rule stays here. Each rule is also a `const`
//! so the checks refer to it by name and a typo does not compile. This file depends on
//! [`crate::diag`] only.

use crate::diag::{Family, RuleMeta, Severity};

macro_rules! rules {
    ($( $konst:ident = $id:literal, $family:ident, $severity:ident, fix: $fix:literal,
        $summary:literal; )*) => {
        $(
            #[doc = $summary]
            pub const $konst: RuleMeta = RuleMeta {
                id: $id,
                family: Family::$family,
                severity: Severity::$severity,
                summary: $summary,
                explanation: without_heading(include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"), "/docs/rules/", $id, ".md"
                ))),
                fixable: $fix,
            };
        )*
        /// Every rule, in the order `--list-rules` shows them (grouped by family).
        pub static RULES: &[RuleMeta] = &[$($konst),*];
    };
}

/// The text of a rule's explanation file (`docs/rules/<id>.md`) below its `# <id>` heading and
/// the blank line after it.
const fn without_heading(text: &'static str) -> &'static str {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'\n' && bytes[i + 1] == b'\n' {
            return text.split_at(i + 2).1;
        }
        i += 1;
    }
    text
}

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES.iter().find(|r| r.id == id)
}

/// Every rule id.
pub fn ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

rules! {
    FILE_EMPTY = "file-empty", File, Error, fix: false,
    "the file is empty";

    FILE_BINARY = "file-binary", File, Error, fix: false,
    "the file is not text";

    FILE_NOT_UTF8 = "file-not-utf8", File, Error, fix: false,
    "the file is not saved as UTF-8";

    FILE_UTF16 = "file-utf16", File, Error, fix: true,
    "the file is saved as UTF-16 (Notepad's \"Unicode\"), not UTF-8";

    FILE_TOO_LARGE = "file-too-large", File, Error, fix: false,
    "the file is too large to be an SOP";

    FILE_UNREADABLE = "file-unreadable", File, Error, fix: false,
    "the file cannot be read";

    FILE_OUTSIDE_REPOSITORY = "file-outside-repository", File, Error, fix: false,
    "a symbolic link leads outside the repository";

    LINE_ENDINGS_MIXED = "line-endings-mixed", File, Warning, fix: true,
    "some lines end with CRLF (Windows) and others with LF";

    MERGE_CONFLICT_LEFT = "merge-conflict-left", File, Error, fix: false,
    "an unresolved merge conflict (`<<<<<<<` … `>>>>>>>`) is left in the text";

    FRONT_MATTER_MISSING = "front-matter-missing", FrontMatter, Error, fix: false,
    "the file has no front matter";

    FRONT_MATTER_SYNTAX = "front-matter-syntax", FrontMatter, Error, fix: false,
    "the front matter is not valid YAML";

    KEY_DUPLICATE = "key-duplicate", FrontMatter, Error, fix: false,
    "a front-matter key appears twice";

    KEY_MISSING = "key-missing", FrontMatter, Error, fix: false,
    "a required front-matter key is missing or empty";

    KEY_UNKNOWN = "key-unknown", FrontMatter, Error, fix: false,
    "the front matter has a key sop does not know";

    VALUE_WRONG_SHAPE = "value-wrong-shape", FrontMatter, Error, fix: false,
    "a front-matter value is a list where text belongs, or the reverse";

    ID_INVALID = "id-invalid", FrontMatter, Error, fix: false,
    "the id does not have the form PREFIX-NUMBER";

    ID_DUPLICATE = "id-duplicate", FrontMatter, Error, fix: false,
    "two SOPs have the same id";

    ID_FILE_NAME_MISMATCH = "id-file-name-mismatch", FrontMatter, Error, fix: false,
    "the file name does not start with the SOP's id";

    TYPE_UNKNOWN = "type-unknown", FrontMatter, Error, fix: false,
    "the type is not one of the configured types";

    STATUS_INVALID = "status-invalid", FrontMatter, Error, fix: false,
    "the status is not draft, review, approved or retired";

    VERSION_INVALID = "version-invalid", FrontMatter, Error, fix: false,
    "the version is not a semantic version";

    EFFECTIVE_DATE_INVALID = "effective-date-invalid", FrontMatter, Error, fix: false,
    "the effective date is not a real date in YYYY-MM-DD form";

    REVIEW_DATE_INVALID = "review-date-invalid", FrontMatter, Error, fix: false,
    "a review date is not a real date in YYYY-MM-DD form, or the next review would fall after the year 9999";

    EMAIL_INVALID = "email-invalid", FrontMatter, Error, fix: false,
    "an owner or approver looks like an e-mail address but is not a valid one";

    NAME_TOO_LONG = "name-too-long", FrontMatter, Warning, fix: false,
    "a department or tag name is longer than 100 characters";

    REVIEW_EVERY_INVALID = "review-every-invalid", FrontMatter, Error, fix: false,
    "review_every is not a period of time";

    REVIEW_SCHEDULE_TWICE = "review-schedule-twice", FrontMatter, Warning, fix: false,
    "both review_every and next_review are set: the date wins and the period is ignored";

    NAME_CASE_DIFFERS = "name-case-differs", FrontMatter, Warning, fix: false,
    "a department or tag is written with other capital letters than in the other SOPs";

    VALUE_CUT_BY_COMMENT = "value-cut-by-comment", FrontMatter, Warning, fix: false,
    "a front-matter value is cut short at a ` #`, which YAML reads as the start of a comment";

    SECTION_MISSING = "section-missing", Structure, Error, fix: false,
    "a section the SOP's type requires is missing";

    SECTION_ORDER = "section-order", Structure, Error, fix: false,
    "required sections are not in the order the type gives";

    SECTION_EMPTY = "section-empty", Structure, Error, fix: false,
    "a required section has no content";

    SECTION_DUPLICATE = "section-duplicate", Structure, Error, fix: false,
    "the same section heading appears twice";

    SECTION_HEADING_MISSPELLED = "section-heading-misspelled", Structure, Error, fix: false,
    "a section heading is a misspelling of a required section";

    HEADING_LEVEL_SKIPPED = "heading-level-skipped", Structure, Error, fix: false,
    "a heading skips a level";

    H1_MULTIPLE = "h1-multiple", Structure, Error, fix: false,
    "the SOP has more than one level-1 heading";

    FINAL_NEWLINE_MISSING = "final-newline-missing", Structure, Error, fix: true,
    "the file does not end with a newline";

    PLACEHOLDER_LEFT = "placeholder-left", Content, Warning, fix: false,
    "a template placeholder or TODO is still in the text";

    LINK_BROKEN = "link-broken", Content, Error, fix: false,
    "a link points to a file that does not exist";

    ANCHOR_BROKEN = "anchor-broken", Content, Error, fix: false,
    "a link points to a heading that does not exist";

    LINK_TO_RETIRED = "link-to-retired", Content, Warning, fix: false,
    "a link points to a retired SOP";

    LINK_TO_NON_SOP = "link-to-non-sop", Content, Warning, fix: false,
    "a link points to a Markdown file that is not an SOP, which the site shows as plain text";

    WIKI_LINKS_OFF = "wiki-links-off", Content, Warning, fix: false,
    "a wiki link names a document, but the repository does not read wiki links, so the page shows it as text";

    IMAGE_MISSING = "image-missing", Content, Error, fix: false,
    "an image file does not exist";

    IMAGE_NOT_PUBLISHED = "image-not-published", Content, Error, fix: false,
    "the site would leave an image out";

    LINK_ACTIVE_CONTENT = "link-active-content", Content, Error, fix: false,
    "a link points to a web page or script file, which the site will not publish";

    LINK_UNTRACKED = "link-untracked", Content, Error, fix: false,
    "a link points to a file that git does not track, which the site will not publish";

    HTML_REMOVED = "html-removed", Content, Warning, fix: false,
    "raw HTML or a link that the site removes, so readers do not see it";

    COMMENT_UNCLOSED = "comment-unclosed", Content, Error, fix: false,
    "an HTML comment is never closed, so the site hides everything after it";

    SHORTCODE_AS_TEXT = "shortcode-as-text", Content, Warning, fix: false,
    "a Hugo shortcode, Jekyll (Liquid) tag, mdBook include or MkDocs snippet, which the site shows as text";

    DISABLE_RULE_UNKNOWN = "disable-rule-unknown", Content, Warning, fix: false,
    "a sop-disable comment names a rule that does not exist";

    PROCEDURE_STEPS_UNORDERED = "procedure-steps-unordered", Procedure, Error, fix: false,
    "the Procedure section has no numbered list of steps";

    RACI_ACCOUNTABLE_COUNT = "raci-accountable-count", Procedure, Error, fix: false,
    "a row of the RACI table does not have exactly one A";

    RACI_CELL_INVALID = "raci-cell-invalid", Procedure, Error, fix: false,
    "a RACI table cell is not R, A, C or I";

    REVIEW_OVERDUE = "review-overdue", Lifecycle, Warning, fix: false,
    "the SOP's periodic review is overdue";

    REVIEW_DUE_SOON = "review-due-soon", Lifecycle, Warning, fix: false,
    "the SOP's periodic review is due soon";

    APPROVED_WITHOUT_APPROVERS = "approved-without-approvers", Lifecycle, Error, fix: false,
    "an approved SOP names no approvers";

    APPROVED_WITHOUT_EFFECTIVE_DATE = "approved-without-effective-date", Lifecycle, Error, fix: false,
    "an approved SOP has no effective date";

    RETIRED_WITHOUT_SUCCESSOR = "retired-without-successor", Lifecycle, Error, fix: false,
    "a retired SOP names neither a successor nor a reason";

    SUPERSEDE_ID_UNKNOWN = "supersede-id-unknown", Lifecycle, Error, fix: false,
    "superseded_by or supersedes names an id no SOP has";

    SUPERSEDED_NOT_RETIRED = "superseded-not-retired", Lifecycle, Error, fix: false,
    "an SOP names a successor in superseded_by but is not retired";

    EFFECTIVE_IN_FUTURE = "effective-in-future", Lifecycle, Warning, fix: false,
    "an approved SOP takes effect in the future";

    TRANSLATION_STALE = "translation-stale", Translation, Warning, fix: false,
    "a translation is of an older version of its source";

    TRANSLATION_SOURCE_MISSING = "translation-source-missing", Translation, Error, fix: false,
    "a translation's source SOP does not exist";

    TRANSLATION_OF_INVALID = "translation-of-invalid", Translation, Error, fix: false,
    "translation_of is missing or not of the form ID@VERSION";

    TRANSLATION_VERSION_UNKNOWN = "translation-version-unknown", Translation, Error, fix: false,
    "translation_of names a version its source never had";

    TRANSLATION_OF_UNAPPROVED = "translation-of-unapproved", Translation, Error, fix: false,
    "an approved translation translates a version of its source that was never approved";

    VERSION_NOT_BUMPED = "version-not-bumped", PullRequest, Error, fix: false,
    "an SOP changed since the base revision but its version did not go up";

    ID_CHANGED = "id-changed", PullRequest, Error, fix: false,
    "an SOP's id changed since the base revision";

    APPROVED_SOP_DELETED = "approved-sop-deleted", PullRequest, Error, fix: false,
    "an approved SOP was deleted instead of retired";

    APPROVAL_NOT_RECORDED = "approval-not-recorded", PullRequest, Error, fix: false,
    "an SOP changed and says approved, but no approval is recorded for its text";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_explained() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate id {}", r.id);
            assert!(
                r.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                r.id
            );
            for part in [
                "## What it checks",
                "## Why it matters",
                "## Example",
                "## How to fix",
            ] {
                assert!(r.explanation.contains(part), "{} lacks {part}", r.id);
            }
        }
        assert_eq!(
            find("section-missing").map(|r| r.id),
            Some("section-missing")
        );
        assert!(find("no-such-rule").is_none());
    }

    #[test]
    fn every_rule_has_its_explanation_file_and_no_file_is_stray() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut wanted: Vec<String> = RULES.iter().map(|r| format!("{}.md", r.id)).collect();
        wanted.sort();
        assert_eq!(
            files, wanted,
            "docs/rules holds one file per rule id, no other"
        );
        for r in RULES {
            let text = std::fs::read_to_string(dir.join(format!("{}.md", r.id))).unwrap();
            assert!(
                text.starts_with(&format!("# {}\n\n## What it checks\n", r.id)),
                "docs/rules/{}.md must start with `# {}`, a blank line and `## What it checks`",
                r.id,
                r.id
            );
            assert_eq!(format!("# {}\n\n{}", r.id, r.explanation), text);
        }
    }
}
