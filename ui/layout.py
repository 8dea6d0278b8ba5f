"""What every page shows at the top: title, data date (数据截至), demo notice."""
from __future__ import annotations

import streamlit as st

from ui.i18n import t


def page_header(con, title: str) -> dict:
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    st.title(title)
    note = f"{t('data_date')} {meta.get('data_date', '—')}"
    if meta.get("kind") == "demo":
        note += f" · {t('demo_note')}"
    st.caption(note)
    return meta
