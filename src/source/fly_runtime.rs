//! `fly-runtime:APP#NAME[?machine=ID]`: fingerprints of the variable as each started machine of the
//! app (or the one named) sees it, computed inside it over `fly ssh console`; the value never leaves
//! the machine. Machines whose value differs, or that run an older release than the newest (they
//! predate the last deploy, which `fly secrets deploy` is), are a fact for AD505.

use super::flyctl::run_flyctl;
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Fact, FetchError, Fetched, Fingerprints, MachineNote, Part, Run, Spec, Yield};
use crate::transform::Transform;
use std::collections::BTreeMap;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "fly-runtime",
    example: "fly-runtime:catwalk-backend#AUTH_SECRET?machine=3d8d9d1b",
    yields: "fingerprints of the variable as every started machine of the app sees it (or ?machine=ID), computed inside each over `fly ssh console`; the value never leaves the machine; machines whose value differs or that predate the last deploy are named",
    options: &["machine"],
    verbatim: false,
};

pub struct FlyRuntime;

impl Scheme for FlyRuntime {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        super::flyctl::validate(spec, "an app name")
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

impl Remote for FlyRuntime {
    fn fetch<'a>(&'a self, spec: &'a Spec, _: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(fetch(spec))
    }
}

/// The POSIX script run inside the machine: whether NAME is set, its length and salted SHA-256
/// digests ([`crate::secret::digest`]: the run's random salt, then the bytes) of the raw value and
/// of the normalised variants. It prints digests and counts only, never the value nor a plain hash
/// of it, and contains no single quote, so it travels inside `sh -c '…'` (the salt is hex digits).
pub fn runtime_script(name: &str) -> String {
    let salt = crate::secret::salt();
    format!(
        r#"if [ -z "${{{name}+x}}" ]; then echo set=0; exit 0; fi
if command -v sha256sum >/dev/null 2>&1; then H=sha256sum; T=sha256sum
elif command -v openssl >/dev/null 2>&1; then H="openssl dgst -sha256 -r"; T=openssl
elif command -v busybox >/dev/null 2>&1; then H="busybox sha256sum"; T=busybox
else echo set=1; echo tool=none; exit 0; fi
echo set=1; echo tool=$T
S={salt}
fp() {{ n=$(printf %s "$1" | wc -c); set -- $({{ printf %s "$S"; printf %s "$1"; }} | $H); echo "$n $1"; }}
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
    variants.insert(Transform::TrimTrailing, pair("trim_trailing")?);
    variants.insert(Transform::TrimStripQuotes, pair("strip_quotes")?);
    variants.insert(Transform::StripCr, pair("strip_cr")?);
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

/// A started machine as `fly machines list --json` shows it (fly-go's `Machine`): its id, region,
/// release (`config.metadata.fly_release_version`) and last start (the latest `start` event's
/// `timestamp`, ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlyMachine {
    pub id: String,
    pub region: String,
    pub release: Option<u64>,
    pub started_ms: Option<i64>,
}

/// The started machines in `fly machines list --json` output.
pub fn parse_machines(text: &str) -> Result<Vec<FlyMachine>, String> {
    let v: serde_json::Value = serde_json::from_str(text.trim()).map_err(|e| format!("not valid JSON: {e}"))?;
    let items = v.as_array().ok_or("JSON that is not a list of machines")?;
    Ok(items
        .iter()
        .filter(|m| m["state"] == "started")
        .filter_map(|m| {
            Some(FlyMachine {
                id: m["id"].as_str()?.to_string(),
                region: m["region"].as_str().unwrap_or_default().to_string(),
                release: m["config"]["metadata"]["fly_release_version"]
                    .as_str()
                    .and_then(|r| r.parse().ok()),
                started_ms: m["events"].as_array().and_then(|e| {
                    e.iter()
                        .filter(|e| e["type"] == "start")
                        .filter_map(|e| e["timestamp"].as_i64())
                        .max()
                }),
            })
        })
        .collect())
}

/// Most machines asked per source: enough for an app's machines, bounded for a huge one.
const MAX_MACHINES: usize = 20;

/// Run the script in one machine (`None`: flyctl's default machine).
async fn in_machine(
    app: &str,
    name: &str,
    machine: Option<&str>,
) -> Result<Option<(Fingerprints, String)>, FetchError> {
    let command = format!("sh -c '{}'", runtime_script(name));
    let mut args = vec!["ssh", "console", "-a", app, "-C", command.as_str()];
    if let Some(m) = machine {
        args.extend(["--machine", m]);
    }
    let out = run_flyctl(&args, &format!("fly ssh console -a {app}")).await?;
    let what = match machine {
        Some(m) => format!("{app} (machine {m})"),
        None => format!("{app} (running machine)"),
    };
    parse_runtime(&out).map_err(|e| {
        FetchError::unreadable(format!("{what}: {e}")).hint("check that `fly ssh console` works for this app")
    })
}

fn not_set(app: &str, name: &str) -> FetchError {
    FetchError::not_found(format!("{app} (running machines): {name} is not set in the running machine's environment"))
        .hint("the process reads a different name, or the secret was never deployed: `fly secrets list` and `fly secrets deploy`")
}

/// Fingerprints computed inside the app's started machines (or the one `?machine=` names).
/// Errors: not found when no machine's environment has NAME; unreadable when flyctl fails, the app
/// has no started machine, or no machine can compute a digest.
async fn fetch(spec: &Spec) -> Result<Fetched, FetchError> {
    let app = &spec.locator;
    let name = spec.key.as_deref().unwrap_or_default();
    if !valid_name(name) {
        return Err(
            FetchError::unreadable(format!("{name:?} is not an environment variable name"))
                .hint("use letters, digits and _"),
        );
    }
    if let Some(m) = spec.options.get("machine") {
        return match in_machine(app, name, Some(m)).await? {
            Some((fp, tool)) => Ok(Fetched::of(Yield::Fingerprints(fp))
                .detail("app", app.clone())
                .detail("digest_tool", tool)
                .detail("machine", m.clone())),
            None => Err(not_set(app, name)),
        };
    }
    let listed = run_flyctl(
        &["machines", "list", "-a", app, "--json"],
        &format!("fly machines list -a {app}"),
    )
    .await?;
    let machines = parse_machines(&listed)
        .map_err(|e| FetchError::unreadable(format!("{app}: `fly machines list --json`: {e}")))?;
    if machines.is_empty() {
        return Err(FetchError::unreadable(format!("{app} has no started machine"))
            .hint("`fly machines list` shows them; start one (`fly machine start ID`) or give ?machine=ID"));
    }
    let asked: Vec<&FlyMachine> = machines.iter().take(MAX_MACHINES).collect();
    let reads = futures_util::future::join_all(asked.iter().map(|m| in_machine(app, name, Some(&m.id)))).await;
    let newest_release = asked.iter().filter_map(|m| m.release).max();
    // The value of the newest release stands for the app: the machines on it got the last deploy.
    // Among them the value most hold, then the latest started.
    let mut candidates: Vec<(usize, &FlyMachine, &Fingerprints)> = asked
        .iter()
        .zip(&reads)
        .filter(|(m, _)| m.release == newest_release)
        .filter_map(|(m, r)| match r {
            Ok(Some((fp, _))) => Some((0, *m, fp)),
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        candidates = asked
            .iter()
            .zip(&reads)
            .filter_map(|(m, r)| match r {
                Ok(Some((fp, _))) => Some((0, *m, fp)),
                _ => None,
            })
            .collect();
    }
    let counts: Vec<usize> = candidates
        .iter()
        .map(|(_, _, fp)| candidates.iter().filter(|(_, _, o)| o == fp).count())
        .collect();
    for (c, n) in candidates.iter_mut().zip(counts) {
        c.0 = n;
    }
    let Some((_, reference, fp)) = candidates
        .iter()
        .max_by_key(|(n, m, _)| (*n, m.started_ms, m.id.clone()))
        .copied()
    else {
        if let Some(Err(e)) = reads.iter().find(|r| r.is_err()) {
            return Err(e.clone());
        }
        return Err(not_set(app, name));
    };
    let tool = reads
        .iter()
        .find_map(|r| match r {
            Ok(Some((_, t))) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut notes = Vec::new();
    let mut rows = Vec::new();
    let mut parts = Vec::new();
    for (m, r) in asked.iter().zip(&reads) {
        let mut row =
            serde_json::json!({"machine": m.id, "region": m.region, "release": m.release, "started_ms": m.started_ms});
        let differs = match r {
            Ok(Some((other, _))) => {
                row["length"] = other.length.into();
                row["same"] = (other == fp).into();
                other != fp
            }
            Ok(None) => {
                row["set"] = false.into();
                true
            }
            Err(e) => {
                row["error"] = e.message.clone().into();
                false
            }
        };
        let older = matches!((m.release, newest_release), (Some(r), Some(n)) if r < n);
        if differs || older {
            notes.push(MachineNote {
                id: m.id.clone(),
                region: m.region.clone(),
                release: m.release,
                started_ms: m.started_ms,
                differs,
                older,
            });
        }
        if asked.len() > 1 {
            let mut details = std::collections::BTreeMap::new();
            details.insert("app".to_string(), serde_json::Value::from(app.clone()));
            details.insert("machine".to_string(), m.id.clone().into());
            details.insert("region".to_string(), m.region.clone().into());
            if let Some(rel) = m.release {
                details.insert("release".to_string(), rel.into());
            }
            parts.push(Part {
                label: format!("{}@{}", spec.name(), m.id),
                spec: format!("fly-runtime:{app}#{name}?machine={}", m.id),
                yielded: match r {
                    Ok(Some((p, _))) => Ok(Yield::Fingerprints(p.clone())),
                    Ok(None) => Err(FetchError::not_found(format!(
                        "{app} (machine {}): {name} is not set in its environment",
                        m.id
                    ))
                    .hint("`fly deploy` gives every machine the app's secrets")),
                    Err(e) => Err(e.clone()),
                },
                details,
            });
        }
        rows.push(row);
    }
    let mut f = Fetched::of(Yield::Fingerprints(fp.clone()))
        .detail("app", app.clone())
        .detail("digest_tool", tool)
        .detail("machine", reference.id.clone())
        .detail("machines", rows)
        .detail("started_machines", machines.len());
    f.parts = parts;
    if !notes.is_empty() {
        f.facts.push(Fact::FlyMachines {
            app: app.clone(),
            var: name.to_string(),
            newest_release,
            machines: asked.len(),
            off: notes,
        });
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let plain = crate::secret::sha256_hex(secret.as_bytes());
        assert!(!text.contains(&plain[..12]), "a plain SHA-256 was posted: {text}");
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
    fn started_machines_with_release_and_last_start() {
        let text = r#"[{"id":"a1","state":"started","region":"iad","config":{"metadata":{"fly_release_version":"12"}},
            "events":[{"type":"start","status":"started","timestamp":1700000100000},{"type":"launch","timestamp":1700000000000},
                      {"type":"start","status":"started","timestamp":1700000000500}]},
            {"id":"b2","state":"stopped","region":"ams"},
            {"id":"c3","state":"started","region":"ams"}]"#;
        assert_eq!(
            parse_machines(text).expect("parse"),
            [
                FlyMachine {
                    id: "a1".into(),
                    region: "iad".into(),
                    release: Some(12),
                    started_ms: Some(1_700_000_100_000)
                },
                FlyMachine {
                    id: "c3".into(),
                    region: "ams".into(),
                    release: None,
                    started_ms: None
                }
            ]
        );
        assert!(parse_machines("{}").is_err());
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
