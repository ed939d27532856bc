//! POSIX sh `set -a; . ./.env`, emulated (never executed): quoting, backslashes, `#` comments,
//! `$NAME` / `${NAME}` / `${NAME:-w}`-style expansion, `export`, several assignments per line.
//! A line that would run a command (`KEY = value` runs `KEY`) is reported and skipped; a command
//! substitution (`$(…)`, backquotes) is reported and left unexpanded; an unterminated quote is a
//! syntax error that makes a script's shell exit. Checked against dash by the recording script.

use super::{Budget, Entry, Env, LoadError, Parsed, Sh, TOO_LARGE};
use std::borrow::Cow;

const COMMAND: &str = "command substitution, which the shell runs and authdoctor does not";
const PARAMETER: &str = "special parameter ($1, $$ …) of the shell that sources the file, unknown here";

struct Lexer<'a> {
    b: &'a [char],
    i: usize,
    line: usize,
    /// Nesting of `${NAME:-word}` words being expanded.
    depth: usize,
}

/// The shell's variables while the file is sourced, keys whose expansion went past authdoctor's
/// bounds, and the file's budget.
struct Ctx {
    vars: Env,
    too_large: rustc_hash::FxHashSet<String>,
    budget: Budget,
}

impl Ctx {
    /// `$name` into `text`: Some(TOO_LARGE) when the value cannot be followed.
    fn push(&self, text: &mut String, name: &str) -> Option<&'static str> {
        if self.too_large.contains(name) {
            return Some(TOO_LARGE);
        }
        text.push_str(self.vars.get(name).map(String::as_str).unwrap_or(""));
        self.budget.produce(text.len()).err().map(|_| TOO_LARGE)
    }
}

/// One word as the shell builds it: its expanded text, and whether it is `NAME=` assignment-shaped
/// (name and `=` unquoted).
struct Word {
    text: String,
    assignment: Option<(String, String)>,
    unresolved: Option<&'static str>,
}

enum Tok {
    Word(Word),
    End,
    /// `|`, `&&`, `<`, `>`, `(`, `)`: a command authdoctor does not run.
    Operator,
    /// `&`: the command before it runs in a background subshell, so its assignments do not persist.
    Background,
}

