"""Compute the catalogue's indicators for a scope, a period and a grouping, in DuckDB.

Both ways of computing are generated from the measure declarations (measures.py):
  facts  small sums over the monthly facts built at load time (facts.py), when the database
         holds facts of this code's version;
  scan   one pass over the scope's cases, for a database whose facts are missing or stale,
         and as the reference the facts are tested against.
The indicators then combine the measures as the catalogue says. Values reach DuckDB only as
parameters.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from schema import codes

from . import measures as ms
from .catalogue import BY_ID, CATALOGUE, Indicator, Kind
from .facts import ORIGIN_KEYS, FactsState, facts_state
from .measures import Kind as M
from .periods import Period

BY_CHOICES = ("court", "division", "judge", "month", "quarter")
GROUP_COLUMNS = {"court": ["court_code"], "division": ["court_code", "division"], "judge": ["court_code", "judge_id"]}
# The case measures the scan and the facts compute directly (SUM and COURT measures follow from them).
_CASE_KINDS = (M.FLOW, M.STOCK, M.DISTINCT)


class UnknownScope(ValueError):
    pass


@dataclass(frozen=True, kw_only=True)
class Scope:
    """Which cases an indicator looks at. division and judge_id need court."""
    court: str | None = None
    with_subordinates: bool = False
    category: str | None = None
    division: str | None = None
    judge_id: str | None = None
    case_type: str | None = None
    enterprise: bool = False  # 涉企 cases only (spec v2)

    def where(self, origin: bool = False, alias: str = "c") -> tuple[str, list]:
        """SQL condition on table `alias` and its parameters; origin=True applies it to the origin case."""
        col = ((lambda c: f"{alias}.{ORIGIN_KEYS.get(c, 'origin_' + c)}") if origin
               else (lambda c: f"{alias}.{c}"))
        conds, params = ["true"], []
        if self.court is not None:
            if self.with_subordinates:
                conds.append(f"{col('court_code')} IN (SELECT court_code FROM court_tree WHERE ancestor = ?)")
            else:
                conds.append(f"{col('court_code')} = ?")
            params.append(self.court)
        for column, value in (("category", self.category), ("division", self.division), ("judge_id", self.judge_id)):
            if value is not None:
                conds.append(f"{col(column)} = ?")
                params.append(value)
        if self.enterprise:
            conds.append(col("enterprise"))
        if self.case_type is not None and not origin:
            conds.append(f"{alias}.case_type = ?")
            params.append(self.case_type)
        return " AND ".join(conds), params


def check_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Raise UnknownScope for a court or category the database does not know."""
    if scope.court is not None:
        if not con.execute("SELECT 1 FROM courts WHERE court_code::VARCHAR = ?", [scope.court]).fetchone():
            raise UnknownScope(f"未知法院代码 / unknown court: {scope.court}")
    if scope.category is not None and scope.category not in codes.CATEGORIES:
        raise UnknownScope(f"未知类别 / unknown category: {scope.category}（民事|刑事|行政|执行）")
    if scope.case_type is not None and scope.case_type not in codes.CASE_TYPES:
        raise UnknownScope(f"未知案件类型 / unknown case type: {scope.case_type}")


def sub_periods(period: Period, by: str | None) -> list[Period]:
    if by == "month":
        return period.months()
    if by == "quarter":
        return period.quarters()
    return [period]


def _periods_sql(periods: list[Period]) -> tuple[str, list]:
    rows = ", ".join("(?, ?::DATE, ?::DATE)" for _ in periods)
    params = [x for p in periods for x in (p.label, p.start, p.end)]
    return f"p(label, p_start, p_end) AS (VALUES {rows})", params


def _scoped(table: str, scope: Scope, name: str, extra: str = "") -> tuple[str, list]:
    """CTE `name`: the rows of `table` in scope, with their court's has_population."""
    where, params = scope.where()
    sql = f"""{name} AS (
        SELECT c.*{extra}, coalesce(ct.population > 0, false) AS has_population
        FROM {table} c LEFT JOIN courts ct ON ct.court_code = c.court_code
        WHERE {where})"""
    return sql, params


def _group_select(group: list[str], columns: dict[str, str] | None = None) -> str:
    columns = columns or {}
    return "".join(f"{columns.get(g, g)}::VARCHAR AS {g}, " for g in group)


# ---- the scan of `cases` -------------------------------------------------------------------

