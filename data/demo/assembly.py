"""The demo province assembled: the batches as one Arrow table (case numbers and origin links
worked out in numpy), then written to the database by `store`, as an import writes it.
"""
from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np
import pyarrow as pa

from metrics.facts import write_facts
from schema import codes

from .. import store, validate
from .process import CaseProcess
from .visits import draw_visits
from .settings import (CAUSES, DUCKDB_MEMORY_MB, DUCKDB_MEMORY_MB_LARGE, METHODS, NA, PROCS, ROWS_PER_CIVIL_ROOT,
    SOURCE, START, TY, TYPES)


class Generator(CaseProcess):
    """The drawn province, assembled into one Arrow table."""

    def table(self) -> pa.Table:
        """All batches as one Arrow table: integer codes, dictionary-coded strings, dates, each
        case's row `k`, its case number's year and serial, and its origin's row and case number
        parts. Columns are moved out of the batches one at a time, so the data is not held twice
        (100M cases fit)."""

        def col(name: str) -> np.ndarray:
            return np.concatenate([b.pop(name) for b in self.batches])

        def dates(a: np.ndarray) -> pa.Array:
            return pa.array(a, pa.int32(), mask=a == NA).cast(pa.date32())

        def coded(a: np.ndarray, values: list[str]) -> pa.Array:
            return pa.DictionaryArray.from_arrays(pa.array(a, mask=a == NA), pa.array(values, pa.string()))

        for b in self.batches:
            b.setdefault("init_proc", b["proc"])
            del b["court"], b["fi_judge"]  # not stored: a case's court is its judge's
            b.pop("petitioned", None)
        ids, ctype, judge, filed, origin = col("id"), col("ctype"), col("judge"), col("filed"), col("origin")
        closed, method, recv = col("closed"), col("method"), col("recv")
        court = self.j_court[judge]
        row = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, np.int32)
        row[ids] = np.arange(len(ids), dtype=np.int32)
        origin_k = np.where(origin != NA, row[np.where(origin != NA, origin, 0)], NA).astype(np.int32)
        has_origin = origin_k != NA  # an origin among the cases (every generated one is)
        del row
        year, serial = case_number_parts(court, ctype, filed, ids)
        at_origin = np.where(has_origin, origin_k, 0)
        courts = pa.array(self.court_codes, pa.string())
        flags = self.v2_flags(origin_k, ctype, court)
        self.visits = draw_visits(self, court, ctype, judge, filed, closed, method, recv, year, serial)
        return pa.table({
            "k": np.arange(len(ids), dtype=np.int32),
            "court_code": pa.DictionaryArray.from_arrays(pa.array(court), courts),
            "ctype": coded(ctype, TYPES),
            "year": year,
            "serial": serial,
            "division": pa.DictionaryArray.from_arrays(pa.array(self.j_div[judge]), pa.array(self.divisions)),
            "judge_id": pa.DictionaryArray.from_arrays(pa.array(judge), pa.array(self.j_id, pa.string())),
            "judge_name": pa.DictionaryArray.from_arrays(pa.array(judge), pa.array(self.j_name, pa.string())),
            "proc": coded(col("proc"), PROCS),
            "cause": coded(col("cause"), CAUSES),
            "filed": dates(filed),
            "closed": dates(closed),
            "method": coded(method, METHODS),
            "ext": col("ext"),
            "ded": col("ded"),
            "origin_k": pa.array(origin_k, mask=~has_origin),
            "o_court_code": pa.DictionaryArray.from_arrays(pa.array(court[at_origin], mask=~has_origin), courts),
            "o_ctype": coded(np.where(has_origin, ctype[at_origin], NA).astype(np.int8), TYPES),
            "o_year": pa.array(year[at_origin], mask=~has_origin),
            "o_serial": pa.array(serial[at_origin], mask=~has_origin),
            "hearing": col("hearing"),
            "recv": dates(recv),
            "trans": dates(col("trans")),
            "applied": col("applied"),
            "recovered": col("recovered"),
            "assets": col("assets"),
            "init_proc": coded(col("init_proc"), PROCS),
            **flags,
        })

    def v2_flags(self, origin_k: np.ndarray, ctype: np.ndarray, court: np.ndarray) -> dict:
        """涉企 (civil and enforcement cases, inherited along origin links), 四类案件 and their review."""
        n = len(ctype)

        def draw() -> np.ndarray:
            """One number per case: the cases before the later retrials from the spec-v2 stream, as
            before they came, those retrials and their sequels (rows at the end) from their own."""
            return np.concatenate([self.rng_v2.random(self.main_cases), self.rng_retrial.random(n - self.main_cases)])

        category = np.array([codes.CASE_TYPES[t][1] for t in TYPES])[ctype]
        counted = ctype != TY["民诉前调"]
        enterprise = np.isin(category, ["民事", "执行"]) & (draw() < self.c_enterprise[court])
        root = np.where(origin_k == NA, np.arange(n), origin_k)
        for _ in range(7):  # pointer doubling: every case finds its chain's first case
            root = root[root]
        enterprise = enterprise[root]  # a chain's cases share the parties of its first case
        four = counted & (draw() < self.c_four_types[court])
        reviewed = four & (draw() < self.c_reviewed[court])
        return {"enterprise": enterprise, "four_types": four, "reviewed": reviewed}



