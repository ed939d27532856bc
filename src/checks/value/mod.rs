//! Value hygiene checks: each reads one value's bytes and may say one thing about it (AD2xx).
//! One check a file, registered once in `CHECKS`; the report never sees the bytes.

mod base64_text;
mod control;
mod empty;
mod jwt_shape;
mod non_ascii;
mod placeholder;
pub mod quotes;
mod reference;
mod short;
mod utf8;
pub mod whitespace;

use crate::findings::{Code, Finding};

/// The AD2xx codes, each defined in its check's file, for the registry.
pub const CODES: &[&Code] = &[
    &short::AD201,
    &placeholder::AD202,
    &whitespace::AD203,
    &control::AD204,
    &non_ascii::AD205,
    &quotes::AD206,
    &empty::AD207,
    &utf8::AD208,
    &reference::AD209,
    &jwt_shape::AD210,
    &base64_text::AD211,
];

pub trait ValueCheck: Sync {
    fn code(&self) -> &'static Code;
    /// A one-line message (without the value) when the check fires.
    fn run(&self, value: &[u8]) -> Option<String>;
}

pub const CHECKS: &[&dyn ValueCheck] = &[
    &empty::Empty,
    &short::Short,
    &placeholder::Placeholder,
    &whitespace::Whitespace,
    &control::Control,
    &non_ascii::NonAscii,
    &utf8::Utf8,
    &quotes::Quotes,
    &reference::Reference,
    &jwt_shape::JwtShape,
    &base64_text::Base64Text,
];

/// Every hygiene finding for one value, attributed to the sources that hold it.
pub fn hygiene(value: &[u8], sources: &[String]) -> Vec<Finding> {
    let who = sources.join(", ");
    if let Some(msg) = empty::Empty.run(value) {
        return vec![Finding::new(&empty::AD207, format!("{who}: {msg}")).sources(sources.iter().cloned())];
    }
    CHECKS
        .iter()
        .filter(|c| *c.code() != empty::AD207)
        .filter_map(|c| {
            c.run(value)
                .map(|msg| Finding::new(c.code(), format!("{who}: {msg}")).sources(sources.iter().cloned()))
        })
        .collect()
}

/// List at most `n` items and say how many more there were.
pub(crate) fn list_some(items: &[String], n: usize) -> String {
    let mut s = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        s.push_str(&format!(" (+{} more)", items.len() - n));
    }
    s
}
