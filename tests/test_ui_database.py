"""The dashboard's connection follows an import: after the file is replaced, it reads the new one."""
from __future__ import annotations

import os
import shutil

from data.ingest import ingest
from tests.test_metrics_worked_example import EX


def test_cursor_sees_the_new_file_after_an_import(tmp_path, monkeypatch):
    from ui import database

    db = str(tmp_path / "court.duckdb")
    cases = str(tmp_path / "cases.csv")
    with open(os.path.join(EX, "cases.csv"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    with open(cases, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:101]) + "\n")  # the header and the first 100 rows
    courts = os.path.join(EX, "courts.csv")
    ingest(cases, courts, db, str(tmp_path / "r.csv"))
    monkeypatch.setenv("SPZX_DB", db)
    before = database.cursor().execute("SELECT count(*) FROM cases").fetchone()[0]
    old = database.cursor()  # a reader still holding the old file
    shutil.copy(os.path.join(EX, "cases.csv"), cases)
    ingest(cases, courts, db, str(tmp_path / "r.csv"))
    after = database.cursor().execute("SELECT count(*) FROM cases").fetchone()[0]
    assert after > before
    assert old.execute("SELECT count(*) FROM cases").fetchone()[0] == before  # old readers finish undisturbed
