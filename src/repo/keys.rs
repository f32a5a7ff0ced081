//! The front-matter keys: one table, [`KEYS`], that the parser ([`super::sop::Meta`]), the lint
//! checks, the key order of [`super::edit`], `sop lint --explain key-unknown` and the JSON schema
//! of the front matter all read; and [`KeyNames`], the table as one repository writes it, with
//! `[front_matter] aliases` (a team's own name for a key) and `allow` (the team's keys that `sop`
//! leaves alone) applied.
//!
//! An alias is read as its key everywhere; messages name the key as the file writes it.

use std::collections::BTreeMap;

use super::front_matter::{Field, FrontMatter};

/// What kind of value a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The SOP's id (`SOP-0001`).
    Id,
    /// The name of an SOP type.
    Type,
    /// `draft`, `review`, `approved` or `retired`.
    Status,
    /// A semantic version (`1.2.0`).
    Version,
    /// One line of text.
    Text,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A period of time (`12 months`).
    Period,
    /// A list of names or ids (or one).
    List,
}

impl Shape {
    /// Whether the key holds a list (else one value).
    pub fn is_list(self) -> bool {
        self == Shape::List
    }

    /// The value's form in words, for `sop lint --explain key-unknown`.
    pub fn words(self) -> &'static str {
        match self {
            Shape::Id => "id",
            Shape::Type => "type name",
            Shape::Status => "status",
            Shape::Version => "version 1.2.3",
            Shape::Text => "text",
            Shape::Date => "date YYYY-MM-DD",
            Shape::Period => "period (`12 months`)",
            Shape::List => "list",
        }
    }
}

/// One front-matter key of the SOP format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key's name.
    pub name: &'static str,
    /// What kind of value it holds.
    pub shape: Shape,
    /// Whether every SOP must have it.
    pub required: bool,
    /// Whether `[front_matter] aliases` may give it another name. The keys `sop` itself writes
    /// and checks by value (type, status, version, approvals, succession, translation) keep
    /// their names; `id` may have another one, for sites whose generator owns `id:`
    /// (Docusaurus's page id).
    pub aliasable: bool,
    /// One line: what it means.
    pub meaning: &'static str,
}

const fn key(
    name: &'static str,
    shape: Shape,
    required: bool,
    aliasable: bool,
    meaning: &'static str,
) -> Key {
    Key {
        name,
        shape,
        required,
        aliasable,
        meaning,
    }
}

/// Every front-matter key, in the order `sop new` writes them.
pub const KEYS: &[Key] = &[
    key(
        "id",
        Shape::Id,
        true,
        true,
        "The SOP's id, unique in the repository (the file name starts with it).",
    ),
    key(
        "title",
        Shape::Text,
        true,
        true,
        "The title, as readers see it.",
    ),
    key(
        "type",
        Shape::Type,
        true,
        false,
        "The SOP type: which sections it must have, in which order.",
    ),
    key(
        "status",
        Shape::Status,
        true,
        false,
        "Where it is in its life: `draft`, `review`, `approved` or `retired`.",
    ),
    key(
        "version",
        Shape::Version,
        true,
        false,
        "Its semantic version (`1.2.0`); `sop release` sets it.",
    ),
    key("owner", Shape::Text, true, true, "Who keeps it up to date."),
    key(
        "department",
        Shape::Text,
        true,
        true,
        "The department it belongs to.",
    ),
    key(
        "approvers",
        Shape::List,
        false,
        false,
        "Who approved this text (`sop release --approve` writes them).",
    ),
    key(
        "effective",
        Shape::Date,
        false,
        true,
        "The day it takes effect, `YYYY-MM-DD`.",
    ),
    key(
        "review_every",
        Shape::Period,
        false,
        true,
        "How often it is reviewed: `12 months`, `6 weeks`, `90 days`, `1 year`.",
    ),
    key(
        "next_review",
        Shape::Date,
        false,
        true,
        "The day of its next review, `YYYY-MM-DD` (else `last_reviewed` or `effective` plus `review_every`).",
    ),
    key(
        "last_reviewed",
        Shape::Date,
        false,
        true,
        "The day of its last review, `YYYY-MM-DD` (`sop review` sets it).",
    ),
    key(
        "tags",
        Shape::List,
        false,
        true,
        "Free tags, for the site's tag pages and filters.",
    ),
    key(
        "supersedes",
        Shape::List,
        false,
        false,
        "The ids of SOPs this one replaces.",
    ),
    key(
        "superseded_by",
        Shape::Text,
        false,
        false,
        "The id of the SOP that replaces this retired one.",
    ),
    key(
        "retired_reason",
        Shape::Text,
        false,
        false,
        "Why it was retired.",
    ),
    key(
        "language",
        Shape::Text,
        false,
        false,
        "The language of a translation (`es`, `pt-BR`).",
    ),
    key(
        "translation_of",
        Shape::Text,
        false,
        false,
        "On a translation: `<id>@<version>` of the source it translates.",
    ),
];

