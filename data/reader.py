"""Read a case or court list (CSV, .xlsx, Parquet) into a table of trimmed text cells.

The result is a pyarrow Table with `row_no` (1 = first data row) and one string column per
known column (English names, whatever the header language). Blank rows are dropped but keep
their place in the numbering; an empty cell is None.

Cells are trimmed of leading and trailing Unicode white space (Python's `str.strip()`, which
pyarrow's `utf8_trim_whitespace` matches code point for code point). Large CSV files are
read in chunks and turned into Arrow columns chunk by chunk, so memory stays bounded.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import gc
import io
import itertools
import math
import os
from collections.abc import Iterator

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .unusable import UnusableFile
from .validate import sql_literal

CHUNK_ROWS = 100_000
BOM = b"\xef\xbb\xbf"
MAX_LINE = 4 << 20  # characters in one line of a CSV (4 MB of ASCII): a case row is under 2 KB; a longer
                    # line makes the file unusable, so that a file of one 2 GB line is refused, not read whole


def max_line() -> int:
    """MAX_LINE, or SPZX_IMPORT_MAX_LINE (characters) where set (the tests' small files)."""
    return int(os.environ.get("SPZX_IMPORT_MAX_LINE") or MAX_LINE)


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
        if math.isnan(cell):
            return None
        if cell.is_integer():
            s = str(int(cell))
        else:
            s = repr(cell)
            if "e" in s:  # 1e-05: write it out, the import rules read plain digits only
                s = format(decimal.Decimal(s), "f")
    elif isinstance(cell, decimal.Decimal):
        s = format(cell, "f")
    else:
        s = str(cell).strip()
    return s or None


def _text(cell) -> str:
    s = _clean(cell)
    return "" if s is None else s


def _cut(text: str, most: int = 40) -> str:
    """A header as quoted in a message: one line, at most `most` characters."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most] + "…"


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())


# --------------------------------------------------------------------------- CSV


def _has_bom(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(len(BOM)) == BOM


def _csv_encoding(path: str) -> tuple[str, int]:
    """(encoding, bytes to skip): UTF-8 (BOM skipped) or GB18030; UnusableFile otherwise."""
    with open(path, "rb") as f:
        skip = len(BOM) if f.read(len(BOM)) == BOM else 0
    for enc in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            with open(path, "rb") as f:
                f.seek(skip)
                while chunk := f.read(1 << 24):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return enc, skip
        except UnicodeDecodeError:
            continue
    raise UnusableFile(
        f"{os.path.basename(path)}: 编码既不是 UTF-8 也不是 GB18030 / encoding is neither UTF-8 nor GB18030"
    )


class _Lenient(Exception):
    """A quote in an odd place: read the file again the lenient way (as Excel does)."""


def _csv_rows(path: str, strict: bool = True, encoding: tuple[str, int] | None = None) -> Iterator[list[str]]:
    """Rows of a CSV file. Strict first, so that a quote left open (which would swallow every
    row after it into one cell) makes the file unusable instead of silently losing rows; a
    stray quote elsewhere (`"ab" ,c`) only means reading it again leniently. `encoding`:
    (encoding, bytes to skip) when already known."""
    enc, skip = encoding or _csv_encoding(path)
    f = open(path, "rb")
    f.seek(skip)
    text = io.TextIOWrapper(f, encoding=enc, newline="")
    reader = csv.reader(_bounded_lines(text, path), strict=strict)
    line = 0  # the last line of the last complete row
    try:
        for row in reader:
            yield row
            line = reader.line_num
    except csv.Error as e:
        msg = _one_line(e)
        if strict and "unexpected end of data" not in msg and "field limit" not in msg:
            raise _Lenient() from None
        if "unexpected end of data" in msg:
            msg = "引号未闭合 / a quoted cell is never closed"
        raise UnusableFile(
            f"{os.path.basename(path)}: 不是有效的 CSV 文件（第 {line + 1} 行起） / "
            f"not a valid CSV file (from line {line + 1}): {msg}"
        ) from None
    finally:
        text.close()


def _bounded_lines(text: io.TextIOWrapper, path: str) -> Iterator[str]:
    """The file's lines (split as the csv module splits them: newline=""), none longer than
    max_line(): a line is read at most that far, so memory stays bounded whatever the file."""
    most = max_line()
    n = 0
    while line := text.readline(most + 2):  # + its line break, \r\n kept whole
        n += 1
        if len(line.rstrip("\r\n")) > most:
            raise UnusableFile(
                f"{os.path.basename(path)}: 第 {n} 行超过 {most:,} 个字符（一行的上限），文件无法使用 / "
                f"line {n} is longer than {most:,} characters (the limit of a line); the file cannot be used")
        yield line


# --------------------------------------------------------------------------- Excel, Parquet


def _xlsx_rows(path: str) -> Iterator[list[str]]:
    from python_calamine import CalamineWorkbook

    from .workbook_check import check_workbook

    check_workbook(path)  # before the reader builds the sheet's whole rectangle in memory
    try:
        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()
    except Exception as e:  # calamine raises its own error types for broken files
        raise UnusableFile(
            f"{os.path.basename(path)}: 无法读取 Excel 文件 / cannot read the Excel file ({_one_line(e)})"
        ) from None
    for row in rows:  # one row of Python objects at a time
        yield [_text(c) for c in row]


def _parquet_rows(path: str) -> Iterator[list[str]]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as e:
        raise UnusableFile(
            f"{os.path.basename(path)}: 无法读取 Parquet 文件 / cannot read the Parquet file ({_one_line(e)})"
        ) from None
    yield list(pf.schema_arrow.names)
    try:
        for batch in pf.iter_batches(batch_size=CHUNK_ROWS):
            cols = [c.to_pylist() for c in batch.columns]
            for r in zip(*cols):
                yield [_text(c) for c in r]
    except Exception as e:
        raise UnusableFile(
            f"{os.path.basename(path)}: 无法读取 Parquet 文件 / cannot read the Parquet file ({_one_line(e)})"
        ) from None


# --------------------------------------------------------------------------- dispatch

_CSV_EXT = {".csv", ".txt"}
_XLSX_EXT = {".xlsx", ".xlsm", ".xls"}
_PARQUET_EXT = {".parquet", ".pq"}


def iter_rows(path: str, strict: bool = True) -> Iterator[list[str]]:
    """All rows of the file, header first, every cell as text (CSV cells untrimmed)."""
    if not os.path.isfile(path):
        raise UnusableFile(f"{path}: 文件不存在 / file not found")
    with open(path, "rb") as f:
        magic = f.read(4)
    ext = os.path.splitext(path)[1].lower()
    if magic == b"PAR1":
        return _parquet_rows(path)
    if magic in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0") and ext not in _PARQUET_EXT:
        return _xlsx_rows(path)  # a workbook, whatever its name says
    if ext in _CSV_EXT:
        return _csv_rows(path, strict)
    if ext in _XLSX_EXT:
        return _xlsx_rows(path)
    if ext in _PARQUET_EXT:
        return _parquet_rows(path)
    raise UnusableFile(
        f"{os.path.basename(path)}: 只能导入 CSV、Excel (.xlsx) 或 Parquet 文件 / only CSV, Excel (.xlsx) or Parquet files can be imported"
    )


def _is_blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def _chunk_columns(chunk: list[list[str]], picks: list[tuple[str, int | None]], header: int) -> tuple[np.ndarray, dict]:
    """Positions of the non-blank rows of `chunk` and their trimmed known columns. The cells of a
    row past the header's `header` cells count only for whether the row is blank: they are
    folded into one, so that one row of a million commas does not widen every row of the chunk."""
    chunk = [r if len(r) <= header + 1 else r[:header] + ["".join(c.strip() for c in r[header:])] for r in chunk]
    width = max(len(r) for r in chunk)
    if any(len(r) != width for r in chunk):
        chunk = [r + [""] * (width - len(r)) for r in chunk]
    trimmed = [pc.utf8_trim_whitespace(pa.array(c, pa.string())) for c in zip(*chunk)]
    blank = np.ones(len(chunk), dtype=bool)
    for arr in trimmed:
        blank &= pc.equal(arr, "").to_numpy(zero_copy_only=False)
    keep = ~blank
    mask = pa.array(keep)
    out = {}
    for name, pos in picks:
        if pos is None or pos >= width:
            out[name] = pa.nulls(int(keep.sum()), pa.string())
            continue
        arr = trimmed[pos].filter(mask)
        out[name] = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return np.flatnonzero(keep), out


def schema_of(columns: dict[str, tuple[str, str, bool]]) -> pa.Schema:
    return pa.schema([("row_no", pa.int64())] + [(n, pa.string()) for n in columns])


def iter_batches(path: str, columns: dict[str, tuple[str, str, bool]], renamed: dict[str, str] | None = None,
                 limit: int | None = None) -> Iterator[pa.RecordBatch]:
    """The file's rows in batches of at most CHUNK_ROWS, mapped onto `columns` (English or Chinese
    names, mixed; `renamed`: more headers of the file -> column, from an import profile);
    `limit`: the first rows only. Only one batch is in memory at a time.

    A CSV is read strictly first; when a stray quote shows up, the rest is read leniently
    (as Excel does) from the first row not yet given, the rows before it read the same."""
    done = 0  # rows after the header already given, blank ones included
    try:
        for batch, done in _batches(path, iter_rows(path), columns, renamed or {}, limit, 0):
            yield batch
    except _Lenient:
        for batch, _done in _batches(path, iter_rows(path, strict=False), columns, renamed or {}, limit, done):
            yield batch


def read_table(path: str, columns: dict[str, tuple[str, str, bool]], renamed: dict[str, str] | None = None,
               limit: int | None = None) -> pa.Table:
    """The whole file (or its first `limit` rows) as one table: small files, court lists, previews."""
    return pa.Table.from_batches(list(iter_batches(path, columns, renamed, limit)), schema_of(columns))


def read_header(path: str) -> list[str]:
    """The file's header (its first row that is not blank), cells trimmed."""
    try:
        rows = iter_rows(path)
        header = next((r for r in rows if not _is_blank(r)), None)
    except _Lenient:
        header = next((r for r in iter_rows(path, strict=False) if not _is_blank(r)), None)
    if header is None:
        raise UnusableFile(f"{os.path.basename(path)}: 文件为空 / the file is empty")
    return [h.strip() for h in header]


