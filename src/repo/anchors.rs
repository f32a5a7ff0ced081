//! Heading ids ("anchors"): the rule that turns a heading's text into the id a `#fragment`
//! link points at, chosen by `[links] anchors` in `sop.toml`.
//!
//! Lint (`anchor-broken`) and the site's renderer both number a page's headings with
//! [`Anchors`], so a link lint accepts always finds its heading on the published page. Each
//! rule copies the renderer a team's documents are written for:
//!
//! - `github`: lowercase; letters, digits, `-` and `_` kept; each space becomes `-`; the rest
//!   dropped; repeats get `-1`, `-2` (github-slugger, which never reuses an id).
//! - `gitlab`: the same, then runs of `-` become one `-` (GitLab's `TableOfContentsFilter`);
//!   repeats get `-1`, `-2` counted per id.
//! - `mkdocs`: Python-Markdown's `toc` default `slugify`: NFKD to ASCII, characters other
//!   than word characters, spaces and `-` dropped, trimmed, lowercase, runs of spaces and `-`
//!   become one `-`; repeats get `_1`, `_2`, and an empty id becomes `_1`.
//! - `kramdown`: leading characters other than ASCII letters removed, then everything but
//!   ASCII letters, digits, spaces and `-`; spaces become `-`; lowercase; empty becomes
//!   `section`; repeats get `-1`, `-2` counted per id.
//! - `docusaurus`: GitHub's rule (Docusaurus numbers headings with github-slugger too), but a
//!   heading's explicit id is its id.
//!
//! A heading's explicit id (`## Step two {#step2}`, `{: #step2 }`, `{ #step2 }`, and in MDX
//! Docusaurus's comment `{/* #step2 */}` at the end of the heading) is its id under
//! the rules whose renderers honour one, `mkdocs` (the `attr_list` extension; its ids are taken
//! before any id is made from a heading's text), `kramdown` and `docusaurus` (its `headings`
//! plugin takes the `{#id}` at the end of a heading as it is and never counts it among the ids
//! made from words, so a later `## Short` is `#short` again, as on the site). GitHub and GitLab show such a
//! list as text and make it part of the id (`#escalation-esc`); `sop` hides the list on every
//! page and, under those rules, makes the id from the rest of the heading (`#escalation`).
//!
//! Depends on nothing else in the crate.

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

/// Which renderer's rule makes heading ids.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum AnchorRule {
    /// GitHub's rule (the default).
    #[default]
    Github,
    /// GitLab's rule: like GitHub's, with runs of `-` made one.
    Gitlab,
    /// MkDocs (Python-Markdown's `toc` extension): accents removed, `_1` for repeats.
    Mkdocs,
    /// kramdown (Jekyll, Middleman): ASCII only, leading digits removed, `section` when empty.
    Kramdown,
    /// Docusaurus: GitHub's rule, with a heading's `{#id}` as its id.
    Docusaurus,
}

impl AnchorRule {
    /// The rule's name as written in `sop.toml`.
    pub fn name(self) -> &'static str {
        match self {
            AnchorRule::Github => "github",
            AnchorRule::Gitlab => "gitlab",
            AnchorRule::Mkdocs => "mkdocs",
            AnchorRule::Kramdown => "kramdown",
            AnchorRule::Docusaurus => "docusaurus",
        }
    }

    /// Whether a heading's explicit id (`{#id}`) is its id under this rule.
    pub fn honours_explicit_ids(self) -> bool {
        matches!(
            self,
            AnchorRule::Mkdocs | AnchorRule::Kramdown | AnchorRule::Docusaurus
        )
    }

    /// The id of a heading whose text (without markup) is `text`, before repeats are numbered.
    pub fn slug(self, text: &str) -> String {
        let text = text.trim();
        match self {
            AnchorRule::Github | AnchorRule::Docusaurus => github(text),
            AnchorRule::Gitlab => squeeze_hyphens(&github(text)),
            AnchorRule::Mkdocs => mkdocs(text),
            AnchorRule::Kramdown => kramdown(text),
        }
    }
}

