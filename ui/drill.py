"""The cases behind a figure: paged, exportable."""
from __future__ import annotations

import streamlit as st

from ui import queries
from ui.export import download_xlsx
from ui.i18n import columns, t

PAGE_SIZE = 50
COLUMNS = ["case_no", "court_name", "division", "judge_name", "case_type", "procedure", "filed_date", "closed_date",
           "closing_method", "days", "days_left", "status", "court_code", "judge_id", "extended_days", "deducted_days"]


def case_list(q, ctx, indicator: str) -> None:
    """The cases the indicator drills to (its declaration says which) for the scope of q."""
    key = f"drill_{q.court}_{q.division}_{q.judge_id}_{indicator}"
    page = st.session_state.get(key + "_page", 0)
    rows, total = queries.drill(q, indicator, None, page, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    st.caption(t("cases_page", total=total, page=page + 1, pages=pages))
    shown = rows[[c for c in COLUMNS if c in rows.columns]]
    shown = columns(shown.assign(status=shown["status"].map(lambda s: t(f"status_{s}"))))
    st.dataframe(shown, hide_index=True, alt="cases")
    with st.container(horizontal=True):
        if st.button(t("previous"), disabled=page == 0, key=key + "_prev"):
            st.session_state[key + "_page"] = page - 1
            st.rerun()
        if st.button(t("next"), disabled=page + 1 >= pages, key=key + "_next"):
            st.session_state[key + "_page"] = page + 1
            st.rerun()
        download_xlsx(shown, "cases", q, ctx, key=key + "_xlsx")
