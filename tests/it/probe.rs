//! `probe` against a real FastAPI backend (tools/probe/app.py: python-jose and PyJWT verifying
//! HS256 with the secret from its environment, as the incidents' backends did), and the second
//! incident end to end: config.js and SSM agree, the ECS tasks still hold the previous value, the
//! live backend accepts neither until it is restarted.

use crate::common::backend::Backend;
use crate::common::http::{Response, serve};
use crate::common::moto::{aws, moto};
use crate::common::*;
use std::time::{Duration, Instant};

const SECRET: &str = "7f3kQ9vLx2Bn8Tq4Wm6Zr1Hc5Jd0Ys3Pa9Ge2Uk7Nw4Xb6Rt1Mv8Lf5Sh0Oj3Qz";
const OTHER: &str = "Bq8Wn2Lx7Tv4Kd9Rm1Zs6Hf3Jc0Pg5Ya8Ue2Ni7Ox4Mb1Vt6El3Dk9Sr0Qw5Gh";

/// A file holding `bytes`, kept for the test's lifetime.
fn file(dir: &tempfile::TempDir, name: &str, bytes: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write");
    format!("{name}=file:{}", p.display())
}

fn probe(url: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut c = ad();
    c.arg("probe").arg(url).args(extra);
    c
}

/// Every output of a probe: no candidate value, no minted token (they start `eyJ`).
fn assert_clean(text: &str) {
    for s in [SECRET, OTHER] {
        assert_eq!(leaks(text, s), None, "a secret leaked:\n{text}");
    }
    assert!(!text.contains("eyJ"), "a minted token leaked:\n{text}");
}

