//! Pairwise comparison: group equal values, then find the smallest explanation for each difference.

use super::{AD100, AD101, AD102, AD103, AD104, AD105, AD106, AD107, AD108, AD109, AD110, AD111};
use crate::findings::Code;
use crate::findings::Finding;
use crate::secret::{describe_at, describe_run, is_invisible, sha256_hex};
use crate::source::{Fingerprints, Variant, Yield};
use crate::transform::Transform as Step;
use base64::Engine as _;

/// One source as compare sees it.
pub struct Member<'a> {
    pub name: &'a str,
    pub item: &'a Yield,
}

#[derive(Debug)]
pub struct Comparison {
    /// Indexes into the members, one group per distinct value, in first-seen order.
    pub groups: Vec<Vec<usize>>,
    pub findings: Vec<Finding>,
    /// For `--reveal`: pairs of (member a, member b, first differing byte) to mark in the hex dump.
    pub first_difference: Vec<(usize, usize, usize)>,
}

/// The identity a member is grouped by: equal identities are equal values.
fn identity(item: &Yield) -> String {
    match item {
        Yield::Value(s) => format!("sha256:{}", sha256_hex(s.expose())),
        Yield::Fingerprints(f) => format!("sha256:{}", f.sha256),
        Yield::Digest(d) => format!("digest:{}:{}", d.scope, d.digest),
    }
}

pub fn compare(members: &[Member]) -> Comparison {
    let ids: Vec<String> = members.iter().map(|m| identity(m.item)).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match groups.iter_mut().find(|g| ids[g[0]] == *id) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    let names = |g: &[usize]| g.iter().map(|&i| members[i].name.to_string()).collect::<Vec<_>>();
    let mut findings = Vec::new();
    let mut first_difference = Vec::new();
    if groups.len() == 1 {
        let all = names(&groups[0]);
        findings.push(
            Finding::new(
                &AD100,
                format!(
                    "all {} sources hold the same {} ",
                    all.len(),
                    describe_len(members[0].item)
                )
                .trim_end()
                .to_string(),
            )
            .sources(all),
        );
        return Comparison {
            groups,
            findings,
            first_difference,
        };
    }
    let digest_groups: Vec<usize> = (0..groups.len())
        .filter(|&g| matches!(members[groups[g][0]].item, Yield::Digest(_)))
        .collect();
    let scopes: std::collections::BTreeSet<&str> = digest_groups
        .iter()
        .filter_map(|&g| match members[groups[g][0]].item {
            Yield::Digest(d) => Some(d.scope.as_str()),
            _ => None,
        })
        .collect();
    if !digest_groups.is_empty() && (digest_groups.len() < groups.len() || scopes.len() > 1) {
        let ds: Vec<String> = digest_groups.iter().flat_map(|&g| names(&groups[g])).collect();
        findings.push(
            Finding::new(
                &AD111,
                format!(
                    "{} yields a store-side digest: it is compared only with digests of the same app, never with a value",
                    ds.join(", ")
                ),
            )
            .sources(ds),
        );
    }
    // Two values: one pair. More: each value against the one most sources hold (the first such on a
    // tie), so five variants give four lines rather than ten.
    let reference = (0..groups.len())
        .max_by_key(|&g| (groups[g].len(), std::cmp::Reverse(g)))
        .unwrap_or(0);
    let pairs: Vec<(usize, usize)> = (0..groups.len())
        .filter(|&g| g != reference)
        .map(|g| if g < reference { (g, reference) } else { (reference, g) })
        .collect();
    for (x, y) in pairs {
        {
            let (ia, ib) = (groups[x][0], groups[y][0]);
            let (a, b) = (&members[ia], &members[ib]);
            let (na, nb) = (group_name(&names(&groups[x])), group_name(&names(&groups[y])));
            let found = match (a.item, b.item) {
                (Yield::Value(va), Yield::Value(vb)) => {
                    let e = explain_bytes(va.expose(), vb.expose(), &na, &nb);
                    if let Some(off) = e.first_difference {
                        first_difference.push((ia, ib, off));
                    }
                    Some((e.code, e.message))
                }
                (Yield::Value(v), Yield::Fingerprints(f)) => {
                    Some(explain_fingerprints(&Fingerprints::of(v.expose()), f, &na, &nb))
                }
                (Yield::Fingerprints(f), Yield::Value(v)) => {
                    Some(explain_fingerprints(f, &Fingerprints::of(v.expose()), &na, &nb))
                }
                (Yield::Fingerprints(f), Yield::Fingerprints(g)) => Some(explain_fingerprints(f, g, &na, &nb)),
                (Yield::Digest(da), Yield::Digest(db)) if da.scope == db.scope => Some((
                    &AD101,
                    format!(
                        "{na} and {nb} have different store digests in {}: the stored values differ",
                        da.scope
                    ),
                )),
                _ => None,
            };
            if let Some((code, message)) = found {
                let mut srcs = names(&groups[x]);
                srcs.extend(names(&groups[y]));
                findings.push(Finding::new(code, message).sources(srcs));
            }
        }
    }
    Comparison {
        groups,
        findings,
        first_difference,
    }
}

