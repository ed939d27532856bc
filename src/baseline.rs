//! `authdoctor.lock`: the last known-good fingerprint of every source `check` reads, so a later run
//! can say what changed since (AD112). The file holds lengths, 12-hex-digit SHA-256 prefixes and
//! store digests: never a value.

use crate::checks::compare::{AD112, AD113};
use crate::findings::Finding;
use crate::source::{Outcome, Variant, Yield};
use crate::usage::UsageError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const FILE_NAME: &str = "authdoctor.lock";
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The source spec as written in authdoctor.toml, without its label.
    pub spec: String,
    /// `value`, `fingerprints` or `digest`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub length: Option<usize>,
    /// The first 12 hex digits of the value's SHA-256.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sha256: Option<String>,
    /// A store's own digest (Fly).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    #[serde(default)]
    pub source: Vec<Entry>,
}

impl Lock {
    pub fn get(&self, spec: &str) -> Option<&Entry> {
        self.source.iter().find(|e| e.spec == spec)
    }

    /// This run's entries replace those of the same spec; the others (sources of groups left out
    /// with `--only`) are kept. Sorted by spec so the file diffs well.
    pub fn merge(&mut self, entries: Vec<Entry>) {
        let mut all: BTreeMap<String, Entry> = self.source.drain(..).map(|e| (e.spec.clone(), e)).collect();
        for e in entries {
            all.insert(e.spec.clone(), e);
        }
        self.version = VERSION;
        self.source = all.into_values().collect();
    }

    pub fn render(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string(self)?;
        Ok(format!(
            "# authdoctor.lock: the last known-good fingerprint of each source, written by\n\
             # `authdoctor check --update-baseline`. Lengths, SHA-256 prefixes and store digests only:\n\
             # never a value. Commit it; `authdoctor check --baseline` reports what changed since.\n\n{body}"
        ))
    }
}

pub fn load(path: &Path) -> Result<Lock, UsageError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError::new(format!("baseline {}: {e}", path.display()))
            .hint("write one with `authdoctor check --update-baseline` once the check passes")
    })?;
    let lock: Lock = toml::from_str(&text).map_err(|e| {
        let at = e.span().map(|s| crate::config::position(path, &text, s.start));
        UsageError::new(format!(
            "{}: {}",
            at.unwrap_or_else(|| path.display().to_string()),
            e.message().trim()
        ))
        .hint("regenerate it with `authdoctor check --update-baseline`")
    })?;
    if lock.version != VERSION {
        return Err(UsageError::new(format!(
            "{}: baseline version {} is not one this authdoctor reads ({VERSION})",
            path.display(),
            lock.version
        ))
        .hint("regenerate it with `authdoctor check --update-baseline`"));
    }
    Ok(lock)
}

/// The entry for a source that was read; `None` when it could not be (nothing known-good to record).
pub fn entry_of(outcome: &Outcome) -> Option<Entry> {
    let fetched = outcome.result.as_ref().ok()?;
    let mut e = Entry {
        spec: outcome.spec.raw.clone(),
        kind: fetched.yielded.kind().to_string(),
        length: None,
        sha256: None,
        digest: None,
        status: None,
    };
    match &fetched.yielded {
        Yield::Value(s) => {
            e.length = Some(s.len());
            e.sha256 = Some(s.short_sha());
        }
        Yield::Fingerprints(f) => {
            e.length = Some(f.length);
            e.sha256 = Some(f.sha256[..12.min(f.sha256.len())].to_string());
        }
        Yield::Digest(d) => {
            e.digest = Some(d.digest.clone());
            e.status = d.status.clone();
        }
    }
    Some(e)
}

/// How a value changed, where its fingerprints show it: the old value was the new one with a
/// normalisation undone, or the new one is the old one with something added.
fn how(old_sha: &str, outcome: &Outcome) -> Option<&'static str> {
    let fetched = outcome.result.as_ref().ok()?;
    let prefix = |h: &str| h.get(..12).map(str::to_string).unwrap_or_default();
    let variants = match &fetched.yielded {
        Yield::Value(s) => crate::source::Fingerprints::of(s.expose()).variants,
        Yield::Fingerprints(f) => f.variants.clone(),
        Yield::Digest(_) => return None,
    };
    for (v, (_, sha)) in &variants {
        if prefix(sha) == old_sha {
            return Some(match v {
                Variant::TrimTrailing => "trailing whitespace or a newline was added",
                Variant::StripQuotes => "surrounding quotes were added",
                Variant::StripCr => "CR bytes were added (CR LF line endings)",
            });
        }
    }
    if let Yield::Value(s) = &fetched.yielded {
        let b = s.expose();
        let grown: [(&[u8], &[u8], &'static str); 4] = [
            (b"", b"\n", "a trailing newline was removed"),
            (b"", b"\r\n", "a trailing CR LF was removed"),
            (b"\"", b"\"", "surrounding quotes were removed"),
            (b"'", b"'", "surrounding quotes were removed"),
        ];
        for (pre, post, what) in grown {
            let old: Vec<u8> = [pre, b, post].concat();
            if crate::secret::short_sha(&old) == old_sha {
                return Some(what);
            }
        }
    }
    None
}

