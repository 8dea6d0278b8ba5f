"""营商环境: 涉企 cases against all cases of the same scope and period — how long they take, how
many close within the time limit, how much enforcement recovers — for the scope and by court."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.catalogue import BY_ID, Kind
from present import charts, format as fmt, sheets
from ui import queries, vega
from ui.export import download_xlsx
from ui.i18n import lang, t
from ui.layout import page_context
from ui.plain import tm
from ui.tables import show

IDS = list(queries.BUSINESS_IDS)
f, ctx = page_context("business")
L = lang()
all_cases = f.narrow(enterprise=False)
enterprise = f.narrow(enterprise=True)
# All cases: the whole tables the other pages ask (computed once for all pages); 涉企 cases only
# here: their few indicators.
ours = queries.table(enterprise, indicators=queries.BUSINESS_IDS).set_index("indicator").loc[IDS]
every = queries.table(all_cases).set_index("indicator").loc[IDS]
st.caption(t("business_caption"))

st.subheader(tm("business_title", scope=ctx["scope_name"], period=f.period_obj.describe(L)))
for start in range(0, len(IDS), 4):
    for col, ind_id in zip(st.columns(4), IDS[start:start + 4]):
        ind = BY_ID[ind_id]
        mine, base = ours.loc[ind_id, "value"], every.loc[ind_id, "value"]
        gap = None if fmt.missing(mine) or fmt.missing(base) or ind.kind is Kind.COUNT else mine - base
        with col, st.container(border=True):
            st.metric(ind.name(L), fmt.value(ind, mine, L),
                      # our own figure, not escaped: st.metric reads its sign for the arrow and the colour
                      delta=None if gap is None else t("business_gap", gap=fmt.signed_change(
                          ind, gap * 100 if ind.is_rate else gap / base, L)),  # points for a rate, else relative
                      delta_color={"higher": "normal", "lower": "inverse"}.get(ind.direction, "off"))
            st.caption(tm("business_all", value=fmt.value(ind, base, L)))

# The same by court: 涉企 beside all cases for each court of the scope.
st.subheader(t("business_by_court"))
chosen = st.segmented_control(t("indicator"), list(queries.BUSINESS_CHARTED), required=True,
                              default="avg_duration", format_func=lambda i: BY_ID[i].name(L), key="business_ind")
ind = BY_ID[chosen]
by_court = pd.concat([
    # every charted indicator in one answer (the one the warming computes): another pick asks nothing new
    queries.table(enterprise, "court", queries.BUSINESS_CHARTED).assign(series=t("enterprise_cases")),
    queries.table(all_cases, "court").assign(series=t("all_cases"))])
by_court = by_court[by_court["indicator"] == chosen]
by_court = by_court.dropna(subset=["value"]).assign(
    plot=lambda d: d["value"].astype(float) * (100 if ind.is_rate else 1),
    shown=lambda d: [fmt.value(ind, v, L) for v in d["value"]], court=lambda d: d["name"].astype(str))
if by_court.empty:
    st.info(t("no_data"))
else:
    order = list(by_court[by_court["series"] == t("enterprise_cases")].sort_values(
        "plot", ascending=ind.direction == "lower")["court"])
    vega.draw(charts.paired_bars(by_court, order=order, series=[t("enterprise_cases"), t("all_cases")],
                                 value_title=ind.name(L) + (" (%)" if ind.is_rate else ""), unit_title=t("court"),
                                 series_title=t("unit"), shown_title=t("value")), alt=t("business_by_court"))

# The figures side by side, for the file.
side = pd.DataFrame({
    t("indicator"): [BY_ID[i].name(L) for i in IDS],
    t("enterprise_cases"): [fmt.value(BY_ID[i], ours.loc[i, "value"], L) for i in IDS],
    t("all_cases"): [fmt.value(BY_ID[i], every.loc[i, "value"], L) for i in IDS],
    t("enterprise_yoy"): [fmt.change(BY_ID[i], ours.loc[i, "yoy_change"], L) for i in IDS]})
show(side, alt="business")


def _export() -> tuple[pd.DataFrame, dict]:
    """The figures as a sheet, made only when it is downloaded."""
    export, formats = sheets.indicators(ours.reset_index(), L)
    export.insert(2, t("all_cases"), [fmt.excel_value(BY_ID[i], every.loc[i, "value"]) for i in IDS])
    formats[t("all_cases")] = [fmt.excel(BY_ID[i], L) for i in IDS]
    return export, formats


download_xlsx(_export, "business", enterprise, ctx, key="dl_business")
