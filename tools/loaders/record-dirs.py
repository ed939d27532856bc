"""Records what the real Vite (`loadEnv(mode, dir, '')`, npm vite) and the real bun (its auto-loaded
`.env` files, npm bun) read from a project DIRECTORY holding several .env files, for the directory
form of authdoctor's `env:DIR#KEY?loader=vite|bun&mode=M`.

The case directories are written here (CASES below) into tests/fixtures/dotenv/dirs/NAME/, and each is
copied into an empty temporary directory before a tool reads it (so nothing above it is found).
- vite: `node vite-dir.mjs COPY MODE` under a clean environment (PATH, HOME, AD_FROM_ENV), for every
  mode in VITE_MODES: the values loadEnv returns for the keys the files define, or its error.
- bun: `bun bun-env.js` with cwd = COPY and NODE_ENV=MODE for every mode in BUN_MODES, under
  HOME, AD_FROM_ENV and NODE_ENV only: the variables that differ from the same run in an empty
  directory (a key the environment already has, AD_FROM_ENV, keeps its value in both: the files
  that name it never differ, so it is recorded from the environment).
Usage: python record-dirs.py DIRS_DIR OUT_DIR     writes OUT_DIR/vite.json and OUT_DIR/bun.json"""
import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("record_bun", HERE / "record-bun.py")
_rb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rb)
BASE_ENV, bun_exe, bun_run, bun_version = _rb.BASE_ENV, _rb.bun_exe, _rb.run, _rb.version

VITE_MODES = ["development", "production", "test", "staging", "local"]
BUN_MODES = ["development", "production", "test"]

CASES = {
    # A key only in .env; a key the process environment has (it wins).
    "01-only-base": {".env": "K=v-base\nONLY=base\nAD_FROM_ENV=from-file\n"},
    "02-local-overrides": {".env": "K=v-base\nB=base\n", ".env.local": "K=v-loc\n"},
    "03-mode-overrides": {
        ".env": "K=v-base\nB=base\n",
        ".env.development": "K=v-dev\n",
        ".env.production": "K=v-prod\n",
        ".env.test": "K=v-tst\n",
    },
    "04-mode-local": {
        ".env": "K=v-base\nL=v-base\nM=v-base\n",
        ".env.local": "K=v-loc\nL=v-loc\nM=v-loc\n",
        ".env.development": "K=v-dev\nM=v-dev\n",
        ".env.production": "K=v-prod\nM=v-prod\n",
        ".env.test": "K=v-tst\nM=v-tst\n",
        ".env.development.local": "K=v-devloc\n",
        ".env.production.local": "K=v-prodloc\n",
        ".env.test.local": "K=v-tstloc\n",
    },
    # $REF across files, both ways (to a file read earlier and to one read later).
    "05-cross-refs": {
        ".env": "HOST=db.example\nURL=https://$HOST/api\nTO_LOCAL=$LOCAL_ONLY-x\nTO_MODE=${MODE_ONLY:-unset}\n",
        ".env.local": "LOCAL_ONLY=loc\nHOST=local.example\nFROM_LOCAL=$HOST/$URL\n",
        ".env.development": "MODE_ONLY=dev\nDEV_URL=${URL}/dev\n",
        ".env.production": "MODE_ONLY=prod\n",
    },
    # Files only for modes nobody asks for (Vite's `staging` run reads .env.staging.local), and .env.
    # The values are short codes: authdoctor redacts a secret's text wherever it shows, file names too.
    "06-no-mode-file": {".env": "K=v-base\n", ".env.staging.local": "S=v-stg\n", ".env.qa": "K=v-qa\n"},
    # Chains through keys of later files, and an integer-like key (first in a JavaScript object).
    "07-chains": {
        ".env": "X=$Y\nW=${Z}w\n",
        ".env.local": "Y=$Z\nZ=z\n10=ten\n",
        ".env.development": "Z=zdev\nN=$10\n",
    },
}


def write_cases(dirs: pathlib.Path):
    for name, files in CASES.items():
        d = dirs / name
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for f, text in files.items():
            (d / f).write_text(text)


def vite(copy: pathlib.Path, mode: str) -> dict:
    env = {"PATH": os.environ["PATH"], **BASE_ENV}
    p = subprocess.run(["node", str(HERE / "vite-dir.mjs"), str(copy), mode], env=env, capture_output=True,
                       timeout=60, cwd=HERE)
    if p.returncode != 0:
        raise SystemExit(p.stderr.decode())
    return json.loads(p.stdout)


def bun(exe, copy: pathlib.Path, empty: pathlib.Path, mode: str) -> dict:
    env = {**BASE_ENV, "NODE_ENV": mode}
    baseline, _ = bun_run(exe, empty, env)
    got, err = bun_run(exe, copy, env)
    if got is None:
        return {"error": err}
    values = {k: v for k, v in got.items() if baseline.get(k) != v}
    text = "".join(CASES[copy.name].values())
    for k in BASE_ENV:
        if k in text and k in got:
            values[k] = got[k]
    return {"values": dict(sorted(values.items()))}


def main():
    dirs, out = (pathlib.Path(p).resolve() for p in sys.argv[1:3])
    write_cases(dirs)
    exe = bun_exe()
    vite_version = json.loads((HERE / "node_modules/vite/package.json").read_text())["version"]
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    rv, rb = {}, {}
    with tempfile.TemporaryDirectory(prefix="ad-dirs-") as tmp:
        empty = pathlib.Path(tmp) / "empty"
        empty.mkdir()
        for name in CASES:
            copy = pathlib.Path(tmp) / name
            shutil.copytree(dirs / name, copy)
            rv[name] = {m: vite(copy, m) for m in VITE_MODES}
            rb[name] = {m: bun(exe, copy, empty, m) for m in BUN_MODES}
    out.mkdir(parents=True, exist_ok=True)
    env = {"AD_FROM_ENV": BASE_ENV["AD_FROM_ENV"]}
    for loader, ver, cases, extra in (("vite", vite_version, rv, {"node": node_version}),
                                      ("bun", bun_version(), rb, {})):
        doc = {"loader": loader, "version": ver, **extra, "env": env, "cases": cases}
        (out / f"{loader}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
