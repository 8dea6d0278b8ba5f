"""The import template (data/template.py): its example row imports cleanly, its notes name every
column's rules, in either language."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import openpyxl
import pytest

from data.ingest import ingest
from data.template import workbook
from present import text
from schema import codes
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("template") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "3000", "--quiet"],
                   cwd=ROOT, check=True)
    return db


def _template(tmp_path, lang: str):
    path = tmp_path / f"template_{lang}.xlsx"
    path.write_bytes(workbook(lambda key, **values: text.tr(key, lang, **values), lang))
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_example_row_imports_cleanly(demo, tmp_path, lang):
    db = str(tmp_path / "court.duckdb")
    shutil.copy(demo, db)
    result = ingest(str(_template(tmp_path, lang)), None, db, str(tmp_path / "r.csv"), today=dt.date(2026, 12, 4))
    assert (result.rows_read, result.accepted, result.rejected) == (1, 1, 0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_notes_give_every_column_its_rules(tmp_path, lang):
    wb = openpyxl.load_workbook(_template(tmp_path, lang))
    cases, notes = wb.worksheets
    headers = [c.value for c in cases[1]]
    assert headers == [zh if lang == "zh" else col for col, (zh, _k, _r) in codes.CASE_COLUMNS.items()]
    rows = {r[0]: r for r in notes.iter_rows(min_row=2, values_only=True) if r and r[0]}
    for header, (col, (_zh, kind, required)) in zip(headers, codes.CASE_COLUMNS.items()):
        rules = rows[header][3]
        assert (rows[header][2] == text.tr("yes", lang)) == required
        assert {"date": "1950-01-01", "integer": "9", "text": "200"}.get(kind, "") in rules
    assert all(p in rows[headers[list(codes.CASE_COLUMNS).index("procedure")]][3] for p in codes.PROCEDURES)
    assert notes.cell(1, 4).value == text.tr("tpl_col_rules", lang)
