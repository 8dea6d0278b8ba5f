"""A second reference for bench/browser_bench.py: the dashboard's landing page without the
dashboard. The same kinds and numbers of elements as a leader's 态势总览 after sign-in (a
navigation of 14 pages in four sections, the filter row, headings, a written summary, a metric,
a block of 12 HTML cards, a 10-row table, a three-series monthly chart, the language switch and a
sign-out button), drawn from constants behind an 进入 button, with no data, queries or checks.

What the dashboard costs beyond this app is the dashboard's own work; what this app costs beyond
the trivial app is what Streamlit's browser side takes to draw that many elements.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

st.set_page_config(page_title="elements", layout="wide")

SECTIONS = {"分析": ["态势总览", "对比分析", "综合评估", "画像", "趋势分析"],
            "专项": ["节点管控", "审判管理", "执行", "营商环境", "诉源治理"],
            "会商": ["会商报告", "大屏"], "参考": ["指标说明", "数据概况"]}
MONTHS = [f"2026-{m:02d}" for m in range(1, 10)]
CARD = ("<div style='border:1px solid #ddd;border-radius:8px;padding:12px'><div>{name}</div>"
        "<div style='font-size:2rem'>{value}</div><div style='color:#c33'>↓ -0.30个百分点 同比</div>"
        "<div>未达标 · 低于区间</div><div style='color:#888'>认领：民一庭</div></div>")


def landing() -> None:
    st.title("态势总览")
    st.caption("数据截至 2026-09-30 · 示范省演示数据")
    row = st.columns([3, 1, 2, 2, 1, 2, 1])
    row[0].selectbox("法院", ["明湖市中级人民法院", "示范省高级人民法院"])
    row[1].toggle("含辖区", value=True)
    row[2].segmented_control("期间类型", ["季度", "月", "年份"], default="季度")
    row[3].selectbox("期间", ["2026Q3", "2026Q2"])
    cumulative = row[4].toggle("年初累计", value=True)
    row[5].selectbox("类别", ["全部", "民事"])
    row[6].toggle("涉企")
    st.subheader("本期概述")
    st.write("2026年前三季度，新收677,980件，同比上升6.1%；已结643,066件，同比上升6.9%；"
             + ("累计。" if cumulative else "当期。"))
    st.metric("达标率", "61.54% （16/26 项）")
    st.subheader("核心指标")
    cards = "".join(CARD.format(name=f"指标{i}", value=f"{90 + i}.{i}%") for i in range(12))
    st.html(f"<div style='display:grid;grid-template-columns:repeat(4,1fr);gap:12px'>{cards}</div>")
    st.subheader("未达标指标与认领")
    st.dataframe(pd.DataFrame({"指标": [f"指标{i}" for i in range(10)], "值": [f"{80 + i}%" for i in range(10)],
                               "区间": ["85% – 95%"] * 10, "状态": ["未达标"] * 10, "认领": ["民一庭"] * 10}))
    st.subheader("收结存")
    flow = pd.DataFrame([(m, s, 1000 + 37 * i + 100 * j) for i, m in enumerate(MONTHS)
                         for j, s in enumerate(["新收", "已结", "未结"])], columns=["月", "系列", "件数"])
    bars = alt.Chart(flow[flow["系列"] != "未结"]).mark_bar().encode(x="月:O", xOffset="系列:N", y="件数:Q",
                                                                    color="系列:N")
    line = alt.Chart(flow[flow["系列"] == "未结"]).mark_line(point=True).encode(x="月:O", y="件数:Q")
    st.altair_chart(alt.layer(bars, line).resolve_scale(y="independent"))
    st.subheader("说明")
    st.markdown("口径见指标说明。")
    st.subheader("导出")
    st.button("下载")
    st.html("<p style='color:#888'>示范省演示数据</p>")


if not st.session_state.get("in"):
    st.title("审判质效看板")
    st.button("进入", on_click=lambda: st.session_state.update({"in": True}))
    st.stop()
pages = {s: [st.Page(landing if s == "分析" and i == 0 else (lambda: st.write("…")), title=t, url_path=f"p{s}{i}",
                     default=s == "分析" and i == 0) for i, t in enumerate(titles)] for s, titles in SECTIONS.items()}
st.html("<style>.stMainBlockContainer {padding-top: 3rem}</style>")
st.html("<span></span>")
with st.sidebar:
    st.segmented_control("语言 / Language", ["中文", "English"], default="中文")
    st.segmented_control("显示", ["标准", "大屏"], default="标准")
    st.text_input("案号")
    st.text_input("链接", value="http://127.0.0.1/?court=示01&period=2026Q3")
    st.button("复制链接")
    st.caption("演示：院领导")
    st.button("退出登录", on_click=lambda: st.session_state.update({"in": False}))
st.navigation(pages).run()
