"""The shared filter bar: court (with or without its district), period, category, 涉企 — all in the URL.

Widgets are bound to query parameters, so a copied link opens the same view. A value in the
URL that is not a valid option falls back to the default, and the page says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
import streamlit as st

from metrics.inventory import ScopeDates
from metrics.periods import period_options
from metrics.query import Query
from present import text
from ui import i18n, queries
from ui.i18n import t
from ui.plain import tm
from ui.session import current_access
from ui.url_state import url_toggle, url_widget

CATEGORIES = ["", "民事", "刑事", "行政", "执行"]
KINDS = ["quarter", "month", "year"]


def filter_bar(first_year: int, with_period: bool = True, with_district: bool = True,
               with_case_filters: bool = True) -> tuple[Query, ScopeDates]:
    """The filters as a Query asked by the signed-in user, and how complete the chosen scope's data
    is. The scope's data date is the date all its courts have reached: the periods offered, and
    every figure (as_of), end there. A page whose figures are taken on the data date (节点管控)
    shows no period controls: its Query holds the latest quarter. A page of one court's unit
    (画像) shows no district switch. A page whose figures are of every case of a unit (整改台账)
    shows no category or 涉企 switch: its Query holds every case (a line head's category still)."""
    lookup = queries.court_lookup()
    names = lookup.names
    access = current_access()
    codes = queries.allowed_courts(access)  # only the courts this user may see are offered (and checked again on query)
    top = access.court or lookup.top
    fixed = not access.district_wide
    kind_labels = {"quarter": t("quarter"), "month": t("month"), "year": t("year")}
    with st.container(horizontal=True, vertical_alignment="bottom", key="filter_bar"):
        court = url_widget(st.selectbox, t("court"), codes, "court", top, format_func=lambda c: names.get(c, c),
                           width=260, disabled=len(codes) == 1)
        if fixed or not with_district:
            district = False
            if fixed:
                st.text_input(t("division"), access.division, disabled=True, width=140)
        else:
            district = url_toggle(t("with_district"), "district")
        dates = queries.scope_dates(court, district)  # the periods end where all the scope's courts have data
        data_date = dates.through
        if with_period:
            kind = url_widget(st.segmented_control, t("period_kind"), KINDS, "pk",
                              format_func=kind_labels.get, required=True)
            options = period_options(kind, first_year, data_date)
            period = url_widget(st.selectbox, t("period"), options, "period", width=140)
            # a year is its own 年初累计: no switch that would do nothing
            cumulative = url_toggle(t("cumulative"), "cum") if kind != "year" else True
        else:
            kind, period, cumulative = "quarter", period_options("quarter", first_year, data_date)[0], True
        line = access.category  # a 条线 head sees one category only (checked again on every query)
        if with_case_filters:
            category = url_widget(st.selectbox, t("category"), [line] if line else CATEGORIES, "cat", line, width=140,
                                  format_func=lambda c, now=i18n.lang(): text.category(c, now) if c else text.tr("all", now),
                                  disabled=bool(line))
            enterprise = url_toggle(t("enterprise_only"), "ent", help=t("enterprise_help"))
        else:
            category, enterprise = line, False
    q = Query(viewer=access, period=period, cumulative=cumulative and kind != "year", court=court,
              district=district, category=category or None, enterprise=enterprise, as_of=data_date)
    running = q.period_obj
    if with_period and running.through is not None:
        L = i18n.lang()
        st.caption(tm("period_running", period=running.describe(L), named=replace(running, through=None).describe(L),
                     ago=running.year_ago().describe(L)))
    return q, dates
