//! `authdoctor probe URL --secret SOURCE…`: ask the live backend which candidate secret it accepts.
//!
//! For each candidate (and, unless `--as-stored`, each distinct form of it that libraries and
//! deployments use: trimmed, unquoted, decoded …) one short-lived token (exp 60 s) is minted and
//! sent the way the user describes; two controls go first in the list (no token; a token signed
//! with a random key). All requests go out concurrently, each within `--timeout`, only to the
//! URL given (redirects to another host are not followed), at most [`MAX_REQUESTS`] in all. What
//! the answers mean is decided in [`crate::checks::probe`]. Minted tokens are never printed: they
//! join the values the output is scrubbed of.

use crate::checks::probe::{self as check, Answer, Reply, Tried};
use crate::cli::{self, Global};
use crate::error::Error;
use crate::jwt::{self, Token, jwe, verify};
use crate::report::{ProbeHolder, ProbeRow, ProbeView, Report, SourceKind, SourceRow, SourceStatus};
use crate::secret::Secret;
use crate::source::FetchError;
use crate::transform::Transform;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde_json::{Map, Value};
use std::time::Duration;
use zeroize::Zeroizing;

/// The most requests one probe sends: the two controls and the candidate forms.
pub const MAX_REQUESTS: usize = 50;
/// The control requests: no token, a token signed with a random key, and (when a candidate got
/// another answer) a second random-key token after the rest.
const CONTROLS: usize = 3;
/// Candidate requests in flight at once: concurrent, without being the burst a small backend
/// answers with 503.
const IN_FLIGHT: usize = 4;
/// The most of an answer's body read (its error text is near the start).
const MAX_ANSWER_BODY: usize = 64 * 1024;
/// Lifetime of every minted token and cookie, in seconds.
const LIFETIME: i64 = 60;
/// Where `{token}` is written in `--header` values and `--data`.
const PLACEHOLDER: &str = "{token}";

/// How the token travels: the request's headers (`{token}` in a value) and body.
#[derive(Debug, Clone)]
struct Request {
    method: Method,
    url: Url,
    headers: Vec<(HeaderName, String)>,
    body: Option<String>,
    /// `--authjs`: the cookie flavour and salt.
    authjs: Option<(jwe::Flavor, String)>,
}

impl Request {
    /// Where the token goes, for the report: `Authorization: Bearer {token}`.
    fn token_in(&self) -> String {
        let mut at: Vec<String> = self
            .headers
            .iter()
            .filter(|(_, v)| v.contains(PLACEHOLDER))
            .map(|(n, v)| format!("{}: {v}", canonical(n)))
            .collect();
        if self.body.as_deref().is_some_and(|b| b.contains(PLACEHOLDER)) {
            at.push("the body".into());
        }
        at.join(", ")
    }

