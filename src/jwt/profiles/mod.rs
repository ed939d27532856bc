//! Verifier profiles: what a backend's JWT library decides about a token when called with its
//! defaults, so `jwt verify --verifier NAME` can say what that backend will say. One file per
//! library, each naming the version it follows; tests/fixtures/tokens/verifiers.json records the
//! real libraries on a corpus (tools/tokens/record_verifiers.*) and the tests below replay it.

pub mod authjs;
pub mod golang_jwt;
pub mod jose;
pub mod jsonwebtoken;
pub mod pyjwt;
pub mod python_jose;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The library a backend verifies with (`--verifier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verifier {
    PyJwt,
    PythonJose,
    Jsonwebtoken,
    Jose,
    GolangJwt,
    AuthJs,
}

impl Verifier {
    pub const ALL: &'static [Verifier] = &[
        Verifier::PyJwt,
        Verifier::PythonJose,
        Verifier::Jsonwebtoken,
        Verifier::Jose,
        Verifier::GolangJwt,
        Verifier::AuthJs,
    ];

    /// The name given to `--verifier` (and `verifier =` in authdoctor.toml).
    pub fn name(self) -> &'static str {
        match self {
            Verifier::PyJwt => "pyjwt",
            Verifier::PythonJose => "python-jose",
            Verifier::Jsonwebtoken => "jsonwebtoken",
            Verifier::Jose => "jose",
            Verifier::GolangJwt => "golang-jwt",
            Verifier::AuthJs => "authjs",
        }
    }

    /// The library and version whose behaviour the profile follows, as quoted in findings.
    pub fn library(self) -> &'static str {
        match self {
            Verifier::PyJwt => pyjwt::LIBRARY,
            Verifier::PythonJose => python_jose::LIBRARY,
            Verifier::Jsonwebtoken => jsonwebtoken::LIBRARY,
            Verifier::Jose => jose::LIBRARY,
            Verifier::GolangJwt => golang_jwt::LIBRARY,
            Verifier::AuthJs => authjs::LIBRARY,
        }
    }

    /// The call the profile stands for, for messages ("jwt.decode(token, secret, algorithms=…)").
    pub fn call(self) -> &'static str {
        match self {
            Verifier::PyJwt => pyjwt::CALL,
            Verifier::PythonJose => python_jose::CALL,
            Verifier::Jsonwebtoken => jsonwebtoken::CALL,
            Verifier::Jose => jose::CALL,
            Verifier::GolangJwt => golang_jwt::CALL,
            Verifier::AuthJs => authjs::CALL,
        }
    }

    /// The library's default clock leeway in seconds.
    pub fn leeway(self) -> i64 {
        match self {
            Verifier::AuthJs => authjs::CLOCK_TOLERANCE,
            _ => 0,
        }
    }

    /// What the library decides about `token` (the compact text, as the backend receives it)
    /// called as [`Verifier::call`] says with `call`, at `now` (Unix seconds).
    pub fn verify(self, token: &str, call: &Call<'_>, now: i64) -> Verdict {
        match self {
            Verifier::PyJwt => pyjwt::verify(token, call, now),
            Verifier::PythonJose => python_jose::verify(token, call, now),
            Verifier::Jsonwebtoken => jsonwebtoken::verify(token, call, now),
            Verifier::Jose => jose::verify(token, call, now),
            Verifier::GolangJwt => golang_jwt::verify(token, call, now),
            Verifier::AuthJs => authjs::verify(token, call, now),
        }
    }
}

impl std::str::FromStr for Verifier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Verifier::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Verifier::ALL.iter().map(|v| v.name()).collect();
            // Echoed only when name-shaped: it may be a secret pasted in the wrong place.
            let what = if s.len() <= 32 && crate::secret::looks_like_name(s) {
                format!("unknown verifier {s:?}")
            } else {
                "unknown verifier".to_string()
            };
            format!("{what}: use one of {}", names.join(", "))
        })
    }
}

/// The key the backend passes to its library.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    /// A shared secret, as the bytes the backend holds (a string in every library here).
    Secret(&'a [u8]),
    /// A public key (PEM/JWK/JWKS) for RS*/PS*/ES*/EdDSA: the signature math is the same in every
    /// library, so authdoctor's own check says whether it verifies.
    Public { verifies: bool },
}

/// How the backend calls its library: the arguments every one of them takes.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub key: Key<'a>,
    /// The allowed algorithms; `None`: the call passes none (the library's default).
    pub algorithms: Option<&'a [String]>,
    pub audience: Option<&'a str>,
    pub issuer: Option<&'a str>,
    /// The Auth.js cookie name `decode()` derives its key with (authjs only).
    pub salt: Option<&'a str>,
}

/// What the library does with the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It returns the claims (with the warnings it emits, e.g. PyJWT's InsecureKeyLengthWarning).
    Accept { warnings: Vec<String> },
    /// It raises `error` (the exception or error class) with `message`.
    Reject { error: &'static str, message: String },
}

impl Verdict {
    fn accept() -> Verdict {
        Verdict::Accept { warnings: Vec::new() }
    }
}

fn reject(error: &'static str, message: impl Into<String>) -> Verdict {
    Verdict::Reject {
        error,
        message: message.into(),
    }
}

/// Strict unpadded base64url, as every JWS segment must be.
fn b64(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}

/// The HMAC algorithm of a JOSE `alg` name.
fn hmac_alg(alg: &str) -> Option<::jsonwebtoken::Algorithm> {
    match alg {
        "HS256" => Some(::jsonwebtoken::Algorithm::HS256),
        "HS384" => Some(::jsonwebtoken::Algorithm::HS384),
        "HS512" => Some(::jsonwebtoken::Algorithm::HS512),
        _ => None,
    }
}

/// Whether an asymmetric JWS algorithm the libraries here implement.
fn asymmetric_alg(alg: &str) -> bool {
    matches!(
        alg,
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA" | "Ed25519"
    )
}

/// Whether `signature` (base64url) is the HMAC of `signing_input` under `secret` with `alg`.
fn hmac_ok(alg: &str, secret: &[u8], signing_input: &str, signature: &str) -> bool {
    hmac_alg(alg).is_some_and(|a| {
        ::jsonwebtoken::crypto::verify(
            signature,
            signing_input.as_bytes(),
            &::jsonwebtoken::DecodingKey::from_secret(secret),
            a,
        )
        .unwrap_or(false)
    })
}

/// Whether the key text is a PEM block or an OpenSSH public key: what libraries refuse as an
/// HMAC secret (PyJWT and python-jose `prepare_key`) or load as a public key (jsonwebtoken).
fn looks_like_pem(secret: &[u8]) -> bool {
    let t = secret.trim_ascii();
    t.windows(11).any(|w| w == b"-----BEGIN ")
        || [&b"ssh-rsa"[..], b"ssh-ed25519", b"ssh-dss", b"ecdsa-sha2-"]
            .iter()
            .any(|p| t.starts_with(p))
}

/// Whether a PEM public key (or certificate) given as the key verifies an asymmetric JWS;
/// `None` when the text is not a key of the algorithm's family.
fn pem_verifies(alg: &str, pem: &[u8], signing_input: &str, signature: &str) -> Option<bool> {
    use ::jsonwebtoken::{AlgorithmFamily, DecodingKey};
    let a: ::jsonwebtoken::Algorithm = alg.replace("Ed25519", "EdDSA").parse().ok()?;
    let key = match a.family() {
        AlgorithmFamily::Rsa => DecodingKey::from_rsa_pem(pem),
        AlgorithmFamily::Ec => DecodingKey::from_ec_pem(pem),
        AlgorithmFamily::Ed => DecodingKey::from_ed_pem(pem),
        _ => return None,
    }
    .ok()?;
    Some(::jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, a).unwrap_or(false))
}

/// Lenient base64url as Python's `urlsafe_b64decode` after python-jose pads it: characters
/// outside the alphabet are skipped; a dangling sixth bit group is an error.
fn b64_lenient(s: &str) -> Option<Vec<u8>> {
    let kept: String = s
        .chars()
        .take_while(|c| *c != '=')
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if kept.len() % 4 == 1 {
        return None;
    }
    URL_SAFE_NO_PAD.decode(kept).ok()
}

/// Python `int(x)` on a JSON value: numbers truncate, booleans are 0/1, digit strings parse.
fn py_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f.trunc() as i64)),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::String(s) => s.trim().replace('_', "").parse().ok(),
        _ => None,
    }
}

/// The `aud` claim as a list of strings (a string is a one-element list), if it is one.
fn aud_list(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => a.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Recording {
        now: i64,
        libraries: std::collections::BTreeMap<String, String>,
        cases: Vec<Case>,
    }

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        token: String,
        secret: String,
        salt: Option<String>,
        expected_salt: Option<String>,
        options: Options,
        results: std::collections::BTreeMap<String, Outcome>,
    }

    #[derive(serde::Deserialize)]
    struct Options {
        algorithms: Option<Vec<String>>,
        audience: Option<String>,
        issuer: Option<String>,
    }

    #[derive(serde::Deserialize)]
    struct Outcome {
        accept: bool,
        error: Option<String>,
        message: Option<String>,
        #[serde(default)]
        warnings: Vec<String>,
    }

    /// Every profile gives, on every token of the corpus, the verdict the real library gave when
    /// recorded (accept, or the same error class and message), with the same warnings.
    #[test]
    fn profiles_match_the_recorded_libraries() {
        let text = include_str!("../../../tests/fixtures/tokens/verifiers.json");
        let rec: Recording = serde_json::from_str(text).expect("the fixture parses");
        let mut compared = 0;
        let mut wrong = Vec::new();
        for v in Verifier::ALL {
            let Some(lib) = rec.libraries.get(v.name()) else {
                continue;
            };
            assert_eq!(lib, v.library(), "the profile follows the version recorded");
            for c in &rec.cases {
                let Some(want) = c.results.get(v.name()) else { continue };
                let salt = c.expected_salt.as_deref().or(c.salt.as_deref());
                let call = Call {
                    key: Key::Secret(c.secret.as_bytes()),
                    algorithms: c.options.algorithms.as_deref(),
                    audience: c.options.audience.as_deref(),
                    issuer: c.options.issuer.as_deref(),
                    salt,
                };
                let got = v.verify(&c.token, &call, rec.now);
                let expected = if want.accept {
                    Verdict::Accept {
                        warnings: want.warnings.clone(),
                    }
                } else {
                    Verdict::Reject {
                        error: "",
                        message: want.message.clone().unwrap_or_default(),
                    }
                };
                let same = match (&got, &expected) {
                    (Verdict::Accept { warnings: a }, Verdict::Accept { warnings: b }) => a == b,
                    (Verdict::Reject { error, message }, Verdict::Reject { message: m, .. }) => {
                        Some(*error) == want.error.as_deref() && message == m
                    }
                    _ => false,
                };
                compared += 1;
                if !same {
                    wrong.push(format!(
                        "{} on {:?}: got {got:?}, recorded {:?} {expected:?}",
                        v.name(),
                        c.name,
                        want.error
                    ));
                }
            }
        }
        assert!(compared >= 5 * 28, "the corpus was replayed ({compared} verdicts)");
        assert!(
            wrong.is_empty(),
            "{} verdicts differ:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }
}
