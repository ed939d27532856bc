//! The secret value type and the facts authdoctor may print about its bytes (never the bytes).

use secrecy::{ExposeSecret, SecretSlice};
use sha2::{Digest, Sha256};
use std::fmt;

/// Bytes of a secret. Zeroized on drop; `Debug` prints `[redacted]`.
pub struct Secret(SecretSlice<u8>);

impl Secret {
    /// A secret; its bytes are also remembered for this run's redaction ([`seen`]), so an error
    /// or note printed later is scrubbed of it whichever command or source read it.
    pub fn new(bytes: Vec<u8>) -> Self {
        remember(&bytes);
        Secret(SecretSlice::from(bytes))
    }

    /// Bytes that hold values rather than being one (a process's whole environment, `NAME=value`
    /// pairs): not remembered for redaction as a whole, or every name in it would be scrubbed from
    /// the report; the value taken out of it is a [`Secret::new`] and is remembered.
    pub fn container(bytes: Vec<u8>) -> Self {
        Secret(SecretSlice::from(bytes))
    }

    /// The only way at the bytes; call sites are the places to audit for redaction.
    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }

    pub fn len(&self) -> usize {
        self.expose().len()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// The fingerprint to print for this value: see [`fingerprint`].
    pub fn fingerprint(&self) -> String {
        fingerprint(self.expose())
    }
}

impl Clone for Secret {
    fn clone(&self) -> Self {
        Secret::new(self.expose().to_vec())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

/// Every value read in this run, for scrubbing what is printed; kept (in zeroizing buffers) until
/// the process exits, as statics are never dropped.
static SEEN: std::sync::Mutex<Vec<zeroize::Zeroizing<Vec<u8>>>> = std::sync::Mutex::new(Vec::new());
/// SipHash (random keys per process) of each value in [`SEEN`], so remembering is O(1).
static SEEN_HASHES: std::sync::LazyLock<
    std::sync::Mutex<(std::collections::hash_map::RandomState, std::collections::HashSet<u64>)>,
> = std::sync::LazyLock::new(|| std::sync::Mutex::new(Default::default()));
/// How many values [`SEEN`] holds, read without the lock.
static SEEN_COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Remembers `bytes` as a value of this run (values under 6 bytes are not scrubbed, so not kept).
pub fn remember(bytes: &[u8]) {
    if bytes.len() < crate::report::redact::WINDOW {
        return;
    }
    use std::hash::BuildHasher as _;
    let mut hashes = SEEN_HASHES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let h = hashes.0.hash_one(bytes);
    if !hashes.1.insert(h) {
        return;
    }
    let mut seen = SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    seen.push(zeroize::Zeroizing::new(bytes.to_vec()));
    SEEN_COUNT.store(seen.len(), std::sync::atomic::Ordering::Release);
}

/// How many distinct values this run has read so far.
pub fn seen_count() -> usize {
    SEEN_COUNT.load(std::sync::atomic::Ordering::Acquire)
}

/// Calls `f` with every value this run has read.
pub fn seen<R>(f: impl FnOnce(&[zeroize::Zeroizing<Vec<u8>>]) -> R) -> R {
    let seen = SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&seen)
}

/// Whether `name` (a key found in a file or store) may be listed by name: shaped like a variable
/// name (a letter or `_` first, then letters, digits, `_`, `.` or `-`; at most 128 bytes) and not
/// like secret material (a 16+ character mix of upper case, lower case and digits with no `_`
/// separator, or a token-like string). A base64 line pasted alone into a `.env`
/// (`Wq3x…hE=`) parses as a key; it is a value, and is not listed.
///
/// A name made of words (`SUPABASE_SERVICE_ROLE_KEY`, `googleApplicationCredentials`,
/// `NEXT_PUBLIC_SUPABASE_ANON_KEY`: see [`made_of_words`]) is a name however long and varied.
pub fn looks_like_name(name: &str) -> bool {
    let shaped = !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    shaped && (made_of_words(name) || !looks_like_secret_material(name))
}

/// Whether `name` reads as words: split at `_`, `.`, `-` and lower-to-upper case changes, it has
/// at least two parts averaging three or more letters, every part is letters with at most trailing
/// digits (`V2`, `S3`), and each part of five or more letters has a vowel (`y` counts; acronyms
/// such as `JWT`, `SMTP` are shorter). Random base64 breaks into parts with digits inside or of one
/// or two letters; variable names do not.
pub fn made_of_words(name: &str) -> bool {
    let mut parts: Vec<&str> = Vec::new();
    for chunk in name.split(['_', '.', '-']).filter(|c| !c.is_empty()) {
        let b = chunk.as_bytes();
        let mut start = 0;
        for i in 1..b.len() {
            if b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase() {
                parts.push(&chunk[start..i]);
                start = i;
            }
        }
        parts.push(&chunk[start..]);
    }
    let letters = |p: &&str| p.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    parts.len() >= 2
        && parts.iter().map(letters).sum::<usize>() >= 3 * parts.len()
        && parts.iter().all(|p| {
            let word = p.trim_end_matches(|c: char| c.is_ascii_digit());
            !word.is_empty()
                && word.bytes().all(|b| b.is_ascii_alphabetic())
                && (word.len() < 5 || word.bytes().any(|b| b"aeiouyAEIOUY".contains(&b)))
        })
}

/// Whether a name found in a file or store looks like a value rather than a name: a 16+ character
/// mix of upper case, lower case and digits in the base64 alphabet (no `_` separator, no blank),
/// or a token-like string
/// ([`crate::report::guard::token_like`]).
pub fn looks_like_secret_material(name: &str) -> bool {
    let mixed = name.len() >= 16
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-'))
        && name.bytes().any(|b| b.is_ascii_uppercase())
        && name.bytes().any(|b| b.is_ascii_lowercase())
        && name.bytes().any(|b| b.is_ascii_digit());
    mixed || crate::report::guard::token_like(name)
}

/// How fingerprints are printed (`--fingerprint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FingerprintMode {
    /// `fp:` + 12 hex digits of HMAC-SHA256 under this run's random key.
    #[default]
    Keyed,
    /// `sha256:` + the first 12 hex digits of the plain SHA-256 (an offline guessing oracle).
    Sha256,
}

