//! The pass over the report model before any renderer sees it: values scrubbed where they can be
//! printed (messages, hints, specs, details, token fields), control characters in every string
//! escaped (names come from input: a `.env` key, a config.js key, a Secrets Manager field, a token's
//! `alg`), token-like claim values masked, and weak values' fingerprints withheld in CI output.
//! Renderers then only lay out and escape for their format.

use super::redact::Redactor;
use super::{Report, TokenView};
use std::borrow::Cow;

/// What the pass does; all on unless `--reveal` (which turns off scrubbing and masking, never escaping).
pub struct Guard<'r, 'a> {
    /// Scrub values with this; `None` under `--reveal`.
    pub redactor: Option<&'r Redactor<'a>>,
    /// Mask token-like claim values (`--reveal` shows them).
    pub mask_claims: bool,
    /// Drop the fingerprint of values that AD201/AD202 call weak: in CI (`CI` set) or a machine
    /// format, where the output is kept and public.
    pub hide_weak_fingerprints: bool,
}

/// Whether a character must not reach a terminal or a log raw: C0 and C1 controls, DEL, the
/// Unicode line and paragraph separators, and the bidirectional controls that reorder text
/// (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every [`is_unsafe_char`] written as an escape: `\n`, `\r`, `\t`, else `\u{1B}` (hex code
/// point, Rust's notation). Borrowed when there is nothing to escape.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl Guard<'_, '_> {
    /// A string that can carry a value: scrubbed, then escaped.
    fn value(&self, s: &mut String) {
        self.value_naming(s, &[]);
    }

    /// A string that can carry a value and names `names` (a message about keys): scrubbed except
    /// where it names one of them, then escaped.
    fn value_naming(&self, s: &mut String, names: &[&str]) {
        if let Some(r) = self.redactor {
            let scrubbed = r.scrub_except(s, names);
            if scrubbed != *s {
                *s = scrubbed;
            }
        }
        self.name(s);
    }

    /// A name taken from input (a key, a file, a loader): escaped, not scrubbed (a key name that
    /// happens to occur in a value is still the key's name).
    fn name(&self, s: &mut String) {
        if let Cow::Owned(e) = escape_controls(s) {
            *s = e;
        }
    }

    fn json(&self, v: &mut serde_json::Value, depth: usize) {
        match v {
            serde_json::Value::String(s) => self.value(s),
            serde_json::Value::Array(a) if depth < 64 => a.iter_mut().for_each(|x| self.json(x, depth + 1)),
            serde_json::Value::Object(o) if depth < 64 => {
                let escaped: Vec<(String, serde_json::Value)> = std::mem::take(o)
                    .into_iter()
                    .map(|(k, mut x)| {
                        self.json(&mut x, depth + 1);
                        (escape_controls(&k).into_owned(), x)
                    })
                    .collect();
                o.extend(escaped);
            }
            _ => {}
        }
    }

    /// Applies the pass to one report.
    pub fn apply(&self, report: &mut Report) {
        if self.hide_weak_fingerprints {
            let weak: Vec<&String> = report
                .findings
                .iter()
                .filter(|f| matches!(f.code.id, "AD201" | "AD202"))
                .flat_map(|f| f.sources.iter())
                .collect();
            let weak: Vec<String> = weak.into_iter().cloned().collect();
            for s in &mut report.sources {
                if weak.contains(&s.label) {
                    s.fingerprint = None;
                }
            }
        }
        if let Some(t) = report.title.as_mut() {
            self.name(t);
        }
        for s in &mut report.sources {
            self.value(&mut s.label);
            self.value(&mut s.spec);
            let details = std::mem::take(&mut s.details);
            for (k, mut v) in details {
                self.json(&mut v, 0);
                s.details.insert(escape_controls(&k).into_owned(), v);
            }
        }
        // The names the report itself uses (keys it lists, loaders, variables): kept where a
        // message names them even if some value contains them.
        let mut owned: Vec<String> = report.keys.iter().flatten().map(|k| k.key.clone()).collect();
        for s in &report.sources {
            for k in ["key", "variable", "loader", "field", "name"] {
                if let Some(v) = s.details.get(k).and_then(|v| v.as_str()) {
                    owned.push(v.to_string());
                }
            }
        }
        owned.extend(crate::dotenv::Loader::ALL.iter().map(|l| l.name().to_string()));
        // A "name" that looks like secret material is not protected.
        let names: Vec<&str> = owned
            .iter()
            .map(String::as_str)
            .filter(|n| crate::secret::looks_like_name(n))
            .collect();
        for f in &mut report.findings {
            self.value_naming(&mut f.message, &names);
            if let Some(h) = f.hint.as_mut() {
                self.value_naming(h, &names);
            }
            f.sources.iter_mut().for_each(|s| self.value(s));
            if let Some(l) = f.location.as_mut() {
                self.name(&mut l.file);
            }
        }
        if let Some(groups) = report.groups.as_mut() {
            groups.iter_mut().flatten().for_each(|s| self.value(s));
        }
        if let Some(keys) = report.keys.as_mut() {
            for k in keys {
                self.name(&mut k.file);
                self.name(&mut k.key);
                k.causes.iter_mut().for_each(|c| self.value(c));
            }
        }
        if let Some(t) = report.token.as_mut() {
            self.token(t);
        }
        if let Some(p) = report.probe.as_mut() {
            self.name(&mut p.url);
            self.name(&mut p.token_in);
            if let Some(a) = p.also_sends.as_mut() {
                self.name(a);
            }
            p.skipped.iter_mut().for_each(|s| self.value(s));
            for r in &mut p.requests {
                self.value(&mut r.who);
                r.holders.iter_mut().for_each(|h| self.value(&mut h.source));
                // The backend's own words: they may quote anything it holds or was sent.
                if let Some(a) = r.answer.as_mut() {
                    self.value(a);
                }
            }
        }
    }

    fn token(&self, t: &mut TokenView) {
        self.name(&mut t.kind);
        t.stripped.iter_mut().for_each(|s| self.name(s));
        if self.mask_claims
            && let Some(c) = t.claims.as_mut()
        {
            mask_claims(c, 0);
        }
        if let Some(h) = t.header.as_mut() {
            self.json(h, 0);
        }
        if let Some(c) = t.claims.as_mut() {
            self.json(c, 0);
        }
        let times = std::mem::take(&mut t.times);
        for (k, mut v) in times {
            self.value(&mut v);
            t.times.insert(escape_controls(&k).into_owned(), v);
        }
    }
}

