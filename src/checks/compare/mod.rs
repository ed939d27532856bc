//! Comparing values (AD1xx): how the values of one secret differ.
//! The codes of `values` (grouping and explaining differences) are defined here; drift's
//! (AD112/AD113) in `drift.rs`. All are listed in [`CODES`].

mod chain;
mod drift;
mod values;

pub use drift::drift;
pub use values::{Comparison, Explanation, Member, Pair, compare, explain_bytes, explain_pair};

use crate::findings::{Code, Finding, Severity};

/// Drops the hygiene findings a comparison already explains, so one byte gets one finding and one
/// next step: AD203 (leading or trailing whitespace) where AD102/AD109/AD110/AD115 or a chain names
/// it, AD206 (quotes in the value) where AD103 or a chain that strips quotes does.
pub fn drop_repeated(findings: &mut Vec<Finding>) {
    let explained: Vec<Vec<String>> = findings
        .iter()
        .filter(|f| [&AD102, &AD109, &AD110, &AD115, &AD120].contains(&f.code))
        .map(|f| f.sources.clone())
        .collect();
    let quoted: Vec<Vec<String>> = findings
        .iter()
        .filter(|f| *f.code == AD103 || (*f.code == AD120 && f.steps.contains(&"strip_quotes")))
        .map(|f| f.sources.clone())
        .collect();
    let covered =
        |lists: &[Vec<String>], f: &Finding| lists.iter().any(|srcs| f.sources.iter().all(|s| srcs.contains(s)));
    findings.retain(|f| {
        if *f.code == crate::checks::value::whitespace::AD203 {
            !covered(&explained, f)
        } else if *f.code == crate::checks::value::quotes::AD206 {
            !covered(&quoted, f)
        } else {
            true
        }
    });
}

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[
    &AD100,
    &AD101,
    &AD102,
    &AD103,
    &AD104,
    &AD105,
    &AD106,
    &AD107,
    &AD108,
    &AD109,
    &AD110,
    &AD111,
    &drift::AD112,
    &drift::AD113,
    &AD114,
    &AD115,
    &AD116,
    &AD117,
    &AD118,
    &AD119,
    &AD120,
];

pub const AD100: Code = Code {
    id: "AD100",
    severity: Severity::Ok,
    title: "all values identical",
    hint: "",
    explain: "Why: every source yielded exactly the same bytes (same length, same SHA-256).\n\
Confirm: the sources table shows one fingerprint for all of them.\n\
Fix: nothing to fix in the values. If a verifier still rejects tokens, the cause is elsewhere: the \
running process holds an older value (restart or redeploy it), it reads a different variable, or the \
token itself is wrong (algorithm, audience, issuer, expiry, an encrypted Auth.js cookie instead of a \
signed JWT). Check the token with the jwt commands.",
};

pub const AD101: Code = Code {
    id: "AD101",
    severity: Severity::Error,
    title: "values differ",
    hint: "The values are different secrets: copy the one the token issuer uses to every other place.",
    explain: "Why: the values differ and no simple transformation (whitespace, quotes, BOM, invisible \
characters, encoding, truncation, case) makes them equal: they are different secrets, often an old and \
a new one, or two secrets with similar names.\n\
Confirm: the message gives both lengths, the first differing byte offset and the length of the common \
prefix and suffix. A common prefix of 0 means unrelated values; a long common prefix suggests an edit.\n\
Fix: decide which value is right (the one the token issuer signs with), set it everywhere, and restart \
or redeploy every process that caches it. Use `--reveal` on a trusted terminal to see a hex dump.",
};

pub const AD102: Code = Code {
    id: "AD102",
    severity: Severity::Error,
    title: "values differ only by trailing whitespace or newline",
    hint: "Remove the trailing newline where the value is written: `printf %s \"$SECRET\"` instead of `echo`, or strip it when reading.",
    explain: "Why: one side has a trailing LF, CR LF or spaces. `echo` and most editors end a file with a \
newline; `kubectl create secret --from-file`, Docker and Kubernetes mounted secrets, `aws ssm put-parameter \
--value file://…` and `$(cat file)` in some shells keep or drop it differently. HMAC uses every byte, so a \
single LF changes every signature.\n\
Confirm: the message names the side and the bytes (`LF 0x0a at byte 64`). `authdoctor inspect SOURCE` \
shows every whitespace byte with its offset.\n\
Fix: write the value without the newline (`printf %s`), re-create the file or parameter, or trim when \
reading. Then restart the process that reads it.",
};

pub const AD103: Code = Code {
    id: "AD103",
    severity: Severity::Error,
    title: "values differ only by surrounding quotes",
    hint: "Remove the quotes from the value itself; quote only where the file format needs it and its loader strips them.",
    explain: "Why: one side kept the quotes as part of the value. Most .env loaders strip `\"…\"` and \
`'…'`, but `docker run --env-file`, systemd EnvironmentFile without quote support, Fly/Vercel/Heroku \
dashboards and `fly secrets set 'KEY=\"value\"'` keep them.\n\
Confirm: the message names the side that has them; `authdoctor envfile FILE` shows what each loader reads.\n\
Fix: store the bare value in platform secret stores; in .env files use quotes only with loaders that strip them.",
};

