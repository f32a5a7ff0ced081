//! `sop lint`: run every rule over a loaded [`Corpus`] and return the findings.
//!
//! Per-file rules run in parallel (rayon) over the already parsed SOPs; cross-file rules (ids,
//! links, anchors, successors, translations) look things up in hash maps built once before the
//! parallel pass, and duplicate ids are grouped after it. Then `sop.toml` severities and
//! `<!-- sop-disable ... -->` comments are applied and the findings sorted by file, position and
//! rule. This module uses `repo` and `diag`; it prints nothing.
//!
//! The library API other commands rely on (keep it stable):
//! - [`check`]: every rule over the whole corpus;
//! - [`check_sop`]: every rule for one SOP (cross-file rules see the whole corpus), as `sop
//!   release` uses to refuse an SOP with errors;
//! - [`apply_fixes`]: the safe automatic fixes applied to one file's text;
//! - [`broken_sources`]: the text of files that are not UTF-8, for writers to show;
//! - [`fails`]: whether findings fail the check; [`RULES`]: the registry.

pub(crate) mod content;
pub(crate) mod file;
mod fix;
mod front_matter;
pub mod gone;
mod lifecycle;
mod procedure;
mod prompts;
pub mod pull_request;
pub mod registry;
mod spelling;
mod structure;
mod translation;

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};

use rayon::prelude::*;

use crate::diag::{Finding, RuleMeta, Severity};
use crate::repo::config::{SeverityLevel, closest};
use crate::repo::dates::{self, Date};
use crate::repo::{BrokenFile, Corpus, FileProblem, Repo, Settings, Sop, SourceFile, Span};

pub use fix::{FixOutcome, apply_fixes};
pub use registry::RULES;
pub(crate) use structure::missing_sections;

/// Why lint could not run.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// `[lint.severity]` in `sop.toml` names a rule that does not exist.
    #[error("{file}:{line}: `[lint.severity]` names the rule `{id}`, which does not exist")]
    UnknownRule {
        /// The configuration file.
        file: String,
        /// 1-based line of the entry (1 when unknown).
        line: usize,
        /// The id as written.
        id: String,
        /// The closest rule id, when one is close.
        suggestion: Option<&'static str>,
    },
}

impl LintError {
    /// How to fix it, for the `help:` line.
    pub fn help(&self) -> String {
        match self {
            LintError::UnknownRule { suggestion, .. } => match suggestion {
                Some(s) => {
                    format!("did you mean `{s}`? `sop lint --list-rules` lists every rule id")
                }
                None => "`sop lint --list-rules` lists every rule id".to_string(),
            },
        }
    }
}

/// Run every rule over `corpus` (the SOPs of `repo`), with `sop.toml` severities and
/// `sop-disable` comments applied; sorted by file, line, column and rule.
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub fn check(repo: &Repo, corpus: &Corpus) -> Result<Vec<Finding>, LintError> {
    let levels = severity_levels(&repo.settings)?;
    Ok(check_all(&Cx::new(repo, corpus), repo, corpus, &levels))
}

/// [`check`], with the names wiki links find taken from `wiki` when one is met (an index kept
/// between runs: `sop serve`'s rebuilds).
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub(crate) fn check_kept<'a>(
    repo: &'a Repo,
    corpus: &'a Corpus,
    wiki: Option<&'a (dyn Fn() -> std::sync::Arc<crate::repo::wiki::WikiIndex> + Sync)>,
) -> Result<Vec<Finding>, LintError> {
    let levels = severity_levels(&repo.settings)?;
    let mut cx = Cx::new(repo, corpus);
    if let Some(get) = wiki {
        cx.wiki = crate::repo::wiki::LazyIndex::shared(get);
    }
    Ok(check_all(&cx, repo, corpus, &levels))
}

/// [`check`] as on the day `today` everywhere on Earth (the review and effective-date rules
/// compare with it), for callers that pin the day without the `SOP_TODAY` environment
/// variable, such as tests that lint in-process.
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub fn check_on(repo: &Repo, corpus: &Corpus, today: Date) -> Result<Vec<Finding>, LintError> {
    let levels = severity_levels(&repo.settings)?;
    let cx = Cx::new_on(repo, corpus, today);
    Ok(check_all(&cx, repo, corpus, &levels))
}

