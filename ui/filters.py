"""The shared filter bar: court (with or without its district), period, category — all in the URL.

Widgets are bound to query parameters, so a copied link opens the same view. A value in the
URL that is not a valid option falls back to the default, and the page says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from metrics import Period, Scope
from ui import i18n, queries
from ui.i18n import t

CATEGORIES = ["", "民事", "刑事", "行政", "执行"]
KINDS = ["quarter", "month", "year"]


@dataclass(frozen=True)
class Filters:
    court: str
    district: bool
    period: str
    cumulative: bool
    category: str | None

    @property
    def scope(self) -> Scope:
        return Scope(court=self.court, with_subordinates=self.district, category=self.category)

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period, self.cumulative)

    def args(self) -> tuple:
        """Positional arguments of the cached queries."""
        return (self.period, self.cumulative, self.court, self.district, self.category)


def period_options(kind: str, first_year: int, data_date: dt.date) -> list[str]:
    """Periods of a kind that have ended by the data date, newest first (the current one included)."""
    out = []
    for year in range(data_date.year, first_year - 1, -1):
        if kind == "year":
            out.append(str(year))
        elif kind == "quarter":
            out += [f"{year}Q{q}" for q in range(4, 0, -1) if dt.date(year, 3 * q - 2, 1) <= data_date]
        else:
            out += [f"{year}-{m:02d}" for m in range(12, 0, -1) if dt.date(year, m, 1) <= data_date]
    return out


def _fallback_notice(key: str, options: list) -> None:
    raw = st.query_params.get(key)
    if raw is not None and raw not in [str(o) for o in options]:
        st.toast(f"{t('bad_url_value')}: {key}={raw}", icon=":material/info:")
        st.session_state.setdefault("_bad_params", []).append(key)


def filter_bar(data_date: dt.date, first_year: int) -> Filters:
    version = queries.version()
    courts = queries.courts(version)
    names = dict(zip(courts["court_code"], courts["court_name"]))
    top = courts[courts["parent_code"].isna()]["court_code"].iloc[0]
    codes = list(courts["court_code"])
    _fallback_notice("court", codes)
    kind_labels = {"quarter": t("quarter"), "month": t("month"), "year": t("year")}
    _fallback_notice("pk", KINDS)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        court = st.selectbox(t("court"), codes, key="court", bind="query-params", index=codes.index(top),
                             format_func=lambda c: f"{names.get(c, c)}", width=260)
        district = st.toggle(t("with_district"), key="district", bind="query-params", value=True)
        kind = st.segmented_control(t("period_kind"), KINDS, key="pk", bind="query-params", default="quarter",
                                    format_func=kind_labels.get, required=True)
        options = period_options(kind or "quarter", first_year, data_date)
        _fallback_notice("period", options)
        period = st.selectbox(t("period"), options, key="period", bind="query-params", index=0, width=140)
        cumulative = st.toggle(t("cumulative"), key="cum", bind="query-params", value=True)
        _fallback_notice("cat", CATEGORIES)
        category = st.selectbox(t("category"), CATEGORIES, key="cat", bind="query-params", index=0, width=140,
                                format_func=lambda c: i18n.category(c) if c else t("all"))
    return Filters(court, bool(district), period, bool(cumulative) and kind != "year", category or None)
