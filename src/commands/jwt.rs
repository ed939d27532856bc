//! `authdoctor jwt decode | verify | sign`.

use crate::checks::token;
use crate::cli::{self, Global};
use crate::error::Error;
use crate::jwt::profiles::Verifier;
use crate::jwt::{self, Token, jwe, keys};
use crate::report::{Report, TokenView};
use crate::secret::Secret;
use serde_json::Value;
use std::io::{IsTerminal, Read};
use std::str::FromStr;
use std::time::Duration;

/// The raw token text: an argument, a file holding one, or standard input.
pub(crate) fn read_token(arg: Option<&str>) -> Result<String, Error> {
    match arg {
        None | Some("-") => {
            if arg.is_none() && std::io::stdin().is_terminal() {
                return Err(Error::new("no token given")
                    .hint("pass the token as an argument, a file, or pipe it: `pbpaste | authdoctor jwt decode -`"));
            }
            let mut s = String::new();
            std::io::stdin()
                .take(1 << 20)
                .read_to_string(&mut s)
                .map_err(|e| Error::new(format!("could not read the token from standard input: {e}")))?;
            Ok(s)
        }
        Some(a) if !a.contains('.') && std::path::Path::new(a).is_file() => {
            crate::source::read_regular_string(std::path::Path::new(a))
                .map_err(|e| Error::unreadable(format!("{a}: {e}")))
        }
        Some(a) if std::path::Path::new(a).is_file() && a.len() < 4096 => {
            crate::source::read_regular_string(std::path::Path::new(a))
                .map_err(|e| Error::unreadable(format!("{a}: {e}")))
        }
        Some(a) => Ok(a.to_string()),
    }
}

fn times(claims: &Value, now: i64) -> std::collections::BTreeMap<String, String> {
    ["exp", "iat", "nbf", "auth_time"]
        .iter()
        .filter_map(|k| {
            claims
                .get(*k)
                .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
                .map(|t| {
                    let mut s = jwt::human_time(t, now);
                    if *k == "exp" && t < now {
                        s.push_str(" — expired");
                    }
                    (k.to_string(), s)
                })
        })
        .collect()
}

/// Intake and parse; the report so far (token view, AD401/AD402/AD412) and the parsed token.
fn read(arg: Option<&str>, command: &'static str) -> Result<(Report, Option<Token>, jwt::Intake), Error> {
    let raw = read_token(arg)?;
    let intake = jwt::intake(&raw).map_err(|e| Error::new(format!("could not find a token in the input: {e}")))?;
    Ok(examine(intake, command))
}

/// The report so far for a token already found: its view, and AD401/AD402/AD412.
pub fn examine(intake: jwt::Intake, command: &'static str) -> (Report, Option<Token>, jwt::Intake) {
    let mut report = Report::new(command);
    let mut view = TokenView {
        size: intake.token.len(),
        stripped: intake.stripped.clone(),
        ..Default::default()
    };
    let parsed = jwt::parse(&intake.token);
    report.findings.extend(token::intake(&intake.token, &parsed));
    let parsed = parsed.ok();
    if parsed.is_none() {
        view.kind = "malformed".into();
    }
    let now = jwt::now();
    match &parsed {
        Some(Token::Jws(j)) => {
            view.kind = format!(
                "signed JWT (JWS, {})",
                j.header.get("alg").and_then(Value::as_str).unwrap_or("?")
            );
            view.header = Some(j.header.clone());
            view.claims = Some(j.claims.clone());
            view.times = times(&j.claims, now);
        }
        Some(Token::Jwe(e)) => {
            let enc = e.header.get("enc").and_then(Value::as_str).unwrap_or("?");
            let alg = e.header.get("alg").and_then(Value::as_str).unwrap_or("?");
            view.kind = format!("encrypted JWT (JWE, alg {alg}, enc {enc})");
            view.header = Some(e.header.clone());
        }
        None => {}
    }
    report.token = Some(view);
    (report, parsed, intake)
}

pub fn decode(token: Option<&str>) -> Result<(Report, Vec<Secret>), Error> {
    let (report, _, _) = read(token, "jwt decode")?;
    Ok((report, Vec::new()))
}

