"""Checks of an Excel workbook made before any reader touches it, so a crafted file is refused
with a message instead of taking the process down.

An .xlsx is a zip of XML. A sheet with one cell at A1 and one at XFD1048576 makes a reader
that builds the whole rectangle allocate 16,384 × 1,048,576 cells; so does a first row of
16,384 `<c>` written without `r=` (each cell then stands one column after the one before) and a
last `<row r="1048576">`; a zip bomb unpacks a few megabytes into many gigabytes. So: the
archive's declared unpacked size and each member's compression ratio are checked, then every
part that is XML, whatever its name (the reader finds a sheet through the workbook's
relationships, and `sheet1.bin` is as good a name as `sheet1.xml`), is unpacked in a stream
(never more than MAX_UNPACKED bytes in all, whatever the headers declare) and its rows and cells
are followed tag by tag, as the reader places them, to find how far they reach; the shared
strings may not declare more strings than a sheet may have cells (the reader makes room for
them first: uniqueCount="4000000000" asks for 96 GB). A part the
reader takes for a sheet (or the workbook, its strings, its styles) that is not XML is binary
Excel (.xlsb), which is not read. The import also runs in a child process with memory and time
limits (data/sandbox.py), which catches what gets past these checks.
"""
from __future__ import annotations

import os
import posixpath
import re
import zipfile

from .unusable import UnusableFile

MAX_UNPACKED = 1 << 30  # bytes of XML in the whole workbook (a 1M-row, 25-column sheet is ~300 MB)
MAX_RATIO = 200  # unpacked / packed for a member over 10 MB; sheets of real data stay near 10-30
MAX_CELLS = 12_000_000  # the rectangle from A1 to the last cell (500,000 rows of 24 columns): the reader
                        # holds a sheet whole, so this keeps an import under 2 GB; larger lists come as CSV
MAX_TAG = 64 << 10  # bytes of one row's, cell's or dimension's tag; real ones are under 100
CHUNK = 1 << 20

# The start of a row, a cell or the dimension: any namespace prefix (<x:c …>), then white space, / or >.
_START = re.compile(rb"""<(?:[^\s<>/!?:="']+:)?(?:row|c|dimension|sst)(?=[\s/>])""")
# The whole tag and the column letters and row digits of its r="…" (a row's or cell's; a prefixed
# x:r too) or ref="…" (the dimension's, the last cell of its range): attribute values in either
# quote may hold '>' (never '<', in XML), and r= is looked for only between them (a lookahead
# that may find nothing: a tag without a reference, or with one that is not a cell's).
_UNIT = rb"""(?:[^<>"']|"[^"<]*"|'[^'<]*')"""
_TAG = re.compile(rb"""<(?:[^\s<>/!?:="']+:)?(row|c|dimension|sst)(?=[\s/>])"""
                  rb"""(?:(?=""" + _UNIT + rb"""*?\s(?:[^\s<>/=:"']+:)?(?:r|ref)\s*=\s*(["'])\s*"""
                  rb"""(?:\$?[A-Za-z]*\$?[0-9]*:)?\$?([A-Za-z]*)\$?([0-9]*)\s*\2)|)""" + _UNIT + rb"""*>""")
_NAME_CUT = re.compile(rb"<[^\s<>/]*")  # a tag's name cut by the end of a chunk
# the shared strings' declared counts: the reader makes room for uniqueCount strings before reading one
_COUNT = re.compile(rb"""\s(?:[^\s<>/=:"']+:)?(?:uniqueCount|count)\s*=\s*["']\s*([0-9]+)""", re.I)
_FAR = 1 << 40  # a reference no sheet can have (a column of 4+ letters, a row of 10+ digits)

