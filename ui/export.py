"""Every table downloads as .xlsx with the filter values and the data date written in it."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from ui.i18n import t
from ui.session import current_user


def xlsx_bytes(table: pd.DataFrame, filters: dict, sheet: str = "data") -> bytes:
    """The table on one sheet, and the filters (with 数据截至) on a sheet of their own."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        table.to_excel(xl, sheet_name=sheet[:31], index=False)
        pd.DataFrame(list(filters.items()), columns=["筛选条件 filter", "值 value"]).to_excel(
            xl, sheet_name="筛选条件 filters", index=False)
    return buf.getvalue()


def download_xlsx(table: pd.DataFrame, name: str, f, ctx: dict, key: str, **scope) -> None:
    """A download button; the file is made, and the export logged, only when it is downloaded."""
    filters = {"法院 court": f.court, "含辖区 district": f.district, "期间 period": f.period,
               "年初累计 cumulative": f.cumulative, "类别 category": f.category or "全部",
               **{f"{k}": v for k, v in scope.items() if v}, "数据截至 data date": str(ctx["data_date"])}
    file_name = f"{name}_{f.period}.xlsx"
    user = current_user()
    st.download_button(t("export"), logged_download(user.username if user else "?", file_name, filters,
                                                    lambda: xlsx_bytes(table, filters, name)),
                       file_name=file_name, mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=key, icon=":material/download:", on_click="ignore")


def logged_download(username: str, file_name: str, filters: dict, make):
    """Deferred download data that writes the export to the audit log when it is generated."""
    def data() -> bytes:
        from security import audit

        audit.record(username, "export", f"{file_name} {filters}")
        return make()
    return data
