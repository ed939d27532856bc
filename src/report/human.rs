//! `--format human`: the checklist (sources, findings by topic, a one-line verdict, numbered next
//! steps), and the plain text of `jwt sign`, `explain` and `sources`.

use super::{CodeDoc, Dump, Output, Report, SchemeDoc, Style, Verdict};
use crate::findings::{Finding, Severity, Topic};
use colored::Colorize;
use std::fmt::Write as _;

pub fn render(output: &Output, style: Style) -> String {
    match output {
        Output::Report(r) => report(r, style),
        Output::Check(reports) => check(reports, style, |r| report(r, style)),
        Output::Token(token) => format!("{token}\n"),
        Output::Explain(doc) => explain(doc),
        Output::Codes(docs) => codes(docs),
        Output::Sources(schemes, loaders) => sources(schemes, loaders),
        // With --write the note on stderr says where; nothing on stdout.
        Output::Init(doc) if doc.written.is_some() => String::new(),
        Output::Init(doc) => doc.toml.clone(),
    }
}

/// `check`: each group's report as `each` renders it, then one line over all of them.
pub(super) fn check(reports: &[Report], style: Style, each: impl Fn(&Report) -> String) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&each(r));
        out.push('\n');
    }
    let count = |v: Verdict| {
        reports
            .iter()
            .filter(|r| !r.skipped() && r.verdict(style.strict) == v)
            .count()
    };
    let skipped = reports.iter().filter(|r| r.skipped()).count();
    let skipped = if skipped > 0 {
        format!(", {skipped} skipped (local-only)")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "check: {} group(s): {} pass, {} with warnings, {} failing, {} unreadable{skipped} (exit {})",
        reports.len(),
        count(Verdict::Pass),
        count(Verdict::Warn),
        count(Verdict::Fail),
        count(Verdict::Error),
        super::worst(reports, style.strict).exit_code()
    );
    out
}

fn explain(e: &CodeDoc) -> String {
    let mut s = format!("{} ({}): {}\n\n", e.code.bold(), e.severity.as_str(), e.title.bold());
    for para in e.explanation.split('\n') {
        s.push_str(para);
        s.push_str("\n\n");
    }
    if !e.hint.is_empty() {
        let _ = writeln!(s, "In short: {}", e.hint);
    }
    s
}

fn codes(docs: &[CodeDoc]) -> String {
    docs.iter()
        .map(|e| format!("{}  {:<7}  {}\n", e.code, e.severity.as_str(), e.title))
        .collect()
}

/// `sources`: one column of scheme names as wide as the longest, the example beside it, and the
/// description and options below the example, wrapped at [`WRAP`] columns.
fn sources(schemes: &[SchemeDoc], loaders: &str) -> String {
    let mut out = String::from("Sources are [LABEL=]SCHEME:REST; LABEL names the source in the report.\n\n");
    let width = schemes.iter().map(|s| s.scheme.chars().count()).max().unwrap_or(0);
    let indent = " ".repeat(2 + width + 2);
    for s in schemes {
        // Padding before colour: escape codes would count as width.
        let name = format!("{:<width$}", s.scheme);
        let _ = writeln!(out, "  {}  {}", name.bold(), s.example);
        for line in wrap(s.yields, WRAP.saturating_sub(indent.len()).max(40)) {
            let _ = writeln!(out, "{indent}{line}");
        }
        if !s.options.is_empty() {
            let _ = writeln!(out, "{indent}options: {}", s.options.join(", "));
        }
        for r in s.recipes {
            let _ = writeln!(out, "{indent}{}:\n{indent}  {}", r.store, r.spec);
            for line in wrap(r.newline, WRAP.saturating_sub(indent.len() + 2).max(40)) {
                let _ = writeln!(out, "{indent}  {line}");
            }
        }
    }
    let _ = writeln!(
        out,
        "\nEvery scheme but cmd: and - also takes ?local (only on developer machines: skipped when absent in CI or gitignored)."
    );
    let _ = writeln!(out, ".env loaders for env: {loaders}");
    out
}

