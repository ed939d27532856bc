//! Emulations of the `.env` loaders: the bytes each one hands a program for each key.

pub mod node;

use serde::Serialize;

/// One assignment as a loader read it, with the 1-based line where its key starts.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Entry {{ key: {:?}, value: [redacted], line: {} }}",
            self.key, self.line
        )
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.value);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loader {
    Node,
}

impl Loader {
    pub const ALL: &'static [Loader] = &[Loader::Node];

    pub fn name(self) -> &'static str {
        match self {
            Loader::Node => "node",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Loader::Node => "motdotla/dotenv 16/17 (`require('dotenv').config()`)",
        }
    }

    pub fn from_name(name: &str) -> Option<Loader> {
        Loader::ALL.iter().copied().find(|l| l.name() == name)
    }

    pub fn names() -> String {
        Loader::ALL.iter().map(|l| l.name()).collect::<Vec<_>>().join(", ")
    }

    /// Every assignment in file order, as this loader parses `text`.
    pub fn parse(self, text: &str) -> Vec<Entry> {
        match self {
            Loader::Node => node::parse(text),
        }
    }

    /// The entry the program ends up with for `key` (dotenv's `parse` lets the last one win).
    pub fn lookup(self, entries: &[Entry], key: &str) -> Option<usize> {
        match self {
            Loader::Node => entries.iter().rposition(|e| e.key == key),
        }
    }
}
