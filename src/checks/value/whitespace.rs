//! AD203: whitespace at either end of the value.
use super::ValueCheck;
use crate::findings::{Code, Severity};
use crate::secret::describe_at;

pub const AD203: Code = Code {
    id: "AD203",
    severity: Severity::Warning,
    title: "leading or trailing whitespace",
    hint: "Strip the whitespace where the value is written (`printf %s`, not `echo`).",
    explain: "Why: whitespace at either end of a secret is almost never intended; it comes from `echo`, \
editors adding a final newline, or `KEY= value`. Some readers trim it and some do not, which is how two \
sides end up with different bytes.\n\
Confirm: the message lists each byte by name and offset.\n\
Fix: write the value without it, or trim consistently when reading.",
};

pub struct Whitespace;

impl ValueCheck for Whitespace {
    fn code(&self) -> &'static Code {
        &AD203
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let lead = v.len() - v.trim_ascii_start().len();
        let trail = v.len() - v.trim_ascii_end().len();
        if lead == 0 && trail == 0 {
            return None;
        }
        let mut parts: Vec<String> = (0..lead)
            .map(|i| format!("{} at byte {i}", describe_at(v, i)))
            .collect();
        let trail_start = v.len() - trail;
        if trail_start >= lead {
            parts.extend((trail_start..v.len()).map(|i| format!("{} at byte {i}", describe_at(v, i))));
        }
        let where_ = match (lead > 0, trail > 0) {
            (true, true) => "leading and trailing",
            (true, false) => "leading",
            _ => "trailing",
        };
        Some(format!("{where_} whitespace: {}", super::list_some(&parts, 4)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names_each_byte() {
        assert_eq!(
            Whitespace.run(b"abc\n").as_deref(),
            Some("trailing whitespace: LF 0x0a at byte 3")
        );
        assert_eq!(
            Whitespace.run(b" abc").as_deref(),
            Some("leading whitespace: SPACE 0x20 at byte 0")
        );
        assert!(Whitespace.run(b"a b").is_none());
    }
}