/// Columns of the `sources` listing.
const WRAP: usize = 100;

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Up to this many keys agreeing everywhere are listed one by one; past it (a generated
/// 10,000-line file) they are counted, and `-v` or `--format json` lists them.
const LIST_AGREEING: usize = 60;

impl Style {
    fn mark(&self, s: Severity) -> String {
        let (u, a) = match s {
            Severity::Ok => ("✔", "[ok]"),
            Severity::Info => ("i", "[info]"),
            Severity::Warning => ("!", "[warn]"),
            Severity::Error => ("✘", "[FAIL]"),
        };
        let m = if self.unicode { u } else { a };
        match s {
            Severity::Ok => m.green().to_string(),
            Severity::Info => m.cyan().to_string(),
            Severity::Warning => m.yellow().bold().to_string(),
            Severity::Error => m.red().bold().to_string(),
        }
    }

    fn ne(&self) -> &'static str {
        if self.unicode { " ≠ " } else { " != " }
    }
}

/// One checklist report.
pub(super) fn report(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let title = match &report.title {
        Some(t) => format!("authdoctor {} · {t}", report.command),
        None => format!("authdoctor {}", report.command),
    };
    let dot = if style.unicode { "·" } else { "-" };
    let n = report.sources.len();
    if n == 0 {
        let _ = writeln!(out, "{}", title.bold());
    } else {
        let _ = writeln!(
            out,
            "{} {dot} {n} source{}",
            title.bold(),
            if n == 1 { "" } else { "s" }
        );
    }

    // Sources, with their own findings (AD0xx) underneath.
    // Long labels (a spec used as its own name) are not padded to, so short ones stay aligned.
    let width = report
        .sources
        .iter()
        .map(|s| s.label.chars().count())
        .filter(|w| *w <= 24)
        .max()
        .unwrap_or(0);
    let all_ok =
        report.sources.iter().all(|s| s.status.is_ok()) && report.findings.iter().all(|f| f.topic() != Topic::Sources);
    if !(report.sources.is_empty() || style.quiet && all_ok) {
        let _ = writeln!(out, "\n{}", "Sources".bold());
    }
    for s in &report.sources {
        let ok = s.status.is_ok();
        if style.quiet && ok {
            continue;
        }
        if s.status == super::SourceStatus::Skipped {
            let why = s
                .details
                .get("skipped")
                .and_then(|v| v.as_str())
                .unwrap_or("local-only");
            let _ = writeln!(
                out,
                "  {} {:width$}  skipped ({why})  {}",
                style.mark(Severity::Info),
                s.label,
                s.spec.dimmed()
            );
            continue;
        }
        let mark = style.mark(if ok { Severity::Ok } else { Severity::Error });
        let label = format!("{:width$}", s.label);
        if ok {
            let size = s.length.map_or_else(|| s.kind.to_string(), |l| plural(l, "byte"));
            let sha = s.fingerprint.as_ref().map_or_else(String::new, String::clone);
            let mut prov = Vec::new();
            if let Some(l) = s.details.get("loader").and_then(|v| v.as_str()) {
                match s.details.get("loader_from").and_then(|v| v.as_str()) {
                    Some(why) => prov.push(format!("loader {l}, {why}")),
                    None => prov.push(format!("loader {l}")),
                }
            }
            if let Some(l) = s.details.get("line") {
                prov.push(format!("line {l}"));
            }
            if let Some(from) = s.details.get("from").and_then(|v| v.as_str()) {
                prov.push(from.to_string());
            }
            if let Some(n) = s.details.get("definitions") {
                prov.push(format!("defined {n} times, last wins"));
            }
            let prov = if prov.is_empty() {
                String::new()
            } else {
                format!(" ({})", prov.join(", "))
            };
            let spec = if s.spec != s.label {
                format!("  {}", s.spec.dimmed())
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {mark} {label}  {size:>10}  {sha}{spec}{prov}");
        } else {
            let _ = writeln!(out, "  {mark} {label}  {}", s.spec.dimmed());
        }
        // -v: the provenance the line above leaves out (mode, files read, command, status …).
        if style.verbose && ok {
            let shown = ["loader", "loader_from", "line", "from", "definitions"];
            let rest: Vec<String> = s
                .details
                .iter()
                .filter(|(k, _)| !shown.contains(&k.as_str()))
                .map(|(k, v)| match v.as_str() {
                    Some(t) => format!("{k}={t}"),
                    None => format!("{k}={v}"),
                })
                .collect();
            if !rest.is_empty() {
                let _ = writeln!(out, "      {}", rest.join(", ").dimmed());
            }
        }
        if let Some(f) = &s.facts {
            render_facts(&mut out, f);
        }
    }
    if !style.quiet && report.has_keyed_fingerprints() {
        let _ = writeln!(
            out,
            "  {}",
            "fp: keyed for this run only: equal values show equal fp here, not across runs (--fingerprint sha256 prints plain hashes)".dimmed()
        );
    }
    for f in report.findings.iter().filter(|f| f.topic() == Topic::Sources) {
        finding_line(&mut out, f, style);
    }
    if let Some(keys) = &report.keys {
        render_keys(&mut out, keys, style);
    }
    // -q: only problems and the verdict, so not the token's header and claims.
    if let Some(t) = report.token.as_ref().filter(|_| !style.quiet) {
        render_token(&mut out, t, style);
    }
    if let Some(p) = report.probe.as_ref().filter(|_| !style.quiet) {
        render_probe(&mut out, p, style);
    }

    let mut topics: Vec<Topic> = Vec::new();
    for f in &report.findings {
        let t = f.topic();
        if t != Topic::Sources && !topics.contains(&t) {
            topics.push(t);
        }
    }
    if report.groups.is_some() && !topics.contains(&Topic::Comparison) {
        topics.push(Topic::Comparison);
    }
    // Sections in code order (AD1xx comparison before AD2xx hygiene before AD3xx loaders).
    topics.sort();
    for topic in topics {
        let lines: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.topic() == topic && !(style.quiet && f.severity <= Severity::Info))
            .collect();
        let show_groups =
            topic == Topic::Comparison && report.groups.as_ref().is_some_and(|g| g.len() > 1) && !style.quiet;
        if lines.is_empty() && !show_groups {
            continue;
        }
        let _ = writeln!(out, "\n{}", topic.title().bold());
        if show_groups && let Some(groups) = &report.groups {
            let line = groups
                .iter()
                .map(|g| g.join(" = "))
                .collect::<Vec<_>>()
                .join(style.ne());
            let _ = writeln!(
                out,
                "  {} {} distinct values: {line}",
                style.mark(Severity::Info),
                groups.len()
            );
        }
        for f in lines {
            finding_line(&mut out, f, style);
        }
    }

    if !report.dumps.is_empty() {
        let _ = writeln!(out, "\n{}", "Values (--reveal)".bold().red());
        for d in &report.dumps {
            hexdump(&mut out, d, style);
        }
    }

    let verdict = report.verdict(style.strict);
    let (e, w) = (report.count(Severity::Error), report.count(Severity::Warning));
    let unread = report
        .sources
        .iter()
        .filter(|s| s.status == super::SourceStatus::Error)
        .count();
    let skipped = report
        .sources
        .iter()
        .filter(|s| s.status == super::SourceStatus::Skipped)
        .count();
    let summary = match verdict {
        _ if report.skipped() => "SKIPPED".cyan().bold(),
        Verdict::Pass => "PASS".green().bold(),
        Verdict::Warn => "PASS with warnings".yellow().bold(),
        Verdict::Fail => "FAIL".red().bold(),
        Verdict::Error => "ERROR".red().bold(),
    };
    let mut counts = vec![plural(e, "error"), plural(w, "warning")];
    if unread > 0 {
        counts.insert(
            0,
            format!("{unread} source{} unreadable", if unread == 1 { "" } else { "s" }),
        );
    }
    if skipped > 0 {
        counts.insert(
            0,
            format!(
                "{skipped} local-only source{} skipped",
                if skipped == 1 { "" } else { "s" }
            ),
        );
    }
    if report.ignored > 0 {
        counts.push(format!("{} ignored", report.ignored));
    }
    let _ = writeln!(out, "\n{summary}: {} (exit {})", counts.join(", "), verdict.exit_code());

    let steps = report.next_steps();
    if !steps.is_empty() && !style.quiet {
        let _ = writeln!(out, "\n{}", "Next steps".bold());
        for (i, (code, hint)) in steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {hint} ({code})", i + 1);
        }
        let _ = writeln!(
            out,
            "  {}. `authdoctor explain {}` tells the whole story.",
            steps.len() + 1,
            steps[0].0
        );
    }
    out
}

