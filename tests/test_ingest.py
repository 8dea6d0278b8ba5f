"""`python -m data ingest`: the import contract of spec/case-schema.md and spec/cli.md.

Real DuckDB files in tmp_path, small hand-made inputs (helpers in tests/helpers.py). The
rules are checked with one file holding a row per rule (one import, one parametrised test per
row); the command line is run as a subprocess where its exit code, stderr or the file on disk
is the point.
"""
from __future__ import annotations

import csv
import datetime as dt
import fcntl
import itertools
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.__main__ import main as cli_main
from data.ingest import ingest
from tests.helpers import (
    COURT_HEADER, COURTS, HEADER, HEADER_ZH, ROOT, WORKED, as_rows, bilingual, case, case_no,
    counts_from_stdout, ingest_cmd, pending, query, read_rejects, run_ingest, sha256, stored_cases,
    write_cases, write_courts, write_csv, write_xlsx,
)

D = dt.date


def _norm(no: str) -> str:
    return no.strip().replace("（", "(").replace("）", ")")


def _import(tmp_path, cases, *, db=None, courts=COURTS, name="cases.csv"):
    """In-process import of `cases` (dicts or raw rows): (result, rejects by row, stored cases)."""
    path = write_cases(tmp_path / name, cases)
    courts_path = write_courts(tmp_path / "courts.csv", courts)
    db = db or tmp_path / "db.duckdb"
    rejects = tmp_path / f"rejects-{name}.csv"
    result = ingest(str(path), str(courts_path), str(db), str(rejects))
    return result, {r["row"]: r for r in read_rejects(rejects)}, stored_cases(db)


# --------------------------------------------------------------------------- 1. worked example


def test_worked_example_rejects_exactly_the_expected_rows(tmp_path):
    db, rejects = tmp_path / "w.duckdb", tmp_path / "R.csv"
    p = run_ingest(WORKED / "cases.csv", WORKED / "courts.csv", db, rejects)
    assert p.returncode == 0, p.stderr
    got = {(r["row"], r["case_no"]) for r in read_rejects(rejects)}
    want = {(r["row"], r["case_no"]) for r in read_rejects(WORKED / "expected" / "rejects.csv")}
    assert got == want
    for r in read_rejects(rejects):
        assert bilingual(r["reason"]), r

    with open(WORKED / "cases.csv", encoding="utf-8", newline="") as f:
        data_rows = list(csv.reader(f))[1:]
    non_blank = sum(1 for r in data_rows if "".join(r).strip())
    assert non_blank < len(data_rows)  # the example has blank rows: they are not "rows read"
    rows_read, accepted, rejected = counts_from_stdout(p.stdout)
    assert rows_read == non_blank
    assert rejected == len(want)
    assert accepted + rejected == rows_read
    assert query(db, "SELECT count(*) FROM cases")[0][0] == accepted


# --------------------------------------------------------------------------- 2. one row per rule


@dataclass
class Rule:
    id: str
    row: dict
    reject: str | None  # words the English half of the reason must contain; None = accepted
    stored: dict = field(default_factory=dict)  # accepted: column -> stored value


RULES: list[Rule] = []
_serial = itertools.count(1)


def rule(id: str, type_code: str = "民初", reject: str | None = None, stored: dict | None = None, **cells):
    n = next(_serial)
    for k in ("case_no", "origin_case_no"):
        if k in cells:
            cells[k] = cells[k].format(n=n, own=case_no(type_code, n))
    stored = {k: v.format(n=n) if isinstance(v, str) else v for k, v in (stored or {}).items()}
    RULES.append(Rule(id, case(type_code, n, **cells), reject, stored))


def ok(id: str, type_code: str = "民初", stored: dict | None = None, **cells):
    rule(id, type_code, None, stored, **cells)


# case_no
rule("case_no missing", case_no="", reject="case_no is missing")
rule("case_no without 号", case_no="(2025)示0102民初{n}", reject="case_no is not of the form")
rule("case_no without brackets", case_no="2025示0102民初{n}号", reject="case_no is not of the form")
rule("case_no two-digit year", case_no="(25)示0102民初{n}号", reject="case_no is not of the form")
rule("case_no full-width digits", case_no="(２０２５)示0102民初{n}号", reject="case_no is not of the form")
rule("case_no latin court", case_no="(2025)S0102民初{n}号", reject="case_no is not of the form")
rule("case_no space inside", case_no="(2025) 示0102民初{n}号", reject="case_no is not of the form")
ok("case_no full-width brackets", case_no="（2025）示0102民初{n}号", stored={"case_no": "(2025)示0102民初{n}号"})
ok("case_no mixed brackets", case_no="（2025)示0102民初{n}号", stored={"case_no": "(2025)示0102民初{n}号"})
ok("case_no high court bare character", "民申", stored={"court_code": "示", "case_type": "民申"})
rule("case_no unknown type code", case_no="(2025)示0102民未{n}号", reject="unknown case type code")
rule("case_no unknown type code 刑执", case_no="(2025)示0102刑执{n}号", reject="unknown case type code")
rule("case_no year is not the filed year", case_no="(2024)示0102民初{n}号", reject="year in case_no")
ok("case_no year of filed_date with time", filed_date="2025-03-01 23:59:59")
# court_code
rule("court_code differs from case_no", court_code="示0103", reject="court_code differs")
ok("court_code equal to case_no", court_code="示0102", stored={"court_code": "示0102"})
ok("court_code derived from case_no", court="示0201", stored={"court_code": "示0201"})
rule("court not in the court list", court="示0999", reject="not in the court list")
rule("court_code given and not in the court list", court="示0999", court_code="示0999",
     reject="not in the court list")
# case_type
rule("case_type differs from case_no", case_type="民终", reject="case_type differs")
ok("case_type equal to case_no", case_type="民初", stored={"case_type": "民初"})
# required text columns
rule("division missing", division="", reject="division is missing")
rule("division only white space", division="\u3000 \u00a0", reject="division is missing")
rule("judge_id missing", judge_id="", reject="judge_id is missing")
rule("judge_name missing", judge_name="", reject="judge_name is missing")
ok("N/A in division is a value", division="N/A", stored={"division": "N/A"})
ok("NULL in judge_name is a value", judge_name="NULL", stored={"judge_name": "NULL"})
ok("- in judge_id is a value", judge_id="-", stored={"judge_id": "-"})
# procedure
rule("procedure missing", procedure="", reject="procedure is missing")
rule("procedure N/A is a value that fails", procedure="N/A", reject="procedure N/A is not allowed")
rule("procedure of another type", procedure="第二审程序", reject="is not allowed for case type 民初")
rule("procedure unknown", procedure="未知程序", reject="is not allowed")
rule("procedure 小额 for 刑初", "刑初", procedure="小额诉讼程序", reject="is not allowed for case type 刑初")
rule("procedure 速裁 for 民初", procedure="速裁", reject="is not allowed")
for t, alias, canonical, limit in [
    ("民初", "普通", "普通程序", 180), ("民初", "简易", "简易程序", 90), ("民初", "小额", "小额诉讼程序", 60),
    ("民初", "小额诉讼", "小额诉讼程序", 60), ("刑初", "速裁", "速裁程序", 10), ("行初", "简易", "简易程序", 45),
    ("民终", "二审", "第二审程序", 90), ("刑终", "二审", "第二审程序", 60), ("民再", "再审", "再审程序", 180),
    ("刑再", "再审", "再审程序", 90), ("民申", "审查", "审查程序", 90), ("执", "执行", "执行程序", 180),
    ("执恢", "执行", "执行程序", 180), ("执异", "审查", "审查程序", 15), ("执复", "审查", "审查程序", 30),
]:
    ok(f"procedure alias {t} {alias}", t, procedure=alias, stored={"procedure": canonical, "limit_days": limit})
