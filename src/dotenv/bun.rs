//! Bun's own `.env` loader (bun 1.4; `bun run`, `bun script.js` and `bun test` load `.env` from the
//! working directory by themselves, `--env-file` names others). Bun's parser is its own (Zig,
//! `src/env_loader.zig`); this emulation started from reading an earlier version of that file and
//! was fitted to recordings of the real bun 1.4.5 (tests/fixtures/dotenv, the fuzzer), which differ
//! from that source in how `$` and quotes end.
//!
//! - A leading BOM is dropped. Blank space between entries, newlines included, is skipped; so is the
//!   space after `=`, also across newlines (`A=` then `"q"` on the next line gives A=q).
//! - A key is `[A-Za-z0-9_.-]+`, after an optional `export` and spaces, followed by spaces (newlines
//!   too) and `=`, or by `:` and one space. Anything else skips to the next CR or LF.
//! - A value starting with a quote (`"`, `'` or `` ` ``) runs to the next same quote not escaped by a
//!   backslash, across lines; the rest of that line is dropped. In double quotes `\n` and `\r` are
//!   a newline and a CR, any other backslash stays with its character; in the others every
//!   backslash stays. Inside any quotes a CR LF or a lone CR is a newline. Without a closing quote,
//!   the value is unquoted.
//! - An unquoted value runs to `#`, CR or LF, trimmed of spaces, tabs, VT and FF.
//! - A key the process environment already has keeps the environment's value. A key repeated in
//!   the file takes the later value, at its first place.
//! - After the whole file is read, each key is expanded once, in the order of its first definition:
//!   `$NAME` (`[A-Za-z0-9_]+`) and `${NAME}` become the current value of NAME (the environment's,
//!   or the file's as far as it is expanded: a later key's unexpanded text; no re-expansion), else
//!   empty; `${NAME:-default}` uses the default (itself expanded) only when NAME is unset; `\$`
//!   is a literal `$`. Any other `$` stays, and so does `${…}` up to its closing brace (nested
//!   `${` counted) when it holds anything else (`${NAME-x}`); after a `${` that no brace closes,
//!   nothing more is expanded. Expansion happens in quotes of every kind.

use super::{Budget, Entry, Env, Parsed, TOO_LARGE, TooLarge};
use std::collections::HashMap;

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | 0x0B | 0x0C | b' ' | b'\n' | b'\r')
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

struct Reader<'t> {
    s: &'t [u8],
    pos: usize,
}

