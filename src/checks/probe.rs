//! The live backend (AD6xx): which candidate secret `authdoctor probe` found the backend accepts.
//! Each code is defined here, beside the check that emits it, and listed in [`CODES`].
//!
//! The method: two controls go first, a request with no token and one with a token signed with a
//! random key, whose answer is the backend's "bad signature" answer. A candidate's token whose
//! answer differs from that passed signature verification, even if the request then failed for
//! another reason (a user lookup, a claim check).

use crate::findings::{Code, Finding, Severity};
use crate::transform::Transform;
use serde::Serialize;

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[&AD601, &AD602, &AD603, &AD604, &AD605];

pub const AD601: Code = Code {
    id: "AD601",
    severity: Severity::Ok,
    title: "probe: the live backend accepts signatures made with this source's value",
    hint: "",
    explain: "Why: `authdoctor probe` sent the backend a short-lived token signed with each candidate secret, \
and this candidate's token got another answer than a token signed with a random key (the backend's \
\"bad signature\" answer): the backend verified its signature. When only a derived form was accepted \
(the value trimmed, base64-decoded …), the backend holds that form, and whoever signs with the value \
as stored is refused.\n\
Confirm: `authdoctor probe URL --secret … --dry-run` lists the requests; the report's request table shows \
each answer.\n\
Fix: nothing for this candidate; make every signer use these bytes (a warning says which form).",
};

pub const AD602: Code = Code {
    id: "AD602",
    severity: Severity::Error,
    title: "probe: the live backend accepts none of the candidates",
    hint: "Find the value the backend really holds (ecs:, k8s-runtime:, fly-runtime:, proc:) and probe or compare it; first make sure this URL accepts a valid token at all (a real request from the app).",
    explain: "Why: every candidate's token, in every form tried, got the same answer as a token signed with a \
random key: the backend's secret is none of these. Usual causes: it reads another variable or store than \
you think, it still runs with an old value (ECS tasks, pods and processes read secrets once, at start), or a \
proxy in front of it checks tokens with its own secret.\n\
Confirm: the sources that show what the running service holds: `ecs:CLUSTER/SERVICE#VAR`, \
`k8s-runtime:NS/DEPLOYMENT#VAR`, `fly-runtime:APP#VAR`, `proc:NAME#VAR`. If the backend answers a bad \
signature exactly as it answers a wrong audience, issuer or expiry, a right secret with wrong claims \
looks the same: copy a real token's claims with `--claims-from TOKEN`. An endpoint that refuses every \
token whatever its signature (a route that is broken, or that only answers a browser session) looks the same \
too: check that it answers a real request from the app.\n\
Fix: point the backend at the right secret (or restart it), then probe again.",
};

pub const AD603: Code = Code {
    id: "AD603",
    severity: Severity::Warning,
    title: "probe: the signature passes, but the request is refused for another reason",
    hint: "The secret is right; fix what the backend's error names (a missing user, a claim), not the secret.",
    explain: "Why: the candidate's token got another answer than a token signed with a random key, so its \
signature was verified, yet the request still failed: the backend refused it after verification, for \
a reason its error text names (`User not found`, a missing claim, a wrong audience). In the first \
incident this was the second cause of the 401s: the secrets matched by then, the user was missing.\n\
Confirm: the quoted error; `--claims-from TOKEN` copies a real token's claims (with fresh times) so the \
request looks like the real one.\n\
Fix: what the error names (create the user, send the claim the backend needs); the secret is fine.",
};

