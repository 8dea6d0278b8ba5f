"""The briefing's follow-up: the previous meeting's items with their value then and now and
their status; the briefing issued for a meeting kept as issued across a new import; text people
wrote shown as written in Word and Excel."""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys

import duckdb
import openpyxl
import pytest
from docx import Document

from followup import actions, meetings, store
from followup.model import Unit
from followup.values import values
from metrics import Period, Scope
from metrics.catalogue import BY_ID
from present import format as fmt
from report import frozen
from report.briefing import build, to_docx, to_xlsx
from tests.test_metrics_identities import ROOT

SCOPE = Scope(court="示01")
Q2, Q3 = Period.parse("2026Q2", cumulative=True), Period.parse("2026Q3", cumulative=True)
SET_ON = dt.date(2026, 7, 10)  # the Q2 meeting's day
NOTE = '3月系统切换，<部分案件> & "延后" 录入' 


def _generate(path: str, end: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", path, "--cases", "20000", "--quiet"]
                   + (["--end", end] if end else []), cwd=ROOT, check=True)


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    """Two imports of the same courts: data to 06-30 (the Q2 meeting) and to 09-30."""
    where = tmp_path_factory.mktemp("dbs")
    q2, q3 = str(where / "q2.duckdb"), str(where / "q3.duckdb")
    _generate(q2, "2026-06-30")
    _generate(q3)
    return q2, q3


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def _q2_meeting(q2: str) -> tuple[int, int]:
    """The Q2 meeting sets two items on 示01: 审限内结案率 into its range, and 民一庭's closure rate to 0.9."""
    con = duckdb.connect(q2, read_only=True)
    try:
        first = actions.add_item(con, meeting="2026年上半年数据会商", indicator="within_limit_rate", unit=Unit("示01"),
                                 target="range", due=dt.date(2026, 12, 31), by="admin", today=SET_ON)
        second = actions.add_item(con, meeting="2026年上半年数据会商", indicator="closure_rate",
                                  unit=Unit("示01", division="民一庭"), target="0.9", due=dt.date(2026, 12, 31),
                                  by="admin", today=SET_ON)
        actions.add_progress(con, first, '已督促各庭清理 <长期未结> & "超审限" 案件', "admin")
        actions.add_note(con, indicator="within_limit_rate", unit=Unit("示01"), month="2026-03", text=NOTE, by="admin")
    finally:
        con.close()
    return first, second


def test_no_meeting_says_so_in_one_line(dbs, state):
    con = duckdb.connect(dbs[1], read_only=True)
    b = build(con, SCOPE, Q3)
    assert b.followup.meeting is None and b.followup.rows == []
    doc = Document(io.BytesIO(to_docx(b)))
    paragraphs = [p.text for p in doc.paragraphs]
    at = paragraphs.index("一、上次会商确定事项落实情况")
    assert paragraphs[at + 1:at + 3] == ["本范围此前没有会商记录。", "二、总体情况"]