struct Syntax(usize, &'static str);

fn is_valid_name(s: &str) -> bool {
    s.starts_with(is_name_start) && s.chars().all(is_name)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.b.get(self.i).copied();
        if c == Some('\n') {
            self.line += 1;
        }
        self.i += 1;
        c
    }

    /// Skip blanks, line continuations and a comment; then the next token.
    fn next(&mut self, cx: &Ctx) -> Result<Tok, Syntax> {
        loop {
            match self.peek() {
                Some(' ') | Some('\t') => {
                    self.bump();
                }
                Some('\\') if self.b.get(self.i + 1) == Some(&'\n') => {
                    self.bump();
                    self.bump();
                }
                Some('#') => {
                    while !matches!(self.peek(), None | Some('\n')) {
                        self.bump();
                    }
                }
                _ => break,
            }
        }
        match self.peek() {
            None => Ok(Tok::End),
            Some('\n') | Some(';') => {
                self.bump();
                Ok(Tok::End)
            }
            Some('&') if self.b.get(self.i + 1) != Some(&'&') => {
                self.bump();
                Ok(Tok::Background)
            }
            Some('|' | '&' | '<' | '>' | '(' | ')') => {
                self.bump();
                Ok(Tok::Operator)
            }
            Some(_) => self.word(cx).map(Tok::Word),
        }
    }

    fn word(&mut self, cx: &Ctx) -> Result<Word, Syntax> {
        let mut text = String::with_capacity(32);
        let mut literal_prefix = true;
        let mut assign_at = None;
        let mut unresolved: Option<&'static str> = None;
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\n' | ';' | '|' | '&' | '<' | '>' | '(' | ')' => break,
                '\\' => {
                    self.bump();
                    match self.bump() {
                        Some('\n') => {}
                        Some(n) => text.push(n),
                        None => {}
                    }
                    literal_prefix = false;
                }
                '\'' => {
                    let start = self.line;
                    self.bump();
                    loop {
                        match self.bump() {
                            Some('\'') => break,
                            Some(ch) => text.push(ch),
                            None => return Err(Syntax(start, "unterminated single quote")),
                        }
                    }
                    literal_prefix = false;
                }
                '"' => {
                    let start = self.line;
                    self.bump();
                    loop {
                        match self.peek() {
                            None => return Err(Syntax(start, "unterminated double quote")),
                            Some('"') => {
                                self.bump();
                                break;
                            }
                            Some('\\') => {
                                self.bump();
                                match self.bump() {
                                    Some('\n') => {}
                                    Some(n @ ('$' | '`' | '"' | '\\')) => text.push(n),
                                    Some(n) => {
                                        text.push('\\');
                                        text.push(n);
                                    }
                                    None => return Err(Syntax(start, "unterminated double quote")),
                                }
                            }
                            Some('$') => unresolved = self.dollar(&mut text, cx)?.or(unresolved),
                            Some('`') => {
                                self.backquote(&mut text)?;
                                unresolved = Some(COMMAND);
                            }
                            Some(ch) => {
                                self.bump();
                                text.push(ch);
                            }
                        }
                    }
                    literal_prefix = false;
                }
                '$' => {
                    unresolved = self.dollar(&mut text, cx)?.or(unresolved);
                    literal_prefix = false;
                }
                '`' => {
                    self.backquote(&mut text)?;
                    unresolved = Some(COMMAND);
                    literal_prefix = false;
                }
                '=' if literal_prefix && assign_at.is_none() => {
                    self.bump();
                    if !text.is_empty() && text.starts_with(is_name_start) && text.chars().all(is_name) {
                        assign_at = Some(text.len());
                    }
                    text.push('=');
                    literal_prefix = false;
                }
                '~' if text.is_empty() || (assign_at.is_some() && text.len() == assign_at.unwrap_or(0) + 1) => {
                    self.bump();
                    // Tilde expansion at the start of a word or of an assignment's value.
                    if matches!(self.peek(), None | Some('/' | ' ' | '\t' | '\n' | ';')) {
                        text.push_str(cx.vars.get("HOME").map(String::as_str).unwrap_or("~"));
                    } else {
                        text.push('~');
                    }
                }
                _ => {
                    self.bump();
                    text.push(c);
                }
            }
        }
        let assignment = assign_at.map(|at| (text[..at].to_string(), text[at + 1..].to_string()));
        Ok(Word {
            text,
            assignment,
            unresolved,
        })
    }

    fn backquote(&mut self, text: &mut String) -> Result<(), Syntax> {
        let start = self.line;
        text.push('`');
        self.bump();
        loop {
            match self.bump() {
                Some('`') => break,
                Some('\\') => {
                    if let Some(n) = self.bump() {
                        text.push('\\');
                        text.push(n);
                    }
                }
                Some(c) => text.push(c),
                None => return Err(Syntax(start, "unterminated backquote")),
            }
        }
        text.push('`');
        Ok(())
    }

    /// Expand the `$…` at the cursor into `text`; Some(why) when its value is unknown here.
    fn dollar(&mut self, text: &mut String, cx: &Ctx) -> Result<Option<&'static str>, Syntax> {
        let start = self.line;
        self.bump();
        match self.peek() {
            Some('(') => {
                let mut depth = 0;
                text.push('$');
                loop {
                    match self.bump() {
                        Some('(') => {
                            depth += 1;
                            text.push('(');
                        }
                        Some(')') => {
                            depth -= 1;
                            text.push(')');
                            if depth == 0 {
                                return Ok(Some(COMMAND));
                            }
                        }
                        Some(c) => text.push(c),
                        None => return Err(Syntax(start, "unterminated $(")),
                    }
                }
            }
            Some('{') => {
                self.bump();
                let mut inner = String::new();
                let mut depth = 1;
                loop {
                    match self.bump() {
                        Some('{') => {
                            depth += 1;
                            inner.push('{');
                        }
                        Some('}') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            inner.push('}');
                        }
                        Some(c) => inner.push(c),
                        None => return Err(Syntax(start, "missing }")),
                    }
                }
                let n = inner.chars().take_while(|c| is_name(*c)).count();
                let name: String = inner.chars().take(n).collect();
                let rest: String = inner.chars().skip(n).collect();
                if name.is_empty() {
                    if let Some(v) = inner
                        .strip_prefix('#')
                        .filter(|v| v.chars().all(is_name) && !v.is_empty())
                    {
                        text.push_str(&cx.vars.get(v).map(|s| s.chars().count()).unwrap_or(0).to_string());
                        return Ok(None);
                    }
                    return Err(Syntax(start, "bad substitution"));
                }
                let value = cx.vars.get(&name);
                if cx.too_large.contains(&name) {
                    return Ok(Some(TOO_LARGE));
                }
                let op = [":-", ":=", ":+", ":?", "-", "=", "+", "?"]
                    .into_iter()
                    .find(|o| rest.starts_with(o));
                let expanded = match op {
                    None if rest.is_empty() => value.cloned().unwrap_or_default(),
                    None => return Err(Syntax(start, "bad substitution")),
                    Some(op) => {
                        let word = &rest[op.len()..];
                        let set = value.is_some();
                        let nonempty = value.is_some_and(|v| !v.is_empty());
                        let use_word = match op {
                            ":-" | ":=" => !nonempty,
                            "-" | "=" => !set,
                            ":+" => nonempty,
                            "+" => set,
                            ":?" if !nonempty => return Err(Syntax(start, "parameter null or not set")),
                            "?" if !set => return Err(Syntax(start, "parameter not set")),
                            _ => false,
                        };
                        let alt = matches!(op, ":+" | "+");
                        if use_word {
                            if Budget::depth(self.depth + 1).is_err() {
                                return Ok(Some(TOO_LARGE));
                            }
                            match expand_word(word, cx, self.depth + 1)? {
                                Ok(w) => w,
                                Err(why) => return Ok(Some(why)),
                            }
                        } else if alt {
                            String::new()
                        } else {
                            value.cloned().unwrap_or_default()
                        }
                    }
                };
                text.push_str(&expanded);
                Ok(cx.budget.produce(text.len()).err().map(|_| TOO_LARGE))
            }
            Some(c) if is_name_start(c) => {
                let mut name = String::new();
                while let Some(c) = self.peek().filter(|c| is_name(*c)) {
                    name.push(c);
                    self.bump();
                }
                Ok(cx.push(text, &name))
            }
            // Special parameters ($1, $?, $$ …) belong to the shell that sources the file, not to
            // the file: their value is unknown here.
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                self.bump();
                text.push('$');
                text.push(c);
                Ok(Some(PARAMETER))
            }
            _ => {
                text.push('$');
                Ok(None)
            }
        }
    }
}

