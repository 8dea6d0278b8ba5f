"""Cached calls into metrics, keyed by scalar filter values and the database file version."""
from __future__ import annotations

import streamlit as st

from metrics import Period, Scope
from metrics.api import cases_behind, indicator_table
from metrics.engine import compute
from metrics.explain import why_moved
from metrics.outlook import year_end_outlook
from ui.database import cursor, db_path, db_version


def _version() -> tuple:
    return db_version(db_path())


def _scope(court, district, category, division=None, judge_id=None) -> Scope:
    return Scope(court=court, with_subordinates=district, category=category, division=division, judge_id=judge_id)


@st.cache_data(max_entries=256, show_spinner=False)
def table(version, period: str, cumulative: bool, court, district, category, by=None, division=None, judge_id=None):
    return indicator_table(cursor(), Period.parse(period, cumulative), _scope(court, district, category, division, judge_id), by)


@st.cache_data(max_entries=128, show_spinner=False)
def series(version, year: int, by: str, court, district, category, indicators: tuple, division=None):
    return compute(cursor(), Period.parse(str(year)), by, _scope(court, district, category, division), list(indicators))


@st.cache_data(max_entries=64, show_spinner=False)
def moved(version, indicator: str, period: str, cumulative: bool, court, district, category, child: str, division=None):
    return why_moved(cursor(), indicator, _scope(court, district, category, division), Period.parse(period, cumulative),
                     child=child)


@st.cache_data(max_entries=32, show_spinner=False)
def outlook(version, as_of, court, district, category, level):
    return year_end_outlook(cursor(), _scope(court, district, category), as_of, level=level)


@st.cache_data(max_entries=64, show_spinner=False)
def drill(version, period: str, cumulative: bool, court, district, category, indicator, part, page, page_size,
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
