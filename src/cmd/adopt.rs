//! `sop adopt [PATH...]`: write the front matter of SOP files that lack it, in one step the
//! team reviews with `git diff` (or `--dry-run`, which shows the diff and writes nothing).
//!
//! Every file is planned first ([`crate::adopt::plan`]); when the front matter of one cannot be
//! read, nothing is written. A file that cannot be read at all (binary, too large, a link that
//! leads nowhere) is named with how to leave it out, and the others are adopted. The files are
//! those the repository's walk finds ([`Repo::load`]), so `[sops]` settings decide what is adopted, as they decide what is linted; project files that are never
//! SOPs (`CHANGELOG.md`) are left out and named. The settings the planned files need are added
//! to `sop.toml` ([`crate::adopt::settings`]), and the planned files are linted in memory with
//! them, so that the summary's "to do" lines are every error `sop lint` will still report, and
//! every template tag of another site generator the pages would show as text.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;

use super::Context;
use crate::adopt::codeowners::CodeOwners;
use crate::adopt::{self, Choices, Facts, OwnerFrom, Plan};
use crate::cli::{AdoptArgs, AdoptOwnerFrom};
use crate::diag::{Finding, Severity};
use crate::repo::anchors::AnchorRule;
use crate::repo::files::{LeftOut, MARKDOWN_EXTENSIONS, never_sop};
use crate::repo::{Corpus, FileProblem, Repo, Settings, Sop};
use crate::words::{count, plural};
use crate::{Exit, Stop, atomic, scaffold};

