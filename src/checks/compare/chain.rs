//! AD114–AD120: differences that take a store's own mangling (newlines flattened or escaped,
//! `$` segments expanded away, JSON wrapping, URL or prefixed encodings) or a chain of up to three
//! transforms to explain. A breadth-first search over [`Transform`]s applied to either side.

use super::{AD102, AD103, AD104, AD106, AD107, AD108, AD109, AD110, AD114, AD115, AD116, AD117, AD118, AD119, AD120};
use crate::findings::Code;
use crate::transform::Transform;
use rustc_hash::FxHashMap;

/// The most transforms a chain may have, over both sides together.
pub const MAX_STEPS: usize = 3;
/// Values longer than this are explained without the chain search (a secret, even a 4096-bit PEM
/// key, is a few KB; a large value makes each step's copies costly).
const MAX_SEARCH_LEN: usize = 16 * 1024;
/// The most distinct intermediate values kept per side, and their most bytes in all: the search
/// stays within a few MB whatever the input.
const MAX_STATES: usize = 20_000;
const MAX_STATE_BYTES: usize = 8 << 20;

/// The transforms the search applies. Each either *undoes* a mangling on the side that has it
/// (quotes kept, newlines written as `\n`, an encoding, a JSON wrapper) or *redoes* one on the
/// intact side (newlines flattened or stripped, `$` segments emptied); [`undoes`] tells which.
const SEARCH: [Transform; 16] = [
    Transform::StripBom,
    Transform::StripInvisible,
    Transform::CrlfToLf,
    Transform::Trim,
    Transform::TrimTrailing,
    Transform::StripQuotes,
    Transform::UnescapeNewlines,
    Transform::TrimTrailingEscapedNewlines,
    Transform::NewlinesToSpaces,
    Transform::StripNewlines,
    Transform::ExpandEmpty,
    Transform::JsonField,
    Transform::UrlDecode,
    Transform::Base64Decode,
    Transform::Base64PrefixDecode,
    Transform::HexPrefixDecode,
];

/// Whether applying `t` to a side means that side has the mangling (undo), rather than the other
/// side (redo: `t` reproduces on the intact value what happened to the other).
pub fn undoes(t: Transform) -> bool {
    !matches!(
        t,
        Transform::NewlinesToSpaces | Transform::StripNewlines | Transform::ExpandEmpty | Transform::AddTrailingLf
    )
}

/// One step of a chain: the transform, which side it was applied to (0 = a, 1 = b) and what it
/// selected (a JSON field's path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub transform: Transform,
    pub side: usize,
    pub selected: Option<String>,
}

impl Step {
    /// The side that has the mangling this step names.
    pub fn mangled_side(&self) -> usize {
        if undoes(self.transform) {
            self.side
        } else {
            1 - self.side
        }
    }
}

/// Every value reachable from `v` in at most `depth` steps, with the shortest chain to it (the
/// first found in [`SEARCH`] order on a tie).
fn reach(v: &[u8], side: usize, depth: usize) -> FxHashMap<Vec<u8>, Vec<Step>> {
    let mut seen: FxHashMap<Vec<u8>, Vec<Step>> = FxHashMap::default();
    seen.insert(v.to_vec(), Vec::new());
    let mut frontier: Vec<Vec<u8>> = vec![v.to_vec()];
    let mut bytes = v.len();
    for _ in 0..depth {
        let mut next = Vec::new();
        for cur in &frontier {
            let chain = seen.get(cur).cloned().unwrap_or_default();
            for t in SEARCH {
                for (out, selected) in t.outputs(cur) {
                    if seen.len() >= MAX_STATES
                        || bytes + out.len() > MAX_STATE_BYTES
                        || out.is_empty()
                        || seen.contains_key(&out)
                    {
                        continue;
                    }
                    bytes += out.len() * 2;
                    let mut c = chain.clone();
                    c.push(Step {
                        transform: t,
                        side,
                        selected,
                    });
                    seen.insert(out.clone(), c);
                    next.push(out);
                }
            }
        }
        frontier = next;
    }
    seen
}

/// The shortest chain (≤ [`MAX_STEPS`]) of transforms on either side that makes `a` and `b`
/// equal, the steps of side a first. On a tie, the chain that puts the mangling on the side
/// held by fewer sources (`weights`: how many sources hold a and b) wins, then [`SEARCH`] order.
pub fn search(a: &[u8], b: &[u8], weights: (usize, usize)) -> Option<Vec<Step>> {
    if a.len() > MAX_SEARCH_LEN || b.len() > MAX_SEARCH_LEN || a == b {
        return None;
    }
    let ra = reach(a, 0, MAX_STEPS);
    let rb = reach(b, 1, MAX_STEPS);
    let minority = match weights.0.cmp(&weights.1) {
        std::cmp::Ordering::Less => Some(0),
        std::cmp::Ordering::Greater => Some(1),
        std::cmp::Ordering::Equal => None,
    };
    let mut best: Option<(usize, usize, Vec<Step>)> = None;
    for (value, ca) in &ra {
        let Some(cb) = rb.get(value) else { continue };
        let len = ca.len() + cb.len();
        if len == 0 || len > MAX_STEPS {
            continue;
        }
        let chain: Vec<Step> = ca.iter().chain(cb).cloned().collect();
        // Steps that blame the majority count against a chain.
        let blame = chain
            .iter()
            .filter(|s| minority.is_some_and(|m| s.mangled_side() != m))
            .count();
        let better = match &best {
            None => true,
            Some((bl, bb, bc)) => (len, blame, order_key(&chain)) < (*bl, *bb, order_key(bc)),
        };
        if better {
            best = Some((len, blame, chain));
        }
    }
    best.map(|(_, _, c)| c)
}

