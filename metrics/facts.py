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
  facts_visits  each letter or visit with the unit it is attributed to and whether it repeats
                (visits.py), for the lists of visits
  facts_visits_monthly  the visit measures per unit × month from facts_visits: flows, and
                <stock>_in / <stock>_out for 超期未办结 (visits.py MONTHLY_SQL)
  judges        one row per judge with the latest name
  facts_info    the version of the measure declarations the facts were built from

The version is a hash of the SQL that builds the facts, so any change to a measure changes
it; a database whose facts carry another version is answered by scanning `cases` (engine)
until `python -m data refresh` rebuilds them.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

import duckdb

from schema.records import VISITS_DDL

from . import visits
from .measures import Kind, Measure, of_kind, stocks
from .sources import CASES, ORIGIN

# team follows from (court_code, judge_id): as a key it adds no rows, and lets --by team read the facts
KEYS = list(CASES.columns)
ORIGIN_KEYS = ORIGIN.columns
# The cases with their court's attribute that some measures test (has_population).
_SOURCE = """(SELECT c.*, coalesce(ct.population > 0, false) AS has_population
              FROM cases c LEFT JOIN courts ct ON ct.court_code = c.court_code)"""


@dataclass(frozen=True)
class Dialect:
    """How the facts SQL is written for one engine. The DuckDB rendering is the reference: its text
    is what `version` hashes, so other engines' renderings follow it without changing the version."""
    name: str
    union: str                      # the set operator between the parts of a table
    by_name: bool                   # the parts are matched by column name (else every part lists every column)
    arg_max: str                    # the value at the row where another is largest
    rewrites: tuple[tuple[str, str], ...] = ()  # (regex, replacement) over the measures' own SQL

    def expr(self, sql: str) -> str:
        for pattern, replacement in self.rewrites:
            sql = re.sub(pattern, replacement, sql)
        return sql


DUCKDB = Dialect("duckdb", "UNION ALL BY NAME", True, "arg_max")
# Spark SQL (4.x): no UNION BY NAME, max_by for arg_max, and a date minus a date is an INTERVAL
# there, a number of days in DuckDB (date columns are named *_date; the Spark test catches another).
SPARK = Dialect("spark", "UNION ALL", False, "max_by",
                rewrites=((r"\b(\w+_date)\s*-\s*(\w+_date)\b", r"datediff(\1, \2)"),))

# The order each table is stored in (court first: the engine's scans filter by court).
ORDER = {"facts": "court_code, month", "facts_origin": "court_code, month", "judges": "court_code, judge_id"}


def _aggregate(m: Measure, d: Dialect) -> tuple[str, str]:
    cases = d.expr(m.cases)
    if m.value is None:
        return f"coalesce(count_if({cases}), 0)", m.name
    return f"coalesce(sum(CASE WHEN {cases} THEN {d.expr(m.value)} END), 0)", m.name


def _columns(d: Dialect, cols: list[tuple[str, str]], every: list[str]) -> str:
    """A part's measure columns: its own, or (without union by name) every column, NULL where not its own."""
    if d.by_name:
        return ", ".join(f"{e} AS {n}" for e, n in cols)
    own = {n: e for e, n in cols}
    return ", ".join(f"{own.get(n, 'NULL')} AS {n}" for n in every)


def facts_columns() -> list[str]:
    """The measure columns of table `facts`."""
    return [m.name for m in of_kind(Kind.FLOW)] + [f"{s.name}_{d}" for s in stocks() for d in ("in", "out")]


