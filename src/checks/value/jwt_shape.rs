//! AD210: a JWT pasted where the signing secret belongs.
use super::ValueCheck;
use crate::findings::{Code, Severity};
use base64::Engine as _;

pub const AD210: Code = Code {
    id: "AD210",
    severity: Severity::Warning,
    title: "value is a JWT, not a secret",
    hint: "Use the signing secret here, not a token signed with it.",
    explain: "Why: the value has the shape of a JWT (`xxxxx.yyyyy.zzzzz` with a JSON header): a token \
was pasted where the signing secret belongs.\n\
Confirm: `authdoctor jwt decode` on it shows a header and claims.\n\
Fix: put the secret that signs tokens here.",
};

pub struct JwtShape;

impl ValueCheck for JwtShape {
    fn code(&self) -> &'static Code {
        &AD210
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
