"""执行: the 3+1 indicators and their trend, the enforcement judges compared, 终本 cases, amounts."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from present import format as fmt
from ui import queries
from ui.drill import LABELS
from ui.i18n import lang, t
from ui.layout import page_context
from present.theme import MEETS, WORSE

EXEC = in_view(View.ENFORCEMENT)
f, ctx = page_context("enforcement")
L = lang()
zh = L == "zh"
table = queries.table(f.narrow(category="执行")).set_index("indicator")
cols = st.columns(4)
for col, ind_id in zip(cols, EXEC):
    ind, r = BY_ID[ind_id], table.loc[ind_id]
    color = {"higher": "normal", "lower": "inverse"}.get(ind.direction, "off")
    col.metric(ind.name(L), fmt.value(ind, r["value"], L), fmt.signed_change(ind, r["yoy_change"], L),
               delta_color=color, delta_description=t("yoy"), border=True)

st.subheader("3+1 指标月度趋势" if zh else "3+1 indicators by month")
year = f.period_obj.year
trend = queries.series(f.narrow(category="执行"), year, "month", tuple(EXEC))
trend = trend[trend["label"] <= ctx["data_date"].strftime("%Y-%m")]
rates = trend[trend.indicator.isin(EXEC)].assign(name=lambda d: d["indicator"].map(lambda i: BY_ID[i].name(L)),
                                                 pct=lambda d: d["value"].astype(float) * 100)
st.altair_chart(alt.Chart(rates).mark_line(point=True).encode(
    x=alt.X("label:O", title=None), y=alt.Y("pct:Q", title="%"), color=alt.Color("name:N", title=None),
    tooltip=["label", "name", alt.Tooltip("pct:Q", format=".2f")]), alt="3+1 trend")

st.subheader("申请执行标的额与执行到位金额（万元）" if zh else "Amount applied and recovered (10k yuan)")
recovery = trend[trend.indicator == "exec_recovery_rate"]  # numerator recovered, denominator applied
money = pd.concat([
    recovery.assign(series="申请标的" if zh else "applied", wan=recovery["denominator"].astype(float) / 10000),
    recovery.assign(series="执行到位" if zh else "recovered", wan=recovery["numerator"].astype(float) / 10000)])
st.altair_chart(alt.Chart(money).mark_bar().encode(
    x=alt.X("label:O", title=None), xOffset="series:N", y=alt.Y("wan:Q", title="万元" if zh else "10k yuan"),
    color=alt.Color("series:N", title=None, scale=alt.Scale(range=[MEETS, WORSE])),
    tooltip=["label", "series", alt.Tooltip("wan:Q", format=",.1f")]), alt="amounts")

st.subheader("执行局法官对比" if zh else "Enforcement judges compared")
judges = queries.table(f.narrow(district=False, category="执行", division="执行局"), "judge")
if judges.empty:
    st.info("所选法院没有执行局案件（请选择基层或中级法院）" if zh else "No 执行局 cases at this court; choose a basic or intermediate court")
else:
    wide = judges[judges.indicator.isin(EXEC + ["closed"])].pivot_table(
        index="name", columns="indicator", values="value", aggfunc="first")
    wide = wide[[c for c in ["closed"] + EXEC if c in wide.columns]]
    shown = pd.DataFrame({BY_ID[c].name(L): [fmt.value(BY_ID[c], v, L) for v in wide[c]] for c in wide.columns},
                         index=wide.index)
    shown.index.name = "法官" if zh else "Judge"
    st.dataframe(shown, alt="judges")

st.subheader("终本案件" if zh else "Cases ended for lack of assets (终本)")
cases, total = queries.drill(f.narrow(category="执行"), "first_exec_termination_rate",
                             "numerator", 0, 200)
st.caption(f"共 {total:,} 件（显示前 200 件）" if zh else f"{total:,} cases (first 200 shown)")
listed = cases[["case_no", "court_name", "judge_name", "filed_date", "closed_date", "days"]]
st.dataframe(listed.rename(columns=LABELS) if zh else listed, hide_index=True, alt="终本 cases")