pub const AD604: Code = Code {
    id: "AD604",
    severity: Severity::Error,
    title: "probe: the endpoint does not tell a bad signature from a good one",
    hint: "Probe an endpoint that requires a valid token; if this one should, it does not verify signatures.",
    explain: "Why: the answers cannot say which secret the backend holds. (1) The control request signed with \
a random key got a success answer: either the URL does not require a token at all (the request without a \
token succeeded too), or the backend accepts tokens without verifying their signature — anyone can forge \
one (decoding with verification turned off, a middleware in front that only decodes). (2) Every request \
got 404, 405, 415 or 501: the URL or method is wrong, nothing checked a token. (3) The two random-key \
controls, one sent before the candidates and one after, got different answers: a lockout or rate limit \
the probe itself set off, or replicas that answer differently, so a candidate's different answer proves \
nothing.\n\
Confirm: `curl -i URL` without a token, and with a token from `authdoctor jwt sign --secret` of a random value.\n\
Fix: probe the URL and method a real request uses; if it is meant to be protected, make it verify \
signatures (`jwt.decode(token, secret, algorithms=[\"HS256\"])`); probe again when the backend is quiet, \
with fewer candidates (`--as-stored`).",
};

pub const AD605: Code = Code {
    id: "AD605",
    severity: Severity::Error,
    title: "probe: the live backend refuses this source's value while it accepts another's",
    hint: "Make this source hold the value the backend accepts.",
    explain: "Why: another candidate's token passed the backend's signature check, and this candidate's, in \
every form tried, got the same answer as a token signed with a random key: whoever signs with this \
source's value (a frontend, a job) is refused.\n\
Confirm: `authdoctor compare` of the two sources explains how the bytes differ. Behind a load balancer, \
replicas that hold different secrets answer each request from one of them: if another run names another \
candidate, the replicas disagree.\n\
Fix: set this source to the accepted value (and restart what reads it), then probe again.",
};

/// What the backend answered one request, as far as probe compares answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// `WWW-Authenticate`'s RFC 6750 `error` (and `error_description`), when the answer has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bearer_error: Option<String>,
    /// The body's error text (FastAPI `detail`, `message`, `msg`, `error`, `error_description`,
    /// GraphQL `errors[0].message`, a short plain-text body), at most 200 characters, the token
    /// it was sent and other long blobs masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The body says the request failed (`error`, `errors`, `detail`), whatever the status.
    #[serde(skip)]
    pub failed_body: bool,
    /// The whole `WWW-Authenticate` value and body text (the token sent masked, whitespace
    /// collapsed, at most 16 KiB): what answers are compared on, beyond the status.
    #[serde(skip)]
    pub www: Option<String>,
    #[serde(skip)]
    pub body: String,
    /// Auth.js `/api/auth/session`: whether a session came back (`--authjs` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<bool>,
    /// A redirect's target (never followed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// `text` with numbers, hex runs and id-like words (letters and digits mixed, 8 characters or
/// more: UUIDs, ULIDs, request and trace ids) replaced by `#`.
fn without_ids(text: &str) -> String {
    static WORDS: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"[A-Za-z0-9_+/=-]+").expect("a fixed pattern"));
    let words = &*WORDS;
    let lowered = text.to_lowercase();
    let masked = words.replace_all(&lowered, |c: &regex::Captures| {
        let w = &c[0];
        let digits = w.bytes().any(|b| b.is_ascii_digit());
        let letters = w.bytes().any(|b| b.is_ascii_alphabetic());
        // A number, an id mixing letters and digits, or a long blob.
        if digits && (!letters || w.len() >= 8) || w.len() >= 24 {
            "#".to_string()
        } else {
            w.to_string()
        }
    });
    masked.into_owned()
}

/// Words (runs of letters, digits and `_+/=-`) and single other characters.
fn words(text: &str) -> Vec<&str> {
    static WORD: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"[A-Za-z0-9_+/=-]+|\S").expect("a fixed pattern"));
    WORD.find_iter(text).map(|m| m.as_str()).collect()
}

/// How answers are compared with the backend's answer to a bad signature, learnt from the two
/// random-key controls: where their texts differ (a request id, a counter, a time), any word goes;
/// everywhere else the words must be the same. When the two texts do not even have the same
/// number of words, numbers and id-like words are ignored instead.
#[derive(Debug, Clone)]
pub struct Likeness {
    first: Answer,
    again: Answer,
}