# Parts the reader reads as XML: the targets of these relationships (the last word of their type:
# …/relationships/worksheet), and parts of such names
_READ_TYPES = ("officedocument", "sharedstrings", "styles")  # and every type ending in "sheet"
_READ_NAMES = re.compile(r"(^|/)(work|chart|dialog|macro)sheets/|(^|/)(workbook|sharedstrings|styles)\.[^/]*$")
_TARGET = re.compile(rb"""<(?:[^\s<>/:]+:)?Relationship\b([^<>]*)>""")
_ATTR = re.compile(rb"""(?:^|\s)(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_OVERRIDE = re.compile(rb"""<(?:[^\s<>/:]+:)?Override\b([^<>]*)>""")


def _column_number(letters: bytes) -> int:
    if len(letters) > 3:
        return _FAR
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


class Reach:
    """How far a sheet's rows and cells reach, followed tag by tag as a reader places them: a row
    or cell with a reference is where it says, one without stands after the one before; and a row
    holds at least as many columns as it has cells, a sheet as many rows as it has row tags."""

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self.row = self.row_tags = self.column = self.cells = 0

    @property
    def area(self) -> int:
        return self.rows * self.columns


_COLUMNS: dict[bytes, int] = {}  # column letters already turned into numbers


def _column(letters: bytes) -> int:
    column = _column_number(letters)
    if len(_COLUMNS) < 100_000:
        _COLUMNS[letters] = column
    return column


def reach_of(xml: bytes) -> tuple[int, int]:
    """(columns, rows) that the XML's rows and cells reach (a whole part, for tests and small parts)."""
    r = Reach()
    _follow(r, xml, final=True, path="", most=_FAR * _FAR)
    return r.columns, r.rows


def _too_far(path: str, r: Reach) -> UnusableFile:
    return _refuse(path, f"工作表范围过大（{r.columns:,} 列 × {r.rows:,} 行），请删除多余的单元格或另存为 CSV",
                   f"the sheet spans {r.columns:,} columns × {r.rows:,} rows; clear the stray cells or save it as CSV")


def _unreadable(path: str) -> UnusableFile:
    return _refuse(path, "工作表中有无法读取的行或单元格标记，已拒绝", "a row or cell tag of the sheet cannot be read; refused")


def _follow(r: Reach, buf: bytes, final: bool, path: str, most: int = MAX_CELLS) -> bytes:
    """Every row, cell and dimension tag of `buf` given to `r`; returns the end of `buf` that
    may hold a tag cut by the chunk's end (read again with the next chunk)."""
    rows, columns, row, row_tags, column, cells = r.rows, r.columns, r.row, r.row_tags, r.column, r.cells
    tags = 0
    t = None
    for t in _TAG.finditer(buf):
        name, _quote, letters, digits = t.groups()
        tags += 1
        if name == b"c":
            cells += 1
            if letters and digits:
                column = _COLUMNS.get(letters) or _column(letters)
                at_row = int(digits) if len(digits) < 10 else _FAR
                if at_row > rows:
                    rows = at_row
            else:
                column += 1
            if column > columns or cells > columns:
                columns = max(column, cells)
        elif name == b"row":
            row_tags += 1
            row = (int(digits) if len(digits) < 10 else _FAR) if digits and not letters else row + 1
            column = cells = 0
            rows = max(rows, row, row_tags)
        elif name == b"sst":  # as many strings as cells at most
            if any(len(n) > 9 or int(n) > MAX_CELLS for n in _COUNT.findall(t.group(0))):
                raise _refuse(path, f"共享字符串表声明的字符串超过 {MAX_CELLS:,} 个，已拒绝",
                              f"its shared strings declare more than {MAX_CELLS:,} strings; refused")
        elif letters and digits:  # the dimension: the range the sheet declares
            columns = max(columns, _column(letters))
            rows = max(rows, int(digits) if len(digits) < 10 else _FAR)
        if rows * columns > most:
            r.rows, r.columns = rows, columns
            raise _too_far(path, r)
    pos = t.end() if tags else 0
    r.rows, r.columns, r.row, r.row_tags, r.column, r.cells = rows, columns, row, row_tags, column, cells
    cut = None if final else _START.search(buf, pos)  # a row or cell begun and not ended: the next chunk ends it
    if cut is not None and (buf.find(b"<", cut.end()) >= 0 or len(buf) - cut.start() > MAX_TAG):
        cut = None
    if len(_START.findall(buf)) != tags + (cut is not None):  # a tag the pattern could not read whole
        raise _unreadable(path)
    if cut is not None:
        return buf[cut.start():]
    lt = buf.rfind(b"<", pos)
    if not final and lt >= 0 and _NAME_CUT.fullmatch(buf, lt):  # a tag whose name is cut: it may be a cell
        if len(buf) - lt > MAX_TAG:
            raise _unreadable(path)
        return buf[lt:]
    return b""


def _read_as_xml(zf: zipfile.ZipFile, names: set[str]) -> set[str]:
    """The parts the reader reads as XML (lower-case names): the targets of the relationships of
    sheets, the workbook, its strings and styles, the parts of [Content_Types].xml declared as
    such, and parts named as such. Headers of a few KB: read whole, within the size checks."""
    out = {n for n in names if _READ_NAMES.search(n)}
    for info in zf.infolist():
        low = info.filename.lower()
        if low.endswith(".rels") and info.file_size <= 1 << 20:
            base = posixpath.dirname(posixpath.dirname(low))  # xl/_rels/workbook.xml.rels: relative to xl/
            for m in _TARGET.finditer(zf.read(info)):
                attrs = {a.group(1).lower(): (a.group(2) if a.group(2) is not None else a.group(3)).decode("utf-8", "replace")
                         for a in _ATTR.finditer(m.group(1))}
                kind = attrs.get("type", "").lower().rstrip("/").rsplit("/", 1)[-1]
                if (kind in _READ_TYPES or kind.endswith("sheet")) and attrs.get("target"):
                    target = attrs["target"].lower().replace("\\", "/")
                    out |= {posixpath.normpath(posixpath.join(base, target)).lstrip("/"), target.lstrip("/"),
                            posixpath.normpath("xl/" + target.lstrip("/"))}
        elif low == "[content_types].xml" and info.file_size <= 1 << 20:
            for m in _OVERRIDE.finditer(zf.read(info)):
                attrs = {a.group(1).lower(): (a.group(2) if a.group(2) is not None else a.group(3)).decode("utf-8", "replace")
                         for a in _ATTR.finditer(m.group(1))}
                kind = attrs.get("contenttype", "").lower()
                if any(k in kind for k in ("worksheet", "chartsheet", "dialogsheet", "macrosheet", "binary",
                                           "sharedstrings", "styles", ".main")):
                    out.add(attrs.get("partname", "").lower().lstrip("/"))
    return out


def _is_xml(head: bytes) -> bool:
    """Whether a part begins as XML in UTF-8 (a BOM and white space allowed)."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<"


def check_workbook(path: str) -> None:
    """UnusableFile when the workbook would unpack too large, reaches too far or is binary
    Excel; nothing when it is not a zip at all (an old .xls, or a broken file the reader itself
    reports)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        check_members(path, members)
        names = {m.filename.lower() for m in members}
        if "xl/workbook.xml" not in names:  # the only place the .xlsx reader looks for it
            if "xl/workbook.bin" in names:
                raise _xlsb(path)
            raise _refuse(path, "不是 Excel (.xlsx) 工作簿，请另存为 .xlsx 或 CSV",
                          "not an Excel (.xlsx) workbook; save it as .xlsx or CSV")
        read = _read_as_xml(zf, names)
        unpacked = 0
        for m in members:  # every part, whatever its name: a workbook's relations may put a sheet anywhere
            unpacked = _scan_part(path, zf, m, unpacked, m.filename.lower() in read)
    return None


def _xlsb(path: str) -> UnusableFile:
    return _refuse(path, "工作表是二进制格式（.xlsb），无法读取，请另存为 .xlsx 或 CSV",
                   "its sheets are binary Excel (.xlsb), which is not read; save it as .xlsx or CSV")


def _scan_part(path: str, zf: zipfile.ZipFile, member: zipfile.ZipInfo, unpacked: int, read_as_xml: bool) -> int:
    """How far the part's rows and cells reach, when it is XML; returns the bytes unpacked so far.
    A part that is not XML is left alone unless the reader would read it as XML (binary Excel)."""
    reach, buf, first = Reach(), b"", True
    try:
        with zf.open(member) as f:
            while True:
                chunk = f.read(CHUNK)
                unpacked += len(chunk)
                if unpacked > MAX_UNPACKED:
                    raise too_large(path)
                if first:
                    first = False
                    if not _is_xml(chunk):
                        if read_as_xml and chunk:
                            raise _xlsb(path)
                        return unpacked - len(chunk)  # an image, printer settings, a macro project
                buf = _follow(reach, buf + chunk, not chunk, path)
                if not chunk:
                    return unpacked
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:  # a bad CRC, a cut-off member
        raise _refuse(path, "无法读取 Excel 文件", f"cannot read the Excel file ({' '.join(str(e).split())})") from None
