//! What an SOP id looks like: `[sops] id_pattern`, a regular expression with one group for
//! the number (`GDI-SOP(\d{4})`), or by default `id_prefix`, a dash and a number
//! (`SOP-0001`). The pattern reads ids, finds them at the start of file names and gives the
//! next id to `sop new`.
//!
//! An id names files and pages, so whatever the pattern allows, an id with a `/`, a `\\`, a
//! `..`, a leading `.`, white space or a control character is never an id ([`unsafe_part`]).

use regex::Regex;

/// What makes `id` unusable as the name of a file or page, in words for messages; `None` when
/// nothing does. An id with one of these is not an id, whatever `id_pattern` allows, and is never
/// the model for the next id: it could name a file outside the SOP folder.
pub fn unsafe_part(id: &str) -> Option<&'static str> {
    if id.contains('/') {
        Some("a `/`")
    } else if id.contains('\\') {
        Some("a `\\`")
    } else if id.contains("..") {
        Some("`..`")
    } else if id.starts_with('.') {
        Some("a `.` at the start")
    } else if id.chars().any(char::is_whitespace) {
        Some("a space or other white space")
    } else if id.chars().any(char::is_control) {
        Some("a control character")
    } else {
        None
    }
}

/// Reads ids: [`IdPattern`], or an id prefix written as text (`"SOP"`: `SOP-` and digits).
pub trait IdForm {
    /// The number of a whole id, `None` when `id` is not an id.
    fn number(&self, id: &str) -> Option<u64>;
    /// The length of the id at the start of a file name's stem: the id must be followed by
    /// `-` or end the stem.
    fn leading_id_len(&self, stem: &str) -> Option<usize>;
}

impl IdForm for str {
    fn number(&self, id: &str) -> Option<u64> {
        if unsafe_part(id).is_some() {
            return None;
        }
        let rest = id.strip_prefix(self)?.strip_prefix('-')?;
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest.parse().ok()
    }

    fn leading_id_len(&self, stem: &str) -> Option<usize> {
        let rest = stem.strip_prefix(self)?.strip_prefix('-')?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = rest.as_bytes().get(digits);
        let len = self.len() + 1 + digits;
        (digits > 0 && matches!(after, None | Some(b'-')) && self.number(&stem[..len]).is_some())
            .then_some(len)
    }
}

impl IdForm for String {
    fn number(&self, id: &str) -> Option<u64> {
        self.as_str().number(id)
    }

    fn leading_id_len(&self, stem: &str) -> Option<usize> {
        self.as_str().leading_id_len(stem)
    }
}

/// The id form of a repository.
#[derive(Debug, Clone)]
pub struct IdPattern {
    /// The pattern, anchored at both ends.
    whole: Regex,
    /// The pattern, anchored at the start only (for file names).
    leading: Regex,
    /// The pattern as written in `sop.toml`, or the one derived from the prefix.
    source: String,
    /// The id prefix and digits, for the first id and the messages.
    prefix: String,
    digits: usize,
    /// Whether `id_pattern` is written in `sop.toml`.
    written: bool,
}

/// Why `id_pattern` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadIdPattern(pub String);

impl IdPattern {
    /// The id form of `[sops]`: `id_pattern` when written, else `<prefix>-<digits>`.
    ///
    /// # Errors
    /// [`BadIdPattern`] when the pattern is not a regular expression with exactly one group.
    pub fn new(
        pattern: Option<&str>,
        prefix: &str,
        digits: usize,
    ) -> Result<IdPattern, BadIdPattern> {
        let (source, written) = match pattern {
            Some(p) => (
                p.trim_start_matches('^').trim_end_matches('$').to_string(),
                true,
            ),
            None => (format!("{}-([0-9]+)", regex::escape(prefix)), false),
        };
        let compile = |anchored: String| {
            Regex::new(&anchored).map_err(|e| {
                let why = match e {
                    regex::Error::Syntax(s) => s
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim_start_matches("error: ")
                        .to_string(),
                    regex::Error::CompiledTooBig(_) => "the pattern is too large".into(),
                    _ => e.to_string(),
                };
                BadIdPattern(format!("it is not a regular expression: {why}"))
            })
        };
        let whole = compile(format!("^(?:{source})$"))?;
        let leading = compile(format!("^(?:{source})"))?;
        let groups = whole.captures_len() - 1;
        if groups != 1 {
            return Err(BadIdPattern(format!(
                "it has {groups} groups in parentheses; it needs exactly one, around the number (write other parentheses as `(?:…)`)"
            )));
        }
        Ok(IdPattern {
            whole,
            leading,
            source,
            prefix: prefix.to_string(),
            digits,
            written,
        })
    }

    /// The pattern as the messages show it (`SOP-([0-9]+)`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The form of an id in words for messages: `` `SOP-<number>` ``, or for a written
    /// pattern `` `GDI-SOP(\d{4})` (`[sops] id_pattern`) ``.
    pub fn shape(&self) -> String {
        if self.written {
            format!("`{}` (`[sops] id_pattern`)", self.source)
        } else {
            format!("`{}-<number>`", self.prefix)
        }
    }

    /// Whether `id_pattern` is written in `sop.toml`.
    pub fn is_written(&self) -> bool {
        self.written
    }

    /// An example id: `SOP-0001`, or for a written pattern the first id it allows, when one
    /// can be made.
    pub fn example(&self) -> String {
        self.first().unwrap_or_else(|| self.source.clone())
    }

