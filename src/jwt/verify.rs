//! Which candidate verifies a token's signature, and whether its claims pass.

use super::Jws;
use crate::transform::Transform;
use jsonwebtoken::{Algorithm, DecodingKey};

/// The forms of a shared secret tried as the HMAC key, after the value as stored: the ones
/// libraries and deployments actually use (a trimmed value, a decoded one, and the other side of
/// AD102 — the issuer signed with the value plus the newline `echo` adds).
pub const HMAC_FORMS: [Transform; 9] = [
    Transform::Trim,
    Transform::TrimStripQuotes,
    Transform::CrlfToLf,
    Transform::TrimTrailingEscapedNewlines,
    Transform::Base64Decode,
    Transform::Base64UrlDecode,
    Transform::HexDecode,
    Transform::JavaBase64Decode,
    Transform::AddTrailingLf,
];

/// How a form is named in a finding ("verified by backend after removing …").
pub fn form_name(form: Option<Transform>) -> &'static str {
    match form {
        None => "as stored",
        Some(Transform::Trim) => "after removing its surrounding whitespace",
        Some(Transform::Base64Decode) => "base64-decoded",
        Some(Transform::Base64UrlDecode) => "base64url-decoded",
        Some(Transform::HexDecode) => "hex-decoded",
        Some(Transform::TrimStripQuotes) => "after removing its surrounding quotes",
        Some(Transform::CrlfToLf) => "with its CR LF line endings as LF",
        Some(Transform::TrimTrailingEscapedNewlines) => "after removing a trailing `\\n` written as two characters",
        Some(Transform::JavaBase64Decode) => {
            "base64-decoded leniently, as old Java jjwt does (characters outside the alphabet skipped)"
        }
        Some(Transform::AddTrailingLf) => "with a trailing LF added",
        Some(t) => t.name(),
    }
}

/// The distinct, non-empty forms of `secret` to try: as stored (`None`) first, then
/// [`HMAC_FORMS`] in order.
pub fn variants(secret: &[u8]) -> Vec<(Option<Transform>, Vec<u8>)> {
    let mut out: Vec<(Option<Transform>, Vec<u8>)> = vec![(None, secret.to_vec())];
    for form in HMAC_FORMS {
        if let Some(v) = form.apply(secret)
            && !v.is_empty()
            && !out.iter().any(|(_, x)| *x == v)
        {
            out.push((Some(form), v));
        }
    }
    out
}

/// The first form of `secret` (`None`: as stored) whose HMAC verifies the token, if any.
pub fn hmac_form(jws: &Jws, alg: Algorithm, secret: &[u8]) -> Option<Option<Transform>> {
    variants(secret).into_iter().find_map(|(form, v)| {
        jsonwebtoken::crypto::verify(
            &jws.signature,
            jws.signing_input.as_bytes(),
            &DecodingKey::from_secret(&v),
            alg,
        )
        .unwrap_or(false)
        .then_some(form)
    })
}

/// The forms tried, for a message: "as stored, after removing its surrounding whitespace, …".
pub fn forms_tried() -> String {
    let mut names = vec![form_name(None)];
    names.extend(HMAC_FORMS.iter().map(|f| form_name(Some(*f))));
    let last = names.pop().unwrap_or_default();
    format!("{} and {last}", names.join(", "))
}

/// The first (candidate, variant) whose HMAC matches.
pub fn hmac(jws: &Jws, alg: Algorithm, candidates: &[&[u8]]) -> Option<(usize, Option<Transform>)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_cover_what_libraries_do() {
        let v = variants(b"c2VjcmV0LXNlY3JldC1zZWNyZXQ=\n");
        let names: Vec<&str> = v.iter().map(|(n, _)| form_name(*n)).collect();
        assert_eq!(
            names,
            vec![
                "as stored",
                "after removing its surrounding whitespace",
                "base64-decoded"
            ],
            "trimmed + LF is the value itself"
        );
        let plain: Vec<&str> = variants(b"plain-secret-value")
            .iter()
            .map(|(n, _)| form_name(*n))
            .collect();
        assert_eq!(
            plain,
            vec![
                "as stored",
                "base64-decoded leniently, as old Java jjwt does (characters outside the alphabet skipped)",
                "with a trailing LF added"
            ]
        );
        assert_eq!(v[2].1, b"secret-secret-secret");
    }
}
