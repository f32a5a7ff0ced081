//! Completion candidates that depend on the repository: SOP ids (with titles), SOP types,
//! departments, released versions, plus rule ids and command names.
//!
//! The script of `sop completions <SHELL>` runs `COMPLETE=<shell> sop -- <words>` on every Tab;
//! `main` hands that run to clap_complete, which calls these functions. They read only what
//! they need (the SOP files' front matter, `sop.toml`, git tags), print nothing, and give no
//! candidate rather than an error: a broken repository must not break the shell.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};

use crate::repo::Repo;

/// The words of the command line being completed (after the `--` the script passes), the
/// program's name first.
fn words() -> Vec<String> {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match args.iter().position(|a| a == "--") {
        Some(i) => args
            .get(i + 1..)
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

/// `~/x` as the shell would expand it (completion words come unexpanded).
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The folder the command line runs in: the current folder, or `-C DIR` of the line.
fn start_dir(words: &[String]) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let mut dir = None;
    let mut rest = words.iter().skip(1);
    while let Some(w) = rest.next() {
        if w == "-C" {
            dir = rest.next().cloned();
        } else if let Some(d) = w.strip_prefix("-C").filter(|d| !d.is_empty()) {
            dir = Some(d.to_string());
        }
    }
    Some(match dir {
        Some(d) => cwd.join(expand_home(&d)),
        None => cwd,
    })
}

/// The SOP repository the command line would act on (`-C`, `--config` honoured).
fn repo() -> Option<Repo> {
    let words = words();
    let start = start_dir(&words)?;
    let mut config = None;
    let mut rest = words.iter().skip(1);
    while let Some(w) = rest.next() {
        if w == "--config" {
            config = rest.next().cloned();
        } else if let Some(c) = w.strip_prefix("--config=") {
            config = Some(c.to_string());
        }
    }
    let config = config.map(|c| start.join(expand_home(&c)));
    Repo::open(&start, config.as_deref()).ok()
}

/// Whether `value` starts with `current`, ignoring case (`sop-00` finds `SOP-0012`).
fn starts_with(value: &str, current: &str) -> bool {
    value
        .get(..current.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(current))
}

/// The ids of the SOPs (not translations), each with its title.
fn id_candidates(current: &str) -> Vec<CompletionCandidate> {
    let Some(repo) = repo() else {
        return Vec::new();
    };
    let corpus = repo.load();
    let mut ids: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for sop in corpus.originals() {
        if let Some(id) = sop.id() {
            ids.entry(id.to_string())
                .or_insert_with(|| sop.title().trim().to_string());
        }
    }
    ids.into_iter()
        .filter(|(id, _)| starts_with(id, current))
        .map(|(id, title)| CompletionCandidate::new(id).help(Some(title.into())))
        .collect()
}

/// SOP ids, for `release`, `review` and `diff`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids;

impl ValueCompleter for Ids {
    fn complete(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        id_candidates(&current.to_string_lossy())
    }
}

/// SOP ids, or files once the word looks like a path (`sops/...`), for `history`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdsOrFiles;

impl ValueCompleter for IdsOrFiles {
    fn complete(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        let text = current.to_string_lossy();
        let ids = if text.contains(['/', '.']) {
            Vec::new()
        } else {
            id_candidates(&text)
        };
        if !ids.is_empty() {
            return ids;
        }
        let mut files = PathCompleter::any();
        if let Some(dir) = start_dir(&words()) {
            files = files.current_dir(dir);
        }
        files.complete(current)
    }
}

/// For `sop diff ID FROM TO`: the released versions of ID (newest first), `HEAD` and
/// `worktree`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Revisions;

impl ValueCompleter for Revisions {
    fn complete(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        let current = current.to_string_lossy();
        let mut out = Vec::new();
        if let Some(repo) = repo() {
            let words = words();
            let id = words
                .iter()
                .skip_while(|w| *w != "diff")
                .skip(1)
                .find(|w| !w.starts_with('-'));
            let git = crate::git::Repo::open(&repo.root).ok().flatten();
            if let (Some(id), Some(git)) = (id, git)
                && let Ok(mut releases) = git.releases_of(&repo.settings, id)
            {
                releases.reverse();
                out.extend(releases.into_iter().map(|r| {
                    let help = format!("released {}: {}", r.date, r.summary);
                    CompletionCandidate::new(r.version).help(Some(help.into()))
                }));
            }
        }
        out.push(CompletionCandidate::new("HEAD").help(Some("the last commit".into())));
        out.push(
            CompletionCandidate::new("worktree").help(Some("the file as it is on disk".into())),
        );
        out.retain(|c| starts_with(&c.get_value().to_string_lossy(), &current));
        out
    }
}

/// The SOP types of the repository (the built-in ones outside a repository), with their
/// descriptions.
pub(crate) fn types() -> Vec<CompletionCandidate> {
    let settings = match repo() {
        Some(repo) => repo.settings,
        None => match crate::repo::Settings::load(None) {
            Ok(settings) => settings,
            Err(_) => return Vec::new(),
        },
    };
    settings
        .types
        .values()
        .map(|t| {
            let help = (!t.description.is_empty()).then(|| t.description.clone().into());
            CompletionCandidate::new(t.name.clone()).help(help)
        })
        .collect()
}

/// The departments the SOPs name, and `[defaults] department`, each with how many SOPs name it.
pub(crate) fn departments() -> Vec<CompletionCandidate> {
    let Some(repo) = repo() else {
        return Vec::new();
    };
    let mut count: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    if let Some(d) = &repo.settings.config.defaults.department {
        count.entry(d.clone()).or_default();
    }
    for sop in repo.load().originals() {
        if let Some(d) = &sop.meta.department {
            *count.entry(d.value.trim().to_string()).or_default() += 1;
        }
    }
    count
        .into_iter()
        .filter(|(d, _)| !d.is_empty())
        .map(|(d, n)| {
            let help = crate::words::count_with(n, "SOP", "SOPs");
            CompletionCandidate::new(d).help(Some(help.into()))
        })
        .collect()
}

/// The lint rules, with their summaries.
pub(crate) fn rules() -> Vec<CompletionCandidate> {
    crate::lint::registry::RULES
        .iter()
        .map(|r| CompletionCandidate::new(r.id).help(Some(r.summary.into())))
        .collect()
}

/// The commands that have a manual page, with what they do.
pub(crate) fn commands() -> Vec<CompletionCandidate> {
    use clap::CommandFactory as _;
    super::Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| CompletionCandidate::new(c.get_name()).help(c.get_about().cloned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_whatever_their_case() {
        assert!(starts_with("SOP-0012", "sop-00"));
        assert!(starts_with("SOP-0012", ""));
        assert!(!starts_with("SOP-0012", "SOP-1"));
        assert!(!starts_with("SOP", "SOP-0"));
        // A prefix that ends inside a character is no match, not a panic.
        assert!(!starts_with("é", "\u{e9}x"));
        assert!(!starts_with("éa", "e"));
    }

    #[test]
    fn every_rule_and_command_is_a_candidate() {
        assert_eq!(rules().len(), crate::lint::registry::RULES.len());
        let names: Vec<String> = commands()
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        assert!(names.contains(&"lint".to_string()), "{names:?}");
    }
}
