//! Every finding code, from the families in `src/checks/`: what `explain`, the JSON report and
//! (later) SARIF rules read. A code is added by defining it in its family's module and listing it
//! in that module's `CODES`.

use super::Code;
use crate::checks;

/// The families' code lists, in code order.
const FAMILIES: &[&[&Code]] = &[
    checks::sources::CODES,
    checks::compare::CODES,
    checks::value::CODES,
    checks::loaders::CODES,
    checks::token::CODES,
    checks::platform::CODES,
    checks::probe::CODES,
];

/// Every code, ordered by id.
pub fn all() -> impl Iterator<Item = &'static Code> {
    FAMILIES.iter().flat_map(|f| f.iter().copied())
}

/// The code with this id (any case), e.g. `lookup("ad102")`.
pub fn lookup(id: &str) -> Option<&'static Code> {
    all().find(|c| c.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Severity;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_ordered_well_formed_and_documented() {
        let mut seen = HashSet::new();
        let mut last = "";
        for (family, codes) in FAMILIES.iter().enumerate() {
            for c in *codes {
                assert!(seen.insert(c.id), "duplicate code {}", c.id);
                assert!(c.id > last, "{} listed after {last}", c.id);
                last = c.id;
                assert!(c.id.len() == 5 && c.id.starts_with("AD"), "bad code {}", c.id);
                assert!(c.id[2..].chars().all(|ch| ch.is_ascii_digit()), "bad code {}", c.id);
                assert_eq!(
                    c.id.as_bytes()[2] - b'0',
                    family as u8,
                    "{} is in the wrong family",
                    c.id
                );
                assert!(!c.title.is_empty());
                for part in ["Why:", "Confirm:", "Fix:"] {
                    assert!(c.explain.contains(part), "{} explain lacks {part}", c.id);
                }
                if c.severity >= Severity::Warning {
                    assert!(!c.hint.is_empty(), "{} needs a hint", c.id);
                }
            }
        }
    }

    /// Every `pub const ADnnn: Code` in `src/checks/` is listed in its family's `CODES`: a code
    /// defined but not listed would be emitted without `explain` knowing it.
    #[test]
    fn every_defined_code_is_registered() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    for line in text.lines() {
                        if let Some(rest) = line.strip_prefix("pub const AD")
                            && let Some((digits, _)) = rest.split_once(": Code")
                        {
                            out.push(format!("AD{digits}"));
                        }
                    }
                }
            }
        }
        let mut defined = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks"),
            &mut defined,
        );
        assert!(defined.len() > 40, "found only {} codes", defined.len());
        for id in defined {
            assert!(lookup(&id).is_some(), "{id} is defined but not in its family's CODES");
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("ad102").map(|c| c.id), Some("AD102"));
        assert!(lookup("AD999").is_none());
    }
}
