#!/usr/bin/env bash
# `authdoctor check` over 200 secrets, each in three backends: AWS SSM (moto_server on 127.0.0.1),
# two Fly apps (the fake flyctl of tests/fake-fly) and one served config.js (a local HTTP server
# that answers after $DELAY_MS, default 100 ms, as a CDN far away would). Prints the wall time of
# each run and the calls each backend received per run. Targets: at most 21 GetParameters, one
# `fly secrets list` per app, one GET per URL; wall time about that of the slowest backend.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-moto.sh
cargo build --release --locked --quiet
bin=$PWD/target/release/authdoctor
py=$PWD/tools/.venv-test/bin/python
runs=${RUNS:-5}
out=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$out"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return; sleep 0.1; done; echo "port $1 did not open" >&2; exit 1; }

moto_port=$(free_port)
MOTO_ENABLE_RECORDING=True MOTO_RECORDER_FILEPATH=$out/moto.rec "$AUTHDOCTOR_MOTO_SERVER" -H 127.0.0.1 -p "$moto_port" >/dev/null 2>&1 &
pids+=($!)
web_port=$(free_port)
python3 - "$web_port" "$out/web.hits" "${DELAY_MS:-100}" <<'PY' &
import http.server, sys, time
port, hits, delay = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) / 1000
body = ("window.APP_CONFIG = {\n" + "\n".join(f'  S{i:03}: "scale-secret-{i:03}-0123456789abcdef0123456789abcdef",' for i in range(200)) + "\n};\n").encode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open(hits, "a").write(self.path + "\n"); time.sleep(delay)
        self.send_response(200); self.send_header("Content-Type", "application/javascript")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
pids+=($!)
wait_port "$moto_port"; wait_port "$web_port"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 HOME=$out
unset AWS_PROFILE AWS_ENDPOINT_URL
"$py" - "http://127.0.0.1:$moto_port" "$out" <<'PY'
import boto3, json, os, sys
endpoint, out = sys.argv[1], sys.argv[2]
ssm = boto3.client("ssm", endpoint_url=endpoint, region_name="us-east-1")
for i in range(200):
    ssm.put_parameter(Name=f"/scale/s{i:03}", Value=f"scale-secret-{i:03}-0123456789abcdef0123456789abcdef",
                      Type="SecureString", Overwrite=True)
os.makedirs(f"{out}/fly", exist_ok=True)
for app, parity in (("scale-a", 0), ("scale-b", 1)):
    rows = [{"name": f"S{i:03}", "digest": f"{i:016x}", "status": "Deployed"} for i in range(200) if i % 2 == parity]
    json.dump(rows, open(f"{out}/fly/{app}.json", "w"), indent=4)
with open(f"{out}/authdoctor.toml", "w") as f:
    for i in range(200):
        app = "scale-a" if i % 2 == 0 else "scale-b"
        f.write(f'[[secret]]\nname = "S{i:03}"\nsources = [\n  "ssm=ssm:/scale/s{i:03}?endpoint={endpoint}",\n'
                f'  "fly=fly:{app}#S{i:03}",\n  "web=configjs:http://127.0.0.1:{os.environ.get("WEB_PORT", "")}/config.js#S{i:03}",\n]\n\n')
PY
sed -i "s|http://127.0.0.1:/config.js|http://127.0.0.1:$web_port/config.js|" "$out/authdoctor.toml"
: > "$out/web.hits"

export FLYCTL=$PWD/tests/fake-fly/fly FAKE_FLY_FIXTURES=$out/fly FAKE_FLY_LOG=$out/fly.log FAKE_FLY_DELAY=${FLY_DELAY:-0.1}
echo "authdoctor check: 200 secrets x (ssm, fly, configjs); config.js answers after ${DELAY_MS:-100} ms, flyctl after ${FLY_DELAY:-0.1} s"
python3 - "$bin" "$out" "$runs" <<'PY'
import subprocess, sys, time
bin, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
for r in range(1, runs + 1):
    t = time.perf_counter()
    p = subprocess.run([bin, "check"], cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print(f"run {r}: {(time.perf_counter() - t) * 1e3:6.0f} ms (exit {p.returncode})")
    if p.returncode != 0:
        print(p.stderr, file=sys.stderr)
n = lambda path, needle="": sum(1 for l in open(path) if needle in l)
ssm = n(f"{out}/moto.rec", '"X-Amz-Target": "AmazonSSM.GetParameters"')
ssm_all = n(f"{out}/moto.rec", '"X-Amz-Target": "AmazonSSM.Get')
fly = sorted(set(open(f"{out}/fly.log").read().splitlines()))
print(f"per run: {ssm / runs:.1f} SSM GetParameters ({ssm_all / runs:.1f} SSM Get* calls in all), "
      f"{n(f'{out}/fly.log') / runs:.1f} flyctl calls ({'; '.join(fly)}), {n(f'{out}/web.hits') / runs:.1f} GETs of config.js")
PY
