//! Tokens (AD4xx): what a token is and what verifying it against the candidates showed.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].

use crate::checks::sources::AD001;
use crate::findings::Finding;
use crate::findings::{Code, Severity};
use crate::jwt::jwe::Opened;
use crate::jwt::profiles::{Call, Key, Verdict, Verifier};
use crate::jwt::{Jws, Token};
use crate::secret::Secret;
use crate::transform::Transform;
use jsonwebtoken::{Algorithm, AlgorithmFamily};
use serde_json::Value;
use std::str::FromStr;

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[
    &AD401, &AD402, &AD403, &AD404, &AD405, &AD406, &AD407, &AD408, &AD409, &AD410, &AD411, &AD412, &AD413, &AD414,
    &AD415, &AD416, &AD417, &AD418, &AD419, &AD420, &AD421, &AD422,
];

pub const AD401: Code = Code {
    id: "AD401",
    severity: Severity::Error,
    title: "malformed token",
    hint: "Copy the whole token again: the message says which segment is broken and where.",
    explain: "Why: the text is not a compact JWS (3 base64url segments) or JWE (5): a truncated copy, \
standard base64 (`+`, `/`, `=`) instead of base64url, a header that is not JSON, or not a JWT at all \
(an opaque session id).\n\
Confirm: the message names the segment, the offset and the reason; `authdoctor jwt decode` shows what \
it could read.\n\
Fix: copy the token from the request itself (the Authorization header or the cookie), not from a log \
that cuts long lines.",
};

pub const AD402: Code = Code {
    id: "AD402",
    severity: Severity::Warning,
    title: "token is JWE (encrypted), not a signed JWS",
    hint: "A backend cannot verify an encrypted Auth.js/NextAuth cookie as HS256: have the frontend mint a signed JWT for the backend, or decrypt with the same HKDF key.",
    explain: "Why: the token has 5 segments and an `enc` header: it is encrypted, not signed. Auth.js \
(v5) and NextAuth (v4) session cookies are `dir` JWEs whose key is derived from AUTH_SECRET with HKDF \
(salt = the cookie name), so a backend calling `jwt.decode(token, secret, algorithms=[\"HS256\"])` \
always fails with \"Invalid signature\" or a parse error, even with the right secret.\n\
Confirm: `authdoctor jwt verify TOKEN --secret SOURCE` decrypts it and says which secret and salt work.\n\
Fix: let the frontend create a separate signed token for the API (jose `SignJWT` / `jsonwebtoken.sign` \
with the shared secret, HS256) and send that as `Authorization: Bearer`; or decrypt in the backend with \
the same derivation (HKDF-SHA256, salt = cookie name, info \"Auth.js Generated Encryption Key (<salt>)\").",
};

pub const AD403: Code = Code {
    id: "AD403",
    severity: Severity::Ok,
    title: "signature verified",
    hint: "",
    explain: "Why: one of the candidate secrets or keys verifies the token's signature; the message names \
it and the form that worked (as is, trimmed, base64-decoded …).\n\
Confirm: if the form is not \"as is\", the verifier must use the secret in that form too.\n\
Fix: nothing for the signature; if the verifier still rejects the token, look at the claim findings.",
};

pub const AD404: Code = Code {
    id: "AD404",
    severity: Severity::Error,
    title: "no candidate verifies the signature",
    hint: "The token was signed with a secret or key none of the candidates holds: add the place the issuer reads its secret from as another --secret.",
    explain: "Why: the signature matches none of the candidates, in any form (as is, trimmed, base64-, \
base64url- or hex-decoded), or no key has the token's `kid`.\n\
Confirm: the message says whether the candidates agree with each other; `authdoctor compare` explains \
how they differ.\n\
Fix: find the secret the issuer really signs with (its environment, not the file you think it reads) \
and make every verifier use it; restart processes that cache it.",
};

pub const AD405: Code = Code {
    id: "AD405",
    severity: Severity::Error,
    title: "token expired",
    hint: "Get a fresh token; if tokens expire too early, check both clocks and the issuer's lifetime.",
    explain: "Why: now is later than `exp` plus the leeway (0 s by default, as the libraries do; `--leeway`).\n\
Confirm: the message gives `exp` as a date and how long ago it passed.\n\
Fix: get a new token; synchronise clocks (NTP); raise the lifetime at the issuer if it is too short.",
};

pub const AD406: Code = Code {
    id: "AD406",
    severity: Severity::Error,
    title: "audience mismatch",
    hint: "Make the issuer set the audience the verifier expects (or the verifier expect the one it sets).",
    explain: "Why: the verifier expects an `aud` the token does not carry.\n\
Confirm: the message shows both.\n\
Fix: agree on one audience string on both sides.",
};

pub const AD407: Code = Code {
    id: "AD407",
    severity: Severity::Error,
    title: "issuer mismatch",
    hint: "Make the issuer and the verifier agree on the `iss` string.",
    explain: "Why: the token's `iss` differs from the issuer the verifier expects (a trailing slash, \
http vs https, another environment).\n\
Confirm: the message shows both.\n\
Fix: use the same issuer string on both sides.",
};

