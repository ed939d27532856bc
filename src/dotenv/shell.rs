//! `set -a; . ./.env` under dash (POSIX sh, the default) or bash (`Sh::Bash`), emulated (never
//! executed): quoting, backslashes, `#` comments, `$NAME` / `${NAME}` / `${NAME:-w}`-style
//! expansion, `export`, several commands per line, `( … )` subshells, `{ …; }` groups, `&&`, `||`,
//! pipes and `&`. A command (`KEY = value` runs `KEY`) is not run: assignments before it do not
//! persist. A command substitution (`$(…)`, backquotes) is not run either: the value is left
//! unresolved, except an empty one, which is `""`. Values holding bytes that are not UTF-8 (the
//! shell passes them on raw) are unresolved too. Checked against dash and bash by
//! tools/loaders/fuzz.py and the recordings in tests/fixtures/dotenv.
//!
//! Where the two differ:
//! - a syntax error (an unterminated quote, `K=(`, a stray `)`): dash exits, so nothing reaches the
//!   program; bash stops reading the file there, and what the lines before it set stays set;
//! - `export 1X=…` (not a name): dash exits; bash skips that argument;
//! - bash only: `$'…'` (ANSI-C escapes), `$"…"`, `K+=v`, `K=(a b)` (an array, which is never
//!   exported), `${K/pat/rep}`; dash reads `$'…'` as `$` and a quoted string, and exits on
//!   `${K/…}` (bad substitution);
//! - assignments before `:` persist in dash (a special built-in), not in bash.

use super::{Budget, Entry, Env, LoadError, Parsed, Sh, TOO_LARGE};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

const COMMAND: &str = "command substitution, which the shell runs and authdoctor does not";
const PARAMETER: &str = "special parameter ($1, $$ …) of the shell that sources the file, unknown here";
/// Every value of a file where `${K:?}` meets a K authdoctor cannot know: if K is empty the shell
/// exits and nothing loads.
pub const UNDECIDED: &str =
    "file whose loading depends on a command's output (${K:?} on such a K makes the shell exit when it is empty)";
const NOT_UTF8: &str = "byte sequence that is not UTF-8, which the shell passes on as it is";
const BASH_EXPANSION: &str = "pattern expansion (${K#…}, ${K%…}, bash's ${K:1:2} …), which authdoctor does not emulate";

struct Lexer<'a> {
    b: &'a [char],
    i: usize,
    line: usize,
    /// Nesting of `${NAME:-word}` words being expanded.
    depth: usize,
    sh: Sh,
    /// An expansion error in the word being read: the word is read to its end first.
    failed: Option<Stop>,
}

/// The shell's variables while the file is sourced, the ones whose value is unknown here (and
/// why), and the file's expansion budget.
struct Ctx {
    vars: Env,
    unknown: HashMap<String, &'static str>,
    budget: Budget,
    /// `${K:?}` met a K whose value is unknown here: whether the shell exits is unknown.
    undecided: std::cell::Cell<Option<usize>>,
}

impl Ctx {
    /// `$name` into `text`: Some(why) when the value is unknown here.
    fn push(&self, text: &mut String, name: &str) -> Option<&'static str> {
        if let Some(why) = self.unknown.get(name) {
            return Some(why);
        }
        let v = self.vars.get(name).map(String::as_str).unwrap_or("");
        text.push_str(v);
        self.budget.append(text.len(), v.len()).err().map(|_| TOO_LARGE)
    }

    fn set(&mut self, name: &str, value: &str, unresolved: Option<&'static str>) {
        match unresolved {
            Some(why) => self.unknown.insert(name.to_string(), why),
            None => self.unknown.remove(name),
        };
        self.vars.insert(name.to_string(), value.to_string());
    }
}

/// One word as the shell builds it: its expanded text, whether it is `NAME=` (or bash's `NAME+=`)
/// assignment-shaped (name and `=` unquoted), and whether any of it was quoted (an unquoted word
/// that expands to nothing is no word at all).
struct Word {
    text: String,
    assignment: Option<Assignment>,
    unresolved: Option<&'static str>,
    quoted: bool,
    /// Index just past the word: `K=(` is an array only with no blank before `(`.
    end: usize,
}

#[derive(Clone)]
struct Assignment {
    name: String,
    value: String,
    append: bool,
}

enum Tok {
    Word(Word),
    /// A newline or the end of the file: the list so far is complete.
    Newline,
    Semi,
    And,
    Or,
    Pipe,
    /// `&`: the command before it runs in a background subshell, so its assignments do not persist.
    Background,
    Open,
    Close,
    /// `<`, `>`: a redirection, which authdoctor does not follow.
    Redirect,
}

