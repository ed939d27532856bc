//! motdotla/dotenv 16.x/17.x `parse()`: one multi-line regex over the whole file, last key wins.
//!
//! The `LINE` regex is dotenv's own, translated to the `regex` crate. Both engines pick the same
//! leftmost-first match; the JavaScript character classes are spelled out because JS `\s` includes
//! U+FEFF (so a BOM before the first key is skipped) and JS `\w` is ASCII-only.

use super::{Entry, Parsed};
use regex::Regex;
use std::sync::OnceLock;

/// JavaScript's `\s` (WhiteSpace + LineTerminator), which `String.prototype.trim` also strips.
const JS_WS: &str = r"[\t\n\x0B\x0C\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]";

fn line_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // dotenv: /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg
        let s = JS_WS;
        let pattern = format!(
            r#"(?m)^{s}*(?:export{s}+)?([A-Za-z0-9_.-]+)(?:{s}*={s}*?|:{s}+?)({s}*'(?:\\'|[^'])*'|{s}*"(?:\\"|[^"])*"|{s}*`(?:\\`|[^`])*`|[^#\r\n]+)?{s}*(?:#[^\n\r\u{{2028}}\u{{2029}}]*)?$"#
        );
        Regex::new(&pattern).unwrap_or_else(|e| panic!("dotenv LINE regex does not compile: {e}"))
    })
}

fn is_js_ws(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0B' | '\x0C' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

pub fn parse(text: &str) -> Parsed {
    Parsed {
        entries: entries(text),
        errors: Vec::new(),
    }
}

/// Every assignment in file order (dotenv's `parse()` keeps the last of a repeated key).
pub fn entries(text: &str) -> Vec<Entry> {
    // dotenv: lines.replace(/\r\n?/mg, '\n')
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut line = 1;
    let mut counted_to = 0;
    for caps in line_regex().captures_iter(&text) {
        let (Some(key), value) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        line += text[counted_to..key.start()].matches('\n').count();
        counted_to = key.start();
        let value = value.map(|m| m.as_str()).unwrap_or("");
        let value = value.trim_matches(is_js_ws);
        let first = value.chars().next();
        // value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2'): the value is either quoted at both ends or
        // single-line, so this strips one matching pair of quotes.
        let mut value = match first {
            Some(q @ ('\'' | '"' | '`')) if value.len() >= 2 && value.ends_with(q) => {
                value[1..value.len() - 1].to_string()
            }
            _ => value.to_string(),
        };
        if first == Some('"') {
            value = value.replace("\\n", "\n").replace("\\r", "\r");
        }
        out.push(Entry::new(key.as_str(), value, line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str, key: &str) -> Option<String> {
        let entries = entries(text);
        entries.iter().rev().find(|e| e.key == key).map(|e| e.value.clone())
    }

    #[test]
    fn basic_forms() {
        let t = "A=1\nexport B = two \nC='x # y'\nD=\"l1\\nl2\"\nE=v # comment\nF=\nG:  colon\n";
        assert_eq!(get(t, "A").as_deref(), Some("1"));
        assert_eq!(get(t, "B").as_deref(), Some("two"));
        assert_eq!(get(t, "C").as_deref(), Some("x # y"));
        assert_eq!(get(t, "D").as_deref(), Some("l1\nl2"));
        assert_eq!(get(t, "E").as_deref(), Some("v"));
        assert_eq!(get(t, "F").as_deref(), Some(""));
        assert_eq!(get(t, "G").as_deref(), Some("colon"));
    }

    #[test]
    fn bom_crlf_and_last_wins() {
        let t = "\u{FEFF}K=a\r\nK=b\r\n";
        assert_eq!(get(t, "K").as_deref(), Some("b"));
        let e = entries(t);
        assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), vec![1, 2]);
    }

    #[test]
    fn multiline_double_quoted_and_unterminated() {
        let t = "PEM=\"-----BEGIN-----\nabc\n-----END-----\"\nN=after\nU=\"open\n";
        assert_eq!(get(t, "PEM").as_deref(), Some("-----BEGIN-----\nabc\n-----END-----"));
        assert_eq!(get(t, "N").as_deref(), Some("after"));
        // An unterminated quote is taken literally up to the end of its line.
        assert_eq!(get(t, "U").as_deref(), Some("\"open"));
        assert_eq!(entries(t).iter().find(|e| e.key == "N").map(|e| e.line), Some(4));
    }

    #[test]
    fn dollar_and_hash_kept_or_cut_as_dotenv_does() {
        assert_eq!(get("H=abc#def", "H").as_deref(), Some("abc"));
        assert_eq!(get("S=$2b$10$xyz", "S").as_deref(), Some("$2b$10$xyz"));
        assert_eq!(get("Q=\"a\"b\"", "Q").as_deref(), Some("a\"b"));
    }
}
