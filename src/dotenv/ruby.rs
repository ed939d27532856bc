//! bkeepers/dotenv 3.x (Ruby) `Dotenv::Parser`: the LINE regex over the whole file, quotes
//! stripped, `\x` unescaped (but `\n` stays two characters unless DOTENV_LINEBREAK_MODE=legacy),
//! `$VAR` / `${VAR}` substituted from ENV first, then earlier keys. `$(command)` is run by Ruby;
//! authdoctor never runs it and marks the value unresolved.

use super::{Entry, Env, LineCounter, LoadError, Parsed};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

pub(crate) fn line_regex() -> &'static regex::bytes::Regex {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Ruby's \s is ASCII [ \t\r\n\f\v]; \w is ASCII; `.` stops at LF.
        let s = r"[ \t\r\n\x0C\x0B]";
        let pattern = format!(
            r#"(?m-u)(?:^|\A){s}*(?:export{s}+)?([A-Za-z0-9_.]+)(?:{s}*={s}*?|:{s}+?)({s}*'(?:\\'|[^'])*'|{s}*"(?:\\"|[^"])*"|[^#\r\n]+)?{s}*(?:#[^\n]*)?(?:$|\z)"#
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

/// Keys set so far and their values.
type Hash<'a> = rustc_hash::FxHashMap<&'a str, Cow<'a, str>>;

fn substitute_variables(value: &str, hash: &Hash, env: &Env) -> String {
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
            // combined_env = env.merge(ENV): the process environment wins.
            let v = env
                .get(name)
                .map(String::as_str)
                .or_else(|| hash.get(name).map(|v| &**v));
            out.push_str(v.unwrap_or_default());
        } else {
            out.push_str(text);
        }
        last = m.end();
    }
    out.push_str(&value[last..]);
    out
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
    super::with_text(super::lossy(bytes), |original| {
        super::with_text(super::lf_only(original), |text| parse_lf(text, env))
    })
}

fn parse_lf<'a>(text: &'a str, env: &Env) -> Parsed<'a> {
    let lines = LineCounter::new(text);
    let mut hash: Hash = Hash::default();
    let mut entries = Vec::new();
    // What the LINE regex does not take, as `text.gsub(LINE, '')` leaves it.
    let mut rest = String::new();
    let mut taken = 0;
    for (key, value, span) in super::node::assignments(line_regex(), text, Some(false)) {
        rest.push_str(&text[taken..span.start]);
        taken = span.end;
        let raw = value.map(|r| &text[r]).unwrap_or("");
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
        let legacy = hash
            .get("DOTENV_LINEBREAK_MODE")
            .map(|v| &**v)
            .or(env.get("DOTENV_LINEBREAK_MODE").map(String::as_str))
            == Some("legacy");
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
            let (v, command) = commands(&substitute_variables(&value, &hash, env));
            value = Cow::Owned(v);
            if command {
                unresolved = Some("$(command) substitution, which Ruby runs and authdoctor does not");
            }
        }
        let line = lines.at(key.start);
        let key = &text[key];
        hash.insert(key, value.clone());
        let mut e = Entry::new(key, value, line);
        e.unresolved = unresolved;
        entries.push(e);
    }
    // Lines the regex did not take: `export NAME` must name a key already set.
    let mut errors = Vec::new();
    rest.push_str(&text[taken..]);
    for line in rest.split(['\n', '\r']).filter(|l| !l.is_empty()) {
        let mut words = line.split_whitespace();
        if words.next() == Some("export") && !words.all(|w| hash.contains_key(w)) {
            errors.push(LoadError {
                line: 0,
                message: "an `export NAME` line names a variable the file never sets: Dotenv raises FormatError".into(),
                fatal: true,
            });
        }
    }
    Parsed { entries, errors }
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

    // Cases from bkeepers/dotenv spec/dotenv/parser_spec.rb (3.x).
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

    #[test]
    fn commands_are_reported_not_run() {
        let p = parse(b"echo=$(echo hello)", &Env::new());
        assert!(p.entries[0].unresolved.is_some());
        assert_eq!(p.entries[0].value, "$(echo hello)");
    }
}
