"""The rejected rows of an import, for the people who fix them: each row's line in the
spreadsheet as they see it (the header's line plus the row's number after it), its reasons
in one language, and a workbook of the rejected rows with the file's own columns, 行号 and 原因
added, that can be corrected in Excel and imported again (extra columns are ignored).

The rejects file of the command line (`row,case_no,reason`, or `row,visit_no,reason` for the
letters-and-visits list; spec/cli.md) stays as it is: this reads it. Reasons are stored as "中文 / English", several joined by "；"; they are read back by
the rules' own message parts (validate.rule_parts), so a quoted cell holding " / " or "；"
does not split them wrongly; a reason no rule wrote is shown as written.
"""
from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass

from schema.cells import inert

from . import archive, validate, visit_rules
from .reader import _Lenient, iter_rows

SEP = " / "
TODAY = "{today}"
ROW = "{row}"  # a row number inside a reason (a duplicate's first row): shown as its line
FILE = "{file}"
# written by validate.mark_duplicates and ingest.CYCLE_REASON (their SQL and constant, here as parts)
OTHER_REASONS = [
    ("案号重复（第", ROW, "行已有此案号） / duplicate case_no (first seen in row ", ROW, ")"),
    ("案号重复（", FILE, " 第", ROW, "行已有此案号） / duplicate case_no (first seen in ", FILE, ", row ", ROW, ")"),
    ("原审案号形成循环引用 / origin_case_no links form a cycle",),
    ("信访编号重复（与前面的行相同） / duplicate visit_no",),  # visit_rules.check_rows
]
SHOWN_AT_MOST = 2000  # rows listed on the page; the workbook holds them all


def _slot(part: str) -> bool:
    return part.startswith("{") and part.endswith("}")


@dataclass(frozen=True)
class _Message:
    """One rule's message: its Chinese and English parts, and a pattern that reads it back."""
    zh: tuple[str, ...]
    en: tuple[str, ...]
    pattern: re.Pattern

    @classmethod
    def of(cls, parts: tuple[str, ...]) -> _Message:
        pieces: list[str] = []
        for p in parts:  # the import's day is written into two messages: a slot of its own
            for k, bit in enumerate(p.split(TODAY) if not _slot(p) else [p]):
                pieces += ([TODAY] if k else []) + ([bit] if bit else [])
        at = next(i for i, p in enumerate(pieces) if not _slot(p) and SEP in p)
        left, right = pieces[at].split(SEP, 1)
        zh = tuple(pieces[:at] + ([left] if left else []))
        en = tuple(([right] if right else []) + pieces[at + 1:])
        regex = "".join(_regex(p) for p in zh) + re.escape(SEP) + "".join(_regex(p) for p in en) + "(?=；|$)"
        return cls(zh, en, re.compile(regex, re.S))


def _regex(part: str) -> str:
    if part == ROW:
        return "([0-9]+)"
    if part == TODAY:
        return "([0-9]{4}-[0-9]{2}-[0-9]{2})"
    return "(.*?)" if _slot(part) else re.escape(part)


@functools.cache
def _messages() -> tuple[_Message, ...]:
    return tuple(_Message.of(parts) for _c, parts in validate.rule_parts(TODAY) + visit_rules.rule_parts(TODAY)) + tuple(
        _Message.of(p) for p in OTHER_REASONS)


def _read(reason: str, start: int = 0) -> list[tuple[_Message, re.Match]] | None:
    for message in _messages():
        m = message.pattern.match(reason, start)
        if m is None:
            continue
        rest = [] if m.end() == len(reason) else _read(reason, m.end() + 1)
        if rest is not None:
            return [(message, m)] + rest
    return None


def _written(parts: tuple[str, ...], values: list[str], line_of) -> str:
    """The parts with the slots' values, each row number as its line."""
    out = []
    values = iter(values)
    file = None
    for p in parts:
        if not _slot(p):
            out.append(p)
            continue
        v = next(values)
        if p == FILE:
            file = v
        out.append(str(line_of(int(v), file)) if p == ROW else v)
    return "".join(out)


