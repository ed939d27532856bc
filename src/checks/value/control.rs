//! AD204: control or invisible characters (beyond whitespace at the ends, which AD203 reports).
use super::ValueCheck;
use crate::findings::{Code, Severity};
use crate::secret::{decode_char_at, is_invisible, special_positions};

pub const AD204: Code = Code {
    id: "AD204",
    severity: Severity::Warning,
    title: "control or invisible characters",
    hint: "Re-generate or re-paste the value from a plain-text source.",
    explain: "Why: the value contains control characters (other than surrounding whitespace), a BOM, \
zero-width or non-breaking characters. They are invisible on screen and usually arrive by copy-paste.\n\
Confirm: the message lists each one by name and offset.\n\
Fix: set the value again from a plain-text source.",
};

pub struct Control;

impl ValueCheck for Control {
    fn code(&self) -> &'static Code {
        &AD204
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let found: Vec<String> = special_positions(v)
            .into_iter()
            .filter(|(off, _)| match decode_char_at(v, *off) {
                // Line breaks and tabs inside a value are structure (PEM keys); at the ends AD203 speaks.
                Some('\n' | '\r' | '\t' | ' ') => false,
                Some(c) => c.is_control() || is_invisible(c),
                None => false,
            })
            .map(|(off, d)| format!("{d} at byte {off}"))
            .collect();
        (!found.is_empty()).then(|| {
            format!(
                "{} control or invisible character(s): {}",
                found.len(),
                super::list_some(&found, 4)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn flags_bom_zero_width_and_control_not_pem_newlines() {
        assert!(Control.run("\u{feff}abc".as_bytes()).unwrap().contains("BOM"));
        assert!(
            Control
                .run("ab\u{200b}c".as_bytes())
                .unwrap()
                .contains("ZERO WIDTH SPACE U+200B at byte 2")
        );
        assert!(Control.run(b"a\x1bb").unwrap().contains("ESC 0x1b at byte 1"));
        assert!(Control.run(b"-----BEGIN-----\nabc\n-----END-----").is_none());
    }
}
