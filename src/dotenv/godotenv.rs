//! joho/godotenv 1.5 (Go): `godotenv.Load()`, from reading its `parser.go` (Debian's
//! golang-github-joho-godotenv-dev 1.5.1) and checked against recordings of it
//! (tools/loaders/record-go, built with Debian's Go).
//!
//! - CR LF becomes LF first; a lone CR ends an unquoted value.
//! - A key runs up to `=` or `:` (YAML style); letters, digits (Unicode, and each byte above 0x7F
//!   taken as a Latin-1 character), `_` and `.` only; spaces inside it are kept; any other character
//!   is an error that refuses the whole file, as is a quote left open.
//! - Unquoted: the rest of the line, cut at the last `#` that follows a space, trimmed; invalid
//!   UTF-8 becomes U+FFFD per byte.
//! - Single-quoted: literal. Double-quoted: `\n` and `\r` become newline and CR, a backslash before
//!   any other character but `$` is dropped. A quote preceded by a backslash does not close; quote
//!   characters at both ends of the value are trimmed; whatever follows the closing quote is read
//!   as the next statement.
//! - Unquoted and double-quoted values expand `$NAME`, `${NAME}` (NAME in `[A-Z0-9_]`, from the
//!   file's earlier keys only, never the environment; unset is empty); `\$` keeps the `$`.
//! - `Load` sets no variable whose name is empty or whose name or value holds a NUL (Go's `Setenv`
//!   refuses them). Later definitions win.

use super::{Budget, Entry, LoadError, Parsed, TOO_LARGE, TooLarge};
use std::collections::HashMap;

/// Why a key or value is left unresolved: Go keeps bytes that are not UTF-8 as they are.
pub const RAW_BYTES: &str = "bytes that are not UTF-8, which godotenv keeps as they are";

/// Go's `unicode.IsSpace`.
fn go_is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// godotenv's `isSpace`: a space but not a line break.
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

/// The rune at `b[i..]` as Go decodes it: the character and its length, or U+FFFD and 1 for a
/// byte that does not start a valid sequence.
fn rune_at(b: &[u8], i: usize) -> (char, usize) {
    let end = (i + 4).min(b.len());
    for n in 1..=end - i {
        if let Ok(s) = std::str::from_utf8(&b[i..i + n])
            && let Some(c) = s.chars().next()
        {
            return (c, n);
        }
    }
    ('\u{fffd}', 1)
}

/// `b` decoded as Go's `[]rune(string(b))`: one U+FFFD per invalid byte.
fn go_lossy(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('\u{fffd}');
        }
    }
    out
}

/// Index of the first rune at or after `from` for which `f` holds.
fn index_rune(b: &[u8], from: usize, f: impl Fn(char) -> bool) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        let (c, n) = rune_at(b, i);
        if f(c) {
            return Some(i);
        }
        i += n;
    }
    None
}

/// Skip leading runes for which `f` holds.
fn trim_left(b: &[u8], from: usize, f: impl Fn(char) -> bool) -> usize {
    index_rune(b, from, |c| !f(c)).unwrap_or(b.len())
}

/// A byte taken as a Latin-1 character is a letter or a number (Go's `unicode.IsLetter` /
/// `IsNumber` of `rune(byte)`).
fn key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || c == b'.'
        || matches!(c, 0xaa | 0xb5 | 0xba | 0xb2 | 0xb3 | 0xb9 | 0xbc..=0xbe | 0xc0..=0xd6 | 0xd8..=0xf6 | 0xf8..=0xff)
}

