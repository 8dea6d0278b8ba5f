"""The letters-and-visits import (spec v3, `python -m data visits`), on the worked example v3."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import versions
from data.ingest import ingest
from data.reader import UnusableFile
from data.visits import import_visits

W = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "spec", "worked-example-v3")
if not os.path.isdir(W):  # the example travels with the repository when shared/ is absent
    W = os.path.join(os.path.dirname(__file__), "spec", "worked-example-v3")
HEAD = ["visit_no", "court_code", "received_date", "form", "petitioner_id", "case_no", "skip_level", "hearing",
        "closed_date", "outcome"]
ZH = ["信访编号", "登记法院代码", "登记日期", "信访形式", "信访人编号", "涉及案号", "是否越级", "是否听证", "办结日期", "办理结果"]
GOOD = ["XF9", "示01", "2025-03-01", "走访", "P1", "（2025）示0102民初10号", "", "是", "", ""]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp("v3")
    db = str(d / "db.duckdb")
    ingest(os.path.join(W, "cases.csv"), os.path.join(W, "courts.csv"), db, str(d / "r.csv"),
           judges_path=os.path.join(W, "judges.csv"))
    return db


@pytest.fixture
def db(base, tmp_path):
    p = str(tmp_path / "db.duckdb")
    shutil.copy(base, p)
    return p


def _csv(path, rows, head=HEAD, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([head] + rows)
    return str(path)


def _visits(db):
    with duckdb.connect(db, read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute("SELECT * FROM visits").fetchall()}


def _rejects(path):
    with open(path, encoding="utf-8-sig") as f:
        return [(r["row"], r["visit_no"], r["reason"]) for r in csv.DictReader(f)]


def _digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_worked_example(db, tmp_path):
    r = import_visits(os.path.join(W, "visits.csv"), db, str(tmp_path / "vr.csv"))
    assert (r.accepted, r.rejected) == (33, 7)
    with open(os.path.join(W, "expected", "visit_rejects.csv"), encoding="utf-8") as f:
        want = [(x["row"], x["visit_no"]) for x in csv.DictReader(f)]
    assert [(a, b) for a, b, _r in _rejects(tmp_path / "vr.csv")] == want
    v = _visits(db)
    assert len(v) == 33
    with duckdb.connect(db, read_only=True) as con:  # the case import's tables kept
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 476


BAD = [
    ("received_date", "1949-12-31", "received_date is before"),
    ("received_date", "2099-01-01", "after the day of the import"),
    ("received_date", "2025-02-30", "received_date is not a valid date"),
    ("received_date", "", "received_date is missing"),
    ("visit_no", "", "visit_no is missing"),
    ("petitioner_id", "", "petitioner_id is missing"),
    ("form", "", "form is missing"),
    ("form", "传真", "unknown form"),
    ("court_code", "示9999", "not in the court list"),
    ("case_no", "示民再5", "case_no is not of the form"),
    ("case_no", "(2025)示0102民X10号", "case_no is not of the form"),
    ("skip_level", "也许", "skip_level must be yes or no"),
    ("hearing", "也许", "hearing must be yes or no"),
    ("closed_date", "2025-02-01", "closed_date is before received_date"),
    ("outcome", "化解息诉", "outcome must be blank"),
    ("petitioner_id", "P\x01", "control character"),
    ("petitioner_id", "P" * 201, "longer than 200"),
]


@pytest.mark.parametrize("col,value,reason", BAD, ids=[f"{c} {v[:12]!r}" for c, v, _r in BAD])
def test_rule(db, tmp_path, col, value, reason):
    bad = list(GOOD)
    bad[HEAD.index(col)] = value
    bad[0] = bad[0] if col == "visit_no" else "XF10"
    f = _csv(tmp_path / "v.csv", [GOOD, bad])
    r = import_visits(f, db, str(tmp_path / "vr.csv"))
    rej = _rejects(tmp_path / "vr.csv")
    assert r.accepted == 1 and len(rej) == 1 and rej[0][0] == "2" and reason in rej[0][2]


def test_closed_without_outcome_and_duplicate(db, tmp_path):
    closed = GOOD[:8] + ["2025-04-01", ""]
    f = _csv(tmp_path / "v.csv", [["XF1"] + closed[1:], GOOD, GOOD])
    import_visits(f, db, str(tmp_path / "vr.csv"))
    rej = _rejects(tmp_path / "vr.csv")
    assert [(a, b) for a, b, _ in rej] == [("1", "XF1"), ("3", "XF9")]
    assert "outcome is required" in rej[0][2] and "duplicate" in rej[1][2]


def test_values_stored(db, tmp_path):
    import_visits(_csv(tmp_path / "v.csv", [GOOD]), db, str(tmp_path / "vr.csv"))
    row = _visits(db)["XF9"]
    assert row[2] == "来访" and row[4] == "(2025)示0102民初10号" and row[5] is False and row[6] is True
    assert row[7] is None and row[8] is None


def test_gb18030_chinese_headers(db, tmp_path):
    f = _csv(tmp_path / "v.csv", [GOOD], head=ZH, encoding="gb18030")
    assert import_visits(f, db, str(tmp_path / "vr.csv")).accepted == 1
    assert "XF9" in _visits(db)


def test_xlsx_and_parquet(db, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(HEAD)
    wb.active.append(GOOD)
    wb.save(tmp_path / "v.xlsx")
    assert import_visits(str(tmp_path / "v.xlsx"), db, str(tmp_path / "vr.csv")).accepted == 1
    second = ["XF8"] + GOOD[1:]
    pq.write_table(pa.table({h: [v] for h, v in zip(HEAD, second)}), tmp_path / "v.parquet")
    assert import_visits(str(tmp_path / "v.parquet"), db, str(tmp_path / "vr.csv")).accepted == 1
    assert {"XF8", "XF9"} <= set(_visits(db))


def test_reimport_closes_pending_and_keeps_others(db, tmp_path):
    import_visits(os.path.join(W, "visits.csv"), db, str(tmp_path / "vr.csv"))
    before = _visits(db)
    pending = next(k for k, v in before.items() if v[7] is None)
    with duckdb.connect(db, read_only=True) as con:
        row = con.execute("SELECT visit_no, court_code, received_date::VARCHAR, form, petitioner_id, "
                          "coalesce(case_no, ''), '', '' FROM visits WHERE visit_no = ?", [pending]).fetchone()
    closed = list(row) + ["2026-01-05", "转办"]
    other = next(k for k in before if k != pending)
    broken = [other, "示01", "1900-01-01", "来信", "P0", "", "", "", "", ""]
    r = import_visits(_csv(tmp_path / "v.csv", [closed, broken]), db, str(tmp_path / "vr2.csv"))
    assert (r.accepted, r.updated, r.rejected) == (1, 1, 1)
    after = _visits(db)
    assert after[pending][7].isoformat() == "2026-01-05" and after[pending][8] == "转交办"
    assert after[other] == before[other]  # a rejected row keeps the stored visit
    assert len(after) == len(before)


def test_nothing_accepted_byte_identical(db, tmp_path):
    digest = _digest(db)
    bad = ["XF1"] + GOOD[1:2] + ["1900-01-01"] + GOOD[3:]
    r = import_visits(_csv(tmp_path / "v.csv", [bad]), db, str(tmp_path / "vr.csv"))
    assert r.accepted == 0 and _digest(db) == digest and len(_rejects(tmp_path / "vr.csv")) == 1


def test_missing_db_creates_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        import_visits(_csv(tmp_path / "v.csv", [GOOD]), str(tmp_path / "no.duckdb"), str(tmp_path / "vr.csv"))
    assert sorted(os.listdir(tmp_path)) == ["v.csv"]


def test_unusable_file(db, tmp_path):
    digest = _digest(db)
    with pytest.raises(UnusableFile):
        import_visits(_csv(tmp_path / "v.csv", [GOOD[1:]], head=HEAD[1:]), db, str(tmp_path / "vr.csv"))
    assert _digest(db) == digest


def test_survival_both_ways(db, tmp_path):
    import_visits(os.path.join(W, "visits.csv"), db, str(tmp_path / "vr.csv"))
    before = _visits(db)
    ingest(os.path.join(W, "cases.csv"), None, db, str(tmp_path / "r.csv"))
    assert _visits(db) == before
    ingest(os.path.join(W, "cases.csv"), os.path.join(W, "courts.csv"), db, str(tmp_path / "r.csv"), replace=True)
    assert _visits(db) == before
    with duckdb.connect(db, read_only=True) as con:
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("cases", "courts", "court_data")]
    import_visits(_csv(tmp_path / "v.csv", [GOOD]), db, str(tmp_path / "vr.csv"))
    with duckdb.connect(db, read_only=True) as con:
        assert [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("cases", "courts", "court_data")] == counts


def _meta(db):
    with duckdb.connect(db, read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())


def test_note_of_the_visits_list_survives_case_imports(db, tmp_path):
    """The database says which file its visits came from and when, under the upload's own name;
    a later case import keeps that note beside its own, and the kept version names it."""
    assert "visits_source" not in _meta(db)
    import_visits(_csv(tmp_path / "tmp123.csv", [GOOD]), db, str(tmp_path / "vr.csv"), shown_as="信访登记表.csv")
    noted = _meta(db)
    assert noted["visits_source"] == "信访登记表.csv" and noted["visits_imported_at"]
    ingest(os.path.join(W, "cases.csv"), None, db, str(tmp_path / "r.csv"))
    after = _meta(db)
    assert after["visits_source"] == "信访登记表.csv"
    assert after["visits_imported_at"] == noted["visits_imported_at"]
    assert after["source"] == "cases.csv"  # the case import's own note is its file
    assert versions.list_versions(db)[0].visits_source == "信访登记表.csv"


def test_header_names_both_imports():
    import datetime as dt

    from metrics.inventory import ScopeDates
    from ui.layout import data_note

    day = dt.date(2025, 12, 31)
    note = data_note({"built_at": "2026-01-02T10:00:00", "source": "cases.csv",
                      "visits_imported_at": "2026-01-03T09:30:00", "visits_source": "信访.csv"},
                     ScopeDates(day, {}, (), day))
    assert "最近导入 2026-01-02 10:00（cases.csv）" in note
    assert "信访清单导入 2026-01-03 09:30（信访.csv）" in note


def test_rollback(db, tmp_path):
    import_visits(_csv(tmp_path / "v.csv", [GOOD]), db, str(tmp_path / "vr.csv"))
    assert "XF9" in _visits(db)
    versions.rollback(db)
    assert "XF9" not in _visits(db)


def test_cli(db, tmp_path):
    from data.__main__ import main

    assert main(["visits", os.path.join(W, "visits.csv"), "--db", db, "--rejects", str(tmp_path / "vr.csv")]) == 0
    assert main(["visits", os.path.join(W, "visits.csv"), "--db", str(tmp_path / "no.duckdb")]) != 0
    assert not os.path.exists(tmp_path / "no.duckdb")
