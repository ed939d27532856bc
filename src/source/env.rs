//! `env:PATH#KEY?loader=NAME`: the bytes a `.env` loader hands the program for KEY.
//! With `loader=nextjs` PATH may be a directory: Next.js's file order for `?mode=` applies.

use super::registry::{Access, Scheme, SchemeInfo};
use super::spec::part;
use super::{Fact, FetchError, Fetched, InvalidUtf8, LocalCtx, Spec};
use crate::dotenv::nextjs::{Mode, load_dir};
use crate::dotenv::{Loader, Options, diagnose, process_env};
use crate::findings::Location;
use crate::secret::Secret;
use zeroize::Zeroizing;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "env",
    example: "env:frontend/.env.local#AUTH_SECRET?loader=nextjs",
    yields: "the bytes a .env loader hands the program for KEY (loader default: node); a bare PATH#KEY means the same. \
With loader=nextjs PATH may be the project directory (?mode=development|production|test picks the files); \
loader=python takes ?interpolate=false; loader=shell takes ?sh=dash|bash (the shell that sources it; default dash, POSIX sh)",
    options: &["loader", "mode", "interpolate", "sh"],
    verbatim: false,
};

pub struct Env;

impl Scheme for Env {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err("env needs a file path: env:PATH#KEY".into());
        }
        if spec.key.is_none() {
            return Err("env needs a key: env:PATH#KEY".into());
        }
        let loader = spec.options.get("loader").and_then(|l| Loader::from_name(l));
        if let Some(m) = spec.options.get("mode") {
            if loader != Some(Loader::Nextjs) {
                return Err("mode= goes with loader=nextjs".into());
            }
            if Mode::from_name(m).is_none() {
                return Err(format!(
                    "unknown mode {} (known: development, production, test)",
                    part(m)
                ));
            }
        }
        if let Some(v) = spec.options.get("interpolate") {
            if loader != Some(Loader::Python) {
                return Err("interpolate= goes with loader=python".into());
            }
            if v != "true" && v != "false" {
                return Err("interpolate= takes true or false".into());
            }
        }
        if let Some(s) = spec.options.get("sh") {
            if loader != Some(Loader::Shell) {
                return Err("sh= goes with loader=shell".into());
            }
            if crate::dotenv::Sh::from_name(s).is_none() {
                return Err(format!(
                    "unknown shell {} (known: {})",
                    part(s),
                    crate::dotenv::Sh::names()
                ));
            }
        }
        if let Some(l) = spec.options.get("loader")
            && loader.is_none()
        {
            return Err(format!("unknown loader {} (known: {})", part(l), Loader::names()));
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Local(read)
    }
}

/// The loader that reads the file, and why: the one given with `?loader=`, else the one the
/// project's markers name (`nextjs: package.json depends on next`), else node.
fn loader_of(spec: &Spec) -> (Loader, Option<String>) {
    if let Some(l) = spec.options.get("loader").and_then(|l| Loader::from_name(l)) {
        return (l, None);
    }
    match crate::dotenv::detect::project_loader(std::path::Path::new(&spec.locator)) {
        Some(d) => (d.loader, Some(format!("detected: {}", d.reason))),
        None => (Loader::Node, Some("default: no project marker names another".into())),
    }
}

fn options_of(spec: &Spec) -> Options {
    Options {
        interpolate: spec.options.get("interpolate").map(|v| v != "false").unwrap_or(true),
    }
}

/// A `.env` file's bytes (wiped on drop). Errors (unreadable, AD001): those of
/// [`super::read_file_sync`], and a NUL byte, which no text file has.
pub fn read_dotenv(path: &str) -> Result<Zeroizing<Vec<u8>>, FetchError> {
    let bytes = Zeroizing::new(super::read_file_sync(path)?);
    if let Some(pos) = bytes.iter().position(|b| *b == 0) {
        return Err(FetchError::unreadable(format!(
            "{path}: not a text file (NUL byte at offset {pos}); a .env file is text"
        ))
        .hint("check the path: for a binary secret file use file:PATH"));
    }
    Ok(bytes)
}