pub const AD408: Code = Code {
    id: "AD408",
    severity: Severity::Error,
    title: "required claim missing",
    hint: "Add the claim where the token is made (e.g. the Auth.js jwt callback).",
    explain: "Why: the verifier needs a claim (such as `userId`) that the token does not have: the issuer \
never adds it, for example an Auth.js `jwt` callback that does not copy `user.id` into the token.\n\
Confirm: the message lists the claims present.\n\
Fix: add the claim when the token is created.",
};

pub const AD409: Code = Code {
    id: "AD409",
    severity: Severity::Error,
    title: "algorithm not allowed",
    hint: "Sign with an algorithm the verifier allows, and never accept `alg: none`.",
    explain: "Why: the token says `alg: none`, or an algorithm outside the allowed list (`--alg`), or an \
algorithm of another family than the key (an HS256 token checked against a public key is the classic \
algorithm-confusion attack).\n\
Confirm: the message names the algorithm and what was expected.\n\
Fix: configure the issuer and the verifier with the same algorithm.",
};

pub const AD410: Code = Code {
    id: "AD410",
    severity: Severity::Error,
    title: "token not yet valid",
    hint: "Check the clocks of the issuer and the verifier (NTP).",
    explain: "Why: `nbf` is later than now plus the leeway: the issuer's clock is ahead of the verifier's, \
or the token is meant for later.\n\
Confirm: the message gives `nbf` as a date.\n\
Fix: synchronise clocks, or allow some leeway.",
};

pub const AD411: Code = Code {
    id: "AD411",
    severity: Severity::Warning,
    title: "token has an audience the verifier does not check",
    hint: "Give the verifier the audience (`--aud`, PyJWT `audience=`, jsonwebtoken `set_audience`).",
    explain: "Why: the token carries `aud`, but no audience was given to check it against. PyJWT, \
python-jose and jsonwebtoken (Rust) reject such a token by default (\"Invalid audience\"; npm jsonwebtoken and jose \
accept it, as recorded in tests/fixtures/tokens/verifiers.json), which looks like a \
signature problem in logs.\n\
Confirm: run again with `--aud VALUE`.\n\
Fix: configure the verifier with the audience the issuer sets.",
};

pub const AD412: Code = Code {
    id: "AD412",
    severity: Severity::Warning,
    title: "token larger than 8 KB",
    hint: "Keep tokens small: move large claims (permissions, bucket lists) to a lookup.",
    explain: "Why: many proxies and servers limit a header to 8 KB (nginx, AWS ALB 16 KB per header), and \
browsers limit cookies to 4 KB (Auth.js then splits them into `.0`, `.1` chunks); an oversized token \
is cut or refused before any signature check.\n\
Confirm: the message gives the size.\n\
Fix: put less in the token.",
};

pub const AD413: Code = Code {
    id: "AD413",
    severity: Severity::Ok,
    title: "encrypted session cookie decrypted",
    hint: "",
    explain: "Why: one candidate secret decrypts the Auth.js/NextAuth cookie; the message names it, the \
library and the salt (cookie name) used.\n\
Confirm: the claims shown are the session's.\n\
Fix: nothing for the secret; see AD402 for how a separate backend should authenticate.",
};

pub const AD414: Code = Code {
    id: "AD414",
    severity: Severity::Error,
    title: "algorithm not supported",
    hint: "Verify this token with a library that supports its algorithm, or sign with a supported one.",
    explain: "Why: the token's algorithm (for example ES512) is valid JOSE but not supported by authdoctor's \
JWT library (jsonwebtoken), so it cannot be checked here; that is not the same as invalid.\n\
Confirm: the message names the algorithm.\n\
Fix: use ES256/ES384, RS*, PS*, EdDSA or HS* if you control the issuer.",
};

pub const AD415: Code = Code {
    id: "AD415",
    severity: Severity::Error,
    title: "the signature verifies only with a transformed secret",
    hint: "Make issuer and verifier use the same bytes: remove the newline or encoding where the secret is stored, or transform it the same way on both sides.",
    explain: "Why: the token verifies with a candidate only after trimming whitespace, base64- or hex-decoding it, \
or adding a newline: the issuer and this copy of the secret differ by exactly that, so a verifier using \
the value as stored fails with \"Invalid signature\" although the secrets \"match\".\n\
Confirm: the message names the candidate and the transformation; `authdoctor compare` on the places the \
secret lives shows the same difference (AD102, AD104).\n\
Fix: store the value both sides use (for example `printf %s` instead of `echo`), then restart.",
};

pub const AD416: Code = Code {
    id: "AD416",
    severity: Severity::Warning,
    title: "accepted only thanks to the leeway",
    hint: "The backend's library most likely allows 0 s: get a fresh token, and sync both clocks (NTP).",
    explain: "Why: `exp` has passed (or `nbf` has not come yet) but by less than the leeway this check allows. \
PyJWT, python-jose, npm jose and jsonwebtoken default to 0 s of leeway, so the backend rejects the token \
while a lenient check passes it.\n\
Confirm: run again with `--leeway 0`, or `--verifier NAME` for the backend's own library.\n\
Fix: get a fresh token; configure the same leeway on both sides; keep clocks in sync.",
};