fn describe_len(item: &Yield) -> String {
    match item {
        Yield::Value(s) => format!("{}-byte value", s.len()),
        Yield::Fingerprints(f) => format!("{}-byte value", f.length),
        Yield::Digest(_) => "digest".to_string(),
    }
}

pub struct Explanation {
    pub code: &'static Code,
    pub message: String,
    pub first_difference: Option<usize>,
}

/// The normalisations tried, in pipeline order.
const STEPS: [Step; 7] = [
    Step::StripBom,
    Step::StripInvisible,
    Step::CrlfToLf,
    Step::TrimLeading,
    Step::TrimTrailing,
    Step::StripQuotes,
    Step::Lowercase,
];
/// Which code names a combined explanation: the first of these among the steps used.
const PRECEDENCE: [Step; 7] = [
    Step::Lowercase,
    Step::StripQuotes,
    Step::StripBom,
    Step::StripInvisible,
    Step::CrlfToLf,
    Step::TrimLeading,
    Step::TrimTrailing,
];

/// The code that names a difference explained by `step`.
fn code_of(step: Step) -> &'static Code {
    match step {
        Step::TrimTrailing | Step::Trim | Step::AddTrailingLf => &AD102,
        Step::StripQuotes | Step::TrimTrailingStripQuotes => &AD103,
        Step::StripBom => &AD106,
        Step::StripInvisible => &AD107,
        Step::Lowercase => &AD108,
        Step::TrimLeading => &AD109,
        Step::CrlfToLf | Step::StripCr => &AD110,
        Step::Base64Decode | Step::Base64UrlDecode | Step::HexDecode => &AD104,
    }
}

/// What `step` removed from `before` (which became `after`), for the message.
fn describe(step: Step, before: &[u8], after: &[u8]) -> String {
    match step {
        Step::StripBom => "a BOM (EF BB BF) at byte 0".to_string(),
        Step::StripInvisible => {
            let found: Vec<String> = crate::secret::special_positions(before)
                .into_iter()
                .filter(|(off, _)| crate::secret::decode_char_at(before, *off).is_some_and(is_invisible))
                .map(|(off, d)| format!("{d} at byte {off}"))
                .collect();
            let n = found.len();
            let shown: Vec<String> = found.into_iter().take(3).collect();
            format!(
                "{n} invisible character{} ({})",
                if n == 1 { "" } else { "s" },
                shown.join(", ")
            )
        }
        Step::CrlfToLf | Step::StripCr => format!("CR LF line endings ({} CR bytes)", before.len() - after.len()),
        Step::TrimLeading => format!("leading {}", describe_run(&before[..before.len() - after.len()])),
        Step::TrimTrailing => {
            let tail = &before[after.len()..];
            format!("a trailing {} at byte {}", describe_run(tail), after.len())
        }
        Step::StripQuotes | Step::TrimTrailingStripQuotes => {
            let kind = match before.first() {
                Some(b'"') => "double quotes",
                Some(b'\'') => "single quotes",
                _ => "backquotes",
            };
            format!("surrounding {kind}")
        }
        Step::Lowercase => {
            let n = before.iter().zip(after).filter(|(x, y)| x != y).count();
            format!("{n} upper-case letter{}", if n == 1 { "" } else { "s" })
        }
        Step::Trim => format!("surrounding {}", describe_run(&before[..before.len() - after.len()])),
        Step::Base64Decode => "base64 encoding".to_string(),
        Step::Base64UrlDecode => "base64url encoding".to_string(),
        Step::HexDecode => "hex encoding".to_string(),
        Step::AddTrailingLf => "a missing trailing LF".to_string(),
    }
}

