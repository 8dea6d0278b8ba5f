"""访源治理 lists (spec v3 visits): visits pending over 60 days at a day, in a scope.

Attribution as the visit indicators (metrics.visits.ATTRIBUTED): a visit without a case is in
its registering court only, so a division/judge/team/category/涉企 scope never takes it.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .measures import open_on
from .sources import VISITS
from .visits import ATTRIBUTED, OVERDUE_DAYS


def overdue(con: duckdb.DuckDBPyConnection, scope, day: dt.date) -> pd.DataFrame:
    """Visits open at `day` and received more than OVERDUE_DAYS before it (the numerator of
    visits_overdue at a period ending `day`): court, case, days pending, longest first."""
    where, params = scope.where(VISITS, alias="a")
    sql = f"""WITH {ATTRIBUTED}
        SELECT a.visit_no, a.court_code, v.case_no, a.received_date,
               (?::DATE - a.received_date) AS days_pending
        FROM attributed a JOIN visits v USING (visit_no)
        WHERE a.received_date <= ?::DATE AND {open_on('?::DATE', 'a')}
          AND ?::DATE - a.received_date > {OVERDUE_DAYS} AND {where}
        ORDER BY days_pending DESC, a.visit_no"""
    return con.execute(sql, [day, day, day, day] + params).df()


def repeat_petitioners(con: duckdb.DuckDBPyConnection, scope, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Petitioners with more than one visit in scope received in [start, end]: pseudonymous
    petitioner_id only (never a name), visits, first and last day, most visits first."""
    where, params = scope.where(VISITS, alias="a")
    sql = f"""WITH {ATTRIBUTED}
        SELECT v.petitioner_id, count(*) AS visits,
               min(a.received_date) AS first_date, max(a.received_date) AS last_date
        FROM attributed a JOIN visits v USING (visit_no)
        WHERE a.received_date BETWEEN ?::DATE AND ?::DATE AND {where}
        GROUP BY v.petitioner_id HAVING count(*) > 1
        ORDER BY visits DESC, v.petitioner_id"""
    return con.execute(sql, [start, end] + params).df()
