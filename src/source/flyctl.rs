//! flyctl, shared by the Fly schemes: finding and running it, and parsing `fly secrets list`.
//!
//! Output shapes parsed (flyctl source, internal/command/secrets/list.go): JSON
//! `{"Name","Digest","CreatedAt"}` (≤ 0.3.177), `{"name","digest"}` (0.3.178–0.4.5, and later when
//! status is unknown), `{"name","digest","status"}` (≥ 0.4.6); tables with `CREATED AT`, without,
//! and with `STATUS` and `* ` / `! ` row prefixes.

use super::{Digest, Fact, FetchError, Fetched, Spec, Yield};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlySecret {
    pub name: String,
    pub digest: String,
    pub status: Option<String>,
}

/// Every documented `fly secrets list` shape, JSON or table.
pub fn parse_list(text: &str) -> Result<Vec<FlySecret>, String> {
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.starts_with('[') || t.starts_with('{') || t == "null" {
        return parse_json(t);
    }
    parse_table(t)
}

fn parse_json(t: &str) -> Result<Vec<FlySecret>, String> {
    let v: serde_json::Value = serde_json::from_str(t).map_err(|e| format!("not valid JSON: {e}"))?;
    let items = match &v {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::Object(o) => match o.values().find(|x| x.is_array()) {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => return Err("a JSON object without a list of secrets".into()),
        },
        _ => return Err("JSON that is not a list of secrets".into()),
    };
    let field = |o: &serde_json::Map<String, serde_json::Value>, name: &str| {
        o.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str().map(str::to_string))
    };
    items
        .iter()
        .map(|item| {
            let o = item.as_object().ok_or("a list entry that is not an object")?;
            let name = field(o, "name").ok_or("an entry without a name")?;
            Ok(FlySecret {
                name,
                digest: field(o, "digest").unwrap_or_default(),
                status: field(o, "status"),
            })
        })
        .collect()
}

fn parse_table(t: &str) -> Result<Vec<FlySecret>, String> {
    let mut lines = t.lines();
    let header = lines.by_ref().find(|l| !l.trim().is_empty()).ok_or("empty output")?;
    let cols = split_row(header);
    let upper: Vec<String> = cols.iter().map(|c| c.to_ascii_uppercase()).collect();
    let pos = |name: &str| upper.iter().position(|c| c == name);
    let (Some(n), Some(d)) = (pos("NAME"), pos("DIGEST")) else {
        return Err("neither JSON nor a table with NAME and DIGEST columns".into());
    };
    let s = pos("STATUS");
    let mut out = Vec::new();
    for line in lines {
        // The table ends at the blank line before flyctl's deployment summary.
        if line.trim().is_empty() {
            break;
        }
        let row = split_row(line);
        let Some(raw_name) = row.get(n) else { continue };
        let (prefix_status, name) = match raw_name.split_once(' ') {
            Some(("*", rest)) => (Some("Staged"), rest.trim()),
            Some(("!", rest)) => (Some("Partial"), rest.trim()),
            _ => (None, raw_name.as_str()),
        };
        let status = s
            .and_then(|i| row.get(i).cloned())
            .or(prefix_status.map(str::to_string));
        out.push(FlySecret {
            name: name.to_string(),
            digest: row.get(d).cloned().unwrap_or_default(),
            status,
        });
    }
    Ok(out)
}

