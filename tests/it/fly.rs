//! Fly sources through a fake flyctl that prints each documented output shape.

use crate::common::*;

fn fake_fly() -> String {
    root().join("tests/fake-fly/fly").display().to_string()
}

fn fly() -> assert_cmd::Command {
    let mut c = ad();
    c.env("FLYCTL", fake_fly())
        .env_remove("FAKE_FLY_VERSION")
        .env_remove("FAKE_FLY_LOGGED_OUT");
    c
}

fn finding<'a>(v: &'a serde_json::Value, code: &str) -> Option<&'a serde_json::Value> {
    v["findings"].as_array()?.iter().find(|f| f["code"] == code)
}

#[test]
fn every_flyctl_version_json_and_table() {
    for version in ["0.3.177", "0.4.5", "0.4.6"] {
        for ext in ["json", "txt"] {
            let f = format!("tests/fixtures/fly/{version}/catwalk-backend.{ext}");
            let (code, v) = json(ad().args(["inspect", &format!("b=fly-json:{f}#AUTH_SYNC_SECRET")]));
            assert_eq!(code, 0, "{version} {ext}: {v}");
            assert_eq!(v["sources"][0]["kind"], "digest");
            assert_eq!(
                v["sources"][0]["details"]["digest"], "b81e4c2d9a0f7365",
                "{version} {ext}"
            );
        }
    }
}

#[test]
fn staged_and_partial_secrets_are_ad501() {
    let (code, v) = json(fly().args(["inspect", "fly:catwalk-backend#AUTH_SECRET"]));
    assert_eq!(code, 1, "{v}");
    assert!(
        finding(&v, "AD501").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("staged")),
        "{v}"
    );
    let (_, v) = json(fly().args(["inspect", "fly:catwalk-worker#AUTH_SECRET"]));
    assert!(
        finding(&v, "AD501").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("partially")),
        "{v}"
    );
    let (code, v) = json(
        fly()
            .args(["inspect", "fly:catwalk-backend#AUTH_SYNC_SECRET"])
            .env("FAKE_FLY_VERSION", "0.4.5"),
    );
    assert_eq!(code, 0, "no status before 0.4.6: {v}");
    let (_, v) = json(ad().args([
        "inspect",
        "fly-json:tests/fixtures/fly/0.4.6/catwalk-backend.txt#AUTH_SECRET",
    ]));
    assert!(finding(&v, "AD501").is_some(), "the table's `* ` marks it staged: {v}");
}

#[test]
fn digests_are_never_compared_with_values() {
    let (code, v) = json(fly().args([
        "compare",
        "fly=fly:catwalk-backend#AUTH_SYNC_SECRET",
        "local=file:tests/fixtures/redaction/exact",
    ]));
    assert!(finding(&v, "AD111").is_some(), "{v}");
    assert!(finding(&v, "AD101").is_none() && finding(&v, "AD100").is_none(), "{v}");
    assert_eq!(code, 0, "{v}");
}

#[test]
fn digests_of_different_apps_are_not_compared() {
    let (code, v) = json(fly().args([
        "compare",
        "api=fly:catwalk-backend#AUTH_SYNC_SECRET",
        "worker=fly:catwalk-worker#QUEUE_URL",
    ]));
    assert_eq!(code, 0, "{v}");
    assert!(
        finding(&v, "AD101").is_none(),
        "keyed digests of two apps say nothing about equality: {v}"
    );
    assert!(finding(&v, "AD111").is_some(), "{v}");
}

#[test]
fn one_flyctl_call_per_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("calls.log");
    let r = run(fly()
        .args([
            "compare",
            "a=fly:catwalk-backend#AUTH_SECRET",
            "b=fly:catwalk-backend#AUTH_SYNC_SECRET",
            "c=fly:catwalk-backend#DATABASE_URL",
            "d=fly:catwalk-worker#AUTH_SECRET",
        ])
        .env("FAKE_FLY_LOG", &log));
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let calls = std::fs::read_to_string(&log).expect("log");
    assert_eq!(calls.lines().count(), 2, "{calls}");
    assert!(calls.contains("secrets list --app catwalk-backend --json"), "{calls}");
}

#[test]
fn clear_errors_for_missing_key_app_login_and_flyctl() {
    let (code, v) = json(fly().args(["inspect", "fly:catwalk-backend#NEXTAUTH_SECRET"]));
    assert_eq!(code, 3);
    let msg = finding(&v, "AD002")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        msg.contains("names: AUTH_SECRET, AUTH_SYNC_SECRET, DATABASE_URL"),
        "{msg}"
    );

    let r = run(fly().args(["inspect", "fly:no-such-app#AUTH_SECRET"]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("Fly has no such app"), "{}", r.stdout);

    let r = run(fly()
        .args(["inspect", "fly:catwalk-backend#AUTH_SECRET"])
        .env("FAKE_FLY_LOGGED_OUT", "1"));
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.contains("not logged in") && r.stdout.contains("fly auth login"),
        "{}",
        r.stdout
    );

    let r = run(ad()
        .args(["inspect", "fly:catwalk-backend#AUTH_SECRET"])
        .env("FLYCTL", "/nonexistent/flyctl"));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("could not run `/nonexistent/flyctl`"), "{}", r.stdout);
    let r = run(ad()
        .args(["inspect", "fly:catwalk-backend#AUTH_SECRET"])
        .env_remove("FLYCTL")
        .env("PATH", "/nonexistent"));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("flyctl is not installed"), "{}", r.stdout);

    let r = run(ad().args(["inspect", "fly-json:tests/fixtures/redaction/exact#AUTH_SECRET"]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("neither JSON nor a table"), "{}", r.stdout);
}

