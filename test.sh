#!/usr/bin/env bash
# Set up and run every test. Browser tests need Debian's chromium and a CJK font:
# installed here with apt-get when running as root; otherwise install them once with
#   sudo apt-get install -y chromium fonts-noto-cjk
source "$(dirname "$0")/scripts_common.sh"
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "缺少 chromium 或中文字体，请先执行 / missing chromium or a CJK font, run: sudo apt-get install -y chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi
exec .venv/bin/python -m pytest -q tests "$@"
