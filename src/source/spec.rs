//! The source spec grammar `[LABEL=]SCHEME:REST` (SPEC "Sources"): parsing, and errors that never
//! echo what may be a secret pasted in the wrong place.

use super::registry::{self, SCHEMES, Scheme};
use crate::error::Error;
use std::collections::BTreeMap;

/// A parsed source spec: `[LABEL=]SCHEME:LOCATOR[#KEY][?a=b&c=d]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub label: Option<String>,
    /// The spec as typed, without the label.
    pub raw: String,
    pub scheme: &'static dyn Scheme,
    /// What the scheme reads: a path, a name, an app, a URL, a command.
    pub locator: String,
    /// The part after `#`: a key, a secret's name, a JSON path.
    pub key: Option<String>,
    /// `?name=value` options, each known to the scheme and given once.
    pub options: BTreeMap<String, String>,
}

impl Spec {
    /// The name shown in reports: the label, else the spec itself.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.raw)
    }

    /// `?local`: the source exists only on developer machines (a gitignored `.env.local`); absent
    /// in CI or gitignored, `check` skips it instead of failing (SPEC, "More commands").
    pub fn local(&self) -> bool {
        self.options.get(LOCAL).is_some_and(|v| v == "true")
    }

    /// Parse one spec. Errors (exit 2) name the label and scheme of the input but never the rest,
    /// and point to `authdoctor sources`.
    pub fn parse(input: &str) -> Result<Spec, Error> {
        parse_spec(input)
    }
}

fn bad(input: &str, what: impl std::fmt::Display) -> Error {
    Error::new(format!("bad source {}: {what}", shown(input)))
        .hint("run `authdoctor sources` for every scheme with an example")
}

/// A piece of a spec quoted in an error: short words as they are, anything long enough to be a
/// secret by its length only.
pub(crate) fn part(s: &str) -> String {
    if s.chars().count() <= 16 {
        format!("'{s}'")
    } else {
        format!("(a {}-character value)", s.chars().count())
    }
}

/// How a bad spec is named in an error: its label and scheme, never the rest, which may be a
/// secret pasted in the wrong place (`authdoctor compare "$AUTH_SECRET" …`).
fn shown(input: &str) -> String {
    let (label, rest) = match input.split_once('=') {
        Some((l, r)) if is_label(l) => (format!("{l}="), r),
        _ => (String::new(), input),
    };
    match rest.split_once(':') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.len() <= 20
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            format!("'{label}{scheme}:…'")
        }
        _ if rest == "-" => format!("'{label}-'"),
        _ if !label.is_empty() => format!("'{label}…'"),
        _ => "(not echoed: it has no scheme, so it may be a secret pasted by mistake)".to_string(),
    }
}

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The scheme a spec names; the grammar's own shorthands (`-`, a bare `PATH#KEY`) are looked up
/// by name too, so a missing registry entry is a bug the tests catch, not a panic.
fn scheme(input: &str, name: &str) -> Result<&'static dyn Scheme, Error> {
    registry::lookup(name).ok_or_else(|| {
        let known: Vec<&str> = SCHEMES.iter().map(|s| s.name()).collect();
        bad(
            input,
            format!("unknown scheme {} (known: {})", part(name), known.join(", ")),
        )
    })
}

/// The option every scheme takes (not in their `options`): [`Spec::local`].
pub const LOCAL: &str = "local";

