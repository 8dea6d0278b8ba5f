"""One visual language: the same colour-blind-safe colours for meets / falls short everywhere."""
from __future__ import annotations

from present.text import tr

# Okabe–Ito palette: blue = meets, vermillion = outside on the worse side, orange = outside on the better side
MEETS, WORSE, BETTER, NO_RANGE = "#0072B2", "#D55E00", "#E69F00", "#999999"
STATUS_COLORS = {"badge": {True: "blue", False: "orange"}}
# Screens at least this wide (CSS px) get type this much larger, pages (ui/style.py) and their charts
# (present/charts.py) alike: a 4K screen at 100% reads as a browser zoomed to 150% would.
WIDE_TYPE = {2400: 1.25, 3000: 1.5}
# 新收, 已结, 未结: one colour each wherever they are drawn (the dashboard, the big screen)
FLOW_COLORS = {"received": "#0072B2", "closed": "#56B4E9", "pending": "#D55E00"}


def _none(x):
    """pandas turns None into NaN in object columns."""
    return None if x is None or x != x else x


def status_color(status: str | None, side: str | None) -> str:
    status, side = _none(status), _none(side)
    if status is None:
        return NO_RANGE
    if status == "meets":
        return MEETS
    return BETTER if side == "better" else WORSE


def falls_short(status: str | None, side: str | None) -> bool:
    """Outside the range on the worse side (what 对口认领 asks an owner to move)."""
    return _none(status) in ("above", "below") and _none(side) != "better"


def status_label(status: str | None, side: str | None, lang: str = "zh") -> str | None:
    status, side = _none(status), _none(side)
    if status is None:
        return None
    label = tr(f"status_{status}", lang)
    return label + tr("status_better", lang) if side == "better" else label