def case_number_parts(court: np.ndarray, ctype: np.ndarray, filed: np.ndarray, ids: np.ndarray):
    """(year, serial) of each case's number （year）court type serial 号: cases numbered from 1 per
    court, type and year of filing, in order of filing date and then id. One sort of a packed
    int64 key (court, type, filing day, id), so 100M cases number in seconds and little memory."""
    n = len(ids)
    day = filed.astype(np.int64) - int(filed.min() if n else 0)
    widths = [int(x.max() if n else 0).bit_length() for x in (ctype.astype(np.int64), day, ids.astype(np.int64))]
    if int(court.max() if n else 0).bit_length() + sum(widths) > 63:
        order = np.lexsort((ids, filed, ctype, court))  # a key too wide to pack (not at any real size)
    else:
        key = court.astype(np.int64)
        for part, width in zip((ctype, day, ids), widths):
            key = (key << width) | part.astype(np.int64)
        order = np.argsort(key, kind="stable")
        del key
    year = filed.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int16) + np.int16(1970)
    group = (court.astype(np.int64)[order] << 24) | (ctype.astype(np.int64)[order] << 16) | year[order]
    first = np.ones(n, bool)
    first[1:] = group[1:] != group[:-1]
    position = np.arange(n, dtype=np.int32)
    serial = np.empty(n, np.int32)
    serial[order] = position - np.maximum.accumulate(np.where(first, position, 0)) + 1
    return year, serial


def _build_relation(con, table: pa.Table) -> str:
    """Register the generated table as the cases to store (row `k`, origin row `origin_k`, the
    CASE_FIELDS); case numbers are put together from their parts, without a join."""
    con.register("gen", table)
    con.execute("""
        CREATE TEMP VIEW gen_cases AS
        SELECT g.k, g.origin_k,
               '(' || g.year || ')' || g.court_code::VARCHAR || g.ctype::VARCHAR || g.serial || '号' AS case_no,
               g.court_code::VARCHAR AS court_code, g.ctype::VARCHAR AS case_type,
               g.division::VARCHAR AS division, g.judge_id::VARCHAR AS judge_id,
               g.judge_name::VARCHAR AS judge_name,
               g.proc::VARCHAR AS procedure, g.cause::VARCHAR AS cause, g.filed AS filed_date,
               g.closed AS closed_date, g.method::VARCHAR AS closing_method, g.ext::INTEGER AS extended_days,
               g.ded::INTEGER AS deducted_days,
               CASE WHEN g.origin_k IS NOT NULL THEN '(' || g.o_year || ')' || g.o_court_code::VARCHAR
                    || g.o_ctype::VARCHAR || g.o_serial || '号' END AS origin_case_no,
               g.hearing, g.recv AS appeal_received_date, g.trans AS appeal_transferred_date,
               g.applied AS amount_applied, g.recovered AS amount_recovered, g.assets AS has_assets,
               g.init_proc::VARCHAR AS initial_procedure, g.four_types, g.reviewed, g.enterprise
        FROM gen g
    """)
    return "gen_cases"


def generate(db_path: str, cases: int = 300_000, seed: int = 2026, end: dt.date = dt.date(2026, 9, 30),
             progress: bool = True) -> int:
    """Write the demo province to `db_path` (atomically, like an import); returns the case count."""
    if end < START:
        raise ValueError(f"end must not be before {START.isoformat()}")
    t0 = time.perf_counter()

    def say(step: int, text: str) -> None:
        if progress:
            print(f"[{step}/6] {text}… ({time.perf_counter() - t0:.1f}s)", file=sys.stderr, flush=True)

    say(1, "法院与法官 courts and judges")
    civil_roots = max(1, round(cases / ROWS_PER_CIVIL_ROOT))
    g = Generator(seed, end)
    g.run(civil_roots, say)
    if abs(g.next_id / cases - 1) > 0.04:  # e.g. a short span leaves fewer follow-up cases: size once more
        civil_roots = max(1, round(civil_roots * cases / g.next_id))
        g = Generator(seed, end)
        g.run(civil_roots, lambda *_: None)
    say(4, "案号、原审案号与信访 case numbers, origins and letters and visits")
    table = g.table()
    visits = g.visits
    del g.batches, g.visits
    with store.building(db_path) as con:
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_MB_LARGE if cases >= 50_000_000 else DUCKDB_MEMORY_MB}MB'")
        con.execute(
            "CREATE TEMP TABLE court_list(court_code VARCHAR, court_name VARCHAR, level VARCHAR, "
            "parent_code VARCHAR, population BIGINT)"
        )
        con.executemany("INSERT INTO court_list VALUES (?, ?, ?, ?, ?)", g.court_rows)
        validate.load_lookups(con)
        relation = _build_relation(con, table)
        store.create_types(con)
        store.write_courts(con)
        store.create_judge_list(con)
        con.executemany("INSERT INTO judge_list VALUES (?, ?, ?, ?, ?, ?)", g.judges_list())
        say(5, "写入案件与派生字段 cases and derived facts")
        store.write_cases(con, relation, keyed=True, linked=True, with_facts=False)
        con.execute("DROP VIEW gen_cases")
        con.unregister("gen")
        del table
        con.register("gen_visits", visits)
        con.execute("INSERT INTO visits SELECT * FROM gen_visits ORDER BY visit_no")
        con.unregister("gen_visits")
        write_facts(con)  # the monthly facts and facts_visits, as an import writes them
        say(6, "写入元数据 meta")
        store.write_meta(con, kind="demo", data_date=end.isoformat(), source=SOURCE)
        store.write_court_data(con, "SELECT court_code, ?::DATE AS through, (SELECT value FROM meta WHERE key = "
                               "'built_at') AS imported_at, ? AS source FROM court_list", [end, SOURCE])
        n = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    if progress:
        print(f"完成 done: {n:,} 件 cases ({time.perf_counter() - t0:.1f}s)", file=sys.stderr, flush=True)
    return n
