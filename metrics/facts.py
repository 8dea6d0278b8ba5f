"""Monthly facts: every case measure summed per unit and calendar month, built at load time.

Every period the project computes is a run of whole months, and every case measure (see
measures.py) is either an event placed in one month (FLOW, ORIGIN) or a stock, which at a
month's end is a running sum of monthly entries and exits:

  stock at the end of month m = Σ_{months ≤ m} (entered − left)

where a case enters in the month of its `enters` day and leaves in the month of
max(enters, leaves). So the tables below answer every indicator exactly with small sums,
whatever the size of `cases`:

  facts         unit (court, division, judge, case type, category, 涉企) × month: FLOW measures,
                and <stock>_in / <stock>_out for each stock
  facts_origin  the origin case's unit × month: ORIGIN measures
  judges        one row per judge with the latest name
  facts_info    the version of the measure declarations the facts were built from

The version is a hash of the SQL that builds the facts, so any change to a measure changes
it; a database whose facts carry another version is answered by scanning `cases` (engine)
until `python -m data refresh` rebuilds them.
"""
from __future__ import annotations

import hashlib
from enum import Enum

import duckdb

from .measures import Kind, Measure, of_kind, stocks

KEYS = ["court_code", "division", "judge_id", "case_type", "category", "enterprise"]
ORIGIN_KEYS = {"court_code": "origin_court", "division": "origin_division", "judge_id": "origin_judge_id",
               "category": "origin_category", "enterprise": "origin_enterprise"}
# The cases with their court's attribute that some measures test (has_population).
_SOURCE = """(SELECT c.*, coalesce(ct.population > 0, false) AS has_population
              FROM cases c LEFT JOIN courts ct ON ct.court_code = c.court_code)"""


def _aggregate(m: Measure) -> str:
    if m.value is None:
        return f"coalesce(count_if({m.cases}), 0) AS {m.name}"
    return f"coalesce(sum(CASE WHEN {m.cases} THEN {m.value} END), 0) AS {m.name}"


def facts_columns() -> list[str]:
    """The measure columns of table `facts`."""
    return [m.name for m in of_kind(Kind.FLOW)] + [f"{s.name}_{d}" for s in stocks() for d in ("in", "out")]


def _facts_sql() -> list[str]:
    keys = ", ".join(KEYS)
    parts = []
    flows = of_kind(Kind.FLOW)
    for event in dict.fromkeys(m.event for m in flows):
        cols = ", ".join(_aggregate(m) for m in flows if m.event is event)
        parts.append(f"""SELECT {keys}, date_trunc('month', {event.value})::DATE AS month, {cols}
            FROM {_SOURCE} WHERE {event.value} IS NOT NULL GROUP BY ALL""")
    for s in stocks():
        parts.append(f"""SELECT {keys}, date_trunc('month', {s.enters})::DATE AS month, count(*) AS {s.name}_in
            FROM cases WHERE {s.cases} GROUP BY ALL""")
        parts.append(f"""SELECT {keys}, date_trunc('month', greatest({s.enters}, {s.leaves}))::DATE AS month,
                count(*) AS {s.name}_out
            FROM cases WHERE {s.cases} AND {s.leaves} IS NOT NULL GROUP BY ALL""")
    sums = ", ".join(f"coalesce(sum({n}), 0) AS {n}" for n in facts_columns())
    union = "\nUNION ALL BY NAME\n".join(parts)
    origin_keys = ", ".join(f"{col} AS {key}" for key, col in ORIGIN_KEYS.items())
    origin = []
    for event in dict.fromkeys(m.event for m in of_kind(Kind.ORIGIN)):
        measures = [m for m in of_kind(Kind.ORIGIN) if m.event is event]
        cols = ", ".join(_aggregate(m) for m in measures)
        any_case = " OR ".join(f"({m.cases})" for m in measures)  # only the cases some measure counts
        origin.append(f"""SELECT {origin_keys}, date_trunc('month', {event.value})::DATE AS month, {cols}
            FROM cases WHERE {event.value} IS NOT NULL AND origin_court IS NOT NULL AND ({any_case})
            GROUP BY ALL""")
    origin_sums = ", ".join(f"coalesce(sum({m.name}), 0) AS {m.name}" for m in of_kind(Kind.ORIGIN))
    return [
        f"""CREATE TABLE facts AS
            SELECT {keys}, month, {sums} FROM ({union}) GROUP BY ALL ORDER BY court_code, month""",
        f"""CREATE TABLE facts_origin AS
            SELECT {', '.join(ORIGIN_KEYS)}, month, {origin_sums}
            FROM ({' UNION ALL BY NAME '.join(origin)}) GROUP BY ALL ORDER BY court_code, month""",
        """CREATE TABLE judges AS
            SELECT court_code, judge_id, arg_max(judge_name, filed_date) AS judge_name, count(*) AS cases
            FROM cases GROUP BY ALL ORDER BY court_code, judge_id""",
    ]


FACT_TABLES = ("facts", "facts_origin", "judges", "facts_info")
_LAYOUT = "integer sums stored as BIGINT"  # how write_facts stores what the SQL below computes
def version() -> str:
    """The version of the facts this code builds and reads: it changes whenever a measure does."""
    return hashlib.sha256("\n".join([_LAYOUT] + _facts_sql()).encode()).hexdigest()[:16]


class FactsState(Enum):
    CURRENT = "current"
    STALE = "stale"      # built from other measure declarations (or before facts were versioned)
    MISSING = "missing"


def write_facts(con: duckdb.DuckDBPyConnection) -> None:
    """The fact tables from tables `cases` and `courts` (replacing any there), with their version."""
    for t in FACT_TABLES + ("facts_reversal",):  # facts_reversal: the name before facts_origin
        con.execute(f"DROP TABLE IF EXISTS {t}")
    for sql in _facts_sql():
        con.execute(sql)
    # sums of counts come out as 128-bit integers, which DuckDB adds up far more slowly than BIGINT
    wide = con.execute("""SELECT table_name, column_name FROM duckdb_columns()
        WHERE database_name = current_database() AND table_name IN ('facts', 'facts_origin')
          AND data_type = 'HUGEINT'""").fetchall()
    for table, column in wide:
        con.execute(f"ALTER TABLE {table} ALTER {column} TYPE BIGINT")
    con.execute("CREATE TABLE facts_info AS SELECT ?::VARCHAR AS version", [version()])


def facts_state(con: duckdb.DuckDBPyConnection) -> FactsState:
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    if "facts" not in tables:
        return FactsState.MISSING
    if "facts_info" not in tables:
        return FactsState.STALE
    row = con.execute("SELECT version FROM facts_info").fetchone()
    return FactsState.CURRENT if row and row[0] == version() else FactsState.STALE


STALE_NOTE = ("数据库中的汇总表由旧版指标定义生成，本次逐案计算（较慢）；运行 python -m data refresh --db {db} 重建 / "
              "the database's facts were built from older measure definitions, so figures are computed by scanning "
              "every case (slower); run python -m data refresh --db {db} to rebuild them")
