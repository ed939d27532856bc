//! AWS, shared by `ssm:` and `secretsmanager:`: the standard configuration chain (environment,
//! profiles, SSO, `AWS_ENDPOINT_URL`), loaded only when an AWS source is used, once per
//! region/profile/endpoint per run, and the SDK's errors said plainly.

use super::fetch::unplanned;
use super::{Backends, FetchError, Run, Shared, Spec};
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

/// One AWS configuration per backend per run, shared by the AWS schemes.
#[derive(Default)]
struct Configs(rustc_hash::FxHashMap<Backend, Shared<aws_config::SdkConfig>>);

/// Plan the configuration `spec`'s backend needs (an AWS scheme's plan step).
pub(super) fn plan_config(spec: &Spec, backends: &mut Backends) {
    backends.plan(|c: &mut Configs| {
        c.0.entry(Backend::of(spec)).or_default();
    });
}

/// The configuration of backend `b`, loaded on first use.
pub(super) async fn config_for(run: &Run<'_>, b: &Backend) -> Result<Arc<aws_config::SdkConfig>, FetchError> {
    let Some(cell) = run.backends.get::<Configs>().and_then(|c| c.0.get(b)) else {
        return Err(unplanned("AWS configuration"));
    };
    cell.get_or_init(|| load(b, run.timeout)).await.clone()
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
    // Matched in lower case, shown as written (a lower-cased echo of a value would slip past the
    // redactor, which knows the value as written).
    let shown = {
        use std::error::Error as _;
        let mut s = e.to_string();
        let mut src = e.source();
        while let Some(x) = src {
            s.push_str(": ");
            s.push_str(&x.to_string());
            src = x.source();
        }
        s
    };
    let full = shown.to_ascii_lowercase();
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
            shown.chars().take(160).collect::<String>()
        ))
        .hint("check the region, ?endpoint= / AWS_ENDPOINT_URL and the network"),
        _ => FetchError::unreadable(format!("{what}: {}", shown.chars().take(200).collect::<String>())),
    }
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
}
