//! `--format sarif`: one SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format 2.1.0,
//! errata 01; schema vendored in tests/fixtures/sarif/) for GitHub code scanning and other SARIF
//! viewers. `tool.driver.rules` is the whole code registry (so `ruleIndex` is stable across runs);
//! `results` holds every finding that is not `ok`, at its file and line when it has one, else at
//! its group in authdoctor.toml.

use super::{CodeDoc, Output, Report, Style};
use crate::findings::{Finding, Location, Severity, registry};
use serde_json::{Value, json};

/// Where the SARIF 2.1.0 JSON schema lives (the `$schema` of the log, as GitHub's docs write it).
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(output: &Output, style: Style) -> String {
    let (rules, results): (Vec<Value>, Vec<Value>) = match output {
        Output::Report(r) => (all_rules(), results(std::slice::from_ref(*r))),
        Output::Check(reports) => (all_rules(), results(reports)),
        // The catalog, or one entry of it, as rules without results.
        Output::Codes(docs) => (docs.iter().map(rule).collect(), Vec::new()),
        Output::Explain(doc) => (vec![rule(doc)], Vec::new()),
        // No findings to carry: `run.rs` refuses these with sarif; JSON if called anyway.
        Output::Token(_) | Output::Sources(..) | Output::Init(_) => return super::json::render(output, style),
    };
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "authdoctor",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| log.to_string());
    s.push('\n');
    s
}

/// SARIF `level` for a severity (SARIF 2.1.0 §3.27.10): `none` for `ok`.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
        Severity::Ok => "none",
    }
}

fn all_rules() -> Vec<Value> {
    registry::all()
        .map(|c| {
            rule(&CodeDoc {
                code: c.id,
                severity: c.severity,
                title: c.title,
                hint: c.hint,
                explanation: c.explain,
            })
        })
        .collect()
}

/// A `reportingDescriptor` (§3.49): id, a PascalCase name from the title, the title as short
/// description, the `explain` text as full description and help.
fn rule(doc: &CodeDoc) -> Value {
    let explanation = doc.explanation.replace('\n', "\n\n");
    let help = if doc.hint.is_empty() {
        explanation.clone()
    } else {
        format!("{explanation}\n\nIn short: {}", doc.hint)
    };
    json!({
        "id": doc.code,
        "name": pascal(doc.title),
        "shortDescription": {"text": doc.title},
        "fullDescription": {"text": explanation},
        "help": {"text": help, "markdown": help},
        "defaultConfiguration": {"level": level(doc.severity)},
        "properties": {"tags": ["security", "secrets"]},
    })
}

/// `"differ only by trailing whitespace"` → `DifferOnlyByTrailingWhitespace`.
fn pascal(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn results(reports: &[Report]) -> Vec<Value> {
    let index = |id: &str| registry::all().position(|c| c.id == id);
    reports
        .iter()
        .flat_map(|r| {
            r.findings
                .iter()
                .filter(|f| f.severity != Severity::Ok)
                .map(move |f| result(r, f, index(f.code.id)))
        })
        .collect()
}

/// A `result` (§3.27): the finding's message with its hint, at its location or its group's.
fn result(report: &Report, f: &Finding, rule_index: Option<usize>) -> Value {
    let mut text = f.message.clone();
    if let Some(h) = &f.hint {
        text.push_str(&format!(" Hint: {h}"));
    }
    let mut v = json!({
        "ruleId": f.code.id,
        "level": level(f.severity),
        "message": {"text": text},
    });
    if let Some(i) = rule_index {
        v["ruleIndex"] = json!(i);
    }
    if let Some(loc) = f.location.as_ref().or(report.origin.as_ref()) {
        v["locations"] = json!([physical(loc)]);
    }
    let mut props = serde_json::Map::new();
    if let Some(t) = &report.title {
        props.insert("group".into(), json!(t));
    }
    if !f.sources.is_empty() {
        props.insert("sources".into(), json!(f.sources));
    }
    if !f.steps.is_empty() {
        props.insert("steps".into(), json!(f.steps));
    }
    if !props.is_empty() {
        v["properties"] = Value::Object(props);
    }
    v
}

fn physical(loc: &Location) -> Value {
    let mut region = json!({});
    if loc.line > 0 {
        region["startLine"] = json!(loc.line);
    }
    let mut p = json!({"artifactLocation": {"uri": uri(&loc.file)}});
    if loc.line > 0 {
        p["region"] = region;
    }
    json!({"physicalLocation": p})
}

/// A relative path as a URI reference (RFC 3986): `/` separators, and every byte outside the
/// unreserved set and `/` percent-encoded. An absolute path (the user gave one) becomes `file://`.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_relative() {
        assert_eq!(uri("frontend/.env.local"), "frontend/.env.local");
        assert_eq!(uri("my app/.env"), "my%20app/.env");
        assert_eq!(uri("/abs/x#y"), "file:///abs/x%23y");
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(
            pascal("differ only by trailing whitespace"),
            "DifferOnlyByTrailingWhitespace"
        );
        assert_eq!(pascal("`alg: none`"), "AlgNone");
    }
}
