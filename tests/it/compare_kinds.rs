//! `compare` names the real cause of a difference, whatever the argument order: one test per kind
//! of difference, each through the real binary on files written here.

use crate::common::{ad, codes, json, messages};
use std::path::Path;

const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----\n";
const S: &str = "Zq8Vx3Lm2Tb7Nc5Kd9Hf4Wg6Jr1Gs0Ya4Ue9Ri2Ox7Ml5Pb3Vc8Ek1Dh6Tj0Qw2R";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    format!("{name}=file:{}", p.display())
}

/// JSON findings of `compare` over these sources.
fn compare(sources: &[String]) -> (i32, serde_json::Value) {
    json(ad().arg("compare").args(sources))
}

fn first(v: &serde_json::Value, code: &str) -> serde_json::Value {
    v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == code).cloned())
        .unwrap_or_else(|| panic!("no {code} in {v:#}"))
}

#[test]
fn a_pem_kept_quoted_with_escaped_newlines_is_a_chain() {
    let d = tempfile::tempdir().expect("tempdir");
    let docker = format!("\"{}\"", PEM.replace('\n', "\\n"));
    let (code, v) = compare(&[
        write(d.path(), "backend", docker.as_bytes()),
        write(d.path(), "frontend", PEM.as_bytes()),
    ]);
    assert_eq!(code, 1);
    let f = first(&v, "AD120");
    assert_eq!(f["steps"], serde_json::json!(["strip_quotes", "unescape_newlines"]));
    let m = f["message"].as_str().unwrap_or_default();
    assert!(
        m.starts_with("backend = frontend with surrounding quotes kept and each newline written as"),
        "{m}"
    );
    assert!(!codes(&v).contains(&"AD101".to_string()), "{v:#}");
}

#[test]
fn store_manglings_have_their_own_codes() {
    let d = tempfile::tempdir().expect("tempdir");
    let spaces = PEM.trim_end().replace('\n', " ");
    let stripped = PEM.replace('\n', "");
    let escaped = PEM.replace('\n', "\\n");
    let sm = format!("{{\"jwt_secret\":\"{S}\",\"other\":\"x\"}}");
    let url = "ab%2Bcd%2Fef%3D%3D-0123456789abcdef0123456789";
    let url_plain = "ab+cd/ef==-0123456789abcdef0123456789";
    for (mangled, plain, want) in [
        (spaces.as_str(), PEM, "AD114"),
        (escaped.as_str(), PEM, "AD115"),
        (stripped.as_str(), PEM, "AD116"),
        (sm.as_str(), S, "AD118"),
        (url, url_plain, "AD119"),
        (
            "base64:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
            "secret-secret-secret-secret-secret",
            "AD104",
        ),
        (
            "0x7365637265742d7365637265742d7365637265742d736563726574",
            "secret-secret-secret-secret",
            "AD104",
        ),
    ] {
        let (_, v) = compare(&[
            write(d.path(), "store", mangled.as_bytes()),
            write(d.path(), "app", plain.as_bytes()),
        ]);
        assert_eq!(codes(&v).first().map(String::as_str), Some(want), "{want}: {v:#}");
        let m = &messages(&v, want)[0];
        assert!(m.starts_with("store "), "{want}: the store is named first: {m}");
    }
    let (_, v) = compare(&[
        write(d.path(), "sm", sm.as_bytes()),
        write(d.path(), "app", S.as_bytes()),
    ]);
    let hint = first(&v, "AD118")["hint"].as_str().unwrap_or_default().to_string();
    assert!(hint.contains("#jwt_secret"), "{hint}");
}

