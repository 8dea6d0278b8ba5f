"""Charts drawn the same way on the pages, the big screen and in the Word briefing.

Every row and column is labelled: discrete axes are sized by a step per row (never squeezed
into a fixed height), labels are never dropped for overlapping (Vega's default), long unit names
are cut with "…" and given whole in the tooltip; a heat map's indicator names are shown whole.
Rates that sit close together (84%–98%) are drawn as dots on an axis zoomed to the values and
the range, with the scale shown, not as bars on 0–100 that all look the same.
"""
from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd

from present.text import tr
from present.theme import BETTER, FLOW_COLORS, MEETS, NO_RANGE, WIDE_TYPE, WORSE

ROW = 26  # px per row of a ranked chart or a heat map
# Ticks on a value axis: one per 80 px, at most 10 (Vega's default, one per 40 px, puts ~90 on a 4K screen).
TICKS = alt.ExprRef(expr="max(2, min(10, floor(width / 80)))")


def grown(px: int) -> alt.ExprRef:
    """A size of chart text on a page (a font, how long a label may be): `px`, larger on a wide screen
    as the page's own type is."""
    factor = "1"
    for width, larger in sorted(WIDE_TYPE.items()):
        factor = f"windowSize()[0] >= {width} ? {larger} : ({factor})"
    return alt.ExprRef(expr=f"{px} * ({factor})")


def count_axis(**kwargs) -> alt.Axis:
    """An axis of case or unit counts: whole numbers only (Vega would tick 0.2, 0.4 … under 2)."""
    return alt.Axis(tickMinStep=1, format=",d", **kwargs)


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
           low=None, high=None, reference=None, zoom: bool = True, most: float | None = None, selection=None,
           font: int = 12, key_lang: str | None = None,
           row: int = ROW, label_limit: int = 220, grow: bool = False, note_title: str | None = None) -> alt.LayerChart:
    """One indicator across units, in the frame's order (frame: unit, plot, color, shown): bars from
    zero, or dots on a zoomed axis; the range as a band and the reference as a dashed line. grow:
    text larger on a wide screen (a page, not a printed chart)."""
    text, label_limit = (grown(font), grown(label_limit)) if grow else (font, label_limit)
    order = list(frame["unit"])
    domain = zoomed_domain(frame["plot"], low, reference, most) if zoom else None
    x_scale = alt.Scale(domain=domain, zero=False, nice=False, clamp=True) if domain else alt.Scale()
    y = alt.Y("unit:N", sort=order, title=None,
              axis=alt.Axis(labelOverlap=False, labelLimit=label_limit, labelFontSize=text))
    x = alt.X("plot:Q", title=value_title, scale=x_scale,
              axis=alt.Axis(labelFontSize=text, titleFontSize=text, tickCount=TICKS))
    tooltip = [alt.Tooltip("unit:N", title=unit_title), alt.Tooltip("shown:N", title=value_title_short or value_title)]
    if note_title and "note" in frame:  # notes (批注) on a unit's figure, as text
        tooltip.append(alt.Tooltip("note:N", title=note_title))
    base = alt.Chart(frame).encode(y=y, x=x, tooltip=tooltip)
    if key_lang:  # colours named in a key under the chart (a printed page has no tooltip)
        keys = status_key(key_lang)
        color = alt.Color("color:N", scale=alt.Scale(domain=list(keys.values()), range=list(keys.values())),
                          legend=alt.Legend(orient="bottom", title=None, labelExpr=_key_expr(keys), labelFontSize=text))
    else:
        color = alt.Color("color:N", scale=None)
    marks = (base.mark_circle(size=14 * font, opacity=1) if domain else base.mark_bar()).encode(color=color)
    if selection is not None:
        marks = marks.add_params(_picks(selection))
    layers = []
    if low is not None and low == low:
        band_hi = high if high is not None and high == high else None
        lo_edge = max(low, domain[0]) if domain else low
        hi_edge = min(band_hi, domain[1]) if domain and band_hi is not None else (
            band_hi if band_hi is not None else (domain[1] if domain else max(frame["plot"].max() * 1.1, low)))
        band = pd.DataFrame({"lo": [lo_edge], "hi": [hi_edge]})
        layers.append(alt.Chart(band).mark_rect(opacity=0.12, color=MEETS).encode(x=alt.X("lo:Q", scale=x_scale),
                                                                                 x2="hi:Q"))
    layers.append(marks)
    if domain:  # the value beside each dot
        layers.append(base.mark_text(align="left", dx=font, fontSize=text).encode(text="shown:N"))
    if reference is not None and reference == reference:
        layers.append(alt.Chart(pd.DataFrame({"ref": [reference]})).mark_rule(strokeDash=[4, 3], color="#333")
                      .encode(x=alt.X("ref:Q", scale=x_scale)))
    return alt.layer(*layers).properties(height=alt.Step(row))


