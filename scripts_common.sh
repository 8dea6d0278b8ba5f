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
# The PDF briefing (WeasyPrint) lays text out with Pango, in the CJK faces of fonts-noto-cjk.
pdf_packages() {  # prints the Debian packages it lacks
  local lacking=() libs
  libs=$("$(command -v ldconfig || echo /sbin/ldconfig)" -p 2>/dev/null || true)
  grep -q "libpango-1.0.so.0" <<< "$libs" || lacking+=(libpango-1.0-0)
  grep -q "libpangoft2-1.0.so.0" <<< "$libs" || lacking+=(libpangoft2-1.0-0)
  fc-list 2>/dev/null | grep -qi "noto.*cjk" || lacking+=(fonts-noto-cjk)
  echo "${lacking[@]}"
}
