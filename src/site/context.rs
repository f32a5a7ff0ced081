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
    /// How many current SOPs have it.
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
    /// `overdue`, `due-soon`, `ok` or `unknown`.
    pub review_state: String,
    /// A short note, e.g. "revision in progress".
    pub note: Option<String>,
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

/// A message shown above an SOP.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// `info`, `warning` or `danger` (the colour).
    pub kind: &'static str,
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
    /// Other languages of this SOP (the source included, on a translation).
    pub languages: Vec<Link>,
    /// "Suggest a change" URL.
    pub suggest_url: Option<String>,
    /// The current version's page, on an archived or translated page.
    pub current_url: Option<String>,
    /// Whether this page is an archived (superseded) version.
    pub archived: bool,
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
    pub kind: &'static str,
    /// The department or tag name (empty on the overview).
    pub name: String,
    /// Its SOPs.
    pub sops: Vec<&'a SopCard>,
    /// What leads from this page to the site root, before each card's URLs (`"../"`).
    pub prefix: &'static str,
    /// On the overview: every department or tag.
    pub groups: Vec<Facet>,
    /// The department's Atom feed.
    pub feed_url: Option<String>,
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
    /// "12 days late", "due today", "in 5 days".
    pub when: String,
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
