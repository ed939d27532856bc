//! `init`: the secret stores a repository names (AWS SSM parameters and Secrets Manager secrets in
//! ECS task definitions, CloudFormation, serverless.yml and Terraform; `env_file:` in compose
//! files; the Vercel project in `.vercel/project.json`), as source specs `init` proposes, so that
//! CI compares stores with stores. Reads names and ARNs only; no value is in these files.

use regex::Regex;
use std::sync::LazyLock;

/// One store reference: the variable it feeds (when the file says), and the spec that reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRef {
    /// The environment variable name the store feeds (`AUTH_SECRET`), if the file names one.
    pub key: Option<String>,
    /// The source spec (`ssm:/app/jwt?region=us-east-1`).
    pub spec: String,
    /// Where it was found (`infra/task.json`), for the proposal's comments.
    pub found_in: String,
}

/// An SSM parameter or Secrets Manager ARN/name as ECS `valueFrom` and CloudFormation dynamic
/// references write it, as a spec. ECS: `arn:aws:ssm:REGION:ACCT:parameter/NAME` (or a bare
/// `/NAME`), `arn:aws:secretsmanager:REGION:ACCT:secret:ID[:json-key:version-stage:version-id]`
/// (AWS ECS developer guide, "Pass sensitive data to an Amazon ECS container").
pub fn spec_of_value_from(value_from: &str) -> Option<String> {
    let v = value_from.trim();
    if let Some(rest) = v
        .strip_prefix("arn:aws:ssm:")
        .or_else(|| v.strip_prefix("arn:aws-us-gov:ssm:"))
    {
        // REGION:ACCOUNT:parameter/NAME (NAME without its leading slash in the ARN).
        let mut parts = rest.splitn(3, ':');
        let region = parts.next()?;
        let _account = parts.next()?;
        let name = parts.next()?.strip_prefix("parameter")?;
        let name = if name.starts_with('/') {
            name.to_string()
        } else {
            format!("/{name}")
        };
        return Some(with_region(format!("ssm:{name}"), region));
    }
    if let Some(rest) = v
        .strip_prefix("arn:aws:secretsmanager:")
        .or_else(|| v.strip_prefix("arn:aws-us-gov:secretsmanager:"))
    {
        // REGION:ACCOUNT:secret:NAME-SUFFIX[:JSON_KEY:STAGE:VERSION]
        let parts: Vec<&str> = rest.split(':').collect();
        let region = parts.first()?;
        if parts.get(2) != Some(&"secret") {
            return None;
        }
        let id = format!(
            "arn:aws:secretsmanager:{}:{}:secret:{}",
            region,
            parts.get(1)?,
            parts.get(3)?
        );
        let field = parts.get(4).filter(|f| !f.is_empty());
        let spec = match field {
            Some(f) => format!("secretsmanager:{id}#{f}"),
            None => format!("secretsmanager:{id}"),
        };
        return Some(with_region(spec, region));
    }
    if v.starts_with('/') && !v.contains(char::is_whitespace) {
        return Some(format!("ssm:{v}"));
    }
    None
}

fn with_region(spec: String, region: &str) -> String {
    if region.is_empty() {
        spec
    } else {
        format!("{spec}?region={region}")
    }
}

/// `{{resolve:ssm:NAME}}`, `{{resolve:ssm-secure:NAME:VERSION}}`,
/// `{{resolve:secretsmanager:ID:SecretString:FIELD}}` (CloudFormation dynamic references), and
/// serverless's `${ssm:NAME}`, each optionally after `KEY:` on the same line.
static DYNAMIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:([A-Za-z_][A-Za-z0-9_]*)["']?\s*:\s*["']?)?(?:\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]+)\}\}|\$\{ssm:([^}~]+)[^}]*\})"#,
    )
    .expect("static regex")
});

/// Terraform: `data "aws_ssm_parameter" "x" { name = "/app/jwt" }` and
/// `data "aws_secretsmanager_secret_version" "x" { secret_id = "prod/api" }` (no variable name).
static TERRAFORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)data\s+"(aws_ssm_parameter|aws_secretsmanager_secret(?:_version)?)"\s+"[^"]+"\s*\{[^}]*?\b(name|secret_id)\s*=\s*"([^"$]+)""#)
        .expect("static regex")
});

/// ECS in YAML (CloudFormation `Secrets:` or a task definition in YAML): `Name: KEY` then
/// `ValueFrom: ARN` (either key case) within a few lines.
static YAML_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)-?\s*name\s*:\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*\n\s*valueFrom\s*:\s*["']?([^"'\s]+)"#)
        .expect("static regex")
});

