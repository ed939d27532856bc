//! AD208: bytes that are not valid UTF-8.
use super::ValueCheck;

pub struct Utf8;

impl ValueCheck for Utf8 {
    fn code(&self) -> &'static str {
        "AD208"
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
