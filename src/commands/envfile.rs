//! `authdoctor envfile FILE...`: every key as each loader reads it; disagreements and file hazards.

use crate::checks::{loaders, sources};
use crate::cli::Global;
use crate::dotenv::{Loader, Options, diagnose, process_env};
use crate::error::Error;
use crate::report::{KeyRow, Report, SourceKind, SourceRow, SourceStatus};
use crate::secret::Secret;

/// The loaders asked for, each once, in the order given; every loader when none is named.
fn chosen(asked: &[Loader]) -> Vec<Loader> {
    if asked.is_empty() {
        return Loader::ALL.to_vec();
    }
    let mut out = Vec::new();
    for l in asked {
        if !out.contains(l) {
            out.push(*l);
        }
    }
    out
}

pub fn run(
    files: &[String],
    loaders: &[Loader],
    key: Option<&str>,
    _global: &Global,
) -> Result<(Report, Vec<Secret>), Error> {
    let loaders = chosen(loaders);
    let env = process_env();
    let opts = Options::default();
    let mut report = Report::new("envfile");
    let mut rows = Vec::new();
    let mut secrets = Vec::new();
    for path in files {
        let mut row = SourceRow::new(path.clone(), path.clone(), SourceKind::File);
        // The loaders' readings borrow this buffer, so it is what holds the values: wiped on drop.
        let bytes = match crate::source::read_dotenv(path) {
            Ok(b) => b,
            Err(e) => {
                row.status = SourceStatus::Error;
                report.findings.push(sources::file_unreadable(path, &e));
                report.sources.push(row);
                continue;
            }
        };
        row.length = Some(bytes.len());
        row.fingerprint = Some(crate::secret::fingerprint(&bytes));
        report.findings.extend(loaders::file_hazards(path, &bytes));
        let analysis = diagnose::analyze(&bytes, &loaders, &env, &opts);
        // Every distinct value any loader read, for the redaction pass.
        let mut distinct = rustc_hash::FxHashSet::default();
        for (_, p) in &analysis.parsed {
            for e in &p.entries {
                if e.value.len() >= crate::report::redact::WINDOW && distinct.insert(&*e.value) {
                    secrets.push(Secret::new(e.value.as_bytes().to_vec()));
                }
            }
        }
        report.findings.extend(loaders::loader_errors(path, &analysis.errors));
        let text = crate::dotenv::lossy(&bytes);
        let mut keys = 0;
        let mut hidden = 0usize;
        for k in analysis.keys {
            if key.is_some_and(|want| want != k.key) {
                continue;
            }
            // A line that parses as a key but looks like secret material (a base64 value pasted
            // alone) is not listed, nor are its findings (they would name it), unless asked for.
            if key.is_none() && !crate::secret::looks_like_name(&k.key) {
                hidden += 1;
                continue;
            }
            keys += 1;
            report.findings.extend(loaders::key(path, &k, &env));
            rows.push(KeyRow {
                file: path.clone(),
                agree: k.agree(),
                key: k.key,
                line: k.line,
                readings: k.readings,
                causes: k.causes,
            });
        }
        if let Some(want) = key
            && keys == 0
        {
            row.status = SourceStatus::Error;
            let defs = diagnose::definitions(&text);
            let mut names: Vec<&str> = defs.keys().copied().collect();
            names.retain(|n| crate::secret::looks_like_name(n));
            names.sort();
            report.findings.push(sources::key_not_in_file(path, want, &names));
        }
        row.details.insert("keys".into(), keys.into());
        if hidden > 0 {
            row.details.insert("hidden_keys".into(), hidden.into());
        }
        row.details.insert("lines".into(), text.lines().count().into());
        row.details.insert(
            "loaders".into(),
            loaders.iter().map(|l| l.name()).collect::<Vec<_>>().join(", ").into(),
        );
        report.sources.push(row);
    }
    report.keys = Some(rows);
    // Annotations relative to the repository root, wherever envfile runs from.
    if let Ok(cwd) = std::env::current_dir() {
        super::relocate(std::slice::from_mut(&mut report), &cwd, &cwd);
    }
    Ok((report, secrets))
}
