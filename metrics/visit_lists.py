"""访源治理 lists (spec v3 visits): where visits come from (units ranked by visits per 10,000
closed), the cases behind a unit's visits, repeat petitioners and their visits by month, and
visits pending over 60 days at a day, in a scope.

Attribution as the visit indicators (metrics.visits.ATTRIBUTED): a visit without a case is in
its registering court only, so a division/judge/team/category/涉企 scope never takes it.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .engine import GROUP_COLUMNS, Scope, compute, use_facts_for
from .periods import Period
from .sources import VISITS
from .visits import ATTRIBUTED, MEASURES


def attributed(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """The attributed visits: the stored facts_visits when current, else attributed here (a CTE
    to add after a WITH's first, the relation to read)."""
    return ("", "facts_visits") if use_facts_for(con) else (f", {ATTRIBUTED}", "attributed")


def overdue(con: duckdb.DuckDBPyConnection, scope, day: dt.date) -> pd.DataFrame:
    """Visits open at `day` and received more than OVERDUE_DAYS before it (the numerator of
    visits_overdue at a period ending `day`): court, case, days pending, longest first."""
    where, params = scope.where(VISITS, alias="a")
    cte, relation = attributed(con)
    sql = f"""WITH p AS (SELECT ?::DATE AS p_end){cte},
        due AS (SELECT a.*, p.p_end - a.received_date AS days_pending FROM {relation} a, p
                WHERE {MEASURES['visits_overdue'].condition})
        SELECT a.visit_no, a.court_code, v.case_no, a.received_date, a.days_pending
        FROM due a JOIN visits v USING (visit_no)
        WHERE {where}
        ORDER BY a.days_pending DESC, a.visit_no"""
    return _days(con.execute(sql, [day] + params).df())


def repeat_petitioners(con: duckdb.DuckDBPyConnection, scope, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Petitioners with more than one visit in scope received in [start, end]: pseudonymous
    petitioner_id only (never a name), visits, first and last day, most visits first."""
    where, params = scope.where(VISITS, alias="a")
    cte, relation = attributed(con)
    sql = f"""WITH p AS (SELECT 1){cte}
        SELECT v.petitioner_id, count(*) AS visits,
               min(a.received_date) AS first_date, max(a.received_date) AS last_date
        FROM {relation} a JOIN visits v USING (visit_no)
        WHERE a.received_date BETWEEN ?::DATE AND ?::DATE AND {where}
        GROUP BY v.petitioner_id HAVING count(*) > 1
        ORDER BY visits DESC, v.petitioner_id"""
    return _days(con.execute(sql, [start, end] + params).df())


def _days(frame: pd.DataFrame) -> pd.DataFrame:
    """DATE columns as calendar days (pandas would show them as midnight timestamps)."""
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.date
    return frame


PER_10K = "visits_per_10k_closed"  # numerator visits_received, denominator closed (the catalogue's)


def sources(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, level: str) -> pd.DataFrame:
    """Units at `level` (court, division, judge, team) with the visits received in the period
    attributed to them, their counted cases closed and visits per 10,000 closed, as the engine
    computes 万件结案信访率 (so a unit's visits are its visits_received); units with visits only,
    most per 10,000 closed first (a unit with visits and nothing closed has no rate: last)."""
    found = compute(con, period, level, scope, [PER_10K])
    found = found.rename(columns={"numerator": "visits", "denominator": "closed", "value": "per_10k"})
    found = found[found["visits"].fillna(0) > 0].astype({"visits": "int64", "closed": "int64"})
    keys = GROUP_COLUMNS[level]
    found = found.sort_values(["per_10k", "visits"] + keys, ascending=[False, False] + [True] * len(keys),
                              na_position="last")
    return found[keys + ["name", "visits", "closed", "per_10k"]].reset_index(drop=True)


def behind(con: duckdb.DuckDBPyConnection, scope: Scope, start: dt.date, end: dt.date,
           team: str | None = None) -> pd.DataFrame:
    """The visits received in [start, end] in scope (and of `team` when given), each with the case
    it names when that case is stored: its kind (case type, cause), how it was closed (closing
    method, closed date) and whether an appeal followed it. A visit naming no stored case has
    NULL case columns (it is in a court scope only)."""
    where, params = scope.where(VISITS, alias="a")
    extra, extra_params = ("AND a.team = ?", [team]) if team is not None else ("", [])
    cte, relation = attributed(con)
    sql = f"""WITH p AS (SELECT 1){cte}
        SELECT a.visit_no, a.received_date, a.court_code, c.case_no, c.case_type::VARCHAR AS case_type,
               c.cause, c.closing_method::VARCHAR AS closing_method, c.closed_date,
               CASE WHEN c.case_no IS NOT NULL THEN c.has_appeal_desc END AS appealed
        FROM {relation} a JOIN visits v USING (visit_no) LEFT JOIN cases c ON a.has_case AND c.case_no = v.case_no
        WHERE a.received_date BETWEEN ?::DATE AND ?::DATE AND {where} {extra}
        ORDER BY a.received_date, a.visit_no"""
    return _days(con.execute(sql, [start, end] + params + extra_params).df())


def behind_counts(visits: pd.DataFrame, column: str) -> pd.DataFrame:
    """The visits of `behind` counted by one column of their cases (case_type, cause,
    closing_method, appealed), visits naming no stored case left out, most first."""
    named = visits[visits["case_no"].notna()]
    counts = named.groupby(column, dropna=False).agg(visits=("visit_no", "size"), cases=("case_no", "nunique"))
    return counts.reset_index().sort_values(["visits", column], ascending=[False, True]).reset_index(drop=True)


def repeat_by_month(con: duckdb.DuckDBPyConnection, scope, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The visits of each repeat petitioner (as repeat_petitioners) per month received, for a
    chart: petitioner_id, month (YYYY-MM), visits."""
    where, params = scope.where(VISITS, alias="a")
    cte, relation = attributed(con)
    sql = f"""WITH p AS (SELECT 1){cte}, listed AS (
            SELECT v.petitioner_id, strftime(a.received_date, '%Y-%m') AS month
            FROM {relation} a JOIN visits v USING (visit_no)
            WHERE a.received_date BETWEEN ?::DATE AND ?::DATE AND {where})
        SELECT petitioner_id, month, count(*) AS visits FROM listed
        WHERE petitioner_id IN (SELECT petitioner_id FROM listed GROUP BY ALL HAVING count(*) > 1)
        GROUP BY ALL ORDER BY petitioner_id, month"""
    return con.execute(sql, [start, end] + params).df()
