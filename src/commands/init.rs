//! `authdoctor init [DIR]`: find a project's `.env*` files, `fly.toml` apps and the stores its
//! infrastructure files name (`init_stores`), group the secrets of the same name across them and
//! propose an authdoctor.toml (printed; written with `--write`). `.env` sources are marked
//! `?local`: a CI checkout does not have them.
//! Reads key names only: values are parsed (to know which keys a loader sees) and dropped.

use crate::dotenv::{Env, Loader, Options};
use crate::error::Error;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Directories never searched: dependencies, build output, VCS and virtualenvs.
const SKIP: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    "vendor",
    "__pycache__",
    "venv",
];
const MAX_DEPTH: usize = 8;

/// Names that hold secrets by convention; other shared keys are listed in a comment only.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "TOKEN",
    "KEY",
    "PASSWORD",
    "PASSWD",
    "PRIVATE",
    "SALT",
    "JWT",
    "CREDENTIAL",
    "SIGNING",
    "AUTH",
];

/// One directory with `.env*` files or a `fly.toml`.
#[derive(Default)]
struct Place {
    /// Relative to the scanned root, `/`-separated; empty for the root itself.
    rel: String,
    env_files: Vec<String>,
    fly_app: Option<String>,
    loader: Option<Loader>,
    /// The loader reads the directory's files together (Next.js, Vite, bun): one `env:DIR`
    /// source, not one per file.
    merges_dir: bool,
    /// Stores named in this directory's infrastructure files (ECS, CloudFormation, serverless,
    /// Terraform).
    stores: Vec<super::init_stores::StoreRef>,
    /// `env_file:` entries of its compose files, relative to the scanned root.
    compose_env: Vec<String>,
    /// `.vercel/project.json`: the project and its team.
    vercel: Option<(String, Option<String>)>,
}

/// Infrastructure files read for store names: at most this many bytes each.
const MAX_INFRA_BYTES: u64 = 1 << 20;

fn is_infra_file(name: &str) -> bool {
    [".json", ".yml", ".yaml", ".tf", ".template"]
        .iter()
        .any(|x| name.ends_with(x))
        && !["package.json", "package-lock.json", "tsconfig.json", "composer.lock"].contains(&name)
}

fn is_compose_file(name: &str) -> bool {
    (name.starts_with("docker-compose") || name.starts_with("compose"))
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
}

fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_INFRA_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

fn is_env_file(name: &str) -> bool {
    (name == ".env" || name.starts_with(".env."))
        && ![
            ".example",
            ".sample",
            ".template",
            ".dist",
            ".defaults",
            ".schema",
            ".vault",
        ]
        .iter()
        .any(|s| name.ends_with(s))
}

/// A mode-specific file (`.env.production`, `.env.test.local`), another environment's values.
fn is_mode_file(name: &str) -> bool {
    name != ".env" && name != ".env.local"
}

/// The directory's loader from its markers (the rules `env:` sources use too).
fn detect(dir: &Path, place: &mut Place) {
    place.loader = crate::dotenv::detect::markers(dir).map(|(l, _)| l);
    place.merges_dir = matches!(place.loader, Some(Loader::Nextjs | Loader::Vite | Loader::Bun));
}

fn fly_app(path: &Path) -> Option<String> {
    let text = crate::source::read_regular_string(path).ok()?;
    let v: toml::Table = toml::from_str(&text).ok()?;
    v.get("app")?.as_str().map(str::to_string)
}

