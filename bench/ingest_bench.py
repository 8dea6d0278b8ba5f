"""Benchmark of `python -m data ingest` on a large valid case list (not part of the test suite).

Writes a 1,000,000-row CSV (vectorised with numpy/pyarrow: several courts and case types,
origin links, plausible dates and amounts), then times the import into a new database and,
in the same run, the floor it is measured against: a plain DuckDB `CREATE TABLE t AS SELECT *
FROM read_csv(...)` of the same file into a new DuckDB file. Each runs in a child process of
its own; the bench prints the wall time, CPU (user+sys) and peak RSS of both and the ratios.

    .venv/bin/python bench/ingest_bench.py [--rows N] [--dir DIR] [--keep]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from schema import codes  # noqa: E402

COURTS = [
    ("示", "示范省高级人民法院", "高级", "", ""),
    ("示01", "东川市中级人民法院", "中级", "示", ""),
    ("示02", "西岭市中级人民法院", "中级", "示", ""),
    ("示0102", "东川市城关区人民法院", "基层", "示01", "820000"),
    ("示0103", "东川市河口区人民法院", "基层", "示01", "430000"),
    ("示0105", "东川市新区人民法院", "基层", "示01", ""),
    ("示0201", "西岭市岭南区人民法院", "基层", "示02", "610000"),
    ("示0202", "西岭市青山县人民法院", "基层", "示02", "270000"),
    ("示0299", "西岭市林区人民法院", "基层", "示02", "50000"),
]
BASIC = [c[0] for c in COURTS if c[2] == "基层"]
MIDDLE = [c[0] for c in COURTS if c[2] == "中级"]
HIGH = ["示"]

# type -> (share, courts it is filed at, division)
TYPES = {
    "民初": (0.36, BASIC, ["民一庭", "民二庭", "城郊法庭"]),
    "刑初": (0.05, BASIC, ["刑庭"]),
    "行初": (0.02, BASIC, ["行政庭"]),
    "执": (0.17, BASIC, ["执行局"]),
    "执恢": (0.03, BASIC, ["执行局"]),
    "执异": (0.02, BASIC, ["执行局"]),
    "执复": (0.01, MIDDLE, ["执行局"]),
    "民诉前调": (0.15, BASIC, ["诉讼服务中心"]),
    "民终": (0.10, MIDDLE, ["民一庭", "民二庭"]),
    "刑终": (0.02, MIDDLE, ["刑庭"]),
    "行终": (0.01, MIDDLE, ["行政庭"]),
    "民申": (0.03, HIGH, ["审监庭"]),
    "民再": (0.01, HIGH, ["审监庭"]),
    "刑申": (0.01, HIGH, ["审监庭"]),
    "行申": (0.005, HIGH, ["审监庭"]),
    "行再": (0.005, HIGH, ["审监庭"]),
}
ORIGIN_OF = {  # type -> the type its origin has; in dependency order
    "民终": "民初", "刑终": "刑初", "行终": "行初", "执": "民初", "民申": "民终", "刑申": "刑终", "行申": "行终",
    "民再": "民申", "行再": "行申", "执恢": "执", "执异": "执", "执复": "执异",
}
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚")


def _choice(rng, options, n):
    return pa.array(np.asarray(options, dtype=object)[rng.integers(0, len(options), n)], pa.string())


def make_cases(n: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    names = list(TYPES)
    share = np.array([TYPES[t][0] for t in names])
    type_idx = rng.choice(len(names), size=n, p=share / share.sum())
    ctype = np.asarray(names, dtype=object)[type_idx]

    court = np.empty(n, dtype=object)
    division = np.empty(n, dtype=object)
    procedure = np.empty(n, dtype=object)
    method = np.empty(n, dtype=object)
    for t, (_s, courts, divisions) in TYPES.items():
        m = ctype == t
        k = int(m.sum())
        court[m] = np.asarray(courts, dtype=object)[rng.integers(0, len(courts), k)]
        division[m] = np.asarray(divisions, dtype=object)[rng.integers(0, len(divisions), k)]
        procs = [p for (tt, p) in codes.TIME_LIMITS if tt == t]
        procedure[m] = np.asarray(procs, dtype=object)[rng.integers(0, len(procs), k)]
        methods = codes.CLOSING_ALLOWED[t]
        method[m] = np.asarray(methods, dtype=object)[rng.integers(0, len(methods), k)]

    day0 = np.datetime64("2023-01-01")
    filed = day0 + rng.integers(0, 1000, n).astype("timedelta64[D]")
    # origin links (80% of the cases that have an origin type): a later case names an earlier
    # one, filed 20-200 days after it; types in dependency order, so origins are final first
    origin_idx = np.full(n, -1, dtype=np.int64)
    for t, src in ORIGIN_OF.items():
        m = np.flatnonzero(ctype == t)
        pool = np.flatnonzero(ctype == src)
        if len(m) == 0 or len(pool) == 0:
            continue
        linked = m[rng.random(len(m)) < 0.8]
        origin_idx[linked] = pool[rng.integers(0, len(pool), len(linked))]
        filed[linked] = filed[origin_idx[linked]] + rng.integers(20, 200, len(linked)).astype("timedelta64[D]")
    closed = filed + rng.integers(0, 300, n).astype("timedelta64[D]")
    pending = rng.random(n) < 0.15
    year = filed.astype("datetime64[Y]").astype(int) + 1970

    serial = np.arange(1, n + 1)
    case_no = pc.binary_join_element_wise(
        "(", pa.array(year.astype(str)), ")", pa.array(court, pa.string()), pa.array(ctype, pa.string()),
        pa.array(serial.astype(str)), "号", "")
    # some exports use full-width brackets
    fw = rng.random(n) < 0.05
    case_no_written = pc.if_else(
        pa.array(fw), pc.replace_substring(pc.replace_substring(case_no, "(", "（"), ")", "）"), case_no)
    has_origin = origin_idx >= 0
    origin = pc.if_else(pa.array(has_origin), case_no.take(pa.array(np.where(has_origin, origin_idx, 0))),
                        pa.scalar(None, pa.string()))

    judge_no = rng.integers(0, 12, n)
    judge_id = pc.binary_join_element_wise(
        "J", pa.array(court, pa.string()), pa.array(np.char.zfill(judge_no.astype(str), 3)), "")
    judge_id = pc.replace_substring(judge_id, "示", "")
    judge_name = pc.binary_join_element_wise(
        _choice(rng, SURNAMES, n), _choice(rng, GIVEN, n), _choice(rng, GIVEN, n), "")

    def dates(d, fmt_slash):
        s = pa.array(d.astype("datetime64[D]")).cast(pa.string())  # YYYY-MM-DD
        return pc.if_else(pa.array(fmt_slash), pc.replace_substring(s, "-", "/"), s)

    filed_s = dates(filed, rng.random(n) < 0.2)
    closed_s = pc.if_else(pa.array(pending), pa.scalar(None, pa.string()), dates(closed, rng.random(n) < 0.2))
    method_s = pc.if_else(pa.array(pending), pa.scalar(None, pa.string()), pa.array(method, pa.string()))

    first = np.isin(ctype, ["民初", "刑初", "行初"])
    appealed = first & ~pending & (rng.random(n) < 0.1)
    received = closed + rng.integers(5, 20, n).astype("timedelta64[D]")
    transferred = received + rng.integers(0, 30, n).astype("timedelta64[D]")
    null_s = pa.scalar(None, pa.string())
    recv_s = pc.if_else(pa.array(appealed), dates(received, np.zeros(n, bool)), null_s)
    trans_s = pc.if_else(pa.array(appealed), dates(transferred, np.zeros(n, bool)), null_s)

    enforce = np.isin(ctype, ["执", "执恢"])
    applied_c = rng.integers(100_000, 50_000_000, n)
    recovered_c = (applied_c * rng.random(n)).astype(np.int64)

    def money(cents):
        whole = pa.array((cents // 100).astype(str))
        frac = pc.utf8_lpad(pa.array((cents % 100).astype(str)), 2, "0")
        return pc.binary_join_element_wise(whole, frac, ".")

    applied_s = pc.if_else(pa.array(enforce), money(applied_c), null_s)
    recovered_s = pc.if_else(pa.array(enforce), money(recovered_c), null_s)
    appeal = np.isin(ctype, ["民终", "刑终", "行终"])
    hearing_s = pc.if_else(pa.array(appeal), _choice(rng, ["是", "否", "1", "Y"], n), null_s)
    assets_s = pc.if_else(pa.array(ctype == "执"), _choice(rng, ["是", "否", "Y", "N"], n), null_s)
    ext = rng.integers(0, 4, n) * 30
    ext_s = pc.if_else(pa.array(rng.random(n) < 0.1), pa.array(ext.astype(str)), null_s)
    ded_s = pc.if_else(pa.array(rng.random(n) < 0.1), pa.array(rng.integers(0, 60, n).astype(str)), null_s)
    cause_s = pc.if_else(pa.array(ctype == "民初"), _choice(rng, ["民间借贷纠纷", "买卖合同纠纷", "离婚纠纷"], n), null_s)
    court_s = pc.if_else(pa.array(rng.random(n) < 0.5), pa.array(court, pa.string()), null_s)

    return pa.table({
        "case_no": case_no_written, "court_code": court_s, "case_type": pa.array(ctype, pa.string()),
        "division": pa.array(division, pa.string()), "judge_id": judge_id, "judge_name": judge_name,
        "procedure": pa.array(procedure, pa.string()), "cause": cause_s, "filed_date": filed_s,
        "closed_date": closed_s, "closing_method": method_s, "extended_days": ext_s, "deducted_days": ded_s,
        "origin_case_no": origin, "hearing": hearing_s,
        "appeal_received_date": recv_s, "appeal_transferred_date": trans_s,
        "amount_applied": applied_s, "amount_recovered": recovered_s, "has_assets": assets_s,
    })


def write_files(directory: str, rows: int) -> tuple[str, str]:
    cases = os.path.join(directory, "cases.csv")
    courts = os.path.join(directory, "courts.csv")
    pacsv.write_csv(make_cases(rows), cases)
    with open(courts, "w", encoding="utf-8") as f:
        f.write("court_code,court_name,level,parent_code,population\n")
        for c in COURTS:
            f.write(",".join(c) + "\n")
    return cases, courts


# The floor: DuckDB's own CSV reader into a table of a new database file, nothing else.
REFERENCE = ("import sys, duckdb; con = duckdb.connect(sys.argv[2]); "
             "con.execute('CREATE TABLE t AS SELECT * FROM read_csv(?)', [sys.argv[1]]); con.close()")


def _child(cmd: list[str], log: str) -> tuple[float, float, float, int]:
    """Run `cmd` in a child of its own: (wall seconds, CPU seconds user+sys, peak RSS MB, exit code)."""
    t0 = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own peak and CPU
    return (time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    directory = args.dir or tempfile.mkdtemp(prefix="ingest_bench_")
    os.makedirs(directory, exist_ok=True)
    if args.write_only:
        write_files(directory, args.rows)
        return 0
    t0 = time.perf_counter()
    # Written by a child: a child forked from a parent holding the generated table would count
    # that memory in its own peak (ru_maxrss includes what it had before exec).
    subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--dir", directory, "--write-only"], check=True)
    cases, courts = os.path.join(directory, "cases.csv"), os.path.join(directory, "courts.csv")
    print(f"wrote {args.rows:,} rows ({os.path.getsize(cases) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
    db = os.path.join(directory, "bench.duckdb")
    for p in (db, db + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(db + ".versions", ignore_errors=True)
    load = os.getloadavg()
    log = os.path.join(directory, "ingest.log")
    secs, cpu, rss, returncode = _child(
        [sys.executable, "-m", "data", "ingest", cases, "--courts", courts, "--db", db,
         "--rejects", os.path.join(directory, "rejects.csv")], log)
    with open(log) as f:
        print(f.read().strip())
    if returncode != 0:
        return returncode
    ref_db = os.path.join(directory, "reference.duckdb")
    for p in (ref_db, ref_db + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    ref_secs, ref_cpu, ref_rss, returncode = _child([sys.executable, "-c", REFERENCE, cases, ref_db],
                                                    os.path.join(directory, "reference.log"))
    if returncode != 0:
        return returncode
    print(f"ingest:    {args.rows:,} rows in {secs:.1f}s = {args.rows / secs:,.0f} rows/s, "
          f"CPU {cpu:.1f}s (user+sys, {os.cpu_count()} cores), peak RSS {rss:,.0f} MB")
    print(f"read_csv:  {ref_secs:.1f}s, CPU {ref_cpu:.1f}s, peak RSS {ref_rss:,.0f} MB "
          f"(CREATE TABLE t AS SELECT * FROM read_csv(...) into a new DuckDB file)")
    print(f"ratio:     CPU {cpu / ref_cpu:.2f}x, peak RSS {rss / ref_rss:.2f}x, wall {secs / ref_secs:.2f}x; "
          f"load average before {load[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    if not args.keep and not args.dir:
        shutil.rmtree(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
