#!/usr/bin/env bash
# The whole test suite, exactly as README.md says and CI runs it. Installs what the tests need on a
# fresh machine: moto_server (PyPI moto[server], pinned in tools/test-requirements.txt) into
# tools/.venv-test, which the AWS tests start on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=tools/.venv-test
if [ -z "${AUTHDOCTOR_MOTO_SERVER:-}" ]; then
  if [ ! -x "$venv/bin/moto_server" ]; then
    echo "== installing moto[server] into $venv (first run only)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tools/test-requirements.txt
  fi
  export AUTHDOCTOR_MOTO_SERVER="$PWD/$venv/bin/moto_server"
fi
cargo test --locked "$@"
