//! `authdoctor jwt` on tokens made by PyJWT, @auth/core and next-auth (tests/fixtures/tokens,
//! recorded by scripts/record-tokens.sh), the RFC examples, and JWKS/OIDC served on 127.0.0.1.

use crate::common::http::{Response, serve};
use crate::common::*;

fn rec(file: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("tests/fixtures/tokens").join(file)).expect("recording"))
        .expect("json")
}

fn token(file: &str, name: &str) -> serde_json::Value {
    rec(file)["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no token {name}"))
}

fn write(dir: &std::path::Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write");
    p.display().to_string()
}

/// `authdoctor jwt verify TOKEN ARGS... --format json`.
fn verify(token: &str, args: &[&str]) -> (i32, serde_json::Value) {
    json(ad().args(["jwt", "verify", token]).args(args))
}

/// `authdoctor jwt sign ARGS...`, which must succeed: the token it printed.
fn sign(args: &[&str]) -> String {
    let r = run(ad().args(["jwt", "sign"]).args(args));
    assert_eq!(r.code, 0, "jwt sign {args:?}: {}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "jwt sign prints only the token");
    r.stdout.trim().to_string()
}

fn find<'a>(v: &'a serde_json::Value, code: &str) -> Option<&'a serde_json::Value> {
    v["findings"].as_array()?.iter().find(|f| f["code"] == code)
}

const SECRET: &str = "Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE4gU7iK2oM9rX3zV8bY6wP1qS5tD0fHa2";

#[test]
fn every_pyjwt_algorithm_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = write(dir.path(), "secret", SECRET);
    let jwks = write(dir.path(), "jwks.json", &rec("pyjwt.json")["jwks"].to_string());
    for alg in ["HS256", "HS384", "HS512", "RS256", "PS256", "ES256", "ES384", "EdDSA"] {
        let t = token("pyjwt.json", &format!("pyjwt {alg}"));
        let tok = t["token"].as_str().unwrap_or_default();
        let (code, v) = if alg.starts_with("HS") {
            verify(
                tok,
                &[
                    "--secret",
                    &format!("frontend=file:{secret}"),
                    "--aud",
                    "quilt-mcp-server",
                    "--require",
                    "userId",
                ],
            )
        } else if alg == "RS256" || alg == "ES256" {
            let pem = write(
                dir.path(),
                &format!("{alg}.pem"),
                t["public_pem"].as_str().unwrap_or_default(),
            );
            verify(tok, &["--key", &pem, "--aud", "quilt-mcp-server"])
        } else {
            verify(tok, &["--jwks", &jwks, "--aud", "quilt-mcp-server"])
        };
        assert_eq!(code, 0, "{alg}: {v}");
        assert!(find(&v, "AD403").is_some(), "{alg}: {v}");
        assert_eq!(v["token"]["verified"], true);
    }
}

#[test]
fn rfc_7515_example_with_a_base64url_key() {
    // RFC 7515 appendix A.1: HS256 with the JWK k given in base64url.
    let t = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let k = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
    let (code, v) = verify(t, &["--secret", &format!("k=cmd:printf %s {k}")]);
    assert!(
        find(&v, "AD403").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("base64url-decoded")),
        "{v}"
    );
    assert!(find(&v, "AD415").is_some(), "{v}");
    assert!(find(&v, "AD405").is_some(), "exp 1300819380 is long past: {v}");
    assert_eq!(code, 1);
}

#[test]
fn the_trailing_newline_incident() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The backend's copy (SSM) ends with LF; the token was signed without it.
    let ssm = write(dir.path(), "ssm", &format!("{SECRET}\n"));
    let t = token("pyjwt.json", "pyjwt HS256");
    let (code, v) = verify(
        t["token"].as_str().unwrap_or_default(),
        &["--secret", &format!("backend=file:{ssm}"), "--aud", "quilt-mcp-server"],
    );
    assert_eq!(code, 1, "{v}");
    let f = find(&v, "AD415").expect("AD415");
    assert!(f["message"].as_str().unwrap_or("").contains("backend (file:"), "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("after removing its surrounding whitespace"),
        "{f}"
    );
    // And the other way round: signed with the LF, checked against the clean value.
    let clean = write(dir.path(), "clean", SECRET);
    let t = token("pyjwt.json", "pyjwt HS256 secret-with-newline");
    let (_, v) = verify(
        t["token"].as_str().unwrap_or_default(),
        &[
            "--secret",
            &format!("frontend=file:{clean}"),
            "--aud",
            "quilt-mcp-server",
        ],
    );
    assert!(
        find(&v, "AD415").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("trailing LF added")),
        "{v}"
    );
}

