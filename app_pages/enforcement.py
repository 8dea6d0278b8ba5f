"""执行: the 3+1 indicators and their trend, the enforcement judges compared, 终本 cases, amounts."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from present import charts, format as fmt
from ui import queries, vega
from ui.cards import card_grid
from ui.i18n import lang, t
from ui.plain import tm
from ui.layout import page_context
from ui.tables import show
from present.theme import MEETS, WORSE

EXEC = in_view(View.ENFORCEMENT)
f, ctx = page_context("enforcement")
L = lang()
table = queries.table(f.narrow(category="执行")).set_index("indicator")
card_grid(EXEC, table)

st.subheader(t("exec_trend"))
year = f.period_obj.year
trend = queries.series(f.narrow(category="执行"), year, "month", tuple(EXEC))
trend = trend[trend["label"] <= ctx["data_date"].strftime("%Y-%m")]
rates = trend[trend.indicator.isin(EXEC)].assign(name=lambda d: d["indicator"].map(lambda i: BY_ID[i].name(L)),
                                                 pct=lambda d: d["value"].astype(float) * 100)
vega.altair(alt.Chart(rates).mark_line(point=True).encode(
    x=alt.X("label:O", title=None, axis=charts.month_axis(L)), y=alt.Y("pct:Q", title="%"),
    color=charts.series_color([BY_ID[i].name(L) for i in EXEC]),
    tooltip=[alt.Tooltip("label:O", title=t("month")), alt.Tooltip("name:N", title=t("indicator")),
             alt.Tooltip("pct:Q", title="%", format=".2f")]), alt="3+1 trend")

st.subheader(t("exec_amounts"))
recovery = trend[trend.indicator == "exec_recovery_rate"]  # numerator recovered, denominator applied
money = pd.concat([
    recovery.assign(series=t("applied"), wan=recovery["denominator"].astype(float) / 10000),
    recovery.assign(series=t("recovered"), wan=recovery["numerator"].astype(float) / 10000)])
vega.altair(alt.Chart(money).mark_bar().encode(
    x=alt.X("label:O", title=None, axis=charts.month_axis(L)), xOffset="series:N", y=alt.Y("wan:Q", title=t("wan_yuan")),
    color=alt.Color("series:N", title=None, scale=alt.Scale(range=[MEETS, WORSE])),
    tooltip=[alt.Tooltip("label:O", title=t("month")), alt.Tooltip("series:N", title=t("value")),
             alt.Tooltip("wan:Q", title=t("wan_yuan"), format=",.1f")]), alt="amounts")

st.subheader(t("exec_judges"))
judges = queries.table(f.narrow(category="执行", division="执行局"), "judge")  # across the district when 含辖区
if judges.empty:
    st.info(t("no_exec_cases"))
else:
    court_names = queries.courts().set_index("court_code")["court_name"]
    wide = judges[judges.indicator.isin(EXEC + ["closed"])].pivot_table(
        index=["court_code", "judge_id", "name"], columns="indicator", values="value", aggfunc="first")
    wide = wide[[c for c in ["closed"] + EXEC if c in wide.columns]].reset_index()
    shown = pd.DataFrame({t("court"): wide["court_code"].map(court_names), t("judge"): wide["name"],
                          **{BY_ID[c].name(L): [fmt.value(BY_ID[c], v, L) for v in wide[c]]
                             for c in ["closed"] + EXEC if c in wide.columns}})
    show(shown, alt="judges")

st.subheader(t("terminated_cases"))
cases, total = queries.drill(f.narrow(category="执行"), "first_exec_termination_rate",
                             "numerator", 0, 200)
st.caption(tm("cases_first", total=total, shown=200))
listed = cases[["case_no", "court_name", "judge_name", "filed_date", "closed_date", "days"]]
show(listed, alt="终本 cases")