/// Every rule for every file of `corpus`.
fn check_all(
    cx: &Cx<'_>,
    repo: &Repo,
    corpus: &Corpus,
    levels: &HashMap<&'static str, SeverityLevel>,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = corpus
        .sops
        .par_iter()
        .flat_map_iter(|sop| cx.check_one(sop))
        .collect();
    findings.extend(corpus.broken.iter().map(|b| broken_file(repo, b)));
    findings.extend(cx.duplicate_ids(None));
    findings.extend(spelling::check(&corpus.sops, None, &cx.settings.keys));
    finish(findings, corpus, levels)
}

/// Run the pull-request rules for `changes` since `base` (what `sop lint --base` adds), with
/// `sop.toml` severities and `sop-disable` comments applied.
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub fn check_base(
    repo: &Repo,
    corpus: &Corpus,
    changes: &[crate::git::base::BaseChange],
    base: &str,
    unrecorded: &pull_request::Unrecorded,
    versions: &pull_request::Versions,
) -> Result<Vec<Finding>, LintError> {
    let levels = severity_levels(&repo.settings)?;
    Ok(finish(
        pull_request::check(corpus, changes, base, unrecorded, versions),
        corpus,
        &levels,
    ))
}

/// Sort findings by file, position and rule, as every report shows them.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| f.span.map_or((0, 0), |s| (s.start, s.end));
        a.file
            .cmp(&b.file)
            .then(key(a).0.cmp(&key(b).0))
            .then(a.rule.id.cmp(b.rule.id))
            .then(key(a).1.cmp(&key(b).1))
            .then(a.order.cmp(&b.order))
            .then(a.message.cmp(&b.message))
    });
}

/// Run every rule for the SOP at `path` (relative to the repository root); cross-file rules
/// look at the whole `corpus`. A broken file gives its one finding; a path that is not in the
/// corpus gives none.
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub fn check_sop(repo: &Repo, corpus: &Corpus, path: &str) -> Result<Vec<Finding>, LintError> {
    check_sops(repo, corpus, &[path])
}

/// Run every rule for the files of `corpus` at `paths` (as [`check_sop`] does for one), with
/// the corpus indexed once for all of them.
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub fn check_sops(repo: &Repo, corpus: &Corpus, paths: &[&str]) -> Result<Vec<Finding>, LintError> {
    let levels = severity_levels(&repo.settings)?;
    Ok(check_paths(&Cx::new(repo, corpus), corpus, paths, &levels))
}

/// The prompts of each type's template, found once. Building them is most of what a check of
/// one SOP costs, so the language server keeps them while the writer types (and builds them
/// again when `sop.toml` or a template changes).
#[derive(Debug, Clone)]
pub(crate) struct TemplatePrompts(HashMap<String, aho_corasick::AhoCorasick>);

impl TemplatePrompts {
    /// The prompts of the templates of `repo`'s types.
    pub(crate) fn of(repo: &Repo) -> TemplatePrompts {
        TemplatePrompts(
            prompts::of_types(repo)
                .into_iter()
                .map(|(name, finder)| (name.to_string(), finder))
                .collect(),
        )
    }
}

/// [`check_sops`] with the template prompts found already, and the names wiki links find taken
/// from `wiki` when one is met (an index kept between runs).
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub(crate) fn check_sops_kept<'a>(
    repo: &'a Repo,
    corpus: &'a Corpus,
    paths: &[&str],
    templates: &'a TemplatePrompts,
    wiki: Option<&'a (dyn Fn() -> std::sync::Arc<crate::repo::wiki::WikiIndex> + Sync)>,
) -> Result<Vec<Finding>, LintError> {
    let levels = severity_levels(&repo.settings)?;
    let prompts = templates
        .0
        .iter()
        .map(|(name, finder)| (name.as_str(), finder.clone()))
        .collect();
    let mut cx = Cx::with_prompts(repo, corpus, prompts);
    if let Some(get) = wiki {
        cx.wiki = crate::repo::wiki::LazyIndex::shared(get);
    }
    Ok(check_paths(&cx, corpus, paths, &levels))
}

