//! The Rust crate dotenvy 0.15 (`dotenvy::dotenv()`): physical lines joined while a quote is open,
//! a line comment only after whitespace, `\` escapes limited to `\\ \' \" \$ \space \n`, `$NAME`
//! and `${NAME}` substitution from the process environment first. The first error stops the load
//! (what came before is set), and because a variable already set is never overwritten, the FIRST
//! definition of a repeated key wins. Checked against the real crate by a property test.

use super::{Budget, Entry, Env, LoadError, Parsed, TOO_LARGE, TooLarge};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Complete,
    Escape,
    Strong,
    StrongEscape,
    Weak,
    WeakEscape,
    Comment,
    White,
}

/// Run the line-joining state machine over one physical line; Some(pos) when a comment starts.
fn scan(mut st: State, chunk: &str) -> (State, Option<usize>) {
    for (pos, c) in chunk.char_indices() {
        st = match st {
            State::White => match c {
                '#' => return (State::Comment, Some(pos)),
                '\\' => State::Escape,
                '"' => State::Weak,
                '\'' => State::Strong,
                _ => State::Complete,
            },
            State::Escape => State::Complete,
            State::Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => State::White,
                '\\' => State::Escape,
                '"' => State::Weak,
                '\'' => State::Strong,
                _ => State::Complete,
            },
            State::Weak => match c {
                '\\' => State::WeakEscape,
                '"' => State::Complete,
                _ => State::Weak,
            },
            State::WeakEscape => State::Weak,
            State::Strong => match c {
                '\\' => State::StrongEscape,
                '\'' => State::Complete,
                _ => State::Strong,
            },
            State::StrongEscape => State::Strong,
            State::Comment => return (State::Comment, None),
        };
    }
    (st, None)
}

