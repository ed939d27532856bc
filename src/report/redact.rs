//! Scrubbing known secrets out of what is printed. Nothing should put a secret into text in the
//! first place; this catches what slips through (a label or a command line that contains the value,
//! a backend's or a command's error message that echoes it).
//!
//! What counts as a match: a run of at least [`min_run`] bytes of a secret (8 for a value of up to
//! 16 bytes, growing to 12 from 24 bytes on), or the whole value when it is 6 or 7 bytes long. A
//! shorter run is what text shares with values by chance (`8000000`, `"alg"`, `docker`), and
//! scrubbing it would mangle the report, not protect the secret. Each value is looked for as read
//! and in the forms authdoctor itself computes and decodes ([`derived_forms`]: base64, base64url,
//! hex, URL-encoded, of the raw bytes and of the bytes they decode to).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Values shorter than this are not scrubbed (a 5-byte value occurs in text by chance).
pub const WINDOW: usize = 6;
/// The window the index is built from: 8 bytes, one `u64`.
const W: usize = 8;
const MASK: &str = "[redacted]";
/// Bytes of values whose derived forms are indexed (the rest: as read only).
pub const DERIVED_BUDGET: usize = 256 * 1024;

/// The shortest run of a `len`-byte secret that is scrubbed: `len / 2` clamped to 8..=12.
pub fn min_run(len: usize) -> usize {
    (len / 2).clamp(W, 12)
}

/// Eight bytes packed in a u64 need no SipHash: one folded 64x64->128 multiply mixes every input
/// bit into the low bits the table indexes by.
#[derive(Default)]
struct PackedHasher(u64);

impl Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(self.0 << 8 | u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        let p = u128::from(n) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (p as u64) ^ ((p >> 64) as u64);
    }
}

/// Window → the smallest [`min_run`] of the secrets it occurs in.
type WindowMap = HashMap<u64, u8, BuildHasherDefault<PackedHasher>>;

/// Where a window may not reach across: line breaks and control characters always (the layout
/// around a match survives); in rendered text also blanks and the characters a format escapes or
/// is built from (`"` `\` `%`), so a scrub never eats a JSON quote or a GitHub escape.
fn breaks(b: u8, rendered: bool) -> bool {
    b.is_ascii_control() || (rendered && (b == b' ' || matches!(b, b'"' | b'\\' | b'%')))
}

/// Call `f(start, packed)` for every 8-byte window of `s` that crosses no break.
fn windows(s: &[u8], rendered: bool, mut f: impl FnMut(usize, u64)) {
    let mut packed = 0u64;
    let mut clean = 0usize;
    for (i, &b) in s.iter().enumerate() {
        packed = packed << 8 | u64::from(b);
        clean = if breaks(b, rendered) { 0 } else { clean + 1 };
        if clean >= W {
            f(i + 1 - W, packed);
        }
    }
}

/// The values read in this run, to be scrubbed from what is printed.
#[derive(Default)]
pub struct Redactor<'a> {
    /// Windows of every secret material and derived form, with their minimum run.
    index: WindowMap,
    /// Materials of 6 or 7 bytes: scrubbed only as a whole.
    short: Vec<zeroize::Zeroizing<Vec<u8>>>,
    /// The first [`WINDOW`] bytes of each of `short` → its indexes: one pass over a text finds
    /// every candidate position (a scan per short value made a 10,000-line `.env` take minutes).
    short_index: HashMap<[u8; WINDOW], Vec<usize>>,
    values: std::marker::PhantomData<&'a [u8]>,
}

