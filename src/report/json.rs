//! `--format json`: one object on stdout, schema `authdoctor/1` (docs/report.schema.json).

use super::Report;
use serde::Serialize;

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
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
    findings: &'a [crate::findings::Finding],
    next_steps: Vec<String>,
}

pub fn render(report: &Report, strict: bool) -> String {
    let verdict = report.verdict(strict);
    let j = Json {
        schema: "authdoctor/1",
        command: report.command,
        name: report.title.as_ref(),
        verdict: verdict.as_str(),
        exit_code: verdict.exit_code(),
        sources: &report.sources,
        groups: report.groups.as_ref(),
        keys: report.keys.as_ref(),
        token: report.token.as_ref(),
        findings: &report.findings,
        next_steps: report.next_steps().into_iter().map(|(_, h)| h).collect(),
    };
    let mut s = serde_json::to_string_pretty(&j)
        .unwrap_or_else(|e| format!("{{\"schema\":\"authdoctor/1\",\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
