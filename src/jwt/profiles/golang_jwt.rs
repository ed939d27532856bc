//! golang-jwt/jwt v5 (`parser.go`, `validator.go`, `errors.go`, `hmac.go`, `rsa.go`, `none.go`),
//! derived from its source: Debian packages no v5 and no Go toolchain recording was possible here,
//! so this profile is not replayed against a recording (see tests below and
//! tests/fixtures/tokens/README.md). The call is `jwt.Parse(token, keyFunc returning
//! []byte(secret), jwt.WithValidMethods(algorithms), jwt.WithAudience(aud), jwt.WithIssuer(iss))`:
//! 0 s leeway, `exp` expired when `now >= exp`, `iat` not checked (only with WithIssuedAt), `aud`
//! and `iss` checked only when expected, any algorithm without WithValidMethods (the key type then
//! decides: HMAC needs []byte, RSA an *rsa.PublicKey).

use super::{Call, Key, Verdict, aud_list, b64, hmac_alg, hmac_ok, reject};
use serde_json::Value;

pub const LIBRARY: &str = "golang-jwt/jwt v5 (from source)";
pub const CALL: &str =
    "jwt.Parse(token, keyFunc, jwt.WithValidMethods(algorithms), jwt.WithAudience(aud), jwt.WithIssuer(iss))";

const MALFORMED: &str = "token is malformed";

