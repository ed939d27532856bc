//! A few hundred bytes of `.env` must not abort authdoctor: nested `${A-…}`, self-doubling keys and
//! long reference chains (which make the real loaders build gigabyte values, overflow their stack or
//! exhaust their heap) are read within bounded memory and time, and the keys past the bounds are
//! reported as too large to expand.

use crate::common;
use std::time::{Duration, Instant};

/// The files of the report: a 300-byte nested file, a 3 KB self-referring one, a 6 KB nest of
/// `${A:-…}`, chains that double every line, and a 60 KB file of them.
fn bombs() -> Vec<(&'static str, String)> {
    let chain = |n: usize, r: &str| -> String {
        let mut s = String::from("K0=xxxxxxxx\n");
        for i in 1..=n {
            s.push_str(&format!("K{i}={}\n", r.replace("@", &format!("{}", i - 1)).repeat(8)));
        }
        s
    };
    vec![
        ("nested-300b", format!("A={}x{}\n", "${A-".repeat(59), "}".repeat(59))),
        (
            "nested-colon-6k",
            format!("A={}x{}\n", "${A:-".repeat(1000), "}".repeat(1000)),
        ),
        ("self-doubling-3k", format!("A=x\n{}", "A=$A$A${A}\n".repeat(270))),
        ("chain", chain(12, "$K@")),
        ("chain-braced-quoted", chain(12, "\"${K@}\"")),
        ("big-60k", {
            let mut s = String::new();
            while s.len() < 60_000 {
                s.push_str(&chain(12, "${K@:-${A:-x}}"));
            }
            s
        }),
    ]
}

#[test]
fn envfile_and_inspect_stay_within_bounds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = assert_cmd::cargo::cargo_bin("authdoctor");
    for (name, text) in bombs() {
        let path = dir.path().join(format!("{name}.env"));
        std::fs::write(&path, &text).expect("write");
        let file = path.to_string_lossy().into_owned();
        let key = if name.starts_with("chain") || name.starts_with("big") {
            "K12"
        } else {
            "A"
        };
        // `inspect` reads the file with every loader too: once per loader on the small files.
        let loaders: &[&str] = if text.len() < 4096 {
            &["node", "nextjs", "python", "compose", "ruby", "dotenvy", "shell"]
        } else {
            &["compose"]
        };
        let runs: Vec<Vec<String>> = std::iter::once(vec!["envfile".to_string(), file.clone()])
            .chain(
                loaders
                    .iter()
                    .map(|l| vec!["inspect".to_string(), format!("env:{file}#{key}?loader={l}")]),
            )
            .collect();
        for args in runs {
            let started = Instant::now();
            // 2 GB of address space: the unbounded expansions asked for 2-12 GB and aborted.
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg("ulimit -v 2000000; exec \"$0\" --format json \"$@\"")
                .arg(&bin)
                .args(&args)
                .env("LANG", "C.UTF-8")
                .current_dir(common::root())
                .output()
                .expect("run authdoctor");
            let took = started.elapsed();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0..=3)),
                "{name} {args:?}: exit {:?}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(took < Duration::from_secs(20), "{name} {args:?}: {took:?}");
            serde_json::from_slice::<serde_json::Value>(&out.stdout)
                .unwrap_or_else(|e| panic!("{name} {args:?}: not JSON ({e})"));
        }
        // Some loader gives up on every one of these files, and says so.
        let out = std::process::Command::new(&bin)
            .args(["--format", "json", "envfile", &file])
            .output()
            .expect("run authdoctor");
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains("too large to expand"), "{name}: {report}");
    }
}
