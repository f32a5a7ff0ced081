//! `sop.toml` read with the place of every key, and checked against the schema of
//! [`super::config::Config`] before serde sees it.
//!
//! toml parses the file into a document whose keys and values keep their byte spans
//! ([`toml::de::DeTable`]). That document is walked next to the JSON Schema that schemars
//! derives from the configuration types (the same one `sop schema sop-toml` prints), so an
//! unknown key, a value of the wrong kind or a value outside a fixed list is reported at the
//! exact line and column, in words taken from the schema (the key's own description, the
//! allowed values, the closest known key), never from serde's wording. Every key's place is
//! kept in [`Places`] for later checks (a folder that leaves the repository, an unknown rule
//! in `[lint.severity]`) to point at the line that set it.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::source::SourceFile;

/// A 1-based line and column in `sop.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Where each key of `sop.toml` and its value are, by key path (`["sops", "dir"]`).
#[derive(Debug, Clone, Default)]
pub struct Places {
    keys: BTreeMap<Vec<String>, (Place, Place)>,
}

impl Places {
    /// The place of the value of `path`, if the file sets it.
    pub fn value(&self, path: &[&str]) -> Option<Place> {
        self.find(path).map(|(_, value)| value)
    }

    /// The place of the key of `path`, if the file sets it.
    pub fn key(&self, path: &[&str]) -> Option<Place> {
        self.find(path).map(|(key, _)| key)
    }

    fn find(&self, path: &[&str]) -> Option<(Place, Place)> {
        let path: Vec<String> = path.iter().map(|s| (*s).to_string()).collect();
        self.keys.get(&path).copied()
    }
}

/// One thing wrong with the file, in a writer's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub place: Place,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// The parsed file: its document for serde and the place of every key.
pub struct Checked<'i> {
    /// The document, for [`toml::de::Deserializer::from`].
    pub document: Spanned<DeTable<'i>>,
    /// Where every key is.
    pub places: Places,
}

/// A section header or a key written a second time (TOML's "duplicate key" at `place`): where
/// it was first, and what to do with the two.
fn written_twice(text: &str, place: Place) -> Option<Problem> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(place.line.checked_sub(1)?)?.trim();
    let earlier = &lines[..place.line - 1];
    if here.starts_with('[') {
        let first = earlier.iter().position(|l| l.trim() == here)? + 1;
        return Some(Problem {
            place,
            message: format!(
                "the section `{here}` is written a second time: it is already at line {first}"
            ),
            help: Some(format!(
                "move the settings below this line into the `{here}` section at line {first}, and delete this `{here}` line"
            )),
        });
    }
    let key = here.split_once('=')?.0.trim();
    // The first line of the same section that sets the key.
    let section_start = earlier
        .iter()
        .rposition(|l| l.trim_start().starts_with('['))
        .map_or(0, |i| i + 1);
    let first = earlier[section_start..]
        .iter()
        .position(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == key))?
        + section_start
        + 1;
    Some(Problem {
        place,
        message: format!("`{key}` is set a second time: it is already set at line {first}"),
        help: Some(format!(
            "keep one of the two `{key} = …` lines (at line {first} and here) and delete the other"
        )),
    })
}

/// Parse `text` and check it against `schema`; the first problem in file order is returned.
///
/// # Errors
/// A [`Problem`] for a TOML syntax error, an unknown key or a value the schema does not allow.
pub fn check<'i>(text: &'i str, schema: &Value) -> Result<Checked<'i>, Problem> {
    let source = SourceFile::new(text.to_string());
    let at = |offset: usize| place(&source, offset);
    let document = DeTable::parse(text).map_err(|e| {
        let place = at(e.span().map_or(0, |s| s.start));
        if e.message().starts_with("duplicate key")
            && let Some(problem) = written_twice(text, place)
        {
            return problem;
        }
        Problem {
            place,
            message: format!("this line is not valid TOML: {}", first_line(e.message())),
            help: Some(
                "write settings as `key = value`, with text in double quotes, under a `[section]` line; a key may be set only once per section"
                    .into(),
            ),
        }
    })?;
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut walk = Walk {
        defs: &defs,
        at: &at,
        places: Places::default(),
        problems: Vec::new(),
    };
    walk.table(document.get_ref(), schema, &mut Vec::new());
    let Walk {
        places, problems, ..
    } = walk;
    match problems
        .into_iter()
        .min_by_key(|p| (p.place.line, p.place.column))
    {
        Some(problem) => Err(problem),
        None => Ok(Checked { document, places }),
    }
}

