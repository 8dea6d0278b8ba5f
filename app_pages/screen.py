"""大屏: the meeting-room display — dark, large type, no sidebar, views rotating on a timer.

/screen?court=示01&every=20&scale=2 — court (default: the user's own scope), seconds per view
(5–600), and a scale for chart text on 4K screens shown at 100% zoom (1–3; the page text scales
with the screen by itself).
The views (headline cards, court heat map, trend, warnings, 访源治理 when the database holds
visits, action items due this quarter) rotate inside a fragment that reruns on
its own timer, so only the view is redrawn and nothing accumulates; figures come from the cached
queries, keyed by the database file version, so an import shows on the next rotation.
"""
from __future__ import annotations

import datetime as dt
import html
import time
import unicodedata

import altair as alt
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from metrics.warnings import KINDS, kind_name
from present import charts, format as fmt, text
from metrics.query import Query
from ui import damaged, followup_views, pages, params, queries, vega
from metrics.periods import period_options
from ui.filters import CATEGORIES, KINDS as PERIOD_KINDS
from ui.layout import dated
from ui.cards import yoy_delta
from ui.url_state import held
from ui.i18n import lang, t
from ui import plain
from ui.plain import md, tm
from ui.session import current_access
from present.theme import BETTER, FLOW_COLORS, status_color, status_label

CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stToolbar"],
[data-testid="stDecoration"], footer {display: none !important;}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #0b1220 !important;}
html, body, .stApp, [data-testid="stMain"] {overflow: hidden !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1.2vw 2.2vw !important;}
.stApp h1, .stApp h1 * {font-size: 2.5vw !important; color: #ffffff !important; line-height: 1.25 !important;}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {font-size: 1.9vw !important; color: #d5deeb !important;
                                                                   line-height: 1.3 !important;
                                                                   white-space: normal !important; overflow: visible !important;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {font-size: 4.4vw !important; color: #ffffff !important;
                                                                   line-height: 1.25 !important;}
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {font-size: 1.6vw !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {font-size: 1.6vw !important; color: #e8eef7 !important;
                                                                             opacity: 1 !important;}
[data-testid="stWidgetLabel"] * {color: #b9c6da !important; font-size: 0.9vw !important;}
[data-testid="stTable"] * {font-size: 1.8vw !important; color: #e8eef7 !important; background: #0b1220 !important;
                            white-space: nowrap !important;}
[data-testid="stTable"] td, [data-testid="stTable"] th {height: min(9vh, calc(70vh / var(--rows, 13))) !important;}
[class*="st-key-screen_card_"] {min-height: 36vh; border-color: #2b3a55 !important; background: #111a2e !important;
                                 justify-content: space-between;}
.spzx-screen-badge {display: inline-block; font-size: 1.7vw; font-weight: 700; line-height: 1.3; padding: 0.1em 0.5em;
                    border-radius: 0.3em;}
.spzx-screen-key {display: flex; gap: 2.5vw; font-size: 1.5vw; color: #e8eef7; align-items: center;}
.spzx-screen-key span {display: inline-block; width: 1.6vw; height: 1.6vw; border-radius: 0.2vw; margin-right: 0.6vw;
                       vertical-align: middle;}
[data-testid="stPageLink"] *, [data-testid="stCheckbox"] * {color: #b9c6da !important;}
</style>"""
CARDS = in_view(View.SCREEN_CARDS)
HEAT = in_view(View.SCREEN_HEAT)
VISITS = in_view(View.SOURCE_VISITS)

pages.require("screen")
st.html(CSS)
access = current_access()
meta = queries.meta()
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
dates = queries.scope_dates(court, district)
data_date = dates.through  # where all the scope's courts have data
periods = [p for kind in PERIOD_KINDS for p in period_options(kind, queries.first_year(), data_date)]
period = held("period", period_options("quarter", data_date.year, data_date)[0], periods)
cumulative = held("cum", params.default("cum"), [True, False])
category = held("cat", "", CATEGORIES) or None
enterprise = held("ent", params.default("ent"), [True, False])  # 涉企, as chosen in the filter bar
names = queries.courts().set_index("court_code")["court_name"]
L = lang()
title = names.get(court, court) + (t("district_suffix") if district else "")
if category:
    title += f" · {text.category(category, L)}"
if enterprise:
    title += f" · {t('enterprise_only')}"
q = Query(viewer=access, period=period, cumulative=cumulative and len(period) != 4, court=court, district=district,
          category=category, enterprise=enterprise, as_of=data_date)
FONT = round(26 * scale)  # chart text read from the back of the room
ROW = round(FONT * 1.9)
ROWS_PER_VIEW = max(4, int(680 * scale // ROW))  # heat-map rows that fit one view
TABLE_ROWS = 12  # table rows (their text scales with the screen's width) that fit one view
HEAT_ROWS_HEIGHT = 600 * scale  # px the rows of a heat map fill, however few (no half-empty screen)

with st.container(horizontal=True, vertical_alignment="center"):
    paused = st.toggle(t("screen_pause"), key="screen_paused")
    st.page_link(pages.BY_KEY["overview"].path, label=t("screen_leave"), icon=":material/logout:")


def _parts(items: list, per_view: int) -> list[list]:
    """A long list split into views that fit the screen (each says which part it is)."""
    return [items[i:i + per_view] for i in range(0, max(len(items), 1), per_view)]


def _views() -> list[tuple]:
    """The rotation: (kind, part, parts, data), data loaded before anything is drawn, so a view
    replaces the previous one at once."""
    table = queries.table(q).set_index("indicator")
    units = queries.table(q, "court" if district else "division")
    units = units[units.indicator.isin(HEAT) & units["value"].notna()].copy()
    units["color"] = [status_color(s, d) for s, d in zip(units["status"], units["side"])]
    units["ind_name"] = units["indicator"].map(lambda i: BY_ID[i].name(L))
    units["shown"] = [fmt.value(BY_ID[i], v, L) for i, v in zip(units["indicator"], units["value"])]
    unit_names = list(dict.fromkeys(units["name"].astype(str)))
    flow = queries.series(q, q.period_obj.year, "month", tuple(in_view(View.FLOW)))
    flow = flow[flow["label"] <= min(q.period_obj.end, data_date).strftime("%Y-%m")]
    counts = queries.warning_counts(q, data_date, "court" if district else "division")
    heat_parts = [units[units["name"].astype(str).isin(part)] for part in _parts(unit_names, ROWS_PER_VIEW)]
    warn_parts = [counts.iloc[rows] for rows in _parts(list(range(len(counts))), TABLE_ROWS)]
    due = followup_views.due_this_quarter(court, district)
    # no items due: no view (a slide saying nothing would hold the room for a turn)
    item_parts = [(due.quarter, due.rows.iloc[rows]) for rows in _parts(list(range(len(due.rows))), TABLE_ROWS)
                  ] if len(due.rows) else []
    # 访源治理: the visit indicators, the visits pending over 60 days among them (no list: no view)
    visits = ([("visits", 1, 1, queries.table(q, None, tuple(VISITS)).set_index("indicator"))]
              if queries.has_visits() else [])
    return ([("cards", 1, 1, table)]
            + [("heatmap", i + 1, len(heat_parts), part) for i, part in enumerate(heat_parts)]
            + [("trend", 1, 1, flow)]
            + [("warnings", i + 1, len(warn_parts), part) for i, part in enumerate(warn_parts)]
            + visits
            + [("items", i + 1, len(item_parts), part) for i, part in enumerate(item_parts)])


def _advance(views: list) -> int:
    """The view to show: the next one when the timer has run out, else the same one (a pause, a
    resume or a language switch redraws the view on screen, it does not skip it)."""
    now = time.monotonic()
    step, since = st.session_state.get("screen_step", 0), st.session_state.get("screen_since")
    if since is None or paused:  # while paused the view's time stands still: a resume shows it a full turn
        since = now
    elif now - since >= every - 0.5:
        step, since = step + 1, now
    st.session_state.update(screen_step=step, screen_since=since)
    return step % len(views)


VALUE_VW = 4.4  # a card's value type (CSS above)
VALUE_FITS = 9  # half-width characters a card's value holds at that size (a Chinese character takes two)


def _value_fit(key: str, text: str) -> str:
    """CSS that makes a value wider than its card (123.4件/万件) smaller, so it is never cut."""
    width = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    if width <= VALUE_FITS:
        return ""
    size = f"{VALUE_VW * VALUE_FITS / width:.2f}vw"
    return (f"<style>.st-key-{key} [data-testid=stMetricValue], .st-key-{key} [data-testid=stMetricValue] * "
            f"{{font-size: {size} !important;}}</style>")


def _badge(status, side) -> str:
    """达标 or not as a badge in the heat map's colour, large enough for the back of the room."""
    label = status_label(status, side, L)
    if not label:
        return '<span class="spzx-screen-badge">&#160;</span>'  # keeps the card's height
    colour = status_color(status, side)
    ink = "#0b1220" if colour == BETTER else "#ffffff"  # dark on orange, white on blue and vermillion
    return f'<span class="spzx-screen-badge" style="background:{colour};color:{ink}">{html.escape(label)}</span>'


def _colour_key() -> str:
    """What each colour of the heat map means."""
    keys = charts.status_key(L)
    return '<div class="spzx-screen-key">' + "".join(
        f'<div><span style="background:{colour}"></span>{html.escape(label)}</div>' for label, colour in keys.items()) + "</div>"


@damaged.fragment(run_every=None if paused else every)
def rotating_view() -> None:
    if current_access() is None:  # signed out, or the demo replaced by real data: no further view
        st.rerun()
    views = _views()
    index = _advance(views)
    view, part, parts, data = views[index]
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    mixed = f" · {t('dates_range', first=data_date, last=dates.latest)}" if dates.mixed else ""
    notes = [now, f"{t('data_date')} {dated(data_date)}{mixed}",
             t("screen_paused") if paused else t("screen_every", every=every),
             f"{index + 1}/{len(views)}"] + ([t("screen_demo")] if meta.get("kind") == "demo" else [])
    st.caption(md(t("screen_separator").join(notes)))
    if view in ("cards", "visits"):
        st.title(tm("screen_visits" if view == "visits" else "screen_cards", scope=title,
                    period=q.period_obj.describe(L)))
        shown_ids = VISITS if view == "visits" else CARDS
        for chunk in (shown_ids[:4], shown_ids[4:]):
            cols = st.columns(4)
            for col, ind_id in zip(cols, chunk):
                ind, r = BY_ID[ind_id], data.loc[ind_id]
                shown = fmt.value(ind, r["value"], L)
                with col.container(border=True, key=f"screen_card_{ind_id}"):
                    if fit := _value_fit(f"screen_card_{ind_id}", shown):
                        st.html(fit)
                    st.metric(ind.name(L), shown, **yoy_delta(ind, r, L))
                    st.html(_badge(r["status"], r["side"]))
    elif view == "heatmap":
        st.title(tm("screen_heat", scope=title) + (tm("part_of_parts", part=part, parts=parts) if parts > 1
                                                   else ""))
        order = list(dict.fromkeys(data["name"].astype(str)))
        row = max(ROW, min(round(HEAT_ROWS_HEIGHT / max(len(order), 1)), 2 * ROW))  # few rows: taller ones
        chart = charts.heat_map(data.assign(name=data["name"].astype(str)), x="ind_name",
                                x_order=[BY_ID[i].name(L) for i in HEAT], y="name", y_order=order,
                                tooltip=[("name:N", t("unit")), ("ind_name:N", t("indicator")), ("shown:N", t("value"))],
                                text="shown", font=FONT, row=row,
                                column=round(150 * scale), x_label_limit=round(150 * scale), y_label_limit=round(360 * scale),
                                x_angle=0, stroke="#0b1220", wrap=5)
        vega.draw(charts.configured(chart, background="#0b1220", axis={"labelColor": "#e8eef7"}, view={"stroke": None}),
                  alt="heat map", width="content")
        st.html(_colour_key())
    elif view == "trend":
        st.title(tm("screen_trend", scope=title))
        flow = data.assign(value=lambda d: d["value"].astype(float),
                           series=lambda d: d["indicator"].map(lambda i: BY_ID[i].name(L)))
        shown_ids = in_view(View.FLOW)  # in the dashboard's order and colours
        chart = alt.Chart(flow).mark_line(point=alt.OverlayMarkDef(size=90 * scale), strokeWidth=4 * scale).encode(
            x=alt.X("label:O", title=None, axis=alt.Axis(labelFontSize=FONT, labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(labelFontSize=FONT)),
            color=alt.Color("series:N", title=None, sort=[BY_ID[i].name(L) for i in shown_ids],
                            scale=alt.Scale(domain=[BY_ID[i].name(L) for i in shown_ids],
                                            range=[FLOW_COLORS[i] for i in shown_ids]),
                            legend=alt.Legend(labelFontSize=FONT, symbolSize=200 * scale, orient="top")))
        vega.altair(chart.properties(height=760 * scale).configure(background="#0b1220")
                        .configure_axis(labelColor="#e8eef7", gridColor="#22304a")
                        .configure_legend(labelColor="#e8eef7").configure_view(stroke=None), alt="trend")
    elif view == "items":  # 整改事项: the meeting's decisions due this quarter, and where they stand
        quarter, rows = data
        st.title(tm("screen_items", scope=title, quarter=quarter)
                 + (tm("part_of_parts", part=part, parts=parts) if parts > 1 else ""))
        st.html(followup_views.screen_table(rows))
    else:
        st.title(tm("screen_warnings", scope=title, day=dated(data_date))
                 + (tm("part_of_parts", part=part, parts=parts) if parts > 1 else ""))
        key = "court_name" if district else "division"
        shown = data[[key, "past_limit", "near_15", "over_12m", "over_18m", "over_36m"]]
        shown = shown.rename(columns={key: t("unit"), **{k: kind_name(k, L) for k in KINDS}})
        st.html(f"<style>[data-testid=stTable] {{--rows: {len(shown) + 1};}}</style>")  # few rows: taller ones
        plain.table(shown.set_index(t("unit")))


rotating_view()
