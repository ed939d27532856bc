//! The dotenvy emulation against the real dotenvy 0.15 crate, on random files built from the
//! characters that trip loaders up: `$ # ' " \ = space tab CR LF` plus a few letters.

use authdoctor::dotenv::{dotenvy, process_env};
use proptest::prelude::*;

fn real(text: &str) -> (Vec<(String, String)>, bool) {
    real_bytes(text.as_bytes())
}

fn real_bytes(bytes: &[u8]) -> (Vec<(String, String)>, bool) {
    let mut out = Vec::new();
    for item in ::dotenvy::from_read_iter(bytes) {
        match item {
            Ok(kv) => out.push(kv),
            Err(_) => return (out, true),
        }
    }
    (out, false)
}

fn ours(text: &str) -> (Vec<(String, String)>, bool) {
    ours_bytes(text.as_bytes())
}

fn ours_bytes(bytes: &[u8]) -> (Vec<(String, String)>, bool) {
    let p = dotenvy::run(bytes, &process_env(), false);
    (
        p.entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect(),
        !p.errors.is_empty(),
    )
}

fn hazardous() -> impl Strategy<Value = String> {
    let ch = prop::sample::select(vec![
        '$', '#', '\'', '"', '\\', '=', ' ', '\t', '\r', '\n', 'K', 'a', 'b', 'n', '1', '{', '}', '_', '.',
    ]);
    prop::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect())
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(vec!["K", "Ka", "K1", "export K", " K", "K ", "b"]),
            hazardous(),
        )
            .prop_map(|(k, v)| format!("{k}={v}")),
        // Plain lines, which the emulation reads through a shortcut.
        "[A-Z_][A-Z0-9_]{0,5}=[a-z0-9_./:@%+,=-]{1,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_text_reads_as_the_real_crate_reads_it(text in hazardous()) {
        prop_assert_eq!(ours(&text), real(&text), "text: {:?}", text);
    }

    /// Bytes that are not UTF-8 (a Latin-1 `é`, a stray 0xFF) among the same hazards.
    #[test]
    fn random_bytes_read_as_the_real_crate_reads_them(
        lines in prop::collection::vec((line(), prop::sample::select(vec![&b""[..], b"\xe9", b"\xff", b"\xc3\xa9"])), 1..6)
    ) {
        let mut bytes = Vec::new();
        for (l, extra) in &lines {
            bytes.extend_from_slice(l.as_bytes());
            bytes.extend_from_slice(extra);
            bytes.push(b'\n');
        }
        prop_assert_eq!(ours_bytes(&bytes), real_bytes(&bytes), "bytes: {:?}", String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_assignments_read_as_the_real_crate_reads_them(lines in prop::collection::vec(line(), 1..6)) {
        let text = lines.join("\n");
        prop_assert_eq!(ours(&text), real(&text), "text: {:?}", text);
    }
}
