//! `secretsmanager:ID[#json.path]?version_stage=`: an AWS Secrets Manager value (SecretString or
//! SecretBinary), or one JSON field of it; one GetSecretValue per secret and stage per run.

use super::aws::{Backend, config_for, plan_config, sdk_error};
use super::fetch::unplanned;
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Backends, FailureKind, FetchError, Fetched, Run, Shared, Spec};
use crate::secret::Secret;
use aws_sdk_ssm::error::ProvideErrorMetadata;
use std::sync::Arc;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "secretsmanager",
    example: "secretsmanager:prod/api#jwt_secret?region=eu-west-1",
    yields: "an AWS Secrets Manager value (SecretString or SecretBinary), or one JSON field of it by dotted path; ?version_stage=",
    options: &["region", "profile", "endpoint", "version_stage"],
    verbatim: false,
};

pub struct SecretsManager;

impl Scheme for SecretsManager {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err(format!("secretsmanager needs a name: {}", INFO.example));
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

/// One GetSecretValue per (backend, secret, stage) per run.
#[derive(Default)]
struct Secrets(rustc_hash::FxHashMap<(Backend, String, Option<String>), Shared<Secret>>);

fn call_of(spec: &Spec) -> (Backend, String, Option<String>) {
    (
        Backend::of(spec),
        spec.locator.clone(),
        spec.options.get("version_stage").cloned(),
    )
}

impl Remote for SecretsManager {
    fn plan(&self, spec: &Spec, backends: &mut Backends) {
        plan_config(spec, backends);
        backends.plan(|s: &mut Secrets| {
            s.0.entry(call_of(spec)).or_default();
        });
    }

    fn fetch<'a>(&'a self, spec: &'a Spec, run: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(async move {
            let call = call_of(spec);
            let (b, id, stage) = &call;
            let config = config_for(run, b).await?;
            let Some(cell) = run.backends.get::<Secrets>().and_then(|s| s.0.get(&call)) else {
                return Err(unplanned("call for this secret"));
            };
            let secret = cell
                .get_or_init(|| get_secret(&config, id, stage.as_deref(), None, b.profile.as_deref()))
                .await
                .clone()?;
            secret_field(spec, &secret)
        })
    }
}

/// `secretsmanager:ID?version_stage=`: the SecretString or SecretBinary bytes (once per run), of
/// the version `stage` or `version_id` names (ECS `valueFrom` can name either).
pub async fn get_secret(
    config: &aws_config::SdkConfig,
    id: &str,
    stage: Option<&str>,
    version_id: Option<&str>,
    profile: Option<&str>,
) -> Result<Arc<Secret>, FetchError> {
    let client = aws_sdk_secretsmanager::Client::new(config);
    let mut req = client.get_secret_value().secret_id(id);
    if let Some(stage) = stage {
        req = req.version_stage(stage);
    }
    if let Some(v) = version_id {
        req = req.version_id(v);
    }
    let out = match req.send().await {
        Ok(o) => o,
        Err(e) => {
            let code = e.as_service_error().and_then(|s| s.code()).unwrap_or("");
            if code == "ResourceNotFoundException" {
                return Err(FetchError::not_found(format!("Secrets Manager secret {id} not found"))
                    .hint("check the secret's name or ARN, the region and ?version_stage="));
            }
            return Err(sdk_error(
                &format!("Secrets Manager GetSecretValue ({id})"),
                "secretsmanager:GetSecretValue",
                profile,
                &e,
            ));
        }
    };
    match (out.secret_string(), out.secret_binary()) {
        (Some(s), _) => Ok(Arc::new(Secret::new(s.as_bytes().to_vec()))),
        (None, Some(b)) => Ok(Arc::new(Secret::new(b.as_ref().to_vec()))),
        _ => Err(FetchError::unreadable(format!(
            "Secrets Manager secret {id} has no value"
        ))),
    }
}

/// When the secret last changed (DescribeSecret `LastChangedDate`, ms since the Unix epoch); `None`
/// when it cannot be asked (the caller lacks secretsmanager:DescribeSecret): the value is still good.
pub async fn last_changed_ms(config: &aws_config::SdkConfig, id: &str) -> Option<i64> {
    let client = aws_sdk_secretsmanager::Client::new(config);
    let out = client.describe_secret().secret_id(id).send().await.ok()?;
    out.last_changed_date().and_then(|t| t.to_millis().ok())
}

/// The whole secret, or the string at `#json.path` inside it.
pub fn secret_field(spec: &Spec, secret: &Secret) -> Result<Fetched, FetchError> {
    let id = &spec.locator;
    let Some(path) = spec.key.as_deref() else {
        return Ok(Fetched::value(secret.clone()).detail("secret", id.clone()));
    };
    json_field(id, path, secret)
}

/// The string at the dotted `path` inside the JSON secret `id`: not JSON, or no such field: not
/// found (AD002) naming the fields there; not a string: AD004.
pub fn json_field(id: &str, path: &str, secret: &Secret) -> Result<Fetched, FetchError> {
    let json: serde_json::Value = serde_json::from_slice(secret.expose()).map_err(|_| {
        FetchError::unreadable(format!(
            "Secrets Manager secret {id} is not JSON, so it has no field {path}"
        ))
        .hint("drop the #path to compare the whole secret")
    })?;
    let mut cur = &json;
    for seg in super::configjs::path_segments(path) {
        let next = match cur {
            serde_json::Value::Object(o) => o.get(&seg),
            serde_json::Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => {
                let mut fields: Vec<String> = match cur {
                    serde_json::Value::Object(o) => o.keys().cloned().collect(),
                    _ => vec![],
                };
                fields.sort();
                // A field "name" that looks like a value is not listed.
                let all = fields.len();
                fields.retain(|f| !crate::secret::looks_like_secret_material(f));
                let hidden = match all - fields.len() {
                    0 => String::new(),
                    n => format!(", and {n} that look like values (not shown)"),
                };
                return Err(FetchError::not_found(format!(
                    "Secrets Manager secret {id} has no field {seg} (fields: {}{hidden})",
                    fields.join(", ")
                ))
                .hint("field names are case-sensitive"));
            }
        }
    }
    let kind = match cur {
        serde_json::Value::String(s) => {
            return Ok(Fetched::value(Secret::new(s.as_bytes().to_vec()))
                .detail("secret", id.to_string())
                .detail("field", path.to_string()));
        }
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Object(_) => "an object",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Null => "null",
    };
    Err(FetchError::new(
        FailureKind::NotAString,
        format!("Secrets Manager secret {id}: field {path} is {kind}, not a string"),
    )
    .hint("point the path at the string itself"))
}
