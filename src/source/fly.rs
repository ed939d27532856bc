//! Fly.io: `fly:APP#NAME` (flyctl `secrets list --json`), `fly-json:PATH|-#NAME` (saved output), and
//! `fly-runtime:APP#NAME` (fingerprints computed inside the running machine over `fly ssh console`).
//!
//! Fly's digest is keyed and computed server-side: it proves presence and change, never equality
//! with a value, so these sources yield the `digest` kind. Output shapes parsed (flyctl source,
//! internal/command/secrets/list.go): JSON `{"Name","Digest","CreatedAt"}` (≤ 0.3.177),
//! `{"name","digest"}` (0.3.178–0.4.5, and later when status is unknown), `{"name","digest","status"}`
//! (≥ 0.4.6); tables with `CREATED AT`, without, and with `STATUS` and `* ` / `! ` row prefixes.

use super::{Digest, Fact, FetchError, Fetched, Fingerprints, Spec, Variant, Yield};
use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;

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
async fn run_flyctl(args: &[&str], what: &str) -> Result<String, FetchError> {
    let bin = flyctl()?;
    let out = tokio::process::Command::new(&bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| FetchError::unreadable(format!("could not run `{bin}`: {e}")).hint("check FLYCTL or PATH"))?;
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

/// `fly secrets list --app APP --json`, once per app per run (the caller caches).
pub async fn list_app(app: &str) -> Result<Arc<Vec<FlySecret>>, FetchError> {
    let out = run_flyctl(
        &["secrets", "list", "--app", app, "--json"],
        &format!("fly secrets list --app {app}"),
    )
    .await?;
    parse_list(&out)
        .map(Arc::new)
        .map_err(|e| FetchError::unreadable(format!("could not read `fly secrets list` output for {app}: {e}")))
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

/// `fly-json:PATH#NAME` (or `-`): saved `fly secrets list` output, JSON or table.
pub async fn fetch_saved(spec: &Spec, stdin: Option<&crate::secret::Secret>) -> Result<Fetched, FetchError> {
    let text = if spec.locator == "-" {
        match stdin {
            Some(s) => String::from_utf8_lossy(s.expose()).into_owned(),
            None => return Err(FetchError::unreadable("standard input was not read")),
        }
    } else {
        String::from_utf8_lossy(&super::file::read_file(&spec.locator).await?).into_owned()
    };
    let list = parse_list(&text).map_err(|e| {
        FetchError::unreadable(format!("{}: {e}", spec.locator))
            .hint("save the output of `fly secrets list --app APP --json` (or the table) to this file")
    })?;
    // Saved output does not say which app it came from: its digests compare only among themselves.
    resolve(spec, &list, &spec.locator, &format!("fly-json:{}", spec.locator))
}

/// The POSIX script run inside the machine: whether NAME is set, its length and SHA-256 digests of
/// the raw value and of the normalised variants. It prints digests and counts only, never the value,
/// and contains no single quote, so it travels inside `sh -c '…'`.
pub fn runtime_script(name: &str) -> String {
    format!(
        r#"if [ -z "${{{name}+x}}" ]; then echo set=0; exit 0; fi
if command -v sha256sum >/dev/null 2>&1; then H=sha256sum; T=sha256sum
elif command -v openssl >/dev/null 2>&1; then H="openssl dgst -sha256 -r"; T=openssl
elif command -v busybox >/dev/null 2>&1; then H="busybox sha256sum"; T=busybox
else echo set=1; echo tool=none; exit 0; fi
echo set=1; echo tool=$T
fp() {{ n=$(printf %s "$1" | wc -c); set -- $(printf %s "$1" | $H); echo "$n $1"; }}
v=${name}
echo raw=$(fp "$v")
t=$v; while case $t in *[[:space:]]) true;; *) false;; esac; do t=${{t%?}}; done
echo trim_trailing=$(fp "$t")
q=$t; while case $q in [[:space:]]*) true;; *) false;; esac; do q=${{q#?}}; done
sq=$(printf "\047")
case $q in \"*\") q=${{q#?}}; q=${{q%?}};; "$sq"*"$sq") q=${{q#?}}; q=${{q%?}};; *) q=$v;; esac
echo strip_quotes=$(fp "$q")
c=$(printf %s "$v" | tr -d "\r"; printf x); c=${{c%x}}
echo strip_cr=$(fp "$c")
"#
    )
}

/// Parse the script's output into fingerprints (None: the variable is not set).
pub fn parse_runtime(out: &str) -> Result<Option<(Fingerprints, String)>, String> {
    let mut map = BTreeMap::new();
    for line in out.lines() {
        if let Some((k, v)) = line.trim().split_once('=') {
            map.insert(k.to_string(), v.trim().to_string());
        }
    }
    match map.get("set").map(String::as_str) {
        Some("0") => return Ok(None),
        Some("1") => {}
        _ => return Err("the machine did not answer with the fingerprint script's output".into()),
    }
    let tool = map.get("tool").cloned().unwrap_or_default();
    if tool == "none" {
        return Err("the machine has no sha256sum, openssl or busybox to compute a digest with".into());
    }
    let pair = |k: &str| -> Result<(usize, String), String> {
        let v = map.get(k).ok_or(format!("no {k} line"))?;
        let (n, h) = v.split_once(' ').ok_or(format!("bad {k} line"))?;
        let n = n
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("bad length on the {k} line"))?;
        let h = h.trim().to_ascii_lowercase();
        if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!("bad digest on the {k} line"));
        }
        Ok((n, h))
    };
    let (length, sha256) = pair("raw")?;
    let mut variants = BTreeMap::new();
    variants.insert(Variant::TrimTrailing, pair("trim_trailing")?);
    variants.insert(Variant::StripQuotes, pair("strip_quotes")?);
    variants.insert(Variant::StripCr, pair("strip_cr")?);
    Ok(Some((
        Fingerprints {
            length,
            sha256,
            variants,
        },
        tool,
    )))
}

