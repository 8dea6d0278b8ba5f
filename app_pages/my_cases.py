"""我的案件: a judge's pending cases by days left to the time limit, figures against the division, closings."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from metrics.catalogue import BY_ID
from present import format as fmt
from ui import queries
from ui.drill import LABELS
from ui.export import download_xlsx
from ui.i18n import lang, t
from ui.layout import page_context
from ui.session import current_access
from present.theme import MEETS, status_label

f, ctx = page_context("my_cases")
L = lang()
zh = L == "zh"
access = current_access()
as_of = ctx["data_date"]
mine = f.narrow(district=False, division=access.division, judge_id=access.judge_id)

st.subheader(f"未结案件（截至 {as_of}，按剩余审限排序）" if zh else f"Pending cases on {as_of}, by days left")
pending = queries.warning_list(mine, as_of, "pending")
if pending.empty:
    st.info("目前没有未结案件" if zh else "No pending cases")
else:
    def mark(days: int) -> str:
        if days < 0:
            return "已超审限" if zh else "past the limit"
        if days <= 15:
            return "≤15天" if zh else "≤ 15 days"
        if days <= 30:
            return "≤30天" if zh else "≤ 30 days"
        return ""
    shown = pending.assign(mark=pending["days_left"].map(mark))[
        ["mark", "days_left", "case_no", "case_type", "procedure", "cause", "filed_date", "limit_days",
         "extended_days", "deducted_days", "days_on_hand"]]
    counts = shown["mark"].value_counts()
    cols = st.columns(4)
    cols[0].metric("未结" if zh else "Pending", f"{len(shown):,}")
    cols[1].metric("已超审限" if zh else "Past the limit", f"{counts.get('已超审限' if zh else 'past the limit', 0):,}")
    cols[2].metric("15天内到期" if zh else "Due within 15 days", f"{counts.get('≤15天' if zh else '≤ 15 days', 0):,}")
    cols[3].metric("30天内到期" if zh else "Due within 30 days", f"{counts.get('≤30天' if zh else '≤ 30 days', 0):,}")
    labels = {"mark": "提示", "days_left": "剩余审限天数", "case_no": "案号", "case_type": "类型", "procedure": "程序",
              "cause": "案由", "filed_date": "立案日期", "limit_days": "审限", "extended_days": "延长",
              "deducted_days": "扣除", "days_on_hand": "已用天数"}
    st.dataframe(shown.rename(columns=labels) if zh else shown, hide_index=True, alt="pending cases")
    download_xlsx(shown.rename(columns=labels), "my_pending", f, ctx, key="dl_pending")

st.subheader("本人指标与本部门对比" if zh else "My figures against my division")
my_figures = queries.table(mine)
division = queries.table(mine.narrow(judge_id=None))
compare = my_figures[["indicator", "value", "status", "side", "low", "high"]].merge(
    division[["indicator", "value"]].rename(columns={"value": "division"}), on="indicator")
rows = []
for r in compare.to_dict("records"):
    ind = BY_ID[r["indicator"]]
    if ind.group in ("source",) or ind.id in ("lawsuits_per_10k",):
        continue
    rows.append({"指标" if zh else "Indicator": ind.name(L), "本人" if zh else "Mine": fmt.value(ind, r["value"], L),
                 "本部门" if zh else "Division": fmt.value(ind, r["division"], L),
                 t("range"): "—" if fmt.missing(r["low"]) else f"{fmt.value(ind, r['low'], L)} ~ {fmt.value(ind, r['high'], L)}",
                 "评价" if zh else "Status": status_label(r["status"], r["side"], L) or "—"})
st.dataframe(pd.DataFrame(rows), hide_index=True, alt="my figures")

left, right = st.columns(2)
with left:
    st.subheader("本人每月结案" if zh else "My closings by month")
    monthly = queries.series(mine, f.period_obj.year, "month", ("closed",))
    monthly = monthly[monthly["label"] <= as_of.strftime("%Y-%m")]
    st.altair_chart(alt.Chart(monthly).mark_bar(color=MEETS).encode(
        x=alt.X("label:O", title=None), y=alt.Y("value:Q", title=t("closed")),
        tooltip=["label", alt.Tooltip("value:Q", title=t("closed"))]), alt="closings by month")
with right:
    month = as_of.strftime("%Y-%m")
    st.subheader(f"本月已结（{month}）" if zh else f"Closed this month ({month})")
    closed, total = queries.drill(mine.narrow(period=month, cumulative=False), "closed", "numerator", 0, 200)
    st.caption(f"共 {total:,} 件" if zh else f"{total:,} cases")
    listed = closed[["case_no", "case_type", "filed_date", "closed_date", "closing_method", "days"]]
    st.dataframe(listed.rename(columns=LABELS) if zh else listed, hide_index=True, alt="closed this month")
