//! From parsed arguments to printed output and an exit code; the binary's `main` calls `main()`.

use crate::cli::{Cli, ColorChoice, Command, Format, Global, JwtCommand};
use crate::report::redact::Redactor;
use crate::report::{Report, human};
use crate::secret::Secret;
use crate::source::Outcome;
use crate::usage::UsageError;
use std::io::{IsTerminal, Write};

pub const EXIT_USAGE: i32 = 2;

pub fn main() -> i32 {
    let cli = match crate::cli::parse_from(std::env::args_os()) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { 0 };
        }
    };
    setup_color(&cli.global);
    match dispatch(&cli) {
        Ok(code) => code,
        Err(e) => {
            let prefix = if colored::control::SHOULD_COLORIZE.should_colorize() {
                "\x1b[31merror\x1b[0m"
            } else {
                "error"
            };
            eprintln!("authdoctor: {prefix}: {e}");
            EXIT_USAGE
        }
    }
}

fn setup_color(g: &Global) {
    let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let on = match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env_set("NO_COLOR") {
                false
            } else if env_set("CLICOLOR_FORCE") && std::env::var("CLICOLOR_FORCE").as_deref() != Ok("0") {
                true
            } else {
                std::io::stdout().is_terminal()
            }
        }
    };
    colored::control::set_override(on && g.format != Format::Json);
}

/// UTF-8 marks unless the locale says otherwise (LC_ALL, then LC_CTYPE, then LANG).
fn unicode_locale() -> bool {
    for k in ["LC_ALL", "LC_CTYPE", "LANG"] {
        if let Ok(v) = std::env::var(k)
            && !v.is_empty()
        {
            let v = v.to_ascii_lowercase();
            return v.contains("utf-8") || v.contains("utf8");
        }
    }
    false
}

fn dispatch(cli: &Cli) -> Result<i32, UsageError> {
    let g = &cli.global;
    match &cli.command {
        Command::Compare { sources, .. } => {
            let sources = crate::commands::parse_sources(sources)?;
            let remote = any_remote(&sources);
            checklist(g, remote, |g| {
                Box::pin(with_secrets(crate::commands::compare::run(sources, g)))
            })
        }
        Command::Inspect { sources, .. } => {
            let sources = crate::commands::parse_sources(sources)?;
            let remote = any_remote(&sources);
            checklist(g, remote, |g| {
                Box::pin(with_secrets(crate::commands::inspect::run(sources, g)))
            })
        }
        Command::Envfile {
            files, loaders, key, ..
        } => checklist_sync(g, || crate::commands::envfile::run(files, loaders, key.as_deref(), g)),
        Command::Jwt(command) => match command {
            JwtCommand::Decode { token, .. } => checklist_sync(g, || crate::commands::jwt::decode(token.as_deref())),
            JwtCommand::Verify { .. } => {
                let args = crate::commands::jwt::dispatch_verify(command)
                    .ok_or_else(|| UsageError::new("internal: verify arguments"))??;
                let remote = args.jwks.is_some() || args.discover || any_remote(&args.secrets);
                checklist(g, remote, move |g| Box::pin(crate::commands::jwt::verify(args, g)))
            }
            JwtCommand::Sign {
                secret,
                key,
                alg,
                claim,
                claims,
                exp,
                aud,
                iss,
                kid,
                ..
            } => {
                let rt = runtime()?;
                let args = crate::commands::jwt::SignArgs {
                    secret: secret.as_deref(),
                    key: key.as_deref(),
                    alg,
                    claim,
                    claims: claims.as_deref(),
                    exp: exp.as_deref(),
                    aud: aud.as_deref(),
                    iss: iss.as_deref(),
                    kid: kid.as_deref(),
                };
                let (token, _) = rt.block_on(crate::commands::jwt::sign(args, g))?;
                match g.format {
                    Format::Json => print_out(&format!(
                        "{}\n",
                        serde_json::json!({"schema": "authdoctor/1", "command": "jwt sign", "token": token})
                    )),
                    _ => print_out(&format!("{token}\n")),
                }
                Ok(0)
            }
        },
        Command::Check {
            config,
            only,
            baseline,
            update_baseline,
            ..
        } => {
            let rt = runtime()?;
            let opts = crate::commands::check::Options {
                config: config.as_deref(),
                only,
                baseline: baseline.as_deref(),
                update_baseline: *update_baseline,
            };
            let (reports, secrets) = rt.block_on(crate::commands::check::run(&opts, g))?;
            render_many(g, reports, secrets)
        }
        Command::Init { dir, write, .. } => {
            print_out(&crate::commands::init::run(dir.as_deref(), *write, g.quiet)?);
            Ok(0)
        }
        Command::Explain { code, .. } => {
            print_out(&crate::commands::explain::run(code, g.format)?);
            Ok(0)
        }
        Command::Sources { .. } => {
            print_out(&crate::commands::sources::run(g.format));
            Ok(0)
        }
        Command::Completions { shell, .. } => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut crate::cli::command(), "authdoctor", &mut buf);
            print_out(&String::from_utf8_lossy(&buf));
            Ok(0)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError::new(format!("could not start the async runtime: {e}")))
}

/// Runs a command whose sources are all local. They are read synchronously, so its future
/// completes on the first poll and no async runtime is started (a tokio runtime is ~25k
/// instructions and a dozen page faults, a few percent of a local `jwt verify`). A future that
/// waits is finished on a runtime; but local code must not call a tokio API that needs one before
/// its first wait (it would panic outside a runtime), which `local_sources_need_no_runtime` checks
/// for every local scheme. Anything remote goes through [`any_remote`] to a runtime.
fn run_local<F: std::future::Future>(fut: F) -> Result<F::Output, UsageError> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => Ok(out),
        std::task::Poll::Pending => Ok(runtime()?.block_on(fut)),
    }
}

