//! bkeepers/dotenv 3.2.0 (Ruby) `Dotenv::Parser`, read from its source (`lib/dotenv/parser.rb`,
//! `substitutions/`, `environment.rb`): the file is read with `rb:bom|utf-8` (a BOM is dropped, and
//! a byte that is not UTF-8 makes the first `gsub` raise, so nothing loads), CR LF and lone CR become
//! LF, then the LINE regex is scanned over the whole text. Its separator and value are optional: a
//! bare `KEY` line sets `""`, and `export KEY` without a value raises FormatError unless KEY was set
//! above. A key already in the process environment keeps that value. Quotes are stripped, `\x`
//! unescaped (but `\n` stays two characters unless DOTENV_LINEBREAK_MODE=legacy), `$VAR` / `${VAR}`
//! substituted from the file's earlier keys first, then the environment. `$(command)` is run by Ruby;
//! authdoctor never runs it and marks the value unresolved.

use super::{Budget, Entry, Env, LineCounter, LoadError, Parsed, TOO_LARGE, TooLarge};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

pub(crate) fn line_regex() -> &'static regex::bytes::Regex {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Ruby's \s is ASCII [ \t\r\n\f\v]; \w is ASCII; `.` stops at LF. Group 1 is the key, 2 the
        // value (node's `assignments` reads them); `export` is found from the text before the key.
        let s = r"[ \t\r\n\x0C\x0B]";
        let pattern = format!(
            r#"(?m-u)(?:^|\A){s}*(?:export{s}+)?([A-Za-z0-9_.]+)(?:(?:{s}*={s}*?|:{s}+?)({s}*'(?:\\'|[^'])*'|{s}*"(?:\\"|[^"])*"|[^#\n]+)?)?{s}*(?:#[^\n]*)?(?:$|\z)"#
        );
        regex::bytes::Regex::new(&pattern).unwrap_or_else(|e| panic!("ruby LINE regex does not compile: {e}"))
    })
}

fn variable_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // (\\)?(\$)(?!\()\{?([A-Z0-9_]+)?\}? — the lookahead is checked by hand below.
    RE.get_or_init(|| Regex::new(r"(?i)(\\)?(\$)(\{)?([A-Z0-9_]+)?(\})?").unwrap_or_else(|e| panic!("{e}")))
}

/// Ruby's String#strip: whitespace and NUL at both ends.
fn ruby_strip(s: &str) -> &str {
    s.trim_matches(|c: char| matches!(c, '\0' | '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' '))
}

/// `gsub(/\\([^$])/, '\1')`: drop a backslash before anything but `$`.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && n != '$'
        {
            out.push(n);
            chars.next();
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Keys set so far and their values (`None`: its expansion went past authdoctor's bounds).
type Hash<'a> = rustc_hash::FxHashMap<&'a str, Option<Cow<'a, str>>>;

/// `Substitutions::Variable`: `env[name] || ENV[name] || ""` — the file's keys first.
fn substitute_variables(value: &str, hash: &Hash, env: &Env, budget: &Budget) -> Result<String, TooLarge> {
    budget.spend(value.len())?;
    let mut out = String::new();
    let mut last = 0;
    for caps in variable_regex().captures_iter(value) {
        let Some(m) = caps.get(0) else { continue };
        let dollar_end = caps.get(2).map(|d| d.end()).unwrap_or(m.end());
        // (?!\() right after the `$`: no match there at all.
        if value[dollar_end..].starts_with('(') {
            continue;
        }
        out.push_str(&value[last..m.start()]);
        let text = m.as_str();
        if caps.get(1).is_some() {
            out.push_str(&text[1..]);
        } else if let Some(name) = caps.get(4) {
            let name = name.as_str();
            let v = match hash.get(name) {
                Some(Some(v)) => Some(&**v),
                Some(None) => return Err(TooLarge),
                None => env.get(name).map(String::as_str),
            };
            let v = v.unwrap_or_default();
            out.push_str(v);
            budget.append(out.len(), v.len())?;
        } else {
            out.push_str(text);
        }
        last = m.end();
    }
    out.push_str(&value[last..]);
    Ok(out)
}

/// `(\\)?\$\((balanced)\)`: an escaped one loses its backslash; an unescaped one is a command
/// Ruby would run. Returns the value and whether a command is left in it.
fn commands(value: &str) -> (String, bool) {
    let b = value.as_bytes();
    let mut out = String::new();
    let mut found = false;
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'(') {
            let mut depth = 0;
            let close = (i + 1..b.len()).find(|&j| {
                match b[j] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            });
            if let Some(end) = close.filter(|&e| e > i + 2) {
                if i > 0 && b[i - 1] == b'\\' {
                    out.push_str(&value[last..i - 1]);
                    last = i;
                } else {
                    found = true;
                }
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&value[last..]);
    (out, found)
}

pub fn parse<'a>(bytes: &'a [u8], env: &Env) -> Parsed<'a> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
            return Parsed {
                entries: Vec::new(),
                errors: vec![LoadError {
                    line,
                    message: "not valid UTF-8: Ruby raises ArgumentError (invalid byte sequence in UTF-8) and dotenv loads nothing"
                        .into(),
                    fatal: true,
                }],
            };
        }
    };
    // File.open(f, "rb:bom|utf-8")
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    super::with_text(super::lf_only(text), |text| parse_lf(text, env))
}

