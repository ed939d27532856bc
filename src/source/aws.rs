//! AWS: `ssm:NAME` (also an ARN) and `secretsmanager:ID[#json.path]`, through the standard
//! configuration chain (environment, profiles, SSO, `AWS_ENDPOINT_URL`), loaded only when an AWS
//! source is used, once per region/profile/endpoint per run.

use super::{FailureKind, FetchError, Fetched, Spec};
use crate::secret::Secret;
use aws_config::BehaviorVersion;
use aws_config::meta::region::RegionProviderChain;
use aws_sdk_ssm::error::ProvideErrorMetadata;
use aws_smithy_http_client::tls;
use std::sync::Arc;
use std::time::Duration;

/// Where an AWS call goes: requests with the same backend share one configuration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Backend {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint: Option<String>,
}

impl Backend {
    pub fn of(spec: &Spec) -> Backend {
        let region = spec
            .options
            .get("region")
            .cloned()
            .or_else(|| arn_region(&spec.locator));
        Backend {
            region,
            profile: spec.options.get("profile").cloned(),
            endpoint: spec.options.get("endpoint").cloned(),
        }
    }
}

/// `arn:aws:ssm:us-east-1:123456789012:parameter/x` → `us-east-1`.
fn arn_region(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split(':').collect();
    (parts.len() >= 6 && parts[0] == "arn" && !parts[3].is_empty()).then(|| parts[3].to_string())
}

/// An AWS region name's shape (`us-east-1`, `us-gov-west-1`, `cn-north-1`): catches typos offline.
pub fn plausible_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The HTTPS client the SDK uses: rustls over ring (the SDK's default client would pull in aws-lc;
/// see Cargo.toml).
pub fn https_client() -> aws_sdk_ssm::config::SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .build_https()
}

/// Load the AWS configuration for one backend. Instance metadata is asked with short timeouts and a
/// single attempt, so a machine with no credentials at all fails in well under two seconds.
pub async fn load(b: &Backend, timeout: Duration) -> Result<Arc<aws_config::SdkConfig>, FetchError> {
    // One HTTPS client for the services, SSO, STS and IMDS.
    let http = https_client();
    let provider_config = aws_config::provider_config::ProviderConfig::default().with_http_client(http.clone());
    let imds = aws_config::imds::Client::builder()
        .configure(&provider_config)
        .connect_timeout(Duration::from_millis(300))
        .read_timeout(Duration::from_millis(500))
        .max_attempts(1)
        .build();
    let mut region_chain =
        RegionProviderChain::first_try(aws_config::environment::EnvironmentVariableRegionProvider::new());
    let mut profile_region = aws_config::profile::ProfileFileRegionProvider::builder();
    if let Some(p) = &b.profile {
        profile_region = profile_region.profile_name(p);
    }
    region_chain = region_chain.or_else(profile_region.build());
    let region = match &b.region {
        Some(r) => Some(aws_config::Region::new(r.clone())),
        None => aws_config::meta::region::ProvideRegion::region(&region_chain).await,
    };
    let Some(region) = region else {
        return Err(FetchError::unreadable(
            "no AWS region: none in the source, AWS_REGION, AWS_DEFAULT_REGION or the profile",
        )
        .hint("add ?region=us-east-1 to the source, or export AWS_REGION"));
    };
    if !plausible_region(region.as_ref()) {
        return Err(
            FetchError::unreadable(format!("{:?} is not an AWS region name", region.as_ref()))
                .hint("use a region such as us-east-1 or eu-west-1 (`aws ec2 describe-regions`)"),
        );
    }
    let mut creds = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
        .configure(provider_config.with_region(Some(region.clone())))
        .region(region.clone())
        .imds_client(imds);
    if let Some(p) = &b.profile {
        creds = creds.profile_name(p);
    }
    let creds = creds.build().await;
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .operation_timeout(timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .region(region)
        .credentials_provider(creds)
        .timeout_config(timeouts)
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2));
    if let Some(p) = &b.profile {
        loader = loader.profile_name(p);
    }
    if let Some(e) = &b.endpoint {
        loader = loader.endpoint_url(e);
    }
    Ok(Arc::new(loader.load().await))
}