/// Whether any of these sources talks to a network or runs a program: only then is an async runtime
/// started. Files, `.env` files, the environment and stdin are read synchronously.
fn any_remote(specs: &[crate::source::Spec]) -> bool {
    specs.iter().any(|s| s.scheme.is_remote())
}

type Run<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(Report, Vec<Secret>), UsageError>> + 'a>>;

/// The values a command read, for the redaction pass over its output.
async fn with_secrets(
    f: impl std::future::Future<Output = Result<(Report, Vec<Outcome>), UsageError>>,
) -> Result<(Report, Vec<Secret>), UsageError> {
    let (report, outcomes) = f.await?;
    Ok((report, outcomes.iter().filter_map(|o| o.secret().cloned()).collect()))
}

/// Run a command that produces a checklist report, render it, and scrub it before printing. Without
/// `remote` sources no runtime is started ([`run_local`]).
fn checklist<'a>(g: &'a Global, remote: bool, f: impl FnOnce(&'a Global) -> Run<'a>) -> Result<i32, UsageError> {
    let started = std::time::Instant::now();
    let result = if remote {
        runtime()?.block_on(f(g))?
    } else {
        run_local(f(g))??
    };
    render(g, result, started)
}

/// A command with nothing to await (decode, envfile): no async runtime to start.
fn checklist_sync(
    g: &Global,
    f: impl FnOnce() -> Result<(Report, Vec<Secret>), UsageError>,
) -> Result<i32, UsageError> {
    let started = std::time::Instant::now();
    let result = f()?;
    render(g, result, started)
}

/// `check`: one report per group, then the overall verdict (the worst of them).
fn render_many(g: &Global, reports: Vec<Report>, secrets: Vec<Secret>) -> Result<i32, UsageError> {
    let style = human::Style {
        unicode: unicode_locale(),
        quiet: g.quiet,
        strict: g.strict,
        verbose: g.verbose,
    };
    let rank = |v: crate::report::Verdict| match v {
        crate::report::Verdict::Pass => 0,
        crate::report::Verdict::Warn => 1,
        crate::report::Verdict::Fail => 2,
        crate::report::Verdict::Error => 3,
    };
    let worst = reports
        .iter()
        .map(|r| r.verdict(g.strict))
        .max_by_key(|v| rank(*v))
        .unwrap_or(crate::report::Verdict::Pass);
    let text = match g.format {
        Format::Json => {
            let checks: Vec<serde_json::Value> = reports
                .iter()
                .filter_map(|r| {
                    serde_json::from_str::<serde_json::Value>(&crate::report::json::render(r, g.strict)).ok()
                })
                .map(|mut v| {
                    if let Some(o) = v.as_object_mut() {
                        o.remove("schema");
                    }
                    v
                })
                .collect();
            let out = serde_json::json!({
                "schema": "authdoctor/1", "command": "check", "verdict": worst.as_str(), "exit_code": worst.exit_code(), "checks": checks,
            });
            format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default())
        }
        _ => {
            let mut out = String::new();
            for r in &reports {
                out.push_str(&if g.format == Format::Github {
                    crate::report::github::render(r, style)
                } else {
                    human::render(r, style)
                });
                out.push('\n');
            }
            let count = |v: crate::report::Verdict| reports.iter().filter(|r| r.verdict(g.strict) == v).count();
            out.push_str(&format!(
                "check: {} group(s): {} pass, {} with warnings, {} failing, {} unreadable (exit {})\n",
                reports.len(),
                count(crate::report::Verdict::Pass),
                count(crate::report::Verdict::Warn),
                count(crate::report::Verdict::Fail),
                count(crate::report::Verdict::Error),
                worst.exit_code()
            ));
            out
        }
    };
    let text = if g.reveal {
        text
    } else {
        Redactor::new(secrets.iter().map(|s| s.expose())).scrub(&text)
    };
    print_out(&text);
    Ok(worst.exit_code())
}

fn render(
    g: &Global,
    (report, secrets): (Report, Vec<Secret>),
    started: std::time::Instant,
) -> Result<i32, UsageError> {
    let checked = started.elapsed();
    let style = human::Style {
        unicode: unicode_locale(),
        quiet: g.quiet,
        strict: g.strict,
        verbose: g.verbose,
    };
    let text = match g.format {
        Format::Human => human::render(&report, style),
        Format::Json => crate::report::json::render(&report, g.strict),
        Format::Github => crate::report::github::render(&report, style),
    };
    let rendered = started.elapsed();
    let text = if g.reveal {
        text
    } else {
        Redactor::new(secrets.iter().map(|s| s.expose())).scrub(&text)
    };
    print_out(&text);
    if g.verbose {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        eprintln!(
            "authdoctor: checks {:.1} ms, render {:.1} ms, redaction and output {:.1} ms",
            ms(checked),
            ms(rendered - checked),
            ms(started.elapsed() - rendered)
        );
    }
    Ok(report.verdict(g.strict).exit_code())
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that is not ready on its first poll (and wakes itself), then needs tokio's timer:
    /// `run_local` must hand it to a runtime rather than drop or spin on it.
    #[test]
    fn run_local_finishes_a_waiting_future_on_a_runtime() {
        let mut polled = false;
        let once_pending = std::future::poll_fn(move |cx| {
            if polled {
                std::task::Poll::Ready(())
            } else {
                polled = true;
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }
        });
        let out = run_local(async {
            once_pending.await;
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            42
        });
        assert_eq!(out.ok(), Some(42));
        assert_eq!(run_local(async { 7 }).ok(), Some(7));
    }
}
