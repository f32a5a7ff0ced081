//! The files under `templates/`, embedded in the binary, and their lookup with the
//! repository's own `templates/` folder taking precedence file by file.

use std::borrow::Cow;
use std::path::Path;

use include_dir::{Dir, include_dir};

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The built-in file at `rel` (relative to `templates/`, `/`-separated).
pub fn builtin(rel: &str) -> Option<&'static str> {
    TEMPLATES.get_file(rel)?.contents_utf8()
}

/// Every built-in file under the folder `dir` (relative to `templates/`), with its path.
pub fn builtin_dir(dir: &str) -> Vec<(&'static str, &'static [u8])> {
    let mut out = Vec::new();
    if let Some(d) = TEMPLATES.get_dir(dir) {
        collect(d, &mut out);
    }
    out.sort_by_key(|(p, _)| *p);
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(&'static str, &'static [u8])>) {
    for f in dir.files() {
        if let Some(p) = f.path().to_str() {
            out.push((p, f.contents()));
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// Where a template came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The repository's own `templates/<rel>`.
    Repository(String),
    /// Built into `sop`.
    Builtin(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Repository(p) => write!(f, "`{p}`"),
            Origin::Builtin(p) => write!(f, "the built-in `{p}`"),
        }
    }
}

/// The template at `rel`: the repository's `templates/<rel>` when it exists, else the built-in.
///
/// # Errors
/// When the repository's file exists but cannot be read.
pub fn lookup(root: &Path, rel: &str) -> std::io::Result<Option<(Cow<'static, str>, Origin)>> {
    let own = root.join("templates").join(rel);
    if own.is_file() {
        let text = std::fs::read_to_string(&own)?;
        return Ok(Some((
            Cow::Owned(text),
            Origin::Repository(format!("templates/{rel}")),
        )));
    }
    Ok(builtin(rel).map(|t| {
        (
            Cow::Borrowed(t),
            Origin::Builtin(format!("templates/{rel}")),
        )
    }))
}
