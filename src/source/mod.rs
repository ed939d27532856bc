//! Sources: the spec grammar `[LABEL=]SCHEME:REST`, and fetching what each spec yields.

pub mod aws;
mod cmd;
pub mod configjs;
mod env;
mod envvar;
mod file;
pub use env::read_dotenv;
pub use file::read_file_sync;
pub mod fly;
mod stdin;

use crate::dotenv::Loader;
use crate::dotenv::diagnose::KeyReport;
use crate::findings::Location;
use crate::secret::Secret;
use crate::usage::UsageError;
use std::collections::BTreeMap;
use std::time::Duration;

/// Most bytes any source may yield: a secret is small; anything larger is the wrong file or a stream.
pub const MAX_SOURCE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Env,
    EnvVar,
    File,
    Stdin,
    Cmd,
    Fly,
    FlyJson,
    FlyRuntime,
    ConfigJs,
    Ssm,
    SecretsManager,
}

/// What `authdoctor sources` prints, and what the parser accepts.
pub struct SchemeInfo {
    pub scheme: Scheme,
    pub name: &'static str,
    pub example: &'static str,
    pub yields: &'static str,
    pub options: &'static [&'static str],
}

pub const SCHEMES: &[SchemeInfo] = &[
    SchemeInfo {
        scheme: Scheme::Env,
        name: "env",
        example: "env:frontend/.env.local#AUTH_SECRET?loader=nextjs",
        yields: "the bytes a .env loader hands the program for KEY (loader default: node); a bare PATH#KEY means the same. \
With loader=nextjs PATH may be the project directory (?mode=development|production|test picks the files); \
loader=python takes ?interpolate=false",
        options: &["loader", "mode", "interpolate"],
    },
    SchemeInfo {
        scheme: Scheme::EnvVar,
        name: "envvar",
        example: "envvar:AUTH_SECRET",
        yields: "the variable in authdoctor's own environment",
        options: &[],
    },
    SchemeInfo {
        scheme: Scheme::File,
        name: "file",
        example: "file:/run/secrets/jwt",
        yields: "the exact bytes of a file (mounted secrets), trailing newline included",
        options: &[],
    },
    SchemeInfo {
        scheme: Scheme::Stdin,
        name: "-",
        example: "-",
        yields: "the exact bytes of standard input (once per run)",
        options: &[],
    },
    SchemeInfo {
        scheme: Scheme::Cmd,
        name: "cmd",
        example: "cmd:kubectl get secret api -o jsonpath={.data.jwt} | base64 -d",
        yields: "the exact stdout of a command run by `sh -c` (no #key or ?options: the rest is the command)",
        options: &[],
    },
    SchemeInfo {
        scheme: Scheme::Ssm,
        name: "ssm",
        example: "ssm:/quilt/mcp-server/jwt-secret?region=us-east-1&profile=p&version=3",
        yields: "a decrypted AWS SSM parameter (NAME or ARN; ?label= instead of ?version=; ?endpoint= for a local endpoint); GetParameters in batches of 10; the standard AWS chain (env, profiles, SSO, AWS_ENDPOINT_URL)",
        options: &["region", "profile", "version", "label", "endpoint"],
    },
    SchemeInfo {
        scheme: Scheme::SecretsManager,
        name: "secretsmanager",
        example: "secretsmanager:prod/api#jwt_secret?region=eu-west-1",
        yields: "an AWS Secrets Manager value (SecretString or SecretBinary), or one JSON field of it by dotted path; ?version_stage=",
        options: &["region", "profile", "endpoint", "version_stage"],
    },
    SchemeInfo {
        scheme: Scheme::ConfigJs,
        name: "configjs",
        example: "configjs:https://demo.example.com/config.js#mcpEnhancedJwtSecret",
        yields: "a string inside a served JS/JSON config (`window.X = {…}`, `var X = {…}`, `export default {…}`, JSON; JSON5 syntax), by dotted path with [index]; also a local path. One GET per URL, 5 redirects, 2 MiB",
        options: &[],
    },
    SchemeInfo {
        scheme: Scheme::Fly,
        name: "fly",
        example: "fly:catwalk-backend#AUTH_SECRET",
        yields: "Fly secret presence, digest and deployment status, via `fly secrets list --json` (one call per app); a Fly digest is keyed: it shows presence and change, never equality with a value",
        options: &[],
    },
    SchemeInfo {
        scheme: Scheme::FlyJson,
        name: "fly-json",
        example: "fly-json:secrets.json#AUTH_SECRET",
        yields: "the same from saved `fly secrets list` output (JSON of any flyctl version, or the table); `-` reads standard input",
        options: &[],
    },
    SchemeInfo {
        scheme: Scheme::FlyRuntime,
        name: "fly-runtime",
        example: "fly-runtime:catwalk-backend#AUTH_SECRET?machine=3d8d9d1b",
        yields: "fingerprints of the variable as the running machine sees it, computed inside it over `fly ssh console`; the value never leaves the machine",
        options: &["machine"],
    },
];

