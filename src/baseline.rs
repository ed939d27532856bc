//! `authdoctor.lock`: the last known-good fingerprint of every source `check` reads, so a later run
//! can say what changed since (AD112). The file holds lengths, salted scrypt hashes of values and
//! store digests: never a value, nor a fast hash of one (a public lock must not let anyone test
//! guesses of a weak secret at billions per second).

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
    /// Locks written before scrypt: the first 12 hex digits of the value's SHA-256. Still read
    /// (compared with the value now), never written: `--update-baseline` replaces it with `hash`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sha256: Option<String>,
    /// The value's salted slow hash, see [`hash_value`]: `$scrypt$ln=13,r=8,p=1$SALT$HASH`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hash: Option<String>,
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
             # `authdoctor check --update-baseline`. Lengths, salted scrypt hashes and store digests\n\
             # only: never a value. Commit it; `authdoctor check --baseline` reports what changed since.\n\n{body}"
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
            crate::config::without_values(e.message().trim())
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

/// scrypt cost (RFC 7914, `scrypt` crate 0.11): N = 2^13, r = 8, p = 1 (8 MiB, about 20 ms per
/// hash on a laptop core), so each guess against a lock costs that much.
const SCRYPT_LOG_N: u8 = 13;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
const HASH_LEN: usize = 32;

/// The salted slow hash of `value` stored in the lock, as a PHC string
/// `$scrypt$ln=13,r=8,p=1$SALT$HASH` (salt and hash in unpadded standard base64; 16 random bytes of
/// salt unless `salt` is given, so an unchanged value keeps its line).
pub fn hash_value(value: &[u8], salt: Option<&[u8]>) -> String {
    use base64::Engine as _;
    let fresh;
    let salt = match salt {
        Some(s) => s,
        None => {
            let mut s = [0u8; 16];
            getrandom::fill(&mut s).expect("the operating system's random number generator failed");
            fresh = s;
            &fresh
        }
    };
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    format!(
        "$scrypt$ln={SCRYPT_LOG_N},r={SCRYPT_R},p={SCRYPT_P}${}${}",
        b64.encode(salt),
        b64.encode(scrypt_raw(value, salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P).unwrap_or_default())
    )
}

fn scrypt_raw(value: &[u8], salt: &[u8], log_n: u8, r: u32, p: u32) -> Option<[u8; HASH_LEN]> {
    let params = scrypt::Params::new(log_n, r, p, HASH_LEN).ok()?;
    let mut out = [0u8; HASH_LEN];
    scrypt::scrypt(value, salt, &params, &mut out).ok()?;
    Some(out)
}

/// A parsed `$scrypt$…` string.
struct Parsed {
    log_n: u8,
    r: u32,
    p: u32,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

/// Reads a `$scrypt$…` string (log N, r, p, salt, hash). `None` when it is not one, or its cost is
/// beyond what a lock needs (log N ≤ 20, r ≤ 32, p ≤ 4: a hostile lock cannot make a check hang).
fn parse_hash(s: &str) -> Option<Parsed> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut parts = s.strip_prefix("$scrypt$")?.split('$');
    let (params, salt, hash) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (mut ln, mut r, mut p) = (None, None, None);
    for kv in params.split(',') {
        match kv.split_once('=')? {
            ("ln", v) => ln = v.parse::<u8>().ok(),
            ("r", v) => r = v.parse::<u32>().ok(),
            ("p", v) => p = v.parse::<u32>().ok(),
            _ => return None,
        }
    }
    let (ln, r, p) = (ln?, r?, p?);
    if ln > 20 || r > 32 || p > 4 {
        return None;
    }
    let hash = b64.decode(hash).ok()?;
    (hash.len() == HASH_LEN).then_some(())?;
    Some(Parsed {
        log_n: ln,
        r,
        p,
        salt: b64.decode(salt).ok()?,
        hash,
    })
}

/// Whether a lock entry's known-good value is `value`: its scrypt `hash`, or in a lock written
/// before scrypt its 12-hex-digit `sha256`. `None` when the entry holds neither (or a hash it cannot
/// read): nothing to compare with.
pub fn holds(entry: &Entry, value: &[u8]) -> Option<bool> {
    if let Some(h) = &entry.hash {
        let h = parse_hash(h)?;
        let now = scrypt_raw(value, &h.salt, h.log_n, h.r, h.p)?;
        return Some(now.as_slice() == h.hash.as_slice());
    }
    let old = entry.sha256.as_ref()?;
    Some(crate::secret::short_sha(value) == *old)
}

/// The entry for a source that was read; `None` when it could not be (nothing known-good to
/// record). A value gets a fresh scrypt hash, reusing `previous`'s salt when that entry still holds
/// the value (so the line does not change). Fingerprints computed remotely are salted per run, so
/// only their length can be recorded.
pub fn entry_of(outcome: &Outcome, previous: Option<&Entry>) -> Option<Entry> {
    let fetched = outcome.result.as_ref().ok()?;
    let mut e = Entry {
        spec: outcome.spec.raw.clone(),
        kind: fetched.yielded.kind().to_string(),
        length: None,
        sha256: None,
        hash: None,
        digest: None,
        status: None,
    };
    match &fetched.yielded {
        Yield::Value(s) => {
            e.length = Some(s.len());
            let kept = previous
                .filter(|p| p.hash.is_some() && p.kind == e.kind && holds(p, s.expose()) == Some(true))
                .and_then(|p| p.hash.clone());
            e.hash = Some(kept.unwrap_or_else(|| hash_value(s.expose(), None)));
        }
        Yield::Fingerprints(f) => {
            e.length = Some(f.length);
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
        lock.merge([&a, &b].iter().filter_map(|o| entry_of(o, None)).collect());
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
        lock2.merge(vec![entry_of(&b2, None).expect("entry")]);
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
        lock.merge(vec![entry_of(&a, None).expect("entry")]);
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
