//! The directory form of `env:DIR#KEY?loader=vite|bun&mode=M` against recordings of the real Vite
//! (`loadEnv(mode, dir, '')`) and the real bun (its own `.env` files, run in DIR with NODE_ENV=M):
//! tests/fixtures/dotenv/dirs/* read by tools/loaders/record-dirs.py into
//! tests/fixtures/dotenv/recorded-dirs/{vite,bun}.json. Every key the real tool loaded, with the same
//! bytes, through the library and through `authdoctor inspect`, which must name the file the value
//! came from.

use crate::common::*;
use authdoctor::dotenv::nextjs::{DirLoad, Mode};
use authdoctor::dotenv::{Env, bun, vite};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn base() -> PathBuf {
    root().join("tests/fixtures/dotenv")
}

fn recording(loader: &str) -> serde_json::Value {
    let path = base().join("recorded-dirs").join(format!("{loader}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("recording")).expect("JSON")
}

fn env_of(rec: &serde_json::Value) -> Env {
    rec["env"]
        .as_object()
        .expect("env")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect()
}

/// What the program sees for the keys the files name: the loaded keys, and the environment's value
/// for a key of the environment that a file read names (the tool keeps the environment's).
fn seen(dir: &Path, load: &DirLoad, env: &Env) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = load
        .keys
        .iter()
        .map(|k| (k.entry.key.to_string(), k.entry.value.to_string()))
        .collect();
    for f in &load.files {
        let text = std::fs::read_to_string(dir.join(f)).expect("file");
        for (k, v) in env {
            if text.lines().any(|l| l.starts_with(&format!("{k}="))) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// The file a value came from: a file read whose line is `KEY=VALUE` exactly, if any (the cases'
/// literal values are distinct per file).
fn literal_file(dir: &Path, files: &[String], key: &str, value: &str) -> Option<String> {
    let line = format!("{key}={value}");
    files
        .iter()
        .rev()
        .find(|f| {
            std::fs::read_to_string(dir.join(f))
                .expect("file")
                .lines()
                .any(|l| l == line)
        })
        .cloned()
}

fn check(loader: &str, load: impl Fn(&Path, &str, &Env) -> Option<DirLoad>) -> usize {
    let rec = recording(loader);
    let env = env_of(&rec);
    let cases = rec["cases"].as_object().expect("cases");
    assert!(cases.len() >= 7, "{loader}: {} cases", cases.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    for (name, modes) in cases {
        let dir = base().join("dirs").join(name);
        let rel = format!("tests/fixtures/dotenv/dirs/{name}");
        for (mode, want) in modes.as_object().expect("modes") {
            let spec = format!("?loader={loader}&mode={mode}");
            let Some(d) = load(&dir, mode, &env) else {
                if want.get("error").is_none() {
                    failures.push(format!("{name} {mode}: refused here, the real {loader} read it"));
                }
                // The CLI refuses the source (a usage error).
                let r = run(ad().args(["inspect", &format!("env:{rel}#K{spec}")]));
                if r.code != 2 {
                    failures.push(format!("{name} {mode}: exit {} for a refused mode", r.code));
                }
                continue;
            };
            if let Some(e) = want.get("error") {
                failures.push(format!("{name} {mode}: the real {loader} failed ({e}), here not"));
                continue;
            }
            let want: BTreeMap<String, String> = want["values"]
                .as_object()
                .expect("values")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("text").to_string()))
                .collect();
            let got = seen(&dir, &d, &env);
            if got != want {
                failures.push(format!("{name} {mode}:\n  real: {want:?}\n  here: {got:?}"));
            }
            compared += 1;
            for (key, value) in &want {
                let (_, v) = json(
                    ad().env_clear()
                        .env("LANG", "C.UTF-8")
                        .env("AD_FROM_ENV", &env["AD_FROM_ENV"])
                        .args(["inspect", &format!("env:{rel}#{key}{spec}")]),
                );
                let s = &v["sources"][0];
                if s["length"] != value.len() {
                    failures.push(format!("{name} {mode} {key}: inspect says length {}", s["length"]));
                }
                if env.contains_key(key) {
                    continue;
                }
                let file = s["details"]["file"].as_str().unwrap_or_default();
                if let Some(f) = literal_file(&dir, &d.files, key, value)
                    && !file.ends_with(&format!("/{f}"))
                {
                    failures.push(format!("{name} {mode} {key}: from {f}, inspect says {file}"));
                }
                if s["details"]["files"] != d.files.join(", ") {
                    failures.push(format!("{name} {mode} {key}: files {}", s["details"]["files"]));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{loader}:\n{}", failures.join("\n"));
    compared
}

#[test]
fn vite_directories_as_recorded() {
    let n = check("vite", |dir, mode, env| {
        if vite::refuses_mode(mode).is_some() {
            return None;
        }
        Some(vite::load_dir(dir, mode, env).expect("load"))
    });
    assert!(n >= 28, "{n}");
}

#[test]
fn bun_directories_as_recorded() {
    let n = check("bun", |dir, mode, env| {
        Some(bun::load_dir(dir, Mode::from_name(mode).expect("mode"), env).expect("load"))
    });
    assert!(n >= 21, "{n}");
}

#[test]
fn directory_errors() {
    let d = "tests/fixtures/dotenv/dirs/01-only-base";
    // A key the environment has: its value, from the environment.
    let (_, v) = json(
        ad().env("AD_FROM_ENV", "from-process-env")
            .args(["inspect", &format!("env:{d}#AD_FROM_ENV?loader=vite")]),
    );
    assert_eq!(v["sources"][0]["length"], "from-process-env".len(), "{v}");
    assert!(
        v["sources"][0]["details"]["from"]
            .as_str()
            .unwrap_or("")
            .contains("process environment")
    );
    // No such key: the files read are named.
    let r = run(ad().args(["inspect", &format!("env:{d}#NOPE?loader=vite&mode=staging")]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        r.stdout.contains(".env.staging.local") && r.stdout.contains("found: .env"),
        "{}",
        r.stdout
    );
    // No file of the mode at all.
    let empty = tempfile::tempdir().expect("tempdir");
    let p = empty.path().display().to_string();
    for loader in ["vite", "bun"] {
        let r = run(ad().args(["inspect", &format!("env:{p}#K?loader={loader}")]));
        assert!(r.code == 3 || r.code == 1, "{loader}: {} {}", r.code, r.stdout);
        assert!(r.stdout.contains("none of"), "{}", r.stdout);
    }
    for bad in [
        format!("env:{d}#K?loader=vite&mode=local"),
        format!("env:{d}#K?loader=vite&mode=a/b"),
        format!("env:{d}#K?loader=bun&mode=staging"),
        format!("env:{d}#K?loader=node&mode=development"),
        format!("env:{d}#K?loader=godotenv"),
    ] {
        let r = run(ad().args(["inspect", &bad]));
        assert!(r.code == 2 || r.code == 3, "{bad}: {}", r.code);
        assert!(!r.stderr.contains("panicked"));
    }
    // Vite throws on a key every JavaScript object has: nothing loads.
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::write(t.path().join(".env"), "K=1\n").expect("write");
    std::fs::write(t.path().join(".env.local"), "constructor=x\n").expect("write");
    let r = run(ad().args(["inspect", &format!("env:{}#K?loader=vite", t.path().display())]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains(".env.local"), "{}", r.stdout);
}