/// Run `sop adopt`.
///
/// # Errors
/// Usage errors (a path outside the repository), a refusal when a file cannot be read, write
/// failures.
pub(super) fn run(ctx: &Context, args: &AdoptArgs) -> anyhow::Result<Exit> {
    // Written into every document's front matter, and shown in lists and on the site: a line
    // break would end the value, or start a line of its own.
    for approver in &args.approvers {
        super::release::check_one_line(approver, "--approver", super::release::APPROVER_HELP)?;
    }
    if let Some(department) = &args.department {
        super::release::check_one_line(
            department,
            "--department",
            "write the department's name on one line, for example `--department \"Customer Support\"`",
        )?;
    }
    let repo = ctx.repo()?;
    let selected = selection(ctx, &repo, &args.paths)?;
    let corpus = repo.load();
    let git = ctx.git(&repo)?;

    let mut refusals: Vec<String> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    // Files never read: links out of the repository and files that cannot be read, each with
    // what to do about it. `sop lint` reports them until they are corrected or left out, so
    // each is a thing to decide.
    let mut unread: Vec<(String, String)> = Vec::new();
    let config_name = repo.relative(&config_path(&repo));
    for b in corpus.broken.iter().filter(|b| selected.contains(&b.path)) {
        // A link out of the repository is never read nor written through: it is left as it
        // is, and the rest is adopted.
        if let FileProblem::OutsideRepository { target, into_git } = &b.problem {
            let is_dir = repo.root.join(&b.path).is_dir();
            unread.push((
                b.path.clone(),
                link_out_to_do(&repo, &b.path, target, *into_git, is_dir, &config_name),
            ));
        } else if matches!(b.problem, FileProblem::LfsPointer) {
            // Front matter written into the pointer would replace the document once committed.
            skipped.push(format!(
                "{}: {}; {}; sop never writes into a pointer",
                b.path,
                b.problem,
                b.problem.help()
            ));
        } else {
            // A file that cannot be read is no reason to leave the others as they are: it is
            // named, with how to leave it out, and the rest is adopted.
            let leave_out = match exclude_pattern(&repo, &b.path, false) {
                Some(p) => format!(
                    "; if it is no SOP, add \"{p}\" to `exclude` under `[sops]` in {config_name} so that sop leaves it out"
                ),
                None => String::new(),
            };
            unread.push((
                b.path.clone(),
                format!(
                    "not adopted: {}; {}{leave_out}",
                    b.problem,
                    b.problem.help()
                ),
            ));
        }
    }
    let rules = &repo.settings.files;
    let mut left_out = project_files(&repo, &selected);
    // Project files the team's own `exclude` list does not leave out: out of adoption, and
    // into that list, so that `sop lint` leaves them out too.
    let mut exclude: Vec<String> = Vec::new();
    let mut sops: Vec<&Sop> = Vec::new();
    // Files that are parts of other pages (a wiki's sidebar, a partial, a snippet): front
    // matter written into one would show in every page it is part of.
    let parts = adopt::parts::parts(&repo.root, &corpus.sops);
    let mut parts_left_out: Vec<(String, String)> = Vec::new();
    for sop in &corpus.sops {
        if !selected.contains(&sop.path) {
            continue;
        }
        if sop.is_translation() {
            // A translation has its source's id and says which version it translates: adopt
            // does not make that up, but names the file and says what to write.
            if sop.front_matter.is_none()
                && let Some(to_do) = translation_to_do(&corpus, sop)
            {
                unread.push((sop.path.clone(), to_do));
            }
            continue;
        }
        if let Some(why) = parts.get(&sop.path)
            && !rules.is_included(&sop.path)
            && !adopt::is_adopted(&repo.settings, sop)
        {
            let inside = rules.in_folder(&sop.path).unwrap_or(&sop.path);
            let pattern = format!("/{}", literal_pattern(inside));
            if !exclude.contains(&pattern) {
                exclude.push(pattern);
            }
            parts_left_out.push((sop.path.clone(), why.clone()));
            continue;
        }
        let name = sop.path.rsplit('/').next().unwrap_or(&sop.path);
        if let Some(kind) = never_sop(name)
            && !rules.is_included(&sop.path)
        {
            left_out.push((sop.path.clone(), kind));
            let pattern = literal_pattern(name);
            if !exclude.contains(&pattern) {
                exclude.push(pattern);
            }
            continue;
        }
        if repo
            .root
            .join(&sop.path)
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            skipped.push(format!(
                "{}: a symbolic link; sop never writes through one: adopt the file it points to",
                sop.path
            ));
            continue;
        }
        sops.push(sop);
    }
    for (rel, shown) in selected.unmatched(&corpus) {
        let (why, help) = not_adopted(&repo, rel);
        ctx.warn(&format!("`{shown}` was not adopted: {why}; {help}"))?;
    }

    let histories = match &git {
        Some(g) => g.histories(&repo.settings).map_err(super::git_stop)?,
        None => Default::default(),
    };
    let by_path: HashMap<&str, &crate::git::history::SopHistory> =
        histories.values().map(|h| (h.path.as_str(), h)).collect();
    let (work_tree, prefix) = match &git {
        Some(g) => (
            g.repo
                .workdir()
                .map_or_else(|| repo.root.clone(), PathBuf::from),
            g.prefix.clone(),
        ),
        None => (repo.root.clone(), String::new()),
    };
    let owners = CodeOwners::find(&work_tree);
    if args.owner_from == Some(AdoptOwnerFrom::Codeowners) && owners.is_none() {
        return Err(Stop::usage(
            "`--owner-from codeowners` was given, but there is no CODEOWNERS file",
            Some(format!(
                "GitHub reads it from {}; write one there, or use `--owner-from git`",
                crate::adopt::codeowners::LOCATIONS.join(", ")
            )),
        )
        .into());
    }
    let choices = Choices {
        status: args.status.as_str().to_string(),
        owner_from: match args.owner_from {
            None => OwnerFrom::Either,
            Some(AdoptOwnerFrom::Git) => OwnerFrom::Git,
            Some(AdoptOwnerFrom::Codeowners) => OwnerFrom::CodeOwners,
        },
        department: args.department.clone(),
        approvers: args.approvers.clone(),
    };

    // Ids: the next free numbers, in path order, under the lock `sop new` takes.
    let _lock = super::new::IdLock::acquire(&repo)?;
    let front_ids: Vec<&str> = corpus.sops.iter().filter_map(|s| s.id()).collect();
    let (highest, like) = scaffold::highest_id(&repo, front_ids.iter().copied());
    let nav_titles = adopt::settings::mkdocs_nav_titles(&repo.root, &repo.sops_dir());
    let plan_all = |settings: &Settings, refusals: &mut Vec<String>| {
        let mut next = highest;
        let mut plans: Vec<(&Sop, Plan)> = Vec::new();
        for &sop in &sops {
            let mut facts = Facts {
                nav_title: nav_titles.get(&sop.path).cloned(),
                ..Facts::default()
            };
            if adopt::needs_id(settings, sop) {
                next = next.saturating_add(1);
                facts.new_id = scaffold::format_id(&repo, next, like.as_deref());
            }
            if let Some(h) = by_path.get(sop.path.as_str()) {
                facts.last_commit = h.commits.first().map(|c| c.date.clone());
                facts.first_commit = h.commits.last().map(|c| c.date.clone());
                facts.top_author = top_author(h);
            }
            if let Some(o) = &owners {
                let file = o
                    .path
                    .strip_prefix(&work_tree)
                    .unwrap_or(&o.path)
                    .display()
                    .to_string();
                facts.code_owners =
                    Some((o.owners(&format!("{prefix}{}", sop.path)).to_vec(), file));
            }
            match adopt::plan(settings, sop, &facts, &choices) {
                Ok(p) => plans.push((sop, p)),
                Err(e) => refusals.push(format!("{}: {e}", sop.path)),
            }
        }
        plans
    };
    // On a Docusaurus site `id:` is the page id: `sop`'s id is planned under another name.
    let mut docusaurus = docusaurus_settings(&repo, &sops);
    let mut plans = plan_all(docusaurus.as_ref().unwrap_or(&repo.settings), &mut refusals);

    let mut out = anstream::stdout().lock();
    if !refusals.is_empty() {
        for r in &refusals {
            writeln!(out, "cannot adopt {r}")?;
        }
        return Err(Stop::refused(
            format!(
                "{} cannot be read, so nothing was changed",
                count(refusals.len(), "file")
            ),
            Some(format!(
                "correct each file as its line above says, then run `sop adopt` again; to adopt the others first, name them (`sop adopt <file or folder>...`), or leave a file out with `exclude` under `[sops]` in {config_name}"
            )),
        )
        .into());
    }
    let mut config = {
        // Every document looked at, adopted now or before (by hand, or on a branch whose
        // `sop.toml` was not kept): each needs its settings to read as it is.
        let all: Vec<&(&Sop, Plan)> = plans.iter().collect();
        let settings = docusaurus.as_ref().unwrap_or(&repo.settings);
        let id_key = docusaurus.as_ref().map(|s| s.keys.written("id"));
        config_change(&repo, settings, &all, &exclude, id_key)?
    };
    // Files written for settings that `sop.toml` does not get would not read as planned: when
    // the edit is refused, the files are planned again under the settings as they are.
    if config.refused.is_some() && docusaurus.take().is_some() {
        refusals.clear();
        plans = plan_all(&repo.settings, &mut refusals);
        // Without the alias, sop's id would be written as the page id and move the page.
        if let Some(why) = &config.refused {
            plans.retain(|(sop, p)| {
                let moves = p.written.iter().any(|w| w.key == "id")
                    && repo.settings.keys.written("id") == "id";
                if moves {
                    skipped.push(format!(
                        "{}: on a Docusaurus site `id:` is the page id, which makes its address, and {config_name} cannot take `[front_matter] aliases = {{ id = \"{DOCUSAURUS_ID_KEY}\" }}` ({why}): write that setting and `allow = [\"id\"]` under `[front_matter]`, then run `sop adopt` again",
                        sop.path
                    ));
                }
                !moves
            });
        }
        let all: Vec<&(&Sop, Plan)> = plans.iter().collect();
        config = config_change(&repo, &repo.settings, &all, &exclude, None)?;
    }
    let settings = docusaurus.as_ref().unwrap_or(&repo.settings);
    let changing: Vec<&(&Sop, Plan)> = plans.iter().filter(|(_, p)| p.changes()).collect();
    let errors = match remaining_errors(&repo, &corpus, &plans, config.new.as_deref())? {
        Ok(errors) => errors,
        Err(e) => {
            ctx.warn(&format!(
                "the \"to do\" lines leave out what `sop lint` will report, since it cannot run: {e}; {}",
                e.help()
            ))?;
            HashMap::new()
        }
    };
    if let Some(new) = &config.new {
        if args.dry_run {
            let name = repo.relative(&config.path);
            let shown = crate::terminal::escape_line(&name);
            let diff = crate::git::diff::unified(&config.old, new, &shown);
            out.write_all(diff.as_bytes())?;
        } else {
            atomic::replace(&config.path, new.as_bytes())
                .with_context(|| format!("cannot write `{}`", config.path.display()))?;
        }
    }
    if args.dry_run {
        for (sop, p) in &changing {
            let path = crate::terminal::escape_line(&sop.path);
            let diff = crate::git::diff::unified(sop.source.text(), &p.text, &path);
            out.write_all(diff.as_bytes())?;
        }
    } else {
        for (sop, p) in &changing {
            let path = repo.root.join(&sop.path);
            atomic::replace(&path, p.text.as_bytes())
                .with_context(|| format!("cannot write `{}`", sop.path))?;
        }
    }
    let report = Report {
        plans: &plans,
        errors: &errors,
        skipped: &skipped,
        unread: &unread,
        left_out: &left_out,
        parts: &parts_left_out,
        mdx: &mdx_pages(&repo, &selected),
        config: &config,
        config_name: repo.relative(&config.path),
        keys: &settings.keys,
        dry_run: args.dry_run,
    };
    summary(&mut out, &report)?;
    if plans.is_empty() && skipped.is_empty() && unread.is_empty() && selected.given.is_none() {
        let (why, help) = nothing_found(&repo);
        ctx.warn(&format!("{why}; {help}"))?;
    }
    Ok(Exit::Success)
}

