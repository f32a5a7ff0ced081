//! `sop.toml`: the repository's configuration, every key optional.
//!
//! Loading checks the file fully up front: an unknown key, a bad period or a bad glob is an error
//! with the line and, for typos, the closest known key. The built-in SOP types live here too, so
//! that `sop.toml` can change or extend them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::dates::{Cadence, CadenceError};
use super::files::{self, FileRules, Patterns};
use super::ids::IdPattern;
use super::toml_check::{self, Places, Problem};

/// The configuration file's name.
pub const FILE_NAME: &str = "sop.toml";

/// The whole of `sop.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[sops]`: where SOPs live and how ids look.
    pub sops: SopsConfig,
    /// `[defaults]`: values for `sop new` and for SOPs that set none.
    pub defaults: Defaults,
    /// `[types.<name>]`: changes to built-in types, or new types.
    pub types: BTreeMap<String, TypeConfig>,
    /// `[lint]`: review window and rule severities.
    pub lint: LintConfig,
    /// `[release]`: tag names.
    pub release: ReleaseConfig,
    /// `[site]`: the published site.
    pub site: SiteConfig,
    /// `[history]`: how per-SOP history follows files through git.
    pub history: HistoryConfig,
    /// `[links]`: how links between documents are written, and the heading-id rule.
    pub links: super::links::LinksConfig,
    /// `[front_matter]`: the team's own names for front-matter keys, and its own keys.
    pub front_matter: FrontMatterConfig,
}

/// `[front_matter]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FrontMatterConfig {
    /// The team's name for a key, read as the key everywhere:
    /// `{ owner = "owner_slack", last_reviewed = "last_reviewed_on", review_every = "review_in" }`.
    /// Keys that can have another name: `id`, `title`, `owner`, `department`, `effective`,
    /// `review_every`, `next_review`, `last_reviewed`, `tags`. A site generator that owns
    /// `id:` (Docusaurus's page id) keeps it with `aliases = { id = "sop_id" }` and
    /// `allow = ["id"]`.
    pub aliases: BTreeMap<String, String>,
    /// The team's own keys that `sop` leaves alone (not reported as unknown):
    /// `["weight", "layout"]`.
    pub allow: Vec<String>,
}

/// `[history]`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HistoryConfig {
    /// How alike (in percent, as git's `-M`) a new file must be to a file of the commit before
    /// for history to follow it as a rename, move or copy.
    #[schemars(range(min = 1, max = 100))]
    pub rename_similarity: u8,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            rename_similarity: 50,
        }
    }
}

/// `[sops]`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SopsConfig {
    /// Folder of the SOPs, relative to the repository root.
    pub dir: String,
    /// Id prefix: ids look like `SOP-0001`.
    pub id_prefix: String,
    /// Digits of the id number.
    pub id_digits: usize,
    /// The id as a regular expression with one group in parentheses around the number
    /// (`"GDI-SOP(\\d{4})"`); matched against the whole id. Default: `id_prefix`, a dash and
    /// a number.
    pub id_pattern: Option<String>,
    /// File name extensions of SOP files, each Markdown: `md`, `markdown`, `md.erb` (also
    /// `.html.md.erb`), `markdown.erb`.
    pub extensions: Vec<String>,
    /// Files to check although `exclude` leaves them out: patterns as in `.gitignore`,
    /// relative to `dir`.
    pub include: Vec<String>,
    /// Files under `dir` that are not SOPs: patterns as in `.gitignore` (`*` stops at `/`,
    /// `**` crosses folders, `!` takes a file back, a trailing `/` matches a folder), relative
    /// to `dir`, without regard to case. Writing the list replaces the default one.
    pub exclude: Vec<String>,
    /// How SOP files are named: `"id-slug"` (the name starts with the id, such as
    /// `SOP-0001-title.md`) or `"any"` (any name; page addresses come from the id).
    pub file_names: FileNames,
}

/// `[sops] file_names`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FileNames {
    /// The file name starts with the id: `SOP-0001-title.md`.
    #[default]
    IdSlug,
    /// Any name.
    Any,
}

impl Default for SopsConfig {
    fn default() -> Self {
        SopsConfig {
            dir: "sops".into(),
            id_prefix: "SOP".into(),
            id_digits: 4,
            id_pattern: None,
            extensions: vec!["md".into()],
            include: Vec::new(),
            exclude: files::DEFAULT_EXCLUDE
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            file_names: FileNames::IdSlug,
        }
    }
}

/// `[defaults]`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Defaults {
    /// Department for `sop new` when `--department` is not given.
    pub department: Option<String>,
    /// Owner for `sop new` when `--owner` is not given (else the git user).
    pub owner: Option<String>,
    /// Review cadence when an SOP sets neither `review_every` nor `next_review`.
    #[schemars(pattern(super::dates::PERIOD_PATTERN))]
    pub review_every: String,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            department: None,
            owner: None,
            review_every: "12 months".into(),
        }
    }
}

