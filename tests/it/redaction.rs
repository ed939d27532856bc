//! Without --reveal, no output of any command, format or error contains a 6-character run of the
//! secret. Every command of the CLI runs here over fixtures holding one known 64-character secret.

use crate::common::*;

const D: &str = "tests/fixtures/redaction";

fn all_forms() -> Vec<String> {
    let mut v: Vec<String> = ["exact", "mounted", "quoted", "truncated", "upper", "base64"]
        .iter()
        .map(|f| format!("{f}=file:{D}/{f}"))
        .collect();
    v.push(format!("frontend={D}/frontend.env#AUTH_SECRET"));
    v.push(format!("backend=env:{D}/backend.env#AUTH_SECRET?loader=node"));
    v.push("process=envvar:AD_REDACTION_SECRET".into());
    v.push(format!("piped=cmd:cat {D}/mounted"));
    v.push("in=-".into());
    // The spec itself holds the secret: the report must not echo it.
    v.push(format!("cmd:printf %s {KNOWN}"));
    v
}

/// The known secret served in a config.js over HTTP, stored in SSM and in Secrets Manager (moto).
fn remote_forms() -> Vec<String> {
    use std::sync::OnceLock;
    static SERVER: OnceLock<crate::common::http::Server> = OnceLock::new();
    let server = SERVER.get_or_init(|| {
        crate::common::http::serve(|path| match path {
            "/config.js" => crate::common::http::Response::ok(
                "application/javascript",
                format!("window.C = {{ jwt: '{KNOWN}', n: 1 }};"),
            ),
            _ => crate::common::http::Response::status(404),
        })
    });
    let m = crate::common::moto::moto();
    m.put_parameter("/redaction/jwt", &format!("{KNOWN}\n"));
    m.put_secret("redaction/api", &format!("{{\"jwt\": \"{KNOWN}\"}}"));
    static ECS: std::sync::Once = std::sync::Once::new();
    ECS.call_once(|| {
        m.ecs_service(
            "redaction",
            "api",
            "redaction-api",
            &[("AUTH_SECRET_ENV", KNOWN)],
            &[("JWT", "/redaction/jwt"), ("MISSING", "/redaction/nope")],
        )
    });
    vec![
        format!("served=configjs:{}/config.js#jwt", server.base),
        format!("configjs:{}/config.js#missing", server.base),
        format!("ssm=ssm:/redaction/jwt?region=us-east-1&endpoint={}", m.endpoint),
        format!("ssm:/redaction/nope?region=us-east-1&endpoint={}", m.endpoint),
        format!(
            "sm=secretsmanager:redaction/api#jwt?region=us-east-1&endpoint={}",
            m.endpoint
        ),
        format!(
            "secretsmanager:redaction/api#nope?region=us-east-1&endpoint={}",
            m.endpoint
        ),
        format!("ecs=ecs:redaction/api#JWT?region=us-east-1&endpoint={}", m.endpoint),
        format!(
            "ecs-env=ecs:redaction/api#AUTH_SECRET_ENV?region=us-east-1&endpoint={}",
            m.endpoint
        ),
        format!("ecs:redaction/api#MISSING?region=us-east-1&endpoint={}", m.endpoint),
        format!("ecs:redaction/api#NOPE?region=us-east-1&endpoint={}", m.endpoint),
    ]
}

/// A token signed with the known secret (the signature is not the secret; it may be printed).
fn signed() -> String {
    let r = run(ad().args([
        "jwt",
        "sign",
        "--secret",
        &format!("file:{D}/exact"),
        "--claim",
        "sub=u",
    ]));
    r.stdout.trim().to_string()
}

