"""Cached calls into metrics, keyed by scalar filter values and the database file version."""
from __future__ import annotations

import secrets
from dataclasses import replace

import streamlit as st

from metrics import Period, Scope
from metrics.access import AccessDenied
from metrics.api import cases_behind, indicator_table
from metrics.engine import compute
from metrics.explain import why_moved
from metrics.outlook import year_end_outlook
from ui.database import cursor, db_path, db_version
from ui.session import current_access


def _version() -> tuple:
    return db_version(db_path())


def _scope(court, district, category, division=None, judge_id=None) -> Scope:
    return Scope(court=court, with_subordinates=district, category=category, division=division, judge_id=judge_id)


def session_salt() -> str:
    """A per-session secret so the order of 法官A, 法官B … does not follow the judges' ids."""
    return st.session_state.setdefault("_alias_salt", secrets.token_hex(8))


def _guard(court, district, category, division=None, judge_id=None, by=None, cases=False) -> tuple:
    """Check the requested scope against the signed-in user (server-side session), before any
    cached result can be served; returns the scope's parts, pinned to the user's division."""
    access = current_access()
    if access is None:
        raise AccessDenied("未登录 / not signed in")
    scope = access.pin(_scope(court, district, category, division, judge_id))
    if cases and access.role == "judge":
        scope = replace(scope, judge_id=access.judge_id)
    scope = access.check_cases(cursor(), scope) if cases else access.check(cursor(), scope, by)
    return scope.court, scope.with_subordinates, scope.category, scope.division, scope.judge_id


def _hide(frame, id_column: str = "judge_id", name_column: str = "name"):
    """Other judges anonymous for a judge (see Access.anonymise)."""
    return current_access().anonymise(frame, id_column, name_column, session_salt())


def table(version, period: str, cumulative: bool, court, district, category, by=None, division=None, judge_id=None):
    c, d, cat, div, j = _guard(court, district, category, division, judge_id, by)
    return _hide(_table(version, period, cumulative, c, d, cat, by, div, j))


@st.cache_data(max_entries=256, show_spinner=False)
def _table(version, period: str, cumulative: bool, court, district, category, by=None, division=None, judge_id=None):
    return indicator_table(cursor(), Period.parse(period, cumulative), _scope(court, district, category, division, judge_id), by)


def series(version, year: int, by: str, court, district, category, indicators: tuple, division=None, judge_id=None):
    c, d, cat, div, j = _guard(court, district, category, division, judge_id, by)
    return _hide(_series(version, year, by, c, d, cat, indicators, div, j))


@st.cache_data(max_entries=128, show_spinner=False)
def _series(version, year: int, by: str, court, district, category, indicators: tuple, division=None, judge_id=None):
    return compute(cursor(), Period.parse(str(year)), by, _scope(court, district, category, division, judge_id),
                   list(indicators))


def warning_list(version, as_of, kind: str, court, district, category, division=None, judge_id=None,
                 transfer_days: int = 5):
    c, d, cat, div, j = _guard(court, district, category, division, judge_id, cases=True)
    rows = _warning_list(version, as_of, kind, c, d, cat, div, j, transfer_days)
    return _hide(rows, "judge_id", "judge_name")


@st.cache_data(max_entries=64, show_spinner=False)
def _warning_list(version, as_of, kind, court, district, category, division, judge_id, transfer_days):
    from metrics.warnings import warning_list as compute_list

    return compute_list(cursor(), _scope(court, district, category, division, judge_id), as_of, kind, transfer_days)


def warning_counts(version, as_of, by: str, court, district, category, division=None, transfer_days: int = 5):
    c, d, cat, div, _ = _guard(court, district, category, division, None, by)
    rows = _warning_counts(version, as_of, by, c, d, cat, div, transfer_days)
    return _hide(rows, "judge_id", "judge_name")


@st.cache_data(max_entries=64, show_spinner=False)
def _warning_counts(version, as_of, by, court, district, category, division, transfer_days):
    from metrics.warnings import warning_counts as compute_counts

    return compute_counts(cursor(), _scope(court, district, category, division), as_of, by, transfer_days)


def moved(version, indicator: str, period: str, cumulative: bool, court, district, category, child: str, division=None):
    c, d, cat, div, _ = _guard(court, district, category, division, None, child)
    out = _moved(version, indicator, period, cumulative, c, d, cat, child, div)
    if child == "judge":  # units are "court|judge_id": no real id leaves the server for a judge
        out = out.assign(judge_id=out["unit"].str.split("|").str[1])
        out = _hide(out).drop(columns=["judge_id", "unit"])
    return out


@st.cache_data(max_entries=64, show_spinner=False)
def _moved(version, indicator: str, period: str, cumulative: bool, court, district, category, child: str, division=None):
    return why_moved(cursor(), indicator, _scope(court, district, category, division), Period.parse(period, cumulative),
                     child=child)


def outlook(version, as_of, court, district, category, level):
    c, d, cat, div, _ = _guard(court, district, category)
    return _outlook(version, as_of, c, d, cat, level, div)


@st.cache_data(max_entries=32, show_spinner=False)
def _outlook(version, as_of, court, district, category, level, division=None):
    return year_end_outlook(cursor(), _scope(court, district, category, division), as_of, level=level)


def drill(version, period: str, cumulative: bool, court, district, category, indicator, part, page, page_size,
          division=None, judge_id=None):
    c, d, cat, div, j = _guard(court, district, category, division, judge_id, cases=True)
    rows, total = _drill(version, period, cumulative, c, d, cat, indicator, part, page, page_size, div, j)
    # a judge's reversal list holds appeal cases handled by other judges: show those anonymously
    return _hide(rows, "judge_id", "judge_name"), total


@st.cache_data(max_entries=64, show_spinner=False)
def _drill(version, period: str, cumulative: bool, court, district, category, indicator, part, page, page_size,
          division=None, judge_id=None):
    return cases_behind(cursor(), Period.parse(period, cumulative),
                        _scope(court, district, category, division, judge_id), indicator, part, page, page_size)


@st.cache_data(max_entries=8, show_spinner=False)
def courts(version):
    return cursor().execute("""
        SELECT court_code::VARCHAR AS court_code, court_name, level, parent_code::VARCHAR AS parent_code
        FROM courts ORDER BY court_code""").df()


@st.cache_data(max_entries=8, show_spinner=False)
def meta(version) -> dict:
    return dict(cursor().execute("SELECT key, value FROM meta").fetchall())


@st.cache_data(max_entries=32, show_spinner=False)
def divisions(version, court: str) -> list[str]:
    rows = cursor().execute("SELECT DISTINCT division FROM cases WHERE court_code = ? ORDER BY 1", [court]).fetchall()
    return [r[0] for r in rows]


@st.cache_data(max_entries=8, show_spinner=False)
def first_year(version) -> int:
    return cursor().execute("SELECT year(min(filed_date)) FROM cases").fetchone()[0]


def version() -> tuple:
    return _version()
