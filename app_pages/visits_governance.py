"""访源治理: the visit indicators of the scope with 同比 and 达标; where visits come from (units
ranked by visits per 10,000 closed, and the cases behind a unit's visits: kind, how closed,
appealed); repeat petitioners (pseudonymous ids only) and their visits by month; visits pending
over 60 days. Every list passes the viewer's Access on the server (ui/queries)."""
from __future__ import annotations

import altair as alt
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from metrics.engine import GROUP_COLUMNS
from metrics.visit_lists import PER_10K, behind_counts
from present import charts, format as fmt
from present.theme import status_color, status_label
from ui import queries, vega
from ui.cards import card_grid
from ui.i18n import lang, t
from ui.layout import page_context
from ui.plain import tm
from ui.session import current_access
from ui.tables import show
from ui.url_state import url_widget
from ui.visit_tables import overdue_table

VISITS = in_view(View.SOURCE_VISITS)
SHOWN = 500  # rows of a list on screen
CHART_UNITS = 30  # units in the ranked chart

f, ctx = page_context("visits_governance")
L = lang()
if not queries.has_visits():
    st.info(t("visits_none"), icon=":material/inbox:")
    st.stop()

period = f.period_obj
table = queries.table(f, None, tuple(VISITS)).set_index("indicator")
card_grid(VISITS, table, per_row=3)  # 件/万件 values are wide: three to a row, none cut

# ---- where visits come from: units ranked by visits per 10,000 closed
st.subheader(t("visits_sources"))
access = current_access()
levels = {v: t(f"visits_by_{v}") for v in access.rule.compare_levels}  # the role's levels, teams among them
level = url_widget(st.segmented_control, t("count_by"), list(levels), "vlevel", required=True, format_func=levels.get)
ranked = queries.visit_sources(f, level)
names = queries.courts().set_index("court_code")["court_name"]


def _unit(row) -> str:
    """A unit as the page names it: a court by its name; a division, judge or team with its
    court when the scope holds several courts; the blank team said so."""
    if level == "court":
        return str(names.get(row["court_code"], row["court_code"]))
    own = str(row["name"]) if row["name"] else t("visits_no_team")
    return f"{names.get(row['court_code'], row['court_code'])} {own}" if f.district else own


if ranked.empty:
    st.info(t("visits_no_sources"))
