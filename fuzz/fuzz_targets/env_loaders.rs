//! Every `.env` loader emulation, with and without expansion: never a panic, and no value past the
//! expansion bound (256 KiB plus the file's own size).
#![no_main]
use authdoctor::dotenv::{Env, Loader, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let env: Env = [("HOME", "/h"), ("A", "a")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for interpolate in [true, false] {
        for loader in Loader::ALL {
            let p = loader.parse(data, &env, &Options { interpolate });
            assert!(p.entries.iter().all(|e| e.value.len() <= (256 << 10) + data.len()));
        }
    }
});
