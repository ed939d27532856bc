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
/// (naming the directory relative paths start from), permission denied, a directory, not a regular
/// file, larger than [`super::MAX_SOURCE_BYTES`]. Reads through [`read_regular`].
pub fn read_file_sync(path: &str) -> Result<Vec<u8>, FetchError> {
    read_regular(std::path::Path::new(path)).map_err(|e| {
        let cwd = crate::paths::here();
        match e.kind() {
            std::io::ErrorKind::NotFound => {
                FetchError::new(super::FailureKind::Missing, format!("{path}: no such file"))
                    .hint(format!("check the path; relative paths start from {cwd}"))
            }
            std::io::ErrorKind::PermissionDenied => FetchError::unreadable(format!("{path}: permission denied"))
                .hint("run as a user that may read it, or copy it somewhere readable"),
            std::io::ErrorKind::IsADirectory => {
                FetchError::unreadable(format!("{path}: is a directory")).hint("name a file inside it")
            }
            std::io::ErrorKind::InvalidInput => FetchError::unreadable(format!("{path}: {e}"))
                .hint("name a regular file; to check a stream, save it to a file first"),
            std::io::ErrorKind::FileTooLarge => super::too_large(path),
            _ => FetchError::unreadable(format!("{path}: {e}")),
        }
    })
}

/// The one way authdoctor reads a local file it is given (sources, `--key`, `--jwks`, the lock,
/// the config, tokens, project markers): the whole of a *regular* file of at most
/// [`super::MAX_SOURCE_BYTES`] (8 MiB), with a plain blocking read.
///
/// The file is opened with `O_NONBLOCK` and checked with `fstat` before anything is read, so a FIFO
/// (which would block the open or the read forever, whatever `--timeout` says), a character device
/// (`/dev/zero` never ends) or a socket is refused, not read, and a path swapped between a check
/// and the open cannot slip past. Symbolic links are followed, as every reader of these files does.
///
/// Errors (`std::io::Error`, the path is the caller's to add): the open's own (`NotFound`,
/// `PermissionDenied` …); `IsADirectory` for a directory; `InvalidInput` "not a regular file (a
/// FIFO …)" for anything else that is not a regular file; `FileTooLarge` past the cap.
pub fn read_regular(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
    let file = open.open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(Error::new(ErrorKind::IsADirectory, "is a directory"));
    }
    if !kind.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "not a regular file ({}); authdoctor reads only regular files",
                file_kind(&kind)
            ),
        ));
    }
    let (bytes, over) = super::read_capped_sync(file, meta.len() as usize)?;
    if over {
        return Err(Error::new(
            ErrorKind::FileTooLarge,
            format!("more than {} MiB", super::MAX_SOURCE_BYTES / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text; invalid UTF-8 is an `InvalidData` error.
pub fn read_regular_string(path: &std::path::Path) -> std::io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8 text"))
}

/// What kind of non-regular file this is, in words.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = kind;
    "not a file"
}
