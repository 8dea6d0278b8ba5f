"""The letters and visits behind a visit indicator's figure (spec v3), and repeat petitioners counted.

A visit indicator's drill-down lists visits, not cases: each with the case it names, the court it
counts for, its pseudonymous petitioner id, how and when it closed, marked with the parts it is in
and whether it decides (metrics/drill.py `rule`: not resolved, a repeat, skip-level, the longest …).
The scope applies to the visit's attribution (metrics/sources.py VISITS) exactly as the figure's,
so a judge's list — their own cases only — holds the visits naming their cases.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from . import sources, visits
from .catalogue import BY_ID, Kind
from .drill import CaseList, Rule, condition, indicator_cases, rule, summed, with_totals
from .engine import Scope
from .periods import Period
from .visit_lists import attributed

# The columns of a listed visit, in the order a page shows them.
COLUMNS = ["decides", "visit_no", "received_date", "form", "case_no", "court_name", "division", "judge_name",
           "petitioner_id", "repeat", "skip_level", "hearing", "outcome", "closed_date", "days", "status",
           "in_numerator", "in_denominator", "court_code", "judge_id"]


def _visit_part(name: str | None) -> str:
    """The condition that a visit is in measure `name` for the period (false for a case measure)."""
    return f"coalesce({condition(name)}, false)" if name in visits.MEASURES else "false"


def visit_cases(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope, indicator_id: str, *,
                only_deciding: bool = False, page: int = 0, page_size: int | None = 50) -> CaseList:
    """The visits behind a visit indicator for the scope and period, deciding ones first; one page
    (page_size None: all). A part made of cases (万件结案信访率's cases closed) lists nothing here."""
    ind = BY_ID[indicator_id]
    num, den = ind.numerator, ind.denominator
    if sources.of(num) is not sources.VISITS:
        raise ValueError(f"{indicator_id}: not a visit indicator")
    r = rule(ind)
    value = summed(num) if ind.kind is Kind.MEAN else None
    decides = {Rule.COUNTED: "in_num", Rule.IN_NUMERATOR: "in_num", Rule.NOT_IN_NUMERATOR: "(in_den AND NOT in_num)",
               Rule.ABOVE_MEAN: f"(in_den AND {value} > avg(CASE WHEN in_den THEN {value} END) OVER ())"
               }.get(r, "NULL")
    cte, relation = attributed(con)
    where, params = scope.where(sources.VISITS.stored, alias="a")
    limit = "" if page_size is None else "LIMIT ? OFFSET ?"
    sql = f"""
        WITH p AS (SELECT ?::DATE AS p_start, ?::DATE AS p_end){cte},
        parts AS (
            SELECT a.*, p.p_start, p.p_end, {_visit_part(num)} AS in_num, {_visit_part(den)} AS in_den
            FROM {relation} a, p WHERE {where}),
        marked AS (SELECT *, {decides} AS decides FROM parts WHERE in_num OR in_den),
        totals AS (SELECT count(*) AS total, count(*) FILTER (WHERE decides) AS deciding FROM marked)
        SELECT m.decides, m.visit_no, m.received_date, v.form, v.case_no, m.court_code, ct.court_name, m.division,
               m.judge_id, c.judge_name, v.petitioner_id, m.repeat, m.skip_level, m.hearing, m.outcome, m.closed_date,
               CASE WHEN m.closed_date <= m.p_end THEN m.closed_date - m.received_date END AS days,
               CASE WHEN m.closed_date <= m.p_end THEN 'closed' ELSE 'pending' END AS status,
               m.in_num AS in_numerator, m.in_den AS in_denominator, t.total, t.deciding
        FROM marked m CROSS JOIN totals t
        JOIN visits v ON v.visit_no = m.visit_no
        LEFT JOIN cases c ON c.case_no = v.case_no
        LEFT JOIN courts ct ON ct.court_code = m.court_code
        {"WHERE m.decides" if only_deciding else ""}
        ORDER BY m.decides DESC NULLS LAST, {"days" if value else "m.received_date"} DESC NULLS LAST, m.visit_no
        {limit}"""
    df = con.execute(sql, [period.start, period.end] + params
                     + ([] if page_size is None else [page_size, page * page_size])).df()
    rows, total, deciding = with_totals(df, page or only_deciding,
                                        lambda: visit_cases(con, period, scope, indicator_id, page=0, page_size=1))
    if not len(rows):
        return CaseList(rows, total, deciding)
    if den is None or den not in visits.MEASURES:  # one part listed: the flags say nothing
        rows = rows.drop(columns=["in_numerator", "in_denominator"])
    return CaseList(rows[[c for c in COLUMNS if c in rows.columns]], total, deciding)


def repeat_petitioners(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope) -> int:
    """How many petitioners made a repeat visit received in the period within the scope: a count
    only — who they are stays in the visits list (pseudonymous ids), never in a report."""
    cte, relation = attributed(con)
    where, params = scope.where(sources.VISITS.stored, alias="a")
    sql = f"""WITH p AS (SELECT ?::DATE AS p_start, ?::DATE AS p_end){cte}
        SELECT count(DISTINCT (SELECT v.petitioner_id FROM visits v WHERE v.visit_no = a.visit_no))
        FROM {relation} a, p WHERE ({where}) AND {visits.MEASURES['visits_repeat'].condition}"""
    return int(con.execute(sql, [period.start, period.end] + params).fetchone()[0])


def records_behind(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope, indicator_id: str,
                   **paging) -> CaseList:
    """What a drill-down lists: a visit indicator's visits, any other indicator's cases. The scope
    is the one the access check pinned (a judge's: their own cases, and the visits naming them)."""
    listing = visit_cases if BY_ID[indicator_id].needs_visits else indicator_cases
    return listing(con, period, scope, indicator_id, **paging)
