//! AWS sources against moto_server on 127.0.0.1: SSM and Secrets Manager through the real SDK.

use crate::common::http::{Response, serve};
use crate::common::moto::{aws, moto};
use crate::common::*;
use std::time::{Duration, Instant};

const SECRET: &str = "Hk3mP9wQ2vX7zR5tY1uB8nC4dF6gJ0aL3sE9kW2xV5bN7mQ1pT4rU8yI6oA0cZ2h";

/// authdoctor with credentials that moto accepts and no trace of the developer's own AWS setup.
fn ssm(name: &str) -> String {
    format!("ssm:{name}?endpoint={}", moto().endpoint)
}

fn finding<'a>(v: &'a serde_json::Value, code: &str) -> Option<&'a serde_json::Value> {
    v["findings"].as_array()?.iter().find(|f| f["code"] == code)
}

/// The incident: the frontend serves the secret in config.js; SSM holds it with a trailing LF.
#[test]
fn served_config_vs_ssm_with_a_trailing_newline() {
    moto().put_parameter("/quilt/mcp-server/jwt-secret", &format!("{SECRET}\n"));
    let js = format!("window.QUILT_CATALOG_CONFIG = {{ mcpEnhancedJwtSecret: \"{SECRET}\" }};");
    let server = serve(move |_| Response::ok("application/javascript", js.clone()));
    let (code, v) = json(aws().args([
        "compare",
        &format!("frontend=configjs:{}/config.js#mcpEnhancedJwtSecret", server.base),
        &format!("backend={}", ssm("/quilt/mcp-server/jwt-secret")),
    ]));
    assert_eq!(code, 1, "{v}");
    let f = finding(&v, "AD102").expect("AD102");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("backend has a trailing LF at byte 64"),
        "{f}"
    );
    assert!(!v.to_string().contains(&SECRET[..8]));
}

#[test]
fn versions_labels_and_arns() {
    moto().put_parameter("/versions/key", "first-value-0123456789abcdef0123456789");
    moto().put_parameter("/versions/key", "second-value-0123456789abcdef012345678");
    let (_, v) = json(aws().args([
        "compare",
        &format!("{}&version=1", ssm("/versions/key")),
        &format!("latest={}", ssm("/versions/key")),
    ]));
    assert_eq!(v["sources"][0]["length"], 38, "{v}");
    assert_eq!(v["sources"][1]["length"], 38);
    assert_ne!(
        v["sources"][0]["fingerprint"], v["sources"][1]["fingerprint"],
        "version 1 is the old value"
    );
    let arn = "arn:aws:ssm:us-east-1:123456789012:parameter/versions/key";
    let (code, v) = json(aws().args(["inspect", &ssm(arn)]));
    assert_eq!(code, 0, "an ARN names the parameter too: {v}");
}

#[test]
fn missing_parameter_lists_its_neighbours_by_name() {
    moto().put_parameter("/app/prod/jwt-secret", "x-0123456789abcdef0123456789abcdef-y");
    moto().put_parameter("/app/prod/db-url", "postgres://u:p@h/db");
    let (code, v) = json(aws().args(["inspect", &ssm("/app/prod/jwt_secret")]));
    assert_eq!(code, 3);
    let msg = finding(&v, "AD002")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(msg.contains("SSM parameter /app/prod/jwt_secret not found"), "{msg}");
    assert!(
        msg.contains("/app/prod/db-url") && msg.contains("/app/prod/jwt-secret"),
        "{msg}"
    );
    assert!(!msg.contains("postgres"), "names only: {msg}");
}

#[test]
fn get_parameters_in_batches_of_ten() {
    for i in 0..25 {
        moto().put_parameter(
            &format!("/batch/p{i:02}"),
            &format!("value-{i:02}-0123456789abcdef0123456789abcdef"),
        );
    }
    moto().start_recording();
    let before = moto().calls("AmazonSSM.GetParameters", "/batch/p");
    let mut args = vec!["compare".to_string()];
    args.extend((0..25).map(|i| format!("p{i}={}", ssm(&format!("/batch/p{i:02}")))));
    let (_, v) = json(aws().args(&args));
    assert_eq!(v["sources"].as_array().map(Vec::len), Some(25));
    assert!(
        v["sources"]
            .as_array()
            .is_some_and(|a| a.iter().all(|s| s["status"] == "ok")),
        "{v}"
    );
    let after = moto().calls("AmazonSSM.GetParameters", "/batch/p");
    assert_eq!(after - before, 3, "25 names cost 3 GetParameters calls");
}

#[test]
fn no_credentials_fail_fast_and_clearly() {
    let started = Instant::now();
    let r = run(aws()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["inspect", &ssm("/quilt/x")]));
    let took = started.elapsed();
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains("no AWS credentials found"), "{}", r.stdout);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn region_errors() {
    let r = run(aws().args(["inspect", &format!("{}&region=us-east", ssm("/quilt/x"))]));
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.contains("\"us-east\" is not an AWS region name"),
        "{}",
        r.stdout
    );
    let r = run(aws()
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .args(["inspect", &ssm("/quilt/x")]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("no AWS region"), "{}", r.stdout);
    let r = run(aws().args(["inspect", "ssm:/x#key"]));
    assert_eq!(r.code, 2);
}

#[test]
fn secrets_manager_strings_fields_binaries_and_stages() {
    let m = moto();
    m.put_secret(
        "prod/api",
        &format!("{{\"jwt_secret\": \"{SECRET}\", \"db\": {{\"password\": \"pw\"}}, \"port\": 5432}}"),
    );
    m.put_binary_secret("prod/binary", SECRET.as_bytes());
    let sm = |id: &str| format!("secretsmanager:{id}?endpoint={}", m.endpoint);
    let (code, v) = json(aws().args([
        "compare",
        &format!("field={}", sm("prod/api#jwt_secret")),
        &format!("bin={}", sm("prod/binary")),
    ]));
    assert_eq!(code, 0, "{v}");
    let (code, v) = json(aws().args(["inspect", &sm("prod/api#jwt")]));
    assert_eq!(code, 3);
    let msg = finding(&v, "AD002")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(msg.contains("no field jwt (fields: db, jwt_secret, port)"), "{msg}");
    let (_, v) = json(aws().args(["inspect", &sm("prod/api#port")]));
    assert!(finding(&v, "AD004").is_some(), "{v}");
    let (code, v) = json(aws().args(["inspect", &sm("prod/missing")]));
    assert_eq!(code, 3);
    assert!(finding(&v, "AD002").is_some(), "{v}");

    m.put_secret("rotating", "old-value-0123456789abcdef0123456789abcdef");
    m.put_secret("rotating", "new-value-0123456789abcdef0123456789abcdef");
    let (_, v) = json(aws().args([
        "compare",
        &format!("prev={}&version_stage=AWSPREVIOUS", sm("rotating")),
        &format!("cur={}", sm("rotating")),
    ]));
    assert!(
        finding(&v, "AD101").is_some(),
        "the previous stage holds the old value: {v}"
    );
}
