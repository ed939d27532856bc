//! authdoctor.toml: a config or a usage error naming the line, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = authdoctor::config::parse(&String::from_utf8_lossy(data), std::path::Path::new("authdoctor.toml"));
});
