//! `fly-json:PATH#NAME` (or `-` for standard input): the same as `fly:` from saved
//! `fly secrets list` output, JSON of any flyctl version or the table.

use super::flyctl::{parse_list, resolve};
use super::registry::{Access, Scheme, SchemeInfo};
use super::{FetchError, Fetched, LocalCtx, Spec};

pub const INFO: SchemeInfo = SchemeInfo {
    name: "fly-json",
    example: "fly-json:secrets.json#AUTH_SECRET",
    yields: "the same from saved `fly secrets list` output (JSON of any flyctl version, or the table); `-` reads standard input",
    options: &[],
    verbatim: false,
};

pub struct FlyJson;

impl Scheme for FlyJson {
    fn info(&self) -> &'static SchemeInfo {
        &INFO
    }

    fn validate(&self, spec: &Spec) -> Result<(), String> {
        super::flyctl::validate(spec, "a file (or -)")
    }

    fn access(&self) -> Access<'_> {
        Access::Local(read)
    }

    fn reads_stdin(&self, spec: &Spec) -> bool {
        spec.locator == "-"
    }
}

pub fn read(spec: &Spec, ctx: &LocalCtx) -> Result<Fetched, FetchError> {
    let text = if spec.locator == "-" {
        match ctx.stdin {
            Some(s) => String::from_utf8_lossy(s.expose()).into_owned(),
            None => return Err(FetchError::unreadable("standard input was not read")),
        }
    } else {
        String::from_utf8_lossy(&super::read_file_sync(&spec.locator)?).into_owned()
    };
    let list = parse_list(&text).map_err(|e| {
        FetchError::unreadable(format!("{}: {e}", spec.locator))
            .hint("save the output of `fly secrets list --app APP --json` (or the table) to this file")
    })?;
    // Saved output does not say which app it came from: its digests compare only among themselves.
    resolve(spec, &list, &spec.locator, &format!("fly-json:{}", spec.locator))
}
