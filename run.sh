#!/usr/bin/env bash
# Set up, build the demo database when absent, start the dashboard on http://localhost:8501
source "$(dirname "$0")/scripts_common.sh"
if [ -f "${SPZX_DB:-data/demo.duckdb}" ]; then
  # facts of older measure definitions: rebuild them (if that fails, the dashboard still serves by scanning)
  .venv/bin/python -m data refresh --db "${SPZX_DB:-data/demo.duckdb}" --if-stale || echo "汇总表未能重建 / facts not rebuilt" >&2
else
  .venv/bin/python -m data generate --db data/demo.duckdb
fi
echo "审判质效看板 / dashboard: http://localhost:${PORT:-8501}"
exec .venv/bin/streamlit run serve.py --server.port "${PORT:-8501}" "$@"
