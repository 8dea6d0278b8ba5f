"""The briefing as PDF: the same Briefing, sections and figures as the Word file (briefing.to_docx),
laid out by WeasyPrint from HTML and CSS.

WeasyPrint, not ReportLab or typst: it embeds subsets of the installed CJK faces, the CFF-outlined
Noto Serif/Sans CJK collections (.ttc) included, which ReportLab cannot; it reads the CSS a print
layout needs (A4 `@page` margins, page counters, rows kept whole, table headers repeated on every
page); it draws the charts from SVG, so they stay sharp; and it is a Python package, while typst
would add a binary beside it. Every text from data or users passes through html.escape.
"""
from __future__ import annotations

import base64
import html
import re

from metrics.catalogue import BY_ID, View, in_view
from present.theme import WORSE

from . import followup_section, visits_section
from .briefing import (UNIT_CHART, Briefing, assessment_line, assessment_rows, headline_header, headline_rows,
                       management_lines, management_rows, note_lines, other_notes, outlook_text, short_text,
                       unit_rows, unit_shortfalls, visits_rows, warning_rows)

# 公文 faces where the machine has them, else the Noto CJK faces (fonts-noto-cjk): the body in a
# 仿宋 or a serif, headings in a 黑体 or a sans, the title in 小标宋 or a serif.
BODY_FACES = '"FangSong_GB2312", "FangSong", "仿宋", "Noto Serif CJK SC", serif'
HEADING_FACES = '"SimHei", "黑体", "Noto Sans CJK SC", sans-serif'
TITLE_FACES = '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif'
FIGURES = (1, 2)  # an indicator table's value and change on one line; its name wraps, its range and status at ~ and ·


def _margins() -> str:
    """The 公文 margins of the Word file (report/word.py), top right bottom left, in mm."""
    from .word import MARGINS

    return " ".join(f"{MARGINS[k].mm:.0f}mm" for k in ("top_margin", "right_margin", "bottom_margin", "left_margin"))


def _css_string(text: str) -> str:
    """A CSS string literal (quotes and backslashes escaped, each run of white space one space)."""
    return '"' + re.sub(r'["\\]', lambda m: "\\" + m.group(0), re.sub(r"\s+", " ", text)) + '"'


def page_counter(b: Briefing) -> str:
    """"第 N 页 / 共 M 页" or "Page N of M" as CSS content: the text's parts around the counters."""
    parts = re.split(r"(\{page\}|\{pages\})", b.tr("pdf_page_of"))
    return " ".join({"{page}": "counter(page)", "{pages}": "counter(pages)"}.get(p) or _css_string(p)
                    for p in parts if p)


def _style(b: Briefing) -> str:
    return f"""
@page {{ size: A4; margin: {_margins()};
  @bottom-center {{ content: {page_counter(b)}; font: 10.5pt {BODY_FACES}; }} }}
@page wide {{ size: A4 landscape; margin: 26mm 28mm 26mm 28mm; }}
html {{ font: 14pt/1.6 {BODY_FACES}; color: #000; }}
h1 {{ font: normal 22pt/1.5 {TITLE_FACES}; text-align: center; margin: 0 0 6mm; }}
h2 {{ font: normal 15pt/1.5 {HEADING_FACES}; margin: 5mm 0 2mm; }}
h3 {{ font: normal 14pt/1.5 {HEADING_FACES}; margin: 3mm 0 1mm; }}
h1, h2, h3 {{ break-after: avoid; }}
p {{ margin: 0 0 2mm; text-indent: {"2em" if b.lang == "zh" else "0"}; orphans: 2; widows: 2; }}
p.meta {{ text-indent: 0; font-size: 11pt; }}
p.demo {{ text-indent: 0; font-size: 11pt; border: 1px solid #888; padding: 1mm 2mm; }}
p.small {{ text-indent: 0; font-size: 10pt; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; margin: 1mm 0 3mm; font-size: 10.5pt; line-height: 1.35; }}
table.small {{ font-size: 9pt; }}
table.filters {{ width: 75%; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
th, td {{ border: 0.5pt solid #666; padding: 0.6mm 1.5mm; vertical-align: top; box-sizing: border-box; }}
th {{ font-family: {HEADING_FACES}; font-weight: normal; background: #eee; text-align: center; }}
td {{ text-align: right; font-variant-numeric: tabular-nums; }}
.whole {{ white-space: nowrap; }}
td.left {{ text-align: left; }}
table.text td {{ text-align: left; }}
td.short {{ font-weight: bold; color: {WORSE}; }}
section.wide {{ page: wide; }}
figure {{ margin: 2mm 0; text-align: center; break-inside: avoid; }}
figure img {{ max-width: 100%; max-height: 215mm; }}
p.lead {{ break-after: avoid; }}
"""


