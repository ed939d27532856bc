#!/usr/bin/env bash
# The whole test suite, exactly as README.md says and CI runs it. Installs nothing the tests
# do not need; everything they need is installed here, so a fresh machine passes too.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked "$@"
