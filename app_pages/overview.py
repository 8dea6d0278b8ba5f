"""态势总览: headline indicators with 同比/环比 and 达标, 收结存 by month, a written summary."""
from __future__ import annotations

import streamlit as st

from metrics.api import meets_rates
from metrics import ownership
from metrics.catalogue import BY_ID, View, in_view
import pandas as pd

from present import charts, format as fmt
from present.theme import falls_short, status_label
from ui.tables import show
from ui import damaged, followup_views, queries, vega
from ui.cards import card_grid
from ui import followup_form
from ui.i18n import lang, t
from ui.plain import md
from ui.layout import page_context
from present.summary import period_summary

HEADLINE = in_view(View.OVERVIEW)


@damaged.fragment
def overview() -> None:
    """The page. A filter change reruns this fragment only: not the sign-in checks, the sidebar and the navigation."""
    f, ctx = page_context("overview")
    table = queries.table(f)
    rows = table.set_index("indicator")
    L = lang()

    st.subheader(t("summary"))
    st.write(md(period_summary(table, ctx["scope_name"], f.period_obj.describe(L), L)))
    meets = meets_rates(table).iloc[0]
    st.metric(t("meets_rate"), t("meets_rate_value", rate=fmt.percent(meets["meets_rate"]), meets=int(meets["meets"]),
                                 judged=int(meets["judged"])), help=t("meets_rate_help"), width="content")

    st.subheader(t("headline"))
    order = sorted(HEADLINE, key=lambda i: (rows.loc[i, "status"] not in ("above", "below") or rows.loc[i, "side"] == "better",
                                           HEADLINE.index(i)))
    owned = ownership.load()
    card_grid(order, rows, owners={i: owned.owner(i, f.court) for i in rows.index})

    # 对口认领: every indicator out of range on the worse side, with the division that owns it.
    short = table[[falls_short(s, d) for s, d in zip(table["status"], table["side"])]]
    if len(short):
        st.subheader(t("short_owned"))
        show(pd.DataFrame({
            t("indicator"): [BY_ID[i].name(L) for i in short["indicator"]],
            t("value"): [fmt.value(BY_ID[i], v, L) for i, v in zip(short["indicator"], short["value"])],
            t("range"): [f"{fmt.value(BY_ID[i], lo, L)} – {fmt.value(BY_ID[i], hi, L)}"
                         for i, lo, hi in zip(short["indicator"], short["low"], short["high"])],
            t("status"): [status_label(s, d, L) for s, d in zip(short["status"], short["side"])],
            t("owner"): [owned.owner(i, f.court) or "—" for i in short["indicator"]]}), alt="owners")
        followup_form.shortfall_buttons(list(short["indicator"]), "overview", court=f.court, district=f.district)

    followup_views.items_list(f.court, f.district, key="overview_items")

    st.subheader(t("flow"))
    year = f.period_obj.year
    flow = queries.series(f, year, "month", tuple(in_view(View.FLOW)))
    flow = flow[flow["label"] <= f.period_obj.end.strftime("%Y-%m")]
    if flow.empty:
        st.info(t("no_data"))
    else:
        names = {"received": t("received"), "closed": t("closed"), "pending": t("pending")}
        vega.draw(charts.flow(flow, names, t("count"), t("pending"), L, notes=followup_views.month_notes(f, tuple(names))),
                  alt=t("flow"))


overview()
