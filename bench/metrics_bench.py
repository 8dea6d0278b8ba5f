"""Time the indicator queries the pages make, on a (10M-case) database.

  .venv/bin/python bench/metrics_bench.py --db /tmp/demo10m.duckdb [--period 2026Q3] [--repeat 5]

Prints the median wall time of each query after one warm-up run, and the peak resident
memory of the process. Targets: one scope, all indicators, cumulative quarter ≤ 30 ms; the same by court for every
court ≤ 50 ms; by month for a year ≤ 60 ms (each ≤ 2× the hand-written query over the same facts
printed beside it, timed in the same run); the visit indicators by court ≤ 2× a hand-written
query over the facts and facts_visits_monthly; one judge's figures ≤ 100 ms; the assessment of every
judge of the province ≤ 2 s; a unit's 画像 (profile) ≤ 1 s; memory ≤ 2 GB.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from metrics import CATALOGUE, Period, Scope, compute  # noqa: E402
from metrics.db import connect  # noqa: E402
from metrics.facts import KEYS, ORIGIN_KEYS  # noqa: E402
from metrics.management import four_types_cases, leader_caseload, year_start_backlog  # noqa: E402
from metrics.profile import peer_base, peer_values, profile  # noqa: E402
from metrics.score import assessment, score_table  # noqa: E402


VISIT_IDS = [i.id for i in CATALOGUE if i.needs_visits]


def _facts_columns(con) -> tuple[list[str], list[str]]:
    columns = [r[0] for r in con.execute("DESCRIBE facts").fetchall() if r[0] not in {*KEYS, "month"}]
    flows = [c for c in columns if not c.endswith(("_in", "_out"))]
    stocks = sorted({c.rsplit("_", 1)[0] for c in columns if c.endswith(("_in", "_out"))})
    return flows, stocks


def _origin_columns(con) -> list[str]:
    return [r[0] for r in con.execute("DESCRIBE facts_origin").fetchall() if r[0] not in {*ORIGIN_KEYS, "month"}]


def reference(con, period: Period, group: str | None, complete: bool = False) -> None:
    """The floor issue 13 measures against: one hand-written query over the same facts summing
    every flow over the period and every stock up to its end (no measure logic, no pandas).
    complete: also the rest of what the indicators need, the judges with a case closed and the
    origin measures (一审被改判发回重审, a second statement over facts_origin)."""
    flows, stocks = _facts_columns(con)
    sums = [f"sum({c}) FILTER (WHERE month >= ?) AS {c}" for c in flows]
    sums += [f"sum({s}_in - {s}_out) AS {s}" for s in stocks]
    params = [period.start] * len(flows)
    if complete:
        sums.append("count(DISTINCT (court_code, judge_id)) FILTER (WHERE month >= ? AND closed > 0) AS judges")
        params.append(period.start)
    by = f"{group}, " if group else ""
    grouped = f"GROUP BY {group}" if group else ""
    con.execute(f"SELECT {by}{', '.join(sums)} FROM facts WHERE month <= ? {grouped}", params + [period.end]).fetchall()
    if complete:
        origin = ", ".join(f"sum({c})" for c in _origin_columns(con))
        con.execute(f"SELECT {by}{origin} FROM facts_origin WHERE month BETWEEN ? AND ? {grouped}",
                    [period.start, period.end]).fetchall()


def reference_visits(con, period: Period) -> None:
    """The floor for the visit indicators by court: the per-court flows and stocks over the facts
    (their denominators) and one hand-written pass over facts_visits_monthly: each visit flow summed
    over the period's months, 超期未办结 as its entries less its exits up to the period's end."""
    reference(con, period, "court_code")
    inside = "month BETWEEN ? AND ?"
    flows = ", ".join(f"sum(CASE WHEN {inside} THEN {c} END)" for c in
                      ("visits_received", "visits_repeat", "visits_skip_level", "visits_closed", "visits_resolved",
                       "visits_heard", "visits_days_sum"))
    con.execute(f"""SELECT court_code, {flows}, sum(visits_overdue_in - visits_overdue_out)
        FROM facts_visits_monthly WHERE month <= ? GROUP BY court_code""",
        [period.start, period.end] * 7 + [period.end]).fetchall()


def reference_by_month(con, year: Period, complete: bool = False) -> None:
    """The same floor by month: every flow per month of the year, every stock at each month's end
    (a running sum over the months); complete as above."""
    flows, stocks = _facts_columns(con)
    sums = [f"sum({c}) AS {c}" for c in flows]
    sums += [f"sum(sum({s}_in - {s}_out)) OVER (ORDER BY month) AS {s}" for s in stocks]
    if complete:
        sums.append("count(DISTINCT (court_code, judge_id)) FILTER (WHERE closed > 0) AS judges")
    con.execute(f"""SELECT * FROM (SELECT month, {', '.join(sums)} FROM facts WHERE month <= ? GROUP BY month)
                    WHERE month >= ?""", [year.end, year.start]).fetchall()
    if complete:
        origin = ", ".join(f"sum({c})" for c in _origin_columns(con))
        con.execute(f"SELECT month, {origin} FROM facts_origin WHERE month BETWEEN ? AND ? GROUP BY month",
                    [year.start, year.end]).fetchall()


def timed(fn, repeat: int) -> float:
    return timed_together([fn], repeat)[0]


def timed_together(fns: list, repeat: int) -> list[float]:
    """Median milliseconds of each function after a warm-up, the runs interleaved so that a busy
    spell of the machine weighs on all of them alike."""
    for fn in fns:
        fn()
    runs: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, runs):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return [statistics.median(times) * 1000 for times in runs]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--period", default="2026Q3")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    con = connect(a.db)
    n = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    period = Period.parse(a.period, cumulative=True)
    court, division, judge = con.execute("""
        SELECT court_code::VARCHAR, division, judge_id FROM cases WHERE closed_date >= ?
        GROUP BY ALL ORDER BY count(*) DESC LIMIT 1""", [period.start]).fetchone()
    level = con.execute("SELECT level FROM courts WHERE court_code = ?", [court]).fetchone()[0]
    judge_scope = Scope(court=court, division=division, judge_id=judge)
    judge_peers = peer_values(con, period, "judge", level, peer_base("judge", judge_scope))
    top = con.execute("SELECT court_code::VARCHAR FROM courts WHERE parent_code IS NULL").fetchone()[0]
    cases = [
        ("all indicators, whole province, cumulative quarter", lambda: compute(con, period, None, Scope())),
        ("all indicators, one basic court", lambda: compute(con, period, None, Scope(court=court))),
        ("all indicators by court, every court", lambda: compute(con, period, "court", Scope(court=top, with_subordinates=True))),
        ("one judge's figures", lambda: compute(con, period, None, Scope(court=court, judge_id=judge))),
        ("all indicators by month, province, one year", lambda: compute(con, Period.parse(a.period[:4]), "month", Scope())),
        ("composite score of every court (metrics score)", lambda: score_table(con, period, "court", Scope())),
        ("assessment of every judge of the province (scores, last year's, 进位/退位)",
         lambda: assessment(con, period, "judge", Scope())),
        ("management lists of the province (leaders, 四类案件, year-start backlog)",
         lambda: (leader_caseload(con, period, Scope()), four_types_cases(con, period, Scope()),
                  year_start_backlog(con, Scope(), period.end))),
        ("画像 of one court (its peers' figures included)", lambda: profile(con, period, "court", Scope(court=court))),
        ("画像 of one division (its peers' figures included)",
         lambda: profile(con, period, "division", Scope(court=court, division=division))),
        ("画像 of one judge (its peers' figures included)", lambda: profile(con, period, "judge", judge_scope)),
        ("画像 of one judge, peers as the page caches them", lambda: profile(con, period, "judge", judge_scope,
                                                                         peers=judge_peers)),
        ("涉企: all indicators by court, every court", lambda: compute(con, period, "court", Scope(enterprise=True))),
        ("visit indicators by court, every court (访源)",
         lambda: compute(con, period, "court", Scope(court=top, with_subordinates=True), VISIT_IDS)),
    ]
    # (query, the hand-written floors over the same facts it is held to: issue 13 asks ≤ 2×)
    year = Period.parse(a.period[:4])
    floors = {cases[0][0]: lambda complete: reference(con, period, None, complete),
              cases[2][0]: lambda complete: reference(con, period, "court_code", complete),
              cases[4][0]: lambda complete: reference_by_month(con, year, complete)}
    visit_floor = cases[-1][0]
    print(f"database {a.db}: {n:,} cases; period {period.label} cumulative; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, fn in cases:
        if name == visit_floor:
            ms, floor = timed_together([fn, lambda: reference_visits(con, period)], a.repeat)
            print(f"  {ms:8.0f} ms  {name}")
            print(f"             hand-written over the facts and facts_visits_monthly: {floor:.0f} ms ({ms / floor:.1f}×); "
                  f"{con.execute('SELECT count(*) FROM visits').fetchone()[0]:,} visits")
            continue
        if name not in floors:
            print(f"  {timed(fn, a.repeat):8.0f} ms  {name}")
            continue
        ms, lean, full = timed_together([fn, lambda: floors[name](False), lambda: floors[name](True)], a.repeat)
        print(f"  {ms:8.0f} ms  {name}")
        print(f"             hand-written over the facts: flows and stocks {lean:.0f} ms ({ms / lean:.1f}×); "
              f"with the judges closing and the origin measures {full:.0f} ms ({ms / full:.1f}×)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory {rss:,.0f} MB")


if __name__ == "__main__":
    main()