def selects(d: Dialect = DUCKDB) -> dict[str, str]:
    """The SELECT that computes each fact table from tables `cases` and `courts`, in dialect `d`."""
    keys = ", ".join(KEYS)
    every = facts_columns()
    parts = []
    flows = of_kind(Kind.FLOW)
    for event in dict.fromkeys(m.event for m in flows):
        cols = _columns(d, [_aggregate(m, d) for m in flows if m.event is event], every)
        parts.append(f"""SELECT {keys}, date_trunc('month', {event.value})::DATE AS month, {cols}
            FROM {_SOURCE} WHERE {event.value} IS NOT NULL GROUP BY ALL""")
    for s in stocks():
        enters, leaves, cases = d.expr(s.enters), d.expr(s.leaves), d.expr(s.cases)
        cols = _columns(d, [("count(*)", f"{s.name}_in")], every)
        parts.append(f"""SELECT {keys}, date_trunc('month', {enters})::DATE AS month, {cols}
            FROM cases WHERE {cases} GROUP BY ALL""")
        cols = _columns(d, [("count(*)", f"{s.name}_out")], every)
        parts.append(f"""SELECT {keys}, date_trunc('month', greatest({enters}, {leaves}))::DATE AS month,
                {cols}
            FROM cases WHERE {cases} AND {leaves} IS NOT NULL GROUP BY ALL""")
    sums = ", ".join(f"coalesce(sum({n}), 0) AS {n}" for n in every)
    union = f"\n{d.union}\n".join(parts)
    origin_keys = ", ".join(f"{col} AS {key}" for key, col in ORIGIN_KEYS.items())
    origin_measures = of_kind(Kind.ORIGIN)
    origin = []
    for event in dict.fromkeys(m.event for m in origin_measures):
        measures = [m for m in origin_measures if m.event is event]
        cols = _columns(d, [_aggregate(m, d) for m in measures], [m.name for m in origin_measures])
        any_case = " OR ".join(f"({d.expr(m.cases)})" for m in measures)  # only the cases some measure counts
        origin.append(f"""SELECT {origin_keys}, date_trunc('month', {event.value})::DATE AS month, {cols}
            FROM cases WHERE {event.value} IS NOT NULL AND origin_court IS NOT NULL AND ({any_case})
            GROUP BY ALL""")
    origin_sums = ", ".join(f"coalesce(sum({m.name}), 0) AS {m.name}" for m in origin_measures)
    return {
        "facts": f"""SELECT {keys}, month, {sums} FROM ({union}) GROUP BY ALL ORDER BY {ORDER['facts']}""",
        "facts_origin": f"""SELECT {', '.join(ORIGIN_KEYS)}, month, {origin_sums}
            FROM ({f' {d.union} '.join(origin)}) GROUP BY ALL ORDER BY {ORDER['facts_origin']}""",
        "judges": f"""SELECT court_code, judge_id, {d.arg_max}(judge_name, filed_date) AS judge_name, count(*) AS cases
            FROM cases GROUP BY ALL ORDER BY {ORDER['judges']}""",
    }


def _facts_sql() -> list[str]:
    return [f"CREATE TABLE {table} AS\n            {sql}" for table, sql in selects(DUCKDB).items()]


# Built in DuckDB whichever engine computed the case facts: the visits never leave the database.
_VISIT_FACTS_SQL = [f"CREATE TABLE facts_visits AS {visits.FACTS_SQL}",
                    f"CREATE TABLE facts_visits_monthly AS {visits.MONTHLY_SQL}"]
FACT_TABLES = ("facts", "facts_origin", "judges", "facts_visits", "facts_visits_monthly", "facts_info")
_LAYOUT = "integer sums stored as BIGINT"  # how write_facts stores what the SQL below computes
def version() -> str:
    """The version of the facts this code builds and reads: it changes whenever a measure does."""
    return hashlib.sha256("\n".join([_LAYOUT] + _facts_sql() + _VISIT_FACTS_SQL).encode()).hexdigest()[:16]


class FactsState(Enum):
    CURRENT = "current"
    STALE = "stale"      # built from other measure declarations (or before facts were versioned)
    MISSING = "missing"


def write_facts(con: duckdb.DuckDBPyConnection, parquet: Mapping[str, str] | None = None) -> None:
    """The fact tables from tables `cases` and `courts` (replacing any there), with their version.

    With `parquet` (each table's Parquet files, computed by another engine from `selects` of the same
    declarations: the caller checks their version), the tables take those rows instead, with the
    column types and order this build gives them."""
    for t in FACT_TABLES + ("facts_reversal",):  # facts_reversal: the name before facts_origin
        con.execute(f"DROP TABLE IF EXISTS {t}")
    for sql in _facts_sql():
        con.execute(sql if parquet is None else sql + " LIMIT 0")  # LIMIT 0: the columns and types only
    # sums of counts come out as 128-bit integers, which DuckDB adds up far more slowly than BIGINT
    wide = con.execute("""SELECT table_name, column_name FROM duckdb_columns()
        WHERE database_name = current_database() AND table_name IN ('facts', 'facts_origin')
          AND data_type = 'HUGEINT'""").fetchall()
    for table, column in wide:
        con.execute(f"ALTER TABLE {table} ALTER {column} TYPE BIGINT")
    for table, order in (ORDER.items() if parquet is not None else ()):
        _insert_parquet(con, table, order, parquet[table])
    write_visit_facts(con)
    con.execute("CREATE TABLE facts_info AS SELECT ?::VARCHAR AS version", [version()])


def write_visit_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Tables facts_visits and facts_visits_monthly again from tables `visits` and `cases` (a
    visits import changes nothing else)."""
    con.execute(VISITS_DDL)  # a database from before spec v3: no visits, empty visit facts
    con.execute("DROP TABLE IF EXISTS facts_visits_monthly")
    con.execute("DROP TABLE IF EXISTS facts_visits")
    for sql in _VISIT_FACTS_SQL:
        con.execute(sql)


def _insert_parquet(con: duckdb.DuckDBPyConnection, table: str, order: str, files: str) -> None:
    want = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = "
                                      "current_database() AND table_name = ? ORDER BY column_index", [table]).fetchall()]
    got = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [files]).fetchall()]
    if sorted(got) != sorted(want):  # INSERT BY NAME would fill a missing column with NULL
        raise ValueError(f"{table}: the Parquet columns {sorted(set(got) ^ set(want))} do not match the facts")
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?) ORDER BY {order}", [files])


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
