//! The `sop` binary: parse the command line, run it, print errors, exit with the right code.

use std::io::Write;
use std::process::ExitCode;

use sop::terminal::escape_controls;
use sop::{Exit, Stop};

// mimalloc: publish and lint allocate many small strings from several threads; it made them
// a fifth faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The completion script runs `COMPLETE=<shell> sop -- <words>` on every Tab: answer with
    // the candidates and exit, before anything is parsed or printed.
    clap_complete::CompleteEnv::with_factory(sop::cli::command)
        .var(sop::cmd::COMPLETE_ENV)
        .complete();
    let cli = sop::cli::parse();
    match sop::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) => report(&err).into(),
    }
}

/// Print `err` and its causes to stderr; pick the exit code.
fn report(err: &anyhow::Error) -> Exit {
    // A reader that stops early (`sop list | head`) is not an error.
    let broken_pipe = |e: &(dyn std::error::Error + 'static)| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    };
    if err.chain().any(broken_pipe) {
        return Exit::Success;
    }
    let mut out = anstream::stderr().lock();
    let red = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    let bold = anstyle::Style::new().bold();
    // Errors quote SOP text (ids, paths, values): its control characters are shown escaped.
    let safe = |text: String| escape_controls(&text).into_owned();
    let _ = writeln!(
        out,
        "{red}error{red:#}{bold}:{bold:#} {}",
        safe(err.to_string())
    );
    for cause in err.chain().skip(1) {
        let _ = writeln!(out, "  caused by: {}", safe(cause.to_string()));
    }
    match err.downcast_ref::<Stop>() {
        Some(stop) => {
            if let Some(help) = &stop.help {
                let cyan = anstyle::Style::new()
                    .bold()
                    .fg_color(Some(anstyle::AnsiColor::Cyan.into()));
                let _ = writeln!(out, "  {cyan}help{cyan:#}: {}", safe(help.clone()));
            }
            stop.exit
        }
        None => {
            if let Some(help) = err
                .chain()
                .find_map(|e| e.downcast_ref::<sop::git::GitError>())
                .and_then(sop::git::GitError::help)
            {
                let _ = writeln!(out, "  help: {help}");
            }
            Exit::Usage
        }
    }
}
