//! Node's own `.env` parser: `node --env-file=.env` and `process.loadEnvFile()` (Node ≥ 20.12 /
//! 21.7; `--env-file` since 20.6), the C++ `Dotenv::ParseContent` of `src/node_dotenv.cc`, as the
//! Node 20.20 build records it (tests/fixtures/dotenv, `util.parseEnv`, the same parser). Written
//! from reading that function and checked against recordings, not translated from it.
//!
//! Unlike motdotla/dotenv it does no regex matching of keys: a key is whatever precedes the next
//! `=` (after skipping blank and `#` lines), trimmed of spaces only (not tabs), and may span lines.
//! Every CR in the file is dropped first. A value is:
//! - double-quoted: up to the next `"` (across lines), each `\n` made a newline, the rest of the
//!   line dropped;
//! - single-quoted or backquoted: up to the next same quote (across lines), the rest of the line
//!   dropped; without a closing quote, the rest of the line with its opening quote, and at the end
//!   of the file without a newline, nothing;
//! - otherwise the rest of the line up to `#`, trimmed of spaces.
//!
//! An empty key (`=value`) stops the parse. A key made only of spaces comes out as the character
//! before it (a newline): Node's `trim_spaces` steps one byte back there (it calls
//! `remove_prefix(npos)`), which is what the recordings show. Later definitions win.

use super::{Entry, Parsed};

/// Where `s[from..to]` starts and ends once the spaces around it are trimmed (spaces only); an
/// all-space span is empty.
fn trim_spaces(s: &[u8], from: usize, to: usize) -> (usize, usize) {
    let mut a = from;
    let mut b = to;
    while a < b && s[a] == b' ' {
        a += 1;
    }
    while b > a && s[b - 1] == b' ' {
        b -= 1;
    }
    (a, b)
}

fn find(s: &[u8], from: usize, to: usize, c: u8) -> Option<usize> {
    s[from..to].iter().position(|&x| x == c).map(|i| from + i)
}

