//! The theme: Tera templates and static files (CSS, JS, images) from `templates/site/`, built
//! into `sop` and overridable file by file from the repository's own `templates/site/`.
//!
//! Tera is used only here, so the engine could be swapped without touching the rest.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::SiteError;
use super::i18n::I18n;

/// The folder of the theme under `templates/`.
const DIR: &str = "site";

/// Loaded templates and static files.
pub struct Theme {
    tera: tera::Tera,
    /// Static files by site path (`assets/site.css`), built-in ones replaced by the repository's.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// The message catalogues (`i18n/<language>.toml`), the repository's over the built-in.
    pub i18n: Arc<I18n>,
}

impl Theme {
    /// Load the built-in theme and the repository's overrides under `root/templates/site/`.
    ///
    /// # Errors
    /// [`SiteError::Read`] when an override cannot be read, [`SiteError::Template`] when a
    /// template does not parse.
    pub fn load(root: &Path) -> Result<Theme, SiteError> {
        let mut files: BTreeMap<String, Vec<u8>> = crate::assets::builtin_dir(DIR)
            .into_iter()
            .filter_map(|(path, bytes)| {
                let rel = path.strip_prefix("site/")?;
                Some((rel.to_string(), bytes.to_vec()))
            })
            .collect();
        let own = root.join("templates").join(DIR);
        let mut own_files = BTreeMap::new();
        if own.is_dir() {
            read_overrides(&own, &own, &mut own_files)?;
        }
        let i18n = Arc::new(I18n::load(&files, &own_files)?);
        files.extend(own_files);
        let mut templates = Vec::new();
        let mut assets = BTreeMap::new();
        for (rel, bytes) in files {
            if rel.starts_with("i18n/") && rel.ends_with(".toml") {
                continue;
            }
            // Pages, and the feeds and sitemap (`feed.xml`, `sitemap.xml`).
            if rel.ends_with(".html") || rel.ends_with(".xml") {
                let text = String::from_utf8(bytes).map_err(|_| SiteError::Template {
                    name: rel.clone(),
                    message: "the template is not UTF-8 text".into(),
                })?;
                templates.push((rel, text));
            } else {
                assets.insert(format!("assets/{rel}"), bytes);
            }
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        register_filters(&mut tera);
        super::i18n::register(&mut tera, Arc::clone(&i18n));
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| SiteError::Theme {
                message: error_chain(&e),
            })?;
        Ok(Theme { tera, assets, i18n })
    }

    /// Render the template `name` with `context`.
    ///
    /// # Errors
    /// [`SiteError::Template`] naming the template and the cause.
    pub fn render<C: Serialize>(&self, name: &str, context: &C) -> Result<String, SiteError> {
        let ctx = tera::Context::from_serialize(context).map_err(|e| template_error(name, &e))?;
        self.tera
            .render(name, &ctx)
            .map_err(|e| template_error(name, &e))
    }

    /// Render as [`Theme::render`] does, into a buffer of `capacity` bytes made at once, for a
    /// page whose size depends on its data, not on its template (a page of many cards): it is
    /// not copied from buffer to larger buffer as it grows (the untouched part of a generous
    /// estimate costs no memory).
    ///
    /// # Errors
    /// As [`Theme::render`].
    pub fn render_sized<C: Serialize>(
        &self,
        name: &str,
        context: &C,
        capacity: usize,
    ) -> Result<String, SiteError> {
        let ctx = tera::Context::from_serialize(context).map_err(|e| template_error(name, &e))?;
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(name, &ctx, &mut out)
            .map_err(|e| template_error(name, &e))?;
        String::from_utf8(out).map_err(|_| SiteError::Template {
            name: name.to_string(),
            message: "the template made text that is not UTF-8".into(),
        })
    }
}

/// Tera's autoescape, with the same five entities (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`),
/// but the text between them written in one piece: Tera's own writes every byte on its own,
/// which was a tenth of rendering the pages.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(bytes.get(from..i).unwrap_or_default())?;
        out.write_all(entity)?;
        from = i + 1;
    }
    out.write_all(bytes.get(from..).unwrap_or_default())
}

/// The filters the site templates may use, registered in one place.
fn register_filters(tera: &mut tera::Tera) {
    // The output is marked safe: `css_string` already escapes everything HTML would treat
    // specially (`<`, `>`, `&`, quotes), and HTML escaping on top would print `&amp;` in a
    // printed page header.
    tera.register_filter(
        "css_string",
        |value: &str, _: tera::Kwargs, _: &tera::State| {
            tera::Value::safe_string(&css_string(value))
        },
    );
}

/// `text` escaped for use inside a double- or single-quoted CSS string in a `<style>`
/// element: letters, digits, spaces and plain punctuation are kept; anything else (quotes,
/// backslashes, newlines, `<`, `>`, `&`, braces, control characters) becomes a CSS hex escape
/// (`\22 `), so the text can neither end the string, the rule nor the `<style>` element, and
/// prints exactly as written (`O'Brien & Co`, not `O&#39;Brien &amp; Co`).
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let plain = c.is_alphanumeric() && !c.is_control()
            || matches!(
                c,
                ' ' | '.'
                    | ','
                    | '-'
                    | '_'
                    | ':'
                    | '@'
                    | '('
                    | ')'
                    | '/'
                    | '+'
                    | '#'
                    | '!'
                    | '?'
                    | '·'
            );
        if plain {
            out.push(c);
        } else {
            // The space ends the escape, so a following hex digit is not read into it.
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out
}

fn read_overrides(
    base: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), SiteError> {
    let read = |path: &Path| {
        std::fs::read_dir(path).map_err(|source| SiteError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut entries = Vec::new();
    for entry in read(dir)? {
        entries.push(entry.map_err(|source| SiteError::Read {
            path: dir.to_path_buf(),
            source,
        })?);
    }
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_overrides(base, &path, out)?;
            continue;
        }
        let Ok(rel) = path.strip_prefix(base) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let bytes = std::fs::read(&path).map_err(|source| SiteError::Read {
            path: path.clone(),
            source,
        })?;
        out.insert(rel.join("/"), bytes);
    }
    Ok(())
}

fn template_error(name: &str, err: &tera::Error) -> SiteError {
    SiteError::Template {
        name: name.to_string(),
        message: error_chain(err),
    }
}

/// Tera's message and its causes, on one line each.
fn error_chain(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_writes_what_teras_own_escape_writes() {
        let samples = [
            "",
            "plain text",
            "<script>alert('x')</script>",
            "Tom & Jerry's \"quote\" <b>",
            "&&<<>>\"\"''",
            "日本語 & émoji 🎉 <tag attr='v'>",
            "ends with &",
            "<",
        ];
        for sample in samples {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_html(sample, &mut ours).unwrap();
            tera::escape_html(sample, &mut teras).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(teras).unwrap()
            );
        }
    }

    #[test]
    fn css_strings_cannot_end_the_string_rule_or_style() {
        assert_eq!(css_string("Ann Owner"), "Ann Owner");
        assert_eq!(css_string("O'Brien & Co"), "O\\27 Brien \\26  Co");
        let hostile = css_string("\"\n}body{display:none}</style><script>");
        for bad in ['"', '\n', '}', '{', '<', '>'] {
            assert!(!hostile.contains(bad), "{hostile}");
        }
    }
}