    /// The first id of a repository that has none yet: `<prefix>-<n>` with the configured
    /// digits when the pattern allows it, else the pattern with its number group replaced by
    /// `1` (zero-padded to a `{N}` width), when the rest of the pattern is plain text.
    pub fn first(&self) -> Option<String> {
        let plain = format!("{}-{:0width$}", self.prefix, 1, width = self.digits);
        if self.number(&plain) == Some(1) {
            return Some(plain);
        }
        let open = self.source.find('(')?;
        let close = open + self.source[open..].find(')')?;
        let group = &self.source[open + 1..close];
        let width = group
            .rsplit_once('{')
            .and_then(|(_, n)| n.strip_suffix('}'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(self.digits);
        let unescape = |s: &str| s.replace('\\', "");
        let candidate = format!(
            "{}{:0width$}{}",
            unescape(&self.source[..open]),
            1,
            unescape(&self.source[close + 1..])
        );
        (self.number(&candidate) == Some(1)).then_some(candidate)
    }

    /// The id after `highest` (an id of this form): its number group replaced by `n`, kept at
    /// its width.
    pub fn with_number(&self, like: &str, n: u64) -> Option<String> {
        let caps = self.whole.captures(like)?;
        let group = caps.get(1)?;
        let width = group.as_str().len();
        let id = format!(
            "{}{:0width$}{}",
            &like[..group.start()],
            n,
            &like[group.end()..]
        );
        (self.number(&id) == Some(n)).then_some(id)
    }
}

impl IdForm for IdPattern {
    fn number(&self, id: &str) -> Option<u64> {
        if unsafe_part(id).is_some() {
            return None;
        }
        let group = self.whole.captures(id)?.get(1)?;
        let digits = group.as_str();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    }

    fn leading_id_len(&self, stem: &str) -> Option<usize> {
        // The longest match that ends the stem or is followed by `-`.
        let m = self.leading.find(stem)?;
        let end = m.end();
        let ok = matches!(stem.as_bytes().get(end), None | Some(b'-'));
        (ok && self.number(&stem[..end]).is_some()).then_some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_prefix_a_dash_and_a_number() {
        let p = IdPattern::new(None, "SOP", 4).unwrap();
        assert_eq!(p.number("SOP-0042"), Some(42));
        assert_eq!(p.number("SOP-12"), Some(12));
        assert_eq!(p.number("SOP-42a"), None);
        assert_eq!(p.number("CS-7"), None);
        assert_eq!(p.first().as_deref(), Some("SOP-0001"));
        assert_eq!(p.leading_id_len("SOP-0007-account"), Some(8));
        assert_eq!(p.leading_id_len("SOP-0007x"), None);
        assert_eq!("SOP".number("SOP-0042"), Some(42));
    }

    #[test]
    fn a_written_pattern_reads_and_allocates_its_ids() {
        let p = IdPattern::new(Some(r"GDI-SOP(\d{4})"), "SOP", 4).unwrap();
        assert_eq!(p.number("GDI-SOP0003"), Some(3));
        assert_eq!(p.number("SOP-0003"), None);
        assert_eq!(p.number("GDI-SOP0003-x"), None);
        assert_eq!(p.leading_id_len("GDI-SOP0003-backup"), Some(11));
        assert_eq!(p.leading_id_len("GDI-SOP0003"), Some(11));
        assert_eq!(p.leading_id_len("GDI-SOP00031"), None);
        assert_eq!(
            p.with_number("GDI-SOP0003", 4).as_deref(),
            Some("GDI-SOP0004")
        );
        assert_eq!(p.with_number("GDI-SOP9999", 10000), None);
        assert_eq!(p.first().as_deref(), Some("GDI-SOP0001"));
        let q = IdPattern::new(Some(r"OPS\.([0-9]+)\.v"), "X", 3).unwrap();
        assert_eq!(q.first().as_deref(), Some("OPS.001.v"));
        let r = IdPattern::new(Some(r"(?:A|B)-(\d+)"), "SOP", 4).unwrap();
        assert_eq!(r.first(), None);
        assert_eq!(r.with_number("B-07", 8).as_deref(), Some("B-08"));
    }

    #[test]
    fn an_id_that_could_leave_its_folder_is_never_an_id() {
        let p = IdPattern::new(Some(r"\S+-(\d+)"), "SOP", 4).unwrap();
        for bad in [
            "../../../pwn-1",
            "a/b-1",
            "a\\b-1",
            "x..y-1",
            ".hidden-1",
            "tab\t-1",
            "bell\u{7}-1",
        ] {
            assert_eq!(p.number(bad), None, "{bad:?}");
            assert!(unsafe_part(bad).is_some(), "{bad:?}");
            assert_eq!(p.with_number(bad, 2), None, "{bad:?}");
        }
        assert_eq!(p.leading_id_len("..x-1-a"), None);
        assert_eq!(p.number("OPS-7"), Some(7));
        let spaced = IdPattern::new(Some(r"SOP (\d+)"), "SOP", 4).unwrap();
        assert_eq!(spaced.number("SOP 7"), None);
        assert_eq!(unsafe_part("SOP-0001"), None);
        assert_eq!(unsafe_part("OPS.001.v"), None);
    }

    #[test]
    fn a_pattern_needs_one_group_and_valid_syntax() {
        assert!(IdPattern::new(Some("SOP-\\d+"), "SOP", 4).is_err());
        assert!(IdPattern::new(Some("(SOP)-(\\d+)"), "SOP", 4).is_err());
        let err = IdPattern::new(Some("SOP-(\\d+"), "SOP", 4).unwrap_err();
        assert!(err.0.contains("not a regular expression"), "{err:?}");
    }
}
