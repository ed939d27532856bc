//! @next/env (Next.js `loadEnvConfig`): dotenv 16.3.1's parse, then the bundled dotenv-expand,
//! across `.env.$mode.local`, `.env.local` (not in test mode), `.env.$mode`, `.env`; the first file
//! that defines a key wins, and a variable already in the process environment wins over all.
//!
//! The expansion is dotenv-expand's `_interpolate`: repeatedly take the LAST `$` not preceded by a
//! backslash, match `${NAME:-default}` / `$NAME` there, and replace the FIRST occurrence of that
//! text in the value (a JS `String.replace` with a string pattern, `$`-patterns in the
//! replacement included) by process env, else default, else this file's value, else "".
//! Values are re-expanded until no `$` is left, so `$2b$10$…` hashes are emptied.

use super::{Budget, Entry, Env, LoadError, Parsed, TOO_LARGE, TooLarge};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::path::Path;

/// JS recursion runs out of stack around here; Next.js then logs "Failed to load env" and the file
/// contributes nothing.
const MAX_DEPTH: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
    Test,
}

impl Mode {
    pub fn from_name(s: &str) -> Option<Mode> {
        match s {
            "development" | "dev" => Some(Mode::Development),
            "production" | "prod" => Some(Mode::Production),
            "test" => Some(Mode::Test),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Development => "development",
            Mode::Production => "production",
            Mode::Test => "test",
        }
    }

    /// The files Next.js reads, highest priority first.
    pub fn files(self) -> Vec<String> {
        let m = self.name();
        let mut v = vec![format!(".env.{m}.local")];
        if self != Mode::Test {
            v.push(".env.local".to_string());
        }
        v.push(format!(".env.{m}"));
        v.push(".env".to_string());
        v
    }
}

/// One file read on its own, as if it were the only file Next.js found.
pub fn parse_one<'a>(text: &'a str, env: &Env) -> Parsed<'a> {
    from_node_entries(&super::node::entries(text), env)
}

/// The same, from dotenv's parse of the file (which Next.js runs first), so a caller that has
/// node's reading already does not parse twice.
pub fn from_node_entries<'a>(all: &[Entry<'a>], env: &Env) -> Parsed<'a> {
    let mut process = Cow::Borrowed(env);
    match expand(all, &mut process, false) {
        Ok(entries) => Parsed {
            entries,
            errors: Vec::new(),
        },
        Err(e) => Parsed {
            entries: Vec::new(),
            errors: vec![e],
        },
    }
}

/// A key's value during expansion: dotenv's reading until expansion (or the environment) replaces it.
struct Value<'s, 'a> {
    read: &'s Cow<'a, str>,
    now: Option<String>,
    line: usize,
    /// Expanding it went past authdoctor's bounds (`Budget`).
    too_large: bool,
}

impl Value<'_, '_> {
    fn get(&self) -> &str {
        self.now.as_deref().unwrap_or(self.read)
    }
}

type Values<'s, 'a> = HashMap<&'s str, Value<'s, 'a>>;

