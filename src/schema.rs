//! JSON Schemas of `sop.toml` and of an SOP's front matter, for editors (the YAML and TOML
//! language servers) and for CI.
//!
//! `sop.toml`'s schema is derived from the types that read it ([`crate::repo::config::Config`]).
//! The front matter's is derived from [`FrontMatter`] below, one field per key of
//! [`crate::repo::front_matter::KNOWN_KEYS`], then given what the repository configures: the id
//! pattern and the SOP types, each with its sections in its description.

use schemars::JsonSchema;
use serde_json::{Value, json};

use crate::repo::Settings;

/// The schema of `sop.toml`.
pub fn sop_toml() -> Value {
    crate::repo::config::schema()
}

/// An SOP's front matter, as the schema describes it. Only for the schema: `sop` reads front
/// matter with its own parser, which keeps every value's place for messages.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct FrontMatter {
    /// The SOP's id, unique in the repository (the file name starts with it).
    id: String,
    /// The title, as readers see it.
    title: String,
    /// The SOP type: which sections it must have, in which order.
    #[serde(rename = "type")]
    sop_type: String,
    /// Where it is in its life: `draft`, `review`, `approved` or `retired`.
    status: Status,
    /// Its semantic version (`1.2.0`); `sop release` sets it.
    #[schemars(regex(
        pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
    ))]
    version: String,
    /// Who keeps it up to date.
    owner: String,
    /// The department it belongs to.
    department: String,
    /// Who approved this text (`sop release --approve` writes them).
    approvers: Option<OneOrMany>,
    /// The day it takes effect, `YYYY-MM-DD`.
    #[schemars(extend("format" = "date"))]
    effective: Option<String>,
    /// How often it is reviewed: `12 months`, `6 weeks`, `90 days`.
    review_every: Option<String>,
    /// The day of its next review, `YYYY-MM-DD` (else `last_reviewed` or `effective` plus
    /// `review_every`).
    #[schemars(extend("format" = "date"))]
    next_review: Option<String>,
    /// The day of its last review, `YYYY-MM-DD` (`sop review` sets it).
    #[schemars(extend("format" = "date"))]
    last_reviewed: Option<String>,
    /// Free tags, for the site's tag pages and filters.
    tags: Option<OneOrMany>,
    /// The ids of SOPs this one replaces.
    supersedes: Option<OneOrMany>,
    /// The id of the SOP that replaces this retired one.
    superseded_by: Option<String>,
    /// Why it was retired.
    retired_reason: Option<String>,
    /// The language of a translation (`es`, `pt-BR`).
    language: Option<String>,
    /// On a translation: `<id>@<version>` of the source it translates.
    translation_of: Option<String>,
}

/// Where an SOP is in its life.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Status {
    /// Being written.
    Draft,
    /// Waiting for approval.
    Review,
    /// In force.
    Approved,
    /// No longer in force.
    Retired,
}

/// One value, or a list of them.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum OneOrMany {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

/// The schema of an SOP's front matter in a repository with `settings`.
pub fn front_matter(settings: &Settings) -> Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(FrontMatter)).unwrap_or(Value::Null);
    let prefix = &settings.config.sops.id_prefix;
    let digits = settings.config.sops.id_digits;
    let types: Vec<Value> = settings
        .types
        .values()
        .map(|t| {
            let mut about = t.description.clone();
            if !t.sections.is_empty() {
                if !about.is_empty() {
                    about.push_str(". ");
                }
                about.push_str(&format!("Sections: {}.", t.sections.join(", ")));
            }
            json!({ "const": t.name, "description": about })
        })
        .collect();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".into(), json!("SOP front matter"));
        obj.insert(
            "description".into(),
            json!("The YAML front matter of an SOP file for `sop`."),
        );
    }
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        if let Some(id) = props.get_mut("id").and_then(Value::as_object_mut) {
            let pattern = if settings.ids.is_written() {
                format!("^(?:{})$", settings.ids.source())
            } else {
                format!("^{}-[0-9]{{{digits}}}$", regex_escape(prefix))
            };
            id.insert("pattern".into(), json!(pattern));
        }
        if let Some(t) = props.get_mut("type").and_then(Value::as_object_mut) {
            t.remove("type");
            t.insert("oneOf".into(), Value::Array(types));
        }
    }
    schema
}

/// `text` with the characters a regular expression gives meaning to escaped.
fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_matter_schema_knows_every_key_and_the_types() {
        let settings = Settings::load(None).unwrap();
        let schema = front_matter(&settings);
        let props = schema["properties"].as_object().unwrap();
        for key in crate::repo::front_matter::KNOWN_KEYS {
            assert!(props.contains_key(*key), "{key} is missing");
        }
        assert_eq!(props.len(), crate::repo::front_matter::KNOWN_KEYS.len());
        assert_eq!(schema["properties"]["id"]["pattern"], "^SOP-[0-9]{4}$");
        let types = schema["properties"]["type"]["oneOf"].as_array().unwrap();
        assert!(types.iter().any(|t| {
            t["const"] == "procedure"
                && t["description"]
                    .as_str()
                    .unwrap()
                    .contains("Sections: Purpose, Scope")
        }));
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn the_sop_toml_schema_refuses_unknown_keys() {
        let schema = sop_toml();
        assert_eq!(schema["additionalProperties"], false);
        assert!(schema["properties"]["history"].is_object());
    }
}
