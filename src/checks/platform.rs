//! Platform specifics (AD5xx): what a store or platform holds that is not yet what runs.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].

use crate::findings::{Code, Severity};

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
