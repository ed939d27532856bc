//! Kubernetes sources through tests/fake-kubectl/kubectl, which replays `kubectl … -o json` objects
//! recorded in tests/fixtures/k8s (no cluster can run here; see its README).

use crate::common::*;

fn kube() -> assert_cmd::Command {
    let mut c = ad();
    c.env("KUBECTL", root().join("tests/fake-kubectl/kubectl"))
        .env_remove("FAKE_KUBECTL_FIXTURES")
        .env_remove("FAKE_KUBECTL_POD_ENV");
    c
}

#[test]
fn a_secret_key_is_the_bytes_after_base64() {
    let (code, v) = json(kube().args([
        "compare",
        "k=k8s:prod/api-secrets#JWT_SECRET?context=prod",
        "file=file:tests/fixtures/redaction/exact",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(codes(&v), ["AD100"], "{v}");
    assert_eq!(v["sources"][0]["details"]["type"], "Opaque", "{v}");
    assert_eq!(v["sources"][0]["details"]["context"], "prod", "{v}");
    // The newline is in the Secret's bytes, and found as such.
    let (code, v) = json(kube().args([
        "compare",
        "k=k8s:prod/api-secrets#JWT_SECRET_NL",
        "file=file:tests/fixtures/redaction/exact",
    ]));
    assert_eq!(code, 1, "{v}");
    assert!(codes(&v).contains(&"AD102".to_string()), "{v}");
}

#[test]
fn missing_keys_secrets_and_clusters_are_said_plainly() {
    let (code, v) = json(kube().args(["inspect", "k=k8s:prod/api-secrets#jwt_secret"]));
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        messages(&v, "AD002"),
        ["k: Kubernetes Secret prod/api-secrets has no key jwt_secret (keys: DATABASE_URL, JWT_SECRET, JWT_SECRET_NL)"],
        "{v}"
    );
    let (code, v) = json(kube().args(["inspect", "k=k8s:prod/nope#X"]));
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        messages(&v, "AD002"),
        ["k: Kubernetes Secret prod/nope not found"],
        "{v}"
    );
    let (code, v) = json(kube().args(["inspect", "k=k8s:prod/api-secrets#X?context=unreachable"]));
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        messages(&v, "AD001"),
        ["k: Kubernetes Secret prod/api-secrets: kubectl cannot reach the cluster"],
        "{v}"
    );
    let r = run(kube().args(["inspect", "k8s:prod#X"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("k8s needs NAMESPACE/SECRET#KEY"), "{}", r.stderr);
}

fn pods() -> assert_cmd::Command {
    let mut c = kube();
    c.env("FAKE_KUBECTL_POD_ENV", root().join("tests/fixtures/k8s/pods"));
    c
}

/// Two pods: k2xqp started 14:02, before the Secret changed at 14:15, and holds the previous value;
/// zr8wn started 14:30 and holds the Secret's bytes.
#[test]
fn each_pod_computes_its_fingerprints_and_stale_ones_are_ad503() {
    let (code, v) = json(pods().args([
        "compare",
        "run=k8s-runtime:prod/api#JWT_SECRET",
        "secret=k8s:prod/api-secrets#JWT_SECRET",
    ]));
    assert_eq!(code, 1, "{v}");
    // One row per pod; the fresh pod holds the Secret's bytes, the stale one another value.
    assert_eq!(v["sources"][0]["label"], "run@api-7d9f8c6b5-k2xqp", "{v}");
    assert_eq!(v["sources"][0]["kind"], "fingerprints", "{v}");
    assert_eq!(
        v["sources"][1]["spec"], "k8s-runtime:prod/api#JWT_SECRET?pod=api-7d9f8c6b5-zr8wn",
        "{v}"
    );
    assert_eq!(
        v["sources"][1]["details"]["from"], "JWT_SECRET ← Secret prod/api-secrets",
        "{v}"
    );
    assert_eq!(
        v["groups"],
        serde_json::json!([["run@api-7d9f8c6b5-zr8wn", "secret"], ["run@api-7d9f8c6b5-k2xqp"]]),
        "{v}"
    );
    // ?pod= reads one pod: the fresh one equals the Secret, and the stale-pod finding is not its.
    let (code, v) = json(pods().args([
        "compare",
        "run=k8s-runtime:prod/api#JWT_SECRET?pod=api-7d9f8c6b5-zr8wn",
        "secret=k8s:prod/api-secrets#JWT_SECRET",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(codes(&v), ["AD100"], "{v}");
    let (code, v) = json(pods().args([
        "compare",
        "run=k8s-runtime:prod/api#JWT_SECRET",
        "secret=k8s:prod/api-secrets#JWT_SECRET",
    ]));
    assert_eq!(code, 1, "{v}");
    let m = messages(&v, "AD503");
    assert_eq!(
        m,
        [
            "run: Secret prod/api-secrets changed 2026-11-20 14:15:00 UTC; 1 of 2 running pods of prod/api started before it: \
api-7d9f8c6b5-k2xqp (started 2026-11-20 14:02:00 UTC, holds another value)"
        ],
        "{v}"
    );
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == "AD503"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(f["hint"], "kubectl rollout restart deployment/api -n prod", "{v}");
}

#[test]
fn a_variable_not_from_a_secret_has_no_timing_and_unset_ones_are_not_found() {
    let (code, v) = json(pods().args(["inspect", "run=k8s-runtime:prod/api#LOG_LEVEL"]));
    assert_eq!(code, 0, "{v}");
    assert!(messages(&v, "AD503").is_empty(), "{v}");
    assert_eq!(v["sources"][0]["length"], 4, "{v}");
    let (code, v) = json(pods().args(["inspect", "run=k8s-runtime:prod/api#NOPE"]));
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        messages(&v, "AD002"),
        ["run: Kubernetes Deployment prod/api: NOPE is not set in the environment of its running pods (container api)"],
        "{v}"
    );
    let (code, v) = json(pods().args(["inspect", "run=k8s-runtime:prod/web#X"]));
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        messages(&v, "AD002"),
        ["run: Kubernetes Deployment prod/web not found"],
        "{v}"
    );
}
