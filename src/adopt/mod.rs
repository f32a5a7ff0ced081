//! Bringing documents a team already has under `sop`: `sop adopt` writes the front matter of
//! existing Markdown files ([`plan`]), `sop import` turns Word, HTML and Markdown documents into
//! new SOPs ([`import`]).
//!
//! [`plan`] decides, for one file, which keys to add and where each value comes from; it reads
//! nothing itself (the command gathers git history and `CODEOWNERS` first), so every decision
//! is testable on text. Existing keys and the body are kept byte for byte: keys are added with
//! [`crate::repo::edit::set_keys`], and the only other changes are removing a first `# Title`
//! heading that is exactly the title (the site shows the title from the front matter), and an
//! `author:` that names one person, who becomes the `owner:`. A file the team marks as
//! unpublished (`draft: true`) stays a draft whatever `--status` says. [`settings`] adds what
//! the adopted files need to `sop.toml`.

pub mod codeowners;
pub mod import;
pub mod parts;
pub mod settings;

use crate::lint::registry as rules;
use crate::repo::edit::{self, NewValue};
use crate::repo::front_matter::{Field, FrontMatter, Value};
use crate::repo::sop::id_number;
use crate::repo::{Settings, Sop};

/// Where the owner comes from (`--owner-from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFrom {
    /// `CODEOWNERS`, else the most frequent git author.
    Either,
    /// Only the most frequent git author.
    Git,
    /// Only `CODEOWNERS`.
    CodeOwners,
}

/// What the command found out about one file before planning.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The id to give the file when it has none (allocated by the command).
    pub new_id: Option<String>,
    /// Dates of the first and the last commit that changed the file, `YYYY-MM-DD`.
    pub first_commit: Option<String>,
    /// See `first_commit`.
    pub last_commit: Option<String>,
    /// The author of most commits of the file (the most recent of those tied).
    pub top_author: Option<String>,
    /// The owners `CODEOWNERS` gives the file, and the file's path, for the summary.
    pub code_owners: Option<(Vec<String>, String)>,
    /// The page's title in the site's navigation (MkDocs' `nav:`), when it has one.
    pub nav_title: Option<String>,
}

/// The command line's choices.
#[derive(Debug, Clone)]
pub struct Choices {
    /// `--status`.
    pub status: String,
    /// `--owner-from`.
    pub owner_from: OwnerFrom,
    /// `--department`.
    pub department: Option<String>,
    /// `--approver`: who approved the documents as they are (with `--status approved`).
    pub approvers: Vec<String>,
}

/// One key written, with where its value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The key.
    pub key: &'static str,
    /// The value.
    pub value: String,
    /// Where it came from, in words ("from the `# ` heading").
    pub source: String,
}

/// What adopting one file does.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The keys added.
    pub written: Vec<Written>,
    /// What could not be decided, each as an instruction ("set `owner:` …").
    pub undecided: Vec<ToDo>,
    /// The heading removed because it repeated the title: its line and text.
    pub removed_heading: Option<(usize, String)>,
    /// The document's own key whose one value became a key of sop's and was removed (its
    /// line and name): `author: Maria Lopez` became `owner: Maria Lopez`.
    pub moved_key: Option<(usize, String)>,
    /// The first `# ` heading kept although its text gave the title, because it holds more
    /// than the title (a link, emphasis, an `{#anchor}`): its line and source text.
    pub kept_heading: Option<(usize, String)>,
    /// The file's new text (the old one when nothing changes).
    pub text: String,
}

impl Plan {
    /// Whether the file changes.
    pub fn changes(&self) -> bool {
        !self.written.is_empty() || self.removed_heading.is_some() || self.moved_key.is_some()
    }
}

/// The people a document's own `author:` or `authors:` names (Hugo's and Jekyll's keys: one
/// name or a list of them, each a name or, as jekyll-seo-tag writes it, a map with `name:`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Author {
    /// The key as written.
    key: String,
    /// Its line in the file.
    line: usize,
    /// Everyone named (at least one); the first is the owner.
    names: Vec<String>,
    /// Whether a name came from a map's `name:` (the map says more, such as an `email:`, so
    /// the key is kept).
    from_map: bool,
}

impl Author {
    /// Where the owner came from, for the summary.
    fn source(&self) -> String {
        if self.names.len() > 1 {
            format!(
                "from its `{}:` (it names {}; the first is taken)",
                self.key,
                self.names.join(", ")
            )
        } else if self.from_map {
            format!("from the `name:` in its `{}:`", self.key)
        } else {
            format!("from its `{}:`", self.key)
        }
    }
}

/// The `name:` of the map at `span` in `text` (`{name: Lena Fischer}`, or the indented
/// `name:` and `email:` lines under a key), when it gives one as text.
fn name_in_map(text: &str, span: crate::repo::Span) -> Option<String> {
    let line_start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    // The map read alone, at the column it is written at (its indent is part of the YAML).
    let column = text.get(line_start..span.start)?.chars().count();
    let yaml = format!(
        "{}{}\n",
        " ".repeat(column),
        text.get(span.start..span.end)?
    );
    let map = crate::repo::front_matter::parse(&yaml, crate::repo::Span::new(0, yaml.len()));
    if !map.problems.is_empty() {
        return None;
    }
    let name = map.get("name")?;
    match &name.value {
        Value::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    }
}