pub fn verify(token: &str, call: &Call<'_>, now: i64) -> Verdict {
    let parts: Vec<&str> = token.split('.').collect();
    let [head, payload, signature] = parts[..] else {
        return reject(
            "ErrTokenMalformed",
            format!("{MALFORMED}: token contains an invalid number of segments"),
        );
    };
    let Some(header) = b64(head) else {
        return reject(
            "ErrTokenMalformed",
            format!("{MALFORMED}: could not base64 decode header"),
        );
    };
    let Ok(header) = serde_json::from_slice::<Value>(&header) else {
        return reject(
            "ErrTokenMalformed",
            format!("{MALFORMED}: could not JSON decode header"),
        );
    };
    let Some(claims) = b64(payload) else {
        return reject(
            "ErrTokenMalformed",
            format!("{MALFORMED}: could not base64 decode claim"),
        );
    };
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(&claims) else {
        return reject("ErrTokenMalformed", format!("{MALFORMED}: could not JSON decode claim"));
    };
    let Some(alg) = header.get("alg").and_then(Value::as_str) else {
        return reject(
            "ErrTokenUnverifiable",
            "token is unverifiable: signing method (alg) is unspecified",
        );
    };
    let known = hmac_alg(alg).is_some() || super::asymmetric_alg(alg) || alg == "none";
    if !known || alg == "Ed25519" {
        return reject(
            "ErrTokenUnverifiable",
            "token is unverifiable: signing method (alg) is unavailable",
        );
    }
    if call.algorithms.is_some_and(|list| !list.iter().any(|a| a == alg)) {
        return reject(
            "ErrTokenSignatureInvalid",
            format!("token signature is invalid: signing method {alg} is invalid"),
        );
    }
    if b64(signature).is_none() {
        return reject(
            "ErrTokenMalformed",
            format!("{MALFORMED}: could not base64 decode signature"),
        );
    }
    const INVALID: &str = "token signature is invalid";
    let signing_input = format!("{head}.{payload}");
    match (alg, call.key) {
        // none.go: only the UnsafeAllowNoneSignatureType constant verifies `none`.
        ("none", _) => {
            return reject(
                "ErrTokenSignatureInvalid",
                format!("{INVALID}: token is unverifiable: 'none' signature type is not allowed"),
            );
        }
        (a, Key::Secret(s)) if hmac_alg(a).is_some() => {
            if !hmac_ok(a, s, &signing_input, signature) {
                return reject("ErrTokenSignatureInvalid", format!("{INVALID}: signature is invalid"));
            }
        }
        (a, Key::Public { .. }) if hmac_alg(a).is_some() => {
            return reject(
                "ErrTokenSignatureInvalid",
                format!("{INVALID}: key is of invalid type: HMAC verify expects []byte"),
            );
        }
        (a, Key::Secret(_)) => {
            let expects = match a.get(..2) {
                Some("RS") => "RSA verify expects *rsa.PublicKey",
                Some("PS") => "RSA-PSS verify expects *rsa.PublicKey",
                Some("ES") => "ECDSA verify expects *ecdsa.PublicKey",
                _ => "ed25519 verify expects ed25519.PublicKey",
            };
            return reject(
                "ErrTokenSignatureInvalid",
                format!("{INVALID}: key is of invalid type: {expects}"),
            );
        }
        (_, Key::Public { verifies }) => {
            if !verifies {
                return reject("ErrTokenSignatureInvalid", format!("{INVALID}: signature is invalid"));
            }
        }
    }
    // validator.Validate collects every failure (errors.Join: one per line).
    let mut errs: Vec<String> = Vec::new();
    let mut time = |key: &str, bad: &dyn Fn(f64) -> bool, what: &str| match claims.get(key) {
        None | Some(Value::Null) => {}
        Some(v) => match v.as_f64() {
            Some(t) if bad(t) => errs.push(what.to_string()),
            Some(_) => {}
            None => errs.push(format!("invalid type for claim: {key} is invalid")),
        },
    };
    let n = now as f64;
    time("exp", &|exp| n >= exp, "token is expired");
    time("nbf", &|nbf| n < nbf, "token is not valid yet");
    if let Some(want) = call.audience {
        match claims.get("aud").map(aud_list) {
            Some(None) => errs.push("invalid type for claim: aud is invalid".into()),
            Some(Some(list)) if !(list.is_empty() || list == [""]) => {
                if !list.contains(&want) {
                    errs.push("token has invalid audience".into());
                }
            }
            _ => errs.push("token is missing required claim: aud claim is required".into()),
        }
    }
    if let Some(want) = call.issuer {
        match claims.get("iss") {
            None | Some(Value::Null) => errs.push("token is missing required claim: iss claim is required".into()),
            Some(Value::String(s)) if s.is_empty() => {
                errs.push("token is missing required claim: iss claim is required".into())
            }
            Some(Value::String(s)) if s != want => errs.push("token has invalid issuer".into()),
            Some(Value::String(_)) => {}
            Some(_) => errs.push("invalid type for claim: iss is invalid".into()),
        }
    }
    if errs.is_empty() {
        Verdict::accept()
    } else {
        reject(
            "ErrTokenInvalidClaims",
            format!("token has invalid claims: {}", errs.join("\n")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The corpus' verdicts as golang-jwt v5's source gives them (parser.go, validator.go).
    #[test]
    fn follows_the_v5_source() {
        use base64::Engine as _;
        let e = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let secret = b"Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE";
        let sign = |claims: Value| {
            let k = ::jsonwebtoken::EncodingKey::from_secret(secret);
            ::jsonwebtoken::encode(&::jsonwebtoken::Header::default(), &claims, &k).expect("signs")
        };
        let now = 1_767_225_600;
        let hs = vec!["HS256".to_string()];
        let call = |aud: Option<&'static str>| Call {
            key: Key::Secret(secret),
            algorithms: Some(&hs),
            audience: aud,
            issuer: None,
            salt: None,
        };
        let msg = |v: Verdict| match v {
            Verdict::Accept { .. } => "accept".to_string(),
            Verdict::Reject { message, .. } => message,
        };
        let c = call(None);
        assert_eq!(
            msg(verify(&sign(serde_json::json!({"exp": now - 30})), &c, now)),
            "token has invalid claims: token is expired"
        );
        assert_eq!(
            msg(verify(&sign(serde_json::json!({"exp": now})), &c, now)),
            "token has invalid claims: token is expired",
            "cmp.Before(exp) fails at exp"
        );
        assert_eq!(
            msg(verify(&sign(serde_json::json!({"nbf": now + 30})), &c, now)),
            "token has invalid claims: token is not valid yet"
        );
        assert_eq!(
            msg(verify(&sign(serde_json::json!({"iat": now + 30})), &c, now)),
            "accept",
            "iat only with WithIssuedAt"
        );
        assert_eq!(
            msg(verify(&sign(serde_json::json!({"aud": "api"})), &c, now)),
            "accept",
            "aud only when expected"
        );
        assert_eq!(
            msg(verify(&sign(serde_json::json!({"sub": "x"})), &call(Some("api")), now)),
            "token has invalid claims: token is missing required claim: aud claim is required"
        );
        let none = format!(
            "{}.{}.",
            e(&serde_json::json!({"alg": "none"})),
            e(&serde_json::json!({}))
        );
        assert_eq!(
            msg(verify(&none, &c, now)),
            "token signature is invalid: signing method none is invalid"
        );
        assert_eq!(
            msg(verify("a.b.c.d.e", &c, now)),
            "token is malformed: token contains an invalid number of segments"
        );
    }
}
