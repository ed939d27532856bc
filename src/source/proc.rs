//! `proc:PID#VAR` / `proc:NAME#VAR` (Linux): a variable of the environment a local process started
//! with (`/proc/PID/environ`), with the process's start time and the `.env` files of its working
//! directory that changed after it started (a fact for AD504).

use super::registry::{Access, Scheme, SchemeInfo};
use super::{Fact, FetchError, Fetched, LocalCtx, Spec};
use crate::secret::Secret;
use std::path::{Path, PathBuf};

pub const INFO: SchemeInfo = SchemeInfo {
    name: "proc",
    example: "proc:uvicorn#MCP_ENHANCED_JWT_SECRET",
    yields: "the variable in the environment a local process started with (Linux, /proc/PID/environ; \
a PID or a process name), its start time, and the .env files of its working directory changed since; \
a process that loads .env itself (python-dotenv, dotenv) holds values /proc cannot show: use `probe`",
    options: &[],
    verbatim: false,
};

pub struct Proc;

impl Scheme for Proc {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err("proc needs a process id or name: proc:PID#VAR or proc:NAME#VAR".into());
        }
        if spec.key.as_deref().is_none_or(str::is_empty) {
            return Err("proc needs the variable's name after '#': proc:PID#VAR".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Local(read)
    }
}

/// What the note on every `proc:` source says about `.env` files a process loads itself.
const DOTENV_NOTE: &str = "a process that loads .env itself (python-dotenv, dotenv) holds values /proc cannot show; \
`authdoctor probe` asks the running backend which secret it accepts";