/// Claims whose value is a credential whatever it looks like (OAuth 2.0 RFC 6749 §5.1, OpenID
/// Connect Core §3.1.3.3, as Auth.js stores an identity provider's tokens in its session JWT).
const TOKEN_CLAIMS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "accessToken",
    "refreshToken",
    "idToken",
    "token",
    "session_token",
    "sessionToken",
    "client_secret",
    "password",
    "secret",
    "api_key",
    "apiKey",
];

/// Whether a claim value looks like a credential: JWT-shaped (three or five base64url segments
/// starting `eyJ`), or a long (≥ 24 characters) run of base64/hex-alphabet characters without
/// spaces whose character mix is high-entropy (Shannon entropy ≥ 3.5 bits per character, as
/// random tokens have and words, URLs and dates do not).
pub fn token_like(s: &str) -> bool {
    let t = s.trim();
    if t.starts_with("eyJ") && matches!(t.split('.').count(), 3 | 5) {
        return true;
    }
    if t.len() < 24
        || !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'.' | b'~'))
    {
        return false;
    }
    let mut counts = [0usize; 256];
    for b in t.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = t.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / n;
            -p * p.log2()
        })
        .sum();
    entropy >= 3.5
}

/// The mask a token-like claim value gets: its length only.
fn mask(s: &str) -> String {
    format!("[masked: {} chars; --reveal shows it]", s.chars().count())
}

/// Masks every token-like string in a claims document (recursively, Auth.js nests the provider's
/// `account`), and every string under a credential claim name.
pub fn mask_claims(v: &mut serde_json::Value, depth: usize) {
    match v {
        serde_json::Value::Object(o) if depth < 64 => {
            for (k, x) in o.iter_mut() {
                match x {
                    serde_json::Value::String(s) if TOKEN_CLAIMS.contains(&k.as_str()) || token_like(s) => {
                        *s = mask(s);
                    }
                    _ => mask_claims(x, depth + 1),
                }
            }
        }
        serde_json::Value::Array(a) if depth < 64 => a.iter_mut().for_each(|x| mask_claims(x, depth + 1)),
        serde_json::Value::String(s) if token_like(s) => *s = mask(s),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(escape_controls("A\n::add-mask::x"), "A\\n::add-mask::x");
        assert_eq!(escape_controls("\x1b[31mred"), "\\u{1B}[31mred");
        assert_eq!(escape_controls("a\u{2028}b\u{202e}c\r"), "a\\u{2028}b\\u{202E}c\\r");
        assert!(matches!(escape_controls("AUTH_SECRET"), Cow::Borrowed(_)));
    }

    #[test]
    fn token_like_values() {
        assert!(token_like("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"));
        assert!(token_like("ya29.a0AfH6SMBx3kq9Zp0Lr7Tq2vW8yU1nE5cD4fG"));
        assert!(token_like("gho_16C7e42F292c6912E7710c838347Ae178B4a"));
        assert!(!token_like("https://accounts.google.com"));
        assert!(!token_like("user@example.com"));
        assert!(!token_like("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(!token_like("Jane Doe"));
    }

    #[test]
    fn masks_nested_credentials_keeps_the_rest() {
        let mut c = serde_json::json!({
            "name": "Jane", "sub": "1234",
            "account": {"provider": "github", "access_token": "short", "id_token": "eyJa.eyJb.c"},
            "list": ["x", "Zq8vN3kLp2RtY7wB5mXc9HdJ4sFg"]
        });
        mask_claims(&mut c, 0);
        assert_eq!(c["name"], "Jane");
        assert_eq!(c["account"]["provider"], "github");
        assert_eq!(c["account"]["access_token"], "[masked: 5 chars; --reveal shows it]");
        assert!(c["account"]["id_token"].as_str().unwrap().starts_with("[masked"));
        assert!(c["list"][1].as_str().unwrap().starts_with("[masked"));
    }
}
