//! `ecs:CLUSTER/SERVICE#VAR`: the value an AWS ECS service's tasks get for VAR, from the task
//! definition of its current (PRIMARY) deployment: an `environment` value, or the SSM parameter or
//! Secrets Manager secret a `secrets[].valueFrom` names, fetched with the `ssm`/`secretsmanager`
//! code; and when the running tasks started, against when that parameter or secret last changed.

use super::aws::{Backend, config_for, plan_config, sdk_error};
use super::fetch::unplanned;
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Backends, Fact, FetchError, Fetched, Run, Shared, Spec};
use crate::secret::Secret;
use std::sync::Arc;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "ecs",
    example: "ecs:prod/api#MCP_ENHANCED_JWT_SECRET?region=us-east-1",
    yields: "the value an ECS service's tasks get for VAR from the task definition of its current deployment: an \
`environment` value, or the SSM parameter or Secrets Manager secret (ARN with :json-key:version-stage:version-id) \
its `secrets` entry names; and whether the running tasks started before that value last changed (?container= picks \
a container; ?profile=, ?endpoint=)",
    options: &["region", "profile", "endpoint", "container"],
    verbatim: false,
};

pub struct Ecs;

impl Scheme for Ecs {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        match spec.locator.split_once('/') {
            Some((c, s)) if !c.is_empty() && !s.is_empty() && !s.contains('/') => {}
            _ => return Err(format!("ecs needs CLUSTER/SERVICE: {}", INFO.example)),
        }
        if spec.key.as_deref().is_none_or(str::is_empty) {
            return Err("ecs needs the variable's name after '#': ecs:CLUSTER/SERVICE#VAR".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

/// One service's current deployment, task definition and running tasks, read once per run per
/// (backend, cluster, service) whatever the number of variables asked of it.
#[derive(Default)]
struct Services(rustc_hash::FxHashMap<(Backend, String, String), Shared<Deployed>>);

/// What a service runs: its PRIMARY deployment's task definition and the start of each running task.
#[derive(Debug)]
struct Deployed {
    /// `family:revision`.
    task_definition: String,
    /// When the PRIMARY deployment was created (ms since the epoch), if ECS says.
    deployment_created_ms: Option<i64>,
    /// Containers, each with its `environment` and `secrets` entries, in the task definition's order.
    containers: Vec<Container>,
    /// Each running task's `startedAt` (ms since the epoch), `None` where ECS gives none yet.
    tasks: Vec<Option<i64>>,
}

#[derive(Debug)]
struct Container {
    name: String,
    environment: Vec<(String, Secret)>,
    /// (name, valueFrom).
    secrets: Vec<(String, String)>,
}

fn ms(t: &aws_sdk_ecs::primitives::DateTime) -> Option<i64> {
    t.to_millis().ok()
}

fn call_of(spec: &Spec) -> (Backend, String, String) {
    let (cluster, service) = spec.locator.split_once('/').unwrap_or((spec.locator.as_str(), ""));
    (Backend::of(spec), cluster.to_string(), service.to_string())
}

impl Remote for Ecs {
    fn plan(&self, spec: &Spec, backends: &mut Backends) {
        plan_config(spec, backends);
        backends.plan(|s: &mut Services| {
            s.0.entry(call_of(spec)).or_default();
        });
    }

    fn fetch<'a>(&'a self, spec: &'a Spec, run: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(async move {
            let call = call_of(spec);
            let (b, cluster, service) = &call;
            let config = config_for(run, b).await?;
            let Some(cell) = run.backends.get::<Services>().and_then(|s| s.0.get(&call)) else {
                return Err(unplanned("ECS service description"));
            };
            let deployed = cell
                .get_or_init(|| describe(&config, cluster, service, b.profile.as_deref()))
                .await
                .clone()?;
            resolve(spec, &config, &deployed, b.profile.as_deref()).await
        })
    }
}

