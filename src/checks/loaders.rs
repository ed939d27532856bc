//! .env loaders (AD3xx): how the loaders in play read a key differently.
//! Each code is defined here, beside the checks that emit it, and listed in [`CODES`].

use crate::findings::{Code, Severity};

/// Every code of this family, for the registry (`crate::findings::registry`).
pub const CODES: &[&Code] = &[&AD301, &AD302, &AD303, &AD304, &AD305, &AD306, &AD307, &AD308];

pub const AD301: Code = Code {
    id: "AD301",
    severity: Severity::Warning,
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
};

pub const AD302: Code = Code {
    id: "AD302",
    severity: Severity::Warning,
    title: ".env file is not valid UTF-8",
    hint: "Save the file as UTF-8: the loader replaced the invalid bytes.",
    explain: "Why: the .env file contains bytes that are not UTF-8 (often Latin-1 or UTF-16 from a Windows \
editor). Node and Python decode files as UTF-8 and replace each invalid sequence with U+FFFD, so the \
value the program sees is not the bytes on disk.\n\
Confirm: the message gives the line and byte offset of the first invalid byte.\n\
Fix: re-save the file as UTF-8 (`iconv -f latin1 -t utf-8`).",
};

pub const AD303: Code = Code {
    id: "AD303",
    severity: Severity::Warning,
    title: "value contains a command substitution",
    hint: "Put the value itself in the file: authdoctor does not run `$(…)`, and not every loader does.",
    explain: "Why: the value contains `$(command)` or backquotes. Ruby's dotenv and the shell run the command \
and use its output; node, python and docker keep the text. authdoctor never runs it, so it compares the \
text as written.\n\
Confirm: `authdoctor envfile FILE` marks the key as unresolved for those loaders.\n\
Fix: write the value itself, or fetch it with a `cmd:` source to compare what the command prints.",
};

pub const AD304: Code = Code {
    id: "AD304",
    severity: Severity::Warning,
    title: "key defined more than once",
    hint: "Keep one definition of the key: loaders disagree on which one wins.",
    explain: "Why: the same key appears on several lines. Most loaders keep the last definition; dotenvy (Rust) \
keeps the first, and Next.js keeps the first across files (.env.local over .env).\n\
Confirm: the message lists the lines.\n\
Fix: delete the stale definitions.",
};

pub const AD305: Code = Code {
    id: "AD305",
    severity: Severity::Warning,
    title: ".env file starts with a byte-order mark",
    hint: "Save the file as UTF-8 without BOM.",
    explain: "Why: the file starts with U+FEFF (EF BB BF). Node's dotenv, python-dotenv, docker, compose and \
dotenvy skip it, but a shell reads it as part of the first variable's name, so the first key is not set.\n\
Confirm: `authdoctor inspect file:PATH` shows `BOM … at byte 0`.\n\
Fix: re-save without BOM (`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`).",
};

pub const AD306: Code = Code {
    id: "AD306",
    severity: Severity::Warning,
    title: ".env file has CR LF line endings",
    hint: "Convert the file to LF line endings (`dos2unix FILE`).",
    explain: "Why: lines end with CR LF. Loaders that split on LF only (docker's --env-file reader strips one CR \
but a shell keeps it) can leave a CR at the end of a value, an invisible extra byte.\n\
Confirm: `authdoctor envfile FILE` shows which loaders read a different length.\n\
Fix: `dos2unix FILE`, and `* text eol=lf` in .gitattributes.",
};

pub const AD307: Code = Code {
    id: "AD307",
    severity: Severity::Warning,
    title: "a loader rejects or skips part of the file",
    hint: "Fix the line named in the message: some loaders skip it or refuse the whole file.",
    explain: "Why: a line is not valid for some loader: an unterminated quote, a space in a name, a character \
a name may not have, an unknown `${…}` form. Docker and compose refuse the whole file, python-dotenv and \
the shell skip the line (a script that sources the file may exit), dotenvy stops there.\n\
Confirm: the message names the loader and the line.\n\
Fix: correct the line; `authdoctor envfile FILE` again until no loader complains.",
};

pub const AD308: Code = Code {
    id: "AD308",
    severity: Severity::Warning,
    title: "key is also set in the environment",
    hint: "Unset the variable in the environment, or make sure it holds the same value: the loader will not override it.",
    explain: "Why: dotenv loaders (node, Next.js, python, ruby, dotenvy) never override a variable that is \
already in the process environment, so a stale exported value silently wins over the file.\n\
Confirm: `authdoctor compare env:FILE#KEY envvar:KEY`.\n\
Fix: `unset KEY` in the shell or CI job, or update it to the file's value.",
};
