"""趋势分析: an indicator by month or quarter, this year against last with the year-end outlook drawn on,
and several units on one chart."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from metrics import CATALOGUE
from metrics.catalogue import BY_ID
from metrics.outlook import PROJECTED_COUNTS
from present import charts, format as fmt
from ui import followup_views, queries, vega
from ui.i18n import label_of, lang, t
from ui.plain import tm
from ui.layout import page_context
from ui.session import current_access
from ui.url_state import url_widget

f, ctx = page_context("trends")
L = lang()
ids = [i.id for i in CATALOGUE]
with st.container(horizontal=True, vertical_alignment="bottom"):
    chosen = url_widget(st.selectbox, t("indicator"), ids, "ind", default_key="ind_trends", format_func=lambda i: BY_ID[i].name(L),
                        width=320)
    grain = url_widget(st.segmented_control, t("grain"), ["month", "quarter"], "grain",
                       required=True, format_func=label_of())
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
                          "year": t("outlook_series", year=year),
                          "label": [f"{year}-{m:02d}" for m in range(o["through_month"] + 1, 13)]})
    ahead["shown"] = [fmt.count(v, L) for v in ahead["plot"]]
    data = pd.concat([data, ahead])
# Notes (批注) on this unit's figure: a marker at their month, the text in its tooltip.
notes = followup_views.chart_notes(f, chosen, list(data["label"].dropna().unique()))
vega.draw(charts.year_lines(data, step_title=t(grain), value_title=y_title, year_title=t("year"), shown_title=t("value"),
                            lang=L, notes=notes, steps=dict(zip(data["label"], data["step"]))), alt=ind.name(L))
st.caption(t("trend_caption") + (t("fu_note_marker") if notes else ""))
last_day = min(end, ctx["data_date"])
followup_views.note_form(f, chosen, [f"{last_day.year}-{m:02d}" for m in range(1, last_day.month + 1)])

# Several units on one chart: the courts of the district, or the divisions of a court — or, for a
# role that compares them, the trial teams of the scope (a case with no team is in none).
access = current_access()
unit_level = "court" if f.district and access.district_wide else "division"
if "team" in access.rule.compare_levels:
    unit_level = url_widget(st.segmented_control, t("compare_level"), [unit_level, "team"], "tlevel",
                            required=True, format_func=label_of("level_"))
units = queries.table(f, unit_level)
if unit_level == "team":
    units = units[units["team"] != ""]
    court_names = queries.court_lookup().names
    pairs = units.drop_duplicates(["court_code", "team"])
    twins = set(pairs.loc[pairs["team"].duplicated(keep=False), "team"])
    unit_names = {(c, tm_): t("name_with_id", name=tm_, id=court_names.get(c, c)) if tm_ in twins else tm_
                  for c, tm_ in zip(pairs["court_code"], pairs["team"])}
else:
    unit_names = dict(zip(units["court_code"] if unit_level == "court" else units["division"], units["name"]))
if len(unit_names) > 1:
    st.subheader(t("units_side_by_side"))
    picked = st.multiselect(t("units"), list(unit_names), default=list(unit_names)[:queries.TREND_UNITS_SHOWN],
                            format_func=lambda u: str(unit_names[u]), key=f"trend_units_{unit_level}", max_selections=8)
    if unit_level == "team":
        st.caption(t("teams_blank_left_out"))
    lines = []
    for unit in picked:
        court, division, team = {"court": (unit, None, None), "division": (f.court, unit, None)}.get(
            unit_level, (unit[0], None, unit[1]) if isinstance(unit, tuple) else (None, None, None))
        s = queries.series(f.narrow(court=court, district=False, division=division, team=team), year, grain, (chosen,))
        lines.append(s[s["label"] <= last_label].assign(unit=str(unit_names[unit])))
    if lines:
        multi = pd.concat(lines)
        multi["plot"] = multi["value"].astype(float) * scale
        vega.altair(alt.Chart(multi).mark_line(point=True).encode(
            x=alt.X("label:O", title=t(grain), axis=charts.month_axis(L)), y=alt.Y("plot:Q", title=y_title),
            color=alt.Color("unit:N", title=None, scale=alt.Scale(scheme="tableau10")),
            tooltip=[alt.Tooltip("unit:N", title=t("unit")), alt.Tooltip("label:N", title=t(grain)),
                     alt.Tooltip("plot:Q", title=y_title, format=",.2f")]), alt="units")

st.subheader(t("outlook"))
if o["months_left"] == 0 or o["year"] != year:
    st.info(t("outlook_year_only"))
cols = st.columns(4)
cols[0].metric(t("received_projected"), fmt.count(o["received_projected"], L))
cols[1].metric(t("closed_projected"), fmt.count(o["closed_projected"], L))
cols[2].metric(t("pending_projected"), fmt.count(o["pending_projected"], L))
cols[3].metric(t("clearance_projected"), fmt.value(BY_ID["clearance_ratio"], o["clearance_ratio_projected"], L))
for ind_id, need in o["needs"].items():
    name = BY_ID[ind_id].name(L)
    st.write(tm("outlook_need", name=name, low=need["target_low"], months=o["months_left"], needed=need["closings_needed"],
               per_month=need["per_month"], pace=need["projected_per_month"]))