/// DescribeServices, DescribeTaskDefinition, ListTasks and DescribeTasks for one service.
async fn describe(
    config: &aws_config::SdkConfig,
    cluster: &str,
    service: &str,
    profile: Option<&str>,
) -> Result<Arc<Deployed>, FetchError> {
    let client = aws_sdk_ecs::Client::new(config);
    let what = format!("ECS service {cluster}/{service}");
    let out = client
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| {
            sdk_error(
                &format!("{what}: DescribeServices"),
                "ecs:DescribeServices",
                profile,
                &e,
            )
        })?;
    let Some(svc) = out.services().iter().find(|s| s.status() != Some("INACTIVE")) else {
        let reason = out
            .failures()
            .iter()
            .filter_map(|f| f.reason())
            .next()
            .unwrap_or("no such service");
        return Err(FetchError::not_found(format!("{what} not found ({reason})"))
            .hint("check the cluster and service names (`aws ecs list-services --cluster CLUSTER`) and the region"));
    };
    let primary = svc
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"))
        .or_else(|| svc.deployments().first());
    let task_def = primary
        .and_then(|d| d.task_definition())
        .or(svc.task_definition())
        .ok_or_else(|| FetchError::unreadable(format!("{what} names no task definition")))?;
    let deployment_created_ms = primary.and_then(|d| d.created_at()).and_then(ms);
    let td = client
        .describe_task_definition()
        .task_definition(task_def)
        .send()
        .await
        .map_err(|e| {
            sdk_error(
                &format!("{what}: DescribeTaskDefinition"),
                "ecs:DescribeTaskDefinition",
                profile,
                &e,
            )
        })?;
    let Some(td) = td.task_definition() else {
        return Err(FetchError::unreadable(format!(
            "{what}: ECS returned no task definition {task_def}"
        )));
    };
    let task_definition = format!("{}:{}", td.family().unwrap_or("?"), td.revision());
    let containers = td
        .container_definitions()
        .iter()
        .map(|c| Container {
            name: c.name().unwrap_or_default().to_string(),
            environment: c
                .environment()
                .iter()
                .filter_map(|kv| Some((kv.name()?.to_string(), Secret::new(kv.value()?.as_bytes().to_vec()))))
                .collect(),
            secrets: c
                .secrets()
                .iter()
                .map(|s| (s.name().to_string(), s.value_from().to_string()))
                .collect(),
        })
        .collect();
    // ListTasks pages 100 tasks at a time; a service runs at most a few thousand (bounded here).
    let mut arns: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..50 {
        let page = client
            .list_tasks()
            .cluster(cluster)
            .service_name(service)
            .desired_status(aws_sdk_ecs::types::DesiredStatus::Running)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| sdk_error(&format!("{what}: ListTasks"), "ecs:ListTasks", profile, &e))?;
        arns.extend(page.task_arns().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut tasks = Vec::new();
    // DescribeTasks takes at most 100 tasks a call.
    for chunk in arns.chunks(100) {
        let out = client
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| sdk_error(&format!("{what}: DescribeTasks"), "ecs:DescribeTasks", profile, &e))?;
        tasks.extend(out.tasks().iter().map(|t| t.started_at().and_then(ms)));
    }
    Ok(Arc::new(Deployed {
        task_definition,
        deployment_created_ms,
        containers,
        tasks,
    }))
}

/// Where a `secrets[].valueFrom` points.
#[derive(Debug, PartialEq, Eq)]
enum ValueFrom {
    /// An SSM parameter name (a same-region ARN is turned into its name).
    Ssm(String),
    /// A Secrets Manager secret: its ARN up to the name, then the optional JSON key, version
    /// stage and version id (`arn:…:secret:NAME:json-key:version-stage:version-id`).
    SecretsManager {
        id: String,
        json_key: Option<String>,
        stage: Option<String>,
        version_id: Option<String>,
    },
}

