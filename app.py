"""审判质效看板 entry point: page config, language, data date, navigation."""
from __future__ import annotations

import streamlit as st

from ui.database import cursor
from ui.i18n import t

st.set_page_config(page_title="审判质效看板", page_icon=":material/balance:", layout="wide")

with st.sidebar:
    st.segmented_control("语言 / Language", ["中文", "English"], key="lang", bind="query-params", default="中文",
                         required=True)

if cursor() is None:
    st.title(t("app_title"))
    st.warning(t("no_db"))
    st.stop()

pages = [
    st.Page("app_pages/overview.py", title=t("page_overview"), icon=":material/dashboard:", default=True),
    st.Page("app_pages/compare.py", title=t("page_compare"), icon=":material/leaderboard:", url_path="compare"),
    st.Page("app_pages/trends.py", title=t("page_trends"), icon=":material/trending_up:", url_path="trends"),
    st.Page("app_pages/definitions.py", title=t("page_definitions"), icon=":material/menu_book:", url_path="definitions"),
    st.Page("app_pages/data_overview.py", title=t("page_data"), icon=":material/database:", url_path="data"),
]
st.navigation(pages).run()
