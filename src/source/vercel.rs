//! `vercel:PROJECT#KEY?target=production&team=TEAM`: a Vercel project's environment variable, via
//! the Vercel REST API (<https://vercel.com/docs/rest-api>), authenticated with `VERCEL_TOKEN`.
//!
//! Calls, each once per run per project (and team, and target):
//! - `GET /v10/projects/{idOrName}/env?decrypt=true` ("Retrieve the environment variables of a
//!   project by id or name"): `{"envs": [{"id", "key", "value", "type", "target": [..], "gitBranch",
//!   "decrypted", "createdAt", "updatedAt"}], "pagination": …}` (older answers: a bare array, or one
//!   object). `type` is `plain`, `encrypted`, `secret` (legacy), `sensitive` or `system`; times are
//!   milliseconds since the Unix epoch.
//! - `GET /v1/projects/{idOrName}/env/{id}` ("Retrieve the decrypted value of an environment
//!   variable of a project by id"), only for an `encrypted` variable the list gave undecrypted.
//! - `GET /v6/deployments?projectId=…&target=…&state=READY&limit=1` ("List deployments"):
//!   `{"deployments": [{"uid", "created", "createdAt", "state", "target"}]}`, the newest ready
//!   deployment of the target, whose creation time (ms) is compared with the variable's `updatedAt`.
//!
//! `?team=` is a team id (`team_…`, sent as `teamId=`) or a team slug (`slug=`). The base URL is
//! `VERCEL_API_URL` when set (tests, proxies), else `https://api.vercel.com`.
//!
//! `sensitive` (and legacy `secret`) variables are write-only: the API never returns their value, so
//! the source yields a digest-kind observation (presence, type and `updatedAt`) that is compared
//! only with itself, never with a value, as a Fly digest is.

use super::fetch::unplanned;
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Backends, Digest, Fact, FetchError, Fetched, Run, Shared, Spec, Yield};
use crate::secret::Secret;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "vercel",
    example: "vercel:my-app#AUTH_SECRET?target=production&team=my-team",
    yields: "a Vercel project's environment variable for a target (production, preview, development; default production) via the REST API with VERCEL_TOKEN (?team= id or slug; VERCEL_API_URL overrides the base URL); plain and encrypted give the value, sensitive ones only presence, type and update time; one list per project",
    options: &["target", "team"],
    verbatim: false,
};

/// The API's base URL when `VERCEL_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.vercel.com";

/// The environment variable that holds the API token.
pub const TOKEN_VAR: &str = "VERCEL_TOKEN";

/// The targets a variable can be set for (Vercel's "environments").
const TARGETS: [&str; 3] = ["production", "preview", "development"];

/// Most bytes one API answer may have: an env list is small.
const MAX_BODY: usize = 8 * 1024 * 1024;

pub struct Vercel;