/// Expand one file's entries against the process environment, as `processEnv` does; with
/// `publish`, the file's keys are then written into it for the files that follow.
fn expand<'a>(all: &[Entry<'a>], process: &mut Cow<Env>, publish: bool) -> Result<Vec<Entry<'a>>, LoadError> {
    // A JS object keeps each key at its first insertion, with the last value.
    let mut order: Vec<&Entry<'a>> = Vec::new();
    let mut parsed: Values = HashMap::with_capacity_and_hasher(all.len(), Default::default());
    for e in all {
        let v = Value {
            read: &e.value,
            now: None,
            line: e.line,
            too_large: false,
        };
        if parsed.insert(&e.key, v).is_none() {
            order.push(e);
        }
    }
    let budget = Budget::for_file(all.iter().map(|e| e.key.len() + e.value.len() + 2).sum());
    for e in &order {
        let key: &str = &e.key;
        if let Some(v) = process.get(key)
            && !v.contains('$')
        {
            let v = v.clone();
            if let Some(slot) = parsed.get_mut(key) {
                slot.now = Some(v);
            }
            continue;
        }
        let raw = match process.get(key) {
            Some(v) => v.as_str(),
            None => parsed[key].get(),
        };
        if !raw.contains('$') {
            continue;
        }
        let expanded = match interpolate(raw, process, &parsed, &budget) {
            Expanded::Done(v) => v,
            Expanded::TooLarge => {
                if let Some(slot) = parsed.get_mut(key) {
                    slot.too_large = true;
                }
                continue;
            }
            Expanded::Endless => {
                return Err(LoadError {
                    line: parsed[key].line,
                    message: format!(
                        "expanding {key} never ends (a variable refers to itself) or throws (it names a function every JavaScript object has); Next.js logs \"Failed to load env\" and skips the whole file"
                    ),
                    fatal: true,
                });
            }
        };
        let resolved = expanded.replace("\\$", "$");
        if let Some(slot) = parsed.get_mut(key) {
            slot.now = Some(resolved);
        }
    }
    if publish {
        let p = process.to_mut();
        for e in &order {
            p.insert(e.key.to_string(), parsed[&*e.key].get().to_string());
        }
    }
    Ok(order
        .iter()
        // A key every JavaScript object inherits (`toString`) is "already defined" for Next.js's
        // merge (`typeof env[key] === "undefined"` fails), and `__proto__` sets no key: neither loads.
        .filter(|e| super::js_inherited(&e.key).is_none() || process.contains_key(&*e.key))
        // Every key in `order` is in `parsed`, once.
        .filter_map(|e| {
            let v = parsed.remove(&*e.key)?;
            let value = match v.now {
                Some(now) => Cow::Owned(now),
                None => v.read.clone(),
            };
            let mut entry = Entry::new(e.key.clone(), value, v.line);
            if v.too_large {
                entry.unresolved = Some(TOO_LARGE);
            }
            Some(entry)
        })
        .collect())
}

/// Byte offset of the last `$` not preceded by a backslash.
fn last_unescaped_dollar(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut end = b.len();
    while let Some(i) = s[..end].rfind('$') {
        if i == 0 || b[i - 1] != b'\\' {
            return Some(i);
        }
        end = i;
    }
    None
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `\${?(\w+)(?::-([^}\\]*))?}?` matched at the start of a text: the match's length, and where
/// the name and the default lie within it.
struct Reference {
    len: usize,
    name: std::ops::Range<usize>,
    default: Option<std::ops::Range<usize>>,
}

fn match_reference(s: &str) -> Option<Reference> {
    let mut at = 1;
    if !s.starts_with('$') {
        return None;
    }
    if s[at..].starts_with('{') {
        at += 1;
    }
    let name_len = s[at..].find(|c: char| !is_word(c)).unwrap_or(s.len() - at);
    if name_len == 0 {
        return None;
    }
    let name = at..at + name_len;
    at += name_len;
    let mut default = None;
    if s[at..].starts_with(":-") {
        at += 2;
        let d_len = s[at..].find(['}', '\\']).unwrap_or(s.len() - at);
        default = Some(at..at + d_len);
        at += d_len;
    }
    if s[at..].starts_with('}') {
        at += 1;
    }
    Some(Reference { len: at, name, default })
}

/// JavaScript's replacement string for `haystack.replace(needle, replacement)` with the match at
/// `at`: `$$`, `$&`, `` $` `` and `$'` expanded, appended to `out`.
pub(crate) fn js_replacement(out: &mut String, haystack: &str, at: usize, needle: &str, replacement: &str) {
    let (before, after) = (&haystack[..at], &haystack[at + needle.len()..]);
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            match chars.peek() {
                Some('$') => {
                    out.push('$');
                    chars.next();
                }
                Some('&') => {
                    out.push_str(needle);
                    chars.next();
                }
                Some('`') => {
                    out.push_str(before);
                    chars.next();
                }
                Some('\'') => {
                    out.push_str(after);
                    chars.next();
                }
                _ => out.push('$'),
            }
        } else {
            out.push(c);
        }
    }
}

/// JavaScript `String.prototype.replace(string, string)`: first occurrence, with `$$`, `$&`,
/// `` $` `` and `$'` in the replacement.
#[cfg(test)]
fn js_replace_first(haystack: &str, needle: &str, replacement: &str) -> String {
    let Some(at) = haystack.find(needle) else {
        return haystack.to_string();
    };
    let mut rep = String::new();
    js_replacement(&mut rep, haystack, at, needle, replacement);
    let mut out = haystack.to_string();
    out.replace_range(at..at + needle.len(), &rep);
    out
}

