#!/usr/bin/env bash
# Set up and run every test. Browser tests need Debian's chromium and a CJK font, the Spark facts
# test Java 17+: installed here with apt-get when running as root; otherwise install them once with
#   sudo apt-get install -y chromium fonts-noto-cjk openjdk-17-jre-headless
source "$(dirname "$0")/scripts_common.sh"
install_pinned requirements-spark.txt  # pyspark: large, so only for the tests (run.sh does without)
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" || ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
      openjdk-17-jre-headless >/dev/null
  else
    echo "缺少 chromium、中文字体或 Java，请先执行 / missing chromium, a CJK font or Java, run: sudo apt-get install -y chromium fonts-noto-cjk openjdk-17-jre-headless" >&2
    exit 1
  fi
fi
exec .venv/bin/python -m pytest -q tests "$@"
