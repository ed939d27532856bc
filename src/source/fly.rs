//! `fly:APP#NAME`: a Fly secret's presence, digest and deployment status, via
//! `fly secrets list --json`, one call per app per run.
//!
//! Fly's digest is keyed and computed server-side: it proves presence and change, never equality
//! with a value, so this source yields the `digest` kind.

use super::fetch::unplanned;
use super::flyctl::{FlySecret, parse_list, resolve, run_flyctl};
use super::registry::{Access, Fetching, Remote, Scheme, SchemeInfo};
use super::{Backends, FetchError, Run, Shared, Spec};
use std::sync::Arc;

pub const INFO: SchemeInfo = SchemeInfo {
    name: "fly",
    example: "fly:catwalk-backend#AUTH_SECRET",
    yields: "Fly secret presence, digest and deployment status, via `fly secrets list --json` (one call per app); a Fly digest is keyed: it shows presence and change, never equality with a value",
    options: &[],
    verbatim: false,
};

pub struct Fly;

impl Scheme for Fly {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        super::flyctl::validate(spec, "an app name")
    }

    fn access(&self) -> Access<'_> {
        Access::Remote(self)
    }
}

/// One `fly secrets list` per app per run, shared by every source of that app.
#[derive(Default)]
struct Lists(rustc_hash::FxHashMap<String, Shared<Vec<FlySecret>>>);

impl Remote for Fly {
    fn plan(&self, spec: &Spec, backends: &mut Backends) {
        backends.plan(|l: &mut Lists| {
            l.0.entry(spec.locator.clone()).or_default();
        });
    }

    fn fetch<'a>(&'a self, spec: &'a Spec, run: &'a Run<'a>) -> Fetching<'a> {
        Box::pin(async move {
            let app = &spec.locator;
            let Some(cell) = run.backends.get::<Lists>().and_then(|l| l.0.get(app)) else {
                return Err(unplanned("list for this app"));
            };
            let list = cell.get_or_init(|| list_app(app)).await.clone()?;
            resolve(
                spec,
                &list,
                &format!("fly secrets list --app {app}"),
                &format!("fly:{app}"),
            )
        })
    }
}

/// `fly secrets list --app APP --json`.
async fn list_app(app: &str) -> Result<Arc<Vec<FlySecret>>, FetchError> {
    let out = run_flyctl(
        &["secrets", "list", "--app", app, "--json"],
        &format!("fly secrets list --app {app}"),
    )
    .await?;
    parse_list(&out)
        .map(Arc::new)
        .map_err(|e| FetchError::unreadable(format!("could not read `fly secrets list` output for {app}: {e}")))
}