/// The loader's value for KEY, with its file and line, and the facts the checks judge: invalid
/// UTF-8, an unresolved part, the key also in the environment, every loader's reading of the key.
/// Errors: unreadable (no file, not text, the loader rejects the file), not found (no such key;
/// the message lists the keys, never values).
pub fn read(spec: &Spec, _: &LocalCtx) -> Result<Fetched, FetchError> {
    let path = &spec.locator;
    let key = spec.key.as_deref().unwrap_or_default();
    let (loader, loader_from) = loader_of(spec);
    let env = process_env();
    if std::path::Path::new(path).is_dir() {
        if loader != Loader::Nextjs {
            return Err(FetchError::unreadable(format!("{path}: is a directory"))
                .hint("name the .env file, or use ?loader=nextjs to resolve a Next.js project directory"));
        }
        return read_nextjs_dir(spec, &env);
    }
    let bytes = read_dotenv(path)?;
    let mut facts = Vec::new();
    if let Some(at) = InvalidUtf8::find(path, &bytes) {
        facts.push(Fact::InvalidUtf8 { loader, at });
    }
    let opts = options_of(spec);
    let sh = spec.options.get("sh").and_then(|s| crate::dotenv::Sh::from_name(s));
    let parsed = match sh {
        Some(sh) => loader.parse_sh(&bytes, &env, &opts, sh),
        None => loader.parse(&bytes, &env, &opts),
    };
    if let Some(e) = parsed.errors.iter().find(|e| e.fatal) {
        return Err(FetchError::unreadable(format!(
            "{path}: the {} loader rejects this file (line {}): {}",
            loader.name(),
            e.line,
            e.message
        ))
        .hint("`authdoctor envfile FILE` shows how every loader reads each line"));
    }
    let Some(entry) = loader.lookup(&parsed, key) else {
        let mut names: Vec<&str> = parsed.entries.iter().map(|e| &*e.key).collect();
        names.sort();
        names.dedup();
        // Lines that parse as a key but look like a value pasted alone are not listed.
        let hidden = names.len();
        names.retain(|n| crate::secret::looks_like_name(n));
        let hidden = hidden - names.len();
        let mut list = if names.is_empty() {
            format!("the {} loader found no assignments in it", loader.name())
        } else {
            let shown: Vec<&str> = names.iter().take(40).copied().collect();
            let more = names.len().saturating_sub(shown.len());
            let mut s = format!("keys in the file: {}", shown.join(", "));
            if more > 0 {
                s.push_str(&format!(" (+{more} more)"));
            }
            s
        };
        if hidden > 0 {
            list.push_str(&format!(
                "; {hidden} more line(s) parse as a key but look like a value, not a name (not shown)"
            ));
        }
        let skipped: Vec<String> = parsed.errors.iter().map(|e| e.line.to_string()).collect();
        if !skipped.is_empty() {
            list.push_str(&format!("; the loader skipped line(s) {}", skipped.join(", ")));
        }
        return Err(FetchError::not_found(format!("{path}: no key {key} ({list})"))
            .hint("use the name the program reads; `authdoctor envfile FILE` shows how every line parses"));
    };
    // A loader that does not override the environment hands the program the environment's value.
    let shadowed = env
        .get(key)
        .filter(|_| crate::checks::loaders::keeps_environment(loader));
    let value = shadowed.map_or(entry.value.as_bytes(), |v| v.as_bytes());
    let mut fetched = Fetched::value(Secret::new(value.to_vec()))
        .detail("loader", loader.name())
        .detail("file", path.clone())
        .detail("line", entry.line);
    if let Some(why) = loader_from {
        fetched = fetched.detail("loader_from", why);
    }
    if shadowed.is_some() {
        fetched = fetched.detail(
            "from",
            format!("process environment ({} does not override it)", loader.name()),
        );
    }
    if let Some(m) = spec.options.get("interpolate") {
        fetched = fetched.detail("interpolate", m.clone());
    }
    if let Some(sh) = sh {
        fetched = fetched.detail("sh", sh.name());
    }
    let defs = parsed.entries.iter().filter(|e| e.key == key).count();
    if defs > 1 {
        fetched = fetched.detail("definitions", defs);
    }
    if let Some(what) = entry.unresolved {
        facts.push(Fact::Unresolved {
            key: key.to_string(),
            loader,
            what,
        });
    }
    if let Some(v) = env.get(key) {
        facts.push(Fact::InEnvironment {
            key: key.to_string(),
            loader,
            differs: v.as_bytes() != entry.value.as_bytes(),
        });
    }
    // How every loader reads this key, and which others the project shows reading this file: a
    // check says whether the loaders in play disagree.
    let file = std::path::Path::new(path);
    let root = crate::dotenv::detect::project_loader(file)
        .map(|d| d.root)
        .unwrap_or_else(|| crate::dotenv::detect::parent_dir(file));
    let others: Vec<(Loader, String)> = crate::dotenv::detect::other_readers(file, &root)
        .into_iter()
        .filter(|d| d.loader != loader)
        .map(|d| (d.loader, d.reason))
        .collect();
    let report = diagnose::analyze(&bytes, Loader::ALL, &env, &opts);
    if let Some(k) = report.keys.into_iter().find(|k| k.key == key) {
        facts.push(Fact::Readings { loader, key: k, others });
    }
    fetched.location = Some(Location {
        file: path.clone(),
        line: entry.line,
    });
    fetched.facts = facts;
    Ok(fetched)
}