/// The people `sop`'s front matter names in `author:` (else `authors:`), when that is not a key
/// of sop's own under the team's names.
fn document_author(settings: &Settings, sop: &Sop) -> Option<Author> {
    let fm = sop.front_matter.as_ref()?;
    ["author", "authors"].iter().find_map(|key| {
        if settings.keys.key(key).is_some() {
            return None;
        }
        let field = fm.get(key)?;
        let text = sop.source.text();
        let (names, from_map): (Vec<String>, bool) = match &field.value {
            Value::Mapping => (
                name_in_map(text, field.value_span).into_iter().collect(),
                true,
            ),
            Value::List(items) if items.iter().any(|i| i.text.is_none()) => (
                items
                    .iter()
                    .filter_map(|i| match &i.text {
                        Some(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
                        None => name_in_map(text, i.span),
                    })
                    .collect(),
                true,
            ),
            _ => (
                field.texts().into_iter().map(|(name, _)| name).collect(),
                false,
            ),
        };
        (!names.is_empty()).then(|| Author {
            key: field.key.clone(),
            line: sop.source.line_col(field.key_span.start).line,
            names,
            from_map,
        })
    })
}

/// Something only the team can decide, as an instruction ("set `owner:` …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToDo {
    /// The instruction.
    pub text: String,
    /// The rule `sop lint` reports it under until it is done (`key-missing`), if any.
    pub rule: Option<&'static str>,
}

impl ToDo {
    fn new(rule: Option<&'static str>, text: String) -> ToDo {
        ToDo { text, rule }
    }
}

impl std::fmt::Display for ToDo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a file cannot be adopted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The front matter does not parse (or is never closed).
    #[error("{0}")]
    FrontMatter(String),
}

/// The keys an adopted SOP needs, in the order they are decided.
const REQUIRED: &[&str] = &[
    "id",
    "title",
    "type",
    "status",
    "version",
    "owner",
    "department",
];

/// The field the team uses for `key` in `fm`: the key itself. This is the one place that
/// answers "which key is the owner here", so a team's own name for a key (`owner_slack`)
/// counts as that key once `sop.toml` can say so.
pub fn key_field<'f>(settings: &Settings, fm: &'f FrontMatter, key: &str) -> Option<&'f Field> {
    fm.get(settings.keys.written(key))
}

/// Whether `fm` gives `key` a value (an empty `key:` does not).
fn has(settings: &Settings, fm: Option<&FrontMatter>, key: &str) -> bool {
    fm.and_then(|fm| key_field(settings, fm, key))
        .is_some_and(|f| match &f.value {
            Value::Null => false,
            Value::Text(t) => !t.trim().is_empty(),
            Value::List(_) | Value::Mapping => true,
        })
}

/// Whether `sop` already has every key adoption writes: such a file is left alone.
pub fn is_adopted(settings: &Settings, sop: &Sop) -> bool {
    sop.front_matter.is_some()
        && REQUIRED
            .iter()
            .all(|k| has(settings, sop.front_matter.as_ref(), k))
}

/// Whether adopting `sop` gives it a new id: it has none in its front matter or file name.
pub fn needs_id(settings: &Settings, sop: &Sop) -> bool {
    !is_adopted(settings, sop)
        && !has(settings, sop.front_matter.as_ref(), "id")
        && sop.file_name.id.is_none()
        && kept_id(settings, sop.front_matter.as_ref()).is_none()
}

/// When `sop`'s id has another name and `id:` is kept for another tool (a Docusaurus page
/// id), an `id:` of this repository's form: the id the document already has, carried over.
fn kept_id(settings: &Settings, fm: Option<&FrontMatter>) -> Option<String> {
    if !settings.keys.kept_for_another_tool("id") {
        return None;
    }
    match &fm?.get("id")?.value {
        Value::Text(t) if id_number(t.trim(), &settings.ids).is_some() => {
            Some(t.trim().to_string())
        }
        _ => None,
    }
}

