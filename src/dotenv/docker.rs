//! `docker run --env-file` (docker/cli v28 `pkg/kvfile`): one `KEY=VALUE` per line, leading
//! whitespace removed, lines starting with `#` skipped, everything after the first `=` taken
//! literally: quotes, trailing spaces, ` # comments` and `$` all stay in the value. (An open PR,
//! docker/cli#6805, would strip matching quotes; released versions do not.)

use super::{Entry, LoadError, Parsed};

pub fn parse(bytes: &[u8]) -> Parsed<'_> {
    let mut entries = Vec::new();
    let fatal = |line: usize, message: String| Parsed {
        entries: Vec::new(),
        errors: vec![LoadError {
            line,
            message,
            fatal: true,
        }],
    };
    // bufio.ScanLines: split on LF, drop one CR before it.
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    if bytes.ends_with(b"\n") {
        lines.pop();
    }
    for (i, raw) in lines.into_iter().enumerate() {
        let n = i + 1;
        let mut raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(text) = std::str::from_utf8(raw) else {
            return fatal(n, format!("invalid UTF-8 on line {n}: docker refuses the whole file"));
        };
        if n == 1 {
            raw = raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw);
        }
        let text = if n == 1 {
            std::str::from_utf8(raw).unwrap_or(text)
        } else {
            text
        };
        let line = text.trim_start_matches(char::is_whitespace);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (line, None),
        };
        if key.is_empty() {
            return fatal(
                n,
                format!("line {n} has no variable name: docker refuses the whole file"),
            );
        }
        if key.contains([' ', '\t']) {
            return fatal(
                n,
                format!("variable name on line {n} contains whitespace: docker refuses the whole file"),
            );
        }
        // A bare `KEY` passes the caller's environment through: no value from the file.
        if let Some(v) = value {
            entries.push(Entry::new(key, v, n));
        }
    }
    Parsed {
        entries,
        errors: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(s: &str) -> Vec<(String, String)> {
        parse(s.as_bytes())
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.value.to_string()))
            .collect()
    }

    // Cases after docker/cli pkg/kvfile/kvfile_test.go (v28).
    #[test]
    fn literal_values() {
        let t = "# comment\n\n  FOO=bar\nQUOTED=\"x\" # not a comment \nSPACES=a b  \nEMPTY=\nA=b=c\r\n";
        let v = get(t);
        assert_eq!(v[0], ("FOO".into(), "bar".into()));
        assert_eq!(v[1], ("QUOTED".into(), "\"x\" # not a comment ".into()));
        assert_eq!(v[2], ("SPACES".into(), "a b  ".into()));
        assert_eq!(v[3], ("EMPTY".into(), "".into()));
        assert_eq!(v[4], ("A".into(), "b=c".into()));
    }

    #[test]
    fn refuses_bad_files() {
        assert!(parse(b"FOO BAR=x\n").errors[0].fatal);
        assert!(parse(b"=x\n").errors[0].fatal);
        assert!(parse(b"A=\xff\n").errors[0].fatal);
        assert_eq!(get("\u{feff}K=v"), vec![("K".into(), "v".into())]);
    }
}
