//! `--key` files: PEM public keys and certificates (RSA, EC, Ed25519), JWK or JWKS; and the SEC1 →
//! PKCS#8 conversion of EC private keys `jwt sign` uses.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = authdoctor::jwt::keys::from_bytes(data, "key");
    let mut pem = b"-----BEGIN PUBLIC KEY-----\n".to_vec();
    pem.extend_from_slice(data);
    pem.extend_from_slice(b"\n-----END PUBLIC KEY-----\n");
    let _ = authdoctor::jwt::keys::from_bytes(&pem, "key");
    for alg in [jsonwebtoken::Algorithm::ES256, jsonwebtoken::Algorithm::ES384] {
        let _ = authdoctor::jwt::keys::sec1_to_pkcs8(data, alg);
    }
});
