//! CI on a real checkout: SARIF and JUnit output, repository-relative annotation paths.

use crate::common::*;

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("valid schema")
}

fn sarif(cmd: &mut assert_cmd::Command) -> (i32, serde_json::Value) {
    let r = run(cmd);
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

fn assert_valid(v: &serde_json::Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}\n{v:#}");
}

#[test]
fn sarif_validates_and_carries_rules_and_located_results() {
    let (code, v) = sarif(ad().args(["--format", "sarif", "check", "--config", "examples/authdoctor.toml"]));
    assert_eq!(code, 1, "{v}");
    assert_valid(&v);
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ad102 = rules.iter().find(|r| r["id"] == "AD102").expect("AD102 rule");
    assert_eq!(ad102["defaultConfiguration"]["level"], "error");
    assert!(
        ad102["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("trailing"))
    );
    assert!(ad102["help"]["text"].as_str().is_some_and(|t| t.contains("Fix:")));
    let results = run["results"].as_array().expect("results");
    let r = results.iter().find(|r| r["ruleId"] == "AD102").expect("AD102 result");
    assert_eq!(r["level"], "error");
    let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[idx]["id"], "AD102");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "examples/secrets/auth_secret", "{r}");
    assert_eq!(loc["region"]["startLine"], 1);
    // Every result has a location (GitHub code scanning needs one): its own, or its group's.
    assert!(
        results
            .iter()
            .all(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string())
    );
    // No `ok` finding becomes a result.
    assert!(results.iter().all(|r| r["ruleId"] != "AD100"), "{results:?}");
}

#[test]
fn sarif_of_other_commands_validates_too() {
    for args in [
        vec!["compare", "a=file:tests/fixtures/redaction/exact", "b=file:missing"],
        vec!["inspect", "file:tests/fixtures/redaction/exact"],
        vec!["envfile", "tests/fixtures/redaction/frontend.env"],
        vec!["explain", "all"],
        vec!["explain", "AD301"],
    ] {
        let (_, v) = sarif(ad().arg("--format").arg("sarif").args(&args));
        assert_valid(&v);
    }
    // A missing file is AD001 at no file: still a valid log, the result without a location.
    let (code, v) = sarif(ad().args([
        "--format",
        "sarif",
        "compare",
        "a=file:tests/fixtures/redaction/exact",
        "b=file:missing",
    ]));
    assert_eq!(code, 3);
    assert!(
        v["runs"][0]["results"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r["ruleId"] == "AD001"))
    );
}

#[test]
fn sarif_and_junit_are_refused_where_there_are_no_findings() {
    for args in [vec!["sources"], vec!["completions", "bash"], vec!["init"]] {
        for f in ["sarif", "junit"] {
            let r = run(ad().arg("--format").arg(f).args(&args));
            assert_eq!(r.code, 2, "{args:?} {f}: {}", r.stdout);
            assert!(
                r.stderr.contains("applies to commands that report findings"),
                "{}",
                r.stderr
            );
        }
    }
}

/// One parsed `<testcase>`: its name and what it holds (`failure`, `error`, `skipped` or nothing).
#[derive(Debug, Default)]
struct Case {
    name: String,
    outcome: Option<String>,
    message: String,
    text: String,
}

