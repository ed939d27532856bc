//! AD206: the value itself is wrapped in quotes.
use super::ValueCheck;
use crate::findings::{Code, Severity};

pub const AD206: Code = Code {
    id: "AD206",
    severity: Severity::Warning,
    title: "surrounding quotes are part of the value",
    hint: "Remove the quotes from the stored value.",
    explain: "Why: the value itself begins and ends with a quote character. Quotes belong to file syntax, \
not to secrets; a store or loader that does not strip them hands them to the program.\n\
Confirm: `authdoctor envfile FILE` shows which loaders keep them.\n\
Fix: store the bare value.",
};

pub struct Quotes;

impl ValueCheck for Quotes {
    fn code(&self) -> &'static Code {
        &AD206
    }
    fn run(&self, v: &[u8]) -> Option<String> {
        let t = v.trim_ascii();
        let kind = match (t.first(), t.last()) {
            (Some(b'"'), Some(b'"')) => "double",
            (Some(b'\''), Some(b'\'')) => "single",
            (Some(b'`'), Some(b'`')) => "back",
            _ => return None,
        };
        (t.len() >= 2).then(|| format!("starts and ends with {kind} quotes, which are part of the value"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn only_matching_pairs() {
        assert!(Quotes.run(b"\"abc\"").is_some());
        assert!(Quotes.run(b"'abc'\n").is_some());
        assert!(Quotes.run(b"\"abc'").is_none());
        assert!(Quotes.run(b"\"").is_none());
    }
}
