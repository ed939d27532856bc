//! docker compose (compose-go v2 `dotenv/parser.go` + `template`): a statement parser with `#`
//! comments (inline only after a space), single quotes literal, double quotes with escapes
//! (`\n`, `\t`, `\"`, `\\`, `\$` …), and `$VAR` / `${VAR}` / `${VAR:-d}` / `${VAR-d}` /
//! `${VAR:+a}` / `${VAR:?err}` interpolation from the process environment, then earlier keys.
//! `$$` is a literal `$`; a `$` not followed by a name is kept; a malformed `${` fails the file.

use super::{Budget, Entry, Env, LineCounter, LoadError, Parsed, TOO_LARGE, TooLarge, line_at};
use rustc_hash::FxHashMap as BTreeMap;

/// compose-go's isSpace: blanks that are not line breaks.
fn blank(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

struct Fatal(usize, String);

/// Go strings are bytes: compose keeps bytes that are not UTF-8 as they are, where this text has
/// U+FFFD, so such values are unresolved.
const NOT_UTF8: &str = "byte sequence that is not UTF-8, which compose passes on as it is";

pub fn parse<'a>(bytes: &'a [u8], env: &Env) -> Parsed<'a> {
    let utf8 = std::str::from_utf8(bytes).is_ok();
    let mut parsed = super::with_text(super::lossy(bytes), |text| parse_text(text, env));
    if !utf8 {
        for e in &mut parsed.entries {
            if e.unresolved.is_none() && e.value.contains('\u{fffd}') {
                e.unresolved = Some(NOT_UTF8);
            }
        }
    }
    parsed
}

/// Keys set so far (`None`: its expansion went past authdoctor's bounds), and the file's budget.
struct Vars<'e> {
    env: &'e Env,
    set: BTreeMap<String, Option<String>>,
    budget: Budget,
}

fn parse_text<'a>(text: &'a str, env: &Env) -> Parsed<'a> {
    let src = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - src.len();
    let mut out = Vars {
        env,
        set: BTreeMap::default(),
        budget: Budget::for_file(text.len()),
    };
    let mut entries = Vec::new();
    match run(src, &mut out, &mut entries) {
        Ok(()) => Parsed {
            entries,
            errors: Vec::new(),
        },
        Err(Fatal(offset, message)) => Parsed {
            entries: Vec::new(),
            errors: vec![LoadError {
                line: line_at(text, offset + bom),
                message,
                fatal: true,
            }],
        },
    }
}

fn run<'a>(src: &'a str, out: &mut Vars, entries: &mut Vec<Entry<'a>>) -> Result<(), Fatal> {
    let env = out.env;
    let lines = LineCounter::new(src);
    // Earlier values are read only to substitute `$NAME`.
    let substitutes = src.contains('$');
    let mut pos = 0;
    loop {
        // getStatementStart: skip whitespace and comment lines.
        loop {
            let rest = &src[pos..];
            let Some(skip) = rest.find(|c: char| !c.is_whitespace()) else {
                return Ok(());
            };
            pos += skip;
            if !src[pos..].starts_with('#') {
                break;
            }
            match src[pos..].find('\n') {
                Some(nl) => pos += nl,
                None => return Ok(()),
            }
        }
        let stmt = pos;
        // A plain `NAME=value` line is that assignment, as written (see `super::plain_line`).
        if let Some((k, v, next)) = super::plain_line(src.as_bytes(), stmt) {
            let (key, value) = (&src[k], &src[v]);
            if substitutes {
                out.set.insert(key.to_string(), Some(value.to_string()));
            }
            entries.push(Entry::new(key, value, lines.at(stmt)));
            pos = next.min(src.len());
            continue;
        }
        // locateKeyName
        let mut s = &src[pos..];
        if let Some(after) = s.strip_prefix("export")
            && after.starts_with([' ', '\t', '\n', '\x0c', '\r'])
        {
            let t = after.trim_start_matches(blank);
            pos += s.len() - t.len();
            s = t;
        }
        let mut key_end = None;
        let mut inherited = false;
        for (i, c) in s.char_indices() {
            if blank(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    key_end = Some(i);
                    inherited = c == '\n';
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if c.is_alphanumeric() => {}
                _ => {
                    return Err(Fatal(
                        pos + i,
                        "unexpected character in a variable name: compose refuses the file".into(),
                    ));
                }
            }
        }
        let (key, after_key) = match key_end {
            Some(i) => (&s[..i], i + 1),
            // The last statement has no `=` and no newline: compose reads it as an empty key.
            None => ("", 0),
        };
        let key = key.trim_end_matches(char::is_whitespace).to_string();
        if key.contains(' ') {
            return Err(Fatal(
                stmt,
                "a variable name contains a space: compose refuses the file".into(),
            ));
        }
        let rest = &s[after_key..];
        let value_start = rest.len() - rest.trim_start_matches(blank).len();
        pos += after_key + value_start;
        if inherited {
            if let Some(v) = env.get(&key) {
                out.set.insert(key.clone(), Some(v.clone()));
                entries.push(Entry::new(key, v.clone(), lines.at(stmt)));
            }
            continue;
        }
        let (value, consumed) = extract_value(&src[pos..], out).map_err(|m| Fatal(pos, m))?;
        pos += consumed;
        if !key.is_empty() {
            let mut e = match value {
                Ok(value) => {
                    out.set.insert(key.clone(), Some(value.clone()));
                    Entry::new(key, value, lines.at(stmt))
                }
                Err(TooLarge) => {
                    out.set.insert(key.clone(), None);
                    let mut e = Entry::new(key, "", lines.at(stmt));
                    e.unresolved = Some(TOO_LARGE);
                    e
                }
            };
            e.line = lines.at(stmt);
            entries.push(e);
        }
    }
}

