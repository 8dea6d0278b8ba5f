"""Charts drawn the same way on the pages, the big screen and in the Word briefing.

Every row and column is labelled: discrete axes are sized by a step per row (never squeezed
into a fixed height), labels are never dropped for overlapping (Vega's default), long unit names
are cut with "…" and given whole in the tooltip; a heat map's indicator names are shown whole.
Rates that sit close together (84%–98%) are drawn as dots on an axis zoomed to the values and
the range, with the scale shown, not as bars on 0–100 that all look the same.

Each chart is a Vega-Lite spec written as a plain dict (building it through Altair costs 15–20 ms
of a page's run, most of it copying and validating Altair's objects); its data are DataFrames in
the spec's `datasets`, which Streamlit sends as Arrow. `inline` makes a spec JSON (documents, the
schema tests). The helpers' axes and colours are dicts that Altair charts take as well.
"""
from __future__ import annotations

import json
import re
import threading

import pandas as pd

from present.text import tr
from present.theme import BETTER, FLOW_COLORS, MEETS, NO_RANGE, WIDE_TYPE, WORSE

Spec = dict  # a Vega-Lite spec; its datasets may be DataFrames
# Altair's theme and data transformer are the process's: whoever turns an Altair chart into its spec
# holds this (the pages' charts, ui/vega.py; a profile's sheet, report/profile_sheet.py)
ALTAIR_SETTINGS = threading.Lock()

ROW = 26  # px per row of a ranked chart or a heat map
# Ticks on a value axis: one per 80 px, at most 10 (Vega's default, one per 40 px, puts ~90 on a 4K screen).
TICKS = {"expr": "max(2, min(10, floor(width / 80)))"}
_TYPES = {"N": "nominal", "O": "ordinal", "Q": "quantitative"}


def field(shorthand: str, **kwargs) -> dict:
    """An encoding of a field written "name:N" (N nominal, O ordinal, Q quantitative)."""
    name, kind = shorthand.rsplit(":", 1)
    return {"field": name, "type": _TYPES[kind], **kwargs}


def tips(items: list) -> list[dict]:
    """Tooltip fields from ("name:N", title) pairs."""
    return [field(shorthand, title=title) for shorthand, title in items]


def inline(spec: Spec) -> Spec:
    """The spec with its DataFrames written as JSON rows (for vl-convert and the schema)."""
    datasets = {name: _rows(data) if isinstance(data, pd.DataFrame) else data
                for name, data in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets} if datasets else spec


def _rows(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False, double_precision=15))


def configured(spec: Spec, **config) -> Spec:
    """The spec with Vega-Lite config entries (background, axis, legend, view …) merged in."""
    merged = dict(spec.get("config", {}))
    for key, value in config.items():
        merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
    return {**spec, "config": merged}


def _layered(layers: list[dict], datasets: dict[str, pd.DataFrame], params: list[dict] | None = None,
             **top) -> Spec:
    spec = {"layer": layers, "datasets": datasets, **top}
    return {**spec, "params": params} if params else spec


def layer(*specs: Spec, **top) -> Spec:
    """Specs drawn over each other: their datasets (distinct names) and selections go to the top."""
    datasets, params, layers = {}, [], []
    for spec in specs:
        datasets.update(spec.get("datasets", {}))
        params += spec.get("params", [])
        layers.append({k: v for k, v in spec.items() if k not in ("datasets", "params")})
    return _layered(layers, datasets, params, **top)


def grown(px: int) -> dict:
    """A size of chart text on a page (a font, how long a label may be): `px`, larger on a wide screen
    as the page's own type is."""
    factor = "1"
    for width, larger in sorted(WIDE_TYPE.items()):
        factor = f"windowSize()[0] >= {width} ? {larger} : ({factor})"
    return {"expr": f"{px} * ({factor})"}


def count_axis(**kwargs) -> dict:
    """An axis of case or unit counts: whole numbers only (Vega would tick 0.2, 0.4 … under 2)."""
    return {"tickMinStep": 1, "format": ",d", **kwargs}


def zoomed_domain(values: pd.Series, low=None, reference=None, most: float | None = None) -> list[float] | None:
    """An x domain around the values, the range's low edge and the reference line; None when the
    values reach down to zero anyway (bars from zero read fine)."""
    points = [float(v) for v in values.dropna()] + [float(x) for x in (low, reference) if x is not None and x == x]
    if not points:
        return None
    lo, hi = min(points), max(points)
    if lo <= 0 or lo < 0.5 * hi:
        return None
    pad = max((hi - lo) * 0.15, abs(hi) * 0.01, 1e-9)
    return [lo - pad, hi + pad if most is None else min(most, hi + pad)]


