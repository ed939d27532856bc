//! `-`: the exact bytes of standard input, read once per run.

use super::{Context, FetchError, Fetched};
use crate::secret::Secret;

/// A blocking read: standard input is read before any source is fetched, so nothing waits on it.
pub fn read_all() -> std::io::Result<Secret> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(super::MAX_SOURCE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > super::MAX_SOURCE_BYTES {
        return Err(std::io::Error::other(format!(
            "more than {} MiB on standard input",
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