/// Cells of a flyctl table row: tab-separated (tablewriter 0.0.5), or `│`- or 2-space-separated.
fn split_row(line: &str) -> Vec<String> {
    let cells: Vec<&str> = if line.contains('\t') {
        line.split('\t').collect()
    } else if line.contains('│') || line.contains('|') {
        line.split(['│', '|']).collect()
    } else {
        line.split("  ").collect()
    };
    cells
        .into_iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The flyctl binary: `$FLYCTL`, else `fly`, else `flyctl` on PATH.
pub fn flyctl() -> Result<String, FetchError> {
    if let Ok(p) = std::env::var("FLYCTL")
        && !p.is_empty()
    {
        return Ok(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["fly", "flyctl"] {
        if std::env::split_paths(&path).any(|d| d.join(name).is_file()) {
            return Ok(name.to_string());
        }
    }
    Err(FetchError::unreadable("flyctl is not installed (neither `fly` nor `flyctl` is on PATH)")
        .hint("install flyctl (https://fly.io/docs/flyctl/install/) or set FLYCTL=/path/to/flyctl; or save `fly secrets list --json` and use fly-json:FILE#NAME"))
}

/// Run flyctl with `args`; stdout on success, a clear error otherwise (never the output itself,
/// which for `ssh console` is ours and for errors may echo anything).
pub(super) async fn run_flyctl(args: &[&str], what: &str) -> Result<String, FetchError> {
    let bin = flyctl()?;
    let mut cmd = tokio::process::Command::new(&bin);
    cmd.args(args);
    let out = super::run_capped(cmd)
        .await
        .map_err(|e| FetchError::unreadable(format!("could not run `{bin}`: {e}")).hint("check FLYCTL or PATH"))?;
    if out.over {
        return Err(super::too_large(&format!("{what}: flyctl's output")));
    }
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr).to_ascii_lowercase();
    let code = out
        .status
        .code()
        .map(|c| c.to_string())
        .unwrap_or_else(|| "a signal".into());
    let (message, hint) =
        if err.contains("no access token") || err.contains("not logged in") || err.contains("unauthorized") {
            (
                format!("{what}: flyctl is not logged in"),
                "run `fly auth login` (or set FLY_API_TOKEN), then run again".to_string(),
            )
        } else if err.contains("could not find app") || err.contains("app not found") || err.contains("not found") {
            (
                format!("{what}: Fly has no such app, or this token cannot see it"),
                "check the app name (`fly apps list`) and the organization of your token".to_string(),
            )
        } else {
            (
                format!("{what}: flyctl failed (exit {code})"),
                format!("run `{bin} {}` by hand to see why", args.join(" ")),
            )
        };
    Err(FetchError::unreadable(message).hint(hint))
}

/// NAME in a secrets list as a digest source, with Fly's status for it as a fact. Not in the list:
/// not found (AD002), naming the secrets that are there (names only).
pub fn resolve(spec: &Spec, list: &[FlySecret], origin: &str, scope: &str) -> Result<Fetched, FetchError> {
    let key = spec.key.as_deref().unwrap_or_default();
    let Some(s) = list.iter().find(|s| s.name == key) else {
        let mut names: Vec<&str> = list.iter().map(|s| s.name.as_str()).collect();
        names.sort();
        let names = if names.is_empty() {
            "it has none".to_string()
        } else {
            format!("names: {}", names.join(", "))
        };
        return Err(FetchError::not_found(format!("{origin}: no secret {key} ({names})"))
            .hint("secret names are case-sensitive; set it with `fly secrets set NAME=…`"));
    };
    let mut fetched = Fetched::of(Yield::Digest(Digest {
        digest: s.digest.clone(),
        status: s.status.clone(),
        scope: scope.to_string(),
    }))
    .detail("source", origin.to_string());
    if let Some(status) = &s.status {
        fetched.facts.push(Fact::FlyStatus {
            secret: key.to_string(),
            status: status.clone(),
        });
    }
    Ok(fetched)
}

/// The rules the Fly schemes share: a locator (`what` names it) and the secret's name after `#`.
pub fn validate(spec: &Spec, what: &str) -> Result<(), String> {
    let name = spec.scheme.name();
    if spec.locator.is_empty() {
        return Err(format!("{name} needs {what}"));
    }
    if spec.key.is_none() {
        return Err(format!("{name} needs the secret's name after '#'"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_json_shapes() {
        let old = r#"[{"Name":"AUTH_SECRET","Digest":"a1b2","CreatedAt":"2024-05-01T12:00:00Z"}]"#;
        let mid = "[\n    {\n        \"name\": \"AUTH_SECRET\",\n        \"digest\": \"a1b2\"\n    }\n]\n";
        let new = r#"[{"name":"AUTH_SECRET","digest":"a1b2","status":"Staged"}]"#;
        assert_eq!(
            parse_list(old).expect("old")[0],
            FlySecret {
                name: "AUTH_SECRET".into(),
                digest: "a1b2".into(),
                status: None
            }
        );
        assert_eq!(parse_list(mid).expect("mid")[0].digest, "a1b2");
        assert_eq!(parse_list(new).expect("new")[0].status.as_deref(), Some("Staged"));
        assert!(parse_list("null").expect("null").is_empty());
        assert!(parse_list("{oops").is_err());
    }

    #[test]
    fn tables_with_prefixes_and_summary() {
        let t = "NAME       \tDIGEST          \tSTATUS   \n* AUTH_SECRET\t1a2b3c4d5e6f7a8b\tStaged  \t\nDB_URL     \t9f8e7d6c5b4a3f2e\tDeployed\t\n\nThere is 1 secret not deployed. Deploy with `fly secrets deploy` to make them available.\n";
        let l = parse_list(t).expect("table");
        assert_eq!(l.len(), 2);
        assert_eq!(
            l[0],
            FlySecret {
                name: "AUTH_SECRET".into(),
                digest: "1a2b3c4d5e6f7a8b".into(),
                status: Some("Staged".into())
            }
        );
        assert_eq!(l[1].status.as_deref(), Some("Deployed"));
        assert!(parse_list("hello world").is_err());
    }
}
