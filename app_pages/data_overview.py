"""数据概况: what the database holds — courts, cases by year and type, dates."""
from __future__ import annotations

import altair as alt
import streamlit as st

from ui import i18n
from ui.database import cursor
from ui.i18n import t
from ui.layout import page_header

from ui.session import current_access

access = current_access()
if access is None or access.role != "admin":  # counts for every court: the admin's page only
    st.error("无权访问 / not allowed")
    st.stop()
con = cursor()
page_header(t("page_data"))

summary = con.execute("""
    SELECT (SELECT count(*) FROM courts), count(*), count(DISTINCT court_code::VARCHAR || judge_id),
           min(filed_date), max(filed_date), count(*) FILTER (WHERE closed_date IS NULL)
    FROM cases""").fetchone()
cols = st.columns(4)
cols[0].metric(t("courts"), f"{summary[0]:,}")
cols[1].metric(t("cases"), f"{summary[1]:,}")
cols[2].metric(t("judges"), f"{summary[2]:,}")
cols[3].metric(t("pending"), f"{summary[5]:,}")
st.caption(f"{t('date_range')}: {summary[3]} — {summary[4]}")

by_year = con.execute("""
    SELECT year(filed_date) AS year, category::VARCHAR AS category, count(*) AS n
    FROM cases GROUP BY ALL ORDER BY ALL""").df()
by_year["category"] = by_year["category"].map(i18n.category)
left, right = st.columns(2)
with left:
    st.subheader(t("cases_by_year"))
    chart = alt.Chart(by_year).mark_bar().encode(
        x=alt.X("year:O", title=t("year")),
        y=alt.Y("n:Q", title=t("count")),
        color=alt.Color("category:N", title=t("category"), scale=alt.Scale(scheme="tableau10")),
        tooltip=[alt.Tooltip("year:O", title=t("year")), alt.Tooltip("category:N", title=t("category")),
                 alt.Tooltip("n:Q", title=t("count"), format=",")],
    )
    st.altair_chart(chart, alt=t("cases_by_year"))
with right:
    st.subheader(t("cases_by_type"))
    by_type = con.execute("""
        SELECT case_type::VARCHAR AS case_type, count(*) AS n FROM cases GROUP BY ALL ORDER BY n DESC""").df()
    chart = alt.Chart(by_type).mark_bar().encode(
        y=alt.Y("case_type:N", title=t("case_type"), sort="-x"),
        x=alt.X("n:Q", title=t("count")),
        tooltip=[alt.Tooltip("case_type:N", title=t("case_type")), alt.Tooltip("n:Q", title=t("count"), format=",")],
    )
    st.altair_chart(chart, alt=t("cases_by_type"))

st.subheader(t("court_list"))
courts = con.execute("""
    SELECT court_code::VARCHAR AS court_code, court_name, level, parent_code::VARCHAR AS parent_code, population
    FROM courts ORDER BY court_code""").df()
courts["level"] = courts["level"].map(i18n.level)
st.dataframe(courts.rename(columns={c: t(c) for c in courts.columns}), hide_index=True, alt=t("court_list"))
