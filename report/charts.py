"""Altair charts rendered to PNG for documents, with a CJK font so Chinese labels render."""
from __future__ import annotations

import functools
import os

import altair as alt
import pandas as pd
import vl_convert as vlc

FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts"]
FONT = "Noto Sans CJK SC"


@functools.cache
def _register_fonts() -> None:
    for d in FONT_DIRS:
        if os.path.isdir(d):
            vlc.register_font_directory(d)


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    _register_fonts()
    spec = chart.configure(font=FONT).to_dict()
    return vlc.vegalite_to_png(spec, scale=scale)


def flow_chart(flow: pd.DataFrame, names: dict[str, str], y_title: str = "件") -> alt.LayerChart:
    """收结存 by month: received and closed as bars, pending as a line (flow: label, indicator, value)."""
    flow = flow.assign(series=flow["indicator"].map(names), value=flow["value"].astype(float))
    bars = alt.Chart(flow[flow.indicator != "pending"]).mark_bar().encode(
        x=alt.X("label:O", title=None), xOffset="series:N", y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#0072B2", "#56B4E9"])))
    line = alt.Chart(flow[flow.indicator == "pending"]).mark_line(point=True, color="#D55E00").encode(
        x="label:O", y=alt.Y("value:Q", title=names["pending"]))
    return alt.layer(bars, line).resolve_scale(y="independent").properties(width=520, height=220)


def unit_bars(units: pd.DataFrame, title: str, percent: bool, colors: list[str]) -> alt.Chart:
    """Ranked bars of one indicator across units (units: name, value)."""
    data = units.assign(plot=units["value"].astype(float) * (100 if percent else 1), color=colors)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("name:N", sort="-x", title=None), x=alt.X("plot:Q", title=title + (" (%)" if percent else "")),
        color=alt.Color("color:N", scale=None)).properties(width=460, height=max(120, 18 * len(data)))
