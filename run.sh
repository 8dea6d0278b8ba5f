#!/usr/bin/env bash
# Set up, build the demo database when absent, start the dashboard on http://localhost:8501
source "$(dirname "$0")/scripts_common.sh"
if [ -f "${SPZX_DB:-data/demo.duckdb}" ]; then
  .venv/bin/python -m data refresh --db "${SPZX_DB:-data/demo.duckdb}" --if-stale  # facts of older measure definitions
else
  .venv/bin/python -m data generate --db data/demo.duckdb
fi
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" "$@"
