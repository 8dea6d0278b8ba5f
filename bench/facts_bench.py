"""Time DuckDB's own facts build on a stored database, without copying it: the fact tables are
written to a scratch file from the database's cases, opened read-only (what `refresh` does after
its copy). Prints wall time and peak memory.

.venv/bin/python bench/facts_bench.py --db /tmp/demo100m.duckdb [--scratch /tmp/facts_scratch.duckdb]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import duckdb  # noqa: E402

from metrics.facts import write_facts  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--scratch", default="/tmp/facts_scratch.duckdb")
    args = ap.parse_args()
    if os.path.exists(args.scratch):
        os.remove(args.scratch)
    con = duckdb.connect(args.scratch)
    con.execute("ATTACH ? AS src (READ_ONLY)", [args.db])
    for table in ("cases", "courts"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM src.{table}")
    t0 = time.perf_counter()
    write_facts(con)
    wall = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    con.close()
    os.remove(args.scratch)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"duckdb facts build: {wall:.1f}s wall, {rows:,} facts rows, peak {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
