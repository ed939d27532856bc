//! `envvar:NAME`: a variable of authdoctor's own environment, as the OS holds its bytes.

use super::registry::{Access, Scheme, SchemeInfo};
use super::{FetchError, Fetched, LocalCtx, Spec};
use crate::secret::Secret;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "envvar",
    example: "envvar:AUTH_SECRET",
    yields: "the variable in authdoctor's own environment",
    options: &[],
    verbatim: false,
};

pub struct EnvVar;

impl Scheme for EnvVar {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err("envvar needs a variable name: envvar:NAME".into());
        }
        if spec.key.is_some() {
            return Err("envvar takes no #key: envvar:NAME".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Local(read)
    }
}

/// The variable's bytes; not set: not found (AD002), with the names of similar variables.
pub fn read(spec: &Spec, _: &LocalCtx) -> Result<Fetched, FetchError> {
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
