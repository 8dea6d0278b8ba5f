"""审判质效看板 entry point: page config, language, sign-in, the pages each role may open."""
from __future__ import annotations

import streamlit as st

from ui.database import cursor
from ui.i18n import t
from ui.session import ROLE_NAMES, current_user, sign_in_page, sign_out

st.set_page_config(page_title="审判质效看板", page_icon=":material/balance:", layout="wide")

with st.sidebar:
    st.segmented_control("语言 / Language", ["中文", "English"], key="lang", bind="query-params", default="中文",
                         required=True)

if cursor() is None:
    st.title(t("app_title"))
    st.warning(t("no_db"))
    st.stop()


def page(path: str, key: str, icon: str, url: str | None = None) -> st.Page:
    if url is None:
        return st.Page(path, title=t(key), icon=icon, default=True)
    return st.Page(path, title=t(key), icon=icon, url_path=url)


overview = page("app_pages/overview.py", "page_overview", ":material/dashboard:")
compare = page("app_pages/compare.py", "page_compare", ":material/leaderboard:", "compare")
trends = page("app_pages/trends.py", "page_trends", ":material/trending_up:", "trends")
warnings = page("app_pages/warnings.py", "page_warnings", ":material/alarm:", "warnings")
enforcement = page("app_pages/enforcement.py", "page_enforcement", ":material/gavel:", "enforcement")
source = page("app_pages/source.py", "page_source", ":material/handshake:", "source")
definitions = page("app_pages/definitions.py", "page_definitions", ":material/menu_book:", "definitions")
data_page = page("app_pages/data_overview.py", "page_data", ":material/database:", "data")
import_page = page("app_pages/data_import.py", "page_import", ":material/upload_file:", "import")
audit_page = page("app_pages/audit_log.py", "page_audit", ":material/history:", "audit")
briefing = page("app_pages/briefing.py", "page_briefing", ":material/description:", "briefing")
screen = page("app_pages/screen.py", "page_screen", ":material/tv:", "screen")
my_cases = page("app_pages/my_cases.py", "page_my_cases", ":material/assignment_ind:")

user = current_user()
if user is None:
    # Every page's address shows the sign-in form, so a shared link opens its view right after signing in.
    paths = [p.url_path for p in (compare, trends, warnings, enforcement, source, briefing, screen, definitions,
                                  data_page, import_page, audit_page)]
    sign_in = [st.Page(sign_in_page, title="登录 / Sign in", default=True)]
    sign_in += [st.Page(sign_in_page, title=path, url_path=path) for path in paths]
    st.navigation(sign_in, position="hidden").run()
    st.stop()

role = user.access.role
pages = {
    "admin": [overview, compare, trends, warnings, enforcement, source, briefing, screen, definitions, data_page,
              import_page, audit_page],
    "leader": [overview, compare, trends, warnings, enforcement, source, briefing, screen, definitions],
    "head": [overview, compare, trends, warnings, briefing, definitions],
    "judge": [my_cases, compare, definitions],
}[role]

with st.sidebar:
    st.caption(f"{user.name} · {ROLE_NAMES[role][0 if st.session_state.get('lang') != 'English' else 1]}")
    if st.button(t("sign_out"), key="sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()

st.navigation(pages).run()
