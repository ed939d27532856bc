//! Vite's `loadEnv(mode, envDir, prefixes)` (npm vite 8.4), one file read alone as `.env`.
//!
//! Read from `vite/dist/node/chunks/node.js` and checked against recordings of the real one
//! (tests/fixtures/dotenv, `loadEnv('production', dir, '')`):
//! - the file is parsed by Node's own parser (`util.parseEnv`, the one `node --env-file` uses: see
//!   `node_native`), whose result is an object built from a C++ `std::map`: keys in byte order, and
//!   (a JavaScript object) integer-like keys first, in numeric order. That order is the order of
//!   expansion;
//! - then its bundled copy of dotenv-expand (the 12.x algorithm, not the 10.x one Next.js bundles):
//!   for each key, a value the process environment already holds (non-empty and different) is
//!   taken as it is; else the first `${…}` or `$NAME` not preceded by a backslash is replaced, over
//!   and over from the start, by the process environment's value, else the file's (earlier keys
//!   already expanded), else the default (`${A:-d}`, `${A-d}`; `${A:+alt}`, `${A+alt}` give `alt`
//!   when A is set). A value already produced in this key's expansion is not substituted again
//!   (its default is), and expansion stops when the text equals the referenced key's value. The
//!   replacement is JavaScript's `String.replace(template, value)`: the FIRST occurrence of the
//!   reference's text (even an escaped one before it), with `$&`, `$$`, `` $` `` and `$'` patterns.
//!   Without an operator, `split(null)` splits at the text "null": `${Anullb}` is A with default b;
//! - finally `\$` becomes `$`, and every key the process environment has (even empty) takes the
//!   environment's value. `loadEnv` also copies the file's NODE_ENV into VITE_USER_NODE_ENV, and its
//!   BROWSER and BROWSER_ARGS (unexpanded) into process.env when unset there, so those win too.
//!
//! The prefix (`VITE_` by default; `''` here) only selects keys: the values are the same.
//!
//! A project directory (`load_dir`): `.env`, `.env.local`, `.env.[mode]`, `.env.[mode].local` are
//! each parsed alone, merged by `Object.fromEntries` (a later file's value wins, a key keeps its
//! first place), and the merged set is expanded as above (recorded: tests/fixtures/dotenv/dirs).

use super::{Budget, Entry, Env, JsInherited, LoadError, Parsed, TOO_LARGE, TooLarge};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The functions every JavaScript object inherits: a key of the file named so finds the function in
/// the environment's copy (`processEnv[key]`), and Vite's `value.replace` then throws.
const OBJECT_FUNCTIONS: [&str; 11] = [
    "constructor",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// Why an expansion stopped.
enum Stop {
    /// Past authdoctor's bounds, or a loop the real one never leaves.
    TooLarge,
    /// The real loader throws (the message says why).
    Throws(String),
}

impl From<TooLarge> for Stop {
    fn from(_: TooLarge) -> Stop {
        Stop::TooLarge
    }
}

/// What `env[name]` finds.
enum Found<'s> {
    Text(&'s str),
    /// What Object.prototype gives for a name nothing defines (a function, or `__proto__`).
    Inherited(super::JsInherited),
}

/// One hasher for the texts an expansion has produced (fixed keys: the same text, the same hash).
static SEEN_HASHER: std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher> =
    std::hash::BuildHasherDefault::new();

/// Replacement rounds followed for one value before giving up (the real loop may never end).
const MAX_ROUNDS: usize = 1 << 14;

/// A JavaScript array index ("0", "17", not "017"): such keys come first in an object, in numeric order.
fn array_index(k: &str) -> Option<u32> {
    if k.is_empty() || (k.len() > 1 && k.starts_with('0')) || !k.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    k.parse::<u32>().ok().filter(|&n| n != u32::MAX)
}

struct Slot {
    value: String,
    line: usize,
    /// Which of the files read defines it (the last one that does).
    file: usize,
    too_large: bool,
}

/// Read `text` (one `.env` file) as Vite's `loadEnv` does, against the process environment `env`.
pub fn parse(text: &str, env: &Env) -> Parsed<'static> {
    let merged = merge(&[text], env);
    match merged.thrown {
        Some((_, e)) => Parsed {
            entries: Vec::new(),
            errors: vec![e],
        },
        None => Parsed {
            entries: merged.entries.into_iter().map(|(e, _)| e).collect(),
            errors: Vec::new(),
        },
    }
}