/// What to do about `sop`, a file without front matter whose name reads as a translation
/// (`refunds.pt.md`): with its source beside it, the front matter to write by hand; without
/// one (`node.js.md`, `runbook.old.md`), how to rename it so that it is adopted as an SOP.
fn translation_to_do(corpus: &Corpus, sop: &Sop) -> Option<String> {
    let crate::repo::sop::TranslationName {
        lang,
        source_path,
        base,
        ext,
    } = sop.translation_name()?;
    let ending = format!("`.{lang}{ext}`");
    match corpus.sops.iter().find(|s| s.path == source_path) {
        Some(source) => {
            let id = source.id().unwrap_or("<the source's id>");
            Some(format!(
                "not adopted: its name ends in {ending}, so it is the translation into `{lang}` of {source_path}, and a translation keeps its source's front matter; once {source_path} is adopted, copy its front matter here (the same `id`), translate the title, and add `language: {lang}` and `translation_of: {id}@<version>` with the version of the source it translates"
            ))
        }
        None => Some(format!(
            "not adopted: sop reads a name ending in {ending} as a translation into the language `{lang}`, but there is no {source_path} it translates; if it is an SOP of its own, rename it without that dot (such as `{base}-{lang}{ext}`) and run `sop adopt` again"
        )),
    }
}