/// Parses JUnit XML with quick-xml (a reader independent of the writer).
fn junit_cases(xml: &str) -> (Vec<(String, String)>, Vec<Case>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suites = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut in_outcome = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k.as_bytes())
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .expect("attribute")
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    b"testsuites" => suites.push(("testsuites".into(), attr("tests"))),
                    b"testsuite" => suites.push((attr("name"), attr("tests"))),
                    b"testcase" => cases.push(Case {
                        name: attr("name"),
                        ..Case::default()
                    }),
                    n @ (b"failure" | b"error" | b"skipped") => {
                        let c = cases.last_mut().expect("outcome inside a testcase");
                        c.outcome = Some(String::from_utf8_lossy(n).into_owned());
                        c.message = attr("message");
                        in_outcome = true;
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_outcome => {
                if let Some(c) = cases.last_mut() {
                    c.text.push_str(&t.xml10_content().expect("text"));
                }
            }
            Event::GeneralRef(r) if in_outcome => {
                if let Some(c) = cases.last_mut() {
                    let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                    c.text.push_str(match name.as_str() {
                        "quot" => "\"",
                        "apos" => "'",
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        _ => "?",
                    });
                }
            }
            Event::End(e) if matches!(e.name().as_ref(), b"failure" | b"error" | b"skipped") => in_outcome = false,
            Event::Eof => break,
            _ => {}
        }
    }
    (suites, cases)
}

#[test]
fn junit_parses_back_one_case_per_group() {
    let r = run(ad().args(["--format", "junit", "check", "--config", "examples/authdoctor.toml"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (suites, cases) = junit_cases(&r.stdout);
    assert_eq!(suites[0], ("testsuites".to_string(), "3".to_string()));
    assert_eq!(suites[1].0, "authdoctor check");
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["AUTH_SECRET", "AUTH_SYNC_SECRET", "api-token"]);
    assert_eq!(cases[0].outcome.as_deref(), Some("failure"));
    assert!(cases[0].message.starts_with("AD102:"), "{:?}", cases[0]);
    assert!(
        cases[0].text.contains("examples/secrets/auth_secret:1"),
        "{:?}",
        cases[0]
    );
    assert!(cases[0].text.contains("printf %s \"$VALUE\""), "{:?}", cases[0]);
    assert_eq!(cases[1].outcome, None, "{:?}", cases[1]);
    assert_eq!(cases[2].outcome.as_deref(), Some("failure"));
    assert!(cases[2].message.starts_with("AD415:"));
    // An unreadable source is an <error>.
    let r = run(ad().args([
        "--format",
        "junit",
        "compare",
        "a=file:tests/fixtures/redaction/exact",
        "b=file:missing",
    ]));
    assert_eq!(r.code, 3);
    let (_, cases) = junit_cases(&r.stdout);
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].outcome.as_deref(), Some("error"));
    assert!(cases[0].text.contains("AD001"), "{:?}", cases[0]);
}

/// A project in its own git repository, checked from a subdirectory: annotations are relative to
/// the repository root, not to where authdoctor ran, and hold no absolute path.
#[test]
fn annotations_are_relative_to_the_repository_root() {
    let d = tempfile::tempdir().expect("tempdir");
    let repo = d.path();
    std::fs::create_dir_all(repo.join(".git")).expect("git dir");
    std::fs::create_dir_all(repo.join("web")).expect("web");
    std::fs::create_dir_all(repo.join("api")).expect("api");
    std::fs::write(
        repo.join("web/.env"),
        "A=1\nAUTH_SECRET=x8Kq2Lm9Vb4Nc7Xz1Tr5Wy3Hs6Jd0Fg8Pq\n",
    )
    .expect("write");
    std::fs::write(
        repo.join("api/.env"),
        "AUTH_SECRET=\"x8Kq2Lm9Vb4Nc7Xz1Tr5Wy3Hs6Jd0Fg8Pq \"\n",
    )
    .expect("write");
    std::fs::write(
        repo.join("web/authdoctor.toml"),
        "[[secret]]\nname = \"AUTH_SECRET\"\nsources = [\"api=env:../api/.env#AUTH_SECRET\", \"web=env:.env#AUTH_SECRET\"]\n",
    )
    .expect("write");
    let abs = repo.canonicalize().expect("canonical").display().to_string();
    for (cwd, ws) in [
        (repo.join("web"), None),
        (repo.to_path_buf(), None),
        (repo.join("api"), Some(repo)),
    ] {
        let config = if cwd.ends_with("web") {
            "authdoctor.toml"
        } else if cwd == repo {
            "web/authdoctor.toml"
        } else {
            "../web/authdoctor.toml"
        };
        let cmd = |format: &str| {
            let mut c = ad();
            c.current_dir(&cwd).env_remove("GITHUB_WORKSPACE");
            if let Some(ws) = ws {
                c.env("GITHUB_WORKSPACE", ws);
            }
            c.args(["--format", format, "check", "--config", config]);
            c
        };
        let r = run(&mut cmd("github"));
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("::error file=api/.env,line=1,title=AD102::"),
            "{cwd:?}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains(&abs), "absolute path in output: {}", r.stdout);
        let (_, v) = sarif(&mut cmd("sarif"));
        assert_valid(&v);
        let uri = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "api/.env", "{v}");
    }
}

