"""Text cells written to a spreadsheet or CSV file, made inert (OWASP, "CSV Injection").

A cell that starts with = + - @ (or their full-width forms, or a tab or carriage return)
would be read as a formula by Excel, LibreOffice or WPS: a case number or a judge's name
like `=HYPERLINK(...)` must stay text. Such a cell gets a leading apostrophe; a number
written as text ("-3", "+1.5") is left alone. Every .xlsx and .csv the project writes goes
through `inert` (present/xlsx.py, data/ingest.py, metrics/__main__.py).
"""
from __future__ import annotations

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
