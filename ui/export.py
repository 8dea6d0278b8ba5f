"""Every table downloads as .xlsx with the filter values and the data date written in it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from present.text import tr
from present.xlsx import workbook
from ui import queries
from ui.i18n import category, columns, in_language_of_run, lang, t
from ui.tables import whole_numbers
from ui.session import current_user


def xlsx_bytes(table: pd.DataFrame, filters: dict, sheet: str = "data", lang: str = "zh",
               formats: dict | None = None) -> bytes:
    """The table on one sheet (number formats by column), and the filters (with 数据截至) on a sheet
    of their own."""
    return workbook({sheet: table, tr("filters_sheet", lang): pd.DataFrame(
        list(filters.items()), columns=[tr("filter", lang), tr("value", lang)])}, {sheet: formats or {}})


def filters_of(f, ctx: dict, extra: dict | None = None) -> dict:
    """The filters of a view as written into its exports: names as the interface shows them."""
    yes_no = lambda v: t("yes") if v else t("no")  # noqa: E731
    names = queries.courts().set_index("court_code")["court_name"]
    period = ({t("period"): f.period_obj.describe(lang()), t("cumulative"): yes_no(f.cumulative)}
              if ctx.get("with_period", True) else {})
    cases = ({t("category"): category(f.category) if f.category else t("all"), t("enterprise_only"): yes_no(f.enterprise)}
             if ctx.get("with_case_filters", True) else {})
    return {t("court"): f"{names.get(f.court, f.court)}（{f.court}）", t("with_district"): yes_no(f.district), **period,
            **cases,
            **({t("division"): f.division} if f.division else {}),
            **({t("team"): f.team} if f.team else {}),
            **({t("judge"): f.judge_id} if f.judge_id else {}), **(extra or {}),
            t("data_date"): str(ctx["data_date"])}


def download_xlsx(table, name: str, f, ctx: dict, key: str, extra: dict | None = None,
                  formats: dict | None = None) -> None:
    """A download button for `table` (a frame, or a function making it or it and its `formats`:
    called only when the file is downloaded, so a long list is read, and a sheet written, only
    then); the export is logged. Headers in the interface's language."""
    file_name = f"{name}_{f.period if ctx.get('with_period', True) else ctx['data_date']}.xlsx"
    user = current_user()

    def make(filters: dict) -> bytes:
        made = table() if callable(table) else table
        frame, number_formats = made if isinstance(made, tuple) else (made, formats)
        flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
        frame = frame.assign(**{c: frame[c].map({True: t("yes"), False: t("no")}) for c in flags})
        return xlsx_bytes(columns(whole_numbers(frame)), filters, name, lang(), number_formats)

    def data() -> bytes:  # the filters too are written out only when the file is downloaded
        filters = filters_of(f, ctx, extra)
        return logged_download(user.username if user else "?", file_name, filters, lambda: make(filters))()

    st.download_button(t("export"), in_language_of_run(data),
                       file_name=file_name, mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=key, icon=":material/download:", on_click="ignore")


def logged_download(username: str, file_name: str, filters: dict, make):
    """Deferred download data that writes the export to the audit log when it is generated (in the
    language of the run that offered it)."""
    def data() -> bytes:
        from security import audit

        audit.record(username, "export", f"{file_name} {filters}")
        return make()
    return in_language_of_run(data)
