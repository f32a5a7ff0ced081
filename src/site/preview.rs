//! What `sop serve` shows: the site built from [`Inputs`] kept between rebuilds, and the
//! problems that keep the repository from being built as written (shown over every page by
//! [`super::serve`], never written by `sop publish`).
//!
//! After an edit to SOP files only those files are read again, and only their pages, the pages
//! that name them and every list (index, department, tag and type pages, dashboard, search
//! index, feeds, sitemap) are rendered; the history and the committed text are kept for as long
//! as `HEAD` is. A change to `sop.toml` or to git's refs (a commit, a release, a branch switch)
//! reads everything again; a change to the theme renders every page again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Inputs, Site, SiteError};
use crate::diag::Severity;

/// The site as served: rendered files in memory, attachments on disk.
#[derive(Debug, Default)]
pub struct Files {
    /// Site path → contents.
    pub rendered: BTreeMap<String, Page>,
    /// Site path → repository file, read when asked for.
    pub attachments: BTreeMap<String, PathBuf>,
}

/// A rendered file.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its contents.
    pub bytes: Arc<[u8]>,
    /// The build that rendered it: 0 for the first, then one more for each rebuild (`sop
    /// serve` sends it as `X-Sop-Build`, so that what a rebuild rendered can be seen).
    pub build: u64,
}

impl Files {
    /// Every file of `site`, rendered by build number `build`.
    fn of(site: Site, build: u64) -> Files {
        Files {
            rendered: site
                .files
                .into_iter()
                .map(|(path, bytes)| (path, Page::new(bytes, build)))
                .collect(),
            attachments: site.attachments,
        }
    }

    /// These files with those of `site` (a partial build, number `build`) put over them.
    fn updated(&self, site: Site, build: u64) -> Files {
        let mut rendered = self.rendered.clone();
        rendered.extend(
            site.files
                .into_iter()
                .map(|(path, bytes)| (path, Page::new(bytes, build))),
        );
        let mut attachments = self.attachments.clone();
        attachments.extend(site.attachments);
        Files {
            rendered,
            attachments,
        }
    }
}

impl Page {
    fn new(bytes: Vec<u8>, build: u64) -> Page {
        Page {
            bytes: Arc::from(bytes),
            build,
        }
    }
}

/// Something that keeps the repository from being built as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the repository root (empty when no file is to blame).
    pub file: String,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, and how to fix it when known.
    pub message: String,
}

/// The result of a build.
#[derive(Debug)]
pub struct Rebuilt {
    /// The site to serve (the last good one when this build failed).
    pub files: Arc<Files>,
    /// What is broken, for the overlay; empty when all is well.
    pub problems: Vec<Problem>,
    /// How many SOPs have a current page.
    pub published: usize,
    /// How many files this build rendered.
    pub rendered: usize,
    /// Whether every page was rendered (else only the edited SOPs' pages and the lists).
    pub full: bool,
    /// Notes from the build (SOPs left out, oversized attachments).
    pub notes: Vec<String>,
}

/// What changed since the last build, and so what to redo.
enum Redo {
    /// Read the edited SOP files again; render their pages and the lists.
    Sops(Vec<PathBuf>),
    /// Render every page from what was read (the theme changed).
    Render,
    /// Read everything again and render every page.
    All,
}

/// A site kept up to date for `sop serve`.
pub struct Preview {
    root: PathBuf,
    config: Option<PathBuf>,
    drafts: bool,
    /// What the last good read gave; `None` after `sop.toml` broke.
    inputs: Option<Inputs>,
    files: Arc<Files>,
    /// How many builds were made.
    builds: u64,
}

impl Preview {
    /// Read and build the repository at `root` (`config`: another configuration file), drafts
    /// included unless `approved_only`.
    ///
    /// # Errors
    /// When the first build fails: there is no site to serve yet.
    pub fn start(
        root: PathBuf,
        config: Option<PathBuf>,
        approved_only: bool,
    ) -> Result<(Preview, Rebuilt), SiteError> {
        let mut inputs = Inputs::open(&root, config.as_deref())?;
        inputs.keep_texts();
        let options = options_for(&inputs, !approved_only, None);
        let site = inputs.build(&options)?;
        let mut preview = Preview {
            root,
            config,
            drafts: !approved_only,
            inputs: None,
            files: Arc::new(Files::default()),
            builds: 0,
        };
        let rebuilt = preview.finish(&inputs, site, true);
        preview.inputs = Some(inputs);
        Ok((preview, rebuilt))
    }

    /// The SOP folder of the last good read of `sop.toml` (`[sops] dir`), or `None` while it
    /// cannot be read.
    pub fn sops_dir(&self) -> Option<PathBuf> {
        self.inputs.as_ref().map(|i| i.repo.sops_dir())
    }

