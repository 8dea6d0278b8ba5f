"""The meetings' action items (issue 23): the command line's contract, each item's value equal to
`python -m metrics` for its unit, the status worked out from the data, every refusal leaving the
state as it was, who may do what, and two servers writing at once losing nothing."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest

from followup import actions, store
from followup.model import RANGE, Item, Unit, status
from followup.text import TextError
from metrics.access import Access, AccessDenied
from metrics.db import connect
from tests.helpers import ROOT

HEADER = "id,meeting,indicator,court_code,division,judge_id,target,due,owner,value_at_creation,value_now,status"
DUE = "2026-12-31"
TODAY = dt.date(2026, 12, 4)


def _run(*args, state: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "SPZX_STATE": state}
    env.pop("SPZX_STATE_URL", None)
    out = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert (out.returncode == 0) == ok, out.stderr
    return out


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("db") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", path, "--cases", "40000", "--quiet"],
                   cwd=ROOT, check=True)
    return path


@pytest.fixture
def state(tmp_path, monkeypatch):
    path = str(tmp_path / "state.sqlite")
    monkeypatch.setenv("SPZX_STATE", path)
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    return path


def _units(db: str) -> dict[str, Unit]:
    con = connect(db)
    from metrics import inventory

    division = inventory.divisions(con, "示02")[0]
    judge = inventory.judges(con, "示02", division)["judge_id"].iloc[0]
    return {"court": Unit("示0201"), "district": Unit("示02", True), "division": Unit("示02", False, division),
            "judge": Unit("示02", False, None, judge)}


def _unit_args(u: Unit) -> list[str]:
    return (["--court", u.court] + (["--with-subordinates"] if u.with_subordinates else [])
            + (["--division", u.division] if u.division else []) + (["--judge", u.judge_id] if u.judge_id else []))


def _metrics_value(db: str, u: Unit, indicator: str, month: str, state: str) -> str:
    by = ["--by", u.level] if u.level != "court" else []
    out = _run("-m", "metrics", "--db", db, "--period", month, "--cumulative", "--format", "csv", "--indicator",
               indicator, "--court", u.court, *(["--with-subordinates"] if u.with_subordinates else []), *by, state=state)
    for row in csv.DictReader(io.StringIO(out.stdout)):
        if (u.division is None or row.get("division") == u.division) and (u.judge_id is None or row.get("judge_id") == u.judge_id):
            return row["value"]
    raise AssertionError(f"no row for {u} in {out.stdout[:300]}")


def test_the_command_line_sets_lists_and_closes_items_with_the_values_of_python_m_metrics(db, state):
    units = _units(db)
    plan = [("court", "within_limit_rate", "range"), ("district", "over12m_pending", "0"),
            ("division", "avg_duration", "60"), ("judge", "closure_rate", "range"), ("district", "mediation_rate", "range")]
    ids = []
    for level, indicator, target in plan:
        out = _run("-m", "report", "actions", "add", "--db", db, "--meeting", "2026年前三季度数据会商", "--indicator",
                   indicator, *_unit_args(units[level]), "--target", target, "--due", DUE, "--note", "年底前整改", state=state)
        ids.append(out.stdout.strip())
    assert ids == ["1", "2", "3", "4", "5"]
    out = _run("-m", "report", "actions", "list", "--db", db, "--format", "csv", state=state)
    assert out.stdout.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["id"] for r in rows] == ids
    month = "2026-09"  # the demo's data date is 2026-09-30
    for row, (level, indicator, target) in zip(rows, plan):
        u = units[level]
        assert (row["indicator"], row["court_code"], row["division"], row["judge_id"], row["target"], row["due"]) == \
               (indicator, u.court, u.division or "", u.judge_id or "", target, DUE)
        assert row["value_now"] == _metrics_value(db, u, indicator, month, state), row
        assert row["value_at_creation"] == row["value_now"]  # the data did not change since
        assert row["status"] in ("met", "on_track", "at_risk")
        assert row["meeting"] == "2026年前三季度数据会商"
    assert rows[2]["owner"] == units["division"].division  # a division's item is its own
    # filters: the district holds every item of 示02's courts; --status picks
    district = _run("-m", "report", "actions", "list", "--db", db, "--court", "示02", "--with-subordinates", state=state)
    assert len(list(csv.DictReader(io.StringIO(district.stdout)))) == 5
    alone = _run("-m", "report", "actions", "list", "--db", db, "--court", "示0201", state=state)
    assert [r["id"] for r in csv.DictReader(io.StringIO(alone.stdout))] == ["1"]
    _run("-m", "report", "actions", "close", "2", "--note", "已清理完毕", state=state)
    closed = _run("-m", "report", "actions", "list", "--db", db, "--status", "closed", state=state)
    assert [(r["id"], r["status"]) for r in csv.DictReader(io.StringIO(closed.stdout))] == [("2", "closed")]
    again = _run("-m", "report", "actions", "close", "2", "--note", "再次", state=state, ok=False)
    assert "已销号" in again.stderr and "closed already" in again.stderr
    from security import audit

    events = [e[2] for e in audit.entries(path=state)]
    assert events.count("action_added") == 5 and events.count("action_closed") == 1 and audit.verify(state).holds


def _item(indicator: str, target: str, then, set_on: dt.date, due: dt.date = dt.date(2026, 12, 31), closed=None) -> Item:
    return Item(1, 1, "m", indicator, Unit("示01"), target, due, None, "", then, set_on, "x", "", closed_at=closed)


RANGE_HIGH = (0.95, 1.0)  # a higher-is-better rate


@pytest.mark.parametrize("case, item, now, data_date, expected", [
    ("inside the range", _item("within_limit_rate", RANGE, 0.90, dt.date(2026, 6, 30)), 0.96, dt.date(2026, 9, 30), "met"),
    ("past it on the better side", _item("within_limit_rate", "0.95", 0.90, dt.date(2026, 6, 30)), 0.97, dt.date(2026, 9, 30), "met"),
    # +0.03 over 92 days, carried 92 more days to 12-31 → 0.96: reaches 0.95
    ("pace reaches it", _item("within_limit_rate", RANGE, 0.90, dt.date(2026, 6, 30)), 0.93, dt.date(2026, 9, 30), "on_track"),
    # +0.01 over 92 days → 0.94 at the deadline: short
    ("pace falls short", _item("within_limit_rate", RANGE, 0.91, dt.date(2026, 6, 30)), 0.92, dt.date(2026, 9, 30), "at_risk"),
    ("no newer data: carried forward", _item("within_limit_rate", RANGE, 0.92, dt.date(2026, 9, 30)), 0.92, dt.date(2026, 9, 30), "at_risk"),
    ("worse since", _item("within_limit_rate", RANGE, 0.93, dt.date(2026, 6, 30)), 0.92, dt.date(2026, 9, 30), "at_risk"),
    ("past the deadline", _item("within_limit_rate", RANGE, 0.90, dt.date(2026, 6, 30), due=dt.date(2026, 11, 30)), 0.94, dt.date(2026, 9, 30), "overdue"),
    ("closed by a person", _item("within_limit_rate", RANGE, 0.90, dt.date(2026, 6, 30), closed="2026-10-01T09:00:00"), 0.90, dt.date(2026, 9, 30), "closed"),
    # lower is better: 40 → 20 in 92 days, carried on → 0 by 12-31
    ("a count falling to zero in time", _item("over12m_pending", "0", 40, dt.date(2026, 6, 30)), 20, dt.date(2026, 9, 30), "on_track"),
    ("a count falling too slowly", _item("over12m_pending", "0", 40, dt.date(2026, 6, 30)), 30, dt.date(2026, 9, 30), "at_risk"),
    ("a count reached", _item("over12m_pending", "0", 40, dt.date(2026, 6, 30)), 0, dt.date(2026, 9, 30), "met"),
    ("no value", _item("within_limit_rate", RANGE, 0.9, dt.date(2026, 6, 30)), None, dt.date(2026, 9, 30), "at_risk"),
])
def test_status_from_the_data(case, item, now, data_date, expected):
    assert status(item, now, RANGE_HIGH, TODAY, data_date) == expected, case


def test_a_later_import_changes_the_status(tmp_path, state):
    """The item keeps its value when set; its value now and status follow the database as it is now."""
    q2 = str(tmp_path / "court.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", q2, "--cases", "40000", "--quiet", "--end",
                    "2026-06-30"], cwd=ROOT, check=True)
    con = connect(q2)
    unit = Unit("示02", True)
    iid = actions.add_item(con, meeting="2026年上半年数据会商", indicator="within_limit_rate", unit=unit, target=RANGE,
                           due=dt.date(2026, 12, 31), by="office", today=TODAY)
    then = actions.standings(con, store.items([iid]), TODAY)[0]
    con.close()
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", q2, "--cases", "40000", "--quiet"], cwd=ROOT, check=True)
    con = connect(q2)
    now = actions.standings(con, store.items([iid]), TODAY)[0]
    assert now.item.value_at_creation == then.value_now and now.item.data_date_at_creation == dt.date(2026, 6, 30)
    assert now.value_now != then.value_now
    assert now.status == status(now.item, now.value_now, now.range, TODAY, dt.date(2026, 9, 30))


def _fingerprint(path: str) -> bytes:
    import sqlite3

    if not os.path.exists(path):
        return b""
    con = sqlite3.connect(path)
    dump = "\n".join(con.iterdump())
    con.close()
    return dump.encode()


REFUSED = [
    ("unknown indicator", dict(indicator="nope"), "未知指标"),
    ("unknown court", dict(unit=Unit("示99")), "未知法院"),
    ("unknown division", dict(unit=Unit("示02", False, "不存在庭")), "没有部门"),
    ("unknown judge", dict(unit=Unit("示02", False, None, "J9999999")), "没有法官"),
    ("deadline before today", dict(due=dt.date(2026, 12, 3)), "早于今天"),
    ("target on the worse side", dict(target="0.5"), "较差的一侧"),
    ("rate target above 1", dict(target="95"), "0 到 1"),
    ("target not a number", dict(target="高"), "range 或数值"),
    ("unknown owner", dict(owner="不存在庭"), "没有部门"),
    ("note too long", dict(note="长" * 501), "超过 500"),
    ("note with a control character", dict(note="第一行\n第二行"), "控制字符"),
    ("note with HTML", dict(note="<img src=x onerror=alert(1)>"), "HTML"),
    ("note with Markdown", dict(note="[点此](http://example.com)"), "Markdown"),
    ("note with a formula", dict(note='=HYPERLINK("http://x","y")'), "公式"),
    ("note starting with +", dict(note="+1 件"), "公式"),
    ("note starting with @", dict(note="@SUM(A1)"), "公式"),
    ("meeting name with HTML", dict(meeting="<b>会商</b>"), "HTML"),
]


@pytest.mark.parametrize("case, change, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_input_is_refused_and_nothing_is_written(db, state, case, change, message):
    con = connect(db)
    actions.add_item(con, meeting="m", indicator="closure_rate", unit=Unit("示02"), target=RANGE, due=dt.date(2026, 12, 31),
                     by="office", today=TODAY)  # the state exists: a refusal must leave it exactly so
    before = _fingerprint(state)
    args = dict(meeting="2026年前三季度数据会商", indicator="within_limit_rate", unit=Unit("示02"), target=RANGE,
                due=dt.date(2026, 12, 31), note="", by="office", today=TODAY) | change
    with pytest.raises((actions.ActionError, TextError)) as refused:
        actions.add_item(con, **args)
    assert message in str(refused.value), case
    assert _fingerprint(state) == before, case


def _access(role: str, **kw) -> Access:
    return Access(role, **kw)


def test_who_may_set_close_report_and_read(db, state):
    con = connect(db)
    from metrics import inventory

    division = inventory.divisions(con, "示02")[0]
    other = inventory.divisions(con, "示02")[1]
    judge = inventory.judges(con, "示02", division)["judge_id"].iloc[0]
    office, leader = _access("admin"), _access("leader", court="示02")
    stranger = _access("leader", court="示03")
    head = _access("head", court="示02", division=division)
    judge_access = _access("judge", court="示02", division=division, judge_id=judge)
    kw = dict(meeting="m", indicator="within_limit_rate", target=RANGE, due=dt.date(2026, 12, 31), today=TODAY)
    owned = actions.add_item(con, unit=Unit("示02", False, division), by="leader", access=leader, **kw)
    theirs = actions.add_item(con, unit=Unit("示02"), owner=other, by="office", access=office, **kw)  # the court's, owned by another division
    other_division = actions.add_item(con, unit=Unit("示02", False, other), by="office", access=office, **kw)
    elsewhere = actions.add_item(con, unit=Unit("示03"), by="office", access=office, **kw)
    before = _fingerprint(state)
    for who in (stranger, head, judge_access):  # outside reach, or a role that does not set items
        with pytest.raises(AccessDenied):
            actions.add_item(con, unit=Unit("示02"), by="x", access=who, **kw)
    with pytest.raises(AccessDenied):
        actions.close_item(con, owned, "done", "judge", access=judge_access)
    with pytest.raises(AccessDenied):
        actions.add_progress(con, owned, "已排期", "judge", access=judge_access)
    with pytest.raises(AccessDenied):  # the head's division does not own it
        actions.add_progress(con, theirs, "已排期", "head", access=head)
    for hidden in (elsewhere, other_division):  # not even visible to them
        with pytest.raises(actions.ActionError):
            actions.add_progress(con, hidden, "已排期", "head", access=head)
    assert _fingerprint(state) == before
    actions.add_progress(con, owned, "已排期集中清理", "head", access=head)
    assert [p.text for p in store.item(owned).progress] == ["已排期集中清理"]
    seen = {role: {i.id for i in actions.visible_items(con, a)} for role, a in
            (("office", office), ("leader", leader), ("stranger", stranger), ("head", head), ("judge", judge_access))}
    assert seen == {"office": {owned, theirs, other_division, elsewhere}, "leader": {owned, theirs, other_division},
                    "stranger": {elsewhere}, "head": {owned, theirs}, "judge": {owned, theirs}}
    actions.close_item(con, owned, "已整改到位", "leader", access=leader)
    assert store.item(owned).closed_at and store.item(owned).close_note == "已整改到位"


_WRITER = """
import datetime as dt, sys, time
from followup import actions
from followup.model import Unit, RANGE
from metrics.db import connect
con = connect(sys.argv[1])
start = float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
for k in range(int(sys.argv[2])):
    actions.add_item(con, meeting="并发会商", indicator="within_limit_rate", unit=Unit("示02"), target=RANGE,
                     due=dt.date(2030, 12, 31), note=f"进程{sys.argv[4]}第{k}条", by=f"server{sys.argv[4]}")
"""


def test_two_servers_writing_at_once_lose_nothing(db, backend):
    import time

    env = {**os.environ, "PYTHONPATH": ROOT}
    start, per = time.time() + 3, 15
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, db, str(per), str(start), str(n)], cwd=ROOT, env=env,
                              stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    for p in procs:
        assert p.wait(timeout=240) == 0, p.stderr.read()
    found = store.items()
    assert sorted(i.id for i in found) == list(range(1, 2 * per + 1))
    assert sorted(i.note for i in found) == sorted(f"进程{n}第{k}条" for n in (1, 2) for k in range(per))
    assert len(store.meetings()) == 1  # both asked for the same new meeting: it was recorded once
    from security import audit

    assert audit.verify().holds
    assert [e[2] for e in audit.entries()].count("action_added") == 2 * per