/// The secret material of a value: what must never be printed. A JSON document's material is
/// its string and number leaves, not its keys and punctuation (a Secrets Manager secret
/// `{"jwt_secret":"…"}` would otherwise scrub the words "jwt_secret" and `"}` from the report and
/// break its JSON); a PEM's is its base64 body, not its armor lines (`-----BEGIN PUBLIC KEY-----`
/// would otherwise scrub "PUBLIC" from a key name). Anything else is the value itself.
fn material(value: &[u8]) -> Vec<zeroize::Zeroizing<Vec<u8>>> {
    use zeroize::Zeroizing;
    let t = value.trim_ascii();
    if t.len() <= 1 << 20
        && matches!(t.first(), Some(b'{' | b'['))
        && let Ok(doc) = serde_json::from_slice::<serde_json::Value>(t)
    {
        fn leaves(v: &serde_json::Value, depth: usize, out: &mut Vec<Zeroizing<Vec<u8>>>) {
            match v {
                serde_json::Value::String(s) => out.push(Zeroizing::new(s.as_bytes().to_vec())),
                // A number is material only when long enough not to be any count in the report.
                serde_json::Value::Number(n) if n.to_string().len() >= 8 => {
                    out.push(Zeroizing::new(n.to_string().into_bytes()))
                }
                serde_json::Value::Array(a) if depth < 64 => a.iter().for_each(|x| leaves(x, depth + 1, out)),
                serde_json::Value::Object(o) if depth < 64 => o.values().for_each(|x| leaves(x, depth + 1, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        leaves(&doc, 0, &mut out);
        return out;
    }
    if t.windows(11).any(|w| w == b"-----BEGIN ") {
        return value
            .split(|b| *b == b'\n')
            .map(|line| line.trim_ascii())
            .filter(|line| !line.starts_with(b"-----") && !line.is_empty())
            .map(|line| Zeroizing::new(line.to_vec()))
            .collect();
    }
    vec![Zeroizing::new(value.to_vec())]
}

/// The forms of `m` authdoctor computes or decodes (transform.rs, AD104, token variants): `m`
/// itself, its standard and URL-safe base64 (RFC 4648 §4, §5), lower and upper hex and
/// percent-encoding (RFC 3986 unreserved kept); and the same of the bytes `m` decodes to as
/// base64, base64url, hex, percent-encoding or `base64:`/`0x` prefixed forms.
pub fn derived_forms(m: &[u8]) -> Vec<zeroize::Zeroizing<Vec<u8>>> {
    use crate::transform::Transform;
    use base64::Engine as _;
    use zeroize::Zeroizing;
    fn encodings(b: &[u8], out: &mut Vec<Zeroizing<Vec<u8>>>) {
        out.push(Zeroizing::new(b.to_vec()));
        out.push(Zeroizing::new(
            base64::engine::general_purpose::STANDARD.encode(b).into_bytes(),
        ));
        out.push(Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b).into_bytes(),
        ));
        let hex = hex::encode(b);
        out.push(Zeroizing::new(hex.to_ascii_uppercase().into_bytes()));
        out.push(Zeroizing::new(hex.into_bytes()));
        let mut pct = Vec::with_capacity(b.len());
        for &c in b {
            if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
                pct.push(c);
            } else {
                pct.extend_from_slice(format!("%{c:02X}").as_bytes());
            }
        }
        out.push(Zeroizing::new(pct));
    }
    let mut out = Vec::new();
    encodings(m, &mut out);
    for t in [
        Transform::Base64Decode,
        Transform::Base64UrlDecode,
        Transform::HexDecode,
        Transform::UrlDecode,
        Transform::Base64PrefixDecode,
        Transform::HexPrefixDecode,
    ] {
        if let Some(d) = t.apply(m)
            && d != m
        {
            encodings(&d, &mut out);
        }
    }
    out.retain(|f| f.len() >= WINDOW);
    out.sort_by(|a, b| a.as_slice().cmp(b.as_slice()));
    out.dedup_by(|a, b| a.as_slice() == b.as_slice());
    out
}

impl<'a> Redactor<'a> {
    /// A redactor for these values: each reduced to its secret material (see [`material`]), and
    /// each material with its [`derived_forms`].
    pub fn new(secrets: impl IntoIterator<Item = &'a [u8]>) -> Redactor<'a> {
        let mut index = WindowMap::default();
        let mut short = Vec::new();
        let mut derived_bytes = 0usize;
        for s in secrets {
            for m in material(s) {
                if m.len() < WINDOW {
                    continue;
                }
                // Derived forms cost about ten index entries per value byte: past the budget (a
                // 60,000-key .env) only the values as read are indexed, so memory stays linear
                // and small.
                derived_bytes += m.len();
                let forms = if derived_bytes <= DERIVED_BUDGET {
                    derived_forms(&m)
                } else {
                    vec![m]
                };
                for form in forms {
                    if form.len() < W {
                        short.push(form);
                        continue;
                    }
                    let run = min_run(form.len()) as u8;
                    // Index every window of the form, breaks included: a value's own control
                    // bytes are not in the windows the text offers, so they never match.
                    let mut packed = 0u64;
                    for (i, &b) in form.iter().enumerate() {
                        packed = packed << 8 | u64::from(b);
                        if i + 1 >= W {
                            let e = index.entry(packed).or_insert(run);
                            *e = (*e).min(run);
                        }
                    }
                }
            }
        }
        short.sort_by(|a, b| a.as_slice().cmp(b.as_slice()));
        short.dedup_by(|a, b| a.as_slice() == b.as_slice());
        let short_index = short_index(&short);
        Redactor {
            index,
            short,
            short_index,
            values: std::marker::PhantomData,
        }
    }

    /// Whether there is anything to scrub.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty() && self.short.is_empty()
    }

    /// `text` (a field of the report model, before any format escapes it) with every run of a
    /// secret replaced by `[redacted]`. Runs may include blanks, so a value with a space every
    /// few characters is found too.
    pub fn scrub(&self, text: &str) -> String {
        self.scrub_with(text, false)
    }

    /// `text` as rendered for output: the last line of defence after the model was scrubbed.
    /// Matches stop at blanks, quotes, backslashes and `%`, so the output keeps its format (valid
    /// JSON stays valid JSON, GitHub escapes stay whole).
    pub fn scrub_rendered(&self, text: &str) -> String {
        self.scrub_with(text, true)
    }

    /// [`Redactor::scrub`], except that runs inside an occurrence of one of `names` (a key, a
    /// loader: words the report uses as names) are kept: a key name that also occurs inside some
    /// value is still the key's name where a message names it.
    pub fn scrub_except(&self, text: &str, names: &[&str]) -> String {
        self.scrub_keeping(text, false, names)
    }

    fn scrub_with(&self, text: &str, rendered: bool) -> String {
        self.scrub_keeping(text, rendered, &[])
    }

    fn scrub_keeping(&self, text: &str, rendered: bool, names: &[&str]) -> String {
        if self.is_empty() || text.len() < WINDOW {
            return text.to_string();
        }
        let bytes = text.as_bytes();
        let mut hit = vec![false; bytes.len()];
        let mut any = false;
        // Spans of consecutive found windows; a span counts when it is at least as long as the
        // smallest minimum run among its windows.
        let mut span: Option<(usize, usize, u8)> = None;
        let flush = |span: &mut Option<(usize, usize, u8)>, hit: &mut Vec<bool>, any: &mut bool| {
            if let Some((start, end, run)) = span.take()
                && end - start >= usize::from(run)
            {
                hit[start..end].iter_mut().for_each(|h| *h = true);
                *any = true;
            }
        };
        if !self.index.is_empty() {
            windows(bytes, rendered, |i, w| {
                if let Some(&run) = self.index.get(&w) {
                    match &mut span {
                        Some((_, end, r)) if i <= *end => {
                            *end = i + W;
                            *r = (*r).min(run);
                        }
                        _ => {
                            flush(&mut span, &mut hit, &mut any);
                            span = Some((i, i + W, run));
                        }
                    }
                }
            });
            flush(&mut span, &mut hit, &mut any);
        }
        if !self.short.is_empty() {
            for start in 0..bytes.len().saturating_sub(WINDOW - 1) {
                let Some(at) = <[u8; WINDOW]>::try_from(&bytes[start..start + WINDOW])
                    .ok()
                    .and_then(|k| self.short_index.get(&k))
                else {
                    continue;
                };
                for &i in at {
                    let s = &self.short[i];
                    let Some(piece) = bytes.get(start..start + s.len()) else {
                        continue;
                    };
                    if piece == s.as_slice() && !piece.iter().any(|b| breaks(*b, rendered) && !s.contains(b)) {
                        hit[start..start + s.len()].iter_mut().for_each(|h| *h = true);
                        any = true;
                    }
                }
            }
        }
        if any && !names.is_empty() {
            for name in names.iter().filter(|n| !n.is_empty()) {
                let mut from = 0;
                while let Some(at) = text[from..].find(name) {
                    let start = from + at;
                    let end = start + name.len();
                    // Only where the name stands alone, not inside a longer word.
                    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
                    let alone = (start == 0 || !word(bytes[start - 1])) && bytes.get(end).is_none_or(|b| !word(*b));
                    if alone {
                        hit[start..end].iter_mut().for_each(|h| *h = false);
                    }
                    from = start + 1;
                    while !text.is_char_boundary(from) {
                        from += 1;
                    }
                }
            }
            any = hit.contains(&true);
        }
        if !any {
            return text.to_string();
        }
        // Widen each hit to whole UTF-8 characters so the output stays valid text.
        let mut out = String::with_capacity(text.len());
        let mut in_hit = false;
        for (i, ch) in text.char_indices() {
            let covered = hit[i..i + ch.len_utf8()].contains(&true);
            if covered {
                if !in_hit {
                    out.push_str(MASK);
                }
                in_hit = true;
            } else {
                in_hit = false;
                out.push(ch);
            }
        }
        out
    }
}

/// The redactor for every value this run has read ([`crate::secret::seen`]), rebuilt when more
/// were read since it was last built.
fn run_redactor() -> std::sync::Arc<Redactor<'static>> {
    type Cache = Option<(usize, std::sync::Arc<Redactor<'static>>)>;
    static CACHE: std::sync::Mutex<Cache> = std::sync::Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let count = crate::secret::seen_count();
    if let Some((n, r)) = cache.as_ref()
        && *n == count
    {
        return r.clone();
    }
    let r = std::sync::Arc::new(crate::secret::seen(|values| {
        let r = Redactor::new(values.iter().map(|v| v.as_slice()));
        // The redactor owns its windows; it borrows nothing from `values`.
        Redactor {
            index: r.index,
            short: r.short,
            short_index: r.short_index,
            values: std::marker::PhantomData,
        }
    }));
    *cache = Some((count, r.clone()));
    r
}

/// `text` (a message for stderr) scrubbed of every value this run has read.
pub fn scrub_run(text: &str) -> String {
    if crate::secret::seen_count() == 0 {
        return text.to_string();
    }
    run_redactor().scrub(text)
}

/// A redactor for every value this run has read: each [`crate::secret::Secret`] is remembered
/// when made, so the values a command returns for redaction are among them.
pub fn for_run() -> std::sync::Arc<Redactor<'static>> {
    run_redactor()
}

