"""Records what python-dotenv's load_dotenv() puts in os.environ for every case file, with
interpolation on (the default) and off. Usage: python record-python.py CASES_DIR OUT_DIR"""
import io
import json
import logging
import os
import pathlib
import sys

import dotenv
from importlib.metadata import version

cases_dir, out_dir = map(pathlib.Path, sys.argv[1:3])
base = dict(os.environ)
log = io.StringIO()
logging.getLogger("dotenv.main").addHandler(logging.StreamHandler(log))

for name, interpolate in (("python", True), ("python-nointerp", False)):
    results = {}
    for case in sorted(cases_dir.glob("*.env")):
        os.environ.clear()
        os.environ.update(base)
        log.truncate(0)
        log.seek(0)
        try:
            dotenv.load_dotenv(case, override=False, interpolate=interpolate)
            keys = dotenv.dotenv_values(case, interpolate=False).keys()
            values = {k: os.environ[k] for k in keys if k in os.environ and k not in base}
            result = {"values": values}
            warnings = [line for line in log.getvalue().splitlines() if "could not parse" in line]
            if warnings:
                result["warnings"] = warnings
        except Exception as e:  # noqa: BLE001 - the loader's own failure is what we record
            result = {"error": f"{type(e).__name__}"}
        results[case.name] = result
    env = {"AD_FROM_ENV": base.get("AD_FROM_ENV")}
    out = {"loader": name, "version": version("python-dotenv"), "env": env, "cases": results}
    (out_dir / f"{name}.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
