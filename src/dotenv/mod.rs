//! Emulations of the `.env` loaders: the bytes each one hands a program for each key.
//!
//! Each loader is a module with `parse(text, env) -> Parsed`. They are checked byte-for-byte
//! against recordings of the real loaders (tests/fixtures/dotenv, scripts/record-loaders.sh).

pub mod bun;
pub mod compose;
pub mod detect;
pub mod diagnose;
pub mod docker;
pub mod dotenvy;
pub mod godotenv;
pub mod nextjs;
pub mod node;
pub mod node_native;
pub mod python;
pub mod ruby;
pub mod shell;
pub mod vite;

use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The process environment a loader may read for `$VAR` expansion.
pub type Env = BTreeMap<String, String>;

/// One assignment as a loader read it, with the 1-based line where its key starts. Key and value
/// borrow the file's text where the loader takes them as written (a plain `NAME=value` line), so a
/// 10,000-line file is not copied once per loader. Deliberately not `Serialize`, and `Debug` shows
/// no value: an entry holds a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub key: Cow<'a, str>,
    pub value: Cow<'a, str>,
    pub line: usize,
    /// Something the real loader would do that authdoctor does not (run `$(cmd)`): the value is
    /// the text before that step.
    pub unresolved: Option<&'static str>,
}

impl<'a> Entry<'a> {
    pub fn new(key: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>, line: usize) -> Entry<'a> {
        Entry {
            key: key.into(),
            value: value.into(),
            line,
            unresolved: None,
        }
    }

    /// The same entry, owning its text.
    pub fn into_owned(mut self) -> Entry<'static> {
        Entry {
            key: Cow::Owned(std::mem::take(&mut self.key).into_owned()),
            value: Cow::Owned(std::mem::take(&mut self.value).into_owned()),
            line: self.line,
            unresolved: self.unresolved,
        }
    }
}

impl std::fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Entry {{ key: {:?}, value: [redacted], line: {} }}",
            self.key, self.line
        )
    }
}

impl Drop for Entry<'_> {
    /// A value the entry owns is wiped; a borrowed one belongs to the file's buffer.
    fn drop(&mut self) {
        if let Cow::Owned(v) = &mut self.value {
            zeroize::Zeroize::zeroize(v);
        }
    }
}

/// Why an entry is left unresolved when expanding it would exceed authdoctor's bounds (see `Budget`).
/// (Reasons read as "KEY contains a {reason}".)
pub const TOO_LARGE: &str = "reference too large to expand: nested too deeply, past 256 KiB, or past authdoctor's work bound \
     for the file (the real loader may run out of memory or time here)";

/// Expansion work authdoctor allows itself per file, so that a few hundred bytes of self-referencing
/// or nested `${A:-${A:-…}}` cannot make it allocate gigabytes or run for minutes (the real loaders
/// can: Next.js runs out of heap, shells and compose build gigabyte values). Exceeding any bound
/// leaves the entry unresolved with `TOO_LARGE`, and so every entry that refers to it.
pub(crate) struct Budget {
    left: std::cell::Cell<usize>,
}

/// An expansion gave up at one of `Budget`'s bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

impl Budget {
    /// Longest value an expansion may produce, in bytes.
    pub const MAX_VALUE: usize = 256 << 10;
    /// Deepest nesting of `${A:-${B:-…}}` defaults (or re-expansion rounds) followed.
    pub const MAX_DEPTH: usize = 64;
    /// Work per file, in bytes scanned or produced: a floor, and more for a larger file, so memory
    /// and time stay linear in the file's size.
    const FLOOR: usize = 32 << 20;
    const PER_BYTE: usize = 256;

    pub fn for_file(len: usize) -> Budget {
        Budget {
            left: std::cell::Cell::new(Budget::FLOOR.max(len.saturating_mul(Budget::PER_BYTE))),
        }
    }