pub struct VerifyArgs<'a> {
    pub token: Option<&'a str>,
    /// Parsed by [`super::parse_sources`] in `dispatch_verify`.
    pub secrets: Vec<crate::source::Spec>,
    pub keys: &'a [String],
    pub jwks: Option<&'a str>,
    pub discover: bool,
    pub expect: token::Expect,
    /// Allowed `alg` names; empty: any the key fits.
    pub algs: Vec<String>,
    pub salt: Option<&'a str>,
    /// The library the backend verifies with (`--verifier`): its verdict is AD421.
    pub verifier: Option<Verifier>,
}

pub async fn verify(mut a: VerifyArgs<'_>, global: &Global) -> Result<(Report, Vec<Secret>), Error> {
    let (mut report, parsed, intake) = read(a.token, "jwt verify")?;
    if a.secrets.is_empty() && a.keys.is_empty() && a.jwks.is_none() && !a.discover {
        return Err(Error::new("nothing to verify with")
            .hint("give --secret SOURCE (repeatable), --key FILE, --jwks URL|FILE or --discover"));
    }
    let outcomes = if a.secrets.is_empty() {
        Vec::new()
    } else {
        super::fetch(std::mem::take(&mut a.secrets), global).await?
    };
    let refs: Vec<&crate::source::Outcome> = outcomes.iter().collect();
    let secrets = check_token(&mut report, parsed, &intake, &refs, &a, global.timeout).await;
    Ok((report, secrets))
}

