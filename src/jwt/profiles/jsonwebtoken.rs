//! npm jsonwebtoken 9.0.3 (`verify.js`): `jwt.verify(token, secret, options)` with its defaults —
//! 0 s `clockTolerance`, `exp` expired when `now >= exp`, `iat` not compared with the clock, an
//! `aud` claim accepted when no audience is given, algorithms defaulting to the key type's
//! (HS256/384/512 for a string secret), a PEM string taken as a public key, not a secret.

use super::{Call, Key, Verdict, b64, hmac_alg, hmac_ok, looks_like_pem, reject};
use serde_json::Value;

pub const LIBRARY: &str = "jsonwebtoken 9.0.3";
pub const CALL: &str = "jwt.verify(token, secret, { algorithms, audience, issuer })";

const E: &str = "JsonWebTokenError";

pub fn verify(token: &str, call: &Call<'_>, now: i64) -> Verdict {
    if token.is_empty() {
        return reject(E, "jwt must be provided");
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [head, payload, signature] = parts[..] else {
        return reject(E, "jwt malformed");
    };
    // jws.decode: null (so "invalid token") unless the header is base64url JSON with an alg.
    let header = b64(head).and_then(|h| serde_json::from_slice::<Value>(&h).ok());
    let Some(alg) = header.as_ref().and_then(|h| h.get("alg")).and_then(Value::as_str) else {
        return reject(E, "invalid token");
    };
    let signing_input = format!("{head}.{payload}");
    let Some(payload) = b64(payload) else {
        return reject(E, "invalid token");
    };
    let claims = match serde_json::from_slice::<Value>(&payload) {
        Ok(Value::Object(o)) => o,
        _ => serde_json::Map::new(),
    };
    if signature.trim().is_empty() {
        return reject(E, "jwt signature is required");
    }
    // createPublicKey(secret) first: a PEM string becomes a public key, anything else a secret.
    let secret_type = match call.key {
        Key::Secret(s) => !looks_like_pem(s),
        Key::Public { .. } => false,
    };
    let allowed = match call.algorithms {
        Some(list) => list.iter().any(|a| a == alg),
        None if secret_type => hmac_alg(alg).is_some(),
        None => super::asymmetric_alg(alg) && alg != "Ed25519",
    };
    if !allowed {
        return reject(E, "invalid algorithm");
    }
    if alg.starts_with("HS") && !secret_type {
        return reject(E, format!("secretOrPublicKey must be a symmetric key when using {alg}"));
    }
    if (alg.starts_with("RS") || alg.starts_with("PS") || alg.starts_with("ES")) && secret_type {
        return reject(
            E,
            format!("secretOrPublicKey must be an asymmetric key when using {alg}"),
        );
    }
    let valid = match call.key {
        Key::Secret(s) if secret_type => hmac_ok(alg, s, &signing_input, signature),
        Key::Secret(s) => super::pem_verifies(alg, s, &signing_input, signature) == Some(true),
        Key::Public { verifies } => verifies,
    };
    if !valid {
        return reject(E, "invalid signature");
    }
    if let Some(nbf) = claims.get("nbf") {
        match nbf.as_f64() {
            None => return reject(E, "invalid nbf value"),
            Some(n) if n > now as f64 => return reject("NotBeforeError", "jwt not active"),
            Some(_) => {}
        }
    }
    if let Some(exp) = claims.get("exp") {
        match exp.as_f64() {
            None => return reject(E, "invalid exp value"),
            Some(e) if now as f64 >= e => return reject("TokenExpiredError", "jwt expired"),
            Some(_) => {}
        }
    }
    if let Some(want) = call.audience {
        let matches = match claims.get("aud") {
            Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(want)),
            Some(Value::String(s)) => s == want,
            _ => false,
        };
        if !matches {
            return reject(E, format!("jwt audience invalid. expected: {want}"));
        }
    }
    if let Some(want) = call.issuer
        && claims.get("iss").and_then(Value::as_str) != Some(want)
    {
        return reject(E, format!("jwt issuer invalid. expected: {want}"));
    }
    Verdict::accept()
}
