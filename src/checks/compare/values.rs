//! Pairwise comparison: group equal values, then find the smallest explanation for each difference.

use super::chain;
use super::{AD100, AD101, AD104, AD105, AD111, AD120};
use crate::findings::Code;
use crate::findings::Finding;
use crate::secret::{describe_at, describe_run, is_invisible};
use crate::source::{FINGERPRINT_FORMS, Fingerprints, Yield};
use crate::transform::Transform as Step;
use base64::Engine as _;

/// One source as compare sees it.
pub struct Member<'a> {
    pub name: &'a str,
    pub item: &'a Yield,
    /// The source's scheme (`env`, `file`, `fly`, `ssm` …), for store-specific advice.
    pub scheme: &'a str,
}

#[derive(Debug)]
pub struct Comparison {
    /// Indexes into the members, one group per distinct comparable value: members ordered by
    /// name within a group, groups by size (largest first) then name, so the grouping does not
    /// depend on the order the sources were given in. Digests join only when no value is there
    /// (a digest is never compared with a value).
    pub groups: Vec<Vec<usize>>,
    pub findings: Vec<Finding>,
    /// For `--reveal`: pairs of (member a, member b, first differing byte) to mark in the hex dump.
    pub first_difference: Vec<(usize, usize, usize)>,
}

/// The identity a member is grouped by: equal identities are equal values.
fn identity(item: &Yield) -> String {
    match item {
        Yield::Value(s) => format!("sha256:{}", crate::secret::digest(s.expose())),
        Yield::Fingerprints(f) => format!("sha256:{}", f.sha256),
        Yield::Digest(d) => format!("digest:{}:{}", d.scope, d.digest),
    }
}

/// Above this many distinct values every value is explained against the most common one only,
/// rather than every pair being tried.
const MAX_PAIRWISE: usize = 12;