/// Plan the adoption of `sop`.
///
/// # Errors
/// [`Refusal`] when its front matter cannot be read, so keys cannot be added safely.
pub fn plan(
    settings: &Settings,
    sop: &Sop,
    facts: &Facts,
    choices: &Choices,
) -> Result<Plan, Refusal> {
    let text = sop.source.text();
    if sop.split.unclosed.is_some() {
        return Err(Refusal::FrontMatter(
            "its front matter is never closed: add a line with only `---` after the last `key: value` line".into(),
        ));
    }
    if text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .map(str::trim_end)
        == Some("+++")
    {
        return Err(Refusal::FrontMatter(
            "its front matter is TOML (between `+++` lines), and sop reads YAML front matter between `---` lines: convert it to YAML (for example with `hugo convert toYAML`, or by hand), then run `sop adopt` again".into(),
        ));
    }
    let fm = sop.front_matter.as_ref();
    if let Some(p) = fm.and_then(|f| f.problems.first()) {
        let line = sop.source.line_col(p.span.start).line;
        return Err(Refusal::FrontMatter(format!(
            "its front matter is not valid YAML at line {line} ({}): correct it, then run `sop adopt` again",
            p.detail
        )));
    }
    let mut out = Plan {
        text: text.to_string(),
        ..Plan::default()
    };
    let has = |key: &str| has(settings, fm, key);
    if let Some(id) = fm
        .and_then(|f| key_field(settings, f, "id"))
        .and_then(|f| match &f.value {
            Value::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        })
        && id_number(id, &settings.ids).is_none()
    {
        let key = settings.keys.written("id");
        // Under its own name, `id:` may be a site generator's page id rather than a wrong one.
        let generator = if key == "id" {
            "; if it is your site generator's own page id (Docusaurus reads `id:`), keep it and give sop's id another key: under `[front_matter]` in sop.toml, write `aliases = { id = \"sop_id\" }` (or add `id = \"sop_id\"` to the `aliases` you have) and add `\"id\"` to `allow`, then run `sop adopt` again"
        } else {
            ""
        };
        out.undecided.push(ToDo::new(Some(rules::ID_INVALID.id), format!(
            "`{key}: {id}` in {} is not an id of this repository's form {}, so the page is never published: remove the `{key}:` line so `sop adopt` gives it the next free id, or set `[sops] id_pattern` in sop.toml to the form of your ids{generator}",
            sop.path,
            settings.ids.shape()
        )));
    }
    if is_adopted(settings, sop) {
        return Ok(out);
    }
    // A formal document's own table of details under its title (`| Owner | ... |`): read, never
    // removed, since adoption keeps the body as it is.
    let table = import::take_metadata(text.get(sop.split.body.start..).unwrap_or_default()).1;
    let from_table = |key: &str| {
        let value = table.get(key)?;
        match key {
            "effective" | "last_reviewed" | "next_review" => import::iso_date(value),
            "version" => import::semver(value),
            _ => Some(value.to_string()),
        }
    };
    const TABLE: &str = "from the document's own table of details";
    // A date the table writes in a form that cannot be read for sure (`03/04/2025`) is not
    // guessed, nor replaced by a date from git: the writer is asked, and the table stays.
    let unread_date = |key: &str, undecided: &mut Vec<ToDo>, rule: Option<&'static str>| {
        let value = table.get(key)?;
        if import::iso_date(value).is_some() {
            return None;
        }
        undecided.push(ToDo::new(
            rule,
            format!(
                "the document's own table of details gives its {} as `{}`, {}: write `{}: YYYY-MM-DD` into the front matter of {} by hand (the table stays as it is)",
                match key {
                    "effective" => "effective date",
                    "last_reviewed" => "last review date",
                    _ => "next review date",
                },
                value.trim(),
                import::why_not_a_date(value),
                settings.keys.written(key),
                sop.path
            ),
        ));
        Some(())
    };
    let mut written: Vec<Written> = Vec::new();

    if !has("id") {
        let kept = kept_id(settings, fm);
        match kept.or_else(|| sop.file_name.id.clone()).or_else(|| facts.new_id.clone()) {
            Some(id) if kept_id(settings, fm).is_some() => push(&mut written, "id", id, "from its `id:`, which stays as the page id".into()),
            Some(id) if sop.file_name.id.is_some() => push(&mut written, "id", id, "from the file name".into()),
            Some(id) => push(&mut written, "id", id, "the next free number".into()),
            None => out.undecided.push(ToDo::new(Some(rules::KEY_MISSING.id), format!(
                "set `id:` in {} (`[sops] id_pattern` gives no next id: write the first id by hand)",
                sop.path
            ))),
        }
    }

    let title_h1 = title_heading(sop);
    let fm_title = fm
        .and_then(|f| key_field(settings, f, "title"))
        .and_then(|f| match &f.value {
            Value::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => None,
        });
    let title = match (&fm_title, &title_h1) {
        (Some(t), _) => t.clone(),
        (None, Some((_, h))) => {
            push(
                &mut written,
                "title",
                h.clone(),
                "from the `# ` heading".into(),
            );
            h.clone()
        }
        (None, None) if from_table("title").is_some() => {
            let t = from_table("title").unwrap_or_default();
            push(&mut written, "title", t.clone(), TABLE.into());
            t
        }
        (None, None) if facts.nav_title.is_some() => {
            let t = facts.nav_title.clone().unwrap_or_default();
            push(
                &mut written,
                "title",
                t.clone(),
                "from the site's navigation, `nav:` in mkdocs.yml".into(),
            );
            t
        }
        (None, None) => {
            let t = humanise(&sop.file_name.slug);
            push(
                &mut written,
                "title",
                t.clone(),
                "from the file name: check the wording".into(),
            );
            t
        }
    };
    let mut body_text = text.to_string();
    if let Some((span, h)) = &title_h1
        && *h == title
    {
        let line = sop.source.line_col(span.start).line;
        let end = text
            .get(span.end..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| span.end + i + 1);
        let source = text.get(span.start..end).unwrap_or_default();
        if heading_is_only(source, &title) {
            let before = text.get(..span.start).unwrap_or_default();
            let mut after = text.get(end..).unwrap_or_default();
            // A blank line before the heading and one after it would leave two: keep one.
            if before.ends_with("\n\n") || before.ends_with("\n\r\n") {
                after = after.trim_start_matches(['\r', '\n']);
            }
            body_text = format!("{before}{after}");
            out.removed_heading = Some((line, format!("# {h}")));
        } else {
            let first_line = source.lines().next().unwrap_or_default().trim();
            out.kept_heading = Some((line, first_line.to_string()));
        }
    }

    if !has("type") {
        match settings.type_for_path(&sop.path) {
            Some(t) => push(
                &mut written,
                "type",
                t.name.clone(),
                "its folder matches the type's `paths` in sop.toml".into(),
            ),
            None if settings.types.contains_key("procedure") => push(
                &mut written,
                "type",
                "procedure".into(),
                "no `[types.*] paths` in sop.toml matches it: check it, or add `paths`".into(),
            ),
            None => out.undecided.push(ToDo::new(
                Some(rules::KEY_MISSING.id),
                format!(
                    "set `type:` in {} (no `[types.*] paths` in sop.toml matches it)",
                    sop.path
                ),
            )),
        }
    }
    let status = fm
        .and_then(|f| key_field(settings, f, "status"))
        .and_then(|f| match &f.value {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        });
    let unpublished = unpublished(sop);
    let status = match (status, &unpublished) {
        (Some(s), marker) if has("status") => {
            if let Some(marker) = marker
                && s.trim() != "draft"
            {
                out.undecided.push(ToDo::new(None, format!(
                    "{} says `status: {}`, but {marker}: sop publishes by `status`, so set `status: draft` if it must stay unpublished, or remove what marks it as unpublished",
                    sop.path,
                    s.trim()
                )));
            }
            s
        }
        (_, Some(marker)) => {
            push(
                &mut written,
                "status",
                "draft".into(),
                format!("kept as a draft: {marker}"),
            );
            "draft".into()
        }
        (_, None) => {
            push(
                &mut written,
                "status",
                choices.status.clone(),
                if choices.status == "approved" {
                    "from `--status approved`".to_string()
                } else {
                    "not approved yet: give `--status approved` to adopt documents that are"
                        .to_string()
                },
            );
            choices.status.clone()
        }
    };
    if !has("version")
        && let Some(v) = from_table("version")
    {
        push(&mut written, "version", v, TABLE.into());
    } else if !has("version") {
        let v = if status == "approved" {
            "1.0.0"
        } else {
            "0.1.0"
        };
        push(
            &mut written,
            "version",
            v.into(),
            format!(
                "the first version of a{} SOP",
                if v == "1.0.0" { "n approved" } else { " draft" }
            ),
        );
    }
    let author = if has("owner") {
        None
    } else {
        document_author(settings, sop)
    };
    if let Some(a) = author {
        push(&mut written, "owner", a.names[0].clone(), a.source());
        if a.names.len() == 1 && !a.from_map {
            // The one person it names is now the owner: the key would only repeat it.
            body_text = edit::remove_key(&body_text, &a.key)
                .map_err(|e| Refusal::FrontMatter(e.to_string()))?;
            out.moved_key = Some((a.line, a.key));
        }
    } else if !has("owner")
        && let Some(o) = from_table("owner")
    {
        push(&mut written, "owner", o, TABLE.into());
    } else if !has("owner") {
        owner(sop, facts, choices, &mut written, &mut out.undecided);
    }
    if !has("department")
        && let Some(d) = from_table("department")
    {
        push(&mut written, "department", d, TABLE.into());
    } else if !has("department") {
        match department(settings, sop, choices) {
            Some((d, source)) => written.push(Written {
                key: "department",
                value: d,
                source,
            }),
            None => out.undecided.push(ToDo::new(Some(rules::KEY_MISSING.id), format!(
                "set `department:` in {} (it is directly in the SOP folder `{}/`, not in a department's folder; or pass `--department`)",
                sop.path,
                settings.sops_dir()
            ))),
        }
    }
    // `effective` is the day an approved version took effect: a draft has none yet.
    if !has("effective") && status == "approved" {
        if let Some(d) = from_table("effective") {
            push(&mut written, "effective", d, TABLE.into());
        } else if unread_date(
            "effective",
            &mut out.undecided,
            Some(rules::APPROVED_WITHOUT_EFFECTIVE_DATE.id),
        )
        .is_none()
            && let Some(d) = &facts.first_commit
        {
            written.push(Written {
                key: "effective",
                value: d.clone(),
                source: "the date of its first commit".into(),
            });
        }
    }
    if !has("next_review") {
        if let Some(d) = from_table("next_review") {
            push(&mut written, "next_review", d, TABLE.into());
        } else {
            unread_date("next_review", &mut out.undecided, None);
        }
    }
    if !has("last_reviewed") {
        if let Some(d) = from_table("last_reviewed") {
            push(&mut written, "last_reviewed", d, TABLE.into());
        } else if unread_date("last_reviewed", &mut out.undecided, None).is_none()
            && let Some(d) = &facts.last_commit
        {
            written.push(Written {
                key: "last_reviewed",
                value: d.clone(),
                source: "the date of its last commit".into(),
            });
        }
    }
    if status == "approved" && !has("approvers") {
        if let Some(a) = from_table("approvers") {
            push(&mut written, "approvers", a, TABLE.into());
        } else if !choices.approvers.is_empty() {
            push(
                &mut written,
                "approvers",
                choices.approvers.join(", "),
                "from `--approver`".into(),
            );
        } else {
            out.undecided.push(ToDo::new(Some(rules::APPROVED_WITHOUT_APPROVERS.id), format!(
                "set `approvers:` in {} to the people who approved it (or pass `--approver NAME`)",
                sop.path
            )));
        }
    }
    out.written = written;
    if !out.changes() {
        return Ok(out);
    }
    out.text = write_keys(
        settings,
        &body_text,
        sop.front_matter.is_some(),
        &out.written,
    )?;
    Ok(out)
}

