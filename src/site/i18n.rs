//! The site's interface in the reader's language: message catalogues, language names, writing
//! direction and readable ASCII for file names.
//!
//! Catalogues are TOML files under `templates/site/i18n/<language>.toml`, one per language,
//! built into `sop`. A repository's own `templates/site/i18n/<language>.toml` may hold only
//! some keys: a key is looked up in the repository's catalogue of the page's language, then the
//! built-in one of that language, then the same two for the base language (`pt` for `pt-BR`),
//! then English. A key found nowhere is an error naming the key and the files read, never a
//! blank.
//!
//! A message is a string, or a table `{ one = "...", other = "..." }` chosen by the `count`
//! parameter (`one` when it is 1). `{name}` in a message is replaced by the parameter `name`;
//! text between backticks is shown as code.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::SiteError;

/// The folder of the catalogues inside the theme.
const DIR: &str = "i18n/";

/// The language every other falls back to; its built-in catalogue has every key.
pub const FALLBACK: &str = "en";

/// One message of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Message {
    Text(String),
    Plural { one: String, other: String },
}

/// The messages of one language, from one or two files.
#[derive(Debug, Default)]
struct Catalogue {
    /// Key to message; the repository's messages already laid over the built-in ones.
    messages: BTreeMap<String, Message>,
    /// The files read, for messages: the repository's first.
    files: Vec<String>,
}

/// Every catalogue of the theme, by language tag (lowercase).
#[derive(Debug, Default)]
pub struct I18n {
    catalogues: BTreeMap<String, Catalogue>,
}

/// A message with its parameters filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// Plain text, to be escaped where it is shown.
    Text(String),
    /// HTML (the message had code spans); everything in it is already escaped.
    Html(String),
}

impl I18n {
    /// Read the catalogues among the theme's `builtin` files and the repository's `own`
    /// files (paths relative to the theme folder, `i18n/es.toml`).
    ///
    /// # Errors
    /// [`SiteError::Theme`] naming the file and line of a catalogue that is not valid TOML,
    /// or a key whose value is not text.
    pub fn load(
        builtin: &BTreeMap<String, Vec<u8>>,
        own: &BTreeMap<String, Vec<u8>>,
    ) -> Result<I18n, SiteError> {
        let mut i18n = I18n::default();
        for (files, label) in [(builtin, "built-in "), (own, "templates/site/")] {
            for (path, bytes) in files {
                let Some(lang) = catalogue_language(path) else {
                    continue;
                };
                let name = if label.starts_with("built") {
                    format!("the built-in `{path}`")
                } else {
                    format!("`{label}{path}`")
                };
                let messages = parse(&name, bytes)?;
                let catalogue = i18n.catalogues.entry(lang).or_default();
                catalogue.messages.extend(messages);
                catalogue.files.insert(0, name);
            }
        }
        Ok(i18n)
    }

    /// The language whose catalogue serves `tag`: the tag itself, else its base language,
    /// else English. Pages put it in `<html lang>`.
    pub fn language(&self, tag: &str) -> String {
        self.chain(tag)
            .into_iter()
            .next()
            .unwrap_or_else(|| FALLBACK.to_string())
    }

