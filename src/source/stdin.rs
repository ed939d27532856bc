//! `-`: the exact bytes of standard input, read once per run.

use super::registry::{Access, Scheme, SchemeInfo};
use super::{FetchError, Fetched, LocalCtx, Spec};
use crate::secret::Secret;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "-",
    example: "-",
    yields: "the exact bytes of standard input (once per run)",
    options: &[],
    verbatim: false,
};

pub struct Stdin;

impl Scheme for Stdin {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, _: &Spec) -> Result<(), String> {
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Local(read)
    }

    fn reads_stdin(&self, _: &Spec) -> bool {
        true
    }
}

/// A blocking read of the whole of standard input, done before any source is fetched, so nothing
/// waits on it. Over [`super::MAX_SOURCE_BYTES`] is an error.
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

pub fn read(_: &Spec, ctx: &LocalCtx) -> Result<Fetched, FetchError> {
    match ctx.stdin {
        Some(s) => Ok(Fetched::value(s.clone())),
        None => Err(FetchError::unreadable("standard input was not read")),
    }
}