def _picks(name: str, header: list[str], columns: dict[str, tuple[str, str, bool]],
           renamed: dict[str, str]) -> list[tuple[str, int | None]]:
    """(column, its position in the header or None) for every known column; UnusableFile when a
    column is named twice or a required one is missing."""
    by_header = {}
    for col, (zh, _kind, _req) in columns.items():
        by_header[col.lower()] = col
        by_header[zh] = col
    position: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.strip()
        col = renamed.get(key) or by_header.get(key.lower()) or by_header.get(key)
        if col and col in position:  # spec v2: which copy would be meant cannot be known
            first = header[position[col]].strip()
            raise UnusableFile(
                f"{name}: 第{position[col] + 1}列“{_cut(first)}”与第{i + 1}列“{_cut(key)}”都是{columns[col][0]}列 / "
                f"columns {position[col] + 1} and {i + 1} both name column {col}"
            )
        if col:
            position[col] = i
    missing = [f"{n}（{columns[n][0]}）" for n, (_zh, _k, req) in columns.items() if req and n not in position]
    if missing:
        raise UnusableFile(f"{name}: 缺少必需的列 / required column missing: {', '.join(missing)}")
    return [(n, position.get(n)) for n in columns]


def _batches(path: str, rows: Iterator[list[str]], columns: dict[str, tuple[str, str, bool]],
             renamed: dict[str, str], limit: int | None, skip: int) -> Iterator[tuple[pa.RecordBatch, int]]:
    """(batch, rows after the header consumed so far); the first `skip` rows after the header are passed over."""
    name = os.path.basename(path)
    header = None
    for row in rows:  # the header is the first row that is not blank
        if not _is_blank(row):
            header = row
            break
    if header is None:
        raise UnusableFile(f"{name}: 文件为空 / the file is empty")
    picks = _picks(name, header, columns, renamed)
    schema = schema_of(columns)
    for _ in itertools.islice(rows, skip):
        pass
    start = 1 + skip
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a hundred thousand row lists, none in a cycle: collecting them is wasted time
    try:
        while chunk := list(itertools.islice(rows, CHUNK_ROWS if limit is None else max(0, min(CHUNK_ROWS, limit - start + 1)))):
            kept, cols = _chunk_columns(chunk, picks, len(header))
            batch = pa.record_batch([pa.array(kept + start, pa.int64())] + [cols[n] for n in columns], schema=schema)
            start += len(chunk)
            del chunk
            yield batch, start - 1
    finally:
        if gc_was_enabled:
            gc.enable()


