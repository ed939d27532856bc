//! Tokens: intake (Bearer, header lines, chunked cookies), parsing JWS and JWE compact forms with
//! exact reasons for malformed ones, and human times.

pub mod jwe;
pub mod keys;
pub mod profiles;
pub mod verify;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// Tokens past this size break common header limits (8 KB in nginx, many proxies).
pub const LARGE_TOKEN: usize = 8 * 1024;

#[derive(Debug, Clone)]
pub struct Jws {
    pub header: Value,
    pub claims: Value,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
    pub signature: String,
}

#[derive(Debug, Clone)]
pub struct Jwe {
    pub header: Value,
    pub protected: String,
    pub encrypted_key: Vec<u8>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub tag: Vec<u8>,
}

#[derive(Debug, Clone)]
pub enum Token {
    Jws(Jws),
    Jwe(Jwe),
}

const NAMES_JWS: [&str; 3] = ["header", "payload", "signature"];
const NAMES_JWE: [&str; 5] = ["header", "encrypted key", "IV", "ciphertext", "tag"];

/// Decode one base64url segment, or say exactly what is wrong with it.
fn segment(s: &str, n: usize, name: &str) -> Result<Vec<u8>, String> {
    let label = format!("segment {n} ({name})");
    if let Some(p) = s.find('=') {
        return Err(format!(
            "{label} has '=' padding at offset {p}; JWS/JWE segments are unpadded base64url (RFC 7515 §2)"
        ));
    }
    if let Some((p, c)) = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let what = match c {
            '+' | '/' => format!("'{c}', standard base64 rather than base64url"),
            ' ' | '\t' | '\n' | '\r' => "whitespace".to_string(),
            c if c.is_ascii_graphic() => format!("'{c}'"),
            _ => "a character that is not base64url".to_string(),
        };
        return Err(format!("{label} has {what} at offset {p}"));
    }
    if s.len() % 4 == 1 {
        return Err(format!(
            "{label} has an impossible base64url length ({}): the token is probably truncated",
            s.len()
        ));
    }
    URL_SAFE_NO_PAD.decode(s).map_err(|e| match e {
        base64::DecodeError::InvalidLastSymbol { .. } => {
            format!("{label} ends in characters that cannot end base64url: the token is probably truncated")
        }
        e => format!("{label} is not base64url: {e}"),
    })
}

fn json_segment(bytes: &[u8], n: usize, name: &str) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| {
        let hint = if e.is_eof() {
            ": it ends early, the token is probably truncated"
        } else {
            ""
        };
        format!(
            "segment {n} ({name}) is not JSON (line {}, column {}: {}){hint}",
            e.line(),
            e.column(),
            e
        )
    })
}

/// Parse a compact JWS (3 segments) or JWE (5 segments); Err is the exact reason for AD401.
pub fn parse(token: &str) -> Result<Token, String> {
    if token.is_empty() {
        return Err("the token is empty".into());
    }
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {
            let header_bytes = segment(parts[0], 1, NAMES_JWS[0])?;
            let header = json_segment(&header_bytes, 1, "header")?;
            if !header.is_object() {
                return Err("segment 1 (header) is JSON but not an object".into());
            }
            if header.get("alg").and_then(Value::as_str).is_none() {
                return Err("the header has no \"alg\"".into());
            }
            let payload = segment(parts[1], 2, NAMES_JWS[1])?;
            let claims = json_segment(&payload, 2, "payload")?;
            if !claims.is_object() {
                return Err("segment 2 (payload) is JSON but not an object of claims".into());
            }
            if !parts[2].is_empty() {
                segment(parts[2], 3, NAMES_JWS[2])?;
            }
            Ok(Token::Jws(Jws {
                header,
                claims,
                signing_input: format!("{}.{}", parts[0], parts[1]),
                signature: parts[2].to_string(),
            }))
        }
        5 => {
            let mut decoded = Vec::new();
            for (i, p) in parts.iter().enumerate() {
                decoded.push(if p.is_empty() {
                    Vec::new()
                } else {
                    segment(p, i + 1, NAMES_JWE[i])?
                });
            }
            let header = json_segment(&decoded[0], 1, "header")?;
            if header.get("enc").and_then(Value::as_str).is_none() {
                return Err("a 5-segment token whose header has no \"enc\" is not a JWE".into());
            }
            let mut d = decoded.into_iter();
            let _ = d.next();
            Ok(Token::Jwe(Jwe {
                header,
                protected: parts[0].to_string(),
                encrypted_key: d.next().unwrap_or_default(),
                iv: d.next().unwrap_or_default(),
                ciphertext: d.next().unwrap_or_default(),
                tag: d.next().unwrap_or_default(),
            }))
        }
        n => Err(format!(
            "the token has {n} segment{} separated by '.'; a signed JWT (JWS) has 3 and an encrypted one (JWE) has 5{}",
            if n == 1 { "" } else { "s" },
            if n == 1 {
                ": this looks like an opaque token or a secret, not a JWT"
            } else {
                ""
            }
        )),
    }
}

