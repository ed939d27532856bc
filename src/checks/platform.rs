//! Platform specifics (AD5xx): what a store or platform holds that is not yet what runs.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].

use crate::findings::{Code, Finding, Severity};
use crate::source::{Fact, Fetched};

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[&AD501, &AD502, &AD503, &AD504, &AD505, &AD506];

pub const AD501: Code = Code {
    id: "AD501",
    severity: Severity::Error,
    title: "Fly secret staged, not deployed to running machines",
    hint: "Run `fly secrets deploy` so every machine gets the new value.",
    explain: "Why: `fly secrets set --stage` (and some dashboard edits) store a new value without restarting \
the machines, so the running app keeps the old one: the store says one thing, the process another. \
`Partial` means a rolling deploy left some machines on the old value.\n\
Confirm: `fly secrets list --app APP` marks the secret with `*` (staged) or `!` (partial); compare \
`fly-runtime:APP#NAME` with the value you expect to see what the machine really holds.\n\
Fix: `fly secrets deploy --app APP` (or `fly deploy`), then check again.",
};

pub const AD502: Code = Code {
    id: "AD502",
    severity: Severity::Error,
    title: "ECS tasks started before the secret they inject last changed",
    hint: "Run `aws ecs update-service --cluster CLUSTER --service SERVICE --force-new-deployment`.",
    explain: "Why: ECS resolves a task definition's `secrets` (SSM parameters, Secrets Manager secrets) once, \
when a task starts, and puts the value in the container's environment. Changing the parameter later \
changes nothing in the tasks already running: they keep the previous value until they are replaced, \
while every other reader of the parameter sees the new one.\n\
Confirm: `aws ecs describe-tasks` shows each task's `startedAt`; `aws ssm get-parameter --name NAME` (or \
`aws secretsmanager describe-secret`) shows `LastModifiedDate` (`LastChangedDate`). A task that started \
earlier holds the old value.\n\
Fix: `aws ecs update-service --cluster CLUSTER --service SERVICE --force-new-deployment` starts new \
tasks, which read the current value; then check again.",
};

pub const AD503: Code = Code {
    id: "AD503",
    severity: Severity::Error,
    title: "Kubernetes pods started before their Secret last changed",
    hint: "Run `kubectl rollout restart deployment/NAME -n NAMESPACE`.",
    explain: "Why: a variable taken from a Secret (`env[].valueFrom.secretKeyRef`, `envFrom[].secretRef`) is \
read once, when the container starts. Editing the Secret later changes nothing in running pods (only \
mounted Secret files are refreshed): they keep the old value until restarted, while `kubectl get secret` \
shows the new one.\n\
Confirm: `kubectl get pods -n NAMESPACE -o wide` and each pod's `status.startTime` (or the container's \
`state.running.startedAt`) against the latest `metadata.managedFields[].time` of \
`kubectl get secret NAME -o json --show-managed-fields`; `k8s-runtime:NS/DEPLOYMENT#VAR` compares what each \
pod holds.\n\
Fix: `kubectl rollout restart deployment/NAME -n NAMESPACE`, then check again.",
};

pub const AD504: Code = Code {
    id: "AD504",
    severity: Severity::Error,
    title: "a local process started before a .env it reads changed",
    hint: "Restart the process so it reads the .env file again.",
    explain: "Why: a process reads its environment, and a `.env` file its loader reads, once, when it starts. \
Editing `.env` afterwards changes nothing in the running process: it keeps the old value until restarted, \
while every tool that reads the file sees the new one.\n\
Confirm: `ps -o pid,lstart,args -p PID` shows when it started and `ls -l --time-style=full-iso .env` when the \
file changed; `proc:PID#VAR` compares the environment it started with. A process that loads `.env` itself \
(python-dotenv, dotenv) holds values `/proc` cannot show: `authdoctor probe` asks the running backend \
which secret it accepts.\n\
Fix: restart the process (stop the dev server and start it again; `--reload` watchers do not reload `.env`), \
then check again.",
};

pub const AD505: Code = Code {
    id: "AD505",
    severity: Severity::Error,
    title: "a Fly machine's value differs from the others or predates the last deploy",
    hint: "Run `fly deploy` (or `fly secrets deploy`) so every machine runs the newest release.",
    explain: "Why: Fly hands secrets to a machine when it is created or updated by a deploy. A machine the \
last deploy skipped or failed on (a standby, a machine in another process group, a rolling deploy that \
stopped) keeps the release it had, with the secrets of that release, while its siblings have the new \
ones: requests succeed or fail depending on which machine answers.\n\
Confirm: `fly machines list` shows each machine's release (`fly_release_version` in \
`fly machine status ID --display-config`) and state; `fly-runtime:APP#NAME?machine=ID` shows what one \
machine holds.\n\
Fix: `fly deploy` (or `fly secrets deploy`) to bring every machine to the newest release, or \
`fly machine update ID` / `fly machine destroy ID` for a stray one; then check again.",
};

