//! `authdoctor.toml`: the secret groups and token checks `authdoctor check` runs, with errors that
//! point at file, line and column.

use crate::error::Error;
use crate::source::Spec;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = "authdoctor.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub secret: Vec<SecretGroup>,
    #[serde(default)]
    pub token: Vec<TokenCheck>,
    /// The file's text, for [`Config::location_of`].
    #[serde(skip)]
    pub text: String,
}

impl Config {
    /// The line of a byte offset of the file, as a location whose `file` is the config file's
    /// name (callers place it relative to the repository).
    pub fn location_of(&self, span: std::ops::Range<usize>) -> crate::findings::Location {
        let before = self.text.get(..span.start.min(self.text.len())).unwrap_or("");
        crate::findings::Location {
            file: FILE_NAME.to_string(),
            line: before.matches('\n').count() + 1,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretGroup {
    pub name: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    /// Finding codes this group drops (`ignore = ["AD301"]`), as `--ignore` does.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Every source of the group exists only on developer machines, as `?local` on each.
    #[serde(default)]
    pub local: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenCheck {
    pub name: Spanned<String>,
    /// A source that yields the token (e.g. `envvar:TEST_TOKEN`, `file:token.txt`).
    pub token: Spanned<String>,
    #[serde(default)]
    pub secrets: Vec<Spanned<String>>,
    #[serde(default)]
    pub keys: Vec<String>,
    pub jwks: Option<String>,
    #[serde(default)]
    pub discover: bool,
    pub audience: Option<String>,
    pub issuer: Option<String>,
    #[serde(default)]
    pub require: Vec<String>,
    pub leeway: Option<u64>,
    #[serde(default)]
    pub algorithms: Vec<String>,
    pub salt: Option<String>,
    /// The library the backend verifies with (`pyjwt`, `python-jose`, `jsonwebtoken`, `jose`,
    /// `golang-jwt`, `authjs`): its verdict is AD421.
    pub verifier: Option<Spanned<String>>,
    /// Finding codes this check drops (`ignore = ["AD411"]`), as `--ignore` does.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// The token and secret sources exist only on developer machines, as `?local` on each.
    #[serde(default)]
    pub local: bool,
}

/// The codes of a validated `ignore` list ([`load`] refused any other).
pub fn ignore_codes(list: &[Spanned<String>]) -> Vec<&'static crate::findings::Code> {
    list.iter()
        .filter_map(|c| crate::findings::registry::lookup(c.get_ref()))
        .collect()
}

/// `file:line:col` of a byte offset.
pub fn position(path: &Path, text: &str, offset: usize) -> String {
    // A byte offset inside a character counts from that character's start.
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |n| before[n + 1..].chars().count())
        + 1;
    format!("{}:{line}:{col}", path.display())
}

/// The config file: `--config PATH`, else the nearest authdoctor.toml in this directory or a parent.
pub fn locate(explicit: Option<&str>) -> Result<PathBuf, Error> {
    if let Some(p) = explicit {
        let p = PathBuf::from(p);
        if p.exists() && !p.is_file() {
            // A directory, FIFO or device: `load` says which, and never reads it.
            return Ok(p);
        }
        if !p.is_file() {
            return Err(Error::new(format!("{}: no such config file", p.display()))
                .hint("check --config, or omit it to search upwards for authdoctor.toml"));
        }
        return Ok(p);
    }
    let cwd = std::env::current_dir().map_err(|e| Error::new(format!("no current directory: {e}")))?;
    let mut dir = cwd.clone();
    loop {
        let c = dir.join(FILE_NAME);
        if c.is_file() {
            // Relative to where authdoctor runs (`../authdoctor.toml`): messages name no machine path.
            return Ok(PathBuf::from(crate::paths::relative_to(&c, &cwd)));
        }
        if !dir.pop() {
            return Err(Error::new(format!("no {FILE_NAME} in this directory or any parent"))
                .hint("give --config PATH, or write one with `authdoctor init --write`"));
        }
    }
}

/// A TOML/serde error message without the values it quotes (`invalid type: string "…"`,
/// ``unknown variant `…` ``): the value may be a secret pasted in the wrong place. The position and
/// what was expected stay.
pub fn without_values(message: &str) -> String {
    static QUOTED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?s)\b(string|character|bytes|byte array|char) ("(?:[^"\\]|\\.)*"|`[^`]*`|'[^']*')"#)
            .expect("valid regex")
    });
    static VARIANT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?s)\b(unknown variant|unknown field) `[^`]*`").expect("valid regex")
    });
    let m = QUOTED.replace_all(message, "a $1");
    let m = VARIANT.replace_all(&m, |c: &regex::Captures| {
        // A field name is the config's own word when it is identifier-shaped; anything else is
        // not echoed.
        let whole = &c[0];
        let inner = whole[c[1].len()..].trim().trim_matches('`');
        if c[1].starts_with("unknown field")
            && inner.len() <= 40
            && inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            whole.to_string()
        } else {
            c[1].to_string()
        }
    });
    m.into_owned()
}

pub fn load(path: &Path) -> Result<Config, Error> {
    let text = crate::source::read_regular_string(path).map_err(|e| {
        let message = format!("{}: {e}", path.display());
        match e.kind() {
            std::io::ErrorKind::NotFound => Error::new(message),
            _ => Error::unreadable(message),
        }
    })?;
    parse(&text, path)
}