/// How one value's expansion ended.
enum Expanded {
    Done(String),
    /// Past `MAX_DEPTH` rounds: JavaScript's stack overflows and Next.js skips the file.
    Endless,
    /// Past authdoctor's bounds first (`Budget`).
    TooLarge,
}

fn interpolate(value: &str, process: &Env, parsed: &Values, budget: &Budget) -> Expanded {
    match interpolate_within(value, process, parsed, budget) {
        Ok(Some(v)) => Expanded::Done(v),
        Ok(None) => Expanded::Endless,
        Err(TooLarge) => Expanded::TooLarge,
    }
}

fn interpolate_within(
    value: &str,
    process: &Env,
    parsed: &Values,
    budget: &Budget,
) -> Result<Option<String>, TooLarge> {
    let mut value = value.to_string();
    let mut rep = String::new();
    // The JS recursion, as a loop with the same depth budget; the value is edited in place. Each
    // round scans the value and may grow it (a self-reference doubles it every round).
    for _ in 0..MAX_DEPTH {
        budget.spend(value.len())?;
        let Some(at) = last_unescaped_dollar(&value) else {
            return Ok(Some(value));
        };
        let Some(r) = match_reference(&value[at..]) else {
            return Ok(Some(value));
        };
        let matched = &value[at..at + r.len];
        let name = &matched[r.name];
        let nonempty = |v: &&str| !v.is_empty();
        let from_file = || -> Result<Option<&str>, TooLarge> {
            match parsed.get(name) {
                Some(v) if v.too_large => Err(TooLarge),
                Some(v) => Ok(Some(v.get()).filter(nonempty)),
                None => Ok(None),
            }
        };
        // process.env[name] for a name it does not hold but every object inherits (its
        // `constructor`, called as the replacer, gives the global object: @next/env 16.4.6).
        let inherited = if process.contains_key(name) {
            None
        } else if name == "constructor" {
            Some(super::JsInherited::Text("[object global]"))
        } else {
            super::js_inherited(name)
        };
        let replacement = match inherited {
            Some(super::JsInherited::Text(t)) => Some(t),
            Some(super::JsInherited::Endless | super::JsInherited::Throws) => return Ok(None),
            None => None,
        };
        let replacement = match replacement.or_else(|| {
            process
                .get(name)
                .map(String::as_str)
                .filter(nonempty)
                .or_else(|| r.default.map(|d| &matched[d]).filter(nonempty))
        }) {
            Some(v) => v,
            None => from_file()?.unwrap_or_default(),
        };
        // The first occurrence of the matched text, which may lie before `at`.
        let first = value.find(matched).unwrap_or(at);
        rep.clear();
        js_replacement(&mut rep, &value, first, matched, replacement);
        budget.produce((value.len() - r.len).saturating_add(rep.len()))?;
        value.replace_range(first..first + r.len, &rep);
    }
    Ok(None)
}

/// One key as Next.js resolves it across a project directory.
#[derive(Debug)]
pub struct Resolved {
    pub file: String,
    pub entry: Entry<'static>,
}

/// `loadEnvConfig(dir, dev)`: every file of `mode` that exists, in priority order.
pub struct DirLoad {
    pub files: Vec<String>,
    pub keys: Vec<Resolved>,
    pub errors: Vec<(String, LoadError)>,
}