def ranked_as_dots(values: pd.Series, low=None, reference=None, zoom: bool = True, most: float | None = None) -> bool:
    """Whether `ranked` draws these values as dots on a zoomed axis (else as bars from zero)."""
    return zoom and zoomed_domain(values, low, reference, most) is not None


def ranked(frame: pd.DataFrame, *, value_title: str, unit_title: str, value_title_short: str | None = None,
           low=None, high=None, reference=None, zoom: bool = True, most: float | None = None,
           selection: str | None = None, font: int = 12, key_lang: str | None = None,
           row: int = ROW, label_limit: int = 220, grow: bool = False, note_title: str | None = None) -> Spec:
    """One indicator across units, in the frame's order (frame: unit, plot, color, shown): bars from
    zero, or dots on a zoomed axis; the range as a band and the reference as a dashed line. grow:
    text larger on a wide screen (a page, not a printed chart). selection: the field a click on a
    unit picks."""
    text, label_limit = (grown(font), grown(label_limit)) if grow else (font, label_limit)
    domain = zoomed_domain(frame["plot"], low, reference, most) if zoom else None
    x_scale = {"domain": domain, "zero": False, "nice": False, "clamp": True} if domain else {}
    tooltip = [("unit:N", unit_title), ("shown:N", value_title_short or value_title)]
    if note_title and "note" in frame:  # notes (批注) on a unit's figure, as text
        tooltip.append(("note:N", note_title))
    encoding = {"y": field("unit:N", sort=list(frame["unit"]), title=None,
                           axis={"labelOverlap": False, "labelLimit": label_limit, "labelFontSize": text}),
                "x": field("plot:Q", title=value_title, scale=x_scale,
                           axis={"labelFontSize": text, "titleFontSize": text, "tickCount": TICKS}),
                "tooltip": tips(tooltip)}
    if key_lang:  # colours named in a key under the chart (a printed page has no tooltip)
        keys = status_key(key_lang)
        color = field("color:N", scale={"domain": list(keys.values()), "range": list(keys.values())},
                      legend={"orient": "bottom", "title": None, "labelExpr": _key_expr(keys), "labelFontSize": text})
    else:
        color = field("color:N", scale=None)
    datasets = {"units": frame}
    marks = {"data": {"name": "units"},
             "mark": {"type": "circle", "size": 14 * font, "opacity": 1} if domain else {"type": "bar"},
             "encoding": {**encoding, "color": color}}
    params = None
    if selection is not None:
        marks["name"] = "units_view"
        params = [{"name": selection, "select": {"type": "point", "fields": [selection]}, "views": ["units_view"]}]
    layers = []
    if low is not None and low == low:
        band_hi = high if high is not None and high == high else None
        lo_edge = max(low, domain[0]) if domain else low
        hi_edge = min(band_hi, domain[1]) if domain and band_hi is not None else (
            band_hi if band_hi is not None else (domain[1] if domain else max(frame["plot"].max() * 1.1, low)))
        datasets["band"] = pd.DataFrame({"lo": [lo_edge], "hi": [hi_edge]})
        layers.append({"data": {"name": "band"}, "mark": {"type": "rect", "opacity": 0.12, "color": MEETS},
                       "encoding": {"x": field("lo:Q", scale=x_scale), "x2": {"field": "hi"}}})
    layers.append(marks)
    if domain:  # the value beside each dot
        layers.append({"data": {"name": "units"}, "mark": {"type": "text", "align": "left", "dx": font, "fontSize": text},
                       "encoding": {**encoding, "text": field("shown:N")}})
    if reference is not None and reference == reference:
        datasets["reference"] = pd.DataFrame({"ref": [reference]})
        layers.append({"data": {"name": "reference"}, "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#333"},
                       "encoding": {"x": field("ref:Q", scale=x_scale)}})
    return _layered(layers, datasets, params, height={"step": row})