fn render_keys(out: &mut String, keys: &[super::KeyRow], style: Style) {
    let _ = writeln!(out, "\n{}", "Keys".bold());
    if keys.is_empty() {
        let _ = writeln!(out, "  {} no assignments found", style.mark(Severity::Info));
    }
    let width = keys
        .iter()
        .map(|k| k.key.chars().count())
        .filter(|w| *w <= 30)
        .max()
        .unwrap_or(0);
    let reading = |r: &crate::dotenv::diagnose::Reading| match (r.length, &r.fingerprint) {
        (Some(n), Some(h)) => format!("{n} bytes  {h}"),
        _ => "not set".to_string(),
    };
    let agreeing = keys.iter().filter(|k| k.agree).count();
    let list_agreeing = !style.quiet && (style.verbose || agreeing <= LIST_AGREEING);
    if !list_agreeing && agreeing > 0 && !style.quiet {
        let _ = writeln!(
            out,
            "  {} {agreeing} keys read the same by every loader (-v or --format json lists them)",
            style.mark(Severity::Ok)
        );
    }
    for k in keys {
        if k.agree && !list_agreeing {
            continue;
        }
        let at = format!("[{}:{}]", k.file, k.line).dimmed();
        if k.agree {
            let r = &k.readings[0];
            let n = r.loaders.len();
            let who = if n == 1 {
                r.loaders[0].to_string()
            } else {
                format!("{n} loaders agree")
            };
            let _ = writeln!(
                out,
                "  {} {:width$}  {who}: {}  {at}",
                style.mark(Severity::Ok),
                k.key,
                reading(r)
            );
        } else {
            let _ = writeln!(
                out,
                "  {} {:width$}  {} readings  {at}",
                style.mark(Severity::Warning),
                k.key,
                k.readings.len()
            );
            for r in &k.readings {
                let _ = writeln!(out, "      {}", r.describe());
            }
        }
    }
}

