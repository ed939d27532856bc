#!/usr/bin/env bash
# The whole test suite, exactly as README.md says and CI runs it. Installs what the tests need on a
# fresh machine: moto_server (PyPI moto[server], pinned in tools/test-requirements.txt) into
# tools/.venv-test, which the AWS tests start on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-moto.sh
cargo test --locked "$@"
