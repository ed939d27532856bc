#!/usr/bin/env bash
# Re-record tokens made by libraries authdoctor did not write: PyJWT (PyPI) for every JWS family,
# @auth/core and next-auth@4 (npm) `encode()` for session cookies; and what each verifier library
# (PyJWT, python-jose, npm jsonwebtoken, jose, @auth/core decode) says of the verifier corpus
# (tests/fixtures/tokens/verifiers.json, checked by `--verifier`'s profiles). The recordings, with the secrets
# and keys used, are committed under tests/fixtures/tokens, so cargo test needs neither runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
t=tools/tokens
(cd "$t" && npm install --no-audit --no-fund --silent --legacy-peer-deps)
[ -x "$t/.venv/bin/python" ] || python3 -m venv "$t/.venv"
"$t/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$t/requirements.txt"
node "$t/record.mjs" tests/fixtures/tokens/authjs.json
"$t/.venv/bin/python" "$t/record.py" tests/fixtures/tokens/pyjwt.json
v=tests/fixtures/tokens/verifiers.json
"$t/.venv/bin/python" "$t/record_verifiers.py" tests/fixtures/tokens/authjs.json "$v"
node "$t/record_verifiers.mjs" "$v"
"$t/.venv/bin/python" "$t/record_verifiers.py" "$v"
ls -l tests/fixtures/tokens
