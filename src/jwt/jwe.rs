//! Decrypting Auth.js (v5) and NextAuth (v4) session cookies: `dir` JWEs whose key is derived from
//! the app's secret with HKDF-SHA256.
//! - Auth.js v5 (@auth/core): `A256CBC-HS512`, key = HKDF(secret, salt = cookie name,
//!   info = "Auth.js Generated Encryption Key (<salt>)", 64 bytes); the header's `kid` is the RFC 7638
//!   SHA-512 thumbprint of that key, which picks the right one among rotated secrets.
//! - NextAuth v4 (next-auth/jwt): `A256GCM`, key = HKDF(secret, salt = "",
//!   info = "NextAuth.js Generated Encryption Key", 32 bytes).

use super::Jwe;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

/// The Auth.js cookie names, and so the salts, tried when none is known.
pub const AUTHJS_SALTS: [&str; 2] = ["authjs.session-token", "__Secure-authjs.session-token"];

/// Cookie names (Auth.js salts) an app may use besides `given`: the Auth.js defaults, and each
/// given name with and without the production `__Secure-` prefix.
pub fn other_salts(given: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if !given.contains(&s) && !out.contains(&s) {
            out.push(s);
        }
    };
    for g in given {
        match g.strip_prefix("__Secure-") {
            Some(plain) => add(plain.to_string()),
            None => add(format!("__Secure-{g}")),
        }
    }
    for s in AUTHJS_SALTS {
        add(s.to_string());
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    AuthJsV5,
    NextAuthV4,
}

impl Flavor {
    pub fn name(self) -> &'static str {
        match self {
            Flavor::AuthJsV5 => "Auth.js v5 (@auth/core)",
            Flavor::NextAuthV4 => "NextAuth v4",
        }
    }
}

fn derive(secret: &[u8], salt: &str, info: &str, len: usize) -> Zeroizing<Vec<u8>> {
    let mut okm = Zeroizing::new(vec![0u8; len]);
    let hk = hkdf::Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret);
    // Lengths here (32, 64) are far below HKDF's limit of 255 × 32 bytes.
    let _ = hk.expand(info.as_bytes(), &mut okm);
    okm
}

/// The key a library derives for `enc`, `salt` and `flavor`.
pub fn key_for(flavor: Flavor, enc: &str, secret: &[u8], salt: &str) -> Option<Zeroizing<Vec<u8>>> {
    let len = match enc {
        "A256CBC-HS512" => 64,
        "A256GCM" => 32,
        _ => return None,
    };
    Some(match flavor {
        Flavor::AuthJsV5 => derive(secret, salt, &format!("Auth.js Generated Encryption Key ({salt})"), len),
        Flavor::NextAuthV4 => {
            let info = if salt.is_empty() {
                "NextAuth.js Generated Encryption Key".to_string()
            } else {
                format!("NextAuth.js Generated Encryption Key ({salt})")
            };
            derive(secret, salt, &info, len)
        }
    })
}

/// RFC 7638 thumbprint of an `oct` key as jose computes it (SHA-512 for a 64-byte key, else by size).
pub fn thumbprint(key: &[u8]) -> String {
    let jwk = format!("{{\"k\":\"{}\",\"kty\":\"oct\"}}", URL_SAFE_NO_PAD.encode(key));
    match key.len() * 8 {
        512 => URL_SAFE_NO_PAD.encode(Sha512::digest(jwk.as_bytes())),
        384 => URL_SAFE_NO_PAD.encode(sha2::Sha384::digest(jwk.as_bytes())),
        _ => URL_SAFE_NO_PAD.encode(Sha256::digest(jwk.as_bytes())),
    }
}

/// Decrypt with a content key; None when the key is wrong (authentication fails).
pub fn decrypt(jwe: &Jwe, key: &[u8]) -> Option<Vec<u8>> {
    let enc = jwe.header.get("enc").and_then(|v| v.as_str())?;
    let aad = jwe.protected.as_bytes();
    match enc {
        "A256CBC-HS512" => {
            if key.len() != 64 || jwe.iv.len() != 16 || jwe.tag.len() != 32 {
                return None;
            }
            let (mac_key, enc_key) = key.split_at(32);
            let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(mac_key).ok()?;
            mac.update(aad);
            mac.update(&jwe.iv);
            mac.update(&jwe.ciphertext);
            mac.update(&((aad.len() as u64) * 8).to_be_bytes());
            let full = mac.finalize().into_bytes();
            // Constant-time comparison of the truncated tag.
            let diff = full[..32].iter().zip(&jwe.tag).fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if diff != 0 {
                return None;
            }
            let mut buf = jwe.ciphertext.clone();
            let pt = cbc::Decryptor::<aes::Aes256>::new_from_slices(enc_key, &jwe.iv)
                .ok()?
                .decrypt_padded::<Pkcs7>(&mut buf)
                .ok()?;
            Some(pt.to_vec())
        }
        "A256GCM" => {
            if key.len() != 32 || jwe.iv.len() != 12 {
                return None;
            }
            let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).ok()?;
            let mut msg = jwe.ciphertext.clone();
            msg.extend_from_slice(&jwe.tag);
            let nonce = aes_gcm::Nonce::try_from(jwe.iv.as_slice()).ok()?;
            cipher.decrypt(&nonce, Payload { msg: &msg, aad }).ok()
        }
        _ => None,
    }
}

