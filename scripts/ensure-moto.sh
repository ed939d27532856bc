# Sourced by scripts/test.sh and scripts/bench-check.sh: the Python packages the tests start on
# 127.0.0.1 (tools/test-requirements.txt: moto_server; FastAPI/uvicorn/PyJWT/python-jose for
# probe's backend) in tools/.venv-test, installed on first use and again whenever that file
# changes; exports AUTHDOCTOR_MOTO_SERVER and AUTHDOCTOR_TEST_PYTHON unless the caller set them.
venv=tools/.venv-test
if [ ! -x "$venv/bin/python" ] || ! cmp -s tools/test-requirements.txt "$venv/.installed-requirements"; then
  echo "== installing tools/test-requirements.txt into $venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tools/test-requirements.txt
  cp tools/test-requirements.txt "$venv/.installed-requirements"
fi
export AUTHDOCTOR_MOTO_SERVER="${AUTHDOCTOR_MOTO_SERVER:-$PWD/$venv/bin/moto_server}"
export AUTHDOCTOR_TEST_PYTHON="${AUTHDOCTOR_TEST_PYTHON:-$PWD/$venv/bin/python}"
