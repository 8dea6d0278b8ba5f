"""Issue 25, item 6: a name holding a carriage return and a formula ("\\r=4+4河西人民法庭"), as
the demo generator, a judges list or an older database can carry it, written by every CSV writer
and read back with the csv module: the same rows, the field whole, the formula made inert.

`python -m metrics --format csv` wrote with lineterminator "\\n" and left the "\\r" unquoted: read
back, the row split and the next began with =4+4河西人民法庭."""
from __future__ import annotations

import ast
import csv
import io
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from data.ingest import ingest
from data.visits import import_visits
from schema.cells import inert
from tests.helpers import ROOT, case, write_cases, write_courts

CR_NAME = "\r=4+4河西"  # a tribunal of the demo: its division is "\r=4+4河西人民法庭"
DIVISION = CR_NAME + "人民法庭"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_SCRIPT = """
import sys
import data.demo as g
g.TRIBUNALS[:1] = [sys.argv[2]]
g.generate(sys.argv[1], cases=3000, seed=2026, progress=False)
"""


@pytest.fixture(scope="module")
def cr_db(tmp_path_factory):
    """A small demo whose first tribunal's name holds "\\r=4+4" (the generator writes it as given)."""
    db = str(tmp_path_factory.mktemp("cr") / "cr.duckdb")
    subprocess.run([sys.executable, "-c", _SCRIPT, db, CR_NAME], cwd=ROOT, check=True)
    return db


def _court_of_division(db: str) -> str:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute("SELECT min(court_code) FROM cases WHERE division = ?", [DIVISION]).fetchone()[0]


def _read_back(text: str | bytes) -> list[list[str]]:
    """Rows as the csv module reads them (bytes: a command's output as written, no newline translation)."""
    text = text.decode("utf-8") if isinstance(text, bytes) else text
    return list(csv.reader(io.StringIO(text, newline="")))


def _held(rows: list[list[str]], column: int, records: int | None = None, field: str = "'" + DIVISION) -> None:
    """Every row as wide as the header; the field whole and inert; no row starting with a formula."""
    width = len(rows[0])
    assert all(len(r) == width for r in rows), [r for r in rows if len(r) != width][:3]
    if records is not None:
        assert len(rows) - 1 == records
    assert field in [r[column] for r in rows[1:]]
    assert not any(r[0].startswith(FORMULA_STARTS) for r in rows[1:])
    assert all(inert(v) == v for r in rows for v in r)


def test_metrics_csv_quotes_a_carriage_return(cr_db):
    court = _court_of_division(cr_db)
    out = subprocess.run([sys.executable, "-m", "metrics", "--db", cr_db, "--period", "2026", "--by", "division",
                          "--court", court, "--indicator", "closed", "--indicator", "received", "--format", "csv"],
                         cwd=ROOT, capture_output=True, check=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    rows = _read_back(out.stdout)
    with duckdb.connect(cr_db, read_only=True) as con:
        divisions = con.execute("SELECT count(DISTINCT division) FROM cases WHERE court_code = ?", [court]).fetchone()[0]
    _held(rows, rows[0].index("division"), records=2 * divisions)


def test_metrics_score_csv_quotes_a_carriage_return(cr_db):
    court = _court_of_division(cr_db)
    out = subprocess.run([sys.executable, "-m", "metrics", "score", "--db", cr_db, "--period", "2026", "--by",
                          "division", "--court", court, "--format", "csv"],
                         cwd=ROOT, capture_output=True, check=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    rows = _read_back(out.stdout)
    _held(rows, rows[0].index("division"))


def test_actions_list_csv_quotes_a_carriage_return(cr_db, tmp_path):
    court = _court_of_division(cr_db)
    env = {**os.environ, "SPZX_STATE": str(tmp_path / "state.sqlite"), "PYTHONIOENCODING": "utf-8"}
    env.pop("SPZX_STATE_URL", None)
    add = subprocess.run([sys.executable, "-m", "report", "actions", "add", "--db", cr_db, "--meeting", "2026-12 会商",
                          "--indicator", "within_limit_rate", "--court", court, "--division", DIVISION,
                          "--target", "range", "--due", "2027-03-31"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert add.returncode == 0, add.stderr
    out = subprocess.run([sys.executable, "-m", "report", "actions", "list", "--db", cr_db, "--format", "csv"],
                         cwd=ROOT, capture_output=True, check=True, env=env)
    rows = _read_back(out.stdout)
    _held(rows, rows[0].index("division"), records=1)


def test_case_rejects_file_quotes_a_carriage_return(tmp_path):
    inside = "（2025）" + DIVISION  # rejected; a leading "\r" would be trimmed as blank space
    rows = [case(serial=1, case_no=inside), case(serial=2)]
    ingest(str(write_cases(tmp_path / "c.csv", rows)), str(write_courts(tmp_path / "k.csv")),
           str(tmp_path / "db.duckdb"), str(tmp_path / "R.csv"))
    with open(tmp_path / "R.csv", encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    _held(back, back[0].index("case_no"), records=1, field=inside)


def test_visits_rejects_file_quotes_a_carriage_return(cr_db, tmp_path):
    db = str(tmp_path / "db.duckdb")
    shutil.copy(cr_db, db)
    head = ["visit_no", "court_code", "received_date", "form", "petitioner_id", "case_no", "skip_level", "hearing",
            "closed_date", "outcome"]
    with open(tmp_path / "v.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head, ["XF" + DIVISION, "示01", "2026-03-01", "传真", "P1", "", "", "", "", ""],
                                 ["XF2", "示01", "2026-03-01", "走访", "P2", "", "", "", "", ""]])
    import_visits(str(tmp_path / "v.csv"), db, str(tmp_path / "VR.csv"))
    with open(tmp_path / "VR.csv", encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    _held(back, back[0].index("visit_no"), records=1, field="XF" + DIVISION)


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_the_writer_quotes_every_field_that_needs_it(end):
    from schema.cells import csv_writer

    fields = [DIVISION, "河西\r=4+4", "a\nb", 'say "hi"', "x,y", "=1+1", -3, None, "-3", "plain"]
    out = io.StringIO()
    csv_writer(out, lineterminator=end).writerows([fields, fields])
    back = _read_back(out.getvalue())
    want = ["'" + DIVISION, "河西\r=4+4", "a\nb", 'say "hi"', "x,y", "'=1+1", "-3", "", "-3", "plain"]
    assert back == [want, want]


PRODUCT = ("metrics", "data", "report", "ui", "app_pages", "present", "security", "followup", "schema", "deploy")


def test_no_csv_is_written_but_through_the_one_writer():
    """csv.writer, DictWriter, DataFrame.to_csv, a lineterminator, COPY … (FORMAT csv): only in
    schema/cells.py, so no writer can forget the quoting or the formulas."""
    found = []
    for top in PRODUCT + ("app.py", "serve.py"):
        base = os.path.join(ROOT, top)
        paths = [base] if top.endswith(".py") else [os.path.join(d, f) for d, _s, fs in os.walk(base)
                                                      for f in fs if f.endswith(".py")]
        for path in paths:
            if not os.path.exists(path) or path.endswith(os.path.join("schema", "cells.py")):
                continue
            source = open(path, encoding="utf-8").read()
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter", "to_csv"):
                    found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno} .{node.attr}")
                if (isinstance(node, ast.Call) and any(k.arg == "lineterminator" for k in node.keywords)
                        and getattr(node.func, "id", None) != "csv_writer"):
                    found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno} lineterminator=")
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and "format csv" in node.value.lower():
                    found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno} COPY … csv")
    assert found == []
