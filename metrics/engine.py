"""Compute the catalogue's indicators for a scope, a period and a grouping, in DuckDB.

One scan of the scope's cases gives every base aggregate (`_BASE`) per group and period;
the indicators combine them as the catalogue says. Values reach DuckDB only as parameters.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from .catalogue import BY_ID, CATALOGUE, Indicator
from .periods import Period

BY_CHOICES = ("court", "division", "judge", "month", "quarter")
GROUP_COLUMNS = {"court": ["court_code"], "division": ["court_code", "division"], "judge": ["court_code", "judge_id"]}
_ORIGIN_COLUMNS = {"court_code": "origin_court", "division": "origin_division", "judge_id": "origin_judge_id"}

# Per-row flags computed once per case and period (FLAGS_SQL), so the many FILTERs below
# test booleans instead of re-evaluating date comparisons for every aggregate.
IN_P = "f_in_p"
RECEIVED = "f_received"
PENDING_END = "f_pending"
FIRST = "f_first"
FLAGS_SQL = """closed_date BETWEEN p_start AND p_end AS f_in_p,
    filed_date BETWEEN p_start AND p_end AS f_received,
    filed_date <= p_end AND (closed_date IS NULL OR closed_date > p_end) AS f_pending,
    instance = 'first' AS f_first"""
# name -> (aggregate, condition); all conditions are about one case and period p.
_BASE: dict[str, tuple[str, str]] = {
    "received": ("count(*)", f"counted AND {RECEIVED}"),
    "carried_over": ("count(*)", "counted AND filed_date < p_start AND (closed_date IS NULL OR closed_date >= p_start)"),
    "closed": ("count(*)", f"counted AND {IN_P}"),
    "pending": ("count(*)", f"counted AND {PENDING_END}"),
    "closed_within_limit": ("count(*)", f"counted AND {IN_P} AND net_days <= limit_days + extended_days"),
    "closed_days_sum": ("sum(duration_days)", f"counted AND {IN_P}"),
    "over12m_pending": ("count(*)", f"counted AND {PENDING_END} AND (p_end - filed_date) - deducted_days > 365"),
    "judges_closing": ("count(DISTINCT judge_key)", f"counted AND {IN_P}"),
    "transfer_days_sum": ("sum(appeal_transferred_date - appeal_received_date)",
                          f"{FIRST} AND appeal_transferred_date BETWEEN p_start AND p_end"),
    "transferred": ("count(*)", f"{FIRST} AND appeal_transferred_date BETWEEN p_start AND p_end"),
    "first_closed": ("count(*)", f"{FIRST} AND {IN_P}"),
    "appeal_reversed": ("count(*)", f"instance = 'appeal' AND {IN_P} AND closing_method = '改判'"),
    "appeal_remanded": ("count(*)", f"instance = 'appeal' AND {IN_P} AND closing_method = '发回重审'"),
    "appeal_closed": ("count(*)", f"instance = 'appeal' AND {IN_P}"),
    "appeal_heard": ("count(*)", f"instance = 'appeal' AND {IN_P} AND hearing"),
    "civil_closed": ("count(*)", f"case_type = '民初' AND {IN_P}"),
    "civil_mediated": ("count(*)", f"case_type = '民初' AND {IN_P} AND closing_method = '调解'"),
    "civil_withdrawn": ("count(*)", f"case_type = '民初' AND {IN_P} AND closing_method = '撤诉'"),
    "first_judged": ("count(*)", f"{FIRST} AND {IN_P} AND closing_method = '判决'"),
    "first_judged_appealed": ("count(*)", f"{FIRST} AND {IN_P} AND closing_method = '判决' AND has_appeal_desc"),
    "first_accepted": ("count(*)", f"{FIRST} AND {IN_P} AND NOT has_review_desc"),
    "first_desc_counted": ("sum(desc_counted)", f"{FIRST} AND {IN_P}"),
    "civil_decided": ("count(*)", f"case_type = '民初' AND {IN_P} AND closing_method IN ('判决', '调解')"),
    "civil_decided_enforced": ("count(*)",
                               f"case_type = '民初' AND {IN_P} AND closing_method IN ('判决', '调解') AND has_exec_desc"),
    "exec_closed": ("count(*)", f"instance = 'enforcement' AND {IN_P}"),
    "exec_completed": ("count(*)", f"instance = 'enforcement' AND {IN_P} AND closing_method = '执行完毕'"),
    "exec_recovered": ("sum(amount_recovered)", f"instance = 'enforcement' AND {IN_P}"),
    "exec_applied": ("sum(amount_applied)", f"instance = 'enforcement' AND {IN_P}"),
    "first_exec_closed": ("count(*)", f"case_type = '执' AND {IN_P}"),
    "first_exec_terminated": ("count(*)", f"case_type = '执' AND {IN_P} AND closing_method = '终本'"),
    "assets_closed": ("count(*)", f"case_type = '执' AND {IN_P} AND has_assets"),
    "assets_on_time": ("count(*)", f"case_type = '执' AND {IN_P} AND has_assets AND closing_method = '执行完毕' "
                                   "AND net_days <= 180 + extended_days"),
    "pre_closed": ("count(*)", f"case_type = '民诉前调' AND {IN_P}"),
    "pre_success": ("count(*)", f"case_type = '民诉前调' AND {IN_P} AND closing_method = '调解成功'"),
    "pre_days_sum": ("sum(duration_days)", f"case_type = '民诉前调' AND {IN_P}"),
    "pre_received": ("count(*)", f"case_type = '民诉前调' AND {RECEIVED}"),
    "litigation_received": ("count(*)", f"case_type IN ('民初', '行初') AND {RECEIVED}"),
    "lawsuits": ("count(*)", f"case_type IN ('民初', '行初') AND {RECEIVED} AND has_population"),
}
# A case matters for a period when it is on hand during it or its appeal was transferred in it.
_RELEVANT = ("(filed_date <= p_end AND (closed_date IS NULL OR closed_date >= p_start)) "
             "OR appeal_transferred_date BETWEEN p_start AND p_end")


def _aggregate_sql(name: str) -> str:
    """count_if / sum(CASE) run much faster in DuckDB than many FILTER clauses."""
    agg, cond = _BASE[name]
    if agg == "count(*)":
        return f"count_if({cond}) AS {name}"
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


def base_aggregates(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                    group: list[str], names: list[str] | None = None) -> pd.DataFrame:
    """One row per (period label, group): the base aggregates named (default all)."""
    names = names or list(_BASE)
    psql, pparams = _periods_sql(periods)
    ssql, sparams = _scoped_cases(scope)
    aggs = ",\n".join(_aggregate_sql(n) for n in names)
    gsel = "".join(f"{g}::VARCHAR AS {g}, " for g in group)
    sql = f"""WITH {psql}, {ssql}, x AS (SELECT s.*, p.*, {FLAGS_SQL} FROM s JOIN p ON {_RELEVANT})
        SELECT label, {gsel}{aggs}
        FROM x
        GROUP BY ALL"""
    return con.execute(sql, pparams + sparams).df()


def attributed_reversals(con: duckdb.DuckDBPyConnection, scope: Scope, periods: list[Period],
                         group: list[str]) -> pd.DataFrame:
    """一审被改判发回重审 numerator: appeals closed in P reversed or remanded, counted for the
    court, division and judge of their first-instance origin (attributed to origin)."""
    psql, pparams = _periods_sql(periods)
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
                     group: list[str]) -> pd.DataFrame:
    psql, pparams = _periods_sql(periods)
    ssql, sparams = _scoped_cases(scope)
    gsel = "".join(f"{g}::VARCHAR AS {g}, " for g in group)
    sql = f"""WITH {psql}, {ssql}
        SELECT p.label, {gsel}strftime(closed_date, '%Y-%m') AS month, count(*) AS n
        FROM s JOIN p ON s.closed_date BETWEEN p.p_start AND p.p_end
        WHERE counted
        GROUP BY ALL"""
    return con.execute(sql, pparams + sparams).df()


def list_groups(con: duckdb.DuckDBPyConnection, scope: Scope, group: list[str]) -> pd.DataFrame:
    """Every court, division or judge with at least one case in scope (of any date), with a name."""
    where, params = scope.where()
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
            indicators: list[str] | None = None) -> pd.DataFrame:
    """Indicators in long form: [group columns], [label], indicator, numerator, denominator, value.

    Group columns: court_code / court_code+division / court_code+judge_id, plus `name`;
    with by=month|quarter a `label` column (YYYY-MM / YYYYQn); with no grouping neither.
    """
    chosen: list[Indicator] = [BY_ID[i] for i in indicators] if indicators else CATALOGUE
    group = GROUP_COLUMNS.get(by, [])
    periods = sub_periods(period, by)
    keys = ["label"] + group

    frame = pd.DataFrame({"label": [p.label for p in periods]})
    if group:
        groups = list_groups(con, scope, group)
        frame = frame.merge(groups, how="cross")
    base = base_aggregates(con, scope, periods, group)
    frame = frame.merge(base, on=keys, how="left")
    if any(i.id == "reversal_remand_rate" for i in chosen):
        rev = attributed_reversals(con, scope, periods, group)
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
        monthly = monthly_closings(con, scope, periods, group)
        counts = {tuple(r[:-2]) + (r[-2],): r[-1] for r in monthly[keys + ["month", "n"]].itertuples(index=False)}
        months = {p.label: [m.label for m in p.months()] for p in periods}
        for row in frame[keys].itertuples(index=False):
            row = tuple(row)
            balance[row] = _balance([counts.get(row + (m,), 0) for m in months[row[0]]])

    out = []
    for ind in chosen:
        part = frame[keys + ([] if not group else ["name"])].copy()
        part["indicator"] = ind.id
        if ind.kind == "balance":
            part["numerator"] = None
            part["denominator"] = None
            part["value"] = [balance[tuple(r)] for r in frame[keys].itertuples(index=False)]
        else:
            num = frame[ind.numerator]
            part["numerator"] = num
            if ind.kind == "count":
                part["denominator"] = None
                part["value"] = num
            else:
                den = frame[ind.denominator]
                part["denominator"] = den
                scale = 10000 if ind.kind == "per10k" else 1
                with np.errstate(divide="ignore", invalid="ignore"):
                    part["value"] = np.where(den > 0, num * scale / den.where(den > 0, 1), np.nan)
        out.append(part)
    result = pd.concat(out, ignore_index=True)
    result["value"] = result["value"].astype("float64").where(result["value"].notna(), None)
    if not by or by in GROUP_COLUMNS:
        result = result.drop(columns="label")
    return result
