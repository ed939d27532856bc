//! The last line of defence: scrub any 6-byte run of a known secret from text about to be printed.
//! Nothing should put a secret into text in the first place; this catches what slips through
//! (a label or a command line that contains the value, a command's error message).

use std::collections::HashSet;

pub const WINDOW: usize = 6;
const MASK: &str = "[redacted]";

#[derive(Default)]
pub struct Redactor {
    windows: HashSet<[u8; WINDOW]>,
}

impl Redactor {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a [u8]>) -> Redactor {
        let mut windows = HashSet::new();
        for s in secrets {
            for w in s.windows(WINDOW) {
                // Only runs of printable characters: a window with a newline or space in it would
                // scrub the layout around a match, and the printable runs already catch the value.
                if w.iter().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
                    continue;
                }
                if let Ok(arr) = <[u8; WINDOW]>::try_from(w) {
                    windows.insert(arr);
                }
            }
        }
        Redactor { windows }
    }

    pub fn scrub(&self, text: &str) -> String {
        if self.windows.is_empty() || text.len() < WINDOW {
            return text.to_string();
        }
        let bytes = text.as_bytes();
        let mut hit = vec![false; bytes.len()];
        for (i, w) in bytes.windows(WINDOW).enumerate() {
            if let Ok(arr) = <[u8; WINDOW]>::try_from(w)
                && self.windows.contains(&arr)
            {
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
