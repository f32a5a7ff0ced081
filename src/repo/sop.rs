//! The `Sop` model: one SOP file with its text, front matter, typed metadata and outline.
//!
//! Building a `Sop` never fails: what is wrong stays inside it (front-matter problems, values
//! that do not parse) for lint to report. Typed accessors such as [`Sop::status`] return `None`
//! where a value is missing or invalid.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};

use super::config::{Settings, SopType};
use super::dates::{self, Date};
use super::files::strip_markdown_extension;
use super::front_matter::{self, FrontMatter, Split, Value};
pub use super::ids::IdForm;
use super::keys::KeyNames;
use super::markdown::{self, Outline};
use super::source::{SourceFile, Span};

/// A value with the span it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is in the file.
    pub span: Span,
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// A list value such as `approvers`, with the span of the whole list and of each item.
pub type SpannedList = Spanned<Vec<Spanned<String>>>;

/// The front-matter keys of [`super::keys::KEYS`], typed as text and lists, each with its span.
///
/// A key is `None` when it is absent, empty, or of the wrong shape (a list where text belongs);
/// lint tells these apart through [`Sop::front_matter`].
#[derive(Debug, Clone, Default, Serialize)]
#[allow(missing_docs)]
pub struct Meta {
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub sop_type: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
    pub owner: Option<Spanned<String>>,
    pub department: Option<Spanned<String>>,
    pub approvers: Option<SpannedList>,
    pub effective: Option<Spanned<String>>,
    pub review_every: Option<Spanned<String>>,
    pub next_review: Option<Spanned<String>>,
    pub last_reviewed: Option<Spanned<String>>,
    pub tags: Option<SpannedList>,
    pub supersedes: Option<SpannedList>,
    pub superseded_by: Option<Spanned<String>>,
    pub retired_reason: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub translation_of: Option<Spanned<String>>,
}

impl Meta {
    /// Read the keys of [`super::keys::KEYS`] out of `fm`, each under the name `names` gives it.
    pub fn from_front_matter(fm: &FrontMatter, names: &KeyNames) -> Meta {
        let text = |key: &str| {
            text_value(fm, names, key).map(|(value, span)| Spanned {
                value: value.to_string(),
                span,
            })
        };
        // A list (even empty), or one text.
        let list = |key: &str| {
            names.field(fm, key).and_then(|f| {
                let texts = f.texts();
                (matches!(f.value, Value::List(_)) || !texts.is_empty()).then(|| Spanned {
                    value: texts
                        .into_iter()
                        .map(|(value, span)| Spanned { value, span })
                        .collect(),
                    span: f.value_span,
                })
            })
        };
        Meta {
            id: text("id"),
            title: text("title"),
            sop_type: text("type"),
            status: text("status"),
            version: text("version"),
            owner: text("owner"),
            department: text("department"),
            approvers: list("approvers"),
            effective: text("effective"),
            review_every: text("review_every"),
            next_review: text("next_review"),
            last_reviewed: text("last_reviewed"),
            tags: list("tags"),
            supersedes: list("supersedes"),
            superseded_by: text("superseded_by"),
            retired_reason: text("retired_reason"),
            language: text("language"),
            translation_of: text("translation_of"),
        }
    }
}

/// The text of `key` in `fm` (under the name `names` gives it), trimmed, with the value's span:
/// how [`Meta`] and [`Glance`] read a key; `None` when it is missing, empty or not text.
fn text_value<'f>(fm: &'f FrontMatter, names: &KeyNames, key: &str) -> Option<(&'f str, Span)> {
    let f = names.field(fm, key)?;
    match &f.value {
        Value::Text(t) if !t.trim().is_empty() => Some((t.trim(), f.value_span)),
        _ => None,
    }
}

/// What a list of SOPs needs of a file: its id, title, version and whether it is a
/// translation, as [`Sop`] gives them, read without the rest of the file. A front matter of plain
/// `key: value` lines is read without the YAML parser ([`front_matter::parse_plain`]); any
/// other goes through it, as for [`Sop`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// [`Sop::id`].
    pub id: Option<String>,
    /// [`Sop::title`].
    pub title: String,
    /// [`Sop::version`].
    pub version: Option<semver::Version>,
    /// [`Sop::is_translation`].
    pub translation: bool,
}

