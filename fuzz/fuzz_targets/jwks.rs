//! JWKS and single JWK documents (`--jwks`, an OIDC provider's `jwks_uri`), and the oct secrets
//! `jwt verify` takes from them.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = authdoctor::jwt::keys::from_json(&text, "jwks");
    let _ = authdoctor::jwt::keys::oct_secrets(&text);
});
