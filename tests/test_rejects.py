"""Rejected rows for the people who fix them (data/rejects.py): spreadsheet lines, reasons in one
language, and a workbook of the rejected rows that imports again once corrected."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import openpyxl
import pytest

from data import rejects
from data.ingest import ingest
from data.profiles import Profile
from data.sandbox import rejects_sheet_isolated
from tests.court_export import BAD, NAMES, THEIR_HEADERS, THEIR_WORDS, write_export, write_export_xlsx
from tests.helpers import HEADER, ROOT, as_rows, case, write_cases, write_courts, write_csv

TODAY = dt.date(2026, 12, 4)
PROFILE = Profile("鹤鸣县", {h: c for c, h in THEIR_HEADERS.items()},
                  {"procedure": {THEIR_WORDS[w]: w for w in ("普通程序", "简易程序")},
                   "closing_method": {THEIR_WORDS[w]: w for w in ("判决", "调解")}})
LABELS = ("行号", "原因", "文件")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("rejects") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "3000", "--quiet"],
                   cwd=ROOT, check=True)
    return db


def _sheet(path) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]


def test_reasons_read_back_in_one_language_whatever_the_cells_hold():
    both = ("案号格式不正确：甲 / 乙；丙（应如 (2025)示0102民初1234号） / case_no is not of the form "
            "(2025)示0102民初1234号；结案日期晚于导入当日（2026-12-04）：2027-01-01 / closed_date is after the day "
            "of the import (2026-12-04): 2027-01-01")
    assert rejects.in_language(both, "zh") == ("案号格式不正确：甲 / 乙；丙（应如 (2025)示0102民初1234号）；"
                                               "结案日期晚于导入当日（2026-12-04）：2027-01-01")
    assert rejects.in_language(both, "en") == ("case_no is not of the form (2025)示0102民初1234号; "
                                               "closed_date is after the day of the import (2026-12-04): 2027-01-01")
    duplicate = "案号重复（第3行已有此案号） / duplicate case_no (first seen in row 3)"
    assert rejects.in_language(duplicate, "zh", lambda row, file: row + 1) == "案号重复（第4行已有此案号）"
    assert rejects.in_language("something else / 别的", "en") == "something else / 别的"  # no rule wrote it


def test_every_reason_of_an_import_reads_back(tmp_path):
    """The rules' messages and the reasons the import writes are read back, none shown whole."""
    rows = [case(serial=1, filed_date="2025-02-30", hearing="maybe"), case(serial=1), case(serial=1),
            case(serial=2, court_code="示0103", extended_days="x"), case(serial=3, closed_date="2099-01-01")]
    out = tmp_path / "r.csv"
    ingest(str(write_cases(tmp_path / "c.csv", rows)), str(write_courts(tmp_path / "k.csv")),
           str(tmp_path / "db.duckdb"), str(out), today=TODAY)
    got = rejects.read_rejects(str(out), "c.csv")
    assert len(got) == 4
    for r in got:
        zh, en = rejects.in_language(r.reason, "zh"), rejects.in_language(r.reason, "en")
        assert " / " not in zh and " / " not in en and zh + en != r.reason
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.replace("示", "").replace("号", "").replace("民初", ""))


