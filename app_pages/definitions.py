"""指标说明: every indicator's definition and formula from the catalogue, with its range."""
from __future__ import annotations

import streamlit as st

from metrics.api import catalogue_frame
from metrics.catalogue import GROUPS
from metrics.evaluation import load_config
from ui.i18n import lang, t
from ui.layout import page_header

page_header("definitions")
L = lang()
config = load_config()
if config.illustrative:
    st.info("合理区间为示例值，仅供演示；请在 config/evaluation.toml 中按本院口径设置。" if L == "zh" else
            "The reference ranges are illustrative demo values; set your court's own in config/evaluation.toml.")
frame = catalogue_frame(config, L)
direction = {"higher": ("越高越好", "higher is better"), "lower": ("越低越好", "lower is better"),
             "none": ("参考", "context only")}
for group, (zh, en) in GROUPS.items():
    part = frame[frame["group"] == group]
    st.subheader(zh if L == "zh" else en)
    shown = part.assign(
        direction=part["direction"].map(lambda d: direction[d][0 if L == "zh" else 1]),
        range=[("—" if lo is None or lo != lo else f"[{lo:g}, {hi:g}]") for lo, hi in zip(part["low"], part["high"])],
    )[["id", "name", "formula", "direction", "unit", "range"]]
    labels = {"id": "ID", "name": t("indicator"), "formula": "口径" if L == "zh" else "Definition",
              "direction": "方向" if L == "zh" else "Direction", "unit": "单位" if L == "zh" else "Unit",
              "range": t("range")}
    st.dataframe(shown.rename(columns=labels), hide_index=True, alt=zh)
