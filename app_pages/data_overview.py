"""数据概况: what the database holds — courts, cases by year and type, dates."""
from __future__ import annotations

import altair as alt
import streamlit as st

from ui import i18n
from ui import database, queries, vega
from ui.session import current_access
from ui.i18n import t
from ui.plain import md
from ui.layout import page_header
from ui.tables import show


page_header("data_overview")
if database.damage() is not None:  # the header said what is wrong and the way back; nothing here reads
    st.stop()
summary, by_year, by_type = queries.database_inventory(current_access())
cols = st.columns(5)
for col, key in zip(cols, ("courts", "cases", "judges", "pending", "pre_pending")):
    col.metric(t(key), f"{summary[key]:,}", help=t(f"{key}_help") if key.endswith("pending") else None)
st.caption(md(f"{t('date_range')}: {summary['first_filed']} — {summary['last_filed']}"))

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
    vega.altair(chart, alt=t("cases_by_year"))
with right:
    st.subheader(t("cases_by_type"))
    chart = alt.Chart(by_type).mark_bar().encode(
        y=alt.Y("case_type:N", title=t("case_type"), sort="-x"),
        x=alt.X("n:Q", title=t("count")),
        tooltip=[alt.Tooltip("case_type:N", title=t("case_type")), alt.Tooltip("n:Q", title=t("count"), format=",")],
    )
    vega.altair(chart, alt=t("cases_by_type"))

st.subheader(t("completeness"))
st.caption(t("completeness_help"))
courts = queries.completeness(current_access())
latest = courts["through"].dropna().max() if courts["through"].notna().any() else None
courts["level"] = courts["level"].map(i18n.level)
courts["behind"] = [(latest - d).days if d is not None and latest is not None and d < latest else None
                    for d in courts["through"]]
courts["last_import"] = courts["last_import"].map(lambda v: v.replace("T", " ")[:16] if isinstance(v, str) else v)
show(courts[["court_code", "court_name", "level", "parent_code", "through", "behind", "cases", "last_import", "source"]]
     .rename(columns={c: t(c) for c in ("court_code", "court_name", "level", "parent_code")}),
     alt=t("completeness"))