pub const AD417: Code = Code {
    id: "AD417",
    severity: Severity::Warning,
    title: "iat in the future",
    hint: "Sync the issuer's clock (NTP); PyJWT rejects tokens issued in the future.",
    explain: "Why: the token says it was issued later than now: the issuer's clock is ahead of the verifier's. \
PyJWT checks `iat` and raises ImmatureSignatureError (\"The token is not yet valid (iat)\"); jose and \
jsonwebtoken do not check it.\n\
Confirm: the message gives `iat` as a date.\n\
Fix: synchronise clocks; give the verifier some leeway.",
};

pub const AD418: Code = Code {
    id: "AD418",
    severity: Severity::Error,
    title: "a public key given as an HMAC secret",
    hint: "Verify RS*/ES*/EdDSA tokens with the public key as a key (`--key`), and never let a verifier take a public key as an HS256 secret.",
    explain: "Why: a candidate secret is a PEM or JWK public key, and the token is HS256/384/512. A verifier that \
takes the public key text as the HMAC secret accepts tokens that anyone holding the public key can sign: the \
algorithm-confusion attack (RFC 8725 §2.1, §3.1).\n\
Confirm: the message names the candidate and what it holds.\n\
Fix: give public keys with `--key`/`--jwks`; pin the algorithms the verifier accepts (`algorithms=[\"RS256\"]`).",
};

pub const AD419: Code = Code {
    id: "AD419",
    severity: Severity::Error,
    title: "the session cookie decrypts only with another salt (cookie name)",
    hint: "Give getToken()/decode() the cookie name the app really sets: `__Secure-authjs.session-token` on HTTPS (secureCookie: true), `authjs.session-token` on http.",
    explain: "Why: Auth.js v5 derives the cookie's encryption key from the secret and the cookie's name (the salt). \
On HTTPS the cookie is `__Secure-authjs.session-token`; a backend calling `getToken()` or `decode()` with the \
plain name (or the other way round) derives another key and gets null, which looks like a wrong secret.\n\
Confirm: the message names the salt that works and the one given.\n\
Fix: pass the right `salt`/`cookieName` (or `secureCookie: true`) where the cookie is read.",
};

pub const AD420: Code = Code {
    id: "AD420",
    severity: Severity::Error,
    title: "opaque token: no secret can verify it",
    hint: "This is a session id, not a JWT: look the session up where the app stores it, or switch the app to JWT sessions.",
    explain: "Why: the token has no JWT structure (no dots) and looks like an id: a UUID, hex or a random string. \
Auth.js and NextAuth with a database adapter set the session cookie to a database session id; opaque API \
tokens likewise. No secret verifies an id: the server looks it up.\n\
Confirm: the message says what the token looks like.\n\
Fix: look the session up in the sessions table, or set `session: { strategy: \"jwt\" }` so the cookie is an \
encrypted JWT that `authdoctor jwt verify --secret` can open.",
};

pub const AD421: Code = Code {
    id: "AD421",
    severity: Severity::Error,
    title: "the backend's JWT library rejects this token",
    hint: "Fix what the quoted error names (a fresh token, the audience, the issuer, the algorithm list, a signed JWS instead of a cookie), or configure the backend's call to accept it.",
    explain: "Why: `--verifier NAME` (or `verifier =` on a [[token]]) names the library the backend verifies with: \
PyJWT, python-jose, npm jsonwebtoken, npm jose, golang-jwt or Auth.js' decode/getToken. Each has its own defaults: \
0 s leeway (Auth.js 15 s), whether `exp == now` is expired, whether an `iat` in the future is refused (PyJWT), \
whether a token carrying `aud` is refused when the backend names no audience (PyJWT, python-jose), whether a \
missing `aud` passes (python-jose), which algorithms are allowed by default, whether PEM text may be an HMAC \
secret, and a JWE is never a JWS. authdoctor applies that library's policy, recorded against the real library \
(tests/fixtures/tokens/verifiers.json), and quotes the error it raises: that is the line in the backend's log \
behind its 401.\n\
Confirm: the message names the library and version, the call, and the candidate secret it was given.\n\
Fix: what the error names: get a fresh token and sync clocks (expired, not yet valid, iat), pass the \
audience/issuer the token carries, list the token's algorithm, send a signed JWS rather than an encrypted \
session cookie.",
};

pub const AD422: Code = Code {
    id: "AD422",
    severity: Severity::Warning,
    title: "a candidate does not verify the token that other candidates verify",
    hint: "Set the value the token's issuer uses in the place named: a verifier reading it rejects the token.",
    explain: "Why: several places hold the secret, and the token verifies with some of them but not with this one: \
a verifier that reads the secret from here answers 401 \"Invalid signature\".\n\
Confirm: `authdoctor compare` on the candidates shows how the values differ.\n\
Fix: copy the value that verifies to this place, then restart what reads it.",
};

/// What the verifier expects of the claims.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub aud: Option<String>,
    pub iss: Option<String>,
    pub require: Vec<String>,
    pub leeway: i64,
    /// A `--verifier` library decides exp/nbf/iat/aud/iss ([`verifier`]): only `require` is
    /// checked here.
    pub library_decides: bool,
}

