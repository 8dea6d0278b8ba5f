"""审判质效看板 entry point: page config, language, sign-in, the pages each role may open (ui/pages.py)."""
from __future__ import annotations

import os

import streamlit as st

from metrics.evaluation import ConfigError
from security.users import UsersFileError
from ui import damaged, database, pages, url_state
from ui.i18n import lang, speak_for_this_run, t
from ui.plain import md, tm
from ui.session import cookie_exchange, current_user, resume, sign_in_page, sign_out

# A local icon: a Material icon as favicon is fetched from a public font host, and courts run on
# closed intranets (nothing leaves the machine).
ICON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "present", "icon.png")
speak_for_this_run(None)  # until the switch below is drawn, the language is the session's
st.set_page_config(page_title=t("app_title"), page_icon=ICON, layout="wide")

with st.sidebar:
    st.segmented_control("语言 / Language", ["中文", "English"], key="lang", bind="query-params", default="中文",
                         required=True)
speak_for_this_run(lang())

if not database.exists():
    st.title(t("app_title"))
    st.warning(t("no_db"))
    st.stop()

try:
    resume()
    cookie_exchange()
    with damaged.guard():
        user = current_user()
        if user is None:
            pages.sign_in_navigation(sign_in_page).run()
            st.stop()
except UsersFileError:  # started with a users file it cannot read, and no earlier one to keep
    st.title(t("app_title"))  # who may sign in is unknown: nobody does; the why is in the server's log
    st.error(t("users_file_unusable"), icon=":material/no_accounts:")
    st.stop()

with st.sidebar:
    st.caption(md(f"{user.name} · {user.access.rule.name(lang())}"))
    if st.button(t("sign_out"), key="sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()

page = pages.navigation(user.access.role)
url_state.new_run(page.url_path)  # after the browser's Back or Forward, the view of that entry's link
try:
    with damaged.guard():
        if (found := database.damage()) is not None and not pages.without_data(page):
            damaged.notice(found, page.title)  # the admin: what and how to recover; others: unavailable
        else:
            page.run()
except ConfigError as e:  # a configuration file edited by hand with a bad value: its file and key, not a bare error
    st.error(tm("evaluation_file_bad", why=str(e)), icon=":material/error:")
finally:  # also after st.stop(): the link as the run left the view, in one history entry
    url_state.write_link()