/// Verify a parsed token against candidates already fetched (`jwt verify`, and `check`'s tokens);
/// returns the secrets read, for redaction.
pub async fn check_token(
    report: &mut Report,
    parsed: Option<Token>,
    intake: &jwt::Intake,
    outcomes: &[&crate::source::Outcome],
    a: &VerifyArgs<'_>,
    timeout: Duration,
) -> Vec<Secret> {
    super::source_rows(outcomes, report, false);
    // A symmetric JWK (`kty: "oct"`) given to --key is an HMAC secret: its `k` bytes are a candidate.
    let hmac_token = matches!(&parsed, Some(Token::Jws(j)) if !token::needs_public_keys(j));
    let octs: Vec<(String, Secret)> = if hmac_token {
        a.keys
            .iter()
            .filter_map(|f| {
                crate::source::read_regular_string(std::path::Path::new(f))
                    .ok()
                    .map(|t| (f, t))
            })
            .flat_map(|(f, t)| {
                keys::oct_secrets(&t).into_iter().map(move |(kid, k)| {
                    let kid = kid.map(|k| format!(" (kid {k})")).unwrap_or_default();
                    (format!("--key {f}{kid}"), Secret::new(k))
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let readable: Vec<(String, &Secret)> = outcomes
        .iter()
        .filter_map(|o| {
            let label = if o.spec.label.is_some() {
                format!("{} ({})", o.spec.name(), o.spec.raw)
            } else {
                o.spec.raw.clone()
            };
            o.secret().map(|s| (label, s))
        })
        .chain(octs.iter().map(|(l, s)| (l.clone(), s)))
        .collect();
    let values: Vec<&[u8]> = readable.iter().map(|(_, s)| s.expose()).collect();
    let secrets: Vec<Secret> = readable.iter().map(|(_, s)| (*s).clone()).collect();
    let now = jwt::now();
    let Some(token) = parsed else { return secrets };
    let (token_alg, asymmetric) = match &token {
        Token::Jws(j) => (
            j.header.get("alg").and_then(Value::as_str).unwrap_or("").to_string(),
            token::needs_public_keys(j),
        ),
        Token::Jwe(_) => (String::new(), false),
    };
    match token {
        Token::Jwe(e) => {
            if values.is_empty() {
                report.findings.push(token::session_cookie_needs_secret());
                return secrets;
            }
            // Every candidate in every form a store leaves it in, as for signatures.
            let mut flat: Vec<Vec<u8>> = Vec::new();
            let mut forms: Vec<(String, Option<crate::transform::Transform>)> = Vec::new();
            for (who, s) in &readable {
                for (form, v) in jwt::verify::variants(s.expose()) {
                    flat.push(v);
                    forms.push((who.clone(), form));
                }
            }
            let flat_refs: Vec<&[u8]> = flat.iter().map(Vec::as_slice).collect();
            // A salt given (or the cookie's own name) is the only one the app would use.
            let expected: Vec<String> = match (a.salt, intake.cookie.as_deref()) {
                (Some(s), _) | (None, Some(s)) => vec![s.to_string()],
                (None, None) => jwe::AUTHJS_SALTS.iter().map(|s| s.to_string()).collect(),
            };
            let mut opened = jwe::open(&e, &flat_refs, &expected);
            let mut other_salt = None;
            if opened.is_err() && (a.salt.is_some() || intake.cookie.is_some()) {
                let others = jwe::other_salts(&expected);
                if let Ok(o) = jwe::open(&e, &flat_refs, &others) {
                    other_salt = Some((expected[0].clone(), o.salt.clone()));
                    opened = Ok(o);
                }
            }
            report
                .findings
                .extend(token::session_cookie(&opened, &forms, other_salt.as_ref()));
            if let Ok(o) = opened {
                report.findings.extend(token::claims(&o.claims, &a.expect, now));
                if let Some(v) = report.token.as_mut() {
                    v.times = times(&o.claims, now);
                    v.claims = Some(o.claims);
                    v.verified = other_salt.is_none();
                }
            }
        }
        Token::Jws(j) => verify_jws(report, &j, a, &readable, timeout, now).await,
    }
    if let Some(v) = a.verifier {
        // PyJWT requires `algorithms=`: without --alg, the backend is taken to list the token's own.
        let assumed = a.algs.is_empty() && v == Verifier::PyJwt && !token_alg.is_empty();
        let own = vec![token_alg];
        let call = token::VerifierCall {
            verifier: v,
            algorithms: if !a.algs.is_empty() {
                Some(&a.algs)
            } else if assumed {
                Some(&own)
            } else {
                None
            },
            algorithms_assumed: assumed,
            audience: a.expect.aud.as_deref(),
            issuer: a.expect.iss.as_deref(),
            salt: a.salt.or(intake.cookie.as_deref()),
        };
        let public = asymmetric.then(|| report.token.as_ref().is_some_and(|t| t.verified));
        report
            .findings
            .extend(token::verifier(&intake.token, &call, &readable, public, now));
    }
    secrets
}

async fn verify_jws(
    report: &mut Report,
    j: &jwt::Jws,
    a: &VerifyArgs<'_>,
    readable: &[(String, &Secret)],
    timeout: Duration,
    now: i64,
) {
    report.findings.extend(token::claims(&j.claims, &a.expect, now));
    let keys = if token::needs_public_keys(j) {
        Some(gather_keys(j, a, timeout).await)
    } else {
        None
    };
    // A key file or URL that could not be read is a source that could not be read (exit 3).
    for (what, _) in keys.iter().flat_map(|k| k.failed.iter()) {
        let mut row = crate::report::SourceRow::new(what.clone(), what.clone(), crate::report::SourceKind::File);
        row.status = crate::report::SourceStatus::Error;
        report.sources.push(row);
    }
    let verdict = token::signature(j, &a.algs, readable, keys.as_ref().map(|k| &k.keys));
    report.findings.extend(verdict.findings);
    if verdict.verified
        && let Some(v) = report.token.as_mut()
    {
        v.verified = true;
    }
}

/// The public keys for an asymmetric token: from files, a JWKS, or the issuer's discovery
/// document, and what could not be read.
async fn gather_keys(j: &jwt::Jws, a: &VerifyArgs<'_>, timeout: Duration) -> Gathered {
    let mut all = Vec::new();
    let mut notes = Vec::new();
    let mut failed = Vec::new();
    for f in a.keys {
        match keys::from_file(f) {
            Ok(k) => all.extend(k),
            Err(e) => {
                notes.push(e);
                failed.push((format!("--key {f}"), f.clone()));
            }
        }
    }
    if let Some(loc) = a.jwks {
        match keys::jwks(loc, timeout).await {
            Ok(k) => all.extend(k),
            Err(e) => {
                notes.push(e);
                failed.push((format!("--jwks {loc}"), loc.to_string()));
            }
        }
    }
    if a.discover {
        match j.claims.get("iss").and_then(Value::as_str) {
            Some(iss) => match keys::discover(iss, timeout).await {
                Ok((_, k)) => all.extend(k),
                Err(e) => {
                    notes.push(e);
                    failed.push((format!("--discover {iss}"), iss.to_string()));
                }
            },
            None => notes.push("--discover needs an iss claim in the token".into()),
        }
    }
    Gathered {
        keys: token::Keys {
            keys: all,
            unreadable: notes,
        },
        failed,
    }
}

/// The keys gathered, and the `--key`/`--jwks`/`--discover` locations that could not be read.
struct Gathered {
    keys: token::Keys,
    failed: Vec<(String, String)>,
}

/// `90s`, `30m`, `1h`, `7d`, or plain seconds.
fn duration(s: &str) -> Result<i64, Error> {
    let (num, unit) = s
        .trim()
        .split_at(s.trim().find(|c: char| !c.is_ascii_digit()).unwrap_or(s.trim().len()));
    let n: i64 = num
        .parse()
        .map_err(|_| Error::new(format!("--exp {s:?} is not a duration")).hint("use 90s, 30m, 1h or 7d"))?;
    let mult = match unit {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(Error::new(format!("--exp {s:?}: unknown unit {unit:?}")).hint("use s, m, h or d")),
    };
    Ok(n * mult)
}

pub struct SignArgs<'a> {
    pub secret: Option<&'a str>,
    pub key: Option<&'a str>,
    pub alg: &'a str,
    pub claim: &'a [String],
    pub claims: Option<&'a str>,
    pub exp: Option<&'a str>,
    pub aud: Option<&'a str>,
    pub iss: Option<&'a str>,
    pub kid: Option<&'a str>,
    /// Sign with a secret that has surrounding whitespace, as it is.
    pub secret_as_is: bool,
}

/// A token signed, the secrets read (for redaction of anything else printed), and warnings for
/// stderr.
pub struct Signed {
    pub token: String,
    pub secrets: Vec<Secret>,
    pub warnings: Vec<String>,
}

/// Where a secret's surrounding whitespace is, by name and offset ("LF 0x0a at byte 64"), never
/// its other bytes; `None` when it has none.
fn surrounding_whitespace(v: &[u8]) -> Option<String> {
    let name = |b: u8| match b {
        b'\n' => "LF 0x0a",
        b'\r' => "CR 0x0d",
        b'\t' => "TAB 0x09",
        b' ' => "space 0x20",
        0x0b => "VT 0x0b",
        _ => "FF 0x0c",
    };
    let lead = v.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if lead == v.len() {
        return (!v.is_empty()).then(|| "only whitespace".to_string());
    }
    let trail = v.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
    let mut at: Vec<String> = Vec::new();
    for (i, b) in v.iter().enumerate() {
        if i < lead || i >= v.len() - trail {
            at.push(format!("{} at byte {i}", name(*b)));
        }
    }
    (!at.is_empty()).then(|| at.join(", "))
}

/// Sign a token with `a`'s secret or key.
pub async fn sign(a: SignArgs<'_>, global: &Global) -> Result<Signed, Error> {
    let alg = jsonwebtoken::Algorithm::from_str(a.alg).map_err(|_| {
        Error::new(format!("--alg {:?} is not supported", a.alg))
            .hint("HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384 or EdDSA")
    })?;
    let mut claims = match a.claims {
        Some(j) => match serde_json::from_str::<Value>(j) {
            Ok(Value::Object(o)) => o,
            _ => {
                return Err(Error::new("--claims must be one JSON object")
                    .hint(r#"e.g. --claims '{"sub":"user-1","roles":["admin"]}'"#));
            }
        },
        None => serde_json::Map::new(),
    };
    for c in a.claim {
        let Some((k, v)) = c.split_once('=') else {
            return Err(Error::new(format!("--claim {c:?} is not K=V")));
        };
        claims.insert(
            k.to_string(),
            serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string())),
        );
    }
    let now = jwt::now();
    claims.insert("iat".into(), now.into());
    if let Some(e) = a.exp {
        claims.insert("exp".into(), (now + duration(e)?).into());
    }
    if let Some(x) = a.aud {
        claims.insert("aud".into(), x.into());
    }
    if let Some(x) = a.iss {
        claims.insert("iss".into(), x.into());
    }
    let mut header = jsonwebtoken::Header::new(alg);
    header.kid = a.kid.map(str::to_string);
    let mut read = Vec::new();
    let mut warnings = Vec::new();
    let key = if alg.family() == jsonwebtoken::AlgorithmFamily::Hmac {
        let Some(src) = a.secret else {
            return Err(Error::new(format!("{} needs --secret SOURCE", a.alg)));
        };
        let outcomes = super::fetch(super::parse_sources(&[src.to_string()])?, global).await?;
        let o = &outcomes[0];
        let s = match &o.result {
            Ok(_) => o
                .secret()
                .cloned()
                .ok_or_else(|| Error::new(format!("{src}: yields no value to sign with")))?,
            Err(e) => {
                return Err(
                    Error::unreadable(format!("could not read the secret: {}", e.message)).hint(
                        e.hint
                            .clone()
                            .unwrap_or_else(|| "check the source named in --secret".into()),
                    ),
                );
            }
        };
        // A newline from `echo` or a file signs tokens no verifier holding the trimmed value accepts.
        if !a.secret_as_is
            && let Some(at) = surrounding_whitespace(s.expose())
        {
            return Err(Error::new(format!(
                "the secret from {src} has surrounding whitespace ({at}): verifiers that read it trimmed reject tokens signed with it"
            ))
            .hint("remove it where the secret is stored (`printf %s` instead of `echo`), or give --secret-as-is to sign with the bytes as they are"));
        }
        let min = match alg {
            jsonwebtoken::Algorithm::HS384 => 48,
            jsonwebtoken::Algorithm::HS512 => 64,
            _ => 32,
        };
        if s.expose().len() < min {
            warnings.push(format!(
                "warning: the secret from {src} is {} bytes, shorter than the {min} bytes {} needs (RFC 7518 §3.2; AD201); PyJWT warns and some libraries refuse it",
                s.expose().len(),
                a.alg
            ));
        }
        let k = jsonwebtoken::EncodingKey::from_secret(s.expose());
        read.push(s);
        k
    } else {
        let Some(path) = a.key else {
            return Err(Error::new(format!("{} needs --key PRIVATE.pem", a.alg)));
        };
        let pem = crate::source::read_regular(std::path::Path::new(path))
            .map_err(|e| Error::unreadable(format!("{path}: {e}")))?;
        let made = match alg.family() {
            jsonwebtoken::AlgorithmFamily::Rsa => jsonwebtoken::EncodingKey::from_rsa_pem(&pem),
            jsonwebtoken::AlgorithmFamily::Ec => {
                let pkcs8 = keys::sec1_to_pkcs8(&pem, alg).map_err(|e| Error::new(format!("{path}: {e}")))?;
                jsonwebtoken::EncodingKey::from_ec_pem(pkcs8.as_deref().unwrap_or(&pem))
            }
            _ => jsonwebtoken::EncodingKey::from_ed_pem(&pem),
        };
        made.map_err(|e| Error::new(format!("{path}: not a private key for {} ({e})", a.alg)))?
    };
    let token = jsonwebtoken::encode(&header, &Value::Object(claims), &key)
        .map_err(|e| Error::new(format!("could not sign: {e}")))?;
    Ok(Signed {
        token,
        secrets: read,
        warnings,
    })
}

/// `jwt verify`'s command line as [`verify`] takes it, the secret sources parsed.
pub fn dispatch_verify(c: &cli::VerifyArgs) -> Result<VerifyArgs<'_>, Error> {
    Ok(VerifyArgs {
        token: c.token.as_deref(),
        secrets: super::parse_sources(&c.secrets)?,
        keys: &c.keys,
        jwks: c.jwks.as_deref(),
        discover: c.discover,
        expect: token::Expect {
            aud: c.aud.clone(),
            iss: c.iss.clone(),
            require: c.require.clone(),
            leeway: c.leeway as i64,
            library_decides: c.verifier.is_some(),
        },
        algs: c.algs.iter().map(|a| a.name().to_string()).collect(),
        salt: c.salt.as_deref(),
        verifier: c.verifier,
    })
}

/// `jwt sign`'s command line as [`sign`] takes it.
pub fn sign_args(c: &cli::SignArgs) -> SignArgs<'_> {
    SignArgs {
        secret: c.secret.as_deref(),
        key: c.key.as_deref(),
        alg: c.alg.name(),
        claim: &c.claim,
        claims: c.claims.as_deref(),
        exp: c.exp.as_deref(),
        aud: c.aud.as_deref(),
        iss: c.iss.as_deref(),
        kid: c.kid.as_deref(),
        secret_as_is: c.secret_as_is,
    }
}
