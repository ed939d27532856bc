//! One module per subcommand: gather sources, run checks, build the report.

pub mod check;
pub mod compare;
pub mod envfile;
pub mod explain;
pub mod init;
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
