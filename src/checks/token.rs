//! Tokens (AD4xx): what a token is and what verifying it against the candidates showed.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].

use crate::findings::{Code, Severity};

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[
    &AD401, &AD402, &AD403, &AD404, &AD405, &AD406, &AD407, &AD408, &AD409, &AD410, &AD411, &AD412, &AD413, &AD414,
    &AD415,
];

pub const AD401: Code = Code {
    id: "AD401",
    severity: Severity::Error,
    title: "malformed token",
    hint: "Copy the whole token again: the message says which segment is broken and where.",
    explain: "Why: the text is not a compact JWS (3 base64url segments) or JWE (5): a truncated copy, \
standard base64 (`+`, `/`, `=`) instead of base64url, a header that is not JSON, or not a JWT at all \
(an opaque session id).\n\
Confirm: the message names the segment, the offset and the reason; `authdoctor jwt decode` shows what \
it could read.\n\
Fix: copy the token from the request itself (the Authorization header or the cookie), not from a log \
that cuts long lines.",
};

pub const AD402: Code = Code {
    id: "AD402",
    severity: Severity::Warning,
    title: "token is JWE (encrypted), not a signed JWS",
    hint: "A backend cannot verify an encrypted Auth.js/NextAuth cookie as HS256: have the frontend mint a signed JWT for the backend, or decrypt with the same HKDF key.",
    explain: "Why: the token has 5 segments and an `enc` header: it is encrypted, not signed. Auth.js \
(v5) and NextAuth (v4) session cookies are `dir` JWEs whose key is derived from AUTH_SECRET with HKDF \
(salt = the cookie name), so a backend calling `jwt.decode(token, secret, algorithms=[\"HS256\"])` \
always fails with \"Invalid signature\" or a parse error, even with the right secret.\n\
Confirm: `authdoctor jwt verify TOKEN --secret SOURCE` decrypts it and says which secret and salt work.\n\
Fix: let the frontend create a separate signed token for the API (jose `SignJWT` / `jsonwebtoken.sign` \
with the shared secret, HS256) and send that as `Authorization: Bearer`; or decrypt in the backend with \
the same derivation (HKDF-SHA256, salt = cookie name, info \"Auth.js Generated Encryption Key (<salt>)\").",
};

pub const AD403: Code = Code {
    id: "AD403",
    severity: Severity::Ok,
    title: "signature verified",
    hint: "",
    explain: "Why: one of the candidate secrets or keys verifies the token's signature; the message names \
it and the form that worked (as is, trimmed, base64-decoded …).\n\
Confirm: if the form is not \"as is\", the verifier must use the secret in that form too.\n\
Fix: nothing for the signature; if the verifier still rejects the token, look at the claim findings.",
};

pub const AD404: Code = Code {
    id: "AD404",
    severity: Severity::Error,
    title: "no candidate verifies the signature",
    hint: "The token was signed with a secret or key none of the candidates holds: add the place the issuer reads its secret from as another --secret.",
    explain: "Why: the signature matches none of the candidates, in any form (as is, trimmed, base64-, \
base64url- or hex-decoded), or no key has the token's `kid`.\n\
Confirm: the message says whether the candidates agree with each other; `authdoctor compare` explains \
how they differ.\n\
Fix: find the secret the issuer really signs with (its environment, not the file you think it reads) \
and make every verifier use it; restart processes that cache it.",
};

pub const AD405: Code = Code {
    id: "AD405",
    severity: Severity::Error,
    title: "token expired",
    hint: "Get a fresh token; if tokens expire too early, check both clocks and the issuer's lifetime.",
    explain: "Why: now is later than `exp` plus the leeway (60 s by default, `--leeway`).\n\
Confirm: the message gives `exp` as a date and how long ago it passed.\n\
Fix: get a new token; synchronise clocks (NTP); raise the lifetime at the issuer if it is too short.",
};

pub const AD406: Code = Code {
    id: "AD406",
    severity: Severity::Error,
    title: "audience mismatch",
    hint: "Make the issuer set the audience the verifier expects (or the verifier expect the one it sets).",
    explain: "Why: the verifier expects an `aud` the token does not carry.\n\
Confirm: the message shows both.\n\
Fix: agree on one audience string on both sides.",
};

pub const AD407: Code = Code {
    id: "AD407",
    severity: Severity::Error,
    title: "issuer mismatch",
    hint: "Make the issuer and the verifier agree on the `iss` string.",
    explain: "Why: the token's `iss` differs from the issuer the verifier expects (a trailing slash, \
http vs https, another environment).\n\
Confirm: the message shows both.\n\
Fix: use the same issuer string on both sides.",
};

