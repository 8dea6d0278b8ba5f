"""The meetings' follow-up (issue 23): the command line's contract, each item's value equal to
what `python -m metrics` writes for its unit, the status worked out from the data (and again
after an import), bad input refused with nothing written, and items, meetings and notes kept
in the state across re-imports and rollbacks of the case database."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys

import pytest

from followup import actions, store
from followup.model import RANGE, Item, Unit, projected, reaches, status
from followup.text import TextError
from metrics.access import Access, AccessDenied
from metrics.__main__ import main as metrics_cli
from metrics.db import connect
from security.followup_tables import FOLLOWUP_TABLE_NAMES
from tests.helpers import ROOT

HEADER = "id,meeting,indicator,court_code,division,judge_id,target,due,owner,value_at_creation,value_now,status"
DUE = "2026-12-31"
TODAY = dt.date.today()


def _env(state: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SPZX_STATE_URL", "SPZX_SECRET")}
    env["SPZX_STATE"] = state
    return env


def _run(state: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, *args], cwd=ROOT, env=_env(state), capture_output=True, text=True, timeout=120)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def _generate(state: str, db: str, end: str | None = None) -> None:
    _run(state, "-m", "data", "generate", "--db", db, "--quiet", *(["--end", end] if end else []))


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    """The demo province with data to 2026-09-30."""
    where = tmp_path_factory.mktemp("followup")
    db = str(where / "demo.duckdb")
    _generate(str(where / "generate-state.sqlite"), db)
    return db


@pytest.fixture
def state(tmp_path, monkeypatch) -> str:
    path = str(tmp_path / "state.sqlite")
    monkeypatch.setenv("SPZX_STATE", path)
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_SECRET", raising=False)
    return path


def _everything(path: str | None = None) -> tuple:
    """All the state holds that the follow-up or the audit log writes: equal before and after
    a refused change means nothing was written."""
    from security import audit

    tables = tuple(tuple(store.store(path).read(f"SELECT * FROM {t} ORDER BY 1")) for t in FOLLOWUP_TABLE_NAMES)
    return tables, tuple(audit.entries(100_000, path=path))


# ---- 1. the command line's contract, and 2. value_now equal to python -m metrics

# (CLI options of the unit, indicator, target, metrics options for the unit, the unit's row key)
CLI_ITEMS = [
    (["--court", "示0101"], "within_limit_rate", "range", ["--court", "示0101"], {}),  # a rate, a court
    (["--court", "示01", "--with-subordinates"], "closure_rate", "range",
     ["--court", "示01", "--with-subordinates"], {}),  # a district
    (["--court", "示0101", "--division", "民一庭"], "over12m_pending", "5",
     ["--court", "示0101", "--by", "division"], {"division": "民一庭"}),  # a count, a division
    (["--court", "示0101", "--judge", "J0101011"], "avg_duration", "40",
     ["--court", "示0101", "--by", "judge"], {"judge_id": "J0101011"}),  # a mean, a judge
    (["--court", "示0201"], "avg_duration", "range", ["--court", "示0201"], {}),  # a mean, another court
    (["--court", "示0302", "--division", "民二庭"], "mediation_rate", "range",
     ["--court", "示0302", "--by", "division"], {"division": "民二庭"}),
]


@pytest.fixture(scope="module")
def cli(demo, tmp_path_factory):
    """The items of CLI_ITEMS, set by `python -m report actions add` on a state of their own."""
    state = str(tmp_path_factory.mktemp("cli") / "state.sqlite")
    ids = []
    for unit, indicator, target, _, _ in CLI_ITEMS:
        out = _run(state, "-m", "report", "actions", "add", "--db", demo, "--meeting", "2026年前三季度数据会商",
                   "--indicator", indicator, *unit, "--target", target, "--due", DUE, "--note", "会上确定").stdout
        ids.append(out.strip())
    return state, ids


def _list(state: str, demo: str, *options: str) -> str:
    return _run(state, "-m", "report", "actions", "list", "--db", demo, *options, "--format", "csv").stdout


def test_add_prints_the_new_items_id(cli):
    _, ids = cli
    assert ids == [str(i) for i in range(1, len(CLI_ITEMS) + 1)]


def test_list_csv_has_the_contracts_columns_and_every_item(cli, demo):
    state, ids = cli
    text = _list(state, demo)
    assert text.splitlines()[0] == HEADER
    rows = _csv(text)
    assert [r["id"] for r in rows] == ids
    first = rows[0]
    assert (first["meeting"], first["indicator"], first["court_code"], first["division"], first["judge_id"],
            first["target"], first["due"]) == ("2026年前三季度数据会商", "within_limit_rate", "示0101", "", "", "range", DUE)
    assert rows[2]["division"] == "民一庭" and rows[2]["owner"] == "民一庭" and rows[2]["target"] == "5"
    assert rows[3]["judge_id"] == "J0101011" and rows[3]["owner"] == "民二庭"  # the judge's division, proposed
    assert rows[3]["target"] == "40"
    # on the data the items were set on, the value now is the value when set
    assert all(r["value_now"] == r["value_at_creation"] != "" for r in rows)
    assert {r["status"] for r in rows} <= set(actions.STATUSES)
    # 示0101's 审限内结案率 0.973 is in its range (0.95-1); 示01's district 结案率 0.753 is below 0.8,
    # with no later data to show a pace; the judge's mean duration 36.2 days beats 40;
    # 民一庭's 8 cases pending over twelve months are more than 5
    assert [r["status"] for r in rows[:4]] == ["met", "at_risk", "at_risk", "met"]


def test_every_value_now_is_what_python_m_metrics_writes_for_the_unit(cli, demo):
    state, _ = cli
    rows = _csv(_list(state, demo))
    con = connect(demo)
    month = actions.data_date(con).strftime("%Y-%m")
    con.close()
    assert month == "2026-09"
    for row, (_, indicator, _, options, key) in zip(rows, CLI_ITEMS):
        out = _run(state, "-m", "metrics", "--db", demo, "--period", month, "--cumulative", *options,
                   "--indicator", indicator, "--format", "csv").stdout
        found = [r for r in _csv(out) if all(r[k] == v for k, v in key.items())]
        assert len(found) == 1, (indicator, options, key)
        assert row["value_now"] == found[0]["value"], (row, found[0])


def test_list_filters_by_court_district_and_status(cli, demo):
    state, _ = cli
    everything = _csv(_list(state, demo))
    by_id = {r["id"]: r for r in everything}
    assert [r["id"] for r in _csv(_list(state, demo, "--court", "示0101"))] == ["1", "3", "4"]
    # 示01 with its district: its own item and those of 示0101 below it, not 示0201's nor 示0302's
    assert [r["id"] for r in _csv(_list(state, demo, "--court", "示01", "--with-subordinates"))] == ["1", "2", "3", "4"]
    got = _csv(_list(state, demo, "--status", "at_risk"))
    assert got and [r["id"] for r in got] == [i for i, r in by_id.items() if r["status"] == "at_risk"]
    both = _csv(_list(state, demo, "--court", "示0101", "--status", "met"))
    assert [r["id"] for r in both] == ["1", "4"]
    p = _run(state, "-m", "report", "actions", "list", "--db", demo, "--with-subordinates", check=False)
    assert p.returncode == 2 and "--court" in p.stderr
    p = _run(state, "-m", "report", "actions", "list", "--db", demo, "--court", "示9999", check=False)
    assert p.returncode == 2 and "示9999" in p.stderr and not p.stdout


def test_close_with_a_note_then_closed_and_a_second_close_is_refused(cli, demo):
    state, _ = cli
    assert _run(state, "-m", "report", "actions", "close", "2", "--note", "已整改到位").stdout.strip() == "2"
    rows = {r["id"]: r for r in _csv(_list(state, demo))}
    assert rows["2"]["status"] == "closed" and rows["1"]["status"] == "met"
    assert [r["id"] for r in _csv(_list(state, demo, "--status", "closed"))] == ["2"]
    before = _list(state, demo)
    again = _run(state, "-m", "report", "actions", "close", "2", "--note", "再次销号", check=False)
    assert again.returncode == 2 and "已销号" in again.stderr and "closed already" in again.stderr
    missing = _run(state, "-m", "report", "actions", "close", "99", "--note", "x", check=False)
    assert missing.returncode == 2 and "no such action item" in missing.stderr
    assert _list(state, demo) == before
    assert "holds" in _run(state, "-m", "security", "verify-audit", "--state", state).stdout


def test_the_command_line_refuses_bad_input_and_writes_nothing(cli, demo):
    state, _ = cli
    before, written = _list(state, demo), _everything(state)
    cases = [
        (["--indicator", "no_such_indicator", "--court", "示0101", "--target", "range", "--due", DUE], "unknown indicator"),
        (["--indicator", "closure_rate", "--court", "示9999", "--target", "range", "--due", DUE], "示9999"),
        (["--indicator", "closure_rate", "--court", "示0101", "--target", "range", "--due", "2026-01-01"],
         "before today"),
        (["--indicator", "closure_rate", "--court", "示0101", "--target", "range", "--due", "31/12/2026"], "YYYY-MM-DD"),
        (["--indicator", "closure_rate", "--court", "示0101", "--target", "range", "--due", DUE,
          "--note", "=HYPERLINK(\"http://x\",\"y\")"], "formula"),
    ]
    for options, message in cases:
        p = _run(state, "-m", "report", "actions", "add", "--db", demo, "--meeting", "另一次会商", *options, check=False)
        assert p.returncode == 2 and message in p.stderr and not p.stdout, (options, p.stderr)
    assert _list(state, demo) == before and _everything(state) == written


# ---- 3. the status, from the data

def _item(indicator: str, target: str, then: float | None, due: str = DUE, closed: bool = False,
          set_on: str = "2026-06-30") -> Item:
    return Item(1, 1, "m", indicator, Unit("示0101"), target, dt.date.fromisoformat(due), None, "", then,
                dt.date.fromisoformat(set_on), "t", "", "2026-12-01T10:00:00" if closed else None)


DAY = dt.date(2026, 9, 30)  # the data date now: 92 days after the item was set, 92 before DUE
NOW = dt.date(2026, 12, 4)


@pytest.mark.parametrize("indicator, target, rng, then, value, due, closed, expected", [
    # higher is better (审限内结案率), a value to reach
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, 0.96, DUE, False, "met"),
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, 0.95, DUE, False, "met"),  # at the target is met
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, 0.93, DUE, False, "on_track"),  # 0.93 + 0.03 = 0.96 by 12-31
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.92, 0.925, DUE, False, "at_risk"),  # 0.925 + 0.005 = 0.93
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.95, 0.93, DUE, False, "at_risk"),  # going the wrong way
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, 0.93, "2026-11-30", False, "overdue"),
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, 0.97, "2026-11-30", False, "met"),  # met late is met
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, 0.97, DUE, True, "closed"),
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, 0.80, "2026-11-30", True, "closed"),
    ("within_limit_rate", "0.95", (0.95, 1.0), 0.90, None, DUE, False, "at_risk"),  # no value now: not met
    ("within_limit_rate", "0.95", (0.95, 1.0), None, 0.93, DUE, False, "at_risk"),  # no value then: carried
    # lower is better (平均审理天数), a value to reach
    ("avg_duration", "60", (0.0, 90.0), 80.0, 58.0, DUE, False, "met"),
    ("avg_duration", "60", (0.0, 90.0), 90.0, 70.0, DUE, False, "on_track"),  # 70 - 20 = 50 by 12-31
    ("avg_duration", "60", (0.0, 90.0), 72.0, 70.0, DUE, False, "at_risk"),  # 70 - 2 = 68
    ("avg_duration", "60", (0.0, 90.0), 90.0, 70.0, "2026-12-01", False, "overdue"),
    ("avg_duration", "60", (0.0, 90.0), 90.0, 59.0, DUE, True, "closed"),
    # into the range: 结案率 (higher is better), 平均审理天数 (lower is better)
    ("closure_rate", RANGE, (0.75, 1.0), 0.70, 0.80, DUE, False, "met"),
    ("closure_rate", RANGE, (0.75, 0.95), 0.70, 0.99, DUE, False, "met"),  # past the range on the better side
    ("closure_rate", RANGE, (0.75, 1.0), 0.60, 0.70, DUE, False, "on_track"),  # 0.70 + 0.10 = 0.80
    ("closure_rate", RANGE, (0.75, 1.0), 0.70, 0.70, DUE, False, "at_risk"),
    ("closure_rate", RANGE, (0.75, 1.0), 0.60, 0.70, "2026-12-03", False, "overdue"),
    ("avg_duration", RANGE, (30.0, 90.0), 95.0, 20.0, DUE, False, "met"),  # below the range: the better side
    ("avg_duration", RANGE, (30.0, 90.0), 120.0, 100.0, DUE, False, "on_track"),  # 100 - 20 = 80
    ("avg_duration", RANGE, (30.0, 90.0), 100.0, 98.0, DUE, False, "at_risk"),
    ("avg_duration", RANGE, (30.0, 90.0), 100.0, 98.0, "2026-10-31", False, "overdue"),
    ("avg_duration", RANGE, (30.0, 90.0), 100.0, 98.0, DUE, True, "closed"),
])
def test_status(indicator, target, rng, then, value, due, closed, expected):
    item = _item(indicator, target, then, due, closed)
    assert status(item, value, rng, NOW, DAY) == expected


def test_the_pace_is_the_change_per_day_since_the_item_was_set_carried_to_the_deadline():
    item = _item("within_limit_rate", "0.95", 0.90)
    assert projected(item, 0.93, DAY) == pytest.approx(0.96)
    assert projected(item, 0.93, dt.date(2026, 6, 30)) == 0.93  # no later data than the item's: carried
    assert projected(_item("within_limit_rate", "0.95", 0.90, due="2026-09-01"), 0.93, DAY) == 0.93  # past due
    assert not reaches("closure_rate", RANGE, 0.9, None)  # no range: the range cannot be reached
    assert not reaches("closure_rate", "0.8", float("nan"), (0.75, 1.0))


def test_an_import_of_later_data_changes_the_status(state, tmp_path, capsys):
    """The Q2 meeting (data to 06-30) sets three items; data to 09-30 replaces the database:
    each value now and status follow the new data; a rollback brings the Q2 figures back; the
    items, their progress, the meeting and the note stay through both (they live in the state)."""
    db = str(tmp_path / "court.duckdb")
    _generate(state, db, end="2026-06-30")
    wanted = [(Unit("示0101"), "closure_rate", RANGE),  # 0.726 at Q2, below 0.75; 0.800 at Q3: met
              (Unit("示0101", division="民一庭"), "over12m_pending", "6"),  # 11, then 8: on pace for 5 by 12-31
              (Unit("示01", True), "within_limit_rate", RANGE)]  # 0.948, then 0.946: below 0.95 still
    con = connect(db)
    assert actions.data_date(con) == dt.date(2026, 6, 30)
    ids = [actions.add_item(con, meeting="2026年上半年数据会商", indicator=ind, unit=unit, target=target,
                            due=dt.date(2026, 12, 31), by="office", today=NOW) for unit, ind, target in wanted]
    actions.add_note(con, indicator="closure_rate", unit=Unit("示0101"), month="2026-03", text="3月系统切换", by="office")
    actions.add_progress(con, ids[0], "已部署专项清理", "office")
    q2 = actions.standings(con, store.items(), today=NOW)
    con.close()
    kept = (store.items(), store.meetings(), store.notes())
    assert [s.status for s in q2] == ["at_risk", "at_risk", "at_risk"]
    assert [s.value_now for s in q2] == [s.item.value_at_creation for s in q2]

    _generate(state, db)  # the import of data to 09-30 (the Q2 database kept as a version)
    con = connect(db)
    day = actions.data_date(con)
    assert day == dt.date(2026, 9, 30)
    q3 = actions.standings(con, store.items(), today=NOW)
    con.close()
    assert [s.item.id for s in q3] == ids
    assert [s.status for s in q3] == ["met", "on_track", "at_risk"]
    for s in q3:
        assert s.value_now != s.item.value_at_creation
        assert s.status == status(s.item, s.value_now, s.range, NOW, day)
        capsys.readouterr()
        metrics_cli(["--db", db, "--period", "2026-09", "--cumulative", "--court", s.item.unit.court,
                     *(["--with-subordinates"] if s.item.unit.with_subordinates else []),
                     *(["--by", "division"] if s.item.unit.division else []), "--indicator", s.item.indicator,
                     "--format", "csv"])  # python -m metrics, run here to spare a process's start
        out = capsys.readouterr().out
        found = [r for r in _csv(out) if r.get("division", "") == (s.item.unit.division or "")]
        assert float(found[0]["value"]) == s.value_now and len(found) == 1

    assert (store.items(), store.meetings(), store.notes()) == kept  # (6.) the import kept them

    _run(state, "-m", "data", "rollback", "--db", db)  # back to the Q2 data
    con = connect(db)
    assert actions.data_date(con) == dt.date(2026, 6, 30)
    back = actions.standings(con, store.items(), today=NOW)
    con.close()
    assert [(s.item, s.value_now, s.status) for s in back] == [(s.item, s.value_now, s.status) for s in q2]
    assert (store.items(), store.meetings(), store.notes()) == kept  # and so did the rollback
    assert [m.name for m in kept[1]] == ["2026年上半年数据会商"] and [n.text for n in kept[2]] == ["3月系统切换"]
    assert [p.text for p in kept[0][0].progress] == ["已部署专项清理"]


# ---- 4. bad input: refused with a clear message, nothing written

OFFICE = Access("admin")
LEADER_ELSEWHERE = Access("leader", court="示02")
HEAD = Access("head", court="示0101", division="民一庭")
JUDGE = Access("judge", court="示0101", division="民二庭", judge_id="J0101011")


def _add(con, **changes):
    kwargs = dict(meeting="2026年前三季度数据会商", indicator="within_limit_rate", unit=Unit("示0101"), target="range",
                  due=dt.date(2026, 12, 31), note="", by="someone", access=OFFICE, today=NOW)
    kwargs.update(changes)
    return actions.add_item(con, **kwargs)


LONG = "字" * 501
REFUSED = [
    (dict(indicator="no_such_indicator"), actions.ActionError, "unknown indicator"),
    (dict(unit=Unit("示9999")), actions.ActionError, "示9999"),
    (dict(unit=Unit("示0101", division="不存在庭")), actions.ActionError, "no division"),
    (dict(unit=Unit("示0101", judge_id="J9999999")), actions.ActionError, "no judge"),
    (dict(unit=Unit("示0101", True, division="民一庭")), actions.ActionError, "not a division"),
    (dict(access=LEADER_ELSEWHERE), AccessDenied, "not allowed to see court 示0101"),
    (dict(access=HEAD), AccessDenied, "not allowed to set"),
    (dict(access=JUDGE), AccessDenied, "not allowed to set"),
    (dict(due=dt.date(2026, 12, 3)), actions.ActionError, "before today"),
    (dict(target="0.9"), actions.ActionError, "worse side of the range"),  # range 0.95-1
    (dict(indicator="avg_duration", target="100"), actions.ActionError, "worse side of the range"),  # range 0-90
    (dict(target="1.5"), actions.ActionError, "between 0 and 1"),
    (dict(target="-0.1"), actions.ActionError, "between 0 and 1"),
    (dict(target="nan"), actions.ActionError, "finite"),
    (dict(target="ninety"), actions.ActionError, "'range' or a number"),
    (dict(indicator="over12m_pending", target="range"), actions.ActionError, "no reference range"),
    (dict(indicator="received", target="100"), actions.ActionError, "no better side"),
    (dict(owner="不存在庭"), actions.ActionError, "no division"),
    (dict(note=LONG), TextError, "longer than 500"),
    (dict(note="第一行\x07"), TextError, "control character"),
    (dict(note="第一行\n第二行"), TextError, "line break"),
    (dict(note="\u202e逆序"), TextError, "control character"),
    (dict(note="**重点**督办"), TextError, "Markdown"),
    (dict(note="见[链接](http://x)"), TextError, "Markdown"),
    (dict(note="# 标题"), TextError, "Markdown"),
    (dict(note="<b>加粗</b>"), TextError, "HTML"),
    (dict(note="<script>alert(1)</script>"), TextError, "HTML"),
    (dict(note='=HYPERLINK("http://x","点击")'), TextError, "formula"),
    (dict(note="+1"), TextError, "formula"),
    (dict(note="@x"), TextError, "formula"),
    (dict(note="-2+3"), TextError, "formula"),
    (dict(meeting=""), TextError, "empty"),
    (dict(meeting="<i>会商</i>"), TextError, "HTML"),
]


@pytest.mark.parametrize("changes, error, message", REFUSED)
def test_bad_input_is_refused_and_nothing_is_written(demo, state, changes, error, message):
    con = connect(demo)
    _add(con, meeting="已有会商")  # a meeting and an item already there
    before = _everything()
    with pytest.raises(error, match=message.replace("(", r"\(").replace("[", r"\[")) as e:
        _add(con, **changes)
    assert " / " in str(e.value)  # said in Chinese and in English
    assert _everything() == before
    con.close()


def test_close_and_progress_are_checked_and_write_nothing_when_refused(demo, state):
    from security import audit

    con = connect(demo)
    own = _add(con, unit=Unit("示0101", division="民一庭"), indicator="mediation_rate")  # owned by 民一庭
    other = _add(con, unit=Unit("示0101", division="民二庭"), indicator="mediation_rate")  # owned by 民二庭
    judges = _add(con, unit=Unit("示0101", judge_id="J0101011"), indicator="mediation_rate")  # the judge's own
    court = _add(con, unit=Unit("示0101"), indicator="mediation_rate", owner="民二庭")  # the court's, 民二庭's to do
    assert [store.item(i).owner for i in (own, other, judges, court)] == ["民一庭", "民二庭", "民二庭", "民二庭"]

    refused = [
        (lambda: actions.add_progress(con, own, "已约谈", "judge", access=JUDGE), actions.ActionError,
         "no such action item"),  # another division's item is not there for a judge
        (lambda: actions.add_progress(con, judges, "已约谈", "judge", access=JUDGE), AccessDenied, "read-only"),
        (lambda: actions.add_progress(con, court, "已约谈", "head", access=HEAD), AccessDenied,
         "only items your division"),  # the head sees their court's item, owned by another division
        (lambda: actions.add_progress(con, other, "已约谈", "head", access=HEAD), actions.ActionError,
         "no such action item"),  # another division's own item is not there for them
        (lambda: actions.add_progress(con, own, "<b>x</b>", "head", access=HEAD), TextError, "HTML"),
        (lambda: actions.add_progress(con, own, "", "head", access=HEAD), TextError, "empty"),
        (lambda: actions.add_progress(con, 999, "已约谈", "head", access=HEAD), actions.ActionError, "no such action item"),
        (lambda: actions.close_item(con, own, "已整改", "head", access=HEAD), AccessDenied, "not allowed to set or close"),
        (lambda: actions.close_item(con, judges, "已整改", "judge", access=JUDGE), AccessDenied, "not allowed to set or close"),
        (lambda: actions.close_item(con, own, "已整改", "leader", access=LEADER_ELSEWHERE), actions.ActionError,
         "no such action item"),  # an item outside their reach is not there for them
        (lambda: actions.close_item(con, own, "=1+1", "office", access=OFFICE), TextError, "formula"),
        (lambda: actions.close_item(con, own, "", "office", access=OFFICE), TextError, "empty"),
    ]
    for call, error, message in refused:
        before = _everything()
        with pytest.raises(error, match=message):
            call()
        assert _everything() == before, message

    entries = len(audit.entries(100_000))
    actions.add_progress(con, own, "已约谈承办法官，制定结案计划", "head", access=HEAD)  # their division owns it
    assert [p.text for p in store.item(own).progress] == ["已约谈承办法官，制定结案计划"]
    assert len(audit.entries(100_000)) == entries + 1

    actions.close_item(con, own, "已整改到位", "office", access=OFFICE)
    before = _everything()
    with pytest.raises(actions.ActionError, match="closed already"):
        actions.close_item(con, own, "再次销号", "office", access=OFFICE)
    assert _everything() == before
    assert actions.standings(con, [store.item(own)], today=NOW)[0].status == "closed"
    assert audit.verify().holds
    con.close()


def test_a_leader_sets_items_within_their_district_only(demo, state):
    con = connect(demo)
    leader = Access("leader", court="示01")
    assert _add(con, unit=Unit("示0101", division="民一庭"), indicator="mediation_rate", access=leader) == 1
    before = _everything()
    with pytest.raises(AccessDenied, match="示0201"):
        _add(con, unit=Unit("示0201"), access=leader)
    assert _everything() == before
    con.close()


def test_a_leader_is_offered_only_the_meetings_of_their_district(demo, state):
    con = connect(demo)
    _add(con, meeting="明湖会商", unit=Unit("示01", with_subordinates=True))
    _add(con, meeting="另一市会商", unit=Unit("示02", with_subordinates=True))
    names = lambda access: [m.name for m in actions.visible_meetings(con, access)]  # noqa: E731
    assert set(names(OFFICE)) == {"明湖会商", "另一市会商"}
    assert names(Access("leader", court="示01")) == ["明湖会商"]
    assert names(Access("leader", court="示02")) == ["另一市会商"]
    con.close()


def test_a_new_meeting_takes_the_scope_it_was_recorded_from(demo, state):
    """Set from a page showing the 示01 district, the meeting is the district's even when its first
    item is about a basic court; a scope out of the user's reach is refused with nothing written."""
    con = connect(demo)
    _add(con, meeting="明湖辖区会商", unit=Unit("示0101"), meeting_scope=Unit("示01", with_subordinates=True))
    found = store.meeting_by_name("明湖辖区会商")
    assert (found.court, found.with_subordinates) == ("示01", True)
    _add(con, meeting="湖滨会商", unit=Unit("示0101"))  # the command line: the item's unit
    found = store.meeting_by_name("湖滨会商")
    assert (found.court, found.with_subordinates) == ("示0101", False)
    before = _everything()
    with pytest.raises(AccessDenied):
        _add(con, meeting="全省会商", unit=Unit("示0101"), access=Access("leader", court="示01"),
             meeting_scope=Unit("示", with_subordinates=True))
    assert _everything() == before
    con.close()


