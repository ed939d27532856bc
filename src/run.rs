//! From parsed arguments to printed output and an exit code; the binary's `main` calls `main()`.

use crate::cli::{Cli, ColorChoice, Command, Global, JwtCommand};
use crate::commands;
use crate::error::Error;
use crate::report::redact::Redactor;
use crate::report::{Output, Report, Style, console};
use crate::secret::Secret;
use crate::source::Outcome;
use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::time::Instant;

pub const EXIT_USAGE: i32 = 2;

pub fn main() -> i32 {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints its own usage errors (exit 2), help and version (exit 0).
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { 0 };
        }
    };
    setup_color(&cli.global);
    crate::secret::set_fingerprint_mode(cli.global.fingerprint);
    match dispatch(&cli) {
        Ok(code) => code,
        Err(e) => {
            console::error(&e);
            e.exit_code()
        }
    }
}

/// A panic's message can quote the input it choked on, secret included: report where it happened
/// and ask for a report, never the payload.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        console::note(&format!(
            "internal error{at}; please report it (the panic message is withheld: it may quote your input)"
        ));
    }));
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
    colored::control::set_override(on && g.format.allows_colour());
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

/// SARIF and JUnit carry findings: a command that prints something else refuses them (exit 2)
/// rather than print a log with nothing in it. `explain` may print the rule catalog as SARIF.
fn refuse_format(cli: &Cli) -> Result<(), Error> {
    let f = cli.global.format;
    let name = match &cli.command {
        Command::Jwt(JwtCommand::Sign(_)) => "jwt sign",
        Command::Init(_) => "init",
        Command::Sources => "sources",
        Command::Completions(_) => "completions",
        Command::Man => "man",
        Command::Explain(_) if f == crate::report::Format::Junit => "explain",
        _ => return Ok(()),
    };
    if f.findings_only() {
        return Err(Error::new(format!(
            "--format {} applies to commands that report findings (check, compare, inspect, envfile, jwt); \
             `{name}` has none",
            f.name()
        ))
        .hint(format!("use --format json (or human) with `authdoctor {name}`")));
    }
    Ok(())
}

fn dispatch(cli: &Cli) -> Result<i32, Error> {
    let g = &cli.global;
    g.ignored()?;
    refuse_format(cli)?;
    match &cli.command {
        Command::Compare(a) => {
            let sources = commands::parse_sources(&a.sources)?;
            let started = Instant::now();
            let (report, outcomes) = block_on(commands::compare::run(sources, g))??;
            checklist(g, &report, &values(&outcomes), started)
        }
        Command::Inspect(a) => {
            let sources = commands::parse_sources(&a.sources)?;
            let started = Instant::now();
            let (report, outcomes) = block_on(commands::inspect::run(sources, g))??;
            checklist(g, &report, &values(&outcomes), started)
        }
        Command::Envfile(a) => {
            let started = Instant::now();
            let (report, secrets) = commands::envfile::run(&a.files, &a.loaders, a.key.as_deref(), g)?;
            checklist(g, &report, &secrets, started)
        }
        Command::Jwt(JwtCommand::Decode(a)) => {
            let started = Instant::now();
            let (report, secrets) = commands::jwt::decode(a.token.as_deref())?;
            checklist(g, &report, &secrets, started)
        }
        Command::Jwt(JwtCommand::Verify(a)) => {
            let args = commands::jwt::dispatch_verify(a)?;
            let started = Instant::now();
            let (report, secrets) = block_on(commands::jwt::verify(args, g))??;
            checklist(g, &report, &secrets, started)
        }
        Command::Jwt(JwtCommand::Sign(a)) => {
            let signed = block_on(commands::jwt::sign(commands::jwt::sign_args(a), g))??;
            if !g.quiet {
                for w in &signed.warnings {
                    console::note(w);
                }
            }
            // The token is the output: the secret that signed it cannot be in it.
            emit(g, &Output::Token(&signed.token), &[]);
            Ok(0)
        }
        Command::Check(a) => {
            let opts = commands::check::Options {
                config: a.config.as_deref(),
                only: &a.only,
                baseline: a.baseline.as_deref(),
                update_baseline: a.update_baseline,
            };
            let started = Instant::now();
            let (mut reports, secrets) = block_on(commands::check::run(&opts, g))??;
            secrets.iter().for_each(|s| crate::secret::remember(s.expose()));
            let redactor = crate::report::redact::for_run();
            for r in &mut reports {
                guard(g, r, &redactor);
            }
            let checked = started.elapsed();
            // Scrubbed on the model (guard): the rendered text is not scrubbed again, or a key name
            // that occurs in some value would be.
            let text = crate::report::render(g.format, &Output::Check(&reports), style(g));
            let rendered = started.elapsed();
            console::print(&text);
            if g.verbose {
                console::timings(checked, rendered - checked, started.elapsed() - rendered);
            }
            Ok(crate::report::worst(&reports, g.strict).exit_code())
        }
        Command::Init(a) => {
            let doc = commands::init::run(a.dir.as_deref(), a.write, g.quiet)?;
            emit(g, &Output::Init(&doc), &[]);
            Ok(0)
        }
        Command::Probe(a) => {
            let started = Instant::now();
            let (report, secrets) = block_on(commands::probe::run(a, g))??;
            checklist(g, &report, &secrets, started)
        }
        Command::Explain(a) => {
            match commands::explain::run(&a.code)? {
                commands::explain::Explained::One(doc) => emit(g, &Output::Explain(&doc), &[]),
                commands::explain::Explained::All(docs) => emit(g, &Output::Codes(&docs), &[]),
            }
            Ok(0)
        }
        Command::Sources => {
            let (schemes, loaders) = commands::sources::run();
            emit(g, &Output::Sources(&schemes, &loaders), &[]);
            Ok(0)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Error::new(format!("could not render the manual page: {e}")))?;
            console::print(&String::from_utf8_lossy(&buf));
            Ok(0)
        }
        Command::Completions(a) => {
            let mut buf = Vec::new();
            clap_complete::generate(a.shell, &mut Cli::command(), "authdoctor", &mut buf);
            console::print(&String::from_utf8_lossy(&buf));
            Ok(0)
        }
    }
}

