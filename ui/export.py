"""Every table downloads as .xlsx with the filter values and the data date written in it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from present.text import tr
from present.xlsx import workbook
from ui.i18n import category, lang, t
from ui.session import current_user


def xlsx_bytes(table: pd.DataFrame, filters: dict, sheet: str = "data", lang: str = "zh") -> bytes:
    """The table on one sheet, and the filters (with 数据截至) on a sheet of their own."""
    return workbook({sheet: table, tr("filters_sheet", lang): pd.DataFrame(
        list(filters.items()), columns=[tr("filter", lang), tr("value", lang)])})


def download_xlsx(table: pd.DataFrame, name: str, f, ctx: dict, key: str) -> None:
    """A download button; the file is made, and the export logged, only when it is downloaded."""
    yes_no = lambda v: t("yes") if v else t("no")  # noqa: E731
    filters = {t("court"): f.court, t("with_district"): yes_no(f.district), t("period"): f.period,
               t("cumulative"): yes_no(f.cumulative), t("category"): category(f.category) if f.category else t("all"),
               **({t("division"): f.division} if f.division else {}),
               **({t("judge"): f.judge_id} if f.judge_id else {}), t("data_date"): str(ctx["data_date"])}
    file_name = f"{name}_{f.period}.xlsx"
    user = current_user()
    st.download_button(t("export"), logged_download(user.username if user else "?", file_name, filters,
                                                    lambda: xlsx_bytes(table, filters, name, lang())),
                       file_name=file_name, mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=key, icon=":material/download:", on_click="ignore")


def logged_download(username: str, file_name: str, filters: dict, make):
    """Deferred download data that writes the export to the audit log when it is generated."""
    def data() -> bytes:
        from security import audit

        audit.record(username, "export", f"{file_name} {filters}")
        return make()
    return data
