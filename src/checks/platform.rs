//! Platform specifics (AD5xx): what a store or platform holds that is not yet what runs.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].

use crate::findings::{Code, Finding, Severity};
use crate::source::{Fact, Fetched};

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[&AD501];

pub const AD501: Code = Code {
    id: "AD501",
    severity: Severity::Error,
    title: "Fly secret staged, not deployed to running machines",
    hint: "Run `fly secrets deploy` so every machine gets the new value.",
    explain: "Why: `fly secrets set --stage` (and some dashboard edits) store a new value without restarting \
the machines, so the running app keeps the old one: the store says one thing, the process another. \
`Partial` means a rolling deploy left some machines on the old value.\n\
Confirm: `fly secrets list --app APP` marks the secret with `*` (staged) or `!` (partial); compare \
`fly-runtime:APP#NAME` with the value you expect to see what the machine really holds.\n\
Fix: `fly secrets deploy --app APP` (or `fly deploy`), then check again.",
};

/// The findings a source's platform facts call for: AD501 when Fly reports the secret `Staged` (no
/// running machine has it) or `Partial` (some still have the old value). `name` is the source's
/// name in the report.
pub fn from_facts(name: &str, fetched: &Fetched) -> Vec<Finding> {
    fetched
        .facts
        .iter()
        .filter_map(|fact| match fact {
            Fact::FlyStatus { secret, status } => {
                let how = if status.eq_ignore_ascii_case("staged") {
                    "staged: no running machine has it yet"
                } else if status.eq_ignore_ascii_case("partial") {
                    "partially deployed: some running machines still have the old value"
                } else {
                    return None;
                };
                Some(
                    Finding::new(&AD501, format!("{name}: {secret} is {how}"))
                        .sources([name])
                        .hint("run `fly secrets deploy` (or `fly deploy`) so every machine gets the new value"),
                )
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_status(status: &str) -> Fetched {
        let mut f = Fetched::value(crate::secret::Secret::new(Vec::new()));
        f.facts.push(Fact::FlyStatus {
            secret: "AUTH_SECRET".into(),
            status: status.into(),
        });
        f
    }

    #[test]
    fn staged_and_partial_are_not_deployed() {
        let f = from_facts("fly", &with_status("Staged"));
        assert_eq!(
            f[0].message,
            "fly: AUTH_SECRET is staged: no running machine has it yet"
        );
        assert!(
            from_facts("fly", &with_status("partial"))[0]
                .message
                .contains("partially deployed")
        );
        assert!(from_facts("fly", &with_status("Deployed")).is_empty());
    }
}
