//! What `sop new` writes: the next free id, a readable file name, and the type's template
//! rendered with Tera.
//!
//! Templates come from the repository's `templates/sop/<type>.md`, else the built-in one; a type
//! added in `sop.toml` without a template gets its sections with a short prompt each. The text
//! is written as the repository writes its SOPs: its names for the front-matter keys
//! (`[front_matter] aliases`) and its heading level for the sections (`[types.X] level`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::assets;
use crate::lint::normalize_heading;
use crate::repo::config::{SectionLevel, SopType};
use crate::repo::files::{FileRules, MARKDOWN_EXTENSIONS};
use crate::repo::sop::{FileName, id_number};
use crate::repo::{Corpus, FileProblem, Repo, Span, edit, encoding, front_matter, markdown};

/// The values a template sees.
#[derive(Debug, Clone, Serialize)]
pub struct NewSop {
    /// The new id, e.g. `SOP-0007`.
    pub id: String,
    /// The title as given.
    pub title: String,
    /// The type's name.
    #[serde(rename = "type")]
    pub sop_type: String,
    /// The owner.
    pub owner: String,
    /// The owning department.
    pub department: String,
    /// Today, `YYYY-MM-DD`.
    pub today: String,
    /// The review cadence, e.g. `12 months`.
    pub review_every: String,
    /// The required sections of the type, in order.
    pub sections: Vec<String>,
}

/// Why a template could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// Reading the repository's template failed.
    #[error("cannot read the template `templates/sop/{sop_type}.md`")]
    Read {
        /// The type.
        sop_type: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Tera could not render it.
    #[error("the template {origin} cannot be rendered: {reason}")]
    Render {
        /// Where the template came from.
        origin: assets::Origin,
        /// Tera's explanation.
        reason: String,
    },
    /// The rendered text's front matter cannot take the repository's key names.
    #[error("the template {origin} {reason}")]
    Keys {
        /// Where the template came from.
        origin: assets::Origin,
        /// Why.
        reason: edit::EditError,
    },
    /// The rendered text's front matter is not valid YAML.
    #[error(
        "the template {origin} gives front matter that is not valid YAML ({detail}); quote free text in it with `| yaml`, as in `title: {{{{ title | yaml }}}}`"
    )]
    BadFrontMatter {
        /// Where the template came from.
        origin: assets::Origin,
        /// The YAML problem.
        detail: String,
    },
}

/// Render the template of `sop_type` with `values`, with the repository's key names and its
/// heading level for the type's sections.
///
/// # Errors
/// [`ScaffoldError`] when the template cannot be read or rendered, or gives invalid YAML.
pub fn render(repo: &Repo, sop_type: &SopType, values: &NewSop) -> Result<String, ScaffoldError> {
    let rel = format!("sop/{}.md", sop_type.name);
    let found = assets::lookup(&repo.root, &rel).map_err(|source| ScaffoldError::Read {
        sop_type: sop_type.name.clone(),
        source,
    })?;
    let (template, origin) = match found {
        Some(found) => found,
        None => (
            generic_template(&sop_type.sections).into(),
            assets::Origin::Builtin("generic template".into()),
        ),
    };
    let mut tera = tera::Tera::default();
    tera.register_filter("yaml", |value: &str, _: tera::Kwargs, _: &tera::State| {
        yaml_quote(value)
    });
    let render_err = |e: tera::Error| ScaffoldError::Render {
        origin: origin.clone(),
        reason: error_chain(&e),
    };
    tera.add_raw_template("sop", &template)
        .map_err(render_err)?;
    let context = tera::Context::from_serialize(values).map_err(render_err)?;
    let text = tera.render("sop", &context).map_err(render_err)?;
    let split = front_matter::split(&text);
    if let Some(yaml) = split.yaml {
        let fm = front_matter::parse(&text, yaml);
        if let Some(p) = fm.problems.first() {
            return Err(ScaffoldError::BadFrontMatter {
                origin,
                detail: p.detail.clone(),
            });
        }
    }
    let text = if split.yaml.is_some() {
        edit::use_names(&text, &repo.settings.keys)
            .map_err(|reason| ScaffoldError::Keys { origin, reason })?
    } else {
        text
    };
    Ok(at_level(&text, sop_type, section_level(repo, sop_type)))
}

