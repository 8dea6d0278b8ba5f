"""Issue 25, items 4 and 8: files made to take an import down.

4. A 6 KB workbook whose first row is 16,384 `<c><v>1</v></c>` without `r=` and whose last row
   is `<row r="1048576">` (the reader would build 16,384 × 1,048,576 cells), the same sheet
   stored as `xl/worksheets/sheet1.bin`, and a truly binary sheet: refused by the pre-check,
   fast; and the command line runs its import under the page's memory bound, ending with one
   line (no traceback, no abort) when the bound is hit.
8. A CSV of one enormous line (a sparse file of zeros) or a row of a million cells: a line is
   read at most MAX_LINE characters far, and cells past the header never widen other rows.

Every test runs the command line or the reader as a user would; the command line's own process
is given SPZX_LIMIT_MEMORY_MB (4 GB) too, so that before the fix (when it ran in-process) it could
not take the machine's memory either.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from data.reader import UnusableFile, read_table
from data.sandbox import ingest_isolated
from schema import codes
from tests.helpers import HEADER, ROOT, WORKED, as_rows, case, sha256, write_csv

WIDE_ROW = b"<row>" + b"<c><v>1</v></c>" * 16_384 + b'</row><row r="1048576"><c><v>1</v></c></row>'


def crafted(path: Path, sheet_name: str = "sheet1.xml", sheet: bytes | None = None) -> Path:
    """An .xlsx (openpyxl's parts) whose sheet data is `WIDE_ROW` (or `sheet`, whole), stored as
    xl/worksheets/<sheet_name> and so named in the workbook's relationships and content types."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "案号"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data, name = src.read(item.filename), item.filename
            if name == "xl/worksheets/sheet1.xml":
                name = f"xl/worksheets/{sheet_name}"
                data = sheet if sheet is not None else re.sub(
                    rb"<dimension[^>]*/>", b"", re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", WIDE_ROW, data, flags=re.S))
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", f"worksheets/{sheet_name}".encode())
            out.writestr(name, data)
    return path


def cli(*args: str, memory_mb: int = 4096, **env: str) -> subprocess.CompletedProcess:
    environ = dict(os.environ, SPZX_LIMIT_MEMORY_MB=str(memory_mb), **env)
    return subprocess.run([sys.executable, "-m", "data", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=300)


def one_clear_line(p: subprocess.CompletedProcess, words: str) -> None:
    assert p.returncode == 1, (p.returncode, p.stderr[-2000:])
    assert "Traceback" not in p.stderr and "panicked" not in p.stderr and "memory allocation" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr[-2000:]
    assert "database unchanged" in p.stderr and words in p.stderr, p.stderr


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("crafted")
    db = d / "db.duckdb"
    ingest_isolated(str(WORKED / "cases.csv"), str(WORKED / "courts.csv"), str(db), str(d / "r.csv"))
    return db


@pytest.fixture(autouse=True)
def own_state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))  # the command line's audit entries
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)


# --------------------------------------------------------------------------- 4: workbooks


@pytest.mark.parametrize("sheet_name", ["sheet1.xml", "sheet1.bin"])
def test_cells_without_r_are_counted_in_any_sheet_part(tmp_path, sheet_name):
    path = crafted(tmp_path / "wide.xlsx", sheet_name)
    assert os.path.getsize(path) < 8 << 10
    t0 = time.perf_counter()
    with pytest.raises(UnusableFile, match="16,384 columns × 1,048,576 rows"):
        read_table(str(path), codes.CASE_COLUMNS)
    assert time.perf_counter() - t0 < 2


@pytest.mark.parametrize("sheet_name", ["sheet1.xml", "sheet1.bin"])
def test_the_command_line_refuses_them_fast_and_changes_nothing(tmp_path, base_db, sheet_name):
    path = crafted(tmp_path / "wide.xlsx", sheet_name)
    before = sha256(base_db)
    t0 = time.perf_counter()
    p = cli("ingest", str(path), "--db", str(base_db), "--rejects", str(tmp_path / "r.csv"))
    one_clear_line(p, "16,384 columns × 1,048,576 rows")
    assert time.perf_counter() - t0 < 30  # a refusal before reading, not a reader killed at its limit
    assert sha256(base_db) == before


@pytest.mark.parametrize("sheet", [
    b"\x00\x00\x00\x9c\x01\x00\x00\x00binary records of a sheet",  # as .xlsb stores it
    b"\xff\xfe<\x00w\x00o\x00r\x00k\x00s\x00h\x00e\x00e\x00t\x00>\x00",  # XML in UTF-16
])
def test_a_sheet_part_that_is_not_xml_is_refused(tmp_path, sheet):
    path = crafted(tmp_path / "binary.xlsx", "sheet1.bin", sheet)
    with pytest.raises(UnusableFile, match="binary Excel"):
        read_table(str(path), codes.CASE_COLUMNS)