    /// Build again after `changed` (absolute paths) changed on disk.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Rebuilt {
        let redo = self.redo(changed);
        if let Some(inputs) = &mut self.inputs {
            inputs.files_changed(changed);
        }
        let mut inputs = match (redo, self.inputs.take()) {
            (Redo::Sops(paths), Some(mut inputs)) => {
                let only = inputs.reread(&paths);
                return self.render(inputs, only);
            }
            (Redo::Render, Some(mut inputs)) => {
                inputs.templates_changed();
                inputs
            }
            _ => match Inputs::open(&self.root, self.config.as_deref()) {
                Ok(inputs) => inputs,
                Err(e) => return self.failed(None, &e),
            },
        };
        inputs.keep_texts();
        self.render(inputs, None)
    }

    /// What `changed` asks for: SOP files alone are read again one by one; anything else
    /// (`sop.toml`, git's refs, a folder) reads everything. A file that is gone and was never
    /// an SOP (an editor's temporary file) changes nothing.
    fn redo(&self, changed: &[PathBuf]) -> Redo {
        let Some(inputs) = &self.inputs else {
            return Redo::All;
        };
        let repo = &inputs.repo;
        let sops = repo.sops_dir();
        let theme = repo.root.join("templates");
        let mut edited = Vec::new();
        let mut render = false;
        for path in changed {
            if path.starts_with(&theme) {
                render = true;
            } else if path.starts_with(&sops) {
                let rel = repo.relative(path);
                let known = inputs.corpus.sops.iter().any(|s| s.path == rel);
                if !known && !path.exists() && !repo.settings.files.is_sop(&rel) {
                    continue;
                }
                edited.push(path.clone());
            } else {
                return Redo::All;
            }
        }
        match (render, edited.is_empty()) {
            (true, _) => Redo::Render,
            (false, false) => Redo::Sops(edited),
            // Only temporary files changed: the pages reload, to the same text.
            (false, true) => Redo::Sops(Vec::new()),
        }
    }

    /// Render from `inputs`: the pages of the SOPs in `only` and every list, or every page.
    fn render(&mut self, inputs: Inputs, only: Option<BTreeSet<String>>) -> Rebuilt {
        let mut options = options_for(&inputs, self.drafts, only);
        let partial = options.only.is_some() && self.files.rendered.contains_key("index.html");
        if !partial {
            options.only = None;
        }
        let rebuilt = match inputs.build(&options) {
            Ok(site) => self.finish(&inputs, site, !partial),
            Err(e) => self.failed(Some(&inputs), &e),
        };
        self.inputs = Some(inputs);
        rebuilt
    }

    /// Serve `site` from now on.
    fn finish(&mut self, inputs: &Inputs, site: Site, full: bool) -> Rebuilt {
        let published = site.published;
        let rendered = site.files.len();
        let notes = site.notes.iter().chain(&site.lost_links).cloned().collect();
        let build = self.builds;
        self.builds += 1;
        self.files = Arc::new(if full {
            Files::of(site, build)
        } else {
            self.files.updated(site, build)
        });
        Rebuilt {
            files: Arc::clone(&self.files),
            problems: problems_of(inputs),
            published,
            rendered,
            full,
            notes,
        }
    }

    /// Keep serving the last good site, with `err` (and what `inputs` says is broken) shown.
    fn failed(&mut self, inputs: Option<&Inputs>, err: &SiteError) -> Rebuilt {
        let mut problems = vec![problem_of(err, &self.root)];
        if let Some(inputs) = inputs {
            problems.extend(problems_of(inputs));
        }
        Rebuilt {
            files: Arc::clone(&self.files),
            problems,
            published: 0,
            rendered: 0,
            full: false,
            notes: Vec::new(),
        }
    }
}

fn options_for(inputs: &Inputs, drafts: bool, only: Option<BTreeSet<String>>) -> super::Options {
    let base = inputs
        .repo
        .settings
        .config
        .site
        .base_url
        .as_deref()
        .and_then(super::pipeline::absolute_url)
        .map(str::to_string);
    let mut options = inputs.options(drafts, base, true);
    options.only = only;
    options
}

