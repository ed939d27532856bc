//! Harnesses for the differential fuzzer (tools/loaders/fuzz.py), `#[ignore]`d so the normal suite
//! skips them. They read the generated `.env` files of the directory `AD_FUZZ_DIR`, from file number
//! `AD_FUZZ_SKIP` on (the fuzzer restarts a harness after the file that aborted it), and print one
//! JSON line per file (`{"file": …, "results": {loader: reading}}`):
//! - `emulations_harness`: what each emulation hands the program (values, keys left unresolved, or
//!   that it refuses the file; `too_large`: the keys past authdoctor's expansion bounds, or whose
//!   file loads only if a command prints something (shell `${K:?}`)), a panic as
//!   `crash`, a read over 2 s as `slow_ms`;
//! - `real_dotenvy_harness`: the real dotenvy crate's `from_path` on each file, in a child process
//!   with a clean environment (a load sets variables).
//!
//! `AD_FUZZ_LOADERS=node,bash` limits the emulations run.
//!
//! `AD_FUZZ_DIR=dir cargo test --locked --test it -- --ignored --nocapture loader_fuzz::emulations_harness`

use authdoctor::dotenv::shell::UNDECIDED;
use authdoctor::dotenv::{Env, Loader, Options, Parsed, Sh, TOO_LARGE};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The environment every loader runs with, emulated or real.
fn fuzz_env() -> Env {
    [("AD_FROM_ENV", "from-process-env"), ("HOME", "/nonexistent-home")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn skip() -> usize {
    std::env::var("AD_FUZZ_SKIP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("AD_FUZZ_DIR readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "env"))
        .collect();
    v.sort();
    v
}

/// What the program ends up with, as the fuzzer compares it.
fn reading(loader: Loader, p: &Parsed) -> Value {
    if p.errors.iter().any(|e| e.fatal) {
        return json!({"fatal": true});
    }
    let mut values = Map::new();
    let mut unresolved = Vec::new();
    let mut too_large = Vec::new();
    for e in p.effective() {
        if let Some(w) = loader.lookup(p, &e.key) {
            if w.unresolved.is_some() {
                if !unresolved.contains(&w.key.to_string()) {
                    unresolved.push(w.key.to_string());
                }
                if matches!(w.unresolved, Some(TOO_LARGE | UNDECIDED)) && !too_large.contains(&w.key.to_string()) {
                    too_large.push(w.key.to_string());
                }
            } else {
                values.insert(w.key.to_string(), Value::String(w.value.to_string()));
            }
        }
    }
    for k in &unresolved {
        values.remove(k);
    }
    json!({"values": values, "unresolved": unresolved, "too_large": too_large})
}

/// Every emulation the fuzzer compares, by the name of the real loader's column.
fn emulations() -> Vec<(&'static str, Loader, Options, Sh)> {
    let d = Options::default;
    vec![
        ("node", Loader::Node, d(), Sh::Dash),
        ("nextjs", Loader::Nextjs, d(), Sh::Dash),
        ("python", Loader::Python, d(), Sh::Dash),
        (
            "python-nointerp",
            Loader::Python,
            Options { interpolate: false },
            Sh::Dash,
        ),
        ("compose", Loader::Compose, d(), Sh::Dash),
        ("docker", Loader::Docker, d(), Sh::Dash),
        ("ruby", Loader::Ruby, d(), Sh::Dash),
        ("dotenvy", Loader::Dotenvy, d(), Sh::Dash),
        ("dash", Loader::Shell, d(), Sh::Dash),
        ("bash", Loader::Shell, d(), Sh::Bash),
        ("node-native", Loader::NodeNative, d(), Sh::Dash),
        ("godotenv", Loader::Godotenv, d(), Sh::Dash),
        ("vite", Loader::Vite, d(), Sh::Dash),
        ("bun", Loader::Bun, d(), Sh::Dash),
    ]
}

#[test]
#[ignore = "run by tools/loaders/fuzz.py"]
fn emulations_harness() {
    let Some(dir) = std::env::var_os("AD_FUZZ_DIR") else {
        return;
    };
    let mut out = std::io::stdout().lock();
    let env = fuzz_env();
    std::panic::set_hook(Box::new(|_| {}));
    for path in files(Path::new(&dir)).into_iter().skip(skip()) {
        let bytes = std::fs::read(&path).expect("fuzz file");
        let mut results = Map::new();
        let only = std::env::var("AD_FUZZ_LOADERS").ok();
        for (name, loader, opts, sh) in emulations() {
            if only.as_ref().is_some_and(|o| !o.split(',').any(|x| x == name)) {
                continue;
            }
            let start = Instant::now();
            let r = std::panic::catch_unwind(|| reading(loader, &loader.parse_sh(&bytes, &env, &opts, sh)));
            let took = start.elapsed();
            let mut r = r.unwrap_or_else(|_| json!({"crash": "panic"}));
            if took > Duration::from_secs(2) {
                r["slow_ms"] = json!(took.as_millis() as u64);
            }
            results.insert(name.to_string(), r);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let line = json!({"file": name, "results": results});
        writeln!(out, "{line}").expect("write");
        out.flush().expect("flush");
    }
}

#[test]
#[ignore = "run by tools/loaders/fuzz.py"]
fn real_dotenvy_harness() {
    let Some(dir) = std::env::var_os("AD_FUZZ_DIR") else {
        return;
    };
    let mut out = std::io::stdout().lock();
    let exe = std::env::current_exe().expect("test binary");
    let base = fuzz_env();
    for path in files(Path::new(&dir)).into_iter().skip(skip()) {
        let child = std::process::Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "loader_fuzz::real_dotenvy_child",
                "--test-threads=1",
                "--nocapture",
            ])
            .env_clear()
            .envs(&base)
            .env("AD_FUZZ_FILE", &path)
            .output()
            .expect("run the child");
        let text = String::from_utf8_lossy(&child.stdout);
        let result = text
            .lines()
            .find_map(|l| l.split_once("AD_FUZZ_RESULT ").map(|(_, r)| r))
            .and_then(|l| serde_json::from_str::<Value>(l).ok())
            .unwrap_or_else(|| json!({"crash": format!("child failed: {}", child.status)}));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        writeln!(out, "{}", json!({"file": name, "results": {"dotenvy": result}})).expect("write");
        out.flush().expect("flush");
    }
}

/// `dotenvy::from_path` in this (child) process: the variables it set that were not set before.
#[test]
#[ignore = "run by real_dotenvy_harness"]
fn real_dotenvy_child() {
    let Some(path) = std::env::var_os("AD_FUZZ_FILE") else {
        return;
    };
    let before: std::collections::BTreeSet<_> = std::env::vars_os().map(|(k, _)| k).collect();
    // An error stops the load; what came before it stays set.
    let result = match ::dotenvy::from_path(&path) {
        Ok(()) => json!({}),
        Err(e) => json!({"stopped": e.to_string()}),
    };
    let mut values = Map::new();
    for (k, v) in std::env::vars_os() {
        if !before.contains(&k) {
            values.insert(
                k.to_string_lossy().into_owned(),
                Value::String(v.to_string_lossy().into_owned()),
            );
        }
    }
    let mut result = result;
    result["values"] = Value::Object(values);
    println!("AD_FUZZ_RESULT {result}");
}
