"""Word building blocks for the briefing: the page and fonts of a court office's document (A4,
公文 margins and faces in the spirit of GB/T 9704), tables that read on paper (header repeated on
every page, rows never split, names on one line, shortfalls marked) and landscape sections."""
from __future__ import annotations

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt, RGBColor

from present.theme import WORSE

SHORT_COLOR = RGBColor.from_string(WORSE.lstrip("#"))

# 公文 faces. Word and WPS choose a face by its East Asian name (w:eastAsia); a face missing on the
# reader's machine falls back to the alternate the font table names (w:altName), so each asks for
# the 公文 face first and names the face every Chinese Windows has as its alternate.
BODY_FONT, BODY_ALT = "FangSong_GB2312", "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT, TITLE_ALT = "方正小标宋简体", "宋体"
LATIN_FONT = "Times New Roman"
BODY_PT = 16      # 三号: the 公文 body
HEADING_PT = {1: 16, 2: 14}  # 三号, 四号
TITLE_PT = 22     # 二号
TABLE_PT = 10.5   # 五号: a table of figures at 三号 would not fit the page's width
A4 = (Mm(210), Mm(297))
MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}


def _fonts(style, east_asia: str) -> None:
    """Set a style's faces by name, the theme's faces removed (they would win over the names)."""
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _font_table_alternates(doc) -> None:
    """Name the fallback of each 公文 face in the font table (w:altName), as a Chinese GB2312 face."""
    part = next(p for p in doc.part.package.parts if str(p.partname) == "/word/fontTable.xml")
    from docx.oxml import parse_xml
    fonts = parse_xml(part.blob)
    for name, alt in ((BODY_FONT, BODY_ALT), (TITLE_FONT, TITLE_ALT), (HEADING_FONT, None)):
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, val in (("altName", alt), ("charset", "86"), ("family", "modern" if alt is None else "roman"),
                         ("pitch", "fixed" if alt is None else "variable")):
            if val:
                child = OxmlElement(f"w:{tag}")
                child.set(qn("w:val"), val)
                font.append(child)
        fonts.append(font)
    from lxml import etree
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def office_document(doc) -> None:
    """A4 with 公文 margins; body in 仿宋 三号, headings in 黑体 kept with what follows, the title in
    小标宋 centred; all in black."""
    page(doc.sections[0])
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.line_spacing = Pt(28)  # about 22 lines a page, as 公文 are set
    normal.paragraph_format.space_after = Pt(0)
    for level, size in HEADING_PT.items():
        style = doc.styles[f"Heading {level}"]
        _fonts(style, HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = False  # 黑体 is heavy already
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.keep_with_next = True  # never alone at the foot of a page
        style.paragraph_format.space_before = Pt(12)
    title = doc.styles["Title"]
    _fonts(title, TITLE_FONT)
    title.font.size = Pt(TITLE_PT)
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True
    title.paragraph_format.line_spacing = Pt(36)
    borders = title.element.pPr.find(qn("w:pBdr"))
    if borders is not None:  # the template's blue rule under the title is no 公文 convention
        title.element.pPr.remove(borders)
    _font_table_alternates(doc)


def page(section) -> None:
    """A4 portrait with the 公文 margins."""
    section.page_width, section.page_height = A4
    section.orientation = WD_ORIENT.PORTRAIT
    for name, value in MARGINS.items():
        setattr(section, name, value)


def usable_width(doc) -> int:
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _first_width(doc, header: list[str], rows: list[list[str]], font_pt: float) -> int:
    """The names column as wide as its longest name on one line (a CJK character is about its
    point size wide, a little more in bold; the cell's margins besides), at most 45% of the line so
    the figures keep room."""
    longest = max((sum(1 if ord(ch) < 0x2E80 else 2 for ch in str(r[0])) for r in [header] + rows), default=4)
    wanted = Pt(font_pt * longest / 2 * 1.1 + 16)
    return int(min(max(wanted, Cm(2.5)), usable_width(doc) * 0.45))


def _row_property(row, name: str) -> None:
    props = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    props.append(element)


def table(doc, header: list[str], rows: list[list[str]], short: list[list[bool]] | None = None,
          font_pt: float | None = None, first_cm: float | None = None):
    """A table whose header row repeats on each page and whose rows are not split across pages;
    a cell flagged in `short` is bold and vermillion (outside its range on the worse side);
    the first column (names) is as wide as its longest name, or first_cm, the figures share the rest."""
    font_pt = font_pt or TABLE_PT
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
    if len(header) > 1:  # the names column wide enough for a court's name on one line, the rest share the page
        usable = usable_width(doc)
        first = max(Cm(first_cm), _first_width(doc, header, rows, font_pt)) if first_cm else \
            _first_width(doc, header, rows, font_pt)
        first = int(min(first, usable * 0.45))
        widths = [first] + [int((usable - first) / (len(header) - 1))] * (len(header) - 1)
        t.autofit = False
        for column, width in zip(t.columns, widths):
            column.width = width  # the grid (LibreOffice reads it)
            for cell in column.cells:
                cell.width = width  # each cell (Word reads it)
    for row in t.rows:
        for cell in row.cells:
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing = 1.0  # the body's fixed 28pt would make rows tall
            for run in paragraph.runs:
                run.font.size = Pt(font_pt)
    return t


def picture(doc, png: bytes, width) -> None:
    """A picture on a line of its own, single-spaced (the body's fixed line height would crop it)."""
    import io
    doc.add_picture(io.BytesIO(png), width=min(width, usable_width(doc)))
    doc.paragraphs[-1].paragraph_format.line_spacing = 1.0


def orientation(doc, landscape: bool) -> None:
    """Start a new section on a new page, in landscape or portrait."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    if landscape != (width > height):
        section.page_width, section.page_height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