    /// What else goes with every request, names only (a header value may be a credential):
    /// `Content-Type, X-Api-Key; a 42-byte body`.
    fn also_sends(&self) -> Option<String> {
        let mut parts: Vec<String> = self
            .headers
            .iter()
            .filter(|(_, v)| !v.contains(PLACEHOLDER))
            .map(|(n, _)| canonical(n))
            .collect();
        if let Some(b) = &self.body {
            parts.push(format!("a {}-byte body", b.len()));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The request with `token` in place, or without the headers that carry one (`None`).
    fn build(&self, client: &reqwest::Client, token: Option<&str>) -> Result<reqwest::RequestBuilder, String> {
        let mut rb = client.request(self.method.clone(), self.url.clone());
        for (name, value) in &self.headers {
            let v = match token {
                Some(t) => value.replace(PLACEHOLDER, t),
                None if value.contains(PLACEHOLDER) => continue,
                None => value.clone(),
            };
            let hv = HeaderValue::from_str(&v).map_err(|_| format!("header {name} is not a valid header value"))?;
            rb = rb.header(name.clone(), hv);
        }
        if let Some(b) = &self.body {
            rb = rb.body(b.replace(PLACEHOLDER, token.unwrap_or("")));
        }
        Ok(rb)
    }
}

/// `Authorization` rather than `authorization` in what the report says.
fn canonical(n: &HeaderName) -> String {
    n.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The URL as the report shows it: query values replaced by `…` (an `?api_key=` is a credential).
fn shown_url(url: &Url) -> String {
    let mut u = url.clone();
    if u.query().is_some() {
        let names: Vec<String> = u.query_pairs().map(|(k, _)| format!("{k}=…")).collect();
        u.set_query(Some(&names.join("&")));
    }
    u.to_string()
}

/// Loopback hosts, where plain http never leaves the machine.
fn is_loopback(url: &Url) -> bool {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let h = host.to_ascii_lowercase();
            h == "localhost" || h.ends_with(".localhost")
        }
    }
}

/// The URL, checked: http(s), no credentials in it, https unless loopback or `--allow-http`.
fn target(raw: &str, allow_http: bool) -> Result<Url, Error> {
    let url = Url::parse(raw).map_err(|e| {
        Error::new(format!("probe: {raw:?} is not a URL ({e})"))
            .hint("give the full URL, e.g. https://api.example.com/me")
    })?;
    if raw.contains(PLACEHOLDER) || raw.contains("%7Btoken%7D") {
        return Err(
            Error::new("probe: {token} in the URL is not supported: a token in a URL lands in access logs").hint(
                "send it in a header (--header 'X-Token: {token}'), a cookie (--cookie NAME) or the body (--data)",
            ),
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::new("probe: the URL holds a user name or password")
            .hint("send credentials with --header, not in the URL (it is printed in the report)"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) || allow_http => Ok(url),
        "http" => Err(Error::new(format!(
            "probe: {} is plain http to a host that is not loopback: the minted tokens would cross the network in clear",
            url.host_str().unwrap_or("?")
        ))
        .hint("use https, or give --allow-http if this network is trusted")),
        other => Err(Error::new(format!("probe: {other}: is not http or https"))),
    }
}

/// The request the user described: method, headers, where the token goes, body.
fn request(a: &cli::ProbeArgs, mut url: Url) -> Result<Request, Error> {
    let method = match &a.method {
        Some(m) => Method::from_bytes(m.to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::new(format!("--method {m:?} is not an HTTP method")))?,
        None if a.data.is_some() => Method::POST,
        None => Method::GET,
    };
    let mut headers = Vec::new();
    for h in &a.headers {
        let Some((name, value)) = h.split_once(':') else {
            return Err(Error::new("--header must be 'Name: value'").hint("e.g. --header 'X-Api-Token: {token}'"));
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| Error::new("--header: the part before ':' is not a header name"))?;
        // Where the request goes and how it is framed are not the user's to set: a Host header
        // would send the tokens to another virtual host behind the same address.
        if [
            reqwest::header::HOST,
            reqwest::header::CONTENT_LENGTH,
            reqwest::header::TRANSFER_ENCODING,
            reqwest::header::CONNECTION,
        ]
        .contains(&name)
        {
            return Err(
                Error::new(format!("--header {}: probe sets this header itself", canonical(&name)))
                    .hint("the request goes to the URL given, framed by probe: drop this header (for another host, change the URL)"),
            );
        }
        headers.push((name, value.trim().to_string()));
    }
    // RFC 6265 cookie-name: an HTTP token.
    if let Some(c) = &a.cookie
        && (c.is_empty()
            || !c
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)))
    {
        return Err(Error::new(
            "--cookie: not a cookie name (letters, digits and !#$%&'*+-.^_`|~ only)",
        ));
    }
    let mut authjs = None;
    if a.authjs {
        let cookie = a.cookie.clone().unwrap_or_else(|| {
            if url.scheme() == "https" {
                format!("__Secure-{}", jwe::AUTHJS_SALTS[0])
            } else {
                jwe::AUTHJS_SALTS[0].to_string()
            }
        });
        let flavor = if cookie.contains("next-auth") {
            (jwe::Flavor::NextAuthV4, String::new())
        } else {
            (jwe::Flavor::AuthJsV5, cookie.clone())
        };
        authjs = Some(flavor);
        headers.push((reqwest::header::COOKIE, format!("{cookie}={PLACEHOLDER}")));
        if url.path().trim_end_matches('/').is_empty() {
            url.set_path("/api/auth/session");
        }
    } else if let Some(c) = &a.cookie {
        headers.push((reqwest::header::COOKIE, format!("{c}={PLACEHOLDER}")));
    }
    let carries = headers.iter().any(|(_, v)| v.contains(PLACEHOLDER))
        || a.data.as_deref().is_some_and(|d| d.contains(PLACEHOLDER));
    if !carries {
        headers.push((reqwest::header::AUTHORIZATION, format!("Bearer {PLACEHOLDER}")));
    }
    for (name, value) in &headers {
        HeaderValue::from_str(&value.replace(PLACEHOLDER, "x")).map_err(|_| {
            Error::new(format!(
                "--header {name}: the value has characters a header cannot carry"
            ))
        })?;
    }
    Ok(Request {
        method,
        url,
        headers,
        body: a.data.clone(),
        authjs,
    })
}

