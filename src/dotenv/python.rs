//! python-dotenv 1.2.x `load_dotenv()`: a hand-written reader over the decoded text, then
//! `${NAME}` / `${NAME:-default}` interpolation (never bare `$NAME`), the process environment
//! taking precedence over earlier keys of the file.
//!
//! Python opens the file as UTF-8 text with universal newlines, so CR LF and lone CR arrive as LF,
//! a leading BOM is dropped, and invalid UTF-8 raises (the file does not load at all).

use super::{Budget, Entry, Env, LineCounter, LoadError, Parsed, TOO_LARGE, TooLarge};
use std::borrow::Cow;

/// `str.isspace()`, which Python's Unicode `\s` follows.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `[^\S\r\n]`: whitespace on the same line.
fn hspace(c: char) -> bool {
    py_space(c) && c != '\r' && c != '\n'
}

struct Reader<'a> {
    s: &'a str,
    pos: usize,
    lines: LineCounter<'a>,
}

struct Fail;

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let r = self.rest();
        let n = r.find(|c: char| !f(c)).unwrap_or(r.len());
        self.pos += n;
        &r[..n]
    }
    fn line(&self) -> usize {
        self.lines.at(self.pos)
    }
}

fn decode(value: &str, escapes: &[char]) -> String {
    if !value.contains('\\') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && escapes.contains(&n)
        {
            chars.next();
            out.push(match n {
                'a' => '\x07',
                'b' => '\x08',
                'f' => '\x0c',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'v' => '\x0b',
                other => other,
            });
        } else {
            out.push(c);
        }
    }
    out
}

/// `'((?:\\.|[^'\\])*)'` and its double-quoted twin (DOTALL): a backslash takes the character after
/// it, whatever it is, so `"\\"` is one escaped backslash and `"\"` never closes.
fn quoted(r: &mut Reader, q: char) -> Result<String, Fail> {
    let body = &r.rest()[1..];
    let mut i = 0;
    let b = body.as_bytes();
    while i < b.len() {
        if b[i] == b'\\' {
            if i + 1 >= b.len() {
                return Err(Fail);
            }
            // The escaped character may be several bytes: none of them is a quote or a backslash.
            i += 2;
            continue;
        }
        if b[i] == q as u8 {
            let v = body[..i].to_string();
            r.pos += 1 + i + 1;
            return Ok(v);
        }
        i += 1;
    }
    Err(Fail)
}

fn parse_value(r: &mut Reader) -> Result<String, Fail> {
    match r.peek() {
        Some('\'') => Ok(decode(&quoted(r, '\'')?, &['\\', '\''])),
        Some('"') => Ok(decode(
            &quoted(r, '"')?,
            &['\\', '\'', '"', 'a', 'b', 'f', 'n', 'r', 't', 'v'],
        )),
        None | Some('\n') | Some('\r') => Ok(String::new()),
        Some(_) => {
            let part = r.take_while(|c| c != '\r' && c != '\n');
            // re.sub(r"\s+#.*", "", part).rstrip()
            let mut cut = part.len();
            let chars: Vec<(usize, char)> = part.char_indices().collect();
            for (k, (i, c)) in chars.iter().enumerate() {
                if py_space(*c) {
                    let mut j = k;
                    while j < chars.len() && py_space(chars[j].1) {
                        j += 1;
                    }
                    if j < chars.len() && chars[j].1 == '#' {
                        cut = *i;
                        break;
                    }
                }
            }
            Ok(part[..cut].trim_end_matches(py_space).to_string())
        }
    }
}

/// One binding: Ok(Some((key, value, line))) / Ok(None) for blank or comment / Err on a bad line.
fn binding(r: &mut Reader) -> Result<Option<(String, Option<String>, usize)>, Fail> {
    r.take_while(py_space);
    if r.peek().is_none() {
        return Ok(None);
    }
    let line = r.line();
    // (?:export[^\S\r\n]+)?
    if let Some(after) = r.rest().strip_prefix("export") {
        let n = after.find(|c: char| !hspace(c)).unwrap_or(after.len());
        if n > 0 {
            r.pos += "export".len() + n;
        }
    }
    let key = match r.peek() {
        Some('#') => None,
        Some('\'') => {
            let body = &r.rest()[1..];
            let end = body.find('\'').ok_or(Fail)?;
            if end == 0 {
                return Err(Fail);
            }
            let k = body[..end].to_string();
            r.pos += end + 2;
            Some(k)
        }
        _ => {
            let k = r.take_while(|c| c != '=' && c != '#' && !py_space(c));
            if k.is_empty() {
                return Err(Fail);
            }
            Some(k.to_string())
        }
    };
    r.take_while(hspace);
    let mut value = None;
    if key.is_some() && r.peek() == Some('=') {
        r.pos += 1;
        let ws = r.take_while(hspace);
        value = Some(if !ws.is_empty() && r.peek() == Some('#') {
            String::new()
        } else {
            parse_value(r)?
        });
    }
    // (?:[^\S\r\n]*#[^\r\n]*)?
    let save = r.pos;
    r.take_while(hspace);
    if r.peek() == Some('#') {
        r.take_while(|c| c != '\r' && c != '\n');
    } else {
        r.pos = save;
    }
    // [^\S\r\n]*(?:\r\n|\n|\r|$)
    r.take_while(hspace);
    match r.peek() {
        None => {}
        Some('\n') | Some('\r') => r.pos += 1,
        Some(_) => return Err(Fail),
    }
    Ok(key.map(|k| (k, value, line)))
}