/// A session cookie value holding `claims`, as Auth.js v5 (@auth/core 0.41 `encode()`, jose
/// `EncryptJWT`: `{"alg":"dir","enc":"A256CBC-HS512","kid":THUMBPRINT}`) or NextAuth v4
/// (next-auth 4.24 `encode()`: `{"alg":"dir","enc":"A256GCM"}`) make it for `secret` and `salt` (the
/// cookie name; empty for v4): five base64url parts, the encrypted-key part empty. Errors: the
/// operating system's random generator failed.
pub fn encrypt(flavor: Flavor, secret: &[u8], salt: &str, claims: &serde_json::Value) -> Result<String, String> {
    let plaintext = claims.to_string();
    let (enc, iv_len) = match flavor {
        Flavor::AuthJsV5 => ("A256CBC-HS512", 16),
        Flavor::NextAuthV4 => ("A256GCM", 12),
    };
    let key = key_for(flavor, enc, secret, salt).ok_or("no key for this encryption")?;
    let header = match flavor {
        Flavor::AuthJsV5 => serde_json::json!({"alg": "dir", "enc": enc, "kid": thumbprint(&key)}),
        Flavor::NextAuthV4 => serde_json::json!({"alg": "dir", "enc": enc}),
    };
    let protected = URL_SAFE_NO_PAD.encode(header.to_string());
    let aad = protected.as_bytes();
    let mut iv = vec![0u8; iv_len];
    getrandom::fill(&mut iv).map_err(|e| format!("no random bytes from the operating system: {e}"))?;
    let (ciphertext, tag) = match flavor {
        Flavor::AuthJsV5 => {
            let (mac_key, enc_key) = key.split_at(32);
            let msg = plaintext.as_bytes();
            // PKCS#7 adds 1 to 16 bytes.
            let mut buf = vec![0u8; msg.len() + 16];
            buf[..msg.len()].copy_from_slice(msg);
            let ct = cbc::Encryptor::<aes::Aes256>::new_from_slices(enc_key, &iv)
                .map_err(|e| e.to_string())?
                .encrypt_padded::<Pkcs7>(&mut buf, msg.len())
                .map_err(|e| e.to_string())?
                .to_vec();
            let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(mac_key).map_err(|e| e.to_string())?;
            mac.update(aad);
            mac.update(&iv);
            mac.update(&ct);
            mac.update(&((aad.len() as u64) * 8).to_be_bytes());
            let tag = mac.finalize().into_bytes()[..32].to_vec();
            (ct, tag)
        }
        Flavor::NextAuthV4 => {
            let cipher = aes_gcm::Aes256Gcm::new_from_slice(&key).map_err(|e| e.to_string())?;
            let nonce = aes_gcm::Nonce::try_from(iv.as_slice()).map_err(|e| e.to_string())?;
            let mut sealed = cipher
                .encrypt(
                    &nonce,
                    Payload {
                        msg: plaintext.as_bytes(),
                        aad,
                    },
                )
                .map_err(|e| e.to_string())?;
            let tag = sealed.split_off(sealed.len() - 16);
            (sealed, tag)
        }
    };
    Ok(format!(
        "{protected}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(&iv),
        URL_SAFE_NO_PAD.encode(&ciphertext),
        URL_SAFE_NO_PAD.encode(&tag)
    ))
}

/// Which candidate, salt and library opened the cookie.
#[derive(Debug)]
pub struct Opened {
    pub candidate: usize,
    pub flavor: Flavor,
    pub salt: String,
    pub claims: serde_json::Value,
}