ok("procedure canonical 民诉前调", "民诉前调", stored={"procedure": "诉前调解", "limit_days": 30, "counted": False})
# dates accepted
for form in ["2025-03-01", "2025-3-1", "2025-03-1", "2025/3/1", "2025/03/01", "2025年3月1日", "2025年03月01日",
             "2025-03-01 00:00:00", "2025/3/1 9:30", "2025年3月1日 08:00:00", "2025-3-1 00:00:00.000"]:
    ok(f"filed_date form {form}", filed_date=form, stored={"filed_date": D(2025, 3, 1)})
for form in ["2025-4-1", "2025/4/1", "2025年4月1日", "2025-04-01 17:45:00"]:
    ok(f"closed_date form {form}", closed_date=form, stored={"closed_date": D(2025, 4, 1)})
# dates rejected
for form in ["2025-02-30", "2025-2-29", "2025.03.01", "2025-3/1", "2025/3-1", "２０２５-03-01", "2025-03-０1",
             "20250301", "2025-13-01", "2025-00-10", "2025-03-01T00:00:00", "25-3-1", "2025年3月1",
             "2025-03-01 上午", "March 1, 2025", "N/A", "2025-003-01"]:
    rule(f"filed_date form {form}", filed_date=form, reject="filed_date is not a valid date")
rule("closed_date 2025-04-31", closed_date="2025-04-31", reject="closed_date is not a valid date")
rule("closed_date NULL is a value that fails", closed_date="NULL", reject="closed_date is not a valid date")
ok("filed_date 2024-02-29 exists", case_no="(2024)示0102民初{n}号", filed_date="2024-02-29",
   closed_date="2024-3-1", stored={"filed_date": D(2024, 2, 29)})
rule("filed_date missing", filed_date="", reject="filed_date is missing")
rule("closed before filed", closed_date="2025-02-28", reject="closed_date is before filed_date")
ok("closed the day it was filed", closed_date="2025-03-01", stored={"net_days": 0, "duration_days": 0})
ok("pending", closed_date="", closing_method="", stored={"closed_date": None, "closing_method": None})
# closing_method
rule("closed without closing_method", closing_method="", reject="closing_method is required")
rule("closing_method without closed_date", closed_date="", reject="closing_method must be blank")
rule("closing_method N/A on a pending case", closed_date="", closing_method="N/A",
     reject="closing_method must be blank")
rule("closing_method not allowed 民初 维持", closing_method="维持", reject="is not allowed for case type 民初")
rule("closing_method not allowed 执 判决", "执", closing_method="判决", reject="is not allowed for case type 执")
rule("closing_method not allowed 民申 改判", "民申", closing_method="改判", reject="is not allowed")
rule("closing_method not allowed 民诉前调 调解", "民诉前调", closing_method="调解", reject="is not allowed")
rule("closing_method unknown", closing_method="不存在的方式", reject="is not allowed")
rule("closing_method alias whose target is not allowed", closing_method="驳回上诉，维持原判",
     reject="is not allowed for case type 民初")
for t, alias, canonical in [
    ("民终", "驳回上诉，维持原判", "维持"), ("民终", "驳回上诉维持原判", "维持"), ("民申", "驳回再审申请", "驳回申请"),
    ("刑申", "驳回申诉", "驳回申请"), ("民初", "判决驳回诉讼请求", "判决"), ("民初", "准予撤诉", "撤诉"),
    ("民初", "准许撤诉", "撤诉"), ("民初", "撤回起诉", "撤诉"), ("民终", "撤回上诉", "撤诉"), ("民申", "撤回申请", "撤诉"),
    ("执", "终结本次执行程序", "终本"), ("民终", "发回", "发回重审"), ("执恢", "和解履行完毕", "执行完毕"),
    ("民初", "调解结案", "调解"), ("执异", "驳回", "驳回"), ("民诉前调", "调解不成", "调解不成"),
]:
    ok(f"closing_method {t} {alias}", t, closing_method=alias, stored={"closing_method": canonical})
# integers
for text, value in [("5", 5), ("5.0", 5), ("5.00", 5), ("0", 0), ("007", 7), ("", 0), (" 5", 5),
                    ("\u30005\u00a0", 5), ("30", 30)]:
    ok(f"extended_days {text!r}", extended_days=text, stored={"extended_days": value})
ok("deducted_days 10 counts in net_days", deducted_days="10", stored={"deducted_days": 10, "net_days": 21})
for text in ["-5", "5.5", "1e3", "1,000", "+5", "５", "5 0", "五", "0x10", "5.", ".0", "N/A", "1e400", "inf",
             "nan", "Infinity"]:
    rule(f"extended_days {text!r}", extended_days=text, reject="extended_days must be a whole number")
rule("deducted_days -5", deducted_days="-5", reject="deducted_days must be a whole number")
rule("deducted_days 1.5", deducted_days="1.5", reject="deducted_days must be a whole number")
rule("extended_days too large to store", extended_days="99999999999", reject="extended_days is too large")
# origin_case_no
rule("origin is the case itself", origin_case_no="{own}", reject="origin_case_no must differ from case_no")
rule("origin is the case itself in full-width brackets",
     origin_case_no="（2025）示0102民初{n}号", reject="origin_case_no must differ from case_no")
rule("origin is the case itself, case_no in full-width brackets", case_no="（2025）示0102民初{n}号",
     origin_case_no="(2025)示0102民初{n}号", reject="origin_case_no must differ from case_no")
ok("origin not in the data", "民终", origin_case_no="（2024）示0102民初999号",
   stored={"origin_case_no": "(2024)示0102民初999号", "origin_court": None})
# booleans
for word in ["是", "有", "y", "Y", "yes", "YES", "Yes", "true", "TRUE", "True", "1"]:
    ok(f"hearing {word}", "民终", hearing=word, stored={"hearing": True})
for word in ["否", "无", "n", "N", "no", "NO", "false", "FALSE", "0", ""]:
    ok(f"hearing {word or 'blank'}", "民终", hearing=word, stored={"hearing": False})
for word in ["也许", "N/A", "是的", "2", "t", "1.0", "yes!"]:
    rule(f"hearing {word}", "民终", hearing=word, reject="hearing must be yes or no")
ok("has_assets 有", "执", has_assets="有", stored={"has_assets": True})
ok("has_assets N", "执", has_assets="N", stored={"has_assets": False})
ok("has_assets blank", "执", has_assets="", stored={"has_assets": False})
rule("has_assets 也许", "执", has_assets="也许", reject="has_assets must be yes or no")
# appeal dates
rule("appeal_transferred without received", appeal_transferred_date="2025-04-20",
     reject="appeal_transferred_date needs appeal_received_date")
