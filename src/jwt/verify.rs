//! Which candidate verifies a token's signature, and whether its claims pass.

use super::Jws;
use crate::checks::token::{AD401, AD405, AD406, AD407, AD408, AD410, AD411};
use crate::findings::Finding;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

/// The forms of a shared secret that libraries actually use as the HMAC key.
pub fn variants(secret: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let mut out: Vec<(&'static str, Vec<u8>)> = vec![("as is", secret.to_vec())];
    let t = secret.trim_ascii();
    let mut add = |name: &'static str, v: Vec<u8>| {
        if !v.is_empty() && !out.iter().any(|(_, x)| *x == v) {
            out.push((name, v));
        }
    };
    add("after removing its surrounding whitespace", t.to_vec());
    if let Ok(v) = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient).decode(t) {
        add("base64-decoded", v);
    }
    if let Ok(v) = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient).decode(t) {
        add("base64url-decoded", v);
    }
    if let Ok(v) = hex::decode(t) {
        add("hex-decoded", v);
    }
    // The other side of AD102: the issuer signed with the value plus the newline `echo` adds.
    add("with a trailing LF added", [t, b"\n"].concat());
    out
}

/// The first (candidate, variant) whose HMAC matches.
pub fn hmac(jws: &Jws, alg: Algorithm, candidates: &[&[u8]]) -> Option<(usize, &'static str)> {
    for (i, c) in candidates.iter().enumerate() {
        for (name, v) in variants(c) {
            if jsonwebtoken::crypto::verify(
                &jws.signature,
                jws.signing_input.as_bytes(),
                &DecodingKey::from_secret(&v),
                alg,
            )
            .unwrap_or(false)
            {
                return Some((i, name));
            }
        }
    }
    None
}

/// The first public key that verifies.
pub fn public(jws: &Jws, alg: Algorithm, keys: &[&super::keys::Key]) -> Option<usize> {
    keys.iter().position(|k| {
        jsonwebtoken::crypto::verify(&jws.signature, jws.signing_input.as_bytes(), &k.key, alg).unwrap_or(false)
    })
}

/// What the verifier expects of the claims.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub aud: Option<String>,
    pub iss: Option<String>,
    pub require: Vec<String>,
    pub leeway: i64,
}

fn num(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
}

/// AD405–AD408, AD410, AD411 for a token's claims at time `now`.
pub fn claims(claims: &Value, expect: &Expect, now: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(exp) = claims.get("exp") {
        match num(exp) {
            Some(e) if now > e + expect.leeway => out.push(
                Finding::new(
                    &AD405,
                    format!(
                        "expired {} (exp {}, leeway {} s)",
                        super::relative(e - now).replace("in ", ""),
                        super::human_time(e, now),
                        expect.leeway
                    ),
                )
                .hint(
                    "get a fresh token; if tokens expire too early, check both clocks (NTP) and the issuer's lifetime",
                ),
            ),
            Some(_) => {}
            None => out.push(Finding::new(&AD401, "the exp claim is not a number (NumericDate)")),
        }
    }
    if let Some(nbf) = claims.get("nbf").and_then(num)
        && now + expect.leeway < nbf
    {
        out.push(Finding::new(
            &AD410,
            format!(
                "not valid until {} (nbf, leeway {} s)",
                super::human_time(nbf, now),
                expect.leeway
            ),
        ));
    }
    let aud: Vec<String> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    match (&expect.aud, aud.is_empty()) {
        (Some(want), _) if !aud.contains(want) => out.push(Finding::new(
            &AD406,
            if aud.is_empty() { format!("no aud claim, but the verifier expects {want:?}") } else { format!("aud is {aud:?}, the verifier expects {want:?}") },
        )),
        (None, false) => out.push(Finding::new(
            &AD411,
            format!("the token has aud {aud:?} but no audience was given: PyJWT, jsonwebtoken and jose reject such a token unless the verifier names its audience"),
        )),
        _ => {}
    }
    if let Some(want) = &expect.iss {
        match claims.get("iss").and_then(Value::as_str) {
            Some(i) if i == want => {}
            Some(i) => out.push(Finding::new(
                &AD407,
                format!("iss is {i:?}, the verifier expects {want:?}"),
            )),
            None => out.push(Finding::new(
                &AD407,
                format!("no iss claim, but the verifier expects {want:?}"),
            )),
        }
    }
    for r in &expect.require {
        if claims.get(r).is_none_or(Value::is_null) {
            let present: Vec<&str> = claims
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            out.push(Finding::new(
                &AD408,
                format!(
                    "required claim {r:?} is missing (claims present: {})",
                    present.join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_cover_what_libraries_do() {
        let v = variants(b"c2VjcmV0LXNlY3JldC1zZWNyZXQ=\n");
        let names: Vec<&str> = v.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            vec!["as is", "after removing its surrounding whitespace", "base64-decoded"],
            "trimmed + LF is the value itself"
        );
        let plain: Vec<&str> = variants(b"plain-secret-value").iter().map(|(n, _)| *n).collect();
        assert_eq!(plain, vec!["as is", "with a trailing LF added"]);
        assert_eq!(v[2].1, b"secret-secret-secret");
    }

    #[test]
    fn claim_checks() {
        let c = serde_json::json!({"exp": 100, "nbf": 5000, "aud": ["api"], "iss": "me"});
        let e = Expect {
            aud: Some("web".into()),
            iss: Some("you".into()),
            require: vec!["userId".into()],
            leeway: 60,
        };
        let codes: Vec<&str> = claims(&c, &e, 1000).iter().map(|f| f.code.id).collect();
        assert_eq!(codes, vec!["AD405", "AD410", "AD406", "AD407", "AD408"]);
        let codes: Vec<&str> = claims(
            &c,
            &Expect {
                leeway: 60,
                ..Default::default()
            },
            120,
        )
        .iter()
        .map(|f| f.code.id)
        .collect();
        assert_eq!(codes, vec!["AD410", "AD411"], "exp within leeway passes");
    }
}
