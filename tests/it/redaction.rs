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

/// The HTTP server of the remote forms: a config.js, and the Vercel REST API (`VERCEL_API_URL`)
/// for project `red` holding the secret as an encrypted, a plain and a sensitive variable.
fn server() -> &'static crate::common::http::Server {
    use std::sync::OnceLock;
    static SERVER: OnceLock<crate::common::http::Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let json = |body: String| crate::common::http::Response::ok("application/json", body);
        crate::common::http::serve(move |path| match path.split_once('?').map_or(path, |(p, _)| p) {
            "/config.js" => crate::common::http::Response::ok(
                "application/javascript",
                format!("window.C = {{ jwt: '{KNOWN}', n: 1 }};"),
            ),
            "/v10/projects/red/env" => json(format!(
                r#"{{"envs":[{{"id":"e1","key":"ENC","type":"encrypted","value":"x","decrypted":false,"target":["production"],"updatedAt":1}},
                {{"id":"e2","key":"PLAIN","type":"plain","value":"{KNOWN}","target":["production"],"updatedAt":9999999999999}},
                {{"id":"e3","key":"SENS","type":"sensitive","target":["production"],"updatedAt":9999999999999}}]}}"#
            )),
            "/v1/projects/red/env/e1" => json(format!(
                r#"{{"decrypted":true,"type":"encrypted","key":"ENC","value":"{KNOWN}","id":"e1"}}"#
            )),
            "/v6/deployments" => json(r#"{"deployments":[{"uid":"dpl_1","created":2}]}"#.to_string()),
            _ => crate::common::http::Response::status(404),
        })
    })
}

/// The known secret served in a config.js over HTTP, stored in SSM and in Secrets Manager (moto),
/// and in Vercel.
fn remote_forms() -> Vec<String> {
    let server = server();
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
        "vercel-enc=vercel:red#ENC".into(),
        "vercel-plain=vercel:red#PLAIN".into(),
        "vercel-sens=vercel:red#SENS".into(),
        "vercel:red#NOPE".into(),
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
        for format in ["human", "json", "github", "sarif", "junit"] {
            let r = run(ad()
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("FLYCTL", root().join("tests/fake-fly/fly"))
                .env("KUBECTL", root().join("tests/fake-kubectl/kubectl"))
                .env("FAKE_KUBECTL_POD_ENV", root().join("tests/fixtures/k8s/pods"))
                .env("FAKE_FLY_MACHINE_ENV", root().join(format!("{D}/machine.env")))
                .env("FAKE_FLY_MACHINES_ENV", root().join("tests/fixtures/fly/machine-env"))
                .env("VERCEL_API_URL", &server().base)
                .env("VERCEL_TOKEN", "vercel-test-token")
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
            // Nor its base64/base64url/hex/URL-encoded forms, nor a plain SHA-256 prefix of it.
            assert_clean(&format!("{args:?} --format {format}"), &r, KNOWN);
            if format == "json" && !r.stdout.is_empty() && !["completions", "init"].contains(&args[0].as_str()) {
                serde_json::from_str::<serde_json::Value>(&r.stdout)
                    .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}", r.stdout));
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

/// The forms authdoctor computes of a value (base64, base64url, hex, URL-encoded), which must
/// not be printed either. Their runs are looked for at 12 characters: the redactor's minimum run
/// for a long value (shorter runs are what text shares with a value by chance).
fn derived(v: &str) -> Vec<String> {
    use base64::Engine as _;
    let b = v.as_bytes();
    let pct: String = b
        .iter()
        .map(|c| {
            if c.is_ascii_alphanumeric() || b"-._~".contains(c) {
                (*c as char).to_string()
            } else {
                format!("%{c:02X}")
            }
        })
        .collect();
    vec![
        base64::engine::general_purpose::STANDARD.encode(b),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b),
        hex_of(v),
        hex_of(v).to_uppercase(),
        pct,
    ]
}

fn leaks_at(text: &str, secret: &str, n: usize) -> Option<String> {
    secret
        .as_bytes()
        .windows(n)
        .find(|w| text.as_bytes().windows(n).any(|x| x == *w))
        .map(|w| String::from_utf8_lossy(w).into_owned())
}

/// Every stream of `r` free of `secret` and its derived forms, and of plain SHA-256 prefixes of it.
fn assert_clean(what: &str, r: &Run, secret: &str) {
    for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        if let Some(run) = leaks(text, secret) {
            panic!("{what}: {stream} contains '{run}':\n{text}");
        }
        for form in derived(secret) {
            if let Some(run) = leaks_at(text, &form, 12) {
                panic!("{what}: {stream} contains '{run}' of a derived form:\n{text}");
            }
        }
        let plain = sha256_prefix(secret.as_bytes());
        assert!(
            !text.contains(&plain),
            "{what}: {stream} has the plain SHA-256 prefix:\n{text}"
        );
    }
}

fn sha256_prefix(b: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(b))[..12].to_string()
}