pub fn load_dir(dir: &Path, mode: Mode, env: &Env) -> std::io::Result<DirLoad> {
    let mut process = env.clone();
    let mut files = Vec::new();
    let mut keys: Vec<Resolved> = Vec::new();
    // The keys already taken by a file of higher priority: a set, so a directory of 160,000 lines
    // costs linear time, not a scan of `keys` per entry.
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut errors = Vec::new();
    for name in mode.files() {
        let Some(bytes) = super::read_dir_file(dir, &name)? else {
            continue;
        };
        files.push(name.clone());
        let text = super::lossy(&bytes);
        let mut cow = std::borrow::Cow::Borrowed(&process);
        let entries = match expand(&super::node::entries(&text), &mut cow, true) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push((name.clone(), e));
                continue;
            }
        };
        let next = cow.into_owned();
        process = next;
        for entry in entries {
            if env.contains_key(&*entry.key) || !taken.insert(entry.key.to_string()) {
                continue;
            }
            keys.push(Resolved {
                file: name.clone(),
                entry: entry.into_owned(),
            });
        }
    }
    Ok(DirLoad { files, keys, errors })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn one(text: &str, env: &[(&str, &str)]) -> BTreeMap<String, String> {
        let env: Env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        parse_one(text, &env)
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    #[test]
    fn expands_like_dotenv_expand() {
        let v = one("A=x\nB=$A-${A}-${C:-def}\nH=$2b$10$abcdef\nE=\\$A\nP=100$\n", &[]);
        assert_eq!(v["B"], "x-x-def");
        assert_eq!(v["H"], "", "bcrypt-like values are emptied");
        assert_eq!(v["E"], "$A");
        assert_eq!(v["P"], "100$");
    }

    #[test]
    fn process_env_wins_and_feeds_expansion() {
        let v = one(
            "AUTH_SECRET=file\nREF=$HOME_DIR/x\n",
            &[("AUTH_SECRET", "env"), ("HOME_DIR", "/h")],
        );
        assert_eq!(v["AUTH_SECRET"], "env");
        assert_eq!(v["REF"], "/h/x");
    }

    #[test]
    fn self_reference_fails_the_file() {
        let p = parse_one("A=$A\nB=ok\n", &Env::new());
        assert!(p.entries.is_empty());
        assert!(p.errors[0].fatal);
    }

    #[test]
    fn expansion_past_the_bounds_is_too_large_not_a_crash() {
        // Every key doubles the one before: 2^40 bytes if followed.
        let chain: String = (1..=40).map(|i| format!("K{i}=$K{0}$K{0}\n", i - 1)).collect();
        let text = format!("K0=x\n{chain}B=ok\n");
        let p = parse_one(&text, &Env::new());
        let last = p.entries.iter().find(|e| e.key == "K40").expect("K40");
        assert_eq!(last.unresolved, Some(TOO_LARGE));
        assert_eq!(
            p.entries.iter().find(|e| e.key == "K3").map(|e| &*e.value),
            Some("xxxxxxxx")
        );
        assert_eq!(p.entries.iter().find(|e| e.key == "B").map(|e| &*e.value), Some("ok"));
        // 6 KB of nested defaults: @next/env 16.4.6 reads "x" (one level per round).
        let text = format!("A={}x{}\n", "${A:-".repeat(1000), "}".repeat(1000));
        let started = std::time::Instant::now();
        let p = parse_one(&text, &Env::new());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(p.entries[0].value, "x");
    }

    /// @next/env 16.4.6 on names every JavaScript object has (process.env inherits them).
    #[test]
    fn object_prototype_names() {
        let v = one("A=$toString\nB=${__proto__}\nC=$constructor\ntoString=x\n", &[]);
        assert_eq!(
            (v["A"].as_str(), v["B"].as_str(), v["C"].as_str()),
            ("[object Undefined]", "[object Object]", "[object global]")
        );
        assert!(
            !v.contains_key("toString"),
            "an inherited name is already defined for the merge"
        );
        let p = parse_one("A=$valueOf\n", &Env::new());
        assert!(p.errors.iter().any(|e| e.fatal), "valueOf throws: the file is skipped");
    }

    #[test]
    fn js_replacement_patterns() {
        assert_eq!(js_replace_first("a$Xb", "$X", "p$$q"), "ap$qb");
        assert_eq!(js_replace_first("a$Xb", "$X", "[$&]"), "a[$X]b");
    }

    #[test]
    fn first_file_wins_across_a_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".env"), "K=from-env\nONLY=base\n").expect("write");
        std::fs::write(dir.path().join(".env.local"), "K=from-local\n").expect("write");
        std::fs::write(dir.path().join(".env.test"), "K=from-test\n").expect("write");
        let d = load_dir(dir.path(), Mode::Development, &Env::new()).expect("load");
        assert_eq!(d.files, vec![".env.local", ".env"]);
        let k = d.keys.iter().find(|k| k.entry.key == "K").expect("K");
        assert_eq!((k.file.as_str(), &*k.entry.value), (".env.local", "from-local"));
        let t = load_dir(dir.path(), Mode::Test, &Env::new()).expect("load");
        let k = t.keys.iter().find(|k| k.entry.key == "K").expect("K");
        assert_eq!(k.entry.value, "from-test", ".env.local is not read in test mode");
    }
}