fn read_nextjs_dir(spec: &Spec, env: &crate::dotenv::Env) -> Result<Fetched, FetchError> {
    let dir = std::path::Path::new(&spec.locator);
    let key = spec.key.as_deref().unwrap_or_default();
    let mode = spec
        .options
        .get("mode")
        .and_then(|m| Mode::from_name(m))
        .unwrap_or(Mode::Development);
    let load = load_dir(dir, mode, env).map_err(|e| FetchError::unreadable(format!("{}: {e}", spec.locator)))?;
    if let Some(v) = env.get(key) {
        return Ok(Fetched::value(Secret::new(v.as_bytes().to_vec()))
            .detail("loader", "nextjs")
            .detail("mode", mode.name())
            .detail("from", "process environment (Next.js never overrides it)"));
    }
    if load.files.is_empty() {
        return Err(FetchError::new(
            super::FailureKind::Missing,
            format!(
                "{}: none of Next.js's {} files exists ({})",
                spec.locator,
                mode.name(),
                mode.files().join(", ")
            ),
        )
        .hint("create one of them, check ?mode=, or mark the source ?local if it exists only on developer machines"));
    }
    let Some(found) = load.keys.iter().find(|k| k.entry.key == key) else {
        let order = mode.files().join(", ");
        let present = if load.files.is_empty() {
            "none of them exists".to_string()
        } else {
            format!("found: {}", load.files.join(", "))
        };
        let mut names: Vec<&str> = load.keys.iter().map(|k| &*k.entry.key).collect();
        names.sort();
        return Err(FetchError::not_found(format!(
            "{}: no key {key} in Next.js's {} files ({order}; {present}; keys: {})",
            spec.locator,
            mode.name(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ))
        .hint("check ?mode= (development, production, test) and the file names"));
    };
    let file = dir.join(&found.file).display().to_string();
    let mut fetched = Fetched::value(Secret::new(found.entry.value.as_bytes().to_vec()))
        .detail("loader", "nextjs")
        .detail("mode", mode.name())
        .detail("file", file.clone())
        .detail("line", found.entry.line)
        .detail("files", load.files.join(", "));
    fetched.location = Some(Location {
        file,
        line: found.entry.line,
    });
    Ok(fetched)
}
