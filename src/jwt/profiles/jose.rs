//! npm jose 6.2.18 (`jws/flattened/verify.js`, `lib/check_key_type.js`, `lib/jwt_claims_set.js`):
//! `jwtVerify(token, new TextEncoder().encode(secret), options)` with its defaults — 0 s
//! `clockTolerance`, `exp` expired when `exp <= now`, `iat` only type-checked, an `aud` claim
//! accepted when no audience is given, any algorithm the key fits (a byte key fits only HS*), a
//! byte key of any content (even PEM text) used as the HMAC key.

use super::{Call, Key, Verdict, b64, hmac_ok, reject};
use serde_json::Value;

pub const LIBRARY: &str = "jose 6.2.18";
pub const CALL: &str = "jwtVerify(token, new TextEncoder().encode(secret), { algorithms, audience, issuer })";

const CLAIM: &str = "JWTClaimValidationFailed";

fn symmetric(alg: &str) -> bool {
    alg.starts_with("HS") || alg == "dir" || alg.starts_with("PBES2") || (alg.starts_with('A') && alg.len() <= 13)
}

pub fn verify(token: &str, call: &Call<'_>, now: i64) -> Verdict {
    let parts: Vec<&str> = token.split('.').collect();
    let [head, payload, signature] = parts[..] else {
        return reject("JWSInvalid", "Invalid Compact JWS");
    };
    let Some(header) = b64(head)
        .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
        .filter(Value::is_object)
    else {
        return reject("JWSInvalid", "JWS Protected Header is invalid");
    };
    let Some(alg) = header.get("alg").and_then(Value::as_str).filter(|a| !a.is_empty()) else {
        return reject(
            "JWSInvalid",
            "JWS \"alg\" (Algorithm) Header Parameter missing or invalid",
        );
    };
    if call.algorithms.is_some_and(|list| !list.iter().any(|a| a == alg)) {
        return reject(
            "JOSEAlgNotAllowed",
            "\"alg\" (Algorithm) Header Parameter value not allowed",
        );
    }
    if b64(signature).is_none() {
        return reject("JWSInvalid", "Failed to base64url decode the signature");
    }
    let signing_input = format!("{head}.{payload}");
    let verified = match call.key {
        // checkKeyType: a Uint8Array is a key only for the symmetric algorithms.
        Key::Secret(_) if !symmetric(alg) => {
            return reject(
                "TypeError",
                format!(
                    "Key for the {alg} algorithm must be one of type CryptoKey, KeyObject, or JSON Web Key. Received an instance of Uint8Array"
                ),
            );
        }
        Key::Secret(s) => hmac_ok(alg, s, &signing_input, signature),
        Key::Public { .. } if symmetric(alg) => {
            return reject(
                "TypeError",
                format!(
                    "Key for the {alg} algorithm must be of type CryptoKey, KeyObject, JSON Web Key, or Uint8Array. Received a public key"
                ),
            );
        }
        Key::Public { verifies } => verifies,
    };
    if !verified {
        return reject("JWSSignatureVerificationFailed", "signature verification failed");
    }
    let Some(claims) = b64(payload)
        .and_then(|p| serde_json::from_slice::<Value>(&p).ok())
        .and_then(|v| v.as_object().cloned())
    else {
        return reject("JWTInvalid", "JWT Claims Set must be a top-level JSON object");
    };
    claims_set(&claims, call.audience, call.issuer, 0, now)
}

/// `validateClaimsSet` (lib/jwt_claims_set.js): presence of the expected `iss`/`aud`, their
/// values, then `iat`'s type, `nbf` and `exp` with `tolerance` seconds.
pub(super) fn claims_set(
    claims: &serde_json::Map<String, Value>,
    audience: Option<&str>,
    issuer: Option<&str>,
    tolerance: i64,
    now: i64,
) -> Verdict {
    // The presence list is checked in reverse order of pushing (aud, then iss): iss first.
    for (wanted, claim) in [(issuer.is_some(), "iss"), (audience.is_some(), "aud")] {
        if wanted && !claims.contains_key(claim) {
            return reject(CLAIM, format!("missing required \"{claim}\" claim"));
        }
    }
    if let Some(want) = issuer
        && claims.get("iss").and_then(Value::as_str) != Some(want)
    {
        return reject(CLAIM, "unexpected \"iss\" claim value");
    }
    if let Some(want) = audience {
        let present = match claims.get("aud") {
            Some(Value::String(s)) => s == want,
            Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(want)),
            _ => false,
        };
        if !present {
            return reject(CLAIM, "unexpected \"aud\" claim value");
        }
    }
    if claims.get("iat").is_some_and(|v| !v.is_number()) {
        return reject(CLAIM, "\"iat\" claim must be a number");
    }
    let now = now as f64;
    let tolerance = tolerance as f64;
    if let Some(v) = claims.get("nbf") {
        match v.as_f64() {
            None => return reject(CLAIM, "\"nbf\" claim must be a number"),
            Some(nbf) if nbf > now + tolerance => return reject(CLAIM, "\"nbf\" claim timestamp check failed"),
            Some(_) => {}
        }
    }
    if let Some(v) = claims.get("exp") {
        match v.as_f64() {
            None => return reject(CLAIM, "\"exp\" claim must be a number"),
            Some(exp) if exp <= now - tolerance => return reject("JWTExpired", "\"exp\" claim timestamp check failed"),
            Some(_) => {}
        }
    }
    Verdict::accept()
}
