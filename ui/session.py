"""Who is signed in. The user lives in the server-side session; the pages it may open and the
data it may read follow from it (metrics.access), never from what the browser sends."""
from __future__ import annotations

import os

import streamlit as st

from metrics.access import Access
from security import audit, sessions
from security.users import SignInError, User, add_admin, load_users, setup_code, sign_in, sign_in_demo
from ui import database, queries, url_state
from ui.i18n import lang, t
from ui.per_run import per_run
from ui.plain import md, tm



def _data_is_demo() -> bool:
    """A file that cannot be read is not known to be the demo: its passwordless accounts stay shut."""
    return database.damage() is None and queries.meta().get("kind") == "demo"


def current_user() -> User | None:
    """The signed-in user, re-read from the configuration on every run (a removed user or a
    switched-off demo mode ends the session at once)."""
    username = st.session_state.get("_user")
    if not username:
        return None
    return _checked_user(username, st.session_state.get("_session_id"))


@per_run  # a page asks a dozen times a run: checked once (signing out in this run pops _user first)
def _checked_user(username: str, session_id: str | None) -> User | None:
    if session_id and sessions.revoked(session_id):  # signed out in another tab or window
        st.session_state.pop("_user", None)
        return None
    config = load_users()
    user = config.users.get(username)
    if user is None or (user.demo and not (config.demo_mode and _data_is_demo())):
        return None
    return user


def users_notice(user: User | None) -> None:
    """A users file this server could not read (the last good configuration stays in use): an
    admin sees which file and why on every page; the sign-in page says only that it happened."""
    problem = load_users().problem
    if not problem:
        return
    if user is None:
        st.warning(t("users_file_kept"), icon=":material/manage_accounts:")
    elif user.access.rule.manages_data:
        st.warning(tm("users_file_unreadable", why=problem), icon=":material/manage_accounts:")


def current_access() -> Access | None:
    user = current_user()
    return user.access if user else None


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _finish(user: User) -> None:
    st.session_state["_user"] = user.username
    ticket, session_id = sessions.issue_ticket(user.username)
    st.session_state.update(_ticket=ticket, _session_id=session_id)  # cookie_exchange() sends it
    st.rerun()


def resume() -> None:
    """A new browser session of a signed-in user (a reload, a dropped connection): signed in again
    by a trusted proxy's header (SPZX_TRUSTED_USER_HEADER, for single sign-on in front of the
    server) or by the session cookie. Never after the user signed out in this session."""
    if st.session_state.get("_user") or st.session_state.get("_signed_out"):
        return
    header = os.environ.get("SPZX_TRUSTED_USER_HEADER")
    if header:
        username = st.context.headers.get(header)
        if username and username in load_users().users:
            st.session_state["_user"] = username
            audit.record(username, "sign_in", f"proxy header {header}")
        return
    found = sessions.read(st.context.cookies.get(sessions.COOKIE))
    if found:
        st.session_state.update(_user=found[0], _session_id=found[1])


def cookie_exchange() -> None:
    """Once after a sign-in, the page trades its ticket for the HttpOnly session cookie; once after
    a sign-out it drops the cookie (revoked on the server already)."""
    ticket = st.session_state.pop("_ticket", None)
    if ticket:
        st.html(f"<script>fetch('/session/start?ticket={ticket}', {{method: 'POST', credentials: 'same-origin'}})"
                "</script>", unsafe_allow_javascript=True, width="content")
    if st.session_state.pop("_drop_cookie", False):
        st.html("<script>fetch('/session/end', {method: 'POST', credentials: 'same-origin'})</script>",
                unsafe_allow_javascript=True, width="content")


def sign_in_page() -> None:
    """The sign-in form (OIDC when configured, else local accounts), and the demo users in demo mode."""
    config = load_users()
    st.title(t("app_title"))
    users_notice(None)
    if database.damage() is not None:  # said to whoever comes; what and how only to the admin, signed in
        st.warning(t("db_unavailable"), icon=":material/cloud_off:")
    if _oidc_configured():
        if st.user.is_logged_in:
            verified = st.user.get("email_verified", True) is not False
            user = config.by_email(st.user.email) if verified else None
            if user is None:
                audit.record(st.user.email or "?", "sign_in_failed", "oidc user not in users.toml")
                st.error(t("no_access"))
                st.button(t("sign_out"), on_click=st.logout)
                return
            audit.record(user.username, "sign_in", "oidc")
            _finish(user)
        st.button(t("sso_sign_in"), on_click=st.login, type="primary")
    else:
        with st.form("sign_in", border=True):
            username = st.text_input(t("user_name"), key="si_user")
            password = st.text_input(t("password"), type="password", key="si_pass")
            submitted = st.form_submit_button(t("sign_in"), type="primary")
        if submitted:
            try:
                _finish(sign_in(config, username, password))
            except SignInError as e:
                st.error(tm(e.key, **e.values))
    demo = config.demo_users() if _data_is_demo() else []
    if config.demo_mode and not demo and database.damage() is None:  # the demo replaced by real data: why no buttons
        st.info(t("demo_ended"), icon=":material/info:")
    if demo:
        st.subheader(t("demo_users"))
        st.caption(t("demo_mode"))
        for u in demo:
            role = u.access.rule.name(lang())
            if st.button(md(f"{u.name} · {role}"), key=f"demo_{u.username}"):
                _finish(sign_in_demo(config, u.username, _data_is_demo()))


def first_admin_form(current: User) -> None:
    """For a demo admin leaving the demo when no real admin exists: make the first admin account
    (Argon2, in the server's accounts file) with the setup code only the server's operator can
    read, and carry on signed in with it, so the import that ends the demo leaves nobody outside.
    The demo session is revoked."""
    where = setup_code()
    with st.form("first_admin", border=True):
        st.subheader(t("first_admin"))
        st.caption(tm("first_admin_help", path=where))
        code = st.text_input(t("setup_code"), key="fa_code", max_chars=32)
        username = st.text_input(t("user_name"), key="fa_user", max_chars=32)
        name = st.text_input(t("display_name"), key="fa_name", max_chars=64)
        password = st.text_input(t("password"), type="password", key="fa_pass")
        again = st.text_input(t("password_again"), type="password", key="fa_again")
        submitted = st.form_submit_button(t("first_admin_do"), type="primary")
    if not submitted:
        return
    try:
        user = add_admin(username, name, password, again, code, by=current.username)
    except SignInError as e:
        st.error(tm(e.key, **e.values))
        return
    session_id = st.session_state.pop("_session_id", None)
    if session_id:
        sessions.revoke(session_id)
    audit.record(user.username, "sign_in", "first admin")
    st.session_state["_first_admin"] = user.username
    _finish(user)


def sign_out() -> None:
    user = st.session_state.pop("_user", None)
    session_id = st.session_state.pop("_session_id", None)
    if session_id:
        sessions.revoke(session_id)
    st.session_state.update(_signed_out=True, _drop_cookie=True)
    url_state.forget()
    if user:
        audit.record(user, "sign_out")
    if _oidc_configured():  # otherwise the identity provider's session signs the user straight back in
        st.logout()