    /// The catalogues to read for `tag`, in order.
    fn chain(&self, tag: &str) -> Vec<String> {
        let tag = tag.to_ascii_lowercase();
        let base = tag.split('-').next().unwrap_or(&tag).to_string();
        let mut out: Vec<String> = Vec::new();
        for t in [tag, base, FALLBACK.to_string()] {
            if self.catalogues.contains_key(&t) && !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// The message `key` in language `lang` with `params` filled in.
    ///
    /// # Errors
    /// What is wrong, for the writer: the key is in no catalogue read, a plural message has
    /// no `count`, or the message names a parameter the caller did not give.
    pub fn render(
        &self,
        lang: &str,
        key: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<Rendered, String> {
        let chain = self.chain(lang);
        let found = chain.iter().find_map(|l| {
            let c = self.catalogues.get(l)?;
            Some((c.messages.get(key)?, c))
        });
        let Some((message, catalogue)) = found else {
            let files: Vec<&str> = chain
                .iter()
                .filter_map(|l| self.catalogues.get(l))
                .flat_map(|c| c.files.iter().map(String::as_str))
                .collect();
            return Err(format!(
                "the interface text `{key}` is in no message catalogue (read {}): add `{key} = \"...\"` to `templates/site/i18n/{FALLBACK}.toml`, or correct the key in the template",
                if files.is_empty() {
                    "none".to_string()
                } else {
                    files.join(", ")
                }
            ));
        };
        let text = match message {
            Message::Text(t) => t,
            Message::Plural { one, other } => {
                let count = params.get("count").ok_or_else(|| {
                    format!("the interface text `{key}` depends on a number: give it `count=...`")
                })?;
                if count.trim() == "1" { one } else { other }
            }
        };
        let source = catalogue.files.first().map_or("", String::as_str);
        fill(text, params).map_err(|name| {
            format!(
                "the interface text `{key}` in {source} uses `{{{name}}}`, which the template does not give: give it `{name}=...`, or remove `{{{name}}}` from the message"
            )
        })
    }

    /// [`I18n::render`] as plain text, for the texts the site's code writes (notices, status
    /// words); code spans keep their backticks. A key found nowhere gives the key itself, which
    /// a unit test rules out for the built-in keys.
    pub fn text(&self, lang: &str, key: &str, params: &[(&str, &str)]) -> String {
        let params = params
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        match self.render_plain(lang, key, &params) {
            Ok(t) => t,
            Err(_) => key.to_string(),
        }
    }

    fn render_plain(
        &self,
        lang: &str,
        key: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<String, String> {
        let chain = self.chain(lang);
        let message = chain
            .iter()
            .find_map(|l| self.catalogues.get(l)?.messages.get(key))
            .ok_or_else(|| key.to_string())?;
        let text = match message {
            Message::Text(t) => t,
            Message::Plural { one, other } => {
                if params.get("count").is_some_and(|c| c == "1") {
                    one
                } else {
                    other
                }
            }
        };
        substitute(text, params)
    }
}

impl I18n {
    /// The name of language `tag` in a sentence of a page in `lang` ("inglés" on a Spanish
    /// page): the `[language]` table of the catalogues `lang` reads, a regional tag adding the
    /// tag ("portugués (pt-BR)"); the language's own name ([`endonym`]) when no catalogue
    /// names it.
    pub fn language_name(&self, lang: &str, tag: &str) -> String {
        let lower = tag.to_ascii_lowercase();
        let base = lower.split('-').next().unwrap_or(&lower);
        let key = format!("language.{base}");
        let found = self.chain(lang).iter().find_map(|l| {
            match self.catalogues.get(l)?.messages.get(&key)? {
                Message::Text(t) => Some(t.clone()),
                Message::Plural { .. } => None,
            }
        });
        match found {
            Some(name) if base == lower => name,
            Some(name) => format!("{name} ({tag})"),
            None => endonym(tag),
        }
    }
}

/// The interface texts of one language, for the code that writes texts itself (feeds, chart
/// labels, notices).
#[derive(Debug, Clone, Copy)]
pub struct Texts<'a> {
    i18n: &'a I18n,
    lang: &'a str,
}

impl Texts<'_> {
    /// The message `key` with `params` filled in, as plain text (see [`I18n::text`]).
    pub fn get(&self, key: &str, params: &[(&str, &str)]) -> String {
        self.i18n.text(self.lang, key, params)
    }
}

impl I18n {
    /// The texts of `lang` (a language tag; see [`I18n::language`] for the catalogue used).
    pub fn texts<'a>(&'a self, lang: &'a str) -> Texts<'a> {
        Texts { i18n: self, lang }
    }
}

/// Register the `t` function: `{{ t(key="nav.all_sops") }}`, with parameters as further
/// arguments (`count=3`) or a map (`params=notice.params`). The language is `lang=...` when
/// given, else the page's `layout.lang`, else English.
pub fn register(tera: &mut tera::Tera, i18n: Arc<I18n>) {
    // Messages without parameters, as rendered, by language and key: every page asks for the
    // same few dozen, and a site has thousands of pages.
    let plain: std::sync::RwLock<PlainMessages> = std::sync::RwLock::default();
    tera.register_function(
        "t",
        move |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<tera::Value> {
            let key: &str = kwargs.must_get("key")?;
            let layout = state.get::<tera::Value>("layout")?;
            let lang: &str = match kwargs.get::<&str>("lang")? {
                Some(l) => l,
                None => layout
                    .as_ref()
                    .and_then(|l| l.get_from_path("lang").and_then(|v| v.as_str()))
                    .unwrap_or(FALLBACK),
            };
            let without_params = kwargs
                .iter()
                .all(|(k, _)| k.as_str().is_some_and(|k| matches!(k, "key" | "lang")));
            if without_params {
                let known = plain
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .get(lang)
                    .and_then(|m| m.get(key))
                    .cloned();
                if let Some(value) = known {
                    return Ok(value);
                }
            }
            let mut params = BTreeMap::new();
            if let Some(map) = kwargs.get::<tera::Map>("params")? {
                for (k, v) in &map {
                    if let Some(k) = k.as_str() {
                        params.insert(k.to_string(), v.to_string());
                    }
                }
            }
            for (k, v) in kwargs.iter() {
                if let Some(k) = k
                    .as_str()
                    .filter(|k| !matches!(*k, "key" | "lang" | "params"))
                {
                    params.insert(k.to_string(), v.to_string());
                }
            }
            let value = match i18n.render(lang, key, &params) {
                Ok(Rendered::Text(t)) => tera::Value::normal_string(&t),
                Ok(Rendered::Html(h)) => tera::Value::safe_string(&h),
                Err(message) => return Err(tera::Error::message(message)),
            };
            if without_params {
                plain
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .entry(lang.into())
                    .or_default()
                    .insert(key.into(), value.clone());
            }
            Ok(value)
        },
    );
}

/// Messages rendered without parameters: by language, then key.
type PlainMessages = rustc_hash::FxHashMap<Box<str>, rustc_hash::FxHashMap<Box<str>, tera::Value>>;

/// The language of a catalogue file of the theme: `i18n/pt-BR.toml` → `pt-br`.
fn catalogue_language(path: &str) -> Option<String> {
    let name = path.strip_prefix(DIR)?.strip_suffix(".toml")?;
    crate::repo::sop::is_language_tag(&name.to_ascii_lowercase()).then(|| name.to_ascii_lowercase())
}

/// The messages of one catalogue file, keys flattened with dots (`[nav] all_sops` →
/// `nav.all_sops`).
fn parse(name: &str, bytes: &[u8]) -> Result<BTreeMap<String, Message>, SiteError> {
    let text = std::str::from_utf8(bytes).map_err(|_| SiteError::Theme {
        message: format!("the message catalogue {name} is not UTF-8 text: save it as UTF-8"),
    })?;
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        SiteError::Theme {
            message: format!(
                "the message catalogue {name}{} is not valid TOML: {}",
                line.map(|l| format!(" line {l}")).unwrap_or_default(),
                e.message()
            ),
        }
    })?;
    let mut out = BTreeMap::new();
    flatten(name, "", &table, &mut out)?;
    Ok(out)
}

