"""What every page shows at the top: title, filter bar, data date (数据截至), demo notice."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from ui import queries
from ui.filters import Filters, filter_bar
from ui.i18n import t


def page_header(title: str) -> dict:
    meta = queries.meta(queries.version())
    st.title(title)
    note = f"{t('data_date')} {meta.get('data_date', '—')}"
    if meta.get("kind") == "demo":
        note += f" · {t('demo_note')}"
    st.caption(note)
    return meta


def page_context(title: str) -> tuple[Filters, dict]:
    """Header and filter bar; returns the filters and names for the text."""
    meta = page_header(title)
    version = queries.version()
    data_date = dt.date.fromisoformat(meta.get("data_date") or dt.date.today().isoformat())
    f = filter_bar(data_date, first_year=queries.first_year(version))
    courts = queries.courts(version).set_index("court_code")
    name = courts.loc[f.court, "court_name"] if f.court in courts.index else f.court
    if f.district and (courts["parent_code"] == f.court).any():
        name += "辖区" if st.session_state.get("lang") != "English" else " and its district"
    from ui.session import current_access

    access = current_access()
    if access is not None and access.role in ("head", "judge"):  # their figures are the division's
        name += access.division
    return f, {"scope_name": name, "data_date": data_date, "level": courts.loc[f.court, "level"]}