/// The key named `name` in the table.
pub fn spec(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// Why `[front_matter]` in `sop.toml` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyNameError {
    /// `aliases` names a key the SOP format does not have.
    #[error("`aliases` gives a name to `{key}`, which is not a front-matter key")]
    UnknownKey {
        /// The key as written on the left.
        key: String,
        /// The alias (the right side), to find the line.
        alias: String,
        /// The closest key, when one is close.
        suggestion: Option<&'static str>,
    },
    /// `aliases` renames a key `sop` writes or checks by value.
    #[error("the key `{key}` cannot have another name")]
    NotAliasable {
        /// The key.
        key: String,
        /// The alias given.
        alias: String,
    },
    /// The alias is the name of another key, or of two keys.
    #[error("`{alias}` cannot be the name of `{key}`: it is already {taken}")]
    AliasTaken {
        /// The key.
        key: String,
        /// The alias.
        alias: String,
        /// What the name already is, in words.
        taken: String,
    },
}

impl KeyNameError {
    /// How to fix it, for the `help:` line.
    pub fn help(&self) -> String {
        let aliasable = KEYS
            .iter()
            .filter(|k| k.aliasable)
            .map(|k| format!("`{}`", k.name))
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            KeyNameError::UnknownKey {
                suggestion: Some(best),
                alias,
                ..
            } => format!(
                "did you mean `{best} = \"{alias}\"`? The left side is sop's key, the right side the key your files use"
            ),
            KeyNameError::UnknownKey { .. } => {
                format!(
                    "the left side is sop's key, one of {aliasable}; the right side the key your files use"
                )
            }
            KeyNameError::NotAliasable { alias, .. } => format!(
                "only {aliasable} can have another name; list `{alias}` under `allow` if sop should just leave it alone"
            ),
            KeyNameError::AliasTaken { alias, .. } => {
                format!("give each key its own name, or remove the line with `\"{alias}\"`")
            }
        }
    }

    /// The key of `[front_matter] aliases` at fault (the left side), to find its line.
    pub fn key(&self) -> &str {
        match self {
            KeyNameError::UnknownKey { key, .. }
            | KeyNameError::NotAliasable { key, .. }
            | KeyNameError::AliasTaken { key, .. } => key,
        }
    }
}

/// The front-matter keys as one repository writes them: [`KEYS`] with the team's aliases, and
/// the team's own keys that `sop` leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyNames {
    /// Key name → the name the files use instead.
    aliases: BTreeMap<&'static str, String>,
    /// Keys `sop` does not know and does not report.
    allow: Vec<String>,
}

