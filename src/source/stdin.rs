//! `-`: the exact bytes of standard input, read once per run.

use super::{Context, FetchError, Fetched};
use crate::secret::Secret;

/// A blocking read: standard input is read before any source is fetched, so nothing waits on it.
pub fn read_all() -> std::io::Result<Secret> {
    let (bytes, over) = super::read_capped_sync(std::io::stdin().lock(), 0)?;
    if over {
        return Err(std::io::Error::other(format!(
            "more than {} MiB",
            super::MAX_SOURCE_BYTES / (1024 * 1024)
        )));
    }
    Ok(Secret::new(bytes))
}

pub fn fetch(ctx: &Context) -> Result<Fetched, FetchError> {
    match &ctx.stdin {
        Some(s) => Ok(Fetched::value(s.clone())),
        None => Err(FetchError::unreadable("standard input was not read")),
    }
}
