//! AD205: non-ASCII characters, whose bytes differ between encodings and normalisations.
use super::ValueCheck;
use crate::findings::{Code, Severity};
use crate::secret::is_invisible;

pub const AD205: Code = Code {
    id: "AD205",
    severity: Severity::Warning,
    title: "non-ASCII characters",
    hint: "Prefer an ASCII secret (`openssl rand -hex 32`): encodings differ between platforms.",
    explain: "Why: non-ASCII characters are encoded differently by different runtimes and stores (UTF-8, \
UTF-16, Latin-1, NFC vs NFD normalisation), so two sides can hold different bytes for the same text.\n\
Confirm: `authdoctor inspect SOURCE` counts them.\n\
Fix: use an ASCII-only secret.",
};

pub struct NonAscii;

impl ValueCheck for NonAscii {
    fn code(&self) -> &'static Code {
        &AD205
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let text = std::str::from_utf8(v).ok()?;
        // Invisible characters are AD204's; count the visible ones here.
        let mut chars = text.char_indices().filter(|(_, c)| !c.is_ascii() && !is_invisible(*c));
        let (first, _) = chars.next()?;
        let n = 1 + chars.count();
        Some(format!("{n} non-ASCII character(s), the first at byte {first}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn counts_visible_non_ascii() {
        assert_eq!(
            NonAscii.run("abcé".as_bytes()).as_deref(),
            Some("1 non-ASCII character(s), the first at byte 3")
        );
        assert!(NonAscii.run(b"abc").is_none());
        assert!(NonAscii.run("a\u{200b}".as_bytes()).is_none());
    }
}