fn walk(root: &Path, rel: &str, depth: usize, out: &mut Vec<Place>) {
    let dir = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let Ok(read) = std::fs::read_dir(&dir) else { return };
    let mut entries: Vec<(String, std::fs::FileType)> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.file_type().ok()?)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut place = Place {
        rel: rel.to_string(),
        ..Place::default()
    };
    for (name, kind) in &entries {
        if kind.is_file() && is_env_file(name) {
            place.env_files.push(name.clone());
        }
        if kind.is_file() && name == "fly.toml" {
            place.fly_app = fly_app(&dir.join(name));
        }
        if kind.is_file()
            && is_compose_file(name)
            && let Some(text) = read_small(&dir.join(name))
        {
            for f in super::init_stores::compose_env_files(&text) {
                let f = f.trim_start_matches("./");
                place.compose_env.push(join(rel, f));
            }
        }
        if kind.is_file()
            && is_infra_file(name)
            && let Some(text) = read_small(&dir.join(name))
        {
            place
                .stores
                .extend(super::init_stores::scan(name, &join(rel, name), &text));
        }
    }
    if let Some(text) = read_small(&dir.join(".vercel/project.json")) {
        place.vercel = super::init_stores::vercel_project(&text);
    }
    if !place.env_files.is_empty()
        || place.fly_app.is_some()
        || !place.stores.is_empty()
        || !place.compose_env.is_empty()
        || place.vercel.is_some()
    {
        detect(&dir, &mut place);
        out.push(place);
    }
    if depth >= MAX_DEPTH {
        return;
    }
    for (name, kind) in &entries {
        if kind.is_dir() && !name.starts_with('.') && !SKIP.contains(&name.as_str()) {
            let sub = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            walk(root, &sub, depth + 1, out);
        }
    }
}

/// The keys a loader reads from one file (names only; the parsed values are dropped here).
fn keys_of(path: &Path, loader: Loader) -> Vec<String> {
    let Ok(bytes) = crate::source::read_regular(path) else {
        return Vec::new();
    };
    let parsed = loader.parse(&bytes, &Env::new(), &Options::default());
    parsed.effective().iter().map(|e| e.key.to_string()).collect()
}

fn looks_secret(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| k.contains(w))
}