def _e(text) -> str:
    return html.escape(str(text))


def _p(text: str, cls: str | None = None) -> str:
    return f'<p class="{cls}">{_e(text)}</p>' if cls else f"<p>{_e(text)}</p>"


def _h(level: int, text: str) -> str:
    return f"<h{level}>{_e(text)}</h{level}>"


def _cell(text: str, whole: bool) -> str:
    """A cell's text; one that may wrap breaks after " · " or " ~ " first (a status, a range), each
    part kept on one line."""
    if whole:
        return _e(text)
    parts = _parts(str(text))
    return _e(text) if len(parts) == 1 else "".join(f'<span class="whole">{_e(p)}</span>' for p in parts)


def _length(text: str) -> float:
    """A text's width in half-ems, about: a CJK character two, a digit, letter or sign a little over one."""
    return sum(2 if ord(ch) >= 0x2E80 else 1.15 for ch in text)


def _parts(text: str) -> list[str]:
    return re.split(r"(?<= · )|(?<= ~ )", text)


def _unbroken(text: str) -> float:
    """The widest piece a cell that wraps keeps on one line: a part of a status or range, else a
    word of Latin letters or digits (a CJK text breaks between any two characters)."""
    parts = _parts(text)
    if len(parts) > 1:
        return max(_length(p) for p in parts)
    return max((len(w) for w in re.findall(r"[^\s\u2e80-\uffff]+", text)), default=2)


def widths(header: list[str], rows: list[list[str]], whole: set[int], wrap_at: int = 20) -> list[float]:
    """Each column's share of the table (%): a column kept whole as wide as its longest cell, one
    that wraps as its longest cell up to `wrap_at` half-ems (never below its longest unbroken part),
    each with room for the cell's padding; a header wraps to fit."""
    out = []
    for j, h in enumerate(header):
        cells = [str(r[j]) for r in rows] or [""]
        longest = max(_length(c) for c in cells)
        if j not in whole:
            longest = min(longest, max(wrap_at, max(_unbroken(c) for c in cells)))
        out.append(max(longest, min(_length(h), 8)) + 3)
    total = sum(out)
    return [100 * w / total for w in out]


