//! `ssm:NAME` (or its ARN): a decrypted AWS SSM parameter, `?version=` or `?label=`. Parameters
//! are fetched with GetParameters, at most 10 names a call per backend, each name once per run.

use super::aws::{Backend, config_for, plan_config, sdk_error};
use super::fetch::unplanned;
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Backends, FetchError, Fetched, Run, Shared, Spec};
use crate::secret::Secret;
use std::sync::Arc;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "ssm",
    example: "ssm:/quilt/mcp-server/jwt-secret?region=us-east-1&profile=p&version=3",
    yields: "a decrypted AWS SSM parameter (NAME or ARN; ?label= instead of ?version=; ?endpoint= for a local endpoint); GetParameters in batches of 10; the standard AWS chain (env, profiles, SSO, AWS_ENDPOINT_URL)",
    options: &["region", "profile", "version", "label", "endpoint"],
    verbatim: false,
};

pub struct Ssm;

impl Scheme for Ssm {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err(format!("ssm needs a name: {}", INFO.example));
        }
        if spec.key.is_some() {
            return Err(
                "ssm takes no #key: the parameter is the value (use secretsmanager:ID#field for JSON secrets)".into(),
            );
        }
        if spec.options.contains_key("version") && spec.options.contains_key("label") {
            return Err("give ?version= or ?label=, not both".into());
        }
        if let Some(v) = spec.options.get("version")
            && !v.chars().all(|c| c.is_ascii_digit())
        {
            return Err("version= takes a number (use label= for a label)".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

/// GetParameters calls of one run: at most [`BATCH`] distinct names each, per backend, and which
/// call has each (backend, selector).
#[derive(Default)]
struct Batches {
    calls: Vec<(Vec<String>, Shared<SsmBatch>)>,
    index: rustc_hash::FxHashMap<(Backend, String), usize>,
    /// The call of each backend that still has room.
    open: rustc_hash::FxHashMap<Backend, usize>,
}

/// Most names one GetParameters call takes (the API's limit).
const BATCH: usize = 10;

impl Batches {
    /// Put `selector` in a call to `backend`: the one that has it already, else the backend's last
    /// call if it has room, else a new one.
    fn add(&mut self, backend: Backend, selector: String) {
        let key = (backend, selector);
        if self.index.contains_key(&key) {
            return;
        }
        let open = self.open.get(&key.0).copied();
        let i = match open {
            Some(i) if self.calls.get(i).is_some_and(|c| c.0.len() < BATCH) => i,
            _ => {
                self.calls.push((Vec::new(), Shared::default()));
                let i = self.calls.len() - 1;
                self.open.insert(key.0.clone(), i);
                i
            }
        };
        if let Some(call) = self.calls.get_mut(i) {
            call.0.push(key.1.clone());
        }
        self.index.insert(key, i);
    }

    /// The names of `selector`'s call and its answer, once fetched.
    fn call(&self, backend: &Backend, selector: &str) -> Option<&(Vec<String>, Shared<SsmBatch>)> {
        let i = *self.index.get(&(backend.clone(), selector.to_string()))?;
        self.calls.get(i)
    }
}

impl Remote for Ssm {
    fn plan(&self, spec: &Spec, backends: &mut Backends) {
        plan_config(spec, backends);
        backends.plan(|b: &mut Batches| b.add(Backend::of(spec), ssm_selector(spec)));
    }

    fn fetch<'a>(&'a self, spec: &'a Spec, run: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(async move {
            let b = Backend::of(spec);
            let config = config_for(run, &b).await?;
            let sel = ssm_selector(spec);
            let Some((names, cell)) = run.backends.get::<Batches>().and_then(|c| c.call(&b, &sel)) else {
                return Err(unplanned("batch for this parameter"));
            };
            let batch = cell
                .get_or_init(|| get_parameters(&config, names, b.profile.as_deref()))
                .await
                .clone()?;
            let similar = if batch.find(&sel).is_some() {
                Vec::new()
            } else {
                similar_parameters(&config, &spec.locator).await
            };
            ssm_resolve(spec, &batch, similar)
        })
    }
}