/// The heading level of `ty`'s sections (`[types.X] level`, 2 unless set).
pub fn section_level(repo: &Repo, ty: &SopType) -> SectionLevel {
    repo.settings
        .config
        .types
        .get(&ty.name)
        .and_then(|t| t.level)
        .unwrap_or_default()
}

/// Normalized heading text → the index of the required section of `ty` it names (by name or
/// alias).
pub fn section_names(ty: &SopType) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, name) in ty.sections.iter().enumerate() {
        map.insert(normalize_heading(name), i);
        for alias in ty.aliases.get(name).into_iter().flatten() {
            map.entry(normalize_heading(alias)).or_insert(i);
        }
    }
    map
}

/// `text` with the type's required sections at heading `level`: the headings from the level the
/// sections have now (the lowest level of a heading that names one, else 2) down move by the
/// same number of levels, so that sub-headings stay under their section. `"any"` leaves the
/// text as it is. Only `#` headings are moved.
pub fn at_level(text: &str, ty: &SopType, level: SectionLevel) -> String {
    let SectionLevel::Level(target) = level else {
        return text.to_string();
    };
    let body = front_matter::split(text).body;
    let outline = markdown::outline(text, Span::new(body.start, text.len()));
    let names = section_names(ty);
    let current = outline
        .headings
        .iter()
        .filter(|h| h.level >= 2 && names.contains_key(&normalize_heading(&h.text)))
        .map(|h| h.level)
        .min()
        .unwrap_or(2);
    if current == target {
        return text.to_string();
    }
    let mut out = text.to_string();
    for h in outline.headings.iter().rev() {
        let line = text.get(h.span.start..h.span.end).unwrap_or_default();
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        if h.level < current || hashes != usize::from(h.level) {
            continue;
        }
        let moved = (i16::from(h.level) + i16::from(target) - i16::from(current)).clamp(1, 6);
        out.replace_range(
            h.span.start..h.span.start + hashes,
            &"#".repeat(moved.unsigned_abs().into()),
        );
    }
    out
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The template of a type that has none: front matter and each section with a prompt.
fn generic_template(sections: &[String]) -> String {
    let mut t = String::from(
        "---\nid: {{ id }}\ntitle: {{ title | yaml }}\ntype: {{ type }}\nstatus: draft\nversion: 0.1.0\nowner: {{ owner | yaml }}\ndepartment: {{ department | yaml }}\nreview_every: {{ review_every }}\ntags: []\n---\n",
    );
    for s in sections {
        t.push_str(&format!("\n## {s}\n\n{}\n", section_prompt(s)));
    }
    t
}

/// The prompt written under a section that has no text from a template: "<Write the meaning
/// section here.>" for `Meaning`. The name reads as inside a sentence (lower case, acronyms
/// kept); characters that would make the prompt read as an HTML tag are left out, so that
/// `sop lint` still finds it.
pub fn section_prompt(section: &str) -> String {
    let name: String = crate::words::in_sentence(section.trim())
        .chars()
        .filter_map(|c| match c {
            '\'' => Some('’'),
            '<' | '>' | '=' | '"' => None,
            c => Some(c),
        })
        .collect();
    format!("<Write the {name} section here.>")
}

/// `value` as a YAML scalar: plain when that reads back the same, else double-quoted.
pub fn yaml_quote(value: &str) -> String {
    let plain_ok = !value.is_empty()
        && value.trim() == value
        && !value.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', '<',
        ])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !value.chars().any(char::is_control)
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        )
        && value.parse::<f64>().is_err();
    if plain_ok {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A readable ASCII file-name slug for `title`: transliterated, lowercase, words joined by `-`,
/// at most 60 characters, cut at a word boundary; `untitled` when nothing in it reads well.
pub fn slug(title: &str) -> String {
    let s = title_slug(title);
    if s.is_empty() { "untitled".into() } else { s }
}

/// [`slug`] without the fallback: empty when no word of `title` transliterates readably (an
/// Arabic or Hebrew title, see [`crate::site::i18n::readable_ascii`]).
pub(crate) fn title_slug(title: &str) -> String {
    let ascii = crate::site::i18n::readable_ascii(title);
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "creator's" → "creators"
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut out = String::new();
    for w in words {
        if !out.is_empty() && out.len() + 1 + w.len() > 60 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&w[..w.len().min(60)]);
    }
    out
}