def heat_map(frame: pd.DataFrame, *, x: str, x_order: list, y: str, y_order: list, tooltip: list,
             text: str | None = None, font: int = 12, row: int = ROW, column: int = 34, x_label_limit: int = 0,
             y_label_limit: int = 220, x_angle: int = -40, stroke: str = "white", text_color: str = "white",
             wrap: int | None = None, grow: bool = False, selection: str | None = None) -> Spec:
    """Units × indicators coloured by 达标 (frame has a `color` column); every label shown, the
    columns' names whole (x_label_limit 0: an English name is three times as long as its Chinese
    one). wrap: column names go on lines of at most this many Chinese characters (twice as many
    letters), an English name broken between words only (a flat, wide header). grow: text larger
    on a wide screen. selection: a cell picks its unit (a drill-down). tooltip: ("field:N", title)
    pairs."""
    size = grown(font) if grow else font
    if grow:
        x_label_limit, y_label_limit = grown(x_label_limit), grown(y_label_limit)
    extra = {}
    if wrap:
        lines = {label: header_lines(label, wrap) for label in x_order}
        extra = dict(labelExpr=_lines_expr(lines), labelLineHeight=round(font * 1.2),
                     # room for the lines below the first, above the cells
                     labelPadding=round(font * (0.1 + 1.2 * (max(map(len, lines.values()), default=1) - 1))))
    cells = {"data": {"name": "cells"}, "mark": {"type": "rect", "stroke": stroke, "strokeWidth": 2}, "encoding": {
        "x": field(f"{x}:N", sort=x_order, title=None,
                   axis={"labelAngle": x_angle, "labelOverlap": False, "labelLimit": x_label_limit, "labelFontSize": size,
                         "orient": "top", "labelAlign": "left" if x_angle else "center", **extra}),
        "y": field(f"{y}:N", sort=y_order, title=None,
                   axis={"labelOverlap": False, "labelLimit": y_label_limit, "labelFontSize": size}),
        "color": field("color:N", scale=None),
        "tooltip": tips(tooltip)}}
    params = None
    if selection is not None:
        cells["name"] = "cells_view"
        params = [{"name": selection, "select": {"type": "point", "fields": [selection]}, "views": ["cells_view"]}]
    layers = [cells]
    if text:
        layers.append({"data": {"name": "cells"}, "mark": {"type": "text", "fontSize": size, "fontWeight": "bold"},
                       "encoding": {**cells["encoding"], "text": field(f"{text}:N"), "color": {"value": text_color}}})
    return _layered(layers, {"cells": frame}, params, height={"step": row}, width={"step": column})


_HAN = re.compile(r"[\u3400-\u9fff]")  # a Chinese name: no spaces to break at


