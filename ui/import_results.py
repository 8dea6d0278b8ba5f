"""What the import page offers around an import: the template to fill in, and after an import
the rejected rows on the page (their spreadsheet lines, the reasons in the interface's
language) with a workbook of them to correct and import again (data/rejects.py, written in
the import's limited child: it reads the uploaded files again)."""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from data import template
from data.reader import UnusableFile
from data.sandbox import rejects_sheet_isolated
from present import text

from .database import db_path
from .i18n import lang, t
from .plain import tm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False)
def _template(language: str) -> bytes:
    return template.workbook(lambda key, **values: text.tr(key, language, **values), language)


def template_button() -> None:
    st.download_button(t("download_template"), _template(lang()), file_name=f"{t('template_file_name')}.xlsx",
                       mime=XLSX, key="dl_template", on_click="ignore", icon=":material/download:")


def rejected_rows(paths: list[str], names: list[str], rejects_csv: str, folder: str,
                  key_label: str = "col_case_no") -> None:
    """The rejected rows of the import just run: listed, and offered as a workbook and as the
    command line's rejects file; `key_label`: the text key of the column naming a row (案号, 信访编号)."""
    st.subheader(t("rejects_title"))
    sheet = os.path.join(folder, "rejects.xlsx")
    try:
        listed = rejects_sheet_isolated(paths, names, rejects_csv, sheet, lang(),
                                        (t("col_line"), t("col_reason"), t("col_file")), db_path())
    except UnusableFile as e:
        st.warning(tm("rejects_sheet_failed", why=str(e)))
        listed = None
    if listed:
        st.caption(tm("rejects_intro", n=f"{listed['total']:,}"))
        if listed["total"] > len(listed["rows"]):
            st.caption(tm("rejects_first", shown=f"{len(listed['rows']):,}", n=f"{listed['total']:,}"))
        frame = pd.DataFrame(listed["rows"], columns=[t("col_line"), t(key_label), t("col_reason"), t("col_file")])
        st.dataframe(frame if listed["several"] else frame.drop(columns=[t("col_file")]), hide_index=True,
                     key="rejected_rows")
        with open(sheet, "rb") as fh:
            st.download_button(t("download_rejects_fix"), fh.read(), file_name=f"{t('rejects_file_name')}.xlsx",
                               mime=XLSX, key="dl_rejects_xlsx", on_click="ignore", type="primary")
    with open(rejects_csv, "rb") as fh:
        st.download_button(t("download_rejects"), fh.read(), file_name="rejects.csv", mime="text/csv",
                           key="dl_rejects", on_click="ignore")
