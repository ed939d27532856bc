//! `env:PATH#KEY?loader=NAME`: the bytes a `.env` loader hands the program for KEY.
//! With `loader=nextjs`, `vite` or `bun` PATH may be a directory: that tool's files for `?mode=`,
//! merged with its precedence.

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
With loader=nextjs, vite or bun PATH may be the project directory, read as that tool merges its files: ?mode= picks them \
(nextjs and bun: development|production|test, bun's NODE_ENV; vite: any mode name; default development); \
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
            match loader {
                Some(Loader::Nextjs) if Mode::from_name(m).is_none() => {
                    return Err(format!(
                        "unknown mode {} (known: development, production, test)",
                        part(m)
                    ));
                }
                Some(Loader::Bun) if bun_mode(m).is_none() => {
                    return Err(format!(
                        "unknown mode {} for bun (its NODE_ENV: development, production or test)",
                        part(m)
                    ));
                }
                Some(Loader::Vite) => {
                    if let Some(why) = crate::dotenv::vite::refuses_mode(m) {
                        return Err(format!("mode {}: {why}", part(m)));
                    }
                }
                Some(Loader::Nextjs | Loader::Bun) => {}
                _ => return Err("mode= goes with loader=nextjs, vite or bun".into()),
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
        if !matches!(loader, Loader::Nextjs | Loader::Vite | Loader::Bun) {
            return Err(FetchError::unreadable(format!("{path}: is a directory")).hint(
                "name the .env file, or use ?loader=nextjs, vite or bun to resolve that tool's project directory",
            ));
        }
        return read_dir(spec, loader, &env);
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

/// bun's NODE_ENV names. bun 1.4.5 reads the development files for any other NODE_ENV, or none
/// (tried by hand, not recorded); naming one here is refused rather than guessed at.
fn bun_mode(m: &str) -> Option<Mode> {
    match m {
        "development" | "production" | "test" => Mode::from_name(m),
        _ => None,
    }
}

/// A project directory as `loader` (nextjs, vite or bun) merges its files for `?mode=`.
fn read_dir(spec: &Spec, loader: Loader, env: &crate::dotenv::Env) -> Result<Fetched, FetchError> {
    let dir = std::path::Path::new(&spec.locator);
    let key = spec.key.as_deref().unwrap_or_default();
    let given = spec.options.get("mode").map(String::as_str);
    let (mode, order, load, tool, wins, hint) = match loader {
        Loader::Vite => {
            let mode = given.unwrap_or("development").to_string();
            let order = crate::dotenv::vite::files(&mode).to_vec();
            let load = crate::dotenv::vite::load_dir(dir, &mode, env);
            (
                mode,
                order,
                load,
                "Vite's",
                "Vite's loadEnv returns process.env's value",
                "check ?mode= (Vite's --mode: any name; default development, as `vite dev`; `vite build` uses production) and the file names",
            )
        }
        Loader::Bun => {
            let mode = given.and_then(bun_mode).unwrap_or(Mode::Development);
            let load = crate::dotenv::bun::load_dir(dir, mode, env);
            (
                mode.name().to_string(),
                crate::dotenv::bun::files(mode),
                load,
                "bun's",
                "bun never overrides it",
                "check ?mode= (bun's NODE_ENV: development, production, test) and the file names",
            )
        }
        _ => {
            let mode = given.and_then(Mode::from_name).unwrap_or(Mode::Development);
            (
                mode.name().to_string(),
                mode.files(),
                load_dir(dir, mode, env),
                "Next.js's",
                "Next.js never overrides it",
                "check ?mode= (development, production, test) and the file names",
            )
        }
    };
    // `order` and `files` list the files as the tool reads them: Next.js and bun keep the first
    // value they read, Vite the last.
    let load = load.map_err(|e| FetchError::unreadable(format!("{}: {e}", spec.locator)))?;
    if loader == Loader::Vite
        && let Some((file, e)) = load.errors.first()
    {
        return Err(FetchError::unreadable(format!(
            "{}: Vite's loadEnv throws on {file} (line {}): {}",
            spec.locator, e.line, e.message
        ))
        .hint("`authdoctor envfile FILE` shows how every loader reads each line"));
    }
    if let Some(v) = env.get(key) {
        return Ok(Fetched::value(Secret::new(v.as_bytes().to_vec()))
            .detail("loader", loader.name())
            .detail("mode", mode)
            .detail("from", format!("process environment ({wins})")));
    }
    if load.files.is_empty() {
        return Err(FetchError::new(
            super::FailureKind::Missing,
            format!(
                "{}: none of {tool} {mode} files exists ({})",
                spec.locator,
                order.join(", ")
            ),
        )
        .hint("create one of them, check ?mode=, or mark the source ?local if it exists only on developer machines"));
    }
    let Some(found) = load.keys.iter().find(|k| k.entry.key == key) else {
        let mut names: Vec<&str> = load.keys.iter().map(|k| &*k.entry.key).collect();
        names.sort();
        return Err(FetchError::not_found(format!(
            "{}: no key {key} in {tool} {mode} files ({}; found: {}; keys: {})",
            spec.locator,
            order.join(", "),
            load.files.join(", "),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ))
        .hint(hint));
    };
    let file = dir.join(&found.file).display().to_string();
    let mut fetched = Fetched::value(Secret::new(found.entry.value.as_bytes().to_vec()))
        .detail("loader", loader.name())
        .detail("mode", mode)
        .detail("file", file.clone())
        .detail("line", found.entry.line)
        .detail("files", load.files.join(", "));
    if let Some(what) = found.entry.unresolved {
        fetched.facts.push(Fact::Unresolved {
            key: key.to_string(),
            loader,
            what,
        });
    }
    fetched.location = Some(Location {
        file,
        line: found.entry.line,
    });
    Ok(fetched)
}
