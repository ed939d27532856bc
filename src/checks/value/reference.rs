//! AD209: the value is an unexpanded `${NAME}` / `$NAME` reference.
use super::ValueCheck;
use crate::findings::{Code, Severity};

pub const AD209: Code = Code {
    id: "AD209",
    severity: Severity::Warning,
    title: "looks like an unexpanded variable reference",
    hint: "The reference was never expanded: set the real value, or use a loader that expands it.",
    explain: "Why: the value has the shape `${NAME}` or `$NAME`: a template or a .env line meant to be \
expanded by dotenv-expand, Next.js or a shell, read by a loader that does not expand.\n\
Confirm: `authdoctor envfile FILE` shows which loaders expand the reference.\n\
Fix: put the real value there, or load the file with the loader the program really uses.",
};

pub struct Reference;

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

impl ValueCheck for Reference {
    fn code(&self) -> &'static Code {
        &AD209
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let t = std::str::from_utf8(v).ok()?.trim();
        let name = if let Some(inner) = t.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            inner.split([':', '-']).next().unwrap_or("")
        } else {
            t.strip_prefix('$').unwrap_or("")
        };
        is_name(name).then(|| format!("the whole value is a reference to ${name}, never expanded"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn whole_value_references_only() {
        assert!(Reference.run(b"${AUTH_SECRET}").is_some());
        assert!(Reference.run(b"${AUTH_SECRET:-x}").is_some());
        assert!(Reference.run(b"$AUTH_SECRET").is_some());
        assert!(Reference.run(b"$2b$10$abc").is_none());
        assert!(Reference.run(b"abc$DEF").is_none());
    }
}
