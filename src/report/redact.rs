//! The last line of defence: scrub any 6-byte run of a known secret from text about to be printed.
//! Nothing should put a secret into text in the first place; this catches what slips through
//! (a label or a command line that contains the value, a command's error message).

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

pub const WINDOW: usize = 6;
const MASK: &str = "[redacted]";

/// Six bytes packed in a u64 need no SipHash: one folded 64x64->128 multiply mixes every input bit
/// into the low bits the table indexes by (a plain multiply would leave them depending only on the
/// window's last bytes, and windows of similar values would pile into the same buckets).
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

type WindowSet = HashSet<u64, BuildHasherDefault<PackedHasher>>;

/// Call `f(start, packed)` for every 6-byte window of `s` made only of printable bytes. A window
/// with a newline or space in it is skipped on both sides: it would scrub the layout around a
/// match, and the printable runs already catch the value.
fn windows(s: &[u8], mut f: impl FnMut(usize, u64)) {
    let mut packed = 0u64;
    let mut clean = 0usize;
    for (i, &b) in s.iter().enumerate() {
        packed = (packed << 8 | u64::from(b)) & 0xFFFF_FFFF_FFFF;
        clean = if b.is_ascii_whitespace() || b.is_ascii_control() {
            0
        } else {
            clean + 1
        };
        if clean >= WINDOW {
            f(i + 1 - WINDOW, packed);
        }
    }
}

/// A 16-bit index from the window's high product bits (the low ones index the hash table).
fn bloom_bit(w: u64) -> usize {
    (w.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 48) as usize
}

fn count(s: &[u8]) -> usize {
    s.len().saturating_sub(WINDOW - 1)
}

/// The values read in this run, to be scrubbed from what is printed.
#[derive(Default)]
pub struct Redactor<'a> {
    secrets: Vec<zeroize::Zeroizing<Vec<u8>>>,
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
                serde_json::Value::Number(n) => out.push(Zeroizing::new(n.to_string().into_bytes())),
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
            .filter(|line| !line.trim_ascii().starts_with(b"-----"))
            .map(|line| Zeroizing::new(line.to_vec()))
            .collect();
    }
    vec![Zeroizing::new(value.to_vec())]
}

impl<'a> Redactor<'a> {
    /// A redactor for these values (each reduced to its secret material, see [`material`]).
    pub fn new(secrets: impl IntoIterator<Item = &'a [u8]>) -> Redactor<'a> {
        Redactor {
            secrets: secrets
                .into_iter()
                .flat_map(material)
                .filter(|s| s.len() >= WINDOW)
                .collect(),
            values: std::marker::PhantomData,
        }
    }

    /// `text` with every run covered by a window of a secret replaced by `[redacted]`. Whichever
    /// side is smaller is put in a hash set and the other side is streamed past it: a short report
    /// about 10,000 values indexes the report, a long one about a few values indexes the values.
    pub fn scrub(&self, text: &str) -> String {
        if self.secrets.is_empty() || text.len() < WINDOW {
            return text.to_string();
        }
        let bytes = text.as_bytes();
        let in_secrets: usize = self.secrets.iter().map(|s| count(s)).sum();
        // Windows of the text that occur in some secret.
        let found: WindowSet = if count(bytes) <= in_secrets {
            let mut of_text = WindowSet::with_capacity_and_hasher(count(bytes), Default::default());
            // 64 Kibit of "maybe in the text", so most secret windows are rejected by one bit test.
            let mut maybe = vec![0u64; 1024];
            windows(bytes, |_, w| {
                let b = bloom_bit(w);
                maybe[b / 64] |= 1 << (b % 64);
                of_text.insert(w);
            });
            let mut found = WindowSet::default();
            for s in &self.secrets {
                windows(s, |_, w| {
                    let b = bloom_bit(w);
                    if maybe[b / 64] & (1 << (b % 64)) != 0 && of_text.contains(&w) {
                        found.insert(w);
                    }
                });
            }
            found
        } else {
            let mut found = WindowSet::with_capacity_and_hasher(in_secrets, Default::default());
            for s in &self.secrets {
                windows(s, |_, w| {
                    found.insert(w);
                });
            }
            found
        };
        if found.is_empty() {
            return text.to_string();
        }
        let mut hit = vec![false; bytes.len()];
        let mut any = false;
        windows(bytes, |i, w| {
            if found.contains(&w) {
                hit[i..i + WINDOW].iter_mut().for_each(|h| *h = true);
                any = true;
            }
        });
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
        assert_eq!(r.scrub("partial o8vskF here"), "partial [redacted] here");
        assert_eq!(r.scrub("nothing here"), "nothing here");
        assert_eq!(r.scrub("7nzzo"), "7nzzo");
    }

    #[test]
    fn layout_around_a_match_survives() {
        let r = Redactor::new([b"abcdefgh\n".as_slice()]);
        assert_eq!(r.scrub("x abcdefgh\n  next"), "x [redacted]\n  next");
    }

    #[test]
    fn indexing_either_side_scrubs_the_same() {
        // Few secrets, long text: the secrets are indexed. Many secrets, short text: the text is.
        let secrets: Vec<String> = (0..2000).map(|i| format!("value-{i:05}-tail")).collect();
        let text = "report: value-01234-tail and value-01999-tail, but not value or tail\n";
        let many = Redactor::new(secrets.iter().map(|s| s.as_bytes()));
        let few = Redactor::new([secrets[1234].as_bytes(), secrets[1999].as_bytes()]);
        let long = text.repeat(200);
        assert_eq!(
            many.scrub(text),
            "report: [redacted] and [redacted], but not value or tail\n"
        );
        assert_eq!(few.scrub(text), many.scrub(text));
        assert_eq!(few.scrub(&long), many.scrub(&long));
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
    }

    #[test]
    fn short_secrets_and_non_ascii_are_safe() {
        let r = Redactor::new([b"abc".as_slice()]);
        assert_eq!(r.scrub("abcabc"), "abcabc");
        let r = Redactor::new(["ééé".as_bytes()]);
        assert_eq!(r.scrub("xéééy"), "x[redacted]y");
    }
}
