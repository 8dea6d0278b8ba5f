"""订阅: each user's own subscriptions (the kinds their role may have, by mail or a group bot),
their deadline calendar's secret link; for the office, anyone's subscriptions, set for a user or
a group at once, and every delivery that failed or may have gone out, to send again. Who may
change what is checked again on the server (delivery/subscriptions.py)."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from delivery import log, subscriptions
from delivery.kinds import KINDS
from security.users import load_users
from ui.calendar_panel import calendar_panel
from ui.i18n import lang, t
from ui.layout import page_header
from ui.plain import tm
from ui.session import current_user
from ui.tables import show

page_header("subscriptions")
L = lang()
me = current_user()
users = load_users().users
office = me.access.rule.manages_data
CHANNELS = ("email", "webhook")  # the outbox is the server's choice (deliver --outbox), not a user's
FLASH = "_sub_flash"  # what the last change did, said after the page is drawn again with it
if said := st.session_state.pop(FLASH, None):  # (text key, its values)
    st.success(tm(said[0], **said[1]), icon=":material/check:")


def _add_form(key: str, usernames: list[str]) -> None:
    """The kinds every chosen user's role may have; a user or a group at once."""
    roles = {users[u].access.rule for u in usernames if u in users}
    kinds = [k for k in KINDS.values() if roles and all(k.allowed(r) for r in roles)]
    if not kinds:
        st.info(t("sub_no_kinds"))
        return
    with st.form(key, border=True, clear_on_submit=True):
        kind = st.selectbox(t("sub_kind"), [k.id for k in kinds], format_func=lambda k: KINDS[k].name(L))
        if office:  # a user's own go to their account's address (checked again on the server)
            channel = st.segmented_control(t("sub_channel"), CHANNELS, default="email", required=True,
                                           format_func=lambda c: t(f"sub_channel_{c}"))
            address = st.text_input(t("sub_address"), help=t("sub_address_help"))
        else:
            channel, address = "email", ""
            st.caption(tm("sub_to_account", address=me.email or "—"))
        language = st.segmented_control(t("sub_lang"), ("zh", "en"), default=L, required=True,
                                        format_func=lambda x: t(f"lang_{x}"))
        if st.form_submit_button(t("sub_add"), icon=":material/add_alert:"):
            made = []
            for name in usernames:
                try:
                    subscriptions.add(users.get(name), name, kind, channel, address, language, me.username, actor=me)
                    made.append(name)
                except subscriptions.SubscriptionError as e:
                    st.error(tm(e.key, **e.values))
            if made:
                st.session_state[FLASH] = ("sub_added", {"n": len(made), "kind": KINDS[kind].name(L)})
                st.rerun()


def _table(found: list) -> None:
    if not found:
        st.caption(t("sub_none"))
        return
    frame = pd.DataFrame([{t("sub_col_id"): s.id, t("sub_col_user"): users[s.username].name if s.username in users
                           else s.username, t("sub_kind"): KINDS[s.kind].name(L) if s.kind in KINDS else s.kind,
                           t("sub_channel"): t(f"sub_channel_{s.channel}"), t("sub_address"): subscriptions.shown_address(s.address) or (
                               users[s.username].email if s.username in users else "") or "—",
                           t("sub_lang"): t(f"lang_{s.lang}")} for s in found])
    show(frame, alt="subscriptions")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        ending = st.selectbox(t("sub_end_which"), [s.id for s in found], key="sub_end_id", width=200,
                              format_func=lambda i: f"#{i}")
        if st.button(t("sub_end"), icon=":material/notifications_off:"):
            try:
                subscriptions.end(ending, me.username, actor=me)
                st.session_state[FLASH] = ("sub_ended", {"id": ending})
                st.rerun()
            except subscriptions.SubscriptionError as e:
                st.error(tm(e.key, **e.values))


st.subheader(t("sub_mine"))
_table(subscriptions.active(me.username))
_add_form("sub_form_mine", [me.username])


def _base_url() -> str:
    """Where this server is reached from outside (SPZX_PUBLIC_ORIGIN behind a proxy), else as asked."""
    if public := os.environ.get("SPZX_PUBLIC_ORIGIN"):
        return public
    asked = urlsplit(st.context.url or "")
    return f"{asked.scheme}://{asked.netloc}"


calendar_panel(me.username, _base_url())

if office:
    st.subheader(t("sub_office"))
    _table([s for s in subscriptions.active() if s.username != me.username])
    chosen = st.multiselect(t("sub_for_users"), sorted(users), format_func=lambda u: f"{users[u].name} ({u})",
                            key="sub_group")
    if chosen:
        _add_form("sub_form_group", chosen)
    st.subheader(t("sub_problems"))
    problems = log.entries(("failed", "uncertain"))
    if not problems:
        st.caption(t("sub_no_problems"))
    else:
        show(pd.DataFrame([{t("sub_col_key"): e.key, t("sub_col_status"): t(f"sub_status_{e.status}"),
                            t("sub_col_attempts"): e.attempts, t("sub_col_next"): e.next_try or "—",
                            t("sub_col_error"): e.error.splitlines()[0] if e.error else ""} for e in problems]),
             alt="delivery problems")
        with st.container(horizontal=True, vertical_alignment="bottom"):
            again = st.selectbox(t("sub_col_key"), [e.key for e in problems], key="sub_resend_key", width=320)
            if st.button(t("sub_resend"), icon=":material/send:"):
                log.resend(again, me.username)
                st.session_state[FLASH] = ("sub_resend_done", {})
                st.rerun()
