//! `authdoctor explain CODE`: the long story of a finding code (`all` lists them).

use crate::findings::catalog::{CATALOG, Entry, lookup};
use crate::report::CodeDoc;
use crate::usage::UsageError;

/// What `explain` tells: every code for `all`, else the one asked for.
pub enum Explained {
    One(CodeDoc),
    All(Vec<CodeDoc>),
}

pub fn run(code: &str) -> Result<Explained, UsageError> {
    if code.eq_ignore_ascii_case("all") {
        return Ok(Explained::All(CATALOG.iter().map(doc).collect()));
    }
    let Some(e) = lookup(code) else {
        return Err(UsageError::new(format!("unknown finding code '{code}'"))
            .hint("codes look like AD102; `authdoctor explain all` lists every one"));
    };
    Ok(Explained::One(doc(e)))
}

fn doc(e: &Entry) -> CodeDoc {
    CodeDoc {
        code: e.code,
        severity: e.severity,
        title: e.title,
        hint: e.hint,
        explanation: e.explain,
    }
}