    /// Charge `n` bytes of work: Err once the file's work is spent (and from then on).
    pub fn spend(&self, n: usize) -> Result<(), TooLarge> {
        match self.left.get().checked_sub(n) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.left.set(0);
                Err(TooLarge)
            }
        }
    }

    /// A value of `len` bytes: Err past `MAX_VALUE`; else its bytes are charged.
    pub fn produce(&self, len: usize) -> Result<(), TooLarge> {
        if len > Budget::MAX_VALUE {
            return Err(TooLarge);
        }
        self.spend(len)
    }

    /// `added` bytes appended to a value now `len` bytes long: Err past `MAX_VALUE`; the added
    /// bytes are charged (so many short references cost what they add, not the value's length).
    pub fn append(&self, len: usize, added: usize) -> Result<(), TooLarge> {
        if len > Budget::MAX_VALUE {
            return Err(TooLarge);
        }
        self.spend(added)
    }

    /// Nesting `depth`: Err past `MAX_DEPTH`.
    pub fn depth(depth: usize) -> Result<(), TooLarge> {
        if depth > Budget::MAX_DEPTH {
            Err(TooLarge)
        } else {
            Ok(())
        }
    }
}

/// Where a loader gave up, and why (never quoting the value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadError {
    pub line: usize,
    pub message: String,
    /// True when the loader rejects the whole file; false when it loaded what came before.
    pub fatal: bool,
}

/// A loader's reading of one file: every assignment in order, and where it stopped, if it did.
#[derive(Debug, Clone, Default)]
pub struct Parsed<'a> {
    pub entries: Vec<Entry<'a>>,
    pub errors: Vec<LoadError>,
}

impl<'a> Parsed<'a> {
    /// Entries the program ends up with: none when a fatal error rejects the file.
    pub fn effective(&self) -> &[Entry<'a>] {
        if self.errors.iter().any(|e| e.fatal) {
            &[]
        } else {
            &self.entries
        }
    }

    /// The same reading, owning its text.
    pub fn into_owned(self) -> Parsed<'static> {
        Parsed {
            entries: self.entries.into_iter().map(Entry::into_owned).collect(),
            errors: self.errors,
        }
    }
}

/// `read` over `text`: its entries may borrow `text` when it is the file's own (borrowed) text, and
/// are copied out of a converted text (invalid UTF-8 replaced, CR LF made LF) before it goes away.
pub(crate) fn with_text<'a>(text: Cow<'a, str>, read: impl for<'t> FnOnce(&'t str) -> Parsed<'t>) -> Parsed<'a> {
    match text {
        Cow::Borrowed(t) => read(t),
        Cow::Owned(t) => read(&t).into_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Loader {
    Node,
    Nextjs,
    Python,
    Compose,
    Docker,
    Ruby,
    Dotenvy,
    Shell,
    NodeNative,
    Godotenv,
    Vite,
    Bun,
}

/// What a loader does with a file holding bytes that are not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidUtf8 {
    /// Decodes the file with U+FFFD for each invalid sequence (Node's `readFileSync(f, 'utf8')`).
    Replaces,
    /// Raises, and nothing from the file loads (python-dotenv, Ruby's dotenv, `docker --env-file`).
    Refuses,
    /// Loads the lines before the first one that is not UTF-8, and stops there (dotenvy).
    StopsThere,
    /// Passes the bytes on as they are (compose-go, the shells); authdoctor leaves such values
    /// unresolved, a `str` cannot hold them.
    KeepsRaw,
}

impl InvalidUtf8 {
    /// "node replaces invalid bytes with U+FFFD" reads with the loader's name before it.
    pub fn describe(self) -> &'static str {
        match self {
            InvalidUtf8::Replaces => "replaces invalid bytes with U+FFFD",
            InvalidUtf8::Refuses => "refuses the file",
            InvalidUtf8::StopsThere => "stops loading at that line",
            InvalidUtf8::KeepsRaw => "keeps the bytes as they are",
        }
    }
}

/// Which definition of a repeated key the program sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wins {
    First,
    Last,
}

