#!/usr/bin/env python3
"""The .env corpus every loader emulation is checked against: one file per case, exact bytes.

Writes tests/fixtures/dotenv/cases/NN-name.env. Keys are never set in the recording environment
(only AD_FROM_ENV is, and cases only read it), so each loader's reading of the file is what is
recorded. Run by scripts/record-loaders.sh; the files are committed.
"""
import pathlib
import sys

SECRET = "Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE4gU7iK2oM9rX3zV8bY6wP1qS5tD0fH"
B64 = "q3Jd7yX2cQe0lH8VnVt1xVx6F2mHf9lWm9dO0cQ5p1E="
BS = "\\"

CASES = [
    ("basic", "A=plain\nB=with spaces inside\n"),
    ("export", "export A=1\nexport  B=2\n"),
    ("spaces-around-equals", "A = spaced\nB= lead\nC =trail\n"),
    ("double-quoted", 'A="double"\n'),
    ("single-quoted", "A='single'\n"),
    ("backtick-quoted", "A=`back`\n"),
    ("inner-quotes", 'A="say ' + BS + '"hi' + BS + '""\nB=\'it' + BS + "'s'\n"),
    ("hash-unquoted", "A=abc#def\nB=abc #def\nC=#start\n"),
    ("hash-quoted", 'A="abc #def"\nB=\'abc #def\' # c\n'),
    ("inline-comment", "A=value # comment\nB=value\t# tab comment\n"),
    ("empty-values", "A=\nB=\"\"\nC=''\n"),
    ("trailing-spaces", 'A=value   \nB="value"   \n'),
    ("leading-indent", "\tA=v\n  B=w\n"),
    ("crlf", 'A=one\r\nB="two"\r\nC=three\r\n'),
    ("cr-only", "A=one\rB=two\r"),
    ("bom", "\ufeffA=first\nB=second\n"),
    ("bom-crlf", "\ufeffA=first\r\nB=second\r\n"),
    ("no-final-newline", "A=1\nB=last"),
    ("duplicate-key", "A=first\nA=second\n"),
    ("duplicate-export", "A=1\nexport A=2\n"),
    ("escapes-double", 'A="line1' + BS + 'nline2"\nB="tab' + BS + 'tx"\nC="back' + BS + BS + 'slash"\n'),
    ("escapes-single", "A='line1" + BS + "nline2'\n"),
    ("escapes-unquoted", "A=line1" + BS + "nline2\nB=a" + BS + " b\n"),
    ("multiline-double", 'A="l1\nl2\nl3"\nB=after\n'),
    ("multiline-single", "A='l1\nl2'\nB=after\n"),
    ("pem-multiline", 'KEY="-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7\nAgEAAkEAu1SU1L7VLPHCozMxyw==\n-----END PRIVATE KEY-----"\n'),
    ("pem-escaped", 'KEY="-----BEGIN PRIVATE KEY-----' + BS + 'nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w' + BS + 'n-----END PRIVATE KEY-----' + BS + 'n"\n'),
    ("dollar-reference", "A=base\nB=$A/x\nC=${A}/y\n"),
    ("dollar-default", "A=${NOPE_AD:-fallback}\nB=${NOPE_AD-dash}\n"),
    ("dollar-from-env", "A=$AD_FROM_ENV\nB=${AD_FROM_ENV}\nC=pre-${AD_FROM_ENV}-post\n"),
    ("bcrypt-unquoted", "HASH=$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy\n"),
    ("bcrypt-single", "HASH='$2b$10$N9qo8uLOickgx2ZMRZoMye'\n"),
    ("bcrypt-double", 'HASH="$2b$10$N9qo8uLOickgx2ZMRZoMye"\n'),
    ("dollar-escaped", "A=" + BS + "$NOT\nB=\"" + BS + "$NOT\"\n"),
    ("dollar-alone", "A=price$\nB=a $ b\nC=$\n"),
    ("dollar-dollar", "A=a$$b\n"),
    ("dollar-undefined", "A=x$UNDEFINED_AD_VAR/y\n"),
    ("dollar-single-quoted", "A='$AD_FROM_ENV'\n"),
    ("dollar-forward-reference", "A=$B\nB=later\n"),
    ("base64-padding", "A=" + B64 + "\nB=abc==\n"),
    ("base64-padding-quoted", 'A="' + B64 + '"\n'),
    ("equals-in-value", "A=a=b=c\nURL=postgres://u:p@h/db?x=1&y=2\n"),
    ("unicode", 'A=café\nB="日本語"\nC=emoji😀\n'),
    ("unicode-spaces", "A=nbsp\u00a0end\nB=\u00a0lead\n"),
    ("long-line", "A=" + "x" * 5000 + "\nB=after\n"),
    ("json-value", 'A={"a":1,"b":"c"}\nB=\'{"a": 1}\'\n'),
    ("url-with-fragment", "A=https://x.example/p#frag\nB=https://x.example/p #frag\n"),
    ("colon-separator", "A: colon\nB:nospace\n"),
    ("dotted-and-dashed-keys", "a.b=dot\nc-d=dash\n"),
    ("key-case", "lower=1\nMiXeD=2\n"),
    ("digit-key", "1A=bad\nA1=good\n"),
    ("bare-key", "JUSTKEY\nA=1\n"),
    ("comment-lines", "# comment\n  # indented\nA=1 # trailing\n#B=2\n"),
    ("export-existing", "A=1\nexport A\n"),
    ("unterminated-double", 'A="open\nB=2\n'),
    ("unterminated-single", "A='open\nB=2\n"),
    ("quote-mismatch", "A=\"mixed'\nB=2\n"),
    ("text-after-quote", 'A="quoted"text\nB=2\n'),
    ("backslash-at-end", "A=endswith" + BS + "\nB=2\n"),
    ("padded-quoted", 'A="  padded  "\n'),
    ("tab-in-value", "A=a\tb\n"),
    ("command-substitution", "A=$(echo sub)\nB=plain\n"),
    ("realistic-auth", 'AUTH_SECRET="' + SECRET + '"\nNEXTAUTH_URL=http://localhost:3000\n'),
    ("realistic-unquoted", "AUTH_SECRET=" + SECRET + "\n"),
    ("special-characters", "AUTH_SECRET=Ab$cd#ef\n"),
    ("next-style-reference", "NEXT_PUBLIC_API=$API_URL/v1\nAPI_URL=http://api\n"),
    ("empty-file", ""),
    ("only-comments", "# nothing\n"),
    ("whitespace-value", "A=   \n"),
    ("quoted-empty-comment", 'A="" # empty\n'),
    ("nested-default", "A=${NOPE_AD:-${AD_FROM_ENV}}\n"),
    ("brace-unclosed", "A=${NOPE_AD\nB=2\n"),
    ("self-reference", "A=$A\n"),
    ("export-spaced", "export   A = 1\n"),
    ("semicolon", "A=1;B=2\n"),
    ("space-in-unquoted", "A=hello world\n"),
    ("secret-trailing-space", "AUTH_SECRET=" + SECRET + " \n"),
    ("secret-quoted-crlf", 'AUTH_SECRET="' + SECRET + '"\r\n'),
    ("combined-quote-hash-dollar", "A=\"p#ss$word\" # note\nB='p#ss$word'\nC=p#ss$word\n"),
    # Node's own parser (node --env-file) reads keys up to the next '=' and quotes across lines.
    ("key-spans-lines", "K\nA=1\n"),
    ("all-space-key", "X=1\n   =2\nB=3\n"),
    ("unclosed-single-multiline", "K='a\nb\nL=1\n"),
    ("double-quoted-multiline-tail", 'K="a' + BS + 'nb\nc" tail\nL=2\n'),
    ("export-tab", "export\tA=1\n"),
    ("empty-key-line", "A=1\n=2\nB=3\n"),
]