fn push(written: &mut Vec<Written>, key: &'static str, value: String, source: String) {
    written.push(Written { key, value, source });
}

/// A written key's value: `approvers` as a list (`A, B; C` gives three names), others as text.
fn new_value(w: &Written) -> NewValue {
    if w.key == "approvers" {
        NewValue::List(
            w.value
                .split([',', ';'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect(),
        )
    } else {
        NewValue::Text(w.value.clone())
    }
}

fn owner(
    sop: &Sop,
    facts: &Facts,
    choices: &Choices,
    written: &mut Vec<Written>,
    undecided: &mut Vec<ToDo>,
) {
    let from_codeowners = facts
        .code_owners
        .as_ref()
        .filter(|(o, _)| !o.is_empty() && choices.owner_from != OwnerFrom::Git);
    if let Some((owners, file)) = from_codeowners {
        let first = owners.first().map(|o| codeowners::owner_name(o));
        if let Some(first) = first {
            let more = if owners.len() > 1 {
                format!(" (it names {}; the first is taken)", owners.join(", "))
            } else {
                String::new()
            };
            written.push(Written {
                key: "owner",
                value: first,
                source: format!("from {file}{more}"),
            });
            return;
        }
    }
    if choices.owner_from != OwnerFrom::CodeOwners
        && let Some(author) = &facts.top_author
    {
        written.push(Written {
            key: "owner",
            value: author.clone(),
            source: "the author of most of its commits".into(),
        });
        return;
    }
    let why = match choices.owner_from {
        OwnerFrom::CodeOwners => "CODEOWNERS names nobody for it",
        OwnerFrom::Git => "git has no commit of it",
        OwnerFrom::Either => "CODEOWNERS names nobody for it and git has no commit of it",
    };
    undecided.push(ToDo::new(
        Some(rules::KEY_MISSING.id),
        format!("set `owner:` in {} ({why})", sop.path),
    ));
}

fn department(settings: &Settings, sop: &Sop, choices: &Choices) -> Option<(String, String)> {
    if let Some(d) = &choices.department {
        return Some((d.clone(), "from `--department`".into()));
    }
    let under = sop
        .path
        .strip_prefix(settings.sops_dir())
        .map_or(sop.path.as_str(), |p| p.trim_start_matches('/'));
    match under.rsplit_once('/') {
        Some((folder, _)) => {
            let name = folder.rsplit('/').next().unwrap_or(folder);
            Some((humanise(name), format!("from its folder `{folder}/`")))
        }
        None => settings
            .config
            .defaults
            .department
            .clone()
            .map(|d| (d, "from `[defaults] department` in sop.toml".into())),
    }
}

/// What marks `sop` as not published in the conventions of other tools, as a reason
/// (`` it says `draft: true` ``): Hugo's, Docusaurus's and MkDocs's `draft: true`, Jekyll's
/// `published: false` and its `_drafts/` folder.
fn unpublished(sop: &Sop) -> Option<String> {
    let value = |key: &str| {
        sop.front_matter
            .as_ref()
            .and_then(|f| f.get(key))
            .and_then(|f| match &f.value {
                Value::Text(t) => Some(t.trim().to_ascii_lowercase()),
                _ => None,
            })
    };
    if let Some(v) = value("draft").filter(|v| matches!(v.as_str(), "true" | "yes" | "on")) {
        return Some(format!("it says `draft: {v}`"));
    }
    if let Some(v) = value("published").filter(|v| matches!(v.as_str(), "false" | "no" | "off")) {
        return Some(format!("it says `published: {v}`"));
    }
    sop.path
        .split('/')
        .any(|folder| folder == "_drafts")
        .then(|| "it is in a `_drafts/` folder".to_string())
}

/// Whether the heading written as `source` (its line, or two lines for `Title` over `===`)
/// is exactly `title` and nothing else: `# Title`, with closing `#`s or trailing spaces.
fn heading_is_only(source: &str, title: &str) -> bool {
    let mut lines = source.lines();
    let first = lines.next().unwrap_or_default().trim();
    if let Some(rest) = first.strip_prefix('#') {
        let Some(rest) = rest.strip_prefix([' ', '\t']) else {
            return false;
        };
        let rest = rest.trim();
        let closed = rest.trim_end_matches('#');
        let rest = if closed.is_empty() || closed.ends_with([' ', '\t']) {
            closed.trim_end()
        } else {
            rest
        };
        return rest == title;
    }
    let underline = lines.next().unwrap_or_default().trim();
    first == title && !underline.is_empty() && underline.chars().all(|c| c == '=')
}

/// The first `# ` heading of the body, when nothing but blank lines and comments comes before
/// it: the document's title.
fn title_heading(sop: &Sop) -> Option<(crate::repo::Span, String)> {
    let outline = sop.outline();
    let first = outline.headings.first().filter(|h| h.level == 1)?;
    let before = sop
        .source
        .text()
        .get(sop.split.body.start..first.span.start)
        .unwrap_or_default();
    let mut rest = before.to_string();
    // Comments, and the import lines an MDX page starts with, are not text before it.
    let mut skipped: Vec<&crate::repo::Span> =
        outline.comments.iter().chain(&outline.hidden).collect();
    skipped.sort_by_key(|c| c.start);
    for c in skipped.into_iter().rev() {
        if c.start >= sop.split.body.start && c.end <= first.span.start {
            rest.replace_range(
                c.start - sop.split.body.start..c.end - sop.split.body.start,
                "",
            );
        }
    }
    let text = first.text.trim();
    (rest.trim().is_empty() && !text.is_empty()).then(|| (first.span, text.to_string()))
}

/// `customer-support` → `Customer Support`.
pub fn humanise(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` with the `written` keys added to its front matter (a new block at the top when it
/// has none), in the line endings it uses.
fn write_keys(
    settings: &Settings,
    text: &str,
    has_front_matter: bool,
    written: &[Written],
) -> Result<String, Refusal> {
    let names = &settings.keys;
    let base = if has_front_matter {
        text.to_string()
    } else {
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let Some(first) = written.first() else {
            return Ok(text.to_string());
        };
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", text),
        };
        let block = edit::set_keys_named(
            &format!("---{nl}{}: x{nl}---{nl}", names.written(first.key)),
            &[(first.key, new_value(first))],
            names,
        )
        .map_err(|e| Refusal::FrontMatter(e.to_string()))?;
        // A byte-order mark stays the file's first character, before the block.
        format!("{bom}{block}{text}")
    };
    let edits: Vec<(&str, NewValue)> = written.iter().map(|w| (w.key, new_value(w))).collect();
    edit::set_keys_named(&base, &edits, names).map_err(|e| Refusal::FrontMatter(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::parse("", std::path::Path::new("sop.toml")).unwrap()
    }

    fn choices() -> Choices {
        Choices {
            status: "draft".into(),
            owner_from: OwnerFrom::Either,
            department: None,
            approvers: Vec::new(),
        }
    }

    #[test]
    fn a_documents_own_table_of_details_fills_its_keys_and_stays() {
        let body = "# Studio Access

| Field | Value |
| --- | --- |
| Version | 2.2 |
| Effective Date | 3 November 2025 |
| Owner | Live Events Producer |
| Approved by | Head of Broadcast; Studio Manager |

## Purpose

Who may enter.
";
        let sop = Sop::parse("sops/studio/access.md".into(), body.into(), "SOP");
        let approved = Choices {
            status: "approved".into(),
            approvers: vec!["Someone Else".into()],
            ..choices()
        };
        let p = plan(&settings(), &sop, &facts(), &approved).unwrap();
        assert_eq!(
            p.text,
            format!(
                "---\nid: SOP-0007\ntitle: Studio Access\ntype: procedure\nstatus: approved\nversion: 2.2.0\nowner: Live Events Producer\ndepartment: Studio\napprovers: [Head of Broadcast, Studio Manager]\neffective: 2025-11-03\nlast_reviewed: 2026-02-01\n---\n{}",
                body.trim_start_matches("# Studio Access\n")
            )
        );
        assert!(p.undecided.is_empty(), "{:?}", p.undecided);
        let plain = Sop::parse(
            "sops/studio/plain.md".into(),
            "# Plain\n\nText.\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &plain, &facts(), &approved).unwrap();
        assert!(p.text.contains("approvers: [Someone Else]"), "{}", p.text);
    }

    fn facts() -> Facts {
        Facts {
            new_id: Some("SOP-0007".into()),
            first_commit: Some("2026-01-01".into()),
            last_commit: Some("2026-02-01".into()),
            top_author: Some("Ann Lee".into()),
            code_owners: None,
            nav_title: None,
        }
    }

    #[test]
    fn a_plain_file_gets_every_key_and_loses_its_title_heading() {
        let sop = Sop::parse(
            "sops/customer-support/refunds.md".into(),
            "# Refund requests\n\nHow we refund.\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
        assert_eq!(
            p.text,
            "---\nid: SOP-0007\ntitle: Refund requests\ntype: procedure\nstatus: draft\nversion: 0.1.0\nowner: Ann Lee\ndepartment: Customer Support\nlast_reviewed: 2026-02-01\n---\n\nHow we refund.\n"
        );
        assert_eq!(p.removed_heading, Some((1, "# Refund requests".into())));
        assert!(p.undecided.is_empty());
        let again = Sop::parse(sop.path.clone(), p.text.clone(), "SOP");
        let p2 = plan(&settings(), &again, &facts(), &choices()).unwrap();
        assert!(!p2.changes());
    }

    #[test]
    fn existing_keys_and_crlf_are_kept() {
        let text = "---\r\ntitle: Keys  # ours\r\nweight: 3\r\n---\r\n# Other\r\nBody\r\n";
        let sop = Sop::parse("sops/ops/keys.md".into(), text.into(), "SOP");
        let mut f = facts();
        f.top_author = None;
        f.code_owners = Some((vec!["@acme/ops".into(), "@bo".into()], "CODEOWNERS".into()));
        let p = plan(&settings(), &sop, &f, &choices()).unwrap();
        assert!(p.text.contains("title: Keys  # ours\r\n"));
        assert!(p.text.contains("weight: 3\r\n"));
        assert!(p.text.contains("owner: acme/ops\r\n"));
        assert!(p.text.ends_with("---\r\n# Other\r\nBody\r\n"));
        assert!(!p.text.replace("\r\n", "").contains('\n'));
        assert_eq!(p.removed_heading, None);
    }

    #[test]
    fn what_cannot_be_decided_is_said() {
        let sop = Sop::parse("sops/loose.md".into(), "Text only.\n".into(), "SOP");
        let p = plan(&settings(), &sop, &Facts::default(), &choices()).unwrap();
        assert!(
            p.undecided
                .iter()
                .any(|u| u.text.starts_with("set `owner:` in sops/loose.md"))
        );
        assert!(p.undecided.iter().any(|u| u.text == "set `department:` in sops/loose.md (it is directly in the SOP folder `sops/`, not in a department's folder; or pass `--department`)"), "{:?}", p.undecided);
        let title = p.written.iter().find(|w| w.key == "title").unwrap();
        assert_eq!(title.value, "Loose");
    }

    fn approved() -> Choices {
        Choices {
            status: "approved".into(),
            approvers: vec!["Boss".into()],
            ..choices()
        }
    }

    fn written<'p>(p: &'p Plan, key: &str) -> Option<&'p Written> {
        p.written.iter().find(|w| w.key == key)
    }

    #[test]
    fn a_document_marked_unpublished_stays_a_draft_whatever_status_says() {
        for (path, text, reason) in [
            (
                "sops/ops/secret.md",
                "---\ntitle: Secret plan\ndraft: true\n---\n\nText.\n",
                "it says `draft: true`",
            ),
            (
                "sops/ops/secret.md",
                "---\ntitle: Secret plan\npublished: false\n---\n\nText.\n",
                "it says `published: false`",
            ),
            (
                "sops/_drafts/secret.md",
                "# Secret plan\n\nText.\n",
                "it is in a `_drafts/` folder",
            ),
        ] {
            let sop = Sop::parse(path.into(), text.into(), "SOP");
            let p = plan(&settings(), &sop, &facts(), &approved()).unwrap();
            let status = written(&p, "status").unwrap();
            assert_eq!(status.value, "draft", "{text}");
            assert_eq!(status.source, format!("kept as a draft: {reason}"));
            assert_eq!(written(&p, "version").unwrap().value, "0.1.0");
            assert!(written(&p, "approvers").is_none(), "{:?}", p.written);
            assert!(p.text.contains("status: draft\n"), "{}", p.text);
        }
        // `draft: false` and `published: true` say nothing against `--status`.
        let open = Sop::parse(
            "sops/ops/open.md".into(),
            "---\ntitle: Open\ndraft: false\npublished: true\n---\n\nText.\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &open, &facts(), &approved()).unwrap();
        assert_eq!(written(&p, "status").unwrap().value, "approved");
        // A status the team wrote is kept, and the contradiction is a thing to decide.
        let both = Sop::parse(
            "sops/ops/both.md".into(),
            "---\ntitle: Both\nstatus: approved\ndraft: yes\n---\n\nText.\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &both, &facts(), &approved()).unwrap();
        assert!(written(&p, "status").is_none());
        assert!(
            p.undecided.iter().any(|u| u
                .text
                .starts_with("sops/ops/both.md says `status: approved`, but it says `draft: yes`")),
            "{:?}",
            p.undecided
        );
    }

    #[test]
    fn toml_front_matter_is_refused_with_what_to_do() {
        for text in [
            "+++\ntitle = \"Hugo page\"\n+++\n\nText.\n",
            "\u{feff}+++\r\ntitle = \"Hugo page\"\r\n+++\r\n",
        ] {
            let sop = Sop::parse("sops/hugo/page.md".into(), text.into(), "SOP");
            let err = plan(&settings(), &sop, &facts(), &choices()).unwrap_err();
            let message = err.to_string();
            assert!(message.contains("TOML (between `+++` lines)"), "{message}");
            assert!(message.contains("`hugo convert toYAML`"), "{message}");
        }
    }

    #[test]
    fn a_heading_with_more_than_the_title_is_kept() {
        for (text, title) in [
            ("# [Link](http://x) *em* `code`\n\nText.\n", "Link em code"),
            ("# Title {#top}\n\nText.\n", "Title"),
            ("# Title <span>x</span>\n\nText.\n", "Title x"),
            ("# Fish \\& chips\n\nText.\n", "Fish & chips"),
        ] {
            let sop = Sop::parse("sops/ops/h.md".into(), text.into(), "SOP");
            let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
            assert_eq!(written(&p, "title").unwrap().value, title);
            assert_eq!(p.removed_heading, None, "{text}");
            let heading = text.lines().next().unwrap();
            assert_eq!(p.kept_heading, Some((1, heading.to_string())));
            assert!(p.text.ends_with(text), "{}", p.text);
        }
        // The team's own title and a heading that says more: the heading stays.
        let sop = Sop::parse(
            "sops/ops/h.md".into(),
            "---\ntitle: Title\n---\n# Title {#top}\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
        assert!(p.text.ends_with("---\n# Title {#top}\n"), "{}", p.text);
    }

    #[test]
    fn a_heading_that_is_exactly_the_title_goes() {
        for text in [
            "# Title\n\nText.\n",
            "# Title   \n\nText.\n",
            "# Title ##\n\nText.\n",
            "Title\n=====\n\nText.\n",
        ] {
            let sop = Sop::parse("sops/ops/h.md".into(), text.into(), "SOP");
            let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
            assert_eq!(written(&p, "title").unwrap().value, "Title", "{text}");
            assert_eq!(p.removed_heading, Some((1, "# Title".into())), "{text}");
            assert!(p.text.ends_with("---\n\nText.\n"), "{}", p.text);
        }
    }

    #[test]
    fn a_byte_order_mark_stays_first_before_the_new_block() {
        let sop = Sop::parse(
            "sops/ops/bom.md".into(),
            "\u{feff}# Bom doc\n\nText.\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
        assert!(
            p.text.starts_with("\u{feff}---\nid: SOP-0007\n"),
            "{:?}",
            p.text
        );
        assert_eq!(p.text.matches('\u{feff}').count(), 1);
        assert!(p.text.ends_with("---\n\nText.\n"), "{:?}", p.text);
        let again = Sop::parse(sop.path.clone(), p.text.clone(), "SOP");
        assert!(is_adopted(&settings(), &again));
    }

    #[test]
    fn an_id_of_another_form_is_kept_and_is_a_thing_to_decide() {
        let sop = Sop::parse(
            "sops/ops/gs.md".into(),
            "---\nid: getting-started\ntitle: Getting started\n---\n\nText.\n".into(),
            "SOP",
        );
        assert!(!needs_id(&settings(), &sop));
        let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
        assert!(written(&p, "id").is_none());
        assert!(p.text.contains("id: getting-started\n"));
        assert_eq!(p.undecided.len(), 1, "{:?}", p.undecided);
        let todo = &p.undecided[0].text;
        assert!(
            todo.starts_with("`id: getting-started` in sops/ops/gs.md is not an id of this repository's form `SOP-<number>`"),
            "{todo}"
        );
        assert!(todo.contains("remove the `id:` line"), "{todo}");
        assert!(todo.contains("`[sops] id_pattern`"), "{todo}");
        // Said again for a file that has every key.
        let again = Sop::parse(sop.path.clone(), p.text.clone(), "SOP");
        let p2 = plan(&settings(), &again, &facts(), &choices()).unwrap();
        assert!(!p2.changes());
        assert_eq!(p2.undecided, p.undecided);
        // An id of the repository's form is not.
        let ok = Sop::parse(
            "sops/ops/ok.md".into(),
            "---\nid: SOP-0003\n---\n\nText.\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &ok, &facts(), &choices()).unwrap();
        assert!(p.undecided.is_empty(), "{:?}", p.undecided);
    }

    #[test]
    fn the_documents_own_author_is_the_owner() {
        for (fm, key, kept) in [
            ("author: Maria Lopez\n", "author", false),
            ("author: \"Maria Lopez\"\n", "author", false),
            ("author: [Maria Lopez]\n", "author", false),
            ("authors:\n  - Maria Lopez\n", "authors", false),
            ("authors: [Maria Lopez, Sam Ode]\n", "authors", true),
        ] {
            let text = format!("---\ntitle: T\n{fm}---\n\nText.\n");
            let sop = Sop::parse("sops/ops/t.md".into(), text.clone(), "SOP");
            let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
            let owner = written(&p, "owner").unwrap();
            assert_eq!(owner.value, "Maria Lopez", "{fm}");
            assert!(p.text.contains("owner: Maria Lopez\n"), "{}", p.text);
            if kept {
                assert_eq!(
                    owner.source,
                    "from its `authors:` (it names Maria Lopez, Sam Ode; the first is taken)"
                );
                assert!(p.text.contains(fm), "{}", p.text);
                assert_eq!(p.moved_key, None);
            } else {
                assert_eq!(owner.source, format!("from its `{key}:`"));
                assert!(!p.text.contains(&format!("{key}:")), "{}", p.text);
                assert_eq!(p.moved_key, Some((3, key.to_string())));
            }
        }
    }

    #[test]
    fn an_author_map_gives_its_name_as_the_owner() {
        for (fm, source) in [
            (
                "author:\n  name: Lena Fischer\n  email: lena@example.com\n",
                "from the `name:` in its `author:`",
            ),
            (
                "author: {name: Lena Fischer, email: lena@example.com}\n",
                "from the `name:` in its `author:`",
            ),
            (
                "author:\n    email: lena@example.com\n    name: \"Lena Fischer\"\n",
                "from the `name:` in its `author:`",
            ),
            (
                "authors:\n  - name: Lena Fischer\n    email: lena@example.com\n  - Sam Ode\n",
                "from its `authors:` (it names Lena Fischer, Sam Ode; the first is taken)",
            ),
        ] {
            let text = format!("---\ntitle: T\n{fm}---\n\nText.\n");
            let sop = Sop::parse("sops/ops/t.md".into(), text.clone(), "SOP");
            let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
            let owner = written(&p, "owner").unwrap();
            assert_eq!(owner.value, "Lena Fischer", "{fm}");
            assert_eq!(owner.source, source, "{fm}");
            // The map says more than the name (an email): it stays as written.
            assert!(p.text.contains(fm), "{}", p.text);
            assert_eq!(p.moved_key, None);
        }
        // A map without a name gives none: the owner comes from elsewhere.
        let text = "---\ntitle: T\nauthor:\n  email: lena@example.com\n---\n\nText.\n";
        let sop = Sop::parse("sops/ops/t.md".into(), text.into(), "SOP");
        let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
        assert_ne!(written(&p, "owner").unwrap().value, "lena@example.com");
    }

    #[test]
    fn one_blank_line_stays_where_the_title_heading_was() {
        let sop = Sop::parse(
            "sops/ops/t.md".into(),
            "---\ntitle: Refunds\n---\n\n# Refunds\n\nText.\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &sop, &facts(), &choices()).unwrap();
        assert!(p.text.ends_with("\n---\n\nText.\n"), "{}", p.text);
        let crlf = Sop::parse(
            "sops/ops/t.md".into(),
            "---\r\ntitle: Refunds\r\n---\r\n\r\n# Refunds\r\n\r\nText.\r\n".into(),
            "SOP",
        );
        let p = plan(&settings(), &crlf, &facts(), &choices()).unwrap();
        assert!(p.text.ends_with("\r\n---\r\n\r\nText.\r\n"), "{:?}", p.text);
    }

    #[test]
    fn only_an_approved_document_gets_an_effective_date() {
        let sop = Sop::parse("sops/ops/t.md".into(), "# T\n\nText.\n".into(), "SOP");
        let draft = plan(&settings(), &sop, &facts(), &choices()).unwrap();
        assert!(
            written(&draft, "effective").is_none(),
            "{:?}",
            draft.written
        );
        let approved = plan(&settings(), &sop, &facts(), &approved()).unwrap();
        assert_eq!(written(&approved, "effective").unwrap().value, "2026-01-01");
    }

    #[test]
    fn broken_front_matter_is_refused() {
        let sop = Sop::parse("sops/a.md".into(), "---\ntitle: [\n---\n".into(), "SOP");
        assert!(plan(&settings(), &sop, &facts(), &choices()).is_err());
    }
}
