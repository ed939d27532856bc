//! AD208: bytes that are not valid UTF-8.
use super::ValueCheck;
use crate::findings::{Code, Severity};

pub const AD208: Code = Code {
    id: "AD208",
    severity: Severity::Warning,
    title: "not valid UTF-8",
    hint: "Use a text secret (`openssl rand -hex 32`); most JWT libraries take the key as a string.",
    explain: "Why: the bytes are not valid UTF-8. Most JWT libraries take the key as a string, and \
runtimes that decode it replace invalid bytes with U+FFFD, so two sides hash different bytes.\n\
Confirm: the message gives the offset of the first invalid byte.\n\
Fix: use a text secret, or have every side agree on raw bytes (base64-decode on both).",
};

pub struct Utf8;

impl ValueCheck for Utf8 {
    fn code(&self) -> &'static Code {
        &AD208
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let e = std::str::from_utf8(v).err()?;
        let at = e.valid_up_to();
        Some(format!("not valid UTF-8: byte 0x{:02x} at offset {at}", v[at]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn reports_first_invalid_byte() {
        assert_eq!(
            Utf8.run(b"ab\xffc").as_deref(),
            Some("not valid UTF-8: byte 0xff at offset 2")
        );
        assert!(Utf8.run("é".as_bytes()).is_none());
    }
}
