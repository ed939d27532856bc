//! The last line of defence: scrub any 6-byte run of a known secret from text about to be printed.
//! Nothing should put a secret into text in the first place; this catches what slips through
//! (a label or a command line that contains the value, a command's error message).

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

pub const WINDOW: usize = 6;
const MASK: &str = "[redacted]";

/// Six bytes packed in a u64 are already well spread by one multiply: SipHash here cost a third
/// of an `envfile` run over 10,000 lines.
#[derive(Default)]
struct PackedHasher(u64);

impl Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

fn pack(w: &[u8]) -> u64 {
    w.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b))
}

#[derive(Default)]
pub struct Redactor {
    windows: HashSet<u64, BuildHasherDefault<PackedHasher>>,
    /// One bit per 3-byte prefix of any window: most positions of a long report are rejected
    /// by one bit test before any hashing.
    prefixes: Vec<u64>,
}

fn prefix_bit(w: &[u8]) -> usize {
    (usize::from(w[0]) << 16) | (usize::from(w[1]) << 8) | usize::from(w[2])
}

impl Redactor {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a [u8]>) -> Redactor {
        let secrets: Vec<&[u8]> = secrets.into_iter().collect();
        let capacity = secrets.iter().map(|s| s.len().saturating_sub(WINDOW - 1)).sum();
        let mut windows: HashSet<u64, BuildHasherDefault<PackedHasher>> =
            HashSet::with_capacity_and_hasher(capacity, BuildHasherDefault::default());
        let mut prefixes = Vec::new();
        for s in secrets {
            for w in s.windows(WINDOW) {
                // Only runs of printable characters: a window with a newline or space in it would
                // scrub the layout around a match, and the printable runs already catch the value.
                if w.iter().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
                    continue;
                }
                if prefixes.is_empty() {
                    prefixes = vec![0u64; (1 << 24) / 64];
                }
                let bit = prefix_bit(w);
                prefixes[bit / 64] |= 1 << (bit % 64);
                windows.insert(pack(w));
            }
        }
        Redactor { windows, prefixes }
    }

    pub fn scrub(&self, text: &str) -> String {
        if self.windows.is_empty() || text.len() < WINDOW {
            return text.to_string();
        }
        let bytes = text.as_bytes();
        let mut hit = vec![false; bytes.len()];
        for (i, w) in bytes.windows(WINDOW).enumerate() {
            let bit = prefix_bit(w);
            if self.prefixes[bit / 64] & (1 << (bit % 64)) != 0 && self.windows.contains(&pack(w)) {
                hit[i..i + WINDOW].iter_mut().for_each(|h| *h = true);
            }
        }
        if !hit.contains(&true) {
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
    fn short_secrets_and_non_ascii_are_safe() {
        let r = Redactor::new([b"abc".as_slice()]);
        assert_eq!(r.scrub("abcabc"), "abcabc");
        let r = Redactor::new(["ééé".as_bytes()]);
        assert_eq!(r.scrub("xéééy"), "x[redacted]y");
    }
}
