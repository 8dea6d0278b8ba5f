"""Run bench/metrics_bench.py of two checkouts in turn, in one run, and print their medians side by side.

  .venv/bin/python bench/ab_metrics.py --old-root /tmp/before --old-db /tmp/before10m.duckdb \\
                                       --new-db /tmp/demo10m.duckdb [--rounds 3]

The old checkout (e.g. `git worktree add /tmp/before <commit>`) reads a database built by its
own code; the rounds alternate old, new, old, new … so both see the same machine load.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"^\s+(\d+) ms\s+(.+)$")


def run(root: str, db: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, os.path.join(root, "bench", "metrics_bench.py"), "--db", db],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    return {m[2]: float(m[1]) for m in map(LINE.match, out.splitlines()) if m}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old-root", required=True)
    ap.add_argument("--old-db", required=True)
    ap.add_argument("--new-db", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    old, new = [], []
    for _ in range(a.rounds):
        old.append(run(a.old_root, a.old_db))
        new.append(run(ROOT, a.new_db))
    print(f"{'query':55s} {'before':>10s} {'after':>10s}   (median of {a.rounds} runs, each a median of 5)")
    for name in old[0]:
        before = statistics.median(r[name] for r in old)
        after = statistics.median(r[name] for r in new if name in r)
        print(f"{name:55s} {before:8.0f} ms {after:8.0f} ms")


if __name__ == "__main__":
    main()
