//! .env loaders (AD3xx): how the loaders in play read a key differently.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].
//!
//! The one producer of these findings, for two readers of `.env` files: an `env:` source (one
//! loader; its facts, [`from_facts`]) and `envfile` (every loader over a whole file; its analysis,
//! [`file_hazards`], [`loader_errors`], [`key`]). Each code's message is built here for both, from
//! the loaders' own behaviour ([`keeps_environment`], `Loader::on_invalid_utf8`).

use crate::dotenv::diagnose::KeyReport;
use crate::dotenv::{Env, LoadError, Loader};
use crate::findings::{Code, Finding, Location, Severity};
use crate::source::{Fact, Fetched, InvalidUtf8};

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[&AD301, &AD302, &AD303, &AD304, &AD305, &AD306, &AD307, &AD308];

pub const AD301: Code = Code {
    id: "AD301",
    severity: Severity::Warning,
    title: "loaders read this key differently",
    hint: "Write the value so every loader reads the same bytes: quote it with single quotes, no `$`, `#`, backslashes or trailing spaces.",
    explain: "Why: the same line of a .env file reaches a program as different bytes depending on who loads \
it. Node's dotenv keeps `$` text, Next.js and compose expand it (emptying bcrypt-like `$2b$10$…`); docker \
keeps quotes, trailing spaces and ` # comments`; `\\n` becomes a newline for some and stays two characters \
for others; a repeated key keeps its first value in dotenvy and its last elsewhere.\n\
Confirm: `authdoctor envfile FILE` lists each key with the loaders that agree (length and fingerprint per \
group) and the cause of each disagreement; `--loaders` narrows to the loaders your project uses.\n\
Fix: make the value loader-proof (plain characters, single quotes where needed), or make sure every \
reader uses the same loader. For secrets, `openssl rand -hex 32` produces values no loader alters.",
};

pub const AD302: Code = Code {
    id: "AD302",
    severity: Severity::Warning,
    title: ".env file is not valid UTF-8",
    hint: "Save the file as UTF-8: the loader replaced the invalid bytes.",
    explain: "Why: the .env file contains bytes that are not UTF-8 (often Latin-1 or UTF-16 from a Windows \
editor). Node and Python decode files as UTF-8 and replace each invalid sequence with U+FFFD, so the \
value the program sees is not the bytes on disk.\n\
Confirm: the message gives the line and byte offset of the first invalid byte.\n\
Fix: re-save the file as UTF-8 (`iconv -f latin1 -t utf-8`).",
};

pub const AD303: Code = Code {
    id: "AD303",
    severity: Severity::Warning,
    title: "value contains a command substitution",
    hint: "Put the value itself in the file: authdoctor does not run `$(…)`, and not every loader does.",
    explain: "Why: the value contains `$(command)` or backquotes. Ruby's dotenv and the shell run the command \
and use its output; node, python and docker keep the text. authdoctor never runs it, so it compares the \
text as written.\n\
Confirm: `authdoctor envfile FILE` marks the key as unresolved for those loaders.\n\
Fix: write the value itself, or fetch it with a `cmd:` source to compare what the command prints.",
};

pub const AD304: Code = Code {
    id: "AD304",
    severity: Severity::Warning,
    title: "key defined more than once",
    hint: "Keep one definition of the key: loaders disagree on which one wins.",
    explain: "Why: the same key appears on several lines. Most loaders keep the last definition; dotenvy (Rust) \
keeps the first, and Next.js keeps the first across files (.env.local over .env).\n\
Confirm: the message lists the lines.\n\
Fix: delete the stale definitions.",
};

pub const AD305: Code = Code {
    id: "AD305",
    severity: Severity::Warning,
    title: ".env file starts with a byte-order mark",
    hint: "Save the file as UTF-8 without BOM.",
    explain: "Why: the file starts with U+FEFF (EF BB BF). Node's dotenv, python-dotenv, docker, compose and \
dotenvy skip it, but a shell reads it as part of the first variable's name, so the first key is not set.\n\
Confirm: `authdoctor inspect file:PATH` shows `BOM … at byte 0`.\n\
Fix: re-save without BOM (`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`).",
};