/// The lint errors of `inputs` (and the lint configuration's own error), file by file.
fn problems_of(inputs: &Inputs) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(e) = &inputs.lint_error {
        let crate::lint::LintError::UnknownRule { file, line, id, .. } = e;
        out.push(Problem {
            file: file.clone(),
            line: Some(*line),
            message: format!(
                "`[lint.severity]` names the rule `{id}`, which does not exist: {}",
                e.help()
            ),
        });
    }
    let sources: std::collections::HashMap<&str, &crate::repo::SourceFile> = inputs
        .corpus
        .sops
        .iter()
        .map(|s| (s.path.as_str(), &s.source))
        .collect();
    for f in inputs
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        let source = sources.get(f.file.as_str()).copied();
        let line = f.span.map(|_| f.locate(source).line);
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str(&format!(" (help: {help})"));
        }
        out.push(Problem {
            file: f.file.clone(),
            line,
            message,
        });
    }
    out
}

/// A build error as a problem: `sop.toml`'s own place when it is the configuration.
fn problem_of(err: &SiteError, root: &Path) -> Problem {
    let relative = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    match err {
        SiteError::Config {
            source:
                crate::repo::ConfigError::Invalid {
                    path,
                    line,
                    message,
                    help,
                    ..
                },
        } => Problem {
            file: relative(path),
            line: Some(*line),
            message: match help {
                Some(h) => format!("{message} (help: {h})"),
                None => message.clone(),
            },
        },
        SiteError::Config {
            source: crate::repo::ConfigError::Read { path, source },
        } => Problem {
            file: relative(path),
            line: None,
            message: format!("cannot read the file: {source}"),
        },
        other => Problem {
            file: String::new(),
            line: None,
            message: format!("the site could not be built: {other}"),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::repo::wiki::{WikiLink, WikiResolution};

    /// An SOP file's text: `id`, `title`, and `body`.
    fn sop(id: &str, title: &str, body: &str) -> String {
        format!(
            "---\nid: {id}\ntitle: {title}\ntype: checklist\nstatus: draft\nowner: Ops\nversion: 0.1.0\n---\n\n# {title}\n\n{body}\n"
        )
    }

    fn kept(preview: &Preview) -> Arc<crate::repo::wiki::WikiIndex> {
        preview.inputs.as_ref().unwrap().kept_wiki().unwrap()
    }

    #[test]
    fn a_rebuild_keeps_the_wiki_names_until_a_file_comes_or_goes_or_a_name_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let write = |rel: &str, text: &[u8]| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        write("sop.toml", b"[links]\nwiki = true\n");
        let a = write(
            "sops/ops/SOP-0001-a.md",
            sop("SOP-0001", "Alpha", "See [[Beta]].").as_bytes(),
        );
        let b = write(
            "sops/ops/SOP-0002-b.md",
            sop("SOP-0002", "Beta", "Back to [[Alpha]].").as_bytes(),
        );
        let (mut preview, _) = Preview::start(root.clone(), None, false).unwrap();
        let first = kept(&preview);
        // An edit of the text alone (its page and lint ask for the names): the same names.
        write(
            "sops/ops/SOP-0002-b.md",
            sop("SOP-0002", "Beta", "Back to [[Alpha]], again.").as_bytes(),
        );
        preview.rebuild(std::slice::from_ref(&b));
        assert!(Arc::ptr_eq(&first, &kept(&preview)));
        preview.rebuild(std::slice::from_ref(&a));
        assert!(Arc::ptr_eq(&first, &kept(&preview)));
        // A file that comes: made again, and it has the file.
        let flow = write("sops/ops/flow.png", b"\x89PNG\r\n\x1a\n");
        preview.rebuild(std::slice::from_ref(&flow));
        let with_flow = kept(&preview);
        assert!(!Arc::ptr_eq(&first, &with_flow));
        let embed = WikiLink::parse("![[flow.png]]", Default::default()).unwrap();
        assert_eq!(
            with_flow.resolve("sops/ops/SOP-0001-a.md", &embed),
            WikiResolution::Found("sops/ops/flow.png".into())
        );
        // ... and one that goes.
        std::fs::remove_file(&flow).unwrap();
        preview.rebuild(&[flow, a.clone()]);
        let without = kept(&preview);
        assert!(!Arc::ptr_eq(&with_flow, &without));
        assert!(matches!(
            without.resolve("sops/ops/SOP-0001-a.md", &embed),
            WikiResolution::Missing { .. }
        ));
        // A title that changes.
        write(
            "sops/ops/SOP-0002-b.md",
            sop("SOP-0002", "Gamma", "Back to [[Alpha]], again.").as_bytes(),
        );
        preview.rebuild(std::slice::from_ref(&b));
        let retitled = kept(&preview);
        assert!(!Arc::ptr_eq(&without, &retitled));
        let link = WikiLink::parse("[[Gamma]]", Default::default()).unwrap();
        assert_eq!(
            retitled.resolve("sops/ops/SOP-0001-a.md", &link),
            WikiResolution::Found("sops/ops/SOP-0002-b.md".into())
        );
    }
}