/// An authdoctor.toml's text, read from `path` (named in messages): the config, or a usage error
/// (exit 2) naming the line. Never panics (fuzzed in `fuzz/`).
pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
    let mut config: Config = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| position(path, text, s.start))
            .unwrap_or_else(|| path.display().to_string());
        Error::new(format!("{at}: {}", without_values(e.message().trim()))).hint(
            "`authdoctor check --help` describes authdoctor.toml; `authdoctor init` proposes one for this project",
        )
    })?;
    let err =
        |span: std::ops::Range<usize>, msg: String| Error::new(format!("{}: {msg}", position(path, text, span.start)));
    let mut names: Vec<&str> = Vec::new();
    let all_names = config
        .secret
        .iter()
        .map(|g| &g.name)
        .chain(config.token.iter().map(|t| &t.name));
    for n in all_names {
        if names.contains(&n.get_ref().as_str()) {
            return Err(err(
                n.span(),
                format!(
                    "the name {:?} is used twice; each [[secret]] and [[token]] needs its own",
                    n.get_ref()
                ),
            ));
        }
        names.push(n.get_ref());
    }
    let specs = config.secret.iter().flat_map(|g| g.sources.iter()).chain(
        config
            .token
            .iter()
            .flat_map(|t| std::iter::once(&t.token).chain(t.secrets.iter())),
    );
    for s in specs {
        if let Err(e) = Spec::parse(s.get_ref()) {
            return Err(err(s.span(), e.message).hint(e.hint.unwrap_or_default()));
        }
    }
    let ignores = config
        .secret
        .iter()
        .flat_map(|g| g.ignore.iter())
        .chain(config.token.iter().flat_map(|t| t.ignore.iter()));
    for c in ignores {
        if let Err(e) = crate::cli::parse_code(c.get_ref()) {
            return Err(err(c.span(), format!("ignore: {e}")));
        }
    }
    for g in &config.secret {
        if g.sources.len() < 2 {
            return Err(err(
                g.name.span(),
                format!(
                    "secret {:?} lists {} source(s); comparing needs at least two",
                    g.name.get_ref(),
                    g.sources.len()
                ),
            ));
        }
    }
    for t in &config.token {
        if let Some(v) = &t.verifier
            && let Err(e) = v.get_ref().parse::<crate::jwt::profiles::Verifier>()
        {
            return Err(err(v.span(), e));
        }
        if t.secrets.is_empty() && t.keys.is_empty() && t.jwks.is_none() && !t.discover {
            return Err(err(
                t.name.span(),
                format!(
                    "token {:?} has nothing to verify with: give secrets, keys, jwks or discover",
                    t.name.get_ref()
                ),
            ));
        }
    }
    config.text = text.to_string();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_load(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, text).expect("write");
        load(&p).map_err(|e| e.message.replace(&p.display().to_string(), "F"))
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let ok = "[[secret]]\nname = \"A\"\nsources = [\"file:a\", \"file:b\"]\n";
        assert!(try_load(ok).is_ok());
        let e = try_load("[[secret]]\nname = \"A\"\nsorces = [\"file:a\"]\n").expect_err("unknown key");
        assert!(e.starts_with("F:3:1: unknown field `sorces`"), "{e}");
        let e = try_load("[[secret]]\nname = \"A\"\nsources = [\"file:a\", \"nope:b\"]\n").expect_err("bad source");
        assert!(e.starts_with("F:3:22: bad source"), "{e}");
        let e = try_load("[[secret]]\nsources = [\"file:a\", \"file:b\"]\n").expect_err("missing name");
        assert!(e.starts_with("F:1:1: missing field `name`"), "{e}");
        let e = try_load(&format!("{ok}\n[[token]]\nname = \"t\"\nsecrets = [\"file:a\"]\n")).expect_err("no token");
        assert!(e.starts_with("F:5:1: missing field `token`"), "{e}");
        let e = try_load(&format!(
            "{ok}[[secret]]\nname = \"A\"\nsources = [\"file:a\", \"file:b\"]\n"
        ))
        .expect_err("dup");
        assert!(e.starts_with("F:5:8: the name \"A\" is used twice"), "{e}");
        let e = try_load("[[token]]\nname = \"t\"\ntoken = \"envvar:T\"\n").expect_err("nothing to verify with");
        assert!(e.contains("nothing to verify with"), "{e}");
    }
}

#[cfg(test)]
mod without_values_tests {
    use super::without_values;

    #[test]
    fn quoted_values_are_dropped_names_kept() {
        assert_eq!(
            without_values(r#"invalid type: string "Zr4Tq9\"Lm2X", expected a sequence"#),
            "invalid type: a string, expected a sequence"
        );
        assert_eq!(
            without_values("unknown variant `Zr4Tq9Lm2X+/=`, expected one of `node`, `python`"),
            "unknown variant, expected one of `node`, `python`"
        );
        assert_eq!(without_values("unknown field `sorces`"), "unknown field `sorces`");
        assert_eq!(without_values("unknown field `a b c`"), "unknown field");
    }
}
