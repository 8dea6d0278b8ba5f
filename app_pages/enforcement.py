"""执行: the 3+1 indicators and their trend, the enforcement judges compared, 终本 cases, amounts."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from present import format as fmt
from ui import queries
from ui.i18n import columns, lang, t
from ui.layout import page_context
from present.theme import MEETS, WORSE

EXEC = in_view(View.ENFORCEMENT)
f, ctx = page_context("enforcement")
L = lang()
table = queries.table(f.narrow(category="执行")).set_index("indicator")
cols = st.columns(4)
for col, ind_id in zip(cols, EXEC):
    ind, r = BY_ID[ind_id], table.loc[ind_id]
    color = {"higher": "normal", "lower": "inverse"}.get(ind.direction, "off")
    col.metric(ind.name(L), fmt.value(ind, r["value"], L), fmt.signed_change(ind, r["yoy_change"], L),
               delta_color=color, delta_description=t("yoy"), border=True)

st.subheader(t("exec_trend"))
year = f.period_obj.year
trend = queries.series(f.narrow(category="执行"), year, "month", tuple(EXEC))
trend = trend[trend["label"] <= ctx["data_date"].strftime("%Y-%m")]
rates = trend[trend.indicator.isin(EXEC)].assign(name=lambda d: d["indicator"].map(lambda i: BY_ID[i].name(L)),
                                                 pct=lambda d: d["value"].astype(float) * 100)
st.altair_chart(alt.Chart(rates).mark_line(point=True).encode(
    x=alt.X("label:O", title=None), y=alt.Y("pct:Q", title="%"), color=alt.Color("name:N", title=None),
    tooltip=["label", "name", alt.Tooltip("pct:Q", format=".2f")]), alt="3+1 trend")

st.subheader(t("exec_amounts"))
recovery = trend[trend.indicator == "exec_recovery_rate"]  # numerator recovered, denominator applied
money = pd.concat([
    recovery.assign(series=t("applied"), wan=recovery["denominator"].astype(float) / 10000),
    recovery.assign(series=t("recovered"), wan=recovery["numerator"].astype(float) / 10000)])
st.altair_chart(alt.Chart(money).mark_bar().encode(
    x=alt.X("label:O", title=None), xOffset="series:N", y=alt.Y("wan:Q", title=t("wan_yuan")),
    color=alt.Color("series:N", title=None, scale=alt.Scale(range=[MEETS, WORSE])),
    tooltip=["label", "series", alt.Tooltip("wan:Q", format=",.1f")]), alt="amounts")

st.subheader(t("exec_judges"))
judges = queries.table(f.narrow(district=False, category="执行", division="执行局"), "judge")
if judges.empty:
    st.info(t("no_exec_cases"))
else:
    wide = judges[judges.indicator.isin(EXEC + ["closed"])].pivot_table(
        index="name", columns="indicator", values="value", aggfunc="first")
    wide = wide[[c for c in ["closed"] + EXEC if c in wide.columns]]
    shown = pd.DataFrame({BY_ID[c].name(L): [fmt.value(BY_ID[c], v, L) for v in wide[c]] for c in wide.columns},
                         index=wide.index)
    shown.index.name = t("judge")
    st.dataframe(shown, alt="judges")

st.subheader(t("terminated_cases"))
cases, total = queries.drill(f.narrow(category="执行"), "first_exec_termination_rate",
                             "numerator", 0, 200)
st.caption(t("cases_first", total=total, shown=200))
listed = cases[["case_no", "court_name", "judge_name", "filed_date", "closed_date", "days"]]
st.dataframe(columns(listed), hide_index=True, alt="终本 cases")