impl Glance {
    /// Read `text`, the contents of the file at `path`, as the repository of `settings` reads it.
    pub fn read(path: String, text: &str, settings: &Settings) -> Glance {
        let fm = front_matter::split(text).yaml.map(|yaml| {
            front_matter::parse_plain(text, yaml).unwrap_or_else(|| front_matter::parse(text, yaml))
        });
        let value = |key: &str| text_value(fm.as_ref()?, &settings.keys, key).map(|(t, _)| t);
        let name = path.rsplit('/').next().unwrap_or(&path);
        let file_name = FileName::parse(name, &settings.ids);
        Glance {
            id: value("id").map(str::to_string).or(file_name.id),
            title: value("title").map_or(file_name.slug, str::to_string),
            version: value("version").and_then(|v| semver::Version::parse(v).ok()),
            translation: value("translation_of").is_some() || file_name.language.is_some(),
            path,
        }
    }
}

/// The lifecycle status of an SOP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written.
    Draft,
    /// Waiting for approval.
    Review,
    /// In force.
    Approved,
    /// No longer in force.
    Retired,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Review,
        Status::Approved,
        Status::Retired,
    ];

    /// The status as written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Approved => "approved",
            Status::Retired => "retired",
        }
    }
}

impl FromStr for Status {
    type Err = ();

    /// Exactly `draft`, `review`, `approved` or `retired`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or(())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a file name says: `<id>-<slug>.md` or `<id>-<slug>.<lang>.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileName {
    /// The id at the start of the name, if it has one (`SOP-0007`).
    pub id: Option<String>,
    /// The rest of the name, without id and extension.
    pub slug: String,
    /// The language before `.md`, as in `.es.md`.
    pub language: Option<String>,
}

impl FileName {
    /// Read a file name (without folders) with the repository's id form.
    pub fn parse(name: &str, ids: &(impl IdForm + ?Sized)) -> FileName {
        let stem = strip_markdown_extension(name);
        let (stem, language) = match stem.rsplit_once('.') {
            Some((rest, lang)) if is_language_tag(lang) => (rest, Some(lang.to_string())),
            _ => (stem, None),
        };
        let id_len = ids.leading_id_len(stem);
        let (id, slug) = match id_len {
            Some(n) => (
                Some(stem[..n].to_string()),
                stem[n..].trim_start_matches('-').to_string(),
            ),
            None => (None, stem.to_string()),
        };
        FileName { id, slug, language }
    }
}

/// A BCP 47 tag of the common shapes: `es`, `pt-BR`, `zh-Hant`, `fil`.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The number of an id such as `SOP-0042`, read with the repository's id form.
pub fn id_number(id: &str, ids: &(impl IdForm + ?Sized)) -> Option<u64> {
    ids.number(id)
}

/// What a file name that reads as a translation says ([`Sop::translation_name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationName<'a> {
    /// The language tag (`pt`).
    pub lang: &'a str,
    /// The path of the file it translates (`dir/refunds.md`).
    pub source_path: String,
    /// The name without language and extension (`refunds`).
    pub base: &'a str,
    /// The Markdown extension, with its dot (`.md`).
    pub ext: &'a str,
}

/// One SOP file, parsed.
#[derive(Debug, Clone)]
pub struct Sop {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// The file's text and line index.
    pub source: SourceFile,
    /// Where the front matter and body are.
    pub split: Split,
    /// The parsed front matter, `None` when the file has none.
    pub front_matter: Option<FrontMatter>,
    /// The known keys, typed.
    pub meta: Meta,
    /// Headings, sections and links of the body, read on first use (listing needs none).
    outline: OnceLock<Outline>,
    /// What the file name says.
    pub file_name: FileName,
}

impl Sop {
    /// Parse `text`, the contents of the file at `path` (relative to the repository root), with
    /// the keys under their own names.
    pub fn parse(path: String, text: String, ids: &(impl IdForm + ?Sized)) -> Sop {
        Sop::parse_with(path, text, ids, &KeyNames::default())
    }