pub fn compare(members: &[Member]) -> Comparison {
    let ids: Vec<String> = members.iter().map(|m| identity(m.item)).collect();
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&i, &j| members[i].name.cmp(members[j].name).then(i.cmp(&j)));
    let mut all_groups: Vec<Vec<usize>> = Vec::new();
    for &i in &order {
        match all_groups.iter_mut().find(|g| ids[g[0]] == ids[i]) {
            Some(g) => g.push(i),
            None => all_groups.push(vec![i]),
        }
    }
    all_groups.sort_by(|x, y| y.len().cmp(&x.len()).then(members[x[0]].name.cmp(members[y[0]].name)));
    let is_digest = |g: &Vec<usize>| matches!(members[g[0]].item, Yield::Digest(_));
    let (digest_groups, value_groups): (Vec<Vec<usize>>, Vec<Vec<usize>>) = all_groups.into_iter().partition(is_digest);
    let names = |g: &[usize]| g.iter().map(|&i| members[i].name.to_string()).collect::<Vec<_>>();
    let mut findings = Vec::new();
    let mut first_difference = Vec::new();

    if !digest_groups.is_empty() {
        let scopes: std::collections::BTreeSet<&str> = digest_groups
            .iter()
            .filter_map(|g| match members[g[0]].item {
                Yield::Digest(d) => Some(d.scope.as_str()),
                _ => None,
            })
            .collect();
        if !value_groups.is_empty() || scopes.len() > 1 {
            let ds: Vec<String> = digest_groups.iter().flat_map(|g| names(g)).collect();
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
        // Digests of one scope compare with each other.
        for scope in &scopes {
            let in_scope: Vec<&Vec<usize>> = digest_groups
                .iter()
                .filter(|g| matches!(members[g[0]].item, Yield::Digest(d) if d.scope == *scope))
                .collect();
            if let [first, rest @ ..] = &in_scope[..] {
                for other in rest {
                    let (na, nb) = (group_name(&names(first)), group_name(&names(other)));
                    let mut srcs = names(first);
                    srcs.extend(names(other));
                    findings.push(
                        Finding::new(
                            &AD101,
                            format!("{na} and {nb} have different store digests in {scope}: the stored values differ"),
                        )
                        .sources(srcs),
                    );
                }
            }
        }
    }

    let some_left_out = !value_groups.is_empty() && !digest_groups.is_empty();
    let groups = if value_groups.is_empty() {
        digest_groups
    } else {
        value_groups
    };
    let comparable = groups.iter().map(Vec::len).sum::<usize>();
    if groups.len() == 1 && comparable >= 2 && (some_left_out || findings.is_empty()) {
        let all = names(&groups[0]);
        findings.push(
            Finding::new(
                &AD100,
                format!(
                    "all {} sources{} hold the same {} ",
                    all.len(),
                    if some_left_out { " with a value" } else { "" },
                    describe_len(members[groups[0][0]].item)
                )
                .trim_end()
                .to_string(),
            )
            .sources(all),
        );
    }
    if groups.len() < 2 || groups.iter().all(is_digest) {
        return Comparison {
            groups,
            findings,
            first_difference,
        };
    }

    // Explain pairs of distinct values, then keep a spanning set, the simplest explanations
    // first (Kruskal): each value is tied to the others by its most specific explanation, and a
    // bare "different secrets" only where nothing simpler connects two values.
    let pairs: Vec<(usize, usize)> = if groups.len() <= MAX_PAIRWISE {
        (0..groups.len())
            .flat_map(|x| ((x + 1)..groups.len()).map(move |y| (x, y)))
            .collect()
    } else {
        (1..groups.len()).map(|y| (0, y)).collect()
    };
    let mut explained: Vec<(u8, usize, usize, Explanation)> = pairs
        .into_iter()
        .filter_map(|(x, y)| {
            let e = explain_groups(members, &groups[x], &groups[y], &names(&groups[x]), &names(&groups[y]))?;
            Some((rank(&e), x, y, e))
        })
        .collect();
    explained.sort_by_key(|(r, x, y, _)| (*r, *x, *y));
    let mut component: Vec<usize> = (0..groups.len()).collect();
    fn root(c: &mut [usize], mut i: usize) -> usize {
        while c[i] != i {
            c[i] = c[c[i]];
            i = c[i];
        }
        i
    }
    let mut kept = Vec::new();
    for (_, x, y, e) in explained {
        let (rx, ry) = (root(&mut component, x), root(&mut component, y));
        if rx == ry {
            continue;
        }
        component[rx] = ry;
        kept.push((x, y, e));
    }
    kept.sort_by_key(|(x, y, _)| (*x, *y));
    for (x, y, e) in kept {
        if let Some(off) = e.first_difference {
            first_difference.push((groups[x][0], groups[y][0], off));
        }
        let mut srcs = names(&groups[x]);
        srcs.extend(names(&groups[y]));
        let mut f = Finding::new(e.code, e.message).sources(srcs);
        if let Some(h) = e.hint {
            f = f.hint(h);
        }
        f.steps = e.steps;
        findings.push(f);
    }
    Comparison {
        groups,
        findings,
        first_difference,
    }
}

/// How simple an explanation is: a named difference before a chain before truncation before
/// "different secrets".
fn rank(e: &Explanation) -> u8 {
    if *e.code == AD101 {
        9
    } else if *e.code == AD105 {
        5
    } else {
        e.steps.len().max(1) as u8
    }
}