/// The value at the start of `s` (Err(TooLarge) past authdoctor's bounds), and how many bytes it
/// used; Err(message) when compose refuses the file.
fn extract_value(s: &str, out: &Vars) -> Result<(Result<String, TooLarge>, usize), String> {
    let quote = match s.as_bytes().first() {
        Some(b'"') => b'"',
        Some(b'\'') => b'\'',
        _ => {
            let (line, used) = match s.find('\n') {
                Some(n) => (&s[..n], n + 1),
                None => (s, s.len()),
            };
            let value = line
                .split(" #")
                .next()
                .unwrap_or("")
                .trim_end_matches(char::is_whitespace);
            return Ok((substitute(value, &lookup(out), &out.budget, 0)?, used));
        }
    };
    let b = s.as_bytes();
    let mut chars = Vec::new();
    let mut escaped = false;
    for (i, &c) in b.iter().enumerate().skip(1) {
        if c != quote {
            if !escaped && c == b'\\' {
                escaped = true;
                continue;
            }
            if escaped {
                escaped = false;
                chars.push(b'\\');
            }
            chars.push(c);
            continue;
        }
        if escaped {
            escaped = false;
            chars.push(c);
            continue;
        }
        let value = String::from_utf8_lossy(&chars).into_owned();
        let value = if quote == b'"' {
            substitute(&expand_escapes(&value), &lookup(out), &out.budget, 0)?
        } else {
            Ok(value)
        };
        return Ok((value, i + 1));
    }
    Err("unterminated quoted value: compose refuses the file".into())
}

/// `(\\(?:[abcfnrtv$"\\]|0\d{0,3}))` unquoted as Go's `strconv.UnquoteChar` does; `\$` becomes `$$`.
fn expand_escapes(s: &str) -> String {
    let mut out = String::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' && i + 1 < b.len() {
            let n = b[i + 1];
            let simple = match n {
                'a' => Some("\x07"),
                'b' => Some("\x08"),
                'f' => Some("\x0c"),
                'n' => Some("\n"),
                'r' => Some("\r"),
                't' => Some("\t"),
                'v' => Some("\x0b"),
                '"' => Some("\""),
                '\\' => Some("\\"),
                '$' => Some("$$"),
                // `\c` matches the pattern but is no Go escape: kept as written.
                'c' => Some("\\c"),
                _ => None,
            };
            if let Some(r) = simple {
                out.push_str(r);
                i += 2;
                continue;
            }
            if n == '0' {
                let digits: String = b[i + 2..].iter().take(3).take_while(|c| c.is_ascii_digit()).collect();
                // `\0123` → `\123`, an octal escape.
                if digits.len() == 3
                    && let Ok(v) = u32::from_str_radix(&digits, 8)
                    && v <= 255
                    && let Some(c) = char::from_u32(v)
                {
                    out.push(c);
                    i += 2 + 3;
                    continue;
                }
                // compose-go rewrites `\0` to `\` before Go's UnquoteChar, and keeps that text
                // when UnquoteChar refuses it: a lone `\0` becomes `\`, `\0777` becomes `\777`.
                out.push('\\');
                out.push_str(&digits);
                i += 2 + digits.len();
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// A name's value: the process environment first, then the file's earlier keys.
fn lookup<'a>(out: &'a Vars) -> impl Fn(&str) -> Result<Option<String>, TooLarge> + 'a {
    move |k: &str| match out.env.get(k) {
        Some(v) => Ok(Some(v.clone())),
        None => match out.set.get(k) {
            Some(Some(v)) => Ok(Some(v.clone())),
            Some(None) => Err(TooLarge),
            None => Ok(None),
        },
    }
}