impl ValueFrom {
    fn parse(v: &str) -> ValueFrom {
        let parts: Vec<&str> = v.split(':').collect();
        if parts.first() == Some(&"arn") && parts.get(2) == Some(&"secretsmanager") && parts.len() >= 7 {
            let opt = |i: usize| parts.get(i).filter(|s| !s.is_empty()).map(|s| s.to_string());
            return ValueFrom::SecretsManager {
                id: parts[..7].join(":"),
                json_key: opt(7),
                stage: opt(8),
                version_id: opt(9),
            };
        }
        if parts.first() == Some(&"arn")
            && parts.get(2) == Some(&"ssm")
            && let Some(rest) = parts.get(5..).map(|p| p.join(":"))
            && let Some(name) = rest.strip_prefix("parameter")
        {
            // `parameter/a/b` is `/a/b`; `parameter/a` is `a` (a name without a path).
            let name = match name.strip_prefix('/') {
                Some(n) if !n.contains('/') => n.to_string(),
                _ => name.to_string(),
            };
            return ValueFrom::Ssm(name);
        }
        ValueFrom::Ssm(v.to_string())
    }

    /// The source as a user would write it (`ssm:/a/b`, `secretsmanager:ARN#key`).
    fn shown(&self) -> String {
        match self {
            ValueFrom::Ssm(n) => format!("ssm:{n}"),
            ValueFrom::SecretsManager { id, json_key, .. } => match json_key {
                Some(k) => format!("secretsmanager:{id}#{k}"),
                None => format!("secretsmanager:{id}"),
            },
        }
    }
}

