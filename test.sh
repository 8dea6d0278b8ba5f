#!/usr/bin/env bash
# Set up and run every test. Browser tests need Debian's chromium and a CJK font, the tests of
# several servers nginx and PostgreSQL, the Spark facts test Java 17+, the 会商闭环 test and the
# Excel pack's LibreOffice (Writer, Calc: to PDF), poppler (its text and pages) and the PDF
# briefing's Pango: installed here with apt-get when running as root; otherwise install them once with
#   sudo apt-get install -y chromium fonts-noto-cjk nginx postgresql openjdk-17-jre-headless \
#                           libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils \
#                           libpango-1.0-0 libpangoft2-1.0-0
source "$(dirname "$0")/scripts_common.sh"
install_pinned requirements-spark.txt  # pyspark: large, so only for the tests (run.sh does without)
missing=()
command -v chromium >/dev/null || missing+=(chromium)
read -ra lacking <<< "$(pdf_packages)"  # the PDF briefing's Pango and CJK faces
missing+=("${lacking[@]}")
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "缺少 / missing: ${missing[*]}，请先执行 / run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
exec .venv/bin/python -m pytest -q tests "$@"