/// Every rule for the files of `corpus` at `paths`.
fn check_paths(
    cx: &Cx<'_>,
    corpus: &Corpus,
    paths: &[&str],
    levels: &HashMap<&'static str, SeverityLevel>,
) -> Vec<Finding> {
    let wanted: HashSet<&str> = paths.iter().copied().collect();
    let mut findings: Vec<Finding> = corpus
        .sops
        .par_iter()
        .filter(|s| wanted.contains(s.path.as_str()))
        .flat_map_iter(|sop| cx.check_one(sop))
        .collect();
    findings.extend(
        cx.duplicate_ids(None)
            .into_iter()
            .chain(spelling::check(&corpus.sops, None, &cx.settings.keys))
            .filter(|f| wanted.contains(f.file.as_str())),
    );
    findings.extend(
        corpus
            .broken
            .iter()
            .filter(|b| wanted.contains(b.path.as_str()))
            .map(|b| broken_file(cx.repo, b)),
    );
    finish(findings, corpus, levels)
}

/// Run every rule for `sop`, a new text of a file of `corpus` that is not on disk yet (what
/// `sop release` is about to commit); cross-file rules look at the rest of `corpus`.
///
/// # Errors
/// [`LintError::UnknownRule`] when `[lint.severity]` names a rule that does not exist.
pub fn check_new_text(repo: &Repo, corpus: &Corpus, sop: &Sop) -> Result<Vec<Finding>, LintError> {
    let levels = severity_levels(&repo.settings)?;
    let cx = Cx::new(repo, corpus);
    let mut findings = cx.check_one(sop);
    findings.extend(cx.duplicate_ids(Some(&sop.path)));
    // The SOP's new text in place of its file's.
    let sops = corpus.sops.iter().filter(|s| s.path != sop.path);
    findings.extend(spelling::check(
        sops.chain(std::iter::once(sop)),
        Some(&sop.path),
        &cx.settings.keys,
    ));
    let alone = Corpus {
        sops: vec![sop.clone()],
        broken: Vec::new(),
    };
    Ok(finish(findings, &alone, &levels))
}

/// Whether `findings` hold an error (or, with `deny_warnings`, anything).
pub fn fails(findings: &[Finding], deny_warnings: bool) -> bool {
    findings
        .iter()
        .any(|f| deny_warnings || f.severity == Severity::Error)
}

/// The severities set in `sop.toml` (`[lint.severity]`), checked against the registry.
///
/// # Errors
/// [`LintError::UnknownRule`] when an entry names a rule that does not exist.
pub fn severity_levels(
    settings: &Settings,
) -> Result<HashMap<&'static str, SeverityLevel>, LintError> {
    let mut levels = HashMap::new();
    for (id, level) in &settings.config.lint.severity {
        match registry::find(id) {
            Some(rule) => {
                levels.insert(rule.id, *level);
            }
            None => {
                let (file, line) = config_line(settings, id);
                return Err(LintError::UnknownRule {
                    file,
                    line,
                    id: id.clone(),
                    suggestion: closest(id, &registry::ids()),
                });
            }
        }
    }
    Ok(levels)
}

/// The configuration file's name and the line that sets `id`, for the error message.
fn config_line(settings: &Settings, id: &str) -> (String, usize) {
    let line = settings
        .places
        .key(&["lint", "severity", id])
        .map_or(1, |place| place.line);
    let name = settings
        .path
        .as_deref()
        .and_then(|path| path.file_name())
        .map_or_else(|| "sop.toml".into(), |n| n.to_string_lossy().into_owned());
    (name, line)
}

/// Apply severities and disable comments, then sort.
fn finish(
    findings: Vec<Finding>,
    corpus: &Corpus,
    levels: &HashMap<&'static str, SeverityLevel>,
) -> Vec<Finding> {
    let by_path: HashMap<&str, &Sop> = corpus.sops.iter().map(|s| (s.path.as_str(), s)).collect();
    let mut disables: HashMap<&str, Disables> = HashMap::new();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut f| {
            match levels.get(f.rule.id) {
                Some(SeverityLevel::Off) => return None,
                Some(SeverityLevel::Error) => f.severity = Severity::Error,
                Some(SeverityLevel::Warning) => f.severity = Severity::Warning,
                None => {}
            }
            let sop = by_path.get(f.file.as_str());
            // A template prompt left in approved text would reach readers: an error there,
            // whatever `sop.toml` says short of "off".
            if f.rule.id == "placeholder-left"
                && sop.is_some_and(|s| s.status() == Some(crate::repo::Status::Approved))
            {
                f.severity = Severity::Error;
            }
            if let Some(sop) = sop {
                let d = disables
                    .entry(sop.path.as_str())
                    .or_insert_with(|| Disables::of(sop));
                if d.silences(&f, sop) {
                    return None;
                }
            }
            Some(f)
        })
        .collect();
    sort(&mut out);
    out
}