/// VAR in the chosen container (`?container=`, else the first that defines it): its environment
/// value, or the parameter or secret its `secrets` entry names, with when that last changed as a
/// fact against the tasks' start. Not defined: not found (AD002), listing the names that are.
async fn resolve(
    spec: &Spec,
    config: &aws_config::SdkConfig,
    d: &Deployed,
    profile: Option<&str>,
) -> Result<Fetched, FetchError> {
    let var = spec.key.as_deref().unwrap_or_default();
    let service = &spec.locator;
    let containers: Vec<&Container> = match spec.options.get("container") {
        Some(name) => {
            let c: Vec<&Container> = d.containers.iter().filter(|c| &c.name == name).collect();
            if c.is_empty() {
                let names: Vec<&str> = d.containers.iter().map(|c| c.name.as_str()).collect();
                return Err(FetchError::not_found(format!(
                    "task definition {} has no container {} (containers: {})",
                    d.task_definition,
                    super::spec::part(name),
                    names.join(", ")
                ))
                .hint("drop ?container= or name one of those"));
            }
            c
        }
        None => d.containers.iter().collect(),
    };
    let env = containers
        .iter()
        .find_map(|c| c.environment.iter().rev().find(|(n, _)| n == var).map(|(_, v)| (c, v)));
    let sec = containers
        .iter()
        .find_map(|c| c.secrets.iter().find(|(n, _)| n == var).map(|(_, v)| (c, v)));
    let base = |f: Fetched, container: &str, from: String| {
        f.detail("task_definition", d.task_definition.clone())
            .detail("container", container.to_string())
            .detail("running_tasks", d.tasks.len())
            .detail("from", from)
    };
    // ECS refuses a name in both lists, so at most one of them defines it.
    if let Some((c, from)) = sec {
        let source = ValueFrom::parse(from);
        let shown = source.shown();
        let (value, changed_ms, extra) = match &source {
            ValueFrom::Ssm(name) => {
                let batch = super::ssm::get_parameters(config, std::slice::from_ref(name), profile).await?;
                let Some(p) = batch.find(name) else {
                    return Err(FetchError::not_found(format!(
                        "{var} ← {shown} (task definition {} of {service}), but that parameter does not exist",
                        d.task_definition
                    ))
                    .hint(
                        "new tasks will fail to start: create the parameter, or fix valueFrom in the task definition",
                    ));
                };
                (
                    p.value.clone(),
                    p.modified_ms,
                    ("version", serde_json::Value::from(p.version)),
                )
            }
            ValueFrom::SecretsManager {
                id,
                json_key,
                stage,
                version_id,
            } => {
                let secret =
                    super::secretsmanager::get_secret(config, id, stage.as_deref(), version_id.as_deref(), profile)
                        .await?;
                let value = match json_key {
                    Some(k) => match super::secretsmanager::json_field(id, k, &secret)?.yielded {
                        super::Yield::Value(v) => v,
                        _ => return Err(FetchError::unreadable(format!("{shown}: not a value"))),
                    },
                    None => (*secret).clone(),
                };
                let changed = super::secretsmanager::last_changed_ms(config, id).await;
                (value, changed, ("secret", serde_json::Value::from(id.clone())))
            }
        };
        let mut f = base(
            Fetched::value(value),
            &c.name,
            format!("{var} ← {shown}, task definition {}", d.task_definition),
        )
        .detail("value_from", shown.clone())
        .detail(extra.0, extra.1);
        if let Some(changed) = changed_ms {
            // A task without `startedAt` yet counts from its deployment's creation.
            let starts: Vec<i64> = if d.tasks.is_empty() {
                d.deployment_created_ms.into_iter().collect()
            } else {
                d.tasks.iter().filter_map(|t| t.or(d.deployment_created_ms)).collect()
            };
            let before: Vec<i64> = starts.iter().copied().filter(|s| *s < changed).collect();
            if let Some(oldest) = before.iter().min() {
                f.facts.push(Fact::EcsStartedBefore {
                    service: service.clone(),
                    var: var.to_string(),
                    source: shown,
                    started_ms: *oldest,
                    tasks_before: before.len(),
                    tasks: d.tasks.len(),
                    changed_ms: changed,
                    deployment_only: d.tasks.iter().all(Option::is_none),
                });
            }
        }
        return Ok(f);
    }
    if let Some((c, v)) = env {
        return Ok(base(
            Fetched::value(v.clone()),
            &c.name,
            format!("{var} ← environment, task definition {}", d.task_definition),
        ));
    }
    let mut names: Vec<&str> = containers
        .iter()
        .flat_map(|c| {
            c.environment
                .iter()
                .map(|(n, _)| n.as_str())
                .chain(c.secrets.iter().map(|(n, _)| n.as_str()))
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    let names = if names.is_empty() {
        "it defines none".to_string()
    } else {
        format!("it defines: {}", names.join(", "))
    };
    Err(FetchError::not_found(format!(
        "task definition {} of {service} does not define {var} ({names})",
        d.task_definition
    ))
    .hint("names are case-sensitive; add it to the container's environment or secrets, or compare the name the code reads"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_from_forms() {
        assert_eq!(
            ValueFrom::parse("/quilt/mcp-server/jwt-secret"),
            ValueFrom::Ssm("/quilt/mcp-server/jwt-secret".into())
        );
        assert_eq!(
            ValueFrom::parse("arn:aws:ssm:us-east-1:123456789012:parameter/quilt/mcp-server/jwt-secret"),
            ValueFrom::Ssm("/quilt/mcp-server/jwt-secret".into())
        );
        assert_eq!(
            ValueFrom::parse("arn:aws:ssm:us-east-1:123456789012:parameter/plain"),
            ValueFrom::Ssm("plain".into())
        );
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-AbCdEf";
        assert_eq!(
            ValueFrom::parse(&format!("{arn}:jwt_secret::")),
            ValueFrom::SecretsManager {
                id: arn.into(),
                json_key: Some("jwt_secret".into()),
                stage: None,
                version_id: None
            }
        );
        assert_eq!(
            ValueFrom::parse(&format!("{arn}::AWSPREVIOUS:")),
            ValueFrom::SecretsManager {
                id: arn.into(),
                json_key: None,
                stage: Some("AWSPREVIOUS".into()),
                version_id: None
            }
        );
        assert_eq!(ValueFrom::parse(arn).shown(), format!("secretsmanager:{arn}"));
    }
}