/// The forms of a value probe tries: `jwt verify`'s ([`verify::variants`]) but jjwt's lenient
/// base64, which turns any text into some bytes (a request each, for nothing).
fn forms(value: &[u8]) -> Vec<(Option<Transform>, Vec<u8>)> {
    verify::variants(value)
        .into_iter()
        .filter(|(f, _)| *f != Some(Transform::JavaBase64Decode))
        .collect()
}

/// A form in a few words, for the request table.
fn short(form: Option<Transform>) -> &'static str {
    match form {
        None => "as stored",
        Some(Transform::Trim) => "trimmed",
        Some(Transform::TrimStripQuotes) => "unquoted",
        Some(Transform::CrlfToLf) => "CRLF as LF",
        Some(Transform::TrimTrailingEscapedNewlines) => "without a trailing \\n",
        Some(Transform::Base64Decode) => "base64-decoded",
        Some(Transform::Base64UrlDecode) => "base64url-decoded",
        Some(Transform::HexDecode) => "hex-decoded",
        Some(Transform::AddTrailingLf) => "plus LF",
        Some(t) => t.name(),
    }
}

/// Random bytes from the operating system.
fn random(n: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut b = Zeroizing::new(vec![0u8; n]);
    getrandom::fill(&mut b).map_err(|e| Error::new(format!("no random bytes from the operating system: {e}")))?;
    Ok(b)
}

/// What every minted token carries: its claims, the HMAC algorithm, the `kid` header.
struct Minting {
    claims: Map<String, Value>,
    alg: jsonwebtoken::Algorithm,
    kid: Option<String>,
}

/// (source, form) pairs that hold the same bytes.
type Holders = Vec<(String, Option<Transform>)>;

/// The claims every minted token carries, and the algorithm and `kid` to sign with: `--claims-from`'s
/// (not verified), then `--claims`, then `--claim`, with fresh times (iat now, exp in
/// [`LIFETIME`] s, nbf now when present) and a fresh `jti` when there is one.
fn claims(a: &cli::ProbeArgs) -> Result<Minting, Error> {
    let mut claims = Map::new();
    let mut alg = None;
    let mut kid = a.kid.clone();
    if let Some(from) = &a.claims_from {
        let raw = super::jwt::read_token(Some(from))?;
        let intake = jwt::intake(&raw).map_err(|e| Error::new(format!("--claims-from: no token found ({e})")))?;
        match jwt::parse(&intake.token) {
            Ok(Token::Jws(j)) => {
                if let Value::Object(o) = j.claims {
                    claims = o;
                }
                alg = j.header.get("alg").and_then(Value::as_str).map(str::to_string);
                if kid.is_none() {
                    kid = j.header.get("kid").and_then(Value::as_str).map(str::to_string);
                }
            }
            Ok(Token::Jwe(_)) => {
                return Err(
                    Error::new("--claims-from: the token is encrypted (JWE), so its claims cannot be copied")
                        .hint("give the claims with --claim K=V or --claims JSON"),
                );
            }
            Err(e) => return Err(Error::new(format!("--claims-from: not a JWT ({e})"))),
        }
    }
    if let Some(j) = &a.claims {
        match serde_json::from_str::<Value>(j) {
            Ok(Value::Object(o)) => claims.extend(o),
            _ => {
                return Err(Error::new("--claims must be one JSON object")
                    .hint(r#"e.g. --claims '{"sub":"user-1","aud":"api"}'"#));
            }
        }
    }
    for c in &a.claim {
        let Some((k, v)) = c.split_once('=') else {
            return Err(Error::new("--claim must be K=V").hint("e.g. --claim userId=3f2b8c1e"));
        };
        claims.insert(
            k.to_string(),
            serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string())),
        );
    }
    if a.authjs {
        claims.entry("sub").or_insert_with(|| "authdoctor-probe".into());
        claims.entry("name").or_insert_with(|| "authdoctor probe".into());
        claims
            .entry("email")
            .or_insert_with(|| "probe@authdoctor.invalid".into());
    }
    let now = jwt::now();
    claims.insert("iat".into(), now.into());
    claims.insert("exp".into(), (now + LIFETIME).into());
    if claims.contains_key("nbf") {
        claims.insert("nbf".into(), now.into());
    }
    if a.authjs || claims.contains_key("jti") {
        claims.insert("jti".into(), hex::encode(&*random(16)?).into());
    }
    let alg = match (a.alg, alg) {
        (Some(given), _) => given.name().to_string(),
        (None, Some(from)) => from,
        (None, None) => "HS256".to_string(),
    };
    let alg = match alg.as_str() {
        "HS256" => jsonwebtoken::Algorithm::HS256,
        "HS384" => jsonwebtoken::Algorithm::HS384,
        "HS512" => jsonwebtoken::Algorithm::HS512,
        other => {
            return Err(Error::new(format!(
                "probe signs with shared secrets (HS256, HS384, HS512), not {other}"
            ))
            .hint("a backend that verifies RS*/ES*/EdDSA holds a public key: check the token with `authdoctor jwt verify --jwks URL` instead"));
        }
    };
    Ok(Minting { claims, alg, kid })
}

