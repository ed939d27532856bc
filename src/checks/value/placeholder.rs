//! AD202: a template placeholder left in place of a real secret.
use super::ValueCheck;
use crate::findings::{Code, Severity};

pub const AD202: Code = Code {
    id: "AD202",
    severity: Severity::Warning,
    title: "placeholder value",
    hint: "Replace the placeholder with a real random secret: `openssl rand -hex 32`.",
    explain: "Why: the value looks like a template placeholder (`changeme`, `your-secret-here`, `xxx`, \
`<secret>`): an example file copied without being filled in, so one side signs with a public string.\n\
Confirm: the message says which pattern matched (not the value).\n\
Fix: generate a real secret and set it in every place.",
};

pub struct Placeholder;

/// Compared after lower-casing and dropping everything but letters and digits.
const WORDS: &[&str] = &[
    "changeme",
    "changethis",
    "changeit",
    "replaceme",
    "yoursecret",
    "yoursecrethere",
    "yoursecretkey",
    "yourjwtsecret",
    "yourkeyhere",
    "secret",
    "secretkey",
    "jwtsecret",
    "mysecret",
    "password",
    "placeholder",
    "todo",
    "fixme",
    "example",
    "dummy",
    "test",
    "testsecret",
    "default",
    "insertsecrethere",
    "supersecret",
    "supersecretkey",
    "notasecret",
];

impl ValueCheck for Placeholder {
    fn code(&self) -> &'static Code {
        &AD202
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let text = std::str::from_utf8(v).ok()?.trim();
        let folded: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if text.len() >= 3 && text.chars().all(|c| c == text.chars().next().unwrap_or(' ')) {
            return Some(format!("one character repeated {} times", text.chars().count()));
        }
        if text.starts_with('<') && text.ends_with('>') {
            return Some("an <angle-bracket> template placeholder".into());
        }
        if WORDS.contains(&folded.as_str()) {
            return Some("a well-known placeholder word".into());
        }
        if folded.starts_with("changeme")
            || folded.starts_with("replaceme")
            || (folded.starts_with("your")
                && (folded.contains("secret") || folded.contains("key") || folded.contains("here")))
        {
            return Some("reads like template text (\"your…secret…\", \"change…\")".into());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn catches_common_placeholders_only() {
        for p in [
            "changeme",
            "your-secret-here",
            "xxx",
            "XXXXXXXX",
            "<secret>",
            "Your_JWT_Secret_Key",
            "change_me_in_prod",
        ] {
            assert!(Placeholder.run(p.as_bytes()).is_some(), "{p}");
        }
        for s in [
            "7nzzo8vskFWWUrFT2gWq9FhYJmJexXnETFvrzYOtihYXWHW5Ns2VgI6N8lYDxpk0",
            "secret-rotation-2025-q3-b8f1",
            "aa",
        ] {
            assert!(Placeholder.run(s.as_bytes()).is_none(), "{s}");
        }
    }
}