/// A deterministic tie-break: the chain's transforms by their [`SEARCH`] position, then sides.
fn order_key(chain: &[Step]) -> Vec<(usize, usize)> {
    chain
        .iter()
        .map(|s| (SEARCH.iter().position(|t| *t == s.transform).unwrap_or(99), s.side))
        .collect()
}

/// The code that names a one-step chain; a longer chain is AD120.
pub fn code_of(chain: &[Step]) -> &'static Code {
    match chain {
        [one] => match one.transform {
            Transform::NewlinesToSpaces => &AD114,
            Transform::UnescapeNewlines | Transform::TrimTrailingEscapedNewlines => &AD115,
            Transform::StripNewlines => &AD116,
            Transform::ExpandEmpty => &AD117,
            Transform::JsonField => &AD118,
            Transform::UrlDecode => &AD119,
            Transform::Base64Decode
            | Transform::Base64UrlDecode
            | Transform::HexDecode
            | Transform::JavaBase64Decode
            | Transform::Base64PrefixDecode
            | Transform::HexPrefixDecode => &AD104,
            Transform::StripQuotes | Transform::TrimStripQuotes => &AD103,
            Transform::StripBom => &AD106,
            Transform::StripInvisible => &AD107,
            Transform::CrlfToLf | Transform::StripCr => &AD110,
            Transform::TrimLeading => &AD109,
            Transform::Lowercase => &AD108,
            Transform::Trim | Transform::TrimTrailing | Transform::AddTrailingLf => &AD102,
        },
        _ => &AD120,
    }
}

/// The mangling a step names, said of the side that has it ("each newline written as `\n`").
pub fn mangling(step: &Step) -> String {
    match step.transform {
        Transform::StripBom => "a BOM (EF BB BF) at byte 0".into(),
        Transform::StripInvisible => "invisible characters".into(),
        Transform::CrlfToLf | Transform::StripCr => "CR LF line endings".into(),
        Transform::Trim => "surrounding whitespace".into(),
        Transform::TrimLeading => "leading whitespace".into(),
        Transform::TrimTrailing => "trailing whitespace".into(),
        Transform::StripQuotes | Transform::TrimStripQuotes => "surrounding quotes kept".into(),
        Transform::UnescapeNewlines => "each newline written as the two characters `\\n`".into(),
        Transform::TrimTrailingEscapedNewlines => "a trailing newline written as the two characters `\\n`".into(),
        Transform::NewlinesToSpaces => "each newline replaced by a space".into(),
        Transform::StripNewlines => "its newlines removed".into(),
        Transform::ExpandEmpty => "its `$NAME` segments emptied by variable expansion".into(),
        Transform::JsonField => match &step.selected {
            Some(path) => format!("the value wrapped in a JSON object (field `{path}`)"),
            None => "the value wrapped in a JSON string".into(),
        },
        Transform::UrlDecode => "URL-encoding (`%XX` escapes)".into(),
        Transform::Base64Decode => "base64 encoding".into(),
        Transform::Base64UrlDecode => "base64url encoding".into(),
        Transform::HexDecode => "hex encoding".into(),
        Transform::JavaBase64Decode => "lenient base64 encoding".into(),
        Transform::Base64PrefixDecode => "`base64:` + base64 encoding (Laravel's key form)".into(),
        Transform::HexPrefixDecode => "`0x` + hex encoding".into(),
        Transform::Lowercase => "different letter case".into(),
        Transform::AddTrailingLf => "a trailing LF".into(),
    }
}

