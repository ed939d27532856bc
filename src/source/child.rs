//! Running a child process bounded: every program authdoctor starts (`cmd:`, flyctl, kubectl and
//! the runtime scripts they carry) goes through [`run_capped`].
//!
//! Bounds, the contract stated in CHANGELOG.md:
//! - the child runs in its own process group (`setpgid(0, 0)`, std's `process_group(0)`), with
//!   standard input from `/dev/null`;
//! - stdout and stderr are each read up to [`super::MAX_SOURCE_BYTES`] (8 MiB); past that, the
//!   whole group is stopped and [`Captured::over`] is set (stderr keeps only its first
//!   [`STDERR_KEPT`] bytes);
//! - whenever the run is done with the child (it exited, failed, ran over a cap, or the future was
//!   dropped by the run's `--timeout`) the whole group gets SIGTERM, then SIGKILL after
//!   [`GRACE`]: a grandchild that kept stdout, a command that ignores SIGTERM or closed its output
//!   and kept running is not left behind. A process that leaves the group (`setsid`) is out of reach.

use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

/// How long a process group has between SIGTERM and SIGKILL.
pub const GRACE: Duration = Duration::from_millis(500);

/// How much of stderr is kept for messages (the rest is read and dropped, up to the cap).
pub const STDERR_KEPT: usize = 64 * 1024;

/// What a finished child process printed: stdout at most `MAX_SOURCE_BYTES`, the first
/// [`STDERR_KEPT`] bytes of stderr, and how it ended. `over`: stdout or stderr ran past
/// `MAX_SOURCE_BYTES`, and the child was stopped (then `status` is how it was stopped).
pub(crate) struct Captured {
    pub stdout: Vec<u8>,
    pub over: bool,
    pub stderr: Vec<u8>,
    pub status: std::process::ExitStatus,
}

/// Run `cmd` with no stdin in its own process group, reading its outputs under the caps. The
/// group is stopped (TERM, then KILL after [`GRACE`]) when this returns and when the future is
/// dropped (the run's timeout). Errors: the child could not be started or waited on.
pub(crate) async fn run_capped(mut cmd: tokio::process::Command) -> std::io::Result<Captured> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd.spawn()?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(std::io::Error::other("the child's output is not piped"));
    };
    let mut group = Group::new(child);
    let (out, err) = tokio::join!(super::read_capped(stdout), read_stderr(stderr));
    let (stdout, out_over) = out?;
    let (stderr, err_over) = err?;
    let over = out_over || err_over;
    if over {
        // Stop a command that streams without end (`yes`, `cat /dev/urandom`) before waiting on it.
        group.stop();
    }
    let status = group.child().wait().await?;
    // `group` drops here: whatever is left of the group (a grandchild in the background) is stopped.
    Ok(Captured {
        stdout,
        over,
        stderr,
        status,
    })
}

/// Drive `fut` until it ends, or until the process is asked to stop: SIGINT (Ctrl-C), SIGTERM (a
/// CI runner cancelling the job), SIGHUP (the terminal closed). A child runs in its own process
/// group, so the terminal's SIGINT never reaches it; on one of these signals `fut` is dropped,
/// which stops every child group it had started (TERM, then KILL after [`GRACE`]), and the signal
/// number is returned for the caller to end the process with ([`die_of`]). A signal that cannot
/// be watched (no signal driver in the runtime) is left to its default action.
#[cfg(unix)]
pub(crate) async fn until_signalled<F: std::future::Future>(fut: F) -> Result<F::Output, i32> {
    use tokio::signal::unix::{SignalKind, signal};
    async fn received(kind: SignalKind) {
        match signal(kind) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    }
    tokio::select! {
        out = fut => Ok(out),
        () = received(SignalKind::interrupt()) => Err(libc::SIGINT),
        () = received(SignalKind::terminate()) => Err(libc::SIGTERM),
        () = received(SignalKind::hangup()) => Err(libc::SIGHUP),
    }
}

#[cfg(not(unix))]
pub(crate) async fn until_signalled<F: std::future::Future>(fut: F) -> Result<F::Output, i32> {
    Ok(fut.await)
}

/// End the process by signal `sig` with its default action, so that the shell or CI runner that
/// started authdoctor sees it was interrupted (a shell stops a script on a child killed by SIGINT;
/// an exit status would not tell it). Exits with 128 + `sig` if the signal does not end it.
pub(crate) fn die_of(sig: i32) -> ! {
    #[cfg(unix)]
    // SAFETY: restoring the default action and raising a signal have no memory-safety
    // preconditions; no other thread is left doing work at this point.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
    std::process::exit(128 + sig)
}

