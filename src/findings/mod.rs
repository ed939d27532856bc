//! Findings: what a check concluded, with a stable code from the registry.

pub mod registry;

use serde::{Serialize, Serializer};

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

/// A finding code: its stable id and what `explain`, the JSON report and the next steps say about it.
/// Each is a `pub const ADnnn: Code` beside the check that emits it (`src/checks/`), listed once in
/// its family's `CODES` and so in [`registry::all`]. Codes are stable and never reused.
#[derive(Debug)]
pub struct Code {
    /// `AD` and three digits; the hundreds digit is the family (0 sources, 1 compare, 2 value
    /// hygiene, 3 .env loaders, 4 tokens, 5 platforms, 6 the live backend).
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// The default next step shown under the verdict; a check may give a sharper one.
    pub hint: &'static str,
    /// `authdoctor explain CODE`: why it happens, how to confirm, how to fix.
    pub explain: &'static str,
}

impl Code {
    /// The report section a code's findings belong to, from its hundreds digit.
    pub fn topic(&self) -> Topic {
        match self.id.as_bytes().get(2) {
            Some(b'0') => Topic::Sources,
            Some(b'1') => Topic::Comparison,
            Some(b'2') => Topic::ValueHygiene,
            Some(b'3') => Topic::Loaders,
            Some(b'4') => Topic::Tokens,
            Some(b'5') => Topic::Platform,
            _ => Topic::Probe,
        }
    }
}

/// Codes are equal when their ids are (a `const` may live at several addresses).
impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.id == other.id
    }
}
impl Eq for Code {}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.id == other
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// The report sections findings are grouped under, in the order the human report shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Topic {
    Sources,
    Comparison,
    ValueHygiene,
    Loaders,
    Tokens,
    Platform,
    Probe,
}

impl Topic {
    pub fn title(self) -> &'static str {
        match self {
            Topic::Sources => "Sources",
            Topic::Comparison => "Comparison",
            Topic::ValueHygiene => "Value hygiene",
            Topic::Loaders => ".env loaders",
            Topic::Tokens => "Tokens",
            Topic::Platform => "Platform",
            Topic::Probe => "Live backend",
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
    pub code: &'static Code,
    pub severity: Severity,
    pub title: &'static str,
    pub message: String,
    pub sources: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// AD120: the chain's transforms in the order that undoes the difference
    /// (`["strip_quotes","unescape_newlines"]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<&'static str>,
}

impl Finding {
    /// A finding with `code`'s severity, title and default hint.
    pub fn new(code: &'static Code, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.severity,
            title: code.title,
            message: message.into(),
            sources: Vec::new(),
            hint: (!code.hint.is_empty()).then(|| code.hint.to_string()),
            location: None,
            steps: Vec::new(),
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

    /// The report section a finding belongs to.
    pub fn topic(&self) -> Topic {
        self.code.topic()
    }
}
