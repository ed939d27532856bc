//! What a source yields: a value, fingerprints or a digest, with provenance and facts for the
//! checks; or a typed failure. Nothing here decides a finding (`src/checks/` does).

use super::Spec;
use crate::dotenv::Loader;
use crate::dotenv::diagnose::KeyReport;
use crate::findings::Location;
use crate::secret::Secret;
use crate::transform::Transform;
use std::collections::BTreeMap;

/// Fingerprints of a value computed where it lives: length and salted SHA-256 ([`crate::secret::digest`]:
/// SHA-256 of the run's random salt then the bytes) of the raw bytes and of normalised variants, so a
/// value that never leaves its machine can still be compared and explained within the run, and the
/// digest it posts is not a plain hash of the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    /// Length of the raw value, in bytes.
    pub length: usize,
    /// Full lowercase hex salted SHA-256 (64 digits) of the raw value ([`crate::secret::digest`]).
    pub sha256: String,
    /// Each of [`FINGERPRINT_FORMS`] → (length in bytes, full SHA-256 hex) of the value after that
    /// normalisation (the raw value's where it does not apply).
    pub variants: BTreeMap<Transform, (usize, String)>,
}

/// The normalisations both a remote fingerprint script (`fly-runtime`) and a local value can
/// compute, in the order the script prints them.
pub const FINGERPRINT_FORMS: [Transform; 3] = [Transform::TrimTrailing, Transform::TrimStripQuotes, Transform::StripCr];

impl Fingerprints {
    pub fn of(bytes: &[u8]) -> Fingerprints {
        let variants = FINGERPRINT_FORMS
            .iter()
            .map(|v| {
                let b = v.apply(bytes).unwrap_or_else(|| bytes.to_vec());
                (*v, (b.len(), crate::secret::digest(&b)))
            })
            .collect();
        Fingerprints {
            length: bytes.len(),
            sha256: crate::secret::digest(bytes),
            variants,
        }
    }
}

/// An opaque digest a store publishes (e.g. Fly's keyed digest): presence and change only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub digest: String,
    /// The store's deployment status as it reports it (Fly: `Deployed`, `Staged`, `Partial`), if any.
    pub status: Option<String>,
    /// Digests are keyed by the store: only two of the same scope (one Fly app) can be compared.
    pub scope: String,
}

/// What a source yields.
#[derive(Debug)]
pub enum Yield {
    Value(Secret),
    Fingerprints(Fingerprints),
    Digest(Digest),
}

/// The three kinds a source yields (SPEC "Sources"); `Display` gives the report's word for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YieldKind {
    /// The bytes themselves.
    Value,
    /// Length and SHA-256 of the value and its variants, computed where it lives.
    Fingerprints,
    /// A store's opaque digest: presence, status and change, never equality with a value.
    Digest,
}

impl YieldKind {
    /// `value`, `fingerprints` or `digest`.
    pub fn as_str(self) -> &'static str {
        match self {
            YieldKind::Value => "value",
            YieldKind::Fingerprints => "fingerprints",
            YieldKind::Digest => "digest",
        }
    }
}

impl std::fmt::Display for YieldKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Yield {
    pub fn kind(&self) -> YieldKind {
        match self {
            Yield::Value(_) => YieldKind::Value,
            Yield::Fingerprints(_) => YieldKind::Fingerprints,
            Yield::Digest(_) => YieldKind::Digest,
        }
    }
}

/// The first byte of a file that is not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidUtf8 {
    /// The file as the source or command names it.
    pub file: String,
    /// Offset of the byte from the start of the file, in bytes (0-based).
    pub offset: usize,
    /// Its line (1-based).
    pub line: usize,
    /// The byte itself.
    pub byte: u8,
}

impl InvalidUtf8 {
    /// The first invalid byte of `bytes`, if any.
    pub fn find(file: &str, bytes: &[u8]) -> Option<InvalidUtf8> {
        let e = std::str::from_utf8(bytes).err()?;
        let offset = e.valid_up_to();
        Some(InvalidUtf8 {
            file: file.to_string(),
            offset,
            line: bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1,
            byte: *bytes.get(offset)?,
        })
    }
}