/// AD112/AD113 for one group's sources against the baseline.
pub fn drift(group: &str, outcomes: &[&Outcome], lock: &Lock, lock_name: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut changed: Vec<(String, String)> = Vec::new();
    let mut compared = 0;
    for o in outcomes {
        let Some(now) = entry_of(o) else { continue };
        let name = o.spec.name().to_string();
        let Some(then) = lock.get(&now.spec) else {
            findings.push(
                Finding::new(&AD113, format!("{name}: not in {lock_name}"))
                    .sources([name.clone()])
                    .hint(format!(
                        "once the check passes, record it: `authdoctor check --update-baseline` (writes {lock_name})"
                    )),
            );
            continue;
        };
        compared += 1;
        if *then == now {
            continue;
        }
        let mut what = Vec::new();
        if then.kind != now.kind {
            what.push(format!("it now yields a {} instead of a {}", now.kind, then.kind));
        } else {
            if then.length != now.length
                && let (Some(a), Some(b)) = (then.length, now.length)
            {
                what.push(format!("length {a} → {b} bytes"));
            }
            if then.sha256 != now.sha256
                && let (Some(a), Some(b)) = (&then.sha256, &now.sha256)
            {
                what.push(format!("sha256:{a} → sha256:{b}"));
                if let Some(h) = how(a, o) {
                    what.push(h.to_string());
                }
            }
            if then.digest != now.digest {
                what.push("the store's digest changed (the secret was set again)".to_string());
            }
            if then.status != now.status {
                what.push(format!(
                    "status {} → {}",
                    then.status.as_deref().unwrap_or("none"),
                    now.status.as_deref().unwrap_or("none")
                ));
            }
        }
        changed.push((name, what.join("; ")));
    }
    if changed.is_empty() {
        return findings;
    }
    let all = changed.len() == compared && compared > 1;
    for (name, what) in &changed {
        let mut f = Finding::new(&AD112, format!("{name}: changed since {lock_name}: {what}")).sources([name.clone()]);
        if all {
            f = f.hint(format!(
                "every source of {group} changed: if this is a rotation and the values agree, record it with \
                 `authdoctor check --update-baseline`"
            ));
        } else if compared > 1 {
            f = f.hint(format!(
                "only some sources of {group} changed: set the others to the same value, or undo this change"
            ));
        }
        findings.push(f);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::source::{Fetched, Spec};

    fn outcome(spec: &str, value: &[u8]) -> Outcome {
        Outcome {
            spec: Spec::parse(spec).expect("spec"),
            result: Ok(Fetched::value(Secret::new(value.to_vec()))),
        }
    }

    #[test]
    fn drift_says_what_changed_and_how() {
        let a = outcome("a=file:a", b"s3cr3t-value-for-the-test");
        let b = outcome("b=file:b", b"s3cr3t-value-for-the-test");
        let mut lock = Lock::default();
        lock.merge([&a, &b].iter().filter_map(|o| entry_of(o)).collect());
        assert!(drift("G", &[&a, &b], &lock, "L").is_empty());
        let b2 = outcome("b=file:b", b"s3cr3t-value-for-the-test\n");
        let f = drift("G", &[&a, &b2], &lock, "L");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "AD112");
        assert!(f[0].message.contains("length 25 → 26 bytes"), "{}", f[0].message);
        assert!(
            f[0].message.contains("trailing whitespace or a newline was added"),
            "{}",
            f[0].message
        );
        assert!(f[0].hint.as_deref().unwrap_or("").contains("only some sources"));
        // The reverse: the known-good value had the newline.
        let mut lock2 = Lock::default();
        lock2.merge(vec![entry_of(&b2).expect("entry")]);
        let f = drift("G", &[&b], &lock2, "L");
        assert!(
            f[0].message.contains("a trailing newline was removed"),
            "{}",
            f[0].message
        );
        let c = outcome("c=file:c", b"x");
        assert_eq!(drift("G", &[&c], &lock, "L")[0].code, "AD113");
    }

    #[test]
    fn lock_never_holds_the_value_and_round_trips() {
        let a = outcome("a=file:a", b"s3cr3t-value-for-the-test");
        let mut lock = Lock::default();
        lock.merge(vec![entry_of(&a).expect("entry")]);
        let text = lock.render().expect("render");
        assert!(!text.contains("s3cr3t"));
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, &text).expect("write");
        assert_eq!(load(&p).expect("load").source, lock.source);
        std::fs::write(
            &p,
            "version = 1\n[[source]]\nspec = \"file:a\"\nkind = \"value\"\nsize = 3\n",
        )
        .expect("write");
        let e = load(&p).expect_err("unknown field");
        assert!(e.message.contains(":5:1: unknown field `size`"), "{}", e.message);
    }
}