/// The name GetParameters takes: `NAME`, `NAME:3` (version) or `NAME:label`.
pub fn ssm_selector(spec: &Spec) -> String {
    match (spec.options.get("version"), spec.options.get("label")) {
        (Some(v), _) => format!("{}:{v}", spec.locator),
        (None, Some(l)) => format!("{}:{l}", spec.locator),
        _ => spec.locator.clone(),
    }
}

/// One parameter as GetParameters returned it.
#[derive(Debug)]
pub struct Parameter {
    pub name: String,
    pub arn: Option<String>,
    pub version: i64,
    pub selector: Option<String>,
    pub value: Secret,
    /// `LastModifiedDate`, in milliseconds since the Unix epoch.
    pub modified_ms: Option<i64>,
}

/// One GetParameters call (at most 10 names): the parameters it returned (a name it did not find
/// is simply absent).
#[derive(Debug, Default)]
pub struct SsmBatch {
    pub parameters: Vec<Parameter>,
}

impl SsmBatch {
    /// The parameter a selector (`NAME`, `NAME:3`, `NAME:label`, or the ARN forms) asked for.
    pub fn find(&self, selector: &str) -> Option<&Parameter> {
        let is_arn = selector.starts_with("arn:");
        // An ARN has colons of its own: the selector follows the `parameter/…` part.
        let split_at = if is_arn {
            selector
                .find(":parameter/")
                .and_then(|p| selector[p..].rfind(':').map(|q| p + q))
                .filter(|&i| i > selector.find(":parameter/").unwrap_or(0))
        } else {
            selector.rfind(':')
        };
        let (name, sel) = match split_at {
            Some(i) => (&selector[..i], Some(&selector[i + 1..])),
            None => (selector, None),
        };
        let named = |p: &&Parameter| p.name == name || p.arn.as_deref() == Some(name);
        match sel {
            None => self.parameters.iter().filter(named).max_by_key(|p| p.version),
            Some(v) if v.chars().all(|c| c.is_ascii_digit()) => {
                let v: i64 = v.parse().ok()?;
                self.parameters.iter().filter(named).find(|p| p.version == v)
            }
            Some(label) => {
                let by_selector = self
                    .parameters
                    .iter()
                    .filter(named)
                    .find(|p| p.selector.as_deref() == Some(&format!(":{label}")));
                by_selector.or_else(|| {
                    let mut all = self.parameters.iter().filter(named);
                    let one = all.next();
                    if all.next().is_none() { one } else { None }
                })
            }
        }
    }
}

pub async fn get_parameters(
    config: &aws_config::SdkConfig,
    names: &[String],
    profile: Option<&str>,
) -> Result<Arc<SsmBatch>, FetchError> {
    let client = aws_sdk_ssm::Client::new(config);
    let out = client
        .get_parameters()
        .set_names(Some(names.to_vec()))
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| {
            sdk_error(
                &format!("SSM GetParameters ({})", names.join(", ")),
                "ssm:GetParameters",
                profile,
                &e,
            )
        })?;
    let parameters = out
        .parameters()
        .iter()
        .filter_map(|p| {
            Some(Parameter {
                name: p.name()?.to_string(),
                arn: p.arn().map(str::to_string),
                version: p.version(),
                selector: p.selector().map(str::to_string),
                value: Secret::new(p.value()?.as_bytes().to_vec()),
                modified_ms: p.last_modified_date().and_then(|t| t.to_millis().ok()),
            })
        })
        .collect();
    Ok(Arc::new(SsmBatch { parameters }))
}

