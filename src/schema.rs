//! JSON Schemas of `sop.toml` and of an SOP's front matter, for editors (the YAML and TOML
//! language servers) and for CI.
//!
//! `sop.toml`'s schema is derived from the types that read it ([`crate::repo::config::Config`]).
//! The front matter's is built from the table of keys ([`KEYS`]) and what the repository
//! configures: the names of its keys, its id pattern and its SOP types.

use serde_json::{Map, Value, json};

use crate::repo::dates::{DATE_PATTERN, PERIOD_PATTERN};
use crate::repo::keys::{KEYS, Shape};
use crate::repo::{Settings, Status};

/// The schema of `sop.toml`.
pub fn sop_toml() -> Value {
    crate::repo::config::schema()
}

/// The schema of an SOP's front matter in a repository with `settings`: one property per key of
/// [`KEYS`], under the name the repository writes it (`[front_matter] aliases`), its allowed keys,
/// its id pattern and its types, each with its sections in its description.
pub fn front_matter(settings: &Settings) -> Value {
    let names = &settings.keys;
    let mut properties = Map::new();
    let mut required = Vec::new();
    for key in KEYS {
        let name = names.written(key.name);
        let mut property = match key.shape {
            Shape::Id => json!({
                "type": "string",
                "pattern": id_pattern(settings),
            }),
            Shape::Type => json!({ "oneOf": types(settings) }),
            Shape::Status => json!({ "$ref": "#/$defs/Status" }),
            Shape::Version => json!({ "type": "string", "pattern": SEMVER }),
            Shape::Text => json!({ "type": "string" }),
            Shape::Period => json!({ "type": "string", "pattern": PERIOD_PATTERN }),
            // Validators check `format` only when asked to: the pattern always holds.
            Shape::Date => json!({ "type": "string", "format": "date", "pattern": DATE_PATTERN }),
            Shape::List => json!({ "$ref": "#/$defs/OneOrMany" }),
        };
        if !key.required {
            property = optional(property);
        }
        let mut description = key.meaning.to_string();
        if name != key.name {
            description.push_str(&format!(
                " (sop's key `{}`, named `{name}` in this repository)",
                key.name
            ));
        }
        if let Some(obj) = property.as_object_mut() {
            obj.insert("description".into(), json!(description));
        }
        if key.required {
            required.push(json!(name));
        }
        properties.insert(name.to_string(), property);
    }
    for own in names.allowed() {
        properties.insert(
            own.clone(),
            json!({ "description": "This repository's own key, which sop leaves alone (`[front_matter] allow`)." }),
        );
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "SOP front matter",
        "description": "The YAML front matter of an SOP file for `sop`.",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "required": required,
        "$defs": {
            "OneOrMany": {
                "description": "One value, or a list of them.",
                "anyOf": [
                    { "description": "One.", "type": "string" },
                    { "description": "Several.", "type": "array", "items": { "type": "string" } }
                ]
            },
            "Status": {
                "description": "Where an SOP is in its life.",
                "oneOf": Status::ALL.iter().map(|s| json!({
                    "const": s.as_str(),
                    "description": status_meaning(*s),
                    "type": "string",
                })).collect::<Vec<_>>()
            }
        }
    })
}

/// A semantic version.
const SEMVER: &str =
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$";

/// `property`, or nothing (`null`).
fn optional(property: Value) -> Value {
    match property.get("type").cloned() {
        Some(Value::String(t)) => {
            let mut p = property;
            if let Some(obj) = p.as_object_mut() {
                obj.insert("type".into(), json!([t, "null"]));
            }
            p
        }
        _ => json!({ "anyOf": [property, { "type": "null" }] }),
    }
}

/// The id pattern of the repository.
fn id_pattern(settings: &Settings) -> String {
    if settings.ids.is_written() {
        return format!("^(?:{})$", settings.ids.source());
    }
    let prefix = &settings.config.sops.id_prefix;
    let digits = settings.config.sops.id_digits;
    format!("^{}-[0-9]{{{digits}}}$", regex_escape(prefix))
}

/// The repository's SOP types, each with its sections in its description.
fn types(settings: &Settings) -> Vec<Value> {
    settings
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
        .collect()
}

/// What a status means, in a few words.
fn status_meaning(status: Status) -> &'static str {
    match status {
        Status::Draft => "Being written.",
        Status::Review => "Waiting for approval.",
        Status::Approved => "In force.",
        Status::Retired => "No longer in force.",
    }
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
        for key in KEYS {
            assert!(props.contains_key(key.name), "{} is missing", key.name);
        }
        assert_eq!(props.len(), KEYS.len());
        assert_eq!(schema["required"].as_array().map(Vec::len), Some(7));
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
    fn the_front_matter_schema_names_keys_as_the_repository_writes_them() {
        let settings = Settings::parse(
            "[front_matter]\naliases = { owner = \"owner_slack\", review_every = \"review_in\" }\nallow = [\"weight\"]\n",
            std::path::Path::new("sop.toml"),
        )
        .unwrap();
        let schema = front_matter(&settings);
        let props = schema["properties"].as_object().unwrap();
        assert!(props.contains_key("owner_slack") && !props.contains_key("owner"));
        assert!(props.contains_key("review_in") && props.contains_key("weight"));
        assert!(
            schema["required"]
                .as_array()
                .unwrap()
                .contains(&json!("owner_slack"))
        );
        assert_eq!(props["review_in"]["type"], json!(["string", "null"]));
    }

    #[test]
    fn the_sop_toml_schema_refuses_unknown_keys() {
        let schema = sop_toml();
        assert_eq!(schema["additionalProperties"], false);
        assert!(schema["properties"]["history"].is_object());
    }
}