fn num(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
}

/// AD405–AD408, AD410, AD411, AD416, AD417 for a token's claims at time `now`; only AD408 when
/// the `--verifier` library decides the rest.
pub fn claims(claims: &Value, expect: &Expect, now: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    if expect.library_decides {
        required(claims, &expect.require, &mut out);
        return out;
    }
    if let Some(exp) = claims.get("exp") {
        match num(exp) {
            Some(e) if now > e.saturating_add(expect.leeway) => out.push(
                Finding::new(
                    &AD405,
                    format!(
                        "expired {}: exp is {}, leeway {} s",
                        crate::jwt::relative(e.saturating_sub(now)),
                        crate::jwt::date(e),
                        expect.leeway
                    ),
                )
                .hint(
                    "get a fresh token; if tokens expire too early, check both clocks (NTP) and the issuer's lifetime",
                ),
            ),
            Some(e) if now > e => out.push(Finding::new(
                &AD416,
                format!(
                    "expired {} but accepted only thanks to the {} s leeway: PyJWT, python-jose, jose and jsonwebtoken default to 0 s and reject it",
                    crate::jwt::relative(e.saturating_sub(now)),
                    expect.leeway
                ),
            )),
            Some(_) => {}
            None => out.push(Finding::new(&AD401, "the exp claim is not a number (NumericDate)")),
        }
    }
    if let Some(nbf) = claims.get("nbf").and_then(num) {
        if now.saturating_add(expect.leeway) < nbf {
            out.push(Finding::new(
                &AD410,
                format!(
                    "not valid until {}: nbf is {}, leeway {} s",
                    crate::jwt::relative(nbf.saturating_sub(now)),
                    crate::jwt::date(nbf),
                    expect.leeway
                ),
            ));
        } else if now < nbf {
            out.push(Finding::new(
                &AD416,
                format!(
                    "not valid for {} more (nbf) but accepted only thanks to the {} s leeway: libraries that default to 0 s reject it",
                    crate::jwt::relative(nbf.saturating_sub(now)).trim_start_matches("in "),
                    expect.leeway
                ),
            ));
        }
    }
    if let Some(iat) = claims.get("iat").and_then(num)
        && iat > now
    {
        out.push(Finding::new(
            &AD417,
            format!(
                "iat is {} ({}): the issuer's clock is ahead; PyJWT rejects such a token (ImmatureSignatureError) beyond its leeway, jose and jsonwebtoken accept it",
                crate::jwt::relative(iat.saturating_sub(now)),
                crate::jwt::date(iat)
            ),
        ));
    }
    let aud: Vec<String> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    match (&expect.aud, aud.is_empty()) {
        (Some(want), _) if !aud.contains(want) => out.push(Finding::new(
            &AD406,
            if aud.is_empty() { format!("no aud claim, but the verifier expects {want:?}") } else { format!("aud is {aud:?}, the verifier expects {want:?}") },
        )),
        (None, false) => out.push(Finding::new(
            &AD411,
            format!("the token has aud {aud:?} but no audience was given: PyJWT and python-jose reject such a token (\"Invalid audience\") unless the verifier names its audience; npm jsonwebtoken and jose accept it"),
        )),
        _ => {}
    }
    if let Some(want) = &expect.iss {
        match claims.get("iss").and_then(Value::as_str) {
            Some(i) if i == want => {}
            Some(i) => out.push(Finding::new(
                &AD407,
                format!("iss is {i:?}, the verifier expects {want:?}"),
            )),
            None => out.push(Finding::new(
                &AD407,
                format!("no iss claim, but the verifier expects {want:?}"),
            )),
        }
    }
    required(claims, &expect.require, &mut out);
    out
}

/// AD408 for each claim in `require` the token lacks.
fn required(claims: &Value, require: &[String], out: &mut Vec<Finding>) {
    for r in require {
        if claims.get(r).is_none_or(Value::is_null) {
            let present: Vec<&str> = claims
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            out.push(Finding::new(
                &AD408,
                format!(
                    "required claim {r:?} is missing (claims present: {})",
                    present.join(", ")
                ),
            ));
        }
    }
}

/// How the backend calls the library `--verifier` names.
pub struct VerifierCall<'a> {
    pub verifier: Verifier,
    /// The backend's `algorithms` list (`--alg`); `None`: the call passes none.
    pub algorithms: Option<&'a [String]>,
    /// The list was not given but the library requires one (PyJWT): the token's own `alg` is
    /// assumed, and the message says so.
    pub algorithms_assumed: bool,
    pub audience: Option<&'a str>,
    pub issuer: Option<&'a str>,
    pub salt: Option<&'a str>,
}

