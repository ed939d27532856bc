//! Reading sources (AD0xx): a source that could not be read, or not as asked. A source returns a
//! typed failure ([`FailureKind`]); this module is the one place that turns it into a finding.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].

use crate::findings::{Code, Finding, Severity};
use crate::source::{FailureKind, FetchError};

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[&AD001, &AD002, &AD003, &AD004];

pub const AD001: Code = Code {
    id: "AD001",
    severity: Severity::Error,
    title: "source could not be read",
    hint: "Fix access to the source named above (path, permissions, command), then run again.",
    explain: "Why: authdoctor could not get a value from a source: the file does not exist or is not \
readable, the command failed or timed out, standard input was empty or closed, or the data is larger \
than the 8 MiB a secret source may be.\n\
Confirm: the message names the source and the operating-system error. Try reading the source yourself \
(`ls -l PATH`, run the command by hand).\n\
Fix: correct the path or command, grant read access, or raise `--timeout` for a slow command. The run \
exits 3 whenever a source cannot be read, because nothing can be said about a value that was never seen.",
};

pub const AD002: Code = Code {
    id: "AD002",
    severity: Severity::Error,
    title: "key or parameter not found",
    hint: "Check the key name: the message lists the keys that do exist.",
    explain: "Why: the source was read but the key asked for is not in it: a typo, a different name on \
each side (AUTH_SECRET vs NEXTAUTH_SECRET vs AUTH_SYNC_SECRET), or a line the loader does not parse as \
an assignment (for example `AUTH_SECRET = x` for loaders that forbid spaces).\n\
Confirm: the message lists the names the loader found (names only, never values).\n\
Fix: use the name the program really reads. If the program reads a name that is not in the file, it is \
reading it from somewhere else (the process environment, a platform secret), so add that place as a source.",
};

pub const AD003: Code = Code {
    id: "AD003",
    severity: Severity::Error,
    title: "an HTML page was served instead of the config script",
    hint: "Check the config script's path: a single-page app answers unknown paths with index.html.",
    explain: "Why: the URL answered with an HTML page (status 200, `text/html` or `<!doctype html>`), which \
is what single-page apps and CDNs serve for any path they do not know: the config script lives somewhere \
else, or was not deployed.\n\
Confirm: open the URL in a browser and view the source; `curl -sI URL` shows the Content-Type.\n\
Fix: use the real path of the script (see the page's <script src=…>), or deploy it.",
};

pub const AD004: Code = Code {
    id: "AD004",
    severity: Severity::Error,
    title: "the value at the path is not a string",
    hint: "Point the path at the string itself.",
    explain: "Why: the path leads to a number, boolean, null, array or object rather than a string, so there \
is no secret text to compare.\n\
Confirm: the message names the type found.\n\
Fix: extend the path (`.key`, `[0]`) to the string.",
};

/// The code for a way a source can fail.
pub fn code_of(kind: FailureKind) -> &'static Code {
    match kind {
        FailureKind::Unreadable | FailureKind::Missing => &AD001,
        FailureKind::NotFound => &AD002,
        FailureKind::HtmlNotScript => &AD003,
        FailureKind::NotAString => &AD004,
    }
}

/// Whether this run is in CI: `CI` set to anything but empty, `0` or `false` (GitHub Actions,
/// GitLab, CircleCI, Travis, Buildkite and others set `CI=true`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Why a local-only source (`?local`, or `local = true` on its group) is skipped rather than
/// reported unreadable: it failed because its file is missing ([`FailureKind::Missing`]), and
/// this is CI (`ci`) or git ignores the file (`gitignored`, asked only then), so no checkout has it;
/// or it is an `envvar:` not set in CI.
/// `None`: not local, not missing, or missing where it should exist (AD001 as usual).
pub fn skip_reason(
    spec: &crate::source::Spec,
    group_local: bool,
    error: &FetchError,
    ci: bool,
    gitignored: impl Fn(&std::path::Path) -> bool,
) -> Option<&'static str> {
    if !(spec.local() || group_local) {
        return None;
    }
    // An unset variable (envvar:) is absent too; no file of it for git to ignore.
    if ci && error.kind == FailureKind::NotFound && spec.scheme.info().name == "envvar" {
        return Some("local-only, not set in CI");
    }
    if error.kind != FailureKind::Missing {
        return None;
    }
    if ci {
        return Some("local-only, absent in CI");
    }
    let path = std::path::Path::new(&spec.locator);
    // A Next.js project directory: its `.env.local` stands for the files it would read.
    let path = if path.is_dir() {
        path.join(".env.local")
    } else {
        path.to_path_buf()
    };
    gitignored(&path).then_some("local-only, absent and gitignored")
}

/// The finding for a source named `name` in the report that yielded nothing: `NAME: message`, the
/// error's hint or else the code's.
pub fn failed(name: &str, e: &FetchError) -> Finding {
    let mut finding = Finding::new(code_of(e.kind), format!("{name}: {}", e.message)).sources([name]);
    if let Some(h) = &e.hint {
        finding = finding.hint(h.clone());
    }
    finding
}

/// `envfile`: a file it could not read (the message names the file).
pub fn file_unreadable(path: &str, e: &FetchError) -> Finding {
    Finding::new(code_of(e.kind), e.message.clone())
        .sources([path])
        .hint("check the path; `authdoctor envfile` reads .env files")
}

/// `envfile --key KEY`: no loader finds KEY in the file; `names` are the keys it defines.
pub fn key_not_in_file(path: &str, key: &str, names: &[&str]) -> Finding {
    Finding::new(
        &AD002,
        format!(
            "{path}: no loader finds a key {key} (keys in the file: {})",
            names.join(", ")
        ),
    )
    .sources([path])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_kind_has_its_code() {
        for (kind, id) in [
            (FailureKind::Unreadable, "AD001"),
            (FailureKind::NotFound, "AD002"),
            (FailureKind::HtmlNotScript, "AD003"),
            (FailureKind::NotAString, "AD004"),
        ] {
            let f = failed("s", &FetchError::new(kind, "m"));
            assert_eq!((f.code.id, f.message.as_str()), (id, "s: m"));
            assert_eq!(f.hint.as_deref(), Some(code_of(kind).hint));
        }
        let f = failed("s", &FetchError::not_found("m").hint("h"));
        assert_eq!(f.hint.as_deref(), Some("h"));
    }
}