/// `[types.<name>]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TypeConfig {
    /// Required H2 sections, in order (replaces the built-in list).
    pub sections: Option<Vec<String>>,
    /// Other spellings accepted for a section: `{ "Roles and Responsibilities" = ["RACI"] }`.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Files that take this type when they set none: patterns as in `.gitignore` (`*` stops at
    /// `/`, `**` crosses folders, `!` takes a file back), relative to the repository root
    /// (not to `[sops] dir`): `"sops/alerts/**"`.
    pub paths: Vec<String>,
    /// Review cadence for SOPs of this type.
    #[schemars(pattern(super::dates::PERIOD_PATTERN))]
    pub review_every: Option<String>,
    /// One line on what the type is for (shown by `sop new` on an unknown type).
    pub description: Option<String>,
    /// The heading level of the required sections: `2` (`## Purpose`, the default), `3`
    /// (`### 4. Purpose`), up to `6`, or `"any"`.
    pub level: Option<SectionLevel>,
}

/// The heading level of a type's required sections, written `2`, `3` … `6` or `"any"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionLevel {
    /// Sections are headings of this level only.
    Level(u8),
    /// Sections are headings of any level.
    Any,
}

impl SectionLevel {
    /// Whether a heading of `level` can be a section.
    pub fn admits(self, level: u8) -> bool {
        match self {
            SectionLevel::Level(l) => l == level,
            SectionLevel::Any => true,
        }
    }
}

impl Default for SectionLevel {
    fn default() -> Self {
        SectionLevel::Level(2)
    }
}

impl schemars::JsonSchema for SectionLevel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SectionLevel".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A heading level: 2 for `## Purpose`, 3 for `### Purpose`, up to 6; or \"any\"",
            "anyOf": [
                { "type": "integer", "minimum": 1, "maximum": 6 },
                { "const": "any" }
            ]
        })
    }
}

impl Serialize for SectionLevel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SectionLevel::Level(l) => s.serialize_u8(*l),
            SectionLevel::Any => s.serialize_str("any"),
        }
    }
}

impl<'de> Deserialize<'de> for SectionLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        let wrong = |what: String| {
            serde::de::Error::custom(format!(
                "`level = {what}` is not a heading level: write 2 for `## Purpose`, 3 for `### Purpose` (up to 6), or \"any\""
            ))
        };
        match Raw::deserialize(d)? {
            Raw::Number(n) => match u8::try_from(n) {
                Ok(l @ 1..=6) => Ok(SectionLevel::Level(l)),
                _ => Err(wrong(n.to_string())),
            },
            Raw::Text(t) if t.eq_ignore_ascii_case("any") => Ok(SectionLevel::Any),
            Raw::Text(t) => Err(wrong(format!("\"{t}\""))),
        }
    }
}

/// `[lint]`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LintConfig {
    /// How long before its review date an SOP counts as due soon.
    #[schemars(pattern(super::dates::PERIOD_PATTERN))]
    pub due_soon: String,
    /// Severity per rule id: `error`, `warning` or `off`.
    pub severity: BTreeMap<String, SeverityLevel>,
    /// Words that mark unfinished text, matched as whole words with their case (also inside
    /// emphasis, as `_TBD_`); `[]` turns the word check off (template prompts are still found).
    pub placeholder_words: Vec<String>,
}

/// The placeholder words when `sop.toml` names none.
pub const PLACEHOLDER_WORDS: &[&str] = &["TODO", "TBD", "FIXME"];

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            due_soon: "30 days".into(),
            severity: BTreeMap::new(),
            placeholder_words: PLACEHOLDER_WORDS.iter().map(|w| (*w).to_string()).collect(),
        }
    }
}

/// A severity set in `sop.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    /// Fails the check.
    Error,
    /// Reported, does not fail unless `--deny-warnings`.
    Warning,
    /// Not checked.
    Off,
}

/// `[release]`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReleaseConfig {
    /// Tag name of a release; `{id}` and `{version}` are replaced.
    pub tag_format: String,
    /// Refuse a release whose only approver is the person who runs it.
    pub four_eyes: bool,
}

impl Default for ReleaseConfig {
    fn default() -> Self {
        ReleaseConfig {
            tag_format: "{id}/v{version}".into(),
            four_eyes: false,
        }
    }
}

/// `[site]`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// Title of the published site.
    pub title: String,
    /// Absolute URL the site is served from (for the sitemap and feeds).
    pub base_url: Option<String>,
    /// "Suggest a change" link; `{path}` and `{id}` are replaced.
    pub suggest_url: Option<String>,
    /// Link of a pull request in the revision history; `{number}` is replaced
    /// (`https://github.com/org/repo/pull/{number}`).
    pub pull_request_url: Option<String>,
    /// Output folder of `sop publish`, relative to the repository root.
    pub out: String,
    /// `sop publish` warns about a linked attachment larger than this (`"20 MB"`).
    pub attachment_warn_size: ByteSize,
    /// The language of the site's interface (a BCP 47 tag such as `es` or `pt-BR`): the
    /// index, lists, dashboard and search, and every SOP that sets no `language` of its own.
    /// A language without a message catalogue is shown in English.
    pub language: String,
}

