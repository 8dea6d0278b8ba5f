# Shared by run.sh and test.sh: make the virtual environment and install the pinned packages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11+ / Python 3.11+ required" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
install_pinned() {  # the packages of one requirements file, unless installed already for its content
  local stamp=".venv/.${1%.txt}.sha256" want
  want=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$1"
    echo "$want" > "$stamp"
  fi
}
install_pinned requirements.txt