/// Apply the steps in `mask` (bit i = STEPS[i]) in pipeline order; trimming runs again after quote
/// removal so `"abc"\n` and `"abc\n"` both normalise. Returns the result and what each step removed.
fn normalise(v: &[u8], mask: u8) -> (Vec<u8>, Vec<(Step, String)>) {
    let mut cur = v.to_vec();
    let mut removed = Vec::new();
    let run = |step: Step, cur: &mut Vec<u8>, removed: &mut Vec<(Step, String)>| {
        if let Some(next) = step.apply(cur) {
            removed.push((step, describe(step, cur, &next)));
            *cur = next;
        }
    };
    for (i, step) in STEPS.iter().enumerate() {
        if mask & (1 << i) != 0 {
            run(*step, &mut cur, &mut removed);
        }
    }
    if mask & (1 << 5) != 0 {
        for (i, step) in [(3, Step::TrimLeading), (4, Step::TrimTrailing)] {
            if mask & (1 << i) != 0 {
                run(step, &mut cur, &mut removed);
            }
        }
    }
    (cur, removed)
}

pub fn explain_bytes(a: &[u8], b: &[u8], na: &str, nb: &str) -> Explanation {
    // Smallest set of normalisations that makes the values equal.
    let mut masks: Vec<u8> = (1..(1u8 << STEPS.len())).collect();
    masks.sort_by_key(|m| (m.count_ones(), *m));
    for mask in masks {
        let (ra, da) = normalise(a, mask);
        let (rb, db) = normalise(b, mask);
        if ra == rb {
            return transform_explanation(&da, &db, na, nb, a, b);
        }
    }
    if let Some(e) = encoding(a, b, na, nb) {
        return e;
    }
    if let Some(e) = prefix(a, b, na, nb) {
        return e;
    }
    let common_prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let common_suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
        .min(a.len().min(b.len()) - common_prefix);
    let mut message = format!(
        "{na} ({} bytes) and {nb} ({} bytes) are different values: first difference at byte {common_prefix}, common prefix {common_prefix} bytes, common suffix {common_suffix} bytes",
        a.len(),
        b.len()
    );
    if a.len() == b.len() {
        let n = a.iter().zip(b).filter(|(x, y)| x != y).count();
        message.push_str(&format!(", {n} of {} bytes differ", a.len()));
    }
    Explanation {
        code: &AD101,
        message,
        first_difference: Some(common_prefix),
    }
}

fn transform_explanation(
    da: &[(Step, String)],
    db: &[(Step, String)],
    na: &str,
    nb: &str,
    a: &[u8],
    b: &[u8],
) -> Explanation {
    let steps: Vec<Step> = da.iter().chain(db).map(|(s, _)| *s).collect();
    let code = PRECEDENCE
        .iter()
        .find(|s| steps.contains(s))
        .map(|s| code_of(*s))
        .unwrap_or(&AD101);
    // Case is folded on both sides, so it is said once rather than as "letters removed".
    let parts = |d: &[(Step, String)]| {
        d.iter()
            .filter(|(s, _)| *s != Step::Lowercase)
            .map(|(_, t)| t.clone())
            .collect::<Vec<_>>()
    };
    let (pa, pb) = (parts(da), parts(db));
    let message = if steps.contains(&Step::Lowercase) {
        let first = a
            .iter()
            .zip(b)
            .position(|(x, y)| x != y && x.eq_ignore_ascii_case(y))
            .unwrap_or(0);
        let mut m = format!("{na} and {nb} are equal ignoring letter case; first case difference at byte {first}");
        let removed: Vec<String> = [(pa, na), (pb, nb)]
            .into_iter()
            .filter(|(p, _)| !p.is_empty())
            .map(|(p, n)| format!("{} from {n}", join_and(&p)))
            .collect();
        if !removed.is_empty() {
            m.push_str(&format!(", after removing {}", removed.join(" and ")));
        }
        m
    } else if pb.is_empty() {
        format!("{na} has {}; without it, equal to {nb}", join_and(&pa))
    } else if pa.is_empty() {
        format!("{nb} has {}; without it, equal to {na}", join_and(&pb))
    } else {
        format!(
            "equal after removing {} from {na} and {} from {nb}",
            join_and(&pa),
            join_and(&pb)
        )
    };
    let first = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    Explanation {
        code,
        message,
        first_difference: Some(first),
    }
}