pub const AD104: Code = Code {
    id: "AD104",
    severity: Severity::Error,
    title: "one value is the encoding of the other",
    hint: "Decide whether the secret is the text or the decoded bytes, and make every side use the same one.",
    explain: "Why: one side holds the base64 (or base64url, or hex) text of the other side's bytes. Some \
libraries decode a base64 secret before using it as an HMAC key (jose's `base64url` keys, Spring's \
`Decoders.BASE64`, some Go code), others use the text as is; `openssl rand -base64 32` produces text that \
invites both readings.\n\
Confirm: the message names the encoding and which side is encoded.\n\
Fix: choose one convention. Usually the simplest is to use the text as is on both sides; otherwise \
decode on both.",
};

pub const AD105: Code = Code {
    id: "AD105",
    severity: Severity::Error,
    title: "one value is a truncated copy of the other",
    hint: "Copy the full value again: the shorter side was cut off (copy-paste, a length limit, a `#` or `$` in the value).",
    explain: "Why: one value is a prefix of the other. Common causes: a copy-paste that missed the end, a \
UI field with a length limit, a shell that stopped at a special character, a .env loader that cut the \
value at ` #` (inline comment) or at `$` (variable expansion).\n\
Confirm: the message gives both lengths and where the shorter one ends; `authdoctor envfile` shows \
whether a loader cut it.\n\
Fix: set the full value again. In a .env file, quote a value with ` #` so the comment rule does not cut \
it, and write each `$` as `\\$`: Next.js (@next/env) and dotenv-expand expand `$` inside single and double \
quotes alike; docker compose, python-dotenv and the shell leave single-quoted text as it is.",
};

pub const AD106: Code = Code {
    id: "AD106",
    severity: Severity::Error,
    title: "values differ only by a byte-order mark",
    hint: "Save the file as UTF-8 without BOM and set the value again.",
    explain: "Why: one side starts with U+FEFF (bytes EF BB BF), a byte-order mark added by some Windows \
editors and PowerShell's `Out-File`/`Set-Content`. It is invisible in every terminal.\n\
Confirm: `authdoctor inspect SOURCE` shows `BOM … at byte 0`.\n\
Fix: re-save without BOM (`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`) and set the value again.",
};

pub const AD107: Code = Code {
    id: "AD107",
    severity: Severity::Error,
    title: "values differ only by invisible characters",
    hint: "Re-type or re-generate the value: it contains zero-width or non-breaking characters picked up by copy-paste.",
    explain: "Why: one side contains zero-width spaces, joiners, soft hyphens or non-breaking spaces, \
usually copied from a chat message, a web page or a PDF. They do not show on screen but change the bytes.\n\
Confirm: `authdoctor inspect SOURCE` lists each one by name and offset.\n\
Fix: generate or paste the value from a plain-text source and set it again.",
};

pub const AD108: Code = Code {
    id: "AD108",
    severity: Severity::Error,
    title: "values differ only in letter case",
    hint: "Secrets are case-sensitive: copy the value exactly instead of re-typing it.",
    explain: "Why: the values are equal ignoring ASCII case: re-typed by hand, upper-cased by a tool, or \
a hex string written in upper case on one side.\n\
Confirm: the message says which letters' case differs by count and first offset.\n\
Fix: copy the exact value; for hex keys agree on lower case.",
};

pub const AD109: Code = Code {
    id: "AD109",
    severity: Severity::Error,
    title: "values differ only by leading whitespace",
    hint: "Remove the leading whitespace from the value where it is written.",
    explain: "Why: one side starts with spaces, tabs or newlines, often from `KEY= value` with a loader \
that keeps the space, or a heredoc that indents.\n\
Confirm: the message names the side and the bytes.\n\
Fix: remove the leading whitespace and set the value again.",
};

pub const AD110: Code = Code {
    id: "AD110",
    severity: Severity::Error,
    title: "values differ only in line endings (CR LF vs LF)",
    hint: "Convert the file to LF line endings (`dos2unix FILE`) and set the value again.",
    explain: "Why: a multi-line value (a PEM key, a JSON blob) has CR LF line endings on one side and LF \
on the other: a file edited on Windows or committed with `core.autocrlf`.\n\
Confirm: `authdoctor inspect SOURCE` lists `CR 0x0d` bytes.\n\
Fix: convert to LF (`dos2unix`), or add `* text eol=lf` to .gitattributes.",
};

pub const AD111: Code = Code {
    id: "AD111",
    severity: Severity::Info,
    title: "digest cannot be compared with a value",
    hint: "",
    explain: "Why: some stores (Fly.io secrets) publish only a keyed digest computed on their servers. \
It proves presence and change, but cannot be recomputed from a value, so authdoctor never claims equality \
or difference between such a digest and a value.\n\
Confirm: the source's kind is `digest` in the report.\n\
Fix: to compare the value itself, add a source that yields a value or fingerprints of it.",
};

