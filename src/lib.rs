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
pub mod publishable;
pub mod repo;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod terminal;
pub mod words;

use std::process::ExitCode;

/// The exit codes of `sop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked; a check found no error.
    Success = 0,
    /// A check found errors, or the operation was refused for a stated reason.
    Failure = 1,
    /// Usage, configuration or environment error.
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
    cmd::run(cli)
}