impl Loader {
    pub const ALL: &'static [Loader] = &[
        Loader::Node,
        Loader::Nextjs,
        Loader::Python,
        Loader::Compose,
        Loader::Docker,
        Loader::Ruby,
        Loader::Dotenvy,
        Loader::Shell,
        Loader::NodeNative,
        Loader::Godotenv,
        Loader::Vite,
        Loader::Bun,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Loader::Node => "node",
            Loader::Nextjs => "nextjs",
            Loader::Python => "python",
            Loader::Compose => "compose",
            Loader::Docker => "docker",
            Loader::Ruby => "ruby",
            Loader::Dotenvy => "dotenvy",
            Loader::Shell => "shell",
            Loader::NodeNative => "node-native",
            Loader::Godotenv => "godotenv",
            Loader::Vite => "vite",
            Loader::Bun => "bun",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Loader::Node => "motdotla/dotenv 16/17: require('dotenv').config()",
            Loader::Nextjs => {
                "@next/env (Next.js): bundled dotenv 16.3.1 + dotenv-expand, .env.$mode.local > .env.local > .env.$mode > .env"
            }
            Loader::Python => {
                "python-dotenv 1.x: load_dotenv(), with ${VAR} interpolation (?interpolate=false to turn it off)"
            }
            Loader::Compose => "docker compose (compose-go dotenv parser with ${VAR} interpolation)",
            Loader::Docker => "docker run --env-file: KEY=VALUE lines taken literally",
            Loader::Ruby => "bkeepers/dotenv 3.x (Ruby): Dotenv.load",
            Loader::Dotenvy => "the Rust crate dotenvy 0.15: dotenvy::dotenv()",
            Loader::Shell => "POSIX sh: set -a; . ./.env (emulated, never executed)",
            Loader::Godotenv => "joho/godotenv 1.5 (Go): godotenv.Load(), $VAR from the file's earlier keys only",
            Loader::NodeNative => {
                "Node's own parser (20.6+): node --env-file=.env, process.loadEnvFile(); no expansion, keys up to the next =, quotes span lines"
            }
            Loader::Vite => {
                "Vite 8 loadEnv (vite.config, import.meta.env): Node's own parser + dotenv-expand 12, process.env wins; the client sees only VITE_* keys"
            }
            Loader::Bun => {
                "bun 1.4 (bun index.ts, bun test auto-load .env; --env-file): its own parser, $VAR and ${VAR:-default} expanded once (also in single quotes), process.env wins"
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Loader> {
        Loader::ALL.iter().copied().find(|l| l.name() == name)
    }

    pub fn names() -> String {
        Loader::ALL.iter().map(|l| l.name()).collect::<Vec<_>>().join(", ")
    }

    /// What this loader does with bytes that are not UTF-8 (the same for both shells).
    pub fn on_invalid_utf8(self) -> InvalidUtf8 {
        match self {
            // godotenv: in an unquoted value, one U+FFFD per byte (a quoted value keeps the bytes).
            Loader::Node | Loader::Nextjs | Loader::NodeNative | Loader::Godotenv | Loader::Vite | Loader::Bun => {
                InvalidUtf8::Replaces
            }
            Loader::Python | Loader::Docker | Loader::Ruby => InvalidUtf8::Refuses,
            Loader::Dotenvy => InvalidUtf8::StopsThere,
            Loader::Compose | Loader::Shell => InvalidUtf8::KeepsRaw,
        }
    }

    /// Which definition wins when a key is repeated in one file.
    pub fn wins(self) -> Wins {
        match self {
            // Both set variables only when not already set, so the first definition sticks.
            Loader::Dotenvy => Wins::First,
            _ => Wins::Last,
        }
    }

    /// How this loader reads one file's bytes. `env` is the process environment used for
    /// expansion; `opts` carries loader options (`interpolate=false` for python). The shell loader
    /// reads as dash does (see `parse_sh` for bash).
    pub fn parse<'a>(self, bytes: &'a [u8], env: &Env, opts: &Options) -> Parsed<'a> {
        self.parse_sh(bytes, env, opts, Sh::Dash)
    }

    /// `parse`, with the shell that sources the file for the shell loader (`?sh=`; the other
    /// loaders ignore it).
    pub fn parse_sh<'a>(self, bytes: &'a [u8], env: &Env, opts: &Options, sh: Sh) -> Parsed<'a> {
        match self {
            Loader::Node => with_text(lossy(bytes), node::parse),
            Loader::NodeNative => node_native::parse(&lossy(bytes)),
            Loader::Godotenv => godotenv::parse(bytes),
            Loader::Vite => vite::parse(&lossy(bytes), env),
            Loader::Bun => bun::parse(&lossy(bytes), env),
            Loader::Nextjs => with_text(lossy(bytes), |t| nextjs::parse_one(t, env)),
            Loader::Python => python::parse(bytes, env, opts.interpolate),
            Loader::Compose => compose::parse(bytes, env),
            Loader::Docker => docker::parse(bytes),
            Loader::Ruby => ruby::parse(bytes, env),
            Loader::Dotenvy => dotenvy::parse(bytes, env),
            Loader::Shell => shell::parse(bytes, env, sh),
        }
    }

    /// Rough parse cost on a large file relative to the others (measured on the 10,000-line bench
    /// file), so the costliest start first when they are spread over the cores. `with_nextjs`: node's
    /// job also runs Next.js's expansion.
    pub(crate) fn relative_cost(self, with_nextjs: bool) -> u32 {
        match self {
            Loader::Node if with_nextjs => 9,
            Loader::Nextjs => 8,
            Loader::Ruby => 5,
            Loader::Node | Loader::Shell => 4,
            Loader::Dotenvy | Loader::Compose | Loader::Python | Loader::Godotenv | Loader::Vite | Loader::Bun => 3,
            Loader::Docker | Loader::NodeNative => 1,
        }
    }

    /// The entry the program ends up with for `key`.
    pub fn lookup<'p, 'a>(self, parsed: &'p Parsed<'a>, key: &str) -> Option<&'p Entry<'a>> {
        let entries = parsed.effective();
        match self.wins() {
            Wins::First => entries.iter().find(|e| e.key == key),
            Wins::Last => entries.iter().rev().find(|e| e.key == key),
        }
    }
}