# --------------------------------------------------------------------------- CSV through DuckDB

WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())  # what str.strip() removes
_WS_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"  # the same, as an RE2 class
_JOIN = "\ue000"  # joins a row's cells for the row's one test: neither white space nor a control character
_ODD_RE = (f"[\\x00-\\x1F\\x7F]|(?:^|{_JOIN}){_WS_CLASS}|{_WS_CLASS}(?:{_JOIN}|$)")
FIELD_LIMIT = csv.field_size_limit()
# Byte sequences where DuckDB's CSV reader and Python's csv module (the reference) could read a
# file differently: an empty line (DuckDB skips it, the numbering counts it), white space beside
# a quote (DuckDB drops it), a NUL. A file holding one is read by the Python reader. One RE2
# pattern: one scan of each block.
_NOT_FAST_RE = r'\n\n|\n\r|\r\r| "|" |\t"|"\t|\x00'


def _utf8_ok(data) -> bool:
    """Whether the bytes `data` are valid UTF-8: Arrow's check, strict as Python's decoder (no
    surrogates, no overlong forms, nothing past U+10FFFF) and without making a str."""
    buf = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, buf.size], np.int32))
    try:
        pa.Array.from_buffers(pa.string(), 1, [None, offsets, buf]).validate(full=True)
        return True
    except pa.ArrowInvalid:
        return False