fn byte_is_space(c: u8) -> bool {
    matches!(c, b'\t' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// `expandEscapes`: `\n`, `\r` made newline and CR, then a backslash dropped before anything
/// but `$`.
fn expand_escapes(v: &[u8]) -> Vec<u8> {
    let mut first = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'\\' && i + 1 < v.len() && v[i + 1] != b'\n' {
            let (_, n) = rune_at(v, i + 1);
            match v[i + 1] {
                b'n' => first.push(b'\n'),
                b'r' => first.push(b'\r'),
                _ => first.extend_from_slice(&v[i..i + 1 + n]),
            }
            i += 1 + n;
        } else {
            first.push(v[i]);
            i += 1;
        }
    }
    let mut out = Vec::with_capacity(first.len());
    let mut i = 0;
    while i < first.len() {
        if first[i] == b'\\' && i + 1 < first.len() && first[i + 1] != b'$' {
            let (_, n) = rune_at(&first, i + 1);
            out.extend_from_slice(&first[i + 1..i + 1 + n]);
            i += 1 + n;
        } else {
            out.push(first[i]);
            i += 1;
        }
    }
    out
}

/// The file's values so far, for expansion: `None` for one past authdoctor's bounds ([`Budget`]),
/// which makes every value that refers to it too large as well.
type Vars = HashMap<Vec<u8>, Option<Vec<u8>>>;

/// `expandVariables`: each match of `(\\)?\$\(?\{?([A-Z0-9_]+)?\}?`, replaced by the value of the
/// name (from `vars`, empty when unset), by itself without the backslash, or kept when it names
/// nothing. Err past authdoctor's bounds (godotenv itself would build the value, doubling with
/// each `A=$A$A` line until memory runs out).
fn expand_variables(v: &[u8], vars: &Vars, budget: &Budget) -> Result<Vec<u8>, TooLarge> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let escaped = v[i] == b'\\' && v.get(i + 1) == Some(&b'$');
        if v[i] != b'$' && !escaped {
            out.push(v[i]);
            i += 1;
            continue;
        }
        let start = i;
        let mut j = if escaped { i + 2 } else { i + 1 };
        if v.get(j) == Some(&b'(') {
            j += 1;
        }
        if v.get(j) == Some(&b'{') {
            j += 1;
        }
        let name_start = j;
        while j < v.len() && (v[j].is_ascii_uppercase() || v[j].is_ascii_digit() || v[j] == b'_') {
            j += 1;
        }
        let name = &v[name_start..j];
        if v.get(j) == Some(&b'}') {
            j += 1;
        }
        if escaped {
            out.extend_from_slice(&v[start + 1..j]);
        } else if !name.is_empty() {
            let value = match vars.get(name) {
                Some(Some(v)) => v.as_slice(),
                Some(None) => return Err(TooLarge),
                None => &[][..],
            };
            budget.append(out.len(), value.len())?;
            out.extend_from_slice(value);
        } else {
            out.extend_from_slice(&v[start..j]);
        }
        i = j;
    }
    budget.produce(out.len())?;
    Ok(out)
}

/// `getStatementStart`: where the next statement starts at or after `pos`, past whitespace and
/// comment lines; `None` at the end.
fn statement_start(s: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let p = index_rune(s, pos, |c| !go_is_space(c))?;
        if s[p] != b'#' {
            return Some(p);
        }
        pos = p + s[p..].iter().position(|&b| b == b'\n')?;
    }
}

