//! `configjs:URL-or-PATH#dotted.path`: a string inside a served JS/JSON config (`window.X = {…}`,
//! `var X = {…}`, `export default {…}`, bare JSON), parsed as JSON5 (unquoted keys, single quotes,
//! trailing commas, comments). One GET per URL per run, at most 5 redirects, a 2 MiB body cap.

use super::fetch::unplanned;
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Backends, FailureKind, FetchError, Fetched, Run, Shared, Spec};
use crate::secret::Secret;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "configjs",
    example: "configjs:https://demo.example.com/config.js#mcpEnhancedJwtSecret",
    yields: "a string inside a served JS/JSON config (`window.X = {…}`, `var X = {…}`, `export default {…}`, JSON; JSON5 syntax), by dotted path with [index]; also a local path. One GET per URL, 5 redirects, 2 MiB",
    options: &[],
    verbatim: false,
};

pub struct ConfigJs;

impl Scheme for ConfigJs {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        if spec.locator.is_empty() {
            return Err("configjs needs a URL or a path: configjs:URL#path.to.key".into());
        }
        if spec.key.is_none() {
            return Err("configjs needs the path of the value after '#'".into());
        }
        Ok(())
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

/// One GET per URL per run, shared by every source that reads that URL.
#[derive(Default)]
struct Documents(rustc_hash::FxHashMap<String, Shared<Document>>);

impl Remote for ConfigJs {
    fn plan(&self, spec: &Spec, backends: &mut Backends) {
        if is_url(&spec.locator) {
            backends.plan(|d: &mut Documents| {
                d.0.entry(spec.locator.clone()).or_default();
            });
        }
    }

    fn fetch<'a>(&'a self, spec: &'a Spec, run: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(async move {
            let doc = if is_url(&spec.locator) {
                let Some(cell) = run.backends.get::<Documents>().and_then(|d| d.0.get(&spec.locator)) else {
                    return Err(unplanned("GET for this URL"));
                };
                cell.get_or_init(|| get(&spec.locator, run.timeout)).await.clone()?
            } else {
                read_local(spec)?
            };
            extract(spec, &doc)
        })
    }
}

pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// A fetched config document: its text, and what the server said about it.
#[derive(Debug)]
pub struct Document {
    pub text: String,
    pub content_type: Option<String>,
    pub final_url: Option<String>,
}

pub fn is_url(locator: &str) -> bool {
    locator.starts_with("http://") || locator.starts_with("https://")
}

/// One GET, under the run's timeout: the body, or an error that names the cause.
pub async fn get(url: &str, timeout: Duration) -> Result<Arc<Document>, FetchError> {
    // reqwest is built without a default crypto provider; ring is ours (see Cargo.toml). Installing
    // fails only when one is already installed, which is just as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("authdoctor/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::unreadable(format!("{url}: could not set up HTTP: {e}")))?;
    let mut resp = client.get(url).send().await.map_err(|e| request_error(url, &e))?;
    let status = resp.status();
    let final_url = resp.url().to_string();
    if !status.is_success() {
        let (msg, hint) = if status.as_u16() == 404 {
            (
                "404 Not Found",
                "check the URL: the config is served from another path, or the deploy did not include it",
            )
        } else if status.is_server_error() {
            ("a server error", "the server failed; try again, and check its logs")
        } else {
            (
                "an error status",
                "check the URL and whether the page needs authentication",
            )
        };
        return Err(FetchError::unreadable(format!("{url}: HTTP {} ({msg})", status.as_u16())).hint(hint));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| request_error(url, &e))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            return Err(FetchError::unreadable(format!(
                "{url}: the response is larger than {} MiB; a config script is small, so this is the wrong URL",
                MAX_BODY / (1024 * 1024)
            ))
            .hint("point configjs: at the config script itself"));
        }
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    Ok(Arc::new(Document {
        text,
        content_type,
        final_url: Some(final_url),
    }))
}