/// Runs a command that fetches sources on a current-thread tokio runtime (remote sources need its
/// timer and I/O; local ones are read synchronously inside it). Interrupted (Ctrl-C, SIGTERM,
/// SIGHUP), it stops the commands it had started and then ends by that signal.
fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, Error> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(format!("could not start the async runtime: {e}")))?;
    match rt.block_on(crate::source::until_signalled(fut)) {
        Ok(out) => Ok(out),
        Err(sig) => {
            drop(rt);
            crate::source::die_of(sig)
        }
    }
}

/// The values a command read, for the redaction pass over its output.
fn values(outcomes: &[Outcome]) -> Vec<Secret> {
    outcomes.iter().filter_map(|o| o.secret().cloned()).collect()
}

fn style(g: &Global) -> Style {
    Style {
        unicode: unicode_locale(),
        quiet: g.quiet,
        strict: g.strict,
        verbose: g.verbose,
    }
}

/// Render `output` in the chosen format, scrub it, print it.
fn emit(g: &Global, output: &Output, secrets: &[Secret]) {
    let text = crate::report::render(g.format, output, style(g));
    secrets.iter().for_each(|s| crate::secret::remember(s.expose()));
    let redactor = crate::report::redact::for_run();
    console::print(&scrubbed(g, text, &redactor));
}

/// `text` as rendered, with every run of a value read in this run redacted, unless `--reveal`: for
/// the outputs that have no report model (`jwt sign`'s token, `explain`, `sources`).
fn scrubbed(g: &Global, text: String, redactor: &Redactor) -> String {
    if g.reveal { text } else { redactor.scrub_rendered(&text) }
}

/// The model pass before rendering (`report::guard`): values scrubbed and claims masked unless
/// `--reveal`, control characters escaped always, weak values' fingerprints withheld in CI
/// (`CI` set and not `false`/`0`) and in machine formats.
fn guard(g: &Global, report: &mut Report, redactor: &Redactor) {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    crate::report::guard::Guard {
        redactor: (!g.reveal).then_some(redactor),
        mask_claims: !g.reveal,
        hide_weak_fingerprints: ci || g.format != crate::report::Format::Human,
    }
    .apply(report);
}

/// One checklist report: printed, timed under `-v`, its verdict as the exit code.
fn checklist(g: &Global, report: &Report, secrets: &[Secret], started: Instant) -> Result<i32, Error> {
    let mut kept = report.clone();
    if !g.ignore.is_empty() {
        kept.ignore(&g.ignored()?);
    }
    // Every Secret is remembered when made; these are the command's own, made sure of.
    secrets.iter().for_each(|s| crate::secret::remember(s.expose()));
    let redactor = crate::report::redact::for_run();
    guard(g, &mut kept, &redactor);
    let report = &kept;
    let checked = started.elapsed();
    let text = crate::report::render(g.format, &Output::Report(report), style(g));
    let rendered = started.elapsed();
    // Scrubbed on the model (guard): the rendered text is not scrubbed again, or a key name that
    // occurs in some value would be.
    console::print(&text);
    if g.verbose {
        console::timings(checked, rendered - checked, started.elapsed() - rendered);
    }
    Ok(report.verdict(g.strict).exit_code())
}
