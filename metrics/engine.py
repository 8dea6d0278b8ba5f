"""Compute the catalogue's indicators for a scope, a period and a grouping, in DuckDB.

One scan of the scope's cases gives every base aggregate (`_BASE`) per group and period;
the indicators combine them as the catalogue says. Values reach DuckDB only as parameters.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from .catalogue import BY_ID, CATALOGUE, Indicator
from .facts import EVENT_DATE, MONTHLY, has_facts
from .periods import Period

BY_CHOICES = ("court", "division", "judge", "month", "quarter")
GROUP_COLUMNS = {"court": ["court_code"], "division": ["court_code", "division"], "judge": ["court_code", "judge_id"]}
_ORIGIN_COLUMNS = {"court_code": "origin_court", "division": "origin_division", "judge_id": "origin_judge_id"}

_IN_PERIOD = {e: f"{col} BETWEEN p_start AND p_end" for e, col in EVENT_DATE.items()}
_PENDING_END = "filed_date <= p_end AND (closed_date IS NULL OR closed_date > p_end)"
# name -> (aggregate, condition) for the scan of `cases`: the monthly facts placed in period p,
# plus the stocks and distinct counts that facts.py derives from running sums.
_BASE: dict[str, tuple[str, str]] = {
    n: ("count(*)" if v is None else f"sum({v})", f"{_IN_PERIOD[e]} AND {c}") for n, (e, v, c) in MONTHLY.items()
}
_BASE.update({
    "carried_over": ("count(*)", "counted AND filed_date < p_start AND (closed_date IS NULL OR closed_date >= p_start)"),
    "pending": ("count(*)", f"counted AND {_PENDING_END}"),
    "over12m_pending": ("count(*)", f"counted AND {_PENDING_END} AND (p_end - filed_date) - deducted_days > 365"),
    "judges_closing": ("count(DISTINCT judge_key)", f"counted AND {_IN_PERIOD['closed']}"),
    "lawsuits": ("count(*)", f"{_IN_PERIOD['received']} AND case_type IN ('民初', '行初') AND has_population"),
})
# A case matters for a period when it is on hand during it or its appeal was transferred in it.
_RELEVANT = ("(filed_date <= p_end AND (closed_date IS NULL OR closed_date >= p_start)) "
             "OR appeal_transferred_date BETWEEN p_start AND p_end")


def _aggregate_sql(name: str) -> str:
    """count_if / sum(CASE) run much faster in DuckDB than many FILTER clauses."""
    agg, cond = _BASE[name]
    if agg == "count(*)":
        return f"coalesce(count_if({cond}), 0) AS {name}"
    if agg.startswith("sum("):
        return f"coalesce(sum(CASE WHEN {cond} THEN {agg[4:-1]} END), 0) AS {name}"
    return f"coalesce({agg} FILTER (WHERE {cond}), 0) AS {name}"


class UnknownScope(ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    """Which cases an indicator looks at. division and judge_id need court."""
    court: str | None = None
    with_subordinates: bool = False
    category: str | None = None
    division: str | None = None
    judge_id: str | None = None
    case_type: str | None = None

    def where(self, origin: bool = False, alias: str = "c") -> tuple[str, list]:
        """SQL condition on table `alias` and its parameters; origin=True applies it to the origin case."""
        col = ((lambda c: f"{alias}.{_ORIGIN_COLUMNS.get(c, 'origin_' + c)}") if origin
               else (lambda c: f"{alias}.{c}"))
        conds, params = ["true"], []
        if self.court is not None:
            if self.with_subordinates:
                conds.append(f"{col('court_code')} IN (SELECT court_code FROM court_tree WHERE ancestor = ?)")
            else:
                conds.append(f"{col('court_code')} = ?")
            params.append(self.court)
        if self.category is not None:
            conds.append(f"{col('category')} = ?")
            params.append(self.category)
        if self.division is not None:
            conds.append(f"{col('division')} = ?")
            params.append(self.division)
        if self.judge_id is not None:
            conds.append(f"{col('judge_id')} = ?")
            params.append(self.judge_id)
        if self.case_type is not None and not origin:
            conds.append(f"{alias}.case_type = ?")
            params.append(self.case_type)
        return " AND ".join(conds), params


def check_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Raise UnknownScope for a court or category the database does not know."""
    from data import codes

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


def _scoped_cases(scope: Scope, origin: bool = False) -> tuple[str, list]:
    where, params = scope.where(origin)
    sql = f"""s AS (
        SELECT c.*, c.court_code::VARCHAR || '|' || c.judge_id AS judge_key, coalesce(ct.population > 0, false) AS has_population
        FROM cases c LEFT JOIN courts ct ON ct.court_code = c.court_code
        WHERE {where})"""
    return sql, params


def _scoped_facts(scope: Scope) -> tuple[str, list]:
    where, params = scope.where()
    sql = f"""f AS (
        SELECT c.*, coalesce(ct.population > 0, false) AS has_population
        FROM facts c LEFT JOIN courts ct ON ct.court_code = c.court_code
        WHERE {where})"""
    return sql, params


