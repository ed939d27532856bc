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