#[test]
fn the_first_incident_signature_fine_user_missing() {
    let b = Backend::start(&[("AUTH_SECRET", SECRET), ("PROBE_USERS", "3f2b8c1e")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = file(&dir, "backend", SECRET);
    let frontend = file(&dir, "frontend", OTHER);
    let url = format!("{}/jose/me", b.url);

    // The frontend signs with another secret: AD605 for it, the backend's own value passes
    // signature verification and the request then fails on the missing userId.
    let (code, v) = json(&mut probe(
        &url,
        &["--secret", &backend, "--secret", &frontend, "--as-stored"],
    ));
    assert_eq!(code, 1, "{v}");
    assert_eq!(codes(&v), ["AD603", "AD605"], "{v}");
    assert!(
        messages(&v, "AD603")[0].contains("`Invalid token: missing userId`"),
        "{v}"
    );
    assert!(messages(&v, "AD605")[0].contains("frontend's value"), "{v}");
    let reqs = v["probe"]["requests"].as_array().expect("requests");
    assert_eq!(
        reqs.len(),
        5,
        "two controls, one per candidate, and a control again after a candidate passed: {v}"
    );
    assert_eq!(reqs[0]["answer"], "HTTP 401 `Not authenticated`");
    assert_eq!(reqs[1]["answer"], "HTTP 401 `Invalid token`");

    // With the real token's claims: the user is not in the database (the incident's second cause).
    let real = sign_hs256(SECRET, r#"{"userId":"9d1e","email":"user@example.com"}"#);
    let (code, v) = json(&mut probe(
        &url,
        &["--secret", &backend, "--claims-from", &real, "--as-stored"],
    ));
    assert_eq!((code, codes(&v)), (0, vec!["AD603".to_string()]), "{v}");
    assert!(messages(&v, "AD603")[0].contains("`User not found`"), "{v}");

    // A user that exists: accepted.
    let (code, v) = json(&mut probe(&url, &["--secret", &backend, "--claim", "userId=3f2b8c1e"]));
    assert_eq!((code, codes(&v)), (0, vec!["AD601".to_string()]), "{v}");

    let r = run(&mut probe(
        &url,
        &[
            "--secret",
            &backend,
            "--secret",
            &frontend,
            "--claim",
            "userId=3f2b8c1e",
        ],
    ));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("signature passed"), "{}", r.stdout);
    assert_clean(&(r.stdout + &r.stderr));
}

/// A token as the frontend would sign it (authdoctor's own `jwt sign`, checked against PyJWT elsewhere).
fn sign_hs256(secret: &str, claims: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("s");
    std::fs::write(&p, secret).expect("write");
    let r = run(ad().args([
        "jwt",
        "sign",
        "--secret",
        &format!("file:{}", p.display()),
        "--claims",
        claims,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}

#[test]
fn only_a_derived_form_accepted_names_the_form() {
    // The store holds the value with the newline `echo` adds; the backend was given it trimmed.
    let b = Backend::start(&[("MCP_ENHANCED_JWT_SECRET", SECRET)]);
    let dir = tempfile::tempdir().expect("tempdir");
    let stored = file(&dir, "store", &format!("{SECRET}\n"));
    let url = format!("{}/pyjwt/me", b.url);
    let (code, v) = json(&mut probe(
        &url,
        &["--secret", &stored, "--claim", "aud=quilt-mcp-server"],
    ));
    assert_eq!(
        (code, v["verdict"].as_str()),
        (0, Some("warn")),
        "a warning, not a failure: {v}"
    );
    let msg = messages(&v, "AD601");
    assert_eq!(msg.len(), 1, "{v}");
    assert!(msg[0].contains("only after removing its surrounding whitespace"), "{v}");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "AD601")
        .cloned();
    assert_eq!(f.expect("AD601")["severity"], "warning");
    // PyJWT's RFC 6750 answer is read: a random key gets `invalid_token`.
    assert!(
        v["probe"]["requests"][1]["answer"]
            .as_str()
            .unwrap_or_default()
            .contains("invalid_token: Signature verification failed"),
        "{v}"
    );
}

#[test]
fn a_missing_audience_is_refused_after_the_signature() {
    let b = Backend::start(&[("MCP_ENHANCED_JWT_SECRET", SECRET)]);
    let dir = tempfile::tempdir().expect("tempdir");
    let s = file(&dir, "ssm", SECRET);
    let url = format!("{}/pyjwt/me", b.url);
    let (code, v) = json(&mut probe(&url, &["--secret", &s, "--as-stored"]));
    assert_eq!((code, codes(&v)), (0, vec!["AD603".to_string()]), "{v}");
    assert!(
        messages(&v, "AD603")[0].contains("aud"),
        "PyJWT's own message is quoted: {v}"
    );
}

#[test]
fn none_of_these_forged_and_open() {
    let b = Backend::start(&[("AUTH_SECRET", SECRET), ("MCP_ENHANCED_JWT_SECRET", SECRET)]);
    let dir = tempfile::tempdir().expect("tempdir");
    let a = file(&dir, "a", OTHER);
    let quoted = file(&dir, "quoted", &format!("\"{OTHER}\"\n"));
    let (code, v) = json(&mut probe(
        &format!("{}/pyjwt/me", b.url),
        &["--secret", &a, "--secret", &quoted],
    ));
    assert_eq!((code, codes(&v)), (1, vec!["AD602".to_string()]), "{v}");
    assert!(messages(&v, "AD602")[0].contains("none of these"), "{v}");

    let (code, v) = json(&mut probe(
        &format!("{}/forged", b.url),
        &["--secret", &a, "--as-stored"],
    ));
    assert_eq!((code, codes(&v)), (1, vec!["AD604".to_string()]), "{v}");
    assert!(messages(&v, "AD604")[0].contains("does not verify signatures"), "{v}");

    let (code, v) = json(&mut probe(&format!("{}/open", b.url), &["--secret", &a, "--as-stored"]));
    assert_eq!((code, codes(&v)), (1, vec!["AD604".to_string()]), "{v}");
    assert!(messages(&v, "AD604")[0].contains("does not require a token"), "{v}");
}

#[test]
fn the_token_as_a_cookie() {
    let b = Backend::start(&[("AUTH_SECRET", SECRET), ("PROBE_USERS", "u1")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let s = file(&dir, "s", SECRET);
    let url = format!("{}/cookie/me", b.url);
    let (code, v) = json(&mut probe(
        &url,
        &["--secret", &s, "--cookie", "session", "--claim", "userId=u1"],
    ));
    assert_eq!((code, codes(&v)), (0, vec!["AD601".to_string()]), "{v}");
    assert_eq!(v["probe"]["token_in"], "Cookie: session={token}");
    // Without --cookie the bearer header is not read there: every answer is the control's.
    let (code, v) = json(&mut probe(&url, &["--secret", &s, "--as-stored"]));
    assert_eq!((code, codes(&v)), (1, vec!["AD602".to_string()]), "{v}");
    assert!(messages(&v, "AD602")[0].contains("reads the token where"), "{v}");
}

/// `--authjs` against the real @auth/core: a session cookie encrypted with the app's AUTH_SECRET
/// gets a session back from /api/auth/session; another secret's gets `null`, as the controls do.
#[test]
fn authjs_session_cookies_against_the_real_library() {
    let b = Backend::start_authjs(SECRET);
    let dir = tempfile::tempdir().expect("tempdir");
    let good = file(&dir, "vercel", SECRET);
    let bad = file(&dir, "local", OTHER);
    let (code, v) = json(&mut probe(
        &format!("{}/", b.url),
        &["--authjs", "--secret", &good, "--secret", &bad, "--as-stored"],
    ));
    assert_eq!(
        (code, codes(&v)),
        (1, vec!["AD601".to_string(), "AD605".to_string()]),
        "{v}"
    );
    assert_eq!(v["probe"]["url"], format!("{}/api/auth/session", b.url));
    assert_eq!(v["probe"]["token_in"], "Cookie: authjs.session-token={token}");
    assert!(
        messages(&v, "AD601")[0].contains("session cookies encrypted with vercel's value"),
        "{v}"
    );
    assert!(messages(&v, "AD605")[0].contains("local's value"), "{v}");
    // Another cookie name is another salt: the app does not read it, so nothing passes.
    let (code, v) = json(&mut probe(
        &format!("{}/api/auth/session", b.url),
        &[
            "--authjs",
            "--cookie",
            "custom.session",
            "--secret",
            &good,
            "--as-stored",
        ],
    ));
    assert_eq!((code, codes(&v)), (1, vec!["AD602".to_string()]), "{v}");
}

#[test]
fn concurrent_and_bounded_by_the_timeout() {
    let b = Backend::start(&[("AUTH_SECRET", SECRET), ("PROBE_USERS", "u1")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut specs: Vec<String> = (0..3)
        .map(|i| file(&dir, &format!("c{i}"), &format!("{OTHER}{i}")))
        .collect();
    specs.push(file(&dir, "right", SECRET));
    let mut args: Vec<&str> = Vec::new();
    for s in &specs {
        args.extend(["--secret", s]);
    }
    args.extend(["--as-stored", "--claim", "userId=u1", "--timeout", "3"]);
    // Every answer takes 1 s: the controls, then the four candidates at once, then the control
    // again (a candidate passed) — about 3 s, where one at a time would take 7.
    let started = Instant::now();
    let (code, v) = json(&mut probe(&format!("{}/sleepy/me", b.url), &args));
    let took = started.elapsed();
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["probe"]["requests"].as_array().map(Vec::len), Some(7), "{v}");
    assert!(messages(&v, "AD601")[0].contains("right's value"), "{v}");
    assert!(took < Duration::from_millis(5500), "concurrent: took {took:?}");

    // A backend that never answers: the controls time out, no candidate is sent.
    let started = Instant::now();
    let (code, v) = json(&mut probe(
        &format!("{}/slow", b.url),
        &["--secret", &specs[0], "--timeout", "1.5"],
    ));
    let took = started.elapsed();
    assert_eq!(code, 3, "no answer is unreadable: {v}");
    assert_eq!(v["probe"]["requests"].as_array().map(Vec::len), Some(2), "{v}");
    assert!(took < Duration::from_secs(4), "bounded by --timeout: took {took:?}");
    assert!(messages(&v, "AD001")[0].contains("no answer within --timeout"), "{v}");
}

#[test]
fn what_probe_refuses_before_sending_anything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = file(&dir, "s", SECRET);
    // Plain http off loopback.
    let r = run(&mut probe("http://api.example.com/me", &["--secret", &s]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--allow-http"), "{}", r.stderr);
    // More than 50 requests.
    let specs: Vec<String> = (0..49)
        .map(|i| file(&dir, &format!("c{i}"), &format!("{SECRET}{i}")))
        .collect();
    let mut args: Vec<&str> = Vec::new();
    for s in &specs {
        args.extend(["--secret", s]);
    }
    let r = run(&mut probe("http://127.0.0.1:9/me", &args));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cap of 50"), "{}", r.stderr);
    // An asymmetric algorithm.
    let r = run(&mut probe("http://127.0.0.1:9/me", &["--secret", &s, "--alg", "RS256"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("jwt verify --jwks"), "{}", r.stderr);
    assert_clean(&(r.stdout + &r.stderr));
}

#[test]
fn dry_run_lists_and_sends_nothing() {
    let s = serve(|_| Response::status(401));
    let dir = tempfile::tempdir().expect("tempdir");
    let a = file(&dir, "a", &format!("{SECRET}\n"));
    let r = run(&mut probe(&format!("{}/me", s.base), &["--secret", &a, "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("none sent"), "{}", r.stdout);
    assert!(r.stdout.contains("control: random key"), "{}", r.stdout);
    assert!(r.stdout.contains("a trimmed"), "the forms are listed: {}", r.stdout);
    assert_eq!(s.hits("/me"), 0);
    assert_clean(&r.stdout);
}

/// Backends whose answers vary or are shaped unusually: each still gives the right verdict.
#[test]
fn answers_of_every_shape() {
    let b = Backend::start(&[("AUTH_SECRET", SECRET), ("PROBE_USERS", "u1")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let right = file(&dir, "right", SECRET);
    let wrong = file(&dir, "wrong", OTHER);
    let both = ["--secret", right.as_str(), "--secret", wrong.as_str(), "--as-stored"];
    let verdict = |path: &str, extra: &[&str]| {
        let mut args: Vec<&str> = both.to_vec();
        args.extend(extra);
        json(&mut probe(&format!("{}{path}", b.url), &args))
    };
    // A fresh request id in every error: compared without it, the wrong secret is still refused.
    let (code, v) = verdict("/reqid/me", &[]);
    assert_eq!(
        (code, codes(&v)),
        (1, vec!["AD603".to_string(), "AD605".to_string()]),
        "{v}"
    );
    // Numbered codes that differ only in digits: a difference, since the controls agree exactly.
    let (code, v) = verdict("/codes/me", &["--claim", "userId=nobody"]);
    assert_eq!(
        (code, codes(&v)),
        (1, vec!["AD603".to_string(), "AD605".to_string()]),
        "{v}"
    );
    assert!(messages(&v, "AD603")[0].contains("Error 40103"), "{v}");
    // Flask-JWT-Extended's 422 {"msg": …}.
    let (code, v) = verdict("/msg/me", &[]);
    assert_eq!(
        (code, codes(&v)),
        (1, vec!["AD601".to_string(), "AD605".to_string()]),
        "{v}"
    );
    // GraphQL: always 200, the error in `errors`: not "needs no token".
    let (code, v) = verdict(
        "/graphql",
        &["--data", "{}", "--header", "Content-Type: application/json"],
    );
    assert_eq!(
        (code, codes(&v)),
        (1, vec!["AD603".to_string(), "AD605".to_string()]),
        "{v}"
    );
    // DRF: the same `detail` for every refusal, the reason elsewhere in the body.
    let (code, v) = verdict("/drf/me", &[]);
    assert_eq!(
        (code, codes(&v)),
        (1, vec!["AD603".to_string(), "AD605".to_string()]),
        "{v}"
    );
    // Letters-only trace ids, and a request counter beside the codes: only those places vary.
    for path in ["/b62/me", "/counter/me"] {
        for _ in 0..3 {
            let (code, v) = verdict(path, &["--claim", "userId=nobody"]);
            assert_eq!(
                (code, codes(&v)),
                (1, vec!["AD603".to_string(), "AD605".to_string()]),
                "{path}: {v}"
            );
            assert_eq!(v["findings"][1]["sources"][0], "wrong", "{path}: {v}");
        }
    }
    // Always 200, {"ok": false} when refused: the right secret is accepted, nothing "forged".
    let (code, v) = verdict("/okfalse/me", &["--claim", "userId=u1"]);
    assert_eq!(
        (code, codes(&v)),
        (1, vec!["AD601".to_string(), "AD605".to_string()]),
        "{v}"
    );
    // A redirect to the login page is no verdict.
    let (code, v) = verdict("/login/me", &[]);
    assert_eq!(code, 3, "{v}");
    assert!(messages(&v, "AD001")[0].contains("redirected to"), "{v}");
    // A wrong path is no "none of these".
    let (code, v) = verdict("/no/such/route", &[]);
    assert_eq!((code, codes(&v)), (1, vec!["AD604".to_string()]), "{v}");
    // The secret quoted base64-, hex-encoded and upper-cased in an error is not repeated.
    let r = run(&mut probe(&format!("{}/leak/me", b.url), &both));
    assert_clean(&r.stdout);
    let upper = SECRET.to_uppercase();
    let hex: String = SECRET.bytes().map(|c| format!("{c:02x}")).collect();
    for form in [upper.as_str(), &hex[..24]] {
        assert!(!r.stdout.contains(form), "{}", r.stdout);
    }
}

/// A lockout that the probe's own bad tokens set off: the control sent after the candidates
/// answers otherwise than the first, and nothing is concluded.
#[test]
fn a_lockout_during_the_probe_concludes_nothing() {
    let b = Backend::start(&[("AUTH_SECRET", SECRET), ("PROBE_USERS", "u1")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let specs: Vec<String> = (0..4)
        .map(|i| file(&dir, &format!("w{i}"), &format!("{OTHER}{i}")))
        .collect();
    let mut args: Vec<&str> = vec!["--as-stored"];
    for s in &specs {
        args.extend(["--secret", s]);
    }
    let (code, v) = json(&mut probe(&format!("{}/lockout/me", b.url), &args));
    assert_eq!((code, codes(&v)), (1, vec!["AD604".to_string()]), "{v}");
    assert!(messages(&v, "AD604")[0].contains("not stable"), "{v}");
}

#[test]
fn redirects_to_another_host_are_not_followed() {
    let b = Backend::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let a = file(&dir, "a", SECRET);
    let (code, v) = json(&mut probe(
        &format!("{}/elsewhere", b.url),
        &["--secret", &a, "--as-stored"],
    ));
    assert_eq!(code, 3, "{v}");
    assert!(messages(&v, "AD001")[0].contains("not followed"), "{v}");
    assert!(
        !codes(&v).contains(&"AD602".to_string()),
        "no conclusion from a redirect: {v}"
    );
}

#[test]
fn no_secret_nor_token_in_any_format() {
    let b = Backend::start(&[("AUTH_SECRET", SECRET), ("PROBE_USERS", "u1")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let a = file(&dir, "a", SECRET);
    let o = file(&dir, "o", &format!("'{OTHER}'"));
    for format in ["human", "json", "github"] {
        for url in [
            format!("{}/jose/me", b.url),
            format!("{}/echo", b.url),
            format!("{}/slow", b.url),
        ] {
            let r = run(&mut probe(
                &url,
                &[
                    "--secret",
                    &a,
                    "--secret",
                    &o,
                    "--claim",
                    "userId=u1",
                    "--format",
                    format,
                    "--timeout",
                    "1",
                    "-v",
                ],
            ));
            assert!(matches!(r.code, 0 | 1 | 3), "{format} {url}: {}", r.stderr);
            assert_clean(&(r.stdout + &r.stderr));
        }
    }
}

/// The second incident: config.js and SSM hold the same value, the backend on ECS says
/// "Signature verification failed" because its tasks started before the parameter was last
/// changed. compare → AD100 with AD502 on the ECS source; probe → none of these; after a restart
/// (a backend with the new value) → AD601.
#[test]
fn the_second_incident_end_to_end() {
    const OLD: &str = "Hk2Pw9Qs4Xe7Lm1Tz6Bv3Nd8Jc5Rf0Gy2Ua7Wo4Ki9Mt1Sb6Vl3Eq8Dn5Zh0Cx2P";
    let m = moto();
    m.put_parameter("/quilt/mcp-server/jwt-secret", OLD);
    std::thread::sleep(Duration::from_millis(1100));
    m.ecs_service(
        "probe-it",
        "mcp-server",
        "probe-it-mcp",
        &[],
        &[(
            "MCP_ENHANCED_JWT_SECRET",
            "arn:aws:ssm:us-east-1:123456789012:parameter/quilt/mcp-server/jwt-secret",
        )],
    );
    std::thread::sleep(Duration::from_millis(1100));
    m.put_parameter("/quilt/mcp-server/jwt-secret", SECRET);
    let config = format!("window.QUILT_CATALOG_CONFIG = {{ mcpEnhancedJwtSecret: \"{SECRET}\" }};\n");
    let site = serve(move |path| match path {
        "/config.js" => Response::ok("application/javascript", config.clone()),
        _ => Response::status(404),
    });
    let frontend = format!("frontend=configjs:{}/config.js#mcpEnhancedJwtSecret", site.base);
    let ssm = format!("ssm=ssm:/quilt/mcp-server/jwt-secret?endpoint={}", moto().endpoint);
    let task = format!(
        "task=ecs:probe-it/mcp-server#MCP_ENHANCED_JWT_SECRET?endpoint={}",
        moto().endpoint
    );

    let (code, v) = json(aws().args(["compare", &frontend, &ssm, &task]));
    assert_eq!(code, 1, "{v}");
    assert!(codes(&v).contains(&"AD100".to_string()), "{v}");
    assert!(codes(&v).contains(&"AD502".to_string()), "{v}");

    // The running backend still holds the value its tasks started with.
    let running = Backend::start(&[("MCP_ENHANCED_JWT_SECRET", OLD)]);
    let url = format!("{}/pyjwt/me", running.url);
    let claims = ["--claim", "aud=quilt-mcp-server", "--claim", "iss=quilt-frontend"];
    let (code, v) = json(
        aws()
            .args(["probe", &url, "--secret", &frontend, "--secret", &ssm])
            .args(claims),
    );
    assert_eq!((code, codes(&v)), (1, vec!["AD602".to_string()]), "{v}");
    drop(running);

    // After `aws ecs update-service --force-new-deployment` the backend reads the current value.
    let restarted = Backend::start(&[("MCP_ENHANCED_JWT_SECRET", SECRET)]);
    let url = format!("{}/pyjwt/me", restarted.url);
    let r = run(aws()
        .args(["probe", &url, "--secret", &frontend, "--secret", &ssm])
        .args(claims));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("AD601"), "{}", r.stdout);
    assert_clean(&(r.stdout + &r.stderr));
}