pub const AD408: Code = Code {
    id: "AD408",
    severity: Severity::Error,
    title: "required claim missing",
    hint: "Add the claim where the token is made (e.g. the Auth.js jwt callback).",
    explain: "Why: the verifier needs a claim (such as `userId`) that the token does not have: the issuer \
never adds it, for example an Auth.js `jwt` callback that does not copy `user.id` into the token.\n\
Confirm: the message lists the claims present.\n\
Fix: add the claim when the token is created.",
};

pub const AD409: Code = Code {
    id: "AD409",
    severity: Severity::Error,
    title: "algorithm not allowed",
    hint: "Sign with an algorithm the verifier allows, and never accept `alg: none`.",
    explain: "Why: the token says `alg: none`, or an algorithm outside the allowed list (`--alg`), or an \
algorithm of another family than the key (an HS256 token checked against a public key is the classic \
algorithm-confusion attack).\n\
Confirm: the message names the algorithm and what was expected.\n\
Fix: configure the issuer and the verifier with the same algorithm.",
};

pub const AD410: Code = Code {
    id: "AD410",
    severity: Severity::Error,
    title: "token not yet valid",
    hint: "Check the clocks of the issuer and the verifier (NTP).",
    explain: "Why: `nbf` is later than now plus the leeway: the issuer's clock is ahead of the verifier's, \
or the token is meant for later.\n\
Confirm: the message gives `nbf` as a date.\n\
Fix: synchronise clocks, or allow some leeway.",
};

pub const AD411: Code = Code {
    id: "AD411",
    severity: Severity::Warning,
    title: "token has an audience the verifier does not check",
    hint: "Give the verifier the audience (`--aud`, PyJWT `audience=`, jsonwebtoken `set_audience`).",
    explain: "Why: the token carries `aud`, but no audience was given to check it against. PyJWT, \
jsonwebtoken (Rust) and jose reject such a token by default (\"Invalid audience\"), which looks like a \
signature problem in logs.\n\
Confirm: run again with `--aud VALUE`.\n\
Fix: configure the verifier with the audience the issuer sets.",
};

pub const AD412: Code = Code {
    id: "AD412",
    severity: Severity::Warning,
    title: "token larger than 8 KB",
    hint: "Keep tokens small: move large claims (permissions, bucket lists) to a lookup.",
    explain: "Why: many proxies and servers limit a header to 8 KB (nginx, AWS ALB 16 KB per header), and \
browsers limit cookies to 4 KB (Auth.js then splits them into `.0`, `.1` chunks); an oversized token \
is cut or refused before any signature check.\n\
Confirm: the message gives the size.\n\
Fix: put less in the token.",
};

pub const AD413: Code = Code {
    id: "AD413",
    severity: Severity::Ok,
    title: "encrypted session cookie decrypted",
    hint: "",
    explain: "Why: one candidate secret decrypts the Auth.js/NextAuth cookie; the message names it, the \
library and the salt (cookie name) used.\n\
Confirm: the claims shown are the session's.\n\
Fix: nothing for the secret; see AD402 for how a separate backend should authenticate.",
};

pub const AD414: Code = Code {
    id: "AD414",
    severity: Severity::Error,
    title: "algorithm not supported",
    hint: "Verify this token with a library that supports its algorithm, or sign with a supported one.",
    explain: "Why: the token's algorithm (for example ES512) is valid JOSE but not supported by authdoctor's \
JWT library (jsonwebtoken), so it cannot be checked here; that is not the same as invalid.\n\
Confirm: the message names the algorithm.\n\
Fix: use ES256/ES384, RS*, PS*, EdDSA or HS* if you control the issuer.",
};

pub const AD415: Code = Code {
    id: "AD415",
    severity: Severity::Error,
    title: "the signature verifies only with a transformed secret",
    hint: "Make issuer and verifier use the same bytes: remove the newline or encoding where the secret is stored, or transform it the same way on both sides.",
    explain: "Why: the token verifies with a candidate only after trimming whitespace, base64- or hex-decoding it, \
or adding a newline: the issuer and this copy of the secret differ by exactly that, so a verifier using \
the value as stored fails with \"Invalid signature\" although the secrets \"match\".\n\
Confirm: the message names the candidate and the transformation; `authdoctor compare` on the places the \
secret lives shows the same difference (AD102, AD104).\n\
Fix: store the value both sides use (for example `printf %s` instead of `echo`), then restart.",
};
