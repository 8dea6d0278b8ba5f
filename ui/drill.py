"""The cases behind a figure: deciding cases first, filterable to them, paged, exported whole."""
from __future__ import annotations

import streamlit as st

from metrics.catalogue import BY_ID
from metrics.drill import Rule, rule
from ui import queries
from ui.export import download_xlsx
from ui.i18n import lang, t
from ui.plain import tm
from ui.tables import show

EXPORT_LIMIT = 200_000  # rows in one Excel file; a longer list asks for a narrower scope
HIDDEN = ["court_code", "judge_id"]  # kept in the export, not on screen


def _readable(rows, keep_flags: bool):
    rows = rows.assign(status=rows["status"].map(lambda s: t(f"status_{s}")))
    return rows if keep_flags else rows.drop(columns=["decides"])


def case_list(q, ctx, indicator: str, unit: str | None = None) -> None:
    """The cases of the indicator's numerator and denominator for the scope of q, with the facts
    that decide (metrics/drill.py says which). `unit` names the court, division or judge for the
    export's filter sheet."""
    how = rule(BY_ID[indicator])
    visits = BY_ID[indicator].needs_visits  # a visit indicator lists its letters and visits (metrics/visit_drill.py)
    key = f"drill_{q.court}_{q.division}_{q.judge_id}_{q.team}_{indicator}"
    only = how is not Rule.NONE and st.session_state.get(key + "_only", False)
    page = st.session_state.get(key + "_page", 0)
    listed = queries.behind(q, indicator, only, page, queries.CASES_PAGE)
    shown_total = listed.deciding if only else listed.total
    pages = max(1, -(-shown_total // queries.CASES_PAGE))
    if how is not Rule.NONE:
        st.caption(t(f"visit_rule_{how.value}") if visits else t(f"deciding_rule_{how.value}"))
        st.toggle(tm("only_deciding_visits" if visits else "only_deciding", n=listed.deciding), key=key + "_only",
                  on_change=lambda: st.session_state.update({key + "_page": 0}))
        st.caption(tm("visits_deciding" if visits else "cases_deciding", total=listed.total, deciding=listed.deciding,
                      page=page + 1, pages=pages))
    else:
        st.caption(tm("visits_page" if visits else "cases_page", total=listed.total, page=page + 1, pages=pages))
    rows = _readable(listed.rows, how is not Rule.NONE)
    show(rows.drop(columns=[c for c in HIDDEN if c in rows.columns]), alt="visits" if visits else "cases")
    with st.container(horizontal=True):
        # the page turned in the click's callback, before the run it starts (in a fragment: the fragment's)
        st.button(t("previous"), disabled=page == 0, key=key + "_prev",
                  on_click=lambda: st.session_state.update({key + "_page": page - 1}))
        st.button(t("next"), disabled=page + 1 >= pages, key=key + "_next",
                  on_click=lambda: st.session_state.update({key + "_page": page + 1}))
        if shown_total > EXPORT_LIMIT:
            st.caption(tm("export_too_long", limit=EXPORT_LIMIT))
        else:
            extra = {**({t("unit"): unit} if unit else {}), t("indicator"): BY_ID[indicator].name(lang()),
                      t("only_deciding_filter"): t("yes") if only else t("no")}
            download_xlsx(lambda: _readable(queries.behind(q, indicator, only, 0, None).rows, how is not Rule.NONE),
                          "visits" if visits else "cases", q, ctx, key=key + "_xlsx", extra=extra)
