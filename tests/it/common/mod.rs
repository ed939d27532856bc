//! Helpers shared by the CLI tests: run the real binary the way a user does.
#![allow(dead_code)]

pub mod backend;
pub mod http;
pub mod moto;

use assert_cmd::Command;
use std::path::PathBuf;

/// The binary under a predictable environment: UTF-8 locale, no colour variables, no format variable.
pub fn ad() -> Command {
    let mut c = Command::cargo_bin("authdoctor").expect("binary built by cargo");
    c.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("AUTHDOCTOR_FORMAT")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "C.UTF-8")
        .current_dir(root());
    c
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> String {
    format!("tests/fixtures/{rel}")
}

/// The known 64-character secret of tests/fixtures/redaction.
pub const KNOWN: &str = "Zr4Tq9Lm2Xv7Bn5Kc8Hd3Wf6Jp1Gs0Ya4Ue9Ri2Ox7Ml5Nb3Vc8Ek1Dh6Tj0Qw2P";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run authdoctor");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn json(cmd: &mut Command) -> (i32, serde_json::Value) {
    let r = run(cmd.arg("--format").arg("json"));
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

/// The messages of a JSON report's findings with this code.
pub fn messages(v: &serde_json::Value, code: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["code"] == code)
                .map(|f| f["message"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| a.iter().map(|f| f["code"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

/// Any 6-byte run of `secret` in `text`?
pub fn leaks(text: &str, secret: &str) -> Option<String> {
    secret
        .as_bytes()
        .windows(6)
        .find(|w| text.as_bytes().windows(6).any(|x| x == *w))
        .map(|w| String::from_utf8_lossy(w).into_owned())
}