/// The `sop-disable` comments of one file.
#[derive(Debug, Default)]
struct Disables {
    /// Rules off for the whole file; `None` in the set means every rule.
    file: HashSet<Option<String>>,
    /// Rules off for one line (1-based), the line after the comment.
    lines: HashMap<usize, HashSet<Option<String>>>,
}

impl Disables {
    fn of(sop: &Sop) -> Disables {
        let mut d = Disables::default();
        for directive in directives(sop) {
            let mut ids: HashSet<Option<String>> = directive
                .ids
                .iter()
                .map(|(id, _)| Some(id.clone()))
                .collect();
            if ids.is_empty() {
                ids.insert(None);
            }
            if directive.next_line {
                let line = sop.source.line_col(directive.comment.end).line + 1;
                d.lines.entry(line).or_default().extend(ids);
            } else {
                d.file.extend(ids);
            }
        }
        d
    }

    fn silences(&self, f: &Finding, sop: &Sop) -> bool {
        let hit = |set: &HashSet<Option<String>>| {
            set.contains(&None) || set.contains(&Some(f.rule.id.to_string()))
        };
        if hit(&self.file) {
            return true;
        }
        if self.lines.is_empty() {
            return false;
        }
        let line = f.span.map_or(1, |s| sop.source.line_col(s.start).line);
        self.lines.get(&line).is_some_and(hit)
    }
}

/// The text of the files that are not UTF-8, with bad bytes replaced, and of text files with
/// a stray NUL, so that writers can show the line a `file-not-utf8` or `file-binary` finding
/// points at. The valid prefix is byte for byte the file's.
pub fn broken_sources(repo: &Repo, corpus: &Corpus) -> Vec<(String, SourceFile)> {
    corpus
        .broken
        .iter()
        .filter(|b| {
            matches!(
                b.problem,
                FileProblem::NotUtf8 { .. } | FileProblem::NulCharacter { .. }
            )
        })
        .filter_map(|b| {
            let bytes = std::fs::read(repo.root.join(&b.path)).ok()?;
            Some((
                b.path.clone(),
                SourceFile::new(String::from_utf8_lossy(&bytes).into_owned()),
            ))
        })
        .collect()
}

/// One `<!-- sop-disable ... -->` or `<!-- sop-disable-next-line ... -->` comment.
pub(crate) struct Directive {
    /// `sop-disable-next-line` rather than `sop-disable`.
    pub(crate) next_line: bool,
    /// The whole comment.
    pub(crate) comment: Span,
    /// The rule ids named, each with its span; none means every rule.
    pub(crate) ids: Vec<(String, Span)>,
}

/// The disable comments of `sop`, in document order.
pub(crate) fn directives(sop: &Sop) -> Vec<Directive> {
    let mut out = Vec::new();
    for c in &sop.outline().comments {
        let raw = sop.slice(*c);
        let Some(after_open) = raw.strip_prefix("<!--") else {
            continue;
        };
        let inner = after_open.strip_suffix("-->").unwrap_or(after_open);
        let lead = inner.len() - inner.trim_start().len();
        let trimmed = inner.trim();
        let (next_line, keyword) = if trimmed.starts_with("sop-disable-next-line") {
            (true, "sop-disable-next-line")
        } else if trimmed.starts_with("sop-disable") {
            (false, "sop-disable")
        } else {
            continue;
        };
        let rest = &trimmed[keyword.len()..];
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        // Byte offset of `rest` in the file.
        let base = c.start + 4 + lead + keyword.len();
        let mut ids = Vec::new();
        let mut at = 0;
        for word in rest.split([' ', ',', '\t', '\n', '\r']) {
            if !word.is_empty() {
                let start = base + at;
                ids.push((word.to_string(), Span::new(start, start + word.len())));
            }
            at += word.len() + 1;
        }
        out.push(Directive {
            next_line,
            comment: *c,
            ids,
        });
    }
    out
}