impl Scheme for Vercel {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err(format!("vercel needs a project name or id: {}", INFO.example));
        }
        if spec.locator.contains(['/', '?', '#']) || spec.locator.chars().any(char::is_whitespace) {
            return Err("a Vercel project is a name or an id (prj_…), without '/' or spaces".into());
        }
        if spec.key.as_deref().is_none_or(str::is_empty) {
            return Err("vercel needs the variable's name after '#'".into());
        }
        if let Some(t) = spec.options.get("target")
            && !TARGETS.contains(&t.as_str())
        {
            return Err(format!(
                "target= is one of {} (got '{}')",
                TARGETS.join(", "),
                super::spec::part(t)
            ));
        }
        if spec.options.get("team").is_some_and(|t| t.is_empty()) {
            return Err("team= takes a team id (team_…) or a team slug".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

/// One environment variable as the list gives it.
#[derive(Debug, Clone)]
struct EnvVar {
    id: String,
    key: String,
    kind: String,
    value: Option<String>,
    decrypted: bool,
    targets: Vec<String>,
    git_branch: Option<String>,
    updated_ms: Option<i64>,
}

/// Which project (and team) a call is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Project {
    project: String,
    team: Option<String>,
}

impl Project {
    fn of(spec: &Spec) -> Project {
        Project {
            project: spec.locator.clone(),
            team: spec.options.get("team").cloned(),
        }
    }

    /// The team query parameter (`teamId=` or `slug=`), with its leading `&`, or nothing.
    fn team_query(&self) -> String {
        match &self.team {
            Some(t) if t.starts_with("team_") => format!("&teamId={}", encode(t)),
            Some(t) => format!("&slug={}", encode(t)),
            None => String::new(),
        }
    }
}

/// The calls of one run: one env list per project, one deployment list per project and target.
#[derive(Default)]
struct Calls {
    lists: rustc_hash::FxHashMap<Project, Shared<Vec<EnvVar>>>,
    deployments: rustc_hash::FxHashMap<(Project, String), Shared<Option<Deployment>>>,
}

/// The newest ready deployment of a target.
#[derive(Debug, Clone)]
struct Deployment {
    id: String,
    created_ms: i64,
}

fn target(spec: &Spec) -> &str {
    spec.options.get("target").map_or("production", String::as_str)
}

impl Remote for Vercel {
    fn plan(&self, spec: &Spec, backends: &mut Backends) {
        backends.plan(|c: &mut Calls| {
            let p = Project::of(spec);
            c.deployments.entry((p.clone(), target(spec).to_string())).or_default();
            c.lists.entry(p).or_default();
        });
    }

    fn fetch<'a>(&'a self, spec: &'a Spec, run: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(async move {
            let api = Api::from_env(run.timeout)?;
            let p = Project::of(spec);
            let target = target(spec);
            let Some(calls) = run.backends.get::<Calls>() else {
                return Err(unplanned("Vercel calls"));
            };
            let (Some(list), Some(deploy)) = (
                calls.lists.get(&p),
                calls.deployments.get(&(p.clone(), target.to_string())),
            ) else {
                return Err(unplanned("Vercel env list for this project"));
            };
            let envs = list.get_or_init(|| api.list_envs(&p)).await.clone()?;
            let key = spec.key.as_deref().unwrap_or_default();
            let var = choose(&envs, key, target, &p.project)?;
            let mut fetched = match var.kind.as_str() {
                "sensitive" | "secret" => Fetched::of(Yield::Digest(Digest {
                    digest: format!("{}@{}", var.id, var.updated_ms.unwrap_or(0)),
                    status: Some(var.kind.clone()),
                    scope: format!("vercel:{}/{}", p.project, var.id),
                })),
                _ => {
                    let value = match &var.value {
                        Some(v) if var.decrypted || var.kind != "encrypted" => v.clone(),
                        _ => api.decrypted_value(&p, &var).await?,
                    };
                    Fetched::value(Secret::new(value.into_bytes()))
                }
            };
            fetched = fetched
                .detail("project", p.project.clone())
                .detail("target", target)
                .detail("type", var.kind.clone());
            if let Some(t) = var.updated_ms {
                fetched = fetched.detail("updated_ms", t);
            }
            if target != "development"
                && let Some(t) = var.updated_ms
            {
                // The variable's value stands without this comparison: a token that may read env
                // vars but not deployments still gives the value, and the report says why no check.
                let latest = match deploy.get_or_init(|| api.latest_deployment(&p, target)).await {
                    Ok(l) => l.clone(),
                    Err(e) => {
                        fetched = fetched.detail("deployments", format!("not compared: {}", e.message));
                        Arc::new(None)
                    }
                };
                if let Some(d) = latest.as_ref().as_ref()
                    && t > d.created_ms
                {
                    fetched.facts.push(Fact::VercelChangedAfterDeploy {
                        project: p.project.clone(),
                        key: key.to_string(),
                        target: target.to_string(),
                        updated_ms: t,
                        deployment: d.id.clone(),
                        deployed_ms: d.created_ms,
                    });
                }
            }
            Ok(fetched)
        })
    }

    fn timed_out(&self, timeout: Duration) -> FetchError {
        FetchError::unreadable(format!(
            "the Vercel API gave no answer within {} s",
            timeout.as_secs_f64()
        ))
        .hint("raise --timeout, or check the network and VERCEL_API_URL")
    }
}

