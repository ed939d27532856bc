//! kubectl, shared by the Kubernetes schemes: finding it (`$KUBECTL`), running it bounded (output
//! capped, killed when the run's timeout drops the fetch), and its errors said plainly.

use super::{FetchError, Spec};

/// The kubectl binary: `$KUBECTL`, else `kubectl` on PATH.
pub fn kubectl() -> Result<String, FetchError> {
    if let Ok(p) = std::env::var("KUBECTL")
        && !p.is_empty()
    {
        return Ok(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|d| d.join("kubectl").is_file()) {
        return Ok("kubectl".into());
    }
    Err(FetchError::unreadable("kubectl is not installed (not on PATH)")
        .hint("install kubectl (https://kubernetes.io/docs/tasks/tools/) or set KUBECTL=/path/to/kubectl"))
}

/// `--context C` from `?context=`, then `args`.
pub fn with_context<'a>(spec: &'a Spec, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = Vec::new();
    if let Some(c) = spec.options.get("context") {
        v.extend(["--context", c.as_str()]);
    }
    v.extend_from_slice(args);
    v
}

/// Run kubectl with `args`: stdout (at most [`super::MAX_SOURCE_BYTES`]) on success; otherwise an
/// error from its stderr's kind (not found, forbidden, unreachable), never quoting its output.
/// `what` names the object in messages. The child is killed if the future is dropped.
pub async fn run(args: &[&str], what: &str) -> Result<Vec<u8>, FetchError> {
    let bin = kubectl()?;
    let mut cmd = tokio::process::Command::new(&bin);
    cmd.args(args);
    let c = super::run_capped(cmd)
        .await
        .map_err(|e| FetchError::unreadable(format!("could not run `{bin}`: {e}")).hint("check KUBECTL or PATH"))?;
    if c.over {
        return Err(super::too_large(&format!("{what}: kubectl's output")));
    }
    let (out, err, status) = (c.stdout, c.stderr, c.status);
    if status.success() {
        return Ok(out);
    }
    let err = String::from_utf8_lossy(&err).to_ascii_lowercase();
    let code = status.code().map_or_else(|| "a signal".into(), |c| c.to_string());
    Err(if err.contains("(notfound)") || err.contains(" not found") {
        FetchError::not_found(format!("{what} not found"))
            .hint("check the namespace and the name (`kubectl get secrets,deployments -n NAMESPACE`) and ?context=")
    } else if err.contains("forbidden") {
        FetchError::unreadable(format!("{what}: access denied (Forbidden)"))
            .hint("`kubectl auth can-i get secrets -n NAMESPACE` (and `create pods/exec` for k8s-runtime) tells what this user may do")
    } else if err.contains("unable to connect")
        || err.contains("connection refused")
        || err.contains("no configuration")
        || err.contains("context was not found")
        || err.contains("does not exist")
    {
        FetchError::unreadable(format!("{what}: kubectl cannot reach the cluster"))
            .hint("check `kubectl config current-context` or give ?context=NAME")
    } else {
        FetchError::unreadable(format!("{what}: kubectl failed (exit {code})"))
            .hint(format!("run `{bin} {}` by hand to see why", args.join(" ")))
    })
}

/// The rules the Kubernetes schemes share: `NAMESPACE/NAME` and a key after `#`.
pub fn validate(spec: &Spec, what: &str) -> Result<(), String> {
    let name = spec.scheme.name();
    match spec.locator.split_once('/') {
        Some((ns, n)) if !ns.is_empty() && !n.is_empty() && !n.contains('/') => {}
        _ => return Err(format!("{name} needs NAMESPACE/{what}")),
    }
    if spec.key.as_deref().is_none_or(str::is_empty) {
        return Err(format!("{name} needs a name after '#'"));
    }
    Ok(())
}

/// `NAMESPACE/NAME` split (validated already).
pub fn ns_name(spec: &Spec) -> (&str, &str) {
    spec.locator
        .split_once('/')
        .unwrap_or(("default", spec.locator.as_str()))
}

/// When a Kubernetes object last changed, in ms since the Unix epoch: the latest
/// `metadata.managedFields[].time` (asked for with `--show-managed-fields`), else
/// `metadata.creationTimestamp`.
pub fn last_changed_ms(object: &serde_json::Value) -> Option<i64> {
    let meta = &object["metadata"];
    let t = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.timestamp_millis())
    };
    meta["managedFields"]
        .as_array()
        .and_then(|a| a.iter().filter_map(|f| t(&f["time"])).max())
        .or_else(|| t(&meta["creationTimestamp"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_managed_field_time_else_creation() {
        let v = serde_json::json!({"metadata": {"creationTimestamp": "2026-11-01T10:00:00Z", "managedFields": [
            {"manager": "kubectl-create", "operation": "Update", "time": "2026-11-01T10:00:00Z"},
            {"manager": "kubectl-edit", "operation": "Update", "time": "2026-11-20T14:15:00Z"}]}});
        assert_eq!(last_changed_ms(&v), Some(1_795_184_100_000));
        let v = serde_json::json!({"metadata": {"creationTimestamp": "2026-11-01T10:00:00Z"}});
        assert_eq!(last_changed_ms(&v), Some(1_793_527_200_000));
        assert_eq!(last_changed_ms(&serde_json::json!({})), None);
    }
}