/// Something a source observed while reading, for a check to judge (`src/checks/`): never a
/// verdict, never the value.
#[derive(Debug, Clone)]
pub enum Fact {
    /// `env:` read a file that is not valid UTF-8 with `loader`.
    InvalidUtf8 { loader: Loader, at: InvalidUtf8 },
    /// The value `loader` read for `key` still holds `what` (e.g. a command substitution the loader
    /// would run and authdoctor does not): it is compared as written.
    Unresolved {
        key: String,
        loader: Loader,
        what: &'static str,
    },
    /// `key` is also set in authdoctor's own environment, and `loader` read it from the file;
    /// `differs`: the environment's value is not the one the loader read from the file.
    InEnvironment { key: String, loader: Loader, differs: bool },
    /// How every loader reads `key` from the same file (`loader` is the one the source used), and
    /// the other loaders the project shows reading the file, each with the reason.
    Readings {
        loader: Loader,
        key: KeyReport,
        others: Vec<(Loader, String)>,
    },
    /// The deployment status Fly reports for `secret` (`Deployed`, `Staged`, `Partial`, …).
    FlyStatus { secret: String, status: String },
    /// A local process (`proc:`) started before `file`, a `.env` of its working directory, last
    /// changed. Times in milliseconds since the Unix epoch; `file` as the report shows it.
    ProcessStartedBefore {
        process: String,
        pid: u32,
        started_ms: i64,
        file: String,
        changed_ms: i64,
    },
    /// `tasks_before` of an ECS service's `tasks` running tasks (the oldest at `started_ms`; when
    /// `deployment_only`, ECS gave no `startedAt` and the deployment's creation stands for it)
    /// started before `source`, which `var` is injected from, last changed at `changed_ms`.
    EcsStartedBefore {
        service: String,
        var: String,
        source: String,
        started_ms: i64,
        tasks_before: usize,
        tasks: usize,
        changed_ms: i64,
        deployment_only: bool,
    },
    /// Running pods of a Kubernetes `deployment` (`pods` asked) that started before `secret`, which
    /// the variable comes from, last changed at `changed_ms`: each (pod, start in ms since the
    /// epoch, whether its value differs from the newest pod's).
    K8sPodsStartedBefore {
        deployment: String,
        secret: String,
        changed_ms: i64,
        stale: Vec<(String, i64, bool)>,
        pods: usize,
    },
    /// Started machines of a Fly `app` (`machines` asked) whose `var` differs from the value that
    /// stands for the app, or that run a release older than `newest_release` (they predate the last
    /// deploy).
    FlyMachines {
        app: String,
        var: String,
        newest_release: Option<u64>,
        machines: usize,
        off: Vec<MachineNote>,
    },
    /// A Vercel variable (`key` of `project`, for `target`) changed at `updated_ms`, after the
    /// newest ready deployment of that target (`deployment`, created at `deployed_ms`): the running
    /// deployment has the previous value. Times in milliseconds since the Unix epoch.
    VercelChangedAfterDeploy {
        project: String,
        key: String,
        target: String,
        updated_ms: i64,
        deployment: String,
        deployed_ms: i64,
    },
}

/// One Fly machine that is off ([`Fact::FlyMachines`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineNote {
    pub id: String,
    pub region: String,
    /// `fly_release_version` of its config.
    pub release: Option<u64>,
    /// Its last start, in ms since the Unix epoch.
    pub started_ms: Option<i64>,
    /// Its value differs from the app's (or the variable is not set in it).
    pub differs: bool,
    /// It runs a release older than the newest among the app's machines.
    pub older: bool,
}

/// A source's yield with its provenance and facts.
#[derive(Debug)]
pub struct Fetched {
    pub yielded: Yield,
    /// Provenance for the report (`loader`, `file`, `line`, `command`): never the value.
    pub details: BTreeMap<String, serde_json::Value>,
    /// Where the value is defined (an `.env` key's file and line), for annotations.
    pub location: Option<Location>,
    /// What the read observed, in the order observed, for the checks.
    pub facts: Vec<Fact>,
    /// When one source reads several places (every machine of a Fly app), each place's own yield:
    /// a report row and a member of the comparison apiece, instead of `yielded`.
    pub parts: Vec<Part>,
}