/// One token (or Auth.js cookie) signed with `key`.
fn mint(req: &Request, key: &[u8], m: &Minting) -> Result<String, Error> {
    let mut claims = m.claims.clone();
    // Each token its own `jti`, as a replay cache expects.
    if claims.contains_key("jti") {
        claims.insert("jti".into(), hex::encode(&*random(16)?).into());
    }
    let claims = Value::Object(claims);
    match &req.authjs {
        Some((flavor, salt)) => jwe::encrypt(*flavor, key, salt, &claims)
            .map_err(|e| Error::new(format!("could not mint a session cookie: {e}"))),
        None => {
            let mut header = jsonwebtoken::Header::new(m.alg);
            header.kid = m.kid.clone();
            jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(key))
                .map_err(|e| Error::new(format!("could not sign: {e}")))
        }
    }
}

/// One request to send: who it stands for, and the token (none for the first control).
struct Planned {
    who: String,
    form: String,
    holders: Holders,
    token: Option<String>,
}

impl Planned {
    fn row(&self, reply: Option<&Reply>, passed: Option<bool>) -> ProbeRow {
        ProbeRow {
            who: self.who.clone(),
            form: self.form.clone(),
            holders: self
                .holders
                .iter()
                .map(|(l, f)| ProbeHolder {
                    source: l.clone(),
                    form: short(*f),
                })
                .collect(),
            status: reply.and_then(Reply::answer).map(|a| a.status),
            answer: reply.map(Reply::describe),
            signature_passed: passed,
        }
    }
}

/// Send one request and read the answer.
async fn send(client: &reqwest::Client, req: &Request, token: Option<&str>) -> Reply {
    let rb = match req.build(client, token) {
        Ok(rb) => rb,
        Err(e) => return Reply::Failed(e),
    };
    let mut resp = match rb.send().await {
        Ok(r) => r,
        Err(e) => return Reply::Failed(transport(&e.without_url())),
    };
    let status = resp.status().as_u16();
    let header = |name: reqwest::header::HeaderName| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let www = header(reqwest::header::WWW_AUTHENTICATE);
    let location = (300..400)
        .contains(&status)
        .then(|| header(reqwest::header::LOCATION))
        .flatten();
    // Where it points, without a query (which may carry anything).
    let location = location.map(|l| match req.url.join(&l) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "an unreadable Location".into(),
    });
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                body.extend_from_slice(&c);
                if body.len() >= MAX_ANSWER_BODY {
                    body.truncate(MAX_ANSWER_BODY);
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return Reply::Failed(transport(&e.without_url())),
        }
    }
    match status {
        429 => return Reply::Failed("HTTP 429 Too Many Requests: the backend rate-limits; try again later".into()),
        502..=504 => {
            return Reply::Failed(format!(
                "HTTP {status}: a proxy or the backend is overloaded or down, which says nothing about the token"
            ));
        }
        _ => {}
    }
    // An answer that quotes the token it was sent would differ from every other answer.
    let mut text = String::from_utf8_lossy(&body).into_owned();
    let mut www = www;
    if let Some(t) = token {
        let parts: Vec<&str> = std::iter::once(t)
            .chain(t.split('.').filter(|p| p.len() >= 8))
            .collect();
        for p in parts {
            text = text.replace(p, "[token]");
            www = www.map(|w| w.replace(p, "[token]"));
        }
    }
    Reply::Answer(read_answer(
        status,
        www.as_deref(),
        location,
        text.as_bytes(),
        req.authjs.is_some(),
    ))
}