/// Try every candidate secret with every plausible salt, the `kid` thumbprint first ruling out keys.
pub fn open(jwe: &Jwe, candidates: &[&[u8]], salts: &[String]) -> Result<Opened, String> {
    let alg = jwe.header.get("alg").and_then(|v| v.as_str()).unwrap_or("");
    let enc = jwe.header.get("enc").and_then(|v| v.as_str()).unwrap_or("");
    if alg != "dir" {
        return Err(format!(
            "alg {alg:?}: only `dir` (a key derived from the secret, as Auth.js and NextAuth use) can be opened here"
        ));
    }
    if enc != "A256CBC-HS512" && enc != "A256GCM" {
        return Err(format!(
            "enc {enc:?} is neither A256CBC-HS512 (Auth.js v5) nor A256GCM (NextAuth v4)"
        ));
    }
    let kid = jwe.header.get("kid").and_then(|v| v.as_str());
    let mut tries: Vec<(Flavor, String)> = salts.iter().map(|s| (Flavor::AuthJsV5, s.clone())).collect();
    if enc == "A256GCM" {
        tries.push((Flavor::NextAuthV4, String::new()));
    }
    for (i, secret) in candidates.iter().enumerate() {
        for (flavor, salt) in &tries {
            let Some(key) = key_for(*flavor, enc, secret, salt) else {
                continue;
            };
            if let Some(k) = kid
                && thumbprint(&key) != k
            {
                continue;
            }
            if let Some(pt) = decrypt(jwe, &key) {
                let claims =
                    serde_json::from_slice(&pt).map_err(|e| format!("decrypted, but the payload is not JSON: {e}"))?;
                return Ok(Opened {
                    candidate: i,
                    flavor: *flavor,
                    salt: salt.clone(),
                    claims,
                });
            }
        }
    }
    let tried: Vec<String> = tries
        .iter()
        .map(|(f, s)| {
            if s.is_empty() {
                f.name().to_string()
            } else {
                format!("{} salt {s}", f.name())
            }
        })
        .collect();
    Err(format!(
        "none of {} candidate secret(s) decrypts it (tried {})",
        candidates.len(),
        tried.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded() -> serde_json::Value {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tokens/authjs.json");
        serde_json::from_str(&std::fs::read_to_string(p).expect("recording")).expect("json")
    }

    /// Every cookie @auth/core and next-auth@4 made opens with its secret, and not with another.
    #[test]
    fn opens_what_the_libraries_made() {
        let rec = recorded();
        for t in rec["tokens"].as_array().expect("tokens") {
            let Ok(super::super::Token::Jwe(jwe)) = super::super::parse(t["token"].as_str().unwrap_or_default()) else {
                panic!("{}", t["name"])
            };
            let secrets: Vec<Vec<u8>> = t["secrets"]
                .as_array()
                .expect("secrets")
                .iter()
                .map(|s| s.as_str().unwrap_or_default().as_bytes().to_vec())
                .collect();
            let refs: Vec<&[u8]> = secrets.iter().map(Vec::as_slice).collect();
            let salts: Vec<String> = AUTHJS_SALTS.iter().map(|s| s.to_string()).collect();
            let o = open(&jwe, &refs, &salts).unwrap_or_else(|e| panic!("{}: {e}", t["name"]));
            assert_eq!(o.claims["userId"], "3f2b8c1e", "{}", t["name"]);
            if let Some(signer) = t["signer"].as_str() {
                assert_eq!(
                    secrets[o.candidate],
                    signer.as_bytes(),
                    "the kid picked the rotated secret"
                );
            }
            assert!(open(&jwe, &[b"wrong-secret-0123456789abcdef0123456789".as_slice()], &salts).is_err());
        }
    }

    /// What `encrypt` mints opens again, with the same secret and salt only.
    #[test]
    fn encrypt_makes_what_open_reads() {
        let claims = serde_json::json!({"sub": "probe", "exp": 2_000_000_000});
        for (flavor, salt) in [(Flavor::AuthJsV5, "authjs.session-token"), (Flavor::NextAuthV4, "")] {
            let token = encrypt(flavor, b"0123456789abcdef0123456789abcdef", salt, &claims).expect("encrypt");
            let Ok(super::super::Token::Jwe(jwe)) = super::super::parse(&token) else {
                panic!("{token}")
            };
            let o = open(
                &jwe,
                &[b"0123456789abcdef0123456789abcdef".as_slice()],
                &[salt.to_string()],
            )
            .expect("open");
            assert_eq!((o.flavor, o.claims), (flavor, claims.clone()));
            assert!(
                open(
                    &jwe,
                    &[b"another secret, 32 bytes long....".as_slice()],
                    &[salt.to_string()]
                )
                .is_err()
            );
        }
    }
}