def test_notes_are_checked_and_write_nothing_when_refused(demo, state):
    con = connect(demo)
    note = dict(indicator="closure_rate", unit=Unit("示0101", division="民一庭"), month="2026-03", text="3月系统切换", by="x")
    refused = [
        (dict(access=JUDGE), AccessDenied, "read-only"),
        (dict(access=Access("head", court="示0101", division="民二庭")), AccessDenied, "only your own division"),
        (dict(access=LEADER_ELSEWHERE), AccessDenied, "示0101"),
        (dict(indicator="no_such_indicator", access=OFFICE), actions.ActionError, "unknown indicator"),
        (dict(month="2026-10", access=OFFICE), actions.ActionError, "after the data date"),
        (dict(month="2026-13", access=OFFICE), actions.ActionError, "2026-03"),
        (dict(text="<img src=x>", access=OFFICE), TextError, "HTML"),
        (dict(text="=1+1", access=OFFICE), TextError, "formula"),
        (dict(text=LONG, access=OFFICE), TextError, "longer than 500"),
    ]
    for changes, error, message in refused:
        before = _everything()
        with pytest.raises(error, match=message):
            actions.add_note(con, **{**note, **changes})
        assert _everything() == before, message
    assert actions.add_note(con, **note, access=HEAD) == 1  # the head notes their own division's figure
    assert [n.text for n in actions.visible_notes(con, JUDGE)] == []  # another division's: not the judge's
    assert [n.text for n in actions.visible_notes(con, HEAD)] == ["3月系统切换"]
    con.close()