/// The headline for a chain between sides named `names` ("backend = frontend with surrounding
/// quotes kept and each newline written as `\n`"), in the order the steps undo the mangling.
pub fn message(chain: &[Step], names: [&str; 2]) -> String {
    let mut by_side: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for s in chain {
        let m = mangling(s);
        if !by_side[s.mangled_side()].contains(&m) {
            by_side[s.mangled_side()].push(m);
        }
    }
    let join = |v: &[String]| match v {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    match (&by_side[0][..], &by_side[1][..]) {
        (m, []) => format!("{} = {} with {}", names[0], names[1], join(m)),
        ([], m) => format!("{} = {} with {}", names[1], names[0], join(m)),
        (ma, mb) => format!(
            "{} has {} and {} has {}; undone, they are equal",
            names[0],
            join(ma),
            names[1],
            join(mb)
        ),
    }
}

/// The next step for a chain: what to fix, on the side that has the mangling.
pub fn hint(chain: &[Step], names: [&str; 2]) -> String {
    let side = chain.first().map(Step::mangled_side).unwrap_or(0);
    let who = names[side];
    let other = names[1 - side];
    match chain {
        [one] => match one.transform {
            Transform::NewlinesToSpaces => format!(
                "Store {who}'s multi-line value from a file so its newlines survive (`aws ssm put-parameter --value file://key.pem`, `op document create`), or keep both sides single-line (`\\n` escapes read by one loader)."
            ),
            Transform::TrimTrailingEscapedNewlines => format!(
                "Remove the trailing `\\n` (a backslash and an n, two characters) from {who}'s value: a tool wrote the newline `echo` adds as text."
            ),
            Transform::UnescapeNewlines => format!(
                "{who} holds `\\n` as two characters: store the real newlines there (from a file), or have the program reading {who} turn `\\n` into newlines (`.replace(/\\\\n/g, \"\\n\")`)."
            ),
            Transform::StripNewlines => format!("Store {who}'s value from a file so its newlines are kept."),
            Transform::ExpandEmpty => format!(
                "A loader expanded `$…` in {who}'s value to nothing: write each `$` as `\\$` in the .env file (Next.js expands inside quotes too), or use a secret without `$` (`openssl rand -hex 32`)."
            ),
            Transform::JsonField => match &one.selected {
                Some(path) => format!(
                    "{who} is a JSON document: select the field with `#{path}` (e.g. `secretsmanager:ID#{path}`), and make the program read that field, not the whole secret string."
                ),
                None => format!("{who} is a JSON string: decode it (strip the quotes and escapes) before use."),
            },
            Transform::UrlDecode => format!(
                "{who} is URL-encoded: store the decoded value, or decode it where it is read (this often comes from pasting into a URL or a form)."
            ),
            _ => format!("Make {who} hold the same bytes as {other}."),
        },
        _ => {
            let mut fixes: Vec<String> = Vec::new();
            for s in chain {
                let m = mangling(s);
                if !fixes.contains(&m) {
                    fixes.push(m);
                }
            }
            format!(
                "Set {who}'s value again without {}: a value set from a file (`printf %s`, `--from-file`, `file://`) rather than pasted into a quoted line usually avoids all of them.",
                fixes.join(" and without ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &[u8] = b"7nzzo8vskFWWUrFT2gWq9FhYJmJexXnETFvrzYOtihYXWHW5Ns2VgI6N8lYDxpk0";

    fn names(chain: &[Step]) -> Vec<&'static str> {
        chain.iter().map(|s| s.transform.name()).collect()
    }

    #[test]
    fn pem_with_quotes_kept_and_escaped_newlines() {
        let pem = b"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
        let docker = b"\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\nBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n\"";
        let chain = search(docker, pem, (1, 1)).expect("a chain");
        assert_eq!(names(&chain), vec!["strip_quotes", "unescape_newlines"]);
        assert_eq!(code_of(&chain).id, "AD120");
        assert_eq!(
            message(&chain, ["backend", "frontend"]),
            "backend = frontend with surrounding quotes kept and each newline written as the two characters `\\n`"
        );
    }

    #[test]
    fn single_manglings_have_their_codes() {
        let pem = b"-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----";
        let spaces = b"-----BEGIN KEY----- AAAA BBBB -----END KEY-----";
        let c = search(spaces, pem, (1, 1)).expect("spaces");
        assert_eq!((code_of(&c).id, c[0].mangled_side()), ("AD114", 0));
        let stripped = b"-----BEGIN KEY-----AAAABBBB-----END KEY-----";
        assert_eq!(code_of(&search(pem, stripped, (1, 1)).expect("stripped")).id, "AD116");
        let c = search(b"ab$2b$10$N9qo8uLOickgx2ZMRZoMye", b"ab", (1, 1)).expect("expansion");
        assert_eq!((code_of(&c).id, c[0].mangled_side()), ("AD117", 1));
        let json = [b"{\"jwt_secret\":\"", S, b"\"}"].concat();
        let c = search(&json, S, (1, 1)).expect("json");
        assert_eq!(
            (code_of(&c).id, c[0].selected.as_deref()),
            ("AD118", Some("jwt_secret"))
        );
        assert_eq!(
            code_of(&search(b"ab%2Bc%3D", b"ab+c=", (1, 1)).expect("url")).id,
            "AD119"
        );
        assert_eq!(
            code_of(&search(b"base64:c2VjcmV0", b"secret", (1, 1)).expect("laravel")).id,
            "AD104"
        );
        assert_eq!(
            code_of(&search(b"0x736563726574", b"secret", (1, 1)).expect("0x")).id,
            "AD104"
        );
        let escaped = [S, b"\\n"].concat();
        let c = search(S, &escaped, (2, 1)).expect("escaped newline");
        assert_eq!((code_of(&c).id, c[0].mangled_side()), ("AD115", 1));
    }

    #[test]
    fn unrelated_values_have_no_chain() {
        assert!(search(S, b"another-secret-entirely-0123456789", (1, 1)).is_none());
    }
}
