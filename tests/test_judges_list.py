"""The judges list (spec v2, `--judges`): positions in their canonical words, replaced as a whole
when given and kept when not; a list that breaks a rule stops the import and changes nothing."""
from __future__ import annotations

import csv
import shutil

import duckdb
import pytest

from data.__main__ import main as cli_main
from tests.helpers import ROOT, sha256

V2 = ROOT.parent / "shared" / "spec" / "worked-example-v2"
if not V2.is_dir():
    V2 = ROOT / "tests" / "spec" / "worked-example-v2"


def _list(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT court_code, judge_id, judge_name, position, division, team FROM judge_list "
                           "ORDER BY ALL").fetchall()


def _ingest(db, judges=None, cases=None) -> int:
    args = ["ingest", str(cases or V2 / "cases.csv"), "--courts", str(V2 / "courts.csv"), "--db", str(db),
            "--rejects", str(db) + ".rejects.csv"]
    return cli_main(args + (["--judges", str(judges)] if judges else []))


@pytest.fixture(scope="module")
def v2_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("judges") / "db.duckdb"
    assert _ingest(db, V2 / "judges.csv") == 0
    return db


def test_positions_are_read_with_their_aliases(v2_db):
    with open(V2 / "judges.csv", encoding="utf-8-sig") as f:
        written = list(csv.DictReader(f))
    stored = _list(v2_db)
    assert len(stored) == len(written)
    assert {r[3] for r in stored} <= {"院长", "副院长", "审委会专职委员", "庭长", "副庭长", "法官"}
    aliased = next(r for r in written if r["position"] == "员额法官")
    assert ("法官",) == tuple(r[3] for r in stored if (r[0], r[1]) == (aliased["court_code"], aliased["judge_id"]))


def test_replaced_as_a_whole_when_given_kept_when_not(tmp_path, v2_db):
    db = tmp_path / "db.duckdb"
    shutil.copy(v2_db, db)
    assert _ingest(db) == 0  # no --judges: the stored list stays
    assert _list(db) == _list(v2_db)
    short = tmp_path / "j.csv"
    short.write_text("法院代码,工号,姓名,职务\n示01,J01220,陈伟勇,院长\n", encoding="utf-8")
    assert _ingest(db, short) == 0
    assert _list(db) == [("示01", "J01220", "陈伟勇", "院长", None, None)]


@pytest.mark.parametrize("text,words", [
    ("court_code,judge_id,judge_name\n示01,J1,张三\n", "required column missing"),
    ("court_code,judge_id,judge_name,position\n示99,J1,张三,法官\n", "row 1: court_code 示99 is not in the court list"),
    ("court_code,judge_id,judge_name,position\n示01,J1,张三,法官\n示01,J1,李四,庭长\n", "row 2: court_code and judge_id already in row 1"),
    ("court_code,judge_id,judge_name,position\n示01,J1,张三,书记员\n", "row 1: unknown position 书记员"),
    ("court_code,judge_id,judge_name,position\n示01,,张三,法官\n", "row 1: judge_id is missing"),
])
def test_a_broken_list_changes_nothing(tmp_path, v2_db, capsys, text, words):
    db = tmp_path / "db.duckdb"
    shutil.copy(v2_db, db)
    before = sha256(db)
    bad = tmp_path / "j.csv"
    bad.write_text(text, encoding="utf-8")
    assert _ingest(db, bad) == 1
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1, err
    assert sha256(db) == before
