# Sourced by scripts/test.sh and scripts/bench-check.sh: what the tests start on 127.0.0.1, installed
# on first use and again whenever its list changes. Python (tools/test-requirements.txt, into
# tools/.venv-test): moto_server, and FastAPI/uvicorn/PyJWT/python-jose for probe's backend; node
# (tools/probe/package.json): @auth/core for probe --authjs. Exports AUTHDOCTOR_MOTO_SERVER and
# AUTHDOCTOR_TEST_PYTHON unless the caller set them.
venv=tools/.venv-test
if [ ! -x "$venv/bin/python" ] || ! cmp -s tools/test-requirements.txt "$venv/.installed-requirements"; then
  echo "== installing tools/test-requirements.txt into $venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tools/test-requirements.txt
  cp tools/test-requirements.txt "$venv/.installed-requirements"
fi
export AUTHDOCTOR_MOTO_SERVER="${AUTHDOCTOR_MOTO_SERVER:-$PWD/$venv/bin/moto_server}"
export AUTHDOCTOR_TEST_PYTHON="${AUTHDOCTOR_TEST_PYTHON:-$PWD/$venv/bin/python}"
# probe --authjs is tested against the real @auth/core (tools/probe/package.json) under node.
if ! cmp -s tools/probe/package.json tools/probe/node_modules/.installed-package.json; then
  echo "== installing tools/probe/package.json (npm)"
  (cd tools/probe && npm install --no-audit --no-fund --silent && cp package.json node_modules/.installed-package.json)
fi
