//! `authdoctor check`: every secret group and token check of authdoctor.toml, fetched together
//! (each backend once), reported group by group.

use crate::cli::Global;
use crate::config::{self, Config};
use crate::report::Report;
use crate::secret::Secret;
use crate::source::{Outcome, Spec};
use crate::usage::UsageError;
use std::time::Duration;

pub async fn run(
    config_path: Option<&str>,
    only: &[String],
    global: &Global,
) -> Result<(Vec<Report>, Vec<Secret>), UsageError> {
    let path = config::locate(config_path)?;
    let cfg: Config = config::load(&path)?;
    let names: Vec<String> = cfg
        .secret
        .iter()
        .map(|g| g.name.get_ref().clone())
        .chain(cfg.token.iter().map(|t| t.name.get_ref().clone()))
        .collect();
    for o in only {
        if !names.contains(o) {
            return Err(UsageError::new(format!(
                "--only {o:?}: no such [[secret]] or [[token]] in {}",
                path.display()
            ))
            .hint(format!("names: {}", names.join(", "))));
        }
    }
    let wanted = |n: &str| only.is_empty() || only.iter().any(|o| o == n);
    // Sources are relative to the config file, as a project's paths are; locations in findings are
    // given back relative to where authdoctor was started, so annotations land on the right file.
    let prefix = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.to_path_buf());
    if let Some(dir) = &prefix {
        std::env::set_current_dir(dir).map_err(|e| UsageError::new(format!("{}: {e}", dir.display())))?;
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
    let outcomes = crate::source::fetch_all(specs, Duration::from_secs_f64(global.timeout), None).await?;
    let pick = |list: &[String]| -> Vec<&Outcome> {
        list.iter()
            .filter_map(|s| raw.iter().position(|r| r == s).map(|i| &outcomes[i]))
            .collect()
    };
    let mut reports = Vec::new();
    for g in cfg.secret.iter().filter(|g| wanted(g.name.get_ref())) {
        let list: Vec<String> = g.sources.iter().map(|s| s.get_ref().clone()).collect();
        let mut r = super::compare::build(&pick(&list), global.reveal, "check");
        r.title = Some(g.name.get_ref().clone());
        reports.push(r);
    }
    for t in cfg.token.iter().filter(|t| wanted(t.name.get_ref())) {
        let token_outcome = pick(std::slice::from_ref(t.token.get_ref()));
        let text = match token_outcome.first().and_then(|o| o.secret()) {
            Some(s) => String::from_utf8_lossy(s.expose()).into_owned(),
            None => {
                let mut r = Report::new("check");
                r.title = Some(t.name.get_ref().clone());
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
        let secrets: Vec<String> = t.secrets.iter().map(|s| s.get_ref().clone()).collect();
        let args = super::jwt::VerifyArgs {
            token: None,
            secrets: &[],
            keys: &t.keys,
            jwks: t.jwks.as_deref(),
            discover: t.discover,
            expect: crate::jwt::verify::Expect {
                aud: t.audience.clone(),
                iss: t.issuer.clone(),
                require: t.require.clone(),
                leeway: t.leeway.unwrap_or(60) as i64,
            },
            algs: &t.algorithms,
            salt: t.salt.as_deref(),
        };
        super::jwt::check_token(
            &mut r,
            parsed,
            &intake,
            &pick(&secrets),
            &args,
            Duration::from_secs_f64(global.timeout),
        )
        .await;
        reports.push(r);
    }
    if let Some(dir) = &prefix {
        for r in &mut reports {
            for f in &mut r.findings {
                if let Some(loc) = f.location.as_mut()
                    && std::path::Path::new(&loc.file).is_relative()
                {
                    loc.file = dir.join(&loc.file).display().to_string();
                }
            }
        }
    }
    let secrets = outcomes.iter().filter_map(|o| o.secret().cloned()).collect();
    Ok((reports, secrets))
}