/// Each short value's first [`WINDOW`] bytes → the indexes of the values starting with them.
fn short_index(short: &[zeroize::Zeroizing<Vec<u8>>]) -> HashMap<[u8; WINDOW], Vec<usize>> {
    let mut map: HashMap<[u8; WINDOW], Vec<usize>> = HashMap::new();
    for (i, s) in short.iter().enumerate() {
        if let Some(k) = s.get(..WINDOW).and_then(|b| <[u8; WINDOW]>::try_from(b).ok()) {
            map.entry(k).or_default().push(i);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_runs_and_keeps_the_rest() {
        let r = Redactor::new([b"7nzzo8vskFWWUrFT".as_slice()]);
        assert_eq!(
            r.scrub("label cmd:echo 7nzzo8vskFWWUrFT done"),
            "label cmd:echo [redacted] done"
        );
        assert_eq!(r.scrub("partial o8vskFWW here"), "partial [redacted] here");
        assert_eq!(r.scrub("short o8vskF here"), "short o8vskF here");
        assert_eq!(r.scrub("nothing here"), "nothing here");
        assert_eq!(r.scrub("7nzzo"), "7nzzo");
    }

    #[test]
    fn long_values_need_a_longer_run() {
        let v = b"Qm9vdGgtc2VjcmV0LWZvci10aGUtdGVzdHMtb25seS0wMTIzNDU2Nzg5";
        let r = Redactor::new([v.as_slice()]);
        let s = std::str::from_utf8(v).unwrap();
        assert_eq!(r.scrub(&format!("a {} b", &s[10..21])), format!("a {} b", &s[10..21]));
        assert_eq!(r.scrub(&format!("a {} b", &s[10..22])), "a [redacted] b");
    }

    #[test]
    fn text_that_shares_a_short_run_is_left_alone() {
        let r = Redactor::new([b"x8000000y-docker.sock-\"alg\": \"HS".as_slice()]);
        let text = r#"{"length": 8000000, "loader": "docker", "alg": "HS256"}"#;
        assert_eq!(r.scrub(text), text);
        assert_eq!(r.scrub_rendered(text), text);
    }

    #[test]
    fn names_are_kept_inside_messages() {
        let r = Redactor::new([b"NEXTAUTH_SECRET_6-and-then-the-secret-part-0123".as_slice()]);
        assert_eq!(
            r.scrub_except("f.env: NEXTAUTH_SECRET_6: 28 bytes", &["NEXTAUTH_SECRET_6"]),
            "f.env: NEXTAUTH_SECRET_6: 28 bytes"
        );
        assert_eq!(
            r.scrub_except(
                "got NEXTAUTH_SECRET_6-and-then-the-secret-part-0123",
                &["NEXTAUTH_SECRET_6"]
            ),
            "got NEXTAUTH_SECRET_6[redacted]"
        );
    }

    #[test]
    fn layout_around_a_match_survives() {
        let r = Redactor::new([b"abcdefghij\n".as_slice()]);
        assert_eq!(r.scrub("x abcdefghij\n  next"), "x [redacted]\n  next");
    }

    #[test]
    fn spaced_values_and_escapes_are_found_on_the_model() {
        let r = Redactor::new([b"Wq3x pL9z Rt7v Kk2m".as_slice()]);
        assert_eq!(r.scrub("got Wq3x pL9z Rt7v Kk2m!"), "got [redacted]!");
        let r = Redactor::new([b"ab%cd\"ef\\gh12345".as_slice()]);
        assert_eq!(r.scrub("v=ab%cd\"ef\\gh12345."), "v=[redacted].");
    }

    #[test]
    fn derived_forms_are_scrubbed() {
        use base64::Engine as _;
        let v = b"s3cr3t/value+with?odd&bytes";
        let r = Redactor::new([v.as_slice()]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(v);
        let b64u = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        for form in [
            b64,
            b64u,
            hex::encode(v),
            hex::encode_upper(v),
            "s3cr3t%2Fvalue%2Bwith%3Fodd%26bytes".into(),
        ] {
            assert_eq!(r.scrub(&format!("x {form} y")), "x [redacted] y", "{form}");
        }
        // A base64 value: its decoded bytes' hex is a form too.
        let raw = [7u8, 200, 13, 99, 250, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        let enc = base64::engine::general_purpose::STANDARD.encode(raw);
        let r = Redactor::new([enc.as_bytes()]);
        assert_eq!(r.scrub(&format!("hex {}", hex::encode(raw))), "hex [redacted]");
    }

    #[test]
    fn many_values_scrub_like_few() {
        let secrets: Vec<String> = (0..2000).map(|i| format!("value-{i:05}-tail")).collect();
        let text = "report: value-01234-tail and value-01999-tail, but not value or tail\n";
        let many = Redactor::new(secrets.iter().map(|s| s.as_bytes()));
        let few = Redactor::new([secrets[1234].as_bytes(), secrets[1999].as_bytes()]);
        assert_eq!(
            many.scrub(text),
            "report: [redacted] and [redacted], but not value or tail\n"
        );
        assert_eq!(few.scrub(text), many.scrub(text));
        assert_eq!(many.scrub("nothing to see"), "nothing to see");
    }

    #[test]
    fn json_keys_and_pem_armor_are_not_material() {
        let r = Redactor::new([br#"{"jwt_secret":"7nzzo8vskFWWUrFT","other":"x"}"#.as_slice()]);
        assert_eq!(
            r.scrub(r#"{"title":"holding the other","field":"jwt_secret","v":"7nzzo8vskFWWUrFT"}"#),
            r#"{"title":"holding the other","field":"jwt_secret","v":"[redacted]"}"#
        );
        let r =
            Redactor::new([b"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B\n-----END PUBLIC KEY-----\n".as_slice()]);
        assert_eq!(
            r.scrub("CLERK_PEM_PUBLIC_KEY holds MIIBIjANBgkqhkiG9w0B"),
            "CLERK_PEM_PUBLIC_KEY holds [redacted]"
        );
        assert_eq!(r.scrub("-----BEGIN PUBLIC KEY-----"), "-----BEGIN PUBLIC KEY-----");
    }

    #[test]
    fn short_secrets_and_non_ascii_are_safe() {
        let r = Redactor::new([b"abc".as_slice()]);
        assert_eq!(r.scrub("abcabc"), "abcabc");
        let r = Redactor::new(["ééé".as_bytes()]);
        assert_eq!(r.scrub("xéééy"), "x[redacted]y");
        let r = Redactor::new([b"hunter2".as_slice()]);
        assert_eq!(r.scrub("pw hunter2!"), "pw [redacted]!");
        assert_eq!(r.scrub("hunter"), "hunter");
    }
}
