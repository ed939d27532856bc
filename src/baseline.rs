//! `authdoctor.lock`: the last known-good fingerprint of every source `check` reads, so a later run
//! can say what changed since (AD112). The file holds lengths, 12-hex-digit SHA-256 prefixes and
//! store digests: never a value.

use crate::error::Error;
use crate::source::{Outcome, Yield};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const FILE_NAME: &str = "authdoctor.lock";
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The source spec as written in authdoctor.toml, without its label.
    pub spec: String,
    /// `value`, `fingerprints` or `digest`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub length: Option<usize>,
    /// The first 12 hex digits of the value's SHA-256.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sha256: Option<String>,
    /// A store's own digest (Fly).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    #[serde(default)]
    pub source: Vec<Entry>,
}

impl Lock {
    pub fn get(&self, spec: &str) -> Option<&Entry> {
        self.source.iter().find(|e| e.spec == spec)
    }

    /// This run's entries replace those of the same spec; the others (sources of groups left out
    /// with `--only`) are kept. Sorted by spec so the file diffs well.
    pub fn merge(&mut self, entries: Vec<Entry>) {
        let mut all: BTreeMap<String, Entry> = self.source.drain(..).map(|e| (e.spec.clone(), e)).collect();
        for e in entries {
            all.insert(e.spec.clone(), e);
        }
        self.version = VERSION;
        self.source = all.into_values().collect();
    }

    pub fn render(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string(self)?;
        Ok(format!(
            "# authdoctor.lock: the last known-good fingerprint of each source, written by\n\
             # `authdoctor check --update-baseline`. Lengths, SHA-256 prefixes and store digests only:\n\
             # never a value. Commit it; `authdoctor check --baseline` reports what changed since.\n\n{body}"
        ))
    }
}

/// How to get out of a lock file this authdoctor cannot read: it is never replaced silently, since
/// it holds the other groups' entries too.
const RECOVER: &str = "fix the line named, or move the file away (`mv authdoctor.lock authdoctor.lock.old`) and \
     run `authdoctor check --update-baseline` to write a new one";

/// Read and parse a lock file. Errors: not found (exit 2); not a regular file or unreadable (exit
/// 3); not TOML of this shape, or another `version` (exit 2, naming the line, saying how to recover).
pub fn load(path: &Path) -> Result<Lock, Error> {
    let text = crate::source::read_regular_string(path).map_err(|e| {
        let message = format!("baseline {}: {e}", path.display());
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::new(message).hint("write one with `authdoctor check --update-baseline` once the check passes")
        } else {
            Error::unreadable(message).hint("point --baseline at the regular file authdoctor.lock")
        }
    })?;
    let lock: Lock = toml::from_str(&text).map_err(|e| {
        let at = e.span().map(|s| crate::config::position(path, &text, s.start));
        Error::new(format!(
            "{}: {}",
            at.unwrap_or_else(|| path.display().to_string()),
            e.message().trim()
        ))
        .hint(RECOVER)
    })?;
    if lock.version != VERSION {
        return Err(Error::new(format!(
            "{}: baseline version {} is not one this authdoctor reads ({VERSION})",
            path.display(),
            lock.version
        ))
        .hint(format!("a newer authdoctor may have written it: upgrade, or {RECOVER}")));
    }
    Ok(lock)
}

/// The entry for a source that was read; `None` when it could not be (nothing known-good to record).
/// Replace the lock at `path` with `text` atomically: a temporary file with a unique name is created
/// exclusively (`O_EXCL`) in the same directory (tempfile 3, `NamedTempFile::new_in`), written,
/// synced, then renamed over `path`. Nothing is written through an existing symlink (a planted
/// `authdoctor.lock.tmp` is never touched; a symlink at `path` itself is replaced, not followed),
/// and parallel runs never share a temporary file: the last rename wins whole. The file is made
/// readable by all (0644 before the umask), as a committed file is. Errors: the I/O error.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".authdoctor.lock.").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

pub fn entry_of(outcome: &Outcome) -> Option<Entry> {
    let fetched = outcome.result.as_ref().ok()?;
    let mut e = Entry {
        spec: outcome.spec.raw.clone(),
        kind: fetched.yielded.kind().to_string(),
        length: None,
        sha256: None,
        digest: None,
        status: None,
    };
    match &fetched.yielded {
        Yield::Value(s) => {
            e.length = Some(s.len());
            e.sha256 = Some(s.short_sha());
        }
        Yield::Fingerprints(f) => {
            e.length = Some(f.length);
            e.sha256 = Some(f.sha256[..12.min(f.sha256.len())].to_string());
        }
        Yield::Digest(d) => {
            e.digest = Some(d.digest.clone());
            e.status = d.status.clone();
        }
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::compare::drift;
    use crate::secret::Secret;
    use crate::source::{Fetched, Spec};

    fn outcome(spec: &str, value: &[u8]) -> Outcome {
        Outcome {
            spec: Spec::parse(spec).expect("spec"),
            result: Ok(Fetched::value(Secret::new(value.to_vec()))),
        }
    }

    #[test]
    fn drift_says_what_changed_and_how() {
        let a = outcome("a=file:a", b"s3cr3t-value-for-the-test");
        let b = outcome("b=file:b", b"s3cr3t-value-for-the-test");
        let mut lock = Lock::default();
        lock.merge([&a, &b].iter().filter_map(|o| entry_of(o)).collect());
        assert!(drift("G", &[&a, &b], &lock, "L").is_empty());
        let b2 = outcome("b=file:b", b"s3cr3t-value-for-the-test\n");
        let f = drift("G", &[&a, &b2], &lock, "L");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "AD112");
        assert!(f[0].message.contains("length 25 → 26 bytes"), "{}", f[0].message);
        assert!(
            f[0].message.contains("trailing whitespace or a newline was added"),
            "{}",
            f[0].message
        );
        assert!(f[0].hint.as_deref().unwrap_or("").contains("only some sources"));
        // The reverse: the known-good value had the newline.
        let mut lock2 = Lock::default();
        lock2.merge(vec![entry_of(&b2).expect("entry")]);
        let f = drift("G", &[&b], &lock2, "L");
        assert!(
            f[0].message.contains("a trailing newline was removed"),
            "{}",
            f[0].message
        );
        let c = outcome("c=file:c", b"x");
        assert_eq!(drift("G", &[&c], &lock, "L")[0].code, "AD113");
    }

    #[test]
    fn lock_never_holds_the_value_and_round_trips() {
        let a = outcome("a=file:a", b"s3cr3t-value-for-the-test");
        let mut lock = Lock::default();
        lock.merge(vec![entry_of(&a).expect("entry")]);
        let text = lock.render().expect("render");
        assert!(!text.contains("s3cr3t"));
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, &text).expect("write");
        assert_eq!(load(&p).expect("load").source, lock.source);
        std::fs::write(
            &p,
            "version = 1\n[[source]]\nspec = \"file:a\"\nkind = \"value\"\nsize = 3\n",
        )
        .expect("write");
        let e = load(&p).expect_err("unknown field");
        assert!(e.message.contains(":5:1: unknown field `size`"), "{}", e.message);
    }
}
