"""Words and axes that must say what the page draws: the colours a caption names, a 画像's
strengths and weaknesses around the middle of its peers, whole numbers on count axes, and no
language chosen by hand outside the catalogue."""
from __future__ import annotations

import glob
import os
import re
from types import SimpleNamespace

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from metrics import CATALOGUE, Period, Scope
from metrics.profile import AGE_BANDS, Profile
from present import charts, profile as pp
from present.text import tr
from present.theme import MEETS, NO_RANGE, WORSE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_assessment_caption_names_the_colours_the_bars_have():
    # the bars are drawn in MEETS (blue), WORSE (vermillion, which reads orange) and NO_RANGE (grey)
    assert (MEETS, WORSE, NO_RANGE) == ("#0072B2", "#D55E00", "#999999")
    zh, en = tr("composite_caption", "zh"), tr("composite_caption", "en")
    assert "橙红色：下降（退位）" in zh and "；红色" not in zh
    assert "vermillion: lower (moved down)" in en and "; red:" not in en


def _profile(percentiles: dict[str, float], cases: list[int] | None = None) -> Profile:
    indicators = pd.DataFrame({"indicator": list(percentiles), "value": [0.9] * len(percentiles),
                               "percentile": list(percentiles.values()), "peers": [8] * len(percentiles)})
    cases = cases or [1, 0, 1, 0, 0, 0]
    return Profile(level="court", scope=Scope(court="示0101"), period=Period.parse("2026Q3", cumulative=True),
                   indicators=indicators, composite=None, composite_prev=None, meets_rate=None, meets=0, judged=0,
                   peers=9, peer_division=None, history=pd.DataFrame(columns=["year", "label", "indicator", "value"]),
                   case_types=pd.DataFrame({"case_type": ["民初", "民终"], "cases": [1, 1]}),
                   causes=pd.DataFrame({"cause": ["合同纠纷", None], "cases": [1, 1]}),
                   ages=pd.DataFrame({"band": [b[0] for b in AGE_BANDS], "cases": cases}),
                   warnings={"past_limit": 1, "near_15": 0})


def test_the_middle_of_the_peers_is_neither_a_strength_nor_a_weakness():
    p = _profile({"within_limit_rate": 50.0, "mediation_rate": 87.5, "closure_rate": 0.0, "reversal_remand_rate": 31.25})
    assert list(p.strengths()["indicator"]) == ["mediation_rate"]
    assert list(p.weaknesses()["indicator"]) == ["closure_rate", "reversal_remand_rate"]
    colors = dict(zip(pp.standing_frame(p, "zh")["indicator"], pp.standing_frame(p, "zh")["color"]))
    assert colors == {"mediation_rate": MEETS, "within_limit_rate": NO_RANGE, "reversal_remand_rate": WORSE,
                      "closure_rate": WORSE}


def test_a_weakness_says_how_many_peers_do_better():
    row = SimpleNamespace(indicator="closure_rate", value=0.8, percentile=0.0)
    assert pp.standing_line(row, "zh").endswith("，落后于同级 100%")
    assert pp.standing_line(row, "en").endswith(": behind 100% of peers")
    row = SimpleNamespace(indicator="closure_rate", value=0.8, percentile=31.25)
    assert pp.standing_line(row, "zh").endswith("，落后于同级 69%")
    strong = SimpleNamespace(indicator="closure_rate", value=0.8, percentile=87.5)
    assert pp.standing_line(strong, "zh").endswith("，优于同级 88%")


def _axis_labels(chart: alt.TopLevelMixin | charts.Spec, axis: str) -> list[str]:
    """The labels Vega (the browser's renderer) draws on the chart's X or Y axis, read from its SVG."""
    svg = vlc.vegalite_to_svg(charts.inline(chart) if isinstance(chart, dict) else chart.to_dict())
    groups = re.findall(rf'aria-label="{axis}-axis[^"]*".*?role-axis-label"[^>]*>(.*?)</g>', svg, flags=re.S)
    assert groups, f"no {axis} axis"
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", x)).strip()  # a label's lines as one
            for g in groups for x in re.findall(r"<text[^>]*>(.*?)</text>", g, flags=re.S)]


@pytest.mark.parametrize("chart", ["types_chart", "causes_chart", "ages_chart", "warnings_chart"])
def test_count_axes_of_a_profile_show_whole_numbers(chart):
    labels = _axis_labels(getattr(pp, chart)(_profile({"within_limit_rate": 60.0}), "zh"), "X")
    assert "0" in labels and "1" in labels
    assert [x for x in labels if not x.isdigit()] == []  # no 0.2, 0.4 …


def test_the_assessment_distribution_counts_whole_units():
    frame = pd.DataFrame({"composite": [66.0, 71.0, 78.0]})
    labels = _axis_labels(charts.composite_histogram(frame, composite_title="c", units_title="n"), "Y")
    assert "0" in labels and "1" in labels and [x for x in labels if not x.isdigit()] == []


def _heat(names: list[str], **kwargs) -> charts.Spec:
    frame = pd.DataFrame({"ind": names, "unit": "示0101", "color": MEETS, "shown": "91.67%"})
    return charts.heat_map(frame, x="ind", x_order=names, y="unit", y_order=["示0101"], tooltip=[], **kwargs)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_compare_heat_map_shows_indicator_names_whole(lang):
    names = [i.name(lang) for i in CATALOGUE]
    assert _axis_labels(_heat(names), "X") == names  # none cut with "…"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_big_screen_heat_map_wraps_names_without_cutting_words(lang):
    names = [i.name(lang) for i in CATALOGUE]
    drawn = _axis_labels(_heat(names, font=26, column=150, x_label_limit=150, x_angle=0, wrap=5), "X")
    assert "…" not in "".join(drawn)
    assert [d.replace(" ", "") for d in drawn] == [n.replace(" ", "") for n in names]
    if lang == "en":
        assert drawn == names  # the lines broken between words only
    assert max(len(line) for n in names for line in charts.header_lines(n, 5)) <= (5 if lang == "zh" else 16)


SWITCH = re.compile(r"""\b(L|lang|lang\(\))\s*[!=]=\s*["'](zh|en)["']""")


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(ROOT, "app_pages", "*.py"))
                                  + glob.glob(os.path.join(ROOT, "ui", "*.py"))), ids=os.path.basename)
def test_pages_leave_the_choice_of_language_to_the_catalogue(path):
    """Words and punctuation per language live in present/text.py; a page asks it (ui/i18n.py
    keeps the one switch that says which language is on)."""
    if path.endswith(os.path.join("ui", "i18n.py")):
        return
    with open(path, encoding="utf-8") as f:
        found = [line.strip() for line in f if SWITCH.search(line)]
    assert found == []