def _scan_aggregate(m: ms.Measure) -> str:
    """count_if / sum(CASE) run much faster in DuckDB than many FILTER clauses."""
    cond = ms.case_condition(m.name)
    if m.kind is M.DISTINCT:
        return f"coalesce(count(DISTINCT judge_key) FILTER (WHERE {cond}), 0) AS {m.name}"
    if m.value is None:
        return f"coalesce(count_if({cond}), 0) AS {m.name}"
    return f"coalesce(sum(CASE WHEN {cond} THEN {m.value} END), 0) AS {m.name}"


def _relevant() -> str:
    """A case matters for a period when one of its events falls in it or it is in a stock then."""
    parts = [f"{m.event.value} BETWEEN {ms.window_start(m)} AND p_end" for m in ms.of_kind(M.FLOW)]
    parts += [f"({m.stock.enters} <= p_end AND ({m.stock.leaves} IS NULL OR {m.stock.leaves} >= {ms.stock_day(m)}))"
              for m in ms.of_kind(M.STOCK)]
    return " OR ".join(f"({p})" for p in dict.fromkeys(parts))


def base_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                    group: list[str]) -> pd.DataFrame:
    """One row per (period label, group): every case measure, by scanning `cases`."""
    psql, pparams = _periods_sql(periods)
    ssql, sparams = _scoped("cases", scope, "s", ", c.court_code::VARCHAR || '|' || c.judge_id AS judge_key")
    aggs = ",\n".join(_scan_aggregate(m) for m in ms.of_kind(*_CASE_KINDS))
    sql = f"""WITH {psql}, {ssql}
        SELECT p.label, {_group_select(group)}{aggs}
        FROM s JOIN p ON {_relevant()}
        GROUP BY ALL"""
    return con.execute(sql, pparams + sparams).df()


# ---- the monthly facts ---------------------------------------------------------------------

def _facts_aggregate(m: ms.Measure) -> str:
    in_p = "month BETWEEN p_start AND p_end"
    if m.kind is M.FLOW:
        return f"coalesce(sum({m.name}) FILTER (WHERE month BETWEEN {ms.window_start(m)} AND p_end), 0) AS {m.name}"
    if m.kind is M.STOCK:  # the stock at the end of the month before the day after the stock's day
        before = {ms.At.END: "month <= p_end", ms.At.START: "month < p_start",
                  ms.At.YEAR_START: "month < date_trunc('year', p_start)"}[m.at]
        s = m.stock.name
        return f"coalesce(sum({s}_in - {s}_out) FILTER (WHERE {before}), 0) AS {m.name}"
    # DISTINCT: the judges with a case in the measure counted
    return (f"count(DISTINCT court_code::VARCHAR || '|' || judge_id) "
            f"FILTER (WHERE {in_p} AND {m.of} > 0) AS {m.name}")


def facts_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                     group: list[str]) -> pd.DataFrame:
    """base_aggregates from the monthly facts: the same numbers, small sums."""
    psql, pparams = _periods_sql(periods)
    fsql, fparams = _scoped("facts", scope, "f")
    aggs = ",\n".join(_facts_aggregate(m) for m in ms.of_kind(*_CASE_KINDS))
    sql = f"""WITH {psql}, {fsql}
        SELECT p.label, {_group_select(group)}{aggs}
        FROM f JOIN p ON f.month <= p.p_end
        GROUP BY ALL"""
    return con.execute(sql, pparams + fparams).df()


def origin_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                      group: list[str], use_facts: bool) -> pd.DataFrame:
    """ORIGIN measures (一审被改判发回重审): flows counted for the court, division and judge of
    the origin case, so the scope and the grouping apply to the origin."""
    psql, pparams = _periods_sql(periods)
    origin = ms.of_kind(M.ORIGIN)
    if use_facts:  # facts_origin is keyed by the origin's court, division, judge and category
        where, params = replace(scope, case_type=None).where()
        sums = ", ".join(f"sum({m.name}) AS {m.name}" for m in origin)
        sql = f"""WITH {psql}
            SELECT p.label, {_group_select(group)}{sums}
            FROM facts_origin c JOIN p ON c.month BETWEEN p.p_start AND p.p_end
            WHERE {where} GROUP BY ALL"""
        return con.execute(sql, pparams + params).df()
    where, params = scope.where(origin=True)
    aggs = ", ".join(f"coalesce(count_if({ms.case_condition(m.name)}), 0) AS {m.name}" for m in origin)
    events = " OR ".join(f"c.{e.value} BETWEEN p.p_start AND p.p_end" for e in dict.fromkeys(m.event for m in origin))
    sql = f"""WITH {psql}
        SELECT p.label, {_group_select(group, {g: 'c.' + ORIGIN_KEYS[g] for g in group})}{aggs}
        FROM cases c JOIN p ON {events}
        WHERE {where}
        GROUP BY ALL"""
    return con.execute(sql, pparams + params).df()