/// The finding for a file that could not be read as an SOP.
fn broken_file(repo: &Repo, b: &BrokenFile) -> Finding {
    let rule = match b.problem {
        FileProblem::Empty => &registry::FILE_EMPTY,
        FileProblem::Binary | FileProblem::NulCharacter { .. } => &registry::FILE_BINARY,
        FileProblem::Utf16(_) => &registry::FILE_UTF16,
        FileProblem::NotUtf8 { .. } => &registry::FILE_NOT_UTF8,
        FileProblem::TooLarge { .. } => &registry::FILE_TOO_LARGE,
        FileProblem::Unreadable(_)
        | FileProblem::SymlinkLoop
        | FileProblem::DanglingLink
        | FileProblem::NotAFile
        | FileProblem::LfsPointer => &registry::FILE_UNREADABLE,
        FileProblem::OutsideRepository { .. } => &registry::FILE_OUTSIDE_REPOSITORY,
    };
    let span = match b.problem {
        FileProblem::NotUtf8 { line, column } | FileProblem::NulCharacter { line, column, .. } => {
            std::fs::read(repo.root.join(&b.path)).ok().map(|bytes| {
                let src = SourceFile::new(String::from_utf8_lossy(&bytes).into_owned());
                let at = src.offset(line, column);
                // The replacement character standing for the bad byte: the text before it is
                // byte for byte the file's, and the span stays on character boundaries.
                let width = src
                    .text()
                    .get(at..)
                    .and_then(|t| t.chars().next())
                    .map_or(0, char::len_utf8);
                Span::new(at, at + width)
            })
        }
        _ => None,
    };
    Finding::new(rule, b.path.clone(), span, b.problem.to_string()).help(b.problem.help())
}

/// What every rule may look at: the repository, today, and the corpus indexed for lookups.
pub(crate) struct Cx<'a> {
    repo: &'a Repo,
    settings: &'a Settings,
    today: Date,
    /// The latest date anywhere on Earth today ([`dates::latest_today`]): a date is in the
    /// future only after it, so a date written today in any time zone never is.
    latest_today: Date,
    /// Every SOP by its path.
    by_path: FxHashMap<&'a str, &'a Sop>,
    /// SOPs that are not translations, by id.
    originals: FxHashMap<&'a str, Vec<&'a Sop>>,
    /// Every id in the repository.
    ids: FxHashSet<&'a str>,
    corpus: &'a Corpus,
    /// The repository root with every symbolic link resolved.
    real_root: std::path::PathBuf,
    /// Per type name: normalized section names and aliases → index of the required section.
    lookups: FxHashMap<&'a str, FxHashMap<String, usize>>,
    /// The files git tracks, read once when a rule first asks.
    tracked: std::sync::Arc<std::sync::OnceLock<crate::publishable::Tracked>>,
    /// Per type name: the prompts of its template, as written there, found in one pass.
    prompts: HashMap<&'a str, aho_corasick::AhoCorasick>,
    /// The names wiki links find documents and files by, made when the first one is met.
    wiki: crate::repo::wiki::LazyIndex<'a>,
    /// The git repository, opened when a translation's rules first ask (`None` outside git).
    git: std::sync::OnceLock<Option<std::sync::Mutex<crate::git::Repo>>>,
}