def _facts_aggregate_sql(name: str) -> str:
    in_p = "month BETWEEN p_start AND p_end"
    special = {
        "carried_over": "coalesce(sum(received - closed) FILTER (WHERE month < p_start), 0)",
        "pending": "coalesce(sum(received - closed) FILTER (WHERE month <= p_end), 0)",
        "over12m_pending": "coalesce(sum(over12m_in - over12m_out) FILTER (WHERE month <= p_end), 0)",
        "judges_closing": f"count(DISTINCT court_code::VARCHAR || '|' || judge_id) FILTER (WHERE {in_p} AND closed > 0)",
        "lawsuits": f"coalesce(sum(litigation_received) FILTER (WHERE {in_p} AND has_population), 0)",
    }
    return f"{special.get(name) or f'coalesce(sum({name}) FILTER (WHERE {in_p}), 0)'} AS {name}"


def facts_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                     group: list[str]) -> pd.DataFrame:
    """base_aggregates from the monthly facts (see facts.py): the same numbers, small sums."""
    psql, pparams = _periods_sql(periods)
    fsql, fparams = _scoped_facts(scope)
    aggs = ",\n".join(_facts_aggregate_sql(n) for n in _BASE)
    gsel = "".join(f"{g}::VARCHAR AS {g}, " for g in group)
    sql = f"""WITH {psql}, {fsql}
        SELECT p.label, {gsel}{aggs}
        FROM f JOIN p ON f.month <= p.p_end
        GROUP BY ALL"""
    return con.execute(sql, pparams + fparams).df()


def base_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                    group: list[str], names: list[str] | None = None) -> pd.DataFrame:
    """One row per (period label, group): the base aggregates named (default all), by scanning cases."""
    names = names or list(_BASE)
    psql, pparams = _periods_sql(periods)
    ssql, sparams = _scoped_cases(scope)
    aggs = ",\n".join(_aggregate_sql(n) for n in names)
    gsel = "".join(f"{g}::VARCHAR AS {g}, " for g in group)
    sql = f"""WITH {psql}, {ssql}
        SELECT p.label, {gsel}{aggs}
        FROM s JOIN p ON {_RELEVANT}
        GROUP BY ALL"""
    return con.execute(sql, pparams + sparams).df()


def attributed_reversals(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                         group: list[str], use_facts: bool = False) -> pd.DataFrame:
    """一审被改判发回重审 numerator: appeals closed in P reversed or remanded, counted for the
    court, division and judge of their first-instance origin (attributed to origin)."""
    psql, pparams = _periods_sql(periods)
    if use_facts:  # facts_reversal is keyed by the origin's court, division, judge and category
        where, params = replace(scope, case_type=None).where()
        gsel = "".join(f"{g}::VARCHAR AS {g}, " for g in group)
        sql = f"""WITH {psql}
            SELECT p.label, {gsel}sum(first_reversed) AS first_reversed
            FROM facts_reversal c JOIN p ON c.month BETWEEN p.p_start AND p.p_end
            WHERE {where} GROUP BY ALL"""
        return con.execute(sql, pparams + params).df()
    where, params = scope.where(origin=True)
    gsel = "".join(f"{_ORIGIN_COLUMNS[g]}::VARCHAR AS {g}, " for g in group)
    sql = f"""WITH {psql}
        SELECT p.label, {gsel}count(*) AS first_reversed
        FROM cases c JOIN p ON c.closed_date BETWEEN p.p_start AND p.p_end
        WHERE c.instance = 'appeal' AND c.closing_method IN ('改判', '发回重审') AND c.origin_instance = 'first'
          AND {where}
        GROUP BY ALL"""
    return con.execute(sql, pparams + params).df()


def monthly_closings(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                     group: list[str], use_facts: bool = False) -> pd.DataFrame:
    psql, pparams = _periods_sql(periods)
    if use_facts:
        fsql, fparams = _scoped_facts(scope)
        gsel = "".join(f"{g}::VARCHAR AS {g}, " for g in group)
        sql = f"""WITH {psql}, {fsql}
            SELECT p.label, {gsel}strftime(month, '%Y-%m') AS month, sum(closed) AS n
            FROM f JOIN p ON f.month BETWEEN p.p_start AND p.p_end
            GROUP BY ALL"""
        return con.execute(sql, pparams + fparams).df()
    ssql, sparams = _scoped_cases(scope)
    gsel = "".join(f"{g}::VARCHAR AS {g}, " for g in group)
    sql = f"""WITH {psql}, {ssql}
        SELECT p.label, {gsel}strftime(closed_date, '%Y-%m') AS month, count(*) AS n
        FROM s JOIN p ON s.closed_date BETWEEN p.p_start AND p.p_end
        WHERE counted
        GROUP BY ALL"""
    return con.execute(sql, pparams + sparams).df()


