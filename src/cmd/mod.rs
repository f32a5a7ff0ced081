//! One module per subcommand: each reads its arguments, calls the library, writes the result
//! and picks the exit code. Only this folder and `main.rs` print.

mod adopt;
mod completions;
mod diff;
mod due;
mod history;
mod import;
mod init;
mod lint;
mod list;
mod lsp;
mod man;
mod new;
mod publish;
mod release;
mod review;
mod schema;
mod serve;
mod stats;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::cli::{Cli, ColorChoice, Command, GlobalArgs};
use crate::repo::{Repo, RepoError};
use crate::{Exit, Stop};
pub use completions::COMPLETE_ENV;

/// Dispatch `cli` to its command.
///
/// # Errors
/// Whatever the command fails with.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    let ctx = Context::new(&cli.global)?;
    match cli.command {
        Command::Init(args) => init::run(&ctx, &args),
        Command::New(args) => new::run(&ctx, &args),
        Command::List(args) => list::run(&ctx, &args),
        Command::Lint(args) => lint::run(&ctx, &args),
        Command::Release(args) => release::run(&ctx, &args),
        Command::Review(args) => review::run(&ctx, &args),
        Command::History(args) => history::run(&ctx, &args),
        Command::Diff(args) => diff::run(&ctx, &args),
        Command::Publish(args) => publish::run(&ctx, &args),
        Command::Serve(args) => serve::run(&ctx, &args),
        Command::Due(args) => due::run(&ctx, &args),
        Command::Stats(args) => stats::run(&ctx, &args),
        Command::Adopt(args) => adopt::run(&ctx, &args),
        Command::Import(args) => import::run(&ctx, &args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => man::run(&ctx, &args),
        Command::Schema(args) => schema::run(&ctx, &args),
        Command::Lsp(args) => lsp::run(&ctx, &args),
    }
}

/// What every command needs: where it runs, the configuration override, how loud to be.
pub struct Context {
    /// The folder `sop` acts in (`-C`, else the current folder).
    pub cwd: PathBuf,
    /// `--config`, resolved against `cwd`.
    pub config: Option<PathBuf>,
    /// `-q`.
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
    /// Whether colour is on for stdout.
    pub color: bool,
}