/// AD421: the library `--verifier` names rejects `token` with every candidate (each as stored,
/// as a backend holds it) and with the public key (`public_key_verifies`: whether authdoctor's
/// own check verified the signature with the keys given); the message quotes its error with the
/// first candidate. Nothing when it accepts the token with one of them.
pub fn verifier(
    token: &str,
    call: &VerifierCall<'_>,
    candidates: &[(String, &Secret)],
    public_key_verifies: Option<bool>,
    now: i64,
) -> Vec<Finding> {
    let v = call.verifier;
    fn with<'a>(call: &VerifierCall<'a>, key: Key<'a>) -> Call<'a> {
        Call {
            key,
            algorithms: call.algorithms,
            audience: call.audience,
            issuer: call.issuer,
            salt: call.salt,
        }
    }
    let mut tried: Vec<(String, Verdict)> = candidates
        .iter()
        .map(|(who, s)| (who.clone(), v.verify(token, &with(call, Key::Secret(s.expose())), now)))
        .collect();
    if let Some(verifies) = public_key_verifies {
        tried.push((
            "the public key".into(),
            v.verify(token, &with(call, Key::Public { verifies }), now),
        ));
    }
    if tried.iter().any(|(_, t)| matches!(t, Verdict::Accept { .. })) {
        return Vec::new();
    }
    let Some((who, Verdict::Reject { error, message })) = tried.first() else {
        return Vec::new();
    };
    let assumed = match (call.algorithms_assumed, call.algorithms) {
        (true, Some(list)) => format!("; algorithms={list:?} assumed, give --alg for the backend's list"),
        _ => String::new(),
    };
    let others = if tried.len() > 1 {
        format!(" (and with the {} other candidate(s))", tried.len() - 1)
    } else {
        String::new()
    };
    vec![
        Finding::new(
            &AD421,
            format!(
                "{}: {error}: {message} — {} given {who}{others}{assumed}",
                v.library(),
                v.call()
            ),
        )
        .sources([who.clone()]),
    ]
}

/// Whether a JWS needs public keys (its `alg` is a known asymmetric one): only then does the
/// command fetch `--key`, `--jwks` or `--discover`.
pub fn needs_public_keys(j: &Jws) -> bool {
    let alg = j.header.get("alg").and_then(Value::as_str).unwrap_or("");
    algorithm(alg).is_some_and(|a| a.family() != AlgorithmFamily::Hmac)
}

/// The jsonwebtoken algorithm of a token's `alg`: RFC 9864's fully-specified `Ed25519` (what
/// jose 6 emits) is EdDSA over Ed25519, the only EdDSA curve jsonwebtoken implements.
pub fn algorithm(alg: &str) -> Option<Algorithm> {
    match alg {
        "Ed25519" => Some(Algorithm::EdDSA),
        _ => Algorithm::from_str(alg).ok(),
    }
}

/// The public keys gathered for an asymmetric token, and why each file or URL that could not be
/// read failed (the message names it).
pub struct Keys {
    pub keys: Vec<crate::jwt::keys::Key>,
    pub unreadable: Vec<String>,
}

/// What a check concluded about a token's signature.
pub struct Signature {
    pub findings: Vec<Finding>,
    /// A candidate or key verified it (as stored or in another form).
    pub verified: bool,
}

