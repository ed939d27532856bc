//! `authdoctor check`: every secret group and token check of authdoctor.toml, fetched together
//! (each backend once), reported group by group.

use crate::baseline;
use crate::cli::Global;
use crate::config::{self, Config};
use crate::error::Error;
use crate::report::{Report, Verdict};
use crate::secret::Secret;
use crate::source::{Outcome, Spec};

pub struct Options<'a> {
    pub config: Option<&'a str>,
    pub only: &'a [String],
    /// `--baseline [PATH]`: `Some("")` for the default beside the config file.
    pub baseline: Option<&'a str>,
    pub update_baseline: bool,
}

pub async fn run(opts: &Options<'_>, global: &Global) -> Result<(Vec<Report>, Vec<Secret>), Error> {
    let only = opts.only;
    let path = config::locate(opts.config)?;
    let cfg: Config = config::load(&path)?;
    // The lock file: as given (relative to where authdoctor was started), else beside the config.
    let lock_path = match opts.baseline {
        Some(p) if !p.is_empty() => Some(std::path::PathBuf::from(p)),
        Some(_) => Some(path.with_file_name(baseline::FILE_NAME)),
        None if opts.update_baseline => Some(path.with_file_name(baseline::FILE_NAME)),
        None => None,
    };
    let lock_name = lock_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    let lock_path = match lock_path {
        Some(p) if p.is_relative() => Some(
            std::env::current_dir()
                .map_err(|e| Error::new(format!("no current directory: {e}")))?
                .join(p),
        ),
        other => other,
    };
    // Compare only with --baseline; a first --update-baseline may start without a file.
    let lock = match (&lock_path, opts.baseline) {
        (Some(p), Some(_)) if !opts.update_baseline || p.exists() => Some(baseline::load(p)?),
        _ => None,
    };
    let names: Vec<String> = cfg
        .secret
        .iter()
        .map(|g| g.name.get_ref().clone())
        .chain(cfg.token.iter().map(|t| t.name.get_ref().clone()))
        .collect();
    for o in only {
        if !names.contains(o) {
            // Echoed only when name-shaped: anything else may be a secret pasted in the wrong place.
            let shaped = o.len() <= 40
                && o.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
                && !crate::report::guard::token_like(o);
            let what = if shaped {
                format!("--only {o:?}")
            } else {
                "--only".to_string()
            };
            return Err(
                Error::new(format!("{what}: no such [[secret]] or [[token]] in {}", path.display()))
                    .hint(format!("names: {}", names.join(", "))),
            );
        }
    }
    let wanted = |n: &str| only.is_empty() || only.iter().any(|o| o == n);
    // The entries being replaced, so an unchanged value keeps its hash (and salt) in the lock.
    let previous_lock = match (&lock, &lock_path) {
        (None, Some(p)) if opts.update_baseline && p.exists() => baseline::load(p).ok(),
        _ => None,
    };
    let previous = |spec: &str| lock.as_ref().or(previous_lock.as_ref()).and_then(|l| l.get(spec));
    // Sources are relative to the config file, as a project's paths are; locations in findings are
    // given back relative to where authdoctor was started, so annotations land on the right file.
    let started_in = std::env::current_dir().map_err(|e| Error::new(format!("no current directory: {e}")))?;
    let prefix = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.to_path_buf());
    if let Some(dir) = &prefix {
        std::env::set_current_dir(dir).map_err(|e| Error::new(format!("{}: {e}", dir.display())))?;
    }
    let mut raw: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        if !raw.iter().any(|x| x == s) {
            raw.push(s.to_string());
        }
    };
    for g in cfg.secret.iter().filter(|g| wanted(g.name.get_ref())) {
        g.sources.iter().for_each(|s| add(s.get_ref()));
    }
    for t in cfg.token.iter().filter(|t| wanted(t.name.get_ref())) {
        add(t.token.get_ref());
        t.secrets.iter().for_each(|s| add(s.get_ref()));
    }
    let specs = raw.iter().map(|s| Spec::parse(s)).collect::<Result<Vec<_>, _>>()?;
    if global.verbose {
        crate::report::console::note(&format!(
            "config {}: {} secret group(s), {} token check(s), {} distinct source(s){}",
            path.display(),
            cfg.secret.len(),
            cfg.token.len(),
            specs.len(),
            if crate::checks::sources::in_ci() {
                "; CI=true: local-only sources may be skipped"
            } else {
                ""
            }
        ));
    }
    let outcomes = super::fetch(specs, global).await?;
    let pick = |list: &[String]| -> Vec<&Outcome> {
        list.iter()
            .filter_map(|s| raw.iter().position(|r| r == s).map(|i| &outcomes[i]))
            .collect()
    };
    // Local-only sources absent here (CI, or gitignored) are skipped, not unreadable.
    let ci = crate::checks::sources::in_ci();
    let skip = |o: &Outcome, group_local: bool| -> Option<&'static str> {
        let e = o.result.as_ref().err()?;
        crate::checks::sources::skip_reason(&o.spec, group_local, e, ci, crate::paths::gitignored)
    };
    let mut reports = Vec::new();
    // Tokens are minted again and again, so only secret sources go into the lock file.
    let mut lock_entries = Vec::new();
    for g in cfg.secret.iter().filter(|g| wanted(g.name.get_ref())) {
        let list: Vec<String> = g.sources.iter().map(|s| s.get_ref().clone()).collect();
        let all = pick(&list);
        let skipped: Vec<Option<&str>> = all.iter().map(|o| skip(o, g.local)).collect();
        let group: Vec<&Outcome> = all
            .iter()
            .zip(&skipped)
            .filter(|(_, s)| s.is_none())
            .map(|(o, _)| *o)
            .collect();
        let mut r = super::compare::build(&group, global.reveal, "check");
        skipped_rows(&mut r, &all, &skipped);
        r.title = Some(g.name.get_ref().clone());
        r.origin = Some(cfg.location_of(g.name.span()));
        if let Some(lock) = &lock {
            r.findings.extend(crate::checks::compare::drift(
                g.name.get_ref(),
                &group,
                lock,
                &lock_name,
            ));
        }
        // Each entry costs a slow hash: made only when the lock is written.
        if opts.update_baseline {
            lock_entries.extend(
                group
                    .iter()
                    .filter_map(|o| baseline::entry_of(o, previous(&o.spec.raw))),
            );
        }
        r.ignore(&crate::config::ignore_codes(&g.ignore));
        r.ignore(&global.ignored()?);
        reports.push(r);
    }
    for t in cfg.token.iter().filter(|t| wanted(t.name.get_ref())) {
        let token_outcome = pick(std::slice::from_ref(t.token.get_ref()));
        let secrets: Vec<String> = t.secrets.iter().map(|s| s.get_ref().clone()).collect();
        let all = pick(&secrets);
        let skipped: Vec<Option<&str>> = all.iter().map(|o| skip(o, t.local)).collect();
        let only_secrets = t.keys.is_empty() && t.jwks.is_none() && !t.discover;
        let token_skipped = token_outcome.first().and_then(|o| skip(o, t.local));
        if token_skipped.is_some() || (only_secrets && !all.is_empty() && skipped.iter().all(Option::is_some)) {
            let mut r = Report::new("check");
            r.title = Some(t.name.get_ref().clone());
            r.origin = Some(cfg.location_of(t.name.span()));
            let everything: Vec<&Outcome> = token_outcome.iter().chain(all.iter()).copied().collect();
            let reasons: Vec<Option<&str>> =
                std::iter::once(token_skipped.or(Some("local-only; its secrets are absent")))
                    .chain(skipped.iter().map(|s| s.or(Some("local-only; the token is absent"))))
                    .collect();
            skipped_rows(&mut r, &everything, &reasons);
            reports.push(r);
            continue;
        }
        let text = match token_outcome.first().and_then(|o| o.secret()) {
            Some(s) => String::from_utf8_lossy(s.expose()).into_owned(),
            None => {
                let mut r = Report::new("check");
                r.title = Some(t.name.get_ref().clone());
                r.origin = Some(cfg.location_of(t.name.span()));
                super::source_rows(&token_outcome, &mut r, false);
                reports.push(r);
                continue;
            }
        };
        let intake = crate::jwt::intake(&text).unwrap_or_else(|_| crate::jwt::Intake {
            token: text.trim().to_string(),
            ..Default::default()
        });
        let (mut r, parsed, intake) = super::jwt::examine(intake, "check");
        r.title = Some(t.name.get_ref().clone());
        r.origin = Some(cfg.location_of(t.name.span()));
        let candidates: Vec<&Outcome> = all
            .iter()
            .zip(&skipped)
            .filter(|(_, s)| s.is_none())
            .map(|(o, _)| *o)
            .collect();
        if let Some(lock) = &lock {
            r.findings.extend(crate::checks::compare::drift(
                t.name.get_ref(),
                &candidates,
                lock,
                &lock_name,
            ));
        }
        // Each entry costs a slow hash: made only when the lock is written.
        if opts.update_baseline {
            lock_entries.extend(
                candidates
                    .iter()
                    .filter_map(|o| baseline::entry_of(o, previous(&o.spec.raw))),
            );
        }
        // config::load checked the name.
        let verifier = t.verifier.as_ref().and_then(|v| v.get_ref().parse().ok());
        let args = super::jwt::VerifyArgs {
            token: None,
            secrets: Vec::new(),
            keys: &t.keys,
            jwks: t.jwks.as_deref(),
            discover: t.discover,
            expect: crate::checks::token::Expect {
                aud: t.audience.clone(),
                iss: t.issuer.clone(),
                require: t.require.clone(),
                leeway: t.leeway.unwrap_or(0) as i64,
                library_decides: verifier.is_some(),
            },
            algs: t.algorithms.clone(),
            salt: t.salt.as_deref(),
            verifier,
        };
        super::jwt::check_token(&mut r, parsed, &intake, &candidates, &args, global.timeout).await;
        super::locate(&mut r.findings, &candidates);
        skipped_rows(&mut r, &all, &skipped);
        r.ignore(&crate::config::ignore_codes(&t.ignore));
        r.ignore(&global.ignored()?);
        reports.push(r);
    }
    // Locations as the repository shows them (GitHub annotations, SARIF): relative to its root.
    let config_dir = started_in.join(prefix.as_deref().unwrap_or(std::path::Path::new("")));
    let config_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for r in &mut reports {
        if let Some(o) = r.origin.as_mut() {
            o.file = config_name.clone();
        }
    }
    super::relocate(&mut reports, &config_dir, &started_in);
    if global.verbose {
        for r in &reports {
            for s in r
                .sources
                .iter()
                .filter(|s| s.status == crate::report::SourceStatus::Skipped)
            {
                crate::report::console::note(&format!(
                    "{}: skipped {} ({})",
                    r.title.as_deref().unwrap_or("check"),
                    s.label,
                    s.details
                        .get("skipped")
                        .and_then(|v| v.as_str())
                        .unwrap_or("local-only")
                ));
            }
        }
    }
    if opts.update_baseline
        && let Some(p) = &lock_path
    {
        update(p, &lock_name, &reports, lock_entries, global)?;
    }
    let secrets = outcomes.iter().filter_map(|o| o.secret().cloned()).collect();
    Ok((reports, secrets))
}

