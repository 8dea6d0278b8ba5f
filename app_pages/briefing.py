"""会商报告: the 数据会商 briefing for the chosen scope and period, in the interface language —
preview, .docx and Excel pack."""
from __future__ import annotations

import streamlit as st

from report.briefing import headline_header, headline_rows, outlook_text, short_text, unit_rows, warning_rows
from ui import queries
from ui.export import logged_download
from ui.i18n import lang, t
from ui import plain
from ui.plain import md, tm
from ui.layout import page_context
from ui.session import current_user

f, ctx = page_context("briefing")
L = lang()
with st.spinner(t("building_briefing")):
    briefing = queries.briefing(f, L)
username = current_user().username
name = t("b_file", scope=briefing.scope_name, period=f.period)
with st.container(horizontal=True):
    st.download_button(t("download_docx"), logged_download(username, f"{name}.docx", briefing.filters,
                                                               lambda: queries.briefing_file(f, L, "docx")),
                       file_name=f"{name}.docx", key="dl_docx", on_click="ignore", icon=":material/description:",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(t("download_pack"), logged_download(username, f"{name}.xlsx", briefing.filters,
                                                               lambda: queries.briefing_file(f, L, "xlsx")),
                       file_name=f"{name}.xlsx", key="dl_pack", on_click="ignore", icon=":material/table:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def table(header: list[str], rows: list[list[str]]) -> None:
    plain.table({h: [r[i] for r in rows] for i, h in enumerate(header)})


with st.container(border=True):
    st.header(md(briefing.title))
    st.caption(tm("b_scope_line", scope=briefing.scope_name, period=briefing.period_text, day=briefing.data_date))
    if briefing.dates_note:
        st.caption(md(briefing.dates_note))
    st.subheader(t("b_overall"))
    st.write(md(briefing.summary))
    table(headline_header(briefing), headline_rows(briefing))
    st.subheader(t("b_short"))
    for short in briefing.short:
        st.write(md(short_text(short, L)))
    if not briefing.short:
        st.write(t("b_all_meet"))
    st.subheader(tm("b_units", child=t(f"child_{briefing.child}")))
    table(*unit_rows(briefing))
    st.subheader(t("b_warnings"))
    header, rows = warning_rows(briefing)
    if rows:
        table(header, rows)
    else:
        st.write(t("b_no_warnings"))
    st.subheader(t("b_outlook"))
    for line in outlook_text(briefing.outlook, L) if briefing.outlook else [t("b_no_outlook")]:
        st.write(md(line))
