//! The CLI as a user runs it: exit codes, formats, colour, and bad input of every kind.

use crate::common::*;
use std::io::Write;

fn fx(name: &str) -> String {
    format!("file:{}", fixture(&format!("redaction/{name}")))
}

#[test]
fn identical_values_pass_with_exit_0() {
    let (code, v) = json(
        ad().args(["compare", "a=tests/fixtures/redaction/plain.env#AUTH_SECRET"])
            .arg(format!("b={}", fx("exact"))),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "pass");
    assert_eq!(codes(&v), vec!["AD100"]);
    assert_eq!(v["groups"], serde_json::json!([["a", "b"]]));
}

#[test]
fn the_example_from_the_readme_finds_the_trailing_newline() {
    let r = run(ad().args([
        "compare",
        "frontend=examples/frontend/.env.local#AUTH_SECRET",
        "backend=examples/backend/.env#AUTH_SECRET",
        "mounted=file:examples/secrets/auth_secret",
    ]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("AD102 mounted has a trailing LF at byte 64; without it, equal to backend and frontend"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("backend = frontend ≠ mounted"), "{}", r.stdout);
    assert!(r.stdout.contains("FAIL"), "{}", r.stdout);
    // The first next step fixes the cause, in the store that has it (a file written by echo).
    assert!(
        r.stdout
            .contains("Next steps\n  1. Rewrite mounted without the newline: `printf %s"),
        "{}",
        r.stdout
    );
}

#[test]
fn exit_2_for_usage_errors() {
    for args in [
        vec!["compare", "nope:x", "file:y"],
        vec!["compare", "env:.env#", "file:y"],
        vec!["compare", "env:.env#K?loader=perl", "file:y"],
        vec!["compare", "a=file:x", "a=file:y"],
        vec!["compare", "-", "x=-"],
        vec!["compare", "only-one=file:x"],
        vec!["explain", "AD999"],
        vec!["--timeout", "-1", "sources"],
        vec!["frobnicate"],
    ] {
        let r = run(ad().args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty(), "{args:?} says nothing");
    }
    let r = run(ad().args(["compare", "nope:x", "file:y"]));
    assert!(
        r.stderr.contains("unknown scheme 'nope'") && r.stderr.contains("authdoctor sources"),
        "{}",
        r.stderr
    );
    let r = run(ad().args(["compare", "env:.env#K?loader=perl", "file:y"]));
    assert!(
        r.stderr.contains(
            "unknown loader 'perl' (known: node, nextjs, python, compose, docker, ruby, dotenvy, shell, node-native, godotenv, vite, bun)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn exit_3_for_a_missing_file_wins_over_1() {
    let r = run(ad().args([
        "compare",
        "a=file:does/not/exist",
        "b=file:tests/fixtures/redaction/exact",
        "c=file:tests/fixtures/redaction/mounted",
    ]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        r.stdout.contains("AD001 a: does/not/exist: no such file"),
        "{}",
        r.stdout
    );
    // The readable ones are still compared.
    assert!(r.stdout.contains("AD102"), "{}", r.stdout);
    assert!(r.stdout.contains("ERROR"), "{}", r.stdout);
}

#[test]
fn missing_key_lists_the_keys_that_exist_names_only() {
    let (code, v) = json(ad().args([
        "compare",
        "tests/fixtures/redaction/frontend.env#NEXTAUTH_SECRET",
        "file:tests/fixtures/redaction/exact",
    ]));
    assert_eq!(code, 3);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "AD002");
    let msg = f["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("no key NEXTAUTH_SECRET (keys in the file: AUTH_SECRET, NEXT_PUBLIC_API)"),
        "{msg}"
    );
    assert!(!msg.contains("localhost"), "values must not be listed: {msg}");
}

#[test]
fn binary_huge_and_non_utf8_inputs_get_clear_messages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin.env");
    std::fs::write(&bin, b"AUTH_SECRET=abc\x00\x01\x02").expect("write");
    let r = run(ad().args(["inspect", &format!("{}#AUTH_SECRET", bin.display())]));
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.contains("not a text file (NUL byte at offset 15)"),
        "{}",
        r.stdout
    );

    // A binary value read as file: is a value with hygiene warnings, not a crash.
    let r = run(ad().args(["inspect", &format!("file:{}", bin.display())]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("AD204") && r.stdout.contains("NUL 0x00 at byte 15"),
        "{}",
        r.stdout
    );

    let huge = dir.path().join("huge");
    let mut f = std::fs::File::create(&huge).expect("create");
    let chunk = vec![b'a'; 1024 * 1024];
    for _ in 0..20 {
        f.write_all(&chunk).expect("write");
    }
    drop(f);
    let r = run(ad().args(["inspect", &format!("file:{}", huge.display())]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("more than 8 MiB"), "{}", r.stdout);
    let r = run(ad().args(["inspect", &format!("{}#K", huge.display())]));
    assert_eq!(r.code, 3);
    // Standard input has the same cap (read with a blocking read, like a file).
    let r = run(ad().args(["inspect", "-"]).write_stdin(vec![b'a'; 9 * 1024 * 1024]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("could not read standard input: more than 8 MiB"),
        "{}",
        r.stderr
    );

    let latin1 = dir.path().join("latin1.env");
    std::fs::write(
        &latin1,
        b"# caf\xe9\nAUTH_SECRET=pa\xdfword-0123456789abcdef0123456789abcdef\n",
    )
    .expect("write");
    let (code, v) = json(ad().args(["inspect", &format!("{}#AUTH_SECRET", latin1.display())]));
    assert_eq!(code, 0);
    let c = codes(&v);
    assert!(
        c.contains(&"AD302".to_string()) && c.contains(&"AD205".to_string()),
        "{c:?}"
    );
    let ad302 = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == "AD302"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(ad302["location"]["line"], 1);
    assert!(
        ad302["message"]
            .as_str()
            .unwrap_or("")
            .contains("byte 0xe9 at offset 5"),
        "{ad302}"
    );

    let raw = dir.path().join("raw");
    std::fs::write(&raw, b"\xff\xfesecret-bytes-0123456789abcdef0123456789").expect("write");
    let (_, v) = json(ad().args(["inspect", &format!("file:{}", raw.display())]));
    assert!(codes(&v).contains(&"AD208".to_string()));
}

#[test]
fn env_file_with_crlf_and_bom_reads_the_same_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join(".env");
    std::fs::write(&p, format!("\u{feff}OTHER=1\r\nAUTH_SECRET={KNOWN}\r\n")).expect("write");
    let (code, v) = json(ad().args([
        "compare",
        &format!("crlf={}#AUTH_SECRET", p.display()),
        "plain=file:tests/fixtures/redaction/exact",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sources"][0]["details"]["line"], 2);
    let p2 = dir.path().join("first.env");
    std::fs::write(&p2, format!("\u{feff}AUTH_SECRET={KNOWN}\r\n")).expect("write");
    let (code, _) = json(ad().args([
        "compare",
        &format!("{}#AUTH_SECRET", p2.display()),
        "file:tests/fixtures/redaction/exact",
    ]));
    assert_eq!(code, 0, "node's dotenv skips a BOM before the first key");
}

#[test]
fn json_output_validates_against_the_documented_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema file"))
            .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let runs: Vec<Vec<String>> = vec![
        vec![
            "compare".into(),
            "frontend=examples/frontend/.env.local#AUTH_SECRET".into(),
            "mounted=file:examples/secrets/auth_secret".into(),
        ],
        vec!["compare".into(), "a=file:missing".into(), fx("exact")],
        vec![
            "compare".into(),
            fx("exact"),
            fx("exact")
                .replace("exact", "frontend.env#AUTH_SECRET")
                .replace("file:", "env:"),
        ],
        vec![
            "inspect".into(),
            fx("mounted"),
            fx("quoted"),
            "tests/fixtures/redaction/frontend.env#NOPE".into(),
        ],
        vec!["compare".into(), "--reveal".into(), fx("exact"), fx("truncated")],
        vec![
            "jwt".into(),
            "decode".into(),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.c2ln".into(),
        ],
        vec![
            "jwt".into(),
            "verify".into(),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.c2ln".into(),
            "--secret".into(),
            fx("exact"),
        ],
        vec!["jwt".into(), "decode".into(), "not.a.jwt".into()],
        vec![
            "envfile".into(),
            "tests/fixtures/dotenv/cases/31-bcrypt-unquoted.env".into(),
            "tests/fixtures/dotenv/cases/62-command-substitution.env".into(),
            "missing.env".into(),
        ],
        vec!["check".into(), "--config".into(), "examples/authdoctor.toml".into()],
        vec![
            "check".into(),
            "--config".into(),
            "tests/fixtures/redaction/authdoctor.toml".into(),
            "--baseline".into(),
            "tests/fixtures/redaction/authdoctor.lock".into(),
        ],
    ];
    for args in runs {
        let (_, v) = json(ad().args(&args));
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}\n{v}");
        assert_eq!(v["schema"], "authdoctor/1");
    }
    // The schema does reject: a check entry without its name, a report with an unknown field.
    let (_, mut v) = json(ad().args(["check", "--config", "examples/authdoctor.toml"]));
    if let Some(o) = v["checks"][0].as_object_mut() {
        o.remove("name");
    }
    assert!(!validator.is_valid(&v));
    let (_, mut v) = json(ad().args(["jwt", "decode", "not.a.jwt"]));
    v["surprise"] = serde_json::json!(1);
    assert!(!validator.is_valid(&v));
}

#[test]
fn github_format_annotates_with_codes_and_locations() {
    let r = run(ad().args([
        "--format",
        "github",
        "compare",
        "tests/fixtures/redaction/plain.env#AUTH_SECRET",
        &fx("mounted"),
    ]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .starts_with("::error file=tests/fixtures/redaction/mounted,line=1,title=AD102::"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("title=AD203"),
        "AD102 already names the newline: {}",
        r.stdout
    );
    assert!(r.stdout.contains("%0AHint: "), "{}", r.stdout);
    assert!(
        r.stdout.contains("FAIL: 1 error"),
        "the human summary follows: {}",
        r.stdout
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("l1.env");
    std::fs::write(&p, b"A=\xe9\n").expect("write");
    let r = run(ad().args(["--format", "github", "inspect", &format!("{}#A", p.display())]));
    assert!(
        r.stdout
            .contains(&format!("::warning file={},line=1,title=AD302::", p.display())),
        "{}",
        r.stdout
    );
}

#[test]
fn colour_follows_flags_and_environment() {
    let args = [
        "compare",
        "a=file:tests/fixtures/redaction/exact",
        "b=file:tests/fixtures/redaction/mounted",
    ];
    let esc = |r: &Run| r.stdout.contains("\x1b[");
    assert!(!esc(&run(ad().args(args))), "not a terminal: no colour");
    assert!(esc(&run(ad().args(args).env("CLICOLOR_FORCE", "1"))));
    assert!(!esc(&run(ad()
        .args(args)
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1"))));
    assert!(esc(&run(ad()
        .args(args)
        .args(["--color", "always"])
        .env("NO_COLOR", "1"))));
    assert!(!esc(&run(ad()
        .args(args)
        .args(["--color", "never"])
        .env("CLICOLOR_FORCE", "1"))));
    assert!(!esc(&run(ad()
        .args(args)
        .args(["--color", "always", "--format", "json"]))));
}

#[test]
fn ascii_marks_when_the_locale_is_not_utf8() {
    let args = [
        "compare",
        "a=file:tests/fixtures/redaction/exact",
        "b=file:tests/fixtures/redaction/mounted",
    ];
    let r = run(ad().args(args).env("LANG", "C"));
    assert!(
        r.stdout.contains("[FAIL] AD102") && r.stdout.contains("[ok] a") && r.stdout.contains("a != b"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.is_ascii(), "{}", r.stdout);
    let r = run(ad().args(args).env("LC_ALL", "en_US.UTF-8").env("LANG", "C"));
    assert!(r.stdout.contains("✘ AD102"), "{}", r.stdout);
}

#[test]
fn strict_quiet_and_format_env() {
    let args = ["inspect", "file:tests/fixtures/redaction/mounted"];
    assert_eq!(run(ad().args(args)).code, 0);
    assert_eq!(run(ad().args(args).arg("--strict")).code, 1);
    let r = run(ad().args(args).arg("-q"));
    assert!(!r.stdout.contains("✔") && r.stdout.contains("AD203"), "{}", r.stdout);
    let r = run(ad().args(args).env("AUTHDOCTOR_FORMAT", "json"));
    assert!(r.stdout.trim_start().starts_with('{'), "{}", r.stdout);
}

#[test]
fn stdin_cmd_envvar_sources() {
    let r = run(ad()
        .args(["compare", "in=-", "f=file:tests/fixtures/redaction/exact"])
        .write_stdin(format!("{KNOWN}\n")));
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("in has a trailing LF"), "{}", r.stdout);

    let (code, v) = json(
        ad().args([
            "compare",
            "c=cmd:cat tests/fixtures/redaction/mounted | tr -d '\\n'",
            "e=envvar:AD_TEST_SECRET",
        ])
        .env("AD_TEST_SECRET", KNOWN),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["sources"][0]["details"]["command"],
        "cat tests/fixtures/redaction/mounted | tr -d '\\n'"
    );

    let r = run(ad()
        .args([
            "compare",
            "c=cmd:echo nope >&2; exit 7",
            "e=envvar:AD_TEST_NOT_SET_ANYWHERE",
        ])
        .env("AD_TEST_SECRET_OTHER", "x"));
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.contains("command failed (exit status 7): nope"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("AD002 e: environment variable AD_TEST_NOT_SET_ANYWHERE is not set"),
        "{}",
        r.stdout
    );

    let started = std::time::Instant::now();
    let r = run(ad().args([
        "--timeout",
        "0.5",
        "compare",
        "slow=cmd:sleep 5",
        "f=file:tests/fixtures/redaction/exact",
    ]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("did not finish within 0.5 s"), "{}", r.stdout);
    assert!(started.elapsed().as_secs() < 4, "the command is stopped at the timeout");
}

#[test]
fn explain_sources_completions() {
    let r = run(ad().args(["explain", "ad102"]));
    assert_eq!(r.code, 0);
    for part in ["AD102", "Why:", "Confirm:", "Fix:"] {
        assert!(r.stdout.contains(part), "{}", r.stdout);
    }
    let r = run(ad().args(["explain", "all"]));
    assert!(
        r.stdout.lines().count() >= 20 && r.stdout.contains("AD100  ok"),
        "{}",
        r.stdout
    );
    let (_, v) = json(ad().args(["explain", "AD001"]));
    assert_eq!(v["code"], "AD001");

    let r = run(ad().arg("sources"));
    for scheme in ["env", "envvar", "file", "cmd", "-"] {
        assert!(r.stdout.contains(&format!("  {scheme} ")), "{scheme}: {}", r.stdout);
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(ad().args(["completions", shell]));
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("compare") && r.stdout.contains("inspect"), "{shell}");
    }
}

#[test]
fn reveal_shows_a_marked_hex_dump() {
    let r = run(ad().args([
        "--reveal",
        "compare",
        "a=file:tests/fixtures/redaction/exact",
        "b=file:tests/fixtures/redaction/truncated",
    ]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("Values (--reveal)"), "{}", r.stdout);
    assert!(r.stdout.contains("00000020  34 55 65 39 52"), "{}", r.stdout);
    assert!(r.stdout.contains("^^ ← first difference"), "{}", r.stdout);
}

/// The global options (clap's `global = true`) parse before, between and after the subcommands, the
/// innermost command line value wins, a command line value beats AUTHDOCTOR_FORMAT wherever it is,
/// and `help`/completions know every command.
#[test]
fn global_options_anywhere() {
    let tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    let is_json = |r: &Run| r.stdout.trim_start().starts_with('{');
    for args in [
        vec!["--format", "json", "jwt", "decode", tok],
        vec!["jwt", "--format", "json", "decode", tok],
        vec!["jwt", "decode", tok, "--format=json"],
        vec![
            "--format", "human", "jwt", "--format", "human", "decode", tok, "--format", "json",
        ],
        vec!["--format", "human", "jwt", "--format", "json", "decode", tok],
    ] {
        let r = run(ad().args(&args));
        assert!(is_json(&r), "{args:?}: {}", r.stdout);
    }
    for args in [
        vec!["--format", "json", "jwt", "decode", tok, "--format", "human"],
        vec!["--format", "json", "jwt", "--format", "human", "decode", tok],
    ] {
        let r = run(ad().args(&args));
        assert!(
            !is_json(&r) && r.stdout.contains("jwt decode"),
            "{args:?}: {}",
            r.stdout
        );
    }
    // The environment is below the command line at any level, above the default at every level.
    let r = run(ad()
        .args(["--format", "human", "jwt", "decode", tok])
        .env("AUTHDOCTOR_FORMAT", "json"));
    assert!(!is_json(&r), "{}", r.stdout);
    let r = run(ad().args(["jwt", "decode", tok]).env("AUTHDOCTOR_FORMAT", "json"));
    assert!(is_json(&r), "{}", r.stdout);
    let r = run(ad().args(["jwt", "decode", tok]).env("AUTHDOCTOR_FORMAT", "xml"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid value 'xml'"), "{}", r.stderr);
    // Flags from different levels add up; -q and -v on one command still conflict.
    let r = run(ad().args(["sources", "--strict", "-q"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(ad().args(["jwt", "decode", tok, "-q", "-v"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
    let r = run(ad().args(["--timeout", "0", "jwt", "decode", tok]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--timeout"), "{}", r.stderr);
    // Help and completions see every command's arguments, and the global options.
    let r = run(ad().args(["help", "jwt", "verify"]));
    assert!(
        r.stdout.contains("--jwks") && r.stdout.contains("--format"),
        "{}",
        r.stdout
    );
    let r = run(ad().args(["completions", "bash"]));
    for word in ["decode verify sign", "--loaders", "--update-baseline", "--leeway"] {
        assert!(r.stdout.contains(word), "completions lack {word}");
    }
}

/// Every local scheme, stdin included, is read alongside the others (synchronously, inside the
/// command's runtime), and nothing is said on stderr.
#[test]
fn every_local_scheme_is_read() {
    let d = "tests/fixtures/redaction";
    let fly = "tests/fixtures/fly/0.4.6/catwalk-backend.json";
    // A process started with the secret in its environment, for proc:PID (killed on drop).
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
            .env("AD_TEST_SECRET", KNOWN)
            .spawn()
            .expect("sleep"),
    );
    let r = run(ad()
        .args([
            "compare".to_string(),
            format!("a=file:{d}/exact"),
            format!("b=env:{d}/plain.env#AUTH_SECRET?loader=python"),
            "c=envvar:AD_TEST_SECRET".into(),
            "d=-".into(),
            format!("e=fly-json:{fly}#AUTH_SECRET"),
            format!("f={d}/plain.env#AUTH_SECRET"),
            format!("g=proc:{}#AD_TEST_SECRET", child.0.id()),
        ])
        .env("AD_TEST_SECRET", KNOWN)
        .write_stdin(KNOWN));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    // Five values read and equal, the Fly digest read too (its staged status is the one failure);
    // a digest is never one of the distinct values.
    assert!(
        r.stdout
            .contains("AD100 all 6 sources with a value hold the same 64-byte value")
            && !r.stdout.contains("≠ e"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("AD501") && r.stderr.is_empty(),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    let tok = run(ad().args([
        "jwt",
        "sign",
        "--secret",
        &format!("file:{d}/exact"),
        "--claim",
        "sub=x",
    ]));
    let tok = tok.stdout.trim();
    let r = run(ad()
        .args([
            "jwt",
            "verify",
            tok,
            "--secret",
            "-",
            "--secret",
            "envvar:AD_TEST_SECRET",
        ])
        .arg("--secret")
        .arg(format!("file:{d}/exact"))
        .env("AD_TEST_SECRET", "other")
        .write_stdin("nope"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("AD403"), "{}", r.stdout);
}

/// An error's hint is on its own line; control characters the input brought stay escaped.
#[test]
fn an_error_and_its_hint_are_two_lines_and_input_stays_escaped() {
    let r = run(ad().args(["inspect", "bogus:x"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines[0].starts_with("authdoctor: error: bad source 'bogus:"),
        "{}",
        r.stderr
    );
    assert!(lines[1].starts_with("  hint: "), "{}", r.stderr);
    assert!(!r.stderr.contains("\\n  hint"), "{}", r.stderr);
    let r = run(ad().args(["inspect", "env:x\u{1b}[2J\nforged line#K?loader=nope"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
    assert!(!r.stderr.lines().any(|l| l.starts_with("forged line")), "{}", r.stderr);
}
