//! motdotla/dotenv 16.x/17.x `parse()`: one multi-line regex over the whole file, last key wins.
//!
//! The `LINE` regex is dotenv's own, translated to the `regex` crate. Both engines pick the same
//! leftmost-first match; the JavaScript character classes are spelled out because JS `\s` includes
//! U+FEFF (so a BOM before the first key is skipped) and JS `\w` is ASCII-only.

use super::{Entry, Parsed};
use regex::bytes::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// JavaScript's `\s` (WhiteSpace + LineTerminator), which `String.prototype.trim` also strips,
/// spelled as UTF-8 byte sequences: matching bytes (`(?-u)`) keeps the automaton small, and the
/// text is valid UTF-8, so a negated ASCII class never splits a character.
const JS_WS: &str = r"(?:[\t\n\x0B\x0C\r ]|\xC2\xA0|\xE1\x9A\x80|\xE2\x80[\x80-\x8A\xA8\xA9\xAF]|\xE2\x81\x9F|\xE3\x80\x80|\xEF\xBB\xBF)";

/// JavaScript's `.`: any character but LF, CR, U+2028 and U+2029.
const JS_DOT: &str = r"(?:[^\n\r\xE2]|\xE2(?:[\x81-\xBF][\x80-\xBF]|\x80[\x80-\xA7\xAA-\xBF]))";

/// JavaScript's line terminators beyond LF and CR: U+2028 and U+2029, where the `m` flag's `^` and
/// `$` also match. The `regex` crate's `(?m)` knows only LF, so the full regex consumes one of them
/// in place of `^` or `$` (nothing in the pattern follows `$` or precedes `^`, so the same match is
/// found), and a capture group says where `$` really matched.
const JS_LS: &str = r"\xE2\x80[\xA8\xA9]";

fn build(s: &str, dot: &str, ls: bool) -> Regex {
    // dotenv: /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg
    let (start, end) = if ls {
        (format!("(?:^|{JS_LS})"), format!("(?:$|({JS_LS}))"))
    } else {
        ("^".to_string(), "$".to_string())
    };
    let pattern = format!(
        r#"(?m-u){start}{s}*(?:export{s}+)?([A-Za-z0-9_.-]+)(?:{s}*={s}*?|:{s}+?)({s}*'(?:\\'|[^'])*'|{s}*"(?:\\"|[^"])*"|{s}*`(?:\\`|[^`])*`|[^#\r\n]+)?{s}*(?:#{dot}*)?{end}"#
    );
    Regex::new(&pattern).unwrap_or_else(|e| panic!("dotenv LINE regex does not compile: {e}"))
}

/// The full regex, or (for the common file without any non-ASCII whitespace or line separator)
/// the same regex with ASCII classes, whose much smaller automaton matches several times faster.
/// The flag says which: only the ASCII one may take the `simple` shortcut.
fn line_regex(text: &str) -> (&'static Regex, bool) {
    static FULL: OnceLock<Regex> = OnceLock::new();
    static ASCII: OnceLock<Regex> = OnceLock::new();
    if text.contains(|c: char| !c.is_ascii() && is_js_ws(c)) {
        (FULL.get_or_init(|| build(JS_WS, JS_DOT, true)), false)
    } else {
        (
            ASCII.get_or_init(|| build(r"[\t\n\x0B\x0C\r ]", r"[^\n\r]", false)),
            true,
        )
    }
}

fn is_js_ws(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0B' | '\x0C' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

pub fn parse(text: &str) -> Parsed<'_> {
    Parsed {
        entries: entries(text),
        errors: Vec::new(),
    }
}

/// Every assignment in file order (dotenv's `parse()` keeps the last of a repeated key).
pub fn entries(text: &str) -> Vec<Entry<'_>> {
    // dotenv: lines.replace(/\r\n?/mg, '\n')
    super::with_text(super::lf_only(text), |t| Parsed {
        entries: lf_entries(t),
        errors: Vec::new(),
    })
    .entries
}

fn lf_entries(text: &str) -> Vec<Entry<'_>> {
    let (re, ascii) = line_regex(text);
    let mut out = Vec::new();
    let mut line = 1;
    let mut counted_to = 0;
    for (key, value, _) in assignments(re, text, ascii.then_some(true)) {
        line += text[counted_to..key.start].matches('\n').count();
        counted_to = key.start;
        let value = value.map(|r| &text[r]).unwrap_or("");
        let value = value.trim_matches(is_js_ws);
        let first = value.chars().next();
        // value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2'): a value without a line terminator inside
        // is quoted at both ends or not at all, so this strips one matching pair of quotes.
        let mut value: Cow<str> = if value.contains(['\n', '\u{2028}', '\u{2029}']) {
            strip_quotes_m(value)
        } else {
            match first {
                Some(q @ ('\'' | '"' | '`')) if value.len() >= 2 && value.ends_with(q) => &value[1..value.len() - 1],
                _ => value,
            }
            .into()
        };
        if first == Some('"') && value.contains('\\') {
            value = Cow::Owned(value.replace("\\n", "\n").replace("\\r", "\r"));
        }
        out.push(Entry::new(&text[key], value, line));
    }
    out
}

