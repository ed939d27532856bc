//! `cmd:COMMAND`: the exact stdout of the user's own command, run by `sh -c` under the timeout.

use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{FetchError, Fetched, Run, Spec};
use crate::secret::Secret;
use std::time::Duration;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "cmd",
    example: "cmd:kubectl get secret api -o jsonpath={.data.jwt} | base64 -d",
    yields: "the exact stdout of a command run by `sh -c` (no #key or ?options: the rest is the command)",
    options: &[],
    verbatim: true,
};

pub struct Cmd;

impl Scheme for Cmd {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.trim().is_empty() {
            return Err("cmd needs a command: cmd:COMMAND".into());
        }
        Ok(())
    }

    /// Remote: it waits on another program, so it runs under the timeout.
    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

impl Remote for Cmd {
    fn fetch<'a>(&'a self, spec: &'a Spec, _: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(run(&spec.locator))
    }

    fn timed_out(&self, timeout: Duration) -> FetchError {
        FetchError::unreadable(format!(
            "command did not finish within {} s (it was stopped)",
            timeout.as_secs_f64()
        ))
        .hint("raise --timeout, or check that the command does not wait for input")
    }
}

/// Run `sh -c COMMAND`: its stdout (at most [`super::MAX_SOURCE_BYTES`]); a failure names the exit
/// status and the last line of stderr. Dropping the future stops the command's process group.
async fn run(command: &str) -> Result<Fetched, FetchError> {
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c").arg(command);
    // The command runs in its own process group, stopped whole when it is done, over the cap or
    // past the timeout (the caller drops this future).
    let c = super::run_capped(cmd)
        .await
        .map_err(|e| FetchError::unreadable(format!("could not run `sh`: {e}")))?;
    if c.over {
        return Err(super::too_large("command output (stdout or stderr)"));
    }
    let (stdout, stderr, status) = (c.stdout, c.stderr, c.status);
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        let last: String = last.chars().take(200).collect();
        // A command that fails may print the value it was about to output; words that look like
        // secret material are masked even when no source of the run read that value.
        let last = last
            .split(' ')
            .map(|w| {
                let bare = w.trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';' | ':' | '(' | ')'));
                if crate::report::guard::token_like(bare) {
                    "[redacted]"
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let status = match status.code() {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal".to_string(),
        };
        let mut msg = format!("command failed ({status})");
        if !last.is_empty() {
            msg.push_str(&format!(": {last}"));
        }
        return Err(FetchError::unreadable(msg).hint("run the command by hand to see why it fails"));
    }
    Ok(Fetched::value(Secret::new(stdout)).detail("command", command.to_string()))
}