fn request_error(url: &str, e: &reqwest::Error) -> FetchError {
    use std::error::Error as _;
    let mut chain = String::new();
    let mut src = e.source();
    while let Some(s) = src {
        chain.push_str(&s.to_string().to_ascii_lowercase());
        chain.push(' ');
        src = s.source();
    }
    if e.is_timeout() {
        FetchError::unreadable(format!("{url}: no answer within the timeout"))
            .hint("raise --timeout, or check that the host is reachable")
    } else if e.is_redirect() {
        FetchError::unreadable(format!("{url}: more than 5 redirects (a redirect loop?)"))
            .hint("open the URL in a browser to see where it redirects")
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake") {
        FetchError::unreadable(format!(
            "{url}: TLS failed: the server's certificate is not trusted ({})",
            chain.trim()
        ))
        .hint(
            "a self-signed or expired certificate, or a TLS-intercepting proxy; authdoctor does not skip verification",
        )
    } else if e.is_connect() {
        FetchError::unreadable(format!("{url}: could not connect"))
            .hint("check the host name, the port and the network")
    } else {
        FetchError::unreadable(format!("{url}: {e}"))
    }
}

/// Top-level objects of a config script: `(name, object)` for each `NAME = {…}` or `export default`,
/// or one unnamed object for bare JSON.
///
/// Errors: no object literal; one that is not plain data; brackets nested more than
/// [`MAX_NESTING`] deep (checked before parsing: the JSON5 parser recurses once per level, and
/// 50,000 levels overflow the stack).
pub fn objects(text: &str) -> Result<Vec<(Option<String>, Value)>, String> {
    let t = text.trim_start_matches('\u{feff}').trim();
    if nesting_depth(t.as_bytes()) > MAX_NESTING {
        return Err(format!(
            "too deeply nested: objects or arrays more than {MAX_NESTING} levels deep; a config script is shallow, so this is the wrong file"
        ));
    }
    if let Ok(v) = json5::from_str::<Value>(t) {
        return Ok(vec![(None, v)]);
    }
    let mut out = Vec::new();
    let b = t.as_bytes();
    let mut i = 0;
    let mut last_error = None;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' | b'`' => i = skip_string(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = t[i..].find('\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'*') => i = t[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2),
            b'{' => {
                let end = match_brace(b, i).ok_or("an object literal that never closes (truncated file?)")?;
                let name = assigned_name(&t[..i]);
                if name.is_some() || t[..i].trim_end().ends_with("export default") {
                    match json5::from_str::<Value>(&t[i..=end]) {
                        Ok(v) => out.push((name, v)),
                        Err(e) => {
                            last_error = Some(format!(
                                "an object literal that is not plain data ({e}); only literals (strings, numbers, objects, arrays) can be read"
                            ))
                        }
                    }
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    if out.is_empty() {
        return Err(last_error.unwrap_or_else(|| {
            "no `window.X = {…}`, `var X = {…}`, `export default {…}` or JSON object in it".into()
        }));
    }
    Ok(out)
}

/// The deepest nesting of objects and arrays (`{`, `[`) a config script may have; JSON parsers
/// take 128 as their limit too (serde_json's default).
pub const MAX_NESTING: usize = 128;

/// How deep `{`/`[` nest in a script, outside strings and comments: one linear pass, no recursion.
pub fn nesting_depth(b: &[u8]) -> usize {
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            _ if let Some(next) = skip_literal(b, i) => {
                i = next;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

/// The index just past the string or comment that starts at `i`, or `None` when none does.
fn skip_literal(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        b'\'' | b'"' | b'`' => Some(skip_string(b, i)),
        b'/' if b.get(i + 1) == Some(&b'/') => Some(b[i..].iter().position(|c| *c == b'\n').map_or(b.len(), |n| i + n)),
        b'/' if b.get(i + 1) == Some(&b'*') => {
            let mut j = i + 2;
            while j + 1 < b.len() && !(b[j] == b'*' && b[j + 1] == b'/') {
                j += 1;
            }
            Some(j + 2)
        }
        _ => None,
    }
}

fn skip_string(b: &[u8], start: usize) -> usize {
    let q = b[start];
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn match_brace(b: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            _ if let Some(next) = skip_literal(b, i) => {
                i = next;
                continue;
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `window.X =`, `window["X"] =`, `var X =`, `module.exports =` just before an object: the name.
fn assigned_name(before: &str) -> Option<String> {
    let s = before.trim_end().strip_suffix('=')?.trim_end();
    if s.ends_with(['=', '!', '<', '>']) {
        return None;
    }
    let s = s
        .strip_suffix(['"', '\''])
        .map(|x| x.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(s);
    // Just past the last character that cannot be part of the name; that character may be
    // multibyte (U+2028 is a JavaScript line terminator), so step by its length, not by 1.
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '[' | ']' | '"' | '\'')))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let target = &before.trim_end().strip_suffix('=')?.trim_end()[start..];
    let name = target
        .trim_end_matches([']', '"', '\''])
        .rsplit(['.', '[', '"', '\''])
        .next()?
        .to_string();
    (!name.is_empty()).then_some(name)
}

/// `a.b[0].c` or `a.b.0.c` → segments.
pub fn path_segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(p) = rest.find('[') {
            if p > 0 {
                out.push(rest[..p].to_string());
            }
            rest = &rest[p..];
            while let Some(r) = rest.strip_prefix('[') {
                let Some(end) = r.find(']') else { break };
                out.push(r[..end].trim_matches(['"', '\'']).to_string());
                rest = &r[end + 1..];
            }
        } else if !rest.is_empty() {
            out.push(rest.to_string());
        }
    }
    out
}

/// Walk `path` in `v`; on a miss, the names that do exist at that level.
fn walk<'a>(v: &'a Value, path: &[String]) -> Result<&'a Value, (usize, Vec<String>)> {
    let mut cur = v;
    for (depth, seg) in path.iter().enumerate() {
        let next = match cur {
            Value::Object(o) => o.get(seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        cur = match next {
            Some(n) => n,
            None => {
                let siblings = match cur {
                    Value::Object(o) => o.keys().cloned().collect(),
                    Value::Array(a) => vec![format!("[0..{}]", a.len())],
                    _ => vec![],
                };
                return Err((depth, siblings));
            }
        };
    }
    Ok(cur)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Find the path in the document and yield its string.
pub fn extract(spec: &Spec, doc: &Document) -> Result<Fetched, FetchError> {
    let where_ = &spec.locator;
    let head = doc
        .text
        .trim_start()
        .get(..15)
        .unwrap_or(doc.text.trim_start())
        .to_ascii_lowercase();
    let html = doc.content_type.as_deref().is_some_and(|c| c.contains("text/html"))
        || head.starts_with("<!doctype")
        || head.starts_with("<html");
    if html {
        return Err(FetchError::new(
            FailureKind::HtmlNotScript,
            format!("{where_}: the server sent an HTML page, not a script"),
        )
        .hint("a single-page app answers unknown paths with index.html: check the path of the config script (view source in the browser)"));
    }
    let objs = objects(&doc.text).map_err(|e| {
        FetchError::unreadable(format!("{where_}: {e}"))
            .hint("point configjs: at the file that assigns the config object")
    })?;
    let path = path_segments(spec.key.as_deref().unwrap_or_default());
    // The first segment may name the object (`QUILT_CATALOG_CONFIG.key`); else search each object.
    let candidates: Vec<(&Value, &[String])> = match objs
        .iter()
        .find(|(n, _)| n.as_deref() == path.first().map(String::as_str))
    {
        Some((_, v)) if path.len() > 1 => vec![(v, &path[1..])],
        _ => objs.iter().map(|(_, v)| (v, &path[..])).collect(),
    };
    let mut best_miss: Option<(usize, Vec<String>)> = None;
    for (v, p) in candidates {
        match walk(v, p) {
            Ok(Value::String(s)) => {
                let mut f = Fetched::value(Secret::new(s.as_bytes().to_vec())).detail("path", path.join("."));
                if let Some(u) = &doc.final_url
                    && u != where_
                {
                    f = f.detail("url", u.clone());
                }
                return Ok(f);
            }
            Ok(other) => {
                return Err(FetchError::new(
                    FailureKind::NotAString,
                    format!("{where_}: {} is {}, not a string", path.join("."), type_name(other)),
                )
                .hint("point the path at the string itself (add .key or [index])"));
            }
            Err(miss) => {
                if best_miss.as_ref().is_none_or(|b| miss.0 > b.0) {
                    best_miss = Some(miss);
                }
            }
        }
    }
    let (depth, siblings) = best_miss.unwrap_or((0, vec![]));
    let at = if depth == 0 {
        "at the top level".to_string()
    } else {
        format!("under {}", path[..depth].join("."))
    };
    let mut names = siblings;
    names.sort();
    names.truncate(40);
    let objects: Vec<String> = objs.iter().filter_map(|(n, _)| n.clone()).collect();
    let mut msg = format!(
        "{where_}: no {} {at} (keys there: {})",
        path.get(depth).cloned().unwrap_or_default(),
        names.join(", ")
    );
    if !objects.is_empty() {
        msg.push_str(&format!("; objects in the file: {}", objects.join(", ")));
    }
    Err(FetchError::not_found(msg).hint("keys are case-sensitive; use dots and [index] for nested values"))
}

/// A config file on this machine, read like any file.
pub fn read_local(spec: &Spec) -> Result<Arc<Document>, FetchError> {
    let bytes = super::read_file_sync(&spec.locator)?;
    Ok(Arc::new(Document {
        text: String::from_utf8_lossy(&bytes).into_owned(),
        content_type: None,
        final_url: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(t: &str) -> Document {
        Document {
            text: t.to_string(),
            content_type: None,
            final_url: None,
        }
    }

    fn spec(path: &str) -> Spec {
        Spec::parse(&format!("configjs:https://x.example/config.js#{path}")).expect("spec")
    }

    fn get(t: &str, path: &str) -> Result<String, FetchError> {
        extract(&spec(path), &doc(t)).map(|f| match f.yielded {
            crate::source::Yield::Value(s) => String::from_utf8_lossy(s.expose()).into_owned(),
            _ => String::new(),
        })
    }

    #[test]
    fn every_config_shape() {
        let w = "window.QUILT_CATALOG_CONFIG = {\n  // comment\n  region: 'us-east-1',\n  \"mcpEnhancedJwtSecret\": \"abc\",\n  nested: { list: ['x', {k: 'deep'}], },\n};\n";
        assert_eq!(get(w, "mcpEnhancedJwtSecret").expect("plain"), "abc");
        assert_eq!(
            get(w, "QUILT_CATALOG_CONFIG.mcpEnhancedJwtSecret").expect("named"),
            "abc"
        );
        assert_eq!(get(w, "nested.list[1].k").expect("index"), "deep");
        assert_eq!(get(w, "nested.list.0").expect("dotted index"), "x");
        assert_eq!(get("var cfg = {a: \"1\"}", "a").expect("var"), "1");
        assert_eq!(get("export default { a: '2', }", "a").expect("export"), "2");
        assert_eq!(get("{\"a\": {\"b\": \"3\"}}", "a.b").expect("json"), "3");
        assert_eq!(
            get("window[\"X\"] = {a: '4'}; window.Y = {b: '5'};", "Y.b").expect("two"),
            "5"
        );
    }

    #[test]
    fn clear_misses() {
        let w = "window.C = {auth: {jwtSecret: 'x', issuer: 'y'}, n: 5};";
        let e = get(w, "auth.secret").expect_err("miss");
        assert_eq!(e.kind, FailureKind::NotFound);
        assert!(
            e.message
                .contains("no secret under auth (keys there: issuer, jwtSecret)"),
            "{}",
            e.message
        );
        let e = get(w, "n").expect_err("number");
        assert_eq!(e.kind, FailureKind::NotAString);
        assert!(e.message.contains("is a number"), "{}", e.message);
        let e = get("<!DOCTYPE html><html>", "a").expect_err("html");
        assert_eq!(e.kind, FailureKind::HtmlNotScript);
        assert!(
            get("window.C = {a: fn()}", "a")
                .expect_err("expr")
                .message
                .contains("not plain data")
        );
        assert!(
            get("window.C = {a: 'x'", "a")
                .expect_err("open")
                .message
                .contains("never closes")
        );
    }
}