def monthly_counts(con: duckdb.DuckDBPyConnection, measure: str, scope: Scope, periods: list[Period],
                   group: list[str], use_facts: bool) -> pd.DataFrame:
    """A FLOW measure per calendar month of each period (for 结案均衡度)."""
    psql, pparams = _periods_sql(periods)
    m = ms.BY_NAME[measure]
    if use_facts:
        fsql, fparams = _scoped("facts", scope, "f")
        sql = f"""WITH {psql}, {fsql}
            SELECT p.label, {_group_select(group)}strftime(month, '%Y-%m') AS month, sum({m.name}) AS n
            FROM f JOIN p ON f.month BETWEEN p.p_start AND p.p_end
            GROUP BY ALL"""
        return con.execute(sql, pparams + fparams).df()
    ssql, sparams = _scoped("cases", scope, "s")
    sql = f"""WITH {psql}, {ssql}
        SELECT p.label, {_group_select(group)}strftime({m.event.value}, '%Y-%m') AS month, count(*) AS n
        FROM s JOIN p ON {ms.case_condition(measure)}
        GROUP BY ALL"""
    return con.execute(sql, pparams + sparams).df()


def list_groups(con: duckdb.DuckDBPyConnection, scope: Scope, group: list[str],
                use_facts: bool = False) -> pd.DataFrame:
    """Every court, division or judge with at least one case in scope (of any date), with a name."""
    where, params = scope.where()
    table, judge_name = ("facts", "any_value(j.judge_name)") if use_facts else ("cases", "any_value(c.judge_name)")
    gsel = ", ".join(f"c.{g}::VARCHAR AS {g}" for g in group)
    name = {"court_code": "any_value(ct.court_name)", "division": "c.division", "judge_id": judge_name}[group[-1]]
    keys = ", ".join("c." + g for g in group)
    judges = "LEFT JOIN judges j ON j.court_code = c.court_code AND j.judge_id = c.judge_id" if use_facts else ""
    sql = f"""SELECT {gsel}, {name} AS name FROM {table} c
        LEFT JOIN courts ct ON ct.court_code = c.court_code {judges}
        WHERE {where} GROUP BY {keys} ORDER BY {keys}"""
    return con.execute(sql, params).df()


def _population(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, int]:
    """Population of each court in scope that has one (> 0)."""
    where, params = "true", []
    if scope.court is not None:
        where = ("court_code IN (SELECT court_code FROM court_tree WHERE ancestor = ?)"
                 if scope.with_subordinates else "court_code = ?")
        params = [scope.court]
    rows = con.execute(f"SELECT court_code::VARCHAR, population FROM courts WHERE population > 0 AND {where}",
                       params).fetchall()
    return dict(rows)


def _balance(counts: list[int]) -> float | None:
    k = len(counts)
    if k < 2:
        return None
    mu = sum(counts) / k
    if mu == 0:
        return None
    sigma = math.sqrt(sum((c - mu) ** 2 for c in counts) / k)
    return max(0.0, 1 - sigma / mu)


def measure_frame(con: duckdb.DuckDBPyConnection, period: Period, by: str | None, scope: Scope,
                  use_facts: bool, with_origin: bool = True) -> pd.DataFrame:
    """Every measure (columns) per period label and unit (rows), zero where a unit has no case."""
    group = GROUP_COLUMNS.get(by, [])
    periods = sub_periods(period, by)
    keys = ["label"] + group
    frame = pd.DataFrame({"label": [p.label for p in periods]})
    if group:
        frame = frame.merge(list_groups(con, scope, group, use_facts), how="cross")
    base = (facts_aggregates if use_facts else base_aggregates)(con, scope, periods, group)
    frame = frame.merge(base, on=keys, how="left")
    if with_origin:
        frame = frame.merge(origin_aggregates(con, scope, periods, group, use_facts), on=keys, how="left")
    for m in ms.of_kind(*_CASE_KINDS, M.ORIGIN):
        frame[m.name] = frame[m.name].fillna(0) if m.name in frame else 0
    for m in ms.of_kind(M.SUM):
        frame[m.name] = sum(frame[p] for p in m.parts)
    pop = _population(con, scope)
    frame["population"] = (frame["court_code"].map(pop).fillna(0) if by == "court"
                           else sum(pop.values()))
    if by in ("division", "judge"):  # court attributes say nothing of a division or a judge
        for m in ms.MEASURES:
            if m.courts_only:
                frame[m.name] = np.nan
    return frame


