//! Snapshots (insta) of what a user reads: the human and GitHub output of the shipped example and
//! of compare and verify cases. A wording change shows as a reviewed diff of a `.snap` file
//! (`INSTA_UPDATE=always cargo test snapshots` rewrites them; review with `git diff`).

use crate::common::{ad, run};

/// Dates and relative times move with the clock; the rest must not.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", "[date]");
    s.add_filter(r"\(in \d+[^)]*\)|\(\d+ (days|h|min|s)[^)]*ago\)", "([relative])");
    s.add_filter(
        r"in \d+ (days|h \d+ min|min|s)|\d+ (days|h \d+ min|min|s) ago",
        "[relative]",
    );
    s.add_filter(r#""(iat|exp|nbf)": \d+"#, r#""$1": [time]"#);
    // Keyed fingerprints change every run (`--fingerprint sha256` snapshots would not).
    s.add_filter(r"fp:[0-9a-f]{12}", "fp:[keyed]");
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn out(args: &[&str]) -> String {
    let r = run(ad().args(args));
    format!("exit {}\n{}", r.code, r.stdout)
}

const C: &str = "tests/fixtures/compare";

#[test]
fn example_check_human() {
    settings().bind(|| insta::assert_snapshot!(out(&["check", "--config", "examples/authdoctor.toml"])));
}

#[test]
fn example_check_github() {
    settings().bind(|| {
        insta::assert_snapshot!(out(&[
            "--format",
            "github",
            "check",
            "--config",
            "examples/authdoctor.toml"
        ]))
    });
}

#[test]
fn compare_readme() {
    settings().bind(|| {
        insta::assert_snapshot!(out(&[
            "compare",
            "frontend=examples/frontend/.env.local#AUTH_SECRET",
            "backend=examples/backend/.env#AUTH_SECRET",
            "mounted=file:examples/secrets/auth_secret",
        ]))
    });
}

#[test]
fn compare_pem_chain_and_console() {
    settings().bind(|| {
        insta::assert_snapshot!(out(&[
            "compare",
            &format!("frontend=file:{C}/key.pem"),
            &format!("backend=file:{C}/key.docker-env"),
            &format!("ssm=file:{C}/key.ssm-console"),
        ]))
    });
}

#[test]
fn compare_odd_one_out_and_json_document() {
    settings().bind(|| {
        insta::assert_snapshot!(out(&[
            "--format",
            "github",
            "compare",
            &format!("backend=file:{C}/secret"),
            &format!("frontend=file:{C}/secret"),
            &format!("mounted=file:{C}/secret.escaped-lf"),
            &format!("sm=file:{C}/secretsmanager.json"),
        ]))
    });
}

#[test]
fn verify_candidates_in_every_order() {
    let token = run(ad().args([
        "jwt",
        "sign",
        "--secret",
        &format!("file:{C}/secret"),
        "--claims",
        r#"{"sub":"u1","iat":1767225600}"#,
    ]))
    .stdout
    .trim()
    .to_string();
    settings().bind(|| {
        insta::assert_snapshot!(out(&[
            "jwt",
            "verify",
            &token,
            "--secret",
            &format!("mounted=file:{C}/secret.lf"),
            "--secret",
            &format!("backend=file:{C}/secret"),
        ]))
    });
}
