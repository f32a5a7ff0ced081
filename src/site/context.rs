//! The page contexts: what each template of the theme receives. This is the contract with theme
//! authors (a repository's `templates/site/*.html` override the built-in ones and get exactly
//! these fields).
//!
//! Every URL here is relative to the page it appears on (so the site works from any folder,
//! any sub-path and `file://`); `layout.site.root` leads back to the site's root folder.

use serde::Serialize;

/// What every page knows about the site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    /// `[site] title`.
    pub title: String,
    /// The relative path from this page back to the site root: `""`, `"../"`, `"../../"`.
    pub root: String,
    /// Whether the site was published with `--drafts` (working copies, not approved).
    pub drafts: bool,
    /// Whether `sop serve` injects its reload script.
    pub live_reload: bool,
    /// The date review states were computed for, `YYYY-MM-DD`.
    pub today: String,
    /// Whether any department has a feed (`departments/<slug>.xml`).
    pub feed: bool,
}

/// The frame of a page: site, title and which top-level section is active.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    /// The site.
    pub site: SiteInfo,
    /// The page's title (without the site title).
    pub title: String,
    /// The active navigation item: `index`, `dashboard`, `departments`, `tags` or `sop`.
    pub section: &'static str,
    /// A one-line description for `<meta name="description">`.
    pub description: String,
    /// The language of the interface texts (the catalogue used), for `<html lang>`; `t(key=...)`
    /// looks texts up in it.
    pub lang: String,
    /// `ltr` or `rtl`: the writing direction of `lang`, for `<html dir>`.
    pub dir: &'static str,
}

/// A link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The text shown.
    pub text: String,
    /// Where it goes (relative).
    pub url: String,
}

/// A value one can filter on (department, tag, status, type) and how many SOPs have it.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// The value as written.
    pub name: String,
    /// Its URL-safe form.
    pub slug: String,
    /// Its page, when it has one.
    pub url: Option<String>,
    /// How many of the listed SOPs (retired ones included) have it.
    pub count: usize,
}

/// An SOP in a list (index, department and tag pages). Its URLs are relative to the site root:
/// templates put the page's `prefix` before them.
#[derive(Debug, Clone, Serialize)]
pub struct SopCard {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The SOP's page.
    pub url: String,
    /// `draft`, `review`, `approved`, `retired` or `unknown`.
    pub status: String,
    /// The version shown.
    pub version: String,
    /// The owner.
    pub owner: String,
    /// The department.
    pub department: String,
    /// The department's slug (for filters).
    pub department_slug: String,
    /// The type.
    pub sop_type: String,
    /// Tags, with their pages.
    pub tags: Vec<Link>,
    /// Tag slugs joined by spaces (for filters).
    pub tag_slugs: String,
    /// Next review date, if known.
    pub next_review: Option<String>,
    /// From which day the review is due soon (`YYYY-MM-DD`, `[lint] due_soon` before
    /// `next_review`), for an approved SOP: with `next_review` it lets `review.js` tell the
    /// state on the reader's day.
    pub due_soon_from: Option<String>,
    /// `overdue`, `due-soon`, `ok` or `unknown`.
    pub review_state: String,
    /// A short note, e.g. "revision in progress".
    pub note: Option<String>,
    /// The card as HTML for the department and tag pages (`_card.html` with `prefix` `../`),
    /// rendered once for all of them; empty on the index (rendered before it) and in `sop
    /// serve`'s rebuilds of a few pages: `_cards.html` then renders the card itself.
    pub html: String,
}

/// A heading in the table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocItem {
    /// 2 for H2, 3 for H3.
    pub level: u8,
    /// The heading text.
    pub text: String,
    /// Its anchor id.
    pub anchor: String,
}

/// How serious a notice is; templates see `info`, `warning` or `danger` (the colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// Background the reader may want (a translation, a revision in progress).
    Info,
    /// The text is not the reference (superseded, out of date, a preview of approved text).
    Warning,
    /// Do not follow this text (retired, a draft).
    Danger,
}

/// What SOPs are grouped by; templates see `Department`, `Tag` or `Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum GroupKind {
    /// The owning department (a page each, under `departments/`).
    Department,
    /// A tag (a page each, under `tags/`).
    Tag,
    /// The SOP type (a filter of the index, no pages).
    Type,
}