/// Every store reference in one file's text. `found_in` names the file in the comments.
pub fn scan(file_name: &str, found_in: &str, text: &str) -> Vec<StoreRef> {
    let mut out = Vec::new();
    let mut push = |key: Option<String>, spec: String| {
        let r = StoreRef {
            key,
            spec,
            found_in: found_in.to_string(),
        };
        if !out.contains(&r) {
            out.push(r);
        }
    };
    if file_name.ends_with(".json")
        && text.contains("containerDefinitions")
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
    {
        // A task definition, or `aws ecs describe-task-definition` output.
        let td = v.get("taskDefinition").unwrap_or(&v);
        for c in td["containerDefinitions"].as_array().into_iter().flatten() {
            for s in c["secrets"].as_array().into_iter().flatten() {
                if let (Some(name), Some(from)) = (s["name"].as_str(), s["valueFrom"].as_str())
                    && let Some(spec) = spec_of_value_from(from)
                {
                    push(Some(name.to_string()), spec);
                }
            }
        }
    }
    for c in YAML_SECRET.captures_iter(text) {
        if let Some(spec) = spec_of_value_from(&c[2]) {
            push(Some(c[1].to_string()), spec);
        }
    }
    for c in DYNAMIC.captures_iter(text) {
        let key = c.get(1).map(|m| m.as_str().to_string());
        let spec = if let Some(name) = c.get(4) {
            format!("ssm:{}", name.as_str().trim())
        } else {
            let body = &c[3];
            match &c[2] {
                "secretsmanager" => {
                    // ID[:SecretString[:FIELD[:STAGE[:VERSION]]]]; an ARN ID has colons of its own.
                    let (id, rest) = match body.strip_prefix("arn:") {
                        Some(_) => {
                            let parts: Vec<&str> = body.splitn(8, ':').collect();
                            (
                                parts.iter().take(7).copied().collect::<Vec<_>>().join(":"),
                                parts.get(7).copied(),
                            )
                        }
                        None => match body.split_once(':') {
                            Some((id, rest)) => (id.to_string(), Some(rest)),
                            None => (body.to_string(), None),
                        },
                    };
                    let field = rest
                        .and_then(|r| r.strip_prefix("SecretString:"))
                        .and_then(|r| r.split(':').next())
                        .filter(|f| !f.is_empty());
                    match field {
                        Some(f) => format!("secretsmanager:{id}#{f}"),
                        None => format!("secretsmanager:{id}"),
                    }
                }
                // ssm / ssm-secure: NAME[:VERSION]
                _ => {
                    let name = body.split(':').next().unwrap_or(body);
                    if name.contains("${") {
                        continue;
                    }
                    format!("ssm:{name}")
                }
            }
        };
        if spec.contains("${") {
            continue;
        }
        let key = key.filter(|k| !["Value", "value", "SecretString"].contains(&k.as_str()));
        push(key, spec);
    }
    if file_name.ends_with(".tf") {
        for c in TERRAFORM.captures_iter(text) {
            let spec = if c[1].starts_with("aws_ssm") {
                format!("ssm:{}", &c[3])
            } else {
                format!("secretsmanager:{}", &c[3])
            };
            push(None, spec);
        }
    }
    out
}

/// The `env_file:` entries of a compose file (a string or a list, of strings or `{path: …}`), as
/// paths relative to the compose file's directory (Compose specification, "env_file").
pub fn compose_env_files(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for file in env_file_values(text) {
        if !out.contains(&file) {
            out.push(file);
        }
    }
    out
}

fn env_file_values(text: &str) -> Vec<String> {
    let clean = |s: &str| s.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((indent, rest)) = line.split_once("env_file:") else {
            continue;
        };
        if !indent.trim().is_empty() && indent.trim() != "-" {
            continue;
        }
        let rest = rest.split(" #").next().unwrap_or("").trim();
        if let Some(list) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            out.extend(list.split(',').map(clean).filter(|s| !s.is_empty()));
        } else if !rest.is_empty() {
            out.push(clean(rest));
        } else {
            let base = indent.len();
            while let Some(next) = lines.peek() {
                let t = next.trim_start();
                let ind = next.len() - t.len();
                if t.is_empty() || t.starts_with('#') {
                    lines.next();
                    continue;
                }
                if ind <= base && !t.starts_with('-') || ind < base {
                    break;
                }
                if let Some(item) = t.strip_prefix('-') {
                    let item = item.trim();
                    let item = item.strip_prefix("path:").unwrap_or(item);
                    out.push(clean(item));
                } else if let Some(p) = t.strip_prefix("path:") {
                    out.push(clean(p));
                } else if !t.starts_with("required:") && !t.starts_with("format:") {
                    break;
                }
                lines.next();
            }
        }
    }
    out.into_iter().filter(|s| !s.is_empty() && !s.contains("${")).collect()
}