fn flatten(
    name: &str,
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, Message>,
) -> Result<(), SiteError> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, Message::Text(s.clone()));
            }
            toml::Value::Table(t) if t.contains_key("other") => {
                let get = |form: &str| match t.get(form) {
                    Some(toml::Value::String(s)) => Ok(s.clone()),
                    _ => Err(SiteError::Theme {
                        message: format!(
                            "the message catalogue {name}: `{key}` needs `one` and `other` as text, as in `{key} = {{ one = \"{{count}} SOP\", other = \"{{count}} SOPs\" }}`"
                        ),
                    }),
                };
                out.insert(
                    key.clone(),
                    Message::Plural {
                        one: get("one")?,
                        other: get("other")?,
                    },
                );
            }
            toml::Value::Table(t) => flatten(name, &key, t, out)?,
            _ => {
                return Err(SiteError::Theme {
                    message: format!(
                        "the message catalogue {name}: `{key}` must be text in quotes, as in `{k} = \"...\"`"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// `text` with its parameters filled in; code spans (between backticks) become `<code>` and
/// the whole is then HTML.
fn fill(text: &str, params: &BTreeMap<String, String>) -> Result<Rendered, String> {
    if !text.contains('`') {
        return substitute(text, params).map(Rendered::Text);
    }
    let mut html = String::new();
    for (i, part) in text.split('`').enumerate() {
        let part = super::escape_html(&substitute(part, params)?);
        if i % 2 == 1 {
            html.push_str(&format!("<code>{part}</code>"));
        } else {
            html.push_str(&part);
        }
    }
    Ok(Rendered::Html(html))
}

/// `{name}` replaced by the parameter `name`; a brace that does not start a name is kept.
/// The error is the name of a missing parameter.
fn substitute(text: &str, params: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            let name = &after[..name_len];
            out.push_str(params.get(name).ok_or_else(|| name.to_string())?);
            rest = &after[name_len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The English name of language `tag` ("Portuguese" for `pt`), as the built-in catalogues give
/// it, for messages outside the site; the language's own name ([`endonym`]) when they give none.
pub fn english_name(tag: &str) -> String {
    let builtin: BTreeMap<String, Vec<u8>> = crate::assets::builtin_dir("site")
        .into_iter()
        .filter(|(p, _)| p.starts_with("site/i18n/"))
        .filter_map(|(p, b)| Some((p.strip_prefix("site/")?.to_string(), b.to_vec())))
        .collect();
    match I18n::load(&builtin, &BTreeMap::new()) {
        Ok(i18n) => i18n.language_name("en", tag),
        Err(_) => endonym(tag),
    }
}

/// The name of a language in that language ("Español", "Deutsch", "العربية"); a regional tag
/// adds the tag ("Português (pt-BR)"); an unknown tag is shown as it is.
pub fn endonym(tag: &str) -> String {
    let base = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    let name = match base.as_str() {
        "ar" => "العربية",
        "bg" => "Български",
        "bn" => "বাংলা",
        "ca" => "Català",
        "cs" => "Čeština",
        "cy" => "Cymraeg",
        "da" => "Dansk",
        "de" => "Deutsch",
        "el" => "Ελληνικά",
        "en" => "English",
        "es" => "Español",
        "et" => "Eesti",
        "eu" => "Euskara",
        "fa" => "فارسی",
        "fi" => "Suomi",
        "fil" | "tl" => "Filipino",
        "fr" => "Français",
        "ga" => "Gaeilge",
        "gl" => "Galego",
        "he" => "עברית",
        "hi" => "हिन्दी",
        "hr" => "Hrvatski",
        "hu" => "Magyar",
        "hy" => "Հայերեն",
        "id" => "Bahasa Indonesia",
        "is" => "Íslenska",
        "it" => "Italiano",
        "ja" => "日本語",
        "ka" => "ქართული",
        "kk" => "Қазақ тілі",
        "ko" => "한국어",
        "lt" => "Lietuvių",
        "lv" => "Latviešu",
        "ms" => "Bahasa Melayu",
        "nb" => "Norsk bokmål",
        "nl" => "Nederlands",
        "nn" => "Norsk nynorsk",
        "no" => "Norsk",
        "pl" => "Polski",
        "pt" => "Português",
        "ro" => "Română",
        "ru" => "Русский",
        "sk" => "Slovenčina",
        "sl" => "Slovenščina",
        "sq" => "Shqip",
        "sr" => "Српски",
        "sv" => "Svenska",
        "sw" => "Kiswahili",
        "ta" => "தமிழ்",
        "th" => "ไทย",
        "tr" => "Türkçe",
        "uk" => "Українська",
        "ur" => "اردو",
        "vi" => "Tiếng Việt",
        "zh" => "中文",
        _ => return tag.to_string(),
    };
    if base == tag {
        name.to_string()
    } else {
        format!("{name} ({tag})")
    }
}

/// Whether `tag` is written right to left: Arabic, Hebrew, Persian, Urdu and the other
/// languages written in those scripts, or any tag with an `Arab`, `Hebr`, `Syrc` or `Thaa`
/// script subtag.
pub fn is_rtl(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    let mut parts = lower.split('-');
    let base = parts.next().unwrap_or_default();
    let script = parts.find(|p| p.len() == 4);
    match script {
        Some(s) => matches!(s, "arab" | "hebr" | "syrc" | "thaa" | "nkoo" | "adlm"),
        None => matches!(
            base,
            "ar" | "arc"
                | "ckb"
                | "dv"
                | "fa"
                | "he"
                | "iw"
                | "ks"
                | "ps"
                | "sd"
                | "ug"
                | "ur"
                | "yi"
        ),
    }
}

/// `"rtl"` or `"ltr"` for `tag`.
pub fn direction(tag: &str) -> &'static str {
    if is_rtl(tag) { "rtl" } else { "ltr" }
}

/// Whether the first letter of `text` is written right to left (Hebrew, Arabic-script,
/// Syriac, Thaana, N'Ko): the direction of a text that says no `language`.
pub fn starts_right_to_left(text: &str) -> bool {
    text.chars().find(|c| c.is_alphabetic()).is_some_and(|c| {
        matches!(c as u32,
            0x0590..=0x08FF // Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic extended
            | 0xFB1D..=0xFDFF // Hebrew and Arabic presentation forms A
            | 0xFE70..=0xFEFF // Arabic presentation forms B
        )
    })
}

/// `text` in ASCII where the transliteration reads well, for file names and URLs.
///
/// Latin (accents dropped: "Rückerstattung" → "Ruckerstattung"), Greek, Cyrillic, Chinese
/// (pinyin), Korean, Indic and most other scripts are transliterated. Characters whose
/// transliteration would not read well are left out, each leaving a word break:
/// - Arabic-script and Hebrew (and Syriac): written without most vowels, so the ASCII is a
///   row of consonants (`استرداد الهدايا` → `strdd lhdy`) no reader recognises;
/// - Thai, Lao, Khmer and Myanmar: written without spaces between words, so a title comes
///   out as one long run of letters (`การคืนเงิน` → `kaarkhuuenengin`);
/// - Japanese: its kanji come out as Chinese readings, so in a text with kana neither kana
///   nor kanji are kept;
/// - emoji and other pictographs: decoration, whose English names (`🎁` → `gift`) would read
///   as words of the title.
///
/// The result may be empty: the caller then names the file by its id alone.
pub fn readable_ascii(text: &str) -> String {
    let japanese = text.chars().any(is_kana);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if unreadable(c) || (japanese && (is_kana(c) || is_han(c))) {
            out.push(' ');
        } else {
            let mut buf = [0u8; 4];
            out.push_str(deunicode::deunicode(c.encode_utf8(&mut buf)).as_str());
            if is_han(c) {
                // Each Chinese character is one syllable; deunicode separates them itself.
                out.push(' ');
            }
        }
    }
    out
}

/// Letters of the scripts, and the pictographs, [`readable_ascii`] leaves out.
fn unreadable(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x05FF // Hebrew
        | 0x0600..=0x06FF // Arabic
        | 0x0700..=0x074F // Syriac
        | 0x0750..=0x077F // Arabic Supplement
        | 0x0870..=0x08FF // Arabic Extended-B, -A
        | 0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x19E0..=0x19FF // Khmer symbols
        | 0x200D // zero-width joiner (between the parts of an emoji)
        | 0x2600..=0x27BF // miscellaneous symbols, dingbats
        | 0xFE0F // emoji presentation
        | 0x1F000..=0x1FAFF // emoji and pictographs
        | 0xFB1D..=0xFB4F // Hebrew presentation forms
        | 0xFB50..=0xFDFF // Arabic presentation forms A
        | 0xFE70..=0xFEFF // Arabic presentation forms B
    )
}

fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> BTreeMap<String, Vec<u8>> {
        crate::assets::builtin_dir("site")
            .into_iter()
            .filter_map(|(p, b)| Some((p.strip_prefix("site/")?.to_string(), b.to_vec())))
            .collect()
    }

    fn own(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|(p, t)| ((*p).to_string(), t.as_bytes().to_vec()))
            .collect()
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    fn plain(i18n: &I18n, lang: &str, key: &str, p: &[(&str, &str)]) -> String {
        match i18n.render(lang, key, &params(p)) {
            Ok(Rendered::Text(t)) => t,
            other => panic!("{key}: {other:?}"),
        }
    }

    /// The `{name}` parameters a message uses, sorted.
    fn placeholders(m: &Message) -> Vec<String> {
        let texts = match m {
            Message::Text(t) => vec![t.as_str()],
            Message::Plural { one, other } => vec![one.as_str(), other.as_str()],
        };
        let mut out: Vec<String> = texts
            .iter()
            .flat_map(|t| t.split('{').skip(1))
            .filter_map(|p| Some(p.split_once('}')?.0.to_string()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn english_and_spanish_are_complete_and_use_the_same_parameters() {
        let i18n = I18n::load(&builtin(), &BTreeMap::new()).unwrap();
        let en = &i18n.catalogues["en"].messages;
        let es = &i18n.catalogues["es"].messages;
        let en_keys: Vec<&String> = en.keys().collect();
        let es_keys: Vec<&String> = es.keys().collect();
        assert_eq!(
            en_keys, es_keys,
            "es.toml must have exactly the keys of en.toml"
        );
        for (key, m) in en {
            assert_eq!(
                placeholders(m),
                placeholders(&es[key]),
                "parameters of `{key}`"
            );
            if let (Message::Text(e), Message::Text(s)) = (m, &es[key]) {
                assert!(
                    !s.trim().is_empty() && !e.trim().is_empty(),
                    "`{key}` is blank"
                );
            }
        }
    }

    #[test]
    fn every_key_the_site_code_uses_is_in_english() {
        // The keys the Rust code passes to `Build::tr`, `Build::say` and `Texts::get` (notices,
        // status words, titles, feeds).
        let sources = [
            include_str!("pages/mod.rs"),
            include_str!("pages/sop.rs"),
            include_str!("pages/lists.rs"),
            include_str!("pages/dashboard.rs"),
            include_str!("feeds.rs"),
        ];
        let i18n = I18n::load(&builtin(), &BTreeMap::new()).unwrap();
        let en = &i18n.catalogues["en"].messages;
        let sections: std::collections::BTreeSet<&str> = en
            .keys()
            .filter_map(|k| k.split_once('.').map(|(s, _)| s))
            .collect();
        let mut seen = 0;
        for source in sources {
            for &section in &sections {
                for piece in source.split(&format!("\"{section}.")).skip(1) {
                    let Some((rest, _)) = piece.split_once('"') else {
                        continue;
                    };
                    if rest.ends_with('.')
                        || rest.contains(['{', ' '])
                        || matches!(rest, "html" | "xml" | "svg" | "js")
                    {
                        continue; // a prefix (`"status." ...`) or a file name, not a whole key
                    }
                    let key = format!("{section}.{rest}");
                    assert!(en.contains_key(&key), "`{key}` is not in en.toml");
                    seen += 1;
                }
            }
        }
        assert!(
            seen > 60,
            "only {seen} keys found: the scan no longer matches the code"
        );
    }

    #[test]
    fn an_override_changes_some_keys_and_the_rest_fall_back() {
        let files = own(&[
            ("i18n/es.toml", "[nav]\nall_sops = \"Procedimientos\"\n"),
            ("i18n/de.toml", "[nav]\nall_sops = \"Alle SOPs\"\n"),
        ]);
        let i18n = I18n::load(&builtin(), &files).unwrap();
        // The repository's text wins; the built-in Spanish fills the rest.
        assert_eq!(plain(&i18n, "es", "nav.all_sops", &[]), "Procedimientos");
        assert_eq!(plain(&i18n, "es", "nav.tags", &[]), "Etiquetas");
        // A language with only an override: its keys, then English.
        assert_eq!(plain(&i18n, "de", "nav.all_sops", &[]), "Alle SOPs");
        assert_eq!(plain(&i18n, "de", "nav.tags", &[]), "Tags");
        // A regional tag uses its base language; an unknown language is English.
        assert_eq!(plain(&i18n, "es-MX", "nav.tags", &[]), "Etiquetas");
        assert_eq!(i18n.language("es-MX"), "es");
        assert_eq!(plain(&i18n, "fi", "nav.tags", &[]), "Tags");
        assert_eq!(i18n.language("fi"), "en");
        assert_eq!(i18n.language("ar"), "en");
    }

    #[test]
    fn an_english_override_serves_languages_without_the_key() {
        let files = own(&[("i18n/en.toml", "[custom]\nbanner = \"Hello {who}\"\n")]);
        let i18n = I18n::load(&builtin(), &files).unwrap();
        assert_eq!(
            plain(&i18n, "es", "custom.banner", &[("who", "Ana")]),
            "Hello Ana"
        );
    }

    #[test]
    fn a_missing_key_is_an_error_naming_the_key_and_the_files() {
        let files = own(&[("i18n/es.toml", "[nav]\nall_sops = \"Procedimientos\"\n")]);
        let i18n = I18n::load(&builtin(), &files).unwrap();
        let err = i18n
            .render("es", "nav.all_sop", &BTreeMap::new())
            .unwrap_err();
        assert!(err.contains("`nav.all_sop`"), "{err}");
        assert!(err.contains("`templates/site/i18n/es.toml`"), "{err}");
        assert!(err.contains("the built-in `i18n/es.toml`"), "{err}");
        assert!(err.contains("the built-in `i18n/en.toml`"), "{err}");
    }

    #[test]
    fn parameters_plurals_and_code_spans() {
        let i18n = I18n::load(&builtin(), &BTreeMap::new()).unwrap();
        assert_eq!(plain(&i18n, "en", "count.sops", &[("count", "1")]), "1 SOP");
        assert_eq!(
            plain(&i18n, "en", "count.sops", &[("count", "3")]),
            "3 SOPs"
        );
        assert_eq!(
            plain(&i18n, "es", "count.current_sops", &[("count", "2")]),
            "2 SOP vigentes."
        );
        let err = i18n
            .render("en", "count.sops", &BTreeMap::new())
            .unwrap_err();
        assert!(err.contains("count="), "{err}");
        let err = i18n
            .render("en", "history.version_n", &BTreeMap::new())
            .unwrap_err();
        assert!(
            err.contains("`{version}`") && err.contains("en.toml"),
            "{err}"
        );
        let html = i18n.render("en", "dashboard.more_due", &params(&[("count", "<4>")]));
        assert_eq!(
            html,
            Ok(Rendered::Html(
                "&lt;4&gt; more not shown: run <code>sop due</code> for the full list.".into()
            ))
        );
        // Braces that are not a parameter stay.
        assert_eq!(
            substitute("a {b c} {}", &BTreeMap::new()),
            Ok("a {b c} {}".into())
        );
    }

    #[test]
    fn broken_catalogues_are_reported_with_file_and_line() {
        let files = own(&[("i18n/es.toml", "[nav]\nall_sops = \"unclosed\n")]);
        let err = I18n::load(&builtin(), &files).unwrap_err().to_string();
        assert!(
            err.contains("`templates/site/i18n/es.toml` line 2"),
            "{err}"
        );
        let files = own(&[("i18n/es.toml", "[nav]\nall_sops = 3\n")]);
        let err = I18n::load(&builtin(), &files).unwrap_err().to_string();
        assert!(err.contains("`nav.all_sops` must be text"), "{err}");
    }

    #[test]
    fn the_t_function_uses_the_page_language() {
        let i18n = Arc::new(I18n::load(&builtin(), &BTreeMap::new()).unwrap());
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html"]);
        register(&mut tera, i18n);
        tera.add_raw_template(
            "p.html",
            "{{ t(key=\"nav.all_sops\") }}|{{ t(key=\"count.sops\", count=n) }}|{{ t(key=\"history.not_approved\", params=p) }}|{{ t(key=\"dashboard.more\", count=1, lang=\"en\") }}",
        )
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("layout", &serde_json::json!({ "lang": "es" }));
        ctx.insert("n", &3);
        ctx.insert("p", &serde_json::json!({ "status": "<b>" }));
        assert_eq!(
            tera.render("p.html", &ctx).unwrap(),
            "Todos los SOP|3 SOP|no aprobada (&lt;b&gt;)|1 more not shown."
        );
        tera.add_raw_template("bad.html", "{{ t(key=\"nav.nope\") }}")
            .unwrap();
        let err = tera.render("bad.html", &ctx).unwrap_err();
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            message.push_str(&s.to_string());
            source = s.source();
        }
        assert!(message.contains("`nav.nope`"), "{message}");
    }

    #[test]
    fn language_names_in_a_sentence_are_in_the_pages_language() {
        let files = own(&[("i18n/de.toml", "[language]\nen = \"Englisch\"\n")]);
        let i18n = I18n::load(&builtin(), &files).unwrap();
        assert_eq!(i18n.language_name("es", "en"), "inglés");
        assert_eq!(i18n.language_name("es-MX", "pt-BR"), "portugués (pt-BR)");
        assert_eq!(i18n.language_name("en", "es"), "Spanish");
        assert_eq!(i18n.language_name("de", "en"), "Englisch");
        // Not named by the page's catalogues: English ones, then the language's own name.
        assert_eq!(i18n.language_name("de", "fr"), "French");
        assert_eq!(i18n.language_name("es", "kk"), "Қазақ тілі");
        assert_eq!(i18n.language_name("es", "xx"), "xx");
    }

    #[test]
    fn language_names_are_endonyms() {
        assert_eq!(endonym("es"), "Español");
        assert_eq!(endonym("de"), "Deutsch");
        assert_eq!(endonym("ar"), "العربية");
        assert_eq!(endonym("zh"), "中文");
        assert_eq!(endonym("pt-BR"), "Português (pt-BR)");
        assert_eq!(endonym("xx"), "xx");
    }

    #[test]
    fn right_to_left_languages() {
        for tag in ["ar", "he", "fa", "ur", "ar-EG", "ks-Arab"] {
            assert!(is_rtl(tag), "{tag}");
        }
        for tag in ["en", "es", "zh", "ks-Deva", "az-Latn", "und"] {
            assert!(!is_rtl(tag), "{tag}");
        }
        assert_eq!(direction("he"), "rtl");
        assert_eq!(direction("de"), "ltr");
    }

    #[test]
    fn a_text_in_arabic_or_hebrew_starts_right_to_left() {
        assert!(starts_right_to_left("استرداد الهدايا"));
        assert!(starts_right_to_left("  «החזר» מתנות"));
        assert!(!starts_right_to_left("Refunds (استرداد)"));
        assert!(!starts_right_to_left("2026 退款"));
        assert!(!starts_right_to_left(""));
    }

    #[test]
    fn readable_ascii_leaves_out_what_does_not_read() {
        assert_eq!(readable_ascii("استرداد الهدايا").trim(), "");
        assert_eq!(readable_ascii("החזר מתנות").trim(), "");
        assert_eq!(readable_ascii("Возврат"), "Vozvrat");
        assert_eq!(readable_ascii("Über"), "Uber");
        assert_eq!(readable_ascii("返金の手続き").trim(), "");
        assert!(readable_ascii("虚拟礼物").contains("Xu"));
        assert_eq!(readable_ascii("การคืนเงินให้ครีเอเตอร์").trim(), "");
        assert_eq!(readable_ascii("ការសងប្រាក់").trim(), "");
        assert_eq!(readable_ascii("Gift refunds 🎁✅").trim(), "Gift refunds");
        assert_eq!(
            readable_ascii("Team 👩‍💻 on call")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Team", "on", "call"]
        );
        assert_eq!(
            readable_ascii("Refund استرداد")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Refund"]
        );
    }
}
