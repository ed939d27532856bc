//! The one vocabulary of byte transforms a secret undergoes between where it is stored and where it
//! is used (trimming, quotes, BOM, line endings, encodings …). Compare uses them to explain a
//! difference, token verification to find the form a signer used, the baseline and `fly-runtime`
//! to say how a value changed; each transform has one name and one implementation here.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// One transform of a value's bytes. `apply` gives `None` where the transform does not apply
/// (nothing to remove, or the text does not decode), so a caller never mistakes "unchanged" for
/// "transformed".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Transform {
    /// Remove a UTF-8 byte order mark (EF BB BF) at byte 0.
    StripBom,
    /// Remove invisible characters (zero-width spaces and joiners, soft hyphen, bidi marks …; see
    /// [`crate::secret::is_invisible`]); invalid UTF-8 bytes are kept as they are.
    StripInvisible,
    /// Turn each CR LF into LF (a CR not followed by LF is kept).
    CrlfToLf,
    /// Remove every CR byte (what `tr -d '\r'` does; the `fly-runtime` script computes this).
    StripCr,
    /// Remove leading ASCII whitespace.
    TrimLeading,
    /// Remove trailing ASCII whitespace (the newline `echo` adds, CR LF, spaces).
    TrimTrailing,
    /// Remove leading and trailing ASCII whitespace.
    Trim,
    /// Remove one pair of matching surrounding quotes (`"…"`, `'…'` or `` `…` ``).
    StripQuotes,
    /// Surrounding whitespace removed, then one pair of surrounding `"` or `'` (the `fly-runtime`
    /// script's "unquoted" form: `"abc"\n` → `abc`); `None` without such a pair.
    TrimStripQuotes,
    /// ASCII letters to lower case (a comparison that ignores case).
    Lowercase,
    /// The surrounding whitespace removed, then decoded as standard base64 (RFC 4648 §4; padding
    /// optional, no whitespace inside).
    Base64Decode,
    /// The same with the URL-safe alphabet (RFC 4648 §5).
    Base64UrlDecode,
    /// The surrounding whitespace removed, then decoded as hex (either case, even length).
    HexDecode,
    /// Decoded as base64 the way old Java jjwt (0.9, `TextCodec.BASE64` over
    /// `DatatypeConverter.parseBase64Binary`) reads a plain passphrase: characters outside the
    /// alphabet skipped, decoding stops at `=`, an incomplete last group dropped. `None` when that
    /// gives nothing or the same as [`Transform::Base64Decode`].
    JavaBase64Decode,
    /// The surrounding whitespace removed and one LF added: what a signer that read the value with
    /// `echo`'s newline used.
    AddTrailingLf,
    /// Each two-character escape `\n` (and `\r`) turned into the byte it names: undoes a store that
    /// writes newlines as `\n` (Azure Key Vault, `chamber export`, Infisical → Kubernetes).
    UnescapeNewlines,
    /// Trailing escapes `\n`/`\r\n` (two characters each) and whitespace removed: a trailing newline
    /// that a tool wrote as the characters `\n`.
    TrimTrailingEscapedNewlines,
    /// Each LF (or CR LF) replaced by one space: what the SSM console, 1Password fields and
    /// `chamber env` do to a multi-line value.
    NewlinesToSpaces,
    /// Every CR and LF removed.
    StripNewlines,
    /// Every `$NAME` / `${…}` segment replaced by nothing, as an expanding loader does when the
    /// variable is unset (dotenv-expand takes `[A-Za-z0-9_.]` names, so `$2b$10$…` empties too).
    ExpandEmpty,
    /// Percent-escapes (`%2B`, `%2F`, `%3D` …) decoded (RFC 3986 §2.1).
    UrlDecode,
    /// `base64:` prefix removed and the rest base64-decoded (Laravel's `APP_KEY` form).
    Base64PrefixDecode,
    /// `0x` prefix removed and the rest hex-decoded.
    HexPrefixDecode,
    /// A JSON string's content, or one string field of a JSON object (top level or one level down):
    /// a Secrets Manager secret `{"jwt_secret":"…"}` against the bare value. Several outputs; see
    /// [`Transform::outputs`].
    JsonField,
}

/// Values larger than this are not parsed as JSON by [`Transform::JsonField`].
const MAX_JSON: usize = 1 << 20;