@pytest.mark.parametrize("attribute", ['uniqueCount="4000000000"', "count='12' x:uniqueCount = '99999999999'"])
def test_shared_strings_that_declare_billions_are_refused(tmp_path, attribute):
    """The reader makes room for uniqueCount strings first (24 bytes each: 96 GB), before reading one."""
    sheet = (b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
    path = crafted(tmp_path / "strings.xlsx", sheet=sheet)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="x" {attribute}><si><t>案号</t></si></sst>')
    p = cli("ingest", str(path), "--db", str(tmp_path / "db.duckdb"), "--courts", str(WORKED / "courts.csv"))
    one_clear_line(p, "shared strings declare more than 12,000,000 strings")  # before: an abort (exit 134)


def test_parts_that_are_rightly_binary_are_left_alone(tmp_path):
    """An image (drawn on the sheet), printer settings and a thumbnail, as Excel writes them: read."""
    import openpyxl
    from openpyxl.drawing.image import Image
    from PIL import Image as Picture

    Picture.new("RGB", (8, 8), "red").save(tmp_path / "p.png")
    wb = openpyxl.Workbook()
    for i, name in enumerate(HEADER):
        wb.active.cell(1, i + 1, codes.CASE_COLUMNS[name][0])
    wb.active.add_image(Image(str(tmp_path / "p.png")), "C3")
    wb.save(tmp_path / "base.xlsx")
    path = tmp_path / "pictured.xlsx"
    with zipfile.ZipFile(tmp_path / "base.xlsx") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/_rels/sheet1.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdP" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/printerSettings" Target="../printerSettings/'
                                    b'printerSettings1.bin"/></Relationships>')
            if item.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/'
                                    b'package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>'
                                    b"</Relationships>")
            out.writestr(item, data)
        out.writestr("xl/printerSettings/printerSettings1.bin", b"\x00\x01binary\xff" * 100)
        out.writestr("docProps/thumbnail.jpeg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    assert "xl/media/image1.png" in zipfile.ZipFile(path).namelist()
    assert read_table(str(path), codes.CASE_COLUMNS).num_rows == 0


def test_a_zip_that_is_no_xlsx_workbook_is_refused(tmp_path):
    """An OpenDocument sheet or any zip: the .xlsx reader's workbook is not where it looks."""
    path = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", '<table:table-row table:number-rows-repeated="1048576"/>')
    with pytest.raises(UnusableFile, match="not an Excel"):
        read_table(str(path), codes.CASE_COLUMNS)


@pytest.mark.parametrize("xml,reach", [
    (WIDE_ROW, (16_384, 1_048_576)),
    (b'<row r="3"><c r="B3"/><c/><c/></row><row><c/></row>', (4, 4)),  # a cell without r: one after the one before
    (b'<x:row x:r="9"><x:c a=">" r="C9"/></x:row>', (3, 9)),  # prefixes, '>' in a value
    (b'<row><c r="A1"/><c r="A1"/><c r="A1"/></row>', (3, 1)),  # as many columns as cells, whatever the refs say
    (b"<c:chart><c:ser/></c:chart><cols><col/></cols>", (0, 0)),  # no cell in a chart's or a column's tag
])
def test_a_sheet_reaches_where_its_reader_would_place_its_cells(xml, reach):
    from data.workbook_check import reach_of

    assert reach_of(xml) == reach


@pytest.mark.parametrize("xml", [b'<row><c a="<" r="XFD1"/></row>', b'<!-- <c a=" --><row r="1048576"/>'])
def test_a_cell_tag_that_cannot_be_read_whole_is_refused(xml):
    from data.workbook_check import reach_of

    with pytest.raises(UnusableFile, match="cannot be read"):
        reach_of(xml)


def test_a_tag_cut_by_a_chunk_end_is_read_whole(monkeypatch):
    """The stream is read a chunk at a time: the same reach whatever the chunk size."""
    from data.workbook_check import Reach, _follow, reach_of

    xml = (b'<dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c><v>1</v></c>'
           b"<x:c t='a>b'><v>2</v></x:c></row><row><c r=\"B2\"/><c/></row><row r=\"7\"><c r=\"E7\"/></row></sheetData>")
    for size in (1, 2, 3, 7, 64):
        r, buf = Reach(), b""
        for i in range(0, len(xml), size):
            buf = _follow(r, buf + xml[i:i + size], False, "x")
        _follow(r, buf, True, "x")
        assert (r.columns, r.rows) == reach_of(xml) == (5, 7)


def test_the_command_line_import_runs_under_the_memory_bound(tmp_path, base_db):
    """SPZX_IMPORT_MEMORY_MB, as for the page: too little for anything, so the child is stopped."""
    before = sha256(base_db)
    p = cli("ingest", str(WORKED / "cases.csv"), "--db", str(base_db), "--rejects", str(tmp_path / "r.csv"),
            SPZX_IMPORT_MEMORY_MB="150")
    one_clear_line(p, "memory limit (150 MB)")
    assert sha256(base_db) == before


def test_the_command_line_visits_import_runs_under_the_time_bound(tmp_path, base_db):
    before = sha256(base_db)
    p = cli("visits", str(WORKED / "cases.csv"), "--db", str(base_db), "--rejects", str(tmp_path / "r.csv"),
            SPZX_IMPORT_MINUTES="0.002")
    one_clear_line(p, "took longer than")
    assert sha256(base_db) == before


# --------------------------------------------------------------------------- 8: CSV lines


def test_a_line_over_the_limit_makes_the_file_unusable_naming_it(tmp_path, base_db):
    rows = as_rows([case(serial=1), case(serial=2), case(serial=3)])
    rows[1][HEADER.index("cause")] = "x" * 5_000  # line 3 (the header is line 1)
    path = write_csv(tmp_path / "c.csv", rows)
    before = sha256(base_db)
    p = cli("ingest", str(path), "--db", str(base_db), "--rejects", str(tmp_path / "r.csv"),
            SPZX_IMPORT_MAX_LINE="4000")
    one_clear_line(p, "line 3 is longer than 4,000 characters")
    assert sha256(base_db) == before


def test_the_line_limit_is_a_few_megabytes():
    from data.reader import MAX_LINE

    assert MAX_LINE == 4 << 20


def test_a_row_over_the_cell_limits_under_the_line_limit_is_rejected_as_a_row(tmp_path, base_db):
    rows = as_rows([case(serial=1), case(serial=2)])
    rows[1][HEADER.index("cause")] = "x" * 3_000
    p = cli("ingest", str(write_csv(tmp_path / "c.csv", rows)), "--db", str(base_db), "--rejects",
            str(tmp_path / "r.csv"), SPZX_IMPORT_MAX_LINE="4000")
    assert p.returncode == 0, p.stderr
    assert "accepted 1 + rejected 1" in p.stdout
    assert "longer than 200 characters" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")


def test_a_huge_sparse_line_ends_in_a_message_not_a_memory_error(tmp_path, base_db):
    """600 MB of zeros without a line break: read whole, a line needs about 2.4 times its size."""
    path = tmp_path / "sparse.csv"
    with open(path, "wb") as f:
        f.truncate(600 << 20)
    before = sha256(base_db)
    p = cli("ingest", str(path), "--db", str(base_db), memory_mb=1500)  # the child gets no more than this
    one_clear_line(p, "line 1 is longer than 4,194,304 characters")
    assert sha256(base_db) == before


def test_a_row_of_a_million_cells_does_not_widen_the_others(tmp_path, base_db):
    """One line of a million commas (1 MB, under the line limit) among 1,000 rows of a GB18030 file
    (read by the Python reader): before, every row of the chunk was padded to its width, a
    thousand million cells."""
    rows = as_rows([case(serial=i) for i in range(1, 1001)])
    path = write_csv(tmp_path / "c.csv", rows, encoding="gb18030")
    with open(path, "a", encoding="gb18030") as f:
        f.write("," * 1_000_000 + "\n")
    p = cli("ingest", str(path), "--db", str(base_db), "--rejects", str(tmp_path / "r.csv"))
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-2000:]
    assert "accepted 1000" in p.stdout


@pytest.mark.slow
def test_a_2_gb_sparse_csv_ends_in_a_message(tmp_path, base_db):
    """The issue's own file: 2 GB of zeros (a sparse file, no disk used), the default limits."""
    path = tmp_path / "sparse.csv"
    with open(path, "wb") as f:
        f.truncate(2 << 30)
    before = sha256(base_db)
    t0 = time.perf_counter()
    p = cli("ingest", str(path), "--db", str(base_db), memory_mb=8192)
    one_clear_line(p, "line 1 is longer than 4,194,304 characters")
    assert sha256(base_db) == before
    print(f"2 GB sparse CSV refused in {time.perf_counter() - t0:.1f}s")
