//! Property tests (issue 17, "Must show"): every parser of user or network input never panics on
//! any input and stays within its bounds. The same entry points are fuzzed by `fuzz/` (cargo fuzz,
//! nightly); these run in the normal suite, a few hundred cases each, in well under a second.

use authdoctor::dotenv::{Env, Loader, Options};
use authdoctor::source::configjs;
use proptest::prelude::*;
use std::path::Path;

/// Longest value an expansion may produce (authdoctor::dotenv's Budget::MAX_VALUE, 256 KiB).
const MAX_VALUE: usize = 256 << 10;

/// Text built from what trips parsers up: quotes, escapes, `$ { } [ ] : -`, line ends (LF, CR,
/// U+2028), multibyte characters and a few letters.
fn tricky() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("$"),
            Just("${"),
            Just("}"),
            Just("{"),
            Just("["),
            Just("]"),
            Just(":-"),
            Just("-"),
            Just("="),
            Just("\""),
            Just("'"),
            Just("`"),
            Just("\\"),
            Just("#"),
            Just("."),
            Just(","),
            Just(":"),
            Just(" "),
            Just("\t"),
            Just("\n"),
            Just("\r"),
            Just("\u{2028}"),
            Just("é"),
            Just("\u{1F600}"),
            Just("\u{feff}"),
            Just("A"),
            Just("K"),
            Just("x"),
            Just("0"),
            Just("eyJ"),
            Just("export "),
            Just("window.C = "),
            Just("-----BEGIN PUBLIC KEY-----"),
            Just("\"kty\":"),
            Just("/*"),
            Just("*/"),
            Just("//"),
            Just("null"),
            Just("1e999"),
            Just("9223372036854775808"),
        ],
        0..80,
    )
    .prop_map(|v| v.concat())
}

fn env() -> Env {
    [("HOME", "/h"), ("A", "a")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn source_specs(s in tricky()) {
        let _ = authdoctor::source::Spec::parse(&s);
        let _ = authdoctor::source::Spec::parse(&format!("env:{s}"));
        let _ = authdoctor::source::Spec::parse(&format!("configjs:https://x/{s}#{s}"));
    }

    /// Every loader, with expansion: no panic, and no value past the expansion bound.
    #[test]
    fn env_loaders(s in tricky(), interpolate in any::<bool>()) {
        let bytes = s.as_bytes();
        for loader in Loader::ALL {
            let p = loader.parse(bytes, &env(), &Options { interpolate });
            prop_assert!(p.entries.iter().all(|e| e.value.len() <= MAX_VALUE + bytes.len()), "{loader:?}");
        }
    }

    #[test]
    fn tokens(s in tricky(), t in any::<i64>()) {
        if let Ok(i) = authdoctor::jwt::intake(&s) {
            let _ = authdoctor::jwt::parse(&i.token);
        }
        let _ = authdoctor::jwt::parse(&s);
        let _ = authdoctor::jwt::human_time(t, authdoctor::jwt::now());
        let _ = authdoctor::jwt::date(t);
        let _ = authdoctor::jwt::relative(t);
    }

    /// Claims of any shape in a well-formed token.
    #[test]
    fn token_claims(claims in tricky()) {
        use base64::Engine as _;
        let b = |x: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(x);
        let _ = authdoctor::jwt::parse(&format!("{}.{}.c2ln", b(r#"{"alg":"HS256"}"#), b(&claims)));
        let _ = authdoctor::jwt::parse(&format!("{}.{}.c2ln", b(&claims), b("{}")));
    }

    /// The config.js scanner: no panic, and nothing nested past the bound is parsed.
    #[test]
    fn config_js(s in tricky()) {
        let r = configjs::objects(&s);
        if configjs::nesting_depth(s.trim().as_bytes()) > configjs::MAX_NESTING {
            prop_assert!(r.is_err());
        }
    }

    #[test]
    fn config_js_deep(depth in 100usize..2000, open in prop_oneof![Just("["), Just("{a:"), Just("{\"a\":")]) {
        let close = if open == "[" { "]" } else { "}" };
        let s = format!("window.C = {{K: {}1{}}};", open.repeat(depth), close.repeat(depth));
        let r = configjs::objects(&s);
        prop_assert_eq!(r.is_err(), depth + 1 > configjs::MAX_NESTING);
    }

    #[test]
    fn fly_lists(s in tricky()) {
        let _ = authdoctor::source::parse_fly_list(&s);
        let _ = authdoctor::source::parse_fly_list(&format!("[{{\"name\":\"{s}\",\"digest\":\"{s}\"}}]"));
        let _ = authdoctor::source::parse_fly_list(&format!("NAME DIGEST STATUS\n{s}"));
    }

    #[test]
    fn authdoctor_toml(s in tricky()) {
        let _ = authdoctor::config::parse(&s, Path::new("authdoctor.toml"));
        let _ = authdoctor::config::parse(&format!("[[secret]]\nname = \"{s}\"\nsources = [\"{s}\"]\n"), Path::new("a"));
    }

    #[test]
    fn jwks_and_keys(s in tricky()) {
        let _ = authdoctor::jwt::keys::from_json(&s, "jwks");
        let _ = authdoctor::jwt::keys::from_json(&format!("{{\"keys\":[{{\"kty\":\"{s}\",\"n\":\"{s}\",\"e\":\"AQAB\",\"k\":\"{s}\"}}]}}"), "jwks");
        let _ = authdoctor::jwt::keys::oct_secrets(&s);
        let _ = authdoctor::jwt::keys::from_bytes(s.as_bytes(), "key");
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{s}\n-----END PUBLIC KEY-----\n");
        let _ = authdoctor::jwt::keys::from_bytes(pem.as_bytes(), "key");
    }
}
