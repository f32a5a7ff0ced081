//! `sop completions <SHELL>` and `sop man`: generated from the same `Cli` as the parser.

use std::io::Write;

use clap::CommandFactory;

use crate::Exit;
use crate::cli::{Cli, CompletionsArgs};

/// Print completions for the shell.
///
/// # Errors
/// When stdout cannot be written.
pub(super) fn completions(args: &CompletionsArgs) -> anyhow::Result<Exit> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "sop", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(Exit::Success)
}

/// Print the man page.
///
/// # Errors
/// When stdout cannot be written.
pub(super) fn man() -> anyhow::Result<Exit> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(Exit::Success)
}
