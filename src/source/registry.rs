//! The one list of source schemes, and the contract each scheme's file fulfils.
//!
//! A scheme is one file in `src/source/` with an `INFO`, a `validate` and either a synchronous
//! `read` (local) or a plan step and an async fetch (remote), plus one line in [`SCHEMES`].

use super::fetch::{Backends, LocalCtx, Run};
use super::{FetchError, Fetched, Spec};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Every scheme, in the order `authdoctor sources` lists them and the parser names them.
pub const SCHEMES: &[&dyn Scheme] = &[
    &super::env::Env,
    &super::envvar::EnvVar,
    &super::file::File,
    &super::stdin::Stdin,
    &super::cmd::Cmd,
    &super::ssm::Ssm,
    &super::secretsmanager::SecretsManager,
    &super::ecs::Ecs,
    &super::configjs::ConfigJs,
    &super::fly::Fly,
    &super::fly_json::FlyJson,
    &super::fly_runtime::FlyRuntime,
    &super::k8s::K8s,
    &super::k8s_runtime::K8sRuntime,
    &super::proc::Proc,
    &super::vercel::Vercel,
];

/// The scheme called `name` (`env`, `fly-json`, `-` …).
pub fn lookup(name: &str) -> Option<&'static dyn Scheme> {
    SCHEMES.iter().copied().find(|s| s.name() == name)
}

/// What `authdoctor sources` prints about a scheme, and the options the parser accepts for it.
#[derive(Debug)]
pub struct SchemeInfo {
    /// The word before `:` (`-` for standard input).
    pub name: &'static str,
    pub example: &'static str,
    /// What the scheme yields, in one paragraph.
    pub yields: &'static str,
    /// The `?name=value` options it takes; any other is a usage error.
    pub options: &'static [&'static str],
    /// The rest after `SCHEME:` is taken whole: no `#key`, no `?options` (a command line).
    pub verbatim: bool,
}

/// A ready-made spec of a scheme for one store (`cmd:op read --no-newline …`), as `authdoctor
/// sources` and README list it.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Recipe {
    /// The store or tool (`1Password`, `Vault` …).
    pub store: &'static str,
    /// The whole source spec, with placeholders in capitals.
    pub spec: &'static str,
    /// What the tool adds after the value (a newline or nothing), and what the spec does about it.
    pub newline: &'static str,
}

/// A source scheme. One implementation per scheme, listed once in [`SCHEMES`].
pub trait Scheme: Sync {
    fn info(&self) -> &'static SchemeInfo;

    /// The scheme's own rules for a parsed spec (what must be there, which options go together),
    /// after the grammar and the option names are checked. `Err` is the reason, shown after
    /// `bad source 'SCHEME:…':`; it quotes a user's text only through `spec::part`, which never
    /// echoes anything long enough to be a secret.
    fn validate(&self, spec: &Spec) -> Result<(), String>;

    /// How the scheme reads.
    fn access(&self) -> Access<'_>;

    /// Whether this spec reads standard input (it can be read once per run).
    fn reads_stdin(&self, _spec: &Spec) -> bool {
        false
    }

    fn name(&self) -> &'static str {
        self.info().name
    }

    /// Specs of this scheme for common stores, listed by `authdoctor sources` (most have none).
    fn recipes(&self) -> &'static [Recipe] {
        &[]
    }

    /// Sources that wait on a network or another program: read under the run's timeout, on an async
    /// runtime, and worth a progress line. Local ones need no runtime at all.
    fn is_remote(&self) -> bool {
        matches!(self.access(), Access::Remote(_))
    }
}

/// How a scheme reads.
pub enum Access<'a> {
    /// A plain synchronous read on this machine (files, the environment, standard input already
    /// read): no timeout, since a timer could not interrupt it, and no async runtime.
    Local(fn(&Spec, &LocalCtx) -> Result<Fetched, FetchError>),
    /// Waits on a network or another program: planned before anything is fetched, then fetched
    /// concurrently under the run's timeout.
    Remote(&'a dyn Remote),
}

/// A boxed fetch: schemes' futures differ in type, and one run awaits them all together.
pub type Fetching<'a> = Pin<Box<dyn Future<Output = Result<Fetched, FetchError>> + 'a>>;

/// A scheme that fetches asynchronously.
pub trait Remote: Sync {
    /// Before any fetch: register in `backends` the calls this spec needs, so that sources sharing
    /// a backend share one call (one `fly secrets list` per app, SSM batches of 10 …).
    fn plan(&self, _spec: &Spec, _backends: &mut Backends) {}

    /// Fetch the spec, awaiting the calls planned for it. Dropped when the run's timeout expires.
    fn fetch<'a>(&'a self, spec: &'a Spec, run: &'a Run<'a>) -> Fetching<'a>;

    /// The error when the run's timeout expires first.
    fn timed_out(&self, timeout: Duration) -> FetchError {
        FetchError::unreadable(format!("no answer within {} s", timeout.as_secs_f64()))
            .hint("raise --timeout if the source is slow, or check that it is reachable")
    }
}

impl std::fmt::Debug for dyn Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Schemes are equal when their names are (one implementation per name).
impl PartialEq for dyn Scheme {
    fn eq(&self, other: &dyn Scheme) -> bool {
        self.name() == other.name()
    }
}
impl Eq for dyn Scheme {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_scheme_is_found() {
        for (i, s) in SCHEMES.iter().enumerate() {
            assert!(
                SCHEMES[..i].iter().all(|o| o.name() != s.name()),
                "{} listed twice",
                s.name()
            );
            assert_eq!(lookup(s.name()).map(|l| l.name()), Some(s.name()));
            assert!(!s.info().example.is_empty() && !s.info().yields.is_empty());
        }
    }

    /// Every example in `authdoctor sources` parses as the scheme it illustrates.
    #[test]
    fn examples_parse() {
        for s in SCHEMES {
            let spec = Spec::parse(s.info().example).unwrap_or_else(|e| panic!("{}: {}", s.name(), e.message));
            assert_eq!(spec.scheme.name(), s.name());
            for r in s.recipes() {
                let spec = Spec::parse(r.spec).unwrap_or_else(|e| panic!("{}: {}", r.store, e.message));
                assert_eq!(spec.scheme.name(), s.name(), "{}", r.store);
            }
        }
    }
}
