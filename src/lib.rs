//! `sop`: SOPs-as-code. Write Standard Operating Procedures as Markdown with YAML front matter
//! in a git repository; scaffold, list, check, version and publish them.
//!
//! Data flows one way: [`repo`] loads, [`scaffold`] and the commands in [`cmd`] act, and only
//! `cmd` prints or picks exit codes.

pub mod adopt;
pub mod assets;
pub mod atomic;
pub mod cli;
pub mod cmd;
pub mod diag;
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod leftovers;
pub mod lint;
pub mod lsp;
pub mod publishable;
pub mod repo;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod terminal;
pub mod words;

use std::process::ExitCode;

/// The exit codes of `sop`, as the README and `sop man` (EXIT STATUS) list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked; a check found no error. A reader that stops early (`sop list |
    /// head`) is not an error either.
    Success = 0,
    /// A check found errors (`sop lint`, `sop due --fail-on`), or `sop` understood the command
    /// and refused it for a reason it states: lint errors before a release, a version that does
    /// not come after the last one, git in the middle of a merge, an output folder it did not
    /// make.
    Failure = 1,
    /// The command cannot be run as given: usage (an unknown option, or a value that names
    /// nothing: an SOP id, file, type, rule, version or revision), configuration (a broken
    /// `sop.toml`), or environment (no SOP repository, git without a user name, an editor or
    /// pandoc that cannot start).
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// An error that carries its own exit code and advice, for refusals and usage errors that
/// `sop` detects itself.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Stop {
    /// The exit code.
    pub exit: Exit,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Stop {
    /// A refusal: exit code 1.
    pub fn refused(message: impl Into<String>, help: impl Into<Option<String>>) -> Stop {
        Stop {
            exit: Exit::Failure,
            message: message.into(),
            help: help.into(),
        }
    }

    /// A problem with where `sop` runs (git does not know the user, the editor cannot start):
    /// exit code 2. The message says what was done already, if anything.
    pub fn environment(message: impl Into<String>, help: impl Into<Option<String>>) -> Stop {
        Stop::usage(message, help)
    }

    /// A usage or configuration error: exit code 2.
    pub fn usage(message: impl Into<String>, help: impl Into<Option<String>>) -> Stop {
        Stop {
            exit: Exit::Usage,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Run the command line `cli`.
///
/// # Errors
/// Any failure to do the job; `main` prints it with its causes.
pub fn run(cli: cli::Cli) -> anyhow::Result<Exit> {
    // libgit2 hashes every object it reads again to compare it with its name; git itself does
    // that only in `git fsck`. `sop` reads a repository git wrote (and writes through git's
    // own checks), so the second hashing is left out: it was most of the time libgit2 spent.
    git2::opts::strict_hash_verification(false);
    cmd::run(cli)
}