/// The Vercel project of `.vercel/project.json` (written by `vercel link`): its `projectName`
/// when present, else its `projectId`, and the team (`orgId`) for `?team=`.
pub fn vercel_project(text: &str) -> Option<(String, Option<String>)> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let project = v["projectName"].as_str().or_else(|| v["projectId"].as_str())?;
    let team = v["orgId"]
        .as_str()
        .filter(|o| o.starts_with("team_"))
        .map(str::to_string);
    Some((project.to_string(), team))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecs_value_from() {
        assert_eq!(
            spec_of_value_from("arn:aws:ssm:us-east-1:123456789012:parameter/quilt/jwt").as_deref(),
            Some("ssm:/quilt/jwt?region=us-east-1")
        );
        assert_eq!(spec_of_value_from("/quilt/jwt").as_deref(), Some("ssm:/quilt/jwt"));
        assert_eq!(
            spec_of_value_from("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-AbCdEf:jwt_secret::")
                .as_deref(),
            Some(
                "secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-AbCdEf#jwt_secret?region=eu-west-1"
            )
        );
        assert_eq!(spec_of_value_from("plain text"), None);
    }

    #[test]
    fn task_definition_cloudformation_serverless_terraform() {
        let td = r#"{"family":"api","containerDefinitions":[{"name":"api","secrets":[
            {"name":"AUTH_SECRET","valueFrom":"arn:aws:ssm:us-east-1:1:parameter/app/auth"}]}]}"#;
        let r = scan("task.json", "infra/task.json", td);
        assert_eq!(r[0].key.as_deref(), Some("AUTH_SECRET"));
        assert_eq!(r[0].spec, "ssm:/app/auth?region=us-east-1");
        let cfn = "Environment:\n  - Name: X\nSecrets:\n  - Name: AUTH_SECRET\n    ValueFrom: !Sub arn\n  - Name: JWT_SECRET\n    ValueFrom: arn:aws:ssm:eu-west-1:1:parameter/app/jwt\nOther:\n  DB_PASSWORD: '{{resolve:secretsmanager:prod/db:SecretString:password}}'\n  API_KEY: '{{resolve:ssm:/app/api-key:3}}'\n";
        let r = scan("stack.yml", "stack.yml", cfn);
        let got: Vec<(Option<&str>, &str)> = r.iter().map(|x| (x.key.as_deref(), x.spec.as_str())).collect();
        assert!(
            got.contains(&(Some("JWT_SECRET"), "ssm:/app/jwt?region=eu-west-1")),
            "{got:?}"
        );
        assert!(
            got.contains(&(Some("DB_PASSWORD"), "secretsmanager:prod/db#password")),
            "{got:?}"
        );
        assert!(got.contains(&(Some("API_KEY"), "ssm:/app/api-key")), "{got:?}");
        let sls = "provider:\n  environment:\n    AUTH_SECRET: ${ssm:/svc/auth-secret}\n    STAGE: ${ssm:/svc/${sls:stage}/x}\n";
        let r = scan("serverless.yml", "serverless.yml", sls);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(
            (r[0].key.as_deref(), r[0].spec.as_str()),
            (Some("AUTH_SECRET"), "ssm:/svc/auth-secret")
        );
        let tf = "data \"aws_ssm_parameter\" \"jwt\" {\n  name = \"/app/jwt\"\n}\n";
        let r = scan("main.tf", "main.tf", tf);
        assert_eq!((r[0].key.as_deref(), r[0].spec.as_str()), (None, "ssm:/app/jwt"));
    }

    #[test]
    fn compose_env_file_forms() {
        let c = "services:\n  api:\n    env_file: api.env\n  web:\n    env_file:\n      - ./web/.env\n      - path: ./web/extra.env\n        required: false\n  w2:\n    env_file: [a.env, \"b.env\"]\n";
        assert_eq!(
            compose_env_files(c),
            ["api.env", "./web/.env", "./web/extra.env", "a.env", "b.env"]
        );
    }

    #[test]
    fn vercel_project_json() {
        assert_eq!(
            vercel_project(r#"{"projectId":"prj_1","orgId":"team_2","projectName":"web"}"#),
            Some(("web".into(), Some("team_2".into())))
        );
        assert_eq!(
            vercel_project(r#"{"projectId":"prj_1","orgId":"user_x"}"#),
            Some(("prj_1".into(), None))
        );
    }
}