else:
    ind = BY_ID[PER_10K]
    # each unit against the indicator's range (达标) and last year, from the indicator table
    judged = queries.table(f, level, (PER_10K,))[GROUP_COLUMNS[level] + ["low", "high", "status", "side", "yoy_change"]]
    ranked = ranked.merge(judged, on=GROUP_COLUMNS[level], how="left")
    ranked = ranked.assign(unit=[_unit(r) for r in ranked.to_dict("records")])
    rated = ranked[ranked["per_10k"].notna()]
    chart = rated.assign(plot=rated["per_10k"].astype(float),
                         color=[status_color(a, b) for a, b in zip(rated["status"], rated["side"])],
                         shown=[fmt.value(ind, v, L) for v in rated["per_10k"]])
    if len(chart) > CHART_UNITS:  # hundreds of judges: the chart the highest, the table every unit
        st.caption(tm("visits_top_units", n=CHART_UNITS))
        chart = chart.head(CHART_UNITS)
    if not chart.empty:
        low, high = chart["low"].iloc[0], chart["high"].iloc[0]
        vega.draw(charts.ranked(chart, value_title=ind.name(L), unit_title=t("unit"), value_title_short=t("value"),
                                low=None if fmt.missing(low) else float(low),
                                high=None if fmt.missing(high) else float(high), zoom=False, grow=True),
                  alt="visits per 10k closed")
    listed = ranked[["unit", "visits", "closed"]].assign(
        per_10k=[fmt.value(ind, v, L) for v in ranked["per_10k"]],
        yoy=[fmt.signed_change(ind, v, L) for v in ranked["yoy_change"]],
        status=[status_label(a, b, L) or "—" for a, b in zip(ranked["status"], ranked["side"])])
    show(listed.rename(columns={"unit": t("unit"), "visits": t("visits_count"), "closed": t("col_closed"),
                                "per_10k": ind.name(L), "yoy": t("col_yoy_change"), "status": t("col_status")}),
         alt="visit sources")

    # the cases behind one unit's visits: the 源头 the meetings ask about
    units = ranked.to_dict("records")
    chosen = st.selectbox(t("visits_unit"), range(len(units)), format_func=lambda i: units[i]["unit"], width=420)
    unit = units[chosen]
    narrowed = f.narrow(court=unit["court_code"], district=False,
                        **({"division": unit["division"]} if level == "division" else {}),
                        **({"judge_id": unit["judge_id"]} if level == "judge" else {}))
    visits = queries.visits_behind(narrowed, unit["team"] if level == "team" else None)
    named = int(visits["case_no"].notna().sum())
    st.caption(tm("visits_behind_caption", unit=unit["unit"], n=len(visits), named=named))
    if named:
        yes_no = {True: t("yes"), False: t("no")}
        cols = st.columns(3)
        for col, (column, title) in zip(cols, (("case_type", t("col_case_type")),
                                               ("closing_method", t("col_closing_method")),
                                               ("appealed", t("visits_appealed")))):
            counts = behind_counts(visits, column)
            if column == "appealed":
                counts[column] = counts[column].map(yes_no)
            counts[column] = counts[column].fillna(t("visits_not_closed")).astype(str)
            col.vega_lite_chart(vega.spec(alt.Chart(counts).mark_bar().encode(
                y=alt.Y(f"{column}:N", sort="-x", title=title),
                x=alt.X("visits:Q", title=t("visits_count"), axis=alt.Axis(tickMinStep=1)),
                tooltip=[alt.Tooltip(f"{column}:N", title=title), alt.Tooltip("visits:Q", title=t("visits_count")),
                         alt.Tooltip("cases:Q", title=t("col_cases"))])), alt=title)
        causes = behind_counts(visits, "cause").head(10)
        show(causes.rename(columns={"visits": t("visits_count"), "cases": t("col_cases")}), alt="causes")
        listed = visits.assign(appealed=visits["appealed"].map(yes_no))
        show(listed[["visit_no", "received_date", "case_no", "case_type", "cause", "closing_method", "closed_date",
                     "appealed"]].rename(columns={"received_date": t("visits_received_on"),
                                                  "appealed": t("visits_appealed")}).head(SHOWN),
             alt="visits and their cases")

# ---- repeat petitioners: pseudonymous ids, never names
st.subheader(t("visits_repeat_title"))
petitioners, months = queries.repeat_petitioners(f)
if petitioners.empty:
    st.info(t("visits_no_repeat"))
else:
    st.caption(tm("visits_repeat_caption", n=len(petitioners), visits=int(petitioners["visits"].sum())))
    top = list(petitioners["petitioner_id"].head(10))  # the chart's series: the ten with most visits
    series = months[months["petitioner_id"].isin(top)]
    vega.altair(alt.Chart(series).mark_bar().encode(
        x=alt.X("month:O", title=None, axis=charts.month_axis(L)),
        y=alt.Y("sum(visits):Q", title=t("visits_count"), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("petitioner_id:N", title=t("visits_petitioner"), sort=top),
        tooltip=[alt.Tooltip("month:O", title=t("month")), alt.Tooltip("petitioner_id:N", title=t("visits_petitioner")),
                 alt.Tooltip("visits:Q", title=t("visits_count"))]), alt="repeat petitioners by month")
    show(petitioners.rename(columns={"petitioner_id": t("visits_petitioner"), "visits": t("visits_count"),
                                     "first_date": t("visits_first"), "last_date": t("visits_last")}).head(SHOWN),
         alt="repeat petitioners")

# ---- visits pending over 60 days, at the period's end (or the data date, when earlier)
day = min(period.end, ctx["data_date"])
overdue = queries.overdue_visits(f, day)
st.subheader(tm("visits_overdue_title", n=len(overdue), day=day))
if overdue.empty:
    st.info(t("visits_no_overdue"))
else:
    overdue_table(overdue, SHOWN, f, ctx, "visits_overdue", "dl_visits_overdue")
    if len(overdue) > SHOWN:
        st.caption(tm("rows_shown", shown=SHOWN, total=len(overdue)))
