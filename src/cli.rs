//! Command-line definitions (clap derive), and the parse that accepts the global options at every
//! level of the command.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

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

// Options accepted before or after any subcommand (`authdoctor --format json jwt decode T` and
// `authdoctor jwt decode T --format json`); see `command()` for how. No doc comment here: clap
// would make it the `about` of every command the options are added to.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Output format.
    #[arg(long, value_enum, env = "AUTHDOCTOR_FORMAT", default_value = "human")]
    pub format: Format,
    /// When to colour human output (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Show secret values (hex dump in human output). Never the default.
    #[arg(long)]
    pub reveal: bool,
    /// Seconds to wait for each remote source or command.
    #[arg(long, default_value_t = 10.0, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: f64,
    /// Warnings fail the run (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// Only problems and the verdict.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Timings and details on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// The command line. The global options ([`Global`]) are declared on every command rather than
/// with clap's `global = true`, and each subcommand's arguments are built only when it is used
/// (`defer`).
///
/// Why: clap copies each `global` option into every subcommand when it builds the tree and copies
/// the values up and down the matched chain after parsing; with seven such options and every
/// subcommand built, clap was ~60 % of a `jwt decode` run's instructions (callgrind: 649k, against
/// 110k for all of jwt-cli's parsing). Declared per command, the options parse where they appear and
/// [`parse_from`] takes each from the command of the matched chain where it has its highest source
/// (command line over environment over default), the innermost on a tie, as clap's global options do.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses `args` (program name first) with [`command`].
///
/// `authdoctor jwt decode|verify|sign …` is parsed by the `jwt` command alone: with the subcommand
/// right after `jwt`, no option can stand at the top or `jwt` level, so every argument belongs to the
/// leaf, which is built exactly as in the whole tree (same arguments, same bin name, so the same
/// help, usage and errors). It skips building and defaulting the two upper levels, about a third
/// of clap's work (callgrind, whole `jwt verify` run with a file secret: 889k → 719k instructions).
/// `cli_fast_path_matches_tree` checks both parses agree.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    match args.get(1..3) {
        // With AUTHDOCTOR_FORMAT set the tree also checks it at the upper levels (an invalid value
        // is an error there even when `--format` is given to the leaf): leave that to the tree.
        Some([jwt, leaf])
            if jwt == "jwt"
                && ["decode", "verify", "sign"].iter().any(|l| leaf == l)
                && std::env::var_os("AUTHDOCTOR_FORMAT").is_none() =>
        {
            parse_jwt_leaf(args)
        }
        _ => parse_tree(args),
    }
}

/// Parses `args` with the whole command tree.
pub fn parse_tree<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut matches = command().try_get_matches_from(args)?;
    let global = merged_globals(&matches);
    let mut cli = Cli::from_arg_matches_mut(&mut matches)?;
    cli.global = global;
    Ok(cli)
}

/// `args` is `[program, "jwt", leaf, …]`. The `jwt` command here has no options of its own (none can
/// be given before the leaf), and its bin name is what clap derives in the tree: the program's file
/// name, then `jwt`.
fn parse_jwt_leaf(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    // A program name that is not UTF-8 gives clap no bin name at all: leave that to the tree.
    let Some(program) = std::path::Path::new(&args[0]).file_name().and_then(|f| f.to_str()) else {
        return parse_tree(args);
    };
    let jwt = clap::Command::new("jwt")
        .bin_name(format!("{program} jwt"))
        .display_name("authdoctor-jwt");
    let mut jwt = JwtCommand::augment_subcommands(jwt);
    let mut matches = jwt.try_get_matches_from_mut(&args[1..])?;
    let Some((_, leaf)) = matches.subcommand() else {
        return parse_tree(args); // not reached: clap matched args[2] as the leaf
    };
    let global = merged_globals(leaf);
    let command = JwtCommand::from_arg_matches_mut(&mut matches)?;
    Ok(Cli {
        global,
        command: Command::Jwt(command),
    })
}

/// Each global option from the command of the matched chain (top level first) where it has its
/// highest source; on a tie the innermost command wins, as with clap's `global = true`.
fn merged_globals(top: &ArgMatches) -> Global {
    let mut levels = vec![top];
    while let Some((_, sub)) = levels[levels.len() - 1].subcommand() {
        levels.push(sub);
    }
    let from = |id: &str| {
        let mut best = top;
        let mut best_source: Option<ValueSource> = None;
        for m in &levels {
            let source = m.value_source(id);
            if source >= best_source {
                (best, best_source) = (m, source);
            }
        }
        best
    };
    fn one<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> T {
        // Every command declares the option with a default, so a value is always there.
        m.get_one::<T>(id).cloned().expect("global option with a default")
    }
    Global {
        format: one(from("format"), "format"),
        color: one(from("color"), "color"),
        reveal: from("reveal").get_flag("reveal"),
        timeout: one(from("timeout"), "timeout"),
        strict: from("strict").get_flag("strict"),
        quiet: from("quiet").get_flag("quiet"),
        verbose: from("verbose").get_flag("verbose"),
    }
}

