#!/usr/bin/env bash
# Re-record tokens made by libraries authdoctor did not write: PyJWT (PyPI) for every JWS family,
# @auth/core and next-auth@4 (npm) `encode()` for session cookies. The recordings, with the secrets
# and keys used, are committed under tests/fixtures/tokens, so cargo test needs neither runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
t=tools/tokens
(cd "$t" && npm install --no-audit --no-fund --silent --legacy-peer-deps)
[ -x "$t/.venv/bin/python" ] || python3 -m venv "$t/.venv"
"$t/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$t/requirements.txt"
node "$t/record.mjs" tests/fixtures/tokens/authjs.json
"$t/.venv/bin/python" "$t/record.py" tests/fixtures/tokens/pyjwt.json
ls -l tests/fixtures/tokens
