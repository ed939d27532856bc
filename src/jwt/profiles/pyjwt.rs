//! PyJWT 2.15.1 (`jwt/api_jws.py`, `jwt/api_jwt.py`): `jwt.decode` with its default options —
//! 0 s leeway, `exp` expired when `exp <= now`, `iat` in the future rejected, an `aud` claim
//! rejected when no audience is given, `algorithms=` required, PEM text refused as an HMAC secret.

use super::{Call, Key, Verdict, aud_list, b64, hmac_alg, hmac_ok, looks_like_pem, py_int, reject};
use serde_json::Value;

pub const LIBRARY: &str = "PyJWT 2.15.1";
pub const CALL: &str = "jwt.decode(token, key, algorithms=[…], audience=…, issuer=…)";

/// Python truthiness of a JSON value (`not payload["aud"]`).
pub(super) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

pub fn verify(token: &str, call: &Call<'_>, now: i64) -> Verdict {
    let Some(algorithms) = call.algorithms else {
        return reject(
            "DecodeError",
            "It is required that you pass in a value for the \"algorithms\" argument when calling decode().",
        );
    };
    // api_jws._load: the last dot separates the signature, the first the header.
    let Some((signing_input, crypto)) = token.rsplit_once('.') else {
        return reject("DecodeError", "Not enough segments");
    };
    let Some((head, payload)) = signing_input.split_once('.') else {
        return reject("DecodeError", "Not enough segments");
    };
    let Some(header) = b64(head) else {
        return reject("DecodeError", "Invalid header padding");
    };
    let header: Value = match serde_json::from_slice(&header) {
        Ok(Value::Object(o)) => Value::Object(o),
        Ok(_) => return reject("DecodeError", "Invalid header string: must be a json object"),
        Err(e) => return reject("DecodeError", format!("Invalid header string: {e}")),
    };
    let Some(payload) = b64(payload) else {
        return reject("DecodeError", "Invalid payload padding");
    };
    if b64(crypto).is_none() {
        return reject("DecodeError", "Invalid crypto padding");
    }
    // api_jws._verify_signature
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg.is_empty() || !algorithms.iter().any(|a| a == alg) {
        return reject("InvalidAlgorithmError", "The specified alg value is not allowed");
    }
    let mut warnings = Vec::new();
    match (hmac_alg(alg), call.key) {
        (Some(_), Key::Public { .. }) => return reject("InvalidKeyError", HMAC_PEM),
        (Some(_), Key::Secret(s)) => {
            if looks_like_pem(s) {
                return reject("InvalidKeyError", HMAC_PEM);
            }
            let (min, hash) = match alg {
                "HS384" => (48, "SHA384"),
                "HS512" => (64, "SHA512"),
                _ => (32, "SHA256"),
            };
            if s.len() < min {
                warnings.push(format!(
                    "InsecureKeyLengthWarning: The HMAC key is {} bytes long, which is below the minimum recommended length of {min} bytes for {hash}. See RFC 7518 Section 3.2.",
                    s.len()
                ));
            }
            if !hmac_ok(alg, s, signing_input, crypto) {
                return reject("InvalidSignatureError", "Signature verification failed");
            }
        }
        (None, _) if alg == "none" => {
            return reject("InvalidKeyError", "When alg = \"none\", key value must be None.");
        }
        (None, Key::Secret(s)) if super::asymmetric_alg(alg) => {
            if !looks_like_pem(s) {
                return reject("InvalidKeyError", "Could not parse the provided public key.");
            }
            if super::pem_verifies(alg, s, signing_input, crypto) != Some(true) {
                return reject("InvalidSignatureError", "Signature verification failed");
            }
        }
        (None, Key::Public { verifies }) if super::asymmetric_alg(alg) => {
            if !verifies {
                return reject("InvalidSignatureError", "Signature verification failed");
            }
        }
        (None, _) => return reject("InvalidAlgorithmError", "Algorithm not supported"),
    }
    // api_jwt._decode_payload
    let claims = match serde_json::from_slice::<Value>(&payload) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return reject("DecodeError", "Invalid payload string: must be a json object"),
        Err(e) => return reject("DecodeError", format!("Invalid payload string: {e}")),
    };
    // api_jwt._validate_claims, in its order: iat, nbf, exp, iss, aud, sub, jti.
    if let Some(v) = claims.get("iat") {
        match py_int(v) {
            None => return reject("InvalidIssuedAtError", "Issued At claim (iat) must be an integer."),
            Some(iat) if iat > now => return reject("ImmatureSignatureError", "The token is not yet valid (iat)"),
            Some(_) => {}
        }
    }
    if let Some(v) = claims.get("nbf") {
        match py_int(v) {
            None => return reject("DecodeError", "Not Before claim (nbf) must be an integer."),
            Some(nbf) if nbf > now => return reject("ImmatureSignatureError", "The token is not yet valid (nbf)"),
            Some(_) => {}
        }
    }
    if let Some(v) = claims.get("exp") {
        match py_int(v) {
            None => return reject("DecodeError", "Expiration Time claim (exp) must be an integer."),
            Some(exp) if exp <= now => return reject("ExpiredSignatureError", "Signature has expired"),
            Some(_) => {}
        }
    }
    if let Some(want) = call.issuer {
        match claims.get("iss") {
            None => return reject("MissingRequiredClaimError", "Token is missing the \"iss\" claim"),
            Some(Value::String(i)) if i == want => {}
            Some(Value::String(_)) => return reject("InvalidIssuerError", "Invalid issuer"),
            Some(_) => return reject("InvalidIssuerError", "Payload Issuer (iss) must be a string"),
        }
    }
    let aud = claims.get("aud").filter(|a| truthy(a));
    match (call.audience, aud) {
        (None, None) => {}
        (None, Some(_)) => return reject("InvalidAudienceError", "Invalid audience"),
        (Some(_), None) => return reject("MissingRequiredClaimError", "Token is missing the \"aud\" claim"),
        (Some(want), Some(a)) => match aud_list(a) {
            None => return reject("InvalidAudienceError", "Invalid claim format in token"),
            Some(list) if !list.contains(&want) => return reject("InvalidAudienceError", "Audience doesn't match"),
            Some(_) => {}
        },
    }
    if claims.get("sub").is_some_and(|s| !s.is_string()) {
        return reject("InvalidSubjectError", "Subject must be a string");
    }
    if claims.get("jti").is_some_and(|s| !s.is_string()) {
        return reject("InvalidJTIError", "JWT ID must be a string");
    }
    Verdict::Accept { warnings }
}

const HMAC_PEM: &str =
    "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.";