/// What a JavaScript plain object yields for a name it does not own but inherits from
/// Object.prototype, once `String.prototype.replace(text, value)` has used it: `__proto__` is the
/// prototype itself ("[object Object]"); the functions are called as the replacer with an undefined
/// `this`. dotenv-expand (Next.js's and Vite's copies) look names up in such objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsInherited {
    /// The text the replacement inserts.
    Text(&'static str),
    /// `Object(match)` gives the match back: the expansion loop never ends.
    Endless,
    /// The function throws on an undefined `this` (the loader fails).
    Throws,
}

/// `name` as an inherited member of a plain JavaScript object, if it is one.
pub(crate) fn js_inherited(name: &str) -> Option<JsInherited> {
    match name {
        "__proto__" => Some(JsInherited::Text("[object Object]")),
        "toString" => Some(JsInherited::Text("[object Undefined]")),
        "isPrototypeOf" => Some(JsInherited::Text("false")),
        "constructor" => Some(JsInherited::Endless),
        "valueOf"
        | "hasOwnProperty"
        | "propertyIsEnumerable"
        | "toLocaleString"
        | "__defineGetter__"
        | "__defineSetter__"
        | "__lookupGetter__"
        | "__lookupSetter__" => Some(JsInherited::Throws),
        _ => None,
    }
}

/// Key range, value range and where the next line starts.
pub(crate) type PlainLine = (std::ops::Range<usize>, std::ops::Range<usize>, usize);

/// A line starting at `at` that is exactly `NAME=value\n` (or ends the text): NAME is
/// `[A-Za-z_][A-Za-z0-9_]*` (not `export`), value is one or more of `A-Za-z0-9_./:@%+,=-`, with
/// no quotes, spaces, `#`, `$`, backslash, CR or anything else any loader treats specially.
pub(crate) fn plain_line(b: &[u8], at: usize) -> Option<PlainLine> {
    plain_line_in(b, at, Some)
}

/// `plain_line` over a text held as chars (the shell lexer's form): key, value and the index
/// where the next line starts.
pub(crate) fn plain_line_chars(b: &[char], at: usize) -> Option<(String, String, usize)> {
    let (key, value, next) = plain_line_in(b, at, |c| u8::try_from(c).ok())?;
    Some((b[key].iter().collect(), b[value].iter().collect(), next))
}

/// The one definition of a plain line, over bytes or chars (`byte` maps a unit to its ASCII byte).
fn plain_line_in<T: Copy>(b: &[T], at: usize, byte: impl Fn(T) -> Option<u8>) -> Option<PlainLine> {
    if shortcuts_off() {
        return None;
    }
    let at_byte = |i: usize| b.get(i).copied().and_then(&byte);
    let first = at_byte(at)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let mut i = at + 1;
    while at_byte(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
        i += 1;
    }
    let export = i - at == 6 && (at..i).zip(*b"export").all(|(k, e)| at_byte(k) == Some(e));
    if at_byte(i) != Some(b'=') || export {
        return None;
    }
    let start = i + 1;
    let run = b[start.min(b.len())..]
        .iter()
        .position(|u| !byte(*u).is_some_and(plain_value_byte))
        .map_or(b.len(), |n| start + n);
    if run < b.len() && byte(b[run]) != Some(b'\n') {
        return None;
    }
    (run > start).then_some((at..i, start..run, run + 1))
}

