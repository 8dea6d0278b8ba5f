"""数据导入 (admin): upload a case list; the dashboard keeps serving the old data until the new file
is complete. The import runs in a child process with memory and time limits (data/sandbox.py):
a crafted file can end its own import, never the server. Earlier versions of the database are
listed below, and one can be put back (data/versions.py), recorded in the audit log."""
from __future__ import annotations

import os
import tempfile

import pandas as pd
import streamlit as st

from data import versions
from data.reader import UnusableFile
from data.sandbox import ingest_isolated
from security import audit
from ui.database import db_path
from ui.i18n import t
from ui.layout import page_header
from ui.plain import md, tm
from ui.tables import show
from ui.session import current_user

user = current_user()
page_header("data_import")
st.write(t("import_intro"))
cases_file = st.file_uploader(t("case_list_file"), type=["csv", "xlsx", "parquet"], key="up_cases")
courts_file = st.file_uploader(t("court_list_file"),
                               type=["csv", "xlsx", "parquet"], key="up_courts")


def _failed(message: str) -> None:
    audit.record(user.username, "import", f"failed: {cases_file.name}: {message}")
    st.error(md(message))
    st.stop()


if cases_file and st.button(t("do_import"), type="primary", key="do_import"):
    with tempfile.TemporaryDirectory() as tmp:
        # the file's own name only in messages: on disk it is ours
        cases_path = os.path.join(tmp, "cases" + os.path.splitext(cases_file.name)[1].lower()[:8])
        courts_path = None  # without a new court list the stored one is kept
        rejects = os.path.join(tmp, "rejects.csv")
        with st.spinner(t("importing")):
            try:
                with open(cases_path, "wb") as out:
                    out.write(cases_file.getvalue())
                if courts_file:
                    courts_path = os.path.join(tmp, "courts" + os.path.splitext(courts_file.name)[1].lower()[:8])
                    with open(courts_path, "wb") as out:
                        out.write(courts_file.getvalue())
                result = ingest_isolated(cases_path, courts_path, db_path(), rejects)
            except UnusableFile as e:
                _failed(str(e).replace(os.path.basename(cases_path), cases_file.name, 1))
            except OSError as e:  # the upload could not be written (a full disk)
                _failed(f"{t('import_disk')} ({e.strerror})")
        audit.record(user.username, "import", f"{cases_file.name}: read {result.rows_read}, accepted "
                                               f"{result.accepted}, rejected {result.rejected}")
        cols = st.columns(4)
        cols[0].metric(t("rows_read"), f"{result.rows_read:,}")
        cols[1].metric(t("accepted"), f"{result.accepted:,}")
        cols[2].metric(t("rejected"), f"{result.rejected:,}")
        cols[3].metric(t("updated"), f"{result.updated:,}")
        if result.rejected:
            with open(rejects, "rb") as fh:
                st.download_button(t("download_rejects"), fh.read(),
                                   file_name="rejects.csv", mime="text/csv", key="dl_rejects", on_click="ignore")
        if result.changed:
            st.success(t("imported"))
        else:
            st.warning(t("import_nothing"))


st.subheader(t("versions_title"))
if done := st.session_state.pop("_rolled_back", None):  # said after the rerun that shows the new state
    st.success(tm("rolled_back", name=done[0], source=done[1]))
kept = versions.list_versions(db_path())
if not kept:
    st.caption(tm("versions_none", n=versions.keep_count()))
else:
    st.caption(tm("versions_intro", n=versions.keep_count()))
    show(pd.DataFrame([{"version": v.name, "kind": t(f"kind_{v.kind}") if v.kind in ("demo", "import") else v.kind,
                        "source": v.source, "cases": v.cases, "data_date_col": v.data_date, "built": v.built_at,
                        "in_use": t("yes") if v.current else ""} for v in kept]), alt="versions")
    with st.form("rollback"):
        chosen = st.selectbox(t("rollback_to"), [v.name for v in kept], key="rollback_version")
        sure = st.checkbox(t("rollback_sure"), key="rollback_sure")
        if st.form_submit_button(t("rollback_do"), type="secondary") and sure:
            back = versions.rollback(db_path(), chosen)
            audit.record(user.username, "rollback", f"{back.name}: {back.kind} {back.source} ({back.cases} cases)")
            st.session_state["_rolled_back"] = (back.name, back.source)
            st.rerun()