/// probe: one line per request, the controls first; a candidate whose signature passed is marked.
fn render_probe(out: &mut String, p: &super::ProbeView, style: Style) {
    let what = if p.dry_run {
        "Requests it would send (--dry-run: none sent)"
    } else {
        "Requests"
    };
    let alg = p.alg.as_ref().map_or_else(String::new, |a| format!(", {a}"));
    let also = p
        .also_sends
        .as_ref()
        .map_or_else(String::new, |a| format!("; also {a}"));
    let _ = writeln!(
        out,
        "\n{}  {} {}  (token in {}{alg}{also})",
        what.bold(),
        p.method,
        p.url,
        p.token_in
    );
    for s in &p.skipped {
        let _ = writeln!(out, "  {} skipped {s}", style.mark(Severity::Info));
    }
    let label = |r: &super::ProbeRow| {
        if r.holders.is_empty() {
            format!("{}: {}", r.who, r.form)
        } else {
            r.holders
                .iter()
                .map(|h| format!("{} {}", h.source, h.form))
                .collect::<Vec<_>>()
                .join(" = ")
        }
    };
    let width = p
        .requests
        .iter()
        .map(|r| label(r).chars().count())
        .filter(|w| *w <= 40)
        .max()
        .unwrap_or(0);
    // Sources with a form that passed: their other forms' refusals are expected, not failures.
    let passed: Vec<&str> = p
        .requests
        .iter()
        .filter(|r| r.signature_passed == Some(true))
        .flat_map(|r| r.holders.iter().map(|h| h.source.as_str()))
        .collect();
    for r in &p.requests {
        let mark = match r.signature_passed {
            Some(true) => style.mark(Severity::Ok),
            Some(false) if r.holders.iter().all(|h| passed.contains(&h.source.as_str())) => "-".dimmed().to_string(),
            Some(false) => style.mark(Severity::Error),
            None => " ".to_string(),
        };
        let answer = r.answer.as_deref().unwrap_or("not sent");
        let note = match r.signature_passed {
            Some(true) => "  signature passed",
            Some(false) => "  as the random key",
            None => "",
        };
        let _ = writeln!(out, "  {mark} {:width$}  {answer}{}", label(r), note.dimmed());
    }
}

