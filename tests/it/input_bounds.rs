//! Hostile input (issue 17, items 9, 11, 12): multibyte characters where the scanners slice,
//! `exp` at the i64 bounds, nesting 50,000 deep, and large inputs, never panic (101) or abort
//! (134), and cost time linear in their size.

use crate::common::http::{Response, serve};
use crate::common::*;
use std::time::{Duration, Instant};

/// Not a panic (101), not an abort (134, a stack overflow), not killed by the test's timeout.
fn survived(r: &Run, what: &str) {
    assert!(
        matches!(r.code, 0..=3),
        "{what}: exit {}\n{}\n{}",
        r.code,
        r.stdout,
        r.stderr
    );
    assert!(!r.stderr.contains("internal error"), "{what}: {}", r.stderr);
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[test]
fn multibyte_tokens_never_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let head = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let inputs = [
        "eyJhb\u{2028}".to_string(),
        "eyJhbé".to_string(),
        format!("{head}.eyJ\u{2028}.c2ln"),
        format!("{head}.{}.c2l\u{1F600}", b64(r#"{"sub":"é"}"#)),
        format!("Bearer\u{a0}{head}.e30.c2ln"),
        format!("{head}\u{200b}.e30.c2ln"),
        "é.é.é".to_string(),
        "\u{feff}eyJ".to_string(),
    ];
    for (i, t) in inputs.iter().enumerate() {
        let r = run(ad().args(["jwt", "decode", "-"]).write_stdin(t.clone()));
        survived(&r, &format!("decode - {t:?}"));
        let f = dir.path().join(format!("t{i}"));
        std::fs::write(&f, t).expect("token");
        let r = run(ad()
            .args(["jwt", "verify"])
            .arg(&f)
            .args(["--secret", "cmd:printf k7Qw2Rt9Yp4Ux8Zc3Vb6Nm1Lj5Hg0Fd"]));
        survived(&r, &format!("verify {t:?}"));
    }
}

#[test]
fn time_claims_at_the_i64_bounds_never_panic() {
    let head = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    for n in [
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "1e308",
        "-1e308",
        "253402300800",
        "-62167219201",
    ] {
        let token = format!("{head}.{}.c2ln", b64(&format!(r#"{{"exp":{n},"nbf":{n},"iat":{n}}}"#)));
        survived(&run(ad().args(["jwt", "decode", &token])), &format!("decode exp={n}"));
        let r = run(ad().args([
            "jwt",
            "verify",
            &token,
            "--leeway",
            "9223372036854775807",
            "--secret",
            "cmd:printf k",
        ]));
        survived(&r, &format!("verify exp={n}"));
    }
}

#[test]
fn multibyte_config_js_never_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scripts = [
        "window.Cé = {K: \"v\"};",
        "window.C = {é: 1, K: \"vé\"}; // é",
        "window.\u{2028}C = {K: 'x'};",
        "é = {K: \"x\"}",
        "window.C = {K: `é${'é'}`, 'é\\é': \"\\é\"};",
        "/* é */ window[\"é\"] = {K: \"x\"}; /* é",
        "window.C = {K: \"x\\",
        "export default {é",
        "var é\u{1F600} = {'K': 'é'}",
    ];
    for (i, s) in scripts.iter().enumerate() {
        let f = dir.path().join(format!("c{i}.js"));
        std::fs::write(&f, s).expect("script");
        for key in ["K", "C.K", "é", "é.K"] {
            let r = run(ad().arg("inspect").arg(format!("configjs:{}#{key}", f.display())));
            survived(&r, &format!("{s:?}#{key}"));
        }
    }
}

/// Objects and arrays nested 50,000 deep are refused before parsing, "too deeply nested", as a
/// local or served config.js; JSON documents (fly-json, JWKS, token claims, authdoctor.toml) stop
/// at their parser's limit. A config nested 128 deep still reads.
#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let deep = |open: &str, close: &str| format!("{}1{}", open.repeat(50_000), close.repeat(50_000));
    let scripts = [
        format!("window.C = {{K: {}}};", deep("[", "]")),
        format!("window.C = {{K: {}}};", deep("{a:", "}")),
        deep("[", "]"),
        format!("export default {}", deep("{\"a\":", "}")),
    ];
    for (i, s) in scripts.iter().enumerate() {
        std::fs::write(d.join(format!("deep{i}.js")), s).expect("script");
        let r = run(ad().current_dir(d).args(["inspect", &format!("configjs:deep{i}.js#K")]));
        survived(&r, &format!("deep{i}.js"));
        assert_eq!(r.code, 3);
        assert!(r.stdout.contains("too deeply nested"), "{}", r.stdout);
    }
    let body = scripts[0].clone();
    let web = serve(move |_| Response::ok("application/javascript", body.clone()));
    let r = run(ad().args(["inspect", &format!("configjs:{}/config.js#K", web.base)]));
    survived(&r, "served deep config.js");
    assert!(r.stdout.contains("too deeply nested"), "{}", r.stdout);

    let shallow = format!("window.C = {{K: \"x\", D: {}1{}}};", "[".repeat(127), "]".repeat(127));
    std::fs::write(d.join("shallow.js"), shallow).expect("script");
    let r = run(ad().current_dir(d).args(["inspect", "configjs:shallow.js#C.K"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    std::fs::write(d.join("deep.json"), deep("[", "]")).expect("json");
    survived(
        &run(ad().current_dir(d).args(["inspect", "fly-json:deep.json#K"])),
        "fly-json",
    );
    let token = format!("{}.e30.c2ln", b64(r#"{"alg":"RS256"}"#));
    survived(
        &run(ad()
            .current_dir(d)
            .args(["jwt", "verify", &token, "--jwks", "deep.json"])),
        "jwks",
    );
    std::fs::write(
        d.join("deeptoken"),
        format!("{}.{}.c2ln", b64(r#"{"alg":"HS256"}"#), b64(&deep("[", "]"))),
    )
    .expect("t");
    survived(
        &run(ad().current_dir(d).args(["jwt", "decode", "deeptoken"])),
        "token claims",
    );
    std::fs::write(d.join("authdoctor.toml"), format!("a = {}", deep("[", "]"))).expect("toml");
    let r = run(ad().current_dir(d).args(["check"]));
    survived(&r, "authdoctor.toml");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// Wall time of `inspect env:DIR#K?loader=nextjs` over a Next.js project of four files of `n`
/// lines each (plain values, every hundredth a reference).
fn nextjs_dir_time(d: &std::path::Path, n: usize) -> Duration {
    std::fs::write(d.join("package.json"), r#"{"dependencies":{"next":"15"}}"#).expect("package.json");
    for f in [".env", ".env.local", ".env.development", ".env.development.local"] {
        let text: String = (0..n)
            .map(|i| {
                if i % 100 == 0 && i > 0 {
                    format!("K{i}=plain-value-{i}-${{K{}}}\n", i - 1)
                } else {
                    format!("K{i}=plain-value-{i}\n")
                }
            })
            .collect();
        std::fs::write(d.join(f), text).expect("env");
    }
    let started = Instant::now();
    let r = run(ad()
        .arg("inspect")
        .arg(format!("env:{}#K{}?loader=nextjs", d.display(), n - 1)));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    started.elapsed()
}

/// A Next.js directory of 160,000 lines costs about four times one of 40,000 (it was quadratic:
/// 20 s), and a 3 MB `.env` of 200,000 CR-terminated lines costs every loader about four times one
/// of 50,000 (the 6 MB file of the issue is measured in CHANGELOG.md).
#[test]
fn large_inputs_cost_linear_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let small = nextjs_dir_time(dir.path(), 10_000);
    let large = nextjs_dir_time(dir.path(), 40_000);
    assert!(
        large < small * 8 + Duration::from_secs(2),
        "Next.js dir: 40,000 lines/file {large:?}, 10,000 lines/file {small:?}"
    );

    let cr = |lines: usize| -> String { (0..lines).map(|i| format!("K{}=v{i:07}\r", i % 5000)).collect() };
    let time = |text: &str| {
        let f = dir.path().join("cr.env");
        std::fs::write(&f, text).expect("env");
        let started = Instant::now();
        let r = run(ad().arg("envfile").arg(&f).args(["--format", "json"]));
        survived(&r, "CR .env");
        started.elapsed()
    };
    let small = time(&cr(50_000));
    let large = time(&cr(200_000));
    assert!(
        large < small * 8 + Duration::from_secs(2),
        "CR .env: 200,000 lines {large:?}, 50,000 lines {small:?}"
    );
    // LF lines, one key each, every loader (each numbers its lines: per entry from the start of
    // the file was quadratic in node-native and godotenv).
    let lf = |lines: usize| -> String {
        (0..lines)
            .map(|i| format!("KEY_{i}=https://svc{i}.example/api\n"))
            .collect()
    };
    let small = time(&lf(10_000));
    let large = time(&lf(40_000));
    assert!(
        large < small * 8 + Duration::from_secs(2),
        "LF .env: 40,000 lines {large:?}, 10,000 lines {small:?}"
    );
}