/// Every id used under the SOP folder: the ids at the start of the names of its Markdown files
/// and the ids in their front matter. Files that `[sops] exclude` leaves out count too: an id
/// they hold is taken, even if `sop lint` does not read them.
pub fn used_ids(repo: &Repo) -> Vec<String> {
    ids_in(repo, &every_markdown_file(repo))
}

/// Every Markdown file under the SOP folder, those `[sops] exclude` leaves out included.
pub fn every_markdown_file(repo: &Repo) -> Corpus {
    let mut all = repo.clone();
    let extensions: Vec<String> = MARKDOWN_EXTENSIONS
        .iter()
        .map(|e| (*e).to_string())
        .chain(repo.settings.files.extensions().iter().cloned())
        .collect();
    if let Ok(rules) = FileRules::new(repo.settings.sops_dir(), &extensions, &[], &[]) {
        all.settings.files = rules;
    }
    all.load()
}

/// The ids `corpus` uses: at the start of its files' names and in their front matter. Files
/// that cannot be read as SOPs count too: the id in their name, and for text in another
/// encoding (Notepad's UTF-16, Latin-1) the id in their front matter, so a new SOP never takes
/// the id of one that `sop lint --fix` would bring back.
pub fn ids_in(repo: &Repo, corpus: &Corpus) -> Vec<String> {
    let form = &repo.settings.ids;
    let name_id = |path: &str| FileName::parse(path.rsplit('/').next()?, form).id;
    let from_names = corpus.sops.iter().filter_map(|sop| name_id(&sop.path));
    let from_front = corpus
        .sops
        .iter()
        .filter_map(|s| s.id().map(str::to_string));
    let from_broken = corpus.broken.iter().flat_map(|b| {
        let front = match b.problem {
            FileProblem::Utf16(_)
            | FileProblem::NotUtf8 { .. }
            | FileProblem::NulCharacter { .. } => front_matter_id_of_other_encoding(repo, &b.path),
            _ => None,
        };
        name_id(&b.path).into_iter().chain(front)
    });
    from_names.chain(from_front).chain(from_broken).collect()
}

/// The id in the front matter of the file at `path`, saved as UTF-16 or in a one-byte encoding
/// (read as Latin-1, which every byte is).
fn front_matter_id_of_other_encoding(repo: &Repo, path: &str) -> Option<String> {
    let bytes = std::fs::read(repo.root.join(path)).ok()?;
    let text = match encoding::read_text(&bytes) {
        Some(text) => text.into_owned(),
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    let sop = crate::repo::Sop::parse_in(path.to_string(), text, &repo.settings);
    sop.id().map(str::to_string)
}

/// The highest id number of `used` that is an id of the repository's form, and an id that has
/// that number (to allocate the next one in the same shape). An id that is not valid
/// ([`crate::repo::ids::unsafe_part`]) is never the model.
pub fn highest_of<'a>(
    repo: &Repo,
    used: impl IntoIterator<Item = &'a str>,
) -> (u64, Option<String>) {
    let form = &repo.settings.ids;
    used.into_iter()
        .filter_map(|id| Some((id_number(id, form)?, id)))
        .max_by_key(|(n, _)| *n)
        .map_or((0, None), |(n, id)| (n, Some(id.to_string())))
}

