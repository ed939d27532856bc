//! `file:PATH`: the exact bytes of a file, as a mounted secret is read.

use super::{FetchError, Fetched, Spec};
use crate::secret::Secret;

pub async fn fetch(spec: &Spec) -> Result<Fetched, FetchError> {
    let bytes = read_file(&spec.locator).await?;
    Ok(Fetched::value(Secret::new(bytes)).detail("path", spec.locator.clone()))
}

/// Read a whole file, refusing directories and anything past the source size limit, with errors
/// that say what to do. Shared with `env:`.
pub(crate) async fn read_file(path: &str) -> Result<Vec<u8>, FetchError> {
    // A plain blocking read: local files are small, and tokio's file I/O would start a thread pool
    // just for them (a millisecond of a command meant to take a few).
    read_file_sync(path)
}

pub fn read_file_sync(path: &str) -> Result<Vec<u8>, FetchError> {
    let io_err = |e: std::io::Error| {
        let cwd = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        match e.kind() {
            std::io::ErrorKind::NotFound => FetchError::unreadable(format!("{path}: no such file"))
                .hint(format!("check the path; relative paths start from {cwd}")),
            std::io::ErrorKind::PermissionDenied => FetchError::unreadable(format!("{path}: permission denied"))
                .hint("run as a user that may read it, or copy it somewhere readable"),
            _ => FetchError::unreadable(format!("{path}: {e}")),
        }
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if meta.is_dir() {
        return Err(FetchError::unreadable(format!("{path}: is a directory")).hint("name a file inside it"));
    }
    let (bytes, over) = super::read_capped_sync(file, meta.len() as usize).map_err(io_err)?;
    if over {
        return Err(too_large(path));
    }
    Ok(bytes)
}

pub(crate) fn too_large(what: &str) -> FetchError {
    FetchError::unreadable(format!(
        "{what}: more than {} MiB; a secret source is small, so this is probably the wrong file or stream",
        super::MAX_SOURCE_BYTES / (1024 * 1024)
    ))
    .hint("point the source at the file or command that holds only the secret")
}