def in_language(reason: str, lang: str, line_of=lambda row, file: row) -> str:
    """The reason in one language ("zh" or "en"); `line_of(row, file)` turns a row number quoted in
    it into a line (file None: the row's own file). A reason no rule wrote is shown whole."""
    read = _read(reason)
    if read is None:
        return reason
    said = []
    for message, m in read:
        groups = list(m.groups())
        zh_slots = sum(1 for p in message.zh if _slot(p))
        if lang == "zh":
            said.append(_written(message.zh, groups[:zh_slots], line_of))
        else:
            said.append(_written(message.en, groups[zh_slots:], line_of))
    return ("；" if lang == "zh" else "; ").join(said)


# --------------------------------------------------------------------------- the files


def files(paths: list[str], shown_as: list[str], folder: str) -> list[tuple[str, str]]:
    """(path, name in the rejects file) of every case list, a .zip unpacked into `folder`, as
    the import read them (ingest.load_cases)."""
    out = []
    for k, path in enumerate(paths):
        own = shown_as[k] if k < len(shown_as) else os.path.basename(path)
        out += archive.unpack(path, folder, own) if archive.is_zip(path) else [(path, own)]
    return out


def _scan(rows, wanted: set[int]) -> tuple[int, list[str], dict[int, list[str]]]:
    line, header = 0, None
    for cells in rows:
        line += 1
        if "".join(cells).strip():
            header = [c.strip() for c in cells]
            break
    found = {n: cells for n, cells in enumerate(rows, start=1) if n in wanted} if wanted else {}
    return line, header or [], found


def _header_and_rows(path: str, wanted: set[int]) -> tuple[int, list[str], dict[int, list[str]]]:
    """(the header's line, the header, row number -> cells for the rows `wanted`), read as the
    import read them (a CSV with a stray quote, as Excel does)."""
    try:
        return _scan(iter_rows(path), wanted)
    except _Lenient:
        return _scan(iter_rows(path, strict=False), wanted)


def header_line(path: str) -> int:
    """The line of the file's header (blank lines above it counted): data row n is line n + this."""
    return _header_and_rows(path, set())[0]


@dataclass
class Rejected:
    line: int
    case_no: str
    reason: str  # as stored: "中文 / English"
    file: str


def read_rejects(path: str, single_name: str) -> list[Rejected]:
    """The rejects file (row, case_no, reason[, file]); `single_name` names the file of an import of one."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [Rejected(int(r[0]), r[1], r[2], r[3] if len(r) > 3 else single_name) for r in rows]


def fix_sheet(paths: list[str], shown_as: list[str], rejects_csv: str, out: str, lang: str,
              labels: tuple[str, str, str]) -> dict:
    """Write the workbook of rejected rows to `out`: `labels` (line, reason, file) head the
    columns added before the file's own (a file column only with several files); returns what
    the page lists: {"rows": [[line, case_no, reason in `lang`, file] …], "total": n}."""
    import tempfile

    import openpyxl

    with tempfile.TemporaryDirectory(prefix="spzx-rejects-") as tmp:
        parts = files(paths, shown_as, tmp)
        several = len(parts) > 1
        rejected = read_rejects(rejects_csv, parts[0][1])
        by_file: dict[str, set[int]] = {}
        for r in rejected:
            by_file.setdefault(r.file, set()).add(r.line)  # still the row number here
        header_line, headers, cells = {}, [], {}
        for path, name in parts:
            line, header, found = _header_and_rows(path, by_file.get(name, set()))
            header_line[name] = line
            cells[name] = (header, found)
            headers += [h for h in header if h and h not in headers]

    def line_of(row: int, file: str | None, own: str = "") -> int:
        return row + header_line.get(file or own, 1)

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    from openpyxl.utils import get_column_letter

    added = 3 if several else 2
    for i, width in enumerate([8, 50, 16][:added] + [18] * len(headers), start=1):  # before any row (write-only)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append([labels[0], labels[1]] + ([labels[2]] if several else []) + [inert(h) for h in headers])
    shown = []
    for r in rejected:
        header, found = cells[r.file]
        by_header = dict(zip(header, found.get(r.line, [])))
        line = line_of(r.line, None, r.file)
        reason = in_language(r.reason, lang, lambda row, file, own=r.file: line_of(row, file, own))
        ws.append([line, inert(reason)] + ([inert(r.file)] if several else [])
                  + [inert(by_header.get(h, "")) for h in headers])
        if len(shown) < SHOWN_AT_MOST:
            shown.append([line, r.case_no, reason, r.file])
    wb.save(out)
    return {"rows": shown, "total": len(rejected), "several": several}
