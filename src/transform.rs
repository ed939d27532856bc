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
    /// Trailing whitespace removed, then one pair of surrounding quotes (the `fly-runtime` script's
    /// "unquoted" form: `"abc"\n` → `abc`).
    TrimTrailingStripQuotes,
    /// ASCII letters to lower case (a comparison that ignores case).
    Lowercase,
    /// The surrounding whitespace removed, then decoded as standard base64 (RFC 4648 §4; padding
    /// optional, no whitespace inside).
    Base64Decode,
    /// The same with the URL-safe alphabet (RFC 4648 §5).
    Base64UrlDecode,
    /// The surrounding whitespace removed, then decoded as hex (either case, even length).
    HexDecode,
    /// The surrounding whitespace removed and one LF added: what a signer that read the value with
    /// `echo`'s newline used.
    AddTrailingLf,
}

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
            Transform::TrimTrailingStripQuotes => "trim_trailing_strip_quotes",
            Transform::Lowercase => "lowercase",
            Transform::Base64Decode => "base64_decode",
            Transform::Base64UrlDecode => "base64url_decode",
            Transform::HexDecode => "hex_decode",
            Transform::AddTrailingLf => "add_trailing_lf",
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
            Transform::TrimTrailingStripQuotes => strip_quotes(v.trim_ascii_end())?.to_vec(),
            Transform::Lowercase => v.to_ascii_lowercase(),
            Transform::Base64Decode => decode_base64(v.trim_ascii(), Alphabet::Standard)?,
            Transform::Base64UrlDecode => decode_base64(v.trim_ascii(), Alphabet::UrlSafe)?,
            Transform::HexDecode => hex::decode(v.trim_ascii()).ok()?,
            Transform::AddTrailingLf => [v.trim_ascii(), b"\n"].concat(),
        };
        (out != v).then_some(out)
    }
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
            (TrimTrailingStripQuotes, b"\"abc\"\n", Some(b"abc")),
            (Lowercase, b"AbC", Some(b"abc")),
            (Base64Decode, b"c2VjcmV0\n", Some(b"secret")),
            (Base64UrlDecode, b"_w", Some(b"\xff")),
            (HexDecode, b"6869", Some(b"hi")),
            (HexDecode, b"xyz", None),
            (AddTrailingLf, b"abc", Some(b"abc\n")),
            (AddTrailingLf, b"abc\n", None),
        ];
        for (t, input, want) in cases {
            assert_eq!(t.apply(input).as_deref(), *want, "{} on {input:?}", t.name());
        }
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
