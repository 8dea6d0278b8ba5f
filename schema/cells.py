"""Text cells written to a spreadsheet or CSV file, made inert (OWASP, "CSV Injection").

A cell that starts with = + - @ (or their full-width forms, or a tab or carriage return)
would be read as a formula by Excel, LibreOffice or WPS: a case number or a judge's name
like `=HYPERLINK(...)` must stay text. Such a cell gets a leading apostrophe; a number
written as text ("-3", "+1.5") is left alone. Every .xlsx and .csv the project writes goes
through `inert` (present/xlsx.py, and every CSV through `csv_writer` below).

A CSV field holding a line break, a quote or the delimiter is quoted, a carriage return too:
Python's csv module quotes only the characters of its own line terminator, so with "\n" a name
holding "\r=4+4" was written bare and read back as two rows, the second starting with a formula.
"""
from __future__ import annotations

import csv
import io
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def inert(value):
    """`value` unchanged unless it is text a spreadsheet would run; then with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def inert_row(row) -> list:
    return [inert(v) for v in row]


class _Writer:
    """csv.writer's writerow / writerows, every row made inert and every field that needs it
    quoted (\r and \n whatever the line terminator)."""

    def __init__(self, out, lineterminator: str):
        self._out, self._end = out, lineterminator
        self._buf = io.StringIO()
        self._csv = csv.writer(self._buf, lineterminator="\r\n")  # quotes a field holding \r or \n

    def writerow(self, row) -> None:
        self._buf.seek(0)
        self._buf.truncate()
        self._csv.writerow(inert_row(row))
        self._out.write(self._buf.getvalue()[:-2] + self._end)

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, lineterminator: str = "\r\n") -> _Writer:
    """The one way the project writes CSV (rejects files, `python -m metrics`, `python -m report
    actions list`): cells inert, fields quoted wherever a reader could split them."""
    return _Writer(out, lineterminator)
