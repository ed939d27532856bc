//! The real backend `probe` asks: tools/probe/app.py (FastAPI + uvicorn, verifying HS256 with
//! python-jose and PyJWT as the incidents' backends did), started per test on 127.0.0.1 with its
//! secrets in its environment, and stopped when the test's handle drops (or, by a watchdog, when
//! the test process exits).
#![allow(dead_code)]

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Backend {
    pub url: String,
    child: Child,
}

fn python() -> String {
    if let Ok(p) = std::env::var("AUTHDOCTOR_TEST_PYTHON")
        && !p.is_empty()
    {
        return p;
    }
    let local = super::root().join("tools/.venv-test/bin/python");
    if local.is_file() {
        return local.display().to_string();
    }
    "python3".to_string()
}

impl Backend {
    /// Start the app with these environment variables (AUTH_SECRET, MCP_ENHANCED_JWT_SECRET,
    /// PROBE_USERS …).
    pub fn start(env: &[(&str, &str)]) -> Backend {
        Backend::spawn(&python(), "tools/probe/app.py", env)
    }

    /// The Auth.js app (tools/probe/authjs-server.mjs: @auth/core's own handler under node) with
    /// this AUTH_SECRET.
    pub fn start_authjs(secret: &str) -> Backend {
        Backend::spawn("node", "tools/probe/authjs-server.mjs", &[("AUTH_SECRET", secret)])
    }

    fn spawn(program: &str, script: &str, env: &[(&str, &str)]) -> Backend {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let py = program.to_string();
        let app = super::root().join(script);
        // The watchdog shell stops the app if this test process dies without dropping the handle.
        // SIGKILL: on SIGTERM uvicorn would wait for a request still in flight (the 30-second
        // /slow route) before exiting.
        let watchdog = format!(
            "\"$0\" \"$1\" {port} & a=$!; trap 'kill -9 $a 2>/dev/null; exit 0' TERM; while kill -0 {pid} 2>/dev/null && kill -0 $a 2>/dev/null; do sleep 0.3; done; kill -9 $a 2>/dev/null",
            pid = std::process::id()
        );
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(watchdog).arg(&py).arg(&app);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("could not start {py} ({e}): run `bash scripts/test.sh`, which installs what the backends need")
            });
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the backend ({py} {script}) did not start on port {port}: run `bash scripts/test.sh`, which installs what it needs"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Backend {
            url: format!("http://127.0.0.1:{port}"),
            child,
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        // SIGTERM to the watchdog, which stops the app; then reap it.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}
