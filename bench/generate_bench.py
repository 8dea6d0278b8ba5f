"""Time the demo generator: wall time, CPU (user+sys) and peak memory of `python -m data generate`.

  .venv/bin/python bench/generate_bench.py [--cases 300000 10000000]

Targets (issue 13): 10M cases in ≤ 60 s wall and ≤ 90 s CPU.
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
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            # each run in a child of its own, so the CPU and peak below are this run's alone
            proc = subprocess.Popen([sys.executable, "-m", "data", "generate", "--db", db, "--cases", str(n), "--quiet"],
                                    cwd=ROOT)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"generate --cases {n} failed")
            cpu = usage.ru_utime + usage.ru_stime
            peak = usage.ru_maxrss / 1024
            size = os.path.getsize(db) / 2**20
            print(f"{n:>12,} cases: {wall:6.1f} s wall, CPU {cpu:6.1f} s (user {usage.ru_utime:.1f} + sys "
                  f"{usage.ru_stime:.1f}), peak {peak:,.0f} MB, file {size:,.0f} MB; load average before {load:.1f}")


if __name__ == "__main__":
    main()