# Added after the Latin-1 file (which keeps its number): hazards of bun's and Vite's loaders.
CASES_AFTER_LATIN1 = [
    # bun: a double quote runs to the next one, across lines; the rest of that line is dropped.
    ("quote-runs-to-next-quote", 'A="x\nB="y"\nC=1\n'),
    # bun: the value may start on the next line.
    ("value-on-next-line", 'A=\n"q"\nB=1\n'),
    # bun: after a `${` no brace closes, nothing more is expanded.
    ("brace-unclosed-stops-expansion", "A=x\nB=${A}${NOPE_AD $A\n"),
    # Vite (dotenv-expand 12): `${A:+alt}`, and `split(null)`: NOPE_AD with the default fallback.
    ("plus-alternate-and-null", "A=x\nB=${A:+alt}\nC=${NOPE_ADnullfallback}\n"),
    # Vite: String.replace swaps the FIRST "$A", the escaped one.
    ("escaped-first-occurrence", "A=x\nB=" + BS + "$A$A\n"),
    # Vite copies BROWSER into process.env before expanding: it stays "$A".
    ("browser-unexpanded", "A=1\nBROWSER=$A\n"),
    # Vite expands keys in byte order (Node's std::map), bun in file order.
    ("expansion-order", "B=$A\nA=$C\nC=c\n"),
    # Vite: a name every JavaScript object has finds Object.prototype's function or object.
    ("object-prototype-reference", "A=$toString\nB=${__proto__}\n"),
    # bun: a bare `{` in a default does not nest; `${` does.
    ("brace-in-default", "A=${NOPE_AD:-a{b}c}d\nB=${NOPE_AD:-a${AD_FROM_ENV}c}d\n"),
    # bun: TZ, NODE_TLS_REJECT_UNAUTHORIZED and BUN_CONFIG_VERBOSE_FETCH left empty (however) are
    # undefined for the program; any other name keeps "" (compose templates carry `TZ=`).
    ("bun-unset-when-empty",
     "TZ=UTC\nTZ=\nNODE_TLS_REJECT_UNAUTHORIZED=''\nBUN_CONFIG_VERBOSE_FETCH=$NOPE_AD\nNODE_OPTIONS=\nPLAIN=\n"),
]


def main() -> None:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/dotenv/cases")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.env"):
        old.unlink()
    for i, (name, text) in enumerate(CASES, 1):
        (out / f"{i:02d}-{name}.env").write_bytes(text.encode("utf-8"))
    # One file that is not UTF-8 (Latin-1 é), written as raw bytes.
    (out / f"{len(CASES) + 1:02d}-latin1.env").write_bytes(b"A=caf\xe9\nB=ok\n")
    for i, (name, text) in enumerate(CASES_AFTER_LATIN1, len(CASES) + 2):
        (out / f"{i:02d}-{name}.env").write_bytes(text.encode("utf-8"))
    print(f"{len(CASES) + 1 + len(CASES_AFTER_LATIN1)} cases in {out}")


if __name__ == "__main__":
    main()
