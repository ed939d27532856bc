//! `-`: the exact bytes of standard input, read once per run.

use super::{Context, FetchError, Fetched};
use crate::secret::Secret;

pub async fn read_all() -> std::io::Result<Secret> {
    let (bytes, over) = super::read_capped(tokio::io::stdin()).await?;
    if over {
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
