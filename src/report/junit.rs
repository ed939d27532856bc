//! `--format junit`: JUnit XML (the Ant/Surefire shape CI systems import, written by the
//! `quick-junit` crate 0.8): one `<testsuite>` for the command, one `<testcase>` per report (each
//! `[[secret]]` group and `[[token]]` check of `check`). A failing group is a `<failure>`, an
//! unreadable one an `<error>`, a skipped one `<skipped>`; every finding is listed in the
//! failure's text (or the case's `<system-out>` when it passes).

use super::{Output, Report, Style, Verdict};
use crate::findings::{Finding, Severity};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

pub fn render(output: &Output, style: Style) -> String {
    let (command, reports): (&str, &[Report]) = match output {
        Output::Report(r) => (r.command, std::slice::from_ref(*r)),
        Output::Check(reports) => ("check", reports),
        // Nothing to test: `run.rs` refuses these with junit; JSON if called anyway.
        Output::Token(_) | Output::Explain(_) | Output::Codes(_) | Output::Sources(..) | Output::Init(_) => {
            return super::json::render(output, style);
        }
    };
    let mut suite = TestSuite::new(format!("authdoctor {command}"));
    suite.add_test_cases(reports.iter().map(|r| case(r, style)));
    let mut log = quick_junit::Report::new("authdoctor");
    log.add_test_suite(suite);
    match log.to_string() {
        Ok(mut s) => {
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s
        }
        // quick-junit fails only on a writer error, which a String never gives; say so in XML.
        Err(e) => format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- junit output failed: {e} -->\n"),
    }
}

fn case(r: &Report, style: Style) -> TestCase {
    let name = r.title.clone().unwrap_or_else(|| r.command.to_string());
    let lines: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Ok || style.verbose)
        .map(line)
        .collect();
    let worst = |sev: Severity| r.findings.iter().filter(move |f| f.severity == sev);
    let status = if r.skipped() {
        let mut s = TestCaseStatus::skipped();
        s.set_message("every source is local-only and absent here");
        s
    } else {
        match r.verdict(style.strict) {
            Verdict::Pass | Verdict::Warn => TestCaseStatus::success(),
            v => {
                let kind = if v == Verdict::Error {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                };
                let mut s = TestCaseStatus::non_success(kind);
                let first = worst(Severity::Error)
                    .next()
                    .or_else(|| worst(Severity::Warning).next());
                if let Some(f) = first {
                    s.set_message(format!("{}: {}", f.code.id, f.title));
                    s.set_type(f.code.id);
                }
                s.set_description(lines.join("\n"));
                s
            }
        }
    };
    let passed = matches!(status, TestCaseStatus::Success { .. });
    let mut tc = TestCase::new(name, status);
    tc.set_classname(format!("authdoctor.{}", r.command));
    tc.set_assertions(r.findings.len());
    if passed && !lines.is_empty() {
        tc.set_system_out(lines.join("\n"));
    }
    tc
}

/// `AD102 error frontend/.env.local:3: message Hint: …` (location only when known).
fn line(f: &Finding) -> String {
    let at = f
        .location
        .as_ref()
        .map(|l| format!(" {}:{}", l.file, l.line))
        .unwrap_or_default();
    let hint = f.hint.as_ref().map(|h| format!(" Hint: {h}")).unwrap_or_default();
    format!("{} {}{at}: {}{hint}", f.code.id, f.severity.as_str(), f.message)
}