/// Why reading stopped.
enum Stop {
    /// The parser's: the whole list is refused.
    Syntax(usize, &'static str),
    /// An expansion error that makes a non-interactive shell exit (`${K:?}`, and in dash a bad
    /// substitution).
    Exit(usize, &'static str),
    /// bash's bad substitution: this command fails, the file goes on.
    Bad(usize, &'static str),
}

fn is_valid_name(s: &str) -> bool {
    s.starts_with(is_name_start) && s.chars().all(is_name)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

const BREAK: &[char] = &[' ', '\t', '\n', ';', '|', '&', '<', '>', '(', ')'];

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.b.get(self.i).copied()
    }

    fn at(&self, k: usize) -> Option<char> {
        self.b.get(self.i + k).copied()
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
    fn next(&mut self, cx: &Ctx) -> Result<Tok, Stop> {
        loop {
            match self.peek() {
                Some(' ') | Some('\t') => {
                    self.bump();
                }
                Some('\\') if self.at(1) == Some('\n') => {
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
        let two = (self.peek(), self.at(1));
        let (tok, len) = match two {
            (None, _) => return Ok(Tok::Newline),
            (Some('\n'), _) => (Tok::Newline, 1),
            (Some(';'), Some(';')) => return Err(Stop::Syntax(self.line, "\";;\" unexpected")),
            (Some(';'), _) => (Tok::Semi, 1),
            (Some('&'), Some('&')) => (Tok::And, 2),
            (Some('|'), Some('|')) => (Tok::Or, 2),
            (Some('&'), _) => (Tok::Background, 1),
            (Some('|'), _) => (Tok::Pipe, 1),
            (Some('('), _) => (Tok::Open, 1),
            (Some(')'), _) => (Tok::Close, 1),
            (Some('<' | '>'), _) => (Tok::Redirect, 1),
            (Some(_), _) => {
                let w = self.word(cx)?;
                if let Some(e) = self.failed.take() {
                    return Err(e);
                }
                return Ok(Tok::Word(w));
            }
        };
        for _ in 0..len {
            self.bump();
        }
        Ok(tok)
    }

    fn word(&mut self, cx: &Ctx) -> Result<Word, Stop> {
        let mut text = String::with_capacity(32);
        let mut literal_prefix = true;
        let mut assign: Option<(usize, bool)> = None;
        let mut unresolved: Option<&'static str> = None;
        let mut quoted = false;
        let bash = self.sh == Sh::Bash;
        // A `~` here would start a tilde prefix: at the word's start, or right after the `=` of an
        // assignment or a `:` in its value, with nothing expanded or quoted in between.
        let mut tilde_ok = true;
        while let Some(c) = self.peek() {
            if BREAK.contains(&c) {
                break;
            }
            let len_before = text.len();
            let assign_before = assign.is_some();
            match c {
                '\\' => {
                    self.bump();
                    match self.bump() {
                        Some('\n') => {}
                        Some(n) => text.push(n),
                        None => {}
                    }
                    literal_prefix = false;
                    quoted = true;
                }
                '\'' => {
                    self.single_quoted(&mut text)?;
                    literal_prefix = false;
                    quoted = true;
                }
                '"' => {
                    unresolved = self.double_quoted(&mut text, cx)?.or(unresolved);
                    literal_prefix = false;
                    quoted = true;
                }
                '$' if bash && self.at(1) == Some('\'') => {
                    self.bump();
                    unresolved = self.ansi_c(&mut text)?.or(unresolved);
                    literal_prefix = false;
                    quoted = true;
                }
                '$' if bash && self.at(1) == Some('"') => {
                    self.bump();
                    unresolved = self.double_quoted(&mut text, cx)?.or(unresolved);
                    literal_prefix = false;
                    quoted = true;
                }
                '$' => {
                    unresolved = self.expand(&mut text, cx)?.or(unresolved);
                    literal_prefix = false;
                }
                '`' => {
                    unresolved = self.backquote(&mut text, cx)?.or(unresolved);
                    literal_prefix = false;
                }
                '+' if bash && literal_prefix && self.at(1) == Some('=') && is_valid_name(&text) => {
                    self.bump();
                    self.bump();
                    assign = Some((text.len(), true));
                    text.push_str("+=");
                    literal_prefix = false;
                }
                '=' if literal_prefix => {
                    self.bump();
                    if is_valid_name(&text) {
                        assign = Some((text.len(), false));
                    }
                    text.push('=');
                    literal_prefix = false;
                }
                '~' if tilde_ok => {
                    self.bump();
                    // Tilde expansion at the start of a word, of an assignment's value, or after
                    // a `:` in one.
                    let ends = |c: Option<char>| {
                        c.is_none_or(|c| c == '/' || BREAK.contains(&c) || (assign.is_some() && c == ':'))
                    };
                    if ends(self.peek()) {
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
            tilde_ok = match c {
                '=' => assign.is_some() && !assign_before,
                '+' => assign.is_some() && !assign_before,
                ':' => assign.is_some() && text.len() == len_before + 1,
                _ => false,
            };
            if text.len() > Budget::MAX_VALUE {
                // Keep the name of an assignment: what follows is too large to hold.
                unresolved = Some(TOO_LARGE);
                text.truncate(assign.map_or(0, |(at, append)| at + if append { 2 } else { 1 }));
            }
        }
        let assignment = assign.map(|(at, append)| Assignment {
            name: text[..at].to_string(),
            value: text[at + if append { 2 } else { 1 }..].to_string(),
            append,
        });
        Ok(Word {
            text,
            assignment,
            unresolved,
            quoted,
            end: self.i,
        })
    }

    fn single_quoted(&mut self, text: &mut String) -> Result<(), Stop> {
        let start = self.line;
        self.bump();
        loop {
            match self.bump() {
                Some('\'') => return Ok(()),
                Some(ch) => text.push(ch),
                None => return Err(Stop::Syntax(start, "unterminated single quote")),
            }
        }
    }

    fn double_quoted(&mut self, text: &mut String, cx: &Ctx) -> Result<Option<&'static str>, Stop> {
        let start = self.line;
        let mut unresolved = None;
        self.bump();
        loop {
            match self.peek() {
                None => return Err(Stop::Syntax(start, "unterminated double quote")),
                Some('"') => {
                    self.bump();
                    return Ok(unresolved);
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
                        None => return Err(Stop::Syntax(start, "unterminated double quote")),
                    }
                }
                Some('$') => unresolved = self.expand(text, cx)?.or(unresolved),
                Some('`') => unresolved = self.backquote(text, cx)?.or(unresolved),
                Some(ch) => {
                    self.bump();
                    text.push(ch);
                }
            }
        }
    }

    /// bash's `$'…'` (the cursor on the quote): backslash escapes as in C; `\0` ends the string.
    /// Some(why) when it makes a byte that is not UTF-8 or uses an escape not followed here.
    fn ansi_c(&mut self, text: &mut String) -> Result<Option<&'static str>, Stop> {
        let start = self.line;
        self.bump();
        let mut ended = false;
        let mut unresolved = None;
        loop {
            let mut out: [Option<char>; 2] = [None, None];
            match self.bump() {
                Some('\'') => return Ok(unresolved),
                None => return Err(Stop::Syntax(start, "unterminated $'")),
                Some('\\') => {
                    let Some(e) = self.bump() else {
                        return Err(Stop::Syntax(start, "unterminated $'"));
                    };
                    out[0] = Some(match e {
                        'a' => '\x07',
                        'b' => '\x08',
                        'e' | 'E' => '\x1b',
                        'f' => '\x0c',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'v' => '\x0b',
                        '\\' | '\'' | '"' | '?' => e,
                        '0'..='7' | 'x' => {
                            let (radix, max) = if e == 'x' { (16, 2) } else { (8, 2) };
                            let mut v = if e == 'x' { None } else { e.to_digit(8) };
                            for _ in 0..max {
                                match self.peek().and_then(|d| d.to_digit(radix)) {
                                    Some(d) => {
                                        v = Some(v.unwrap_or(0) * radix + d);
                                        self.bump();
                                    }
                                    None => break,
                                }
                            }
                            match v.map(|v| v & 0xff) {
                                Some(v) if v < 0x80 => char::from_u32(v).unwrap_or('\0'),
                                Some(_) => {
                                    unresolved = Some(NOT_UTF8);
                                    '\u{fffd}'
                                }
                                None => {
                                    out[1] = Some('x');
                                    '\\'
                                }
                            }
                        }
                        'u' | 'U' | 'c' => {
                            unresolved = Some(BASH_EXPANSION);
                            e
                        }
                        other => {
                            out[1] = Some(other);
                            '\\'
                        }
                    });
                }
                Some(c) => out[0] = Some(c),
            }
            for c in out.into_iter().flatten() {
                if c == '\0' {
                    ended = true;
                }
                if !ended {
                    text.push(c);
                }
            }
        }
    }

    /// A backquoted command (the cursor on the backquote). Only an empty one is known: `""`.
    fn backquote(&mut self, text: &mut String, cx: &Ctx) -> Result<Option<&'static str>, Stop> {
        let start = self.line;
        let mut body = String::new();
        self.bump();
        loop {
            match self.bump() {
                Some('`') => break,
                Some('\\') => {
                    if let Some(n) = self.bump() {
                        body.push('\\');
                        body.push(n);
                    }
                }
                Some(c) => body.push(c),
                None => return Err(Stop::Syntax(start, "unterminated backquote")),
            }
        }
        // dash parses a backquoted command with the file (bash only when it runs it); inside
        // backquotes `\\`, `\`` and `\$` lose their backslash first.
        if self.sh == Sh::Dash {
            let inner = body
                .replace("\\\\", "\u{0}")
                .replace("\\`", "`")
                .replace("\\$", "$")
                .replace('\u{0}', "\\");
            check_syntax(&inner, cx, self.sh, start, self.depth + 1)?;
        }
        if body.trim_matches([' ', '\t', '\n']).is_empty() {
            return Ok(None);
        }
        text.push('`');
        text.push_str(&body);
        text.push('`');
        Ok(Some(COMMAND))
    }

    /// The `…}` of a `${` (the cursor after the brace), quotes, backslashes and nested `${…}`
    /// respected. In dash, a name followed by a character that starts no operator (`${K1$…`,
    /// `${ …`) is a bad substitution, raised when the command runs.
    fn braced(&mut self, start: usize) -> Result<String, Stop> {
        let mut inner = String::new();
        if self.sh == Sh::Dash {
            let mut j = self.i;
            if self.b.get(j) == Some(&'#') && self.b.get(j + 1).is_some_and(|c| is_name_start(*c)) {
                j += 1;
            }
            let name_start = j;
            while self.b.get(j).is_some_and(|c| is_name(*c)) {
                j += 1;
            }
            if j == name_start
                && self
                    .b
                    .get(j)
                    .is_some_and(|c| c.is_ascii_digit() || "@*#?$!-".contains(*c))
            {
                j += 1;
            }
            if !self.b.get(j).is_none_or(|c| "}:-=?+#%/".contains(*c)) {
                // dash's parser drops that character and reads on to the `}` as if it began the
                // substitution's word (`${K1"}"` is `${K1}` and an open quote).
                for _ in self.i..=j {
                    inner.extend(self.bump());
                }
            }
        }
        let mut depth = 1;
        // The character before was an unescaped `$`.
        let mut dollar = false;
        loop {
            let c = self.bump();
            let after_dollar = std::mem::replace(&mut dollar, c == Some('$'));
            match c {
                // Only `${` nests: a bare `{` is text (`${A:-{x}` is "{x").
                Some('{') if after_dollar => {
                    depth += 1;
                    inner.push('{');
                }
                // A command substitution inside: to its end, whatever it holds.
                Some('`') => {
                    inner.push('`');
                    loop {
                        match self.bump() {
                            Some('`') => break,
                            Some('\\') => {
                                inner.push('\\');
                                inner.extend(self.bump());
                            }
                            Some(c) => inner.push(c),
                            None => return Err(Stop::Syntax(start, "EOF in backquote substitution")),
                        }
                    }
                    inner.push('`');
                }
                Some('(') if after_dollar => {
                    inner.push('(');
                    let mut parens = 1;
                    while parens > 0 {
                        match self.bump() {
                            Some(c) => {
                                parens += i32::from(c == '(') - i32::from(c == ')');
                                inner.push(c);
                            }
                            None => return Err(Stop::Syntax(start, "unterminated $(")),
                        }
                    }
                }
                Some('}') => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(inner);
                    }
                    inner.push('}');
                }
                Some('\\') => {
                    inner.push('\\');
                    match self.bump() {
                        Some(c) => inner.push(c),
                        None => return Err(Stop::Syntax(start, "missing }")),
                    }
                }
                Some(q @ ('\'' | '"')) => {
                    inner.push(q);
                    loop {
                        match self.bump() {
                            Some(c) if c == q => break,
                            Some('\\') if q == '"' => {
                                inner.push('\\');
                                match self.bump() {
                                    Some(c) => inner.push(c),
                                    None => return Err(Stop::Syntax(start, "missing }")),
                                }
                            }
                            Some(c) => inner.push(c),
                            None => return Err(Stop::Syntax(start, "missing }")),
                        }
                    }
                    inner.push(q);
                }
                Some(c) => inner.push(c),
                None => return Err(Stop::Syntax(start, "missing }")),
            }
        }
    }

    /// `dollar`, with an expansion error kept for the end of the word.
    fn expand(&mut self, text: &mut String, cx: &Ctx) -> Result<Option<&'static str>, Stop> {
        match self.dollar(text, cx) {
            Err(e @ (Stop::Exit(..) | Stop::Bad(..))) => {
                self.failed.get_or_insert(e);
                Ok(None)
            }
            other => other,
        }
    }

    /// Expand the `$…` at the cursor into `text`; Some(why) when its value is unknown here.
    fn dollar(&mut self, text: &mut String, cx: &Ctx) -> Result<Option<&'static str>, Stop> {
        let start = self.line;
        self.bump();
        match self.peek() {
            Some('(') => {
                let mut depth = 0;
                let mut body = String::new();
                loop {
                    match self.bump() {
                        Some('(') => {
                            depth += 1;
                            body.push('(');
                        }
                        Some(')') => {
                            depth -= 1;
                            body.push(')');
                            if depth == 0 {
                                break;
                            }
                        }
                        Some(c) => body.push(c),
                        None => return Err(Stop::Syntax(start, "unterminated $(")),
                    }
                }
                // Both shells parse the command with the file: its syntax errors are the file's.
                check_syntax(&body[1..body.len() - 1], cx, self.sh, start, self.depth + 1)?;
                // `$()` and `$( )` run nothing: their output is empty.
                if body[1..body.len() - 1].trim_matches([' ', '\t', '\n']).is_empty() {
                    return Ok(None);
                }
                text.push('$');
                text.push_str(&body);
                Ok(Some(COMMAND))
            }
            Some('{') => {
                self.bump();
                let inner = self.braced(start)?;
                self.parameter(&inner, text, cx, start)
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

    /// `${inner}` expanded into `text`.
    fn parameter(
        &mut self,
        inner: &str,
        text: &mut String,
        cx: &Ctx,
        start: usize,
    ) -> Result<Option<&'static str>, Stop> {
        let bash = self.sh == Sh::Bash;
        let bad = |what| {
            if bash {
                Err(Stop::Bad(start, what))
            } else {
                Err(Stop::Exit(start, what))
            }
        };
        let n = inner.chars().take_while(|c| is_name(*c)).count();
        let name: String = inner.chars().take(n).collect();
        let rest: String = inner.chars().skip(n).collect();
        if name.is_empty() {
            if let Some(v) = inner.strip_prefix('#').filter(|v| is_valid_name(v)) {
                if let Some(why) = cx.unknown.get(v) {
                    return Ok(Some(why));
                }
                // dash counts bytes; bash counts characters (in a UTF-8 locale).
                let len = |s: &String| {
                    if self.sh == Sh::Dash {
                        s.len()
                    } else {
                        s.chars().count()
                    }
                };
                text.push_str(&cx.vars.get(v).map(len).unwrap_or(0).to_string());
                return Ok(None);
            }
            let mut special = inner.chars();
            if (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()))
                || (special.next().is_some_and(|c| "@*#?$!-".contains(c)) && special.next().is_none())
            {
                return Ok(Some(PARAMETER));
            }
            return bad("bad substitution");
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            if name.chars().all(|c| c.is_ascii_digit()) {
                return Ok(Some(PARAMETER));
            }
            return bad("bad substitution");
        }
        let unknown = cx.unknown.get(&name).copied();
        let value = cx.vars.get(&name);
        let op = [":-", ":=", ":+", ":?", "-", "=", "+", "?"]
            .into_iter()
            .find(|o| rest.starts_with(o));
        let expanded = match op {
            None if rest.is_empty() => {
                return Ok(cx.push(text, &name));
            }
            None if bash || rest.starts_with(['#', '%']) => {
                if let Some(why) = unknown {
                    return Ok(Some(why));
                }
                match bash_pattern(value.map(String::as_str).unwrap_or(""), &rest) {
                    Some(Ok(v)) => v,
                    Some(Err(why)) => return Ok(Some(why)),
                    None => return bad("bad substitution"),
                }
            }
            None => return bad("bad substitution"),
            Some(op) => {
                if let Some(why) = unknown {
                    if op.ends_with('?') && cx.undecided.get().is_none() {
                        cx.undecided.set(Some(start));
                    }
                    return Ok(Some(why));
                }
                let word = &rest[op.len()..];
                let set = value.is_some();
                let nonempty = value.is_some_and(|v| !v.is_empty());
                let use_word = match op {
                    ":-" | ":=" => !nonempty,
                    "-" | "=" => !set,
                    ":+" => nonempty,
                    "+" => set,
                    ":?" if !nonempty => return Err(Stop::Exit(start, "parameter null or not set")),
                    "?" if !set => return Err(Stop::Exit(start, "parameter not set")),
                    _ => false,
                };
                let alt = matches!(op, ":+" | "+");
                if use_word {
                    if Budget::depth(self.depth + 1).is_err() {
                        return Ok(Some(TOO_LARGE));
                    }
                    match expand_word(word, cx, self.depth + 1, self.sh)? {
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
        Ok(cx.budget.append(text.len(), expanded.len()).err().map(|_| TOO_LARGE))
    }
}

/// Blanks, then `NAME=` or `NAME+=`: the word there is an assignment.
fn assignment_shaped(b: &[char]) -> bool {
    let b = &b[b.iter().take_while(|c| matches!(c, ' ' | '\t')).count()..];
    let n = b.iter().take_while(|c| is_name(**c)).count();
    n > 0
        && b.first().is_some_and(|c| is_name_start(*c))
        && (b.get(n) == Some(&'=') || (b.get(n) == Some(&'+') && b.get(n + 1) == Some(&'=')))
}

/// A word's text without the command substitutions and special parameters left in it unexpanded
/// (`` `…` ``, `$(…)`, `$1`): what its expansion certainly holds.
fn known_text(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                for c in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                }
            }
            '$' if chars.peek() == Some(&'(') => {
                let mut depth = 0;
                for c in chars.by_ref() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            // `$$`, `$#`, `$?`, `$!` are numbers: a name cannot start with them.
            '$' if chars.peek().is_some_and(|c| "#?$!".contains(*c)) => {
                chars.next();
                out.push('0');
            }
            '$' if chars.peek().is_some_and(|c| c.is_ascii_digit() || "@*-".contains(*c)) => {
                chars.next();
            }
            c => out.push(c),
        }
    }
    out
}

/// bash's `${NAME<rest>}` forms beyond POSIX: `/pat/rep` and `//pat/rep` with a literal pattern are
/// followed; the other pattern and substring forms are left unresolved; None: not a bash form (bad
/// substitution).
fn bash_pattern(value: &str, rest: &str) -> Option<Result<String, &'static str>> {
    let glob = |s: &str| s.contains(['*', '?', '[', '\\', '\'', '"', '$', '`', '~', '/']);
    if let Some(spec) = rest.strip_prefix('/') {
        let (all, spec) = match spec.strip_prefix('/') {
            Some(s) => (true, s),
            None => (false, spec),
        };
        let (pat, rep) = spec.split_once('/').unwrap_or((spec, ""));
        if pat.is_empty() || glob(pat) || glob(rep) || pat.starts_with(['#', '%']) {
            return Some(Err(BASH_EXPANSION));
        }
        return Some(Ok(if all {
            value.replace(pat, rep)
        } else {
            value.replacen(pat, rep, 1)
        }));
    }
    if rest.starts_with(['#', '%', ':', '^', ',', '@']) {
        return Some(Err(BASH_EXPANSION));
    }
    None
}

/// The shell's grammar over a command substitution's text: unterminated quotes, `(` after a word,
/// a stray `)`, a separator with no command before it or `|`, `&&`, `||` with none after it.
fn check_syntax(body: &str, cx: &Ctx, sh: Sh, line: usize, depth: usize) -> Result<(), Stop> {
    if Budget::depth(depth).is_err() || cx.budget.spend(body.len()).is_err() {
        return Ok(());
    }
    let chars: Vec<char> = body.chars().collect();
    let mut lx = Lexer {
        b: &chars,
        i: 0,
        line,
        depth,
        sh,
        failed: None,
    };
    let (mut words, mut open, mut want_command, mut closed) = (0usize, 0usize, false, false);
    loop {
        let tok = match lx.next(cx) {
            Ok(Tok::Word(w)) if words == 0 && !w.quoted && w.text == "!" => {
                want_command = true;
                continue;
            }
            Ok(t) => t,
            Err(Stop::Syntax(_, what)) => return Err(Stop::Syntax(line, what)),
            // Expansion errors happen when the command runs, in its subshell; the word counts.
            Err(_) => {
                words += 1;
                want_command = false;
                continue;
            }
        };
        match tok {
            Tok::Word(_) | Tok::Redirect => {
                words += 1;
                want_command = false;
            }
            Tok::Newline if lx.i >= chars.len() => break,
            Tok::Newline => {
                if !want_command {
                    (words, closed) = (0, false);
                }
            }
            Tok::Semi | Tok::Background | Tok::And | Tok::Or | Tok::Pipe => {
                if words == 0 && !closed {
                    return Err(Stop::Syntax(line, "a separator with no command before it"));
                }
                want_command = !matches!(tok, Tok::Semi | Tok::Background);
                (words, closed) = (0, false);
            }
            Tok::Open if words > 0 || closed => return Err(Stop::Syntax(line, "word unexpected (expecting \")\")")),
            Tok::Open => open += 1,
            // dash ends a backquoted command's parse at a `)` of its own, without complaint.
            Tok::Close if open == 0 => return Ok(()),
            Tok::Close if words == 0 && !closed => return Err(Stop::Syntax(line, "\")\" unexpected")),
            Tok::Close => {
                open -= 1;
                closed = true;
            }
        }
    }
    if open > 0 || want_command {
        return Err(Stop::Syntax(line, "end of file unexpected"));
    }
    Ok(())
}

/// The `word` of `${NAME:-word}`: expanded and unquoted like any word; Err(why) when a part of it
/// is unresolved.
fn expand_word(word: &str, cx: &Ctx, depth: usize, sh: Sh) -> Result<Result<String, &'static str>, Stop> {
    if cx.budget.spend(word.len()).is_err() {
        return Ok(Err(TOO_LARGE));
    }
    let chars: Vec<char> = word.chars().collect();
    let mut lx = Lexer {
        b: &chars,
        i: 0,
        line: 1,
        depth,
        sh,
        failed: None,
    };
    let mut out = String::new();
    while lx.i < chars.len() {
        match lx.peek() {
            Some(c) if BREAK.contains(&c) => {
                out.push(c);
                lx.bump();
            }
            _ => {
                let w = lx.word(cx)?;
                if let Some(e) = lx.failed.take() {
                    return Err(e);
                }
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
    let utf8 = std::str::from_utf8(bytes).is_ok();
    let mut parsed = super::with_text(super::lossy(bytes), |text| parse_text(text, env, sh));
    if !utf8 {
        // The shell keeps the raw bytes where this text has U+FFFD.
        for e in &mut parsed.entries {
            if e.unresolved.is_none() && e.value.contains('\u{fffd}') {
                e.unresolved = Some(NOT_UTF8);
            }
        }
    }
    parsed
}

/// How a command ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Term {
    Newline,
    Semi,
    And,
    Or,
    Pipe,
    Background,
    Close,
}

/// A variable's value before a command's assignment, to put back when the assignment does not
/// persist (a command follows, or the command runs in a subshell or is skipped).
type Undo = Vec<(String, Option<String>, Option<&'static str>)>;

struct Run<'a> {
    sh: Sh,
    cx: Ctx,
    entries: Vec<Entry<'a>>,
    /// Assignments of the list being read: a syntax error later in it refuses them all.
    pending: Vec<Entry<'a>>,
    errors: Vec<LoadError>,
    /// bash arrays, never exported.
    arrays: rustc_hash::FxHashSet<String>,
    /// The shell's variables at each open `(`.
    saved: Vec<(Env, HashMap<String, &'static str>)>,
    status: i32,
}

impl Run<'_> {
    fn assign(&mut self, a: &Assignment, unresolved: Option<&'static str>, undo: &mut Undo) {
        undo.push((
            a.name.clone(),
            self.cx.vars.get(&a.name).cloned(),
            self.cx.unknown.get(&a.name).copied(),
        ));
        let value = if a.append {
            format!(
                "{}{}",
                self.cx.vars.get(&a.name).map(String::as_str).unwrap_or(""),
                a.value
            )
        } else {
            a.value.clone()
        };
        let unresolved = unresolved.or_else(|| a.append.then(|| self.cx.unknown.get(&a.name).copied()).flatten());
        self.cx.set(&a.name, &value, unresolved);
    }

    fn undo(&mut self, undo: Undo) {
        for (name, value, why) in undo.into_iter().rev() {
            match value {
                Some(v) => {
                    self.cx.vars.insert(name.clone(), v);
                }
                None => {
                    self.cx.vars.remove(&name);
                }
            }
            match why {
                Some(w) => self.cx.unknown.insert(name, w),
                None => self.cx.unknown.remove(&name),
            };
        }
    }

    fn note(&mut self, line: usize, message: &str, fatal: bool) {
        self.errors.push(LoadError {
            line,
            message: message.into(),
            fatal,
        });
    }

    /// Run one simple command: `undo` holds its leading assignments, already made.
    fn execute(
        &mut self,
        line: usize,
        words: &[Word],
        lead: usize,
        mut undo: Undo,
        persist_here: bool,
    ) -> Result<(), Stop> {
        let bash = self.sh == Sh::Bash;
        let rest: Vec<&Word> = words[lead..]
            .iter()
            .filter(|w| w.quoted || !w.text.is_empty() || w.unresolved.is_some())
            .collect();
        let mut persist = true;
        let mut unknown: Option<&'static str> = None;
        match rest.first() {
            None => self.status = 0,
            Some(w) if w.unresolved.is_some() => {
                // A command substitution where the command name would be: if its output is empty
                // there is no command and the assignments persist; authdoctor cannot tell.
                unknown = w.unresolved;
            }
            Some(w) if !w.quoted && (w.text == "export" || w.text == "readonly") => {
                self.status = 0;
                // bash (not in POSIX mode) keeps assignments before a built-in only for it.
                if bash {
                    self.undo(std::mem::take(&mut undo));
                }
                for arg in &rest[1..] {
                    let a = arg.assignment.clone().or_else(|| {
                        let (name, value) = arg.text.split_once('=')?;
                        is_valid_name(name).then(|| Assignment {
                            name: name.to_string(),
                            value: value.to_string(),
                            append: false,
                        })
                    });
                    match a {
                        Some(a) if !a.append || bash => self.assign(&a, arg.unresolved, &mut undo),
                        // A command's output or a parameter: perhaps nothing (no argument),
                        // perhaps a name, unless the text before it already is not one.
                        _ if arg.unresolved.is_some() && {
                            let known = known_text(&arg.text);
                            known.chars().all(is_name) && !known.starts_with(|c: char| c.is_ascii_digit())
                        } => {}
                        _ if is_valid_name(&arg.text) => {}
                        _ if bash => {
                            self.note(
                                line,
                                "`export` of something that is not a variable name: bash skips it",
                                false,
                            );
                            self.status = 1;
                        }
                        // In a subshell (a pipeline, `&`) only the subshell exits.
                        _ if !persist_here || !self.saved.is_empty() => {}
                        _ => {
                            return Err(Stop::Exit(
                                line,
                                "`export` of something that is not a variable name (`export KEY = value`?): the shell exits",
                            ));
                        }
                    }
                }
            }
            // A special built-in: in dash (POSIX) the assignments before it persist.
            Some(w) if !w.quoted && w.text == ":" && !bash => self.status = 0,
            Some(_) => {
                persist = false;
                self.status = 127;
                self.note(
                    line,
                    "this line runs a command (a `KEY = value` with spaces, or a word after the value); authdoctor does not run it, and assignments before a command do not persist",
                    false,
                );
            }
        }
        if !persist || !persist_here {
            self.undo(undo);
            return Ok(());
        }
        if self.saved.is_empty() {
            for (name, _, _) in &undo {
                let value = self.cx.vars.get(name).cloned().unwrap_or_default();
                let mut e = Entry::new(name.clone(), value, line);
                e.unresolved = unknown.or_else(|| self.cx.unknown.get(name).copied());
                if let Some(why) = unknown {
                    self.cx.unknown.insert(name.clone(), why);
                }
                self.pending.push(e);
            }
        }
        Ok(())
    }
}

fn parse_text<'a>(text: &'a str, env: &Env, sh: Sh) -> Parsed<'a> {
    let chars: Vec<char> = text.chars().collect();
    // In an ASCII text a char index is also a byte index, so a plain line can borrow the text.
    let ascii = text.is_ascii();
    let mut lx = Lexer {
        b: &chars,
        i: 0,
        line: 1,
        depth: 0,
        sh,
        failed: None,
    };
    let mut run = Run {
        sh,
        cx: Ctx {
            vars: env.clone(),
            unknown: HashMap::default(),
            budget: Budget::for_file(text.len()),
            undecided: std::cell::Cell::new(None),
        },
        entries: Vec::new(),
        pending: Vec::new(),
        errors: Vec::new(),
        arrays: Default::default(),
        saved: Vec::new(),
        status: 0,
    };
    // (`+=` appends to a variable.)
    let reads_vars = text.contains(['$', '~', '+']);
    // The next command is skipped (`a && b` after a failure, `a || b` after a success), runs in a
    // pipeline's subshell, or continues a list past a newline.
    let mut skip = false;
    let mut piped = false;
    let mut continued = false;
    // The shell exits once this list is parsed (`${K:?}`, `export 1X` in dash).
    let mut exiting: Option<Stop> = None;
    // Open `{ …; }` groups.
    let mut groups = 0usize;
    // The variables and the pending count before the and-or list being read (`a && b`).
    let mut andor: Option<(Env, HashMap<String, &'static str>, usize)> = None;
    let stop = loop {
        // A plain `NAME=value` line is one assignment taken literally (see `super::plain_line`).
        let line_start = lx.i == 0 || chars.get(lx.i - 1) == Some(&'\n');
        let plain: Option<(Cow<str>, Cow<str>, usize)> = if !line_start || continued || !run.saved.is_empty() {
            None
        } else if ascii {
            super::plain_line(text.as_bytes(), lx.i).map(|(k, v, next)| (text[k].into(), text[v].into(), next))
        } else {
            super::plain_line_chars(&chars, lx.i).map(|(k, v, next)| (k.into(), v.into(), next))
        };
        if let Some((k, v, next)) = plain {
            // Variables are read only by `$` and `~` expansion.
            if reads_vars || run.cx.unknown.contains_key(&*k) {
                run.cx.set(&k, &v, None);
            }
            run.status = 0;
            run.entries.push(Entry::new(k, v, lx.line));
            if next <= chars.len() {
                lx.line += 1;
            }
            lx.i = next.min(chars.len());
            if lx.i >= chars.len() {
                break None;
            }
            continue;
        }
        let line = lx.line;
        let mut words: Vec<Word> = Vec::new();
        let mut undo: Undo = Vec::new();
        // The command is a `( … )` that just closed, or has a redirection: it is not empty.
        let mut something = false;
        let mut redirect_target = false;
        // A `!` before the command: one must follow.
        let mut bang = false;
        // An expansion error that makes the shell exit happens when the command runs, after the
        // whole list is parsed: a syntax error later in the list comes first.
        let mut cmd_exit: Option<Stop> = None;
        // bash's bad substitution: the command fails, the list goes on.
        let mut cmd_bad: Option<(usize, &'static str)> = None;
        let read = loop {
            let (at, at_line) = (lx.i, lx.line);
            let mut tok = lx.next(&run.cx);
            // A word that is not one of the leading assignments is expanded before them (POSIX
            // 2.9.1): `K= ${K:+x}` reads the K from before this command. Read it again so.
            let leading = words.len() == undo.len() && assignment_shaped(chars.get(at..).unwrap_or_default());
            let relex = match &tok {
                Ok(Tok::Word(w)) => w.assignment.is_none() || words.len() != undo.len(),
                // A word whose expansion failed: again, unless it is a leading assignment.
                Err(Stop::Exit(..) | Stop::Bad(..)) => !leading,
                _ => false,
            };
            if !undo.is_empty() && relex {
                let now: Undo = undo
                    .iter()
                    .map(|(n, _, _)| (n.clone(), run.cx.vars.get(n).cloned(), run.cx.unknown.get(n).copied()))
                    .collect();
                run.undo(undo.clone());
                (lx.i, lx.line) = (at, at_line);
                tok = lx.next(&run.cx);
                run.undo(now);
            }
            let tok = match tok {
                Ok(t) => t,
                // The word that failed still counts: the command is not empty.
                Err(e @ Stop::Exit(..)) => {
                    cmd_exit.get_or_insert(e);
                    something = true;
                    continue;
                }
                Err(Stop::Bad(l, what)) => {
                    cmd_bad.get_or_insert((l, what));
                    something = true;
                    continue;
                }
                Err(e) => break Err(e),
            };
            match tok {
                Tok::Word(mut w) => {
                    if redirect_target {
                        redirect_target = false;
                        continue;
                    }
                    let lead = words.len() == undo.len() && words.iter().all(|w| w.assignment.is_some());
                    if words.is_empty() && !something && !w.quoted && w.assignment.is_none() {
                        match w.text.as_str() {
                            "{" => {
                                groups += 1;
                                continue;
                            }
                            "}" if groups == 0 => break Err(Stop::Syntax(lx.line, "\"}\" unexpected")),
                            "}" => {
                                groups -= 1;
                                something = true;
                                continue;
                            }
                            "!" => {
                                bang = true;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    if lead && let Some(a) = w.assignment.clone() {
                        if a.append && sh != Sh::Bash {
                            w.assignment = None;
                        } else {
                            // Assignments take effect left to right: `A=1 B=$A` sets B to 1.
                            let why = w.unresolved;
                            run.assign(&a, why, &mut undo);
                        }
                    }
                    words.push(w);
                }
                Tok::Redirect => {
                    something = true;
                    redirect_target = true;
                }
                Tok::Open if words.is_empty() && !something => {
                    run.cx.budget.spend(run.cx.vars.len() * 64).ok();
                    run.saved.push((run.cx.vars.clone(), run.cx.unknown.clone()));
                }
                Tok::Open
                    if sh == Sh::Bash
                        && words.last().is_some_and(|w| {
                            w.assignment.as_ref().is_some_and(|a| a.value.is_empty()) && w.end + 1 == lx.i
                        }) =>
                {
                    // bash's `K=(a b)`: an array, never exported; `$K` is its first element.
                    let mut first: Option<Word> = None;
                    let closed = loop {
                        match lx.next(&run.cx) {
                            Ok(Tok::Word(e)) => {
                                first.get_or_insert(e);
                            }
                            Ok(Tok::Newline) if lx.i < chars.len() => {}
                            Ok(Tok::Close) => break Ok(()),
                            Ok(_) => break Err(Stop::Syntax(lx.line, "unexpected token in an array")),
                            // An element's expansion fails when the command runs.
                            Err(e @ Stop::Exit(..)) => {
                                cmd_exit.get_or_insert(e);
                            }
                            Err(Stop::Bad(l, what)) => {
                                cmd_bad.get_or_insert((l, what));
                            }
                            Err(e) => break Err(e),
                        }
                    };
                    if let Err(e) = closed {
                        break Err(e);
                    }
                    // `K=(a b)x`: with no blank after `)`, bash takes the parentheses as text.
                    let open = words.last().map_or(lx.i, |w| w.end);
                    let raw: String = chars.get(open..lx.i).map(|r| r.iter().collect()).unwrap_or_default();
                    let literal = lx.peek().is_some_and(|c| !BREAK.contains(&c));
                    let tail = if literal {
                        match lx.word(&run.cx) {
                            Ok(t) => Some(t),
                            Err(e) => break Err(e),
                        }
                    } else {
                        None
                    };
                    if let Some(w) = words.last_mut()
                        && let Some(a) = w.assignment.as_mut()
                    {
                        if let Some(tail) = tail {
                            a.value = format!("{raw}{}", tail.text);
                            w.unresolved = tail.unresolved;
                            let a = a.clone();
                            run.cx.set(&a.name, &a.value, w.unresolved);
                            continue;
                        }
                        a.value = first.as_ref().map(|f| f.text.clone()).unwrap_or_default();
                        w.unresolved = first.and_then(|f| f.unresolved);
                        run.arrays.insert(a.name.clone());
                        let a = a.clone();
                        let why = w.unresolved;
                        if let Some(at) = undo.iter().rposition(|(n, _, _)| *n == a.name) {
                            let (_, v, u) = undo.remove(at);
                            undo.push((a.name.clone(), v, u));
                        }
                        run.cx.set(&a.name, &a.value, why);
                    }
                }
                Tok::Open => break Err(Stop::Syntax(lx.line, "\"(\" unexpected")),
                Tok::Close if run.saved.is_empty() => break Err(Stop::Syntax(lx.line, "\")\" unexpected")),
                Tok::Close => break Ok(Term::Close),
                Tok::Newline if words.is_empty() && !something && continued && lx.i < chars.len() => {}
                Tok::Newline if words.is_empty() && !something && continued && groups == 0 => {
                    break Err(Stop::Syntax(lx.line, "end of file unexpected"));
                }
                Tok::Newline => break Ok(Term::Newline),
                Tok::Semi | Tok::And | Tok::Or | Tok::Pipe | Tok::Background if words.is_empty() && !something => {
                    break Err(Stop::Syntax(lx.line, "a separator with no command before it"));
                }
                Tok::Semi => break Ok(Term::Semi),
                Tok::And => break Ok(Term::And),
                Tok::Or => break Ok(Term::Or),
                Tok::Pipe => break Ok(Term::Pipe),
                Tok::Background => break Ok(Term::Background),
            }
        };
        let term = match read {
            Ok(t) => t,
            Err(e) => break Some(e),
        };
        // (bash takes a lone `!` as an empty command.)
        if bang && words.is_empty() && !something && sh == Sh::Dash {
            break Some(Stop::Syntax(line, "`!` with no command after it"));
        }
        continued = matches!(term, Term::And | Term::Or | Term::Pipe) || groups > 0;
        let in_pipe = piped || term == Term::Pipe || term == Term::Background;
        if let Some((l, what)) = cmd_bad.filter(|_| exiting.is_none() && cmd_exit.is_none()) {
            run.undo(undo);
            undo = Vec::new();
            words.clear();
            run.note(l, &format!("{what}: bash skips this command"), false);
            run.status = 1;
        }
        if exiting.is_some() {
            // The shell has exited: the rest of the list is only parsed.
            run.undo(undo);
            undo = Vec::new();
            words.clear();
        } else if let Some(e) = cmd_exit {
            run.undo(undo);
            undo = Vec::new();
            words.clear();
            // In a subshell (a pipeline, `&`, `( … )`) only the subshell exits.
            if !in_pipe && run.saved.is_empty() {
                exiting = Some(e);
            }
        }
        if term == Term::Background && !words.is_empty() {
            run.note(
                line,
                "an unquoted `&` runs the command before it in the background, where its assignments are lost",
                false,
            );
        }
        // `a && b &` runs the whole and-or list in the background: what it set is lost.
        if matches!(term, Term::And | Term::Or) && andor.is_none() && run.saved.is_empty() {
            let mut vars = run.cx.vars.clone();
            let mut unknown = run.cx.unknown.clone();
            for (name, value, why) in undo.iter().rev() {
                match value {
                    Some(v) => vars.insert(name.clone(), v.clone()),
                    None => vars.remove(name),
                };
                match why {
                    Some(w) => unknown.insert(name.clone(), w),
                    None => unknown.remove(name),
                };
            }
            andor = Some((vars, unknown, run.pending.len()));
        }
        if !words.is_empty() {
            let lead = undo.len();
            if skip {
                run.undo(undo);
            } else if let Err(e) = run.execute(line, &words, lead, undo, !in_pipe) {
                exiting = Some(e);
            }
        } else if !skip {
            run.status = 0;
        }
        if !matches!(term, Term::And | Term::Or | Term::Pipe)
            && let Some((vars, unknown, pending)) = andor.take()
            && term == Term::Background
        {
            run.cx.vars = vars;
            run.cx.unknown = unknown;
            run.pending.truncate(pending);
        }
        piped = term == Term::Pipe;
        skip = match term {
            Term::And => run.status != 0,
            Term::Or => run.status == 0,
            _ => false,
        };
        if term == Term::Close
            && let Some((vars, unknown)) = run.saved.pop()
        {
            run.cx.vars = vars;
            run.cx.unknown = unknown;
        }
        if term == Term::Newline && !continued && run.saved.is_empty() && exiting.is_some() {
            break exiting;
        }
        if term == Term::Newline && !continued {
            if run.saved.is_empty() {
                let done = std::mem::take(&mut run.pending);
                run.entries.extend(done);
            }
            if lx.i >= chars.len() {
                if !run.saved.is_empty() {
                    break Some(Stop::Syntax(lx.line, "end of file inside `( … )`"));
                }
                break None;
            }
        }
        if lx.i >= chars.len() && (continued || term != Term::Newline) {
            if continued || !run.saved.is_empty() {
                break Some(Stop::Syntax(lx.line, "end of file unexpected"));
            }
            if exiting.is_some() {
                break exiting;
            }
            let done = std::mem::take(&mut run.pending);
            run.entries.extend(done);
            break None;
        }
    };
    finish(run, stop)
}

/// The reading, with where and why it stopped.
fn finish<'a>(mut run: Run<'a>, stop: Option<Stop>) -> Parsed<'a> {
    let bash = run.sh == Sh::Bash;
    if let Some(line) = run.cx.undecided.get()
        && !matches!(stop, Some(Stop::Syntax(..) | Stop::Exit(..)))
    {
        for e in &mut run.entries {
            e.unresolved = Some(UNDECIDED);
        }
        run.note(
            line,
            "`${K:?}` on a value that comes from a command: the shell exits if it is empty, and then nothing from this file loads",
            false,
        );
    }
    match stop {
        None => {}
        Some(Stop::Syntax(line, what)) if bash => run.note(
            line,
            &format!("syntax error ({what}): bash stops reading the file here; what the lines before it set stays set"),
            false,
        ),
        Some(Stop::Syntax(line, what)) => run.note(
            line,
            &format!("syntax error ({what}): dash exits, so nothing from this file reaches the program"),
            true,
        ),
        Some(Stop::Exit(line, what) | Stop::Bad(line, what)) => run.note(
            line,
            &format!("{what}: the shell exits, so nothing from this file reaches the program"),
            true,
        ),
    }
    if !run.arrays.is_empty() {
        let arrays = std::mem::take(&mut run.arrays);
        run.entries.retain(|e| !arrays.contains(&*e.key));
    }
    Parsed {
        entries: run.entries,
        errors: run.errors,
    }
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

    /// What the program gets (resolved keys only, in key order), or None when the file is refused.
    fn program(text: &str, sh: Sh) -> Option<Vec<(String, String)>> {
        let env: Env = [("HOME".to_string(), "/h".to_string())].into_iter().collect();
        let p = parse(text.as_bytes(), &env, sh);
        if p.errors.iter().any(|e| e.fatal) {
            return None;
        }
        let mut out: std::collections::BTreeMap<String, String> = Default::default();
        for e in p.effective() {
            match e.unresolved {
                None => out.insert(e.key.to_string(), e.value.to_string()),
                Some(_) => out.remove(&*e.key),
            };
        }
        Some(out.into_iter().collect())
    }

    /// Recorded with Debian's dash 0.5.12 and bash 5.2.15: `set -a; . ./f; env`.
    #[test]
    fn dash_and_bash_as_recorded() {
        type Program = Option<&'static [(&'static str, &'static str)]>;
        let cases: &[(&str, Program, Program)] = &[
            // A syntax error: dash exits; bash keeps what the lines before it set, not the line's own.
            ("A=1\nB=2; C='open\nD=3\n", None, Some(&[("A", "1")])),
            // Empty command substitutions assign "".
            (
                "A=``\nB=`  `\nC=$()\n",
                Some(&[("A", ""), ("B", ""), ("C", "")]),
                Some(&[("A", ""), ("B", ""), ("C", "")]),
            ),
            ("A=$'a\\tb'\n", Some(&[("A", "$a\\tb")]), Some(&[("A", "a\tb")])),
            ("A=x\nA+=y\n", Some(&[("A", "x")]), Some(&[("A", "xy")])),
            ("A=(a b)\nB=$A\n", None, Some(&[("B", "a")])),
            ("export 1X=5 B=2\nC=3\n", None, Some(&[("B", "2"), ("C", "3")])),
            ("A=1 :\n", Some(&[("A", "1")]), Some(&[])),
            (
                "A=x\nB=${A/x/y}\nC=3\n",
                None,
                Some(&[("A", "x"), ("B", "y"), ("C", "3")]),
            ),
            // dash parses a backquoted command with the file; bash when it runs it.
            ("A=1\nB=`x(`\nC=3\n", None, Some(&[("A", "1"), ("C", "3")])),
            (
                "A=1 && B=2 || C=3\n",
                Some(&[("A", "1"), ("B", "2")]),
                Some(&[("A", "1"), ("B", "2")]),
            ),
            ("A=1 | B=2\nC=3 &\n", Some(&[]), Some(&[])),
            ("{ A=1; }\n( B=2 )\n", Some(&[("A", "1")]), Some(&[("A", "1")])),
            ("A=1 $E\n", Some(&[("A", "1")]), Some(&[("A", "1")])),
            ("A=a:~/x\n", Some(&[("A", "a:/h/x")]), Some(&[("A", "a:/h/x")])),
            ("K2=2\nK1=${K1:?}\nK3=3\n", None, None),
            // `&` sends the whole and-or list to the background.
            ("A=1 || B=2 &\nC=3\n", Some(&[("C", "3")]), Some(&[("C", "3")])),
            // `!` needs a command after it (dash parses backquotes with the file).
            ("A=`!`\nC=3\n", None, Some(&[("C", "3")])),
            // bash keeps an assignment before a built-in only for that built-in.
            ("A=x export B=1\n", Some(&[("A", "x"), ("B", "1")]), Some(&[("B", "1")])),
            // The syntax error on the next line comes first: the shell never runs `${K1:?}`.
            ("K2=2\nK1=\"${K1:?} x\nK3=3\n", None, Some(&[("K2", "2")])),
        ];
        let owned = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        for (text, dash, bash) in cases {
            assert_eq!(program(text, Sh::Dash), dash.map(owned), "dash: {text:?}");
            assert_eq!(program(text, Sh::Bash), bash.map(owned), "bash: {text:?}");
        }
    }

    /// `${B:?}` on a command's output: the real shells (output empty here) exit; authdoctor cannot
    /// know the output, so it leaves every value of the file undecided rather than guess.
    #[test]
    fn exit_on_a_command_output_is_undecided() {
        for sh in [Sh::Dash, Sh::Bash] {
            let p = parse(b"A=0\nB=`x`\nC=${B:?}\n", &Env::new(), sh);
            assert!(p.errors.iter().all(|e| !e.fatal));
            assert!(p.entries.iter().all(|e| e.unresolved == Some(UNDECIDED)));
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_unresolved() {
        let p = parse(b"A=caf\xe9\nB=$A\nC=ok\n", &Env::new(), Sh::Dash);
        let why: Vec<_> = p.entries.iter().map(|e| e.unresolved.is_some()).collect();
        assert_eq!(why, vec![true, true, false]);
    }

    #[test]
    fn expansion_past_the_bounds_is_too_large() {
        let chain: String = (1..=40).map(|i| format!("K{i}=$K{0}$K{0}\n", i - 1)).collect();
        let text = format!("K0=x\n{chain}B=ok\n");
        for sh in [Sh::Dash, Sh::Bash] {
            let p = parse(text.as_bytes(), &Env::new(), sh);
            let get = |k: &str| p.entries.iter().find(|e| e.key == k).expect("key");
            assert_eq!(get("K3").value, "xxxxxxxx");
            assert_eq!(get("K40").unresolved, Some(TOO_LARGE));
            assert_eq!(get("B").value, "ok");
        }
        let nested = format!("A={}x{}\n", "${A-".repeat(100), "}".repeat(100));
        assert_eq!(
            parse(nested.as_bytes(), &Env::new(), Sh::Dash).entries[0].unresolved,
            Some(TOO_LARGE)
        );
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
