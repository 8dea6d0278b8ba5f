"""Time the meetings' follow-up with many items, beside its targets (issue 23):

  .venv/bin/python bench/followup_bench.py [--items 500] [--cases 300000] [--repeat 5]

Builds a demo database and a state of its own (a temporary folder), sets ITEMS action items over
courts, districts, divisions and judges (through followup.store, as many meetings would have),
and times:

  status after an import   a new import of the database (the demo generated again), then the
                           value and status of every item, first call in a fresh process
                           (target ≤ 5 s for 500 items)
  台账 page                 the page's server time: the whole script run of app.py on 整改台账 as
                           审管办 (Streamlit's AppTest, warm, median of --repeat), beside the
                           指标说明 page's run timed the same way (target ≤ 1 s)
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

_STATUS = """
import sys, time
t = time.perf_counter()
from followup import actions, store
from metrics.db import connect
con = connect(sys.argv[1])
found = actions.standings(con, store.items())
print(len(found), time.perf_counter() - t)
"""


def _generate(db: str, cases: int) -> None:
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", str(cases), "--quiet"],
                   cwd=ROOT, check=True)


def _items(db: str, n: int) -> None:
    from followup import store
    from followup.model import Item, Meeting, Unit
    from metrics import inventory
    from metrics.db import connect

    con = connect(db)
    day = dt.date.fromisoformat(inventory.meta(con)["data_date"])
    meeting = store.add_meeting(Meeting(0, "基准会商", day, None, False, f"{day:%Y-%m}", True, day), "bench")
    units = []
    for court in inventory.courts(con)["court_code"]:
        units += [Unit(court), Unit(court, True)] if inventory.has_district(con, court) else [Unit(court)]
        for division in inventory.divisions(con, court):
            units.append(Unit(court, False, division))
            units += [Unit(court, False, None, j) for j in inventory.judges(con, court, division)["judge_id"][:4]]
    rng = random.Random(2026)
    indicators = ["within_limit_rate", "closure_rate", "over12m_pending", "avg_duration", "mediation_rate",
                  "clearance_ratio", "appeal_rate", "reversal_remand_rate"]
    for _ in range(n):
        store.add_item(Item(0, meeting, "基准会商", rng.choice(indicators), rng.choice(units), "range",
                            dt.date(day.year, 12, 31), None, "", None, day, "bench", ""), "bench")
    con.close()


def _page_runs(page: str, repeat: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=120)
    at.session_state["_user"] = "demo_admin"
    at.run()
    times = []
    for k in range(repeat + 1):  # the first run warms the caches
        start = time.perf_counter()
        at.switch_page(f"app_pages/{page}.py").run()
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
        times.append(time.perf_counter() - start)
    return times[1:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=500)
    ap.add_argument("--cases", type=int, default=300000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="followup_bench_")
    db = os.path.join(folder, "demo.duckdb")
    os.environ.update(SPZX_DB=db, SPZX_STATE=os.path.join(folder, "state.sqlite"))
    os.environ.pop("SPZX_STATE_URL", None)
    os.chdir(ROOT)
    _generate(db, a.cases)
    _items(db, a.items)
    _generate(db, a.cases)  # a new import: every value is worked out afresh
    out = subprocess.run([sys.executable, "-c", _STATUS, db], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": ROOT})
    n, seconds = out.stdout.split()
    ledger, reference = _page_runs("actions", a.repeat), _page_runs("definitions", a.repeat)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {a.cases:,} cases, {n} items")
    print(f"status of {n} items after an import (fresh process): {float(seconds):.2f} s   target ≤ 5 s")
    print(f"整改台账 page, server time (median of {a.repeat}): {statistics.median(ledger):.2f} s   target ≤ 1 s; "
          f"指标说明 page the same way: {statistics.median(reference):.2f} s")


if __name__ == "__main__":
    main()
