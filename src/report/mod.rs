//! The report model every command builds, the verdict and exit code it implies, and [`render`]:
//! one renderer per output format, chosen by one match. Renderers turn the model into text; they
//! decide nothing.

pub mod console;
pub mod github;
pub mod guard;
pub mod human;
pub mod json;
pub mod junit;
pub mod redact;
pub mod sarif;

use crate::findings::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// The `schema` of every JSON document authdoctor prints (docs/report.schema.json).
pub const SCHEMA: &str = "authdoctor/1";

/// An output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    /// SARIF 2.1.0 ([`sarif`]).
    Sarif,
    /// JUnit XML ([`junit`]).
    Junit,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Human,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Junit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Github => "github",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }

    /// Whether the format carries a checklist's findings (SARIF, JUnit): commands that print
    /// something else (`jwt sign`, `sources`, `init`, `completions`, `man`) refuse them.
    pub fn findings_only(self) -> bool {
        matches!(self, Format::Sarif | Format::Junit)
    }

    /// Whether the output may carry terminal colour: text for people does, machine formats never.
    pub fn allows_colour(self) -> bool {
        match self {
            Format::Human | Format::Github => true,
            Format::Json | Format::Sarif | Format::Junit => false,
        }
    }
}

/// How human text is laid out; the JSON renderer uses only `strict` (for the verdict).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// UTF-8 marks (`✔ ✘`), else ASCII (`[ok] [FAIL]`).
    pub unicode: bool,
    pub quiet: bool,
    pub strict: bool,
    pub verbose: bool,
}

/// Everything a command prints on standard output.
#[derive(Debug, Clone, Copy)]
pub enum Output<'a> {
    /// A checklist: compare, inspect, envfile, jwt decode and verify.
    Report(&'a Report),
    /// `check`: one report per group, then the overall verdict ([`worst`]).
    Check(&'a [Report]),
    /// `jwt sign`: the token, and nothing else.
    Token(&'a str),
    /// `explain CODE`.
    Explain(&'a CodeDoc),
    /// `explain all`.
    Codes(&'a [CodeDoc]),
    /// `sources`: every scheme, and the loader names `env:` takes.
    Sources(&'a [SchemeDoc], &'a str),
    /// `init`: the proposed authdoctor.toml, or where `--write` put it.
    Init(&'a InitDoc),
}

/// What `init` produced: the proposal's text, and the file it was written to (`--write`).
#[derive(Debug, Clone, Serialize)]
pub struct InitDoc {
    /// The proposed authdoctor.toml (TOML text, key names only).
    pub toml: String,
    /// `--write`: the path written, as given (relative to where authdoctor was started).
    pub written: Option<String>,
}

/// `output` as text in `format`. Adding a format: one renderer file and one line here.
pub fn render(format: Format, output: &Output, style: Style) -> String {
    match format {
        Format::Human => human::render(output, style),
        Format::Json => json::render(output, style),
        Format::Github => github::render(output, style),
        Format::Sarif => sarif::render(output, style),
        Format::Junit => junit::render(output, style),
    }
}

/// A finding code as `explain` tells it.
#[derive(Debug, Clone, Serialize)]
pub struct CodeDoc {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// The next step in one sentence (may be empty).
    pub hint: &'static str,
    /// Paragraphs separated by `\n`: why it happens, how to confirm, how to fix.
    pub explanation: &'static str,
}

/// A source scheme as `sources` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeDoc {
    pub scheme: &'static str,
    pub example: &'static str,
    pub yields: &'static str,
    pub options: &'static [&'static str],
    /// Ready-made specs for common stores (`cmd:` recipes).
    pub recipes: &'static [crate::source::Recipe],
}

/// The verdict over several reports (`check`): the worst of theirs, `pass` for none.
pub fn worst(reports: &[Report], strict: bool) -> Verdict {
    reports.iter().map(|r| r.verdict(strict)).max().unwrap_or(Verdict::Pass)
}

/// Ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Error,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }

    /// SPEC exit codes: 0 pass/warn, 1 a check failed, 3 a source could not be read (wins over 1).
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Pass | Verdict::Warn => 0,
            Verdict::Fail => 1,
            Verdict::Error => 3,
        }
    }
}

pub use crate::secret::Facts;

/// What a report row stands for: a source's yield, or a whole `.env` file (`envfile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Value,
    Fingerprints,
    Digest,
    File,
}

impl SourceKind {
    /// The JSON word: `value`, `fingerprints`, `digest`, `file`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Value => "value",
            SourceKind::Fingerprints => "fingerprints",
            SourceKind::Digest => "digest",
            SourceKind::File => "file",
        }
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<crate::source::YieldKind> for SourceKind {
    fn from(k: crate::source::YieldKind) -> SourceKind {
        match k {
            crate::source::YieldKind::Value => SourceKind::Value,
            crate::source::YieldKind::Fingerprints => SourceKind::Fingerprints,
            crate::source::YieldKind::Digest => SourceKind::Digest,
        }
    }
}

/// Whether a source was read (`ok`) or not (`error`: its finding says why), or not looked for
/// (`skipped`: a local-only source absent here, in CI or gitignored; `details.skipped` says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    Ok,
    Error,
    Skipped,
}