#[test]
fn dollar_segments_emptied_by_nextjs_are_named() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join(".env"), "HASH='ab$2b$10$N9qo8uLOickgx2ZMRZoMye'\n").expect("write");
    let raw = write(d.path(), "raw", b"ab$2b$10$N9qo8uLOickgx2ZMRZoMye");
    let (_, v) = compare(&[format!("next=env:{}/.env#HASH?loader=nextjs", d.path().display()), raw]);
    let f = first(&v, "AD117");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("next is raw's value"),
        "{f:#}"
    );
    assert!(f["hint"].as_str().unwrap_or_default().contains("\\$"), "{f:#}");
}

#[test]
fn the_odd_one_out_has_the_extra_bytes() {
    let d = tempfile::tempdir().expect("tempdir");
    let (code, v) = compare(&[
        write(d.path(), "backend", S.as_bytes()),
        write(d.path(), "frontend", S.as_bytes()),
        write(d.path(), "mounted", format!("{S}\\n").as_bytes()),
    ]);
    assert_eq!(code, 1);
    let all: Vec<String> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["message"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    assert!(all.iter().any(|m| m.starts_with("mounted has")), "{all:?}");
    assert!(!all.iter().any(|m| m.contains("truncated")), "{all:?}");
    let steps = v["next_steps"].to_string();
    assert!(!steps.contains("copy the full value"), "{steps}");
}

#[test]
fn findings_do_not_depend_on_argument_order() {
    let d = tempfile::tempdir().expect("tempdir");
    let a = write(d.path(), "ssm", b"an-entirely-different-secret-0123456789-abcdef");
    let b = write(d.path(), "frontend", S.as_bytes());
    let c = write(d.path(), "backend", format!("{S}\n").as_bytes());
    let e = write(d.path(), "config", format!("\"{S}\"").as_bytes());
    let orders = [
        vec![&a, &b, &c, &e],
        vec![&c, &e, &a, &b],
        vec![&e, &b, &c, &a],
        vec![&b, &a, &e, &c],
    ];
    let mut seen: Option<serde_json::Value> = None;
    for order in orders {
        let srcs: Vec<String> = order.into_iter().cloned().collect();
        let (_, v) = compare(&srcs);
        let findings = v["findings"].clone();
        assert!(
            codes(&v).contains(&"AD102".to_string()),
            "the trailing LF is said at once: {v:#}"
        );
        match &seen {
            None => seen = Some(findings),
            Some(s) => assert_eq!(s, &findings),
        }
    }
}

#[test]
fn a_project_loader_is_detected_and_named() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("package.json"), r#"{"dependencies":{"next":"15.0.0"}}"#).expect("write");
    std::fs::write(d.path().join(".env.local"), "AUTH_SECRET=abc$DEF\n").expect("write");
    let r = crate::common::run(ad().args(["inspect", &format!("{}/.env.local#AUTH_SECRET", d.path().display())]));
    assert!(
        r.stdout
            .contains("loader nextjs, detected: package.json depends on next"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_environment_shadows_alike_for_every_loader_that_keeps_it() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join(".env"), format!("AD_SHADOWED={S}\n")).expect("write");
    let file = format!("{}/.env#AD_SHADOWED", d.path().display());
    let (_, v) = json(
        ad().args([
            "compare",
            &format!("next=env:{file}?loader=nextjs"),
            &format!("py=env:{file}?loader=python"),
        ])
        .env("AD_SHADOWED", "exported-in-the-shell-and-different-0123456789"),
    );
    assert!(
        codes(&v).contains(&"AD100".to_string()),
        "both programs see the environment: {v:#}"
    );
    let said = messages(&v, "AD308").join(" ");
    assert!(said.contains("sees that value, not the file's"), "{said}");
    // The same value exported: nothing is shadowed, nothing said (as envfile says nothing).
    let (_, v) = json(
        ad().args([
            "compare",
            &format!("next=env:{file}?loader=nextjs"),
            &format!("py=env:{file}?loader=python"),
        ])
        .env("AD_SHADOWED", S),
    );
    assert!(!codes(&v).contains(&"AD308".to_string()), "{v:#}");
    let (_, v) = json(
        ad().args(["envfile", &format!("{}/.env", d.path().display())])
            .env("AD_SHADOWED", S),
    );
    assert!(!codes(&v).contains(&"AD308".to_string()), "{v:#}");
    let (_, v) = json(
        ad().args(["envfile", &format!("{}/.env", d.path().display())])
            .env("AD_SHADOWED", "exported-in-the-shell-and-different-0123456789"),
    );
    assert!(
        messages(&v, "AD308")
            .join(" ")
            .contains("sees that value, not the file's"),
        "{v:#}"
    );
}

#[test]
fn loader_warnings_only_for_loaders_in_play() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join(".env.local"), format!("AUTH_SECRET=\"{S}\"\n")).expect("write");
    std::fs::write(d.path().join("package.json"), r#"{"dependencies":{"next":"15.0.0"}}"#).expect("write");
    let spec = format!("{}/.env.local#AUTH_SECRET", d.path().display());
    let (_, v) = json(ad().args(["inspect", &spec]));
    assert!(
        !codes(&v).contains(&"AD301".to_string()),
        "nobody runs docker on it: {v:#}"
    );
    std::fs::write(d.path().join("run.sh"), "docker run --env-file .env.local my/app\n").expect("write");
    let (_, v) = json(ad().args(["inspect", &spec]));
    let m = messages(&v, "AD301").join(" ");
    assert!(
        m.contains("docker (run.sh runs docker with --env-file .env.local)"),
        "{v:#}"
    );
}

