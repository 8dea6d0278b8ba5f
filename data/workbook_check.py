"""Checks of an Excel workbook made before any reader touches it, so a crafted file is refused
with a message instead of taking the process down.

An .xlsx is a zip of XML. A sheet with one cell at A1 and one at XFD1048576 makes a reader
that builds the whole rectangle allocate 16,384 × 1,048,576 cells; a zip bomb unpacks a few
megabytes into many gigabytes. So: the archive's declared unpacked size and each member's
compression ratio are checked, then every worksheet is unpacked in a stream (never more than
MAX_UNPACKED bytes in all, whatever the headers declare) to find how far its cells reach.
The import also runs in a child process with memory and time limits (data/sandbox.py), which
catches what gets past these checks.
"""
from __future__ import annotations

import os
import re
import zipfile

from .unusable import UnusableFile

MAX_UNPACKED = 1 << 30  # bytes of XML in the whole workbook (a 1M-row, 25-column sheet is ~300 MB)
MAX_RATIO = 200  # unpacked / packed for a member over 10 MB; sheets of real data stay near 10-30
MAX_CELLS = 12_000_000  # the rectangle from A1 to the last cell (500,000 rows of 24 columns): the reader
                        # holds a sheet whole, so this keeps an import under 2 GB; larger lists come as CSV
CHUNK = 1 << 20

# Any namespace prefix, any attribute order, either quote: <x:c s="1" r='XFD1048576'>
_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\b[^>]*?\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["']""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\sref\s*=\s*["'](?:[^"':]*:)?\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["']""")
_ROW_AT = re.compile(rb"""<(?:[\w.-]+:)?row\b[^>]*?\sr\s*=\s*["']([0-9]{1,7})["']""")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _refuse(path: str, zh: str, en: str) -> UnusableFile:
    return UnusableFile(f"{os.path.basename(path)}: {zh} / {en}")


def too_large(path: str) -> UnusableFile:
    return _refuse(path, f"解压后超过 {MAX_UNPACKED >> 20} MB，请拆分文件或另存为 CSV",
                   f"unpacks to more than {MAX_UNPACKED >> 20} MB; split it or save it as CSV")


def check_members(path: str, members: list[zipfile.ZipInfo]) -> None:
    """The archive's declared unpacked size and each member's compression ratio (a zip bomb's
    mark); the actual bytes are counted again while unpacking, as headers can lie."""
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise too_large(path)
    for m in members:
        if m.file_size > 10 << 20 and m.file_size > MAX_RATIO * max(1, m.compress_size):
            raise _refuse(path, "压缩比异常（疑似压缩炸弹），已拒绝", "compression ratio is abnormal (a zip bomb?); refused")


def check_workbook(path: str) -> None:
    """UnusableFile when the workbook would unpack too large or reaches too far; nothing when it
    is not a zip at all (an old .xls, or a broken file the reader itself reports)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with zf:
        members = zf.infolist()
        check_members(path, members)
        unpacked = 0
        for m in members:  # every XML part: a workbook's relations may put a sheet anywhere
            if m.filename.lower().endswith(".xml"):
                unpacked = _scan_sheet(path, zf, m, unpacked)


def _scan_sheet(path: str, zf: zipfile.ZipFile, member: zipfile.ZipInfo, unpacked: int) -> int:
    """How far the sheet's cells reach (its declared dimension included); returns the bytes unpacked so far."""
    columns = rows = row_tags = 0
    tail = b""
    try:
        with zf.open(member) as f:
            while chunk := f.read(CHUNK):
                unpacked += len(chunk)
                if unpacked > MAX_UNPACKED:
                    raise too_large(path)
                text = tail + chunk
                for found in (_DIMENSION.finditer(text), _CELL.finditer(text)):
                    for m in found:
                        columns = max(columns, _column_number(m.group(1)))
                        rows = max(rows, int(m.group(2)))
                for m in _ROW_AT.finditer(text):
                    rows = max(rows, int(m.group(1)))
                row_tags += len(_ROW.findall(chunk))  # rows written without an r="…" still count
                rows = max(rows, row_tags)
                if columns * rows > MAX_CELLS:
                    raise _refuse(path, f"工作表范围过大（{columns:,} 列 × {rows:,} 行），请删除多余的单元格或另存为 CSV",
                                  f"the sheet spans {columns:,} columns × {rows:,} rows; clear the stray cells or save it as CSV")
                tail = text[-256:]  # a tag cut at the chunk's end is found whole next time
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:  # a bad CRC, a cut-off member
        raise _refuse(path, "无法读取 Excel 文件", f"cannot read the Excel file ({' '.join(str(e).split())})") from None
    return unpacked