/// AD403/AD404/AD409/AD414/AD415 (and AD001 for unreadable keys): which candidate secret or key
/// verifies a JWS. `allowed` is `--alg` (empty: any the key fits, never `none`); `candidates` are
/// (label, secret); `keys` is given for an asymmetric `alg` ([`needs_public_keys`]).
pub fn signature(j: &Jws, allowed: &[String], candidates: &[(String, &Secret)], keys: Option<&Keys>) -> Signature {
    let mut report = Signature {
        findings: Vec::new(),
        verified: false,
    };
    let readable = candidates;
    let alg_name = j.header.get("alg").and_then(Value::as_str).unwrap_or("").to_string();
    if alg_name.eq_ignore_ascii_case("none") {
        report.findings.push(Finding::new(
            &AD409,
            "alg is \"none\": the token is unsigned and no verifier may accept it",
        ));
        return report;
    }
    // `--alg EdDSA` allows its RFC 9864 fully-specified name, Ed25519, too.
    if !allowed.is_empty()
        && !allowed
            .iter()
            .any(|x| x == &alg_name || (x == "EdDSA" && alg_name == "Ed25519"))
    {
        report.findings.push(Finding::new(
            &AD409,
            format!("alg {alg_name} is not among the allowed {:?}", allowed),
        ));
        return report;
    }
    let Some(alg) = algorithm(&alg_name) else {
        let known = ["ES512", "ES256K", "Ed448"].contains(&alg_name.as_str());
        let msg = if known {
            format!("{alg_name} is a JOSE algorithm authdoctor cannot check (jsonwebtoken does not implement it)")
        } else {
            format!("{alg_name:?} is not a JOSE signature algorithm")
        };
        report
            .findings
            .push(Finding::new(if known { &AD414 } else { &AD409 }, msg));
        return report;
    };
    let kid = j.header.get("kid").and_then(Value::as_str);
    if alg.family() == AlgorithmFamily::Hmac {
        if readable.is_empty() {
            report.findings.push(Finding::new(&AD409, format!("an {alg_name} token is checked with a shared secret, but only public keys were given (accepting it would be algorithm confusion); give --secret")));
            return report;
        }
        let values: Vec<&[u8]> = readable.iter().map(|(_, s)| s.expose()).collect();
        // A public key used as an HMAC secret is algorithm confusion whatever it verifies.
        for (who, s) in readable {
            if let Some(what) = public_key_material(s.expose()) {
                report.findings.push(
                    Finding::new(
                        &AD418,
                        format!(
                            "{who} holds {what}: an {alg_name} verifier given it as the HMAC secret accepts tokens anyone with the public key can forge (algorithm confusion, RFC 8725 §2.1)"
                        ),
                    )
                    .sources([who.clone()]),
                );
            }
        }
        // Every candidate, each in the first form that verifies (as stored first).
        let outcomes: Vec<Option<Option<Transform>>> = values
            .iter()
            .map(|v| crate::jwt::verify::hmac_form(j, alg, v))
            .collect();
        let as_stored: Vec<usize> = (0..readable.len()).filter(|&i| outcomes[i] == Some(None)).collect();
        let transformed: Vec<(usize, Transform)> = (0..readable.len())
            .filter_map(|i| match outcomes[i] {
                Some(Some(t)) => Some((i, t)),
                _ => None,
            })
            .collect();
        let failed: Vec<usize> = (0..readable.len()).filter(|&i| outcomes[i].is_none()).collect();
        for &i in &as_stored {
            let who = &readable[i].0;
            report.findings.push(
                Finding::new(&AD403, format!("{alg_name} signature verified by {who} as stored"))
                    .sources([who.clone()]),
            );
        }
        for &(i, form) in &transformed {
            let who = &readable[i].0;
            let how = crate::jwt::verify::form_name(Some(form));
            if as_stored.is_empty() {
                report.findings.push(
                    Finding::new(&AD403, format!("{alg_name} signature verified by {who} {how}"))
                        .sources([who.clone()]),
                );
            }
            report.findings.push(
                Finding::new(
                    &AD415,
                    format!(
                        "{who} verifies only {how}: a verifier that uses {who}'s value as stored rejects this token"
                    ),
                )
                .sources([who.clone()]),
            );
        }
        let verifiers: Vec<&str> = as_stored
            .iter()
            .chain(transformed.iter().map(|(i, _)| i))
            .map(|&i| readable[i].0.as_str())
            .collect();
        if verifiers.is_empty() {
            let mut distinct: Vec<&[u8]> = Vec::new();
            for v in &values {
                if !distinct.contains(v) {
                    distinct.push(v);
                }
            }
            let agree = match (values.len(), distinct.len()) {
                (1, _) => String::new(),
                (n, 1) => format!("; all {n} candidates hold the same value, so the issuer signs with another"),
                (n, d) => format!(
                    "; the {n} candidates hold {d} different values (`authdoctor compare` explains how they differ)"
                ),
            };
            report.findings.push(Finding::new(
                &AD404,
                format!(
                    "no candidate verifies the {alg_name} signature (each tried {}){agree}",
                    crate::jwt::verify::forms_tried()
                ),
            ));
        } else {
            report.verified = true;
            for &i in &failed {
                let who = &readable[i].0;
                report.findings.push(
                    Finding::new(
                        &AD422,
                        format!(
                            "{who} does not verify this token, which {} does{}: a verifier using {who}'s value rejects it",
                            and_list(&verifiers),
                            if verifiers.len() == 1 { "" } else { " too" }
                        ),
                    )
                    .sources([who.clone()]),
                );
            }
        }
        return report;
    }
    let Some(Keys {
        keys: all,
        unreadable: notes,
    }) = keys
    else {
        return report;
    };
    for n in notes {
        report
            .findings
            .push(Finding::new(&AD001, n.clone()).hint("check the key file or URL"));
    }
    if all.is_empty() && !notes.is_empty() {
        // The keys given could not be read (AD001 above, exit 3): nothing to verify with.
        return report;
    }
    if all.is_empty() {
        let why = if readable.is_empty() {
            format!("an {alg_name} token needs a public key: give --key, --jwks or --discover")
        } else {
            format!(
                "an {alg_name} token cannot be checked with a shared secret: give its public key (--key, --jwks or --discover)"
            )
        };
        report
            .findings
            .push(Finding::new(if readable.is_empty() { &AD404 } else { &AD409 }, why));
        return report;
    }
    let fitting = crate::jwt::keys::select(all, kid, alg);
    if fitting.is_empty() {
        let kids: Vec<String> = all.iter().filter_map(|k| k.kid.clone()).collect();
        let msg = match kid {
            Some(k) => format!(
                "no {alg_name} key with kid {k:?} (kids present: {})",
                if kids.is_empty() {
                    "none".to_string()
                } else {
                    kids.join(", ")
                }
            ),
            None => format!("none of the {} key(s) is of the {alg_name} family", all.len()),
        };
        report.findings.push(
            Finding::new(&AD404, msg)
                .hint("the issuer rotated its keys, or this is another issuer's key set: refresh the JWKS"),
        );
        return report;
    }
    match crate::jwt::verify::public(j, alg, &fitting) {
        Some(i) => {
            let k = fitting[i];
            let kid = k.kid.as_deref().map(|k| format!(" (kid {k})")).unwrap_or_default();
            report.findings.push(Finding::new(
                &AD403,
                format!("{alg_name} signature verified by the key from {}{kid}", k.label),
            ));
            report.verified = true;
        }
        None => report.findings.push(Finding::new(
            &AD404,
            format!(
                "none of the {} matching key(s) verifies the {alg_name} signature",
                fitting.len()
            ),
        )),
    }
    report
}

