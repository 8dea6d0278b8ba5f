"""Letters and visits 访源治理 (spec v3): the visit measures by one scan of table `visits`.

A visit whose case_no names a stored case takes that case's court, division, judge, team,
category and 涉企 flag; any other visit only its registering court (so it is in no division,
judge or team group, and out of scope under a category or 涉企 filter, whose columns are NULL
for it). A repeat is decided over every stored visit, before any scope applies. No stored
visit = no list: `has_visits` is False and the visit indicators have no values.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from . import shared_reads
from .facts_sums import MonthlySums
from .measures import Kind, of_kind, open_on
from .periods import Period
from .sources import VISITS

OVERDUE_DAYS = 60   # 超期未办结: pending at the period's end for more than this
REPEAT_DAYS = 365   # 重复信访: a visit of the same petitioner within this before it

@dataclass(frozen=True)
class VisitMeasure:
    """A visit measure: a flow counts the visits whose `event` day falls in the period and that meet
    `where` (adding up `value` when given); a stock counts those that have `entered` by the
    period's end and are still pending then."""
    event: str | None = None
    where: str = "true"
    value: str | None = None
    entered: str | None = None  # a stock: the day a visit enters it

    @property
    def condition(self) -> str:
        """The visit is in the measure for period (p_start, p_end): the scan and the lists."""
        if self.entered is not None:
            return f"{self.entered} <= p_end AND {open_on('p_end')}"
        return f"{self.event} BETWEEN p_start AND p_end AND {self.where}"


MEASURES: dict[str, VisitMeasure] = {
    "visits_received": VisitMeasure("received_date"),
    "visits_repeat": VisitMeasure("received_date", "repeat"),
    "visits_skip_level": VisitMeasure("received_date", "skip_level"),
    "visits_closed": VisitMeasure("closed_date"),
    "visits_resolved": VisitMeasure("closed_date", "outcome = '化解息诉'"),
    "visits_heard": VisitMeasure("closed_date", "hearing"),
    "visits_days_sum": VisitMeasure("closed_date", value="closed_date - received_date"),
    # 超期未办结: pending at the period's end for more than OVERDUE_DAYS (p_end − received > 60)
    "visits_overdue": VisitMeasure(entered=f"received_date + {OVERDUE_DAYS + 1}"),
}
FLOWS = [n for n, m in MEASURES.items() if m.entered is None]
STOCKS = [n for n, m in MEASURES.items() if m.entered is not None]


assert set(MEASURES) == {m.name for m in of_kind(Kind.VISIT)}, "visit measures declared in measures.py"


def has_visits(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds a visits list (an absent or empty table is none)."""
    return shared_reads.read(("has_visits",), lambda: _has_visits(con))


def _has_visits(con: duckdb.DuckDBPyConnection) -> bool:
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


def _counted(cond: str, value: str | None) -> str:
    return (f"coalesce(count_if({cond}), 0)" if value is None
            else f"coalesce(sum(CASE WHEN {cond} THEN {value} END), 0)")


def visit_sql(measure: str) -> str:
    m = MEASURES[measure]
    return _counted(m.condition, m.value)


# Table facts_visits_monthly: the visit measures per unit and calendar month, as `facts` holds the
# case measures (every period is a run of whole months): a flow in the month of its event day, a
# stock as <name>_in in the month it is entered and <name>_out in the month of max(entered,
# closed), so its count at a month's end is the running sum of in − out (metrics/facts.py).
_KEYS = ", ".join(VISITS.stored.columns)


def _monthly_part(month: str, columns: dict[str, str], where: str = "true") -> str:
    every = [f"{columns.get(n, '0')} AS {n}" for n in FLOWS]
    every += [f"{columns.get(f'{n}_{side}', '0')} AS {n}_{side}" for n in STOCKS for side in ("in", "out")]
    return (f"SELECT {_KEYS}, date_trunc('month', {month})::DATE AS month, {', '.join(every)} "
            f"FROM facts_visits WHERE {where} GROUP BY ALL")


def _monthly_sql() -> str:
    parts = [_monthly_part(event, {n: _counted(MEASURES[n].where, MEASURES[n].value) for n in FLOWS
                                   if MEASURES[n].event == event}, f"{event} IS NOT NULL")
             for event in dict.fromkeys(MEASURES[n].event for n in FLOWS)]
    for n in STOCKS:
        entered = MEASURES[n].entered
        parts.append(_monthly_part(entered, {f"{n}_in": "count(*)"}))
        parts.append(_monthly_part(f"greatest({entered}, closed_date)", {f"{n}_out": "count(*)"},
                                   "closed_date IS NOT NULL"))
    sums = [f"sum({n})::BIGINT AS {n}" for n in FLOWS] + [f"sum({n}_{side})::BIGINT AS {n}_{side}"
                                                             for n in STOCKS for side in ("in", "out")]
    return (f"SELECT {_KEYS}, month, {', '.join(sums)} FROM ({' UNION ALL '.join(parts)}) "
            f"GROUP BY ALL ORDER BY {_KEYS}, month")


MONTHLY_SQL = _monthly_sql()


def aggregates(con: duckdb.DuckDBPyConnection, periods: tuple[str, list], where: tuple[str, list],
               group: list[str], group_select: str) -> pd.DataFrame:
    """One row per (period label, group) with a visit counted: every visit measure, by attributing the
    visits here (no current facts), for the engine's periods (`p` SQL, params), scope condition
    over alias `a` (SQL, params) and group columns. Visits without a case have NULL division,
    judge, team, category and 涉企: no such group or filter takes them."""
    (psql, pparams), (where, params) = periods, where
    aggs = ", ".join(f"{visit_sql(m)} AS {m}" for m in MEASURES)
    # a visit counts in a period only when received in it, closed in it or still open at its end:
    # `near` and the join leave out the (many) visits received and closed before a period starts
    sql = f"""WITH {psql}, {ATTRIBUTED}, span AS (SELECT min(p_start) AS first, max(p_end) AS last FROM p),
        near AS (SELECT s.* FROM attributed s, span WHERE s.received_date <= span.last
                 AND (s.received_date >= span.first OR {open_on('span.first - 1', 's')}))
        SELECT p.label, {group_select}{aggs}
        FROM near a JOIN p ON a.received_date <= p.p_end
            AND (a.received_date >= p.p_start OR {open_on('p.p_start - 1', 'a')})
        WHERE {where}
        GROUP BY ALL"""
    return _units_with_visits(con.execute(sql, pparams + params).df(), group)


def monthly_aggregates(con: duckdb.DuckDBPyConnection, periods: list[Period], where: tuple[str, list],
                       group: list[str]) -> pd.DataFrame:
    """The same from facts_visits_monthly (scope condition over alias `c`): flows summed over each
    period's months, stocks over every month up to its end."""
    sums = {n: f"sum(c.{n})" for n in FLOWS} | {n: f"sum(c.{n}_in - c.{n}_out)" for n in STOCKS}
    monthly = MonthlySums(con, "facts_visits_monthly", sums, *where, group)
    frame = pd.DataFrame(monthly.rows(periods) | monthly.between(periods) | monthly.at_end(STOCKS, periods))
    return _units_with_visits(frame, group)


def _units_with_visits(found: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """The rows where some measure counts a visit (a unit with none is as good as absent), each
    in a group of this grouping: a visit with no division, judge or team is in none of those."""
    if group:
        found = found.dropna(subset=group)
    return found[(found[list(MEASURES)] != 0).any(axis=1)].reset_index(drop=True)