/// The variable `key` set for `target`: of several, the one not tied to a git branch.
fn choose(envs: &[EnvVar], key: &str, target: &str, project: &str) -> Result<EnvVar, FetchError> {
    let named: Vec<&EnvVar> = envs.iter().filter(|e| e.key == key).collect();
    let mut for_target: Vec<&EnvVar> = named
        .iter()
        .copied()
        .filter(|e| e.targets.iter().any(|t| t == target))
        .collect();
    for_target.sort_by_key(|e| e.git_branch.is_some());
    if let Some(v) = for_target.first() {
        return Ok((*v).clone());
    }
    if !named.is_empty() {
        let mut other: Vec<&str> = named
            .iter()
            .flat_map(|e| e.targets.iter().map(String::as_str))
            .collect();
        other.sort_unstable();
        other.dedup();
        return Err(FetchError::not_found(format!(
            "Vercel project {project}: {key} is not set for {target} (only for {})",
            if other.is_empty() {
                "no target".to_string()
            } else {
                other.join(", ")
            }
        ))
        .hint(format!(
            "add it for {target} (`vercel env add {key} {target}`), or ask for another ?target="
        )));
    }
    let mut keys: Vec<&str> = envs
        .iter()
        .filter(|e| e.targets.iter().any(|t| t == target))
        .map(|e| e.key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let names = if keys.is_empty() {
        "it has none".to_string()
    } else {
        format!("names: {}", keys.join(", "))
    };
    Err(FetchError::not_found(format!(
        "Vercel project {project}: no variable {key} for {target} ({names})"
    ))
    .hint("names are case-sensitive; `vercel env ls` lists them"))
}

/// The API: base URL, token and an HTTP client bounded by the run's timeout.
struct Api {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Api {
    /// From `VERCEL_API_URL` and `VERCEL_TOKEN`. Errors: no token (unreadable, naming the variable).
    fn from_env(timeout: Duration) -> Result<Api, FetchError> {
        let token = std::env::var(TOKEN_VAR).unwrap_or_default();
        if token.trim().is_empty() {
            return Err(FetchError::unreadable(format!(
                "{TOKEN_VAR} is not set: the Vercel API needs a token"
            ))
            .hint(format!(
                "create a token at https://vercel.com/account/tokens and export {TOKEN_VAR}=… (in CI, from the CI's secret store)"
            )));
        }
        let base = std::env::var("VERCEL_API_URL")
            .ok()
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("authdoctor/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::unreadable(format!("could not set up HTTP for the Vercel API: {e}")))?;
        Ok(Api {
            base: base.trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
            client,
        })
    }

    /// GET `path_and_query` as JSON; `what` names the call in messages (never the token).
    async fn get(&self, path_and_query: &str, what: &str) -> Result<Value, FetchError> {
        let url = format!("{}{path_and_query}", self.base);
        let mut resp = self
            .client
            .get(&url)
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| request_error(&self.base, what, &e))?;
        let status = resp.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| request_error(&self.base, what, &e))? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BODY {
                return Err(FetchError::unreadable(format!(
                    "{what}: the Vercel API answer is larger than {} MiB",
                    MAX_BODY / (1024 * 1024)
                )));
            }
        }
        if !(200..300).contains(&status) {
            let said = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| {
                    v["error"]["message"]
                        .as_str()
                        .map(|m| m.chars().take(200).collect::<String>())
                })
                .map_or_else(String::new, |m| format!(": {m}"));
            let e = FetchError::unreadable(format!("{what}: HTTP {status}{said}"));
            return Err(match status {
                401 | 403 => e.hint(format!(
                    "{TOKEN_VAR} was refused: check that it is valid and has access to the project; for a team project add ?team=TEAM_ID_OR_SLUG"
                )),
                404 => FetchError::not_found(format!("{what}: HTTP 404{said}")).hint(
                    "check the project name or id (`vercel project ls`), and ?team= for a team project",
                ),
                429 => e.hint("rate limited by Vercel; try again in a minute"),
                _ => e,
            });
        }
        serde_json::from_slice(&body).map_err(|e| {
            FetchError::unreadable(format!(
                "{what}: the Vercel API answered with something that is not JSON ({e})"
            ))
        })
    }

    async fn list_envs(&self, p: &Project) -> Result<Arc<Vec<EnvVar>>, FetchError> {
        let what = format!("Vercel env list of {}", p.project);
        let v = self
            .get(
                &format!(
                    "/v10/projects/{}/env?decrypt=true{}",
                    encode(&p.project),
                    p.team_query()
                ),
                &what,
            )
            .await?;
        parse_envs(&v)
            .map(Arc::new)
            .map_err(|e| FetchError::unreadable(format!("{what}: {e}")))
    }

    async fn decrypted_value(&self, p: &Project, var: &EnvVar) -> Result<String, FetchError> {
        let what = format!("Vercel variable {} of {}", var.key, p.project);
        let v = self
            .get(
                &format!(
                    "/v1/projects/{}/env/{}{}",
                    encode(&p.project),
                    encode(&var.id),
                    p.team_query().replacen('&', "?", 1)
                ),
                &what,
            )
            .await?;
        match (v["value"].as_str(), v["decrypted"].as_bool()) {
            (Some(s), Some(true) | None) => Ok(s.to_string()),
            _ => Err(
                FetchError::unreadable(format!("{what}: the API did not give the decrypted value"))
                    .hint("the token may lack access to decrypted values; a sensitive variable never gives one"),
            ),
        }
    }

    async fn latest_deployment(&self, p: &Project, target: &str) -> Result<Arc<Option<Deployment>>, FetchError> {
        let what = format!("Vercel deployments of {}", p.project);
        let v = self
            .get(
                &format!(
                    "/v6/deployments?projectId={}&target={target}&state=READY&limit=1{}",
                    encode(&p.project),
                    p.team_query()
                ),
                &what,
            )
            .await?;
        let Some(list) = v["deployments"].as_array() else {
            return Err(FetchError::unreadable(format!(
                "{what}: an answer without `deployments`"
            )));
        };
        let newest = list
            .iter()
            .filter_map(|d| {
                let created = d["created"].as_i64().or_else(|| d["createdAt"].as_i64())?;
                let id = d["uid"].as_str().or_else(|| d["id"].as_str()).unwrap_or("?");
                Some(Deployment {
                    id: id.to_string(),
                    created_ms: created,
                })
            })
            .max_by_key(|d| d.created_ms);
        Ok(Arc::new(newest))
    }
}

