//! python-jose 3.5.0 (`jose/jws.py`, `jose/jwt.py`, `jose/jwk.py`): `jose.jwt.decode` with its
//! default options — 0 s leeway, `exp` expired only when `exp < now`, `iat` not compared with the
//! clock, an `aud` claim rejected when no audience is given but a missing `aud` accepted when one
//! is, `algorithms` optional, PEM text refused as an HMAC secret.

use super::{Call, Key, Verdict, aud_list, b64_lenient, hmac_alg, hmac_ok, looks_like_pem, py_int, reject};
use serde_json::Value;

pub const LIBRARY: &str = "python-jose 3.5.0";
pub const CALL: &str = "jose.jwt.decode(token, key, algorithms=[…], audience=…, issuer=…)";

/// What cryptography says of a key that is not PEM, as python-jose passes it on.
const NOT_PEM: &str = "Unable to load PEM file. See https://cryptography.io/en/latest/faq/#why-can-t-i-import-my-pem-file for more details. MalformedFraming";

pub fn verify(token: &str, call: &Call<'_>, now: i64) -> Verdict {
    // jws._load; every JWSError leaves jwt.decode as a JWTError with the same message.
    let Some((signing_input, crypto)) = token.rsplit_once('.') else {
        return reject("JWTError", "Not enough segments");
    };
    let Some((head, payload)) = signing_input.split_once('.') else {
        return reject("JWTError", "Not enough segments");
    };
    let Some(header) = b64_lenient(head) else {
        return reject("JWTError", "Invalid header padding");
    };
    let header: Value = match serde_json::from_slice(&header) {
        Ok(Value::Object(o)) => Value::Object(o),
        Ok(_) => return reject("JWTError", "Invalid header string: must be a json object"),
        Err(e) => return reject("JWTError", format!("Invalid header string: {e}")),
    };
    let Some(payload) = b64_lenient(payload) else {
        return reject("JWTError", "Invalid payload padding");
    };
    if b64_lenient(crypto).is_none() {
        return reject("JWTError", "Invalid crypto padding");
    }
    // jws._verify_signature
    let Some(alg) = header.get("alg").and_then(Value::as_str).filter(|a| !a.is_empty()) else {
        return reject("JWTError", "No algorithm was specified in the JWS header.");
    };
    if call.algorithms.is_some_and(|list| !list.iter().any(|a| a == alg)) {
        return reject("JWTError", "The specified alg value is not allowed");
    }
    const FAILED: &str = "Signature verification failed.";
    match (hmac_alg(alg), call.key) {
        // jwk.construct: HMACKey refuses PEM text; a key object is not a string secret either.
        (Some(_), Key::Secret(s)) if looks_like_pem(s) => {
            return reject(
                "JWKError",
                "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.",
            );
        }
        (Some(_), Key::Secret(s)) => {
            if !hmac_ok(alg, s, signing_input, crypto) {
                return reject("JWTError", FAILED);
            }
        }
        (Some(_), Key::Public { .. }) => return reject("JWTError", FAILED),
        (None, Key::Secret(s)) if alg.starts_with("RS") || alg.starts_with("PS") || alg.starts_with("ES") => {
            if !looks_like_pem(s) {
                return reject("JWKError", NOT_PEM);
            }
            if super::pem_verifies(alg, s, signing_input, crypto) != Some(true) {
                return reject("JWTError", FAILED);
            }
        }
        (None, Key::Public { verifies }) if alg.starts_with("RS") || alg.starts_with("PS") || alg.starts_with("ES") => {
            if !verifies {
                return reject("JWTError", FAILED);
            }
        }
        // `dir` and the AES key-wrap names construct keys that cannot verify; the exception is
        // swallowed by _sig_matches_keys, so the verdict is a failed signature.
        (None, _) if alg == "dir" || alg.starts_with('A') => return reject("JWTError", FAILED),
        (None, _) => return reject("JWKError", "Unable to find an algorithm for key"),
    }
    // jwt.decode
    let claims = match serde_json::from_slice::<Value>(&payload) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return reject("JWTError", "Invalid payload string: must be a json object"),
        Err(e) => return reject("JWTError", format!("Invalid payload string: {e}")),
    };
    // jwt._validate_claims, in its order: iat, nbf, exp, aud, iss, sub, jti.
    if claims.get("iat").is_some_and(|v| py_int(v).is_none()) {
        return reject("JWTClaimsError", "Issued At claim (iat) must be an integer.");
    }
    if let Some(v) = claims.get("nbf") {
        match py_int(v) {
            None => return reject("JWTClaimsError", "Not Before claim (nbf) must be an integer."),
            Some(nbf) if nbf > now => return reject("JWTClaimsError", "The token is not yet valid (nbf)"),
            Some(_) => {}
        }
    }
    if let Some(v) = claims.get("exp") {
        match py_int(v) {
            None => return reject("JWTClaimsError", "Expiration Time claim (exp) must be an integer."),
            Some(exp) if exp < now => return reject("ExpiredSignatureError", "Signature has expired."),
            Some(_) => {}
        }
    }
    if let Some(a) = claims.get("aud") {
        match aud_list(a) {
            None => return reject("JWTClaimsError", "Invalid claim format in token"),
            Some(list) => match call.audience {
                Some(want) if list.contains(&want) => {}
                _ => return reject("JWTClaimsError", "Invalid audience"),
            },
        }
    }
    if let Some(want) = call.issuer
        && claims.get("iss").and_then(Value::as_str) != Some(want)
    {
        return reject("JWTClaimsError", "Invalid issuer");
    }
    if claims.get("sub").is_some_and(|s| !s.is_string()) {
        return reject("JWTClaimsError", "Subject must be a string.");
    }
    if claims.get("jti").is_some_and(|s| !s.is_string()) {
        return reject("JWTClaimsError", "JWT ID must be a string.");
    }
    Verdict::accept()
}