/// A group in a message: `a`, `a and b`, or `a and 3 others` (the groups line lists them all).
fn group_name(names: &[String]) -> String {
    match names {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [first, rest @ ..] => format!("{first} and {} others", rest.len()),
        [] => String::new(),
    }
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// AD104: one side is the base64, base64url or hex text of the other's bytes.
fn encoding(a: &[u8], b: &[u8], na: &str, nb: &str) -> Option<Explanation> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let std = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
    let url = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
    for (enc, plain, ne, np) in [(a, b, na, nb), (b, a, nb, na)] {
        // base64 tools wrap at 76 columns and end with a newline.
        let text: Vec<u8> = enc.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
        if text.len() < 2 {
            continue;
        }
        let candidates: [(&str, Option<Vec<u8>>); 3] = [
            ("base64", std.decode(&text).ok()),
            ("base64url", url.decode(&text).ok()),
            ("hex", hex::decode(&text).ok()),
        ];
        for (name, decoded) in candidates {
            let Some(d) = decoded else { continue };
            if d == plain || (!d.is_empty() && d == plain.trim_ascii_end()) {
                let extra = if d == plain {
                    ""
                } else {
                    " (after removing its trailing whitespace)"
                };
                return Some(Explanation {
                    code: &AD104,
                    message: format!(
                        "{ne} is the {name} encoding of {np}{extra}: {} characters decode to {np}'s {} bytes; one side decodes the secret and the other uses the text",
                        enc.len(),
                        d.len()
                    ),
                    first_difference: None,
                });
            }
        }
    }
    None
}

/// AD105: one value is a prefix of the other.
fn prefix(a: &[u8], b: &[u8], na: &str, nb: &str) -> Option<Explanation> {
    let (short, long, ns, nl) = if a.len() < b.len() {
        (a, b, na, nb)
    } else {
        (b, a, nb, na)
    };
    if short.is_empty() || !long.starts_with(short) {
        return None;
    }
    let next = match long[short.len()] {
        b'#' => "a '#' (an inline-comment cut?)".to_string(),
        b'$' => "a '$' (variable expansion?)".to_string(),
        b' ' => "a SPACE".to_string(),
        _ => describe_at(long, short.len()),
    };
    Some(Explanation {
        code: &AD105,
        message: format!(
            "{ns} is truncated: its {} bytes are the first {} of {nl}'s {} bytes; the longer value continues with {next} at byte {}",
            short.len(),
            short.len(),
            long.len(),
            short.len()
        ),
        first_difference: Some(short.len()),
    })
}

