//! The rule registry: every lint rule's stable id, family, default severity, summary and
//! explanation, in one table.
//!
//! `--explain`, `--list-rules`, SARIF's rule list and the docs all read [`RULES`]. Ids are
//! forever: never rename or reuse one; a retired rule stays here. Each rule is also a `const`
//! so the checks refer to it by name and a typo does not compile. This file depends on
//! [`crate::diag`] only.

use crate::diag::{Family, RuleMeta, Severity};

macro_rules! rules {
    ($( $konst:ident = $id:literal, $family:ident, $severity:ident, fix: $fix:literal,
        $summary:literal, $explanation:literal; )*) => {
        $(
            #[doc = $summary]
            pub const $konst: RuleMeta = RuleMeta {
                id: $id,
                family: Family::$family,
                severity: Severity::$severity,
                summary: $summary,
                explanation: $explanation,
                fixable: $fix,
            };
        )*
        /// Every rule, in the order `--list-rules` shows them (grouped by family).
        pub static RULES: &[RuleMeta] = &[$($konst),*];
    };
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
    "the file is empty",
    "## What it checks\n\nA Markdown file in the SOP folder that holds nothing, or only blank lines.\n\n\
## Why it matters\n\nAn empty file is usually a leftover from a rename or an interrupted edit. It \
has no id, owner or content, so nobody can follow it.\n\n\
## Example\n\nBad: `sops/payments/SOP-0009-refunds.md` with no text.\n\nGood: a file created by \
`sop new \"Refunds\"`, filled in.\n\n\
## How to fix\n\nWrite the SOP (run `sop new` for a filled-in start), or delete the file.\n";

    FILE_BINARY = "file-binary", File, Error, fix: false,
    "the file is not text",
    "## What it checks\n\nA `.md` file in the SOP folder that contains binary data (for example an \
image or a Word document saved with a `.md` name).\n\n\
## Why it matters\n\nSOPs are Markdown text so that git can show what changed and the site can \
publish them. A binary file cannot be checked, compared or published.\n\n\
## Example\n\nBad: `sops/flow.md` that is really a PNG picture.\n\nGood: `assets/img/flow.png`, \
shown in an SOP with `![Flow](../../assets/img/flow.png)`.\n\n\
## How to fix\n\nMove the file out of the SOP folder, or give it its real extension.\n";

    FILE_NOT_UTF8 = "file-not-utf8", File, Error, fix: false,
    "the file is not saved as UTF-8",
    "## What it checks\n\nA file whose bytes are not valid UTF-8, the text encoding every SOP must \
use. The finding names the line and column of the first bad character.\n\n\
## Why it matters\n\nText in another encoding (Windows-1252, Latin-1) shows up as garbled letters \
on the site and in reviews, especially in names such as `Müller` or `González`.\n\n\
## Example\n\nBad: a file saved by an old editor as \"Western (Windows 1252)\".\n\nGood: the same \
file saved as UTF-8.\n\n\
## How to fix\n\nOpen the file in your editor and save it with the encoding UTF-8.\n";

    FILE_TOO_LARGE = "file-too-large", File, Error, fix: false,
    "the file is too large to be an SOP",
    "## What it checks\n\nA file in the SOP folder larger than 10 MiB.\n\n\
## Why it matters\n\nNo procedure needs that much text; such a file is almost always an export or \
an attachment saved in the wrong place, and it slows every check down.\n\n\
## Example\n\nBad: a 40 MB export pasted into `sops/`.\n\nGood: an SOP of a few pages that links \
to the export stored elsewhere.\n\n\
## How to fix\n\nSplit the SOP into smaller ones, or move attachments out of the Markdown file.\n";

    FILE_UNREADABLE = "file-unreadable", File, Error, fix: false,
    "the file cannot be read",
    "## What it checks\n\nA file or folder under the SOP folder that `sop` cannot open: missing \
permissions, a symbolic link that points back to a folder above it (a loop), a link to a file \
that does not exist, or something that is not a regular file.\n\n\
## Why it matters\n\nAn SOP nobody can read is not checked and not published, silently.\n\n\
## Example\n\nBad: `sops/loop -> ..` (a link to its own parent folder).\n\nGood: only regular \
files and folders under `sops/`.\n\n\
## How to fix\n\nFix the file's permissions, or remove the link or file from the SOP folder.\n";

    FILE_OUTSIDE_REPOSITORY = "file-outside-repository", File, Error, fix: false,
    "a symbolic link leads outside the repository",
    "## What it checks\n\nA file or folder under the SOP folder that is a symbolic link (a \
shortcut) whose real location is outside the repository, or inside a `.git` folder (git's own \
files, which can hold passwords and access tokens). The finding names the link and where it \
points. `sop` never reads, writes or publishes such a file.\n\n\
## Why it matters\n\nThe site, the lint output and code-scanning reports would show whatever \
the link points to: `/etc/passwd`, a CI token in `.git/config`, or thousands of foreign files. \
A check that writes (`sop lint --fix`, `sop release`) would change a file that is not an SOP.\n\n\
## Example\n\nBad: `sops/ops/SOP-0003-x.md -> /etc/passwd`, or `sops/shared -> /usr/share`.\n\n\
Good: the SOP file itself, committed under `sops/`; links between SOPs written as Markdown \
links (`[refunds](../payments/SOP-0009-refunds.md)`).\n\n\
## How to fix\n\nReplace the link by the file it points to (copy the file into the \
repository and commit it), or remove the link.\n";

    FRONT_MATTER_MISSING = "front-matter-missing", FrontMatter, Error, fix: false,
    "the file has no front matter",
    "## What it checks\n\nAn SOP file that does not start with a front matter block: a `---` line, \
`key: value` lines, and another `---` line.\n\n\
## Why it matters\n\nThe front matter says what the SOP is: its id, owner, status and version. \
Without it the SOP cannot be listed, released or published, and nobody knows who owns it.\n\n\
## Example\n\nBad:\n\n```markdown\n## Purpose\n```\n\nGood:\n\n```markdown\n---\nid: SOP-0001\n\
title: Account Recovery\ntype: procedure\nstatus: draft\nversion: 0.1.0\nowner: Sofia Marquez\n\
department: User Service\n---\n\n## Purpose\n```\n\n\
## How to fix\n\nAdd the block at the very top of the file. `sop new` shows a complete one.\n";

    FRONT_MATTER_SYNTAX = "front-matter-syntax", FrontMatter, Error, fix: false,
    "the front matter is not valid YAML",
    "## What it checks\n\nThat the front matter block is closed by a `---` line and is a list of \
`key: value` lines that YAML can read. The finding points at the line and column where reading \
failed.\n\n\
## Why it matters\n\nWhen the block cannot be read, none of the SOP's details (id, status, owner) \
are known, so nothing else about it can be checked or published.\n\n\
## Example\n\nBad:\n\n```yaml\ntitle: Refunds: the manual way\n```\n\nGood:\n\n```yaml\n\
title: \"Refunds: the manual way\"\n```\n\n\
## How to fix\n\nPut text that contains `: `, `#`, `[` or `{` in double quotes, indent list items \
the same way, and close the block with a `---` line.\n";

    KEY_DUPLICATE = "key-duplicate", FrontMatter, Error, fix: false,
    "a front-matter key appears twice",
    "## What it checks\n\nThe same key written twice in the front matter.\n\n\
## Why it matters\n\nOnly one of the two values can count, and readers cannot tell which one the \
author meant.\n\n\
## Example\n\nBad:\n\n```yaml\nstatus: draft\nstatus: approved\n```\n\nGood:\n\n```yaml\n\
status: approved\n```\n\n\
## How to fix\n\nDelete the line that is wrong.\n";

    KEY_MISSING = "key-missing", FrontMatter, Error, fix: false,
    "a required front-matter key is missing or empty",
    "## What it checks\n\nThat the front matter has a value for each of `id`, `title`, `type`, \
`status`, `version`, `owner` and `department`. (`type` may be left out when `sop.toml` gives the \
file a type through `paths`.)\n\n\
## Why it matters\n\nThese keys say what the SOP is, who is accountable for it and which version \
readers see. Without them it cannot be released or published.\n\n\
## Example\n\nBad:\n\n```yaml\nid: SOP-0001\ntitle: Account Recovery\n```\n\nGood:\n\n```yaml\n\
id: SOP-0001\ntitle: Account Recovery\ntype: procedure\nstatus: draft\nversion: 0.1.0\n\
owner: Sofia Marquez\ndepartment: User Service\n```\n\n\
## How to fix\n\nAdd the key with its value to the front matter.\n";

    KEY_UNKNOWN = "key-unknown", FrontMatter, Error, fix: false,
    "the front matter has a key sop does not know",
    "## What it checks\n\nEvery front-matter key is one of the keys the SOP format defines (listed \
below), a name `sop.toml` gives one of them (`[front_matter] aliases`), or one of the team's own \
keys that `sop.toml` lists under `[front_matter] allow`.\n\n\
## Why it matters\n\nA misspelt key is silently ignored: `aprovers:` looks right to a reviewer but \
the SOP counts as having no approvers.\n\n\
## Example\n\nBad:\n\n```yaml\naprovers: [Priya Nair]\n```\n\nGood:\n\n```yaml\n\
approvers: [Priya Nair]\n```\n\n\
## How to fix\n\nCorrect the spelling (the finding suggests the closest key, but `sop lint --fix` \
never renames a key: that is your decision), or remove the key. A key your team uses on \
purpose (`weight`, `layout`) goes under `[front_matter] allow`; your own name for one of the \
keys below (`owner_slack` for `owner`) goes under `[front_matter] aliases`.\n";

    VALUE_WRONG_SHAPE = "value-wrong-shape", FrontMatter, Error, fix: false,
    "a front-matter value is a list where text belongs, or the reverse",
    "## What it checks\n\nThat keys holding one value (`owner`, `status`, dates, ...) hold text, and \
keys holding several (`approvers`, `tags`, `supersedes`) hold text or a list of text. It also \
finds unfilled template placeholders such as `{period}` written without quotes, which YAML reads \
as a mapping.\n\n\
## Why it matters\n\nA value of the wrong shape is ignored, so the SOP silently loses its owner, \
dates or approvers.\n\n\
## Example\n\nBad:\n\n```yaml\nowner: [Sofia Marquez, Mateo Rossi]\nreview_every: {period}\n```\n\n\
Good:\n\n```yaml\nowner: Sofia Marquez\nreview_every: 12 months\n```\n\n\
## How to fix\n\nWrite one value for single keys (move other people to `approvers`), and replace \
placeholders with real values.\n";

    ID_INVALID = "id-invalid", FrontMatter, Error, fix: false,
    "the id does not have the form PREFIX-NUMBER",
    "## What it checks\n\nThat `id` is the repository's id prefix (`[sops] id_prefix`, `SOP` by \
default), a dash and digits, such as `SOP-0042`.\n\n\
## Why it matters\n\nIds are how SOPs link to, supersede and translate each other, and they name \
release tags. Free-form ids break all of that.\n\n\
## Example\n\nBad: `id: refunds`\n\nGood: `id: SOP-0042`\n\n\
## How to fix\n\nUse the next free number (`sop new` allocates one), and rename the file to match.\n";

    ID_DUPLICATE = "id-duplicate", FrontMatter, Error, fix: false,
    "two SOPs have the same id",
    "## What it checks\n\nThat no two SOPs in the same language share an id. A translation keeps its \
source's id and adds `language` and `translation_of`, so it is not a duplicate.\n\n\
## Why it matters\n\nLinks, release tags and `sop release SOP-0007` would not know which of the \
two is meant.\n\n\
## Example\n\nBad: `SOP-0007-refunds.md` and `SOP-0007-payouts.md` both with `id: SOP-0007`.\n\n\
Good: the second one renumbered to a free id.\n\n\
## How to fix\n\nGive one of them a new id (and rename its file); update links to it.\n";

    ID_FILE_NAME_MISMATCH = "id-file-name-mismatch", FrontMatter, Error, fix: false,
    "the file name does not start with the SOP's id",
    "## What it checks\n\nThat the file is named `<id>-<slug>.md` (translations \
`<id>-<slug>.<lang>.md`) with the id from its front matter.\n\n\
## Why it matters\n\nPeople find SOPs by file name, and links between SOPs use it. A name that \
says `SOP-0003` for the SOP `SOP-0030` sends readers to the wrong procedure.\n\n\
## Example\n\nBad: `SOP-0003-refunds.md` with `id: SOP-0030`.\n\nGood: `SOP-0030-refunds.md` with \
`id: SOP-0030`.\n\n\
## How to fix\n\nRename the file (`git mv`) or correct the id, whichever is wrong.\n";

    TYPE_UNKNOWN = "type-unknown", FrontMatter, Error, fix: false,
    "the type is not one of the configured types",
    "## What it checks\n\nThat `type` names a built-in type (`procedure`, `policy`, `runbook`, \
`checklist`) or one added under `[types.<name>]` in `sop.toml`.\n\n\
## Why it matters\n\nThe type decides which sections the SOP must have. With an unknown type its \
structure cannot be checked.\n\n\
## Example\n\nBad: `type: procedures`\n\nGood: `type: procedure`\n\n\
## How to fix\n\nUse one of the listed types, or add the type to `sop.toml`.\n";

    STATUS_INVALID = "status-invalid", FrontMatter, Error, fix: false,
    "the status is not draft, review, approved or retired",
    "## What it checks\n\nThat `status` is exactly one of `draft`, `review`, `approved` or \
`retired`, in lower case.\n\n\
## Why it matters\n\nThe status decides what readers see: only `approved` SOPs are published as \
in force. A status such as `final` or `published` is not understood, so the SOP is treated as \
never approved.\n\n\
## Example\n\nBad: `status: published` or `status: Approved`\n\nGood: `status: approved`\n\n\
## How to fix\n\nUse one of the four words. The finding suggests the word in lower case \
(`Approved` to `approved`); `sop lint --fix` never changes a value.\n";

    VERSION_INVALID = "version-invalid", FrontMatter, Error, fix: false,
    "the version is not a semantic version",
    "## What it checks\n\nThat `version` has three numbers separated by dots, such as `1.4.0` \
(semantic versioning).\n\n\
## Why it matters\n\n`sop release` bumps the version and tags it in git; readers and CI compare \
versions to see what changed. `v2` or `1.0` cannot be compared or bumped.\n\n\
## Example\n\nBad: `version: 1.2`\n\nGood: `version: 1.2.0`\n\n\
## How to fix\n\nWrite MAJOR.MINOR.PATCH. Start drafts at `0.1.0`; the first approved release is \
`1.0.0`.\n";

    EFFECTIVE_DATE_INVALID = "effective-date-invalid", FrontMatter, Error, fix: false,
    "the effective date is not a real date in YYYY-MM-DD form",
    "## What it checks\n\nThat `effective` is a calendar date written as YYYY-MM-DD (ISO 8601).\n\n\
## Why it matters\n\nThe effective date says from when the SOP applies, and review dates are \
counted from it. `03/04/2026` means March in one country and April in another.\n\n\
## Example\n\nBad: `effective: 2026-02-30` (February has 28 days) or `effective: 14/03/2026`\n\n\
Good: `effective: 2026-03-14`\n\n\
## How to fix\n\nWrite the date as YYYY-MM-DD and check that the day exists.\n";

    REVIEW_DATE_INVALID = "review-date-invalid", FrontMatter, Error, fix: false,
    "a review date is not a real date in YYYY-MM-DD form",
    "## What it checks\n\nThat `next_review` and `last_reviewed` are calendar dates written as \
YYYY-MM-DD (ISO 8601).\n\n\
## Why it matters\n\nReview dates drive `sop due` and the review dashboard. A date that does not \
exist, such as `2026-02-30`, means the SOP is never flagged for review and can silently go out \
of date.\n\n\
## Example\n\nBad: `next_review: 2026-02-30`\n\nGood: `next_review: 2026-02-28`\n\n\
## How to fix\n\nWrite the date as YYYY-MM-DD and check that the day exists.\n";

    EMAIL_INVALID = "email-invalid", FrontMatter, Error, fix: false,
    "an owner or approver looks like an e-mail address but is not a valid one",
    "## What it checks\n\nWhen `owner` or an entry of `approvers` contains `@`, that it is a whole \
e-mail address (`name@example.com`, or `Name <name@example.com>`).\n\n\
## Why it matters\n\nNotifications and the published page use the address; a typo means the \
owner is never reached.\n\n\
## Example\n\nBad: `owner: sofia.marquez@example` or `owner: sofia @example.com`\n\n\
Good: `owner: sofia.marquez@example.com`\n\n\
## How to fix\n\nCorrect the address, or write the person's name without `@`.\n";

    NAME_TOO_LONG = "name-too-long", FrontMatter, Warning, fix: false,
    "a department or tag name is longer than 100 characters",
    "## What it checks\n\nThat `department` and each entry of `tags` has at most 100 characters.\n\n\
## Why it matters\n\nEach department and tag gets a page on the site, a filter button and a \
line in every list. A name of a sentence or more is hard to scan, breaks those layouts, and is \
usually text that belongs in the SOP itself.\n\n\
## Example\n\nBad: `department: \"User Service team for creators and viewers in all regions, \
including the escalation desk and ...\"`\n\nGood: `department: User Service`\n\n\
## How to fix\n\nUse a short name (a few words) and put any detail in the SOP's Scope section.\n";

    REVIEW_EVERY_INVALID = "review-every-invalid", FrontMatter, Error, fix: false,
    "review_every is not a period of time",
    "## What it checks\n\nThat `review_every` is a number and a unit: days, weeks, months or \
years.\n\n\
## Why it matters\n\nThe next review date is counted with it. An unreadable period means the SOP \
never comes up for review.\n\n\
## Example\n\nBad: `review_every: yearly`\n\nGood: `review_every: 12 months`\n\n\
## How to fix\n\nWrite a number and a unit, such as `6 months`, `2 weeks` or `1 year`.\n";

    SECTION_MISSING = "section-missing", Structure, Error, fix: false,
    "a section the SOP's type requires is missing",
    "## What it checks\n\nThat every level-2 section (`## ...`) required by the SOP's type is \
present. Headings match without regard to case, surrounding spaces, a leading number (`4. \
Purpose`) or a trailing colon; aliases from `sop.toml` count too. Extra sections are fine.\n\n\
## Why it matters\n\nReaders rely on every SOP of a type having the same parts: an agent looks \
for Escalation in the same place every time, and an auditor checks every procedure has Roles and \
Responsibilities.\n\n\
## Example\n\nBad: a `procedure` without `## Escalation`.\n\nGood: all of Purpose, Scope, Roles \
and Responsibilities, Procedure, Escalation, Metrics and References.\n\n\
## How to fix\n\nAdd the section with its content, at the place the finding names. If it truly \
does not apply, say so in one sentence rather than leaving it out.\n";

    SECTION_ORDER = "section-order", Structure, Error, fix: false,
    "required sections are not in the order the type gives",
    "## What it checks\n\nThat the required sections come in the order of the SOP's type (extra \
sections may sit anywhere in between).\n\n\
## Why it matters\n\nA fixed order lets readers find their way through any SOP quickly, on a \
phone or on paper.\n\n\
## Example\n\nBad: `## Procedure` before `## Scope`.\n\nGood: `## Scope` first, then \
`## Procedure`.\n\n\
## How to fix\n\nMove the section (heading and content) to where the finding says it belongs.\n";

    SECTION_EMPTY = "section-empty", Structure, Error, fix: false,
    "a required section has no content",
    "## What it checks\n\nThat every required section holds more than blank lines or comments.\n\n\
## Why it matters\n\nAn empty heading looks complete in a table of contents but leaves the reader \
without an answer just when they need one.\n\n\
## Example\n\nBad:\n\n```markdown\n## Escalation\n\n## Metrics\n```\n\nGood:\n\n```markdown\n\
## Escalation\n\nCall the Team Lead on shift when the case is older than 48 hours.\n```\n\n\
## How to fix\n\nWrite the section; if it does not apply, say why in one sentence.\n";

    SECTION_DUPLICATE = "section-duplicate", Structure, Error, fix: false,
    "the same section heading appears twice",
    "## What it checks\n\nThat no level-2 section heading appears twice in one SOP.\n\n\
## Why it matters\n\nTwo sections of the same name split information that belongs together, and \
links to the section's anchor only ever reach the first one.\n\n\
## Example\n\nBad: two `## Escalation` sections.\n\nGood: one `## Escalation` with both parts.\n\n\
## How to fix\n\nMerge the two sections, or rename one of them.\n";

    SECTION_HEADING_MISSPELLED = "section-heading-misspelled", Structure, Error, fix: false,
    "a section heading is a misspelling of a required section",
    "## What it checks\n\nA level-2 heading that is not a required section but is very close to one \
that is missing, such as `Roles & Responsibilites` for `Roles and Responsibilities`.\n\n\
## Why it matters\n\nThe section is there, but it is not recognised: checks that depend on it \
are skipped and the site's navigation misses it.\n\n\
## Example\n\nBad: `## Escalaton`\n\nGood: `## Escalation`\n\n\
## How to fix\n\nCorrect the heading, or, if your team's name for the section is on purpose, \
add it to the type's `aliases` in `sop.toml`. The finding suggests the required name; `sop lint \
--fix` never renames a heading.\n";

    HEADING_LEVEL_SKIPPED = "heading-level-skipped", Structure, Error, fix: false,
    "a heading skips a level",
    "## What it checks\n\nThat each heading is at most one level deeper than the one before it \
(`##` then `###`, not `##` then `####`). The title counts as level 1.\n\n\
## Why it matters\n\nSkipped levels break the table of contents and screen readers, and usually \
mean a heading was given the wrong number of `#`.\n\n\
## Example\n\nBad:\n\n```markdown\n## Procedure\n#### Check the account\n```\n\nGood:\n\n\
```markdown\n## Procedure\n### Check the account\n```\n\n\
## How to fix\n\nUse one more `#` than the heading above it.\n";

    H1_MULTIPLE = "h1-multiple", Structure, Error, fix: false,
    "the SOP has more than one level-1 heading",
    "## What it checks\n\nThat the body has at most one `# ` heading. The title comes from the front \
matter, so none is needed; sections are `## `.\n\n\
## Why it matters\n\nSeveral top-level headings make the page look like several documents and \
break the table of contents.\n\n\
## Example\n\nBad:\n\n```markdown\n# Purpose\n# Scope\n```\n\nGood:\n\n```markdown\n## Purpose\n\
## Scope\n```\n\n\
## How to fix\n\nTurn the extra `# ` headings into `## ` sections.\n";

    FINAL_NEWLINE_MISSING = "final-newline-missing", Structure, Error, fix: true,
    "the file does not end with a newline",
    "## What it checks\n\nThat the last line of the file ends with a line break.\n\n\
## Why it matters\n\nWithout it, git shows `\\ No newline at end of file` and every later edit of \
the last line changes two lines in the review.\n\n\
## Example\n\nBad: the file ends right after `...see the References.`\n\nGood: the same text \
followed by a line break.\n\n\
## How to fix\n\nAdd an empty line at the end (`sop lint --fix` does it).\n";

    PLACEHOLDER_LEFT = "placeholder-left", Content, Warning, fix: false,
    "a template placeholder or TODO is still in the text",
    "## What it checks\n\nThe words `TODO`, `TBD` and `FIXME` (in capitals, as whole words) and \
unfilled template prompts in angle brackets, such as `<Say who does this step.>`, in the text \
and in front-matter values (`owner: TBD`). Text in code spans, code blocks and HTML comments is \
not checked.\n\n\
## Why it matters\n\nA reader following the SOP in a hurry cannot act on `TBD`. It is a \
warning on drafts, so that new drafts from `sop new` pass, and an error on an SOP whose status \
is `approved`: `sop release --approve` refuses to approve text that still holds a prompt. Make it \
an error everywhere with `[lint.severity] placeholder-left = \"error\"`.\n\n\
## Example\n\nBad: `Escalate to <team name>.` or `TODO: confirm the contact.`\n\nGood: \
`Escalate to the Payments Lead on shift.`\n\n\
## How to fix\n\nReplace the placeholder with the real text, or remove it.\n";

    LINK_BROKEN = "link-broken", Content, Error, fix: false,
    "a link points to a file that does not exist",
    "## What it checks\n\nLinks to other files (`[text](../payments/SOP-0003-refunds.md)`), \
resolved from the folder of the SOP that contains them. Web links (`https:`, `mailto:`) are not \
checked.\n\n\
## Why it matters\n\nA broken link sends the reader nowhere at the moment they need the related \
procedure.\n\n\
## Example\n\nBad: `[Refunds](SOP-0003-refund.md)` when the file is `SOP-0003-refunds.md`.\n\n\
Good: `[Refunds](SOP-0003-refunds.md)`\n\n\
## How to fix\n\nCorrect the path, or remove the link if the file is gone.\n";

    ANCHOR_BROKEN = "anchor-broken", Content, Error, fix: false,
    "a link points to a heading that does not exist",
    "## What it checks\n\nThe `#anchor` part of links, within the same SOP (`#escalation`) or in \
another (`SOP-0005-incidents.md#severity`). Anchors are the heading's text in lower case, with \
spaces turned into `-` and punctuation dropped, as on GitHub and the published site.\n\n\
## Why it matters\n\nThe page opens at the top instead of the section meant, or the section was \
renamed and the link now points to old guidance.\n\n\
## Example\n\nBad: `[contacts](#escalaton-contacts)`\n\nGood: `[contacts](#escalation-contacts)` \
for `## Escalation contacts`\n\n\
## How to fix\n\nCopy the anchor from the heading's link on the published page, or correct the \
heading.\n";

    LINK_TO_RETIRED = "link-to-retired", Content, Warning, fix: false,
    "a link points to a retired SOP",
    "## What it checks\n\nLinks to an SOP whose status is `retired`, except from the SOP that \
supersedes it.\n\n\
## Why it matters\n\nReaders follow the link and act on guidance that no longer applies.\n\n\
## Example\n\nBad: a link to `SOP-0002-manual-refunds.md` (retired, superseded by SOP-0003).\n\n\
Good: a link to `SOP-0003-refunds.md`.\n\n\
## How to fix\n\nLink to the successor named in the retired SOP's `superseded_by`, or remove the \
link.\n";

    IMAGE_MISSING = "image-missing", Content, Error, fix: false,
    "an image file does not exist",
    "## What it checks\n\nImages (`![alt](path)`) with a relative path, resolved from the SOP's \
folder.\n\n\
## Why it matters\n\nA missing screenshot or flow chart leaves a gap exactly where the SOP \
explains something visually.\n\n\
## Example\n\nBad: `![Flow](../../assets/img/flow.PNG)` when the file is `flow.png`.\n\nGood: \
`![Flow](../../assets/img/flow.png)`\n\n\
## How to fix\n\nCorrect the path (mind upper and lower case), or add the image file.\n";

    IMAGE_NOT_PUBLISHED = "image-not-published", Content, Error, fix: false,
    "the site would leave an image out",
    "## What it checks\n\nImages (`![alt](path)`) that `sop publish` cannot show: an address with \
a scheme other than `http`, `https`, `mailto` or `tel` (such as `javascript:` or `data:`), a \
path to a folder or to a Markdown file that is not an SOP, or a path (or symbolic link) that \
leads outside the repository or into `.git`.\n\n\
## Why it matters\n\nThe published page silently shows nothing where the picture should be, \
and readers miss the step it explains.\n\n\
## Example\n\nBad: `![Flow](javascript:show())`, `![Flow](../img/)`, `![Flow](../../../shared/flow.png)`.\n\n\
Good: `![Flow](../../assets/img/flow.png)`, with the picture committed in the repository.\n\n\
## How to fix\n\nPoint the image at a picture file inside the repository (or at an `https://` \
address), and commit the picture.\n";

    LINK_ACTIVE_CONTENT = "link-active-content", Content, Error, fix: false,
    "a link points to a web page or script file, which the site will not publish",
    "## What it checks\n\nLinks and images that point to files a web browser runs: web pages \
(`.html`, `.htm`, `.xhtml`), XML (`.xml`, `.xsl`), scripts (`.js`, `.mjs`), and SVG drawings \
opened as a link (`[diagram](flow.svg)`) rather than shown as an image.\n\n\
## Why it matters\n\nOpened from the published site, such a file runs its scripts as if it \
were part of the site: it can show fake dialogs, read what the site stores in the browser, or \
send readers elsewhere. Anyone who can change a file in the repository could use it, so `sop \
publish` never copies these files and the link shows as plain text.\n\n\
## Example\n\nBad: `[fill in the form](form.html)` or `[open the diagram](flow.svg)`.\n\nGood: \
`![Escalation flow](flow.svg)` (an SVG shown as an image is safe), a PDF \
(`[the form](form.pdf)`), or a web address of the form on the intranet \
(`[the form](https://intranet.example.com/forms/refund)`).\n\n\
## How to fix\n\nShow a drawing as an image with `![...](...)`; save a form or page as PDF and \
link to that; or link to where the page is hosted with its full `https://` address.\n";

    LINK_UNTRACKED = "link-untracked", Content, Error, fix: false,
    "a link points to a file that git does not track, which the site will not publish",
    "## What it checks\n\nLinks and images that point to a file of the repository that git does \
not track (not added with `git add`, or ignored through `.gitignore`), or to anything inside a \
`.git` folder. Without git: to a file whose name, or a folder on its path, starts with `.`.\n\n\
## Why it matters\n\nThe site publishes only files that are part of the repository's history. \
Files outside it are often private: `.env` files hold passwords, `.git/config` can hold access \
tokens. A link to one must never put it on a web site; and a file that is only on your computer \
would be missing for everybody else.\n\n\
## Example\n\nBad: `[settings](../../.env)`, `[config](../../vendor/.git/config)`, or \
`![flow](flow.png)` before `flow.png` was added to git.\n\nGood: `![flow](flow.png)` after \
`git add flow.png` and a commit.\n\n\
## How to fix\n\nIf the file belongs with the SOP, add it: `git add <file>`, then commit. If it \
is private (passwords, keys, settings), remove the link.\n";

    DISABLE_RULE_UNKNOWN = "disable-rule-unknown", Content, Warning, fix: false,
    "a sop-disable comment names a rule that does not exist",
    "## What it checks\n\nThe rule ids in `<!-- sop-disable ... -->` and \
`<!-- sop-disable-next-line ... -->` comments.\n\n\
## Why it matters\n\nA misspelt id silences nothing, so the finding the writer meant to accept \
keeps failing the check, or a later rename goes unnoticed.\n\n\
## Example\n\nBad: `<!-- sop-disable placeholder-lefts -->`\n\nGood: \
`<!-- sop-disable placeholder-left -->`\n\n\
## How to fix\n\nCorrect the id (`sop lint --list-rules` lists them), or remove the comment.\n";

    PROCEDURE_STEPS_UNORDERED = "procedure-steps-unordered", Procedure, Error, fix: false,
    "the Procedure section has no numbered list of steps",
    "## What it checks\n\nThat the `Procedure` section holds its steps as a numbered list (`1.`, \
`2.`, ...). Bullet points for options under a step are fine.\n\n\
## Why it matters\n\nNumbers give the order and let people say \"I am at step 4\" in a handover \
or an escalation.\n\n\
## Example\n\nBad:\n\n```markdown\n- Check the account.\n- Reply to the user.\n```\n\nGood:\n\n\
```markdown\n1. Check the account.\n2. Reply to the user.\n```\n\n\
## How to fix\n\nNumber the steps: `1. `, `2. `, ... at the start of each.\n";

    RACI_ACCOUNTABLE_COUNT = "raci-accountable-count", Procedure, Error, fix: false,
    "a row of the RACI table does not have exactly one A",
    "## What it checks\n\nIn Roles and Responsibilities, a table whose first column is `Activity` \
is a RACI matrix: one column per role, cells `R` (does the work), `A` (accountable), `C` \
(consulted), `I` (informed). Each activity must have exactly one `A`.\n\n\
## Why it matters\n\nWith no one accountable nobody owns the outcome; with two, each expects the \
other to.\n\n\
## Example\n\nBad:\n\n```markdown\n| Activity | Agent | Lead |\n|---|---|---|\n\
| Approve refund | A | A |\n```\n\nGood:\n\n```markdown\n| Activity | Agent | Lead |\n|---|---|---|\n\
| Approve refund | R | A |\n```\n\n\
## How to fix\n\nDecide who answers for the activity and give that role the only `A` in the row.\n";

    RACI_CELL_INVALID = "raci-cell-invalid", Procedure, Error, fix: false,
    "a RACI table cell is not R, A, C or I",
    "## What it checks\n\nThat each role cell of a RACI matrix (a table in Roles and \
Responsibilities whose first column is `Activity`) is empty or holds `R`, `A`, `C` or `I` (or \
several, such as `R/A`).\n\n\
## Why it matters\n\nOther words (`yes`, `owner`, `x`) cannot be read the same way by everyone, \
and hide who is accountable.\n\n\
## Example\n\nBad: `| Approve refund | x | owner |`\n\nGood: `| Approve refund | R | A |`\n\n\
## How to fix\n\nUse the letters R, A, C and I; leave the cell empty when the role has no part.\n";

    REVIEW_OVERDUE = "review-overdue", Lifecycle, Warning, fix: false,
    "the SOP's periodic review is overdue",
    "## What it checks\n\nFor approved SOPs, that the next review date (`next_review`, else \
`review_every` counted from `last_reviewed` or `effective`, else the type's or the default \
cadence) has not passed.\n\n\
## Why it matters\n\nAn SOP nobody has looked at for longer than planned may describe tools, \
contacts or rules that changed.\n\n\
## Example\n\nBad: `last_reviewed: 2025-01-10` with `review_every: 12 months`, checked in \
2026-11.\n\nGood: reviewed, with `last_reviewed: 2026-11-20`.\n\n\
## How to fix\n\nReview the SOP and record it with `sop review <ID>` (or release a new version \
with `sop release`).\n";

    REVIEW_DUE_SOON = "review-due-soon", Lifecycle, Warning, fix: false,
    "the SOP's periodic review is due soon",
    "## What it checks\n\nFor approved SOPs, whether the next review date falls within `[lint] \
due_soon` (30 days by default).\n\n\
## Why it matters\n\nA reminder early enough to plan the review before it is overdue.\n\n\
## Example\n\nA `next_review: 2026-12-10` checked on 2026-11-25 gives this warning.\n\n\
## How to fix\n\nPlan the review; record it with `sop review <ID>` when done.\n";

    APPROVED_WITHOUT_APPROVERS = "approved-without-approvers", Lifecycle, Error, fix: false,
    "an approved SOP names no approvers",
    "## What it checks\n\nThat an SOP with `status: approved` lists who approved it in \
`approvers`.\n\n\
## Why it matters\n\nAuditors and readers need to know who signed off the version in force.\n\n\
## Example\n\nBad:\n\n```yaml\nstatus: approved\n```\n\nGood:\n\n```yaml\nstatus: approved\n\
approvers: [Priya Nair]\n```\n\n\
## How to fix\n\nAdd `approvers` with the people who approved this version, or set the status \
back to `review`.\n";

    APPROVED_WITHOUT_EFFECTIVE_DATE = "approved-without-effective-date", Lifecycle, Error, fix: false,
    "an approved SOP has no effective date",
    "## What it checks\n\nThat an SOP with `status: approved` has an `effective` date.\n\n\
## Why it matters\n\nReaders must know from when the procedure applies, and the review cadence \
counts from it.\n\n\
## Example\n\nBad:\n\n```yaml\nstatus: approved\napprovers: [Priya Nair]\n```\n\nGood:\n\n```yaml\n\
status: approved\napprovers: [Priya Nair]\neffective: 2026-03-01\n```\n\n\
## How to fix\n\nAdd `effective: YYYY-MM-DD` (`sop release --approve` sets it).\n";

    RETIRED_WITHOUT_SUCCESSOR = "retired-without-successor", Lifecycle, Error, fix: false,
    "a retired SOP names neither a successor nor a reason",
    "## What it checks\n\nThat an SOP with `status: retired` has `superseded_by` (the id of the SOP \
that replaces it) or `retired_reason`.\n\n\
## Why it matters\n\nSomeone who lands on a retired SOP must learn what to do instead.\n\n\
## Example\n\nBad:\n\n```yaml\nstatus: retired\n```\n\nGood:\n\n```yaml\nstatus: retired\n\
superseded_by: SOP-0003\n```\n\n\
## How to fix\n\nAdd `superseded_by: <id>`, or `retired_reason:` with one sentence on why.\n";

    SUPERSEDE_ID_UNKNOWN = "supersede-id-unknown", Lifecycle, Error, fix: false,
    "superseded_by or supersedes names an id no SOP has",
    "## What it checks\n\nThat the ids in `superseded_by` and `supersedes` belong to SOPs in the \
repository.\n\n\
## Why it matters\n\nThe published site links the old and new SOP through these keys; a wrong id \
leaves readers of a retired SOP with nowhere to go.\n\n\
## Example\n\nBad: `superseded_by: SOP-0300` when there is no such SOP.\n\nGood: \
`superseded_by: SOP-0003`\n\n\
## How to fix\n\nCorrect the id.\n";

    EFFECTIVE_IN_FUTURE = "effective-in-future", Lifecycle, Warning, fix: false,
    "an approved SOP takes effect in the future",
    "## What it checks\n\nAn SOP with `status: approved` whose `effective` date is after today.\n\n\
## Why it matters\n\nThe published site shows it as the version in force, although it does not \
apply yet. Usually the date or the year is mistyped.\n\n\
## Example\n\nBad: `effective: 2062-03-01`\n\nGood: `effective: 2026-03-01`\n\n\
## How to fix\n\nCorrect the date, or keep the SOP in `review` until it takes effect.\n";

    TRANSLATION_STALE = "translation-stale", Translation, Warning, fix: false,
    "a translation is of an older version of its source",
    "## What it checks\n\nThat `translation_of: <id>@<version>` names the source SOP's current \
version.\n\n\
## Why it matters\n\nReaders of the translation follow an older procedure than everyone else.\n\n\
## Example\n\nBad: `translation_of: SOP-0001@2.0.0` when SOP-0001 is at `2.1.0`.\n\nGood: the \
translation updated and `translation_of: SOP-0001@2.1.0`.\n\n\
## How to fix\n\nTranslate the changes made since that version, then update `translation_of`.\n";

    TRANSLATION_SOURCE_MISSING = "translation-source-missing", Translation, Error, fix: false,
    "a translation's source SOP does not exist",
    "## What it checks\n\nThat a translation (a file with `translation_of`, or named \
`<id>-<slug>.<lang>.md`) has a source SOP with the same id.\n\n\
## Why it matters\n\nA translation without its source cannot be kept up to date and has no \
approved original.\n\n\
## Example\n\nBad: `SOP-0001-account-recovery.es.md` without `SOP-0001-account-recovery.md`.\n\n\
Good: both files present.\n\n\
## How to fix\n\nRestore or add the source SOP, or correct the id in `translation_of`.\n";

    TRANSLATION_OF_INVALID = "translation-of-invalid", Translation, Error, fix: false,
    "translation_of is missing or not of the form ID@VERSION",
    "## What it checks\n\nThat a translation has `translation_of: <id>@<version>`, with its own id \
(a translation keeps its source's id) and a semantic version, and that `language` is a language \
tag such as `es` or `pt-BR`.\n\n\
## Why it matters\n\nWithout it nobody can tell whether the translation is up to date.\n\n\
## Example\n\nBad: `translation_of: SOP-0001` \n\nGood: `translation_of: SOP-0001@2.1.0`\n\n\
## How to fix\n\nWrite the source's id and the version you translated, joined by `@`.\n";

    VERSION_NOT_BUMPED = "version-not-bumped", PullRequest, Error, fix: false,
    "an SOP changed since the base revision but its version did not go up",
    "## What it checks\n\nWith `sop lint --base REV` (as CI runs it on a pull request): every SOP \
whose text changed since the point where the branch left REV must have a higher `version` than \
it had there. For an approved SOP (now or at the base) this is an error; for drafts and SOPs in \
review it is a warning.\n\n\
## Why it matters\n\nReaders, auditors and the published site tell versions apart by their \
number. A changed approved SOP with the same number means two different texts claim to be the \
same version, and the archived copy no longer matches.\n\n\
## Example\n\nBad: the Procedure of SOP-0003 changed, `version: 1.2.0` as on main.\n\nGood: \
`version: 1.3.0`, set by `sop release SOP-0003 --minor -m \"Longer refund window\"`.\n\n\
## How to fix\n\nRelease the SOP with `sop release ID --patch` (wording), `--minor` (changed \
steps) or `--major` (a new way of working), or raise `version` by hand.\n";

    ID_CHANGED = "id-changed", PullRequest, Error, fix: false,
    "an SOP's id changed since the base revision",
    "## What it checks\n\nWith `sop lint --base REV`: a file that existed at the base keeps its `id`, \
also when it is renamed or moved to another folder.\n\n\
## Why it matters\n\nThe id is how links, release tags, the revision history and people's \
bookmarks find an SOP. A new id breaks all of them and splits the history in two.\n\n\
## Example\n\nBad: `id: SOP-0031` in a file that was `id: SOP-0013` on main.\n\nGood: the old \
id kept; a new SOP made with `sop new` gets a new id of its own.\n\n\
## How to fix\n\nPut the old id back. To replace an SOP with a new one, create the new one with \
`sop new` and retire the old one with `superseded_by`.\n";

    APPROVED_SOP_DELETED = "approved-sop-deleted", PullRequest, Error, fix: false,
    "an approved SOP was deleted instead of retired",
    "## What it checks\n\nWith `sop lint --base REV`: an SOP that was approved at the base is not \
deleted.\n\n\
## Why it matters\n\nPeople may still follow an approved SOP, and audits ask which procedure \
was in force on a given day. Retiring keeps the record and tells readers what replaced it; \
deleting hides both.\n\n\
## Example\n\nBad: `sops/payments/SOP-0002-manual-gift-refunds.md` removed.\n\nGood: the file \
kept with `status: retired` and `superseded_by: SOP-0003` (or `retired_reason`).\n\n\
## How to fix\n\nRestore the file, set `status: retired` with `superseded_by` or \
`retired_reason`, and release it.\n";
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
}