/// A message shown above an SOP.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// How serious it is (the colour).
    pub kind: NoticeKind,
    /// The message.
    pub text: String,
    /// A link after the message.
    pub link: Option<Link>,
}

/// The metadata panel of an SOP page.
#[derive(Debug, Clone, Serialize)]
pub struct SopMeta {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The version shown.
    pub version: String,
    /// Its status (`unknown` when missing).
    pub status: String,
    /// The type.
    pub sop_type: String,
    /// The owner.
    pub owner: String,
    /// The department, with its page.
    pub department: Option<Link>,
    /// Who approved this version: the names in its front matter (`approvers`).
    pub approvers: Vec<String>,
    /// Who approved this version, when, and what the approval means: from the release's
    /// approval record when it has one, else the front matter's names without dates.
    pub approvals: Vec<ApprovalRow>,
    /// Whether `approvals` come from a release's approval record (else from the front matter).
    pub approvals_recorded: bool,
    /// When it took effect.
    pub effective: Option<String>,
    /// When it was last reviewed.
    pub last_reviewed: Option<String>,
    /// When it is next due for review.
    pub next_review: Option<String>,
    /// Why the next review date of an approved version cannot be told (it may be overdue).
    pub review_problem: Option<String>,
    /// From which day the review is due soon, for an approved version (see
    /// [`SopCard::due_soon_from`]).
    pub due_soon_from: Option<String>,
    /// `overdue`, `due-soon`, `ok` or `unknown`.
    pub review_state: String,
    /// Tags with their pages.
    pub tags: Vec<Link>,
    /// Successor of a retired SOP.
    pub superseded_by: Option<Link>,
    /// Why a retired SOP was retired.
    pub retired_reason: Option<String>,
    /// SOPs this one replaces.
    pub supersedes: Vec<Link>,
    /// The page's language.
    pub language: String,
    /// `ltr` or `rtl`: the writing direction of `language`, for the `dir` of the SOP's text.
    pub dir: &'static str,
    /// The file in the repository.
    pub path: String,
}

/// One approval of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRow {
    /// The approver's name.
    pub name: String,
    /// Their e-mail, when recorded.
    pub email: Option<String>,
    /// The day of the approval, `YYYY-MM-DD`, when recorded.
    pub date: Option<String>,
    /// What the approval means (`approved for use`), when recorded.
    pub meaning: Option<String>,
}

/// A commit that touched the SOP.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionRow {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Who wrote the change (not who merged it).
    pub author: String,
    /// First line of the message.
    pub summary: String,
    /// Short commit id.
    pub commit: String,
    /// The pull request that brought it in, when known.
    pub pull_request: Option<u64>,
    /// That pull request's page, when `[site] pull_request_url` is set.
    pub pull_request_url: Option<String>,
}

/// The changes that led to one release (or that no release has taken yet).
#[derive(Debug, Clone, Serialize)]
pub struct RevisionGroup {
    /// The version they led to; `None` for changes after the last release.
    pub version: Option<String>,
    /// The release's date.
    pub date: Option<String>,
    /// The archived page of that version, when it has one.
    pub url: Option<String>,
    /// The changes, newest first.
    pub revisions: Vec<RevisionRow>,
    /// Periodic reviews of `version` since its release, which changed no approved text.
    pub reviews: bool,
}

/// A released version.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRow {
    /// The version.
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Who released it.
    pub tagger: String,
    /// Release summary.
    pub summary: String,
    /// Its page, if it has one (only versions that were approved have one).
    pub url: Option<String>,
    /// Whether it is the version this page shows.
    pub shown: bool,
    /// Its status at the tag, as a reader says it (`approved`, `in review`, `draft`,
    /// `retired`), or `unknown` when its text could not be read.
    pub status: String,
    /// Whether its text was approved (or retired).
    pub approved: bool,
    /// Who approved it, when, and the meaning: from the tag's approval record, else the
    /// names in its front matter; empty when it was not approved.
    pub approvals: Vec<ApprovalRow>,
    /// Whether `approvals` come from the tag's approval record.
    pub approvals_recorded: bool,
}

