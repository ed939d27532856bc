"""Records what the real bun (npm `bun`, its binary from `@oven/bun-linux-x64`; tools/loaders/package.json)
puts in a script's process.env from every case file: bun auto-loads `.env` from its working directory,
so each case is copied alone as `.env` into an empty directory and `bun bun-env.js` runs there under a
clean environment (HOME and AD_FROM_ENV only; no PATH). Recorded: the variables that differ from what
the same run without a `.env` sees. A variable the environment already has wins over the file in bun,
so when the file names one (AD_FROM_ENV, HOME) the case runs again without it, to learn whether the
file defines it (then its value is the environment's).
Usage: python record-bun.py CASES_DIR OUT_DIR        writes bun.json
       python record-bun.py --jsonl CASES_DIR SKIP   one JSON line per case (tools/loaders/fuzz.py)"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
BASE_ENV = {"AD_FROM_ENV": "from-process-env", "HOME": "/nonexistent-home"}


def bun_exe() -> pathlib.Path:
    # npm's `bun` package copies the binary of @oven/bun-linux-x64 into bin/bun.exe on install.
    for p in (HERE / "node_modules/bun/bin/bun.exe", HERE / "node_modules/@oven/bun-linux-x64/bin/bun"):
        if p.exists():
            return p
    raise SystemExit("bun: not installed (run scripts/record-loaders.sh)")


def version() -> str:
    return json.loads((HERE / "node_modules/bun/package.json").read_text())["version"]


def run(exe, cwd: pathlib.Path, env: dict):
    p = subprocess.run([str(exe), str(HERE / "bun-env.js")], cwd=cwd, env=env, capture_output=True,
                       timeout=20, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        return None, (p.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {p.returncode}"])[-1]
    return json.loads(p.stdout.decode("utf-8", "surrogatepass")), None


def read_all(cases_dir: pathlib.Path, skip=0, emit=None) -> dict:
    exe = bun_exe()
    out = {}
    with tempfile.TemporaryDirectory(prefix="ad-bun-") as tmp:
        cwd = pathlib.Path(tmp) / "cwd"
        cwd.mkdir()
        baseline, _ = run(exe, cwd, BASE_ENV)
        for case in sorted(cases_dir.glob("*.env"))[skip:]:
            shutil.copyfile(case, cwd / ".env")
            try:
                got, err = run(exe, cwd, BASE_ENV)
                if got is None:
                    r = {"error": err}
                else:
                    values = {k: v for k, v in got.items() if baseline.get(k) != v}
                    text = case.read_bytes()
                    named = [k for k in BASE_ENV if k.encode() in text]
                    if named:
                        alone, _ = run(exe, cwd, {k: v for k, v in BASE_ENV.items() if k not in named})
                        for k in named:
                            if alone is not None and k in alone:
                                values[k] = got[k]
                    r = {"values": values}
            except subprocess.TimeoutExpired:
                r = {"error": "no answer in 20 s", "resource": True}
            (cwd / ".env").unlink()
            out[case.name] = r
            if emit:
                emit(case.name, r)
    return out


if __name__ == "__main__":
    if sys.argv[1] == "--jsonl":
        cases_dir, skip = pathlib.Path(sys.argv[2]).resolve(), int(sys.argv[3] if len(sys.argv) > 3 else 0)
        read_all(cases_dir, skip, lambda f, r: print(json.dumps({"file": f, "results": {"bun": r}}), flush=True))
    else:
        cases_dir, out_dir = (pathlib.Path(p).resolve() for p in sys.argv[1:3])
        cases = read_all(cases_dir)
        doc = {"loader": "bun", "version": version(), "env": {"AD_FROM_ENV": BASE_ENV["AD_FROM_ENV"]}, "cases": cases}
        (out_dir / "bun.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
