"""On the 会商报告 page: issuing the briefing for a meeting (the office and leaders), and the
briefings issued for the scope's meetings — their Word file as issued, and their headline
figures beside the current briefing's."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from followup.text import MAX_MINUTES
from metrics.access import AccessDenied
from metrics.query import Query
from report import frozen
from ui import plain, queries
from ui.export import logged_download
from ui.i18n import t
from ui.plain import md, tm
from ui.session import current_access, current_user


def issue_form(f: Query, briefing) -> None:
    """The form, for a role that sets the meetings' actions; the check is also made server-side
    (queries.issue_meeting with the signed-in user's access)."""
    access = current_access()
    if access is None or not access.rule.sets_actions:
        return
    tried = bool(st.session_state.get("meeting_issue_send"))  # open after a try, to show what became of it
    with st.expander(t("meeting_issue"), icon=":material/gavel:", expanded=tried):
        st.caption(tm("meeting_issue_help", scope=briefing.scope_name, period=briefing.period_text))
        with st.form("meeting_issue", clear_on_submit=False):
            name = st.text_input(t("meeting_name"), placeholder=t("meeting_name_hint"), max_chars=100)
            held = st.date_input(t("meeting_held"), value=dt.date.today())
            minutes = st.text_area(t("meeting_minutes"), max_chars=MAX_MINUTES)
            sent = st.form_submit_button(t("meeting_issue_button"), icon=":material/send:", key="meeting_issue_send")
        if sent:
            try:
                queries.issue_meeting(f, briefing, name, held, minutes, current_user().username)
            except (ValueError, AccessDenied) as e:  # ActionError, TextError: the message says why
                st.error(md(str(e)))
            else:
                st.success(tm("meeting_issued", name=name.strip()))


def issued(f: Query, current) -> None:
    """The scope's meetings whose briefing was issued: one chosen, its file and what changed since."""
    found = queries.issued_meetings(f)
    if not found:
        return
    with st.container(border=True):
        st.subheader(t("meeting_issued_title"))
        names = [m.name for m in found]
        chosen = st.selectbox(t("meeting_choose"), names, key="meeting_choice")
        m = found[names.index(chosen)]
        st.caption(tm("meeting_line", held=m.held.isoformat(), period=m.period, day=m.data_date.isoformat(),
                      by=m.created_by))
        for line in m.minutes.splitlines():
            if line.strip():
                st.write(md(line))
        kept = frozen.loads(m.briefing)
        file_name = f"{t('b_file', scope=kept.scope_name, period=m.period)}_{m.name}.docx"
        st.download_button(t("meeting_download"), logged_download(current_user().username, file_name, kept.filters,
                                                                 lambda: queries.frozen_file(m.briefing, "docx")),
                           file_name=file_name, key="dl_issued", on_click="ignore", icon=":material/description:",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        st.caption(tm("meeting_changes", day=kept.data_date.isoformat(), now=current.data_date.isoformat()))
        header, rows = frozen.headline_changes(kept, current)
        plain.table({h: [r[i] for r in rows] for i, h in enumerate(header)})