/// A name's value for interpolation: Some(Some) set, Some(None) bound without a value, None unknown.
type Lookup<'l> = dyn Fn(&str) -> Result<Option<Option<String>>, TooLarge> + 'l;

/// `${NAME}` / `${NAME:-default}` (the only forms python-dotenv expands).
fn interpolate(value: &str, lookup: &Lookup, budget: &Budget) -> Result<String, TooLarge> {
    budget.spend(value.len())?;
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        let name_len = after.find(['}', ':']).unwrap_or(after.len());
        let name = &after[..name_len];
        let tail = &after[name_len..];
        let (default, close) = if let Some(d) = tail.strip_prefix(":-") {
            match d.find('}') {
                Some(e) => (Some(&d[..e]), name_len + 2 + e),
                None => (None, usize::MAX),
            }
        } else if tail.starts_with('}') {
            (None, name_len)
        } else {
            (None, usize::MAX)
        };
        if close == usize::MAX {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        }
        out.push_str(&rest[..at]);
        let resolved = match lookup(name)? {
            Some(v) => v.unwrap_or_default(),
            None => default.unwrap_or("").to_string(),
        };
        budget.append(out.len() + resolved.len(), resolved.len())?;
        out.push_str(&resolved);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

pub fn parse<'a>(bytes: &'a [u8], env: &Env, interpolate_vars: bool) -> Parsed<'a> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
            return Parsed {
                entries: Vec::new(),
                errors: vec![LoadError {
                    line,
                    message: "not valid UTF-8: python-dotenv raises UnicodeDecodeError and loads nothing".into(),
                    fatal: true,
                }],
            };
        }
    };
    super::with_text(super::lf_only(text), |text| parse_lf(text, env, interpolate_vars))
}

