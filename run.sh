#!/usr/bin/env bash
# Set up, build the demo database when absent, start the dashboard on http://localhost:8501
#   ./run.sh --replicas 3 [--local-postgres] [--port 8501]: several servers behind nginx (deploy/replicas.py)
source "$(dirname "$0")/scripts_common.sh"
read -ra lacking <<< "$(pdf_packages)"  # the PDF briefing's Pango and CJK faces: the rest runs without them
if [ ${#lacking[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${lacking[@]}" >/dev/null
  else
    echo "PDF 报告缺少 / the PDF briefing lacks: ${lacking[*]}，请执行 / run: sudo apt-get install -y ${lacking[*]}" >&2
  fi
fi
if [ -f "${SPZX_DB:-data/demo.duckdb}" ]; then
  # facts of older measure definitions: rebuild them (if that fails, the dashboard still serves by scanning)
  .venv/bin/python -m data refresh --db "${SPZX_DB:-data/demo.duckdb}" --if-stale || echo "汇总表未能重建 / facts not rebuilt" >&2
else
  .venv/bin/python -m data generate --db data/demo.duckdb
fi
if [ "${1:-}" = "--replicas" ]; then
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "缺少 nginx，请先执行 / nginx missing, run: sudo apt-get install -y nginx" >&2; exit 1; }
  exec .venv/bin/python -m deploy.replicas "$@"
fi
echo "审判质效看板 / dashboard: http://localhost:${PORT:-8501}"
exec .venv/bin/streamlit run serve.py --server.port "${PORT:-8501}" "$@"
