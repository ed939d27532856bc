//! `k8s:NAMESPACE/SECRET#KEY?context=`: one key of a Kubernetes Secret, the exact bytes after
//! base64, via `kubectl get secret -o json`.

use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{FetchError, Fetched, Run, Spec};
use crate::secret::Secret;
use base64::Engine;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "k8s",
    example: "k8s:prod/api-secrets#JWT_SECRET?context=prod-cluster",
    yields: "one key of a Kubernetes Secret, the exact bytes after base64 (`kubectl get secret -o json`; $KUBECTL picks the binary, ?context= the kubeconfig context)",
    options: &["context"],
    verbatim: false,
};

pub struct K8s;

impl Scheme for K8s {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        super::kubectl::validate(spec, "SECRET#KEY")
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

impl Remote for K8s {
    fn fetch<'a>(&'a self, spec: &'a Spec, _: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(async move {
            let (ns, name) = super::kubectl::ns_name(spec);
            let what = format!("Kubernetes Secret {ns}/{name}");
            let args = super::kubectl::with_context(
                spec,
                &["get", "secret", name, "-n", ns, "-o", "json", "--show-managed-fields"],
            );
            let out = super::kubectl::run(&args, &what).await?;
            key_of(spec, &what, &out)
        })
    }
}

/// The key's bytes from a Secret's `-o json`: `data` holds base64 (`stringData` is write-only and
/// never returned). Missing: not found (AD002), naming the keys there.
fn key_of(spec: &Spec, what: &str, json: &[u8]) -> Result<Fetched, FetchError> {
    let key = spec.key.as_deref().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| FetchError::unreadable(format!("{what}: kubectl's output is not JSON ({e})")))?;
    if v["kind"] != "Secret" {
        return Err(FetchError::unreadable(format!(
            "{what}: kubectl did not answer with a Secret"
        )));
    }
    let data = v["data"].as_object();
    let Some(b64) = data.and_then(|d| d.get(key)) else {
        let mut keys: Vec<&str> = data.map(|d| d.keys().map(String::as_str).collect()).unwrap_or_default();
        keys.sort_unstable();
        let keys = if keys.is_empty() {
            "it has none".to_string()
        } else {
            format!("keys: {}", keys.join(", "))
        };
        return Err(FetchError::not_found(format!("{what} has no key {key} ({keys})"))
            .hint("keys are case-sensitive; `kubectl describe secret` lists them"));
    };
    let bytes = b64
        .as_str()
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .ok_or_else(|| FetchError::unreadable(format!("{what}: key {key} is not base64 in `data`")))?;
    let mut f = Fetched::value(Secret::new(bytes))
        .detail("secret", what.trim_start_matches("Kubernetes Secret ").to_string())
        .detail("key", key.to_string());
    if let Some(t) = v["type"].as_str() {
        f = f.detail("type", t.to_string());
    }
    if let Some(c) = spec.options.get("context") {
        f = f.detail("context", c.clone());
    }
    if let Some(ms) = super::kubectl::last_changed_ms(&v) {
        f = f.detail("changed_ms", ms);
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_base64_and_missing_keys_are_listed() {
        let spec = Spec::parse("k8s:prod/api#JWT").expect("spec");
        let json = br#"{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"api","namespace":"prod"},
            "data":{"JWT":"c2VjcmV0Cg==","OTHER":"eA=="}}"#;
        let f = key_of(&spec, "Kubernetes Secret prod/api", json).expect("read");
        match &f.yielded {
            super::super::Yield::Value(s) => assert_eq!(s.expose(), b"secret\n"),
            other => panic!("{other:?}"),
        }
        let spec = Spec::parse("k8s:prod/api#jwt").expect("spec");
        let e = key_of(&spec, "Kubernetes Secret prod/api", json).expect_err("missing");
        assert_eq!(
            e.message,
            "Kubernetes Secret prod/api has no key jwt (keys: JWT, OTHER)"
        );
    }
}