fn parse_lf<'a>(text: &'a str, env: &Env, interpolate_vars: bool) -> Parsed<'a> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = Reader {
        s: text,
        pos: 0,
        lines: LineCounter::new(text),
    };
    let mut raw: Vec<(Cow<str>, Option<Cow<str>>, usize)> = Vec::new();
    let mut errors = Vec::new();
    while r.pos < r.s.len() {
        let start = r.pos;
        // A plain `NAME=value` line binds NAME to the value as written (see `super::plain_line`).
        if (start == 0 || r.s.as_bytes()[start - 1] == b'\n')
            && let Some((k, v, next)) = super::plain_line(r.s.as_bytes(), start)
        {
            raw.push((r.s[k].into(), Some(r.s[v].into()), r.line()));
            r.pos = next.min(r.s.len());
            continue;
        }
        match binding(&mut r) {
            Ok(Some((k, v, line))) => raw.push((k.into(), v.map(Cow::Owned), line)),
            Ok(None) => {}
            Err(Fail) => {
                // python-dotenv skips from where the statement failed to the end of that line.
                let mut at = Reader {
                    s: r.s,
                    pos: start,
                    lines: LineCounter::new(r.s),
                };
                at.take_while(py_space);
                errors.push(LoadError {
                    line: at.line(),
                    message: "python-dotenv could not parse this statement and skipped it".into(),
                    fatal: false,
                });
                r.take_while(|c| c != '\n');
                if r.peek() == Some('\n') {
                    r.pos += 1;
                }
            }
        }
        if r.pos == start {
            break;
        }
    }
    // Each key's latest binding, as an index into `entries` (None: bound without a value).
    let mut seen: rustc_hash::FxHashMap<&str, Option<usize>> = rustc_hash::FxHashMap::default();
    let mut entries: Vec<Entry> = Vec::with_capacity(raw.len());
    let mut unset = false;
    let budget = Budget::for_file(text.len());
    for (key, value, line) in &mut raw {
        let (key, line): (&Cow<str>, usize) = (key, *line);
        let mut too_large = false;
        let resolved = match value.take() {
            Some(v) if interpolate_vars && v.contains("${") => {
                // load_dotenv(override=False): the process environment over earlier keys.
                let lookup = |name: &str| -> Result<Option<Option<String>>, TooLarge> {
                    if let Some(v) = env.get(name) {
                        return Ok(Some(Some(v.clone())));
                    }
                    match seen.get(name) {
                        Some(Some(i)) if entries[*i].unresolved.is_some() => Err(TooLarge),
                        Some(i) => Ok(Some(i.map(|i| entries[i].value.to_string()))),
                        None => Ok(None),
                    }
                };
                match interpolate(&v, &lookup, &budget) {
                    Ok(x) => Some(Cow::Owned(x)),
                    Err(TooLarge) => {
                        too_large = true;
                        Some(v)
                    }
                }
            }
            other => other,
        };
        match resolved {
            Some(v) => {
                seen.insert(key, Some(entries.len()));
                let mut e = Entry::new(key.clone(), v, line);
                if too_large {
                    e.unresolved = Some(TOO_LARGE);
                }
                entries.push(e);
            }
            None => {
                seen.insert(key, None);
                unset = true;
            }
        }
    }
    // The dict keeps the last binding: a later bare `KEY` (value None) unsets it.
    if unset {
        let keep: Vec<bool> = entries
            .iter()
            .map(|e| seen.get(&*e.key).is_some_and(|i| i.is_some()))
            .collect();
        let mut k = keep.into_iter();
        entries.retain(|_| k.next().unwrap_or(true));
    }
    Parsed { entries, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str) -> Vec<(String, String)> {
        parse(text.as_bytes(), &Env::new(), true)
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    // Cases from python-dotenv's tests/test_parser.py and tests/test_variables.py (1.2.x).
    #[test]
    fn cases_from_python_dotenv_tests() {
        let kv = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert_eq!(get("a=b"), kv("a", "b"));
        assert_eq!(get(" a = b "), kv("a", "b"));
        assert_eq!(get("export a=b"), kv("a", "b"));
        assert_eq!(get("a='b'"), kv("a", "b"));
        assert_eq!(get("a=\"b\\nc\""), kv("a", "b\nc"));
        assert_eq!(get("a='b\\nc'"), kv("a", "b\\nc"));
        assert_eq!(get("a=b # comment"), kv("a", "b"));
        assert_eq!(get("a=b#c"), kv("a", "b#c"));
        assert_eq!(get("a=\"b\nc\""), kv("a", "b\nc"));
        assert_eq!(get("a= # comment"), kv("a", ""));
        assert_eq!(get("a=${b:-c}"), kv("a", "c"));
        assert_eq!(
            get("b=x\na=$b ${b}"),
            vec![("b".into(), "x".into()), ("a".into(), "$b x".into())]
        );
    }

    /// python-dotenv 1.2.4 (`_double_quoted_value = r'"((?:\\.|[^"\\])*)"'`), recorded with the real
    /// loader: `"\\"` is one backslash, `"\\""` leaves a stray quote (the line is skipped).
    #[test]
    fn a_backslash_escapes_any_character_inside_quotes() {
        assert_eq!(
            get("a=\"\\\\\"\nb=1"),
            vec![("a".into(), "\\".into()), ("b".into(), "1".into())]
        );
        assert_eq!(get("a='\\\\'"), vec![("a".into(), "\\".into())]);
        assert_eq!(get("a=\"\\\\\"\"\nb=1"), vec![("b".into(), "1".into())]);
        assert_eq!(get("a=\"x\\y\""), vec![("a".into(), "x\\y".into())]);
    }

    #[test]
    fn bad_lines_are_skipped_not_fatal() {
        let p = parse(b"a=\"unterminated\nb=ok\n", &Env::new(), true);
        assert_eq!(p.entries.iter().map(|e| &*e.key).collect::<Vec<_>>(), vec!["b"]);
        assert_eq!(p.errors.len(), 1);
        assert!(!p.errors[0].fatal);
    }

    #[test]
    fn expansion_past_the_bounds_is_too_large() {
        let text = format!("A=x\n{}B=${{A}}\nC=ok\n", "A=${A}${A}\n".repeat(40));
        let p = parse(text.as_bytes(), &Env::new(), true);
        let last = |k: &str| p.entries.iter().rev().find(|e| e.key == k).expect("key");
        assert_eq!(last("A").unresolved, Some(TOO_LARGE));
        assert_eq!(last("B").unresolved, Some(TOO_LARGE), "refers to a value too large");
        assert_eq!(last("C").value, "ok");
    }

    #[test]
    fn interpolation_off_keeps_references() {
        let p = parse(b"a=${HOME}", &Env::new(), false);
        assert_eq!(p.entries[0].value, "${HOME}");
    }
}