fn invocations() -> Vec<Vec<String>> {
    let mut forms = all_forms();
    forms.extend(remote_forms());
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    let mut runs = vec![
        [vec!["compare".to_string()], forms.clone()].concat(),
        [vec!["inspect".to_string()], forms.clone()].concat(),
        [
            vec!["compare".to_string(), "-v".into(), "--strict".into()],
            forms.clone(),
        ]
        .concat(),
        [vec!["inspect".to_string(), "-q".into()], forms.clone()].concat(),
        s(&["compare", &format!("{D}/frontend.env#NOPE"), &format!("file:{D}/exact")]),
        s(&[
            "compare",
            &format!("bad=cmd:echo {KNOWN} >&2; exit 1"),
            &format!("file:{D}/exact"),
        ]),
        s(&[
            "compare",
            &format!("cmd:sleep 3; echo {KNOWN}"),
            &format!("file:{D}/mounted"),
            "--timeout",
            "0.3",
        ]),
        // The secret pasted where a source belongs, and as a bad option value.
        s(&["compare", KNOWN, &format!("file:{D}/exact")]),
        s(&[
            "compare",
            &format!("x=env:.env#K?loader={KNOWN}"),
            &format!("file:{D}/exact"),
        ]),
        s(&["inspect", &format!("{KNOWN}=file:{D}/exact")]),
        s(&[
            "envfile",
            &format!("{D}/frontend.env"),
            &format!("{D}/backend.env"),
            &format!("{D}/plain.env"),
        ]),
        s(&[
            "envfile",
            &format!("{D}/frontend.env"),
            "--key",
            "AUTH_SECRET",
            "--loaders",
            "node,docker",
        ]),
        s(&[
            "envfile",
            &format!("{D}/mounted"),
            &format!("{D}/backend.env"),
            "--key",
            "NOPE",
        ]),
        s(&[
            "compare",
            &format!("a=env:{D}/frontend.env#AUTH_SECRET?loader=nextjs"),
            &format!("b=env:{D}/backend.env#AUTH_SECRET?loader=docker"),
        ]),
        s(&[
            "inspect",
            &format!("env:{D}/backend.env#AUTH_SECRET?loader=python&interpolate=false"),
            &format!("env:{D}/frontend.env#AUTH_SECRET?loader=shell"),
        ]),
        s(&[
            "compare",
            "machine=fly-runtime:catwalk-backend#AUTH_SECRET",
            &format!("file:{D}/exact"),
            "fly:catwalk-backend#AUTH_SECRET",
        ]),
        s(&[
            "compare",
            "k=k8s:prod/api-secrets#JWT_SECRET",
            "k8s:prod/api-secrets#JWT_SECRET_NL",
            "k8s:prod/api-secrets#NOPE",
            "k8s:prod/api-secrets#JWT_SECRET?context=unreachable",
            &format!("file:{D}/exact"),
        ]),
        s(&[
            "inspect",
            "pods=k8s-runtime:prod/api#JWT_SECRET",
            "k8s-runtime:prod/api#NOPE",
            "k8s:prod/api-secrets#JWT_SECRET",
        ]),
        s(&[
            "compare",
            "w=fly-runtime:catwalk-worker#AUTH_SECRET",
            "fly-runtime:catwalk-worker#AUTH_SECRET?machine=7f1a2b3c",
            &format!("file:{D}/exact"),
        ]),
        s(&[
            "inspect",
            "fly-runtime:catwalk-backend#AUTH_SECRET",
            &format!("fly-json:{D}/frontend.env#AUTH_SECRET"),
        ]),
        s(&[
            "jwt",
            "verify",
            &signed(),
            "--secret",
            &format!("a=file:{D}/mounted"),
            "--secret",
            &format!("b=file:{D}/upper"),
            "--secret",
            "c=envvar:AD_REDACTION_SECRET",
        ]),
        s(&["jwt", "verify", &signed(), "--secret", &format!("b=file:{D}/upper")]),
        s(&["jwt", "decode", &signed()]),
        s(&[
            "jwt",
            "verify",
            "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
            "--secret",
            &format!("file:{D}/exact"),
        ]),
        s(&["check", "--config", "examples/authdoctor.toml"]),
        s(&[
            "check",
            "--config",
            &format!("{D}/authdoctor.toml"),
            "--baseline",
            &format!("{D}/authdoctor.lock"),
        ]),
        s(&["init", "examples"]),
        s(&["explain", "AD102"]),
        s(&["explain", "all"]),
        s(&["sources"]),
        s(&["completions", "bash"]),
    ];
    runs.push(s(&["compare", &format!("file:{D}/exact"), &format!("file:{D}/upper")]));
    // Resource bounds (issue 17): a command flooding stdout or stderr with the value, a config.js
    // nested too deep around it.
    runs.push(s(&["inspect", &format!("cmd:yes {KNOWN}"), &format!("file:{D}/exact")]));
    runs.push(s(&[
        "inspect",
        &format!("cmd:yes {KNOWN} >&2; exit 1"),
        &format!("file:{D}/exact"),
    ]));
    runs.push(s(&[
        "inspect",
        &format!("configjs:{D}/deep.js#C.K"),
        &format!("file:{D}/exact"),
    ]));
    runs
}