impl<'a> Cx<'a> {
    fn new(repo: &'a Repo, corpus: &'a Corpus) -> Cx<'a> {
        Cx::with(repo, corpus, prompts::of_types(repo), Cx::now())
    }

    /// Today here, and the latest date anywhere on Earth today.
    fn now() -> (Date, Date) {
        (dates::today(), dates::latest_today())
    }

    /// With the prompts of the types' templates found already.
    fn with_prompts(
        repo: &'a Repo,
        corpus: &'a Corpus,
        prompts: HashMap<&'a str, aho_corasick::AhoCorasick>,
    ) -> Cx<'a> {
        Cx::with(repo, corpus, prompts, Cx::now())
    }

    /// The context as on the day `today`.
    fn new_on(repo: &'a Repo, corpus: &'a Corpus, today: Date) -> Cx<'a> {
        Cx::with(repo, corpus, prompts::of_types(repo), (today, today))
    }

    fn with(
        repo: &'a Repo,
        corpus: &'a Corpus,
        prompts: HashMap<&'a str, aho_corasick::AhoCorasick>,
        (today, latest_today): (Date, Date),
    ) -> Cx<'a> {
        let mut originals: FxHashMap<&str, Vec<&Sop>> = FxHashMap::default();
        let mut ids = FxHashSet::default();
        for sop in &corpus.sops {
            if let Some(id) = sop.meta.id.as_ref().map(|s| s.value.as_str()) {
                ids.insert(id);
                if !sop.is_translation() {
                    originals.entry(id).or_default().push(sop);
                }
            }
        }
        let tracked = std::sync::Arc::new(std::sync::OnceLock::new());
        Cx {
            repo,
            settings: &repo.settings,
            today,
            latest_today,
            by_path: corpus.sops.iter().map(|s| (s.path.as_str(), s)).collect(),
            originals,
            ids,
            corpus,
            real_root: std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone()),
            lookups: repo
                .settings
                .types
                .iter()
                .map(|(name, ty)| (name.as_str(), structure::section_lookup(ty)))
                .collect(),
            tracked: std::sync::Arc::clone(&tracked),
            git: std::sync::OnceLock::new(),
            prompts,
            // The files git tracks are read once, for the wiki names and the file checks.
            wiki: crate::repo::wiki::LazyIndex::new(move || {
                let tracked = tracked.get_or_init(|| crate::publishable::Tracked::load(&repo.root));
                crate::repo::wiki::index_of(
                    &corpus.sops,
                    &tracked.files(&repo.root),
                    repo.settings.files.extensions(),
                )
            }),
        }
    }

    /// The git repository, opened when a rule first asks (`None` outside git).
    pub(crate) fn git(&self) -> Option<std::sync::MutexGuard<'_, crate::git::Repo>> {
        self.git
            .get_or_init(|| {
                crate::git::Repo::open(&self.repo.root)
                    .ok()
                    .flatten()
                    .map(std::sync::Mutex::new)
            })
            .as_ref()
            .map(|g| g.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// The id the file name of `sop` starts with, when its front matter says another id that
    /// another SOP also has, and no other SOP uses the file name's id (in its front matter or
    /// its file name): an SOP copied from another and renamed, whose front matter still says
    /// the old id. Changing the front matter to this id fixes both problems.
    pub(crate) fn free_file_name_id(&self, sop: &Sop) -> Option<&'a str> {
        let sop = self.sop_at(&sop.path)?;
        let own = sop.file_name.id.as_deref()?;
        let id = sop.id()?;
        let shared = self.originals.get(id).is_some_and(|v| v.len() > 1);
        let taken = self.corpus.sops.iter().any(|o| {
            o.path != sop.path && (o.id() == Some(own) || o.file_name.id.as_deref() == Some(own))
        });
        (own != id && shared && !sop.is_translation() && !taken).then_some(own)
    }

    /// The next id no SOP uses (one past the highest number), in the repository's form.
    pub(super) fn next_free_id(&self) -> Option<String> {
        let used = crate::scaffold::ids_in(self.repo, self.corpus);
        let (highest, like) =
            crate::scaffold::highest_of(self.repo, used.iter().map(String::as_str));
        crate::scaffold::format_id(self.repo, highest + 1, like.as_deref())
    }

    /// The names wiki links find documents and files by.
    pub(crate) fn wiki(&self) -> &crate::repo::wiki::WikiIndex {
        self.wiki.get()
    }

    /// Which repository files the site may publish.
    pub(crate) fn tracked(&self) -> &crate::publishable::Tracked {
        self.tracked
            .get_or_init(|| crate::publishable::Tracked::load(&self.repo.root))
    }

    /// Every per-file rule for one SOP.
    fn check_one(&self, sop: &Sop) -> Vec<Finding> {
        let mut out = Vec::new();
        file::check(sop, &mut out);
        front_matter::check(self, sop, &mut out);
        structure::check(self, sop, &mut out);
        content::check(self, sop, &mut out);
        procedure::check(self, sop, &mut out);
        lifecycle::check(self, sop, &mut out);
        translation::check(self, sop, &mut out);
        out
    }

    /// `id-duplicate`: SOPs of the same language that share an id (only for `only` when given).
    fn duplicate_ids(&self, only: Option<&str>) -> Vec<Finding> {
        let mut groups: HashMap<(&str, &str), Vec<&Sop>> = HashMap::new();
        for sop in &self.corpus.sops {
            let Some(id) = sop.meta.id.as_ref() else {
                continue;
            };
            let lang = if sop.is_translation() {
                sop.language().unwrap_or("?")
            } else {
                ""
            };
            groups
                .entry((id.value.as_str(), lang))
                .or_default()
                .push(sop);
        }
        let mut out = Vec::new();
        let mut next_free = None;
        for ((id, _), group) in groups {
            if group.len() < 2 {
                continue;
            }
            // A copy renamed to a free id, whose front matter still says the old one.
            let renamed = group
                .iter()
                .find_map(|s| Some((*s, self.free_file_name_id(s)?)));
            for sop in &group {
                if only.is_some_and(|p| p != sop.path) {
                    continue;
                }
                let others: Vec<String> = group
                    .iter()
                    .filter(|o| o.path != sop.path)
                    .map(|o| format!("`{}`", o.path))
                    .collect();
                let span = sop.meta.id.as_ref().map(|s| s.span);
                let id_key = self.settings.keys.written("id");
                out.push(
                    Finding::new(
                        &registry::ID_DUPLICATE,
                        sop.path.clone(),
                        span,
                        format!("the id `{id}` is also used by {}", others.join(", ")),
                    )
                    .label("used more than once")
                    .help(match renamed {
                        Some((copy, free)) if copy.path == sop.path => format!(
                            "change this file's front matter to `{id_key}: {free}`: its file name starts with that id, and no other SOP uses it"
                        ),
                        Some((copy, free)) => format!(
                            "change the front matter of `{}` to `{id_key}: {free}`: its file name starts with that id, and no other SOP uses it",
                            copy.path
                        ),
                        None => {
                            let next = next_free.get_or_insert_with(|| self.next_free_id());
                            match next {
                                Some(next) => format!(
                                    "give one of these SOPs a new id (`{next}` is free: no SOP uses it) and rename its file to match"
                                ),
                                None => "give one of these SOPs a new id that no other SOP uses (`sop list` shows the ids in use) and rename its file to match".to_string(),
                            }
                        }
                    }),
                );
            }
        }
        out
    }

    /// The SOP at `path`, if it is in the corpus.
    fn sop_at(&self, path: &str) -> Option<&'a Sop> {
        self.by_path.get(path).copied()
    }

    /// Whether the file at `path` really lies outside the repository or inside `.git` (through
    /// a symbolic link).
    fn outside(&self, path: &std::path::Path) -> bool {
        crate::repo::escape(&self.real_root, path).is_some()
    }
}

