//! Every AD1xx/AD2xx code, through the CLI: a case that produces it and a near miss that must not.

use crate::common::*;
use base64::Engine as _;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    format!("{name}=file:{}", p.display())
}

fn k() -> Vec<u8> {
    KNOWN.as_bytes().to_vec()
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// (code, bytes for a, bytes for b that produce it, bytes for b that must not)
type CompareCase = (&'static str, Vec<u8>, Vec<u8>, Vec<u8>);

fn compare_cases() -> Vec<CompareCase> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(KNOWN).into_bytes();
    let mut zw = k();
    zw.splice(10..10, "\u{200b}".bytes());
    let mut x = k();
    x.splice(10..10, *b"x");
    let other = b"Yq8Fm3Kd7Lp2Wz6Nc1Vb5Hs9Tg4Jr0Xa3Eu8Io2Ok6Mn1Bv5Cx9Zl4Qp7Dw0Ry3S".to_vec();
    vec![
        ("AD100", k(), k(), cat(&[&k(), b"\n"])),
        ("AD101", k(), other.clone(), cat(&[&k(), b"\n"])),
        ("AD102", k(), cat(&[&k(), b"\n"]), cat(&[b" ", &k()])),
        ("AD102", k(), cat(&[&k(), b"\r\n"]), k()),
        ("AD103", k(), cat(&[b"\"", &k(), b"\""]), cat(&[b"'", &k(), b"\""])),
        ("AD104", k(), b64.clone(), cat(&[&b64, b"xyz"])),
        ("AD105", k(), k()[..40].to_vec(), cat(&[&k()[..40], b"!"])),
        ("AD106", k(), cat(&["\u{feff}".as_bytes(), &k()]), cat(&[b"?", &k()])),
        ("AD107", k(), zw, x.clone()),
        ("AD108", k(), k().to_ascii_uppercase(), other.to_ascii_uppercase()),
        ("AD109", k(), cat(&[b"  ", &k()]), cat(&[b"--", &k()])),
        (
            "AD110",
            b"l1-secret-part\nl2-secret-part".to_vec(),
            b"l1-secret-part\r\nl2-secret-part".to_vec(),
            b"l1-secret-part\n\nl2-secret-part".to_vec(),
        ),
    ]
}

fn inspect_cases() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let jwt =
        b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            .to_vec();
    vec![
        ("AD201", k()[..31].to_vec(), k()[..32].to_vec()),
        ("AD202", b"your-secret-here".to_vec(), k()),
        ("AD203", cat(&[&k(), b"\n"]), k()),
        (
            "AD204",
            cat(&[&k()[..10], b"\x1b", &k()[10..]]),
            b"-----BEGIN KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END KEY-----".to_vec(),
        ),
        ("AD205", cat(&[&k(), "é".as_bytes()]), k()),
        ("AD206", cat(&[b"\"", &k(), b"\""]), cat(&[b"\"", &k()])),
        ("AD207", Vec::new(), b" ".to_vec()),
        ("AD208", cat(&[&k(), b"\xff"]), cat(&[&k(), "ÿ".as_bytes()])),
        (
            "AD209",
            b"${AUTH_SECRET}".to_vec(),
            b"$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy".to_vec(),
        ),
        ("AD210", jwt, b"a.b.c-but-not-a-token-0123456789abcdef".to_vec()),
        ("AD211", b"q3Jd7yX2cQe0lH8VnVt1xVx6F2mHf9lWm9dO0cQ5p1E=".to_vec(), k()),
    ]
}

#[test]
fn each_comparison_code_has_a_producer_and_a_near_miss() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, (code, a, yes, no)) in compare_cases().into_iter().enumerate() {
        let a = write(dir.path(), &format!("a{i}"), &a);
        let (_, v) = json(ad().args(["compare", &a, &write(dir.path(), &format!("yes{i}"), &yes)]));
        assert!(codes(&v).contains(&code.to_string()), "{code} not produced: {v}");
        let (_, v) = json(ad().args(["compare", &a, &write(dir.path(), &format!("no{i}"), &no)]));
        assert!(
            !codes(&v).contains(&code.to_string()),
            "{code} produced by its near miss: {v}"
        );
    }
}

#[test]
fn each_hygiene_code_has_a_producer_and_a_near_miss() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, (code, yes, no)) in inspect_cases().into_iter().enumerate() {
        let (_, v) = json(ad().args(["inspect", &write(dir.path(), &format!("yes{i}"), &yes)]));
        assert!(codes(&v).contains(&code.to_string()), "{code} not produced: {v}");
        let (_, v) = json(ad().args(["inspect", &write(dir.path(), &format!("no{i}"), &no)]));
        assert!(
            !codes(&v).contains(&code.to_string()),
            "{code} produced by its near miss: {v}"
        );
    }
}

#[test]
fn env_file_encoding_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.env");
    std::fs::write(&bad, b"A=caf\xe9\n").expect("write");
    let good = dir.path().join("good.env");
    std::fs::write(&good, "A=café\n").expect("write");
    let (_, v) = json(ad().args(["inspect", &format!("{}#A", bad.display())]));
    assert!(codes(&v).contains(&"AD302".to_string()), "{v}");
    let (_, v) = json(ad().args(["inspect", &format!("{}#A", good.display())]));
    assert!(!codes(&v).contains(&"AD302".to_string()), "{v}");
}

#[test]
fn every_emitted_code_is_in_the_catalog_with_an_explanation() {
    let r = run(ad().args(["explain", "all"]));
    let listed: Vec<&str> = r.stdout.lines().filter_map(|l| l.split_whitespace().next()).collect();
    for (code, ..) in compare_cases() {
        assert!(listed.contains(&code), "{code}");
    }
    for (code, ..) in inspect_cases() {
        assert!(listed.contains(&code), "{code}");
    }
    for code in listed {
        let r = run(ad().args(["explain", code]));
        assert_eq!(r.code, 0, "{code}");
        assert!(r.stdout.contains("Fix:"), "{code}");
    }
}
