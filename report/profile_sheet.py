"""画像 on one A4 page for the year-end file: one Vega-Lite chart (title, headline, standing,
three years, caseload, pending ages, warnings) rendered to PNG or PDF with a CJK font."""
from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert as vlc

from metrics.profile import Profile
from present import profile as pp
from present.charts import ALTAIR_SETTINGS
from present.text import tr
from report.charts import FONT, register_fonts

PAGE_WIDTH = 720  # px of content on an A4 page at 96 dpi (794 px) less margins
FONT_SIZE = 11


def _text(lines: list[str], size: int = FONT_SIZE, bold: bool = False, width: int = PAGE_WIDTH,
          color: str = "#222") -> alt.Chart:
    """Lines of text as a chart (a page made of one chart keeps its layout in PNG and PDF alike)."""
    frame = pd.DataFrame({"i": range(len(lines)), "line": lines})
    return alt.Chart(frame).mark_text(align="left", baseline="top", fontSize=size, color=color,
                                      fontWeight="bold" if bold else "normal").encode(
        x=alt.value(0), y=alt.Y("i:O", axis=None), text="line:N").properties(
        width=width, height=len(lines) * int(size * 1.6))


def _section(title: str, chart) -> alt.VConcatChart:
    return alt.vconcat(_text([title], size=FONT_SIZE + 2, bold=True, width=1), chart, spacing=2)


def sheet(p: Profile, title: str, subtitle: str, lang: str) -> alt.VConcatChart:
    """The whole page: `title` names the unit, `subtitle` the period, filters and data date."""
    heads = "   ·   ".join(f"{label} {value}" for label, value in pp.headline(p, lang))
    strong = [pp.standing_line(r, lang) for r in p.strengths().itertuples()] or [tr("none_listed", lang)]
    weak = [pp.standing_line(r, lang) for r in p.weaknesses().itertuples()] or [tr("none_listed", lang)]
    words = alt.vconcat(
        _text([tr("strengths", lang)], bold=True, width=300), _text(strong, width=300, color="#0072B2"),
        _text([tr("weaknesses", lang)], bold=True, width=300), _text(weak, width=300, color="#D55E00"), spacing=2)
    small = dict(lang=lang, width=250, font=FONT_SIZE - 1)
    page = alt.vconcat(
        _text([title], size=18, bold=True),
        _text([subtitle, heads], size=FONT_SIZE),
        alt.hconcat(_section(tr("standing_title", lang), pp.standing_chart(p, lang, width=260, font=FONT_SIZE - 1)),
                    words, spacing=30),
        _section(tr("history_title", lang), pp.history_chart(p, lang, columns=4, cell=140, font=FONT_SIZE)),
        alt.hconcat(_section(tr("case_types_title", lang), pp.types_chart(p, **small)),
                    _section(tr("causes_title", lang), pp.causes_chart(p, **small)), spacing=40),
        alt.hconcat(_section(tr("ages_title", lang), pp.ages_chart(p, **small)),
                    _section(tr("warnings_title", lang), pp.warnings_chart(p, **small)), spacing=40),
        spacing=14)
    return page.configure(font=FONT).configure_view(stroke=None).properties(padding=24, background="white")


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    register_fonts()
    with ALTAIR_SETTINGS:  # not while a page's chart has Altair's data transformer switched
        spec = chart.to_dict()
    return vlc.vegalite_to_png(spec, scale=scale)


def to_pdf(chart: alt.TopLevelMixin) -> bytes:
    register_fonts()
    with ALTAIR_SETTINGS:
        spec = chart.to_dict()
    return vlc.vegalite_to_pdf(spec)
