"""Text a spreadsheet would run (=, +, -, @, tab, CR at the start) is written inert in every
.xlsx and .csv: the workbook writer, the rejects file and `python -m metrics --format csv`."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from data.ingest import ingest
from present.xlsx import workbook
from schema.cells import inert
from tests.helpers import ROOT, case, read_rejects, write_cases, write_courts
from tests.payload import payload_demo


@pytest.mark.parametrize("text,written", [
    ("=1+1", "'=1+1"), ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'), ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("＝1+1", "'＝1+1"),
    ("民一庭", "民一庭"), ("a=b", "a=b"), ("", ""), ("-3", "-3"), ("+1.5", "+1.5"), ("-1e3", "-1e3"), ("-", "'-"),
])
def test_inert(text, written):
    assert inert(text) == written


def test_inert_leaves_numbers_and_blanks():
    assert inert(-3) == -3 and inert(None) is None and inert(0.5) == 0.5


def _formulas(wb) -> list[str]:
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f" or inert(c.value) != c.value]


def test_workbook_writes_no_formula():
    frame = pd.DataFrame({"=单位": ["=1+1", "@SUM(1)", "民一庭", None], "数值": [-1.5, 2, 3, 4],
                          "文本数字": ["-3", "+2", "=A1", "x"]})
    wb = openpyxl.load_workbook(io.BytesIO(workbook({"=表": frame}, {"=表": {"数值": "0.00"}})))
    ws = wb.worksheets[0]
    assert _formulas(wb) == []
    assert [c.value for c in ws[1]] == ["'=单位", "数值", "文本数字"]
    assert [c.value for c in ws["A"]][1:] == ["'=1+1", "'@SUM(1)", "民一庭", None]
    assert [c.value for c in ws["B"]][1:] == [-1.5, 2, 3, 4] and ws["B2"].number_format == "0.00"
    assert [c.value for c in ws["C"]][1:] == ["-3", "+2", "'=A1", "x"]


def test_rejects_file_is_inert(tmp_path):
    rows = [case(serial=1, case_no="=HYPERLINK(\"http://x\",\"案\")"), case(serial=2, case_no="@SUM(1)")]
    cases = write_cases(tmp_path / "c.csv", rows)
    ingest(str(cases), str(write_courts(tmp_path / "k.csv")), str(tmp_path / "db.duckdb"), str(tmp_path / "R.csv"))
    written = [r["case_no"] for r in read_rejects(tmp_path / "R.csv")]
    assert written == ["'=HYPERLINK(\"http://x\",\"案\")", "'@SUM(1)"]


def test_metrics_csv_is_inert(tmp_path):
    db = payload_demo(str(tmp_path / "payload.duckdb"), cases=20_000)
    out = subprocess.run([sys.executable, "-m", "metrics", "--db", db, "--period", "2026", "--by", "division",
                          "--court", "示01", "--with-subordinates", "--indicator", "closed", "--format", "csv"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    divisions = {r["division"] for r in rows}
    assert "'@SUM(1+1)人民法庭" in divisions and "'=1+1河西人民法庭" in divisions
    assert all(inert(v) == v for r in rows for v in r.values())
