"""Records what dash (POSIX sh) and bash export after `set -a; . FILE` for every case file:
shell.json (dash) and bash.json. Usage: python record-shell.py CASES_DIR OUT_DIR.
The shells run with no PATH to find programs in (a word of a case never runs a program; `env` is
called by its full path), in an empty working directory. A value that is not UTF-8 is written to
"raw" as hex."""
import json
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import fuzz  # noqa: E402  (the fuzzer's shell runner and recording format)

cases_dir, out_dir = (pathlib.Path(p).resolve() for p in sys.argv[1:3])
with tempfile.TemporaryDirectory() as tmp:
    got = fuzz.run_shells(cases_dir, pathlib.Path(tmp))
for name, sh in (("shell", "dash"), ("bash", "bash")):
    doc = fuzz.recording(sh, got[sh], cases_dir)
    doc["loader"] = name
    (out_dir / f"{name}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
