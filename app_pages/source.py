"""诉源治理: pre-filing mediation volume, success, days and diversion; lawsuits per 10,000 residents."""
from __future__ import annotations

import altair as alt
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from present import format as fmt
from ui import queries
from ui.i18n import lang, t
from ui.layout import page_context
from present.theme import MEETS, status_color

SOURCE = in_view(View.SOURCE)
f, ctx = page_context("source")
L = lang()
table = queries.table(f).set_index("indicator")
cols = st.columns(5)
pre = table.loc["premediation_success_rate"]
cols[0].metric(t("pre_closed"), fmt.count(pre["denominator"], L), border=True)
for col, ind_id in zip(cols[1:], SOURCE):
    ind, r = BY_ID[ind_id], table.loc[ind_id]
    color = {"higher": "normal", "lower": "inverse"}.get(ind.direction, "off")
    col.metric(ind.name(L), fmt.value(ind, r["value"], L), fmt.signed_change(ind, r["yoy_change"], L),
               delta_color=color, delta_description=t("yoy"), border=True)

st.subheader(t("lawsuits_by_court"))
by_court = queries.table(f, "court")
lw = by_court[(by_court.indicator == "lawsuits_per_10k") & by_court["value"].notna()].copy()
if lw.empty:
    st.info(t("no_population"))
else:
    lw["color"] = [status_color(s, d) for s, d in zip(lw["status"], lw["side"])]
    lw["shown"] = [fmt.value(BY_ID["lawsuits_per_10k"], v, L) for v in lw["value"]]
    st.altair_chart(alt.Chart(lw).mark_bar(color=MEETS).encode(
        y=alt.Y("name:N", sort="-x", title=None), x=alt.X("value:Q", title=BY_ID["lawsuits_per_10k"].name(L)),
        tooltip=["name", "shown"]).properties(height=max(160, 24 * len(lw))), alt="lawsuits per 10k")

st.subheader(t("pre_by_month"))
trend = queries.series(f, f.period_obj.year, "month", tuple(i for i in SOURCE if BY_ID[i].is_rate))
trend = trend[trend["label"] <= ctx["data_date"].strftime("%Y-%m")]
trend = trend.assign(name=trend["indicator"].map(lambda i: BY_ID[i].name(L)), pct=trend["value"].astype(float) * 100)
st.altair_chart(alt.Chart(trend).mark_line(point=True).encode(
    x=alt.X("label:O", title=None), y=alt.Y("pct:Q", title="%"), color=alt.Color("name:N", title=None),
    tooltip=["label", "name", alt.Tooltip("pct:Q", format=".2f")]), alt="pre-filing mediation trend")