def _picks(selection):
    """A selection, or the name of the field whose value a click picks (a cacheable argument)."""
    return alt.selection_point(name=selection, fields=[selection]) if isinstance(selection, str) else selection


def heat_map(frame: pd.DataFrame, *, x: str, x_order: list, y: str, y_order: list, tooltip: list,
             text: str | None = None, font: int = 12, row: int = ROW, column: int = 34, x_label_limit: int = 0,
             y_label_limit: int = 220, x_angle: int = -40, stroke: str = "white", text_color: str = "white",
             wrap: int | None = None, grow: bool = False, selection=None):
    """Units × indicators coloured by 达标 (frame has a `color` column); every label shown, the
    columns' names whole (x_label_limit 0: an English name is three times as long as its Chinese
    one). wrap: column names go on lines of at most this many Chinese characters (twice as many
    letters), an English name broken between words only (a flat, wide header). grow: text larger
    on a wide screen. selection: a cell picks its unit (a drill-down). tooltip: alt.Tooltip or
    (field, title) items."""
    size = grown(font) if grow else font
    if grow:
        x_label_limit, y_label_limit = grown(x_label_limit), grown(y_label_limit)
    extra = {}
    if wrap:
        lines = {label: header_lines(label, wrap) for label in x_order}
        extra = dict(labelExpr=_lines_expr(lines), labelLineHeight=round(font * 1.2),
                     # room for the lines below the first, above the cells
                     labelPadding=round(font * (0.1 + 1.2 * (max(map(len, lines.values()), default=1) - 1))))
    chart = alt.Chart(frame).mark_rect(stroke=stroke, strokeWidth=2).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=None,
                axis=alt.Axis(labelAngle=x_angle, labelOverlap=False, labelLimit=x_label_limit, labelFontSize=size,
                              orient="top", labelAlign="left" if x_angle else "center", **extra)),
        y=alt.Y(f"{y}:N", sort=y_order, title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=y_label_limit, labelFontSize=size)),
        color=alt.Color("color:N", scale=None),
        tooltip=[alt.Tooltip(item[0], title=item[1]) if isinstance(item, tuple) else item for item in tooltip])
    if selection is not None:
        chart = chart.add_params(_picks(selection))
    if text:
        chart = chart + chart.mark_text(fontSize=size, fontWeight="bold").encode(text=f"{text}:N",
                                                                                 color=alt.value(text_color))
    return chart.properties(height=alt.Step(row), width=alt.Step(column))


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
               title: str | None = None) -> alt.LayerChart:
    """Notes (批注) on a month chart: a dashed rule at each note's month and a marker at its top whose
    tooltip gives the month and the text (Vega shows tooltip text as text, never as markup).
    notes: month (2026-03) → text; x: the chart's discrete x field; steps: month → that field's value
    when it is not the month itself (a chart of this year against last, by "03")."""
    frame = pd.DataFrame({"month": list(notes), "note": list(notes.values())})
    frame[x] = [steps.get(m, m) if steps else m for m in frame["month"]]
    base = alt.Chart(frame).encode(x=alt.X(f"{x}:O", axis=None))  # the chart's own axis names the months
    tip = [alt.Tooltip("month:N", title=title or tr("month", lang)), alt.Tooltip("note:N", title=tr("fu_annotation", lang))]
    rule = base.mark_rule(strokeDash=[4, 3], color=NOTE, strokeWidth=2).encode(tooltip=tip)
    marker = base.mark_point(shape="triangle-down", size=320, filled=True, opacity=1, color=NOTE).encode(
        y=alt.value(0), tooltip=tip)
    return alt.layer(rule, marker)


