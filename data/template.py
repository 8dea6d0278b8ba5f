"""The import template: a workbook with the format's headers, one example row that passes every
rule, and a sheet of notes (each column's rules, from schema/codes.py and data/validate.py).

Texts come from the caller (`say(key, **values)`, present/text.py through the page), so this
module writes the workbook in either language without knowing the interface."""
from __future__ import annotations

import io
from collections.abc import Callable

from schema import codes
from schema.cells import inert

from . import validate

EXAMPLE = {  # a case of 鹤鸣县 (示0203), a basic court of the demo province
    "case_no": "(2026)示0203民初88号", "court_code": "示0203", "case_type": "民初", "division": "民一庭",
    "judge_id": "J0203001", "judge_name": "林示例", "procedure": "简易程序", "cause": "民间借贷纠纷",
    "filed_date": "2026-03-02", "closed_date": "2026-04-20", "closing_method": "调解", "hearing": "是",
    "initial_procedure": "简易程序", "four_types": "否", "reviewed": "否", "enterprise": "否",
}
KIND_NOTE = {"text": "tpl_kind_text", "date": "tpl_kind_date", "integer": "tpl_kind_integer",
             "decimal": "tpl_kind_decimal", "boolean": "tpl_kind_boolean"}
COLUMN_NOTE = {"case_no": "tpl_case_no", "court_code": "tpl_from_case_no", "case_type": "tpl_from_case_no",
               "procedure": "tpl_procedure", "initial_procedure": "tpl_initial_procedure",
               "closed_date": "tpl_closed_date", "closing_method": "tpl_closing_method",
               "origin_case_no": "tpl_origin_case_no", "appeal_transferred_date": "tpl_appeal_transferred"}
RULES_WIDTH = 90  # characters of the notes' rules column
GENERAL = ["tpl_general_example", "tpl_general_headers", "tpl_general_encoding", "tpl_general_rejects"]


def column_rules(col: str, say: Callable[..., str]) -> str:
    """What a cell of `col` must hold, in the caller's words."""
    _zh, kind, _required = codes.CASE_COLUMNS[col]
    words = {"n": validate.MAX_TEXT, "earliest": validate.EARLIEST, "digits": validate.MAX_INT_DIGITS,
             "yes": " / ".join(codes.TRUE_WORDS), "no": " / ".join(codes.FALSE_WORDS),
             "procedures": "、".join(codes.PROCEDURES), "methods": "、".join(codes.CLOSING_METHODS),
             "types": "、".join(codes.CASE_TYPES)}
    rules = [say(KIND_NOTE[kind], **words)]
    if col in COLUMN_NOTE:
        rules.append(say(COLUMN_NOTE[col], **words))
    return " ".join(rules)


def _width(text: str) -> int:
    """Columns `text` takes: a Chinese character two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def workbook(say: Callable[..., str], lang: str) -> bytes:
    """The template as .xlsx bytes; headers in Chinese (`lang` "zh") or English."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    cases = wb.active
    cases.title = say("tpl_sheet_cases")
    cases.append([zh if lang == "zh" else col for col, (zh, _k, _r) in codes.CASE_COLUMNS.items()])
    cases.append([inert(EXAMPLE.get(col, "")) or None for col in codes.CASE_COLUMNS])
    for cell in cases[1]:
        cell.font = Font(bold=True)
    for i, col in enumerate(codes.CASE_COLUMNS, start=1):
        cases.column_dimensions[openpyxl.utils.get_column_letter(i)].width = 24 if col == "case_no" else 14
    notes = wb.create_sheet(say("tpl_sheet_notes"))
    notes.append([say("tpl_col_header"), say("tpl_col_name"), say("tpl_col_required"), say("tpl_col_rules")])
    for col, (zh, _kind, required) in codes.CASE_COLUMNS.items():
        notes.append([zh if lang == "zh" else col, col if lang == "zh" else zh, say("yes") if required else "",
                      column_rules(col, say)])
    notes.append([])
    for key in GENERAL:
        notes.append([say(key)])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (16, 26, 10, RULES_WIDTH)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.column == 4, vertical="top")
        if row[3].value:  # spreadsheets do not size a wrapped row by themselves
            notes.row_dimensions[row[0].row].height = 15 * -(-_width(row[3].value) // RULES_WIDTH)
    for sheet in (cases, notes):  # printed: landscape
        sheet.page_setup.orientation = "landscape"
    notes.sheet_properties.pageSetUpPr.fitToPage = True  # the notes as wide as the page
    notes.page_setup.fitToWidth, notes.page_setup.fitToHeight = 1, 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
