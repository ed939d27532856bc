//! AD207: the key exists but the value is empty.
use super::ValueCheck;

pub struct Empty;

impl ValueCheck for Empty {
    fn code(&self) -> &'static str {
        "AD207"
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
