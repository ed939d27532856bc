#!/usr/bin/env python3
"""Differential fuzzer: random .env files from a grammar of loader hazards, read by the REAL loaders
and by authdoctor's emulations, compared key by key, byte for byte.

    python3 tools/loaders/fuzz.py [-n 2000] [--seed 1] [--show 3] [--keep DIR]
    python3 tools/loaders/fuzz.py -n 200 --seed 7 --record tests/fixtures/dotenv/fuzz

Real loaders (installed by scripts/record-loaders.sh): npm dotenv 16/17 and @next/env
(record-node.js), python-dotenv (record-python.py, from tools/loaders/.venv), Debian dash and bash
(`set -a; . FILE`, run here), the dotenvy crate (its `from_path`, in a child of the test binary).
Emulations: the `#[ignore]`d harness tests/it/loader_fuzz.rs. compose, docker and ruby have no
runtime here and are not in the table (their emulations are read from the source; see
tests/fixtures/dotenv/README.md); their emulations still run on every file, for crashes.

A file agrees for a loader when the program ends up with the same keys and the same bytes, or both
sides refuse it (the real loader raised or the shell exited; the emulation has a fatal error). Keys the
emulation marks unresolved (a command it does not run, a value it cannot hold) are left out.
A crash is a panic or abort of the emulation, or a read slower than 2 s.
With --record, the files and the real loaders' readings are written as a fixture for the normal
test suite (tests/it/loaders.rs), which then needs none of the real loaders.
"""
import argparse
import functools
import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BASE_ENV = {"AD_FROM_ENV": "from-process-env", "HOME": "/nonexistent-home"}
# Shells run with no PATH to find commands in: a word of a random file never runs a program.
SHELL_PATH = "/nonexistent-path"

# ---------------------------------------------------------------------------------------------
# The grammar. Each piece is bytes; a file is a few lines of them.

KEYS = [b"K1", b"K2", b"K3", b"K1", b"K2", b"k_4", b"a.b", b"c-d", b"1X", b"export", b"_K5"]
REFS = [
    b"$K1", b"${K2}", b"$K3", b"${K9:-d}", b"${K9-d}", b"${K1:-z}", b"${K1-z}", b"${K2:+alt}",
    b"$AD_FROM_ENV", b"${AD_FROM_ENV}", b"${AD_FROM_ENV:-no}", b"${K1:-${K2:-z}}", b"${K9:-${AD_FROM_ENV}}",
    b"$", b"$$", b"${", b"${K1", b"$2b$10$Ab", b"\\$K1", b"$(echo s)", b"$(echo)", b"`echo b`",
    b"``", b"` `", b"${#K1}", b"${K1/a/b}", b"$1", b"${K1:?}",
]
ATOMS = [
    b"abc", b"x", b"v1", b"Zz9", b"=", b" ", b"  ", b"\t", b"#", b" #c", b"\t#c", b"#c",
    b"\\", b"\\\\", b"\\n", b"\\t", b"\\0", b"\\0123", b"\\r", b"\\\"", b"\\'", b"\\ ", b"\\a", b"\\x",
    b"'", b'"', b"`", b";", b"&", b"|", b"{", b"}", b"(", b")", b"~", b"*", b"!", b":", b",",
    "é".encode(), "\u00a0".encode(), "\u2028".encode(), "\u2029".encode(), "😀".encode(),
    "\ufeff".encode(), b"\xff", b"\xe9", b"\x0b", b"\x0c", b"\r", b"\n",
]
QUOTES = [b"'", b'"', b"`", b"$'"]


def value(r: random.Random) -> bytes:
    n = r.choice([0, 1, 1, 2, 2, 3, 4, 6])
    parts = []
    for _ in range(n):
        x = r.random()
        parts.append(r.choice(REFS) if x < 0.3 else r.choice(ATOMS[:4]) if x < 0.55 else r.choice(ATOMS))
    body = b"".join(parts)
    x = r.random()
    if x < 0.45:
        q = r.choice(QUOTES)
        close = b"'" if q == b"$'" else q
        # Now and then the quote is left open, or text follows it.
        tail = close if r.random() < 0.9 else b""
        if r.random() < 0.1:
            tail += r.choice([b"x", b" x", b" # c", b'"', b"'"])
        return q + body + tail
    return body