/// A backend whose error echoes a value that another source of the same run holds: an
/// SSM-compatible endpoint answering every call with 400 and the value as the error type, and a
/// failing `cmd:` that prints the other source's value to stderr (in compare and in `jwt sign`).
#[test]
fn backend_errors_echoing_another_sources_value_are_scrubbed() {
    let server = crate::common::http::serve(|_| crate::common::http::Response {
        status: 400,
        headers: vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
        body: format!(r#"{{"__type":"{KNOWN}","message":"value {KNOWN} rejected"}}"#).into_bytes(),
        delay: std::time::Duration::ZERO,
    });
    let ssm = format!("ssm:/echo/jwt?region=us-east-1&endpoint={}", server.base);
    let bad_cmd = format!("bad=cmd:cat {D}/exact >&2; exit 1");
    for format in ["human", "json", "github"] {
        for args in [
            vec!["compare".to_string(), ssm.clone(), format!("file:{D}/exact")],
            vec!["inspect".to_string(), format!("file:{D}/exact"), ssm.clone()],
            vec!["compare".to_string(), format!("file:{D}/exact"), bad_cmd.clone()],
        ] {
            let r = run(ad()
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .args(&args)
                .args(["--format", format, "--timeout", "5"]));
            assert_eq!(r.code, 3, "{args:?}: {}\n{}", r.stdout, r.stderr);
            assert_clean(&format!("{args:?} --format {format}"), &r, KNOWN);
            if format == "json" {
                serde_json::from_str::<serde_json::Value>(&r.stdout).expect("valid JSON");
            }
        }
    }
    // jwt sign: a failing --secret command prints a value no source of the run read; what looks
    // like secret material in its stderr is masked all the same.
    for format in ["human", "json", "github"] {
        let r = run(ad().args([
            "jwt",
            "sign",
            "--secret",
            &format!("cmd:echo \"error: {KNOWN}\" >&2; exit 1"),
            "--claim",
            "sub=u",
            "--format",
            format,
        ]));
        assert_ne!(r.code, 0);
        assert!(r.stderr.contains("error"), "{}", r.stderr);
        assert_clean(&format!("jwt sign --format {format}"), &r, KNOWN);
    }
}

/// A type error in authdoctor.toml names the place and what was expected, never the value.
#[test]
fn config_type_errors_do_not_echo_the_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("authdoctor.toml");
    for body in [
        format!("[[secret]]\nname = \"S\"\nsources = \"{KNOWN}\"\n"),
        format!("[[token]]\nname = \"T\"\ntoken = \"envvar:X\"\nsecrets = [\"file:x\"]\nleeway = \"{KNOWN}\"\n"),
        format!("[[token]]\nname = \"T\"\ntoken = \"envvar:X\"\nverifier = \"{KNOWN}\"\n"),
    ] {
        std::fs::write(&p, &body).expect("write");
        for format in ["human", "json", "github"] {
            let r = run(ad().args(["check", "--config"]).arg(&p).args(["--format", format]));
            assert_eq!(r.code, 2, "{}", r.stderr);
            assert!(r.stderr.contains("authdoctor.toml:"), "{}", r.stderr);
            assert_clean(&format!("config {body:?}"), &r, KNOWN);
        }
    }
    // Nor does `explain` or `--only` echo text that is not a code or a name.
    let r = run(ad().args(["explain", KNOWN]));
    assert_eq!(r.code, 2);
    assert_clean("explain", &r, KNOWN);
    let r = run(ad().args(["explain", "AD999"]));
    assert!(r.stderr.contains("AD999"), "a code-shaped word is echoed: {}", r.stderr);
    let r = run(ad().args(["check", "--config", "examples/authdoctor.toml", "--only", KNOWN]));
    assert_eq!(r.code, 2);
    assert_clean("--only", &r, KNOWN);
}