/// Names under the same path prefix, for a "not found" message (names only; empty if not allowed).
pub async fn similar_parameters(config: &aws_config::SdkConfig, name: &str) -> Vec<String> {
    let prefix = match name.rfind('/') {
        Some(i) if i > 0 => &name[..=i],
        _ => return Vec::new(),
    };
    let client = aws_sdk_ssm::Client::new(config);
    let filter = aws_sdk_ssm::types::ParameterStringFilter::builder()
        .key("Name")
        .option("BeginsWith")
        .values(prefix)
        .build();
    let Ok(filter) = filter else { return Vec::new() };
    match client
        .describe_parameters()
        .parameter_filters(filter)
        .max_results(50)
        .send()
        .await
    {
        Ok(out) => out
            .parameters()
            .iter()
            .filter_map(|p| p.name().map(str::to_string))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The parameter the spec asked for; missing: not found (AD002), with names under the same path.
pub fn ssm_resolve(spec: &Spec, batch: &SsmBatch, similar: Vec<String>) -> Result<Fetched, FetchError> {
    let sel = ssm_selector(spec);
    if let Some(p) = batch.find(&sel) {
        let mut f = Fetched::value(p.value.clone())
            .detail("parameter", p.name.clone())
            .detail("version", p.version);
        if let Some(r) = spec.options.get("region") {
            f = f.detail("region", r.clone());
        }
        return Ok(f);
    }
    let mut msg = format!("SSM parameter {sel} not found");
    if !similar.is_empty() {
        msg.push_str(&format!(" (under the same path: {})", similar.join(", ")));
    }
    Err(FetchError::not_found(msg)
        .hint("check the name (parameters are case-sensitive, with the leading /), the region and the account"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_find_versions_labels_and_arns() {
        let p = |name: &str, version: i64, selector: Option<&str>, v: &str| Parameter {
            name: name.into(),
            arn: Some(format!("arn:aws:ssm:us-east-1:123456789012:parameter{name}")),
            version,
            selector: selector.map(str::to_string),
            value: Secret::new(v.as_bytes().to_vec()),
            modified_ms: None,
        };
        let b = SsmBatch {
            parameters: vec![
                p("/a/k", 2, None, "two"),
                p("/a/k", 1, Some(":1"), "one"),
                p("/a/k", 3, Some(":prod"), "three"),
            ],
        };
        let got = |sel: &str| {
            b.find(sel)
                .map(|p| String::from_utf8_lossy(p.value.expose()).into_owned())
        };
        assert_eq!(got("/a/k:1").as_deref(), Some("one"));
        assert_eq!(got("/a/k:prod").as_deref(), Some("three"));
        assert_eq!(
            got("/a/k").as_deref(),
            Some("three"),
            "no selector: the latest version returned"
        );
        assert_eq!(
            got("arn:aws:ssm:us-east-1:123456789012:parameter/a/k:1").as_deref(),
            Some("one")
        );
        assert_eq!(got("/b").as_deref(), None);
    }

    #[test]
    fn batches_of_ten_distinct_names_per_backend() {
        let backend = |region: &str| Backend {
            region: Some(region.into()),
            profile: None,
            endpoint: None,
        };
        let mut b = Batches::default();
        for i in 0..25 {
            b.add(backend("us-east-1"), format!("/p/{i}"));
            b.add(backend("eu-west-1"), format!("/q/{}", i % 3));
        }
        b.add(backend("us-east-1"), "/p/3".into());
        let sizes: Vec<usize> = b.calls.iter().map(|c| c.0.len()).collect();
        assert_eq!(sizes, [10, 3, 10, 5]);
        let call = |r: &str, s: &str| b.call(&backend(r), s).map(|c| c.0.clone());
        assert_eq!(call("us-east-1", "/p/24"), call("us-east-1", "/p/20"));
        assert_ne!(call("us-east-1", "/p/0"), call("us-east-1", "/p/10"));
        assert!(call("us-east-1", "/q/0").is_none());
    }
}