pub const AD306: Code = Code {
    id: "AD306",
    severity: Severity::Warning,
    title: ".env file has CR LF line endings",
    hint: "Convert the file to LF line endings (`dos2unix FILE`).",
    explain: "Why: lines end with CR LF. Loaders that split on LF only (docker's --env-file reader strips one CR \
but a shell keeps it) can leave a CR at the end of a value, an invisible extra byte.\n\
Confirm: `authdoctor envfile FILE` shows which loaders read a different length.\n\
Fix: `dos2unix FILE`, and `* text eol=lf` in .gitattributes.",
};

pub const AD307: Code = Code {
    id: "AD307",
    severity: Severity::Warning,
    title: "a loader rejects or skips part of the file",
    hint: "Fix the line named in the message: some loaders skip it or refuse the whole file.",
    explain: "Why: a line is not valid for some loader: an unterminated quote, a space in a name, a character \
a name may not have, an unknown `${…}` form. Docker and compose refuse the whole file, python-dotenv and \
the shell skip the line (a script that sources the file may exit), dotenvy stops there.\n\
Confirm: the message names the loader and the line.\n\
Fix: correct the line; `authdoctor envfile FILE` again until no loader complains.",
};

pub const AD308: Code = Code {
    id: "AD308",
    severity: Severity::Warning,
    title: "key is also set in the environment",
    hint: "Unset the variable in the environment, or make sure it holds the same value: the loader will not override it.",
    explain: "Why: dotenv loaders (node, Next.js, python, ruby, dotenvy) never override a variable that is \
already in the process environment, so a stale exported value silently wins over the file.\n\
Confirm: `authdoctor compare env:FILE#KEY envvar:KEY`.\n\
Fix: `unset KEY` in the shell or CI job, or update it to the file's value.",
};

/// Whether `loader` leaves a variable already in the environment alone (docker, compose and the
/// shell set it from the file).
pub fn keeps_environment(loader: Loader) -> bool {
    !matches!(loader, Loader::Docker | Loader::Shell | Loader::Compose)
}

/// Who reads a file: one source with its loader, or `envfile` with every loader.
enum Reader<'a> {
    /// An `env:` source read with `loader`; `others` are the loaders the project shows reading
    /// the same file (with why), the only other ones whose reading matters.
    Source {
        name: &'a str,
        loader: Loader,
        others: &'a [(Loader, String)],
    },
    File {
        path: &'a str,
    },
}

