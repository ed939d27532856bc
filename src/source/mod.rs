//! Sources: the spec grammar `[LABEL=]SCHEME:REST` and fetching what each spec yields.
//!
//! `spec` parses, `registry` lists the schemes (one file each, below), `value` is what a source
//! yields (a value, fingerprints or a digest, with facts) or how it failed, and `fetch` reads one
//! run's sources. Sources observe; `src/checks/` turns their facts and failures into findings.

mod child;
mod fetch;
mod registry;
mod spec;
mod value;

// The schemes, one file each.
pub mod aws;
mod cmd;
pub mod configjs;
mod ecs;
mod env;
mod envvar;
mod file;
mod fly;
mod fly_json;
mod fly_runtime;
mod flyctl;
mod k8s;
mod k8s_runtime;
mod kubectl;
mod proc;
mod secretsmanager;
mod ssm;
mod stdin;
mod vercel;

pub(crate) use child::{die_of, run_capped, until_signalled};
pub use env::read_dotenv;
pub use fetch::{Backends, LocalCtx, Run, Shared, fetch_all};
pub use file::{read_file_sync, read_regular, read_regular_string};
pub use flyctl::parse_list as parse_fly_list;
pub use registry::{Access, Fetching, Recipe, Remote, SCHEMES, Scheme, SchemeInfo};
pub use spec::Spec;
pub use value::{
    Digest, FINGERPRINT_FORMS, Fact, FailureKind, FetchError, Fetched, Fingerprints, InvalidUtf8, MachineNote, Outcome,
    Part, Yield, YieldKind,
};

/// Most bytes any source may yield: a secret is small; anything larger is the wrong file or a stream.
pub const MAX_SOURCE_BYTES: usize = 8 * 1024 * 1024;

/// Read at most `MAX_SOURCE_BYTES` from a blocking reader (files, stdin): the bytes, and whether
/// there was more (then the bytes are `MAX_SOURCE_BYTES + 1` long). `capacity` is a size hint.
pub(crate) fn read_capped_sync(reader: impl std::io::Read, capacity: usize) -> std::io::Result<(Vec<u8>, bool)> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(capacity.min(MAX_SOURCE_BYTES + 1));
    reader.take(MAX_SOURCE_BYTES as u64 + 1).read_to_end(&mut buf)?;
    let over = buf.len() > MAX_SOURCE_BYTES;
    Ok((buf, over))
}

/// [`read_capped_sync`] for an async reader (a command's output).
pub(crate) async fn read_capped<R: tokio::io::AsyncRead + Unpin>(reader: R) -> std::io::Result<(Vec<u8>, bool)> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    reader.take(MAX_SOURCE_BYTES as u64 + 1).read_to_end(&mut buf).await?;
    let over = buf.len() > MAX_SOURCE_BYTES;
    Ok((buf, over))
}

/// The error for a file, stream or output over `MAX_SOURCE_BYTES`; `what` names it.
pub(crate) fn too_large(what: &str) -> FetchError {
    FetchError::unreadable(format!(
        "{what}: more than {} MiB; a secret source is small, so this is probably the wrong file or stream",
        MAX_SOURCE_BYTES / (1024 * 1024)
    ))
    .hint("point the source at the file or command that holds only the secret")
}