def test_section_reports_each_item_then_and_now(dbs, state):
    q2, q3 = dbs
    first, second = _q2_meeting(q2)
    con2, con3 = duckdb.connect(q2, read_only=True), duckdb.connect(q3, read_only=True)
    items = store.items()
    then = values(con2, [(i.unit, i.indicator) for i in items])
    now = values(con3, [(i.unit, i.indicator) for i in items])
    assert then != now  # the import of Q3 moved the figures
    standing = {s.item.id: s for s in actions.standings(con3, items)}
    b = build(con3, SCOPE, Q3)
    f = b.followup
    assert f.meeting == "2026年上半年数据会商" and f.held == "2026-07-10" and len(f.rows) == 2
    for item, row in zip(items, f.rows):
        ind = BY_ID[item.indicator]
        assert row["then"] == fmt.value(ind, then[(item.unit, item.indicator)])
        assert row["now"] == fmt.value(ind, now[(item.unit, item.indicator)])
        assert row["status_code"] == standing[item.id].status
        assert row["status"] == {"met": "已达标", "on_track": "进度正常", "at_risk": "有风险", "overdue": "已逾期",
                                 "closed": "已销号"}[row["status_code"]]
    assert f.rows[0]["progress"].endswith('已督促各庭清理 <长期未结> & "超审限" 案件')
    assert f.rows[1]["unit"] == "明湖市中级人民法院民一庭" and f.rows[1]["owner"] == "民一庭"

    # a closed item reads 已销号 whatever its figure
    actions.close_item(con3, second, "民一庭已完成清理", "admin")
    assert build(con3, SCOPE, Q3).followup.rows[1]["status"] == "已销号"

    doc = Document(io.BytesIO(to_docx(b)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[paragraphs.index("一、上次会商确定事项落实情况") + 1].startswith(
        "上次会商（2026年上半年数据会商，2026-07-10）确定整改事项2项")
    table = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert table[0] == ["指标", "单位", "目标", "期限", "责任部门", "当时", "现在", "状态", "最新进展"]
    assert [r[5:8] for r in table[1:]] == [[r["then"], r["now"], r["status"]] for r in f.rows]

    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(b)))
    ledger = [[c for c in r] for r in wb["整改台账"].values]
    assert ledger[0][0] == "会商" and len(ledger) == 3
    assert ledger[1][-1] == f.rows[0]["progress"]  # written as it was typed


def test_user_text_stays_literal_in_word(dbs, state):
    """A note and a progress note holding < & " show as typed (the note in its indicator's analysis)."""
    q2, q3 = dbs
    _q2_meeting(q2)
    con = duckdb.connect(q3, read_only=True)
    b = build(con, SCOPE, Q3)
    text = _text(to_docx(b))
    assert f"批注（2026-03，明湖市中级人民法院）：{NOTE}" in text
    assert '已督促各庭清理 <长期未结> & "超审限" 案件' in text
    doc = Document(io.BytesIO(to_docx(b)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "within_limit_rate" in [s.indicator for s in b.short]  # so the note sits under its heading
    at = paragraphs.index(BY_ID["within_limit_rate"].zh)
    assert paragraphs[at + 2] == f"批注（2026-03，明湖市中级人民法院）：{NOTE}"


def test_issued_briefing_survives_a_new_import(dbs, state, tmp_path):
    """Issued on data to 06-30; the database is then replaced by data to 09-30: the issued
    Word file keeps the old figures, the current one has the new."""
    q2, q3 = dbs
    db = str(tmp_path / "live.duckdb")
    shutil.copy(q2, db)
    con = duckdb.connect(db, read_only=True)
    issued = build(con, SCOPE, Q3)
    meetings.issue(con, name="2026年上半年数据会商", held=SET_ON, scope=SCOPE, period="2026Q3", cumulative=True,
                   minutes="一、通报上半年数据。\n二、确定整改事项。", briefing=frozen.dumps(issued), by="admin")
    old = to_docx(issued)
    con.close()
    os.replace(shutil.copy(q3, str(tmp_path / "next.duckdb")), db)  # the new import, swapped in as imports are

    con = duckdb.connect(db, read_only=True)
    current = build(con, SCOPE, Q3)
    kept = store.meeting_by_name("2026年上半年数据会商")
    assert kept.minutes == "一、通报上半年数据。\n二、确定整改事项。" and kept.data_date == dt.date(2026, 6, 30)
    again = to_docx(frozen.loads(kept.briefing))
    assert _text(again) == _text(old)  # identical figures
    headline = lambda data: [[c.text for c in r.cells] for r in Document(io.BytesIO(data)).tables[0].rows]  # noqa: E731
    assert headline(again) != headline(to_docx(current))
    assert "数据截至：2026-06-30" in _text(again) and "数据截至：2026-09-30" in _text(to_docx(current))
    header, rows = frozen.headline_changes(frozen.loads(kept.briefing), current)
    assert header == ["指标", "会商时", "当前"] and any(r[1] != r[2] for r in rows)
    # kept as issued: a second issue for the same meeting is refused
    with pytest.raises(actions.ActionError):
        meetings.issue(con, name="2026年上半年数据会商", held=SET_ON, scope=SCOPE, period="2026Q3", cumulative=True,
                       minutes="", briefing=frozen.dumps(current), by="admin")
