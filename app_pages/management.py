"""审判管理: 院庭长办案 (the share, what each leader closed, leaders who closed none), 四类案件 (the
review rate and the list, unreviewed first), 简转普 (the rate by division and the cases)."""
from __future__ import annotations

import altair as alt
import streamlit as st

from metrics.catalogue import BY_ID, View, in_view
from present import charts, format as fmt
from present.theme import MEETS, WORSE
from ui import queries, vega
from ui.cards import card_grid
from ui.export import download_xlsx
from ui.i18n import columns, lang, t
from ui.layout import page_context
from ui.plain import tm
from ui.tables import show

f, ctx = page_context("management")
L = lang()
IDS = in_view(View.MANAGEMENT)
table = queries.table(f, None, tuple(IDS)).set_index("indicator")
card_grid(IDS, table)


def _status(frame):
    return frame.assign(status=frame["status"].map(lambda s: t(f"status_{s}")),
                        **({"reviewed": frame["reviewed"].map({True: t("yes"), False: t("no")})}
                           if "reviewed" in frame else {}))


st.subheader(t("leaders_title"))
leaders = queries.leaders(f)
leaders["position"] = leaders["position"].map(lambda p: t(f"position_{p}"))
if leaders.empty:
    st.info(t("no_judges_list"))
else:
    idle = leaders[leaders["closed"] == 0]
    st.caption(tm("leaders_caption", n=len(leaders), idle=len(idle),
                  mean=f"{leaders['closed'].mean():.1f}"))
    if f.category or f.enterprise:  # a leader of another line closes none of this line's cases
        st.caption(t("leaders_narrowed"))
    by_position = leaders.groupby("position", sort=False)["closed"].agg(["count", "mean"]).reset_index()
    vega.altair(alt.Chart(by_position).mark_bar(color=MEETS).encode(
        y=alt.Y("position:N", sort=list(by_position["position"]), title=None),
        x=alt.X("mean:Q", title=t("closed_per_leader"), axis=alt.Axis(tickCount=charts.TICKS)),
        tooltip=[alt.Tooltip("position:N", title=t("position")), alt.Tooltip("count:Q", title=t("leaders_count")),
                 alt.Tooltip("mean:Q", title=t("closed_per_leader"), format=".1f")]).properties(height=alt.Step(26)),
        alt=t("closed_per_leader"))
    listed = leaders[["court_name", "division", "judge_name", "position", "closed"]]
    show(columns(listed), alt="leaders")
    download_xlsx(columns(listed), "leaders", f, ctx, key="dl_leaders")

st.subheader(t("four_types_title"))
four = queries.four_types(f)
rate = table.loc["four_types_review_rate"]
st.caption(tm("four_types_caption", rate=fmt.value(BY_ID["four_types_review_rate"], rate["value"], L),
              unreviewed=int((~four["reviewed"]).sum()), n=len(four)))
if four.empty:
    st.info(t("no_data"))
else:
    shown = _status(four.drop(columns=["judge_id"]))
    show(columns(shown), alt="four types")
    download_xlsx(columns(shown), "four_types", f, ctx, key="dl_four_types")

st.subheader(t("procedure_change_title"))
by_division = queries.table(f, "division", ("procedure_change_rate",))
by_division = by_division[by_division["denominator"] > 0].copy()
if by_division.empty:
    st.info(t("no_data"))
else:
    courts = queries.courts().set_index("court_code")["court_name"]
    several = by_division["court_code"].nunique() > 1
    by_division["unit"] = (by_division["court_code"].map(courts) + " " if several else "") + by_division["division"]
    by_division["pct"] = by_division["value"] * 100
    by_division["shown"] = [f"{v:.2f}% ({int(n)}/{int(d)})" for v, n, d in
                            zip(by_division["pct"], by_division["numerator"], by_division["denominator"])]
    by_division = by_division.sort_values("pct", ascending=False).head(40)
    high = by_division["high"].dropna()
    bars = alt.Chart(by_division).mark_bar().encode(
        y=alt.Y("unit:N", sort=list(by_division["unit"]), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("pct:Q", title=BY_ID["procedure_change_rate"].name(L) + " (%)", axis=alt.Axis(tickCount=charts.TICKS)),
        color=alt.condition(f"datum.pct > {float(high.iloc[0]) * 100 if len(high) else 100}",
                            alt.value(WORSE), alt.value(MEETS)),
        tooltip=[alt.Tooltip("unit:N", title=t("division")), alt.Tooltip("shown:N", title=t("value"))])
    vega.altair(bars.properties(height=alt.Step(22)), alt=t("procedure_change_title"))
    changed, total = queries.drill(f, "procedure_change_rate", "numerator", 0, 500)
    st.caption(tm("cases_first", total=total, shown=min(total, 500)))
    listed = changed[["case_no", "court_name", "division", "judge_name", "procedure", "filed_date", "closed_date"]]
    show(columns(listed), alt="procedure changed")