def flow(frame: pd.DataFrame, names: dict[str, str], y_title: str, pending_title: str,
         lang: str = "zh", notes: dict[str, str] | None = None) -> alt.LayerChart:
    """收结存 by month (frame: label, indicator, value): received and closed as bars, pending as a
    line on its own axis; one key names all three. notes: month → text of the notes on these figures."""
    frame = frame.assign(series=frame["indicator"].map(names), value=frame["value"].astype(float))[
        ["label", "indicator", "series", "value"]]  # only what is drawn: the data goes inside the spec
    order = list(names.values())  # the caller's order (the catalogue's flow view)
    color = alt.Color("series:N", title=None, sort=order,
                      scale=alt.Scale(domain=order, range=[FLOW_COLORS[i] for i in names]),
                      legend=alt.Legend(orient="top"))
    bars = alt.Chart(frame[frame.indicator != "pending"]).mark_bar().encode(
        x=alt.X("label:O", title=None, axis=month_axis(lang)), xOffset=alt.XOffset("series:N", sort=order),
        y=alt.Y("value:Q", title=y_title), color=color,
        tooltip=[alt.Tooltip("label:O", title=y_title and None), alt.Tooltip("series:N", title=None),
                 alt.Tooltip("value:Q", title=y_title, format=",")])
    line = alt.Chart(frame[frame.indicator == "pending"]).mark_line(point=True).encode(
        x="label:O", y=alt.Y("value:Q", title=pending_title), color=color,
        tooltip=[alt.Tooltip("label:O", title=None), alt.Tooltip("value:Q", title=pending_title, format=",")])
    chart = alt.layer(bars, line).resolve_scale(y="independent")
    notes = {m: n for m, n in (notes or {}).items() if m in set(frame["label"])}  # months drawn only
    return alt.layer(chart, note_marks(notes, "label", lang)) if notes else chart


def monthly_bars(frame: pd.DataFrame, y_title: str, lang: str = "zh", notes: dict[str, str] | None = None):
    """One measure by month as bars (frame: label, value); notes: month → text, marked on the month."""
    bars = alt.Chart(frame[["label", "value"]]).mark_bar(color=MEETS).encode(
        x=alt.X("label:O", title=None, axis=month_axis(lang)), y=alt.Y("value:Q", title=y_title),
        tooltip=["label", alt.Tooltip("value:Q", title=y_title)])
    notes = {m: n for m, n in (notes or {}).items() if m in set(frame["label"])}  # months drawn only
    return alt.layer(bars, note_marks(notes, "label", lang)) if notes else bars


def month_axis(lang: str, **kwargs) -> alt.Axis:
    """Month labels ("2026-03") written flat and short: 3月 / Mar (the year is in the title)."""
    expr = ("toNumber(substring(datum.label, 5)) + '月'" if lang == "zh" else
            "timeFormat(datetime(2000, toNumber(substring(datum.label, 5)) - 1, 1), '%b')")
    return alt.Axis(labelAngle=0, labelExpr=f"length(datum.label) == 7 ? {expr} : datum.label", **kwargs)


SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def series_color(names: list[str], **kwargs) -> alt.Color:
    """Series coloured in the order given (the catalogue's), not by sorted name: the same series keeps
    its colour in Chinese and in English."""
    return alt.Color("name:N", title=None, sort=names, scale=alt.Scale(domain=names, range=SERIES[:len(names)]),
                     **kwargs)


def composite_bars(frame: pd.DataFrame, *, unit_title: str, composite_title: str, change_title: str) -> alt.Chart:
    """综合评估's composites ranked (frame: unit, composite, color, shown, change_shown), 0–100."""
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("unit:N", sort=list(frame["unit"]), title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)),
        x=alt.X("composite:Q", title=composite_title, scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("color:N", scale=None),
        tooltip=[alt.Tooltip("unit:N", title=unit_title), alt.Tooltip("shown:N", title=composite_title),
                 alt.Tooltip("change_shown:N", title=change_title)]).properties(height=alt.Step(22))


def composite_histogram(frame: pd.DataFrame, *, composite_title: str, units_title: str) -> alt.Chart:
    """How the composites spread, in bins of 5 points (frame: composite)."""
    return alt.Chart(frame).mark_bar(color=MEETS).encode(
        x=alt.X("composite:Q", bin=alt.Bin(step=5, extent=[0, 100]), title=composite_title),
        y=alt.Y("count():Q", title=units_title, axis=count_axis())).properties(height=200)


def points_lost(frame: pd.DataFrame, *, indicator_title: str, lost_title: str) -> alt.Chart:
    """The points lost per indicator, most first (frame: ind_name, lost)."""
    return alt.Chart(frame).mark_bar(color=WORSE).encode(
        y=alt.Y("ind_name:N", sort=list(frame["ind_name"]), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("lost:Q", title=lost_title),
        tooltip=[alt.Tooltip("ind_name:N", title=indicator_title),
                 alt.Tooltip("lost:Q", title=lost_title, format=".2f")]).properties(height=alt.Step(22))