#[cfg(test)]
thread_local! {
    /// Tests turn the plain-line shortcut off to compare each loader with and without it.
    static NO_SHORTCUTS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn shortcuts_off() -> bool {
    #[cfg(test)]
    return NO_SHORTCUTS.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// A byte every loader takes literally in an unquoted value (no quote, space, `#`, `$`, `\\`, `~`,
/// CR, glob or shell operator).
pub(crate) fn plain_value_byte(c: u8) -> bool {
    PLAIN_VALUE[c as usize]
}

/// `plain_value_byte` as a table: the test runs once per byte of nearly every line of a large file.
static PLAIN_VALUE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'.' | b'/' | b':' | b'@' | b'%' | b'+' | b',' | b'=' | b'-');
        c += 1;
    }
    t
};

/// The shell that sources the file for the shell loader: `?sh=dash` (POSIX sh, the default) or
/// `?sh=bash`, which reads several hazards differently (see `shell`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sh {
    #[default]
    Dash,
    Bash,
}

impl Sh {
    pub const ALL: &'static [Sh] = &[Sh::Dash, Sh::Bash];

    pub fn name(self) -> &'static str {
        match self {
            Sh::Dash => "dash",
            Sh::Bash => "bash",
        }
    }

    /// `sh` is accepted for dash: it is what `/bin/sh` is on Debian and Ubuntu.
    pub fn from_name(name: &str) -> Option<Sh> {
        match name {
            "sh" | "dash" => Some(Sh::Dash),
            "bash" => Some(Sh::Bash),
            _ => None,
        }
    }

    pub fn names() -> String {
        Sh::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
    }
}

/// Loader options from `?name=value` on an `env:` source.
#[derive(Debug, Clone)]
pub struct Options {
    pub interpolate: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { interpolate: true }
    }
}

/// Node and Next.js read files with `readFileSync(path, 'utf8')`: invalid bytes become U+FFFD.
/// (`from_utf8` first: its ASCII fast path validates a large file several times faster than
/// `from_utf8_lossy`'s chunk walk, and every loader but docker calls this.)
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// `text` with CR LF and lone CR as LF (node's, ruby's and python's first step); no copy when
/// there is no CR.
pub(crate) fn lf_only(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The process environment as a map (names and values that are not UTF-8 are skipped).
pub fn process_env() -> Env {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// 1-based line of byte `offset` in `text`, counting LF, CR LF and lone CR as line ends.
pub fn line_at(text: &str, offset: usize) -> usize {
    let b = &text.as_bytes()[..offset.min(text.len())];
    let mut line = 1;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'\r' if b.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
        i += 1;
    }
    line
}

/// `line_at` for offsets that mostly grow: counts only the text since the last call, so a parser
/// that asks for every key's line stays linear on a 10,000-line file.
pub struct LineCounter<'a> {
    text: &'a str,
    offset: std::cell::Cell<usize>,
    line: std::cell::Cell<usize>,
}

impl<'a> LineCounter<'a> {
    pub fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            text,
            offset: std::cell::Cell::new(0),
            line: std::cell::Cell::new(1),
        }
    }

    pub fn at(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset.get() {
            self.offset.set(0);
            self.line.set(1);
        }
        let b = self.text.as_bytes();
        let mut line = self.line.get();
        for i in self.offset.get()..offset {
            match b[i] {
                b'\n' => line += 1,
                b'\r' if b.get(i + 1) != Some(&b'\n') => line += 1,
                _ => {}
            }
        }
        self.offset.set(offset);
        self.line.set(line);
        line
    }
}

#[cfg(test)]
mod fact_tests {
    use super::*;

    /// `on_invalid_utf8` says what each emulation does with a Latin-1 `é` on line 2.
    #[test]
    fn invalid_utf8_facts_match_the_emulations() {
        let bytes = b"A=1\nB=caf\xe9\nC=3\n";
        for l in Loader::ALL {
            for sh in Sh::ALL {
                let p = l.parse_sh(bytes, &Env::new(), &Options::default(), *sh);
                let fatal = p.errors.iter().any(|e| e.fatal);
                let b = p.entries.iter().find(|e| e.key == "B");
                let c = p.entries.iter().any(|e| e.key == "C");
                match l.on_invalid_utf8() {
                    InvalidUtf8::Replaces => {
                        assert!(!fatal && b.is_some_and(|b| b.value.contains('\u{fffd}') && b.unresolved.is_none()))
                    }
                    InvalidUtf8::Refuses => assert!(fatal, "{}", l.name()),
                    InvalidUtf8::StopsThere => assert!(!fatal && b.is_none() && !c, "{}", l.name()),
                    InvalidUtf8::KeepsRaw => assert!(!fatal && b.is_some_and(|b| b.unresolved.is_some()) && c),
                }
            }
        }
    }
}

