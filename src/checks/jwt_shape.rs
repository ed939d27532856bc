//! AD210: a JWT pasted where the signing secret belongs.
use super::ValueCheck;
use base64::Engine as _;

pub struct JwtShape;

impl ValueCheck for JwtShape {
    fn code(&self) -> &'static str {
        "AD210"
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let t = std::str::from_utf8(v).ok()?.trim();
        let parts: Vec<&str> = t.split('.').collect();
        if parts.len() != 3 && parts.len() != 5 {
            return None;
        }
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[0]).ok()?;
        let json: serde_json::Value = serde_json::from_slice(&header).ok()?;
        json.get("alg")?;
        Some(format!(
            "has the shape of a {}-segment JWT with an `alg` header",
            parts.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn detects_tokens() {
        let t = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln";
        assert!(JwtShape.run(t).is_some());
        assert!(JwtShape.run(b"a.b.c").is_none());
    }
}