/// Read stderr up to the cap, keeping the first [`STDERR_KEPT`] bytes; true when it ran over.
async fn read_stderr<R: tokio::io::AsyncRead + Unpin>(reader: R) -> std::io::Result<(Vec<u8>, bool)> {
    let mut kept = Vec::new();
    let mut reader = reader.take(super::MAX_SOURCE_BYTES as u64 + 1);
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0usize;
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        total += n;
        let room = STDERR_KEPT.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
    Ok((kept, total > super::MAX_SOURCE_BYTES))
}

/// A child that leads its own process group; dropping it stops the group.
struct Group {
    child: tokio::process::Child,
    pgid: Option<i32>,
    stopped: bool,
}

impl Group {
    fn new(child: tokio::process::Child) -> Self {
        let pgid = child.id().and_then(|id| i32::try_from(id).ok()).filter(|&id| id > 0);
        Group {
            child,
            pgid,
            stopped: false,
        }
    }

    fn child(&mut self) -> &mut tokio::process::Child {
        &mut self.child
    }

    /// SIGTERM to the group; SIGKILL to whatever is still in it after [`GRACE`]. Blocks at most
    /// about `GRACE` (nothing when the group is already gone, the usual case).
    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let Some(pgid) = self.pgid else {
            let _ = self.child.start_kill();
            return;
        };
        if !signal_group(pgid, Signal::Term) {
            // No process is left in the group.
            let _ = self.child.try_wait();
            return;
        }
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline {
            // Reap the leader if it exited, so it does not count as alive.
            let _ = self.child.try_wait();
            if !group_alive(pgid) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        signal_group(pgid, Signal::Kill);
        let _ = self.child.try_wait();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.stop();
    }
}

enum Signal {
    Term,
    Kill,
}

/// Send `sig` to process group `pgid`; false when the group has no process left (ESRCH).
#[cfg(unix)]
fn signal_group(pgid: i32, sig: Signal) -> bool {
    let sig = match sig {
        Signal::Term => libc::SIGTERM,
        Signal::Kill => libc::SIGKILL,
    };
    // SAFETY: killpg has no memory-safety preconditions; `pgid` is a group we created (> 0).
    unsafe { libc::killpg(pgid, sig) == 0 }
}

#[cfg(not(unix))]
fn signal_group(_: i32, _: Signal) -> bool {
    false
}

/// Whether any process of group `pgid` is alive and not a zombie. On Linux it reads `/proc`, since
/// `kill(-pgid, 0)` also counts zombies (a reparented grandchild waits on its new parent to be
/// reaped); elsewhere it asks `kill(-pgid, 0)`.
fn group_alive(pgid: i32) -> bool {
    #[cfg(target_os = "linux")]
    if let Ok(dir) = std::fs::read_dir("/proc") {
        return dir.flatten().any(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
                && std::fs::read_to_string(e.path().join("stat")).is_ok_and(|s| stat_in_group(&s, pgid))
        });
    }
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only checks that the group exists.
        unsafe { libc::killpg(pgid, 0) == 0 }
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// From a `/proc/PID/stat` line (proc(5): `pid (comm) state ppid pgrp …`): whether the process is
/// in group `pgid` and not a zombie.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn stat_in_group(stat: &str, pgid: i32) -> bool {
    // comm may hold spaces and parentheses: the fields start after the last ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return false;
    };
    let mut f = rest.split_ascii_whitespace();
    let state = f.next();
    let pgrp = f.nth(1).and_then(|p| p.parse::<i32>().ok());
    pgrp == Some(pgid) && !matches!(state, Some("Z" | "X"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_after_the_last_paren() {
        assert!(stat_in_group("42 (a) b) S 1 77 77 0", 77));
        assert!(!stat_in_group("42 (sleep) Z 1 77 77 0", 77));
        assert!(!stat_in_group("42 (sleep) S 1 78 78 0", 77));
        assert!(!stat_in_group("garbage", 77));
    }

    fn sh(script: &str) -> tokio::process::Command {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt")
    }

    #[test]
    fn output_and_status() {
        let c = rt()
            .block_on(run_capped(sh("printf out; printf err >&2; exit 3")))
            .expect("run");
        assert_eq!(
            (c.stdout.as_slice(), c.stderr.as_slice(), c.over),
            (&b"out"[..], &b"err"[..], false)
        );
        assert_eq!(c.status.code(), Some(3));
    }

    #[test]
    fn flooding_stderr_is_capped_and_stopped() {
        let started = Instant::now();
        let c = rt().block_on(run_capped(sh("yes 1>&2"))).expect("run");
        assert!(c.over);
        assert_eq!(c.stderr.len(), STDERR_KEPT);
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}
