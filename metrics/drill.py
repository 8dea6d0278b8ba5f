"""The cases behind an indicator's figure, and what decides each one's part in it.

A drill-down lists the cases of the indicator's numerator and of its denominator, each marked
with the parts it is in and with the facts that decide (days over the time limit, days left,
how it closed: 改判, 发回重审, 终本 …). The deciding cases — those that pull the figure away from
its better side — come first and can be listed alone:

  a rate where higher is better   in the denominator, not in the numerator (closed late)
  a rate where lower is better    in the numerator (reversed on appeal, 终本)
  a mean where lower is better    above the listed cases' mean (the longest)
  a count where lower is better   every case counted (each one over 12 months)
  otherwise                       none: the figure has no better side, or both parts are the same cases
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import duckdb
import pandas as pd

from . import measures, sources, visits
from .catalogue import BY_ID, Direction, Indicator, Kind
from .engine import Scope
from .named import with_period
from .periods import Period
from .warnings import dates_as_days

# The columns of a listed case, in the order a page shows them.
COLUMNS = ["decides", "case_no", "origin_case_no", "over_limit_days", "days_left", "closing_method", "days", "used_days", "limit_total",
           "status", "judge_name", "division", "court_name", "case_type", "procedure", "cause", "filed_date", "closed_date",
           "in_numerator", "in_denominator", "court_code", "judge_id"]


@dataclass(frozen=True)
class CaseList:
    rows: pd.DataFrame
    total: int       # cases of the numerator and denominator
    deciding: int    # of which pull the figure away from its better side


def _listable(name: str | None) -> str | None:
    """A measure whose cases can be listed (a population is not)."""
    return None if name is None or measures.BY_NAME[name].kind is measures.Kind.COURT else name


def _part(scope: Scope, name: str | None, scoped: bool) -> tuple[str, list]:
    """The condition that a case is in measure `name` for this period, on the scoped rows `b`;
    and in the scope unless the rows are `scoped` already (NULL where a column is: not in it)."""
    if name is None:
        return "false", []
    where, params = scope.where(sources.of(name), alias="b") if not scoped else ("true", [])
    return f"({where}) AND ({measures.case_condition(name)})", params


class Rule(StrEnum):
    """Which listed cases decide (pull the figure away from its better side)."""
    NONE = "none"                            # no better side, or both parts the same cases
    NOT_IN_NUMERATOR = "not_in_numerator"    # a rate where higher is better: closed late, not mediated …
    IN_NUMERATOR = "in_numerator"            # a rate where lower is better: reversed, 终本 …
    ABOVE_MEAN = "above_mean"                # a mean where lower is better: the longest
    ADDS_TO_NUMERATOR = "adds_to_numerator"  # 案-件比: the cases that gave rise to derived cases
    COUNTED = "counted"                      # a count where lower is better: every case counted


def _parts(ind: Indicator) -> tuple[str, str | None]:
    num, den = _listable(ind.numerator), _listable(ind.denominator)
    return (den, None) if num is None else (num, den)  # a court attribute over a count: its cases


def condition(name: str) -> str:
    """The condition selecting a measure's rows in the period: its cases, or for a visit
    measure its visits (metrics/visits.py)."""
    return visits.MEASURES[name].condition if name in visits.MEASURES else measures.case_condition(name)


def summed(name: str) -> str | None:
    """What a measure adds up per row (None: it counts rows)."""
    return visits.MEASURES[name].value if name in visits.MEASURES else measures.BY_NAME[name].value


def rule(ind: Indicator) -> Rule:
    num, den = _parts(ind)
    if ind.direction is Direction.NONE or ind.kind is Kind.BALANCE:
        return Rule.NONE
    if ind.kind is Kind.MEAN and summed(num):
        return Rule.ABOVE_MEAN if ind.direction is Direction.LOWER else Rule.NONE
    if den in measures.BY_NAME[num].parts:
        return Rule.ADDS_TO_NUMERATOR
    if den is None:
        return Rule.COUNTED if ind.direction is Direction.LOWER else Rule.NONE
    if condition(num) == condition(den) and sources.of(num) is sources.of(den):
        return Rule.NONE  # amounts or judges of the same cases
    return Rule.NOT_IN_NUMERATOR if ind.direction is Direction.HIGHER else Rule.IN_NUMERATOR


def _decides(ind: Indicator) -> tuple[str, str | None]:
    """The SQL that marks a deciding case, over the flags in_num and in_den, the value `v` and the
    listed cases' `mean` of it; and the value `v` (None: the list is sorted by days over the limit)."""
    num, den = _parts(ind)
    r = rule(ind)
    if r is Rule.ABOVE_MEAN:
        return "(in_den AND v > mean)", measures.BY_NAME[num].value
    if r is Rule.ADDS_TO_NUMERATOR:
        extra = [measures.BY_NAME[p] for p in measures.BY_NAME[num].parts if p != den]
        value = " + ".join(f"CASE WHEN {measures.case_condition(m.name)} THEN {m.value or 1} ELSE 0 END"
                           for m in extra)
        return "(in_den AND v > 0)", f"({value})"
    return {Rule.NONE: "NULL", Rule.COUNTED: "in_num", Rule.IN_NUMERATOR: "in_num",
            Rule.NOT_IN_NUMERATOR: "(in_den AND NOT in_num)"}[r], None


