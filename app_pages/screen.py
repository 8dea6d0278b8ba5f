"""大屏: the meeting-room display — dark, large type, no sidebar, views rotating on a timer.

/screen?court=示01&every=20&scale=2 — court (default: the user's own scope), seconds per view
(5–600), and a scale for chart text on 4K screens shown at 100% zoom (1–3; the page text scales
with the screen by itself).
The views (headline cards, court heat map, trend, warnings) rotate inside a fragment that reruns on
its own timer, so only the view is redrawn and nothing accumulates; figures come from the cached
queries, keyed by the database file version, so an import shows on the next rotation.
"""
from __future__ import annotations

import datetime as dt

import altair as alt
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from metrics.warnings import KINDS, kind_name
from present import format as fmt, text
from metrics.query import Query
from ui import pages, params, queries
from ui.filters import CATEGORIES, KINDS, period_options
from ui.url_state import held
from ui.i18n import lang, t
from ui.session import current_access
from present.theme import status_color, status_label

CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stToolbar"],
[data-testid="stDecoration"], footer {display: none !important;}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #0b1220 !important;}
html, body, .stApp, [data-testid="stMain"] {overflow: hidden !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1.2vw 2.2vw !important;}
.stApp h1, .stApp h1 * {font-size: 2.5vw !important; color: #ffffff !important; line-height: 1.25 !important;}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {font-size: 1.35vw !important; color: #b9c6da !important;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {font-size: 3.2vw !important; color: #ffffff !important;}
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {font-size: 1.1vw !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {font-size: 1.1vw !important; color: #b9c6da !important;}
[data-testid="stWidgetLabel"] * {color: #b9c6da !important; font-size: 0.9vw !important;}
[data-testid="stTable"] * {font-size: 1.35vw !important; color: #e8eef7 !important; background: #0b1220 !important;}
[data-testid="stVerticalBlockBorderWrapper"] {border-color: #2b3a55 !important; background: #111a2e !important;}
</style>"""
VIEWS = ["cards", "heatmap", "trend", "warnings"]
CARDS = in_view(View.SCREEN_CARDS)
HEAT = in_view(View.SCREEN_HEAT)

pages.require("screen")
st.html(CSS)
access = current_access()
meta = queries.meta()
data_date = dt.date.fromisoformat(meta["data_date"])
allowed = queries.allowed_courts(access)
# The scope chosen on the other pages (or given by the link) holds here too.
court = held("court", access.court or allowed[0], allowed)
try:
    every = min(600, max(5, int(st.query_params.get("every", params.default("every")))))
except ValueError:
    every = params.default("every")
try:
    scale = min(3.0, max(1.0, float(st.query_params.get("scale", params.default("scale")))))
except ValueError:
    scale = 1.0
district = access.district_wide and held("district", params.default("district"), [True, False])
periods = [p for kind in KINDS for p in period_options(kind, queries.first_year(), data_date)]
period = held("period", period_options("quarter", data_date.year, data_date)[0], periods)
cumulative = held("cum", params.default("cum"), [True, False])
category = held("cat", "", CATEGORIES) or None
names = queries.courts().set_index("court_code")["court_name"]
L = lang()
title = names.get(court, court) + (t("district_suffix") if district else "")
if category:
    title += f" · {text.category(category, L)}"
q = Query(viewer=access, period=period, cumulative=cumulative and len(period) != 4, court=court, district=district,
          category=category)
paused = st.toggle(t("screen_pause"), key="screen_paused")


@st.fragment(run_every=None if paused else every)
def rotating_view() -> None:
    step = st.session_state.get("screen_step", -1) + 1
    st.session_state["screen_step"] = step
    view = VIEWS[step % len(VIEWS)]
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [now, f"{t('data_date')} {data_date}", t("screen_paused") if paused else t("screen_every", every=every),
             f"{step % len(VIEWS) + 1}/{len(VIEWS)}"] + ([t("screen_demo")] if meta.get("kind") == "demo" else [])
    st.caption(t("screen_separator").join(parts))
    table = queries.table(q)
    rows = table.set_index("indicator")
    if view == "cards":
        st.title(t("screen_cards", scope=title, period=q.period_obj.describe(L)))
        for chunk in (CARDS[:4], CARDS[4:]):
            cols = st.columns(4)
            for col, ind_id in zip(cols, chunk):
                ind, r = BY_ID[ind_id], rows.loc[ind_id]
                with col.container(border=True):
                    st.metric(ind.name(L), fmt.value(ind, r["value"], L), fmt.signed_change(ind, r["yoy_change"], L),
                              delta_color={"higher": "normal", "lower": "inverse"}.get(ind.direction, "off"),
                              delta_description=t("yoy"))
                    st.caption(status_label(r["status"], r["side"], L) or "　")
    elif view == "heatmap":
        st.title(t("screen_heat", scope=title))
        units = queries.table(q, "court" if district else "division")
        units = units[units.indicator.isin(HEAT) & units["value"].notna()].copy()
        units["color"] = [status_color(s, d) for s, d in zip(units["status"], units["side"])]
        units["ind_name"] = units["indicator"].map(lambda i: BY_ID[i].name(L))
        units["shown"] = [fmt.value(BY_ID[i], v, L) for i, v in zip(units["indicator"], units["value"])]
        n = max(1, units["name"].nunique())
        chart = alt.Chart(units).mark_rect(stroke="#0b1220", strokeWidth=2).encode(
            x=alt.X("ind_name:N", sort=[BY_ID[i].name(L) for i in HEAT], title=None,
                    axis=alt.Axis(labelAngle=0, labelFontSize=17 * scale, labelLimit=190 * scale, orient="top")),
            y=alt.Y("name:N", title=None, axis=alt.Axis(labelFontSize=18 * scale, labelLimit=300 * scale)),
            color=alt.Color("color:N", scale=None))
        text = chart.mark_text(fontSize=18 * scale, fontWeight="bold").encode(text="shown:N", color=alt.value("white"))
        st.altair_chart((chart + text).properties(height=min(760 * scale, 62 * scale * n + 40 * scale))
                        .configure(background="#0b1220")
                        .configure_axis(labelColor="#e8eef7").configure_view(stroke=None), alt="heat map")
    elif view == "trend":
        st.title(t("screen_trend", scope=title))
        flow = queries.series(q, q.period_obj.year, "month", tuple(in_view(View.FLOW)))
        flow = flow[flow["label"] <= min(q.period_obj.end, data_date).strftime("%Y-%m")].assign(value=lambda d: d["value"].astype(float))
        flow["series"] = flow["indicator"].map(lambda i: BY_ID[i].name(L))
        chart = alt.Chart(flow).mark_line(point=alt.OverlayMarkDef(size=90 * scale), strokeWidth=4 * scale).encode(
            x=alt.X("label:O", title=None, axis=alt.Axis(labelFontSize=16 * scale, labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(labelFontSize=16 * scale)),
            color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#E69F00", "#56B4E9", "#D55E00"]),
                            legend=alt.Legend(labelFontSize=18 * scale, symbolSize=200 * scale, orient="top")))
        st.altair_chart(chart.properties(height=620 * scale).configure(background="#0b1220")
                        .configure_axis(labelColor="#e8eef7", gridColor="#22304a")
                        .configure_legend(labelColor="#e8eef7").configure_view(stroke=None), alt="trend")
    else:
        st.title(t("screen_warnings", scope=title, day=data_date))
        counts = queries.warning_counts(q, data_date, "court" if district else "division")
        key = "court_name" if district else "division"
        shown = counts[[key, "past_limit", "near_15", "over_12m", "over_18m", "over_36m"]].head(12)
        shown = shown.rename(columns={key: t("unit"), **{k: kind_name(k, L) for k in KINDS}})
        st.table(shown.set_index(t("unit")))


rotating_view()