pub const AD114: Code = Code {
    id: "AD114",
    severity: Severity::Error,
    title: "newlines replaced by spaces",
    hint: "Store the multi-line value from a file so its newlines survive.",
    explain: "Why: one side holds a multi-line value (a PEM key, a certificate) with each newline turned into a \
space. The SSM console, 1Password fields and `chamber env` flatten multi-line values this way; a PEM parser \
then fails, and an HMAC key is simply different bytes.\n\
Confirm: the message names the side with spaces; the lengths are equal (or differ by a trailing newline).\n\
Fix: write the value from a file (`aws ssm put-parameter --value file://key.pem`, `op document create`), or \
keep the key single-line with `\\n` escapes that exactly one loader turns back into newlines.",
};

pub const AD115: Code = Code {
    id: "AD115",
    severity: Severity::Error,
    title: "newlines written as the two characters \\n",
    hint: "Store real newlines, or turn `\\n` into newlines where the value is read.",
    explain: "Why: one side holds each newline as the two characters backslash and `n`. Azure Key Vault, \
`chamber export`, Infisical's Kubernetes sync and many CI secret fields store multi-line values this way; \
a .env loader turns `\\n` into a newline only inside double quotes (node, Next.js, python-dotenv), docker \
and the shell never do.\n\
Confirm: the message counts the escapes and names the side that has them.\n\
Fix: store the value with real newlines (from a file), or decode `\\n` in the program that reads it \
(`key.replace(/\\\\n/g, \"\\n\")`).",
};

pub const AD116: Code = Code {
    id: "AD116",
    severity: Severity::Error,
    title: "newlines stripped",
    hint: "Store the multi-line value from a file so its newlines are kept.",
    explain: "Why: one side holds the value with every newline removed: a form field, a single-line input or a \
`tr -d '\\n'` in a pipeline joined the lines.\n\
Confirm: the message names the side without newlines and how many were removed.\n\
Fix: set the value again from a file.",
};

pub const AD117: Code = Code {
    id: "AD117",
    severity: Severity::Error,
    title: "$NAME segments emptied by variable expansion",
    hint: "Write `$` as `\\$` in the .env file, or use a secret without `$`.",
    explain: "Why: the value contains `$` (bcrypt hashes `$2b$10$…`, generated passwords) and an expanding \
loader (Next.js/@next/env, dotenv-expand, docker compose, the shell, python-dotenv for `${…}`) replaced \
each `$NAME` by an unset variable's empty value. @next/env expands inside single and double quotes alike.\n\
Confirm: the message names the side whose `$` segments were emptied; `authdoctor envfile FILE` shows each \
loader's reading.\n\
Fix: escape each `$` as `\\$`, or generate a secret without `$` (`openssl rand -hex 32`).",
};

pub const AD118: Code = Code {
    id: "AD118",
    severity: Severity::Error,
    title: "one value is a JSON document holding the other",
    hint: "Select the JSON field with `#field` (e.g. `secretsmanager:ID#jwt_secret`).",
    explain: "Why: one side is a JSON object (or a JSON string) whose field holds the other side's value. \
AWS Secrets Manager stores key/value secrets as `{\"jwt_secret\":\"…\"}`; an ECS `valueFrom` without the \
`:jwt_secret::` suffix, or code that reads `SecretString` whole, uses the whole document as the key.\n\
Confirm: the message names the field.\n\
Fix: read the field (`#jwt_secret` in authdoctor, `valueFrom: ARN:jwt_secret::` in ECS, `json.loads(...)[\"jwt_secret\"]`).",
};

pub const AD119: Code = Code {
    id: "AD119",
    severity: Severity::Error,
    title: "one value is the URL-encoding of the other",
    hint: "Store the decoded value, or decode it where it is read.",
    explain: "Why: one side holds `%2B`, `%2F`, `%3D` … where the other has `+`, `/`, `=`: the value passed \
through a URL, a form or a query string and was stored encoded.\n\
Confirm: the message counts the escapes.\n\
Fix: store the decoded value everywhere.",
};

pub const AD120: Code = Code {
    id: "AD120",
    severity: Severity::Error,
    title: "the values differ by a chain of transforms",
    hint: "Undo each step named in the message where the value is stored.",
    explain: "Why: no single difference explains the values, but a chain of two or three does: for example a \
PEM key stored for `docker --env-file` with its quotes kept and each newline written as `\\n`. The message \
lists the steps in the order that undoes them, and the JSON finding's `steps` array names them \
(`[\"strip_quotes\",\"unescape_newlines\"]`).\n\
Confirm: apply the steps to the side named and compare again.\n\
Fix: store the value so that no step is needed (from a file, without quotes, with real newlines).",
};
