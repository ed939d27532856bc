//! AD201: shorter than the 32 bytes RFC 7518 §3.2 requires for an HS256 key.
use super::ValueCheck;

pub struct Short;

pub const MIN_HMAC_KEY: usize = 32;

impl ValueCheck for Short {
    fn code(&self) -> &'static str {
        "AD201"
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