/// What public key material a candidate secret is ("a PEM public key", "a JWK public key"), if
/// it is one: such text used as an HMAC secret is the algorithm-confusion attack (RFC 8725).
pub fn public_key_material(v: &[u8]) -> Option<&'static str> {
    let t = v.trim_ascii();
    for (armor, what) in [
        (&b"-----BEGIN PUBLIC KEY-----"[..], "a PEM public key"),
        (b"-----BEGIN RSA PUBLIC KEY-----", "a PEM RSA public key"),
        (b"-----BEGIN CERTIFICATE-----", "a PEM certificate"),
    ] {
        if t.starts_with(armor) {
            return Some(what);
        }
    }
    if t.first() == Some(&b'{')
        && let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(t)
    {
        let kty = o.get("kty").and_then(Value::as_str);
        if matches!(kty, Some("RSA" | "EC" | "OKP")) && !o.contains_key("d") {
            return Some("a JWK public key");
        }
        if o.contains_key("keys") {
            return Some("a JWKS (public keys)");
        }
    }
    None
}

fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What an opaque session token looks like ("a UUID", "a 64-character hex string"), if the
/// token is one: no dots, and a UUID or 16+ hex digits or 20+ base64url characters.
fn opaque_kind(token: &str) -> Option<String> {
    let t = token.trim();
    if t.contains('.') || t.is_empty() {
        return None;
    }
    let b = t.as_bytes();
    let uuid = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if uuid {
        return Some("a UUID".into());
    }
    if b.len() >= 16 && b.iter().all(u8::is_ascii_hexdigit) {
        return Some(format!("a {}-character hex string", b.len()));
    }
    if b.len() >= 20 && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_')) {
        return Some(format!("a {}-character opaque string", b.len()));
    }
    None
}

/// AD401 (does not parse), AD402 (an encrypted JWE, e.g. an Auth.js/NextAuth session cookie) and
/// AD412 (larger than 8 KB): what the token is, from its size in bytes and its parse.
pub fn intake(token: &str, parsed: &Result<Token, String>) -> Vec<Finding> {
    let size = token.len();
    let mut out = Vec::new();
    match parsed {
        Err(_) if opaque_kind(token).is_some() => {
            let what = opaque_kind(token).unwrap_or_default();
            out.push(Finding::new(
                &AD420,
                format!(
                    "the token is {what}, not a JWT: no secret verifies it. An Auth.js/NextAuth cookie like this is a database session id: look it up in the sessions table, or set `session: {{ strategy: \"jwt\" }}` to get a JWT"
                ),
            ))
        }
        Err(reason) => out.push(Finding::new(&AD401, reason.clone())),
        Ok(Token::Jwe(e)) => {
            let enc = e.header.get("enc").and_then(Value::as_str).unwrap_or("?");
            let alg = e.header.get("alg").and_then(Value::as_str).unwrap_or("?");
            let who = match (alg, enc) {
                ("dir", "A256CBC-HS512") => "the shape of an Auth.js v5 session cookie",
                ("dir", "A256GCM") => "the shape of a NextAuth v4 session cookie",
                _ => "an encrypted token",
            };
            out.push(Finding::new(
                &AD402,
                format!("{who}: encrypted, not signed; no HS256 verifier can accept it, and its claims can only be read with the secret"),
            ));
        }
        Ok(Token::Jws(_)) => {}
    }
    if size > crate::jwt::LARGE_TOKEN {
        out.push(Finding::new(
            &AD412,
            format!("the token is {size} bytes; many proxies refuse headers over 8 KB"),
        ));
    }
    out
}

/// AD404 for an encrypted session cookie checked with no candidate secret.
pub fn session_cookie_needs_secret() -> Finding {
    Finding::new(
        &AD404,
        "an encrypted cookie opens only with its app's secret: give --secret SOURCE",
    )
}

