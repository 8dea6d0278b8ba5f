"""态势总览: headline indicators with 同比/环比 and 达标, 收结存 by month, a written summary."""
from __future__ import annotations

import streamlit as st

from metrics.api import meets_rates
from metrics.catalogue import View, in_view
from present import charts, format as fmt
from ui import queries
from ui.cards import card_grid
from ui.i18n import lang, t
from ui.plain import md
from ui.layout import page_context
from present.summary import period_summary

HEADLINE = in_view(View.OVERVIEW)

f, ctx = page_context("overview")
table = queries.table(f)
rows = table.set_index("indicator")
L = lang()

st.subheader(t("summary"))
st.write(md(period_summary(table, ctx["scope_name"], f.period_obj.describe(L), L)))
meets = meets_rates(table).iloc[0]
st.metric(t("meets_rate"), t("meets_rate_value", rate=fmt.percent(meets["meets_rate"]), meets=int(meets["meets"]),
                             judged=int(meets["judged"])), help=t("meets_rate_help"), width="content")

st.subheader(t("headline"))
order = sorted(HEADLINE, key=lambda i: (rows.loc[i, "status"] not in ("above", "below") or rows.loc[i, "side"] == "better",
                                       HEADLINE.index(i)))
card_grid(order, rows)

st.subheader(t("flow"))
year = f.period_obj.year
flow = queries.series(f, year, "month", tuple(in_view(View.FLOW)))
flow = flow[flow["label"] <= f.period_obj.end.strftime("%Y-%m")]
if flow.empty:
    st.info(t("no_data"))
else:
    names = {"received": t("received"), "closed": t("closed"), "pending": t("pending")}
    st.altair_chart(charts.flow(flow, names, t("count"), t("pending"), L), alt=t("flow"))
