"""Undo an import: every build keeps the file it replaces (the newest SPZX_KEEP_VERSIONS), listed
by `python -m data versions`; `python -m data rollback [VERSION]` puts one back atomically and
keeps the one it replaces, so a rollback can be undone too."""
from __future__ import annotations

import os

import pytest

from data import versions
from data.__main__ import main as cli_main
from data.ingest import ingest
from tests.helpers import case, sha256, stored_cases, write_cases, write_courts


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))


def _import(tmp_path, n: int, db) -> str:
    cases = write_cases(tmp_path / f"c{n}.csv", [case(serial=i) for i in range(1, n + 1)])
    ingest(str(cases), str(write_courts(tmp_path / "k.csv")), str(db), str(tmp_path / "r.csv"))
    return sha256(db)


def test_each_import_keeps_the_version_it_replaces(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_KEEP_VERSIONS", "2")
    db = tmp_path / "db.duckdb"
    hashes = [_import(tmp_path, n, db) for n in (1, 2, 3, 4)]
    kept = versions.list_versions(str(db))
    assert [v.cases for v in kept] == [3, 2]  # newest first, only two kept
    assert [sha256(v.path) for v in kept] == [hashes[2], hashes[1]]
    assert not any(v.current for v in kept)


def test_rollback_puts_the_newest_back_and_can_be_undone(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    first, second = _import(tmp_path, 1, db), _import(tmp_path, 2, db)
    assert cli_main(["rollback", "--db", str(db)]) == 0
    assert sha256(db) == first and len(stored_cases(db)) == 1
    kept = versions.list_versions(str(db))
    assert [v.cases for v in kept] == [2, 1] and kept[1].current  # the one replaced is kept, the one in use marked
    assert cli_main(["rollback", "--db", str(db), kept[0].name]) == 0
    assert sha256(db) == second
    from security import audit

    assert [e[2] for e in audit.entries()] == ["rollback", "rollback"]  # the command line's too
    assert cli_main(["versions", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert all(v.name in out for v in versions.list_versions(str(db)))


def test_rollback_to_an_unknown_version_changes_nothing(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    assert cli_main(["rollback", "--db", str(db)]) == 2  # nothing kept yet
    _import(tmp_path, 1, db)
    _import(tmp_path, 2, db)
    before = sha256(db)
    assert cli_main(["rollback", "--db", str(db), "19990101T000000000000"]) == 2
    assert "no version 19990101T000000000000" in capsys.readouterr().err
    assert sha256(db) == before
    assert not os.path.exists(str(db) + ".building")


def test_an_import_that_accepts_nothing_keeps_no_version(tmp_path):
    db = tmp_path / "db.duckdb"
    _import(tmp_path, 1, db)
    bad = write_cases(tmp_path / "bad.csv", [case(serial=9, filed_date="2025-02-30")])
    ingest(str(bad), None, str(db), str(tmp_path / "r.csv"))
    assert versions.list_versions(str(db)) == []


@pytest.mark.parametrize("keep", ["0"])
def test_keeping_can_be_switched_off(tmp_path, monkeypatch, keep):
    monkeypatch.setenv("SPZX_KEEP_VERSIONS", keep)
    db = tmp_path / "db.duckdb"
    _import(tmp_path, 1, db)
    _import(tmp_path, 2, db)
    assert versions.list_versions(str(db)) == []