/// The explanation between two groups of members holding distinct comparable values.
fn explain_groups(
    members: &[Member],
    ga: &[usize],
    gb: &[usize],
    names_a: &[String],
    names_b: &[String],
) -> Option<Explanation> {
    let (a, b) = (&members[ga[0]], &members[gb[0]]);
    let (na, nb) = (group_name(names_a), group_name(names_b));
    let scheme = |g: &[usize]| {
        let s = members[g[0]].scheme;
        g.iter().all(|&i| members[i].scheme == s).then_some(s)
    };
    let ctx = Pair {
        weights: (ga.len(), gb.len()),
        schemes: [scheme(ga), scheme(gb)],
    };
    let found = match (a.item, b.item) {
        (Yield::Value(va), Yield::Value(vb)) => return Some(explain_pair(va.expose(), vb.expose(), &na, &nb, &ctx)),
        (Yield::Value(v), Yield::Fingerprints(f)) => explain_fingerprints(&Fingerprints::of(v.expose()), f, &na, &nb),
        (Yield::Fingerprints(f), Yield::Value(v)) => explain_fingerprints(f, &Fingerprints::of(v.expose()), &na, &nb),
        (Yield::Fingerprints(f), Yield::Fingerprints(g)) => explain_fingerprints(f, g, &na, &nb),
        _ => return None,
    };
    Some(Explanation {
        code: found.0,
        message: found.1,
        first_difference: None,
        hint: None,
        steps: Vec::new(),
    })
}

