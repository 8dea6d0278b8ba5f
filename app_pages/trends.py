"""趋势分析: an indicator by month or quarter, this year against last, with the year-end outlook."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from metrics import CATALOGUE
from metrics.catalogue import BY_ID
from ui import format as fmt
from ui import queries
from ui.i18n import lang, t
from ui.layout import page_context
from ui.url_state import url_widget

f, ctx = page_context(t("page_trends"))
L = lang()
version = queries.version()
ids = [i.id for i in CATALOGUE]
with st.container(horizontal=True, vertical_alignment="bottom"):
    chosen = url_widget(st.selectbox, t("indicator"), ids, "ind", "closed", format_func=lambda i: BY_ID[i].name(L),
                        width=320)
    grain = url_widget(st.segmented_control, "粒度" if L == "zh" else "Grain", ["month", "quarter"], "grain", "month",
                       required=True, format_func=lambda g: t(g))
ind = BY_ID[chosen]
year = f.period_obj.year
frames = []
for y in (year - 1, year):
    s = queries.series(version, y, grain, f.court, f.district, f.category, (chosen,))
    s = s.assign(year=str(y), step=s["label"].str[5:])
    frames.append(s)
data = pd.concat(frames)
data = data[~((data["year"] == str(year)) & (data["label"] > f.period_obj.end.strftime("%Y-%m" if grain == "month" else "%Y") + ("" if grain == "month" else f"Q{(f.period_obj.end.month - 1) // 3 + 1}")))]
scale = 100 if ind.is_rate else 1
data["plot"] = data["value"].astype(float) * scale
data["shown"] = [fmt.value(ind, v, L) for v in data["value"]]
chart = alt.Chart(data).mark_line(point=True).encode(
    x=alt.X("step:O", title=t(grain)), y=alt.Y("plot:Q", title=ind.name(L) + (" (%)" if ind.is_rate else "")),
    color=alt.Color("year:N", title=t("year"), scale=alt.Scale(range=["#999999", "#0072B2"])),
    tooltip=["label:N", "shown:N"])
st.altair_chart(chart, alt=ind.name(L))

st.subheader("年末预测" if L == "zh" else "Year-end outlook")
o = queries.outlook(version, ctx["data_date"], f.court, f.district, f.category, ctx["level"])
if o["months_left"] == 0 or o["year"] != year:
    st.info("预测针对数据截至日所在年度" if L == "zh" else "The outlook covers the year of the data date")
cols = st.columns(4)
cols[0].metric("预计全年新收" if L == "zh" else "Received by Dec 31", fmt.count(o["received_projected"], L))
cols[1].metric("预计全年已结" if L == "zh" else "Closed by Dec 31", fmt.count(o["closed_projected"], L))
cols[2].metric("预计年末未结" if L == "zh" else "Pending on Dec 31", fmt.count(o["pending_projected"], L))
cols[3].metric("预计结收比" if L == "zh" else "Clearance ratio", fmt.value(BY_ID["clearance_ratio"], o["clearance_ratio_projected"], L))
for ind_id, need in o["needs"].items():
    name = BY_ID[ind_id].name(L)
    if L == "zh":
        st.write(f"{name}达到区间下限 {need['target_low']:g}：剩余 {o['months_left']} 个月还需结案 {need['closings_needed']:,} 件，"
                 f"每月 {need['per_month']:,} 件（按目前节奏每月约 {need['projected_per_month']:,.0f} 件）。")
    else:
        st.write(f"{name} at its low end {need['target_low']:g}: {need['closings_needed']:,} more closings in "
                 f"{o['months_left']} months, {need['per_month']:,} a month (current pace about {need['projected_per_month']:,.0f}).")
