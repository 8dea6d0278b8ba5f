"""Word building blocks for the briefing: tables that read on paper (header repeated on every
page, rows never split, shortfalls marked) and landscape sections for wide tables."""
from __future__ import annotations

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from present.theme import WORSE

SHORT_COLOR = RGBColor.from_string(WORSE.lstrip("#"))


def _row_property(row, name: str) -> None:
    props = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    props.append(element)


def table(doc, header: list[str], rows: list[list[str]], short: list[list[bool]] | None = None,
          font_pt: float | None = None, first_cm: float | None = None):
    """A table whose header row repeats on each page and whose rows are not split across pages;
    a cell flagged in `short` is bold and vermillion (outside its range on the worse side);
    first_cm widens the first column."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Light Grid Accent 1"
    for cell, text in zip(t.rows[0].cells, header):
        cell.text = text
    _row_property(t.rows[0], "tblHeader")
    _row_property(t.rows[0], "cantSplit")
    for i, row in enumerate(rows):
        added = t.add_row()
        _row_property(added, "cantSplit")
        for j, (cell, text) in enumerate(zip(added.cells, row)):
            cell.text = text
            if short and short[i][j]:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
                    run.font.color.rgb = SHORT_COLOR
    if first_cm:  # the names column wide enough for a court's name on one line, the rest share the page
        section = doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        widths = [Cm(first_cm)] + [int((usable - Cm(first_cm)) / (len(header) - 1))] * (len(header) - 1)
        t.autofit = False
        for column, width in zip(t.columns, widths):
            column.width = width  # the grid (LibreOffice reads it)
            for cell in column.cells:
                cell.width = width  # each cell (Word reads it)
    if font_pt:
        for row in t.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(font_pt)
    return t


def orientation(doc, landscape: bool) -> None:
    """Start a new section on a new page, in landscape or portrait."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    if landscape != (width > height):
        section.page_width, section.page_height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
