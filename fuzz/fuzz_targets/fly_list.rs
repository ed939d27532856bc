//! `fly secrets list` output, JSON or table (fly-json: files and flyctl's stdout).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = authdoctor::source::parse_fly_list(&String::from_utf8_lossy(data));
});