/// Logical lines (slices of `text`: physical lines are contiguous, so no copy is needed) with the
/// physical line each starts on; Err(line) for an unfinished one at EOF.
fn logical_lines(text: &str) -> Vec<Result<(&str, usize), usize>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    while pos < text.len() {
        let start_line = line;
        let start = pos;
        // A plain `NAME=value` line is one logical line as it is (no quote, escape or comment).
        if let Some((_, value, next)) = super::plain_line(text.as_bytes(), pos) {
            out.push(Ok((&text[pos..value.end], start_line)));
            pos = next;
            line += 1;
            continue;
        }
        let mut st = State::Complete;
        loop {
            if pos >= text.len() {
                out.push(Err(start_line));
                return out;
            }
            let end = text[pos..].find('\n').map_or(text.len(), |n| pos + n + 1);
            let chunk_start = pos;
            pos = end;
            line += 1;
            if text[start..end].trim_start().starts_with('#') {
                out.push(Ok(("", start_line)));
                break;
            }
            let (next, comment) = scan(st, &text[chunk_start..end]);
            st = next;
            match st {
                State::Complete => {
                    let mut l = &text[start..end];
                    if let Some(x) = l.strip_suffix('\n') {
                        l = x.strip_suffix('\r').unwrap_or(x);
                    }
                    out.push(Ok((l, start_line)));
                    break;
                }
                State::Comment => {
                    out.push(Ok((&text[start..chunk_start + comment.unwrap_or(0)], start_line)));
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

struct Vars<'a> {
    env: &'a Env,
    /// Variables a load has set so far (first definition wins), layered over `env`.
    set: HashMap<String, String>,
    data: HashMap<String, Option<String>>,
    /// Keys whose expansion went past authdoctor's bounds, and the file's budget.
    too_large: rustc_hash::FxHashSet<String>,
    budget: Budget,
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Result<String, TooLarge> {
        if let Some(v) = self.env.get(name) {
            return Ok(v.clone());
        }
        if self.too_large.contains(name) {
            return Err(TooLarge);
        }
        if let Some(v) = self.set.get(name) {
            return Ok(v.clone());
        }
        Ok(self.data.get(name).cloned().flatten().unwrap_or_default())
    }

    /// `out` grown by the value of `name`.
    fn push(&self, out: &mut String, name: &str) -> Result<(), Bad> {
        let v = self.get(name).map_err(|TooLarge| Bad::TooLarge)?;
        out.push_str(&v);
        self.budget.append(out.len(), v.len()).map_err(|TooLarge| Bad::TooLarge)
    }
}

/// Why a value was not read: dotenvy's LineParse error, or authdoctor's bounds.
enum Bad {
    Parse,
    TooLarge,
}

enum Sub {
    None,
    Block,
    Braced,
}

fn parse_value(input: &str, vars: &Vars) -> Result<String, Bad> {
    let (mut strong, mut weak, mut escaped, mut expecting_end) = (false, false, false, false);
    let mut out = String::with_capacity(input.len());
    let mut sub = Sub::None;
    let mut name = String::new();
    for c in input.chars() {
        if expecting_end {
            if c == ' ' || c == '\t' {
                continue;
            } else if c == '#' {
                break;
            }
            return Err(Bad::Parse);
        } else if escaped {
            match c {
                '\\' | '\'' | '"' | '$' | ' ' => out.push(c),
                'n' => out.push('\n'),
                _ => return Err(Bad::Parse),
            }
            escaped = false;
        } else if strong {
            if c == '\'' {
                strong = false;
            } else {
                out.push(c);
            }
        } else if !matches!(sub, Sub::None) {
            if c.is_alphanumeric() {
                name.push(c);
            } else if matches!(sub, Sub::Block) {
                if c == '{' && name.is_empty() {
                    sub = Sub::Braced;
                } else {
                    vars.push(&mut out, &std::mem::take(&mut name))?;
                    if c == '$' {
                        sub = Sub::Block;
                    } else {
                        sub = Sub::None;
                        out.push(c);
                    }
                }
            } else if c == '}' {
                sub = Sub::None;
                vars.push(&mut out, &std::mem::take(&mut name))?;
            } else {
                name.push(c);
            }
        } else if c == '$' {
            sub = Sub::Block;
        } else if weak {
            if c == '"' {
                weak = false;
            } else if c == '\\' {
                escaped = true;
            } else {
                out.push(c);
            }
        } else if c == '\'' {
            strong = true;
        } else if c == '"' {
            weak = true;
        } else if c == '\\' {
            escaped = true;
        } else if c == ' ' || c == '\t' {
            expecting_end = true;
        } else {
            out.push(c);
        }
    }
    if matches!(sub, Sub::Braced) || strong || weak {
        return Err(Bad::Parse);
    }
    vars.push(&mut out, &name)?;
    Ok(out)
}

fn parse_key(s: &str) -> Option<(String, &str)> {
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let n = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(s.len());
    Some((s[..n].to_string(), &s[n..]))
}

/// A key and its value (None: no value; Err: too large to expand).
type Line = (String, Option<Result<String, TooLarge>>);

/// Ok(None) for blank and comment lines, Err(()) for a line dotenvy rejects.
fn parse_line(line: &str, vars: &Vars) -> Result<Option<Line>, ()> {
    let s = line.trim_end().trim_start();
    if s.is_empty() || s.starts_with('#') {
        return Ok(None);
    }
    let (mut key, mut rest) = parse_key(s).ok_or(())?;
    rest = rest.trim_start();
    if key == "export" && !rest.starts_with('=') {
        let (k, r) = parse_key(rest).ok_or(())?;
        key = k;
        rest = r.trim_start();
    }
    rest = rest.strip_prefix('=').ok_or(())?.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        return Ok(Some((key, None)));
    }
    match parse_value(rest, vars) {
        Ok(v) => Ok(Some((key, Some(Ok(v))))),
        Err(Bad::TooLarge) => Ok(Some((key, Some(Err(TooLarge))))),
        Err(Bad::Parse) => Err(()),
    }
}

/// `dotenvy::from_read_iter` semantics (no BOM removal, no environment writes) when `load` is
/// false; `dotenvy::dotenv()` semantics when true.
///
/// dotenvy reads physical lines with `BufRead::read_line`, which fails on a line that is not UTF-8:
/// the load stops there (what came before it stays set).
pub fn run<'a>(bytes: &'a [u8], env: &Env, load: bool) -> Parsed<'a> {
    let bad = match std::str::from_utf8(bytes) {
        Ok(text) => return run_text(text, env, load),
        Err(e) => e.valid_up_to(),
    };
    let line_start = bytes[..bad].iter().rposition(|b| *b == b'\n').map_or(0, |n| n + 1);
    // Everything before that line is valid UTF-8.
    let before = std::str::from_utf8(&bytes[..line_start]).unwrap_or_default();
    let mut parsed = run_text(before, env, load);
    if parsed.errors.is_empty() {
        let line = 1 + before.matches('\n').count();
        parsed.errors.push(LoadError {
            line,
            message: "not valid UTF-8: dotenvy's line reader fails here, and later lines are not loaded".into(),
            fatal: false,
        });
    }
    parsed
}

