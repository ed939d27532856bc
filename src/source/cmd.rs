//! `cmd:COMMAND`: the exact stdout of the user's own command, run by `sh -c` under the timeout.

use super::registry::{Access, Fetching, Recipe, Remote, Scheme, SchemeInfo};
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

/// `cmd:` specs for stores that have a CLI. `cmd:` yields the command's exact stdout and takes no
/// options, so a tool that ends its output with a newline is wrapped in `v=$(…) && printf %s "$v"`:
/// the shell's command substitution drops every trailing newline (a newline that is part of the
/// stored value too), and `&&` keeps the tool's failure a failure (a bare `printf %s "$(…)"` would
/// exit 0 with an empty value).
pub const RECIPES: &[Recipe] = &[
    Recipe {
        store: "1Password",
        spec: "cmd:op read --no-newline 'op://VAULT/ITEM/FIELD'",
        newline: "--no-newline: the field's exact bytes (without it, `op read` adds one newline)",
    },
    Recipe {
        store: "GCP Secret Manager",
        spec: "cmd:gcloud secrets versions access latest --secret=NAME --project=PROJECT",
        newline: "adds nothing: the payload's bytes as stored",
    },
    Recipe {
        store: "Azure Key Vault",
        spec: "cmd:v=$(az keyvault secret show --vault-name VAULT --name NAME --query value -o tsv) && printf %s \"$v\"",
        newline: "`-o tsv` ends the value with a newline; `v=$(…) && printf %s \"$v\"` removes it and keeps az's exit status",
    },
    Recipe {
        store: "HashiCorp Vault",
        spec: "cmd:vault kv get -mount=secret -field=KEY PATH",
        newline: "-field= prints the value without a trailing newline",
    },
    Recipe {
        store: "Doppler",
        spec: "cmd:v=$(doppler secrets get NAME --plain --project PROJECT --config CONFIG) && printf %s \"$v\"",
        newline: "--plain prints the value and a newline; `v=$(…) && printf %s \"$v\"` removes it and keeps doppler's exit status",
    },
];

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

    fn recipes(&self) -> &'static [Recipe] {
        RECIPES
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