def table(header: list[str], rows: list[list[str]], short: list[list[bool]] | None = None,
          cls: str = "", whole=None, left=(0,), wrap_at: int = 20) -> str:
    """A table whose header repeats on each page and whose rows are never split (the CSS);
    a cell flagged in `short` is bold and vermillion (outside its range on the worse side).
    `whole`: the columns kept on one line (default: the figures, every column but the first);
    `left`: the columns of names, aligned left (figures align right); the columns' widths from
    their texts (widths), so a name column keeps room beside the figures."""
    whole = set(range(1, len(header)) if whole is None else whole)
    head = "".join(f'<th style="width: {w:.1f}%">{_e(h)}</th>' for h, w in zip(header, widths(header, rows, whole,
                                                                                               wrap_at)))
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, c in enumerate(row):
            classes = " ".join(k for k, on in (("short", short and short[i][j]), ("whole", j in whole),
                                               ("left", j in left)) if on)
            cells.append(f'<td class="{classes}">{_cell(c, j in whole)}</td>' if classes else
                         f"<td>{_cell(c, False)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def chart_svg(chart) -> str:
    """A chart (a present/charts.py spec) as SVG drawn by vl-convert in the CJK face (labels in
    Chinese render), placed as an image so it stays sharp at any zoom."""
    import vl_convert as vlc

    from .charts import for_document

    svg = vlc.vegalite_to_svg(for_document(chart))
    data = base64.b64encode(svg.encode()).decode()
    return f'<figure><img src="data:image/svg+xml;base64,{data}"></figure>'


def _flow_year(b: Briefing) -> str:
    return b.period_text[:4] if b.lang == "zh" else b.period_text.split()[0]


def body(b: Briefing) -> str:
    """The briefing's HTML body, section by section as to_docx writes them."""
    from .charts import flow_chart, unit_chart

    out = [_h(1, b.title),
           _p(b.tr("b_scope_line", scope=b.scope_name, period=b.period_text, day=b.data_date.isoformat()), "meta")]
    if b.dates_note:
        out.append(_p(b.dates_note, "meta"))
    if b.filters:  # the filters as the Excel pack's sheet has them
        out.append(table([b.tr("filter"), b.tr("value")], [[k, v] for k, v in b.filters.items()], cls="filters text", whole=(0,)))
    if b.demo:
        out.append(_p(b.tr("b_demo"), "demo"))

    out.append(_h(2, b.tr("b_followup")))
    out.append(_p(followup_section.intro(b.followup, b.lang)))
    if b.followup.rows:
        out.append(table(followup_section.column_names(b.lang), followup_section.table_rows(b.followup.rows),
                         cls="small text", whole=()))

    out.append(_h(2, b.tr("b_overall")))
    out.append(_p(b.summary))
    out.append(table(headline_header(b), headline_rows(b), whole=FIGURES))
    if len(b.flow):
        out.append(_p(b.tr("b_flow"), "lead"))
        names = {i: BY_ID[i].name(b.lang) for i in in_view(View.FLOW)}
        out.append(chart_svg(flow_chart(b.flow, names, b.tr("cases_unit").strip(), b.lang,
                                        title=b.tr("b_chart_flow", year=_flow_year(b)))))

    out.append(_h(2, b.tr("b_short")))
    if not b.short:
        out.append(_p(b.tr("b_all_meet")))
    for short in b.short:
        name = BY_ID[short.indicator].name(b.lang)
        out.append(_h(3, name[:1].upper() + name[1:]))
        out.append(_p(short_text(short, b.lang)))
        out.extend(_p(line) for line in note_lines(b, short.indicator))
    if other_notes(b):
        out.append(_p(b.tr("b_fu_other_notes")))
        out.extend(_p(line) for line in other_notes(b))

    wide = [_h(2, b.tr("b_units", child=b.tr(f"child_{b.child}")))]  # units × indicators: a landscape page
    header, rows = unit_rows(b)
    wide.append(table(header, rows, unit_shortfalls(b), cls="small", whole=range(len(header))))
    wide.append(_p(b.tr("b_short_mark"), "small"))
    if len(b.teams):
        wide.append(_h(3, b.tr("b_teams")))
        header, rows = unit_rows(b, teams=True)
        wide.append(table(header, rows, unit_shortfalls(b, teams=True), cls="small", whole=range(len(header))))
        wide.append(_p(b.tr("teams_blank_left_out"), "small"))
    out.append(f'<section class="wide">{"".join(wide)}</section>')
    chart_ind = BY_ID[UNIT_CHART]  # a row per unit: tall, so on a portrait page after the wide ones
    one = b.units[b.units.indicator == chart_ind.id].dropna(subset=["value"])
    if len(one):
        title = b.tr("b_chart_units", name=chart_ind.name(b.lang), period=b.period_text)
        out.append(chart_svg(unit_chart(one, chart_ind, title, b.tr(f"child_{b.child}"), b.lang)))

    out.append(_h(2, b.tr("b_warnings")))
    header, rows = warning_rows(b)
    if rows:
        out.append(_p(b.tr("b_warnings_intro", day=b.data_date.isoformat(), child=b.tr(f"child_{b.child}"))))
        out.append(table(header, rows, whole=range(len(header))))
    else:
        out.append(_p(b.tr("b_no_warnings")))

    out.append(_h(2, b.tr("b_outlook")))
    out.extend(_p(line) for line in (outlook_text(b.outlook, b.lang) if b.outlook else [b.tr("b_no_outlook")]))

    out.append(_h(2, b.tr("b_assessment")))
    if len(b.assessed) and b.assessed["composite"].notna().any():
        out.append(_p(assessment_line(b)))
        header, rows = assessment_rows(b)
        out.append(table(header, rows, whole=range(len(header))))
    else:
        out.append(_p(b.tr("b_no_assessment")))

    out.append(_h(2, b.tr("b_management")))
    out.append(table(headline_header(b), management_rows(b), whole=FIGURES))
    out.extend(_p(line) for line in management_lines(b))

    out.append(_h(2, b.tr("b_visits")))
    lines = visits_section.lines(b.visits, b.lang)
    out.extend(_p(line) for line in lines[:1])
    if b.visits.listed:
        out.append(table(headline_header(b), visits_rows(b), whole=FIGURES))
        out.append(_p(lines[1]))
        if len(b.visits.far):
            out.append(table(visits_section.far_header(b.lang, b.child), visits_section.far_rows(b.visits, b.lang),
                             cls="small", whole=(1, 2, 4, 5), left=(0, 1)))
    return "".join(out)


def to_html(b: Briefing, content: str | None = None) -> str:
    """The page of the briefing: its style and its body (or `content` in that style)."""
    lang = "zh-CN" if b.lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(b.title)}</title>'
            f"<style>{_style(b)}</style></head><body>{body(b) if content is None else content}</body></html>")


def to_pdf(b: Briefing, content: str | None = None) -> bytes:
    """The briefing as an A4 PDF with its fonts embedded (subsets) and its text extractable."""
    import weasyprint

    return weasyprint.HTML(string=to_html(b, content)).write_pdf()
