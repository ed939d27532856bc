//! `check` at scale: 200 secrets, each in three backends (SSM on moto, two Fly apps through the fake
//! flyctl, one served config.js), cost one call per backend batch: at most 21 SSM calls (batches of
//! 10), one `fly secrets list` per app, one GET per URL.

use crate::common::http::{Response, serve};
use crate::common::moto::moto;
use crate::common::*;

const N: usize = 200;

fn value(i: usize) -> String {
    format!("scale-secret-{i:03}-0123456789abcdef0123456789abcdef")
}

#[test]
fn two_hundred_secrets_cost_one_call_per_backend_batch() {
    let m = moto();
    let params: Vec<(String, String)> = (0..N).map(|i| (format!("/scale/s{i:03}"), value(i))).collect();
    m.put_parameters(&params);

    let body = format!(
        "window.APP_CONFIG = {{\n{}\n}};\n",
        (0..N)
            .map(|i| format!("  S{i:03}: \"{}\",", value(i)))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let web = serve(move |path| match path {
        "/config.js" => Response::ok("application/javascript", body.clone()),
        _ => Response::status(404),
    });

    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let fixtures = d.join("fly");
    std::fs::create_dir_all(&fixtures).expect("mkdir");
    for app in ["scale-a", "scale-b"] {
        let list: Vec<serde_json::Value> = (0..N)
            .filter(|i| (i % 2 == 0) == (app == "scale-a"))
            .map(|i| serde_json::json!({"name": format!("S{i:03}"), "digest": format!("{i:016x}"), "status": "Deployed"}))
            .collect();
        std::fs::write(
            fixtures.join(format!("{app}.json")),
            serde_json::to_string_pretty(&list).expect("json"),
        )
        .expect("write");
    }
    let mut toml = String::new();
    for i in 0..N {
        let app = if i % 2 == 0 { "scale-a" } else { "scale-b" };
        toml.push_str(&format!(
            "[[secret]]\nname = \"S{i:03}\"\nsources = [\n  \"ssm=ssm:/scale/s{i:03}?endpoint={}\",\n  \"fly=fly:{app}#S{i:03}\",\n  \"web=configjs:{}/config.js#S{i:03}\",\n]\n\n",
            m.endpoint, web.base
        ));
    }
    std::fs::write(d.join("authdoctor.toml"), toml).expect("write");
    let log = d.join("fly.log");

    m.start_recording();
    let before = m.calls("AmazonSSM.GetParameters", "/scale/s");
    let home = d.join("home");
    std::fs::create_dir_all(&home).expect("mkdir");
    let (code, v) = json(
        ad().arg("check")
            .current_dir(d)
            .env("HOME", &home)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("FLYCTL", root().join("tests/fake-fly/fly"))
            .env("FAKE_FLY_FIXTURES", &fixtures)
            .env("FAKE_FLY_LOG", &log),
    );
    assert_eq!(code, 0, "{}", &v.to_string()[..2000.min(v.to_string().len())]);
    let checks = v["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), N);
    assert!(
        checks
            .iter()
            .all(|c| c["groups"][0] == serde_json::json!(["ssm", "web"])),
        "every SSM value equals its config.js value"
    );

    let ssm_calls = m.calls("AmazonSSM.GetParameters", "/scale/s") - before;
    assert!(ssm_calls <= 21, "{ssm_calls} GetParameters calls for {N} parameters");
    assert!(ssm_calls >= N / 10, "{ssm_calls}: batches hold at most 10 names");
    let fly_calls = std::fs::read_to_string(&log).expect("fly log");
    let mut lines: Vec<&str> = fly_calls.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        vec!["secrets list --app scale-a --json", "secrets list --app scale-b --json"]
    );
    assert_eq!(web.hits("/config.js"), 1);
}