/// A page of one SOP: the current version, a translation, or an archived version.
#[derive(Debug, Clone, Serialize)]
pub struct SopPage {
    /// Frame.
    pub layout: Layout,
    /// Metadata panel.
    pub sop: SopMeta,
    /// Notices above the body (superseded, revision in progress, draft, stale translation).
    pub notices: Vec<Notice>,
    /// Table of contents (H2 and H3).
    pub toc: Vec<TocItem>,
    /// The body as sanitised HTML (the one place the theme uses `| safe`).
    pub body: String,
    /// Released versions, newest first.
    pub releases: Vec<ReleaseRow>,
    /// Commits that touched it, newest first, grouped under the release they led to.
    pub revision_groups: Vec<RevisionGroup>,
    /// How many commits touched it.
    pub revision_count: usize,
    /// Whether this page is a translation, whose history is the original's page's.
    pub translation: bool,
    /// Other languages of this SOP (the source included, on a translation).
    pub languages: Vec<Link>,
    /// "Suggest a change" URL.
    pub suggest_url: Option<String>,
    /// The current version's page, on an archived or translated page.
    pub current_url: Option<String>,
    /// Whether this page is an archived version (a released version kept for the record).
    pub archived: bool,
    /// The absolute address of the current version of what this page shows (this page, or the
    /// current page of an archived version), for the line printed on every paper page; only
    /// when `[site] base_url` is set.
    pub print_url: Option<String>,
    /// Whether this page is an archived version that a newer one replaced: its status at the
    /// time (`sop.status`) is history, and it has no next review.
    pub superseded: bool,
}

/// The index of current SOPs.
#[derive(Debug, Clone, Serialize)]
pub struct IndexPage<'a> {
    /// Frame.
    pub layout: Layout,
    /// Every current SOP, by id.
    pub sops: &'a [SopCard],
    /// What leads from this page to the site root, before each card's URLs (`""` here).
    pub prefix: &'static str,
    /// Department filter values.
    pub departments: Vec<Facet>,
    /// Status filter values.
    pub statuses: Vec<Facet>,
    /// Type filter values.
    pub types: Vec<Facet>,
    /// Tag filter values.
    pub tags: Vec<Facet>,
}

/// A page listing SOPs of one department or tag, or the list of all departments or tags.
#[derive(Debug, Clone, Serialize)]
pub struct ListPage<'a> {
    /// Frame.
    pub layout: Layout,
    /// `Department` or `Tag`.
    pub kind: GroupKind,
    /// The department or tag name (empty on the overview).
    pub name: String,
    /// Its SOPs, retired ones included.
    pub sops: Vec<&'a SopCard>,
    /// How many of `sops` are in force (not retired).
    pub in_force: usize,
    /// What leads from this page to the site root, before each card's URLs (`"../"`).
    pub prefix: &'static str,
    /// On the overview: every department or tag.
    pub groups: Vec<Facet>,
    /// The department's Atom feed.
    pub feed_url: Option<String>,
    /// The department's Atom feed of reviews due soon or overdue (`<slug>.reviews.xml`).
    pub review_feed_url: Option<String>,
}

/// A review that is due or overdue.
#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The SOP's page, when published.
    pub url: Option<String>,
    /// Owner.
    pub owner: String,
    /// Department.
    pub department: String,
    /// Review date.
    pub next_review: String,
    /// From which day the review is due soon (see [`SopCard::due_soon_from`]).
    pub due_soon_from: String,
    /// "12 days late", "due today", "in 5 days".
    pub when: String,
}

/// A published SOP whose review date cannot be told: its review may be overdue.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownRow {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// What keeps the date from being known.
    pub problem: String,
    /// Owner.
    pub owner: String,
    /// Department.
    pub department: String,
    /// The page of its published version, if any.
    pub url: Option<String>,
}

/// A draft or SOP in review, waiting for approval.
#[derive(Debug, Clone, Serialize)]
pub struct DraftRow {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// `draft` or `review`.
    pub status: String,
    /// The working copy's version.
    pub version: String,
    /// Owner.
    pub owner: String,
    /// Department.
    pub department: String,
    /// The page of its published version, if any.
    pub url: Option<String>,
}

/// A stale translation.
#[derive(Debug, Clone, Serialize)]
pub struct StaleRow {
    /// The id.
    pub id: String,
    /// The translation's title.
    pub title: String,
    /// Its language.
    pub language: String,
    /// Version it translates.
    pub translated_version: String,
    /// The source's version.
    pub source_version: String,
    /// Its page, when published.
    pub url: Option<String>,
}