#[test]
fn no_output_contains_the_secret() {
    let mut checked = 0;
    let token = signed();
    // A process holding the secret in its environment and as its .env, which changed after it
    // started (AD504), for proc: (killed on drop).
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".env"), format!("AD_REDACTION_SECRET={KNOWN}\n")).expect(".env");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let child = Kill(
        std::process::Command::new("sleep")
            .arg("120")
            .current_dir(dir.path())
            .env("AD_REDACTION_SECRET", KNOWN)
            .spawn()
            .expect("sleep"),
    );
    std::fs::File::options()
        .write(true)
        .open(dir.path().join(".env"))
        .and_then(|f| f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60)))
        .expect("mtime");
    let pid = child.0.id();
    let mut all = invocations();
    for cmd in ["compare", "inspect"] {
        all.push(vec![
            cmd.to_string(),
            format!("p=proc:{pid}#AD_REDACTION_SECRET"),
            format!("proc:{pid}#AD_REDACTION_SECRE"),
            format!("file:{D}/upper"),
        ]);
    }
    for args in all {
        for format in ["human", "json", "github"] {
            let r = run(ad()
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("FLYCTL", root().join("tests/fake-fly/fly"))
                .env("KUBECTL", root().join("tests/fake-kubectl/kubectl"))
                .env("FAKE_KUBECTL_POD_ENV", root().join("tests/fixtures/k8s/pods"))
                .env("FAKE_FLY_MACHINE_ENV", root().join(format!("{D}/machine.env")))
                .env("FAKE_FLY_MACHINES_ENV", root().join("tests/fixtures/fly/machine-env"))
                .args(&args)
                .args(["--format", format])
                .env("AD_REDACTION_SECRET", KNOWN)
                .env("AD_REDACTION_TOKEN", &token)
                .env("CLICOLOR_FORCE", "1")
                .write_stdin(format!("{KNOWN}\n")));
            assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
            for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
                if let Some(run6) = leaks(text, KNOWN) {
                    panic!("{args:?} --format {format}: {stream} contains '{run6}':\n{text}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 45, "only {checked} runs checked");
}

#[test]
fn reveal_is_the_only_way_to_see_it() {
    let r = run(ad().args([
        "--reveal",
        "compare",
        &format!("a=file:{D}/exact"),
        &format!("b=file:{D}/mounted"),
    ]));
    assert!(
        leaks(&r.stdout, KNOWN).is_some(),
        "--reveal shows the bytes:\n{}",
        r.stdout
    );
    let (_, v) = json(ad().args([
        "--reveal",
        "compare",
        &format!("a=file:{D}/exact"),
        &format!("b=file:{D}/mounted"),
    ]));
    assert_eq!(v["sources"][0]["hex"], hex_of(KNOWN));
}

fn hex_of(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}