#[test]
fn ignore_drops_codes_and_counts_them() {
    let r = crate::common::run(ad().args([
        "--ignore",
        "ad102",
        "compare",
        "frontend=examples/frontend/.env.local#AUTH_SECRET",
        "backend=examples/backend/.env#AUTH_SECRET",
        "mounted=file:examples/secrets/auth_secret",
    ]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("1 ignored"), "{}", r.stdout);
    assert!(!r.stdout.contains("AD102"), "{}", r.stdout);
    // Not a code: refused without echoing what may be a secret pasted in the wrong place.
    let r = crate::common::run(ad().args(["--ignore", "Zq8Vx3Lm2Tb7Nc5K", "compare", "a=file:x", "b=file:y"]));
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("Zq8Vx3"), "{}", r.stderr);
    // And per group in authdoctor.toml.
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("a"), S).expect("write");
    std::fs::write(d.path().join("b"), format!("{S}\n")).expect("write");
    std::fs::write(
        d.path().join("authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"a=file:a\", \"b=file:b\"]\nignore = [\"AD102\"]\n",
    )
    .expect("write");
    let (code, v) = json(ad().current_dir(d.path()).arg("check"));
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["checks"][0]["ignored"], 1, "{v:#}");
    std::fs::write(
        d.path().join("authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"a=file:a\", \"b=file:b\"]\nignore = [\"AD999\"]\n",
    )
    .expect("write");
    let r = crate::common::run(ad().current_dir(d.path()).arg("check"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("authdoctor.toml:4"), "{}", r.stderr);
}

#[test]
fn the_shell_loader_reads_as_bash_when_asked() {
    let d = tempfile::tempdir().expect("tempdir");
    // `$'…'` is ANSI-C quoting in bash; dash reads the `$` literally.
    std::fs::write(d.path().join(".env"), "K=$'a\\tb'\n").expect("write");
    let f = format!("{}/.env#K", d.path().display());
    let (_, v) = json(ad().args([
        "compare",
        &format!("dash=env:{f}?loader=shell"),
        &format!("bash=env:{f}?loader=shell&sh=bash"),
    ]));
    assert!(
        !codes(&v).contains(&"AD100".to_string()),
        "dash and bash differ here: {v:#}"
    );
    let r = crate::common::run(ad().args(["inspect", &format!("env:{f}?loader=node&sh=bash")]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("sh= goes with loader=shell"), "{}", r.stderr);
}
