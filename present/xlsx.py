"""Excel files: sheets written with columns wide enough to read (CJK characters count double)."""
from __future__ import annotations

import io
import unicodedata

import pandas as pd
from openpyxl.utils import get_column_letter

from schema.cells import inert


WIDEST = 60  # characters; a longer text wraps
MIN_WIDTH = 6
NUMBER_SLACK = 1.15  # "%", "," and CJK units are wider than a digit in some fonts
LINE_PT = 15  # one line of 11-point text, CJK included


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def workbook(sheets: dict[str, pd.DataFrame], formats: dict[str, dict[str, str | list[str]]] | None = None) -> bytes:
    """One sheet per frame (names cut to Excel's 31 characters), each column sized to its content,
    the header row frozen and bold. formats[sheet][column]: an Excel number format for the whole
    column, or a list with one per row (a column of indicators in their own units)."""
    from openpyxl.styles import Alignment, Font

    formats = dict(formats or {})
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame = _inert(frame)
            formats[name] = {inert(c): f for c, f in formats.get(name, {}).items()}
            frame.to_excel(xl, sheet_name=name[:31], index=False)
            ws = xl.sheets[name[:31]]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
            lines = [1] * (len(frame) + 2)  # the text lines of each row, for its height
            for i, col in enumerate(frame.columns, start=1):
                fmt = formats.get(name, {}).get(col)
                per_row = fmt if isinstance(fmt, list) else [fmt] * len(frame)
                if fmt is not None:
                    for row, number_format in enumerate(per_row, start=2):
                        ws.cell(row=row, column=i).number_format = number_format
                values = list(frame[col])
                shown = [_shown(v, f) for v, f in zip(values[:2000], per_row)]
                numbers = [_width(t) for v, t in zip(values, shown) if _is_number(v)]
                texts = [_width(t) for v, t in zip(values, shown) if not _is_number(v)]
                # a number cannot wrap (too narrow, it shows ###): its column is as wide as its widest
                number_width = max(numbers, default=0) * NUMBER_SLACK + 2
                width = max(_width(col) + 2, number_width, min(WIDEST, max(texts, default=0) + 2), MIN_WIDTH)
                ws.column_dimensions[get_column_letter(i)].width = width
                for row, (v, t) in enumerate(zip(values, shown), start=2):
                    if not _is_number(v) and _width(t) + 2 > width:  # long notes wrap inside their column
                        ws.cell(row=row, column=i).alignment = Alignment(wrap_text=True, vertical="top")
                        lines[row] = max(lines[row], _lines(str(v), width - 2))
            for row, n in enumerate(lines):
                if n > 1:  # set, since neither Calc nor Excel grows a row on opening the file
                    ws.row_dimensions[row].height = n * LINE_PT + 3
                    for cell in ws[row]:  # a tall row reads from its top
                        cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
            _print_setup(ws)
    return out.getvalue()


def _inert(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell and header a spreadsheet could run made inert."""
    frame = frame.rename(columns=inert)
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        frame = frame.copy()
        for c in text:
            frame[c] = frame[c].map(inert)
    return frame


def _print_setup(ws) -> None:
    """Printed as a meeting hand-out: landscape, one page wide, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (CJK counting 2)."""
    n = 0
    for part in text.split("\n"):
        n += max(1, -(-_width(part) // max(1, int(width))))
    return n


def _shown(value, fmt) -> str:
    """The text a cell shows, for its width: the number written by its format's section for its
    sign (its decimals, thousands, % and quoted units such as 件 or 个百分点)."""
    if not _is_number(value):  # text as written; None and NaN are written blank
        return "" if value is None or isinstance(value, float) else str(value)
    if fmt is None or fmt == "General":
        return f"{value:,.6g}" if isinstance(value, float) else f"{value:,}"
    sections = str(fmt).split(";")
    section = sections[1] if value < 0 and len(sections) > 1 else \
        sections[2] if value == 0 and len(sections) > 2 else sections[0]
    explicit_sign = len(sections) > 1 and value < 0
    code = "".join(section.split('"')[0::2])  # outside the quotes
    literal = "".join(section.split('"')[1::2])
    number = abs(value) if explicit_sign else value
    if "%" in code:
        number *= 100
    decimals = len(code.split(".")[1].rstrip("%+- ")) if "." in code else 0
    text = f"{number:{',' if ',' in code else ''}.{decimals}f}"
    sign = "-" if explicit_sign else ("+" if "+" in code and value >= 0 else "")
    return sign + text + ("%" if "%" in code else "") + literal
