//! Token intake (what a user pastes), compact JWS/JWE parsing, and claims of any shape in an
//! otherwise well-formed token; the time claims' rendering at any i64.
#![no_main]
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(i) = authdoctor::jwt::intake(&text) {
        let _ = authdoctor::jwt::parse(&i.token);
    }
    let _ = authdoctor::jwt::parse(&text);
    let b = |x: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(x);
    let _ = authdoctor::jwt::parse(&format!("{}.{}.c2ln", b(br#"{"alg":"HS256"}"#), b(data)));
    if data.len() >= 8 {
        let t = i64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
        let _ = authdoctor::jwt::human_time(t, authdoctor::jwt::now());
        let _ = authdoctor::jwt::date(t);
        let _ = authdoctor::jwt::relative(t);
    }
});