impl Reader<'_> {
    fn name(&self) -> &str {
        match self {
            Reader::Source { name, .. } => name,
            Reader::File { path } => path,
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Loaders, in the order of [`Loader::ALL`], for which `pred` holds.
fn loaders_that(pred: fn(Loader) -> bool) -> Vec<&'static str> {
    Loader::ALL.iter().filter(|l| pred(**l)).map(|l| l.name()).collect()
}

/// The findings an `env:` source's facts call for, in the order observed: AD302 (the file is not
/// UTF-8), AD303 (the value holds an unresolved part), AD308 (the environment holds the key and the
/// loader will not override it), AD301 (other loaders read the key differently). `name` is the
/// source's name in the report.
///
/// `peers` are the loaders the run's other sources read the same file with: they are in play
/// too, beside the source's own loader and the readers the project shows.
pub fn from_facts(name: &str, fetched: &Fetched, peers: &[(Loader, String)]) -> Vec<Finding> {
    let location = fetched.location.as_ref();
    let mut out = Vec::new();
    for fact in &fetched.facts {
        match fact {
            Fact::InvalidUtf8 { loader, at } => out.push(invalid_utf8(
                Reader::Source {
                    name,
                    loader: *loader,
                    others: &[],
                },
                at,
            )),
            Fact::Unresolved { key, what, .. } => out.push(
                Finding::new(&AD303, format!("{name}: {key} contains a {what}; compared as written"))
                    .sources([name])
                    .at(location.cloned()),
            ),
            Fact::InEnvironment {
                key,
                loader,
                differs: true,
            } if keeps_environment(*loader) => out.push(shadowed(name, key, loader.name(), location.cloned())),
            Fact::Readings { loader, key, others } => {
                let mut in_play: Vec<(Loader, String)> = others.clone();
                for (l, why) in peers {
                    if l != loader && !in_play.iter().any(|(x, _)| x == l) {
                        in_play.push((*l, why.clone()));
                    }
                }
                out.extend(disagreement(
                    Reader::Source {
                        name,
                        loader: *loader,
                        others: &in_play,
                    },
                    key,
                    location,
                ))
            }
            Fact::InEnvironment { .. }
            | Fact::FlyStatus { .. }
            | Fact::ProcessStartedBefore { .. }
            | Fact::EcsStartedBefore { .. }
            | Fact::K8sPodsStartedBefore { .. }
            | Fact::FlyMachines { .. }
            | Fact::VercelChangedAfterDeploy { .. } => {}
        }
    }
    out
}

/// `envfile`: what is wrong with a whole file even where every loader agrees: AD302 (not UTF-8),
/// AD305 (a byte-order mark), AD306 (CR LF line endings).
pub fn file_hazards(path: &str, bytes: &[u8]) -> Vec<Finding> {
    let at = |line: usize| {
        Some(Location {
            file: path.to_string(),
            line,
        })
    };
    let mut out = Vec::new();
    if let Some(bad) = InvalidUtf8::find(path, bytes) {
        out.push(invalid_utf8(Reader::File { path }, &bad));
    }
    if bytes.starts_with("\u{feff}".as_bytes()) {
        out.push(
            Finding::new(
                &AD305,
                format!("{path}: starts with a BOM (EF BB BF); a shell reads it as part of the first name"),
            )
            .sources([path])
            .at(at(1)),
        );
    }
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    if crlf > 0 {
        let first = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
        let line = bytes[..first].iter().filter(|b| **b == b'\n').count() + 1;
        out.push(
            Finding::new(
                &AD306,
                format!("{path}: {crlf} line(s) end with CR LF, the first at line {line}"),
            )
            .sources([path])
            .at(at(line)),
        );
    }
    out
}

/// `envfile`: AD307 for each loader that rejects the file or skips a statement, by loader and line.
pub fn loader_errors(path: &str, errors: &[(Loader, LoadError)]) -> Vec<Finding> {
    errors
        .iter()
        .map(|(l, e)| {
            let what = if e.fatal {
                "rejects the file"
            } else {
                "skips a statement"
            };
            Finding::new(
                &AD307,
                format!("{path}: {} {what} at line {}: {}", l.name(), e.line, e.message),
            )
            .sources([path])
            .at(Some(Location {
                file: path.to_string(),
                line: e.line.max(1),
            }))
        })
        .collect()
}

/// `envfile`: one key as every loader reads it: AD304 (defined more than once), AD303 (a loader
/// would run a command first), AD301 (the loaders disagree), AD308 (the environment holds another
/// value, which the loaders that keep the environment hand the program instead).
pub fn key(path: &str, k: &KeyReport, env: &Env) -> Vec<Finding> {
    let location = Some(Location {
        file: path.to_string(),
        line: k.line,
    });
    let mut out = Vec::new();
    if k.defined_on.len() > 1 {
        let d = &k.defined_on;
        let lines: Vec<String> = d.iter().map(|n| n.to_string()).collect();
        out.push(
            Finding::new(
                &AD304,
                format!(
                    "{path}: {} is defined {} times (lines {}); dotenvy keeps the first, the others the last",
                    k.key,
                    d.len(),
                    lines.join(", ")
                ),
            )
            .sources([path])
            .at(location.clone()),
        );
    }
    // Each reason a reading is left as written (a command substitution a loader would run, bytes
    // that are not UTF-8, an expansion past authdoctor's bounds …), with the loaders it concerns.
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in &k.readings {
        if let Some(what) = r.unresolved {
            match reasons.iter_mut().find(|(w, _)| *w == what) {
                Some((_, loaders)) => loaders.extend(r.loaders.iter().copied()),
                None => reasons.push((what, r.loaders.clone())),
            }
        }
    }
    for (what, loaders) in reasons {
        out.push(
            Finding::new(
                &AD303,
                format!(
                    "{path}: {}: for {}, a {what}; authdoctor compares the text as written",
                    k.key,
                    and_list(&loaders)
                ),
            )
            .sources([path])
            .at(location.clone()),
        );
    }
    out.extend(disagreement(Reader::File { path }, k, location.as_ref()));
    // The loaders that keep the environment, among those that read the key from the file.
    let keepers: Vec<&str> = loaders_that(keeps_environment);
    if let Some(v) = env.get(&k.key)
        && k.readings
            .iter()
            .filter(|r| r.loaders.iter().any(|l| keepers.contains(l)))
            .filter_map(|r| r.fingerprint.as_deref())
            .any(|h| h != crate::secret::fingerprint(v.as_bytes()))
    {
        out.push(shadowed(path, &k.key, &and_list(&keepers), location));
    }
    out
}

/// AD308, the one rule for `env:` sources and `envfile`: the environment holds `key` with another
/// value than the file gives, and `keepers` (loaders that do not override the environment) hand
/// the program the environment's.
fn shadowed(who: &str, key: &str, keepers: &str, location: Option<Location>) -> Finding {
    Finding::new(
        &AD308,
        format!(
            "{who}: {key} is also set in this environment with another value than the file's; {keepers} keep the environment's, so a program started here sees that value, not the file's"
        ),
    )
    .sources([who])
    .at(location)
}

/// AD302: the first byte that is not UTF-8, and what the loader (or each loader) does about it.
fn invalid_utf8(reader: Reader, bad: &InvalidUtf8) -> Finding {
    let effect = match &reader {
        Reader::Source { loader, .. } => format!("{} {}", loader.name(), loader.on_invalid_utf8().describe()),
        Reader::File { .. } => {
            // Each behaviour with the loaders that have it, in the loaders' order.
            let mut parts: Vec<(crate::dotenv::InvalidUtf8, Vec<&str>)> = Vec::new();
            for l in Loader::ALL {
                let b = l.on_invalid_utf8();
                match parts.iter_mut().find(|(x, _)| *x == b) {
                    Some((_, names)) => names.push(l.name()),
                    None => parts.push((b, vec![l.name()])),
                }
            }
            parts
                .iter()
                .map(|(b, names)| {
                    let verb = if names.len() > 1 {
                        // "replaces …" → "replace …" for several loaders.
                        b.describe().replacen("s ", " ", 1)
                    } else {
                        b.describe().to_string()
                    };
                    format!("{} {verb}", and_list(names))
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
    };
    Finding::new(
        &AD302,
        format!(
            "{}: byte 0x{:02x} at offset {} (line {}) is not UTF-8; {effect}",
            bad.file, bad.byte, bad.offset, bad.line
        ),
    )
    .sources([reader.name()])
    .at(Some(Location {
        file: bad.file.clone(),
        line: bad.line,
    }))
}

/// AD301 when the loaders read the key differently, with the next step for its first cause.
fn disagreement(reader: Reader, k: &KeyReport, location: Option<&Location>) -> Option<Finding> {
    if k.agree() {
        return None;
    }
    let message = match &reader {
        Reader::Source { name, loader, others } => {
            // Only the loaders in play: the source's own and those the project shows reading
            // the file. Loaders nobody uses on this file are `envfile`'s business.
            let ours = k.readings.iter().find(|r| r.loaders.contains(&loader.name()))?;
            let differing: Vec<&(Loader, String)> = others
                .iter()
                .filter(|(l, _)| !ours.loaders.contains(&l.name()))
                .collect();
            if differing.is_empty() {
                return None;
            }
            let who: Vec<String> = differing
                .iter()
                .map(|(l, why)| format!("{} ({why})", l.name()))
                .collect();
            format!(
                "{name}: {} reads {} one way, {} another: {}",
                loader.name(),
                k.key,
                who.join(", "),
                k.causes.join("; ")
            )
        }
        Reader::File { path } => {
            let groups: Vec<String> = k.readings.iter().map(|r| r.describe()).collect();
            format!(
                "{path}: {}: {}. Cause: {}",
                k.key,
                groups.join("; "),
                k.causes.join("; ")
            )
        }
    };
    let mut f = Finding::new(&AD301, message)
        .sources([reader.name()])
        .at(location.cloned());
    if let Some(h) = hint_for(&k.causes) {
        f = f.hint(h);
    }
    Some(f)
}

/// The next step for a disagreement, from its first cause.
fn hint_for(causes: &[String]) -> Option<String> {
    let first = causes.iter().find(|c| !c.contains(" at line "))?;
    let hint = if first.starts_with("quotes") {
        "If `docker run --env-file` reads this file, drop the quotes: docker keeps them, and a value without spaces, `#` or `$` needs none."
    } else if first.starts_with("`$` expansion") {
        "Keep `$` out of secrets (`openssl rand -hex 32`); otherwise write `$` as `\\$` for the expanding loaders, and check each reading with `authdoctor envfile`."
    } else if first.starts_with("`#`") {
        "Quote a value that contains `#`, or keep `#` out of secrets."
    } else if first.starts_with("backslash") {
        "Avoid backslashes in secrets; a multi-line key is safer as one line with `\\n` read by one known loader."
    } else if first.starts_with("trailing spaces") {
        "Remove the trailing spaces after the value."
    } else if first.starts_with("CR LF") {
        "Convert the file to LF line endings (`dos2unix FILE`)."
    } else if first.starts_with("defined") {
        "Keep one definition of the key."
    } else if first.starts_with("`export`") {
        "Drop `export` if docker reads this file."
    } else if first.starts_with("spaces around") {
        "Write `KEY=value` with no spaces around `=`."
    } else {
        return None;
    };
    Some(hint.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loader_lists_are_built_from_the_loaders() {
        assert_eq!(
            and_list(&loaders_that(keeps_environment)),
            "node, nextjs, python, ruby, dotenvy, node-native, godotenv, vite and bun"
        );
        assert_eq!(and_list(&["a"]), "a");
    }

    #[test]
    fn invalid_utf8_says_what_each_reader_does() {
        let bad = InvalidUtf8::find(".env", b"K=\xe9").expect("invalid");
        let one = |loader| {
            invalid_utf8(
                Reader::Source {
                    name: "s",
                    loader,
                    others: &[],
                },
                &bad,
            )
        };
        assert_eq!(
            one(Loader::Python).message,
            ".env: byte 0xe9 at offset 2 (line 1) is not UTF-8; python refuses the file"
        );
        assert!(
            one(Loader::Node)
                .message
                .ends_with("node replaces invalid bytes with U+FFFD")
        );
        assert_eq!(one(Loader::Node).sources, ["s"]);
        let all = invalid_utf8(Reader::File { path: ".env" }, &bad);
        assert!(
            all.message.ends_with(
                "node, nextjs, node-native, godotenv, vite and bun replace invalid bytes with U+FFFD; python, docker and ruby refuse the file; compose and shell keep the bytes as they are; dotenvy stops loading at that line"
            ),
            "{}",
            all.message
        );
        assert!(
            one(Loader::Dotenvy)
                .message
                .ends_with("dotenvy stops loading at that line")
        );
    }

    #[test]
    fn the_environment_matters_only_to_loaders_that_keep_it() {
        let fetched = |loader| {
            let mut f = Fetched::value(crate::secret::Secret::new(b"v".to_vec()));
            f.facts.push(Fact::InEnvironment {
                key: "K".into(),
                loader,
                differs: true,
            });
            f
        };
        assert_eq!(from_facts("s", &fetched(Loader::Node), &[])[0].code.id, "AD308");
        assert!(from_facts("s", &fetched(Loader::Docker), &[]).is_empty());
        // The same value in the environment and the file changes nothing.
        let mut same = fetched(Loader::Node);
        same.facts = vec![Fact::InEnvironment {
            key: "K".into(),
            loader: Loader::Node,
            differs: false,
        }];
        assert!(from_facts("s", &same, &[]).is_empty());
    }
}