def line(r: random.Random) -> bytes:
    x = r.random()
    if x < 0.06:
        return r.choice([b"", b"# comment", b"  # c", b"#K1=x", b"\t"])
    if x < 0.10:
        return r.choice([b"K1", b"K7", b"export K1", b"export K7", b"export K1 K2", b"K1 K2"])
    if x < 0.12:
        return r.choice([b"K1+=x", b"K1=(a b)", b"K1=x K2=y", b"K1=x; K2=y", b"K1 = x", b"{ K1=x; }"])
    if x < 0.14:
        # Nested and repeated references: expansion work grows fast in some loaders.
        k = r.choice([b"K1", b"K2"])
        depth = r.randint(2, 8)
        op = r.choice([b":-", b"-"])
        inner = b"x"
        for _ in range(depth):
            inner = b"${" + k + op + inner + b"}"
        return k + b"=" + inner
    if x < 0.16:
        k = r.choice([b"K1", b"K2", b"K3"])
        return k + b"=" + b"".join(r.choice([b"$K1", b"$K2", b"${K3}", b"x"]) for _ in range(r.randint(2, 6)))
    indent = r.choice([b"", b"", b"", b" ", b"\t"])
    export = b"export " if r.random() < 0.12 else b""
    sep = r.choice([b"=", b"=", b"=", b"=", b"=", b" = ", b" =", b"= ", b": ", b":"])
    trailing = r.choice([b"", b"", b"", b"", b" ", b"  ", b"\t", b" # c", b" #", b"#c"])
    return indent + export + r.choice(KEYS) + sep + value(r) + trailing


def generate(r: random.Random) -> bytes:
    lines = [line(r) for _ in range(r.randint(1, 7))]
    eols = [r.choice([b"\n"] * 8 + [b"\r\n", b"\r"]) for _ in lines]
    out = b"".join(l + e for l, e in zip(lines, eols))
    if r.random() < 0.15:
        out = out.rstrip(b"\r\n")
    if r.random() < 0.06:
        out = "\ufeff".encode() + out
    return out


# ---------------------------------------------------------------------------------------------
# The real loaders. Each returns {loader: {file: {"values": {k: bytes}} | {"error": str}}}.

def clean_env(extra=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **BASE_ENV}
    env.update(extra or {})
    return env


def as_bytes(v: str) -> bytes:
    return v.encode("utf-8", "surrogatepass")


def values_as_bytes(got: dict) -> dict:
    for cases in got.values():
        for r in cases.values():
            if "values" in r:
                r["values"] = {k: as_bytes(v) if isinstance(v, str) else v for k, v in r["values"].items()}
    return got


def from_recordings(out_dir: pathlib.Path, names) -> dict:
    got = {}
    for name in names:
        p = out_dir / f"{name}.json"
        if not p.exists():
            continue
        rec = json.loads(p.read_text())
        got[name] = {
            case: ({"error": r["error"]} if "error" in r else {"values": {k: as_bytes(v) for k, v in r["values"].items()}})
            for case, r in rec["cases"].items()
        }
    return got


def run_node(cases: pathlib.Path, tmp: pathlib.Path) -> dict:
    if not (HERE / "node_modules").exists() or not shutil.which("node"):
        print("node loaders: not installed (run scripts/record-loaders.sh)", file=sys.stderr)
        return {}
    # A file that exhausts Node's heap (Next.js's expansion) kills the process: that file is the
    # real loader's failure, and the run resumes after it.
    cmd = lambda skip: ["node", "--max-old-space-size=512", str(HERE / "record-node.js"), "--jsonl", str(cases), str(skip)]
    got, dead = run_lines(cmd, cases, clean_env())
    values_as_bytes(got)
    for f, why in dead.items():
        for name in ("node16", "node17", "nextjs", "node-native"):
            got.setdefault(name, {}).setdefault(f, {"error": why, "resource": True})
    return got


