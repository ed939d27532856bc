//! Token verdicts: every candidate's outcome whatever the order, the forms a secret is tried in,
//! and algorithm confusion through `--secret`.

use crate::common::*;

const SECRET: &str = "Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE4gU7iK2oM9rX3zV8bY6wP1qS5tD0fHa2";

fn write(dir: &std::path::Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write");
    p.display().to_string()
}

fn sign_with(file: &str) -> String {
    let r = run(ad().args(["jwt", "sign", "--secret", &format!("file:{file}"), "--claim", "sub=u1"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}

/// (code, message) of every finding about the signature, sorted.
fn verdicts(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("AD4")))
                .map(|f| {
                    (
                        f["code"].as_str().unwrap_or("").to_string(),
                        f["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn every_candidate_is_judged_whatever_the_order() {
    let d = tempfile::tempdir().expect("tempdir");
    let exact = write(d.path(), "exact", SECRET.as_bytes());
    let lf = write(d.path(), "lf", format!("{SECRET}\n").as_bytes());
    let token = sign_with(&exact);
    let (c1, a) = json(ad().args([
        "jwt",
        "verify",
        &token,
        "--secret",
        &format!("mounted=file:{lf}"),
        "--secret",
        &format!("backend=file:{exact}"),
    ]));
    let (c2, b) = json(ad().args([
        "jwt",
        "verify",
        &token,
        "--secret",
        &format!("backend=file:{exact}"),
        "--secret",
        &format!("mounted=file:{lf}"),
    ]));
    assert_eq!((c1, c2), (1, 1), "{a:#}");
    assert_eq!(verdicts(&a), verdicts(&b));
    let first = &a["findings"].as_array().expect("findings")[0];
    assert_eq!(first["code"], "AD403", "an as-stored match leads: {a:#}");
    assert!(
        first["message"].as_str().unwrap_or("").contains("backend (file:"),
        "{first}"
    );
    assert!(
        verdicts(&a)
            .iter()
            .any(|(c, m)| c == "AD415" && m.starts_with("mounted (file:")),
        "{a:#}"
    );
}

#[test]
fn forms_stores_leave_on_a_secret_are_tried() {
    let d = tempfile::tempdir().expect("tempdir");
    let exact = write(d.path(), "exact", SECRET.as_bytes());
    let token = sign_with(&exact);
    for (stored, form) in [
        (format!("\"{SECRET}\""), "after removing its surrounding quotes"),
        (
            format!("{SECRET}\\n"),
            "after removing a trailing `\\n` written as two characters",
        ),
        (format!("{SECRET}\r\n"), "after removing its surrounding whitespace"),
    ] {
        let f = write(d.path(), "stored", stored.as_bytes());
        let (code, v) = json(ad().args(["jwt", "verify", &token, "--secret", &format!("s=file:{f}")]));
        assert_eq!(code, 1, "{v:#}");
        assert!(
            verdicts(&v).iter().any(|(c, m)| c == "AD415" && m.contains(form)),
            "{form}: {v:#}"
        );
    }
    // Old Java jjwt decoded a plain passphrase as base64, skipping what is not in the alphabet.
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode("mysecretpassphraseforjwt")
        .expect("base64");
    let java = write(d.path(), "java", &decoded);
    let token = sign_with(&java);
    let text = write(d.path(), "text", b"my-secret-passphrase-for-jwt");
    let (_, v) = json(ad().args(["jwt", "verify", &token, "--secret", &format!("s=file:{text}")]));
    assert!(
        verdicts(&v)
            .iter()
            .any(|(c, m)| c == "AD415" && m.contains("old Java jjwt")),
        "{v:#}"
    );
}

#[test]
fn a_public_key_as_an_hmac_secret_fails() {
    let d = tempfile::tempdir().expect("tempdir");
    let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\nq9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n-----END PUBLIC KEY-----\n";
    let key = write(d.path(), "pub.pem", pem.as_bytes());
    let token = sign_with(&key);
    let (code, v) = json(ad().args(["jwt", "verify", &token, "--secret", &format!("file:{key}")]));
    assert_eq!(code, 1, "{v:#}");
    assert!(verdicts(&v).iter().any(|(c, _)| c == "AD418"), "{v:#}");
}

fn recorded(name: &str) -> String {
    let text = std::fs::read_to_string(root().join("tests/fixtures/tokens/authjs.json")).expect("recording");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["tokens"]
        .as_array()
        .and_then(|a| a.iter().find(|t| t["name"] == name))
        .and_then(|t| t["token"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no recorded token {name}"))
}

#[test]
fn session_cookies_try_the_secret_forms() {
    let d = tempfile::tempdir().expect("tempdir");
    let lf = write(d.path(), "lf", format!("{SECRET}\n").as_bytes());
    for name in ["authjs-v5 authjs.session-token", "nextauth-v4"] {
        let (code, v) = json(ad().args(["jwt", "verify", &recorded(name), "--secret", &format!("m=file:{lf}")]));
        assert_eq!(code, 1, "{name}: {v:#}");
        let all = verdicts(&v);
        assert!(all.iter().any(|(c, _)| c == "AD413"), "{name}: {v:#}");
        assert!(
            all.iter()
                .any(|(c, m)| c == "AD415" && m.contains("after removing its surrounding whitespace")),
            "{name}: {v:#}"
        );
    }
}

#[test]
fn a_given_salt_is_the_only_one_the_app_uses() {
    let d = tempfile::tempdir().expect("tempdir");
    let s = write(d.path(), "s", SECRET.as_bytes());
    let token = recorded("authjs-v5 __Secure-authjs.session-token");
    let (code, v) = json(ad().args([
        "jwt",
        "verify",
        &token,
        "--secret",
        &format!("app=file:{s}"),
        "--salt",
        "authjs.session-token",
    ]));
    assert_eq!(code, 1, "{v:#}");
    let m = verdicts(&v)
        .into_iter()
        .find(|(c, _)| c == "AD419")
        .map(|(_, m)| m)
        .unwrap_or_else(|| panic!("no AD419: {v:#}"));
    assert!(
        m.contains("only with salt __Secure-authjs.session-token, not authjs.session-token"),
        "{m}"
    );
    let (code, v) = json(ad().args([
        "jwt",
        "verify",
        &token,
        "--secret",
        &format!("app=file:{s}"),
        "--salt",
        "__Secure-authjs.session-token",
    ]));
    assert_eq!(code, 0, "{v:#}");
}

/// What `openssl ecparam -name prime256v1 -genkey -noout` writes (SEC1), and its public key.
const SEC1: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIJG+T4DdjjU4Rn7QvAl7ZTpKz58t38teKZuH2uB9gqmioAoGCCqGSM49\nAwEHoUQDQgAE5aClAUwGMOsNCh7Kx7cjeS2FOAuyZP0ICvw4VM4vKT4cGx/ZqK97\ne8hdwiYnrhY5bWjLkjp+HT2opD9sGxlAUQ==\n-----END EC PRIVATE KEY-----\n";
const SEC1_PUB: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5aClAUwGMOsNCh7Kx7cjeS2FOAuy\nZP0ICvw4VM4vKT4cGx/ZqK97e8hdwiYnrhY5bWjLkjp+HT2opD9sGxlAUQ==\n-----END PUBLIC KEY-----\n";

#[test]
fn sec1_ec_keys_sign_and_unreadable_keys_exit_3() {
    let d = tempfile::tempdir().expect("tempdir");
    let key = write(d.path(), "ec.pem", SEC1.as_bytes());
    let public = write(d.path(), "ec.pub", SEC1_PUB.as_bytes());
    let r = run(ad().args(["jwt", "sign", "--alg", "ES256", "--key", &key, "--claim", "sub=u1"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let token = r.stdout.trim().to_string();
    let (code, v) = json(ad().args(["jwt", "verify", &token, "--key", &public]));
    assert_eq!(code, 0, "{v:#}");
    // A --key that cannot be read is a source that could not be read: exit 3, no "give --key".
    let (code, v) = json(ad().args(["jwt", "verify", &token, "--key", "no/such/key.pem"]));
    assert_eq!(code, 3, "{v:#}");
    assert!(verdicts(&v).iter().all(|(c, _)| c != "AD404"), "{v:#}");
}

#[test]
fn database_session_ids_and_expired_marks() {
    let (code, v) = json(ad().args([
        "jwt",
        "decode",
        "next-auth.session-token=3f2b8c1e-1234-4abc-9def-0123456789ab",
    ]));
    assert_eq!(code, 1, "{v:#}");
    assert!(
        verdicts(&v).iter().any(|(c, m)| c == "AD420" && m.contains("a UUID")),
        "{v:#}"
    );
    assert!(verdicts(&v).iter().all(|(c, _)| c != "AD401"), "{v:#}");
    // An expired token: the decode says so, and verify's message has no nested parentheses.
    let d = tempfile::tempdir().expect("tempdir");
    let s = write(d.path(), "s", SECRET.as_bytes());
    let r = run(ad().args([
        "jwt",
        "sign",
        "--secret",
        &format!("file:{s}"),
        "--claims",
        r#"{"exp": 1000000000}"#,
    ]));
    let token = r.stdout.trim().to_string();
    let (_, v) = json(ad().args(["jwt", "decode", &token]));
    assert!(
        v["token"]["times"]["exp"].as_str().unwrap_or("").ends_with("— expired"),
        "{v:#}"
    );
    let (_, v) = json(ad().args(["jwt", "verify", &token, "--secret", &format!("file:{s}")]));
    let m = verdicts(&v)
        .into_iter()
        .find(|(c, _)| c == "AD405")
        .map(|(_, m)| m)
        .unwrap_or_default();
    assert!(
        m.starts_with("expired ") && m.contains(" days ago: exp is 2001-09-09"),
        "{m}"
    );
}
