"""Letters and visits 访源治理 (spec v3): the visit measures by one scan of table `visits`.

A visit whose case_no names a stored case takes that case's court, division, judge, team,
category and 涉企 flag; any other visit only its registering court (so it is in no division,
judge or team group, and out of scope under a category or 涉企 filter, whose columns are NULL
for it). A repeat is decided over every stored visit, before any scope applies. No stored
visit = no list: `has_visits` is False and the visit indicators have no values.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from .measures import Kind, of_kind, open_on

OVERDUE_DAYS = 60   # 超期未办结: pending at the period's end for more than this
REPEAT_DAYS = 365   # 重复信访: a visit of the same petitioner within this before it

# Each visit measure: the condition over the attributed visits (columns of `v`) and the period
# (p_start, p_end), and what it adds up (None counts visits).
RECEIVED = "received_date BETWEEN p_start AND p_end"
CLOSED = "closed_date BETWEEN p_start AND p_end"
MEASURES: dict[str, tuple[str, str | None]] = {
    "visits_received": (RECEIVED, None),
    "visits_repeat": (f"{RECEIVED} AND repeat", None),
    "visits_skip_level": (f"{RECEIVED} AND skip_level", None),
    "visits_closed": (CLOSED, None),
    "visits_resolved": (f"{CLOSED} AND outcome = '化解息诉'", None),
    "visits_heard": (f"{CLOSED} AND hearing", None),
    "visits_days_sum": (CLOSED, "closed_date - received_date"),
    "visits_overdue": (f"received_date <= p_end AND {open_on('p_end')} AND p_end - received_date > {OVERDUE_DAYS}",
                       None),
}


assert set(MEASURES) == {m.name for m in of_kind(Kind.VISIT)}, "visit measures declared in measures.py"


def has_visits(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds a visits list (an absent or empty table is none)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND table_name = 'visits'").fetchone()[0]
    return bool(exists) and con.execute("SELECT count(*) > 0 FROM visits").fetchone()[0]


# Every stored visit with its attribution and whether it is a repeat. visit_no orders by code
# point: DuckDB compares VARCHAR by its UTF-8 bytes, which keeps code-point order.
ATTRIBUTED_SELECT = f"""
    SELECT v.visit_no, v.received_date, v.closed_date, v.skip_level, v.hearing, v.outcome,
           c.case_no IS NOT NULL AS has_case,
           coalesce(c.court_code::VARCHAR, v.court_code) AS court_code,
           c.division, c.judge_id, c.team, c.category::VARCHAR AS category, c.enterprise,
           c.case_type::VARCHAR AS case_type,
           coalesce(lag(v.received_date) OVER (PARTITION BY v.petitioner_id ORDER BY v.received_date, v.visit_no)
                    >= v.received_date - {REPEAT_DAYS}, false) AS repeat
    FROM visits v LEFT JOIN cases c ON c.case_no = v.case_no"""
ATTRIBUTED = f"attributed AS ({ATTRIBUTED_SELECT})"
# Table facts_visits (built with the facts, metrics/facts.py): the attributed visits stored, so a
# query reads a table of visits alone instead of joining them to every case.
FACTS_SQL = f"SELECT * FROM ({ATTRIBUTED_SELECT}) ORDER BY court_code, received_date"


def visit_sql(measure: str) -> str:
    cond, value = MEASURES[measure]
    return (f"coalesce(count_if({cond}), 0)" if value is None
            else f"coalesce(sum(CASE WHEN {cond} THEN {value} END), 0)")


def aggregates(con: duckdb.DuckDBPyConnection, periods: tuple[str, list], where: tuple[str, list],
               group: list[str], group_select: str, use_facts: bool) -> pd.DataFrame:
    """One row per (period label, group) that has a visit: every visit measure, for the engine's
    periods (`p` SQL, params), scope condition over alias `a` (SQL, params) and group columns.
    Visits without a case have NULL division, judge, team, category and 涉企: no such group or
    filter takes them. use_facts: read the stored facts_visits, else attribute the visits here."""
    (psql, pparams), (where, params) = periods, where
    aggs = ", ".join(f"{visit_sql(m)} AS {m}" for m in MEASURES)
    # a visit counts in a period only when received in it, closed in it or still open at its end:
    # `near` and the join leave out the (many) visits received and closed before a period starts
    source, attributed = ("facts_visits", "") if use_facts else ("attributed", f", {ATTRIBUTED}")
    sql = f"""WITH {psql}{attributed}, span AS (SELECT min(p_start) AS first, max(p_end) AS last FROM p),
        near AS (SELECT s.* FROM {source} s, span WHERE s.received_date <= span.last
                 AND (s.received_date >= span.first OR {open_on('span.first - 1', 's')}))
        SELECT p.label, {group_select}{aggs}
        FROM near a JOIN p ON a.received_date <= p.p_end
            AND (a.received_date >= p.p_start OR {open_on('p.p_start - 1', 'a')})
        WHERE {where}
        GROUP BY ALL"""
    found = con.execute(sql, pparams + params).df()
    if group:  # a visit outside every group of this grouping (no division, judge or team) is dropped
        found = found.dropna(subset=group)
    return found