def _whole_chars(data: bytes) -> int:
    """The length of `data` up to the end of its last complete UTF-8 character: the rest (at
    most three bytes of a character cut by the end of a block) belongs with the next block."""
    for back in range(1, min(4, len(data)) + 1):
        b = data[-back]
        if b < 0x80:
            return len(data)
        if b >= 0xC0:  # the lead byte of the last character
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)  # no lead byte where one must be: invalid, the check says so


def _fast_csv(path: str) -> int | None:
    """The number of lines of a UTF-8 CSV that DuckDB reads exactly as the Python reader does
    (each line one record: a cell holding a line break is left to the Python reader); None for
    any other file. One pass over the file, a block at a time: the UTF-8 check, the byte
    sequences of _NOT_FAST_RE and the line ends."""
    if os.path.splitext(path)[1].lower() not in _CSV_EXT or not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        if f.read(4) in (b"PAR1", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
            return None
        f.seek(0)
        skip = len(BOM) if f.read(len(BOM)) == BOM else 0
        f.seek(skip)
        lf = cr = crlf = 0
        tail = b""  # the last byte of the block before: a sequence may span two blocks
        carry = b""  # the start of a character cut by the end of the block before
        first = True
        try:
            while block := f.read(1 << 24):
                if first and block[:1] in (b"\r", b"\n"):
                    return None
                first = False
                text = carry + block if carry else block
                cut = _whole_chars(text)
                if not _utf8_ok(memoryview(text)[:cut]):
                    raise UnicodeDecodeError("utf-8", b"", 0, 1, "invalid")
                carry = text[cut:]
                joined = tail + block
                if pc.match_substring_regex(pa.array([joined], pa.binary()), _NOT_FAST_RE)[0].as_py():
                    return None
                lf += block.count(b"\n")
                n = block.count(b"\r")
                if n or tail == b"\r":
                    cr += n
                    crlf += joined.count(b"\r\n")
                tail = block[-1:]
            if carry:  # the file ends inside a character
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "truncated")
        except UnicodeDecodeError:
            _csv_encoding(path)  # GB18030 (the Python reader's) or UnusableFile
            return None
    if first:  # nothing after the BOM
        return None
    return lf + cr - crlf + (tail not in (b"\r", b"\n"))


