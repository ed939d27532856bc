//! `ecs:` against moto_server: a service's task definition resolved to its environment value or to
//! the SSM parameter / Secrets Manager secret it injects, and AD502 when the parameter changed after
//! the tasks started (moto gives tasks no `startedAt`, so the deployment's creation stands for it).

use crate::common::moto::{aws, moto};
use crate::common::*;
use std::time::Duration;

fn ecs(rest: &str) -> String {
    format!("ecs:{rest}?endpoint={}", moto().endpoint)
}

/// moto's clocks have whole-millisecond (or coarser) times: keep the order unambiguous.
fn tick() {
    std::thread::sleep(Duration::from_millis(1100));
}

#[test]
fn ssm_injected_secret_then_changed_is_ad502() {
    let m = moto();
    m.put_parameter("/ecs-it/jwt-secret", KNOWN);
    tick();
    m.ecs_service(
        "ecs-it-a",
        "api",
        "ecs-it-api",
        &[("PLAIN", "not-a-secret-value")],
        &[(
            "MCP_ENHANCED_JWT_SECRET",
            "arn:aws:ssm:us-east-1:123456789012:parameter/ecs-it/jwt-secret",
        )],
    );
    let spec = format!("run={}", ecs("ecs-it-a/api#MCP_ENHANCED_JWT_SECRET"));
    let (code, v) = json(aws().args(["compare", &spec, "file=file:tests/fixtures/redaction/exact"]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(codes(&v), ["AD100"], "{v}");
    assert_eq!(
        v["sources"][0]["details"]["from"],
        "MCP_ENHANCED_JWT_SECRET ← ssm:/ecs-it/jwt-secret, task definition ecs-it-api:1",
        "{v}"
    );
    let r = run(aws().args(["inspect", &spec]));
    assert!(
        r.stdout
            .contains("MCP_ENHANCED_JWT_SECRET ← ssm:/ecs-it/jwt-secret, task definition ecs-it-api:1"),
        "{}",
        r.stdout
    );

    // The parameter changes after the deployment: the tasks hold the previous value.
    tick();
    m.put_parameter("/ecs-it/jwt-secret", &format!("{KNOWN}-rotated"));
    let (code, v) = json(aws().args(["inspect", &spec]));
    assert_eq!(code, 1, "{v}");
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == "AD502"))
        .cloned()
        .unwrap_or_default();
    let msg = f["message"].as_str().unwrap_or_default();
    assert!(
        msg.starts_with("run: ssm:/ecs-it/jwt-secret (injected as MCP_ENHANCED_JWT_SECRET) changed ")
            && msg.contains("the deployment of its running tasks was created")
            && msg.ends_with("the tasks hold the previous value"),
        "{v}"
    );
    assert_eq!(
        f["hint"], "aws ecs update-service --cluster ecs-it-a --service api --force-new-deployment",
        "{v}"
    );

    // An environment value needs no fetch and has no timing.
    let (code, v) = json(aws().args(["inspect", &ecs("ecs-it-a/api#PLAIN")]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["sources"][0]["details"]["from"], "PLAIN ← environment, task definition ecs-it-api:1",
        "{v}"
    );
    assert_eq!(v["sources"][0]["length"], 18, "{v}");
}

#[test]
fn secrets_manager_json_key_and_undefined_names() {
    let m = moto();
    m.put_secret("ecs-it/api", &format!("{{\"jwt\": \"{KNOWN}\", \"other\": \"x\"}}"));
    let arn = m.secret_arn("ecs-it/api");
    tick();
    m.ecs_service(
        "ecs-it-b",
        "web",
        "ecs-it-web",
        &[("NODE_ENV", "production")],
        &[("AUTH_SECRET", &format!("{arn}:jwt::"))],
    );
    let (code, v) = json(aws().args([
        "compare",
        &format!("web={}", ecs("ecs-it-b/web#AUTH_SECRET")),
        "file=file:tests/fixtures/redaction/exact",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(codes(&v), ["AD100"], "{v}");
    assert_eq!(
        v["sources"][0]["details"]["from"],
        format!("AUTH_SECRET ← secretsmanager:{arn}#jwt, task definition ecs-it-web:1"),
        "{v}"
    );
    // A new secret value after the deployment: DescribeSecret's LastChangedDate is later than it.
    tick();
    m.put_secret(
        "ecs-it/api",
        &format!("{{\"jwt\": \"{KNOWN}-rotated\", \"other\": \"x\"}}"),
    );
    let (code, v) = json(aws().args(["inspect", &format!("web={}", ecs("ecs-it-b/web#AUTH_SECRET"))]));
    assert_eq!(code, 1, "{v}");
    let m502 = messages(&v, "AD502");
    assert_eq!(m502.len(), 1, "{v}");
    assert!(
        m502[0].starts_with(&format!(
            "web: secretsmanager:{arn}#jwt (injected as AUTH_SECRET) changed "
        )),
        "{v}"
    );
    let (code, v) = json(aws().args(["inspect", &format!("web={}", ecs("ecs-it-b/web#JWT_SECRET"))]));
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        messages(&v, "AD002"),
        [
            "web: task definition ecs-it-web:1 of ecs-it-b/web does not define JWT_SECRET (it defines: AUTH_SECRET, NODE_ENV)"
        ],
        "{v}"
    );
    let (code, v) = json(aws().args(["inspect", &ecs("ecs-it-b/nope#X")]));
    assert_eq!(code, 3, "{v}");
    assert!(
        messages(&v, "AD002")[0].contains("ECS service ecs-it-b/nope not found"),
        "{v}"
    );
}
