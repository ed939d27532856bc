//! Verification keys for asymmetric tokens: PEM public keys and certificates, JWKs, JWKS (file or
//! URL) matched by `kid`, and OIDC discovery (`{iss}/.well-known/openid-configuration`).

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};
use std::time::Duration;

/// One usable key and where it came from.
pub struct Key {
    pub label: String,
    pub kid: Option<String>,
    pub key: DecodingKey,
}

fn from_jwk(jwk: &Jwk, label: &str) -> Result<Key, String> {
    let key =
        DecodingKey::from_jwk(jwk).map_err(|e| format!("{label}: a JWK that is not a usable public key ({e})"))?;
    Ok(Key {
        label: label.to_string(),
        kid: jwk.common.key_id.clone(),
        key,
    })
}

/// Keys in a JSON document: a JWK, or a JWKS (`{"keys": [...]}`).
pub fn from_json(text: &str, label: &str) -> Result<Vec<Key>, String> {
    if let Ok(set) = serde_json::from_str::<JwkSet>(text) {
        let keys: Vec<Key> = set.keys.iter().filter_map(|k| from_jwk(k, label).ok()).collect();
        if keys.is_empty() && !set.keys.is_empty() {
            return Err(format!(
                "{label}: none of its {} keys is a usable public key",
                set.keys.len()
            ));
        }
        return Ok(keys);
    }
    let jwk: Jwk = serde_json::from_str(text).map_err(|e| format!("{label}: neither a JWK nor a JWKS ({e})"))?;
    Ok(vec![from_jwk(&jwk, label)?])
}

/// The symmetric (`kty: "oct"`) keys of a JWK or JWKS document: (`kid`, the bytes of `k`). A
/// backend that loads such a JWK uses those bytes as its HMAC secret.
pub fn oct_secrets(text: &str) -> Vec<(Option<String>, Vec<u8>)> {
    use base64::Engine as _;
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let one = [v.clone()];
    let all = v.get("keys").and_then(|k| k.as_array()).map_or(&one[..], Vec::as_slice);
    all.iter()
        .filter(|k| k.get("kty").and_then(|t| t.as_str()) == Some("oct"))
        .filter_map(|k| {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k.get("k")?.as_str()?.trim_end_matches('='))
                .ok()?;
            let kid = k.get("kid").and_then(|x| x.as_str()).map(str::to_string);
            Some((kid, bytes))
        })
        .collect()
}

/// `--key FILE`: a PEM public key or certificate (RSA, EC, Ed25519), or a JWK/JWKS.
pub fn from_file(path: &str) -> Result<Vec<Key>, String> {
    let bytes = crate::source::read_regular(std::path::Path::new(path)).map_err(|e| format!("{path}: {e}"))?;
    from_bytes(&bytes, path)
}

/// A key file's bytes (PEM public key or certificate, JWK or JWKS); `path` names it in messages.
/// Never panics (fuzzed in `fuzz/`).
pub fn from_bytes(bytes: &[u8], path: &str) -> Result<Vec<Key>, String> {
    let text = String::from_utf8_lossy(bytes);
    if text.trim_start().starts_with("-----BEGIN") {
        if text.contains("PRIVATE KEY") {
            return Err(format!(
                "{path}: a private key; verification takes the public key (`openssl pkey -in {path} -pubout`)"
            ));
        }
        for make in [
            DecodingKey::from_rsa_pem,
            DecodingKey::from_ec_pem,
            DecodingKey::from_ed_pem,
        ] {
            if let Ok(key) = make(bytes) {
                return Ok(vec![Key {
                    label: path.to_string(),
                    kid: None,
                    key,
                }]);
            }
        }
        return Err(format!(
            "{path}: a PEM block that is no RSA, EC or Ed25519 public key or certificate"
        ));
    }
    from_json(&text, path)
}