fn explain_fingerprints(a: &Fingerprints, b: &Fingerprints, na: &str, nb: &str) -> (&'static Code, String) {
    let code_of = |v: Variant| match v {
        Variant::TrimTrailing => &AD102,
        Variant::StripQuotes => &AD103,
        Variant::StripCr => &AD110,
    };
    for v in Variant::ALL {
        if a.variants[&v].1 == b.sha256 && a.sha256 != b.sha256 {
            return (
                code_of(v),
                format!(
                    "{na} equals {nb} after {} from {na} (compared by fingerprint)",
                    v.describe()
                ),
            );
        }
        if b.variants[&v].1 == a.sha256 {
            return (
                code_of(v),
                format!(
                    "{nb} equals {na} after {} from {nb} (compared by fingerprint)",
                    v.describe()
                ),
            );
        }
    }
    for v in Variant::ALL {
        if a.variants[&v].1 == b.variants[&v].1 {
            return (
                code_of(v),
                format!(
                    "{na} and {nb} are equal after {} from both (compared by fingerprint)",
                    v.describe()
                ),
            );
        }
    }
    (
        &AD101,
        format!(
            "{na} ({} bytes) and {nb} ({} bytes) are different values (compared by fingerprint: no byte offsets without the values)",
            a.length, b.length
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(a: &[u8], b: &[u8]) -> Explanation {
        explain_bytes(a, b, "A", "B")
    }

    const S: &[u8] = b"7nzzo8vskFWWUrFT2gWq9FhYJmJexXnETFvrzYOtihYXWHW5Ns2VgI6N8lYDxpk0";

    fn with(pre: &[u8], post: &[u8]) -> Vec<u8> {
        [pre, S, post].concat()
    }

    #[test]
    fn trailing_newline_names_the_side() {
        let e = ex(S, &with(b"", b"\n"));
        assert_eq!(e.code, "AD102");
        assert_eq!(e.message, "B has a trailing LF at byte 64; without it, equal to A");
        assert_eq!(ex(&with(b"", b"\r\n"), S).code, "AD102");
        assert_eq!(
            ex(&with(b"", b"  "), S).message,
            "A has a trailing SPACE SPACE at byte 64; without it, equal to B"
        );
    }

    #[test]
    fn each_transform_has_its_code() {
        assert_eq!(ex(&with(b"\"", b"\""), S).code, "AD103");
        assert_eq!(ex(&with(b"'", b"'\n"), S).code, "AD103");
        assert_eq!(ex(&with("\u{feff}".as_bytes(), b""), S).code, "AD106");
        assert_eq!(ex(&with(b"", "\u{200b}".as_bytes()), S).code, "AD107");
        assert_eq!(ex(&S.to_ascii_uppercase(), S).code, "AD108");
        assert_eq!(ex(&with(b"  ", b""), S).code, "AD109");
        assert_eq!(ex(b"line1\r\nline2", b"line1\nline2").code, "AD110");
    }

    #[test]
    fn encodings() {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        let raw = [0xfbu8, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80];
        let e = ex(STANDARD.encode(raw).as_bytes(), &raw);
        assert_eq!(e.code, "AD104");
        assert!(e.message.contains("base64 encoding"), "{}", e.message);
        let e = ex(&raw, URL_SAFE_NO_PAD.encode(raw).as_bytes());
        assert!(
            e.message.starts_with("B is the base64url encoding of A"),
            "{}",
            e.message
        );
        let e = ex(format!("{}\n", hex::encode(S)).as_bytes(), S);
        assert!(e.message.contains("hex encoding"), "{}", e.message);
    }

    #[test]
    fn truncation_and_unrelated() {
        let e = ex(&S[..40], S);
        assert_eq!(e.code, "AD105");
        assert!(e.message.contains("first 40 of B's 64 bytes"), "{}", e.message);
        let e = ex(b"abcdefgh-1234-xyz", b"abcdefgh-9999-xyz");
        assert_eq!(e.code, "AD101");
        assert!(e.message.contains("first difference at byte 9"), "{}", e.message);
        assert!(e.message.contains("common suffix 4 bytes"), "{}", e.message);
        assert!(e.message.contains("4 of 17 bytes differ"), "{}", e.message);
    }

    #[test]
    fn no_explanation_leaks_the_value() {
        let cases: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (S.to_vec(), with(b"", b"\n")),
            (with(b"\"", b"\""), S.to_vec()),
            (S[..30].to_vec(), S.to_vec()),
            (S.to_ascii_uppercase(), S.to_vec()),
            (b"totally-different-value-0123456789".to_vec(), S.to_vec()),
        ];
        for (a, b) in cases {
            let m = ex(&a, &b).message;
            for w in S.windows(6) {
                assert!(!m.as_bytes().windows(6).any(|x| x.eq_ignore_ascii_case(w)), "{m}");
            }
        }
    }

    #[test]
    fn fingerprints_explain_against_values() {
        let local = Fingerprints::of(S);
        let remote = Fingerprints::of(&with(b"", b"\n"));
        let (code, msg) = explain_fingerprints(&local, &remote, "local", "remote");
        assert_eq!(code, "AD102");
        assert!(
            msg.starts_with("remote equals local after removing trailing whitespace"),
            "{msg}"
        );
        let (code, _) = explain_fingerprints(&Fingerprints::of(&with(b"\"", b"\"")), &local, "a", "b");
        assert_eq!(code, "AD103");
        let (code, _) = explain_fingerprints(&Fingerprints::of(b"x"), &local, "a", "b");
        assert_eq!(code, "AD101");
    }

    #[test]
    fn digests_never_compare_with_values() {
        use crate::secret::Secret;
        use crate::source::Digest;
        let v = Yield::Value(Secret::new(S.to_vec()));
        let d1 = Yield::Digest(Digest {
            scope: "fly:app".into(),
            digest: "abc123".into(),
            status: None,
        });
        let d2 = Yield::Digest(Digest {
            scope: "fly:app".into(),
            digest: "abc123".into(),
            status: Some("Deployed".into()),
        });
        let members = [
            Member {
                name: "local",
                item: &v,
            },
            Member { name: "fly", item: &d1 },
            Member {
                name: "fly2",
                item: &d2,
            },
        ];
        let c = compare(&members);
        assert_eq!(c.groups, vec![vec![0], vec![1, 2]]);
        let codes: Vec<&str> = c.findings.iter().map(|f| f.code.id).collect();
        assert_eq!(
            codes,
            vec!["AD111"],
            "no equality or difference claimed between a digest and a value"
        );
    }
}
