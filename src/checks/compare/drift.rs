//! AD112/AD113: what changed in a group's sources since the known-good lock (`authdoctor.lock`).

use crate::baseline::{Entry, Lock, entry_of, holds};
use crate::findings::{Code, Finding, Severity};
use crate::source::{Outcome, Yield};
use crate::transform::Transform;

pub const AD112: Code = Code {
    id: "AD112",
    severity: Severity::Warning,
    title: "source changed since the baseline",
    hint: "If the change was meant (a rotation), record it: `authdoctor check --update-baseline`.",
    explain: "Why: `authdoctor check --baseline authdoctor.lock` compares each source's fingerprint (length \
and a salted scrypt hash of the value, or the store's digest and status) with the last known-good run. A \
source that changed while the others did not is how drift starts: someone set the secret again in one place, \
an editor added a newline, a deploy staged a new Fly secret.\n\
Confirm: the message says what changed (length, hash, digest, status) and, where the fingerprints show it, \
how (for example a trailing newline added). `authdoctor inspect SOURCE` shows the value's shape now.\n\
Fix: if the change was a mistake, set the value back. If it was a rotation, make sure every source has \
the new value, then run `authdoctor check --update-baseline` to record the new known-good state. The lock \
file holds fingerprints only, never a value.",
};

pub const AD113: Code = Code {
    id: "AD113",
    severity: Severity::Info,
    title: "source not in the baseline",
    hint: "Record it: `authdoctor check --update-baseline`.",
    explain: "Why: the source is in authdoctor.toml but not in the baseline file: it was added after the \
baseline was written, or its spec was edited (the baseline is keyed by the spec as written, without its label).\n\
Confirm: look for the spec in authdoctor.lock.\n\
Fix: once the check passes, run `authdoctor check --update-baseline` to record it.",
};

/// How a value changed, where the lock's hash shows it: the old value was the new one with a
/// normalisation undone, or the new one is the old one with something added. Each try costs one
/// slow hash (see [`crate::baseline::hash_value`]); remote fingerprints are salted per run and
/// cannot be tried.
fn how(then: &Entry, outcome: &Outcome) -> Option<&'static str> {
    let fetched = outcome.result.as_ref().ok()?;
    if let Yield::Value(s) = &fetched.yielded {
        let b = s.expose();
        for v in crate::source::FINGERPRINT_FORMS {
            if let Some(old) = v.apply(b)
                && old != b
                && holds(then, &old) == Some(true)
            {
                return Some(match v {
                    Transform::TrimTrailing => "trailing whitespace or a newline was added",
                    Transform::TrimStripQuotes => "surrounding quotes were added",
                    Transform::StripCr => "CR bytes were added (CR LF line endings)",
                    _ => "the value was transformed",
                });
            }
        }
        let grown: [(&[u8], &[u8], &'static str); 4] = [
            (b"", b"\n", "a trailing newline was removed"),
            (b"", b"\r\n", "a trailing CR LF was removed"),
            (b"\"", b"\"", "surrounding quotes were removed"),
            (b"'", b"'", "surrounding quotes were removed"),
        ];
        for (pre, post, what) in grown {
            let old: Vec<u8> = [pre, b, post].concat();
            if holds(then, &old) == Some(true) {
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
        let name = o.spec.name().to_string();
        let Some(now) = entry_of(o, lock.get(&o.spec.raw)) else {
            continue;
        };
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
        let mut what = Vec::new();
        if then.kind != now.kind {
            what.push(format!("it now yields a {} instead of a {}", now.kind, then.kind));
        } else {
            if then.length != now.length
                && let (Some(a), Some(b)) = (then.length, now.length)
            {
                what.push(format!("length {a} → {b} bytes"));
            }
            let value = o.result.as_ref().ok().and_then(|f| match &f.yielded {
                Yield::Value(s) => Some(s.expose()),
                _ => None,
            });
            // entry_of kept the lock's hash when it still holds the value; a pre-scrypt lock is
            // compared by its SHA-256 prefix.
            let differs = match value {
                Some(_) if then.hash.is_some() => now.hash != then.hash,
                Some(v) => holds(then, v) == Some(false),
                None => false,
            };
            if differs {
                what.push("the value's hash no longer matches".to_string());
                if let Some(h) = how(then, o) {
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
        if what.is_empty() {
            continue;
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