impl Scheme {
    /// Sources that wait on a network or another program: worth a progress line.
    pub fn is_remote(self) -> bool {
        matches!(
            self,
            Scheme::Fly | Scheme::FlyRuntime | Scheme::ConfigJs | Scheme::Ssm | Scheme::SecretsManager | Scheme::Cmd
        )
    }

    pub fn info(self) -> &'static SchemeInfo {
        SCHEMES.iter().find(|i| i.scheme == self).unwrap_or(&SCHEMES[0])
    }
}

/// A parsed source spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub label: Option<String>,
    /// The spec as typed, without the label.
    pub raw: String,
    pub scheme: Scheme,
    pub locator: String,
    pub key: Option<String>,
    pub options: BTreeMap<String, String>,
}

impl Spec {
    /// The name shown in reports: the label, else the spec itself.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.raw)
    }

    pub fn parse(input: &str) -> Result<Spec, UsageError> {
        parse_spec(input)
    }
}

fn bad(input: &str, what: impl std::fmt::Display) -> UsageError {
    UsageError::new(format!("bad source {}: {what}", shown(input)))
        .hint("run `authdoctor sources` for every scheme with an example")
}

/// A piece of a spec quoted in an error: short words as they are, anything long enough to be a
/// secret by its length only.
fn part(s: &str) -> String {
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

fn parse_spec(input: &str) -> Result<Spec, UsageError> {
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
        return Ok(mk(Scheme::Stdin, String::new(), None, BTreeMap::new()));
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
            return finish(input, mk(Scheme::Env, locator, key, options));
        }
        return Err(bad(
            input,
            "no scheme: write SCHEME:REST (env:PATH#KEY, file:PATH, envvar:NAME, cmd:COMMAND, -), or PATH#KEY for a key in an env file",
        ));
    };
    let body = &rest[scheme_name.len() + 1..];
    let Some(info) = SCHEMES.iter().find(|i| i.name == scheme_name) else {
        let known: Vec<&str> = SCHEMES.iter().map(|i| i.name).collect();
        return Err(bad(
            input,
            format!("unknown scheme {} (known: {})", part(scheme_name), known.join(", ")),
        ));
    };
    let spec = match info.scheme {
        Scheme::Cmd => mk(Scheme::Cmd, body.to_string(), None, BTreeMap::new()),
        _ => {
            let (locator, key, options) = split_key_options(input, body)?;
            mk(info.scheme, locator, key, options)
        }
    };
    finish(input, spec)
}

/// `LOCATOR[#KEY][?a=b&c=d]`: the key runs from the first `#`, options from the first `?` after it
/// (without a key, from the last `?`).
type Parts = (String, Option<String>, BTreeMap<String, String>);