/// Parse `bytes` as `godotenv.Load` does.
pub fn parse(bytes: &[u8]) -> Parsed<'static> {
    let mut src = Vec::with_capacity(bytes.len());
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] == b'\r' && bytes.get(k + 1) == Some(&b'\n') {
            k += 1;
            continue;
        }
        src.push(bytes[k]);
        k += 1;
    }
    let s = &src[..];
    let lines_at = super::LineIndex::new(s);
    let line_of = |at: usize| lines_at.line_of(at);
    let mut out = Parsed::default();
    let budget = Budget::for_file(bytes.len());
    let mut vars: Vars = HashMap::new();
    let mut assigned: Vec<(Vec<u8>, Option<Vec<u8>>, usize)> = Vec::new();
    let mut pos = 0;
    let fail = |out: &mut Parsed<'static>, at: usize, message: String| {
        out.errors.push(LoadError {
            line: line_of(at),
            message,
            fatal: true,
        });
    };
    while let Some(start) = statement_start(s, pos) {
        // locateKeyName.
        let mut k0 = trim_left(s, start, is_space);
        if s[k0..].starts_with(b"export") {
            let after = k0 + 6;
            if after < s.len() && is_space(rune_at(s, after).0) {
                k0 = trim_left(s, after, is_space);
            }
        }
        if k0 >= s.len() {
            fail(&mut out, start, "zero length string".into());
            break;
        }
        let mut key_end = None;
        let mut bad = None;
        for (i, &c) in s[k0..].iter().enumerate() {
            if byte_is_space(c) || c == b'_' || key_byte(c) {
                continue;
            }
            if c == b'=' || c == b':' {
                key_end = Some(k0 + i);
            } else {
                bad = Some(k0 + i);
            }
            break;
        }
        if let Some(at) = bad {
            fail(
                &mut out,
                at,
                format!("unexpected character {:?} in variable name", char::from(s[at])),
            );
            break;
        }
        let (key_raw, value_from) = match key_end {
            Some(e) => (&s[k0..e], e + 1),
            None => (&s[k0..k0], k0),
        };
        let key = go_lossy(key_raw).trim_end_matches(go_is_space).to_string();
        let key_bytes = if std::str::from_utf8(key_raw).is_ok() {
            key.clone().into_bytes()
        } else {
            // Go keeps the raw bytes; trailing spaces are ASCII or U+0085/U+00A0 (valid) here.
            let mut b = key_raw.to_vec();
            while let Some(&l) = b.last() {
                if l == b' ' || l == b'\t' || l == b'\r' || l == 0x0b || l == 0x0c {
                    b.pop();
                } else {
                    break;
                }
            }
            b
        };
        let v0 = trim_left(s, value_from, is_space);
        // extractVarValue.
        let (value, next) = match s.get(v0) {
            Some(&q) if q == b'"' || q == b'\'' => {
                let mut close = None;
                for i in v0 + 1..s.len() {
                    if s[i] == q && s[i - 1] != b'\\' {
                        close = Some(i);
                        break;
                    }
                }
                let Some(c) = close else {
                    fail(&mut out, v0, "unterminated quoted value".into());
                    break;
                };
                let mut a = v0;
                let mut b = c;
                while b > a && s[b - 1] == q {
                    b -= 1;
                }
                while a < b && s[a] == q {
                    a += 1;
                }
                let raw = &s[a..b];
                let v = if q == b'"' {
                    expand_variables(&expand_escapes(raw), &vars, &budget).ok()
                } else {
                    Some(raw.to_vec())
                };
                (v, c + 1)
            }
            _ => {
                let eol = s[v0..].iter().position(|&b| b == b'\n' || b == b'\r').map(|n| v0 + n);
                let end = eol.unwrap_or(s.len());
                let line: Vec<char> = go_lossy(&s[v0..end]).chars().collect();
                let mut end_of_var = line.len();
                for i in (1..line.len()).rev() {
                    if line[i] == '#' && is_space(line[i - 1]) {
                        end_of_var = i;
                        break;
                    }
                }
                let text: String = line[..end_of_var].iter().collect();
                let trimmed = text.trim_matches(is_space);
                (expand_variables(trimmed.as_bytes(), &vars, &budget).ok(), end)
            }
        };
        vars.insert(key_bytes.clone(), value.clone());
        assigned.push((key_bytes, value, line_of(start)));
        pos = next;
        if pos >= s.len() {
            break;
        }
    }
    if out.errors.iter().any(|e| e.fatal) {
        return out;
    }
    // What `Load` sets: the final value of each key Go's Setenv accepts.
    for (key, value, line) in assigned {
        let last = vars.get(&key);
        if key.is_empty() || key.contains(&0) || last.is_some_and(|v| v.as_ref().is_some_and(|v| v.contains(&0))) {
            continue;
        }
        let Some(value) = value else {
            let mut e = Entry::new(go_lossy(&key), String::new(), line);
            e.unresolved = Some(TOO_LARGE);
            out.entries.push(e);
            continue;
        };
        let raw = std::str::from_utf8(&key).is_err() || std::str::from_utf8(&value).is_err();
        let mut e = Entry::new(go_lossy(&key), go_lossy(&value), line);
        if raw {
            e.unresolved = Some(RAW_BYTES);
        }
        out.entries.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<Vec<(String, String)>, String> {
        let p = parse(text);
        if let Some(e) = p.errors.first() {
            return Err(e.message.clone());
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for e in &p.entries {
            out.retain(|(k, _)| *k != e.key);
            out.push((e.key.to_string(), e.value.to_string()));
        }
        out.sort();
        Ok(out)
    }

    fn kv(pairs: &[(&str, &str)]) -> Result<Vec<(String, String)>, String> {
        let mut v: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        v.sort();
        Ok(v)
    }

    #[test]
    fn reads_as_godotenv_1_5() {
        assert_eq!(
            read(b"A=plain\nexport B=2\nC: yaml\n"),
            kv(&[("A", "plain"), ("B", "2"), ("C", "yaml")])
        );
        assert_eq!(
            read(b"A=abc#def\nB=abc #def\nC=#start\n"),
            kv(&[("A", "abc#def"), ("B", "abc"), ("C", "#start")])
        );
        assert_eq!(read(br#"A="say \"hi\"""#), kv(&[("A", "say \"hi\\")]));
        assert_eq!(read(b"A=`back`"), kv(&[("A", "`back`")]));
        assert_eq!(
            read(b"A=1\nB=${A}x$A\\$A$a\nC='$A'\nD=\"a\\nb\"\n"),
            kv(&[("A", "1"), ("B", "1x1$A$a"), ("C", "$A"), ("D", "a\nb")])
        );
        assert_eq!(read(b"A=\"x\" B=2"), kv(&[("A", "x"), ("B", "2")]));
        assert!(read(b"A-B=1").is_err());
        assert!(read(b"A=\"open").is_err());
        assert_eq!(read(b"ABC"), kv(&[]), "an empty name is never set");
    }

    #[test]
    fn self_doubling_stops_at_the_bounds() {
        let mut text = b"A=xxxxxxxxxxxxxxxx\n".to_vec();
        for _ in 0..40 {
            text.extend_from_slice(b"A=$A$A\n");
        }
        text.extend_from_slice(b"B=${A}\nC=ok\n");
        let p = parse(&text);
        let get = |k: &str| p.entries.iter().rev().find(|e| e.key == k).map(|e| e.unresolved);
        assert_eq!(get("A"), Some(Some(TOO_LARGE)));
        assert_eq!(get("B"), Some(Some(TOO_LARGE)));
        assert_eq!(get("C"), Some(None));
    }
}