fn render_token(out: &mut String, t: &super::TokenView, style: Style) {
    let _ = writeln!(out, "\n{}", "Token".bold());
    let _ = writeln!(
        out,
        "  {} {}, {}",
        style.mark(Severity::Info),
        t.kind,
        plural(t.size, "byte")
    );
    if !t.stripped.is_empty() {
        let _ = writeln!(
            out,
            "  {} took off: {}",
            style.mark(Severity::Info),
            t.stripped.join(", ")
        );
    }
    let pretty = |v: &serde_json::Value| {
        serde_json::to_string_pretty(v)
            .unwrap_or_default()
            .replace('\n', "\n    ")
    };
    if let Some(h) = &t.header {
        let _ = writeln!(out, "  header:\n    {}", pretty(h));
    }
    if let Some(c) = &t.claims {
        let _ = writeln!(out, "  claims:\n    {}", pretty(c));
    }
    for (k, v) in &t.times {
        let _ = writeln!(out, "  {k}: {v}");
    }
    if !t.verified {
        let _ = writeln!(
            out,
            "  {} not verified: `authdoctor jwt verify TOKEN --secret SOURCE` checks it",
            style.mark(Severity::Info)
        );
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn finding_line(out: &mut String, f: &Finding, style: Style) {
    if style.quiet && f.severity <= Severity::Info {
        return;
    }
    let at = f
        .location
        .as_ref()
        .map(|l| format!(" [{}:{}]", l.file, l.line))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {} {} {}{}",
        style.mark(f.severity),
        f.code.id.bold(),
        f.message,
        at.dimmed()
    );
}

fn render_facts(out: &mut String, f: &super::Facts) {
    let chars = f.chars.map(|c| format!(", {c} characters")).unwrap_or_default();
    let _ = writeln!(
        out,
        "      {} bytes{chars}, {} line{}, {}",
        f.length,
        f.lines,
        if f.lines == 1 { "" } else { "s" },
        if f.utf8 { "UTF-8" } else { "not UTF-8" }
    );
    let _ = writeln!(out, "      classes: {}", f.classes.summary());
    if !f.special.is_empty() {
        let shown: Vec<String> = f
            .special
            .iter()
            .take(8)
            .map(|s| format!("{} at byte {}", s.what, s.offset))
            .collect();
        let more = f.special.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        };
        let _ = writeln!(out, "      special: {}{more}", shown.join(", "));
    }
    for (enc, n) in &f.decodes_as {
        let _ = writeln!(out, "      valid {enc} text of {n} bytes");
    }
}

/// Offsets, hex, printable column; a caret line under each marked (first differing) byte.
fn hexdump(out: &mut String, d: &Dump, style: Style) {
    let _ = writeln!(out, "  {} ({} bytes)", d.label.bold(), d.bytes.len());
    for (row, chunk) in d.bytes.chunks(16).enumerate() {
        let base = row * 16;
        let hexes: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let h = format!("{b:02x}");
                if d.marks.contains(&(base + i)) {
                    h.red().bold().underline().to_string()
                } else {
                    h
                }
            })
            .collect();
        let pad = "   ".repeat(16 - chunk.len());
        let text: String = chunk
            .iter()
            .map(|b| {
                if b.is_ascii_graphic() || *b == b' ' {
                    *b as char
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(out, "    {base:08x}  {}{pad}  |{text}|", hexes.join(" "));
        let marks: Vec<usize> = d
            .marks
            .iter()
            .filter(|m| **m >= base && **m < base + 16)
            .map(|m| m - base)
            .collect();
        if !marks.is_empty() {
            let mut line = vec![' '; 16 * 3];
            for m in marks {
                line[m * 3] = '^';
                line[m * 3 + 1] = '^';
            }
            let caret: String = line.into_iter().collect();
            let note = if style.unicode {
                "← first difference"
            } else {
                "<- first difference"
            };
            let _ = writeln!(out, "              {} {note}", caret.trim_end().red());
        }
    }
    if d.bytes.is_empty() {
        let _ = writeln!(out, "    (empty)");
    }
}