fn parse_lf<'a>(text: &'a str, env: &Env) -> Parsed<'a> {
    let lines = LineCounter::new(text);
    let mut hash: Hash = Hash::default();
    let mut entries: Vec<Entry> = Vec::new();
    let budget = Budget::for_file(text.len());
    for (key, value, span) in super::node::assignments(line_regex(), text, Some(false)) {
        let line = lines.at(key.start);
        let exported = text[span.start..key.start]
            .trim_start_matches(is_ruby_space)
            .starts_with("export");
        let key = &text[key];
        // existing?(key): a variable already set keeps its value (Dotenv.load does not overwrite).
        if key != "DOTENV_LINEBREAK_MODE"
            && let Some(v) = env.get(key)
        {
            hash.insert(key, Some(Cow::Owned(v.clone())));
            entries.push(Entry::new(key, v.clone(), line));
            continue;
        }
        let Some(value) = value else {
            if exported && !hash.contains_key(key) {
                return Parsed {
                    entries: Vec::new(),
                    errors: vec![LoadError {
                        line,
                        message: "`export KEY` with no value names a variable not set above: Dotenv raises FormatError and loads nothing".into(),
                        fatal: true,
                    }],
                };
            }
            if !exported {
                hash.insert(key, Some(Cow::Borrowed("")));
                entries.push(Entry::new(key, "", line));
            }
            continue;
        };
        let (value, unresolved) = parse_value(&text[value], &hash, env, &budget);
        match unresolved {
            Some(TOO_LARGE) => {
                hash.insert(key, None);
            }
            _ => {
                hash.insert(key, Some(value.clone()));
            }
        }
        let mut e = Entry::new(key, value, line);
        e.unresolved = unresolved;
        entries.push(e);
    }
    Parsed {
        entries,
        errors: Vec::new(),
    }
}

fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c')
}

