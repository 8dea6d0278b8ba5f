"""The Excel pack as Calc prints it: every figure shown (no ###), long notes wrapped and whole,
A4 pages one sheet wide with the header row on each; the 整改台账's figures and dates as numbers."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys

import duckdb
import openpyxl
import pytest

from followup import actions
from followup.model import Unit
from metrics import Period, Scope
from report.briefing import build, to_xlsx
from tests.test_metrics_identities import ROOT

SCOPE = Scope(court="示01")
PERIOD = Period.parse("2026Q3", cumulative=True)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The pack of a demo court with two action items, its workbook and its PDF's text and pages."""
    where = tmp_path_factory.mktemp("pack")
    db = str(where / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "20000", "--quiet"],
                   cwd=ROOT, check=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPZX_STATE", str(where / "state.sqlite"))
        mp.delenv("SPZX_STATE_URL", raising=False)
        con = duckdb.connect(db, read_only=True)
        actions.add_item(con, meeting="2026年上半年数据会商", indicator="within_limit_rate", unit=Unit("示01"),
                         target="range", due=dt.date(2026, 12, 31), by="admin", today=dt.date(2026, 7, 10))
        actions.add_item(con, meeting="2026年上半年数据会商", indicator="closure_rate", unit=Unit("示01", division="民一庭"),
                         target="0.9", due=dt.date(2026, 12, 31), by="admin", today=dt.date(2026, 7, 10))
        b = build(con, SCOPE, PERIOD)
        con.close()
    xlsx = where / "pack.xlsx"
    xlsx.write_bytes(to_xlsx(b))
    profile = where / "lo-profile"  # its own LibreOffice profile: another soffice may be running
    out = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(where), str(xlsx)], capture_output=True, text=True, timeout=180)
    pdf = where / "pack.pdf"
    assert out.returncode == 0 and pdf.exists(), out.stdout + out.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", "-l", "999", str(pdf)], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(where / "page")], check=True)
    return b, openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())), text, info


def test_every_figure_shows_in_calc(pack):
    _, _, text, _ = pack
    assert "###" not in text  # Calc writes ### for a number its column cannot hold
    assert re.search(r"\d+\.\d\d%", text)


def test_long_notes_wrap_and_print_whole(pack):
    b, wb, text, _ = pack
    notes = [c for c in wb["未达标指标"]["B"][1:] if c.value]
    assert notes and all(c.alignment.wrap_text for c in notes if len(c.value) > 30)
    flat = re.sub(r"\s+", "", text)
    for c in notes:  # each note whole on paper: its last words too
        assert c.value[-12:].replace(" ", "") in flat, c.value
        assert wb["未达标指标"].row_dimensions[c.row].height >= 30  # tall enough for its lines


def test_pages_are_a4_one_sheet_wide_with_the_header_on_each(pack):
    _, wb, _, info = pack
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert sizes and all(sorted((round(float(w)), round(float(h)))) == [595, 842] for w, h in sizes)
    for ws in wb:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"


def test_number_columns_are_as_wide_as_their_widest_figure(pack):
    _, wb, _, _ = pack
    from present.xlsx import _shown, _width
    for ws in wb:
        for column in ws.iter_cols(min_row=2):
            for c in column:
                if isinstance(c.value, int | float):
                    assert ws.column_dimensions[c.column_letter].width >= _width(_shown(c.value, c.number_format)) + 2


def test_ledger_holds_numbers_and_dates(pack):
    b, wb, _, _ = pack
    rows = list(wb["整改台账"].iter_rows(min_row=2))
    header = [c.value for c in wb["整改台账"][1]]
    assert len(rows) == 2 and header[:7] == ["会商", "指标", "单位", "目标", "期限", "责任部门", "当时"]
    for r in rows:
        cells = dict(zip(header, r))
        assert isinstance(cells["当时"].value, float) and cells["当时"].number_format == "0.00%"
        assert isinstance(cells["现在"].value, float) and cells["现在"].number_format == "0.00%"
        assert isinstance(cells["期限"].value, dt.datetime) and cells["期限"].value.date() == dt.date(2026, 12, 31)
    targets = [dict(zip(header, r))["目标"] for r in rows]
    assert isinstance(targets[0].value, str) and targets[1].value == pytest.approx(0.9)
    assert [r["then"] for r in b.followup.ledger]  # the text stays for Word