/// This run's fingerprint key and salt: random unless `--fingerprint sha256`.
struct RunKeys {
    mode: FingerprintMode,
    /// HMAC-SHA256 key (RFC 2104) of the printed `fp:` fingerprints, 32 random bytes.
    key: [u8; 32],
    /// Prefix hashed before a value in [`digest`]: 32 lowercase hex digits (16 random bytes), so it
    /// travels inside a quoted shell script; empty with `--fingerprint sha256`.
    salt: String,
}

static RUN_KEYS: std::sync::OnceLock<RunKeys> = std::sync::OnceLock::new();

fn run_keys() -> &'static RunKeys {
    RUN_KEYS.get_or_init(|| keys_for(FingerprintMode::Keyed))
}

fn keys_for(mode: FingerprintMode) -> RunKeys {
    let mut key = [0u8; 32];
    let mut salt = [0u8; 16];
    // The OS generator (getrandom 0.3); without one, no fingerprint could be trusted to be unguessable.
    getrandom::fill(&mut key)
        .and_then(|()| getrandom::fill(&mut salt))
        .expect("the operating system's random number generator failed");
    RunKeys {
        mode,
        key,
        salt: match mode {
            FingerprintMode::Keyed => hex::encode(salt),
            FingerprintMode::Sha256 => String::new(),
        },
    }
}

/// Chooses how this process prints fingerprints. Call once, before anything is fingerprinted
/// (`run::main` does, from `--fingerprint`); later calls, and calls after the first fingerprint,
/// are ignored and return false.
pub fn set_fingerprint_mode(mode: FingerprintMode) -> bool {
    RUN_KEYS.set(keys_for(mode)).is_ok()
}

/// The run's fingerprint mode.
pub fn fingerprint_mode() -> FingerprintMode {
    run_keys().mode
}

/// The run's salt: 32 hex digits, random per run (empty with `--fingerprint sha256`). Remote
/// fingerprint scripts hash it before the value, so the digests they post are not plain SHA-256
/// of the secret.
pub fn salt() -> &'static str {
    &run_keys().salt
}