/// `parse_value`: the value, and why it is unresolved if it is.
fn parse_value<'a>(raw: &'a str, hash: &Hash, env: &Env, budget: &Budget) -> (Cow<'a, str>, Option<&'static str>) {
    let stripped = ruby_strip(raw);
    // value.sub(/\A(['"])(.*)\1\z/m, '\2')
    let quote = match (stripped.chars().next(), stripped.chars().last()) {
        (Some(q @ ('\'' | '"')), Some(l)) if stripped.len() >= 2 && q == l => Some(q),
        _ => None,
    };
    let inner = if quote.is_some() {
        &stripped[1..stripped.len() - 1]
    } else {
        stripped
    };
    let legacy = match hash.get("DOTENV_LINEBREAK_MODE") {
        Some(v) => v.as_deref(),
        None => env.get("DOTENV_LINEBREAK_MODE").map(String::as_str),
    } == Some("legacy");
    let mut value: Cow<str> = match quote {
        Some('"') => {
            // Non-legacy: `\n` is doubled first, so unescaping leaves the two characters.
            let nl = if legacy {
                inner.replace("\\n", "\n").replace("\\r", "\r")
            } else {
                inner.replace("\\n", "\\\\n").replace("\\r", "\\\\r")
            };
            Cow::Owned(unescape(&nl).into_owned())
        }
        None => unescape(inner),
        _ => Cow::Borrowed(inner),
    };
    let mut unresolved = None;
    if quote != Some('\'') && value.contains('$') {
        let (v, command) = commands(&value);
        match substitute_variables(&v, hash, env, budget) {
            Ok(v) => value = Cow::Owned(v),
            Err(TooLarge) => return (value, Some(TOO_LARGE)),
        }
        if command {
            unresolved = Some("$(command) substitution, which the loader runs and authdoctor does not");
        }
    }
    (value, unresolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(s: &str) -> Vec<(String, String)> {
        let p = parse(s.as_bytes(), &Env::new());
        let mut out: Vec<(String, String)> = Vec::new();
        for e in p.effective() {
            out.retain(|(k, _)| k != &e.key);
            out.push((e.key.to_string(), e.value.to_string()));
        }
        out
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    // Cases from bkeepers/dotenv spec/dotenv/parser_spec.rb (v3.2.0).
    #[test]
    fn cases_from_parser_spec() {
        assert_eq!(env("FOO=bar"), kv(&[("FOO", "bar")]));
        assert_eq!(env("FOO= bar"), kv(&[("FOO", "bar")]));
        assert_eq!(env("FOO=bar\\ bar"), kv(&[("FOO", "bar bar")]));
        assert_eq!(env("FOO =bar"), kv(&[("FOO", "bar")]));
        assert_eq!(env("FOO=bar  "), kv(&[("FOO", "bar")]));
        assert_eq!(env("FOO=\"bar\"  "), kv(&[("FOO", "bar")]));
        assert_eq!(env("FOO='bar'  "), kv(&[("FOO", "bar")]));
        assert_eq!(env("FOO=\"escaped\\\"bar\""), kv(&[("FOO", "escaped\"bar")]));
        assert_eq!(env("FOO=test\nBAR=$FOO"), kv(&[("FOO", "test"), ("BAR", "test")]));
        assert_eq!(
            env("FOO=test\nBAR=${FOO}bar"),
            kv(&[("FOO", "test"), ("BAR", "testbar")])
        );
        assert_eq!(env("BAR=$FOO"), kv(&[("BAR", "")]));
        assert_eq!(env("BAR='quote $FOO'"), kv(&[("BAR", "quote $FOO")]));
        assert_eq!(env("FOO=\"foo\\$BAR\""), kv(&[("FOO", "foo$BAR")]));
        assert_eq!(
            env("FOO=test\nBAR=\"foo\\${FOO} ${FOO}\""),
            kv(&[("FOO", "test"), ("BAR", "foo${FOO} test")])
        );
        assert_eq!(env("OPTION_A: 1"), kv(&[("OPTION_A", "1")]));
        assert_eq!(env("export OPTION_A=2"), kv(&[("OPTION_A", "2")]));
        assert_eq!(env("OPTION_A=2\nexport OPTION_A"), kv(&[("OPTION_A", "2")]));
        assert!(parse(b"OPTION_A=2\nexport OH_NO_NOT_SET", &Env::new()).errors[0].fatal);
        assert_eq!(env("FOO=\"bar\\nbaz\""), kv(&[("FOO", "bar\\nbaz")]));
        assert_eq!(
            env("DOTENV_LINEBREAK_MODE=legacy\nFOO=\"bar\\nbaz\\rfizz\""),
            kv(&[("DOTENV_LINEBREAK_MODE", "legacy"), ("FOO", "bar\nbaz\rfizz")])
        );
        assert_eq!(env("FOO.BAR=foobar"), kv(&[("FOO.BAR", "foobar")]));
        assert_eq!(env("lol$wut"), kv(&[]));
        assert_eq!(env("foo=bar # this is foo"), kv(&[("foo", "bar")]));
        assert_eq!(env("foo=\"bar#baz\" # comment"), kv(&[("foo", "bar#baz")]));
        assert_eq!(env("# HELLO=world\n"), kv(&[]));
        assert_eq!(
            env("export OPTION_B='line 1\nline 2'"),
            kv(&[("OPTION_B", "line 1\nline 2")])
        );
        assert_eq!(env("FOO=bar\rbaz=fbb"), kv(&[("FOO", "bar"), ("baz", "fbb")]));
        assert_eq!(env("FOO=\"bar\\rbaz\""), kv(&[("FOO", "bar\\rbaz")]));
        assert_eq!(env("FOO=\"bar\\$ \\$\\$\""), kv(&[("FOO", "bar$ $$")]));
        assert_eq!(env("FOO=\"bar $ \""), kv(&[("FOO", "bar $ ")]));
        assert_eq!(
            env("echo=escaped-\\$(echo hello)"),
            kv(&[("echo", "escaped-$(echo hello)")])
        );
    }

    /// What 3.2.0 changed from the 2.x parser (`lib/dotenv/parser.rb`, `environment.rb`).
    #[test]
    fn dotenv_3_2_0_behaviours() {
        // A bare KEY line matches LINE without separator or value: parse_value("") is "".
        assert_eq!(env("FOO\nBAR=1"), kv(&[("FOO", ""), ("BAR", "1")]));
        // `export KEY` (or `export KEY=` with nothing after it) names a key not set above: FormatError.
        for text in ["export FOO", "export FOO=", "A=1\nexport FOO\nB=2"] {
            let p = parse(text.as_bytes(), &Env::new());
            assert!(p.errors.first().is_some_and(|e| e.fatal), "{text:?}");
            assert!(p.effective().is_empty());
        }
        assert_eq!(env("FOO=1\nexport FOO"), kv(&[("FOO", "1")]));
        // `export A B` matches no LINE at all: ignored.
        assert_eq!(env("export A B\nC=1"), kv(&[("C", "1")]));
        // rb:bom|utf-8 drops a BOM; a byte that is not UTF-8 makes gsub raise.
        assert_eq!(env("\u{feff}FOO=1"), kv(&[("FOO", "1")]));
        let p = parse(b"A=1\nB=caf\xe9\n", &Env::new());
        assert!(p.errors[0].fatal);
        // Substitution reads the file's keys before the process environment; a key already in the
        // environment keeps that value.
        let e: Env = [("FOO".to_string(), "env".to_string())].into_iter().collect();
        let p = parse(b"FOO=file\nBAR=$FOO\n", &e);
        let got: Vec<_> = p
            .entries
            .iter()
            .map(|x| (x.key.to_string(), x.value.to_string()))
            .collect();
        assert_eq!(got, kv(&[("FOO", "env"), ("BAR", "env")]));
        let e: Env = [("X".to_string(), "env".to_string())].into_iter().collect();
        let p = parse(b"Y=$X\n", &e);
        assert_eq!(p.entries[0].value, "env");
    }

    #[test]
    fn expansion_past_the_bounds_is_too_large() {
        let chain: String = (1..=40).map(|i| format!("K{i}=$K{0}$K{0}\n", i - 1)).collect();
        let text = format!("K0=x\n{chain}B=ok\n");
        let p = parse(text.as_bytes(), &Env::new());
        let get = |k: &str| p.entries.iter().find(|e| e.key == k).expect("key");
        assert_eq!(get("K3").value, "xxxxxxxx");
        assert_eq!(get("K40").unresolved, Some(TOO_LARGE));
        assert_eq!(get("B").value, "ok");
    }

    #[test]
    fn commands_are_reported_not_run() {
        let p = parse(b"echo=$(echo hello)", &Env::new());
        assert!(p.entries[0].unresolved.is_some());
        assert_eq!(p.entries[0].value, "$(echo hello)");
    }
}
