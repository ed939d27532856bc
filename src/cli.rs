//! Command-line definitions (clap derive) and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};

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

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Output format.
    #[arg(long, global = true, value_enum, env = "AUTHDOCTOR_FORMAT", default_value = "human")]
    pub format: Format,
    /// When to colour human output (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Show secret values (hex dump in human output). Never the default.
    #[arg(long, global = true)]
    pub reveal: bool,
    /// Seconds to wait for each remote source or command.
    #[arg(long, global = true, default_value_t = 10.0, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: f64,
    /// Warnings fail the run (exit 1).
    #[arg(long, global = true)]
    pub strict: bool,
    /// Only problems and the verdict.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Timings and details on stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err(format!("'{s}' is not a number of seconds between 0 and 3600")),
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// One secret, many places: are the bytes equal? Explains every difference.
    Compare {
        /// Two or more sources: [LABEL=]SCHEME:REST, e.g. frontend=env:.env.local#AUTH_SECRET
        #[arg(required = true, num_args = 2.., value_name = "[LABEL=]SOURCE")]
        sources: Vec<String>,
    },
    /// Facts about each value (length, fingerprint, character classes, invisible bytes) and hygiene warnings.
    Inspect {
        #[arg(required = true, value_name = "[LABEL=]SOURCE")]
        sources: Vec<String>,
    },
    /// How each .env loader reads every key of the files; where they disagree, and why.
    Envfile {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Only these loaders (comma-separated): node, nextjs, python, compose, docker, ruby, dotenvy, shell.
        #[arg(long, value_delimiter = ',', value_name = "LOADERS")]
        loaders: Vec<String>,
        /// Only this key.
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
    },
    /// Every secret group and token check of authdoctor.toml (found here or in a parent): for CI.
    Check {
        /// The config file (default: the nearest authdoctor.toml).
        #[arg(long, value_name = "PATH")]
        config: Option<String>,
        /// Only these [[secret]]/[[token]] names (repeat).
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// Report what changed since this known-good lock file (default: authdoctor.lock beside
        /// the config).
        #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "")]
        baseline: Option<String>,
        /// Write the lock file from this run, if it passes (fingerprints only, never values).
        #[arg(long)]
        update_baseline: bool,
    },
    /// Find a project's .env files and fly.toml apps and propose an authdoctor.toml (key names only).
    Init {
        /// The project's root directory (default: the current directory).
        #[arg(value_name = "DIR")]
        dir: Option<String>,
        /// Write DIR/authdoctor.toml (never over an existing one) instead of printing it.
        #[arg(long)]
        write: bool,
    },
    /// Decode, verify and sign JWTs; open Auth.js/NextAuth session cookies.
    Jwt {
        #[command(subcommand)]
        command: JwtCommand,
    },
    /// The long story of a finding code: why it happens, how to confirm, how to fix.
    Explain {
        /// A code such as AD102; `all` lists every code.
        code: String,
    },
    /// Every source scheme with an example.
    Sources,
    /// Shell completion script on stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
pub enum JwtCommand {
    /// Header and claims with human times; no verification.
    Decode {
        /// The token, `Bearer …`, an `Authorization:`/`Cookie:` line, a file holding one, or - (stdin).
        token: Option<String>,
    },
    /// Which secret or key verifies the token, and whether its claims pass.
    Verify {
        /// The token, `Bearer …`, an `Authorization:`/`Cookie:` line, a file holding one, or - (stdin).
        token: Option<String>,
        /// Candidate shared secrets: any source, labelled (e.g. backend=ssm:/app/jwt).
        #[arg(long = "secret", value_name = "[LABEL=]SOURCE")]
        secrets: Vec<String>,
        /// A PEM public key or certificate, or a JWK/JWKS file.
        #[arg(long = "key", value_name = "FILE")]
        keys: Vec<String>,
        /// A JWKS URL or file; keys matched by `kid`.
        #[arg(long, value_name = "URL|FILE")]
        jwks: Option<String>,
        /// Fetch the JWKS from the token issuer's OpenID configuration.
        #[arg(long)]
        discover: bool,
        /// The audience the verifier expects.
        #[arg(long, value_name = "A")]
        aud: Option<String>,
        /// The issuer the verifier expects.
        #[arg(long, value_name = "I")]
        iss: Option<String>,
        /// Allowed algorithms (repeat); default: any the key fits, never `none`.
        #[arg(long = "alg", value_name = "ALG")]
        algs: Vec<String>,
        /// A claim that must be present (repeat).
        #[arg(long = "require", value_name = "CLAIM")]
        require: Vec<String>,
        /// Seconds of clock skew allowed for exp/nbf.
        #[arg(long, default_value_t = 60, value_name = "SECS")]
        leeway: u64,
        /// The Auth.js cookie name to derive the key with (default: the cookie's, else the usual two).
        #[arg(long, value_name = "NAME")]
        salt: Option<String>,
    },
    /// Sign a token and print only the token.
    Sign {
        /// The shared secret for HS256/384/512: any source.
        #[arg(long, value_name = "SOURCE")]
        secret: Option<String>,
        /// A private PEM key for RS*/PS*/ES*/EdDSA.
        #[arg(long, value_name = "FILE")]
        key: Option<String>,
        #[arg(long, default_value = "HS256")]
        alg: String,
        /// A claim as k=v; v is read as JSON when it parses (numbers, true, arrays), else as a string.
        #[arg(long = "claim", value_name = "K=V")]
        claim: Vec<String>,
        /// Claims as one JSON object.
        #[arg(long, value_name = "JSON")]
        claims: Option<String>,
        /// Lifetime: 90s, 30m, 1h, 7d.
        #[arg(long, value_name = "DURATION")]
        exp: Option<String>,
        #[arg(long)]
        aud: Option<String>,
        #[arg(long)]
        iss: Option<String>,
        #[arg(long)]
        kid: Option<String>,
    },
}
