//! `file:PATH`: the exact bytes of a file, as a mounted secret is read.

use super::registry::{Access, Scheme, SchemeInfo};
use super::{FetchError, Fetched, LocalCtx, Spec};
use crate::secret::Secret;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "file",
    example: "file:/run/secrets/jwt",
    yields: "the exact bytes of a file (mounted secrets), trailing newline included",
    options: &[],
    verbatim: false,
};

pub struct File;

impl Scheme for File {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err("file needs a path: file:PATH".into());
        }
        if spec.key.is_some() {
            return Err("file takes no #key; for a key in an env file use env:PATH#KEY".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Local(read)
    }
}

pub fn read(spec: &Spec, _: &LocalCtx) -> Result<Fetched, FetchError> {
    let bytes = read_file_sync(&spec.locator)?;
    let mut fetched = Fetched::value(Secret::new(bytes)).detail("path", spec.locator.clone());
    // A secret file is one value: annotations about it point at its first line.
    fetched.location = Some(crate::findings::Location {
        file: spec.locator.clone(),
        line: 1,
    });
    Ok(fetched)
}

/// Read a whole file with a plain blocking read (local files are small, and tokio's file I/O would
/// start a thread pool just for them). Errors (all unreadable, AD001) say what to do: no such file
/// (naming the directory relative paths start from), permission denied, a directory, larger than
/// [`super::MAX_SOURCE_BYTES`].
pub fn read_file_sync(path: &str) -> Result<Vec<u8>, FetchError> {
    let io_err = |e: std::io::Error| {
        let cwd = crate::paths::here();
        match e.kind() {
            std::io::ErrorKind::NotFound => {
                FetchError::new(super::FailureKind::Missing, format!("{path}: no such file"))
                    .hint(format!("check the path; relative paths start from {cwd}"))
            }
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
        return Err(super::too_large(path));
    }
    Ok(bytes)
}