impl Transform {
    /// The stable name used in JSON (`steps`) and tests.
    pub fn name(self) -> &'static str {
        match self {
            Transform::StripBom => "strip_bom",
            Transform::StripInvisible => "strip_invisible",
            Transform::CrlfToLf => "crlf_to_lf",
            Transform::StripCr => "strip_cr",
            Transform::TrimLeading => "trim_leading",
            Transform::TrimTrailing => "trim_trailing",
            Transform::Trim => "trim",
            Transform::StripQuotes => "strip_quotes",
            Transform::TrimStripQuotes => "trim_strip_quotes",
            Transform::Lowercase => "lowercase",
            Transform::Base64Decode => "base64_decode",
            Transform::Base64UrlDecode => "base64url_decode",
            Transform::HexDecode => "hex_decode",
            Transform::JavaBase64Decode => "java_base64_decode",
            Transform::AddTrailingLf => "add_trailing_lf",
            Transform::UnescapeNewlines => "unescape_newlines",
            Transform::TrimTrailingEscapedNewlines => "trim_trailing_escaped_newlines",
            Transform::NewlinesToSpaces => "newlines_to_spaces",
            Transform::StripNewlines => "strip_newlines",
            Transform::ExpandEmpty => "expand_empty",
            Transform::UrlDecode => "url_decode",
            Transform::Base64PrefixDecode => "base64_prefix_decode",
            Transform::HexPrefixDecode => "hex_prefix_decode",
            Transform::JsonField => "json_field",
        }
    }

    /// Every output of the transform with what it selected (the JSON field's dotted path): one
    /// output, or none, except for [`Transform::JsonField`], which gives one per string field.
    pub fn outputs(self, v: &[u8]) -> Vec<(Vec<u8>, Option<String>)> {
        match self {
            Transform::JsonField => json_fields(v),
            _ => self.apply(v).map(|o| (o, None)).into_iter().collect(),
        }
    }

    /// The transformed bytes, or `None` when the transform changes nothing or does not apply.
    pub fn apply(self, v: &[u8]) -> Option<Vec<u8>> {
        let out = match self {
            Transform::StripBom => v.strip_prefix("\u{feff}".as_bytes())?.to_vec(),
            Transform::StripInvisible => {
                let mut out = Vec::with_capacity(v.len());
                for chunk in v.utf8_chunks() {
                    let kept: String = chunk
                        .valid()
                        .chars()
                        .filter(|c| !crate::secret::is_invisible(*c))
                        .collect();
                    out.extend_from_slice(kept.as_bytes());
                    out.extend_from_slice(chunk.invalid());
                }
                out
            }
            Transform::CrlfToLf => {
                let mut out = Vec::with_capacity(v.len());
                for (i, b) in v.iter().enumerate() {
                    if !(*b == b'\r' && v.get(i + 1) == Some(&b'\n')) {
                        out.push(*b);
                    }
                }
                out
            }
            Transform::StripCr => v.iter().copied().filter(|b| *b != b'\r').collect(),
            Transform::TrimLeading => v.trim_ascii_start().to_vec(),
            Transform::TrimTrailing => v.trim_ascii_end().to_vec(),
            Transform::Trim => v.trim_ascii().to_vec(),
            Transform::StripQuotes => strip_quotes(v)?.to_vec(),
            Transform::TrimStripQuotes => match v.trim_ascii() {
                [q @ (b'"' | b'\''), inner @ .., l] if q == l => inner.to_vec(),
                _ => return None,
            },
            Transform::Lowercase => v.to_ascii_lowercase(),
            Transform::Base64Decode => decode_base64(v.trim_ascii(), Alphabet::Standard)?,
            Transform::Base64UrlDecode => decode_base64(v.trim_ascii(), Alphabet::UrlSafe)?,
            Transform::HexDecode => hex::decode(v.trim_ascii()).ok()?,
            Transform::JavaBase64Decode => {
                let alphabet: Vec<u8> = v
                    .iter()
                    .copied()
                    .take_while(|b| *b != b'=')
                    .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
                    .collect();
                // A last group completed by `=` padding decodes; one cut short is dropped.
                let padded = v.contains(&b'=');
                let rest = alphabet.len() % 4;
                let take = alphabet.len() - if padded && rest >= 2 { 0 } else { rest };
                let out = decode_base64(&alphabet[..take], Alphabet::Standard)?;
                if out.is_empty() || decode_base64(v.trim_ascii(), Alphabet::Standard).as_deref() == Some(&out[..]) {
                    return None;
                }
                out
            }
            Transform::AddTrailingLf => [v.trim_ascii(), b"\n"].concat(),
            Transform::UnescapeNewlines => {
                let mut out = Vec::with_capacity(v.len());
                let mut i = 0;
                while i < v.len() {
                    match (v[i], v.get(i + 1)) {
                        (b'\\', Some(b'n')) => {
                            out.push(b'\n');
                            i += 2;
                        }
                        (b'\\', Some(b'r')) => {
                            out.push(b'\r');
                            i += 2;
                        }
                        (b, _) => {
                            out.push(b);
                            i += 1;
                        }
                    }
                }
                out
            }
            Transform::TrimTrailingEscapedNewlines => {
                let mut end = v.trim_ascii_end();
                let mut found = false;
                while let Some(rest) = end.strip_suffix(b"\\n").or_else(|| end.strip_suffix(b"\\r")) {
                    end = rest.trim_ascii_end();
                    found = true;
                }
                if !found {
                    return None;
                }
                end.to_vec()
            }
            Transform::NewlinesToSpaces => {
                // A trailing newline is dropped, not turned into a space: consoles trim it.
                let body = v.trim_ascii_end();
                if !body.contains(&b'\n') {
                    return None;
                }
                let v = body;
                let mut out = Vec::with_capacity(v.len());
                let mut i = 0;
                while i < v.len() {
                    match (v[i], v.get(i + 1)) {
                        (b'\r', Some(b'\n')) => {
                            out.push(b' ');
                            i += 2;
                        }
                        (b'\n', _) => {
                            out.push(b' ');
                            i += 1;
                        }
                        (b, _) => {
                            out.push(b);
                            i += 1;
                        }
                    }
                }
                out
            }
            Transform::StripNewlines => v.iter().copied().filter(|b| !matches!(b, b'\n' | b'\r')).collect(),
            Transform::ExpandEmpty => expand_empty(v)?,
            Transform::UrlDecode => url_decode(v)?,
            Transform::Base64PrefixDecode => {
                let t = v.trim_ascii().strip_prefix(b"base64:")?;
                decode_base64(t, Alphabet::Standard)?
            }
            Transform::HexPrefixDecode => {
                let t = v.trim_ascii();
                let t = t.strip_prefix(b"0x").or_else(|| t.strip_prefix(b"0X"))?;
                hex::decode(t).ok()?
            }
            Transform::JsonField => json_fields(v).into_iter().next()?.0,
        };
        (out != v).then_some(out)
    }
}