#[test]
fn each_claim_and_algorithm_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = format!("s=file:{}", write(dir.path(), "secret", SECRET));
    let wrong = format!(
        "w=file:{}",
        write(dir.path(), "wrong", "another-secret-0123456789abcdef0123456789abc")
    );
    let tok = |n: &str| token("pyjwt.json", n)["token"].as_str().unwrap_or_default().to_string();
    let cases: Vec<(String, Vec<String>, &str)> = vec![
        (
            tok("pyjwt HS256 expired"),
            vec!["--aud".into(), "quilt-mcp-server".into()],
            "AD405",
        ),
        (
            tok("pyjwt HS256 not-yet-valid"),
            vec!["--aud".into(), "quilt-mcp-server".into()],
            "AD410",
        ),
        (tok("pyjwt HS256"), vec!["--aud".into(), "another-api".into()], "AD406"),
        (tok("pyjwt HS256"), vec![], "AD411"),
        (
            tok("pyjwt HS256"),
            vec![
                "--aud".into(),
                "quilt-mcp-server".into(),
                "--iss".into(),
                "someone-else".into(),
            ],
            "AD407",
        ),
        (
            tok("pyjwt HS256 no-userId"),
            vec![
                "--aud".into(),
                "quilt-mcp-server".into(),
                "--require".into(),
                "userId".into(),
            ],
            "AD408",
        ),
        (tok("pyjwt none"), vec![], "AD409"),
        (tok("pyjwt HS256"), vec!["--alg".into(), "HS512".into()], "AD409"),
        (tok("pyjwt RS256"), vec![], "AD409"),
    ];
    for (t, extra, code) in cases {
        let mut args = vec!["jwt".to_string(), "verify".into(), t, "--secret".into(), secret.clone()];
        args.extend(extra.clone());
        let (exit, v) = json(ad().args(&args));
        assert!(find(&v, code).is_some(), "{code} {extra:?}: {v}");
        assert!(exit == 1 || code == "AD411", "{code}: exit {exit}");
    }
    let (code, v) = verify(
        &tok("pyjwt HS256"),
        &["--secret", &wrong, "--secret", &secret.replace("s=", "s2=")],
    );
    assert!(find(&v, "AD403").is_some(), "the second candidate verifies: {v}");
    assert_eq!(code, 0, "{v}");
    let (code, v) = verify(
        &tok("pyjwt HS256"),
        &["--secret", &wrong, "--secret", &wrong.replace("w=", "w2=")],
    );
    assert_eq!(code, 1);
    let f = find(&v, "AD404").expect("AD404");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("all 2 candidates hold the same value"),
        "{f}"
    );
    // An HS256 token against a public key only: algorithm confusion, never verified.
    let pem = write(
        dir.path(),
        "rs.pem",
        token("pyjwt.json", "pyjwt RS256")["public_pem"]
            .as_str()
            .unwrap_or_default(),
    );
    let (_, v) = verify(&tok("pyjwt HS256"), &["--key", &pem]);
    assert!(find(&v, "AD409").is_some(), "{v}");
    // ES512 is real JOSE but not supported: named as such.
    let es512 = format!(
        "{}.{}.AAAA",
        b64("{\"alg\":\"ES512\",\"typ\":\"JWT\"}"),
        b64("{\"sub\":\"x\"}")
    );
    let (_, v) = verify(&es512, &["--key", &pem]);
    assert!(find(&v, "AD414").is_some(), "{v}");
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[test]
fn authjs_and_nextauth_cookies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = format!("app=file:{}", write(dir.path(), "secret", SECRET));
    let t = token("authjs.json", "authjs-v5 __Secure-authjs.session-token");
    let tok = t["token"].as_str().unwrap_or_default();
    let (code, v) = json(ad().args(["jwt", "decode", tok]));
    assert_eq!(code, 0);
    assert!(
        find(&v, "AD402").is_some_and(|f| f["message"]
            .as_str()
            .unwrap_or("")
            .contains("Auth.js v5 session cookie")),
        "{v}"
    );
    // A whole Cookie header, the cookie chunked in two as Auth.js does past 4 KB.
    let (a, b) = tok.split_at(tok.len() / 2);
    let header =
        format!("Cookie: theme=dark; __Secure-authjs.session-token.1={b}; __Secure-authjs.session-token.0={a}");
    let (code, v) = verify(&header, &["--secret", &secret, "--require", "userId"]);
    assert_eq!(code, 0, "{v}");
    let f = find(&v, "AD413").expect("AD413");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("Auth.js v5 (@auth/core) cookie, salt __Secure-authjs.session-token"),
        "{f}"
    );
    assert_eq!(v["token"]["claims"]["userId"], "3f2b8c1e");
    assert!(
        v["token"]["stripped"].to_string().contains("joined from 2 chunks"),
        "{v}"
    );

    let v4 = token("authjs.json", "nextauth-v4");
    let (code, v) = verify(v4["token"].as_str().unwrap_or_default(), &["--secret", &secret]);
    assert_eq!(code, 0, "{v}");
    assert!(
        find(&v, "AD413").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("NextAuth v4")),
        "{v}"
    );

    let expired = token("authjs.json", "authjs-v5 expired");
    let (_, v) = verify(expired["token"].as_str().unwrap_or_default(), &["--secret", &secret]);
    assert!(find(&v, "AD405").is_some(), "{v}");
    let (code, v) = verify(
        tok,
        &["--secret", "other=cmd:printf %s not-the-app-secret-0123456789abcdef"],
    );
    assert_eq!(code, 1);
    assert!(
        find(&v, "AD404").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("tried")),
        "{v}"
    );
}