    /// Parse `text`, the contents of the file at `path`, as the repository of `settings` reads
    /// it (its id prefix and its names for the front-matter keys).
    pub fn parse_in(path: String, text: String, settings: &Settings) -> Sop {
        Sop::parse_with(path, text, &settings.ids, &settings.keys)
    }

    /// Parse `text` with the id form and the names of the front-matter keys given.
    pub fn parse_with(
        path: String,
        text: String,
        ids: &(impl IdForm + ?Sized),
        names: &KeyNames,
    ) -> Sop {
        let source = SourceFile::new(text);
        let text = source.text();
        let split = front_matter::split(text);
        let front_matter = split.yaml.map(|yaml| front_matter::parse(text, yaml));
        let meta = front_matter
            .as_ref()
            .map(|fm| Meta::from_front_matter(fm, names))
            .unwrap_or_default();
        let name = path.rsplit('/').next().unwrap_or(&path);
        let file_name = FileName::parse(name, ids);
        Sop {
            path,
            source,
            split,
            front_matter,
            meta,
            outline: OnceLock::new(),
            file_name,
        }
    }

    /// Headings, sections and links of the body. The Markdown is parsed on the first call
    /// only; commands that need no outline (such as `sop list`) never parse it.
    pub fn outline(&self) -> &Outline {
        self.outline
            .get_or_init(|| markdown::outline(self.source.text(), self.split.body))
    }

    /// Whether the outline is still to be read (by [`Sop::outline`] or [`Sop::keep_outline`]).
    pub fn outline_unread(&self) -> bool {
        self.outline.get().is_none()
    }

    /// Keep `outline`, read from this SOP's body by a [`markdown::OutlineReader`] that saw
    /// every event of it (the site's renderer), unless one was read already.
    pub(crate) fn keep_outline(&self, outline: Outline) {
        let _ = self.outline.set(outline);
    }

    /// The id from front matter, else from the file name.
    pub fn id(&self) -> Option<&str> {
        self.meta
            .id
            .as_ref()
            .map(|s| s.value.as_str())
            .or(self.file_name.id.as_deref())
    }

    /// The title, else the file name's slug.
    pub fn title(&self) -> &str {
        self.meta
            .title
            .as_ref()
            .map_or(self.file_name.slug.as_str(), |s| s.value.as_str())
    }

    /// The status, when it is one of the four.
    pub fn status(&self) -> Option<Status> {
        self.meta.status.as_ref()?.value.parse().ok()
    }

    /// Where the front matter stops being readable, when it cannot be read at all: a block
    /// never closed, YAML that does not parse, or YAML that is not `key: value` lines. Its keys
    /// are then unknown (a duplicate key or an alias leaves the rest readable: `None`).
    pub fn unreadable_front_matter(&self) -> Option<Span> {
        use super::front_matter::YamlProblemKind;
        self.split.unclosed.or_else(|| {
            self.front_matter.as_ref().and_then(|fm| {
                fm.problems
                    .iter()
                    .find(|p| {
                        matches!(
                            p.kind,
                            YamlProblemKind::Syntax | YamlProblemKind::NotAMapping
                        )
                    })
                    .map(|p| p.span)
            })
        })
    }

    /// The version, when it is a semantic version.
    pub fn version(&self) -> Option<semver::Version> {
        semver::Version::parse(&self.meta.version.as_ref()?.value).ok()
    }

    /// The language: front matter `language`, else the file name's.
    pub fn language(&self) -> Option<&str> {
        self.meta
            .language
            .as_ref()
            .map(|s| s.value.as_str())
            .or(self.file_name.language.as_deref())
    }

    /// Whether this file is a translation of another SOP.
    pub fn is_translation(&self) -> bool {
        self.meta.translation_of.is_some() || self.file_name.language.is_some()
    }

