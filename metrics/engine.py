"""Compute the catalogue's indicators for a scope, a period and a grouping, in DuckDB.

Both ways of computing are generated from the measure declarations (measures.py):
  facts  the monthly facts built at load time (facts.py), summed once per unit and month and
         windowed per period (facts_sums.py), when the database holds facts of this code's version;
  scan   one pass over the scope's cases, for a database whose facts are missing or stale,
         and as the reference the facts are tested against.
The indicators then combine the measures as the catalogue says. Values reach DuckDB only as
parameters.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from schema import codes

from . import measures as ms, shared_reads, sources, visits
from .catalogue import BY_ID, CATALOGUE, Indicator, Kind
from .facts import FactsState, facts_state, version as facts_version
from .facts_sums import MonthlySums, ScopeSums
from .measures import Kind as M
from .periods import Period
from .sources import CASES, ORIGIN, VISITS, Source

BY_CHOICES = ("court", "division", "judge", "team", "month", "quarter")
# team: the case's judge's team in the current judges list ('' when none), derived at load time
GROUP_COLUMNS = {"court": ["court_code"], "division": ["court_code", "division"], "judge": ["court_code", "judge_id"],
                 "team": ["court_code", "team"]}
# The case measures the scan and the facts compute directly (SUM and COURT measures follow from them).
_CASE_KINDS = (M.FLOW, M.STOCK, M.DISTINCT)


class UnknownScope(ValueError):
    pass


@dataclass(frozen=True, kw_only=True)
class Scope:
    """Which cases an indicator looks at. division, judge_id and team need court."""
    court: str | None = None
    with_subordinates: bool = False
    category: str | None = None
    division: str | None = None
    judge_id: str | None = None
    team: str | None = None  # a trial team (审判团队) of the court, by name (spec v3)
    case_type: str | None = None
    enterprise: bool = False  # 涉企 cases only (spec v2)

    def where(self, source: Source = CASES, alias: str = "c") -> tuple[str, list]:
        """SQL condition on the rows of `source` (alias `alias`) and its parameters: each attribute
        of the scope tested on the source's column for it (one the source lacks does not apply)."""
        def col(key: str) -> str | None:
            column = source.column(key)
            return column and f"{alias}.{column}"
        conds, params = ["true"], []
        if self.court is not None:
            if self.with_subordinates:
                conds.append(f"{col('court_code')} IN (SELECT court_code FROM court_tree WHERE ancestor = ?)")
            else:
                conds.append(f"{col('court_code')} = ?")
            params.append(self.court)
        for key, value in (("category", self.category), ("division", self.division), ("judge_id", self.judge_id),
                           ("team", self.team), ("case_type", self.case_type)):
            if value is not None and col(key):
                conds.append(f"{col(key)} = ?")
                params.append(value)
        if self.enterprise:
            conds.append(col("enterprise"))
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

def origin_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                      group: list[str]) -> pd.DataFrame:
    """ORIGIN measures (一审被改判发回重审) by scanning `cases`: flows counted for the court,
    division and judge of the origin case, so the scope and the grouping apply to the origin."""
    psql, pparams = _periods_sql(periods)
    origin = ms.of_kind(M.ORIGIN)
    where, params = scope.where(ORIGIN)
    aggs = ", ".join(f"coalesce(count_if({ms.case_condition(m.name)}), 0) AS {m.name}" for m in origin)
    events = " OR ".join(f"c.{e.value} BETWEEN p.p_start AND p.p_end" for e in dict.fromkeys(m.event for m in origin))
    sql = f"""WITH {psql}
        SELECT p.label, {_group_select(group, {g: 'c.' + ORIGIN.columns[g] for g in group})}{aggs}
        FROM cases c JOIN p ON {events}
        WHERE {where}
        GROUP BY ALL"""
    return con.execute(sql, pparams + params).df()


def monthly_counts(con: duckdb.DuckDBPyConnection, measure: str, scope: Scope, periods: list[Period],
                   group: list[str]) -> pd.DataFrame:
    """A FLOW measure per calendar month of each period (for 结案均衡度), by scanning `cases`."""
    psql, pparams = _periods_sql(periods)
    ssql, sparams = _scoped("cases", scope, "s")
    sql = f"""WITH {psql}, {ssql}
        SELECT p.label, {_group_select(group)}strftime({ms.BY_NAME[measure].event.value}, '%Y-%m') AS month,
               count(*) AS n
        FROM s JOIN p ON {ms.case_condition(measure)}
        GROUP BY ALL"""
    return con.execute(sql, pparams + sparams).df()


