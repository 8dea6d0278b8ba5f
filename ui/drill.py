"""The cases behind a figure: paged, exportable."""
from __future__ import annotations

import streamlit as st

from ui import queries
from ui.export import download_xlsx
from ui.i18n import lang

PAGE_SIZE = 50
LABELS = {"case_no": "案号", "court_name": "法院", "division": "承办部门", "judge_name": "承办人", "case_type": "类型",
          "procedure": "程序", "filed_date": "立案日期", "closed_date": "结案日期", "closing_method": "结案方式",
          "days": "天数", "days_left": "剩余审限天数", "status": "状态", "court_code": "法院代码", "judge_id": "工号",
          "days_on_hand": "已用天数", "extended_days": "延长天数", "deducted_days": "扣除天数",
          "appeal_waiting": "上诉待移送天数"}


def case_list(q, ctx, indicator: str) -> None:
    """The cases the indicator drills to (its declaration says which) for the scope of q."""
    key = f"drill_{q.court}_{q.division}_{q.judge_id}_{indicator}"
    page = st.session_state.get(key + "_page", 0)
    rows, total = queries.drill(q, indicator, None, page, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    L = lang()
    st.caption(f"共 {total:,} 件，第 {page + 1}/{pages} 页" if L == "zh" else f"{total:,} cases, page {page + 1} of {pages}")
    shown = rows[[c for c in LABELS if c in rows.columns]]
    st.dataframe(shown.rename(columns=LABELS) if L == "zh" else shown, hide_index=True, alt="cases")
    with st.container(horizontal=True):
        if st.button("上一页" if L == "zh" else "Previous", disabled=page == 0, key=key + "_prev"):
            st.session_state[key + "_page"] = page - 1
            st.rerun()
        if st.button("下一页" if L == "zh" else "Next", disabled=page + 1 >= pages, key=key + "_next"):
            st.session_state[key + "_page"] = page + 1
            st.rerun()
        download_xlsx(shown, "cases", q, ctx, key=key + "_xlsx")