/// What to do about the symbolic link at `rel` (a folder when `is_dir`) that leads to
/// `target`, out of the repository (or into its `.git` folder when `into_git`), in words for
/// the writer: copy what it points to in its place, or leave it out with `[sops] exclude` in
/// `config_name`.
fn link_out_to_do(
    repo: &Repo,
    rel: &str,
    target: &str,
    into_git: bool,
    is_dir: bool,
    config_name: &str,
) -> String {
    let what = if is_dir { "folder" } else { "file" };
    let place = if into_git {
        "inside git's own `.git` folder"
    } else {
        "outside the repository"
    };
    let copy = format!(
        "sop never reads or writes through it, and `sop lint` reports it until you either copy the {what} into the repository in place of the link"
    );
    match exclude_pattern(repo, rel, is_dir) {
        Some(p) => format!(
            "a symbolic link to the {what} `{target}`, {place}; {copy}, or add \"{p}\" to `exclude` under `[sops]` in {config_name} so that sop leaves it out"
        ),
        None => format!("a symbolic link to the {what} `{target}`, {place}; {copy}"),
    }
}

/// The `[sops] exclude` pattern that names the file (or folder, when `is_dir`) at `rel` alone:
/// anchored at the SOP folder (a pattern with a `/` inside already is). `None` outside it.
fn exclude_pattern(repo: &Repo, rel: &str, is_dir: bool) -> Option<String> {
    repo.settings.files.in_folder(rel).map(|inside| {
        let anchored = if inside.contains('/') {
            literal_pattern(inside)
        } else {
            format!("/{}", literal_pattern(inside))
        };
        if is_dir {
            format!("{anchored}/")
        } else {
            anchored
        }
    })
}

/// `path` as a gitignore pattern that matches that path only: the characters a pattern reads
/// as wildcards (`*`, `?`, `[`, `]`) and `\\` escaped, a `!` or `#` at its start and a space
/// at its end too.
fn literal_pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, c) in path.char_indices() {
        let at_start = i == 0 && matches!(c, '!' | '#');
        let at_end = c == ' ' && path[i..].trim_end_matches(' ').is_empty();
        if matches!(c, '*' | '?' | '[' | ']' | '\\') || at_start || at_end {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The author of most of the file's commits; among those tied, the most recent.
fn top_author(h: &crate::git::history::SopHistory) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in &h.commits {
        *counts.entry(c.author.as_str()).or_default() += 1;
    }
    let most = counts.values().copied().max()?;
    h.commits
        .iter()
        .map(|c| c.author.as_str())
        .find(|a| counts.get(a) == Some(&most) && !a.trim().is_empty())
        .map(str::to_string)
}

/// What the summary reports.
struct Report<'a> {
    plans: &'a [(&'a Sop, Plan)],
    /// The errors `sop lint` would still report in each file adopt looked at, once adopted.
    errors: &'a HashMap<String, Vec<Finding>>,
    skipped: &'a [String],
    /// Files never read (links out of the repository, files that cannot be read), each with
    /// what to do about it.
    unread: &'a [(String, String)],
    /// Project files left out, with their conventional name.
    left_out: &'a [(String, &'static str)],
    /// Parts of other pages left out, with why.
    parts: &'a [(String, String)],
    /// MDX pages, never read.
    mdx: &'a [String],
    config: &'a ConfigChange,
    /// `sop.toml`'s path relative to the repository root.
    config_name: String,
    /// The repository's names for the keys, as the files write them.
    keys: &'a crate::repo::keys::KeyNames,
    dry_run: bool,
}

