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
