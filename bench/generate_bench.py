"""Time the demo generator: wall time and peak memory of `python -m data generate`.

  .venv/bin/python bench/generate_bench.py [--cases 300000 10000000]

Targets: the default 300k demo in ≤ 15 s; 10M cases in ≤ 2 minutes with ≤ 4 GB.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, nargs="+", default=[300_000, 10_000_000])
    a = ap.parse_args()
    print(f"{os.cpu_count()} cores, load average before {os.getloadavg()[0]:.1f}")
    for n in a.cases:
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "demo.duckdb")
            t0 = time.perf_counter()
            # each run in its own child so the peak below is this run's alone
            code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            out = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "data", "generate", "--db", db,
                                  "--cases", str(n), "--quiet"], cwd=ROOT, check=True, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            peak = int(out.stdout.strip().splitlines()[-1]) / 1024
            size = os.path.getsize(db) / 2**20
            print(f"{n:>12,} cases: {wall:6.1f} s, peak {peak:,.0f} MB, file {size:,.0f} MB")


if __name__ == "__main__":
    main()
