//! Command-line definitions (clap derive): the global options, the commands, their value enums.

use crate::dotenv::Loader;
use crate::jwt::profiles::Verifier;
use crate::report::Format;
use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "authdoctor",
    version,
    about = "Find out why a JWT secret that \"matches\" everywhere still gives 401 Invalid signature",
    long_about = "authdoctor fetches a secret from every place it lives, compares the bytes and explains any \
difference in one line, without ever printing the secret.\n\nExit codes: 0 pass, 1 a check failed, 2 usage \
or config error, 3 a source could not be read.",
    after_help = "Sources are [LABEL=]SCHEME:REST; run `authdoctor sources` for the list."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

// Accepted before or after any subcommand (`authdoctor --format json jwt decode T` and
// `authdoctor jwt decode T --format json`); given at several levels, the innermost command line
// value wins. `display_order` lists them after a command's own options in its help (clap would
// interleave the two by position). No doc comment here: clap would make it the `about` of the
// command.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Output format.
    #[arg(
        long,
        value_enum,
        env = "AUTHDOCTOR_FORMAT",
        default_value = "human",
        global = true,
        display_order = 101
    )]
    pub format: Format,
    /// When to colour human output (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`).
    #[arg(long, value_enum, default_value = "auto", global = true, display_order = 102)]
    pub color: ColorChoice,
    /// Show secret values (hex dump in human output). Never the default.
    #[arg(long, global = true, display_order = 103)]
    pub reveal: bool,
    /// Seconds to wait for each remote source or command.
    #[arg(long, default_value = "10", value_name = "SECS", value_parser = parse_timeout, global = true, display_order = 104)]
    pub timeout: Duration,
    /// Warnings fail the run (exit 1).
    #[arg(long, global = true, display_order = 105)]
    pub strict: bool,
    /// Only problems and the verdict.
    #[arg(short, long, conflicts_with = "verbose", global = true, display_order = 106)]
    pub quiet: bool,
    /// Timings and details on stderr.
    #[arg(short, long, global = true, display_order = 107)]
    pub verbose: bool,
    /// Drop findings with this code (repeat), as linters do; the verdict line counts them.
    #[arg(
        long = "ignore",
        value_name = "CODE",
        value_parser = CodeCompletion { all: false },
        hide_possible_values = true,
        global = true,
        display_order = 108
    )]
    pub ignore: Vec<String>,
    /// How value fingerprints are printed: `keyed` (default) is `fp:` + 12 hex digits of
    /// HMAC-SHA256 under a random key made for this run, comparable within one output only;
    /// `sha256` is `sha256:` + the first 12 hex digits of the plain SHA-256, to check by hand
    /// (`printf %s "$V" | sha256sum`), but it lets anyone who sees it test guesses of the value.
    #[arg(
        long,
        value_enum,
        value_name = "KIND",
        default_value = "keyed",
        global = true,
        display_order = 109
    )]
    pub fingerprint: crate::secret::FingerprintMode,
}

impl Global {
    /// The `--ignore` codes. Errors (exit 2): a value that is not a code authdoctor emits, not
    /// echoed unless it is code-shaped (clap's own message would echo it).
    pub fn ignored(&self) -> Result<Vec<&'static crate::findings::Code>, crate::error::Error> {
        self.ignore
            .iter()
            .map(|c| parse_code(c).map_err(|e| crate::error::Error::new(format!("--ignore: {e}"))))
            .collect()
    }
}

/// A finding code (`AD301`, any case) for `--ignore`. Text that is not code-shaped is not echoed:
/// it may be a secret pasted in the wrong place.
pub fn parse_code(s: &str) -> Result<&'static crate::findings::Code, String> {
    if let Some(c) = crate::findings::registry::lookup(s) {
        return Ok(c);
    }
    let shaped = s.len() == 5 && s[..2].eq_ignore_ascii_case("AD") && s[2..].bytes().all(|b| b.is_ascii_digit());
    Err(if shaped {
        format!("{s} is not a finding code authdoctor emits; `authdoctor explain all` lists them")
    } else {
        "not a finding code (codes look like AD301; `authdoctor explain all` lists them)".to_string()
    })
}

/// Takes any text (checked later by [`parse_code`], which never echoes a value that may be a
/// secret) and offers every finding code (and `all` for `explain`) to shell completions, which
/// clap_complete reads from `possible_values`.
#[derive(Clone)]
pub struct CodeCompletion {
    /// Also offer `all` (`explain all`).
    pub all: bool,
}

