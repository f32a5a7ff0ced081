//! `sop completions <SHELL>`: generated from the same `Cli` as the parser.

use std::io::Write;

use crate::Exit;
use crate::cli::CompletionsArgs;

/// Print completions for the shell.
///
/// # Errors
/// When stdout cannot be written.
pub(super) fn completions(args: &CompletionsArgs) -> anyhow::Result<Exit> {
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "sop", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(Exit::Success)
}