fn summary(out: &mut impl Write, r: &Report<'_>) -> anyhow::Result<()> {
    let dry_run = r.dry_run;
    let verb = if dry_run { "would write" } else { "wrote" };
    let mut todo = 0;
    let mut changed = 0;
    if r.config.new.is_some() || r.config.refused.is_some() {
        writeln!(out, "{}", r.config_name)?;
        if r.config.new.is_some() {
            for line in r.config.needs.lines() {
                writeln!(out, "  {verb} {line}")?;
            }
        }
        if let Some(why) = &r.config.refused {
            writeln!(
                out,
                "  not changed: {why}; `sop lint` reports what these settings would prevent: {}",
                r.config.needs.lines().join("; ")
            )?;
        }
    }
    for (sop, p) in r.plans {
        let errors = r.errors.get(&sop.path).map_or(&[][..], Vec::as_slice);
        if !p.changes() && p.undecided.is_empty() && errors.is_empty() {
            continue;
        }
        writeln!(out, "{}", sop.path)?;
        for w in &p.written {
            let key = r.keys.written(w.key);
            writeln!(out, "  {verb} {key}: {} ({})", w.value, w.source)?;
        }
        if let Some((line, key)) = &p.moved_key {
            writeln!(
                out,
                "  {} `{key}:` (line {line}): `owner:` names the same person now",
                if dry_run { "would remove" } else { "removed" }
            )?;
        }
        if let Some((line, h)) = &p.kept_heading {
            writeln!(
                out,
                "  kept the heading `{h}` (line {line}): it holds more than the title; remove it by hand if the page should show the title once"
            )?;
        }
        if let Some((line, h)) = &p.removed_heading {
            writeln!(
                out,
                "  {} the heading `{h}` (line {line}): the site shows the title from the front matter",
                if dry_run { "would remove" } else { "removed" }
            )?;
        }
        for u in &p.undecided {
            writeln!(out, "  to do: {u}")?;
        }
        let rest = not_in_to_do(p, errors);
        for line in group(&sop.path, &rest) {
            writeln!(out, "  to do: {line}")?;
        }
        todo += p.undecided.len() + rest.len();
        changed += usize::from(p.changes());
    }
    for (path, to_do) in r.unread {
        writeln!(out, "{path}\n  to do: {to_do}")?;
        todo += 1;
    }
    for s in r.skipped {
        writeln!(out, "not adopted: {s}")?;
    }
    for (path, kind) in r.left_out {
        // `SUMMARY` alone says nothing to a writer: it is the book's chapter list.
        let what = match *kind {
            "SUMMARY" => " (a book's table of contents, read by mdBook or GitBook)",
            _ => "",
        };
        writeln!(
            out,
            "left out: {path}: a {kind} file{what} is never an SOP (`[sops] exclude` leaves it out)"
        )?;
    }
    for (path, why) in r.parts {
        writeln!(
            out,
            "left out: {path}: {why}; front matter written into it would show in every page it is part of (`[sops] exclude` leaves it out)"
        )?;
    }
    const SHOWN: usize = 5;
    for path in r.mdx.iter().take(SHOWN) {
        writeln!(
            out,
            "not read: {path}: an MDX page mixes Markdown with components only a Docusaurus (MDX) build can show, so `sop` neither checks nor publishes it; to bring a procedure in, rename it to `.md` (sop reads a Markdown page's imports, tabs and comments, and shows the content of other components)"
        )?;
    }
    if r.mdx.len() > SHOWN {
        writeln!(
            out,
            "not read: {} more MDX pages, for the same reason",
            r.mdx.len() - SHOWN
        )?;
    }
    let plans = r.plans;
    let already = plans.len() - changed;
    if plans.is_empty() && todo > 0 {
        writeln!(
            out,
            "\nnothing adopted; {} to decide by hand (\"to do\" above)",
            count(todo, "thing")
        )?;
        return Ok(());
    }
    if plans.is_empty() {
        writeln!(out, "nothing to adopt: no SOP file was looked at")?;
        return Ok(());
    }
    if changed == 0 && todo == 0 && r.config.new.is_none() {
        writeln!(
            out,
            "nothing to adopt: {} already {} front matter",
            count(plans.len(), "SOP file"),
            plural(plans.len(), "has its", "have their")
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "\n{} {}{}; {} left as {} (already adopted); {} to decide by hand (\"to do\" above)",
        if dry_run { "would adopt" } else { "adopted" },
        count(changed, "file"),
        if r.config.new.is_some() {
            format!(
                " and {} {} to {}",
                if dry_run { "would add" } else { "added" },
                count(r.config.needs.lines().len(), "setting"),
                r.config_name
            )
        } else {
            String::new()
        },
        count(already, "file"),
        plural(already, "it was", "they were"),
        count(todo, "thing"),
    )?;
    if dry_run {
        writeln!(
            out,
            "nothing was written: run `sop adopt` without `--dry-run` to write it"
        )?;
    } else if changed > 0 || r.config.new.is_some() {
        writeln!(
            out,
            "next: check the changes with `git diff`, then commit them (`git add -A && git commit -m \"Adopt sop\"`)"
        )?;
    }
    Ok(())
}

/// The errors of `errors` that no "to do" of `p` stands for (a `set owner:` stands for the
/// `key-missing` error of `owner`).
fn not_in_to_do<'f>(p: &Plan, errors: &'f [Finding]) -> Vec<&'f Finding> {
    let mut rest: Vec<&Finding> = errors.iter().collect();
    for u in &p.undecided {
        if let Some(rule) = u.rule
            && let Some(i) = rest.iter().position(|f| f.rule.id == rule)
        {
            rest.remove(i);
        }
    }
    rest
}

/// One "to do" line per rule: its first message, and how many more there are.
fn group(path: &str, findings: &[&Finding]) -> Vec<String> {
    let mut rules: Vec<&'static str> = Vec::new();
    for f in findings {
        if !rules.contains(&f.rule.id) {
            rules.push(f.rule.id);
        }
    }
    rules
        .iter()
        .map(|rule| {
            let of_rule: Vec<&&Finding> = findings.iter().filter(|f| f.rule.id == *rule).collect();
            let first = of_rule.first().map_or("", |f| f.message.as_str());
            let more = of_rule.len() - 1;
            let word = crate::words::shell_word(path);
            if more == 0 {
                format!("{first} in {path} (`{rule}`: `sop lint {word}` says how to fix it)")
            } else {
                format!(
                    "{first} in {path}, and {} like it (`{rule}`: `sop lint {word}` says how to fix each)",
                    count(
                        more,
                        if of_rule.first().is_some_and(|f| f.severity == Severity::Error) {
                            "more error"
                        } else {
                            "more warning"
                        }
                    )
                )
            }
        })
        .collect()
}

/// The settings adoption adds to `sop.toml`.
struct ConfigChange {
    /// `sop.toml`'s path.
    path: PathBuf,
    /// What it needs.
    needs: adopt::settings::Needs,
    /// Its text before (empty when there is none).
    old: String,
    /// Its new text; `None` when nothing is needed or it cannot be edited.
    new: Option<String>,
    /// Why it cannot be edited.
    refused: Option<String>,
}

/// The name `sop`'s id takes on a Docusaurus site.
const DOCUSAURUS_ID_KEY: &str = "sop_id";

