"""What every page shows at the top: title, filter bar, data date (数据截至), demo notice."""
from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from ui import drill_path, pages, queries, style
from ui.database import db_path
from metrics.query import Query
from ui.filters import filter_bar
from ui.i18n import category, t
from ui.plain import md, tm
from ui.session import current_access


def page_header(key: str) -> dict:
    """The page `key` of the page table: stops a user whose role may not open it, else draws the title."""
    pages.require(key)
    style.apply(key)
    meta = queries.meta()
    st.title(t(f"page_{key}"))
    note = f"{t('data_date')} {meta.get('data_date', '—')}"
    if meta.get("kind") == "demo":
        note += f" · {t('demo_note')}"
    elif meta.get("built_at"):  # when data last arrived, and from which file
        note += f" · {t('last_import', at=meta['built_at'].replace('T', ' ')[:16], source=meta.get('source', ''))}"
    st.caption(md(note))
    if "data_date_stored" in meta:
        st.warning(tm("data_date_odd", stored=meta["data_date_stored"], used=meta["data_date"]), icon=":material/event_busy:")
    if not queries.facts_current():
        st.warning(tm("facts_stale", command=f"python -m data refresh --db {os.path.relpath(db_path())}"),
                   icon=":material/update:")
    return meta


def page_context(key: str, with_period: bool = True, with_district: bool = True) -> tuple[Query, dict]:
    """Header and filter bar; returns the filters and names for the text. with_period=False: a
    page taken on the data date, without period controls (nor a period in its exports);
    with_district=False: a page of one court's unit, without the district switch."""
    meta = page_header(key)
    data_date = dt.date.fromisoformat(meta.get("data_date") or dt.date.today().isoformat())
    f = filter_bar(data_date, first_year=queries.first_year(), with_period=with_period, with_district=with_district)
    drill_path.breadcrumb(key, f.court, f.district)  # a scope a drill-down narrowed says so, with the way back
    courts = queries.courts().set_index("court_code")
    name = courts.loc[f.court, "court_name"] if f.court in courts.index else f.court
    if f.district and (courts["parent_code"] == f.court).any():
        name += t("district_suffix")
    access = current_access()
    if access is not None and access.fixed_division:  # their figures are the division's
        name += access.fixed_division
    if access is not None and access.category:  # a 条线 head's figures are their line's
        name += t("line_suffix", category=category(access.category))
    return f, {"scope_name": name, "data_date": data_date, "level": courts.loc[f.court, "level"],
               "with_period": with_period}
