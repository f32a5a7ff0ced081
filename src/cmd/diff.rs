//! `sop diff <ID> [FROM] [TO]`.

use super::Context;
use crate::Exit;
use crate::cli::DiffArgs;

/// Run `sop diff`.
///
/// # Errors
/// Not yet.
pub(super) fn run(_ctx: &Context, _args: &DiffArgs) -> anyhow::Result<Exit> {
    Ok(Exit::Success)
}