/// `value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2')` where `^` and `$` also match at line
/// terminators inside the value (LF, U+2028, U+2029: CR is gone by then): from each line start that
/// holds a quote, the longest stretch to the same quote before a line end loses both quotes.
fn strip_quotes_m(value: &str) -> Cow<'_, str> {
    let is_lt = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    let b = value.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < value.len() {
        let line_start = i == 0 || value[..i].chars().next_back().is_some_and(is_lt);
        let q = b[i];
        if line_start && matches!(q, b'\'' | b'"' | b'`') {
            // The last quote q after i that a line end (or the end) follows.
            let close = (i + 1..value.len())
                .rev()
                .find(|&j| b[j] == q && value[j + 1..].chars().next().is_none_or(is_lt));
            if let Some(j) = close {
                out.push_str(&value[copied..i]);
                out.push_str(&value[i + 1..j]);
                copied = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += value[i..].chars().next().map_or(1, char::len_utf8);
    }
    if copied == 0 {
        return Cow::Borrowed(value);
    }
    out.push_str(&value[copied..]);
    Cow::Owned(out)
}

/// Key range, value range (None when the value group did not take part) and the text the
/// assignment covers (a regex match, or a plain line without its newline).
pub(crate) type Assignment = (
    std::ops::Range<usize>,
    Option<std::ops::Range<usize>>,
    std::ops::Range<usize>,
);

/// Key and value ranges of every match of a dotenv-style LINE regex (node's, or ruby's which has the
/// same groups). With `shortcut` (`Some(dash_in_key)`, only for ASCII-whitespace files):
/// - a line that is exactly `NAME=value` with a plain name and a value of plain characters (see
///   `plain_line`) can match only one way, so it is read without running the regex at all: the
///   regex would match at this line's start with those groups, and any later match it finds
///   starts on a later line exactly as it would from the end of this one;
/// - an unquoted one-line assignment the regex did find is read directly, because resolving
///   capture groups costs more than finding the match.
pub(crate) fn assignments<'a>(
    re: &'a Regex,
    text: &'a str,
    shortcut: Option<bool>,
) -> impl Iterator<Item = Assignment> + 'a {
    let b = text.as_bytes();
    let mut locs = re.capture_locations();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos > b.len() {
            return None;
        }
        if shortcut.is_some()
            && (pos == 0 || b[pos - 1] == b'\n')
            && let Some((key, value, next)) = super::plain_line(b, pos)
        {
            let span = pos..value.end;
            pos = next;
            return Some((key, Some(value), span));
        }
        loop {
            let m = re.find_at(b, pos)?;
            let span = m.start()..m.end();
            // Every match holds a key, so it is never empty and the search always advances. The
            // next match can only start at a line start (`^`), so the search goes on from there,
            // where a plain line may take the shortcut.
            pos = m.end().max(pos + 1);
            // (Only where `^` means after LF: not with JavaScript's U+2028/U+2029 line ends.)
            if shortcut.is_some() && pos <= b.len() && b[pos - 1] != b'\n' {
                pos = b[pos..]
                    .iter()
                    .position(|c| *c == b'\n')
                    .map_or(b.len() + 1, |n| pos + n + 1);
            }
            let direct = shortcut.and_then(|dash| simple(&text[m.start()..m.end()], dash));
            if let Some((k, v)) = direct {
                return Some((
                    m.start() + k.start..m.start() + k.end,
                    v.map(|v| m.start() + v.start..m.start() + v.end),
                    span,
                ));
            }
            re.captures_read_at(&mut locs, &b[..m.end()], m.start());
            // A U+2028/U+2029 taken for `$`: the next search starts at it, as lastIndex does.
            if let Some(ls) = locs.get(3) {
                pos = ls.0.max(m.start() + 1);
            }
            if let Some(k) = locs.get(1) {
                return Some((k.0..k.1, locs.get(2).map(|v| v.0..v.1), span));
            }
        }
    })
}