rule("appeal_transferred before received", appeal_received_date="2025-04-10", appeal_transferred_date="2025-04-09",
     reject="appeal_transferred_date is before appeal_received_date")
rule("appeal_received bad date", appeal_received_date="2025-04-31", reject="appeal_received_date is not a valid date")
rule("appeal_transferred bad date", appeal_received_date="2025-04-10", appeal_transferred_date="2025.04.20",
     reject="appeal_transferred_date is not a valid date")
ok("appeal received only", appeal_received_date="2025-04-10", stored={"appeal_received_date": D(2025, 4, 10)})
ok("appeal transferred the day received", appeal_received_date="2025/4/10", appeal_transferred_date="2025年4月10日",
   stored={"appeal_received_date": D(2025, 4, 10), "appeal_transferred_date": D(2025, 4, 10)})
# decimals
for text, value in [("100", 100.0), ("1234.56", 1234.56), ("0", 0.0), ("0.5", 0.5), ("", 0.0),
                    ("\u00a0100.5\u3000", 100.5), ("007.10", 7.1)]:
    ok(f"amount_applied {text!r}", "执", amount_applied=text, stored={"amount_applied": value})
ok("amount_recovered 99.99", "执", amount_recovered="99.99", stored={"amount_recovered": 99.99})
for text in ["-1", "1e3", "1,000.00", "¥100", ".5", "5.", "abc", "N/A", "100元", "１００", "inf", "nan", "1e400"]:
    rule(f"amount_applied {text!r}", "执", amount_applied=text, reject="amount_applied must be a number")
rule("amount_recovered -0.01", "执", amount_recovered="-0.01", reject="amount_recovered must be a number")
rule("amount_applied too large for a double", "执", amount_applied="1" + "0" * 400, reject="amount_applied is too large")
# trimming of every cell
ok("cells trimmed of U+3000 and U+00A0", case_no="\u3000(2025)示0102民初{n}号\u00a0", division="\u3000民一庭\u00a0",
   procedure="\u00a0简易程序\u3000", filed_date=" 2025-03-01\u3000", closing_method="\u3000判决",
   stored={"division": "民一庭", "procedure": "简易程序", "filed_date": D(2025, 3, 1), "closing_method": "判决"})

# spec v2: dates from 1950-01-01 to the day of the import; text of at most 200 characters, no control characters
rule("closed_date far in the future", closed_date="9999-12-31", reject="closed_date is after the day of the import")
rule("filed_date tomorrow", case_no="({y})示0102民初{{n}}号".format(y=(dt.date.today() + dt.timedelta(days=1)).year),
     filed_date=(dt.date.today() + dt.timedelta(days=1)).isoformat(), closed_date="", closing_method="",
     reject="filed_date is after the day of the import")
ok("filed_date today", case_no="({y})示0102民初{{n}}号".format(y=dt.date.today().year),
   filed_date=dt.date.today().isoformat(), closed_date="", closing_method="", stored={"filed_date": dt.date.today()})
rule("appeal_received_date before 1950", appeal_received_date="1949-12-31", reject="appeal_received_date is before 1950-01-01")
ok("filed_date 1950-01-01", case_no="(1950)示0102民初{n}号", filed_date="1950-01-01", closed_date="1950-02-01",
   stored={"filed_date": D(1950, 1, 1)})
rule("judge_name of 201 characters", judge_name="张" * 201, reject="judge_name is longer than 200 characters")
ok("judge_name of 200 characters", judge_name="张" * 200, stored={"judge_name": "张" * 200})
rule("cause of 100,000 characters", cause="x" * 100_000, reject="cause is longer than 200 characters")
rule("division holding NUL", division="民一庭\x00", reject="division holds a control character")
rule("judge_name holding a tab inside", judge_name="张\t三", reject="judge_name holds a control character")
rule("cause holding DEL", cause="合同\x7f纠纷", reject="cause holds a control character")
rule("case_no holding a newline inside", case_no="(2025)示0102民初{n}\n号", reject="case_no holds a control character")

# spec v2 columns
ok("initial_procedure blank is the procedure", procedure="普通程序", stored={"initial_procedure": "普通程序"})
ok("initial_procedure 简易 then 普通 (简转普)", procedure="普通程序", initial_procedure="简易",
   stored={"initial_procedure": "简易程序", "procedure": "普通程序", "limit_days": 180})
rule("initial_procedure not for the case type", initial_procedure="速裁程序",
     reject="initial_procedure 速裁程序 is not allowed for case type 民初")
ok("four_types, reviewed, enterprise yes", four_types="是", reviewed="Y", enterprise="1",
   stored={"four_types": True, "reviewed": True, "enterprise": True})
ok("four_types, reviewed, enterprise blank", stored={"four_types": False, "reviewed": False, "enterprise": False})
rule("four_types 可能", four_types="可能", reject="four_types must be yes or no")
rule("enterprise 也许", enterprise="也许", reject="enterprise must be yes or no")


