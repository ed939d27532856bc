//! `proc:` against real child processes: the environment they started with, found by pid and by
//! name, and AD504 when a `.env` in their working directory changed after they started.

use crate::common::*;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// A running shell script with a known environment, killed and reaped on drop.
struct Child {
    child: std::process::Child,
    name: String,
    dir: tempfile::TempDir,
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Child {
    fn pid(&self) -> u32 {
        self.child.id()
    }
    fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// A script `adpNNNN-tag` (its name is the process's name) started in a directory holding `.env`,
/// with `AD_PROC_SECRET` set to the known secret.
fn start(tag: &str) -> Child {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = format!("adp{}{tag}", std::process::id() % 100_000);
    let script = dir.path().join(&name);
    // Short sleeps: once the shell is killed, no sleep outlives it by more than a second.
    std::fs::write(&script, "#!/bin/sh\nwhile :; do sleep 1; done\n").expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::write(
        dir.path().join(".env"),
        format!("AD_PROC_SECRET={KNOWN}\nAD_ONLY_IN_FILE=x\n"),
    )
    .expect(".env");
    set_mtime(&dir.path().join(".env"), SystemTime::now() - Duration::from_secs(3600));
    let child = std::process::Command::new(&script)
        .current_dir(dir.path())
        .env("AD_PROC_SECRET", KNOWN)
        .spawn()
        .expect("spawn");
    Child { child, name, dir }
}

fn set_mtime(path: &Path, t: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(t))
        .expect("set mtime");
}

#[test]
fn by_pid_and_by_name_the_value_it_started_with() {
    let c = start("a");
    for spec in [
        format!("run=proc:{}#AD_PROC_SECRET", c.pid()),
        format!("run=proc:{}#AD_PROC_SECRET", c.name),
    ] {
        let (code, v) = json(ad().args(["compare", &spec, "file=file:tests/fixtures/redaction/exact"]));
        assert_eq!(code, 0, "{spec}: {v}");
        assert_eq!(codes(&v), ["AD100"], "{v}");
        assert_eq!(v["sources"][0]["details"]["pid"], c.pid(), "{v}");
        let from = v["sources"][0]["details"]["from"].as_str().unwrap_or_default();
        assert!(
            from.starts_with(&format!(
                "AD_PROC_SECRET ← environment of {} (pid {}), started 20",
                &c.name[..c.name.len().min(15)],
                c.pid()
            )),
            "{v}"
        );
        assert!(
            v["sources"][0]["details"]["note"]
                .as_str()
                .is_some_and(|n| n.contains("/proc cannot show") && n.contains("probe")),
            "{v}"
        );
    }
}

#[test]
fn an_env_file_changed_after_the_start_is_ad504() {
    let c = start("b");
    set_mtime(&c.dir().join(".env"), SystemTime::now() + Duration::from_secs(120));
    let spec = format!("run=proc:{}#AD_PROC_SECRET", c.pid());
    let (code, v) = json(ad().args(["inspect", &spec]));
    assert_eq!(code, 1, "{v}");
    let m = messages(&v, "AD504");
    assert_eq!(m.len(), 1, "{v}");
    let want = format!("run: {} (pid {}) started ", &c.name[..c.name.len().min(15)], c.pid());
    assert!(m[0].starts_with(&want), "{}", m[0]);
    assert!(
        m[0].contains("/.env changed ") && m[0].ends_with("; restart it"),
        "{}",
        m[0]
    );
    // The near miss: the same process, its .env older than its start.
    set_mtime(&c.dir().join(".env"), SystemTime::now() - Duration::from_secs(120));
    let (code, v) = json(ad().args(["inspect", &spec]));
    assert_eq!(code, 0, "{v}");
    assert!(messages(&v, "AD504").is_empty(), "{v}");
}

#[test]
fn a_variable_only_in_the_env_file_points_to_probe() {
    let c = start("c");
    let (code, v) = json(ad().args(["inspect", &format!("proc:{}#AD_ONLY_IN_FILE", c.pid())]));
    assert_eq!(code, 3, "{v}");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "AD002", "{v}");
    let hint = f["hint"].as_str().unwrap_or("");
    assert!(
        hint.contains("/.env defines AD_ONLY_IN_FILE") && hint.contains("probe"),
        "{hint}"
    );
    let (code, v) = json(ad().args(["inspect", "proc:no-such-process-adp#X"]));
    assert_eq!(code, 3, "{v}");
    assert!(messages(&v, "AD001")[0].contains("no running process is named"), "{v}");
}
