//! `sop lint`: check SOPs against the rules and report the findings in the chosen format;
//! `--fix` applies the safe fixes first; `--explain` and `--list-rules` document the rules.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;

use super::Context;
use crate::cli::LintArgs;
use crate::diag::{self, Finding, Format, Report, RuleMeta, Sources};
use crate::lint::{self, LintError, registry};
use crate::repo::config::SeverityLevel;
use crate::repo::{Corpus, Repo};
use crate::{Exit, Stop};

/// Run `sop lint`.
///
/// # Errors
/// Usage errors (unknown rule, missing path), configuration errors, write failures.
pub(super) fn run(ctx: &Context, args: &LintArgs) -> anyhow::Result<Exit> {
    if let Some(id) = &args.explain {
        return explain(id);
    }
    if args.list_rules {
        // Inside a repository, show the severities its `sop.toml` sets.
        let levels = match ctx.repo() {
            Ok(repo) => lint::severity_levels(&repo.settings).map_err(usage)?,
            Err(_) => std::collections::HashMap::new(),
        };
        return list_rules(args.format, &levels);
    }
    let repo = ctx.repo()?;
    let selection = Selection::new(ctx, &repo, &args.paths)?;
    let mut corpus = load(&repo, &selection);
    let mut findings = check(&repo, &corpus)?;
    if args.fix {
        let changed = fix(ctx, &repo, &corpus, &findings, &selection)?;
        if changed {
            corpus = load(&repo, &selection);
            findings = check(&repo, &corpus)?;
        }
    }
    if let Some(base) = &args.base {
        ctx.require_full_history(&repo, "`--base` (it compares with a git revision)")?;
        findings.extend(base_findings(&repo, &corpus, base)?);
        lint::sort(&mut findings);
    }
    findings.retain(|f| selection.contains(&f.file));
    let extra = lint::broken_sources(&repo, &corpus);
    let sources: Sources<'_> = corpus
        .sops
        .iter()
        .map(|s| (s.path.as_str(), &s.source))
        .chain(extra.iter().map(|(p, s)| (p.as_str(), s)))
        .collect();
    let rules: Vec<&'static RuleMeta> = registry::RULES.iter().collect();
    let checked = corpus
        .sops
        .iter()
        .map(|s| s.path.as_str())
        .chain(corpus.broken.iter().map(|b| b.path.as_str()))
        .filter(|p| selection.contains(p))
        .count();
    let report = Report {
        findings: &findings,
        sources: &sources,
        rules: &rules,
        checked,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    diag::write(args.format, &report, ctx.color, &mut out)?;
    out.flush()?;
    let exit = if lint::fails(&findings, args.deny_warnings) {
        Exit::Failure
    } else {
        Exit::Success
    };
    // Freeing tens of thousands of small allocations of a large corpus takes measurable time
    // just before the process exits and the system reclaims them anyway.
    drop(sources);
    std::mem::forget(findings);
    std::mem::forget(corpus);
    Ok(exit)
}

/// The pull-request findings against the merge base of `HEAD` and `base`, comparing the files
/// on disk (what CI checked out, or what a writer is about to push).
fn base_findings(repo: &Repo, corpus: &Corpus, base: &str) -> anyhow::Result<Vec<Finding>> {
    use crate::git::{GitError, base as git_base};
    let changes = git_base::changes_since(
        &repo.root,
        &repo.settings,
        base,
        git_base::Against::WorkTree,
    )
    .map_err(|e| match e {
        GitError::UnknownRevision { .. } => anyhow::Error::from(Stop::usage(
            e.to_string(),
            Some(format!(
                "fetch it first (in CI: `git fetch origin main`, and check out with `fetch-depth: 0`), or name another revision in `--base`; `{base}` must be a branch, tag or commit"
            )),
        )),
        GitError::Open { .. } => anyhow::Error::from(Stop::usage(
            format!("`--base` needs a git repository, and `{}` is not in one", repo.root.display()),
            Some("run `git init` and commit the SOPs, or leave out `--base`".to_string()),
        )),
        other => anyhow::Error::from(other),
    })?;
    lint::check_base(repo, corpus, &changes, base).map_err(|e| {
        let help = e.help();
        Stop::usage(e.to_string(), Some(help)).into()
    })
}

fn check(repo: &Repo, corpus: &Corpus) -> anyhow::Result<Vec<Finding>> {
    lint::check(repo, corpus).map_err(usage)
}

/// A configuration problem found by lint is a usage error (exit 2).
fn usage(e: LintError) -> anyhow::Error {
    let help = e.help();
    Stop::usage(e.to_string(), Some(help)).into()
}

/// Which files the user asked about: everything, or some files and folders.
struct Selection {
    /// Repository-relative paths; a folder ends in `/`. `None`: everything.
    paths: Option<Vec<String>>,
    /// Given files or folders outside the SOP folder, to load as well.
    outside: Vec<PathBuf>,
}

impl Selection {
    fn new(ctx: &Context, repo: &Repo, given: &[PathBuf]) -> anyhow::Result<Selection> {
        if given.is_empty() {
            return Ok(Selection {
                paths: None,
                outside: Vec::new(),
            });
        }
        let sops_dir = repo.sops_dir();
        let mut paths = Vec::new();
        let mut outside = Vec::new();
        for p in given {
            let full = ctx.cwd.join(p);
            let canonical = std::fs::canonicalize(&full).map_err(|_| {
                Stop::usage(
                    format!("`{}` does not exist", p.display()),
                    Some("give `sop lint` SOP files or folders that exist, or no path to check every SOP".to_string()),
                )
            })?;
            if !canonical.starts_with(&repo.root) {
                return Err(Stop::usage(
                    format!(
                        "`{}` is outside the SOP repository `{}`",
                        p.display(),
                        repo.root.display()
                    ),
                    Some("run `sop -C <folder> lint` for another repository".to_string()),
                )
                .into());
            }
            let rel = repo.relative(&canonical);
            if canonical.is_dir() {
                if rel.is_empty() {
                    return Ok(Selection {
                        paths: None,
                        outside: Vec::new(),
                    });
                }
                paths.push(format!("{rel}/"));
            } else {
                paths.push(rel);
            }
            let covered = canonical.starts_with(&sops_dir) || sops_dir.starts_with(&canonical);
            if !covered {
                outside.push(canonical);
            }
        }
        Ok(Selection {
            paths: Some(paths),
            outside,
        })
    }

    fn contains(&self, file: &str) -> bool {
        match &self.paths {
            None => true,
            Some(paths) => paths.iter().any(|p| {
                if p.ends_with('/') {
                    file.starts_with(p.as_str())
                } else {
                    file == p
                }
            }),
        }
    }
}

/// Every SOP (cross-file rules need them all), plus given files outside the SOP folder.
fn load(repo: &Repo, selection: &Selection) -> Corpus {
    let mut corpus = repo.load();
    if !selection.outside.is_empty() {
        let extra = repo.load_paths(&selection.outside);
        let known: HashSet<String> = corpus.sops.iter().map(|s| s.path.clone()).collect();
        corpus
            .sops
            .extend(extra.sops.into_iter().filter(|s| !known.contains(&s.path)));
        corpus.broken.extend(extra.broken);
        corpus.sops.sort_by(|a, b| a.path.cmp(&b.path));
    }
    corpus
}

/// Apply the safe fixes of the selected files; `true` when a file changed.
fn fix(
    ctx: &Context,
    repo: &Repo,
    corpus: &Corpus,
    findings: &[Finding],
    selection: &Selection,
) -> anyhow::Result<bool> {
    let mut changed = false;
    for sop in &corpus.sops {
        if !selection.contains(&sop.path) {
            continue;
        }
        let mine = findings
            .iter()
            .filter(|f| f.file == sop.path && f.fix.is_some());
        let outcome = lint::apply_fixes(sop.source.text(), mine);
        if outcome.applied.is_empty() || outcome.text == sop.source.text() {
            continue;
        }
        let path = repo.root.join(&sop.path);
        crate::atomic::replace(&path, outcome.text.as_bytes())
            .with_context(|| format!("cannot write the fixed `{}`", sop.path))?;
        changed = true;
        let mut err = anstream::stderr().lock();
        for (at, description) in &outcome.applied {
            let line = sop.source.line_col(*at).line;
            if !ctx.quiet {
                writeln!(err, "fixed {}:{line}: {description}", sop.path)?;
            }
        }
    }
    Ok(changed)
}

fn explain(id: &str) -> anyhow::Result<Exit> {
    let Some(rule) = registry::find(id) else {
        let ids = registry::ids();
        let help = match crate::repo::config::closest(id, &ids) {
            Some(best) => {
                format!("did you mean `{best}`? `sop lint --list-rules` lists every rule")
            }
            None => "`sop lint --list-rules` lists every rule".to_string(),
        };
        return Err(Stop::usage(format!("there is no rule `{id}`"), Some(help)).into());
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# {}\n\n{} (family: {}, default severity: {}{})\n",
        rule.id,
        capitalize(rule.summary),
        rule.family.as_str(),
        rule.severity.as_str(),
        if rule.fixable {
            ", `--fix` can repair it"
        } else {
            ""
        }
    )?;
    write!(out, "{}", rule.explanation)?;
    out.flush()?;
    Ok(Exit::Success)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One rule in `--list-rules --format json`.
#[derive(Serialize)]
struct RuleRow {
    id: &'static str,
    family: &'static str,
    /// In effect: `error`, `warning` or `off` (after `sop.toml`).
    severity: &'static str,
    default_severity: &'static str,
    fixable: bool,
    summary: &'static str,
    explanation: &'static str,
}

fn list_rules(
    format: Format,
    levels: &std::collections::HashMap<&'static str, SeverityLevel>,
) -> anyhow::Result<Exit> {
    let effective = |r: &RuleMeta| match levels.get(r.id) {
        Some(SeverityLevel::Error) => "error",
        Some(SeverityLevel::Warning) => "warning",
        Some(SeverityLevel::Off) => "off",
        None => r.severity.as_str(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            let rows: Vec<RuleRow> = registry::RULES
                .iter()
                .map(|r| RuleRow {
                    id: r.id,
                    family: r.family.as_str(),
                    severity: effective(r),
                    default_severity: r.severity.as_str(),
                    fixable: r.fixable,
                    summary: r.summary,
                    explanation: r.explanation,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        _ => {
            let w_id = registry::RULES
                .iter()
                .map(|r| r.id.len())
                .max()
                .unwrap_or(4);
            writeln!(
                out,
                "{:<w_id$}  {:<12}  {:<8}  {:<3}  SUMMARY",
                "RULE", "FAMILY", "SEVERITY", "FIX"
            )?;
            for r in registry::RULES {
                writeln!(
                    out,
                    "{:<w_id$}  {:<12}  {:<8}  {:<3}  {}",
                    r.id,
                    r.family.as_str(),
                    effective(r),
                    if r.fixable { "yes" } else { "" },
                    r.summary
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Success)
}