fn parse_spec(input: &str) -> Result<Spec, Error> {
    if input.is_empty() {
        return Err(bad(input, "empty source"));
    }
    let (label, rest) = match input.split_once('=') {
        Some((l, r)) if is_label(l) => (Some(l.to_string()), r),
        _ => (None, input),
    };
    if label.is_some() && rest.is_empty() {
        return Err(bad(input, "nothing after the label"));
    }
    let mk = |scheme, locator: String, key, options| Spec {
        label: label.clone(),
        raw: rest.to_string(),
        scheme,
        locator,
        key,
        options,
    };
    if rest == "-" {
        return Ok(mk(scheme(input, "-")?, String::new(), None, BTreeMap::new()));
    }
    let scheme_name = rest.split_once(':').map(|(s, _)| s).filter(|s| {
        s.len() >= 2
            && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    let Some(scheme_name) = scheme_name else {
        // A bare PATH#KEY is an env file.
        if rest.contains('#') {
            let (locator, key, options) = split_key_options(input, rest)?;
            return finish(input, mk(scheme(input, "env")?, locator, key, options));
        }
        return Err(bad(
            input,
            "no scheme: write SCHEME:REST (env:PATH#KEY, file:PATH, envvar:NAME, cmd:COMMAND, -), or PATH#KEY for a key in an env file",
        ));
    };
    let body = &rest[scheme_name.len() + 1..];
    let scheme = scheme(input, scheme_name)?;
    let spec = if scheme.info().verbatim {
        mk(scheme, body.to_string(), None, BTreeMap::new())
    } else {
        let (locator, key, options) = split_key_options(input, body)?;
        mk(scheme, locator, key, options)
    };
    finish(input, spec)
}

/// `LOCATOR[#KEY][?a=b&c=d]`: the key runs from the first `#`, options from the first `?` after it
/// (without a key, from the last `?`).
type Parts = (String, Option<String>, BTreeMap<String, String>);

fn split_key_options(input: &str, body: &str) -> Result<Parts, Error> {
    let (locator, key, opts) = match body.split_once('#') {
        Some((loc, after)) => match after.split_once('?') {
            Some((k, o)) => (loc, Some(k), Some(o)),
            None => (loc, Some(after), None),
        },
        None => match body.rsplit_once('?') {
            Some((loc, o)) => (loc, None, Some(o)),
            None => (body, None, None),
        },
    };
    if let Some(k) = key
        && k.is_empty()
    {
        return Err(bad(input, "empty key after '#'"));
    }
    let mut options = BTreeMap::new();
    if let Some(o) = opts {
        for pair in o.split('&') {
            // `?local` (every scheme): bare, or `local=true|false`.
            let pair = if pair == LOCAL { "local=true" } else { pair };
            if let Some(v) = pair.strip_prefix("local=")
                && v != "true"
                && v != "false"
            {
                return Err(bad(input, format!("?local takes true or false, not {}", part(v))));
            }
            let Some((k, v)) = pair.split_once('=') else {
                return Err(bad(input, format!("option {} is not NAME=VALUE", part(pair))));
            };
            if k.is_empty() || v.is_empty() {
                return Err(bad(
                    input,
                    format!("option {} needs both a name and a value", part(pair)),
                ));
            }
            if options.insert(k.to_string(), v.to_string()).is_some() {
                return Err(bad(input, format!("option {} given twice", part(k))));
            }
        }
    }
    Ok((locator.to_string(), key.map(str::to_string), options))
}

/// Known options only, then the scheme's own rules.
fn finish(input: &str, spec: Spec) -> Result<Spec, Error> {
    let info = spec.scheme.info();
    for k in spec.options.keys() {
        if k != LOCAL && !info.options.contains(&k.as_str()) {
            let known = if info.options.is_empty() {
                "none".to_string()
            } else {
                info.options.join(", ")
            };
            return Err(bad(
                input,
                format!("unknown option {} for {} (known: {known})", part(k), info.name),
            ));
        }
    }
    spec.scheme.validate(&spec).map_err(|what| bad(input, what))?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Spec {
        Spec::parse(s).unwrap_or_else(|e| panic!("{s}: {}", e.message))
    }

    #[test]
    fn labels_schemes_keys_options() {
        let s = p("frontend=env:frontend/.env.local#AUTH_SECRET?loader=node");
        assert_eq!(s.label.as_deref(), Some("frontend"));
        assert_eq!(s.scheme.name(), "env");
        assert_eq!(s.locator, "frontend/.env.local");
        assert_eq!(s.key.as_deref(), Some("AUTH_SECRET"));
        assert_eq!(s.options.get("loader").map(String::as_str), Some("node"));
        assert_eq!(s.name(), "frontend");
        assert!(!s.local());
        assert!(p("env:.env.local#K?local").local());
        assert!(p("env:.env.local#K?loader=nextjs&local").local());
        assert!(p("file:/run/secrets/jwt?local=true").local());
        assert!(!p("file:/run/secrets/jwt?local=false").local());

        let s = p(".env#K");
        assert_eq!(
            (s.scheme.name(), s.locator.as_str(), s.key.as_deref()),
            ("env", ".env", Some("K"))
        );
        assert_eq!(s.name(), ".env#K");

        let s = p("backend=cmd:echo a=b#c?d");
        assert_eq!((s.scheme.name(), s.locator.as_str()), ("cmd", "echo a=b#c?d"));
        assert_eq!(p("-").scheme.name(), "-");
        assert_eq!(p("in=-").label.as_deref(), Some("in"));
        assert_eq!(p("file:/run/secrets/jwt").locator, "/run/secrets/jwt");
        assert_eq!(p("envvar:AUTH_SECRET").locator, "AUTH_SECRET");
    }

    #[test]
    fn errors_name_the_bad_part() {
        for (input, needle) in [
            ("nope:x", "unknown scheme 'nope'"),
            ("env:.env#", "empty key"),
            ("env:.env", "needs a key"),
            ("env:.env#K?loader=perl", "unknown loader 'perl'"),
            ("env:.env#K?colour=red", "unknown option 'colour'"),
            ("env:.env#K?local=maybe", "?local takes true or false"),
            ("env:.env#K?loader", "not NAME=VALUE"),
            ("file:x#K", "takes no #key"),
            ("just-a-path", "no scheme"),
            ("", "empty source"),
            ("lbl=", "nothing after the label"),
            ("cmd:  ", "needs a command"),
        ] {
            let e = Spec::parse(input).expect_err(input);
            assert!(e.message.contains(needle), "{input}: {}", e.message);
        }
    }

    #[test]
    fn errors_never_echo_a_pasted_secret() {
        let secret = "s3cr3t-value-that-must-not-leave";
        for input in [
            secret.to_string(),
            format!("x={secret}"),
            format!("env:.env#K?{secret}"),
            format!("nope-{secret}:x"),
            format!("ssm:/a?version={secret}"),
        ] {
            let e = Spec::parse(&input).expect_err(&input);
            let text = format!("{} {}", e.message, e.hint.unwrap_or_default());
            assert!(!text.contains("s3cr3t"), "{input}: {text}");
        }
    }
}
