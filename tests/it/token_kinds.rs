//! Token verdicts: every candidate's outcome whatever the order, the forms a secret is tried in,
//! and algorithm confusion through `--secret`.

use crate::common::*;

const SECRET: &str = "Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE4gU7iK2oM9rX3zV8bY6wP1qS5tD0fHa2";

fn write(dir: &std::path::Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write");
    p.display().to_string()
}

/// Signed with the file's bytes as they are (a PEM file ends in a newline).
fn sign_with(file: &str) -> String {
    let r = run(ad().args([
        "jwt",
        "sign",
        "--secret",
        &format!("file:{file}"),
        "--secret-as-is",
        "--claim",
        "sub=u1",
    ]));
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

/// What `library` said of the corpus token `case` when recorded (tests/fixtures/tokens/verifiers.json):
/// `None` when it accepted it, else "Error: message".
fn library_said(case: &str, library: &str) -> Option<String> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/tokens/verifiers.json")).expect("recording");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let c = v["cases"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == case).cloned())
        .unwrap_or_else(|| panic!("no case {case}"));
    let r = &c["results"][library];
    assert!(r.is_object(), "{library} recorded on {case}");
    (r["accept"] != true).then(|| {
        format!(
            "{}: {}",
            r["error"].as_str().unwrap_or(""),
            r["message"].as_str().unwrap_or("")
        )
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `--verifier`: fresh tokens in the corpus' situations get, through the CLI, the verdict each
/// real library gave the corpus token (AD421 quoting its error, exit 1), or pass where it accepted.
#[test]
fn verifier_says_what_the_library_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = format!("file:{}", write(dir.path(), "secret", SECRET.as_bytes()));
    let n = now();
    let signed = |claims: String| {
        let r = run(ad().args(["jwt", "sign", "--secret", &secret, "--claims", &claims]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout.trim().to_string()
    };
    // jwt sign adds iat = now; `iat` in the future is given after it, as --claims cannot.
    let scenarios: Vec<(&str, String, Vec<&str>)> = vec![
        ("valid", signed(format!(r#"{{"exp":{}}}"#, n + 3600)), vec![]),
        ("expired 30 s ago", signed(format!(r#"{{"exp":{}}}"#, n - 30)), vec![]),
        ("nbf 30 s ahead", signed(format!(r#"{{"nbf":{}}}"#, n + 30)), vec![]),
        ("aud present, none expected", signed(r#"{"aud":"api"}"#.into()), vec![]),
        ("aud expected, missing", signed("{}".into()), vec!["--aud", "api"]),
        ("aud mismatch", signed(r#"{"aud":"web"}"#.into()), vec!["--aud", "api"]),
        (
            "iss wrong (trailing slash)",
            signed(r#"{"iss":"https://auth.example.com/"}"#.into()),
            vec!["--iss", "https://auth.example.com"],
        ),
        (
            "HS512 when HS256 is expected",
            {
                let r = run(ad().args(["jwt", "sign", "--secret", &secret, "--alg", "HS512"]));
                r.stdout.trim().to_string()
            },
            vec!["--alg", "HS256"],
        ),
    ];
    for lib in ["pyjwt", "python-jose", "jsonwebtoken", "jose"] {
        for (case, token, extra) in &scenarios {
            let mut args = vec!["jwt", "verify", token.as_str(), "--secret", &secret, "--verifier", lib];
            args.extend(extra.iter().copied());
            let (code, v) = json(ad().args(&args));
            let got = messages(&v, "AD421");
            match library_said(case, lib) {
                None => {
                    assert!(got.is_empty(), "{lib} accepted {case:?}: {v}");
                    assert_eq!(code, 0, "{lib} on {case:?}: {v}");
                }
                Some(err) => {
                    assert_eq!(got.len(), 1, "{lib} rejected {case:?} with {err}: {v}");
                    assert!(got[0].contains(&err), "{lib} on {case:?}: {:?} lacks {err:?}", got[0]);
                    assert_eq!(code, 1, "{lib} on {case:?}: {v}");
                }
            }
        }
    }
}

/// An Auth.js session cookie is never a JWS: every JWS library rejects it (exit 1, not "PASS with
/// warnings"), Auth.js' decode opens it; `verifier =` on a [[token]] does the same in `check`.
#[test]
fn a_session_cookie_sent_to_a_jws_verifier() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/tokens/authjs.json")).expect("recording");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let t = &v["tokens"][0];
    let (token, secret) = (
        t["token"].as_str().unwrap_or(""),
        t["secrets"][0].as_str().unwrap_or(""),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "secret", secret.as_bytes());
    let spec = format!("file:{file}");
    let (code, plain) = json(ad().args(["jwt", "verify", token, "--secret", &spec]));
    assert_eq!(code, 0, "without --verifier the cookie decrypts: {plain}");
    let (code, out) = json(ad().args(["jwt", "verify", token, "--secret", &spec, "--verifier", "jsonwebtoken"]));
    assert_eq!(code, 1, "{out}");
    let want = library_said("JWE (Auth.js session cookie)", "jsonwebtoken").expect("rejected");
    assert!(messages(&out, "AD421").iter().any(|m| m.contains(&want)), "{out}");
    let (code, out) = json(ad().args(["jwt", "verify", token, "--secret", &spec, "--verifier", "authjs"]));
    assert_eq!(code, 0, "{out}");
    assert!(messages(&out, "AD421").is_empty(), "{out}");

    std::fs::write(dir.path().join("token"), token).expect("write");
    let config = |verifier: &str| {
        format!(
            "[[token]]\nname = \"session\"\ntoken = \"file:{}\"\nsecrets = [\"{spec}\"]\nverifier = \"{verifier}\"\n",
            dir.path().join("token").display()
        )
    };
    std::fs::write(dir.path().join("authdoctor.toml"), config("pyjwt")).expect("write");
    let cfg = dir.path().join("authdoctor.toml").display().to_string();
    let (code, out) = json(ad().args(["check", "--config", &cfg]));
    assert_eq!(code, 1, "{out}");
    assert!(out.to_string().contains("PyJWT 2.15.1"), "{out}");
    std::fs::write(dir.path().join("authdoctor.toml"), config("pyjwt2")).expect("write");
    let r = run(ad().args(["check", "--config", &cfg]));
    assert_eq!(r.code, 2, "an unknown verifier is a config error: {}", r.stderr);
    assert!(r.stderr.contains("unknown verifier \"pyjwt2\""), "{}", r.stderr);
}

/// `jwt sign` refuses a secret with surrounding whitespace (naming it, never printing the secret)
/// unless `--secret-as-is`, and warns on stderr when it is shorter than 32 bytes.
#[test]
fn sign_refuses_surrounding_whitespace_and_warns_on_short_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let echoed = write(dir.path(), "echoed", format!("{SECRET}\n").as_bytes());
    let r = run(ad().args(["jwt", "sign", "--secret", &format!("file:{echoed}")]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("LF 0x0a at byte 64") && r.stderr.contains("--secret-as-is"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(&SECRET[..8]) && r.stdout.is_empty(), "{}", r.stderr);
    let r = run(ad().args(["jwt", "sign", "--secret", &format!("file:{echoed}"), "--secret-as-is"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, v) = json(ad().args(["jwt", "verify", r.stdout.trim(), "--secret", &format!("file:{echoed}")]));
    assert_eq!(code, 0, "signed with the bytes as they are: {v}");

    let short = write(dir.path(), "short", b"only-20-bytes-secret");
    let r = run(ad().args(["jwt", "sign", "--secret", &format!("file:{short}")]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("is 20 bytes, shorter than the 32 bytes HS256 needs"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout.lines().count(), 1, "stdout is still only the token");
    let r = run(ad().args([
        "jwt",
        "sign",
        "--secret",
        &format!(
            "file:{SECRET_FILE}",
            SECRET_FILE = write(dir.path(), "good", SECRET.as_bytes())
        ),
    ]));
    assert!(r.stderr.is_empty(), "a good secret signs silently: {}", r.stderr);
}

/// `-q` prints only problems and the verdict: not the token's header and claims.
#[test]
fn quiet_does_not_print_the_claims() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "secret", SECRET.as_bytes());
    let token = sign_with(&file);
    let loud = run(ad().args([
        "jwt",
        "verify",
        &token,
        "--secret",
        &format!("file:{file}"),
        "--color",
        "never",
    ]));
    assert!(
        loud.stdout.contains("claims:") && loud.stdout.contains("\"u1\""),
        "{}",
        loud.stdout
    );
    let quiet = run(ad().args([
        "jwt",
        "verify",
        &token,
        "--secret",
        &format!("file:{file}"),
        "--color",
        "never",
        "-q",
    ]));
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(
        !quiet.stdout.contains("claims:") && !quiet.stdout.contains("\"u1\""),
        "{}",
        quiet.stdout
    );
}

/// A symmetric JWK (`kty: "oct"`), alone or in a JWKS, given to `--key` is an HMAC candidate.
#[test]
fn an_oct_jwk_is_an_hmac_candidate() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "secret", SECRET.as_bytes());
    let token = sign_with(&file);
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(SECRET);
    let jwk = write(
        dir.path(),
        "oct.json",
        format!(r#"{{"kty":"oct","k":"{k}"}}"#).as_bytes(),
    );
    let (code, v) = json(ad().args(["jwt", "verify", &token, "--key", &jwk]));
    assert_eq!(code, 0, "{v}");
    assert!(
        messages(&v, "AD403")
            .iter()
            .any(|m| m.contains(&format!("--key {jwk}"))),
        "{v}"
    );
    assert!(
        !v.to_string().contains(&SECRET[..8]) && !v.to_string().contains(&k[..12]),
        "{v}"
    );
    let other = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("another-secret-of-thirty-two-bytes!!");
    let set = write(
        dir.path(),
        "jwks.json",
        format!(r#"{{"keys":[{{"kty":"oct","kid":"old","k":"{other}"}},{{"kty":"oct","kid":"new","k":"{k}"}}]}}"#)
            .as_bytes(),
    );
    let (code, v) = json(ad().args(["jwt", "verify", &token, "--key", &set]));
    assert_eq!(code, 0, "{v}");
    assert!(messages(&v, "AD403").iter().any(|m| m.contains("(kid new)")), "{v}");
}

#[test]
fn sign_with_an_unreadable_secret_exits_3() {
    let r = run(ad().args(["jwt", "sign", "--secret", "file:no/such/secret", "--claim", "sub=u1"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("could not read the secret"), "{}", r.stderr);
}