/// `x` is `first` up to the words where `first` and `again` differ.
fn same_text(x: &str, first: &str, again: &str) -> bool {
    if x == first {
        return true;
    }
    if first == again {
        return false;
    }
    let (wx, wf, wa) = (words(x), words(first), words(again));
    if wf.len() == wa.len() {
        wx.len() == wf.len() && wx.iter().zip(&wf).zip(&wa).all(|((x, f), a)| f != a || x == f)
    } else {
        without_ids(x) == without_ids(first)
    }
}

impl Likeness {
    /// Whether `a` is the backend's answer to a bad signature.
    pub fn same(&self, a: &Answer) -> bool {
        let (f, g) = (&self.first, &self.again);
        a.status == f.status
            && a.session == f.session
            && a.failed_body == f.failed_body
            && a.location == f.location
            && match (&a.www, &f.www, &g.www) {
                (None, None, _) => true,
                (Some(x), Some(first), Some(again)) => same_text(x, first, again),
                (Some(x), Some(first), None) => x == first,
                _ => false,
            }
            && same_text(&a.body, &f.body, &g.body)
    }
}

impl Answer {
    /// A success: a 2xx status whose body reports no error, and with `--authjs` a session.
    pub fn success(&self) -> bool {
        (200..300).contains(&self.status) && !self.failed_body && self.session != Some(false)
    }

    /// A status that is no authentication refusal: the URL or method is wrong, or a redirect.
    fn off_target(&self) -> bool {
        matches!(self.status, 300..=399 | 404 | 405 | 415 | 501)
    }

    /// "HTTP 401 `User not found`", for messages.
    pub fn describe(&self) -> String {
        let mut s = format!("HTTP {}", self.status);
        if let Some(e) = &self.bearer_error {
            s.push_str(&format!(" ({e})"));
        }
        match (&self.detail, self.session) {
            (_, Some(true)) => s.push_str(" with a session"),
            (_, Some(false)) => s.push_str(" without a session"),
            // RFC 6750's description often repeats the body's text.
            (Some(d), None) if !self.bearer_error.as_ref().is_some_and(|e| e.contains(d.as_str())) => {
                s.push_str(&format!(" `{d}`"))
            }
            _ => {}
        }
        if let Some(l) = &self.location {
            s.push_str(&format!(" → {l} (not followed)"));
        }
        s
    }
}

/// One request's outcome: an answer, or why there is none (timeout, connection refused …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Answer(Answer),
    Failed(String),
}

impl Reply {
    pub fn answer(&self) -> Option<&Answer> {
        match self {
            Reply::Answer(a) => Some(a),
            Reply::Failed(_) => None,
        }
    }

    /// How the probe table shows it.
    pub fn describe(&self) -> String {
        match self {
            Reply::Answer(a) => a.describe(),
            Reply::Failed(why) => format!("no answer: {why}"),
        }
    }
}

/// One candidate request: the bytes it was signed with stand for every (source, form) in
/// `holders` (sources holding equal values share one request).
#[derive(Debug, Clone)]
pub struct Tried {
    pub holders: Vec<(String, Option<Transform>)>,
    pub reply: Reply,
}

/// The controls' replies: no token, and two tokens signed with random keys, one sent before the
/// candidates and one after them all (the first again when no candidate's answer differed).
pub struct Controls<'a> {
    pub no_token: &'a Reply,
    pub random_key: &'a Reply,
    pub random_again: &'a Reply,
    /// The tokens carry a real token's claims (`--claims-from`).
    pub real_claims: bool,
}

/// How answers are compared, from the two random-key controls' answers: `None` when they
/// differ in status, or in their texts beyond a few words and ids (the backend's answer to a bad
/// signature is not stable).
pub fn likeness(first: &Answer, again: &Answer) -> Option<Likeness> {
    let stable = first.status == again.status
        && first.session == again.session
        && first.failed_body == again.failed_body
        && first.location == again.location
        && first.www.is_some() == again.www.is_some();
    // The same words but a few (ids, counters, times), or the same up to ids.
    let text = |a: &str, b: &str| {
        let (wa, wb) = (words(a), words(b));
        let differing = wa.iter().zip(&wb).filter(|(x, y)| x != y).count();
        a == b || (wa.len() == wb.len() && differing * 2 <= wa.len()) || without_ids(a) == without_ids(b)
    };
    let www = match (&first.www, &again.www) {
        (Some(a), Some(b)) => text(a, b),
        _ => true,
    };
    (stable && www && text(&first.body, &again.body)).then(|| Likeness {
        first: first.clone(),
        again: again.clone(),
    })
}

