//! `authdoctor envfile FILE...`: every key as each loader reads it; disagreements and file hazards.

use crate::cli::Global;
use crate::dotenv::{Loader, Options, diagnose, process_env};
use crate::findings::{Finding, Location};
use crate::report::{KeyRow, Report, SourceRow};
use crate::secret::Secret;
use crate::usage::UsageError;

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

fn read(path: &str) -> Result<Vec<u8>, String> {
    let buf = crate::source::read_file_sync(path).map_err(|e| e.message)?;
    if let Some(pos) = buf.iter().position(|b| *b == 0) {
        return Err(format!(
            "{path}: not a text file (NUL byte at offset {pos}); a .env file is text"
        ));
    }
    Ok(buf)
}

pub fn run(
    files: &[String],
    loaders: &[Loader],
    key: Option<&str>,
    _global: &Global,
) -> Result<(Report, Vec<Secret>), UsageError> {
    let loaders = chosen(loaders);
    let env = process_env();
    let opts = Options::default();
    let mut report = Report::new("envfile");
    let mut rows = Vec::new();
    let mut secrets = Vec::new();
    for path in files {
        let mut row = SourceRow::new(path.clone(), path.clone(), "file");
        // The loaders' readings borrow this buffer, so it is what holds the values: wiped on drop.
        let bytes = match read(path) {
            Ok(b) => zeroize::Zeroizing::new(b),
            Err(message) => {
                row.status = "error".into();
                report.findings.push(
                    Finding::new("AD001", message)
                        .sources([path.clone()])
                        .hint("check the path; `authdoctor envfile` reads .env files"),
                );
                report.sources.push(row);
                continue;
            }
        };
        row.length = Some(bytes.len());
        row.sha256 = Some(crate::secret::short_sha(&bytes));
        let at = |line: usize| {
            Some(Location {
                file: path.clone(),
                line,
            })
        };
        file_hazards(path, &bytes, &mut report);
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
        // Loader errors, one finding per loader and line.
        for (l, e) in &analysis.errors {
            let what = if e.fatal {
                "rejects the file"
            } else {
                "skips a statement"
            };
            report.findings.push(
                Finding::new(
                    "AD307",
                    format!("{path}: {} {what} at line {}: {}", l.name(), e.line, e.message),
                )
                .sources([path.clone()])
                .at(at(e.line.max(1))),
            );
        }
        let text = crate::dotenv::lossy(&bytes);
        let mut keys = 0;
        for k in analysis.keys {
            if key.is_some_and(|want| want != k.key) {
                continue;
            }
            keys += 1;
            if k.defined_on.len() > 1 {
                let d = &k.defined_on;
                let lines: Vec<String> = d.iter().map(|n| n.to_string()).collect();
                report.findings.push(
                    Finding::new(
                        "AD304",
                        format!(
                            "{path}: {} is defined {} times (lines {}); dotenvy keeps the first, the others the last",
                            k.key,
                            d.len(),
                            lines.join(", ")
                        ),
                    )
                    .sources([path.clone()])
                    .at(at(k.line)),
                );
            }
            let runs: Vec<&str> = k
                .readings
                .iter()
                .filter(|r| r.unresolved.is_some())
                .flat_map(|r| r.loaders.clone())
                .collect();
            if !runs.is_empty() {
                report.findings.push(
                    Finding::new(
                        "AD303",
                        format!(
                            "{path}: {} holds a command substitution that {} would run; authdoctor compares the text as written",
                            k.key,
                            runs.join(", ")
                        ),
                    )
                    .sources([path.clone()])
                    .at(at(k.line)),
                );
            }
            if !k.agree() {
                let groups: Vec<String> = k
                    .readings
                    .iter()
                    .map(crate::dotenv::diagnose::Reading::describe)
                    .collect();
                let mut f = Finding::new(
                    "AD301",
                    format!(
                        "{path}: {}: {}. Cause: {}",
                        k.key,
                        groups.join("; "),
                        k.causes.join("; ")
                    ),
                )
                .sources([path.clone()])
                .at(at(k.line));
                if let Some(h) = diagnose::hint_for(&k.causes) {
                    f = f.hint(h);
                }
                report.findings.push(f);
            }
            if let Some(v) = env.get(&k.key)
                && k.readings
                    .iter()
                    .filter_map(|r| r.sha256.as_deref())
                    .all(|h| h != crate::secret::short_sha(v.as_bytes()))
            {
                report.findings.push(
                    Finding::new(
                        "AD308",
                        format!(
                            "{path}: {} is also set in this environment with a different value; node, nextjs, python, ruby and dotenvy keep the environment's",
                            k.key
                        ),
                    )
                    .sources([path.clone()])
                    .at(at(k.line)),
                );
            }
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
            row.status = "error".into();
            let defs = diagnose::definitions(&text);
            let mut names: Vec<&str> = defs.keys().copied().collect();
            names.sort();
            report.findings.push(
                Finding::new(
                    "AD002",
                    format!(
                        "{path}: no loader finds a key {want} (keys in the file: {})",
                        names.join(", ")
                    ),
                )
                .sources([path.clone()]),
            );
        }
        row.details.insert("keys".into(), keys.into());
        row.details.insert("lines".into(), text.lines().count().into());
        row.details.insert(
            "loaders".into(),
            loaders.iter().map(|l| l.name()).collect::<Vec<_>>().join(", ").into(),
        );
        report.sources.push(row);
    }
    report.keys = Some(rows);
    Ok((report, secrets))
}

/// File-level hazards worth a warning even where every loader agrees.
fn file_hazards(path: &str, bytes: &[u8], report: &mut Report) {
    let at = |line: usize| {
        Some(Location {
            file: path.to_string(),
            line,
        })
    };
    if let Err(e) = std::str::from_utf8(bytes) {
        let off = e.valid_up_to();
        let line = bytes[..off].iter().filter(|b| **b == b'\n').count() + 1;
        report.findings.push(
            Finding::new(
                "AD302",
                format!(
                    "{path}: byte 0x{:02x} at offset {off} (line {line}) is not UTF-8; python and docker refuse the file, the others replace it with U+FFFD",
                    bytes[off]
                ),
            )
            .sources([path.to_string()])
            .at(at(line)),
        );
    }
    if bytes.starts_with("\u{feff}".as_bytes()) {
        report.findings.push(
            Finding::new(
                "AD305",
                format!("{path}: starts with a BOM (EF BB BF); a shell reads it as part of the first name"),
            )
            .sources([path.to_string()])
            .at(at(1)),
        );
    }
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    if crlf > 0 {
        let first = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
        let line = bytes[..first].iter().filter(|b| **b == b'\n').count() + 1;
        report.findings.push(
            Finding::new(
                "AD306",
                format!("{path}: {crlf} line(s) end with CR LF, the first at line {line}"),
            )
            .sources([path.to_string()])
            .at(at(line)),
        );
    }
}
