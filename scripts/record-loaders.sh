#!/usr/bin/env bash
# Re-record what the REAL .env loaders read from every case of the corpus, so the Rust tests can
# compare authdoctor's emulations with them byte for byte. Installs the loaders it needs:
#   npm: dotenv@16.3.1, dotenv@17.4.1, dotenv-expand@10.0.0, @next/env@16.4.6 (tools/loaders/package.json)
#   node itself: its own parser (node --env-file, util.parseEnv; Node >= 20.12) as `node-native`
#   npm: vite@8.4.0 (`loadEnv`, run by tools/loaders/record-vite.mjs; needs Node ^20.19 or >= 22.12)
#   npm: bun@1.4.5, whose install copies the binary of @oven/bun-linux-x64 (tools/loaders/record-bun.py
#        runs it on each case; if the install script did not run, that package's bin/bun is used)
#   Debian: golang-go and golang-github-joho-godotenv-dev (godotenv 1.5.1), for tools/loaders/record-go
#   PyPI: python-dotenv==1.2.4 (tools/loaders/requirements.txt, in tools/loaders/.venv)
#   Debian: dash (POSIX sh) and bash
#   crates.io: dotenvy (a dev-dependency; the fuzzer runs it from the test binary, so cargo builds it)
# Output (committed; cargo test needs neither node nor python):
#   tests/fixtures/dotenv/recorded/*.json        the hand-written corpus (tools/loaders/cases.py)
#   tests/fixtures/dotenv/fuzz/{cases,recorded}  200 files from the fuzzer's grammar, seed 7
#   tests/fixtures/dotenv/{dirs,recorded-dirs}   project directories read by Vite and bun per mode
#                                                (tools/loaders/record-dirs.py writes both)
# The differential fuzzer itself (every loader, 2,000 files, a table): tools/loaders/fuzz.py.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools=$root/tools/loaders
cases=$root/tests/fixtures/dotenv/cases
out=$root/tests/fixtures/dotenv/recorded
mkdir -p "$out"

python3 "$tools/cases.py" "$cases"
(cd "$tools" && npm install --no-audit --no-fund --silent)
# npm 11 may skip bun's install script (it copies the platform binary into bin/bun.exe): run it here.
[ -x "$tools/node_modules/bun/bin/bun.exe" ] && "$tools/node_modules/bun/bin/bun.exe" --version >/dev/null 2>&1 ||
  (cd "$tools/node_modules/bun" && node install.js)
[ -x "$tools/.venv/bin/python" ] || python3 -m venv "$tools/.venv"
"$tools/.venv/bin/pip" install --quiet -r "$tools/requirements.txt"
command -v dash >/dev/null && command -v bash >/dev/null || { apt-get update -qq && apt-get install -y -qq dash bash; }
gopath=/usr/share/gocode
command -v go >/dev/null && [ -d "$gopath/src/github.com/joho/godotenv" ] ||
  { apt-get update -qq && apt-get install -y -qq golang-go golang-github-joho-godotenv-dev; }
gobin=$(mktemp -d)
trap 'rm -rf "$gobin"' EXIT
(cd "$tools/record-go" && GO111MODULE=off GOPATH=$gopath GOCACHE=$gobin/cache go build -o "$gobin/record-go" .)

clean=(env -i PATH="$PATH" HOME=/nonexistent-home AD_FROM_ENV=from-process-env)
"${clean[@]}" node "$tools/record-node.js" "$cases" "$out"
"${clean[@]}" node "$tools/record-vite.mjs" "$cases" "$out"
python3 "$tools/record-bun.py" "$cases" "$out"
# Project directories (several .env files, each mode): Vite's loadEnv and bun's own files.
python3 "$tools/record-dirs.py" "$root/tests/fixtures/dotenv/dirs" "$root/tests/fixtures/dotenv/recorded-dirs"
"${clean[@]}" "$tools/.venv/bin/python" "$tools/record-python.py" "$cases" "$out"
python3 "$tools/record-shell.py" "$cases" "$out"
"${clean[@]}" AD_GODOTENV_VERSION="$(dpkg-query -W -f='${Version}' golang-github-joho-godotenv-dev)" "$gobin/record-go" "$cases" "$out"
ls -l "$out"
python3 "$tools/fuzz.py" -n 200 --seed 7 --record "$root/tests/fixtures/dotenv/fuzz"