#[test]
fn jwks_url_and_oidc_discovery() {
    let pyjwt = rec("pyjwt.json");
    let jwks = pyjwt["jwks"].to_string();
    let server = serve(move |path| match path {
        "/jwks.json" => Response::ok("application/json", jwks.clone()),
        _ => Response::status(404),
    });
    let base = server.base.clone();
    let discovery = serve(move |path| match path {
        "/.well-known/openid-configuration" => Response::ok(
            "application/json",
            format!("{{\"issuer\":\"x\",\"jwks_uri\":\"{base}/jwks.json\"}}"),
        ),
        _ => Response::status(404),
    });
    let t = token("pyjwt.json", "pyjwt RS256");
    let (code, v) = verify(
        t["token"].as_str().unwrap_or_default(),
        &[
            "--jwks",
            &format!("{}/jwks.json", server.base),
            "--aud",
            "quilt-mcp-server",
        ],
    );
    assert_eq!(code, 0, "{v}");
    // A token whose issuer is the discovery server, signed here with the recorded private key.
    let dir = tempfile::tempdir().expect("tempdir");
    let key = write(dir.path(), "rs.key", t["private_pem"].as_str().unwrap_or_default());
    let rs256 = ["--key", &key, "--alg", "RS256", "--claim", "sub=u1"];
    let signed = sign(
        &[
            &rs256[..],
            &["--kid", "key-rs256", "--iss", &discovery.base, "--exp", "1h"],
        ]
        .concat(),
    );
    let (code, v) = verify(&signed, &["--discover"]);
    assert_eq!(code, 0, "{v}");
    assert!(
        find(&v, "AD403").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("(kid key-rs256)")),
        "{v}"
    );
    // A kid the JWKS does not have: the kids present are listed.
    let other = sign(&[&rs256[..], &["--kid", "rotated-away"]].concat());
    let (_, v) = verify(&other, &["--jwks", &format!("{}/jwks.json", server.base)]);
    let f = find(&v, "AD404").expect("AD404");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("kids present: key-rs256, key-ps256"),
        "{f}"
    );
}

