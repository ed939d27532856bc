//! AD207: the key exists but the value is empty.
use super::ValueCheck;
use crate::findings::{Code, Severity};

pub const AD207: Code = Code {
    id: "AD207",
    severity: Severity::Error,
    title: "empty value",
    hint: "Set the value: the key exists but holds nothing.",
    explain: "Why: the key exists but its value is empty: `KEY=` in a file, a variable exported empty, a \
loader that cut the value entirely (a value starting with `#` or `$`).\n\
Confirm: the length is 0 in the sources table.\n\
Fix: set the value; if a loader emptied it, quote it.",
};

pub struct Empty;

impl ValueCheck for Empty {
    fn code(&self) -> &'static Code {
        &AD207
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        v.is_empty().then(|| "the value is empty (0 bytes)".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn fires_only_on_empty() {
        assert!(Empty.run(b"").is_some());
        assert!(Empty.run(b" ").is_none());
    }
}