/// The files `loadEnv(mode, dir)` reads, in the order it merges them: a later file's value wins.
pub fn files(mode: &str) -> [String; 4] {
    [
        ".env".to_string(),
        ".env.local".to_string(),
        format!(".env.{mode}"),
        format!(".env.{mode}.local"),
    ]
}

/// Why Vite refuses a mode name, if it does (or authdoctor does not follow it: a path).
pub fn refuses_mode(mode: &str) -> Option<&'static str> {
    if mode == "local" {
        Some("Vite refuses mode \"local\": it conflicts with the .local postfix of .env files")
    } else if mode.is_empty() {
        Some("an empty mode is no mode (Vite then uses its default)")
    } else if mode.contains(['/', '\\', '\0']) {
        Some("a mode naming a path is not followed")
    } else {
        None
    }
}

/// `loadEnv(mode, dir, '')` over a project directory: every key of the files that exist, each with
/// the file its value came from (process.env's keys keep process.env's value, see `parse`).
pub fn load_dir(dir: &std::path::Path, mode: &str, env: &Env) -> std::io::Result<super::nextjs::DirLoad> {
    let mut names = Vec::new();
    let mut texts = Vec::new();
    for name in files(mode) {
        let Some(bytes) = super::read_dir_file(dir, &name)? else {
            continue;
        };
        // readFileSync(path, "utf-8"): invalid bytes become U+FFFD.
        texts.push(super::lossy(&bytes).into_owned());
        names.push(name);
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let merged = merge(&refs, env);
    let mut load = super::nextjs::DirLoad {
        files: names.clone(),
        keys: Vec::new(),
        errors: Vec::new(),
    };
    if let Some((file, e)) = merged.thrown {
        load.errors.push((names[file].clone(), e));
        return Ok(load);
    }
    load.keys = merged
        .entries
        .into_iter()
        .map(|(entry, file)| super::nextjs::Resolved {
            file: names[file].clone(),
            entry,
        })
        .collect();
    Ok(load)
}

struct Merged {
    /// Every key, in the order of expansion, with the index of its file.
    entries: Vec<(Entry<'static>, usize)>,
    /// loadEnv throws (nothing loads): the file of the key that makes it, and why.
    thrown: Option<(usize, LoadError)>,
}

/// `Object.fromEntries` of every file's `util.parseEnv` entries, in file order (a later file's value
/// wins; a key keeps the place of its first file), then the expansion over the merged set.
fn merge(texts: &[&str], env: &Env) -> Merged {
    let mut slots: HashMap<String, Slot> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (file, text) in texts.iter().enumerate() {
        let read = super::node_native::parse(text);
        let mut keys: Vec<String> = Vec::new();
        // `obj.__proto__ = "x"` sets no key: util.parseEnv's result has none.
        for e in read.entries.iter().filter(|e| e.key != "__proto__") {
            let slot = Slot {
                value: e.value.to_string(),
                line: e.line,
                file,
                too_large: false,
            };
            if slots.insert(e.key.to_string(), slot).is_none() {
                keys.push(e.key.to_string());
            }
        }
        // util.parseEnv's object lists its keys in byte order (see the module doc).
        keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        order.extend(keys);
    }
    // A JavaScript object lists integer-like keys first, in numeric order (a stable sort keeps the
    // others in insertion order).
    order.sort_by(|a, b| match (array_index(a), array_index(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    // loadEnv's writes into process.env, before the copy expansion reads.
    let mut process: Cow<Env> = Cow::Borrowed(env);
    for (from, to) in [
        ("NODE_ENV", "VITE_USER_NODE_ENV"),
        ("BROWSER", "BROWSER"),
        ("BROWSER_ARGS", "BROWSER_ARGS"),
    ] {
        if let Some(s) = slots.get(from)
            && !s.value.is_empty()
            && !env.contains_key(to)
        {
            process.to_mut().insert(to.to_string(), s.value.clone());
        }
    }
    if let Some(k) = order
        .iter()
        .find(|k| OBJECT_FUNCTIONS.contains(&k.as_str()) && !env.contains_key(k.as_str()))
    {
        return thrown(
            &slots[k],
            format!(
                "{k} is a function every JavaScript object has, and Vite's loadEnv throws (value.replace is not a function): no key of the file loads"
            ),
        );
    }
    let budget = Budget::for_file(texts.iter().map(|t| t.len()).sum());
    for key in &order {
        let current = slots[key].value.clone();
        let value = match process.get(key.as_str()) {
            Some(p) if !p.is_empty() && *p != current => Ok::<String, Stop>(p.clone()),
            _ => expand_value(&current, &process, &slots, &budget),
        };
        let slot = slots.get_mut(key.as_str()).expect("every key has a slot");
        match value {
            Ok(v) => slot.value = v.replace("\\$", "$"),
            Err(Stop::TooLarge) => slot.too_large = true,
            Err(Stop::Throws(why)) => return thrown(slot, format!("expanding {key}: {why}")),
        }
    }
    let mut out = Vec::with_capacity(order.len());
    for key in order {
        let slot = slots.remove(&key).expect("every key has a slot");
        let mut entry = match process.get(&key) {
            Some(p) => Entry::new(key, p.clone(), slot.line),
            None => {
                let mut e = Entry::new(key, slot.value, slot.line);
                if slot.too_large {
                    e.unresolved = Some(TOO_LARGE);
                }
                e
            }
        };
        entry.line = slot.line;
        out.push((entry, slot.file));
    }
    Merged {
        entries: out,
        thrown: None,
    }
}

/// Vite's loadEnv throws: nothing from the files loads.
fn thrown(slot: &Slot, message: String) -> Merged {
    Merged {
        entries: Vec::new(),
        thrown: Some((
            slot.file,
            LoadError {
                line: slot.line,
                message,
                fatal: true,
            },
        )),
    }
}

/// The first reference in `s`: `\${([^{}]+)}` or `\$([A-Za-z_][A-Za-z0-9_]*)`, not after a
/// backslash. Returns the match's range and the expression's.
fn first_reference(s: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(off) = b[from..].iter().position(|&c| c == b'$') {
        let i = from + off;
        from = i + 1;
        if i > 0 && b[i - 1] == b'\\' {
            continue;
        }
        if b.get(i + 1) == Some(&b'{') {
            let start = i + 2;
            let end = b[start..]
                .iter()
                .position(|&c| c == b'{' || c == b'}')
                .map(|n| start + n);
            if let Some(end) = end
                && end > start
                && b[end] == b'}'
            {
                return Some((i..end + 1, start..end));
            }
        }
        if b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
            let start = i + 1;
            let end = b[start..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map_or(b.len(), |n| start + n);
            return Some((i..end, start..end));
        }
    }
    None
}

/// `expression.match(/(:\+|\+|:-|-)/)`: the leftmost operator, `:+` before `+` before `:-` before `-`.
fn operator(expr: &str) -> Option<&'static str> {
    let b = expr.as_bytes();
    (0..b.len()).find_map(|i| match (b[i], b.get(i + 1)) {
        (b':', Some(b'+')) => Some(":+"),
        (b'+', _) => Some("+"),
        (b':', Some(b'-')) => Some(":-"),
        (b'-', _) => Some("-"),
        _ => None,
    })
}

/// dotenv-expand 12's `expandValue`, bounded by `budget`.
fn expand_value(value: &str, process: &Env, slots: &HashMap<String, Slot>, budget: &Budget) -> Result<String, Stop> {
    let lookup = |name: &str| -> Result<Option<Found>, Stop> {
        if let Some(v) = process.get(name) {
            return Ok(Some(Found::Text(v)));
        }
        match slots.get(name) {
            Some(s) if s.too_large => Err(Stop::TooLarge),
            Some(s) => Ok(Some(Found::Text(&s.value))),
            None => Ok(super::js_inherited(name).map(Found::Inherited)),
        }
    };
    let mut result = value.to_string();
    // The texts this expansion produced, by hash: a value is compared with each (a set of the texts
    // themselves could hold the work bound's worth of copies).
    let hash = |t: &str| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = SEEN_HASHER.build_hasher();
        h.write(t.as_bytes());
        h.finish()
    };
    let mut seen: HashSet<u64> = HashSet::new();
    let mut rep = String::new();
    for _ in 0..MAX_ROUNDS {
        budget.spend(result.len().max(1))?;
        let Some((whole, expr)) = first_reference(&result) else {
            return Ok(result);
        };
        seen.insert(hash(&result));
        let template = result[whole].to_string();
        let expression = &result[expr];
        let op = operator(expression);
        // split(op) then join(op): the text before the first separator, and after it. Without an
        // operator, split(null) and join(null) use the text "null".
        let sep = op.unwrap_or("null");
        let (key, rest) = match expression.find(sep) {
            Some(at) => (&expression[..at], &expression[at + sep.len()..]),
            None => (expression, ""),
        };
        let found = lookup(key)?;
        let replacement: String = if matches!(op, Some(":+" | "+")) {
            match found {
                Some(Found::Text("")) => String::new(),
                Some(_) => rest.to_string(),
                None => String::new(),
            }
        } else {
            match found {
                Some(Found::Text(v)) if !v.is_empty() && !seen.contains(&hash(v)) => v.to_string(),
                // `String.replace` with Object.prototype's member (see `JsInherited`).
                Some(Found::Inherited(JsInherited::Text(t))) => t.to_string(),
                Some(Found::Inherited(JsInherited::Endless)) => return Err(Stop::TooLarge),
                Some(Found::Inherited(JsInherited::Throws)) => {
                    return Err(Stop::Throws(format!(
                        "${{{key}}} finds a function every JavaScript object has, which throws when String.replace calls it; no key of the file loads"
                    )));
                }
                _ => rest.to_string(),
            }
        };
        let key = key.to_string();
        let first = result.find(&template).unwrap_or(0);
        rep.clear();
        super::nextjs::js_replacement(&mut rep, &result, first, &template, &replacement);
        budget.produce((result.len() - template.len()).saturating_add(rep.len()))?;
        result.replace_range(first..first + template.len(), &rep);
        if slots.get(key.as_str()).is_some_and(|s| s.value == result) {
            return Ok(result);
        }
    }
    Err(Stop::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn read(text: &str, env: &[(&str, &str)]) -> BTreeMap<String, String> {
        let env: Env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        parse(text, &env)
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    /// Answers of vite 8.4.0's loadEnv (Node 20.20.2).
    #[test]
    fn what_vite_reads() {
        let v = read("A=1\nB=$A\nNODE_ENV=x\nBROWSER=$A\n", &[]);
        assert_eq!(v["B"], "1");
        assert_eq!(
            v["BROWSER"], "$A",
            "BROWSER is copied into process.env before expansion"
        );
        let v = read("B=${A:-d}-${A:+alt}-${Anullz}\nC=\\$B\n", &[("A", "")]);
        assert_eq!(v["B"], "d--z");
        assert_eq!(v["C"], "$B");
        let v = read("K=file\nR=$K\n", &[("K", "env")]);
        assert_eq!((v["K"].as_str(), v["R"].as_str()), ("env", "env"));
    }

    /// vite 8.4.0 on names every JavaScript object has.
    #[test]
    fn object_prototype_names() {
        let v = read(
            "A=$toString\nB=${__proto__}\nC=$isPrototypeOf\nD=${toString:+alt}\n",
            &[],
        );
        assert_eq!(
            (v["A"].as_str(), v["B"].as_str(), v["C"].as_str(), v["D"].as_str()),
            ("[object Undefined]", "[object Object]", "false", "alt")
        );
        assert!(read("__proto__=x\n", &[]).is_empty());
        for text in ["constructor=c\nB=1\n", "A=$valueOf\n", "A=${hasOwnProperty:-x}\n"] {
            let p = parse(text, &Env::new());
            assert!(p.errors.iter().any(|e| e.fatal), "{text}");
        }
        let p = parse("A=$constructor\n", &Env::new());
        assert_eq!(p.entries[0].unresolved, Some(TOO_LARGE), "the real loop never ends");
    }

    #[test]
    fn expansion_stays_bounded() {
        // Every key doubles the one before: 2^40 bytes if followed.
        let chain: String = (1..=40).map(|i| format!("K{i}=$K{0}$K{0}\n", i - 1)).collect();
        let started = std::time::Instant::now();
        let p = parse(&format!("K0=x\n{chain}B=ok\n"), &Env::new());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let last = p.entries.iter().find(|e| e.key == "K40").expect("K40");
        assert_eq!(last.unresolved, Some(TOO_LARGE));
        assert_eq!(p.entries.iter().find(|e| e.key == "B").map(|e| &*e.value), Some("ok"));
    }
}