/// One place of a source that reads several ([`Fetched::parts`]).
#[derive(Debug)]
pub struct Part {
    /// The name in the report: the source's name, `@`, the place (`fly@3d8d9d1b`).
    pub label: String,
    /// The spec that reads this place alone (`fly-runtime:APP#NAME?machine=ID`).
    pub spec: String,
    /// What this place yielded, or why it could not be read (a machine that did not answer).
    pub yielded: Result<Yield, FetchError>,
    pub details: BTreeMap<String, serde_json::Value>,
}

impl Fetched {
    /// A value with no details, location or facts yet.
    pub fn value(secret: Secret) -> Fetched {
        Fetched::of(Yield::Value(secret))
    }

    pub fn of(yielded: Yield) -> Fetched {
        Fetched {
            yielded,
            details: BTreeMap::new(),
            location: None,
            facts: Vec::new(),
            parts: Vec::new(),
        }
    }

    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Fetched {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// How a source failed; `crate::checks::sources` maps each kind to its finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Nothing could be read: missing or unreadable file, failed or timed-out command, network or
    /// access error, content that cannot be parsed (AD001).
    Unreadable,
    /// The file (or, for a Next.js directory, every file) the source reads does not exist here
    /// (AD001, as [`FailureKind::Unreadable`]); `check` skips a local-only source that fails so.
    Missing,
    /// Read, but the key, parameter, secret or path asked for is not there (AD002).
    NotFound,
    /// A URL answered with an HTML page instead of the config script (AD003).
    HtmlNotScript,
    /// The path leads to a number, object, array, boolean or null, not a string (AD004).
    NotAString,
}

/// Why a source yielded nothing: the kind, and a message and hint that never quote the value.
#[derive(Debug, Clone)]
pub struct FetchError {
    pub kind: FailureKind,
    /// What went wrong, naming the file, key or backend (without the source's label).
    pub message: String,
    /// What to do; `None` leaves the finding code's default hint.
    pub hint: Option<String>,
}

impl FetchError {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> FetchError {
        FetchError {
            kind,
            message: message.into(),
            hint: None,
        }
    }
    pub fn unreadable(message: impl Into<String>) -> FetchError {
        FetchError::new(FailureKind::Unreadable, message)
    }
    pub fn not_found(message: impl Into<String>) -> FetchError {
        FetchError::new(FailureKind::NotFound, message)
    }
    pub fn hint(mut self, hint: impl Into<String>) -> FetchError {
        self.hint = Some(hint.into());
        self
    }
}

/// The outcome of one source.
#[derive(Debug)]
pub struct Outcome {
    pub spec: Spec,
    pub result: Result<Fetched, FetchError>,
}

impl Outcome {
    /// The bytes, when the source yielded a value (not fingerprints or a digest, not a failure).
    pub fn secret(&self) -> Option<&Secret> {
        match &self.result {
            Ok(Fetched {
                yielded: Yield::Value(s),
                ..
            }) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_match_what_a_remote_script_computes() {
        assert_eq!(Transform::TrimTrailing.apply(b"abc \r\n").as_deref(), Some(&b"abc"[..]));
        assert_eq!(
            Transform::TrimStripQuotes.apply(b"\"abc\"\n").as_deref(),
            Some(&b"abc"[..])
        );
        assert_eq!(Transform::TrimStripQuotes.apply(b"\"abc'"), None);
        assert_eq!(Transform::StripCr.apply(b"a\r\nb").as_deref(), Some(&b"a\nb"[..]));
        let f = Fingerprints::of(b"abc\n");
        assert_eq!(f.length, 4);
        assert_eq!(f.variants[&Transform::TrimTrailing].1, crate::secret::digest(b"abc"));
        // Salted with the run's random salt: not the plain SHA-256 anyone could check a guess with.
        assert_ne!(f.sha256, crate::secret::sha256_hex(b"abc\n"));
    }

    #[test]
    fn first_invalid_utf8_byte_and_its_line() {
        assert_eq!(
            InvalidUtf8::find("f", b"A=1\nB=\xe9\n"),
            Some(InvalidUtf8 {
                file: "f".into(),
                offset: 6,
                line: 2,
                byte: 0xe9
            })
        );
        assert_eq!(InvalidUtf8::find("f", "A=é".as_bytes()), None);
    }
}
