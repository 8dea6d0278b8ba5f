#!/usr/bin/env bash
# Set up, build the demo database when absent, start the dashboard on http://localhost:8501
source "$(dirname "$0")/scripts_common.sh"
[ -f data/demo.duckdb ] || .venv/bin/python -m data generate --db data/demo.duckdb
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" "$@"