impl KeyNames {
    /// The names of `[front_matter]`: `aliases` maps a key to the team's name for it.
    ///
    /// # Errors
    /// [`KeyNameError`] for an alias of a key that does not exist or cannot be renamed, or a
    /// name that is already taken.
    pub fn new(
        aliases: &BTreeMap<String, String>,
        allow: &[String],
    ) -> Result<KeyNames, KeyNameError> {
        let mut names = KeyNames {
            aliases: BTreeMap::new(),
            allow: allow.to_vec(),
        };
        for (name, alias) in aliases {
            let alias = alias.trim().to_string();
            let Some(key) = spec(name) else {
                let all: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
                return Err(KeyNameError::UnknownKey {
                    key: name.clone(),
                    alias,
                    suggestion: super::config::closest(name, &all),
                });
            };
            if !key.aliasable {
                return Err(KeyNameError::NotAliasable {
                    key: name.clone(),
                    alias,
                });
            }
            if alias == key.name {
                continue;
            }
            let taken = if spec(&alias).is_some() {
                Some(format!("the key `{alias}`"))
            } else {
                names
                    .aliases
                    .iter()
                    .find(|(_, a)| **a == alias)
                    .map(|(other, _)| format!("the name of `{other}`"))
            };
            if let Some(taken) = taken {
                return Err(KeyNameError::AliasTaken {
                    key: name.clone(),
                    alias,
                    taken,
                });
            }
            names.aliases.insert(key.name, alias);
        }
        Ok(names)
    }

    /// The name the files use for the key `name`: its alias, else `name`.
    pub fn written<'a>(&'a self, name: &'a str) -> &'a str {
        self.aliases.get(name).map_or(name, String::as_str)
    }

    /// The alias of the key `name`, when it has one.
    pub fn alias(&self, name: &str) -> Option<&str> {
        self.aliases.get(name).map(String::as_str)
    }

