//! Source specs (`[LABEL=]SCHEME:REST#KEY?opt=v`): any text parses or is refused, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = authdoctor::source::Spec::parse(&text);
});
