//! Resource bounds (issue 17, items 13–17): children stopped as a whole process group, child
//! output capped, non-regular files refused, one JWKS fetch per URL, a closed pipe.

use crate::common::*;
use std::time::{Duration, Instant};

/// Whether `pid` is a live process (a zombie is not: it has exited and waits to be reaped).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        let state = s.rsplit_once(')').and_then(|(_, r)| r.split_ascii_whitespace().next());
        !matches!(state, Some("Z" | "X") | None)
    })
}

fn pids(file: &std::path::Path) -> Vec<u32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .split_ascii_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Each command leaves something running its own way; after authdoctor exits (by the timeout or
/// because the command exited), no process the command started is alive.
#[test]
fn no_child_outlives_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        // Ignores SIGTERM (the ignoring is inherited by its children) and sleeps.
        (
            "ignores-term",
            "trap '' TERM; echo $$ >> {F}; sleep 30 & echo $! >> {F}; wait",
            true,
        ),
        // Hands its stdout to a grandchild and exits: the read waits on the grandchild.
        ("grandchild-stdout", "sleep 30 & echo $! >> {F}; echo partial", true),
        // Closes its stdout and keeps running.
        ("closes-stdout", "exec >&-; echo $$ >> {F}; sleep 30", true),
        // Exits at once with a value, leaving a background process with other output.
        (
            "background",
            "sleep 30 >/dev/null 2>&1 & echo $! >> {F}; printf value-from-cmd",
            false,
        ),
    ];
    for (name, script, times_out) in cases {
        let f = dir.path().join(name);
        let cmd = format!("cmd:{}", script.replace("{F}", &f.display().to_string()));
        let started = Instant::now();
        let r = run(ad().args(["inspect", "--timeout", "1", &cmd]));
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{name}: took {took:?}\n{}", r.stderr);
        if times_out {
            assert!(
                r.stdout.contains("did not finish within 1 s"),
                "{name}: {}\n{}",
                r.stdout,
                r.stderr
            );
        }
        let pids = pids(&f);
        assert!(!pids.is_empty(), "{name}: the command recorded no pid");
        // Let init reap what was reparented to it.
        std::thread::sleep(Duration::from_millis(200));
        for pid in pids {
            assert!(!alive(pid), "{name}: process {pid} outlived authdoctor");
        }
    }
}

/// A command flooding stdout or stderr is stopped at the 8 MiB cap and named, not read to the end.
#[test]
fn flooding_child_output_is_capped() {
    for cmd in ["cmd:yes", "cmd:yes >&2", "cmd:cat /dev/zero"] {
        let started = Instant::now();
        let r = run(ad().args(["inspect", "--timeout", "60", cmd]));
        assert!(started.elapsed() < Duration::from_secs(30), "{cmd}");
        let text = format!("{}{}", r.stdout, r.stderr);
        assert!(text.contains("more than 8 MiB"), "{cmd}: {text}");
        assert!(text.contains("command output"), "{cmd}: {text}");
    }
}

fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// An RS256 token (the signature is not checked before a key is read).
fn rs256_token() -> String {
    use base64::Engine as _;
    let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.c2ln", b(r#"{"alg":"RS256","typ":"JWT"}"#), b(r#"{"sub":"x"}"#))
}

/// A FIFO, a character device or a directory where a file is read is refused at once (exit 3,
/// naming the path and "not a regular file"), never waited on or read without end.
#[test]
fn non_regular_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let f = fifo.display().to_string();
    std::fs::write(
        dir.path().join("authdoctor.toml"),
        "[[secret]]\nname = \"a\"\nsources = [\"cmd:printf x\", \"cmd:printf x\"]\n",
    )
    .expect("config");
    let token = rs256_token();
    // A Next.js project whose .env.local is a FIFO.
    std::fs::create_dir(dir.path().join("next")).expect("mkdir");
    std::fs::write(dir.path().join("next/.env"), "K=v\n").expect("env");
    mkfifo(&dir.path().join("next/.env.local"));
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["inspect".into(), format!("env:{f}#K")], "fifo"),
        (vec!["inspect".into(), format!("file:{f}")], "fifo"),
        (vec!["inspect".into(), "file:/dev/zero".into()], "/dev/zero"),
        (vec!["envfile".into(), f.clone()], "fifo"),
        (vec!["inspect".into(), format!("configjs:{f}#K")], "fifo"),
        (vec!["inspect".into(), format!("fly-json:{f}#K")], "fifo"),
        (
            vec!["jwt".into(), "verify".into(), token.clone(), "--key".into(), f.clone()],
            "fifo",
        ),
        (
            vec![
                "jwt".into(),
                "verify".into(),
                token.clone(),
                "--key".into(),
                "/dev/zero".into(),
            ],
            "/dev/zero",
        ),
        (
            vec!["jwt".into(), "verify".into(), token.clone(), "--jwks".into(), f.clone()],
            "fifo",
        ),
        (vec!["check".into(), "--config".into(), f.clone()], "fifo"),
        (vec!["check".into(), "--baseline".into(), f.clone()], "fifo"),
        (vec!["inspect".into(), "env:next#K?loader=nextjs".into()], ".env.local"),
    ];
    for (args, names) in cases {
        let started = Instant::now();
        let r = run(ad()
            .current_dir(dir.path())
            .args(&args)
            .timeout(Duration::from_secs(20)));
        let text = format!("{}{}", r.stdout, r.stderr);
        assert!(started.elapsed() < Duration::from_secs(10), "{args:?} took too long");
        assert_eq!(r.code, 3, "{args:?}: {text}");
        assert!(text.contains("not a regular file"), "{args:?}: {text}");
        assert!(text.contains(names), "{args:?}: {text}");
    }
}

