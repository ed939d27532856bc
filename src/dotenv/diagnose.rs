//! Run several loaders over one file and explain, key by key, where they disagree and why.
//! Only shapes and causes leave this module: fingerprints and lengths, never values.

use super::{Env, LoadError, Loader, Options, Parsed, Wins};
use crate::secret::fingerprint;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// One distinct reading of a key, and the loaders that read it so.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reading {
    pub loaders: Vec<&'static str>,
    /// None: these loaders do not set the key at all.
    pub length: Option<usize>,
    /// The value's fingerprint ([`crate::secret::fingerprint`]: `fp:…` keyed per run, or `sha256:…`).
    pub fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<&'static str>,
}

impl Reading {
    /// `node, python: 64 bytes fp:…` — shape and fingerprint only.
    pub fn describe(&self) -> String {
        let who = self.loaders.join(", ");
        match (self.length, &self.fingerprint, self.unresolved) {
            (Some(n), Some(h), Some(what)) => {
                format!("{who}: a {what}; compared as written ({n} bytes {h})")
            }
            (Some(n), Some(h), None) => format!("{who}: {n} bytes {h}"),
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

pub struct FileReport<'a> {
    pub keys: Vec<KeyReport>,
    pub errors: Vec<(Loader, LoadError)>,
    pub parsed: Vec<(Loader, Parsed<'a>)>,
}

/// Every loader's `Parsed`, in `loaders` order. Next.js runs dotenv's parse first, so node's
/// reading is shared; a large file is parsed by all cores at once (rayon).
pub fn parse_all<'a>(bytes: &'a [u8], loaders: &[Loader], env: &Env, opts: &Options) -> Vec<(Loader, Parsed<'a>)> {
    // One job per loader, except that node and Next.js share one parse when both are asked for.
    let both = loaders.contains(&Loader::Node) && loaders.contains(&Loader::Nextjs);
    let mut jobs: Vec<Loader> = loaders
        .iter()
        .copied()
        .filter(|l| !(both && *l == Loader::Nextjs))
        .collect();
    let run = |l: &Loader| -> Vec<(Loader, Parsed<'a>)> {
        if both && *l == Loader::Node {
            let node = Loader::Node.parse(bytes, env, opts);
            let next = super::nextjs::from_node_entries(&node.entries, env);
            return vec![(Loader::Node, node), (Loader::Nextjs, next)];
        }
        vec![(*l, l.parse(bytes, env, opts))]
    };
    let mut out: Vec<(Loader, Parsed<'a>)> = if parallel(bytes.len()) {
        // The costliest loaders first, so the last job to start is a short one.
        jobs.sort_by_key(|l| std::cmp::Reverse(l.relative_cost(both)));
        jobs.par_iter().with_max_len(1).flat_map_iter(run).collect()
    } else {
        jobs.iter().flat_map(run).collect()
    };
    out.sort_by_key(|(l, _)| loaders.iter().position(|x| x == l));
    out
}

/// What makes two readings the same: the bytes, and whether a command would still run first.
type Identity<'a> = (Option<&'a [u8]>, bool);

/// Files at least this large are parsed and analysed by all cores at once.
const PARALLEL_FROM: usize = 64 * 1024;

#[cfg(test)]
thread_local! {
    /// Tests: take the parallel paths whatever the file's size.
    static ALWAYS_PARALLEL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn parallel(len: usize) -> bool {
    #[cfg(test)]
    if ALWAYS_PARALLEL.with(std::cell::Cell::get) {
        return true;
    }
    len >= PARALLEL_FROM
}

/// `f` over `items` in order, split across the cores when `parallel`.
fn map_in_order<'a, T: Sync, R: Send>(items: &'a [T], parallel: bool, f: impl Fn(&'a T) -> R + Sync + Send) -> Vec<R> {
    if parallel {
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// No entry / no key.
const NONE: u32 = u32::MAX;

/// Every key any loader sets, numbered in first-seen order, and each loader's winning entry per key.
struct KeyIndex<'a> {
    /// Key and the line of its first entry.
    keys: Vec<(&'a str, usize)>,
    ids: HashMap<&'a str, u32>,
    /// Per line, the key of the first entry read there: loaders mostly agree on where each key
    /// is, so most entries find their key by line and one comparison instead of a hash lookup.
    by_line: Vec<u32>,
    /// Per loader, the index of its winning entry for each key (NONE where it does not set it);
    /// None for a loader that rejects the whole file.
    winners: Vec<Option<Vec<u32>>>,
}

impl<'a> KeyIndex<'a> {
    fn build(parsed: &'a [(Loader, Parsed<'_>)], lines: usize) -> KeyIndex<'a> {
        let mut ix = KeyIndex {
            keys: Vec::new(),
            ids: HashMap::default(),
            by_line: vec![NONE; lines + 2],
            winners: Vec::with_capacity(parsed.len()),
        };
        let per_entry: Vec<Option<Vec<u32>>> = parsed
            .iter()
            .map(|(_, p)| {
                if p.errors.iter().any(|e| e.fatal) {
                    return None;
                }
                Some(p.entries.iter().map(|e| ix.id(&e.key, e.line)).collect())
            })
            .collect();
        for ((l, _), ids) in parsed.iter().zip(per_entry) {
            ix.winners.push(ids.map(|ids| {
                let mut win = vec![NONE; ix.keys.len()];
                for (j, id) in ids.into_iter().enumerate() {
                    let slot = &mut win[id as usize];
                    if *slot == NONE || l.wins() == Wins::Last {
                        *slot = j as u32;
                    }
                }
                win
            }));
        }
        ix
    }

    /// The number of `key` as read on `line` (1-based), NONE for a key no loader sets.
    fn find(&self, key: &str, line: usize) -> u32 {
        match self.by_line.get(line) {
            Some(&id) if id != NONE && self.keys[id as usize].0 == key => id,
            _ => self.ids.get(key).copied().unwrap_or(NONE),
        }
    }

    /// `find`, numbering a new key.
    fn id(&mut self, key: &'a str, line: usize) -> u32 {
        let mut id = self.find(key, line);
        if id == NONE {
            id = self.keys.len() as u32;
            self.ids.insert(key, id);
            self.keys.push((key, line));
        }
        if let Some(slot) = self.by_line.get_mut(line)
            && *slot == NONE
        {
            *slot = id;
        }
        id
    }
}

/// Every loader's reading of `bytes`, key by key in first-seen order.
pub fn analyze<'a>(bytes: &'a [u8], loaders: &[Loader], env: &Env, opts: &Options) -> FileReport<'a> {
    let parallel = parallel(bytes.len());
    let parsed = parse_all(bytes, loaders, env, opts);
    let text = super::lossy(bytes);
    let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
    let index = KeyIndex::build(&parsed, lines);
    // Each key's definitions (loader-neutral), grouped by key in line order: a counting sort.
    let mut found: Vec<(u32, Definition)> = Vec::new();
    for_each_definition(&text, |d| {
        let id = index.find(d.key, d.line);
        if id != NONE {
            found.push((id, (d.line, d.text, d.raw)));
        }
    });
    let mut start = vec![0usize; index.keys.len() + 1];
    for (id, _) in &found {
        start[*id as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut defs: Vec<Definition> = vec![(0, "", ""); found.len()];
    let mut fill = start.clone();
    for (id, d) in found {
        defs[fill[id as usize]] = d;
        fill[id as usize] += 1;
    }
    let numbered: Vec<(usize, (&str, usize))> = index.keys.iter().copied().enumerate().collect();
    let reports = map_in_order(&numbered, parallel, |&(id, (key, line))| {
        key_report(key, line, &defs[start[id]..start[id + 1]], &text, &parsed, |i| {
            let w = index.winners[i].as_ref()?;
            Some(parsed[i].1.entries.get(w[id] as usize))
        })
    });
    drop(defs);
    drop(index);
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
fn key_report<'p, 'a>(
    key: &str,
    line: usize,
    defs: &[Definition],
    text: &str,
    parsed: &'p [(Loader, Parsed<'a>)],
    winner: impl Fn(usize) -> Option<Option<&'p super::Entry<'a>>>,
) -> KeyReport {
    let mut readings: Vec<(Identity, Reading)> = Vec::with_capacity(2);
    for (i, (l, _)) in parsed.iter().enumerate() {
        // A loader that rejects the whole file (no winners at all) is reported once (AD307), not
        // under every key.
        let Some(entry) = winner(i) else {
            continue;
        };
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
                    loaders: {
                        // Room for every loader: no regrowth when they all agree.
                        let mut v = Vec::with_capacity(parsed.len());
                        v.push(l.name());
                        v
                    },
                    length: value.0.map(<[u8]>::len),
                    fingerprint: value.0.map(fingerprint),
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

/// A line that looks like `[export] KEY = …` or `KEY: …` (loader-neutral).
pub struct DefinitionLine<'a> {
    /// 1-based.
    pub line: usize,
    pub key: &'a str,
    pub text: &'a str,
    /// The raw text after `=` or `:`.
    pub raw: &'a str,
}

/// `f` on every definition line of `text`, in order.
pub fn for_each_definition<'a>(text: &'a str, mut f: impl FnMut(DefinitionLine<'a>)) {
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
        if let Some(raw) = r.strip_prefix('=').or_else(|| r.strip_prefix(':')) {
            f(DefinitionLine {
                line: i + 1,
                key,
                text: line,
                raw,
            });
        }
    }
}

