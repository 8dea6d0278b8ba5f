"""Process warnings (节点管控): the pending cases that need attention on a given day.

Days left to the time limit on day d = limit + extended − ((d − filed) − deducted), so a
negative number is days past the limit. The 12/18/36-month lists use the age rule of
超12个月未结 (measures.older_than).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .engine import Scope
from .measures import OVER_12_MONTHS, older_than, open_on
from .visit_lists import overdue as _overdue_visits
from .visits import OVERDUE_DAYS

# kind -> (中文, English, condition on a pending case at day d, with ? for the number of days)
KINDS: dict[str, tuple[str, str, str]] = {
    "pending": ("全部未结", "all pending", "true"),
    "past_limit": ("超审限", "past the time limit", "days_left < 0"),
    "near_15": ("审限届满前15天内", "within 15 days of the limit", "days_left BETWEEN 0 AND 15"),
    "near_30": ("审限届满前30天内", "within 30 days of the limit", "days_left BETWEEN 0 AND 30"),
    "over_12m": ("超12个月未结", "pending over 12 months", older_than(OVER_12_MONTHS, "day")),
    "over_18m": ("超18个月未结", "pending over 18 months", older_than(548, "day")),
    "over_36m": ("超36个月未结", "pending over 36 months", older_than(1095, "day")),
    "remanded": ("发回重审后未结", "remanded cases back at first instance",
                 "instance = 'first' AND origin_instance = 'appeal'"),
    "extended": ("延长审限", "time limit extended", "extended_days > 0"),
    "appeal_untransferred": ("上诉未移送", "appeals not transferred", "appeal_waiting > ?"),
}
# The one warning group of visits, not cases (spec v3): a visit pending more than OVERDUE_DAYS.
VISITS_OVERDUE = (f"信访超期未办结（登记超过{OVERDUE_DAYS}天）", f"visits pending over {OVERDUE_DAYS} days")
_CASES_SQL = f"""
    SELECT c.case_no, c.court_code::VARCHAR AS court_code, ct.court_name, c.division, c.team, c.judge_id, c.judge_name,
           c.case_type::VARCHAR AS case_type, c.procedure::VARCHAR AS procedure, c.cause, c.filed_date,
           c.limit_days, c.extended_days, c.deducted_days,
           (d.day - c.filed_date) AS days_on_hand,
           (d.day - c.filed_date) - c.deducted_days AS age, d.day,
           c.limit_days + c.extended_days - ((d.day - c.filed_date) - c.deducted_days) AS days_left,
           c.instance::VARCHAR AS instance, c.origin_instance::VARCHAR AS origin_instance, c.origin_case_no,
           c.appeal_received_date,
           CASE WHEN c.appeal_received_date <= d.day AND (c.appeal_transferred_date IS NULL
                     OR c.appeal_transferred_date > d.day)
                THEN d.day - c.appeal_received_date END AS appeal_waiting,
           {open_on('d.day', 'c')} AS is_pending
    FROM cases c CROSS JOIN (SELECT ?::DATE AS day) d LEFT JOIN courts ct ON ct.court_code = c.court_code
    WHERE {{where}} AND c.counted AND c.filed_date <= d.day"""


def kind_name(kind: str, lang: str = "zh") -> str:
    return KINDS[kind][0 if lang == "zh" else 1]


def visits_overdue_name(lang: str = "zh") -> str:
    return VISITS_OVERDUE[0 if lang == "zh" else 1]


def condition(kind: str, transfer_days: int) -> str:
    cond = KINDS[kind][2].replace("?", str(int(transfer_days)))
    # an appeal waits for transfer after its case is closed; every other warning is about pending cases
    return cond if kind == "appeal_untransferred" else f"({cond}) AND is_pending"


def cases_on(scope: Scope, as_of: dt.date) -> tuple[str, list]:
    where, params = scope.where()
    return _CASES_SQL.format(where=where), [as_of] + params


def warning_list(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date, kind: str,
                 transfer_days: int = 5) -> pd.DataFrame:
    """The cases of one warning kind, most urgent first."""
    if kind not in KINDS:
        raise KeyError(f"unknown warning kind {kind}")
    sql, params = cases_on(scope, as_of)
    order = "appeal_waiting DESC" if kind == "appeal_untransferred" else "days_left, filed_date"
    df = con.execute(f"SELECT * EXCLUDE (is_pending, day) FROM ({sql}) WHERE {condition(kind, transfer_days)} "
                     f"ORDER BY {order}, case_no", params).df()
    return dates_as_days(df)


def counted_from_today(frame: pd.DataFrame, as_of: dt.date, today: dt.date) -> pd.DataFrame:
    """A warning list of the data date with each case's limit as a date (`due_date`: the data
    date plus its days left) and its days left counted from `today` (`days_left_today`). The
    cases are those pending on the data date; whether they are still pending the data cannot say."""
    out = frame.copy()
    left = out["days_left"].astype("Int64")
    out["due_date"] = [as_of + dt.timedelta(days=int(d)) if not pd.isna(d) else None for d in left]
    out["days_left_today"] = [(d - today).days if d is not None else None for d in out["due_date"]]
    out["days_left_today"] = out["days_left_today"].astype("Int64")
    return out


def week_end(today: dt.date) -> dt.date:
    """The Sunday ending `today`'s week (本周: Monday to Sunday)."""
    return today + dt.timedelta(days=6 - today.weekday())


def dates_as_days(df: pd.DataFrame) -> pd.DataFrame:
    """DATE columns as calendar days (pandas would show them as midnight timestamps)."""
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = df[col].dt.date
    return df


def warning_counts(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date, by: str,
                   transfer_days: int = 5) -> pd.DataFrame:
    """Counts of every warning kind per court / division / trial team / judge (a case with no
    team is in no team)."""
    group = {"court": ["court_code", "court_name"], "division": ["court_code", "division"],
             "team": ["court_code", "team"], "judge": ["court_code", "judge_id", "judge_name"]}[by]
    sql, params = cases_on(scope, as_of)
    counts = ", ".join(f"coalesce(count_if({condition(k, transfer_days)}), 0)::BIGINT AS {k}" for k in KINDS)
    having = " HAVING team <> ''" if by == "team" else ""
    return con.execute(f"SELECT {', '.join(group)}, {counts} FROM ({sql}) GROUP BY ALL{having} "
                       f"ORDER BY past_limit DESC, over_12m DESC, {group[0]}", params).df()


def visits_overdue(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """信访超期未办结: the visits in scope pending more than OVERDUE_DAYS on `as_of`, as the
    visits_overdue indicator attributes them (a visit naming no stored case: its court only),
    longest pending first, with the court's name."""
    found = _overdue_visits(con, scope, as_of)
    names = dict(con.execute("SELECT court_code::VARCHAR, court_name FROM courts").fetchall())
    found.insert(2, "court_name", found["court_code"].map(names))
    return dates_as_days(found)