/// A size in bytes, written in `sop.toml` as a number of bytes or as text with a unit:
/// `"20 MB"`, `"500 KB"`, `"1 GB"` (powers of 1000) or `"20 MiB"` (powers of 1024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// The size in bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }

    /// Read `"20 MB"` and the like; `None` when the text is not a size.
    pub fn parse(text: &str) -> Option<ByteSize> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number.parse().ok()?;
        let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" | "k" => 1_000,
            "mb" | "m" => 1_000_000,
            "gb" | "g" => 1_000_000_000,
            "kib" => 1 << 10,
            "mib" => 1 << 20,
            "gib" => 1 << 30,
            _ => return None,
        };
        let bytes = number * factor as f64;
        (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64)
            .then_some(ByteSize(bytes as u64))
    }
}

impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b = self.0 as f64;
        if self.0 >= 1_000_000_000 {
            write!(f, "{:.1} GB", b / 1e9)
        } else if self.0 >= 1_000_000 {
            write!(f, "{:.1} MB", b / 1e6)
        } else if self.0 >= 1_000 {
            write!(f, "{:.1} KB", b / 1e3)
        } else {
            let n = usize::try_from(self.0).unwrap_or(usize::MAX);
            f.write_str(&crate::words::count(n, "byte"))
        }
    }
}

impl schemars::JsonSchema for ByteSize {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ByteSize".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A size: a number of bytes, or text with a unit (\"20 MB\", \"500 KB\", \"1 GB\", \"20 MiB\")",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^\\s*[0-9.]+\\s*([bB]|[kKmMgG]([bB]|[iI][bB])?)?\\s*$" }
            ]
        })
    }
}

impl Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(ByteSize(n)),
            Raw::Text(t) => ByteSize::parse(&t).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{t}` is not a size: write a number with a unit, such as \"20 MB\""
                ))
            }),
        }
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Standard Operating Procedures".into(),
            base_url: None,
            suggest_url: None,
            pull_request_url: None,
            out: "site".into(),
            attachment_warn_size: ByteSize(20_000_000),
            language: "en".into(),
        }
    }
}

/// An SOP type with everything resolved: built-in values merged with `sop.toml`.
#[derive(Debug, Clone)]
pub struct SopType {
    /// The type's name, as written in `type:`.
    pub name: String,
    /// Required H2 sections, in order.
    pub sections: Vec<String>,
    /// Other accepted spellings per section.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Files that take this type when they set none.
    pub paths: Option<Patterns>,
    /// Review cadence for this type, if it has its own.
    pub review_every: Option<Cadence>,
    /// Whether the type is built in (else added by `sop.toml`).
    pub builtin: bool,
    /// What the type is for.
    pub description: String,
}

/// The built-in types: name, description, required sections.
pub const BUILTIN_TYPES: &[(&str, &str, &[&str])] = &[
    (
        "procedure",
        "step-by-step instructions for a recurring task",
        &[
            "Purpose",
            "Scope",
            "Roles and Responsibilities",
            "Procedure",
            "Escalation",
            "Metrics",
            "References",
        ],
    ),
    (
        "policy",
        "rules that apply and who enforces them",
        &[
            "Purpose",
            "Scope",
            "Policy",
            "Roles and Responsibilities",
            "Exceptions",
            "References",
        ],
    ),
    (
        "runbook",
        "what to do when something goes wrong, under time pressure",
        &[
            "Summary",
            "Trigger",
            "Severity",
            "Immediate Actions",
            "Escalation",
            "Communication",
            "Resolution",
            "Follow-up",
        ],
    ),
    (
        "checklist",
        "a list of items to tick off",
        &["Purpose", "Checklist"],
    ),
];

/// Section spellings accepted by every type without configuration.
const BUILTIN_ALIASES: &[(&str, &[&str])] = &[
    (
        "Roles and Responsibilities",
        &["Roles & Responsibilities", "Roles"],
    ),
    ("Follow-up", &["Follow up", "Followup"]),
    ("References", &["Related documents"]),
];

/// The configuration with its derived values, ready for every command.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The file as written (defaults filled in).
    pub config: Config,
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// All types by name.
    pub types: BTreeMap<String, SopType>,
    /// The default review cadence.
    pub review_every: Cadence,
    /// The due-soon window.
    pub due_soon: Cadence,
    /// Where each key of the file is, for messages about its values.
    pub places: Places,
    /// Which files are SOPs (`[sops] dir`, `extensions`, `include`, `exclude`).
    pub files: FileRules,
    /// What ids look like (`[sops] id_pattern`, else `id_prefix` and `id_digits`).
    pub ids: IdPattern,
    /// The front-matter keys as this repository writes them (`[front_matter]`).
    pub keys: super::keys::KeyNames,
}

/// Why `sop.toml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read `{path}`")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("{path}:{line}:{column}: {message}{}", help.as_ref().map(|h| format!("\n  help: {h}")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
}