/// `init` over a project whose package.json (a marker it reads) is a FIFO finishes.
#[test]
fn init_skips_a_fifo_package_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".env"), "JWT_SECRET=abc\n").expect("env");
    mkfifo(&dir.path().join("package.json"));
    let started = Instant::now();
    let r = run(ad().args(["init"]).arg(dir.path()).timeout(Duration::from_secs(20)));
    assert!(started.elapsed() < Duration::from_secs(10), "{}", r.stderr);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Five `[[token]]` checks naming one JWKS URL whose server accepts and never answers: one fetch,
/// shared, so the run takes about one `--timeout`, not five.
#[test]
fn one_jwks_fetch_per_url_under_one_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(s); // never answered, never closed
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("token"), rs256_token()).expect("token");
    let config: String = (0..5)
        .map(|i| {
            format!("[[token]]\nname = \"t{i}\"\ntoken = \"file:token\"\njwks = \"http://127.0.0.1:{port}/jwks\"\n\n")
        })
        .collect();
    std::fs::write(dir.path().join("authdoctor.toml"), config).expect("config");
    let started = Instant::now();
    let r = run(ad()
        .current_dir(dir.path())
        .args(["check", "--timeout", "2"])
        .timeout(Duration::from_secs(30)));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}: {}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1, "{}", r.stdout);
}

/// A reader that went away (`authdoctor -v compare … 2>&1 | head -1`) is the end of output: the
/// command ends as it would have, never with a panic (101). Both pipes are closed before
/// authdoctor writes anything.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a"), "k7Qw2Rt9Yp4Ux8Zc3Vb6Nm1Lj5Hg0Fd").expect("a");
    std::fs::write(d.join("b"), "k7Qw2Rt9Yp4Ux8Zc3Vb6Nm1Lj5Hg0Fe").expect("b");
    std::fs::write(d.join(".env"), "A=1\nB=2\n").expect("env");
    let bin = assert_cmd::cargo::cargo_bin("authdoctor");
    let cases: [&[&str]; 6] = [
        &["-v", "compare", "file:a", "file:b"],
        &["-v", "compare", "file:a", "file:b", "--format", "json"],
        &["explain"],
        &["sources", "--format", "json"],
        &["-v", "envfile", ".env", "--format", "github"],
        &["--help"],
    ];
    for args in cases {
        let normal = std::process::Command::new(&bin)
            .current_dir(d)
            .args(args)
            .output()
            .expect("run")
            .status
            .code();
        let mut child = std::process::Command::new(&bin)
            .current_dir(d)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().expect("wait");
        assert_ne!(status.code(), Some(101), "{args:?} panicked on a closed pipe");
        assert_eq!(status.code(), normal, "{args:?}");
    }
}

/// Ctrl-C, a CI runner cancelling the job, a closed terminal: the signal reaches authdoctor only
/// (each command it runs leads its own process group, which the terminal's SIGINT does not reach),
/// so authdoctor stops the commands it started, then ends by that same signal, as a shell expects.
#[cfg(unix)]
#[test]
fn a_signal_stops_the_commands_and_ends_authdoctor() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = assert_cmd::cargo::cargo_bin("authdoctor");
    for (sig, name) in [(libc::SIGINT, "int"), (libc::SIGTERM, "term"), (libc::SIGHUP, "hup")] {
        let f = dir.path().join(name);
        // A leader that ignores SIGTERM and a background child: only the group's KILL ends both.
        let cmd = format!(
            "cmd:trap '' TERM; echo $$ >> {F}; sleep 30 & echo $! >> {F}; wait",
            F = f.display()
        );
        let mut child = std::process::Command::new(&bin)
            .args(["inspect", "--timeout", "60", &cmd])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let waited = Instant::now();
        while pids(&f).len() < 2 {
            assert!(
                waited.elapsed() < Duration::from_secs(20),
                "{name}: the command never started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid = i32::try_from(child.id()).expect("pid");
        // SAFETY: kill(2) on the child this test started.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "{name}: kill");
        let signalled = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if signalled.elapsed() > Duration::from_secs(5) {
                let _ = child.kill();
                panic!("{name}: authdoctor did not end within 5 s of the signal");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.signal(), Some(sig), "{name}: ended by {status:?}");
        std::thread::sleep(Duration::from_millis(200));
        for p in pids(&f) {
            assert!(!alive(p), "{name}: process {p} outlived authdoctor");
        }
    }
}
