#!/usr/bin/env bash
# Wall time per process of local-only commands (release build), as hyperfine measures it.
# Prints the median of each; the target for `compare` of two local env sources is <= 5 ms.
# Installs Debian's hyperfine when it is missing and we are root; otherwise times with Python.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
bin=target/release/authdoctor
if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get install -y -qq hyperfine >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; }) || true
fi

declare -a names cmds
names+=("compare: two local env sources")
cmds+=("$bin compare frontend=examples/frontend/.env.local#AUTH_SECRET backend=examples/backend/.env#AUTH_SECRET")
names+=("compare: the README example (3 sources)")
cmds+=("$bin compare frontend=examples/frontend/.env.local#AUTH_SECRET backend=examples/backend/.env#AUTH_SECRET mounted=file:examples/secrets/auth_secret")
names+=("inspect: one env source, json")
cmds+=("$bin --format json inspect examples/frontend/.env.local#AUTH_SECRET")

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in "${!cmds[@]}"; do
  if command -v hyperfine >/dev/null; then
    hyperfine --warmup 20 --runs 200 -N -i --export-json "$out/$i.json" "${cmds[$i]}" >/dev/null 2>&1
    python3 - "$out/$i.json" "${names[$i]}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]:<42} median {r['median']*1e3:6.2f} ms  mean {r['mean']*1e3:6.2f} ms  min {r['min']*1e3:6.2f} ms  ({len(r['times'])} runs, hyperfine)")
PY
  else
    python3 - "${names[$i]}" ${cmds[$i]} <<'PY'
import statistics, subprocess, sys, time
name, cmd = sys.argv[1], sys.argv[2:]
times = []
for n in range(220):
    t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); t = time.perf_counter() - t
    if n >= 20: times.append(t)
print(f"{name:<42} median {statistics.median(times)*1e3:6.2f} ms  mean {statistics.mean(times)*1e3:6.2f} ms  min {min(times)*1e3:6.2f} ms  ({len(times)} runs, python timer)")
PY
  fi
done
