//! vercel: sources against a local HTTP server answering in the Vercel REST API's documented
//! shapes (tests/fixtures/vercel/README.md names the API versions and pages).

use crate::common::http::{Response, Server, serve};
use crate::common::*;

fn fixture_body(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/vercel").join(name)).expect("fixture")
}

/// The API for project `my-app` (also `team_abc123` / slug `acme` projects); 403 without a team
/// for `team-app`, 404 for any other project.
fn api() -> Server {
    let list = fixture_body("env-list.json");
    let decrypted = fixture_body("env-decrypted.json");
    let deployments = fixture_body("deployments.json");
    serve(move |path| {
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        match p {
            "/v10/projects/my-app/env" if q.contains("decrypt=true") => Response::ok("application/json", list.clone()),
            "/v10/projects/team-app/env" if q.contains("teamId=team_abc123") || q.contains("slug=acme") => {
                Response::ok("application/json", list.clone())
            }
            "/v10/projects/team-app/env" => {
                let mut r = Response::ok(
                    "application/json",
                    r#"{"error":{"code":"forbidden","message":"Not authorized","invalidToken":false}}"#,
                );
                r.status = 403;
                r
            }
            "/v1/projects/my-app/env/env_auth0001" | "/v1/projects/team-app/env/env_auth0001" => {
                Response::ok("application/json", decrypted.clone())
            }
            "/v6/deployments" if q.contains("target=production") && q.contains("state=READY") => {
                Response::ok("application/json", deployments.clone())
            }
            "/v6/deployments" => Response::ok("application/json", r#"{"pagination":{"count":0},"deployments":[]}"#),
            _ => {
                let mut r = Response::ok(
                    "application/json",
                    r#"{"error":{"code":"not_found","message":"Project not found"}}"#,
                );
                r.status = 404;
                r
            }
        }
    })
}

const TOKEN: &str = "vtok_Hq2Lr8Zm4Xc6Vb1Nn9Kd3Pf7";

fn vercel(s: &Server) -> assert_cmd::Command {
    let mut c = ad();
    c.env("VERCEL_API_URL", &s.base).env("VERCEL_TOKEN", TOKEN);
    c
}

#[test]
fn an_encrypted_variable_is_decrypted_and_compared_with_one_list_per_project() {
    let s = api();
    let (code, v) = json(vercel(&s).args([
        "compare",
        "vercel=vercel:my-app#AUTH_SECRET",
        "preview=vercel:my-app#AUTH_SECRET?target=preview",
        &format!("file=file:{}", fixture("redaction/exact")),
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sources"][0]["length"], 64, "{v}");
    assert_eq!(v["sources"][0]["details"]["type"], "encrypted");
    assert_eq!(v["sources"][0]["details"]["target"], "production");
    assert_eq!(
        s.hits("/v10/projects/my-app/env?decrypt=true"),
        1,
        "one list per project per run"
    );
    assert_eq!(
        s.hits("/v1/projects/my-app/env/env_auth0001"),
        2,
        "the preview variable without a git branch is the one read"
    );
    assert!(
        codes(&v).iter().all(|c| c != "AD506"),
        "updated before the deployment: {v}"
    );
}

#[test]
fn a_plain_variable_gives_its_listed_value() {
    let s = api();
    let (code, v) = json(vercel(&s).args(["inspect", "vercel:my-app#PLAIN_SECRET?target=development"]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sources"][0]["kind"], "value");
    assert_eq!(v["sources"][0]["length"], 64);
    assert_eq!(s.hits("/v1/projects/my-app/env/env_plain001"), 0);
    assert_eq!(
        s.hits("/v6/deployments?projectId=my-app&target=development&state=READY&limit=1"),
        0,
        "development has no deployments to compare with"
    );
}

#[test]
fn a_sensitive_variable_is_presence_only_and_ad506_after_the_deployment() {
    let s = api();
    let (code, v) = json(vercel(&s).args([
        "compare",
        "vercel:my-app#SENSITIVE_SECRET",
        &format!("file=file:{}", fixture("redaction/exact")),
    ]));
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["sources"][0]["kind"], "digest", "{v}");
    assert_eq!(v["sources"][0]["details"]["status"], "sensitive");
    assert!(v["sources"][0].get("length").is_none_or(|l| l.is_null()), "{v}");
    assert_eq!(messages(&v, "AD111").len(), 1, "never compared with a value: {v}");
    let m = messages(&v, "AD506");
    assert_eq!(m.len(), 1, "{v}");
    assert!(
        m[0].contains("SENSITIVE_SECRET of Vercel project my-app changed")
            && m[0].contains("dpl_2euZBFqxYdDMDG1jTrHFnNZ2eUVa"),
        "{}",
        m[0]
    );
    assert!(codes(&v).iter().all(|c| c != "AD101"), "{v}");
}

#[test]
fn teams_by_id_or_slug() {
    let s = api();
    for team in ["team_abc123", "acme"] {
        let (code, v) = json(vercel(&s).args(["inspect", &format!("vercel:team-app#PLAIN_SECRET?team={team}")]));
        assert_eq!(code, 0, "{team}: {v}");
    }
    let (code, v) = json(vercel(&s).args(["inspect", "vercel:team-app#PLAIN_SECRET"]));
    assert_eq!(code, 3, "{v}");
    let m = messages(&v, "AD001");
    assert!(m[0].contains("HTTP 403: Not authorized"), "{m:?}");
    let hint = v["findings"][0]["hint"].as_str().unwrap_or_default();
    assert!(
        hint.contains("VERCEL_TOKEN was refused") && hint.contains("?team="),
        "{hint}"
    );
}

#[test]
fn failures_name_what_to_do() {
    let s = api();
    // No token: exit 3, naming the variable.
    let r = run(ad()
        .env("VERCEL_API_URL", &s.base)
        .env_remove("VERCEL_TOKEN")
        .args(["inspect", "vercel:my-app#AUTH_SECRET"]));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("VERCEL_TOKEN is not set"), "{}", r.stdout);
    assert_eq!(
        s.hits("/v10/projects/my-app/env?decrypt=true"),
        0,
        "no call without a token"
    );

    let (code, v) = json(vercel(&s).args(["inspect", "vercel:my-app#MISSING"]));
    assert_eq!(code, 3);
    let m = messages(&v, "AD002");
    assert!(
        m[0].contains(
            "no variable MISSING for production (names: AUTH_SECRET, PLAIN_SECRET, SENSITIVE_SECRET, VERCEL_URL)"
        ),
        "{m:?}"
    );
    let (code, v) = json(vercel(&s).args(["inspect", "vercel:my-app#SENSITIVE_SECRET?target=preview"]));
    assert_eq!(code, 3);
    assert!(
        messages(&v, "AD002")[0].contains("not set for preview (only for production)"),
        "{v}"
    );
    let (code, v) = json(vercel(&s).args(["inspect", "vercel:other#AUTH_SECRET"]));
    assert_eq!(code, 3);
    assert!(messages(&v, "AD002")[0].contains("HTTP 404: Project not found"), "{v}");

    // Bad specs are usage errors.
    for (spec, says) in [
        ("vercel:my-app", "after '#'"),
        ("vercel:#K", "project name or id"),
        (
            "vercel:my-app#K?target=staging",
            "target= is one of production, preview, development",
        ),
        ("vercel:my-app#K?region=x", "region"),
    ] {
        let r = run(vercel(&s).args(["inspect", spec]));
        assert_eq!(r.code, 2, "{spec}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(says), "{spec}: {}", r.stderr);
    }
}

#[test]
fn unreachable_api_is_unreadable() {
    let r = run(ad()
        .env("VERCEL_API_URL", "http://127.0.0.1:9")
        .env("VERCEL_TOKEN", TOKEN)
        .args(["inspect", "vercel:my-app#AUTH_SECRET"]));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("could not connect to http://127.0.0.1:9"),
        "{}",
        r.stdout
    );
}

#[test]
fn neither_the_value_nor_the_token_is_printed() {
    let s = api();
    for format in ["human", "json", "github"] {
        let r = run(vercel(&s).args([
            "--format",
            format,
            "compare",
            "vercel:my-app#AUTH_SECRET",
            "vercel:my-app#SENSITIVE_SECRET",
            "vercel:my-app#PLAIN_SECRET",
        ]));
        let all = format!("{}{}", r.stdout, r.stderr);
        for secret in [
            KNOWN,
            TOKEN,
            "Qe7Wr2Ty9Ui4Op1As6Df3Gh8Jk5Lz0Xc7Vb2Nm9Qw4Er1Ty6Ui3Op8As5Df0Gh2J",
        ] {
            assert_eq!(leaks(&all, secret), None, "{format}: {all}");
        }
    }
}
