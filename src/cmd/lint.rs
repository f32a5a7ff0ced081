//! `sop lint`: check SOPs against the rules and report the findings in the chosen format;
//! `--fix` applies the safe fixes first (and saves UTF-16 files as UTF-8); `--explain` and
//! `--list-rules` document the rules.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;

use super::Context;
use crate::cli::LintArgs;
use crate::diag::{self, Finding, Format, Report, RuleMeta, Sources};
use crate::lint::{self, LintError, registry};
use crate::repo::config::SeverityLevel;
use crate::repo::files::{FileRules, LeftOut, MARKDOWN_EXTENSIONS};
use crate::repo::keys::{KEYS, KeyNames};
use crate::repo::{Corpus, FileProblem, Repo, RepoError, encoding};
use crate::{Exit, Stop};

/// Run `sop lint`.
///
/// # Errors
/// Usage errors (unknown rule, missing path), configuration errors, write failures.
pub(super) fn run(ctx: &Context, args: &LintArgs) -> anyhow::Result<Exit> {
    if let Some(id) = &args.explain {
        return explain(ctx, id);
    }
    if args.list_rules {
        // Inside a repository, show the severities its `sop.toml` sets.
        let levels = match ctx.repo() {
            Ok(repo) => lint::severity_levels(&repo.settings).map_err(usage)?,
            Err(_) => std::collections::HashMap::new(),
        };
        return list_rules(args.format, &levels);
    }
    let (repo, paths) = match ctx.repo() {
        Ok(repo) => (repo, args.paths.clone()),
        // An invalid `sop.toml` here is an error to fix, not a reason to look elsewhere.
        Err(e) if e.downcast_ref::<RepoError>().is_some() => return Err(e),
        Err(e) => match repo_of_paths(ctx, &args.paths)? {
            Some(found) => found,
            // A commit's files, none in an SOP repository (a README at the git root).
            None if args.staged => match repo_of_gone(ctx)? {
                Some(repo) => (repo, Vec::new()),
                // The commit has no SOP, and moves or deletes none.
                None => return Ok(Exit::Success),
            },
            None => return Err(e),
        },
    };
    let selection = Selection::new(ctx, &repo, &paths, args.staged)?;
    // Some files named: a link elsewhere to a file the change moves or deletes breaks too.
    let gone = match selection.paths {
        Some(_) => gone_files(ctx, &repo)?,
        None => HashSet::new(),
    };
    if args.staged && paths.is_empty() && gone.is_empty() {
        // A commit with no SOP, that moves or deletes no file: nothing to check.
        return Ok(Exit::Success);
    }
    let mut corpus = repo.load();
    let mut findings = check(&repo, &corpus)?;
    if args.fix && args.dry_run {
        return preview_fixes(ctx, &repo, &corpus, &findings, &selection);
    }
    if args.fix {
        let changed = fix(ctx, &repo, &corpus, &findings, &selection)?;
        if changed {
            corpus = repo.load();
            findings = check(&repo, &corpus)?;
        }
        if !changed && !ctx.quiet && args.format == Format::Human {
            nothing_fixed(&findings, &selection)?;
        }
        let suggested = findings
            .iter()
            .filter(|f| selection.contains(&f.file))
            .filter(|f| f.fix.as_ref().is_some_and(|fix| !fix.is_safe()))
            .count();
        if suggested > 0 && !ctx.quiet {
            writeln!(
                anstream::stderr().lock(),
                "{} left for you: `--fix` never renames a key or a heading or changes a value; the `help:` lines say what to write",
                crate::words::count_with(suggested, "suggested change is", "suggested changes are")
            )?;
        }
    }
    if let Some(base) = &args.base {
        let git = ctx.require_full_history(&repo, "`--base` (it compares with a git revision)")?;
        findings.extend(base_findings(&git, &repo, &corpus, base)?);
        lint::sort(&mut findings);
    }
    let broken = lint::gone::links_to(&repo, &corpus, &gone);
    let also = also_checked(&findings, &broken, &selection);
    findings.retain(|f| selection.contains(&f.file) || broken.target_of(f).is_some());
    for (target, files) in &also {
        ctx.note(&format!(
            "also checked {} that {} to `{target}`, which this change moves or deletes (it is in the last commit, not in the working tree): {}; point the links at its new place, or remove them",
            crate::words::count(files.len(), "SOP"),
            if files.len() == 1 { "links" } else { "link" },
            files
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
    }
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
        .count()
        + also.values().flatten().collect::<BTreeSet<_>>().len();
    // GitHub finds files from the git repository's root.
    let for_github = matches!(args.format, Format::Github | Format::Sarif)
        || args.sarif_out.is_some()
        || args.summary_out.is_some();
    let in_git = if for_github {
        root_in_git(&repo)
    } else {
        String::new()
    };
    // Paths for the person at the terminal: from where they ran `sop`, when that is a folder
    // above the SOP repository (`ops/sops/x.md` at the git root, as a pre-commit hook shows
    // them), else from the SOP repository's root.
    let root = match args.format {
        Format::Github | Format::Sarif => in_git.clone(),
        Format::Human => root_below(&ctx.cwd, &repo.root),
        Format::Json => String::new(),
    };
    let report = Report {
        findings: &findings,
        sources: &sources,
        rules: &rules,
        checked,
        root: &root,
    };
    let for_files = Report {
        root: &in_git,
        ..report
    };
    let mut unchecked = selection.unchecked(&repo, &corpus);
    if selection.paths.is_none() && checked == 0 {
        unchecked.push(nothing_found(&repo));
    }
    for (why, help) in &unchecked {
        ctx.warn(&format!("{why}; {help}"))?;
    }
    // Named paths that are all left out: the warnings say why; a "no problems in 0 SOPs"
    // would only hide it. Findings about files that are gone (`--base`: an approved SOP
    // deleted) are still shown.
    let nothing = checked == 0
        && findings.is_empty()
        && !unchecked.is_empty()
        && args.format == Format::Human;
    if !nothing {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let human = diag::HumanOptions {
            color: ctx.color,
            every: ctx.verbose > 0,
            errors_only: ctx.quiet,
        };
        diag::write(args.format, &report, human, &mut out)?;
        out.flush()?;
    }
    // The same report, so annotations, SARIF and summary never disagree and the SOPs are
    // read and checked once.
    if let Some(path) = &args.sarif_out {
        write_file(ctx, path, "--sarif-out", |out| {
            diag::sarif::write(&for_files, out)
        })?;
    }
    if let Some(path) = &args.summary_out {
        write_file(ctx, path, "--summary-out", |out| {
            diag::summary::write(&for_files, out)
        })?;
    }
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

/// Write one more rendering of the report to `path` (relative to `-C`), atomically: a reader
/// such as a later CI step never sees half a file. `flag` names the option, for the message.
///
/// # Errors
/// When the file cannot be written, with its path and what to do.
fn write_file(
    ctx: &Context,
    path: &std::path::Path,
    flag: &str,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    render(&mut bytes)?;
    crate::atomic::replace(&ctx.cwd.join(path), &bytes).map_err(|e| {
        Stop::usage(
            format!("cannot write the `{flag}` file `{}`: {e}", path.display()),
            Some(format!(
                "give `{flag}` a file in a folder you can write to, and not a symbolic link"
            )),
        )
        .into()
    })
}

/// The pull-request findings against the merge base of `HEAD` and `base`, comparing the files
/// on disk (what CI checked out, or what a writer is about to push).
fn base_findings(
    git: &crate::git::Repo,
    repo: &Repo,
    corpus: &Corpus,
    base: &str,
) -> anyhow::Result<Vec<Finding>> {
    use crate::git::{GitError, base as git_base};
    let changes = git
        .changes_since(&repo.settings, base, git_base::Against::WorkTree)
    .map_err(|e| match e {
        GitError::UnknownRevision { .. } => {
            let fetch = match git_base::fetch_command(base, &git.remote_names()) {
                Some(command) => format!("`{command}`"),
                None => "`git fetch origin <branch>` and name it `origin/<branch>`".to_string(),
            };
            anyhow::Error::from(Stop::usage(
                e.to_string(),
                Some(format!(
                    "fetch it first (in CI: {fetch}, and check out with `fetch-depth: 0`), or name another revision in `--base`; `{base}` must be a branch, tag or commit"
                )),
            ))
        }
        GitError::UnrelatedHistory { .. } => anyhow::Error::from(Stop::usage(
            e.to_string(),
            Some(format!(
                "`--base` takes the branch this one will be merged into, which shares its history (for example `origin/main`); `{base}` has a history of its own: a branch made with `git checkout --orphan` (such as one holding a published site), or a history rewritten since this branch was made from it"
            )),
        )),
        GitError::Open { .. } => anyhow::Error::from(Stop::usage(
            format!("`--base` needs a git repository, and `{}` is not in one", repo.root.display()),
            Some("run `git init` and commit the SOPs, or leave out `--base`".to_string()),
        )),
        other => anyhow::Error::from(other),
    })?;
    let merge_base = git
        .merge_base(base)
        .ok()
        .and_then(|c| git2::Oid::from_str(&c).ok());
    let unrecorded = unrecorded_approvals(git, repo, corpus, &changes, merge_base)?;
    let versions = versions_to_pass(git, repo, corpus, &changes, base)?;
    lint::check_base(repo, corpus, &changes, base, &unrecorded, &versions).map_err(|e| {
        let help = e.help();
        Stop::usage(e.to_string(), Some(help)).into()
    })
}

/// The versions the changed SOPs must go above besides the one they started from: the one on
/// `base` itself when another pull request changed the SOP there since, and the highest
/// released (which `sop release` refuses to repeat, so help never proposes it).
fn versions_to_pass(
    git: &crate::git::Repo,
    repo: &Repo,
    corpus: &Corpus,
    changes: &[crate::git::base::BaseChange],
    base: &str,
) -> anyhow::Result<lint::pull_request::Versions> {
    let mut versions = lint::pull_request::Versions::default();
    let changed: Vec<&crate::git::base::BaseChange> = changes
        .iter()
        .filter(|c| c.content_changed && !c.deleted && !c.translation)
        .collect();
    if changed.is_empty() {
        return Ok(versions);
    }
    versions.at_base = git
        .changed_at_base(&repo.settings, base)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let ids: std::collections::BTreeSet<&str> = changed
        .iter()
        .filter_map(|c| c.path.as_deref())
        .filter_map(|p| corpus.sops.iter().find(|s| s.path == p)?.id())
        .collect();
    for id in ids {
        let highest = git
            .releases_of(&repo.settings, id)?
            .iter()
            .filter_map(|r| semver::Version::parse(&r.version).ok())
            .max();
        if let Some(v) = highest {
            versions.released.insert(id.to_string(), v);
        }
    }
    Ok(versions)
}

/// The changed SOPs that say `status: approved` while no release whose text says approved has
/// their text (review dates aside: `sop review` changes only those), each with whether it has
/// any release. A text that cannot be compared (the file was renamed since a release) counts as
/// recorded: no finding on a guess. `base` is the merge base the change is checked against.
fn unrecorded_approvals(
    git: &crate::git::Repo,
    repo: &Repo,
    corpus: &Corpus,
    changes: &[crate::git::base::BaseChange],
    base: Option<git2::Oid>,
) -> anyhow::Result<lint::pull_request::Unrecorded> {
    let mut out = lint::pull_request::Unrecorded::new();
    let by_path: std::collections::HashMap<&str, &crate::repo::Sop> =
        corpus.sops.iter().map(|s| (s.path.as_str(), s)).collect();
    let mut texts = git.texts().reader();
    // Read once, and only when a tag is missing: the commits `sop release` made, and whether
    // the clone has any release tag.
    let mut release_commits: Option<crate::git::history::ReleaseCommits> = None;
    let mut has_tags: Option<bool> = None;
    // A review (`sop review`) changes only the review dates of a text approved before.
    for change in changes
        .iter()
        .filter(|c| c.content_changed && !c.review_only && !c.deleted)
    {
        let Some(path) = change.path.as_deref() else {
            continue;
        };
        let Some(sop) = by_path.get(path).copied() else {
            continue;
        };
        let Some(id) = sop.id() else {
            continue;
        };
        if sop.status() != Some(crate::repo::Status::Approved) {
            continue;
        }
        // A translation has no release of its own: a changed text that says approved has
        // nothing in git that records who approved it, unless its approvers changed with it.
        if sop.is_translation() {
            let approvers: Vec<&str> = sop
                .meta
                .approvers
                .as_ref()
                .map(|a| a.value.iter().map(|n| n.value.as_str()).collect())
                .unwrap_or_default();
            if !approvers.is_empty() && approvers != change.base_approvers {
                continue;
            }
            out.insert(
                path.to_string(),
                lint::pull_request::NotRecorded {
                    released_before: false,
                    why: "it is a translation, and translations have no releases of their own: nothing records who approved its new text".to_string(),
                    fix: lint::pull_request::RecordWith::Reviewers,
                },
            );
            continue;
        }
        let text = sop.source.text();
        let version = sop.meta.version.as_ref().map(|v| v.value.trim());
        let tag = version.map(|v| repo.settings.tag_name(id, v));
        let release = match &tag {
            Some(t) => git.tag_release(t)?,
            None => None,
        };
        // Only the release of the version this text says can hold this text (review dates
        // aside), under its path now or, renamed in this change, at the base.
        let at_tag = release.as_ref().and_then(|r| {
            texts
                .at_commit(&r.commit, path)
                .or_else(|| texts.at_commit(&r.commit, change.base_path.as_deref()?))
        });
        let same_approved = at_tag.as_deref().is_some_and(|t| {
            (encoding::same_text(t, text)
                || crate::repo::front_matter::same_but_review_dates(t, text, &repo.settings.keys))
                && crate::repo::Sop::parse_in(path.to_string(), t.to_string(), &repo.settings)
                    .status()
                    == Some(crate::repo::Status::Approved)
        });
        if same_approved && release.as_ref().is_some_and(|r| !r.approvals.is_empty()) {
            continue;
        }
        // How this SOP was approved before: the release of the version it had at the base.
        let before = match change.base_version.as_deref().map(str::trim) {
            Some(v) if Some(v) != version => git.tag_release(&repo.settings.tag_name(id, v))?,
            _ => None,
        };
        // Tags made without `sop release --approve` (the release before records no approver
        // either) count as the site counts them: the text says approved.
        let approves_with_sop = [&release, &before]
            .iter()
            .any(|r| r.as_ref().is_some_and(|r| !r.approvals.is_empty()));
        if same_approved && !approves_with_sop {
            continue;
        }
        // The commit `sop release` made for this version, when its tag is not here: the
        // tag was not pushed, or this clone was made without tags.
        if release.is_none() && release_commits.is_none() {
            release_commits = Some(git.release_commits()?);
        }
        let commits = release_commits.as_ref();
        let release_commit = match (&release, version) {
            (None, Some(v)) => commits.and_then(|c| c.of(id, Some(v))).cloned(),
            _ => None,
        };
        // No release of it is here, though the base's history has one: a clone made without
        // tags would pass every text nobody approved. (A release made on this branch, its tag
        // not pushed, is not that: it is told to push the tag.)
        if release.is_none() && before.is_none() {
            let released = release_commit
                .clone()
                .or_else(|| commits.and_then(|c| c.of(id, None)).cloned());
            if let Some((commit, subject)) = released
                && base.is_some_and(|base| git.reaches(base, commit))
            {
                let tagged = match has_tags {
                    Some(tagged) => tagged,
                    None => *has_tags.insert(git.has_release_tags(&repo.settings)?),
                };
                if !tagged {
                    return Err(super::without_release_tags(
                        &subject,
                        "the approval check cannot tell an approved text from one nobody approved, so nothing was checked",
                    )
                    .into());
                }
            }
        }
        let released_before = release.is_some() || before.is_some() || release_commit.is_some();
        let tag = tag.unwrap_or_default();
        let why = match (&release, same_approved) {
            _ if version.is_none() => "it has no `version`".to_string(),
            (None, _) if release_commit.is_some() => format!(
                "its release commit is here, but its tag `{tag}` is not (it was not pushed)"
            ),
            (None, _) if !released_before => format!(
                "{id} has no release of this version or of the one before here (none made yet, or its tags were not fetched: `git fetch --tags`)"
            ),
            (None, _) => format!("there is no release tag `{tag}` for this version"),
            (Some(_), false) => format!("it differs from the text of release `{tag}`"),
            (Some(_), true) => format!(
                "release `{tag}` records no approver (it was not made with `sop release --approve`)"
            ),
        };
        out.insert(
            path.to_string(),
            lint::pull_request::NotRecorded {
                released_before,
                why,
                fix: match release_commit {
                    Some(_) => lint::pull_request::RecordWith::PushTag(tag),
                    None => lint::pull_request::RecordWith::Release,
                },
            },
        );
    }
    Ok(out)
}

fn check(repo: &Repo, corpus: &Corpus) -> anyhow::Result<Vec<Finding>> {
    lint::check(repo, corpus).map_err(usage)
}

/// A configuration problem found by lint is a usage error (exit 2).
fn usage(e: LintError) -> anyhow::Error {
    let help = e.help();
    Stop::usage(e.to_string(), Some(help)).into()
}

/// The SOP repository's root seen from `cwd` when `cwd` is a folder above it, ending in `/`
/// (`ops/`); empty otherwise.
fn root_below(cwd: &std::path::Path, root: &std::path::Path) -> String {
    std::fs::canonicalize(cwd)
        .ok()
        .map(|cwd| folder_prefix(root, &cwd))
        .unwrap_or_default()
}

/// The SOP repository's folder in its git repository, ending in `/` (`ops/`); empty when it is
/// the git repository's root, or outside git.
fn root_in_git(repo: &Repo) -> String {
    crate::git::work_tree_root(&repo.root)
        .and_then(|git| std::fs::canonicalize(git).ok())
        .map(|git| folder_prefix(&repo.root, &git))
        .unwrap_or_default()
}

/// `inner` relative to `outer`, `/`-separated and ending in `/` (`ops/`), to put before paths
/// relative to `inner`; empty when they are the same folder or `inner` is not inside `outer`.
fn folder_prefix(inner: &std::path::Path, outer: &std::path::Path) -> String {
    inner
        .strip_prefix(outer)
        .ok()
        .and_then(|rel| rel.to_str())
        .filter(|rel| !rel.is_empty())
        .map(|rel| format!("{}/", rel.replace('\\', "/")))
        .unwrap_or_default()
}

/// The files committed at `HEAD` (under the SOP root) that are gone from the work tree: what
/// the change being made moves or deletes. Empty outside git and before the first commit.
///
/// # Errors
/// Only writing the warning when git's `HEAD` cannot be read (the check is then left out).
fn gone_files(ctx: &Context, repo: &Repo) -> anyhow::Result<HashSet<String>> {
    let Ok(Some(git)) = crate::git::Repo::open(&repo.root) else {
        return Ok(HashSet::new());
    };
    match git.head_files() {
        Ok(committed) => Ok(lint::gone::gone_files(repo, committed)),
        Err(e) => {
            ctx.warn(&format!(
                "links to files this change moves or deletes were not checked: {e}; run `sop lint` with no path to check every SOP"
            ))?;
            Ok(HashSet::new())
        }
    }
}

/// `--staged` with no path in an SOP repository, outside one (the hook runs at the root of a
/// git repository whose SOPs are in `ops/`): the SOP repository that held a file the change moves
/// or deletes, found from the nearest folder of it that is still there.
fn repo_of_gone(ctx: &Context) -> anyhow::Result<Option<Repo>> {
    let Some(root) = crate::git::work_tree_root(&ctx.cwd) else {
        return Ok(None);
    };
    let Ok(Some(git)) = crate::git::Repo::open(&root) else {
        return Ok(None);
    };
    let Ok(committed) = git.head_files() else {
        return Ok(None);
    };
    for p in committed
        .iter()
        .filter(|p| root.join(p).symlink_metadata().is_err())
    {
        let mut folder = root.join(p);
        while folder.symlink_metadata().is_err() {
            match folder.parent() {
                Some(parent) => folder = parent.to_path_buf(),
                None => break,
            }
        }
        match Repo::open(&folder, ctx.config.as_deref()) {
            Ok(mut repo) => {
                super::attach_tracked(&mut repo);
                return Ok(Some(repo));
            }
            Err(RepoError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// The SOPs outside `selection` with a finding on a link the change breaks, by the moved or
/// deleted file their links lead to: named in a note, so the writer knows why an SOP they did
/// not change is reported.
fn also_checked(
    findings: &[Finding],
    broken: &lint::gone::BrokenByChange,
    selection: &Selection,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut also: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in findings.iter().filter(|f| !selection.contains(&f.file)) {
        if let Some(target) = broken.target_of(f) {
            also.entry(target.to_string())
                .or_default()
                .insert(f.file.clone());
        }
    }
    also
}

/// Outside an SOP repository, the one that holds the files given (`sop lint ops/sops/x.md`
/// from the root of a git repository whose SOP repository is `ops/`, as a pre-commit hook runs
/// it), with the paths inside it; each path in no SOP repository is named in a note and left
/// out. `None` when no path is in one, or they are in several.
fn repo_of_paths(ctx: &Context, given: &[PathBuf]) -> anyhow::Result<Option<(Repo, Vec<PathBuf>)>> {
    let mut found: Option<Repo> = None;
    let mut inside = Vec::new();
    let mut outside = Vec::new();
    for p in given {
        let full = ctx.cwd.join(p);
        if full.symlink_metadata().is_err() {
            return Err(missing_path(p).into());
        }
        let folder = if full.is_dir() {
            full.clone()
        } else {
            full.parent()
                .map_or_else(|| full.clone(), std::path::Path::to_path_buf)
        };
        match Repo::open(&folder, ctx.config.as_deref()) {
            Ok(repo) => match &found {
                Some(f) if f.root != repo.root => return Ok(None),
                Some(_) => inside.push(p.clone()),
                None => {
                    found = Some(repo);
                    inside.push(p.clone());
                }
            },
            Err(RepoError::NotFound { .. }) => outside.push(p),
            // An invalid `sop.toml` above the file: the writer must hear of it, not see the
            // file skipped as outside any SOP repository.
            Err(e) => return Err(e.into()),
        }
    }
    let Some(mut repo) = found else {
        return Ok(None);
    };
    super::attach_tracked(&mut repo);
    for p in outside {
        ctx.note(&format!(
            "`{}` was not checked: it is in no SOP repository (no `sop.toml` in its folder or above it)",
            p.display()
        ))?;
    }
    Ok(Some((repo, inside)))
}

/// The refusal of a path given to `sop lint` that does not exist.
fn missing_path(p: &std::path::Path) -> Stop {
    Stop::usage(
        format!("`{}` does not exist", p.display()),
        Some(
            "give `sop lint` SOP files or folders that exist, or no path to check every SOP"
                .to_string(),
        ),
    )
}

/// Which files the user asked about: everything, or some files and folders.
struct Selection {
    /// Repository-relative paths; a folder ends in `/`. `None`: everything.
    paths: Option<Vec<String>>,
    /// Every path given, to say why one that checks nothing was not checked.
    given: Vec<Given>,
}

/// One path named on the command line.
struct Given {
    /// As the user wrote it.
    shown: String,
    /// Relative to the repository root; a folder ends in `/`.
    rel: String,
    /// Whether it is in the SOP folder (or holds it).
    in_sops: bool,
}

impl Selection {
    /// `staged`: no path means no file (a commit's files, and it has none), not everything.
    fn new(
        ctx: &Context,
        repo: &Repo,
        given: &[PathBuf],
        staged: bool,
    ) -> anyhow::Result<Selection> {
        let everything = Selection {
            paths: None,
            given: Vec::new(),
        };
        if given.is_empty() {
            return Ok(if staged {
                Selection {
                    paths: Some(Vec::new()),
                    given: Vec::new(),
                }
            } else {
                everything
            });
        }
        let sops_dir = std::fs::canonicalize(repo.sops_dir()).unwrap_or_else(|_| repo.sops_dir());
        let mut paths = Vec::new();
        let mut named = Vec::new();
        for p in given {
            let full = ctx.cwd.join(p);
            let missing = || missing_path(p);
            // A symbolic link is named as itself, not by where it points: one that leaves the
            // repository is then reported as a finding, never followed.
            let is_link = full
                .symlink_metadata()
                .map_err(|_| missing())?
                .file_type()
                .is_symlink();
            let canonical = match (is_link, full.parent(), full.file_name()) {
                (true, Some(parent), Some(name)) => std::fs::canonicalize(parent)
                    .map(|parent| parent.join(name))
                    .map_err(|_| missing())?,
                _ => std::fs::canonicalize(&full).map_err(|_| missing())?,
            };
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
            let mut rel = repo.relative(&canonical);
            if canonical.is_dir() {
                if rel.is_empty() {
                    return Ok(everything);
                }
                rel.push('/');
            }
            let in_sops = canonical.starts_with(&sops_dir) || sops_dir.starts_with(&canonical);
            if in_sops {
                paths.push(rel.clone());
            }
            named.push(Given {
                shown: p.display().to_string(),
                rel,
                in_sops,
            });
        }
        Ok(Selection {
            paths: Some(paths),
            given: named,
        })
    }

    fn contains(&self, file: &str) -> bool {
        match &self.paths {
            None => true,
            Some(paths) => paths.iter().any(|p| matches(p, file)),
        }
    }

    /// For each given path that names no SOP of `corpus`: what it is, why it was not checked,
    /// and what to do.
    fn unchecked(&self, repo: &Repo, corpus: &Corpus) -> Vec<(String, String)> {
        let checked = |p: &str| {
            corpus.sops.iter().any(|s| matches(p, &s.path))
                || corpus.broken.iter().any(|b| matches(p, &b.path))
        };
        let sops = repo.settings.sops_dir();
        self.given
            .iter()
            .filter(|g| !g.in_sops || !checked(&g.rel))
            .map(|g| {
                let (why, help) = if !g.in_sops {
                    (
                        format!("it is not in the SOP folder `{sops}/`"),
                        format!("SOPs live in `{sops}/<category>/`: move SOP files there, or create one with `sop new \"Title\"`"),
                    )
                } else if g.rel.ends_with('/') {
                    (
                        "the folder holds no SOP files".to_string(),
                        format!(
                            "SOP files are Markdown files ({}) such as `SOP-0001-title.md`; `sop new \"Title\"` creates one",
                            extension_list(&repo.settings.files)
                        ),
                    )
                } else {
                    left_out_reason(&repo.settings.files, &g.rel)
                };
                (
                    format!("`{}` was not checked: {why}", g.shown),
                    help,
                )
            })
            .collect()
    }
}

/// The extensions of SOP files, for messages: `` `.md` ``, `` `.md`, `.md.erb` ``.
fn extension_list(rules: &FileRules) -> String {
    rules
        .extensions()
        .iter()
        .map(|e| format!("`.{e}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a whole repository had no SOP to check, and what to do.
fn nothing_found(repo: &Repo) -> (String, String) {
    let rules = &repo.settings.files;
    let dir = repo.settings.sops_dir();
    let mut why = format!(
        "no SOP was checked: sop reads the files ending in {} in `{dir}/`",
        extension_list(rules)
    );
    if !rules.excluded().is_empty() {
        why.push_str(&format!(
            ", except those `[sops] exclude` leaves out ({})",
            rules
                .excluded()
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    (
        why,
        "create an SOP with `sop new \"Title\"`, or set `[sops] dir`, `extensions`, `include` and `exclude` in `sop.toml` to where your documents are".to_string(),
    )
}

/// Why the file `rel` (in the SOP folder) was not checked, and how to have it checked.
fn left_out_reason(rules: &FileRules, rel: &str) -> (String, String) {
    let inside = rules.in_folder(rel).unwrap_or(rel);
    let name = inside.rsplit('/').next().unwrap_or(inside);
    match rules.left_out(rel) {
        Some(LeftOut::Extension) => {
            let markdown = MARKDOWN_EXTENSIONS
                .iter()
                .rev()
                .find(|e| name.to_ascii_lowercase().ends_with(&format!(".{e}")));
            let help = match markdown {
                Some(ext) => format!(
                    "add \"{ext}\" to `[sops] extensions` in `sop.toml` to lint files ending in `.{ext}`"
                ),
                None => "name an SOP file instead, or no path to check every SOP".to_string(),
            };
            (
                format!("only Markdown files ({}) are SOPs", extension_list(rules)),
                help,
            )
        }
        Some(LeftOut::Excluded {
            pattern,
            default: true,
        }) => (
            format!("`{pattern}` files are left out by default"),
            format!("add \"{pattern}\" to `[sops] include` in `sop.toml` to lint it"),
        ),
        Some(LeftOut::Excluded { pattern, .. }) => (
            format!("the pattern `{pattern}` in `[sops] exclude` leaves it out"),
            format!(
                "add \"{inside}\" to `[sops] include` in `sop.toml` to lint it, or change `exclude`"
            ),
        ),
        Some(LeftOut::OutsideFolder) | None => (
            "git ignores it (a `.gitignore` names it), or its name or folder starts with a dot"
                .to_string(),
            "if it is an SOP, rename it or add it to git with `git add -f`".to_string(),
        ),
    }
}

/// Whether the selected path `p` (a folder ends in `/`) covers the repository path `file`.
fn matches(p: &str, file: &str) -> bool {
    match p.strip_suffix('/') {
        // A folder covers what is in it, and a finding on the folder itself (a link).
        Some(folder) => file.starts_with(p) || file == folder,
        None => file == p,
    }
}

/// The findings of the file at `path`.
fn of_file<'f>(findings: &'f [Finding], path: &'f str) -> impl Iterator<Item = &'f Finding> {
    findings.iter().filter(move |f| f.file == path)
}

/// `--fix --dry-run`: the unified diff of every selected file that `--fix` would change, on
/// standard output (a file `--fix` would save as UTF-8 is named on standard error, its text
/// stays the same); nothing is written.
fn preview_fixes(
    ctx: &Context,
    repo: &Repo,
    corpus: &Corpus,
    findings: &[Finding],
    selection: &Selection,
) -> anyhow::Result<Exit> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut files = 0;
    for (rel, _) in utf16_files(repo, corpus, selection) {
        files += 1;
        if !ctx.quiet {
            writeln!(
                anstream::stderr().lock(),
                "`{}` would be saved as UTF-8 instead of UTF-16 (its text stays the same)",
                crate::terminal::escape_line(&rel)
            )?;
        }
    }
    for sop in corpus.sops.iter().filter(|s| selection.contains(&s.path)) {
        let old = sop.source.text();
        let outcome = lint::apply_fixes(old, of_file(findings, &sop.path));
        if outcome.text == old {
            continue;
        }
        files += 1;
        let path = crate::terminal::escape_line(&sop.path);
        out.write_all(crate::git::diff::unified(old, &outcome.text, &path).as_bytes())?;
    }
    out.flush()?;
    if !ctx.quiet {
        let what = match files {
            0 => "`--fix` would change no file".to_string(),
            n => format!("`--fix` would change {}", crate::words::count(n, "file")),
        };
        writeln!(
            anstream::stderr().lock(),
            "{what} (`--dry-run`: nothing was written)"
        )?;
    }
    Ok(Exit::Success)
}

/// The selected files saved as UTF-16 (rule `file-utf16`), each with its text as UTF-8; a file
/// that does not decode (damaged, a lone surrogate) is left for the writer.
fn utf16_files(repo: &Repo, corpus: &Corpus, selection: &Selection) -> Vec<(String, String)> {
    corpus
        .broken
        .iter()
        .filter(|b| matches!(b.problem, FileProblem::Utf16(_)) && selection.contains(&b.path))
        .filter_map(|b| {
            let bytes = std::fs::read(repo.root.join(&b.path)).ok()?;
            let text = encoding::read_text(&bytes)?.into_owned();
            Some((b.path.clone(), text))
        })
        .collect()
}

/// Save the selected UTF-16 files as UTF-8, atomically: same characters, same line endings, no
/// byte-order mark. `true` when a file changed.
fn fix_utf16(
    ctx: &Context,
    repo: &Repo,
    corpus: &Corpus,
    selection: &Selection,
) -> anyhow::Result<bool> {
    let mut changed = false;
    for (rel, text) in utf16_files(repo, corpus, selection) {
        let path = repo.root.join(&rel);
        if let Err(refused) = crate::atomic::refuse_symlink(&path) {
            ctx.warn(&format!(
                "`{rel}` was not fixed: it is a symbolic link to `{}`, and sop never writes through a link\n  = help: {}",
                refused.target.display(),
                refused.help()
            ))?;
            continue;
        }
        crate::atomic::replace(&path, text.as_bytes())
            .with_context(|| format!("cannot write the fixed `{rel}`"))?;
        changed = true;
        // Even under `-q`: a file sop wrote must never go unmentioned.
        let rel = crate::terminal::escape_line(&rel);
        writeln!(
            anstream::stderr().lock(),
            "fixed {rel}:1: saved the file as UTF-8 instead of UTF-16"
        )?;
    }
    Ok(changed)
}

/// Apply the safe fixes of the selected files; `true` when a file changed.
fn fix(
    ctx: &Context,
    repo: &Repo,
    corpus: &Corpus,
    findings: &[Finding],
    selection: &Selection,
) -> anyhow::Result<bool> {
    let mut changed = fix_utf16(ctx, repo, corpus, selection)?;
    for sop in &corpus.sops {
        if !selection.contains(&sop.path) {
            continue;
        }
        let outcome = lint::apply_fixes(sop.source.text(), of_file(findings, &sop.path));
        if outcome.applied.is_empty() || outcome.text == sop.source.text() {
            continue;
        }
        let path = repo.root.join(&sop.path);
        if let Err(refused) = crate::atomic::refuse_symlink(&path) {
            ctx.warn(&format!(
                "`{}` was not fixed: it is a symbolic link to `{}`, and sop never writes through a link\n  = help: {}",
                sop.path,
                refused.target.display(),
                refused.help()
            ))?;
            continue;
        }
        crate::atomic::replace(&path, outcome.text.as_bytes())
            .with_context(|| format!("cannot write the fixed `{}`", sop.path))?;
        changed = true;
        let mut err = anstream::stderr().lock();
        // Even under `-q`: a file sop wrote must never go unmentioned.
        let path = crate::terminal::escape_line(&sop.path);
        for (at, description) in &outcome.applied {
            let line = sop.source.line_col(*at).line;
            writeln!(err, "fixed {path}:{line}: {description}")?;
        }
    }
    Ok(changed)
}

/// `--fix` changed nothing: say so on one line before the findings, so the writer does not
/// look for what was fixed: "nothing to fix automatically: the 71 warnings below need you".
/// Nothing is said when there are no findings (the summary says "no problems").
fn nothing_fixed(findings: &[Finding], selection: &Selection) -> std::io::Result<()> {
    let (errors, warnings) = findings
        .iter()
        .filter(|f| selection.contains(&f.file))
        .fold((0, 0), |(e, w), f| match f.severity {
            diag::Severity::Error => (e + 1, w),
            diag::Severity::Warning => (e, w + 1),
        });
    let what = match (errors, warnings) {
        (0, 0) => return Ok(()),
        (1, 0) => "the error below needs you".to_string(),
        (0, 1) => "the warning below needs you".to_string(),
        (e, 0) => format!("the {e} errors below need you"),
        (0, w) => format!("the {w} warnings below need you"),
        (e, w) => format!(
            "the {} and {} below need you",
            crate::words::count(e, "error"),
            crate::words::count(w, "warning")
        ),
    };
    writeln!(
        anstream::stderr().lock(),
        "nothing to fix automatically: {what}"
    )
}

fn explain(ctx: &Context, id: &str) -> anyhow::Result<Exit> {
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
        crate::words::capitalize(rule.summary),
        rule.family.as_str(),
        rule.severity.as_str(),
        if rule.fixable {
            ", `--fix` can repair it"
        } else {
            ""
        }
    )?;
    write!(out, "{}", rule.explanation)?;
    if rule.id == registry::KEY_UNKNOWN.id {
        // Inside a repository, with the names its `sop.toml` gives the keys.
        let names = ctx.repo().map(|r| r.settings.keys).unwrap_or_default();
        write!(out, "{}", key_table(&names))?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// The keys of the SOP format as a Markdown table, with this repository's names for them.
fn key_table(names: &KeyNames) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut out = String::from(
        "\n## The keys\n\n| key | value | required | may have another name | meaning |\n|---|---|---|---|---|\n",
    );
    for k in KEYS {
        let key = match names.alias(k.name) {
            Some(alias) => format!("`{}` (written `{alias}` here)", k.name),
            None => format!("`{}`", k.name),
        };
        out.push_str(&format!(
            "| {key} | {} | {} | {} | {} |\n",
            k.shape.words(),
            yes(k.required),
            yes(k.aliasable),
            k.meaning
        ));
    }
    if !names.allowed().is_empty() {
        let own: Vec<String> = names.allowed().iter().map(|a| format!("`{a}`")).collect();
        out.push_str(&format!(
            "\nThis repository's own keys, which sop leaves alone: {}.\n",
            own.join(", ")
        ));
    }
    out
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
