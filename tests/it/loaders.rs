//! The loader emulations against recordings of the real loaders (scripts/record-loaders.sh):
//! for every case of the corpus, the same keys with the same bytes, and a failure where the real
//! loader failed. Two corpora: `cases/` (written by hand, one hazard each) and `fuzz/cases/` (200
//! files from tools/loaders/fuzz.py's grammar, seed 7).

use authdoctor::dotenv::shell::UNDECIDED;
use authdoctor::dotenv::{Env, Loader, Options, Parsed, Sh, TOO_LARGE};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dotenv")
}

/// What the program ends up with: each key's winning value, unresolved ones left out.
fn effective(loader: Loader, p: &Parsed) -> (BTreeMap<String, String>, Vec<String>) {
    let mut values = BTreeMap::new();
    let mut unresolved = Vec::new();
    for e in p.effective() {
        if let Some(winner) = loader.lookup(p, &e.key) {
            if winner.unresolved.is_some() {
                unresolved.push(e.key.to_string());
            } else {
                values.insert(e.key.to_string(), winner.value.to_string());
            }
        }
    }
    (values, unresolved)
}

fn check(recording: &str, loader: Loader, opts: Options) {
    check_in("", recording, loader, opts, Sh::Dash);
}

/// The corpus under `tests/fixtures/dotenv/{corpus}` against its recording `{recording}.json`.
/// A value the real loader read as bytes that are not UTF-8 (`raw`) must be unresolved here; where
/// the real loader failed for want of memory or time (`resource`), or the emulation stopped at its
/// bounds ("too large to expand") or cannot tell whether the shell exits (`${K:?}` on a command's
/// output), the outcome is not compared.
fn check_in(corpus: &str, recording: &str, loader: Loader, opts: Options, sh: Sh) {
    let base = dir().join(corpus);
    let path = base.join("recorded").join(format!("{recording}.json"));
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("recording")).expect("JSON");
    let env: Env = rec["env"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let cases = rec["cases"].as_object().expect("cases");
    assert!(cases.len() >= 60, "{recording}: only {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, want) in cases {
        let bytes = std::fs::read(base.join("cases").join(name)).expect("case file");
        let parsed = loader.parse_sh(&bytes, &env, &opts, sh);
        let fatal = parsed.errors.iter().any(|e| e.fatal);
        let too_large = parsed
            .effective()
            .iter()
            .any(|e| matches!(e.unresolved, Some(TOO_LARGE | UNDECIDED)));
        if want.get("error").is_some() {
            let bounded =
                too_large || (want.get("resource").is_some() && parsed.entries.iter().any(|e| e.unresolved.is_some()));
            if !fatal && !bounded {
                failures.push(format!(
                    "{name}: the real loader failed ({}), the emulation did not",
                    want["error"]
                ));
            }
            continue;
        }
        if fatal {
            failures.push(format!(
                "{name}: the emulation failed ({:?}), the real loader did not",
                parsed.errors
            ));
            continue;
        }
        let (got, unresolved) = effective(loader, &parsed);
        let raw: Vec<String> = want["raw"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for k in &raw {
            if !unresolved.contains(k) {
                failures.push(format!(
                    "{name}: the real value of {k} is not UTF-8; the emulation should leave it unresolved"
                ));
            }
        }
        let want: BTreeMap<String, String> = want["values"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let want: BTreeMap<String, String> = want.into_iter().filter(|(k, _)| !unresolved.contains(k)).collect();
        if got != want {
            failures.push(format!("{name}:\n   real: {want:?}\n   ours: {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{recording} ({} of {} cases differ):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn node_dotenv_16() {
    check("node16", Loader::Node, Options::default());
}

#[test]
fn node_dotenv_17() {
    check("node17", Loader::Node, Options::default());
}

#[test]
fn nextjs_env() {
    check("nextjs", Loader::Nextjs, Options::default());
}

#[test]
fn python_dotenv() {
    check("python", Loader::Python, Options::default());
}

#[test]
fn python_dotenv_without_interpolation() {
    check("python-nointerp", Loader::Python, Options { interpolate: false });
}

#[test]
fn posix_shell() {
    check("shell", Loader::Shell, Options::default());
}

#[test]
fn bash() {
    check_in("", "bash", Loader::Shell, Options::default(), Sh::Bash);
}

#[test]
fn node_native_env_file() {
    check("node-native", Loader::NodeNative, Options::default());
}

#[test]
fn godotenv() {
    check("godotenv", Loader::Godotenv, Options::default());
}

#[test]
fn vite_load_env() {
    check("vite", Loader::Vite, Options::default());
}

#[test]
fn bun_auto_load() {
    check("bun", Loader::Bun, Options::default());
}

/// The fuzzer's recorded corpus (tools/loaders/fuzz.py -n 200 --seed 7 --record …).
mod fuzz_corpus {
    use super::*;

    fn check(recording: &str, loader: Loader, opts: Options, sh: Sh) {
        check_in("fuzz", recording, loader, opts, sh);
    }

    #[test]
    fn node_dotenv_16() {
        check("node16", Loader::Node, Options::default(), Sh::Dash);
    }

    #[test]
    fn node_dotenv_17() {
        check("node17", Loader::Node, Options::default(), Sh::Dash);
    }

    #[test]
    fn nextjs_env() {
        check("nextjs", Loader::Nextjs, Options::default(), Sh::Dash);
    }

    #[test]
    fn python_dotenv() {
        check("python", Loader::Python, Options::default(), Sh::Dash);
    }

    #[test]
    fn python_dotenv_without_interpolation() {
        check(
            "python-nointerp",
            Loader::Python,
            Options { interpolate: false },
            Sh::Dash,
        );
    }

    #[test]
    fn dotenvy_crate() {
        check("dotenvy", Loader::Dotenvy, Options::default(), Sh::Dash);
    }

    #[test]
    fn dash() {
        check("dash", Loader::Shell, Options::default(), Sh::Dash);
    }

    #[test]
    fn bash() {
        check("bash", Loader::Shell, Options::default(), Sh::Bash);
    }

    #[test]
    fn node_native_env_file() {
        check("node-native", Loader::NodeNative, Options::default(), Sh::Dash);
    }

    #[test]
    fn godotenv() {
        check("godotenv", Loader::Godotenv, Options::default(), Sh::Dash);
    }

    #[test]
    fn vite_load_env() {
        check("vite", Loader::Vite, Options::default(), Sh::Dash);
    }

    #[test]
    fn bun_auto_load() {
        check("bun", Loader::Bun, Options::default(), Sh::Dash);
    }
}