/// The `word` of `${NAME:-word}`: expanded and unquoted like any word; Err(why) when a part of it
/// is unresolved.
fn expand_word(word: &str, cx: &Ctx, depth: usize) -> Result<Result<String, &'static str>, Syntax> {
    if cx.budget.spend(word.len()).is_err() {
        return Ok(Err(TOO_LARGE));
    }
    let chars: Vec<char> = word.chars().collect();
    let mut lx = Lexer {
        b: &chars,
        i: 0,
        line: 1,
        depth,
    };
    let mut out = String::new();
    while lx.i < chars.len() {
        match lx.peek() {
            Some(c @ (' ' | '\t' | '\n' | ';' | '|' | '&' | '<' | '>' | '(' | ')')) => {
                out.push(c);
                lx.bump();
            }
            _ => {
                let w = lx.word(cx)?;
                if let Some(why) = w.unresolved {
                    return Ok(Err(why));
                }
                out.push_str(&w.text);
            }
        }
    }
    Ok(Ok(out))
}

pub fn parse<'a>(bytes: &'a [u8], env: &Env, sh: Sh) -> Parsed<'a> {
    super::with_text(super::lossy(bytes), |text| parse_text(text, env, sh))
}

fn parse_text<'a>(text: &'a str, env: &Env, _sh: Sh) -> Parsed<'a> {
    let chars: Vec<char> = text.chars().collect();
    // In an ASCII text a char index is also a byte index, so a plain line can borrow the text.
    let ascii = text.is_ascii();
    let mut lx = Lexer {
        b: &chars,
        i: 0,
        line: 1,
        depth: 0,
    };
    let mut cx = Ctx {
        vars: env.clone(),
        too_large: Default::default(),
        budget: Budget::for_file(text.len()),
    };
    let reads_vars = text.contains(['$', '~']);
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    loop {
        // A plain `NAME=value` line is one assignment taken literally (see `super::plain_line`).
        let plain: Option<(Cow<str>, Cow<str>, usize)> = if lx.i != 0 && chars.get(lx.i - 1) != Some(&'\n') {
            None
        } else if ascii {
            super::plain_line(text.as_bytes(), lx.i).map(|(k, v, next)| (text[k].into(), text[v].into(), next))
        } else {
            super::plain_line_chars(&chars, lx.i).map(|(k, v, next)| (k.into(), v.into(), next))
        };
        if let Some((k, v, next)) = plain {
            // Variables are read only by `$` and `~` expansion.
            if reads_vars {
                cx.too_large.remove(&*k);
                cx.vars.insert(k.to_string(), v.to_string());
            }
            entries.push(Entry::new(k, v, lx.line));
            if next <= chars.len() {
                lx.line += 1;
            }
            lx.i = next.min(chars.len());
            if lx.i >= chars.len() {
                break;
            }
            continue;
        }
        let line = lx.line;
        let mut words: Vec<Word> = Vec::new();
        let mut operator = false;
        let mut background = false;
        let done = loop {
            match lx.next(&cx) {
                Ok(Tok::End) => break false,
                Ok(Tok::Background) => {
                    background = true;
                    break false;
                }
                Ok(Tok::Operator) => operator = true,
                Ok(Tok::Word(w)) => words.push(w),
                Err(Syntax(l, what)) => {
                    errors.push(LoadError {
                        line: l,
                        message: format!("syntax error ({what}): the shell stops reading the file, and a script running `. ./.env` exits"),
                        fatal: true,
                    });
                    break true;
                }
            }
            if lx.peek().is_none() && lx.i >= chars.len() {
                // Let the End token close this command on the next call.
            }
        };
        if done {
            break;
        }
        if !words.is_empty() {
            let lead = words.iter().take_while(|w| w.assignment.is_some()).count();
            let command = words.get(lead).map(|w| w.text.clone());
            let persist = match command.as_deref() {
                None => true,
                Some("export") | Some("readonly") => true,
                Some(_) => false,
            };
            let bad_name = matches!(command.as_deref(), Some("export") | Some("readonly"))
                && words[lead + 1..]
                    .iter()
                    .any(|w| w.assignment.is_none() && !is_valid_name(&w.text));
            if bad_name {
                errors.push(LoadError {
                    line,
                    message:
                        "`export` of something that is not a variable name (`export KEY = value`?): the shell exits"
                            .into(),
                    fatal: true,
                });
                break;
            }
            if background {
                errors.push(LoadError {
                    line,
                    message: "an unquoted `&` runs the assignment before it in the background, where it is lost".into(),
                    fatal: false,
                });
            } else if operator || !persist {
                errors.push(LoadError {
                    line,
                    message: "this line runs a command (a `KEY = value` with spaces, or a pipe or redirection); authdoctor does not run it and sets nothing".into(),
                    fatal: false,
                });
            } else {
                let mut assigns: Vec<&Word> = words[..lead].iter().collect();
                if command.is_some() {
                    assigns.extend(words[lead + 1..].iter().filter(|w| w.assignment.is_some()));
                }
                for w in assigns {
                    if let Some((k, v)) = &w.assignment {
                        if w.unresolved == Some(TOO_LARGE) {
                            cx.too_large.insert(k.clone());
                        } else {
                            cx.too_large.remove(k);
                        }
                        cx.vars.insert(k.clone(), v.clone());
                        let mut e = Entry::new(k.clone(), v.clone(), line);
                        e.unresolved = w.unresolved;
                        entries.push(e);
                    }
                }
            }
        }
        if lx.i >= chars.len() {
            break;
        }
    }
    Parsed { entries, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(s: &str) -> Vec<(String, String)> {
        let env: Env = [("HOME".to_string(), "/home/u".to_string())].into_iter().collect();
        parse(s.as_bytes(), &env, Sh::Dash)
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn quoting_and_expansion() {
        assert_eq!(
            get("A=1\nB=\"$A x\" C='$A'\nD=a\\ b # c\n"),
            kv(&[("A", "1"), ("B", "1 x"), ("C", "$A"), ("D", "a b")])
        );
        assert_eq!(
            get("export E=${A:-def}\nF=~/x\n"),
            kv(&[("E", "def"), ("F", "/home/u/x")])
        );
        let p = parse(b"H=$2b$10$abc\n", &Env::new(), Sh::Dash);
        assert!(
            p.entries[0].unresolved.is_some(),
            "$2 and $1 are the sourcing shell's positional parameters"
        );
        assert_eq!(get("M=\"l1\nl2\"\n"), kv(&[("M", "l1\nl2")]));
    }

    #[test]
    fn commands_and_errors() {
        let p = parse(b"K = v\nOK=1\n", &Env::new(), Sh::Dash);
        assert_eq!(p.entries.len(), 1);
        assert!(!p.errors[0].fatal);
        let p = parse(b"A=1\nB='open\nC=2\n", &Env::new(), Sh::Dash);
        assert_eq!(p.entries.len(), 1);
        assert!(p.errors[0].fatal);
        let p = parse(b"S=$(cat /etc/passwd)\n", &Env::new(), Sh::Dash);
        assert!(p.entries[0].unresolved.is_some());
    }
}
