"""Read a case or court list (CSV, .xlsx, Parquet) into a table of trimmed text cells.

The result is a pyarrow Table with `row_no` (1 = first data row) and one string column per
known column (English names, whatever the header language). Blank rows are dropped but keep
their place in the numbering; an empty cell is None.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os

import pyarrow as pa


class UnusableFile(Exception):
    """The file cannot be imported at all; the message is one line for the user."""


def _clean(cell) -> str | None:
    """Text of one cell, trimmed of Unicode white space; None when empty."""
    if cell is None:
        return None
    if isinstance(cell, str):
        s = cell.strip()
    elif isinstance(cell, bool):
        s = "true" if cell else "false"
    elif isinstance(cell, dt.datetime):
        s = cell.date().isoformat()
    elif isinstance(cell, dt.date):
        s = cell.isoformat()
    elif isinstance(cell, float):
        s = str(int(cell)) if cell.is_integer() else repr(cell)
    else:
        s = str(cell).strip()
    return s or None


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise UnusableFile(
            f"{os.path.basename(path)}: 编码既不是 UTF-8 也不是 GB18030 / encoding is neither UTF-8 nor GB18030"
        ) from None


def _csv_rows(path: str) -> list[list]:
    with open(path, "rb") as f:
        text = _decode(f.read(), path)
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_rows(path: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises its own error types for broken files
        raise UnusableFile(f"{os.path.basename(path)}: 无法读取 Excel 文件 / cannot read the Excel file ({e})") from None


def _parquet_rows(path: str) -> list[list]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as e:
        raise UnusableFile(f"{os.path.basename(path)}: 无法读取 Parquet 文件 / cannot read the Parquet file ({e})") from None
    cols = [c.to_pylist() for c in table.columns]
    return [table.column_names] + [list(r) for r in zip(*cols)] if cols else [table.column_names]


def read_rows(path: str) -> list[list]:
    """All rows of the file, header first, cells as the file gives them."""
    if not os.path.isfile(path):
        raise UnusableFile(f"{path}: 文件不存在 / file not found")
    ext = os.path.splitext(path)[1].lower()
    if ext in (".csv", ".txt"):
        return _csv_rows(path)
    if ext in (".xlsx", ".xlsm", ".xls"):
        return _xlsx_rows(path)
    if ext in (".parquet", ".pq"):
        return _parquet_rows(path)
    raise UnusableFile(
        f"{os.path.basename(path)}: 只能导入 CSV、Excel (.xlsx) 或 Parquet 文件 / only CSV, Excel (.xlsx) or Parquet files can be imported"
    )


def read_table(path: str, columns: dict[str, tuple[str, str, bool]]) -> pa.Table:
    """Read `path` and map its header onto `columns` (English or Chinese names, mixed)."""
    rows = read_rows(path)
    if not rows:
        raise UnusableFile(f"{os.path.basename(path)}: 文件为空 / the file is empty")
    by_header = {}
    for name, (zh, _kind, _req) in columns.items():
        by_header[name.lower()] = name
        by_header[zh] = name
    position: dict[str, int] = {}
    for i, h in enumerate(rows[0]):
        name = by_header.get((_clean(h) or "").lower()) or by_header.get(_clean(h) or "")
        if name and name not in position:
            position[name] = i
    missing = [f"{n}（{columns[n][0]}）" for n, (_zh, _k, req) in columns.items() if req and n not in position]
    if missing:
        raise UnusableFile(
            f"{os.path.basename(path)}: 缺少必需的列 / required column missing: {', '.join(missing)}"
        )
    row_no: list[int] = []
    data: dict[str, list] = {n: [] for n in columns}
    picks = [(n, position.get(n)) for n in columns]
    for number, row in enumerate(rows[1:], start=1):
        cells = [_clean(c) for c in row]
        if not any(c is not None for c in cells):
            continue
        row_no.append(number)
        width = len(cells)
        for name, pos in picks:
            data[name].append(cells[pos] if pos is not None and pos < width else None)
    arrays = {"row_no": pa.array(row_no, pa.int64())}
    arrays.update({n: pa.array(v, pa.string()) for n, v in data.items()})
    return pa.table(arrays)