/// A chart drawn at build time, with its data as a table for screen readers.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// The heading.
    pub title: String,
    /// The SVG file.
    pub url: String,
    /// A text alternative.
    pub alt: String,
    /// The numbers.
    pub rows: Vec<ChartRow>,
}

/// One bar of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct ChartRow {
    /// The bar's label.
    pub label: String,
    /// Its value.
    pub value: usize,
}

/// Lint findings of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    /// The rule id.
    pub rule: String,
    /// How many findings.
    pub count: usize,
}

/// A number on the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    /// What it counts, for scripts: `in-force`, `overdue`, `due-soon`, `drafts`, `stale`,
    /// `since-review`.
    pub id: &'static str,
    /// What it counts.
    pub label: String,
    /// The number.
    pub value: String,
    /// `danger`, `warning`, `ok` or `neutral`.
    pub tone: &'static str,
}

/// The review dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardPage {
    /// Frame.
    pub layout: Layout,
    /// Headline numbers.
    pub tiles: Vec<Tile>,
    /// Overdue reviews, most late first.
    pub overdue: Vec<DueRow>,
    /// Reviews due soon.
    pub due_soon: Vec<DueRow>,
    /// Reviews due soon beyond those shown, then those due later, in date order: hidden rows
    /// `review.js` shows when the reader's day makes them due.
    pub later: Vec<DueRow>,
    /// Every review date with its due-soon day and how many SOPs share them, as JSON
    /// (`[["2026-12-15", "2026-11-15", 3], …]`): `review.js` counts the overdue and due-soon
    /// reviews of the reader's day from it.
    pub review_dates: String,
    /// The most rows a list shows ([`DASHBOARD_ROWS`]).
    pub rows_shown: usize,
    /// Published SOPs whose review date cannot be told (they may be overdue).
    pub unknown: Vec<UnknownRow>,
    /// Drafts and SOPs in review.
    pub drafts: Vec<DraftRow>,
    /// Stale translations.
    pub stale: Vec<StaleRow>,
    /// How many rows each list above holds beyond those shown (`overdue`, `due_soon`,
    /// `drafts`, `stale`); the lists show at most [`DASHBOARD_ROWS`] rows.
    pub more: MoreRows,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Lint findings by rule.
    pub lint: Vec<RuleCount>,
}

/// The most rows a dashboard list shows.
pub const DASHBOARD_ROWS: usize = 100;

/// Rows left out of the dashboard lists.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MoreRows {
    /// Overdue reviews not shown.
    pub overdue: usize,
    /// Reviews due soon not shown.
    pub due_soon: usize,
    /// Drafts not shown.
    pub drafts: usize,
    /// Stale translations not shown.
    pub stale: usize,
}

/// The "not found" page.
#[derive(Debug, Clone, Serialize)]
pub struct NotFoundPage {
    /// Frame.
    pub layout: Layout,
}

/// An Atom feed (`feed.xml`): the releases of the site or of a department, or reminders of
/// reviews due. Text is plain (the template escapes it); dates are RFC 3339.
#[derive(Debug, Clone, Serialize)]
pub struct FeedPage {
    /// The feed's title.
    pub title: String,
    /// Its Atom id: its URL with a base URL, else a `urn:sop:feed:` name.
    pub id: String,
    /// The newest entry's date (`1970-01-01T00:00:00Z` without entries).
    pub updated: String,
    /// The feed's own address.
    pub self_url: String,
    /// The site's index.
    pub site_url: String,
    /// The entries, newest first.
    pub entries: Vec<FeedItem>,
}

/// An entry of a [`FeedPage`].
#[derive(Debug, Clone, Serialize)]
pub struct FeedItem {
    /// The entry's title.
    pub title: String,
    /// Its Atom id, the same in every build.
    pub id: String,
    /// Its date, `YYYY-MM-DDT00:00:00Z`.
    pub updated: String,
    /// The page it announces.
    pub url: String,
    /// Who released it, or the owner of a review.
    pub author: String,
    /// The SOP's department.
    pub category: Option<String>,
    /// One line of text.
    pub summary: String,
}

/// `sitemap.xml`.
#[derive(Debug, Clone, Serialize)]
pub struct SitemapPage {
    /// Every page's URL (absolute with a base URL, else relative to the site root).
    pub urls: Vec<String>,
}
