"""Chart rules a browser test would find slowly: header lines, tick counts, shared colours."""
from __future__ import annotations

import pandas as pd

from metrics.catalogue import BY_ID, View, in_view
from present import charts
from present.theme import FLOW_COLORS


def test_english_headers_break_between_words_only():
    for ind in in_view(View.SCREEN_HEAT):
        name = BY_ID[ind].name("en")
        lines = charts.header_lines(name, 5)
        assert " ".join(lines) == name, lines
        assert all(len(line) <= 12 or " " not in line for line in lines), lines
    assert charts.header_lines("clearance ratio", 5) == ["clearance", "ratio"]


def test_chinese_headers_in_even_lines():
    assert charts.header_lines("超12个月未结案件占比", 5) == ["超12个", "月未结案", "件占比"]
    assert charts.header_lines("审限内结案率", 5) == ["审限内", "结案率"]
    assert charts.header_lines("结收比", 5) == ["结收比"]


def test_heat_map_labels_get_their_lines():
    frame = pd.DataFrame({"ind": ["clearance ratio", "mediation"], "unit": ["a", "a"], "color": ["#000", "#000"]})
    spec = charts.heat_map(frame, x="ind", x_order=list(frame["ind"]), y="unit", y_order=["a"], tooltip=[],
                           wrap=5).to_dict()
    expr = spec["encoding"]["x"]["axis"]["labelExpr"]
    assert '"clearance ratio"' in expr and '["clearance", "ratio"]' in expr
    assert '"mediation"' not in expr  # one line: the label itself


def test_ranked_value_axis_ticks_follow_the_width_up_to_ten():
    frame = pd.DataFrame({"unit": ["a", "b"], "plot": [90.0, 95.0], "color": ["#000", "#000"], "shown": ["90", "95"]})
    spec = charts.ranked(frame, value_title="v", unit_title="u").to_dict()
    marks = next(layer for layer in spec["layer"] if "y" in layer.get("encoding", {}))
    assert marks["encoding"]["x"]["axis"]["tickCount"] == {"expr": "max(2, min(10, floor(width / 80)))"}


def test_received_closed_pending_keep_their_colours():
    frame = pd.DataFrame({"label": ["2026-01"] * 3, "indicator": ["received", "closed", "pending"], "value": [1, 2, 3]})
    names = {"received": "新收", "closed": "已结", "pending": "未结"}
    scale = charts.flow(frame, names, "件", "未结").to_dict()["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"])) == {names[k]: c for k, c in FLOW_COLORS.items()}