/// AD413 (which candidate decrypts an Auth.js/NextAuth session cookie, in which form, with which
/// salt), AD415 (only in a transformed form), AD419 (only with another salt than the one given or
/// the cookie's own name: `wrong_salt` is (expected, used)) or AD404 (none does, and why), from
/// [`crate::jwt::jwe::open`]'s result over `forms`: each tried key's (candidate label, form).
pub fn session_cookie(
    opened: &Result<Opened, String>,
    forms: &[(String, Option<Transform>)],
    wrong_salt: Option<&(String, String)>,
) -> Vec<Finding> {
    match opened {
        Ok(o) => {
            let salt = if o.salt.is_empty() {
                String::new()
            } else {
                format!(", salt {}", o.salt)
            };
            let (who, form) = forms.get(o.candidate).cloned().unwrap_or_default();
            let how = match form {
                Some(_) => format!(" {}", crate::jwt::verify::form_name(form)),
                None => String::new(),
            };
            let mut out = vec![
                Finding::new(
                    &AD413,
                    format!("decrypted by {who}{how} as {} cookie{salt}", article(o.flavor.name())),
                )
                .sources([who.clone()]),
            ];
            if form.is_some() {
                out.push(
                    Finding::new(
                        &AD415,
                        format!(
                            "{who} decrypts the cookie only{how}: an app that uses {who}'s value as stored cannot read its sessions"
                        ),
                    )
                    .sources([who.clone()]),
                );
            }
            if let Some((expected, used)) = wrong_salt {
                out.push(
                    Finding::new(
                        &AD419,
                        format!(
                            "the cookie decrypts only with salt {used}, not {expected}: `getToken()` with the cookie name {expected} returns null"
                        ),
                    )
                    .sources([who]),
                );
            }
            out
        }
        Err(why) => vec![Finding::new(&AD404, why.clone()).hint(
            "The cookie is encrypted with a key derived from the app's AUTH_SECRET (NEXTAUTH_SECRET in v4): add the place the running frontend reads it from as another --secret.",
        )],
    }
}

/// "an Auth.js v5" / "a NextAuth v4".
fn article(name: &str) -> String {
    let vowel = name.chars().next().is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {name}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_checks() {
        let c = serde_json::json!({"exp": 100, "nbf": 5000, "aud": ["api"], "iss": "me"});
        let e = Expect {
            aud: Some("web".into()),
            iss: Some("you".into()),
            require: vec!["userId".into()],
            leeway: 60,
            library_decides: false,
        };
        let codes: Vec<&str> = claims(&c, &e, 1000).iter().map(|f| f.code.id).collect();
        assert_eq!(codes, vec!["AD405", "AD410", "AD406", "AD407", "AD408"]);
        let codes: Vec<&str> = claims(
            &c,
            &Expect {
                leeway: 60,
                ..Default::default()
            },
            120,
        )
        .iter()
        .map(|f| f.code.id)
        .collect();
        assert_eq!(
            codes,
            vec!["AD416", "AD410", "AD411"],
            "exp within leeway passes, and says it did only thanks to the leeway"
        );
    }

    /// With `--verifier`, the library's verdict replaces the claim checks (only `require` stays)
    /// and AD421 quotes its error.
    #[test]
    fn the_library_decides() {
        let c = serde_json::json!({"exp": 100, "aud": "api"});
        let e = Expect {
            require: vec!["userId".into()],
            library_decides: true,
            ..Default::default()
        };
        let codes: Vec<&str> = claims(&c, &e, 1000).iter().map(|f| f.code.id).collect();
        assert_eq!(codes, vec!["AD408"]);

        let secret = Secret::new(b"Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE".to_vec());
        let k = jsonwebtoken::EncodingKey::from_secret(secret.expose());
        let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &serde_json::json!({"aud": "api"}), &k)
            .expect("signs");
        let candidates = [("backend".to_string(), &secret)];
        let call = |verifier| VerifierCall {
            verifier,
            algorithms: None,
            algorithms_assumed: false,
            audience: None,
            issuer: None,
            salt: None,
        };
        let found = verifier(&token, &call(Verifier::PythonJose), &candidates, None, 1000);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code.id, "AD421");
        assert!(
            found[0]
                .message
                .starts_with("python-jose 3.5.0: JWTClaimsError: Invalid audience — jose.jwt.decode("),
            "{}",
            found[0].message
        );
        assert!(verifier(&token, &call(Verifier::Jose), &candidates, None, 1000).is_empty());
    }

    /// RFC 9864's `Ed25519` (jose 6) verifies as EdDSA with the same key.
    #[test]
    fn ed25519_is_eddsa() {
        let text = include_str!("../../tests/fixtures/tokens/pyjwt.json");
        let rec: Value = serde_json::from_str(text).expect("recording");
        let t = rec["tokens"]
            .as_array()
            .and_then(|a| a.iter().find(|t| t["alg"] == "EdDSA"))
            .expect("an EdDSA token");
        let private = jsonwebtoken::EncodingKey::from_ed_pem(t["private_pem"].as_str().unwrap_or("").as_bytes())
            .expect("private key");
        use base64::Engine as _;
        let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let input = format!("{}.{}", b64(br#"{"alg":"Ed25519"}"#), b64(br#"{"sub":"u1"}"#));
        let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &private, Algorithm::EdDSA).expect("signs");
        let Ok(Token::Jws(j)) = crate::jwt::parse(&format!("{input}.{sig}")) else {
            panic!("parses")
        };
        assert!(needs_public_keys(&j));
        let keys = crate::jwt::keys::from_json(&t["jwk"].to_string(), "jwk").expect("jwk");
        let k = Keys {
            keys,
            unreadable: Vec::new(),
        };
        let v = signature(&j, &[], &[], Some(&k));
        assert!(
            v.verified,
            "{:?}",
            v.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        let v = signature(&j, &["EdDSA".to_string()], &[], Some(&k));
        assert!(v.verified, "--alg EdDSA allows Ed25519");
    }
}
