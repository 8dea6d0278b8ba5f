"""审判管理 lists (spec v2): the leaders of the judges list and what each closed, the 四类案件
with their review, and the year-start backlog's cases. The indicators themselves are in the
catalogue; these are the lists behind them, under the same scope and period."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from schema import codes

from . import measures as ms
from .engine import Scope
from .periods import Period
from .warnings import dates_as_days

_LEADERS = ", ".join(f"'{p}'" for p in codes.LEADER_POSITIONS)


def leader_caseload(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope) -> pd.DataFrame:
    """Every leader (院庭长) of the judges list at the courts in scope (in the scope's division,
    when it has one), with the counted cases in scope they closed in the period; those who closed
    none first. Columns: court_code, court_name, judge_id, judge_name, position, division, closed."""
    where, params = scope.where()
    courts = ("j.court_code IN (SELECT court_code::VARCHAR FROM court_tree WHERE ancestor = ?)"
              if scope.with_subordinates else "j.court_code = ?") if scope.court else "true"
    court_params = [scope.court] if scope.court else []
    division = "AND j.division = ?" if scope.division else ""
    sql = f"""
        WITH closed AS (
            SELECT c.court_code::VARCHAR AS court_code, c.judge_id, count(*) AS closed
            FROM cases c WHERE {where} AND c.counted AND c.closed_date BETWEEN ? AND ?
            GROUP BY ALL)
        SELECT j.court_code, ct.court_name, j.judge_id, j.judge_name, j.position, j.division,
               coalesce(closed.closed, 0) AS closed
        FROM judge_list j
        LEFT JOIN closed ON closed.court_code = j.court_code AND closed.judge_id = j.judge_id
        LEFT JOIN courts ct ON ct.court_code::VARCHAR = j.court_code
        WHERE j.position IN ({_LEADERS}) AND {courts} {division}
        ORDER BY coalesce(closed.closed, 0) > 0, j.court_code, list_position(?, j.position), coalesce(closed.closed, 0) DESC"""
    return con.execute(sql, params + [period.start, period.end] + court_params
                       + ([scope.division] if scope.division else []) + [codes.LEADER_POSITIONS]).df()


def four_types_cases(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope,
                     limit: int | None = 2000) -> pd.DataFrame:
    """四类案件 in scope closed in the period or pending at its end, the unreviewed first (the
    pending among them first); limit None: all of them. Columns: case_no, court_name, division, judge_id, judge_name,
    case_type, cause, filed_date, closed_date, status (pending | closed), reviewed."""
    where, params = scope.where()
    sql = f"""
        SELECT c.case_no, ct.court_name, c.division, c.judge_id, c.judge_name, c.case_type::VARCHAR AS case_type,
               c.cause, c.filed_date, CASE WHEN c.closed_date <= ? THEN c.closed_date END AS closed_date,
               CASE WHEN {ms.open_on('?', 'c')} THEN 'pending' ELSE 'closed' END AS status,
               c.reviewed
        FROM cases c LEFT JOIN courts ct ON ct.court_code = c.court_code
        WHERE {where} AND c.counted AND c.four_types AND {ms.handled_in('?', '?', 'c')}
        ORDER BY c.reviewed, status = 'closed', c.filed_date, c.case_no
        LIMIT ?"""
    end, start = period.end, period.start
    return dates_as_days(con.execute(sql, [end, end] + params + [end, start, limit]).df())


def year_start_backlog(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """The year-start backlog of as_of's year (年初积案: counted cases pending on December 31 of
    the year before, over 12 months old then) with each case's status on as_of. Columns: case_no,
    court_code, court_name, division, team, judge_id, judge_name, case_type, filed_date, closed_date,
    status (cleared | pending), age_days (on as_of or at closing)."""
    where, params = scope.where()
    sql = f"""
        WITH p AS (SELECT ?::DATE AS p_start)
        SELECT c.case_no, c.court_code::VARCHAR AS court_code, ct.court_name, c.division, c.team, c.judge_id, c.judge_name,
               c.case_type::VARCHAR AS case_type, c.filed_date,
               CASE WHEN c.closed_date <= ? THEN c.closed_date END AS closed_date,
               CASE WHEN c.closed_date <= ? THEN 'cleared' ELSE 'pending' END AS status,
               (least(coalesce(c.closed_date, ?), ?) - c.filed_date) AS age_days
        FROM cases c CROSS JOIN p LEFT JOIN courts ct ON ct.court_code = c.court_code
        WHERE {where} AND {ms.case_condition("year_start_backlog")}
        ORDER BY status = 'cleared', c.filed_date, c.case_no"""
    year_start = dt.date(as_of.year, 1, 1)
    return dates_as_days(con.execute(sql, [year_start, as_of, as_of, as_of, as_of] + params).df())


def backlog_progress(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Month by month of as_of's year: the share of a year_start_backlog frame cleared by each
    month's end (months after as_of empty), against an even pace reaching 100% on December 31.
    Columns: month (YYYY-MM), cleared, share, even."""
    total = len(frame)
    closed = pd.to_datetime(pd.Series(frame["closed_date"]))  # NaT (pending) is never ≤ a month's end
    rows = []
    for m in range(1, 13):
        end = pd.Timestamp(as_of.year, m, 1) + pd.offsets.MonthEnd(0)
        done = None if m > as_of.month else int((closed <= end).sum())
        rows.append({"month": f"{as_of.year}-{m:02d}", "cleared": done,
                     "share": done / total if total and done is not None else None, "even": m / 12})
    return pd.DataFrame(rows)