/// The place of byte `offset` of `text`.
pub fn place_at(text: &str, offset: usize) -> Place {
    place(&SourceFile::new(text.to_string()), offset)
}

fn place(source: &SourceFile, offset: usize) -> Place {
    let lc = source.line_col(offset);
    Place {
        line: lc.line,
        column: lc.column,
    }
}

fn first_line(message: &str) -> &str {
    message.trim().lines().next().unwrap_or_default().trim()
}

struct Walk<'s, 'f> {
    defs: &'s Map<String, Value>,
    at: &'f dyn Fn(usize) -> Place,
    places: Places,
    problems: Vec<Problem>,
}

impl<'s> Walk<'s, '_> {
    /// `schema` with its `$ref` followed.
    fn resolve(&self, schema: &'s Value) -> &'s Value {
        let mut schema = schema;
        for _ in 0..8 {
            let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            else {
                break;
            };
            match self.defs.get(name) {
                Some(def) => schema = def,
                None => break,
            }
        }
        schema
    }

    fn table(&mut self, table: &DeTable<'_>, schema: &'s Value, path: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        for (key, value) in table {
            let name = key.get_ref().to_string();
            path.push(name.clone());
            self.places.keys.insert(
                path.clone(),
                ((self.at)(key.span().start), (self.at)(value.span().start)),
            );
            let child = properties.and_then(|p| p.get(&name)).or(match additional {
                Some(Value::Bool(false)) => None,
                Some(Value::Bool(true)) | None => Some(&Value::Bool(true)),
                Some(other) => Some(other),
            });
            match child {
                Some(child) => self.value(value, child, path),
                None => {
                    let known: Vec<&str> = properties
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    self.unknown_key(&name, key.span(), &known, path);
                }
            }
            path.pop();
        }
    }

    fn unknown_key(&mut self, name: &str, span: Range<usize>, known: &[&str], path: &[String]) {
        let section = match &path[..path.len().saturating_sub(1)] {
            [] => "at the top of the file".to_string(),
            parent => format!("in `[{}]`", parent.join(".")),
        };
        let help = super::config::closest(name, known)
            .map(|best| format!("did you mean `{best}`?"))
            .or_else(|| {
                (!known.is_empty())
                    .then(|| format!("the keys allowed {section} are {}", list(known)))
            });
        self.problems.push(Problem {
            place: (self.at)(span.start),
            message: format!("unknown key `{name}`"),
            help,
        });
    }

    fn value(&mut self, value: &Spanned<DeValue<'_>>, schema: &'s Value, path: &mut Vec<String>) {
        let about = description(schema);
        let schema = self.resolve(schema);
        if schema == &Value::Bool(true) {
            return;
        }
        if schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .is_some()
        {
            let mut branches = Vec::new();
            self.leaves(schema, &mut branches);
            self.choice(value, schema, &branches, path);
            return;
        }
        if let Some(constant) = schema.get("const") {
            if !same(value.get_ref(), constant) {
                self.not_allowed(value, &[constant], &[], path);
            }
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.iter().any(|a| same(value.get_ref(), a)) {
                let allowed: Vec<&Value> = allowed.iter().collect();
                self.not_allowed(value, &allowed, &[], path);
            }
            return;
        }
        if !kind_fits(value.get_ref(), schema) {
            self.wrong_kind(value, schema, about, path);
            return;
        }
        match value.get_ref() {
            DeValue::Table(table) => self.table(table, schema, path),
            DeValue::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    path.push(ITEM.into());
                    for item in items.iter() {
                        self.value(item, item_schema, path);
                    }
                    path.pop();
                }
            }
            DeValue::Integer(n) => self.range(value.span(), integer(n), schema, path),
            _ => {}
        }
    }

    /// A value that must match one of several schemas.
    fn choice(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        schema: &'s Value,
        branches: &[&'s Value],
        path: &mut Vec<String>,
    ) {
        let mut first_fitting = None;
        for branch in branches {
            let mut trial = Walk {
                defs: self.defs,
                at: self.at,
                places: Places::default(),
                problems: Vec::new(),
            };
            trial.value(value, branch, path);
            if trial.problems.is_empty() {
                self.places.keys.extend(trial.places.keys);
                return;
            }
            let resolved = trial.resolve(branch);
            if first_fitting.is_none()
                && resolved.get("type").is_some()
                && resolved.get("const").is_none()
                && kind_fits(value.get_ref(), resolved)
            {
                first_fitting = Some(trial.problems);
            }
        }
        let constants: Vec<&Value> = branches
            .iter()
            .filter_map(|b| self.resolve(b).get("const"))
            .collect();
        if let Some(problems) = first_fitting {
            self.problems.extend(problems);
        } else if !constants.is_empty() && constants.iter().any(|c| same_kind(value.get_ref(), c)) {
            let mut others = Vec::new();
            for branch in branches {
                if self.resolve(branch).get("const").is_none() {
                    self.kinds(branch, &mut others);
                }
            }
            self.not_allowed(value, &constants, &others, path);
        } else {
            self.wrong_kind(value, schema, description(schema), path);
        }
    }

    /// The alternatives of `schema`, nested `anyOf`/`oneOf` flattened and `null` left out
    /// (TOML has no null: a key that is not written is the absent value).
    fn leaves(&self, schema: &'s Value, out: &mut Vec<&'s Value>) {
        let schema = self.resolve(schema);
        match schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            Some(branches) => {
                for branch in branches {
                    self.leaves(branch, out);
                }
            }
            None if schema.get("type").and_then(Value::as_str) == Some("null") => {}
            None => out.push(schema),
        }
    }

    fn range(&mut self, span: Range<usize>, n: Option<i128>, schema: &Value, path: &[String]) {
        let Some(n) = n else {
            return;
        };
        let min = schema.get("minimum").and_then(Value::as_i64);
        let max = schema.get("maximum").and_then(Value::as_i64);
        let too_small = min.is_some_and(|m| n < i128::from(m));
        let too_big = max.is_some_and(|m| n > i128::from(m));
        if too_small || too_big {
            let bounds = match (min, max) {
                (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                (Some(lo), None) => format!("of at least {lo}"),
                (None, Some(hi)) => format!("of at most {hi}"),
                (None, None) => String::new(),
            };
            self.problems.push(Problem {
                place: (self.at)(span.start),
                message: format!("{} must be a whole number {bounds}", name_of(path)),
                help: description(schema),
            });
        }
    }

    /// A value outside a fixed list (`allowed`), where `others` are the other kinds of value
    /// the key takes, in words.
    fn not_allowed(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        allowed: &[&Value],
        others: &[&str],
        path: &[String],
    ) {
        let given = written(value.get_ref());
        let names: Vec<String> = allowed.iter().map(|v| plain(v)).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut list = list(&refs);
        for other in others {
            list = format!("{list}, or {other}");
        }
        let quoted_number = matches!(value.get_ref(), DeValue::String(t) if t.trim().parse::<i64>().is_ok())
            && others.iter().any(|o| o.starts_with("a whole number"));
        let help = match super::config::closest(&given, &refs) {
            _ if quoted_number => format!(
                "write the number without quotes: `{} = {}`",
                path.last().map_or("", String::as_str),
                given.trim()
            ),
            Some(best) => format!("did you mean `{best}`? The allowed values are {list}"),
            None => format!("the allowed values are {list}"),
        };
        self.problems.push(Problem {
            place: (self.at)(value.span().start),
            message: format!("{} cannot be `{given}`", name_of(path)),
            help: Some(help),
        });
    }

    fn wrong_kind(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        schema: &'s Value,
        about: Option<String>,
        path: &[String],
    ) {
        let mut wanted: Vec<&str> = Vec::new();
        self.kinds(schema, &mut wanted);
        wanted.dedup();
        let wanted = match wanted.as_slice() {
            [] => "a different kind of value".to_string(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{}, or {last}", init.join(", ")),
        };
        let key = path.last().map_or("", String::as_str);
        let wanted = wanted.replace("NAME", &path.join("."));
        let help = match (unquoted(value.get_ref(), schema), default_of(key, schema)) {
            (Some(bare), _) => Some(format!("write it without quotes: `{key} = {bare}`")),
            (None, Some(example)) => Some(match about {
                Some(about) => format!("{about} For example `{example}`."),
                None => format!("for example `{example}`"),
            }),
            (None, None) => about.or_else(|| {
                Some(format!(
                    "see the comments in a fresh `{}` from `sop init` for what each key takes",
                    super::config::FILE_NAME
                ))
            }),
        };
        self.problems.push(Problem {
            place: (self.at)(value.span().start),
            message: format!("{} must be {wanted}", name_of(path)),
            help,
        });
    }

    /// The kinds of value `schema` takes, in words.
    fn kinds(&self, schema: &'s Value, out: &mut Vec<&'static str>) {
        let schema = self.resolve(schema);
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            for branch in branches {
                self.kinds(branch, out);
            }
            return;
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for t in types {
            let words = match t {
                "integer" => "a whole number without quotes, such as `4`",
                "number" => "a number without quotes, such as `1.5`",
                "string" => "text in double quotes",
                "boolean" => "`true` or `false`",
                "array" => "a list in square brackets, such as `[\"a\", \"b\"]`",
                "object" => "a section of keys: a `[NAME]` line with `key = value` lines below it",
                _ => continue,
            };
            if !out.contains(&words) {
                out.push(words);
            }
        }
    }
}

/// A text value that would be right without its quotes (`"4"` for a number, `"true"`).
fn unquoted(value: &DeValue<'_>, schema: &Value) -> Option<String> {
    let DeValue::String(text) = value else {
        return None;
    };
    let text = text.trim();
    let kinds: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let fits = (kinds.contains(&"integer") && text.parse::<i64>().is_ok())
        || (kinds.contains(&"boolean") && matches!(text, "true" | "false"));
    fits.then(|| text.to_string())
}

/// `key = <its default>` as TOML, when the schema gives a plain default.
fn default_of(key: &str, schema: &Value) -> Option<String> {
    let value = match schema.get("default")? {
        Value::String(s) if !s.is_empty() => format!("\"{s}\""),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    Some(format!("{key} = {value}"))
}

/// Whether `value` is of a kind `schema`'s `type` allows (true when it names none).
fn kind_fits(value: &DeValue<'_>, schema: &Value) -> bool {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return true,
    };
    types.iter().any(|t| {
        matches!(
            (*t, value),
            ("string", DeValue::String(_))
                | ("integer", DeValue::Integer(_))
                | ("number", DeValue::Integer(_) | DeValue::Float(_))
                | ("boolean", DeValue::Boolean(_))
                | ("array", DeValue::Array(_))
                | ("object", DeValue::Table(_))
        )
    })
}

fn same_kind(value: &DeValue<'_>, expected: &Value) -> bool {
    matches!(
        (value, expected),
        (DeValue::String(_), Value::String(_))
            | (DeValue::Boolean(_), Value::Bool(_))
            | (DeValue::Integer(_), Value::Number(_))
    )
}

fn same(value: &DeValue<'_>, expected: &Value) -> bool {
    match (value, expected) {
        (DeValue::String(s), Value::String(e)) => s.as_ref() == e,
        (DeValue::Boolean(b), Value::Bool(e)) => b == e,
        (DeValue::Integer(n), Value::Number(e)) => {
            integer(n).is_some_and(|n| e.as_i64().map(i128::from) == Some(n))
        }
        _ => false,
    }
}

/// A value as the writer wrote it, for messages.
fn written(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(n) => n.to_string(),
        DeValue::Float(n) => n.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a section".into(),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The path element of a list's items.
const ITEM: &str = "[]";

/// The key a message is about: `` `id_digits` ``, or an item of a list.
fn name_of(path: &[String]) -> String {
    match path {
        [.., list, item] if item == ITEM => format!("each item of `{list}`"),
        [.., key] => format!("`{key}`"),
        [] => "the file".into(),
    }
}

fn integer(n: &toml::de::DeInteger<'_>) -> Option<i128> {
    i128::from_str_radix(n.as_str(), n.radix()).ok()
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
