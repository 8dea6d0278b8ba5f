"""Charts (present/charts.py specs) rendered to PNG for documents, with a CJK font so Chinese labels render."""
from __future__ import annotations

import functools
import os

import pandas as pd
import vl_convert as vlc

from present import charts, format as fmt
from present.theme import status_color

FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts"]
FONT = "Noto Sans CJK SC"


@functools.cache
def register_fonts() -> None:
    for d in FONT_DIRS:
        if os.path.isdir(d):
            vlc.register_font_directory(d)


def for_document(chart: charts.Spec) -> dict:
    """The chart as vl-convert draws it into a document: JSON data, labels in the CJK face."""
    register_fonts()
    return charts.inline(charts.configured(chart, font=FONT))


def to_png(chart: charts.Spec, scale: float = 2.0) -> bytes:
    return vlc.vegalite_to_png(for_document(chart), scale=scale)


def flow_chart(flow: pd.DataFrame, names: dict[str, str], y_title: str = "件", lang: str = "zh",
               title: str | None = None) -> charts.Spec:
    """收结存 by month, as on the overview page, sized for a page."""
    chart = {**charts.flow(flow, names, y_title, names.get("pending", ""), lang), "width": 520, "height": 220}
    return {**chart, "title": title} if title else chart


def unit_chart(units: pd.DataFrame, ind, title: str, unit_title: str, lang: str) -> charts.Spec:
    """One indicator across units (units: name, value, status, side, low, high), ranked, on an axis
    zoomed to the values with the range band, its title and a key."""
    scale = 100 if ind.is_rate else 1
    data = units.assign(unit=units["name"].astype(str), plot=units["value"].astype(float) * scale,
                        color=[status_color(s, d) for s, d in zip(units["status"], units["side"])],
                        shown=[fmt.value(ind, v, lang) for v in units["value"]])
    data = data.sort_values("plot", ascending=ind.direction == "lower")
    low, high = data["low"].dropna(), data["high"].dropna()
    chart = charts.ranked(data, value_title=ind.name(lang) + (" (%)" if ind.is_rate else ""), unit_title=unit_title,
                          low=low.iloc[0] * scale if len(low) else None, high=high.iloc[0] * scale if len(high) else None,
                          most=100 if ind.is_rate else None, row=20, key_lang=lang)
    return {**chart, "width": 460, "title": title}