/// Parse `text` as Node's `--env-file` does.
pub fn parse(text: &str) -> Parsed<'static> {
    let lines: Vec<u8> = text.bytes().filter(|&b| b != b'\r').collect();
    let s = &lines[..];
    let lines_at = super::LineIndex::new(s);
    let line_of = |at: usize| lines_at.line_of(at);
    let mut out = Parsed::default();
    let mut store = |key: &[u8], value: Vec<u8>, at: usize| {
        out.entries.push(Entry::new(
            String::from_utf8_lossy(key).into_owned(),
            String::from_utf8_lossy(&value).into_owned(),
            line_of(at),
        ));
    };
    let (mut pos, mut end) = trim_spaces(s, 0, s.len());
    while pos < end {
        // Blank and comment lines, when a newline follows.
        if matches!(s[pos], b'\n' | b'#')
            && let Some(nl) = find(s, pos, end, b'\n')
        {
            pos = nl + 1;
            continue;
        }
        let Some(eq) = find(s, pos, end, b'=') else { break };
        let key_at = pos;
        let (mut ka, kb) = trim_spaces(s, pos, eq);
        let mut key: Vec<u8> = if ka == kb && eq > pos {
            // All spaces: Node's trim steps back one byte, onto the newline before the key.
            ka = pos.saturating_sub(1);
            s.get(ka..pos).map(<[u8]>::to_vec).unwrap_or_default()
        } else {
            s[ka..kb].to_vec()
        };
        (pos, end) = trim_spaces(s, eq + 1, end);
        if key.is_empty() {
            break;
        }
        if key.starts_with(b"export ") {
            key.drain(..7);
        }
        if pos == end {
            store(&key, Vec::new(), key_at);
            break;
        }
        let q = s[pos];
        if q == b'"'
            && let Some(close) = find(s, pos + 1, end, b'"')
        {
            let mut v = Vec::with_capacity(close - pos);
            let raw = &s[pos + 1..close];
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'\\' && raw.get(i + 1) == Some(&b'n') {
                    v.push(b'\n');
                    i += 2;
                } else {
                    v.push(raw[i]);
                    i += 1;
                }
            }
            store(&key, v, key_at);
            pos = find(s, close + 1, end, b'\n').map_or(end, |nl| nl + 1);
            continue;
        }
        if matches!(q, b'\'' | b'"' | b'`') {
            match find(s, pos + 1, end, q) {
                None => {
                    // No closing quote: the line, opening quote included; at the end of the file,
                    // nothing (and the text is read on as a key).
                    if let Some(nl) = find(s, pos, end, b'\n') {
                        store(&key, s[pos..nl].to_vec(), key_at);
                        pos = nl;
                    }
                }
                Some(close) => {
                    store(&key, s[pos + 1..close].to_vec(), key_at);
                    pos = find(s, close + 1, end, b'\n').unwrap_or(end);
                }
            }
            continue;
        }
        let nl = find(s, pos, end, b'\n');
        let line_end = nl.unwrap_or(end);
        let cut = find(s, pos, line_end, b'#').unwrap_or(line_end);
        let (va, vb) = trim_spaces(s, pos, cut);
        store(&key, s[va..vb].to_vec(), key_at);
        pos = line_end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, String)> {
        let p = parse(text);
        let mut out: Vec<(String, String)> = Vec::new();
        for e in &p.entries {
            out.retain(|(k, _)| *k != e.key);
            out.push((e.key.to_string(), e.value.to_string()));
        }
        out.sort();
        out
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        v.sort();
        v
    }

    /// Cases whose answers Node 20.20.2's `util.parseEnv` gave (see the module doc).
    #[test]
    fn what_node_20_reads() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("A=x\r\nB=y", &[("A", "x"), ("B", "y")]),
            ("A='a\nb'\nC=1", &[("A", "a\nb"), ("C", "1")]),
            ("A=\"a\\nb\"", &[("A", "a\nb")]),
            ("A=\"unterminated\nB=2", &[("A", "\"unterminated"), ("B", "2")]),
            ("export   X=1", &[("  X", "1")]),
            (" K = v # c", &[("K", "v")]),
            ("A=`x`y", &[("A", "x")]),
            ("A=a\tb\t", &[("A", "a\tb\t")]),
            ("=v\nB=1", &[]),
            ("K\nA=1", &[("K\nA", "1")]),
            ("#a=b", &[("#a", "b")]),
            ("A=1\n  #c=2\nB=3", &[("#c", "2"), ("A", "1"), ("B", "3")]),
            ("A=\"x\ry\"", &[("A", "xy")]),
            ("A='x'=y", &[("A", "x")]),
            ("A=\"abc", &[]),
            ("A=\"a=b", &[("\"a", "b")]),
            ("A=   ", &[("A", "")]),
            ("A=1\n  \nB=2", &[("\nB", "2"), ("A", "1")]),
            ("X=1\n   =2\nB=3", &[("\n", "2"), ("B", "3"), ("X", "1")]),
            ("K=\"a\\nb\\\\nc\"", &[("K", "a\nb\\\nc")]),
            ("K='a\nb\nL=1", &[("K", "'a"), ("b\nL", "1")]),
            ("K=\"x\nL=\"y\"", &[("K", "x\nL=")]),
            ("K=   #", &[("K", "")]),
            ("A=  \t", &[("A", "\t")]),
            ("\u{feff}K=1", &[("\u{feff}K", "1")]),
            ("K='\nL=1", &[("K", "'"), ("L", "1")]),
        ];
        for (text, want) in cases {
            assert_eq!(read(text), kv(want), "{text:?}");
        }
    }

    #[test]
    fn lines_are_where_keys_start() {
        let p = parse("# c\r\nA=1\n\nB=\"x\ny\"\nC=3");
        let lines: Vec<(String, usize)> = p.entries.iter().map(|e| (e.key.to_string(), e.line)).collect();
        assert_eq!(
            lines,
            [("A".to_string(), 2), ("B".to_string(), 4), ("C".to_string(), 6)]
        );
    }
}