/// The settings to adopt `sops` with on a Docusaurus site: `repo`'s, with `[front_matter]
/// aliases = { id = "sop_id" }` and `allow = ["id"]`. Docusaurus reads `id:` on every page as
/// the page id, which makes the page's address and names it in `sidebars.js`, whether a page
/// writes one yet or not: an `id: SOP-0001` written there would move the page. None elsewhere,
/// when every document is adopted already, or when `sop.toml` already gives keys other names (the
/// to-do for each page id then says how to keep it).
fn docusaurus_settings(repo: &Repo, sops: &[&Sop]) -> Option<Settings> {
    // What each page's `id:` is: sop's id (`SOP-0001`), or a page id of another form.
    let page_id = |sop: &Sop| -> Option<bool> {
        match &sop.front_matter.as_ref()?.get("id")?.value {
            crate::repo::front_matter::Value::Text(t) if !t.trim().is_empty() => {
                Some(crate::repo::sop::id_number(t.trim(), &repo.settings.ids).is_none())
            }
            _ => None,
        }
    };
    let page_ids = sops.iter().any(|sop| page_id(sop) == Some(true));
    // SOPs adopted before with sop's id as `id:` (released, approved) keep it while no page
    // uses `id:` for anything else: moving it to `sop_id` would rewrite every one of them.
    let adopted_with_id = sops
        .iter()
        .any(|sop| page_id(sop) == Some(false) && adopt::is_adopted(&repo.settings, sop));
    if repo.settings.keys.aliases().next().is_some()
        || sops
            .iter()
            .all(|sop| adopt::is_adopted(&repo.settings, sop))
        || (adopted_with_id && !page_ids)
        || !is_docusaurus_site(repo)
    {
        return None;
    }
    let path = config_path(repo);
    let old = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(_) => return None,
    };
    let needs = adopt::settings::Needs {
        id_key: Some(DOCUSAURUS_ID_KEY.to_string()),
        allow: vec!["id".to_string()],
        ..Default::default()
    };
    let text = adopt::settings::edit(&old, &path, &needs).ok()?;
    Settings::parse(&text, &path).ok()
}

/// Whether the SOP folder is in a Docusaurus site: a `docusaurus.config.*` in it or a folder
/// above it up to the repository root, or in the root's `website/` folder.
fn is_docusaurus_site(repo: &Repo) -> bool {
    let has_config = |dir: &std::path::Path| {
        ["js", "ts", "mjs", "cjs", "mts"]
            .iter()
            .any(|ext| dir.join(format!("docusaurus.config.{ext}")).is_file())
    };
    let sops = repo.sops_dir();
    sops.ancestors()
        .take_while(|d| d.starts_with(&repo.root))
        .any(has_config)
        || has_config(&repo.root.join("website"))
}

/// The path of the repository's `sop.toml`, written or to be written.
fn config_path(repo: &Repo) -> PathBuf {
    repo.settings
        .path
        .clone()
        .unwrap_or_else(|| repo.root.join(crate::repo::config::FILE_NAME))
}

/// The `sop.toml` edit that the files of `plans` need, as they will be written (or are, when
/// already adopted), with the project files `exclude` leaves out.
fn config_change(
    repo: &Repo,
    settings: &Settings,
    plans: &[&(&Sop, Plan)],
    exclude: &[String],
    id_key: Option<&str>,
) -> anyhow::Result<ConfigChange> {
    let path = config_path(repo);
    let planned: Vec<Sop> = plans
        .iter()
        .map(|(sop, p)| Sop::parse_in(sop.path.clone(), p.text.clone(), settings))
        .collect();
    let mut needs = adopt::settings::needs(settings, &planned, exclude);
    // Documents that link each other as a wiki does keep those links (`[links] wiki = true`).
    needs.wiki_links = adopt::settings::uses_wiki_links(settings, &planned, || {
        crate::publishable::Tracked::load(&repo.root).files(&repo.root)
    });
    // Documents of a site generator link its page addresses (`../page/`).
    needs.site_links =
        adopt::settings::site_links(settings, &repo.root, &repo.sops_dir(), &planned);
    // Pages of a Docusaurus site have the ids it makes: a heading's `{#id}` is its id. Like the
    // other settings, it comes with documents being adopted, so a second run adds nothing.
    // Those of an MkDocs site have the ids MkDocs makes (`## Café` is `#cafe`).
    if !planned.is_empty() && settings.config.links.anchors == AnchorRule::Github {
        needs.anchors = if is_docusaurus_site(repo) {
            Some(AnchorRule::Docusaurus)
        } else {
            adopt::settings::site_anchors(&repo.root, &repo.sops_dir())
        };
    }
    if let Some(key) = id_key {
        needs.id_key = Some(key.to_string());
        if !needs.allow.iter().any(|k| k == "id") {
            needs.allow.insert(0, "id".to_string());
        }
    }
    let mut change = ConfigChange {
        path,
        needs,
        old: String::new(),
        new: None,
        refused: None,
    };
    if change.needs.is_empty() {
        return Ok(change);
    }
    change.old = match std::fs::read_to_string(&change.path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(
                anyhow::Error::new(e).context(format!("cannot read `{}`", change.path.display()))
            );
        }
    };
    // A heading-id rule the team wrote (even `"github"`) is its choice: kept.
    if change.needs.anchors.is_some() && adopt::settings::writes(&change.old, "links", "anchors") {
        change.needs.anchors = None;
        if change.needs.is_empty() {
            return Ok(change);
        }
    }
    // A link style the team wrote (even `"files"`) is its choice: kept.
    if change.needs.site_links.is_some()
        && ["style", "site_root", "site_path"]
            .iter()
            .any(|key| adopt::settings::writes(&change.old, "links", key))
    {
        change.needs.site_links = None;
        if change.needs.is_empty() {
            return Ok(change);
        }
    }
    match adopt::settings::edit(&change.old, &change.path, &change.needs) {
        Ok(new) => change.new = Some(new),
        Err(e) => change.refused = Some(e.to_string()),
    }
    Ok(change)
}