/// A finding of `rule` in `sop` at `span`.
fn finding(rule: &'static RuleMeta, sop: &Sop, span: Span, message: impl Into<String>) -> Finding {
    Finding::new(rule, sop.path.clone(), Some(span), message)
}

/// Section names compared the way DESIGN.md says: case-insensitive, surrounding whitespace,
/// a leading number (`4.`, `4)`, `4.1`, `IV.`, `A.`) and a trailing `:` or `?` ignored, inner
/// spaces collapsed.
pub(crate) fn normalize_heading(text: &str) -> String {
    let t = without_number(text.trim());
    let t = t.trim_end_matches([':', '?', ' ', '\t']);
    let mut out = String::with_capacity(t.len());
    for word in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// `heading` without a leading section number: `4`, `4.1`, `4.`, `4)`, and with a `.` or `)`
/// after it a Roman numeral (`IV.`) or a single letter (`A.`).
fn without_number(heading: &str) -> &str {
    let Some((token, rest)) = heading.split_once(char::is_whitespace) else {
        return heading;
    };
    let (core, marked) = match token.strip_suffix(['.', ')']) {
        Some(core) => (core, true),
        None => (token, false),
    };
    let digits = core.starts_with(|c: char| c.is_ascii_digit())
        && core.chars().all(|c| c.is_ascii_digit() || c == '.');
    let roman = !core.is_empty()
        && core.len() <= 8
        && (core.chars().all(|c| "IVXLCDM".contains(c))
            || core.chars().all(|c| "ivxlcdm".contains(c)));
    let letter = core.len() == 1 && core.chars().all(|c| c.is_ascii_alphabetic());
    if digits || (marked && (roman || letter)) {
        rest.trim_start()
    } else {
        heading
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sop(path: &str, id: &str, extra: &str) -> Sop {
        Sop::parse(
            path.into(),
            format!(
                "---\nid: {id}\ntitle: T\ntype: checklist\nstatus: draft\nversion: 0.1.0\nowner: A\ndepartment: D\n{extra}---\n\n## Purpose\n\nWhy.\n\n## Checklist\n\n- [ ] x\n"
            ),
            "SOP",
        )
    }

    #[test]
    fn check_sop_reports_one_sop_with_cross_file_rules() {
        let repo = Repo {
            root: std::env::temp_dir(),
            settings: Settings::load(None).unwrap(),
            tracked: None,
        };
        let corpus = Corpus {
            sops: vec![
                sop("sops/a/SOP-0001-a.md", "SOP-0001", ""),
                sop("sops/a/SOP-0001-b.md", "SOP-0001", "tgas: []\n"),
                sop(
                    "sops/a/SOP-0002-c.md",
                    "SOP-0002",
                    "superseded_by: SOP-0009\n",
                ),
            ],
            broken: Vec::new(),
        };
        let ids = |path: &str| -> Vec<&'static str> {
            check_sop(&repo, &corpus, path)
                .unwrap()
                .iter()
                .map(|f| f.rule.id)
                .collect()
        };
        assert_eq!(ids("sops/a/SOP-0001-a.md"), ["id-duplicate"]);
        assert_eq!(ids("sops/a/SOP-0001-b.md"), ["id-duplicate", "key-unknown"]);
        // A draft that names a successor is not retired, and the successor is unknown.
        assert_eq!(
            ids("sops/a/SOP-0002-c.md"),
            ["supersede-id-unknown", "superseded-not-retired"]
        );
        assert!(ids("sops/a/nothing.md").is_empty());
        let all = check(&repo, &corpus).unwrap();
        assert_eq!(all.len(), 5);
        assert!(fails(&all, false));
    }

    #[test]
    fn headings_normalize_numbers_case_and_colons() {
        assert_eq!(normalize_heading("  4. Purpose: "), "purpose");
        assert_eq!(
            normalize_heading("4) Roles  and Responsibilities"),
            "roles and responsibilities"
        );
        assert_eq!(normalize_heading("2.1 Scope"), "scope");
        assert_eq!(normalize_heading("24/7 coverage"), "24/7 coverage");
        assert_eq!(normalize_heading("PROCEDURE"), "procedure");
        assert_eq!(normalize_heading("IV. Purpose"), "purpose");
        assert_eq!(normalize_heading("iv) Scope?"), "scope");
        assert_eq!(normalize_heading("A. Roles:"), "roles");
        assert_eq!(normalize_heading("Why?"), "why");
        assert_eq!(normalize_heading("A new start"), "a new start");
        assert_eq!(normalize_heading("Mixed. Text"), "mixed. text");
        assert_eq!(normalize_heading("4"), "4");
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::repo::decode;

    /// Lint one file's text (as the only SOP of a repository) and check every span.
    fn lint_text(text: String) {
        let repo = Repo {
            root: std::env::temp_dir().join("sop-lint-props-no-such-dir"),
            settings: Settings::load(None).expect("the default settings are valid"),
            tracked: None,
        };
        let sop = Sop::parse("sops/a/SOP-0001-a.md".into(), text, "SOP");
        let len = sop.source.text().len();
        let corpus = Corpus {
            sops: vec![sop],
            broken: Vec::new(),
        };
        let findings = check(&repo, &corpus).expect("no severities configured");
        for f in &findings {
            if let Some(s) = f.span {
                assert!(s.start <= s.end && s.end <= len, "{f:?}");
            }
            if let Some(fix) = &f.fix {
                let fixed = apply_fixes(corpus.sops[0].source.text(), [f]);
                if fix.is_safe() {
                    assert!(!fixed.applied.is_empty() || fix.edits.is_empty());
                } else {
                    assert!(fixed.applied.is_empty(), "a suggestion was applied: {f:?}");
                }
            }
        }
    }

    const BASE: &str = "---\nid: SOP-0001\ntitle: T\ntype: procedure\nstatus: approved\nversion: 1.0.0\nowner: A\ndepartment: D\n---\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*") {
            lint_text(text);
        }

        #[test]
        fn sop_like_text_never_panics(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("---".to_string()),
                    "[a-z_]{1,14}: [ -~äé–]{0,24}",
                    "  - [ -~é]{0,10}",
                    "#{1,6} [A-Za-z&é :0-9.]{0,24}",
                    "[0-9]{1,2}[.)] [ -~]{0,20}",
                    "- [ -~<>]{0,20}",
                    "\\| [A-Za-z]{0,8} \\| [RACIx/ ]{0,3} \\|",
                    "\\[[a-z]{0,5}\\]\\([a-z./#%-]{0,16}\\)",
                    "<[A-Za-z][ -~]{0,20}>?",
                    "<!-- sop-disable[a-z -]{0,20}-->",
                    "`[ -~]{0,10}`?",
                    "[ -~\t]{0,30}",
                ],
                0..40,
            )
        ) {
            lint_text(format!("{BASE}{}", lines.join("\n")));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(text) = decode(bytes) {
                lint_text(text);
            }
        }
    }
}