/// What an explanation may know of the two sides beyond their bytes: how many sources hold each
/// (the side fewer sources hold is the odd one out) and, where all of a side's sources share
/// one, their scheme (for the store's own command in the hint).
#[derive(Debug, Clone, Default)]
pub struct Pair<'a> {
    pub weights: (usize, usize),
    pub schemes: [Option<&'a str>; 2],
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
    /// A next step built from this difference's facts (which side, which bytes, which store);
    /// `None` keeps the code's own hint.
    pub hint: Option<String>,
    /// AD120: the transforms of the chain, by [`crate::transform::Transform::name`].
    pub steps: Vec<&'static str>,
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
    chain::code_of(&[chain::Step {
        transform: step,
        side: 0,
        selected: None,
    }])
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
        Step::StripQuotes | Step::TrimStripQuotes => {
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
        other => chain::mangling(&chain::Step {
            transform: other,
            side: 0,
            selected: None,
        }),
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

/// [`explain_pair`] with nothing known of the sides but their names.
pub fn explain_bytes(a: &[u8], b: &[u8], na: &str, nb: &str) -> Explanation {
    explain_pair(a, b, na, nb, &Pair::default())
}

/// The smallest explanation of how `a` (held by `na`) and `b` (held by `nb`) differ: the
/// normalisations (whitespace, quotes, BOM, invisible characters, line endings, case), one
/// encoding, a chain of up to three transforms (AD114–AD120), truncation, or none (AD101).
pub fn explain_pair(a: &[u8], b: &[u8], na: &str, nb: &str, ctx: &Pair) -> Explanation {
    // Smallest set of normalisations that makes the values equal.
    let mut masks: Vec<u8> = (1..(1u8 << STEPS.len())).collect();
    masks.sort_by_key(|m| (m.count_ones(), *m));
    for mask in masks {
        let (ra, da) = normalise(a, mask);
        let (rb, db) = normalise(b, mask);
        if ra == rb {
            let mut e = transform_explanation(&da, &db, na, nb, a, b);
            e.hint = normalisation_hint(&da, &db, [na, nb], ctx);
            return e;
        }
    }
    if let Some(e) = encoding(a, b, na, nb) {
        return e;
    }
    if let Some(c) = chain::search(a, b, ctx.weights) {
        let names = [na, nb];
        let code = chain::code_of(&c);
        return Explanation {
            code,
            message: if *code == AD120 {
                chain::message(&c, names)
            } else {
                single_message(&c[0], names, a, b)
            },
            first_difference: None,
            hint: Some(chain::hint(&c, names)),
            steps: if *code == AD120 {
                c.iter().map(|s| s.transform.name()).collect()
            } else {
                Vec::new()
            },
        };
    }
    if let Some(e) = prefix(a, b, na, nb, ctx) {
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
        hint: None,
        steps: Vec::new(),
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
        hint: None,
        steps: Vec::new(),
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
                    hint: None,
                    steps: Vec::new(),
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

/// AD105: one value is a prefix of the other. The side fewer sources hold is the one at fault:
/// a longer odd one out has extra bytes, a shorter one was cut.
fn prefix(a: &[u8], b: &[u8], na: &str, nb: &str, ctx: &Pair) -> Option<Explanation> {
    let (short, long, ns, nl, w_short, w_long, scheme_long) = if a.len() < b.len() {
        (a, b, na, nb, ctx.weights.0, ctx.weights.1, ctx.schemes[1])
    } else {
        (b, a, nb, na, ctx.weights.1, ctx.weights.0, ctx.schemes[0])
    };
    if short.is_empty() || !long.starts_with(short) {
        return None;
    }
    let extra = &long[short.len()..];
    let next = match extra[0] {
        b'#' => "a '#' (an inline-comment cut?)".to_string(),
        b'$' => "a '$' (variable expansion?)".to_string(),
        b' ' => "a SPACE".to_string(),
        _ => describe_at(long, short.len()),
    };
    if w_long < w_short {
        let what = if extra.starts_with(b"\\n") || extra.starts_with(b"\\r") {
            "starting with the two characters `\\` and a letter (an escaped newline written literally?)".to_string()
        } else {
            format!("starting with {next}")
        };
        return Some(Explanation {
            code: &AD105,
            message: format!(
                "{nl} has {} extra byte{} at byte {} ({what}); without them, equal to {ns}",
                extra.len(),
                if extra.len() == 1 { "" } else { "s" },
                short.len()
            ),
            first_difference: Some(short.len()),
            hint: Some(format!(
                "Remove the {} extra byte{} from {nl}{}: {ns} agree on the value without them.",
                extra.len(),
                if extra.len() == 1 { "" } else { "s" },
                store_where(scheme_long)
            )),
            steps: Vec::new(),
        });
    }
    let hint = match extra[0] {
        b'#' => format!(
            "{ns} stops where {nl} has ` #`: quote the value in the .env file (`KEY=\"…\"`) so the loader does not take the rest as a comment, or keep `#` out of secrets."
        ),
        b'$' => format!(
            "{ns} stops where {nl} has `$`: write each `$` as `\\$` in the .env file (Next.js expands `$` inside quotes too), or use a secret without `$` (`openssl rand -hex 32`)."
        ),
        _ => format!(
            "Copy the full value to {ns} again: it was cut off after {} bytes.",
            short.len()
        ),
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
        hint: Some(hint),
        steps: Vec::new(),
    })
}

/// " in its store" phrased for a scheme, for hints.
fn store_where(scheme: Option<&str>) -> &'static str {
    match scheme {
        Some("env") => " (its .env line)",
        Some("file") => " (rewrite the file with `printf %s`)",
        Some("fly") | Some("fly-json") | Some("fly-runtime") => " (set the Fly secret again)",
        Some("ssm") => " (put the parameter again with --overwrite)",
        Some("secretsmanager") => " (put a new secret value)",
        Some("configjs") => " (the served config)",
        Some("cmd") => " (the command's output)",
        _ => "",
    }
}

/// The command that writes a value without a trailing newline into a store, by scheme.
fn newline_free_write(scheme: Option<&str>, who: &str) -> String {
    match scheme {
        Some("fly") | Some("fly-json") | Some("fly-runtime") => format!(
            "set {who} again without the newline: `printf %s \"$VALUE\" | fly secrets import` takes NAME=VALUE lines, or `fly secrets set NAME=\"$VALUE\"` (not `NAME=\"$(cat file)\"` from a file written by echo)"
        ),
        Some("ssm") => format!(
            "put {who} again without the newline: `aws ssm put-parameter --overwrite --name … --value \"$VALUE\"` (`--value file://…` keeps the file's trailing newline: write the file with `printf %s`)"
        ),
        Some("secretsmanager") => format!(
            "put {who} again without the newline: `aws secretsmanager put-secret-value --secret-id … --secret-string \"$VALUE\"`"
        ),
        Some("file") => format!(
            "rewrite {who} without the newline: `printf %s \"$VALUE\" > FILE` instead of `echo`; a Kubernetes secret made with `--from-file` keeps it, `--from-literal` does not"
        ),
        Some("env") => format!("remove the newline from {who}'s .env value (inside quotes it is kept)"),
        Some("cmd") => format!("make {who}'s command print no newline (`printf %s`, `echo -n`, or `| tr -d '\\n'`)"),
        Some("envvar") => {
            format!("set {who} without the newline (`export NAME=\"$(cat FILE)\"` drops trailing newlines)")
        }
        _ => format!("write {who} with `printf %s \"$SECRET\"` instead of `echo`, or strip the newline when reading"),
    }
}

/// The next step for a difference of normalisations, from which side had what.
fn normalisation_hint(da: &[(Step, String)], db: &[(Step, String)], names: [&str; 2], ctx: &Pair) -> Option<String> {
    let sides = [da, db];
    let (side, steps) = match (da.is_empty(), db.is_empty()) {
        (false, true) => (0, da),
        (true, false) => (1, db),
        _ => return None,
    };
    let _ = sides;
    let who = names[side];
    let scheme = ctx.schemes[side];
    let [(step, removed)] = steps else { return None };
    let mut s = match step {
        Step::TrimTrailing if removed.contains("LF") || removed.contains("CR") => {
            if removed.contains("CR LF") || removed.contains("CR") && !removed.contains("SPACE") {
                format!("Convert {who} to LF line endings or drop the CR LF (`dos2unix`, `tr -d '\\r'`)")
            } else {
                let mut w = newline_free_write(scheme, who);
                if let Some(first) = w.get(..1) {
                    w = first.to_uppercase() + &w[1..];
                }
                w
            }
        }
        Step::TrimTrailing => format!(
            "Remove the trailing {} from {who}'s value",
            removed
                .trim_start_matches("a trailing ")
                .split(" at byte")
                .next()
                .unwrap_or("whitespace")
        ),
        Step::TrimLeading => format!("Remove the {} at the start of {who}'s value", removed),
        Step::StripQuotes => format!(
            "{who} keeps the quotes as part of the value: remove them where it is stored{}",
            if scheme == Some("env") {
                " (docker --env-file keeps quotes; drop them if docker reads this file)"
            } else {
                ""
            }
        ),
        _ => return None,
    };
    s.push('.');
    Some(s)
}

/// The message for a one-step chain, in the style of the other explanations.
fn single_message(step: &chain::Step, names: [&str; 2], a: &[u8], b: &[u8]) -> String {
    let side = step.mangled_side();
    let (who, other) = (names[side], names[1 - side]);
    let values = [a, b];
    let count = |needle: &[u8], v: &[u8]| v.windows(needle.len().max(1)).filter(|w| *w == needle).count();
    match step.transform {
        crate::transform::Transform::NewlinesToSpaces => format!(
            "{who} has each newline of {other}'s value replaced by a space ({} newlines); a store or console flattened the multi-line value",
            count(b"\n", values[1 - side].trim_ascii_end())
        ),
        crate::transform::Transform::UnescapeNewlines => format!(
            "{who} has each newline written as the two characters `\\n` ({} of them); with real newlines, equal to {other}",
            count(b"\\n", values[side]) + count(b"\\r", values[side])
        ),
        crate::transform::Transform::TrimTrailingEscapedNewlines => format!(
            "{who} has a trailing newline written as the two characters `\\n` at byte {}; without it, equal to {other}",
            values[1 - side].len()
        ),
        crate::transform::Transform::StripNewlines => format!(
            "{who} has the newlines of {other}'s value removed ({} newlines)",
            count(b"\n", values[1 - side])
        ),
        crate::transform::Transform::ExpandEmpty => format!(
            "{who} is {other}'s value with its `$NAME` segments emptied ({} bytes of {} left): a loader expanded `$…` as unset variables",
            values[side].len(),
            values[1 - side].len()
        ),
        crate::transform::Transform::JsonField => match &step.selected {
            Some(path) => format!("{who} is a JSON object whose field `{path}` holds {other}'s value"),
            None => format!("{who} is a JSON string holding {other}'s value"),
        },
        crate::transform::Transform::UrlDecode => format!(
            "{who} is the URL-encoding of {other} ({} %-escapes)",
            values[side].iter().filter(|b| **b == b'%').count()
        ),
        crate::transform::Transform::Base64PrefixDecode => format!(
            "{who} is `base64:` + the base64 encoding of {other} (Laravel's key form): one side decodes it, the other uses the text"
        ),
        crate::transform::Transform::HexPrefixDecode => {
            format!("{who} is `0x` + the hex encoding of {other}: one side decodes it, the other uses the text")
        }
        _ => chain::message(std::slice::from_ref(step), names),
    }
}

fn explain_fingerprints(a: &Fingerprints, b: &Fingerprints, na: &str, nb: &str) -> (&'static Code, String) {
    let code_of = |v: Step| code_of(v);
    let describe = |v: Step| match v {
        Step::TrimTrailing => "removing trailing whitespace",
        Step::TrimStripQuotes => "removing surrounding quotes",
        Step::StripCr => "removing CR bytes",
        _ => v.name(),
    };
    for v in FINGERPRINT_FORMS {
        if a.variants[&v].1 == b.sha256 && a.sha256 != b.sha256 {
            return (
                code_of(v),
                format!(
                    "{na} equals {nb} after {} from {na} (compared by fingerprint)",
                    describe(v)
                ),
            );
        }
        if b.variants[&v].1 == a.sha256 {
            return (
                code_of(v),
                format!(
                    "{nb} equals {na} after {} from {nb} (compared by fingerprint)",
                    describe(v)
                ),
            );
        }
    }
    for v in FINGERPRINT_FORMS {
        if a.variants[&v].1 == b.variants[&v].1 {
            return (
                code_of(v),
                format!(
                    "{na} and {nb} are equal after {} from both (compared by fingerprint)",
                    describe(v)
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
                scheme: "env",
            },
            Member {
                name: "fly",
                item: &d1,
                scheme: "fly",
            },
            Member {
                name: "fly2",
                item: &d2,
                scheme: "fly",
            },
        ];
        let c = compare(&members);
        assert_eq!(c.groups, vec![vec![0]], "a digest is not one of the distinct values");
        let codes: Vec<&str> = c.findings.iter().map(|f| f.code.id).collect();
        assert_eq!(
            codes,
            vec!["AD111"],
            "no equality or difference claimed between a digest and a value"
        );
        assert!(!c.findings[0].message.contains("distinct"));
    }
}

#[cfg(test)]
mod order {
    use super::*;
    use crate::secret::Secret;
    use proptest::prelude::*;

    const BASE: &[u8] = b"7nzzo8vskFWWUrFT2gWq9FhYJmJexXnETFvrzYOtihYXWHW5Ns2VgI6N8lYDxpk0";

    /// A value derived from BASE by one of the manglings compare names, or another secret.
    fn mangled(kind: u8) -> Vec<u8> {
        match kind % 10 {
            0 => BASE.to_vec(),
            1 => [BASE, b"\n"].concat(),
            2 => [b"\"", BASE, b"\""].concat(),
            3 => [BASE, b"\\n"].concat(),
            4 => BASE[..40].to_vec(),
            5 => BASE.to_ascii_uppercase(),
            6 => [b"{\"jwt_secret\":\"", BASE, b"\"}"].concat(),
            7 => [b"\xef\xbb\xbf", BASE].concat(),
            8 => b"an-entirely-different-secret-of-some-length".to_vec(),
            _ => [BASE, b"\r\n"].concat(),
        }
    }

    /// What a reader sees: every finding's code, message, hint and (sorted) sources.
    fn said(c: &Comparison) -> Vec<String> {
        let mut out: Vec<String> = c
            .findings
            .iter()
            .map(|f| {
                let mut s = f.sources.clone();
                s.sort();
                format!("{} {} {:?} {s:?} {:?}", f.code.id, f.message, f.hint, f.steps)
            })
            .collect();
        out.sort();
        out
    }

    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![Vec::new()];
        }
        let mut out = Vec::new();
        for p in permutations(n - 1) {
            for i in 0..=p.len() {
                let mut q = p.clone();
                q.insert(i, n - 1);
                out.push(q);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever order the sources come in, the same findings with the same words.
        #[test]
        fn explanations_do_not_depend_on_argument_order(kinds in proptest::collection::vec(0u8..10, 2..5)) {
            let names = ["backend", "frontend", "mounted", "ssm"];
            let values: Vec<Yield> = kinds.iter().map(|k| Yield::Value(Secret::new(mangled(*k)))).collect();
            let mut first: Option<Vec<String>> = None;
            for perm in permutations(values.len()) {
                let members: Vec<Member> = perm
                    .iter()
                    .map(|&i| Member { name: names[i], item: &values[i], scheme: "env" })
                    .collect();
                let got = said(&compare(&members));
                match &first {
                    None => first = Some(got),
                    Some(f) => prop_assert_eq!(f, &got, "order {:?}", perm),
                }
            }
        }
    }

    fn run(pairs: &[(&str, &[u8])]) -> Comparison {
        let values: Vec<Yield> = pairs
            .iter()
            .map(|(_, v)| Yield::Value(Secret::new(v.to_vec())))
            .collect();
        let members: Vec<Member> = pairs
            .iter()
            .zip(&values)
            .map(|((n, _), v)| Member {
                name: n,
                item: v,
                scheme: "env",
            })
            .collect();
        compare(&members)
    }

    /// Two sources agree and the third has extra bytes: the third is at fault, not "the two are
    /// truncated".
    #[test]
    fn the_odd_one_out_is_blamed() {
        let extra = [BASE, b"\\n"].concat();
        let c = run(&[("mounted", &extra), ("backend", BASE), ("frontend", BASE)]);
        let f = &c.findings[0];
        assert!(f.message.starts_with("mounted has"), "{}", f.message);
        assert!(!f.message.contains("truncated"), "{}", f.message);
        let cut = [BASE, b"zz"].concat();
        let c = run(&[("a", &cut), ("b", &cut), ("c", BASE)]);
        assert_eq!(c.findings[0].code.id, "AD105");
        assert!(
            c.findings[0].message.starts_with("c is truncated"),
            "{}",
            c.findings[0].message
        );
        let c = run(&[("a", BASE), ("b", BASE), ("c", &cut)]);
        assert!(
            c.findings[0].message.starts_with("c has 2 extra bytes"),
            "{}",
            c.findings[0].message
        );
        assert!(
            c.findings[0]
                .hint
                .as_deref()
                .is_some_and(|h| h.starts_with("Remove the 2 extra bytes from c"))
        );
    }

    /// Three values that all differ: each difference that has a name is said in the same run.
    #[test]
    fn every_named_difference_is_said_at_once() {
        let lf = [BASE, b"\n"].concat();
        let c = run(&[
            ("ssm", b"an-entirely-different-secret-of-some-length"),
            ("frontend", BASE),
            ("backend", &lf),
        ]);
        let codes: Vec<&str> = c.findings.iter().map(|f| f.code.id).collect();
        assert!(codes.contains(&"AD102"), "{codes:?}");
        assert!(codes.contains(&"AD101"), "{codes:?}");
    }

    /// Hints follow the cause: a trailing SPACE is not a newline.
    #[test]
    fn hints_follow_the_bytes() {
        let sp = [BASE, b"  "].concat();
        let c = run(&[("a", BASE), ("b", &sp)]);
        let h = c.findings[0].hint.clone().unwrap_or_default();
        assert!(h.contains("SPACE") && !h.contains("newline"), "{h}");
    }
}