/// Why a request got no answer, in a few words (the URL is in the report already).
fn transport(e: &reqwest::Error) -> String {
    let mut chain = String::new();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push_str(&s.to_string().to_ascii_lowercase());
        src = s.source();
    }
    let tls = chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake");
    if e.is_timeout() {
        "no answer within --timeout".into()
    } else if tls {
        "TLS failed: the server's certificate is not trusted (authdoctor never skips verification)".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        // The innermost cause says the most.
        let mut last = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            last = s.to_string();
            src = s.source();
        }
        last
    }
}

/// The parts of an answer probe compares: status, RFC 6750 `error`, the body's error text, and for
/// Auth.js whether a session came back.
pub fn read_answer(
    status: u16,
    www_authenticate: Option<&str>,
    location: Option<String>,
    body: &[u8],
    authjs: bool,
) -> Answer {
    let bearer_error = www_authenticate.and_then(|w| {
        // RFC 6750 §3 auth-params; a quoted-string may hold `\"` (RFC 9110 §5.6.4).
        static PARAM: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r#"(?i)(?:^|[\s,])(error|error_description)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))"#)
                .expect("a fixed pattern")
        });
        let param = |name: &str| -> Option<String> {
            PARAM
                .captures_iter(w)
                .find(|c| c[1].eq_ignore_ascii_case(name))
                .and_then(|c| c.get(2).or_else(|| c.get(3)))
                .map(|m| m.as_str().replace("\\\"", "\""))
        };
        match (param("error"), param("error_description")) {
            (Some(e), Some(d)) => Some(clean(&format!("{e}: {d}"))),
            (Some(e), None) => Some(clean(&e)),
            _ => None,
        }
    });
    let text = String::from_utf8_lossy(body);
    let json: Option<Value> = serde_json::from_str(&text).ok();
    let session = authjs.then(|| {
        json.as_ref()
            .and_then(Value::as_object)
            .is_some_and(|o| o.get("user").is_some_and(|u| !u.is_null()) || o.contains_key("expires"))
    });
    let failed_body = json.as_ref().and_then(Value::as_object).is_some_and(|o| {
        o.get("error").is_some_and(|e| !e.is_null())
            || o.get("errors")
                .is_some_and(|e| e.as_array().is_some_and(|a| !a.is_empty()))
            || o.get("detail").is_some_and(|e| !e.is_null())
    });
    let detail = match &json {
        Some(v) => error_text(v),
        None => {
            let t = text.trim();
            (!t.is_empty() && t.len() <= 200 && !t.starts_with('<')).then(|| t.lines().next().unwrap_or("").to_string())
        }
    }
    .map(|d| clean(&d))
    .filter(|d| !d.is_empty());
    // What answers are compared on: everything the backend said, in one line.
    let collapse = |t: &str| -> String {
        let one: Vec<&str> = t.split_whitespace().collect();
        let mut j = one.join(" ");
        if j.len() > 16 * 1024 {
            let mut end = 16 * 1024;
            while !j.is_char_boundary(end) {
                end -= 1;
            }
            j.truncate(end);
        }
        j
    };
    Answer {
        status,
        bearer_error,
        detail: if authjs { None } else { detail },
        failed_body,
        www: www_authenticate.map(collapse),
        body: collapse(&text),
        session,
        location,
    }
}

/// The error text of a JSON body: FastAPI's `detail` (a string, or validation errors' `msg`),
/// `message`, `error` (a string or an object with a message), `error_description`, `errors[0]`,
/// `title` (RFC 9457 problem details).
fn error_text(v: &Value) -> Option<String> {
    let s = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => ["message", "msg", "detail", "error"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_string)),
            Value::Array(a) => a.first().and_then(|f| match f {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => ["msg", "message"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_string)),
                _ => None,
            }),
            _ => None,
        }
    };
    let o = v.as_object()?;
    [
        "detail",
        "message",
        "msg",
        "error_description",
        "error",
        "errors",
        "title",
    ]
    .iter()
    .find_map(|k| o.get(*k).and_then(s))
}