impl Settings {
    /// Read `path` (or use the defaults when `path` is `None`).
    ///
    /// # Errors
    /// [`ConfigError`] when the file cannot be read or is not valid.
    pub fn load(path: Option<&Path>) -> Result<Settings, ConfigError> {
        let Some(path) = path else {
            return Settings::from_config(Config::default(), None, Places::default());
        };
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Settings::parse(&text, path)
    }

    /// Parse `text` as the contents of `path`.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the line, column and fix.
    pub fn parse(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        let invalid = |problem: Problem| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: problem.place.line,
            column: problem.place.column,
            message: problem.message,
            help: problem.help,
        };
        let schema = schema();
        let checked = toml_check::check(text, &schema).map_err(invalid)?;
        let places = checked.places;
        let config =
            Config::deserialize(toml::de::Deserializer::from(checked.document)).map_err(|e| {
                let place = toml_check::place_at(text, e.span().map_or(0, |s| s.start));
                invalid(Problem {
                    place,
                    message: e.message().trim().to_string(),
                    help: None,
                })
            })?;
        Settings::from_config(config, Some(path.to_path_buf()), places)
    }

    fn from_config(
        config: Config,
        path: Option<PathBuf>,
        places: Places,
    ) -> Result<Settings, ConfigError> {
        let file = path.clone().unwrap_or_else(|| PathBuf::from(FILE_NAME));
        let invalid = |key: &[&str], message: String, help: Option<String>| {
            let place = places
                .value(key)
                .unwrap_or(toml_check::Place { line: 1, column: 1 });
            ConfigError::Invalid {
                path: file.clone(),
                line: place.line,
                column: place.column,
                message,
                help,
            }
        };
        // An `aliases` key that names no section of its type would be ignored without a word,
        // since aliases are looked up by the section's name as written in `sections`.
        let unknown_alias_section = |name: &str, section: &str, sections: &[String]| {
            let key = ["types", name, "aliases", section];
            let place = places
                .key(&key)
                .or_else(|| places.value(&key))
                .unwrap_or(toml_check::Place { line: 1, column: 1 });
            let names: Vec<&str> = sections.iter().map(String::as_str).collect();
            let suggestion = match closest(section, &names) {
                Some(near) => format!("did you mean `{near}`? "),
                None => format!(
                    "the sections of `{name}` are {}. ",
                    names
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            ConfigError::Invalid {
                path: file.clone(),
                line: place.line,
                column: place.column,
                message: format!(
                    "`{section}` in `aliases` is not a section of the type `{name}`, so its other spellings are never used"
                ),
                help: Some(format!(
                    "{suggestion}Aliases are keyed by the section's name exactly as written in `sections`"
                )),
            }
        };
        let cadence = |value: &str, key: &[&str]| -> Result<Cadence, ConfigError> {
            value.parse::<Cadence>().map_err(|e| {
                let name = key.last().copied().unwrap_or_default();
                let what = match e {
                    CadenceError::Form(_) => format!(
                        "is not a period of time: {}",
                        super::dates::form_problem(value).label()
                    ),
                    CadenceError::Zero(_) => "is zero".to_string(),
                    CadenceError::TooLong { .. } => "is too long".to_string(),
                };
                invalid(key, format!("`{name}` {what}"), Some(e.to_string()))
            })
        };
        let review_every = cadence(&config.defaults.review_every, &["defaults", "review_every"])?;
        let due_soon = cadence(&config.lint.due_soon, &["lint", "due_soon"])?;
        if config.sops.id_prefix.is_empty()
            || !config
                .sops
                .id_prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric())
        {
            return Err(invalid(
                &["sops", "id_prefix"],
                format!(
                    "`id_prefix = \"{}\"` is not a valid id prefix",
                    config.sops.id_prefix
                ),
                Some("use letters and digits only, such as `SOP` or `CS`".into()),
            ));
        }
        if !(1..=9).contains(&config.sops.id_digits) {
            return Err(invalid(
                &["sops", "id_digits"],
                "`id_digits` must be between 1 and 9".into(),
                None,
            ));
        }
        let root = config.links.site_root.trim();
        if Path::new(root).is_absolute() && !root.starts_with('/')
            || root.split(['/', '\\']).any(|part| part == "..")
        {
            return Err(invalid(
                &["links", "site_root"],
                format!("`site_root = \"{root}\"` is not a folder inside the repository"),
                Some("give the folder the team's site is built from, relative to the repository, such as `site_root = \"docs\"` (leave it out for the repository's top folder)".into()),
            ));
        }
        let dir = config.sops.dir.trim();
        if dir.is_empty()
            || Path::new(dir).is_absolute()
            || dir.split(['/', '\\']).any(|part| part == "..")
        {
            return Err(invalid(
                &["sops", "dir"],
                format!("`dir = \"{dir}\"` is not a folder inside the repository"),
                Some("give a folder relative to the repository, such as `dir = \"sops\"`".into()),
            ));
        }
        let tag = &config.release.tag_format;
        if !tag.contains("{version}") || !tag.contains("{id}") {
            return Err(invalid(
                &["release", "tag_format"],
                "`tag_format` must contain both `{id}` and `{version}`, so that every release of every SOP has its own tag".into(),
                Some("for example `tag_format = \"{id}/v{version}\"`".into()),
            ));
        }
        if !is_valid_tag_name(
            &tag.replace("{id}", "SOP-0001")
                .replace("{version}", "1.0.0"),
        ) {
            return Err(invalid(
                &["release", "tag_format"],
                format!("`tag_format = \"{tag}\"` does not give valid git tag names"),
                Some("use letters, digits, `-`, `_`, `.` and `/` only, for example `tag_format = \"{id}/v{version}\"`".into()),
            ));
        }
        if !(1..=100).contains(&config.history.rename_similarity) {
            return Err(invalid(
                &["history", "rename_similarity"],
                format!(
                    "`rename_similarity = {}` is not a percentage between 1 and 100",
                    config.history.rename_similarity
                ),
                Some("git's default is 50: `rename_similarity = 50`".into()),
            ));
        }
        if let Some(url) = &config.site.pull_request_url
            && !url.contains("{number}")
        {
            return Err(invalid(
                &["site", "pull_request_url"],
                format!("`pull_request_url = \"{url}\"` has no `{{number}}` to put the pull request number in"),
                Some("for example `pull_request_url = \"https://github.com/org/repo/pull/{number}\"`".into()),
            ));
        }
        if !super::sop::is_language_tag(&config.site.language) {
            return Err(invalid(
                &["site", "language"],
                format!(
                    "`language = \"{}\"` is not a language tag",
                    config.site.language
                ),
                Some("write the language as a short code, such as `language = \"es\"` for Spanish or `language = \"pt-BR\"` for Brazilian Portuguese".into()),
            ));
        }
        let keys =
            super::keys::KeyNames::new(&config.front_matter.aliases, &config.front_matter.allow)
                .map_err(|e| {
                    invalid(
                        &["front_matter", "aliases", e.key()],
                        e.to_string(),
                        Some(e.help()),
                    )
                })?;
        let mut types = BTreeMap::new();
        for (name, description, sections) in BUILTIN_TYPES {
            types.insert(
                (*name).to_string(),
                SopType {
                    name: (*name).to_string(),
                    sections: sections.iter().map(|s| (*s).to_string()).collect(),
                    aliases: builtin_aliases(),
                    paths: None,
                    review_every: None,
                    builtin: true,
                    description: (*description).to_string(),
                },
            );
        }
        for (name, tc) in &config.types {
            let kebab = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !kebab {
                return Err(invalid(
                    &["types", name],
                    format!("`{name}` cannot be a type name"),
                    Some("type names use lowercase letters, digits and `-` only, such as `alert-runbook`".into()),
                ));
            }
            let entry = types.entry(name.clone()).or_insert_with(|| SopType {
                name: name.clone(),
                sections: Vec::new(),
                aliases: builtin_aliases(),
                paths: None,
                review_every: None,
                builtin: false,
                description: String::new(),
            });
            if let Some(sections) = &tc.sections {
                entry.sections.clone_from(sections);
            } else if !entry.builtin {
                return Err(invalid(
                    &["types", name],
                    format!("the new type `{name}` has no `sections`"),
                    Some(format!(
                        "list its required sections, for example `sections = [\"Purpose\", \"Steps\"]` under `[types.{name}]`"
                    )),
                ));
            }
            for (section, spellings) in &tc.aliases {
                if !entry.sections.contains(section) {
                    return Err(unknown_alias_section(name, section, &entry.sections));
                }
                entry
                    .aliases
                    .entry(section.clone())
                    .or_default()
                    .extend(spellings.iter().cloned());
            }
            if let Some(every) = &tc.review_every {
                entry.review_every = Some(cadence(every, &["types", name, "review_every"])?);
            }
            if let Some(description) = &tc.description {
                entry.description.clone_from(description);
            }
            if !tc.paths.is_empty() {
                entry.paths = Some(Patterns::new(&tc.paths, false).map_err(|e| {
                    invalid(
                        &["types", name, "paths"],
                        format!("`{}` is not a valid path pattern: {}", e.pattern, e.reason),
                        Some("patterns are written as in `.gitignore`, from the repository root, such as `sops/alerts/**`".into()),
                    )
                })?);
            }
        }
        let sops = &config.sops;
        for ext in &sops.extensions {
            let bare = ext.trim_start_matches('.').to_ascii_lowercase();
            if !files::MARKDOWN_EXTENSIONS.contains(&bare.as_str()) {
                return Err(invalid(
                    &["sops", "extensions"],
                    format!("`{ext}` in `extensions` is not a Markdown extension sop can read"),
                    Some(format!(
                        "use some of {}",
                        files::MARKDOWN_EXTENSIONS
                            .iter()
                            .map(|e| format!("`\"{e}\"`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ));
            }
        }
        if sops.extensions.is_empty() {
            return Err(invalid(
                &["sops", "extensions"],
                "`extensions` is empty, so no file could be an SOP".into(),
                Some("write `extensions = [\"md\"]`, or remove the line".into()),
            ));
        }
        let files = FileRules::new(&sops.dir, &sops.extensions, &sops.include, &sops.exclude)
            .map_err(|e| {
                let list = if sops.include.contains(&e.pattern) {
                    "include"
                } else {
                    "exclude"
                };
                invalid(
                    &["sops", list],
                    format!("`{}` is not a valid file pattern: {}", e.pattern, e.reason),
                    Some("patterns are written as in `.gitignore`, relative to `[sops] dir`, such as `drafts/` or `**/index.md`".into()),
                )
            })?;
        let ids = IdPattern::new(sops.id_pattern.as_deref(), &sops.id_prefix, sops.id_digits)
            .map_err(|e| {
                invalid(
                    &["sops", "id_pattern"],
                    format!("`id_pattern` cannot be used: {}", e.0),
                    Some("write the id with its number in parentheses, such as `id_pattern = \"GDI-SOP(\\\\d{4})\"`".into()),
                )
            })?;
        Ok(Settings {
            config,
            path,
            types,
            review_every,
            due_soon,
            places,
            files,
            ids,
            keys,
        })
    }

    /// The SOP folder's path relative to the repository root.
    pub fn sops_dir(&self) -> &str {
        self.config.sops.dir.trim_end_matches('/')
    }

    /// The type whose `paths` match `rel_path` (relative, `/`-separated), if any.
    pub fn type_for_path(&self, rel_path: &str) -> Option<&SopType> {
        self.types
            .values()
            .find(|t| t.paths.as_ref().is_some_and(|p| p.is_match(rel_path)))
    }

    /// The tag name of `id` at `version`.
    pub fn tag_name(&self, id: &str, version: &str) -> String {
        self.config
            .release
            .tag_format
            .replace("{id}", id)
            .replace("{version}", version)
    }

    /// The names of all types, sorted.
    pub fn type_names(&self) -> Vec<&str> {
        self.types.keys().map(String::as_str).collect()
    }
}

fn builtin_aliases() -> BTreeMap<String, Vec<String>> {
    BUILTIN_ALIASES
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_string(),
                v.iter().map(|s| (*s).to_string()).collect(),
            )
        })
        .collect()
}

/// The JSON Schema of `sop.toml`, derived from [`Config`]: what `sop schema sop-toml` prints
/// and what [`Settings::parse`] checks the file against.
pub fn schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Config)).unwrap_or(serde_json::Value::Null);
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".into(), "sop.toml".into());
        obj.insert(
            "description".into(),
            "The configuration of an SOP repository for `sop` (every key is optional).".into(),
        );
    }
    schema
}