def list_groups(con: duckdb.DuckDBPyConnection, scope: Scope, group: list[str]) -> pd.DataFrame:
    """Every court, division or judge with at least one case in scope (of any date), with a name."""
    where, params = scope.where()
    gsel = ", ".join(f"c.{g}::VARCHAR AS {g}" for g in group)
    name = {"court_code": "any_value(ct.court_name)", "division": "c.division", "team": "c.team",
            "judge_id": "any_value(c.judge_name)"}[group[-1]]
    keys = ", ".join("c." + g for g in group)
    sql = f"""SELECT {gsel}, {name} AS name FROM cases c
        LEFT JOIN courts ct ON ct.court_code = c.court_code
        WHERE {where} GROUP BY {keys} ORDER BY {keys}"""
    return con.execute(sql, params).df()


def _population(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, int]:
    """Population of each court in scope that has one (> 0)."""
    where, params = "true", []
    if scope.court is not None:
        where = ("court_code IN (SELECT court_code FROM court_tree WHERE ancestor = ?)"
                 if scope.with_subordinates else "court_code = ?")
        params = [scope.court]
    return shared_reads.read(("population", where, tuple(params)), lambda: dict(con.execute(
        f"SELECT court_code::VARCHAR, population FROM courts WHERE population > 0 AND {where}", params).fetchall()))


def _balance(counts: list[int]) -> float | None:
    k = len(counts)
    if k < 2:
        return None
    mu = sum(counts) / k
    if mu == 0:
        return None
    sigma = math.sqrt(sum((c - mu) ** 2 for c in counts) / k)
    return max(0.0, 1 - sigma / mu)


class MeasureTable:
    """Every measure per period label and unit, as columns of equal length (periods outermost),
    zero where a unit has no case; `monthly` gives a FLOW measure per month of each row's period."""

    def __init__(self, con: duckdb.DuckDBPyConnection, period: Period, by: str | None, scope: Scope,
                 use_facts: bool, with_origin: bool = True, with_visits: bool = False):
        group = GROUP_COLUMNS.get(by, [])
        self.periods, self.group = sub_periods(period, by), group
        self._con, self._scope, self._use_facts = con, scope, use_facts
        if use_facts:
            self._sums = ScopeSums(con, scope, group)
            self.columns = self._sums.rows(self.periods)
            if group:
                self.columns["name"] = np.tile(self._sums.units.names, len(self.periods))
            self.columns.update(self._sums.measures(self.periods))
        else:
            self.columns = self._scan(con, scope, group)
        self.rows = len(self.columns["label"])
        if with_origin:
            self._place(self._origin_facts(con, scope) if use_facts
                        else origin_aggregates(con, scope, self.periods, group))
        if with_visits:  # visits do not make groups: those of a unit not listed here are dropped
            self._place(visit_aggregates(con, scope, self.periods, group, use_facts))
        for m in ms.of_kind(*_CASE_KINDS, M.ORIGIN, M.VISIT):
            if m.name not in self.columns:
                self.columns[m.name] = np.zeros(self.rows)
        for m in ms.of_kind(M.SUM):
            self.columns[m.name] = sum(self.columns[p] for p in m.parts)
        pop = _population(con, scope)
        self.columns["population"] = (np.array([pop.get(c, 0) for c in self.columns["court_code"]], dtype=float)
                                      if by == "court" else np.full(self.rows, float(sum(pop.values()))))
        if by in ("division", "judge", "team"):  # court attributes say nothing of a division, a judge or a team
            for m in ms.MEASURES:
                if m.courts_only:
                    self.columns[m.name] = np.full(self.rows, np.nan)

    def keys(self) -> list[tuple]:
        return list(zip(*(self.columns[k] for k in ["label"] + self.group)))

    def _scan(self, con: duckdb.DuckDBPyConnection, scope: Scope, group: list[str]) -> dict[str, np.ndarray]:
        frame = pd.DataFrame({"label": [p.label for p in self.periods]})
        if group:
            frame = frame.merge(list_groups(con, scope, group), how="cross")
        base = base_aggregates(con, scope, self.periods, group)
        frame = frame.merge(base, on=["label"] + group, how="left")
        columns = {c: frame[c].to_numpy(dtype=object) for c in ["label"] + group + (["name"] if group else [])}
        for m in ms.of_kind(*_CASE_KINDS):
            columns[m.name] = frame[m.name].fillna(0).to_numpy(dtype=float)
        return columns

    def _origin_facts(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
        """ORIGIN measures from facts_origin, keyed by the origin case's court, division, judge and
        category, so the scope and the grouping apply to the origin."""
        where, params = scope.where(ORIGIN.stored)
        sums = MonthlySums(con, "facts_origin", {m.name: f"sum(c.{m.name})" for m in ms.of_kind(M.ORIGIN)},
                           where, params, self.group)
        found = sums.rows(self.periods) | sums.between(self.periods)
        return pd.DataFrame(found)

    def _place(self, found: pd.DataFrame) -> None:
        """Measures found per (label, unit) put on this table's rows (units absent stay zero)."""
        index = {k: i for i, k in enumerate(self.keys())}
        rows = [index.get(k) for k in found[["label"] + self.group].itertuples(index=False, name=None)]
        present = np.array([r is not None for r in rows], dtype=bool)
        at = np.array([r for r in rows if r is not None], dtype=np.int64)
        for name in found.columns.difference(["label"] + self.group):
            values = np.zeros(self.rows)
            values[at] = found[name].to_numpy(dtype=float)[present]
            self.columns[name] = values

    def monthly(self, name: str) -> list[list[int]]:
        """A FLOW measure per calendar month of each row's period (for 结案均衡度)."""
        if self._use_facts:
            return [list(r) for r in self._sums.monthly(name, self.periods)]
        found = monthly_counts(self._con, name, self._scope, self.periods, self.group)
        counts = {tuple(r[:-1]): r[-1] for r in found[["label"] + self.group + ["month", "n"]].itertuples(
            index=False, name=None)}
        months = {p.label: [m.label for m in p.months()] for p in self.periods}
        return [[counts.get(k + (m,), 0) for m in months[k[0]]] for k in self.keys()]


def visit_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                     group: list[str], use_facts: bool = False) -> pd.DataFrame:
    """The visit measures per period and group of units that has a visit (metrics/visits.py)."""
    if use_facts:
        return visits.monthly_aggregates(con, periods, scope.where(VISITS, alias="c"), group)
    return visits.aggregates(con, _periods_sql(periods), scope.where(VISITS, alias="a"), group,
                             _group_select(group, {g: "a." + g for g in group}))


