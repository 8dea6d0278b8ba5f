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
from ui.database import cursor
from ui.session import current_access
from ui.url_state import url_toggle, url_widget

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


def filter_bar(data_date: dt.date, first_year: int) -> Filters:
    version = queries.version()
    courts = queries.courts(version)
    names = dict(zip(courts["court_code"], courts["court_name"]))
    access = current_access()
    codes = access.courts(cursor())  # only the courts this user may see are offered (and checked again on query)
    top = access.court or courts[courts["parent_code"].isna()]["court_code"].iloc[0]
    fixed = access.role in ("head", "judge")
    kind_labels = {"quarter": t("quarter"), "month": t("month"), "year": t("year")}
    with st.container(horizontal=True, vertical_alignment="bottom"):
        court = url_widget(st.selectbox, t("court"), codes, "court", top, format_func=lambda c: names.get(c, c),
                           width=260, disabled=len(codes) == 1)
        if fixed:
            district = False
            st.text_input(t("division"), access.division, disabled=True, width=140)
        else:
            district = url_toggle(t("with_district"), "district", True)
        kind = url_widget(st.segmented_control, t("period_kind"), KINDS, "pk", "quarter",
                          format_func=kind_labels.get, required=True)
        options = period_options(kind, first_year, data_date)
        period = url_widget(st.selectbox, t("period"), options, "period", options[0], width=140)
        cumulative = url_toggle(t("cumulative"), "cum", True)
        category = url_widget(st.selectbox, t("category"), CATEGORIES, "cat", "", width=140,
                              format_func=lambda c: i18n.category(c) if c else t("all"))
    return Filters(court, district, period, cumulative and kind != "year", category or None)
