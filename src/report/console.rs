//! The terminal: rendered output to stdout, errors and notes to stderr. Besides the progress line
//! of a remote fetch, everything authdoctor writes goes through here.

use std::io::Write;
use std::time::Duration;

/// Rendered output on stdout; a closed pipe (`| head`) is the normal end of output, not an error.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `authdoctor: MESSAGE` on stderr: what was written, what was left alone, timings. The message is
/// scrubbed of every value this run read (an error from a backend or a command may echo one) and
/// its control characters escaped (it may quote a name from input).
pub fn note(message: &str) {
    let clean = super::redact::scrub_run(message);
    let clean = super::guard::escape_controls(&clean);
    let _ = writeln!(std::io::stderr().lock(), "authdoctor: {clean}");
}

/// The error that stopped a command on stderr, `error` in red when colour is on, and its hint on
/// the next line. The message and the hint are each scrubbed and escaped (either may quote input);
/// the line break between them is authdoctor's own.
pub fn error(e: &crate::error::Error) {
    let red = colored::control::SHOULD_COLORIZE.should_colorize();
    let scrub = |text: &str| super::guard::escape_controls(&super::redact::scrub_run(text)).into_owned();
    let mut clean = scrub(&e.message);
    if let Some(hint) = &e.hint {
        clean = format!("{clean}\n  hint: {}", scrub(hint));
    }
    let line = if red {
        format!("\x1b[31merror\x1b[0m: {clean}")
    } else {
        format!("error: {clean}")
    };
    let _ = writeln!(std::io::stderr().lock(), "authdoctor: {line}");
}

/// `-v`: where a checklist command's time went.
pub fn timings(checks: Duration, render: Duration, output: Duration) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    note(&format!(
        "checks {:.1} ms, render {:.1} ms, redaction and output {:.1} ms",
        ms(checks),
        ms(render),
        ms(output)
    ));
}