/// Adds a `skipped` row for each outcome with a reason (a local-only source absent here), after
/// the rows of the sources that were read.
fn skipped_rows(report: &mut Report, outcomes: &[&Outcome], reasons: &[Option<&str>]) {
    for (o, why) in outcomes.iter().zip(reasons) {
        let Some(why) = why else { continue };
        let mut row =
            crate::report::SourceRow::new(o.spec.name(), o.spec.raw.clone(), crate::report::SourceKind::Value);
        row.status = crate::report::SourceStatus::Skipped;
        row.details.insert("skipped".into(), (*why).into());
        report.sources.push(row);
    }
}

/// Write the lock file from a passing run, merged with the entries of groups this run left out.
fn update(
    path: &std::path::Path,
    name: &str,
    reports: &[Report],
    entries: Vec<baseline::Entry>,
    global: &Global,
) -> Result<(), Error> {
    let passed = reports
        .iter()
        .all(|r| matches!(r.verdict(global.strict), Verdict::Pass | Verdict::Warn));
    if !passed {
        crate::report::console::note(&format!(
            "{name} not updated: the check did not pass, so this is not a known-good state"
        ));
        return Ok(());
    }
    // A lock this run cannot read is refused (exit 2, saying how to recover), never replaced:
    // it may hold other groups' entries, or come from a newer authdoctor.
    let mut lock = if std::fs::symlink_metadata(path).is_ok() {
        baseline::load(path)?
    } else {
        baseline::Lock::default()
    };
    let count = entries.len();
    lock.merge(entries);
    let text = lock
        .render()
        .map_err(|e| Error::new(format!("could not write {name}: {e}")))?;
    baseline::write_atomic(path, &text)
        .map_err(|e| Error::new(format!("could not write {name}: {e}")).hint("check the directory is writable"))?;
    if !global.quiet {
        crate::report::console::note(&format!("wrote {name} ({count} source fingerprints)"));
    }
    Ok(())
}