/// One GET of a JWKS or discovery document, shared by every caller in the process (one run): the
/// first caller starts it, later callers (the other `[[token]]` checks of a `check`) await the same
/// fetch and get its result, success or error, so five checks naming one URL that never answers
/// cost one `timeout`, not five. The whole fetch (connect, headers, body) is bounded by `timeout`.
async fn get_text(url: &str, timeout: Duration) -> Result<String, String> {
    use futures_util::FutureExt;
    use futures_util::future::{BoxFuture, Shared};
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Fetch = Shared<BoxFuture<'static, Result<String, String>>>;
    static FETCHES: OnceLock<Mutex<HashMap<String, Fetch>>> = OnceLock::new();
    let fetch = {
        let mut map = FETCHES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.entry(url.to_string())
            .or_insert_with(|| {
                let url = url.to_string();
                async move {
                    match tokio::time::timeout(timeout, crate::source::configjs::get(&url, timeout)).await {
                        Ok(Ok(doc)) => Ok(doc.text.clone()),
                        Ok(Err(e)) => Err(e.message),
                        Err(_) => Err(format!("{url}: no answer within {} s", timeout.as_secs_f64())),
                    }
                }
                .boxed()
                .shared()
            })
            .clone()
    };
    fetch.await
}

/// `--jwks URL|FILE`.
pub async fn jwks(location: &str, timeout: Duration) -> Result<Vec<Key>, String> {
    if crate::source::configjs::is_url(location) {
        let text = get_text(location, timeout).await?;
        from_json(&text, location)
    } else {
        let text = crate::source::read_regular_string(std::path::Path::new(location))
            .map_err(|e| format!("{location}: {e}"))?;
        from_json(&text, location)
    }
}

/// `--discover`: the issuer's OpenID configuration, then its `jwks_uri`.
pub async fn discover(issuer: &str, timeout: Duration) -> Result<(String, Vec<Key>), String> {
    if !crate::source::configjs::is_url(issuer) {
        return Err(format!(
            "the token's issuer {issuer:?} is not an https URL, so there is nothing to discover; give --jwks"
        ));
    }
    let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    let text = get_text(&url, timeout).await?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{url}: not JSON ({e})"))?;
    let jwks_uri = doc
        .get("jwks_uri")
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("{url}: no jwks_uri"))?
        .to_string();
    let keys = jwks(&jwks_uri, timeout).await?;
    Ok((jwks_uri, keys))
}

/// Keys that may have signed a token with this `kid` and `alg`.
pub fn select<'a>(keys: &'a [Key], kid: Option<&str>, alg: Algorithm) -> Vec<&'a Key> {
    keys.iter()
        .filter(|k| k.key.family() == alg.family())
        .filter(|k| match (kid, &k.kid) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        })
        .collect()
}

/// A SEC1 `EC PRIVATE KEY` PEM (what `openssl ecparam -genkey` writes) as the PKCS#8 PEM
/// jsonwebtoken takes, for ES256 (P-256) or ES384 (P-384); `Ok(None)` for any other PEM (left
/// as it is). Errors: the SEC1 key is not of the algorithm's curve, or does not parse.
pub fn sec1_to_pkcs8(pem: &[u8], alg: jsonwebtoken::Algorithm) -> Result<Option<Vec<u8>>, String> {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    let Ok(text) = std::str::from_utf8(pem) else {
        return Ok(None);
    };
    if !text.contains("-----BEGIN EC PRIVATE KEY-----") {
        return Ok(None);
    }
    let doc = match alg {
        jsonwebtoken::Algorithm::ES256 => p256::SecretKey::from_sec1_pem(text)
            .map_err(|_| "an EC PRIVATE KEY that is not a P-256 key (ES256 needs P-256: `openssl ecparam -name prime256v1 -genkey`)".to_string())?
            .to_pkcs8_pem(LineEnding::LF),
        jsonwebtoken::Algorithm::ES384 => p384::SecretKey::from_sec1_pem(text)
            .map_err(|_| "an EC PRIVATE KEY that is not a P-384 key (ES384 needs P-384: `openssl ecparam -name secp384r1 -genkey`)".to_string())?
            .to_pkcs8_pem(LineEnding::LF),
        _ => return Ok(None),
    };
    doc.map(|d| Some(d.as_bytes().to_vec()))
        .map_err(|e| format!("could not convert the EC key to PKCS#8: {e}"))
}
