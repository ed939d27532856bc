//! `k8s-runtime:NAMESPACE/DEPLOYMENT#VAR?context=&container=`: fingerprints of the variable as each
//! running pod of a Deployment sees it, computed inside the pod over `kubectl exec` with the same
//! POSIX script as `fly-runtime` (the value never leaves the pod); and, when VAR comes from a
//! Secret, the pods that started before that Secret last changed.

use super::fly_runtime::{parse_runtime, runtime_script};
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Fact, FetchError, Fetched, Fingerprints, Part, Run, Spec, Yield};
use serde_json::Value;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "k8s-runtime",
    example: "k8s-runtime:prod/api#JWT_SECRET?context=prod-cluster",
    yields: "fingerprints of the variable inside each running pod of a Deployment (one row each), computed over `kubectl exec`; the value never leaves the pod; pods started before the Secret VAR comes from last changed are named (?container= picks a container, ?pod= one pod)",
    options: &["context", "container", "pod"],
    verbatim: false,
};

pub struct K8sRuntime;

impl Scheme for K8sRuntime {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        super::kubectl::validate(spec, "DEPLOYMENT#VAR")?;
        let var = spec.key.as_deref().unwrap_or_default();
        if !(var.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            return Err("k8s-runtime needs an environment variable name after '#' (letters, digits, _)".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

impl Remote for K8sRuntime {
    fn fetch<'a>(&'a self, spec: &'a Spec, _: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(fetch(spec))
    }
}

/// Most pods asked per source: enough for a Deployment's replicas, bounded for a huge one.
const MAX_PODS: usize = 20;

fn parse_json(bytes: &[u8], what: &str) -> Result<Value, FetchError> {
    serde_json::from_slice(bytes)
        .map_err(|e| FetchError::unreadable(format!("{what}: kubectl's output is not JSON ({e})")))
}

fn rfc3339_ms(v: &Value) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|d| d.timestamp_millis())
}