fn run_text<'a>(original: &'a str, env: &Env, load: bool) -> Parsed<'a> {
    let text: &str = if load {
        original.strip_prefix('\u{feff}').unwrap_or(original)
    } else {
        original
    };
    let mut vars = Vars {
        env,
        set: HashMap::default(),
        data: HashMap::default(),
        too_large: Default::default(),
        budget: Budget::for_file(text.len()),
    };
    let mut entries = Vec::new();
    // Variables are only ever read to substitute `$NAME`: without a `$` in the file they need not
    // be recorded.
    let substitutes = text.contains('$');
    for item in logical_lines(text) {
        let (line, n) = match item {
            Ok(x) => x,
            Err(n) => {
                return Parsed {
                    entries,
                    errors: vec![error(n)],
                };
            }
        };
        // A plain line reads as written (see `super::plain_line`), without the general parser.
        let mut too_large = false;
        let (key, value): (Cow<str>, Option<Cow<str>>) = match super::plain_line(line.as_bytes(), 0) {
            Some((k, v, _)) if v.end == line.len() => (line[k].into(), Some(line[v].into())),
            _ => match parse_line(line, &vars) {
                Ok(None) => continue,
                Ok(Some((key, Some(Err(TooLarge))))) => {
                    too_large = true;
                    (key.into(), None)
                }
                Ok(Some((key, value))) => (key.into(), value.map(|v| Cow::Owned(v.unwrap_or_default()))),
                Err(()) => {
                    return Parsed {
                        entries,
                        errors: vec![error(n)],
                    };
                }
            },
        };
        let v = value.clone().unwrap_or_default();
        if substitutes {
            let first =
                !vars.env.contains_key(&*key) && !vars.set.contains_key(&*key) && !vars.too_large.contains(&*key);
            if too_large {
                // Loading: only a first definition sets the variable; parsing: the latest counts.
                if !load || first {
                    vars.too_large.insert(key.to_string());
                }
            } else {
                if load && first {
                    vars.set.insert(key.to_string(), v.to_string());
                }
                if !load {
                    vars.too_large.remove(&*key);
                }
            }
            vars.data.insert(key.to_string(), value.map(Cow::into_owned));
        }
        let mut e = Entry::new(key, v, n);
        if too_large {
            e.unresolved = Some(TOO_LARGE);
        }
        entries.push(e);
    }
    Parsed {
        entries,
        errors: Vec::new(),
    }
}

fn error(line: usize) -> LoadError {
    LoadError {
        line,
        message: "dotenvy stops here with a LineParse error; later lines are not loaded".into(),
        fatal: false,
    }
}

pub fn parse<'a>(bytes: &'a [u8], env: &Env) -> Parsed<'a> {
    run(bytes, env, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(s: &str) -> Vec<(String, String)> {
        run(s.as_bytes(), &Env::new(), false)
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    // The cases of dotenvy 0.15's own test_parse_line_env.
    #[test]
    fn cases_from_dotenvy_tests() {
        let t = "\nKEY=1\nKEY2=\"2\"\nKEY3='3'\nKEY4='fo ur'\nKEY5=\"fi ve\"\nKEY6=s\\ ix\nKEY7=\nKEY8=     \nKEY9=   # foo\nKEY10  =\"whitespace before =\"\nKEY11=    \"whitespace after =\"\nexport=\"export as key\"\nexport   SHELL_LOVER=1\n";
        let want = [
            ("KEY", "1"),
            ("KEY2", "2"),
            ("KEY3", "3"),
            ("KEY4", "fo ur"),
            ("KEY5", "fi ve"),
            ("KEY6", "s ix"),
            ("KEY7", ""),
            ("KEY8", ""),
            ("KEY9", ""),
            ("KEY10", "whitespace before ="),
            ("KEY11", "whitespace after ="),
            ("export", "export as key"),
            ("SHELL_LOVER", "1"),
        ];
        let got = get(t);
        assert_eq!(
            got,
            want.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        );
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

    /// Recorded with the real crate (tests/it/dotenvy_prop.rs holds the emulation to it).
    #[test]
    fn stops_at_the_first_line_that_is_not_utf8() {
        let p = parse(b"A=1\nB=caf\xe9\nC=3\n", &Env::new());
        assert_eq!(p.entries.iter().map(|e| &*e.key).collect::<Vec<_>>(), vec!["A"]);
        assert_eq!(p.errors[0].line, 2);
        // A quoted value open across the bad line is not loaded either.
        let p = parse(b"A=1\nB=\"x\ny\xff\"\nC=3\n", &Env::new());
        assert_eq!(p.entries.iter().map(|e| &*e.key).collect::<Vec<_>>(), vec!["A"]);
    }

    #[test]
    fn first_definition_wins_when_loading() {
        let p = parse(b"A=1\nA=2\nB=$A\n", &Env::new());
        assert_eq!(
            crate::dotenv::Loader::Dotenvy.lookup(&p, "A").map(|e| &*e.value),
            Some("1")
        );
        assert_eq!(
            crate::dotenv::Loader::Dotenvy.lookup(&p, "B").map(|e| &*e.value),
            Some("1")
        );
    }
}
