//! `envvar:NAME`: a variable of authdoctor's own environment, as the OS holds its bytes.

use super::{FetchError, Fetched, Spec};
use crate::secret::Secret;

pub fn fetch(spec: &Spec) -> Result<Fetched, FetchError> {
    let name = &spec.locator;
    match std::env::var_os(name) {
        Some(v) => {
            use std::os::unix::ffi::OsStrExt;
            Ok(Fetched::value(Secret::new(v.as_bytes().to_vec())).detail("variable", name.clone()))
        }
        None => {
            let similar = similar_names(name, std::env::vars_os().map(|(k, _)| k.to_string_lossy().into_owned()));
            let mut e = FetchError::not_found(format!("environment variable {name} is not set"));
            if !similar.is_empty() {
                e.message
                    .push_str(&format!("; set variables with similar names: {}", similar.join(", ")));
            }
            Err(e.hint(format!(
                "export {name} in the shell that runs authdoctor, or read it from where the program gets it"
            )))
        }
    }
}

/// Names sharing a word with `name` (AUTH_SECRET ~ NEXTAUTH_SECRET, AUTH_SYNC_SECRET): names only.
pub(crate) fn similar_names(name: &str, candidates: impl Iterator<Item = String>) -> Vec<String> {
    let words: Vec<String> = name
        .to_ascii_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3)
        .map(str::to_string)
        .collect();
    let mut out: Vec<String> = candidates
        .filter(|c| c != name)
        .filter(|c| {
            let up = c.to_ascii_uppercase();
            words.iter().any(|w| up.contains(w.as_str()))
        })
        .collect();
    out.sort();
    out.truncate(12);
    out
}