impl SourceStatus {
    pub fn is_ok(self) -> bool {
        self == SourceStatus::Ok
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    pub label: String,
    pub spec: String,
    pub kind: SourceKind,
    pub status: SourceStatus,
    /// Bytes of the value (or of the file, for `envfile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<usize>,
    /// The value's (or file's) fingerprint, `fp:` + 12 hex (keyed per run) or `sha256:` + 12 hex
    /// (`--fingerprint sha256`): [`crate::secret::fingerprint`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    pub details: BTreeMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facts: Option<Facts>,
    /// Only with `--reveal`: the value's bytes as hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
}

impl SourceRow {
    /// A row that is `ok` until the caller says otherwise.
    pub fn new(label: impl Into<String>, spec: impl Into<String>, kind: SourceKind) -> SourceRow {
        SourceRow {
            label: label.into(),
            spec: spec.into(),
            kind,
            status: SourceStatus::Ok,
            length: None,
            fingerprint: None,
            details: BTreeMap::new(),
            facts: None,
            hex: None,
        }
    }
}

/// A value's bytes for the `--reveal` hex dump, with offsets to mark.
#[derive(Debug, Clone)]
pub struct Dump {
    pub label: String,
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
    pub marks: Vec<usize>,
}

/// envfile: one key of one file, with the loaders grouped by the bytes they read.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRow {
    pub file: String,
    pub key: String,
    pub line: usize,
    pub agree: bool,
    pub readings: Vec<crate::dotenv::diagnose::Reading>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
}

/// jwt commands: what the token is, as far as it can be read (never the token itself).
#[derive(Debug, Clone, Serialize, Default)]
pub struct TokenView {
    pub kind: String,
    pub size: usize,
    pub stripped: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<serde_json::Value>,
    /// exp/iat/nbf as dates with "in 52 min" / "3 h ago".
    pub times: BTreeMap<String, String>,
    pub verified: bool,
}

/// probe: the requests sent (or, with `--dry-run`, that would be sent) and what each got. Never
/// a token.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ProbeView {
    pub method: String,
    pub url: String,
    /// Where the token goes: `Authorization: Bearer {token}`, `Cookie: NAME={token}`, `the body`.
    pub token_in: String,
    /// The other headers (names only) and the body's size sent with every request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also_sends: Option<String>,
    /// The JWS algorithm minted with; none for Auth.js cookies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    pub dry_run: bool,
    /// Sources that were read but hold nothing to sign with (fingerprints, digests).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    pub requests: Vec<ProbeRow>,
}

/// One probe request: the controls first, then one per distinct candidate value.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeRow {
    /// `control`, or the labels of the sources holding the value signed with.
    pub who: String,
    /// `no token`, `random key`, or the forms (`as stored`, `trimmed`, `base64-decoded` …).
    pub form: String,
    /// Candidates: each source holding the bytes signed with, and in which form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<ProbeHolder>,
    /// The HTTP status, when answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What came back: `HTTP 401 \`User not found\``, or why nothing did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Candidates: whether the answer differs from the random-key control's, i.e. the signature
    /// passed verification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_passed: Option<bool>,
}

/// A source whose value, in `form`, is what a probe request was signed with.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeHolder {
    pub source: String,
    /// `as stored`, `trimmed`, `unquoted`, `base64-decoded` …
    pub form: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub command: &'static str,
    /// check: the group's name.
    pub title: Option<String>,
    pub sources: Vec<SourceRow>,
    pub findings: Vec<Finding>,
    /// compare: labels of the sources that hold equal values, one list per distinct value.
    pub groups: Option<Vec<Vec<String>>>,
    /// envfile: every key's readings.
    pub keys: Option<Vec<KeyRow>>,
    /// jwt decode/verify: the token's header, claims and times.
    pub token: Option<TokenView>,
    /// probe: the requests and their answers.
    pub probe: Option<ProbeView>,
    pub dumps: Vec<Dump>,
    /// check: where the group is defined (its `name` line in authdoctor.toml), the location SARIF
    /// gives a finding that has none of its own.
    pub origin: Option<crate::findings::Location>,
    /// How many findings `--ignore` or the group's `ignore` list dropped.
    pub ignored: usize,
}

impl Report {
    pub fn new(command: &'static str) -> Report {
        Report {
            command,
            ..Report::default()
        }
    }

    /// Drops the findings whose code is in `codes` (as linters do with `--ignore`), counting them.
    pub fn ignore(&mut self, codes: &[&'static crate::findings::Code]) {
        let before = self.findings.len();
        self.findings.retain(|f| !codes.contains(&f.code));
        self.ignored += before - self.findings.len();
    }

    /// Whether every source of this report was skipped (local-only and absent): nothing was checked.
    pub fn skipped(&self) -> bool {
        !self.sources.is_empty() && self.sources.iter().all(|s| s.status == SourceStatus::Skipped)
    }

    pub fn verdict(&self, strict: bool) -> Verdict {
        if self.sources.iter().any(|s| s.status == SourceStatus::Error) {
            return Verdict::Error;
        }
        let worst = self.findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Ok);
        match worst {
            Severity::Error => Verdict::Fail,
            Severity::Warning if strict => Verdict::Fail,
            Severity::Warning => Verdict::Warn,
            _ => Verdict::Pass,
        }
    }

    /// Whether any fingerprint in the report is keyed (`fp:`), so the output should say they only
    /// compare within this run.
    pub fn has_keyed_fingerprints(&self) -> bool {
        let keyed = |f: &Option<String>| f.as_deref().is_some_and(|f| f.starts_with("fp:"));
        self.sources.iter().any(|s| keyed(&s.fingerprint))
            || self
                .keys
                .iter()
                .flatten()
                .flat_map(|k| k.readings.iter())
                .any(|r| keyed(&r.fingerprint))
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// Distinct hints of the findings that need action, errors first: the numbered next steps.
    pub fn next_steps(&self) -> Vec<(String, String)> {
        let mut actionable: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        actionable.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let mut seen = rustc_hash::FxHashSet::default();
        let mut steps = Vec::new();
        for f in actionable {
            if let Some(h) = &f.hint
                && seen.insert(h.clone())
            {
                steps.push((f.code.id.to_string(), h.clone()));
            }
        }
        steps
    }
}
