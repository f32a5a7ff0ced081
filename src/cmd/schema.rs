//! `sop schema sop-toml|front-matter`: the JSON Schemas of [`crate::schema`], printed.

use std::io::Write;

use super::Context;
use crate::Exit;
use crate::cli::{SchemaArgs, SchemaKind};
use crate::repo::{Repo, Settings};

/// Run `sop schema`.
///
/// # Errors
/// A broken `sop.toml` (for the front-matter schema), or stdout failing.
pub(super) fn run(ctx: &Context, args: &SchemaArgs) -> anyhow::Result<Exit> {
    let schema = match args.which {
        SchemaKind::SopToml => crate::schema::sop_toml(),
        SchemaKind::FrontMatter => {
            // This repository's types and ids; outside one, the defaults.
            let settings = match Repo::open(&ctx.cwd, ctx.config.as_deref()) {
                Ok(repo) => repo.settings,
                Err(crate::repo::RepoError::NotFound { .. }) => Settings::load(None)?,
                Err(e) => return Err(e.into()),
            };
            crate::schema::front_matter(&settings)
        }
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &schema)?;
    writeln!(out)?;
    Ok(Exit::Success)
}
