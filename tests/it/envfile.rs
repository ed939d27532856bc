//! `authdoctor envfile` and the `env:` loader options as a user runs them.

use crate::common::*;

const CASES: &str = "tests/fixtures/dotenv/cases";

fn finding<'a>(v: &'a serde_json::Value, code: &str) -> Option<&'a serde_json::Value> {
    v["findings"].as_array()?.iter().find(|f| f["code"] == code)
}

#[test]
fn groups_loaders_and_names_the_cause() {
    let (code, v) = json(ad().args(["envfile", &format!("{CASES}/31-bcrypt-unquoted.env")]));
    assert_eq!(code, 0, "warnings only: {v}");
    assert_eq!(v["verdict"], "warn");
    let key = &v["keys"][0];
    assert_eq!(key["key"], "HASH");
    assert_eq!(key["agree"], false);
    let readings = key["readings"].as_array().expect("readings");
    assert_eq!(readings.len(), 5, "{readings:?}");
    assert_eq!(
        readings[4]["loaders"],
        serde_json::json!(["godotenv"]),
        "godotenv expands only upper-case names: `$2b$10$` loses `$2` and `$10`"
    );
    assert_eq!(
        readings[0]["loaders"],
        serde_json::json!(["node", "python", "docker", "node-native"])
    );
    assert_eq!(readings[1]["length"], 0, "nextjs, ruby, dotenvy and bun empty the hash");
    assert_eq!(
        readings[2]["loaders"],
        serde_json::json!(["compose", "vite"]),
        "compose and vite keep `$2b$10`"
    );
    assert!(
        readings[3]["unresolved"]
            .as_str()
            .unwrap_or("")
            .contains("special parameter"),
        "{readings:?}"
    );
    let ad301 = finding(&v, "AD301").expect("AD301");
    let msg = ad301["message"].as_str().unwrap_or_default();
    assert!(msg.contains("`$` expansion") && msg.contains("bcrypt-like"), "{msg}");
    assert_eq!(ad301["location"]["line"], 1);
}

