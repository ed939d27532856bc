//! Fetching one run's sources: standard input read once, remote backend calls planned and shared
//! (each backend asked once), every source concurrently, remote ones under the run's timeout.

use super::registry::Access;
use super::{FetchError, Fetched, Outcome, Spec};
use crate::error::Error;
use crate::secret::Secret;
use std::any::{Any, TypeId};
use std::time::Duration;

/// A backend answer fetched once per run and shared by every source that needs it.
pub type Shared<T> = tokio::sync::OnceCell<Result<std::sync::Arc<T>, FetchError>>;

/// What a local read may use besides its spec.
pub struct LocalCtx<'a> {
    /// Standard input, read once before fetching when a spec reads it ([`Scheme::reads_stdin`]).
    ///
    /// [`Scheme::reads_stdin`]: super::Scheme::reads_stdin
    pub stdin: Option<&'a Secret>,
}

/// What a remote fetch may use besides its spec.
pub struct Run<'a> {
    /// The run's timeout per remote source (`--timeout`).
    pub timeout: Duration,
    pub local: LocalCtx<'a>,
    /// The backend calls planned for this run.
    pub backends: &'a Backends,
}

/// The backend calls of one run, planned before fetching ([`Remote::plan`]) and shared by every
/// source that needs them. Each scheme keeps its own state type here (the type is the key), so
/// schemes that share a backend share a type (AWS configurations serve ssm and secretsmanager).
/// Schemes' maps hash with Fx: their keys come from the command line or config, and std's randomly
/// keyed hasher costs a getrandom call per process.
///
/// [`Remote::plan`]: super::Remote::plan
#[derive(Default)]
pub struct Backends {
    by_type: rustc_hash::FxHashMap<TypeId, Box<dyn Any>>,
}

impl Backends {
    /// Plan with the state of type `T`, created empty on first use.
    pub fn plan<T: Default + 'static>(&mut self, f: impl FnOnce(&mut T)) {
        let state = self
            .by_type
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        // Only this function inserts, under T's own TypeId, so the state is a T. Were it not, the
        // fetch would find nothing planned and say so (an error, not a panic).
        if let Some(t) = state.downcast_mut::<T>() {
            f(t);
        }
    }

    /// The state of type `T` planned for this run, if any spec planned it (fetching).
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.by_type.get(&TypeId::of::<T>())?.downcast_ref::<T>()
    }
}

/// The error a fetch returns when the call it needs was not planned: a bug, said plainly.
pub(crate) fn unplanned(what: &str) -> FetchError {
    FetchError::unreadable(format!("internal: no {what} planned"))
}

/// Fetch every source concurrently, each remote one under `timeout`; results keep the input order.
/// `progress` advances by one per finished source.
///
/// Errors: a usage error (exit 2) when more than one source reads standard input, or standard input
/// cannot be read; a source that fails is an `Err` in its [`Outcome`], not an error here.
pub async fn fetch_all(
    specs: Vec<Spec>,
    timeout: Duration,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Vec<Outcome>, Error> {
    let stdin_count = specs.iter().filter(|s| s.scheme.reads_stdin(s)).count();
    if stdin_count > 1 {
        return Err(Error::new("standard input ('-') can be read only once per run")
            .hint("give one source as '-' and the others as files (e.g. file:/dev/fd/3) or commands"));
    }
    let stdin = if stdin_count == 1 {
        match super::stdin::read_all() {
            Ok(s) => Some(s),
            Err(e) => {
                return Err(Error::new(format!("could not read standard input: {e}"))
                    .hint("pipe in only the secret, e.g. printf %s \"$SECRET\" | authdoctor inspect -"));
            }
        }
    } else {
        None
    };
    let mut backends = Backends::default();
    for spec in &specs {
        if let Access::Remote(r) = spec.scheme.access() {
            r.plan(spec, &mut backends);
        }
    }
    let run = Run {
        timeout,
        local: LocalCtx { stdin: stdin.as_ref() },
        backends: &backends,
    };
    let futures = specs.iter().map(|spec| {
        let run = &run;
        async move {
            let r = match spec.scheme.access() {
                // Local sources are read synchronously: a timer could not interrupt them, and without
                // one a local-only run needs no async runtime at all (run.rs).
                Access::Local(read) => read(spec, &run.local),
                // Dropping the fetch stops its work: a command's child is killed on drop.
                Access::Remote(r) => match tokio::time::timeout(run.timeout, r.fetch(spec, run)).await {
                    Ok(r) => r,
                    Err(_) => Err(r.timed_out(run.timeout)),
                },
            };
            if let Some(p) = progress {
                p.inc(1);
            }
            r
        }
    });
    let results: Vec<Result<Fetched, FetchError>> = futures_util::future::join_all(futures).await;
    Ok(specs
        .into_iter()
        .zip(results)
        .map(|(spec, result)| Outcome { spec, result })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Calls(Vec<&'static str>);

    #[test]
    fn backends_keep_one_state_per_type() {
        let mut b = Backends::default();
        b.plan(|c: &mut Calls| c.0.push("a"));
        b.plan(|c: &mut Calls| c.0.push("b"));
        assert_eq!(b.get::<Calls>().map(|c| c.0.clone()), Some(vec!["a", "b"]));
        assert!(b.get::<u32>().is_none());
    }
}