def _fixed(sheet_path, tmp_path, suffix: str):
    """The workbook corrected as a clerk would in Excel: the two bad dates put right."""
    wb = openpyxl.load_workbook(sheet_path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    fixes = {"立案日期": "2026-02-27", "结案日期": "2026-09-05"}
    for row in ws.iter_rows(min_row=2):
        reason = row[header.index("原因")].value
        for col, good in fixes.items():
            if col in reason:
                row[header.index(THEIR_HEADERS["filed_date"] if col == "立案日期" else col)].value = good
    path = tmp_path / f"fixed{suffix}.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["gb18030 csv", "xlsx"])
def test_a_fixed_rejects_workbook_imports_again(demo, tmp_path, kind):
    """13 rows of 鹤鸣县 through its profile: the 2 rejected rows listed at their spreadsheet lines,
    written with the file's own columns, corrected, imported again with no reject."""
    db = str(tmp_path / "court.duckdb")
    shutil.copy(demo, db)
    export = (write_export(tmp_path / "export.csv") if kind == "gb18030 csv"
              else write_export_xlsx(tmp_path / "export.xlsx"))
    out = tmp_path / "rejects.csv"
    result = ingest(str(export), None, db, str(out), today=TODAY, profile=PROFILE, shown_as=["鹤鸣县法院导出"])
    assert (result.rows_read, result.accepted, result.rejected) == (13, 11, 2)
    sheet = tmp_path / "rejects.xlsx"
    listed = rejects_sheet_isolated([str(export)], ["鹤鸣县法院导出"], str(out), str(sheet), "zh", LABELS, db)
    assert listed["total"] == 2
    # the header is line 1: data row n is line n + 1
    assert [r[0] for r in listed["rows"]] == [n + 1 for n in sorted(BAD)]
    assert "立案日期不是有效日期：2026-02-30" == listed["rows"][0][2]
    cells = _sheet(sheet)
    assert cells[0] == ["行号", "原因"] + NAMES  # the file's own columns, ours added before them
    assert cells[1][0] == 5 and cells[1][2 + NAMES.index("登记日期")] == "2026-02-30"
    assert cells[1][2 + NAMES.index("审理程序")] == "简易（独任）"  # the file's own word, as it was
    fixed = _fixed(sheet, tmp_path, kind[:3])
    again = ingest(str(fixed), None, db, str(tmp_path / "again.csv"), today=TODAY, profile=PROFILE)
    assert (again.rows_read, again.accepted, again.rejected) == (2, 2, 0)


def test_lines_count_the_blank_lines_above_the_header(tmp_path):
    """A file whose header is not on line 1: the lines are still the spreadsheet's."""
    path = write_csv(tmp_path / "c.csv", [[""] * len(HEADER), HEADER] + as_rows([case(serial=1), case(serial=1)]),
                     header=[""] * len(HEADER))  # lines 1 and 2 blank, the header on line 3
    out = tmp_path / "r.csv"
    ingest(str(path), str(write_courts(tmp_path / "k.csv")), str(tmp_path / "db.duckdb"), str(out), today=TODAY)
    listed = rejects.fix_sheet([str(path)], ["c.csv"], str(out), str(tmp_path / "s.xlsx"), "en", LABELS)
    # the duplicate is the second row after the header: line 5, its first copy line 4
    assert listed["rows"] == [[5, case(serial=1)["case_no"], "duplicate case_no (first seen in row 4)", "c.csv"]]


def test_several_files_share_one_sheet_with_each_row_s_file(tmp_path):
    """Two court lists in one import (the second with its columns in another order and a .zip
    around it): one sheet with every header once, a file column, lines per file."""
    import zipfile

    a = write_cases(tmp_path / "城关区.csv", [case(serial=901), case(serial=902, filed_date="2025-13-01")])
    reordered = list(reversed(HEADER))
    b = write_cases(tmp_path / "河口区.csv", [case(serial=903, court="示0103"), case(serial=901, judge_name="重复")],
                    header=reordered)
    packed = tmp_path / "河口.zip"
    with zipfile.ZipFile(packed, "w") as z:
        z.write(b, "河口区.csv")
    out = tmp_path / "r.csv"
    ingest([str(a), str(packed)], str(write_courts(tmp_path / "k.csv")), str(tmp_path / "db.duckdb"), str(out),
           today=TODAY, shown_as=["城关区.csv", "河口.zip"])
    sheet = tmp_path / "s.xlsx"
    listed = rejects.fix_sheet([str(a), str(packed)], ["城关区.csv", "河口.zip"], str(out), str(sheet), "zh", LABELS)
    assert listed["several"] and [(r[0], r[3]) for r in listed["rows"]] == [(3, "城关区.csv"), (3, "河口.zip/河口区.csv")]
    assert listed["rows"][1][2] == "案号重复（城关区.csv 第2行已有此案号）"  # the first copy's line in its own file
    cells = _sheet(sheet)
    assert cells[0] == list(LABELS) + HEADER
    assert cells[2][:3] == [3, "案号重复（城关区.csv 第2行已有此案号）", "河口.zip/河口区.csv"]
    assert cells[2][3 + HEADER.index("judge_name")] == "重复"
