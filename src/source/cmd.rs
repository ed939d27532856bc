//! `cmd:COMMAND`: the exact stdout of the user's own command, run by `sh -c` under the timeout.

use super::{FetchError, Fetched, Spec};
use crate::secret::Secret;
use std::process::Stdio;
use tokio::io::AsyncReadExt;

pub async fn fetch(spec: &Spec) -> Result<Fetched, FetchError> {
    let command = &spec.locator;
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| FetchError::unreadable(format!("could not start `sh`: {e}")))?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(FetchError::unreadable("could not capture the command's output"));
    };
    let run = async {
        let mut err_buf = Vec::new();
        let mut err_reader = stderr.take(64 * 1024);
        let (out, _) = tokio::join!(super::read_capped(stdout), err_reader.read_to_end(&mut err_buf));
        let (out, over) = out.map_err(|e| FetchError::unreadable(format!("reading the command's output: {e}")))?;
        if over {
            // Stop a command that streams without end (`yes`, `cat /dev/urandom`).
            let _ = child.kill().await;
            return Err(super::file::too_large("command output"));
        }
        let status = child
            .wait()
            .await
            .map_err(|e| FetchError::unreadable(format!("command failed to run: {e}")))?;
        Ok((out, err_buf, status))
    };
    // The caller's timeout drops this future, and kill_on_drop stops the command.
    let (stdout, stderr, status) = run.await?;
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        let last: String = last.chars().take(200).collect();
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
    Ok(Fetched::value(Secret::new(stdout)).detail("command", command.clone()))
}