/// `.env` files a process's project reads, looked for in its working directory: `.env`,
/// `.env.local`, `.env.MODE` and `.env.MODE.local` (the files dotenv, python-dotenv, Next.js and
/// Vite read), not the templates (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`).
fn dotenv_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            (n == ".env" || n.starts_with(".env."))
                && ![".example", ".sample", ".template", ".dist"]
                    .iter()
                    .any(|t| n.ends_with(t))
        })
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// The process's start, in milliseconds since the Unix epoch: field 22 of `/proc/PID/stat`
/// (clock ticks after boot) plus `btime` of `/proc/stat` (boot, whole seconds).
fn start_ms(root: &Path, pid: u32) -> Option<i64> {
    let stat = std::fs::read_to_string(root.join(pid.to_string()).join("stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces or ')'.
    let after = &stat[stat.rfind(')')? + 1..];
    let ticks: i64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let boot: i64 = std::fs::read_to_string(root.join("stat"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    let hz = clock_ticks();
    boot.checked_mul(1000)?.checked_add(ticks.checked_mul(1000)? / hz)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn clock_ticks() -> i64 {
    // SAFETY: sysconf has no preconditions; it returns -1 for an unknown name.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as i64 } else { 100 }
}

/// USER_HZ is 100 on every Linux architecture authdoctor is built for.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn clock_ticks() -> i64 {
    100
}

/// The process's name: `comm`, else the file name of its first argument.
fn process_name(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("comm"))
        .map(|s| s.trim_end().to_string())
        .unwrap_or_default()
}

/// The pids whose `comm`, or the file name of one of their first three arguments (an interpreter,
/// its script, `-m MODULE`), is `name`; never authdoctor itself.
fn pids_named(root: &Path, name: &str) -> Vec<u32> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut out: Vec<u32> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != me)
        .filter(|pid| {
            let dir = root.join(pid.to_string());
            if process_name(&dir) == name {
                return true;
            }
            let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else {
                return false;
            };
            cmdline.split(|b| *b == 0).take(3).any(|arg| {
                let arg = String::from_utf8_lossy(arg);
                Path::new(arg.as_ref()).file_name().is_some_and(|f| f == name)
            })
        })
        .collect();
    out.sort_unstable();
    out
}

/// Milliseconds since the Unix epoch of a file's last change.
fn modified_ms(path: &Path) -> Option<i64> {
    let m = std::fs::metadata(path).ok()?.modified().ok()?;
    i64::try_from(m.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis()).ok()
}

/// A path as the report shows it: relative to authdoctor's directory when under it.
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// The variable from `/proc/PID/environ`. Errors: no such process, several with that name, or
/// environ unreadable (another user's process): unreadable (AD001); VAR not in the environment it
/// started with: not found (AD002), naming the variables it has and any `.env` that defines VAR.
pub fn read(spec: &Spec, _: &LocalCtx) -> Result<Fetched, FetchError> {
    read_in(Path::new("/proc"), spec)
}

fn read_in(root: &Path, spec: &Spec) -> Result<Fetched, FetchError> {
    if !root.join("self").exists() {
        return Err(
            FetchError::unreadable(format!("{} is not there: proc: reads Linux's /proc", root.display()))
                .hint("run authdoctor on the Linux machine where the process runs"),
        );
    }
    let var = spec.key.as_deref().unwrap_or_default();
    let loc = spec.locator.as_str();
    let pid: u32 = match loc.parse() {
        Ok(pid) => pid,
        Err(_) => match pids_named(root, loc).as_slice() {
            [pid] => *pid,
            [] => {
                return Err(
                    FetchError::unreadable(format!("no running process is named {}", super::spec::part(loc)))
                        .hint("check the name with `ps -eo pid,comm,args`, or give the pid: proc:PID#VAR"),
                );
            }
            many => {
                let list: Vec<String> = many.iter().take(12).map(u32::to_string).collect();
                return Err(FetchError::unreadable(format!(
                    "{} processes are named {}: pids {}",
                    many.len(),
                    super::spec::part(loc),
                    list.join(", ")
                ))
                .hint("give one by its pid: proc:PID#VAR (`ps -o pid,lstart,args -p PID` tells them apart)"));
            }
        },
    };
    let dir = root.join(pid.to_string());
    if !dir.is_dir() {
        return Err(FetchError::unreadable(format!("no process with pid {pid}"))
            .hint("check the pid with `ps -p PID`; it may have exited or restarted with another pid"));
    }
    let name = process_name(&dir);
    let who = format!("{name} (pid {pid})");
    let environ = match std::fs::File::open(dir.join("environ")).and_then(|f| super::read_capped_sync(f, 16 * 1024)) {
        Ok((_, true)) => return Err(super::too_large(&format!("{who}: environment"))),
        Ok((b, false)) => Secret::container(b),
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::PermissionDenied {
                "only the process's user (or root) can read its environment: run authdoctor as that user, e.g. with sudo -u"
            } else {
                "check that the process is still running"
            };
            return Err(FetchError::unreadable(format!("{who}: cannot read its environment: {e}")).hint(hint));
        }
    };
    let cwd = std::fs::read_link(dir.join("cwd")).ok();
    let files = cwd.as_deref().map(dotenv_files).unwrap_or_default();
    let prefix = format!("{var}=");
    let value = environ
        .expose()
        .split(|b| *b == 0)
        .rfind(|e| e.starts_with(prefix.as_bytes()))
        .map(|e| e[prefix.len()..].to_vec());
    let Some(value) = value else {
        let names: Vec<String> = environ
            .expose()
            .split(|b| *b == 0)
            .filter_map(|e| {
                e.iter()
                    .position(|b| *b == b'=')
                    .map(|i| String::from_utf8_lossy(&e[..i]).into_owned())
            })
            .filter(|n| !crate::secret::looks_like_secret_material(n))
            .collect();
        let similar = super::envvar::similar_names(var, names.iter().cloned());
        let mut msg = format!("{who}: {var} is not in the environment it started with");
        if !similar.is_empty() {
            msg.push_str(&format!("; it has similar names: {}", similar.join(", ")));
        }
        let defines: Vec<String> = files
            .iter()
            .filter(|f| {
                std::fs::read(f).is_ok_and(|b| {
                    b.split(|c| *c == b'\n').any(|l| {
                        let l = l.trim_ascii_start();
                        let l = l.strip_prefix(b"export ").unwrap_or(l).trim_ascii_start();
                        l.starts_with(var.as_bytes()) && l[var.len()..].trim_ascii_start().starts_with(b"=")
                    })
                })
            })
            .map(|f| shown(f))
            .collect();
        let hint = if defines.is_empty() {
            format!("the process reads another name, or gets {var} from a file it loads itself; {DOTENV_NOTE}")
        } else {
            format!(
                "{} defines {var}: the process probably loads it itself, which /proc cannot show; read that file with env:FILE#{var}, and `authdoctor probe` asks the running backend which secret it accepts",
                defines.join(", ")
            )
        };
        return Err(FetchError::not_found(msg).hint(hint));
    };
    let mut f = Fetched::value(Secret::new(value))
        .detail("pid", pid)
        .detail("process", name.clone())
        .detail("note", DOTENV_NOTE);
    if let Some(cwd) = &cwd {
        f = f.detail("cwd", cwd.display().to_string());
    }
    let started = start_ms(root, pid);
    let since = started
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(String::new, |t| {
            format!(", started {}", t.format("%Y-%m-%d %H:%M:%S UTC"))
        });
    f = f.detail("from", format!("{var} ← environment of {who}{since}"));
    if let Some(started) = started {
        f = f.detail("started_ms", started);
        for file in &files {
            // btime has whole seconds: a file changed within a second of the start is not called newer.
            if let Some(changed) = modified_ms(file)
                && changed > started.saturating_add(1000)
            {
                f.facts.push(Fact::ProcessStartedBefore {
                    process: name.clone(),
                    pid,
                    started_ms: started,
                    file: shown(file),
                    changed_ms: changed,
                });
            }
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Spec {
        Spec::parse(s).expect("spec")
    }

    #[test]
    fn templates_are_not_read_env_files_are() {
        let d = tempfile::tempdir().expect("tempdir");
        for f in [
            ".env",
            ".env.local",
            ".env.production",
            ".env.example",
            ".env.sample",
            "env",
        ] {
            std::fs::write(d.path().join(f), "A=1\n").expect("write");
        }
        let names: Vec<String> = dotenv_files(d.path())
            .iter()
            .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, [".env", ".env.local", ".env.production"]);
    }

    #[test]
    fn a_fake_proc_tree_is_read_like_the_real_one() {
        let root = tempfile::tempdir().expect("tempdir");
        let r = root.path();
        std::fs::create_dir(r.join("self")).expect("self");
        std::fs::write(r.join("stat"), "cpu 1 2 3\nbtime 1700000000\n").expect("stat");
        let p = r.join("4242");
        std::fs::create_dir(&p).expect("pid dir");
        std::fs::write(p.join("comm"), "uvicorn\n").expect("comm");
        std::fs::write(p.join("cmdline"), b"/venv/bin/python3\0/venv/bin/uvicorn\0app:app\0").expect("cmdline");
        std::fs::write(p.join("environ"), b"PATH=/bin\0MCP_JWT_SECRET=abc\ndef\0HOME=/root\0").expect("environ");
        // State and 18 more fields, then starttime: 50 s after boot at 100 ticks a second.
        let fields = ["S"]
            .into_iter()
            .chain(std::iter::repeat_n("0", 18))
            .collect::<Vec<_>>()
            .join(" ");
        std::fs::write(p.join("stat"), format!("4242 (uvi corn) {fields} 5000 0 0\n")).expect("stat");
        assert_eq!(start_ms(r, 4242), Some(1_700_000_000_000 + 5000 * 1000 / clock_ticks()));
        assert_eq!(pids_named(r, "uvicorn"), [4242]);
        assert!(pids_named(r, "gunicorn").is_empty());
        let f = read_in(r, &spec("proc:uvicorn#MCP_JWT_SECRET")).expect("read");
        match &f.yielded {
            super::super::Yield::Value(s) => assert_eq!(s.expose(), b"abc\ndef"),
            other => panic!("{other:?}"),
        }
        let e = read_in(r, &spec("proc:4242#JWT_SECRET")).expect_err("absent");
        assert_eq!(e.kind, super::super::FailureKind::NotFound);
        assert!(e.message.contains("similar names: MCP_JWT_SECRET"), "{}", e.message);
        let e = read_in(r, &spec("proc:4243#X")).expect_err("no pid");
        assert!(e.message.contains("no process with pid 4243"), "{}", e.message);
    }
}
