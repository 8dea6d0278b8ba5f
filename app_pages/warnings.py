"""节点管控: near or past the time limit, long pending, remanded, extended, appeals not transferred —
counts by unit that open the list, with export; and 清积, the year-start backlog cleared month by
month against an even pace to December 31."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from metrics.management import backlog_progress
from metrics.warnings import KINDS, counted_from_today, kind_name, visits_overdue_name
from present import charts
from present.theme import MEETS, NO_RANGE
from ui import queries, vega
from ui.export import download_xlsx
from ui.i18n import columns, label_of, lang, t
from ui.plain import md, tm
from ui.layout import data_age_notice, page_context
from ui.tables import show
from ui.session import current_access
from ui.url_state import url_widget
from ui.visit_tables import overdue_table

SHOWN = 5000  # rows on screen; the export holds them all

f, ctx = page_context("warnings", with_period=False)  # warnings are taken on the data date
L = lang()
access = current_access()
as_of = ctx["data_date"]
st.caption(tm("warnings_as_of", day=as_of))
data_age_notice(as_of)

choices = list(access.rule.compare_levels)
by = url_widget(st.segmented_control, t("count_by"), choices, "wby", required=True,
                format_func=label_of("count_"))
transfer_days = st.number_input(t("transfer_after"), 1, 90, 5,
                                key="transfer_days", width=220)
counts = queries.warning_counts(f, as_of, by, int(transfer_days))
names = {k: kind_name(k, L) for k in KINDS if k != "pending"}
shown = columns(counts.drop(columns=["pending"]).rename(columns=names))
if counts.empty:
    st.info(t("no_data"))
    st.stop()
event = show(shown, on_select="rerun", selection_mode="single-row", key="warn_counts",
                     alt="warning counts")
download_xlsx(shown, f"warnings_by_{by}", f, ctx, key="dl_warn_counts")

kind = url_widget(st.selectbox, t("list"), list(names), "kind", format_func=names.get,
                  width=320)
rows = event.selection.rows if event and event.selection else []
unit = counts.iloc[rows[0]] if rows and 0 <= rows[0] < len(counts) else None
court, division, judge, team = f.court, None, None, None
district = f.district
if unit is not None:
    court, district = unit["court_code"], False
    division = unit.get("division") if by == "division" else None
    judge = unit.get("judge_id") if by == "judge" else None
    team = unit.get("team") if by == "team" else None
    st.caption(t("selected") + md(" · ".join(str(unit[c]) for c in counts.columns[:3] if c in unit)))
cases = queries.warning_list(f.narrow(court=court, district=district, division=division, judge_id=judge, team=team),
                             as_of, kind,
                             int(transfer_days))
st.subheader(tm("list_title", name=names[kind], n=len(cases)))
cases = counted_from_today(cases, as_of, dt.date.today())  # the list is the data date's; the limit's date and days left today's
cols = ["case_no", "court_name", "division", "judge_name", "case_type", "filed_date", "days_on_hand",
        "due_date", "days_left_today", "extended_days", "deducted_days", "appeal_waiting"]
listed = cases[cols]
if len(listed) > SHOWN:
    st.caption(tm("rows_shown", shown=SHOWN, total=len(listed)))
show(listed.head(SHOWN), alt="warning list")
download_xlsx(listed, f"warning_{kind}", f, ctx, key="dl_warn_list")

# 信访超期未办结: the visits (not cases) of the same unit pending over 60 days, when a visits list is stored
if queries.has_visits():
    visits = queries.overdue_visits(f.narrow(court=court, district=district, division=division, judge_id=judge),
                                    as_of)
    st.subheader(tm("list_title", name=visits_overdue_name(L), n=len(visits)))
    if visits.empty:
        st.info(t("visits_no_overdue"))
    else:
        overdue_table(visits, SHOWN, f, ctx, "warning_visits_overdue", "dl_warn_visits")

# 清积: the year-start backlog of the data date's year, per unit, month by month against an even pace.
st.subheader(tm("backlog_title", year=as_of.year))
backlog = queries.backlog(f, as_of)
if backlog.empty:
    st.info(t("no_backlog"))
else:
    cleared = int((backlog["status"] == "cleared").sum())
    st.caption(tm("backlog_caption", n=len(backlog), cleared=cleared, share=f"{cleared / len(backlog):.1%}",
                  day=as_of))
    progress = backlog_progress(backlog, as_of)
    lines = pd.concat([progress.assign(series=t("backlog_cleared_share"), pct=progress["share"] * 100),
                       progress.assign(series=t("backlog_even_pace"), pct=progress["even"] * 100)])
    vega.altair(alt.Chart(lines).mark_line(point=True).encode(
        x=alt.X("month:O", title=None, axis=charts.month_axis(L)), y=alt.Y("pct:Q", title="%", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=[MEETS, NO_RANGE])),
        strokeDash=alt.StrokeDash("series:N", legend=None),
        tooltip=[alt.Tooltip("month:O", title=t("month")), alt.Tooltip("series:N", title=t("value")),
                 alt.Tooltip("pct:Q", title="%", format=".1f")]), alt=t("backlog_title"))
    unit_cols = {"court": ["court_code", "court_name"], "division": ["court_name", "division"],
                 "team": ["court_name", "team"], "judge": ["court_name", "division", "judge_name"]}[by]
    by_unit = backlog[backlog["team"] != ""] if by == "team" else backlog  # a case with no team is in none
    per_unit = by_unit.groupby(unit_cols, sort=False).agg(
        backlog=("case_no", "size"), cleared=("status", lambda s: int((s == "cleared").sum()))).reset_index()
    per_unit["left"] = per_unit["backlog"] - per_unit["cleared"]
    per_unit["share"] = (per_unit["cleared"] / per_unit["backlog"]).map(lambda v: f"{v:.1%}")
    per_unit = per_unit.sort_values(["left", "backlog"], ascending=False).drop(columns=["court_code"], errors="ignore")
    show(columns(per_unit.rename(columns={"backlog": t("backlog_total"), "cleared": t("backlog_cleared"),
                                          "left": t("backlog_left"), "share": t("backlog_cleared_share")})),
         alt="backlog by unit")
    listed = backlog.assign(status=backlog["status"].map(lambda s: t(f"status_{s}")))[
        ["case_no", "court_name", "division", "judge_name", "case_type", "filed_date", "closed_date", "status", "age_days"]]
    with st.expander(tm("backlog_cases", n=len(listed))):
        show(columns(listed.head(SHOWN)), alt="backlog cases")
    download_xlsx(columns(listed), "backlog", f, ctx, key="dl_backlog")
