# Sourced by scripts/test.sh and scripts/bench-check.sh: moto_server (PyPI moto[server], pinned in
# tools/test-requirements.txt) in tools/.venv-test, installed on first use; exports
# AUTHDOCTOR_MOTO_SERVER unless the caller set it.
venv=tools/.venv-test
if [ -z "${AUTHDOCTOR_MOTO_SERVER:-}" ]; then
  if [ ! -x "$venv/bin/moto_server" ]; then
    echo "== installing moto[server] into $venv (first run only)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tools/test-requirements.txt
  fi
  export AUTHDOCTOR_MOTO_SERVER="$PWD/$venv/bin/moto_server"
fi