impl Global {
    /// The options as a list, for a command that cannot flatten them (`jwt`).
    fn args() -> Vec<clap::Arg> {
        Global::augment_args(clap::Command::new(""))
            .get_arguments()
            .cloned()
            .collect()
    }
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

/// Every command has `#[command(flatten)] global: Global` (see [`command`]); [`Cli::global`] holds
/// the merged values, so the per-command copies are ignored.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum Command {
    /// One secret, many places: are the bytes equal? Explains every difference.
    Compare {
        /// Two or more sources: [LABEL=]SCHEME:REST, e.g. frontend=env:.env.local#AUTH_SECRET
        #[arg(required = true, num_args = 2.., value_name = "[LABEL=]SOURCE")]
        sources: Vec<String>,
        #[command(flatten)]
        global: Global,
    },
    /// Facts about each value (length, fingerprint, character classes, invisible bytes) and hygiene warnings.
    Inspect {
        #[arg(required = true, value_name = "[LABEL=]SOURCE")]
        sources: Vec<String>,
        #[command(flatten)]
        global: Global,
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
        #[command(flatten)]
        global: Global,
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
        #[command(flatten)]
        global: Global,
    },
    /// Find a project's .env files and fly.toml apps and propose an authdoctor.toml (key names only).
    Init {
        /// The project's root directory (default: the current directory).
        #[arg(value_name = "DIR")]
        dir: Option<String>,
        /// Write DIR/authdoctor.toml (never over an existing one) instead of printing it.
        #[arg(long)]
        write: bool,
        #[command(flatten)]
        global: Global,
    },
    /// Decode, verify and sign JWTs; open Auth.js/NextAuth session cookies.
    // A nested subcommand enum, not a field: its commands are then registered at once (their
    // arguments deferred), so `authdoctor help jwt` and completions see them. The global options
    // are given to `jwt` itself by `args`.
    #[command(subcommand, args = Global::args())]
    Jwt(JwtCommand),
    /// The long story of a finding code: why it happens, how to confirm, how to fix.
    Explain {
        /// A code such as AD102; `all` lists every code.
        code: String,
        #[command(flatten)]
        global: Global,
    },
    /// Every source scheme with an example.
    Sources {
        #[command(flatten)]
        global: Global,
    },
    /// Shell completion script on stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
        #[command(flatten)]
        global: Global,
    },
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum JwtCommand {
    /// Header and claims with human times; no verification.
    Decode {
        /// The token, `Bearer …`, an `Authorization:`/`Cookie:` line, a file holding one, or - (stdin).
        token: Option<String>,
        #[command(flatten)]
        global: Global,
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
        #[command(flatten)]
        global: Global,
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
        #[command(flatten)]
        global: Global,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(r: Result<Cli, clap::Error>) -> String {
        match r {
            Ok(cli) => format!("{cli:?}"),
            Err(e) => format!("{:?} {} {}", e.kind(), e.exit_code(), e.render()),
        }
    }

    /// `parse_from` takes `jwt decode|verify|sign` straight to the `jwt` command; for any arguments
    /// (values, errors, help, the program's name) that must give what the whole tree gives.
    #[test]
    fn cli_fast_path_matches_tree() {
        let tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        let cases: &[&[&str]] = &[
            &["verify", tok, "--secret", "file:s"],
            &[
                "verify",
                tok,
                "--secret",
                "a=file:s",
                "--secret",
                "b=env:.env#K",
                "--format",
                "json",
            ],
            &[
                "verify",
                tok,
                "--key",
                "k.pem",
                "--jwks",
                "j.json",
                "--discover",
                "--aud",
                "a",
            ],
            &[
                "verify",
                tok,
                "--iss",
                "i",
                "--alg",
                "HS256",
                "--alg",
                "RS256",
                "--require",
                "sub",
            ],
            &[
                "verify", tok, "--leeway", "5", "--salt", "n", "-q", "--strict", "--reveal",
            ],
            &["verify", tok, "--color=never", "--timeout", "2.5", "-v"],
            &["verify", "-q", "-v"],
            &["verify", "--timeout", "0"],
            &["verify", "--leeway", "x"],
            &["verify", "--secret"],
            &["verify", "--nope"],
            &["verify", "--secre", "x"],
            &["verify", "a", "b"],
            &["verify", "--format", "xml"],
            &["verify", "--", "--format"],
            &["verify", "help"],
            &["verify", "--help"],
            &["verify", "-h"],
            &["verify", "-V"],
            &["decode"],
            &["decode", tok, "--format=github", "--format", "json"],
            &["decode", "--help"],
            &["decode", "-h"],
            &["decode", tok, "--leeway", "5"],
            &[
                "sign", "--secret", "file:s", "--claim", "a=1", "--exp", "1h", "--kid", "k",
            ],
            &["sign", "--alg"],
            &["sign", "--help"],
            &["sign", "--claims", "{}", "--aud", "a", "--iss", "i", "--key", "k.pem"],
        ];
        #[cfg(unix)]
        let not_utf8: std::ffi::OsString = std::os::unix::ffi::OsStringExt::from_vec(b"/bin/ad\xff".to_vec());
        #[cfg(not(unix))]
        let not_utf8 = std::ffi::OsString::from("ad");
        let programs = [
            "authdoctor".into(),
            "/usr/local/bin/adx".into(),
            "./target/release/authdoctor".into(),
            not_utf8,
        ];
        for program in programs {
            for case in cases {
                let args: Vec<std::ffi::OsString> = [program.clone(), "jwt".into()]
                    .into_iter()
                    .chain(case.iter().map(Into::into))
                    .collect();
                assert_eq!(
                    outcome(parse_from(args.clone())),
                    outcome(parse_tree(args.clone())),
                    "{args:?}"
                );
            }
        }
    }
}