/// Whether `name` is a tag name git accepts (the rules of `git check-ref-format`).
fn is_valid_tag_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['/', '.', '-'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && !name.contains("/.")
        && name != "@"
        && !name
            .chars()
            .any(|c| c.is_control() || " ~^:?*[\\".contains(c))
}

/// The known word closest to `word`, if one is close enough to be a typo.
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &k.to_lowercase()),
                *k,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        Settings::parse(text, Path::new("sop.toml"))
    }

    #[test]
    fn empty_file_gives_defaults() {
        let s = parse("").unwrap();
        assert_eq!(s.sops_dir(), "sops");
        assert_eq!(
            s.type_names(),
            ["checklist", "policy", "procedure", "runbook"]
        );
        assert_eq!(s.tag_name("SOP-0001", "1.2.0"), "SOP-0001/v1.2.0");
    }

    #[test]
    fn unknown_key_names_line_and_closest_key() {
        let err = parse("[sops]\ndir = \"sops\"\nid_prefx = \"CS\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("sop.toml:3:1: unknown key `id_prefx`"),
            "{msg}"
        );
        assert!(msg.contains("did you mean `id_prefix`?"), "{msg}");
    }

    #[test]
    fn types_can_be_changed_and_added() {
        let s = parse(
            "[types.runbook]\nreview_every = \"3 months\"\n[types.alert-runbook]\nsections = [\"Meaning\", \"Impact\"]\naliases = { \"Impact\" = [\"Effect\"] }\npaths = [\"sops/alerts/**\"]\n",
        )
        .unwrap();
        assert_eq!(
            s.types["runbook"].review_every.map(|c| c.to_string()),
            Some("3 months".into())
        );
        assert_eq!(s.types["alert-runbook"].sections, ["Meaning", "Impact"]);
        assert_eq!(
            s.type_for_path("sops/alerts/disk.md")
                .map(|t| t.name.as_str()),
            Some("alert-runbook")
        );
    }

    #[test]
    fn new_type_without_sections_is_an_error() {
        let err = parse("[types.memo]\npaths = [\"x/**\"]\n").unwrap_err();
        assert!(err.to_string().contains("has no `sections`"));
    }

    #[test]
    fn wrong_value_types_are_said_in_plain_words() {
        let err = parse("[sops]\nid_digits = \"four\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`id_digits` must be a whole number"), "{err}");
        let err = parse("[lint.severity]\nplaceholder-left = \"eror\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cannot be `eror`") && err.contains("did you mean `error`?"),
            "{err}"
        );
        assert!(!err.contains("variant"), "{err}");
    }

    #[test]
    fn folders_tags_and_type_names_are_checked() {
        assert!(parse("[sops]\ndir = \"../../etc\"\n").is_err());
        assert!(parse("[sops]\ndir = \"/etc\"\n").is_err());
        assert!(parse("[release]\ntag_format = \"v{version} bad\"\n").is_err());
        assert!(parse("[release]\ntag_format = \"v{version}\"\n").is_err());
        assert!(parse("[release]\ntag_format = \"sop/{id}-{version}\"\n").is_ok());
        assert!(parse("[types.\"../x\"]\nsections = [\"A\"]\n").is_err());
    }

    #[test]
    fn section_aliases_must_name_a_section_of_their_type() {
        let err = parse(
            "[types.procedure]\naliases = { \"Purpose\" = [\"目的\"], \"Roles and Responsibilites\" = [\"角色与职责\"] }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("sop.toml:2:"), "{err}");
        assert!(
            err.contains(
                "`Roles and Responsibilites` in `aliases` is not a section of the type `procedure`"
            ),
            "{err}"
        );
        assert!(
            err.contains("did you mean `Roles and Responsibilities`?"),
            "{err}"
        );
        assert!(err.contains("as written in `sections`"), "{err}");
        // The key in its own table is found at its own line.
        let err = parse("[types.procedure.aliases]\nPurpose = [\"Aim\"]\nScop = [\"Range\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("sop.toml:3:1:"), "{err}");
        assert!(err.contains("did you mean `Scope`?"), "{err}");
        // Nothing close: the type's sections are listed.
        let err = parse("[types.checklist]\naliases = { \"Zzz\" = [\"Q\"] }\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the sections of `checklist` are `Purpose`, `Checklist`"),
            "{err}"
        );
        // A section added in the same table can have aliases.
        let s = parse(
            "[types.checklist]\nsections = [\"Purpose\", \"Steps\"]\naliases = { \"Steps\" = [\"Stages\"] }\n",
        )
        .unwrap();
        assert_eq!(s.types["checklist"].aliases["Steps"], ["Stages"]);
    }

    #[test]
    fn front_matter_aliases_are_checked_with_their_line() {
        let s =
            parse("[front_matter]\nallow = [\"weight\"]\naliases = { owner = \"owner_slack\" }\n")
                .unwrap();
        assert_eq!(s.keys.written("owner"), "owner_slack");
        let err = parse("[front_matter]\nallow = []\naliases = { status = \"state\" }\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sop.toml:3:"), "{err}");
        assert!(err.contains("`status` cannot have another name"), "{err}");
        let err = parse("[front_matter.aliases]\nownr = \"owner_slack\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sop.toml:2:"), "{err}");
        assert!(err.contains("did you mean `owner"), "{err}");
    }

    #[test]
    fn bad_period_is_an_error_with_its_line() {
        let err = parse("[defaults]\nreview_every = \"yearly\"\n").unwrap_err();
        assert!(err.to_string().contains("sop.toml:2:"), "{err}");
    }

    fn error_at(text: &str) -> (usize, usize, String, String) {
        match parse(text) {
            Err(ConfigError::Invalid {
                line,
                column,
                message,
                help,
                ..
            }) => (line, column, message, help.unwrap_or_default()),
            other => panic!("expected an invalid file, got {other:?}"),
        }
    }

    #[test]
    fn a_value_is_reported_where_it_is_written_not_where_its_comment_is() {
        let text = "[sops]\n# dir = \"sops\"\n# id_prefix = \"SOP\"\ndir = \"procedures\"\nid_prefix = \"C-S\"\n";
        let (line, column, message, _) = error_at(text);
        assert_eq!((line, column), (5, 13), "{message}");
        assert!(message.contains("not a valid id prefix"), "{message}");
        let s =
            parse("[lint.severity]\n# link-broken = \"off\"\nlink-broken = \"warning\"\n").unwrap();
        assert_eq!(
            s.places
                .key(&["lint", "severity", "link-broken"])
                .map(|p| p.line),
            Some(3)
        );
    }

    #[test]
    fn unknown_keys_are_found_in_every_table_with_the_keys_allowed_there() {
        let (line, column, message, help) =
            error_at("[site]\ntitle = \"x\"\n\n[types.runbook]\nsectons = [\"A\"]\n");
        assert_eq!((line, column), (5, 1));
        assert_eq!(message, "unknown key `sectons`");
        assert_eq!(help, "did you mean `sections`?");
        let (line, _, message, help) = error_at("colour = \"red\"\n");
        assert_eq!((line, message.as_str()), (1, "unknown key `colour`"));
        assert!(
            help.starts_with("the keys allowed at the top of the file are `defaults`"),
            "{help}"
        );
    }

    #[test]
    fn the_site_language_is_english_unless_set_and_must_be_a_tag() {
        assert_eq!(parse("").unwrap().config.site.language, "en");
        let s = parse("[site]\nlanguage = \"pt-BR\"\n").unwrap();
        assert_eq!(s.config.site.language, "pt-BR");
        let (line, _, message, help) = error_at("[site]\ntitle = \"x\"\nlanguage = \"Spanish\"\n");
        assert_eq!(line, 3);
        assert_eq!(message, "`language = \"Spanish\"` is not a language tag");
        assert!(help.contains("`language = \"es\"`"), "{help}");
    }

    #[test]
    fn kinds_and_fixed_values_are_said_in_words_from_the_schema() {
        let (line, column, message, help) = error_at("[release]\nfour_eyes = \"yes\"\n");
        assert_eq!((line, column), (2, 13));
        assert_eq!(message, "`four_eyes` must be `true` or `false`");
        assert!(help.contains("Refuse a release"), "{help}");
        let (_, _, message, _) = error_at("[types.runbook]\npaths = [\"a/**\", 3]\n");
        assert_eq!(
            message,
            "each item of `paths` must be text in double quotes"
        );
        let (_, _, message, _) = error_at("[history]\nrename_similarity = 300\n");
        assert_eq!(
            message,
            "`rename_similarity` must be a whole number from 1 to 100"
        );
        let (_, _, message, help) = error_at("[site]\nattachment_warn_size = true\n");
        assert!(
            message.starts_with("`attachment_warn_size` must be a whole number"),
            "{message}"
        );
        assert!(help.contains("A size"), "{help}");
        let (_, _, message, _) = error_at("[site]\nattachment_warn_size = \"20 parsecs\"\n");
        assert!(message.contains("is not a size"), "{message}");
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let (line, _, message, help) = error_at("[site]\ntitle = \"a\"\ntitle = \"b\"\n");
        assert_eq!(line, 3, "{message}");
        assert_eq!(
            message,
            "`title` is set a second time: it is already set at line 2"
        );
        assert!(
            help.starts_with("keep one of the two `title = …` lines"),
            "{help}"
        );
        // The same key in another section is not the one it repeats.
        let (line, _, message, _) =
            error_at("[sops]\ndir = \"a\"\n[site]\ntitle = \"a\"\n[sops2]\n[site]\n");
        assert_eq!(line, 6, "{message}");
        assert_eq!(
            message,
            "the section `[site]` is written a second time: it is already at line 3"
        );
        let (line, _, message, help) = error_at("[site\n");
        assert_eq!(line, 1);
        assert!(
            message.starts_with("this line is not valid TOML"),
            "{message}"
        );
        assert!(help.contains("only once"), "{help}");
    }

    #[test]
    fn file_keys_are_checked_up_front() {
        let s = parse("[sops]\nextensions = [\"md\", \"md.erb\"]\nid_pattern = \"GDI-SOP(\\\\d{4})\"\nfile_names = \"any\"\n").unwrap();
        assert!(s.files.is_sop("sops/x.html.md.erb"));
        assert!(!s.files.is_sop("sops/README.md"));
        assert_eq!(s.config.sops.file_names, FileNames::Any);
        let err = parse("[sops]\nextensions = [\"txt\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sop.toml:2:") && err.contains("not a Markdown extension"),
            "{err}"
        );
        let err = parse("[sops]\n\ninclude = [\"a/**\", \"b{\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sop.toml:3:") && err.contains("`b{`"), "{err}");
        let err = parse("[sops]\nid_pattern = \"SOP-(\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sop.toml:2:") && err.contains("not a regular expression"),
            "{err}"
        );
    }
}