def header_lines(label: str, wrap: int) -> list[str]:
    """A column name on lines of at most `wrap` characters of Chinese (as even as they go), or
    2 × `wrap` letters of English broken at spaces only (a longer word stands on its own line,
    whole)."""
    if _HAN.search(label):
        size = -(-len(label) // -(-len(label) // wrap)) if label else 1  # ceil(len / number of lines)
        return [label[i:i + size] for i in range(0, max(len(label), 1), size)]
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= 2 * wrap:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _lines_expr(lines: dict[str, list[str]]) -> str:
    """A label expression giving each label its lines (a Vega label of several lines is an array)."""
    expr = "datum.label"
    for label, parts in lines.items():
        if len(parts) > 1:
            expr = (f"datum.label === {json.dumps(label, ensure_ascii=False)} ? "
                    f"{json.dumps(parts, ensure_ascii=False)} : ({expr})")
    return expr


def heat_map_width(columns: int, column: int = 34, y_label_limit: int = 220) -> int:
    """The px a heat map needs to draw its columns at their step (labels, the last angled header)."""
    return columns * column + y_label_limit + 2 * column + 20


def status_key(lang: str) -> dict[str, str]:
    """What each 达标 colour means: label → colour."""
    return {tr("key_meets", lang): MEETS, tr("key_worse", lang): WORSE, tr("key_better", lang): BETTER,
            tr("key_none", lang): NO_RANGE}


def _key_expr(keys: dict[str, str]) -> str:
    """A legend label expression naming each colour."""
    expr = "datum.label"
    for label, colour in keys.items():
        expr = f"datum.label === '{colour}' ? '{label}' : ({expr})"
    return expr


NOTE = "#CC79A7"  # a note's marker: a colour no series of a month chart uses


def note_marks(notes: dict[str, str], x: str, lang: str = "zh", steps: dict[str, str] | None = None,
               title: str | None = None) -> Spec:
    """Notes (批注) on a month chart: a dashed rule at each note's month and a marker at its top whose
    tooltip gives the month and the text (Vega shows tooltip text as text, never as markup).
    notes: month (2026-03) → text; x: the chart's discrete x field; steps: month → that field's value
    when it is not the month itself (a chart of this year against last, by "03")."""
    frame = pd.DataFrame({"month": list(notes), "note": list(notes.values())})
    frame[x] = [steps.get(m, m) if steps else m for m in frame["month"]]
    encoding = {"x": field(f"{x}:O", title=title),  # the chart's own axis and title (axis None would hide them)
                "tooltip": tips([("month:N", title or tr("month", lang)), ("note:N", tr("fu_annotation", lang))])}
    rule = {"data": {"name": "notes"}, "mark": {"type": "rule", "strokeDash": [4, 3], "color": NOTE, "strokeWidth": 2},
            "encoding": encoding}
    marker = {"data": {"name": "notes"}, "encoding": {**encoding, "y": {"value": 0}},
              "mark": {"type": "point", "shape": "triangle-down", "size": 320, "filled": True, "opacity": 1, "color": NOTE}}
    return _layered([rule, marker], {"notes": frame})


def _with_notes(chart: Spec, frame: pd.DataFrame, notes: dict[str, str] | None, x: str, lang: str) -> Spec:
    """The chart with the notes of the months it draws (frame's `x`)."""
    notes = {m: n for m, n in (notes or {}).items() if m in set(frame[x])}
    return layer(chart, note_marks(notes, x, lang)) if notes else chart


def flow(frame: pd.DataFrame, names: dict[str, str], y_title: str, pending_title: str,
         lang: str = "zh", notes: dict[str, str] | None = None) -> Spec:
    """收结存 by month (frame: label, indicator, value): received and closed as bars, pending as a
    line on its own axis; one key names all three. notes: month → text of the notes on these figures."""
    frame = frame.assign(series=frame["indicator"].map(names), value=frame["value"].astype(float))[
        ["label", "indicator", "series", "value"]]  # only what is drawn
    order = list(names.values())  # the caller's order (the catalogue's flow view)
    color = field("series:N", title=None, sort=order, scale={"domain": order, "range": [FLOW_COLORS[i] for i in names]},
                  legend={"orient": "top"})
    bars = {"data": {"name": "received_closed"}, "mark": {"type": "bar"}, "encoding": {
        "x": field("label:O", title=None, axis=month_axis(lang)), "xOffset": field("series:N", sort=order),
        "y": field("value:Q", title=y_title), "color": color,
        "tooltip": [field("label:O", title=y_title and None), field("series:N", title=None),
                    field("value:Q", title=y_title, format=",")]}}
    line = {"data": {"name": "pending"}, "mark": {"type": "line", "point": True}, "encoding": {
        "x": field("label:O"), "y": field("value:Q", title=pending_title), "color": color,
        "tooltip": [field("label:O", title=None), field("value:Q", title=pending_title, format=",")]}}
    chart = _layered([bars, line], {"received_closed": frame[frame.indicator != "pending"],
                                    "pending": frame[frame.indicator == "pending"]}, resolve={"scale": {"y": "independent"}})
    return _with_notes(chart, frame, notes, "label", lang)


def monthly_bars(frame: pd.DataFrame, y_title: str, lang: str = "zh", notes: dict[str, str] | None = None) -> Spec:
    """One measure by month as bars (frame: label, value); notes: month → text, marked on the month."""
    bars = {"data": {"name": "months"}, "mark": {"type": "bar", "color": MEETS}, "encoding": {
        "x": field("label:O", title=None, axis=month_axis(lang)), "y": field("value:Q", title=y_title),
        "tooltip": [field("label:N"), field("value:Q", title=y_title)]}}
    return _with_notes(_layered([bars], {"months": frame[["label", "value"]]}), frame, notes, "label", lang)


def year_lines(data: pd.DataFrame, *, step_title: str, value_title: str, year_title: str, shown_title: str,
               lang: str = "zh", notes: dict[str, str] | None = None, steps: dict[str, str] | None = None) -> Spec:
    """This year against last by month or quarter (data: step, label, year, plot, shown), a third
    series dashed (the outlook); notes: month → text, marked at its step."""
    lines = {"data": {"name": "years"}, "mark": {"type": "line", "point": True}, "encoding": {
        "x": field("step:O", title=step_title), "y": field("plot:Q", title=value_title),
        "color": field("year:N", title=year_title, scale={"range": ["#999999", "#0072B2", "#E69F00"]}),
        "strokeDash": field("year:N", legend=None, scale={"range": [[1, 0], [1, 0], [6, 4]]}),
        "tooltip": tips([("label:N", step_title), ("shown:N", shown_title)])}}
    chart = _layered([lines], {"years": data[["step", "label", "year", "plot", "shown"]]})
    return layer(chart, note_marks(notes, "step", lang, steps, title=step_title)) if notes else chart


def paired_bars(frame: pd.DataFrame, *, order: list, series: list[str], value_title: str, unit_title: str,
                series_title: str, shown_title: str) -> Spec:
    """Two series side by side for each unit (frame: court, series, plot, shown), units in `order`."""
    bars = {"data": {"name": "pairs"}, "mark": {"type": "bar"}, "encoding": {
        "y": field("court:N", sort=order, title=None, axis={"labelLimit": 240}),
        "x": field("plot:Q", title=value_title, axis={"tickCount": TICKS}),
        "yOffset": field("series:N", sort=series),
        "color": field("series:N", scale={"domain": series, "range": [MEETS, NO_RANGE]},
                       legend={"orient": "top", "title": None}),
        "tooltip": tips([("court:N", unit_title), ("series:N", series_title), ("shown:N", shown_title)])}}
    return _layered([bars], {"pairs": frame[["court", "series", "plot", "shown"]]}, height={"step": 12})


def month_axis(lang: str, **kwargs) -> dict:
    """Month labels ("2026-03") written flat and short: 3月 / Mar (the year is in the title)."""
    expr = ("toNumber(substring(datum.label, 5)) + '月'" if lang == "zh" else
            "timeFormat(datetime(2000, toNumber(substring(datum.label, 5)) - 1, 1), '%b')")
    return {"labelAngle": 0, "labelExpr": f"length(datum.label) == 7 ? {expr} : datum.label", **kwargs}


SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def series_color(names: list[str], **kwargs) -> dict:
    """Series coloured in the order given (the catalogue's), not by sorted name: the same series keeps
    its colour in Chinese and in English."""
    return field("name:N", title=None, sort=names, scale={"domain": names, "range": SERIES[:len(names)]}, **kwargs)


def composite_bars(frame: pd.DataFrame, *, unit_title: str, composite_title: str, change_title: str) -> Spec:
    """综合评估's composites ranked (frame: unit, composite, color, shown, change_shown), 0–100."""
    bars = {"data": {"name": "units"}, "mark": {"type": "bar"}, "encoding": {
        "y": field("unit:N", sort=list(frame["unit"]), title=None, axis={"labelLimit": 240, "labelOverlap": False}),
        "x": field("composite:Q", title=composite_title, scale={"domain": [0, 100]}),
        "color": field("color:N", scale=None),
        "tooltip": tips([("unit:N", unit_title), ("shown:N", composite_title), ("change_shown:N", change_title)])}}
    return _layered([bars], {"units": frame}, height={"step": 22})


def composite_histogram(frame: pd.DataFrame, *, composite_title: str, units_title: str) -> Spec:
    """How the composites spread, in bins of 5 points (frame: composite)."""
    bars = {"data": {"name": "composites"}, "mark": {"type": "bar", "color": MEETS}, "encoding": {
        "x": field("composite:Q", bin={"step": 5, "extent": [0, 100]}, title=composite_title),
        "y": {"aggregate": "count", "type": "quantitative", "title": units_title, "axis": count_axis()}}}
    return _layered([bars], {"composites": frame}, height=200)


def points_lost(frame: pd.DataFrame, *, indicator_title: str, lost_title: str) -> Spec:
    """The points lost per indicator, most first (frame: ind_name, lost)."""
    bars = {"data": {"name": "lost"}, "mark": {"type": "bar", "color": WORSE}, "encoding": {
        "y": field("ind_name:N", sort=list(frame["ind_name"]), title=None, axis={"labelLimit": 260}),
        "x": field("lost:Q", title=lost_title),
        "tooltip": [field("ind_name:N", title=indicator_title), field("lost:Q", title=lost_title, format=".2f")]}}
    return _layered([bars], {"lost": frame}, height={"step": 22})
