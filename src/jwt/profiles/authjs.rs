//! @auth/core 0.41.3 (`jwt.js` `decode`, which `getToken` calls; jose's `jwtDecrypt` under it):
//! the session cookie must be a `dir` JWE (A256CBC-HS512 or A256GCM) whose key is derived from
//! the secret and the salt (the cookie name), picked by its `kid` thumbprint; claims are checked
//! with a 15 s clock tolerance, no audience or issuer. A signed JWS is not a session cookie.

use super::{Call, Key, Verdict, reject};
use crate::jwt::jwe::{self, Flavor};
use serde_json::Value;

pub const LIBRARY: &str = "@auth/core 0.41.3";
pub const CALL: &str = "decode({ token, secret, salt }) (what getToken() calls)";
/// `clockTolerance: 15` in `decode`.
pub const CLOCK_TOLERANCE: i64 = 15;

/// The cookie name Auth.js uses on http, its default salt.
const DEFAULT_SALT: &str = "authjs.session-token";

pub fn verify(token: &str, call: &Call<'_>, now: i64) -> Verdict {
    if token.split('.').count() != 5 {
        return reject("JWEInvalid", "Invalid Compact JWE");
    }
    let Ok(crate::jwt::Token::Jwe(e)) = crate::jwt::parse(token) else {
        return reject("JWEInvalid", "JWE Protected Header is invalid");
    };
    let alg = e.header.get("alg").and_then(Value::as_str).unwrap_or("");
    let enc = e.header.get("enc").and_then(Value::as_str).unwrap_or("");
    if alg != "dir" {
        return reject(
            "JOSEAlgNotAllowed",
            "\"alg\" (Algorithm) Header Parameter value not allowed",
        );
    }
    if enc != "A256CBC-HS512" && enc != "A256GCM" {
        return reject(
            "JOSEAlgNotAllowed",
            "\"enc\" (Encryption Algorithm) Header Parameter value not allowed",
        );
    }
    let Key::Secret(secret) = call.key else {
        return reject("Error", "no matching decryption secret");
    };
    let salt = call.salt.unwrap_or(DEFAULT_SALT);
    let Some(key) = jwe::key_for(Flavor::AuthJsV5, enc, secret, salt) else {
        return reject("Error", "Unsupported JWT Content Encryption Algorithm");
    };
    if let Some(kid) = e.header.get("kid").and_then(Value::as_str)
        && kid != jwe::thumbprint(&key)
    {
        return reject("Error", "no matching decryption secret");
    }
    if !e.encrypted_key.is_empty() {
        return reject("JWEInvalid", "Encountered unexpected JWE Encrypted Key");
    }
    let Some(plain) = jwe::decrypt(&e, &key) else {
        return reject("JWEDecryptionFailed", "decryption operation failed");
    };
    let Some(claims) = serde_json::from_slice::<Value>(&plain)
        .ok()
        .and_then(|v| v.as_object().cloned())
    else {
        return reject("JWTInvalid", "JWT Claims Set must be a top-level JSON object");
    };
    super::jose::claims_set(&claims, None, None, CLOCK_TOLERANCE, now)
}