impl Reader<'_> {
    fn skip_spaces(&mut self) {
        while self.pos < self.s.len() && is_space(self.s[self.pos]) {
            self.pos += 1;
        }
    }

    fn skip_line(&mut self) {
        self.pos = self.s[self.pos..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(self.s.len(), |i| self.pos + i + 1);
    }

    /// The key's range, with `pos` after its separator; None (pos unchanged) when this is no entry.
    fn key(&mut self, check_export: bool) -> Option<(usize, usize)> {
        if check_export {
            self.skip_spaces();
        }
        let start = self.pos;
        let s = self.s;
        let end = s[start..]
            .iter()
            .position(|&c| !is_key_byte(c))
            .map_or(s.len(), |i| start + i);
        if end < s.len() && start < end {
            self.pos = end;
            self.skip_spaces();
            if self.pos < s.len() {
                if check_export
                    && end < self.pos
                    && &s[start..end] == b"export"
                    && let Some(k) = self.key(false)
                {
                    return Some(k);
                }
                match s[self.pos] {
                    b'=' => {
                        self.pos += 1;
                        return Some((start, end));
                    }
                    b':' if s.get(self.pos + 1).is_some_and(|&c| is_space(c)) => {
                        self.pos += 2;
                        return Some((start, end));
                    }
                    _ => {}
                }
            }
        }
        self.pos = start;
        None
    }

    fn quoted(&mut self, q: u8) -> Option<Vec<u8>> {
        let s = self.s;
        let open = self.pos;
        let mut i = open + 1;
        let close = loop {
            match s.get(i) {
                None => return None,
                Some(b'\\') => i += 2,
                Some(&c) if c == q => break i,
                Some(_) => i += 1,
            }
        };
        let mut v = Vec::with_capacity(close - open);
        let mut i = open + 1;
        while i < close {
            match s[i] {
                b'\\' if q == b'"' && i + 1 < close => {
                    match s[i + 1] {
                        b'n' => v.push(b'\n'),
                        b'r' => v.push(b'\r'),
                        c => v.extend_from_slice(&[b'\\', c]),
                    }
                    i += 2;
                }
                b'\r' => {
                    i += 1;
                    if s.get(i) != Some(&b'\n') || i >= close {
                        v.push(b'\n');
                    }
                }
                c => {
                    v.push(c);
                    i += 1;
                }
            }
        }
        self.pos = close + 1;
        self.skip_line();
        Some(v)
    }

    fn value(&mut self) -> Vec<u8> {
        let start = self.pos;
        self.skip_spaces();
        let s = self.s;
        if self.pos >= s.len() {
            return Vec::new();
        }
        let q = s[self.pos];
        if matches!(q, b'"' | b'\'' | b'`')
            && let Some(v) = self.quoted(q)
        {
            return v;
        }
        let end = s[start..]
            .iter()
            .position(|&c| matches!(c, b'#' | b'\r' | b'\n'))
            .map_or(s.len(), |i| start + i);
        self.pos = end;
        let mut a = start;
        let mut b = end;
        while a < b && is_space(s[a]) {
            a += 1;
        }
        while b > a && is_space(s[b - 1]) {
            b -= 1;
        }
        s[a..b].to_vec()
    }
}

struct Slot {
    value: String,
    line: usize,
    too_large: bool,
}

/// Variables bun 1.4.5 gives the program as `undefined` when the file leaves them empty (`TZ=`,
/// `TZ=''`, `TZ=$UNSET`, or an empty later duplicate): bun reads them for itself and drops an
/// empty one; any other name keeps `""`. Found by comparing with the real bun on realistic files
/// (compose templates carry `TZ=`); recorded in corpus case 96.
const UNSET_WHEN_EMPTY: [&str; 3] = ["TZ", "NODE_TLS_REJECT_UNAUTHORIZED", "BUN_CONFIG_VERBOSE_FETCH"];

/// Read `text` as bun loads a `.env` file, against the process environment `env`.
pub fn parse(text: &str, env: &Env) -> Parsed<'static> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let skipped = text.len() - body.len();
    let mut r = Reader {
        s: body.as_bytes(),
        pos: 0,
    };
    let lines = super::LineCounter::new(text);
    let mut order: Vec<String> = Vec::new();
    let mut slots: HashMap<String, Slot> = HashMap::new();
    while r.pos < r.s.len() {
        let Some((ka, kb)) = r.key(true) else {
            r.skip_line();
            continue;
        };
        let value = r.value();
        // Keys are ASCII; the value's bounds are ASCII bytes, so this is valid UTF-8.
        let key = String::from_utf8_lossy(&r.s[ka..kb]).into_owned();
        let value = String::from_utf8_lossy(&value).into_owned();
        let line = lines.at(skipped + ka);
        // The environment's value stands (and is never expanded).
        let value = match env.get(&key) {
            Some(v) => v.clone(),
            None => value,
        };
        match slots.get_mut(&key) {
            Some(slot) => {
                slot.value = value;
                slot.line = line;
            }
            None => {
                order.push(key.clone());
                slots.insert(
                    key,
                    Slot {
                        value,
                        line,
                        too_large: false,
                    },
                );
            }
        }
    }
    let budget = Budget::for_file(text.len());
    for key in &order {
        if env.contains_key(key) || !slots[key].value.contains('$') {
            continue;
        }
        let raw = slots[key].value.clone();
        let mut out = String::with_capacity(raw.len());
        let done = expand(&raw, env, &slots, &budget, 0, &mut out);
        let slot = slots.get_mut(key).expect("every key has a slot");
        match done {
            Ok(()) => slot.value = out,
            Err(TooLarge) => slot.too_large = true,
        }
    }
    let mut out = Parsed::default();
    for key in order {
        let slot = slots.remove(&key).expect("every key has a slot");
        if slot.value.is_empty()
            && !slot.too_large
            && !env.contains_key(&key)
            && UNSET_WHEN_EMPTY.contains(&key.as_str())
        {
            continue;
        }
        let mut e = Entry::new(key, slot.value, slot.line);
        if slot.too_large {
            e.unresolved = Some(TOO_LARGE);
        }
        out.entries.push(e);
    }
    out
}