fn label_of(rel: &str) -> String {
    let base = if rel.is_empty() { "root" } else { rel };
    let l: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if l.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        l
    } else {
        format!("d{l}")
    }
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    }
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The proposed authdoctor.toml for the project at `root`, or `None` when it has no `.env*` file.
pub fn propose(root: &Path) -> Option<String> {
    let mut places = Vec::new();
    walk(root, "", 0, &mut places);
    if places
        .iter()
        .all(|p| p.env_files.is_empty() && p.stores.is_empty() && p.compose_env.is_empty())
    {
        return None;
    }
    // key → [(label, spec)], one source per directory per key.
    let mut groups: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut skipped: Vec<String> = Vec::new();
    for p in places.iter().filter(|p| !p.env_files.is_empty()) {
        let label = label_of(&p.rel);
        let loader = p.loader.unwrap_or(Loader::Node);
        // `.env` files stay on developer machines: local-only, skipped where a CI checkout lacks them.
        let opt = p
            .loader
            .map(|l| format!("?loader={}&local", l.name()))
            .unwrap_or_else(|| "?local".to_string());
        if p.merges_dir {
            // One source for the directory: the tool's own file order decides, in development
            // mode (`next dev`, `vite`, `bun run`), which reads these four files.
            let mut keys: Vec<String> = Vec::new();
            for f in &p.env_files {
                if ![".env", ".env.local", ".env.development", ".env.development.local"].contains(&f.as_str()) {
                    skipped.push(join(&p.rel, f));
                    continue;
                }
                keys.extend(keys_of(&root.join(join(&p.rel, f)), loader));
            }
            keys.sort();
            keys.dedup();
            let dir = if p.rel.is_empty() { "." } else { p.rel.as_str() };
            for k in keys {
                groups
                    .entry(k.clone())
                    .or_default()
                    .push((label.clone(), format!("env:{dir}#{k}{opt}")));
            }
            continue;
        }
        // Other loaders read one file: .env.local where it defines the key, else .env.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for f in [".env.local", ".env"] {
            if !p.env_files.iter().any(|x| x == f) {
                continue;
            }
            for k in keys_of(&root.join(join(&p.rel, f)), loader) {
                seen.entry(k).or_insert_with(|| f.to_string());
            }
        }
        skipped.extend(p.env_files.iter().filter(|f| is_mode_file(f)).map(|f| join(&p.rel, f)));
        for (k, f) in seen {
            let path = join(&p.rel, &f);
            groups
                .entry(k.clone())
                .or_default()
                .push((label.clone(), format!("env:{path}#{k}{opt}")));
        }
    }
    // Files compose passes with `env_file:` (compose's own parser), unless already proposed.
    for p in &places {
        for file in &p.compose_env {
            let already = groups
                .values()
                .flatten()
                .any(|(_, spec)| spec.starts_with(&format!("env:{file}#")));
            if already {
                continue;
            }
            let label = label_of(&format!("compose-{file}"));
            for k in keys_of(&root.join(file), Loader::Compose) {
                groups
                    .entry(k.clone())
                    .or_default()
                    .push((label.clone(), format!("env:{file}#{k}?loader=compose&local")));
            }
        }
    }
    // Stores the infrastructure files name, under the variable they feed.
    let mut unnamed: Vec<String> = Vec::new();
    for p in &places {
        for r in &p.stores {
            let Some(key) = &r.key else {
                unnamed.push(format!("{} ({})", r.spec, r.found_in));
                continue;
            };
            let sources = groups.entry(key.clone()).or_default();
            if sources.iter().any(|(_, s)| *s == r.spec) {
                continue;
            }
            let scheme = r.spec.split(':').next().unwrap_or("store");
            let mut label = scheme.to_string();
            let mut n = 1;
            while sources.iter().any(|(l, _)| *l == label) {
                n += 1;
                label = format!("{scheme}{n}");
            }
            sources.push((label, r.spec.clone()));
        }
    }
    // A Vercel project's variables, for the keys its directory's .env files name (production).
    for p in &places {
        let Some((project, team)) = &p.vercel else { continue };
        let under = |rel: &str| p.rel.is_empty() || rel == p.rel || rel.starts_with(&format!("{}/", p.rel));
        let label = label_of(&format!("vercel-{project}"));
        let team = team.as_ref().map(|t| format!("&team={t}")).unwrap_or_default();
        for (k, sources) in groups.iter_mut() {
            let here = places
                .iter()
                .filter(|q| under(&q.rel))
                .any(|q| sources.iter().any(|(l, _)| *l == label_of(&q.rel)));
            if here && !sources.iter().any(|(l, _)| *l == label) {
                sources.push((label.clone(), format!("vercel:{project}#{k}?target=production{team}")));
            }
        }
    }
    // A Fly app's secrets are the runtime values of the keys its directory's .env files name.
    for p in &places {
        let Some(app) = &p.fly_app else { continue };
        let under = |rel: &str| p.rel.is_empty() || rel == p.rel || rel.starts_with(&format!("{}/", p.rel));
        let fly_label = label_of(&format!("fly-{app}"));
        for (k, sources) in groups.iter_mut() {
            let local = places
                .iter()
                .filter(|q| under(&q.rel))
                .any(|q| sources.iter().any(|(l, _)| *l == label_of(&q.rel)));
            if local && !sources.iter().any(|(l, _)| *l == fly_label) {
                sources.push((fly_label.clone(), format!("fly:{app}#{k}")));
            }
        }
    }
    let mut out = String::from(
        "# authdoctor.toml proposed by `authdoctor init`: each secret that lives in more than one place.\n\
         # Review it: add the stores the .env files cannot show (ssm:, secretsmanager:, configjs:), drop\n\
         # what should differ. Paths are relative to this file. Run: authdoctor check\n",
    );
    let apps: Vec<&str> = places.iter().filter_map(|p| p.fly_app.as_deref()).collect();
    if !apps.is_empty() {
        out.push_str(&format!(
            "# Fly apps (from fly.toml): {}. Their secrets are read with `fly secrets list` (digests).\n",
            apps.join(", ")
        ));
    }
    if groups
        .values()
        .flatten()
        .any(|(_, s)| s.ends_with("local") || s.contains("local&"))
    {
        out.push_str(
            "# `.env` sources are marked ?local: absent in CI (CI=true) or gitignored, they are skipped, not unreadable.\n",
        );
    }
    if places.iter().any(|p| p.merges_dir) {
        out.push_str(
            "# Next.js, Vite and bun directories are read in development mode; add &mode=production to check a build.\n",
        );
    }
    let mut others = Vec::new();
    let mut count = 0;
    for (key, sources) in &groups {
        if sources.len() < 2 {
            continue;
        }
        if !looks_secret(key) {
            others.push(key.as_str());
            continue;
        }
        count += 1;
        out.push_str(&format!("\n[[secret]]\nname = {}\nsources = [\n", quote(key)));
        for (label, spec) in sources {
            out.push_str(&format!("  {},\n", quote(&format!("{label}={spec}"))));
        }
        out.push_str("]\n");
    }
    if count == 0 {
        out.push_str("\n# No secret-like key (SECRET, TOKEN, KEY, PASSWORD, AUTH…) is in more than one place.\n");
    }
    if !others.is_empty() {
        out.push_str(&format!(
            "\n# Also in more than one place, but not secrets by name: {}\n",
            others.join(", ")
        ));
    }
    let single: Vec<String> = groups
        .iter()
        .filter(|(_, s)| s.len() == 1 && !s[0].1.starts_with("env:"))
        .map(|(k, s)| format!("{k}={}", s[0].1))
        .chain(unnamed)
        .collect();
    if !single.is_empty() {
        out.push_str(&format!(
            "# Stores found in the repository with nothing to compare them with yet: {}\n",
            single.join(", ")
        ));
    }
    if !skipped.is_empty() {
        out.push_str(&format!(
            "# Not proposed (another environment's values): {}\n",
            skipped.join(", ")
        ));
    }
    Some(out)
}