/// Full lowercase hex SHA-256 of this run's [`salt`] followed by `bytes`: the digest values are
/// compared by within a run (the plain SHA-256 with `--fingerprint sha256`).
pub fn digest(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(salt().as_bytes());
    h.update(bytes);
    hex::encode(h.finalize())
}

/// The printable fingerprint of a value whose [`digest`] is `digest_hex`: `fp:` + 12 hex digits of
/// HMAC-SHA256(run key, digest) (RFC 2104, `hmac` 0.12), or with `--fingerprint sha256`
/// `sha256:` + the digest's first 12 hex digits. Equal values give equal fingerprints within a run;
/// keyed ones change from run to run.
pub fn fingerprint_of_digest(digest_hex: &str) -> String {
    use hmac::{Hmac, Mac};
    let keys = run_keys();
    match keys.mode {
        FingerprintMode::Sha256 => format!("sha256:{}", digest_hex.get(..12).unwrap_or(digest_hex)),
        FingerprintMode::Keyed => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&keys.key).expect("HMAC takes any key length");
            mac.update(digest_hex.as_bytes());
            let tag = mac.finalize().into_bytes();
            format!("fp:{}", hex::encode(&tag[..6]))
        }
    }
}

/// The printable fingerprint of `bytes` (see [`fingerprint_of_digest`]).
pub fn fingerprint(bytes: &[u8]) -> String {
    fingerprint_of_digest(&digest(bytes))
}

/// What a report says about its fingerprints, for the JSON `fingerprints` field and the human note.
pub fn fingerprint_note() -> &'static str {
    match fingerprint_mode() {
        FingerprintMode::Keyed => {
            "fp: fingerprints are keyed with a random key made for this run: equal values show equal fingerprints in this output only, and they change every run (--fingerprint sha256 prints plain SHA-256 prefixes to check by hand)"
        }
        FingerprintMode::Sha256 => {
            "sha256: fingerprints are the first 12 hex digits of the plain SHA-256 of the bytes (--fingerprint sha256)"
        }
    }
}

/// Full lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The first 12 hex digits of SHA-256, without prefix.
pub fn short_sha(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(12);
    for b in &digest[..6] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// A safe name for a byte or character that may be shown without revealing the secret:
/// whitespace, control and invisible characters by name. `None` for ordinary printable text.
pub fn special_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\n' => "LF",
        '\r' => "CR",
        '\t' => "TAB",
        ' ' => "SPACE",
        '\0' => "NUL",
        '\x0b' => "VT",
        '\x0c' => "FF",
        '\x1b' => "ESC",
        '\x7f' => "DEL",
        '\u{a0}' => "NO-BREAK SPACE",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{2060}' => "WORD JOINER",
        '\u{feff}' => "BOM (ZERO WIDTH NO-BREAK SPACE)",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202f}' => "NARROW NO-BREAK SPACE",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        c if c.is_control() => "control character",
        c if ('\u{2000}'..='\u{200a}').contains(&c) => "unicode space",
        _ => return None,
    })
}

/// Characters that render as nothing (or as a blank) and so survive copy-paste unseen.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{a0}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{3000}'
            | '\u{2000}'..='\u{200a}'
    )
}

/// Describe the character at `offset` of `bytes` safely: `LF 0x0a`, `NO-BREAK SPACE U+00A0`,
/// `non-UTF-8 byte 0xff`, or `a printable character` (never which one).
pub fn describe_at(bytes: &[u8], offset: usize) -> String {
    match decode_char_at(bytes, offset) {
        Some(c) => match special_name(c) {
            Some(name) if (c as u32) < 0x80 => format!("{name} 0x{:02x}", c as u32),
            Some(name) => format!("{name} U+{:04X}", c as u32),
            None if c.is_ascii() => "a printable ASCII character".to_string(),
            None => "a printable non-ASCII character".to_string(),
        },
        None => match bytes.get(offset) {
            Some(b) => format!("non-UTF-8 byte 0x{b:02x}"),
            None => "end of value".to_string(),
        },
    }
}

/// The char starting at byte `offset`, if the bytes there are valid UTF-8.
pub fn decode_char_at(bytes: &[u8], offset: usize) -> Option<char> {
    let rest = bytes.get(offset..)?;
    let take = rest.len().min(4);
    for n in 1..=take {
        if let Ok(s) = std::str::from_utf8(&rest[..n]) {
            return s.chars().next();
        }
    }
    None
}

