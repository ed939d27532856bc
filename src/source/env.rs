//! `env:PATH#KEY?loader=NAME`: the bytes a `.env` loader hands the program for KEY.

use super::{FetchError, Fetched, Spec};
use crate::dotenv::Loader;
use crate::findings::{Finding, Location};
use crate::secret::Secret;
use zeroize::Zeroizing;

pub async fn fetch(spec: &Spec) -> Result<Fetched, FetchError> {
    let path = &spec.locator;
    let key = spec.key.as_deref().unwrap_or_default();
    let loader = spec
        .options
        .get("loader")
        .and_then(|l| Loader::from_name(l))
        .unwrap_or(Loader::Node);
    let bytes = Zeroizing::new(super::file::read_file(path).await?);
    if let Some(pos) = bytes.iter().position(|b| *b == 0) {
        return Err(FetchError::unreadable(format!(
            "{path}: not a text file (NUL byte at offset {pos}); a .env file is text"
        ))
        .hint("check the path: for a binary secret file use file:PATH"));
    }
    let mut notes = Vec::new();
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => Zeroizing::new(t.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            notes.push(
                Finding::new(
                    "AD302",
                    format!(
                        "{path}: byte 0x{:02x} at offset {at} (line {line}) is not UTF-8; {} replaces invalid bytes with U+FFFD",
                        bytes[at],
                        loader.name()
                    ),
                )
                .sources([spec.name()])
                .at(Some(Location { file: path.clone(), line })),
            );
            Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let entries = loader.parse(&text);
    let Some(i) = loader.lookup(&entries, key) else {
        let mut names: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        names.sort();
        names.dedup();
        let list = if names.is_empty() {
            format!("the {} loader found no assignments in it", loader.name())
        } else {
            let shown: Vec<&str> = names.iter().take(40).copied().collect();
            let more = names.len().saturating_sub(shown.len());
            let mut s = format!("keys in the file: {}", shown.join(", "));
            if more > 0 {
                s.push_str(&format!(" (+{more} more)"));
            }
            s
        };
        return Err(FetchError::not_found(format!("{path}: no key {key} ({list})"))
            .hint("use the name the program reads; `authdoctor envfile FILE` shows how every line parses"));
    };
    let entry = &entries[i];
    let mut fetched = Fetched::value(Secret::new(entry.value.as_bytes().to_vec()))
        .detail("loader", loader.name())
        .detail("file", path.clone())
        .detail("line", entry.line);
    let defs = entries.iter().filter(|e| e.key == key).count();
    if defs > 1 {
        fetched = fetched.detail("definitions", defs);
    }
    fetched.location = Some(Location {
        file: path.clone(),
        line: entry.line,
    });
    fetched.notes = notes;
    Ok(fetched)
}