/// What came in, and what was taken off it to find the token.
#[derive(Debug, Clone, Default)]
pub struct Intake {
    pub token: String,
    pub stripped: Vec<String>,
    /// The session cookie's name, when the token came from a Cookie header: Auth.js's salt.
    pub cookie: Option<String>,
}

/// Find the token in what a user pastes: a bare token, `Bearer …`, quotes, whitespace, a whole
/// `Authorization:` or `Cookie:` line (Auth.js cookies chunked as `name.0`, `name.1` … joined).
pub fn intake(raw: &str) -> Result<Intake, String> {
    let mut out = Intake::default();
    let mut s = raw.trim().to_string();
    if s.len() != raw.len() {
        out.stripped.push("surrounding whitespace".into());
    }
    strip_quotes(&mut s, &mut out.stripped);
    if let Some(rest) = strip_prefix_ignore_case(&s, "authorization:") {
        s = rest.trim().to_string();
        out.stripped.push("the `Authorization:` header name".into());
    }
    if let Some(rest) = strip_prefix_ignore_case(&s, "bearer ") {
        s = rest.trim().to_string();
        out.stripped.push("`Bearer `".into());
        // `Bearer "eyJ…"`: quotes after the scheme, as some clients and docs write it.
        strip_quotes(&mut s, &mut out.stripped);
    }
    let is_cookie_line = strip_prefix_ignore_case(&s, "cookie:").is_some();
    if let Some(rest) = strip_prefix_ignore_case(&s, "cookie:") {
        s = rest.trim().to_string();
        out.stripped.push("the `Cookie:` header name".into());
    }
    if is_cookie_line || (s.contains('=') && (s.contains("session-token") || s.contains(';'))) {
        let (name, value, chunks) = session_cookie(&s)?;
        if chunks > 1 {
            out.stripped.push(format!(
                "cookie {name} joined from {chunks} chunks ({name}.0 … {name}.{})",
                chunks - 1
            ));
        } else {
            out.stripped.push(format!("the cookie name {name}"));
        }
        out.cookie = Some(name);
        s = value;
    }
    out.token = s;
    Ok(out)
}

