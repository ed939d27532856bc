//! AD201: shorter than the 32 bytes RFC 7518 §3.2 requires for an HS256 key.
use super::ValueCheck;
use crate::findings::{Code, Severity};

pub const AD201: Code = Code {
    id: "AD201",
    severity: Severity::Warning,
    title: "shorter than 32 bytes for an HMAC key",
    hint: "Generate a longer secret: `openssl rand -hex 32` (64 characters).",
    explain: "Why: RFC 7518 §3.2 requires an HS256 key of at least 256 bits (32 bytes); shorter keys can \
be brute-forced, and some libraries (jose, Spring Security) reject them outright, which looks like a \
signature failure.\n\
Confirm: the message gives the length in bytes.\n\
Fix: generate a new random secret of 32 bytes or more (`openssl rand -hex 32`) and set it everywhere.",
};

pub struct Short;

pub const MIN_HMAC_KEY: usize = 32;

impl ValueCheck for Short {
    fn code(&self) -> &'static Code {
        &AD201
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        (v.len() < MIN_HMAC_KEY).then(|| {
            format!(
                "{} byte{}, fewer than the {MIN_HMAC_KEY} an HS256 key needs",
                v.len(),
                if v.len() == 1 { "" } else { "s" }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn boundary_at_32() {
        assert!(Short.run(&[b'a'; 31]).is_some());
        assert!(Short.run(&[b'a'; 32]).is_none());
    }
}