    /// What a file name that reads as a translation (`dir/refunds.pt.md`) says: its language
    /// and the path of the file it would translate (`dir/refunds.md`). `None` when the name
    /// has no language.
    pub fn translation_name(&self) -> Option<TranslationName<'_>> {
        let lang = self.file_name.language.as_deref()?;
        let (dir, name) = match self.path.rsplit_once('/') {
            Some((dir, name)) => (format!("{dir}/"), name),
            None => (String::new(), self.path.as_str()),
        };
        let stem = super::files::strip_markdown_extension(name);
        let ext = name.get(stem.len()..).unwrap_or_default();
        let base = stem.strip_suffix(lang)?.strip_suffix('.')?;
        Some(TranslationName {
            lang,
            source_path: format!("{dir}{base}{ext}"),
            base,
            ext,
        })
    }

    /// The owning department, when the front matter names one: `None` when `department` is
    /// missing, empty or still a placeholder (the `<Which department owns this SOP?>` that `sop
    /// new` writes without `--department`, or a `[lint] placeholder_words` word such as `TBD`).
    /// A placeholder is no department: it gets no page on the site and no row in `sop stats`.
    pub fn department(&self, settings: &Settings) -> Option<&str> {
        let value = self.meta.department.as_ref()?.value.trim();
        let prompt =
            value.starts_with('<') && super::elements::prompt_len(value) == Some(value.len());
        let words = &settings.config.lint.placeholder_words;
        let placeholder_word = value
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map(|w| w.trim_matches('_'))
            .any(|w| !w.is_empty() && words.iter().any(|p| p == w));
        (!value.is_empty() && !prompt && !placeholder_word).then_some(value)
    }

    /// The SOP's type: its `type` key, else the type whose `paths` match the file.
    pub fn sop_type<'s>(&self, settings: &'s Settings) -> Option<&'s SopType> {
        match &self.meta.sop_type {
            Some(t) => settings.types.get(&t.value),
            None => settings.type_for_path(&self.path),
        }
    }

    /// A date key, when present and valid.
    pub fn date(&self, value: Option<&Spanned<String>>) -> Option<Date> {
        dates::parse_date(&value?.value).ok()
    }

    /// When the next review is due: `next_review`, else the cadence (`review_every`, the type's,
    /// or the default) after `last_reviewed` (else `effective`). `None` when there is no date
    /// to count from, or a date or period cannot be read (see [`Sop::review_date`] for why).
    pub fn next_review(&self, settings: &Settings) -> Option<Date> {
        self.review_date(settings).ok()
    }

    /// When the next review is due, as [`Sop::next_review`], or why that cannot be told.
    ///
    /// # Errors
    /// The [`NoReviewDate`] that keeps the date from being known.
    pub fn review_date(&self, settings: &Settings) -> Result<Date, NoReviewDate> {
        if let Some(next) = &self.meta.next_review {
            return dates::parse_date(&next.value).map_err(|_| NoReviewDate::NextReviewInvalid {
                value: next.value.trim().to_string(),
            });
        }
        let from = self
            .date(self.meta.last_reviewed.as_ref())
            .or_else(|| self.date(self.meta.effective.as_ref()))
            .ok_or_else(|| self.no_start_date())?;
        let cadence = match &self.meta.review_every {
            Some(every) => every.value.parse::<dates::Cadence>().map_err(|_| {
                NoReviewDate::ReviewEveryInvalid {
                    value: every.value.trim().to_string(),
                }
            })?,
            None => self
                .sop_type(settings)
                .and_then(|t| t.review_every)
                .unwrap_or(settings.review_every),
        };
        cadence
            .after(from)
            .ok_or(NoReviewDate::PastCalendarEnd { from, cadence })
    }

    /// Why there is no date to count the review period from: an `effective` (else
    /// `last_reviewed`) that is written but cannot be read, or neither written.
    fn no_start_date(&self) -> NoReviewDate {
        [
            ("effective", &self.meta.effective),
            ("last_reviewed", &self.meta.last_reviewed),
        ]
        .into_iter()
        .find_map(|(key, v)| {
            let value = v.as_ref()?.value.trim();
            (!value.is_empty()).then(|| NoReviewDate::StartDateInvalid {
                key,
                value: value.to_string(),
            })
        })
        .unwrap_or(NoReviewDate::NoStartDate)
    }

    /// The cadence that applies: `review_every`, the type's, or the default.
    pub fn review_cadence(&self, settings: &Settings) -> Option<dates::Cadence> {
        match &self.meta.review_every {
            Some(every) => every.value.parse().ok(),
            None => Some(
                self.sop_type(settings)
                    .and_then(|t| t.review_every)
                    .unwrap_or(settings.review_every),
            ),
        }
    }

    /// The text of `span`.
    pub fn slice(&self, span: Span) -> &str {
        self.source
            .text()
            .get(span.start..span.end)
            .unwrap_or_default()
    }
}

