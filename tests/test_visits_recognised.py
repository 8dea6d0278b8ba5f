"""A visits list is known by its header (data/recognise.py, from schema/records.py): English,
Chinese or GB18030 headers; a case list is never taken for visits nor a visits list for cases.
A saved profile maps a source system's visits export (record = "visits"), and `data watch`
imports a visits list dropped into its folder, rejects beside it."""
from __future__ import annotations

import csv
import os
import shutil
import time

import duckdb
import pytest

from data import profiles
from data.ingest import ingest
from data.preview import describe
from data.reader import UnusableFile, read_header
from data.recognise import kind_of
from data.visits import import_visits
from data.watch import watch
from schema import records
from tests.helpers import HEADER, as_rows, case, write_csv
from tests.test_visits_import import GOOD, HEAD, W, ZH

CASE_ZH = [c.zh for c in records.CASES.columns]
# A source system's own headers and words for the visits list
THEIRS = {"visit_no": "信访件编号", "court_code": "登记法院", "received_date": "来信来访日期", "form": "来访方式",
          "petitioner_id": "信访人", "case_no": "关联案号", "skip_level": "越级访", "hearing": "听证",
          "closed_date": "办结时间", "outcome": "处理结果"}


def _csv(path, head, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([head] + rows)
    return str(path)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp("v3r")
    db = str(d / "db.duckdb")
    ingest(os.path.join(W, "cases.csv"), os.path.join(W, "courts.csv"), db, str(d / "r.csv"),
           judges_path=os.path.join(W, "judges.csv"))
    return db


@pytest.fixture
def db(base, tmp_path):
    p = str(tmp_path / "db.duckdb")
    shutil.copy(base, p)
    return p


@pytest.mark.parametrize("head,encoding", [(HEAD, "utf-8"), (ZH, "utf-8"), (ZH, "gb18030"), (ZH, "utf-8-sig"),
                                           ([h.upper() for h in HEAD], "utf-8")])
def test_visit_headers_are_recognised(tmp_path, head, encoding):
    f = _csv(tmp_path / "v.csv", head, [GOOD], encoding)
    assert kind_of(read_header(f)) == "visits"
    assert describe(f, None, str(tmp_path / "none.duckdb"))["kind"] == "visits"


def test_the_worked_example_lists_are_told_apart():
    assert kind_of(read_header(os.path.join(W, "visits.csv"))) == "visits"
    assert kind_of(read_header(os.path.join(W, "cases.csv"))) == "cases"
    assert kind_of(CASE_ZH) == "cases" and kind_of(HEADER) == "cases"
    # a case list's 案号 and court code are not a visits list, nor a visits list (涉及案号 …) a case list
    assert kind_of(["案号", "法院代码", "登记日期", "信访人编号"]) is None
    assert kind_of(ZH[:3]) is None and kind_of(["a", "b"]) is None
    assert kind_of(CASE_ZH + ["信访编号"]) == "cases"  # one visits header does not make a visits list


def test_a_renamed_header_is_recognised_through_its_profile():
    theirs = [THEIRS[h] for h in HEAD]
    assert kind_of(theirs) is None
    assert kind_of(theirs, renamed={"visits": {v: k for k, v in THEIRS.items()}}) == "visits"


def test_a_visits_profile_saves_loads_and_imports(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_PROFILES", str(tmp_path / "profiles"))
    proposed = profiles.propose([THEIRS[h] for h in HEAD], "visits")
    assert proposed == {v: k for k, v in THEIRS.items() if k != "form"}  # 来访方式: no alias, mapped by hand
    p = profiles.Profile("某信访系统", {v: k for k, v in THEIRS.items()}, {"form": {"信访来访": "来访"}},
                         "信访导出", "visits")
    profiles.save(p)
    assert profiles.names("visits") == ["某信访系统"] and profiles.names("cases") == []
    assert profiles.load("某信访系统") == p
    row = list(GOOD)
    row[HEAD.index("form")] = "信访来访"
    f = _csv(tmp_path / "theirs.csv", [THEIRS[h] for h in HEAD], [row, ["XF10"] + row[1:4] + [""] + row[5:]])
    with pytest.raises(UnusableFile, match="required column missing"):
        import_visits(f, db, str(tmp_path / "vr.csv"))
    r = import_visits(f, db, str(tmp_path / "vr.csv"), profile=profiles.load("某信访系统"))
    assert (r.accepted, r.rejected, r.added) == (1, 1, 1)
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT form FROM visits WHERE visit_no = 'XF9'").fetchone() == ("来访",)
    looked = describe(f, profiles.load("某信访系统"), db)
    assert looked["kind"] == "visits" and looked["record"] == "visits"
    assert [v[:2] for v in looked["verdicts"]] == [[1, "XF9"], [2, "XF10"]] and "petitioner_id" in looked["verdicts"][1][2]
    with pytest.raises(UnusableFile, match="case list"):
        import_visits(f, db, str(tmp_path / "vr.csv"), profile=profiles.Profile("c", {}, {}, "", "cases"))


@pytest.mark.parametrize("bad,why", [
    (profiles.Profile("x", {"承办法官": "judge_name"}, {}, "", "visits"), "not a column of the visits"),
    (profiles.Profile("x", {}, {"form": {"a": "传真"}}, "", "visits"), "not a valid form"),
    (profiles.Profile("x", {}, {"procedure": {"a": "普通程序"}}, "", "visits"), "value mappings are for form and outcome only"),
    (profiles.Profile("x", {"信访件编号": "visit_no"}, {}, "", "cases"), "not a column of the case table"),
    (profiles.Profile("x", {}, {}, "", "judges"), "record must be cases or visits"),
])
def test_a_bad_visits_profile_is_refused(bad, why):
    with pytest.raises(UnusableFile, match=why):
        profiles.check(bad)


def test_a_case_list_is_not_imported_as_visits(db, tmp_path):
    f = write_csv(tmp_path / "c.csv", as_rows([case(serial=1)]), HEADER)
    with pytest.raises(UnusableFile, match="required column missing"):
        import_visits(str(f), db, str(tmp_path / "vr.csv"))
    assert describe(str(f), None, db)["kind"] == "cases"


def test_watch_imports_a_visits_list(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(os.path.join(W, "visits.csv"), inbox / "信访登记表.csv")
    _csv(inbox / "信访GB.csv", ZH, [GOOD[:5] + ["", "否", "否", "", ""]], "gb18030")
    for name in os.listdir(inbox):
        t = time.time() - 60
        os.utime(inbox / name, (t, t))
    events = []
    assert watch(str(inbox), db, once=True, settle=30, record=lambda e, d: events.append((e, d))) == 2
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM visits").fetchone()[0] == 34
        assert con.execute("SELECT count(*) FROM facts_visits").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 476
    done = sorted(f.split("-", 1)[1] for f in os.listdir(inbox / "done"))
    assert done == ["信访GB.csv", "信访GB.csv.rejects.csv", "信访登记表.csv", "信访登记表.csv.rejects.csv"]
    rejects = next(f for f in os.listdir(inbox / "done") if f.endswith("信访登记表.csv.rejects.csv"))
    with open(inbox / "done" / rejects, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(W, "expected", "visit_rejects.csv"), encoding="utf-8") as f:
        assert [(r["row"], r["visit_no"]) for r in rows] == [(x["row"], x["visit_no"]) for x in csv.DictReader(f)]
    assert sorted(d for e, d in events if e == "import") == [
        "信访GB.csv: read 1, accepted 1, rejected 0 (visits list, watch)",
        "信访登记表.csv: read 40, accepted 33, rejected 7 (visits list, watch)"]


def test_the_command_line_takes_a_visits_profile(db, tmp_path, monkeypatch, capsys):
    import json

    from data.__main__ import main as cli_main

    monkeypatch.setenv("SPZX_PROFILES", str(tmp_path / "profiles"))
    profiles.save(profiles.Profile("某信访系统", {v: k for k, v in THEIRS.items()}, {}, "", "visits"))
    f = _csv(tmp_path / "theirs.csv", [THEIRS[h] for h in HEAD], [GOOD])
    assert cli_main(["visits", f, "--db", db, "--rejects", str(tmp_path / "vr.csv"), "--profile", "某信访系统",
                     "--json"]) == 0
    got = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (got["rows_read"], got["accepted"], got["rejected"], got["added"]) == (1, 1, 0, 1)
    assert cli_main(["preview", f, "--db", db, "--profile", "某信访系统"]) == 0
    look = json.loads(capsys.readouterr().out)
    assert look["kind"] == look["record"] == "visits" and look["verdicts"] == [[1, "XF9", ""]]


def test_watch_with_a_visits_profile_takes_a_renamed_visits_list(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("SPZX_PROFILES", str(tmp_path / "profiles"))
    profiles.save(profiles.Profile("某信访系统", {v: k for k, v in THEIRS.items()}, {}, "", "visits"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    f = _csv(inbox / "export.csv", [THEIRS[h] for h in HEAD], [GOOD])
    t = time.time() - 60
    os.utime(f, (t, t))
    assert watch(str(inbox), db, profile="某信访系统", once=True, settle=30, record=lambda e, d: None) == 1
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT visit_no, form FROM visits").fetchall() == [("XF9", "来访")]


def test_the_rejects_workbook_knows_visit_reasons(db, tmp_path):
    """The page's workbook of rejected rows (data/rejects.py) reads a visits import's rejects:
    each reason in one language, each row at its line, the file's own columns kept."""
    import openpyxl

    from data.rejects import fix_sheet

    rejects = str(tmp_path / "vr.csv")
    import_visits(os.path.join(W, "visits.csv"), db, rejects)
    out = str(tmp_path / "fix.xlsx")
    listed = fix_sheet([os.path.join(W, "visits.csv")], ["visits.csv"], rejects, out, "en", ("Line", "Reason", "File"))
    assert listed["total"] == 7
    first = listed["rows"][0]
    assert first[:2] == [3, "XF2025000003"] and first[2] == "received_date is before 1950-01-01: 1949-10-01"
    assert [r[2] for r in listed["rows"]][2] == "duplicate visit_no"
    zh = fix_sheet([os.path.join(W, "visits.csv")], ["visits.csv"], rejects, out, "zh", ("行号", "原因", "文件"))
    assert zh["rows"][0][2] == "登记日期早于1950-01-01：1949-10-01" and zh["rows"][2][2] == "信访编号重复（与前面的行相同）"
    sheet = list(openpyxl.load_workbook(out).active.values)
    assert sheet[0][:4] == ("行号", "原因", "visit_no", "court_code") and len(sheet) == 8


def test_watch_takes_a_zip_of_case_lists_as_before(tmp_path, monkeypatch):
    import zipfile

    from tests.helpers import stored_cases, write_cases, write_courts

    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    inbox, db = tmp_path / "inbox", tmp_path / "db.duckdb"
    inbox.mkdir()
    one = write_cases(tmp_path / "a.csv", [case(serial=1)])
    with zipfile.ZipFile(inbox / "cases.zip", "w") as z:
        z.write(one, "a.csv")
    t = time.time() - 60
    os.utime(inbox / "cases.zip", (t, t))
    assert watch(str(inbox), str(db), str(write_courts(tmp_path / "k.csv")), once=True, settle=30,
                 record=lambda e, d: None) == 1
    assert set(stored_cases(db)) == {"(2025)示0102民初1号"}
