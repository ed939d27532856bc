//! `authdoctor check` over authdoctor.toml.

use crate::common::*;

#[test]
fn the_shipped_example() {
    let (code, v) = json(ad().args(["check", "--config", "examples/authdoctor.toml"]));
    assert_eq!(code, 1, "{v}");
    let checks = v["checks"].as_array().expect("checks");
    let names: Vec<&str> = checks
        .iter()
        .map(|c| c["sources"][0]["label"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, vec!["frontend", "frontend", "mounted"]);
    let codes = |i: usize| {
        checks[i]["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| f["code"].as_str().unwrap_or("").to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    assert!(codes(0).contains(&"AD102".to_string()), "{v}");
    assert!(codes(1).contains(&"AD100".to_string()), "{v}");
    assert!(codes(2).contains(&"AD415".to_string()), "{v}");
    assert_eq!(v["verdict"], "fail");

    let (code, v) = json(ad().args([
        "check",
        "--config",
        "examples/authdoctor.toml",
        "--only",
        "AUTH_SYNC_SECRET",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["checks"].as_array().map(Vec::len), Some(1));
    let r = run(ad().args(["check", "--config", "examples/authdoctor.toml", "--only", "NOPE"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("names: AUTH_SECRET, AUTH_SYNC_SECRET, api-token"),
        "{}",
        r.stderr
    );
}

#[test]
fn github_annotations_carry_file_and_line() {
    let r = run(ad().args(["--format", "github", "check", "--config", "examples/authdoctor.toml"]));
    // AD102 lands on the file that holds the newline (a secret file: its first line), relative to
    // the repository root.
    assert!(
        r.stdout
            .contains("::error file=examples/secrets/auth_secret,line=1,title=AD102::"),
        "{}",
        r.stdout
    );
    // The example's quoted value is read by Next.js and python only: no docker warning for it.
    assert!(!r.stdout.contains("title=AD301"), "{}", r.stdout);
    // A project that runs docker on the file gets the warning, at the file and line.
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join(".env"),
        "A=1\nAUTH_SECRET=\"x8Kq2Lm9Vb4Nc7Xz1Tr5Wy3Hs6Jd0Fg8Pq2Lm9Vb4Nc7X\"\n",
    )
    .expect("write");
    std::fs::write(d.path().join("run.sh"), "docker run --env-file .env app\n").expect("write");
    std::fs::write(
        d.path().join("authdoctor.toml"),
        "[[secret]]\nname = \"AUTH_SECRET\"\nsources = [\"a=env:.env#AUTH_SECRET?loader=node\", \"b=env:.env#AUTH_SECRET?loader=python\"]\n",
    )
    .expect("write");
    let r = run(ad().current_dir(d.path()).args(["--format", "github", "check"]));
    assert!(r.stdout.contains(".env,line=2,title=AD301::"), "{}", r.stdout);
}

#[test]
fn found_in_a_parent_directory_and_config_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a"), "same-value-0123456789abcdef0123456789").expect("write");
    std::fs::write(dir.path().join("b"), "same-value-0123456789abcdef0123456789").expect("write");
    std::fs::write(
        dir.path().join("authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"file:a\", \"file:b\"]\n",
    )
    .expect("write");
    let sub = dir.path().join("deep/er");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let r = run(ad().arg("check").current_dir(&sub));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("AD100"), "{}", r.stdout);
    std::fs::write(
        dir.path().join("authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsorces = [\"file:a\"]\n",
    )
    .expect("write");
    let r = run(ad().arg("check").current_dir(&sub));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("authdoctor.toml:3:1: unknown field `sorces`"),
        "{}",
        r.stderr
    );
    let empty = tempfile::tempdir().expect("tempdir");
    let r = run(ad().arg("check").current_dir(empty.path()));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no authdoctor.toml in this directory or any parent"),
        "{}",
        r.stderr
    );
}

fn all_codes(v: &serde_json::Value) -> Vec<(String, String)> {
    v["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["findings"].as_array().into_iter().flatten())
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn baseline_reports_what_changed_since_the_last_good_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let old = "first-value-0123456789abcdef0123456789";
    let new = "second-value-9876543210fedcba9876543210";
    std::fs::write(d.join("a"), old).expect("write");
    std::fs::write(d.join("b"), old).expect("write");
    let fly = std::fs::read_to_string(root().join("tests/fixtures/fly/0.4.6/catwalk-backend.json")).expect("fixture");
    std::fs::write(d.join("fly.json"), &fly).expect("write");
    std::fs::write(
        d.join("authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"a=file:a\", \"b=file:b\"]\n\n\
         [[secret]]\nname = \"F\"\nsources = [\"fly=fly-json:fly.json#AUTH_SYNC_SECRET\", \"a=file:a\"]\n",
    )
    .expect("write");
    let check = |args: &[&str]| json(ad().arg("check").args(args).current_dir(d));

    // No lock yet: --baseline says how to make one.
    let r = run(ad().args(["check", "--baseline"]).current_dir(d));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("authdoctor.lock"), "{}", r.stderr);
    assert!(r.stderr.contains("--update-baseline"), "{}", r.stderr);

    let r = run(ad().args(["check", "--update-baseline"]).current_dir(d));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("wrote"), "{}", r.stderr);
    let lock = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock written beside the config");
    assert!(leaks(&lock, old).is_none(), "the lock holds part of the value:\n{lock}");
    assert!(lock.contains("spec = \"fly-json:fly.json#AUTH_SYNC_SECRET\""), "{lock}");
    assert!(lock.contains("digest = \"b81e4c2d9a0f7365\""), "{lock}");

    let (code, v) = check(&["--baseline"]);
    assert_eq!(code, 0, "{v}");
    assert!(!all_codes(&v).iter().any(|(c, _)| c == "AD112"), "{v}");

    // A rotation: both files changed together. A warning (exit 0), a failure under --strict.
    std::fs::write(d.join("a"), new).expect("write");
    std::fs::write(d.join("b"), new).expect("write");
    let (code, v) = check(&["--baseline", "authdoctor.lock", "--only", "S"]);
    assert_eq!(code, 0, "{v}");
    let drift: Vec<_> = all_codes(&v).into_iter().filter(|(c, _)| c == "AD112").collect();
    assert_eq!(drift.len(), 2, "{v}");
    assert!(drift[0].1.contains("length 38 → 39 bytes"), "{v}");
    assert!(v.to_string().contains("every source of S changed"), "{v}");
    let (code, _) = check(&["--baseline", "--only", "S", "--strict"]);
    assert_eq!(code, 1);

    // Record the rotation for S only: F's entries stay as they were.
    let r = run(ad().args(["check", "--only", "S", "--update-baseline"]).current_dir(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lock2 = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock");
    assert!(lock2.contains("b81e4c2d9a0f7365"), "{lock2}");
    assert_ne!(lock, lock2);
    let (_, v) = check(&["--baseline", "--only", "S"]);
    assert!(!all_codes(&v).iter().any(|(c, _)| c == "AD112"), "{v}");

    // One source drifts: a trailing newline, and Fly's secret set again and staged.
    std::fs::write(d.join("b"), format!("{new}\n")).expect("write");
    let fly2 = fly.replace("b81e4c2d9a0f7365", "0c1d2e3f4a5b6c7d").replacen(
        "\"0c1d2e3f4a5b6c7d\",\n        \"status\": \"Deployed\"",
        "\"0c1d2e3f4a5b6c7d\",\n        \"status\": \"Staged\"",
        1,
    );
    std::fs::write(d.join("fly.json"), fly2).expect("write");
    let (code, v) = check(&["--baseline"]);
    assert_eq!(code, 1, "the values now differ (AD102): {v}");
    let drift: Vec<_> = all_codes(&v).into_iter().filter(|(c, _)| c == "AD112").collect();
    assert!(
        drift
            .iter()
            .any(|(_, m)| m.starts_with("b: changed since") && m.contains("trailing whitespace or a newline was added")),
        "{v}"
    );
    assert!(
        drift.iter().any(|(_, m)| m.starts_with("fly: changed since")
            && m.contains("digest changed")
            && m.contains("status Deployed → Staged")),
        "{v}"
    );
    assert!(v.to_string().contains("only some sources of S changed"), "{v}");

    // A failing run does not overwrite the known-good lock.
    let before = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock");
    let r = run(ad().args(["check", "--update-baseline"]).current_dir(d));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not updated"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock"),
        before
    );
}

/// A group may hold the runtime sources: a local process (proc:), a Kubernetes Secret and the pods
/// that read it (kubectl stand-in), and every machine of a Fly app (flyctl stand-in); each one's
/// platform finding lands in the group's report.
#[test]
fn groups_accept_the_runtime_sources() {
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let child = Kill(
        std::process::Command::new("sleep")
            .arg("60")
            .env("JWT_SECRET", KNOWN)
            .spawn()
            .expect("sleep"),
    );
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("authdoctor.toml"),
        format!(
            "[[secret]]\nname = \"JWT_SECRET\"\nsources = [\"local=proc:{}#JWT_SECRET\", \"secret=k8s:prod/api-secrets#JWT_SECRET\", \
\"pods=k8s-runtime:prod/api#JWT_SECRET\", \"worker=fly-runtime:catwalk-worker#AUTH_SECRET\"]\n",
            child.0.id()
        ),
    )
    .expect("config");
    let (code, v) = json(
        ad().args([
            "check",
            "--config",
            &d.path().join("authdoctor.toml").display().to_string(),
        ])
        .env("KUBECTL", root().join("tests/fake-kubectl/kubectl"))
        .env("FAKE_KUBECTL_POD_ENV", root().join("tests/fixtures/k8s/pods"))
        .env("FLYCTL", root().join("tests/fake-fly/fly"))
        .env("FAKE_FLY_MACHINES_ENV", root().join("tests/fixtures/fly/machine-env")),
    );
    assert_eq!(code, 1, "{v}");
    let labels: Vec<&str> = v["checks"][0]["sources"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        labels,
        [
            "local",
            "secret",
            "pods@api-7d9f8c6b5-k2xqp",
            "pods@api-7d9f8c6b5-zr8wn",
            "worker@4d89e1c2",
            "worker@7f1a2b3c",
            "worker@9e8d7c6b"
        ],
        "{v}"
    );
    let found: Vec<String> = all_codes(&v).into_iter().map(|(c, _)| c).collect();
    for code in ["AD503", "AD505"] {
        assert!(found.contains(&code.to_string()), "{code}: {v}");
    }
    assert_eq!(
        v["checks"][0]["groups"][0],
        serde_json::json!([
            "local",
            "pods@api-7d9f8c6b5-zr8wn",
            "secret",
            "worker@4d89e1c2",
            "worker@9e8d7c6b"
        ]),
        "{v}"
    );
}
