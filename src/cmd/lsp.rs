//! `sop lsp`: the language server on stdin and stdout (see [`crate::lsp`]).

use std::path::Path;

use crate::cli::LspArgs;
use crate::lsp::{self, Ending, LspError};
use crate::{Exit, Stop};

use super::Context;

pub(super) fn run(ctx: &Context, _args: &LspArgs) -> anyhow::Result<Exit> {
    let config = ctx.config.clone();
    // The repository around the editor's folder, opened as every command opens it (with the
    // files git tracks); a failure becomes the message the editor shows.
    let open = Box::new(move |dir: &Path| {
        let at = Context {
            cwd: dir.to_path_buf(),
            config: config.clone(),
            quiet: true,
            verbose: 0,
            color: false,
        };
        at.repo().map_err(|e| match e.downcast_ref::<Stop>() {
            Some(Stop {
                message,
                help: Some(help),
                ..
            }) => format!("sop: {message}\nhelp: {help}"),
            _ => format!("sop: {e:#}"),
        })
    });
    match lsp::run(&ctx.cwd, open, ctx.verbose > 0) {
        Ok(Ending::Clean) => Ok(Exit::Success),
        // The protocol asks for exit code 1 when the editor leaves without `shutdown`.
        Ok(Ending::Abrupt) => Ok(Exit::Failure),
        Err(LspError::NoRepository(message)) => {
            let (message, help) = match message.split_once("\nhelp: ") {
                Some((m, h)) => (m.to_string(), Some(h.to_string())),
                None => (message, None),
            };
            let message = message.trim_start_matches("sop: ").to_string();
            Err(Stop::usage(message, help).into())
        }
        Err(e) => Err(e.into()),
    }
}
