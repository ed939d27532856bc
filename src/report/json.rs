//! `--format json`: one object on stdout, schema [`SCHEMA`] (docs/report.schema.json).

use super::{CodeDoc, Output, Report, SCHEMA, SchemeDoc, Style};
use serde::Serialize;

pub fn render(output: &Output, style: Style) -> String {
    match output {
        Output::Report(r) => pretty(&JsonReport::of(r, style.strict, Some(SCHEMA))),
        Output::Check(reports) => {
            let verdict = super::worst(reports, style.strict);
            pretty(&Check {
                schema: SCHEMA,
                command: "check",
                verdict: verdict.as_str(),
                exit_code: verdict.exit_code(),
                checks: reports.iter().map(|r| JsonReport::of(r, style.strict, None)).collect(),
            })
        }
        Output::Token(token) => line(serde_json::json!({"schema": SCHEMA, "command": "jwt sign", "token": token})),
        Output::Explain(e) => line(serde_json::json!({
            "schema": SCHEMA, "command": "explain", "code": e.code, "severity": e.severity,
            "title": e.title, "hint": e.hint, "explanation": e.explanation,
        })),
        Output::Codes(docs) => {
            let all: Vec<serde_json::Value> = docs
                .iter()
                .map(|e: &CodeDoc| serde_json::json!({"code": e.code, "severity": e.severity, "title": e.title}))
                .collect();
            line(serde_json::json!({"schema": SCHEMA, "command": "explain", "codes": all}))
        }
        Output::Init(doc) => pretty(&serde_json::json!({
            "schema": SCHEMA, "command": "init", "toml": doc.toml, "written": doc.written,
        })),
        Output::Sources(schemes, _) => {
            let list: Vec<serde_json::Value> = schemes
                .iter()
                .map(|s: &SchemeDoc| {
                    serde_json::json!({"scheme": s.scheme, "example": s.example, "yields": s.yields, "options": s.options, "recipes": s.recipes})
                })
                .collect();
            line(serde_json::json!({"schema": SCHEMA, "command": "sources", "schemes": list}))
        }
    }
}

/// One report; in `check`'s `checks` list without its own `schema`.
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'static str>,
    command: &'a str,
    /// check: the [[secret]] or [[token]] name.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a String>,
    verdict: &'static str,
    exit_code: i32,
    sources: &'a [super::SourceRow],
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<&'a Vec<Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keys: Option<&'a Vec<super::KeyRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a super::TokenView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<&'a super::ProbeView>,
    findings: &'a [crate::findings::Finding],
    /// How to read the fingerprints (`fp:` keyed per run), when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprints: Option<&'static str>,
    next_steps: Vec<String>,
    #[serde(skip_serializing_if = "is_zero")]
    ignored: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl<'a> JsonReport<'a> {
    fn of(report: &'a Report, strict: bool, schema: Option<&'static str>) -> JsonReport<'a> {
        let verdict = report.verdict(strict);
        JsonReport {
            schema,
            command: report.command,
            name: report.title.as_ref(),
            verdict: verdict.as_str(),
            exit_code: verdict.exit_code(),
            sources: &report.sources,
            groups: report.groups.as_ref(),
            keys: report.keys.as_ref(),
            token: report.token.as_ref(),
            probe: report.probe.as_ref(),
            findings: &report.findings,
            fingerprints: (report.sources.iter().any(|s| s.fingerprint.is_some())
                || report
                    .keys
                    .iter()
                    .flatten()
                    .any(|k| k.readings.iter().any(|r| r.fingerprint.is_some())))
            .then(crate::secret::fingerprint_note),
            next_steps: report.next_steps().into_iter().map(|(_, h)| h).collect(),
            ignored: report.ignored,
        }
    }
}

/// `check`: every group's report and the worst verdict.
#[derive(Serialize)]
struct Check<'a> {
    schema: &'static str,
    command: &'static str,
    verdict: &'static str,
    exit_code: i32,
    checks: Vec<JsonReport<'a>>,
}

/// Indented, one trailing newline.
fn pretty(value: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| serde_json::json!({"schema": SCHEMA, "error": e.to_string()}).to_string());
    s.push('\n');
    s
}

/// On one line (the shape `jwt sign`, `explain` and `sources` have always had).
fn line(value: serde_json::Value) -> String {
    format!("{value}\n")
}