/// The errors `sop lint` would report, once the plans and `new_config` are written, in each
/// file the summary shows: those adoption changes, and those with something to decide.
fn remaining_errors(
    repo: &Repo,
    corpus: &Corpus,
    plans: &[(&Sop, Plan)],
    new_config: Option<&str>,
) -> anyhow::Result<Result<HashMap<String, Vec<Finding>>, crate::lint::LintError>> {
    let settings = match (new_config, &repo.settings.path) {
        (Some(text), path) => {
            let path = path
                .clone()
                .unwrap_or_else(|| repo.root.join(crate::repo::config::FILE_NAME));
            crate::repo::Settings::parse(text, &path)?
        }
        (None, _) => repo.settings.clone(),
    };
    let after = Repo {
        root: repo.root.clone(),
        settings,
        tracked: repo.tracked.clone(),
    };
    let texts: HashMap<&str, &str> = plans
        .iter()
        .map(|(sop, p)| (sop.path.as_str(), p.text.as_str()))
        .collect();
    let adopted = Corpus {
        sops: corpus
            .sops
            .iter()
            .filter(|s| after.settings.files.is_sop(&s.path))
            .map(|s| {
                let text = texts
                    .get(s.path.as_str())
                    .copied()
                    .unwrap_or_else(|| s.source.text());
                Sop::parse_in(s.path.clone(), text.to_string(), &after.settings)
            })
            .collect(),
        broken: corpus.broken.clone(),
    };
    let paths: Vec<&str> = plans
        .iter()
        .filter(|(_, p)| p.changes() || !p.undecided.is_empty())
        .map(|(s, _)| s.path.as_str())
        .collect();
    let findings = match crate::lint::check_sops(&after, &adopted, &paths) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let mut by_file: HashMap<String, Vec<Finding>> = HashMap::new();
    for f in findings.into_iter().filter(|f| {
        f.severity == Severity::Error || f.rule.id == crate::lint::registry::SHORTCODE_AS_TEXT.id
    }) {
        by_file.entry(f.file.clone()).or_default().push(f);
    }
    Ok(Ok(by_file))
}

/// The project files (`CHANGELOG.md`, `LICENSE.md`, ...) in the SOP folder that `[sops]
/// exclude` leaves out, each with its conventional name, that `selected` covers.
fn project_files(repo: &Repo, selected: &Selection) -> Vec<(String, &'static str)> {
    let rules = &repo.settings.files;
    let mut out: Vec<(String, &'static str)> = ignore::WalkBuilder::new(repo.sops_dir())
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| {
            let kind = never_sop(&e.file_name().to_string_lossy())?;
            let rel = repo.relative(e.path());
            (selected.contains(&rel)
                && matches!(rules.left_out(&rel), Some(LeftOut::Excluded { .. })))
            .then_some((rel, kind))
        })
        .collect();
    out.sort();
    out
}

/// The MDX pages (`.mdx`) among the selected files, sorted: Markdown mixed with components only
/// an MDX build (Docusaurus) can show, which `sop` never reads.
fn mdx_pages(repo: &Repo, selected: &Selection) -> Vec<String> {
    let mut out: Vec<String> = ignore::WalkBuilder::new(repo.sops_dir())
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("mdx"))
        })
        .map(|e| repo.relative(e.path()))
        .filter(|rel| selected.contains(rel))
        .collect();
    out.sort();
    out
}

/// The files named on the command line, as repository-relative paths (a folder ends in `/`);
/// none named: every SOP.
struct Selection {
    given: Option<Vec<(String, String)>>,
}

impl Selection {
    fn contains(&self, rel: &str) -> bool {
        match &self.given {
            None => true,
            Some(list) => list.iter().any(|(p, _)| covers(p, rel)),
        }
    }

    /// The paths given that name no SOP file: each as a repository path and as given.
    fn unmatched<'s>(&'s self, corpus: &crate::repo::Corpus) -> Vec<(&'s str, &'s str)> {
        let Some(list) = &self.given else {
            return Vec::new();
        };
        list.iter()
            .filter(|(p, _)| {
                !corpus.sops.iter().any(|s| covers(p, &s.path))
                    && !corpus.broken.iter().any(|b| covers(p, &b.path))
            })
            .map(|(rel, shown)| (rel.as_str(), shown.as_str()))
            .collect()
    }
}

/// Whether the path given covers `rel`: itself, or what is in it; a folder given also covers
/// a link of that name (which may lead out of the repository).
fn covers(given: &str, rel: &str) -> bool {
    given.is_empty()
        || given == rel
        || given.strip_suffix('/') == Some(rel)
        || (given.ends_with('/') && rel.starts_with(given))
}