fn github(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

fn squeeze_hyphens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

fn mkdocs(text: &str) -> String {
    let ascii = nfkd_ascii(text);
    let kept: String = ascii
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || c.is_ascii_whitespace())
        .collect();
    let lower = kept
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_ascii_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_run = false;
    for c in lower.chars() {
        if c == '-' || c.is_ascii_whitespace() {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// `text` as Python's `unicodedata.normalize('NFKD', text).encode('ascii', 'ignore')` gives
/// it, for the characters headings hold: accented Latin letters lose their accents,
/// full-width forms and ligatures become ASCII, a no-break space becomes a space, and every
/// other character that is not ASCII is dropped.
fn nfkd_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        match code {
            0..=0x7F => out.push(c),
            0xA0 => out.push(' '),
            0xAA => out.push('a'),
            0xB2 => out.push('2'),
            0xB3 => out.push('3'),
            0xB9 => out.push('1'),
            0xBA => out.push('o'),
            0xBC => out.push_str("14"),
            0xBD => out.push_str("12"),
            0xBE => out.push_str("34"),
            0xFF01..=0xFF5E => out.extend(char::from_u32(code - 0xFEE0)),
            0xFB00 => out.push_str("ff"),
            0xFB01 => out.push_str("fi"),
            0xFB02 => out.push_str("fl"),
            0xFB03 => out.push_str("ffi"),
            0xFB04 => out.push_str("ffl"),
            0xFB05 | 0xFB06 => out.push_str("st"),
            0x0132 => out.push_str("IJ"),
            0x0133 => out.push_str("ij"),
            0xC0..=0x17F | 0x1E00..=0x1E9B | 0x1EA0..=0x1EF9 if !NO_DECOMPOSITION.contains(&c) => {
                // These letters decompose to an ASCII letter and combining marks, which the
                // ASCII encoding drops: what is left is the letter transliteration gives.
                let plain = deunicode::deunicode_char(c).unwrap_or_default();
                if plain.len() == 1 && plain.chars().all(|p| p.is_ascii_alphabetic()) {
                    out.push_str(plain);
                }
            }
            _ => {}
        }
    }
    out
}

/// Latin letters in the ranges above that Unicode does not decompose (so NFKD keeps them and
/// the ASCII encoding drops them), and the two signs there that are not letters.
const NO_DECOMPOSITION: &[char] = &[
    'Æ', 'æ', 'Ð', 'ð', 'Ø', 'ø', 'Þ', 'þ', 'ß', 'Đ', 'đ', 'Ħ', 'ħ', 'ı', 'ĸ', 'Ł', 'ł', 'Ŋ', 'ŋ',
    'Œ', 'œ', 'Ŧ', 'ŧ', '×', '÷',
];

fn kramdown(text: &str) -> String {
    let start = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_alphabetic())
        .map_or(text.len(), |(i, _)| i);
    text[start..]
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The ids of a page's headings, in order, unique within the page the way the chosen
/// renderer makes them.
#[derive(Debug, Default)]
pub struct Anchors {
    rule: AnchorRule,
    /// Per id: how many headings had it (github, gitlab, kramdown).
    counts: FxHashMap<String, usize>,
    /// Every id given so far (github, docusaurus, mkdocs).
    used: FxHashSet<String>,
}

impl Anchors {
    /// Ids made with `rule`.
    pub fn new(rule: AnchorRule) -> Anchors {
        Anchors {
            rule,
            ..Anchors::default()
        }
    }

    /// Ids made with `rule` on a page where `explicit` are the ids its attribute lists give:
    /// MkDocs never makes one of those from a heading's text.
    pub fn with_explicit<'i>(
        rule: AnchorRule,
        explicit: impl IntoIterator<Item = &'i str>,
    ) -> Anchors {
        let mut anchors = Anchors::new(rule);
        if rule == AnchorRule::Mkdocs {
            anchors
                .used
                .extend(explicit.into_iter().map(str::to_string));
        }
        anchors
    }

    /// The id of the next heading, whose text (without markup) is `text` and whose explicit id
    /// (`{#id}`) is `explicit`: that one when the rule honours it.
    pub fn next_heading(&mut self, text: &str, explicit: Option<&str>) -> String {
        match explicit {
            Some(id) if self.rule.honours_explicit_ids() && !id.is_empty() => {
                // Docusaurus never tells its slugger of an explicit id.
                if self.rule != AnchorRule::Docusaurus {
                    self.used.insert(id.to_string());
                }
                id.to_string()
            }
            _ => self.next(text),
        }
    }

    /// The id of the next heading, whose text (without markup) is `text`.
    pub fn next(&mut self, text: &str) -> String {
        let base = self.rule.slug(text);
        match self.rule {
            AnchorRule::Github | AnchorRule::Docusaurus => self.github_unique(base),
            AnchorRule::Gitlab => self.counted(base),
            AnchorRule::Kramdown if base.is_empty() => self.counted("section".into()),
            AnchorRule::Kramdown => self.counted(base),
            AnchorRule::Mkdocs => self.python_markdown_unique(base),
        }
    }

    /// github-slugger: `a`, `a-1`, `a-2`, skipping any id already given.
    fn github_unique(&mut self, base: String) -> String {
        let mut anchor = base.clone();
        if self.used.contains(&anchor) {
            let n = self.counts.entry(base.clone()).or_insert(0);
            loop {
                *n += 1;
                anchor = format!("{base}-{n}");
                if !self.used.contains(&anchor) {
                    break;
                }
            }
        }
        self.used.insert(anchor.clone());
        anchor
    }

    /// GitLab and kramdown: `a`, `a-1`, `a-2`, counted per id only.
    fn counted(&mut self, base: String) -> String {
        let n = self.counts.entry(base.clone()).or_insert(0);
        let anchor = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        anchor
    }

    /// Python-Markdown's `unique`: `a`, `a_1`, `a_2`; an id ending in `_N` counts on from N.
    fn python_markdown_unique(&mut self, base: String) -> String {
        let mut anchor = base;
        while anchor.is_empty() || self.used.contains(&anchor) {
            anchor = match anchor.rsplit_once('_') {
                Some((stem, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                    match n.parse::<u64>() {
                        Ok(n) => format!("{stem}_{}", n + 1),
                        Err(_) => format!("{anchor}_1"),
                    }
                }
                _ => format!("{anchor}_1"),
            };
        }
        self.used.insert(anchor.clone());
        anchor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(rule: AnchorRule, headings: &[&str]) -> Vec<String> {
        let mut anchors = Anchors::new(rule);
        headings.iter().map(|h| anchors.next(h)).collect()
    }

    #[test]
    fn github_rule() {
        assert_eq!(
            ids(
                AnchorRule::Github,
                &[
                    "Roles and Responsibilities",
                    "Step 3: Verify",
                    "Über uns",
                    "A - B",
                    "Notes",
                    "Notes",
                    "Notes-1"
                ]
            ),
            [
                "roles-and-responsibilities",
                "step-3-verify",
                "über-uns",
                "a---b",
                "notes",
                "notes-1",
                "notes-1-1"
            ]
        );
    }

    #[test]
    fn gitlab_rule_follows_its_documented_examples() {
        // From GitLab's "Heading IDs and links" documentation.
        assert_eq!(
            ids(
                AnchorRule::Gitlab,
                &[
                    "This heading has spaces in it",
                    "This heading has a 👍 in it",
                    "This heading has Unicode in it: 한글",
                    "This heading has spaces in it",
                    "This heading has spaces in it",
                    "This heading has 3.5 in it (and parentheses)",
                    "This heading has  multiple spaces and --- hyphens",
                ]
            ),
            [
                "this-heading-has-spaces-in-it",
                "this-heading-has-a-in-it",
                "this-heading-has-unicode-in-it-한글",
                "this-heading-has-spaces-in-it-1",
                "this-heading-has-spaces-in-it-2",
                "this-heading-has-35-in-it-and-parentheses",
                "this-heading-has-multiple-spaces-and-hyphens",
            ]
        );
    }

    #[test]
    fn mkdocs_rule_is_python_markdown_slugify() {
        assert_eq!(
            ids(
                AnchorRule::Mkdocs,
                &[
                    "Header 1",
                    "Header 1",
                    "Header 1",
                    "Some Header_1",
                    "Žlutý kůň: Übersicht",
                    "Straße & Ærø",
                    "A - B",
                    "  --dash  ",
                    "!!!",
                    "!!!",
                    "ﬁle ½",
                ]
            ),
            [
                "header-1",
                "header-1_1",
                "header-1_2",
                "some-header_1",
                "zluty-kun-ubersicht",
                "strae-r",
                "a-b",
                "-dash",
                "_1",
                "_2",
                "file-12",
            ]
        );
    }

    #[test]
    fn explicit_ids_are_honoured_by_mkdocs_kramdown_and_docusaurus_only() {
        let page = [
            ("Step two", Some("step2")),
            ("step2", None),
            ("Step two", None),
        ];
        let ids = |rule| {
            let mut anchors = Anchors::with_explicit(rule, ["step2"]);
            page.iter()
                .map(|(text, id)| anchors.next_heading(text, *id))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(AnchorRule::Mkdocs), ["step2", "step2_1", "step-two"]);
        assert_eq!(ids(AnchorRule::Kramdown), ["step2", "step2", "step-two"]);
        // Docusaurus's slugger never hears of `{#step2}`: the words `step2` give it again.
        assert_eq!(ids(AnchorRule::Docusaurus), ["step2", "step2", "step-two"]);
        assert_eq!(ids(AnchorRule::Github), ["step-two", "step2", "step-two-1"]);
        assert_eq!(ids(AnchorRule::Gitlab), ["step-two", "step2", "step-two-1"]);
    }

    #[test]
    fn kramdown_rule_follows_its_documented_examples() {
        // From kramdown's documentation of `auto_ids`.
        assert_eq!(
            ids(
                AnchorRule::Kramdown,
                &[
                    "Hello",
                    "Hello",
                    "Hello again",
                    "This is a test",
                    "123 test",
                    "Ünïcödé is not ASCII",
                    "2. Scope (v1.0)",
                    "1.0",
                    "1.0",
                ]
            ),
            [
                "hello",
                "hello-1",
                "hello-again",
                "this-is-a-test",
                "test",
                "ncd-is-not-ascii",
                "scope-v10",
                "section",
                "section-1",
            ]
        );
    }
}