fn split_key_options(input: &str, body: &str) -> Result<Parts, UsageError> {
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

/// Per-scheme rules: what must be there and which options are known.
fn finish(input: &str, spec: Spec) -> Result<Spec, UsageError> {
    let info = spec.scheme.info();
    for k in spec.options.keys() {
        if !info.options.contains(&k.as_str()) {
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
    match spec.scheme {
        Scheme::Env => {
            if spec.locator.is_empty() {
                return Err(bad(input, "env needs a file path: env:PATH#KEY"));
            }
            if spec.key.is_none() {
                return Err(bad(input, "env needs a key: env:PATH#KEY"));
            }
            let loader = spec
                .options
                .get("loader")
                .and_then(|l| crate::dotenv::Loader::from_name(l));
            if let Some(m) = spec.options.get("mode") {
                if loader != Some(crate::dotenv::Loader::Nextjs) {
                    return Err(bad(input, "mode= goes with loader=nextjs"));
                }
                if crate::dotenv::nextjs::Mode::from_name(m).is_none() {
                    return Err(bad(
                        input,
                        format!("unknown mode {} (known: development, production, test)", part(m)),
                    ));
                }
            }
            if let Some(v) = spec.options.get("interpolate") {
                if loader != Some(crate::dotenv::Loader::Python) {
                    return Err(bad(input, "interpolate= goes with loader=python"));
                }
                if v != "true" && v != "false" {
                    return Err(bad(input, "interpolate= takes true or false"));
                }
            }
            if let Some(l) = spec.options.get("loader")
                && loader.is_none()
            {
                return Err(bad(
                    input,
                    format!("unknown loader {} (known: {})", part(l), crate::dotenv::Loader::names()),
                ));
            }
        }
        Scheme::EnvVar => {
            if spec.locator.is_empty() {
                return Err(bad(input, "envvar needs a variable name: envvar:NAME"));
            }
            if spec.key.is_some() {
                return Err(bad(input, "envvar takes no #key: envvar:NAME"));
            }
        }
        Scheme::File => {
            if spec.locator.is_empty() {
                return Err(bad(input, "file needs a path: file:PATH"));
            }
            if spec.key.is_some() {
                return Err(bad(
                    input,
                    "file takes no #key; for a key in an env file use env:PATH#KEY",
                ));
            }
        }
        Scheme::Cmd => {
            if spec.locator.trim().is_empty() {
                return Err(bad(input, "cmd needs a command: cmd:COMMAND"));
            }
        }
        Scheme::Stdin => {}
        Scheme::Ssm | Scheme::SecretsManager => {
            if spec.locator.is_empty() {
                return Err(bad(input, format!("{} needs a name: {}", info.name, info.example)));
            }
            if spec.scheme == Scheme::Ssm && spec.key.is_some() {
                return Err(bad(
                    input,
                    "ssm takes no #key: the parameter is the value (use secretsmanager:ID#field for JSON secrets)",
                ));
            }
            if spec.options.contains_key("version") && spec.options.contains_key("label") {
                return Err(bad(input, "give ?version= or ?label=, not both"));
            }
            if let Some(v) = spec.options.get("version")
                && !v.chars().all(|c| c.is_ascii_digit())
            {
                return Err(bad(input, "version= takes a number (use label= for a label)"));
            }
        }
        Scheme::ConfigJs => {
            if spec.locator.is_empty() {
                return Err(bad(input, "configjs needs a URL or a path: configjs:URL#path.to.key"));
            }
            if spec.key.is_none() {
                return Err(bad(input, "configjs needs the path of the value after '#'"));
            }
        }
        Scheme::Fly | Scheme::FlyJson | Scheme::FlyRuntime => {
            if spec.locator.is_empty() {
                return Err(bad(
                    input,
                    format!(
                        "{} needs {}",
                        info.name,
                        if spec.scheme == Scheme::FlyJson {
                            "a file (or -)"
                        } else {
                            "an app name"
                        }
                    ),
                ));
            }
            if spec.key.is_none() {
                return Err(bad(input, format!("{} needs the secret's name after '#'", info.name)));
            }
        }
    }
    Ok(spec)
}

/// Fingerprints of a value computed where it lives: length and SHA-256 of the raw bytes and of
/// normalised variants, so a value that never leaves its machine can still be compared and explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    pub length: usize,
    pub sha256: String,
    /// Variant → (length, full SHA-256 hex) of the value after that normalisation.
    pub variants: BTreeMap<Variant, (usize, String)>,
}

/// The normalisations both a remote fingerprint script and a local value can compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Variant {
    /// Trailing whitespace (spaces, tabs, CR, LF) removed.
    TrimTrailing,
    /// One pair of surrounding `"` or `'` removed (after trimming whitespace).
    StripQuotes,
    /// Every CR removed.
    StripCr,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::TrimTrailing, Variant::StripQuotes, Variant::StripCr];

    pub fn apply(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Variant::TrimTrailing => bytes.trim_ascii_end().to_vec(),
            Variant::StripQuotes => {
                let t = bytes.trim_ascii();
                match (t.first(), t.last()) {
                    (Some(a @ (b'"' | b'\'')), Some(b)) if t.len() >= 2 && a == b => t[1..t.len() - 1].to_vec(),
                    _ => bytes.to_vec(),
                }
            }
            Variant::StripCr => bytes.iter().copied().filter(|b| *b != b'\r').collect(),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Variant::TrimTrailing => "removing trailing whitespace",
            Variant::StripQuotes => "removing surrounding quotes",
            Variant::StripCr => "removing CR bytes",
        }
    }
}