/// A short run of bytes by name (`LF`, `CR LF`, `SPACE SPACE`); a long one by count.
pub fn describe_run(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let names: Vec<&str> = text.chars().map(|c| special_name(c).unwrap_or("character")).collect();
    if names.is_empty() {
        return "nothing".into();
    }
    if names.len() <= 4 {
        return names.join(" ");
    }
    format!("{} bytes of whitespace", bytes.len())
}

/// Character classes present, in a fixed order: what a human needs to see at a glance.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Classes {
    pub lowercase: usize,
    pub uppercase: usize,
    pub digits: usize,
    pub symbols: usize,
    pub whitespace: usize,
    pub control: usize,
    pub non_ascii: usize,
    pub invalid_utf8: usize,
}

impl Classes {
    pub fn of(bytes: &[u8]) -> Classes {
        let mut c = Classes::default();
        for chunk in bytes.utf8_chunks() {
            for ch in chunk.valid().chars() {
                match ch {
                    'a'..='z' => c.lowercase += 1,
                    'A'..='Z' => c.uppercase += 1,
                    '0'..='9' => c.digits += 1,
                    ' ' | '\t' | '\n' | '\r' => c.whitespace += 1,
                    ch if ch.is_ascii_control() => c.control += 1,
                    ch if ch.is_ascii() => c.symbols += 1,
                    _ => c.non_ascii += 1,
                }
            }
            c.invalid_utf8 += chunk.invalid().len();
        }
        c
    }

    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |n: usize, what: &str| {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        };
        add(self.lowercase, "lower");
        add(self.uppercase, "upper");
        add(self.digits, "digit");
        add(self.symbols, "symbol");
        add(self.whitespace, "whitespace");
        add(self.control, "control");
        add(self.non_ascii, "non-ASCII");
        add(self.invalid_utf8, "invalid UTF-8");
        if parts.is_empty() {
            "empty".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Every whitespace, control or invisible character with its byte offset, for `LF 0x0a at byte 64`.
pub fn special_positions(bytes: &[u8]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        for (i, ch) in chunk.valid().char_indices() {
            if special_name(ch).is_some() || is_invisible(ch) {
                out.push((offset + i, describe_at(bytes, offset + i)));
            }
        }
        offset += chunk.valid().len();
        for (i, b) in chunk.invalid().iter().enumerate() {
            out.push((offset + i, format!("non-UTF-8 byte 0x{b:02x}")));
        }
        offset += chunk.invalid().len();
    }
    out
}

/// Facts about one value for `inspect`: shapes and counts, never content.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Facts {
    pub length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chars: Option<usize>,
    pub lines: usize,
    pub utf8: bool,
    pub classes: Classes,
    /// Whitespace, control and invisible characters by name and byte offset.
    pub special: Vec<Special>,
    /// Encodings the value is valid text of, with the decoded length: `base64 → 32 bytes`.
    pub decodes_as: std::collections::BTreeMap<String, usize>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Special {
    pub offset: usize,
    pub what: String,
}

impl Facts {
    pub fn of(bytes: &[u8]) -> Facts {
        use base64::Engine as _;
        use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
        let text = std::str::from_utf8(bytes).ok();
        let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        let t = bytes.trim_ascii();
        let mut decodes_as = std::collections::BTreeMap::new();
        if t.len() >= 8 {
            // Letters and digits alone decode as base64 by accident; list base64 only with its marks.
            let std_marks = t.iter().any(|b| matches!(b, b'+' | b'/')) || t.ends_with(b"=");
            let url_marks = t.iter().any(|b| matches!(b, b'-' | b'_'));
            for (name, alphabet, marked) in [
                ("base64", &base64::alphabet::STANDARD, std_marks),
                ("base64url", &base64::alphabet::URL_SAFE, url_marks),
            ] {
                if !marked {
                    continue;
                }
                if let Ok(d) = GeneralPurpose::new(alphabet, lenient).decode(t) {
                    decodes_as.insert(name.to_string(), d.len());
                }
            }
            if let Ok(d) = hex::decode(t) {
                decodes_as.insert("hex".to_string(), d.len());
            }
        }
        Facts {
            length: bytes.len(),
            chars: text.map(|t| t.chars().count()),
            lines: if bytes.is_empty() {
                0
            } else {
                bytes.trim_ascii_end().split(|b| *b == b'\n').count()
            },
            utf8: text.is_some(),
            classes: Classes::of(bytes),
            special: special_positions(bytes)
                .into_iter()
                .map(|(offset, what)| Special { offset, what })
                .collect(),
            decodes_as,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Long variable names are names; random material pasted alone is not (helper-14's realistic
    /// files: SUPABASE_SERVICE_ROLE_KEY and friends were hidden from `envfile`).
    #[test]
    fn names_made_of_words_are_names() {
        for name in [
            "SUPABASE_SERVICE_ROLE_KEY",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "NODE_TLS_REJECT_UNAUTHORIZED",
            "BUN_CONFIG_VERBOSE_FETCH",
            "NEXTAUTH_JWT_SIGNING_PRIVATE_KEY",
            "googleApplicationCredentials",
            "AWS_S3_BUCKET_NAME_V2",
            "spring.datasource.password",
        ] {
            assert!(looks_like_name(name), "{name}");
        }
        for material in [
            "Wq3xP9kLmN2pQr7sT1uVwX5yZ8aB",
            "aBcDeFgHiJkLmNoPqRsTuVwX",
            "k7Qw2Rt9Yp4Ux8Zc3Vb6Nm1Lj5Hg0Fd",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
            "qJ_kD8xZ-vN3mP0wR5tY2uB7cF4gH1aL",
        ] {
            assert!(!looks_like_name(material), "{material}");
        }
    }

    #[test]
    fn short_sha_is_the_digest_prefix() {
        for v in [&b""[..], b"x", b"secret\n", &[0xff; 100]] {
            assert_eq!(short_sha(v), sha256_hex(v)[..12]);
        }
    }

    #[test]
    fn names_and_values_pasted_as_names() {
        for name in [
            "AUTH_SECRET",
            "NEXT_PUBLIC_URL",
            "db.host",
            "_x",
            "CLERK_PEM_PUBLIC_KEY",
        ] {
            assert!(looks_like_name(name), "{name}");
        }
        for value in [
            "Wq3xT9vLp2Kd8Rz5Yh7Nc4Bm6Fj1Gs0Ua3Ei9Ol2PhE",
            "Wq3x+T9v/Lp2Kd8Rz5Yh7Nc4Bm6Fj1Gs0Ua3Ei9Ol2PhE",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
            "1starts_with_digit",
            "",
        ] {
            assert!(!looks_like_name(value), "{value}");
        }
        assert!(!looks_like_secret_material("evil\x1b[2J\n::add-mask::x"));
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new(b"hunter2-hunter2".to_vec());
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([redacted])");
    }

    #[test]
    fn short_sha_is_12_hex() {
        // sha256("abc") = ba7816bf8f01cfea...
        assert_eq!(short_sha(b"abc"), "ba7816bf8f01");
    }

    #[test]
    fn describes_bytes_by_name_only() {
        assert_eq!(describe_at(b"ab\n", 2), "LF 0x0a");
        assert_eq!(describe_at(b"ab\n", 0), "a printable ASCII character");
        assert_eq!(
            describe_at("\u{feff}x".as_bytes(), 0),
            "BOM (ZERO WIDTH NO-BREAK SPACE) U+FEFF"
        );
        assert_eq!(describe_at(&[0x61, 0xff], 1), "non-UTF-8 byte 0xff");
        assert_eq!(describe_run(b"\r\n"), "CR LF");
        assert_eq!(describe_run(b"   "), "SPACE SPACE SPACE");
    }

    #[test]
    fn classes_and_positions() {
        let c = Classes::of(b"aB3$ \n\xff");
        assert_eq!(
            c.summary(),
            "1 lower, 1 upper, 1 digit, 1 symbol, 2 whitespace, 1 invalid UTF-8"
        );
        let p = special_positions(b"ab \n");
        assert_eq!(p, vec![(2, "SPACE 0x20".into()), (3, "LF 0x0a".into())]);
    }
}