/// The highest id number used in the repository ([`used_ids`] and the `ids` given), with an id
/// that has that number.
pub fn highest_id<'a>(
    repo: &Repo,
    ids: impl IntoIterator<Item = &'a str>,
) -> (u64, Option<String>) {
    highest_id_in(repo, &every_markdown_file(repo), ids)
}

/// [`highest_id`] of the files of `corpus` (read by [`every_markdown_file`]) and `ids`.
pub fn highest_id_in<'a>(
    repo: &Repo,
    corpus: &Corpus,
    ids: impl IntoIterator<Item = &'a str>,
) -> (u64, Option<String>) {
    let mut used = ids_in(repo, corpus);
    used.extend(ids.into_iter().map(str::to_string));
    highest_of(repo, used.iter().map(String::as_str))
}

/// Id number `n` in the repository's form: `<id_prefix>-<n>` with `id_digits` digits, or for
/// `[sops] id_pattern` the id `like` (else the pattern's first id) with its number replaced.
/// `None` when the pattern gives no id with that number.
pub fn format_id(repo: &Repo, n: u64, like: Option<&str>) -> Option<String> {
    let form = &repo.settings.ids;
    let c = &repo.settings.config.sops;
    let plain = format!("{}-{:0width$}", c.id_prefix, n, width = c.id_digits);
    if !form.is_written() {
        return Some(plain);
    }
    match like {
        Some(like) => form.with_number(like, n),
        None => form.first().and_then(|first| form.with_number(&first, n)),
    }
}

/// The file of a new SOP: `<sops>/<category>/<id>-<slug>.<extension>`, with the first of
/// `[sops] extensions`; `<id>.<extension>` when the title has no readable slug.
pub fn new_path(repo: &Repo, category: &str, id: &str, title: &str) -> PathBuf {
    let ext = repo
        .settings
        .files
        .extensions()
        .first()
        .map_or("md", String::as_str);
    let name = match title_slug(title) {
        s if s.is_empty() => format!("{id}.{ext}"),
        s => format!("{id}-{s}.{ext}"),
    };
    repo.sops_dir().join(category).join(name)
}

/// Why `sop` will not create `path`: it is not under the repository root once `..` and `.` are
/// read as the names they stand for, or it has a `..` in it (an id or folder name that climbs).
/// `None` when it stays inside. The symbolic links on the way are checked apart.
pub fn outside_root(root: &Path, path: &Path) -> Option<String> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Some(format!(
            "`{}` is not inside the repository `{}`",
            path.display(),
            root.display()
        ));
    };
    let mut depth = 0usize;
    for part in rel.components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                return Some(format!(
                    "`{}` has a `..` in it, which would climb out of its folder{}",
                    rel.display(),
                    if depth == 0 {
                        " and the repository"
                    } else {
                        ""
                    }
                ));
            }
            Component::RootDir | Component::Prefix(_) => {
                return Some(format!("`{}` is not a relative path", rel.display()));
            }
        }
    }
    (depth == 0).then(|| "the path is the repository itself, not a file in it".to_string())
}