def has_judge_list(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds a judges list (院庭长办案占比 has no value without one)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND table_name = 'judge_list'").fetchone()[0]
    return bool(exists) and con.execute("SELECT count(*) > 0 FROM judge_list").fetchone()[0]


def database_state(con: duckdb.DuckDBPyConnection) -> tuple[bool, bool]:
    """(whether the facts are current, whether a judges list is held), in one round trip on a
    database that has every table; an older one is asked table by table (outside a transaction,
    which DuckDB would abort at the missing table: the app's connections open none)."""
    return shared_reads.read(("database_state",), lambda: _database_state(con))


def _database_state(con: duckdb.DuckDBPyConnection) -> tuple[bool, bool]:
    try:
        built, listed, _ = con.execute(
            "SELECT (SELECT version FROM facts_info LIMIT 1), (SELECT count(*) > 0 FROM judge_list), "
            "(SELECT count(*) FROM (SELECT 1 FROM facts LIMIT 0))").fetchone()
    except duckdb.CatalogException:
        return use_facts_for(con), has_judge_list(con)
    return built == facts_version(), bool(listed)


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
    chosen: list[Indicator] = [BY_ID[i] for i in indicators] if indicators else CATALOGUE
    needs_list = any(ind.needs_judge_list for ind in chosen)
    current, listed = database_state(con) if use_facts is None or needs_list else (use_facts, False)
    if use_facts is None:
        use_facts = current
    group = GROUP_COLUMNS.get(by, [])
    keys = ["label"] + group
    needed = {i.numerator for i in chosen} | {i.denominator for i in chosen}
    with_origin = any(sources.of(n) is ORIGIN for n in needed if n)
    listed_visits = any(ind.needs_visits for ind in chosen) and visits.has_visits(con)
    table = MeasureTable(con, period, by, scope, use_facts, with_origin, listed_visits)
    frame = table.columns
    balance = {ind.numerator: [_balance(c) for c in table.monthly(ind.numerator)]
               for ind in chosen if ind.kind is Kind.BALANCE}

    # Assemble with plain arrays: one DataFrame at the end (pandas column-by-column is the slow part).
    n = table.rows
    nums, dens, vals = [], [], []
    judge_list = needs_list and listed
    for ind in chosen:
        if (ind.kind is Kind.BALANCE or (ind.needs_judge_list and not judge_list)
                or (ind.needs_visits and not listed_visits)):
            nums.append(np.full(n, np.nan))
            dens.append(np.full(n, np.nan))
            vals.append(np.array(balance[ind.numerator], dtype=float) if ind.kind is Kind.BALANCE
                        else np.full(n, np.nan))
            continue
        num = np.asarray(frame[ind.numerator], dtype=float)
        den = np.asarray(frame[ind.denominator], dtype=float) if ind.denominator else np.full(n, np.nan)
        nums.append(num)
        dens.append(den)
        vals.append(ind.combine(num, den))
    shown = (group if not by or by in GROUP_COLUMNS else keys) + (["name"] if group else [])
    columns = {k: np.tile(np.asarray(frame[k], dtype=object), len(chosen)) for k in shown}
    columns["indicator"] = np.repeat([i.id for i in chosen], n)
    for col, parts in (("numerator", nums), ("denominator", dens), ("value", vals)):
        columns[col] = np.concatenate(parts) if parts else np.array([], dtype=float)  # NaN = no value
    return pd.DataFrame(columns)
