"""指标说明: every indicator's definition and formula from the catalogue, with its range."""
from __future__ import annotations

import streamlit as st

from metrics.api import catalogue_frame
from metrics.catalogue import GROUPS, group_name
from metrics.evaluation import load_config
from present.text import unit as unit_name
from ui.i18n import lang, t
from ui.plain import md
from ui.layout import page_header
from ui.tables import show

page_header("definitions")
L = lang()
config = load_config()
if config.illustrative:
    st.info(t("ranges_illustrative"))
frame = catalogue_frame(config, L)
for group in GROUPS:
    part = frame[frame["group"] == group]
    st.subheader(md(group_name(group, L)))
    shown = part.assign(
        direction=part["direction"].map(lambda d: t(f"direction_{d}")),
        unit=part["unit"].map(lambda u: unit_name(u, L)),
        range=[("—" if lo is None or lo != lo else f"[{lo:g}, {hi:g}]") for lo, hi in zip(part["low"], part["high"])],
    )[["id", "name", "formula", "direction", "unit", "range"]]
    labels = {"id": "ID", "name": t("indicator"), "formula": t("definition"), "direction": t("direction"), "unit": t("unit_col"),
              "range": t("range")}
    show(shown.rename(columns=labels), alt=group_name(group, "en"))