/// `$NAME`, `${…}` removed (names of `[A-Za-z0-9_.]`, as dotenv-expand reads them); `None` when
/// there is no such segment. `\$` is an escaped dollar and stays.
fn expand_empty(v: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    let mut found = false;
    while i < v.len() {
        if v[i] == b'\\' && v.get(i + 1) == Some(&b'$') {
            out.extend_from_slice(b"\\$");
            i += 2;
            continue;
        }
        if v[i] == b'$' {
            if v.get(i + 1) == Some(&b'{') {
                if let Some(close) = v[i..].iter().position(|b| *b == b'}') {
                    i += close + 1;
                    found = true;
                    continue;
                }
            } else {
                let n = v[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                    .count();
                if n > 0 {
                    i += 1 + n;
                    found = true;
                    continue;
                }
            }
        }
        out.push(v[i]);
        i += 1;
    }
    found.then_some(out)
}

/// Percent-decoding of `%XX` escapes; `None` without a valid escape.
fn url_decode(v: &[u8]) -> Option<Vec<u8>> {
    let hexval = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    let mut found = false;
    while i < v.len() {
        if v[i] == b'%'
            && let (Some(h), Some(l)) = (
                v.get(i + 1).and_then(|b| hexval(*b)),
                v.get(i + 2).and_then(|b| hexval(*b)),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            found = true;
            continue;
        }
        out.push(v[i]);
        i += 1;
    }
    found.then_some(out)
}

/// The strings a JSON document holds where a secret would be: the document itself if it is a
/// string, else each string field of an object, top level and one level down (`a.b`).
fn json_fields(v: &[u8]) -> Vec<(Vec<u8>, Option<String>)> {
    let t = v.trim_ascii();
    if t.len() > MAX_JSON || !matches!(t.first(), Some(b'{' | b'"')) {
        return Vec::new();
    }
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(t) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match &doc {
        // A quoted string with `\n` escapes reads better as "quotes kept and newlines escaped".
        serde_json::Value::String(s) if !t.windows(2).any(|w| w == b"\\n" || w == b"\\r") => {
            out.push((s.as_bytes().to_vec(), None))
        }
        serde_json::Value::Object(o) => {
            for (k, val) in o {
                match val {
                    serde_json::Value::String(s) => out.push((s.as_bytes().to_vec(), Some(k.clone()))),
                    serde_json::Value::Object(inner) => {
                        for (k2, v2) in inner {
                            if let serde_json::Value::String(s) = v2 {
                                out.push((s.as_bytes().to_vec(), Some(format!("{k}.{k2}"))));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// The inside of one pair of matching surrounding quotes, if there is one.
fn strip_quotes(v: &[u8]) -> Option<&[u8]> {
    match v {
        [q @ (b'"' | b'\'' | b'`'), inner @ .., l] if q == l => Some(inner),
        _ => None,
    }
}

/// A base64 alphabet (RFC 4648 §4 standard, §5 URL-safe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    Standard,
    UrlSafe,
}

/// Decodes base64 text with padding optional (as most libraries accept it); `None` when the text
/// is not valid base64 of that alphabet (whitespace inside included). This is the one lenient
/// base64 decoder of the crate.
pub fn decode_base64(text: &[u8], alphabet: Alphabet) -> Option<Vec<u8>> {
    let config = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let alphabet = match alphabet {
        Alphabet::Standard => &base64::alphabet::STANDARD,
        Alphabet::UrlSafe => &base64::alphabet::URL_SAFE,
    };
    GeneralPurpose::new(alphabet, config).decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_transform_applies_only_where_it_changes_something() {
        use Transform::*;
        type Case<'a> = (Transform, &'a [u8], Option<&'a [u8]>);
        let cases: &[Case] = &[
            (StripBom, "\u{feff}abc".as_bytes(), Some(b"abc")),
            (StripBom, b"abc", None),
            (StripInvisible, b"a\xe2\x80\x8bb\xff", Some(b"ab\xff")),
            (CrlfToLf, b"a\r\nb\rc", Some(b"a\nb\rc")),
            (StripCr, b"a\r\nb\rc", Some(b"a\nbc")),
            (TrimLeading, b" \tabc ", Some(b"abc ")),
            (TrimTrailing, b"abc \r\n", Some(b"abc")),
            (Trim, b" abc\n", Some(b"abc")),
            (StripQuotes, b"\"abc\"", Some(b"abc")),
            (StripQuotes, b"\"abc'", None),
            (StripQuotes, b"\"", None),
            (TrimStripQuotes, b" \"abc\"\n", Some(b"abc")),
            (TrimStripQuotes, b"`abc`", None),
            (Lowercase, b"AbC", Some(b"abc")),
            (Base64Decode, b"c2VjcmV0\n", Some(b"secret")),
            (Base64UrlDecode, b"_w", Some(b"\xff")),
            (HexDecode, b"6869", Some(b"hi")),
            (HexDecode, b"xyz", None),
            (
                JavaBase64Decode,
                b"my-secret-pass",
                Some(b"\x9b\x2b\x1e\x72\xb7\xad\xa5\xab\x2c"),
            ),
            (JavaBase64Decode, b"c2VjcmV0", None),
            (JavaBase64Decode, b"c2VjcmV0LXg=\n", None),
            (AddTrailingLf, b"abc", Some(b"abc\n")),
            (AddTrailingLf, b"abc\n", None),
            (UnescapeNewlines, b"a\\nb\\r\\n", Some(b"a\nb\r\n")),
            (UnescapeNewlines, b"ab", None),
            (TrimTrailingEscapedNewlines, b"abc\\n", Some(b"abc")),
            (TrimTrailingEscapedNewlines, b"abc\\r\\n\n", Some(b"abc")),
            (TrimTrailingEscapedNewlines, b"abc\n", None),
            (NewlinesToSpaces, b"a\nb\r\nc\n", Some(b"a b c")),
            (NewlinesToSpaces, b"abc\n", None),
            (StripNewlines, b"a\nb\r\n", Some(b"ab")),
            (ExpandEmpty, b"ab$2b$10$xyz", Some(b"ab")),
            (ExpandEmpty, b"a${B:-c}d", Some(b"ad")),
            (ExpandEmpty, b"a\\$b", None),
            (UrlDecode, b"a%2Bb%3d", Some(b"a+b=")),
            (UrlDecode, b"100%", None),
            (Base64PrefixDecode, b"base64:c2VjcmV0", Some(b"secret")),
            (HexPrefixDecode, b"0x6869", Some(b"hi")),
            (JsonField, b"{\"jwt_secret\":\"abc\"}", Some(b"abc")),
            (JsonField, b"\"abc\"", Some(b"abc")),
            (JsonField, b"abc", None),
        ];
        for (t, input, want) in cases {
            assert_eq!(t.apply(input).as_deref(), *want, "{} on {input:?}", t.name());
        }
    }

    #[test]
    fn json_fields_name_their_path() {
        let out = Transform::JsonField.outputs(br#"{"a":"x","n":{"jwt":"y"},"k":1}"#);
        let paths: Vec<Option<&str>> = out.iter().map(|(_, p)| p.as_deref()).collect();
        assert_eq!(paths, vec![Some("a"), Some("n.jwt")]);
    }

    #[test]
    fn base64_padding_is_optional_and_whitespace_is_not_skipped() {
        assert_eq!(
            decode_base64(b"c2VjcmV0LXg=", Alphabet::Standard).as_deref(),
            Some(&b"secret-x"[..])
        );
        assert_eq!(
            decode_base64(b"c2VjcmV0LXg", Alphabet::Standard).as_deref(),
            Some(&b"secret-x"[..])
        );
        assert_eq!(decode_base64(b"c2Vj cmV0", Alphabet::Standard), None);
    }
}