/// `s` without an ASCII `prefix` in any case; `None` when it does not start with it (never
/// slices inside a character).
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// Remove one or more pairs of matching surrounding `"` or `'`, noting it once.
fn strip_quotes(s: &mut String, stripped: &mut Vec<String>) {
    let mut any = false;
    loop {
        let t = s.as_str();
        let Some(inner) = ['"', '\'']
            .iter()
            .find_map(|q| t.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
        else {
            break;
        };
        *s = inner.trim().to_string();
        any = true;
    }
    if any {
        stripped.push("surrounding quotes".into());
    }
}

/// The session cookie in a cookie string: `name=value; name.0=…; name.1=…`.
fn session_cookie(s: &str) -> Result<(String, String, usize), String> {
    let pairs: Vec<(String, String)> = s
        .split(';')
        .filter_map(|p| {
            p.trim()
                .split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    if pairs.is_empty() {
        return Err("a cookie line with no name=value pair".into());
    }
    let base = |k: &str| match k.rsplit_once('.') {
        Some((b, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            (b.to_string(), n.parse::<usize>().ok())
        }
        _ => (k.to_string(), None),
    };
    // Prefer a session-token cookie; else the only cookie there is.
    let wanted = pairs
        .iter()
        .map(|(k, _)| base(k).0)
        .find(|b| b.ends_with("session-token"))
        .or_else(|| (pairs.len() == 1).then(|| base(&pairs[0].0).0));
    let Some(name) = wanted else {
        let names: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
        return Err(format!(
            "no session-token cookie among {}; paste that cookie's value",
            names.join(", ")
        ));
    };
    let mut chunks: Vec<(usize, String)> = pairs
        .iter()
        .filter_map(|(k, v)| match base(k) {
            (b, Some(n)) if b == name => Some((n, v.clone())),
            _ => None,
        })
        .collect();
    if chunks.is_empty() {
        let v = pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        return Ok((name, v, 1));
    }
    chunks.sort_by_key(|(n, _)| *n);
    if chunks.iter().enumerate().any(|(i, (n, _))| i != *n) {
        return Err(format!(
            "cookie {name} is chunked but chunk numbers are not 0, 1, 2 …: a chunk is missing"
        ));
    }
    let n = chunks.len();
    Ok((name, chunks.into_iter().map(|(_, v)| v).collect(), n))
}

/// `2026-11-22 10:27:06 UTC (in 52 min)` for a NumericDate claim (seconds since the epoch, RFC 7519
/// §2).
pub fn human_time(secs: i64, now: i64) -> String {
    format!("{} ({})", date(secs), relative(secs.saturating_sub(now)))
}

/// `2026-11-22 10:27:06 UTC` for a NumericDate, or a note that no calendar date has it.
pub fn date(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| format!("{secs}, out of any calendar's range"))
}

pub fn relative(delta: i64) -> String {
    let a = delta.unsigned_abs();
    let span = if a < 60 {
        format!("{a} s")
    } else if a < 3600 {
        format!("{} min", a / 60)
    } else if a < 86_400 {
        format!("{} h {} min", a / 3600, (a % 3600) / 60)
    } else {
        format!("{} days", a / 86_400)
    };
    if delta >= 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC7519: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn parses_the_rfc_7519_example() {
        let Ok(Token::Jws(j)) = parse(RFC7519) else {
            panic!("not a JWS")
        };
        assert_eq!(j.header["alg"], "HS256");
        assert_eq!(j.claims["iss"], "joe");
        assert_eq!(j.claims["exp"], 1300819380);
    }

    #[test]
    fn exact_reasons() {
        let parts: Vec<&str> = RFC7519.split('.').collect();
        let cases = [
            (format!("{}.{}", parts[0], parts[1]), "has 2 segments"),
            ("opaque-token-value".to_string(), "looks like an opaque token"),
            (
                format!("{}.{}+x.{}", parts[0], parts[1], parts[2]),
                "'+', standard base64 rather than base64url",
            ),
            (format!("{}==.{}.{}", parts[0], parts[1], parts[2]), "'=' padding"),
            (
                format!("{}.{}.{}", parts[0], &parts[1][..parts[1].len() - 3], parts[2]),
                "probably truncated",
            ),
            (
                format!("{}.{}.{}", URL_SAFE_NO_PAD.encode("{\"alg\":"), parts[1], parts[2]),
                "probably truncated",
            ),
            (
                format!(
                    "{}.{}.{}",
                    URL_SAFE_NO_PAD.encode("{\"typ\":\"JWT\"}"),
                    parts[1],
                    parts[2]
                ),
                "no \"alg\"",
            ),
            (
                format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode("[1]"), parts[2]),
                "not an object of claims",
            ),
        ];
        for (t, needle) in cases {
            let e = parse(&t).expect_err(needle);
            assert!(e.contains(needle), "{needle}: {e}");
        }
    }

    #[test]
    fn intake_strips_what_people_paste() {
        let i = intake(&format!("  Authorization: Bearer {RFC7519}\n")).expect("intake");
        assert_eq!(i.token, RFC7519);
        assert_eq!(
            i.stripped,
            vec![
                "surrounding whitespace",
                "the `Authorization:` header name",
                "`Bearer `"
            ]
        );
        let i = intake(&format!("\"{RFC7519}\"")).expect("quotes");
        assert_eq!(i.token, RFC7519);
        let i = intake("Cookie: theme=dark; authjs.session-token.1=BBB; authjs.session-token.0=AAA; other=1")
            .expect("cookie");
        assert_eq!(
            (i.token.as_str(), i.cookie.as_deref()),
            ("AAABBB", Some("authjs.session-token"))
        );
        assert!(i.stripped.last().is_some_and(|s| s.contains("joined from 2 chunks")));
        let i = intake("__Secure-authjs.session-token=XYZ").expect("single");
        assert_eq!(i.cookie.as_deref(), Some("__Secure-authjs.session-token"));
        assert!(intake("Cookie: a.0=1; a.2=3").is_err());
    }

    #[test]
    fn times() {
        assert_eq!(relative(3120), "in 52 min");
        assert_eq!(relative(-10800), "3 h 0 min ago");
        assert!(human_time(0, 0).starts_with("1970-01-01 00:00:00 UTC"));
    }

    #[test]
    fn bearer_with_quotes_and_multibyte_input() {
        let i = intake("Bearer \"eyJhbGciOiJIUzI1NiJ9.e30.c2ln\"").expect("intake");
        assert_eq!(i.token, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
        assert!(
            i.stripped.contains(&"surrounding quotes".to_string()),
            "{:?}",
            i.stripped
        );
        // Neither panics nor finds a token in text with multi-byte characters near the prefixes.
        for s in ["123456é789", "éééééééé", "Beareré", "authorizatioé", "eyJhb\u{2028}"] {
            let _ = intake(s).map(|i| parse(&i.token));
        }
    }

    #[test]
    fn times_at_the_ends_of_i64() {
        for t in [i64::MAX, i64::MIN, 0] {
            let s = human_time(t, now());
            assert!(!s.is_empty());
        }
    }

    proptest::proptest! {
        #[test]
        fn intake_and_parse_never_panic(s in "\\PC{0,120}") {
            let _ = intake(&s).map(|i| parse(&i.token));
        }

        #[test]
        fn claims_never_panic(exp in proptest::num::i64::ANY, nbf in proptest::num::i64::ANY, leeway in 0i64..1_000_000) {
            let c = serde_json::json!({"exp": exp, "nbf": nbf, "iat": exp});
            let e = crate::checks::token::Expect { leeway, ..Default::default() };
            let _ = crate::checks::token::claims(&c, &e, now());
            let _ = human_time(exp, nbf);
        }
    }
}
