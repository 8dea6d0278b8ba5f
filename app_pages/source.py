"""诉源治理: pre-filing mediation volume, success, days and diversion; lawsuits per 10,000 residents."""
from __future__ import annotations

import altair as alt
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from present import charts, format as fmt
from ui import queries, vega
from ui.cards import card_grid
from ui.i18n import lang, t
from ui.layout import page_context
from ui.three_sources import three_sources
from present.theme import status_color

SOURCE = in_view(View.SOURCE)
f, ctx = page_context("source")
L = lang()
table = queries.table(f).set_index("indicator")
pre = table.loc["premediation_success_rate"]
with st.columns(3)[0].container(border=True):
    st.metric(t("pre_closed"), fmt.count(pre["denominator"], L))
card_grid(SOURCE, table, per_row=3)

st.subheader(t("three_sources"))
three_sources(table)

st.subheader(t("lawsuits_by_court"))
by_court = queries.table(f, "court")
lw = by_court[(by_court.indicator == "lawsuits_per_10k") & by_court["value"].notna()].copy()
if lw.empty:
    st.info(t("no_population"))
else:
    lw["color"] = [status_color(s, d) for s, d in zip(lw["status"], lw["side"])]
    lw["shown"] = [fmt.value(BY_ID["lawsuits_per_10k"], v, L) for v in lw["value"]]
    ind = BY_ID["lawsuits_per_10k"]
    lw = lw.sort_values("value", ascending=ind.direction == "lower").assign(unit=lambda d: d["name"].astype(str),
                                                                           plot=lambda d: d["value"].astype(float))
    vega.draw(charts.ranked(lw, value_title=ind.name(L), unit_title=t("child_court"), value_title_short=t("value"),
                            grow=True), alt="lawsuits per 10k")

st.subheader(t("pre_by_month"))
trend = queries.series(f, f.period_obj.year, "month", tuple(i for i in SOURCE if BY_ID[i].is_rate))
trend = trend[trend["label"] <= ctx["data_date"].strftime("%Y-%m")]
trend = trend.assign(name=trend["indicator"].map(lambda i: BY_ID[i].name(L)), pct=trend["value"].astype(float) * 100)
vega.altair(alt.Chart(trend).mark_line(point=True).encode(
    x=alt.X("label:O", title=None, axis=charts.month_axis(L)), y=alt.Y("pct:Q", title="%"),
    color=charts.series_color([BY_ID[i].name(L) for i in SOURCE if BY_ID[i].is_rate]),
    tooltip=[alt.Tooltip("label:O", title=t("month")), alt.Tooltip("name:N", title=t("indicator")),
             alt.Tooltip("pct:Q", title="%", format=".2f")]), alt="pre-filing mediation trend")
