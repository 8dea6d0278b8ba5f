"""Several case lists at once (one per basic court, or a .zip of them) import as one atomic
change: duplicates are judged across the files in the order given, the rejects name each
row's file, and one unusable file stops them all."""
from __future__ import annotations

import os
import zipfile

import pytest

from data.__main__ import main as cli_main
from data.ingest import ingest
from data.reader import UnusableFile
from tests.helpers import case, pending, read_rejects, sha256, stored_cases, write_cases, write_courts


@pytest.fixture
def files(tmp_path):
    a = write_cases(tmp_path / "a.csv", [case(serial=1), pending(serial=2)])
    b = write_cases(tmp_path / "b.csv", [case(serial=3), case(serial=1, judge_name="重复"), case(serial=4, filed_date="2025-02-30")])
    return a, b, write_courts(tmp_path / "k.csv")


def test_two_files_import_as_one(tmp_path, files):
    a, b, courts = files
    r = ingest([str(a), str(b)], str(courts), str(tmp_path / "db.duckdb"), str(tmp_path / "r.csv"))
    assert (r.rows_read, r.accepted, r.rejected) == (5, 3, 2)
    rejects = read_rejects(tmp_path / "r.csv")
    assert [(x["file"], x["row"]) for x in rejects] == [("b.csv", 2), ("b.csv", 3)]
    assert "first seen in a.csv, row 1" in rejects[0]["reason"]
    assert stored_cases(tmp_path / "db.duckdb")["(2025)示0102民初1号"]["judge_name"] != "重复"


def test_one_unusable_file_stops_them_all(tmp_path, files, capsys):
    a, b, courts = files
    db = tmp_path / "db.duckdb"
    ingest([str(a)], str(courts), str(db), str(tmp_path / "r0.csv"))
    before = sha256(db)
    broken = tmp_path / "c.csv"
    broken.write_text("案号,承办人\n(2025)示0102民初9号,张三\n", encoding="utf-8")
    assert cli_main(["ingest", str(b), str(broken), "--db", str(db), "--rejects", str(tmp_path / "r.csv")]) == 1
    assert "c.csv" in capsys.readouterr().err and sha256(db) == before


def test_a_zip_imports_as_its_files(tmp_path, files):
    a, b, courts = files
    archive = tmp_path / "courts.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(a, "示0102/a.csv")
        z.writestr(zipfile.ZipInfo("示0103/../../../b.csv"), b.read_bytes())  # a path leaving the folder: only its order counts
        z.writestr("readme.txt.bak", "not a case list")
    r = ingest(str(archive), str(courts), str(tmp_path / "zip.duckdb"), str(tmp_path / "rz.csv"))
    ingest([str(a), str(b)], str(courts), str(tmp_path / "two.duckdb"), str(tmp_path / "r2.csv"))
    assert (r.rows_read, r.accepted, r.rejected) == (5, 3, 2)
    assert stored_cases(tmp_path / "zip.duckdb") == stored_cases(tmp_path / "two.duckdb")
    assert {x["file"] for x in read_rejects(tmp_path / "rz.csv")} == {"courts.zip/示0103/../../../b.csv"}
    assert not (tmp_path.parent / "b.csv").exists() and not os.path.exists("/b.csv")


def test_a_zip_bomb_is_refused(tmp_path, files):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("big.csv", "w", force_zip64=True) as w:
            block = b"0" * (1 << 20)
            for _ in range(64):
                w.write(block)
    with pytest.raises(UnusableFile, match="zip bomb"):
        ingest(str(archive), str(files[2]), str(tmp_path / "db.duckdb"), str(tmp_path / "r.csv"))
    assert not (tmp_path / "db.duckdb").exists()
