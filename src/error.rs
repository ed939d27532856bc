//! The error a command returns instead of a report: the input is wrong (bad arguments, source
//! specs or config, exit 2), or something it needs before any report could not be read (exit 3).
//! Findings about sources read during a run are not errors: they are part of the report.

/// Why a command stopped, which decides its exit code (SPEC: 2 usage or config, 3 unreadable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's input: arguments, a source spec, `authdoctor.toml` (exit 2).
    Usage,
    /// Something the command needs could not be read (a `jwt sign` secret, a token file; exit 3).
    Unreadable,
}

/// A message saying what is wrong (naming the input, never a value) and, often, what to do.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

impl Error {
    /// A usage or configuration error (exit 2).
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Usage,
            message: message.into(),
            hint: None,
        }
    }

    /// Something needed could not be read (exit 3).
    pub fn unreadable(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Unreadable,
            ..Error::new(message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// The SPEC's exit code for this error: 2, or 3 for [`ErrorKind::Unreadable`].
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Usage => 2,
            ErrorKind::Unreadable => 3,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