/// The container VAR is read in (`?container=`, else the first that defines it, else the first),
/// and the Secret it comes from, if any: `env[].valueFrom.secretKeyRef.name` or an
/// `envFrom[].secretRef` (with its `prefix`).
fn container_and_secret(dep: &Value, var: &str, want: Option<&str>) -> Result<(String, Option<String>), String> {
    let containers = dep["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<String> = containers
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    let from_env = |c: &Value| -> Option<Option<String>> {
        let env = c["env"].as_array()?.iter().rev().find(|e| e["name"] == var)?;
        Some(env["valueFrom"]["secretKeyRef"]["name"].as_str().map(str::to_string))
    };
    let from_env_from = |c: &Value| -> Option<String> {
        c["envFrom"].as_array()?.iter().find_map(|e| {
            let prefix = e["prefix"].as_str().unwrap_or("");
            var.strip_prefix(prefix)?;
            e["secretRef"]["name"].as_str().map(str::to_string)
        })
    };
    let chosen = match want {
        Some(w) => containers.iter().find(|c| c["name"] == w).ok_or_else(|| {
            format!(
                "no container {} (containers: {})",
                super::spec::part(w),
                names.join(", ")
            )
        })?,
        None => containers
            .iter()
            .find(|c| from_env(c).is_some())
            .or_else(|| containers.first())
            .ok_or("its pod template has no containers")?,
    };
    let name = chosen["name"].as_str().unwrap_or_default().to_string();
    let secret = from_env(chosen).flatten().or_else(|| from_env_from(chosen));
    Ok((name, secret))
}

/// One pod's answer.
struct PodRead {
    name: String,
    started_ms: Option<i64>,
    fp: Result<Option<Fingerprints>, FetchError>,
}

async fn fetch(spec: &Spec) -> Result<Fetched, FetchError> {
    let (ns, dep_name) = super::kubectl::ns_name(spec);
    let var = spec.key.as_deref().unwrap_or_default();
    let what = format!("Kubernetes Deployment {ns}/{dep_name}");
    let ctx = |args: &[&'static str]| -> Vec<String> {
        super::kubectl::with_context(spec, args)
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let run = |args: Vec<String>, what: String| async move {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        super::kubectl::run(&a, &what).await
    };
    let mut a = ctx(&["get", "deployment"]);
    a.extend([
        dep_name.to_string(),
        "-n".into(),
        ns.to_string(),
        "-o".into(),
        "json".into(),
    ]);
    let dep = parse_json(&run(a, what.clone()).await?, &what)?;
    let (container, secret) = container_and_secret(&dep, var, spec.options.get("container").map(String::as_str))
        .map_err(|e| FetchError::not_found(format!("{what}: {e}")))?;
    let mut labels: Vec<String> = dep["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some(format!("{k}={}", v.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    labels.sort();
    if labels.is_empty() {
        return Err(FetchError::unreadable(format!(
            "{what} has no spec.selector.matchLabels to find its pods by"
        )));
    }
    let mut a = ctx(&["get", "pods"]);
    a.extend([
        "-n".into(),
        ns.to_string(),
        "-l".into(),
        labels.join(","),
        "-o".into(),
        "json".into(),
    ]);
    let pods = parse_json(&run(a, format!("pods of {what}")).await?, &what)?;
    let mut running: Vec<(String, Option<i64>)> = pods["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|p| p["status"]["phase"] == "Running" && p["metadata"]["deletionTimestamp"].is_null())
                .filter_map(|p| {
                    let name = p["metadata"]["name"].as_str()?.to_string();
                    // The container's own start: a restarted container reads its Secret again.
                    let started = p["status"]["containerStatuses"]
                        .as_array()
                        .and_then(|cs| cs.iter().find(|c| c["name"] == container.as_str()))
                        .and_then(|c| rfc3339_ms(&c["state"]["running"]["startedAt"]))
                        .or_else(|| rfc3339_ms(&p["status"]["startTime"]));
                    Some((name, started))
                })
                .collect()
        })
        .unwrap_or_default();
    running.sort();
    if let Some(pod) = spec.options.get("pod") {
        running.retain(|(name, _)| name == pod);
        if running.is_empty() {
            return Err(
                FetchError::not_found(format!("{what} has no running pod {}", super::spec::part(pod)))
                    .hint("`kubectl get pods -n NAMESPACE` lists them; drop ?pod= to read every pod"),
            );
        }
    }
    if running.is_empty() {
        return Err(FetchError::unreadable(format!("{what} has no running pods"))
            .hint("`kubectl get pods -n NAMESPACE -l SELECTOR` shows why (scaled to 0, crash-looping, pending)"));
    }
    let asked = running.len().min(MAX_PODS);
    let script = runtime_script(var);
    let reads = futures_util::future::join_all(running.iter().take(MAX_PODS).map(|(pod, started)| {
        let mut a = ctx(&["exec"]);
        a.extend([
            pod.clone(),
            "-n".into(),
            ns.to_string(),
            "-c".into(),
            container.clone(),
            "--".into(),
            "sh".into(),
            "-c".into(),
            script.clone(),
        ]);
        let run = run(a, format!("pod {ns}/{pod}"));
        async move {
            let fp = match run.await {
                Ok(out) => parse_runtime(&String::from_utf8_lossy(&out))
                    .map(|o| o.map(|(fp, _)| fp))
                    .map_err(|e| {
                        FetchError::unreadable(format!("pod {ns}/{pod}: {e}"))
                            .hint("check that `kubectl exec` works for this pod and that it has sh")
                    }),
                Err(e) => Err(e),
            };
            PodRead {
                name: pod.clone(),
                started_ms: *started,
                fp,
            }
        }
    }))
    .await;
    // The newest pod's value stands for the Deployment: it read the Secret last.
    let newest = reads
        .iter()
        .filter(|r| matches!(r.fp, Ok(Some(_))))
        .max_by_key(|r| (r.started_ms, r.name.clone()));
    let Some(newest) = newest else {
        if let Some(Err(e)) = reads.iter().map(|r| &r.fp).find(|f| f.is_err()) {
            return Err(e.clone());
        }
        return Err(FetchError::not_found(format!(
            "{what}: {var} is not set in the environment of its running pods (container {container})"
        ))
        .hint("the process reads a different name, or the Deployment does not set it: `kubectl describe deployment`"));
    };
    let Ok(Some(fp)) = &newest.fp else {
        return Err(FetchError::unreadable(format!("{what}: no pod answered")));
    };
    let pods_detail: Vec<Value> = reads
        .iter()
        .map(|r| {
            let mut o = serde_json::json!({"pod": r.name, "started_ms": r.started_ms});
            match &r.fp {
                Ok(Some(p)) => {
                    o["length"] = p.length.into();
                    o["same_as_newest"] = (p == fp).into();
                }
                Ok(None) => o["set"] = false.into(),
                Err(e) => o["error"] = e.message.clone().into(),
            }
            o
        })
        .collect();
    // More than one pod: one row, and one member of the comparison, per pod.
    let parts: Vec<Part> = if reads.len() > 1 {
        reads
            .iter()
            .map(|r| {
                let mut details = std::collections::BTreeMap::new();
                details.insert("deployment".to_string(), Value::from(format!("{ns}/{dep_name}")));
                details.insert("pod".to_string(), r.name.clone().into());
                details.insert("container".to_string(), container.clone().into());
                if let Some(s) = r.started_ms {
                    details.insert("started_ms".to_string(), s.into());
                }
                if let Some(secret) = &secret {
                    details.insert("from".to_string(), format!("{var} ← Secret {ns}/{secret}").into());
                }
                let context = spec
                    .options
                    .get("context")
                    .map_or_else(String::new, |c| format!("&context={c}"));
                Part {
                    label: format!("{}@{}", spec.name(), r.name),
                    spec: format!("k8s-runtime:{ns}/{dep_name}#{var}?pod={}{context}", r.name),
                    yielded: match &r.fp {
                        Ok(Some(p)) => Ok(Yield::Fingerprints(p.clone())),
                        Ok(None) => Err(FetchError::not_found(format!(
                            "pod {ns}/{}: {var} is not set in its environment (container {container})",
                            r.name
                        ))),
                        Err(e) => Err(e.clone()),
                    },
                    details,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut f = Fetched::of(Yield::Fingerprints(fp.clone()))
        .detail("deployment", format!("{ns}/{dep_name}"))
        .detail("container", container.clone())
        .detail("pod", newest.name.clone())
        .detail("pods", pods_detail)
        .detail("running_pods", running.len())
        .detail("pods_asked", asked);
    f.parts = parts;
    if let Some(c) = spec.options.get("context") {
        f = f.detail("context", c.clone());
    }
    if let Some(secret) = secret {
        f = f.detail("from", format!("{var} ← Secret {ns}/{secret}"));
        let mut a = ctx(&["get", "secret"]);
        a.extend([
            secret.clone(),
            "-n".into(),
            ns.to_string(),
            "-o".into(),
            "json".into(),
            "--show-managed-fields".into(),
        ]);
        // The Secret's time is for AD503 only: the fingerprints stand without it.
        if let Ok(out) = run(a, format!("Kubernetes Secret {ns}/{secret}")).await
            && let Ok(obj) = serde_json::from_slice::<Value>(&out)
            && let Some(changed) = super::kubectl::last_changed_ms(&obj)
        {
            let stale: Vec<(String, i64, bool)> = reads
                .iter()
                .filter_map(|r| {
                    let s = r.started_ms.filter(|s| *s < changed)?;
                    let differs = !matches!(&r.fp, Ok(Some(p)) if p == fp);
                    Some((r.name.clone(), s, differs))
                })
                .collect();
            if !stale.is_empty() {
                f.facts.push(Fact::K8sPodsStartedBefore {
                    deployment: format!("{ns}/{dep_name}"),
                    secret: format!("{ns}/{secret}"),
                    changed_ms: changed,
                    stale,
                    pods: asked,
                });
            }
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_container_and_secret_var_comes_from() {
        let dep = serde_json::json!({"spec": {"template": {"spec": {"containers": [
            {"name": "sidecar", "env": [{"name": "OTHER", "value": "x"}]},
            {"name": "api", "env": [{"name": "JWT_SECRET", "valueFrom": {"secretKeyRef": {"name": "api-secrets", "key": "JWT_SECRET"}}}]},
            {"name": "worker", "envFrom": [{"prefix": "APP_", "secretRef": {"name": "worker-secrets"}}]}]}}}});
        assert_eq!(
            container_and_secret(&dep, "JWT_SECRET", None),
            Ok(("api".into(), Some("api-secrets".into())))
        );
        assert_eq!(
            container_and_secret(&dep, "APP_KEY", Some("worker")),
            Ok(("worker".into(), Some("worker-secrets".into())))
        );
        assert_eq!(container_and_secret(&dep, "NOPE", None), Ok(("sidecar".into(), None)));
        assert!(
            container_and_secret(&dep, "X", Some("db")).is_err_and(|e| e.contains("containers: sidecar, api, worker"))
        );
    }
}
