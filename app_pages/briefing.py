"""会商报告: the 数据会商 briefing for the chosen scope and period, in the interface language —
preview, .docx and Excel pack."""
from __future__ import annotations

import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from report.briefing import (SECTIONS, UNIT_CHART, assessment_line, assessment_rows, headline_header, headline_rows,
                             management_lines, management_rows, note_lines, other_notes, outlook_text, section_title,
                             short_text, unit_rows, visits_rows, warning_rows)
from report import followup_section, visits_section
from report.charts import flow_chart, unit_chart
from ui import followup_form, meeting_issue, queries, vega
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
    st.download_button(t("download_pdf"), logged_download(username, f"{name}.pdf", briefing.filters,
                                                              lambda: queries.briefing_file(f, L, "pdf")),
                       file_name=f"{name}.pdf", key="dl_pdf", on_click="ignore", icon=":material/picture_as_pdf:",
                       mime="application/pdf")
    st.download_button(t("download_pack"), logged_download(username, f"{name}.xlsx", briefing.filters,
                                                               lambda: queries.briefing_file(f, L, "xlsx")),
                       file_name=f"{name}.xlsx", key="dl_pack", on_click="ignore", icon=":material/table:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


meeting_issue.issue_form(f, briefing)
meeting_issue.issued(f, briefing)


def table(header: list[str], rows: list[list[str]]) -> None:
    plain.table({h: [r[i] for r in rows] for i, h in enumerate(header)})


def followup(b) -> None:
    st.write(md(followup_section.intro(b.followup, L)))
    if b.followup.rows:
        table(followup_section.column_names(L), followup_section.table_rows(b.followup.rows))


def overall(b) -> None:
    st.write(md(b.summary))
    table(headline_header(b), headline_rows(b))
    if len(b.flow):
        st.write(t("b_flow"))
        names = {i: BY_ID[i].name(L) for i in in_view(View.FLOW)}
        year = f.period_obj.year
        vega.draw(flow_chart(b.flow, names, t("cases_unit").strip(), L, title=t("b_chart_flow", year=year)),
                  alt=t("b_chart_flow", year=year))


def shortfalls(b) -> None:
    for short in b.short:
        st.write(md(short_text(short, L)))
        for line in note_lines(b, short.indicator):
            st.caption(md(line))
    if not b.short:
        st.write(t("b_all_meet"))
    followup_form.shortfall_buttons([s.indicator for s in b.short], "briefing", court=f.court, district=f.district)
    if other_notes(b):
        st.write(t("b_fu_other_notes"))
        for line in other_notes(b):
            st.caption(md(line))


def units(b) -> None:
    table(*unit_rows(b))
    if len(b.teams):  # the trial teams of the court or division
        st.write(t("b_teams"))
        table(*unit_rows(b, teams=True))
        st.caption(t("teams_blank_left_out"))
    one = b.units[b.units.indicator == UNIT_CHART].dropna(subset=["value"])
    if len(one):
        title = t("b_chart_units", name=BY_ID[UNIT_CHART].name(L), period=b.period_text)
        vega.draw(unit_chart(one, BY_ID[UNIT_CHART], title, t(f"child_{b.child}"), L), alt=title)


def warnings(b) -> None:
    header, rows = warning_rows(b)
    if rows:
        st.write(tm("b_warnings_intro", day=b.data_date.isoformat(), child=t(f"child_{b.child}")))
        table(header, rows)
    else:
        st.write(t("b_no_warnings"))


def outlook(b) -> None:
    for line in outlook_text(b.outlook, L) if b.outlook else [t("b_no_outlook")]:
        st.write(md(line))


def assessment(b) -> None:
    if len(b.assessed) and b.assessed["composite"].notna().any():
        st.write(md(assessment_line(b)))
        table(*assessment_rows(b))
    else:
        st.write(t("b_no_assessment"))


def management(b) -> None:
    table(headline_header(b), management_rows(b))
    for line in management_lines(b):
        st.write(md(line))


def visits(b) -> None:
    text = visits_section.lines(b.visits, L)
    st.write(md(text[0]))
    if b.visits.listed:
        table(headline_header(b), visits_rows(b))
        st.write(md(text[1]))
        if len(b.visits.far):
            table(visits_section.far_header(L, b.child), visits_section.far_rows(b.visits, L))


# Each section of the Word file (report.briefing.SECTIONS) and how the page draws it.
DRAW = {"followup": followup, "overall": overall, "short": shortfalls, "units": units, "warnings": warnings, "outlook": outlook,
        "assessment": assessment, "management": management, "visits": visits}

with st.container(border=True):
    st.header(md(briefing.title))
    st.caption(tm("b_scope_line", scope=briefing.scope_name, period=briefing.period_text, day=briefing.data_date))
    if briefing.dates_note:  # the scope's courts reach different dates: the date used, and who is ahead
        st.caption(md(briefing.dates_note))
    if briefing.demo:
        st.caption(t("b_demo"))
    for section in SECTIONS:
        st.subheader(md(section_title(briefing, section)))
        DRAW[section](briefing)