def has_judge_list(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds a judges list (院庭长办案占比 has no value without one)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND table_name = 'judge_list'").fetchone()[0]
    return bool(exists) and con.execute("SELECT count(*) > 0 FROM judge_list").fetchone()[0]


def use_facts_for(con: duckdb.DuckDBPyConnection) -> bool:
    return facts_state(con) is FactsState.CURRENT


def compute(con: duckdb.DuckDBPyConnection, period: Period, by: str | None = None, scope: Scope = Scope(),
            indicators: list[str] | None = None, use_facts: bool | None = None) -> pd.DataFrame:
    """Indicators in long form: [group columns], [label], indicator, numerator, denominator, value.

    Group columns: court_code / court_code+division / court_code+judge_id, plus `name`;
    with by=month|quarter a `label` column (YYYY-MM / YYYYQn); with no grouping neither.
    Computed from the monthly facts when the database holds current ones (use_facts=None),
    else by a scan.
    """
    if use_facts is None:
        use_facts = use_facts_for(con)
    chosen: list[Indicator] = [BY_ID[i] for i in indicators] if indicators else CATALOGUE
    group = GROUP_COLUMNS.get(by, [])
    periods = sub_periods(period, by)
    keys = ["label"] + group
    needed = {i.numerator for i in chosen} | {i.denominator for i in chosen}
    with_origin = any(ms.BY_NAME[n].kind is M.ORIGIN for n in needed if n)
    frame = measure_frame(con, period, by, scope, use_facts, with_origin)

    balance: dict[tuple, list[float | None]] = {}
    for ind in chosen:
        if ind.kind is Kind.BALANCE and ind.numerator not in balance:
            monthly = monthly_counts(con, ind.numerator, scope, periods, group, use_facts)
            counts = {tuple(r[:-2]) + (r[-2],): r[-1] for r in monthly[keys + ["month", "n"]].itertuples(index=False)}
            months = {p.label: [m.label for m in p.months()] for p in periods}
            balance[ind.numerator] = [_balance([counts.get(tuple(row) + (m,), 0) for m in months[row[0]]])
                                      for row in frame[keys].itertuples(index=False)]

    # Assemble with plain arrays: one DataFrame at the end (pandas column-by-column is the slow part).
    n = len(frame)
    nums, dens, vals = [], [], []
    judge_list = any(ind.needs_judge_list for ind in chosen) and has_judge_list(con)
    for ind in chosen:
        if ind.kind is Kind.BALANCE or (ind.needs_judge_list and not judge_list):
            nums.append(np.full(n, np.nan))
            dens.append(np.full(n, np.nan))
            vals.append(np.array(balance[ind.numerator], dtype=float) if ind.kind is Kind.BALANCE
                        else np.full(n, np.nan))
            continue
        num = frame[ind.numerator].to_numpy(dtype=float)
        nums.append(num)
        if ind.kind is Kind.COUNT:
            dens.append(np.full(n, np.nan))
            vals.append(num)
            continue
        den = frame[ind.denominator].to_numpy(dtype=float)
        dens.append(den)
        scale = 10000 if ind.kind is Kind.PER10K else 1
        with np.errstate(divide="ignore", invalid="ignore"):
            vals.append(np.where(den > 0, num * scale / np.where(den > 0, den, 1), np.nan))
    columns = {k: np.tile(frame[k].to_numpy(dtype=object), len(chosen)) for k in keys + (["name"] if group else [])}
    columns["indicator"] = np.repeat([i.id for i in chosen], n)
    result = pd.DataFrame(columns)
    for col, parts in (("numerator", nums), ("denominator", dens), ("value", vals)):
        result[col] = np.concatenate(parts) if parts else np.array([], dtype=float)  # NaN = no value
    if not by or by in GROUP_COLUMNS:
        result = result.drop(columns="label")
    return result