def with_totals(df: pd.DataFrame, elsewhere: bool, first_page) -> tuple[pd.DataFrame, int, int]:
    """A page of a list (with its `total` and `deciding` columns) as its rows (dates as days) and
    the whole list's counts. An empty page past the last, or of deciding rows when none decides
    (`elsewhere`), takes the counts from `first_page()`, the list's first row."""
    rows = df.drop(columns=["total", "deciding"])
    if len(df):
        return dates_as_days(rows), int(df["total"].iloc[0]), int(df["deciding"].iloc[0])
    if elsewhere:
        head = first_page()
        return rows, head.total, head.deciding
    return rows, 0, 0


def indicator_cases(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope, indicator_id: str, *,
                    only_deciding: bool = False, page: int = 0, page_size: int | None = 50) -> CaseList:
    """The cases behind `indicator_id` for the scope and period, deciding ones first; one page
    (page_size None: all of them).

    Two queries: the list's counts (and the mean a mean's deciding cases exceed), then the page.
    Both select the cases with the parts' own conditions, the period given as parameters, so
    DuckDB reads only the rows that pass (metrics/named.py)."""
    ind = BY_ID[indicator_id]
    num, den = _parts(ind)
    # both parts in the same scope (not one by the origin case): the rows are filtered by it once
    scoped = den is None or sources.of(num) is sources.of(den)
    in_num, num_params = _part(scope, num, scoped)
    in_den, den_params = _part(scope, den, scoped)
    any_num, any_num_params = scope.where(sources.of(num), alias="c")
    any_den, any_den_params = scope.where(sources.of(den), alias="c") if den and not scoped else ("false", [])
    decides, value = _decides(ind)
    # The court's attribute only where a condition asks for it: a join above the scan keeps DuckDB
    # from sorting the page by the few columns it sorts on and reading the others for its rows only.
    populated = "has_population" in in_num + in_den + (value or "") + decides
    rows = f"""
        b AS (SELECT c.*{", coalesce(ct.population > 0, false) AS has_population" if populated else ""}
              FROM cases c{" LEFT JOIN courts ct ON ct.court_code = c.court_code" if populated else ""}
              WHERE ({any_num}) OR ({any_den})),
        x AS (SELECT b.*, coalesce({in_num}, false) AS in_num, coalesce({in_den}, false) AS in_den,
                     {value or "NULL"} AS v, ?::DOUBLE AS mean
              FROM b WHERE ({in_num}) OR ({in_den}))"""
    base = any_num_params + any_den_params + num_params + den_params

    def run(sql: str, params: list) -> pd.DataFrame:
        return con.execute(*with_period(sql, params, period.start, period.end)).df()

    mean = None
    if rule(ind) is Rule.ABOVE_MEAN:  # the deciding cases are those above the listed cases' mean
        mean = run(f"WITH {rows} SELECT avg(v) FILTER (WHERE in_den) AS mean FROM x",
                   base + [None] + num_params + den_params)["mean"].iloc[0]
        mean = None if pd.isna(mean) else float(mean)
    params = base + [mean] + num_params + den_params
    counts = run(f"WITH {rows} SELECT count(*) AS total, count(*) FILTER (WHERE {decides}) AS deciding FROM x",
                 params).iloc[0]
    total, deciding = int(counts["total"]), int(counts["deciding"])
    open_at_end = measures.open_on("p_end")
    limit = "" if page_size is None else "LIMIT ? OFFSET ?"
    order = f"decides DESC NULLS LAST, {'v' if value else 'over_limit_days'} DESC NULLS LAST, filed_date, case_no"
    sql = f"""
        WITH {rows},
        marked AS (SELECT *, {decides} AS decides, {open_at_end} AS open_at_end,
                          limit_days + extended_days AS limit_total,
                          CASE WHEN {open_at_end} THEN (p_end - filed_date) - deducted_days ELSE net_days END AS used_days
                   FROM x),
        page AS (
            SELECT decides, case_no, origin_case_no, court_code, division, judge_id, judge_name,
                   case_type::VARCHAR AS case_type, procedure::VARCHAR AS procedure, cause, filed_date, closed_date,
                   closing_method::VARCHAR AS closing_method, CASE WHEN NOT open_at_end THEN duration_days END AS days,
                   limit_total, used_days,
                   CASE WHEN used_days > limit_total THEN used_days - limit_total END AS over_limit_days,
                   CASE WHEN open_at_end THEN limit_total - used_days END AS days_left,
                   CASE WHEN open_at_end THEN 'pending' ELSE 'closed' END AS status,
                   in_num AS in_numerator, in_den AS in_denominator, v
            FROM marked {"WHERE decides" if only_deciding else ""}
            ORDER BY {order}
            {limit})
        SELECT page.* REPLACE (page.court_code::VARCHAR AS court_code), ct.court_name
        FROM page LEFT JOIN courts ct ON ct.court_code = page.court_code
        ORDER BY {order}"""
    listed = dates_as_days(run(sql, params + ([] if page_size is None else [page_size, page * page_size])))
    if den is None:  # one part: the flags say nothing
        listed = listed.drop(columns=["in_numerator", "in_denominator"])
    if sources.ORIGIN not in (sources.of(num), sources.of(den)):  # the decision attacked: only for a count by origin
        listed = listed.drop(columns=["origin_case_no"])
    return CaseList(listed[[c for c in COLUMNS if c in listed.columns]], total, deciding)
