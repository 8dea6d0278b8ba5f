"""Excel files: sheets written with columns wide enough to read (CJK characters count double)."""
from __future__ import annotations

import io
import unicodedata

import pandas as pd
from openpyxl.utils import get_column_letter


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame (names cut to Excel's 31 characters), each column sized to its content."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name[:31], index=False)
            ws = xl.sheets[name[:31]]
            for i, col in enumerate(frame.columns, start=1):
                widest = max([_width(col)] + [_width(v) for v in frame[col].head(2000)])
                ws.column_dimensions[get_column_letter(i)].width = min(60, widest + 2)
    return out.getvalue()
