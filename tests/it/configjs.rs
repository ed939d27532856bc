//! configjs: sources against a real HTTP server on 127.0.0.1.

use crate::common::http::{Response, serve, serve_tls};
use crate::common::*;
use std::time::{Duration, Instant};

const SECRET: &str = "Hk3mP9wQ2vX7zR5tY1uB8nC4dF6gJ0aL3sE9kW2xV5bN7mQ1pT4rU8yI6oA0cZ2h";

fn config_js() -> String {
    format!(
        "window.QUILT_CATALOG_CONFIG = {{\n  region: 'us-east-1',\n  // the frontend signs MCP tokens with this\n  mcpEnhancedJwtSecret: \"{SECRET}\",\n  limits: {{ size: 5 }},\n  mirrors: ['a', {{ key: 'b' }}],\n}};\n"
    )
}

fn server() -> crate::common::http::Server {
    serve(|path| match path {
        "/config.js" => Response::ok("application/javascript", config_js()),
        "/slow.js" => Response::ok("application/javascript", config_js()).after(Duration::from_millis(1500)),
        "/spa/config.js" => Response::ok("text/html", "<!doctype html><html><body>app</body></html>"),
        "/broken" => Response::status(500),
        "/loop" => Response::redirect("/loop"),
        "/moved" => Response::redirect("/config.js"),
        "/big.js" => Response::ok("application/javascript", vec![b' '; 3 * 1024 * 1024]),
        _ => Response::status(404),
    })
}

fn finding_code(v: &serde_json::Value) -> Vec<String> {
    codes(v)
}

#[test]
fn reads_a_served_config_and_one_get_per_url() {
    let s = server();
    let url = format!("{}/config.js", s.base);
    let (code, v) = json(ad().args([
        "compare",
        &format!("frontend=configjs:{url}#mcpEnhancedJwtSecret"),
        &format!("named=configjs:{url}#QUILT_CATALOG_CONFIG.mcpEnhancedJwtSecret"),
        &format!("nested=configjs:{url}#mirrors[1].key"),
    ]));
    assert_eq!(v["sources"][0]["length"], 64, "{v}");
    assert_eq!(v["groups"], serde_json::json!([["frontend", "named"], ["nested"]]));
    assert_eq!(code, 1);
    assert_eq!(s.hits("/config.js"), 1, "one GET per URL per run");
    let (code, v) = json(ad().args(["inspect", &format!("configjs:{}/moved#mcpEnhancedJwtSecret", s.base)]));
    assert_eq!(code, 0, "follows a redirect: {v}");
}

#[test]
fn every_failure_has_its_own_message() {
    let s = server();
    let cases = [
        ("/spa/config.js#mcpEnhancedJwtSecret", "AD003", "sent an HTML page"),
        ("/missing.js#a", "AD001", "HTTP 404 (404 Not Found)"),
        ("/broken#a", "AD001", "HTTP 500"),
        ("/loop#a", "AD001", "more than 5 redirects"),
        ("/big.js#a", "AD001", "larger than 2 MiB"),
        (
            "/config.js#mcpEnhancedJwtSecretX",
            "AD002",
            "keys there: limits, mcpEnhancedJwtSecret, mirrors, region",
        ),
        ("/config.js#limits.size", "AD004", "is a number, not a string"),
    ];
    for (path, code, needle) in cases {
        let (exit, v) = json(ad().args(["inspect", &format!("configjs:{}{path}", s.base)]));
        assert_eq!(exit, 3, "{path}: {v}");
        let f = &v["findings"][0];
        assert_eq!(f["code"], code, "{path}: {v}");
        assert!(
            f["message"].as_str().unwrap_or("").contains(needle),
            "{path}: {}",
            f["message"]
        );
        assert!(!v.to_string().contains(&SECRET[..10]), "{path}: leaked");
    }
    assert!(
        finding_code(&json(ad().args(["inspect", &format!("configjs:{}/config.js#region", s.base)])).1)
            .contains(&"AD201".to_string())
    );
}

#[test]
fn slow_server_times_out_and_tls_must_verify() {
    let s = server();
    let started = Instant::now();
    let r = run(ad().args([
        "--timeout",
        "0.5",
        "inspect",
        &format!("configjs:{}/slow.js#mcpEnhancedJwtSecret", s.base),
    ]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("no answer within"), "{}", r.stdout);
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "stopped at the timeout"
    );

    let tls = serve_tls(|_| Response::ok("application/javascript", config_js()));
    let r = run(ad().args([
        "inspect",
        &format!("configjs:{}/config.js#mcpEnhancedJwtSecret", tls.base),
    ]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains("TLS failed"), "{}", r.stdout);
}

#[test]
fn local_config_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("config.js");
    std::fs::write(&p, config_js()).expect("write");
    let (code, v) = json(ad().args([
        "compare",
        &format!("js=configjs:{}#mcpEnhancedJwtSecret", p.display()),
        &format!("env=cmd:printf %s {SECRET}"),
    ]));
    assert_eq!(code, 0, "{v}");
}

/// The incident behind this tool: the frontend's config.js and an SSM-style value that ends in LF.
#[test]
fn served_secret_vs_a_value_with_a_trailing_newline() {
    let s = server();
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("ssm-value");
    std::fs::write(&p, format!("{SECRET}\n")).expect("write");
    let (code, v) = json(ad().args([
        "compare",
        &format!("frontend=configjs:{}/config.js#mcpEnhancedJwtSecret", s.base),
        &format!("backend=file:{}", p.display()),
    ]));
    assert_eq!(code, 1);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "AD102");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("backend has a trailing LF"),
        "{f}"
    );
}
