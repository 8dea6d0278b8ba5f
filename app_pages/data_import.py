"""数据导入 (admin): upload a case list; the dashboard keeps serving the old data until the new file is complete."""
from __future__ import annotations

import os
import tempfile

import streamlit as st

from data.ingest import ingest
from data.reader import UnusableFile
from security import audit
from ui.database import db_path
from ui.i18n import lang, t
from ui.layout import page_header
from ui.session import current_user

zh = lang() == "zh"
user = current_user()
page_header("data_import")
st.write("上传案件信息表（CSV、Excel 或 Parquet，中英文表头均可）。导入在新文件中完成后才替换当前数据库，导入期间看板照常使用旧数据。"
         if zh else "Upload a case list (CSV, Excel or Parquet; Chinese or English headers). The import builds a new "
         "file and switches to it only when complete; the dashboard keeps serving the old data meanwhile.")
cases_file = st.file_uploader("案件信息表" if zh else "Case list", type=["csv", "xlsx", "parquet"], key="up_cases")
courts_file = st.file_uploader("法院名录（可选，默认沿用现有名录）" if zh else "Court list (optional; the current one is kept)",
                               type=["csv", "xlsx", "parquet"], key="up_courts")
if cases_file and st.button("开始导入" if zh else "Import", type="primary", key="do_import"):
    with tempfile.TemporaryDirectory() as tmp:
        cases_path = os.path.join(tmp, os.path.basename(cases_file.name))
        with open(cases_path, "wb") as out:
            out.write(cases_file.getvalue())
        courts_path = None  # without a new court list the stored one is kept
        if courts_file:
            courts_path = os.path.join(tmp, "courts_" + os.path.basename(courts_file.name))
            with open(courts_path, "wb") as out:
                out.write(courts_file.getvalue())
        rejects = os.path.join(tmp, "rejects.csv")
        with st.spinner("正在导入…" if zh else "Importing…"):
            try:
                result = ingest(cases_path, courts_path, db_path(), rejects)
            except UnusableFile as e:
                audit.record(user.username, "import", f"failed: {cases_file.name}: {e}")
                st.error(str(e))
                st.stop()
        audit.record(user.username, "import", f"{cases_file.name}: read {result.rows_read}, accepted "
                                               f"{result.accepted}, rejected {result.rejected}")
        cols = st.columns(4)
        cols[0].metric("读取" if zh else "Rows read", f"{result.rows_read:,}")
        cols[1].metric("接收" if zh else "Accepted", f"{result.accepted:,}")
        cols[2].metric("拒绝" if zh else "Rejected", f"{result.rejected:,}")
        cols[3].metric("其中更新" if zh else "Of which updates", f"{result.updated:,}")
        if result.rejected:
            with open(rejects, "rb") as fh:
                st.download_button("下载被拒绝的行" if zh else "Download the rejected rows", fh.read(),
                                   file_name="rejects.csv", mime="text/csv", key="dl_rejects", on_click="ignore")
        st.success("导入完成，看板已切换到新数据" if zh else "Imported; the dashboard now shows the new data")