impl Fingerprints {
    pub fn of(bytes: &[u8]) -> Fingerprints {
        let variants = Variant::ALL
            .iter()
            .map(|v| {
                let b = v.apply(bytes);
                (*v, (b.len(), crate::secret::sha256_hex(&b)))
            })
            .collect();
        Fingerprints {
            length: bytes.len(),
            sha256: crate::secret::sha256_hex(bytes),
            variants,
        }
    }
}

/// An opaque digest a store publishes (e.g. Fly's keyed digest): presence and change only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub digest: String,
    pub status: Option<String>,
    /// Digests are keyed by the store: only two of the same scope (one Fly app) can be compared.
    pub scope: String,
}

/// What a source yields.
#[derive(Debug)]
pub enum Yield {
    Value(Secret),
    Fingerprints(Fingerprints),
    Digest(Digest),
}

impl Yield {
    pub fn kind(&self) -> &'static str {
        match self {
            Yield::Value(_) => "value",
            Yield::Fingerprints(_) => "fingerprints",
            Yield::Digest(_) => "digest",
        }
    }
}

/// The first byte of a file that is not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidUtf8 {
    /// The file as the source or command names it.
    pub file: String,
    /// Offset of the byte from the start of the file, in bytes (0-based).
    pub offset: usize,
    /// Its line (1-based).
    pub line: usize,
    /// The byte itself.
    pub byte: u8,
}

impl InvalidUtf8 {
    /// The first invalid byte of `bytes`, if any.
    pub fn find(file: &str, bytes: &[u8]) -> Option<InvalidUtf8> {
        let e = std::str::from_utf8(bytes).err()?;
        let offset = e.valid_up_to();
        Some(InvalidUtf8 {
            file: file.to_string(),
            offset,
            line: bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1,
            byte: *bytes.get(offset)?,
        })
    }
}

/// Something a source observed while reading, for a check to judge (`src/checks/`): never a
/// verdict, never the value.
#[derive(Debug, Clone)]
pub enum Fact {
    /// `env:` read a file that is not valid UTF-8 with `loader`.
    InvalidUtf8 { loader: Loader, at: InvalidUtf8 },
    /// The value `loader` read for `key` still holds `what` (e.g. a command substitution the loader
    /// would run and authdoctor does not): it is compared as written.
    Unresolved {
        key: String,
        loader: Loader,
        what: &'static str,
    },
    /// `key` is also set in authdoctor's own environment, and `loader` read it from the file.
    InEnvironment { key: String, loader: Loader },
    /// How every loader reads `key` from the same file (`loader` is the one the source used).
    Readings { loader: Loader, key: KeyReport },
    /// The deployment status Fly reports for `secret` (`Deployed`, `Staged`, `Partial`, …).
    FlyStatus { secret: String, status: String },
}

/// A source's yield with its provenance and facts.
#[derive(Debug)]
pub struct Fetched {
    pub yielded: Yield,
    /// Provenance for the report (`loader`, `file`, `line`, `command`): never the value.
    pub details: BTreeMap<String, serde_json::Value>,
    /// Where the value is defined (an `.env` key's file and line), for annotations.
    pub location: Option<Location>,
    /// What the read observed, in the order observed, for the checks.
    pub facts: Vec<Fact>,
}

impl Fetched {
    /// A value with no details, location or facts yet.
    pub fn value(secret: Secret) -> Fetched {
        Fetched::of(Yield::Value(secret))
    }

