"""态势总览: headline indicators with 同比/环比 and 达标, 收结存 by month, a written summary."""
from __future__ import annotations

import altair as alt
import streamlit as st

from metrics.api import meets_rates
from metrics.catalogue import BY_ID, View, in_view
from present import format as fmt
from ui import queries
from ui.i18n import lang, t
from ui.layout import page_context
from present.summary import period_summary
from present.theme import STATUS_COLORS, status_label

HEADLINE = in_view(View.OVERVIEW)

f, ctx = page_context("overview")
table = queries.table(f)
rows = table.set_index("indicator")
L = lang()

st.subheader(t("summary"))
st.write(period_summary(table, ctx["scope_name"], f.period_obj.describe(L), L))
meets = meets_rates(table).iloc[0]
st.metric(t("meets_rate"), t("meets_rate_value", rate=fmt.percent(meets["meets_rate"]), meets=int(meets["meets"]),
                             judged=int(meets["judged"])), help=t("meets_rate_help"), width="content")

st.subheader(t("headline"))
order = sorted(HEADLINE, key=lambda i: (rows.loc[i, "status"] not in ("above", "below") or rows.loc[i, "side"] == "better",
                                       HEADLINE.index(i)))
for chunk in range(0, len(order), 4):
    cols = st.columns(4)
    for col, ind_id in zip(cols, order[chunk:chunk + 4]):
        ind, r = BY_ID[ind_id], rows.loc[ind_id]
        color = {"higher": "normal", "lower": "inverse"}.get(ind.direction, "off")
        with col.container(border=True, key=f"card_{ind_id}"):
            st.metric(ind.name(L), fmt.value(ind, r["value"], L), fmt.signed_change(ind, r["yoy_change"], L),
                      delta_color=color, delta_description=t("yoy"),
                      help=ind.formula(L))
            label = status_label(r["status"], r["side"], L)
            if label:
                st.badge(label, color=STATUS_COLORS["badge"][r["status"] == "meets"])
            if not fmt.missing(r["mom_value"]):
                st.caption(f"{t('mom')} {fmt.change(ind, r['mom_change'], L)}")

st.subheader(t("flow"))
year = f.period_obj.year
flow = queries.series(f, year, "month", tuple(in_view(View.FLOW)))
flow = flow[flow["label"] <= f.period_obj.end.strftime("%Y-%m")]
if flow.empty:
    st.info(t("no_data"))
else:
    names = {"received": t("received"), "closed": t("closed"), "pending": t("pending")}
    flow = flow.assign(series=flow["indicator"].map(names), value=flow["value"].astype(float))
    bars = alt.Chart(flow[flow.indicator != "pending"]).mark_bar().encode(
        x=alt.X("label:O", title=None), xOffset="series:N",
        y=alt.Y("value:Q", title=t("count")),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#0072B2", "#56B4E9", "#D55E00"])),
        tooltip=[alt.Tooltip("label:O", title=t("month")), "series:N", alt.Tooltip("value:Q", format=",")])
    line = alt.Chart(flow[flow.indicator == "pending"]).mark_line(point=True, color="#D55E00").encode(
        x="label:O", y=alt.Y("value:Q", title=t("pending")),
        tooltip=[alt.Tooltip("label:O", title=t("month")), alt.Tooltip("value:Q", title=t("pending"), format=",")])
    st.altair_chart(alt.layer(bars, line).resolve_scale(y="independent"), alt=t("flow"))
