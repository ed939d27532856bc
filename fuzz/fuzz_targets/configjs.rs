//! The config.js scanner: never a panic, and nothing nested past `MAX_NESTING` is parsed.
#![no_main]
use authdoctor::source::configjs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let r = configjs::objects(&text);
    if configjs::nesting_depth(text.trim().as_bytes()) > configjs::MAX_NESTING {
        assert!(r.is_err());
    }
});
