//! `authdoctor explain CODE`: the long story of a finding code (`all` lists them).

use crate::error::Error;
use crate::findings::{Code, registry};
use crate::report::CodeDoc;

/// What `explain` tells: every code for `all`, else the one asked for.
pub enum Explained {
    One(CodeDoc),
    All(Vec<CodeDoc>),
}

pub fn run(code: &str) -> Result<Explained, Error> {
    if code.eq_ignore_ascii_case("all") {
        return Ok(Explained::All(registry::all().map(doc).collect()));
    }
    let Some(e) = registry::lookup(code) else {
        // Echoed only when code-shaped: anything else may be a secret pasted in the wrong place.
        let b = code.as_bytes();
        let shaped = (3..=6).contains(&b.len())
            && b[..2].iter().all(u8::is_ascii_alphabetic)
            && b[2..].iter().all(u8::is_ascii_digit);
        let what = if shaped {
            format!("unknown finding code '{code}'")
        } else {
            "that is not a finding code".to_string()
        };
        return Err(Error::new(what).hint("codes look like AD102; `authdoctor explain all` lists every one"));
    };
    Ok(Explained::One(doc(e)))
}

fn doc(e: &'static Code) -> CodeDoc {
    CodeDoc {
        code: e.id,
        severity: e.severity,
        title: e.title,
        hint: e.hint,
        explanation: e.explain,
    }
}