def run_lines(cmd, cases: pathlib.Path, env: dict, per_file_timeout=20.0):
    """Run `cmd(skip)`, which prints `{"file", "results": {loader: reading}}` lines for the files of
    `cases` from number `skip` on. A file during which the process dies or stalls past the timeout
    is returned in `dead` (file -> why), and the process is restarted after it."""
    import selectors
    names = sorted(p.name for p in cases.glob("*.env"))
    got, dead = {}, {}
    done = 0
    while done < len(names):
        p = subprocess.Popen(cmd(done), env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, cwd=ROOT)
        sel = selectors.DefaultSelector()
        sel.register(p.stdout, selectors.EVENT_READ)
        buf = b""
        last = time.monotonic()
        why = None
        while True:
            if not sel.select(timeout=1.0):
                if time.monotonic() - last > per_file_timeout:
                    p.kill()
                    why = f"no answer in {per_file_timeout:.0f} s"
                    break
                continue
            chunk = os.read(p.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for l in lines:
                # The test harness prints its own words before the first line.
                at = l.find(b'{"file"')
                if at < 0:
                    continue
                rec = json.loads(l[at:])
                for loader, r in rec["results"].items():
                    got.setdefault(loader, {})[rec["file"]] = r
                if rec.get("partial"):
                    continue
                done += 1
                last = time.monotonic()
        code = p.wait()
        sel.close()
        p.stdout.close()
        if done < len(names):
            dead[names[done]] = why or f"died (exit {code})"
            done += 1
    return got, dead


def run_python(cases: pathlib.Path, tmp: pathlib.Path) -> dict:
    py = HERE / ".venv" / "bin" / "python"
    if not py.exists():
        print("python-dotenv: not installed (run scripts/record-loaders.sh)", file=sys.stderr)
        return {}
    subprocess.run([str(py), str(HERE / "record-python.py"), str(cases), str(tmp)], env=clean_env(), check=True)
    return from_recordings(tmp, ["python", "python-nointerp"])


def run_vite(cases: pathlib.Path, tmp: pathlib.Path) -> dict:
    if not (HERE / "node_modules" / "vite").exists() or not shutil.which("node"):
        print("vite: not installed (run scripts/record-loaders.sh)", file=sys.stderr)
        return {}
    cmd = lambda skip: ["node", "--max-old-space-size=512", str(HERE / "record-vite.mjs"), "--jsonl", str(cases), str(skip)]
    got, dead = run_lines(cmd, cases, clean_env())
    values_as_bytes(got)
    for f, why in dead.items():
        got.setdefault("vite", {}).setdefault(f, {"error": why, "resource": True})
    return got


def run_bun(cases: pathlib.Path, tmp: pathlib.Path) -> dict:
    if not (HERE / "node_modules" / "bun").exists():
        print("bun: not installed (run scripts/record-loaders.sh)", file=sys.stderr)
        return {}
    cmd = lambda skip: [sys.executable, str(HERE / "record-bun.py"), "--jsonl", str(cases), str(skip)]
    got, dead = run_lines(cmd, cases, {**os.environ}, per_file_timeout=30.0)
    values_as_bytes(got)
    for f, why in dead.items():
        got.setdefault("bun", {}).setdefault(f, {"error": why, "resource": True})
    return got


GOPATH = "/usr/share/gocode"


def build_record_go(tmp: pathlib.Path):
    """tools/loaders/record-go, built with Debian's Go against Debian's godotenv (GOPATH mode, no
    network); None when either is missing (scripts/record-loaders.sh installs them)."""
    if not shutil.which("go") or not (pathlib.Path(GOPATH) / "src/github.com/joho/godotenv").exists():
        print("godotenv: not installed (run scripts/record-loaders.sh)", file=sys.stderr)
        return None
    exe = tmp / "record-go"
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": GOPATH, "GOCACHE": str(tmp / "go-cache"), "GOFLAGS": ""}
    subprocess.run(["go", "build", "-o", str(exe), "."], cwd=HERE / "record-go", env=env, check=True)
    return exe


def run_go(cases: pathlib.Path, tmp: pathlib.Path) -> dict:
    exe = build_record_go(tmp)
    if exe is None:
        return {}
    got, dead = run_lines(lambda skip: [str(exe), "--jsonl", str(cases), str(skip)], cases, clean_env())
    for r in got.get("godotenv", {}).values():
        for k, v in r.pop("raw", {}).items():
            r["values"][k] = bytes.fromhex(v)
    values_as_bytes(got)
    for f, why in dead.items():
        got.setdefault("godotenv", {})[f] = {"error": why}
    return got


def shell_read(sh: str, path: pathlib.Path, cwd: pathlib.Path):
    """`set -a; . FILE` under `sh`, then the environment the next program gets (env -0)."""
    env = {"PATH": SHELL_PATH, **BASE_ENV}
    try:
        p = subprocess.run(
            # A builtin (`echo`) may print: the environment is what follows the marker.
            [sh, "-c", 'set -a; . "$1"; printf "\\nAD-ENV-START\\000"; exec /usr/bin/env -0', "sh", str(path)],
            env=env, cwd=cwd, capture_output=True, timeout=10, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return None, {}, "timeout"
    marker = b"\nAD-ENV-START\0"
    out = p.stdout[p.stdout.rfind(marker) + len(marker):] if marker in p.stdout else b""
    pairs = [x.split(b"=", 1) for x in out.split(b"\0") if b"=" in x]
    return p.returncode, {k: v for k, v in pairs}, p.stderr.decode("utf-8", "replace")


def run_shells(cases: pathlib.Path, tmp: pathlib.Path) -> dict:
    got = {}
    for sh in ("dash", "bash"):
        exe = shutil.which(sh)
        if not exe:
            print(f"{sh}: not installed", file=sys.stderr)
            continue
        cwd = tmp / f"cwd-{sh}"
        cwd.mkdir(exist_ok=True)
        empty = tmp / "empty.env"
        empty.write_bytes(b"")
        _, baseline, _ = shell_read(exe, empty, cwd)
        res = {}
        for case in sorted(cases.glob("*.env")):
            code, env, err = shell_read(exe, case, cwd)
            if not env:
                last = err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
                res[case.name] = {"error": last}
            else:
                # `_` is bash's last argument, not something the file set.
                res[case.name] = {"values": {k.decode("utf-8", "surrogateescape"): v for k, v in env.items()
                                             if k != b"_" and baseline.get(k) != v}}
        got[sh] = res
    return got


def harness_binary(tmp: pathlib.Path) -> str:
    """The integration test binary holding tests/it/loader_fuzz.rs (built if needed), copied at once:
    worktrees sharing one CARGO_TARGET_DIR build their test binaries to the same path, and cargo may
    take another worktree's fresh build for its own, so the crate's roots are touched first."""
    for _ in range(2):
        for root in ("src/lib.rs", "tests/it/main.rs"):
            (ROOT / root).touch()
        p = subprocess.run(
            ["cargo", "test", "--locked", "--test", "it", "--no-run", "--message-format=json"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        for l in p.stdout.splitlines():
            msg = json.loads(l)
            if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "it" and msg.get("executable"):
                exe = tmp / "it-harness"
                shutil.copy2(msg["executable"], exe)
                listed = subprocess.run([str(exe), "--list", "--ignored"], capture_output=True, text=True).stdout
                if "loader_fuzz::emulations_harness" in listed:
                    return str(exe)
    raise SystemExit("could not build the test binary with tests/it/loader_fuzz.rs")


def run_harness(exe: str, test: str, cases: pathlib.Path):
    """One harness test of tests/it/loader_fuzz.rs; it reads AD_FUZZ_SKIP from its environment."""
    env = {"PATH": os.environ.get("PATH", ""), "AD_FUZZ_DIR": str(cases), **BASE_ENV}

    def cmd(skip):
        env["AD_FUZZ_SKIP"] = str(skip)
        return [exe, "--ignored", "--exact", f"loader_fuzz::{test}", "--test-threads=1", "--nocapture"]

    got, dead = run_lines(cmd, cases, env, per_file_timeout=30.0)
    return values_as_bytes(got), dead


# ---------------------------------------------------------------------------------------------

# Real loader column → emulation column.
PAIRS = [
    ("node16", "node"), ("node17", "node"), ("nextjs", "nextjs"), ("python", "python"),
    ("python-nointerp", "python-nointerp"), ("dotenvy", "dotenvy"), ("dash", "dash"), ("bash", "bash"),
    ("node-native", "node-native"), ("godotenv", "godotenv"), ("vite", "vite"), ("bun", "bun"),
]
UNRECORDED = ["compose", "docker", "ruby"]


def agrees(real: dict, emu: dict) -> bool:
    if "crash" in emu:
        return False
    if "error" in real and emu.get("too_large"):
        # The emulation stopped at its bounds ("too large to expand") where the real loader failed
        # (Next.js: stack or heap exhausted): neither hands the program a value to compare.
        return True
    if "error" in real:
        # A real loader that ran out of memory or time: the emulation must refuse the file or
        # leave something unresolved ("too large to expand").
        if real.get("resource"):
            return bool(emu.get("fatal") or emu.get("unresolved"))
        return bool(emu.get("fatal"))
    if emu.get("fatal"):
        return False
    skip = set(emu.get("unresolved", []))
    want = {k: v for k, v in real["values"].items() if k not in skip}
    return want == emu["values"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=3, help="disagreements to print per loader")
    ap.add_argument("--keep", type=pathlib.Path, help="write the files here and keep them")
    ap.add_argument("--cached", action="store_true", help="with --keep: reuse Node's, Python's and dotenvy's readings of the same files")
    ap.add_argument("--record", type=pathlib.Path, help="write the files and real readings as a fixture")
    ap.add_argument("--json", type=pathlib.Path, help="write the table as JSON")
    ap.add_argument("--only", help="run only these real loaders (comma-separated: node, python, shells, go, vite, bun, dotenvy)")
    a = ap.parse_args()

    r = random.Random(a.seed)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ad-fuzz-"))
    cases = a.keep or (a.record / "cases" if a.record else tmp / "cases")
    cases.mkdir(parents=True, exist_ok=True)
    # The shells run in a directory of their own: the files are named by absolute path.
    cases = cases.resolve()
    for old in cases.glob("*.env"):
        old.unlink()
    width = len(str(a.n - 1))
    for i in range(a.n):
        (cases / f"{i:0{width}d}.env").write_bytes(generate(r))

    exe = harness_binary(tmp)
    cache = cases.parent / f"real-{a.seed}-{a.n}.json"
    if a.cached and cache.exists():
        # Node's and Python's readings from the cache; the shells take seconds, so they run again.
        real = {k: {f: ({"values": {kk: bytes.fromhex(vv) for kk, vv in r["values"].items()}} if "values" in r else r)
                    for f, r in v.items()} for k, v in json.loads(cache.read_text()).items()}
        real.update(run_shells(cases, tmp))
    else:
        real = {}
        only = set(a.only.split(",")) if a.only else None
        for run in (run_node, run_python, run_shells, run_go, run_vite, run_bun):
            if only is not None and run.__name__.removeprefix("run_") not in only:
                continue
            t = time.monotonic()
            real.update(run(cases, tmp))
            print(f"{run.__name__}: {time.monotonic() - t:.1f} s", file=sys.stderr)
        t = time.monotonic()
        dotenvy, dead = run_harness(exe, "real_dotenvy_harness", cases)
        print(f"dotenvy: {time.monotonic() - t:.1f} s", file=sys.stderr)
        for f, why in dead.items():
            dotenvy.setdefault("dotenvy", {})[f] = {"error": why}
        for r in dotenvy.get("dotenvy", {}).values():
            if "crash" in r:
                r["error"] = r.pop("crash")
        real.update(dotenvy)
        if a.keep:
            cache.write_text(json.dumps({k: {f: ({"values": {kk: vv.hex() for kk, vv in r["values"].items()}} if "values" in r else r)
                                              for f, r in v.items()} for k, v in real.items()}))
    emu, aborts = run_harness(exe, "emulations_harness", cases)

    if a.record:
        write_recordings(a.record, a.seed, real, cases)

    names = sorted(p.name for p in cases.glob("*.env"))
    crashes = {}
    for loader in [e for _, e in PAIRS] + UNRECORDED:
        crashes[loader] = sorted(f for f in names if "crash" in emu.get(loader, {}).get(f, {}) or f in aborts)
        slow = [f for f in names if "slow_ms" in emu.get(loader, {}).get(f, {})]
        crashes[loader] += [f for f in slow if f not in crashes[loader]]
    rows = []
    print(f"\n{a.n} files, seed {a.seed}\n")
    print(f"{'real loader':<17} {'emulation':<16} {'agree':>11} {'%':>8} {'crashes':>8}")
    for real_name, emu_name in PAIRS:
        if real_name not in real:
            continue
        ok = [f for f in names if f in real[real_name] and agrees(real[real_name][f], emu.get(emu_name, {}).get(f, {"crash": 1}))]
        total = sum(1 for f in names if f in real[real_name])
        pct = 100.0 * len(ok) / total if total else 0.0
        rows.append({"real": real_name, "emulation": emu_name, "agree": len(ok), "files": total,
                     "percent": round(pct, 2), "crashes": len(crashes[emu_name])})
        print(f"{real_name:<17} {emu_name:<16} {len(ok):>5}/{total:<5} {pct:>7.2f}% {len(crashes[emu_name]):>8}")
        bad = [f for f in names if f in real[real_name] and f not in ok]
        for f in bad[: a.show]:
            text = (cases / f).read_bytes()
            print(f"    {f} {text!r}\n      real: {show(real[real_name][f])}\n      ours: {show(emu.get(emu_name, {}).get(f, {}))}")
    for name in UNRECORDED:
        print(f"{'(no runtime)':<17} {name:<16} {'':>11} {'':>8} {len(crashes[name]):>8}")
    if a.json:
        a.json.write_text(json.dumps({"files": a.n, "seed": a.seed, "rows": rows,
                                      "crashes_unrecorded": {n: len(crashes[n]) for n in UNRECORDED}}, indent=1))
    if not a.keep and not a.record:
        shutil.rmtree(tmp, ignore_errors=True)


def show(r: dict) -> str:
    if "values" in r:
        return repr({k: v for k, v in r["values"].items()}) + (f" unresolved={r['unresolved']}" if r.get("unresolved") else "")
    return repr(r)


def recording(name: str, cases: dict, cases_dir: pathlib.Path, seed=None) -> dict:
    """One real loader's readings in the format of tests/fixtures/dotenv/*/recorded: values as text,
    a value that is not UTF-8 in "raw" as hex, error messages without temporary paths."""
    doc = {"loader": name, "version": loader_versions().get(name, "unknown"), "env": BASE_ENV, "cases": {}}
    if seed is not None:
        doc["seed"] = seed
    for case, r in sorted(cases.items()):
        if "error" in r:
            err = re.sub(r"/tmp/ad-next-\w+/", "", r["error"].replace(f"{cases_dir}/", ""))
            doc["cases"][case] = {"error": err[:200], **({"resource": True} if r.get("resource") else {})}
            continue
        values, raw = {}, {}
        for k, v in r["values"].items():
            try:
                values[k] = v.decode("utf-8")
            except UnicodeDecodeError:
                raw[k] = v.hex()
        doc["cases"][case] = {"values": values, **({"raw": raw} if raw else {})}
    return doc


def write_recordings(out: pathlib.Path, seed: int, real: dict, cases_dir: pathlib.Path) -> None:
    rec_dir = out / "recorded"
    rec_dir.mkdir(parents=True, exist_ok=True)
    for name, cases in real.items():
        doc = recording(name, cases, cases_dir, seed)
        (rec_dir / f"{name}.json").write_text(json.dumps(doc, indent=0, ensure_ascii=False, sort_keys=True) + "\n")


@functools.lru_cache(maxsize=None)
def loader_versions() -> dict:
    v = {}
    for name, mod in (("node16", "dotenv16"), ("node17", "dotenv17"), ("nextjs", "@next/env")):
        p = HERE / "node_modules" / mod / "package.json"
        if p.exists():
            v[name] = json.loads(p.read_text())["version"]
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "golang-github-joho-godotenv-dev"], capture_output=True, text=True).stdout
    if out:
        v["godotenv"] = out
    p = HERE / "node_modules" / "vite" / "package.json"
    if p.exists():
        v["vite"] = json.loads(p.read_text())["version"]
    p = HERE / "node_modules" / "bun" / "package.json"
    if p.exists():
        v["bun"] = json.loads(p.read_text())["version"]
    if shutil.which("node"):
        v["node-native"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    py = HERE / ".venv" / "bin" / "python"
    if py.exists():
        out = subprocess.run([str(py), "-c", "from importlib.metadata import version; print(version('python-dotenv'))"],
                             capture_output=True, text=True).stdout.strip()
        v["python"] = v["python-nointerp"] = out
    for sh in ("dash", "bash"):
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", sh], capture_output=True, text=True).stdout
        v[sh] = f"{sh} {out or 'unknown'}"
    lock = (ROOT / "Cargo.lock").read_text()
    at = lock.find('name = "dotenvy"')
    if at >= 0:
        v["dotenvy"] = lock[at:].splitlines()[1].split('"')[1]
    return v


if __name__ == "__main__":
    main()
