//! The finding catalog: every code authdoctor can emit, in one table. Codes are stable and never reused.

use super::Severity;

pub struct Entry {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// The default next step shown under the verdict; a check may give a sharper one.
    pub hint: &'static str,
    /// `authdoctor explain CODE`: why it happens, how to confirm, how to fix.
    pub explain: &'static str,
}

use Severity::*;

pub const CATALOG: &[Entry] = &[
    Entry {
        code: "AD001",
        severity: Error,
        title: "source could not be read",
        hint: "Fix access to the source named above (path, permissions, command), then run again.",
        explain: "Why: authdoctor could not get a value from a source: the file does not exist or is not \
readable, the command failed or timed out, standard input was empty or closed, or the data is larger \
than the 8 MiB a secret source may be.\n\
Confirm: the message names the source and the operating-system error. Try reading the source yourself \
(`ls -l PATH`, run the command by hand).\n\
Fix: correct the path or command, grant read access, or raise `--timeout` for a slow command. The run \
exits 3 whenever a source cannot be read, because nothing can be said about a value that was never seen.",
    },
    Entry {
        code: "AD002",
        severity: Error,
        title: "key or parameter not found",
        hint: "Check the key name: the message lists the keys that do exist.",
        explain: "Why: the source was read but the key asked for is not in it: a typo, a different name on \
each side (AUTH_SECRET vs NEXTAUTH_SECRET vs AUTH_SYNC_SECRET), or a line the loader does not parse as \
an assignment (for example `AUTH_SECRET = x` for loaders that forbid spaces).\n\
Confirm: the message lists the names the loader found (names only, never values).\n\
Fix: use the name the program really reads. If the program reads a name that is not in the file, it is \
reading it from somewhere else (the process environment, a platform secret), so add that place as a source.",
    },
    Entry {
        code: "AD003",
        severity: Error,
        title: "an HTML page was served instead of the config script",
        hint: "Check the config script's path: a single-page app answers unknown paths with index.html.",
        explain: "Why: the URL answered with an HTML page (status 200, `text/html` or `<!doctype html>`), which \
is what single-page apps and CDNs serve for any path they do not know: the config script lives somewhere \
else, or was not deployed.\n\
Confirm: open the URL in a browser and view the source; `curl -sI URL` shows the Content-Type.\n\
Fix: use the real path of the script (see the page's <script src=…>), or deploy it.",
    },
    Entry {
        code: "AD004",
        severity: Error,
        title: "the value at the path is not a string",
        hint: "Point the path at the string itself.",
        explain: "Why: the path leads to a number, boolean, null, array or object rather than a string, so there \
is no secret text to compare.\n\
Confirm: the message names the type found.\n\
Fix: extend the path (`.key`, `[0]`) to the string.",
    },
    Entry {
        code: "AD100",
        severity: Ok,
        title: "all values identical",
        hint: "",
        explain: "Why: every source yielded exactly the same bytes (same length, same SHA-256).\n\
Confirm: the sources table shows one fingerprint for all of them.\n\
Fix: nothing to fix in the values. If a verifier still rejects tokens, the cause is elsewhere: the \
running process holds an older value (restart or redeploy it), it reads a different variable, or the \
token itself is wrong (algorithm, audience, issuer, expiry, an encrypted Auth.js cookie instead of a \
signed JWT). Check the token with the jwt commands.",
    },
    Entry {
        code: "AD101",
        severity: Error,
        title: "values differ",
        hint: "The values are different secrets: copy the one the token issuer uses to every other place.",
        explain: "Why: the values differ and no simple transformation (whitespace, quotes, BOM, invisible \
characters, encoding, truncation, case) makes them equal: they are different secrets, often an old and \
a new one, or two secrets with similar names.\n\
Confirm: the message gives both lengths, the first differing byte offset and the length of the common \
prefix and suffix. A common prefix of 0 means unrelated values; a long common prefix suggests an edit.\n\
Fix: decide which value is right (the one the token issuer signs with), set it everywhere, and restart \
or redeploy every process that caches it. Use `--reveal` on a trusted terminal to see a hex dump.",
    },
    Entry {
        code: "AD102",
        severity: Error,
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
    },
    Entry {
        code: "AD103",
        severity: Error,
        title: "values differ only by surrounding quotes",
        hint: "Remove the quotes from the value itself; quote only where the file format needs it and its loader strips them.",
        explain: "Why: one side kept the quotes as part of the value. Most .env loaders strip `\"…\"` and \
`'…'`, but `docker run --env-file`, systemd EnvironmentFile without quote support, Fly/Vercel/Heroku \
dashboards and `fly secrets set 'KEY=\"value\"'` keep them.\n\
Confirm: the message names the side that has them; `authdoctor envfile FILE` shows what each loader reads.\n\
Fix: store the bare value in platform secret stores; in .env files use quotes only with loaders that strip them.",
    },
    Entry {
        code: "AD104",
        severity: Error,
        title: "one value is the encoding of the other",
        hint: "Decide whether the secret is the text or the decoded bytes, and make every side use the same one.",
        explain: "Why: one side holds the base64 (or base64url, or hex) text of the other side's bytes. Some \
libraries decode a base64 secret before using it as an HMAC key (jose's `base64url` keys, Spring's \
`Decoders.BASE64`, some Go code), others use the text as is; `openssl rand -base64 32` produces text that \
invites both readings.\n\
Confirm: the message names the encoding and which side is encoded.\n\
Fix: choose one convention. Usually the simplest is to use the text as is on both sides; otherwise \
decode on both.",
    },
    Entry {
        code: "AD105",
        severity: Error,
        title: "one value is a truncated copy of the other",
        hint: "Copy the full value again: the shorter side was cut off (copy-paste, a length limit, a `#` or `$` in the value).",
        explain: "Why: one value is a prefix of the other. Common causes: a copy-paste that missed the end, a \
UI field with a length limit, a shell that stopped at a special character, a .env loader that cut the \
value at ` #` (inline comment) or at `$` (variable expansion).\n\
Confirm: the message gives both lengths and where the shorter one ends; `authdoctor envfile` shows \
whether a loader cut it.\n\
Fix: set the full value again; quote it in .env files so `#` and `$` are kept.",
    },
    Entry {
        code: "AD106",
        severity: Error,
        title: "values differ only by a byte-order mark",
        hint: "Save the file as UTF-8 without BOM and set the value again.",
        explain: "Why: one side starts with U+FEFF (bytes EF BB BF), a byte-order mark added by some Windows \
editors and PowerShell's `Out-File`/`Set-Content`. It is invisible in every terminal.\n\
Confirm: `authdoctor inspect SOURCE` shows `BOM … at byte 0`.\n\
Fix: re-save without BOM (`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`) and set the value again.",
    },
    Entry {
        code: "AD107",
        severity: Error,
        title: "values differ only by invisible characters",
        hint: "Re-type or re-generate the value: it contains zero-width or non-breaking characters picked up by copy-paste.",
        explain: "Why: one side contains zero-width spaces, joiners, soft hyphens or non-breaking spaces, \
usually copied from a chat message, a web page or a PDF. They do not show on screen but change the bytes.\n\
Confirm: `authdoctor inspect SOURCE` lists each one by name and offset.\n\
Fix: generate or paste the value from a plain-text source and set it again.",
    },
    Entry {
        code: "AD108",
        severity: Error,
        title: "values differ only in letter case",
        hint: "Secrets are case-sensitive: copy the value exactly instead of re-typing it.",
        explain: "Why: the values are equal ignoring ASCII case: re-typed by hand, upper-cased by a tool, or \
a hex string written in upper case on one side.\n\
Confirm: the message says which letters' case differs by count and first offset.\n\
Fix: copy the exact value; for hex keys agree on lower case.",
    },
    Entry {
        code: "AD109",
        severity: Error,
        title: "values differ only by leading whitespace",
        hint: "Remove the leading whitespace from the value where it is written.",
        explain: "Why: one side starts with spaces, tabs or newlines, often from `KEY= value` with a loader \
that keeps the space, or a heredoc that indents.\n\
Confirm: the message names the side and the bytes.\n\
Fix: remove the leading whitespace and set the value again.",
    },
    Entry {
        code: "AD110",
        severity: Error,
        title: "values differ only in line endings (CR LF vs LF)",
        hint: "Convert the file to LF line endings (`dos2unix FILE`) and set the value again.",
        explain: "Why: a multi-line value (a PEM key, a JSON blob) has CR LF line endings on one side and LF \
on the other: a file edited on Windows or committed with `core.autocrlf`.\n\
Confirm: `authdoctor inspect SOURCE` lists `CR 0x0d` bytes.\n\
Fix: convert to LF (`dos2unix`), or add `* text eol=lf` to .gitattributes.",
    },
    Entry {
        code: "AD111",
        severity: Info,
        title: "digest cannot be compared with a value",
        hint: "",
        explain: "Why: some stores (Fly.io secrets) publish only a keyed digest computed on their servers. \
It proves presence and change, but cannot be recomputed from a value, so authdoctor never claims equality \
or difference between such a digest and a value.\n\
Confirm: the source's kind is `digest` in the report.\n\
Fix: to compare the value itself, add a source that yields a value or fingerprints of it.",
    },
    Entry {
        code: "AD112",
        severity: Warning,
        title: "source changed since the baseline",
        hint: "If the change was meant (a rotation), record it: `authdoctor check --update-baseline`.",
        explain: "Why: `authdoctor check --baseline authdoctor.lock` compares each source's fingerprint (length \
and the first 12 hex digits of SHA-256, or the store's digest and status) with the last known-good run. A \
source that changed while the others did not is how drift starts: someone set the secret again in one place, \
an editor added a newline, a deploy staged a new Fly secret.\n\
Confirm: the message says what changed (length, hash, digest, status) and, where the fingerprints show it, \
how (for example a trailing newline added). `authdoctor inspect SOURCE` shows the value's shape now.\n\
Fix: if the change was a mistake, set the value back. If it was a rotation, make sure every source has \
the new value, then run `authdoctor check --update-baseline` to record the new known-good state. The lock \
file holds fingerprints only, never a value.",
    },
    Entry {
        code: "AD113",
        severity: Info,
        title: "source not in the baseline",
        hint: "Record it: `authdoctor check --update-baseline`.",
        explain: "Why: the source is in authdoctor.toml but not in the baseline file: it was added after the \
baseline was written, or its spec was edited (the baseline is keyed by the spec as written, without its label).\n\
Confirm: look for the spec in authdoctor.lock.\n\
Fix: once the check passes, run `authdoctor check --update-baseline` to record it.",
    },
    Entry {
        code: "AD201",
        severity: Warning,
        title: "shorter than 32 bytes for an HMAC key",
        hint: "Generate a longer secret: `openssl rand -hex 32` (64 characters).",
        explain: "Why: RFC 7518 §3.2 requires an HS256 key of at least 256 bits (32 bytes); shorter keys can \
be brute-forced, and some libraries (jose, Spring Security) reject them outright, which looks like a \
signature failure.\n\
Confirm: the message gives the length in bytes.\n\
Fix: generate a new random secret of 32 bytes or more (`openssl rand -hex 32`) and set it everywhere.",
    },
    Entry {
        code: "AD202",
        severity: Warning,
        title: "placeholder value",
        hint: "Replace the placeholder with a real random secret: `openssl rand -hex 32`.",
        explain: "Why: the value looks like a template placeholder (`changeme`, `your-secret-here`, `xxx`, \
`<secret>`): an example file copied without being filled in, so one side signs with a public string.\n\
Confirm: the message says which pattern matched (not the value).\n\
Fix: generate a real secret and set it in every place.",
    },
    Entry {
        code: "AD203",
        severity: Warning,
        title: "leading or trailing whitespace",
        hint: "Strip the whitespace where the value is written (`printf %s`, not `echo`).",
        explain: "Why: whitespace at either end of a secret is almost never intended; it comes from `echo`, \
editors adding a final newline, or `KEY= value`. Some readers trim it and some do not, which is how two \
sides end up with different bytes.\n\
Confirm: the message lists each byte by name and offset.\n\
Fix: write the value without it, or trim consistently when reading.",
    },
    Entry {
        code: "AD204",
        severity: Warning,
        title: "control or invisible characters",
        hint: "Re-generate or re-paste the value from a plain-text source.",
        explain: "Why: the value contains control characters (other than surrounding whitespace), a BOM, \
zero-width or non-breaking characters. They are invisible on screen and usually arrive by copy-paste.\n\
Confirm: the message lists each one by name and offset.\n\
Fix: set the value again from a plain-text source.",
    },
    Entry {
        code: "AD205",
        severity: Warning,
        title: "non-ASCII characters",
        hint: "Prefer an ASCII secret (`openssl rand -hex 32`): encodings differ between platforms.",
        explain: "Why: non-ASCII characters are encoded differently by different runtimes and stores (UTF-8, \
UTF-16, Latin-1, NFC vs NFD normalisation), so two sides can hold different bytes for the same text.\n\
Confirm: `authdoctor inspect SOURCE` counts them.\n\
Fix: use an ASCII-only secret.",
    },
    Entry {
        code: "AD206",
        severity: Warning,
        title: "surrounding quotes are part of the value",
        hint: "Remove the quotes from the stored value.",
        explain: "Why: the value itself begins and ends with a quote character. Quotes belong to file syntax, \
not to secrets; a store or loader that does not strip them hands them to the program.\n\
Confirm: `authdoctor envfile FILE` shows which loaders keep them.\n\
Fix: store the bare value.",
    },
    Entry {
        code: "AD207",
        severity: Error,
        title: "empty value",
        hint: "Set the value: the key exists but holds nothing.",
        explain: "Why: the key exists but its value is empty: `KEY=` in a file, a variable exported empty, a \
loader that cut the value entirely (a value starting with `#` or `$`).\n\
Confirm: the length is 0 in the sources table.\n\
Fix: set the value; if a loader emptied it, quote it.",
    },
    Entry {
        code: "AD208",
        severity: Warning,
        title: "not valid UTF-8",
        hint: "Use a text secret (`openssl rand -hex 32`); most JWT libraries take the key as a string.",
        explain: "Why: the bytes are not valid UTF-8. Most JWT libraries take the key as a string, and \
runtimes that decode it replace invalid bytes with U+FFFD, so two sides hash different bytes.\n\
Confirm: the message gives the offset of the first invalid byte.\n\
Fix: use a text secret, or have every side agree on raw bytes (base64-decode on both).",
    },
    Entry {
        code: "AD209",
        severity: Warning,
        title: "looks like an unexpanded variable reference",
        hint: "The reference was never expanded: set the real value, or use a loader that expands it.",
        explain: "Why: the value has the shape `${NAME}` or `$NAME`: a template or a .env line meant to be \
expanded by dotenv-expand, Next.js or a shell, read by a loader that does not expand.\n\
Confirm: `authdoctor envfile FILE` shows which loaders expand the reference.\n\
Fix: put the real value there, or load the file with the loader the program really uses.",
    },
    Entry {
        code: "AD210",
        severity: Warning,
        title: "value is a JWT, not a secret",
        hint: "Use the signing secret here, not a token signed with it.",
        explain: "Why: the value has the shape of a JWT (`xxxxx.yyyyy.zzzzz` with a JSON header): a token \
was pasted where the signing secret belongs.\n\
Confirm: `authdoctor jwt decode` on it shows a header and claims.\n\
Fix: put the secret that signs tokens here.",
    },
    Entry {
        code: "AD211",
        severity: Info,
        title: "value is base64 text",
        hint: "",
        explain: "Why: the value is valid base64 of a length typical of generated keys (`openssl rand -base64 32` \
gives 44 characters for 32 bytes). Some libraries decode such a secret before using it as the HMAC key, \
others use the text; both sides must do the same.\n\
Confirm: the message gives the decoded length.\n\
Fix: nothing, as long as every side treats it the same way. `authdoctor jwt verify` tries both.",
    },
    Entry {
        code: "AD301",
        severity: Warning,
        title: "loaders read this key differently",
        hint: "Write the value so every loader reads the same bytes: quote it with single quotes, no `$`, `#`, backslashes or trailing spaces.",
        explain: "Why: the same line of a .env file reaches a program as different bytes depending on who loads \
it. Node's dotenv keeps `$` text, Next.js and compose expand it (emptying bcrypt-like `$2b$10$…`); docker \
keeps quotes, trailing spaces and ` # comments`; `\\n` becomes a newline for some and stays two characters \
for others; a repeated key keeps its first value in dotenvy and its last elsewhere.\n\
Confirm: `authdoctor envfile FILE` lists each key with the loaders that agree (length and fingerprint per \
group) and the cause of each disagreement; `--loaders` narrows to the loaders your project uses.\n\
Fix: make the value loader-proof (plain characters, single quotes where needed), or make sure every \
reader uses the same loader. For secrets, `openssl rand -hex 32` produces values no loader alters.",
    },
    Entry {
        code: "AD302",
        severity: Warning,
        title: ".env file is not valid UTF-8",
        hint: "Save the file as UTF-8: the loader replaced the invalid bytes.",
        explain: "Why: the .env file contains bytes that are not UTF-8 (often Latin-1 or UTF-16 from a Windows \
editor). Node and Python decode files as UTF-8 and replace each invalid sequence with U+FFFD, so the \
value the program sees is not the bytes on disk.\n\
Confirm: the message gives the line and byte offset of the first invalid byte.\n\
Fix: re-save the file as UTF-8 (`iconv -f latin1 -t utf-8`).",
    },
    Entry {
        code: "AD303",
        severity: Warning,
        title: "value contains a command substitution",
        hint: "Put the value itself in the file: authdoctor does not run `$(…)`, and not every loader does.",
        explain: "Why: the value contains `$(command)` or backquotes. Ruby's dotenv and the shell run the command \
and use its output; node, python and docker keep the text. authdoctor never runs it, so it compares the \
text as written.\n\
Confirm: `authdoctor envfile FILE` marks the key as unresolved for those loaders.\n\
Fix: write the value itself, or fetch it with a `cmd:` source to compare what the command prints.",
    },
    Entry {
        code: "AD304",
        severity: Warning,
        title: "key defined more than once",
        hint: "Keep one definition of the key: loaders disagree on which one wins.",
        explain: "Why: the same key appears on several lines. Most loaders keep the last definition; dotenvy (Rust) \
keeps the first, and Next.js keeps the first across files (.env.local over .env).\n\
Confirm: the message lists the lines.\n\
Fix: delete the stale definitions.",
    },
    Entry {
        code: "AD305",
        severity: Warning,
        title: ".env file starts with a byte-order mark",
        hint: "Save the file as UTF-8 without BOM.",
        explain: "Why: the file starts with U+FEFF (EF BB BF). Node's dotenv, python-dotenv, docker, compose and \
dotenvy skip it, but a shell reads it as part of the first variable's name, so the first key is not set.\n\
Confirm: `authdoctor inspect file:PATH` shows `BOM … at byte 0`.\n\
Fix: re-save without BOM (`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`).",
    },
    Entry {
        code: "AD306",
        severity: Warning,
        title: ".env file has CR LF line endings",
        hint: "Convert the file to LF line endings (`dos2unix FILE`).",
        explain: "Why: lines end with CR LF. Loaders that split on LF only (docker's --env-file reader strips one CR \
but a shell keeps it) can leave a CR at the end of a value, an invisible extra byte.\n\
Confirm: `authdoctor envfile FILE` shows which loaders read a different length.\n\
Fix: `dos2unix FILE`, and `* text eol=lf` in .gitattributes.",
    },
    Entry {
        code: "AD307",
        severity: Warning,
        title: "a loader rejects or skips part of the file",
        hint: "Fix the line named in the message: some loaders skip it or refuse the whole file.",
        explain: "Why: a line is not valid for some loader: an unterminated quote, a space in a name, a character \
a name may not have, an unknown `${…}` form. Docker and compose refuse the whole file, python-dotenv and \
the shell skip the line (a script that sources the file may exit), dotenvy stops there.\n\
Confirm: the message names the loader and the line.\n\
Fix: correct the line; `authdoctor envfile FILE` again until no loader complains.",
    },
    Entry {
        code: "AD308",
        severity: Warning,
        title: "key is also set in the environment",
        hint: "Unset the variable in the environment, or make sure it holds the same value: the loader will not override it.",
        explain: "Why: dotenv loaders (node, Next.js, python, ruby, dotenvy) never override a variable that is \
already in the process environment, so a stale exported value silently wins over the file.\n\
Confirm: `authdoctor compare env:FILE#KEY envvar:KEY`.\n\
Fix: `unset KEY` in the shell or CI job, or update it to the file's value.",
    },
    Entry {
        code: "AD401",
        severity: Error,
        title: "malformed token",
        hint: "Copy the whole token again: the message says which segment is broken and where.",
        explain: "Why: the text is not a compact JWS (3 base64url segments) or JWE (5): a truncated copy, \
standard base64 (`+`, `/`, `=`) instead of base64url, a header that is not JSON, or not a JWT at all \
(an opaque session id).\n\
Confirm: the message names the segment, the offset and the reason; `authdoctor jwt decode` shows what \
it could read.\n\
Fix: copy the token from the request itself (the Authorization header or the cookie), not from a log \
that cuts long lines.",
    },
    Entry {
        code: "AD402",
        severity: Warning,
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
    },
    Entry {
        code: "AD403",
        severity: Ok,
        title: "signature verified",
        hint: "",
        explain: "Why: one of the candidate secrets or keys verifies the token's signature; the message names \
it and the form that worked (as is, trimmed, base64-decoded …).\n\
Confirm: if the form is not \"as is\", the verifier must use the secret in that form too.\n\
Fix: nothing for the signature; if the verifier still rejects the token, look at the claim findings.",
    },
    Entry {
        code: "AD404",
        severity: Error,
        title: "no candidate verifies the signature",
        hint: "The token was signed with a secret or key none of the candidates holds: add the place the issuer reads its secret from as another --secret.",
        explain: "Why: the signature matches none of the candidates, in any form (as is, trimmed, base64-, \
base64url- or hex-decoded), or no key has the token's `kid`.\n\
Confirm: the message says whether the candidates agree with each other; `authdoctor compare` explains \
how they differ.\n\
Fix: find the secret the issuer really signs with (its environment, not the file you think it reads) \
and make every verifier use it; restart processes that cache it.",
    },
    Entry {
        code: "AD405",
        severity: Error,
        title: "token expired",
        hint: "Get a fresh token; if tokens expire too early, check both clocks and the issuer's lifetime.",
        explain: "Why: now is later than `exp` plus the leeway (60 s by default, `--leeway`).\n\
Confirm: the message gives `exp` as a date and how long ago it passed.\n\
Fix: get a new token; synchronise clocks (NTP); raise the lifetime at the issuer if it is too short.",
    },
    Entry {
        code: "AD406",
        severity: Error,
        title: "audience mismatch",
        hint: "Make the issuer set the audience the verifier expects (or the verifier expect the one it sets).",
        explain: "Why: the verifier expects an `aud` the token does not carry.\n\
Confirm: the message shows both.\n\
Fix: agree on one audience string on both sides.",
    },
    Entry {
        code: "AD407",
        severity: Error,
        title: "issuer mismatch",
        hint: "Make the issuer and the verifier agree on the `iss` string.",
        explain: "Why: the token's `iss` differs from the issuer the verifier expects (a trailing slash, \
http vs https, another environment).\n\
Confirm: the message shows both.\n\
Fix: use the same issuer string on both sides.",
    },
    Entry {
        code: "AD408",
        severity: Error,
        title: "required claim missing",
        hint: "Add the claim where the token is made (e.g. the Auth.js jwt callback).",
        explain: "Why: the verifier needs a claim (such as `userId`) that the token does not have: the issuer \
never adds it, for example an Auth.js `jwt` callback that does not copy `user.id` into the token.\n\
Confirm: the message lists the claims present.\n\
Fix: add the claim when the token is created.",
    },
    Entry {
        code: "AD409",
        severity: Error,
        title: "algorithm not allowed",
        hint: "Sign with an algorithm the verifier allows, and never accept `alg: none`.",
        explain: "Why: the token says `alg: none`, or an algorithm outside the allowed list (`--alg`), or an \
algorithm of another family than the key (an HS256 token checked against a public key is the classic \
algorithm-confusion attack).\n\
Confirm: the message names the algorithm and what was expected.\n\
Fix: configure the issuer and the verifier with the same algorithm.",
    },
    Entry {
        code: "AD410",
        severity: Error,
        title: "token not yet valid",
        hint: "Check the clocks of the issuer and the verifier (NTP).",
        explain: "Why: `nbf` is later than now plus the leeway: the issuer's clock is ahead of the verifier's, \
or the token is meant for later.\n\
Confirm: the message gives `nbf` as a date.\n\
Fix: synchronise clocks, or allow some leeway.",
    },
    Entry {
        code: "AD411",
        severity: Warning,
        title: "token has an audience the verifier does not check",
        hint: "Give the verifier the audience (`--aud`, PyJWT `audience=`, jsonwebtoken `set_audience`).",
        explain: "Why: the token carries `aud`, but no audience was given to check it against. PyJWT, \
jsonwebtoken (Rust) and jose reject such a token by default (\"Invalid audience\"), which looks like a \
signature problem in logs.\n\
Confirm: run again with `--aud VALUE`.\n\
Fix: configure the verifier with the audience the issuer sets.",
    },
    Entry {
        code: "AD412",
        severity: Warning,
        title: "token larger than 8 KB",
        hint: "Keep tokens small: move large claims (permissions, bucket lists) to a lookup.",
        explain: "Why: many proxies and servers limit a header to 8 KB (nginx, AWS ALB 16 KB per header), and \
browsers limit cookies to 4 KB (Auth.js then splits them into `.0`, `.1` chunks); an oversized token \
is cut or refused before any signature check.\n\
Confirm: the message gives the size.\n\
Fix: put less in the token.",
    },
    Entry {
        code: "AD413",
        severity: Ok,
        title: "encrypted session cookie decrypted",
        hint: "",
        explain: "Why: one candidate secret decrypts the Auth.js/NextAuth cookie; the message names it, the \
library and the salt (cookie name) used.\n\
Confirm: the claims shown are the session's.\n\
Fix: nothing for the secret; see AD402 for how a separate backend should authenticate.",
    },
    Entry {
        code: "AD414",
        severity: Error,
        title: "algorithm not supported",
        hint: "Verify this token with a library that supports its algorithm, or sign with a supported one.",
        explain: "Why: the token's algorithm (for example ES512) is valid JOSE but not supported by authdoctor's \
JWT library (jsonwebtoken), so it cannot be checked here; that is not the same as invalid.\n\
Confirm: the message names the algorithm.\n\
Fix: use ES256/ES384, RS*, PS*, EdDSA or HS* if you control the issuer.",
    },
    Entry {
        code: "AD415",
        severity: Error,
        title: "the signature verifies only with a transformed secret",
        hint: "Make issuer and verifier use the same bytes: remove the newline or encoding where the secret is stored, or transform it the same way on both sides.",
        explain: "Why: the token verifies with a candidate only after trimming whitespace, base64- or hex-decoding it, \
or adding a newline: the issuer and this copy of the secret differ by exactly that, so a verifier using \
the value as stored fails with \"Invalid signature\" although the secrets \"match\".\n\
Confirm: the message names the candidate and the transformation; `authdoctor compare` on the places the \
secret lives shows the same difference (AD102, AD104).\n\
Fix: store the value both sides use (for example `printf %s` instead of `echo`), then restart.",
    },
    Entry {
        code: "AD501",
        severity: Error,
        title: "Fly secret staged, not deployed to running machines",
        hint: "Run `fly secrets deploy` so every machine gets the new value.",
        explain: "Why: `fly secrets set --stage` (and some dashboard edits) store a new value without restarting \
the machines, so the running app keeps the old one: the store says one thing, the process another. \
`Partial` means a rolling deploy left some machines on the old value.\n\
Confirm: `fly secrets list --app APP` marks the secret with `*` (staged) or `!` (partial); compare \
`fly-runtime:APP#NAME` with the value you expect to see what the machine really holds.\n\
Fix: `fly secrets deploy --app APP` (or `fly deploy`), then check again.",
    },
];

pub fn lookup(code: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|e| e.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let mut seen = HashSet::new();
        for e in CATALOG {
            assert!(seen.insert(e.code), "duplicate code {}", e.code);
            assert!(e.code.len() == 5 && e.code.starts_with("AD"), "bad code {}", e.code);
            assert!(e.code[2..].chars().all(|c| c.is_ascii_digit()), "bad code {}", e.code);
            assert!(!e.title.is_empty());
            for part in ["Why:", "Confirm:", "Fix:"] {
                assert!(e.explain.contains(part), "{} explain lacks {part}", e.code);
            }
            if e.severity >= Severity::Warning {
                assert!(!e.hint.is_empty(), "{} needs a hint", e.code);
            }
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("ad102").map(|e| e.code), Some("AD102"));
        assert!(lookup("AD999").is_none());
    }
}