/// A base64 line pasted alone into a .env parses as a key: it is never listed as a key name.
#[test]
fn a_value_pasted_alone_is_not_listed_as_a_key() {
    use base64::Engine as _;
    let pasted = base64::engine::general_purpose::STANDARD.encode(&KNOWN.as_bytes()[..32]);
    let dir = tempfile::tempdir().expect("tempdir");
    let env = dir.path().join(".env");
    std::fs::write(&env, format!("OTHER=1\n{pasted}\nAUTH_URL=http://x\n")).expect("write");
    let bare = pasted.trim_end_matches('=');
    for format in ["human", "json", "github"] {
        for args in [
            vec![
                "compare".to_string(),
                format!("env:{}#AUTH_SECRET", env.display()),
                format!("file:{D}/exact"),
            ],
            vec!["envfile".to_string(), env.display().to_string()],
        ] {
            let r = run(ad().args(&args).args(["--format", format]));
            for text in [&r.stdout, &r.stderr] {
                assert!(leaks_at(text, bare, 12).is_none(), "{args:?} {format}: listed\n{text}");
            }
            if format == "json" {
                serde_json::from_str::<serde_json::Value>(&r.stdout).expect("valid JSON");
            }
        }
    }
    let r = run(ad().args([
        "compare",
        &format!("env:{}#AUTH_SECRET", env.display()),
        &format!("file:{D}/exact"),
    ]));
    assert!(
        r.stdout.contains("OTHER") && r.stdout.contains("AUTH_URL"),
        "{}",
        r.stdout
    );
}

/// Names from input with control characters (ESC, CR, LF, U+2028, bidi) are escaped in every
/// format, and in GitHub format a newline cannot start a workflow command.
#[test]
fn names_from_input_cannot_inject_escapes_or_workflow_commands() {
    let m = crate::common::moto::moto();
    m.put_secret(
        "redaction/hostile",
        r#"{"evil\u001b[2J\n::add-mask::x\r\n::error title=pwn::owned": "v", "rtl\u202etxt\u2028next": "w"}"#,
    );
    let spec = format!(
        "secretsmanager:redaction/hostile#missing?region=us-east-1&endpoint={}",
        m.endpoint
    );
    for format in ["human", "json", "github"] {
        let r = run(ad()
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .args([
                "compare",
                &spec,
                &format!("file:{D}/exact"),
                "--format",
                format,
                "--color",
                "never",
            ]));
        for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
            assert!(!text.contains('\x1b'), "{format} {stream}: raw ESC\n{text}");
            assert!(!text.contains('\r'), "{format} {stream}: raw CR\n{text}");
            assert!(
                !text.contains('\u{202e}') && !text.contains('\u{2028}'),
                "{format} {stream}\n{text}"
            );
            for line in text.lines() {
                // The runner reads a workflow command only at the start of a line.
                assert!(
                    !line.trim_start().starts_with("::add-mask::")
                        && !line.trim_start().starts_with("::error title=pwn"),
                    "{format} {stream}: injected command: {line}"
                );
            }
        }
        assert!(
            r.stdout.contains("evil") || r.stderr.contains("evil"),
            "the field is still named: {}",
            r.stdout
        );
        if format == "json" {
            serde_json::from_str::<serde_json::Value>(&r.stdout).expect("valid JSON");
        }
    }
}