/// Error text as the report shows it: one line of at most 200 characters, control characters
/// dropped, token-shaped words (three dot-separated base64url runs) masked.
fn clean(s: &str) -> String {
    let one: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    static JWT_SHAPED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_.-]*").expect("a fixed pattern")
    });
    let masked = JWT_SHAPED.replace_all(&one, "[token]").into_owned();
    // An answer may quote anything it was given or holds, in any encoding (base64, hex, URL
    // escapes, upper case, a digest): long words that are not plain words are not repeated.
    let masked: Vec<String> = masked
        .split(' ')
        .map(|w| {
            let upper = w.bytes().filter(u8::is_ascii_uppercase).count();
            let lower = w.bytes().filter(u8::is_ascii_lowercase).count();
            // Digits or encoding symbols, or shouting (an upper-cased value), but not CamelCase
            // names such as InvalidSignatureError.
            let odd = w.bytes().any(|b| b.is_ascii_digit() || b"%+/=\\".contains(&b))
                || (upper >= 2 && (lower == 0 || w.contains('-')));
            if w.chars().count() >= 12 && odd && w != "[token]" {
                "[…]".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    let masked = masked.join(" ");
    let t = masked.trim();
    match t.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

/// The probe's report, and every value and minted token (for the scrubbing of the output).
pub async fn run(a: &cli::ProbeArgs, global: &Global) -> Result<(Report, Vec<Secret>), Error> {
    let url = target(&a.url, a.allow_http)?;
    let stdin_secret = a
        .secrets
        .iter()
        .any(|s| s == "-" || s.ends_with("=-") || s.ends_with("=stdin:"));
    if a.claims_from.as_deref() == Some("-") && stdin_secret {
        return Err(
            Error::new("--claims-from - and a --secret from standard input cannot share it").hint(
                "put the token or the secret in a file (`--claims-from token.txt` or `--secret file:secret.txt`)",
            ),
        );
    }
    let req = request(a, url)?;
    let minting = claims(a)?;
    let specs = super::parse_sources(&a.secrets)?;
    let outcomes = super::fetch(specs, global).await?;
    let mut report = Report::new("probe");
    let refs: Vec<&crate::source::Outcome> = outcomes.iter().collect();
    super::source_rows(&refs, &mut report, global.reveal);
    let mut secrets: Vec<Secret> = outcomes.iter().filter_map(|o| o.secret().cloned()).collect();

    // The distinct bytes to try, each with the (source, form)s that hold them.
    let mut tries: Vec<(Zeroizing<Vec<u8>>, Holders)> = Vec::new();
    let mut candidates = Vec::new();
    let mut skipped = Vec::new();
    for o in &outcomes {
        let label = o.spec.name().to_string();
        match (&o.result, o.secret()) {
            (Ok(_), Some(s)) if s.is_empty() => {
                skipped.push(format!("{label}: the value is empty, nothing to sign with"))
            }
            (Ok(_), Some(s)) => {
                candidates.push(label.clone());
                let forms = if a.as_stored {
                    vec![(None, s.expose().to_vec())]
                } else {
                    forms(s.expose())
                };
                for (form, bytes) in forms {
                    let bytes = Zeroizing::new(bytes);
                    match tries.iter_mut().find(|(b, _)| **b == *bytes) {
                        Some((_, holders)) => holders.push((label.clone(), form)),
                        None => tries.push((bytes, vec![(label.clone(), form)])),
                    }
                }
            }
            (Ok(_), None) => skipped.push(format!(
                "{label}: yields fingerprints or a digest, not a value to sign with"
            )),
            (Err(_), _) => {}
        }
    }
    if candidates.is_empty() {
        // The sources' own findings say why each could not be read; nothing is sent.
        if report.sources.iter().all(|r| r.status.is_ok()) {
            return Err(Error::unreadable("probe: no candidate holds a value to sign with")
                .hint(format!("{}; give sources that yield a value", skipped.join("; "))));
        }
        return Ok((report, secrets));
    }
    if tries.len() + CONTROLS > MAX_REQUESTS {
        return Err(Error::new(format!(
            "probe would send {} requests ({CONTROLS} controls and {} candidate forms), more than its cap of {MAX_REQUESTS}",
            tries.len() + CONTROLS,
            tries.len()
        ))
        .hint("give fewer --secret sources, or --as-stored to try each value only as stored"));
    }

    let random_key = random(64)?;
    let random_again = random(64)?;
    let mut planned = vec![
        Planned {
            who: "control".into(),
            form: "no token".into(),
            holders: Vec::new(),
            token: None,
        },
        Planned {
            who: "control".into(),
            form: "random key".into(),
            holders: Vec::new(),
            token: Some(mint(&req, &random_key, &minting)?),
        },
    ];
    for (bytes, holders) in &tries {
        let who: Vec<&str> = holders.iter().map(|(l, _)| l.as_str()).collect();
        let mut form_names: Vec<&str> = Vec::new();
        for (_, f) in holders {
            if !form_names.contains(&short(*f)) {
                form_names.push(short(*f));
            }
        }
        planned.push(Planned {
            who: who.join(", "),
            form: form_names.join(" / "),
            holders: holders.clone(),
            token: Some(mint(&req, bytes, &minting)?),
        });
    }
    // A second random-key control, sent after every other answer is in and only when a candidate
    // got another answer than the first: a lockout or rate limit the probe set off, or ids in the
    // text, show as a control whose answer changed.
    let again = Planned {
        who: "control".into(),
        form: "random key, again after the others".into(),
        holders: Vec::new(),
        token: Some(mint(&req, &random_again, &minting)?),
    };
    secrets.extend(again.token.iter().map(|t| Secret::new(t.as_bytes().to_vec())));
    secrets.extend(
        planned
            .iter()
            .filter_map(|p| p.token.as_ref())
            .map(|t| Secret::new(t.as_bytes().to_vec())),
    );
    secrets.extend(tries.iter().map(|(b, _)| Secret::new(b.to_vec())));

    let mut view = ProbeView {
        method: req.method.to_string(),
        url: shown_url(&req.url),
        token_in: req.token_in(),
        also_sends: req.also_sends(),
        alg: if req.authjs.is_some() {
            None
        } else {
            Some(format!("{:?}", minting.alg))
        },
        dry_run: a.dry_run,
        skipped,
        requests: Vec::new(),
    };
    if a.dry_run {
        view.requests = planned.iter().map(|p| p.row(None, None)).collect();
        report.probe = Some(view);
        return Ok((report, secrets));
    }

    let client = client(global.timeout)?;
    // The controls first: without the random-key control's answer nothing can be concluded, and
    // no candidate is sent.
    let mut replies: Vec<Reply> =
        futures_util::future::join_all(planned[..2].iter().map(|p| send(&client, &req, p.token.as_deref()))).await;
    if replies[1].answer().is_some() {
        use futures_util::StreamExt as _;
        let answers: Vec<Reply> =
            futures_util::stream::iter(planned[2..].iter().map(|p| send(&client, &req, p.token.as_deref())))
                .buffered(IN_FLIGHT)
                .collect()
                .await;
        replies.extend(answers);
    } else {
        planned.truncate(2);
    }
    let differs = replies[2..].iter().any(
        |r| matches!((r.answer(), replies[1].answer()), (Some(a), Some(c)) if (a.status, &a.www, &a.body, a.session) != (c.status, &c.www, &c.body, c.session)),
    );
    if differs {
        replies.push(send(&client, &req, again.token.as_deref()).await);
        planned.push(again);
    } else {
        replies.push(replies[1].clone());
    }
    let last = replies.len() - 1;
    // A control that is redirected (a login page) says nothing about signatures.
    for i in [0, 1, last] {
        if let Some(to) = replies[i].answer().and_then(|a| a.location.clone()) {
            replies[i] = Reply::Failed(format!(
                "redirected to {to} (redirects are not followed): probe the URL the API itself answers on"
            ));
        }
    }
    let how = match (replies[1].answer(), replies[last].answer()) {
        (Some(a), Some(b)) => check::likeness(a, b),
        _ => None,
    };
    for (p, r) in planned.iter().zip(&replies) {
        let passed = match (r.answer(), &how) {
            (Some(a), Some(h)) if !p.holders.is_empty() => Some(!h.same(a)),
            _ => None,
        };
        view.requests.push(p.row(Some(r), passed));
    }
    let sent = planned.len().min(2 + tries.len());
    let tried: Vec<Tried> = planned[2..sent]
        .iter()
        .zip(&replies[2..sent])
        .map(|(p, r)| Tried {
            holders: p.holders.clone(),
            reply: r.clone(),
        })
        .collect();
    // Why requests got no answer, each reason once with whom it concerns.
    let mut failed: Vec<(String, Vec<String>)> = Vec::new();
    for (p, r) in planned.iter().zip(&replies) {
        if let Reply::Failed(why) = r {
            let who = format!("{} ({})", p.who, p.form);
            match failed.iter_mut().find(|(w, _)| w == why) {
                Some((_, list)) => list.push(who),
                None => failed.push((why.clone(), vec![who])),
            }
        }
    }
    let failed: Vec<String> = failed
        .into_iter()
        .map(|(why, who)| {
            let n = who.len();
            let shown: Vec<String> = who.into_iter().take(3).collect();
            let more = if n > 3 {
                format!(" and {} more", n - 3)
            } else {
                String::new()
            };
            format!("{why}: {}{more}", shown.join(", "))
        })
        .collect();
    if !failed.is_empty() {
        let mut row = SourceRow::new("backend", shown_url(&req.url), SourceKind::Value);
        row.status = SourceStatus::Error;
        report.sources.push(row);
        let e = FetchError::unreadable(format!("{} {}: {}", req.method, shown_url(&req.url), failed.join("; ")))
            .hint("check that the backend is up and reachable from here, or raise --timeout");
        report.findings.push(crate::checks::sources::failed("backend", &e));
    }
    report.findings.extend(check::conclude(
        &check::Controls {
            no_token: &replies[0],
            random_key: &replies[1],
            random_again: &replies[last],
            real_claims: a.claims_from.is_some(),
        },
        &tried,
        &candidates,
    ));
    report.probe = Some(view);
    Ok((report, secrets))
}

/// The one HTTP client of a probe: `timeout` per request, no redirect followed (a redirect is
/// an answer: a login page is no verdict on a token), no cookie store.
fn client(timeout: Duration) -> Result<reqwest::Client, Error> {
    // reqwest is built without a default crypto provider; ring is ours (see Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A fresh connection per request: a backend that closes one after an error (uvicorn after
        // a 500) must not turn the next request into a reset.
        .pool_max_idle_per_host(0)
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("authdoctor/", env!("CARGO_PKG_VERSION"), " (probe)"))
        .build()
        .map_err(|e| Error::new(format!("could not set up HTTP: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_unless_loopback() {
        assert!(target("http://127.0.0.1:8000/me", false).is_ok());
        assert!(target("http://localhost/me", false).is_ok());
        assert!(target("http://[::1]:80/", false).is_ok());
        assert!(target("http://api.example.com/me", false).is_err());
        assert!(target("http://api.example.com/me", true).is_ok());
        assert!(target("https://api.example.com/me", false).is_ok());
        assert!(target("https://u:p@api.example.com/me", false).is_err());
        assert!(target("ftp://api.example.com/", true).is_err());
    }

    #[test]
    fn answers_read_the_usual_error_shapes() {
        let a = read_answer(
            401,
            Some(r#"Bearer error="invalid_token", error_description="Signature verification failed""#),
            None,
            br#"{"detail":"Signature verification failed"}"#,
            false,
        );
        assert_eq!(
            a.bearer_error.as_deref(),
            Some("invalid_token: Signature verification failed")
        );
        assert_eq!(a.detail.as_deref(), Some("Signature verification failed"));
        let a = read_answer(
            422,
            None,
            None,
            br#"{"detail":[{"loc":["header"],"msg":"Field required"}]}"#,
            false,
        );
        assert_eq!(a.detail.as_deref(), Some("Field required"));
        let a = read_answer(401, None, None, br#"{"error":{"message":"jwt malformed"}}"#, false);
        assert_eq!(a.detail.as_deref(), Some("jwt malformed"));
        let a = read_answer(401, Some("Bearer error=invalid_token"), None, b"Unauthorized\n", false);
        assert_eq!(
            (a.bearer_error.as_deref(), a.detail.as_deref()),
            (Some("invalid_token"), Some("Unauthorized"))
        );
        // A quoted description holding escaped quotes is read whole (RFC 9110 quoted-string).
        let a = read_answer(
            401,
            Some(r#"Bearer realm="api", error="invalid_token", error_description="the \"aud\" claim is wrong""#),
            None,
            b"",
            false,
        );
        assert_eq!(
            a.bearer_error.as_deref(),
            Some(r#"invalid_token: the "aud" claim is wrong"#)
        );
        let a = read_answer(401, None, None, b"<html><body>401</body></html>", false);
        assert_eq!(a.detail, None);
        let a = read_answer(
            401,
            None,
            None,
            br#"{"message":"bad token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"}"#,
            false,
        );
        assert_eq!(a.detail.as_deref(), Some("bad token [token]"));
        let a = read_answer(200, None, None, b"null", true);
        assert_eq!(a.session, Some(false));
        let a = read_answer(
            200,
            None,
            None,
            br#"{"user":{"name":"x"},"expires":"2026-12-01T00:00:00Z"}"#,
            true,
        );
        assert_eq!(a.session, Some(true));
    }
}
