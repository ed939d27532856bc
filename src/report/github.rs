//! `--format github`: GitHub Actions workflow commands (annotations), then the human summary.

use super::{Output, Report, Style};
use crate::findings::Severity;

pub fn render(output: &Output, style: Style) -> String {
    match output {
        Output::Report(r) => annotated(r, style),
        Output::Check(reports) => super::human::check(reports, style, |r| annotated(r, style)),
        // Nothing to annotate: the human text.
        Output::Token(_) | Output::Explain(_) | Output::Codes(_) | Output::Sources(..) | Output::Init(_) => {
            super::human::render(output, style)
        }
    }
}

/// Workflow-command data escaping (runner's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow-command property escaping (runner's `escapeProperty`).
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation per finding (ok findings have none), then the human checklist.
fn annotated(report: &Report, style: Style) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
            Severity::Ok => continue,
        };
        let mut props = Vec::new();
        // A finding with no file of its own lands on its group in authdoctor.toml.
        if let Some(l) = f.location.as_ref().or(report.origin.as_ref()) {
            props.push(format!("file={}", prop(&l.file)));
            props.push(format!("line={}", l.line));
        }
        props.push(format!("title={}", prop(f.code.id)));
        let mut msg = f.message.clone();
        if let Some(h) = &f.hint {
            msg.push_str(&format!("\nHint: {h}"));
        }
        out.push_str(&format!("::{level} {}::{}\n", props.join(","), data(&msg)));
    }
    out.push_str(&super::human::report(report, style));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn escapes_like_the_runner() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(prop("a:b,c"), "a%3Ab%2Cc");
    }
}
