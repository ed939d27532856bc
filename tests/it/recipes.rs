//! The `cmd:` recipes `authdoctor sources` lists: each one, run against a stand-in for its tool
//! that prints the way the real one does (a trailing newline or none), yields the value's exact
//! bytes; a tool that fails makes the source unreadable, not empty.

use crate::common::*;

const VALUE: &str = "Wm3Xc8Vb1Nq6Lk2Jh7Gf4Ds9Ap0Oi5Uy3Tr8Ee1Ww6Qz2Xs7Cd4Rf9Tg0Yh5Uj1K";

/// Stand-ins: `op read --no-newline`, `gcloud … access` and `vault kv get -field=` print the bytes
/// alone; `az … -o tsv` and `doppler … --plain` add one newline. With FAIL set each exits 1.
fn tools(dir: &std::path::Path) {
    let tools = [
        (
            "op",
            "case \" $* \" in *' --no-newline '*) printf %s \"$V\";; *) printf '%s\\n' \"$V\";; esac",
        ),
        ("gcloud", "printf %s \"$V\""),
        ("vault", "printf %s \"$V\""),
        ("az", "printf '%s\\n' \"$V\""),
        ("doppler", "printf '%s\\n' \"$V\""),
    ];
    for (name, body) in tools {
        let p = dir.join(name);
        std::fs::write(
            &p,
            format!("#!/bin/sh\n[ -n \"$FAIL\" ] && {{ echo 'error: denied' >&2; exit 1; }}\n{body}\n"),
        )
        .expect("write tool");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
}

fn recipes() -> Vec<(String, String)> {
    let (code, v) = json(ad().arg("sources"));
    assert_eq!(code, 0);
    let cmd = v["schemes"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["scheme"] == "cmd").cloned())
        .unwrap_or_default();
    cmd["recipes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    (
                        r["store"].as_str().unwrap_or_default().to_string(),
                        r["spec"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_recipe_yields_the_exact_value_and_fails_loudly() {
    let dir = tempfile::tempdir().expect("tempdir");
    tools(dir.path());
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
    let all = recipes();
    let stores: Vec<&str> = all.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        stores,
        [
            "1Password",
            "GCP Secret Manager",
            "Azure Key Vault",
            "HashiCorp Vault",
            "Doppler"
        ]
    );
    for (store, spec) in &all {
        let (code, v) = json(ad().env("PATH", &path).env("V", VALUE).args(["inspect", spec]));
        assert_eq!(code, 0, "{store}: {v}");
        assert_eq!(v["sources"][0]["length"], VALUE.len(), "{store}: {v}");
        let (code, v) = json(
            ad().env("PATH", &path)
                .env("V", VALUE)
                .env("FAIL", "1")
                .args(["inspect", spec]),
        );
        assert_eq!(
            code, 3,
            "{store}: a failing tool is unreadable, not an empty value: {v}"
        );
    }
}