/// The files bun loads by itself from its working directory for NODE_ENV `mode`, in the order it
/// loads them (bun 1.4.5, recorded): `.env.$mode.local`, `.env.local` (not when NODE_ENV=test),
/// `.env.$mode`, `.env` — the same files and precedence as Next.js.
pub fn files(mode: super::nextjs::Mode) -> Vec<String> {
    mode.files()
}

/// What bun puts in `process.env` from a project directory, run there with NODE_ENV `mode`: each
/// file is read in turn (see `files`) against the variables so far, so a key an earlier file (or
/// the environment) set keeps that value, and a `$REF` finds only what the environment and the
/// files read before (and its own file) define.
pub fn load_dir(
    dir: &std::path::Path,
    mode: super::nextjs::Mode,
    env: &Env,
) -> std::io::Result<super::nextjs::DirLoad> {
    let mut process = env.clone();
    let mut load = super::nextjs::DirLoad {
        files: Vec::new(),
        keys: Vec::new(),
        errors: Vec::new(),
    };
    for name in files(mode) {
        let Some(bytes) = super::read_dir_file(dir, &name)? else {
            continue;
        };
        let parsed = parse(&super::lossy(&bytes), &process);
        for entry in parsed.entries {
            if process.contains_key(&*entry.key) {
                continue;
            }
            process.insert(entry.key.to_string(), entry.value.to_string());
            load.keys.push(super::nextjs::Resolved {
                file: name.clone(),
                entry,
            });
        }
        load.files.push(name);
    }
    Ok(load)
}

