//! Run several loaders over one file and explain, key by key, where they disagree and why.
//! Only shapes and causes leave this module: fingerprints and lengths, never values.

use super::{Env, LoadError, Loader, Options, Parsed, Wins};
use crate::secret::short_sha;
use rustc_hash::FxHashMap as HashMap;

/// One distinct reading of a key, and the loaders that read it so.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reading {
    pub loaders: Vec<&'static str>,
    /// None: these loaders do not set the key at all.
    pub length: Option<usize>,
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<&'static str>,
}

impl Reading {
    /// `node, python: 64 bytes sha256:…` — shape and fingerprint only.
    pub fn describe(&self) -> String {
        let who = self.loaders.join(", ");
        match (self.length, &self.sha256, self.unresolved) {
            (Some(n), Some(h), Some(_)) => {
                format!("{who}: would first run a command (as written: {n} bytes sha256:{h})")
            }
            (Some(n), Some(h), None) => format!("{who}: {n} bytes sha256:{h}"),
            _ => format!("{who}: not set"),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyReport {
    pub key: String,
    pub line: usize,
    /// Every line that assigns the key (loader-neutral), for repeated-key warnings.
    #[serde(skip)]
    pub defined_on: Vec<usize>,
    pub readings: Vec<Reading>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
}

impl KeyReport {
    pub fn agree(&self) -> bool {
        self.readings.len() == 1
    }
}

pub struct FileReport {
    pub keys: Vec<KeyReport>,
    pub errors: Vec<(Loader, LoadError)>,
    pub parsed: Vec<(Loader, Parsed)>,
}

/// Every loader's `Parsed`, in `loaders` order. Next.js runs dotenv's parse first, so node's
/// reading is shared; a large file is parsed by all cores at once.
pub fn parse_all(bytes: &[u8], loaders: &[Loader], env: &Env, opts: &Options) -> Vec<(Loader, Parsed)> {
    let node = (loaders.contains(&Loader::Node) && loaders.contains(&Loader::Nextjs))
        .then(|| super::node::entries(&super::lossy(bytes)));
    let one = |l: Loader| match (&node, l) {
        (Some(n), Loader::Node) => Parsed {
            entries: n.clone(),
            errors: Vec::new(),
        },
        (Some(n), Loader::Nextjs) => super::nextjs::from_node_entries(n, env),
        _ => l.parse(bytes, env, opts),
    };
    if bytes.len() < PARALLEL_FROM {
        return loaders.iter().map(|l| (*l, one(*l))).collect();
    }
    // A thread per loader: their costs differ a lot, and the scheduler balances them on the cores.
    std::thread::scope(|scope| {
        let handles: Vec<_> = loaders.iter().map(|l| (*l, scope.spawn(move || one(*l)))).collect();
        handles
            .into_iter()
            .map(|(l, h)| (l, h.join().unwrap_or_else(|_| l.parse(bytes, env, opts))))
            .collect()
    })
}

/// The next step for a disagreement, from its first cause.
pub fn hint_for(causes: &[String]) -> Option<String> {
    let first = causes.iter().find(|c| !c.contains(" at line "))?;
    let hint = if first.starts_with("quotes") {
        "If `docker run --env-file` reads this file, drop the quotes: docker keeps them, and a value without spaces, `#` or `$` needs none."
    } else if first.starts_with("`$` expansion") {
        "Keep `$` out of secrets (`openssl rand -hex 32`); otherwise write `$` as `\\$` for the expanding loaders, and check each reading with `authdoctor envfile`."
    } else if first.starts_with("`#`") {
        "Quote a value that contains `#`, or keep `#` out of secrets."
    } else if first.starts_with("backslash") {
        "Avoid backslashes in secrets; a multi-line key is safer as one line with `\\n` read by one known loader."
    } else if first.starts_with("trailing spaces") {
        "Remove the trailing spaces after the value."
    } else if first.starts_with("CR LF") {
        "Convert the file to LF line endings (`dos2unix FILE`)."
    } else if first.starts_with("defined") {
        "Keep one definition of the key."
    } else if first.starts_with("`export`") {
        "Drop `export` if docker reads this file."
    } else if first.starts_with("spaces around") {
        "Write `KEY=value` with no spaces around `=`."
    } else {
        return None;
    };
    Some(hint.to_string())
}

/// What makes two readings the same: the bytes, and whether a command would still run first.
type Identity<'a> = (Option<&'a [u8]>, bool);

/// Files at least this large are parsed and analysed by all cores at once.
const PARALLEL_FROM: usize = 64 * 1024;

/// `f` over `items` in order, split across the cores when `parallel`.
fn map_chunks<'a, T: Sync, R: Send>(items: &'a [T], parallel: bool, f: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if !parallel || cores < 2 || items.len() < 2 * cores {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(cores);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| scope.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Every loader's reading of `bytes`, key by key in first-seen order.
pub fn analyze(bytes: &[u8], loaders: &[Loader], env: &Env, opts: &Options) -> FileReport {
    let parsed = parse_all(bytes, loaders, env, opts);
    let parallel = bytes.len() >= PARALLEL_FROM;
    // Each loader's winning entry per key, built once (a 10,000-key file stays linear).
    // None for a loader that rejects the whole file.
    let winners: Vec<Option<HashMap<&str, &super::Entry>>> = map_chunks(&parsed, parallel, |(l, p)| {
        if p.errors.iter().any(|e| e.fatal) {
            return None;
        }
        let entries = p.effective();
        let mut m = HashMap::with_capacity_and_hasher(entries.len(), Default::default());
        for e in entries {
            match l.wins() {
                Wins::First => {
                    m.entry(e.key.as_str()).or_insert(e);
                }
                Wins::Last => {
                    m.insert(e.key.as_str(), e);
                }
            }
        }
        Some(m)
    });
    let mut keys: Vec<(&str, usize)> = Vec::new();
    let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    for (_, p) in &parsed {
        for e in p.effective() {
            if seen.insert(e.key.as_str()) {
                keys.push((e.key.as_str(), e.line));
            }
        }
    }
    drop(seen);
    let text = String::from_utf8_lossy(bytes);
    let index = definitions(&text);
    let reports = map_chunks(&keys, parallel, |&(key, line)| {
        let defs = index.get(key).map(Vec::as_slice).unwrap_or(&[]);
        key_report(key, line, defs, &text, &parsed, &winners)
    });
    drop(index);
    drop(winners);
    let errors = parsed
        .iter()
        .flat_map(|(l, p)| p.errors.iter().map(|e| (*l, e.clone())))
        .collect();
    FileReport {
        keys: reports,
        errors,
        parsed,
    }
}

/// One key: its distinct readings (loaders grouped by identical bytes) and, where they differ,
/// the causes in words.
fn key_report(
    key: &str,
    line: usize,
    defs: &[Definition],
    text: &str,
    parsed: &[(Loader, Parsed)],
    winners: &[Option<HashMap<&str, &super::Entry>>],
) -> KeyReport {
    let mut readings: Vec<(Identity, Reading)> = Vec::with_capacity(2);
    for (i, (l, _)) in parsed.iter().enumerate() {
        // A loader that rejects the whole file (no winners at all) is reported once (AD307), not
        // under every key.
        let Some(winners) = &winners[i] else {
            continue;
        };
        let entry = winners.get(key).copied();
        // A value the loader would still transform (a command it runs) is its own reading.
        let value = (
            entry.map(|e| e.value.as_bytes()),
            entry.is_some_and(|e| e.unresolved.is_some()),
        );
        match readings.iter_mut().find(|(v, _)| *v == value) {
            Some((_, r)) => r.loaders.push(l.name()),
            None => readings.push((
                value,
                Reading {
                    loaders: vec![l.name()],
                    length: value.0.map(<[u8]>::len),
                    sha256: value.0.map(short_sha),
                    unresolved: entry.and_then(|e| e.unresolved),
                },
            )),
        }
    }
    let mut causes = if readings.len() > 1 {
        causes(text, defs, parsed)
    } else {
        Vec::new()
    };
    // Loaders that do not set the key because they stopped or skipped before it.
    for (_, r) in readings.iter().filter(|(v, _)| v.0.is_none()) {
        for name in &r.loaders {
            let Some((_, p)) = parsed.iter().find(|(l, _)| l.name() == *name) else {
                continue;
            };
            if let Some(e) = p.errors.iter().find(|e| e.fatal || e.line <= line) {
                let what = if e.fatal {
                    "rejects the whole file"
                } else {
                    "stops or skips"
                };
                causes.insert(0, format!("{name} {what} at line {}", e.line));
            }
        }
    }
    if causes.len() > 1 {
        causes.retain(|c| !c.starts_with("the loaders' grammars differ"));
    }
    KeyReport {
        defined_on: defs.iter().map(|d| d.0).collect(),
        key: key.to_string(),
        line,
        readings: readings.into_iter().map(|(_, r)| r).collect(),
        causes,
    }
}

/// A definition: 1-based line number, the whole line, and the raw text after `KEY=`.
pub type Definition<'a> = (usize, &'a str, &'a str);

/// Every line that looks like `[export] KEY = …` or `KEY: …`, by key, in one pass (loader-neutral).
pub fn definitions(text: &str) -> HashMap<&str, Vec<Definition<'_>>> {
    let mut out: HashMap<&str, Vec<Definition>> = HashMap::default();
    for (i, line) in text.split('\n').enumerate() {
        let l = line.trim_start_matches(['\u{feff}', ' ', '\t']);
        let l = match l.strip_prefix("export") {
            Some(r) if r.starts_with([' ', '\t']) => r.trim_start(),
            _ => l,
        };
        let n = l
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .unwrap_or(l.len());
        if n == 0 {
            continue;
        }
        let (key, rest) = l.split_at(n);
        let r = rest.trim_start_matches([' ', '\t']);
        if let Some(v) = r.strip_prefix('=').or_else(|| r.strip_prefix(':')) {
            out.entry(key).or_default().push((i + 1, line, v));
        }
    }
    out
}

fn names(parsed: &[(Loader, Parsed)], pred: impl Fn(Loader) -> bool) -> String {
    let v: Vec<&str> = parsed
        .iter()
        .map(|(l, _)| *l)
        .filter(|l| pred(*l))
        .map(|l| l.name())
        .collect();
    v.join(", ")
}

/// Hazards present in the key's definitions that explain why loaders disagree, in words.
pub fn causes(text: &str, defs: &[Definition], parsed: &[(Loader, Parsed)]) -> Vec<String> {
    use Loader::*;
    let mut out: Vec<String> = Vec::new();
    let add = |out: &mut Vec<String>, s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    let has = |l: Loader| parsed.iter().any(|(x, _)| *x == l);
    if defs.len() > 1 {
        let lines: Vec<String> = defs.iter().map(|(n, _, _)| n.to_string()).collect();
        add(
            &mut out,
            format!(
                "defined {} times (lines {}): dotenvy keeps the first, the others the last",
                defs.len(),
                lines.join(", ")
            ),
        );
    }
    for (_, line, raw) in defs {
        let value = raw.trim_end_matches('\r');
        let t = value.trim_start_matches([' ', '\t']);
        let quoted = t.starts_with('"') || t.starts_with('\'');
        if line.trim_start().starts_with("export") && has(Docker) {
            add(
                &mut out,
                "`export` prefix: docker takes `export KEY` as the variable name".into(),
            );
        }
        let before_eq = line.len() - raw.len() - 1;
        if line[..before_eq].ends_with([' ', '\t']) || raw.starts_with([' ', '\t']) {
            add(&mut out, "spaces around `=`: the shell runs `KEY` as a command, docker and compose reject or keep the spaces, dotenv loaders trim them".into());
        }
        if value.contains('$') {
            let bcrypt = value.contains("$2a$") || value.contains("$2b$") || value.contains("$2y$");
            let expanding = names(parsed, |l| {
                matches!(l, Nextjs | Compose | Ruby | Dotenvy | Shell | Python)
            });
            let mut s =
                format!("`$` expansion: {expanding} expand `$…` (python only `${{…}}`), node and docker keep it");
            if bcrypt {
                s.push_str("; a bcrypt-like hash (`$2b$…`) is emptied or cut short");
            }
            add(&mut out, s);
        }
        if !quoted && value.contains('#') {
            add(&mut out, "`#` in an unquoted value: a comment for most loaders after a space (node, ruby: even without one), kept by docker".into());
        }
        if value.contains('\\') {
            add(
                &mut out,
                "backslash escapes (`\\n`, `\\\"`, `\\\\`): each loader unescapes a different set, docker none".into(),
            );
        }
        if quoted {
            add(
                &mut out,
                "quotes: every loader but docker strips the surrounding quotes".into(),
            );
            let q = t.chars().next().unwrap_or('"');
            if t[1..].find(q).is_none() {
                add(&mut out, "multi-line value: the quote closes on a later line; docker and compose-style line readers stop at the line end".into());
            }
        }
        if value.ends_with([' ', '\t']) && !value.trim_end().ends_with(['"', '\'']) {
            add(
                &mut out,
                "trailing spaces: docker keeps them, the others trim them".into(),
            );
        }
        if raw.ends_with('\r') {
            add(
                &mut out,
                "CR LF line ending: loaders that split on LF only keep the CR".into(),
            );
        }
        if value.contains("$(") || value.contains('`') {
            add(
                &mut out,
                "command substitution: ruby and the shell would run it (authdoctor does not)".into(),
            );
        }
    }
    if text.starts_with('\u{feff}') && defs.first().is_some_and(|(n, _, _)| *n == 1) {
        add(
            &mut out,
            "BOM before the first key: some loaders strip it, the shell reads it as part of the name".into(),
        );
    }
    if out.is_empty() {
        out.push("the loaders' grammars differ on this line; `--format json` shows each reading".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_disagreement_and_cause() {
        let r = analyze(
            b"A=\"quoted\"\nB=plain\n",
            Loader::ALL,
            &Env::new(),
            &Options::default(),
        );
        let a = r.keys.iter().find(|k| k.key == "A").expect("A");
        assert!(!a.agree());
        assert!(a.causes.iter().any(|c| c.starts_with("quotes")), "{:?}", a.causes);
        let docker = a
            .readings
            .iter()
            .find(|x| x.loaders.contains(&"docker"))
            .expect("docker reading");
        assert_eq!(docker.length, Some(8));
        let b = r.keys.iter().find(|k| k.key == "B").expect("B");
        assert!(b.agree(), "{:?}", b.readings);
    }
}