#[cfg(test)]
mod shortcut_tests {
    use super::*;
    use proptest::prelude::*;

    fn read(l: Loader, text: &str, shortcuts: bool) -> (Vec<Entry<'_>>, Vec<LoadError>) {
        NO_SHORTCUTS.with(|c| c.set(!shortcuts));
        let p = l.parse(text.as_bytes(), &Env::new(), &Options::default());
        NO_SHORTCUTS.with(|c| c.set(false));
        (p.entries.clone(), p.errors.clone())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Every loader reads a plain `NAME=value` line through the shortcut exactly as its general
        /// parser reads it, among quotes (also multi-line), escapes, `$` expansion, comments,
        /// `export`, `:` separators, `;`, `&`, indentation, blank lines and CR LF.
        #[test]
        fn plain_line_shortcut_changes_nothing(
            lines in proptest::collection::vec(
                prop_oneof![
                    "[A-Z_][A-Z0-9_]{0,5}=[a-z0-9_./:@%+,=-]{1,10}",
                    "[A-Z_][A-Z0-9_]{0,5}=[a-z0-9_./:@%+,=-]{1,10}\r",
                    "(export )?[A-Z_][A-Z0-9_]{0,3} ?[=:] ?[a-z0-9 #'\"`$;&\\\\=-]{0,10}",
                    "[A-Z]{1,3}=\\$\\{?[A-Z]{1,3}\\}?",
                    "[ \t]+[A-Z]{1,3}=[a-z]{1,4}",
                    "[a-z#;' ]{0,6}",
                ],
                0..12,
            )
        ) {
            let text = lines.join("\n");
            for l in Loader::ALL {
                prop_assert_eq!(read(*l, &text, false), read(*l, &text, true), "{} on {:?}", l.name(), text);
            }
            let bash = |shortcuts: bool| {
                NO_SHORTCUTS.with(|c| c.set(!shortcuts));
                let p = Loader::Shell.parse_sh(text.as_bytes(), &Env::new(), &Options::default(), Sh::Bash);
                NO_SHORTCUTS.with(|c| c.set(false));
                (p.entries, p.errors)
            };
            prop_assert_eq!(bash(false), bash(true), "bash on {:?}", text);
        }

        /// No loader panics on any bytes, and every value stays within the expansion bounds.
        #[test]
        fn any_bytes_read_without_panic(
            bytes in proptest::collection::vec(
                prop_oneof![
                    4 => proptest::sample::select(b"$#'\"`\\={}()[]:;|&!~*?-+ \t\r\nKAx01".to_vec()),
                    1 => any::<u8>(),
                ],
                0..200,
            )
        ) {
            for l in Loader::ALL {
                for sh in Sh::ALL {
                    let p = l.parse_sh(&bytes, &Env::new(), &Options::default(), *sh);
                    prop_assert!(p.entries.iter().all(|e| e.value.len() <= Budget::MAX_VALUE + bytes.len()));
                }
            }
        }
    }
}

/// The bytes of file `name` of a project directory, as a loader that reads the directory's files
/// together (Next.js, Vite, bun) finds them: `None` when there is no such file (or it is a
/// directory); other errors name the file (the source names only the directory).
pub(crate) fn read_dir_file(dir: &std::path::Path, name: &str) -> std::io::Result<Option<Vec<u8>>> {
    match crate::source::read_regular(&dir.join(name)) {
        Ok(b) => Ok(Some(b)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(std::io::Error::new(e.kind(), format!("{name}: {e}"))),
    }
}

/// Line numbers of byte offsets in a file's bytes, by binary search over its newline offsets
/// (counting from the start for every entry was quadratic: a 50,000-line file took minutes).
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub(crate) fn new(bytes: &[u8]) -> LineIndex {
        let newlines = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        LineIndex {
            newlines,
            len: bytes.len(),
        }
    }

    /// The 1-based line of byte offset `at` (an offset past the end counts as the end).
    pub(crate) fn line_of(&self, at: usize) -> usize {
        let at = at.min(self.len);
        self.newlines.partition_point(|&p| p < at) + 1
    }
}