BLANK_ROWS = {  # inserted before the rule of that index: skipped, but they keep their row numbers
    1: [""] * len(HEADER),
    5: ["\u3000", " ", "\u00a0"] + [""] * (len(HEADER) - 3),
    40: [],  # an empty line
    41: [""],  # a short row
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One import of every rule row; row numbers as the file has them (blank rows included)."""
    d = tmp_path_factory.mktemp("rules")
    lines, row_of = [], {}
    for i, r in enumerate(RULES):
        if i in BLANK_ROWS:
            lines.append(BLANK_ROWS[i])
        lines.append(r.row)
        row_of[r.id] = len(lines)
    lines.append([""] * len(HEADER))  # trailing blank row
    assert len(row_of) == len(RULES), "rule ids must be unique"
    result, rejects, stored = _import(d, lines)
    return result, rejects, stored, row_of


@pytest.mark.parametrize("r", RULES, ids=[r.id for r in RULES])
def test_rule(batch, r: Rule):
    _result, rejects, stored, row_of = batch
    row = row_of[r.id]
    if r.reject is None:
        assert row not in rejects, rejects.get(row)
        got = stored[_norm(r.row["case_no"])]
        for col, want in r.stored.items():
            assert got[col] == want, col
        return
    assert row in rejects, f"row {row} not rejected"
    rej = rejects[row]
    assert rej["case_no"] == r.row["case_no"].strip()
    assert bilingual(rej["reason"]), rej["reason"]
    assert r.reject in rej["reason"], rej["reason"]
    assert _norm(r.row["case_no"]) not in stored or r.row["case_no"] == ""


def test_rules_reject_exactly_their_rows(batch):
    result, rejects, stored, row_of = batch
    assert set(rejects) == {row_of[r.id] for r in RULES if r.reject is not None}
    assert result.rows_read == len(RULES)  # blank rows are not read
    assert result.accepted + result.rejected == result.rows_read
    assert result.accepted == sum(r.reject is None for r in RULES) == len(stored)
    assert result.rejected == len(rejects)


def test_blank_rows_are_skipped_but_numbered(tmp_path):
    rows = [case(serial=1), [""] * len(HEADER), case(serial=2, filed_date="2025-02-30"),
            ["\u3000", "\u00a0", " "] + [""] * (len(HEADER) - 3), [], case(serial=3, division=""), case(serial=4)]
    result, rejects, stored, = _import(tmp_path, rows)
    assert sorted(rejects) == [3, 6]
    assert rejects[3]["case_no"] == case_no("民初", 2) and rejects[6]["case_no"] == case_no("民初", 3)
    assert (result.rows_read, result.accepted, result.rejected) == (4, 2, 2)
    assert set(stored) == {case_no("民初", 1), case_no("民初", 4)}


def test_header_cells_are_trimmed(tmp_path):
    header = [f"\u3000{h}\u00a0" for h in HEADER]
    path = write_csv(tmp_path / "c.csv", as_rows([case(serial=1, division="\u00a0民二庭")]), header)
    write_courts(tmp_path / "courts.csv")
    r = ingest(str(path), str(tmp_path / "courts.csv"), str(tmp_path / "db.duckdb"), str(tmp_path / "r.csv"))
    assert (r.accepted, r.rejected) == (1, 0)
    assert stored_cases(tmp_path / "db.duckdb")[case_no("民初", 1)]["division"] == "民二庭"


# --------------------------------------------------------------------------- duplicates and cycles


def test_duplicates_first_valid_row_is_kept(tmp_path):
    a, b = case_no("民初", 1), case_no("民初", 2)
    rows = [
        case(serial=1, judge_name="甲"),
        case(serial=1, judge_name="乙"),  # duplicate of row 1
        case(serial=2, judge_name="丙", filed_date="2025-02-30"),  # invalid: does not block row 4
        case(serial=2, judge_name="丁"),
        case(serial=1, judge_name="戊", case_no="（2025）示0102民初1号"),  # the same case_no, full-width
        case(serial=2, judge_name="己"),  # duplicate of row 4
    ]
    result, rejects, stored = _import(tmp_path, rows)
    assert sorted(rejects) == [2, 3, 5, 6]
    for row, first in [(2, 1), (5, 1), (6, 4)]:
        assert "duplicate" in rejects[row]["reason"] and re.search(rf"row {first}\b", rejects[row]["reason"])
        assert bilingual(rejects[row]["reason"])
    assert "duplicate" not in rejects[3]["reason"]
    assert rejects[5]["case_no"] == "（2025）示0102民初1号"  # as written
    assert stored[a]["judge_name"] == "甲" and stored[b]["judge_name"] == "丁"
    assert (result.accepted, result.rejected) == (2, 4)


def test_cycles_are_rejected_chains_into_them_kept(tmp_path):
    x, y, z = case_no("民终", 1), case_no("民终", 2), case_no("民终", 3)
    p, q, r = case_no("民终", 4), case_no("民终", 5), case_no("民终", 6)
    m, n = case_no("民终", 7), case_no("民终", 8)
    v, w = case_no("民终", 9), case_no("民终", 10)
    s, t = case_no("民终", 11), case_no("民终", 12)
    rows = [
        case("民终", 1, origin_case_no=y), case("民终", 2, origin_case_no=x),  # 2-cycle
        case("民终", 3, origin_case_no=x),  # leads into the cycle: kept
        case("民终", 4, origin_case_no=q), case("民终", 5, origin_case_no=r), case("民终", 6, origin_case_no=p),
        case("民终", 7, origin_case_no=n.replace("(", "（").replace(")", "）")),  # cycle through full-width brackets
        case("民终", 8, origin_case_no=m),
        case("民终", 9, origin_case_no=w), case("民终", 10, origin_case_no=v, filed_date="2025-02-30"),
        case("民终", 11, origin_case_no=t), case("民终", 12, origin_case_no=case_no("民初", 1)),  # a plain chain
    ]
    result, rejects, stored = _import(tmp_path, rows)
    cyc = {1, 2, 4, 5, 6, 7, 8}
    assert set(rejects) == cyc | {10}
    for row in cyc:
        assert "cycle" in rejects[row]["reason"] and bilingual(rejects[row]["reason"])
    assert "cycle" not in rejects[10]["reason"]  # W broke its own rule, so V's link leads nowhere
    assert set(stored) == {z, v, s, t}
    assert stored[z]["origin_case_no"] == x


def test_cycle_with_a_stored_case_on_update(tmp_path):
    a, b, c = case_no("民初", 1), case_no("民终", 1), case_no("民终", 2)
    db = tmp_path / "db.duckdb"
    _import(tmp_path, [case("民初", 1, judge_name="甲"), case("民终", 1, origin_case_no=a)], db=db, name="one.csv")
    # A now names B as its origin: A -> B (stored) -> A is a cycle; C only leads into it
    result, rejects, stored = _import(
        tmp_path, [case("民初", 1, judge_name="乙", origin_case_no=b), case("民终", 2, origin_case_no=b)],
        db=db, name="two.csv")
    assert set(rejects) == {1} and "cycle" in rejects[1]["reason"]
    assert stored[a]["judge_name"] == "甲" and stored[a]["origin_case_no"] is None  # as it was
    assert stored[c]["origin_case_no"] == b
    assert stored[a]["desc_counted"] == 2  # B, and C through B
    # the same link is fine when the file also moves B's origin elsewhere: no cycle remains
    result, rejects, stored = _import(
        tmp_path, [case("民初", 1, judge_name="丙", origin_case_no=b),
                   case("民终", 1, origin_case_no=case_no("民初", 9))], db=db, name="three.csv")
    assert rejects == {}
    assert stored[a]["judge_name"] == "丙" and stored[a]["origin_case_no"] == b


# --------------------------------------------------------------------------- 3. encodings and formats


def _small_cases() -> list[dict]:
    """Cells as Python values: dates, numbers, text. One row breaks a rule."""
    return [
        dict(case_no="(2025)示0102民初1号", court_code="示0102", case_type="民初", division="民一庭", judge_id="J0102001",
             judge_name="张三", procedure="普通程序", cause="民间借贷纠纷", filed_date=D(2025, 1, 5),
             closed_date=D(2025, 3, 1), closing_method="判决", extended_days=30, deducted_days=5,
             appeal_received_date=D(2025, 3, 10), appeal_transferred_date=D(2025, 3, 20)),
        dict(case_no="（2025）示01民终1号", division="民一庭", judge_id="J01001", judge_name="李四", procedure="二审",
             filed_date=D(2025, 3, 25), origin_case_no="(2025)示0102民初1号", hearing="否"),
        dict(case_no="(2025)示0102执1号", division="执行局", judge_id="J0102100", judge_name="王五", procedure="执行程序",
             filed_date=D(2025, 4, 2), closed_date=D(2025, 6, 30), closing_method="终结本次执行程序",
             origin_case_no="(2025)示0102民初1号", amount_applied=12345.67, amount_recovered=100.5, has_assets="有"),
        dict(case_no="(2025)示0103民诉前调1号", division="诉讼服务中心", judge_id="J0103001", judge_name="赵六",
             procedure="诉前调解", filed_date=D(2025, 2, 1), closed_date=D(2025, 2, 20), closing_method="调解成功"),
        dict(case_no="(2024)示0201刑初7号", division="刑庭", judge_id="J0201007", judge_name="孙七", procedure="简易",
             filed_date=D(2024, 12, 30), closed_date=D(2025, 1, 10), closing_method="判决", deducted_days=0),
        dict(case_no="(2025)示0103民初2号", division="民二庭", judge_id="J0103002", judge_name="周八", procedure="小额",
             filed_date=D(2025, 5, 1), closed_date=D(2025, 4, 1), closing_method="撤诉"),  # closed before filed
    ]


def _text_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, D):
        return f"{v.year}/{v.month}/{v.day}"  # another accepted form than the ISO of xlsx/Parquet
    return str(v)


def _write_small(path, kind: str, header: list[str] = HEADER, extra: bool = False):
    cases = _small_cases()
    if kind in ("utf-8", "utf-8-sig", "gb18030"):
        rows = [[_text_cell(c.get(h)) for h in HEADER] for c in cases]
        hdr = list(header)
        if extra:  # unknown columns, anywhere, are ignored
            hdr = ["备注"] + hdr[:7] + ["extra_col"] + hdr[7:]
            rows = [["随便写点"] + r[:7] + ["x,y"] + r[7:] for r in rows]
        write_csv(path, rows, hdr, encoding=kind)
    elif kind == "xlsx":
        rows = [[c.get(h) for h in HEADER] for c in cases]
        rows[0][HEADER.index("closed_date")] = dt.datetime(2025, 3, 1, 15, 30)  # a date-time cell
        write_xlsx(path, list(header), rows)
    elif kind == "parquet":
        types = {"filed_date": pa.date32(), "closed_date": pa.date32(), "appeal_received_date": pa.timestamp("s"),
                 "appeal_transferred_date": pa.date32(), "extended_days": pa.int64(), "deducted_days": pa.int64(),
                 "amount_applied": pa.float64(), "amount_recovered": pa.float64()}
        cols = {}
        for h, name in zip(HEADER, header):
            values = [c.get(h) for c in cases]
            if h == "appeal_received_date":
                values = [dt.datetime(v.year, v.month, v.day) if v else None for v in values]
            cols[name] = pa.array(values, types.get(h, pa.string()))
        pq.write_table(pa.table(cols), path)
    return path


FORMATS = [("utf-8", "c.csv"), ("utf-8-sig", "c.csv"), ("gb18030", "c.csv"), ("xlsx", "c.xlsx"),
           ("parquet", "c.parquet")]


def _import_file(tmp_path, path):
    courts = write_courts(tmp_path / "courts.csv")
    db, rej = tmp_path / f"{path.name}.duckdb", tmp_path / f"{path.name}.rejects.csv"
    r = ingest(str(path), str(courts), str(db), str(rej))
    return r, [(x["row"], x["case_no"]) for x in read_rejects(rej)], stored_cases(db)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    d = tmp_path_factory.mktemp("ref")
    result, rejects, stored = _import_file(d, _write_small(d / "ref.csv", "utf-8"))
    assert (result.accepted, result.rejected) == (5, 1)
    assert rejects == [(6, "(2025)示0103民初2号")]
    c = stored["(2025)示0102民初1号"]
    assert (c["filed_date"], c["closed_date"], c["extended_days"], c["appeal_transferred_date"]) == (
        D(2025, 1, 5), D(2025, 3, 1), 30, D(2025, 3, 20))
    assert stored["(2025)示0102执1号"]["amount_applied"] == 12345.67
    assert stored["(2025)示0102执1号"]["closing_method"] == "终本"
    assert stored["(2025)示01民终1号"]["procedure"] == "第二审程序"
    return rejects, stored


@pytest.mark.parametrize("kind,name", FORMATS, ids=[k for k, _ in FORMATS])
def test_formats_import_identically(tmp_path, reference, kind, name):
    path = _write_small(tmp_path / name, kind)
    if kind == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    if kind == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    _r, rejects, stored = _import_file(tmp_path, path)
    assert (rejects, stored) == reference


def _mixed_header():
    return [zh if i % 2 else en for i, (en, zh) in enumerate(zip(HEADER, HEADER_ZH))]


@pytest.mark.parametrize("kind,header,extra", [
    ("utf-8", HEADER_ZH, False), ("gb18030", HEADER_ZH, False), ("utf-8", _mixed_header(), False),
    ("utf-8-sig", _mixed_header(), True), ("utf-8", HEADER, True), ("xlsx", HEADER_ZH, False),
    ("parquet", _mixed_header(), False),
], ids=["zh", "zh-gb18030", "mixed", "mixed-bom-extra", "extra-columns", "xlsx-zh", "parquet-mixed"])
def test_headers_chinese_mixed_and_extra_columns(tmp_path, reference, kind, header, extra):
    ext = {"xlsx": "xlsx", "parquet": "parquet"}.get(kind, "csv")
    path = _write_small(tmp_path / f"c.{ext}", kind, header, extra)
    _r, rejects, stored = _import_file(tmp_path, path)
    assert (rejects, stored) == reference


def test_columns_in_any_order(tmp_path, reference):
    order = list(reversed(range(len(HEADER))))
    rows = [[_text_cell(c.get(HEADER[i])) for i in order] for c in _small_cases()]
    path = write_csv(tmp_path / "c.csv", rows, [HEADER_ZH[i] for i in order])
    _r, rejects, stored = _import_file(tmp_path, path)
    assert (rejects, stored) == reference


# --------------------------------------------------------------------------- 4. unusable files


def _bad_cases(kind: str, d) -> tuple:
    """(cases file, courts file) for an unusable input."""
    courts = write_courts(d / "courts.csv")
    good = as_rows([case(serial=1)])
    if kind == "missing column":
        i = HEADER.index("procedure")
        return write_csv(d / "c.csv", [r[:i] + r[i + 1:] for r in good], HEADER[:i] + HEADER[i + 1:]), courts
    if kind == "missing column (zh header)":
        i = HEADER.index("filed_date")
        return write_csv(d / "c.csv", [r[:i] + r[i + 1:] for r in good], HEADER_ZH[:i] + HEADER_ZH[i + 1:]), courts
    if kind == "txt that is not CSV":
        p = d / "cases.txt"
        p.write_text("这不是案件信息表。\nJust some notes, not a table.\n", encoding="utf-8")
        return p, courts
    if kind == "json":
        p = d / "cases.json"
        p.write_text('[{"case_no": "(2025)示0102民初1号", "division": "民一庭"}]', encoding="utf-8")
        return p, courts
    if kind == "latin-1":
        p = d / "c.csv"
        p.write_bytes((",".join(HEADER) + "\n").encode() + "café,naïve,Größe".encode("latin-1") + b",\xff\n")
        for enc in ("utf-8", "gb18030"):
            with pytest.raises(UnicodeDecodeError):
                p.read_bytes().decode(enc)
        return p, courts
    if kind == "binary named .csv":
        p = d / "c.csv"
        p.write_bytes(bytes(range(256)) * 8)
        return p, courts
    if kind == "empty file":
        p = d / "c.csv"
        p.write_bytes(b"")
        return p, courts
    if kind == "broken xlsx":
        p = d / "c.xlsx"
        p.write_bytes(b"PK\x03\x04 this is no workbook")
        return p, courts
    if kind == "cases file not found":
        return d / "nope.csv", courts
    if kind == "quote never closed":  # would swallow every later row into one cell
        p = write_cases(d / "c.csv", [case(serial=1), case(serial=2), case(serial=3)])
        text = p.read_text(encoding="utf-8").replace(case_no("民初", 2), '"' + case_no("民初", 2))
        p.write_text(text, encoding="utf-8")
        return p, courts
    cases = write_cases(d / "c.csv", [case(serial=1)])
    bad = [list(c) for c in COURTS]
    if kind == "courts: duplicate code":
        bad.append(["示0102", "重复的法院", "基层", "示01", ""])
    elif kind == "courts: unknown level":
        bad[3][2] = "区级"
    elif kind == "courts: parent not in the list":
        bad[3][3] = "示09"
    elif kind == "courts: parent only in the stored database":
        bad = [c for c in bad if c[0] != "示01"]
    elif kind == "courts: cycle of parents":
        bad[1][3], bad[2][3] = "示02", "示01"
    elif kind == "courts: own parent":
        bad[3][3] = "示0102"
    elif kind == "courts: missing level column":
        return cases, write_csv(d / "courts.csv", [c[:2] + c[3:] for c in bad], ["court_code", "court_name",
                                                                                    "parent_code", "population"])
    else:
        raise AssertionError(kind)
    return cases, write_csv(d / "courts.csv", bad, COURT_HEADER)


UNUSABLE = ["missing column", "missing column (zh header)", "txt that is not CSV", "json", "latin-1",
            "binary named .csv", "empty file", "broken xlsx", "cases file not found", "quote never closed", "courts: duplicate code",
            "courts: unknown level", "courts: parent not in the list", "courts: parent only in the stored database",
            "courts: cycle of parents", "courts: own parent", "courts: missing level column"]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("base")
    result, _rejects, stored = _import(d, [case(serial=1), pending(serial=2), case("民终", 1)])
    assert result.accepted == 3
    return d / "db.duckdb", stored


@pytest.mark.parametrize("kind", UNUSABLE)
def test_unusable_file_changes_nothing(tmp_path, base_db, kind, capsys):
    """The command's own entry point in-process (fast); the subprocess runs are below."""
    db = tmp_path / "db.duckdb"
    shutil.copy(base_db[0], db)
    before = sha256(db)
    cases, courts = _bad_cases(kind, tmp_path)
    rejects = tmp_path / "R.csv"
    code = cli_main(["ingest", str(cases), "--courts", str(courts), "--db", str(db), "--rejects", str(rejects)])
    out, err = capsys.readouterr()
    assert code != 0
    assert len(err.strip().splitlines()) == 1, err
    assert out == ""
    assert sha256(db) == before
    assert stored_cases(db) == base_db[1]
    assert not rejects.exists()
    left = set(os.listdir(tmp_path)) - {"db.duckdb.lock"}
    assert left == {"db.duckdb", courts.name} | ({cases.name} if cases.exists() else set())


@pytest.mark.parametrize("kind", ["missing column", "latin-1", "quote never closed", "courts: cycle of parents"])
def test_unusable_file_exits_non_zero_and_creates_no_database(tmp_path, kind):
    cases, courts = _bad_cases(kind, tmp_path)
    p = run_ingest(cases, courts, tmp_path / "new.duckdb", tmp_path / "R.csv")
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert not (tmp_path / "new.duckdb").exists() and not (tmp_path / "R.csv").exists()


def test_existing_file_that_is_not_a_database_is_left_alone(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    db.write_bytes(b"not a database")
    cases = write_cases(tmp_path / "c.csv", [case(serial=1)])
    code = cli_main(["ingest", str(cases), "--courts", str(write_courts(tmp_path / "k.csv")), "--db", str(db)])
    assert code != 0 and len(capsys.readouterr().err.strip().splitlines()) == 1
    assert db.read_bytes() == b"not a database"


def test_stray_quotes_are_read_as_excel_reads_them(tmp_path):
    p = write_cases(tmp_path / "c.csv", [case(serial=1, division="X"), case(serial=2, division="Y")])
    text = p.read_text(encoding="utf-8").replace(",X,", ',"民一庭" ,').replace(",Y,", ',民二"庭,')
    p.write_text(text, encoding="utf-8")
    result, rejects, stored = _import_file(tmp_path, p)
    assert (result.accepted, rejects) == (2, [])
    assert stored[case_no("民初", 1)]["division"] == "民一庭"
    assert stored[case_no("民初", 2)]["division"] == '民二"庭'


def test_header_only_file_is_processed_and_creates_nothing(tmp_path):
    cases = write_csv(tmp_path / "c.csv", [], HEADER)
    courts = write_courts(tmp_path / "courts.csv")
    p = run_ingest(cases, courts, tmp_path / "db.duckdb", tmp_path / "R.csv")
    assert p.returncode == 0, p.stderr
    assert counts_from_stdout(p.stdout) == (0, 0, 0)
    assert "database unchanged" in p.stdout
    assert read_rejects(tmp_path / "R.csv") == []
    assert not (tmp_path / "db.duckdb").exists()


@pytest.mark.parametrize("kind", ["header only", "every row rejected", "16,384 columns, no row", "courts only"])
def test_import_that_accepts_nothing_changes_nothing(tmp_path, base_db, kind):
    """Spec v2: the database stays byte-identical (a demo stays a demo), the rejects are written."""
    db = tmp_path / "db.duckdb"
    shutil.copy(base_db[0], db)
    before = sha256(db)
    rows = {"header only": [], "every row rejected": [case(serial=7, filed_date="2025-02-30"), case(serial=8, division="")],
            "16,384 columns, no row": [], "courts only": []}[kind]
    header = HEADER + [f"extra{i}" for i in range(16_384 - len(HEADER))] if kind.startswith("16") else HEADER
    cases = write_csv(tmp_path / "c.csv", as_rows(rows), header)
    courts = write_courts(tmp_path / "courts.csv", COURTS + ([["示0199", "新法院", "基层", "示01", ""]] if kind == "courts only" else []))
    p = run_ingest(cases, courts, db, tmp_path / "R.csv")
    assert p.returncode == 0, p.stderr
    assert counts_from_stdout(p.stdout) == (len(rows), 0, len(rows))
    assert "database unchanged" in p.stdout
    assert sha256(db) == before
    assert len(read_rejects(tmp_path / "R.csv")) == len(rows)
    assert set(os.listdir(tmp_path)) - {"db.duckdb.lock"} == {"db.duckdb", "c.csv", "courts.csv", "R.csv"}


@pytest.mark.parametrize("second", ["案号", "case_no", "CASE_NO", " 承办人 "])
def test_a_column_named_twice_makes_the_file_unusable(tmp_path, base_db, second, capsys):
    """Spec v2: which copy was meant cannot be known (a stray 承办人 column once renamed every judge)."""
    db = tmp_path / "db.duckdb"
    shutil.copy(base_db[0], db)
    before = sha256(db)
    header = HEADER + [second]
    rows = [r + ["重复列"] for r in as_rows([case(serial=9)])]
    cases = write_csv(tmp_path / "c.csv", rows, header)
    code = cli_main(["ingest", str(cases), "--courts", str(write_courts(tmp_path / "k.csv")), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1 and "both name column" in err and len(err.strip().splitlines()) == 1, err
    assert sha256(db) == before


def test_an_unknown_column_named_twice_is_ignored(tmp_path):
    cases = write_csv(tmp_path / "c.csv", [r + ["a", "b"] for r in as_rows([case(serial=9)])], HEADER + ["备注", "备注"])
    result, rejects, stored = _import_file(tmp_path, cases)
    assert (result.accepted, rejects) == (1, [])


# --------------------------------------------------------------------------- 5. update


def test_update_of_a_database_from_before_spec_v2(tmp_path):
    """Its stored cases lack the spec-v2 columns: they read as blanks do (the procedure, 否)."""
    db = tmp_path / "db.duckdb"
    _import(tmp_path, [case(serial=1), case(serial=2)], db=db, name="one.csv")
    with duckdb.connect(str(db)) as con:
        for col in ("initial_procedure", "four_types", "reviewed", "enterprise"):
            con.execute(f"ALTER TABLE cases DROP COLUMN {col}")
    r, _rejects, stored = _import(tmp_path, [case(serial=3, enterprise="是")], db=db, name="two.csv")
    assert (r.accepted, len(stored)) == (1, 3)
    assert stored[case_no("民初", 1)]["initial_procedure"] == stored[case_no("民初", 1)]["procedure"]
    assert (stored[case_no("民初", 1)]["enterprise"], stored[case_no("民初", 3)]["enterprise"]) == (False, True)


def test_update_closes_adds_keeps(tmp_path):
    db = tmp_path / "db.duckdb"
    p1, p2, p3, c1 = (case_no("民初", i) for i in (1, 2, 3, 4))
    n1, n2 = case_no("民终", 1), case_no("民初", 5)
    first = [pending(serial=1, judge_name="甲"), pending(serial=2, judge_name="乙"),
             pending(serial=3, judge_name="丙"), case(serial=4, judge_name="丁")]
    r, rejects, stored = _import(tmp_path, first, db=db, name="one.csv")
    assert (r.accepted, r.rejected, r.added, r.updated) == (4, 0, 4, 0)
    assert stored[c1]["has_appeal_desc"] is False
    second = [
        case(serial=1, judge_name="甲", closed_date="2025-05-10", closing_method="准予撤诉"),  # closes P1
        case(serial=2, judge_name="乙2", closed_date="2025-02-01", closing_method="判决"),  # rejected: before filed
        case("民终", 1, origin_case_no=c1, hearing="是"),  # new: an appeal of C1
        pending(serial=5),  # new, pending
    ]
    r, rejects, stored = _import(tmp_path, second, db=db, name="two.csv")
    assert set(rejects) == {2} and "before filed_date" in rejects[2]["reason"]
    assert (r.rows_read, r.accepted, r.rejected, r.added, r.updated) == (4, 3, 1, 2, 1)
    assert set(stored) == {p1, p2, p3, c1, n1, n2}
    assert (stored[p1]["closed_date"], stored[p1]["closing_method"]) == (D(2025, 5, 10), "撤诉")
    assert stored[p2]["closed_date"] is None and stored[p2]["judge_name"] == "乙"  # as it was
    assert stored[p3]["closed_date"] is None and stored[p3]["judge_name"] == "丙"  # not in the file: kept
    assert stored[c1]["closed_date"] == D(2025, 4, 1) and stored[c1]["judge_name"] == "丁"
    assert stored[n1]["hearing"] is True and stored[n2]["closed_date"] is None
    # derived facts are recomputed over all cases, stored ones included
    assert stored[c1]["has_appeal_desc"] is True and stored[c1]["desc_counted"] == 1
    assert stored[n1]["origin_judge_id"] == stored[c1]["judge_id"]


def test_update_through_the_command_line(tmp_path):
    db = tmp_path / "db.duckdb"
    courts = write_courts(tmp_path / "courts.csv")
    one = write_cases(tmp_path / "one.csv", [pending(serial=1), pending(serial=2)])
    assert run_ingest(one, courts, db).returncode == 0
    assert (tmp_path / "rejects.csv").exists()  # default: next to the database
    two = write_cases(tmp_path / "two.csv", [case(serial=1), case(serial=3, closing_method="维持")])
    p = run_ingest(two, courts, db, tmp_path / "R2.csv")
    assert p.returncode == 0, p.stderr
    assert counts_from_stdout(p.stdout) == (2, 1, 1)
    assert [(r["row"], r["case_no"]) for r in read_rejects(tmp_path / "R2.csv")] == [(2, case_no("民初", 3))]
    got = {r[0]: r[1] for r in query(db, "SELECT case_no, closed_date FROM cases")}
    assert got == {case_no("民初", 1): D(2025, 4, 1), case_no("民初", 2): None}


# --------------------------------------------------------------------------- 6. kill midway, readers


def _write_big(path, n: int, year: int = 2024):
    """n valid rows, written fast with plain csv."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        template = [case(serial=1, year=year).get(h, "") for h in HEADER]
        i_no, i_judge = HEADER.index("case_no"), HEADER.index("judge_id")
        for i in range(1, n + 1):
            template[i_no] = f"({year})示0102民初{i}号"
            template[i_judge] = f"J{i % 50:04d}"
            w.writerow(template)
    return path


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    r, _rej, stored = _import(d, [case(serial=i) for i in range(1, 6)])
    assert r.accepted == 5
    return d / "db.duckdb", stored


def test_killed_import_leaves_the_database_as_it_was(tmp_path, small_db):
    db = tmp_path / "db.duckdb"
    shutil.copy(small_db[0], db)
    before = sha256(db)
    big = _write_big(tmp_path / "big.csv", 300_000)
    courts = write_courts(tmp_path / "courts.csv")
    building = tmp_path / "db.duckdb.building"
    proc = subprocess.Popen(ingest_cmd(big, courts, db, tmp_path / "R.csv"), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not building.exists():
            assert proc.poll() is None, f"import ended before building: {proc.returncode}"
            assert time.monotonic() < deadline, "the import never started building"
            time.sleep(0.005)
        time.sleep(0.3)  # let it write a little
        assert proc.poll() is None, "the import finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert sha256(db) == before
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 5
    finally:
        con.close()
    assert stored_cases(db) == small_db[1]
    # the next import cleans up what the killed one left and works
    p = run_ingest(write_cases(tmp_path / "c.csv", [case(serial=9)]), courts, db, tmp_path / "R2.csv")
    assert p.returncode == 0, p.stderr
    assert len(stored_cases(db)) == 6
    assert not building.exists()


def test_open_reader_keeps_working_during_and_after_an_import(tmp_path, small_db):
    db = tmp_path / "db.duckdb"
    shutil.copy(small_db[0], db)
    big = _write_big(tmp_path / "big.csv", 60_000, year=2023)
    courts = write_courts(tmp_path / "courts.csv")
    reader = duckdb.connect(str(db), read_only=True)
    sql = "SELECT count(*), min(case_no), max(filed_date) FROM cases"
    try:
        old = reader.execute(sql).fetchone()
        assert old[0] == 5
        inode = os.stat(db).st_ino
        proc = subprocess.Popen(ingest_cmd(big, courts, db, tmp_path / "R.csv"), cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reads = 0
        while proc.poll() is None:
            assert reader.execute(sql).fetchone() == old
            reads += 1
            time.sleep(0.02)
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert reads > 0
        assert os.stat(db).st_ino != inode  # replaced by rename
        assert reader.execute(sql).fetchone() == old  # still the file it opened
        assert reader.execute("SELECT count(*) FROM cases WHERE judge_name = '张三'").fetchone()[0] == 5
    finally:
        reader.close()
    assert query(db, "SELECT count(*) FROM cases")[0][0] == 60_005


def test_import_that_waited_for_another_build_keeps_its_cases(tmp_path, small_db):
    """Two imports into one database: the second waits on the build lock, then updates the
    database the first one wrote instead of replacing it with its own cases only."""
    if not os.path.exists("/proc/locks"):
        pytest.skip("needs /proc/locks to see the import wait")
    db = tmp_path / "db.duckdb"  # no database yet
    courts = write_courts(tmp_path / "courts.csv")
    cases = write_cases(tmp_path / "c.csv", [case(serial=7)])
    with open(str(db) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build is running
        ino = os.fstat(lock.fileno()).st_ino
        proc = subprocess.Popen(ingest_cmd(cases, courts, db, tmp_path / "R.csv"), cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not any("->" in line and f":{ino} " in line for line in open("/proc/locks")):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the import never waited for the lock"
                time.sleep(0.01)
            shutil.copy(small_db[0], str(db) + ".other")  # the other build finishes: renamed into place
            os.replace(str(db) + ".other", db)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert set(stored_cases(db)) == set(small_db[1]) | {case_no("民初", 7)}


# --------------------------------------------------------------------------- 7. derived facts


def test_derived_facts_on_linked_chains(tmp_path):
    a1, a2, a3 = "(2024)示0102民初1号", "(2024)示01民终1号", "(2024)示0102民初2号"
    b1, b2, b3, b4 = "(2024)示0103民初1号", "(2024)示0103执1号", "(2025)示0103执恢1号", "(2024)示0103民诉前调1号"
    c1, c2, c3, c4 = "(2023)示0201民初1号", "(2023)示02民终1号", "(2024)示民申1号", "(2024)示民再1号"
    x = "(2025)示0102民初9号"
    rows = [
        # 民初 -> 民终 发回重审 -> 民初 retrial
        case("民初", 1, year=2024, judge_id="JA1", division="民二庭", filed_date="2024-01-10", closed_date="2024-03-10",
             deducted_days="5"),
        case("民终", 1, year=2024, judge_id="JA2", division="民一庭", filed_date="2024-04-01", closed_date="2024-05-01",
             closing_method="发回重审", origin_case_no=a1),
        pending("民初", 2, year=2024, procedure="简易程序", filed_date="2024-06-01", origin_case_no=a2),
        # 民初 -> 执 -> 执恢 (and an odd 民诉前调 naming the judgment: not a counted descendant)
        case("民初", 1, year=2024, court="示0103", judge_id="JB1", filed_date="2024-02-01", closed_date="2024-02-01"),
        case("执", 1, year=2024, court="示0103", filed_date="2024-03-01", closed_date="2024-08-28",
             closing_method="终本", deducted_days="30", extended_days="90", origin_case_no=b1),
        pending("执恢", 1, year=2025, court="示0103", filed_date="2025-01-02", origin_case_no=b2),
        case("民诉前调", 1, year=2024, court="示0103", origin_case_no=b1),
        # 民初 -> 民终 -> 民申 -> 民再
        case("民初", 1, year=2023, court="示0201", filed_date="2023-05-01", closed_date="2023-06-01"),
        case("民终", 1, year=2023, court="示02", filed_date="2023-07-01", closed_date="2023-08-01", origin_case_no=c1),
        case("民申", 1, year=2024, filed_date="2024-01-01", closed_date="2024-02-01", closing_method="裁定再审",
             origin_case_no=c2),
        pending("民再", 1, year=2024, filed_date="2024-03-01", origin_case_no=c3),
        case("民初", 9),
    ]
    result, rejects, s = _import(tmp_path, rows)
    assert rejects == {} and result.accepted == len(rows)

    def facts(no):
        c = s[no]
        return (c["desc_counted"], c["has_appeal_desc"], c["has_review_desc"], c["has_exec_desc"])

    assert facts(a1) == (2, True, True, False)
    assert facts(a2) == (1, False, False, False)
    assert facts(a3) == (0, False, False, False)
    assert facts(b1) == (2, False, False, True)
    assert facts(b2) == (1, False, False, False)  # 执恢 is not a first enforcement
    assert facts(b3) == (0, False, False, False)
    assert facts(c1) == (3, True, True, False)
    assert facts(c2) == (2, False, True, False)
    assert facts(c3) == (1, False, True, False)
    assert facts(c4) == (0, False, False, False)
    assert facts(x) == (0, False, False, False)

    for no, root in [(a2, a1), (a3, a1), (b2, b1), (b3, b1), (b4, b1), (c2, c1), (c3, c1), (c4, c1)]:
        assert s[no]["root_case_no"] == root, no
    for no in (a1, b1, c1, x):  # the spec does not say; store.py gives first-instance roots no root_case_no
        assert s[no]["root_case_no"] in (None, no)

    def origin(no):
        c = s[no]
        return (c["origin_court"], c["origin_division"], c["origin_judge_id"], c["origin_instance"])

    assert origin(a1) == (None, None, None, None)
    assert origin(a2) == ("示0102", "民二庭", "JA1", "first")
    assert origin(a3) == ("示01", "民一庭", "JA2", "appeal")
    assert origin(b2) == ("示0103", "民一庭", "JB1", "first")
    assert origin(b3)[0] == "示0103" and origin(b3)[3] == "enforcement"
    assert origin(c4)[0] == "示" and origin(c4)[3] == "petition"
    assert s[a3]["origin_category"] == "民事"

    def time_facts(no):
        c = s[no]
        return (c["limit_days"], c["duration_days"], c["net_days"])

    assert time_facts(a1) == (180, 60, 55)
    assert time_facts(a2) == (90, 30, 30)
    assert time_facts(a3) == (90, None, None)
    assert time_facts(b1) == (180, 0, 0)
    assert time_facts(b2) == (180, 180, 150)
    assert s[b2]["extended_days"] == 90
    assert time_facts(c3) == (90, 31, 31)
    assert time_facts(c4) == (180, None, None)
    assert time_facts(b4)[0] == 30
    assert (s[b4]["counted"], s[b4]["category"], s[b4]["instance"]) == (False, "民事", "mediation")
    assert (s[b3]["counted"], s[b3]["category"], s[b3]["instance"]) == (True, "执行", "enforcement")
    assert (s[c3]["instance"], s[c4]["instance"], s[a2]["instance"]) == ("petition", "retrial", "appeal")