impl Context {
    fn new(global: &GlobalArgs) -> anyhow::Result<Context> {
        let choice = match global.color {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
        let here = std::env::current_dir().context("cannot read the current folder")?;
        let cwd = match &global.dir {
            Some(dir) => here.join(dir),
            None => here,
        };
        if !cwd.is_dir() {
            return Err(Stop::usage(
                format!("`{}` is not a folder", cwd.display()),
                Some("give `-C` an existing folder".to_string()),
            )
            .into());
        }
        let config = global.config.as_ref().map(|c| cwd.join(c));
        if let Some(c) = &config
            && !c.is_file()
        {
            return Err(Stop::usage(
                format!("the configuration file `{}` does not exist", c.display()),
                Some("check the path given to `--config`".to_string()),
            )
            .into());
        }
        let color =
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
        Ok(Context {
            cwd,
            config,
            quiet: global.quiet,
            verbose: global.verbose,
            color,
        })
    }

    /// Open the SOP repository around `cwd`.
    ///
    /// # Errors
    /// A usage error (exit 2) with advice when there is none, or the configuration error.
    pub fn repo(&self) -> anyhow::Result<Repo> {
        match Repo::open(&self.cwd, self.config.as_deref()) {
            Ok(mut repo) => {
                attach_tracked(&mut repo);
                if self.verbose > 0 {
                    let config = repo
                        .settings
                        .path
                        .as_ref()
                        .map_or_else(|| "none, defaults apply".to_string(), |p| p.display().to_string());
                    self.note(&format!(
                        "repository: {} (configuration: {config})",
                        repo.root.display()
                    ))?;
                }
                Ok(repo)
            }
            Err(RepoError::NotFound { git: Some(git), .. }) => Err(Stop::usage(
                format!(
                    "`{}` is a git repository but not an SOP repository yet: it has no `sop.toml` and no `sops/` folder",
                    git.display()
                ),
                Some(format!(
                    "run `sop init` in `{}` to make it one (it writes `sop.toml`, `sops/` and a `.gitignore` for the published site), or `sop -C <folder> ...` to use another folder",
                    git.display()
                )),
            )
            .into()),
            Err(RepoError::NotFound { start, git: None }) => Err(Stop::usage(
                format!(
                    "no SOP repository here: `{}` and its parent folders have no `sop.toml` and are not in a git repository",
                    start.display()
                ),
                Some("run `sop init` to start one here, or `sop -C <folder> ...` to use another folder".to_string()),
            )
            .into()),
            Err(e) => Err(e.into()),
        }
    }

    /// The git repository of `repo`, opened once for the whole command; `None` outside git.
    ///
    /// # Errors
    /// A usage error (exit 2) when a repository is there but `sop` cannot use it.
    pub fn git(&self, repo: &Repo) -> anyhow::Result<Option<crate::git::Repo>> {
        crate::git::Repo::open(&repo.root).map_err(git_stop)
    }

    /// The git repository of `repo`; refuse (exit 2) when there is none, saying why `what`
    /// needs it.
    ///
    /// # Errors
    /// A usage error with the fix.
    pub fn require_git(&self, repo: &Repo, what: &str) -> anyhow::Result<crate::git::Repo> {
        match self.git(repo)? {
            Some(git) => Ok(git),
            None => Err(Stop::usage(
                format!(
                    "{what} needs git, but `{}` is not in a git repository",
                    repo.root.display()
                ),
                Some(
                    "run `git init` there (or `sop init`, which keeps your files), then `git add -A && git commit -m \"Add SOPs\"`"
                        .to_string(),
                ),
            )
            .into()),
        }
    }

    /// Like [`Context::require_git`], and refuse a shallow clone, whose history stops early.
    ///
    /// # Errors
    /// A usage error (exit 2) saying what is wrong with git here.
    pub fn require_full_history(
        &self,
        repo: &Repo,
        what: &str,
    ) -> anyhow::Result<crate::git::Repo> {
        let git = self.require_git(repo, what)?;
        if git.is_shallow() {
            return Err(Stop::usage(
                format!(
                    "this clone is shallow: git has only its latest commits, and {} needs the whole history",
                    what.split(" (").next().unwrap_or(what)
                ),
                Some(crate::git::SHALLOW_HELP.to_string()),
            )
            .into());
        }
        if let Some(remote) = git.partial_clone() {
            return Err(Stop::usage(
                format!(
                    "{}, and {} needs the texts of older versions",
                    crate::git::partial_clone_words(&remote),
                    what.split(" (").next().unwrap_or(what)
                ),
                Some(crate::git::partial_clone_help(&remote)),
            )
            .into());
        }
        Ok(git)
    }

    /// `path` as the user should see it: relative to `cwd` when inside it.
    pub fn display_path(&self, path: &Path) -> String {
        match path.strip_prefix(&self.cwd) {
            // The current folder itself: an empty name would read as "`` is not empty".
            Ok(rel) if rel.as_os_str().is_empty() => self.cwd.display().to_string(),
            Ok(rel) => rel.display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    /// A note for people on stderr, unless `-q`.
    pub fn note(&self, text: &str) -> anyhow::Result<()> {
        if !self.quiet {
            let text = crate::terminal::escape_controls(text);
            writeln!(anstream::stderr(), "{text}")?;
        }
        Ok(())
    }

    /// A warning on stderr, unless `-q`.
    pub fn warn(&self, text: &str) -> anyhow::Result<()> {
        if !self.quiet {
            let yellow = anstyle::Style::new()
                .bold()
                .fg_color(Some(anstyle::AnsiColor::Yellow.into()));
            let text = crate::terminal::escape_controls(text);
            writeln!(anstream::stderr(), "{yellow}warning{yellow:#}: {text}")?;
        }
        Ok(())
    }
}

/// What a report does with an SOP whose front matter cannot be read, in the words of
/// [`warn_unreadable_front_matter`]: for one SOP and for several.
pub(super) struct Unread {
    /// "is listed without its details".
    pub one: &'static str,
    /// "are listed without their details".
    pub many: &'static str,
}

/// The stop for a clone made without the release tags though its history has the commits
/// that made them (`subject` is one): `consequence` says what could not be done.
pub(super) fn without_release_tags(subject: &str, consequence: &str) -> Stop {
    Stop::usage(
        without_release_tags_text(subject, consequence),
        Some(FETCH_TAGS.to_string()),
    )
}

/// What [`without_release_tags`] says.
pub(super) fn without_release_tags_text(subject: &str, consequence: &str) -> String {
    format!(
        "this clone has none of the release tags, though its history has the commits that made them (\"{subject}\"): {consequence}"
    )
}

/// How to get the release tags into a clone.
pub(super) const FETCH_TAGS: &str = "fetch the tags: `git fetch --tags` (in CI: `fetch-depth: 0` for actions/checkout, or `git fetch --tags` first); if `[release] tag_format` in `sop.toml` changed, the earlier tags no longer match it";

/// Warn, once, about the SOPs of `corpus` whose front matter cannot be read (broken YAML, a
/// block never closed): a report that reads their keys leaves them out or shows them empty,
/// and says so here, with the command that tells why.
///
/// # Errors
/// When stderr cannot be written.
pub(super) fn warn_unreadable_front_matter(
    ctx: &Context,
    corpus: &crate::repo::Corpus,
    unread: &Unread,
) -> anyhow::Result<()> {
    let paths: Vec<&str> = corpus
        .sops
        .iter()
        .filter(|s| s.unreadable_front_matter().is_some())
        .map(|s| s.path.as_str())
        .collect();
    let text = match paths.as_slice() {
        [] => return Ok(()),
        [one] => format!(
            "`{one}` {}: its front matter cannot be read; run `sop lint {}` to see why",
            unread.one,
            crate::words::shell_word(one)
        ),
        many => format!(
            "{} SOPs {}: their front matter cannot be read ({}); run `sop lint {}` to see why",
            many.len(),
            unread.many,
            many.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            many.iter()
                .map(|p| crate::words::shell_word(p))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    ctx.warn(&text)
}

/// Give `repo` git's list of tracked files, so that ignore files never hide a tracked SOP; a
/// command that opens the repository with `Repo::at` (as `sop serve` does on each rebuild)
/// calls this too. A repository git cannot open is walked without it (the git commands say why
/// they cannot run).
pub(super) fn attach_tracked(repo: &mut Repo) {
    if let Ok(Some(files)) = crate::git::tracked_files(&repo.root) {
        repo.tracked = Some(std::sync::Arc::new(
            files.into_iter().map(PathBuf::from).collect(),
        ));
    }
}

/// The SOP (not a translation) whose id is `id`; a usage error naming close ids otherwise, each
/// once (two files with the same id are one suggestion).
///
/// An id that names nothing is a usage error (exit 2), like an unknown option or a version
/// that is not one: the command was not given something it can act on.
///
/// # Errors
/// [`Stop::usage`] when no SOP has that id.
pub(crate) fn find_sop<'c>(
    corpus: &'c crate::repo::Corpus,
    id: &str,
) -> anyhow::Result<&'c crate::repo::Sop> {
    let originals = corpus.originals();
    let found = originals.iter().find(|s| s.id() == Some(id)).or_else(|| {
        originals
            .iter()
            .find(|s| s.id().is_some_and(|i| i.eq_ignore_ascii_case(id)))
    });
    if let Some(sop) = found {
        return Ok(sop);
    }
    let close = similar_sops(id, &originals);
    let help = if close.is_empty() {
        "`sop list` shows every SOP and its id".to_string()
    } else {
        let named: Vec<String> = close
            .iter()
            .map(|(i, title)| {
                let title = crate::terminal::escape_line(title);
                format!("`{i}` ({})", crate::terminal::truncate(&title, 40))
            })
            .collect();
        format!(
            "did you mean {}? (`sop list` shows every id)",
            crate::words::list(&named, "or")
        )
    };
    Err(Stop::usage(format!("no SOP has the id `{id}`"), Some(help)).into())
}

/// How many SOPs a "did you mean" names at most.
const SUGGESTED: usize = 3;

/// The SOPs (id, title) that `wanted` most likely means, best first, each id once: those whose
/// title or file name holds it (`refund` → "Refund requests"), else those whose id has the same
/// number (`SOP-12` → `SOP-0012`), else the ids one slip away (`SOP-0021` → `SOP-0012`). None
/// when more than [`SUGGESTED`] are equally close, or more than one when the slip is one
/// changed character: a guess among many ids (`SOP-0009` is one character from `SOP-0001` to
/// `SOP-0008`) would only mislead.
fn similar_sops<'c>(wanted: &str, sops: &[&'c crate::repo::Sop]) -> Vec<(&'c str, &'c str)> {
    let query = wanted.trim().to_lowercase();
    let mut seen = std::collections::HashSet::new();
    let candidates: Vec<(&str, &str, &str)> = sops
        .iter()
        .filter_map(|s| {
            let id = s.id()?;
            let name = s.path.rsplit('/').next().unwrap_or(&s.path);
            seen.insert(id).then_some((id, s.title(), name))
        })
        .collect();
    // Scores: lower is closer; at `WEAK` and above only a single best candidate is named.
    const WEAK: usize = 10;
    let pick = |mut scored: Vec<(usize, &'c str, &'c str)>| {
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
        let best = scored.first().map_or(0, |s| s.0);
        let ties = scored.iter().filter(|s| s.0 == best).count();
        if ties > SUGGESTED || (best >= WEAK && ties > 1) {
            return Vec::new();
        }
        scored.retain(|s| s.0 < WEAK || s.0 == best);
        scored
            .into_iter()
            .take(SUGGESTED)
            .map(|(_, id, title)| (id, title))
            .collect()
    };
    // Words of a title or a file name.
    let letters = query.chars().filter(|c| c.is_alphabetic()).count();
    if letters >= 3 && !looks_like_id(&query) {
        let by_text: Vec<(usize, &str, &str)> = candidates
            .iter()
            .filter_map(|&(id, title, name)| {
                let title_l = title.to_lowercase();
                let slug = query.replace(' ', "-");
                let score = if title_l == query {
                    0
                } else if title_l.contains(&query) {
                    1
                } else if name.to_lowercase().contains(&slug) {
                    2
                } else if strsim::normalized_damerau_levenshtein(&query, &title_l) >= 0.75 {
                    3
                } else {
                    return None;
                };
                Some((score, id, title))
            })
            .collect();
        if !by_text.is_empty() {
            return pick(by_text);
        }
    }
    // The same number (`SOP-12`, `12`, `0012`).
    let number = |s: &str| -> Option<u64> {
        let digits: String = s
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse().ok()
    };
    if let Some(n) = number(&query) {
        let same: Vec<(usize, &str, &str)> = candidates
            .iter()
            .filter(|(id, _, _)| number(id) == Some(n))
            .map(|&(id, title, _)| (0, id, title))
            .collect();
        if !same.is_empty() {
            return pick(same);
        }
    }
    // A typing slip in the id: two characters swapped or one left out or added is a clear
    // slip; one character changed (`SOP-0009` for `SOP-0001`) is a weak guess.
    let by_id: Vec<(usize, &str, &str)> = candidates
        .iter()
        .filter_map(|&(id, title, _)| {
            let lower = id.to_lowercase();
            let swaps = strsim::damerau_levenshtein(&query, &lower);
            let edits = strsim::levenshtein(&query, &lower);
            let same_length = query.chars().count() == lower.chars().count();
            let score = match (swaps, edits) {
                (1, 2) => 1,
                (1, _) if !same_length => 1,
                (1, _) => WEAK,
                _ => return None,
            };
            Some((score, id, title))
        })
        .collect();
    pick(by_id)
}

/// Whether `s` reads as an id (`sop-0012`, `gdi-sop0012`): letters, then digits at the end.
fn looks_like_id(s: &str) -> bool {
    s.chars().last().is_some_and(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// A git repository that cannot be used, as a usage error (exit 2) with its fix.
pub(crate) fn git_stop(e: crate::git::GitError) -> anyhow::Error {
    let help = e.help();
    Stop::usage(e.to_string(), help).into()
}