fn name_len(s: &str) -> usize {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_alphabetic() || b[0] == b'_') {
        return 0;
    }
    b.iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count()
}

/// Index of the `}` closing the `{` after `$`, counted as compose's getFirstBraceClosingIndex does.
fn closing_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut open = 0i32;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'}' {
            open -= 1;
            if open == 0 {
                return Some(i);
            }
        }
        if b[i] == b'{' {
            open += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

type Map<'m> = dyn Fn(&str) -> Result<Option<String>, TooLarge> + 'm;

/// compose-go `template.Substitute`: Err(message) when compose refuses the file, Ok(Err(TooLarge))
/// past authdoctor's bounds (`depth` counts nested defaults).
fn substitute(s: &str, map: &Map, budget: &Budget, depth: usize) -> Result<Result<String, TooLarge>, String> {
    if Budget::depth(depth).and_then(|()| budget.spend(s.len())).is_err() {
        return Ok(Err(TooLarge));
    }
    let mut out = String::new();
    let mut i = 0;
    // `?` on a lookup or a nested substitution: a refusal or a bound ends this one too.
    macro_rules! bounded {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(TooLarge) => return Ok(Err(TooLarge)),
            }
        };
    }
    while let Some(off) = s[i..].find('$') {
        let at = i + off;
        out.push_str(&s[i..at]);
        let rest = &s[at + 1..];
        if rest.starts_with('$') {
            out.push('$');
            i = at + 2;
            continue;
        }
        let n = name_len(rest);
        if n > 0 {
            let v = bounded!(map(&rest[..n])).unwrap_or_default();
            out.push_str(&v);
            bounded!(budget.append(out.len(), v.len()));
            i = at + 1 + n;
            continue;
        }
        if !rest.starts_with('{') {
            out.push('$');
            i = at + 1;
            continue;
        }
        let inner = &rest[1..];
        let n = name_len(inner);
        let invalid = || Err("invalid ${…} reference: compose refuses the file".to_string());
        if n == 0 {
            return invalid();
        }
        let name = &inner[..n];
        let after = &inner[n..];
        if after.starts_with('}') {
            let v = bounded!(map(name)).unwrap_or_default();
            out.push_str(&v);
            bounded!(budget.append(out.len(), v.len()));
            i = at + 2 + n + 1;
            continue;
        }
        let op = [":?", ":-", ":+", "?", "-", "+"]
            .into_iter()
            .find(|o| after.starts_with(o));
        // The braced pattern needs an operator and a `}` later on the same line.
        let line_end = s[at..].find('\n').map(|x| at + x).unwrap_or(s.len());
        let (Some(op), true) = (op, s[at..line_end].contains('}')) else {
            return invalid();
        };
        let Some(close) = closing_brace(&s[at..line_end]) else {
            return invalid();
        };
        let arg_start = at + 2 + n + op.len();
        let arg = &s[arg_start.min(at + close)..at + close];
        let value = bounded!(map(name));
        let nested = || -> Result<Result<String, TooLarge>, String> { substitute(arg, map, budget, depth + 1) };
        let replaced = match op {
            ":-" => match value.filter(|v| !v.is_empty()) {
                Some(v) => v,
                None => bounded!(nested()?),
            },
            "-" => match value {
                Some(v) => v,
                None => bounded!(nested()?),
            },
            ":+" => match value {
                Some(v) if !v.is_empty() => bounded!(nested()?),
                v => v.unwrap_or_default(),
            },
            "+" => match value {
                Some(_) => bounded!(nested()?),
                None => String::new(),
            },
            ":?" => match value.filter(|v| !v.is_empty()) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "required variable {name} is missing a value: compose refuses the file"
                    ));
                }
            },
            _ => match value {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "required variable {name} is missing a value: compose refuses the file"
                    ));
                }
            },
        };
        out.push_str(&replaced);
        bounded!(budget.append(out.len(), replaced.len()));
        i = at + close + 1;
    }
    out.push_str(&s[i..]);
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(s: &str, env: &[(&str, &str)]) -> Vec<(String, String)> {
        let env: Env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let p = parse(s.as_bytes(), &env);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        p.entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    // Cases after compose-go dotenv/godotenv_test.go and godotenv_var_expansion_test.go.
    #[test]
    fn cases_from_compose_go_tests() {
        assert_eq!(
            get("OPTION_A=1\nOPTION_B=2 # comment\nOPTION_C=x#y\n", &[]),
            kv(&[("OPTION_A", "1"), ("OPTION_B", "2"), ("OPTION_C", "x#y")])
        );
        assert_eq!(
            get("A='single $X'\nB=\"double\\nline\"\n", &[("X", "x")]),
            kv(&[("A", "single $X"), ("B", "double\nline")])
        );
        assert_eq!(get("export A=b\nC: d\n", &[]), kv(&[("A", "b"), ("C", "d")]));
        assert_eq!(
            get("A=x\nB=${A}-$A-${NOPE:-def}-${NOPE-d2}-$$A\n", &[]),
            kv(&[("A", "x"), ("B", "x-x-def-d2-$A")])
        );
        assert_eq!(get("A=\"esc \\$HOME\"\n", &[("HOME", "/h")]), kv(&[("A", "esc $HOME")]));
        assert_eq!(get("H=$2b$10$abc\n", &[]), kv(&[("H", "$2b$10")]));
        assert_eq!(get("A=${X:+alt}|${Y:+alt}\n", &[("X", "1")]), kv(&[("A", "alt|")]));
        assert_eq!(
            get("INHERIT\nA=1\n", &[("INHERIT", "from-env")]),
            kv(&[("INHERIT", "from-env"), ("A", "1")])
        );
    }

    #[test]
    fn expansion_past_the_bounds_is_too_large() {
        let chain: String = (1..=40).map(|i| format!("K{i}=$K{0}$K{0}\n", i - 1)).collect();
        let text = format!("K0=x\n{chain}B=ok\n");
        let p = parse(text.as_bytes(), &Env::new());
        assert!(p.errors.is_empty());
        let get = |k: &str| p.entries.iter().find(|e| e.key == k).expect("key");
        assert_eq!(get("K3").value, "xxxxxxxx");
        assert_eq!(get("K40").unresolved, Some(TOO_LARGE));
        assert_eq!(get("B").value, "ok");
        // Nested defaults past MAX_DEPTH, and a 300-byte file of them.
        let nested = format!("A={}x{}\n", "${A-".repeat(100), "}".repeat(100));
        let p = parse(nested.as_bytes(), &Env::new());
        assert_eq!(p.entries[0].unresolved, Some(TOO_LARGE));
        let nested = format!("A={}x{}\n", "${A-".repeat(20), "}".repeat(20));
        assert_eq!(get_one(&nested), "x");
    }

    fn get_one(s: &str) -> String {
        parse(s.as_bytes(), &Env::new()).entries[0].value.to_string()
    }

    /// compose-go `dotenv/parser.go` expandEscapes: `\0` is rewritten to `\` before Go's
    /// `strconv.UnquoteChar`, whose refusal keeps the rewritten text.
    #[test]
    fn octal_escapes_in_double_quotes() {
        assert_eq!(get_one("A=\"x\\0y\"\n"), "x\\y");
        assert_eq!(get_one("A=\"\\0123\"\n"), "S");
        assert_eq!(get_one("A=\"\\01\"\n"), "\\1");
        assert_eq!(get_one("A=\"\\0777\"\n"), "\\777");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_unresolved() {
        let p = parse(b"A=caf\xe9\nB=ok\n", &Env::new());
        assert!(p.entries[0].unresolved.is_some());
        assert!(p.entries[1].unresolved.is_none());
    }

    #[test]
    fn fatal_errors() {
        for bad in ["A=\"open\n", "A=${\n", "A=${X:?needed}\n", "BAD KEY=x\n", "A!B=c\n"] {
            let p = parse(bad.as_bytes(), &Env::new());
            assert!(p.errors.first().is_some_and(|e| e.fatal), "{bad}");
        }
    }
}