/// Why the path `rel` (repository-relative, a folder ending in `/`) holds no SOP file that
/// `sop adopt` reads, and how to have it adopted.
fn not_adopted(repo: &Repo, rel: &str) -> (String, String) {
    let rules = &repo.settings.files;
    let dir = repo.settings.sops_dir();
    let extensions = rules
        .extensions()
        .iter()
        .map(|e| format!("`.{e}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let in_sops = rules.in_folder(rel.trim_end_matches('/')).is_some()
        || format!("{dir}/").starts_with(rel)
        || rel.is_empty();
    if !in_sops {
        return (
            format!("it is not in the SOP folder `{dir}/`"),
            format!(
                "sop reads SOPs only in `{dir}/`: move the files there, or set `[sops] dir` in `sop.toml` to the folder they are in"
            ),
        );
    }
    if rel.ends_with('/') || rel.is_empty() {
        return (
            format!(
                "the folder holds no SOP file (files ending in {extensions} that `[sops]` in `sop.toml` does not leave out)"
            ),
            "name a folder or file that holds SOPs, or no path to adopt every SOP".to_string(),
        );
    }
    let inside = rules.in_folder(rel).unwrap_or(rel);
    let name = inside.rsplit('/').next().unwrap_or(inside);
    match rules.left_out(rel) {
        Some(LeftOut::Extension) => {
            let markdown = MARKDOWN_EXTENSIONS
                .iter()
                .rev()
                .find(|e| name.to_ascii_lowercase().ends_with(&format!(".{e}")));
            (
                format!("only Markdown files ({extensions}) are SOPs"),
                match markdown {
                    Some(ext) => format!(
                        "add \"{ext}\" to `[sops] extensions` in `sop.toml` to adopt files ending in `.{ext}`"
                    ),
                    None => "name a Markdown file, or no path to adopt every SOP".to_string(),
                },
            )
        }
        Some(LeftOut::Excluded {
            pattern,
            default: true,
        }) => (
            format!("`{pattern}` files are left out by default (`[sops] exclude`)"),
            format!("add \"{pattern}\" to `[sops] include` in `sop.toml` to adopt it"),
        ),
        Some(LeftOut::Excluded { pattern, .. }) => (
            format!("the pattern `{pattern}` in `[sops] exclude` leaves it out"),
            format!(
                "add \"{inside}\" to `[sops] include` in `sop.toml` to adopt it, or change `exclude`"
            ),
        ),
        Some(LeftOut::OutsideFolder) | None => (
            "git ignores it (a `.gitignore` names it), or its name or folder starts with a dot"
                .to_string(),
            "if it is an SOP, rename it or add it to git with `git add -f`".to_string(),
        ),
    }
}

/// Why a repository had no SOP file to adopt, and what to do.
fn nothing_found(repo: &Repo) -> (String, String) {
    let rules = &repo.settings.files;
    let mut why = format!(
        "no SOP file was found: sop reads the files ending in {} in `{}/`",
        rules
            .extensions()
            .iter()
            .map(|e| format!("`.{e}`"))
            .collect::<Vec<_>>()
            .join(", "),
        repo.settings.sops_dir()
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
        "set `[sops] dir`, `extensions`, `include` and `exclude` in `sop.toml` to where your documents are".to_string(),
    )
}

fn selection(ctx: &Context, repo: &Repo, given: &[PathBuf]) -> anyhow::Result<Selection> {
    if given.is_empty() {
        return Ok(Selection { given: None });
    }
    let root = std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone());
    let mut list = Vec::new();
    for p in given {
        let full = ctx.cwd.join(p);
        let missing = || {
            Stop::usage(
                format!("`{}` does not exist", p.display()),
                Some(
                    "give `sop adopt` files or folders that exist, or no path to adopt every SOP"
                        .to_string(),
                ),
            )
        };
        // A link is named as itself, never by where it points.
        let canonical = match (full.parent(), full.file_name()) {
            (Some(parent), Some(name)) if full.symlink_metadata().is_ok() => {
                std::fs::canonicalize(parent).map(|d| d.join(name))
            }
            _ => std::fs::canonicalize(&full),
        }
        .map_err(|_| missing())?;
        let Ok(rel) = canonical.strip_prefix(&root) else {
            return Err(Stop::usage(
                format!(
                    "`{}` is outside the SOP repository `{}`, and sop changes only files inside it",
                    p.display(),
                    repo.root.display()
                ),
                Some("run `sop -C <folder> adopt` for another repository".to_string()),
            )
            .into());
        };
        let mut rel = rel.to_string_lossy().replace('\\', "/");
        if canonical.is_dir() && !rel.is_empty() {
            rel.push('/');
        }
        list.push((rel, p.display().to_string()));
    }
    Ok(Selection { given: Some(list) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_literal_pattern_escapes_what_gitignore_reads_as_wildcards() {
        assert_eq!(super::literal_pattern("a/_b[1].md"), "a/_b\\[1\\].md");
        assert_eq!(super::literal_pattern("*?.md"), "\\*\\?.md");
        assert_eq!(super::literal_pattern("!x #y.md "), "\\!x #y.md\\ ");
        assert_eq!(super::literal_pattern("CHANGELOG.md"), "CHANGELOG.md");
    }
}
