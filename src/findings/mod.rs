//! Findings: what a check concluded, with a stable code from the catalog.

pub mod catalog;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Ok,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where a finding points in a file, for editors and GitHub annotations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub message: String,
    pub sources: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Finding {
    /// A finding with the catalog's severity, title and default hint for `code`.
    /// Panics only on a code missing from the catalog, which the catalog's own test rules out.
    pub fn new(code: &'static str, message: impl Into<String>) -> Finding {
        let entry = catalog::lookup(code).unwrap_or_else(|| panic!("finding code {code} is not in the catalog"));
        Finding {
            code: entry.code,
            severity: entry.severity,
            title: entry.title,
            message: message.into(),
            sources: Vec::new(),
            hint: (!entry.hint.is_empty()).then(|| entry.hint.to_string()),
            location: None,
        }
    }

    pub fn sources<I, S>(mut self, sources: I) -> Finding
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.sources = sources.into_iter().map(Into::into).collect();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(mut self, location: Option<Location>) -> Finding {
        self.location = location;
        self
    }

    /// The report section a finding belongs to, from its code's hundreds digit.
    pub fn topic(&self) -> &'static str {
        topic_of(self.code)
    }
}

pub fn topic_of(code: &str) -> &'static str {
    match code.as_bytes().get(2) {
        Some(b'0') => "Sources",
        Some(b'1') => "Comparison",
        Some(b'2') => "Value hygiene",
        Some(b'3') => ".env loaders",
        Some(b'4') => "Tokens",
        Some(b'5') => "Platform",
        _ => "Other",
    }
}