/// A clear message for an AWS SDK failure, naming the IAM action where access is the problem.
pub fn sdk_error<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug>(
    what: &str,
    action: &str,
    profile: Option<&str>,
    e: &aws_sdk_ssm::error::SdkError<E, R>,
) -> FetchError {
    use aws_sdk_ssm::error::SdkError;
    let full = {
        use std::error::Error as _;
        let mut s = e.to_string();
        let mut src = e.source();
        while let Some(x) = src {
            s.push_str(": ");
            s.push_str(&x.to_string());
            src = x.source();
        }
        s.to_ascii_lowercase()
    };
    let login = match profile {
        Some(p) => format!("aws sso login --profile {p}"),
        None => "aws sso login".to_string(),
    };
    match e {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("");
            let msg = se.err().message().unwrap_or("").to_ascii_lowercase();
            if code.contains("AccessDenied") || msg.contains("not authorized") {
                let action = if msg.contains("kms") {
                    "kms:Decrypt on the parameter's KMS key"
                } else {
                    action
                };
                FetchError::unreadable(format!("{what}: access denied")).hint(format!("the caller needs {action}"))
            } else if code.contains("ExpiredToken")
                || code.contains("InvalidClientTokenId")
                || code.contains("UnrecognizedClient")
            {
                FetchError::unreadable(format!("{what}: the AWS credentials are expired or invalid ({code})"))
                    .hint(format!("refresh them (`{login}`, or new access keys)"))
            } else {
                FetchError::unreadable(format!("{what}: {code}")).hint("check the name and the region")
            }
        }
        _ if full.contains("sso") && (full.contains("expired") || full.contains("token")) => {
            FetchError::unreadable(format!("{what}: the AWS SSO session has expired")).hint(format!("run `{login}`"))
        }
        _ if full.contains("credential") => FetchError::unreadable(format!("{what}: no AWS credentials found"))
            .hint("set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws configure` or `aws sso login`"),
        SdkError::TimeoutError(_) => FetchError::unreadable(format!("{what}: no answer within the timeout"))
            .hint("raise --timeout, or check the network and the endpoint"),
        SdkError::DispatchFailure(_) => FetchError::unreadable(format!(
            "{what}: could not reach AWS ({})",
            full.chars().take(160).collect::<String>()
        ))
        .hint("check the region, ?endpoint= / AWS_ENDPOINT_URL and the network"),
        _ => FetchError::unreadable(format!("{what}: {}", full.chars().take(200).collect::<String>())),
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
}

/// One GetParameters call (at most 10 names): what it returned, and the names SSM did not find.
#[derive(Debug, Default)]
pub struct SsmBatch {
    pub parameters: Vec<Parameter>,
    pub invalid: Vec<String>,
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
            })
        })
        .collect();
    Ok(Arc::new(SsmBatch {
        parameters,
        invalid: out.invalid_parameters().to_vec(),
    }))
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

/// `secretsmanager:ID?version_stage=`: the SecretString or SecretBinary bytes (once per run).
pub async fn get_secret(
    config: &aws_config::SdkConfig,
    id: &str,
    stage: Option<&str>,
    profile: Option<&str>,
) -> Result<Arc<Secret>, FetchError> {
    let client = aws_sdk_secretsmanager::Client::new(config);
    let mut req = client.get_secret_value().secret_id(id);
    if let Some(stage) = stage {
        req = req.version_stage(stage);
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

/// The whole secret, or the string at `#json.path` inside it.
pub fn secret_field(spec: &Spec, secret: &Secret) -> Result<Fetched, FetchError> {
    let id = &spec.locator;
    let Some(path) = spec.key.as_deref() else {
        return Ok(Fetched::value(secret.clone()).detail("secret", id.clone()));
    };
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
                return Err(FetchError::not_found(format!(
                    "Secrets Manager secret {id} has no field {seg} (fields: {})",
                    fields.join(", ")
                ))
                .hint("field names are case-sensitive"));
            }
        }
    }
    let kind = match cur {
        serde_json::Value::String(s) => {
            return Ok(Fetched::value(Secret::new(s.as_bytes().to_vec()))
                .detail("secret", id.clone())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_arns() {
        assert!(
            plausible_region("us-east-1") && plausible_region("us-gov-west-1") && plausible_region("ap-southeast-2")
        );
        assert!(!plausible_region("us-east") && !plausible_region("useast1") && !plausible_region("US-EAST-1"));
        assert_eq!(
            arn_region("arn:aws:ssm:eu-west-1:123456789012:parameter/a/b").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("/quilt/x"), None);
    }

    #[test]
    fn selectors_find_versions_labels_and_arns() {
        let p = |name: &str, version: i64, selector: Option<&str>, v: &str| Parameter {
            name: name.into(),
            arn: Some(format!("arn:aws:ssm:us-east-1:123456789012:parameter{name}")),
            version,
            selector: selector.map(str::to_string),
            value: Secret::new(v.as_bytes().to_vec()),
        };
        let b = SsmBatch {
            parameters: vec![
                p("/a/k", 2, None, "two"),
                p("/a/k", 1, Some(":1"), "one"),
                p("/a/k", 3, Some(":prod"), "three"),
            ],
            invalid: vec![],
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
}
