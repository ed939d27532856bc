//! `fly-runtime:APP#NAME[?machine=ID]`: fingerprints of the variable as the running machine sees
//! it, computed inside it over `fly ssh console`; the value never leaves the machine.

use super::flyctl::run_flyctl;
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{FetchError, Fetched, Fingerprints, Run, Spec, Yield};
use crate::transform::Transform;
use std::collections::BTreeMap;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "fly-runtime",
    example: "fly-runtime:catwalk-backend#AUTH_SECRET?machine=3d8d9d1b",
    yields: "fingerprints of the variable as the running machine sees it, computed inside it over `fly ssh console`; the value never leaves the machine",
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

/// Fingerprints computed inside the running machine. Errors: not found when the machine's
/// environment lacks NAME; unreadable when flyctl fails or the machine cannot compute a digest.
async fn fetch(spec: &Spec) -> Result<Fetched, FetchError> {
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
