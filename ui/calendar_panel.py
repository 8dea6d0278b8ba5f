"""The calendar of time limits on a page: whether the user's calendar link is active, a new link
(shown once: only its hash is kept), and its revocation. The link's secret is never kept in the
session: a rerun of the page no longer shows it."""
from __future__ import annotations

import streamlit as st

from delivery import calendar, tokens
from security.users import load_users

from .i18n import t
from .plain import tm
from .session import current_user


def calendar_url(base_url: str, token: str) -> str:
    """The subscription URL, in the interface's language (the feed's events are written in it)."""
    return f"{base_url.rstrip('/')}/calendar/{token}.ics{t('calendar_url_lang')}"


def calendar_panel(username: str, base_url: str) -> None:
    st.subheader(t("calendar_title"))
    user = load_users().users.get(username)
    if user is None:
        return
    if calendar.refusal(user):
        st.info(t("calendar_refused"), icon=":material/event_busy:")
        return
    st.caption(t("calendar_explain"))
    me = current_user()
    by = me.username if me else username
    made, ended = st.columns(2)
    new = made.button(t("calendar_new"), help=t("calendar_new_help"), key=f"calendar_new_{username}")
    revoke = ended.button(t("calendar_revoke"), key=f"calendar_revoke_{username}", disabled=not tokens.active(username))
    if new:
        token = tokens.issue(username, by)
        st.success(t("calendar_shown_once"), icon=":material/key:")
        st.code(calendar_url(base_url, token), language=None)
    elif revoke:
        if tokens.revoke(username, by):
            st.success(t("calendar_revoked"), icon=":material/link_off:")
    at = tokens.issued_at(username)
    if at:
        st.info(tm("calendar_active", at=at.replace("T", " ")), icon=":material/event_available:")
    else:
        st.info(t("calendar_inactive"), icon=":material/event_note:")
