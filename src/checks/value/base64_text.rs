//! AD211 (info): the value is base64 text; libraries disagree on whether to decode it.
use super::ValueCheck;
use crate::findings::{Code, Severity};
use base64::Engine as _;

pub const AD211: Code = Code {
    id: "AD211",
    severity: Severity::Info,
    title: "value is base64 text",
    hint: "",
    explain: "Why: the value is valid base64 of a length typical of generated keys (`openssl rand -base64 32` \
gives 44 characters for 32 bytes). Some libraries decode such a secret before using it as the HMAC key, \
others use the text; both sides must do the same.\n\
Confirm: the message gives the decoded length.\n\
Fix: nothing, as long as every side treats it the same way. `authdoctor jwt verify` tries both.",
};

pub struct Base64Text;

impl ValueCheck for Base64Text {
    fn code(&self) -> &'static Code {
        &AD211
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let t = v.trim_ascii();
        // Plain alphanumerics are valid base64 by accident; require a sign of real base64 text.
        let marked = t.iter().any(|b| matches!(b, b'+' | b'/')) || t.ends_with(b"=");
        if t.len() < 16 || !marked {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD.decode(t).ok()?;
        Some(format!(
            "{} characters of base64 text that decode to {} bytes",
            t.len(),
            decoded.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn openssl_rand_base64_32() {
        let v = b"q3Jd7yX2cQe0lH8VnVt1xVx6F2mHf9lWm9dO0cQ5p1E=";
        assert_eq!(
            Base64Text.run(v).as_deref(),
            Some("44 characters of base64 text that decode to 32 bytes")
        );
        assert!(
            Base64Text
                .run(b"7nzzo8vskFWWUrFT2gWq9FhYJmJexXnETFvrzYOtihYXWHW5Ns2VgI6N8lYDxpk0")
                .is_none()
        );
    }
}
