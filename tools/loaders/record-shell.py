"""Records what POSIX sh (dash) exports after `set -a; . FILE` for every case file.
Usage: python record-shell.py CASES_DIR OUT_DIR. The corpus is ours: its one command
substitution is `echo`."""
import json
import pathlib
import subprocess
import sys

cases_dir, out_dir = map(pathlib.Path, sys.argv[1:3])
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home", "AD_FROM_ENV": "from-process-env"}


def run(path):
    p = subprocess.run(
        ["dash", "-c", 'set -a; . "$1"; env -0', "sh", str(path)],
        env=ENV, capture_output=True, timeout=10,
    )
    pairs = [x.split(b"=", 1) for x in p.stdout.split(b"\0") if b"=" in x]
    return p.returncode, {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in pairs}, p.stderr.decode("utf-8", "replace")


empty = pathlib.Path(out_dir, ".empty.env")
empty.write_bytes(b"")
_, baseline, _ = run(empty)
empty.unlink()
results = {}
for case in sorted(cases_dir.glob("*.env")):
    code, env, err = run(case)
    values = {k: v for k, v in env.items() if k not in baseline or baseline[k] != v}
    if not env:
        results[case.name] = {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {code}"}
    else:
        result = {"values": values}
        if err.strip():
            result["stderr"] = err.strip().splitlines()
        results[case.name] = result
version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "dash"], capture_output=True, text=True).stdout or "unknown"
out = {"loader": "shell", "version": f"dash {version}", "env": {k: v for k, v in ENV.items() if k != "PATH"}, "cases": results}
(out_dir / "shell.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