/// Why an SOP's next review date cannot be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoReviewDate {
    /// `next_review` is not a real date in `YYYY-MM-DD` form.
    NextReviewInvalid {
        /// The value as written.
        value: String,
    },
    /// `review_every` is not a period sop accepts.
    ReviewEveryInvalid {
        /// The value as written.
        value: String,
    },
    /// Neither `last_reviewed` nor `effective` holds a date to count the period from.
    NoStartDate,
    /// `effective` (else `last_reviewed`) is written, but is not a real date in `YYYY-MM-DD`
    /// form, and no other date is there to count the period from.
    StartDateInvalid {
        /// The key, as sop names it (`effective` or `last_reviewed`).
        key: &'static str,
        /// The value as written.
        value: String,
    },
    /// The period counted from the date falls past the calendar's last day (9999-12-31).
    PastCalendarEnd {
        /// The date the period is counted from.
        from: Date,
        /// The period.
        cadence: dates::Cadence,
    },
}

impl NoReviewDate {
    /// The key at fault and its line as written (`next_review`, `next_review: 2026-02-30`),
    /// with the keys as the repository writes them; `None` when no line is at fault.
    pub fn written<'k>(&self, keys: &'k KeyNames) -> Option<(&'k str, String)> {
        let (key, value) = match self {
            NoReviewDate::NextReviewInvalid { value } => ("next_review", value),
            NoReviewDate::ReviewEveryInvalid { value } => ("review_every", value),
            NoReviewDate::StartDateInvalid { key, value } => (*key, value),
            NoReviewDate::NoStartDate | NoReviewDate::PastCalendarEnd { .. } => return None,
        };
        let key = keys.written(key);
        Some((key, format!("{key}: {value}")))
    }

    /// What is wrong and how to fix it, in one sentence for a writer, with the keys as the
    /// repository writes them.
    pub fn describe(&self, keys: &KeyNames) -> String {
        match self {
            NoReviewDate::NextReviewInvalid { value } => {
                not_a_date(keys.written("next_review"), value)
            }
            NoReviewDate::StartDateInvalid { key, value } => not_a_date(keys.written(key), value),
            NoReviewDate::ReviewEveryInvalid { value } => {
                let key = keys.written("review_every");
                let (why, example) = match value.parse::<dates::Cadence>() {
                    Err(dates::CadenceError::Zero(_)) => ("is zero:".to_string(), None),
                    Err(dates::CadenceError::TooLong { longest, .. }) => (
                        format!("is too long (the longest period is {longest}):"),
                        None,
                    ),
                    _ => {
                        let problem = dates::form_problem(value);
                        (format!("is not a period: {};", problem.what), problem.meant)
                    }
                };
                let example = example.unwrap_or_else(|| "12 months".to_string());
                format!("`{key}: {value}` {why} write a period such as `{key}: {example}`")
            }
            NoReviewDate::NoStartDate => format!(
                "there is no `{}` or `{}` date to count the review period from: add `{}: YYYY-MM-DD`, the day this version took effect",
                keys.written("last_reviewed"),
                keys.written("effective"),
                keys.written("effective"),
            ),
            NoReviewDate::PastCalendarEnd { from, cadence } => format!(
                "the review would fall after the year 9999 ({cadence} after {from}): check the year of that date, or write a shorter `{}`",
                keys.written("review_every"),
            ),
        }
    }
}