#[test]
fn runtime_fingerprints_explain_against_local_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = dir.path().join("machine.env");
    // The running machine got the secret with a trailing newline (set from a file).
    std::fs::write(&machine, format!("AUTH_SECRET='{KNOWN}\n'\n")).expect("write");
    let (code, v) = json(
        fly()
            .args([
                "compare",
                "local=file:tests/fixtures/redaction/exact",
                "machine=fly-runtime:catwalk-backend#AUTH_SECRET",
            ])
            .env("FAKE_FLY_MACHINE_ENV", &machine),
    );
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["sources"][1]["kind"], "fingerprints");
    let f = finding(&v, "AD102").expect("AD102");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("machine@3d8d9d1b and machine@6e82933c equals local after removing trailing whitespace"),
        "{f}"
    );

    std::fs::write(&machine, format!("AUTH_SECRET={KNOWN}\n")).expect("write");
    let (code, v) = json(
        fly()
            .args([
                "compare",
                "local=file:tests/fixtures/redaction/exact",
                "machine=fly-runtime:catwalk-backend#AUTH_SECRET?machine=3d8d9d1b",
            ])
            .env("FAKE_FLY_MACHINE_ENV", &machine),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sources"][1]["details"]["machine"], "3d8d9d1b");

    let (code, v) = json(
        fly()
            .args(["inspect", "fly-runtime:catwalk-backend#NOT_THERE_AD"])
            .env("FAKE_FLY_MACHINE_ENV", &machine),
    );
    assert_eq!(code, 3);
    assert!(finding(&v, "AD002").is_some(), "{v}");
    let r = run(fly().args(["inspect", "fly-runtime:catwalk-backend#BAD-NAME"]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("is not an environment variable name"), "{}", r.stdout);
}

/// Without ?machine=, every started machine is asked (the stopped one is not): catwalk-worker's
/// 7f1a2b3c runs release 11 with the previous value while its siblings run release 12.
#[test]
fn fly_runtime_asks_every_started_machine_and_names_the_odd_one() {
    let (code, v) = json(
        fly()
            .args([
                "compare",
                "local=file:tests/fixtures/redaction/exact",
                "fly=fly-runtime:catwalk-worker#AUTH_SECRET",
            ])
            .env("FAKE_FLY_MACHINES_ENV", root().join("tests/fixtures/fly/machine-env")),
    );
    assert_eq!(code, 1, "{v}");
    // One row per machine, each compared: release 12's machines hold the local value, 7f1a2b3c not.
    let labels: Vec<&str> = v["sources"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(labels, ["local", "fly@4d89e1c2", "fly@7f1a2b3c", "fly@9e8d7c6b"], "{v}");
    assert_eq!(
        v["sources"][2]["spec"], "fly-runtime:catwalk-worker#AUTH_SECRET?machine=7f1a2b3c",
        "{v}"
    );
    assert_eq!(v["sources"][2]["details"]["release"], 11, "{v}");
    assert_eq!(
        v["groups"],
        serde_json::json!([["fly@4d89e1c2", "fly@9e8d7c6b", "local"], ["fly@7f1a2b3c"]]),
        "{v}"
    );
    assert_eq!(
        messages(&v, "AD505"),
        [
            "fly: 1 of 3 started machines of catwalk-worker are off: 7f1a2b3c (iad): holds another value for AUTH_SECRET; \
runs release 11, older than the last deploy's 12, started 2026-11-18 09:00:00 UTC"
        ],
        "{v}"
    );

    // catwalk-backend: two started machines on the same release with the same value; the stopped
    // one is not asked.
    let machine = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(machine.path(), format!("AUTH_SECRET={KNOWN}\n")).expect("write");
    let (code, v) = json(
        fly()
            .args([
                "compare",
                "local=file:tests/fixtures/redaction/exact",
                "fly=fly-runtime:catwalk-backend#AUTH_SECRET",
            ])
            .env("FAKE_FLY_MACHINE_ENV", machine.path()),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sources"].as_array().map(Vec::len), Some(3), "{v}");
    assert_eq!(codes(&v), ["AD100"], "{v}");
    assert!(messages(&v, "AD505").is_empty(), "{v}");
}

/// A machine that does not answer is its own unreadable row (AD001, exit 3); the others are still
/// read and compared.
#[test]
fn a_machine_that_does_not_answer_is_its_own_unreadable_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["4d89e1c2.env", "7f1a2b3c.env", "9e8d7c6b.env"] {
        std::fs::copy(
            root().join("tests/fixtures/fly/machine-env").join(f),
            dir.path().join(f),
        )
        .expect("copy");
    }
    std::fs::write(dir.path().join("9e8d7c6b.fail"), "").expect("fail");
    let (code, v) = json(
        fly()
            .args([
                "compare",
                "local=file:tests/fixtures/redaction/exact",
                "fly=fly-runtime:catwalk-worker#AUTH_SECRET",
            ])
            .env("FAKE_FLY_MACHINES_ENV", dir.path()),
    );
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["sources"][3]["label"], "fly@9e8d7c6b", "{v}");
    assert_eq!(v["sources"][3]["status"], "error", "{v}");
    assert_eq!(
        messages(&v, "AD001"),
        ["fly@9e8d7c6b: fly ssh console -a catwalk-worker: flyctl failed (exit 1)"],
        "{v}"
    );
    assert_eq!(
        v["groups"],
        serde_json::json!([["fly@4d89e1c2", "local"], ["fly@7f1a2b3c"]]),
        "{v}"
    );
}