def load_csv(con, path: str, columns: dict[str, tuple[str, str, bool]], renamed: dict[str, str] | None,
             target: str, file_no: int, view: bool = False) -> int | None:
    """Append a UTF-8 CSV's rows to table `target` (row_no, the columns, file_no, plain) with DuckDB's
    own reader, every cell as text, trimmed in SQL: the same rows, numbers and cells as iter_batches,
    without a Python object per cell. Returns the rows added (blank rows are skipped, keeping
    their place in the numbering), or None when the file needs the Python reader (GB18030, an empty
    line, a stray quote, a cell over the csv module's field limit …); then nothing was added.
    With `view`, `target` is made a view of those rows over table csv_cells instead (the one
    file of an import: no copy), and 0 is returned; the caller counts the rows and drops both."""
    lines = _fast_csv(path)
    if lines is None:
        return None
    name = os.path.basename(path)
    before = 0  # records before the header (blank ones)
    header = None
    try:
        for row in _csv_rows(path, encoding=("utf-8", len(BOM) if _has_bom(path) else 0)):
            if not _is_blank(row):
                header = row
                break
            before += 1
    except _Lenient:
        return None
    if header is None:
        raise UnusableFile(f"{name}: 文件为空 / the file is empty")
    picks = _picks(name, header, columns, renamed or {})
    width = len(header)
    spec = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    # a line of more bytes than max_line() has characters is left to the Python reader, which
    # counts its characters (the limit is in characters) and names it when it is too long
    read = (f"read_csv(?, header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {spec}, null_padding = true, strict_mode = true, max_line_size = {max_line() + 1})")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE csv_cells AS SELECT * FROM {read}", [path])
    except duckdb.Error:
        con.execute("DROP TABLE IF EXISTS csv_cells")
        return None
    # one test per row: `odd` when some cell starts or ends with white space or holds a control
    # character (cells joined by a character that is neither; a cell holding it only makes a
    # row odd that need not be). Only the cells of odd rows are trimmed: DuckDB's trim with a
    # set of characters is several times slower than the test. The flag goes into the target
    # as `plain` (NOT odd), so the rules look for control characters only in odd rows.
    ws = sql_literal(WHITESPACE)
    joined = "concat_ws(" + sql_literal(_JOIN) + ", " + ", ".join(f"c{i}" for i in range(width)) + ")"
    cells = [f"CASE WHEN odd THEN nullif(trim(c{i}, {ws}), '') ELSE nullif(c{i}, '') END" for i in range(width)]
    longest = " , ".join(f"max(strlen(c{i}))" for i in range(width))
    records, most = con.execute(f"SELECT count(*), greatest(0, {longest}) FROM csv_cells").fetchone()
    # one record per line, as counted in the file (a quote left open or a line DuckDB passed
    # over would break this); no cell over the csv module's limit, which makes a file unusable
    if records != lines or records <= before or (most or 0) > FIELD_LIMIT:
        con.execute("DROP TABLE csv_cells")
        return None
    known = {pos for _n, pos in picks if pos is not None}
    order = sorted(range(width), key=lambda i: i not in known)  # known columns first: most rows stop there
    blank = " AND ".join(f"{cells[i]} IS NULL" for i in order)
    picked = ", ".join(f"{cells[pos]} AS {n}" if pos is not None else f"NULL::VARCHAR AS {n}" for n, pos in picks)
    select = f"""
        SELECT r - {before} AS row_no, {picked}, {int(file_no)} AS file_no, NOT odd AS plain
        FROM (SELECT rowid AS r, *, regexp_matches({joined}, {sql_literal(_ODD_RE)}) AS odd
              FROM csv_cells WHERE rowid > {before})
        WHERE NOT ({blank})
    """
    if view:  # read where it is used, not copied: csv_cells stays until the caller drops it
        con.execute(f"CREATE TEMP VIEW {target} AS {select}")
        return 0
    added = con.execute(f"INSERT INTO {target} BY NAME {select}").fetchone()[0]
    con.execute("DROP TABLE csv_cells")
    return added
