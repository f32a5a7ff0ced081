//! `sop completions <SHELL>`: the script that registers `sop`'s completions with a shell.
//!
//! The script is clap_complete's dynamic one: on every Tab it runs `COMPLETE=<shell> sop --
//! <words>`, which `main` hands to clap_complete before anything else. So commands and options
//! come from the same `Cli` as the parser, and SOP ids, types and departments from the
//! repository the command line is in (`cli/complete.rs`).

use std::io::Write;
use std::path::PathBuf;

use clap_complete::Shell;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::cli::CompletionsArgs;
use crate::{Exit, Stop};

/// The environment variable that turns a run of `sop` into a completion request.
pub const COMPLETE_ENV: &str = "COMPLETE";

/// Print the completion script for the shell.
///
/// # Errors
/// A usage error for a shell clap_complete has no dynamic script for; stdout failing.
pub(super) fn completions(args: &CompletionsArgs) -> anyhow::Result<Exit> {
    let shell: &dyn EnvCompleter = match args.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::PowerShell => &Powershell,
        Shell::Elvish => &Elvish,
        other => {
            return Err(Stop::usage(
                format!("sop cannot write completions for {other} yet"),
                Some("use bash, zsh, fish, powershell or elvish".to_string()),
            )
            .into());
        }
    };
    let mut out = Vec::new();
    shell.write_registration(COMPLETE_ENV, "sop", "sop", &completer(), &mut out)?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(Exit::Success)
}

/// How the script calls `sop`: by the name it was run with when that is a bare name found on
/// the PATH (so the script keeps working after an upgrade moves the binary), else by the
/// absolute path it was run with (`./target/debug/sop`).
fn completer() -> String {
    let name = std::env::args_os()
        .next()
        .map_or_else(|| PathBuf::from("sop"), PathBuf::from);
    if name.components().count() > 1
        && let Ok(cwd) = std::env::current_dir()
    {
        return cwd.join(name).to_string_lossy().into_owned();
    }
    name.to_string_lossy().into_owned()
}