/// Every definition line, by key.
pub fn definitions(text: &str) -> HashMap<&str, Vec<Definition<'_>>> {
    let mut out: HashMap<&str, Vec<Definition>> = HashMap::default();
    for_each_definition(text, |d| out.entry(d.key).or_default().push((d.line, d.text, d.raw)));
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
                matches!(
                    l,
                    Nextjs | Compose | Ruby | Dotenvy | Shell | Python | Godotenv | Vite | Bun
                )
            });
            let mut s =
                format!("`$` expansion: {expanding} expand `$…` (python only `${{…}}`), node and docker keep it");
            if bcrypt {
                s.push_str("; a bcrypt-like hash (`$2b$…`) is emptied or cut short");
            }
            add(&mut out, s);
        }
        if !quoted && value.contains('#') {
            add(&mut out, "`#` in an unquoted value: a comment for most loaders after a space (node, ruby, node-native, vite and bun: even without one), kept by docker".into());
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

    type Shape = (
        String,
        usize,
        Vec<usize>,
        Vec<(Vec<&'static str>, Option<usize>, Option<String>, bool)>,
    );

    /// What `analyze` reports, worked out the slow and obvious way: each loader parsed on its own,
    /// keys in first-seen order, each loader's entry by `Loader::lookup`, grouped by identical bytes.
    fn obvious(bytes: &[u8]) -> Vec<Shape> {
        let env = Env::new();
        let parsed: Vec<(Loader, Parsed)> = Loader::ALL
            .iter()
            .map(|l| (*l, l.parse(bytes, &env, &Options::default())))
            .collect();
        let text = String::from_utf8_lossy(bytes);
        let defs = definitions(&text);
        let mut keys: Vec<(String, usize)> = Vec::new();
        for (_, p) in &parsed {
            for e in p.effective() {
                if !keys.iter().any(|(k, _)| *k == e.key) {
                    keys.push((e.key.to_string(), e.line));
                }
            }
        }
        keys.into_iter()
            .map(|(key, line)| {
                // (bytes, a command would run first, loaders)
                type Group = (Option<Vec<u8>>, bool, Vec<&'static str>);
                let mut groups: Vec<Group> = Vec::new();
                for (l, p) in &parsed {
                    if p.errors.iter().any(|e| e.fatal) {
                        continue;
                    }
                    let e = l.lookup(p, &key);
                    let id = (
                        e.map(|e| e.value.as_bytes().to_vec()),
                        e.is_some_and(|e| e.unresolved.is_some()),
                    );
                    match groups.iter_mut().find(|g| (&g.0, g.1) == (&id.0, id.1)) {
                        Some(g) => g.2.push(l.name()),
                        None => groups.push((id.0, id.1, vec![l.name()])),
                    }
                }
                let on = defs
                    .get(key.as_str())
                    .map(|d| d.iter().map(|d| d.0).collect())
                    .unwrap_or_default();
                let readings = groups
                    .into_iter()
                    .map(|(v, unresolved, who)| {
                        (who, v.as_ref().map(Vec::len), v.as_deref().map(fingerprint), unresolved)
                    })
                    .collect();
                (key, line, on, readings)
            })
            .collect()
    }

    fn shape(r: &FileReport) -> Vec<Shape> {
        r.keys
            .iter()
            .map(|k| {
                let readings = k
                    .readings
                    .iter()
                    .map(|r| {
                        (
                            r.loaders.clone(),
                            r.length,
                            r.fingerprint.clone(),
                            r.unresolved.is_some(),
                        )
                    })
                    .collect();
                (k.key.clone(), k.line, k.defined_on.clone(), readings)
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1500))]
        /// The key index (keys found by line, winners by number, definitions by a counting sort) and
        /// the shared node/Next.js parse on worker threads give exactly the obvious answer, on files
        /// with repeated keys, keys some loaders skip, `export`, multi-line quotes and expansion.
        #[test]
        fn analyze_matches_the_obvious_computation(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-D]=[a-z0-9_./:=-]{1,8}",
                    "(export )?[A-D] ?[=:] ?[a-z0-9 #'\"`$;&\\\\=-]{0,10}",
                    "[A-D]=\\$\\{?[A-D]\\}?(/x)?",
                    "[A-D]=\"[a-z\\n ]{0,4}",
                    "[ \t]*[A-D]{1,2} [a-z]{0,3}",
                    "[a-z#;' ]{0,6}",
                ],
                0..14,
            ),
            threads in proptest::bool::ANY,
        ) {
            let text = lines.join("\n");
            ALWAYS_PARALLEL.with(|c| c.set(threads));
            let got = analyze(text.as_bytes(), Loader::ALL, &Env::new(), &Options::default());
            ALWAYS_PARALLEL.with(|c| c.set(false));
            proptest::prop_assert_eq!(shape(&got), obvious(text.as_bytes()), "{:?}", text);
        }
    }
}
