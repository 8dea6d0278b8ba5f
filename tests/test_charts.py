"""Chart rules a browser test would find slowly: header lines, tick counts, shared colours."""
from __future__ import annotations

import pandas as pd
import pytest
import vl_convert as vlc
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

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
                           wrap=5)
    expr = spec["layer"][0]["encoding"]["x"]["axis"]["labelExpr"]
    assert '"clearance ratio"' in expr and '["clearance", "ratio"]' in expr
    assert '"mediation"' not in expr  # one line: the label itself


def test_ranked_value_axis_ticks_follow_the_width_up_to_ten():
    frame = pd.DataFrame({"unit": ["a", "b"], "plot": [90.0, 95.0], "color": ["#000", "#000"], "shown": ["90", "95"]})
    spec = charts.ranked(frame, value_title="v", unit_title="u")
    marks = next(layer for layer in spec["layer"] if "y" in layer.get("encoding", {}))
    assert marks["encoding"]["x"]["axis"]["tickCount"] == {"expr": "max(2, min(10, floor(width / 80)))"}


def test_received_closed_pending_keep_their_colours():
    frame = pd.DataFrame({"label": ["2026-01"] * 3, "indicator": ["received", "closed", "pending"], "value": [1, 2, 3]})
    names = {"received": "新收", "closed": "已结", "pending": "未结"}
    scale = charts.flow(frame, names, "件", "未结")["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"])) == {names[k]: c for k, c in FLOW_COLORS.items()}


def _frames():
    units = pd.DataFrame({"unit": ["甲", "乙"], "plot": [90.0, 95.0], "color": ["#000", "#111"], "shown": ["90", "95"],
                          "note": ["", "说明"]})
    flow = pd.DataFrame({"label": ["2026-01"] * 3, "indicator": ["received", "closed", "pending"], "value": [1, 2, 3]})
    years = pd.DataFrame({"step": ["01", "01"], "label": ["2025-01", "2026-01"], "year": ["2025", "2026"],
                          "plot": [1.0, 2.0], "shown": ["1", "2"]})
    names = {"received": "新收", "closed": "已结", "pending": "未结"}
    return {
        "ranked dots": charts.ranked(units, value_title="v", unit_title="u", low=80.0, high=99.0, reference=92.0,
                                     selection="unit", grow=True, note_title="批注"),
        "ranked bars": charts.ranked(units.assign(plot=[10.0, 95.0]), value_title="v", unit_title="u", low=50.0,
                                     key_lang="en"),
        "heat map": charts.heat_map(units.assign(ind=["a", "b"]), x="ind", x_order=["a", "b"], y="unit",
                                    y_order=["乙", "甲"], tooltip=[("unit:N", "单位")], text="shown", selection="unit"),
        "flow with a note": charts.flow(flow, names, "件", "未结", "zh", {"2026-01": "<b>说明</b>"}),
        "monthly bars": charts.monthly_bars(flow[["label", "value"]], "件", "en", {"2026-01": "n"}),
        "year lines": charts.year_lines(years, step_title="月", value_title="v", year_title="年", shown_title="值",
                                        notes={"2026-01": "n"}, steps={"2026-01": "01"}),
        "paired bars": charts.paired_bars(units.rename(columns={"unit": "court"}).assign(series="涉企"), order=["甲"],
                                          series=["涉企", "全部"], value_title="v", unit_title="u", series_title="s",
                                          shown_title="值"),
        "composite bars": charts.composite_bars(units.assign(composite=[1.0, 2.0], change_shown=["+1", "-1"]),
                                                unit_title="u", composite_title="c", change_title="ch"),
        "composite histogram": charts.composite_histogram(pd.DataFrame({"composite": [66.0, 71.0]}),
                                                          composite_title="c", units_title="n"),
        "points lost": charts.points_lost(pd.DataFrame({"ind_name": ["x"], "lost": [1.5]}), indicator_title="i",
                                          lost_title="l"),
    }


@pytest.mark.parametrize("name", list(_frames()))
def test_every_chart_is_valid_vega_lite_and_draws(name):
    """The charts are written as plain dicts: each is checked against the Vega-Lite schema and drawn by
    Vega (vl-convert), its data written as JSON rows as a document gets them."""
    spec = charts.inline(_frames()[name])
    validate_jsonschema(spec, load_schema())
    assert all(isinstance(rows, list) for rows in spec["datasets"].values())
    assert "<svg" in vlc.vegalite_to_svg(spec)


def test_a_selection_names_the_view_it_picks_in():
    spec = _frames()["ranked dots"]
    views = [layer.get("name") for layer in spec["layer"] if layer.get("name")]
    assert spec["params"] == [{"name": "unit", "select": {"type": "point", "fields": ["unit"]}, "views": views}]
    assert len(views) == 1 and next(layer for layer in spec["layer"] if layer.get("name"))["mark"]["type"] == "circle"


def test_notes_go_with_the_months_drawn_only():
    flow = pd.DataFrame({"label": ["2026-01"] * 3, "indicator": ["received", "closed", "pending"], "value": [1, 2, 3]})
    names = {"received": "新收", "closed": "已结", "pending": "未结"}
    assert "notes" not in charts.flow(flow, names, "件", "未结", notes={"2025-12": "gone"})["datasets"]
    spec = charts.flow(flow, names, "件", "未结", notes={"2026-01": "kept", "2025-12": "gone"})
    assert list(spec["datasets"]["notes"]["note"]) == ["kept"]


def test_inline_keeps_full_precision():
    spec = charts.inline({"datasets": {"d": pd.DataFrame({"v": [95 * 1.1, float("nan")]})}})
    assert spec["datasets"]["d"] == [{"v": 95 * 1.1}, {"v": None}]


def test_a_month_chart_with_notes_keeps_its_month_labels():
    frame = pd.DataFrame({"label": ["2026-01", "2026-02"], "value": [3, 4]})
    svg = vlc.vegalite_to_svg(charts.inline(charts.monthly_bars(frame, "件", "zh", {"2026-02": "说明"})))
    assert "1月" in svg and "2月" in svg


def test_a_year_chart_with_notes_keeps_its_axis_title():
    years = pd.DataFrame({"step": ["01", "02"], "label": ["2026-01", "2026-02"], "year": ["2026", "2026"],
                          "plot": [1.0, 2.0], "shown": ["1", "2"]})
    spec = charts.year_lines(years, step_title="月份", value_title="v", year_title="年", shown_title="值",
                             notes={"2026-02": "说明"}, steps={"2026-02": "02"})
    svg = vlc.vegalite_to_svg(charts.inline(spec))
    assert "月份" in svg and ">01<" in svg and ">02<" in svg
