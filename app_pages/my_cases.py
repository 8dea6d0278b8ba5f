"""我的案件: a judge's pending cases by days left to the time limit, figures against the division, closings."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics.catalogue import BY_ID
from present import charts, format as fmt
from ui import damaged, queries, vega
from ui.cards import figure_row
from ui.export import download_xlsx
from ui.i18n import columns, lang, t
from ui.plain import tm
from metrics.warnings import counted_from_today, week_end
from ui.layout import data_age_notice, page_context
from ui.tables import show
from ui.session import current_access
from present.theme import status_label

DUE_WITHIN = (7, 15, 30)  # days: this week, the 15-day warning, this month


@damaged.fragment
def my_cases() -> None:
    """The page. A filter change reruns this fragment only: not the sign-in checks, the sidebar and the navigation."""
    f, ctx = page_context("my_cases")
    L = lang()
    access = current_access()
    as_of = ctx["data_date"]
    today = dt.date.today()
    mine = f.narrow(district=False, division=access.division, judge_id=access.judge_id)

    data_age_notice(as_of)  # the list is the data's; the days left are today's
    st.subheader(tm("my_pending", day=as_of))
    pending = queries.warning_list(mine, as_of, "pending")
    if pending.empty:
        st.info(t("no_pending"))
    else:
        pending = counted_from_today(pending, as_of, today)
        sunday = week_end(today)

        def mark(days: int, due: dt.date) -> str:
            if days < 0:
                return t("past_limit")
            if due <= sunday:
                return t("due_this_week")
            return next((t("within_n", n=n) for n in DUE_WITHIN if days <= n), "")
        shown = pending.assign(mark=[mark(d, due) for d, due in zip(pending["days_left_today"], pending["due_date"])])[
            ["mark", "days_left_today", "due_date", "case_no", "case_type", "procedure", "cause", "filed_date",
             "limit_days", "extended_days", "deducted_days", "days_on_hand"]]
        left = pending["days_left_today"]
        this_week = ((left >= 0) & (pending["due_date"] <= sunday)).sum()
        # each "due within n days" counts every case due by then, overdue ones aside
        figure_row([(t("pending"), f"{len(shown):,}"), (t("past_limit_n"), f"{(left < 0).sum():,}"),
                    (t("due_this_week"), f"{this_week:,}")]
                   + [(t("due_within", n=n), f"{left.between(0, n).sum():,}") for n in DUE_WITHIN])
        show(shown, alt="pending cases")
        download_xlsx(columns(shown), "my_pending", f, ctx, key="dl_pending")

    st.subheader(t("my_figures"))
    my_figures = queries.table(mine)
    division = queries.table(mine.narrow(judge_id=None))
    compare = my_figures[["indicator", "value", "status", "side", "low", "high"]].merge(
        division[["indicator", "value"]].rename(columns={"value": "division"}), on="indicator")
    rows = []
    for r in compare.to_dict("records"):
        ind = BY_ID[r["indicator"]]
        if ind.group == "source":  # pre-filing mediation and population belong to courts, not judges
            continue
        rows.append({t("indicator"): ind.name(L), t("mine"): fmt.value(ind, r["value"], L),
                     t("my_division"): fmt.value(ind, r["division"], L),
                     t("range"): "—" if fmt.missing(r["low"]) else f"{fmt.value(ind, r['low'], L)} ~ {fmt.value(ind, r['high'], L)}",
                     t("status"): status_label(r["status"], r["side"], L) or "—"})
    show(pd.DataFrame(rows), alt="my figures")

    left, right = st.columns(2)
    with left:
        st.subheader(t("my_closings"))
        monthly = queries.series(mine, f.period_obj.year, "month", ("closed",))
        monthly = monthly[monthly["label"] <= as_of.strftime("%Y-%m")]
        vega.draw(charts.monthly_bars(monthly[["label", "value"]].reset_index(drop=True), t("closed"), L),
                  alt="closings by month")
    with right:
        month = as_of.strftime("%Y-%m")
        st.subheader(tm("closed_this_month", month=month))
        closed, total = queries.drill(mine.narrow(period=month, cumulative=False), "closed", "numerator", 0, 200)
        st.caption(tm("cases_total", total=total))
        listed = closed[["case_no", "case_type", "filed_date", "closed_date", "closing_method", "days"]]
        show(listed, alt="closed this month")


my_cases()
