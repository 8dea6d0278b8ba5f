"""会商报告: the 数据会商 briefing for the chosen scope and period — preview, .docx and Excel pack."""
from __future__ import annotations

import streamlit as st

from report.briefing import headline_rows, outlook_text, short_text, unit_rows, warning_rows
from ui import queries
from ui.export import logged_download
from ui.session import current_user
from ui.i18n import t
from ui.layout import page_context

f, ctx = page_context("briefing")
briefing, docx_bytes, xlsx_bytes = queries.briefing(f)
username = current_user().username
with st.container(horizontal=True):
    name = f"数据会商报告_{briefing.scope_name}_{f.period}"
    st.download_button("下载 Word 报告 / Download .docx",
                       logged_download(username, f"{name}.docx", briefing.filters, lambda: docx_bytes),
                       file_name=f"{name}.docx", key="dl_docx", on_click="ignore", icon=":material/description:",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button("下载 Excel 数据包 / Download Excel pack",
                       logged_download(username, f"{name}.xlsx", briefing.filters, lambda: xlsx_bytes),
                       file_name=f"{name}.xlsx", key="dl_pack", on_click="ignore", icon=":material/table:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

with st.container(border=True):
    st.header(briefing.title)
    st.caption(f"范围：{briefing.scope_name}　期间：{briefing.period_text}　数据截至：{briefing.data_date}")
    st.subheader("一、总体情况")
    st.write(briefing.summary)
    st.table({h: [r[i] for r in headline_rows(briefing)] for i, h in enumerate(["指标", "本期", "同比", "合理区间", "评价"])})
    st.subheader("二、未达标指标及主要影响单位")
    for ind_id, r, movers in briefing.short:
        st.write(short_text(ind_id, r, movers))
    st.subheader("三、各单位对比")
    header, rows = unit_rows(briefing)
    st.table({h: [r[i] for r in rows] for i, h in enumerate(header)})
    st.subheader("四、节点管控预警")
    header, rows = warning_rows(briefing)
    if rows:
        st.table({h: [r[i] for r in rows] for i, h in enumerate(header)})
    st.subheader("五、年末预测")
    for line in outlook_text(briefing.outlook) if briefing.outlook else ["本期不在数据截至日所在年度，不作年末预测。"]:
        st.write(line)