impl clap::builder::TypedValueParser for CodeCompletion {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let codes = crate::findings::registry::all().map(|c| PossibleValue::new(c.id).help(c.title));
        let all = self.all.then(|| PossibleValue::new("all").help("every code"));
        Some(Box::new(all.into_iter().chain(codes)))
    }
}

/// `--timeout SECS`: a number of seconds in (0, 3600], fractions allowed.
fn parse_timeout(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 3600.0 => Ok(Duration::from_secs_f64(v)),
        _ => Err(format!("'{s}' is not a number of seconds between 0 and 3600")),
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        Format::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for Loader {
    fn value_variants<'a>() -> &'a [Self] {
        Loader::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for Verifier {
    fn value_variants<'a>() -> &'a [Self] {
        Verifier::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.library()))
    }
}

/// The JOSE signature algorithms authdoctor can sign with and check (those jsonwebtoken
/// implements), by their RFC 7518 / RFC 8037 names. `none` is not one of them.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[value(rename_all = "verbatim")]
#[allow(clippy::upper_case_acronyms)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA,
}

impl Alg {
    /// The name as it stands in a token's `alg` header.
    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::EdDSA => "EdDSA",
        }
    }
}

/// `check --help`: the config file's format, for users without the README.
const CONFIG_HELP: &str = "authdoctor.toml (paths relative to the file; `authdoctor init` proposes one):

  [[secret]]                      # one secret in every place it lives; at least two sources
  name = \"AUTH_SECRET\"
  sources = [\"frontend=env:web/.env.local#AUTH_SECRET?loader=nextjs&local\",
             \"backend=ssm:/app/auth-secret?region=us-east-1\"]
  ignore = [\"AD301\"]              # optional: codes to drop
  local = true                    # optional: every source exists only on developer machines

  [[token]]                       # a token checked against candidate secrets or keys
  name = \"session\"
  token = \"envvar:TEST_TOKEN\"
  secrets = [\"backend=ssm:/app/auth-secret\"]   # or keys, jwks, discover
  audience = \"api\"                # optional: issuer, require = [claims], leeway = SECS,
                                  # algorithms = [\"HS256\"], salt, verifier, ignore, local

`?local` / `local = true`: absent in CI (CI=true) or gitignored, the source is skipped, not unreadable.
`authdoctor sources` lists every source scheme; `authdoctor explain CODE` tells a finding's story.";

// `defer`: a command's own arguments are defined only when that command runs (clap's
// `Command::defer`, the default in its next major version); `--help`, completions and the manual
// page build the whole tree. Building every command's arguments on each run cost more than
// parsing (`jwt decode` spent 0.84 of its 2.0 million instructions in clap).
#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum Command {
    /// One secret, many places: are the bytes equal? Explains every difference.
    Compare(CompareArgs),
    /// Facts about each value (length, fingerprint, character classes, invisible bytes) and hygiene warnings.
    Inspect(InspectArgs),
    /// How each .env loader reads every key of the files; where they disagree, and why.
    Envfile(EnvfileArgs),
    /// Every secret group and token check of authdoctor.toml (found here or in a parent): for CI.
    #[command(after_long_help = CONFIG_HELP)]
    Check(CheckArgs),
    /// Find a project's .env files and fly.toml apps and propose an authdoctor.toml (key names only).
    Init(InitArgs),
    /// Ask the live backend which candidate secret it accepts: one short-lived token per candidate
    /// (and form), after two controls (no token; a token signed with a random key).
    Probe(ProbeArgs),
    /// Decode, verify and sign JWTs; open Auth.js/NextAuth session cookies.
    #[command(subcommand)]
    Jwt(JwtCommand),
    /// The long story of a finding code: why it happens, how to confirm, how to fix.
    Explain(ExplainArgs),
    /// Every source scheme with an example.
    Sources,
    /// Shell completion script on stdout (commands, options, finding codes, loaders, algorithms).
    Completions(CompletionsArgs),
    /// The manual page (roff) on stdout: `authdoctor man > authdoctor.1`, or `authdoctor man | man -l -`.
    Man,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Two or more sources: [LABEL=]SCHEME:REST, e.g. frontend=env:.env.local#AUTH_SECRET
    #[arg(required = true, num_args = 2.., value_name = "[LABEL=]SOURCE")]
    pub sources: Vec<String>,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// One or more sources: [LABEL=]SCHEME:REST, e.g. file:/run/secrets/jwt
    #[arg(required = true, value_name = "[LABEL=]SOURCE")]
    pub sources: Vec<String>,
}

#[derive(Args, Debug)]
pub struct EnvfileArgs {
    /// The .env files to read.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Only these loaders (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LOADERS")]
    pub loaders: Vec<Loader>,
    /// Only this key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The config file (default: the nearest authdoctor.toml).
    #[arg(long, value_name = "PATH")]
    pub config: Option<String>,
    /// Only these [[secret]]/[[token]] names (repeat).
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// Report what changed since this known-good lock file (default: authdoctor.lock beside
    /// the config).
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "")]
    pub baseline: Option<String>,
    /// Write the lock file from this run, if it passes (fingerprints only, never values).
    #[arg(long)]
    pub update_baseline: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The project's root directory (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<String>,
    /// Write DIR/authdoctor.toml (never over an existing one) instead of printing it.
    #[arg(long)]
    pub write: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Requests go only to URL: two controls, then one per distinct candidate form (at most 50 in all), \
concurrently, each within --timeout. https is required except on loopback (or with --allow-http); redirects to \
another host are not followed. The minted tokens are never printed.\n\nExample:\n  authdoctor probe \
https://api.example.com/me --secret ssm=ssm:/app/jwt-secret --secret frontend=env:web/.env.local#AUTH_SECRET \
--claims-from \"$TOKEN\""
)]
pub struct ProbeArgs {
    /// The backend URL that requires a token (e.g. https://api.example.com/me); with --authjs, the
    /// app's URL or its /api/auth/session.
    #[arg(value_name = "URL")]
    pub url: String,
    /// A candidate secret: any source, labelled (repeat), e.g. ssm=ssm:/app/jwt-secret.
    #[arg(long = "secret", required = true, value_name = "[LABEL=]SOURCE")]
    pub secrets: Vec<String>,
    /// Copy the claims (and `kid`, `alg`) of this real token — argument, file or - — with fresh
    /// times (iat now, exp in 60 s), so the request looks like a real one. Not verified.
    #[arg(long, value_name = "TOKEN")]
    pub claims_from: Option<String>,
    /// A claim as k=v (repeat); v is read as JSON when it parses, else as a string. `iat` and
    /// `exp` are always set fresh (now, now + 60 s), and `nbf` to now when present.
    #[arg(long = "claim", value_name = "K=V")]
    pub claim: Vec<String>,
    /// Claims as one JSON object (times set fresh, as for --claim).
    #[arg(long, value_name = "JSON")]
    pub claims: Option<String>,
    /// The HMAC algorithm to sign with (default: --claims-from's, else HS256).
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: Option<Alg>,
    /// The `kid` header.
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// The HTTP method (default GET, or POST with --data).
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,
    /// A request header as 'Name: value' (repeat); `{token}` marks where the token goes
    /// (default: 'Authorization: Bearer {token}').
    #[arg(long = "header", value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// Send the token as this cookie instead of a bearer header.
    #[arg(long, value_name = "NAME")]
    pub cookie: Option<String>,
    /// A request body; `{token}` in it is replaced by the token.
    #[arg(long, value_name = "BODY")]
    pub data: Option<String>,
    /// Mint an Auth.js/NextAuth session cookie per candidate and ask /api/auth/session: a session
    /// back means the app uses that secret (the cookie name picks the flavour: next-auth.* is v4).
    #[arg(long)]
    pub authjs: bool,
    /// Try each candidate only as stored, not also trimmed, unquoted or decoded.
    #[arg(long)]
    pub as_stored: bool,
    /// List the requests that would be sent, and send none.
    #[arg(long)]
    pub dry_run: bool,
    /// Allow plain http to a host that is not loopback (the tokens would cross the network in clear).
    #[arg(long)]
    pub allow_http: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A code such as AD102; `all` lists every code.
    #[arg(value_parser = CodeCompletion { all: true }, hide_possible_values = true)]
    pub code: String,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum JwtCommand {
    /// Header and claims with human times; no verification.
    Decode(DecodeArgs),
    /// Which secret or key verifies the token, and whether its claims pass.
    Verify(VerifyArgs),
    /// Sign a token and print only the token.
    Sign(SignArgs),
}

#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// The token, `Bearer …`, an `Authorization:`/`Cookie:` line, a file holding one, or - (stdin).
    pub token: Option<String>,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The token, `Bearer …`, an `Authorization:`/`Cookie:` line, a file holding one, or - (stdin).
    pub token: Option<String>,
    /// Candidate shared secrets: any source, labelled (e.g. backend=ssm:/app/jwt).
    #[arg(long = "secret", value_name = "[LABEL=]SOURCE")]
    pub secrets: Vec<String>,
    /// A PEM public key or certificate, or a JWK/JWKS file.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<String>,
    /// A JWKS URL or file; keys matched by `kid`.
    #[arg(long, value_name = "URL|FILE")]
    pub jwks: Option<String>,
    /// Fetch the JWKS from the token issuer's OpenID configuration.
    #[arg(long)]
    pub discover: bool,
    /// The audience the verifier expects.
    #[arg(long, value_name = "A")]
    pub aud: Option<String>,
    /// The issuer the verifier expects.
    #[arg(long, value_name = "I")]
    pub iss: Option<String>,
    /// Allowed algorithms (repeat); default: any the key fits, never `none`.
    #[arg(long = "alg", value_enum, value_name = "ALG")]
    pub algs: Vec<Alg>,
    /// A claim that must be present (repeat).
    #[arg(long = "require", value_name = "CLAIM")]
    pub require: Vec<String>,
    /// Seconds of clock skew allowed for exp/nbf (default 0, as PyJWT, python-jose, jose and
    /// jsonwebtoken do; AD416 says when a token passes only thanks to it).
    #[arg(long, default_value_t = 0, value_name = "SECS")]
    pub leeway: u64,
    /// The Auth.js cookie name to derive the key with (default: the cookie's, else the usual two).
    #[arg(long, value_name = "NAME")]
    pub salt: Option<String>,
    /// The library the backend verifies with: say what it will say (AD421), with its own defaults
    /// (leeway, exp/nbf/iat, aud/iss, algorithms, key types) instead of authdoctor's claim checks;
    /// --leeway does not apply, --alg/--aud/--iss are what the backend passes it.
    #[arg(long, value_enum, value_name = "NAME")]
    pub verifier: Option<Verifier>,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The shared secret for HS256/384/512: any source.
    #[arg(long, value_name = "SOURCE")]
    pub secret: Option<String>,
    /// A private PEM key for RS*/PS*/ES*/EdDSA.
    #[arg(long, value_name = "FILE")]
    pub key: Option<String>,
    /// The signing algorithm (the token's `alg` header).
    #[arg(long, value_enum, default_value = "HS256")]
    pub alg: Alg,
    /// A claim as k=v; v is read as JSON when it parses (numbers, true, arrays), else as a string.
    #[arg(long = "claim", value_name = "K=V")]
    pub claim: Vec<String>,
    /// Claims as one JSON object.
    #[arg(long, value_name = "JSON")]
    pub claims: Option<String>,
    /// Lifetime: 90s, 30m, 1h, 7d.
    #[arg(long, value_name = "DURATION")]
    pub exp: Option<String>,
    /// The `aud` claim.
    #[arg(long)]
    pub aud: Option<String>,
    /// The `iss` claim.
    #[arg(long)]
    pub iss: Option<String>,
    /// The `kid` header: which key verifiers should pick.
    #[arg(long)]
    pub kid: Option<String>,
    /// Sign with a secret that has leading or trailing whitespace as it is (refused by default:
    /// verifiers that trim it reject the token).
    #[arg(long)]
    pub secret_as_is: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        <Cli as clap::CommandFactory>::command().debug_assert();
    }

    /// Every option and positional argument of every command says what it is for.
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                if arg.get_help().is_none() && !["help", "version"].contains(&arg.get_id().as_str()) {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        fn count(cmd: &clap::Command) -> usize {
            cmd.get_arguments().count() + cmd.get_subcommands().map(count).sum::<usize>()
        }
        // Commands define their arguments when built (`defer`): build the whole tree first.
        let mut cmd = <Cli as clap::CommandFactory>::command();
        cmd.build();
        assert!(count(&cmd) > 100, "the tree was not built: {} arguments", count(&cmd));
        let mut missing = Vec::new();
        walk(&cmd, "authdoctor", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }

    /// `--alg` offers exactly the names its values stand for, each one jsonwebtoken knows.
    #[test]
    fn alg_names_are_jose_names() {
        for alg in Alg::value_variants() {
            let offered = alg.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(offered.as_deref(), Some(alg.name()));
            assert!(alg.name().parse::<jsonwebtoken::Algorithm>().is_ok(), "{}", alg.name());
        }
    }
}