#[test]
fn loaders_and_key_narrow_the_report() {
    let f = format!("{CASES}/63-realistic-auth.env");
    let (code, v) = json(ad().args(["envfile", &f, "--loaders", "node,nextjs,python"]));
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "pass", "these three strip the quotes alike: {v}");
    let (_, v) = json(ad().args(["envfile", &f, "--key", "AUTH_SECRET"]));
    assert_eq!(v["keys"].as_array().map(Vec::len), Some(1));
    assert!(finding(&v, "AD301").is_some(), "docker keeps the quotes");
    let (code, v) = json(ad().args(["envfile", &f, "--key", "NOPE"]));
    assert_eq!(code, 3);
    assert!(finding(&v, "AD002").is_some_and(|f| {
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("AUTH_SECRET, NEXTAUTH_URL")
    }));
    let r = run(ad().args(["envfile", &f, "--loaders", "node,perl"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid value 'perl' for '--loaders <LOADERS>'")
            && r.stderr.contains(
                "[possible values: node, nextjs, python, compose, docker, ruby, dotenvy, shell, node-native, godotenv, vite, bun]"
            ),
        "{}",
        r.stderr
    );
    assert!(
        run(ad().args(["envfile", &f, "--strict"])).code == 1,
        "warnings fail under --strict"
    );
}

#[test]
fn file_hazards_even_where_loaders_agree() {
    let (_, v) = json(ad().args(["envfile", &format!("{CASES}/19-duplicate-key.env")]));
    let ad304 = finding(&v, "AD304").expect("AD304");
    assert!(
        ad304["message"].as_str().unwrap_or("").contains("lines 1, 2"),
        "{ad304}"
    );
    let (_, v) = json(ad().args(["envfile", &format!("{CASES}/16-bom.env")]));
    assert!(finding(&v, "AD305").is_some(), "{v}");
    let (_, v) = json(ad().args(["envfile", &format!("{CASES}/14-crlf.env")]));
    assert!(finding(&v, "AD306").is_some(), "{v}");
    let (_, v) = json(ad().args(["envfile", &format!("{CASES}/62-command-substitution.env")]));
    assert!(finding(&v, "AD303").is_some(), "{v}");
}

#[test]
fn bad_input_gets_a_message_per_loader_never_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin.env");
    std::fs::write(&bin, b"A=1\x00\x01").expect("write");
    let r = run(ad().args(["envfile", &bin.display().to_string()]));
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.contains("not a text file (NUL byte at offset 3)"),
        "{}",
        r.stdout
    );

    let huge = dir.path().join("huge.env");
    std::fs::write(&huge, vec![b'A'; 20 * 1024 * 1024]).expect("write");
    let r = run(ad().args(["envfile", &huge.display().to_string()]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("more than 8 MiB"), "{}", r.stdout);

    let (code, v) = json(ad().args(["envfile", &format!("{CASES}/86-latin1.env")]));
    assert_eq!(code, 0);
    assert!(finding(&v, "AD302").is_some());
    let rejects: Vec<String> = messages(&v, "AD307");
    assert!(
        rejects.iter().any(|m| m.contains("python rejects the file")),
        "{rejects:?}"
    );
    assert!(
        rejects.iter().any(|m| m.contains("docker rejects the file")),
        "{rejects:?}"
    );

    let (_, v) = json(ad().args(["envfile", &format!("{CASES}/55-unterminated-double.env")]));
    let msgs: Vec<String> = messages(&v, "AD307");
    for l in ["python skips", "compose rejects", "shell rejects", "dotenvy skips"] {
        assert!(msgs.iter().any(|m| m.contains(l)), "{l}: {msgs:?}");
    }
    let r = run(ad().args(["envfile", "no/such/.env"]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("no/such/.env: no such file"), "{}", r.stdout);
}

#[test]
fn github_annotations_point_at_the_line() {
    let f = format!("{CASES}/63-realistic-auth.env");
    let r = run(ad().args(["--format", "github", "envfile", &f]));
    assert!(
        r.stdout.contains(&format!("::warning file={f},line=1,title=AD301::")),
        "{}",
        r.stdout
    );
}

#[test]
fn env_source_options() {
    let f = format!("{CASES}/31-bcrypt-unquoted.env");
    // node keeps the hash, nextjs empties it: compare says so and AD301 names the cause.
    let (code, v) = json(ad().args([
        "compare",
        &format!("node=env:{f}#HASH?loader=node"),
        &format!("next=env:{f}#HASH?loader=nextjs"),
    ]));
    assert_eq!(code, 1);
    let codes = codes(&v);
    assert!(
        codes.contains(&"AD301".to_string()) && codes.contains(&"AD207".to_string()),
        "{codes:?}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join(".env"),
        "AUTH_SECRET=from-dot-env-0123456789abcdef0123456789\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join(".env.local"),
        "AUTH_SECRET=from-local-0123456789abcdef0123456789ab\n",
    )
    .expect("write");
    let d = dir.path().display().to_string();
    let (_, v) = json(ad().args(["inspect", &format!("env:{d}#AUTH_SECRET?loader=nextjs")]));
    assert!(
        v["sources"][0]["details"]["file"]
            .as_str()
            .unwrap_or("")
            .ends_with(".env.local"),
        "{v}"
    );
    let (_, v) = json(ad().args(["inspect", &format!("env:{d}#AUTH_SECRET?loader=nextjs&mode=test")]));
    assert!(
        v["sources"][0]["details"]["file"]
            .as_str()
            .unwrap_or("")
            .ends_with("/.env"),
        "test mode skips .env.local: {v}"
    );

    let p = format!("{CASES}/29-dollar-default.env");
    let (_, v) = json(ad().args(["inspect", &format!("env:{p}#A?loader=python&interpolate=false")]));
    assert_eq!(v["sources"][0]["length"], "${NOPE_AD:-fallback}".len());
    for bad in [
        format!("env:{p}#A?mode=test"),
        format!("env:{p}#A?loader=nextjs&mode=staging"),
        format!("env:{p}#A?loader=node&interpolate=false"),
        format!("env:{d}#A"),
    ] {
        let r = run(ad().args(["inspect", &bad]));
        assert!(r.code == 2 || r.code == 3, "{bad}: {}", r.code);
        assert!(!r.stderr.contains("panicked"));
    }
}