/// Copies `from` to `to` without the files its `.gitignore` names, as a CI checkout has it.
fn checkout_without_ignored(from: &std::path::Path, to: &std::path::Path) {
    let mut b = ignore::gitignore::GitignoreBuilder::new(from);
    b.add(from.join(".gitignore"));
    let gi = b.build().expect("gitignore");
    fn walk(dir: &std::path::Path, from: &std::path::Path, to: &std::path::Path, gi: &ignore::gitignore::Gitignore) {
        for e in std::fs::read_dir(dir).expect("read dir").flatten() {
            let p = e.path();
            let is_dir = p.is_dir();
            if gi.matched(&p, is_dir).is_ignore() {
                continue;
            }
            let dest = to.join(p.strip_prefix(from).expect("under"));
            if is_dir {
                std::fs::create_dir_all(&dest).expect("mkdir");
                walk(&p, from, to, gi);
            } else {
                std::fs::copy(&p, &dest).expect("copy");
            }
        }
    }
    std::fs::create_dir_all(to).expect("mkdir");
    walk(from, from, to, &gi);
}

/// The README's CI command on the example project as a CI checkout has it (no gitignored `.env`
/// files): the local-only sources are skipped, never exit 3; the token check still fails (AD415).
#[test]
fn the_example_project_on_a_ci_checkout() {
    let d = tempfile::tempdir().expect("tempdir");
    let repo = d.path();
    std::fs::create_dir_all(repo.join(".git")).expect("git");
    checkout_without_ignored(&root().join("examples"), &repo.join("examples"));
    assert!(!repo.join("examples/frontend/.env.local").exists());
    assert!(!repo.join("examples/backend/.env").exists());
    assert!(repo.join("examples/secrets/auth_secret").exists());
    for ci in ["true", ""] {
        // In CI (CI=true), and on a machine without the files, where git ignores them.
        let r = run(ad()
            .current_dir(repo.join("examples"))
            .env("CI", ci)
            .env_remove("GITHUB_WORKSPACE")
            .args(["--format", "github", "check"]));
        assert_eq!(r.code, 1, "CI={ci}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("title=AD415::"), "{}", r.stdout);
        assert!(
            !r.stdout.contains("AD001") && !r.stdout.contains("AD002"),
            "{}",
            r.stdout
        );
        let why = if ci.is_empty() {
            "absent and gitignored"
        } else {
            "absent in CI"
        };
        assert!(
            r.stdout.contains(&format!("skipped (local-only, {why})")),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("1 skipped (local-only)"), "{}", r.stdout);
        let (_, v) = json(ad().current_dir(repo.join("examples")).env("CI", ci).args(["check"]));
        assert_eq!(v["checks"][0]["sources"][1]["status"], "skipped", "{v}");
        assert_eq!(v["checks"][0]["verdict"], "pass", "{v}");
        let r = run(ad()
            .current_dir(repo.join("examples"))
            .env("CI", ci)
            .args(["--format", "junit", "check"]));
        let (_, cases) = junit_cases(&r.stdout);
        assert_eq!(cases[1].outcome.as_deref(), Some("skipped"), "{}", r.stdout);
        let (code, v) = sarif(
            ad().current_dir(repo.join("examples"))
                .env("CI", ci)
                .env_remove("GITHUB_WORKSPACE")
                .args(["--format", "sarif", "check"]),
        );
        assert_eq!(code, 1);
        assert_valid(&v);
        let uris: Vec<&str> = v["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
            .collect();
        assert_eq!(uris, ["examples/secrets/auth_secret"], "{v}");
    }
    // Not in CI and not gitignored: a missing file is still unreadable (exit 3).
    std::fs::remove_dir_all(repo.join(".git")).expect("rm .git");
    let r = run(ad().current_dir(repo.join("examples")).env("CI", "").args(["check"]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    // Unmarked sources are never skipped, even in CI.
    std::fs::write(
        repo.join("examples/authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"env:frontend/.env.local#AUTH_SECRET\", \"file:secrets/auth_secret\"]\n",
    )
    .expect("write");
    let r = run(ad()
        .current_dir(repo.join("examples"))
        .env("CI", "true")
        .args(["check"]));
    assert_eq!(r.code, 3, "{}", r.stdout);
}

/// A Next.js project directory with none of its .env files: AD001 naming the files, not AD002
/// with an empty key list.
#[test]
fn nextjs_directory_without_env_files_is_missing_not_key_not_found() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(d.path().join("web")).expect("web");
    let (code, v) =
        json(
            ad().current_dir(d.path())
                .args(["compare", "a=env:web#AUTH_SECRET?loader=nextjs", "b=envvar:HOME"]),
        );
    assert_eq!(code, 3, "{v}");
    let m = messages(&v, "AD001");
    assert!(
        m.iter()
            .any(|m| m.contains("none of Next.js's development files exists")),
        "{v}"
    );
    assert!(messages(&v, "AD002").is_empty(), "{v}");
}

#[test]
fn man_page_renders_as_roff() {
    let r = run(ad().arg("man"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &r.stdout[..r.stdout.len().min(200)]
    );
    for part in [
        ".TH authdoctor 1",
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH SUBCOMMANDS",
        "authdoctor\\-check",
        "\\-\\-format",
    ] {
        assert!(r.stdout.contains(part), "{part}: {}", r.stdout);
    }
    // If man is installed, it formats the page without complaint.
    if let Ok(out) = std::process::Command::new("man").arg("--version").output()
        && out.status.success()
    {
        let dir = tempfile::tempdir().expect("tempdir");
        let page = dir.path().join("authdoctor.1");
        std::fs::write(&page, &r.stdout).expect("write");
        let out = std::process::Command::new("man")
            .args(["-l", "-P", "cat"])
            .arg(&page)
            .env("MANWIDTH", "100")
            .output()
            .expect("man");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("SUBCOMMANDS"), "{text}");
    }
}

#[test]
fn completions_offer_codes_loaders_and_algorithms() {
    let r = run(ad().args(["completions", "fish"]));
    assert_eq!(r.code, 0);
    for want in [
        "AD102", "AD421", "all", "nextjs", "dotenvy", "HS256", "EdDSA", "sarif", "junit",
    ] {
        assert!(r.stdout.contains(want), "{want}: {}", r.stdout);
    }
    let r = run(ad().args(["completions", "bash"]));
    assert!(r.stdout.contains("AD301"), "{}", r.stdout);
    // The code list is for completion only: help stays short, and a bad code keeps its message.
    let r = run(ad().args(["explain", "--help"]));
    assert!(!r.stdout.contains("AD421"), "{}", r.stdout);
    let r = run(ad().args(["--ignore", "hunter2-secret", "explain", "all"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a finding code") && !r.stderr.contains("hunter2"),
        "{}",
        r.stderr
    );
}

/// An installed user has no README: config errors point at `check --help`, which has the format.
#[test]
fn config_errors_point_at_help_not_the_readme() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("authdoctor.toml"), "[[secret]]\nnme = \"x\"\n").expect("write");
    let r = run(ad().current_dir(d.path()).arg("check"));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("authdoctor check --help") && !r.stderr.contains("README"),
        "{}",
        r.stderr
    );
    let r = run(ad().args(["check", "--help"]));
    assert!(
        r.stdout.contains("[[secret]]") && r.stdout.contains("local = true"),
        "{}",
        r.stdout
    );
    let e = tempfile::tempdir().expect("tempdir");
    let r = run(ad().current_dir(e.path()).arg("check"));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("authdoctor init --write") && !r.stderr.contains("README"),
        "{}",
        r.stderr
    );
}

#[test]
fn verbose_adds_detail_to_check() {
    let args = ["check", "--config", "examples/authdoctor.toml"];
    let plain = run(ad().args(args));
    let v = run(ad().arg("-v").args(args));
    assert_eq!(plain.code, v.code);
    assert!(v.stdout.len() > plain.stdout.len(), "{}", v.stdout);
    assert!(v.stdout.contains("file=frontend/.env.local"), "{}", v.stdout);
    assert!(plain.stderr.is_empty(), "{}", plain.stderr);
    for part in [
        "config examples/authdoctor.toml: 2 secret group(s), 1 token check(s)",
        "fetched 6 source(s)",
        "checks ",
    ] {
        assert!(v.stderr.contains(part), "{part}: {}", v.stderr);
    }
}

#[test]
fn init_prints_json_with_format_json() {
    let (code, v) = json(ad().args(["init", "examples"]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["command"], "init");
    assert_eq!(v["written"], serde_json::Value::Null);
    let toml_text = v["toml"].as_str().expect("toml text");
    let parsed: toml::Table = toml::from_str(toml_text).expect("the proposal is TOML");
    assert!(
        parsed["secret"].as_array().is_some_and(|a| !a.is_empty()),
        "{toml_text}"
    );
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(d.path().join("a")).expect("mkdir");
    std::fs::create_dir_all(d.path().join("b")).expect("mkdir");
    std::fs::write(d.path().join("a/.env"), "AUTH_SECRET=1\n").expect("write");
    std::fs::write(d.path().join("b/.env"), "AUTH_SECRET=2\n").expect("write");
    let (code, v) = json(ad().current_dir(d.path()).args(["init", "--write"]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["written"], "./authdoctor.toml");
    assert!(d.path().join("authdoctor.toml").is_file());
}

/// `sources`: every example starts in one column, and every description line in the next.
#[test]
fn sources_columns_align() {
    let r = run(ad().arg("sources"));
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let entries: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .collect();
    assert!(entries.len() >= 10, "{}", r.stdout);
    let column = |l: &str| {
        let name_end = 2 + l[2..].find(' ').expect("a name then the example");
        name_end + l[name_end..].chars().take_while(|c| *c == ' ').count()
    };
    let col = column(entries[0]);
    for e in &entries {
        assert_eq!(column(e), col, "misaligned: {e:?}\n{}", r.stdout);
    }
    for l in lines.iter().filter(|l| l.starts_with("   ")) {
        let indent = l.chars().take_while(|c| *c == ' ').count();
        // A recipe's note on newlines is indented under its recipe.
        assert!(
            indent == col || indent == col + 2,
            "description not under the example: {l:?}"
        );
        // A recipe's command is printed whole, to be copied.
        assert!(
            l.chars().count() <= 100 || !l.trim().contains(' ') || l.trim().starts_with("cmd:"),
            "too wide: {l:?}"
        );
    }
}

/// envfile and inspect, run in a subdirectory of a repository, annotate root-relative paths too.
#[test]
fn envfile_and_inspect_annotate_root_relative_paths() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(d.path().join(".git")).expect("git");
    std::fs::create_dir_all(d.path().join("sub")).expect("sub");
    std::fs::copy(
        root().join("tests/fixtures/dotenv/cases/08-hash-unquoted.env"),
        d.path().join("sub/.env"),
    )
    .expect("copy");
    let sub = d.path().join("sub");
    let r = run(ad()
        .current_dir(&sub)
        .env_remove("GITHUB_WORKSPACE")
        .args(["--format", "github", "envfile", ".env"]));
    assert!(
        r.stdout.contains("::warning file=sub/.env,line=1,title=AD301::"),
        "{}",
        r.stdout
    );
    let r = run(ad()
        .current_dir(&sub)
        .env_remove("GITHUB_WORKSPACE")
        .args(["--format", "github", "inspect", ".env#A"]));
    assert!(r.stdout.contains("file=sub/.env,line=1,title=AD201::"), "{}", r.stdout);
}

/// A token check whose token only developers have (`envvar:…?local`) is skipped in CI; the same
/// check without `?local` is unreadable there.
#[test]
fn local_token_check_is_skipped_in_ci() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("secret"), "x8Kq2Lm9Vb4Nc7Xz1Tr5Wy3Hs6Jd0Fg8Pq").expect("write");
    let config = |local: &str| {
        format!(
            "[[token]]\nname = \"session\"\ntoken = \"envvar:AD_TEST_TOKEN_UNSET{local}\"\nsecrets = [\"file:secret\"]\n"
        )
    };
    std::fs::write(d.path().join("authdoctor.toml"), config("?local")).expect("write");
    let (code, v) = json(
        ad().current_dir(d.path())
            .env("CI", "true")
            .env_remove("AD_TEST_TOKEN_UNSET")
            .arg("check"),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["checks"][0]["sources"][0]["status"], "skipped", "{v}");
    std::fs::write(d.path().join("authdoctor.toml"), config("")).expect("write");
    let (code, _) = json(
        ad().current_dir(d.path())
            .env("CI", "true")
            .env_remove("AD_TEST_TOKEN_UNSET")
            .arg("check"),
    );
    assert_eq!(code, 3);
}

/// No absolute machine path the user did not give: a config found in a parent directory and the
/// hint of a missing file name paths relative to where authdoctor runs or to the repository.
#[test]
fn messages_name_no_machine_path() {
    let d = tempfile::tempdir().expect("tempdir");
    let repo = d.path();
    std::fs::create_dir_all(repo.join(".git")).expect("git");
    std::fs::create_dir_all(repo.join("app/deep")).expect("dirs");
    std::fs::write(
        repo.join("app/authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"file:missing-a\", \"file:missing-b\"]\nbogus = 1\n",
    )
    .expect("write");
    let abs = repo.canonicalize().expect("canonical").display().to_string();
    let r = run(ad()
        .current_dir(repo.join("app/deep"))
        .env_remove("GITHUB_WORKSPACE")
        .arg("check"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("../authdoctor.toml:4:1"), "{}", r.stderr);
    assert!(!r.stderr.contains(&abs), "{}", r.stderr);
    std::fs::write(
        repo.join("app/authdoctor.toml"),
        "[[secret]]\nname = \"S\"\nsources = [\"file:missing-a\", \"file:missing-b\"]\n",
    )
    .expect("write");
    for format in ["human", "json", "github", "sarif", "junit"] {
        let r = run(ad()
            .current_dir(repo.join("app/deep"))
            .env_remove("GITHUB_WORKSPACE")
            .args(["--format", format, "check"]));
        assert_eq!(r.code, 3, "{format}: {}", r.stdout);
        assert!(
            !r.stdout.contains(&abs) && !r.stderr.contains(&abs),
            "{format}: {}{}",
            r.stdout,
            r.stderr
        );
    }
    let r = run(ad()
        .current_dir(repo.join("app/deep"))
        .env_remove("GITHUB_WORKSPACE")
        .arg("check"));
    assert!(
        r.stdout.contains("relative paths start from app/ in the repository"),
        "{}",
        r.stdout
    );
}