/// The proposal for `dir` (default `.`), written to DIR/authdoctor.toml with `write` (never over
/// an existing file). Errors (exit 2): not a directory, nothing found, the file exists or cannot
/// be written.
pub fn run(dir: Option<&str>, write: bool, quiet: bool) -> Result<crate::report::InitDoc, Error> {
    let root = PathBuf::from(dir.unwrap_or("."));
    if !root.is_dir() {
        return Err(Error::new(format!("{}: not a directory", root.display()))
            .hint("give the project's root directory, or run init inside it"));
    }
    let Some(text) = propose(&root) else {
        return Err(Error::new(format!(
            "no .env files under {} (searched {MAX_DEPTH} levels deep, skipping dependencies and build output)",
            root.display()
        ))
        .hint("write authdoctor.toml by hand: `authdoctor check --help` describes it"));
    };
    if !write {
        return Ok(crate::report::InitDoc {
            toml: text,
            written: None,
        });
    }
    let target = root.join(crate::config::FILE_NAME);
    // Never through a link: a symlink there (dangling or not) is refused, and the file is created
    // exclusively (O_CREAT|O_EXCL, which does not follow a symlink even one made meanwhile).
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        if meta.file_type().is_symlink() {
            return Err(Error::new(format!(
                "{} is a symbolic link: not writing through it",
                target.display()
            ))
            .hint("remove the link or replace it with a regular file, or run without --write and save the proposal yourself"));
        }
        return Err(Error::new(format!("{} exists: not overwriting it", target.display()))
            .hint("run without --write to print the proposal, and merge it by hand"));
    }
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&target)?;
        f.write_all(text.as_bytes())
    };
    write().map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "something created it meanwhile; run again without --write and merge by hand"
        } else {
            "check the directory is writable"
        };
        Error::new(format!("could not write {}: {e}", target.display())).hint(hint)
    })?;
    if !quiet {
        crate::report::console::note(&format!("wrote {}; run `authdoctor check` there", target.display()));
    }
    Ok(crate::report::InitDoc {
        toml: text,
        written: Some(target.display().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_names() {
        for ok in [".env", ".env.local", ".env.production", ".env.test.local"] {
            assert!(is_env_file(ok), "{ok}");
        }
        for no in [
            ".envrc",
            ".env.example",
            ".env.sample",
            ".env.local.template",
            "env",
            ".environment",
        ] {
            assert!(!is_env_file(no), "{no}");
        }
        assert!(looks_secret("NEXTAUTH_SECRET") && looks_secret("api_key") && !looks_secret("PORT"));
        assert_eq!(label_of(""), "root");
        assert_eq!(label_of("apps/web"), "apps-web");
    }
}