    /// The table entry a key written as `written` stands for: the key itself or the key it is
    /// the alias of. None for the team's own keys, even one named as a key of `sop` whose
    /// own name the team keeps for another tool ([`KeyNames::kept_for_another_tool`]).
    pub fn key(&self, written: &str) -> Option<&'static Key> {
        if self.kept_for_another_tool(written) {
            return None;
        }
        spec(written).or_else(|| {
            self.aliases
                .iter()
                .find(|(_, a)| *a == written)
                .and_then(|(name, _)| spec(name))
        })
    }

    /// Whether the key `name` of `sop` is read only under its alias, its own name being the
    /// team's key for another tool: `aliases = { id = "sop_id" }` with `allow = ["id"]` (a
    /// Docusaurus page id). A key of `sop` listed in `allow` without an alias is still `sop`'s.
    pub fn kept_for_another_tool(&self, name: &str) -> bool {
        self.aliases.contains_key(name) && self.is_allowed(name)
    }

    /// Whether `written` is one of the team's keys that `sop` leaves alone.
    pub fn is_allowed(&self, written: &str) -> bool {
        self.allow.iter().any(|a| a == written)
    }

    /// The field that gives the key `name` in `fm`: the one under its alias, else the one under
    /// its own name (unless the team keeps that name for another tool, in `allow`).
    pub fn field<'f>(&self, fm: &'f FrontMatter, name: &str) -> Option<&'f Field> {
        self.alias(name)
            .and_then(|a| fm.get(a))
            .or_else(|| fm.get(name).filter(|_| !self.kept_for_another_tool(name)))
    }

    /// Every name a file may use: the keys, their aliases and the allowed keys (for "did you
    /// mean").
    pub fn all_names(&self) -> Vec<&str> {
        KEYS.iter()
            .map(|k| k.name)
            .chain(self.aliases.values().map(String::as_str))
            .chain(self.allow.iter().map(String::as_str))
            .collect()
    }

    /// The aliases, key name first.
    pub fn aliases(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.aliases.iter().map(|(k, a)| (*k, a.as_str()))
    }

    /// The allowed keys.
    pub fn allowed(&self) -> &[String] {
        &self.allow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::front_matter;

    fn names(pairs: &[(&str, &str)], allow: &[&str]) -> Result<KeyNames, KeyNameError> {
        let aliases = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        let allow: Vec<String> = allow.iter().map(|s| (*s).to_string()).collect();
        KeyNames::new(&aliases, &allow)
    }

    #[test]
    fn the_table_has_each_key_once_and_the_required_ones_first() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(
                KEYS[i + 1..].iter().all(|o| o.name != k.name),
                "{} twice",
                k.name
            );
            assert!(k.meaning.ends_with('.'), "{}", k.name);
        }
        let required: Vec<&str> = KEYS.iter().filter(|k| k.required).map(|k| k.name).collect();
        assert_eq!(
            required,
            [
                "id",
                "title",
                "type",
                "status",
                "version",
                "owner",
                "department"
            ]
        );
    }

    #[test]
    fn an_alias_is_read_as_its_key() {
        let n = names(
            &[
                ("owner", "owner_slack"),
                ("last_reviewed", "last_reviewed_on"),
            ],
            &["weight"],
        )
        .unwrap();
        assert_eq!(n.written("owner"), "owner_slack");
        assert_eq!(n.written("title"), "title");
        assert_eq!(n.key("owner_slack").map(|k| k.name), Some("owner"));
        assert_eq!(n.key("owner").map(|k| k.name), Some("owner"));
        assert_eq!(n.key("weight"), None);
        assert!(n.is_allowed("weight"));
        let text = "---\nowner: a\nowner_slack: \"#team\"\n---\n";
        let fm = front_matter::parse(text, front_matter::split(text).yaml.unwrap());
        let f = n.field(&fm, "owner").unwrap();
        assert_eq!(f.key, "owner_slack");
        assert!(n.all_names().contains(&"last_reviewed_on"));
    }

    #[test]
    fn a_site_generator_keeps_its_id_and_sop_reads_its_own_under_the_alias() {
        let n = names(&[("id", "sop_id")], &["id", "sidebar_position"]).unwrap();
        assert_eq!(n.written("id"), "sop_id");
        assert_eq!(n.key("sop_id").map(|k| k.name), Some("id"));
        // Docusaurus's `id:` is the team's key: no key of sop, never read as the SOP's id.
        assert_eq!(n.key("id"), None);
        assert!(n.is_allowed("id"));
        let text = "---\nid: refund-procedure\nsop_id: SOP-0002\n---\n";
        let fm = front_matter::parse(text, front_matter::split(text).yaml.unwrap());
        assert_eq!(n.field(&fm, "id").unwrap().key, "sop_id");
        let text = "---\nid: refund-procedure\n---\n";
        let fm = front_matter::parse(text, front_matter::split(text).yaml.unwrap());
        assert!(n.field(&fm, "id").is_none());
        // With an alias but without `allow`, `id:` is still read when the alias is absent.
        let n = names(&[("id", "sop_id")], &[]).unwrap();
        assert_eq!(n.field(&fm, "id").unwrap().key, "id");
    }

    #[test]
    fn a_key_of_sop_in_allow_without_an_alias_stays_sops() {
        // As before aliases of `id` existed: such an `allow` entry changes nothing.
        let n = names(&[], &["id", "tags"]).unwrap();
        assert_eq!(n.key("id").map(|k| k.name), Some("id"));
        assert!(!n.kept_for_another_tool("id"));
        let text = "---\nid: SOP-0001\n---\n";
        let fm = front_matter::parse(text, front_matter::split(text).yaml.unwrap());
        assert_eq!(n.field(&fm, "id").unwrap().key, "id");
    }

    #[test]
    fn bad_aliases_are_refused_with_help() {
        let e = names(&[("ownr", "owner_slack")], &[]).unwrap_err();
        assert!(matches!(
            e,
            KeyNameError::UnknownKey {
                suggestion: Some("owner"),
                ..
            }
        ));
        assert!(e.help().contains("did you mean `owner = \"owner_slack\"`"));
        assert_eq!(e.key(), "ownr");
        let e = names(&[("status", "state")], &[]).unwrap_err();
        assert!(matches!(e, KeyNameError::NotAliasable { .. }));
        assert!(e.to_string().contains("`status` cannot have another name"));
        let e = names(&[("owner", "title")], &[]).unwrap_err();
        assert!(matches!(e, KeyNameError::AliasTaken { .. }));
        let e = names(&[("owner", "who"), ("department", "who")], &[]).unwrap_err();
        assert!(e.to_string().contains("already the name of `department`"));
        assert!(names(&[("owner", "owner")], &[]).is_ok());
    }
}
