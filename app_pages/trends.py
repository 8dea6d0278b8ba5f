"""趋势分析: an indicator by month or quarter, this year against last with the year-end outlook drawn on,
and several units on one chart."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from metrics import CATALOGUE
from metrics.catalogue import BY_ID
from metrics.outlook import PROJECTED_COUNTS
from present import format as fmt
from ui import queries
from ui.i18n import lang, t
from ui.layout import page_context
from ui.session import current_access
from ui.url_state import url_widget

f, ctx = page_context("trends")
L = lang()
ids = [i.id for i in CATALOGUE]
with st.container(horizontal=True, vertical_alignment="bottom"):
    chosen = url_widget(st.selectbox, t("indicator"), ids, "ind", url_key="trend_ind", format_func=lambda i: BY_ID[i].name(L),
                        width=320)
    grain = url_widget(st.segmented_control, "粒度" if L == "zh" else "Grain", ["month", "quarter"], "grain",
                       required=True, format_func=lambda g: t(g))
ind = BY_ID[chosen]
year = f.period_obj.year
frames = []
for y in (year - 1, year):
    s = queries.series(f, y, grain, (chosen,))
    s = s.assign(year=str(y), step=s["label"].str[5:])
    frames.append(s)
data = pd.concat(frames)
end = f.period_obj.end
last_label = end.strftime("%Y-%m") if grain == "month" else f"{end.year}Q{(end.month - 1) // 3 + 1}"
data = data[(data["year"] != str(year)) | (data["label"] <= last_label)]
scale = 100 if ind.is_rate else 1
y_title = ind.name(L) + (" (%)" if ind.is_rate else "")
data["plot"] = data["value"].astype(float) * scale
data["shown"] = [fmt.value(ind, v, L) for v in data["value"]]
o = queries.outlook(f, ctx["data_date"], ctx["level"])
# The outlook drawn on: for received / closed by month, the pace each remaining month needs to keep.
if chosen in PROJECTED_COUNTS and grain == "month" and o["year"] == year and o["months_left"]:
    per_month = (o[f"{chosen}_projected"] - o[f"{chosen}_ytd"]) / o["months_left"]
    ahead = pd.DataFrame({"step": [f"{m:02d}" for m in range(o["through_month"] + 1, 13)], "plot": per_month,
                          "year": f"{year}（预测）" if L == "zh" else f"{year} (outlook)",
                          "label": [f"{year}-{m:02d}" for m in range(o["through_month"] + 1, 13)]})
    ahead["shown"] = [fmt.count(v, L) for v in ahead["plot"]]
    data = pd.concat([data, ahead])
chart = alt.Chart(data).mark_line(point=True).encode(
    x=alt.X("step:O", title=t(grain)), y=alt.Y("plot:Q", title=y_title),
    color=alt.Color("year:N", title=t("year"), scale=alt.Scale(range=["#999999", "#0072B2", "#E69F00"])),
    strokeDash=alt.StrokeDash("year:N", legend=None, scale=alt.Scale(range=[[1, 0], [1, 0], [6, 4]])),
    tooltip=["label:N", "shown:N"])
st.altair_chart(chart, alt=ind.name(L))
st.caption("灰色为上年同期，蓝色为本年，橙色虚线为按年末预测剩余各月的节奏。" if L == "zh" else
           "Grey: last year; blue: this year; orange dashes: the monthly pace of the year-end outlook.")

# Several units on one chart: the courts of the district, or the divisions of a court.
access = current_access()
unit_level = "court" if f.district and access.district_wide else "division"
units = queries.table(f, unit_level)
unit_names = dict(zip(units["court_code"] if unit_level == "court" else units["division"], units["name"]))
if len(unit_names) > 1:
    st.subheader("各单位走势" if L == "zh" else "Units side by side")
    picked = st.multiselect("单位" if L == "zh" else "Units", list(unit_names), default=list(unit_names)[:4],
                            format_func=lambda u: str(unit_names[u]), key="trend_units", max_selections=8)
    lines = []
    for unit in picked:
        court, division = (unit, None) if unit_level == "court" else (f.court, unit)
        s = queries.series(f.narrow(court=court, district=False, division=division), year, grain, (chosen,))
        lines.append(s[s["label"] <= last_label].assign(unit=str(unit_names[unit])))
    if lines:
        multi = pd.concat(lines)
        multi["plot"] = multi["value"].astype(float) * scale
        st.altair_chart(alt.Chart(multi).mark_line(point=True).encode(
            x=alt.X("label:O", title=t(grain)), y=alt.Y("plot:Q", title=y_title),
            color=alt.Color("unit:N", title=None, scale=alt.Scale(scheme="tableau10")),
            tooltip=["unit:N", "label:N", alt.Tooltip("plot:Q", format=",.2f")]), alt="units")

st.subheader("年末预测" if L == "zh" else "Year-end outlook")
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