#[test]
fn sign_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = format!("file:{}", write(dir.path(), "secret", SECRET));
    let tok = &sign(&[
        "--secret",
        &secret,
        "--claim",
        "userId=42",
        "--claim",
        "roles=[\"admin\"]",
        "--claim",
        "name=Ada",
        "--exp",
        "1h",
        "--aud",
        "api",
        "--kid",
        "k1",
    ]);
    let (_, v) = json(ad().args(["jwt", "decode", tok]));
    assert_eq!(v["token"]["claims"]["userId"], 42);
    assert_eq!(v["token"]["claims"]["roles"], serde_json::json!(["admin"]));
    assert_eq!(v["token"]["header"]["kid"], "k1");
    let exp = v["token"]["claims"]["exp"].as_i64().unwrap_or(0) - v["token"]["claims"]["iat"].as_i64().unwrap_or(0);
    assert_eq!(exp, 3600);
    let (code, v) = verify(tok, &["--secret", &secret, "--aud", "api"]);
    assert_eq!(code, 0, "{v}");
    let es = token("pyjwt.json", "pyjwt ES256");
    let key = write(dir.path(), "es.key", es["private_pem"].as_str().unwrap_or_default());
    let pubkey = write(dir.path(), "es.pem", es["public_pem"].as_str().unwrap_or_default());
    let es256 = sign(&["--key", &key, "--alg", "ES256", "--claims", "{\"sub\":\"u\"}"]);
    let (code, v) = verify(&es256, &["--key", &pubkey]);
    assert_eq!(code, 0, "{v}");
    for bad in [
        vec!["jwt", "sign", "--alg", "HS256"],
        vec!["jwt", "sign", "--secret", "file:/nope", "--claims", "[1]"],
        vec!["jwt", "sign", "--alg", "ES512", "--key", "x"],
        vec!["jwt", "sign", "--secret", &secret, "--exp", "soon"],
    ] {
        let r = run(ad().args(&bad));
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
    }
}

#[test]
fn oversized_tokens_warn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = format!("file:{}", write(dir.path(), "secret", SECRET));
    let buckets: Vec<String> = (0..400).map(|i| format!("quilt-bucket-number-{i:04}")).collect();
    let claims = serde_json::json!({"sub": "u", "buckets": buckets}).to_string();
    let big = sign(&["--secret", &secret, "--claims", &claims]);
    let (code, v) = json(ad().args(["jwt", "decode", &big]));
    assert_eq!(code, 0, "a warning: {v}");
    assert!(
        find(&v, "AD412").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("bytes")),
        "{v}"
    );
}

#[test]
fn malformed_tokens_are_ad401_never_a_panic() {
    let good = token("pyjwt.json", "pyjwt HS256")["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let p: Vec<&str> = good.split('.').collect();
    let cases = vec![
        p[..2].join("."),
        format!("{}.{}.{}.{}", p[0], p[1], p[2], p[2]),
        format!("{}x.{}.{}", &p[0][..p[0].len() - 1], p[1], p[2]),
        format!("{}.{}.{}", p[0], &p[1][..p[1].len() / 2], p[2]),
        format!("{}=.{}.{}", p[0], p[1], p[2]),
        format!("{}.{}.{}", b64("not json"), p[1], p[2]),
        format!("{}.{}.{}", p[0], b64("{\"a\":"), p[2]),
        format!("{}.{}.{}+/", p[0], p[1], p[2]),
        "".to_string(),
        "....".to_string(),
        "Bearer".to_string(),
    ];
    for t in cases {
        let (code, v) = json(ad().args(["jwt", "decode", &t]));
        let ad401 = find(&v, "AD401");
        assert!(ad401.is_some(), "{t:?}: {v}");
        assert_eq!(code, 1, "{t:?}");
        let r = run(ad().args(["jwt", "verify", &t, "--secret", "cmd:printf x"]));
        assert!(!r.stderr.contains("panicked"), "{t:?}: {}", r.stderr);
    }
    let r = run(ad()
        .args(["jwt", "decode"])
        .write_stdin(format!("  Authorization: Bearer {good}\n")));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("took off:"), "{}", r.stdout);
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `--leeway` defaults to 0 s, as PyJWT, python-jose, jose and jsonwebtoken do: a token expired
/// 30 s ago fails (AD405, exit 1); with `--leeway 60` it passes, and AD416 says only thanks to it.
#[test]
fn leeway_defaults_to_zero_as_the_libraries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = format!("file:{}", write(dir.path(), "secret", SECRET));
    let t = sign(&[
        "--secret",
        &secret,
        "--claims",
        &format!(r#"{{"exp":{}}}"#, unix_now() - 30),
    ]);
    let (code, v) = verify(&t, &["--secret", &secret]);
    assert_eq!(code, 1, "{v}");
    assert!(
        find(&v, "AD405").is_some_and(|f| f["message"].as_str().unwrap_or("").contains("leeway 0 s")),
        "{v}"
    );
    let (code, v) = verify(&t, &["--secret", &secret, "--leeway", "60"]);
    assert_eq!(code, 0, "{v}");
    assert!(find(&v, "AD405").is_none() && find(&v, "AD416").is_some(), "{v}");
}