fn valid_name(n: &str) -> bool {
    n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `fly-runtime:APP#NAME[?machine=ID]`: fingerprints computed inside the running machine.
pub async fn fetch_runtime(spec: &Spec) -> Result<Fetched, FetchError> {
    let app = &spec.locator;
    let name = spec.key.as_deref().unwrap_or_default();
    if !valid_name(name) {
        return Err(
            FetchError::unreadable(format!("{name:?} is not an environment variable name"))
                .hint("use letters, digits and _"),
        );
    }
    let command = format!("sh -c '{}'", runtime_script(name));
    let mut args = vec!["ssh", "console", "-a", app.as_str(), "-C", command.as_str()];
    if let Some(m) = spec.options.get("machine") {
        args.extend(["--machine", m.as_str()]);
    }
    let out = run_flyctl(&args, &format!("fly ssh console -a {app}")).await?;
    let what = format!("{app} (running machine)");
    match parse_runtime(&out) {
        Ok(Some((fp, tool))) => {
            let mut f = Fetched::of(Yield::Fingerprints(fp))
                .detail("app", app.clone())
            .detail("digest_tool", tool);
            if let Some(m) = spec.options.get("machine") {
                f = f.detail("machine", m.clone());
            }
            Ok(f)
        }
        Ok(None) => Err(FetchError::not_found(format!("{what}: {name} is not set in the running machine's environment"))
            .hint("the process reads a different name, or the secret was never deployed: `fly secrets list` and `fly secrets deploy`")),
        Err(e) => Err(FetchError::unreadable(format!("{what}: {e}")).hint("check that `fly ssh console` works for this app")),
    }
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

    #[test]
    fn runtime_script_prints_only_digests() {
        let secret = "s3cr3t-value-that-must-not-leave \n";
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(runtime_script("AD_RUNTIME_TEST"))
            .env("AD_RUNTIME_TEST", secret)
            .output()
            .expect("sh");
        let text = String::from_utf8_lossy(&out.stdout);
        for w in secret.trim().as_bytes().windows(6) {
            assert!(!text.as_bytes().windows(6).any(|x| x == w), "value leaked: {text}");
        }
        let (fp, _) = parse_runtime(&text).expect("parse").expect("set");
        assert_eq!(fp, Fingerprints::of(secret.as_bytes()), "{text}");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(runtime_script("AD_RUNTIME_UNSET_X"))
            .output()
            .expect("sh");
        assert_eq!(
            parse_runtime(&String::from_utf8_lossy(&out.stdout)).expect("parse"),
            None
        );
    }

    /// A machine without sha256sum: openssl (or busybox) computes the same digests; without any,
    /// the script says so instead of guessing.
    #[test]
    fn runtime_script_falls_back_to_openssl_and_reports_no_tool() {
        let dir = tempfile::tempdir().expect("tempdir");
        for tool in ["wc", "tr", "openssl"] {
            let Some(path) = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|d| d.join(tool))
                .find(|p| p.is_file())
            else {
                return;
            };
            std::os::unix::fs::symlink(path, dir.path().join(tool)).expect("link");
        }
        let run = |path: &std::path::Path| {
            let out = std::process::Command::new("/bin/sh")
                .arg("-c")
                .arg(runtime_script("AD_RT_TOOL"))
                .env("AD_RT_TOOL", "value\n")
                .env("PATH", path)
                .output()
                .expect("sh");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let text = run(dir.path());
        let (fp, tool) = parse_runtime(&text).expect("parse").expect("set");
        assert_eq!(tool, "openssl");
        assert_eq!(fp, Fingerprints::of(b"value\n"));
        std::fs::remove_file(dir.path().join("openssl")).expect("rm");
        let err = parse_runtime(&run(dir.path())).expect_err("no tool");
        assert!(err.contains("no sha256sum, openssl or busybox"), "{err}");
    }

    #[test]
    fn script_fits_in_single_quotes() {
        assert!(!runtime_script("X").contains('\''));
    }

    #[test]
    fn runtime_variants_match_local_ones() {
        for v in ["\"quoted\"\n", "'single'", "a\r\nb\r\n", "  spaced  ", "plain", ""] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(runtime_script("AD_RT_V"))
                .env("AD_RT_V", v)
                .output()
                .expect("sh");
            let (fp, _) = parse_runtime(&String::from_utf8_lossy(&out.stdout))
                .expect("parse")
                .expect("set");
            assert_eq!(fp, Fingerprints::of(v.as_bytes()), "{v:?}");
        }
    }
}