/// A category as a safe folder path: each `/`-separated part slugged, empty parts dropped.
pub fn category_path(category: &str) -> Option<String> {
    let parts: Vec<String> = category
        .split(['/', '\\'])
        .filter(|p| !p.trim().is_empty() && *p != "." && *p != "..")
        .map(slug)
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // See #16: a custom type's prompts read as a sentence, and `sop lint` finds them.
    #[test]
    fn section_prompts_read_naturally_and_stay_prompts() {
        assert_eq!(
            section_prompt("Meaning"),
            "<Write the meaning section here.>"
        );
        assert_eq!(
            section_prompt("Roles and Responsibilities"),
            "<Write the roles and responsibilities section here.>"
        );
        assert_eq!(
            section_prompt("SLA Targets"),
            "<Write the SLA targets section here.>"
        );
        for name in [
            "Meaning",
            "Who's on call",
            "A <b> \"quoted\" = name",
            "退款",
        ] {
            let prompt = section_prompt(name);
            assert_eq!(
                crate::repo::elements::prompt_len(&prompt),
                Some(prompt.len()),
                "{prompt}"
            );
        }
    }

    #[test]
    fn slugs_stay_readable() {
        assert_eq!(
            slug("Virtual Gift Refund Requests"),
            "virtual-gift-refund-requests"
        );
        assert_eq!(
            slug("Rückerstattung für Geschenke"),
            "ruckerstattung-fur-geschenke"
        );
        assert_eq!(slug("Creator's payout (EU)"), "creators-payout-eu");
        assert_eq!(slug("虚拟礼物退款"), "xu-ni-li-wu-tui-kuan");
        assert_eq!(slug("!!!"), "untitled");
        assert_eq!(slug("Возврат подарков"), "vozvrat-podarkov");
        assert_eq!(slug("Rückgabe über Filialen"), "ruckgabe-uber-filialen");
        // Arabic gives `strdd-lhdy-lfrdy` letter by letter: no slug, the file is named by id.
        assert_eq!(title_slug("استرداد الهدايا الفردية"), "");
        assert_eq!(slug("استرداد الهدايا الفردية"), "untitled");
        assert_eq!(title_slug("SEV1 استرداد"), "sev1");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
    }

    #[test]
    fn yaml_quote_only_when_needed() {
        assert_eq!(yaml_quote("Account Recovery"), "Account Recovery");
        assert_eq!(yaml_quote("Escalation: SEV1"), "\"Escalation: SEV1\"");
        assert_eq!(yaml_quote("yes"), "\"yes\"");
        assert_eq!(yaml_quote("1.0"), "\"1.0\"");
        assert_eq!(yaml_quote("say \"hi\""), "say \"hi\"");
        assert_eq!(yaml_quote("\"hi\" there"), "\"\\\"hi\\\" there\"");
        assert_eq!(yaml_quote("<Who?>"), "\"<Who?>\"");
    }

    #[test]
    fn a_path_that_climbs_is_outside() {
        let root = Path::new("/r");
        assert_eq!(outside_root(root, Path::new("/r/sops/a/SOP-1-x.md")), None);
        assert!(outside_root(root, Path::new("/r/sops/../../../pwn-2-a.md")).is_some());
        assert!(outside_root(root, Path::new("/r/sops/ok/../x.md")).is_some());
        assert!(outside_root(root, Path::new("/elsewhere/x.md")).is_some());
        assert!(outside_root(root, Path::new("/r")).is_some());
    }

    #[test]
    fn sections_move_to_the_level_with_their_sub_headings() {
        let ty = SopType {
            name: "policy".into(),
            sections: vec!["Purpose".into(), "Policy".into()],
            aliases: Default::default(),
            paths: None,
            review_every: None,
            builtin: false,
            description: String::new(),
        };
        let text = "---\nid: X\n---\n\n## Purpose\n\nA ## b\n\n## Policy\n\n### Definitions\n\n```\n## not a heading\n```\n";
        let three = at_level(text, &ty, SectionLevel::Level(3));
        assert_eq!(
            three,
            text.replace("## Purpose", "### Purpose")
                .replace("## Policy", "### Policy")
                .replace("### Definitions", "#### Definitions")
        );
        assert_eq!(at_level(&three, &ty, SectionLevel::Level(2)), text);
        assert_eq!(at_level(text, &ty, SectionLevel::Any), text);
        assert_eq!(at_level(text, &ty, SectionLevel::Level(2)), text);
    }

    #[test]
    fn categories_are_safe_paths() {
        assert_eq!(
            category_path("Trust & Safety").as_deref(),
            Some("trust-safety")
        );
        assert_eq!(category_path("../etc").as_deref(), Some("etc"));
        assert_eq!(category_path(" / "), None);
    }
}
