//! One module per subcommand: gather sources, run checks, build the report.

pub mod check;
pub mod compare;
pub mod envfile;
pub mod explain;
pub mod init;
pub mod init_stores;
pub mod inspect;
pub mod jwt;
pub mod probe;
pub mod sources;

use crate::checks;
use crate::cli::Global;
use crate::error::Error;
use crate::report::{Dump, Report, SourceKind, SourceRow, SourceStatus};
use crate::source::{Outcome, Spec, Yield};
use std::io::IsTerminal;
use std::time::Duration;

/// Parse every spec, refusing duplicate labels. Done once, before anything is fetched: which schemes
/// are present decides whether an async runtime is started (`run.rs`).
pub fn parse_sources(raw: &[String]) -> Result<Vec<Spec>, Error> {
    let specs = raw.iter().map(|s| Spec::parse(s)).collect::<Result<Vec<_>, _>>()?;
    let mut names = rustc_hash::FxHashSet::default();
    for s in &specs {
        if !names.insert(s.name().to_string()) {
            return Err(Error::new(format!("source name '{}' is used twice", s.name()))
                .hint("give each source its own label: frontend=…, backend=…"));
        }
    }
    Ok(specs)
}

/// Fetch parsed specs ([`parse_sources`]) concurrently.
pub async fn fetch(specs: Vec<Spec>, global: &Global) -> Result<Vec<Outcome>, Error> {
    let started = std::time::Instant::now();
    // A progress line on stderr, only on a terminal and only when something remote is awaited.
    let remote = specs.iter().filter(|s| s.scheme.is_remote()).count();
    let progress = (remote > 0 && !global.quiet && std::io::stderr().is_terminal()).then(|| {
        let p = indicatif::ProgressBar::new(specs.len() as u64);
        p.set_style(
            indicatif::ProgressStyle::with_template("{spinner} fetching {pos}/{len} sources ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        p.enable_steady_tick(Duration::from_millis(100));
        p
    });
    let outcomes = crate::source::fetch_all(specs, global.timeout, progress.as_ref()).await;
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let outcomes = outcomes?;
    if global.verbose {
        crate::report::console::note(&format!(
            "fetched {} source(s) in {:.1} ms",
            outcomes.len(),
            started.elapsed().as_secs_f64() * 1e3
        ));
    }
    Ok(outcomes)
}

/// The sources table, and the findings of reading them: a failure's (AD0xx, `checks::sources`)
/// and what the sources observed (loader facts, `checks::loaders`; platform facts, `checks::platform`).
pub fn source_rows(outcomes: &[&Outcome], report: &mut Report, reveal: bool) {
    // Which loader each readable `.env` source used, by file: for a source, the loaders of the
    // run's other sources on the same file are in play too.
    let env_reads: Vec<(String, &str, crate::dotenv::Loader)> = outcomes
        .iter()
        .filter_map(|o| {
            let f = o.result.as_ref().ok()?;
            let file = f.details.get("file")?.as_str()?.to_string();
            let loader = crate::dotenv::Loader::from_name(f.details.get("loader")?.as_str()?)?;
            Some((file, o.spec.name(), loader))
        })
        .collect();
    for o in outcomes {
        let name = o.spec.name().to_string();
        let mut row = SourceRow::new(name.clone(), o.spec.raw.clone(), SourceKind::Value);
        match &o.result {
            Ok(f) => {
                row.kind = f.yielded.kind().into();
                row.details = f.details.clone();
                match &f.yielded {
                    Yield::Value(s) => {
                        row.length = Some(s.len());
                        row.fingerprint = Some(s.fingerprint());
                        if reveal {
                            row.hex = Some(hex::encode(s.expose()));
                        }
                    }
                    Yield::Fingerprints(fp) => {
                        row.length = Some(fp.length);
                        row.fingerprint = Some(crate::secret::fingerprint_of_digest(&fp.sha256));
                    }
                    Yield::Digest(d) => {
                        row.details.insert("digest".into(), d.digest.clone().into());
                        if let Some(st) = &d.status {
                            row.details.insert("status".into(), st.clone().into());
                        }
                    }
                }
                let file = f.details.get("file").and_then(|v| v.as_str());
                let peers: Vec<(crate::dotenv::Loader, String)> = env_reads
                    .iter()
                    .filter(|(path, who, _)| Some(path.as_str()) == file && *who != name)
                    .map(|(_, who, l)| (*l, format!("source {who}")))
                    .collect();
                report.findings.extend(checks::loaders::from_facts(&name, f, &peers));
                report.findings.extend(checks::platform::from_facts(&name, f));
                // A source that read several places is one row per place.
                if !f.parts.is_empty() {
                    for p in &f.parts {
                        let mut r = SourceRow::new(p.label.clone(), p.spec.clone(), SourceKind::Fingerprints);
                        r.details = p.details.clone();
                        match &p.yielded {
                            Ok(y) => {
                                r.kind = y.kind().into();
                                if let Yield::Fingerprints(fp) = y {
                                    r.length = Some(fp.length);
                                    r.fingerprint = Some(crate::secret::fingerprint_of_digest(&fp.sha256));
                                }
                            }
                            Err(e) => {
                                r.status = SourceStatus::Error;
                                report.findings.push(checks::sources::failed(&p.label, e));
                            }
                        }
                        report.sources.push(r);
                    }
                    continue;
                }
            }
            Err(e) => {
                row.status = SourceStatus::Error;
                report.findings.push(checks::sources::failed(&name, e));
            }
        }
        report.sources.push(row);
    }
}

/// Gives every finding without a location that of the first of its sources that has one (AD102 on
/// an `.env` value points at the key's line, or at a secret file), so annotations land on the
/// file. A finding names the source it blames first.
pub fn locate(findings: &mut [crate::findings::Finding], outcomes: &[&Outcome]) {
    // `ok` findings (all equal, verified) point at nothing to fix.
    let unplaced =
        |f: &&mut crate::findings::Finding| f.location.is_none() && f.severity != crate::findings::Severity::Ok;
    for f in findings.iter_mut().filter(unplaced) {
        // The source the message blames comes first in it ("mounted has a trailing LF …").
        let mut named: Vec<&String> = f.sources.iter().collect();
        named.sort_by_key(|n| f.message.find(n.as_str()).unwrap_or(usize::MAX));
        f.location = named.iter().find_map(|who| {
            outcomes
                .iter()
                .find(|o| {
                    let name = o.spec.name();
                    // Token checks name a candidate as `LABEL (SPEC)`.
                    who.as_str() == name || who.strip_prefix(name).is_some_and(|rest| rest.starts_with(" ("))
                })
                .and_then(|o| o.result.as_ref().ok())
                .and_then(|r| r.location.clone())
        });
    }
}

/// Rewrites finding locations (and `origin`) as [`crate::paths::display`] shows them: relative to
/// the repository root. `base` is the absolute directory the paths were given relative to; `cwd`
/// the absolute directory authdoctor was started in (paths outside the repository are shown
/// relative to it, or absolute when the user gave them so).
pub fn relocate(reports: &mut [Report], base: &std::path::Path, cwd: &std::path::Path) {
    let root = crate::paths::repo_root(base);
    let show = |file: &str| -> String {
        let p = std::path::Path::new(file);
        let shown = if p.is_absolute() {
            file.to_string()
        } else {
            crate::paths::relative_to(&base.join(p), cwd)
        };
        crate::paths::display(file, base, &shown, root.as_deref())
    };
    for r in reports {
        for f in &mut r.findings {
            if let Some(loc) = f.location.as_mut() {
                loc.file = show(&loc.file);
            }
        }
        if let Some(loc) = r.origin.as_mut() {
            loc.file = show(&loc.file);
        }
    }
}

/// `--reveal` hex dumps, with the given offsets marked per source index.
pub fn dumps(outcomes: &[&Outcome], marks: &[(usize, usize)]) -> Vec<Dump> {
    outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            o.secret().map(|s| Dump {
                label: o.spec.name().to_string(),
                bytes: zeroize::Zeroizing::new(s.expose().to_vec()),
                marks: marks.iter().filter(|(src, _)| *src == i).map(|(_, off)| *off).collect(),
            })
        })
        .collect()
}