/// What a probe found: its findings, from the controls' replies and each candidate request's.
/// `candidates` are the labels of the sources whose values were tried. Nothing is concluded when
/// a control got no answer (the command reports the backend unreachable), and no "none of these"
/// when a candidate got none.
///
/// The two random-key answers decide how answers are compared: equal, exactly; equal up to
/// numbers and ids (a request id, a time in the text), up to those; else the backend's answer to
/// a bad signature is not stable (a lockout or rate limit that started during the probe,
/// replicas answering differently) and a different answer proves nothing (AD604).
pub fn conclude(controls: &Controls, tried: &[Tried], candidates: &[String]) -> Vec<Finding> {
    let (Some(none), Some(control), Some(again)) = (
        controls.no_token.answer(),
        controls.random_key.answer(),
        controls.random_again.answer(),
    ) else {
        return Vec::new();
    };
    let Some(how) = likeness(control, again) else {
        return vec![Finding::new(
            &AD604,
            format!(
                "two tokens signed with random keys got different answers ({}, then {} after the candidates): the backend's answer to a bad signature is not stable (a lockout or rate limit, replicas that answer differently), so a different answer to a candidate proves nothing",
                control.describe(),
                again.describe()
            ),
        )
        .hint("probe again when the backend is quiet, with fewer candidates (--as-stored), or probe one replica directly")];
    };
    // A 2xx for a random key is a forgery accepted, unless a candidate's answer differs (an API
    // that answers 200 with `{"ok": false}`).
    let any_differs = tried.iter().any(|t| t.reply.answer().is_some_and(|a| !how.same(a)));
    if (control.success() || again.success()) && !any_differs {
        let msg = if none.success() {
            format!(
                "the URL answers {} without any token, and as well with a token signed with a random key: it does not require a token, so it cannot say which secret the backend holds",
                none.describe()
            )
        } else {
            format!(
                "the backend answers a token signed with a random key with {}, where no token gets {}: it does not verify signatures, and anyone can forge a token it accepts",
                control.describe(),
                none.describe()
            )
        };
        return vec![Finding::new(&AD604, msg)];
    }
    let form_text = |form: Option<Transform>| crate::jwt::verify::form_name(form);
    // With --authjs the candidates encrypt session cookies rather than sign tokens.
    let made = if control.session.is_some() {
        "session cookies encrypted with"
    } else {
        "signatures made with"
    };
    let holders_text = |holders: &[(String, Option<Transform>)]| -> String {
        let names: Vec<String> = holders
            .iter()
            .map(|(l, f)| format!("{l}'s value ({})", form_text(*f)))
            .collect();
        names.join(" and ")
    };
    let mut out = Vec::new();
    // (source, form) pairs whose token passed the signature check.
    let mut passed: Vec<(&str, Option<Transform>)> = Vec::new();
    for t in tried {
        let Some(a) = t.reply.answer() else { continue };
        if how.same(a) {
            continue;
        }
        passed.extend(t.holders.iter().map(|(l, f)| (l.as_str(), *f)));
        if a.success() {
            // Sources accepted only in a derived form get their own warning below.
            let stored: Vec<(String, Option<Transform>)> =
                t.holders.iter().filter(|(_, f)| f.is_none()).cloned().collect();
            if !stored.is_empty() {
                out.push(
                    Finding::new(
                        &AD601,
                        format!(
                            "the backend accepts {made} {}: {}, where a random key gets {}",
                            holders_text(&stored),
                            a.describe(),
                            control.describe()
                        ),
                    )
                    .sources(stored.iter().map(|(l, _)| l.clone())),
                );
            }
        } else {
            // The summaries may be equal when the difference is elsewhere in the body (DRF's
            // `messages`, a plain-text second line): say so rather than quote two equal answers.
            let versus = if a.describe() == control.describe() {
                "the same in summary as a random key's, but its body differs".to_string()
            } else {
                format!("a random key gets {}", control.describe())
            };
            out.push(
                Finding::new(
                    &AD603,
                    format!(
                        "the backend accepts {made} {}; it then answers {} ({versus}) — the signature is fine, the request is refused for another reason",
                        holders_text(&t.holders),
                        a.describe(),
                    ),
                )
                .sources(t.holders.iter().map(|(l, _)| l.clone())),
            );
        }
    }
    let unanswered = tried.iter().any(|t| t.reply.answer().is_none());
    if passed.is_empty() {
        if control.off_target() {
            out.push(Finding::new(
                &AD604,
                format!(
                    "every request, with or without a valid-looking token, got {}: that is no authentication refusal but a wrong URL or method (or a redirect), so it says nothing about the secret",
                    control.describe()
                ),
            )
            .hint("probe the API URL and method a real request uses (--method, --data with --header 'Content-Type: application/json')"));
        } else if !unanswered && !tried.is_empty() {
            let mut msg = format!(
                "the backend's secret is none of these: every token signed with {} ({} request(s)) got {}, the answer to a token signed with a random key",
                candidates.join(", "),
                tried.len(),
                control.describe()
            );
            if how.same(none) {
                msg.push_str(
                    "; it answers no token at all the same way, so check that it reads the token where --header/--cookie puts it",
                );
            }
            if control.bearer_error.is_none() && control.detail.is_none() && control.session.is_none() {
                msg.push_str(
                    "; its refusals carry no error text, so a right secret with claims it refuses (audience, issuer, a user id) would look the same: copy a real token's claims with --claims-from",
                );
            } else if !controls.real_claims && control.session.is_none() {
                msg.push_str(
                    "; the tokens carried no real token's claims, and a backend that refuses a missing audience, issuer or user the way it refuses a bad signature would answer the same: --claims-from TOKEN copies them",
                );
            }
            let said = format!(
                "{} {}",
                control.detail.as_deref().unwrap_or(""),
                control.bearer_error.as_deref().unwrap_or("")
            )
            .to_lowercase();
            if ["alg", "kid", "key id", "signing key"].iter().any(|w| said.contains(w)) {
                msg.push_str(
                    "; its error is about the algorithm or the key id, not the signature: give the --alg and --kid it expects (--claims-from copies both from a real token)",
                );
            }
            out.push(Finding::new(&AD602, msg).sources(candidates.iter().cloned()));
        }
        return out;
    }
    let mut passed_labels: Vec<&str> = Vec::new();
    for (l, _) in &passed {
        if !passed_labels.contains(l) {
            passed_labels.push(l);
        }
    }
    for c in candidates {
        let forms: Vec<Option<Transform>> = passed.iter().filter(|(l, _)| *l == c).map(|(_, f)| *f).collect();
        if forms.contains(&None) {
            continue;
        }
        if let Some(form) = forms.first() {
            let mut f = Finding::new(
                &AD601,
                format!(
                    "the backend accepts {c}'s value only {}: it holds those bytes, and whoever signs with {c}'s value as stored is refused",
                    form_text(*form)
                ),
            )
            .sources([c.clone()])
            .hint(format!(
                "store exactly the bytes the backend holds in {c} (or make the backend read {c}'s value as stored); `authdoctor compare` shows the difference"
            ));
            f.severity = Severity::Warning;
            out.push(f);
            continue;
        }
        // A candidate whose request got no answer is not known to be refused.
        let all_answered = tried
            .iter()
            .filter(|t| t.holders.iter().any(|(l, _)| l == c))
            .all(|t| t.reply.answer().is_some());
        if all_answered {
            let others: Vec<String> = passed_labels
                .iter()
                .filter(|l| **l != c)
                .map(|l| format!("{l}'s"))
                .collect();
            out.push(
                Finding::new(
                    &AD605,
                    format!(
                        "the backend refuses {c}'s value in every form tried: its tokens got {}, as a token signed with a random key, while {} passed",
                        control.describe(),
                        others.join(" and ")
                    ),
                )
                .sources([c.clone()]),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, detail: &str) -> Reply {
        Reply::Answer(Answer {
            status,
            bearer_error: None,
            detail: (!detail.is_empty()).then(|| detail.into()),
            failed_body: false,
            www: None,
            body: format!("{{\"detail\":\"{detail}\"}}"),
            session: None,
            location: None,
        })
    }

    fn tried(label: &str, reply: Reply) -> Tried {
        Tried {
            holders: vec![(label.into(), None)],
            reply,
        }
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code.id).collect()
    }

    /// `conclude` with the random-key control answered alike twice.
    fn run(none: &Reply, bad: &Reply, t: &[Tried], labels: &[&str]) -> Vec<Finding> {
        let labels: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        conclude(
            &Controls {
                no_token: none,
                random_key: bad,
                random_again: bad,
                real_claims: false,
            },
            t,
            &labels,
        )
    }

    #[test]
    fn a_different_answer_means_the_signature_passed() {
        let none = answer(401, "Not authenticated");
        let bad = answer(401, "Invalid token");
        let t = [
            tried("ssm", answer(401, "User not found")),
            tried("frontend", answer(401, "Invalid token")),
        ];
        let f = run(&none, &bad, &t, &["ssm", "frontend"]);
        assert_eq!(codes(&f), ["AD603", "AD605"]);
        assert!(f[0].message.contains("`User not found`"), "{}", f[0].message);
        assert!(f[1].message.contains("frontend's value"), "{}", f[1].message);
        assert!(f[1].message.ends_with("while ssm's passed"), "{}", f[1].message);
    }

    #[test]
    fn all_like_the_control_is_none_of_these_unless_a_request_went_unanswered() {
        let none = answer(401, "Invalid token");
        let bad = answer(401, "Invalid token");
        let f = run(&none, &bad, &[tried("a", answer(401, "Invalid token"))], &["a"]);
        assert_eq!(codes(&f), ["AD602"]);
        assert!(f[0].message.contains("reads the token where"), "{}", f[0].message);
        let f = run(&none, &bad, &[tried("a", Reply::Failed("timeout".into()))], &["a"]);
        assert!(f.is_empty());
        // A bare 401 says nothing of why: the message says what that hides.
        let bare = answer(401, "");
        let f = run(&none, &bare, &[tried("a", bare.clone())], &["a"]);
        assert!(f[0].message.contains("--claims-from"), "{}", f[0].message);
        // An error about the algorithm or the key id points at --alg and --kid.
        let alg = answer(401, "invalid algorithm");
        let f = run(&none, &alg, &[tried("a", alg.clone())], &["a"]);
        assert!(f[0].message.contains("--alg and --kid"), "{}", f[0].message);
    }

    #[test]
    fn a_control_that_succeeds_makes_the_probe_say_so_and_nothing_else() {
        let ok = answer(200, "");
        let f = run(&ok, &ok, &[tried("a", answer(200, ""))], &["a"]);
        assert_eq!(codes(&f), ["AD604"]);
        let f = run(&answer(401, "x"), &ok, &[tried("a", answer(200, ""))], &["a"]);
        assert_eq!(codes(&f), ["AD604"]);
        assert!(f[0].message.contains("forge"));
    }

    /// GraphQL answers 200 with `errors`: no success, so no "does not require a token".
    #[test]
    fn a_200_whose_body_reports_an_error_is_no_success() {
        let err = |m: &str| {
            Reply::Answer(Answer {
                status: 200,
                bearer_error: None,
                detail: Some(m.into()),
                failed_body: true,
                www: None,
                body: format!("{{\"errors\":[{{\"message\":\"{m}\"}}]}}"),
                session: None,
                location: None,
            })
        };
        let f = run(
            &err("Not authenticated"),
            &err("Invalid token"),
            &[tried("a", answer(200, ""))],
            &["a"],
        );
        assert_eq!(codes(&f), ["AD601"], "{f:?}");
    }

    #[test]
    fn only_a_derived_form_accepted_is_a_warning() {
        let bad = answer(401, "Invalid token");
        let t = [Tried {
            holders: vec![("ssm".into(), Some(Transform::Trim))],
            reply: answer(200, ""),
        }];
        let f = run(&bad, &bad, &t, &["ssm"]);
        assert_eq!(codes(&f), ["AD601"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.contains("surrounding whitespace"));
    }

    /// Request ids in every answer: the two random-key controls differ only there, so answers are
    /// compared without them; a code that only differs in its digits is a difference when the
    /// controls agree exactly.
    #[test]
    fn ids_count_only_when_the_controls_say_so() {
        let none = answer(401, "missing token");
        let a = answer(401, "invalid signature (request 7f1c9a2e-1b3d-4c5e-9f00-123456789abc)");
        let b = answer(401, "invalid signature (request 0a9b8c7d-6e5f-4a3b-8c2d-abcdefabcdef)");
        let wrong = answer(401, "invalid signature (request 01HZX3V9Q8K7J6H5G4F3D2S1A0)");
        let right = answer(401, "user not found (request 5b2f7c1d-0e4a-4b9c-8d6e-fedcba987654)");
        let labels: Vec<String> = vec!["right".into(), "wrong".into()];
        let f = conclude(
            &Controls {
                no_token: &none,
                random_key: &a,
                random_again: &b,
                real_claims: false,
            },
            &[tried("right", right), tried("wrong", wrong)],
            &labels,
        );
        assert_eq!(codes(&f), ["AD603", "AD605"], "{f:?}");
        let code = |c: &str| answer(401, c);
        let f = run(&none, &code("Error 40101"), &[tried("a", code("Error 40103"))], &["a"]);
        assert_eq!(codes(&f), ["AD603"], "{f:?}");
        // A request counter beside the code: only the counter's place may change.
        let labels: Vec<String> = vec!["a".into(), "b".into()];
        let f = conclude(
            &Controls {
                no_token: &none,
                random_key: &code("Error 40101 (request 17)"),
                random_again: &code("Error 40101 (request 18)"),
                real_claims: false,
            },
            &[
                tried("a", code("Error 40103 (request 19)")),
                tried("b", code("Error 40101 (request 20)")),
            ],
            &labels,
        );
        assert_eq!(codes(&f), ["AD603", "AD605"], "{f:?}");
        // Ids without digits (base62) in the same place are ids too.
        let f = conclude(
            &Controls {
                no_token: &none,
                random_key: &code("invalid signature, trace AbCdEfGhIj"),
                random_again: &code("invalid signature, trace QrStUvWxYz"),
                real_claims: false,
            },
            &[
                tried("a", code("invalid signature, trace KlMnOpQrSt")),
                tried("b", code("user not found, trace ZzYyXxWwVv")),
            ],
            &labels,
        );
        assert_eq!(codes(&f), ["AD603", "AD605"], "{f:?}");
        assert!(f[0].sources == ["b"], "{f:?}");
    }

    /// A lockout that starts during the probe: the control sent after the candidates gets
    /// another answer than the first, and nothing is concluded from the candidates' answers.
    #[test]
    fn an_unstable_control_concludes_nothing() {
        let none = answer(401, "missing token");
        let first = answer(401, "invalid token");
        let after = answer(403, "too many failed attempts, locked");
        let labels: Vec<String> = vec!["a".into()];
        let f = conclude(
            &Controls {
                no_token: &none,
                random_key: &first,
                random_again: &after,
                real_claims: false,
            },
            &[tried("a", after.clone())],
            &labels,
        );
        assert_eq!(codes(&f), ["AD604"], "{f:?}");
        assert!(f[0].message.contains("not stable"));
    }

    #[test]
    fn a_wrong_url_is_not_none_of_these() {
        let nf = answer(404, "Not Found");
        let f = run(&nf, &nf, &[tried("a", nf.clone())], &["a"]);
        assert_eq!(codes(&f), ["AD604"], "{f:?}");
        assert!(f[0].message.contains("wrong URL or method"));
    }
}