def list_groups(con: duckdb.DuckDBPyConnection, scope: Scope, group: list[str],
                use_facts: bool = False) -> pd.DataFrame:
    """Every court, division or judge with at least one case in scope (of any date), with a name."""
    where, params = scope.where()
    if use_facts:  # every case has a received month, so every unit with a case has facts
        gsel = ", ".join(f"c.{g}::VARCHAR AS {g}" for g in group)
        name = {"court_code": "any_value(ct.court_name)", "division": "c.division",
                "judge_id": "any_value(j.judge_name)"}[group[-1]]
        keys = ", ".join("c." + g for g in group)
        sql = f"""SELECT {gsel}, {name} AS name FROM facts c
            LEFT JOIN courts ct ON ct.court_code = c.court_code
            LEFT JOIN judges j ON j.court_code = c.court_code AND j.judge_id = c.judge_id
            WHERE {where} GROUP BY {keys} ORDER BY {keys}"""
        return con.execute(sql, params).df()
    gsel = ", ".join(f"c.{g}::VARCHAR AS {g}" for g in group)
    name = {"court_code": "any_value(ct.court_name)", "division": "c.division",
            "judge_id": "any_value(c.judge_name)"}[group[-1]]
    sql = f"""SELECT {gsel}, {name} AS name FROM cases c LEFT JOIN courts ct ON ct.court_code = c.court_code
        WHERE {where} GROUP BY {', '.join('c.' + g for g in group)} ORDER BY {', '.join('c.' + g for g in group)}"""
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


def compute(con: duckdb.DuckDBPyConnection, period: Period, by: str | None = None, scope: Scope = Scope(),
            indicators: list[str] | None = None, use_facts: bool | None = None) -> pd.DataFrame:
    """Indicators in long form: [group columns], [label], indicator, numerator, denominator, value.

    Group columns: court_code / court_code+division / court_code+judge_id, plus `name`;
    with by=month|quarter a `label` column (YYYY-MM / YYYYQn); with no grouping neither.
    Computed from the monthly facts when the database has them (use_facts=None), else by a scan.
    """
    if use_facts is None:
        use_facts = has_facts(con)
    chosen: list[Indicator] = [BY_ID[i] for i in indicators] if indicators else CATALOGUE
    group = GROUP_COLUMNS.get(by, [])
    periods = sub_periods(period, by)
    keys = ["label"] + group

    frame = pd.DataFrame({"label": [p.label for p in periods]})
    if group:
        groups = list_groups(con, scope, group, use_facts)
        frame = frame.merge(groups, how="cross")
    if use_facts:
        base = facts_aggregates(con, scope, periods, group)
    else:
        base = base_aggregates(con, scope, periods, group)
    frame = frame.merge(base, on=keys, how="left")
    if any(i.id == "reversal_remand_rate" for i in chosen):
        rev = attributed_reversals(con, scope, periods, group, use_facts)
        frame = frame.merge(rev, on=keys, how="left")
    else:
        frame["first_reversed"] = 0
    for n in list(_BASE) + ["first_reversed"]:
        frame[n] = frame[n].fillna(0)
    frame["on_hand"] = frame["carried_over"] + frame["received"]
    frame["proceedings"] = frame["first_closed"] + frame["first_desc_counted"]
    frame["diversion_base"] = frame["pre_received"] + frame["litigation_received"]
    pop = _population(con, scope)
    if by in ("division", "judge"):
        frame["population"] = np.nan
        frame["lawsuits"] = np.nan
    elif by == "court":
        frame["population"] = frame["court_code"].map(pop).fillna(0)
    else:
        frame["population"] = sum(pop.values())

    balance: dict[tuple, float | None] = {}
    if any(i.kind == "balance" for i in chosen):
        monthly = monthly_closings(con, scope, periods, group, use_facts)
        counts = {tuple(r[:-2]) + (r[-2],): r[-1] for r in monthly[keys + ["month", "n"]].itertuples(index=False)}
        months = {p.label: [m.label for m in p.months()] for p in periods}
        for row in frame[keys].itertuples(index=False):
            row = tuple(row)
            balance[row] = _balance([counts.get(row + (m,), 0) for m in months[row[0]]])

    # Assemble with plain arrays: one DataFrame at the end (pandas column-by-column is the slow part).
    n = len(frame)
    nums, dens, vals = [], [], []
    for ind in chosen:
        if ind.kind == "balance":
            nums.append(np.full(n, np.nan))
            dens.append(np.full(n, np.nan))
            vals.append(np.array([balance[tuple(r)] for r in frame[keys].itertuples(index=False)], dtype=float))
            continue
        num = frame[ind.numerator].to_numpy(dtype=float)
        nums.append(num)
        if ind.kind == "count":
            dens.append(np.full(n, np.nan))
            vals.append(num)
            continue
        den = frame[ind.denominator].to_numpy(dtype=float)
        dens.append(den)
        scale = 10000 if ind.kind == "per10k" else 1
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