/// Fingerprints are keyed per run: no plain SHA-256 prefix of a value appears anywhere unless
/// `--fingerprint sha256`; equal values share a fingerprint within a run, not across runs; the
/// lock holds a salted scrypt hash.
#[test]
fn fingerprints_are_not_a_guessing_oracle() {
    let values: Vec<Vec<u8>> = ["exact", "mounted", "quoted", "upper"]
        .iter()
        .map(|f| std::fs::read(root().join(D).join(f)).expect("fixture"))
        .collect();
    let plain: Vec<String> = values
        .iter()
        .flat_map(|v| [sha256_prefix(v), sha256_prefix(v.trim_ascii())])
        .chain([sha256_prefix(KNOWN.as_bytes())])
        .collect();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "compare".to_string(),
            format!("a=file:{D}/exact"),
            format!("b=file:{D}/exact"),
            format!("c=file:{D}/mounted"),
            format!("d={D}/frontend.env#AUTH_SECRET"),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let mut fps = Vec::new();
    for format in ["human", "json", "github"] {
        for cmd in [
            args(&[]),
            vec![
                "envfile".into(),
                format!("{D}/frontend.env"),
                format!("{D}/backend.env"),
            ],
        ] {
            let r = run(ad().args(&cmd).args(["--format", format]));
            for p in &plain {
                assert!(
                    !r.stdout.contains(p.as_str()),
                    "{cmd:?} {format}: plain sha256 {p}\n{}",
                    r.stdout
                );
            }
        }
        let (_, v) = json(ad().args(args(&[])));
        let fp = |i: usize| v["sources"][i]["fingerprint"].as_str().unwrap_or("").to_string();
        assert!(fp(0).starts_with("fp:") && fp(0).len() == 15, "{v}");
        assert_eq!(fp(0), fp(1), "equal values, equal fingerprints within a run");
        assert_ne!(fp(0), fp(2));
        assert!(v["fingerprints"].as_str().unwrap_or("").contains("this run"), "{v}");
        fps.push(fp(0));
    }
    assert_ne!(fps[0], fps[1], "keyed fingerprints change every run");
    // --fingerprint sha256 opts into the plain prefix (so the oracle check above would see it).
    let (_, v) = json(ad().args(args(&["--fingerprint", "sha256"])));
    assert_eq!(
        v["sources"][0]["fingerprint"].as_str().unwrap_or(""),
        format!("sha256:{}", sha256_prefix(&values[0]))
    );
    // The lock: scrypt with its salt, no plain prefix; drift still found.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("v"), KNOWN).expect("v");
    std::fs::write(d.join("w"), KNOWN).expect("w");
    std::fs::write(
        d.join("authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"a=file:v\", \"b=file:w\"]\n",
    )
    .expect("toml");
    let r = run(ad().args(["check", "--update-baseline"]).current_dir(d));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let lock = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock");
    assert!(lock.contains("$scrypt$ln="), "{lock}");
    assert!(!lock.contains(&sha256_prefix(KNOWN.as_bytes())), "{lock}");
    assert!(leaks(&lock, KNOWN).is_none(), "{lock}");
    // Unchanged values keep their lines (the salt is reused).
    let r = run(ad().args(["check", "--update-baseline"]).current_dir(d));
    assert_eq!(r.code, 0);
    assert_eq!(std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock"), lock);
    std::fs::write(d.join("w"), format!("{KNOWN}\n")).expect("w");
    let (code, v) = json(ad().args(["check", "--baseline"]).current_dir(d));
    assert_eq!(code, 1, "{v}");
    let drift = v["checks"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "AD112")
        .unwrap_or_else(|| panic!("AD112: {v}"))
        .clone();
    let msg = drift["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("64 → 65 bytes") && msg.contains("trailing whitespace or a newline was added"),
        "{msg}"
    );
}

/// A lock written before scrypt (12-hex SHA-256 prefixes) is still read, and migrated on update.
#[test]
fn an_old_lock_is_read_and_migrated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("v"), KNOWN).expect("v");
    std::fs::write(d.join("w"), KNOWN).expect("w");
    std::fs::write(
        d.join("authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"a=file:v\", \"b=file:w\"]\n",
    )
    .expect("toml");
    let entry = |spec: &str| {
        format!(
            "[[source]]\nspec = \"{spec}\"\nkind = \"value\"\nlength = 64\nsha256 = \"{}\"\n",
            sha256_prefix(KNOWN.as_bytes())
        )
    };
    std::fs::write(
        d.join("authdoctor.lock"),
        format!("version = 1\n{}{}", entry("file:v"), entry("file:w")),
    )
    .expect("lock");
    let (code, v) = json(ad().args(["check", "--baseline"]).current_dir(d));
    assert_eq!(code, 0, "{v}");
    std::fs::write(d.join("v"), format!("{KNOWN}x")).expect("v");
    let (_, v) = json(ad().args(["check", "--baseline"]).current_dir(d));
    assert!(v.to_string().contains("AD112"), "{v}");
    assert!(v.to_string().contains("the value's hash no longer matches"), "{v}");
    std::fs::write(d.join("v"), KNOWN).expect("v");
    let r = run(ad().args(["check", "--baseline", "--update-baseline"]).current_dir(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lock = std::fs::read_to_string(d.join("authdoctor.lock")).expect("lock");
    assert!(lock.contains("$scrypt$") && !lock.contains("sha256 ="), "{lock}");
}

/// Weak values (AD201) get no fingerprint in CI or machine output.
#[test]
fn weak_values_get_no_fingerprint_in_ci() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("short"), "hunter2hunter2").expect("short");
    let spec = format!("s=file:{}", dir.path().join("short").display());
    let (_, v) = json(ad().args(["inspect", &spec]));
    assert!(v.to_string().contains("AD201"), "{v}");
    assert!(v["sources"][0].get("fingerprint").is_none(), "{v}");
    let r = run(ad().args(["inspect", &spec]).env("CI", "true"));
    assert!(
        !r.stdout.contains("fp:") && !r.stdout.contains("sha256:"),
        "{}",
        r.stdout
    );
    let r = run(ad().args(["inspect", &spec]).env_remove("CI"));
    assert!(r.stdout.contains("fp:"), "{}", r.stdout);
}

/// Token-like claim values are masked in `jwt decode` unless --reveal; the rest is shown.
#[test]
fn token_like_claims_are_masked() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let access = "ya29.a0AfH6SMBx3kq9Zp0Lr7Tq2vW8yU1nE5cD4fGhJ";
    let inner = format!("{}.{}.c2ln", b64(r#"{"alg":"RS256"}"#), b64(r#"{"sub":"idp"}"#));
    let claims = format!(
        r#"{{"sub":"user-1","name":"Jane Doe","account":{{"provider":"google","access_token":"{access}","id_token":"{inner}"}},"refresh_token":"r1"}}"#
    );
    let token = format!("{}.{}.c2ln", b64(r#"{"alg":"HS256","typ":"JWT"}"#), b64(&claims));
    for format in ["human", "json", "github"] {
        let r = run(ad().args(["jwt", "decode", &token, "--format", format]));
        for secret in [access, inner.as_str()] {
            assert!(leaks_at(&r.stdout, secret, 12).is_none(), "{format}: {}", r.stdout);
        }
        assert!(
            r.stdout.contains("Jane Doe") && r.stdout.contains("google"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("HS256"),
            "the header's alg is not scrubbed: {}",
            r.stdout
        );
    }
    let r = run(ad().args(["jwt", "decode", &token, "--reveal"]));
    assert!(r.stdout.contains(access), "{}", r.stdout);
}

/// PEM armor words and the program's own words are not secret material.
#[test]
fn pem_armor_does_not_scrub_key_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pem = std::fs::read_to_string(root().join("tests/fixtures/compare/key.pem")).expect("pem");
    let env = dir.path().join(".env");
    std::fs::write(
        &env,
        format!("CLERK_PEM_PUBLIC_KEY=\"{}\"\n", pem.trim().replace('\n', "\\n")),
    )
    .expect("env");
    let r = run(ad().args([
        "compare",
        &format!("env:{}#CLERK_PEM_PUBLIC_KEY?loader=node", env.display()),
        "file:tests/fixtures/compare/key.pem",
    ]));
    assert!(
        !r.stdout.contains("[redacted]_KEY") && !r.stdout.contains("PEM_[redacted]"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("CLERK_PEM_PUBLIC_KEY"), "{}", r.stdout);
}

/// Random `.env` files whose values share runs with key names, loader names and counts: the JSON
/// output always parses, every key is listed by its name, and no loader name is scrubbed.
#[test]
fn random_env_files_keep_names_and_valid_json() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let words = [
        "AUTH_SECRET",
        "DATABASE_URL",
        "docker",
        "nextjs",
        "python",
        "bytes",
        "8000000",
        "\"alg\"",
        "loader",
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..24 {
        let mut body = String::new();
        let mut keys = Vec::new();
        for k in 0..(3 + next() % 6) {
            let key = format!(
                "{}_{k}",
                ["AUTH_SECRET", "DATABASE_URL", "API_KEY", "NEXTAUTH_SECRET"][(next() % 4) as usize]
            );
            let mut value = String::new();
            for _ in 0..(1 + next() % 4) {
                value.push_str(words[(next() % words.len() as u64) as usize]);
                value.push(['.', '/', '-', '_'][(next() % 4) as usize]);
            }
            value.push_str(&format!("{:x}", next()));
            let quoted = match next() % 3 {
                0 => format!("\"{value}\""),
                1 => format!("'{value}'"),
                _ => value.replace('"', ""),
            };
            body.push_str(&format!("{key}={quoted}\n"));
            keys.push(key);
        }
        let path = dir.path().join(format!("{i}.env"));
        std::fs::write(&path, &body).expect("env");
        let r = run(ad().args(["envfile"]).arg(&path).args(["--format", "json"]));
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}) for\n{body}\n{}", r.stdout));
        let listed: Vec<&str> = v["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .filter_map(|k| k["key"].as_str())
            .collect();
        for k in &keys {
            assert!(
                listed.contains(&k.as_str()),
                "{k} not listed by name: {listed:?}\n{body}"
            );
        }
        assert!(
            !r.stdout.contains("[redacted]"),
            "scrubbed a name or a count:\n{body}\n{}",
            r.stdout
        );
        let loaders = v["sources"][0]["details"]["loaders"].as_str().unwrap_or("");
        assert!(loaders.contains("docker"), "{loaders}");
    }
}

/// Field and variable names that look like values are not listed by the stores either.
#[test]
fn stores_do_not_list_value_looking_names() {
    let m = crate::common::moto::moto();
    m.put_secret("redaction/fields", &format!(r#"{{"jwt": "x", "{KNOWN}": "y"}}"#));
    let r = run(ad()
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .args([
            "inspect",
            &format!(
                "secretsmanager:redaction/fields#nope?region=us-east-1&endpoint={}",
                m.endpoint
            ),
        ]));
    assert!(
        r.stdout.contains("fields: jwt, and 1 that look like values"),
        "{}",
        r.stdout
    );
    assert!(leaks(&r.stdout, KNOWN).is_none(), "{}", r.stdout);
    let r = run(ad().args(["explain", "é1é"]));
    assert_eq!(r.code, 2, "no panic on a multi-byte argument: {}", r.stderr);
}