/// `key: value` is not a date, why, and how to write one.
fn not_a_date(key: &str, value: &str) -> String {
    let why = match dates::parse_date(value) {
        Err(dates::DateError::NoSuchDay { why }) => format!(" ({why})"),
        _ => String::new(),
    };
    format!(
        "`{key}: {value}` is not a real date{why}: write the date as YYYY-MM-DD, for example `{key}: 2027-01-31`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_id_slug_and_language() {
        let f = FileName::parse("SOP-0007-account-recovery.es.md", "SOP");
        assert_eq!(f.id.as_deref(), Some("SOP-0007"));
        assert_eq!(f.slug, "account-recovery");
        assert_eq!(f.language.as_deref(), Some("es"));
        let g = FileName::parse("SOP-12.md", "SOP");
        assert_eq!(g.id.as_deref(), Some("SOP-12"));
        let h = FileName::parse("notes (old).md", "SOP");
        assert_eq!(h.id, None);
        assert_eq!(h.slug, "notes (old)");
        assert_eq!(FileName::parse("SOP-0001-v1.2.md", "SOP").language, None);
        let t = FileName::parse("SOP-0003-backup.html.md.erb", "SOP");
        assert_eq!(
            (t.id.as_deref(), t.slug.as_str()),
            (Some("SOP-0003"), "backup")
        );
        let gdi = super::super::ids::IdPattern::new(Some(r"GDI-SOP(\d{4})"), "SOP", 4).unwrap();
        let g = FileName::parse("GDI-SOP0003-restore.es.markdown", &gdi);
        assert_eq!(g.id.as_deref(), Some("GDI-SOP0003"));
        assert_eq!(
            (g.slug.as_str(), g.language.as_deref()),
            ("restore", Some("es"))
        );
    }

    #[test]
    fn ids_parse_with_prefix() {
        assert_eq!(id_number("SOP-0042", "SOP"), Some(42));
        assert_eq!(id_number("SOP-42a", "SOP"), None);
        assert_eq!(id_number("CS-7", "SOP"), None);
    }

    fn meta_of(text: &str, names: &KeyNames) -> serde_json::Value {
        let split = front_matter::split(text);
        let fm = front_matter::parse(text, split.yaml.unwrap_or_default());
        serde_json::to_value(Meta::from_front_matter(&fm, names)).unwrap()
    }

    #[test]
    fn meta_reads_every_key_of_the_table_in_its_shape() {
        let keys = crate::repo::keys::KEYS;
        let as_text: String = keys.iter().map(|k| format!("{}: x\n", k.name)).collect();
        let meta = meta_of(&format!("---\n{as_text}---\n"), &KeyNames::default());
        let obj = meta.as_object().unwrap();
        assert_eq!(obj.len(), keys.len());
        for k in keys {
            let want = if k.shape.is_list() {
                serde_json::json!(["x"])
            } else {
                serde_json::json!("x")
            };
            assert_eq!(obj[k.name], want, "{}", k.name);
        }
        // Written as lists, only the list keys are read.
        let as_list: String = keys.iter().map(|k| format!("{}: [x]\n", k.name)).collect();
        let meta = meta_of(&format!("---\n{as_list}---\n"), &KeyNames::default());
        for k in keys {
            assert_eq!(meta[k.name].is_null(), !k.shape.is_list(), "{}", k.name);
        }
    }

    #[test]
    fn aliases_are_read_as_their_keys() {
        let settings = Settings::parse(
            "[front_matter]\naliases = { last_reviewed = \"last_reviewed_on\", review_every = \"review_in\" }\n",
            std::path::Path::new("sop.toml"),
        )
        .unwrap();
        let sop = Sop::parse_in(
            "sops/a/SOP-0001-a.md".into(),
            "---\nid: SOP-0001\nlast_reviewed_on: 2025-06-01\nreview_in: 6 months\n---\n".into(),
            &settings,
        );
        assert_eq!(
            sop.next_review(&settings),
            dates::parse_date("2025-12-01").ok()
        );
        let plain = Sop::parse(sop.path.clone(), sop.source.text().to_string(), "SOP");
        assert_eq!(plain.meta.last_reviewed, None);
    }

    #[test]
    fn next_review_counts_from_last_review() {
        let settings = Settings::load(None).unwrap();
        let sop = Sop::parse(
            "sops/a/SOP-0001-a.md".into(),
            "---\nid: SOP-0001\ntype: runbook\neffective: 2026-01-10\nlast_reviewed: 2026-03-01\nreview_every: 6 months\n---\n".into(),
            "SOP",
        );
        assert_eq!(
            sop.next_review(&settings),
            dates::parse_date("2026-09-01").ok()
        );
    }
}