/// Key and value ranges of a matched span that is a plain `KEY=value` on one line: no quotes,
/// no `export`, no `:` separator. None when the regex's own capture groups must decide. Ruby's
/// LINE regex has the same shape, without `-` in keys.
pub(crate) fn simple(
    span: &str,
    dash_in_key: bool,
) -> Option<(std::ops::Range<usize>, Option<std::ops::Range<usize>>)> {
    let b = span.as_bytes();
    if b.iter().any(|c| matches!(c, b'\'' | b'"' | b'`')) {
        return None;
    }
    let mut i = 0;
    while i < b.len() && matches!(b[i], b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
        i += 1;
    }
    let key_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.') || (dash_in_key && b[i] == b'-'))
    {
        i += 1;
    }
    if i == key_start || &span[key_start..i] == "export" {
        return None;
    }
    let key = key_start..i;
    while i < b.len() && matches!(b[i], b'\t' | 0x0B | 0x0C | b' ') {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    let start = i + 1;
    let end = b[start..]
        .iter()
        .position(|c| matches!(c, b'#' | b'\n' | b'\r'))
        .map_or(b.len(), |p| start + p);
    Some((key, (end > start).then_some(start..end)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Keys and values as the regex alone reads them, and as the shortcuts read them.
    type Pairs = Vec<(String, String)>;

    fn both(re: &Regex, text: &str, dash: bool) -> (Pairs, Pairs) {
        let read = |shortcut| -> Pairs {
            assignments(re, text, shortcut)
                .map(|(k, v, _)| (text[k].to_string(), v.map(|v| text[v].to_string()).unwrap_or_default()))
                .collect()
        };
        (read(None), read(Some(dash)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The plain-line and unquoted shortcuts never change what the regex reads: random files of
        /// plain lines mixed with quotes (also multi-line), comments, `export`, blank lines, spaces,
        /// `:` separators, for node's regex and ruby's (both loaders turn CR into LF first).
        #[test]
        fn shortcuts_read_what_the_regex_reads(
            lines in proptest::collection::vec(
                prop_oneof![
                    "[A-Z_][A-Z0-9_]{0,6}=[a-z0-9_./:@%+,=-]{1,12}",
                    "[A-Z_][A-Z0-9_]{0,3}[=:]( |\\t)?[a-z0-9 #'\"`$=:\\\\-]{0,10}",
                    "(export )?[A-Z][A-Z0-9.-]{0,3} ?= ?'[a-z\\n #=]{0,8}",
                    "[a-z#=:\" ]{0,8}",
                    Just(String::new()),
                ],
                0..14,
            )
        ) {
            let text = lines.join("\n");
            let (slow, fast) = both(line_regex(&text).0, &text, true);
            prop_assert_eq!(slow, fast);
            let ruby = super::super::ruby::line_regex();
            let (slow, fast) = both(ruby, &text, false);
            prop_assert_eq!(slow, fast);
        }
    }

    fn get(text: &str, key: &str) -> Option<String> {
        let entries = entries(text);
        entries.iter().rev().find(|e| e.key == key).map(|e| e.value.to_string())
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

    /// Recorded with dotenv 16.3.1 and 17.4.1 (`dotenv.parse`): U+2028 and U+2029 end a line for
    /// the `m` flag of both regexes.
    #[test]
    fn js_line_separators() {
        // `$` before U+2029 after a comment: the line still matches.
        assert_eq!(get("\tk_4= #cabc$A\u{2029}\\0\t\n", "k_4").as_deref(), Some(""));
        // A quote pair that ends at U+2029 inside the value, and one that starts after it.
        assert_eq!(get("k=v1\u{2029}` `\n", "k").as_deref(), Some("v1\u{2029} "));
        assert_eq!(get("k=a\u{2028}'b'\n", "k").as_deref(), Some("a\u{2028}b"));
        // The quoted value ends before U+2028, where `$` matches.
        assert_eq!(get("k='x'\u{2028}y\n", "k").as_deref(), Some("x"));
    }

    #[test]
    fn dollar_and_hash_kept_or_cut_as_dotenv_does() {
        assert_eq!(get("H=abc#def", "H").as_deref(), Some("abc"));
        assert_eq!(get("S=$2b$10$xyz", "S").as_deref(), Some("$2b$10$xyz"));
        assert_eq!(get("Q=\"a\"b\"", "Q").as_deref(), Some("a\"b"));
    }

    /// The shortcut against the regex's own capture groups, on every line shape of the corpus.
    #[test]
    fn shortcut_agrees_with_capture_groups() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dotenv/cases");
        let mut checked = 0;
        for f in std::fs::read_dir(dir).expect("corpus").flatten() {
            let text = String::from_utf8_lossy(&std::fs::read(f.path()).expect("case"))
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let (re, ascii) = line_regex(&text);
            if !ascii {
                continue;
            }
            for caps in re.captures_iter(text.as_bytes()) {
                let (Some(m), Some(k)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                if let Some((key, value)) = simple(&text[m.start()..m.end()], true) {
                    assert_eq!(m.start() + key.start..m.start() + key.end, k.range(), "{:?}", f.path());
                    let v = caps.get(2).map(|v| v.range());
                    assert_eq!(
                        value.map(|r| m.start() + r.start..m.start() + r.end),
                        v,
                        "{:?}",
                        f.path()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "{checked}");
    }
}
