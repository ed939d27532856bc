//! `authdoctor check` over authdoctor.toml.

mod common;
use common::*;

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
    assert!(
        r.stdout
            .contains("::warning file=examples/frontend/.env.local,line=3,title=AD301::"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("::error title=AD102::"), "{}", r.stdout);
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