pub const AD506: Code = Code {
    id: "AD506",
    severity: Severity::Error,
    title: "Vercel variable changed after the last deployment",
    hint: "Redeploy (`vercel deploy --prod`, or Redeploy in the dashboard) so the deployment gets the new value.",
    explain: "Why: Vercel bakes a project's environment variables into a deployment when it is built. Editing a \
variable (including a sensitive one, whose value no one can read back) changes nothing in the deployments \
that already exist: the live deployment keeps the previous value until a new deployment of that target is \
built, while `vercel env pull` and the dashboard show the new one.\n\
Confirm: the variable's `updatedAt` (`GET /v10/projects/PROJECT/env`, or the dashboard's \"Updated\" column) \
against the newest ready deployment of the target (`vercel ls --prod`, or `GET /v6/deployments?projectId=PROJECT\
&target=production&state=READY&limit=1`, its `created`).\n\
Fix: redeploy the target (`vercel deploy --prod`, or Redeploy on the latest deployment), then check again.",
};

/// A time of day for a message: `14:02:05 UTC`, with the date when it is not today's.
fn clock(ms: i64, now_ms: i64) -> String {
    let day = |t: i64| t.div_euclid(86_400_000);
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return "at an unknown time".into();
    };
    if day(ms) == day(now_ms) {
        t.format("%H:%M:%S UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The findings a source's platform facts call for: AD501 when Fly reports the secret `Staged` (no
/// running machine has it) or `Partial` (some still have the old value). `name` is the source's
/// name in the report. AD504 for each `.env` file a local process's directory holds that changed
/// after it started.
pub fn from_facts(name: &str, fetched: &Fetched) -> Vec<Finding> {
    let now = now_ms();
    fetched
        .facts
        .iter()
        .filter_map(|fact| match fact {
            Fact::FlyStatus { secret, status } => {
                let how = if status.eq_ignore_ascii_case("staged") {
                    "staged: no running machine has it yet"
                } else if status.eq_ignore_ascii_case("partial") {
                    "partially deployed: some running machines still have the old value"
                } else {
                    return None;
                };
                Some(
                    Finding::new(&AD501, format!("{name}: {secret} is {how}"))
                        .sources([name])
                        .hint("run `fly secrets deploy` (or `fly deploy`) so every machine gets the new value"),
                )
            }
            Fact::ProcessStartedBefore {
                process,
                pid,
                started_ms,
                file,
                changed_ms,
            } => Some(
                Finding::new(
                    &AD504,
                    format!(
                        "{name}: {process} (pid {pid}) started {}; {file} changed {}; restart it",
                        clock(*started_ms, now),
                        clock(*changed_ms, now)
                    ),
                )
                .sources([name])
                .hint(format!(
                    "restart {process} (pid {pid}) so it reads {file} again; if it loads {file} itself (python-dotenv, dotenv), /proc shows only the environment it started with, and `authdoctor probe` asks it which secret it accepts"
                )),
            ),
            Fact::EcsStartedBefore {
                service,
                var,
                source,
                started_ms,
                tasks_before,
                tasks,
                changed_ms,
                deployment_only,
            } => {
                let (cluster, svc) = service.split_once('/').unwrap_or(("CLUSTER", service.as_str()));
                let who = if *deployment_only {
                    format!("the deployment of its running tasks was created {}", clock(*started_ms, now))
                } else if *tasks_before == *tasks && *tasks == 1 {
                    format!("its running task started {}", clock(*started_ms, now))
                } else {
                    format!(
                        "{tasks_before} of its {tasks} running tasks started before it (the oldest {})",
                        clock(*started_ms, now)
                    )
                };
                Some(
                    Finding::new(
                        &AD502,
                        format!(
                            "{name}: {source} (injected as {var}) changed {}, but {who}: the tasks hold the previous value",
                            clock(*changed_ms, now)
                        ),
                    )
                    .sources([name])
                    .hint(format!(
                        "aws ecs update-service --cluster {cluster} --service {svc} --force-new-deployment"
                    )),
                )
            }
            Fact::K8sPodsStartedBefore {
                deployment,
                secret,
                changed_ms,
                stale,
                pods,
            } => {
                let named: Vec<String> = stale
                    .iter()
                    .map(|(pod, started, differs)| {
                        let held = if *differs { ", holds another value" } else { "" };
                        format!("{pod} (started {}{held})", clock(*started, now))
                    })
                    .collect();
                let (ns, dep) = deployment.split_once('/').unwrap_or(("default", deployment.as_str()));
                Some(
                    Finding::new(
                        &AD503,
                        format!(
                            "{name}: Secret {secret} changed {}; {} of {pods} running pods of {deployment} started before it: {}",
                            clock(*changed_ms, now),
                            stale.len(),
                            named.join(", ")
                        ),
                    )
                    .sources([name])
                    .hint(format!("kubectl rollout restart deployment/{dep} -n {ns}")),
                )
            }
            Fact::FlyMachines {
                app,
                var,
                newest_release,
                machines,
                off,
            } => {
                let named: Vec<String> = off
                    .iter()
                    .map(|m| {
                        let mut why = Vec::new();
                        if m.differs {
                            why.push(format!("holds another value for {var}"));
                        }
                        if m.older {
                            let release = m.release.map_or_else(String::new, |r| format!(" {r}"));
                            let newest = newest_release.map_or_else(String::new, |r| format!(" {r}"));
                            let started = m
                                .started_ms
                                .map_or_else(String::new, |t| format!(", started {}", clock(t, now)));
                            why.push(format!("runs release{release}, older than the last deploy's{newest}{started}"));
                        }
                        format!("{} ({}): {}", m.id, m.region, why.join("; "))
                    })
                    .collect();
                Some(
                    Finding::new(
                        &AD505,
                        format!(
                            "{name}: {} of {machines} started machines of {app} are off: {}",
                            off.len(),
                            named.join("; ")
                        ),
                    )
                    .sources([name])
                    .hint(format!(
                        "run `fly deploy -a {app}` (or `fly secrets deploy -a {app}`) so every machine runs the newest release"
                    )),
                )
            }
            Fact::VercelChangedAfterDeploy {
                project,
                key,
                target,
                updated_ms,
                deployment,
                deployed_ms,
            } => {
                let redeploy = if target == "production" {
                    "vercel deploy --prod".to_string()
                } else {
                    format!("vercel deploy --target={target}")
                };
                Some(
                    Finding::new(
                        &AD506,
                        format!(
                            "{name}: {key} of Vercel project {project} changed {}, after the newest ready {target} deployment {deployment} ({}): it runs with the previous value",
                            clock(*updated_ms, now),
                            clock(*deployed_ms, now)
                        ),
                    )
                    .sources([name])
                    .hint(format!("redeploy {project} ({redeploy}, or Redeploy in the dashboard), then check again")),
                )
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_status(status: &str) -> Fetched {
        let mut f = Fetched::value(crate::secret::Secret::new(Vec::new()));
        f.facts.push(Fact::FlyStatus {
            secret: "AUTH_SECRET".into(),
            status: status.into(),
        });
        f
    }

    #[test]
    fn staged_and_partial_are_not_deployed() {
        let f = from_facts("fly", &with_status("Staged"));
        assert_eq!(
            f[0].message,
            "fly: AUTH_SECRET is staged: no running machine has it yet"
        );
        assert!(
            from_facts("fly", &with_status("partial"))[0]
                .message
                .contains("partially deployed")
        );
        assert!(from_facts("fly", &with_status("Deployed")).is_empty());
    }

    #[test]
    fn a_process_older_than_its_env_file_is_named_with_both_times() {
        let mut f = Fetched::value(crate::secret::Secret::new(Vec::new()));
        f.facts.push(Fact::ProcessStartedBefore {
            process: "uvicorn".into(),
            pid: 4242,
            started_ms: 1_700_000_000_000,
            file: "backend/.env".into(),
            changed_ms: 1_700_000_780_000,
        });
        let found = from_facts("api", &f);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code.id, "AD504");
        assert_eq!(
            found[0].message,
            "api: uvicorn (pid 4242) started 2023-11-14 22:13:20 UTC; backend/.env changed 2023-11-14 22:26:20 UTC; restart it"
        );
        assert_eq!(clock(1_700_000_000_000, 1_700_000_060_000), "22:13:20 UTC");
    }

    #[test]
    fn ecs_tasks_older_than_their_parameter_need_a_new_deployment() {
        let mut f = Fetched::value(crate::secret::Secret::new(Vec::new()));
        let fact = |tasks_before, tasks, deployment_only| Fact::EcsStartedBefore {
            service: "prod/api".into(),
            var: "MCP_ENHANCED_JWT_SECRET".into(),
            source: "ssm:/quilt/mcp-server/jwt-secret".into(),
            started_ms: 1_700_000_000_000,
            tasks_before,
            tasks,
            changed_ms: 1_700_000_780_000,
            deployment_only,
        };
        f.facts.push(fact(2, 3, false));
        f.facts.push(fact(0, 0, true));
        let found = from_facts("ecs", &f);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].message,
            "ecs: ssm:/quilt/mcp-server/jwt-secret (injected as MCP_ENHANCED_JWT_SECRET) changed 2023-11-14 22:26:20 UTC, \
but 2 of its 3 running tasks started before it (the oldest 2023-11-14 22:13:20 UTC): the tasks hold the previous value"
        );
        assert_eq!(
            found[0].hint.as_deref(),
            Some("aws ecs update-service --cluster prod --service api --force-new-deployment")
        );
        assert!(
            found[1]
                .message
                .contains("the deployment of its running tasks was created")
        );
    }
}