/// The variables of a list answer: `{"envs": [...]}`, a bare array, or one variable object.
fn parse_envs(v: &Value) -> Result<Vec<EnvVar>, String> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => match o.get("envs") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(_) => return Err("`envs` is not a list".into()),
            None if o.contains_key("key") => vec![v],
            None => return Err("an answer without `envs`".into()),
        },
        _ => return Err("an answer that is not a list of variables".into()),
    };
    items
        .into_iter()
        .map(|e| {
            let key = e["key"].as_str().ok_or("a variable without `key`")?;
            let targets = match &e["target"] {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
                _ => Vec::new(),
            };
            Ok(EnvVar {
                id: e["id"].as_str().unwrap_or_default().to_string(),
                key: key.to_string(),
                kind: e["type"].as_str().unwrap_or("plain").to_string(),
                value: e["value"].as_str().map(str::to_string),
                decrypted: e["decrypted"].as_bool().unwrap_or(false),
                targets,
                git_branch: e["gitBranch"].as_str().filter(|b| !b.is_empty()).map(str::to_string),
                updated_ms: e["updatedAt"].as_i64().or_else(|| e["createdAt"].as_i64()),
            })
        })
        .collect()
}

/// Percent-encode a path segment or query value (RFC 3986 unreserved characters pass).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn request_error(base: &str, what: &str, e: &reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::unreadable(format!("{what}: no answer from {base} within the timeout"))
            .hint("raise --timeout, or check the network")
    } else if e.is_connect() {
        FetchError::unreadable(format!("{what}: could not connect to {base}"))
            .hint("check the network, and VERCEL_API_URL if it is set")
    } else {
        FetchError::unreadable(format!("{what}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_list_shapes() {
        let v: Value = serde_json::from_str(
            r#"{"envs":[{"id":"e1","key":"AUTH_SECRET","value":"x","type":"encrypted","target":["production","preview"],"decrypted":true,"updatedAt":1700000000000,"createdAt":1690000000000},
                {"id":"e2","key":"S","type":"sensitive","target":"production","createdAt":5}],"pagination":{"count":2,"next":null,"prev":null}}"#,
        )
        .unwrap_or_default();
        let envs = parse_envs(&v).unwrap_or_default();
        assert_eq!(envs.len(), 2);
        assert_eq!(envs[0].targets, ["production", "preview"]);
        assert!(envs[0].decrypted);
        assert_eq!(envs[0].updated_ms, Some(1_700_000_000_000));
        assert_eq!(envs[1].targets, ["production"]);
        assert_eq!(envs[1].value, None);
        assert_eq!(envs[1].updated_ms, Some(5), "createdAt when never updated");
        assert!(parse_envs(&serde_json::json!({"error": {}})).is_err());
    }

    #[test]
    fn chooses_the_target_and_prefers_no_git_branch() {
        let var = |id: &str, targets: &[&str], branch: Option<&str>| EnvVar {
            id: id.into(),
            key: "K".into(),
            kind: "plain".into(),
            value: Some(id.into()),
            decrypted: false,
            targets: targets.iter().map(|t| t.to_string()).collect(),
            git_branch: branch.map(str::to_string),
            updated_ms: None,
        };
        let envs = [
            var("branch", &["preview"], Some("feature")),
            var("all-preview", &["preview"], None),
            var("prod", &["production"], None),
        ];
        assert_eq!(
            choose(&envs, "K", "preview", "p").map(|e| e.id).ok().as_deref(),
            Some("all-preview")
        );
        assert_eq!(
            choose(&envs, "K", "production", "p").map(|e| e.id).ok().as_deref(),
            Some("prod")
        );
        let e = choose(&envs, "K", "development", "p")
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(
            e.contains("not set for development (only for preview, production)"),
            "{e}"
        );
        let e = choose(&envs, "X", "production", "p")
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(e.contains("no variable X for production (names: K)"), "{e}");
    }

    #[test]
    fn team_ids_and_slugs_and_encoding() {
        let p = |t: Option<&str>| Project {
            project: "p".into(),
            team: t.map(str::to_string),
        };
        assert_eq!(p(Some("team_abc")).team_query(), "&teamId=team_abc");
        assert_eq!(p(Some("my team")).team_query(), "&slug=my%20team");
        assert_eq!(p(None).team_query(), "");
        assert_eq!(encode("a/b?c"), "a%2Fb%3Fc");
    }
}