/// The `}` that closes a `${` whose text starts at `from` (nested `${` counted, not a bare `{`; a
/// backslash skipping the next byte).
fn close_brace(b: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Expand `s` into `out` (see the module doc), bounded by `budget`.
fn expand(
    s: &str,
    env: &Env,
    slots: &HashMap<String, Slot>,
    budget: &Budget,
    depth: usize,
    out: &mut String,
) -> Result<(), TooLarge> {
    Budget::depth(depth)?;
    budget.spend(s.len())?;
    let lookup = |name: &str| -> Result<Option<&str>, TooLarge> {
        if let Some(v) = env.get(name) {
            return Ok(Some(v));
        }
        match slots.get(name) {
            Some(slot) if slot.too_large => Err(TooLarge),
            Some(slot) => Ok(Some(&slot.value)),
            None => Ok(None),
        }
    };
    let b = s.as_bytes();
    let name_end = |from: usize| {
        b[from..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(b.len(), |n| from + n)
    };
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'$') => {
                out.push_str(&s[copied..i]);
                out.push('$');
                i += 2;
                copied = i;
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                // `${` without its closing brace: the rest stays as it is.
                let Some(close) = close_brace(b, i + 2) else {
                    break;
                };
                let ne = name_end(i + 2);
                let name = &s[i + 2..ne];
                let default = if ne == close {
                    None
                } else if s[ne..close].starts_with(":-") {
                    Some(ne + 2..close)
                } else {
                    // `${A-x}`, `${A:+x}`, `${#A}`…: kept as written, up to its brace.
                    i = close + 1;
                    continue;
                };
                out.push_str(&s[copied..i]);
                let before = out.len();
                match (lookup(name)?, default) {
                    (Some(v), _) => out.push_str(v),
                    (None, Some(d)) => expand(&s[d], env, slots, budget, depth + 1, out)?,
                    (None, None) => {}
                }
                budget.append(out.len(), out.len() - before)?;
                i = close + 1;
                copied = i;
            }
            b'$' if b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') => {
                let ne = name_end(i + 1);
                out.push_str(&s[copied..i]);
                if let Some(v) = lookup(&s[i + 1..ne])? {
                    out.push_str(v);
                    budget.append(out.len(), v.len())?;
                }
                i = ne;
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[copied..]);
    if out.len() > Budget::MAX_VALUE {
        return Err(TooLarge);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn read(text: &str) -> BTreeMap<String, String> {
        let env: Env = [("AD_FROM_ENV".to_string(), "from-process-env".to_string())].into();
        parse(text, &env)
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    fn kv(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// Answers the real bun 1.4.5 gave (its process.env).
    #[test]
    fn what_bun_reads() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("A=\"x\nB=\"y\"\n", &[("A", "x\nB=")]),
            ("A=\n\"q\"\n", &[("A", "q")]),
            ("K\n=v\n", &[("K", "v")]),
            ("A=\"a\" B=2\nC=3", &[("A", "a"), ("C", "3")]),
            ("A : 1\nB :2\nC:\t3\n", &[("A", "1"), ("C", "3")]),
            ("export export A=1", &[]),
            ("A=x\nE=\\\\$A", &[("A", "x"), ("E", "\\$A")]),
            ("A=x\nB=${NOPE:-q${A}r}s", &[("A", "x"), ("B", "qxrs")]),
            // A bare `{` in a default is no nesting: the first `}` ends it.
            ("A=${NOPE:-a{b}c}d", &[("A", "a{bc}d")]),
            ("A=${NOPE:-a${B:-{C}}c}d\nC=cc", &[("A", "a{Cc}d"), ("C", "cc")]),
            (
                "A=x\nB=${A}${A\nC=$A$\nD=$A$$A",
                &[("A", "x"), ("B", "x${A"), ("C", "x$"), ("D", "x$x")],
            ),
            ("A=x\nA=\"$A$A\"", &[("A", "$A$A$A$A")]),
            ("B=$A\nA=$C\nC=c", &[("A", "c"), ("B", "$C"), ("C", "c")]),
            (
                "A=${NOPE-d}\nB=$-x\nC=${}\n",
                &[("A", "${NOPE-d}"), ("B", "$-x"), ("C", "")],
            ),
            (
                "AD_FROM_ENV=file\nR=$AD_FROM_ENV",
                &[("AD_FROM_ENV", "from-process-env"), ("R", "from-process-env")],
            ),
            ("\u{feff}A=1\n\u{feff}B=2", &[("A", "1")]),
            ("A=\"a\\qb\\nc\"\nB='a\\nb'", &[("A", "a\\qb\nc"), ("B", "a\\nb")]),
        ];
        for (text, want) in cases {
            assert_eq!(read(text), kv(want), "{text:?}");
        }
    }

    #[test]
    fn many_references_in_one_value_cost_what_they_add() {
        // 20,000 references on one line: linear work, not a charge of the whole value per reference.
        let text = format!("A=xy\nB={}\n", "$A".repeat(20_000));
        let p = parse(&text, &Env::new());
        let b = p.entries.iter().find(|e| e.key == "B").expect("B");
        assert_eq!((b.unresolved, b.value.len()), (None, 40_000));
    }

    #[test]
    fn expansion_stays_bounded() {
        let chain: String = (1..=40).map(|i| format!("K{i}=$K{0}$K{0}\n", i - 1)).collect();
        let p = parse(&format!("K0=x\n{chain}"), &Env::new());
        let last = p.entries.iter().find(|e| e.key == "K40").expect("K40");
        assert_eq!(last.unresolved, Some(TOO_LARGE));
    }
}
