"""Excel files: sheets written with columns wide enough to read (CJK characters count double)."""
from __future__ import annotations

import io
import unicodedata

import pandas as pd
from openpyxl.utils import get_column_letter

from schema.cells import inert


WIDEST = 60  # characters; a longer text wraps


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
            for i, col in enumerate(frame.columns, start=1):
                fmt = formats.get(name, {}).get(col)
                per_row = fmt if isinstance(fmt, list) else [fmt] * len(frame)
                if fmt is not None:
                    for row, number_format in enumerate(per_row, start=2):
                        ws.cell(row=row, column=i).number_format = number_format
                shown = [_shown(v, f) for v, f in zip(frame[col].head(2000), per_row)]
                widest = max([_width(col)] + [_width(v) for v in shown])
                ws.column_dimensions[get_column_letter(i)].width = min(WIDEST, widest + 2)
                if widest + 2 > WIDEST:  # long notes wrap inside their column
                    for row in range(2, len(frame) + 2):
                        ws.cell(row=row, column=i).alignment = Alignment(wrap_text=True, vertical="top")
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


def _shown(value, fmt) -> str:
    """Roughly what a cell shows, for its width: the number plus the unit its format adds."""
    if value is None or fmt is None or isinstance(value, str):
        return "" if value is None else str(value)
    units = "".join(str(fmt).split('"')[1::2])
    if "%" in str(fmt).split('"')[0]:  # a percentage shows the value × 100
        return f"{value * 100:+,.2f}%"
    return f"{value:+,.2f}{units}"