    pub fn of(yielded: Yield) -> Fetched {
        Fetched {
            yielded,
            details: BTreeMap::new(),
            location: None,
            facts: Vec::new(),
        }
    }

    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Fetched {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// How a source failed; `crate::checks::sources` maps each kind to its finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Nothing could be read: missing or unreadable file, failed or timed-out command, network or
    /// access error, content that cannot be parsed (AD001).
    Unreadable,
    /// Read, but the key, parameter, secret or path asked for is not there (AD002).
    NotFound,
    /// A URL answered with an HTML page instead of the config script (AD003).
    HtmlNotScript,
    /// The path leads to a number, object, array, boolean or null, not a string (AD004).
    NotAString,
}

/// Why a source yielded nothing: the kind, and a message and hint that never quote the value.
#[derive(Debug, Clone)]
pub struct FetchError {
    pub kind: FailureKind,
    /// What went wrong, naming the file, key or backend (without the source's label).
    pub message: String,
    /// What to do; `None` leaves the finding code's default hint.
    pub hint: Option<String>,
}

impl FetchError {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> FetchError {
        FetchError {
            kind,
            message: message.into(),
            hint: None,
        }
    }
    pub fn unreadable(message: impl Into<String>) -> FetchError {
        FetchError::new(FailureKind::Unreadable, message)
    }
    pub fn not_found(message: impl Into<String>) -> FetchError {
        FetchError::new(FailureKind::NotFound, message)
    }
    pub fn hint(mut self, hint: impl Into<String>) -> FetchError {
        self.hint = Some(hint.into());
        self
    }
}

/// A backend answer fetched once per run and shared by every source that needs it.
pub type Shared<T> = tokio::sync::OnceCell<Result<std::sync::Arc<T>, FetchError>>;

/// What every fetch of one run shares. Its maps hash with Fx: the keys come from the command line
/// or config, and std's randomly keyed hasher costs a getrandom call per process.
pub struct Context {
    pub timeout: Duration,
    /// Standard input, read once before fetching when a `-` source is present.
    pub stdin: Option<Secret>,
    /// One `fly secrets list` per app per run, shared by every source of that app.
    pub fly_lists: rustc_hash::FxHashMap<String, Shared<Vec<fly::FlySecret>>>,
    /// One GET per URL per run.
    pub documents: rustc_hash::FxHashMap<String, Shared<configjs::Document>>,
    /// AWS configuration per region/profile/endpoint, loaded only if an AWS source is used.
    pub aws_configs: rustc_hash::FxHashMap<aws::Backend, Shared<aws_config::SdkConfig>>,
    /// SSM GetParameters batches of at most 10 names per backend, and which batch has each name.
    pub ssm_batches: Vec<(Vec<String>, Shared<aws::SsmBatch>)>,
    pub ssm_index: rustc_hash::FxHashMap<(aws::Backend, String), usize>,
    /// One GetSecretValue per secret and stage.
    pub secrets: rustc_hash::FxHashMap<(aws::Backend, String, Option<String>), Shared<Secret>>,
}

/// The outcome of one source.
#[derive(Debug)]
pub struct Outcome {
    pub spec: Spec,
    pub result: Result<Fetched, FetchError>,
}

impl Outcome {
    pub fn secret(&self) -> Option<&Secret> {
        match &self.result {
            Ok(Fetched {
                yielded: Yield::Value(s),
                ..
            }) => Some(s),
            _ => None,
        }
    }
}

/// The AWS configuration of one backend, loaded once per run.
async fn aws_config_for(ctx: &Context, b: &aws::Backend) -> Result<std::sync::Arc<aws_config::SdkConfig>, FetchError> {
    let Some(cell) = ctx.aws_configs.get(b) else {
        return Err(FetchError::unreadable("internal: no AWS configuration planned"));
    };
    cell.get_or_init(|| aws::load(b, ctx.timeout)).await.clone()
}

async fn fetch_one(spec: &Spec, ctx: &Context) -> Result<Fetched, FetchError> {
    match spec.scheme {
        Scheme::Env => env::fetch(spec).await,
        Scheme::EnvVar => envvar::fetch(spec),
        Scheme::File => file::fetch(spec).await,
        Scheme::Stdin => stdin::fetch(ctx),
        Scheme::Cmd => cmd::fetch(spec).await,
        Scheme::Fly => {
            let app = &spec.locator;
            let Some(cell) = ctx.fly_lists.get(app) else {
                return Err(FetchError::unreadable("internal: no list planned for this app"));
            };
            let list = cell.get_or_init(|| fly::list_app(app)).await.clone()?;
            fly::resolve(
                spec,
                &list,
                &format!("fly secrets list --app {app}"),
                &format!("fly:{app}"),
            )
        }
        Scheme::FlyJson => fly::fetch_saved(spec, ctx.stdin.as_ref()).await,
        Scheme::Ssm => {
            let b = aws::Backend::of(spec);
            let config = aws_config_for(ctx, &b).await?;
            let key = (b.clone(), aws::ssm_selector(spec));
            let Some(&i) = ctx.ssm_index.get(&key) else {
                return Err(FetchError::unreadable("internal: no batch planned for this parameter"));
            };
            let (names, cell) = &ctx.ssm_batches[i];
            let batch = cell
                .get_or_init(|| aws::get_parameters(&config, names, b.profile.as_deref()))
                .await
                .clone()?;
            let similar = if batch.find(&key.1).is_some() {
                Vec::new()
            } else {
                aws::similar_parameters(&config, &spec.locator).await
            };
            aws::ssm_resolve(spec, &batch, similar)
        }
        Scheme::SecretsManager => {
            let b = aws::Backend::of(spec);
            let config = aws_config_for(ctx, &b).await?;
            let stage = spec.options.get("version_stage").cloned();
            let Some(cell) = ctx.secrets.get(&(b.clone(), spec.locator.clone(), stage.clone())) else {
                return Err(FetchError::unreadable("internal: no call planned for this secret"));
            };
            let secret = cell
                .get_or_init(|| aws::get_secret(&config, &spec.locator, stage.as_deref(), b.profile.as_deref()))
                .await
                .clone()?;
            aws::secret_field(spec, &secret)
        }
        Scheme::ConfigJs => {
            let doc = if configjs::is_url(&spec.locator) {
                let Some(cell) = ctx.documents.get(&spec.locator) else {
                    return Err(FetchError::unreadable("internal: no GET planned for this URL"));
                };
                cell.get_or_init(|| configjs::get(&spec.locator, ctx.timeout))
                    .await
                    .clone()?
            } else {
                configjs::read_local(spec).await?
            };
            configjs::extract(spec, &doc)
        }
        Scheme::FlyRuntime => fly::fetch_runtime(spec).await,
    }
}

/// Fetch every source concurrently, each under the run's timeout; results keep the input order.
pub async fn fetch_all(
    specs: Vec<Spec>,
    timeout: Duration,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Vec<Outcome>, UsageError> {
    let reads_stdin = |s: &Spec| s.scheme == Scheme::Stdin || (s.scheme == Scheme::FlyJson && s.locator == "-");
    let stdin_count = specs.iter().filter(|s| reads_stdin(s)).count();
    if stdin_count > 1 {
        return Err(UsageError::new("standard input ('-') can be read only once per run")
            .hint("give one source as '-' and the others as files (e.g. file:/dev/fd/3) or commands"));
    }
    let stdin = if stdin_count == 1 {
        match stdin::read_all() {
            Ok(s) => Some(s),
            Err(e) => {
                return Err(UsageError::new(format!("could not read standard input: {e}"))
                    .hint("pipe in only the secret, e.g. printf %s \"$SECRET\" | authdoctor inspect -"));
            }
        }
    } else {
        None
    };
    let fly_lists = specs
        .iter()
        .filter(|s| s.scheme == Scheme::Fly)
        .map(|s| (s.locator.clone(), tokio::sync::OnceCell::new()))
        .collect();
    let documents = specs
        .iter()
        .filter(|s| s.scheme == Scheme::ConfigJs && configjs::is_url(&s.locator))
        .map(|s| (s.locator.clone(), tokio::sync::OnceCell::new()))
        .collect();
    let aws_configs = specs
        .iter()
        .filter(|s| matches!(s.scheme, Scheme::Ssm | Scheme::SecretsManager))
        .map(|s| (aws::Backend::of(s), tokio::sync::OnceCell::new()))
        .collect();
    let (ssm_batches, ssm_index) = plan_ssm(&specs);
    let secrets = specs
        .iter()
        .filter(|s| s.scheme == Scheme::SecretsManager)
        .map(|s| {
            (
                (
                    aws::Backend::of(s),
                    s.locator.clone(),
                    s.options.get("version_stage").cloned(),
                ),
                tokio::sync::OnceCell::new(),
            )
        })
        .collect();
    let ctx = Context {
        timeout,
        stdin,
        fly_lists,
        documents,
        aws_configs,
        ssm_batches,
        ssm_index,
        secrets,
    };
    let futures = specs.iter().map(|spec| {
        let ctx = &ctx;
        async move {
            // Local sources (files, .env files, the environment, stdin already read) are read
            // synchronously: a timer could not interrupt them, and without one a local-only run
            // needs no async runtime at all (run.rs `run_local`).
            let r = if !spec.scheme.is_remote() {
                fetch_one(spec, ctx).await
            } else {
                match tokio::time::timeout(ctx.timeout, fetch_one(spec, ctx)).await {
                    Ok(r) => r,
                    // Dropping the fetch stops its work: a command's child is killed on drop.
                    Err(_) => Err(timed_out(spec, ctx.timeout)),
                }
            };
            if let Some(p) = progress {
                p.inc(1);
            }
            r
        }
    });
    let results = futures_util::future::join_all(futures).await;
    Ok(specs
        .into_iter()
        .zip(results)
        .map(|(spec, result)| Outcome { spec, result })
        .collect())
}

/// SSM GetParameters calls (at most 10 distinct names each, per backend) and where each name is.
type SsmPlan = (
    Vec<(Vec<String>, Shared<aws::SsmBatch>)>,
    rustc_hash::FxHashMap<(aws::Backend, String), usize>,
);

fn plan_ssm(specs: &[Spec]) -> SsmPlan {
    let mut by_backend: std::collections::BTreeMap<aws::Backend, Vec<String>> = Default::default();
    for s in specs.iter().filter(|s| s.scheme == Scheme::Ssm) {
        let names = by_backend.entry(aws::Backend::of(s)).or_default();
        let sel = aws::ssm_selector(s);
        if !names.contains(&sel) {
            names.push(sel);
        }
    }
    let mut batches = Vec::new();
    let mut index = rustc_hash::FxHashMap::default();
    for (backend, names) in by_backend {
        for chunk in names.chunks(10) {
            for n in chunk {
                index.insert((backend.clone(), n.clone()), batches.len());
            }
            batches.push((chunk.to_vec(), tokio::sync::OnceCell::new()));
        }
    }
    (batches, index)
}

fn timed_out(spec: &Spec, timeout: Duration) -> FetchError {
    let secs = timeout.as_secs_f64();
    match spec.scheme {
        Scheme::Cmd => FetchError::unreadable(format!("command did not finish within {secs} s (it was stopped)"))
            .hint("raise --timeout, or check that the command does not wait for input"),
        _ => FetchError::unreadable(format!("no answer within {secs} s"))
            .hint("raise --timeout if the source is slow, or check that it is reachable"),
    }
}

/// Read at most `MAX_SOURCE_BYTES` (+1 to detect overflow) from an async reader.
/// [`read_capped`] for a blocking reader (files, stdin); `capacity` is a size hint.
pub(crate) fn read_capped_sync(reader: impl std::io::Read, capacity: usize) -> std::io::Result<(Vec<u8>, bool)> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(capacity.min(MAX_SOURCE_BYTES + 1));
    reader.take(MAX_SOURCE_BYTES as u64 + 1).read_to_end(&mut buf)?;
    let over = buf.len() > MAX_SOURCE_BYTES;
    Ok((buf, over))
}

pub(crate) async fn read_capped<R: tokio::io::AsyncRead + Unpin>(reader: R) -> std::io::Result<(Vec<u8>, bool)> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    reader.take(MAX_SOURCE_BYTES as u64 + 1).read_to_end(&mut buf).await?;
    let over = buf.len() > MAX_SOURCE_BYTES;
    Ok((buf, over))
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
        assert_eq!(s.scheme, Scheme::Env);
        assert_eq!(s.locator, "frontend/.env.local");
        assert_eq!(s.key.as_deref(), Some("AUTH_SECRET"));
        assert_eq!(s.options.get("loader").map(String::as_str), Some("node"));
        assert_eq!(s.name(), "frontend");

        let s = p(".env#K");
        assert_eq!(
            (s.scheme, s.locator.as_str(), s.key.as_deref()),
            (Scheme::Env, ".env", Some("K"))
        );
        assert_eq!(s.name(), ".env#K");

        let s = p("backend=cmd:echo a=b#c?d");
        assert_eq!((s.scheme, s.locator.as_str()), (Scheme::Cmd, "echo a=b#c?d"));
        assert_eq!(p("-").scheme, Scheme::Stdin);
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
    fn variants_match_what_a_remote_script_computes() {
        assert_eq!(Variant::TrimTrailing.apply(b"abc \r\n"), b"abc");
        assert_eq!(Variant::StripQuotes.apply(b"\"abc\"\n"), b"abc");
        assert_eq!(Variant::StripQuotes.apply(b"\"abc'"), b"\"abc'");
        assert_eq!(Variant::StripCr.apply(b"a\r\nb"), b"a\nb");
        let f = Fingerprints::of(b"abc\n");
        assert_eq!(f.length, 4);
        assert_eq!(f.variants[&Variant::TrimTrailing].1, crate::secret::sha256_hex(b"abc"));
    }
}
