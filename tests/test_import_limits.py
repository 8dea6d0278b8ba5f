"""Files made to take the server down are refused before they are read (data/workbook_check.py),
and the import page's child process (data/sandbox.py) ends an import that runs out of memory
or time with a clear message, leaving the database as it was and no unfinished file behind."""
from __future__ import annotations

import os

import pytest

from data import store
from data.reader import UnusableFile, read_table
from data.sandbox import ingest_isolated
from schema import codes
from tests.helpers import WORKED, crafted_xlsx, sha256


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("limits")
    db = d / "db.duckdb"
    ingest_isolated(str(WORKED / "cases.csv"), str(WORKED / "courts.csv"), str(db), str(d / "r.csv"))
    return db


@pytest.mark.parametrize("kind,words", [("far", "16,384 columns × 1,048,576 rows"),
                                        ("far-quoted", "16,384 columns × 1,048,576 rows"), ("bomb", "zip bomb")])
def test_crafted_workbooks_are_refused_before_reading(tmp_path, kind, words):
    path = crafted_xlsx(tmp_path / f"{kind}.xlsx", kind)
    assert os.path.getsize(path) < 1 << 20
    with pytest.raises(UnusableFile, match=words):
        read_table(str(path), codes.CASE_COLUMNS)


@pytest.mark.parametrize("kind", ["far", "far-quoted", "bomb"])
def test_the_isolated_import_refuses_them_and_changes_nothing(tmp_path, base_db, kind):
    before = sha256(base_db)
    with pytest.raises(UnusableFile):
        ingest_isolated(str(crafted_xlsx(tmp_path / f"{kind}.xlsx", kind)), None, str(base_db), str(tmp_path / "r.csv"))
    assert sha256(base_db) == before


def test_out_of_memory_is_a_clear_message(tmp_path, base_db, monkeypatch):
    monkeypatch.setenv("SPZX_IMPORT_MEMORY_MB", "150")  # too little for anything: the child dies reading
    before = sha256(base_db)
    with pytest.raises(UnusableFile, match="memory limit"):
        ingest_isolated(str(WORKED / "cases.csv"), None, str(base_db), str(tmp_path / "r.csv"))
    assert sha256(base_db) == before


def test_out_of_time_is_a_clear_message_and_leaves_no_unfinished_file(tmp_path, base_db, monkeypatch):
    monkeypatch.setenv("SPZX_IMPORT_MINUTES", "0.002")
    before = sha256(base_db)
    with pytest.raises(UnusableFile, match="took longer than"):
        ingest_isolated(str(WORKED / "cases.csv"), None, str(base_db), str(tmp_path / "r.csv"))
    assert sha256(base_db) == before
    assert not os.path.exists(str(base_db) + ".building")


def test_leftovers_of_a_killed_build_are_removed_unless_a_build_runs(tmp_path):
    import fcntl

    db = tmp_path / "db.duckdb"
    (tmp_path / "db.duckdb.building").write_bytes(b"half")
    (tmp_path / "db.duckdb.building.wal").write_bytes(b"half")
    with open(str(db) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert not store.remove_leftovers(str(db))  # a build in progress keeps its file
    assert store.remove_leftovers(str(db))
    assert sorted(os.listdir(tmp_path)) == ["db.duckdb.lock"]


def test_a_disk_that_fills_up_is_a_clear_message(tmp_path):
    """The file-size limit stands in for a full disk: the build's write fails part way."""
    import resource
    import signal
    import subprocess
    import sys

    from tests.helpers import ROOT

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    p = subprocess.run([sys.executable, "-m", "data", "ingest", str(WORKED / "cases.csv"), "--courts",
                        str(WORKED / "courts.csv"), "--db", str(tmp_path / "db.duckdb"), "--rejects", str(tmp_path / "r.csv")],
                       cwd=ROOT, preexec_fn=small_disk, capture_output=True, text=True)
    assert p.returncode == 1 and "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "database unchanged" in p.stderr and "cannot write" in p.stderr
    assert sorted(os.listdir(tmp_path)) == ["db.duckdb.lock", "r.csv"]


@pytest.mark.parametrize("xml", [
    b'<c r="XFD1048576">', b"<c t='s' r='XFD1048576'>", b'<x:c s="1" r="XFD1048576">', b'<c\n  r = "XFD1048576">',
    b'<x:dimension ref="A1:XFD1048576"/>', b"<dimension ref='XFD1048576'/>",
])
def test_cell_references_are_found_however_they_are_written(xml):
    from data.workbook_check import reach_of

    assert reach_of(xml) == (16_384, 1_048_576)


def test_the_preview_child_refuses_them_too(tmp_path, base_db):
    from data.sandbox import preview_isolated

    with pytest.raises(UnusableFile, match="16,384 columns"):
        preview_isolated(str(crafted_xlsx(tmp_path / "far.xlsx", "far-quoted")), str(base_db))
